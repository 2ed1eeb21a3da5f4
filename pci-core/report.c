// SPDX-License-Identifier: GPL-2.0
/*
 * What the host world may ask the PCI core: the devices it found, the
 * live-update device list, and the sysfs actions a user would take
 * (sriov_numvfs, rescan), done through the same kernel paths the sysfs
 * handlers use.
 */
#include <linux/pci.h>
#include <linux/pci_liveupdate.h>
#include <linux/kho/abi/pci.h>
#include <linux/device.h>
#include <linux/string.h>
#include <sim/host_abi.h>
#include "pci.h"

#include <sim/kernel.h>

static void sim_fill_info(struct pci_dev *dev, struct sim_pci_info *info)
{
	int i;

	memset(info, 0, sizeof(*info));
	info->domain = pci_domain_nr(dev->bus);
	info->bus = dev->bus->number;
	info->devfn = dev->devfn;
	info->vendor = dev->vendor;
	info->device = dev->device;
	info->subsys_vendor = dev->subsystem_vendor;
	info->subsys_device = dev->subsystem_device;
	info->class_code = dev->class;
	info->hdr_type = dev->hdr_type;
	info->pcie_type = pci_is_pcie(dev) ? pci_pcie_type(dev) : -1;
	info->is_virtfn = dev->is_virtfn;
	info->cfg_size = dev->cfg_size;
	if (dev->bus->self) {
		info->has_parent = 1;
		info->parent_bus = dev->bus->self->bus->number;
		info->parent_devfn = dev->bus->self->devfn;
	}
	if (dev->subordinate) {
		info->is_bridge = 1;
		info->primary = dev->subordinate->primary;
		info->secondary = dev->subordinate->busn_res.start;
		info->subordinate = dev->subordinate->busn_res.end;
	}
#ifdef CONFIG_PCI_IOV
	if (dev->is_physfn) {
		info->sriov_total = pci_sriov_get_totalvfs(dev);
		info->sriov_num = pci_num_vf(dev);
	}
	if (dev->is_virtfn) {
		info->physfn_bus = dev->physfn->bus->number;
		info->physfn_devfn = dev->physfn->devfn;
	}
#endif
	for (i = 0; i < PCI_NUM_RESOURCES && i < SIM_NR_RES; i++) {
		info->res[i].start = dev->resource[i].start;
		info->res[i].end = dev->resource[i].end;
		info->res[i].flags = dev->resource[i].flags;
	}
	if (dev->driver)
		strscpy(info->driver, dev->driver->name, sizeof(info->driver));
	strscpy(info->name, pci_name(dev), sizeof(info->name));
}

