// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu check: the verdict of each device under each profile, the slots of
 * the host, and a preserve sequence replayed as the kernel would run it
 * (one pci_liveupdate_preserve() per device, in order; a refused call
 * leaves nothing behind because the kernel unwinds its partial path).
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every type-0 function but host bridges: what a vfio-pci user could ask for. */
static int all_endpoints(const struct pcilu_topology *t, int32_t **out, size_t *n)
{
	int32_t *v = malloc((t->ndevs ? t->ndevs : 1) * sizeof(*v));

	*n = 0;
	*out = v;
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < t->ndevs; i++)
		if (pcilu_dev_is_endpoint(&t->devs[i]))
			v[(*n)++] = (int32_t)i;
	return 0;
}

/* Refused outranks undecided, which outranks eligible: one certain "no" is the answer. */
static uint8_t worse(uint8_t a, uint8_t b)
{
	if (a == PCILU_LU_REFUSED || b == PCILU_LU_REFUSED)
		return PCILU_LU_REFUSED;
	return a == PCILU_LU_UNDECIDED || b == PCILU_LU_UNDECIDED ? PCILU_LU_UNDECIDED : PCILU_LU_ELIGIBLE;
}

static int check_devs(struct pcilu_lu_check *c, const struct pcilu_lu_ctx *x, const int32_t *devs, size_t n)
{
	/* A device named twice is judged once: a byte per device, not a scan of those before it. */
	uint8_t *seen = calloc(c->t->ndevs ? c->t->ndevs : 1, 1);
	int ret = 0;

	c->devs = calloc(n ? n : 1, sizeof(*c->devs));
	if (!c->devs || !seen) {
		free(seen);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n && !ret; i++) {
		struct pcilu_lu_devcheck *dc;

		if (seen[devs[i]])
			continue;
		seen[devs[i]] = 1;
		dc = &c->devs[c->ndevs++];
		dc->dev = devs[i];
		dc->group = c->iommu_on ? pcilu_iommu_group_of(c->r, devs[i]) : PCILU_NONE;
		uint8_t worst = PCILU_LU_ELIGIBLE;

		for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
			if (!(c->profiles & (1u << p)))
				continue;
			ret = pcilu_lu_eval(x, devs[i], p, &dc->v[p]);
			if (ret)
				break;
			c->nstate[p][dc->v[p].state]++;
			worst = worse(worst, dc->v[p].state);
		}
		c->nrefused += worst == PCILU_LU_REFUSED;
		c->nundecided += worst == PCILU_LU_UNDECIDED;
		c->state = worse(c->state, worst);
	}
	free(seen);
	return ret;
}


const struct pcilu_lu_reason *pcilu_lu_verdict_lead(const struct pcilu_lu_verdict *v)
{
	for (size_t i = 0; i < v->nreasons; i++)
		if (v->reasons[i].sev == PCILU_LUS_REFUSE)
			return &v->reasons[i];
	for (size_t i = 0; i < v->nreasons; i++)
		if (v->reasons[i].sev == PCILU_LUS_UNDECIDED)
			return &v->reasons[i];
	return NULL;
}

static uint8_t first_reason(const struct pcilu_lu_verdict *v, uint8_t sev)
{
	for (size_t i = 0; i < v->nreasons; i++)
		if (v->reasons[i].sev == sev)
			return v->reasons[i].rule;
	return 0;
}

