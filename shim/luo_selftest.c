// SPDX-License-Identifier: GPL-2.0
/*
 * LUO self-test: a file handler "pcisim-test-v1" whose files carry a byte
 * buffer, with a test FLB attached, driven through 7.3's real LUO
 * (kernel/liveupdate/) by the simulated user space: /dev/luo-selftest
 * makes a test file and gives it as an fd (as memfd_create() would), and
 * the agent (luo_agent.c) preserves and retrieves it through
 * /dev/liveupdate's ioctls; sessions by name, files by token. Every
 * callback is logged, so tests can check the order of section 2.5 of
 * upstream-liveupdate.md.
 *
 * A file's bytes are preserved with kho_alloc_preserve(); serialized_data
 * is their physical address. freeze() marks the preserved copy, so the
 * next kernel can tell that freeze ran before the handover was written.
 * The FLB object counts the files preserved, retrieved and finished.
 *
 * The agent may also make a callback fail, and may write the handover
 * early (liveupdate_reboot(), which the kexec then does not repeat) and
 * then damage it, to show what the next kernel does with it.
 *
 * Departs from upstream: upstream's lib/tests/liveupdate.c registers test
 * FLBs into every handler and its selftests preserve memfds; this one has
 * its own file type, so that user space has files to preserve at all.
 */
#define pr_fmt(fmt) "luo-selftest: " fmt

#include <linux/anon_inodes.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/liveupdate.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>
#include "liveupdate/luo_internal.h"

#define LUO_TEST_COMPATIBLE	"pcisim-test-v1"
#define LUO_TEST_FLB_COMPATIBLE	"pcisim-test-flb-v1"
#define LUO_TEST_MAGIC		0x31747365746f756cULL	/* "luotest1" */
/* KHO_MAX_BLOCKS of kernel/liveupdate/kho_block.c, which keeps it private */
#define LUO_TEST_MAX_BLOCKS	10000
#define LUO_TEST_FLB_MAGIC	0x31626c667473656cULL	/* "lestflb1" */

/* A test file's bytes as handed over. */
struct luo_test_ser {
	u64 magic;
	u64 token;	/* for the log: handlers are not told tokens */
	u64 frozen;	/* set by freeze(), cleared by unfreeze() */
	u64 len;
	u8 data[];
};

/* The test FLB's state as handed over. */
struct luo_test_flb_ser {
	u64 magic;
	u64 generation;	/* 1 + that of the object retrieved before, if any */
	u64 preserved;	/* files preserved with it, in that kernel */
};

/* The test FLB's live object. */
struct luo_test_flb {
	struct luo_test_flb_ser *ser;
	u64 retrieved;
	u64 finished;
};

/* private_data of a test file: freed when the file is released. */
struct luo_test_file {
	u64 token;
	size_t len;
	u8 *data;
	struct luo_test_ser *ser;	/* preserved, or restored, copy */
	bool finished;
};

/* /dev/luo-selftest's ioctls, and a test file's */
struct luo_test_create {
	__u32 size;
	__s32 fd;		/* out: the new file */
	__u64 token;
	__u64 data;		/* user pointer to the bytes */
	__u64 len;
};

struct luo_test_read {
	__u32 size;
	__u32 reserved;
	__u64 buf;		/* user pointer */
	__u64 len;
};

struct luo_test_corrupt {
	__u32 size;
	__s32 session_fd;	/* an outgoing session's fd */
	__u32 how;		/* SIM_LUO_CORRUPT_* */
	__u32 reserved;
};

#define LUO_TEST_IOCTL_CREATE	_IO('l', 0x00)
#define LUO_TEST_IOCTL_READ	_IO('l', 0x01)
#define LUO_TEST_IOCTL_CORRUPT	_IO('l', 0x02)

static const struct file_operations luo_test_fops;
static int luo_test_dev = -1;	/* user space's fd of /dev/luo-selftest */
static char luo_test_log[8192];
static size_t luo_test_log_len;
static u64 luo_test_flb_generation;
static int luo_test_flb_live;	/* SIM_LUO_FLB_* */

static struct {
	char op[16];
	u64 token;
	int err;
} luo_test_fail;

