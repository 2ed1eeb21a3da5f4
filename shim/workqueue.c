// SPDX-License-Identifier: GPL-2.0
/*
 * Workqueues, async calls and RCU callbacks (kernel/workqueue.c,
 * kernel/async.c, kernel/rcu/tiny.c).
 *
 * Departs from the kernel: no worker threads. Queued work and RCU
 * callbacks wait on one FIFO and run when the kernel world is quiescent:
 * at the end of every sim_* entry point, or when someone flushes. That
 * keeps the kernel's ordering promise (the work runs later, never inside
 * the queueing call, so locks held by the caller are free again). Delayed
 * work runs at the next quiescent point; its delay is not waited. Async
 * functions run synchronously, as the kernel itself does when it cannot
 * allocate an async entry. A grace period ends immediately: no other CPU
 * can be inside a read-side critical section.
 */
#include <linux/workqueue.h>
#include <linux/async.h>
#include <linux/rcupdate.h>
#include <linux/rcupdate_wait.h>
#include <linux/slab.h>
#include <linux/stdarg.h>
#include <linux/jiffies.h>
#include <linux/delay.h>
#include <linux/cpuhotplug.h>
#include <sim/kernel.h>

struct workqueue_struct {
	char name[32];
};

static struct workqueue_struct sim_system_wq = { .name = "events" };
struct workqueue_struct *system_wq = &sim_system_wq;
struct workqueue_struct *system_percpu_wq = &sim_system_wq;
struct workqueue_struct *system_highpri_wq = &sim_system_wq;
struct workqueue_struct *system_long_wq = &sim_system_wq;
struct workqueue_struct *system_unbound_wq = &sim_system_wq;
struct workqueue_struct *system_dfl_wq = &sim_system_wq;
struct workqueue_struct *system_freezable_wq = &sim_system_wq;
struct workqueue_struct *system_power_efficient_wq = &sim_system_wq;
struct workqueue_struct *system_freezable_power_efficient_wq = &sim_system_wq;

static LIST_HEAD(sim_pending_work);

struct sim_rcu_cb {
	struct rcu_head *head;
	rcu_callback_t func;
	struct list_head node;
};

static LIST_HEAD(sim_pending_rcu);

struct workqueue_struct *alloc_workqueue_noprof(const char *fmt,
						unsigned int flags,
						int max_active, ...)
{
	struct workqueue_struct *wq = kzalloc_obj(*wq, GFP_KERNEL);
	va_list args;

	if (!wq)
		return NULL;
	va_start(args, max_active);
	vsnprintf(wq->name, sizeof(wq->name), fmt, args);
	va_end(args);
	return wq;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	__flush_workqueue(wq);
	if (wq != &sim_system_wq)
		kfree(wq);
}

bool queue_work_on(int cpu, struct workqueue_struct *wq,
		   struct work_struct *work)
{
	if (test_and_set_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work)))
		return false;
	list_add_tail(&work->entry, &sim_pending_work);
	return true;
}

bool queue_delayed_work_on(int cpu, struct workqueue_struct *wq,
			   struct delayed_work *dwork, unsigned long delay)
{
	dwork->timer.expires = jiffies + delay;
	return queue_work_on(cpu, wq, &dwork->work);
}

bool mod_delayed_work_on(int cpu, struct workqueue_struct *wq,
			 struct delayed_work *dwork, unsigned long delay)
{
	dwork->timer.expires = jiffies + delay;
	queue_work_on(cpu, wq, &dwork->work);
	return true;
}

/* Only reachable from a timer, and timers never fire on their own here. */
void delayed_work_timer_fn(struct timer_list *t)
{
	struct delayed_work *dwork = timer_container_of(dwork, t, timer);

	queue_work_on(WORK_CPU_UNBOUND, system_wq, &dwork->work);
}

static void sim_run_work(struct work_struct *work)
{
	list_del_init(&work->entry);
	clear_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work));
	work->func(work);
}

bool flush_work(struct work_struct *work)
{
	if (!test_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work)))
		return false;
	sim_run_work(work);
	return true;
}

bool cancel_work_sync(struct work_struct *work)
{
	if (!test_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work)))
		return false;
	list_del_init(&work->entry);
	clear_bit(WORK_STRUCT_PENDING_BIT, work_data_bits(work));
	return true;
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	return cancel_work_sync(&dwork->work);
}

bool cancel_delayed_work(struct delayed_work *dwork)
{
	return cancel_work_sync(&dwork->work);
}

void __flush_workqueue(struct workqueue_struct *wq)
{
	sim_run_deferred();
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	struct sim_rcu_cb *cb = kmalloc_obj(*cb, GFP_ATOMIC);

	if (!cb) {
		/* No memory to defer it: a grace period ends right away. */
		func(head);
		return;
	}
	cb->head = head;
	cb->func = func;
	list_add_tail(&cb->node, &sim_pending_rcu);
}

void synchronize_rcu(void)
{
}

void wakeme_after_rcu(struct rcu_head *head)
{
	struct rcu_synchronize *rcu = container_of(head, typeof(*rcu), head);

	complete(&rcu->completion);
}

/* Run everything that was deferred, in order, until nothing is left. */
void sim_run_deferred(void)
{
	for (;;) {
		if (!list_empty(&sim_pending_rcu)) {
			struct sim_rcu_cb *cb = list_first_entry(&sim_pending_rcu,
					struct sim_rcu_cb, node);

			list_del(&cb->node);
			cb->func(cb->head);
			kfree(cb);
			continue;
		}
		if (!list_empty(&sim_pending_work)) {
			struct work_struct *work;

			work = list_first_entry(&sim_pending_work,
						struct work_struct, entry);

			sim_run_work(work);
			continue;
		}
		break;
	}
}

async_cookie_t async_schedule_node(async_func_t func, void *data, int node)
{
	static async_cookie_t next_cookie = 1;
	async_cookie_t cookie = next_cookie++;

	func(data, cookie);
	return cookie;
}

bool async_schedule_dev_nocall(async_func_t func, struct device *dev)
{
	return false;
}

void async_synchronize_full(void)
{
}

/* One CPU, already online: bring-up callbacks run for it right away. */
int __cpuhp_setup_state(enum cpuhp_state state, const char *name, bool invoke,
			int (*startup)(unsigned int cpu),
			int (*teardown)(unsigned int cpu), bool multi_instance)
{
	if (invoke && startup)
		return startup(0);
	return 0;
}
