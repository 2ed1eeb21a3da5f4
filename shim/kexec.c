// SPDX-License-Identifier: GPL-2.0
/*
 * kexec (kernel/kexec_core.c kernel_kexec(), kernel/reboot.c).
 *
 * The outgoing kernel's last steps, in kernel_kexec()'s order: LUO
 * freezes what user space preserved, every device is shut down through
 * the driver core (pci_device_shutdown() for PCI functions, which clears
 * Bus Master because a kexec is in progress), and KHO finalizes the
 * handover. Departs from the kernel: no machine_kexec(); the host resets
 * the kernel world and boots it again on the same machine, handing it the
 * KHO blob as the boot protocol would.
 */
#include <linux/kexec.h>
#include <linux/device.h>
#include <linux/reboot.h>
#include <linux/liveupdate.h>
#include <linux/kexec_handover.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

bool kexec_in_progress;

int sim_kernel_kexec_prepare(unsigned long long *kho_fdt,
			     unsigned long long *kho_fdt_len)
{
	phys_addr_t fdt;
	u64 len;
	int ret;

	ret = liveupdate_reboot();
	if (ret) {
		pr_err("kexec: live update refused the reboot: %d\n", ret);
		return ret;
	}
	kexec_in_progress = true;
	pr_notice("kexec: shutting down devices\n");
	device_shutdown();
	ret = sim_kho_finalize(&fdt, &len);
	if (ret) {
		pr_err("kexec: KHO could not finalize the handover: %d\n", ret);
		return ret;
	}
	sim_run_deferred();
	sim_printk_flush();
	*kho_fdt = fdt;
	*kho_fdt_len = len;
	return 0;
}
