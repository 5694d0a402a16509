// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lspci -x/-xxx/-xxxx text dumps, with or without the -v decode lines.
 *
 * The grammar is the one pciutils' dump reader accepts (lib/dump.c): a header
 * line with the address at column 0, hex rows "OFF: xx xx ...", a blank line
 * closing the record, every other line ignored. We differ where lspci -F is
 * unhelpful: a malformed record is reported with its line and skipped instead
 * of aborting the whole file, -P/-PP bridge paths are accepted, and the -v
 * lines only sysfs could have produced (IOMMU group, driver, NUMA node) are
 * kept, because they are the kernel's own answer we check ourselves against.
 *
 * Dumps of thousands of functions run to tens of megabytes, so this is one
 * pass over the text with memchr() for line ends and a table for hex digits.
 */
#include "source_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Hex digit value plus one; 0 for anything that is not a hex digit. */
#define HX(c, v) [c] = (v) + 1	/* a designated initializer: cannot be parenthesised */ // NOLINT(bugprone-macro-parentheses)
static const uint8_t hexv[256] = {
	HX('0', 0), HX('1', 1), HX('2', 2), HX('3', 3), HX('4', 4),
	HX('5', 5), HX('6', 6), HX('7', 7), HX('8', 8), HX('9', 9),
	HX('a', 10), HX('b', 11), HX('c', 12), HX('d', 13), HX('e', 14), HX('f', 15),
	HX('A', 10), HX('B', 11), HX('C', 12), HX('D', 13), HX('E', 14), HX('F', 15),
};
#undef HX

#define ROW_BYTES	16
#define MAX_OFF_DIGITS	8
#define MAX_ROWS	(PCILU_CFG_EXP_SIZE / ROW_BYTES)

struct lp {
	const char *name;
	struct pcilu_raw_host *h;
	struct pcilu_diag *d;
	long line;
	size_t errors;		/* records dropped or stray rows */
	struct pcilu_src_errs errs;	/* messages shown, and past PCILU_SRC_MAX_SHOWN only counted */
	int failed;		/* a feed ended in an error (-ENOMEM) */
	size_t records;		/* records ended, good or bad, for the device limit */
	size_t truncated;	/* devices with fewer than 256 bytes */
	bool path_noted;
	bool stray_reported;	/* hex rows outside a record: one message per run */
	pcilu_hexrow16_fn *row16;	/* the row decoder for this CPU, picked once */

	/* The record being read. */
	bool in_dev;
	bool bad;		/* an error was reported: the record is dropped */
	uint32_t seg;
	uint8_t bus, devfn;
	uint8_t slot, fn;	/* as written: may be out of range, devfn is not */
	long dev_line;
	unsigned hi;		/* highest written byte + 1 */
	unsigned rows_hi;	/* highest row index seen + 1: what reset clears */
	long row_line[MAX_ROWS];	/* line of each row seen; 0 = none */
	uint8_t row_n[MAX_ROWS];	/* bytes that row gave */
	int32_t group, node;
	char *driver;
	uint8_t cfg[PCILU_CFG_EXP_SIZE];
};

static inline unsigned hexd(char c)
{
	return hexv[(unsigned char)c];	/* 0 = not hex, else value + 1 */
}

static const char *addr_str(const struct lp *s, char *buf, size_t len)
{
	/* As read: a malformed slot (0x20 and up) is named as the file has it, not wrapped into a devfn. */
	snprintf(buf, len, "%04x:%02x:%02x.%u", s->seg, s->bus, s->slot, (unsigned)s->fn);
	return buf;
}

/* Report a problem of the current record (and drop it), or of a stray line. */
__attribute__((format(printf, 2, 3)))
static void rec_error(struct lp *s, const char *fmt, ...)
{
	char bdf[24], suffix[128];
	va_list ap;

	if (s->in_dev)
		addr_str(s, bdf, sizeof(bdf));
	snprintf(suffix, sizeof(suffix), "; the device (record at line %ld) cannot be read (--lenient leaves it out)",
		 s->dev_line);
	va_start(ap, fmt);
	pcilu_src_error(&s->errs, s->d, s->name, s->line, s->in_dev ? bdf : NULL,
			s->in_dev && !s->bad ? suffix : NULL, fmt, ap);
	va_end(ap);
	if (s->in_dev && s->bad)
		return;	/* the record is already dropped and counted */
	if (s->in_dev)
		s->bad = true;
	s->errors++;
}

static uint16_t round_len(unsigned hi)
{
	if (hi <= 64)
		return 64;
	if (hi <= 128)
		return 128;	/* CardBus bridges: lspci -x prints 128 bytes */
	if (hi <= PCILU_CFG_SIZE)
		return PCILU_CFG_SIZE;
	return PCILU_CFG_EXP_SIZE;
}

