// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device quirks that change ACS answers, as data in the kernel's order
 * (drivers/pci/quirks.c, 7.2; the DMA-alias fixups are in alias_quirks.c).
 * The first entry of pci_dev_acs_enabled[] whose handler answers (>= 0)
 * wins, so order matters. Each entry records the release that added it
 * (`since`: 0 = present in 7.2.13, the oldest release pcilu models); a
 * release's tables hold the entries with since <= its minor number.
 */
#include "iommu_int.h"

#include <errno.h>
#include <string.h>

#define ANY 0xffff

enum acs_quirk_fn {
	Q_AMD_SB,		/* pci_quirk_amd_sb_acs() */
	Q_MF_ENDPOINT,		/* pci_quirk_mf_endpoint_acs() */
	Q_RCIEP,		/* pci_quirk_rciep_acs() */
	Q_QCOM_RP,		/* pci_quirk_qcom_rp_acs() */
	Q_INTEL_PCH,		/* pci_quirk_intel_pch_acs() */
	Q_INTEL_SPT,		/* pci_quirk_intel_spt_pch_acs() */
	Q_CAVIUM,		/* pci_quirk_cavium_acs() */
	Q_XGENE,		/* pci_quirk_xgene_acs() */
	Q_BRCM,			/* pci_quirk_brcm_acs() */
	Q_LOONGSON,		/* pci_quirk_loongson_acs() */
	Q_AL,			/* pci_quirk_al_acs() */
	Q_NXP_RP,		/* pci_quirk_nxp_rp_acs() */
	Q_ZHAOXIN,		/* pci_quirk_zhaoxin_pcie_ports_acs() */
	Q_WANGXUN,		/* pci_quirk_wangxun_nic_acs() */
	Q_OVERRIDE,		/* pcie_acs_overrides(), out-of-tree patch */
};

static const char *const quirk_names[] = {
	[Q_AMD_SB] = "pci_quirk_amd_sb_acs",
	[Q_MF_ENDPOINT] = "pci_quirk_mf_endpoint_acs",
	[Q_RCIEP] = "pci_quirk_rciep_acs",
	[Q_QCOM_RP] = "pci_quirk_qcom_rp_acs",
	[Q_INTEL_PCH] = "pci_quirk_intel_pch_acs",
	[Q_INTEL_SPT] = "pci_quirk_intel_spt_pch_acs",
	[Q_CAVIUM] = "pci_quirk_cavium_acs",
	[Q_XGENE] = "pci_quirk_xgene_acs",
	[Q_BRCM] = "pci_quirk_brcm_acs",
	[Q_LOONGSON] = "pci_quirk_loongson_acs",
	[Q_AL] = "pci_quirk_al_acs",
	[Q_NXP_RP] = "pci_quirk_nxp_rp_acs",
	[Q_ZHAOXIN] = "pci_quirk_zhaoxin_pcie_ports_acs",
	[Q_WANGXUN] = "pci_quirk_wangxun_nic_acs",
	[Q_OVERRIDE] = "pcie_acs_overrides (out-of-tree ACS override patch)",
};

