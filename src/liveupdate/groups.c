// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IOMMU facts for the liveupdate layer, from the iommu layer, and the v4
 * preflight rule that stands in for the rules engine (issue 4) until it
 * lands. The rule is one function so the engine can replace the call.
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pcilu_lu_iommu_compute(const struct pcilu_topology *t, struct pcilu_lu_iommu *io,
			   struct pcilu_diag *d)
{
	int ret;

	memset(io, 0, sizeof(*io));
	io->own_policy = malloc(sizeof(*io->own_policy));
	io->own_group = malloc((t->ndevs ? t->ndevs : 1) * sizeof(*io->own_group));
	if (!io->own_policy || !io->own_group)
		return -ENOMEM;
	pcilu_policy_init(io->own_policy);
	/* ACS as read: plan looks at the running kernel's registers, verify at the new kernel's. */
	ret = t->cmdline ? pcilu_policy_parse_cmdline(io->own_policy, t->cmdline, d) : 0;
	ret = ret ?: pcilu_iommu_compute(t, io->own_policy, &io->own_r, d);
	if (ret)
		return ret;
	for (size_t i = 0; i < t->ndevs; i++)
		io->own_group[i] = pcilu_iommu_group_of(io->own_r, (int32_t)i);
	io->group = io->own_group;
	io->r = io->own_r;
	return 0;
}

void pcilu_lu_iommu_release(struct pcilu_lu_iommu *io)
{
	pcilu_iommu_free(io->own_r);
	if (io->own_policy)
		pcilu_policy_free(io->own_policy);
	free(io->own_policy);
	free(io->own_group);
	memset(io, 0, sizeof(*io));
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

int pcilu_lu_acs_path_ok(const struct pcilu_lu_iommu *io, int32_t up, char *why, size_t len)
{
	struct pcilu_acs_eval e;
	int32_t fail = PCILU_NONE;
	if (pcilu_acs_path_enabled(io->r, up, PCILU_REQ_ACS_FLAGS, &fail, &e))
		return 1;
	if (fail == PCILU_NONE)
		fail = up;
	pcilu_acs_eval_str(io->r, fail, &e, why, len);
	/* An unreadable ACS capability is not a "no": the rule cannot be decided. */
	return (e.flags & PCILU_RF_UNKNOWN) ? -ENODATA : 0;
}

/* pci_device_group_immutable_singleton(), drivers/iommu/iommu.c, PCI v4 08/11 (2026-04) */
int pcilu_lu_preflight_v4(const struct pcilu_topology *t, const struct pcilu_lu_iommu *io,
			  int32_t dev, char *why, size_t len)
{
	const struct pcilu_dev *p = &t->devs[dev];
	char other[24];
	int32_t up, first_other = PCILU_NONE;
	size_t members = 0;

	why[0] = '\0';
	/* pci_liveupdate_preserve(): "Cannot preserve Virtual Functions" */
	if (p->is_virtfn) {
		snprintf(why, len, "is a virtual function; the kernel refuses to preserve VFs");
		return 0;
	}
	if (!io->group || !io->r) {
		snprintf(why, len, "IOMMU groups not computed, so singleton-ness cannot be checked");
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
	char eval[200];
	int ok = pcilu_lu_acs_path_ok(io, up, eval, sizeof(eval));

	if (ok != 1)
		snprintf(why, len, "ACS SV|RR|CR|UF is not enabled on the path to the root: %s", eval);
	return ok;
}
