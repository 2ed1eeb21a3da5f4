// SPDX-License-Identifier: GPL-2.0
/*
 * WARN(), BUG() and panic() (kernel/panic.c, arch/x86/kernel/traps.c).
 *
 * WARN and BUG are the real x86 ones: a ud2 plus a __bug_table entry, or,
 * for WARN with a format, a static call of __WARN_trap, whose ud1 names
 * the entry in a register. The host's SIGILL handler hands the trapping
 * registers to sim_report_trap(), which decodes the instruction as
 * arch/x86/kernel/traps.c handle_bug() does and asks the real lib/bug.c
 * what it was. Departs from the kernel: only the two encodings the kernel
 * world's WARN and BUG use are decoded (no UBSan, CFI or lock traps); no
 * stack dump (KALLSYMS is off, the host prints a backtrace if it can);
 * warnings are counted so tests can assert there were none; BUG and panic
 * end the process through the host instead of halting a CPU.
 */
#include <linux/bug.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/panic.h>
#include <linux/printk.h>
#include <linux/stdarg.h>
#include <linux/radix-tree.h>
#include <linux/static_call.h>
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

/* arch/x86/entry/entry.S: ud1 (%edx),%rdi names the bug entry in %rdi */
asm(".pushsection .text, \"ax\"\n"
	".globl __WARN_trap\n"
	".type __WARN_trap, @function\n"
	"__WARN_trap:\n"
	"\tud1 (%edx), %rdi\n"
	"\tret\n"
	".size __WARN_trap, . - __WARN_trap\n"
	".popsection");
DEFINE_STATIC_CALL(WARN_trap, __WARN_trap);

/*
 * arch/x86/kernel/traps.c: the format's arguments of a WARN as a va_list,
 * from the registers of the call of __WARN_trap (the first is the bug
 * entry) and the stack above its return address.
 */
void *__warn_args(struct arch_va_list *args, struct pt_regs *regs)
{
	args->regs[0] = regs->di;
	args->regs[1] = regs->si;
	args->regs[2] = regs->dx;
	args->regs[3] = regs->cx;
	args->regs[4] = regs->r8;
	args->regs[5] = regs->r9;
	args->args.gp_offset = 1 * 8;
	args->args.fp_offset = 6 * 8 + 8 * 16;
	args->args.reg_save_area = &args->regs;
	args->args.overflow_arg_area = (void *)regs->sp;
	if ((void *)regs->ip == &__WARN_trap)
		args->args.overflow_arg_area += 8;
	return &args->args;
}

static unsigned long *sim_trap_reg(struct pt_regs *regs, unsigned int nr)
{
	unsigned long *const reg[16] = {
		&regs->ax, &regs->cx, &regs->dx, &regs->bx,
		&regs->sp, &regs->bp, &regs->si, &regs->di,
		&regs->r8, &regs->r9, &regs->r10, &regs->r11,
		&regs->r12, &regs->r13, &regs->r14, &regs->r15,
	};

	return reg[nr & 15];
}

/*
 * The ud1 of __WARN_trap: [0x67] [REX] 0f b9 ModRM with mod 0 and r/m 2
 * ((%edx)); the reg field (REX.R extends it) holds the bug entry. Returns
 * its length and sets *reg, or 0 for anything else.
 */
static int sim_decode_warn_ud1(const u8 *insn, unsigned int *reg)
{
	const u8 *p = insn;
	u8 rex = 0, modrm;

	if (*p == 0x67)
		p++;
	if ((*p & 0xf0) == 0x40)
		rex = *p++;
	if (p[0] != 0x0f || p[1] != 0xb9)
		return 0;
	modrm = p[2];
	if ((modrm >> 6) != 0 || (modrm & 7) != 2 || (rex & 1))
		return 0;
	*reg = ((modrm >> 3) & 7) + ((rex & 4) ? 8 : 0);
	return p + 3 - insn;
}

int sim_report_trap(const struct sim_trap_regs *trap)
{
	struct pt_regs regs = { .ip = trap->ip };
	enum bug_trap_type type;
	unsigned int i, reg;
	int len;

	for (i = 0; i < 16; i++)
		*sim_trap_reg(&regs, i) = trap->gpr[i];
	len = sim_decode_warn_ud1((const u8 *)trap->ip, &reg);
	if (len) {
		type = report_bug_entry((void *)*sim_trap_reg(&regs, reg), &regs);
	} else if (is_valid_bugaddr(trap->ip)) {
		len = 2;
		type = report_bug(trap->ip, &regs);
	} else {
		return SIM_TRAP_NONE;
	}
	sim_printk_flush();
	switch (type) {
	case BUG_TRAP_TYPE_WARN:
		return len;
	case BUG_TRAP_TYPE_BUG:
		return SIM_TRAP_STOP;
	default:
		return SIM_TRAP_NONE;
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