/* pci_dev_acs_enabled[], drivers/pci/quirks.c, 7.2, in the kernel's order. */
const struct acs_quirk pcilu_acs_quirks[] = {
	{ 0x1002, 0x4385, Q_AMD_SB, 0 }, { 0x1002, 0x439c, Q_AMD_SB, 0 },
	{ 0x1002, 0x4383, Q_AMD_SB, 0 }, { 0x1002, 0x439d, Q_AMD_SB, 0 },
	{ 0x1002, 0x4384, Q_AMD_SB, 0 }, { 0x1002, 0x4399, Q_AMD_SB, 0 },
	{ 0x1022, 0x780f, Q_AMD_SB, 0 }, { 0x1022, 0x7809, Q_AMD_SB, 0 },
	/* Solarflare */
	{ 0x1924, 0x0903, Q_MF_ENDPOINT, 0 }, { 0x1924, 0x0923, Q_MF_ENDPOINT, 0 },
	{ 0x1924, 0x0a03, Q_MF_ENDPOINT, 0 },
	/* Intel 82598/82599/X540/X550... */
	{ 0x8086, 0x10c6, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x10db, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x10dd, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x10e1, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x10f1, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x10f7, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x10f8, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x10f9, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x10fa, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x10fb, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x10fc, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x1507, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x1514, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x151c, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x1529, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x152a, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x154d, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x154f, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x1551, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x1558, Q_MF_ENDPOINT, 0 },
	/* 82580 */
	{ 0x8086, 0x1509, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x150e, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x150f, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x1510, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x1511, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x1516, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x1527, Q_MF_ENDPOINT, 0 },
	/* 82576 */
	{ 0x8086, 0x10c9, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x10e6, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x10e7, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x10e8, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x150a, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x150d, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x1518, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x1526, Q_MF_ENDPOINT, 0 },
	/* 82575 */
	{ 0x8086, 0x10a7, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x10a9, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x10d6, Q_MF_ENDPOINT, 0 },
	/* I350 */
	{ 0x8086, 0x1521, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x1522, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x1523, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x1524, Q_MF_ENDPOINT, 0 },
	/* 82571 */
	{ 0x8086, 0x105e, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x105f, Q_MF_ENDPOINT, 0 },
	{ 0x8086, 0x1060, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x10d9, Q_MF_ENDPOINT, 0 },
	/* I219 */
	{ 0x8086, 0x15b7, Q_MF_ENDPOINT, 0 }, { 0x8086, 0x15b8, Q_MF_ENDPOINT, 0 },
	{ 0x8086, ANY, Q_RCIEP, 0 },
	/* QCOM QDF2xxx, SA8775P, Hamoa, Glymur root ports; HXT SD4800 */
	{ 0x17cb, 0x0400, Q_QCOM_RP, 0 }, { 0x17cb, 0x0401, Q_QCOM_RP, 0 },
	{ 0x17cb, 0x0115, Q_QCOM_RP, 0 }, { 0x17cb, 0x0111, Q_QCOM_RP, 0 },
	{ 0x17cb, 0x0120, Q_QCOM_RP, 0 }, { 0x1dbf, 0x0401, Q_QCOM_RP, 0 },
	/* Intel PCH root ports */
	{ 0x8086, ANY, Q_INTEL_PCH, 0 },
	{ 0x8086, ANY, Q_INTEL_SPT, 0 },
	{ 0x19a2, 0x0710, Q_MF_ENDPOINT, 0 },	/* Emulex BE3-R */
	{ 0x10df, 0x0720, Q_MF_ENDPOINT, 0 },	/* Emulex Skyhawk-R */
	/* Cavium ThunderX */
	{ 0x177d, ANY, Q_CAVIUM, 0 },
	{ 0x177d, 0xa026, Q_MF_ENDPOINT, 0 }, { 0x177d, 0xa059, Q_MF_ENDPOINT, 0 },
	{ 0x177d, 0xa060, Q_MF_ENDPOINT, 0 },
	/* APM X-Gene, Ampere */
	{ 0x10e8, 0xe004, Q_XGENE, 0 },
	{ 0x1def, 0xe005, Q_XGENE, 0 }, { 0x1def, 0xe006, Q_XGENE, 0 },
	{ 0x1def, 0xe007, Q_XGENE, 0 }, { 0x1def, 0xe008, Q_XGENE, 0 },
	{ 0x1def, 0xe009, Q_XGENE, 0 }, { 0x1def, 0xe00a, Q_XGENE, 0 },
	{ 0x1def, 0xe00b, Q_XGENE, 0 }, { 0x1def, 0xe00c, Q_XGENE, 0 },
	/* Broadcom */
	{ 0x14e4, 0x16d7, Q_MF_ENDPOINT, 0 }, { 0x14e4, 0x1750, Q_MF_ENDPOINT, 0 },
	{ 0x14e4, 0x1751, Q_MF_ENDPOINT, 0 }, { 0x14e4, 0x1752, Q_MF_ENDPOINT, 0 },
	{ 0x14e4, 0x1760, Q_MF_ENDPOINT, 0 }, { 0x14e4, 0x1761, Q_MF_ENDPOINT, 0 },
	{ 0x14e4, 0x1762, Q_MF_ENDPOINT, 0 }, { 0x14e4, 0x1763, Q_MF_ENDPOINT, 0 },
	{ 0x14e4, 0xd714, Q_BRCM, 0 },
	/* Loongson */
	{ 0x0014, 0x3c09, Q_LOONGSON, 0 }, { 0x0014, 0x3c19, Q_LOONGSON, 0 },
	{ 0x0014, 0x3c29, Q_LOONGSON, 0 }, { 0x0014, 0x7a09, Q_LOONGSON, 0 },
	{ 0x0014, 0x7a19, Q_LOONGSON, 0 }, { 0x0014, 0x7a29, Q_LOONGSON, 0 },
	{ 0x0014, 0x7a39, Q_LOONGSON, 0 }, { 0x0014, 0x7a49, Q_LOONGSON, 0 },
	{ 0x0014, 0x7a59, Q_LOONGSON, 0 }, { 0x0014, 0x7a69, Q_LOONGSON, 0 },
	/* Amazon Annapurna Labs */
	{ 0x1c36, 0x0031, Q_AL, 0 },
	/* Zhaoxin multi-function devices */
	{ 0x1d17, 0x3038, Q_MF_ENDPOINT, 0 }, { 0x1d17, 0x3104, Q_MF_ENDPOINT, 0 },
	{ 0x1d17, 0x9083, Q_MF_ENDPOINT, 0 },
	/* NXP LX2xx0/LX2xx2 root ports */
	{ 0x1957, 0x8d81, Q_NXP_RP, 0 }, { 0x1957, 0x8da1, Q_NXP_RP, 0 }, { 0x1957, 0x8d83, Q_NXP_RP, 0 },
	{ 0x1957, 0x8d80, Q_NXP_RP, 0 }, { 0x1957, 0x8da0, Q_NXP_RP, 0 }, { 0x1957, 0x8d82, Q_NXP_RP, 0 },
	{ 0x1957, 0x8d90, Q_NXP_RP, 0 }, { 0x1957, 0x8db0, Q_NXP_RP, 0 }, { 0x1957, 0x8d92, Q_NXP_RP, 0 },
	{ 0x1957, 0x8d91, Q_NXP_RP, 0 }, { 0x1957, 0x8db1, Q_NXP_RP, 0 }, { 0x1957, 0x8d93, Q_NXP_RP, 0 },
	{ 0x1957, 0x8d89, Q_NXP_RP, 0 }, { 0x1957, 0x8da9, Q_NXP_RP, 0 }, { 0x1957, 0x8d8b, Q_NXP_RP, 0 },
	{ 0x1957, 0x8d88, Q_NXP_RP, 0 }, { 0x1957, 0x8da8, Q_NXP_RP, 0 }, { 0x1957, 0x8d8a, Q_NXP_RP, 0 },
	{ 0x1957, 0x8d98, Q_NXP_RP, 0 }, { 0x1957, 0x8db8, Q_NXP_RP, 0 }, { 0x1957, 0x8d9a, Q_NXP_RP, 0 },
	{ 0x1957, 0x8d99, Q_NXP_RP, 0 }, { 0x1957, 0x8db9, Q_NXP_RP, 0 }, { 0x1957, 0x8d9b, Q_NXP_RP, 0 },
	/* Zhaoxin root/downstream ports, Wangxun NICs */
	{ 0x1d17, ANY, Q_ZHAOXIN, 0 },
	{ 0x8088, ANY, Q_WANGXUN, 0 },
	/* The out-of-tree patch appends its catch-all entry last. */
	{ ANY, ANY, Q_OVERRIDE, 0 },
};
const size_t pcilu_nacs_quirks = sizeof(pcilu_acs_quirks) / sizeof(pcilu_acs_quirks[0]);

