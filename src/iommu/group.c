// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pci_device_group() and its helpers, drivers/iommu/iommu.c, 7.2, run over
 * the devices in probe order. The kernel scans every PCI device for each
 * alias or function lookup; here the same candidates come from per-bus and
 * per-slot lists kept in probe order, so the first group found is the one
 * the kernel finds and the whole run is linear in the number of functions.
 */
#include "iommu_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct found {
	int32_t group;
	int32_t at;		/* device whose group it is */
};

static bool test_and_set(uint64_t *bits, unsigned n)
{
	bool was = bits[n / 64] >> (n % 64) & 1;

	bits[n / 64] |= 1ull << (n % 64);
	return was;
}

static bool mask_has(const struct pcilu_iommu *r, int32_t dev, unsigned devfn)
{
	int32_t a = r->alias_idx[dev];

	return a != PCILU_NONE && (r->alias_masks[a][devfn / 64] >> (devfn % 64) & 1);
}

/* pci_devs_are_dma_aliases(), drivers/pci/pci.c, 7.2 */
static bool are_dma_aliases(const struct pcilu_iommu *r, int32_t a, int32_t b)
{
	return mask_has(r, a, r->t->devs[b].devfn) || mask_has(r, b, r->t->devs[a].devfn) ||
	       r->real_dma[a] == b || r->real_dma[b] == a;
}

static struct found alias_group(struct pcilu_iommu *r, int32_t dev, uint64_t *visited, unsigned depth);

/* get_pci_function_alias_group(), drivers/iommu/iommu.c, 7.2 */
static struct found function_alias_group(struct pcilu_iommu *r, int32_t dev, uint64_t *visited,
					 unsigned depth)
{
	const struct pcilu_dev *d = &r->t->devs[dev];
	struct found none = { PCILU_NONE, PCILU_NONE };

	if (!d->multifunction || depth > 600 || pcilu_acs_eval_at(r, dev, PCILU_REQ_ACS_FLAGS).enabled)
		return none;
	for (int32_t t = r->slot_head[d->bus_idx * 32 + PCI_SLOT(d->devfn)]; t != PCILU_NONE;
	     t = r->slot_next[t]) {
		struct found f;

		if (t == dev || pcilu_acs_eval_at(r, t, PCILU_REQ_ACS_FLAGS).enabled)
			continue;
		f = alias_group(r, t, visited, depth + 1);
		if (f.group != PCILU_NONE)
			return f;
	}
	return none;
}

/* get_pci_alias_group(), drivers/iommu/iommu.c, 7.2 */
static struct found alias_group(struct pcilu_iommu *r, int32_t dev, uint64_t *visited, unsigned depth)
{
	const struct pcilu_dev *d = &r->t->devs[dev];
	struct found none = { PCILU_NONE, PCILU_NONE };

	if (test_and_set(visited, d->devfn))
		return none;
	if (r->group[dev] != PCILU_NONE)
		return (struct found){ r->group[dev], dev };
	if (!r->bus_has_alias[d->bus_idx] || depth > 600)
		return none;	/* nothing on this bus aliases anything */
	for (int32_t t = r->bus_head[d->bus_idx]; t != PCILU_NONE; t = r->bus_next[t]) {
		struct found f;

		if (t == dev || !are_dma_aliases(r, dev, t))
			continue;
		f = alias_group(r, t, visited, depth + 1);
		if (f.group == PCILU_NONE)
			f = function_alias_group(r, t, visited, depth + 1);
		if (f.group != PCILU_NONE)
			return f;
	}
	return none;
}

struct walk {
	int32_t last;
	uint8_t via;
	uint8_t flags;	/* PCILU_RF_UNKNOWN: a bridge on the way could not be typed */
};

/* get_pci_alias_or_group() as the callback of pci_for_each_dma_alias() */
static bool walk_cb(const struct pcilu_iommu *r, struct walk *w, int32_t dev, uint8_t via)
{
	w->last = dev;
	w->via = via;
	return r->group[dev] != PCILU_NONE;
}