static void reset_record(struct lp *s)
{
	/* Only the bytes written need refilling: keeps tiny dumps cheap. */
	memset(s->cfg, 0xff, s->hi);
	s->hi = 0;
	memset(s->row_line, 0, s->rows_hi * sizeof(s->row_line[0]));
	s->rows_hi = 0;
	s->in_dev = false;
	s->bad = false;
	s->group = PCILU_NO_GROUP;
	s->node = PCILU_NO_NODE;
	free(s->driver);
	s->driver = NULL;
}

/*
 * A row missing (or short) before the last row would leave ff bytes that the
 * device never showed. Only rows after the last one may be absent: that is a
 * -x or -xxx dump ending early, which round_len() and the truncation warning
 * deal with.
 */
static void check_gaps(struct lp *s)
{
	unsigned last = (s->hi - 1) / ROW_BYTES;
	long line = s->line;

	for (unsigned r = 0; r < last; r++) {
		if (s->row_line[r] && s->row_n[r] == ROW_BYTES)
			continue;
		if (s->row_line[r]) {
			s->line = s->row_line[r];
			rec_error(s, "hex row at offset 0x%x has only %u bytes but is not the last row",
				  r * ROW_BYTES, s->row_n[r]);
		} else {
			unsigned n = r + 1;

			while (n < last && !s->row_line[n])
				n++;
			s->line = s->row_line[n];
			rec_error(s, "hex rows missing: a gap from offset 0x%x to 0x%x before this row at offset 0x%x",
				  r * ROW_BYTES, n * ROW_BYTES - 1, n * ROW_BYTES);
		}
		break;
	}
	s->line = line;
}

/* Close the current record: store it unless it was bad or empty. */
static int end_record(struct lp *s)
{
	struct pcilu_raw_dev *r;
	int ret = 0;

	if (!s->in_dev)
		return 0;
	if (!s->bad && !s->hi) {
		char bdf[24];

		pcilu_diag_add(s->d, PCILU_ERROR, s->name, s->dev_line, -1,
			       "%s: no hex rows (was the dump made without -x?): the device cannot be read (--lenient leaves it out)",
			       addr_str(s, bdf, sizeof(bdf)));
		s->errors++;
		s->bad = true;
	}
	if (!s->bad)
		check_gaps(s);
	if (++s->records > PCILU_MAX_DEVICES) {
		/* Otherwise pcilu_raw_host_add()'s NULL reads as "out of memory". */
		pcilu_diag_add(s->d, PCILU_ERROR, s->name, 0, -1,
			       "more than %u devices (the limit PCILU_MAX_DEVICES), the next at line %ld: the dump is refused",
			       PCILU_MAX_DEVICES, s->dev_line);
		ret = -E2BIG;
		goto out;
	}
	if (!s->bad && s->hi < PCI_STD_HEADER_SIZEOF) {
		long line = s->line;

		s->line = s->dev_line;	/* the record is at fault, not the line that ended it */
		rec_error(s, "only %u bytes of config space in the record: the 64-byte header is required",
			  s->hi);
		s->line = line;
	}
	if (s->bad)
		goto out;
	r = pcilu_raw_host_add(s->h);
	if (!r) {
		ret = -ENOMEM;
		goto out;
	}
	if (pcilu_raw_dev_set_cfg(s->h, r, s->cfg, round_len(s->hi))) {
		s->h->count--;
		ret = -ENOMEM;
		goto out;
	}
	r->seg = s->seg;
	r->bus = s->bus;
	r->devfn = s->devfn;
	r->line = s->dev_line;
	r->kernel_group = s->group;
	r->numa_node = s->node;
	r->driver = s->driver;
	s->driver = NULL;
	if (r->kernel_group != PCILU_NO_GROUP)
		s->h->has_kernel_groups = true;
	if (r->cfg_len < PCILU_CFG_SIZE)
		s->truncated++;
out:
	reset_record(s);
	return ret;
}

/*
 * A header line: an address, or a -P/-PP bridge path whose last component is
 * the device, then a space (or the end of the line). Returns the address
 * length, or 0 when the line is not a header.
 */
static size_t parse_addr(const char *p, size_t len, uint32_t *seg, uint8_t *bus,
			 uint8_t *devfn, bool *bad, bool *path)
{
	uint32_t cseg = 0;
	bool has_seg;
	size_t i = 0, n;

	*seg = 0;
	*bad = *path = false;
	for (;;) {
		n = pcilu_src_parse_bdf(p + i, len - i, &cseg, &has_seg, bus, devfn, bad);
		if (!n)
			return 0;
		if (has_seg)
			*seg = cseg;
		i += n;
		if (i == len || p[i] == ' ')
			return i;
		if (p[i] != '/')
			return 0;
		i++;
		*path = true;
	}
}

