// SPDX-License-Identifier: GPL-2.0
/*
 * pcisim gen: topologies built from a few numbers, for scale tests and
 * benchmarks.
 *
 * The shape: DOMAINS host bridges; on each root bus ROOT-PORTS root
 * ports; below each root port DEPTH levels of switches with FANOUT
 * downstream ports each; below each leaf port one device of ENDPOINTS
 * functions (2-8: a multi-function device; more: ARI, up to 256); each
 * of those functions an SR-IOV PF with VFS virtual functions when VFS is
 * not 0 (the VFs count as functions: they exist once enabled, pcisim
 * run --enable-vfs). With FUNCTIONS=N instead of DOMAINS, root ports are
 * added (and domains opened) until the machine has at least N functions.
 *
 * The text is small whatever the size: the leaf device, the leaf port,
 * each switch level and the root port are templates, so a million
 * functions are a few thousand lines. It goes to a file (-o), or, as
 * TOPO "gen:KEY=VAL,..." in enumerate, run and draw, straight to the
 * machine without a file.
 *
 * Buses: a domain has 256; a root port's subtree takes
 * buses(0) = ceil(routing IDs of the leaf device / 256) and
 * buses(k) = 2 + FANOUT * buses(k - 1). Windows: each domain gets its own
 * 64-bit prefetchable window (1 TiB at (domain + 1) TiB) and, when BARs
 * are not prefetchable, a 16 MiB 32-bit window; no I/O space.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gen.h"
#include "topofile.h"

#define GEN_MAX_DOMAINS		0x10000
#define GEN_TIB			(1ULL << 40)

struct gen_params {
	unsigned long domains;		/* 0: from functions */
	unsigned long root_ports;	/* per domain; 0: as many as fit */
	unsigned long depth;
	unsigned long fanout;
	unsigned long endpoints;
	unsigned long vfs;
	unsigned long long functions;	/* target, 0: none */
	unsigned long long bar;		/* BAR 0 (and VF BAR 0) size */
	int bar_pref;			/* 1: pref64, 0: mem32 */
};

static const struct gen_params gen_defaults = {
	.domains = 0, .root_ports = 0, .depth = 0, .fanout = 4,
	.endpoints = 1, .vfs = 0, .functions = 0,
	.bar = 16384, .bar_pref = 1,
};

/* Routing IDs the leaf device spans: PFs at 0..P-1, then every VF. */
static unsigned long leaf_rids(const struct gen_params *p)
{
	return p->endpoints * (1 + p->vfs);
}

static unsigned long subtree_buses(const struct gen_params *p,
				   unsigned long level)
{
	if (!level)
		return (leaf_rids(p) + 255) / 256;
	return 2 + p->fanout * subtree_buses(p, level - 1);
}

static unsigned long long subtree_functions(const struct gen_params *p,
					    unsigned long level)
{
	if (!level)
		return leaf_rids(p);
	return 1 + p->fanout * (1 + subtree_functions(p, level - 1));
}

/* Functions a root port brings, itself included. */
static unsigned long long rp_functions(const struct gen_params *p)
{
	return 1 + subtree_functions(p, p->depth);
}

