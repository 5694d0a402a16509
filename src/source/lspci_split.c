// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A large lspci dump read by two threads, each parsing one half (issue 19:
 * reading a 56 MB -xxxx dump was two thirds of `pcilu check`, and one core
 * parses ~3 GB/s at best). The file is cut after a blank line, where
 * sequential parsing holds no state but counts: a record has just ended and
 * the next starts fresh. Each half has its own parser, host and messages; the
 * second half's devices are appended to the first's with their line numbers
 * moved by the first half's line count; the second half's pool of config
 * bytes (cfgpool.c) joins the first's.
 *
 * The split path only ever gives what the sequential one would: it declines
 * (-EAGAIN) whenever either half says anything at all (a note, a warning, an
 * error: their order, caps and summaries belong to one pass), fails, or the
 * cut cannot be found, and the caller then reads the file from the start in
 * one pass. Both halves are read with pread() and bounded: a file that
 * changes while read gives some bytes of it, never an overrun.
 */
#include "source_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPLIT_CHUNK (1u << 20)
/* How far past the middle a blank line is looked for: a record is ~13 KB at most. */
#define SPLIT_WINDOW (1u << 16)

struct half {
	int fd;
	const char *path;
	uint64_t start, end;	/* [start, end); end UINT64_MAX: to end of file */
	struct pcilu_raw_host h;
	struct pcilu_diag d;
	long lines;
	int ret;
};

static ssize_t pread_full(int fd, char *buf, size_t n, uint64_t off)
{
	ssize_t r;

	do
		r = pread(fd, buf, n, (off_t)off);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Feed whole lines of [start, end) to a fresh parser; what a sequential read of them would give. */
static int parse_range(struct half *x)
{
	struct lp *s = pcilu_lspci_begin(x->path, &x->h, &x->d);
	size_t cap = SPLIT_CHUNK, have = 0;
	char *buf = malloc(cap);
	uint64_t pos = x->start;
	int ret = 0, end;

	if (!s || !buf) {
		free(buf);
		if (s)
			pcilu_lspci_end(s, NULL);
		return -ENOMEM;
	}
	for (bool eof = false; !ret;) {
		uint64_t want;
		ssize_t r;

		ret = pcilu_lspci_feed_lines(s, buf, 0, &have, eof);
		if (ret || eof)
			break;
		if (have == cap || pos - x->start > PCILU_MAX_INPUT_SIZE) {
			ret = -EAGAIN;	/* a line longer than the buffer, or a file grown past the limit */
			break;
		}
		want = cap - have;
		if (x->end != UINT64_MAX && want > x->end - pos)
			want = x->end - pos;
		r = want ? pread_full(x->fd, buf + have, (size_t)want, pos) : 0;
		if (r < 0) {
			ret = -EAGAIN;	/* the one pass says what went wrong */
			break;
		}
		pos += (uint64_t)r;
		have += (size_t)r;
		eof = r == 0;
	}
	free(buf);
	x->lines = pcilu_lspci_line(s);
	end = pcilu_lspci_end(s, NULL);
	return ret ? ret : end;
}

static void *parse_thread(void *arg)
{
	struct half *x = arg;

	x->ret = parse_range(x);
	return NULL;
}

/* Just after the first blank line at or past the middle of the file, or 0. */
static uint64_t find_cut(int fd, uint64_t size)
{
	char *buf = malloc(SPLIT_WINDOW);
	uint64_t at = size / 2, cut = 0;
	ssize_t r = buf ? pread_full(fd, buf, SPLIT_WINDOW, at) : -1;

	for (ssize_t i = 1; i + 1 < r; i++)
		if (buf[i - 1] == '\n' && buf[i] == '\n') {
			cut = at + (uint64_t)i + 1;
			break;
		}
	free(buf);
	return cut;
}

static void half_init(struct half *x, int fd, const char *path, uint64_t start, uint64_t end)
{
	memset(x, 0, sizeof(*x));
	x->fd = fd;
	x->path = path;
	x->start = start;
	x->end = end;
	pcilu_diag_init(&x->d);
}

static void half_free(struct half *x)
{
	pcilu_raw_host_free(&x->h);
	pcilu_diag_free(&x->d);
}

/*
 * The second half's devices after the first's, lines renumbered, their config
 * bytes staying where they are: @b's pool joins @a's (copying them would be a
 * serial 4 KiB per distinct device after the threads end). -EAGAIN past the
 * device limit or out of memory, with @b still owning all it had.
 */
static int merge(struct half *a, struct half *b)
{
	struct pcilu_raw_host *h = &a->h;

	if (a->h.count + b->h.count > PCILU_MAX_DEVICES)
		return -EAGAIN;
	for (size_t i = 0; i < b->h.count; i++) {
		struct pcilu_raw_dev *r = pcilu_raw_host_add(h);

		if (!r) {
			h->count -= i;	/* the copies made so far: still @b's to free */
			return -EAGAIN;
		}
		*r = b->h.devs[i];
		r->line += a->lines;
	}
	h->has_kernel_groups |= b->h.has_kernel_groups;
	if (h->cfg_pool)
		pcilu_cfg_pool_adopt(h->cfg_pool, b->h.cfg_pool);
	else
		h->cfg_pool = b->h.cfg_pool;
	/* The devices' config, driver and pool now belong to @a. */
	b->h.cfg_pool = NULL;
	b->h.count = 0;
	return 0;
}

int pcilu_lspci_split(int fd, const char *path, uint64_t size, struct pcilu_raw_host *h)
{
	struct half a, b;
	uint64_t cut = find_cut(fd, size);
	char bom[3];
	pthread_t tid;
	int ret;

	/* A byte order mark would make the first header unreadable to the first half. */
	if (!cut || cut >= size || pread_full(fd, bom, 3, 0) != 3 || !memcmp(bom, "\xef\xbb\xbf", 3))
		return -EAGAIN;
	half_init(&a, fd, path, 0, cut);
	half_init(&b, fd, path, cut, UINT64_MAX);
	if (pthread_create(&tid, NULL, parse_thread, &b)) {
		half_free(&a);
		half_free(&b);
		return -EAGAIN;
	}
	a.ret = parse_range(&a);
	pthread_join(tid, NULL);
	ret = a.ret || b.ret || a.d.count || b.d.count || a.d.lost || b.d.lost ? -EAGAIN : merge(&a, &b);
	half_free(&b);
	if (ret) {
		half_free(&a);
		return ret;
	}
	pcilu_diag_free(&a.d);
	*h = a.h;
	return 0;
}
