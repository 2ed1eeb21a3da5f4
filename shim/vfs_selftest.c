// SPDX-License-Identifier: GPL-2.0
/*
 * VFS self-test: a misc device shaped like /dev/liveupdate (luo_core.c),
 * for host tests of the file layer without LUO. Its open is exclusive and
 * checks what misc_open() gave it; its ioctls take a struct that starts
 * with its own size, read with get_user() and copy_struct_from_user(),
 * create anonymous-inode files installed as new fds, and take and drop
 * references to files by fd (fget()/fput(), as LUO's PRESERVE_FD and
 * unpreserve do). The host also calls the user-access primitives directly
 * on pointers of its choosing.
 *
 * Registered only when a test asks (sim_vfs_selftest_register()), so no
 * other boot has the device.
 */
#define pr_fmt(fmt) "vfs-selftest: " fmt

#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

struct vfs_test_obj {
	u64 value;
};

static struct {
	bool registered;
	atomic_t in_use;
	char log[4096];
	size_t log_len;
	unsigned long releases;		/* of objects, ever */
	struct sim_vfs_test_create last;
	struct file *held[16];
	unsigned int nr_held;
} vfs_test;

static __printf(1, 2) void vfs_test_logf(const char *fmt, ...)
{
	size_t room = sizeof(vfs_test.log) - vfs_test.log_len;
	va_list args;
	int n;

	if (room < 2)
		return;
	if (vfs_test.log_len) {
		vfs_test.log[vfs_test.log_len++] = ' ';
		room--;
	}
	va_start(args, fmt);
	n = vscnprintf(vfs_test.log + vfs_test.log_len, room, fmt, args);
	va_end(args);
	vfs_test.log_len += n;
}

static int vfs_test_obj_release(struct inode *inode, struct file *file)
{
	struct vfs_test_obj *obj = file->private_data;

	vfs_test_logf("obj-release:%llu", obj->value);
	vfs_test.releases++;
	kfree(obj);
	return 0;
}

static long vfs_test_obj_ioctl(struct file *file, unsigned int cmd,
			       unsigned long arg)
{
	struct vfs_test_obj *obj = file->private_data;

	if (cmd != SIM_VFS_TEST_OBJ_GET)
		return -ENOIOCTLCMD;
	return put_user(obj->value, (u64 __user *)arg);
}

static const struct file_operations vfs_test_obj_fops = {
	.owner		= THIS_MODULE,
	.release	= vfs_test_obj_release,
	.unlocked_ioctl	= vfs_test_obj_ioctl,
};

static const struct file_operations vfs_test_fops;
static struct miscdevice vfs_test_misc;

static int vfs_test_open(struct inode *inode, struct file *file)
{
	if (atomic_cmpxchg(&vfs_test.in_use, 0, 1))
		return -EBUSY;
	if (file->private_data == &vfs_test_misc &&
	    file->f_op == &vfs_test_fops)
		vfs_test_logf("open");
	else
		vfs_test_logf("open-bad");
	return 0;
}

static int vfs_test_release(struct inode *inode, struct file *file)
{
	atomic_set(&vfs_test.in_use, 0);
	vfs_test_logf("release");
	return 0;
}

/* luo_ioctl_create_session(), with an object for a session */
static int vfs_test_create(void __user *uarg)
{
	struct sim_vfs_test_create args;
	struct vfs_test_obj *obj;
	struct file *file;
	u32 usize;
	int err;

	err = get_user(usize, (u32 __user *)uarg);
	if (err)
		return err;
	if (usize < SIM_VFS_TEST_CREATE_MIN)
		return -EINVAL;
	err = copy_struct_from_user(&args, sizeof(args), uarg, usize);
	if (err)
		return err;
	vfs_test.last = args;

	obj = kzalloc_obj(*obj, GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	obj->value = args.value;
	args.fd = get_unused_fd_flags(O_CLOEXEC);
	if (args.fd < 0) {
		kfree(obj);
		return args.fd;
	}
	file = anon_inode_getfile("pcisim-vfs-obj", &vfs_test_obj_fops, obj,
				  O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(args.fd);
		kfree(obj);
		return PTR_ERR(file);
	}
	if (copy_to_user(uarg, &args, min_t(size_t, usize, sizeof(args)))) {
		/* the object goes with the file's release */
		fput(file);
		put_unused_fd(args.fd);
		return -EFAULT;
	}
	fd_install(args.fd, file);
	return 0;
}

static int vfs_test_hold(unsigned long fd)
{
	struct file *file;

	if (fd > INT_MAX)
		return -EBADF;
	file = fget(fd);
	if (!file)
		return -EBADF;
	if (vfs_test.nr_held == ARRAY_SIZE(vfs_test.held)) {
		fput(file);
		return -ENOSPC;
	}
	vfs_test.held[vfs_test.nr_held++] = file;
	return 0;
}

/* Put every reference held: how many objects were released meanwhile */
static int vfs_test_drop(void)
{
	unsigned long before = vfs_test.releases;

	while (vfs_test.nr_held)
		fput(vfs_test.held[--vfs_test.nr_held]);
	return vfs_test.releases - before;
}

static long vfs_test_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	switch (cmd) {
	case SIM_VFS_TEST_CREATE:
		return vfs_test_create((void __user *)arg);
	case SIM_VFS_TEST_HOLD:
		return vfs_test_hold(arg);
	case SIM_VFS_TEST_DROP:
		return vfs_test_drop();
	}
	return -ENOIOCTLCMD;
}

