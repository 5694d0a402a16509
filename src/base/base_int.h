/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal helpers of the base layer, shared by every layer above it. */
#ifndef PCILU_BASE_INT_H
#define PCILU_BASE_INT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pcilu/base.h>

#include <stdio.h>
#include <sys/types.h>

/* Little-endian loads from config bytes the caller has bounds-checked. */
static inline uint16_t pcilu_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t pcilu_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void pcilu_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void pcilu_put32(uint8_t *p, uint32_t v)
{
	pcilu_put16(p, (uint16_t)v);
	pcilu_put16(p + 2, (uint16_t)(v >> 16));
}

/* crc32.c: zlib's crc32_z(@crc, @data, @len), folded with PCLMULQDQ where the CPU has it. */
uint32_t pcilu_crc32(uint32_t crc, const void *data, size_t len);

/*
 * Open @name (relative to @dirfd, or AT_FDCWD) for reading only if it is a
 * regular file: opened non-blocking, so a FIFO cannot hang the open, then
 * fstat'ed. Returns the fd, or a negative errno; -EFTYPE_PCILU when it is not
 * a regular file, with *kind saying what it is ("a FIFO", "a character device"...).
 * sysfs attributes are regular files, so the live /sys passes.
 */
#define EFTYPE_PCILU	EPROTOTYPE	/* "not a regular file": an errno no open() returns */
int pcilu_open_regular(int dirfd, const char *name, const char **kind, off_t *size);
/*
 * ACS Capability/Control bits 0..6 by their pci_regs.h names (PCI_ACS_SV ...
 * PCI_ACS_DT): the one list the formatter, the JSON and the spec reader use.
 */
#define PCILU_ACS_NFLAGS	7
extern const char *const pcilu_acs_flag_names[PCILU_ACS_NFLAGS];

/* What a mode is, in words, for messages: "a FIFO", "a directory"... */
const char *pcilu_file_kind(unsigned mode);

/* bsearch()'s twin for absent keys: the index of the first element >= @key in sorted @base. */
size_t pcilu_lower_bound(const void *key, const void *base, size_t n, size_t size,
			 int (*cmp)(const void *, const void *));
/* The same over sorted 64-bit keys, inline: for the searches made per bus or per bridge. */
static inline size_t pcilu_lower_u64(const uint64_t *k, size_t n, uint64_t want)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k[mid] < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * @opt (e.g. "CONFIG_PCI_LIVEUPDATE") in the kernel config file @path: 1 set
 * (=y or =m), 0 not set, or a negative errno when the file cannot be read.
 */
int pcilu_kconfig_has(const char *path, const char *opt);

/* Growable byte buffer for output text. */
struct pcilu_buf {
	char *p;
	size_t len, cap;
	bool oom;
};
void pcilu_buf_printf(struct pcilu_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pcilu_buf_free(struct pcilu_buf *b);

#endif