const char *pcilu_acs_quirk_name(int idx)
{
	if (idx < 0 || (size_t)idx >= pcilu_nacs_quirks)
		return NULL;
	return quirk_names[pcilu_acs_quirks[idx].fn];
}

/* pci_quirk_intel_pch_acs_ids[], drivers/pci/quirks.c, 7.2, as ranges (first, last, step). */
static const struct { uint16_t first, last, step; } pch_ids[] = {
	{ 0x3b42, 0x3b51, 1 },	/* Ibexpeak */
	{ 0x1c10, 0x1c1f, 1 },	/* Cougarpoint */
	{ 0x1e10, 0x1e1f, 1 },	/* Pantherpoint */
	{ 0x8c10, 0x8c1f, 1 },	/* Lynxpoint-H */
	{ 0x9c10, 0x9c1b, 1 },	/* Lynxpoint-LP */
	{ 0x9c90, 0x9c9b, 1 },	/* Wildcat */
	{ 0x1d10, 0x1d1e, 2 },	/* Patsburg: even ids only */
	{ 0x8d10, 0x8d1e, 1 },	/* Wellsburg */
	{ 0x8c90, 0x8c9e, 2 },	/* Lynx Point 9 series: even ids only */
};

static bool is_type(const struct pcilu_dev *d, unsigned type)
{
	return d->pcie_pos && pcilu_ktype(d) == type;
}

