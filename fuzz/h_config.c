// SPDX-License-Identifier: GPL-2.0
/*
 * Harness 4: the hardware. A device behind a root port whose config space
 * is the input (capability lists with loops and bad pointers, extended
 * capabilities, SR-IOV fields, bogus header types, BARs that read back
 * nonsense), enumerated by the real drivers/pci: a robustness test of the
 * kernel's PCI core. A kernel WARN is a finding, a BUG or a crash is a
 * crash; so is the kernel failing to probe the host bridge at all.
 *
 * The input:
 *   [0]      kind of the function: endpoint, legacy endpoint, conventional
 *            PCI device, switch upstream port (with an endpoint below),
 *            PCIe-to-PCI bridge (with a PCI device below)
 *   [1]      flags: 0x01 enable its VFs after boot (as sysfs would),
 *            0x02 a second function at 00.1, 0x04 ARI capability,
 *            0x08 hot-plug slot on the root port, 0x30 command line
 *            (none, pci=realloc, pci=assign-busses, pci=hpbussize=..),
 *            0x40 PM and MSI capabilities, 0x80 bind pcisim-vfio to it
 *            (enables the device, bus mastering, DMA)
 *   [2]      TotalVFs (0: no SR-IOV capability; at most 64)
 *   [3]      First VF Offset - 1 (low nibble), VF Stride - 1 (bits 4-5)
 *   [4..9]   BAR 0-5: bits 0-1 none/mem32/mem64/io, bit 2 prefetchable,
 *            bits 3-7 log2(size) - 4: what the BAR's write mask decodes
 *   [10..15] VF BAR 0-5, the same way
 *   [16..]   config bytes from offset 0, written over everything the
 *            machine modelled: the power-on image (up to 4096 bytes)
 * One machine per run: building one costs microseconds, as does booting
 * the kernel world again (an in-process reset of its image, like kexec).
 */
#include <dirent.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "cli.h"
#include "fuzz.h"
#include "host.h"
#include "lspci.h"
#include "machine.h"
#include "sim/host_abi.h"

#define HDR_LEN		16
#define RAM_SIZE	(16ULL << 20)	/* the kernel world uses ~30 pages */
#define MAX_VFS		64

static const char *const cmdlines[] = {
	"", "pci=realloc", "pci=assign-busses", "pci=hpbussize=4,hpmemsize=8M",
};

static const enum mfunc_kind kinds[] = {
	MF_ENDPOINT, MF_LEGACY_ENDPOINT, MF_PCI_DEVICE, MF_SWITCH_UP,
	MF_PCIE_TO_PCI,
};
#define NR_KINDS	(sizeof(kinds) / sizeof(kinds[0]))

static bool is_bridge(enum mfunc_kind k)
{
	return k >= MF_ROOT_PORT && k <= MF_PCI_BRIDGE;
}

static void bar_desc(struct mbar_desc *b, uint8_t v)
{
	static const enum mbar_kind k[] = { MBAR_NONE, MBAR_MEM32, MBAR_MEM64,
					    MBAR_IO };

	b->kind = k[v & 3];
	b->prefetchable = v & 4;
	b->size = b->kind == MBAR_NONE ? 0 : 1ULL << (4 + (v >> 3));
}

static uint8_t bar_code(const struct mbar_desc *b)
{
	unsigned int log2 = 4;

	if (b->kind == MBAR_NONE)
		return 0;
	while (log2 < 35 && (1ULL << log2) < b->size)
		log2++;
	return (uint8_t)((b->kind == MBAR_MEM32 ? 1 : b->kind == MBAR_MEM64 ? 2 : 3) |
			 (b->prefetchable ? 4 : 0) | (log2 - 4) << 3);
}

static void simple_endpoint(struct mfunc_desc *d, enum mfunc_kind kind,
			    uint16_t device)
{
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->vendor = 0x8086;
	d->device = device;
	d->class_code = 0x020000;
	d->bar[0] = (struct mbar_desc){ MBAR_MEM32, false, 0x4000 };
}

