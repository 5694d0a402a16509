// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * DMA-alias header fixups, drivers/pci/quirks.c (DECLARE_PCI_FIXUP_HEADER and
 * _CLASS_FINAL entries that call pci_add_dma_alias()), as one table. Each
 * entry records the release that added it (`since`: 0 = present in 7.2.13,
 * the oldest release pcilu models; 3 = added in 7.3); the release judged
 * (--kernel-release, else the source's own) selects the entries.
 */
#include "iommu_int.h"

#include <errno.h>
#include <string.h>

#define ANY 0xffff

int pcilu_add_dma_alias(struct pcilu_iommu *r, int32_t dev, unsigned devfn, unsigned nr)
{
	if (r->alias_idx[dev] == PCILU_NONE) {
		if (r->nalias >= r->n)
			return -ENOMEM;
		r->alias_idx[dev] = (int32_t)r->nalias++;
		memset(r->alias_masks[r->alias_idx[dev]], 0, sizeof(r->alias_masks[0]));
	}
	uint64_t *m = r->alias_masks[r->alias_idx[dev]];

	for (unsigned f = devfn; f < devfn + nr && f < 256; f++)
		m[f / 64] |= 1ull << (f % 64);
	r->bus_has_alias[r->t->devs[dev].bus_idx] = 1;
	return 0;
}

/* DMA-alias header fixups, drivers/pci/quirks.c, 7.2 */
enum alias_fn { A_FUNC0, A_FUNC1, A_FIXED_01_0, A_PCIE_BRIDGE, A_MIC_X200, A_PEX_VCA,
		A_XLATE_ROOT, A_NO_ALIAS, A_PLX_NTB };

static const struct alias_quirk {
	uint16_t vendor, device, sub_vendor, sub_device;	/* ANY = wildcard */
	uint8_t fn;
} alias_quirks[] = {
	/* quirk_dma_func0_alias(): Ricoh, Glenfly */
	{ 0x1180, 0xe832, ANY, ANY, A_FUNC0 }, { 0x1180, 0xe476, ANY, ANY, A_FUNC0 },
	{ 0x6766, 0x3d40, ANY, ANY, A_FUNC0 }, { 0x6766, 0x3d41, ANY, ANY, A_FUNC0 },
	/* quirk_dma_func1_alias(): Marvell, TTI, JMicron JMB388_ESD, Lite-On Plextor */
	{ 0x1b4b, 0x9120, ANY, ANY, A_FUNC1 }, { 0x1b4b, 0x9123, ANY, ANY, A_FUNC1 },
	{ 0x1b4b, 0x9125, ANY, ANY, A_FUNC1 }, { 0x1b4b, 0x9128, ANY, ANY, A_FUNC1 },
	{ 0x1b4b, 0x9130, ANY, ANY, A_FUNC1 }, { 0x1b4b, 0x9170, ANY, ANY, A_FUNC1 },
	{ 0x1b4b, 0x9172, ANY, ANY, A_FUNC1 }, { 0x1b4b, 0x917a, ANY, ANY, A_FUNC1 },
	{ 0x1b4b, 0x9182, ANY, ANY, A_FUNC1 }, { 0x1b4b, 0x9183, ANY, ANY, A_FUNC1 },
	{ 0x1b4b, 0x91a0, ANY, ANY, A_FUNC1 }, { 0x1b4b, 0x9215, ANY, ANY, A_FUNC1 },
	{ 0x1b4b, 0x9220, ANY, ANY, A_FUNC1 }, { 0x1b4b, 0x9230, ANY, ANY, A_FUNC1 },
	{ 0x1b4b, 0x9235, ANY, ANY, A_FUNC1 },
	{ 0x1103, 0x0642, ANY, ANY, A_FUNC1 }, { 0x1103, 0x0645, ANY, ANY, A_FUNC1 },
	{ 0x197b, 0x2392, ANY, ANY, A_FUNC1 }, { 0x1c28, 0x0122, ANY, ANY, A_FUNC1 },
	/* quirk_fixed_dma_alias(): Adaptec 3405 / 3805 */
	{ 0x9005, 0x0285, 0x9005, 0x02bb, A_FIXED_01_0 },
	{ 0x9005, 0x0285, 0x9005, 0x02bc, A_FIXED_01_0 },
	/* quirk_use_pcie_bridge_dma_alias(): ASMedia, Tundra, ITE, Intel 82801 */
	{ 0x1b21, 0x1080, ANY, ANY, A_PCIE_BRIDGE }, { 0x10e3, 0x8113, ANY, ANY, A_PCIE_BRIDGE },
	{ 0x1283, 0x8892, ANY, ANY, A_PCIE_BRIDGE }, { 0x1283, 0x8893, ANY, ANY, A_PCIE_BRIDGE },
	{ 0x8086, 0x244e, ANY, ANY, A_PCIE_BRIDGE },
	/* quirk_mic_x200_dma_alias() */
	{ 0x8086, 0x2260, ANY, ANY, A_MIC_X200 }, { 0x8086, 0x2264, ANY, ANY, A_MIC_X200 },
	/* quirk_pex_vca_alias() */
	{ 0x8086, 0x2954, ANY, ANY, A_PEX_VCA }, { 0x8086, 0x2955, ANY, ANY, A_PEX_VCA },
	{ 0x8086, 0x2956, ANY, ANY, A_PEX_VCA }, { 0x8086, 0x2958, ANY, ANY, A_PEX_VCA },
	{ 0x8086, 0x2959, ANY, ANY, A_PEX_VCA }, { 0x8086, 0x295a, ANY, ANY, A_PEX_VCA },
	/* quirk_bridge_cavm_thrx2_pcie_root() */
	{ 0x14e4, 0x9000, ANY, ANY, A_XLATE_ROOT }, { 0x14e4, 0x9084, ANY, ANY, A_XLATE_ROOT },
	/* quirk_aspeed_pci_bridge_no_alias() */
	{ 0x1a03, 0x1150, ANY, ANY, A_NO_ALIAS },
	/* quirk_plx_ntb_dma_alias() */
	{ 0x10b5, 0x87b0, ANY, ANY, A_PLX_NTB }, { 0x10b5, 0x87b1, ANY, ANY, A_PLX_NTB },
};

static void apply_alias(struct pcilu_iommu *r, int32_t dev, unsigned fn)
{
	const struct pcilu_dev *d = &r->t->devs[dev];
	unsigned slot = PCI_SLOT(d->devfn);
	int32_t up;

	switch (fn) {
	case A_FUNC0:
		if (PCI_FUNC(d->devfn) != 0)
			pcilu_add_dma_alias(r, dev, PCI_DEVFN(slot, 0), 1);
		break;
	case A_FUNC1:
		if (PCI_FUNC(d->devfn) != 1)
			pcilu_add_dma_alias(r, dev, PCI_DEVFN(slot, 1), 1);
		break;
	case A_FIXED_01_0:
		pcilu_add_dma_alias(r, dev, PCI_DEVFN(1, 0), 1);
		break;
	case A_PCIE_BRIDGE:
		/* bus->self, not skipping virtual buses: such a bridge is never a VF */
		up = r->t->buses[d->bus_idx].self;
		if (!pcilu_is_root_bus(&r->t->buses[d->bus_idx]) && d->hdr_type == PCI_HEADER_TYPE_BRIDGE &&
		    !d->pcie_pos && up != PCILU_NONE && r->t->devs[up].pcie_pos &&
		    pcilu_ktype(&r->t->devs[up]) != PCI_EXP_TYPE_PCI_BRIDGE)
			r->devf[dev] |= DEVF_PCIE_BRIDGE_ALIAS;
		break;
	case A_MIC_X200:
		pcilu_add_dma_alias(r, dev, PCI_DEVFN(0x10, 0), 1);
		pcilu_add_dma_alias(r, dev, PCI_DEVFN(0x11, 0), 1);
		pcilu_add_dma_alias(r, dev, PCI_DEVFN(0x12, 3), 1);
		break;
	case A_PEX_VCA:
		for (unsigned s = 0; s < 32; s++)
			pcilu_add_dma_alias(r, dev, PCI_DEVFN(s, 0), 5);
		break;
	case A_XLATE_ROOT:
		r->devf[dev] |= DEVF_BRIDGE_XLATE_ROOT;
		break;
	case A_NO_ALIAS:
		r->devf[dev] |= DEVF_PCI_BRIDGE_NO_ALIAS;
		break;
	case A_PLX_NTB:
		pcilu_add_dma_alias(r, dev, 0, 256);
		break;
	}
}

/*
 * Header fixups run at enumeration; they see the vendor/device ids and, for
 * the fixed table, the subsystem ids (pci_match_id()).
 */
void pcilu_quirk_header_fixups(struct pcilu_iommu *r, int32_t dev)
{
	const struct pcilu_dev *d = &r->t->devs[dev];

	for (size_t i = 0; i < sizeof(alias_quirks) / sizeof(alias_quirks[0]); i++) {
		const struct alias_quirk *q = &alias_quirks[i];

		if (q->vendor != d->vendor || q->device != d->device ||
		    (q->sub_vendor != ANY && q->sub_vendor != d->subsys_vendor) ||
		    (q->sub_device != ANY && q->sub_device != d->subsys_device))
			continue;
		apply_alias(r, dev, q->fn);
		if (q->fn == A_FIXED_01_0)
			break;	/* pci_match_id() returns the first match only */
	}
}

