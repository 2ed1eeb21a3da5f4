// SPDX-License-Identifier: GPL-2.0
/*
 * PCI Live Update: keep PCI devices running across a kexec.
 *
 * DOC: Design
 *
 * A driver that hands a device to the next kernel attaches the PCI FLB to
 * its LUO file handler (pci_liveupdate_register_flb()) and calls
 * pci_liveupdate_preserve() from the handler's .preserve(). The PCI core
 * records the device and, refcounted, every bridge above it (and the PF
 * of a VF) in one struct pci_ser handed over through KHO
 * (<linux/kho/abi/pci.h>). At kexec, pci_device_shutdown() freezes each
 * device and leaves Bus Master Enable on for the preserved ones.
 *
 * In the next kernel, enumeration looks every device up in that list. If
 * anything was preserved, bus numbers are inherited on every bridge for
 * the lifetime of the kernel (also where the arch or pci=assign-busses
 * would renumber), a preserved bridge that lost its numbers is refused
 * rather than renumbered, BARs and bridge windows of preserved devices
 * and their bridges are claimed before anything is assigned, ACS Control
 * and ARI Forwarding Enable are adopted, a preserved PF keeps its VFs
 * enabled and gets them back at the same BDFs (by the core during
 * enumeration, or when user space enables SR-IOV again: pci=lu_vfs=),
 * and no driver binds a preserved device unless user space names one
 * with driver_override. The driver calls pci_liveupdate_finish() from its
 * handler's .finish(); when the last one has, the FLB is freed. If no
 * file that depends on the FLB was handed over, LUO says so at late init
 * and the PCI core names every preserved device, which stays as it is.
 *
 * A handover this kernel cannot read (wrong version, corrupt list) is
 * refused with a message, and the kernel then keeps everything as the
 * hardware has it (inherits all bus numbers, claims every resource and
 * keeps every VF the hardware has enabled: "safe mode"), so the devices
 * that were preserved keep running even though they can no longer be
 * identified. The same holds when KHO or LUO refused the handover before
 * the PCI core could see its list (the kexec carried one, so devices may
 * have been preserved); only a kernel that was handed nothing, or a
 * handover without PCI state, enumerates as usual.
 *
 * Locking: pci_lu_rwsem protects the outgoing and incoming state and the
 * liveupdate fields of every pci_dev.
 */
#define pr_fmt(fmt) "PCI: liveupdate: " fmt

#include <linux/pci.h>
#include <linux/pci_liveupdate.h>
#include <linux/kho/abi/pci.h>
#include <linux/kexec_handover.h>
#include <linux/kho_block.h>
#include <linux/liveupdate.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/init.h>
#include <linux/string.h>
#include "pci.h"
#include "liveupdate.h"

/*
 * A device, its PF if a VF, and the bridges up to the root bus: deeper
 * hierarchies are refused (-E2BIG) rather than walked on a large stack.
 */
#define PCI_LU_MAX_PATH		64

struct pci_lu_outgoing {
	struct pci_ser *ser;
	struct kho_block_set bs;
	struct kho_block_set_it tail;	/* after the last entry written */
	u32 nr_entries;			/* written, free ones included */
	u32 nr_free;			/* of those, refcount 0 */
};

struct pci_lu_incoming {
	struct pci_ser *ser;
	struct kho_block_set bs;
	struct xarray devices;		/* key: domain << 16 | bdf */
	unsigned long nr_left;		/* preserved devices not finished */
};

static DECLARE_RWSEM(pci_lu_rwsem);
static struct pci_lu_incoming *pci_lu_in;
static bool pci_lu_in_checked;
/* Something was handed over: keep bus numbers for the kernel's lifetime. */
static bool pci_lu_had_incoming;
/* Handed over but unreadable: keep everything as the hardware has it. */
static bool pci_lu_safe_mode;
/* No file that could finish a preserved device was handed over. */
static enum pci_liveupdate_vf_policy pci_lu_vf_policy = PCI_LU_VFS_CORE;
/* pci=lu_fault=: guarantees switched off on purpose, for testing */
static bool pci_lu_fault_master;
static bool pci_lu_fault_buses;
static bool pci_lu_fault_probe;
static bool pci_lu_fault_acs;
static bool pci_lu_fault_list;
static bool pci_lu_fault_leak;
static bool pci_lu_fault_vfs;

static int pci_flb_preserve(struct liveupdate_flb_op_args *args);
static void pci_flb_unpreserve(struct liveupdate_flb_op_args *args);
static int pci_flb_retrieve(struct liveupdate_flb_op_args *args);
static void pci_flb_finish(struct liveupdate_flb_op_args *args);

static const struct liveupdate_flb_ops pci_flb_ops = {
	.preserve = pci_flb_preserve,
	.unpreserve = pci_flb_unpreserve,
	.retrieve = pci_flb_retrieve,
	.finish = pci_flb_finish,
};

static struct liveupdate_flb pci_liveupdate_flb = {
	.ops = &pci_flb_ops,
	.compatible = PCI_LUO_FLB_COMPATIBLE,
};

/* pci=lu_vfs=core|user */
void pci_liveupdate_set_vf_policy(const char *str)
{
	if (!strcmp(str, "core"))
		pci_lu_vf_policy = PCI_LU_VFS_CORE;
	else if (!strcmp(str, "user"))
		pci_lu_vf_policy = PCI_LU_VFS_USER;
	else
		pr_warn("pci=lu_vfs=%s: expected core or user\n", str);
}

/*
 * pci=lu_fault=master|buses|probe|acs|list|leak|vfs; list: the device list
 * leaves out the bridges above preserved devices (the list itself is what
 * is tested); leak: finish does not free the incoming pci_ser; vfs: a
 * preserved PF's running VFs are not adopted, so sriov_init() clears VF
 * Enable as if nothing was preserved.
 */
