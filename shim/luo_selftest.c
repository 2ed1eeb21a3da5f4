// SPDX-License-Identifier: GPL-2.0
/*
 * LUO self-test (lib/tests/liveupdate.c of newer kernels): a file handler
 * "pcisim-test-v1" whose files carry a byte buffer, with a test FLB
 * attached, and the sim_* entry points through which host tests act as
 * the user space agent of /dev/liveupdate: sessions by name, files by
 * token. Every callback is logged, so tests can check the order of
 * section 2.5 of upstream-liveupdate.md.
 *
 * A file's bytes are preserved with kho_alloc_preserve(); serialized_data
 * is their physical address. freeze() marks the preserved copy, so the
 * next kernel can tell that freeze ran before the handover was written.
 * The FLB object counts the files preserved, retrieved and finished.
 *
 * The agent may also make a callback fail, and may write the handover
 * early (liveupdate_reboot()) and then damage it, to test that the next
 * kernel refuses it.
 *
 * Departs from upstream: upstream's test registers test FLBs into every
 * handler; this one has its own handler, so that user space (the host)
 * has files to preserve at all: there is no memfd here.
 */
#define pr_fmt(fmt) "luo-selftest: " fmt

#include <linux/err.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/liveupdate.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>
#include "luo_internal.h"

#define LUO_TEST_COMPATIBLE	"pcisim-test-v1"
#define LUO_TEST_FLB_COMPATIBLE	"pcisim-test-flb-v1"
#define LUO_TEST_MAGIC		0x31747365746f756cULL	/* "luotest1" */
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

struct luo_test_session;

/* private_data of a test file. */
struct luo_test_file {
	struct list_head list;
	struct luo_test_session *session;
	struct file *file;
	u64 token;
	size_t len;
	u8 *data;
	struct luo_test_ser *ser;	/* preserved, or restored, copy */
	bool finished;
};

/* What an agent holding a session fd keeps. */
struct luo_test_session {
	struct list_head list;
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	struct liveupdate_session *session;
	bool incoming;
};

static const struct file_operations luo_test_fops;
static LIST_HEAD(luo_test_sessions);
static LIST_HEAD(luo_test_files);
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
	file = kzalloc_obj(*file, GFP_KERNEL);
	if (!tf || !file)
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
	tf->file = file;
	file->f_op = &luo_test_fops;
	file->private_data = tf;
	list_add_tail(&tf->list, &luo_test_files);
	args->file = file;
	return 0;

err_free:
	if (tf)
		kfree(tf->data);
	kfree(tf);
	kfree(file);
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

static const struct liveupdate_file_ops luo_test_file_ops = {
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
	}
	return err;
}
device_initcall(luo_selftest_init);

/* ---- the agent: what user space does with session file descriptors ---- */

static struct luo_test_session *luo_test_session_find(const char *name,
						      bool incoming)
{
	struct luo_test_session *ts;

	list_for_each_entry(ts, &luo_test_sessions, list) {
		if (ts->incoming == incoming && !strcmp(ts->name, name))
			return ts;
	}
	return NULL;
}

/* The agent's handle on session name, opened (created) if need be. */
static int luo_test_session_get(const char *name, bool incoming,
				struct luo_test_session **tsp)
{
	struct luo_test_session *ts;
	int err;

	if (!name)
		return -EINVAL;
	ts = luo_test_session_find(name, incoming);
	if (ts) {
		*tsp = ts;
		return 0;
	}
	ts = kzalloc_obj(*ts, GFP_KERNEL);
	if (!ts)
		return -ENOMEM;
	if (incoming)
		err = liveupdate_session_retrieve(name, &ts->session);
	else
		err = liveupdate_session_create(name, &ts->session);
	if (err) {
		kfree(ts);
		return err;
	}
	liveupdate_session_get_name(ts->session, ts->name);
	ts->incoming = incoming;
	list_add_tail(&ts->list, &luo_test_sessions);
	*tsp = ts;
	return 0;
}

static void luo_test_file_free(struct luo_test_file *tf)
{
	list_del(&tf->list);
	kfree(tf->file);
	kfree(tf->data);
	kfree(tf);
}

/* Close the agent's handle: the session goes, and so do its files. */
static int luo_test_session_close(struct luo_test_session *ts)
{
	struct luo_test_file *tf, *tmp;
	int err;

	err = liveupdate_session_release(ts->session);
	if (err)
		return err;
	list_for_each_entry_safe(tf, tmp, &luo_test_files, list) {
		if (tf->session == ts || (ts->incoming && tf->finished))
			luo_test_file_free(tf);
	}
	list_del(&ts->list);
	kfree(ts);
	return 0;
}

