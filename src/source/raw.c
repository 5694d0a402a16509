// SPDX-License-Identifier: GPL-2.0-or-later
/* Raw hosts: what every source produces. Also input reading and sniffing. */
#include "source_int.h"

#include <errno.h>
#include <fcntl.h>
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

void pcilu_raw_host_free(struct pcilu_raw_host *h)
{
	for (size_t i = 0; i < h->count; i++) {
		free(h->devs[i].cfg);
		free(h->devs[i].driver);
	}
	free(h->devs);
	free(h->name);
	free(h->kernel_release);
	free(h->cmdline);
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

int pcilu_load_any(const char *arg, const struct pcilu_source_opts *opts,
		   struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	struct stat st;

	memset(h, 0, sizeof(*h));	/* freeable whatever happens below */
	if (!arg)
		return pcilu_load_sysfs("/sys", opts, h, d);
	if (strcmp(arg, "-") != 0 && stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return pcilu_load_sysfs(arg, opts, h, d);

	char *text = NULL;
	size_t len = 0, skip = 0;
	int ret = pcilu_read_file(arg, &text, &len, d);

	if (ret)
		return ret;
	/* Editors on some systems start a text file with a UTF-8 byte order mark: skip it. */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) {
		pcilu_diag_add(d, PCILU_NOTE, arg, 1, -1, "starts with a UTF-8 byte order mark: skipped");
		skip = 3;
	}
	if (looks_like_spec(text + skip, len - skip))
		ret = pcilu_load_spec(arg, text + skip, len - skip, opts, h, d);
	else
		ret = pcilu_load_lspci(arg, text + skip, len - skip, opts, h, d);
	free(text);
	return ret;
}
