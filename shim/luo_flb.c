// SPDX-License-Identifier: GPL-2.0
/*
 * LUO File-Lifecycle-Bound objects (kernel/liveupdate/luo_flb.c of newer
 * kernels): global state, such as the PCI core's list of preserved
 * devices, that lives as long as some preserved files do. It is
 * preserved with the first file of any handler it is attached to and
 * unpreserved with the last; in the next kernel it is retrieved on first
 * request and finished when the last such file finishes.
 *
 * Both sides are refcounted (upstream's 2026 "Reference count outgoing
 * FLB data"): the count is the dependent files plus the callers of
 * liveupdate_flb_get_*() that have not put yet, so the object outlives
 * every user. The incoming count starts at the number of files the
 * previous kernel recorded. A failed retrieve() is remembered and
 * returned again ("Remember FLB retrieve() status").
 *
 * Departs from upstream: the incoming FLB array is copied at boot and
 * its page freed at once, instead of staying mapped for the kernel's
 * life; an array that is malformed is refused whole, with a message. At
 * late init each incoming FLB is checked against the files handed over
 * that depend on it: with fewer than it counted it can never finish,
 * which is said, and with none its optional .abandoned() op is called.
 */
#define pr_fmt(fmt) "luo: " fmt

#include <linux/cleanup.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/liveupdate.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <sim/kernel.h>
#include "luo_internal.h"

#define LUO_FLB_PGCNT	1
#define LUO_FLB_MAX	((LUO_FLB_PGCNT * PAGE_SIZE - \
			  sizeof(struct luo_flb_header_ser)) / \
			 sizeof(struct luo_flb_ser))

/*
 * @list:	registered FLBs (struct luo_flb_private.list)
 * @count:	FLBs on @list
 * @out:	the outgoing array, preserved
 * @in:		a copy of the incoming array
 * @nr_in:	entries of @in
 * @in_active:	the previous kernel handed over an FLB array
 */
static struct {
	struct list_head list;
	long count;
	struct luo_flb_header_ser *out;
	struct luo_flb_ser *in;
	u64 nr_in;
	bool in_active;
} luo_flb_global = {
	.list = LIST_HEAD_INIT(luo_flb_global.list),
};

/* Links an FLB to one handler that depends on it. */
struct luo_flb_link {
	struct liveupdate_flb *flb;
	struct list_head list;
};

/* The FLB's private part, set up on first use (FLBs are static). */
static struct luo_flb_private *luo_flb_get_private(struct liveupdate_flb *flb)
{
	struct luo_flb_private *private = &ACCESS_PRIVATE(flb, private);

	if (!private->initialized) {
		mutex_init(&private->outgoing.lock);
		mutex_init(&private->incoming.lock);
		INIT_LIST_HEAD(&private->list);
		private->users = 0;
		private->initialized = true;
	}
	return private;
}

/* ---- outgoing ---- */

static int luo_flb_file_preserve_one(struct liveupdate_flb *flb)
{
	struct luo_flb_private_state *out = &luo_flb_get_private(flb)->outgoing;

	guard(mutex)(&out->lock);
	if (!refcount_read(&out->count)) {
		struct liveupdate_flb_op_args args = { .flb = flb };
		int err = flb->ops->preserve(&args);

		if (err)
			return err;
		out->data = args.data;
		out->obj = args.obj;
		refcount_set(&out->count, 1);
	} else {
		refcount_inc(&out->count);
	}
	out->nr_files++;
	return 0;
}

/* Drop one reference; the last runs unpreserve(). Lock held. */
static void luo_flb_put_outgoing_locked(struct liveupdate_flb *flb,
					struct luo_flb_private_state *out)
{
	struct liveupdate_flb_op_args args = { .flb = flb };

	if (WARN_ON(!refcount_read(&out->count)))
		return;
	if (!refcount_dec_and_test(&out->count))
		return;
	args.data = out->data;
	args.obj = out->obj;
	flb->ops->unpreserve(&args);
	out->data = 0;
	out->obj = NULL;
}

static void luo_flb_file_unpreserve_one(struct liveupdate_flb *flb)
{
	struct luo_flb_private_state *out = &luo_flb_get_private(flb)->outgoing;

	guard(mutex)(&out->lock);
	if (!WARN_ON(!out->nr_files))
		out->nr_files--;
	luo_flb_put_outgoing_locked(flb, out);
}

/*
 * A file of handler fh is about to be preserved: reference every FLB it
 * depends on, in registration order, undoing them all if one fails.
 */