/* The members of @nd's group that the set leaves behind, each a conflict. */
static int partial_group(struct pcilu_lu_check *c, struct pcilu_lu_preserve *pr,
			 const struct pcilu_preserve_node *nd, bool strict, const uint8_t *in_set)
{
	const struct pcilu_group *g;

	if (nd->role != PCILU_LU_ENDPOINT)
		return 0;
	g = pcilu_iommu_group(c->r, pcilu_iommu_group_of(c->r, nd->dev));
	for (size_t m = 0; g && m < g->nmembers; m++) {
		struct pcilu_lu_reason t = { .rule = PCILU_LUR_PARTIAL_GROUP, .why = PCILU_LUW_PARTIAL,
					     .profile = (uint8_t)pr->profile, .card = nd->dev,
					     .dev = nd->dev, .other = g->members[m] };
		bool unknown;
		int ret;

		if (in_set[g->members[m]])
			continue;
		/* A group resting on unread bytes may be smaller: the conflict is undecided. */
		unknown = strict && (g->flags & PCILU_RF_UNKNOWN);
		t.sev = unknown ? PCILU_LUS_UNDECIDED : strict ? PCILU_LUS_REFUSE : PCILU_LUS_CAVEAT;
		t.err = strict && !unknown ? -EINVAL : 0;
		t.flags = g->flags;
		t.basis = pcilu_lu_rule_basis(pr->profile, PCILU_LUR_PARTIAL_GROUP);
		ret = pcilu_lu_reason_add(&pr->conflicts, &pr->nconflicts, &t);
		if (ret)
			return ret;
		if (unknown)
			pr->state = worse(pr->state, PCILU_LU_UNDECIDED);
		else if (strict)
			pr->ok = false;
	}
	return 0;
}

/*
 * Preserving one member of a multi-device group but not another. Which
 * devices the set holds is a byte per device, not a scan of the set for
 * every group member (quadratic in the devices preserved).
 */
static int partial_groups(struct pcilu_lu_check *c, struct pcilu_lu_preserve *pr)
{
	bool strict = pr->profile != PCILU_LU_NEXT;
	uint8_t *in_set;
	int ret = 0;

	if (!c->iommu_on)
		return 0;
	in_set = calloc(c->t->ndevs ? c->t->ndevs : 1, 1);
	if (!in_set)
		return -ENOMEM;
	for (size_t i = 0; i < pr->set.count; i++)
		in_set[pr->set.nodes[i].dev] = 1;
	for (size_t i = 0; !ret && i < pr->set.count; i++)
		ret = partial_group(c, pr, &pr->set.nodes[i], strict, in_set);
	free(in_set);
	return ret;
}

static int preserve_seq(struct pcilu_lu_check *c, unsigned p, const int32_t *devs, size_t n,
			struct pcilu_diag *d)
{
	struct pcilu_lu_preserve *pr = &c->pres[p];
	int32_t *acc = malloc((n ? n : 1) * sizeof(*acc));
	/* Device -> its verdict (index in c->devs), and which are already outgoing: linear in n. */
	int32_t *at = malloc((c->t->ndevs ? c->t->ndevs : 1) * sizeof(*at));
	uint8_t *outgoing = calloc(c->t->ndevs ? c->t->ndevs : 1, 1);
	size_t nacc = 0;
	int ret = 0;

	pr->profile = p;
	pr->ok = true;
	pr->reqs = calloc(n ? n : 1, sizeof(*pr->reqs));
	if (!acc || !pr->reqs || !at || !outgoing) {
		free(acc);
		free(at);
		free(outgoing);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->ndevs; i++)
		at[c->devs[i].dev] = (int32_t)i;
	pr->nreqs = n;
	for (size_t i = 0; i < n; i++) {
		const struct pcilu_lu_verdict *v = &c->devs[at[devs[i]]].v[p];
		struct pcilu_lu_request *rq = &pr->reqs[i];

		rq->dev = devs[i];
		rq->state = v->state;
		if (v->state == PCILU_LU_REFUSED) {
			rq->err = v->err;
			rq->rule = first_reason(v, PCILU_LUS_REFUSE);
		} else {
			/* Undecided: replayed as if it passed, and the sequence stays undecided. */
			if (v->state == PCILU_LU_UNDECIDED) {
				rq->rule = first_reason(v, PCILU_LUS_UNDECIDED);
				pr->state = worse(pr->state, PCILU_LU_UNDECIDED);
			}
			/* pci_liveupdate_preserve(): an endpoint already outgoing is -EBUSY */
			if (outgoing[devs[i]]) {
				rq->err = -EBUSY;
				rq->rule = PCILU_LUR_BUSY;
			} else {
				outgoing[devs[i]] = 1;
				acc[nacc++] = devs[i];
			}
		}
		if (rq->err)
			pr->ok = false;
	}
	if (nacc)
		ret = pcilu_preserve_set_build(c->t, acc, nacc, &pr->set, d);
	if (!ret)
		ret = partial_groups(c, pr);
	free(acc);
	free(at);
	free(outgoing);
	if (!pr->ok)
		pr->state = PCILU_LU_REFUSED;
	c->state = worse(c->state, pr->state);
	return ret;
}

