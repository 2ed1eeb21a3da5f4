/* SPDX-License-Identifier: GPL-2.0 */
/* Test helpers: the kernel world in a forked child, comparisons with the
 * reference captures, the pcisim command; see simtest.h. */
#include "simtest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "host.h"
#include "machine.h"
#include "topofile.h"

struct wire_hdr {
	unsigned long warns;
	size_t n;
};

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t w = write(fd, p, len);

		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int collect(const struct sim_pci_info *info, void *ctx)
{
	struct sim_result *r = ctx;
	struct sim_pci_info *v = realloc(r->dev, (r->n + 1) * sizeof(*v));

	if (!v)
		return -1;
	r->dev = v;
	r->dev[r->n++] = *info;
	return 0;
}

static struct machine *child_load(const struct sim_run *run)
{
	struct topo_error err;
	struct machine *m;
	struct topo *t;

	if (!run->topo_text)
		return cli_load_topology(run->topo_path);
	memset(&err, 0, sizeof(err));
	t = topo_parse_string("<test>", run->topo_text, strlen(run->topo_text),
			      &err);
	if (!t) {
		topo_error_print(&err, stderr);
		return NULL;
	}
	m = topo_build(t, &err);
	if (!m)
		topo_error_print(&err, stderr);
	topo_free(t);
	return m;
}

static void child(const struct sim_run *run, int fd, const char *logpath)
{
	struct sim_result r = { 0 };
	struct wire_hdr h;
	struct machine *m;
	FILE *logf = fopen(logpath, "w");

	if (!logf)
		_exit(4);
	/* unbuffered: the log must be complete even if the kernel stops */
	setvbuf(logf, NULL, _IONBF, 0);
	setvbuf(stdout, NULL, _IONBF, 0);
	dup2(fileno(logf), 2);
	dup2(fileno(logf), 1);	/* reports (pcisim run's) go to the log too */
	m = child_load(run);
	if (!m)
		_exit(EXIT_BAD_INPUT);
	host_set_log(logf, 7);
	if (cli_boot_and_probe(m, run->cmdline))
		_exit(EXIT_CHECK_FAILED);
	if (run->enable_vfs && sim_pci_enable_all_vfs())
		_exit(EXIT_CHECK_FAILED);
	if (run->selftest_warn && sim_selftest_warn() != 1)
		_exit(EXIT_CHECK_FAILED);
	if (run->selftest_bug)
		sim_selftest_bug();
	if (run->selftest_stub)
		sim_selftest_stub();
	if (run->scenario) {
		int ret = run->scenario(m, run->arg);

		if (ret) {
			fprintf(logf, "simtest: scenario failed: %d\n", ret);
			_exit(EXIT_CHECK_FAILED);
		}
	}
	sim_pci_visit_devs(collect, &r);
	h.warns = sim_warn_count();
	h.n = r.n;
	if (write_all(fd, &h, sizeof(h)) ||
	    write_all(fd, r.dev, r.n * sizeof(*r.dev)))
		_exit(4);
	_exit(0);
}

static int read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 1 << 16;
	char *b = malloc(cap);

	*len = 0;
	if (!b)
		return -1;
	for (;;) {
		ssize_t got;

		if (*len == cap) {
			char *nb = realloc(b, cap *= 2);

			if (!nb) {
				free(b);
				return -1;
			}
			b = nb;
		}
		got = read(fd, b + *len, cap - *len);
		if (got < 0) {
			free(b);
			return -1;
		}
		if (!got)
			break;
		*len += (size_t)got;
	}
	*buf = b;
	return 0;
}

int simtest_run(const struct sim_run *run, struct sim_result *r)
{
	char logpath[] = "/tmp/pcisim-simtest-XXXXXX";
	struct wire_hdr h;
	int fds[2], wstatus, logfd;
	char *buf = NULL;
	size_t len = 0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	logfd = mkstemp(logpath);
	if (logfd < 0 || pipe(fds))
		return -1;
	close(logfd);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(fds[0]);
		child(run, fds[1], logpath);
	}
	close(fds[1]);
	if (read_all(fds[0], &buf, &len))
		return -1;
	close(fds[0]);
	waitpid(pid, &wstatus, 0);
	r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
	if (len >= sizeof(h)) {
		memcpy(&h, buf, sizeof(h));
		if (len == sizeof(h) + h.n * sizeof(*r->dev)) {
			r->warns = h.warns;
			r->n = h.n;
			r->dev = malloc(h.n * sizeof(*r->dev) + 1);
			memcpy(r->dev, buf + sizeof(h), h.n * sizeof(*r->dev));
		}
	}
	free(buf);
	logfd = open(logpath, O_RDONLY);
	if (logfd >= 0 && !read_all(logfd, &buf, &len)) {
		r->log = malloc(len + 1);
		memcpy(r->log, buf, len);
		r->log[len] = '\0';
		free(buf);
	}
	if (logfd >= 0)
		close(logfd);
	unlink(logpath);
	if (!r->log)
		r->log = strdup("");
	return 0;
}

