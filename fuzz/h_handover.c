// SPDX-License-Identifier: GPL-2.0
/*
 * Harness 1: the incoming handover of a PCI Live Update.
 *
 * Every run does a real live update on a fixed machine, in process: boot,
 * user space binds an NVMe (pcisim-vfio), an SR-IOV PF (pcisim-pf, its
 * VFs enabled) and one VF (pcisim-vfio), preserves the three in a LUO
 * session, and the kernel prepares the kexec (LUO freeze, device
 * shutdown, the KHO step of kexec_file). Then the input is written over the handover
 * as the incoming kernel will find it in preserved RAM, and the incoming
 * kernel boots (the same in-process kexec as pcisim run: RAM nobody
 * preserved is poisoned, the kernel world's image reset), enumerates, and
 * user space retrieves and finishes the session.
 *
 * What the input overwrites: the regions below, laid end to end in this
 * order, each exactly as long as in the handover written by the outgoing
 * kernel (a short input leaves the tail as written; longer is ignored):
 *   the KHO root blob (the FDT: compatible, memory map, subtrees),
 *   the LUO root (struct luo_ser), each block of its session set (header
 *   and entries), each block of every session's file set, the FLB array,
 *   the PCI FLB's struct pci_ser, and each block of its pci_dev_ser set
 *   (header, then the first 32 bytes of every entry: IDs, flags, bus
 *   numbers, refcounts, SR-IOV state; BARs and windows are not trusted
 *   by the incoming kernel and left out).
 * Before them, 4 bytes steer the incoming side: [0] flags: 0x01 VFs by
 * user space (pci=lu_vfs=user), 0x02 retrieve the session at once rather
 * than device by device, 0x04 never finish the session, 0x08 the blob's
 * length is [2..3] (little endian) rather than as written.
 *
 * It must never crash, hang, leak or touch memory it does not own (RAM
 * nobody preserved faults). It either accepts consistently (no error in
 * the kernel log; the three devices retrieved, finished, bound to the
 * same drivers, nothing preserved left unrestored) or refuses with an
 * error message. Either way the preserved devices keep running: no DMA
 * disruption and no reset of any of them in the machine's event log,
 * unless the kernel names the device (or a bridge above it, or its PF) in
 * an error as one it does not treat as preserved.
 * A kernel WARN is a finding unless fuzz/known-warns.txt lists its site.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libfdt.h>

#include "cli.h"
#include "fuzz.h"
#include "host.h"
#include "machine.h"
#include "sim/host_abi.h"
#include "topofile.h"

#define RAM_SIZE	(64ULL << 20)	/* KHO's scratch areas take 8 MiB */
#define SESSION		"fuzz"
#define CMDLINE		"kho=on liveupdate=on pci=lu_vfs=core"
#define CMDLINE_USER	"kho=on liveupdate=on pci=lu_vfs=user"
#define CTL_LEN		4

#define F_VFS_BY_USER	0x01
#define F_RETRIEVE_ALL	0x02
#define F_NO_FINISH	0x04
#define F_FDT_LEN	0x08

static const char machine_text[] =
	"template qemu-root-port root-port id=1b36:000c subsys=1b36:0000 pin=a bar0=mem32:4K link=gen4x32 hotplug msix=1 aer acs no-pm\n"
	"host\n"
	"  01.0 qemu-root-port slot=1\n"
	"    00.0 switch-up id=104c:8232 rev=02 msi aer no-pm\n"
	"      00.0 switch-down id=104c:8233 rev=01 hotplug msi aer no-pm slot=11\n"
	"        00.0 endpoint id=1b36:0010 subsys=1af4:1100 class=010802 rev=02 pin=a bar0=mem64:16K msix=65 pm\n"
	"      01.0 switch-down id=104c:8233 rev=01 hotplug msi aer no-pm slot=12\n"
	"  02.0 qemu-root-port slot=2\n"
	"    00.0 endpoint id=8086:10c9 class=020000 rev=01 bar0=mem32:128K bar3=mem32:16K pm msi msix=10 aer ari sriov=4 vf-offset=128 vf-stride=2 vf-device=10ca vfbar0=mem64:16K vfbar3=mem64:16K\n";

static const struct {
	unsigned int bus, devfn;
	const char *driver;
	const char *bdf;
	bool pf;
	/* what it depends on: its PF, the bridges up to the root bus */
	const char *path[4];
} preserved[] = {
	{ 3, 0x00, "pcisim-vfio", "0000:03:00.0", false,
	  { "0000:02:00.0", "0000:01:00.0", "0000:00:01.0" } },
	{ 5, 0x00, "pcisim-pf", "0000:05:00.0", true, { "0000:00:02.0" } },
	{ 5, 0x80, "pcisim-vfio", "0000:05:10.0", false,
	  { "0000:05:00.0", "0000:00:02.0" } },
};
#define NR_PRESERVED	(sizeof(preserved) / sizeof(preserved[0]))

