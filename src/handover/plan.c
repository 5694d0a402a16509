// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * From a topology and the devices to preserve to a manifest: the steps of
 * `pcilu plan`, in one place so that the CLI, the benchmark and the tests
 * run (and time) the same sequence.
 */
#include "handover_int.h"

#include <pcilu/iommu.h>

#include <errno.h>
#include <string.h>

int pcilu_plan(const struct pcilu_topology *t, const struct pcilu_policy *p, unsigned profile,
	       const int32_t *devs, size_t n, bool force, struct pcilu_plan *pl, struct pcilu_diag *d)
{
	struct pcilu_preserve_set set = { 0 };
	struct pcilu_lu_iommu io = { 0 };
	int ret;

	memset(pl, 0, sizeof(*pl));
	if (profile >= PCILU_LU_NPROFILES)
		return -EINVAL;
	/* The preserve set first: a duplicate or a bridge is an input error, not a verdict. */
	ret = pcilu_preserve_set_build(t, devs, n, &set, d);
	ret = ret ?: pcilu_iommu_compute(t, p, &pl->r, d);
	/*
	 * The rules engine's verdicts under the plan's profile, preserved in the
	 * order given; no slot list, which a plan never prints (the words that
	 * name slots build it if a refusal is worded).
	 */
	ret = ret ?: pcilu_lu_check_run_opts(pl->r, p, 1u << profile, devs, n, true, PCILU_LU_NO_SLOTS, &pl->check, d);
	ret = ret ?: pcilu_lu_iommu_use(pl->r, &io);
	if (!ret) {
		pl->refused = !pl->check->eligible;
		pl->built = !pl->refused || force;
	}
	if (pl->built) {
		pl->m.forced = pl->refused;
		ret = pcilu_manifest_build(t, &set, &io, pcilu_lu_profile_name(profile), &pl->m, d);
		ret = ret ?: pcilu_manifest_host_for(&pl->m.host, t, d);
		/* What the verdicts rested on: verify holds the next boot to it. */
		pl->m.host.facts_recorded = true;
		pl->m.host.iommu_on = pl->check->iommu_on;
		pl->m.host.pci_lu = pl->check->kernel.pci_lu;
	}
	pcilu_lu_iommu_release(&io);
	pcilu_preserve_set_free(&set);
	return ret;
}

void pcilu_plan_free(struct pcilu_plan *pl)
{
	pcilu_manifest_free(&pl->m);
	pcilu_lu_check_free(pl->check);
	pcilu_iommu_free(pl->r);
	memset(pl, 0, sizeof(*pl));
}
