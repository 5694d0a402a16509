// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Vendor and device names from pci.ids, the file lspci reads. Read on the
 * first lookup only (a command that prints no name never opens it), indexed
 * in one pass (vendor and device lines: an id, white space, the name), then
 * looked up by binary search. libpci hashes every line of the file, classes
 * and subsystems too, which cost a check of a large host a fifth of its
 * time; the names are the same (tests/pci/test_names.c compares every
 * vendor and device of the system's pci.ids with libpci's answer).
 */
#include "pci_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Where Debian, Fedora and pciutils' own install put it; gzip or plain (zlib reads both). */
static const char *const ids_paths[] = {
	"/usr/share/misc/pci.ids", "/usr/share/misc/pci.ids.gz", "/usr/share/hwdata/pci.ids",
	"/usr/share/hwdata/pci.ids.gz", "/usr/share/pci.ids",
};

#define IDS_MAX_BYTES	(64u << 20)	/* today's file is 1.4 MB */

struct ids_entry {
	uint32_t key;		/* vendor << 16 | device; vendors: the vendor id alone */
	uint32_t off;		/* the name in text */
};

struct pcilu_names {
	const char *path;	/* NULL: the first of ids_paths that opens */
	bool tried;		/* the file was read (or could not be) */
	char *text;
	struct ids_entry *vendors, *devices;
	size_t nvendors, ndevices;
};

struct pcilu_names *pcilu_names_open(void)
{
	return calloc(1, sizeof(struct pcilu_names));
}

struct pcilu_names *pcilu_names_open_file(const char *path)
{
	struct pcilu_names *n = pcilu_names_open();

	if (n)
		n->path = path;
	return n;
}

void pcilu_names_close(struct pcilu_names *n)
{
	if (!n)
		return;
	free(n->text);
	free(n->vendors);
	free(n->devices);
	free(n);
}

static int read_ids(const char *path, char **text, size_t *len)
{
	gzFile f = gzopen(path, "rb");
	size_t cap = 2u << 20, n = 0;
	char *buf;
	int ret = 0;

	if (!f)
		return -ENOENT;
	buf = malloc(cap);
	if (!buf) {
		gzclose(f);
		return -ENOMEM;
	}
	for (;;) {
		int got;

		if (n + 1 == cap) {
			char *nb = cap < IDS_MAX_BYTES ? realloc(buf, cap * 2) : NULL;

			if (!nb) {
				ret = cap < IDS_MAX_BYTES ? -ENOMEM : -EFBIG;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		got = gzread(f, buf + n, (unsigned)(cap - n - 1));
		if (got <= 0) {
			ret = got < 0 ? -EIO : 0;
			break;
		}
		n += (size_t)got;
	}
	gzclose(f);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return 0;
}

/* Four hex digits then white space: the id of a vendor or device line. */
static bool line_id(const char *p, const char *end, uint32_t *id)
{
	*id = 0;
	if (end - p < 5 || (p[4] != ' ' && p[4] != '\t'))
		return false;
	for (int i = 0; i < 4; i++) {
		int v = pcilu_hexval(p[i]);

		if (v < 0)
			return false;
		*id = *id << 4 | (uint32_t)v;
	}
	return true;
}

static int push(struct ids_entry **a, size_t *n, size_t *cap, uint32_t key, uint32_t off)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		struct ids_entry *na = realloc(*a, nc * sizeof(*na));

		if (!na)
			return -ENOMEM;
		*a = na;
		*cap = nc;
	}
	(*a)[(*n)++] = (struct ids_entry){ key, off };
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ids_entry *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;	/* the first line of an id wins, as in libpci */
}

/*
 * pci.ids lists vendors and their devices in order, so most often this only
 * checks. qsort() of no array (NULL) is undefined, even of 0 elements (found
 * by fuzz-pciids).
 */
static void sort(struct ids_entry *a, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (cmp_entry(&a[i - 1], &a[i]) > 0) {
			qsort(a, n, sizeof(*a), cmp_entry);
			return;
		}
}