void pci_liveupdate_set_fault(const char *str)
{
	if (!strcmp(str, "master"))
		pci_lu_fault_master = true;
	else if (!strcmp(str, "buses"))
		pci_lu_fault_buses = true;
	else if (!strcmp(str, "probe"))
		pci_lu_fault_probe = true;
	else if (!strcmp(str, "acs"))
		pci_lu_fault_acs = true;
	else if (!strcmp(str, "list"))
		pci_lu_fault_list = true;
	else if (!strcmp(str, "leak"))
		pci_lu_fault_leak = true;
	else if (!strcmp(str, "vfs"))
		pci_lu_fault_vfs = true;
	else
		pr_warn("pci=lu_fault=%s: expected master, buses, probe, acs, list, leak or vfs\n",
			str);
	pr_warn("fault injection: %s guarantee switched off\n", str);
}

bool pci_liveupdate_vfs_by_core(void)
{
	return pci_lu_vf_policy == PCI_LU_VFS_CORE;
}

static unsigned long pci_lu_key(u32 domain, u16 bdf)
{
	return (unsigned long)domain << 16 | bdf;
}

static unsigned long pci_lu_dev_key(struct pci_dev *dev)
{
	return pci_lu_key(pci_domain_nr(dev->bus), pci_dev_id(dev));
}

/* dev, its PF if it is a VF, then every bridge up to the root bus */
static int pci_lu_path(struct pci_dev *dev, struct pci_dev **path)
{
	struct pci_dev *up;
	int n = 0;

	path[n++] = dev;
	up = dev;
#ifdef CONFIG_PCI_IOV
	if (dev->is_virtfn) {
		path[n++] = dev->physfn;
		up = dev->physfn;
	}
#endif
	for (up = up->bus->self; up; up = up->bus->self) {
		if (n == PCI_LU_MAX_PATH)
			return -E2BIG;
		path[n++] = up;
	}
	return n;
}

/* What dev depends on: a VF's PF, else the bridge above (pci_lu_path()). */
static struct pci_dev *pci_lu_dep(struct pci_dev *dev)
{
#ifdef CONFIG_PCI_IOV
	if (dev->is_virtfn)
		return dev->physfn;
#endif
	return dev->bus->self;
}

/* ---- the outgoing list ---- */

static void pci_lu_snapshot(struct pci_dev_ser *ser, struct pci_dev *dev)
{
	int i, pos;

	ser->domain = pci_domain_nr(dev->bus);
	ser->bdf = pci_dev_id(dev);
	ser->vendor = dev->vendor;
	ser->device = dev->device;
	ser->flags &= PCI_DEV_SER_PRESERVED;
	if (dev->subordinate) {
		u32 buses;

		pci_read_config_dword(dev, PCI_PRIMARY_BUS, &buses);
		ser->primary = buses & 0xff;
		ser->secondary = (buses >> 8) & 0xff;
		ser->subordinate = (buses >> 16) & 0xff;
		ser->flags |= PCI_DEV_SER_BRIDGE;
		if (pci_is_pcie(dev)) {
			u16 ctl2;

			pcie_capability_read_word(dev, PCI_EXP_DEVCTL2, &ctl2);
			if (ctl2 & PCI_EXP_DEVCTL2_ARI)
				ser->flags |= PCI_DEV_SER_ARI;
		}
	}
	pos = dev->acs_cap;
	if (pos)
		pci_read_config_word(dev, pos + PCI_ACS_CTRL, &ser->acs_ctrl);
#ifdef CONFIG_PCI_IOV
	if (dev->is_physfn) {
		ser->sriov_num_vfs = pci_num_vf(dev);
		pci_read_config_word(dev, dev->sriov->pos + PCI_SRIOV_CTRL,
				     &ser->sriov_ctrl);
		ser->flags |= PCI_DEV_SER_SRIOV;
	}
#endif
	for (i = 0; i < PCI_DEV_SER_NR_RES && i < PCI_NUM_RESOURCES; i++) {
		ser->res[i].start = dev->resource[i].start;
		ser->res[i].end = dev->resource[i].end;
		ser->res[i].flags = dev->resource[i].flags;
	}
}

/*
 * A free entry: one an unpreserve emptied if there is any (then a walk of
 * the set, which only unpreserve makes necessary), else a new one at the
 * tail. Preserving n devices costs O(n), not O(n^2).
 */
static struct pci_dev_ser *pci_lu_new_entry(struct pci_lu_outgoing *out)
{
	struct pci_dev_ser *ser;
	struct kho_block_set_it it;
	int err;

	if (out->nr_free) {
		kho_block_set_it_init(&it, &out->bs);
		while ((ser = kho_block_set_it_read_entry(&it))) {
			if (!ser->refcount) {
				out->nr_free--;
				return ser;
			}
		}
		WARN(1, "%u free entries not found\n", out->nr_free);
		out->nr_free = 0;
	}
	err = kho_block_set_grow(&out->bs, out->nr_entries + 1);
	if (err)
		return ERR_PTR(err);
	if (!out->nr_entries)
		kho_block_set_it_init(&out->tail, &out->bs);
	ser = kho_block_set_it_reserve_entry(&out->tail);
	if (!ser)
		return ERR_PTR(-ENOSPC);
	out->nr_entries++;
	memset(ser, 0, sizeof(*ser));
	out->ser->devices = kho_block_set_head_pa(&out->bs);
	return ser;
}

static int pci_lu_ref(struct pci_lu_outgoing *out, struct pci_dev *dev)
{
	struct pci_dev_ser *ser = dev->liveupdate.outgoing;

	if (!ser) {
		ser = pci_lu_new_entry(out);
		if (IS_ERR(ser))
			return PTR_ERR(ser);
		pci_lu_snapshot(ser, dev);
		dev->liveupdate.outgoing = ser;
		out->ser->nr_devices++;
	}
	if (ser->refcount == U16_MAX)
		return -EOVERFLOW;
	ser->refcount++;
	return 0;
}

