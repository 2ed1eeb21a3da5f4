/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine world: simulated PCI hardware.
 *
 * A machine holds host bridges (one or more per PCI domain, with bus ranges
 * apart); each host bridge has a root bus with functions attached by
 * device/function number; bridges have
 * a secondary side with more functions attached. Nothing here knows bus
 * numbers except the bus-number registers inside bridges' config spaces:
 * config cycles are routed exactly as real hardware routes them, by the
 * primary/secondary/subordinate registers the kernel programmed.
 *
 * Register behaviour is data (in the spirit of QEMU's hw/pci): every
 * function has 4 KiB of config bytes plus, per byte, a write mask, a
 * write-1-to-clear mask and the power-on value. One generic write path
 * applies them; function kinds only fill the masks.
 *
 * Host-world C11; never included by kernel-world code.
 */
#ifndef PCISIM_MACHINE_H
#define PCISIM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MACHINE_CFG_SIZE	4096
#define MACHINE_MAX_BARS	6

struct machine;
struct mhost;
struct mfunc;

/* What a function is; decides header type, PCIe port type and masks. */
enum mfunc_kind {
	MF_ENDPOINT,		/* PCIe endpoint (type 0, PCI_EXP_TYPE_ENDPOINT) */
	MF_LEGACY_ENDPOINT,	/* PCIe legacy endpoint */
	MF_RCIEP,		/* root complex integrated endpoint */
	MF_PCI_DEVICE,		/* conventional PCI function, no PCIe cap */
	MF_HOST_BRIDGE,		/* class 0600 function on a root bus */
	MF_ROOT_PORT,		/* type 1, PCI_EXP_TYPE_ROOT_PORT */
	MF_SWITCH_UP,		/* type 1, PCI_EXP_TYPE_UPSTREAM */
	MF_SWITCH_DOWN,		/* type 1, PCI_EXP_TYPE_DOWNSTREAM */
	MF_PCIE_TO_PCI,		/* type 1, PCI_EXP_TYPE_PCI_BRIDGE */
	MF_PCI_BRIDGE,		/* conventional PCI-to-PCI bridge, no PCIe cap */
	MF_CARDBUS_BRIDGE,	/* type 2, class 0607: nothing modelled behind */
};

enum mbar_kind {
	MBAR_NONE = 0,
	MBAR_MEM32,
	MBAR_MEM64,		/* occupies two BAR slots */
	MBAR_IO,
};

struct mbar_desc {
	enum mbar_kind kind;
	bool prefetchable;
	uint64_t size;		/* power of two; 0 with MBAR_NONE */
};

/* Raw bytes a topology can force into config space (unmodelled caps). */
struct mraw_bytes {
	uint16_t offset;
	uint16_t len;
	const uint8_t *bytes;	/* copied by machine_add_function() */
};

/*
 * Everything needed to build one function at power-on state. Fields that
 * do not apply to the kind are ignored; zero means "absent".
 */
struct mfunc_desc {
	enum mfunc_kind kind;
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint32_t class_code;		/* 24 bits: base, sub, prog-if */
	uint8_t revision;
	uint8_t interrupt_pin;		/* 0 = none, 1..4 = INTA..INTD */
	struct mbar_desc bar[MACHINE_MAX_BARS];	/* type 0: 6, type 1: 2 */
	uint32_t rom_size;		/* expansion ROM, power of two or 0 */

	/* Bridges: which windows the bridge implements. */
	bool io_window;			/* 16-bit I/O window (32-bit if io32) */
	bool io32;
	bool pref_window;		/* prefetchable memory window */
	bool pref64;			/* ... with 64-bit base/limit */

	/* PCIe capability (not for MF_PCI_DEVICE / MF_PCI_BRIDGE). */
	uint8_t link_speed;		/* 1 = 2.5GT/s .. 5 = 32GT/s; 0 -> 1 */
	uint8_t link_width;		/* lanes; 0 -> 1 */
	bool slot;			/* slot implemented (ports only) */
	uint16_t slot_number;		/* physical slot number */
	bool hotplug;			/* slot is hot-plug capable (HPC) */
	bool presence;			/* card present (default: children) */

	/* Other capabilities. */
	bool pm;
	bool msi;
	uint16_t msix_vectors;		/* 0 = no MSI-X */
	bool aer;
	bool acs;			/* downstream/root ports, multifunction */
	bool ari;			/* ARI capability (endpoints) */

	/* SR-IOV (endpoints, physical functions). */
	uint16_t total_vfs;		/* 0 = no SR-IOV capability */
	uint16_t vf_offset;		/* First VF Offset */
	uint16_t vf_stride;		/* VF Stride */
	uint16_t vf_device;		/* VF Device ID */
	struct mbar_desc vf_bar[MACHINE_MAX_BARS];

	const struct mraw_bytes *raw;	/* raw config bytes, applied last */
	size_t nr_raw;
};

enum mwindow_kind {
	MW_IO,
	MW_MEM,		/* non-prefetchable memory below 4 GiB */
	MW_PREF,	/* prefetchable memory (64-bit if above 4 GiB) */
	MW_MEM64,	/* 64-bit non-prefetchable memory, as QEMU virt's
			 * high MMIO window (topology key mem64=) */
};

struct machine *machine_new(void);
void machine_free(struct machine *m);

/*
 * A host bridge: a root bus number range of a PCI domain, and windows
 * (CPU address == bus address). Returns NULL with a message in err when
 * another host of the domain has buses in the range, or it is empty.
 */
struct mhost *machine_add_host(struct machine *m, uint16_t domain,
			       uint8_t bus_start, uint8_t bus_end,
			       char *err, size_t errlen);
int mhost_add_window(struct mhost *h, enum mwindow_kind kind,
		     uint64_t start, uint64_t end, char *err, size_t errlen);

/*
 * Attach a function at power-on state. parent == NULL puts it on the host
 * bridge's root bus; otherwise on the secondary side of the bridge parent.
 * Returns NULL with a message in err for a bad description (BAR size not a
 * power of two, devfn already taken, parent not a bridge, ...).
 */
struct mfunc *machine_add_function(struct machine *m, struct mhost *h,
				   struct mfunc *parent, uint8_t devfn,
				   const struct mfunc_desc *d,
				   char *err, size_t errlen);
/*
 * Why the kernel would never enumerate f where it sits (no function 0
 * beside it; an ARI function number without ARI), or NULL.
 */
const char *mfunc_unreachable(const struct mfunc *f);

/*
 * Config cycles as a host bridge issues them: routed by the bus-number
 * registers of every bridge on the way. Reads of nothing return all ones
 * (~0 masked to size). size is 1, 2 or 4; where is naturally aligned.
 * Returns false when the domain does not exist.
 */
bool machine_cfg_read(struct machine *m, uint16_t domain, uint8_t bus,
		      uint8_t devfn, uint16_t where, int size, uint32_t *val);
bool machine_cfg_write(struct machine *m, uint16_t domain, uint8_t bus,
		       uint8_t devfn, uint16_t where, int size, uint32_t val);
/*
 * The same for the host bridges' hot path, with the requester packed as
 * MACHINE_RID(domain, bus, devfn): 0 on success, MACHINE_CFG_NO_HOST when
 * the domain does not exist (m NULL included; a read then gives all 32
 * bits set, as the kernel's PCI_SET_ERROR_RESPONSE()). Fewer arguments: a
 * config cycle is most of what enumeration does, and this call is on
 * every one. MACHINE_CFG_NO_HOST is PCIBIOS_DEVICE_NOT_FOUND's value, so
 * the seam passes the result through without a branch (checked there).
 */
#define MACHINE_CFG_NO_HOST 0x86
#define MACHINE_RID(domain, bus, devfn) \
	((uint32_t)(domain) << 16 | (uint32_t)(bus) << 8 | (uint32_t)(devfn))
int machine_cfg_read_rid(struct machine *m, uint32_t rid, uint16_t where,
			 int size, uint32_t *val);
int machine_cfg_write_rid(struct machine *m, uint32_t rid, uint16_t where,
			  int size, uint32_t val);
/*
 * Called every 2^20 config cycles the machine answers (the host's
 * soft-lockup watchdog and progress on a terminal); NULL for none. One
 * hook for the process: there is one machine per run.
 */
void machine_set_tick_hook(void (*fn)(void));

/* Host-bridge access for the glue that creates the kernel's root buses. */
size_t machine_nr_hosts(const struct machine *m);
struct mhost *machine_host(struct machine *m, size_t i);
uint16_t mhost_domain(const struct mhost *h);
/*
 * Whether h is its domain's host with the lowest buses: physical paths
 * name the others' root bus too ("0000:3f/08.0"), as a domain may have
 * several hosts.
 */
bool mhost_first_of_domain(const struct mhost *h);
/*
 * The host bridge's personality: false (the default), the generic ECAM
 * host of arm64/riscv device-tree systems, which renumbers every bus;
 * true, a host bridge whose driver keeps the bus numbers firmware left
 * (x86's ACPI host bridge): the kernel renumbers only with
 * pci=assign-busses. The machine itself is the same either way.
 */
void mhost_set_keep_buses(struct mhost *h, bool keep);
bool mhost_keep_buses(const struct mhost *h);
/*
 * true: the firmware asks the OS to keep the resources it finds (ACPI
 * _DSM function 5 returning 0, or a device tree's linux,pci-probe-only):
 * the host bridge's preserve_config, so pci_host_probe() claims every BAR
 * and window as the hardware has them before assigning what is left.
 */
void mhost_set_preserve_config(struct mhost *h, bool keep);
bool mhost_preserve_config(const struct mhost *h);
void mhost_bus_range(const struct mhost *h, uint8_t *start, uint8_t *end);
size_t mhost_nr_windows(const struct mhost *h);
void mhost_window(const struct mhost *h, size_t i, enum mwindow_kind *kind,
		  uint64_t *start, uint64_t *end);

/*
 * Inspection, for reports and checks in the host world. machine_find()
 * routes exactly as a config cycle would (no access counted, no bus number
 * captured) and returns the function that would answer, or NULL. A VF
 * returned here stays valid until its PF's VF Enable is cleared or the PF
 * is reset.
 */
struct mfunc *machine_find(struct machine *m, uint16_t domain, uint8_t bus,
			   uint8_t devfn);
/* Config bytes as config reads return them (a VF's IDs read 0xffff). */
const uint8_t *mfunc_config(const struct mfunc *f);
/*
 * Per config byte, the bits a config write sets to the value written (RW;
 * not the write-1-to-clear ones), MACHINE_CFG_SIZE bytes.
 */
const uint8_t *mfunc_write_mask(const struct mfunc *f);
/* Bytes the function decodes: 256 for conventional PCI, 4096 for PCIe. */
size_t mfunc_config_size(const struct mfunc *f);
enum mfunc_kind mfunc_kind(const struct mfunc *f);
/* The physical function of a VF; NULL for any other function. */
struct mfunc *mfunc_physfn(const struct mfunc *f);

/*
 * Resets. mfunc_flr(): Function Level Reset, as writing Initiate FLR does:
 * the power-on image except sticky bits; a PF loses its VFs. Secondary
 * bus reset happens through Bridge Control like on hardware (a hot reset
 * of everything below the bridge). machine_reset(): cold reset of every
 * function, sticky bits and captured bus numbers included.
 */
void mfunc_flr(struct mfunc *f);
void machine_reset(struct machine *m);

/*
 * Physical RAM (topo/ram.c). The kernel world's memory is the machine's
 * RAM, so physical addresses mean something: KHO preserves pages by
 * physical address, and a kexec keeps exactly those. RAM is reserved
 * lazily (untouched pages cost nothing).
 *
 * Across a kexec, pages the outgoing kernel did not preserve are
 * poisoned: their contents are dropped and any access faults, so a new
 * kernel touching memory nobody handed over is caught at the access. A
 * poisoned page the new kernel allocates is given back filled with
 * MACHINE_RAM_POISON, never with the old kernel's data.
 */
#define MACHINE_RAM_BASE	0x40000000ULL	/* QEMU arm64 virt's RAM base */
#define MACHINE_RAM_DEFAULT	(4ULL << 30)
#define MACHINE_RAM_POISON	0x6b		/* include/linux/poison.h POISON_FREE */

/* Size RAM before first use; base and size page-aligned. */
int machine_set_ram(struct machine *m, uint64_t base, uint64_t size,
		    char *err, size_t errlen);
/*
 * Host address of RAM (mapped on first call), its physical base and size.
 * RAM never claimed (machine_ram_claim()) reads as zeroes and the kernel
 * world relies on it: claim a range before writing to it from outside.
 */
void *machine_ram(struct machine *m, uint64_t *base, uint64_t *size);
/* Mark [pa, pa+len) as surviving the coming kexec. */
bool machine_ram_keep(struct machine *m, uint64_t pa, uint64_t len);
/*
 * Mark [pa, pa+len) as KHO scratch for the coming kexec: not kept, but not
 * poisoned either: wiped (it reads as zeroes) and left accessible, for the
 * next kernel's early allocations.
 */
bool machine_ram_scratch(struct machine *m, uint64_t pa, uint64_t len);
/*
 * Poison every page not kept (nor scratch) since the last call; returns
 * pages poisoned.
 */
uint64_t machine_ram_poison_unkept(struct machine *m);
/*
 * Make [pa, pa+len) usable for the kernel world: poisoned pages become
 * accessible again, filled with poison. True if
 * no page of it was ever claimed or poisoned before: it still reads as
 * zeroes, as the host's anonymous memory starts.
 */
bool machine_ram_claim(struct machine *m, uint64_t pa, uint64_t len);
/* Is host address addr a poisoned RAM page? Gives its physical address. */
bool machine_ram_is_poisoned(struct machine *m, const void *addr,
			     uint64_t *pa);
uint64_t machine_ram_nr_poisoned(const struct machine *m);
/*
 * Move src's RAM, contents and kexec state, to dst (dst's goes to src):
 * the same memory in a machine whose devices changed.
 */
void machine_ram_move(struct machine *dst, struct machine *src);
/*
 * Map RAM [pa, pa+len) a second time at host address va (page-aligned,
 * replacing what was there): vmalloc's view of scattered pages. 0 or -1.
 */
int machine_ram_alias(struct machine *m, void *va, uint64_t pa, uint64_t len);

/*
 * The machine's clock: virtual time in nanoseconds since power-on. Kernel
 * delays advance it; it keeps running across kexec (a new kernel's jiffies
 * start again, the machine's time does not).
 */
uint64_t machine_time_ns(const struct machine *m);
void machine_advance_time(struct machine *m, uint64_t ns);

/* Statistics, for benchmarks and tests. */
uint64_t machine_cfg_accesses(const struct machine *m);
/*
 * Functions attached (VFs not counted: they exist only while enabled);
 * *possible_vfs (if not NULL): the sum of every PF's TotalVFs.
 */
size_t machine_nr_functions(const struct machine *m, size_t *possible_vfs);
/* Copy-on-write config space: shared blobs, their bytes, private chunks. */
void machine_cow_stats(uint64_t *shared_blobs, uint64_t *shared_bytes,
		       uint64_t *private_chunks);

/*
 * Names that do not depend on bus numbers (topo/dma.c). A function's
 * physical path is its host's domain and the chain of DD.F attachments
 * from the root bus, "0000/01.0/00.0"; a VF is its PF's path plus
 * "/vfN" with N its 0-based index (sysfs virtfnN). Renumbering a bridge
 * changes BDFs, never paths. mfunc_path() returns buf (truncated to len).
 * machine_find_path() returns NULL when nothing is attached there; a VF
 * is found while its PF's VF Enable is set and N < NumVFs.
 */
#define MACHINE_PATH_MAX	64
const char *mfunc_path(const struct mfunc *f, char *buf, size_t len);
struct mfunc *machine_find_path(struct machine *m, const char *path);

/*
 * DMA engines (topo/dma.c). A driver tells a function (an endpoint, PF or
 * VF; not a bridge) to run DMA into host memory continuously. The
 * function is found by routing, exactly as a config cycle to that BDF
 * would reach it. machine_dma_start() returns -1 when nothing answers or
 * the function is a bridge, 0 otherwise (also when already started);
 * machine_dma_stop() is the driver stopping it on purpose (not a
 * disruption): -1 when nothing answers there or no engine was started.
 *
 * Engines are checked when a config write changes bits they depend on
 * (their own function's Bus Master and Memory Space Enable and BARs; for
 * VFs, the PF's SR-IOV capability and captured bus number; an upstream
 * bridge's Bus Master and Memory Space Enable, bus numbers, memory
 * windows and ARI Forwarding Enable; a sibling bridge's bus numbers), and
 * on FLR, secondary bus reset, VF disable and machine_reset(). Only the
 * engines below the written function are looked at: a write elsewhere
 * costs one test. The conditions:
 *   DMA: its own Bus Master Enable (a VF's own; and a VF's index below
 *        NumVFs and its routing ID unchanged), Bus Master Enable of every
 *        bridge up to the host bridge, the BDF given at start within every
 *        upstream bridge's secondary..subordinate and still routing to the
 *        function (a renumbered bridge above means a new routing ID).
 *   BAR routing: Memory Space Enable (a VF's: the PF's VF MSE), every
 *        memory BAR assigned at start still at the same address, inside a
 *        memory or prefetchable window of every upstream bridge, whose
 *        Memory Space Enable is set.
 * Each broken condition records one event when it breaks; when every DMA
 * condition holds again the engine resumes (MEV_DMA_RESUMED), and
 * likewise MEV_BAR_ROUTING_RESTORED. A reset of the function (FLR, hot or
 * cold reset, its VF disappearing) records MEV_RESET and removes the
 * engine: it stays stopped until a driver starts it again.
 */
int machine_dma_start(struct machine *m, uint16_t domain, uint8_t bus,
		      uint8_t devfn);
int machine_dma_stop(struct machine *m, uint16_t domain, uint8_t bus,
		     uint8_t devfn);
/* Started, not stopped or reset, and no DMA condition broken now. */
bool mfunc_dma_running(const struct mfunc *f);
/* Started and neither stopped nor reset (it may be disrupted now). */
bool mfunc_dma_started(const struct mfunc *f);
/* Engines started and neither stopped nor reset. */
size_t machine_nr_dma(const struct machine *m);
/* Statistic: engine checks done so far (the cost of config writes). */
uint64_t machine_dma_checks(const struct machine *m);

/* The event log: DMA engines' lives, oldest first. */
enum mevent_kind {
	MEV_DMA_STARTED,
	MEV_DMA_STOPPED,		/* by the driver */
	MEV_DMA_DISRUPTED,
	MEV_DMA_RESUMED,
	MEV_BAR_ROUTING_BROKEN,
	MEV_BAR_ROUTING_RESTORED,
	MEV_RESET,			/* the engine's function was reset */
	MEV_BUS_MASTER,			/* Bus Master Enable seen (value) */
};

/*
 * MEV_BUS_MASTER: the Bus Master Enable of a function that has a DMA
 * engine at or below it (its own, a VF's, one behind a bridge): once when
 * the first engine appears there (the value then), and after every config
 * write that covers its Command register while one does, changed or not.
 * The sequence of values is the function's Bus Master history.
 */
struct mevent {
	uint64_t time_ns;		/* machine_time_ns() when it happened */
	char path[MACHINE_PATH_MAX];	/* physical path of the function */
	char bdf[16];			/* its BDF when DMA started, 0000:01:00.0;
					 * MEV_BUS_MASTER: the function's now */
	enum mevent_kind kind;
	int value;			/* MEV_BUS_MASTER: the bit, 0 or 1 */
	int write;			/* MEV_BUS_MASTER: 1 after a config write,
					 * 0 the value when watching began */
	char what[160];			/* the condition and whose register */
};

size_t machine_nr_events(const struct machine *m);
const struct mevent *machine_event(const struct machine *m, size_t i);
/* "dma-started", "dma-disrupted", ... */
const char *mevent_kind_name(enum mevent_kind kind);

#endif /* PCISIM_MACHINE_H */