static __printf(1, 2) void luo_test_logf(const char *fmt, ...)
{
	size_t room = sizeof(luo_test_log) - luo_test_log_len;
	va_list args;

	if (luo_test_log_len && room > 1) {
		luo_test_log[luo_test_log_len++] = ' ';
		room--;
	}
	va_start(args, fmt);
	luo_test_log_len += vscnprintf(luo_test_log + luo_test_log_len, room,
				       fmt, args);
	va_end(args);
}

/* The error the agent asked op to fail with for token, or 0. */
static int luo_test_should_fail(const char *op, u64 token)
{
	if (!luo_test_fail.err || strcmp(luo_test_fail.op, op) ||
	    luo_test_fail.token != token)
		return 0;
	return luo_test_fail.err;
}

/* ---- the FLB ---- */

static int luo_test_flb_preserve(struct liveupdate_flb_op_args *argp)
{
	struct luo_test_flb *obj;

	luo_test_logf("flb-preserve");
	obj = kzalloc_obj(*obj, GFP_KERNEL);
	if (!obj)
		return -ENOMEM;
	obj->ser = kho_alloc_preserve(sizeof(*obj->ser));
	if (IS_ERR(obj->ser)) {
		int err = PTR_ERR(obj->ser);

		kfree(obj);
		return err;
	}
	obj->ser->magic = LUO_TEST_FLB_MAGIC;
	obj->ser->generation = luo_test_flb_generation + 1;
	argp->data = virt_to_phys(obj->ser);
	argp->obj = obj;
	luo_test_flb_live |= SIM_LUO_FLB_OUTGOING;
	return 0;
}

static void luo_test_flb_unpreserve(struct liveupdate_flb_op_args *argp)
{
	struct luo_test_flb *obj = argp->obj;

	luo_test_logf("flb-unpreserve");
	kho_unpreserve_free(obj->ser);
	kfree(obj);
	luo_test_flb_live &= ~SIM_LUO_FLB_OUTGOING;
}

static int luo_test_flb_retrieve(struct liveupdate_flb_op_args *argp)
{
	struct luo_test_flb_ser *ser;
	struct luo_test_flb *obj;
	struct folio *folio;

	luo_test_logf("flb-retrieve");
	if (!sim_kho_preserved_head(argp->data))
		return -EINVAL;
	folio = kho_restore_folio(argp->data);
	if (!folio)
		return -EINVAL;
	ser = folio_address(folio);
	if (ser->magic != LUO_TEST_FLB_MAGIC) {
		pr_err("FLB data has a bad magic\n");
		folio_put(folio);
		return -EINVAL;
	}
	obj = kzalloc_obj(*obj, GFP_KERNEL);
	if (!obj) {
		folio_put(folio);
		return -ENOMEM;
	}
	obj->ser = ser;
	luo_test_flb_generation = ser->generation;
	argp->obj = obj;
	luo_test_flb_live |= SIM_LUO_FLB_INCOMING;
	return 0;
}

static void luo_test_flb_finish(struct liveupdate_flb_op_args *argp)
{
	struct luo_test_flb *obj = argp->obj;

	luo_test_logf("flb-finish");
	pr_info("FLB of generation %llu: %llu files preserved, %llu retrieved, %llu finished\n",
		obj->ser->generation, obj->ser->preserved, obj->retrieved,
		obj->finished);
	folio_put(virt_to_folio(obj->ser));
	kfree(obj);
	luo_test_flb_live &= ~SIM_LUO_FLB_INCOMING;
}

static const struct liveupdate_flb_ops luo_test_flb_ops = {
	.preserve = luo_test_flb_preserve,
	.unpreserve = luo_test_flb_unpreserve,
	.retrieve = luo_test_flb_retrieve,
	.finish = luo_test_flb_finish,
};

static struct liveupdate_flb luo_test_flb = {
	.ops = &luo_test_flb_ops,
	.compatible = LUO_TEST_FLB_COMPATIBLE,
};

/* ---- the file handler ---- */

static bool luo_test_can_preserve(struct liveupdate_file_handler *handler,
				  struct file *file)
{
	return file->f_op == &luo_test_fops;
}

