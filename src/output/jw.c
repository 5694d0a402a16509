// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A streaming JSON writer: every command's document is written as it is
 * walked, never built as a tree first. Building json-c's tree of ~400,000
 * objects and freeing it was four fifths of `check --json` on a 4,096-function
 * host (issue 19), and a tree of a million-function host would not fit in the
 * memory the rest of pcilu needs.
 *
 * The text is the one json-c 0.16 gave the same values with
 * JSON_C_TO_STRING_PRETTY (or _PLAIN) | _NOSLASHESCAPE, so documents stayed
 * byte-identical when the writer replaced it: "key":value without a space,
 * two spaces per level, an empty container as "{", newline, indent, "}".
 * Strings are escaped as json-c did (\b \f \n \r \t \" \\, other control
 * bytes as \u00xx) and, unlike json-c, made valid UTF-8: each byte of an
 * invalid sequence becomes U+FFFD. tests/output/test_jw.c holds the writer
 * against json-c itself.
 *
 * Errors are sticky and returned by pcilu_jw_end(): a value that could not be
 * made (out of memory for its words; the caller records it in w->err) or a
 * failed write (its errno: ENOSPC, EPIPE). After a failed write nothing more
 * is written; the stream's error flag stays set for the FILE's owner.
 */
#include "output_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void pcilu_jw_start(struct pcilu_jw *w, FILE *f, bool pretty)
{
	w->f = f;
	w->pretty = pretty;
	w->after_key = false;
	w->depth = 0;
	memset(w->nonempty, 0, sizeof(w->nonempty));
	w->err = 0;
	w->dead = false;
	w->len = 0;
}

static void write_failed(struct pcilu_jw *w)
{
	w->dead = true;
	if (!w->err)
		w->err = errno ? -errno : -EIO;
}

static void flush(struct pcilu_jw *w)
{
	if (w->len && !w->dead && fwrite(w->buf, 1, w->len, w->f) != w->len)
		write_failed(w);
	w->len = 0;
}

static void put(struct pcilu_jw *w, const char *s, size_t n)
{
	if (n > sizeof(w->buf) - w->len) {
		flush(w);
		if (n > sizeof(w->buf)) {
			if (!w->dead && fwrite(s, 1, n, w->f) != n)
				write_failed(w);
			return;
		}
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void putc1(struct pcilu_jw *w, char c)
{
	if (w->len == sizeof(w->buf))
		flush(w);
	w->buf[w->len++] = c;
}

/* Two spaces per level, as json-c's PRETTY indents. */
static void indent(struct pcilu_jw *w, unsigned depth)
{
	static const char spaces[] = "                                                                ";

	for (size_t n = 2 * (size_t)depth; n;) {
		size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

		put(w, spaces, k);
		n -= k;
	}
}

/* Whether the innermost container has a member yet; set it. */
static bool nonempty(const struct pcilu_jw *w)
{
	unsigned d = w->depth - 1;

	return w->nonempty[d / 64] >> (d % 64) & 1;
}

static void set_nonempty(struct pcilu_jw *w, bool v)
{
	unsigned d = w->depth - 1;

	if (v)
		w->nonempty[d / 64] |= 1ull << (d % 64);
	else
		w->nonempty[d / 64] &= ~(1ull << (d % 64));
}

/* The separator before a member of the innermost container. */
static void member(struct pcilu_jw *w)
{
	if (!w->depth)
		return;
	if (nonempty(w)) {
		putc1(w, ',');
		if (w->pretty)
			putc1(w, '\n');
	}
	set_nonempty(w, true);
	if (w->pretty)
		indent(w, w->depth);
}

/* Where a value goes: after its key, or as the next element of an array. */
static void value(struct pcilu_jw *w)
{
	if (w->after_key)
		w->after_key = false;
	else
		member(w);
}

void pcilu_jw_str_n(struct pcilu_jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;

	putc1(w, '"');
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		char esc[8];
		size_t k = 0, skip = 1;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			run++;
			continue;
		}
		if (c >= 0x80) {
			skip = pcilu_utf8_len(p + i, n - i);
			if (skip) {
				i += skip;
				run += skip;
				continue;
			}
			skip = 1;
			memcpy(esc, "\xef\xbf\xbd", 3);
			k = 3;
		} else if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			k = 2;
		} else {
			static const char named[32] = { ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f',
							['\r'] = 'r' };

			esc[0] = '\\';
			if (named[c]) {
				esc[1] = named[c];
				k = 2;
			} else {
				memcpy(esc + 1, "u00", 3);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				k = 6;
			}
		}
		put(w, s + i - run, run);
		put(w, esc, k);
		run = 0;
		i += skip;
	}
	put(w, s + n - run, run);
	putc1(w, '"');
}

