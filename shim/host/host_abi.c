/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host half of the kernel/host seam: memory, the kernel log sink,
 * stopping the run, config cycles and DMA doorbells into the machine, and
 * the SIGILL trap that turns the kernel's ud2-based WARN()/BUG() into
 * reports.
 */
#include "host.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "machine.h"
#include "sim/host_abi.h"

static struct machine *host_machine;
static void (*host_phase_hook)(unsigned int phase);
static void (*host_progress_hook)(void);
static unsigned long long host_watchdog_start;	/* config cycles at arming */
static unsigned long long host_watchdog_until;	/* config cycles; 0: off */
static FILE *host_log_file;
static int host_log_level = 7;

/*
 * Every 2^20 config cycles the machine answers: the soft-lockup watchdog,
 * then progress on a terminal.
 */
static void host_tick(void)
{
	unsigned long long now = host_machine ?
				 machine_cfg_accesses(host_machine) : 0;

	if (host_watchdog_until && now > host_watchdog_until) {
		char why[200];

		snprintf(why, sizeof(why),
			 "soft lockup: %llu config cycles since the boot, more than a boot of this machine takes (a loop that does not end?)",
			 now - host_watchdog_start);
		host_abort(why);
	}
	if (host_progress_hook)
		host_progress_hook();
}

void host_set_machine(struct machine *m)
{
	host_machine = m;
	host_watchdog_until = 0;
	machine_set_tick_hook(m ? host_tick : NULL);
}

void host_watchdog_arm(unsigned long long cycles)
{
	host_watchdog_start = host_machine ?
			      machine_cfg_accesses(host_machine) : 0;
	host_watchdog_until = cycles ? host_watchdog_start + cycles : 0;
}

void host_set_log(FILE *f, int max_level)
{
	host_log_file = f;
	host_log_level = max_level;
}

void *host_alloc(unsigned long size, unsigned long align)
{
	void *p;

	if (align < sizeof(void *))
		align = sizeof(void *);
	if (posix_memalign(&p, align, size ? size : 1))
		return NULL;
	return p;
}

void host_free(void *p)
{
	free(p);
}

void host_log(int level, const char *msg, unsigned long len)
{
	FILE *f = host_log_file ? host_log_file : stderr;

	if (level > host_log_level)
		return;
	/* not fprintf: the format costs more than the copy, per log line */
	fwrite(msg, 1, len, f);
	putc('\n', f);
}

void host_abort(const char *why)
{
	fflush(NULL);
	fprintf(stderr, "pcisim: kernel stopped: %s\n", why);
	exit(HOST_EXIT_KERNEL_STOPPED);
}

void host_set_phase_hook(void (*fn)(unsigned int phase))
{
	host_phase_hook = fn;
}

/* Progress on a terminal: every 2^20 config cycles, which the machine counts. */
void host_set_progress_hook(void (*fn)(void))
{
	host_progress_hook = fn;
}

void host_phase(unsigned int phase)
{
	if (host_phase_hook)
		host_phase_hook(phase);
}

_Static_assert(MACHINE_CFG_NO_HOST == HOST_CFG_NO_DEVICE,
	       "the seam passes the machine's result through");

/* uint32_t is unsigned int here: the machine writes *val itself */
int host_cfg_read(unsigned int rid, int where, int size, unsigned int *val)
{
	return machine_cfg_read_rid(host_machine, rid, where, size, val);
}

int host_cfg_write(unsigned int rid, int where, int size, unsigned int val)
{
	return machine_cfg_write_rid(host_machine, rid, where, size, val);
}

int host_dma_start(unsigned int domain, unsigned int bus, unsigned int devfn)
{
	if (!host_machine || domain > 0xffff || bus > 0xff || devfn > 0xff)
		return -1;
	return machine_dma_start(host_machine, domain, bus, devfn) ? -1 : 0;
}

int host_dma_stop(unsigned int domain, unsigned int bus, unsigned int devfn)
{
	if (!host_machine || domain > 0xffff || bus > 0xff || devfn > 0xff)
		return -1;
	return machine_dma_stop(host_machine, domain, bus, devfn) ? -1 : 0;
}

void host_clock_advance(unsigned long long ns)
{
	if (host_machine)
		machine_advance_time(host_machine, ns);
}

int host_ram_claim(unsigned long long pa, unsigned long long len)
{
	return machine_ram_claim(host_machine, pa, len);
}