static int luo_test_preserve(struct liveupdate_file_op_args *args)
{
	struct luo_test_file *tf = args->file->private_data;
	struct luo_test_flb *flb;
	int err;

	luo_test_logf("preserve:%llu", tf->token);
	err = luo_test_should_fail("preserve", tf->token);
	if (err)
		return err;
	/* as a driver would: the FLB is preserved by now */
	err = liveupdate_flb_get_outgoing(&luo_test_flb, (void **)&flb);
	if (err)
		return err;
	tf->ser = kho_alloc_preserve(sizeof(*tf->ser) + tf->len);
	if (IS_ERR(tf->ser)) {
		err = PTR_ERR(tf->ser);
		tf->ser = NULL;
		liveupdate_flb_put_outgoing(&luo_test_flb);
		return err;
	}
	tf->ser->magic = LUO_TEST_MAGIC;
	tf->ser->token = tf->token;
	tf->ser->len = tf->len;
	memcpy(tf->ser->data, tf->data, tf->len);
	flb->ser->preserved++;
	liveupdate_flb_put_outgoing(&luo_test_flb);
	args->serialized_data = virt_to_phys(tf->ser);
	args->private_data = tf;
	return 0;
}

static void luo_test_unpreserve(struct liveupdate_file_op_args *args)
{
	struct luo_test_file *tf = args->private_data;

	luo_test_logf("unpreserve:%llu", tf->token);
	kho_unpreserve_free(tf->ser);
	tf->ser = NULL;
}

static int luo_test_freeze(struct liveupdate_file_op_args *args)
{
	struct luo_test_file *tf = args->private_data;
	int err;

	luo_test_logf("freeze:%llu", tf->token);
	err = luo_test_should_fail("freeze", tf->token);
	if (err)
		return err;
	tf->ser->frozen = 1;
	return 0;
}

static void luo_test_unfreeze(struct liveupdate_file_op_args *args)
{
	struct luo_test_file *tf = args->private_data;

	luo_test_logf("unfreeze:%llu", tf->token);
	tf->ser->frozen = 0;
}

/* The token of a file in the log, retrieved or not. */
static u64 luo_test_token(struct liveupdate_file_op_args *args)
{
	struct luo_test_ser *ser;

	if (args->retrieve_status > 0)
		return ((struct luo_test_file *)args->file->private_data)->token;
	/* still preserved, unclaimed memory: reading it is allowed */
	if (!sim_kho_preserved_head(args->serialized_data))
		return U64_MAX;
	ser = phys_to_virt(args->serialized_data);
	return ser->token;
}

/* Check the handed-over bytes at pa and take them back. */
static struct luo_test_ser *luo_test_restore(u64 pa)
{
	struct luo_test_ser *ser;
	struct folio *folio;

	if (!sim_kho_preserved_head(pa))
		return ERR_PTR(-EINVAL);
	folio = kho_restore_folio(pa);
	if (!folio)
		return ERR_PTR(-EINVAL);
	ser = folio_address(folio);
	if (ser->magic != LUO_TEST_MAGIC || !ser->frozen ||
	    ser->len > folio_size(folio) - sizeof(*ser)) {
		pr_err("file data at %#llx is not valid (magic %#llx, frozen %llu, %llu bytes)\n",
		       pa, ser->magic, ser->frozen, ser->len);
		folio_put(folio);
		return ERR_PTR(-EINVAL);
	}
	return ser;
}

static int luo_test_retrieve(struct liveupdate_file_op_args *args)
{
	u64 token = luo_test_token(args);
	struct luo_test_file *tf;
	struct luo_test_flb *flb;
	struct luo_test_ser *ser;
	struct file *file;
	int err;

	luo_test_logf("retrieve:%llu", token);
	/* an injected failure leaves the handover as it is */
	err = luo_test_should_fail("retrieve", token);
	if (err)
		return err;
	ser = luo_test_restore(args->serialized_data);
	if (IS_ERR(ser))
		return PTR_ERR(ser);
	err = -ENOMEM;
	tf = kzalloc_obj(*tf, GFP_KERNEL);
	if (!tf)
		goto err_free;
	tf->token = ser->token;
	tf->len = ser->len;
	tf->data = kmemdup(ser->data, ser->len, GFP_KERNEL);
	if (!tf->data && ser->len)
		goto err_free;
	err = liveupdate_flb_get_incoming(&luo_test_flb, (void **)&flb);
	if (err)
		goto err_free;
	flb->retrieved++;
	liveupdate_flb_put_incoming(&luo_test_flb);

	tf->ser = ser;
	file = anon_inode_getfile("[luo-test]", &luo_test_fops, tf, O_RDWR);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto err_free;
	}
	args->file = file;
	return 0;

