// SPDX-License-Identifier: GPL-2.0
/*
 * pcisim draw TOPO -o FILE.svg: the tree the kernel enumerated, drawn.
 *
 * Enumerates like "pcisim enumerate" and writes what the kernel found as a
 * Graphviz graph: one box per function (BDF, IDs, kind, and for bridges
 * the bus range the kernel gave them) below its host's root bus. dot(1)
 * renders it in the format the file name asks for; FILE.dot is the graph
 * text itself, for those who want to restyle it.
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

struct draw {
	FILE *o;
	struct machine *m;
	struct sim_pci_info *dev;	/* in bus order */
	size_t n, cap;
};

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

static void node(struct draw *w, const struct sim_pci_info *d)
{
	const struct sim_pci_info *pf = d->is_virtfn ? pf_of(w, d) : NULL;
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
	fprintf(w->o, "\", fillcolor=\"%s\"%s];\n", fill_of(d),
		d->is_virtfn ? ", style=\"rounded,filled,dashed\", color=gray50" : "");
	fprintf(w->o, "\t\"%s\" -> \"%s\"%s;\n", parent, d->name,
		d->is_virtfn ? " [style=dashed]" : "");
}

static int write_graph(FILE *o, struct machine *m, const char *title)
{
	struct draw w = { .o = o, .m = m };

	if (sim_pci_visit_devs(collect, &w)) {
		free(w.dev);
		return -1;
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
	fputs("}\n", o);
	free(w.dev);
	return 0;
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
		"                   [--enable-vfs] [--log FILE]\n",
		msg, arg ? " " : "", arg ? arg : "");
	return EXIT_BAD_INPUT;
}

int cmd_draw(int argc, char **argv)
{
	const char *topo = NULL, *out = NULL, *log = NULL, *cmdline = "", *ext;
	bool enable_vfs = false;
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
		else if (a[0] == '-' && a[1])
			return usage_error("unknown or incomplete option", a);
		else if (!topo)
			topo = a;
		else
			return usage_error("more than one topology given:", a);
	}
	if (!out)
		return usage_error("no output file (-o FILE.svg)", NULL);
	ext = strrchr(out, '.');
	if (!ext || (strcmp(ext, ".dot") && strcmp(ext, ".svg") &&
		     strcmp(ext, ".png") && strcmp(ext, ".pdf")))
		return usage_error("the output file's name ends in .svg, .png, .pdf or .dot:", out);
	m = cli_load_topology(topo);
	if (!m)
		return EXIT_BAD_INPUT;
	if (log) {
		logf = fopen(log, "w");
		if (!logf) {
			perror(log);
			return EXIT_BAD_INPUT;
		}
	}
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
	o = open_memstream(&text, &len);
	if (!o)
		return EXIT_CHECK_FAILED;
	ret = write_graph(o, m, topo ? topo : "built-in default.topo");
	if (fclose(o) || ret) {
		free(text);
		return EXIT_CHECK_FAILED;
	}
	if (!strcmp(ext, ".dot"))
		ret = cli_write_output(out, text, len) ? EXIT_BAD_INPUT : EXIT_OK;
	else if (run_dot(ext + 1, out, text, len))
		ret = EXIT_CHECK_FAILED;
	free(text);
	if (logf)
		fclose(logf);
	return ret;
}
