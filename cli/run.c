/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pcisim run: a live update of a whole machine.
 *
 * Boot the topology, hand state over through KHO and LUO, kexec N times,
 * and after every kexec check what must hold: what was preserved comes
 * back byte-exact, nothing preserved is left unrestored once finished, the
 * new kernel enumerates the same functions at the same BDFs, and the
 * kernel issued no warning. Exit 0 only if every check held.
 *
 * With --preserve, the devices named are kept running through a PCI Live
 * Update (run_pci.c); without it, the functions the topology marks
 * `preserve` (found by their physical paths, cli/preserve.c). With
 * neither, what is handed over is a KHO self-test of every kind of
 * preserved memory, checked byte for byte.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "host.h"
#include "machine.h"
#include "phase.h"
#include "run.h"
#include "state_dir.h"
#include "sim/host_abi.h"

#define RUN_BASE_CMDLINE	"kho=on liveupdate=on"

/* Names of every function the kernel has, sorted (for comparing). */
struct bdf_list {
	char (*name)[32];
	size_t n, cap;
};

static int collect_name(const struct sim_pci_info *info, void *ctx)
{
	struct bdf_list *l = ctx;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		char (*v)[32] = realloc(l->name, cap * sizeof(*v));

		if (!v)
			return -1;
		l->name = v;
		l->cap = cap;
	}
	memcpy(l->name[l->n++], info->name, sizeof(info->name));
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

static struct bdf_list snapshot(void)
{
	struct bdf_list l = { 0 };

	sim_pci_visit_devs(collect_name, &l);
	qsort(l.name, l.n, sizeof(*l.name), cmp_name);
	return l;
}

/* Same functions at the same BDFs: one merge of the sorted lists. */
static int compare_devices(const struct bdf_list *before,
			   const struct bdf_list *after, int kexec)
{
	size_t i = 0, j = 0;
	int bad = 0;

	while (i < before->n || j < after->n) {
		int c = i == before->n ? 1 : j == after->n ? -1 :
			strcmp(before->name[i], after->name[j]);

		if (c < 0) {
			printf("FAIL kexec %d: %s is gone after kexec\n", kexec,
			       before->name[i++]);
			bad++;
		} else if (c > 0) {
			printf("FAIL kexec %d: %s appeared after kexec\n", kexec,
			       after->name[j++]);
			bad++;
		} else {
			i++;
			j++;
		}
	}
	return bad;
}

/*
 * --preserve-fraction F: every k-th (k = 1/F, rounded) of the functions
 * that are not bridges (endpoints, PFs, VFs), in the kernel's walk order,
 * so the devices kept are spread over the whole machine.
 *
 * A bridge is a function of base class 06 whatever its header: besides
 * PCI-to-PCI bridges (type 1) that is the host bridge function a root
 * complex shows at 00:00.0 (class 0600, type 0, no BARs) and the ISA/LPC
 * bridge of a chipset (0601). They are the platform's own, drive no DMA
 * (the machine refuses a doorbell on a host bridge), and no user space
 * hands them to vfio to keep a guest running: not devices to preserve.
 */
struct pick {
	struct run_dev *v;
	size_t n, cap, seen, every;
};

static int pick_one(const struct sim_pci_info *info, void *ctx)
{
	struct pick *p = ctx;

	if (info->is_bridge || info->hdr_type == 1 ||
	    info->class_code >> 16 == 0x06)
		return 0;
	if (p->seen++ % p->every)
		return 0;
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		struct run_dev *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	memset(&p->v[p->n], 0, sizeof(p->v[p->n]));
	p->v[p->n].domain = info->domain;
	p->v[p->n].bus = info->bus;
	p->v[p->n].devfn = info->devfn;
	snprintf(p->v[p->n].bdf, sizeof(p->v[p->n].bdf), "%04x:%02x:%02x.%u",
		 info->domain & 0xffff, info->bus & 0xff,
		 (info->devfn >> 3) & 0x1f, info->devfn & 7);
	p->n++;
	return 0;
}

static int pick_fraction(double frac, struct run_dev **pd, size_t *np)
{
	/* a fraction so small that 1/F is past size_t: the first one only */
	double every = frac >= 1 ? 1 : 1 / frac + 0.5;
	struct pick p = { .every = every < (double)SIZE_MAX ? (size_t)every : SIZE_MAX };

	if (sim_pci_visit_devs(pick_one, &p)) {
		free(p.v);
		return -1;
	}
	*pd = p.v;
	*np = p.n;
	return 0;
}

