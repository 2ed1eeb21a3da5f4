// SPDX-License-Identifier: GPL-2.0
/*
 * Live Update Orchestrator core (kernel/liveupdate/luo_core.c of newer
 * kernels): the liveupdate= parameter, the handover root, and
 * liveupdate_reboot() for kernel_kexec().
 *
 * The root (struct luo_ser, <linux/kho/abi/luo.h>) is one preserved page
 * registered as the KHO subtree "LUO" at late_initcall, and filled in at
 * reboot. The incoming root is read at early_initcall, before any driver
 * or PCI enumeration asks for incoming state, copied, and freed; the
 * incoming sessions are rebuilt at late_initcall_sync, when every
 * built-in handler has registered, and each incoming FLB is then checked
 * against the files handed over with it.
 *
 * Departs from upstream: the root is a raw page with a compatible string
 * and the feature header of upstream's newer ABI, not an FDT. A root this
 * kernel cannot read is refused with a message and the kernel boots with
 * no incoming LUO state, where upstream panics: a simulator wants to see
 * the boot go on. Such a refusal (or KHO's) is remembered, and
 * liveupdate_flb_get_incoming() then says -EBADMSG rather than "nothing
 * was handed over", so that the PCI core keeps the hardware as it is.
 * liveupdate_reboot() may run before the kexec does (the self-test
 * corrupts the handover that way); the kexec's own call then finds the
 * work done, as upstream's proposed early session freeze would.
 */
#define pr_fmt(fmt) "luo: " fmt

#include <linux/err.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kstrtox.h>
#include <linux/liveupdate.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <sim/kernel.h>
#include "luo_internal.h"

static struct {
	bool enabled;
	bool rebooted;		/* liveupdate_reboot() wrote the handover */
	struct luo_ser *root;	/* outgoing */
	struct luo_incoming in;
} luo_global;

static int __init luo_parse_liveupdate(char *str)
{
	return kstrtobool(str, &luo_global.enabled);
}
early_param("liveupdate", luo_parse_liveupdate);

bool liveupdate_enabled(void)
{
	return luo_global.enabled;
}

const struct luo_incoming *luo_incoming(void)
{
	return &luo_global.in;
}

struct luo_ser *luo_outgoing_root(void)
{
	return luo_global.root;
}

/* Is the incoming root one this kernel knows how to read? */
static bool __init luo_root_compatible(const struct luo_ser *root)
{
	size_t len = strnlen(root->compatible, sizeof(root->compatible));
	u64 unknown = root->features.req & ~LUO_FEATURES_KNOWN;

	if (len == sizeof(root->compatible) ||
	    strcmp(root->compatible, LUO_ABI_COMPATIBLE)) {
		pr_err("incoming state refused: compatible \"%*pE\", this kernel reads \"%s\"\n",
		       (int)len, root->compatible, LUO_ABI_COMPATIBLE);
		return false;
	}
	if (unknown) {
		pr_err("incoming state refused: it requires features %#llx this kernel does not know\n",
		       unknown);
		return false;
	}
	return true;
}

/*
 * Where the root points, it must say it does: a pointer to sessions or
 * FLBs without its feature active would otherwise be dropped unread.
 */
static bool __init luo_root_consistent(const struct luo_ser *root)
{
	u64 active = root->features.active;

	if ((root->sessions || root->nr_sessions) &&
	    !(active & LUO_FEATURE_SESSIONS)) {
		pr_err("incoming state refused: it has sessions but does not mark them active (features %#llx)\n",
		       active);
		return false;
	}
	if (root->flbs && !(active & LUO_FEATURE_FLBS)) {
		pr_err("incoming state refused: it has FLBs but does not mark them active (features %#llx)\n",
		       active);
		return false;
	}
	return true;
}

/*
 * A handover that was offered but is refused, here or by KHO, is not the
 * same as none: what it preserved may still be running, and the users of
 * the incoming state are told so (liveupdate_flb_get_incoming()).
 */
static void __init luo_refuse_incoming(void)
{
	luo_global.in.refused = true;
}

