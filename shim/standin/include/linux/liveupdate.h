/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live Update Orchestrator (LUO): the kernel API.
 *
 * pcisim's hand-written LUO (shim/luo_*.c), written when the pinned tree
 * (6.12) had none: always built, whatever CONFIG_LIVEUPDATE says. It
 * stands in for 7.3's header of this name until #12 compiles the real
 * kernel/liveupdate/ (pci-core/README.md, "Stand-ins"). The types and
 * functions mirror upstream's: file handlers, their ops, FLBs with
 * refcounted incoming and outgoing objects.
 *
 * There is no VFS and no /dev/liveupdate here. A "file" is a struct file
 * that a driver allocates itself (f_op and private_data set), and the
 * session ioctls become the C calls at the end of this header, taking and
 * returning struct file pointers. LUO takes no reference on a file: its
 * creator owns it and must keep it alive while it is preserved, and a
 * file that retrieve returns belongs to its handler (the handler's
 * finish() or the driver frees it).
 */
#ifndef _LINUX_LIVEUPDATE_H
#define _LINUX_LIVEUPDATE_H

#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/types.h>
#include <linux/kho/abi/luo.h>

struct file;
struct module;
struct liveupdate_file_handler;
struct liveupdate_flb;
struct liveupdate_session;

/**
 * struct liveupdate_file_op_args - arguments of the file callbacks
 * @handler:		the handler called
 * @retrieve_status:	for can_finish()/finish(): 0 retrieve never tried,
 *			> 0 it succeeded, < 0 the error it failed with
 * @file:		the file; retrieve() sets it to the new file
 * @serialized_data:	the handler's u64 handle; preserve() and freeze()
 *			may set it, the next kernel gets it back
 * @private_data:	runtime state of the handler, not preserved; set by
 *			preserve(), freed by unpreserve()
 */
struct liveupdate_file_op_args {
	struct liveupdate_file_handler *handler;
	int retrieve_status;
	struct file *file;
	u64 serialized_data;
	void *private_data;
};

/**
 * struct liveupdate_file_ops - callbacks of a live-updatable file type
 * @can_preserve:	required; is this file one of ours (cheap check)
 * @preserve:		required; save the file's state
 * @unpreserve:		required; undo preserve() (cancelled before kexec)
 * @freeze:		optional; last step before kexec
 * @unfreeze:		optional; undo freeze() (a later freeze failed)
 * @retrieve:		required; new kernel, recreate the file
 * @can_finish:		optional; may finish() run now (asked for all files
 *			of a session before any finish())
 * @finish:		required; new kernel, drop the preserved state
 * @owner:		module (unused here: nothing is ever unloaded)
 */
struct liveupdate_file_ops {
	bool (*can_preserve)(struct liveupdate_file_handler *handler,
			     struct file *file);
	int (*preserve)(struct liveupdate_file_op_args *args);
	void (*unpreserve)(struct liveupdate_file_op_args *args);
	int (*freeze)(struct liveupdate_file_op_args *args);
	void (*unfreeze)(struct liveupdate_file_op_args *args);
	int (*retrieve)(struct liveupdate_file_op_args *args);
	bool (*can_finish)(struct liveupdate_file_op_args *args);
	void (*finish)(struct liveupdate_file_op_args *args);
	struct module *owner;
};

/**
 * struct liveupdate_file_handler - a live-updatable file type
 * @ops:	callbacks
 * @compatible:	names the type and the format of serialized_data; the
 *		next kernel gives a file to the handler with this string
 */
struct liveupdate_file_handler {
	const struct liveupdate_file_ops *ops;
	const char compatible[LIVEUPDATE_HNDL_COMPAT_LENGTH];

	/* private: */
	struct list_head __private list;	/* registered handlers */
	struct list_head __private flb_list;	/* FLBs it depends on */
};

/**
 * struct liveupdate_flb_op_args - arguments of the FLB callbacks
 * @flb:	the FLB
 * @data:	preserve() sets it; unpreserve() and retrieve() get it
 * @obj:	preserve() and retrieve() set it to the live object;
 *		unpreserve() and finish() get it
 */
struct liveupdate_flb_op_args {
	struct liveupdate_flb *flb;
	u64 data;
	void *obj;
};

/**
 * struct liveupdate_flb_ops - callbacks of a File-Lifecycle-Bound object
 * @preserve:	the first file depending on it is being preserved
 * @unpreserve:	the last such file was unpreserved before kexec
 * @retrieve:	new kernel, first request for the object
 * @finish:	new kernel, the last such file finished
 * @abandoned:	new kernel, late init, optional: the previous kernel counted
 *		files that depend on it, but none was handed over, so
 *		finish() will never run (not upstream: lets the owner name
 *		what stays behind); called without the FLB's lock held
 * @owner:	module (unused here)
 */