/* pci_quirk_intel_pch_acs_match(), drivers/pci/quirks.c, 7.2 */
bool pcilu_quirk_intel_pch_acs_match(const struct pcilu_dev *d)
{
	if (d->vendor != 0x8086 || !is_type(d, PCI_EXP_TYPE_ROOT_PORT))
		return false;
	for (size_t i = 0; i < sizeof(pch_ids) / sizeof(pch_ids[0]); i++)
		if (d->device >= pch_ids[i].first && d->device <= pch_ids[i].last &&
		    (d->device - pch_ids[i].first) % pch_ids[i].step == 0)
			return true;
	return false;
}

/* pci_quirk_intel_spt_pch_acs_match(), drivers/pci/quirks.c, 7.2 */
bool pcilu_quirk_intel_spt_pch_acs_match(const struct pcilu_dev *d)
{
	uint16_t id = d->device;

	if (d->vendor != 0x8086 || !is_type(d, PCI_EXP_TYPE_ROOT_PORT))
		return false;
	return (id >= 0xa110 && id <= 0xa11f) || (id >= 0xa167 && id <= 0xa16a) ||
	       (id >= 0xa290 && id <= 0xa29f) || (id >= 0xa2e7 && id <= 0xa2ee) ||
	       (id >= 0x9d10 && id <= 0x9d1b);
}

/*
 * pci_dev_acs_ops[], drivers/pci/quirks.c, 7.2: the quirks that *enable*
 * ACS (pci_dev_acs_enabled[] above only answers whether it is on), in the
 * kernel's order. @devf tells acs.c which enable handler it models.
 * pci_need_dev_specific_enable_acs() (liveupdate next, after "PCI: Refactor
 * matching logic for pci_dev_acs_ops") is true when an entry's ids and
 * match function accept the device; inferred: the SPT entry's acs_cap test
 * is part of enabling, not of matching.
 */
static const struct acs_op {
	uint16_t vendor, device;	/* ANY = PCI_ANY_ID */
	bool (*match)(const struct pcilu_dev *d);
	uint8_t devf;
	const char *name;
} acs_ops[] = {
	{ 0x8086, ANY, pcilu_quirk_intel_pch_acs_match, DEVF_PCH, "pci_quirk_enable_intel_pch_acs" },
	{ 0x8086, ANY, pcilu_quirk_intel_spt_pch_acs_match, DEVF_SPT, "pci_quirk_enable_intel_spt_pch_acs" },
};

static bool acs_op_matches(const struct acs_op *o, const struct pcilu_dev *d)
{
	return (o->vendor == ANY || o->vendor == d->vendor) &&
	       (o->device == ANY || o->device == d->device) && o->match(d);
}

const char *pcilu_acs_ops_match(const struct pcilu_dev *d)
{
	for (size_t i = 0; i < sizeof(acs_ops) / sizeof(acs_ops[0]); i++)
		if (acs_op_matches(&acs_ops[i], d))
			return acs_ops[i].name;
	return NULL;
}

