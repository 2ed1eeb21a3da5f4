/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live Update Orchestrator: what one kernel leaves for the next.
 *
 * Mirrors the shape of upstream's include/linux/kho/abi/luo.h (a root
 * registered as the KHO subtree "LUO", sessions and their files in KHO
 * block sets, FLBs in one array); the layout is pcisim's own.
 *
 *	KHO subtree "LUO" -> struct luo_ser (one page)
 *		.sessions -> block set of struct luo_session_ser
 *			.files -> block set of struct luo_file_ser
 *		.flbs -> struct luo_flb_header_ser, then .count luo_flb_ser
 *
 * Compatibility: the root starts with a compatible string that carries
 * the layout version; a kernel refuses a root whose string is not exactly
 * LUO_ABI_COMPATIBLE. Any change to a structure here, or to how one is
 * read, needs a new string: that is the version bump. The feature header
 * after it is upstream's newer negotiation (supported, required, active
 * bitmasks): a kernel also refuses a root that requires a feature it does
 * not know. The compatible field never moves or changes size.
 *
 * Every pointer is a physical address (0: none). Strings are
 * NUL-terminated within their field; a reader checks that before use.
 */
#ifndef _LINUX_KHO_ABI_LUO_H
#define _LINUX_KHO_ABI_LUO_H

#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/types.h>
#include <linux/kho/abi/block.h>

/* Name of the KHO subtree holding struct luo_ser. */
#define LUO_KHO_ENTRY_NAME		"LUO"

/* The layout version; see above. */
#define LUO_ABI_COMPATIBLE		"luo-v1"
#define LUO_ABI_COMPAT_LENGTH		32

/* Lengths of names, as upstream's uapi and ABI headers give them. */
#define LIVEUPDATE_SESSION_NAME_LENGTH	64
#define LIVEUPDATE_HNDL_COMPAT_LENGTH	48
#define LIVEUPDATE_FLB_COMPAT_LENGTH	48

/**
 * struct luo_feature_hdr - feature negotiation (upstream's newer ABI)
 * @supp:	features the writer knows
 * @req:	features the reader must know to read this root safely
 * @active:	features the writer used
 * @reserved:	zero
 */
struct luo_feature_hdr {
	u64 supp;
	u64 req;
	u64 active;
	u64 reserved[13];
} __packed;

#define LUO_FEATURE_NUMBER		BIT_ULL(0)	/* liveupdate_num */
#define LUO_FEATURE_SESSIONS		BIT_ULL(1)	/* sessions, files */
#define LUO_FEATURE_FLBS		BIT_ULL(2)	/* flbs */

#define LUO_FEATURES_KNOWN	(LUO_FEATURE_NUMBER | LUO_FEATURE_SESSIONS | \
				 LUO_FEATURE_FLBS)

/**
 * struct luo_ser - the root of everything LUO hands over
 * @compatible:		LUO_ABI_COMPATIBLE, NUL-padded
 * @features:		feature negotiation
 * @liveupdate_num:	live updates this state has gone through so far
 * @sessions:		first block of struct luo_session_ser entries
 * @nr_sessions:	entries in that block set, to cross-check it
 * @flbs:		struct luo_flb_header_ser
 */
struct luo_ser {
	char compatible[LUO_ABI_COMPAT_LENGTH];
	struct luo_feature_hdr features;
	u64 liveupdate_num;
	u64 sessions;
	u64 nr_sessions;
	u64 flbs;
} __packed;

/**
 * struct luo_session_ser - one session
 * @name:	its name, unique among the sessions of one kernel
 * @files:	first block of its struct luo_file_ser entries
 * @count:	entries in that block set, to cross-check it
 */
struct luo_session_ser {
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	u64 files;
	u64 count;
} __packed;

/**
 * struct luo_file_ser - one preserved file
 * @compatible:	the file handler's compatible string
 * @token:	the token user space preserved it with
 * @data:	the handler's own handle (serialized_data)
 */
struct luo_file_ser {
	char compatible[LIVEUPDATE_HNDL_COMPAT_LENGTH];
	u64 token;
	u64 data;
} __packed;

/**
 * struct luo_flb_header_ser - the FLB array, in preserved pages
 * @pgcnt:	pages of the whole region, this header included
 * @count:	struct luo_flb_ser entries that follow
 */
struct luo_flb_header_ser {
	u64 pgcnt;
	u64 count;
} __packed;

/**
 * struct luo_flb_ser - one preserved FLB object
 * @name:	the FLB's compatible string
 * @data:	the handle its preserve() returned
 * @count:	preserved files that depended on it
 */
struct luo_flb_ser {
	char name[LIVEUPDATE_FLB_COMPAT_LENGTH];
	u64 data;
	u64 count;
} __packed;

static_assert(sizeof(struct luo_ser) == 192);
static_assert(sizeof(struct luo_session_ser) == 80);
static_assert(sizeof(struct luo_file_ser) == 64);
static_assert(sizeof(struct luo_flb_ser) == 64);

#endif /* _LINUX_KHO_ABI_LUO_H */
