/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel-world shims share among themselves (never the host).
 */
#ifndef SIM_KERNEL_H
#define SIM_KERNEL_H

#include <linux/init.h>
#include <linux/types.h>

struct page;

/* Initcall levels, as include/asm-generic/vmlinux.lds.h lays them out. */
extern initcall_entry_t __initcall_start[];
extern initcall_entry_t __initcall0_start[], __initcall1_start[];
extern initcall_entry_t __initcall2_start[], __initcall3_start[];
extern initcall_entry_t __initcall4_start[], __initcall5_start[];
extern initcall_entry_t __initcall6_start[], __initcall7_start[];
extern initcall_entry_t __initcall_end[];

/* Run queued work and RCU callbacks until none is left (workqueue.c). */
void sim_run_deferred(void);

/* Emit a pending log line that did not end in a newline (printk.c). */
void sim_printk_flush(void);

/* The virtual clock (time.c). */
u64 sim_clock_now_ns(void);

/* The page allocator over the machine's RAM (page_alloc.c). */
void sim_mm_init(void *ram, u64 phys_base, u64 size);
void sim_mm_init_memmap(void);
void sim_mm_memblock_done(void);
bool sim_mm_is_up(void);
bool sim_mm_pfn_valid(unsigned long pfn);
bool sim_mm_held_since_boot(unsigned long pfn, unsigned long nr);
void sim_mm_free_run(struct page *page, unsigned long nr_pages);

/* vmalloc's range (vmalloc.c), once slab is up. */
void sim_vmalloc_init(void);

/* kmalloc classes on top of it (slab.c). */
void sim_slab_init(unsigned long first_pfn, unsigned long nr_pages);

/*
 * The real KHO seen from outside (kho_account.c): is pa the head of a
 * range the previous kernel preserved and nobody restored yet; what
 * survives the coming kexec; what the incoming handover preserved.
 */
bool sim_kho_preserved_head(phys_addr_t pa);
int sim_kho_keep_outgoing(phys_addr_t fdt_phys);
struct sim_handover;
void sim_kho_note_incoming(const struct sim_handover *kho);
/* The physical address of the outgoing subtree name, or 0. */
phys_addr_t sim_kho_outgoing_subtree(const char *name);

/*
 * kexec.c: a test called liveupdate_reboot() already; kernel_kexec()
 * calls it once, so the coming kexec does not.
 */
extern bool sim_kexec_luo_done;

/*
 * The VFS subset (file.c, inode.c, devtmpfs.c): no dentries or paths, a
 * file is an inode opened.
 */
struct file;
struct inode;
struct file_operations;
/* start_kernel(): the fd tables' cache, character devices */
void sim_vfs_init(void);
/* fs/internal.h, which shims cannot include */
void chrdev_init(void);
void fput_close_sync(struct file *file);
/* alloc_empty_file(): one reference, not open yet (f_mode from flags) */
struct file *sim_alloc_empty_file(int flags);
/* alloc_file_pseudo(): open it on inode with fop (inode's ref is its) */
void sim_file_init_pseudo(struct file *file, struct inode *inode,
			  const struct file_operations *fop);
/* do_dentry_open(): open it on inode, through inode->i_fop's ->open() */
int sim_dentry_open(struct file *file, struct inode *inode);
/* close(2) of fd in current's table */
int sim_close(unsigned int fd);
/* An inode of that mode, one reference; iput() frees it. */
struct inode *sim_new_inode(umode_t mode);
/* open(2) of a /dev node: "/dev/NAME" as devtmpfs would show it */
struct file *sim_devtmpfs_open(const char *path, int flags);

/*
 * memfds (memfd.c): memfd_create(2), and what ftruncate(2) and mmap(2)
 * do to one (the handle of a host mapping holds the file until
 * sim_memfd_munmap()). A file that is not a memfd: -EINVAL, -ENODEV.
 */
int sim_memfd_create(const char __user *uname, unsigned int flags);
int sim_memfd_setsize(struct file *file, loff_t length);
long sim_memfd_mmap(struct file *file, pgoff_t pgoff, unsigned long nr_pages,
		    int prot, u64 __user *pa);
int sim_memfd_munmap(long handle);

/*
 * The simulated user space's live update agent (luo_agent.c): a session's
 * fd by name (created, or retrieved when incoming; kept until closed),
 * and LUO's session ioctls. -errno on failure, as the system calls give.
 */
void luo_agent_raise_nofile(void);
int luo_agent_session(const char *name, bool incoming);
int luo_agent_close(const char *name, bool incoming);
int luo_agent_preserve(int session_fd, int fd, u64 token);
int luo_agent_retrieve(int session_fd, u64 token);
int luo_agent_finish(int session_fd);

/* Stop the run with a formatted reason (bug.c). */
__printf(1, 2) __noreturn void sim_abortf(const char *fmt, ...);

#endif /* SIM_KERNEL_H */
