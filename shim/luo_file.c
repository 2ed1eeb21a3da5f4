// SPDX-License-Identifier: GPL-2.0
/*
 * LUO files (kernel/liveupdate/luo_file.c of newer kernels): file
 * handlers, and the life of one preserved file through its handler's
 * callbacks: preserve, then unpreserve (cancelled) or freeze (reboot,
 * unfreeze if another freeze fails); in the next kernel retrieve, then
 * can_finish and finish.
 *
 * A session's files are written at reboot into a KHO block set of struct
 * luo_file_ser whose room was grown file by file at preserve time.
 *
 * Departs from upstream: no VFS, so no fget()/fput(): LUO does not hold a
 * reference on a file, its creator keeps it alive (see
 * <linux/liveupdate.h>). The session mutex serializes everything done to
 * a session's files, so there is no per-file mutex.
 */
#define pr_fmt(fmt) "luo: " fmt

#include <linux/cleanup.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/liveupdate.h>
#include <linux/printk.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "luo_internal.h"

/*
 * One preserved file.
 * @fh:			its handler
 * @file:		the file; NULL in the new kernel until retrieved
 * @serialized_data:	the handler's handle, set by preserve()/freeze()
 * @private_data:	the handler's runtime state (outgoing only)
 * @retrieve_status:	0 not tried, 1 retrieved, < 0 the error (sticky)
 * @list:		on its file set, in preservation order
 * @token:		user space's name for it, unique in the session
 */
struct luo_file {
	struct liveupdate_file_handler *fh;
	struct file *file;
	u64 serialized_data;
	void *private_data;
	int retrieve_status;
	struct list_head list;
	u64 token;
};

static LIST_HEAD(luo_file_handler_list);
DECLARE_RWSEM(luo_register_rwsem);

void luo_file_set_init(struct luo_file_set *file_set)
{
	INIT_LIST_HEAD(&file_set->files_list);
	file_set->count = 0;
	kho_block_set_init(&file_set->bs, sizeof(struct luo_file_ser));
}

static void luo_file_args(struct luo_file *luo_file,
			  struct liveupdate_file_op_args *args)
{
	memset(args, 0, sizeof(*args));
	args->handler = luo_file->fh;
	args->retrieve_status = luo_file->retrieve_status;
	args->file = luo_file->file;
	args->serialized_data = luo_file->serialized_data;
	args->private_data = luo_file->private_data;
}

static struct luo_file *luo_file_find(struct luo_file_set *file_set,
				      u64 token)
{
	struct luo_file *it;

	list_for_each_entry(it, &file_set->files_list, list) {
		if (it->token == token)
			return it;
	}
	return NULL;
}

bool luo_file_has(struct luo_file_set *file_set, struct file *file)
{
	struct luo_file *it;

	list_for_each_entry(it, &file_set->files_list, list) {
		if (it->file == file)
			return true;
	}
	return false;
}

/* Caller holds luo_register_rwsem. */
bool luo_file_handler_registered(struct liveupdate_file_handler *fh)
{
	struct liveupdate_file_handler *it;

	list_for_each_entry(it, &luo_file_handler_list, list) {
		if (it == fh)
			return true;
	}
	return false;
}

/* The files of file_set whose handler depends on flb; session mutex held. */
u64 luo_file_count_flb(struct luo_file_set *file_set,
		       struct liveupdate_flb *flb)
{
	struct luo_file *luo_file;
	u64 n = 0;

	guard(rwsem_read)(&luo_register_rwsem);
	list_for_each_entry(luo_file, &file_set->files_list, list) {
		if (luo_flb_depends(luo_file->fh, flb))
			n++;
	}
	return n;
}

/*
 * Preserve file under token: find the handler whose can_preserve()
 * accepts it, make room for its entry, preserve the FLBs it depends on
 * (the first file of an FLB runs flb.preserve()), then the handler's
 * preserve(). Undone step by step on error. The session mutex is held.
 */
