// SPDX-License-Identifier: GPL-2.0
/*
 * pcisim draw TOPO -o FILE.svg: the tree the kernel enumerated, drawn.
 *
 * Enumerates like "pcisim enumerate" and writes what the kernel found as a
 * Graphviz graph: one box per function (BDF, IDs, kind, and for bridges
 * the bus range the kernel gave them) below its host's root bus. dot(1)
 * renders it in the format the file name asks for; FILE.dot is the graph
 * text itself, for those who want to restyle it.
 *
 * With --preserve BDF,... (or, without it, the functions the topology
 * marks `preserve`) the drawing shows a live update's device list:
 * preserved functions bold and filled, and what they depend on (every
 * bridge above them, the PF of a preserved VF) in another colour, with a
 * legend. The nodes carry class="preserved" / class="lu-dependency".
 */
#include <errno.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "cli.h"
#include "host.h"
#include "machine.h"
#include "sim/host_abi.h"

/* Without --log only critical kernel messages reach stderr: a picture
 * is wanted, and enumerate --log has the whole story. */
#define KERN_CRIT	2

enum role { R_NONE, R_PRESERVED, R_DEPENDENCY };

struct draw {
	FILE *o;
	struct machine *m;
	struct sim_pci_info *dev;	/* in bus order */
	size_t n, cap;
	unsigned char *role;		/* enum role, per dev */
};

/* Live-update colours: preserved (bold) and what it depends on. */
#define PRESERVED_ATTRS	"class=\"preserved\", fillcolor=\"#f6a04d\", color=\"#b03a2e\", penwidth=3"
#define DEPENDENCY_ATTRS "class=\"lu-dependency\", fillcolor=\"#a8d5a2\", color=\"#2e7d32\", penwidth=2"

static int collect(const struct sim_pci_info *d, void *arg)
{
	struct draw *w = arg;

	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		struct sim_pci_info *v = realloc(w->dev, cap * sizeof(*v));

		if (!v)
			return -1;
		w->dev = v;
		w->cap = cap;
	}
	w->dev[w->n++] = *d;
	return 0;
}

static uint32_t cfg(struct draw *w, const struct sim_pci_info *d, int where,
		    int size)
{
	uint32_t v = 0;

	machine_cfg_read(w->m, (uint16_t)d->domain, (uint8_t)d->bus,
			 (uint8_t)d->devfn, (uint16_t)where, size, &v);
	return v;
}

/*
 * The PF a VF belongs to, from the PFs' SR-IOV capabilities (VF n is at
 * PF + First VF Offset + n * VF Stride): VFs hang below their PF in the
 * drawing, even where several PFs' VFs interleave on one bus.
 */
static const struct sim_pci_info *pf_of(struct draw *w,
					const struct sim_pci_info *vf)
{
	uint32_t vrid = vf->bus << 8 | vf->devfn;

	for (size_t i = 0; i < w->n; i++) {
		const struct sim_pci_info *pf = &w->dev[i];
		uint32_t rid = pf->bus << 8 | pf->devfn, num, off, stride;
		int pos = PCI_CFG_SPACE_SIZE, ttl = 480;

		if (!pf->sriov_num || pf->domain != vf->domain || vrid <= rid)
			continue;
		while (ttl-- > 0 && pos >= PCI_CFG_SPACE_SIZE) {
			uint32_t h = cfg(w, pf, pos, 4);

			if (!h || h == 0xffffffff)
				break;
			if (PCI_EXT_CAP_ID(h) == PCI_EXT_CAP_ID_SRIOV)
				break;
			pos = (int)PCI_EXT_CAP_NEXT(h);
		}
		if (ttl <= 0 || pos < PCI_CFG_SPACE_SIZE)
			continue;
		num = cfg(w, pf, pos + PCI_SRIOV_NUM_VF, 2);
		off = cfg(w, pf, pos + PCI_SRIOV_VF_OFFSET, 2);
		stride = cfg(w, pf, pos + PCI_SRIOV_VF_STRIDE, 2);
		for (uint32_t n = 0; n < num; n++)
			if (rid + off + n * stride == vrid)
				return pf;
	}
	return NULL;
}

