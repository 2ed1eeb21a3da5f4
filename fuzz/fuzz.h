/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fuzz harnesses (issue #6): what every harness provides and what they
 * share. A harness is host-world C11 linked like a test program (the host
 * objects, the kernel world); fuzz_main.c drives it under AFL++ in
 * persistent mode, or replays files, one run of fuzz_one() per input.
 *
 * A run returns normally when the input was handled as it should be
 * (accepted, or refused with a message). A finding calls fuzz_finding(),
 * which prints why and aborts, so that afl-fuzz records a crash and a
 * replay exits on SIGABRT; so does the kernel world stopping (a BUG, a
 * panic, an unimplemented symbol, a read of RAM nobody preserved), which
 * the host reports with exit(3) (fuzz_common.c turns that into an abort
 * while a run is in progress).
 */
#ifndef PCISIM_FUZZ_H
#define PCISIM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct fuzz_harness {
	const char *name;
	/* Once per process, before the first run; argv after the options. */
	int (*init)(void);
	/* One input. */
	void (*one)(const uint8_t *data, size_t len);
	/* Write the harness's own seeds into dir (NULL: it has none). */
	int (*make_seeds)(const char *dir);
};

/* The harness this program runs (one per binary, see fuzz.mk). */
extern const struct fuzz_harness fuzz_harness;

/* Replay mode prints what each run did; fuzzing stays quiet. */
extern bool fuzz_verbose;

/* Report a finding and abort. */
__attribute__((noreturn, format(printf, 1, 2)))
void fuzz_finding(const char *fmt, ...);

/* Quiet output stream for diagnostics nobody reads while fuzzing. */
FILE *fuzz_null(void);

/*
 * The kernel log of the current run, for the harnesses that boot the
 * kernel world: lines up to max_level (3: errors, 4: warnings too) go to
 * a buffer (and to stderr when verbose). fuzz_klog_begin() empties it.
 */
void fuzz_klog_begin(int max_level);
const char *fuzz_klog(void);
/* Lines of the log so far (each ends in '\n'). */
unsigned int fuzz_klog_lines(void);

/*
 * Known findings, listed in the file $FUZZ_KNOWN names (fuzz.mk sets it
 * to fuzz/known-findings.txt), one per line: "KIND TEXT". They are
 * written up in fuzz/FINDINGS.md; listing them lets fuzzing go on past
 * them. fuzz_known("warn" or "bug", "path:line", len): a WARN or BUG at
 * that site, listed as "FILE CODE" (a suffix of its path and the trimmed
 * source line there, which survives patches that move lines) or as
 * "FILE:LINE"; other kinds: TEXT occurs in text (e.g. "disruption" with
 * the error log of a refused handover); "warn-if": see fuzz_input_class().
 */
bool fuzz_known(const char *kind, const char *text, size_t len);
/*
 * This run's input is of a known finding's class (a harness decides from
 * the input, e.g. "K3"): "warn-if CLASS FILE CODE" entries then make
 * WARNs at that site known, for this run only. fuzz_klog_begin() forgets
 * the class.
 */
void fuzz_input_class(const char *name);

/*
 * WARNs: the kernel world counts them (sim_warn_count()). A WARN is a
 * finding unless it is a known one. Call after a run with the log
 * captured at level 4 (the WARN lines give the sites).
 */
void fuzz_check_warns(unsigned long warns);

/* A run is in progress: exit() means the kernel world stopped. */
void fuzz_run_begin(void);
void fuzz_run_end(void);

/* Seeds: write len bytes to dir/name. */
int fuzz_write_seed(const char *dir, const char *name, const void *data,
		    size_t len);

#endif /* PCISIM_FUZZ_H */
