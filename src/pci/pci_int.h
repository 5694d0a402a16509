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

/* set_pcie_port_type() correction for mislabelled ports, drivers/pci/probe.c, 7.2 */
void pcilu_fixup_port_type(struct pcilu_dev *dev, const struct pcilu_dev *parent);

/* Build topo->hash from topo->devs. */
int pcilu_hash_build(struct pcilu_topology *t);

#endif
