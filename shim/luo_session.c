// SPDX-License-Identifier: GPL-2.0
/*
 * LUO sessions (kernel/liveupdate/luo_session.c of newer kernels): named
 * groups of preserved files. Outgoing sessions are created and filled
 * before kexec; incoming ones are rebuilt from the handover at late init
 * (by then every file handler has registered), then retrieved by name,
 * their files retrieved by token, and finished.
 *
 * The outgoing session list keeps a block set with room for one struct
 * luo_session_ser per session, grown at create, so that writing them at
 * reboot cannot fail for want of memory.
 *
 * Departs from upstream: a session is a struct liveupdate_session pointer
 * instead of a file descriptor (no VFS), and the ioctls are the
 * liveupdate_session_*() calls of <linux/liveupdate.h>. A file may be in
 * one outgoing session only: upstream marks the inode, here the sessions
 * are searched. A session list or file set that fails to deserialize is
 * torn down and its blocks freed rather than leaked; the error is kept
 * and returned to every later retrieve, as upstream does.
 */
#define pr_fmt(fmt) "luo: " fmt

#include <linux/cleanup.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/liveupdate.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "luo_internal.h"

/*
 * @list:	struct liveupdate_session
 * @count:	sessions on @list
 * @rwsem:	protects @list, @count, @bs and @frozen
 * @bs:		outgoing: room for @count struct luo_session_ser
 * @frozen:	outgoing: written for kexec; nothing may change any more
 */
struct luo_session_header {
	struct list_head list;
	u64 count;
	struct rw_semaphore rwsem;
	struct kho_block_set bs;
	bool frozen;
};

static struct {
	struct luo_session_header outgoing;
	struct luo_session_header incoming;
	bool deserialized;
	int deserialize_err;
} luo_sessions = {
	.outgoing = {
		.list = LIST_HEAD_INIT(luo_sessions.outgoing.list),
		.rwsem = __RWSEM_INITIALIZER(luo_sessions.outgoing.rwsem),
	},
	.incoming = {
		.list = LIST_HEAD_INIT(luo_sessions.incoming.list),
		.rwsem = __RWSEM_INITIALIZER(luo_sessions.incoming.rwsem),
	},
};

static int __init luo_session_init(void)
{
	kho_block_set_init(&luo_sessions.outgoing.bs,
			   sizeof(struct luo_session_ser));
	return 0;
}
pure_initcall(luo_session_init);

static struct liveupdate_session *luo_session_alloc(const char *name,
						    bool incoming)
{
	struct liveupdate_session *session;

	session = kzalloc_obj(*session, GFP_KERNEL);
	if (!session)
		return NULL;
	strscpy(session->name, name, sizeof(session->name));
	luo_file_set_init(&session->file_set);
	INIT_LIST_HEAD(&session->list);
	mutex_init(&session->mutex);
	session->incoming = incoming;
	return session;
}

static void luo_session_free(struct liveupdate_session *session)
{
	WARN_ON(session->file_set.count);
	mutex_destroy(&session->mutex);
	kfree(session);
}

static struct liveupdate_session *
luo_session_find(struct luo_session_header *sh, const char *name)
{
	struct liveupdate_session *it;

	list_for_each_entry(it, &sh->list, list) {
		if (!strncmp(it->name, name, sizeof(it->name)))
			return it;
	}
	return NULL;
}

/* Registering handlers or FLBs is only allowed while there are none. */
bool luo_sessions_exist(void)
{
	return luo_sessions.outgoing.count || luo_sessions.incoming.count;
}

/* Caller holds the outgoing rwsem. */
bool luo_file_is_preserved(struct file *file)
{
	struct liveupdate_session *it;

	list_for_each_entry(it, &luo_sessions.outgoing.list, list) {
		if (luo_file_has(&it->file_set, file))
			return true;
	}
	return false;
}

/* For the self-test, which reaches into a session's handover. */
struct liveupdate_session *luo_session_find_outgoing(const char *name)
{
	guard(rwsem_read)(&luo_sessions.outgoing.rwsem);
	return luo_session_find(&luo_sessions.outgoing, name);
}

int liveupdate_session_create(const char *name,
			      struct liveupdate_session **sessionp)
{
	struct luo_session_header *sh = &luo_sessions.outgoing;
	struct liveupdate_session *session;
	size_t len;
	int err;