/* The machine of one run; NULL when the machine refuses the input. */
static struct machine *build(const uint8_t *in, size_t len, uint8_t *flags,
			     struct mfunc **fuzzed)
{
	uint8_t hdr[HDR_LEN] = { 0 };
	struct mfunc_desc rp, d, below;
	struct mraw_bytes raw;
	struct mfunc *rpf, *f;
	struct machine *m;
	struct mhost *h;
	char err[256];

	memcpy(hdr, in, len < HDR_LEN ? len : HDR_LEN);
	*flags = hdr[1];
	m = machine_new();
	if (!m || machine_set_ram(m, MACHINE_RAM_BASE, RAM_SIZE, err, sizeof(err)))
		abort();
	h = machine_add_host(m, 0, 0, 0xff, err, sizeof(err));
	if (!h || mhost_add_window(h, MW_IO, 0, 0xffff, err, sizeof(err)) ||
	    mhost_add_window(h, MW_MEM, 0x10000000, 0x3efeffff, err, sizeof(err)) ||
	    mhost_add_window(h, MW_PREF, 0x8000000000ULL, 0xffffffffffULL, err,
			     sizeof(err)))
		abort();

	memset(&rp, 0, sizeof(rp));
	rp.kind = MF_ROOT_PORT;
	rp.vendor = 0x1b36;
	rp.device = 0x000c;
	rp.class_code = 0x060400;
	rp.io_window = rp.pref_window = rp.pref64 = true;
	rp.slot = true;
	rp.slot_number = 1;
	rp.hotplug = hdr[1] & 0x08;
	rp.acs = true;
	rp.aer = true;
	rpf = machine_add_function(m, h, NULL, 0x08, &rp, err, sizeof(err));
	if (!rpf)
		abort();

	memset(&d, 0, sizeof(d));
	d.kind = kinds[hdr[0] % NR_KINDS];
	d.vendor = 0x8086;
	d.device = 0x10fb;
	d.class_code = is_bridge(d.kind) ? 0x060400 : 0x020000;
	d.interrupt_pin = 1;
	d.ari = hdr[1] & 0x04;
	d.pm = d.msi = hdr[1] & 0x40;
	for (int i = 0; i < MACHINE_MAX_BARS; i++) {
		bar_desc(&d.bar[i], hdr[4 + i]);
		bar_desc(&d.vf_bar[i], hdr[10 + i]);
	}
	if (is_bridge(d.kind)) {
		d.io_window = d.pref_window = true;
		for (int i = 2; i < MACHINE_MAX_BARS; i++)
			d.bar[i].kind = MBAR_NONE;
	}
	d.total_vfs = hdr[2] % (MAX_VFS + 1);
	if (d.total_vfs) {
		d.vf_offset = 1 + (hdr[3] & 15);
		d.vf_stride = 1 + (hdr[3] >> 4 & 3);
		d.vf_device = 0x10ed;
	}
	if (len > HDR_LEN) {
		raw.offset = 0;
		raw.len = (uint16_t)(len - HDR_LEN > MACHINE_CFG_SIZE ?
				     MACHINE_CFG_SIZE : len - HDR_LEN);
		raw.bytes = in + HDR_LEN;
		d.raw = &raw;
		d.nr_raw = 1;
	}
	f = machine_add_function(m, h, rpf, 0x00, &d, err, sizeof(err));
	if (!f)
		goto refused;
	if (fuzzed)
		*fuzzed = f;
	if (d.kind == MF_SWITCH_UP || d.kind == MF_PCIE_TO_PCI) {
		struct mfunc_desc down;
		struct mfunc *df = f;

		if (d.kind == MF_SWITCH_UP) {
			memset(&down, 0, sizeof(down));
			down.kind = MF_SWITCH_DOWN;
			down.vendor = 0x104c;
			down.device = 0x8233;
			down.class_code = 0x060400;
			df = machine_add_function(m, h, f, 0x00, &down, err,
						  sizeof(err));
			if (!df)
				goto refused;
		}
		simple_endpoint(&below, d.kind == MF_SWITCH_UP ? MF_ENDPOINT :
				MF_PCI_DEVICE, 0x10d3);
		if (!machine_add_function(m, h, df, 0x00, &below, err, sizeof(err)))
			goto refused;
	}
	if (hdr[1] & 0x02 && d.kind != MF_SWITCH_UP) {
		simple_endpoint(&below, d.kind == MF_PCI_DEVICE ||
				d.kind == MF_PCIE_TO_PCI ? MF_PCI_DEVICE :
				MF_ENDPOINT, 0x10d3);
		if (!machine_add_function(m, h, rpf, 0x01, &below, err, sizeof(err)))
			goto refused;
	}
	return m;
refused:
	/* the machine itself refuses the description: nothing to boot */
	if (fuzz_verbose)
		fprintf(stderr, "fuzz-config: the machine refuses this function: %s\n",
			err);
	machine_free(m);
	return NULL;
}

