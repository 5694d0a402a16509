// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Live sysfs and copied sysfs trees.
 *
 * The root is /sys, a copy whose root holds bus/pci/devices/, or that devices
 * folder itself. Entries are symlinks on a live system and real directories in
 * a copy (cp -r, tar); both are opened the same way. Everything is read
 * relative to directory descriptors (openat, readlinkat) so that a tree of
 * thousands of functions costs a handful of syscalls per function and no path
 * building except for messages.
 */
#include "source_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

struct sf {
	char *dir;		/* the devices folder, for messages */
	struct pcilu_raw_host *h;
	struct pcilu_diag *d;
	size_t errors;
	size_t truncated;	/* devices with fewer than 256 readable bytes */
	size_t group_dirs;	/* iommu_group copied as a folder: number lost */
};

/* A sysfs device name: DDDD:BB:DD.F exactly. */
static bool parse_name(const char *name, uint32_t *seg, uint8_t *bus, uint8_t *devfn)
{
	size_t len = strlen(name);
	bool has_seg = false, bad = false;

	return pcilu_src_parse_bdf(name, len, seg, &has_seg, bus, devfn, &bad) == len &&
	       has_seg && !bad;
}

/* Read a small file under @dfd into @buf (NUL-terminated, trailing space cut). */
static int read_small(int dfd, const char *name, char *buf, size_t size)
{
	int fd = pcilu_open_regular(dfd, name, NULL, NULL);	/* a FIFO in a copy must not block */
	ssize_t n;

	if (fd < 0)
		return fd;
	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' ' || buf[n - 1] == '\r'))
		n--;
	buf[n] = '\0';
	return 0;
}

/*
 * What a link names: the basename of its target (iommu_group -> "../../../
 * kernel/iommu_groups/7" gives "7"). A copy may hold a regular file with the
 * name instead. -ENOENT when absent, -EISDIR when a copy followed the link.
 */
static int read_name(int dfd, const char *name, char *buf, size_t size)
{
	char target[PATH_MAX];
	ssize_t n;

	buf[0] = '\0';	/* callers test buf[0]; never leave it unset */
	n = readlinkat(dfd, name, target, sizeof(target) - 1);

	if (n >= 0) {
		target[n] = '\0';
		const char *base = strrchr(target, '/');

		base = base ? base + 1 : target;
		if (strlen(base) >= size)
			return -ENAMETOOLONG;
		strcpy(buf, base);
		return 0;
	}
	if (errno != EINVAL)
		return -errno;
	return read_small(dfd, name, buf, size);
}

static bool parse_int(const char *s, int32_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < INT32_MIN || v > INT32_MAX)
		return false;
	*out = (int32_t)v;
	return true;
}

__attribute__((format(printf, 4, 5)))
static void dev_error(struct sf *s, const char *name, const char *file, const char *fmt, ...)
{
	char *path = NULL, *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (asprintf(&path, "%s/%s%s%s", s->dir, name, file ? "/" : "", file ? file : "") < 0)
		path = NULL;
	pcilu_diag_add(s->d, PCILU_ERROR, path ? path : s->dir, 0, -1,
		       "%s: the device cannot be read (--lenient leaves it out)", msg ? msg : "unreadable");
	free(path);
	free(msg);
	s->errors++;
}

__attribute__((format(printf, 4, 5)))
static void entry_warn(struct sf *s, const char *name, const char *file, const char *fmt, ...);

