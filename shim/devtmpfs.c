// SPDX-License-Identifier: GPL-2.0
/*
 * /dev (drivers/base/devtmpfs.c) and opening its nodes (fs/namei.c
 * path_openat()).
 *
 * As devtmpfs shows them, every device with a device number has a node
 * under /dev named by device_get_devnode() (a misc device: its name, or
 * its nodename). Opening one makes a character device inode and opens it
 * through def_chr_fops: the real fs/char_dev.c chrdev_open() finds the
 * cdev of the number and hands over to its driver (misc_open(), then the
 * misc device's own ->open()).
 *
 * Departs from the kernel: no devtmpfs mount and no path walk. The node
 * is looked up among the devices at open time (upstream creates it when
 * the device is added and removes it when it goes, which looks the same
 * from user space); only "/dev/NAME" exists, nothing else (no "/dev"
 * directory, no block devices, no "..", no symlinks). Each open has an
 * inode of its own, and nodes are owned by root with the mode devtmpfs
 * gives them; no permissions are checked.
 */
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kdev_t.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/err.h>
#include "base.h"
#include <sim/kernel.h>

/* The device number of node /dev/NAME, and its mode; 0 if none. */
static dev_t sim_devtmpfs_lookup(const char *name, umode_t *mode)
{
	struct kobject *k;
	dev_t devt = 0;

	if (!devices_kset)
		return 0;
	spin_lock(&devices_kset->list_lock);
	list_for_each_entry(k, &devices_kset->list, entry) {
		struct device *dev = kobj_to_dev(k);
		const char *tmp = NULL, *node;
		umode_t m = 0;
		kuid_t uid;
		kgid_t gid;

		if (!MAJOR(dev->devt))
			continue;
		node = device_get_devnode(dev, &m, &uid, &gid, &tmp);
		if (node && !strcmp(node, name)) {
			devt = dev->devt;
			*mode = m ? m : 0600;
		}
		kfree(tmp);
		if (devt)
			break;
	}
	spin_unlock(&devices_kset->list_lock);
	return devt;
}

struct file *sim_devtmpfs_open(const char *path, int flags)
{
	struct inode *inode;
	struct file *file;
	umode_t mode;
	dev_t devt;
	int err;

	if (strncmp(path, "/dev/", 5) || !path[5])
		return ERR_PTR(-ENOENT);
	devt = sim_devtmpfs_lookup(path + 5, &mode);
	if (!devt)
		return ERR_PTR(-ENOENT);
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return ERR_PTR(-EEXIST);
	if (flags & O_DIRECTORY)
		return ERR_PTR(-ENOTDIR);

	inode = sim_new_inode(S_IFCHR | mode);
	if (!inode)
		return ERR_PTR(-ENOMEM);
	/* init_special_inode() */
	inode->i_fop = &def_chr_fops;
	inode->i_rdev = devt;
	file = sim_alloc_empty_file(flags);
	if (IS_ERR(file)) {
		iput(inode);
		return file;
	}
	err = sim_dentry_open(file, inode);
	if (err) {
		fput(file);
		return ERR_PTR(err);
	}
	return file;
}