void host_ram_keep(unsigned long long pa, unsigned long long len)
{
	if (!machine_ram_keep(host_machine, pa, len))
		host_abort("KHO preserved memory outside the machine's RAM");
}

void host_ram_scratch(unsigned long long pa, unsigned long long len)
{
	if (!machine_ram_scratch(host_machine, pa, len))
		host_abort("KHO scratch outside the machine's RAM");
}

/* Is [pa, pa+len) RAM that a kexec did not poison? */
static int host_ram_readable(unsigned long long pa, unsigned long long len)
{
	uint64_t base, size;
	char *ram = machine_ram(host_machine, &base, &size);
	unsigned long long off;

	if (!ram || pa < base || pa - base >= size || len > size - (pa - base))
		return 0;
	for (off = (pa - base) & ~4095ULL; off < pa - base + len; off += 4096)
		if (machine_ram_is_poisoned(host_machine, ram + off, NULL))
			return 0;
	return 1;
}

/*
 * kexec_file segments waiting for the next kernel: the outgoing kernel's
 * memory is reset before they are written to RAM, so they are copied.
 */
struct host_segment {
	struct host_segment *next;
	unsigned long long mem;
	unsigned long len;
	unsigned char data[];
};

static struct host_segment *host_segments;

int host_kexec_segment(unsigned long long mem, const void *buf,
		       unsigned long bufsz)
{
	struct host_segment *seg = malloc(sizeof(*seg) + bufsz);

	if (!seg)
		return -1;
	seg->mem = mem;
	seg->len = bufsz;
	memcpy(seg->data, buf, bufsz);
	seg->next = host_segments;
	host_segments = seg;
	return 0;
}

int host_kexec_load_segments(void)
{
	struct host_segment *seg;
	uint64_t base, size;
	char *ram = machine_ram(host_machine, &base, &size);
	int ret = 0;

	while ((seg = host_segments)) {
		host_segments = seg->next;
		if (!ram || seg->mem < base || seg->mem - base >= size ||
		    seg->len > size - (seg->mem - base) ||
		    !host_ram_readable(seg->mem, seg->len))
			ret = -1;
		else
			memcpy(ram + (seg->mem - base), seg->data, seg->len);
		free(seg);
	}
	return ret;
}

/*
 * vmalloc's host range: 64 GiB of address space, reserved inaccessible
 * (it costs no memory); areas are RAM pages mapped into it.
 */
#define HOST_VMALLOC_SIZE	(64ULL << 30)

static void *host_vmalloc_base;

void *host_vmalloc_window(unsigned long long *size)
{
	if (!host_vmalloc_base) {
		void *v = mmap(NULL, HOST_VMALLOC_SIZE, PROT_NONE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			       -1, 0);

		if (v == MAP_FAILED)
			return NULL;
		host_vmalloc_base = v;
	}
	*size = HOST_VMALLOC_SIZE;
	return host_vmalloc_base;
}

int host_vmalloc_map(void *va, unsigned long long pa, unsigned long long len)
{
	return machine_ram_alias(host_machine, va, pa, len);
}

void host_vmalloc_unmap(void *va, unsigned long long len)
{
	if (mmap(va, len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
		 -1, 0) == MAP_FAILED)
		host_abort("cannot unmap a vmalloc area");
}

/* At kexec: the next kernel's vmalloc range starts empty. */
void host_vmalloc_reset(void)
{
	if (host_vmalloc_base)
		host_vmalloc_unmap(host_vmalloc_base, HOST_VMALLOC_SIZE);
}


/*
 * A kernel touching RAM that a kexec poisoned (nobody preserved it) is
 * the bug live update must never have; report it where it happened.
 */
/* pci-core/initcalls.ld: the kernel world's code */
extern const char __kworld_text_start[], __kworld_text_end[];

