/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Forced into every kernel-world translation unit, after the kernel's own
 * forced includes.
 *
 * spin_lock_irqsave() and friends inline "cli"/"sti", which fault in ring
 * 3. Rather than fork arch/x86/include/asm/irqflags.h we define GNU as
 * macros with those names: the assembler prefers a macro to a mnemonic,
 * so they assemble to nothing. There is one thread, so there is nothing
 * to mask. "hlt" becomes ud2 so an idle loop would trap loudly instead of
 * faulting.
 */
asm(".macro cli\n.endm\n"
	".macro sti\n.endm\n"
	".macro hlt\nud2\n.endm\n");