static int run(struct pcilu_lu_check *c, struct pcilu_lu_ctx *x, const int32_t *devs, size_t n, bool preserve,
	       unsigned opts, struct pcilu_diag *d)
{
	int ret = 0;

	if (!(opts & PCILU_LU_NO_SLOTS))
		ret = pcilu_lu_slots_build(x, &c->slots, &c->nslots);
	x->slots = c->slots;
	x->nslots = c->nslots;
	if (!ret)
		ret = check_devs(c, x, devs, n);
	for (unsigned p = 0; !ret && preserve && p < PCILU_LU_NPROFILES; p++)
		if (c->profiles & (1u << p))
			ret = preserve_seq(c, p, devs, n, d);
	c->has_preserve = preserve;
	return ret;
}

int pcilu_lu_check_run(const struct pcilu_iommu *r, const struct pcilu_policy *p, unsigned profiles,
		       const int32_t *devs, size_t n, bool preserve, struct pcilu_lu_check **out,
		       struct pcilu_diag *d)
{
	return pcilu_lu_check_run_opts(r, p, profiles, devs, n, preserve, 0, out, d);
}

int pcilu_lu_check_run_opts(const struct pcilu_iommu *r, const struct pcilu_policy *p, unsigned profiles,
			    const int32_t *devs, size_t n, bool preserve, unsigned opts,
			    struct pcilu_lu_check **out, struct pcilu_diag *d)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct pcilu_lu_check *c;
	int32_t *all = NULL;
	int ret;

	*out = NULL;
	for (size_t i = 0; i < n; i++)
		if (devs[i] < 0 || (size_t)devs[i] >= t->ndevs)
			return -EINVAL;
	if (!(profiles & PCILU_LU_ALL_PROFILES) || (preserve && !n))
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->t = t;
	c->r = r;
	c->iommu_on = pcilu_iommu_is_on(r, &c->iommu_from);
	c->capture_off = c->iommu_on && pcilu_policy_capture_iommu_off(p, t, &c->capture_from);
	c->profiles = profiles & PCILU_LU_ALL_PROFILES;
	pcilu_lu_kernel_probe(t, NULL, &c->kernel);
	ret = pcilu_lu_ctx_new(c, p, opts);
	if (!ret && !n)
		ret = all_endpoints(t, &all, &n);
	if (!ret)
		ret = run(c, c->ctx, all ? all : devs, n, preserve, opts, d);
	c->eligible = c->state == PCILU_LU_ELIGIBLE;
	free(all);
	if (ret) {
		pcilu_lu_check_free(c);
		return ret;
	}
	*out = c;
	return 0;
}

void pcilu_lu_check_free(struct pcilu_lu_check *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->devs && i < c->ndevs; i++)
		for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
			pcilu_lu_reasons_free(c->devs[i].v[p].reasons, c->devs[i].v[p].nreasons);
	free(c->devs);
	pcilu_lu_slots_free(c->slots, c->nslots);
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		free(c->pres[p].reqs);
		pcilu_preserve_set_free(&c->pres[p].set);
		pcilu_lu_reasons_free(c->pres[p].conflicts, c->pres[p].nconflicts);
	}
	pcilu_lu_ctx_free(c->ctx);
	free(c);
}