int luo_flb_file_preserve(struct liveupdate_file_handler *fh)
{
	struct list_head *flb_list = &ACCESS_PRIVATE(fh, flb_list);
	struct luo_flb_link *link;
	int err;

	guard(rwsem_read)(&luo_register_rwsem);
	list_for_each_entry(link, flb_list, list) {
		err = luo_flb_file_preserve_one(link->flb);
		if (err)
			goto undo;
	}
	return 0;
undo:
	list_for_each_entry_continue_reverse(link, flb_list, list)
		luo_flb_file_unpreserve_one(link->flb);
	return err;
}

/* A file of handler fh was unpreserved: the reverse, in reverse order. */
void luo_flb_file_unpreserve(struct liveupdate_file_handler *fh)
{
	struct list_head *flb_list = &ACCESS_PRIVATE(fh, flb_list);
	struct luo_flb_link *link;

	guard(rwsem_read)(&luo_register_rwsem);
	list_for_each_entry_reverse(link, flb_list, list)
		luo_flb_file_unpreserve_one(link->flb);
}

int liveupdate_flb_get_outgoing(struct liveupdate_flb *flb, void **objp)
{
	struct luo_flb_private_state *out;

	if (!liveupdate_enabled())
		return -EOPNOTSUPP;
	out = &luo_flb_get_private(flb)->outgoing;
	guard(mutex)(&out->lock);
	if (!refcount_inc_not_zero(&out->count))
		return -ENOENT;
	*objp = out->obj;
	return 0;
}

void liveupdate_flb_put_outgoing(struct liveupdate_flb *flb)
{
	struct luo_flb_private_state *out = &luo_flb_get_private(flb)->outgoing;

	guard(mutex)(&out->lock);
	luo_flb_put_outgoing_locked(flb, out);
}

/* Reboot: record every FLB that preserved files depend on. */
void luo_flb_serialize(void)
{
	struct luo_flb_header_ser *hdr = luo_flb_global.out;
	struct luo_flb_ser *ser = (struct luo_flb_ser *)(hdr + 1);
	struct luo_flb_private *private;
	u64 n = 0;

	guard(rwsem_read)(&luo_register_rwsem);
	list_for_each_entry(private, &luo_flb_global.list, list) {
		struct liveupdate_flb *flb;

		flb = container_of(private, struct liveupdate_flb, private);
		guard(mutex)(&private->outgoing.lock);
		if (!private->outgoing.nr_files)
			continue;
		strscpy_pad(ser[n].name, flb->compatible, sizeof(ser[n].name));
		ser[n].data = private->outgoing.data;
		ser[n].count = private->outgoing.nr_files;
		n++;
	}
	hdr->count = n;
}

int __init luo_flb_setup_outgoing(struct luo_ser *root)
{
	struct luo_flb_header_ser *hdr;

	hdr = kho_alloc_preserve(LUO_FLB_PGCNT * PAGE_SIZE);
	if (IS_ERR(hdr))
		return PTR_ERR(hdr);
	hdr->pgcnt = LUO_FLB_PGCNT;
	hdr->count = 0;
	luo_flb_global.out = hdr;
	root->flbs = virt_to_phys(hdr);
	return 0;
}

/* ---- incoming ---- */

static bool __init luo_flb_array_valid(const struct luo_flb_header_ser *hdr)
{
	const struct luo_flb_ser *ser = (const void *)(hdr + 1);
	u64 i;

	if (hdr->pgcnt != LUO_FLB_PGCNT || hdr->count > LUO_FLB_MAX) {
		pr_err("incoming FLBs refused: %llu pages, %llu entries\n",
		       hdr->pgcnt, hdr->count);
		return false;
	}
	for (i = 0; i < hdr->count; i++) {
		/*
		 * count becomes a refcount_t, which users then take: far
		 * below where it saturates (found by fuzzing)
		 */
		if (strnlen(ser[i].name, sizeof(ser[i].name)) ==
		    sizeof(ser[i].name) || !ser[i].count ||
		    ser[i].count > INT_MAX / 2) {
			pr_err("incoming FLBs refused: entry %llu is malformed\n",
			       i);
			return false;
		}
	}
	return true;
}

/* The FLB array the root points to; an error when it is refused. */
int __init luo_flb_setup_incoming(u64 flbs_pa)
{
	struct luo_flb_header_ser *hdr;

	if (!flbs_pa)
		return 0;
	if (!sim_kho_preserved_head(flbs_pa)) {
		pr_err("incoming FLBs refused: %#llx is not preserved memory\n",
		       flbs_pa);
		return -EINVAL;
	}
	hdr = phys_to_virt(flbs_pa);
	if (!luo_flb_array_valid(hdr))
		return -EINVAL;
	if (hdr->count) {
		luo_flb_global.in = kmemdup(hdr + 1,
					    hdr->count * sizeof(struct luo_flb_ser),
					    GFP_KERNEL);
		if (!luo_flb_global.in) {
			pr_err("incoming FLBs lost: no memory\n");
			return -ENOMEM;
		}
	}
	luo_flb_global.nr_in = hdr->count;
	luo_flb_global.in_active = true;
	kho_restore_free(hdr);
	return 0;
}

