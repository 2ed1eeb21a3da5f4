// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeping locks (kernel/locking/mutex.c, kernel/locking/rwsem.c).
 *
 * Departs from the kernel: there is one thread, so a lock never has to
 * wait. A lock that is already held when it is taken again can never be
 * released (nobody else runs), so that is reported as the deadlock it
 * would be and the run stops. Spinlocks are the kernel's own UP inlines.
 */
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/kernel.h>
#include <linux/bug.h>
#include <sim/host_abi.h>
#include <sim/kernel.h>

/* <linux/mutex.h>'s __mutex_init() calls this without lockdep */
void mutex_init_generic(struct mutex *lock)
{
	atomic_long_set(&lock->owner, 0);
	lock->first_waiter = NULL;
}

void mutex_lock(struct mutex *lock)
{
	if (atomic_long_read(&lock->owner))
		sim_abortf("%s: deadlock, mutex already held by the only thread", __func__);
	atomic_long_set(&lock->owner, 1);
}

int mutex_lock_interruptible(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

int mutex_lock_killable(struct mutex *lock)
{
	mutex_lock(lock);
	return 0;
}

int mutex_trylock(struct mutex *lock)
{
	if (atomic_long_read(&lock->owner))
		return 0;
	atomic_long_set(&lock->owner, 1);
	return 1;
}

void mutex_unlock(struct mutex *lock)
{
	WARN_ON(!atomic_long_read(&lock->owner));
	atomic_long_set(&lock->owner, 0);
}

bool mutex_is_locked(struct mutex *lock)
{
	return atomic_long_read(&lock->owner) != 0;
}

/* rwsem count: 0 free, > 0 readers, -1 writer. */
void __init_rwsem(struct rw_semaphore *sem, const char *name,
		  struct lock_class_key *key)
{
	atomic_long_set(&sem->count, 0);
	atomic_long_set(&sem->owner, 0);
	sem->first_waiter = NULL;
}

void down_read(struct rw_semaphore *sem)
{
	if (atomic_long_read(&sem->count) < 0)
		sim_abortf("%s: deadlock, rwsem write-held by the only thread", __func__);
	atomic_long_inc(&sem->count);
}

int down_read_killable(struct rw_semaphore *sem)
{
	down_read(sem);
	return 0;
}

int down_read_trylock(struct rw_semaphore *sem)
{
	if (atomic_long_read(&sem->count) < 0)
		return 0;
	atomic_long_inc(&sem->count);
	return 1;
}

void down_write(struct rw_semaphore *sem)
{
	if (atomic_long_read(&sem->count))
		sim_abortf("%s: deadlock, rwsem already held by the only thread", __func__);
	atomic_long_set(&sem->count, -1);
}

int down_write_killable(struct rw_semaphore *sem)
{
	down_write(sem);
	return 0;
}

int down_write_trylock(struct rw_semaphore *sem)
{
	if (atomic_long_read(&sem->count))
		return 0;
	atomic_long_set(&sem->count, -1);
	return 1;
}

void up_read(struct rw_semaphore *sem)
{
	WARN_ON(atomic_long_read(&sem->count) <= 0);
	atomic_long_dec(&sem->count);
}

void up_write(struct rw_semaphore *sem)
{
	WARN_ON(atomic_long_read(&sem->count) != -1);
	atomic_long_set(&sem->count, 0);
}

void downgrade_write(struct rw_semaphore *sem)
{
	WARN_ON(atomic_long_read(&sem->count) != -1);
	atomic_long_set(&sem->count, 1);
}
