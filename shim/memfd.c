// SPDX-License-Identifier: GPL-2.0
/*
 * memfd (mm/memfd.c, and mm/shmem.c as far as a memfd uses it) with its
 * live update file handler (mm/memfd_luo.c), for the simulated user space
 * and the LUO selftests of the tree.
 *
 * Departs from upstream: mm/memfd_luo.c is not compiled, and neither are
 * mm/memfd.c and mm/shmem.c. They are written against shmem and the page
 * cache (shmem_file_setup(), shmem_add_to_page_cache(), memfd_pin_folios(),
 * the LRU, memcg charging, a tmpfs mount), which this kernel world does
 * not have. This file is a memfd of its own: each file has an inode of its
 * own (i_size, no links, as memfd_create() gives), its data in order-0
 * folios from the page allocator kept in an xarray by page index, and
 * read, write, llseek, ftruncate and mmap (the host maps the folios' RAM,
 * shim/syscall.c). Its LUO handler speaks upstream's ABI: compatible
 * "memfd-v2", struct memfd_luo_ser and struct memfd_luo_folio_ser
 * (include/linux/kho/abi/memfd.h), each folio preserved with
 * kho_preserve_folio() and the folio array with kho_preserve_vmalloc(),
 * taken back with kho_restore_folio() and kho_restore_vmalloc(); and its
 * callbacks do what upstream's do: preserve freezes the size
 * (SHMEM_F_MAPPING_FROZEN: no size change, no write past the end, -EPERM),
 * takes a reference to every folio (memfd_pin_folios()) and fills holes
 * with zeroed folios; freeze records the file position; retrieve makes a
 * new memfd with the size, position and seals handed over; finish of a
 * file never retrieved frees its folios; get_id is the inode.
 *
 * Also departs: seals are kept and obeyed but cannot be added (no
 * fcntl(F_ADD_SEALS)); no huge pages; a file cannot shrink while the host
 * maps it (-EBUSY: there are no page tables to zap); SEEK_DATA and
 * SEEK_HOLE treat the whole file as data, as generic_file_llseek() does.
 */
#define pr_fmt(fmt) "memfd: " fmt

#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/io.h>
#include <linux/kexec_handover.h>
#include <linux/kho/abi/memfd.h>
#include <linux/liveupdate.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include <uapi/linux/memfd.h>
#include <sim/kernel.h>

/* mm/memfd.c */
#define MFD_NAME_PREFIX		"memfd:"
#define MFD_NAME_PREFIX_LEN	(sizeof(MFD_NAME_PREFIX) - 1)
#define MFD_NAME_MAX_LEN	(NAME_MAX - MFD_NAME_PREFIX_LEN)
#define MFD_ALL_FLAGS		(MFD_CLOEXEC | MFD_ALLOW_SEALING | \
				 MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC)

/* A memfd's inode->i_private: what shmem_inode_info holds for it. */
struct sim_memfd {
	struct xarray folios;	/* page index -> order-0 folio */
	unsigned int seals;	/* F_SEAL_* */
	bool frozen;		/* SHMEM_F_MAPPING_FROZEN: preserved */
	unsigned int mapped;	/* host mappings of it */
};

/* A host mapping (sim_memfd_mmap()): it holds its file. */
static DEFINE_XARRAY_ALLOC(sim_memfd_maps);

static const struct file_operations sim_memfd_fops;

static struct sim_memfd *sim_memfd_of(struct file *file)
{
	return file_inode(file)->i_private;
}

/*
 * The folio at index; with alloc, a zeroed one is added where there is
 * none (shmem_get_folio(SGP_WRITE)). NULL: a hole, or out of memory.
 */
static struct folio *sim_memfd_folio(struct sim_memfd *mfd, pgoff_t index,
				     bool alloc)
{
	struct folio *folio = xa_load(&mfd->folios, index);

	if (folio || !alloc)
		return folio;
	folio = folio_alloc(GFP_KERNEL | __GFP_ZERO, 0);
	if (!folio)
		return NULL;
	if (xa_err(xa_store(&mfd->folios, index, folio, GFP_KERNEL))) {
		folio_put(folio);
		return NULL;
	}
	return folio;
}