/*
 * Find the incoming entry and run retrieve(), once; later calls return
 * what the first one did. Incoming lock held.
 */
static int luo_flb_retrieve_one(struct liveupdate_flb *flb,
				struct luo_flb_private_state *in)
{
	struct liveupdate_flb_op_args args = { .flb = flb };
	const struct luo_flb_ser *ser = NULL;
	u64 i;
	int err;

	if (in->finished)
		return -ENODATA;
	if (in->retrieve_status > 0)
		return 0;
	if (in->retrieve_status < 0)
		return in->retrieve_status;
	if (!luo_flb_global.in_active)
		return luo_incoming()->refused ? -EBADMSG : -ENODATA;
	for (i = 0; i < luo_flb_global.nr_in; i++) {
		if (!strcmp(luo_flb_global.in[i].name, flb->compatible)) {
			ser = &luo_flb_global.in[i];
			break;
		}
	}
	if (!ser)
		return -ENOENT;

	/* the files that depend on it each hold a reference */
	refcount_set(&in->count, ser->count);
	in->nr_files = ser->count;
	in->data = ser->data;
	args.data = ser->data;
	err = flb->ops->retrieve(&args);
	if (err) {
		pr_warn("FLB \"%s\": retrieve failed: %pe\n", flb->compatible,
			ERR_PTR(err));
		in->retrieve_status = err;
		return err;
	}
	in->obj = args.obj;
	in->retrieve_status = 1;
	return 0;
}

int liveupdate_flb_get_incoming(struct liveupdate_flb *flb, void **objp)
{
	struct luo_flb_private_state *in;
	int err;

	if (!liveupdate_enabled())
		return -EOPNOTSUPP;
	in = &luo_flb_get_private(flb)->incoming;
	guard(mutex)(&in->lock);
	err = luo_flb_retrieve_one(flb, in);
	if (err)
		return err;
	refcount_inc(&in->count);
	*objp = in->obj;
	return 0;
}

/* Drop one reference; the last runs finish(). Lock held. */
static void luo_flb_put_incoming_locked(struct liveupdate_flb *flb,
					struct luo_flb_private_state *in)
{
	struct liveupdate_flb_op_args args = { .flb = flb };

	if (WARN_ON(!refcount_read(&in->count)))
		return;
	if (!refcount_dec_and_test(&in->count))
		return;
	if (in->retrieve_status > 0) {
		args.data = in->data;
		args.obj = in->obj;
		flb->ops->finish(&args);
	} else {
		pr_warn("FLB \"%s\": never retrieved, its state is left behind\n",
			flb->compatible);
	}
	in->data = 0;
	in->obj = NULL;
	in->finished = true;
}

void liveupdate_flb_put_incoming(struct liveupdate_flb *flb)
{
	struct luo_flb_private_state *in = &luo_flb_get_private(flb)->incoming;

	guard(mutex)(&in->lock);
	luo_flb_put_incoming_locked(flb, in);
}

/*
 * A file of handler fh finished: it drops its reference on every FLB it
 * depends on. An FLB nobody asked for yet is retrieved now, so that its
 * finish() gets a live object. An FLB the previous kernel did not hand
 * over has nothing to drop.
 */
void luo_flb_file_finish(struct liveupdate_file_handler *fh)
{
	struct list_head *flb_list = &ACCESS_PRIVATE(fh, flb_list);
	struct luo_flb_link *link;

	guard(rwsem_read)(&luo_register_rwsem);
	list_for_each_entry_reverse(link, flb_list, list) {
		struct liveupdate_flb *flb = link->flb;
		struct luo_flb_private_state *in;
		int err;

		in = &luo_flb_get_private(flb)->incoming;
		guard(mutex)(&in->lock);
		err = luo_flb_retrieve_one(flb, in);
		if (err == -ENOENT || err == -ENODATA || err == -EBADMSG)
			continue;
		luo_flb_put_incoming_locked(flb, in);
	}
}

/* Does handler fh depend on flb? luo_register_rwsem held. */
bool luo_flb_depends(struct liveupdate_file_handler *fh,
		     struct liveupdate_flb *flb)
{
	struct luo_flb_link *link;

	list_for_each_entry(link, &ACCESS_PRIVATE(fh, flb_list), list) {
		if (link->flb == flb)
			return true;
	}
	return false;
}

/* The registered FLB named name, or NULL. FLBs are static objects. */
static struct liveupdate_flb *luo_flb_find(const char *name)
{
	struct luo_flb_private *private;