int luo_preserve_file(struct luo_file_set *file_set, u64 token,
		      struct file *file)
{
	struct liveupdate_file_op_args args;
	struct liveupdate_file_handler *fh;
	struct luo_file *luo_file;
	bool found = false;
	int err;

	if (luo_file_find(file_set, token))
		return -EEXIST;
	guard(rwsem_read)(&luo_register_rwsem);
	list_for_each_entry(fh, &luo_file_handler_list, list) {
		if (fh->ops->can_preserve(fh, file)) {
			found = true;
			break;
		}
	}
	if (!found)
		return -ENOENT;

	err = kho_block_set_grow(&file_set->bs, file_set->count + 1);
	if (err)
		return err;
	err = luo_flb_file_preserve(fh);
	if (err)
		goto err_shrink;
	luo_file = kzalloc_obj(*luo_file, GFP_KERNEL);
	if (!luo_file) {
		err = -ENOMEM;
		goto err_flb;
	}
	luo_file->fh = fh;
	luo_file->file = file;
	luo_file->token = token;

	luo_file_args(luo_file, &args);
	err = fh->ops->preserve(&args);
	if (err)
		goto err_free;
	luo_file->serialized_data = args.serialized_data;
	luo_file->private_data = args.private_data;
	list_add_tail(&luo_file->list, &file_set->files_list);
	file_set->count++;
	return 0;

err_free:
	kfree(luo_file);
err_flb:
	luo_flb_file_unpreserve(fh);
err_shrink:
	kho_block_set_shrink(&file_set->bs, file_set->count);
	return err;
}

/*
 * Cancel before kexec: unpreserve every file, last preserved first; the
 * last file of an FLB runs flb.unpreserve() after the handler's
 * unpreserve().
 */
void luo_file_unpreserve_files(struct luo_file_set *file_set)
{
	struct liveupdate_file_op_args args;
	struct luo_file *luo_file;

	guard(rwsem_read)(&luo_register_rwsem);
	while (!list_empty(&file_set->files_list)) {
		luo_file = list_last_entry(&file_set->files_list,
					   struct luo_file, list);
		luo_file_args(luo_file, &args);
		luo_file->fh->ops->unpreserve(&args);
		luo_flb_file_unpreserve(luo_file->fh);
		list_del(&luo_file->list);
		file_set->count--;
		kfree(luo_file);
	}
	kho_block_set_destroy(&file_set->bs);
}

/* An incoming set that is refused before any callback ran: just free. */
void luo_file_set_discard(struct luo_file_set *file_set)
{
	struct luo_file *luo_file, *tmp;

	list_for_each_entry_safe(luo_file, tmp, &file_set->files_list, list) {
		list_del(&luo_file->list);
		kfree(luo_file);
	}
	file_set->count = 0;
	kho_block_set_destroy(&file_set->bs);
}

/* Unfreeze, in order, the files before stop (all of them for NULL). */
static void __luo_file_unfreeze(struct luo_file_set *file_set,
				struct luo_file *stop)
{
	struct liveupdate_file_op_args args;
	struct luo_file *luo_file;

	list_for_each_entry(luo_file, &file_set->files_list, list) {
		if (luo_file == stop)
			break;
		if (!luo_file->fh->ops->unfreeze)
			continue;
		luo_file_args(luo_file, &args);
		luo_file->fh->ops->unfreeze(&args);
	}
}

/*
 * Reboot: freeze the files in the order they were preserved. If one
 * fails, those before it are unfrozen and the error returned.
 */
int luo_file_freeze(struct luo_file_set *file_set)
{
	struct liveupdate_file_op_args args;
	struct luo_file *luo_file;
	int err;

	guard(rwsem_read)(&luo_register_rwsem);
	list_for_each_entry(luo_file, &file_set->files_list, list) {
		if (!luo_file->fh->ops->freeze)
			continue;
		luo_file_args(luo_file, &args);
		err = luo_file->fh->ops->freeze(&args);
		if (err) {
			pr_warn("freeze of token %#llx (%s) failed: %pe\n",
				luo_file->token, luo_file->fh->compatible,
				ERR_PTR(err));
			__luo_file_unfreeze(file_set, luo_file);
			return err;
		}
		luo_file->serialized_data = args.serialized_data;
	}
	return 0;
}