/* What the machine has at each BDF a preserved device depends on. */
static const struct {
	const char *bdf;
	uint16_t vendor, device;
} hw_ids[] = {
	{ "0000:00:01.0", 0x1b36, 0x000c }, { "0000:01:00.0", 0x104c, 0x8232 },
	{ "0000:02:00.0", 0x104c, 0x8233 }, { "0000:03:00.0", 0x1b36, 0x0010 },
	{ "0000:00:02.0", 0x1b36, 0x000c }, { "0000:05:00.0", 0x8086, 0x10c9 },
	{ "0000:05:10.0", 0x8086, 0x10ca },
};

/* ---- the handover's layout (the ABI headers, for the host world) ---- */

struct h_block_hdr {
	uint64_t next, count;
} __attribute__((packed));

/* 7.3's "luo-v5" root (include/linux/kho/abi/luo.h) */
struct h_luo_ser {
	char compatible[8];
	uint64_t liveupdate_num, sessions, flbs;
} __attribute__((packed));

struct h_session_ser {
	char name[64];
	uint64_t files, count;
} __attribute__((packed));

struct h_flb_ser {
	char name[48];
	uint64_t data, count;
} __attribute__((packed));

struct h_pci_ser {
	uint32_t version, nr_devices;
	uint64_t devices;
} __attribute__((packed));

#define SESSION_SER	80
#define FILE_SER	64
#define FLB_SER		64
#define PCI_DEV_SER	440	/* 32 bytes of header, 17 resources */
#define PCI_DEV_HDR	32
#define PCI_SER_VERSION	3	/* what this harness knows */

struct h_pci_dev_ser {
	uint32_t domain;
	uint16_t bdf, refcount, vendor, device;
	uint32_t flags;
	uint8_t primary, secondary, subordinate, reserved;
	uint16_t acs_ctrl, sriov_num_vfs, sriov_ctrl;
} __attribute__((packed));

static_assert(sizeof(struct h_luo_ser) == 32, "struct luo_ser");
static_assert(sizeof(struct h_session_ser) == SESSION_SER, "luo_session_ser");
static_assert(sizeof(struct h_flb_ser) == FLB_SER, "luo_flb_ser");
static_assert(sizeof(struct h_pci_ser) == 16, "pci_ser");

#define MAX_REGIONS	128
#define MAX_BLOCKS	16
#define KNOWN_TEXT	(64 * 1024)

struct region {
	uint64_t pa;
	uint32_t len;
	char what[48];
};

static struct {
	struct topo *topo;
	struct region r[MAX_REGIONS];
	size_t nr;
	size_t total;			/* bytes of all regions */
	uint64_t fdt_pa, fdt_len;
	struct sim_handover kho;	/* as the outgoing kernel hands it over */
	char *baseline;			/* errors of an untouched handover */
} hv;

static void handover_run(const uint8_t *data, size_t len, int max_level);
static int handover_baseline(void);

/* ---- one live update, up to the handover ---- */

static void *ram_at(struct machine *m, uint64_t pa, uint64_t len)
{
	uint64_t base, size;
	char *ram = machine_ram(m, &base, &size);

	if (pa < base || pa - base >= size || len > size - (pa - base))
		return NULL;
	return ram + (pa - base);
}

/* Boot, bind, preserve, prepare the kexec. NULL with a message if any
 * step fails (the harness's own set-up: never the input's doing). */
static struct machine *outgoing(struct sim_handover *kho)
{
	struct topo_error err;
	struct machine *m = topo_build(hv.topo, &err);
	char e[128];
	int ret;

	if (!m || machine_set_ram(m, MACHINE_RAM_BASE, RAM_SIZE, e, sizeof(e)))
		return NULL;
	host_set_machine(m);
	host_kworld_reset();
	ret = cli_boot_again(m, CMDLINE, NULL);
	ret = ret ?: sim_lu_bind(0, 5, 0x00, "pcisim-pf");
	ret = ret ?: sim_lu_enable_vfs(0, 5, 0x00, 4);
	for (size_t i = 0; !ret && i < NR_PRESERVED; i++) {
		if (!preserved[i].pf)
			ret = sim_lu_bind(0, preserved[i].bus, preserved[i].devfn,
					  preserved[i].driver);
		ret = ret ?: sim_lu_preserve(SESSION, 0, preserved[i].bus,
					     preserved[i].devfn);
	}
	ret = ret ?: sim_kernel_kexec_prepare(kho);
	if (ret || sim_warn_count()) {
		fprintf(stderr, "fuzz-handover: the outgoing kernel failed (%d, %lu WARNs):\n%s",
			ret, sim_warn_count(), fuzz_klog());
		host_set_machine(NULL);
		machine_free(m);
		return NULL;
	}
	return m;
}

/* ---- finding the regions in a handover ---- */