static int gen_check(struct gen_params *p, char *err, size_t errlen)
{
	unsigned long buses, fit;

	if (p->endpoints < 1 || p->endpoints > 256)
		return snprintf(err, errlen, "endpoints must be 1-256"), -1;
	if (p->vfs > 65535 || leaf_rids(p) > 65535)
		return snprintf(err, errlen, "too many VFs"), -1;
	if (p->depth && (p->fanout < 1 || p->fanout > 32))
		return snprintf(err, errlen, "fanout must be 1-32"), -1;
	if (p->depth > 8)
		return snprintf(err, errlen, "depth must be 0-8"), -1;
	if (p->bar < 16 || (p->bar & (p->bar - 1)) ||
	    (!p->bar_pref && p->bar > (1ULL << 20)))
		return snprintf(err, errlen,
				"bar must be a power of two from 16 (at most 1M for mem32)"),
		       -1;
	buses = subtree_buses(p, p->depth);
	fit = buses ? 255 / buses : 0;
	if (fit > 256)
		fit = 256;	/* 32 devices x 8 functions on the root bus */
	if (!fit)
		return snprintf(err, errlen,
				"one root port's subtree needs %lu buses; a domain has 255 below its root bus",
				buses), -1;
	if (!p->root_ports)
		p->root_ports = fit;
	if (p->root_ports > fit)
		return snprintf(err, errlen,
				"%lu root ports of %lu buses each do not fit in a domain (at most %lu)",
				p->root_ports, buses, fit), -1;
	/* before the arithmetic below, which it keeps from wrapping */
	if (p->functions > TOPO_MAX_FUNCTIONS)
		return snprintf(err, errlen,
				"functions: at most %u in a machine (VFs included)",
				TOPO_MAX_FUNCTIONS), -1;
	if (p->functions) {
		unsigned long long per_domain = p->root_ports * rp_functions(p);

		if (p->domains)
			return snprintf(err, errlen,
					"give functions or domains, not both"), -1;
		p->domains = (p->functions + per_domain - 1) / per_domain;
	}
	if (!p->domains)
		p->domains = 1;
	if (p->domains > GEN_MAX_DOMAINS)
		return snprintf(err, errlen, "%lu domains (at most 65536)",
				p->domains), -1;
	if (!p->bar_pref && p->domains > 160)
		return snprintf(err, errlen,
				"mem32 BARs give each domain 16 MiB below 4 GiB: at most 160 domains"),
		       -1;
	return 0;
}

static int set_param(struct gen_params *p, const char *key, const char *val,
		     char *err, size_t errlen)
{
	unsigned long long v;
	char *end;

	if (!strcmp(key, "bar-kind")) {
		if (!strcmp(val, "pref64"))
			p->bar_pref = 1;
		else if (!strcmp(val, "mem32"))
			p->bar_pref = 0;
		else
			return snprintf(err, errlen, "bar-kind is pref64 or mem32"), -1;
		return 0;
	}
	/* no sign (strtoull takes "-1" for 2^64 - 1), no value that wraps */
	errno = 0;
	v = strtoull(val, &end, 0);
	if (*val < '0' || *val > '9')
		end = (char *)val;
	if (!strcmp(key, "bar") && end != val) {
		unsigned int shift = *end == 'K' ? 10 : *end == 'M' ? 20 :
				     *end == 'G' ? 30 : 0;

		if (shift && v > ULLONG_MAX >> shift)
			errno = ERANGE;
		else if (shift)
			v <<= shift, end++;
	}
	if (errno || end == val || *end)
		return snprintf(err, errlen, "%s: '%s' is not a number", key, val), -1;
	if (!strcmp(key, "domains"))
		p->domains = v;
	else if (!strcmp(key, "root-ports"))
		p->root_ports = v;
	else if (!strcmp(key, "depth"))
		p->depth = v;
	else if (!strcmp(key, "fanout"))
		p->fanout = v;
	else if (!strcmp(key, "endpoints"))
		p->endpoints = v;
	else if (!strcmp(key, "vfs"))
		p->vfs = v;
	else if (!strcmp(key, "functions"))
		p->functions = v;
	else if (!strcmp(key, "bar"))
		p->bar = v;
	else
		return snprintf(err, errlen, "unknown parameter '%s'", key), -1;
	return 0;
}