static const char *kind_of(const struct sim_pci_info *d)
{
	static const char *const bridge[] = {
		[4] = "root-port", [5] = "switch-up", [6] = "switch-down",
		[7] = "pcie-pci-bridge", [8] = "pci-pcie-bridge",
	};
	static const char *const type0[] = {
		[0] = "endpoint", [1] = "legacy-endpoint", [9] = "rciep",
		[10] = "rc-event-collector",
	};
	int t = d->pcie_type;

	if ((d->hdr_type & 0x7f) == 1) {
		if (t < 0)
			return "pci-bridge";
		return t < 9 && bridge[t] ? bridge[t] : "bridge";
	}
	if (t < 0)
		return (d->class_code >> 8) == 0x0600 ? "host-bridge" : "pci-device";
	return t < 11 && type0[t] ? type0[t] : "pcie-function";
}

static const char *fill_of(const struct sim_pci_info *d)
{
	if (d->is_virtfn)
		return "white";
	if (d->is_bridge)
		return "#d6e6f5";
	return "#fdf3d0";
}

static void root_node(struct draw *w, const struct sim_pci_info *d)
{
	for (size_t i = 0; i < w->n && &w->dev[i] != d; i++)
		if (!w->dev[i].has_parent && w->dev[i].domain == d->domain &&
		    w->dev[i].bus == d->bus)
			return;		/* drawn with an earlier function */
	fprintf(w->o, "\t\"pci%04x:%02x\" [label=\"host %04x\\nroot bus %02x\", shape=box3d, style=filled, fillcolor=\"#e4e4e4\"];\n",
		d->domain, d->bus, d->domain, d->bus);
}

static struct sim_pci_info *find_dev(struct draw *w, unsigned int domain,
				     unsigned int bus, unsigned int devfn)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->dev[i].domain == domain && w->dev[i].bus == bus &&
		    w->dev[i].devfn == devfn)
			return &w->dev[i];
	return NULL;
}

/* Each preserved function, then up its path: bridges and a VF's PF. */
static int mark_roles(struct draw *w, const unsigned int (*keep)[3], size_t nk)
{
	w->role = calloc(w->n ? w->n : 1, 1);
	if (!w->role)
		return -1;
	for (size_t k = 0; k < nk; k++) {
		struct sim_pci_info *d = find_dev(w, keep[k][0], keep[k][1],
						  keep[k][2]);

		if (!d) {
			fprintf(stderr, "pcisim draw: --preserve: no function %04x:%02x:%02x.%u was enumerated\n",
				keep[k][0], keep[k][1], keep[k][2] >> 3,
				keep[k][2] & 7);
			return 1;
		}
		w->role[d - w->dev] = R_PRESERVED;
	}
	for (size_t k = 0; k < nk; k++) {
		const struct sim_pci_info *d = find_dev(w, keep[k][0], keep[k][1],
							keep[k][2]);

		while (d && (d->is_virtfn || d->has_parent)) {
			d = d->is_virtfn ?
			    find_dev(w, d->domain, d->physfn_bus, d->physfn_devfn) :
			    find_dev(w, d->domain, d->parent_bus, d->parent_devfn);
			if (d && !w->role[d - w->dev])
				w->role[d - w->dev] = R_DEPENDENCY;
		}
	}
	return 0;
}

static void legend(struct draw *w)
{
	bool any = false;

	for (size_t i = 0; i < w->n; i++)
		any |= w->role && w->role[i];
	if (!any)
		return;
	fputs("\tsubgraph cluster_legend {\n"
	      "\t\tlabel=\"live update\"; fontsize=10; style=dashed; color=gray60;\n"
	      "\t\t\"legend-preserved\" [label=\"preserved\", style=\"rounded,filled,bold\", " PRESERVED_ATTRS "];\n"
	      "\t\t\"legend-dependency\" [label=\"kept for a preserved device\\n(bridge above it, PF of a VF)\", " DEPENDENCY_ATTRS "];\n"
	      "\t\t\"legend-preserved\" -> \"legend-dependency\" [style=invis];\n"
	      "\t}\n", w->o);
}

