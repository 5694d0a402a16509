/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the handover layer (manifest, verify, LUO client, kexec, plan). */
#ifndef PCILU_HANDOVER_INT_H
#define PCILU_HANDOVER_INT_H

#include "../liveupdate/liveupdate_int.h"
#include <pcilu/handover.h>

/* Node names: "pci-0000-00-01.0" (":" is not allowed in FDT names; "@" asks dtc for a reg). */
#define PCILU_MANIFEST_NODE_NAME_LEN 24
void pcilu_manifest_node_name(struct pcilu_lu_addr a, char *buf, size_t len);

/* The verify checks, split by theme (verify.c, verify_group.c). */
int pcilu_verify_add(struct pcilu_verify *v, enum pcilu_drift_kind kind, struct pcilu_lu_addr addr,
		     long cause, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#define PCILU_DRIFT_BIT(k) (1u << (k))
/* Drifts of registers or identity, the usual causes of isolation drifts. */
#define PCILU_CONFIG_DRIFTS (PCILU_DRIFT_BIT(PCILU_DRIFT_MISSING) | PCILU_DRIFT_BIT(PCILU_DRIFT_IDS) | \
			     PCILU_DRIFT_BIT(PCILU_DRIFT_BUS_NUMBERS) | PCILU_DRIFT_BIT(PCILU_DRIFT_ACS_CTRL) | \
			     PCILU_DRIFT_BIT(PCILU_DRIFT_ARI))
/* Index of the first primary drift of a kind in @mask on @n (if @self) or a preserved bridge above it; -1. */
long pcilu_verify_find_cause(const struct pcilu_verify *v, const struct pcilu_manifest *m,
			     const struct pcilu_manifest_node *n, unsigned mask, bool self);
/* Group checks of one present node (verify_group.c). */
int pcilu_verify_groups(struct pcilu_verify *v, const struct pcilu_manifest *m,
			const struct pcilu_manifest_node *n, const struct pcilu_topology *t,
			const struct pcilu_lu_iommu *io, const struct pcilu_lu_gindex *gx,
			int32_t dev, struct pcilu_diag *d);

/* ioctl wrappers: the real syscalls unless a test replaced them. */
int pcilu_luo_sys_ioctl(const struct pcilu_luo_sys *sys, int fd, unsigned long req, void *arg);

/* manifest_seal.c: crc32 of a manifest blob of @len bytes whose /crc32 value sits at @crc_off (taken as zero). */
uint32_t pcilu_manifest_crc(const void *fdt, size_t len, size_t crc_off);
/* Store the crc32 of a finished blob in its /crc32 (0 or -FDT_ERR_INTERNAL). */
int pcilu_manifest_seal(void *fdt);
/* Header, size, version and structure of @len bytes named @name: 0 or -EINVAL, said in @d. */
int pcilu_manifest_check_container(const void *fdt, size_t len, const char *name, struct pcilu_diag *d);
/* The seal, before any content is believed; a manifest without one is read with a warning. */
int pcilu_manifest_check_crc(const void *fdt, size_t len, const char *name, struct pcilu_diag *d);

#endif
