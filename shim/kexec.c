// SPDX-License-Identifier: GPL-2.0
/*
 * kexec (kernel/kexec_core.c kernel_kexec(), kernel/kexec_file.c).
 *
 * The outgoing kernel's last steps, in kernel_kexec()'s order: LUO
 * freezes what user space preserved, every device is shut down through
 * the driver core (pci_device_shutdown() for PCI functions, which clears
 * Bus Master because a kexec is in progress); kexec_file_load() had let
 * KHO add its segment (kho_fill_kimage(): the scratch array) and name its
 * FDT. Departs from the kernel: kexec_file.c is not compiled (no image
 * loaders, purgatory or signatures: there is no image to load), so
 * kexec_add_buffer() here only places a segment, in KHO scratch as
 * kexec_locate_mem_hole() does when KHO is on; no machine_kexec(): the
 * host resets the kernel world and boots it again on the same machine,
 * handing it the FDT and the scratch array as x86's setup_data
 * SETUP_KEXEC_KHO would.
 */
#include <linux/kexec.h>
#include <linux/device.h>
#include <linux/reboot.h>
#include <linux/ioport.h>
#include <linux/liveupdate.h>
#include <linux/kexec_handover.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>
#include "kexec_internal.h"

bool kexec_in_progress;
bool sim_kexec_luo_done;

/* The image kexec_file_load() would have built; nothing of it but KHO's. */
static struct kimage sim_kimage;

/* locate_mem_hole_callback(): the highest fit in res, top-down, aligned */
static int sim_kexec_hole(struct resource *res, void *arg)
{
	struct kexec_buf *kbuf = arg;
	unsigned long end = min_t(unsigned long, res->end, kbuf->buf_max);
	unsigned long start = max_t(unsigned long, res->start, kbuf->buf_min);
	unsigned long mem;
	unsigned long i;

	if (end < start || end - start + 1 < kbuf->memsz)
		return 0;
	mem = ALIGN_DOWN(end + 1 - kbuf->memsz, kbuf->buf_align);
	for (; mem >= start; mem -= kbuf->buf_align) {
		bool busy = false;

		for (i = 0; i < kbuf->image->nr_segments; i++) {
			struct kexec_segment *seg = &kbuf->image->segment[i];

			if (mem < seg->mem + seg->memsz &&
			    seg->mem < mem + kbuf->memsz)
				busy = true;
		}
		if (!busy) {
			kbuf->mem = mem;
			return 1;
		}
		if (mem < kbuf->buf_align)
			break;
	}
	return 0;
}

int kexec_add_buffer(struct kexec_buf *kbuf)
{
	struct kexec_segment *seg;
	int ret;

	if (!kbuf->image->file_mode ||
	    kbuf->image->nr_segments >= KEXEC_SEGMENT_MAX)
		return -EINVAL;
	kbuf->memsz = ALIGN(kbuf->memsz, PAGE_SIZE);
	kbuf->buf_align = max(kbuf->buf_align, PAGE_SIZE);
	kbuf->cma = NULL;
	ret = kho_locate_mem_hole(kbuf, sim_kexec_hole);
	if (ret > 0)
		return -EADDRNOTAVAIL;	/* KHO off: no RAM map to search */
	if (ret)
		return ret;
	seg = &kbuf->image->segment[kbuf->image->nr_segments++];
	seg->kbuf = kbuf->buffer;
	seg->bufsz = kbuf->bufsz;
	seg->mem = kbuf->mem;
	seg->memsz = kbuf->memsz;
	return 0;
}

static int sim_kexec_load(struct kimage *image)
{
	unsigned long i;
	int ret;

	memset(image, 0, sizeof(*image));
	image->file_mode = 1;
	image->type = KEXEC_TYPE_DEFAULT;
	INIT_LIST_HEAD(&image->control_pages);
	INIT_LIST_HEAD(&image->dest_pages);
	INIT_LIST_HEAD(&image->unusable_pages);
	ret = kho_fill_kimage(image);
	if (ret)
		return ret;
	for (i = 0; i < image->nr_segments; i++) {
		struct kexec_segment *seg = &image->segment[i];

		if (host_kexec_segment(seg->mem, seg->kbuf, seg->bufsz))
			return -ENOMEM;
	}
	return 0;
}

int sim_kernel_kexec_prepare(struct sim_handover *kho)
{
	struct kimage *image = &sim_kimage;
	int ret;

	memset(kho, 0, sizeof(*kho));
	ret = sim_kexec_luo_done ? 0 : liveupdate_reboot();
	if (ret) {
		pr_err("kexec: live update refused the reboot: %d\n", ret);
		return ret;
	}
	kexec_in_progress = true;
	pr_notice("kexec: shutting down devices\n");
	device_shutdown();
	ret = sim_kexec_load(image);
	if (ret) {
		pr_err("kexec: loading the next kernel failed: %d\n", ret);
		return ret;
	}
	if (image->kho.fdt) {
		ret = sim_kho_keep_outgoing(image->kho.fdt);
		if (ret) {
			pr_err("kexec: KHO's preserved memory cannot be handed over: %d\n",
			       ret);
			return ret;
		}
		kho->fdt = image->kho.fdt;
		kho->fdt_len = PAGE_SIZE;	/* kexec-bzimage64.c: fdt_size */
		kho->scratch = image->kho.scratch->mem;
		kho->scratch_len = image->kho.scratch->bufsz;
	}
	sim_run_deferred();
	sim_printk_flush();
	return 0;
}
