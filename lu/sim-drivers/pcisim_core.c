// SPDX-License-Identifier: GPL-2.0
/*
 * The part of the simulated drivers pcisim-vfio and pcisim-pf that they
 * share, as vfio-pci and its variant drivers share vfio_pci_core.
 *
 * Probe enables the device, sets Bus Master Enable and rings the device's
 * doorbell (host_dma_start()): DMA into a guest. Remove undoes that in
 * reverse, and so does shutdown, except for a device that is preserved
 * or is the PF of preserved VFs. Each bound device has one "device file"
 * (a vfio cdev): an anonymous-inode file whose private_data is the
 * pci_dev, which user space gets as an fd from /dev/pcisim
 * (PCISIM_IOCTL_DEVICE_FD, as VFIO_GROUP_GET_DEVICE_FD gives one). LUO
 * preserves that file through the driver's file handler, which has the
 * PCI FLB attached: preserve() hands the device to the PCI core
 * (pci_liveupdate_preserve()) and its domain and BDF to the next kernel;
 * DMA keeps running through the kexec.
 *
 * In the next kernel, probe of an incoming device (one preserved, or the
 * PF of preserved VFs: pci_liveupdate_is_incoming()) neither resets nor
 * reprograms it and does not start DMA again: it never stopped. Bus
 * Master Enable is adopted as the previous kernel left it. retrieve()
 * gives user space a new file for the device (binding the driver through
 * driver_override if user space has not bound it yet) and only then is
 * the device enabled, which writes nothing to an intact device. finish()
 * gives the device back to the PCI core (pci_liveupdate_finish()), after
 * which it is a device like any other. Until then, a driver that lets go
 * of the device (user space bound the wrong one) leaves it running.
 *
 * A device whose file is preserved, or retrieved and not finished, is
 * busy: user space cannot unbind it (vfio blocks the unbind until the
 * file is closed). If it loses its driver anyway (hot removal), its file
 * is orphaned and leaked: freeze() then fails (the kexec is refused),
 * unpreserve() still releases the device from the PCI core, and an
 * incoming session with it can never finish.
 *
 * Every callback is appended to a log ("vfio.preserve:0000:03:00.0"), so
 * tests can check the order of section 2.5 of upstream-liveupdate.md.
 */
#define pr_fmt(fmt) "pcisim: " fmt

#include <linux/anon_inodes.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/uaccess.h>
#include <linux/kho/abi/pci.h>
#include <linux/liveupdate.h>
#include <linux/list.h>
#include <linux/pci.h>
#include <linux/pci_liveupdate.h>
#include <linux/slab.h>
#include <linux/sprintf.h>
#include <linux/string.h>
#include <sim/host_abi.h>
#include "pcisim_core.h"

static char pcisim_cb_log[8192];
static size_t pcisim_cb_log_len;

void pcisim_log(struct pcisim_driver *drv, const char *op,
		struct pci_dev *pdev)
{
	size_t room = sizeof(pcisim_cb_log) - pcisim_cb_log_len;

	pcisim_cb_log_len += scnprintf(pcisim_cb_log + pcisim_cb_log_len, room,
				       "%s%s.%s:%s",
				       pcisim_cb_log_len ? " " : "", drv->tag,
				       op, pci_name(pdev));
}

size_t pcisim_log_read(char *buf, size_t len)
{
	if (len)
		strscpy(buf, pcisim_cb_log, len);
	return pcisim_cb_log_len;
}

/* ---- the device ---- */

static int pcisim_dma_start(struct pcisim_dev *sdev)
{
	struct pci_dev *pdev = sdev->pdev;
	int err;

	err = host_dma_start(pci_domain_nr(pdev->bus), pdev->bus->number,
			     pdev->devfn);
	if (err) {
		pci_err(pdev, "cannot start DMA: %d\n", err);
		return err < 0 ? err : -EIO;
	}
	sdev->dma = true;
	sdev->dma_started = true;
	return 0;
}

static void pcisim_dma_stop(struct pcisim_dev *sdev)
{
	struct pci_dev *pdev = sdev->pdev;

	if (!sdev->dma)
		return;
	if (host_dma_stop(pci_domain_nr(pdev->bus), pdev->bus->number,
			  pdev->devfn))
		pci_warn(pdev, "the device did not stop its DMA\n");
	sdev->dma = false;
}

