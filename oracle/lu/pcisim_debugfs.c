// SPDX-License-Identifier: GPL-2.0
/*
 * The PCI core's live-update device list in debugfs, for make oracle-lu:
 * what pcisim reads through pci-core/report.c (sim_lu_visit_list()),
 * read by the guest on a real kernel.
 *
 *   /sys/kernel/debug/pcisim/lu_list_outgoing  the list for the next kexec
 *   /sys/kernel/debug/pcisim/lu_list_incoming  the list handed to us
 *
 * One line per entry of pci_liveupdate_walk_list(), in its order:
 *
 *   BDF [VVVV:DDDD] ROLE refcount=N dep=BDF|host ser=HEX
 *
 * ROLE is preserved, bridge or pf as the entry's flags say, or missing
 * (handed over, no such device now); ser is the entry's struct pci_dev_ser as handed over, byte by
 * byte, which the comparison with pcisim's run holds to.
 */
#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/kho/abi/pci.h>
#include <linux/pci.h>
#include <linux/pci_liveupdate.h>
#include <linux/seq_file.h>

static int pcisim_lu_show_entry(const struct pci_liveupdate_entry *e,
				void *arg)
{
	const struct pci_dev_ser *ser = e->ser;
	const u8 *bytes = (const u8 *)ser;
	struct seq_file *m = arg;
	const char *role;
	size_t off;

	if (!e->dev)
		role = "missing";
	else if (ser->flags & PCI_DEV_SER_PRESERVED)
		role = "preserved";
	else if (ser->flags & PCI_DEV_SER_BRIDGE)
		role = "bridge";
	else
		role = "pf";
	if (e->dev)
		seq_printf(m, "%s", pci_name(e->dev));
	else
		seq_printf(m, "%04x:%02x:%02x.%d", ser->domain, ser->bdf >> 8,
			   PCI_SLOT(ser->bdf), PCI_FUNC(ser->bdf));
	seq_printf(m, " [%04x:%04x] %s refcount=%u dep=%s ser=",
		   ser->vendor, ser->device, role,
		   ser->refcount, e->dep ? pci_name(e->dep) : "host");
	/* %*ph prints at most 64 bytes at a time */
	for (off = 0; off < sizeof(*ser); off += 64)
		seq_printf(m, "%*phN", (int)min(sizeof(*ser) - off, (size_t)64),
			   bytes + off);
	seq_putc(m, '\n');
	return 0;
}

static int pcisim_lu_list_show(struct seq_file *m, void *unused)
{
	bool outgoing = (uintptr_t)m->private;

	return pci_liveupdate_walk_list(outgoing, pcisim_lu_show_entry, m);
}

static int pcisim_lu_list_open(struct inode *inode, struct file *file)
{
	return single_open(file, pcisim_lu_list_show, inode->i_private);
}

static const struct file_operations pcisim_lu_list_fops = {
	.owner = THIS_MODULE,
	.open = pcisim_lu_list_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init pcisim_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("pcisim", NULL);

	debugfs_create_file("lu_list_outgoing", 0400, dir, (void *)1UL,
			    &pcisim_lu_list_fops);
	debugfs_create_file("lu_list_incoming", 0400, dir, NULL,
			    &pcisim_lu_list_fops);
	return 0;
}
late_initcall(pcisim_debugfs_init);
