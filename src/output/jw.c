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

#ifdef __SSE2__
#include <emmintrin.h>
#endif
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

/* A line break and two spaces per level, as json-c's PRETTY indents. */
static void newline(struct pcilu_jw *w, unsigned depth)
{
	static const char line[] = "\n                                                               "
				   "                                                                ";
	size_t n = 1 + 2 * (size_t)depth;

	if (n <= sizeof(line) - 1) {
		put(w, line, n);
		return;
	}
	put(w, line, 1);
	for (n--; n;) {
		size_t k = n < sizeof(line) - 2 ? n : sizeof(line) - 2;

		put(w, line + 1, k);
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
	if (nonempty(w))
		putc1(w, ',');
	set_nonempty(w, true);
	if (w->pretty)
		newline(w, w->depth);
}

/* Where a value goes: after its key, or as the next element of an array. */
static void value(struct pcilu_jw *w)
{
	if (w->after_key)
		w->after_key = false;
	else
		member(w);
}

/*
 * How many bytes from @p on need no escape: printable ASCII other than '"'
 * and '\\'. Sixteen at a time where SSE2 is (the x86-64 baseline); the
 * strings of a document are mostly plain, and this was most of its cost.
 */
static size_t plain_run(const unsigned char *p, size_t n)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i space = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), bsl = _mm_set1_epi8('\\');

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		/* signed: bytes >= 0x80 are negative, so below 0x20 as well */
		__m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, space),
					   _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bsl)));
		unsigned m = (unsigned)_mm_movemask_epi8(bad);

		if (m)
			return i + (size_t)__builtin_ctz(m);
	}
#endif
	/* The short strings (addresses, names, most keys) end here: a byte a step. */
	while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' && p[i] != '\\')
		i++;
	return i;
}

/* The escape for the byte at @p (not plain) into @esc; its length. *@skip: bytes it stands for. */
static size_t escape(const unsigned char *p, size_t n, char *esc, size_t *skip)
{
	static const char hex[] = "0123456789abcdef";
	static const char named[32] = { ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r' };
	unsigned char c = *p;

	*skip = 1;
	if (c >= 0x80) {
		size_t k = pcilu_utf8_len(p, n);

		if (k) {
			*skip = k;
			memcpy(esc, p, k);
			return k;
		}
		esc[0] = (char)0xef;	/* U+FFFD */
		esc[1] = (char)0xbf;
		esc[2] = (char)0xbd;
		return 3;
	}
	esc[0] = '\\';
	if (c == '"' || c == '\\') {
		esc[1] = (char)c;
		return 2;
	}
	if (c < sizeof(named) && named[c]) {
		esc[1] = named[c];
		return 2;
	}
	esc[1] = 'u';
	esc[2] = '0';
	esc[3] = '0';
	esc[4] = hex[c >> 4];
	esc[5] = hex[c & 15];
	return 6;
}

void pcilu_jw_str_n(struct pcilu_jw *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	putc1(w, '"');
	for (size_t i = 0; i < n;) {
		size_t run = plain_run(p + i, n - i), skip;
		char esc[8];

		put(w, s + i, run);
		i += run;
		if (i < n) {
			size_t k = escape(p + i, n - i, esc, &skip);

			put(w, esc, k);
			i += skip;
		}
	}
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
	/* json-c breaks the line after "{" or "[" even when nothing follows. */
	if (w->pretty)
		newline(w, w->depth - 1);
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
