// SPDX-License-Identifier: GPL-2.0-or-later
/* Raw hosts: what every source produces. Also input reading and sniffing. */
#include "source_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void pcilu_raw_host_init(struct pcilu_raw_host *h, enum pcilu_source_kind kind, const char *name)
{
	memset(h, 0, sizeof(*h));
	h->kind = kind;
	h->name = name ? strdup(name) : NULL;
}

void pcilu_src_iommu_fact(struct pcilu_raw_host *h, bool linked, int groups)
{
	if (linked) {
		h->iommu = PCILU_IOMMU_PRESENT;
		h->iommu_from = PCILU_FROM_GROUPS;
	} else if (groups >= 0) {
		h->iommu = groups ? PCILU_IOMMU_PRESENT : PCILU_IOMMU_ABSENT;
		h->iommu_from = PCILU_FROM_SYSFS;
	}
}

void pcilu_src_error(struct pcilu_src_errs *e, struct pcilu_diag *d, const char *name, long line, const char *bdf,
		     const char *suffix, const char *fmt, va_list ap)
{
	char msg[256];

	if (e->shown >= PCILU_SRC_MAX_SHOWN) {
		e->unshown++;
		return;
	}
	e->shown++;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	pcilu_diag_add(d, PCILU_ERROR, name, line, -1, "%s%s%s%s", bdf ? bdf : "", bdf ? ": " : "", msg,
		       suffix ? suffix : "");
}

void pcilu_src_errors_end(const struct pcilu_src_errs *e, struct pcilu_diag *d, const char *name)
{
	if (e->unshown)
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "%zu more errors not shown", e->unshown);
}

const char *pcilu_acpi_table_name(enum pcilu_acpi_table t)
{
	static const char *const names[] = { "DMAR", "IVRS", "VIOT" };

	return (unsigned)t < PCILU_ACPI_NTABLES ? names[t] : "?";
}

void pcilu_raw_host_free(struct pcilu_raw_host *h)
{
	for (size_t i = 0; i < h->count; i++) {
		if (!h->devs[i].cfg_pooled)
			free(h->devs[i].cfg);
		free(h->devs[i].driver);
	}
	pcilu_cfg_pool_free(h->cfg_pool);
	free(h->devs);
	free(h->name);
	free(h->kernel_release);
	free(h->cmdline);
	pcilu_capture_info_free(h->capture);
	for (size_t i = 0; i < PCILU_ACPI_NTABLES; i++)
		free(h->acpi[i].data);
	memset(h, 0, sizeof(*h));
}

struct pcilu_raw_dev *pcilu_raw_host_add(struct pcilu_raw_host *h)
{
	if (h->count >= PCILU_MAX_DEVICES)
		return NULL;
	if (h->count == h->cap) {
		size_t ncap = h->cap ? h->cap * 2 : 64;
		struct pcilu_raw_dev *n = realloc(h->devs, ncap * sizeof(*n));

		if (!n)
			return NULL;
		h->devs = n;
		h->cap = ncap;
	}
	struct pcilu_raw_dev *r = &h->devs[h->count++];

	memset(r, 0, sizeof(*r));
	r->kernel_group = PCILU_NO_GROUP;
	r->numa_node = PCILU_NO_NODE;
	return r;
}

static int too_big(const char *path, uint64_t max, struct pcilu_diag *d)
{
	pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "input larger than the limit of %llu bytes",
		       (unsigned long long)max);
	return -E2BIG;
}

/* Read @fd to EOF, at most @max bytes; @size is the file's own size when known (else 0). */
static int read_fd(int fd, const char *path, uint64_t max, off_t size, char **buf, size_t *len,
		   struct pcilu_diag *d)
{
	size_t cap = 1 << 16, n = 0;
	char *p;

	/* A regular file's size is known: one allocation, no copies while growing (+1 to see EOF). */
	if (size > 0 && (uint64_t)size <= max)
		cap = (size_t)size + 1;
	p = malloc(cap + 1);
	if (!p)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap > max) {
				free(p);
				return too_big(path, max, d);
			}
			char *np = realloc(p, cap * 2 + 1);

			if (!np) {
				free(p);
				return -ENOMEM;
			}
			p = np;
			cap *= 2;
		}
		ssize_t r = read(fd, p + n, cap - n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			int e = -errno;

			free(p);
			pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "cannot read: %s", strerror(-e));
			return e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		free(p);
		return too_big(path, max, d);
	}
	p[n] = '\0';
	*buf = p;
	*len = n;
	return 0;
}