/* Drop the folios from index start on (truncate_inode_pages_range()). */
static void sim_memfd_drop_from(struct sim_memfd *mfd, pgoff_t start)
{
	struct folio *folio;
	unsigned long index;

	xa_for_each_start(&mfd->folios, index, folio, start) {
		xa_erase(&mfd->folios, index);
		folio_put(folio);
	}
}

/* memfd_alloc_file(): flags already sanitized */
static struct file *sim_memfd_alloc_file(unsigned int flags)
{
	struct sim_memfd *mfd;
	struct inode *inode;
	struct file *file;

	mfd = kzalloc_obj(*mfd, GFP_KERNEL);
	if (!mfd)
		return ERR_PTR(-ENOMEM);
	xa_init(&mfd->folios);
	/* shmem_get_inode(): sealing is off unless asked for */
	mfd->seals = F_SEAL_SEAL;
	if (flags & MFD_NOEXEC_SEAL)
		mfd->seals = F_SEAL_EXEC;
	else if (flags & MFD_ALLOW_SEALING)
		mfd->seals = 0;
	inode = sim_new_inode(S_IFREG | ((flags & MFD_NOEXEC_SEAL) ? 0666 : 0777));
	if (!inode) {
		kfree(mfd);
		return ERR_PTR(-ENOMEM);
	}
	init_rwsem(&inode->i_rwsem);
	inode->i_private = mfd;
	file = sim_alloc_empty_file(O_RDWR | O_LARGEFILE);
	if (IS_ERR(file)) {
		iput(inode);
		kfree(mfd);
		return file;
	}
	/* the inode's reference goes to the file */
	sim_file_init_pseudo(file, inode, &sim_memfd_fops);
	file->f_mode |= FMODE_LSEEK | FMODE_PREAD | FMODE_PWRITE;
	return file;
}

/* SYSCALL_DEFINE2(memfd_create), as a system call of shim/syscall.c */
int sim_memfd_create(const char __user *uname, unsigned int flags)
{
	char *name;
	long len;

	if (flags & ~MFD_ALL_FLAGS)
		return -EINVAL;
	if ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL))
		return -EINVAL;
	/* huge pages (hugetlbfs) are not modelled */
	if (flags & MFD_HUGETLB)
		return -EINVAL;
	/* alloc_name(): the name is checked, and not kept (anon files) */
	name = kmalloc(MFD_NAME_MAX_LEN + 1, GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	len = strncpy_from_user(name, uname, MFD_NAME_MAX_LEN + 1);
	kfree(name);
	if (len < 0)
		return -EFAULT;
	if (len > MFD_NAME_MAX_LEN)
		return -EINVAL;
	return FD_ADD((flags & MFD_CLOEXEC) ? O_CLOEXEC : 0,
		      sim_memfd_alloc_file(flags));
}

static int sim_memfd_release(struct inode *inode, struct file *file)
{
	struct sim_memfd *mfd = inode->i_private;

	sim_memfd_drop_from(mfd, 0);
	xa_destroy(&mfd->folios);
	kfree(mfd);
	inode->i_private = NULL;
	return 0;
}

static const char sim_memfd_zeroes[256];

static ssize_t sim_memfd_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct inode *inode = file_inode(file);
	struct sim_memfd *mfd = inode->i_private;
	loff_t pos = *ppos, size;
	size_t done = 0;
	ssize_t err = 0;

	inode_lock_shared(inode);
	size = i_size_read(inode);
	if (pos >= size)
		goto out;
	count = min_t(loff_t, count, size - pos);
	while (done < count) {
		size_t off = offset_in_page(pos);
		size_t n = min_t(size_t, count - done, PAGE_SIZE - off);
		struct folio *folio = sim_memfd_folio(mfd, pos >> PAGE_SHIFT,
						      false);
		unsigned long left;

		/* a hole reads as zeroes (the zero page), and stays one */
		if (folio) {
			left = copy_to_user(buf + done,
					    folio_address(folio) + off, n);
		} else {
			n = min(n, sizeof(sim_memfd_zeroes));
			left = copy_to_user(buf + done, sim_memfd_zeroes, n);
		}
		done += n - left;
		pos += n - left;
		if (left) {
			err = -EFAULT;
			break;
		}
	}
	*ppos = pos;
