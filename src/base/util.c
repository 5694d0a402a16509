// SPDX-License-Identifier: GPL-2.0-or-later
/* File helpers shared by every layer: bounded reads, atomic writes. */
#include "base_int.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const pcilu_acs_flag_names[PCILU_ACS_NFLAGS] = { "SV", "TB", "RR", "CR", "UF", "EC", "DT" };

void pcilu_buf_printf(struct pcilu_buf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->oom)
		return;
	/* Room for a sentence up front: measuring with vsnprintf(NULL, 0) first formats it twice. */
	if (!b->p) {
		b->p = malloc(256);
		if (!b->p) {
			b->oom = true;
			return;
		}
		b->cap = 256;
		b->len = 0;
	}
	for (;;) {
		size_t room = b->cap - b->len;

		va_start(ap, fmt);
		/* The checker loses the va_start above inside the loop. */
		int n = vsnprintf(b->p + b->len, room, fmt, ap); // NOLINT(clang-analyzer-valist.Uninitialized)
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		size_t ncap = b->cap;

		while (ncap - b->len <= (size_t)n)
			ncap *= 2;
		char *np = realloc(b->p, ncap);

		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
}

void pcilu_buf_free(struct pcilu_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* What may stand at @path: nothing, or a regular file to replace. 0, or a negative errno said in @d. */
static int check_target(const char *path, struct pcilu_diag *d)
{
	struct stat st;

	if (lstat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "cannot check: %s", strerror(errno));
		return -errno;
	}
	if (S_ISREG(st.st_mode))
		return 0;
	/* rename() would replace a device node, a FIFO or the link itself: never. */
	pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "is %s, not a regular file: not replaced%s",
		       pcilu_file_kind(st.st_mode),
		       S_ISLNK(st.st_mode) ? " (name the file it points to)" : "");
	return -EEXIST;
}

/* Write, flush and close the temporary file; 0 or a negative errno. */
static int fill_temp(int fd, const void *data, size_t len, unsigned mode)
{
	int ret = write_all(fd, data, len);

	if (!ret && fchmod(fd, mode) < 0)
		ret = -errno;
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

/* A file-size limit raised SIGXFSZ while held: the write failed with EFBIG, said; do not die of it too. */
static void drop_xfsz(int ret)
{
	static const struct timespec now;
	sigset_t x;

	if (ret != -EFBIG)
		return;
	sigemptyset(&x);
	sigaddset(&x, SIGXFSZ);
	while (sigtimedwait(&x, NULL, &now) > 0)
		;
}

int pcilu_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
		       struct pcilu_diag *d)
{
	char *dircopy = strdup(path), *tmp = NULL;
	const char *dir;
	sigset_t block, old;
	int ret, fd;

	if (!dircopy)
		return -ENOMEM;
	dir = dirname(dircopy);
	/* A short fixed name in the same directory: fits NAME_MAX whatever @path's length. */
	if (asprintf(&tmp, "%s/.pcilu-XXXXXX", dir) < 0) {
		free(dircopy);
		return -ENOMEM;
	}
	ret = check_target(path, d);
	if (ret)
		goto out;
	/*
	 * Hold SIGINT, SIGTERM, SIGHUP and SIGQUIT while the temporary file
	 * exists, so that an interrupted write still removes it; they are
	 * delivered once it is renamed or gone (this thread's mask only, restored
	 * before returning; a stuck fsync delays them). Only SIGKILL or a crash
	 * can leave a .pcilu-XXXXXX behind (README).
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGXFSZ);	/* held, a file-size limit makes write() fail with EFBIG instead */
	pthread_sigmask(SIG_BLOCK, &block, &old);
	fd = mkostemp(tmp, O_CLOEXEC);	/* created 0600: the manifest holds the machine id */
	if (fd < 0) {
		ret = -errno;
		pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "cannot create a file in %s: %s", dir, strerror(-ret));
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		goto out;
	}
	ret = fill_temp(fd, data, len, mode);
	if (ret)
		pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "cannot write: %s", strerror(-ret));
	else if (rename(tmp, path) < 0)
		pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "cannot rename %s to it: %s", tmp,
			       strerror(-(ret = -errno)));
	if (ret)
		unlink(tmp);
	drop_xfsz(ret);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		goto out;
	/* The rename is durable only once the directory entry is on disk: a failure there fails. */
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0) {
		ret = -errno;
		pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "written, but the directory %s could not be synced: %s",
			       dir, strerror(-ret));
	}
	if (fd >= 0)
		close(fd);
out:
	free(tmp);
	free(dircopy);
	return ret;
}

size_t pcilu_utf8_len(const unsigned char *p, size_t n)
{
	size_t want;
	unsigned char lo = 0x80, hi = 0xbf;

	if (!n)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		want = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		want = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		want = 4;
	else
		return 0;
	/* The second byte's range excludes overlong forms, surrogates and code points past U+10FFFF. */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (n < want || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < want; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return want;
}

char *pcilu_escape(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), o = 0;

	if (!len)
		return buf;
	for (size_t i = 0; i < n && o + 1 < len;) {
		size_t k = pcilu_utf8_len(p + i, n - i);
		/* U+0080..U+009F (C1 controls, 0xc2 0x80..0x9f) act on terminals too. */
		bool c1 = k == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0;

		if (k == 1 && p[i] >= 0x20 && p[i] != 0x7f) {
			buf[o++] = (char)p[i++];
		} else if (k > 1 && !c1) {
			if (o + k >= len)
				break;
			memcpy(buf + o, p + i, k);
			o += k;
			i += k;
		} else {
			if (o + 4 >= len)
				break;
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", p[i]);
			i++;
		}
	}
	buf[o] = '\0';
	return buf;
}

const char *pcilu_file_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFIFO: return "a FIFO";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFSOCK: return "a socket";
	case S_IFDIR: return "a directory";
	case S_IFLNK: return "a symbolic link";
	case S_IFREG: return "a regular file";
	default: return "not a file";
	}
}

int pcilu_open_regular(int dirfd, const char *name, const char **kind, off_t *size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		if (kind)
			*kind = pcilu_file_kind(st.st_mode);
		return -EFTYPE_PCILU;
	}
	if (size)
		*size = st.st_size;
	return fd;
}

size_t pcilu_lower_bound(const void *key, const void *base, size_t n, size_t size,
			 int (*cmp)(const void *, const void *))
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp((const char *)base + mid * size, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * An option (CONFIG_PCI_LIVEUPDATE) in a kernel config file: 1 =y or =m, 0
 * absent or "is not set", -errno when the file cannot be read. A regular file only, read
 * without blocking, bounded: a config is about 300 KB.
 */
int pcilu_kconfig_has(const char *path, const char *opt)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	size_t olen = strlen(opt);
	struct stat st;
	char line[512];
	FILE *f;
	int found = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (16 << 20)) {
		close(fd);
		return -EINVAL;
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	while (!found && fgets(line, sizeof(line), f))
		if (!strncmp(line, opt, olen) && line[olen] == '=' && (line[olen + 1] == 'y' || line[olen + 1] == 'm'))
			found = 1;
	fclose(f);
	return found;
}
