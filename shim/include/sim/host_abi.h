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
 * Memory for the kernel's own bookkeeping that a real kernel keeps in RAM
 * it never hands over (memmap, allocator bitmaps): zeroed, and freed by
 * the host when this kernel is replaced by kexec.
 */
void *host_boot_alloc(unsigned long size);

/* Virtual time passed in the kernel (a delay): the machine's clock moves. */
void host_clock_advance(unsigned long long ns);

/*
 * Make RAM usable for the page allocator (undoes poisoning). 1 if it was
 * never handed out or poisoned before, so it still reads as zeroes.
 */
int host_ram_claim(unsigned long long pa, unsigned long long len);

/* At kexec: [pa, pa+len) was preserved and must survive. */
void host_ram_keep(unsigned long long pa, unsigned long long len);

/*
 * At kexec: [pa, pa+len) is KHO scratch. It does not survive (it reads as
 * zeroes after the kexec) but is not poisoned: the next kernel's memblock
 * allocates from it before anything could claim it.
 */
void host_ram_scratch(unsigned long long pa, unsigned long long len);

/*
 * At kexec: a kexec_file segment, bufsz bytes to be at physical address
 * mem when the next kernel starts (copied now: this kernel is gone by
 * then). Returns 0, or -1 when out of host memory.
 */
int host_kexec_segment(unsigned long long mem, const void *buf,
		       unsigned long bufsz);

/*
 * The host range vmalloc maps pages into (reserved once, inaccessible;
 * every kexec makes it all inaccessible again), and mapping RAM
 * [pa, pa+len) at va inside it. host_vmalloc_unmap() makes [va, va+len)
 * inaccessible again.
 */
void *host_vmalloc_window(unsigned long long *size);
int host_vmalloc_map(void *va, unsigned long long pa, unsigned long long len);
void host_vmalloc_unmap(void *va, unsigned long long len);

/*
 * Config cycles issued by a host bridge of the machine, to the requester
 * rid = domain << 16 | bus << 8 | devfn (packed: this is every cycle's
 * path). Return 0 on success (a read of nothing gives all ones, as a
 * master abort does), HOST_CFG_NO_DEVICE when the domain does not exist
 * (a read then gives all 32 bits set). HOST_CFG_NO_DEVICE is the value
 * of PCIBIOS_DEVICE_NOT_FOUND, so that a pci_ops accessor returns the
 * result as it is (checked by the host bridge driver).
 */
#define HOST_CFG_NO_DEVICE 0x86
int host_cfg_read(unsigned int rid, int where, int size, unsigned int *val);
int host_cfg_write(unsigned int rid, int where, int size, unsigned int val);

/*
 * The driver rings the device's doorbell: it starts DMA (continuously,
 * into host memory), or stops it on purpose. The machine finds the
 * function as a config cycle to domain/bus/devfn would reach it, and from
 * then on records in its event log every config write or reset that
 * takes the device's bus mastering or BAR routing away. Return 0 on
 * success, non-zero when nothing answers there (start: or it is a
 * bridge; stop: or no DMA was started on it).
 */
int host_dma_start(unsigned int domain, unsigned int bus, unsigned int devfn);
int host_dma_stop(unsigned int domain, unsigned int bus, unsigned int devfn);

/*
 * For benchmarks: the kernel reached the next phase of pci_host_probe()
 * (pci-core/phases.c). Scanning (enumeration) runs from the probe's start
 * to SIM_PHASE_ASSIGN.
 */
#define SIM_PHASE_ASSIGN	1	/* sizing and assigning resources */
#define SIM_PHASE_ADD		2	/* adding devices: drivers bind */
#define SIM_PHASE_ADDED		3	/* devices added */
void host_phase(unsigned int phase);

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

/*
 * What a kexec hands the next kernel for KHO, as x86's setup_data
 * SETUP_KEXEC_KHO (struct kho_data) does: the handover FDT and the array
 * of scratch areas (struct kho_scratch), both by physical address. All
 * zero: no handover.
 */