out:
	inode_unlock_shared(inode);
	return done ? done : err;
}

static ssize_t sim_memfd_write(struct file *file, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	struct inode *inode = file_inode(file);
	struct sim_memfd *mfd = inode->i_private;
	loff_t pos, end;
	size_t done = 0;
	ssize_t err = 0;

	inode_lock(inode);
	pos = (file->f_flags & O_APPEND) ? i_size_read(inode) : *ppos;
	if (check_add_overflow(pos, (loff_t)count, &end) ||
	    end > MAX_LFS_FILESIZE) {
		err = -EFBIG;
		goto out;
	}
	/* shmem_write_begin() */
	if ((mfd->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)) ||
	    (end > i_size_read(inode) &&
	     ((mfd->seals & F_SEAL_GROW) || mfd->frozen))) {
		err = -EPERM;
		goto out;
	}
	while (done < count) {
		size_t off = offset_in_page(pos);
		size_t n = min_t(size_t, count - done, PAGE_SIZE - off);
		struct folio *folio = sim_memfd_folio(mfd, pos >> PAGE_SHIFT,
						      true);
		unsigned long left;

		if (!folio) {
			err = -ENOMEM;
			break;
		}
		left = copy_from_user(folio_address(folio) + off, buf + done,
				      n);
		done += n - left;
		pos += n - left;
		if (left) {
			err = -EFAULT;
			break;
		}
	}
	if (pos > i_size_read(inode))
		i_size_write(inode, pos);
	*ppos = pos;
out:
	inode_unlock(inode);
	return done ? done : err;
}

/* generic_file_llseek_size(): SEEK_DATA and SEEK_HOLE see no holes */
static loff_t sim_memfd_llseek(struct file *file, loff_t offset, int whence)
{
	loff_t size = i_size_read(file_inode(file));

	switch (whence) {
	case SEEK_SET:
		break;
	case SEEK_CUR:
		offset += file->f_pos;
		break;
	case SEEK_END:
		offset += size;
		break;
	case SEEK_DATA:
		if (offset < 0 || offset >= size)
			return -ENXIO;
		break;
	case SEEK_HOLE:
		if (offset < 0 || offset >= size)
			return -ENXIO;
		offset = size;
		break;
	default:
		return -EINVAL;
	}
	/* vfs_setpos() */
	if (offset < 0 || offset > MAX_LFS_FILESIZE)
		return -EINVAL;
	file->f_pos = offset;
	return offset;
}

static const struct file_operations sim_memfd_fops = {
	.owner = THIS_MODULE,
	.read = sim_memfd_read,
	.write = sim_memfd_write,
	.llseek = sim_memfd_llseek,
	.release = sim_memfd_release,
};

/* shmem_setattr() with ATTR_SIZE, for ftruncate(2) */
int sim_memfd_setsize(struct file *file, loff_t length)
{
	struct inode *inode = file_inode(file);
	struct sim_memfd *mfd;
	loff_t size;
	int err = 0;

	if (file->f_op != &sim_memfd_fops)
		return -EINVAL;
	if (length > MAX_LFS_FILESIZE)
		return -EFBIG;
	mfd = inode->i_private;
	inode_lock(inode);
	size = i_size_read(inode);
	if ((length < size && (mfd->seals & F_SEAL_SHRINK)) ||
	    (length > size && (mfd->seals & F_SEAL_GROW)) ||
	    (length != size && mfd->frozen)) {
		err = -EPERM;
		goto out;
	}
	if (length < size) {
		struct folio *folio;

		if (mfd->mapped) {
			err = -EBUSY;
			goto out;
		}
		sim_memfd_drop_from(mfd, DIV_ROUND_UP(length, PAGE_SIZE));
		/* the tail of a partial last page reads as zeroes again */
		folio = sim_memfd_folio(mfd, length >> PAGE_SHIFT, false);
		if (folio && offset_in_page(length))
			memset(folio_address(folio) + offset_in_page(length), 0,
			       PAGE_SIZE - offset_in_page(length));
	}
	i_size_write(inode, length);
out:
	inode_unlock(inode);
	return err;
}

