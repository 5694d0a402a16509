/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the pci layer. */
#ifndef PCILU_PCI_INT_H
#define PCILU_PCI_INT_H

#include "../source/source_int.h"
#include <pcilu/pci.h>

/* pcie_downstream_port(), drivers/pci/pci.h, 7.2 */
static inline bool pcilu_pcie_downstream_port(const struct pcilu_dev *d)
{
	return d->pcie_pos && (d->pcie_type == PCI_EXP_TYPE_ROOT_PORT ||
			       d->pcie_type == PCI_EXP_TYPE_DOWNSTREAM ||
			       d->pcie_type == PCI_EXP_TYPE_PCIE_BRIDGE);
}

/*
 * pci_scan_bridge_extend(), drivers/pci/probe.c, 7.2: bus numbers Linux keeps
 * as firmware left them (else it reconfigures the bridge). A primary bus of 0
 * is the hard-wired case Linux accepts. Unconfigured (0, 0) is not sane either.
 */
static inline bool pcilu_bus_numbers_sane(const struct pcilu_dev *br)
{
	return (br->primary == br->bus || br->primary == 0) &&
	       br->secondary > br->bus && br->subordinate >= br->secondary;
}

/* Report bridges whose bus ranges overlap a sibling's or leave their parent's. */
void pcilu_check_bus_ranges(const struct pcilu_dev *all, size_t n, const char *file,
			    struct pcilu_diag *d);

/* set_pcie_port_type() correction for mislabelled ports, drivers/pci/probe.c, 7.2 */
void pcilu_fixup_port_type(struct pcilu_dev *dev, const struct pcilu_dev *parent);

/* Build topo->hash from topo->devs. */
int pcilu_hash_build(struct pcilu_topology *t);

/* The topology under construction (topology.c builds, buses.c links buses). */
struct pcilu_builder {
	const char *file;
	struct pcilu_diag *d;
	struct pcilu_dev *all;		/* decoded devices, by address */
	size_t nall;
	struct pcilu_bus *buses;	/* by (seg, number) */
	size_t nbuses;
	int32_t *bus_of;		/* all[i] -> buses index */
	int32_t *order;			/* probe order, indices into all */
	size_t norder;
	int32_t *bus_order;		/* visited buses in DFS order */
	size_t nbus_order;
	bool *reached;
};

/*
 * A config space @d alone reads, for a caller that changes it (the
 * simulation): the pooled one may be shared. NULL on ENOMEM.
 */
uint8_t *pcilu_topology_cfg_private(struct pcilu_topology *t, struct pcilu_dev *d);

/* One bus object per (segment, number), bridges linked to the buses they create. */
int pcilu_make_buses(struct pcilu_builder *b);
/* Root buses, the DFS of the kernel's scan, then VFs: fills b->order and b->bus_order. */
int pcilu_walk_buses(struct pcilu_builder *b);

/*
 * names.c: take @text (malloc'd, @len bytes and a NUL) as pci.ids and index
 * it (how a read file and the fuzz target's input come in; the text is freed
 * with @n, or at once on failure). 0, -EINVAL (no NUL, too long) or -ENOMEM.
 */
int pcilu_names_take_text(struct pcilu_names *n, char *text, size_t len);

#endif