/* pci_for_each_dma_alias(), drivers/pci/search.c, 7.2 */
static bool for_each_dma_alias(const struct pcilu_iommu *r, int32_t dev, struct walk *w)
{
	const struct pcilu_topology *t = r->t;
	int32_t real = r->real_dma[dev];

	/* The alias-mask entries call back with the device itself: same answer. */
	if (walk_cb(r, w, real, real != dev ? PCILU_VIA_REAL_DMA_DEV : 0))
		return true;
	for (int32_t b = t->devs[real].bus_idx, n = 0; !pcilu_is_root_bus(&t->buses[b]) && n < 512;
	     b = t->buses[b].parent, n++) {
		int32_t br = t->buses[b].self;
		const struct pcilu_dev *bd;
		uint8_t via;

		if (br == PCILU_NONE)
			continue;	/* SR-IOV virtual bus */
		if (r->devf[br] & DEVF_BRIDGE_XLATE_ROOT)
			return false;
		bd = &t->devs[br];
		/*
		 * Capabilities unreadable: PCIe-to-PCI or a port? Taken as a port
		 * (requester ID kept, as on nearly every modern bridge), and the
		 * group is marked as resting on that guess.
		 */
		if (bd->caps_unknown) {
			w->flags |= PCILU_RF_UNKNOWN;
			continue;
		}
		if (bd->pcie_pos) {
			switch (pcilu_ktype(bd)) {
			case PCI_EXP_TYPE_PCI_BRIDGE:
				if (r->devf[br] & DEVF_PCI_BRIDGE_NO_ALIAS)
					continue;
				via = PCILU_VIA_PCIE_TO_PCI;
				break;
			case PCI_EXP_TYPE_PCIE_BRIDGE:
				via = PCILU_VIA_REVERSE_BRIDGE;
				break;
			default:
				continue;	/* ports keep the requester ID */
			}
		} else {
			via = (r->devf[br] & DEVF_PCIE_BRIDGE_ALIAS) ? PCILU_VIA_PCIE_BRIDGE_ALIAS
								     : PCILU_VIA_PCI_BRIDGE;
		}
		if (walk_cb(r, w, br, via))
			return true;
	}
	return false;
}

/* pci_acs_path_enabled(bridge, NULL, REQ_ACS_FLAGS), memoised: bridges are final once probed. */
static bool path_enabled(struct pcilu_iommu *r, int32_t br, int32_t *fail)
{
	const struct pcilu_topology *t = r->t;
	int32_t chain[512];
	int n = 0;

	for (int32_t p = br; p != PCILU_NONE && r->path_memo[p] < 0 && n < 512;) {
		const struct pcilu_bus *b = &t->buses[t->devs[p].bus_idx];

		chain[n++] = p;
		p = pcilu_is_root_bus(b) ? PCILU_NONE : b->self;
	}
	while (n > 0) {	/* resolve top-down */
		int32_t p = chain[--n];
		const struct pcilu_bus *b = &t->buses[t->devs[p].bus_idx];
		uint8_t saved = r->cur_flags;
		struct pcilu_acs_eval e;

		r->cur_flags = 0;
		e = pcilu_acs_eval_at(r, p, PCILU_REQ_ACS_FLAGS);
		r->path_flags[p] = r->cur_flags;
		r->cur_flags = saved;
		if (!e.enabled) {
			r->path_memo[p] = 0;
			r->path_fail[p] = p;
		} else if (pcilu_is_root_bus(b) || b->self == PCILU_NONE) {
			r->path_memo[p] = 1;
			r->path_fail[p] = PCILU_NONE;
		} else {
			r->path_memo[p] = r->path_memo[b->self];
			r->path_fail[p] = r->path_fail[b->self];
			r->path_flags[p] |= r->path_flags[b->self];
		}
	}
	r->cur_flags |= r->path_flags[br];
	*fail = r->path_fail[br];
	return r->path_memo[br] == 1;
}