err_free:
	if (tf)
		kfree(tf->data);
	kfree(tf);
	folio_put(virt_to_folio(ser));
	return err;
}

static bool luo_test_can_finish(struct liveupdate_file_op_args *args)
{
	u64 token = luo_test_token(args);

	luo_test_logf("can_finish:%llu", token);
	return !luo_test_should_fail("can_finish", token);
}

static void luo_test_finish(struct liveupdate_file_op_args *args)
{
	struct luo_test_flb *flb;

	luo_test_logf("finish:%llu", luo_test_token(args));
	if (args->retrieve_status > 0) {
		struct luo_test_file *tf = args->file->private_data;

		folio_put(virt_to_folio(tf->ser));
		tf->ser = NULL;
		tf->finished = true;
	} else {
		/* never retrieved (or failed): drop the handover anyway */
		if (sim_kho_preserved_head(args->serialized_data))
			kho_restore_free(phys_to_virt(args->serialized_data));
	}
	if (!liveupdate_flb_get_incoming(&luo_test_flb, (void **)&flb)) {
		flb->finished++;
		liveupdate_flb_put_incoming(&luo_test_flb);
	}
}

/* Each test file is its own: LUO keys double preservation on this. */
static unsigned long luo_test_get_id(struct file *file)
{
	return (unsigned long)file->private_data;
}

static const struct liveupdate_file_ops luo_test_file_ops = {
	.get_id = luo_test_get_id,
	.can_preserve = luo_test_can_preserve,
	.preserve = luo_test_preserve,
	.unpreserve = luo_test_unpreserve,
	.freeze = luo_test_freeze,
	.unfreeze = luo_test_unfreeze,
	.retrieve = luo_test_retrieve,
	.can_finish = luo_test_can_finish,
	.finish = luo_test_finish,
};

static struct liveupdate_file_handler luo_test_handler = {
	.ops = &luo_test_file_ops,
	.compatible = LUO_TEST_COMPATIBLE,
};

/* ---- the test files and /dev/luo-selftest ---- */

static int luo_test_release(struct inode *inode, struct file *file)
{
	struct luo_test_file *tf = file->private_data;

	kfree(tf->data);
	kfree(tf);
	return 0;
}

/* A test file's bytes, to user space: the length, or -ENOSPC. */
static long luo_test_file_ioctl(struct file *file, unsigned int cmd,
				unsigned long arg)
{
	struct luo_test_file *tf = file->private_data;
	struct luo_test_read req;
	int err;

	if (cmd != LUO_TEST_IOCTL_READ)
		return -ENOTTY;
	err = copy_struct_from_user(&req, sizeof(req), (void __user *)arg,
				    sizeof(req));
	if (err)
		return err;
	if (tf->len > req.len)
		return -ENOSPC;
	if (copy_to_user(u64_to_user_ptr(req.buf), tf->data, tf->len))
		return -EFAULT;
	return tf->len;
}

static const struct file_operations luo_test_fops = {
	.owner = THIS_MODULE,
	.release = luo_test_release,
	.unlocked_ioctl = luo_test_file_ioctl,
};

