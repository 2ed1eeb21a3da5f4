// SPDX-License-Identifier: GPL-2.0
/*
 * pcisim capture [-o OUT]: the PCI hardware of the machine pcisim runs on,
 * as a topology file at power-on state.
 *
 * libpciaccess lists the functions, reads their config space and knows
 * their BAR and ROM sizes (from sysfs on Linux); VF BAR sizes, which it
 * does not report, come from the same sysfs resource file it reads. From
 * there on the path is the importer's (pcicfg.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <pciaccess.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "pcicfg.h"

#define SYSFS_PCI	"/sys/bus/pci/devices"
#define RES_VF_FIRST	7

/* VF BAR sizes: lines 7-12 of sysfs "resource" (start end flags). */
static void vf_bar_sizes(struct pcicfg *c)
{
	char path[128], line[128];
	FILE *f;
	int i = 0;

	snprintf(path, sizeof(path), SYSFS_PCI "/%04x:%02x:%02x.%x/resource",
		 c->domain, c->bus, c->devfn >> 3, c->devfn & 7);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		uint64_t start, end, flags;
		int b = i++ - RES_VF_FIRST;

		if (b < 0 || b >= PCICFG_NR_BARS)
			continue;
		if (sscanf(line, "%" SCNx64 " %" SCNx64 " %" SCNx64, &start, &end,
			   &flags) != 3 || end <= start)
			continue;
		c->vf_bar[b].size = end - start + 1;
		c->vf_bar[b].listed = true;
	}
	fclose(f);
}

static void sizes(struct pci_device *dev, struct pcicfg *c)
{
	for (int i = 0; i < PCICFG_NR_BARS; i++) {
		const struct pci_mem_region *r = &dev->regions[i];

		if (!r->size)
			continue;
		c->bar[i].size = r->size;
		c->bar[i].listed = true;
		c->bar[i].kind = r->is_IO ? MBAR_IO : r->is_64 ? MBAR_MEM64 :
							      MBAR_MEM32;
		c->bar[i].pref = r->is_prefetchable;
	}
	if (dev->rom_size) {
		c->rom.size = dev->rom_size;
		c->rom.listed = true;
	}
	vf_bar_sizes(c);
}

/* Every function libpciaccess finds; *short_cfg counts partial reads. */
static struct pcicfg *read_all(size_t *n, size_t *short_cfg)
{
	struct pci_device_iterator *it = pci_slot_match_iterator_create(NULL);
	struct pcicfg *fns = NULL;
	struct pci_device *dev;
	size_t cap = 0;

	*n = *short_cfg = 0;
	while (it && (dev = pci_device_next(it))) {
		pciaddr_t got = 0;
		struct pcicfg *c;

		if (dev->domain > 0xffff) {
			fprintf(stderr, "warning: %x:%02x:%02x.%x: domain beyond ffff (topology domains are 0000-ffff): left out\n",
				dev->domain, dev->bus, dev->dev, dev->func);
			continue;
		}
		if (*n == cap) {
			struct pcicfg *v = realloc(fns, (cap = cap ? cap * 2 : 16) * sizeof(*v));

			if (!v)
				break;
			fns = v;
		}
		c = &fns[*n];
		memset(c, 0, sizeof(*c));
		c->domain = (uint16_t)dev->domain;
		c->bus = dev->bus;
		c->devfn = (uint8_t)(dev->dev << 3 | dev->func);
		if (pci_device_cfg_read(dev, c->cfg, 0, MACHINE_CFG_SIZE, &got) ||
		    got < 64) {
			fprintf(stderr, "warning: %04x:%02x:%02x.%x: config space not readable: left out\n",
				c->domain, c->bus, dev->dev, dev->func);
			continue;
		}
		/* unprivileged sysfs reads stop at 64 bytes: no capabilities */
		c->len = got >= MACHINE_CFG_SIZE ? MACHINE_CFG_SIZE : got >= 256 ? 256 : 64;
		if (got < 256)
			(*short_cfg)++;
		if (!pci_device_probe(dev))
			sizes(dev, c);
		(*n)++;
	}
	pci_iterator_destroy(it);
	return fns;
}

int cmd_capture(int argc, char **argv)
{
	struct pcicfg_diag dg = { .f = stderr, .source = "pcisim capture" };
	const char *out = NULL;
	size_t n, short_cfg, len = 0;
	struct pcicfg *fns;
	char *topo = NULL;
	FILE *o;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else {
			fprintf(stderr, "pcisim capture: unexpected argument '%s'\n"
				"usage: pcisim capture [-o OUT]\n", argv[i]);
			return EXIT_BAD_INPUT;
		}
	}
	rc = pci_system_init();
	if (rc) {
		fprintf(stderr, "pcisim capture: libpciaccess cannot access PCI on this machine: %s\n",
			strerror(rc));
		return EXIT_CHECK_FAILED;
	}
	fns = read_all(&n, &short_cfg);
	if (!n) {
		fprintf(stderr, "pcisim capture: libpciaccess found no PCI function on this machine (is " SYSFS_PCI " there?)\n");
		rc = EXIT_CHECK_FAILED;
		goto out;
	}
	if (short_cfg)
		fprintf(stderr, "warning: %zu functions show only 64 bytes of config space (run as root to capture their capabilities)\n",
			short_cfg);
	rc = EXIT_BAD_INPUT;
	o = open_memstream(&topo, &len);
	if (!o)
		goto out;
	fprintf(o, "# Captured by pcisim capture (libpciaccess): this machine's PCI hardware\n"
		"# at power-on. A capture does not show host windows: the first host has\n"
		"# QEMU arm64 virt's (topo/FORMAT.md), any other made-up ones.\n");
	rc = pcicfg_to_topology(fns, n, o, &dg);
	if (fclose(o))
		rc = EXIT_BAD_INPUT;
	if (!rc && cli_write_output(out, topo, len))
		rc = EXIT_BAD_INPUT;
out:
	free(topo);
	free(fns);
	pci_system_cleanup();
	return rc;
}