/*
 * The pages of a MAP_SHARED mapping of nr_pages from pgoff, faulted in
 * (shmem_fault()): their physical addresses to pa[], 0 for those past the
 * end of the file (whose access is SIGBUS). Returns the mapping's handle.
 */
long sim_memfd_mmap(struct file *file, pgoff_t pgoff, unsigned long nr_pages,
		    int prot, u64 __user *pa)
{
	struct inode *inode = file_inode(file);
	struct sim_memfd *mfd;
	pgoff_t end, i;
	u32 handle;
	long err;

	if (file->f_op != &sim_memfd_fops)
		return -ENODEV;
	mfd = inode->i_private;
	if (check_add_overflow(pgoff, nr_pages, &end))
		return -EOVERFLOW;
	inode_lock(inode);
	/* memfd_check_seals_mmap() */
	err = -EPERM;
	if ((prot & PROT_WRITE) &&
	    (mfd->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		goto out;
	for (i = pgoff; i < end; i++) {
		struct folio *folio = NULL;
		u64 phys = 0;

		if (i < DIV_ROUND_UP(i_size_read(inode), PAGE_SIZE)) {
			err = -ENOMEM;
			folio = sim_memfd_folio(mfd, i, true);
			if (!folio)
				goto out;
			phys = PFN_PHYS(folio_pfn(folio));
		}
		err = -EFAULT;
		if (put_user(phys, pa + (i - pgoff)))
			goto out;
	}
	err = xa_alloc(&sim_memfd_maps, &handle, get_file(file), xa_limit_31b,
		       GFP_KERNEL);
	if (err) {
		fput(file);
		goto out;
	}
	mfd->mapped++;
	err = handle;
out:
	inode_unlock(inode);
	return err;
}

int sim_memfd_munmap(long handle)
{
	struct file *file;
	struct inode *inode;

	if (handle < 0 || handle > INT_MAX)
		return -EINVAL;
	file = xa_erase(&sim_memfd_maps, handle);
	if (!file)
		return -EINVAL;
	inode = file_inode(file);
	inode_lock(inode);
	sim_memfd_of(file)->mapped--;
	inode_unlock(inode);
	fput(file);
	return 0;
}

/* ---- the LUO file handler (mm/memfd_luo.c) ---- */

/* memfd_luo_preserve_folios(): every page, holes filled, pinned */
static int sim_memfd_preserve_folios(struct sim_memfd *mfd, loff_t size,
				     struct kho_vmalloc *kho_vmalloc,
				     struct memfd_luo_folio_ser **out,
				     u64 *nr_foliosp)
{
	struct memfd_luo_folio_ser *folios_ser;
	u64 nr_folios = DIV_ROUND_UP_ULL(size, PAGE_SIZE);
	long i;
	int err;

	if (!size) {
		*nr_foliosp = 0;
		*out = NULL;
		return 0;
	}
	folios_ser = vzalloc(array_size(nr_folios, sizeof(*folios_ser)));
	if (!folios_ser)
		return -ENOMEM;
	for (i = 0; i < nr_folios; i++) {
		struct memfd_luo_folio_ser *pfolio = &folios_ser[i];
		struct folio *folio = sim_memfd_folio(mfd, i, true);

		if (!folio) {
			err = -ENOMEM;
			goto err_unpreserve;
		}
		err = kho_preserve_folio(folio);
		if (err)
			goto err_unpreserve;
		folio_get(folio);
		/* every folio is dirty and up to date, as upstream marks them */
		pfolio->pfn = folio_pfn(folio);
		pfolio->flags = MEMFD_LUO_FOLIO_DIRTY | MEMFD_LUO_FOLIO_UPTODATE;
		pfolio->index = i;
	}
	err = kho_preserve_vmalloc(folios_ser, kho_vmalloc);
	if (err)
		goto err_unpreserve;
	*nr_foliosp = nr_folios;
	*out = folios_ser;
	return 0;

err_unpreserve:
	for (i = i - 1; i >= 0; i--) {
		struct folio *folio = pfn_folio(folios_ser[i].pfn);

		kho_unpreserve_folio(folio);
		folio_put(folio);
	}
	vfree(folios_ser);
	return err;
}

static void sim_memfd_unpreserve_folios(struct kho_vmalloc *kho_vmalloc,
					struct memfd_luo_folio_ser *folios_ser,
					u64 nr_folios)
{
	u64 i;

	if (!nr_folios)
		return;
	kho_unpreserve_vmalloc(kho_vmalloc);
	for (i = 0; i < nr_folios; i++) {
		struct folio *folio;

		if (!folios_ser[i].pfn)
			continue;
		folio = pfn_folio(folios_ser[i].pfn);
		kho_unpreserve_folio(folio);
		folio_put(folio);
	}
	vfree(folios_ser);
}

static int sim_memfd_luo_preserve(struct liveupdate_file_op_args *args)
{
	struct inode *inode = file_inode(args->file);
	struct sim_memfd *mfd = inode->i_private;
	struct memfd_luo_folio_ser *folios_ser;
	struct memfd_luo_ser *ser;
	u64 nr_folios;
	loff_t size;
	int err;

	inode_lock(inode);
	mfd->frozen = true;
	ser = kho_alloc_preserve(sizeof(*ser));
	if (IS_ERR(ser)) {
		err = PTR_ERR(ser);
		goto err_unlock;
	}
	err = -EOPNOTSUPP;
	if (mfd->seals & ~MEMFD_LUO_ALL_SEALS)
		goto err_free_ser;
	ser->pos = args->file->f_pos;
	size = i_size_read(inode);
	err = -EFBIG;
	if (DIV_ROUND_UP_ULL(size, PAGE_SIZE) > UINT_MAX)
		goto err_free_ser;
	ser->size = size;
	ser->seals = mfd->seals;
	err = sim_memfd_preserve_folios(mfd, size, &ser->folios, &folios_ser,
					&nr_folios);
	if (err)
		goto err_free_ser;
	ser->nr_folios = nr_folios;
	inode_unlock(inode);
	args->private_data = folios_ser;
	args->serialized_data = virt_to_phys(ser);
	return 0;

err_free_ser:
	kho_unpreserve_free(ser);
err_unlock:
	mfd->frozen = false;
	inode_unlock(inode);
	return err;
}

static int sim_memfd_luo_freeze(struct liveupdate_file_op_args *args)
{
	struct memfd_luo_ser *ser;

	if (WARN_ON_ONCE(!args->serialized_data))
		return -EINVAL;
	/* the position may have moved since preserve */
	ser = phys_to_virt(args->serialized_data);
	ser->pos = args->file->f_pos;
	return 0;
}

static void sim_memfd_luo_unpreserve(struct liveupdate_file_op_args *args)
{
	struct inode *inode = file_inode(args->file);
	struct memfd_luo_ser *ser;

	if (WARN_ON_ONCE(!args->serialized_data))
		return;
	inode_lock(inode);
	((struct sim_memfd *)inode->i_private)->frozen = false;
	ser = phys_to_virt(args->serialized_data);
	sim_memfd_unpreserve_folios(&ser->folios, args->private_data,
				    ser->nr_folios);
	kho_unpreserve_free(ser);
	inode_unlock(inode);
}

/* Take the folios back and free them (memfd_luo_discard_folios()). */
static void sim_memfd_discard_folios(const struct memfd_luo_folio_ser *fs,
				     u64 from, u64 nr_folios)
{
	u64 i;

	for (i = from; i < nr_folios; i++) {
		struct folio *folio;

		if (!fs[i].pfn)
			continue;
		folio = kho_restore_folio(PFN_PHYS(fs[i].pfn));
		if (!folio) {
			pr_warn_ratelimited("Unable to restore folio at physical address: %llx\n",
					    PFN_PHYS(fs[i].pfn));
			continue;
		}
		folio_put(folio);
	}
}

static void sim_memfd_luo_finish(struct liveupdate_file_op_args *args)
{
	struct memfd_luo_folio_ser *folios_ser;
	struct memfd_luo_ser *ser;

	/* retrieved (or retrieve failed and cleaned up): nothing left */
	if (args->retrieve_status)
		return;
	ser = phys_to_virt(args->serialized_data);
	if (!ser)
		return;
	if (ser->nr_folios) {
		folios_ser = kho_restore_vmalloc(&ser->folios);
		if (folios_ser) {
			sim_memfd_discard_folios(folios_ser, 0, ser->nr_folios);
			vfree(folios_ser);
		}
	}
	kho_restore_free(ser);
}

/* memfd_luo_retrieve_folios(): into the new file's xarray */
static int sim_memfd_retrieve_folios(struct sim_memfd *mfd,
				     const struct memfd_luo_folio_ser *fs,
				     u64 nr_folios)
{
	u64 i;
	int err;

	for (i = 0; i < nr_folios; i++) {
		struct folio *folio;

		if (!fs[i].pfn)
			continue;
		folio = kho_restore_folio(PFN_PHYS(fs[i].pfn));
		if (!folio) {
			pr_err("Unable to restore folio at physical address: %llx\n",
			       PFN_PHYS(fs[i].pfn));
			err = -EIO;
			goto put_folios;
		}
		err = xa_insert(&mfd->folios, fs[i].index, folio, GFP_KERNEL);
		if (err) {
			pr_err("failed to add folio index %llu: %d\n", i, err);
			folio_put(folio);
			goto put_folios;
		}
	}
	return 0;

put_folios:
	/* those added go with the file; the rest are freed here */
	sim_memfd_discard_folios(fs, i + 1, nr_folios);
	return err;
}

static int sim_memfd_luo_retrieve(struct liveupdate_file_op_args *args)
{
	struct memfd_luo_folio_ser *folios_ser;
	struct memfd_luo_ser *ser;
	struct file *file;
	int err;

	ser = phys_to_virt(args->serialized_data);
	if (!ser)
		return -EINVAL;
	if (ser->seals & ~MEMFD_LUO_ALL_SEALS) {
		err = -EOPNOTSUPP;
		goto free_ser;
	}
	file = sim_memfd_alloc_file(MFD_ALLOW_SEALING);
	if (IS_ERR(file)) {
		pr_err("failed to setup file: %pe\n", file);
		err = PTR_ERR(file);
		goto free_ser;
	}
	/* memfd_add_seals() on a file that allows sealing */
	sim_memfd_of(file)->seals = ser->seals;
	err = -EINVAL;
	if (ser->pos > MAX_LFS_FILESIZE || ser->size > MAX_LFS_FILESIZE)
		goto put_file;
	file->f_pos = ser->pos;
	i_size_write(file_inode(file), ser->size);
	if (ser->nr_folios) {
		folios_ser = kho_restore_vmalloc(&ser->folios);
		if (!folios_ser)
			goto put_file;
		err = sim_memfd_retrieve_folios(sim_memfd_of(file), folios_ser,
						ser->nr_folios);
		vfree(folios_ser);
		if (err)
			goto put_file;
	}
	args->file = file;
	kho_restore_free(ser);
	return 0;

put_file:
	fput(file);
free_ser:
	kho_restore_free(ser);
	return err;
}

static bool sim_memfd_luo_can_preserve(struct liveupdate_file_handler *handler,
				       struct file *file)
{
	return file->f_op == &sim_memfd_fops && !file_inode(file)->i_nlink;
}

static unsigned long sim_memfd_luo_get_id(struct file *file)
{
	return (unsigned long)file_inode(file);
}

static const struct liveupdate_file_ops sim_memfd_luo_file_ops = {
	.freeze = sim_memfd_luo_freeze,
	.finish = sim_memfd_luo_finish,
	.retrieve = sim_memfd_luo_retrieve,
	.preserve = sim_memfd_luo_preserve,
	.unpreserve = sim_memfd_luo_unpreserve,
	.can_preserve = sim_memfd_luo_can_preserve,
	.get_id = sim_memfd_luo_get_id,
	.owner = THIS_MODULE,
};

static struct liveupdate_file_handler sim_memfd_luo_handler = {
	.ops = &sim_memfd_luo_file_ops,
	.compatible = MEMFD_LUO_FH_COMPATIBLE,
};

static int __init sim_memfd_luo_init(void)
{
	int err = liveupdate_register_file_handler(&sim_memfd_luo_handler);

	if (err && err != -EOPNOTSUPP) {
		pr_err("Could not register luo filesystem handler: %pe\n",
		       ERR_PTR(err));
		return err;
	}
	return 0;
}
late_initcall(sim_memfd_luo_init);