static void start_record(struct lp *s, const char *p, size_t alen, uint32_t seg,
			 uint8_t bus, uint8_t devfn, bool bad, bool path)
{
	s->in_dev = true;
	s->seg = seg;
	s->bus = bus;
	s->devfn = devfn;
	s->slot = devfn >> 3;
	s->fn = devfn & 7;
	if (bad) {
		/* pcilu_src_parse_bdf() checked the tail is "SS.F": name what was written. */
		s->slot = (uint8_t)((hexd(p[alen - 4]) - 1) << 4 | (hexd(p[alen - 3]) - 1));
		s->fn = (uint8_t)(p[alen - 1] - '0');
	}
	s->dev_line = s->line;
	s->stray_reported = false;
	if (path && !s->path_noted) {
		pcilu_diag_add(s->d, PCILU_NOTE, s->name, s->line, -1,
			       "bridge-path headers (lspci -P/-PP) accepted: the last component is the device");
		s->path_noted = true;
	}
	if (bad)
		rec_error(s, "malformed device address '%.*s' (slot above 1f or function above 7)",
			  (int)alen, p);
}

/* Row @row was met at the current line: a second one is a duplicate, and reset clears it. */
static void row_seen(struct lp *s, unsigned row)
{
	s->row_line[row] = s->line;
	if (row >= s->rows_hi)
		s->rows_hi = row + 1;
}

/* Row @row gave @count bytes at @off. */
static void row_filled(struct lp *s, unsigned row, unsigned off, unsigned count)
{
	s->row_n[row] = (uint8_t)count;
	if (count && off + count > s->hi)
		s->hi = off + count;
}

/* "OFF: xx xx ..." with @ndig offset digits already seen (p[ndig] == ':'). */
static void parse_row(struct lp *s, const char *p, size_t len, size_t ndig)
{
	unsigned off = 0, count = 0;
	size_t i;

	if (!s->in_dev) {
		if (!s->stray_reported)
			rec_error(s, "hex row outside a device record (no header line since the last blank line)");
		s->stray_reported = true;
		return;
	}
	if (ndig < 2 || ndig > MAX_OFF_DIGITS) {
		rec_error(s, "malformed hex row: offset must have 2 to 8 hex digits");
		return;
	}
	for (i = 0; i < ndig; i++)
		off = off << 4 | (hexd(p[i]) - 1);
	if (off >= PCILU_CFG_EXP_SIZE) {
		rec_error(s, "hex row offset 0x%x is beyond the 4096-byte config space", off);
		return;
	}
	if (off % ROW_BYTES) {
		rec_error(s, "hex row offset 0x%x is not a multiple of 16", off);
		return;
	}
	unsigned row = off / ROW_BYTES;

	if (s->row_line[row]) {
		/* Once the record is dropped, say it once: 200,000 copies help nobody. */
		if (!s->bad)
			rec_error(s, "duplicate hex row offset 0x%x (first at line %ld)", off,
				  s->row_line[row]);
		return;
	}
	row_seen(s, row);
	uint8_t *dst = s->cfg + off;

	/*
	 * The common row, 16 bytes " hh" each: decode it without a test per byte,
	 * then look at one flag; anything else takes the checking loop below,
	 * which also names what is wrong and where.
	 */
	if (len == ndig + 1 + (size_t)3 * ROW_BYTES) {
		if (s->row16((const unsigned char *)p + ndig + 1, dst)) {
			count = ROW_BYTES;
			goto done;
		}
		memset(dst, 0xff, ROW_BYTES);
	}
	for (i = ndig + 1; i < len; i += 3) {
		unsigned a, b;

		if (p[i] != ' ') {
			rec_error(s, "malformed hex row at offset 0x%x: expected a space at column %zu",
				  off + count, i + 1);
			return;
		}
		if (i + 1 == len)
			break;	/* one trailing space, as lspci tolerates */
		if (i + 2 >= len || !(a = hexd(p[i + 1])) || !(b = hexd(p[i + 2]))) {
			rec_error(s, "malformed hex row at offset 0x%x: expected two hex digits at column %zu",
				  off + count, i + 2);
			return;
		}
		if (count == ROW_BYTES) {
			rec_error(s, "hex row at offset 0x%x has more than 16 bytes", off);
			return;
		}
		dst[count++] = (uint8_t)((a - 1) << 4 | (b - 1));
	}
done:
	row_filled(s, row, off, count);
}

