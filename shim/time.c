// SPDX-License-Identifier: GPL-2.0
/*
 * Time (kernel/time/, arch/x86/lib/delay.c).
 *
 * Departs from the kernel: time is virtual. A delay or sleep advances the
 * clock by exactly what was asked, instantly, so the 100 ms a device
 * needs after VF Enable costs nothing to run and the clock itself is a
 * result (the blackout of a live update). This kernel's clock starts at
 * boot; the machine's clock, which the host keeps, runs on across kexec.
 * jiffies is linked as an alias of jiffies_64, as x86's vmlinux.lds does.
 */
#include <linux/jiffies.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/export.h>
#include <sim/kernel.h>
#include <sim/host_abi.h>

u64 jiffies_64 __cacheline_aligned_in_smp = INITIAL_JIFFIES;

static u64 sim_clock_ns;

u64 sim_clock_now_ns(void)
{
	return sim_clock_ns;
}

static void sim_clock_advance(u64 ns)
{
	u64 before = sim_clock_ns / (NSEC_PER_SEC / HZ);

	host_clock_advance(ns);
	sim_clock_ns += ns;
	jiffies_64 += sim_clock_ns / (NSEC_PER_SEC / HZ) - before;
}

void msleep(unsigned int msecs)
{
	/* msleep() sleeps at least one jiffy beyond the request. */
	sim_clock_advance((u64)msecs * NSEC_PER_MSEC + NSEC_PER_SEC / HZ);
}

void usleep_range_state(unsigned long min, unsigned long max,
			unsigned int state)
{
	sim_clock_advance((u64)min * NSEC_PER_USEC);
}

/* udelay(n) passes n * 0x10c7 (2^32 / 10^6 rounded up); ndelay n * 5. */
void __const_udelay(unsigned long xloops)
{
	sim_clock_advance(((u64)xloops * NSEC_PER_SEC) >> 32);
}

void __udelay(unsigned long usecs)
{
	sim_clock_advance((u64)usecs * NSEC_PER_USEC);
}

void __ndelay(unsigned long nsecs)
{
	sim_clock_advance(nsecs);
}

ktime_t ktime_get(void)
{
	return ns_to_ktime(sim_clock_ns);
}