int sim_luo_selftest_preserve(const char *session, unsigned long long token,
			      const void *data, unsigned long len)
{
	struct luo_test_session *ts;
	struct luo_test_file *tf;
	int err;

	err = luo_test_session_get(session, false, &ts);
	if (err)
		return err;
	tf = kzalloc_obj(*tf, GFP_KERNEL);
	if (!tf)
		return -ENOMEM;
	tf->file = kzalloc_obj(*tf->file, GFP_KERNEL);
	tf->data = kmemdup(data, len, GFP_KERNEL);
	if (!tf->file || (!tf->data && len)) {
		kfree(tf->file);
		kfree(tf->data);
		kfree(tf);
		return -ENOMEM;
	}
	tf->session = ts;
	tf->token = token;
	tf->len = len;
	tf->file->f_op = &luo_test_fops;
	tf->file->private_data = tf;
	list_add_tail(&tf->list, &luo_test_files);
	err = liveupdate_session_preserve_file(ts->session, tf->file, token);
	if (err)
		luo_test_file_free(tf);
	return err;
}

long sim_luo_selftest_retrieve(const char *session, unsigned long long token,
			       void *buf, unsigned long buflen)
{
	struct luo_test_session *ts;
	struct luo_test_file *tf;
	struct file *file;
	int err;

	err = luo_test_session_get(session, true, &ts);
	if (err)
		return err;
	err = liveupdate_session_retrieve_file(ts->session, token, &file);
	if (err)
		return err;
	tf = file->private_data;
	tf->session = ts;
	tf->token = token;
	if (tf->len > buflen)
		return -ENOSPC;
	memcpy(buf, tf->data, tf->len);
	return tf->len;
}

int sim_luo_selftest_finish(const char *session)
{
	struct luo_test_session *ts;
	int err;

	err = luo_test_session_get(session, true, &ts);
	if (err)
		return err;
	err = liveupdate_session_finish(ts->session);
	if (err)
		return err;
	return luo_test_session_close(ts);
}

int sim_luo_selftest_cancel(const char *session)
{
	struct luo_test_session *ts;

	if (!session)
		return -EINVAL;
	ts = luo_test_session_find(session, false);
	if (!ts)
		return -ENOENT;
	return luo_test_session_close(ts);
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
	return liveupdate_reboot();
}

/* KHO_MAX_BLOCKS of kernel/liveupdate/kho_block.c, which keeps it private */
#define LUO_TEST_MAX_BLOCKS	10000

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

int sim_luo_selftest_corrupt(const char *session, int how)
{
	struct luo_ser *root = luo_outgoing_root();
	struct liveupdate_session *s = NULL;
	struct kho_block *first, *last;
	struct kho_block_set *bs;
	int err;

	/* the damage must outlive the writing of the handover */
	err = liveupdate_reboot();
	if (err)
		return err;
	if (!root)
		return -ENODEV;
	switch (how) {
	case SIM_LUO_CORRUPT_COMPATIBLE:
		strscpy_pad(root->compatible, "luo-v999",
			    sizeof(root->compatible));
		return 0;
	case SIM_LUO_CORRUPT_FEATURES:
		root->features.req |= BIT_ULL(63);
		return 0;
	}

	if (session)
		s = luo_session_find_outgoing(session);
	if (!s)
		return -ENOENT;
	bs = &s->file_set.bs;
	if (list_empty(&bs->blocks))
		return -ENODATA;
	first = list_first_entry(&bs->blocks, struct kho_block, list);
	last = list_last_entry(&bs->blocks, struct kho_block, list);
	switch (how) {
	case SIM_LUO_CORRUPT_CYCLE:
		last->ser->next = bs->head_pa;
		return 0;
	case SIM_LUO_CORRUPT_LONG:
		return luo_test_long_chain(bs, last);
	case SIM_LUO_CORRUPT_COUNT:
		first->ser->count = bs->count_per_block + 1;
		return 0;
	case SIM_LUO_CORRUPT_OUTSIDE_RAM:
		/* page-aligned, far above any RAM a topology gives */
		last->ser->next = 1ULL << 46;
		return 0;
	case SIM_LUO_CORRUPT_UNALIGNED:
		last->ser->next = bs->head_pa + 8;
		return 0;
	}
	return -EINVAL;
}