struct sim_handover {
	unsigned long long fdt;
	unsigned long long fdt_len;
	unsigned long long scratch;
	unsigned long long scratch_len;
};

/* What the boot loader (or kexec) hands a kernel. */
struct sim_boot_params {
	const char *cmdline;
	void *ram;			/* host address of the machine's RAM */
	unsigned long long ram_base;	/* its physical address */
	unsigned long long ram_size;
	struct sim_handover kho;	/* from the previous kernel */
};

/* Boot the kernel world: memory, KHO, command line, initcalls. */
int sim_kernel_boot(const struct sim_boot_params *bp);

/*
 * The outgoing half of a kexec: liveupdate_reboot(), device_shutdown(),
 * then kexec_file's KHO step (kho_fill_kimage()) names the handover and
 * every preserved range is reported through host_ram_keep(), the scratch
 * areas through host_ram_scratch(). On error the kernel keeps running.
 */
int sim_kernel_kexec_prepare(struct sim_handover *kho);

/*
 * During early boot (memblock still allocating), does memblock own the
 * page at pa: the host makes a poisoned page usable when memblock's
 * allocator first touches it, as the page allocator claims its pages. A
 * write (write != 0) to free memory memblock allocates from counts too:
 * memblock_double_array() fills the array it found before reserving it.
 */
int sim_mm_early_owned(unsigned long long pa, int write);

/*
 * How many registers besides rax a call of __sw_hweight64() changed, as
 * asm/arch_hweight.h makes it (0: the contract holds; -1: wrong weight).
 */
int sim_check_sw_hweight_abi(void);

/* Pages in use by the kernel world's page allocator. */
unsigned long sim_mm_pages_in_use(void);

/* Did KHO drop the handover this kernel was booted with (offered, unused)? */
int sim_kho_handover_dropped(void);

/* Pages a previous kernel preserved that nobody restored (yet). */
unsigned long sim_kho_leaked_pages(void);

/*
 * Pages this kernel's KHO handed back to their owners (kho_restore_*(),
 * not counting the handover blob KHO keeps); *not_freed of them the owner
 * has not freed since, the lowest of those at *first_pa.
 */
unsigned long sim_kho_restored_pages(unsigned long *not_freed,
				     unsigned long long *first_pa);

/*
 * Probe one host bridge: windows, root bus, scan, assign everything, add
 * devices. By default as pci-host-common does on arm64 (a generic ECAM
 * host: every bus renumbered); with SIM_HOST_KEEP_BUSES as a host bridge
 * whose driver keeps the bus numbers firmware left, as x86's does (only
 * pci=assign-busses renumbers).
 */
#define SIM_HOST_KEEP_BUSES	0x1
/*
 * The firmware asks to keep its resource setup (ACPI _DSM function 5, a
 * device tree's linux,pci-probe-only): the host bridge's preserve_config,
 * so pci_host_probe() claims everything with pci_bus_claim_resources().
 */
#define SIM_HOST_PRESERVE_CONFIG 0x2

int sim_pci_host_probe(unsigned int domain, unsigned int bus_start,
		       unsigned int bus_end, const struct sim_window *win,
		       int nr_win, unsigned int flags);

/*
 * What echo 1 > /sys/bus/pci/devices/.../rescan does below one bus: the
 * kernel's pci_rescan_bus() (scan, assign, add) under the rescan lock.
 * Returns the highest bus number below it, or -ENODEV.
 */
int sim_pci_rescan_bus(unsigned int domain, unsigned int bus);

/*
 * What echo 1 > /sys/bus/pci/devices/.../remove does: the kernel's
 * pci_stop_and_remove_bus_device_locked(). 0, or -ENODEV.
 */
int sim_pci_remove_dev(unsigned int domain, unsigned int bus,
		       unsigned int devfn);

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
	unsigned int physfn_bus, physfn_devfn;	/* a VF's PF */
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

/*
 * The kernel's live-update device list (pci_liveupdate_walk_list()): the
 * devices actually preserved, walked down from the host bridges, so each
 * comes after what it depends on. Outgoing: what the next kexec hands
 * over; incoming: what the previous kernel handed over and is not
 * finished yet.
 */