static int sim_walk_bus(struct pci_bus *bus, sim_pci_visit_t fn, void *ctx)
{
	struct sim_pci_info info;
	struct pci_bus *child;
	struct pci_dev *dev;
	int ret;

	list_for_each_entry(dev, &bus->devices, bus_list) {
		sim_fill_info(dev, &info);
		ret = fn(&info, ctx);
		if (ret)
			return ret;
		if (dev->subordinate) {
			ret = sim_walk_bus(dev->subordinate, fn, ctx);
			if (ret)
				return ret;
		}
	}
	/* Virtual buses iov.c adds for VFs beyond the PF's bus have no bridge. */
	list_for_each_entry(child, &bus->children, node) {
		if (child->self)
			continue;
		ret = sim_walk_bus(child, fn, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

/* Depth first in bus order, as lspci -t draws it; VFs on their bus. */
int sim_pci_visit_devs(sim_pci_visit_t fn, void *ctx)
{
	struct pci_bus *bus;
	int ret;

	list_for_each_entry(bus, &pci_root_buses, node) {
		ret = sim_walk_bus(bus, fn, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

struct sim_lu_visit {
	sim_lu_list_visit_t fn;
	void *ctx;
};

static int sim_lu_entry_of(const struct pci_liveupdate_entry *e, void *arg)
{
	const struct pci_dev_ser *ser = e->ser;
	struct sim_lu_visit *v = arg;
	struct sim_lu_entry out;

	memset(&out, 0, sizeof(out));
	out.domain = ser->domain;
	out.bus = ser->bdf >> 8;
	out.devfn = ser->bdf & 0xff;
	out.vendor = ser->vendor;
	out.device = ser->device;
	out.refcount = ser->refcount;
	out.sriov = !!(ser->flags & PCI_DEV_SER_SRIOV);
	out.num_vfs = ser->sriov_num_vfs;
	BUILD_BUG_ON(sizeof(*ser) > sizeof(out.ser));
	out.ser_len = sizeof(*ser);
	memcpy(out.ser, ser, sizeof(*ser));
	if (ser->flags & PCI_DEV_SER_PRESERVED)
		out.role = SIM_LU_ROLE_PRESERVED;
	else if (ser->flags & PCI_DEV_SER_BRIDGE)
		out.role = SIM_LU_ROLE_BRIDGE;
	else
		out.role = SIM_LU_ROLE_PF;
	snprintf(out.name, sizeof(out.name), "%04x:%02x:%02x.%d", ser->domain,
		 out.bus, PCI_SLOT(out.devfn), PCI_FUNC(out.devfn));
	if (e->dev) {
		out.found = 1;
		strscpy(out.name, pci_name(e->dev), sizeof(out.name));
	}
	if (e->dep) {
		out.has_dep = 1;
		strscpy(out.dep_name, pci_name(e->dep), sizeof(out.dep_name));
	}
	return v->fn(&out, v->ctx);
}

int sim_lu_visit_list(int which, sim_lu_list_visit_t fn, void *ctx)
{
	struct sim_lu_visit v = { fn, ctx };

	return pci_liveupdate_walk_list(which == SIM_LU_LIST_OUTGOING,
					sim_lu_entry_of, &v);
}

void sim_lu_print_list(int which)
{
	pci_liveupdate_print_list(which == SIM_LU_LIST_OUTGOING);
}

/*
 * What the reference captures did from user space for each PF without a
 * driver: echo pci-pf-stub > driver_override, bind it, echo 0 >
 * sriov_drivers_autoprobe. The sysfs handlers are not built (SYSFS=n), so
 * this calls what they call.
 */
static void sim_bind_pf_stub(struct pci_dev *dev)
{
	static const char stub[] = "pci-pf-stub";

	if (dev->driver)
		return;
	if (device_set_driver_override(&dev->dev, stub))
		return;
	if (device_attach(&dev->dev) <= 0)
		pci_warn(dev, "could not bind %s\n", stub);
}

/* pci-sysfs.c dev_rescan_store(), bus_rescan_store(): one bus. */
int sim_pci_rescan_bus(unsigned int domain, unsigned int busnr)
{
	struct pci_bus *bus;
	unsigned int max = 0;

	pci_lock_rescan_remove();
	bus = pci_find_bus(domain, busnr);
	if (bus)
		max = pci_rescan_bus(bus);
	pci_unlock_rescan_remove();
	sim_run_deferred();
	return bus ? (int)max : -ENODEV;
}

/* pci-sysfs.c remove_store(): echo 1 > /sys/bus/pci/devices/.../remove */
int sim_pci_remove_dev(unsigned int domain, unsigned int busnr,
		       unsigned int devfn)
{
	struct pci_dev *dev = pci_get_domain_bus_and_slot(domain, busnr, devfn);

	if (!dev)
		return -ENODEV;
	pci_stop_and_remove_bus_device_locked(dev);
	pci_dev_put(dev);
	sim_run_deferred();
	return 0;
}

/* echo $(cat sriov_totalvfs) > sriov_numvfs, for every PF. */
int sim_pci_enable_all_vfs(void)
{
	struct pci_dev *dev = NULL;
	int ret = 0;

	for_each_pci_dev(dev) {
		int total, r;

		if (!dev->is_physfn)
			continue;
		total = pci_sriov_get_totalvfs(dev);
		sim_bind_pf_stub(dev);
		dev->sriov->drivers_autoprobe = false;
		device_lock(&dev->dev);
		if (!dev->driver || !to_pci_driver(dev->dev.driver)->sriov_configure) {
			pci_info(dev, "no driver bound to device; cannot configure SR-IOV\n");
			device_unlock(&dev->dev);
			ret = -ENOENT;
			continue;
		}
		r = to_pci_driver(dev->dev.driver)->sriov_configure(dev, total);
		device_unlock(&dev->dev);
		if (r < 0) {
			pci_warn(dev, "enabling %d VFs failed: %d\n", total, r);
			ret = r;
		}
	}
	sim_run_deferred();
	return ret;
}
