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
		A_XLATE_ROOT, A_NO_ALIAS, A_PLX_NTB, A_SWITCHTEC };

#define SWT(id) { 0x11f8, id, ANY, ANY, A_SWITCHTEC, 0 }

static const struct alias_quirk {
	uint16_t vendor, device, sub_vendor, sub_device;	/* ANY = wildcard */
	uint8_t fn;
	uint8_t since;		/* the 7.x release that added it; 0: in 7.2.13 */
} alias_quirks[] = {
	/* quirk_dma_func0_alias(): Ricoh, Glenfly */
	{ 0x1180, 0xe832, ANY, ANY, A_FUNC0, 0 }, { 0x1180, 0xe476, ANY, ANY, A_FUNC0, 0 },
	{ 0x6766, 0x3d40, ANY, ANY, A_FUNC0, 0 }, { 0x6766, 0x3d41, ANY, ANY, A_FUNC0, 0 },
	/* quirk_dma_func1_alias(): Marvell, TTI, JMicron JMB388_ESD, Lite-On Plextor */
	{ 0x1b4b, 0x9120, ANY, ANY, A_FUNC1, 0 }, { 0x1b4b, 0x9123, ANY, ANY, A_FUNC1, 0 },
	{ 0x1b4b, 0x9125, ANY, ANY, A_FUNC1, 0 }, { 0x1b4b, 0x9128, ANY, ANY, A_FUNC1, 0 },
	{ 0x1b4b, 0x9130, ANY, ANY, A_FUNC1, 0 }, { 0x1b4b, 0x9170, ANY, ANY, A_FUNC1, 0 },
	{ 0x1b4b, 0x9172, ANY, ANY, A_FUNC1, 0 }, { 0x1b4b, 0x917a, ANY, ANY, A_FUNC1, 0 },
	{ 0x1b4b, 0x9182, ANY, ANY, A_FUNC1, 0 }, { 0x1b4b, 0x9183, ANY, ANY, A_FUNC1, 0 },
	{ 0x1b4b, 0x91a0, ANY, ANY, A_FUNC1, 0 }, { 0x1b4b, 0x9215, ANY, ANY, A_FUNC1, 0 },
	{ 0x1b4b, 0x9220, ANY, ANY, A_FUNC1, 0 }, { 0x1b4b, 0x9230, ANY, ANY, A_FUNC1, 0 },
	{ 0x1b4b, 0x9235, ANY, ANY, A_FUNC1, 0 },
	{ 0x1103, 0x0642, ANY, ANY, A_FUNC1, 0 }, { 0x1103, 0x0645, ANY, ANY, A_FUNC1, 0 },
	{ 0x197b, 0x2392, ANY, ANY, A_FUNC1, 0 }, { 0x1c28, 0x0122, ANY, ANY, A_FUNC1, 0 },
	/* quirk_fixed_dma_alias(): Adaptec 3405 / 3805 */
	{ 0x9005, 0x0285, 0x9005, 0x02bb, A_FIXED_01_0, 0 },
	{ 0x9005, 0x0285, 0x9005, 0x02bc, A_FIXED_01_0, 0 },
	/* quirk_use_pcie_bridge_dma_alias(): ASMedia, Tundra, ITE, Intel 82801 */
	{ 0x1b21, 0x1080, ANY, ANY, A_PCIE_BRIDGE, 0 }, { 0x10e3, 0x8113, ANY, ANY, A_PCIE_BRIDGE, 0 },
	{ 0x1283, 0x8892, ANY, ANY, A_PCIE_BRIDGE, 0 }, { 0x1283, 0x8893, ANY, ANY, A_PCIE_BRIDGE, 0 },
	{ 0x8086, 0x244e, ANY, ANY, A_PCIE_BRIDGE, 0 },
	/* quirk_mic_x200_dma_alias() */
	{ 0x8086, 0x2260, ANY, ANY, A_MIC_X200, 0 }, { 0x8086, 0x2264, ANY, ANY, A_MIC_X200, 0 },
	/* quirk_pex_vca_alias() */
	{ 0x8086, 0x2954, ANY, ANY, A_PEX_VCA, 0 }, { 0x8086, 0x2955, ANY, ANY, A_PEX_VCA, 0 },
	{ 0x8086, 0x2956, ANY, ANY, A_PEX_VCA, 0 }, { 0x8086, 0x2958, ANY, ANY, A_PEX_VCA, 0 },
	{ 0x8086, 0x2959, ANY, ANY, A_PEX_VCA, 0 }, { 0x8086, 0x295a, ANY, ANY, A_PEX_VCA, 0 },
	/* quirk_bridge_cavm_thrx2_pcie_root() */
	{ 0x14e4, 0x9000, ANY, ANY, A_XLATE_ROOT, 0 }, { 0x14e4, 0x9084, ANY, ANY, A_XLATE_ROOT, 0 },
	/* quirk_aspeed_pci_bridge_no_alias() */
	{ 0x1a03, 0x1150, ANY, ANY, A_NO_ALIAS, 0 },
	/* quirk_plx_ntb_dma_alias() */
	{ 0x10b5, 0x87b0, ANY, ANY, A_PLX_NTB, 0 }, { 0x10b5, 0x87b1, ANY, ANY, A_PLX_NTB, 0 },
	/*
	 * quirk_switchtec_ntb_dma_alias() (class "bridge other" only): the aliases
	 * are the NTB requester IDs read from BAR0 at run time, which no source shows.
	 * Microsemi (SWITCHTEC_QUIRK), then EFAR (SWITCHTEC_PCI100X_QUIRK); 1055:1008
	 * is new in 7.3 (PCI1008XG4).
	 */
	SWT(0x8531), SWT(0x8532), SWT(0x8533), SWT(0x8534), SWT(0x8535), SWT(0x8536), SWT(0x8541),
	SWT(0x8542), SWT(0x8543), SWT(0x8544), SWT(0x8545), SWT(0x8546), SWT(0x8551), SWT(0x8552),
	SWT(0x8553), SWT(0x8554), SWT(0x8555), SWT(0x8556), SWT(0x8561), SWT(0x8562), SWT(0x8563),
	SWT(0x8564), SWT(0x8565), SWT(0x8566), SWT(0x8571), SWT(0x8572), SWT(0x8573), SWT(0x8574),
	SWT(0x8575), SWT(0x8576), SWT(0x4000), SWT(0x4084), SWT(0x4068), SWT(0x4052), SWT(0x4036),
	SWT(0x4028), SWT(0x4100), SWT(0x4184), SWT(0x4168), SWT(0x4152), SWT(0x4136), SWT(0x4128),
	SWT(0x4200), SWT(0x4284), SWT(0x4268), SWT(0x4252), SWT(0x4236), SWT(0x4228), SWT(0x4352),
	SWT(0x4336), SWT(0x4328), SWT(0x4452), SWT(0x4436), SWT(0x4428), SWT(0x4552), SWT(0x4536),
	SWT(0x4528), SWT(0x5000), SWT(0x5084), SWT(0x5068), SWT(0x5052), SWT(0x5036), SWT(0x5028),
	SWT(0x5100), SWT(0x5184), SWT(0x5168), SWT(0x5152), SWT(0x5136), SWT(0x5128), SWT(0x5200),
	SWT(0x5284), SWT(0x5268), SWT(0x5252), SWT(0x5236), SWT(0x5228), SWT(0x5300), SWT(0x5384),
	SWT(0x5368), SWT(0x5352), SWT(0x5336), SWT(0x5328), SWT(0x5400), SWT(0x5484), SWT(0x5468),
	SWT(0x5452), SWT(0x5436), SWT(0x5428), SWT(0x5500), SWT(0x5584), SWT(0x5568), SWT(0x5552),
	SWT(0x5536), SWT(0x5528),
	{ 0x1055, 0x1001, ANY, ANY, A_SWITCHTEC, 0 }, { 0x1055, 0x1002, ANY, ANY, A_SWITCHTEC, 0 },
	{ 0x1055, 0x1003, ANY, ANY, A_SWITCHTEC, 0 }, { 0x1055, 0x1004, ANY, ANY, A_SWITCHTEC, 0 },
	{ 0x1055, 0x1005, ANY, ANY, A_SWITCHTEC, 0 }, { 0x1055, 0x1006, ANY, ANY, A_SWITCHTEC, 0 },
	{ 0x1055, 0x1008, ANY, ANY, A_SWITCHTEC, 3 },
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
	case A_SWITCHTEC:
		/* DECLARE_PCI_FIXUP_CLASS_FINAL(..., PCI_CLASS_BRIDGE_OTHER, 8, ...) */
		if (d->class >> 8 != 0x0680)
			break;
		r->devf[dev] |= DEVF_MMIO_ALIAS;
		pcilu_assume(r, PCILU_AS_MMIO_ALIAS, dev,
			     "Switchtec NTB (quirk_switchtec_ntb_dma_alias()): its DMA aliases are read from BAR0 at "
			     "run time, which config space cannot show; assumed none, so its group may be larger");
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
static bool alias_quirk_matches(const struct pcilu_iommu *r, const struct alias_quirk *q,
				const struct pcilu_dev *d)
{
	return q->since <= r->kminor && q->vendor == d->vendor && q->device == d->device &&
	       (q->sub_vendor == ANY || q->sub_vendor == d->subsys_vendor) &&
	       (q->sub_device == ANY || q->sub_device == d->subsys_device);
}

static bool same_ids(const struct pcilu_dev *a, const struct pcilu_dev *b)
{
	return a->vendor == b->vendor && a->device == b->device &&
	       a->subsys_vendor == b->subsys_vendor && a->subsys_device == b->subsys_device;
}

void pcilu_quirk_header_fixups(struct pcilu_iommu *r)
{
	bool matched = true;

	for (size_t dev = 0; dev < r->n; dev++) {
		const struct pcilu_dev *d = &r->t->devs[dev];

		/* a PF's VFs, probed together, share their ids: no entry for the one, none for the next */
		if (dev && !matched && same_ids(d, d - 1))
			continue;
		matched = false;
		for (size_t i = 0; i < sizeof(alias_quirks) / sizeof(alias_quirks[0]); i++) {
			const struct alias_quirk *q = &alias_quirks[i];

			if (!alias_quirk_matches(r, q, d))
				continue;
			matched = true;
			apply_alias(r, (int32_t)dev, q->fn);
			if (q->fn == A_FIXED_01_0)
				break;	/* pci_match_id() returns the first match only */
		}
	}
}

