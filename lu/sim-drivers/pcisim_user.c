// SPDX-License-Identifier: GPL-2.0
/*
 * User space for the simulated drivers: what a VMM and its live update
 * agent do through sysfs and /dev/liveupdate, as sim_* entry points the
 * host calls with plain C types.
 *
 *   sim_lu_bind()        echo DRIVER > driver_override; echo BDF > bind
 *   sim_lu_preserve()    open the device file, PRESERVE_FD (token = BDF)
 *   sim_lu_cancel()      close the outgoing session: unpreserve its files
 *   sim_lu_retrieve()    RETRIEVE_SESSION, then RETRIEVE_FD of every device
 *   sim_lu_finish()      SESSION_FINISH, close the session
 *   sim_lu_enable_vfs()  echo N > sriov_numvfs
 *
 * A device's token and the data its handler hands over are both
 * domain << 16 | BDF. After kexec, user space (the host) binds each
 * device to the driver it had before, by name: the kernel never stores a
 * driver name. A device nobody bound is bound at retrieve by the driver
 * whose handler preserved it.
 *
 * Departs from user space: the agent's session handles live in the
 * kernel world, so they are gone after a kexec, as a process's file
 * descriptors are.
 */
#include <linux/device.h>
#include <linux/err.h>
#include <linux/liveupdate.h>
#include <linux/list.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>
#include "pcisim_core.h"

/* A session file descriptor the agent holds. */
struct pcisim_session {
	struct list_head list;
	char name[LIVEUPDATE_SESSION_NAME_LENGTH];
	struct liveupdate_session *session;
	bool incoming;
};

static LIST_HEAD(pcisim_sessions);

static struct pcisim_session *pcisim_session_find(const char *name,
						  bool incoming)
{
	struct pcisim_session *ps;

	list_for_each_entry(ps, &pcisim_sessions, list) {
		if (ps->incoming == incoming && !strcmp(ps->name, name))
			return ps;
	}
	return NULL;
}

/* The agent's handle on a session: created, or retrieved, if need be. */
static int pcisim_session_get(const char *name, bool incoming,
			      struct pcisim_session **psp)
{
	struct pcisim_session *ps;
	int err;

	if (!name || strlen(name) >= LIVEUPDATE_SESSION_NAME_LENGTH)
		return -EINVAL;
	ps = pcisim_session_find(name, incoming);
	if (ps) {
		*psp = ps;
		return 0;
	}
	ps = kzalloc_obj(*ps, GFP_KERNEL);
	if (!ps)
		return -ENOMEM;
	if (incoming)
		err = liveupdate_session_retrieve(name, &ps->session);
	else
		err = liveupdate_session_create(name, &ps->session);
	if (err) {
		kfree(ps);
		return err;
	}
	strscpy(ps->name, name, sizeof(ps->name));
	ps->incoming = incoming;
	list_add_tail(&ps->list, &pcisim_sessions);
	*psp = ps;
	return 0;
}

static int pcisim_session_close(struct pcisim_session *ps)
{
	int err;

	err = liveupdate_session_release(ps->session);
	if (err)
		return err;
	list_del(&ps->list);
	kfree(ps);
	return 0;
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
	err = pcisim_bind(pdev, driver && *driver ? driver : NULL);
	pci_dev_put(pdev);
	sim_run_deferred();
	return err;
}

int sim_lu_preserve(const char *session, unsigned int domain,
		    unsigned int bus, unsigned int devfn)
{
	struct pci_dev *pdev = pcisim_find(domain, bus, devfn);
	struct pcisim_session *ps;
	struct file *file;
	int err;

	if (!pdev)
		return -ENODEV;
	file = pcisim_dev_open(pdev);
	err = PTR_ERR_OR_ZERO(file);
	if (!err)
		err = pcisim_session_get(session, false, &ps);
	if (!err)
		err = liveupdate_session_preserve_file(ps->session, file,
						       pcisim_dev_id(pdev));
	pci_dev_put(pdev);
	return err;
}

int sim_lu_cancel(const char *session)
{
	struct pcisim_session *ps;

	if (!session)
		return -EINVAL;
	ps = pcisim_session_find(session, false);
	if (!ps)
		return -ENOENT;
	return pcisim_session_close(ps);
}

/* RETRIEVE_FD for pdev's token: 0, -ENOENT if not in the session. */
static int pcisim_retrieve_one(struct pcisim_session *ps,
			       struct pci_dev *pdev)
{
	struct file *file;

	return liveupdate_session_retrieve_file(ps->session,
						pcisim_dev_id(pdev), &file);
}

int sim_lu_retrieve(const char *session)
{
	struct pcisim_session *ps;
	struct pci_dev *pdev = NULL;
	int n = 0, first_err = 0;
	int err;

	err = pcisim_session_get(session, true, &ps);
	if (err)
		return err;
	for_each_pci_dev(pdev) {
		err = pcisim_retrieve_one(ps, pdev);
		if (!err) {
			n++;
		} else if (err != -ENOENT) {
			pci_err(pdev, "cannot retrieve it from session %s: %d\n",
				ps->name, err);
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
	struct pcisim_session *ps;
	int err;

	if (!pdev)
		return -ENODEV;
	err = pcisim_session_get(session, true, &ps);
	if (!err)
		err = pcisim_retrieve_one(ps, pdev);
	pci_dev_put(pdev);
	sim_run_deferred();
	return err;
}

int sim_lu_finish(const char *session)
{
	struct pcisim_session *ps;
	int err;

	err = pcisim_session_get(session, true, &ps);
	if (err)
		return err;
	err = liveupdate_session_finish(ps->session);
	if (err)
		return err;
	return pcisim_session_close(ps);
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
