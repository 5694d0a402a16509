/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: synthesise config space (header, PCI Express capability,
 * ACS extended capability, bridge bus numbers) and build topologies and
 * groups from it, so each test states its hardware in a few lines.
 */
#ifndef PCILU_TEST_TH_H
#define PCILU_TEST_TH_H

#include <pcilu/iommu.h>

#define TH_NONE	(-1)

struct th_dev {
	const char *bdf;	/* "BB:DD.F" or "DDDD:BB:DD.F" */
	uint16_t ven, dev;	/* ven 0 -> 0x1234 */
	int type;		/* PCI_EXP_TYPE_*; ignored when legacy */
	bool legacy;		/* no PCI Express capability */
	bool mf;		/* header type bit 7 */
	uint8_t sec, sub;	/* bridge bus numbers (type 1 header when sec != 0 or a port) */
	bool acs;		/* ACS capability present */
	uint16_t acs_cap, acs_ctrl;
	bool spt;		/* Sunrise Point dword layout: cap32 @+4, ctrl32 @+8 */
	uint32_t spt_cap, spt_ctrl;
	uint32_t class;		/* base << 16 | sub << 8 | prog-if */
	uint16_t sv, sd;	/* subsystem ids (type 0 only) */
	uint16_t cfg_len;	/* 0 -> 4096 */
	uint32_t dword_f0;	/* value at 0xf0 (Intel LPC RCBA) */
	int kgroup;		/* kernel group, 0 = unknown */
};

struct th {
	struct pcilu_raw_host raw;
	struct pcilu_topology *t;
	struct pcilu_diag d;
	struct pcilu_policy p;
	struct pcilu_iommu *r;
};

void th_init(struct th *h);
void th_add(struct th *h, struct th_dev spec);
/* Build topology and groups; asserts success. */
void th_run(struct th *h);
void th_free(struct th *h);
int32_t th_idx(struct th *h, const char *bdf);
/*
 * Compare the partition with "a,b|c|d,e" (BDFs without domain mean 0000).
 * Returns true when equal; prints both partitions otherwise.
 */
bool th_groups_are(struct th *h, const char *expect);
bool th_same_group(struct th *h, const char *a, const char *b);
/* Exactly the devices in "a,b" ("" none) are in no group, each for reason @why (enum pcilu_untranslated). */
bool th_ungrouped_are(struct th *h, const char *expect, unsigned why);

#endif
