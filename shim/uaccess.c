// SPDX-License-Identifier: GPL-2.0
/*
 * Access to user memory (lib/usercopy.c, arch/x86/lib/getuser.S and
 * putuser.S, lib/strncpy_from_user.c).
 *
 * User space is the host (shim/syscall.c): a user pointer is a host
 * pointer, and the kernel reads and writes through it directly. The
 * entry points are the ones the kernel's inlines call on x86-64:
 * _copy_from_user() and _copy_to_user() (copy_from_user(), copy_to_user(),
 * copy_struct_from_user()), check_zeroed_user(), and get_user()/put_user()'s
 * __get_user_N and __put_user_N with the register conventions of
 * getuser.S and putuser.S.
 *
 * Departs from the kernel: there are no page tables to take a fault on,
 * so a bad pointer is known by its address only. The first page (NULL and
 * just above it) and everything above the user address space give -EFAULT
 * (or bytes not copied), as the fault the kernel takes there does; a
 * pointer into unmapped host memory stops the run as an oops instead.
 */
#include <linux/uaccess.h>
#include <linux/string.h>
#include <linux/build_bug.h>
#include <linux/errno.h>

/*
 * The highest user address plus one, as TASK_SIZE_MAX of 4-level paging
 * (the last page below 128 TiB is a guard page). Host memory is below it.
 */
#define SIM_USER_PTR_MAX	0x7ffffffff000UL

static_assert(EFAULT == 14);		/* spelled out in the asm below */
static_assert(PAGE_SIZE == 4096);

static bool sim_user_range_ok(const void __user *ptr, unsigned long size)
{
	unsigned long addr = (unsigned long)ptr;

	return addr >= PAGE_SIZE && addr <= SIM_USER_PTR_MAX &&
	       size <= SIM_USER_PTR_MAX - addr;
}

unsigned long _copy_from_user(void *to, const void __user *from,
			      unsigned long n)
{
	if (!sim_user_range_ok(from, n)) {
		memset(to, 0, n);
		return n;
	}
	memcpy(to, (const void __force *)from, n);
	return 0;
}

unsigned long _copy_to_user(void __user *to, const void *from,
			    unsigned long n)
{
	if (!sim_user_range_ok(to, n))
		return n;
	memcpy((void __force *)to, from, n);
	return 0;
}

/* 1 if the size bytes at from are all zero, 0 if not, -EFAULT */
int check_zeroed_user(const void __user *from, size_t size)
{
	if (!size)
		return 1;
	if (!sim_user_range_ok(from, size))
		return -EFAULT;
	return !memchr_inv((const void __force *)from, 0, size);
}

/*
 * The length of the string (without its NUL), count if it is longer, or
 * -EFAULT if it runs into an address user space cannot have.
 */
long strncpy_from_user(char *dst, const char __user *src, long count)
{
	long i;

	if (count <= 0)
		return 0;
	for (i = 0; i < count; i++) {
		if (!sim_user_range_ok(src + i, 1))
			return -EFAULT;
		dst[i] = ((const char __force *)src)[i];
		if (!dst[i])
			return i;
	}
	return count;
}

/*
 * get_user(): the address in %rax; the error (0 or -EFAULT) comes back
 * in %eax, the value zero-extended in %rdx (0 on error). Every other
 * register is preserved. __get_user() calls the _nocheck variants.
 */
asm(".macro sim_get_user name, size, load:vararg\n"
	".pushsection .text\n"
	".globl \\name\n"
	".type \\name, @function\n"
	"\\name:\n"
	"	cmp $4096, %rax\n"
	"	jb 1f\n"
	"	movabs $0x7ffffffff000 - \\size, %rdx\n"
	"	cmp %rdx, %rax\n"
	"	ja 1f\n"
	"	\\load\n"
	"	xor %eax, %eax\n"
	"	ret\n"
	"1:	xor %edx, %edx\n"
	"	mov $-14, %rax\n"
	"	ret\n"
	".size \\name, . - \\name\n"
	".popsection\n"
	".endm\n"
	"sim_get_user __get_user_1, 1, movzbl (%rax), %edx\n"
	"sim_get_user __get_user_2, 2, movzwl (%rax), %edx\n"
	"sim_get_user __get_user_4, 4, movl (%rax), %edx\n"
	"sim_get_user __get_user_8, 8, movq (%rax), %rdx\n"
	"sim_get_user __get_user_nocheck_1, 1, movzbl (%rax), %edx\n"
	"sim_get_user __get_user_nocheck_2, 2, movzwl (%rax), %edx\n"
	"sim_get_user __get_user_nocheck_4, 4, movl (%rax), %edx\n"
	"sim_get_user __get_user_nocheck_8, 8, movq (%rax), %rdx\n"
	".purgem sim_get_user\n");

/*
 * put_user(): the address in %rcx, the value in %rax (%al, %ax, %eax);
 * the error comes back in %ecx. %rbx may be clobbered, nothing else.
 */
asm(".macro sim_put_user name, size, store:vararg\n"
	".pushsection .text\n"
	".globl \\name\n"
	".type \\name, @function\n"
	"\\name:\n"
	"	cmp $4096, %rcx\n"
	"	jb 1f\n"
	"	movabs $0x7ffffffff000 - \\size, %rbx\n"
	"	cmp %rbx, %rcx\n"
	"	ja 1f\n"
	"	\\store\n"
	"	xor %ecx, %ecx\n"
	"	ret\n"
	"1:	mov $-14, %ecx\n"
	"	ret\n"
	".size \\name, . - \\name\n"
	".popsection\n"
	".endm\n"
	"sim_put_user __put_user_1, 1, movb %al, (%rcx)\n"
	"sim_put_user __put_user_2, 2, movw %ax, (%rcx)\n"
	"sim_put_user __put_user_4, 4, movl %eax, (%rcx)\n"
	"sim_put_user __put_user_8, 8, movq %rax, (%rcx)\n"
	"sim_put_user __put_user_nocheck_1, 1, movb %al, (%rcx)\n"
	"sim_put_user __put_user_nocheck_2, 2, movw %ax, (%rcx)\n"
	"sim_put_user __put_user_nocheck_4, 4, movl %eax, (%rcx)\n"
	"sim_put_user __put_user_nocheck_8, 8, movq %rax, (%rcx)\n"
	".purgem sim_put_user\n");