/* The functions the topology marks preserve, by their BDFs now. */
static int marks_to_devs(struct machine *m, const struct cli_marks *marks,
			 struct run_dev **pd, size_t *np)
{
	char (*bdf)[16];
	size_t n;

	if (cli_marks_bdfs(m, marks, &bdf, &n))
		return -1;
	*pd = calloc(n ? n : 1, sizeof(**pd));
	if (!*pd) {
		free(bdf);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned int dom, bus, dev, fn;

		sscanf(bdf[i], "%x:%x:%x.%x", &dom, &bus, &dev, &fn);
		(*pd)[i].domain = dom;
		(*pd)[i].bus = bus;
		(*pd)[i].devfn = dev << 3 | fn;
		memcpy((*pd)[i].bdf, bdf[i], sizeof((*pd)[i].bdf));
	}
	free(bdf);
	*np = n;
	return 0;
}

/*
 * --cmdline STR is for every boot; --cmdline N:STR for boot N only (0 the
 * first, N the kernel kexec N boots). A kernel parameter never starts
 * with a digit, so "N:" cannot be the start of one.
 */
#define RUN_MAX_CMDLINES	64

struct run_cmdline {
	int boot;		/* -1: every boot */
	const char *text;
};

static int parse_cmdline_opt(const char *a, struct run_cmdline *c)
{
	const char *p = a;
	long n = 0;

	c->boot = -1;
	c->text = a;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (*p++ - '0');
		if (n > 1000)
			return -1;
	}
	/* digits and no colon: a parameter for every boot (8250.nr_uarts=4) */
	if (p == a || *p != ':')
		return 0;
	c->boot = (int)n;
	c->text = p + 1;
	return 0;
}