static void host_sigsegv(int sig, siginfo_t *si, void *uctx)
{
	ucontext_t *uc = uctx;
	uint64_t pa;
	char msg[160];

	uintptr_t addr = (uintptr_t)si->si_addr;
	uintptr_t sp = uc->uc_mcontext.gregs[REG_RSP];
	unsigned long long ip = uc->uc_mcontext.gregs[REG_RIP];

	(void)sig;
	if (host_machine && machine_ram_is_poisoned(host_machine, si->si_addr,
						    &pa) &&
	    /* x86's page fault error code: bit 1, a write */
	    sim_mm_early_owned(pa, !!(uc->uc_mcontext.gregs[REG_ERR] & 2))) {
		/* memblock's allocation, touched first: usable from now on */
		machine_ram_claim(host_machine, pa & ~4095ULL, 4096);
		return;
	}
	if (host_machine && machine_ram_is_poisoned(host_machine, si->si_addr,
						    &pa)) {
		snprintf(msg, sizeof(msg),
			 "access to RAM that was not preserved across kexec: PA %#llx (poisoned), at ip %#llx",
			 (unsigned long long)pa, ip);
		host_abort(msg);
	}
	/*
	 * A fault just below the stack pointer is the guard page below the
	 * stack: a recursion that does not end. A real kernel's 16 KiB stack
	 * would have overflowed far sooner (a "kernel stack overflow" oops).
	 * The handler runs on its own stack (host_install_traps()).
	 */
	if (addr < sp + 4096 && addr + 65536 > sp) {
		snprintf(msg, sizeof(msg),
			 "stack overflow (a recursion that does not end?) at ip %#llx",
			 ip);
		host_abort(msg);
	}
	/*
	 * Any other fault in kernel code is what the kernel calls an oops
	 * ("BUG: unable to handle page fault"): the kernel world stops there,
	 * as the task that faulted would be killed.
	 */
	if (ip >= (uintptr_t)__kworld_text_start && ip < (uintptr_t)__kworld_text_end) {
		/* a non-canonical address: a #GP, which names no address */
		if (si->si_code == SI_KERNEL)
			snprintf(msg, sizeof(msg),
				 "oops: general protection fault, probably for a non-canonical address, at ip %#llx",
				 ip);
		else
			snprintf(msg, sizeof(msg),
				 "oops: BUG: unable to handle page fault for address %#lx%s at ip %#llx",
				 (unsigned long)addr,
				 addr < 4096 ? " (a NULL pointer dereference)" : "", ip);
		host_abort(msg);
	}
	/*
	 * libc's memcpy(), memmove() and memset() stand in for the kernel's
	 * (pci-core/host-symbols.txt): leaf routines, so at a fault in one the
	 * return address is on top of the stack. Called from kernel code, the
	 * fault is the kernel's.
	 */
	if (sp && *(uintptr_t *)sp >= (uintptr_t)__kworld_text_start &&
	    *(uintptr_t *)sp < (uintptr_t)__kworld_text_end) {
		snprintf(msg, sizeof(msg),
			 "oops: BUG: unable to handle page fault for address %#lx at ip %#llx (a string routine called from %#lx)",
			 (unsigned long)addr, ip, *(unsigned long *)sp);
		host_abort(msg);
	}
	signal(SIGSEGV, SIG_DFL);
}

/*
 * WARN()/BUG() on x86 are ud2 with a __bug_table entry, or (WARN with a
 * format, 7.x) a call of __WARN_trap, whose ud1 names the entry in a
 * register and leaves the format's arguments where the calling convention
 * put them. The kernel world decodes which and asks the real lib/bug.c;
 * a WARN resumes after the trapping instruction.
 */
static void host_sigill(int sig, siginfo_t *si, void *uctx)
{
	static const int ucontext_reg[16] = {
		REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
		REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
	};
	ucontext_t *uc = uctx;
	struct sim_trap_regs regs;
	int len;

	(void)sig;
	(void)si;
	for (int i = 0; i < 16; i++)
		regs.gpr[i] = uc->uc_mcontext.gregs[ucontext_reg[i]];
	regs.ip = uc->uc_mcontext.gregs[REG_RIP];
	len = sim_report_trap(&regs);
	if (len > 0) {
		uc->uc_mcontext.gregs[REG_RIP] += len;
		return;
	}
	if (len == SIM_TRAP_STOP)
		host_abort("kernel BUG (see the log above for file:line)");
	host_abort("illegal instruction outside a WARN/BUG site");
}

static stack_t alt_stack;

void host_install_traps(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = host_sigill;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGILL, &sa, NULL);
	sa.sa_sigaction = host_sigsegv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	/* a stack overflow leaves no stack to report it on: give it one */
	if (!alt_stack.ss_sp) {
		alt_stack.ss_size = 64 * 1024;
		alt_stack.ss_sp = malloc(alt_stack.ss_size);
		if (alt_stack.ss_sp)
			sigaltstack(&alt_stack, NULL);
	}
	sigaction(SIGSEGV, &sa, NULL);
}
