/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Synthetic topologies for the liveupdate tests, built from config bytes. */
#ifndef PCILU_TEST_LU_FIXTURE_H
#define PCILU_TEST_LU_FIXTURE_H

#include "../../src/liveupdate/liveupdate_int.h"

struct fx_dev {
	const char *bdf;
	uint16_t vendor, device;
	uint32_t class;
	uint8_t pcie_type;	/* PCI_EXP_TYPE_*; 0xff: conventional PCI */
	bool bridge;
	uint8_t secondary, subordinate;
	bool mfd;
	bool has_acs;
	uint16_t acs_cap, acs_ctrl;
	bool ari_fwd;
	int32_t kgroup;		/* kernel group, -1 none */
	int32_t group;		/* computed group used by the tests */
	uint16_t cfg_len;	/* config bytes readable; 0: all 4096 */
};

#define FX_ACS_ALL (PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

/*
 * The reference host (groups computed by hand, as Linux 7.2 would with ACS
 * SV|RR|CR|UF on every port):
 *   00:01.0 root port (ACS) -> 01:00.0 NVMe endpoint          groups 1, 2
 *   00:02.0 root port (ACS) -> 02:00.0 switch upstream port   groups 3, 4
 *       -> 03:00.0 downstream port (ACS, ARI fwd) -> 04:00.0, 04:00.1 (MFD with ACS)  5, 6, 7
 */
#define FX_REF_COUNT 8
extern const struct fx_dev fx_ref[FX_REF_COUNT];

/* Build a topology from @n devices; groups[] receives each device's fx group. */
struct pcilu_topology *fx_build(const struct fx_dev *devs, size_t n, int32_t **groups);
/* The iommu layer's groups of @t; aborts unless they partition the devices as @hand does. */
void fx_groups(const struct pcilu_topology *t, const int32_t *hand, struct pcilu_lu_iommu *io);
/* Plan + encode the manifest of @bdfs on @t. */
int fx_manifest(const struct pcilu_topology *t, const int32_t *groups, const char *const *bdfs,
		size_t n, void **buf, size_t *len);
int32_t fx_find(const struct pcilu_topology *t, const char *bdf);

/* One check run of the tests: the host, its policy, groups and verdicts (all owned). */
struct fx_run {
	struct pcilu_topology *t;
	int32_t *g;
	struct pcilu_policy p;
	struct pcilu_iommu *r;
	struct pcilu_lu_check *c;
};

void fx_run_free(struct fx_run *x);
/* @bdf's verdict under @profile; fails the test when @bdf was not checked. */
const struct pcilu_lu_verdict *fx_verdict(const struct fx_run *x, const char *bdf, unsigned profile);
/*
 * The words of @r (pcilu_lu_reason_words()): its sentence, or its remedy
 * ("" when it has none). Valid until the eighth call after this one.
 */
const char *fx_text(const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r);
const char *fx_remedy(const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r);

#endif