/* Is word one of the space-separated words of line? */
static bool cmdline_has(const char *line, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = line; (p = strstr(p, word)); p += n)
		if ((p == line || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/* The command line of boot `boot`: ours, then the user's, in order. */
static void boot_cmdline(char *buf, size_t len, const char *vf_policy,
			 const struct run_cmdline *c, int nc, int boot)
{
	int n = snprintf(buf, len, "%s pci=lu_vfs=%s", RUN_BASE_CMDLINE,
			 vf_policy);

	for (int k = 0; k < nc && n > 0 && (size_t)n < len; k++)
		if (c[k].boot < 0 || c[k].boot == boot)
			n += snprintf(buf + n, len - n, " %s", c[k].text);
}

/*
 * --ram: "16G", "4096M", "1T" (binary units), up to RUN_RAM_MAX: the
 * kernel world's memmap (64 bytes a page) and the slab's per-page data (32)
 * of that much RAM are host memory allocated at boot, 24 GiB for 1T. 0 for
 * anything else: no sign, no value that wraps when its unit is applied.
 */
#define RUN_RAM_MAX	(1ULL << 40)
static unsigned long long parse_size(const char *s)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	unsigned int shift = 0;
	const char *u;
	char *end;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return 0;
	if (*end && (u = strchr(units, *end))) {
		shift = 10 * (unsigned int)(u - units + 1);
		end++;
	}
	if (*end || v > RUN_RAM_MAX >> shift)
		return 0;
	return v << shift;
}

int cmd_run(int argc, char **argv)
{
	const char *topo = NULL, *log = NULL;
	struct run_cmdline cmdlines[RUN_MAX_CMDLINES] = { { 0, NULL } };
	int ncmdlines = 0;
	const char *vf_policy = "core", *phases = NULL, *state_dir = NULL;
	struct run_dev *pd = NULL;
	size_t np = 0;
	double fraction = 0;
	unsigned long long ram = 0;
	unsigned long warns_total = 0;
	bool enable_vfs = false, from_marks = false, lost;
	struct bdf_list before, after;
	struct cli_marks marks = { 0 };
	char cmdline[4096];
	struct machine *m;
	FILE *logf = NULL;
	int bad = EXIT_BAD_INPUT;
	int kexecs = 1, i, ret, failures = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--kexec") && i + 1 < argc) {
			char *end;
			long n = strtol(argv[++i], &end, 10);

			if (*end || n < 0 || n > 1000) {
				fprintf(stderr, "pcisim run: --kexec takes a count from 0 to 1000, not '%s'\n",
					argv[i]);
				goto out;
			}
			kexecs = (int)n;
		} else if (!strcmp(a, "--cmdline") && i + 1 < argc) {
			if (ncmdlines == RUN_MAX_CMDLINES ||
			    parse_cmdline_opt(argv[++i], &cmdlines[ncmdlines])) {
				fprintf(stderr, "pcisim run: --cmdline takes 'STR' for every boot or 'N:STR' for boot N (0 to 1000), at most %d times; not '%s'\n",
					RUN_MAX_CMDLINES, argv[i]);
				goto out;
			}
			ncmdlines++;
		} else if (!strcmp(a, "--log") && i + 1 < argc) {
			log = argv[++i];
		} else if (!strcmp(a, "--enable-vfs")) {
			enable_vfs = true;
		} else if (!strcmp(a, "--preserve") && i + 1 < argc) {
			free(pd);
			pd = NULL;
			if (run_parse_preserve(argv[++i], &pd, &np))
				goto out;
		} else if (!strcmp(a, "--preserve-fraction") && i + 1 < argc) {
			char *end;

			fraction = strtod(argv[++i], &end);
			if (*end || !(fraction > 0 && fraction <= 1)) {
				fprintf(stderr, "pcisim run: --preserve-fraction takes a number in (0, 1], not '%s'\n",
					argv[i]);
				goto out;
			}
		} else if (!strcmp(a, "--phases") && i + 1 < argc) {
			phases = argv[++i];
		} else if (!strcmp(a, "--state-dir") && i + 1 < argc) {
			state_dir = argv[++i];
		} else if (!strcmp(a, "--ram") && i + 1 < argc) {
			ram = parse_size(argv[++i]);
			if (!ram || ram % 4096) {
				fprintf(stderr, "pcisim run: --ram takes a size of whole 4 KiB pages up to 1T, like 16G, not '%s'\n",
					argv[i]);
				goto out;
			}
		} else if (!strcmp(a, "--vf-policy") && i + 1 < argc) {
			vf_policy = argv[++i];
			if (strcmp(vf_policy, "core") && strcmp(vf_policy, "user")) {
				fprintf(stderr, "pcisim run: --vf-policy is core or user, not '%s'\n",
					vf_policy);
				goto out;
			}
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "pcisim run: unknown or incomplete option '%s'\n", a);
			goto out;
		} else if (!topo) {
			topo = a;
		} else {
			fprintf(stderr, "pcisim run: more than one topology given ('%s')\n", a);
			goto out;
		}
	}
	for (i = 0; i < ncmdlines; i++) {
		if (cmdlines[i].boot > kexecs) {
			fprintf(stderr, "pcisim run: --cmdline %d:... names a boot after the last kexec (--kexec %d)\n",
				cmdlines[i].boot, kexecs);
			goto out;
		}
	}
	boot_cmdline(cmdline, sizeof(cmdline), vf_policy, cmdlines, ncmdlines, 0);

	if (np && fraction) {
		fprintf(stderr, "pcisim run: --preserve and --preserve-fraction exclude each other\n");
		goto out;
	}
	phase_init(NULL);
	phase_begin("load");
	m = cli_load_topology_marks(topo, &marks);
	if (!m)
		goto out;
	if (np || fraction)
		cli_marks_free(&marks);		/* the command line decides */
	phase_init(m);
	if (cli_size_ram(m, ram))
		goto out;
	if (log) {
		logf = fopen(log, "w");
		if (!logf) {
			fprintf(stderr, "%s: error: %s\n", log, strerror(errno));
			goto out;
		}
		host_set_log(logf, 7);
	}
	if (state_dir && state_dir_open(state_dir))
		goto out;
	ret = cli_boot_and_probe(m, cmdline);
	if (!ret)
		state_dir_phase(m, "boot", -1);
	if (!ret && enable_vfs) {
		phase_begin("enable-vfs");
		ret = np || fraction || marks.n ? run_enable_vfs() :
		      sim_pci_enable_all_vfs();
	}
	if (!ret && marks.n) {
		ret = marks_to_devs(m, &marks, &pd, &np);
		cli_marks_free(&marks);
		from_marks = true;
		if (ret)
			goto out;
	}
	if (!ret && fraction) {
		ret = pick_fraction(fraction, &pd, &np);
		if (!ret && !np) {
			fprintf(stderr, "pcisim run: --preserve-fraction %g picks no device\n",
				fraction);
			goto out;
		}
	}
	if (ret) {
		fprintf(stderr, "pcisim run: boot failed (%d)\n", ret);
		bad = EXIT_CHECK_FAILED;
		goto out;
	}
	before = snapshot();
	if (run_check_preservable(pd, np, enable_vfs)) {
		free(before.name);
		free(pd);
		if (logf)
			fclose(logf);
		return EXIT_BAD_INPUT;
	}
	printf("boot: %zu functions enumerated, %lu pages in use\n", before.n,
	       sim_mm_pages_in_use());
	if (fraction)
		printf("preserving %zu of them (--preserve-fraction %g)\n", np,
		       fraction);
	if (from_marks) {
		printf("preserving what the topology marks preserve:");
		for (size_t k = 0; k < np; k++)
			printf(" %s", pd[k].bdf);
		printf("\n");
	}

	for (i = 1; np && i <= kexecs; i++) {
		printf("kexec %d:\n", i);
		warns_total += sim_warn_count();
		boot_cmdline(cmdline, sizeof(cmdline), vf_policy, cmdlines,
			     ncmdlines, i);
		failures += run_pci_cycle(m, cmdline, enable_vfs,
					  !strcmp(vf_policy, "user"), pd, np, i);
	}
	for (i = 1; !np && i <= kexecs; i++) {
		unsigned long long seed = 0x5eed0000ULL + (unsigned long long)i;
		uint64_t t0;

		warns_total += sim_warn_count();
		ret = sim_kho_selftest_preserve(seed);
		if (ret) {
			printf("FAIL kexec %d: preserving the KHO self-test failed: %d\n",
			       i, ret);
			failures++;
			break;
		}
		t0 = machine_time_ns(m);
		boot_cmdline(cmdline, sizeof(cmdline), vf_policy, cmdlines,
			     ncmdlines, i);
		ret = cli_kexec(m, cmdline);
		if (ret) {
			printf("FAIL kexec %d: kexec failed: %d\n", i, ret);
			failures++;
			break;
		}
		/*
		 * User space in the new kernel enables the VFs again, as it
		 * did at boot (and as the preserved path does): they are not
		 * kept without it, since no PF with VFs was preserved.
		 */
		if (enable_vfs) {
			phase_begin("enable-vfs");
			ret = sim_pci_enable_all_vfs();
			if (ret) {
				printf("FAIL kexec %d: enabling VFs again failed: %d\n",
				       i, ret);
				failures++;
			}
		}
		/* a parameter the kernel passes to user space, the host */
		sim_kho_selftest_set_fault_leak(cmdline_has(cmdline,
							    "kho_selftest_fault=leak"));
		ret = sim_kho_selftest_verify(seed);
		if (ret) {
			printf("FAIL kexec %d: KHO self-test memory did not come back intact: %d\n",
			       i, ret);
			failures++;
		}
		if (sim_kho_leaked_pages()) {
			printf("FAIL kexec %d: %lu preserved pages were never restored (leaked)\n",
			       i, sim_kho_leaked_pages());
			failures++;
		}
		phase_begin("check");
		after = snapshot();
		failures += compare_devices(&before, &after, i);
		free(after.name);
		printf("kexec %d: %zu functions enumerated, %" PRIu64 " pages poisoned, boot took %" PRIu64 " us of virtual time\n",
		       i, after.n, machine_ram_nr_poisoned(m),
		       (machine_time_ns(m) - t0) / 1000);
	}
	warns_total += sim_warn_count();
	if (warns_total) {
		printf("FAIL: the kernel issued %lu WARNING(s) (see the log)\n",
		       warns_total);
		failures++;
	}
	free(before.name);
	free(pd);
	/* both written even if one fails; a failed check outranks lost output */
	lost = logf && cli_close_output(logf, log);
	lost |= phase_write(phases, before.n) != 0;
	lost |= state_dir_lost();
	if (failures) {
		printf("run: %d check(s) failed\n", failures);
		return EXIT_CHECK_FAILED;
	}
	if (lost)
		return EXIT_BAD_INPUT;
	printf("run: %d kexec(s), every check held\n", kexecs);
	return EXIT_OK;
out:
	/* refused before the first kexec: what was taken so far */
	free(pd);
	cli_marks_free(&marks);
	if (logf)
		fclose(logf);
	return bad;
}