	if (!liveupdate_enabled())
		return -EOPNOTSUPP;
	if (!name)
		return -EINVAL;
	len = strnlen(name, LIVEUPDATE_SESSION_NAME_LENGTH);
	if (!len || len == LIVEUPDATE_SESSION_NAME_LENGTH)
		return -EINVAL;
	session = luo_session_alloc(name, false);
	if (!session)
		return -ENOMEM;

	down_write(&sh->rwsem);
	if (sh->frozen)
		err = -EBUSY;
	else if (luo_session_find(sh, name))
		err = -EEXIST;
	else
		err = kho_block_set_grow(&sh->bs, sh->count + 1);
	if (!err) {
		list_add_tail(&session->list, &sh->list);
		sh->count++;
	}
	up_write(&sh->rwsem);

	if (err) {
		luo_session_free(session);
		return err;
	}
	*sessionp = session;
	return 0;
}

/*
 * Rebuild the incoming sessions from the handover, once. Every file must
 * have a registered handler: LUO calls this at late init (sync), after
 * every built-in handler registered at device_initcall; a retrieve
 * before that does it then.
 */
int luo_session_deserialize(void)
{
	const struct luo_incoming *in = luo_incoming();
	struct luo_session_header *sh = &luo_sessions.incoming;
	struct liveupdate_session *session, *tmp;
	struct luo_session_ser *ser;
	struct kho_block_set_it it;
	struct kho_block_set bs;
	u64 n = 0;
	int err;

	if (luo_sessions.deserialized)
		return luo_sessions.deserialize_err;
	luo_sessions.deserialized = true;
	if (!in->valid || (!in->sessions && !in->nr_sessions))
		return 0;

	kho_block_set_init(&bs, sizeof(*ser));
	err = kho_block_set_restore(&bs, in->sessions);
	if (err)
		goto out;
	kho_block_set_it_init(&it, &bs);
	down_write(&sh->rwsem);
	while ((ser = kho_block_set_it_read_entry(&it))) {
		err = -EINVAL;
		if (++n > in->nr_sessions)
			break;
		if (strnlen(ser->name, sizeof(ser->name)) == sizeof(ser->name)) {
			pr_err("incoming session %llu has no valid name\n", n - 1);
			break;
		}
		if (luo_session_find(sh, ser->name)) {
			pr_err("incoming session \"%s\" appears twice\n",
			       ser->name);
			break;
		}
		err = -ENOMEM;
		session = luo_session_alloc(ser->name, true);
		if (!session)
			break;
		err = luo_file_deserialize(&session->file_set, ser);
		if (err) {
			luo_session_free(session);
			break;
		}
		list_add_tail(&session->list, &sh->list);
		sh->count++;
		err = 0;
	}
	if (!err && n != in->nr_sessions) {
		pr_err("incoming sessions: %llu in the blocks, %llu announced\n",
		       n, in->nr_sessions);
		err = -EINVAL;
	}
	if (err) {
		/* nothing was retrieved yet: drop it all, no callbacks */
		list_for_each_entry_safe(session, tmp, &sh->list, list) {
			list_del(&session->list);
			luo_file_set_discard(&session->file_set);
			luo_session_free(session);
		}
		sh->count = 0;
	}
	up_write(&sh->rwsem);
	kho_block_set_destroy(&bs);
out:
	if (err)
		pr_err("incoming sessions refused (%d)\n", err);
	luo_sessions.deserialize_err = err;
	return err;
}

/*
 * The files of the incoming sessions whose handlers depend on flb, those
 * retrieved and not finished included.
 */
u64 luo_session_count_flb_files(struct liveupdate_flb *flb)
{
	struct luo_session_header *sh = &luo_sessions.incoming;
	struct liveupdate_session *session;
	u64 n = 0;

	guard(rwsem_read)(&sh->rwsem);
	list_for_each_entry(session, &sh->list, list) {
		guard(mutex)(&session->mutex);
		n += luo_file_count_flb(&session->file_set, flb);
	}
	return n;
}

int liveupdate_session_retrieve(const char *name,
				struct liveupdate_session **sessionp)
{
	struct luo_session_header *sh = &luo_sessions.incoming;
	struct liveupdate_session *session = NULL;
	int err;

	if (!liveupdate_enabled())
		return -EOPNOTSUPP;
	err = luo_session_deserialize();
	if (err)
		return err;
	scoped_guard(rwsem_read, &sh->rwsem)
		session = luo_session_find(sh, name);
	if (!session)
		return -ENOENT;

	guard(mutex)(&session->mutex);
	if (session->retrieved)
		return -EINVAL;
	session->retrieved = true;
	*sessionp = session;
	return 0;
}