void simtest_free(struct sim_result *r)
{
	free(r->dev);
	free(r->log);
	memset(r, 0, sizeof(*r));
}

const struct sim_pci_info *simtest_find(const struct sim_result *r,
					const char *bdf)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (!strcmp(r->dev[i].name, bdf))
			return &r->dev[i];
	return NULL;
}

/* ---- comparing with the reference captures (tests/oracle/) ---- */

static char *next_field(char **line)
{
	char *f = *line, *tab;

	if (!f)
		return NULL;
	tab = strchr(f, '\t');
	if (tab) {
		*tab = '\0';
		*line = tab + 1;
	} else {
		f[strcspn(f, "\n")] = '\0';
		*line = NULL;
	}
	return f;
}

/* The capture's pcie_type column (oracle/oracle.py): PCI_EXP_TYPE_* by name */
static const char *pcie_type_name(int type)
{
	static const char *const names[] = {
		[0] = "endpoint", [1] = "legacy-endpoint", [4] = "root-port",
		[5] = "switch-upstream", [6] = "switch-downstream",
		[7] = "pcie-to-pci-bridge", [8] = "pci-to-pcie-bridge",
		[9] = "rc-integrated-endpoint", [10] = "rc-event-collector",
	};

	if (type < 0)
		return "conventional";
	if ((size_t)type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "?";
}

/*
 * Drivers the real kernels bind that pcisim does not build: shpchp, the
 * SHPC hot-plug controller driver of conventional PCI bridges
 * (CONFIG_HOTPLUG_PCI is off: pcisim models no hot-plug controller).
 * pcisim must bind nothing there instead.
 */
static bool driver_not_built(const char *driver)
{
	return !strcmp(driver, "shpchp");
}

/* "pci0000:00" (a root bus) or the BDF of the bridge above */
static void parent_name(const struct sim_pci_info *d, char *buf, size_t len)
{
	if (!d->has_parent)
		snprintf(buf, len, "pci%04x:%02x", d->domain, d->bus);
	else
		snprintf(buf, len, "%04x:%02x:%02x.%x", d->domain, d->parent_bus,
			 d->parent_devfn >> 3, d->parent_devfn & 7);
}

int simtest_compare_devices(const struct sim_result *r, const char *path)
{
	char line[1024];
	size_t rows = 0;
	int bad = 0;
	FILE *f = fopen(path, "r");

	if (!f || !fgets(line, sizeof(line), f)) {	/* header */
		fprintf(stderr, "%s: cannot read\n", path);
		if (f)
			fclose(f);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *bdf, *fields[18], mine[64];
		const struct sim_pci_info *d;
		const char *driver;
		int i;

		bdf = next_field(&p);
		for (i = 0; i < 18; i++)
			fields[i] = next_field(&p);
		rows++;
		if (!fields[17]) {
			fprintf(stderr, "%s: short line for %s\n", path, bdf);
			bad++;
			continue;
		}
		d = simtest_find(r, bdf);
		if (!d) {
			fprintf(stderr, "%s: %s missing\n", path, bdf);
			bad++;
			continue;
		}
		/*
		 * fields: 0 id, 1 class, 2 hdr, 3 mf, 4 type, 5 parent, 6 pri,
		 * 7 sec, 8 sub, 9-11 windows, 12 totalvfs, 13 numvfs, 14 offset,
		 * 15 stride, 16 physfn, 17 driver
		 */
		snprintf(mine, sizeof(mine), "%04x:%04x", d->vendor, d->device);
		if (strcmp(fields[0], mine)) {
			fprintf(stderr, "%s: %s IDs %s, real kernel %s\n", path, bdf,
				mine, fields[0]);
			bad++;
		}
		if (strtoul(fields[1], NULL, 16) != d->class_code ||
		    strtoul(fields[2], NULL, 16) != (d->hdr_type & 0x7f)) {
			fprintf(stderr, "%s: %s class %06x header %u, real kernel %s %s\n",
				path, bdf, d->class_code, d->hdr_type & 0x7f,
				fields[1], fields[2]);
			bad++;
		}
		if (strcmp(fields[4], pcie_type_name(d->pcie_type))) {
			fprintf(stderr, "%s: %s PCIe type %s, real kernel %s\n", path,
				bdf, pcie_type_name(d->pcie_type), fields[4]);
			bad++;
		}
		parent_name(d, mine, sizeof(mine));
		if (strcmp(fields[5], mine)) {
			fprintf(stderr, "%s: %s parent %s, real kernel %s\n", path,
				bdf, mine, fields[5]);
			bad++;
		}
		driver = d->driver[0] ? d->driver : "-";
		if (strcmp(fields[17], driver) &&
		    !(driver_not_built(fields[17]) && !d->driver[0])) {
			fprintf(stderr, "%s: %s driver %s, real kernel %s\n", path,
				bdf, driver, fields[17]);
			bad++;
		}
		if (strcmp(fields[6], "-")) {
			unsigned int pri = strtoul(fields[6], NULL, 16);
			unsigned int sec = strtoul(fields[7], NULL, 16);
			unsigned int sub = strtoul(fields[8], NULL, 16);

			if (!d->is_bridge || d->primary != pri ||
			    d->secondary != sec || d->subordinate != sub) {
				fprintf(stderr, "%s: %s bus numbers %02x/%02x/%02x, real kernel %02x/%02x/%02x\n",
					path, bdf, d->primary, d->secondary,
					d->subordinate, pri, sec, sub);
				bad++;
			}
		}
	}
	fclose(f);
	if (rows != r->n) {
		fprintf(stderr, "%s: real kernel found %zu functions, pcisim %zu\n",
			path, rows, r->n);
		bad++;
	}
	return bad;
}

/*
 * A resource as sysfs "resource" shows it (drivers/pci/pci-sysfs.c
 * resource_show()): since 7.x a bridge window that is unset or disabled
 * reads as zeroes, "for backwards compatibility".
 */
#define SIMTEST_BRIDGE_WIN_FIRST	13	/* PCI_BRIDGE_RESOURCES with IOV */
#define SIMTEST_BRIDGE_WIN_LAST		16
#define SIMTEST_IORESOURCE_DISABLED	0x10000000UL
#define SIMTEST_IORESOURCE_UNSET	0x20000000UL
static struct sim_res sysfs_view(const struct sim_res *res, int i)
{
	static const struct sim_res zero;

	if (i >= SIMTEST_BRIDGE_WIN_FIRST && i <= SIMTEST_BRIDGE_WIN_LAST &&
	    (res->flags & (SIMTEST_IORESOURCE_DISABLED | SIMTEST_IORESOURCE_UNSET)))
		return zero;
	return *res;
}

/*
 * Both ways: every resource the real kernel had (sysfs "resource": the
 * lines with a start, an end or flags) must be pcisim's as sysfs would
 * show it, flags included, and pcisim must have no resource the real
 * kernel did not.
 */
int simtest_compare_resources(const struct sim_result *r, const char *path)
{
	char line[1024];
	int bad = 0;
	bool *seen = calloc(r->n * SIM_NR_RES + 1, sizeof(*seen));
	FILE *f = fopen(path, "r");

	if (!seen || !f || !fgets(line, sizeof(line), f)) {	/* header */
		fprintf(stderr, "%s: cannot read\n", path);
		if (f)
			fclose(f);
		free(seen);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *bdf, *idx, *name, *start, *end, *flags;
		unsigned long long s, e, fl;
		const struct sim_pci_info *d;
		struct sim_res res;
		int i;

		bdf = next_field(&p);
		idx = next_field(&p);
		name = next_field(&p);
		next_field(&p);		/* kind */
		start = next_field(&p);
		end = next_field(&p);
		next_field(&p);		/* size */
		flags = next_field(&p);
		if (!flags) {
			fprintf(stderr, "%s: short line for %s\n", path, bdf);
			bad++;
			continue;
		}
		i = atoi(idx);
		s = strtoull(start, NULL, 16);
		e = strtoull(end, NULL, 16);
		fl = strtoull(flags, NULL, 16);
		d = simtest_find(r, bdf);
		if (!d || i < 0 || i >= SIM_NR_RES)
			continue;	/* a missing function is reported above */
		seen[(d - r->dev) * SIM_NR_RES + i] = true;
		res = sysfs_view(&d->res[i], i);
		if (res.start != s || res.end != e || res.flags != fl) {
			fprintf(stderr, "%s: %s %s is %#llx-%#llx flags %#lx, real kernel %#llx-%#llx flags %#llx\n",
				path, bdf, name, res.start, res.end, res.flags,
				s, e, fl);
			bad++;
		}
	}
	fclose(f);
	for (size_t n = 0; n < r->n; n++) {
		const struct sim_pci_info *d = &r->dev[n];

		for (int i = 0; i < SIM_NR_RES; i++) {
			const struct sim_res res = sysfs_view(&d->res[i], i);

			if (seen[n * SIM_NR_RES + i] ||
			    !(res.start || res.end || res.flags))
				continue;
			fprintf(stderr, "%s: %s resource %d is %#llx-%#llx flags %#lx, the real kernel has none\n",
				path, d->name, i, res.start, res.end,
				res.flags);
			bad++;
		}
	}
	free(seen);
	return bad;
}

/* ---- running the pcisim command ---- */

int simtest_shell(char **out, const char *fmt, ...)
{
	char cmd[4096], *buf = NULL;
	size_t len = 0;
	va_list ap;
	FILE *p, *m;
	int c, st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>&1", sizeof(cmd) - strlen(cmd) - 1);
	fflush(NULL);
	p = popen(cmd, "r");
	m = open_memstream(&buf, &len);
	if (!p || !m)
		return -1;
	while ((c = fgetc(p)) != EOF)
		fputc(c, m);
	fclose(m);
	st = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

char *simtest_slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r"), *m;
	int c;

	if (!f)
		return NULL;
	m = open_memstream(&buf, &len);
	if (!m) {
		fclose(f);
		return NULL;
	}
	while ((c = fgetc(f)) != EOF)
		fputc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}