/*
 * A device the previous kernel handed over: leave it exactly as it is.
 * It is not even enabled here; that waits until user space has its file
 * (pcisim_take_over()), so a driver that releases it before then (the
 * wrong one, say) leaves nothing to undo.
 */
static void pcisim_adopt(struct pcisim_dev *sdev)
{
	struct pci_dev *pdev = sdev->pdev;
	u16 cmd;

	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (!(cmd & PCI_COMMAND_MASTER))
		pci_err(pdev, "Bus Master Enable was lost across the live update\n");
	/* a VF's Memory Space Enable is reserved (its PF's VF MSE decodes) */
	if (!pdev->is_virtfn && !(cmd & PCI_COMMAND_MEMORY))
		pci_err(pdev, "memory decoding was lost across the live update\n");
	sdev->master = cmd & PCI_COMMAND_MASTER;
	sdev->dma = true;
	pci_info(pdev, "adopted from the previous kernel, DMA left running\n");
}

/*
 * The kernel's bookkeeping for an adopted device, once it is this
 * driver's: pci_enable_device() only turns on decode bits that are off,
 * and of an intact device none is; pci_set_master() writes nothing when
 * the bit is set already.
 */
static int pcisim_take_over(struct pcisim_dev *sdev)
{
	int err;

	if (sdev->enabled)
		return 0;
	err = pci_enable_device(sdev->pdev);
	if (err)
		return err;
	sdev->enabled = true;
	if (sdev->master)
		pci_set_master(sdev->pdev);
	return 0;
}

static int pcisim_start(struct pcisim_dev *sdev)
{
	struct pci_dev *pdev = sdev->pdev;
	int err;

	err = pci_enable_device(pdev);
	if (err)
		return err;
	sdev->enabled = true;
	pci_set_master(pdev);
	sdev->master = true;
	err = pcisim_dma_start(sdev);
	if (err) {
		pci_clear_master(pdev);
		sdev->master = false;
		pci_disable_device(pdev);
		sdev->enabled = false;
	}
	return err;
}

/*
 * Handed over because a driver preserved it, not only as a bridge or PF
 * above preserved devices: it has a file to retrieve and must be
 * finished. pci_liveupdate_is_incoming() is true for both; the PCI core
 * has no call for this, so its handed-over entry is read.
 */
static bool pcisim_was_preserved(struct pci_dev *pdev)
{
	const struct pci_dev_ser *ser = pdev->liveupdate.incoming;

	return ser && (ser->flags & PCI_DEV_SER_PRESERVED);
}

int pcisim_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct pcisim_driver *drv = container_of(pdev->driver,
						 struct pcisim_driver, pci);
	struct pcisim_dev *sdev;
	int err = 0;

	sdev = kzalloc_obj(*sdev, GFP_KERNEL);
	if (!sdev)
		return -ENOMEM;
	sdev->pdev = pdev;
	sdev->drv = drv;

	/* preserved, or a PF whose VFs are: it kept running either way */
	if (pci_liveupdate_is_incoming(pdev)) {
		pcisim_log(drv, "probe-incoming", pdev);
		pcisim_adopt(sdev);
		sdev->incoming = pcisim_was_preserved(pdev);
		/* nothing to retrieve: it is this driver's from now on */
		if (!sdev->incoming)
			err = pcisim_take_over(sdev);
	} else {
		pcisim_log(drv, "probe", pdev);
		err = pcisim_start(sdev);
	}
	if (err) {
		kfree(sdev);
		return err;
	}
	pci_set_drvdata(pdev, sdev);
	return 0;
}

