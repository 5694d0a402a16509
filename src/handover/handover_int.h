/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the handover layer (manifest, verify, LUO client, kexec, plan). */
#ifndef PCILU_HANDOVER_INT_H
#define PCILU_HANDOVER_INT_H

#include "../liveupdate/liveupdate_int.h"
#include <pcilu/handover.h>

/* Node names: "pci-0000-00-01.0" (":" is not allowed in FDT names; "@" asks dtc for a reg). */
#define PCILU_MANIFEST_NODE_NAME_LEN 24
/* The node name of @a into @buf (PCILU_MANIFEST_NODE_NAME_LEN bytes); returns its length. */
size_t pcilu_manifest_node_name(struct pcilu_lu_addr a, char *buf);

/* The verify checks, split by theme (verify.c, verify_group.c). */
int pcilu_verify_add(struct pcilu_verify *v, enum pcilu_drift_kind kind, struct pcilu_lu_addr addr,
		     long cause, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define PCILU_DRIFT_BIT(k) (1u << (k))
/* Drifts of registers or identity, the usual causes of isolation drifts. */
#define PCILU_CONFIG_DRIFTS (PCILU_DRIFT_BIT(PCILU_DRIFT_MISSING) | PCILU_DRIFT_BIT(PCILU_DRIFT_IDS) | \
			     PCILU_DRIFT_BIT(PCILU_DRIFT_BUS_NUMBERS) | PCILU_DRIFT_BIT(PCILU_DRIFT_ACS_CTRL) | \
			     PCILU_DRIFT_BIT(PCILU_DRIFT_ARI))
/* verify_cause.c: which drift explains another, answered from an index built on the first question. */
struct pcilu_verify_causes;
int pcilu_verify_causes_new(const struct pcilu_manifest *m, struct pcilu_verify_causes **out);
void pcilu_verify_causes_free(struct pcilu_verify_causes *cx);
/* Index of the first primary drift of a kind in @mask on @n (if @self) or a preserved bridge above it; -1. */
long pcilu_verify_find_cause(struct pcilu_verify_causes *cx, const struct pcilu_verify *v,
			     const struct pcilu_manifest_node *n, unsigned mask, bool self);
/* Group checks of one present node (verify_group.c). */
int pcilu_verify_groups(struct pcilu_verify *v, struct pcilu_verify_causes *cx,
			const struct pcilu_manifest_node *n, const struct pcilu_topology *t,
			const struct pcilu_lu_iommu *io, const struct pcilu_lu_gindex *gx,
			int32_t dev, struct pcilu_diag *d);

/* ioctl wrappers: the real syscalls unless a test replaced them. */
int pcilu_luo_sys_ioctl(const struct pcilu_luo_sys *sys, int fd, unsigned long req, void *arg);

/* ---- The flattened device tree as the manifest uses it (devicetree spec 0.4, ch. 5) ---- */

#define PCILU_FDT_MAGIC		0xd00dfeedu
#define PCILU_FDT_HDR_SIZE	40u	/* the version 17 header */
#define PCILU_FDT_VERSION	17u
#define PCILU_FDT_LAST_COMP	16u
#define PCILU_FDT_BEGIN_NODE	1u
#define PCILU_FDT_END_NODE	2u
#define PCILU_FDT_PROP		3u
#define PCILU_FDT_NOP		4u
#define PCILU_FDT_END		9u

/* Header fields, by byte offset. */
enum {
	PCILU_FDTH_MAGIC = 0, PCILU_FDTH_TOTALSIZE = 4, PCILU_FDTH_OFF_STRUCT = 8, PCILU_FDTH_OFF_STRINGS = 12,
	PCILU_FDTH_OFF_RSVMAP = 16, PCILU_FDTH_VERSION = 20, PCILU_FDTH_LAST_COMP = 24,
	PCILU_FDTH_BOOT_CPU = 28, PCILU_FDTH_SIZE_STRINGS = 32, PCILU_FDTH_SIZE_STRUCT = 36,
};

/* Big-endian cells at any alignment: a blob handed to the reader may sit anywhere. */
static inline uint32_t pcilu_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void pcilu_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* One tag of the structure block as manifest_scan.c read and checked it (NOPs are skipped). */
struct pcilu_fdt_tok {
	uint32_t tag;		/* PCILU_FDT_BEGIN_NODE, _END_NODE, _PROP or _END */
	uint32_t off;		/* of the tag, in the structure block */
	uint32_t depth;		/* of the node begun or ended (the root is 1), or holding the property */
	const char *name;	/* node or property name, NUL-terminated inside the blob */
	uint32_t len;		/* a property's length, a node name's */
	const uint8_t *val;	/* a property's value */
};

#define PCILU_FDT_NAME_SLOTS_LOG2 9

/* A pass over a blob: the header checked by pcilu_fdt_scan_init(), then one tag per pcilu_fdt_scan_next(). */
struct pcilu_fdt_scan {
	const uint8_t *blob;
	size_t len;
	const char *file;
	struct pcilu_diag *d;
	uint32_t st, st_size;		/* structure block: offset in the blob, bytes */
	uint32_t str, str_size;		/* strings block */
	uint32_t next;			/* offset of the next tag in the structure block */
	uint32_t depth;			/* nodes open */
	bool child_seen;		/* the innermost open node has had a child: no property may follow */
	bool done;			/* the root node closed: only FDT_END may follow */
	uint32_t names[1u << PCILU_FDT_NAME_SLOTS_LOG2];	/* name offsets + 1 found terminated */
};

/* Header, size, version and block bounds of @len bytes named @file: 0 or -EINVAL, said in @d. */
int pcilu_fdt_scan_init(struct pcilu_fdt_scan *s, const void *blob, size_t len, const char *file,
			struct pcilu_diag *d);
/* The next tag, checked (bounds, names, nesting): 0, or -EINVAL said in s->d with the tag's offset. */
int pcilu_fdt_scan_next(struct pcilu_fdt_scan *s, struct pcilu_fdt_tok *t);

/* manifest_set.c: across the nodes of a decoded manifest (named @file): 0 or -EINVAL, said in @d. */
int pcilu_manifest_check_set(const struct pcilu_manifest *m, const char *file, struct pcilu_diag *d);

/* manifest_seal.c: crc32 of a manifest blob of @len bytes whose /crc32 value sits at @crc_off (taken as zero). */
uint32_t pcilu_manifest_crc(const void *fdt, size_t len, size_t crc_off);
/* Store the crc32 of a finished blob of @len bytes in its /crc32 value, at @crc_off. */
void pcilu_manifest_seal(uint8_t *fdt, size_t len, size_t crc_off);
/*
 * The seal, before any content is believed: @crc is the root's first "crc32"
 * property (NULL when it has none: read with a warning), @crc_len its length.
 */
int pcilu_manifest_check_crc(const uint8_t *fdt, size_t len, const char *name, const uint8_t *crc,
			     uint32_t crc_len, struct pcilu_diag *d);

#endif