struct liveupdate_flb_ops {
	int (*preserve)(struct liveupdate_flb_op_args *argp);
	void (*unpreserve)(struct liveupdate_flb_op_args *argp);
	int (*retrieve)(struct liveupdate_flb_op_args *argp);
	void (*finish)(struct liveupdate_flb_op_args *argp);
	void (*abandoned)(struct liveupdate_flb_op_args *argp);
	struct module *owner;
};

/*
 * struct luo_flb_private_state - one side (incoming or outgoing) of an FLB
 * @count:	references: dependent files plus get_*() callers
 * @nr_files:	dependent files (outgoing: what the next kernel is told)
 * @data:	the handle
 * @obj:	the live object
 * @lock:	protects this side; held across its callbacks
 * @finished:	finish() ran
 * @retrieve_status: 0 retrieve() not tried, 1 it worked, < 0 it failed
 */
struct luo_flb_private_state {
	refcount_t count;
	u64 nr_files;
	u64 data;
	void *obj;
	struct mutex lock;		/* this side, and its callbacks */
	bool finished;
	int retrieve_status;
};

/*
 * struct luo_flb_private - LUO's bookkeeping inside an FLB
 * @list:	registered FLBs
 * @outgoing:	preserve/unpreserve side
 * @incoming:	retrieve/finish side
 * @users:	handlers it is registered with
 * @initialized: the fields above are set up
 */
struct luo_flb_private {
	struct list_head list;
	struct luo_flb_private_state outgoing;
	struct luo_flb_private_state incoming;
	int users;
	bool initialized;
};

/**
 * struct liveupdate_flb - global state bound to the life of some files
 * @ops:	callbacks
 * @compatible:	names the object and the format of its data
 */
struct liveupdate_flb {
	const struct liveupdate_flb_ops *ops;
	const char compatible[LIVEUPDATE_FLB_COMPAT_LENGTH];

	/* private: */
	struct luo_flb_private __private private;
};

/* True when booted with liveupdate=on and KHO is usable. */
bool liveupdate_enabled(void);

/*
 * From kernel_kexec(), before devices shut down: freeze every preserved
 * file and write the handover. Once it succeeded, sessions are frozen
 * and a second call does nothing.
 */
int liveupdate_reboot(void);

int liveupdate_register_file_handler(struct liveupdate_file_handler *fh);
int liveupdate_unregister_file_handler(struct liveupdate_file_handler *fh);

int liveupdate_register_flb(struct liveupdate_file_handler *fh,
			    struct liveupdate_flb *flb);
void liveupdate_unregister_flb(struct liveupdate_file_handler *fh,
			       struct liveupdate_flb *flb);

/*
 * -EOPNOTSUPP live update disabled, -ENODATA no incoming FLB data at all
 * (or the object already finished), -ENOENT no incoming FLB with this
 * compatible, -EBADMSG the previous kernel handed over live update state
 * but this kernel refused it (KHO or LUO logged why), so whether it held
 * this FLB is unknown; another error is what retrieve() failed with
 * (remembered). Each successful get needs a put.
 */
int liveupdate_flb_get_incoming(struct liveupdate_flb *flb, void **objp);
void liveupdate_flb_put_incoming(struct liveupdate_flb *flb);

/* -ENOENT when no file depending on the FLB is preserved. */
int liveupdate_flb_get_outgoing(struct liveupdate_flb *flb, void **objp);
void liveupdate_flb_put_outgoing(struct liveupdate_flb *flb);

/*
 * Sessions: the /dev/liveupdate ioctls as C calls. A struct
 * liveupdate_session pointer stands for a session file descriptor.
 */

/* LIVEUPDATE_IOCTL_CREATE_SESSION: a new outgoing session. */
int liveupdate_session_create(const char *name,
			      struct liveupdate_session **sessionp);

/* LIVEUPDATE_IOCTL_RETRIEVE_SESSION: an incoming session (-ENOENT). */
int liveupdate_session_retrieve(const char *name,
				struct liveupdate_session **sessionp);

/* LIVEUPDATE_SESSION_PRESERVE_FD */
int liveupdate_session_preserve_file(struct liveupdate_session *session,
				     struct file *file, u64 token);

/* LIVEUPDATE_SESSION_RETRIEVE_FD; a failed retrieve stays failed. */
int liveupdate_session_retrieve_file(struct liveupdate_session *session,
				     u64 token, struct file **filep);

/* LIVEUPDATE_SESSION_FINISH */
int liveupdate_session_finish(struct liveupdate_session *session);

/* LIVEUPDATE_SESSION_GET_NAME */
int liveupdate_session_get_name(struct liveupdate_session *session,
				char name[LIVEUPDATE_SESSION_NAME_LENGTH]);

/*
 * close() of the session fd: an outgoing session unpreserves everything
 * and is gone; an incoming one finishes first (and stays, failing, if
 * finishing fails).
 */
int liveupdate_session_release(struct liveupdate_session *session);

#endif /* _LINUX_LIVEUPDATE_H */
