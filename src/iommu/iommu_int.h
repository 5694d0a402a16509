/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the iommu layer. */
#ifndef PCILU_IOMMU_INT_H
#define PCILU_IOMMU_INT_H

#include "../pci/pci_int.h"
#include <pcilu/iommu.h>

/* Kernel quirk-answer convention: -ENOTTY (no answer), 0 (not enabled), 1 (enabled). */
#define QUIRK_NO_ANSWER	(-1)

/* pci_dev->dev_flags bits that matter for grouping, include/linux/pci.h, 7.2 */
#define DEVF_PCIE_BRIDGE_ALIAS	0x01	/* PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS */
#define DEVF_BRIDGE_XLATE_ROOT	0x02	/* PCI_DEV_FLAGS_BRIDGE_XLATE_ROOT */
#define DEVF_PCI_BRIDGE_NO_ALIAS 0x04	/* PCI_DEV_FLAGS_PCI_BRIDGE_NO_ALIAS */
#define DEVF_ACS_ENABLED_QUIRK	0x08	/* PCI_DEV_FLAGS_ACS_ENABLED_QUIRK (set when probed) */
#define DEVF_SPT		0x10	/* Sunrise Point dword ACS layout applies */
#define DEVF_ACS_UNKNOWN	0x20	/* extended space not readable: ACS unknown */
#define DEVF_PCH		0x40	/* Intel PCH list-A root port */
#define DEVF_MMIO_ALIAS		0x80	/* DMA aliases read from MMIO at run time (Switchtec NTB): unknown */

/*
 * The PCI Express type as the kernel sees it: set_pcie_port_type() of 7.2
 * clears the type field when it "corrects" a port, so such a port reads as
 * an endpoint (type 0) to every later test (drivers/pci/probe.c).
 */
static inline unsigned pcilu_ktype(const struct pcilu_dev *d)
{
	unsigned raw = (d->pcie_flags & PCI_EXP_FLAGS_TYPE) >> 4;

	return raw == d->pcie_type ? raw : PCI_EXP_TYPE_ENDPOINT;
}

/* Per-device state a probe changes: before its own probe vs. after. */
struct acs_state {
	uint16_t ctrl;		/* standard ACS Control word */
	uint32_t spt_ctrl;	/* Sunrise Point dword control at cap + 8 */
	bool pch_flag;		/* PCI_DEV_FLAGS_ACS_ENABLED_QUIRK */
};

struct pcilu_iommu {
	const struct pcilu_topology *t;
	const struct pcilu_policy *p;
	bool iommu_on;
	uint8_t kminor;		/* the 7.x release whose quirk tables apply (2 or 3) */
	uint8_t iommu_from;	/* enum pcilu_fact_origin: what says whether it is on */
	size_t n;
	uint8_t *devf;		/* DEVF_* */
	int16_t *acs_quirk;	/* first pcilu_acs_quirks[] entry for the device's ids, -1 none (acs.c) */
	uint8_t *fw_alias;	/* 1: a DMA alias came from the IVRS table, not a quirk (coverage.c) */
	uint16_t *acs_cap;	/* capability after pci_disable_broken_acs_cap() */
	uint32_t *spt_cap;	/* Sunrise Point dword capability */
	struct acs_state *pre, *post;	/* before / after pci_enable_acs() ran for it */
	int32_t *alias_idx;	/* index into alias_masks, or PCILU_NONE */
	uint64_t (*alias_masks)[4];
	size_t nalias;
	int32_t *real_dma;	/* pci_real_dma_dev(), itself by default */
	uint8_t *bus_has_alias;	/* some device on the bus has a mask or a real-DMA link */
	/* Linear lookups: devices per bus and per (bus, slot), each in probe order. */
	int32_t *bus_head, *bus_next;
	int32_t *slot_head, *slot_next;	/* slot_head[bus * 32 + slot] */
	/* Probe state */
	int32_t probing;	/* index being probed; devices <= probing use post */
	int32_t *group;		/* group id per device, PCILU_NONE */
	uint8_t *untr;		/* enum pcilu_untranslated per device, 0: an IOMMU translates it */
	struct pcilu_reason *join;
	uint8_t cur_flags;	/* flags accumulated during one pci_device_group() */
	int8_t *path_memo;	/* pci_acs_path_enabled per bridge: -1 unknown, 0, 1 */
	int32_t *path_fail;
	uint8_t *path_flags;
	struct pcilu_group *groups;
	size_t ngroups, cap_groups;
	struct pcilu_assumption *as;
	size_t nas, cap_as;
	bool oom;
};

/* quirks.c */
struct acs_quirk {
	uint16_t vendor, device;	/* 0xffff = PCI_ANY_ID */
	uint8_t fn;			/* enum acs_quirk_fn */
	uint8_t since;			/* the 7.x release that added it; 0: in 7.2.13 */
};
extern const struct acs_quirk pcilu_acs_quirks[];
/* The DEVF_PCH/DEVF_SPT bits of the pci_dev_acs_ops[] entries that enable ACS on @d. */
uint8_t pcilu_acs_ops_devf(const struct pcilu_dev *d);
extern const size_t pcilu_nacs_quirks;
/* The first pcilu_acs_quirks[] entry for each device (r->acs_quirk), before any ACS query. */
void pcilu_acs_quirk_index(struct pcilu_iommu *r);
int pcilu_dev_specific_acs_enabled(struct pcilu_iommu *r, int32_t dev, uint16_t flags,
				   const struct acs_state *st, struct pcilu_acs_eval *e);
/* The DMA-alias header fixups of every device, in probe order. */
void pcilu_quirk_header_fixups(struct pcilu_iommu *r);
void pcilu_vmd_links(struct pcilu_iommu *r);
int pcilu_add_dma_alias(struct pcilu_iommu *r, int32_t dev, unsigned devfn, unsigned nr);

/* acs.c */
int pcilu_acs_setup(struct pcilu_iommu *r);
struct pcilu_acs_eval pcilu_acs_eval_at(struct pcilu_iommu *r, int32_t dev, uint16_t flags);
void pcilu_assume(struct pcilu_iommu *r, unsigned kind, int32_t dev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* coverage.c: r->untr from the kernel's groups, the firmware's table, or config space. */
/* Which devices an IOMMU translates, and the AMD driver's IVRS aliases (setup_aliases()). */
int pcilu_coverage_run(struct pcilu_iommu *r);

/* cmdline.c */
/* pci_dev_str_match(), drivers/pci/pci.c, 7.2: 1 match, 0 no, -EINVAL unparsable. */
int pcilu_dev_str_match(const struct pcilu_topology *t, int32_t dev, const char *p, const char **end);
/*
 * __pci_config_acs(), drivers/pci/pci.c, 7.2: does @param select @dev, and
 * with which mask/flags. Returns 1 (matched: *mask, *flags set), 0, or
 * -EINVAL (the kernel logs an error and ignores the parameter for @dev).
 */
int pcilu_config_acs_match(const struct pcilu_topology *t, int32_t dev, const char *param,
			   uint16_t fixed_mask, uint16_t fixed_flags, uint16_t *mask, uint16_t *flags);

/* group.c */
int pcilu_groups_run(struct pcilu_iommu *r);

#endif
