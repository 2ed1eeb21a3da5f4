// SPDX-License-Identifier: GPL-2.0
/*
 * User space for the simulated drivers: what a VMM and its live update
 * agent do through sysfs, /dev/pcisim and /dev/liveupdate, as sim_* entry
 * points the host calls with plain C types.
 *
 *   sim_lu_bind()        echo DRIVER > driver_override; echo BDF > bind
 *   sim_lu_preserve()    get the device's fd from /dev/pcisim,
 *                        SESSION_PRESERVE_FD (token = BDF)
 *   sim_lu_cancel()      close the outgoing session: unpreserve its files
 *   sim_lu_retrieve()    RETRIEVE_SESSION, then RETRIEVE_FD of every device
 *   sim_lu_finish()      SESSION_FINISH, close the session
 *   sim_lu_enable_vfs()  echo N > sriov_numvfs
 *
 * The ioctls are real system calls (shim/syscall.c, the sessions through
 * shim/luo_agent.c); the process keeps every device fd it got, as a VMM
 * keeps its device fds.
 *
 * A device's token and the data its handler hands over are both
 * domain << 16 | BDF. After kexec, user space (the host) binds each
 * device to the driver it had before, by name: the kernel never stores a
 * driver name. A device nobody bound is bound at retrieve by the driver
 * whose handler preserved it.
 *
 * Not kernel code: user space, kept in the kernel world's memory so that
 * a kexec ends it as it ends the process (its fds go with it).
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/list.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>
#include "pcisim_core.h"

/* A device fd the process holds. */
struct pcisim_user_fd {
	struct list_head list;
	u64 id;
	int fd;
};

static LIST_HEAD(pcisim_user_fds);
static int pcisim_user_dev = -1;

static void pcisim_user_keep(u64 id, int fd)
{
	struct pcisim_user_fd *uf = kzalloc_obj(*uf, GFP_KERNEL);

	if (!uf) {
		sim_sys_close(fd);
		return;
	}
	uf->id = id;
	uf->fd = fd;
	list_add_tail(&uf->list, &pcisim_user_fds);
}

/* Close the process's fd for the device id, if it has one. */
static void pcisim_user_drop(u64 id)
{
	struct pcisim_user_fd *uf;

	list_for_each_entry(uf, &pcisim_user_fds, list) {
		if (uf->id == id) {
			sim_sys_close(uf->fd);
			list_del(&uf->list);
			kfree(uf);
			return;
		}
	}
}

/* The process's fd for the device id: from /dev/pcisim, kept. */
static int pcisim_user_device_fd(u64 id)
{
	struct pcisim_device_fd req = { .size = sizeof(req), .id = id };
	struct pcisim_user_fd *uf;
	int err;

	list_for_each_entry(uf, &pcisim_user_fds, list) {
		if (uf->id == id)
			return uf->fd;
	}
	if (pcisim_user_dev < 0) {
		luo_agent_raise_nofile();
		err = sim_sys_open("/dev/pcisim", O_RDWR | O_CLOEXEC);
		if (err < 0)
			return err;
		pcisim_user_dev = err;
	}
	err = sim_sys_ioctl(pcisim_user_dev, PCISIM_IOCTL_DEVICE_FD,
			    (unsigned long)&req);
	if (err)
		return err;
	pcisim_user_keep(id, req.fd);
	return req.fd;
}

static struct pci_dev *pcisim_find(unsigned int domain, unsigned int bus,
				   unsigned int devfn)
{
	if (bus > 0xff || devfn > 0xff)
		return NULL;
	return pcisim_get_dev(domain, bus, devfn);
}

int sim_lu_bind(unsigned int domain, unsigned int bus, unsigned int devfn,
		const char *driver)
{
	struct pci_dev *pdev = pcisim_find(domain, bus, devfn);
	int err;

	if (!pdev)
		return -ENODEV;
	/* a VMM lets go of the device's fd before it rebinds the device */
	if (!pcisim_dev_busy(pdev))
		pcisim_user_drop(pcisim_dev_id(pdev));
	err = pcisim_bind(pdev, driver && *driver ? driver : NULL);
	pci_dev_put(pdev);
	sim_run_deferred();
	return err;
}

int sim_lu_preserve(const char *session, unsigned int domain,
		    unsigned int bus, unsigned int devfn)
{
	struct pci_dev *pdev = pcisim_find(domain, bus, devfn);
	u64 id;
	int fd, sfd;

	if (!pdev)
		return -ENODEV;
	id = pcisim_dev_id(pdev);
	pci_dev_put(pdev);
	fd = pcisim_user_device_fd(id);
	if (fd < 0)
		return fd;
	sfd = luo_agent_session(session, false);
	if (sfd < 0)
		return sfd;
	return luo_agent_preserve(sfd, fd, id);
}

int sim_lu_cancel(const char *session)
{
	return luo_agent_close(session, false);
}