static void node(struct draw *w, const struct sim_pci_info *d)
{
	const struct sim_pci_info *pf = d->is_virtfn ? pf_of(w, d) : NULL;
	enum role role = w->role ? (enum role)w->role[d - w->dev] : R_NONE;
	char parent[40];

	if (pf)
		snprintf(parent, sizeof(parent), "%s", pf->name);
	else if (d->has_parent)
		snprintf(parent, sizeof(parent), "%04x:%02x:%02x.%x", d->domain,
			 d->parent_bus, d->parent_devfn >> 3, d->parent_devfn & 7);
	else
		snprintf(parent, sizeof(parent), "pci%04x:%02x", d->domain, d->bus);
	if (!d->has_parent)
		root_node(w, d);
	fprintf(w->o, "\t\"%s\" [label=\"%s\\n%04x:%04x %s%s", d->name, d->name,
		d->vendor, d->device, kind_of(d), d->is_virtfn ? " VF" : "");
	if (d->is_bridge)
		fprintf(w->o, "\\nbus %02x-%02x", d->secondary, d->subordinate);
	if (role == R_PRESERVED)
		fprintf(w->o, "\", style=\"rounded,filled,bold%s\", " PRESERVED_ATTRS "];\n",
			d->is_virtfn ? ",dashed" : "");
	else if (role == R_DEPENDENCY)
		fprintf(w->o, "\", " DEPENDENCY_ATTRS "];\n");
	else
		fprintf(w->o, "\", fillcolor=\"%s\"%s];\n", fill_of(d),
			d->is_virtfn ? ", style=\"rounded,filled,dashed\", color=gray50" : "");
	fprintf(w->o, "\t\"%s\" -> \"%s\"%s;\n", parent, d->name,
		d->is_virtfn ? " [style=dashed]" : "");
}

/* 0, -1 on failure, 1 when a function to preserve does not exist. */
static int write_graph(FILE *o, struct machine *m, const char *title,
		       const unsigned int (*keep)[3], size_t nk)
{
	struct draw w = { .o = o, .m = m };
	int ret;

	if (sim_pci_visit_devs(collect, &w)) {
		free(w.dev);
		return -1;
	}
	ret = nk ? mark_roles(&w, keep, nk) : 0;
	if (ret) {
		free(w.role);
		free(w.dev);
		return ret;
	}
	/* ordering=out keeps siblings in bus order, as lspci -t lists them */
	fputs("digraph pcisim {\n"
	      "\tgraph [rankdir=LR, ordering=out, nodesep=0.12, ranksep=0.45, fontname=\"Helvetica\", fontsize=12, labelloc=t, label=\"", o);
	for (const char *p = title; *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', o);
		fputc(*p, o);
	}
	fputs(": as the Linux PCI core enumerated it\"];\n"
	      "\tnode [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n"
	      "\tedge [arrowhead=none, color=gray40];\n", o);
	for (size_t i = 0; i < w.n; i++)
		node(&w, &w.dev[i]);
	legend(&w);
	fputs("}\n", o);
	free(w.role);
	free(w.dev);
	return 0;
}

/* "0000:03:00.0,0000:05:10.0" -> domain, bus, devfn triples. */
static int parse_keep(const char *list, unsigned int (**keep)[3], size_t *nk)
{
	const char *p = list;

	for (;;) {
		unsigned int dom, bus, dev, fn, (*v)[3];
		int used = 0;

		if (sscanf(p, "%4x:%2x:%2x.%1u%n", &dom, &bus, &dev, &fn, &used) != 4 ||
		    !used || dev > 0x1f || fn > 7 || (p[used] && p[used] != ',')) {
			fprintf(stderr, "pcisim draw: --preserve: '%s' is not a list of BDFs like 0000:03:00.0\n",
				list);
			return -1;
		}
		v = realloc(*keep, (*nk + 1) * sizeof(**keep));
		if (!v)
			return -1;
		*keep = v;
		v[*nk][0] = dom;
		v[*nk][1] = bus;
		v[*nk][2] = dev << 3 | fn;
		(*nk)++;
		if (!p[used])
			return 0;
		p += used + 1;
	}
}

/* The topology's marks, by the BDFs the kernel gave them. */
static int keep_marks(struct machine *m, const struct cli_marks *marks,
		      unsigned int (**keep)[3], size_t *nk)
{
	char (*bdf)[16];
	size_t n;
	int ret = 0;

	if (cli_marks_bdfs(m, marks, &bdf, &n))
		return -1;
	for (size_t i = 0; !ret && i < n; i++)
		ret = parse_keep(bdf[i], keep, nk);
	free(bdf);
	return ret;
}

/* dot -Tfmt -o path < text; 0 on success. */
static int run_dot(const char *fmt, const char *path, const char *text,
		   size_t len)
{
	char tflag[16];
	int fds[2], st;
	pid_t pid;

	snprintf(tflag, sizeof(tflag), "-T%s", fmt);
	if (pipe(fds))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execlp("dot", "dot", tflag, "-o", path, (char *)NULL);
		fprintf(stderr, "pcisim draw: cannot run dot: %s (Debian package graphviz; or write FILE.dot)\n",
			strerror(errno));
		_exit(127);
	}
	close(fds[0]);
	signal(SIGPIPE, SIG_IGN);	/* dot gone: its status says why */
	while (len) {
		ssize_t n = write(fds[1], text, len);

		if (n <= 0)
			break;
		text += n;
		len -= (size_t)n;
	}
	close(fds[1]);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && !WEXITSTATUS(st) && !len ? 0 : -1;
}

