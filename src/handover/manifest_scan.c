// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A manifest's flattened device tree read in one pass. The header's fields
 * and block bounds first, then every tag of the structure block in order,
 * each checked once as it is met (bounds, its name in the strings block,
 * nesting), so that the reader (manifest_read.c) takes each tag once and
 * never walks the tree again: libfdt's read-only API walked it five times
 * (fdt_check_full(), the subnode loops, a counting pass, the properties,
 * fdt_first_subnode() per node), most of the decoding time of a large one.
 *
 * What is refused is what fdt_check_full() (libfdt 1.6.1) refuses, plus
 * what libfdt lets through but its readers would misread: a structure block
 * that does not start with the root node (fdt_getprop(fdt, 0, ...) assumes
 * it does), and a property after a child node (libfdt's property loops stop
 * at the first child, so it was silently ignored). Every refusal names the
 * offset of the tag in the file.
 */
#include "handover_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int corrupt(const struct pcilu_fdt_scan *s, long off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int corrupt(const struct pcilu_fdt_scan *s, long off, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pcilu_diag_add(s->d, PCILU_ERROR, s->file, 0, off, "corrupt device tree: %s", text);
	return -EINVAL;
}

/* [base, base + size) inside [hdr, total] without wrapping: check_block_() of libfdt. */
static bool block_ok(uint32_t hdr, uint32_t total, uint32_t base, uint32_t size)
{
	return base >= hdr && base <= total && base + size >= base && base + size <= total;
}

/* The memory reservation map ends with an all-zero size within the blob (fdt_num_mem_rsv()). */
static int check_rsvmap(const struct pcilu_fdt_scan *s, uint32_t at)
{
	for (; at <= s->len - 16; at += 16)
		if (!pcilu_be32(s->blob + at + 8) && !pcilu_be32(s->blob + at + 12))
			return 0;
	return corrupt(s, at, "the memory reservation map runs past the end of the blob");
}

/* Versions, then block bounds as fdt_check_header() has them. */
static int check_blocks(struct pcilu_fdt_scan *s)
{
	const uint8_t *b = s->blob;
	uint32_t total = (uint32_t)s->len, ver = pcilu_be32(b + PCILU_FDTH_VERSION);
	uint32_t last = pcilu_be32(b + PCILU_FDTH_LAST_COMP), rsv = pcilu_be32(b + PCILU_FDTH_OFF_RSVMAP);
	/* Version 16 has no size_dt_struct: its structure block runs to the end of the blob. */
	uint32_t hdr = ver >= 17 ? PCILU_FDT_HDR_SIZE : 36;

	if (ver < last)
		return corrupt(s, PCILU_FDTH_VERSION, "version %u is older than its last compatible version %u",
			       ver, last);
	s->st = pcilu_be32(b + PCILU_FDTH_OFF_STRUCT);
	s->st_size = ver >= 17 ? pcilu_be32(b + PCILU_FDTH_SIZE_STRUCT) : s->st <= total ? total - s->st : 0;
	s->str = pcilu_be32(b + PCILU_FDTH_OFF_STRINGS);
	s->str_size = pcilu_be32(b + PCILU_FDTH_SIZE_STRINGS);
	if (!block_ok(hdr, total, rsv, 0))
		return corrupt(s, PCILU_FDTH_OFF_RSVMAP, "the memory reservation map at %#x lies outside the blob",
			       rsv);
	if (!block_ok(hdr, total, s->st, s->st_size))
		return corrupt(s, PCILU_FDTH_OFF_STRUCT,
			       "the structure block (%u bytes at %#x) lies outside the blob", s->st_size, s->st);
	if (!block_ok(hdr, total, s->str, s->str_size))
		return corrupt(s, PCILU_FDTH_OFF_STRINGS,
			       "the strings block (%u bytes at %#x) lies outside the blob", s->str_size, s->str);
	/* As fdt_get_string(): before version 17 a name may run to the end of the blob. */
	if (ver < 17)
		s->str_size = total - s->str;
	return check_rsvmap(s, rsv);
}

int pcilu_fdt_scan_init(struct pcilu_fdt_scan *s, const void *blob, size_t len, const char *file,
			struct pcilu_diag *d)
{
	const uint8_t *b = blob;
	uint32_t total;

	*s = (struct pcilu_fdt_scan){ .blob = b, .len = len, .file = file, .d = d };
	if (len < PCILU_FDT_HDR_SIZE) {
		pcilu_diag_add(d, PCILU_ERROR, file, 0, -1, "truncated: %zu bytes, a device tree header alone is %u",
			       len, PCILU_FDT_HDR_SIZE);
		return -EINVAL;
	}
	if (pcilu_be32(b) != PCILU_FDT_MAGIC) {
		pcilu_diag_add(d, PCILU_ERROR, file, 0, 0, "not a flattened device tree (bad magic %#x)",
			       pcilu_be32(b));
		return -EINVAL;
	}
	total = pcilu_be32(b + PCILU_FDTH_TOTALSIZE);
	if (total != len) {
		pcilu_diag_add(d, PCILU_ERROR, file, 0, 4, "%s: the header says %u bytes, the file has %zu",
			       total > len ? "truncated" : "trailing bytes", total, len);
		return -EINVAL;
	}
	/* pcilu writes version 17 (last compatible 16) only; older layouts lack size_dt_strings. */
	if (pcilu_be32(b + PCILU_FDTH_VERSION) < 16 || pcilu_be32(b + PCILU_FDTH_LAST_COMP) > 17) {
		pcilu_diag_add(d, PCILU_ERROR, file, 0, 20,
			       "device tree version %u (last compatible %u); pcilu reads version 16 or 17",
			       pcilu_be32(b + PCILU_FDTH_VERSION), pcilu_be32(b + PCILU_FDTH_LAST_COMP));
		return -EINVAL;
	}
	return check_blocks(s);
}