static int add_region(uint64_t pa, uint32_t len, const char *fmt, int n)
{
	struct region *r;

	if (hv.nr == MAX_REGIONS)
		return -1;
	r = &hv.r[hv.nr++];
	r->pa = pa;
	r->len = len;
	snprintf(r->what, sizeof(r->what), fmt, n);
	hv.total += len;
	return 0;
}

/* A block chain: per block, its header and count entries of esize bytes
 * (only the first keep bytes of each when keep < esize). */
static int add_chain(struct machine *m, uint64_t pa, uint32_t esize,
		     uint32_t keep, const char *what,
		     int (*entry)(struct machine *m, const void *e))
{
	for (int b = 0; pa && b < MAX_BLOCKS; b++) {
		const struct h_block_hdr *h = ram_at(m, pa, 4096);

		if (!h || !h->count || h->count > (4096 - 16) / esize)
			return -1;
		if (keep == esize) {
			if (add_region(pa, (uint32_t)(16 + h->count * esize), what, b))
				return -1;
		} else {
			if (add_region(pa, 16, what, b))
				return -1;
			for (uint64_t i = 0; i < h->count; i++)
				if (add_region(pa + 16 + i * esize, keep, what, b))
					return -1;
		}
		for (uint64_t i = 0; entry && i < h->count; i++)
			if (entry(m, (const char *)h + 16 + i * esize))
				return -1;
		pa = h->next;
	}
	return pa ? -1 : 0;
}

static int session_entry(struct machine *m, const void *e)
{
	const struct h_session_ser *s = e;

	return add_chain(m, s->files, FILE_SER, FILE_SER, "file block %d", NULL);
}

static int find_regions(struct machine *m)
{
	const void *fdt = ram_at(m, hv.fdt_pa, hv.fdt_len);
	const struct h_luo_ser *luo;
	const struct h_block_hdr *fh;
	const struct h_flb_ser *flb;
	const struct h_pci_ser *pci = NULL;
	const void *prop;
	uint64_t luo_pa, flbs;
	int node, len;

	hv.nr = 0;
	hv.total = 0;
	if (!fdt || fdt_check_header(fdt))
		return -1;
	add_region(hv.fdt_pa, fdt_totalsize(fdt), "KHO root blob", 0);
	node = fdt_subnode_offset(fdt, 0, "LUO");
	prop = node < 0 ? NULL : fdt_getprop(fdt, node, "preserved-data", &len);
	if (!prop || len != 8)
		return -1;
	/* KHO writes it CPU-endian; properties are only 4-byte aligned */
	memcpy(&luo_pa, prop, 8);
	luo = ram_at(m, luo_pa, sizeof(*luo));
	if (!luo || strncmp(luo->compatible, "luo-v5", sizeof(luo->compatible)))
		return -1;
	add_region(luo_pa, sizeof(*luo), "LUO root", 0);
	if (add_chain(m, luo->sessions, SESSION_SER, SESSION_SER,
		      "session block %d", session_entry))
		return -1;
	flbs = luo->flbs;
	fh = ram_at(m, flbs, 4096);
	if (!fh || fh->count != 1)
		return -1;
	add_region(flbs, (uint32_t)(16 + fh->count * FLB_SER), "FLB array", 0);
	flb = (const void *)(fh + 1);
	if (!strcmp(flb->name, "pci"))
		pci = ram_at(m, flb->data, sizeof(*pci));
	if (!pci || pci->version != PCI_SER_VERSION)
		return -1;
	add_region(flb->data, sizeof(*pci), "pci_ser", 0);
	return add_chain(m, pci->devices, PCI_DEV_SER, PCI_DEV_HDR,
			 "pci_dev_ser block %d", NULL);
}

static int handover_init(void)
{
	struct topo_error err;
	struct machine *m;

	host_install_traps();
	if (host_kworld_snapshot())
		return -1;
	hv.topo = topo_parse_string("<fuzz-handover>", machine_text,
				    strlen(machine_text), &err);
	if (!hv.topo) {
		topo_error_print(&err, stderr);
		return -1;
	}
	fuzz_klog_begin(3);
	m = outgoing(&hv.kho);
	if (!m)
		return -1;
	hv.fdt_pa = hv.kho.fdt;
	hv.fdt_len = hv.kho.fdt_len;
	if (find_regions(m)) {
		fprintf(stderr, "fuzz-handover: the handover is not laid out as this harness expects: update fuzz/h_handover.c with the ABI\n");
		return -1;
	}
	host_set_machine(NULL);
	machine_free(m);
	if (handover_baseline())
		return -1;
	if (fuzz_verbose)
		for (size_t i = 0; i < hv.nr; i++)
			fprintf(stderr, "region %2zu: %-24s PA %#llx, %u bytes\n", i,
				hv.r[i].what, (unsigned long long)hv.r[i].pa,
				hv.r[i].len);
	return 0;
}

/* The errors of an untouched handover, then the check that it passes. */
static int handover_baseline(void)
{
	static const uint8_t none[1];

	handover_run(none, 0, 3);
	if (!hv.baseline)
		return -1;
	handover_run(none, 0, 3);
	return 0;
}

