// SPDX-License-Identifier: GPL-2.0
/*
 * printk (kernel/printk/printk.c).
 *
 * Formatting is the real lib/vsprintf.c, so %pR, %pa and friends print as
 * in dmesg. Departs from the kernel: no ring buffer, no console drivers;
 * every complete line goes to the host with its level, continuation lines
 * (KERN_CONT) are joined as the kernel joins them, and a dev_printk line
 * is already prefixed with its driver and device name by drivers/base.
 */
#include <linux/printk.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/stdarg.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

#define SIM_LOG_LINE_MAX	1024

static char sim_line[SIM_LOG_LINE_MAX];
static size_t sim_line_len;
static int sim_line_level = LOGLEVEL_DEFAULT;

static void sim_log_flush(void)
{
	if (!sim_line_len)
		return;
	host_log(sim_line_level, sim_line, sim_line_len);
	sim_line_len = 0;
}

static void sim_log_append(int level, bool cont, const char *text, size_t len)
{
	if (!cont)
		sim_log_flush();
	if (!sim_line_len)
		sim_line_level = level;
	while (len) {
		const char *nl = memchr(text, '\n', len);
		size_t chunk = nl ? (size_t)(nl - text) : len;
		size_t room = sizeof(sim_line) - sim_line_len;

		memcpy(sim_line + sim_line_len, text, min(chunk, room));
		sim_line_len += min(chunk, room);
		if (!nl)
			break;
		sim_log_flush();
		chunk++;
		text += chunk;
		len -= chunk;
	}
}

asmlinkage int vprintk_emit(int facility, int level,
			    const struct dev_printk_info *dev_info,
			    const char *fmt, va_list args)
{
	static char buf[SIM_LOG_LINE_MAX];
	const char *text = buf;
	bool cont = false;
	int len;
	int kern_level;

	len = vscnprintf(buf, sizeof(buf), fmt, args);
	while ((kern_level = printk_get_level(text)) != 0) {
		switch (kern_level) {
		case '0' ... '7':
			if (level == LOGLEVEL_DEFAULT)
				level = kern_level - '0';
			break;
		case 'c':
			cont = true;
			break;
		}
		text += 2;
		len -= 2;
	}
	if (level == LOGLEVEL_DEFAULT)
		level = CONSOLE_LOGLEVEL_DEFAULT > 4 ? 4 : CONSOLE_LOGLEVEL_DEFAULT;
	sim_log_append(level, cont, text, len);
	return len;
}

asmlinkage int vprintk(const char *fmt, va_list args)
{
	return vprintk_emit(0, LOGLEVEL_DEFAULT, NULL, fmt, args);
}

asmlinkage int _printk(const char *fmt, ...)
{
	va_list args;
	int r;

	va_start(args, fmt);
	r = vprintk(fmt, args);
	va_end(args);
	return r;
}

int _printk_deferred(const char *fmt, ...)
{
	va_list args;
	int r;

	va_start(args, fmt);
	r = vprintk(fmt, args);
	va_end(args);
	return r;
}

void __printk_deferred_enter(void)
{
}

void __printk_deferred_exit(void)
{
}

/* Flush a pending line that did not end in a newline. */
void sim_printk_flush(void)
{
	sim_log_flush();
}