int pcilu_read_file_max(const char *path, uint64_t max, char **buf, size_t *len, struct pcilu_diag *d)
{
	const char *kind = NULL;
	off_t size = 0;
	int fd, ret;

	if (!strcmp(path, "-"))
		return read_fd(STDIN_FILENO, "<stdin>", max, 0, buf, len, d);
	fd = pcilu_open_regular(AT_FDCWD, path, &kind, &size);
	if (fd == -EFTYPE_PCILU) {
		pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "%s, not a regular file: not read", kind);
		return -EINVAL;
	}
	if (fd < 0) {
		pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "cannot open: %s", strerror(-fd));
		return fd;
	}
	/* Refuse an oversized file before reading it, not after holding it. */
	if ((uint64_t)size > max)
		ret = too_big(path, max, d);
	else
		ret = read_fd(fd, path, max, size, buf, len, d);
	close(fd);
	return ret;
}

int pcilu_read_file(const char *path, char **buf, size_t *len, struct pcilu_diag *d)
{
	return pcilu_read_file_max(path, PCILU_MAX_INPUT_SIZE, buf, len, d);
}

/* A spec is JSON: its first non-blank byte opens an object. */
static bool looks_like_spec(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')
			continue;
		return text[i] == '{';
	}
	return false;
}

#define CHUNK (1u << 20)

/*
 * An lspci dump parsed as it is read, in one reused buffer: a 56 MB dump costs
 * 1 MiB of memory instead of 56 and no fresh pages to fault in. Whole lines go
 * to the parser; a partial last line moves to the front. A line longer than the
 * buffer grows it (bounded by PCILU_MAX_INPUT_SIZE, like any input), and a file
 * that shrinks or grows while read is just the bytes read: it cannot overrun.
 */
static int stream_lspci(int fd, const char *path, char *buf, size_t cap, size_t have,
			const struct pcilu_source_opts *opts, struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	struct lp *s = buf ? pcilu_lspci_begin(path, h, d) : NULL;
	uint64_t total = have;
	size_t skip = 0;
	int ret = 0, end;

	if (!s) {
		free(buf);
		return -ENOMEM;
	}
	/* Editors on some systems start a text file with a UTF-8 byte order mark: skip it. */
	if (have >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) {
		pcilu_diag_add(d, PCILU_NOTE, path, 1, -1, "starts with a UTF-8 byte order mark: skipped");
		skip = 3;
	}
	for (bool eof = false; !ret;) {
		ssize_t r;

		ret = pcilu_lspci_feed_lines(s, buf, skip, &have, eof);
		if (ret || eof)
			break;
		skip = 0;
		if (have == cap) {	/* one line fills the buffer: grow it */
			char *nb = cap < PCILU_MAX_INPUT_SIZE ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				ret = cap < PCILU_MAX_INPUT_SIZE ? -ENOMEM : too_big(path, PCILU_MAX_INPUT_SIZE, d);
				break;
			}
			buf = nb;
			cap *= 2;
		}
		do
			r = read(fd, buf + have, cap - have);
		while (r < 0 && errno == EINTR);
		if (r < 0) {
			ret = errno ? -errno : -EIO;
			pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "cannot read: %s", strerror(-ret));
			break;
		}
		total += (uint64_t)r;
		if (total > PCILU_MAX_INPUT_SIZE) {
			ret = too_big(path, PCILU_MAX_INPUT_SIZE, d);
			break;
		}
		have += (size_t)r;
		eof = r == 0;
	}
	free(buf);
	/* pcilu_lspci_end() frees the parser whatever happened; a read error is ours. */
	end = pcilu_lspci_end(s, opts);
	return ret ? ret : end;
}

/* The first chunk of @fd, to tell a spec from a dump before reading the rest. */
static int first_chunk(int fd, const char *path, char **buf, size_t *have, struct pcilu_diag *d)
{
	ssize_t r;

	*buf = malloc(CHUNK);
	*have = 0;
	if (!*buf)
		return -ENOMEM;
	while (*have < CHUNK) {
		r = read(fd, *buf + *have, CHUNK - *have);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno ? -errno : -EIO;

			pcilu_diag_add(d, PCILU_ERROR, path, 0, -1, "cannot read: %s", strerror(-e));
			free(*buf);
			*buf = NULL;
			return e;
		}
		if (!r)
			break;
		*have += (size_t)r;
	}
	return 0;
}