static void pci_lu_unref(struct pci_lu_outgoing *out, struct pci_dev *dev)
{
	struct pci_dev_ser *ser = dev->liveupdate.outgoing;

	if (WARN_ON(!ser || !ser->refcount))
		return;
	if (--ser->refcount)
		return;
	memset(ser, 0, sizeof(*ser));
	dev->liveupdate.outgoing = NULL;
	out->ser->nr_devices--;
	out->nr_free++;
}

/**
 * pci_liveupdate_preserve - keep a device running across the next kexec
 * @dev: the device; every bridge above it (and the PF of a VF) follows
 *
 * Call from a LUO file handler's .preserve() whose handler has the PCI FLB
 * attached. Return: 0, -EBUSY if already preserved, -EINVAL once frozen
 * for kexec, -ENOENT without an outgoing PCI FLB, or an allocation error
 * (nothing is left half-preserved).
 */
int pci_liveupdate_preserve(struct pci_dev *dev)
{
	struct pci_dev *path[PCI_LU_MAX_PATH];
	struct pci_lu_outgoing *out;
	int i, n, err;

	guard(rwsem_write)(&pci_lu_rwsem);
	if (dev->liveupdate.frozen)
		return -EINVAL;
	if (dev->liveupdate.outgoing &&
	    dev->liveupdate.outgoing->flags & PCI_DEV_SER_PRESERVED)
		return -EBUSY;
	n = pci_lu_path(dev, path);
	if (n < 0)
		return n;
	err = liveupdate_flb_get_outgoing(&pci_liveupdate_flb, (void **)&out);
	if (err)
		return err;
	for (i = 0; i < n; i++) {
		err = pci_lu_ref(out, path[i]);
		if (err) {
			while (i--)
				pci_lu_unref(out, path[i]);
			goto put;
		}
	}
	dev->liveupdate.outgoing->flags |= PCI_DEV_SER_PRESERVED;
	pci_info(dev, "will be preserved across the next live update\n");
put:
	liveupdate_flb_put_outgoing(&pci_liveupdate_flb);
	return err;
}
EXPORT_SYMBOL_GPL(pci_liveupdate_preserve);

/**
 * pci_liveupdate_unpreserve - undo pci_liveupdate_preserve() before kexec
 * @dev: the device
 */
void pci_liveupdate_unpreserve(struct pci_dev *dev)
{
	struct pci_dev *path[PCI_LU_MAX_PATH];
	struct pci_lu_outgoing *out;
	int i, n;

	guard(rwsem_write)(&pci_lu_rwsem);
	if (!dev->liveupdate.outgoing ||
	    !(dev->liveupdate.outgoing->flags & PCI_DEV_SER_PRESERVED)) {
		pci_warn(dev, "cannot unpreserve a device that is not preserved\n");
		return;
	}
	if (dev->liveupdate.frozen) {
		pci_warn(dev, "cannot unpreserve once frozen for kexec\n");
		return;
	}
	if (liveupdate_flb_get_outgoing(&pci_liveupdate_flb, (void **)&out))
		return;
	dev->liveupdate.outgoing->flags &= ~PCI_DEV_SER_PRESERVED;
	n = pci_lu_path(dev, path);
	for (i = 0; i < n; i++)
		pci_lu_unref(out, path[i]);
	pci_info(dev, "will no longer be preserved\n");
	liveupdate_flb_put_outgoing(&pci_liveupdate_flb);
}
EXPORT_SYMBOL_GPL(pci_liveupdate_unpreserve);

void pci_liveupdate_freeze(struct pci_dev *dev)
{
	guard(rwsem_write)(&pci_lu_rwsem);
	dev->liveupdate.frozen = true;
	/* what the hardware looks like now is what the next kernel finds */
	if (dev->liveupdate.outgoing)
		pci_lu_snapshot(dev->liveupdate.outgoing, dev);
}

bool pci_liveupdate_is_outgoing(struct pci_dev *dev)
{
	guard(rwsem_read)(&pci_lu_rwsem);
	WARN_ON_ONCE(dev->liveupdate.outgoing && !dev->liveupdate.frozen);
	return dev->liveupdate.outgoing && !pci_lu_fault_master;
}

static int pci_flb_preserve(struct liveupdate_flb_op_args *args)
{
	struct pci_lu_outgoing *out = kzalloc_obj(*out, GFP_KERNEL);

	if (!out)
		return -ENOMEM;
	out->ser = kho_alloc_preserve(sizeof(*out->ser));
	if (IS_ERR(out->ser)) {
		int err = PTR_ERR(out->ser);

		kfree(out);
		return err;
	}
	out->ser->version = PCI_LUO_FLB_VERSION;
	kho_block_set_init(&out->bs, sizeof(struct pci_dev_ser));
	args->obj = out;
	args->data = virt_to_phys(out->ser);
	return 0;
}

static void pci_flb_unpreserve(struct liveupdate_flb_op_args *args)
{
	struct pci_lu_outgoing *out = args->obj;

	WARN(out->ser->nr_devices, "%u devices still preserved\n",
	     out->ser->nr_devices);
	kho_block_set_destroy(&out->bs);
	kho_unpreserve_free(out->ser);
	kfree(out);
}

/* ---- the incoming list ---- */