/*
 * Inputs that run into K2 of fuzz/FINDINGS.md (unbounded recursion in
 * pci_scan_bridge_extend(): a stack overflow, which no harness can
 * survive): a bridge whose Enhanced Allocation capability fixes its
 * secondary bus at an existing bus or its subordinate at the top, or an
 * SR-IOV capability whose VFs reach bus 0xfe or beyond: in the function's
 * power-on config space as the machine built it. With "input K2" in
 * fuzz/known-findings.txt they are not booted, so that fuzzing goes on.
 */
static uint32_t cfg_rd(const uint8_t *c, size_t n, size_t off, int size)
{
	uint32_t v = 0;

	for (int i = size - 1; i >= 0; i--)
		v = v << 8 | (off + i < n ? c[off + i] : 0);
	return v;
}

static bool known_k2(const uint8_t *c, size_t n)
{
	unsigned int pos, ttl = 48, total, off, stride;

	if (!fuzz_known("input", "K2", 0))
		return false;
	/* the capability list, as pci_find_capability() walks it */
	pos = cfg_rd(c, n, PCI_CAPABILITY_LIST, 1);
	while (ttl-- && (pos &= ~3U) >= 0x40) {
		if (cfg_rd(c, n, pos, 1) == PCI_CAP_ID_EA &&
		    (cfg_rd(c, n, PCI_HEADER_TYPE, 1) & 0x7f) == 1) {
			unsigned int sec = cfg_rd(c, n, pos + 4, 1);
			unsigned int sub = cfg_rd(c, n, pos + 5, 1);

			if (sec && sub >= sec && (sec <= 1 || sub >= 0xfe))
				return true;
		}
		pos = cfg_rd(c, n, pos + 1, 1);
	}
	/* the extended capabilities, for SR-IOV */
	pos = 0x100;
	ttl = 480;
	while (ttl-- && pos >= 0x100 && pos < 0x1000) {
		uint32_t h = cfg_rd(c, n, pos, 4);

		if ((h & 0xffff) == PCI_EXT_CAP_ID_SRIOV) {
			total = cfg_rd(c, n, pos + PCI_SRIOV_TOTAL_VF, 2);
			off = cfg_rd(c, n, pos + PCI_SRIOV_VF_OFFSET, 2);
			stride = cfg_rd(c, n, pos + PCI_SRIOV_VF_STRIDE, 2);
			if (total && 1 + ((off + stride * (total - 1)) >> 8) >= 0xfe)
				return true;
		}
		pos = h >> 20 & 0xffc;	/* PCI_EXT_CAP_NEXT() */
	}
	return false;
}

