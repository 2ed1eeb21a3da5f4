/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the LUO files share (kernel/liveupdate/luo_internal.h upstream).
 */
#ifndef _SIM_LUO_INTERNAL_H
#define _SIM_LUO_INTERNAL_H

#include <linux/kho_block.h>
#include <linux/liveupdate.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>

/*
 * The files of one session.
 * @files_list:	struct luo_file, in the order they were preserved
 * @count:	files on the list
 * @bs:		outgoing: capacity for @count entries, written at reboot;
 *		incoming: the entries the previous kernel wrote, freed when
 *		the session finishes
 */
struct luo_file_set {
	struct list_head files_list;
	u64 count;
	struct kho_block_set bs;
};

/*
 * A session: what a session file descriptor refers to upstream.
 * @name:	unique among the sessions of one side
 * @file_set:	its files
 * @list:	on the outgoing or the incoming session list
 * @mutex:	serializes the operations on the session
 * @incoming:	handed over by the previous kernel
 * @retrieved:	incoming, and LIVEUPDATE_IOCTL_RETRIEVE_SESSION got it
 */
struct liveupdate_session {
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	struct luo_file_set file_set;
	struct list_head list;
	struct mutex mutex;		/* serializes its operations */
	bool incoming;
	bool retrieved;
};

/* Taken for reading by every path that uses handlers or FLBs. */
extern struct rw_semaphore luo_register_rwsem;

/* luo_core.c: what the previous kernel handed over, once validated. */
struct luo_incoming {
	bool valid;
	bool refused;		/* offered, but refused (here or by KHO) */
	u64 liveupdate_num;
	u64 sessions;
	u64 nr_sessions;
};

const struct luo_incoming *luo_incoming(void);
struct luo_ser *luo_outgoing_root(void);

/* luo_session.c */
bool luo_sessions_exist(void);
int luo_session_deserialize(void);
u64 luo_session_count_flb_files(struct liveupdate_flb *flb);
bool luo_file_is_preserved(struct file *file);
int luo_session_serialize(struct luo_ser *root);
struct liveupdate_session *luo_session_find_outgoing(const char *name);

/* luo_file.c */
void luo_file_set_init(struct luo_file_set *file_set);
int luo_preserve_file(struct luo_file_set *file_set, u64 token,
		      struct file *file);
void luo_file_unpreserve_files(struct luo_file_set *file_set);
void luo_file_set_discard(struct luo_file_set *file_set);
int luo_file_freeze(struct luo_file_set *file_set);
void luo_file_unfreeze(struct luo_file_set *file_set);
int luo_file_serialize(struct luo_file_set *file_set,
		       struct luo_session_ser *ser);
int luo_retrieve_file(struct luo_file_set *file_set, u64 token,
		      struct file **filep);
int luo_file_finish(struct luo_file_set *file_set);
int luo_file_deserialize(struct luo_file_set *file_set,
			 const struct luo_session_ser *ser);
bool luo_file_has(struct luo_file_set *file_set, struct file *file);
bool luo_file_handler_registered(struct liveupdate_file_handler *fh);
u64 luo_file_count_flb(struct luo_file_set *file_set,
		       struct liveupdate_flb *flb);

/* luo_flb.c */
int luo_flb_file_preserve(struct liveupdate_file_handler *fh);
void luo_flb_file_unpreserve(struct liveupdate_file_handler *fh);
void luo_flb_file_finish(struct liveupdate_file_handler *fh);
int luo_flb_setup_outgoing(struct luo_ser *root);
int luo_flb_setup_incoming(u64 flbs_pa);
void luo_flb_serialize(void);
bool luo_flb_depends(struct liveupdate_file_handler *fh,
		     struct liveupdate_flb *flb);
void luo_flb_check_incoming(void);

#endif /* _SIM_LUO_INTERNAL_H */