/* Decimal integer after @prefix, up to the end of the line; false if none. */
static bool tail_int(const char *p, size_t len, size_t at, int32_t *out)
{
	long v = 0;
	bool neg = false;
	size_t i = at;

	if (i < len && p[i] == '-') {
		neg = true;
		i++;
	}
	if (i == len)
		return false;
	for (; i < len; i++) {
		if (p[i] < '0' || p[i] > '9' || v > 100000000)
			return false;
		v = v * 10 + (p[i] - '0');
	}
	*out = (int32_t)(neg ? -v : v);
	return true;
}

static bool starts(const char *p, size_t len, const char *lit, size_t n)
{
	return len >= n && !memcmp(p, lit, n);
}

#define LIT(s) s, sizeof(s) - 1

/*
 * The group number is the kernel's answer that pcilu checks itself against:
 * dropping one we cannot read would make "no group" out of "group unknown".
 */
static void bad_group(struct lp *s, const char *v, size_t n)
{
	rec_error(s, "IOMMU group '%.*s' is not a group number",
		  (int)(n > 40 ? 40 : n), v);
}

/* The -v lines that carry what only sysfs knows. */
static int parse_decode(struct lp *s, const char *p, size_t len)
{
	int32_t v;

	if (starts(p, len, LIT("\tIOMMU group: "))) {
		size_t at = sizeof("\tIOMMU group: ") - 1;

		if (tail_int(p, len, at, &v) && v >= 0)
			s->group = v;
		else
			bad_group(s, p + at, len - at);
	} else if (starts(p, len, LIT("\tNUMA node: "))) {
		size_t at = sizeof("\tNUMA node: ") - 1;

		/* sysfs says -1 for "no node"; the node is not part of any rule, so a warning */
		if (tail_int(p, len, at, &v) && v >= -1)
			s->node = v < 0 ? PCILU_NO_NODE : v;
		else
			pcilu_diag_add(s->d, PCILU_WARN, s->name, s->line, -1,
				       "NUMA node '%.*s' is not a node number; taken as unknown",
				       (int)(len - at > 40 ? 40 : len - at), p + at);
	} else if (starts(p, len, LIT("\tKernel driver in use: "))) {
		size_t at = sizeof("\tKernel driver in use: ") - 1;

		free(s->driver);
		s->driver = strndup(p + at, len - at);
		if (!s->driver)
			return -ENOMEM;
	} else if (starts(p, len, LIT("\tFlags: "))) {
		static const char key[] = ", IOMMU group ";
		const char *k = memmem(p, len, key, sizeof(key) - 1);

		if (k) {
			size_t at = (size_t)(k - p) + sizeof(key) - 1, e = at;

			while (e < len && p[e] >= '0' && p[e] <= '9')
				e++;
			if (tail_int(p, e, at, &v) && (e == len || p[e] == ','))
				s->group = v;
			else {
				while (e < len && p[e] != ',')
					e++;
				bad_group(s, p + at, e - at);
			}
		}
	}
	return 0;
}

static int parse_line(struct lp *s, const char *p, size_t len)
{
	size_t n = 0;

	if (!len)
		return end_record(s);
	if (p[0] == '\t')
		return s->in_dev && !s->bad ? parse_decode(s, p, len) : 0;
	while (n < len && n <= MAX_OFF_DIGITS && hexd(p[n]))
		n++;
	if (!n || n == len || p[n] != ':') {
		/* Ignored, as lspci does; inside a record's rows it is most likely
		 * a message (pcilib: ...) that went to the same file: say so. */
		if (s->in_dev && !s->bad && s->rows_hi)
			pcilu_diag_add(s->d, PCILU_WARN, s->name, s->line, -1,
				       "a line that is neither a hex row nor a decoded field inside the record at line %ld (a message mixed into the dump?): ignored",
				       s->dev_line);
		return 0;
	}
	if (n + 1 == len || p[n + 1] == ' ') {
		parse_row(s, p, len, n);
		return 0;
	}
	/* A header also ends the record before it, as in lspci. */
	uint32_t seg;
	uint8_t bus, devfn;
	bool bad, path;
	size_t alen = parse_addr(p, len, &seg, &bus, &devfn, &bad, &path);
	int ret;

	if (!alen) {
		/* Inside a record this can only be a mangled row (e.g. "00:00 00"). */
		if (s->in_dev)
			rec_error(s, "malformed line: neither a device header nor a hex row");
		return 0;
	}
	ret = end_record(s);
	if (!ret)
		start_record(s, p, alen, seg, bus, devfn, bad, path);
	return ret;
}