/*
 * Inputs that run into K4 of fuzz/FINDINGS.md (pci_find_dvsec_capability()
 * loops for ever): the extended capability list, walked as
 * pci_find_next_ext_capability() walks it, goes round a cycle holding a
 * DVSEC capability. The kernel loops until pcisim's watchdog stops it as
 * a soft lockup, which ends the harness's process: with "input K4" in
 * fuzz/known-findings.txt they are not booted.
 */
static bool known_k4(const uint8_t *c, size_t n)
{
	unsigned int pos = 0x100, ttl = 480, len = 0;
	uint16_t walk[480];

	if (!fuzz_known("input", "K4", 0) || n <= 0x100)
		return false;
	while (ttl-- && pos >= 0x100 && pos + 4 <= n) {
		uint32_t h = cfg_rd(c, n, pos, 4);

		if (!h)
			return false;
		for (unsigned int i = 0; i < len; i++) {
			if (walk[i] != pos)
				continue;
			/* round again from walk[i]: a DVSEC on the cycle? */
			for (; i < len; i++)
				if (cfg_rd(c, n, walk[i], 2) == PCI_EXT_CAP_ID_DVSEC)
					return true;
			return false;
		}
		walk[len++] = pos;
		pos = h >> 20 & 0xffc;	/* PCI_EXT_CAP_NEXT() */
	}
	return false;
}

/*
 * Inputs of K6 (fuzz/FINDINGS.md): the fuzzed function reports TI's
 * XIO2000A IDs (104c:8231) with a header that is not a bridge's, so the
 * final fixup quirk_xio2000a() dereferences its NULL subordinate bus: an
 * oops that stops the kernel world. With "input K6" in
 * fuzz/known-findings.txt they are not booted.
 */
static bool known_k6(const uint8_t *c, size_t n)
{
	if (!fuzz_known("input", "K6", 0) || n < 0x10)
		return false;
	return cfg_rd(c, n, PCI_VENDOR_ID, 2) == 0x104c &&
	       cfg_rd(c, n, PCI_DEVICE_ID, 2) == 0x8231 &&
	       (cfg_rd(c, n, PCI_HEADER_TYPE, 1) & 0x7f) != PCI_HEADER_TYPE_BRIDGE;
}

/*
 * Inputs of K3 (fuzz/FINDINGS.md): the first SR-IOV capability, where
 * pci_find_ext_capability() finds it, has VF Enable and VF MSE set in
 * SR-IOV Control and neither can be cleared (hard-wired: the device's
 * write mask has them read-only). sriov_init() writes 0 there without
 * looking whether it took, and assigning the VF BARs then WARNs in
 * pci_iov_update_resource().
 */
static bool input_k3(const struct mfunc *f)
{
	const uint8_t *c = mfunc_config(f), *wm = mfunc_write_mask(f);
	size_t n = mfunc_config_size(f);
	unsigned int pos = 0x100, ttl = 480;
	const unsigned int both = PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE;

	while (ttl-- && pos >= 0x100 && pos + 4 <= n) {
		uint32_t h = cfg_rd(c, n, pos, 4);

		if (!h)
			break;
		if ((h & 0xffff) == PCI_EXT_CAP_ID_SRIOV) {
			unsigned int ctrl = cfg_rd(c, n, pos + PCI_SRIOV_CTRL, 2);
			unsigned int rw = cfg_rd(wm, n, pos + PCI_SRIOV_CTRL, 2);

			return (ctrl & both) == both && !(rw & both);
		}
		pos = h >> 20 & 0xffc;	/* PCI_EXT_CAP_NEXT() */
	}
	return false;
}

static int config_init(void)
{
	host_install_traps();
	return host_kworld_snapshot();
}

