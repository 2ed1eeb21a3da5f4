// SPDX-License-Identifier: GPL-2.0
/*
 * Booting the kernel world (init/main.c, drivers/base/init.c).
 *
 * init/main.c cannot be compiled alone (it is the whole of start_kernel),
 * so the few steps of it that the PCI core depends on are done here, in
 * its order: early parameters, the remaining __setup() parameters as
 * unknown_bootoption() hands them out, the driver core's own init, then
 * every initcall level in turn. Departs from the kernel: no
 * CPU, memory or interrupt bring-up; parameters that nothing here
 * registered are reported and ignored, as the kernel ignores them.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/cache.h>
#include <linux/kexec_handover.h>
#include <linux/pfn.h>
#include <linux/radix-tree.h>
#include <linux/device.h>
#include <asm/setup.h>
#include "base.h"
#include <sim/host_abi.h>
#include <sim/kernel.h>

/* early (do_pre_smp_initcalls), then levels 0..7 (do_initcalls) */
static initcall_entry_t *sim_initcall_levels[] = {
	__initcall_start, __initcall0_start, __initcall1_start, __initcall2_start,
	__initcall3_start, __initcall4_start, __initcall5_start,
	__initcall6_start, __initcall7_start, __initcall_end,
};

static char sim_cmdline[COMMAND_LINE_SIZE];
static char sim_cmdline_early[COMMAND_LINE_SIZE];

static int sim_do_early_param(char *param, char *val, const char *unused,
			      void *arg)
{
	const struct obs_kernel_param *p;

	for (p = __setup_start; p < __setup_end; p++) {
		if (p->early && parameq(param, p->str)) {
			if (p->setup_func(val) != 0)
				pr_warn("Malformed early option '%s'\n", param);
		}
	}
	return 0;
}

/* init/main.c obsolete_checksetup(): the parameters that are not early */
static int sim_do_setup_param(char *param, char *val, const char *unused,
			      void *arg)
{
	const struct obs_kernel_param *p;
	bool had_early = false;
	char *line = param;

	/* parse_args() split "name=value"; __setup handlers want it whole */
	if (val) {
		if (val == param + strlen(param) + 1)
			val[-1] = '=';
	}
	for (p = __setup_start; p < __setup_end; p++) {
		int n = strlen(p->str);

		if (!parameqn(line, p->str, n))
			continue;
		if (p->early) {
			/* already handled, unless it was a bare "foo" */
			if (line[n] == '\0' || line[n] == '=')
				had_early = true;
		} else if (!p->setup_func) {
			pr_warn("Parameter %s is obsolete, ignored\n", p->str);
			return 0;
		} else if (p->setup_func(line + n)) {
			return 0;
		}
	}
	if (!had_early)
		pr_notice("Unknown kernel command line parameters \"%s\", will be passed to user space.\n",
			  line);
	return 0;
}

static void sim_do_initcall_level(int level)
{
	initcall_entry_t *fn;

	for (fn = sim_initcall_levels[level]; fn < sim_initcall_levels[level + 1];
	     fn++) {
		int ret = initcall_from_entry(fn)();

		if (ret && ret != -ENODEV)
			pr_debug("initcall %ps returned %d\n",
				 initcall_from_entry(fn), ret);
	}
	sim_run_deferred();
}

int sim_kernel_boot(const struct sim_boot_params *bp)
{
	int level;

	/*
	 * setup_arch(): RAM to memblock, the KHO handover the boot protocol
	 * names (setup_data SETUP_KEXEC_KHO), early options
	 */
	sim_mm_init(bp->ram, bp->ram_base, bp->ram_size);
	if (bp->kho.fdt)
		kho_populate(bp->kho.fdt, bp->kho.fdt_len, bp->kho.scratch,
			     bp->kho.scratch_len);
	strscpy(sim_cmdline, bp->cmdline ? bp->cmdline : "",
		sizeof(sim_cmdline));
	strscpy(sim_cmdline_early, sim_cmdline, sizeof(sim_cmdline_early));
	pr_notice("Kernel command line: %s\n", sim_cmdline);
	parse_args("early options", sim_cmdline_early, NULL, 0, 0, 0, NULL,
		   sim_do_early_param);

	/* mm_core_init_early(): KHO's early half, then the memmap */
	kho_memory_init_early();
	sim_mm_init_memmap();
	/* mm_core_init(): what KHO preserved reserved, the rest freed */
	kho_memory_init();
	sim_kho_note_incoming(&bp->kho);
	sim_mm_memblock_done();
	sim_slab_init(PHYS_PFN(bp->ram_base), bp->ram_size >> PAGE_SHIFT);
	sim_vmalloc_init();
	/* start_kernel(): the caches lib/ and the VFS need before initcalls */
	radix_tree_init();
	sim_vfs_init();

	parse_args("Booting kernel", sim_cmdline, NULL, 0, 0, 0, NULL,
		   sim_do_setup_param);

	/* drivers/base/init.c driver_init(), the parts that exist here */
	devices_init();
	buses_init();
	classes_init();

	for (level = 0; level < ARRAY_SIZE(sim_initcall_levels) - 1; level++)
		sim_do_initcall_level(level);
	system_state = SYSTEM_RUNNING;
	return 0;
}
