// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Interim pieces that stand in for layers still being written: the IOMMU
 * group provider (until the iommu layer lands) and the v4 preflight rule
 * (until the rules engine of issue 4 lands). Each is one function so it can
 * be swapped without touching the manifest or verify code.
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* pci_acs_flags_enabled(), drivers/pci/pci.c, 7.2 (no device quirks here) */
static bool acs_flags_enabled(const struct pcilu_dev *dev, uint16_t flags)
{
	if (!dev->acs_pos)
		return false;
	flags &= dev->acs_cap | PCI_ACS_EC;
	return (dev->acs_ctrl & flags) == flags;
}

/* pci_acs_enabled(), drivers/pci/pci.c, 7.2, without pci_dev_specific_acs_enabled() */
static bool acs_enabled(const struct pcilu_dev *dev, uint16_t flags)
{
	if (!pcilu_is_pcie(dev))
		return false;
	switch (dev->pcie_type) {
	case PCI_EXP_TYPE_PCIE_BRIDGE:
	case PCI_EXP_TYPE_PCI_BRIDGE:
	case PCI_EXP_TYPE_RC_EC:
		return false;
	case PCI_EXP_TYPE_DOWNSTREAM:
	case PCI_EXP_TYPE_ROOT_PORT:
		return acs_flags_enabled(dev, flags);
	case PCI_EXP_TYPE_ENDPOINT:
	case PCI_EXP_TYPE_UPSTREAM:
	case PCI_EXP_TYPE_LEG_END:
	case PCI_EXP_TYPE_RC_END:
		return dev->multifunction ? acs_flags_enabled(dev, flags) : true;
	default:
		return true;
	}
}

/* pci_acs_path_enabled(start, NULL, flags), drivers/pci/pci.c, 7.2 */
static bool interim_acs_path_enabled(const struct pcilu_topology *t, int32_t start, uint16_t flags)
{
	int32_t cur = start;

	for (unsigned depth = 0; cur != PCILU_NONE && depth < 256; depth++) {
		if (!acs_enabled(&t->devs[cur], flags))
			return false;
		cur = pcilu_upstream_bridge(t, cur);
	}
	return cur == PCILU_NONE;
}

int pcilu_lu_iommu_default(const struct pcilu_topology *t, struct pcilu_lu_iommu *io,
			   int32_t **groups, struct pcilu_diag *d)
{
	memset(io, 0, sizeof(*io));
	*groups = NULL;
	io->acs_path_enabled = interim_acs_path_enabled;
	pcilu_diag_add(d, PCILU_NOTE, NULL, 0, -1,
		       "ACS path checks ignore device-specific ACS quirks (the iommu layer is not in this build yet)");
	if (!t->has_kernel_groups) {
		pcilu_diag_add(d, PCILU_WARN, t->name, 0, -1,
			       "IOMMU groups unknown: this build cannot compute them yet and the source "
			       "does not carry the kernel's groups");
		return 0;
	}
	*groups = malloc((t->ndevs ? t->ndevs : 1) * sizeof(**groups));
	if (!*groups)
		return -ENOMEM;
	for (size_t i = 0; i < t->ndevs; i++)
		(*groups)[i] = t->devs[i].kernel_group < 0 ? PCILU_NONE : t->devs[i].kernel_group;
	io->group = *groups;
	pcilu_diag_add(d, PCILU_NOTE, t->name, 0, -1,
		       "IOMMU groups are the kernel's, read from the source (computed groups need the iommu layer)");
	return 0;
}

int pcilu_lu_group_members(const struct pcilu_topology *t, const int32_t *group, bool kernel,
			   int32_t dev, struct pcilu_lu_addr **out, size_t *n)
{
	int32_t g = kernel ? t->devs[dev].kernel_group : (group ? group[dev] : PCILU_NONE);
	size_t count = 0, k = 0;

	*out = NULL;
	*n = 0;
	if (g < 0)
		return 0;
	for (size_t i = 0; i < t->ndevs; i++)
		count += (kernel ? t->devs[i].kernel_group : group[i]) == g;
	*out = malloc(count * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < t->ndevs; i++)
		if ((kernel ? t->devs[i].kernel_group : group[i]) == g)
			(*out)[k++] = pcilu_lu_addr_of(&t->devs[i]);
	*n = count;
	return 0;
}

static bool path_acs_unknown(const struct pcilu_topology *t, int32_t start, int32_t *where)
{
	for (int32_t cur = start; cur != PCILU_NONE; cur = pcilu_upstream_bridge(t, cur)) {
		const struct pcilu_dev *p = &t->devs[cur];

		if (pcilu_pcie_downstream_port(p) && !p->acs_pos && p->ext_state == PCILU_EXT_UNKNOWN) {
			*where = cur;
			return true;
		}
	}
	return false;
}

/* pci_device_group_immutable_singleton(), drivers/iommu/iommu.c, PCI v4 08/11 (2026-04) */
int pcilu_lu_preflight_v4(const struct pcilu_topology *t, const struct pcilu_lu_iommu *io,
			  int32_t dev, char *why, size_t len)
{
	const struct pcilu_dev *p = &t->devs[dev];
	char other[24];
	int32_t up, where;
	size_t members = 0;
	int32_t first_other = PCILU_NONE;

	why[0] = '\0';
	/* pci_liveupdate_preserve(): "Cannot preserve Virtual Functions" */
	if (p->is_virtfn) {
		snprintf(why, len, "is a virtual function; the kernel refuses to preserve VFs");
		return 0;
	}
	if (!io->group) {
		snprintf(why, len, "IOMMU group unknown, so singleton-ness cannot be checked");
		return -ENODATA;
	}
	if (io->group[dev] < 0) {
		snprintf(why, len, "has no IOMMU group");
		return 0;
	}
	for (size_t i = 0; i < t->ndevs; i++)
		if (io->group[i] == io->group[dev]) {
			members++;
			if ((int32_t)i != dev && first_other == PCILU_NONE)
				first_other = (int32_t)i;
		}
	if (members > 1) {
		snprintf(why, len, "shares its IOMMU group with %zu other device(s), first %s", members - 1,
			 pcilu_bdf(&t->devs[first_other], other, sizeof(other)));
		return 0;
	}
	up = pcilu_upstream_bridge(t, dev);
	if (up == PCILU_NONE)
		return 1;	/* on a root bus: no bridge whose ACS matters */
	if (path_acs_unknown(t, up, &where)) {
		snprintf(why, len, "ACS of %s unknown (extended config space not readable)",
			 pcilu_bdf(&t->devs[where], other, sizeof(other)));
		return -ENODATA;
	}
	if (!io->acs_path_enabled(t, up, PCILU_REQ_ACS_FLAGS)) {
		snprintf(why, len, "ACS SV|RR|CR|UF is not enabled on every port from %s to the root",
			 pcilu_bdf(&t->devs[up], other, sizeof(other)));
		return 0;
	}
	return 1;
}