void luo_file_unfreeze(struct luo_file_set *file_set)
{
	guard(rwsem_read)(&luo_register_rwsem);
	__luo_file_unfreeze(file_set, NULL);
}

/* Reboot, after freeze: write the entries and point ser at them. */
int luo_file_serialize(struct luo_file_set *file_set,
		       struct luo_session_ser *ser)
{
	struct luo_file *luo_file;
	struct kho_block_set_it it;

	kho_block_set_clear(&file_set->bs);
	kho_block_set_it_init(&it, &file_set->bs);
	list_for_each_entry(luo_file, &file_set->files_list, list) {
		struct luo_file_ser *fser = kho_block_set_it_reserve_entry(&it);

		/* the capacity was grown at preserve: this is a bug */
		if (WARN_ON(!fser))
			return -ENOSPC;
		strscpy_pad(fser->compatible, luo_file->fh->compatible,
			    sizeof(fser->compatible));
		fser->token = luo_file->token;
		fser->data = luo_file->serialized_data;
	}
	ser->files = file_set->count ? kho_block_set_head_pa(&file_set->bs) : 0;
	ser->count = file_set->count;
	return 0;
}

/*
 * New kernel: the file preserved under token, recreated by its handler
 * the first time and the same file after that. A failed retrieve is not
 * tried again: the error is returned from then on.
 */
int luo_retrieve_file(struct luo_file_set *file_set, u64 token,
		      struct file **filep)
{
	struct liveupdate_file_op_args args;
	struct luo_file *luo_file;
	int err;

	luo_file = luo_file_find(file_set, token);
	if (!luo_file)
		return -ENOENT;
	if (luo_file->retrieve_status < 0)
		return luo_file->retrieve_status;
	if (luo_file->retrieve_status > 0) {
		*filep = luo_file->file;
		return 0;
	}

	guard(rwsem_read)(&luo_register_rwsem);
	luo_file_args(luo_file, &args);
	err = luo_file->fh->ops->retrieve(&args);
	if (!err && WARN_ON(!args.file))
		err = -EINVAL;
	if (err) {
		luo_file->retrieve_status = err;
		return err;
	}
	luo_file->file = args.file;
	luo_file->retrieve_status = 1;
	*filep = luo_file->file;
	return 0;
}

/*
 * New kernel, end of the update: can_finish() is asked of every file
 * before any finish() runs, so a session finishes whole or not at all.
 * Then, last preserved first, the handler's finish() and the FLB
 * references of the file (the last one runs flb.finish()). The entries
 * the previous kernel wrote are freed with them.
 */
int luo_file_finish(struct luo_file_set *file_set)
{
	struct liveupdate_file_op_args args;
	struct luo_file *luo_file;

	guard(rwsem_read)(&luo_register_rwsem);
	list_for_each_entry(luo_file, &file_set->files_list, list) {
		if (!luo_file->fh->ops->can_finish)
			continue;
		luo_file_args(luo_file, &args);
		if (!luo_file->fh->ops->can_finish(&args))
			return -EBUSY;
	}
	while (!list_empty(&file_set->files_list)) {
		luo_file = list_last_entry(&file_set->files_list,
					   struct luo_file, list);
		luo_file_args(luo_file, &args);
		luo_file->fh->ops->finish(&args);
		luo_flb_file_finish(luo_file->fh);
		list_del(&luo_file->list);
		file_set->count--;
		kfree(luo_file);
	}
	kho_block_set_destroy(&file_set->bs);
	return 0;
}

/*
 * New kernel: take over the file entries of one session. Each must name
 * a registered handler and carry a token not seen before in the session;
 * their number must be the one the session announced.
 */
