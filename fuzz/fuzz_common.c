// SPDX-License-Identifier: GPL-2.0
/* What the fuzz harnesses share: findings, the kernel log, WARN sites. */
#include "fuzz.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "host.h"

bool fuzz_verbose;
static bool fuzz_in_run;

void fuzz_finding(const char *fmt, ...)
{
	va_list ap;

	fflush(NULL);
	fprintf(stderr, "fuzz-%s: FINDING: ", fuzz_harness.name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (fuzz_klog()[0])
		fprintf(stderr, "kernel log of the run (captured levels):\n%s",
			fuzz_klog());
	fflush(stderr);
	abort();
}

static ssize_t null_write(void *c, const char *buf, size_t len)
{
	(void)c;
	(void)buf;
	return (ssize_t)len;
}

FILE *fuzz_null(void)
{
	static FILE *f;

	if (!f) {
		f = fopencookie(NULL, "w", (cookie_io_functions_t){
				.write = null_write });
		if (!f)
			abort();
	}
	return f;
}

/* The known-finding class of this run's input ("K3"), "" for none. */
static char run_input_class[16];

/* ---- the kernel log ---- */

#define KLOG_MAX	(256 * 1024)

static struct {
	char *buf;
	size_t len;
	unsigned int lines;
	FILE *f;
} klog;

static ssize_t klog_write(void *c, const char *buf, size_t len)
{
	(void)c;
	if (fuzz_verbose)
		fwrite(buf, 1, len, stderr);
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\n')
			klog.lines++;
	if (klog.len + len < KLOG_MAX) {
		memcpy(klog.buf + klog.len, buf, len);
		klog.len += len;
		klog.buf[klog.len] = '\0';
	}
	return (ssize_t)len;
}

void fuzz_klog_begin(int max_level)
{
	if (!klog.f) {
		klog.buf = malloc(KLOG_MAX);
		klog.f = fopencookie(NULL, "w", (cookie_io_functions_t){
				     .write = klog_write });
		if (!klog.buf || !klog.f)
			abort();
		setvbuf(klog.f, NULL, _IONBF, 0);
	}
	klog.len = 0;
	klog.lines = 0;
	run_input_class[0] = '\0';
	klog.buf[0] = '\0';
	host_set_log(klog.f, fuzz_verbose ? 7 : max_level);
}

const char *fuzz_klog(void)
{
	return klog.buf ? klog.buf : "";
}

unsigned int fuzz_klog_lines(void)
{
	return klog.lines;
}

/* ---- known findings ($FUZZ_KNOWN: fuzz/known-findings.txt) ---- */

struct known {
	char kind[16];
	char *text;
};

static struct known *known;
static size_t nr_known;
static bool known_loaded;

static void load_known(void)
{
	const char *path = getenv("FUZZ_KNOWN");
	char line[1024];
	FILE *f;

	known_loaded = true;
	if (!path || !(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t"), *text;
		size_t k = strcspn(s, " \t\n");
		struct known *v;

		s[strcspn(s, "\n")] = '\0';
		if (!*s || *s == '#' || k >= sizeof(known->kind))
			continue;
		text = s + k + strspn(s + k, " \t");
		v = realloc(known, (nr_known + 1) * sizeof(*known));
		if (!v)
			break;
		known = v;
		memcpy(known[nr_known].kind, s, k);
		known[nr_known].kind[k] = '\0';
		known[nr_known++].text = strdup(text);
	}
	fclose(f);
}

/*
 * The source line at "path:line" of a WARN or BUG site, trimmed: path is
 * absolute, or relative to the kernel tree the object was compiled from:
 * this build's overlay (FUZZ_OVERLAY: the patched files and lu/'s) if it
 * holds the file, else the tree ($FUZZ_KSRC, default the tree this build
 * compiled, FUZZ_KSRC_DEFAULT).
 */
static bool site_code(const char *site, size_t len, char *code, size_t size)
{
	char path[4096], line[1024];
	const char *colon = memrchr(site, ':', len);
	const char *ksrc = getenv("FUZZ_KSRC");
	long want, n = 0;
	FILE *f;

	if (!colon || (size_t)(colon - site) >= sizeof(path) / 2)
		return false;
	want = strtol(colon + 1, NULL, 10);
	if (site[0] == '/') {
		snprintf(path, sizeof(path), "%.*s", (int)(colon - site), site);
		f = fopen(path, "r");
	} else {
		snprintf(path, sizeof(path), "%s/%.*s", FUZZ_OVERLAY,
			 (int)(colon - site), site);
		f = fopen(path, "r");
		if (!f) {
			snprintf(path, sizeof(path), "%s/%.*s",
				 ksrc ? ksrc : FUZZ_KSRC_DEFAULT,
				 (int)(colon - site), site);
			f = fopen(path, "r");
		}
	}
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f) && ++n < want)
		;
	fclose(f);
	if (n != want)
		return false;
	line[strcspn(line, "\n")] = '\0';
	snprintf(code, size, "%s", line + strspn(line, " \t"));
	return true;
}

