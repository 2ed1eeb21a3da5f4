// SPDX-License-Identifier: GPL-2.0
/*
 * Pseudo file systems (fs/libfs.c).
 *
 * Departs from the kernel: there are files (shim/file.c) but no file
 * systems or mounts. kernel/resource.c pins a pseudo file system for the
 * /dev/mem revocation inode at fs_initcall; pinning fails with -ENODEV,
 * which resource.c handles by doing without (nothing maps /dev/mem here).
 */
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/errno.h>

int simple_pin_fs(struct file_system_type *type, struct vfsmount **mount,
		  int *count)
{
	return -ENODEV;
}
