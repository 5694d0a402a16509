// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LD_PRELOAD shim for the allocation-failure sweep (tests/alloc/sweep.py):
 * the Nth call to malloc, calloc, realloc, reallocarray, strdup or strndup
 * made through the dynamic linker (pcilu, libpcilu, json-c, libfdt, zlib)
 * returns NULL with errno ENOMEM; every other call goes to libc.
 *
 *   PCILU_FAIL_AT=N      fail call N (1-based); 0 or unset: fail nothing
 *   PCILU_FAIL_COUNT=F   at exit, write the number of calls seen to file F
 *   PCILU_FAIL_TRACE=1   print a backtrace of the failed call to stderr
 *
 * A crash prints "failmalloc: signal S" and a backtrace to stderr before
 * dying, so the sweep can say whether the crash is in pcilu's code or in a
 * library. libc's own internal allocations (stdio buffers, getline inside
 * libc) do not pass through here; that is what the sweep can reach.
 *
 * This is test tooling, not part of pcilu: its process-wide counters are the
 * point of it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long fail_at, calls;
static const char *count_file;

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);

/* dlsym() may itself call calloc before real_calloc is known: serve it here. */
static char boot_heap[4096];
static size_t boot_used;

static void *boot_alloc(size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (boot_used + n > sizeof(boot_heap))
		return NULL;
	p = boot_heap + boot_used;
	boot_used += n;
	return p;
}

static int is_boot(const void *p)
{
	return (const char *)p >= boot_heap && (const char *)p < boot_heap + sizeof(boot_heap);
}

static void resolve(void)
{
	static int busy;

	if (real_malloc || busy)
		return;
	busy = 1;
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	busy = 0;
}

static int trace;

/* Whether this call is the one to fail (PCILU_FAIL_TRACE=1: say where, for debugging). */
static int fail_now(void)
{
	if (++calls == fail_at) {
		if (trace) {
			void *frames[16];

			backtrace_symbols_fd(frames, backtrace(frames, 16), 2);
		}
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *malloc(size_t n)
{
	resolve();
	if (!real_malloc)
		return boot_alloc(n);
	return fail_now() ? NULL : real_malloc(n);
}

void *calloc(size_t n, size_t m)
{
	resolve();
	if (!real_calloc) {
		void *p = (m && n > (size_t)-1 / m) ? NULL : boot_alloc(n * m);

		if (p)
			memset(p, 0, n * m);
		return p;
	}
	return fail_now() ? NULL : real_calloc(n, m);
}

void *realloc(void *p, size_t n)
{
	resolve();
	if (is_boot(p)) {
		void *q = malloc(n);

		if (q)
			memcpy(q, p, n < sizeof(boot_heap) ? n : sizeof(boot_heap));
		return q;
	}
	return fail_now() ? NULL : real_realloc(p, n);
}

void *reallocarray(void *p, size_t n, size_t m)
{
	if (m && n > (size_t)-1 / m) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, n * m);
}

void free(void *p)
{
	static void (*real_free)(void *);

	if (!p || is_boot(p))
		return;
	if (!real_free)
		real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	real_free(p);
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);

	return d ? memcpy(d, s, n) : NULL;
}

char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void on_crash(int sig)
{
	void *frames[64];
	char head[64];
	int n = backtrace(frames, 64), len;

	len = snprintf(head, sizeof(head), "failmalloc: signal %d at call %lu\n", sig, calls);
	if (write(2, head, (size_t)len) < 0)
		_exit(128 + sig);
	backtrace_symbols_fd(frames, n, 2);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void write_count(void)
{
	char buf[32];
	int fd, len;

	if (!count_file)
		return;
	fd = open(count_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	len = snprintf(buf, sizeof(buf), "%lu\n", calls);
	if (write(fd, buf, (size_t)len) < 0)
		len = 0;
	close(fd);
}

__attribute__((constructor)) static void init(void)
{
	const char *at = getenv("PCILU_FAIL_AT");
	void *warm[1];

	/* backtrace() loads libgcc_s on first use, allocating: do it before any failure. */
	backtrace(warm, 1);
	resolve();
	fail_at = at ? strtoul(at, NULL, 10) : 0;
	count_file = getenv("PCILU_FAIL_COUNT");
	trace = getenv("PCILU_FAIL_TRACE") != NULL;
	calls = 0;
	signal(SIGSEGV, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGABRT, on_crash);
	signal(SIGFPE, on_crash);
	atexit(write_count);
}