void pcisim_remove(struct pci_dev *pdev)
{
	struct pcisim_dev *sdev = pci_get_drvdata(pdev);

	pcisim_log(sdev->drv, "remove", pdev);
	/*
	 * The file lives on while referenced (user space, LUO), holding the
	 * pci_dev; LUO calls back with it, and finds it is no longer ours.
	 */
	if (sdev->file && (sdev->preserved || (sdev->incoming && sdev->retrieved)))
		pci_err(pdev, "lost its driver while %s; its file is orphaned\n",
			sdev->preserved ? "preserved" : "handed over");
	sdev->file = NULL;
	/* not finished: still the previous kernel's, keep it running */
	if (!sdev->incoming) {
		pcisim_dma_stop(sdev);
		if (sdev->master)
			pci_clear_master(pdev);
		if (sdev->enabled)
			pci_disable_device(pdev);
	}
	pci_set_drvdata(pdev, NULL);
	kfree(sdev);
}

/* VF i of pdev, with a reference: most VFs sit on the PF's own bus. */
static struct pci_dev *pcisim_get_vf(struct pci_dev *pdev, int i)
{
	int bus = pci_iov_virtfn_bus(pdev, i);

	if (bus == pdev->bus->number)
		return pci_get_slot(pdev->bus, pci_iov_virtfn_devfn(pdev, i));
	return pcisim_get_dev(pci_domain_nr(pdev->bus), bus,
			      pci_iov_virtfn_devfn(pdev, i));
}

/* A PF with a VF whose file is preserved: the PF must keep running too. */
static bool pcisim_vfs_preserved(struct pci_dev *pdev)
{
	bool preserved = false;
	int i;

	for (i = 0; pdev->is_physfn && i < pci_num_vf(pdev) && !preserved; i++) {
		struct pcisim_dev *vdev;
		struct pci_dev *vf;

		vf = pcisim_get_vf(pdev, i);
		if (!vf)
			continue;
		vdev = pcisim_dev_get(vf);
		preserved = vdev && vdev->preserved;
		pci_dev_put(vf);
	}
	return preserved;
}

/*
 * Before kexec (LUO froze preserved files already): a preserved device,
 * and a PF with preserved VFs, keep running; any other is quiesced, as a
 * driver does at shutdown.
 */
void pcisim_shutdown(struct pci_dev *pdev)
{
	struct pcisim_dev *sdev = pci_get_drvdata(pdev);

	if (sdev->preserved || pcisim_vfs_preserved(pdev)) {
		pcisim_log(sdev->drv, "shutdown-preserved", pdev);
		if (sdev->preserved && !sdev->frozen)
			pci_warn(pdev, "shut down preserved but not frozen\n");
		return;
	}
	pcisim_log(sdev->drv, "shutdown", pdev);
	pcisim_dma_stop(sdev);
	if (sdev->master) {
		pci_clear_master(pdev);
		sdev->master = false;
	}
}

/*
 * The device at domain/bus/devfn, with a reference: its bus first
 * (pci_find_bus() walks the buses), then the device on it. The answer of
 * pci_get_domain_bus_and_slot(), which walks every PCI device of the
 * system: once per device preserved, with a million devices, that walk
 * was most of a live update's run time (bench/RESULTS.md).
 */
struct pci_dev *pcisim_get_dev(unsigned int domain, unsigned int bus,
			       unsigned int devfn)
{
	struct pci_bus *b = pci_find_bus(domain, bus);

	return b ? pci_get_slot(b, devfn) : NULL;
}

/* ---- the drivers ---- */

static LIST_HEAD(pcisim_drivers);

struct pcisim_dev *pcisim_dev_get(struct pci_dev *pdev)
{
	struct pcisim_driver *drv;

	if (!pdev->driver)
		return NULL;
	list_for_each_entry(drv, &pcisim_drivers, list) {
		if (pdev->driver == &drv->pci)
			return pci_get_drvdata(pdev);
	}
	return NULL;
}

bool pcisim_dev_busy(struct pci_dev *pdev)
{
	struct pcisim_dev *sdev = pcisim_dev_get(pdev);
	int i;

	if (sdev && (sdev->preserved || (sdev->incoming && sdev->retrieved)))
		return true;
	if (!pdev->is_physfn)
		return false;
	for (i = 0; i < pci_num_vf(pdev); i++) {
		struct pci_dev *vf;
		bool busy;

		vf = pcisim_get_vf(pdev, i);
		if (!vf)
			continue;
		busy = pcisim_dev_busy(vf) || pci_liveupdate_is_incoming(vf);
		pci_dev_put(vf);
		if (busy)
			return true;
	}
	return false;
}