static int pci_flb_retrieve(struct liveupdate_flb_op_args *args)
{
	struct pci_lu_incoming *in;
	struct kho_block_set_it it;
	struct pci_dev_ser *ser;
	struct folio *folio;
	u32 count = 0;
	int err;

	folio = kho_restore_folio(args->data);
	if (!folio) {
		/* there was PCI data, but not where it says: corrupt */
		pr_err("incoming pci_ser at %#llx was not preserved\n", args->data);
		return -EINVAL;
	}
	in = kzalloc_obj(*in, GFP_KERNEL);
	if (!in) {
		folio_put(folio);
		return -ENOMEM;
	}
	in->ser = folio_address(folio);
	xa_init(&in->devices);
	if (in->ser->version != PCI_LUO_FLB_VERSION) {
		pr_err("incoming pci_ser is version %u, this kernel reads version %u: refused\n",
		       in->ser->version, PCI_LUO_FLB_VERSION);
		err = -EINVAL;
		goto err_free;
	}
	kho_block_set_init(&in->bs, sizeof(struct pci_dev_ser));
	err = in->ser->devices ? kho_block_set_restore(&in->bs, in->ser->devices) : 0;
	if (err) {
		pr_err("incoming device list is corrupt (%d): refused\n", err);
		goto err_free;
	}
	kho_block_set_it_init(&it, &in->bs);
	while ((ser = kho_block_set_it_read_entry(&it))) {
		if (!ser->refcount)
			continue;
		count++;
		err = xa_insert(&in->devices, pci_lu_key(ser->domain, ser->bdf),
				ser, GFP_KERNEL);
		if (err) {
			pr_err("incoming device list names %04x:%02x:%02x.%d twice: refused\n",
			       ser->domain, ser->bdf >> 8, PCI_SLOT(ser->bdf),
			       PCI_FUNC(ser->bdf));
			goto err_destroy;
		}
		if (ser->flags & PCI_DEV_SER_PRESERVED)
			in->nr_left++;
	}
	if (count != in->ser->nr_devices) {
		pr_err("incoming device list has %u devices, its header says %u: refused\n",
		       count, in->ser->nr_devices);
		err = -EINVAL;
		goto err_destroy;
	}
	pr_info("%u devices were preserved by the previous kernel\n", count);
	args->obj = in;
	return 0;

err_destroy:
	xa_destroy(&in->devices);
	kho_block_set_destroy(&in->bs);
err_free:
	folio_put(folio);
	kfree(in);
	return err;
}

static void pci_flb_finish(struct liveupdate_flb_op_args *args)
{
	struct pci_lu_incoming *in = args->obj;
	struct pci_dev_ser *ser;
	unsigned long key;

	xa_for_each(&in->devices, key, ser) {
		if (ser->refcount && ser->flags & PCI_DEV_SER_PRESERVED)
			pr_err("%04x:%02x:%02x.%d was preserved but never finished\n",
			       ser->domain, ser->bdf >> 8, PCI_SLOT(ser->bdf),
			       PCI_FUNC(ser->bdf));
	}
	scoped_guard(rwsem_write, &pci_lu_rwsem)
		pci_lu_in = NULL;
	xa_destroy(&in->devices);
	kho_block_set_destroy(&in->bs);
	if (!pci_lu_fault_leak)
		folio_put(virt_to_folio(in->ser));
	kfree(in);
}

/* The incoming list, retrieved the first time anyone asks. */
static struct pci_lu_incoming *pci_lu_incoming(void)
{
	void *obj;
	int err;

	if (pci_lu_in_checked)
		return pci_lu_in;
	pci_lu_in_checked = true;
	err = liveupdate_flb_get_incoming(&pci_liveupdate_flb, &obj);
	switch (err) {
	case 0:
		pci_lu_in = obj;
		pci_lu_had_incoming = true;
		liveupdate_flb_put_incoming(&pci_liveupdate_flb);
		break;
	case -EOPNOTSUPP:
	case -ENODATA:
	case -ENOENT:
		/* nothing was preserved, or nothing of PCI */
		break;
	case -EBADMSG:
		/*
		 * kho_safe=on: a handover was offered and refused before
		 * the device list could be read; devices may have been
		 * preserved and still be running, and nothing tells which.
		 */
		pr_err("the handover from the previous kernel was refused: keeping every bus number, BAR and window as the hardware has them\n");
		pci_lu_had_incoming = true;
		pci_lu_safe_mode = true;
		break;
	default:
		/* upstream panics; the devices are kept as they run instead */
		pr_err("cannot retrieve what the previous kernel preserved (%d): keeping every bus number, BAR and window as the hardware has them\n",
		       err);
		pci_lu_had_incoming = true;
		pci_lu_safe_mode = true;
	}
	return pci_lu_in;
}

/*
 * The previous kernel lists a device together with everything it depends
 * on: the bridges above it and, for a VF, its PF, whose entry keeps at
 * least that many VFs enabled. A list that is not closed that way is not
 * one it wrote; the device is refused, and kept as the hardware has it.
 */
static bool pci_lu_list_closed(struct pci_dev *dev)
{
	struct pci_dev *dep = pci_lu_dep(dev);
	struct pci_dev_ser *pser;

	if (!dep)
		return true;
	pser = dep->liveupdate.incoming;
	if (!pser) {
		pci_err(dev, "preserved, but %s %s is not: not treated as preserved, kept as the hardware has it\n",
			dev->is_virtfn ? "its PF" : "the bridge above it",
			pci_name(dep));
		return false;
	}
#ifdef CONFIG_PCI_IOV
	if (dev->is_virtfn &&
	    (!(pser->flags & PCI_DEV_SER_SRIOV) ||
	     !(pser->sriov_ctrl & PCI_SRIOV_CTRL_VFE) ||
	     pci_iov_vf_id(dev) >= pser->sriov_num_vfs)) {
		pci_err(dev, "preserved as VF %d of %s, whose entry has SR-IOV Control %#06x and %u VFs: not treated as preserved, kept as the hardware has it\n",
			pci_iov_vf_id(dev), pci_name(dep), pser->sriov_ctrl,
			pser->flags & PCI_DEV_SER_SRIOV ? pser->sriov_num_vfs : 0);
		return false;
	}
#endif
	return true;
}

