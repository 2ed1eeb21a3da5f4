// SPDX-License-Identifier: GPL-2.0
/*
 * Architecture and early-boot data the PCI core expects (arch/x86,
 * init/main.c, mm/, drivers/base/).
 *
 * Departs from the kernel: the kernel world is x86_64 code, but the PCI
 * "personality" is the generic ECAM host of arm64/riscv device-tree
 * systems, because that is what the reference results were captured on:
 * pcibios_assign_all_busses() follows PCI_REASSIGN_ALL_BUS as on arm64,
 * PCIBIOS_MIN_MEM is 0 as on arm64 (x86 would use the e820 gap), and the
 * x86 PCI code (arch/x86/pci) is not built, so the drivers/pci __weak
 * defaults stand in for pcibios_*() as they do on arm64. The one
 * exception is pcibios_setup(): x86's "pci=assign-busses", so that a
 * host bridge that keeps firmware's bus numbers (x86's personality,
 * pci-core/host_bridge.c) can be told not to.
 */
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/init_task.h>
#include <linux/mqueue.h>
#include <linux/random.h>
#include <linux/notifier.h>
#include <linux/kobject.h>
#include <linux/mmzone.h>
#include <linux/init.h>
#include <linux/device.h>
#include <linux/swiotlb.h>
#include <linux/tracepoint.h>
#include <asm/current.h>
#include <asm/early_ioremap.h>
#include <asm/processor.h>
#include <linux/utsname.h>
#include <generated/utsrelease.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

/* init/init_task.c: the kernel threads' resource limits */
static struct signal_struct sim_signals = {
	.sigcnt = REFCOUNT_INIT(1),
	.rlim = INIT_RLIMITS,
};

/*
 * The kernel thread that runs everything but the simulated user space's
 * system calls (shim/syscall.c). Like init_task (init/init_task.c) it
 * holds references, so get/put_task_struct(current) (klist_remove() when
 * a driver is unbound) never see a count of zero, is a kernel thread
 * (its last fput()s are not task work) and has init_files.
 */
static struct task_struct sim_task = {
	.usage = REFCOUNT_INIT(2),
	.flags = PF_KTHREAD,
	.files = &init_files,
	.signal = &sim_signals,
	.group_leader = &sim_task,
	.comm = "swapper",
};

/* arch/x86/kernel/cpu/common.c; const_current_task is the linker's alias */
DEFINE_PER_CPU_CACHE_HOT(struct task_struct *, current_task) = &sim_task;
DEFINE_PER_CPU_CACHE_HOT(unsigned long, __preempt_count) = INIT_PREEMPT_COUNT;

/* kernel/cpu.c: the one CPU there is */
struct cpumask __cpu_possible_mask __read_mostly = { CPU_BITS_CPU0 };

/*
 * arch/x86/kernel/apic/io_apic.c and arch/x86/pci/common.c: the x86
 * interrupt quirks of drivers/pci/quirks.c read these. There is no I/O
 * APIC (nr_ioapics 0) and the quirks keep their x86 defaults.
 */
int nr_ioapics;
int noioapicquirk;
int noioapicreroute;

unsigned long phys_base;
unsigned long pci_mem_start;

/* arch/x86/kernel/setup.c, arch/x86/mm/init.c */
struct cpuinfo_x86 boot_cpu_data = {
	.x86_phys_bits = 46,
	.x86_virt_bits = 48,
	.x86_clflush_size = 64,
	.x86_cache_alignment = 64,
};

pteval_t __default_kernel_pte_mask = ~0;

/*
 * init/version-timestamp.c, which needs the generated/compile.h only a
 * full kernel link makes: the release is the pinned tree's, so KHO's
 * kexec-metadata names it as 7.3 does.
 */
struct uts_namespace init_uts_ns = {
	.ns.__ns_ref = REFCOUNT_INIT(2),
	.name = {
		.sysname = "Linux",
		.nodename = "(none)",
		.release = UTS_RELEASE,
		.version = "#1 pcisim",
		.machine = "x86_64",
		.domainname = "(none)",
	},
};

/*
 * mm/early_ioremap.c: RAM is always mapped (the direct map), so an early
 * mapping of RAM is its direct-map address; anything else fails, as a
 * mapping of nothing would.
 */
void *early_memremap(resource_size_t phys_addr, unsigned long size)
{
	if (!size || phys_addr + size < phys_addr ||
	    !sim_mm_pfn_valid(PHYS_PFN(phys_addr)) ||
	    !sim_mm_pfn_valid(PHYS_PFN(phys_addr + size - 1)))
		return NULL;
	return phys_to_virt(phys_addr);
}