uint8_t pcilu_acs_ops_devf(const struct pcilu_dev *d)
{
	uint8_t f = 0;

	for (size_t i = 0; i < sizeof(acs_ops) / sizeof(acs_ops[0]); i++)
		if (acs_op_matches(&acs_ops[i], d))
			f |= acs_ops[i].devf;
	return f;
}

/* pci_acs_ctrl_enabled(), drivers/pci/quirks.c, 7.2 */
static int provides(struct pcilu_acs_eval *e, uint16_t req, uint16_t ena)
{
	e->req = req;
	e->missing = (uint16_t)(req & ~ena);
	return e->missing == 0;
}

static bool zhaoxin_port_id(uint16_t id)
{
	return (id >= 0x0710 && id <= 0x071e) || id == 0x0721 || (id >= 0x0723 && id <= 0x0752);
}

static bool wangxun_id(uint16_t id)
{
	static const uint16_t ids[] = { 0x1001, 0x2001, 0x5010, 0x5025, 0x5040, 0x5110, 0x5125, 0x5140 };

	if (id >= 0x0100 && id <= 0x010f)
		return true;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* pcie_acs_overrides() of the out-of-tree patch (lkml.org/lkml/2013/5/30/513 and its Proxmox copy) */
static int quirk_override(struct pcilu_iommu *r, const struct pcilu_dev *d, int32_t dev,
			  struct pcilu_acs_eval *e)
{
	const struct pcilu_acs_override *o = &r->p->override;

	if (!o->enabled || (!d->pcie_pos && !d->caps_unknown))
		return QUIRK_NO_ANSWER;
	if (r->devf[dev] & DEVF_ACS_UNKNOWN)
		e->flags |= PCILU_RF_UNKNOWN;	/* the patch would see a capability we cannot */
	else if (d->acs_pos)
		return QUIRK_NO_ANSWER;
	for (unsigned i = 0; i < o->nids; i++)
		if (o->vendor[i] == d->vendor && o->device[i] == d->device)
			return 1;
	switch (pcilu_ktype(d)) {
	case PCI_EXP_TYPE_DOWNSTREAM:
	case PCI_EXP_TYPE_ROOT_PORT:
		return o->downstream ? 1 : QUIRK_NO_ANSWER;
	case PCI_EXP_TYPE_ENDPOINT:
	case PCI_EXP_TYPE_UPSTREAM:
	case PCI_EXP_TYPE_LEG_END:
	case PCI_EXP_TYPE_RC_END:
		return o->multifunction && d->multifunction ? 1 : QUIRK_NO_ANSWER;
	}
	return QUIRK_NO_ANSWER;
}

static int quirk_spt(struct pcilu_iommu *r, int32_t dev, uint16_t flags,
		     const struct acs_state *st, struct pcilu_acs_eval *e)
{
	const struct pcilu_dev *d = &r->t->devs[dev];

	if (!pcilu_quirk_intel_spt_pch_acs_match(d))
		return QUIRK_NO_ANSWER;
	if (!d->acs_pos) {
		if (r->devf[dev] & DEVF_ACS_UNKNOWN)
			e->flags |= PCILU_RF_UNKNOWN;
		return QUIRK_NO_ANSWER;
	}
	/* Same masking as pci_acs_flags_enabled(), on the dword registers. */
	flags &= (uint16_t)(r->spt_cap[dev] | PCI_ACS_EC);
	e->cap = (uint16_t)r->spt_cap[dev];
	e->ctrl = (uint16_t)st->spt_ctrl;
	return provides(e, flags, (uint16_t)st->spt_ctrl);
}

static int call_quirk(struct pcilu_iommu *r, int32_t dev, unsigned fn, uint16_t flags,
		      const struct acs_state *st, struct pcilu_acs_eval *e)
{
	const struct pcilu_dev *d = &r->t->devs[dev];
	const uint16_t req = PCILU_REQ_ACS_FLAGS;

	switch (fn) {
	case Q_AMD_SB:
		if (!d->multifunction || !pcilu_is_root_bus(&r->t->buses[d->bus_idx]) || !r->iommu_on)
			return QUIRK_NO_ANSWER;
		e->flags |= PCILU_RF_ASSUMED;	/* needs the ACPI IVRS table */
		return provides(e, flags & (PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_EC | PCI_ACS_DT),
				PCI_ACS_RR | PCI_ACS_CR);
	case Q_MF_ENDPOINT:
		return provides(e, flags, PCI_ACS_SV | PCI_ACS_TB | PCI_ACS_RR | PCI_ACS_CR |
				PCI_ACS_UF | PCI_ACS_DT);
	case Q_RCIEP:
		if (!is_type(d, PCI_EXP_TYPE_RC_END))
			return QUIRK_NO_ANSWER;
		return provides(e, flags, req);
	case Q_INTEL_PCH:
		if (!pcilu_quirk_intel_pch_acs_match(d))
			return QUIRK_NO_ANSWER;
		e->flags |= PCILU_RF_ASSUMED;
		return provides(e, flags, st->pch_flag ? req : 0);
	case Q_INTEL_SPT:
		return quirk_spt(r, dev, flags, st, e);
	case Q_CAVIUM:
		if (!is_type(d, PCI_EXP_TYPE_ROOT_PORT) ||
		    !((d->device >= 0xa000 && d->device <= 0xa7ff) || d->device == 0xaf84 ||
		      d->device == 0xb884))
			return QUIRK_NO_ANSWER;
		return provides(e, flags, req);
	case Q_QCOM_RP:
	case Q_XGENE:
	case Q_BRCM:
	case Q_LOONGSON:
	case Q_NXP_RP:
		return provides(e, flags, req);
	case Q_AL:
		/* pci_pcie_type() of a non-PCIe device reads 0, never a root port */
		if (!is_type(d, PCI_EXP_TYPE_ROOT_PORT))
			return QUIRK_NO_ANSWER;
		return provides(e, flags, req);
	case Q_ZHAOXIN:
		if (!is_type(d, PCI_EXP_TYPE_ROOT_PORT) && !is_type(d, PCI_EXP_TYPE_DOWNSTREAM))
			return QUIRK_NO_ANSWER;
		return provides(e, flags, zhaoxin_port_id(d->device) ? req : 0);
	case Q_WANGXUN:
		return provides(e, flags, wangxun_id(d->device) ? req : 0);
	case Q_OVERRIDE:
		return quirk_override(r, d, dev, e);
	}
	return QUIRK_NO_ANSWER;
}

static bool acs_quirk_matches(const struct pcilu_iommu *r, const struct acs_quirk *q, const struct pcilu_dev *d)
{
	return q->since <= r->kminor && (q->vendor == ANY || q->vendor == d->vendor) &&
	       (q->device == ANY || q->device == d->device);
}

/*
 * Where pci_dev_specific_acs_enabled() starts for each device: the first
 * entry for its ids, found once, not on each of the dozens of ACS queries a
 * device gets (the table has over a hundred entries).
 */
void pcilu_acs_quirk_index(struct pcilu_iommu *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct pcilu_dev *d = &r->t->devs[i];

		/* the answer depends on the ids only, and a PF's VFs, probed together, share them */
		if (i && d->vendor == d[-1].vendor && d->device == d[-1].device) {
			r->acs_quirk[i] = r->acs_quirk[i - 1];
			continue;
		}
		r->acs_quirk[i] = -1;
		for (size_t k = 0; k < pcilu_nacs_quirks; k++)
			if (acs_quirk_matches(r, &pcilu_acs_quirks[k], d)) {
				r->acs_quirk[i] = (int16_t)k;
				break;
			}
	}
}