void pcilu_jw_key(struct pcilu_jw *w, const char *key)
{
	member(w);
	pcilu_jw_str_n(w, key, strlen(key));
	putc1(w, ':');
	w->after_key = true;
}

void pcilu_jw_str(struct pcilu_jw *w, const char *s)
{
	value(w);
	if (s)
		pcilu_jw_str_n(w, s, strlen(s));
	else
		put(w, "null", 4);
}

void pcilu_jw_null(struct pcilu_jw *w)
{
	value(w);
	put(w, "null", 4);
}

void pcilu_jw_bool(struct pcilu_jw *w, bool b)
{
	value(w);
	if (b)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void pcilu_jw_int(struct pcilu_jw *w, int64_t v)
{
	char buf[24], *p = buf + sizeof(buf);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	value(w);
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	put(w, p, (size_t)(buf + sizeof(buf) - p));
}

/* Lower-case hex, zero-padded to @width digits, as a string. */
void pcilu_jw_hex(struct pcilu_jw *w, unsigned v, int width)
{
	static const char hex[] = "0123456789abcdef";
	char buf[24];
	int n = 0;

	for (unsigned u = v; u; u >>= 4)
		n++;
	if (n < width)
		n = width < 16 ? width : 16;
	if (!n)
		n = 1;
	value(w);
	buf[0] = '"';
	for (int i = n; i > 0; i--, v >>= 4)
		buf[i] = hex[v & 15];
	buf[n + 1] = '"';
	put(w, buf, (size_t)n + 2);
}

static void open_c(struct pcilu_jw *w, char c)
{
	value(w);
	putc1(w, c);
	/* json-c breaks the line after "{" or "[" even when nothing follows. */
	if (w->pretty)
		putc1(w, '\n');
	/* Deeper than any document pcilu makes: refused rather than written wrong. */
	if (w->depth == PCILU_JW_MAXDEPTH) {
		w->err = w->err ? w->err : -ELOOP;
		w->dead = true;
		return;
	}
	w->depth++;
	set_nonempty(w, false);
}

static void close_c(struct pcilu_jw *w, char c)
{
	if (w->dead && w->err == -ELOOP)
		return;
	if (w->pretty) {
		if (nonempty(w))
			putc1(w, '\n');
		indent(w, w->depth - 1);
	}
	putc1(w, c);
	w->depth--;
}

void pcilu_jw_obj(struct pcilu_jw *w)
{
	open_c(w, '{');
}

void pcilu_jw_arr(struct pcilu_jw *w)
{
	open_c(w, '[');
}

void pcilu_jw_end_obj(struct pcilu_jw *w)
{
	close_c(w, '}');
}

void pcilu_jw_end_arr(struct pcilu_jw *w)
{
	close_c(w, ']');
}

struct pcilu_jw *pcilu_jw_open(FILE *f, bool pretty)
{
	struct pcilu_jw *w = malloc(sizeof(*w));

	if (w)
		pcilu_jw_start(w, f, pretty);
	return w;
}

void pcilu_jw_free(struct pcilu_jw *w)
{
	free(w);
}

int pcilu_jw_end(struct pcilu_jw *w)
{
	putc1(w, '\n');
	flush(w);
	return w->err;
}