static int usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, "pcisim draw: %s%s%s\n"
		"usage: pcisim draw [TOPO] -o FILE.svg|.png|.pdf|.dot [--cmdline 'pci=...']\n"
		"                   [--enable-vfs] [--preserve BDF,...] [--log FILE]\n",
		msg, arg ? " " : "", arg ? arg : "");
	return EXIT_BAD_INPUT;
}

int cmd_draw(int argc, char **argv)
{
	const char *topo = NULL, *out = NULL, *log = NULL, *cmdline = "", *ext;
	bool enable_vfs = false;
	unsigned int (*keep)[3] = NULL;
	size_t nk = 0;
	struct cli_marks marks;
	struct machine *m;
	FILE *logf = NULL, *o;
	char *text = NULL;
	size_t len = 0;
	int ret;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(a, "--cmdline") && i + 1 < argc)
			cmdline = argv[++i];
		else if (!strcmp(a, "--log") && i + 1 < argc)
			log = argv[++i];
		else if (!strcmp(a, "--enable-vfs"))
			enable_vfs = true;
		else if (!strcmp(a, "--preserve") && i + 1 < argc) {
			if (parse_keep(argv[++i], &keep, &nk))
				goto bad;
		} else if (a[0] == '-' && a[1]) {
			ret = usage_error("unknown or incomplete option", a);
			goto out;
		} else if (!topo) {
			topo = a;
		} else {
			ret = usage_error("more than one topology given:", a);
			goto out;
		}
	}
	if (!out) {
		ret = usage_error("no output file (-o FILE.svg)", NULL);
		goto out;
	}
	ext = strrchr(out, '.');
	if (!ext || (strcmp(ext, ".dot") && strcmp(ext, ".svg") &&
		     strcmp(ext, ".png") && strcmp(ext, ".pdf"))) {
		ret = usage_error("the output file's name ends in .svg, .png, .pdf or .dot:", out);
		goto out;
	}
	/* before the machine is built: nothing to undo when it fails */
	if (log) {
		logf = fopen(log, "w");
		if (!logf) {
			fprintf(stderr, "%s: error: %s\n", log, strerror(errno));
			goto bad;
		}
	}
	m = cli_load_topology_marks(topo, &marks);
	if (!m)
		goto bad;
	if (nk)
		cli_marks_free(&marks);		/* --preserve decides */
	host_set_log(logf, logf ? 7 : KERN_CRIT);
	ret = cli_boot_and_probe(m, cmdline);
	if (!ret && enable_vfs)
		ret = sim_pci_enable_all_vfs();
	if (ret) {
		fprintf(stderr, "pcisim draw: enumeration failed (%d)\n", ret);
		return EXIT_CHECK_FAILED;
	}
	if (sim_warn_count())
		fprintf(stderr, "pcisim: the kernel issued %lu WARNING(s)\n",
			sim_warn_count());
	ret = marks.n ? keep_marks(m, &marks, &keep, &nk) : 0;
	cli_marks_free(&marks);
	if (ret)
		return EXIT_CHECK_FAILED;
	o = open_memstream(&text, &len);
	if (!o)
		return EXIT_CHECK_FAILED;
	ret = write_graph(o, m, topo ? topo : "built-in default.topo", keep, nk);
	free(keep);
	if (fclose(o) || ret) {
		free(text);
		return ret == 1 ? EXIT_BAD_INPUT : EXIT_CHECK_FAILED;
	}
	if (!strcmp(ext, ".dot"))
		ret = cli_write_output(out, text, len) ? EXIT_BAD_INPUT : EXIT_OK;
	else if (run_dot(ext + 1, out, text, len))
		ret = EXIT_CHECK_FAILED;
	free(text);
	if (logf && cli_close_output(logf, log))
		return EXIT_BAD_INPUT;
	return ret;
bad:
	ret = EXIT_BAD_INPUT;
out:
	/* refused before the boot: what was taken so far */
	free(keep);
	if (logf)
		fclose(logf);
	return ret;
}