static int read_config(struct sf *s, int efd, const char *name, uint8_t *buf, size_t *len)
{
	const char *kind = NULL;
	int fd = pcilu_open_regular(efd, "config", &kind, NULL);
	size_t n = 0;
	char extra;

	if (fd == -EFTYPE_PCILU) {
		dev_error(s, name, "config", "%s, not a regular file: not read", kind);
		return -1;
	}
	if (fd < 0) {
		dev_error(s, name, "config", "cannot open: %s", strerror(-fd));
		return -1;
	}
	/* Non-root reads of a 256/4096-byte file stop early: read to EOF. */
	while (n < PCILU_CFG_EXP_SIZE) {
		ssize_t r = read(fd, buf + n, PCILU_CFG_EXP_SIZE - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			dev_error(s, name, "config", "cannot read: %s", strerror(errno));
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	/* Config space ends at 4096 bytes: more is a damaged copy, said, not silently cut. */
	if (n == PCILU_CFG_EXP_SIZE && read(fd, &extra, 1) == 1)
		entry_warn(s, name, "config", "longer than the 4096 bytes of config space; the rest is ignored");
	close(fd);
	if (n < PCI_STD_HEADER_SIZEOF) {
		dev_error(s, name, "config", "only %zu bytes readable, the 64-byte header is needed", n);
		return -1;
	}
	*len = n;
	return 0;
}

/*
 * A group link that names no number: the kernel never makes one, so the copy
 * is odd, but the model is still exact; only the kernel's answer is missing.
 */
__attribute__((format(printf, 4, 5)))
static void entry_warn(struct sf *s, const char *name, const char *file, const char *fmt, ...)
{
	char *msg = NULL;
	va_list ap;
	char *path = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (asprintf(&path, "%s/%s/%s", s->dir, name, file) < 0)
		path = NULL;
	pcilu_diag_add(s->d, PCILU_WARN, path ? path : s->dir, 0, -1, "%s", msg ? msg : "unreadable");
	free(path);
	free(msg);
}

#define group_warn(s, name, ...) entry_warn(s, name, "iommu_group", __VA_ARGS__)

/* Why an entry could not be read, in words. */
static const char *entry_error(int ret)
{
	return ret == -EFTYPE_PCILU ? "neither a link nor a regular file" : strerror(-ret);
}

/* An optional entry (driver, numa_node) that is there but unreadable: say so, go on. */
static void odd_entry(struct sf *s, const char *name, const char *file, int ret, const char *lost)
{
	if (ret && ret != -ENOENT)
		entry_warn(s, name, file, "unreadable (%s): %s", entry_error(ret), lost);
}

/* The sysfs-only facts: kernel group, driver, NUMA node, PF of a VF. */
static int read_facts(struct sf *s, int efd, const char *name, struct pcilu_raw_dev *r)
{
	char buf[256];
	int32_t v;
	int ret;

	ret = read_name(efd, "iommu_group", buf, sizeof(buf));
	if (!ret && parse_int(buf, &v) && v >= 0) {
		r->kernel_group = v;
		s->h->has_kernel_groups = true;
	} else if (ret == -EISDIR) {
		s->group_dirs++;
	} else if (!ret) {
		group_warn(s, name, "names '%s', not an IOMMU group number: the device's kernel group is unknown",
			   buf);
	} else if (ret != -ENOENT) {
		group_warn(s, name, "unreadable (%s): the device's kernel group is unknown",
			   entry_error(ret));
	}
	ret = read_name(efd, "driver", buf, sizeof(buf));
	odd_entry(s, name, "driver", ret, "the driver is unknown");
	if (!ret && buf[0]) {
		r->driver = strdup(buf);
		if (!r->driver)
			return -ENOMEM;
	}
	ret = read_small(efd, "numa_node", buf, sizeof(buf));
	odd_entry(s, name, "numa_node", ret, "the NUMA node is unknown");
	if (!ret && parse_int(buf, &v) && v >= 0)
		r->numa_node = v;

	ret = read_name(efd, "physfn", buf, sizeof(buf));
	odd_entry(s, name, "physfn", ret, "whether it is a VF is unknown");
	if (ret == -ENOENT) {
		r->physfn_known = true;
		r->is_virtfn = false;
	} else if (!ret) {
		if (!parse_name(buf, &r->pf_seg, &r->pf_bus, &r->pf_devfn)) {
			dev_error(s, name, "physfn", "names '%s', not a PCI address", buf);
			return -EINVAL;
		}
		r->physfn_known = true;
		r->is_virtfn = true;
	}
	return 0;
}

static int load_one(struct sf *s, int dfd, const char *name)
{
	uint8_t cfg[PCILU_CFG_EXP_SIZE];
	struct pcilu_raw_dev *r;
	uint32_t seg;
	uint8_t bus, devfn;
	size_t len;
	int efd, ret;

	if (!parse_name(name, &seg, &bus, &devfn)) {
		dev_error(s, name, NULL, "not a PCI address (DDDD:BB:DD.F)");
		return 0;
	}
	efd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (efd < 0) {
		dev_error(s, name, NULL, "cannot open: %s", strerror(errno));
		return 0;
	}
	if (read_config(s, efd, name, cfg, &len)) {
		close(efd);
		return 0;
	}
	r = pcilu_raw_host_add(s->h);
	if (!r || pcilu_raw_dev_set_cfg(s->h, r, cfg, (uint16_t)len)) {
		if (r)
			s->h->count--;
		close(efd);
		return -ENOMEM;
	}
	r->seg = seg;
	r->bus = bus;
	r->devfn = devfn;
	if (len < PCILU_CFG_SIZE)
		s->truncated++;
	ret = read_facts(s, efd, name, r);
	close(efd);
	if (ret) {
		free(r->driver);	/* its config stays in the pool, unused */
		s->h->count--;
	}
	return ret == -ENOMEM ? ret : 0;
}

/* Is @fd a folder holding at least one DDDD:BB:DD.F entry? */
static bool holds_devices(int fd)
{
	/* A new open file description: dup() would share the directory offset. */
	int dir_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dir_fd >= 0 ? fdopendir(dir_fd) : NULL;
	struct dirent *e;
	bool found = false;
	uint32_t seg;
	uint8_t bus, devfn;

	if (!dir) {
		if (dir_fd >= 0)
			close(dir_fd);
		return false;
	}
	while (!found && (e = readdir(dir)))
		found = parse_name(e->d_name, &seg, &bus, &devfn);
	closedir(dir);
	return found;
}

/* The devices folder under @root, or @root itself; its fd, or a negative errno. */
static int open_devices(struct sf *s, const char *root)
{
	int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;

	if (rfd < 0) {
		int e = -errno;

		pcilu_diag_add(s->d, PCILU_ERROR, root, 0, -1, "cannot open: %s", strerror(-e));
		return e;
	}
	fd = openat(rfd, "bus/pci/devices", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT && errno != ENOTDIR) {
		int e = -errno;

		/* It is there but cannot be read (permissions): say that, not "not a sysfs tree". */
		close(rfd);
		pcilu_diag_add(s->d, PCILU_ERROR, root, 0, -1, "cannot open bus/pci/devices: %s", strerror(-e));
		return e;
	}
	if (fd >= 0) {
		close(rfd);
		if (asprintf(&s->dir, "%s%sbus/pci/devices", root,
			     root[strlen(root) - 1] == '/' ? "" : "/") < 0) {
			s->dir = NULL;
			close(fd);
			return -ENOMEM;
		}
		return fd;
	}
	if (holds_devices(rfd)) {
		s->dir = strdup(root);
		if (!s->dir) {
			close(rfd);
			return -ENOMEM;
		}
		return rfd;
	}
	close(rfd);
	pcilu_diag_add(s->d, PCILU_ERROR, root, 0, -1,
		       "not a sysfs tree: no bus/pci/devices/ in it, and no DDDD:BB:DD.F entries");
	return -ENOENT;
}

static int read_dir(struct sf *s, int dfd)
{
	int dir_fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dir_fd >= 0 ? fdopendir(dir_fd) : NULL;
	struct dirent *e;
	int ret = 0;

	if (!dir) {
		int err = -errno;

		if (dir_fd >= 0)
			close(dir_fd);
		pcilu_diag_add(s->d, PCILU_ERROR, s->dir, 0, -1, "cannot list: %s", strerror(-err));
		return err;
	}
	while (!ret && (e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		ret = load_one(s, dfd, e->d_name);
	}
	closedir(dir);
	return ret;
}

static int cmp_raw(const void *a, const void *b)
{
	const struct pcilu_raw_dev *x = a, *y = b;
	uint64_t kx = (uint64_t)x->seg << 16 | (uint64_t)x->bus << 8 | x->devfn;
	uint64_t ky = (uint64_t)y->seg << 16 | (uint64_t)y->bus << 8 | y->devfn;

	return (kx > ky) - (kx < ky);
}

/* Kernel release and command line: only for the live /sys of this host. */
static int host_facts(struct pcilu_raw_host *h, const char *root)
{
	char *real = realpath(root, NULL);
	bool live = real && !strcmp(real, "/sys");
	struct utsname u;
	char *text;
	size_t len;

	free(real);
	h->live = live;
	if (!live)
		return 0;
	if (!uname(&u)) {
		h->kernel_release = strdup(u.release);
		if (!h->kernel_release)
			return -ENOMEM;
	}
	if (!pcilu_read_file("/proc/cmdline", &text, &len, NULL)) {
		while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
			text[--len] = '\0';
		h->cmdline = text;
	}
	return 0;
}

/*
 * Whether /sys/kernel/iommu_groups holds a group: 1 yes, 0 empty or missing,
 * -1 not knowable here (a copy of the devices folder alone).
 * iommu_group_alloc() (drivers/iommu/iommu.c, 7.2) adds one entry per group.
 */
static int groups_dir_used(const char *root, bool live)
{
	char *path;
	DIR *dir;
	struct dirent *e;
	int used = 0;

	if (asprintf(&path, "%s/kernel/iommu_groups", root) < 0)
		return -1;
	dir = opendir(path);
	free(path);
	if (!dir)
		return live ? 0 : -1;
	while (!used && (e = readdir(dir)))
		used = e->d_name[0] != '.';
	closedir(dir);
	return used;
}

/*
 * What the tree says of its kernel's IOMMU. A group link on any device is
 * proof it was on. No link anywhere proves it off only where the tree shows
 * the kernel's group list (the live /sys, or a copy that kept
 * kernel/iommu_groups): a copy of the devices folder alone says nothing.
 */
static void iommu_fact(struct sf *s, const char *root)
{
	struct pcilu_raw_host *h = s->h;
	bool linked = h->has_kernel_groups || s->group_dirs;

	pcilu_src_iommu_fact(h, linked, linked ? -1 : groups_dir_used(root, h->live));
}

/*
 * The IOMMU tables under @root/firmware/acpi/tables (root-only files on a live
 * system; a copy may hold them): which devices an IOMMU translates. A table
 * that cannot be read stays absent: coverage is then decided otherwise.
 */
static void acpi_tables(struct pcilu_raw_host *h, const char *root)
{
	for (unsigned i = 0; i < PCILU_ACPI_NTABLES; i++) {
		char *path, *text = NULL;
		size_t len = 0;

		if (asprintf(&path, "%s/firmware/acpi/tables/%s", root, pcilu_acpi_table_name(i)) < 0)
			return;
		if (!pcilu_read_file_max(path, PCILU_ACPI_MAX_SIZE, &text, &len, NULL) && len) {
			h->acpi[i].data = (uint8_t *)text;
			h->acpi[i].len = len;
		} else {
			free(text);
		}
		free(path);
	}
}

static void report(struct sf *s)
{
	if (s->truncated) {
		s->h->config_truncated = true;
		pcilu_diag_add(s->d, PCILU_WARN, s->dir, 0, -1,
			       "fewer than 256 bytes of config space readable for %zu device%s (64 when not root): run as root for capabilities (ACS, ARI, SR-IOV)",
			       s->truncated, s->truncated == 1 ? "" : "s");
	}
	if (s->group_dirs)
		pcilu_diag_add(s->d, PCILU_NOTE, s->dir, 0, -1,
			       "iommu_group is a folder, not a link, for %zu device%s (copied with links followed?): their kernel group is unknown",
			       s->group_dirs, s->group_dirs == 1 ? "" : "s");
}

int pcilu_load_sysfs(const char *root, const struct pcilu_source_opts *opts,
		     struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	struct sf s = { .h = h, .d = d };
	int dfd, ret;

	if (!root)
		root = "/sys";
	pcilu_raw_host_init(h, PCILU_SRC_SYSFS, root);
	if (h->name == NULL)
		return -ENOMEM;
	dfd = open_devices(&s, root);
	if (dfd < 0)
		return dfd;
	ret = read_dir(&s, dfd);
	close(dfd);
	if (!ret)
		ret = host_facts(h, root);
	if (!ret)
		acpi_tables(h, root);
	if (!ret) {
		if (h->count)
			qsort(h->devs, h->count, sizeof(*h->devs), cmp_raw);
		report(&s);
		iommu_fact(&s, root);
		if (!h->count) {
			pcilu_diag_add(d, PCILU_ERROR, s.dir, 0, -1, "no devices found");
			ret = -EINVAL;
		} else if (s.errors && !(opts && opts->lenient)) {
			ret = -EINVAL;
		}
	}
	free(s.dir);
	return ret;
}
