/* SPDX-License-Identifier: GPL-2.0 */
/* pcisim: the real Linux PCI core on simulated hardware. */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pcisim COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  enumerate [TOPO] [--dump FILE] [--log FILE] [--cmdline 'pci=...']\n"
		"            [--enable-vfs] [--quiet]\n"
		"      cold-boot TOPO (default: the built-in default topology) with\n"
		"      the kernel's own PCI core and print what it assigned\n"
		"  help     this text\n"
		"\n"
		"exit status: 0 success, 1 failed check, 2 bad input,\n"
		"             3 the kernel stopped (BUG, panic, unimplemented symbol)\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	if (!strcmp(argv[1], "enumerate"))
		return cmd_enumerate(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		usage(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "pcisim: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_BAD_INPUT;
}
