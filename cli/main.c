/* SPDX-License-Identifier: GPL-2.0 */
/* pcisim: the real Linux PCI core on simulated hardware. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gen.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pcisim COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  enumerate [TOPO] [--dump FILE] [--log FILE] [--cmdline 'pci=...']\n"
		"            [--enable-vfs] [--quiet] [--phases FILE]\n"
		"      cold-boot TOPO (default: the built-in default topology) with\n"
		"      the kernel's own PCI core and print what it assigned\n"
		"  import-lspci DUMP [--resources FILE] [-o OUT]\n"
		"      the hardware of an lspci -xxxx or -vvvxxxx capture as a\n"
		"      topology file (BAR sizes from [size=] or FILE, else guessed)\n"
		"  capture [-o OUT]\n"
		"      the PCI hardware of this machine (libpciaccess) as a topology\n"
		"  draw TOPO -o FILE.svg|FILE.dot [--cmdline 'pci=...'] [--enable-vfs]\n"
		"       [--preserve BDF,...]\n"
		"      enumerate TOPO and draw the tree the kernel found (Graphviz);\n"
		"      preserved devices (default: TOPO's preserve marks) and what\n"
		"      they depend on are highlighted\n"
		"  run [TOPO] [--preserve BDF,...] [--kexec N] [--cmdline [N:]STR]...\n"
		"      [--enable-vfs] [--log FILE] [--preserve-fraction F]\n"
		"      [--phases FILE] [--ram SIZE] [--state-dir DIR]\n"
		"      boot TOPO, hand state over through KHO/LUO, kexec N times\n"
		"      (default 1) and check everything survived; exit 1 naming\n"
		"      each failed check. Without --preserve: the devices TOPO\n"
		"      marks preserve, or (none) a KHO self-test.\n"
		"      --cmdline STR adds STR to every kernel's command line;\n"
		"      --cmdline N:STR only to boot N (0 the first, N the kernel\n"
		"      kexec N starts); repeat it, in order. --state-dir DIR:\n"
		"      config space, device list and handover at each step, as\n"
		"      make oracle-lu captures them (oracle/lu/README.md)\n"
		"  gen [--functions N | --domains N] [--root-ports N] [--depth D]\n"
		"      [--fanout F] [--endpoints E] [--vfs V] [-o FILE]\n"
		"      a topology of that shape; TOPO 'gen:functions=N,...' does the\n"
		"      same without a file (pcisim gen --help)\n"
		"  help     this text\n"
		"\n"
		"exit status: 0 success, 1 failed check, 2 bad input,\n"
		"             3 the kernel stopped (BUG, panic, stack overflow, soft lockup,\n"
		"               unimplemented symbol)\n");
}

static int command(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_BAD_INPUT;
	}
	if (!strcmp(argv[1], "enumerate"))
		return cmd_enumerate(argc - 1, argv + 1);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "import-lspci"))
		return cmd_import_lspci(argc - 1, argv + 1);
	if (!strcmp(argv[1], "capture"))
		return cmd_capture(argc - 1, argv + 1);
	if (!strcmp(argv[1], "draw"))
		return cmd_draw(argc - 1, argv + 1);
	if (!strcmp(argv[1], "gen"))
		return cmd_gen(argc - 1, argv + 1);
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		/* there is one help text: "help run" would be a topic it lacks */
		if (argc > 2) {
			fprintf(stderr, "pcisim: help takes no topic ('%s'): its text covers every command (gen's shapes: pcisim gen --help)\n",
				argv[2]);
			usage(stderr);
			return EXIT_BAD_INPUT;
		}
		usage(stdout);
		return EXIT_OK;
	}
	fprintf(stderr, "pcisim: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_BAD_INPUT;
}

/*
 * Output that could not be written (standard output a full disk or a
 * pipe whose reader went away) is reported, exit 2, never a success that
 * lost it: a closed pipe is a write error here, not a silent SIGPIPE.
 */
int main(int argc, char **argv)
{
	int ret;

	signal(SIGPIPE, SIG_IGN);
	ret = command(argc, argv);
	if (cli_close_output(stdout, "standard output") && ret == EXIT_OK)
		ret = EXIT_BAD_INPUT;
	return ret;
}