/* The bus address a BAR register (and the next, for 64 bits) decodes at. */
static u64 pci_lu_hw_bar(struct pci_dev *dev, int reg, bool *io)
{
	u32 lo, hi = 0;

	pci_read_config_dword(dev, reg, &lo);
	*io = lo & PCI_BASE_ADDRESS_SPACE_IO;
	if (*io)
		return lo & PCI_BASE_ADDRESS_IO_MASK;
	if ((lo & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64)
		pci_read_config_dword(dev, reg + 4, &hi);
	return (u64)hi << 32 | (lo & PCI_BASE_ADDRESS_MEM_MASK);
}

/* Does the hardware decode resource i where the entry says (reg: its BAR)? */
static bool pci_lu_bar_matches(struct pci_dev *dev, struct pci_dev_ser *ser,
			       int i, int reg)
{
	const struct pci_res_ser *r = &ser->res[i];
	struct resource res = {
		.start = r->start, .end = r->end, .flags = r->flags,
	};
	struct pci_bus_region region;
	bool io;
	u64 hw;

	if (!(r->flags & (IORESOURCE_IO | IORESOURCE_MEM)) ||
	    r->flags & IORESOURCE_UNSET || !r->start)
		return true;
	hw = pci_lu_hw_bar(dev, reg, &io);
	pcibios_resource_to_bus(dev->bus, &region, &res);
	if (io == !!(r->flags & IORESOURCE_IO) && hw == region.start)
		return true;
	pci_err(dev, "preserved with %s at %#llx, but the hardware decodes it at %#llx: not treated as preserved, kept as the hardware has it\n",
		pci_resource_name(dev, i), (unsigned long long)region.start,
		(unsigned long long)hw);
	return false;
}

/*
 * The BARs (and VF BARs) of a preserved device are taken from its entry,
 * not sized: an entry that puts one where the hardware does not decode it
 * is not what the previous kernel wrote, and claiming it would take
 * space the hardware gives to another device, which then gets moved.
 */
static bool pci_lu_bars_match(struct pci_dev *dev, struct pci_dev_ser *ser)
{
	int i, n;

	if (dev->is_virtfn)
		return true;
	switch (dev->hdr_type) {
	case PCI_HEADER_TYPE_NORMAL:
		n = PCI_STD_NUM_BARS;
		break;
	case PCI_HEADER_TYPE_BRIDGE:
		n = 2;
		break;
	default:
		n = 1;
	}
	for (i = 0; i < n; i++)
		if (!pci_lu_bar_matches(dev, ser, i, PCI_BASE_ADDRESS_0 + 4 * i))
			return false;
#ifdef CONFIG_PCI_IOV
	n = pci_find_ext_capability(dev, PCI_EXT_CAP_ID_SRIOV);
	for (i = 0; n && i < PCI_SRIOV_NUM_BARS; i++)
		if (!pci_lu_bar_matches(dev, ser, PCI_IOV_RESOURCES + i,
					n + PCI_SRIOV_BAR + 4 * i))
			return false;
#endif
	return true;
}

void pci_liveupdate_setup_device(struct pci_dev *dev)
{
	struct pci_lu_incoming *in;
	struct pci_dev_ser *ser;

	guard(rwsem_write)(&pci_lu_rwsem);
	in = pci_lu_incoming();
	if (!in)
		return;
	ser = xa_load(&in->devices, pci_lu_dev_key(dev));
	if (!ser || !ser->refcount)
		return;
	if (ser->vendor != dev->vendor || ser->device != dev->device) {
		pci_err(dev, "preserved as [%04x:%04x] but is now [%04x:%04x]: not treated as preserved\n",
			ser->vendor, ser->device, dev->vendor, dev->device);
		return;
	}
	if (!pci_lu_list_closed(dev) || !pci_lu_bars_match(dev, ser)) {
		/* running, maybe: nothing of it is moved, sized or reset */
		dev->liveupdate.refused = true;
		return;
	}
	dev->liveupdate.incoming = ser;
	dev->liveupdate.was_incoming = true;
	dev->liveupdate.acs_ctrl = ser->acs_ctrl;
	xa_set_mark(&in->devices, pci_lu_dev_key(dev), XA_MARK_0);
	if (!(ser->flags & PCI_DEV_SER_PRESERVED))
		return;
	pci_info(dev, "preserved by the previous kernel\n");
}

void pci_liveupdate_cleanup_device(struct pci_dev *dev)
{
	if (dev->liveupdate.incoming || dev->liveupdate.outgoing)
		pci_warn(dev, "removed while preserved for live update\n");
}

bool pci_liveupdate_is_incoming(struct pci_dev *dev)
{
	guard(rwsem_read)(&pci_lu_rwsem);
	return dev->liveupdate.incoming;
}
EXPORT_SYMBOL_GPL(pci_liveupdate_is_incoming);

/**
 * pci_liveupdate_finish - the driver has taken over a preserved device
 * @dev: the device
 *
 * Call from the LUO file handler's .finish(). Drops the device's and its
 * bridges' references; devices no longer incoming behave normally from
 * then on (but bus numbers stay inherited for the kernel's lifetime).
 */
void pci_liveupdate_finish(struct pci_dev *dev)
{
	struct pci_dev *path[PCI_LU_MAX_PATH];
	int i, n;

	guard(rwsem_write)(&pci_lu_rwsem);
	if (!dev->liveupdate.incoming ||
	    !(dev->liveupdate.incoming->flags & PCI_DEV_SER_PRESERVED)) {
		pci_warn(dev, "cannot finish a device that was not preserved\n");
		return;
	}
	n = pci_lu_path(dev, path);
	dev->liveupdate.incoming->flags &= ~PCI_DEV_SER_PRESERVED;
	for (i = 0; i < n; i++) {
		struct pci_dev_ser *ser = path[i]->liveupdate.incoming;

		if (!ser || WARN_ON(!ser->refcount))
			continue;
		if (!--ser->refcount)
			path[i]->liveupdate.incoming = NULL;
	}
	if (pci_lu_in && pci_lu_in->nr_left)
		pci_lu_in->nr_left--;
	pci_info(dev, "live update finished\n");
}
EXPORT_SYMBOL_GPL(pci_liveupdate_finish);

/* ---- enumeration decisions ---- */

bool pci_liveupdate_inherit_bus_numbers(struct pci_bus *bus,
					struct pci_dev *dev, bool broken,
					bool *refuse, int *max_bus)
{
	struct pci_dev_ser *ser;

	guard(rwsem_read)(&pci_lu_rwsem);
	*refuse = false;
	*max_bus = 0;
	if (!pci_lu_had_incoming || pci_lu_fault_buses)
		return false;
	ser = dev->liveupdate.incoming;
	if (ser && ser->flags & PCI_DEV_SER_BRIDGE) {
		u32 buses;

		pci_read_config_dword(dev, PCI_PRIMARY_BUS, &buses);
		if (broken || ((buses >> 8) & 0xff) != ser->secondary ||
		    ((buses >> 16) & 0xff) != ser->subordinate) {
			pci_err(dev, "Cannot reconfigure bridge during Live Update: preserved as [bus %02x-%02x], now [bus %02x-%02x]\n",
				ser->secondary, ser->subordinate,
				(buses >> 8) & 0xff, (buses >> 16) & 0xff);
			*refuse = true;
			/* nobody else may be numbered into its range */
			*max_bus = ser->subordinate;
		}
	}
	return true;
}

/*
 * Claim what dev decodes, as the hardware has it. A bridge window is
 * claimed with pci_claim_resource(), not pci_claim_bridge_resource():
 * that one writes a window it cannot claim (clipped, or disabled), and
 * asks whether the bridge is incoming, under pci_lu_rwsem held here.
 */
static void pci_lu_claim_dev(struct pci_dev *dev)
{
	int i;

	if (dev->subordinate) {
		pci_read_bridge_bases(dev->subordinate);
		for (i = PCI_BRIDGE_RESOURCES; i < PCI_BRIDGE_RESOURCE_END; i++)
			if (dev->resource[i].flags && !dev->resource[i].parent &&
			    resource_size(&dev->resource[i]) > 1)
				pci_claim_resource(dev, i);
	}
	for (i = 0; i < PCI_BRIDGE_RESOURCES; i++) {
		struct resource *r = &dev->resource[i];

		if (i == PCI_ROM_RESOURCE || !r->flags || r->parent ||
		    !r->start)
			continue;
		pci_claim_resource(dev, i);
	}
}

static void pci_lu_claim_bus(struct pci_bus *bus)
{
	struct pci_dev *dev;

	list_for_each_entry(dev, &bus->devices, bus_list) {
		if (!dev->liveupdate.incoming)
			continue;
		pci_lu_claim_dev(dev);
		if (dev->subordinate)
			pci_lu_claim_bus(dev->subordinate);
	}
}

/*
 * A device the list names but that was refused may be running all the
 * same: claim what it and everything above it decode, as the hardware
 * has it, from the root bus down.
 */
static void pci_lu_claim_refused(struct pci_bus *bus)
{
	struct pci_dev *path[PCI_LU_MAX_PATH];
	struct pci_bus *child;
	struct pci_dev *dev;
	int n;

	list_for_each_entry(dev, &bus->devices, bus_list) {
		if (!dev->liveupdate.refused)
			continue;
		n = pci_lu_path(dev, path);
		while (n-- > 0)
			if (!path[n]->liveupdate.incoming)
				pci_lu_claim_dev(path[n]);
	}
	list_for_each_entry(child, &bus->children, node)
		pci_lu_claim_refused(child);
}

void pci_liveupdate_claim_resources(struct pci_bus *bus)
{
	bool safe_mode;

	scoped_guard(rwsem_read, &pci_lu_rwsem) {
		safe_mode = pci_lu_safe_mode;
		if (!safe_mode && pci_lu_in) {
			pci_lu_claim_bus(bus);
			pci_lu_claim_refused(bus);
		}
	}
	/* not under pci_lu_rwsem: it may ask pci_liveupdate_is_incoming() */
	if (safe_mode)
		pci_bus_claim_resources(bus);
}

void pci_liveupdate_add_device(struct pci_dev *dev)
{
	u16 num_vfs;

	if (!pci_liveupdate_vfs_by_core() ||
	    !pci_liveupdate_sriov_adopt(dev, &num_vfs))
		return;
	/* the SR-IOV code sees they are enabled and takes them over */
	if (pci_enable_sriov(dev, num_vfs))
		pci_err(dev, "could not recreate its %u preserved VFs\n", num_vfs);
}

/**
 * pci_liveupdate_was_preserved - did a driver preserve this very device?
 * @dev: the device
 *
 * Unlike pci_liveupdate_is_incoming(), false for the bridges above a
 * preserved device and for the PF of preserved VFs. True until finish.
 */
bool pci_liveupdate_was_preserved(struct pci_dev *dev)
{
	bool ret;

	down_read(&pci_lu_rwsem);
	ret = dev->liveupdate.incoming &&
	      dev->liveupdate.incoming->flags & PCI_DEV_SER_PRESERVED;
	up_read(&pci_lu_rwsem);
	return ret;
}
EXPORT_SYMBOL_GPL(pci_liveupdate_was_preserved);

/*
 * A preserved device may be probed only through driver_override: which
 * driver preserved it is for user space to say, and a driver that
 * matches by ID would take it over (and reset it) otherwise.
 */
bool pci_liveupdate_probe_needs_override(struct pci_dev *dev)
{
	return pci_liveupdate_was_preserved(dev) && !pci_lu_fault_probe;
}

int pci_liveupdate_enable_adopted_acs_controls(struct pci_dev *dev)
{
	if (!dev->liveupdate.was_incoming || !dev->acs_cap || pci_lu_fault_acs)
		return -EINVAL;
	pci_write_config_word(dev, dev->acs_cap + PCI_ACS_CTRL,
			      dev->liveupdate.acs_ctrl);
	return 0;
}

int pci_liveupdate_adopt_ari(struct pci_dev *dev)
{
	struct pci_dev_ser *ser;

	guard(rwsem_read)(&pci_lu_rwsem);
	ser = dev->liveupdate.incoming;
	if (!ser || !(ser->flags & PCI_DEV_SER_BRIDGE))
		return -EINVAL;
	dev->ari_enabled = !!(ser->flags & PCI_DEV_SER_ARI);
	return 0;
}

/* Does the hardware have VFs enabled on dev, and how many? */
static bool pci_lu_hw_vfs(struct pci_dev *dev, u16 *num_vfs)
{
	int pos = pci_find_ext_capability(dev, PCI_EXT_CAP_ID_SRIOV);
	u16 ctrl = 0;

	*num_vfs = 0;
	if (!pos)
		return false;
	pci_read_config_word(dev, pos + PCI_SRIOV_CTRL, &ctrl);
	pci_read_config_word(dev, pos + PCI_SRIOV_NUM_VF, num_vfs);
	return (ctrl & PCI_SRIOV_CTRL_VFE) && *num_vfs;
}

bool pci_liveupdate_sriov_adopt(struct pci_dev *dev, u16 *num_vfs)
{
	struct pci_dev_ser *ser;
	u16 hw_vfs;

	guard(rwsem_write)(&pci_lu_rwsem);
	/* nothing can be identified, or this one was refused: keep any VFs */
	if (pci_lu_safe_mode || dev->liveupdate.refused)
		return pci_lu_hw_vfs(dev, num_vfs);
	ser = dev->liveupdate.incoming;
	if (!ser || pci_lu_fault_vfs)
		return false;
	/* VFs that are not running cannot be taken over */
	if (!pci_lu_hw_vfs(dev, &hw_vfs))
		return false;
	*num_vfs = hw_vfs;
	if (ser->flags & PCI_DEV_SER_SRIOV &&
	    ser->sriov_ctrl & PCI_SRIOV_CTRL_VFE && ser->sriov_num_vfs == hw_vfs)
		return true;
	/* the entry is not what the hardware runs: never stop running VFs */
	if (!dev->liveupdate.vfs_from_hw)
		pci_err(dev, "preserved with SR-IOV Control %#06x and %u VFs, but the hardware runs %u VFs: kept as the hardware has them\n",
			ser->sriov_ctrl,
			ser->flags & PCI_DEV_SER_SRIOV ? ser->sriov_num_vfs : 0,
			hw_vfs);
	dev->liveupdate.vfs_from_hw = true;
	return true;
}

/* Set a resource from what the previous kernel recorded for it. */
static void pci_lu_set_res(struct pci_dev *dev, int i,
			   const struct pci_res_ser *r, u64 size)
{
	struct resource *res = &dev->resource[i];

	res->name = pci_name(dev);
	res->flags = r->flags;
	res->start = r->start;
	res->end = size ? r->start + size - 1 : r->end;
	if (res->flags && size)
		pci_info(dev, "%s %pR: kept from before the live update\n",
			 pci_resource_name(dev, i), res);
}

/*
 * probe.c pci_read_bases(), before it turns decoding off and sizes the
 * BARs and the ROM: those of a preserved device, unprobed.
 */
bool pci_liveupdate_read_bases(struct pci_dev *dev, unsigned int howmany,
			       int rom)
{
	struct pci_dev_ser *ser;
	unsigned int i;

	guard(rwsem_read)(&pci_lu_rwsem);
	ser = dev->liveupdate.incoming;
	if (!ser)
		return false;
	for (i = 0; i < howmany; i++)
		pci_lu_set_res(dev, i, &ser->res[i],
			       ser->res[i].end - ser->res[i].start + 1);
	if (rom) {
		const struct pci_res_ser *r = &ser->res[PCI_ROM_RESOURCE];

		dev->rom_base_reg = rom;
		pci_lu_set_res(dev, PCI_ROM_RESOURCE, r, r->end - r->start + 1);
	}
	return true;
}

#ifdef CONFIG_PCI_IOV
/*
 * iov.c sriov_init(), before it sizes all VF BARs at once: those of a
 * preserved PF (per VF), unprobed. Its VFs may still be enabled, and
 * sizing would have them decode at all ones. A VF BAR fixed by EA or a
 * header fixup stays as it is, as sriov_init() leaves it.
 */
bool pci_liveupdate_read_iov_bases(struct pci_dev *dev, u16 total)
{
	struct pci_dev_ser *ser;
	int bar;

	BUILD_BUG_ON(PCI_IOV_RESOURCE_END >= PCI_DEV_SER_NR_RES);

	guard(rwsem_read)(&pci_lu_rwsem);
	ser = dev->liveupdate.incoming;
	if (!ser || !total)
		return false;
	for (bar = 0; bar < PCI_SRIOV_NUM_BARS; bar++) {
		int i = pci_resource_num_from_vf_bar(bar);
		const struct pci_res_ser *r = &ser->res[i];
		struct resource *res = &dev->resource[i];

		if (!(res->flags & IORESOURCE_PCI_FIXED))
			pci_lu_set_res(dev, i, r,
				       r->flags ? (r->end - r->start + 1) / total : 0);
		/* the upper half of a 64-bit BAR, as sriov_init() skips it */
		if (res->flags & IORESOURCE_MEM_64)
			bar++;
	}
	return true;
}
#endif

/* Could the entry be VF number < nr of PF pf (not created yet)? */
static bool pci_lu_is_vf_of(struct pci_dev *pf, struct pci_dev_ser *ser)
{
#ifdef CONFIG_PCI_IOV
	struct pci_dev_ser *pser = pf->liveupdate.incoming;
	int i;

	if (!pf->is_physfn || !pser || !(pser->flags & PCI_DEV_SER_SRIOV))
		return false;
	for (i = 0; i < pser->sriov_num_vfs; i++)
		if (PCI_DEVID(pci_iov_virtfn_bus(pf, i),
			      pci_iov_virtfn_devfn(pf, i)) == ser->bdf)
			return true;
#endif
	return false;
}

/* probe.c pci_host_probe(): every device of this domain has been found */
void pci_liveupdate_scan_done(struct pci_bus *bus)
{
	int domain = pci_domain_nr(bus);
	struct pci_dev_ser *ser;
	unsigned long key;

	guard(rwsem_read)(&pci_lu_rwsem);
	if (!pci_lu_in)
		return;
	/* this domain's entries only: once per host bridge, O(preserved) */
	xa_for_each_range(&pci_lu_in->devices, key, ser, pci_lu_key(domain, 0),
			  pci_lu_key(domain, U16_MAX)) {
		struct pci_dev *pf = NULL;
		bool later = false;

		if (ser->domain != domain || !ser->refcount ||
		    xa_get_mark(&pci_lu_in->devices, key, XA_MARK_0))
			continue;
		/* VFs come back when user space enables SR-IOV again */
		while (!pci_liveupdate_vfs_by_core() && !later &&
		       (pf = pci_get_device(PCI_ANY_ID, PCI_ANY_ID, pf)))
			later = pci_domain_nr(pf->bus) == domain &&
				pci_lu_is_vf_of(pf, ser);
		pci_dev_put(pf);
		if (later)
			continue;
		pr_err("%04x:%02x:%02x.%d [%04x:%04x] was preserved but did not come back after kexec\n",
		       ser->domain, ser->bdf >> 8, PCI_SLOT(ser->bdf),
		       PCI_FUNC(ser->bdf), ser->vendor, ser->device);
	}
}

/* ---- the live-update device list ---- */

struct pci_lu_walk {
	bool outgoing;
	pci_liveupdate_list_fn fn;
	void *arg;
};

static int pci_lu_walk_bus(struct pci_lu_walk *w, struct pci_bus *bus)
{
	struct pci_bus *child;
	struct pci_dev *dev;
	int ret;

	list_for_each_entry(dev, &bus->devices, bus_list) {
		struct pci_dev_ser *ser = w->outgoing ? dev->liveupdate.outgoing :
					  dev->liveupdate.incoming;

		if (ser && ser->refcount &&
		    !(pci_lu_fault_list && !(ser->flags & PCI_DEV_SER_PRESERVED) &&
		      dev->subordinate)) {
			struct pci_liveupdate_entry e = {
				.dev = dev,
				.dep = pci_lu_dep(dev),
				.ser = ser,
			};

			ret = w->fn(&e, w->arg);
			if (ret)
				return ret;
		}
		if (dev->subordinate) {
			ret = pci_lu_walk_bus(w, dev->subordinate);
			if (ret)
				return ret;
		}
	}
	/* the buses iov.c adds for VFs beyond their PF's bus have no bridge */
	list_for_each_entry(child, &bus->children, node) {
		if (child->self)
			continue;
		ret = pci_lu_walk_bus(w, child);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * pci_liveupdate_walk_list - the live-update device list, device by device
 * @outgoing: the list for the next kexec, else the one handed to us
 * @fn: called for each device; a non-zero return stops the walk
 * @arg: passed to @fn
 *
 * Walks down from the host bridges over the devices that are actually
 * preserved (their pci_dev_ser), so a device comes after everything it
 * depends on: the bridges above it and, for a VF, its PF. Each entry
 * names the device it directly depends on (NULL on a root bus); its
 * refcount is the number of preserved devices at or below it. Incoming
 * entries that no device claimed at enumeration come last, with @dev
 * NULL. Devices already finished are no longer listed.
 *
 * Return: 0, or what @fn returned to stop the walk.
 */
int pci_liveupdate_walk_list(bool outgoing, pci_liveupdate_list_fn fn,
			     void *arg)
{
	struct pci_lu_walk w = { outgoing, fn, arg };
	struct pci_dev_ser *ser;
	struct pci_bus *bus;
	unsigned long key;
	int ret;

	guard(rwsem_read)(&pci_lu_rwsem);
	list_for_each_entry(bus, &pci_root_buses, node) {
		ret = pci_lu_walk_bus(&w, bus);
		if (ret)
			return ret;
	}
	if (outgoing || !pci_lu_in)
		return 0;
	xa_for_each(&pci_lu_in->devices, key, ser) {
		struct pci_liveupdate_entry e = { .ser = ser };

		if (!ser->refcount ||
		    xa_get_mark(&pci_lu_in->devices, key, XA_MARK_0))
			continue;
		ret = fn(&e, arg);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(pci_liveupdate_walk_list);

static int pci_lu_print_entry(const struct pci_liveupdate_entry *e, void *arg)
{
	const struct pci_dev_ser *ser = e->ser;
	const char *role;

	if (!e->dev) {
		pr_info("liveupdate list: %04x:%02x:%02x.%d [%04x:%04x] handed over, not found\n",
			ser->domain, ser->bdf >> 8, PCI_SLOT(ser->bdf),
			PCI_FUNC(ser->bdf), ser->vendor, ser->device);
		return 0;
	}
	role = ser->flags & PCI_DEV_SER_PRESERVED ? "preserved" :
	       e->dev->subordinate ? "bridge above preserved devices" :
	       "PF of preserved VFs";
	pci_info(e->dev, "liveupdate list: %s, %u preserved at or below, depends on %s%s\n",
		 role, ser->refcount, e->dep ? pci_name(e->dep) : "the host bridge",
		 ser->flags & PCI_DEV_SER_SRIOV ? ", SR-IOV state kept" : "");
	return 0;
}

/**
 * pci_liveupdate_print_list - log every device live update keeps
 * @outgoing: the list for the next kexec, else the one handed to us
 *
 * One line per device of pci_liveupdate_walk_list(), in its order.
 */
void pci_liveupdate_print_list(bool outgoing)
{
	pr_info("%s device list:\n", outgoing ? "outgoing" : "incoming");
	pci_liveupdate_walk_list(outgoing, pci_lu_print_entry, NULL);
}

/**
 * pci_liveupdate_register_flb - attach the PCI FLB to a file handler
 * @fh: a LUO file handler whose files preserve PCI devices
 */
int pci_liveupdate_register_flb(struct liveupdate_file_handler *fh)
{
	return liveupdate_register_flb(fh, &pci_liveupdate_flb);
}
EXPORT_SYMBOL_GPL(pci_liveupdate_register_flb);

void pci_liveupdate_unregister_flb(struct liveupdate_file_handler *fh)
{
	liveupdate_unregister_flb(fh, &pci_liveupdate_flb);
}
EXPORT_SYMBOL_GPL(pci_liveupdate_unregister_flb);