/* ---- one run ---- */

/*
 * 7.3's LUO says that it could not read the incoming sessions through
 * its uAPI (/dev/liveupdate answers -EIO) and logs why only at
 * KERN_WARNING: that is a refusal too.
 */
static bool luo_refused;

static int retrieve_one(int err)
{
	if (err == -EIO)
		luo_refused = true;
	return err;
}

static int retrieve(uint8_t flags)
{
	int ret = 0;

	luo_refused = false;
	/* with pci=lu_vfs=user the VF exists once user space enabled it */
	if (flags & F_RETRIEVE_ALL && !(flags & F_VFS_BY_USER)) {
		int n = retrieve_one(sim_lu_retrieve(SESSION));

		return n == (int)NR_PRESERVED ? 0 : -1;
	}
	/* PFs first, as user space must (their VFs come back with them) */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < NR_PRESERVED; i++) {
			if (preserved[i].pf != !pass)
				continue;
			if (retrieve_one(sim_lu_retrieve_dev(SESSION, 0,
							     preserved[i].bus,
							     preserved[i].devfn)) < 0)
				ret = -1;
			if (preserved[i].pf && flags & F_VFS_BY_USER &&
			    sim_lu_enable_vfs(0, preserved[i].bus,
					      preserved[i].devfn, 4))
				ret = -1;
		}
	}
	return ret;
}

/*
 * What the handover, as the incoming kernel will find it, says: does the
 * PCI device list (reached from the KHO root blob through the LUO root
 * and its FLB array) name this BDF with the hardware's IDs and a
 * reference? Only pointers are followed, no validity is judged: what the
 * kernel refuses for a reason it has to say (an error), and what it
 * cannot find it cannot keep. notes gets what is odd about the way there.
 */
static char notes[256];

/*
 * The LUO root's physical address in the KHO root blob as the incoming
 * kernel finds it: the "preserved-data" property of the node "LUO" below
 * the root. The blob may be anything, so this is a small reader of its
 * own with every offset checked, not the host's libfdt: Debian's libfdt
 * 1.6.1 crashes in fdt_check_full() on some headers and loops for very
 * long on others (FINDINGS.md, "In a library"). 0 when there is none.
 */
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint64_t luo_root_pa(struct machine *m, uint64_t fdt_len)
{
	uint64_t base, size, n, pa = 0;
	const uint8_t *b;
	uint32_t total, soff, ssize, xoff, xsize, pos;
	int depth = 0;
	bool in_luo = false;

	if (!machine_ram(m, &base, &size) || hv.fdt_pa - base >= size)
		return 0;
	n = size - (hv.fdt_pa - base);
	n = fdt_len < n ? fdt_len : n;
	b = ram_at(m, hv.fdt_pa, n);
	if (!b || n < 40 || be32(b) != 0xd00dfeed)
		return 0;
	total = be32(b + 4);
	soff = be32(b + 8);
	xoff = be32(b + 12);
	xsize = be32(b + 32);
	ssize = be32(b + 36);
	if (total > n || soff > total || ssize > total - soff ||
	    xoff > total || xsize > total - xoff || soff % 4)
		return 0;
	for (pos = soff; pos + 4 <= soff + ssize;) {
		uint32_t tag = be32(b + pos);

		pos += 4;
		if (tag == 1) {			/* FDT_BEGIN_NODE */
			const uint8_t *name = b + pos;
			size_t len = strnlen((const char *)name, soff + ssize - pos);

			if (pos + len >= soff + ssize)
				return 0;
			depth++;
			in_luo = depth == 2 && !strcmp((const char *)name, "LUO");
			pos += (uint32_t)(len + 4) & ~3U;
		} else if (tag == 2) {		/* FDT_END_NODE */
			if (!depth--)
				return 0;
			in_luo = false;
		} else if (tag == 3) {		/* FDT_PROP */
			uint32_t plen, noff;

			if (pos + 8 > soff + ssize)
				return 0;
			plen = be32(b + pos);
			noff = be32(b + pos + 4);
			pos += 8;
			if (plen > soff + ssize - pos || noff >= xsize)
				return 0;
			if (in_luo && plen == 8 && noff + 15 <= xsize &&
			    !memcmp(b + xoff + noff, "preserved-data", 15)) {
				/* KHO writes it CPU-endian */
				for (int i = 7; i >= 0; i--)
					pa = pa << 8 | b[pos + i];
			}
			pos += (plen + 3) & ~3U;
		} else if (tag == 4) {		/* FDT_NOP */
			continue;
		} else {			/* FDT_END, or garbage */
			break;
		}
	}
	return pa;
}