static int new_group(struct pcilu_iommu *r)
{
	if (r->ngroups == r->cap_groups) {
		size_t ncap = r->cap_groups ? r->cap_groups * 2 : 64;
		struct pcilu_group *g = realloc(r->groups, ncap * sizeof(*g));

		if (!g)
			return -ENOMEM;
		r->groups = g;
		r->cap_groups = ncap;
	}
	memset(&r->groups[r->ngroups], 0, sizeof(r->groups[0]));
	r->groups[r->ngroups].id = (int32_t)r->ngroups;
	return (int)r->ngroups++;
}

/* pci_device_group(), drivers/iommu/iommu.c, 7.2 */
static int device_group(struct pcilu_iommu *r, int32_t dev)
{
	const struct pcilu_topology *t = r->t;
	struct pcilu_reason *j = &r->join[dev];
	uint64_t visited[4] = { 0 };
	struct walk w = { dev, 0, 0 };
	struct found f;
	int32_t base, fail = PCILU_NONE;

	r->cur_flags = 0;
	*j = (struct pcilu_reason){ .dev = dev, .other = PCILU_NONE, .bridge = PCILU_NONE,
				    .eval.quirk = -1 };
	bool met = for_each_dma_alias(r, dev, &w);

	r->cur_flags |= w.flags;
	if (met) {
		j->kind = PCILU_R_DMA_ALIAS_WALK;
		j->via = w.via;
		j->other = w.last;
		return r->group[w.last];
	}
	base = w.last;
	for (int32_t b = t->devs[base].bus_idx, n = 0; !pcilu_is_root_bus(&t->buses[b]) && n < 512;
	     b = t->buses[b].parent, n++) {
		int32_t self = t->buses[b].self;

		if (self == PCILU_NONE)
			continue;
		if (path_enabled(r, self, &fail))
			break;
		base = self;
		if (r->group[base] != PCILU_NONE) {
			j->kind = PCILU_R_PATH;
			j->other = base;
			j->bridge = fail;
			j->eval = pcilu_acs_enabled(r, fail, PCILU_REQ_ACS_FLAGS);
			return r->group[base];
		}
	}
	f = alias_group(r, base, visited, 0);
	if (f.group != PCILU_NONE) {
		j->kind = PCILU_R_ALIAS;
		j->other = f.at;
		return f.group;
	}
	f = function_alias_group(r, base, visited, 0);
	if (f.group != PCILU_NONE) {
		j->kind = PCILU_R_FUNCTION;
		j->other = f.at;
		j->bridge = base;
		j->eval = pcilu_acs_enabled(r, base, PCILU_REQ_ACS_FLAGS);
		return f.group;
	}
	j->kind = PCILU_R_NEW_GROUP;
	return new_group(r);
}

/* Per-bus and per-slot lists in probe order (the order for_each_pci_dev() visits). */
static int build_lists(struct pcilu_iommu *r)
{
	const struct pcilu_topology *t = r->t;
	size_t nb = t->nbuses ? t->nbuses : 1;
	int32_t *bus_tail = malloc(nb * sizeof(*bus_tail));
	int32_t *slot_tail = malloc(nb * 32 * sizeof(*slot_tail));

	r->bus_head = malloc(nb * sizeof(*r->bus_head));
	r->slot_head = malloc(nb * 32 * sizeof(*r->slot_head));
	if (!bus_tail || !slot_tail || !r->bus_head || !r->slot_head) {
		free(bus_tail);
		free(slot_tail);
		return -ENOMEM;
	}
	memset(r->bus_head, 0xff, nb * sizeof(*r->bus_head));
	memset(r->slot_head, 0xff, nb * 32 * sizeof(*r->slot_head));
	for (size_t i = 0; i < r->n; i++) {
		const struct pcilu_dev *d = &t->devs[i];
		size_t b = (size_t)d->bus_idx, s = b * 32 + PCI_SLOT(d->devfn);

		r->bus_next[i] = r->slot_next[i] = PCILU_NONE;
		if (r->bus_head[b] == PCILU_NONE)
			r->bus_head[b] = (int32_t)i;
		else
			r->bus_next[bus_tail[b]] = (int32_t)i;
		bus_tail[b] = (int32_t)i;
		if (r->slot_head[s] == PCILU_NONE)
			r->slot_head[s] = (int32_t)i;
		else
			r->slot_next[slot_tail[s]] = (int32_t)i;
		slot_tail[s] = (int32_t)i;
	}
	free(bus_tail);
	free(slot_tail);
	return 0;
}