#define SIM_LU_ROLE_PRESERVED	0	/* a driver preserved it */
#define SIM_LU_ROLE_BRIDGE	1	/* a bridge above preserved devices */
#define SIM_LU_ROLE_PF		2	/* the PF of preserved VFs */

struct sim_lu_entry {
	unsigned int domain, bus, devfn;
	unsigned int vendor, device;
	char name[32];			/* its BDF, 0000:01:00.0 */
	int role;			/* SIM_LU_ROLE_* */
	unsigned int refcount;		/* preserved devices at or below it */
	int found;			/* 0: handed over, no such device now */
	int has_dep;			/* dep_name: what it depends on */
	char dep_name[32];		/* a VF's PF, else the bridge above */
	int sriov;			/* SR-IOV state kept ... */
	unsigned int num_vfs;		/* ... with this many VFs */
	unsigned int ser_len;		/* its struct pci_dev_ser, as handed */
	unsigned char ser[512];		/* over, byte by byte */
};

#define SIM_LU_LIST_OUTGOING	0
#define SIM_LU_LIST_INCOMING	1
typedef int (*sim_lu_list_visit_t)(const struct sim_lu_entry *e, void *ctx);
/* fn for each entry, in the kernel's order; stops when fn returns non-zero. */
int sim_lu_visit_list(int which, sim_lu_list_visit_t fn, void *ctx);
/* The same list into the kernel log (pci_liveupdate_print_list()). */
void sim_lu_print_list(int which);

/*
 * A trapping kernel-world instruction: the general registers numbered as
 * x86 encodes them in ModRM (0 ax, 1 cx, 2 dx, 3 bx, 4 sp, 5 bp, 6 si,
 * 7 di, 8-15 r8-r15) and the instruction pointer.
 */
struct sim_trap_regs {
	unsigned long gpr[16];
	unsigned long ip;
};

#define SIM_TRAP_STOP	(-1)	/* a BUG(): the run stops */
#define SIM_TRAP_NONE	0	/* not a WARN/BUG site */
/*
 * WARN()/BUG() trap (ud2, or ud1 from WARN with a format): SIM_TRAP_STOP,
 * SIM_TRAP_NONE, or for a WARN the length of the instruction to resume
 * after.
 */
int sim_report_trap(const struct sim_trap_regs *regs);
unsigned long sim_warn_count(void);

/* Issues one WARN() from kernel code; returns 1 once execution resumed. */
int sim_selftest_warn(void);
/* Hits one BUG() in kernel code: the run stops with exit status 3. */
void sim_selftest_bug(void);
/*
 * Calls one kernel symbol pcisim does not implement (iounmap(), one of
 * sim_stub_names): the run stops with exit status 3, naming it.
 */
void sim_selftest_stub(void);

/*
 * KHO self-test (shim/kho_selftest.c): preserve patterned memory of every
 * kind before kexec; restore and check it after; misuse the API.
 */
int sim_kho_selftest_preserve(unsigned long long seed);
int sim_kho_selftest_verify(unsigned long long seed);
/* The next verify leaves the blob unrestored (kho_selftest_fault=leak). */
void sim_kho_selftest_set_fault_leak(bool on);
/*
 * Restores that must fail (never preserved, no RAM, unaligned; after a
 * kexec with the self-test handed over, also tail pages of its folio, page
 * run and vmalloc area): each returns NULL with a "KHO: cannot restore"
 * warning. The number refused, or -EINVAL if one came back.
 */
int sim_kho_selftest_bad_restores(void);
int sim_kho_selftest_read_phys(unsigned long long pa);
/*
 * Copy len bytes from the address addr with memcpy(), as a buggy kernel
 * might: the host's libc does the copy.
 */
int sim_kho_selftest_copy_from(unsigned long long addr, unsigned long len);
unsigned long long sim_kho_selftest_unpreserved_page(void);
/* 1 if pa heads a range handed over and not yet restored, else 0. */
int sim_kho_selftest_restorable(unsigned long long pa);

