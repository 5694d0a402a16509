// SPDX-License-Identifier: GPL-2.0-or-later
/* The result object: set-up, the run in probe order, and accessors. */
#include "iommu_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void pcilu_iommu_free(struct pcilu_iommu *r)
{
	if (!r)
		return;
	if (r->ngroups && r->groups[0].members) {
		/* One pool for all member lists, one for all reason lists (collect()). */
		free(r->groups[0].members);
		free(r->groups[0].reasons);
	}
	for (size_t i = 0; i < r->nas; i++)
		free(r->as[i].text);
	free(r->groups);
	free(r->as);
	free(r->devf);
	free(r->acs_quirk);
	free(r->fw_alias);
	free(r->acs_cap);
	free(r->spt_cap);
	free(r->pre);
	free(r->post);
	free(r->alias_idx);
	free(r->alias_masks);
	free(r->real_dma);
	free(r->bus_has_alias);
	free(r->bus_head);
	free(r->bus_next);
	free(r->slot_head);
	free(r->slot_next);
	free(r->group);
	free(r->untr);
	free(r->join);
	free(r->path_memo);
	free(r->path_fail);
	free(r->path_flags);
	free(r);
}

static int alloc_arrays(struct pcilu_iommu *r)
{
	size_t n = r->n ? r->n : 1, nb = r->t->nbuses ? r->t->nbuses : 1;

	r->devf = calloc(n, sizeof(*r->devf));
	r->acs_quirk = malloc(n * sizeof(*r->acs_quirk));
	r->fw_alias = calloc(n, sizeof(*r->fw_alias));
	r->acs_cap = calloc(n, sizeof(*r->acs_cap));
	r->spt_cap = calloc(n, sizeof(*r->spt_cap));
	r->pre = calloc(n, sizeof(*r->pre));
	r->post = calloc(n, sizeof(*r->post));
	r->alias_idx = malloc(n * sizeof(*r->alias_idx));
	r->alias_masks = malloc(n * sizeof(*r->alias_masks));
	r->real_dma = malloc(n * sizeof(*r->real_dma));
	r->bus_has_alias = calloc(nb, sizeof(*r->bus_has_alias));
	r->bus_next = malloc(n * sizeof(*r->bus_next));
	r->slot_next = malloc(n * sizeof(*r->slot_next));
	r->group = malloc(n * sizeof(*r->group));
	r->untr = calloc(n, sizeof(*r->untr));
	r->join = calloc(n, sizeof(*r->join));
	r->path_memo = malloc(n * sizeof(*r->path_memo));
	r->path_fail = malloc(n * sizeof(*r->path_fail));
	r->path_flags = calloc(n, sizeof(*r->path_flags));
	if (!r->devf || !r->acs_quirk || !r->fw_alias || !r->acs_cap || !r->spt_cap || !r->pre || !r->post || !r->alias_idx ||
	    !r->alias_masks || !r->real_dma || !r->bus_has_alias || !r->bus_next || !r->slot_next ||
	    !r->group || !r->untr || !r->join || !r->path_memo || !r->path_fail || !r->path_flags)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++) {
		r->alias_idx[i] = PCILU_NONE;
		r->real_dma[i] = (int32_t)i;
		r->group[i] = PCILU_NONE;
		r->path_memo[i] = -1;
		r->path_fail[i] = PCILU_NONE;
	}
	return 0;
}

static void policy_notes(struct pcilu_iommu *r)
{
	const struct pcilu_policy *p = r->p;

	/* Only a default is an assumption; a fact of the source is stated by the caller. */
	if (r->iommu_from == PCILU_FROM_DEFAULT)
		pcilu_assume(r, PCILU_AS_IOMMU_DEFAULT, PCILU_NONE, "an IOMMU is %s",
			     pcilu_fact_origin_text(r->iommu_from, true));
	if (!r->iommu_on)
		pcilu_assume(r, PCILU_AS_IOMMU_OFF, PCILU_NONE,
			     "no IOMMU is on (%s): Linux creates no IOMMU groups and requests no ACS; "
			     "the groups shown are what an IOMMU would get",
			     pcilu_fact_origin_text(r->iommu_from, false));
	if (p->cmdline_override && !p->override.enabled)
		pcilu_assume(r, PCILU_AS_OVERRIDE_IGNORED, PCILU_NONE,
			     "the command line has pcie_acs_override=, which only kernels carrying the "
			     "out-of-tree ACS override patch honour; mainline 7.2 ignores it (use "
			     "--rules acs-override to model such a kernel)");
	if (p->acs == PCILU_ACS_AS_READ)
		pcilu_assume(r, PCILU_AS_NO_FW_VALUE, PCILU_NONE,
			     "ACS Control registers are taken as read; Linux evaluated them at boot, "
			     "so anything that rewrote them since (setpci, resets) is assumed absent");
}