/* A new device file for pdev, holding a reference to it. */
static struct file *pcisim_dev_file(struct pcisim_dev *sdev)
{
	struct file *file;

	file = anon_inode_getfile("[pcisim-dev]", sdev->drv->fops, sdev->pdev,
				  O_RDWR);
	if (!IS_ERR(file)) {
		pci_dev_get(sdev->pdev);
		sdev->file = file;
	}
	return file;
}

struct file *pcisim_dev_open(struct pci_dev *pdev)
{
	struct pcisim_dev *sdev = pcisim_dev_get(pdev);

	if (!sdev)
		return ERR_PTR(-ENODEV);
	if (sdev->file)
		return get_file(sdev->file);
	/* handed over: only retrieving its preserved file opens it */
	if (sdev->incoming)
		return ERR_PTR(-EBUSY);
	return pcisim_dev_file(sdev);
}

int pcisim_dev_release(struct inode *inode, struct file *file)
{
	struct pci_dev *pdev = file->private_data;
	struct pcisim_dev *sdev = pcisim_dev_get(pdev);

	if (sdev && sdev->file == file)
		sdev->file = NULL;
	pci_dev_put(pdev);
	return 0;
}

/*
 * /dev/pcisim: user space asks for a device's file by its domain and BDF,
 * and gets it as a new fd.
 */
static long pcisim_ioctl(struct file *filp, unsigned int cmd,
			 unsigned long arg)
{
	struct pcisim_device_fd __user *uarg = (void __user *)arg;
	struct pcisim_device_fd req;
	struct pci_dev *pdev;
	struct file *file;
	u32 size;
	int fd, err;

	if (cmd != PCISIM_IOCTL_DEVICE_FD)
		return -ENOTTY;
	if (get_user(size, &uarg->size))
		return -EFAULT;
	err = copy_struct_from_user(&req, sizeof(req), uarg, size);
	if (err)
		return err;
	pdev = req.id >> 32 ? NULL :
	       pcisim_get_dev(req.id >> 16, PCI_BUS_NUM(req.id), req.id & 0xff);
	if (!pdev)
		return -ENODEV;
	file = pcisim_dev_open(pdev);
	pci_dev_put(pdev);
	if (IS_ERR(file))
		return PTR_ERR(file);
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		fput(file);
		return fd;
	}
	req.fd = fd;
	if (copy_to_user(uarg, &req, min_t(size_t, size, sizeof(req)))) {
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;
}

static const struct file_operations pcisim_misc_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = pcisim_ioctl,
};

static struct miscdevice pcisim_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pcisim",
	.fops = &pcisim_misc_fops,
};

static int __init pcisim_misc_init(void)
{
	return misc_register(&pcisim_miscdev);
}
device_initcall(pcisim_misc_init);

int pcisim_bind(struct pci_dev *pdev, const char *name)
{
	struct device *dev = &pdev->dev;
	int err;

	if (pdev->driver && (!name || strcmp(pdev->driver->name, name))) {
		if (pcisim_dev_busy(pdev))
			return -EBUSY;
		device_release_driver(dev);
	}
	/* "" clears it (NULL is refused) */
	err = device_set_driver_override(dev, name ? name : "");
	if (err || !name)
		return err;
	if (pdev->driver)
		return 0;
	err = device_attach(dev);
	if (err < 0)
		return err;
	if (!pdev->driver || strcmp(pdev->driver->name, name))
		return -ENODEV;
	return 0;
}

/* ---- the LUO file handler ---- */

static struct pcisim_driver *pcisim_handler_drv(struct liveupdate_file_handler *fh)
{
	return container_of(fh, struct pcisim_driver, handler);
}

static bool pcisim_can_preserve(struct liveupdate_file_handler *fh,
				struct file *file)
{
	return file->f_op == pcisim_handler_drv(fh)->fops;
}

/* The state behind a file of ours; NULL for an orphaned one. */
static struct pcisim_dev *pcisim_file_dev(struct file *file)
{
	struct pcisim_dev *sdev = pcisim_dev_get(file->private_data);

	return sdev && sdev->file == file ? sdev : NULL;
}