/*
 * A KHO chain carried through kexecs: bytes in a 4-page folio, a 3-page
 * run, a 5-page vmalloc area, then nr_entries entries of a block set
 * (SIM_KHO_CHAIN_ENTRY_SIZE bytes each, several blocks), in that order.
 * start: this kernel preserves len = SIM_KHO_CHAIN_BYTES(nr_entries)
 * bytes of data. step (in the next kernel): restore and check them
 * (checksum), generation + 1, byte i becomes SIM_KHO_CHAIN_STEP(byte,
 * generation, i), and preserve that same memory again (the entries in a
 * new block set). read: copy the bytes (restored, or this kernel's own
 * if it started or stepped) into buf and the generation into *gen, then
 * drop the chain: what this kernel preserved is unpreserved
 * (kho_unpreserve_folio/pages/vmalloc, kho_remove_subtree, the block
 * set's pages), what it restored is freed. Returns the length or -errno.
 * SIM_KHO_CHAIN_STALE: step preserves the bytes as they came, with the
 * new generation and checksum (a kernel that hands over a stale copy).
 */
#define SIM_KHO_CHAIN_ENTRY_SIZE	200
#define SIM_KHO_CHAIN_FIXED_BYTES	(12 * 4096)
#define SIM_KHO_CHAIN_BYTES(nr_entries)	\
	(SIM_KHO_CHAIN_FIXED_BYTES + (nr_entries) * SIM_KHO_CHAIN_ENTRY_SIZE)
#define SIM_KHO_CHAIN_STEP(b, gen, i)	\
	((unsigned char)((b) * 33 + (gen) + (i)))
#define SIM_KHO_CHAIN_STALE		1
int sim_kho_chain_start(const void *data, unsigned long len,
			unsigned long nr_entries);
int sim_kho_chain_step(int flags);
long sim_kho_chain_read(void *buf, unsigned long len,
			unsigned long long *gen);
/* The PAs of the chain's list, folio, run, area and first block: 5. */
int sim_kho_chain_pas(unsigned long long *pa, int max);

/*
 * LUO self-test (shim/luo_selftest.c), with liveupdate=on kho=on: a file
 * handler "pcisim-test-v1" whose files carry bytes, with a test FLB, and
 * the host as the user space agent of /dev/liveupdate, naming sessions
 * and files. 0 or a negative errno unless said otherwise.
 */
/* Preserve len bytes as a file under token in session (created if new). */
int sim_luo_selftest_preserve(const char *session, unsigned long long token,
			      const void *data, unsigned long len);
/* After kexec: the bytes of that file into buf; their length or -errno. */
long sim_luo_selftest_retrieve(const char *session, unsigned long long token,
			       void *buf, unsigned long buflen);
/* After kexec: finish the session and close it. */
int sim_luo_selftest_finish(const char *session);
/* Before kexec: close the outgoing session, unpreserving its files. */
int sim_luo_selftest_cancel(const char *session);
/*
 * The callbacks this kernel ran, oldest first, space-separated:
 * flb-preserve flb-unpreserve flb-retrieve flb-finish, and preserve:T
 * unpreserve:T freeze:T unfreeze:T retrieve:T can_finish:T finish:T for
 * the file of token T (decimal). Copies a NUL-terminated prefix into buf,
 * returns the full length.
 */
unsigned long sim_luo_selftest_callback_log(char *buf, unsigned long len);
/*
 * Make callback op ("preserve", "freeze", "retrieve": return err;
 * "can_finish": return false when err != 0) fail for token. err 0 clears.
 */
int sim_luo_selftest_fail(const char *op, unsigned long long token, int err);

#define SIM_LUO_FLB_OUTGOING	1	/* the test FLB's outgoing object lives */
#define SIM_LUO_FLB_INCOMING	2	/* its incoming object lives */
int sim_luo_selftest_flb_state(void);
/* liveupdate_flb_get_incoming() then put for the test FLB: its return. */
int sim_luo_selftest_flb_get_incoming(void);

/* liveupdate_reboot() now, as the kexec would: freeze and write. */
int sim_luo_selftest_reboot(void);