/*
 * One pass: vendor lines (an id at column 0), device lines (one tab, an id)
 * under the last vendor; names end at the line's end, which becomes a NUL.
 * The class list ("C xx  name") ends the part that names devices.
 */
static int index_ids(struct pcilu_names *n, size_t len)
{
	char *p = n->text, *end = n->text + len;
	size_t vcap = 0, dcap = 0;
	uint32_t vendor = 0;
	bool in_vendor = false;
	int ret = 0;

	while (p < end && !ret) {
		char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *name;
		uint32_t id;

		if (p[0] == 'C' && p + 1 < le && p[1] == ' ')
			break;
		if (p[0] != '#' && p[0] != '\t' && line_id(p, le, &id)) {
			vendor = id;
			in_vendor = true;
			name = p + 5;
			ret = push(&n->vendors, &n->nvendors, &vcap, id, (uint32_t)(name - n->text));
		} else if (p[0] == '\t' && in_vendor && p + 1 < le && p[1] != '\t' && line_id(p + 1, le, &id)) {
			name = p + 6;
			ret = push(&n->devices, &n->ndevices, &dcap, vendor << 16 | id, (uint32_t)(name - n->text));
		}
		*le = '\0';
		p = nl ? nl + 1 : end;
	}
	if (!ret) {
		sort(n->vendors, n->nvendors);
		sort(n->devices, n->ndevices);
	}
	return ret;
}

int pcilu_names_take_text(struct pcilu_names *n, char *text, size_t len)
{
	int ret = len < UINT32_MAX && !text[len] ? 0 : -EINVAL;

	n->tried = true;
	n->text = text;
	ret = ret ?: index_ids(n, len);
	if (ret) {
		/* Names then fall back to ids, as without a file. */
		free(n->text);
		free(n->vendors);
		free(n->devices);
		n->text = NULL;
		n->vendors = n->devices = NULL;
		n->nvendors = n->ndevices = 0;
	}
	return ret;
}

/* Read and index pci.ids once; without it (or out of memory) names fall back to ids. */
static bool load(struct pcilu_names *n)
{
	size_t len = 0;
	char *text = NULL;
	int ret = -ENOENT;

	if (n->tried)
		return n->text != NULL;
	n->tried = true;
	if (n->path)
		ret = read_ids(n->path, &text, &len);
	for (size_t i = 0; !n->path && ret == -ENOENT && i < sizeof(ids_paths) / sizeof(ids_paths[0]); i++)
		ret = read_ids(ids_paths[i], &text, &len);
	if (!ret)
		pcilu_names_take_text(n, text, len);
	return n->text != NULL;
}

/* The name of @key in @a, NUL-terminated in the text, or NULL. */
static const char *find(const struct pcilu_names *n, const struct ids_entry *a, size_t count, uint32_t key)
{
	size_t lo = 0, hi = count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a[mid].key < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == count || a[lo].key != key)
		return NULL;
	const char *s = n->text + a[lo].off;

	while (*s == ' ' || *s == '\t')
		s++;
	return *s ? s : NULL;
}

const char *pcilu_name_vendor(struct pcilu_names *n, uint16_t vendor, char *buf, size_t len)
{
	const char *s = n && load(n) ? find(n, n->vendors, n->nvendors, vendor) : NULL;

	if (s)
		snprintf(buf, len, "%s", s);
	else
		snprintf(buf, len, "%04x", vendor);
	return buf;
}

const char *pcilu_name_device(struct pcilu_names *n, uint16_t vendor, uint16_t device,
			      char *buf, size_t len)
{
	const char *s = n && load(n) ? find(n, n->devices, n->ndevices, (uint32_t)vendor << 16 | device) : NULL;

	if (s)
		snprintf(buf, len, "%s", s);
	else
		snprintf(buf, len, "%04x", device);
	return buf;
}