static const struct h_pci_dev_ser *list_entry(struct machine *m, uint64_t head,
					      const char *bdf)
{
	unsigned int bus, dev, fn;

	if (sscanf(bdf, "0000:%x:%x.%u", &bus, &dev, &fn) != 3)
		return NULL;
	for (int b = 0; head && b < MAX_BLOCKS; b++) {
		const struct h_block_hdr *h = ram_at(m, head, 4096);

		if (!h || head % 4096 || !h->count || h->count > 9)
			return NULL;
		for (uint64_t i = 0; i < h->count; i++) {
			const struct h_pci_dev_ser *e =
				(const void *)((const char *)(h + 1) + i * PCI_DEV_SER);

			if (e->domain == 0 && e->bdf == (bus << 8 | dev << 3 | fn) &&
			    e->refcount)
				return e;
		}
		head = h->next;
	}
	return NULL;
}

static uint64_t pci_list_head(struct machine *m, uint64_t fdt_len)
{
	const struct h_luo_ser *luo;
	const struct h_block_hdr *fh;
	const struct h_pci_ser *pci = NULL;

	notes[0] = '\0';
	luo = ram_at(m, luo_root_pa(m, fdt_len), sizeof(*luo));
	if (!luo)
		return 0;
	fh = ram_at(m, luo->flbs, 4096);
	if (!fh || fh->count > 8)
		return 0;
	for (uint64_t i = 0; i < fh->count; i++) {
		const struct h_flb_ser *flb = (const void *)((const char *)(fh + 1) +
							     i * FLB_SER);

		if (!strncmp(flb->name, "pci", sizeof(flb->name)))
			pci = ram_at(m, flb->data, sizeof(*pci));
	}
	return pci ? pci->devices : 0;
}

/*
 * Does the handover name session SESSION with a file for every preserved
 * device (the token its driver gives it), reached the way LUO reads it?
 */
static bool session_described(struct machine *m, uint64_t fdt_len)
{
	const struct h_luo_ser *luo;
	unsigned int found = 0;
	uint64_t pa;

	luo = ram_at(m, luo_root_pa(m, fdt_len), sizeof(*luo));
	if (!luo)
		return false;
	pa = luo->sessions;
	for (int b = 0; pa && b < MAX_BLOCKS; b++) {
		const struct h_block_hdr *h = ram_at(m, pa, 4096);

		if (!h || !h->count || h->count > (4096 - 16) / SESSION_SER)
			return false;
		for (uint64_t i = 0; i < h->count; i++) {
			const struct h_session_ser *ss = (const void *)
				((const char *)(h + 1) + i * SESSION_SER);
			uint64_t fpa = ss->files;

			if (strncmp(ss->name, SESSION, sizeof(ss->name)))
				continue;
			for (int fb = 0; fpa && fb < MAX_BLOCKS; fb++) {
				const struct h_block_hdr *fh = ram_at(m, fpa, 4096);

				if (!fh || !fh->count || fh->count > (4096 - 16) / FILE_SER)
					return false;
				for (uint64_t j = 0; j < fh->count; j++) {
					/* luo_file_ser: compatible[48], data, token */
					const uint64_t *tok = (const void *)
						((const char *)(fh + 1) + j * FILE_SER + 56);

					for (size_t k = 0; k < NR_PRESERVED; k++)
						if (*tok == (preserved[k].bus << 8 |
							     preserved[k].devfn))
							found |= 1U << k;
				}
				fpa = fh->next;
			}
		}
		pa = h->next;
	}
	return found == (1U << NR_PRESERVED) - 1;
}

/* Is every entry d depends on in the list, with the hardware's IDs? */
static bool described(struct machine *m, uint64_t head, size_t k)
{
	const char *need[5] = { preserved[k].bdf };

	for (size_t j = 0; j < 4; j++)
		need[j + 1] = preserved[k].path[j];
	for (size_t j = 0; j < 5 && need[j]; j++) {
		const struct h_pci_dev_ser *e = list_entry(m, head, need[j]);
		size_t i;

		for (i = 0; i < sizeof(hw_ids) / sizeof(hw_ids[0]); i++)
			if (!strcmp(hw_ids[i].bdf, need[j]))
				break;
		if (!e || i == sizeof(hw_ids) / sizeof(hw_ids[0]) ||
		    e->vendor != hw_ids[i].vendor || e->device != hw_ids[i].device)
			return false;
		/* a VF's PF entry must keep VF Enable and the VF's index */
		if (j == 1 && !strcmp(preserved[k].bdf, "0000:05:10.0") &&
		    (!(e->flags & 4) || !(e->sriov_ctrl & 1) || !e->sriov_num_vfs) &&
		    strlen(notes) + 80 < sizeof(notes))
			strcat(notes, "harness: the PF's entry does not keep its VFs enabled\n");
	}
	return true;
}

/*
 * Did the kernel say it refuses dev (by name, in an error line): not the
 * device preserved, a bridge that lost its bus numbers, a device that
 * did not come back?
 */