/* pci_dev_specific_acs_enabled(), drivers/pci/quirks.c, 7.2 */
int pcilu_dev_specific_acs_enabled(struct pcilu_iommu *r, int32_t dev, uint16_t flags,
				   const struct acs_state *st, struct pcilu_acs_eval *e)
{
	const struct pcilu_dev *d = &r->t->devs[dev];

	if (r->acs_quirk[dev] < 0)
		return QUIRK_NO_ANSWER;
	for (size_t i = (size_t)r->acs_quirk[dev]; i < pcilu_nacs_quirks; i++) {
		const struct acs_quirk *q = &pcilu_acs_quirks[i];
		int ret;

		if (!acs_quirk_matches(r, q, d))
			continue;
		ret = call_quirk(r, dev, q->fn, flags, st, e);
		if (ret >= 0) {
			e->quirk = (int16_t)i;
			e->why = ret ? PCILU_ACSW_QUIRK_YES : PCILU_ACSW_QUIRK_NO;
			e->enabled = ret;
			if (ret)
				e->flags |= q->fn == Q_OVERRIDE ? PCILU_RF_OVERRIDE : PCILU_RF_DEV_QUIRK;
			return ret;
		}
	}
	return QUIRK_NO_ANSWER;
}

/* vmd_ids[], drivers/pci/controller/vmd.c, 7.2 */
static const uint16_t vmd_ids[] = { 0x201d, 0x28c0, 0x467f, 0x4c3d, 0xa77f, 0x7d0b, 0xad0b,
				    0x9a0b, 0xb60b, 0xb06f, 0xb07f };

