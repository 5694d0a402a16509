// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Which drift explains another: the first primary drift of the kinds asked
 * on the node itself or on a preserved bridge above it (verify.c names it as
 * the cause). Every drift added can ask, so the answer comes from an index,
 * not a scan of all drifts so far against all nodes: a verify where every
 * preserved device joined every other's group (a root port's ACS lost) has
 * hundreds of thousands of drifts, and the scan made it take minutes.
 *
 * The index is built on the first question: each address's first primary
 * drift of each kind (drifts are indexed as they appear, since a cause
 * must come before what it explains), and each node's candidates, the
 * bridges whose bus range holds its bus.
 */
#include "handover_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define NKINDS (PCILU_DRIFT_KERNEL_GROUP + 1)

/* A node's address, or a bridge's (segment, secondary bus), with the node's index: sorted. */
struct key {
	uint64_t k;
	int32_t node;
};

struct pcilu_verify_causes {
	const struct pcilu_manifest *m;
	bool built, failed;
	struct key *addr;	/* (segment << 16 | bdf): a node's address id is the lowest index there */
	int32_t *first;		/* [address id][kind]: index of the first primary drift, -1 */
	size_t seen;		/* drifts indexed so far */
	size_t *cstart;		/* node i's candidates: cand[cstart[i] .. cstart[i + 1]) */
	int32_t *cand;		/* address ids of the bridges above a node */
	size_t ncand, capcand;
};

int pcilu_verify_causes_new(const struct pcilu_manifest *m, struct pcilu_verify_causes **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	(*out)->m = m;
	return 0;
}

void pcilu_verify_causes_free(struct pcilu_verify_causes *cx)
{
	if (!cx)
		return;
	free(cx->addr);
	free(cx->first);
	free(cx->cstart);
	free(cx->cand);
	free(cx);
}

static int cmp_key(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->k != y->k)
		return x->k < y->k ? -1 : 1;
	return (x->node > y->node) - (x->node < y->node);
}