static void config_one(const uint8_t *data, size_t len)
{
	const char *known;
	struct mfunc *f;
	struct machine *m;
	uint8_t flags;
	int ret;

	m = build(data, len, &flags, &f);
	if (!m)
		return;
	known = known_k2(mfunc_config(f), mfunc_config_size(f)) ? "K2" :
		known_k4(mfunc_config(f), mfunc_config_size(f)) ? "K4" :
		known_k6(mfunc_config(f), mfunc_config_size(f)) ? "K6" : NULL;
	if (known) {
		if (fuzz_verbose)
			fprintf(stderr, "fuzz-config: known finding %s, not booted\n",
				known);
		machine_free(m);
		return;
	}
	host_set_machine(m);
	host_kworld_reset();
	fuzz_klog_begin(4);
	if (input_k3(f)) {
		fuzz_input_class("K3");
		if (fuzz_verbose)
			fprintf(stderr, "fuzz-config: an input of class K3\n");
	}
	ret = cli_boot_again(m, cmdlines[flags >> 4 & 3], NULL);
	if (ret)
		fuzz_finding("the kernel failed to boot or to probe the host bridge: %d",
			     ret);
	if (flags & 0x01)
		sim_pci_enable_all_vfs();	/* may fail: the device decides */
	if (flags & 0x80)
		sim_lu_bind(0, 1, 0x00, "pcisim-vfio");	/* likewise */
	fuzz_check_warns(sim_warn_count());
	host_set_machine(NULL);
	machine_free(m);
}

/* ---- seeds ---- */

static int seed(const char *dir, const char *name, const uint8_t *hdr,
		const uint8_t *cfg, size_t cfglen)
{
	uint8_t buf[HDR_LEN + MACHINE_CFG_SIZE];

	while (cfglen > 64 && !cfg[cfglen - 1])
		cfglen--;
	memcpy(buf, hdr, HDR_LEN);
	memcpy(buf + HDR_LEN, cfg, cfglen);
	return fuzz_write_seed(dir, name, buf, HDR_LEN + cfglen);
}

/* Devices as the machine models them, at power-on. */
static int seeds_modelled(const char *dir)
{
	static const struct {
		const char *name;
		uint8_t kind, flags, vfs, vf;
		struct mbar_desc bar[2], vf_bar;
	} devs[] = {
		{ .name = "nvme", .flags = 0x40,
		  .bar = { { MBAR_MEM64, false, 0x4000 } } },
		{ .name = "e1000e", .flags = 0x40,
		  .bar = { { MBAR_MEM32, false, 0x20000 }, { MBAR_IO, false, 0x20 } } },
		{ .name = "sriov-nic", .flags = 0x45, .vfs = 8, .vf = 0x10,
		  .bar = { { MBAR_MEM64, true, 0x80000 } },
		  .vf_bar = { MBAR_MEM64, true, 0x4000 } },
		{ .name = "sriov-nic-bind", .flags = 0xc5, .vfs = 4, .vf = 0x01,
		  .bar = { { MBAR_MEM64, true, 0x80000 } },
		  .vf_bar = { MBAR_MEM64, true, 0x4000 } },
		{ .name = "legacy", .kind = 1, .flags = 0x02,
		  .bar = { { MBAR_MEM32, false, 0x1000 } } },
		{ .name = "pci-device", .kind = 2,
		  .bar = { { MBAR_MEM32, true, 0x100000 }, { MBAR_IO, false, 0x100 } } },
		{ .name = "switch-up", .kind = 3, .flags = 0x08,
		  .bar = { { MBAR_MEM32, false, 0x4000 } } },
		{ .name = "pcie-pci-bridge", .kind = 4, .flags = 0x10 },
		{ .name = "assign-busses", .kind = 3, .flags = 0x20 },
		{ .name = "hpbussize", .flags = 0x38,
		  .bar = { { MBAR_MEM32, false, 0x4000 } } },
	};
	int ret = 0;

	for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		uint8_t hdr[HDR_LEN] = { devs[i].kind, devs[i].flags,
					 devs[i].vfs, devs[i].vf };
		struct machine *m;
		struct mfunc *f;
		uint8_t flags;
		char name[64];

		for (int b = 0; b < 2; b++)
			hdr[4 + b] = bar_code(&devs[i].bar[b]);
		hdr[10] = bar_code(&devs[i].vf_bar);
		m = build(hdr, HDR_LEN, &flags, NULL);
		if (!m)
			return -1;
		/* the device behind the root port, before anyone numbered it */
		host_set_machine(m);
		machine_cfg_write(m, 0, 0, 0x08, PCI_PRIMARY_BUS, 4, 0x00010100);
		f = machine_find(m, 0, 1, 0x00);
		snprintf(name, sizeof(name), "modelled-%s", devs[i].name);
		ret |= f ? seed(dir, name, hdr, mfunc_config(f),
				mfunc_config_size(f)) : -1;
		host_set_machine(NULL);
		machine_free(m);
	}
	return ret;
}