void early_memunmap(void *addr, unsigned long size)
{
}

#ifdef CONFIG_SPARSEMEM_EXTREME
struct mem_section **mem_section;
#else
struct mem_section mem_section[NR_SECTION_ROOTS][SECTIONS_PER_ROOT];
#endif

unsigned int pcibios_assign_all_busses(void)
{
	return pci_has_flag(PCI_REASSIGN_ALL_BUS);
}

/*
 * "pci=" options of the architecture, as arch/x86/pci/common.c has them;
 * only "assign-busses" (renumber every bus, whatever firmware left) is
 * modelled. This is x86's personality: arm64 has no pcibios_setup(), so
 * its kernels log "PCI: Unknown option `assign-busses'" (and its generic
 * ECAM host renumbers every bus anyway). x86 records the option in
 * pci_probe, which its pcibios_assign_all_busses() reads; here that
 * function reads PCI_REASSIGN_ALL_BUS, as on arm64, so the option sets
 * the flag: the same effect on pci_scan_bridge_extend().
 */
char *__init pcibios_setup(char *str)
{
	if (!strcmp(str, "assign-busses")) {
		pci_add_flags(PCI_REASSIGN_ALL_BUS);
		return NULL;
	}
	return str;
}

enum system_states system_state = SYSTEM_BOOTING;
bool initcall_debug;

/* kernel/ksysfs.c: no sysfs, so no /sys/kernel directory object. */
struct kobject *kernel_kobj;

/* mm/debug.c: flag name tables used by %pGp/%pGg; empty, terminated. */
const struct trace_print_flags pageflag_names[] = { { 0, NULL } };
const struct trace_print_flags pagetype_names[] = { { 0, NULL } };
const struct trace_print_flags gfpflag_names[] = { { 0, NULL } };
const struct trace_print_flags vmaflag_names[] = { { 0, NULL } };

/*
 * drivers/char/random.c. Deterministic on purpose: a run must repeat
 * exactly (siphash keys, hashed %p pointers).
 */
void get_random_bytes(void *buf, size_t len)
{
	static u64 state = 0x9e3779b97f4a7c15ULL;
	u8 *p = buf;

	while (len--) {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		*p++ = state;
	}
}

/*
 * drivers/char/random.c, with the same deterministic stream (lib/test_kho.c
 * draws its folio orders from it)
 */
u32 get_random_u32(void)
{
	u32 r;

	get_random_bytes(&r, sizeof(r));
	return r;
}

/* drivers/char/random.c, with the same deterministic stream */
u32 __get_random_u32_below(u32 ceil)
{
	u32 r;

	get_random_bytes(&r, sizeof(r));
	return ((u64)r * ceil) >> 32;
}

int execute_with_initialized_rng(struct notifier_block *nb)
{
	nb->notifier_call(nb, 0, NULL);
	return 0;
}

/* kernel/dma/swiotlb.c: no bounce buffers, devices see memory directly. */
void swiotlb_dev_init(struct device *dev)
{
}

/* mm/slab_common.c */
bool kmem_dump_obj(void *object)
{
	return false;
}

/*
 * The contract of asm/arch_hweight.h's call in place of popcnt: only rax
 * changes. Calls __sw_hweight64() as that header does, with a known value
 * in every other caller-saved register; returns how many registers
 * changed, or -1 if the weight is wrong. A test of the build, for
 * make check.
 */
int sim_check_sw_hweight_abi(void)
{
	register unsigned long r8 asm("r8") = 0x4444;
	register unsigned long r9 asm("r9") = 0x5555;
	register unsigned long r10 asm("r10") = 0x6666;
	register unsigned long r11 asm("r11") = 0x7777;
	unsigned long w = 0xf0f0f0f0f0f0f0f0UL, res;
	unsigned long dx = 0x1111, cx = 0x2222, si = 0x3333;

	asm volatile("call __sw_hweight64"
		     : "=a" (res), "+D" (w), "+d" (dx), "+c" (cx), "+S" (si),
		       "+r" (r8), "+r" (r9), "+r" (r10), "+r" (r11)
		     : : "memory", "cc");
	if (res != 32)
		return -1;
	return (w != 0xf0f0f0f0f0f0f0f0UL) + (dx != 0x1111) + (cx != 0x2222) +
	       (si != 0x3333) + (r8 != 0x4444) + (r9 != 0x5555) +
	       (r10 != 0x6666) + (r11 != 0x7777);
}