int pcilu_iommu_compute(const struct pcilu_topology *t, const struct pcilu_policy *p,
			struct pcilu_iommu **out, struct pcilu_diag *d)
{
	struct pcilu_iommu *r = calloc(1, sizeof(*r));
	int ret;

	*out = NULL;
	if (!r)
		return -ENOMEM;
	r->t = t;
	r->p = p;
	r->n = t->ndevs;
	r->probing = -1;
	r->iommu_on = pcilu_policy_iommu(p, t, &r->iommu_from);
	r->kminor = (uint8_t)pcilu_policy_kernel_minor(p, t);
	ret = alloc_arrays(r);
	if (!ret) {
		policy_notes(r);
		pcilu_quirk_header_fixups(r);
		pcilu_vmd_links(r);
		ret = pcilu_coverage_run(r);
	}
	if (!ret)
		ret = pcilu_acs_setup(r);
	if (!ret)
		ret = pcilu_groups_run(r);
	if (!ret && r->oom)
		ret = -ENOMEM;
	if (ret) {
		pcilu_diag_add(d, PCILU_ERROR, NULL, 0, -1, "computing IOMMU groups: %s",
			       pcilu_strerror(ret));
		pcilu_iommu_free(r);
		return ret;
	}
	*out = r;
	return 0;
}

size_t pcilu_iommu_ngroups(const struct pcilu_iommu *r)
{
	return r->ngroups;
}

const struct pcilu_group *pcilu_iommu_group(const struct pcilu_iommu *r, int32_t id)
{
	if (id < 0 || (size_t)id >= r->ngroups)
		return NULL;
	return &r->groups[id];
}

int32_t pcilu_iommu_group_of(const struct pcilu_iommu *r, int32_t dev)
{
	if (dev < 0 || (size_t)dev >= r->n)
		return PCILU_NONE;
	return r->group[dev];
}

int32_t pcilu_iommu_real_dma_dev(const struct pcilu_iommu *r, int32_t dev)
{
	if (dev < 0 || (size_t)dev >= r->n)
		return PCILU_NONE;
	return r->real_dma[dev];
}

bool pcilu_iommu_has_dma_alias(const struct pcilu_iommu *r, int32_t dev)
{
	/* A Switchtec NTB has aliases the kernel reads from BAR0: some, unknown which. */
	return dev >= 0 && (size_t)dev < r->n && (r->alias_idx[dev] != PCILU_NONE || (r->devf[dev] & DEVF_MMIO_ALIAS));
}

bool pcilu_iommu_alias_from_firmware(const struct pcilu_iommu *r, int32_t dev)
{
	return dev >= 0 && (size_t)dev < r->n && r->fw_alias[dev];
}

const struct pcilu_reason *pcilu_iommu_join(const struct pcilu_iommu *r, int32_t dev)
{
	if (dev < 0 || (size_t)dev >= r->n)
		return NULL;
	return &r->join[dev];
}

uint16_t pcilu_iommu_acs_ctrl(const struct pcilu_iommu *r, int32_t dev)
{
	if (dev < 0 || (size_t)dev >= r->n || !r->t->devs[dev].acs_pos)
		return 0;
	if (r->devf[dev] & DEVF_SPT)
		return (uint16_t)r->post[dev].spt_ctrl;
	return r->post[dev].ctrl;
}

bool pcilu_iommu_relies_on_quirk(const struct pcilu_iommu *r, int32_t dev)
{
	int32_t g = pcilu_iommu_group_of(r, dev);

	return g != PCILU_NONE && (r->groups[g].flags & (PCILU_RF_DEV_QUIRK | PCILU_RF_OVERRIDE));
}

const struct pcilu_assumption *pcilu_iommu_assumptions(const struct pcilu_iommu *r, size_t *n)
{
	*n = r->nas;
	return r->as;
}

bool pcilu_iommu_is_on(const struct pcilu_iommu *r, uint8_t *from)
{
	if (from)
		*from = r->iommu_from;
	return r->iommu_on;
}

const struct pcilu_topology *pcilu_iommu_topology(const struct pcilu_iommu *r)
{
	return r->t;
}