static const struct file_operations vfs_test_fops = {
	.owner		= THIS_MODULE,
	.open		= vfs_test_open,
	.release	= vfs_test_release,
	.unlocked_ioctl	= vfs_test_ioctl,
};

static struct miscdevice vfs_test_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= SIM_VFS_TEST_NAME,
	.fops	= &vfs_test_fops,
};

int sim_vfs_selftest_register(void)
{
	int err = -EBUSY;

	if (!vfs_test.registered) {
		err = misc_register(&vfs_test_misc);
		vfs_test.registered = !err;
	}
	sim_run_deferred();
	return err;
}

int sim_vfs_selftest_unregister(void)
{
	if (!vfs_test.registered)
		return -ENODEV;
	misc_deregister(&vfs_test_misc);
	vfs_test.registered = false;
	sim_run_deferred();
	return 0;
}

unsigned long sim_vfs_selftest_log(char *buf, unsigned long len)
{
	if (len)
		strscpy(buf, vfs_test.log, len);
	return vfs_test.log_len;
}

int sim_vfs_selftest_last_create(struct sim_vfs_test_create *out)
{
	*out = vfs_test.last;
	return 0;
}

int sim_vfs_selftest_drop_held(void)
{
	int n = vfs_test_drop();

	sim_run_deferred();
	return n;
}

static long vfs_test_uaccess(int op, void __user *uptr, unsigned long len,
			     unsigned long long *val)
{
	u64 st[2] = { U64_MAX, U64_MAX };
	u8 *buf = NULL;
	long ret = -EINVAL;
	unsigned long i;

	if (op == SIM_VFS_UA_COPY_FROM || op == SIM_VFS_UA_COPY_TO ||
	    op == SIM_VFS_UA_STRNCPY) {
		if (len > SZ_64K)
			return -EINVAL;
		buf = kmalloc(len + 1, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		memset(buf, 0xa5, len + 1);
	}
	switch (op) {
	case SIM_VFS_UA_COPY_FROM:
		ret = copy_from_user(buf, uptr, len);
		val[0] = 0;
		for (i = 0; i < len; i++)
			val[0] += !!buf[i];
		break;
	case SIM_VFS_UA_COPY_TO:
		ret = copy_to_user(uptr, buf, len);
		break;
	case SIM_VFS_UA_GET:
		if (len == 1) {
			u8 v;

			ret = get_user(v, (u8 __user *)uptr);
			val[0] = v;
		} else if (len == 2) {
			u16 v;

			ret = get_user(v, (u16 __user *)uptr);
			val[0] = v;
		} else if (len == 4) {
			u32 v;

			ret = get_user(v, (u32 __user *)uptr);
			val[0] = v;
		} else if (len == 8) {
			u64 v;

			ret = get_user(v, (u64 __user *)uptr);
			val[0] = v;
		}
		break;
	case SIM_VFS_UA_PUT:
		if (len == 1)
			ret = put_user((u8)val[0], (u8 __user *)uptr);
		else if (len == 2)
			ret = put_user((u16)val[0], (u16 __user *)uptr);
		else if (len == 4)
			ret = put_user((u32)val[0], (u32 __user *)uptr);
		else if (len == 8)
			ret = put_user((u64)val[0], (u64 __user *)uptr);
		break;
	case SIM_VFS_UA_CHECK_ZEROED:
		ret = check_zeroed_user(uptr, len);
		break;
	case SIM_VFS_UA_STRUCT:
		ret = copy_struct_from_user(st, sizeof(st), uptr, len);
		val[0] = st[0];
		val[1] = st[1];
		break;
	case SIM_VFS_UA_STRNCPY:
		ret = strncpy_from_user(buf, uptr, len);
		break;
	}
	kfree(buf);
	return ret;
}

long sim_vfs_selftest_uaccess(int op, void *uptr, unsigned long len,
			      unsigned long long *val)
{
	long ret = vfs_test_uaccess(op, (void __user *)uptr, len, val);

	sim_run_deferred();
	return ret;
}
