/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --dump: every function's config space in the pciutils dump format, the
 * one "lspci -xxxx" prints and "lspci -F FILE" reads back. The bytes are
 * read through the machine as the host bridge would read them, after the
 * kernel is done. Like the reference captures, a VF's vendor and device
 * ID (0xffff in hardware) are written as sysfs reports them.
 */
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "machine.h"
#include "sim/host_abi.h"

struct dump_ctx {
	FILE *out;
	struct machine *m;
};

static int dump_one(const struct sim_pci_info *d, void *arg)
{
	struct dump_ctx *c = arg;
	unsigned int size = d->cfg_size ? d->cfg_size : 256;
	unsigned int off;

	if (d->domain)
		fprintf(c->out, "%04x:", d->domain);
	fprintf(c->out, "%02x:%02x.%x Class %04x: Device %04x:%04x\n", d->bus,
		d->devfn >> 3, d->devfn & 7, d->class_code >> 8, d->vendor,
		d->device);
	for (off = 0; off < size; off += 16) {
		unsigned int b;

		fprintf(c->out, "%02x:", off);
		for (b = 0; b < 16; b++) {
			uint32_t v = 0xff;

			machine_cfg_read(c->m, d->domain, d->bus, d->devfn,
					 off + b, 1, &v);
			if (d->is_virtfn && off + b < 4)
				v = ((off + b < 2 ? d->vendor : d->device) >>
				     (8 * ((off + b) & 1))) & 0xff;
			fprintf(c->out, " %02x", v & 0xff);
		}
		fputc('\n', c->out);
	}
	fputc('\n', c->out);
	return 0;
}

int report_dump(const char *path, struct machine *m)
{
	struct dump_ctx c = { .m = m };

	c.out = fopen(path, "w");
	if (!c.out) {
		fprintf(stderr, "%s: error: %s\n", path, strerror(errno));
		return -1;
	}
	sim_pci_visit_devs(dump_one, &c);
	return cli_close_output(c.out, path);
}