/* "functions=1000000,vfs=7" (the part after "gen:") */
static int parse_spec(struct gen_params *p, const char *spec, char *err,
		      size_t errlen)
{
	char *copy = strdup(spec), *tok, *save = NULL;
	int ret = 0;

	if (!copy)
		return snprintf(err, errlen, "out of memory"), -1;
	for (tok = strtok_r(copy, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (!eq) {
			snprintf(err, errlen, "'%s' is not KEY=VALUE", tok);
			ret = -1;
			break;
		}
		*eq = 0;
		ret = set_param(p, tok, eq + 1, err, errlen);
	}
	free(copy);
	return ret;
}

static void write_text(FILE *out, const struct gen_params *p,
		       unsigned long long total)
{
	char bar[32];
	unsigned long long b = p->bar;
	const char *kind = p->bar_pref ? "pref64" : "mem32";

	if (b % (1ULL << 30) == 0)
		snprintf(bar, sizeof(bar), "%lluG", b >> 30);
	else if (b % (1ULL << 20) == 0)
		snprintf(bar, sizeof(bar), "%lluM", b >> 20);
	else if (b % 1024 == 0)
		snprintf(bar, sizeof(bar), "%lluK", b >> 10);
	else
		snprintf(bar, sizeof(bar), "%llu", b);

	fprintf(out, "# pcisim gen domains=%lu root-ports=%lu depth=%lu fanout=%lu endpoints=%lu vfs=%lu bar=%s bar-kind=%s\n",
		p->domains, p->root_ports, p->depth, p->fanout, p->endpoints,
		p->vfs, bar, kind);
	fprintf(out, "# %llu functions (%llu per root port%s)\n\n", total,
		rp_functions(p), p->vfs ? ", VFs included: enable them" : "");

	/* The leaf device's functions. */
	fprintf(out, "template gen-ep endpoint id=1af4:1041 subsys=1af4:1100 class=020000 bar0=%s:%s msix=4 pm%s",
		kind, bar, p->endpoints > 8 || p->vfs ? " ari" : "");
	if (p->vfs)
		fprintf(out, " sriov=%lu vf-stride=1 vf-device=1042 vfbar0=%s:%s",
			p->vfs, kind, bar);
	fprintf(out, "\n");

	/* The leaf port: a root port at depth 0, else a downstream port. */
	fprintf(out, "template gen-leaf %s id=1b36:%s no-pm\n",
		p->depth ? "switch-down" : "root-port",
		p->depth ? "000f" : "000c");
	for (unsigned long e = 0; e < p->endpoints; e++) {
		fprintf(out, "  %02lx.%lu gen-ep", e >> 3, e & 7);
		if (p->vfs)
			/* PF e's VFs after every PF and the VFs before it */
			fprintf(out, " vf-offset=%lu",
				p->endpoints + e * p->vfs - e);
		fprintf(out, "\n");
	}
	/*
	 * Switch levels, bottom up: gen-sw1 is a switch of leaf ports,
	 * gen-swK one of gen-dn(K-1) ports, each a downstream port with a
	 * gen-sw(K-1) below it.
	 */
	for (unsigned long k = 1; k <= p->depth; k++) {
		fprintf(out, "template gen-sw%lu switch-up id=1b36:000e no-pm\n",
			k);
		for (unsigned long i = 0; i < p->fanout; i++) {
			if (k == 1)
				fprintf(out, "  %02lx.%lu gen-leaf\n", i >> 3, i & 7);
			else
				fprintf(out, "  %02lx.%lu gen-dn%lu\n", i >> 3, i & 7,
					k - 1);
		}
		fprintf(out, "template gen-dn%lu switch-down id=1b36:000f no-pm\n  00.0 gen-sw%lu\n",
			k, k);
	}
	if (p->depth)
		fprintf(out, "template gen-rp root-port id=1b36:000c no-pm\n  00.0 gen-sw%lu\n",
			p->depth);
	fprintf(out, "\n");

	for (unsigned long d = 0; d < p->domains; d++) {
		unsigned long long base = (d + 1) * GEN_TIB;
		unsigned long long left = total - d * p->root_ports * rp_functions(p);
		unsigned long nrp = p->root_ports;

		if (p->functions &&
		    left < (unsigned long long)nrp * rp_functions(p))
			nrp = (left + rp_functions(p) - 1) / rp_functions(p);
		fprintf(out, "host domain=%04lx", d);
		if (!p->bar_pref)
			fprintf(out, " mem=0x%llx-0x%llx",
				0x40000000ULL + d * 0x1000000ULL,
				0x40000000ULL + (d + 1) * 0x1000000ULL - 1);
		fprintf(out, " pref=0x%llx-0x%llx\n", base, base + GEN_TIB - 1);
		for (unsigned long r = 0; r < nrp; r++)
			fprintf(out, "  %02lx.%lu %s\n", r >> 3, r & 7,
				p->depth ? "gen-rp" : "gen-leaf");
		fprintf(out, "\n");
	}
}

static char *gen_text(struct gen_params *p, size_t *len,
		      unsigned long long *total, char *err, size_t errlen)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f;

	if (gen_check(p, err, errlen))
		return NULL;
	*total = p->domains * p->root_ports * rp_functions(p);
	if (p->functions) {
		/* whole root ports, the last domain only as full as needed */
		unsigned long long per_rp = rp_functions(p);

		*total = (p->functions + per_rp - 1) / per_rp * per_rp;
	}
	/* the same limit as a topology file's, so each can say what the other can */
	if (*total > TOPO_MAX_FUNCTIONS)
		return snprintf(err, errlen,
				"%llu functions (VFs included): at most %u in a machine",
				*total, TOPO_MAX_FUNCTIONS), NULL;
	f = open_memstream(&buf, &n);
	if (!f)
		return snprintf(err, errlen, "out of memory"), NULL;
	write_text(f, p, *total);
	if (fclose(f)) {
		free(buf);
		return snprintf(err, errlen, "out of memory"), NULL;
	}
	*len = n;
	return buf;
}