	guard(rwsem_read)(&luo_register_rwsem);
	list_for_each_entry(private, &luo_flb_global.list, list) {
		struct liveupdate_flb *flb;

		flb = container_of(private, struct liveupdate_flb, private);
		if (!strcmp(flb->compatible, name))
			return flb;
	}
	return NULL;
}

/* None of its files came: let the owner name what it kept. */
static void __init luo_flb_abandon(struct liveupdate_flb *flb)
{
	struct luo_flb_private_state *in = &luo_flb_get_private(flb)->incoming;
	struct liveupdate_flb_op_args args = { .flb = flb };

	if (!flb->ops->abandoned)
		return;
	scoped_guard(mutex, &in->lock) {
		if (luo_flb_retrieve_one(flb, in))
			return;
		args.data = in->data;
		args.obj = in->obj;
	}
	/*
	 * Called without the FLB's lock: the owner takes its own locks, and
	 * its other paths take them before asking LUO for the FLB.
	 */
	flb->ops->abandoned(&args);
}

/*
 * Late init: the incoming sessions are rebuilt and every built-in handler
 * registered. Each file that depends on an FLB drops one of the
 * references the previous kernel counted when it finishes, so an FLB for
 * which fewer files were handed over will never be finished, and what it
 * keeps stays kept for the kernel's lifetime: say so, once. If none was
 * handed over, its owner is told too (.abandoned).
 */
void __init luo_flb_check_incoming(void)
{
	u64 i;

	for (i = 0; i < luo_flb_global.nr_in; i++) {
		const struct luo_flb_ser *ser = &luo_flb_global.in[i];
		struct liveupdate_flb *flb = luo_flb_find(ser->name);
		u64 handed;

		/* no handler depends on it: retrieve() never runs either */
		if (!flb)
			continue;
		handed = luo_session_count_flb_files(flb);
		if (handed >= ser->count)
			continue;
		pr_warn("FLB \"%s\": %llu files depend on it, %llu were handed over: it will never be finished\n",
			ser->name, ser->count, handed);
		if (!handed)
			luo_flb_abandon(flb);
	}
}

/* ---- registration ---- */

int liveupdate_register_flb(struct liveupdate_file_handler *fh,
			    struct liveupdate_flb *flb)
{
	struct list_head *flb_list = &ACCESS_PRIVATE(fh, flb_list);
	struct luo_flb_private *private, *it;
	struct luo_flb_link *link;
	size_t len;

	if (!liveupdate_enabled())
		return -EOPNOTSUPP;
	if (!flb->ops || !flb->ops->preserve || !flb->ops->unpreserve ||
	    !flb->ops->retrieve || !flb->ops->finish)
		return -EINVAL;
	len = strnlen(flb->compatible, sizeof(flb->compatible));
	if (!len || len == sizeof(flb->compatible))
		return -EINVAL;
	private = luo_flb_get_private(flb);

	guard(rwsem_write)(&luo_register_rwsem);
	if (!luo_file_handler_registered(fh))
		return -EINVAL;
	if (luo_sessions_exist())
		return -EBUSY;
	list_for_each_entry(link, flb_list, list) {
		if (link->flb == flb)
			return -EEXIST;
	}
	if (!private->users) {
		if (luo_flb_global.count == LUO_FLB_MAX)
			return -ENOSPC;
		list_for_each_entry(it, &luo_flb_global.list, list) {
			struct liveupdate_flb *other;

			other = container_of(it, struct liveupdate_flb, private);
			if (!strcmp(other->compatible, flb->compatible))
				return -EEXIST;
		}
	}
	link = kzalloc_obj(*link, GFP_KERNEL);
	if (!link)
		return -ENOMEM;
	link->flb = flb;
	list_add_tail(&link->list, flb_list);
	if (!private->users++) {
		list_add_tail(&private->list, &luo_flb_global.list);
		luo_flb_global.count++;
	}
	return 0;
}

void liveupdate_unregister_flb(struct liveupdate_file_handler *fh,
			       struct liveupdate_flb *flb)
{
	struct list_head *flb_list = &ACCESS_PRIVATE(fh, flb_list);
	struct luo_flb_private *private = luo_flb_get_private(flb);
	struct luo_flb_link *link;

	if (!liveupdate_enabled())
		return;
	guard(rwsem_write)(&luo_register_rwsem);
	list_for_each_entry(link, flb_list, list) {
		if (link->flb != flb)
			continue;
		list_del(&link->list);
		kfree(link);
		if (!--private->users) {
			list_del_init(&private->list);
			luo_flb_global.count--;
		}
		return;
	}
	pr_warn("FLB \"%s\" is not registered with handler \"%s\"\n",
		flb->compatible, fh->compatible);
}
