// SPDX-License-Identifier: GPL-2.0
/*
 * Wait queues, completions and the scheduler entry points
 * (kernel/sched/wait.c, swait.c, completion.c, core.c).
 *
 * Departs from the kernel: there is one thread and no other task can ever
 * run. Queue bookkeeping is kept so wake-ups find their waiters, but a
 * wait whose condition is false when checked can never become true, so
 * schedule() stops the run naming the deadlock instead of hanging.
 */
#include <linux/wait.h>
#include <linux/swait.h>
#include <linux/completion.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/list.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

void __init_waitqueue_head(struct wait_queue_head *wq_head, const char *name,
			   struct lock_class_key *key)
{
	spin_lock_init(&wq_head->lock);
	INIT_LIST_HEAD(&wq_head->head);
}

void add_wait_queue(struct wait_queue_head *wq_head,
		    struct wait_queue_entry *wq_entry)
{
	list_add(&wq_entry->entry, &wq_head->head);
}

void remove_wait_queue(struct wait_queue_head *wq_head,
		       struct wait_queue_entry *wq_entry)
{
	list_del(&wq_entry->entry);
}

void init_wait_entry(struct wait_queue_entry *wq_entry, int flags)
{
	wq_entry->flags = flags;
	wq_entry->private = current;
	wq_entry->func = autoremove_wake_function;
	INIT_LIST_HEAD(&wq_entry->entry);
}

long prepare_to_wait_event(struct wait_queue_head *wq_head,
			   struct wait_queue_entry *wq_entry, int state)
{
	if (list_empty(&wq_entry->entry))
		list_add_tail(&wq_entry->entry, &wq_head->head);
	return 0;
}

void finish_wait(struct wait_queue_head *wq_head,
		 struct wait_queue_entry *wq_entry)
{
	if (!list_empty(&wq_entry->entry))
		list_del_init(&wq_entry->entry);
}

int default_wake_function(struct wait_queue_entry *curr, unsigned int mode,
			  int wake_flags, void *key)
{
	return 1;
}

int autoremove_wake_function(struct wait_queue_entry *wq_entry,
			     unsigned int mode, int sync, void *key)
{
	list_del_init(&wq_entry->entry);
	return 1;
}

int __wake_up(struct wait_queue_head *wq_head, unsigned int mode,
	      int nr_exclusive, void *key)
{
	struct wait_queue_entry *curr, *next;
	int woken = 0;

	list_for_each_entry_safe(curr, next, &wq_head->head, entry)
		woken += curr->func(curr, mode, 0, key) > 0;
	return woken;
}

void __init_swait_queue_head(struct swait_queue_head *q, const char *name,
			     struct lock_class_key *key)
{
	raw_spin_lock_init(&q->lock);
	INIT_LIST_HEAD(&q->task_list);
}

void swake_up_one(struct swait_queue_head *q)
{
	struct swait_queue *curr;

	curr = list_first_entry_or_null(&q->task_list, typeof(*curr),
					task_list);
	if (curr)
		list_del_init(&curr->task_list);
}

long prepare_to_swait_event(struct swait_queue_head *q,
			    struct swait_queue *wait, int state)
{
	if (list_empty(&wait->task_list))
		list_add_tail(&wait->task_list, &q->task_list);
	return 0;
}

void finish_swait(struct swait_queue_head *q, struct swait_queue *wait)
{
	if (!list_empty(&wait->task_list))
		list_del_init(&wait->task_list);
}

void complete(struct completion *x)
{
	if (x->done != UINT_MAX)
		x->done++;
	swake_up_one(&x->wait);
}

void wait_for_completion(struct completion *x)
{
	if (!x->done)
		sim_abortf("%s: nothing else can run to complete it", __func__);
	if (x->done != UINT_MAX)
		x->done--;
}

int wait_for_completion_state(struct completion *x, unsigned int state)
{
	wait_for_completion(x);
	return 0;
}

asmlinkage void schedule(void)
{
	sim_abortf("%s: a wait can never end, no other task runs", __func__);
}

int wake_up_process(struct task_struct *p)
{
	return 1;
}

int wake_up_state(struct task_struct *p, unsigned int state)
{
	return 1;
}

/*
 * Make a task that runs in user space enter the kernel (task work,
 * signals): a simulated user task only ever runs its own system calls,
 * and sees its work as each returns (shim/syscall.c).
 */
void kick_process(struct task_struct *p)
{
}

void __put_task_struct(struct task_struct *t)
{
	sim_abortf("%s: the only task cannot be freed", __func__);
}

/* kernel/softirq.c: no softirqs exist, so there is nothing to run here. */
void __local_bh_enable_ip(unsigned long ip, unsigned int cnt)
{
	preempt_count_sub(cnt);
}