/* "FILE CODE" (a file name suffix and its source line) or "FILE:LINE" */
static bool site_matches(const char *entry, const char *site, size_t len,
			 const char *code)
{
	size_t flen = strcspn(entry, " \t");
	const char *colon = memrchr(site, ':', len);
	const char *ecode = entry + flen + strspn(entry + flen, " \t");

	if (!entry[flen])
		return strlen(entry) == len && !memcmp(entry, site, len);
	return code && colon && (size_t)(colon - site) >= flen &&
	       !memcmp(colon - flen, entry, flen) && !strcmp(ecode, code);
}

void fuzz_input_class(const char *name)
{
	snprintf(run_input_class, sizeof(run_input_class), "%s", name);
}

/* "warn-if CLASS FILE CODE": a WARN at a site, known for inputs of CLASS */
static bool known_warn_if(const char *entry, const char *site, size_t len,
			  const char *code)
{
	size_t clen = strcspn(entry, " \t");

	if (!run_input_class[0] || clen != strlen(run_input_class) ||
	    memcmp(entry, run_input_class, clen))
		return false;
	return site_matches(entry + clen + strspn(entry + clen, " \t"), site,
			    len, code);
}

bool fuzz_known(const char *kind, const char *text, size_t len)
{
	char code[1024];
	bool have_code = false, site = !strcmp(kind, "warn") ||
					!strcmp(kind, "bug");

	if (!known_loaded)
		load_known();
	if (site)
		have_code = site_code(text, len, code, sizeof(code));
	for (size_t i = 0; i < nr_known; i++) {
		if (!strcmp(kind, "warn") && !strcmp(known[i].kind, "warn-if") &&
		    known_warn_if(known[i].text, text, len,
				  have_code ? code : NULL))
			return true;
		if (strcmp(known[i].kind, kind))
			continue;
		if (site ? site_matches(known[i].text, text, len,
					have_code ? code : NULL) :
		    !!strstr(text, known[i].text))
			return true;
	}
	return false;
}

void fuzz_check_warns(unsigned long warns)
{
	const char *p = fuzz_klog();
	unsigned long seen = 0;

	if (!warns)
		return;
	while ((p = strstr(p, "WARNING: CPU: 0 PID: 0 at "))) {
		const char *site = p + strlen("WARNING: CPU: 0 PID: 0 at ");
		size_t len = strcspn(site, " \n");

		seen++;
		if (!fuzz_known("warn", site, len))
			fuzz_finding("kernel WARN at %.*s", (int)len, site);
		p = site;
	}
	if (seen != warns)
		fuzz_finding("%lu kernel WARNs, %lu of them in the log", warns,
			     seen);
}

/* ---- the kernel world stopping ---- */

static void fuzz_atexit(void)
{
	const char *bug = strstr(fuzz_klog(), "kernel BUG at ");

	if (!fuzz_in_run)
		return;
	fuzz_in_run = false;
	if (bug) {
		const char *site = bug + strlen("kernel BUG at ");
		size_t len = strcspn(site, "!\n");

		/*
		 * A BUG fuzz/FINDINGS.md describes: no crash, so that afl-fuzz
		 * goes on past it (the exit status is still 3).
		 */
		if (fuzz_known("bug", site, len)) {
			fprintf(stderr, "fuzz-%s: known finding: kernel BUG at %.*s\n",
				fuzz_harness.name, (int)len, site);
			return;
		}
	}
	/* a stop fuzz/FINDINGS.md describes for inputs of this class */
	if (run_input_class[0] && fuzz_known("stop-if", run_input_class, 0)) {
		fprintf(stderr, "fuzz-%s: known finding: the kernel stopped (%s)\n",
			fuzz_harness.name, run_input_class);
		return;
	}
	fuzz_finding("the kernel world stopped (BUG, panic, soft lockup, unimplemented symbol or unpreserved RAM; see above)");
}

void fuzz_run_begin(void)
{
	static bool registered;

	if (!registered) {
		atexit(fuzz_atexit);
		registered = true;
	}
	fuzz_in_run = true;
}

void fuzz_run_end(void)
{
	fuzz_in_run = false;
}

int fuzz_write_seed(const char *dir, const char *name, const void *data,
		    size_t len)
{
	char path[4096];
	FILE *f;

	if (mkdir(dir, 0777) && errno != EEXIST) {
		perror(dir);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		return -1;
	}
	return 0;
}
