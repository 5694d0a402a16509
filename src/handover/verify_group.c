// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Isolation after kexec: no device may have joined a preserved device's IOMMU
 * group, in the computed groups or in the kernel's own (when the source has
 * them). A device that left the group is not a drift: isolation only grew.
 */
#include "handover_int.h"

#include <errno.h>
#include <stdlib.h>

static bool listed(const struct pcilu_lu_addr *list, size_t n, struct pcilu_lu_addr a)
{
	for (size_t i = 0; i < n; i++)
		if (pcilu_lu_addr_eq(list[i], a))
			return true;
	return false;
}

/*
 * The GROUP drift already reported for the same node and joining device, or
 * -1. The node's GROUP drifts are the ones its computed() check added, from
 * @from on: only those are searched, not every drift of the verify.
 */
static long same_join(const struct pcilu_verify *v, size_t from, struct pcilu_lu_addr node,
		      struct pcilu_lu_addr other)
{
	for (size_t i = from; i < v->count; i++)
		if (v->drifts[i].kind == PCILU_DRIFT_GROUP && pcilu_lu_addr_eq(v->drifts[i].addr, node) &&
		    pcilu_lu_addr_eq(v->drifts[i].other, other))
			return (long)i;
	return -1;
}

static int report_joins(struct pcilu_verify *v, struct pcilu_verify_causes *cx,
			const struct pcilu_manifest_node *n, const struct pcilu_lu_addr *ref, size_t nref,
			const struct pcilu_lu_addr *cur, size_t ncur, bool kernel, int32_t kgroup,
			size_t from, size_t *joined)
{
	char a[24], o[24];
	int ret = 0;

	for (size_t i = 0; !ret && i < ncur; i++) {
		long cause;

		if (listed(ref, nref, cur[i]))
			continue;
		(*joined)++;
		pcilu_lu_addr_fmt(n->addr, a, sizeof(a));
		pcilu_lu_addr_fmt(cur[i], o, sizeof(o));
		cause = kernel ? same_join(v, from, n->addr, cur[i]) : -1;
		if (cause < 0)
			cause = pcilu_verify_find_cause(cx, v, n, PCILU_CONFIG_DRIFTS, true);
		if (kernel)
			ret = pcilu_verify_add(v, PCILU_DRIFT_KERNEL_GROUP, n->addr, cause,
					       "%s joined the kernel's IOMMU group %d of %s", o, kgroup, a);
		else
			ret = pcilu_verify_add(v, PCILU_DRIFT_GROUP, n->addr, cause,
					       "%s joined the IOMMU group of %s (it was not in it before kexec)", o, a);
		if (!ret)
			v->drifts[v->count - 1].other = cur[i];
	}
	return ret;
}

static int computed(struct pcilu_verify *v, struct pcilu_verify_causes *cx,
		    const struct pcilu_manifest_node *n, const struct pcilu_topology *t,
		    const struct pcilu_lu_iommu *io, const struct pcilu_lu_gindex *gx, int32_t dev,
		    struct pcilu_diag *d)
{
	struct pcilu_lu_addr *cur;
	size_t ncur, joined = 0;
	char a[24];
	int ret;

	if (!io->group)
		return 0;
	if (!n->group_known) {
		pcilu_diag_add(d, PCILU_NOTE, NULL, 0, -1,
			       "%s: the manifest has no IOMMU group for it; membership not compared",
			       pcilu_lu_addr_fmt(n->addr, a, sizeof(a)));
		return 0;
	}
	ret = pcilu_lu_group_members(t, &gx[0], dev, &cur, &ncur);
	if (ret)
		return ret;
	ret = report_joins(v, cx, n, n->group, n->ngroup, cur, ncur, false, 0, 0, &joined);
	if (!ret && n->role == PCILU_LU_ENDPOINT && ncur > 1 && !joined)
		pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1,
			       "%s is not alone in its IOMMU group, as it was not when the plan was made",
			       pcilu_lu_addr_fmt(n->addr, a, sizeof(a)));
	if (!ret && ncur == 0)
		pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1, "%s has no IOMMU group now",
			       pcilu_lu_addr_fmt(n->addr, a, sizeof(a)));
	free(cur);
	return ret;
}

static int kernel(struct pcilu_verify *v, struct pcilu_verify_causes *cx,
		  const struct pcilu_manifest_node *n, const struct pcilu_topology *t,
		  const struct pcilu_lu_gindex *gx, int32_t dev, size_t from)
{
	const struct pcilu_lu_addr *ref = n->kgroup_known ? n->kgroup : n->group;
	size_t nref = n->kgroup_known ? n->nkgroup : n->ngroup, joined = 0;
	struct pcilu_lu_addr *cur;
	size_t ncur;
	int ret;

	if (!t->has_kernel_groups || t->devs[dev].kernel_group < 0 || (!n->kgroup_known && !n->group_known))
		return 0;
	ret = pcilu_lu_group_members(t, &gx[1], dev, &cur, &ncur);
	if (ret)
		return ret;
	ret = report_joins(v, cx, n, ref, nref, cur, ncur, true, t->devs[dev].kernel_group, from, &joined);
	free(cur);
	return ret;
}

int pcilu_verify_groups(struct pcilu_verify *v, struct pcilu_verify_causes *cx,
			const struct pcilu_manifest_node *n, const struct pcilu_topology *t,
			const struct pcilu_lu_iommu *io, const struct pcilu_lu_gindex *gx,
			int32_t dev, struct pcilu_diag *d)
{
	size_t from = v->count;
	int ret = computed(v, cx, n, t, io, gx, dev, d);

	return ret ?: kernel(v, cx, n, t, gx, dev, from);
}
