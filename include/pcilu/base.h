/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcilu base layer: diagnostics, error conventions, limits.
 *
 * Every library function returns 0 (or a non-negative count) on success and a
 * negative errno on failure, as libfdt and the kernel do. What went wrong, and
 * where (file, line, byte offset), is appended to a struct pcilu_diag that the
 * caller owns. The library never prints and never exits.
 */
#ifndef PCILU_BASE_H
#define PCILU_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pcilu/version.h>	/* PCILU_VERSION_STRING, generated from meson.build */

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What libpcilu exports. The library is compiled with -fvisibility=hidden
 * (meson: gnu_symbol_visibility), so a function is visible to programs that
 * link libpcilu.so only when its declaration here, in include/pcilu/, carries
 * PCILU_API. The internal headers in src/ (iommu_int.h, ...) never use it.
 * tests/api/exports.py checks the two stay the same (docs/architecture.md).
 */
#if defined(__GNUC__) || defined(__clang__)
#define PCILU_API __attribute__((visibility("default")))
#else
#define PCILU_API
#endif

/* Resource limits: inputs beyond these are refused, never allowed to exhaust memory. */
#define PCILU_MAX_DEVICES	(1u << 21)	/* functions per host */
#define PCILU_MAX_INPUT_SIZE	(1ull << 32)	/* bytes of one input file (4 GiB) */
#define PCILU_MAX_SPEC_DEPTH	64		/* nesting of a topology spec */

enum pcilu_severity {
	PCILU_NOTE = 0,		/* an assumption or a fact the user should know */
	PCILU_WARN = 1,		/* input was odd but the model is still exact */
	PCILU_ERROR = 2,	/* input was wrong: something was skipped or refused */
};

struct pcilu_diag_msg {
	enum pcilu_severity sev;
	char *file;		/* NULL when not tied to a file */
	long line;		/* 1-based; 0 when unknown */
	long offset;		/* byte offset (config space or file); -1 when unknown */
	char *text;
};

struct pcilu_diag {
	struct pcilu_diag_msg *msgs;
	size_t count, cap;
	size_t errors;		/* how many PCILU_ERROR messages */
	bool lost;		/* a message could not be stored (out of memory) */
};

PCILU_API void pcilu_diag_init(struct pcilu_diag *d);
PCILU_API void pcilu_diag_free(struct pcilu_diag *d);
/* Append a message; never fails visibly (sets d->lost on allocation failure). */
PCILU_API void pcilu_diag_add(struct pcilu_diag *d, enum pcilu_severity sev,
			      const char *file, long line, long offset,
			      const char *fmt, ...) __attribute__((format(printf, 6, 7)));
PCILU_API void pcilu_diag_vadd(struct pcilu_diag *d, enum pcilu_severity sev,
			       const char *file, long line, long offset,
			       const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
/* "file:line: error: text" or "file: offset 0x104: warning: text". */
PCILU_API int pcilu_diag_format(const struct pcilu_diag_msg *m, char *buf, size_t len);

PCILU_API const char *pcilu_strerror(int err);	/* for negative errno values */

/*
 * Length of the valid UTF-8 sequence at @p (at most @n bytes): 1 for ASCII,
 * 2-4 for a well-formed multi-byte character (no overlong form, surrogate or
 * value past U+10FFFF), 0 when the bytes there are not UTF-8.
 */
PCILU_API size_t pcilu_utf8_len(const unsigned char *p, size_t n);
/*
 * @s as it may reach a terminal: control characters (C0, DEL, C1) and bytes
 * that are not UTF-8 become \xNN; printable UTF-8 stays.
 * Written to @buf (truncated to @len, NUL-terminated); returns @buf.
 */
PCILU_API char *pcilu_escape(const char *s, char *buf, size_t len);


/*
 * Write @len bytes to @path atomically, with permissions @mode: a temporary
 * file .pcilu-XXXXXX in the same directory, fsync, rename, fsync of the
 * directory. Refuses to replace anything but a regular file (a device node,
 * a FIFO, a symbolic link). 0 or a negative errno, the reason in @d.
 */
PCILU_API int pcilu_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
				 struct pcilu_diag *d);

#ifdef __cplusplus
}
#endif
#endif