int liveupdate_session_preserve_file(struct liveupdate_session *session,
				     struct file *file, u64 token)
{
	struct luo_session_header *sh = &luo_sessions.outgoing;

	if (!file || session->incoming)
		return -EINVAL;
	/* write: no other session may take the same file meanwhile */
	guard(rwsem_write)(&sh->rwsem);
	if (sh->frozen)
		return -EBUSY;
	if (luo_file_is_preserved(file))
		return -EBUSY;
	guard(mutex)(&session->mutex);
	return luo_preserve_file(&session->file_set, token, file);
}

int liveupdate_session_retrieve_file(struct liveupdate_session *session,
				     u64 token, struct file **filep)
{
	if (!session->incoming)
		return -EINVAL;
	guard(mutex)(&session->mutex);
	return luo_retrieve_file(&session->file_set, token, filep);
}

int liveupdate_session_finish(struct liveupdate_session *session)
{
	if (!session->incoming)
		return -EINVAL;
	guard(mutex)(&session->mutex);
	return luo_file_finish(&session->file_set);
}

int liveupdate_session_get_name(struct liveupdate_session *session,
				char name[LIVEUPDATE_SESSION_NAME_LENGTH])
{
	strscpy_pad(name, session->name, LIVEUPDATE_SESSION_NAME_LENGTH);
	return 0;
}

int liveupdate_session_release(struct liveupdate_session *session)
{
	struct luo_session_header *sh;
	int err;

	if (session->incoming) {
		sh = &luo_sessions.incoming;
		err = liveupdate_session_finish(session);
		if (err) {
			pr_warn("cannot finish session \"%s\" on release: %d\n",
				session->name, err);
			return err;
		}
		scoped_guard(rwsem_write, &sh->rwsem) {
			list_del(&session->list);
			sh->count--;
		}
	} else {
		sh = &luo_sessions.outgoing;
		scoped_guard(rwsem_write, &sh->rwsem) {
			if (sh->frozen)
				return -EBUSY;
			scoped_guard(mutex, &session->mutex)
				luo_file_unpreserve_files(&session->file_set);
			list_del(&session->list);
			sh->count--;
			kho_block_set_shrink(&sh->bs, sh->count);
		}
	}
	luo_session_free(session);
	return 0;
}

/*
 * At reboot: freeze the files of every session, sessions and files in
 * the order they were created, then write the sessions. If a freeze
 * fails, the files already frozen are unfrozen (those of the failing
 * session first, then the earlier sessions, last first).
 */
int luo_session_serialize(struct luo_ser *root)
{
	struct luo_session_header *sh = &luo_sessions.outgoing;
	struct liveupdate_session *session;
	struct kho_block_set_it it;
	int err = 0;

	guard(rwsem_write)(&sh->rwsem);
	if (WARN_ON(sh->frozen))
		return -EBUSY;
	list_for_each_entry(session, &sh->list, list) {
		scoped_guard(mutex, &session->mutex)
			err = luo_file_freeze(&session->file_set);
		if (err) {
			pr_warn("session \"%s\": freeze failed (%d), live update cancelled\n",
				session->name, err);
			goto unfreeze;
		}
	}

	kho_block_set_clear(&sh->bs);
	kho_block_set_it_init(&it, &sh->bs);
	list_for_each_entry(session, &sh->list, list) {
		struct luo_session_ser *ser = kho_block_set_it_reserve_entry(&it);

		/* the capacity was grown at create: this is a bug */
		if (WARN_ON(!ser)) {
			err = -ENOSPC;
			break;
		}
		strscpy_pad(ser->name, session->name, sizeof(ser->name));
		scoped_guard(mutex, &session->mutex)
			err = luo_file_serialize(&session->file_set, ser);
		if (err)
			break;
	}
	if (err) {
		kho_block_set_clear(&sh->bs);
		goto unfreeze_all;
	}
	root->sessions = sh->count ? kho_block_set_head_pa(&sh->bs) : 0;
	root->nr_sessions = sh->count;
	sh->frozen = true;
	return 0;

unfreeze_all:
	session = list_last_entry(&sh->list, struct liveupdate_session, list);
	scoped_guard(mutex, &session->mutex)
		luo_file_unfreeze(&session->file_set);
unfreeze:
	/* the failing session unfroze its own files already */
	list_for_each_entry_continue_reverse(session, &sh->list, list) {
		scoped_guard(mutex, &session->mutex)
			luo_file_unfreeze(&session->file_set);
	}
	return err;
}