static long luo_test_create(struct luo_test_create __user *uarg)
{
	struct luo_test_create req;
	struct luo_test_file *tf;
	struct file *file;
	int fd, err;

	err = copy_struct_from_user(&req, sizeof(req), uarg, sizeof(req));
	if (err)
		return err;
	tf = kzalloc_obj(*tf, GFP_KERNEL);
	if (!tf)
		return -ENOMEM;
	tf->token = req.token;
	tf->len = req.len;
	tf->data = kmalloc(req.len ? req.len : 1, GFP_KERNEL);
	if (!tf->data) {
		kfree(tf);
		return -ENOMEM;
	}
	if (copy_from_user(tf->data, u64_to_user_ptr(req.data), req.len)) {
		err = -EFAULT;
		goto err_free;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto err_free;
	}
	file = anon_inode_getfile("[luo-test]", &luo_test_fops, tf, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		err = PTR_ERR(file);
		goto err_free;
	}
	if (put_user(fd, &uarg->fd)) {
		put_unused_fd(fd);
		fput(file);	/* frees tf */
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;

err_free:
	kfree(tf->data);
	kfree(tf);
	return err;
}

/* Make a block chain of extra preserved blocks, one entry each. */
static int luo_test_long_chain(struct kho_block_set *bs,
			       struct kho_block *last)
{
	struct kho_block_header_ser *prev = last->ser, *ser;
	unsigned long i;

	for (i = 0; i < LUO_TEST_MAX_BLOCKS; i++) {
		ser = kho_alloc_preserve(KHO_BLOCK_SIZE);
		if (IS_ERR(ser))
			return PTR_ERR(ser);
		ser->count = 1;
		prev->next = virt_to_phys(ser);
		prev = ser;
	}
	return 0;
}

/* Damage the written file entries of the session behind session_fd. */
static long luo_test_corrupt(struct luo_test_corrupt __user *uarg)
{
	struct luo_test_corrupt req;
	struct kho_block *first, *last;
	struct luo_session *session;
	struct kho_block_set *bs;
	struct file *file;
	long err;

	err = copy_struct_from_user(&req, sizeof(req), uarg, sizeof(req));
	if (err)
		return err;
	file = fget(req.session_fd);
	if (!file)
		return -EBADF;
	/* a session's file: anon inode "[luo_session]", private_data */
	session = file->private_data;
	bs = &session->file_set.block_set;
	err = -ENODATA;
	if (list_empty(&bs->blocks))
		goto out;
	first = list_first_entry(&bs->blocks, struct kho_block, list);
	last = list_last_entry(&bs->blocks, struct kho_block, list);
	err = 0;
	switch (req.how) {
	case SIM_LUO_CORRUPT_CYCLE:
		last->ser->next = bs->head_pa;
		break;
	case SIM_LUO_CORRUPT_LONG:
		err = luo_test_long_chain(bs, last);
		break;
	case SIM_LUO_CORRUPT_COUNT:
		first->ser->count = bs->count_per_block + 1;
		break;
	case SIM_LUO_CORRUPT_OUTSIDE_RAM:
		/* page-aligned, far above any RAM a topology gives */
		last->ser->next = 1ULL << 46;
		break;
	case SIM_LUO_CORRUPT_UNALIGNED:
		last->ser->next = bs->head_pa + 8;
		break;
	default:
		err = -EINVAL;
	}
out:
	fput(file);
	return err;
}

static long luo_test_dev_ioctl(struct file *filp, unsigned int cmd,
			       unsigned long arg)
{
	switch (cmd) {
	case LUO_TEST_IOCTL_CREATE:
		return luo_test_create((void __user *)arg);
	case LUO_TEST_IOCTL_CORRUPT:
		return luo_test_corrupt((void __user *)arg);
	}
	return -ENOTTY;
}

static const struct file_operations luo_test_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = luo_test_dev_ioctl,
};

static struct miscdevice luo_test_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "luo-selftest",
	.fops = &luo_test_dev_fops,
};

/* ---- user space: the sim_* entry points ---- */