static int pcisim_lu_preserve(struct liveupdate_file_op_args *args)
{
	struct pcisim_driver *drv = pcisim_handler_drv(args->handler);
	struct pcisim_dev *sdev = pcisim_file_dev(args->file);
	int err;

	if (!sdev)
		return -ENODEV;
	pcisim_log(drv, "preserve", sdev->pdev);
	if (sdev->preserved)
		return -EBUSY;
	err = pci_liveupdate_preserve(sdev->pdev);
	if (err) {
		pci_err(sdev->pdev, "the PCI core cannot preserve it: %d\n",
			err);
		return err;
	}
	sdev->preserved = true;
	args->serialized_data = pcisim_dev_id(sdev->pdev);
	return 0;
}

static void pcisim_lu_unpreserve(struct liveupdate_file_op_args *args)
{
	struct pcisim_driver *drv = pcisim_handler_drv(args->handler);
	struct pcisim_dev *sdev = pcisim_file_dev(args->file);
	struct pci_dev *pdev = args->file->private_data;

	if (!sdev) {
		pci_warn(pdev, "unpreserving an orphaned file\n");
		pci_liveupdate_unpreserve(pdev);
		return;
	}
	pcisim_log(drv, "unpreserve", sdev->pdev);
	pci_liveupdate_unpreserve(sdev->pdev);
	sdev->preserved = false;
	sdev->frozen = false;
}

static int pcisim_lu_freeze(struct liveupdate_file_op_args *args)
{
	struct pcisim_driver *drv = pcisim_handler_drv(args->handler);
	struct pcisim_dev *sdev = pcisim_file_dev(args->file);
	struct pci_dev *pdev = args->file->private_data;

	if (!sdev) {
		pci_err(pdev, "preserved, but lost its driver: refusing the kexec\n");
		return -ENODEV;
	}
	pcisim_log(drv, "freeze", sdev->pdev);
	sdev->frozen = true;
	return 0;
}

static void pcisim_lu_unfreeze(struct liveupdate_file_op_args *args)
{
	struct pcisim_driver *drv = pcisim_handler_drv(args->handler);
	struct pcisim_dev *sdev = pcisim_file_dev(args->file);

	if (!sdev)
		return;
	pcisim_log(drv, "unfreeze", sdev->pdev);
	sdev->frozen = false;
}

/* serialized_data as a device name, for messages about absent devices */
static const char *pcisim_id_name(u64 data, char *buf, size_t len)
{
	snprintf(buf, len, "%04llx:%02llx:%02llx.%llx", data >> 16,
		 (data >> 8) & 0xff, (data >> 3) & 0x1f, data & 7);
	return buf;
}

/* The device behind serialized_data, with a reference; NULL if absent. */
static struct pci_dev *pcisim_lu_find(u64 data)
{
	if (data >> 32)
		return NULL;
	return pcisim_get_dev(data >> 16, PCI_BUS_NUM(data), data & 0xff);
}

/* Bind pdev to drv unless it is already; never take it from another. */
static int pcisim_lu_bind(struct pcisim_driver *drv, struct pci_dev *pdev)
{
	if (pdev->driver == &drv->pci)
		return 0;
	if (pdev->driver) {
		pci_err(pdev, "handed over to %s but bound to %s\n",
			drv->pci.name, pdev->driver->name);
		return -EBUSY;
	}
	return pcisim_bind(pdev, drv->pci.name);
}

static int pcisim_lu_retrieve(struct liveupdate_file_op_args *args)
{
	struct pcisim_driver *drv = pcisim_handler_drv(args->handler);
	struct pcisim_dev *sdev;
	struct pci_dev *pdev;
	struct file *file;
	char name[32];
	int err;

	pdev = pcisim_lu_find(args->serialized_data);
	if (!pdev) {
		pr_err("%s: no device %s to retrieve\n", drv->pci.name,
		       pcisim_id_name(args->serialized_data, name, sizeof(name)));
		return -ENODEV;
	}
	pcisim_log(drv, "retrieve", pdev);
	err = -EINVAL;
	if (!pcisim_was_preserved(pdev)) {
		pci_err(pdev, "the PCI core does not know it as preserved\n");
		goto out;
	}
	err = pcisim_lu_bind(drv, pdev);
	if (err)
		goto out;
	sdev = pci_get_drvdata(pdev);
	err = -EBUSY;
	if (!sdev->incoming || sdev->file) {
		pci_err(pdev, "already open, or not probed as handed over\n");
		goto out;
	}
	err = pcisim_take_over(sdev);
	if (err)
		goto out;
	file = pcisim_dev_file(sdev);
	err = PTR_ERR_OR_ZERO(file);
	if (err)
		goto out;
	sdev->retrieved = true;
	args->file = file;
out:
	pci_dev_put(pdev);
	return err;
}