/* The first entry of @keys at or after @want (node -1 sorts first). */
static size_t lower(const struct key *keys, size_t n, uint64_t want)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (keys[mid].k < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint64_t addr_key(struct pcilu_lu_addr a)
{
	return (uint64_t)a.seg << 16 | a.bdf;
}

/* The id of @a: the lowest index of a node at that address, -1 for none. */
static int32_t addr_id(const struct pcilu_verify_causes *cx, struct pcilu_lu_addr a)
{
	size_t at = lower(cx->addr, cx->m->count, addr_key(a));

	return at < cx->m->count && cx->addr[at].k == addr_key(a) ? cx->addr[at].node : -1;
}

/* Manifest bridge @b sits above node @n: same segment and @n's bus in its range. */
static bool bridge_above(const struct pcilu_manifest_node *b, const struct pcilu_manifest_node *n)
{
	return b->role == PCILU_LU_BRIDGE && b->addr.seg == n->addr.seg &&
	       (n->addr.bdf >> 8) >= b->secondary && (n->addr.bdf >> 8) <= b->subordinate;
}

static int add_cand(struct pcilu_verify_causes *cx, int32_t id)
{
	if (cx->ncand == cx->capcand) {
		size_t cap = cx->capcand ? 2 * cx->capcand : 64;
		int32_t *more = realloc(cx->cand, cap * sizeof(*more));

		if (!more)
			return -ENOMEM;
		cx->cand = more;
		cx->capcand = cap;
	}
	cx->cand[cx->ncand++] = id;
	return 0;
}

/*
 * Bridges by (segment, secondary bus): the ones above a node are among
 * those of its segment whose secondary bus is at most the node's bus.
 */
static int candidates(struct pcilu_verify_causes *cx)
{
	const struct pcilu_manifest *m = cx->m;
	struct key *br = malloc((m->count + 1) * sizeof(*br));
	size_t nbr = 0;
	int ret = 0;

	cx->cstart = malloc((m->count + 1) * sizeof(*cx->cstart));
	if (!br || !cx->cstart) {
		free(br);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->count; i++)
		if (m->nodes[i].role == PCILU_LU_BRIDGE)
			br[nbr++] = (struct key){ (uint64_t)m->nodes[i].addr.seg << 8 | m->nodes[i].secondary,
						  (int32_t)i };
	qsort(br, nbr, sizeof(*br), cmp_key);
	for (size_t i = 0; !ret && i < m->count; i++) {
		const struct pcilu_manifest_node *n = &m->nodes[i];
		uint64_t seg = (uint64_t)n->addr.seg << 8;

		cx->cstart[i] = cx->ncand;
		for (size_t k = lower(br, nbr, seg); !ret && k < nbr && br[k].k <= (seg | (n->addr.bdf >> 8)); k++)
			if (bridge_above(&m->nodes[br[k].node], n))
				ret = add_cand(cx, addr_id(cx, m->nodes[br[k].node].addr));
	}
	cx->cstart[m->count] = cx->ncand;
	free(br);
	return ret;
}

static int build(struct pcilu_verify_causes *cx)
{
	const struct pcilu_manifest *m = cx->m;

	cx->built = true;
	cx->addr = malloc((m->count + 1) * sizeof(*cx->addr));
	cx->first = malloc((m->count + 1) * NKINDS * sizeof(*cx->first));
	if (!cx->addr || !cx->first)
		return -ENOMEM;
	for (size_t i = 0; i < m->count; i++)
		cx->addr[i] = (struct key){ addr_key(m->nodes[i].addr), (int32_t)i };
	qsort(cx->addr, m->count, sizeof(*cx->addr), cmp_key);
	memset(cx->first, 0xff, (m->count + 1) * NKINDS * sizeof(*cx->first));
	return candidates(cx);
}

/* The drifts added since the last question, into first[]. */
static void catch_up(struct pcilu_verify_causes *cx, const struct pcilu_verify *v)
{
	for (; cx->seen < v->count; cx->seen++) {
		const struct pcilu_drift *dr = &v->drifts[cx->seen];
		int32_t id;

		if (dr->cause >= 0 || dr->kind < 1 || dr->kind >= NKINDS)
			continue;
		id = addr_id(cx, dr->addr);
		if (id >= 0 && cx->first[(size_t)id * NKINDS + dr->kind] < 0)
			cx->first[(size_t)id * NKINDS + dr->kind] = (int32_t)cx->seen;
	}
}

/* The first primary drift of a kind in @mask at address id @id; -1. */
static long first_at(const struct pcilu_verify_causes *cx, int32_t id, unsigned mask, long best)
{
	for (unsigned k = 1; id >= 0 && k < NKINDS; k++) {
		long i = cx->first[(size_t)id * NKINDS + k];

		if ((mask & (1u << k)) && i >= 0 && (best < 0 || i < best))
			best = i;
	}
	return best;
}

/* Without the index (no memory for it): the scan it replaces, same answer. */
static long scan(const struct pcilu_verify *v, const struct pcilu_manifest *m, const struct pcilu_manifest_node *n,
		 unsigned mask, bool self)
{
	for (size_t i = 0; i < v->count; i++) {
		const struct pcilu_drift *dr = &v->drifts[i];

		if (!(mask & (1u << dr->kind)) || dr->cause >= 0)
			continue;
		if (self && pcilu_lu_addr_eq(dr->addr, n->addr))
			return (long)i;
		for (size_t k = 0; k < m->count; k++)
			if (pcilu_lu_addr_eq(m->nodes[k].addr, dr->addr) && bridge_above(&m->nodes[k], n))
				return (long)i;
	}
	return -1;
}

long pcilu_verify_find_cause(struct pcilu_verify_causes *cx, const struct pcilu_verify *v,
			     const struct pcilu_manifest_node *n, unsigned mask, bool self)
{
	size_t i = (size_t)(n - cx->m->nodes);
	long best = -1;

	if (!cx->built && build(cx))
		cx->failed = true;
	if (cx->failed)
		return scan(v, cx->m, n, mask, self);
	catch_up(cx, v);
	if (self)
		best = first_at(cx, addr_id(cx, n->addr), mask, best);
	for (size_t k = cx->cstart[i]; k < cx->cstart[i + 1]; k++)
		best = first_at(cx, cx->cand[k], mask, best);
	return best;
}