/*
 * Decoded lspci text rather than a hex dump, judged on the whole lines of the
 * first chunk (@more: the file goes on, so the last line may be cut short).
 */
static bool first_is_text(const char *t, size_t len, bool more)
{
	const char *last = more ? memrchr(t, '\n', len) : NULL;

	return pcilu_lspci_is_text(t, last ? (size_t)(last - t) + 1 : len);
}

static const char *skip_bom(const char *text, size_t len)
{
	return len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? text + 3 : text;
}

/*
 * A file read whole: a capture, a spec, decoded text, or a hex dump whose first chunk
 * showed no hex row (a hex row anywhere makes it a dump, as lspci -x wrote it).
 */
static int load_whole(const char *arg, bool spec, const char *t, size_t len,
		      const struct pcilu_source_opts *opts, struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	if (spec && pcilu_is_capture(t, len))
		return pcilu_load_capture(arg, t, len, opts, h, d);
	if (spec)
		return pcilu_load_spec(arg, t, len, opts, h, d);
	if (pcilu_lspci_is_text(t, len))
		return pcilu_load_lspci_text(arg, t, len, opts, h, d);
	return pcilu_load_lspci(arg, t, len, opts, h, d);
}

int pcilu_load_any(const char *arg, const struct pcilu_source_opts *opts,
		   struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	const char *kind = NULL, *path;
	struct stat st;
	char *text = NULL;
	size_t len = 0;
	off_t size = 0;
	int fd, ret;

	memset(h, 0, sizeof(*h));	/* freeable whatever happens below */
	if (!arg)
		return pcilu_load_sysfs("/sys", opts, h, d);
	if (strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return pcilu_load_sysfs(arg, opts, h, d);
	path = strcmp(arg, "-") ? arg : "<stdin>";
	fd = strcmp(arg, "-") ? pcilu_open_regular(AT_FDCWD, arg, &kind, &size) : STDIN_FILENO;
	if (fd == -EFTYPE_PCILU) {
		pcilu_diag_add(d, PCILU_ERROR, arg, 0, -1, "%s, not a regular file: not read", kind);
		return -EINVAL;
	}
	if (fd < 0) {
		pcilu_diag_add(d, PCILU_ERROR, arg, 0, -1, "cannot open: %s", strerror(-fd));
		return fd;
	}
	if ((uint64_t)size > PCILU_MAX_INPUT_SIZE) {
		ret = too_big(arg, PCILU_MAX_INPUT_SIZE, d);
	} else if (!(ret = first_chunk(fd, path, &text, &len, d)) && text) {
		const char *t = skip_bom(text, len);
		bool spec = looks_like_spec(t, len - (size_t)(t - text));

		if (!spec && !first_is_text(t, len - (size_t)(t - text), len == CHUNK)) {
			ret = fd != STDIN_FILENO && (uint64_t)size >= PCILU_SPLIT_MIN ?
			      pcilu_lspci_split(fd, arg, (uint64_t)size, h) : -EAGAIN;
			if (ret == -EAGAIN)
				ret = stream_lspci(fd, arg, text, CHUNK, len, opts, h, d);
			else
				free(text);
		} else {
			/* A spec (json-c) or decoded text is parsed whole: read the rest after the first chunk. */
			char *rest = NULL, *all;
			size_t rlen = 0;

			ret = read_fd(fd, path, PCILU_MAX_INPUT_SIZE - len, 0, &rest, &rlen, d);
			all = ret ? NULL : realloc(text, len + rlen + 1);
			if (!ret && !all)
				ret = -ENOMEM;
			if (!ret) {
				text = all;
				if (rest && rlen)
					memcpy(text + len, rest, rlen);
				len += rlen;
				text[len] = 0;
				if (text != skip_bom(text, len))
					pcilu_diag_add(d, PCILU_NOTE, arg, 1, -1,
						       "starts with a UTF-8 byte order mark: skipped");
				t = skip_bom(text, len);
				ret = load_whole(arg, spec, t, len - (size_t)(t - text), opts, h, d);
			}
			free(rest);
			free(text);
		}
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return ret;
}