/* The device of a file retrieved or not, bound to drv; or NULL. */
static struct pcisim_dev *pcisim_lu_incoming_dev(struct pcisim_driver *drv,
						 struct liveupdate_file_op_args *args)
{
	struct pcisim_dev *sdev = NULL;
	struct pci_dev *pdev;

	if (args->retrieve_status > 0)
		return pcisim_file_dev(args->file);
	pdev = pcisim_lu_find(args->serialized_data);
	if (!pdev)
		return NULL;
	if (pdev->driver == &drv->pci)
		sdev = pci_get_drvdata(pdev);
	pci_dev_put(pdev);
	return sdev;
}

static bool pcisim_lu_can_finish(struct liveupdate_file_op_args *args)
{
	struct pcisim_driver *drv = pcisim_handler_drv(args->handler);
	struct pcisim_dev *sdev = pcisim_lu_incoming_dev(drv, args);
	char name[32];

	if (!sdev) {
		pr_warn("%s: cannot finish %s: not bound to it\n", drv->pci.name,
			pcisim_id_name(args->serialized_data, name, sizeof(name)));
		return false;
	}
	pcisim_log(drv, "can_finish", sdev->pdev);
	return sdev->incoming;
}

static void pcisim_lu_finish(struct liveupdate_file_op_args *args)
{
	struct pcisim_driver *drv = pcisim_handler_drv(args->handler);
	struct pcisim_dev *sdev = pcisim_lu_incoming_dev(drv, args);

	/* can_finish() said yes a moment ago */
	if (WARN_ON(!sdev))
		return;
	pcisim_log(drv, "finish", sdev->pdev);
	pci_liveupdate_finish(sdev->pdev);
	sdev->incoming = false;
	/* finished without being retrieved: it is this driver's now */
	if (pcisim_take_over(sdev))
		pci_warn(sdev->pdev, "cannot be enabled after the live update\n");
}

/* One device, one file: what LUO keys double preservation on. */
static unsigned long pcisim_lu_get_id(struct file *file)
{
	return (unsigned long)file->private_data;
}

static const struct liveupdate_file_ops pcisim_lu_file_ops = {
	.get_id = pcisim_lu_get_id,
	.can_preserve = pcisim_can_preserve,
	.preserve = pcisim_lu_preserve,
	.unpreserve = pcisim_lu_unpreserve,
	.freeze = pcisim_lu_freeze,
	.unfreeze = pcisim_lu_unfreeze,
	.retrieve = pcisim_lu_retrieve,
	.can_finish = pcisim_lu_can_finish,
	.finish = pcisim_lu_finish,
};

/*
 * The LUO file handler with the PCI FLB, then the PCI driver. Called from
 * an initcall: LUO refuses handlers once a session exists. Without live
 * update the driver still binds, its files just cannot be preserved.
 */
int pcisim_driver_register(struct pcisim_driver *drv)
{
	int err;

	drv->handler.ops = &pcisim_lu_file_ops;
	if (liveupdate_enabled()) {
		err = liveupdate_register_file_handler(&drv->handler);
		if (!err) {
			err = pci_liveupdate_register_flb(&drv->handler);
			if (err)
				liveupdate_unregister_file_handler(&drv->handler);
		}
		if (err)
			pr_err("%s: no live update: cannot register handler %s: %d\n",
			       drv->pci.name, drv->handler.compatible, err);
	}
	list_add_tail(&drv->list, &pcisim_drivers);
	err = pci_register_driver(&drv->pci);
	if (err)
		list_del(&drv->list);
	return err;
}