static bool is_vmd(const struct pcilu_dev *d)
{
	if (d->vendor != 0x8086)
		return false;
	for (size_t i = 0; i < sizeof(vmd_ids) / sizeof(vmd_ids[0]); i++)
		if (vmd_ids[i] == d->device)
			return true;
	return false;
}

/*
 * pci_real_dma_dev(), arch/x86/pci/common.c: devices of a VMD domain DMA as
 * the VMD endpoint. Config space does not say which endpoint created which
 * domain; vmd_find_free_domain() hands out 0x10000, 0x10001, ... in probe
 * order, so the k-th VMD endpoint is assumed to own the k-th VMD domain.
 */
void pcilu_vmd_links(struct pcilu_iommu *r)
{
	const struct pcilu_topology *t = r->t;
	int32_t vmds[64];
	size_t nv = 0;
	uint32_t doms[64];
	size_t nd = 0;

	for (size_t i = 0; i < t->ndevs && nv < 64; i++)
		if (is_vmd(&t->devs[i]) && t->devs[i].seg < 0x10000)
			vmds[nv++] = (int32_t)i;
	for (size_t i = 0; i < t->ndevs; i++) {
		uint32_t s = t->devs[i].seg;
		size_t k;

		if (s < 0x10000)
			continue;
		for (k = 0; k < nd && doms[k] != s; k++)
			;
		if (k == nd && nd < 64)
			doms[nd++] = s;
	}
	if (!nd)
		return;
	for (size_t a = 1; a < nd; a++)	/* domains ascending */
		for (size_t b = a; b > 0 && doms[b - 1] > doms[b]; b--) {
			uint32_t x = doms[b];

			doms[b] = doms[b - 1];
			doms[b - 1] = x;
		}
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];
		size_t k;

		if (d->seg < 0x10000)
			continue;
		for (k = 0; k < nd && doms[k] != d->seg; k++)
			;
		if (k < nv) {
			r->real_dma[i] = vmds[k];
			r->bus_has_alias[d->bus_idx] = 1;
			r->bus_has_alias[t->devs[vmds[k]].bus_idx] = 1;
		}
	}
	for (size_t k = 0; k < nd; k++) {
		char a[24];

		if (k < nv)
			pcilu_assume(r, PCILU_AS_VMD, vmds[k],
				     "domain %04x is assumed to belong to the VMD controller %s (the %zu. VMD "
				     "endpoint in probe order); its devices share that controller's group",
				     doms[k], pcilu_bdf(&t->devs[vmds[k]], a, sizeof(a)), k + 1);
		else
			pcilu_assume(r, PCILU_AS_VMD, PCILU_NONE,
				     "domain %04x looks like a VMD domain but no VMD endpoint is left to own it; "
				     "its devices are grouped as if they had no real DMA device",
				     doms[k]);
	}
}