/* Every function of the reference captures, as QEMU made them. */
static int seeds_captured(const char *dir)
{
	uint64_t seen[64];
	size_t nr_seen = 0;
	glob_t g;
	int ret = 0, nr = 0;

	if (glob("tests/oracle/*/lspci-*.dump", 0, NULL, &g))
		return -1;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct topo_error err;
		struct pcicfg *fns = NULL;
		size_t n = 0, len;
		char *text = lspci_read_file(g.gl_pathv[i], &len);

		if (!text || lspci_dump_parse(g.gl_pathv[i], text, len, &fns, &n,
					      &err)) {
			free(text);
			ret = -1;
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			const struct pcicfg *c = &fns[k];
			uint8_t hdr[HDR_LEN] = { 0, 0x40 };
			uint8_t type = c->cfg[PCI_HEADER_TYPE] & 0x7f;
			char name[128];

			uint64_t id = (uint64_t)c->cfg[0] | c->cfg[1] << 8 |
				      c->cfg[2] << 16 | (uint64_t)c->cfg[3] << 24 |
				      (uint64_t)c->len << 32;
			size_t s;

			if (!c->bus || (uint32_t)id == 0xffffffff)
				continue;	/* root bus, or a VF */
			for (s = 0; s < nr_seen && seen[s] != id; s++)
				;
			if (s < nr_seen || nr_seen == 64)
				continue;	/* one seed per kind of device */
			seen[nr_seen++] = id;
			hdr[0] = type == 1 ? 3 : 0;
			/* BARs the capture shows: a guess at what decodes */
			for (int b = 0; b < (type ? 2 : 6); b++) {
				uint32_t v = c->cfg[PCI_BASE_ADDRESS_0 + 4 * b] |
					     c->cfg[PCI_BASE_ADDRESS_0 + 4 * b + 1] << 8;

				if (!v)
					continue;
				hdr[4 + b] = (v & 1) ? 3 | 1 << 3 :
					     (v & 4) ? 2 | (v & 8) | 10 << 3 : 1 | 8 << 3;
				if (v & 4)
					b++;
			}
			if (c->len == 4096) {
				hdr[2] = 4;	/* SR-IOV if it has one */
				hdr[10] = 2 | 10 << 3;
			}
			snprintf(name, sizeof(name), "captured-%s-%02x-%02x.%d",
				 strrchr(g.gl_pathv[i], '/') + 1, c->bus,
				 c->devfn >> 3, c->devfn & 7);
			for (char *p = name; *p; p++)
				if (*p == '/' || *p == ':')
					*p = '_';
			ret |= seed(dir, name, hdr, c->cfg, c->len);
			nr++;
		}
		free(fns);
		free(text);
	}
	globfree(&g);
	return nr ? ret : -1;
}

static int config_seeds(const char *dir)
{
	return seeds_modelled(dir) | seeds_captured(dir);
}

const struct fuzz_harness fuzz_harness = {
	.name = "config",
	.init = config_init,
	.one = config_one,
	.make_seeds = config_seeds,
};