static bool refused_by_name(const char *bdf)
{
	static const char *const why[] = {
		"not treated as preserved",
		"Cannot reconfigure bridge during Live Update",
		"was preserved but did not come back",
	};
	const char *p = fuzz_klog();

	for (; *p; p += strcspn(p, "\n") + (p[strcspn(p, "\n")] ? 1 : 0)) {
		size_t n = strcspn(p, "\n");
		const char *at = memmem(p, n, bdf, strlen(bdf));

		if (!at)
			continue;
		for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++)
			if (memmem(p, n, why[i], strlen(why[i])))
				return true;
	}
	return false;
}

/*
 * The preserved devices keep running: no DMA disruption, no reset. The
 * exceptions are what the kernel says it refuses: a device it refuses by
 * name, or one depending on it (below a refused bridge, a VF of a refused
 * PF) — the device list's semantics (lu/drivers/pci/liveupdate.c) — and
 * the refusals fuzz/known-findings.txt lists ("lost-dma TEXT", TEXT in
 * the error log), which fuzz/FINDINGS.md describes.
 */
static void check_devices_kept(struct machine *m, size_t mark,
			       bool accepted, const bool *desc)
{
	static char text[KNOWN_TEXT];

	snprintf(text, sizeof(text), "%s%s", fuzz_klog(), notes);
	for (size_t i = mark; i < machine_nr_events(m); i++) {
		const struct mevent *e = machine_event(m, i);

		if (e->kind != MEV_DMA_DISRUPTED && e->kind != MEV_RESET)
			continue;
		for (size_t k = 0; k < NR_PRESERVED; k++) {
			bool excused = !desc[k] || refused_by_name(preserved[k].bdf);

			if (strcmp(e->bdf, preserved[k].bdf))
				continue;
			for (size_t j = 0; j < 4 && preserved[k].path[j]; j++)
				excused |= refused_by_name(preserved[k].path[j]);
			if (excused || fuzz_known("lost-dma", text, 0))
				continue;
			fuzz_finding("handover %s, yet the preserved device %s lost its DMA: %s: %s\n%s",
				     accepted ? "accepted" : "refused",
				     e->bdf, mevent_kind_name(e->kind), e->what,
				     notes);
		}
	}
}

/* Every error line of this run is one an untouched handover gives too. */
static bool only_baseline_errors(void)
{
	const char *p = fuzz_klog();

	while (*p) {
		size_t n = strcspn(p, "\n") + 1;
		const char *b = hv.baseline;
		bool found = false;

		for (; *b; b += strcspn(b, "\n") + 1) {
			if (!strncmp(b, p, n)) {
				found = true;
				break;
			}
		}
		if (!found)
			return false;
		p += n;
		if (p[-1] != '\n')
			break;
	}
	return true;
}

/*
 * One live update with the input over the handover. The kernel log of
 * the incoming kernel is captured up to max_level: 3 gives the errors
 * only (refused, or not), 4 the WARN sites too (a second run, only when
 * there was a WARN: the runs are deterministic).
 */