static uint32_t tag_align(uint32_t off)
{
	return (off + 3) & ~3u;
}

static int begin_node(struct pcilu_fdt_scan *s, struct pcilu_fdt_tok *t)
{
	const char *name = (const char *)s->blob + s->st + t->off + 4;
	const char *nul = memchr(name, '\0', s->st_size - t->off - 4);

	if (!nul)
		return corrupt(s, (long)s->st + t->off, "a node name runs past the end of the structure block");
	t->name = name;
	t->len = (uint32_t)(nul - name);
	t->depth = ++s->depth;
	if (t->depth == 1 && t->len)
		return corrupt(s, (long)s->st + t->off, "the root node has a name, \"%.64s\"", name);
	s->child_seen = false;
	s->next = tag_align(t->off + 4 + t->len + 1);
	return 0;
}

static int end_node(struct pcilu_fdt_scan *s, struct pcilu_fdt_tok *t)
{
	t->depth = s->depth--;
	s->done = s->depth == 0;
	s->child_seen = true;	/* the parent, open again, has had a child */
	s->next = t->off + 4;
	return 0;
}

/*
 * Whether the name at @nameoff was found terminated before (and remember it
 * if not: the caller checks it next). Names are shared, so a manifest's
 * thousands of properties use a few dozen offsets; a small cache keeps the
 * search of each name for its NUL to once.
 */
static bool name_known(struct pcilu_fdt_scan *s, uint32_t nameoff)
{
	/* By offset: pcilu's strings block (~330 bytes) fits the cache without a collision. */
	uint32_t *slot = &s->names[nameoff & ((1u << PCILU_FDT_NAME_SLOTS_LOG2) - 1)];

	if (*slot == nameoff + 1)
		return true;
	*slot = nameoff + 1;
	return false;
}

static int property(struct pcilu_fdt_scan *s, struct pcilu_fdt_tok *t)
{
	const uint8_t *p = s->blob + s->st + t->off;
	long at = (long)s->st + t->off;
	uint32_t nameoff;

	if (s->child_seen)
		return corrupt(s, at, "a property after a child node (properties come first)");
	if (s->st_size - t->off < 12)
		return corrupt(s, at, "a property header runs past the end of the structure block");
	t->len = pcilu_be32(p + 4);
	nameoff = pcilu_be32(p + 8);
	if (t->len > s->st_size - t->off - 12)
		return corrupt(s, at, "a property of %u bytes runs past the end of the structure block", t->len);
	if (nameoff >= s->str_size)
		return corrupt(s, at, "a property name at %#x lies outside the strings block (%u bytes)", nameoff,
			       s->str_size);
	t->name = (const char *)s->blob + s->str + nameoff;
	if (!name_known(s, nameoff) && !memchr(t->name, '\0', s->str_size - nameoff))
		return corrupt(s, at, "a property name at %#x runs past the end of the strings block", nameoff);
	t->val = p + 12;
	t->depth = s->depth;
	s->next = tag_align(t->off + 12 + t->len);
	return 0;
}

int pcilu_fdt_scan_next(struct pcilu_fdt_scan *s, struct pcilu_fdt_tok *t)
{
	for (;;) {
		long at = (long)s->st + s->next;

		/* Each kind of tag sets the fields it has; the others are cleared here, not the whole token. */
		t->name = NULL;
		t->val = NULL;
		t->len = 0;
		t->depth = s->depth;
		t->off = s->next;
		if (s->st_size < 4 || t->off > s->st_size - 4)
			return corrupt(s, (long)s->st + s->st_size, "the structure block ends without FDT_END");
		t->tag = pcilu_be32(s->blob + at);
		if (t->off == 0 && t->tag != PCILU_FDT_BEGIN_NODE)
			return corrupt(s, at, "the structure block starts with tag %#x, not the root node", t->tag);
		if (s->done && t->tag != PCILU_FDT_END)
			return corrupt(s, at, "tag %#x after the root node (there is one root node)", t->tag);
		switch (t->tag) {
		case PCILU_FDT_NOP:
			s->next = t->off + 4;
			continue;
		case PCILU_FDT_BEGIN_NODE:
			return begin_node(s, t);
		case PCILU_FDT_END_NODE:
			return end_node(s, t);
		case PCILU_FDT_PROP:
			return property(s, t);
		case PCILU_FDT_END:
			if (s->depth)
				return corrupt(s, at, "FDT_END inside a node, %u level(s) deep", s->depth);
			return 0;
		default:
			return corrupt(s, at, "unknown tag %#x", t->tag);
		}
	}
}
