/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the kernel world and the host world.
 *
 * Included by both: kernel-world code (kernel headers, no libc) and
 * host-world code (libc). Only plain C types cross it. The kernel world
 * imports the host_* functions below and exports only sim_* entry points;
 * every other kernel symbol is made local at link time.
 */
#ifndef SIM_HOST_ABI_H
#define SIM_HOST_ABI_H

/* The host world defines __noreturn on its compiler command line. */

/* ---- kernel world -> host world ---- */

/* Memory for kmalloc() and friends; align is a power of two. */
void *host_alloc(unsigned long size, unsigned long align);
void host_free(void *p);

/* One complete kernel log line (no trailing newline), level 0..7. */
void host_log(int level, const char *msg, unsigned long len);

/* Stop the run: BUG(), panic(), an unimplemented kernel symbol. */
__noreturn void host_abort(const char *why);

/*
 * Config cycles issued by a host bridge of the machine.
 * Return 0 on success, non-zero when the domain does not exist.
 */
int host_cfg_read(unsigned int domain, unsigned int bus, unsigned int devfn,
		  int where, int size, unsigned int *val);
int host_cfg_write(unsigned int domain, unsigned int bus, unsigned int devfn,
		   int where, int size, unsigned int val);

/* ---- host world -> kernel world ---- */

struct sim_window {
	unsigned int kind;		/* SIM_WIN_* */
	unsigned long long start;
	unsigned long long end;
};

#define SIM_WIN_IO	0
#define SIM_WIN_MEM	1		/* 32-bit */
#define SIM_WIN_MEM64	2		/* 64-bit, not prefetchable */
#define SIM_WIN_PREF	3		/* prefetchable */

/* Boot the kernel world: command line, initcalls, driver core. */
int sim_kernel_boot(const char *cmdline);

/*
 * Probe one generic ECAM-style host bridge as pci-host-common does on
 * arm64: windows, root bus, scan, assign everything, add devices.
 */
int sim_pci_host_probe(unsigned int domain, unsigned int bus_start,
		       unsigned int bus_end, const struct sim_window *win,
		       int nr_win);

/* Enable every SR-IOV PF's VFs (NumVFs = TotalVFs), as sysfs would. */
int sim_pci_enable_all_vfs(void);

#define SIM_NR_RES	17		/* PCI_NUM_RESOURCES with SR-IOV */

struct sim_res {
	unsigned long long start, end;
	unsigned long flags;		/* IORESOURCE_* */
};

/* What the kernel knows about one pci_dev, for reports. */
struct sim_pci_info {
	unsigned int domain, bus, devfn;
	unsigned int vendor, device, subsys_vendor, subsys_device;
	unsigned int class_code;
	unsigned int hdr_type;
	int pcie_type;			/* -1 if not PCIe */
	int is_virtfn;
	int has_parent;			/* parent_bus/devfn valid */
	unsigned int parent_bus, parent_devfn;
	int is_bridge;
	unsigned int primary, secondary, subordinate;	/* from the subordinate bus */
	unsigned int cfg_size;
	unsigned int sriov_total, sriov_num;
	struct sim_res res[SIM_NR_RES];
	char driver[32];
	char name[32];			/* dev_name(), e.g. 0000:01:00.0 */
};

/* Call fn for every pci_dev in bus order; stops when fn returns non-zero. */
typedef int (*sim_pci_visit_t)(const struct sim_pci_info *info, void *ctx);
int sim_pci_visit_devs(sim_pci_visit_t fn, void *ctx);

/* WARN()/BUG() trap: 1 = WARN handled, 2 = BUG, 0 = not a bug site. */
int sim_report_ud2(unsigned long ip);
unsigned long sim_warn_count(void);

/* Issues one WARN() from kernel code; returns 1 once execution resumed. */
int sim_selftest_warn(void);
/* Hits one BUG() in kernel code: the run stops with exit status 3. */
void sim_selftest_bug(void);

/* Names of kernel symbols that were called but are not implemented. */
extern const char *const sim_stub_names[];

#endif /* SIM_HOST_ABI_H */