/* RETRIEVE_FD for pdev's token: 0, -ENOENT if not in the session. */
static int pcisim_retrieve_one(int sfd, struct pci_dev *pdev)
{
	u64 id = pcisim_dev_id(pdev);
	int fd = luo_agent_retrieve(sfd, id);

	if (fd < 0)
		return fd;
	pcisim_user_keep(id, fd);
	return 0;
}

int sim_lu_retrieve(const char *session)
{
	struct pci_dev *pdev = NULL;
	int n = 0, first_err = 0;
	int err, sfd;

	sfd = luo_agent_session(session, true);
	if (sfd < 0)
		return sfd;
	for_each_pci_dev(pdev) {
		err = pcisim_retrieve_one(sfd, pdev);
		if (!err) {
			n++;
		} else if (err != -ENOENT) {
			pci_err(pdev, "cannot retrieve it from session %s: %d\n",
				session, err);
			if (!first_err)
				first_err = err;
		}
	}
	sim_run_deferred();
	return first_err ? first_err : n;
}

int sim_lu_retrieve_dev(const char *session, unsigned int domain,
			unsigned int bus, unsigned int devfn)
{
	struct pci_dev *pdev = pcisim_find(domain, bus, devfn);
	int err, sfd;

	if (!pdev)
		return -ENODEV;
	sfd = luo_agent_session(session, true);
	err = sfd < 0 ? sfd : pcisim_retrieve_one(sfd, pdev);
	pci_dev_put(pdev);
	sim_run_deferred();
	return err;
}

int sim_lu_finish(const char *session)
{
	int err, sfd;

	sfd = luo_agent_session(session, true);
	if (sfd < 0)
		return sfd;
	err = luo_agent_finish(sfd);
	if (err)
		return err;
	return luo_agent_close(session, true);
}

/* What writing nr to sriov_numvfs does (drivers/pci/iov.c). */
int sim_lu_enable_vfs(unsigned int domain, unsigned int bus,
		      unsigned int devfn, int nr)
{
	struct pci_dev *pdev = pcisim_find(domain, bus, devfn);
	int err = 0;

	if (!pdev)
		return -ENODEV;
	if (!pdev->is_physfn) {
		err = -ENODEV;
		goto out;
	}
	if (nr < 0 || nr > pci_sriov_get_totalvfs(pdev)) {
		err = -ERANGE;
		goto out;
	}
	device_lock(&pdev->dev);
	if (nr == pci_num_vf(pdev))
		goto unlock;
	if (!pdev->driver || !pdev->driver->sriov_configure) {
		pci_info(pdev, "no driver to configure SR-IOV\n");
		err = -ENOENT;
		goto unlock;
	}
	if (nr && pci_num_vf(pdev)) {
		pci_warn(pdev, "%d VFs already enabled. Disable before enabling %d VFs\n",
			 pci_num_vf(pdev), nr);
		err = -EBUSY;
		goto unlock;
	}
	pci_lock_rescan_remove();
	err = pdev->driver->sriov_configure(pdev, nr);
	pci_unlock_rescan_remove();
	if (err > 0 && err != nr)
		pci_warn(pdev, "%d VFs requested; only %d enabled\n", nr, err);
	err = err < 0 ? err : 0;
unlock:
	device_unlock(&pdev->dev);
	sim_run_deferred();
out:
	pci_dev_put(pdev);
	return err;
}

int sim_lu_driver_of(unsigned int domain, unsigned int bus,
		     unsigned int devfn, char *buf, unsigned long len)
{
	struct pci_dev *pdev = pcisim_find(domain, bus, devfn);

	if (!pdev)
		return -ENODEV;
	if (len)
		strscpy(buf, pdev->driver ? pdev->driver->name : "", len);
	pci_dev_put(pdev);
	return 0;
}

int sim_lu_dev_state(unsigned int domain, unsigned int bus,
		     unsigned int devfn)
{
	struct pci_dev *pdev = pcisim_find(domain, bus, devfn);
	struct pcisim_dev *sdev;
	int state = 0;

	if (!pdev)
		return -ENODEV;
	sdev = pcisim_dev_get(pdev);
	if (sdev) {
		state |= SIM_LU_BOUND;
		state |= sdev->master ? SIM_LU_MASTER : 0;
		state |= sdev->dma ? SIM_LU_DMA : 0;
		state |= sdev->dma_started ? SIM_LU_DMA_STARTED : 0;
		state |= sdev->file ? SIM_LU_OPEN : 0;
		state |= sdev->preserved ? SIM_LU_PRESERVED : 0;
		state |= sdev->frozen ? SIM_LU_FROZEN : 0;
		state |= sdev->incoming ? SIM_LU_INCOMING : 0;
		state |= sdev->retrieved ? SIM_LU_RETRIEVED : 0;
	}
	pci_dev_put(pdev);
	return state;
}

unsigned long sim_lu_callback_log(char *buf, unsigned long len)
{
	return pcisim_log_read(buf, len);
}