static bool same_reason(const struct pcilu_reason *a, const struct pcilu_reason *b)
{
	return a->kind == b->kind && a->via == b->via && a->other == b->other &&
	       a->bridge == b->bridge && a->flags == b->flags;
}

/*
 * Members and the distinct reasons of every group, in one pass over devices.
 * Both live in pools of one entry per device (a group has at most as many
 * distinct reasons as members), not one allocation per group: a million
 * groups made a million reallocs, the largest cost of a 1M-function host.
 */
static int collect(struct pcilu_iommu *r)
{
	size_t *count = calloc(r->ngroups ? r->ngroups : 1, sizeof(*count));
	int32_t *pool = malloc((r->n ? r->n : 1) * sizeof(*pool));
	struct pcilu_reason *rpool = calloc(r->n ? r->n : 1, sizeof(*rpool));	/* fresh pages: free */

	if (!count || !pool || !rpool) {
		free(count);
		free(pool);
		free(rpool);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->group[i] != PCILU_NONE)
			count[r->group[i]]++;
	size_t at = 0;

	for (size_t g = 0; g < r->ngroups; g++) {
		r->groups[g].members = pool + at;
		r->groups[g].reasons = rpool + at;
		at += count[g];
	}
	for (size_t i = 0; i < r->n; i++) {
		struct pcilu_group *g;
		const struct pcilu_reason *j = &r->join[i];
		bool dup = false;

		if (r->group[i] == PCILU_NONE)
			continue;
		g = &r->groups[r->group[i]];
		g->members[g->nmembers++] = (int32_t)i;
		g->flags |= j->flags;
		/* Reasons repeat for whole subtrees; compare with the few kept so far. */
		for (size_t k = g->nreasons; k > 0 && k + 8 > g->nreasons && !dup; k--)
			dup = same_reason(&g->reasons[k - 1], j) ||
			      (j->kind == PCILU_R_PATH && g->reasons[k - 1].kind == PCILU_R_PATH &&
			       g->reasons[k - 1].bridge == j->bridge);
		if (!dup)
			g->reasons[g->nreasons++] = *j;
	}
	free(count);
	if (r->ngroups == 0) {
		free(pool);
		free(rpool);
	}
	return 0;
}

int pcilu_groups_run(struct pcilu_iommu *r)
{
	int ret = build_lists(r);

	if (ret)
		return ret;
	for (size_t i = 0; i < r->n; i++) {
		unsigned untr = r->untr[i];
		int g;

		r->probing = (int32_t)i;
		if (untr) {
			/* iommu_probe_device() stops before the group: no group, and none to join. */
			r->join[i] = (struct pcilu_reason){ .kind = PCILU_R_UNTRANSLATED, .via = (uint8_t)untr,
							    .dev = (int32_t)i, .other = PCILU_NONE,
							    .bridge = PCILU_NONE, .eval.quirk = -1 };
			continue;
		}
		g = device_group(r, (int32_t)i);
		if (g < 0)
			return g;
		r->group[i] = g;
		r->join[i].flags = r->cur_flags;
	}
	r->probing = (int32_t)r->n;
	return collect(r);
}