static void handover_run(const uint8_t *data, size_t len, int max_level)
{
	uint8_t ctl[CTL_LEN] = { 0 };
	struct sim_handover kho;
	uint64_t fdt_len;
	const uint8_t *p = data + (len < CTL_LEN ? len : CTL_LEN);
	size_t left = len < CTL_LEN ? 0 : len - CTL_LEN;
	struct machine *m;
	size_t mark;
	int retrieved, finished = 0;
	bool accepted, sess, desc[NR_PRESERVED], fdt_changed = false;
	bool kho_dropped;
	uint64_t head;

	memcpy(ctl, data, len < CTL_LEN ? len : CTL_LEN);
	fuzz_klog_begin(3);
	m = outgoing(&kho);
	if (!m || memcmp(&kho, &hv.kho, sizeof(kho)))
		fuzz_finding("the outgoing kernel is not deterministic (harness bug)");
	/* the input is laid over the regions found once: same places now? */
	{
		static struct region first[MAX_REGIONS];
		size_t nr = hv.nr, total = hv.total;

		memcpy(first, hv.r, sizeof(first));
		if (find_regions(m) || hv.nr != nr ||
		    memcmp(first, hv.r, nr * sizeof(first[0])))
			fuzz_finding("the handover is not where it was (harness bug)");
		hv.total = total;
	}
	fdt_len = kho.fdt_len;
	for (size_t i = 0; i < hv.nr && left; i++) {
		size_t n = left < hv.r[i].len ? left : hv.r[i].len;

		if (!i)
			fdt_changed = memcmp(ram_at(m, hv.r[i].pa, n), p, n);
		memcpy(ram_at(m, hv.r[i].pa, n), p, n);
		p += n;
		left -= n;
	}
	if (ctl[0] & F_FDT_LEN)
		fdt_len = (uint64_t)ctl[2] | (uint64_t)ctl[3] << 8;
	sess = session_described(m, fdt_len);
	head = pci_list_head(m, fdt_len);
	for (size_t k = 0; k < NR_PRESERVED; k++)
		desc[k] = described(m, head, k);

	/* the kexec, as cli_kexec() does it after the prepare */
	kho.fdt_len = fdt_len;
	mark = machine_nr_events(m);
	fuzz_klog_begin(max_level);
	/* 7.3 trusts what it reads from here on (FINDINGS.md K8) */
	fuzz_input_class("K8");
	if (cli_kexec_reboot(m, ctl[0] & F_VFS_BY_USER ? CMDLINE_USER : CMDLINE,
			     &kho))
		fuzz_finding("the incoming kernel failed to boot");
	/* K9: KHO dropped it, and says so only at KERN_WARNING */
	kho_dropped = sim_kho_handover_dropped();
	if (kho_dropped && strlen(notes) + 40 < sizeof(notes))
		strcat(notes, "harness: KHO dropped the handover\n");
	retrieved = retrieve(ctl[0]);
	if (!(ctl[0] & F_NO_FINISH))
		finished = sim_lu_finish(SESSION);
	if (max_level > 3) {
		fuzz_check_warns(sim_warn_count());
		goto out;
	}
	if (sim_warn_count()) {
		host_set_machine(NULL);
		machine_free(m);
		handover_run(data, len, 4);
		return;
	}

	/* the errors every boot logs (no iomem file system) */
	if (!hv.baseline) {
		hv.baseline = strdup(fuzz_klog());
		goto out;
	}
	/* refused means: with an error message, LUO's -EIO, or KHO's drop */
	accepted = only_baseline_errors() && !luo_refused && !kho_dropped;
	check_devices_kept(m, mark, accepted, desc);
	/* user space can only take back what the handover names */
	for (size_t k = 0; k < NR_PRESERVED; k++)
		sess &= desc[k];
	if (accepted && sess) {
		if (retrieved || finished)
			fuzz_finding("no error logged, yet retrieving (%d) or finishing (%d) the session failed",
				     retrieved, finished);
		for (size_t i = 0; i < NR_PRESERVED; i++) {
			char drv[32] = "";

			sim_lu_driver_of(0, preserved[i].bus, preserved[i].devfn,
					 drv, sizeof(drv));
			if (strcmp(drv, preserved[i].driver))
				fuzz_finding("handover accepted, yet %s is bound to '%s', not %s",
					     preserved[i].bdf, drv,
					     preserved[i].driver);
		}
		/*
		 * A changed KHO root blob may no longer name a page it
		 * preserved (kexec-metadata's node): KHO keeps what nobody
		 * names for the kernel's lifetime, by design.
		 */
		if (!(ctl[0] & F_NO_FINISH) && !fdt_changed &&
		    sim_kho_leaked_pages())
			fuzz_finding("handover accepted and finished, yet %lu preserved pages were never restored",
				     sim_kho_leaked_pages());
	}
out:
	host_set_machine(NULL);
	machine_free(m);
}

static void handover_one(const uint8_t *data, size_t len)
{
	handover_run(data, len, 3);
}

/* ---- seeds: the handover as written, and what the tests corrupt ---- */

static size_t region_of(const char *prefix)
{
	for (size_t i = 0; i < hv.nr; i++)
		if (!strncmp(hv.r[i].what, prefix, strlen(prefix)))
			return i;
	abort();
}

static size_t offset_of(size_t region)
{
	size_t off = CTL_LEN;

	for (size_t i = 0; i < region; i++)
		off += hv.r[i].len;
	return off;
}

/* The input offset of the device list entry of 0000:BDF, in orig. */
static size_t entry_off(const uint8_t *orig, unsigned int bdf)
{
	for (size_t i = region_of("pci_dev_ser block") + 1; i < hv.nr; i++) {
		size_t off = offset_of(i);
		uint32_t dom;
		uint16_t b;

		memcpy(&dom, orig + off, 4);
		memcpy(&b, orig + off + 4, 2);
		if (hv.r[i].len == PCI_DEV_HDR && !dom && b == bdf)
			return off;
	}
	abort();
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_be32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * (3 - i)));
}