/*
 * Write the handover now (as sim_luo_selftest_reboot()), then damage it
 * for the next kernel to refuse: the root, or the block set of the file
 * entries of session.
 */
#define SIM_LUO_CORRUPT_COMPATIBLE	1	/* root compatible "luo-v999" */
#define SIM_LUO_CORRUPT_CYCLE		3	/* last block links to the first */
#define SIM_LUO_CORRUPT_LONG		4	/* KHO_MAX_BLOCKS more blocks */
#define SIM_LUO_CORRUPT_COUNT		5	/* first block: one entry too many */
#define SIM_LUO_CORRUPT_OUTSIDE_RAM	6	/* last block links outside RAM */
#define SIM_LUO_CORRUPT_UNALIGNED	7	/* last block links mid-page */
int sim_luo_selftest_corrupt(const char *session, int how);

/*
 * Simulated drivers and user space (lu/sim-drivers/): pcisim-vfio (a
 * vfio-pci stand-in) and pcisim-pf (an SR-IOV PF driver) bind only
 * through driver_override; probe enables the device and bus mastering and
 * starts its DMA. Their device files are preserved through the LUO file
 * handlers "pcisim-vfio-v1" and "pcisim-pf-v1" (with the PCI FLB), under
 * the token domain << 16 | bus << 8 | devfn. The host acts as user space.
 * 0 or a negative errno unless said otherwise; -ENODEV: no such device.
 */
/*
 * driver_override = driver, then bind (unbinding another driver first);
 * NULL or "" unbinds and clears driver_override. -EBUSY if the device
 * (or a VF of it) is preserved or handed over and not finished.
 */
int sim_lu_bind(unsigned int domain, unsigned int bus, unsigned int devfn,
		const char *driver);
/* Open the device file and preserve it in session (created if new). */
int sim_lu_preserve(const char *session, unsigned int domain,
		    unsigned int bus, unsigned int devfn);
/* Before kexec: close the outgoing session, unpreserving its files. */
int sim_lu_cancel(const char *session);
/*
 * After kexec: retrieve the session and the file of every device in it
 * (binding a device nobody bound to the driver that preserved it); the
 * number of files retrieved, or the first error.
 */
int sim_lu_retrieve(const char *session);
/* After kexec: retrieve one device's file only. */
int sim_lu_retrieve_dev(const char *session, unsigned int domain,
			unsigned int bus, unsigned int devfn);
/* After kexec: finish the session (every file of it) and close it. */
int sim_lu_finish(const char *session);
/* Write nr to the PF's sriov_numvfs, through its driver. */
int sim_lu_enable_vfs(unsigned int domain, unsigned int bus,
		      unsigned int devfn, int nr);
/* The name of the driver bound (NUL-terminated, "" if none) into buf. */
int sim_lu_driver_of(unsigned int domain, unsigned int bus,
		     unsigned int devfn, char *buf, unsigned long len);

/* A device as its simulated driver sees it (0 if not bound to one). */
#define SIM_LU_BOUND		0x001	/* bound to a simulated driver */
#define SIM_LU_MASTER		0x002	/* Bus Master set (or adopted) */
#define SIM_LU_DMA		0x004	/* runs DMA: started or inherited */
#define SIM_LU_DMA_STARTED	0x008	/* this kernel called host_dma_start() */
#define SIM_LU_OPEN		0x010	/* its device file exists */
#define SIM_LU_PRESERVED	0x020	/* the file is preserved */
#define SIM_LU_FROZEN		0x040	/* ... and frozen for kexec */
#define SIM_LU_INCOMING		0x080	/* handed over, not finished */
#define SIM_LU_RETRIEVED	0x100	/* ... and its file retrieved */
int sim_lu_dev_state(unsigned int domain, unsigned int bus,
		     unsigned int devfn);
/*
 * The simulated drivers' callbacks in this kernel, oldest first, as
 * "DRV.OP:BDF" separated by spaces; DRV is vfio or pf, OP one of probe,
 * probe-incoming, remove, shutdown, shutdown-preserved, preserve,
 * unpreserve, freeze, unfreeze, retrieve, can_finish, finish. Copies a
 * NUL-terminated prefix into buf, returns the full length.
 */
