// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * IOMMU facts for the liveupdate layer, from the iommu layer: the groups a
 * manifest records and verify compares, and the ACS path test verify runs.
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* What a pcilu_lu_iommu owns: the result keeps a pointer to its policy. */
struct pcilu_lu_iommu_own {
	struct pcilu_policy policy;
	bool has_policy;
	struct pcilu_iommu *r;
	int32_t group[];
};

static int own_alloc(const struct pcilu_topology *t, struct pcilu_lu_iommu *io)
{
	memset(io, 0, sizeof(*io));
	io->own = calloc(1, sizeof(*io->own) + (t->ndevs ? t->ndevs : 1) * sizeof(io->own->group[0]));
	return io->own ? 0 : -ENOMEM;
}

static void fill(const struct pcilu_iommu *r, struct pcilu_lu_iommu *io)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);

	for (size_t i = 0; i < t->ndevs; i++)
		io->own->group[i] = pcilu_iommu_group_of(r, (int32_t)i);
	io->group = io->own->group;
	io->r = r;
}

int pcilu_lu_iommu_use(const struct pcilu_iommu *r, struct pcilu_lu_iommu *io)
{
	int ret = own_alloc(pcilu_iommu_topology(r), io);

	if (!ret)
		fill(r, io);
	return ret;
}

int pcilu_lu_iommu_compute(const struct pcilu_topology *t, struct pcilu_lu_iommu *io,
			   struct pcilu_diag *d)
{
	int ret = own_alloc(t, io);

	if (ret)
		return ret;
	pcilu_policy_init(&io->own->policy);
	io->own->has_policy = true;
	/* ACS as read: verify looks at the new kernel's registers. */
	ret = t->cmdline ? pcilu_policy_parse_cmdline(&io->own->policy, t->cmdline, d) : 0;
	ret = ret ?: pcilu_iommu_compute(t, &io->own->policy, &io->own->r, d);
	if (!ret)
		fill(io->own->r, io);
	return ret;
}

void pcilu_lu_iommu_release(struct pcilu_lu_iommu *io)
{
	if (io->own) {
		pcilu_iommu_free(io->own->r);
		if (io->own->has_policy)
			pcilu_policy_free(&io->own->policy);
		free(io->own);
	}
	memset(io, 0, sizeof(*io));
}

static int cmp_gentry(const void *a, const void *b)
{
	const struct pcilu_lu_gentry *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return (x->dev > y->dev) - (x->dev < y->dev);
}

static int32_t gindex_key(const struct pcilu_topology *t, const struct pcilu_lu_gindex *x, size_t i)
{
	return x->kernel ? t->devs[i].kernel_group : x->group ? x->group[i] : PCILU_NONE;
}

int pcilu_lu_gindex_build(const struct pcilu_topology *t, const int32_t *group, bool kernel,
			  struct pcilu_lu_gindex *x)
{
	memset(x, 0, sizeof(*x));
	x->group = group;
	x->kernel = kernel;
	x->e = malloc((t->ndevs ? t->ndevs : 1) * sizeof(*x->e));
	if (!x->e)
		return -ENOMEM;
	for (size_t i = 0; i < t->ndevs; i++) {
		int32_t g = gindex_key(t, x, i);

		if (g >= 0)
			x->e[x->n++] = (struct pcilu_lu_gentry){ .group = g, .dev = (int32_t)i };
	}
	qsort(x->e, x->n, sizeof(*x->e), cmp_gentry);
	return 0;
}

/*
 * A pcilu_lu_iommu filled by pcilu_lu_iommu_compute() or _use() numbers its
 * groups as its results do, whose groups list their members in device order
 * (group.c): the index a sort would build, there already. Groups of the
 * caller's own (no results of the struct's own) are sorted.
 */
int pcilu_lu_gindex_of(const struct pcilu_topology *t, const struct pcilu_lu_iommu *io,
		       struct pcilu_lu_gindex *x)
{
	if (!io || !io->own || !io->r || io->group != io->own->group)
		return pcilu_lu_gindex_build(t, io ? io->group : NULL, false, x);
	memset(x, 0, sizeof(*x));
	x->group = io->group;
	x->r = io->r;
	return 0;
}

void pcilu_lu_gindex_free(struct pcilu_lu_gindex *x)
{
	free(x->e);
	memset(x, 0, sizeof(*x));
}

/* The entries of @dev's group in @x: [*first, *first + return). */
static size_t group_range(const struct pcilu_topology *t, const struct pcilu_lu_gindex *x, int32_t dev,
			  size_t *first)
{
	int32_t g = gindex_key(t, x, (size_t)dev);
	size_t lo = 0, hi = x->n, count = 0;

	*first = 0;
	if (g < 0)
		return 0;
	while (lo < hi) {	/* first entry of group g */
		size_t mid = lo + (hi - lo) / 2;

		if (x->e[mid].group < g)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo + count < x->n && x->e[lo + count].group == g)
		count++;
	*first = lo;
	return count;
}

/* The members of @dev's group in @x, in device order: sorted entries, or a group's own list. */
struct span {
	const struct pcilu_lu_gentry *e;
	const int32_t *m;
	size_t n;
};

static struct span members_of(const struct pcilu_topology *t, const struct pcilu_lu_gindex *x, int32_t dev)
{
	const struct pcilu_group *g;
	size_t lo = 0;

	if (!x->r) {
		size_t n = group_range(t, x, dev, &lo);

		return (struct span){ .e = x->e + lo, .n = n };
	}
	g = pcilu_iommu_group(x->r, x->group[dev]);
	return g ? (struct span){ .m = g->members, .n = g->nmembers } : (struct span){ .n = 0 };
}

static int32_t span_at(struct span s, size_t k)
{
	return s.m ? s.m[k] : s.e ? s.e[k].dev : PCILU_NONE;
}

int pcilu_lu_group_members(const struct pcilu_topology *t, const struct pcilu_lu_gindex *x,
			   int32_t dev, struct pcilu_lu_addr **out, size_t *n)
{
	struct span s = members_of(t, x, dev);

	*out = NULL;
	*n = 0;
	if (!s.n)
		return 0;
	*out = malloc(s.n * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t k = 0; k < s.n; k++)
		(*out)[k] = pcilu_lu_addr_of(&t->devs[span_at(s, k)]);
	*n = s.n;
	return 0;
}

size_t pcilu_lu_group_count(const struct pcilu_topology *t, const struct pcilu_lu_gindex *x,
			    int32_t dev, int32_t *other)
{
	struct span s = members_of(t, x, dev);

	*other = PCILU_NONE;
	for (size_t k = 0; k < s.n && *other == PCILU_NONE; k++)
		if (span_at(s, k) != dev)
			*other = span_at(s, k);
	return s.n;
}

int pcilu_lu_acs_path_ok(const struct pcilu_iommu *r, int32_t up, int32_t *fail, struct pcilu_acs_eval *e,
			 char *why, size_t len)
{
	*fail = PCILU_NONE;
	if (pcilu_acs_path_enabled(r, up, PCILU_REQ_ACS_FLAGS, fail, e))
		return 1;
	if (*fail == PCILU_NONE)
		*fail = up;
	if (why)
		pcilu_acs_eval_str(r, *fail, e, why, len);
	/* An unreadable ACS capability is not a "no": the rule cannot be decided. */
	return (e->flags & PCILU_RF_UNKNOWN) ? -ENODATA : 0;
}