struct machine *gen_machine(const char *spec, unsigned long long *nr_functions)
{
	struct gen_params p = gen_defaults;
	struct topo_error terr;
	unsigned long long total;
	struct machine *m;
	struct topo *t;
	char err[256];
	size_t len;
	char *text;

	if (parse_spec(&p, spec, err, sizeof(err)) ||
	    !(text = gen_text(&p, &len, &total, err, sizeof(err)))) {
		fprintf(stderr, "gen:%s: error: %s\n", spec, err);
		return NULL;
	}
	snprintf(err, sizeof(err), "gen:%s", spec);
	if (cli_fits_host(err, total)) {
		free(text);
		return NULL;
	}
	memset(&terr, 0, sizeof(terr));
	t = topo_parse_string("<gen>", text, len, &terr);
	free(text);
	if (!t) {
		topo_error_print(&terr, stderr);
		return NULL;
	}
	m = topo_build(t, &terr);
	topo_free(t);
	if (!m)
		topo_error_print(&terr, stderr);
	if (nr_functions)
		*nr_functions = total;
	return m;
}

static void gen_usage(FILE *out)
{
	fprintf(out,
		"usage: pcisim gen [-o FILE] [--functions N | --domains N] [--root-ports N]\n"
		"                  [--depth D] [--fanout F] [--endpoints E] [--vfs V]\n"
		"                  [--bar SIZE] [--bar-kind pref64|mem32]\n"
		"  Writes a topology: per domain, root ports; below each, D levels of\n"
		"  switches with F downstream ports; below each leaf port one device of\n"
		"  E functions (2-8 multi-function, 9-256 ARI), each an SR-IOV PF with\n"
		"  V VFs if V > 0. --functions N adds root ports and domains until the\n"
		"  machine has at least N functions (VFs included). Defaults: 1 domain,\n"
		"  as many root ports as fit, depth 0, fanout 4, 1 endpoint, 0 VFs,\n"
		"  bar 16K pref64. The same keys as TOPO 'gen:functions=N,vfs=V,...'\n"
		"  feed enumerate, run and draw without a file.\n");
}

int cmd_gen(int argc, char **argv)
{
	struct gen_params p = gen_defaults;
	unsigned long long total;
	const char *out = NULL;
	char err[256];
	size_t len;
	char *text;
	int i, ret;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			gen_usage(stdout);
			return EXIT_OK;
		}
		if (!strcmp(a, "-o") && i + 1 < argc) {
			out = argv[++i];
			continue;
		}
		if (!strncmp(a, "--", 2) && i + 1 < argc) {
			if (set_param(&p, a + 2, argv[i + 1], err, sizeof(err))) {
				fprintf(stderr, "pcisim gen: %s\n", err);
				return EXIT_BAD_INPUT;
			}
			i++;
			continue;
		}
		fprintf(stderr, "pcisim gen: unknown or incomplete option '%s'\n", a);
		gen_usage(stderr);
		return EXIT_BAD_INPUT;
	}
	text = gen_text(&p, &len, &total, err, sizeof(err));
	if (!text) {
		fprintf(stderr, "pcisim gen: %s\n", err);
		return EXIT_BAD_INPUT;
	}
	ret = cli_write_output(out, text, len) ? EXIT_BAD_INPUT : EXIT_OK;
	if (out && !ret)
		fprintf(stderr, "pcisim gen: %s: %llu functions in %lu domain(s)\n",
			out, total, p.domains);
	free(text);
	return ret;
}
