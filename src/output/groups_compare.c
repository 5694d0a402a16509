// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Compare pcilu's partition with the kernel's own groups (from sysfs or an
 * annotated dump), ignoring group numbers: both are sets of device sets.
 */
#include "output_int.h"
#include <pcilu/iommu.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct kpair {
	int32_t kgroup, dev;
};

static int cmp_kpair(const void *a, const void *b)
{
	const struct kpair *x = a, *y = b;

	if (x->kgroup != y->kgroup)
		return x->kgroup < y->kgroup ? -1 : 1;
	return (x->dev > y->dev) - (x->dev < y->dev);
}

static void list_devs(struct pcilu_buf *b, const struct pcilu_topology *t, const int32_t *devs, size_t n)
{
	char bdf[24];

	for (size_t i = 0; i < n; i++)
		pcilu_buf_printf(b, "%s%s", i ? " " : "", pcilu_bdf(&t->devs[devs[i]], bdf, sizeof(bdf)));
}

/* A difference: a string in the document, a line of text, or only counted. */
static void add_diff(struct pcilu_jw *w, FILE *f, struct pcilu_buf *b)
{
	if (w)
		pcilu_jw_str(w, b->p ? b->p : "");
	else if (f)
		fprintf(f, "  %s\n", b->p ? b->p : "");
	b->len = 0;
	if (b->p)
		b->p[0] = 0;
}

/* One kernel group against the pcilu groups of its members. */
static bool same_set(const struct pcilu_iommu *r, const struct kpair *k, size_t n)
{
	int32_t g = pcilu_iommu_group_of(r, k[0].dev);

	for (size_t i = 1; i < n; i++)
		if (pcilu_iommu_group_of(r, k[i].dev) != g)
			return false;
	return g != PCILU_NONE && pcilu_iommu_group(r, g)->nmembers == n;
}

static int compare(FILE *f, struct pcilu_jw *w, const struct pcilu_iommu *r)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct kpair *k = malloc((t->ndevs ? t->ndevs : 1) * sizeof(*k));
	struct pcilu_buf b = { 0 };
	int32_t *tmp = malloc((t->ndevs ? t->ndevs : 1) * sizeof(*tmp));
	size_t nk = 0, diffs = 0;
	char bdf[24];

	if (!k || !tmp) {
		free(k);
		free(tmp);
		return -ENOMEM;
	}
	if (!t->has_kernel_groups) {
		free(k);
		free(tmp);
		return -ENODATA;
	}
	for (size_t i = 0; i < t->ndevs; i++) {
		if (t->devs[i].kernel_group >= 0) {
			k[nk++] = (struct kpair){ t->devs[i].kernel_group, (int32_t)i };
			continue;
		}
		if (pcilu_iommu_group_of(r, (int32_t)i) == PCILU_NONE)
			continue;	/* in no group on either side */
		pcilu_buf_printf(&b, "%s is in no kernel group (pcilu: group %d)",
				 pcilu_bdf(&t->devs[i], bdf, sizeof(bdf)), pcilu_iommu_group_of(r, (int32_t)i));
		add_diff(w, f, &b);
		diffs++;
	}
	qsort(k, nk, sizeof(*k), cmp_kpair);
	for (size_t s = 0, e; s < nk; s = e) {
		for (e = s; e < nk && k[e].kgroup == k[s].kgroup; e++)
			tmp[e - s] = k[e].dev;
		if (same_set(r, k + s, e - s))
			continue;
		pcilu_buf_printf(&b, "kernel group %d {", k[s].kgroup);
		list_devs(&b, t, tmp, e - s);
		pcilu_buf_printf(&b, "} but pcilu:");
		for (size_t i = s; i < e; i++) {
			int32_t g = pcilu_iommu_group_of(r, k[i].dev);
			const struct pcilu_group *gr = pcilu_iommu_group(r, g);
			bool seen = false;

			for (size_t j = s; j < i; j++)
				seen |= pcilu_iommu_group_of(r, k[j].dev) == g;
			if (seen)
				continue;
			if (!gr) {
				pcilu_buf_printf(&b, " %s in no group", pcilu_bdf(&t->devs[k[i].dev], bdf, sizeof(bdf)));
				continue;
			}
			pcilu_buf_printf(&b, " group %d {", g);
			list_devs(&b, t, gr->members, gr->nmembers);
			pcilu_buf_printf(&b, "}");
		}
		add_diff(w, f, &b);
		diffs++;
	}
	free(b.p);
	free(k);
	free(tmp);
	return (int)(diffs > 0x7fffffff ? 0x7fffffff : diffs);
}

int pcilu_groups_compare(FILE *f, const struct pcilu_iommu *r)
{
	return compare(f, NULL, r);
}

int pcilu_groups_compare_jw(struct pcilu_jw *w, const struct pcilu_iommu *r)
{
	return compare(NULL, w, r);
}
