// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The context a check decides with and keeps for its words (check.c runs
 * the rules with it, words.c and remedy.c word them): what the command line
 * has, the source's kernel groups, and two things only some words need,
 * made when first asked: the groups a reboot with the IOMMU on would give
 * and, for a check run without them (a plan), the slots.
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * The groups after a reboot with an IOMMU on, which only the words of some
 * reasons and slots name: computed the first time they are asked for, under
 * a lock, since words are made from a const check (a second groups
 * computation in every preflight, most of which word nothing).
 */
struct pcilu_lu_lazy {
	pthread_mutex_t lock;
	struct pcilu_policy on;	/* shallow: shares p's strings (the caller keeps p while r lives), never freed */
	struct pcilu_iommu *r_on;
	bool tried;
	/* A check run without slots (PCILU_LU_NO_SLOTS): built here when words name them. */
	bool defer_slots, slots_built;
	struct pcilu_lu_slot *slots;
	size_t nslots;
	int slots_err;
};

const struct pcilu_iommu *pcilu_lu_ctx_r_on(const struct pcilu_lu_ctx *c)
{
	struct pcilu_lu_lazy *z = c->lazy;
	const struct pcilu_iommu *r;
	struct pcilu_diag quiet;

	if (c->r_on || !z)
		return c->r_on;
	pthread_mutex_lock(&z->lock);
	if (!z->tried) {
		/* Its only failure is -ENOMEM, which the words report: no message of its own. */
		pcilu_diag_init(&quiet);
		if (pcilu_iommu_compute(c->t, &z->on, &z->r_on, &quiet))
			z->r_on = NULL;
		pcilu_diag_free(&quiet);
		z->tried = true;
	}
	r = z->r_on;
	pthread_mutex_unlock(&z->lock);
	return r;
}

int pcilu_lu_ctx_slots(const struct pcilu_lu_ctx *c, const struct pcilu_lu_slot **s, size_t *n)
{
	struct pcilu_lu_lazy *z = c->lazy;
	int ret;

	*s = c->slots;
	*n = c->nslots;
	if (!z || !z->defer_slots)
		return 0;
	pthread_mutex_lock(&z->lock);
	if (!z->slots_built) {
		z->slots_err = pcilu_lu_slots_build(c, &z->slots, &z->nslots);
		z->slots_built = true;
	}
	*s = z->slots;
	*n = z->nslots;
	ret = z->slots_err;
	pthread_mutex_unlock(&z->lock);
	return ret;
}

static void lazy_free(struct pcilu_lu_lazy *z)
{
	if (!z)
		return;
	pthread_mutex_destroy(&z->lock);
	pcilu_iommu_free(z->r_on);
	pcilu_lu_slots_free(z->slots, z->nslots);
	free(z);
}

/*
 * The context the rules decide with, kept by the check for the words of its
 * reasons: what a reboot with the IOMMU on would give (when asked), the
 * source's own kernel groups, what the command line already has.
 */
int pcilu_lu_ctx_new(struct pcilu_lu_check *c, const struct pcilu_policy *p, unsigned opts)
{
	struct pcilu_lu_ctx *x = calloc(1, sizeof(*x));
	const struct pcilu_topology *t = c->t;
	int ret = 0;

	if (!x)
		return -ENOMEM;
	c->ctx = x;
	*x = (struct pcilu_lu_ctx){ .t = t, .r = c->r, .iommu_on = c->iommu_on, .iommu_from = c->iommu_from,
				    .platform_vendor = pcilu_platform_vendor(t), .cmd_iommu_off = p->iommu_off,
				    .cmd_intel_off = p->intel_off, .cmd_amd_off = p->amd_off,
				    .cmd_intel_on = p->intel_on };
	x->lazy = calloc(1, sizeof(*x->lazy));
	if (!x->lazy || pthread_mutex_init(&x->lazy->lock, NULL)) {
		free(x->lazy);
		x->lazy = NULL;
		return -ENOMEM;
	}
	/* What Linux 7.2 would do after a reboot with an IOMMU: names the remedy. */
	x->lazy->on = *p;
	x->lazy->on.acs = PCILU_ACS_LINUX;
	x->lazy->on.iommu = PCILU_ON;
	x->lazy->defer_slots = opts & PCILU_LU_NO_SLOTS;
	if (t->has_kernel_groups) {
		ret = pcilu_lu_gindex_build(t, NULL, true, &x->own_kx);
		x->kx = x->own_kx.e ? &x->own_kx : NULL;
	}
	return ret;
}

void pcilu_lu_ctx_free(struct pcilu_lu_ctx *x)
{
	if (!x)
		return;
	pcilu_lu_gindex_free(&x->own_kx);
	lazy_free(x->lazy);
	free(x);
}
