// SPDX-License-Identifier: GPL-2.0
/*
 * WARN(), BUG() and panic() (kernel/panic.c, arch/x86/kernel/traps.c).
 *
 * WARN and BUG are the real x86 ones: a ud2 plus a __bug_table entry. The
 * host's SIGILL handler hands the trapping address to sim_report_ud2(),
 * which asks the real lib/bug.c report_bug() what it was. Departs from the
 * kernel: no stack dump (KALLSYMS is off, the host prints a backtrace if it
 * can); warnings are counted so tests can assert there were none; BUG and
 * panic end the process through the host instead of halting a CPU.
 */
#include <linux/bug.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/stdarg.h>
#include <linux/radix-tree.h>
#include <asm/bug.h>
#include <asm/ptrace.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

/* Layout private to kernel/panic.c, needed to print WARN(cond, fmt...) */
struct warn_args {
	const char *fmt;
	va_list args;
};

static unsigned long sim_warnings;
static unsigned long sim_taint;

unsigned long sim_warn_count(void)
{
	return sim_warnings;
}

void add_taint(unsigned int flag, enum lockdep_ok lockdep_ok)
{
	sim_taint |= 1UL << flag;
}

void __warn_printk(const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vprintk(fmt, args);
	va_end(args);
}

void __warn(const char *file, int line, void *caller, unsigned int taint,
	    struct pt_regs *regs, struct warn_args *args)
{
	sim_warnings++;
	if (file)
		pr_warn("WARNING: CPU: 0 PID: 0 at %s:%d %pS\n", file, line,
			caller);
	else
		pr_warn("WARNING: CPU: 0 PID: 0 at %pS\n", caller);
	if (args)
		vprintk(args->fmt, args->args);
	add_taint(taint, LOCKDEP_STILL_OK);
}

/* The kernel also checks the address is kernel text; all text is ours. */
int is_valid_bugaddr(unsigned long addr)
{
	return *(unsigned short *)addr == INSN_UD2;
}

int sim_report_ud2(unsigned long ip)
{
	struct pt_regs regs = { .ip = ip };

	switch (report_bug(ip, &regs)) {
	case BUG_TRAP_TYPE_WARN:
		sim_printk_flush();
		return 1;
	case BUG_TRAP_TYPE_BUG:
		sim_printk_flush();
		return 2;
	default:
		return 0;
	}
}

void panic(const char *fmt, ...)
{
	static char buf[1024];
	va_list args;

	va_start(args, fmt);
	vscnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	pr_emerg("Kernel %s - not syncing: %s\n", __func__, buf);
	sim_abortf("Kernel %s - not syncing: %s", __func__, buf);
}

asmlinkage void dump_stack_lvl(const char *log_lvl)
{
}

asmlinkage void dump_stack(void)
{
}

/* For the test that proves a WARN is trapped, reported and survived. */
int sim_selftest_warn(void)
{
	return WARN(1, "pcisim: self-test warning\n");
}

/*
 * For the test that proves a BUG() stops the run, naming file and line:
 * a real one, lib/radix-tree.c refusing to store an internal-node pointer.
 */
void sim_selftest_bug(void)
{
	static RADIX_TREE(sim_tree, GFP_KERNEL);

	radix_tree_insert(&sim_tree, 0, (void *)RADIX_TREE_INTERNAL_NODE);
}

/*
 * For the test that proves a call of a kernel symbol pcisim does not
 * implement stops the run, naming it: iounmap() is one of the abort-on-call
 * stubs (pci-core/stubs.txt; nothing maps the simulated devices' MMIO).
 */
void sim_selftest_stub(void)
{
	iounmap(NULL);
}

void sim_abortf(const char *fmt, ...)
{
	static char buf[256];
	va_list args;

	va_start(args, fmt);
	vscnprintf(buf, sizeof(buf), fmt, args);
	va_end(args);
	sim_printk_flush();
	host_abort(buf);
}