static int handover_seeds(const char *dir)
{
	struct sim_handover kho;
	struct machine *m;
	uint8_t *orig, *s;
	size_t len = CTL_LEN + hv.total, off;
	int ret = 0;

	fuzz_klog_begin(3);
	m = outgoing(&kho);
	if (!m)
		return -1;
	orig = calloc(1, len);
	s = malloc(len);
	off = CTL_LEN;
	for (size_t i = 0; i < hv.nr; i++) {
		memcpy(orig + off, ram_at(m, hv.r[i].pa, hv.r[i].len), hv.r[i].len);
		off += hv.r[i].len;
	}
#define SEED(name, ...) do {					\
		memcpy(s, orig, len);				\
		__VA_ARGS__;					\
		ret |= fuzz_write_seed(dir, name, s, len);	\
	} while (0)
	SEED("as-written");
	SEED("vfs-by-user", s[0] = F_VFS_BY_USER);
	SEED("retrieve-all", s[0] = F_RETRIEVE_ALL);
	SEED("no-finish", s[0] = F_NO_FINISH | F_RETRIEVE_ALL);
	/* tests/test_kho.c */
	SEED("kho-truncated", s[0] = F_FDT_LEN; s[2] = 16);
	SEED("kho-bad-magic", memset(s + CTL_LEN, 0, 4));
	{
		/* libfdt wants the blob 8-byte aligned: edit a copy */
		uint32_t n = hv.r[0].len;
		uint64_t *blob = malloc(n + 8);

		/* KHO's u64 properties are CPU-endian */
		uint64_t map_low = 0x1000, none = 0;
		uint64_t map_top = MACHINE_RAM_BASE + RAM_SIZE - 4096;

#define FDT_SEED(name, edit) SEED(name,				\
		memcpy(blob, s + CTL_LEN, n);				\
		if (edit)						\
			ret = -1;					\
		memcpy(s + CTL_LEN, blob, n))
		FDT_SEED("kho-bad-compatible",
			 fdt_setprop_inplace(blob, 0, "compatible", "kho-v9", 7));
		FDT_SEED("kho-map-outside-ram",
			 fdt_setprop_inplace(blob, 0, "preserved-memory-map",
					     &map_low, 8));
		FDT_SEED("kho-map-unpreserved",
			 fdt_setprop_inplace(blob, 0, "preserved-memory-map",
					     &map_top, 8));
		FDT_SEED("kho-no-luo",
			 fdt_setprop_inplace(blob, fdt_subnode_offset(blob, 0, "LUO"),
					     "preserved-data", &none, 8));
#undef FDT_SEED
		free(blob);
	}
	/* tests/test_luo.c */
	off = offset_of(region_of("LUO root"));
	SEED("luo-compatible", memcpy(s + off, "luo-v99", 8));
	off = offset_of(region_of("file block"));
	SEED("luo-files-count", s[off + 8]++);
	SEED("luo-files-outside-ram", s[off + 4] = 0x10);
	SEED("luo-files-unaligned", s[off] = 0x40);
	off = offset_of(region_of("session block"));
	SEED("luo-sessions-cycle", memcpy(s + off, &hv.r[region_of("session block")].pa, 8));
	/* lu/: the device list */
	off = offset_of(region_of("pci_ser"));
	SEED("pci-version", s[off] = 2);
	SEED("pci-nr-devices", s[off + 4]++);
	off = offset_of(region_of("pci_dev_ser block"));
	SEED("pci-block-count", s[off + 8] = 0xff);
	/* the second entry named like the first */
	SEED("pci-duplicate", memcpy(s + off + 16 + PCI_DEV_HDR, s + off + 16, 6));
	SEED("pci-device-id", s[off + 16 + 10] ^= 0xff);
	SEED("pci-bus-numbers", s[off + 16 + 17] ^= 0x01);
	SEED("pci-refcount", memset(s + off + 16 + 6, 0, 2));
	/* lu/ (FINDINGS.md F3, F7): lists not closed upwards */
	SEED("pci-pf-listed-without-its-bridge",	/* 00:02.0 elsewhere */
	     put_le(s + entry_off(orig, 0x0010), 1, 4));
	SEED("pci-pf-entry-vf-enable-off",		/* SR-IOV Control */
	     put_le(s + entry_off(orig, 0x0500) + 24, 0x18, 2));
	SEED("pci-pf-entry-no-vfs",			/* NumVFs */
	     put_le(s + entry_off(orig, 0x0500) + 22, 0, 2));
	/* 7.3's LUO (K11, K13): no session; FLB counts it trusts */
	off = offset_of(region_of("LUO root"));
	SEED("luo-no-session", put_le(s + off + 16, 0, 8));
	off = offset_of(region_of("FLB array"));
	SEED("luo-flb-array-page-count", put_le(s + off, 2, 8));
	SEED("luo-flb-count-int-max", put_le(s + off + 72, 0x7fffffff, 8));
	SEED("luo-flb-count-saturates", put_le(s + off + 72, 0xf8ff000003ULL, 8));
	SEED("luo-flb-count-zero-in-low-bits", put_le(s + off + 72, 1ULL << 32, 8));
	/* 7.3's KHO (K8, K9): the root FDT's header */
	SEED("kho-fdt-version-7", put_be32(s + CTL_LEN + 20, 7));
	SEED("kho-fdt-totalsize-beyond-ram", put_be32(s + CTL_LEN + 4, 0x7ffffff0));
	SEED("vfs-by-user-retrieve-all", s[0] = F_VFS_BY_USER | F_RETRIEVE_ALL);
#undef SEED
	free(orig);
	free(s);
	host_set_machine(NULL);
	machine_free(m);
	return ret;
}

const struct fuzz_harness fuzz_harness = {
	.name = "handover",
	.init = handover_init,
	.one = handover_one,
	.make_seeds = handover_seeds,
};