struct lp *pcilu_lspci_begin(const char *name, struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	struct lp *s;

	pcilu_raw_host_init(h, PCILU_SRC_LSPCI, name);
	if (name && !h->name)
		return NULL;
	s = malloc(sizeof(*s));
	if (!s)
		return NULL;
	memset(s, 0, offsetof(struct lp, cfg));
	memset(s->cfg, 0xff, sizeof(s->cfg));
	s->name = name ? name : "<input>";
	s->h = h;
	s->d = d;
	s->group = PCILU_NO_GROUP;
	s->node = PCILU_NO_NODE;
	s->row16 = pcilu_hexrow16_pick();
	return s;
}

/* Whole lines only: the caller keeps a partial last line for the next call (or pcilu_lspci_end). */
/*
 * The line at @p (@avail bytes on) as the common row of a good record,
 * "OOO: hh hh ... hh\n" with a 2- or 3-digit offset, decoded without the
 * search for its end or the checks of parse_row(): how long it was, or 0 for
 * anything else, which parse_line() then reads, and names what is wrong,
 * as if this had not looked. Nothing is changed unless the row is taken.
 */
static size_t fast_row(struct lp *s, const char *p, size_t avail)
{
	size_t nd = avail > 2 && p[2] == ':' ? 2 : avail > 3 && p[3] == ':' ? 3 : 0;
	size_t len = nd + 1 + (size_t)3 * ROW_BYTES;
	unsigned off = 0, row;
	uint8_t v[ROW_BYTES];

	if (!nd || !s->in_dev || s->bad || avail <= len || p[len] != '\n')
		return 0;
	for (size_t i = 0; i < nd; i++) {
		unsigned x = hexd(p[i]);

		if (!x)
			return 0;
		off = off << 4 | (x - 1);
	}
	row = off / ROW_BYTES;
	if (off % ROW_BYTES || s->row_line[row] || !s->row16((const unsigned char *)p + nd + 1, v))
		return 0;
	s->line++;
	row_seen(s, row);
	memcpy(s->cfg + off, v, ROW_BYTES);
	row_filled(s, row, off, ROW_BYTES);
	return len + 1;
}

int pcilu_lspci_feed(struct lp *s, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	int ret = 0;

	while (p < end && !ret) {
		size_t taken = fast_row(s, p, (size_t)(end - p));

		if (taken) {
			p += taken;
			continue;
		}
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;

		if (le > p && le[-1] == '\r')
			le--;
		s->line++;
		ret = parse_line(s, p, (size_t)(le - p));
		p = next;
	}
	s->failed = ret;
	return ret;
}

int pcilu_lspci_feed_lines(struct lp *s, char *buf, size_t skip, size_t *have, bool eof)
{
	char *last = *have > skip ? memrchr(buf + skip, '\n', *have - skip) : NULL;
	size_t whole = eof ? *have : last ? (size_t)(last - buf) + 1 : skip;
	int ret = whole > skip ? pcilu_lspci_feed(s, buf + skip, whole - skip) : 0;

	memmove(buf, buf + whole, *have - whole);
	*have -= whole;
	return ret;
}

long pcilu_lspci_line(const struct lp *s)
{
	return s->line;
}

int pcilu_lspci_end(struct lp *s, const struct pcilu_source_opts *opts)
{
	struct pcilu_raw_host *h = s->h;
	const char *name = s->name;
	int ret = s->failed;

	if (!ret)
		ret = end_record(s);
	else
		reset_record(s);
	if (!ret && s->truncated) {
		h->config_truncated = true;
		pcilu_diag_add(s->d, PCILU_WARN, name, 0, -1,
			       "fewer than 256 bytes of config space are in the dump for %zu device%s (made with -x, or not as root): capabilities (ACS, ARI, SR-IOV) are unknown; use 'lspci -xxxx' as root",
			       s->truncated, s->truncated == 1 ? "" : "s");
	}
	pcilu_src_errors_end(&s->errs, s->d, name);
	if (!ret && !h->count) {
		pcilu_diag_add(s->d, PCILU_ERROR, name, 0, -1, "no devices found");
		ret = -EINVAL;
	}
	if (!ret && s->errors && !(opts && opts->lenient))
		ret = -EINVAL;
	free(s);
	return ret;
}

int pcilu_load_lspci(const char *name, const char *text, size_t len,
		     const struct pcilu_source_opts *opts,
		     struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	struct lp *s = pcilu_lspci_begin(name, h, d);

	if (!s)
		return -ENOMEM;
	pcilu_lspci_feed(s, text, len);
	return pcilu_lspci_end(s, opts);
}