unsigned long sim_lu_callback_log(char *buf, unsigned long len);

/*
 * The simulated user space (shim/syscall.c): the host is a process of the
 * kernel world, and these are its system calls. Each returns what the raw
 * system call returns: a result >= 0, or -errno. Pointers are the host's
 * own (user pointers: NULL and the first page give -EFAULT); flags, ioctl
 * numbers and structures are the kernel's uapi ones (the host's <fcntl.h>
 * O_* values are the kernel's on x86-64). The process is made on the first
 * call, with an fd table of its own (fds from 0, lowest free first) and
 * RLIMIT_NOFILE 1024 (hard 4096); a kexec ends it with everything else of
 * the kernel world: no fd and no file outlives its kernel.
 *
 * A file's last reference dropped by the kernel during a call (fput() in
 * an ioctl) is released as the call returns, as upstream's task work on
 * return to user space; close() of the last reference releases at once.
 */
/* open(2) of "/dev/NAME": a device node as devtmpfs shows it. */
int sim_sys_open(const char *path, int flags);
/* ioctl(2): the file's unlocked_ioctl; -ENOTTY if it has none. */
long sim_sys_ioctl(int fd, unsigned int cmd, unsigned long arg);
int sim_sys_close(int fd);
/* setrlimit(RLIMIT_NOFILE, ...): -EINVAL if cur > max, -EPERM above nr_open */
int sim_sys_setrlimit_nofile(unsigned long cur, unsigned long max);
int sim_sys_getrlimit_nofile(unsigned long *cur, unsigned long *max);
/*
 * Install a host file the simulation does not model (/dev/null, a pipe) as
 * an opaque file: fget() finds it, no ioctl and no LUO handler knows it.
 * flags as open(2)'s (O_CLOEXEC, access mode); cookie is the host's own,
 * handed back by sim_sys_foreign_cookie() (-EINVAL for a file not foreign).
 */
int sim_sys_open_foreign(unsigned long long cookie, int flags);
int sim_sys_foreign_cookie(int fd, unsigned long long *cookie);
/*
 * exit(2) of the process making calls: every fd is closed and each file's
 * release runs as the table goes (a file another process's table holds
 * stays open); the next call starts a new process, unless
 * sim_sys_switch() picks one that exists.
 */
int sim_sys_exit(void);
/*
 * fork(2): a child process with a copy of the caller's fd table (the
 * same files) and limits; returns its pid. Calls stay the caller's until
 * sim_sys_switch() names another process (-ESRCH: none such).
 * sim_sys_getpid(): the pid of the process making calls, 0 before any.
 */
int sim_sys_fork(void);
int sim_sys_switch(int pid);
int sim_sys_getpid(void);
/*
 * memfd_create(2) (shim/memfd.c: a memfd with upstream's LUO handler,
 * "memfd-v2"), and read(2), write(2), lseek(2) and ftruncate(2) of files
 * that have them (memfds).
 */
int sim_sys_memfd_create(const char *name, unsigned int flags);
long sim_sys_read(int fd, void *buf, unsigned long count);
long sim_sys_write(int fd, const void *buf, unsigned long count);
long long sim_sys_lseek(int fd, long long offset, int whence);
int sim_sys_ftruncate(int fd, long long length);
/*
 * mmap(2) with MAP_SHARED of nr_pages of a memfd from offset (a page
 * multiple): the host is the address space, so the kernel gives each
 * page's physical address in pa[] (faulted in as a shared mapping's fault
 * would; 0 past the end of the file, where an access is SIGBUS) for the
 * host to map that RAM (machine_ram_alias()). Returns a handle >= 0: the
 * mapping holds a reference to the file until sim_sys_munmap(handle).
 * -ENODEV for a file that is not a memfd, -EINVAL for MAP_PRIVATE, -EPERM
 * for a writable mapping of a write-sealed memfd.
 */