static void __init luo_setup_incoming(void)
{
	struct luo_ser *root;
	phys_addr_t pa;
	int err;

	/* a handover KHO refused is a cold boot (kho_populate()) */
	if (!is_kho_boot())
		return;
	err = kho_retrieve_subtree(LUO_KHO_ENTRY_NAME, &pa, NULL);
	if (err) {
		if (err != -ENOENT) {
			pr_err("cannot find the incoming state: %d\n", err);
			luo_refuse_incoming();
		}
		return;
	}
	if (!sim_kho_preserved_head(pa)) {
		pr_err("incoming state refused: root at %pa is not preserved memory\n",
		       &pa);
		luo_refuse_incoming();
		return;
	}
	root = phys_to_virt(pa);
	/*
	 * A root we cannot read stays preserved and unread: what it points
	 * to may be laid out differently, so nothing of it is touched.
	 */
	if (!luo_root_compatible(root) || !luo_root_consistent(root)) {
		luo_refuse_incoming();
		return;
	}

	luo_global.in.liveupdate_num = root->liveupdate_num;
	if (root->features.active & LUO_FEATURE_SESSIONS) {
		luo_global.in.sessions = root->sessions;
		luo_global.in.nr_sessions = root->nr_sessions;
	}
	if (root->features.active & LUO_FEATURE_FLBS &&
	    luo_flb_setup_incoming(root->flbs))
		luo_refuse_incoming();
	luo_global.in.valid = true;
	pr_info("incoming state of live update %llu: %llu sessions\n",
		luo_global.in.liveupdate_num, luo_global.in.nr_sessions);
	/* everything needed from the root is copied */
	kho_restore_free(root);
}

/* Before any initcall that may ask for incoming state. */
static int __init luo_early_init(void)
{
	if (!luo_global.enabled)
		return 0;
	if (!kho_is_enabled()) {
		pr_warn("live update needs KHO (kho=on); disabled\n");
		luo_global.enabled = false;
		return 0;
	}
	luo_setup_incoming();
	return 0;
}
early_initcall(luo_early_init);

/* The outgoing root, registered with KHO for the next kexec. */
static int __init luo_late_init(void)
{
	struct luo_ser *root;
	int err;

	if (!luo_global.enabled)
		return 0;
	root = kho_alloc_preserve(sizeof(*root));
	if (IS_ERR(root)) {
		err = PTR_ERR(root);
		goto fail;
	}
	strscpy_pad(root->compatible, LUO_ABI_COMPATIBLE,
		    sizeof(root->compatible));
	root->features.supp = LUO_FEATURES_KNOWN;
	root->features.req = LUO_FEATURES_KNOWN;
	root->features.active = LUO_FEATURES_KNOWN;
	root->liveupdate_num = luo_global.in.liveupdate_num + 1;
	err = luo_flb_setup_outgoing(root);
	if (err)
		goto fail_free;
	err = kho_add_subtree(LUO_KHO_ENTRY_NAME, root, sizeof(*root));
	if (err)
		goto fail_free;
	luo_global.root = root;
	return 0;
fail_free:
	kho_unpreserve_free(root);
fail:
	pr_err("cannot set up the outgoing state (%d); live update disabled\n",
	       err);
	luo_global.enabled = false;
	return err;
}
late_initcall(luo_late_init);

/*
 * After every built-in file handler registered (device_initcall) and the
 * PCI core enumerated: rebuild the incoming sessions, and check each
 * incoming FLB against the files handed over with it.
 */
static int __init luo_late_sync_init(void)
{
	if (!luo_global.enabled || !luo_global.in.valid)
		return 0;
	luo_session_deserialize();
	luo_flb_check_incoming();
	return 0;
}
late_initcall_sync(luo_late_sync_init);

/*
 * Freeze every preserved file and write the handover, from
 * kernel_kexec() before devices shut down. On error the files are
 * unfrozen and the kexec must not happen.
 */
int liveupdate_reboot(void)
{
	int err;

	if (!liveupdate_enabled() || luo_global.rebooted)
		return 0;
	if (WARN_ON(!luo_global.root))
		return -EINVAL;
	err = luo_session_serialize(luo_global.root);
	if (err)
		return err;
	luo_flb_serialize();
	luo_global.rebooted = true;
	pr_info("handover written for live update %llu: %llu sessions\n",
		luo_global.root->liveupdate_num, luo_global.root->nr_sessions);
	return 0;
}