int luo_file_deserialize(struct luo_file_set *file_set,
			 const struct luo_session_ser *ser)
{
	struct kho_block_set_it it;
	struct luo_file_ser *fser;
	u64 n = 0;
	int err;

	err = kho_block_set_restore(&file_set->bs, ser->files);
	if (err) {
		pr_err("session \"%s\": file entries refused\n", ser->name);
		return err;
	}
	guard(rwsem_read)(&luo_register_rwsem);
	kho_block_set_it_init(&it, &file_set->bs);
	while ((fser = kho_block_set_it_read_entry(&it))) {
		struct liveupdate_file_handler *fh;
		struct luo_file *luo_file;
		bool found = false;

		err = -EINVAL;
		if (++n > ser->count)
			break;
		if (strnlen(fser->compatible, sizeof(fser->compatible)) ==
		    sizeof(fser->compatible)) {
			pr_err("session \"%s\": file %llu has no valid compatible\n",
			       ser->name, n - 1);
			break;
		}
		if (luo_file_find(file_set, fser->token)) {
			pr_err("session \"%s\": token %#llx appears twice\n",
			       ser->name, fser->token);
			break;
		}
		list_for_each_entry(fh, &luo_file_handler_list, list) {
			if (!strcmp(fh->compatible, fser->compatible)) {
				found = true;
				break;
			}
		}
		if (!found) {
			pr_err("session \"%s\": no handler for \"%s\"\n",
			       ser->name, fser->compatible);
			err = -ENOENT;
			break;
		}
		err = -ENOMEM;
		luo_file = kzalloc_obj(*luo_file, GFP_KERNEL);
		if (!luo_file)
			break;
		luo_file->fh = fh;
		luo_file->token = fser->token;
		luo_file->serialized_data = fser->data;
		list_add_tail(&luo_file->list, &file_set->files_list);
		file_set->count++;
		err = 0;
	}
	if (!err && n != ser->count) {
		pr_err("session \"%s\": %llu file entries, %llu announced\n",
		       ser->name, n, ser->count);
		err = -EINVAL;
	}
	if (err)
		luo_file_set_discard(file_set);
	return err;
}

int liveupdate_register_file_handler(struct liveupdate_file_handler *fh)
{
	struct liveupdate_file_handler *it;
	size_t len;

	if (!liveupdate_enabled())
		return -EOPNOTSUPP;
	if (!fh->ops || !fh->ops->can_preserve || !fh->ops->preserve ||
	    !fh->ops->unpreserve || !fh->ops->retrieve || !fh->ops->finish)
		return -EINVAL;
	len = strnlen(fh->compatible, sizeof(fh->compatible));
	if (!len || len == sizeof(fh->compatible))
		return -EINVAL;

	guard(rwsem_write)(&luo_register_rwsem);
	/* no session may see the set of handlers change under it */
	if (luo_sessions_exist())
		return -EBUSY;
	list_for_each_entry(it, &luo_file_handler_list, list) {
		if (it == fh || !strcmp(it->compatible, fh->compatible)) {
			pr_err("file handler \"%s\" is already registered\n",
			       fh->compatible);
			return -EEXIST;
		}
	}
	INIT_LIST_HEAD(&ACCESS_PRIVATE(fh, flb_list));
	list_add_tail(&ACCESS_PRIVATE(fh, list), &luo_file_handler_list);
	return 0;
}

int liveupdate_unregister_file_handler(struct liveupdate_file_handler *fh)
{
	if (!liveupdate_enabled())
		return -EOPNOTSUPP;
	guard(rwsem_write)(&luo_register_rwsem);
	if (!luo_file_handler_registered(fh))
		return -ENOENT;
	if (luo_sessions_exist() ||
	    !list_empty(&ACCESS_PRIVATE(fh, flb_list)))
		return -EBUSY;
	list_del_init(&ACCESS_PRIVATE(fh, list));
	return 0;
}