long sim_sys_mmap(int fd, unsigned long long offset, unsigned long nr_pages,
		  int prot, int flags, unsigned long long *pa);
int sim_sys_munmap(long handle);

/*
 * VFS self-test (shim/vfs_selftest.c): a misc device, "/dev/"
 * SIM_VFS_TEST_NAME once registered, shaped like /dev/liveupdate: an
 * exclusive open, and ioctls whose argument starts with its own size
 * (copy_struct_from_user()). Its open, release and its objects' releases
 * are logged: "open" (misc_open() gave it the miscdevice as private_data)
 * or "open-bad", "release", "obj-release:VALUE", space-separated.
 */
#define SIM_VFS_TEST_NAME	"pcisim-vfs-test"
int sim_vfs_selftest_register(void);
int sim_vfs_selftest_unregister(void);
/* The log, oldest first: a NUL-terminated prefix in buf; the full length. */
unsigned long sim_vfs_selftest_log(char *buf, unsigned long len);

/*
 * On the device: create an object, an anonymous-inode file holding value,
 * installed as a new fd (O_CLOEXEC) as LUO creates a session: the fd
 * comes back in the struct. size is the caller's sizeof: at least
 * SIM_VFS_TEST_CREATE_MIN (else -EINVAL); larger than the kernel's
 * (32 bytes) only with zeroes past it (else -E2BIG); smaller ones have
 * the rest zero-filled (sim_vfs_selftest_last_create() shows the kernel's
 * copy).
 */
#define SIM_VFS_TEST_CREATE	0xbf01
struct sim_vfs_test_create {
	unsigned int size;
	int fd;				/* out */
	unsigned long long value;
	unsigned long long extra[2];	/* a newer version's fields */
};

#define SIM_VFS_TEST_CREATE_MIN	16
int sim_vfs_selftest_last_create(struct sim_vfs_test_create *out);

/*
 * On the device, with an fd as arg: HOLD takes a reference to its file
 * (fget(), as LUO's PRESERVE_FD: -EBADF if no such fd). DROP puts every
 * reference held (fput() inside the ioctl) and returns how many of those
 * files were released before it returned (0: their release waits for the
 * return to user space).
 */
#define SIM_VFS_TEST_HOLD	0xbf02
#define SIM_VFS_TEST_DROP	0xbf03
/* On an object's fd: its value to the unsigned long long at arg (put_user). */
#define SIM_VFS_TEST_OBJ_GET	0xbf04
/*
 * From the kernel thread, outside any system call: put every reference
 * held. Returns how many of those files were released by the time it
 * returns (a kernel thread's fput() releases at once here).
 */
int sim_vfs_selftest_drop_held(void);

/*
 * The user-access primitives, called by the kernel on uptr: copy_from_user()
 * of len bytes (returns the bytes not copied; val[0] = how many bytes of
 * the kernel's buffer are nonzero after it), copy_to_user() of len bytes
 * of 0xa5 (bytes not copied), get_user() of a len-byte value into val[0]
 * and put_user() of val[0] (0 or -EFAULT), check_zeroed_user() (1, 0 or
 * -EFAULT), copy_struct_from_user() into a 16-byte struct of the kernel's
 * that starts as 0xff bytes (0, -E2BIG or -EFAULT; val[0..1] the struct),
 * strncpy_from_user() of up to len bytes (length or -EFAULT).
 */
#define SIM_VFS_UA_COPY_FROM		1
#define SIM_VFS_UA_COPY_TO		2
#define SIM_VFS_UA_GET			3
#define SIM_VFS_UA_PUT			4
#define SIM_VFS_UA_CHECK_ZEROED		5
#define SIM_VFS_UA_STRUCT		6
#define SIM_VFS_UA_STRNCPY		7
long sim_vfs_selftest_uaccess(int op, void *uptr, unsigned long len,
			      unsigned long long *val);

/*
 * Kernel symbols pcisim does not implement, NULL-terminated: each is an
 * abort-on-call stub (build/stubs.txt).
 */
extern const char *const sim_stub_names[];

#endif /* SIM_HOST_ABI_H */