static int luo_test_dev_fd(void)
{
	int fd;

	if (luo_test_dev >= 0)
		return luo_test_dev;
	fd = sim_sys_open("/dev/luo-selftest", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		luo_test_dev = fd;
	return fd;
}

/*
 * Make a test file, preserve it in session by token, close it: LUO holds
 * it from then on (as upstream's selftests close their memfds).
 */
int sim_luo_selftest_preserve(const char *session, unsigned long long token,
			      const void *data, unsigned long len)
{
	struct luo_test_create req = {
		.size = sizeof(req), .token = token,
		.data = (unsigned long)data, .len = len,
	};
	int dev = luo_test_dev_fd(), sfd, err;

	if (dev < 0)
		return dev;
	sfd = luo_agent_session(session, false);
	if (sfd < 0)
		return sfd;
	err = sim_sys_ioctl(dev, LUO_TEST_IOCTL_CREATE, (unsigned long)&req);
	if (err)
		return err;
	err = luo_agent_preserve(sfd, req.fd, token);
	sim_sys_close(req.fd);
	return err;
}

long sim_luo_selftest_retrieve(const char *session, unsigned long long token,
			       void *buf, unsigned long buflen)
{
	struct luo_test_read req = {
		.size = sizeof(req), .buf = (unsigned long)buf, .len = buflen,
	};
	int sfd, fd;
	long n;

	sfd = luo_agent_session(session, true);
	if (sfd < 0)
		return sfd;
	fd = luo_agent_retrieve(sfd, token);
	if (fd < 0)
		return fd;
	n = sim_sys_ioctl(fd, LUO_TEST_IOCTL_READ, (unsigned long)&req);
	sim_sys_close(fd);
	return n;
}

int sim_luo_selftest_finish(const char *session)
{
	int sfd, err;

	sfd = luo_agent_session(session, true);
	if (sfd < 0)
		return sfd;
	err = luo_agent_finish(sfd);
	if (err)
		return err;
	return luo_agent_close(session, true);
}

int sim_luo_selftest_cancel(const char *session)
{
	return luo_agent_close(session, false);
}

unsigned long sim_luo_selftest_callback_log(char *buf, unsigned long len)
{
	if (len)
		strscpy(buf, luo_test_log, len);
	return luo_test_log_len;
}

int sim_luo_selftest_fail(const char *op, unsigned long long token, int err)
{
	if (!op || strlen(op) >= sizeof(luo_test_fail.op))
		return -EINVAL;
	strscpy(luo_test_fail.op, op, sizeof(luo_test_fail.op));
	luo_test_fail.token = token;
	luo_test_fail.err = err;
	return 0;
}

int sim_luo_selftest_flb_state(void)
{
	return luo_test_flb_live;
}

int sim_luo_selftest_flb_get_incoming(void)
{
	void *obj;
	int err;

	/* as the PCI core does at enumeration: get, look, put */
	err = liveupdate_flb_get_incoming(&luo_test_flb, &obj);
	if (!err)
		liveupdate_flb_put_incoming(&luo_test_flb);
	return err;
}

int sim_luo_selftest_reboot(void)
{
	int err = liveupdate_reboot();

	/* kernel_kexec() calls it once: the coming kexec must not again */
	if (!err)
		sim_kexec_luo_done = true;
	return err;
}

int sim_luo_selftest_corrupt(const char *session, int how)
{
	struct luo_test_corrupt req = { .size = sizeof(req), .how = how };
	phys_addr_t root;
	int err;

	/* the damage must outlive the writing of the handover */
	err = sim_luo_selftest_reboot();
	if (err)
		return err;
	if (how == SIM_LUO_CORRUPT_COMPATIBLE) {
		root = sim_kho_outgoing_subtree(LUO_KHO_ENTRY_NAME);
		if (!root)
			return -ENODEV;
		memcpy(phys_to_virt(root), "luo-v999", LUO_ABI_COMPAT_LEN);
		return 0;
	}
	req.session_fd = session ? luo_agent_session(session, false) : -EINVAL;
	if (req.session_fd < 0)
		return req.session_fd;
	return sim_sys_ioctl(luo_test_dev_fd(), LUO_TEST_IOCTL_CORRUPT,
			     (unsigned long)&req);
}

static int __init luo_selftest_init(void)
{
	int err;

	if (!liveupdate_enabled())
		return 0;
	err = liveupdate_register_file_handler(&luo_test_handler);
	if (err) {
		pr_err("cannot register the test file handler: %d\n", err);
		return err;
	}
	err = liveupdate_register_flb(&luo_test_handler, &luo_test_flb);
	if (err) {
		pr_err("cannot register the test FLB: %d\n", err);
		liveupdate_unregister_file_handler(&luo_test_handler);
		return err;
	}
	return misc_register(&luo_test_miscdev);
}
device_initcall(luo_selftest_init);
