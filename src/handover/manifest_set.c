// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The checks across a decoded manifest's nodes, once every node has been
 * read (manifest_read.c): no address twice, each bridge's refcount the
 * number of preserved endpoints below it, at least one endpoint.
 */
#include "handover_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int bad(const char *file, struct pcilu_diag *d, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(const char *file, struct pcilu_diag *d, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pcilu_diag_add(d, PCILU_ERROR, file, 0, -1, "node /devices: %s", text);
	return -EINVAL;
}

static uint64_t addr_key(struct pcilu_lu_addr a)
{
	return (uint64_t)a.seg << 16 | a.bdf;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * Across nodes: no address twice, and each bridge's refcount counts the
 * endpoints below it. Sorted keys, not a comparison of every pair: a
 * manifest may hold PCILU_MANIFEST_MAX_NODES nodes.
 */
int pcilu_manifest_check_set(const struct pcilu_manifest *m, const char *file, struct pcilu_diag *d)
{
	uint64_t *all = malloc((m->count ? m->count : 1) * 2 * sizeof(*all)), *ep;
	size_t nep = 0;
	char a[24];
	int ret = 0;

	if (!all)
		return -ENOMEM;
	ep = all + m->count;
	for (size_t i = 0; i < m->count; i++) {
		all[i] = addr_key(m->nodes[i].addr);
		if (m->nodes[i].role == PCILU_LU_ENDPOINT)
			ep[nep++] = all[i];
	}
	qsort(all, m->count, sizeof(*all), cmp_u64);
	qsort(ep, nep, sizeof(*ep), cmp_u64);
	for (size_t i = 1; !ret && i < m->count; i++)
		if (all[i] == all[i - 1])
			ret = bad(file, d, "device %s is listed twice",
				  pcilu_lu_addr_fmt((struct pcilu_lu_addr){ .seg = (uint32_t)(all[i] >> 16),
									    .bdf = (uint16_t)all[i] }, a, sizeof(a)));
	for (size_t i = 0; !ret && i < m->count; i++) {
		const struct pcilu_manifest_node *n = &m->nodes[i];
		uint64_t seg = (uint64_t)n->addr.seg << 16;
		uint64_t lo, hi;
		size_t below;

		if (n->role != PCILU_LU_BRIDGE)
			continue;
		/* Endpoints on buses secondary..subordinate of the bridge's segment. */
		hi = seg + ((uint64_t)n->subordinate + 1) * 256;
		lo = seg + (uint64_t)n->secondary * 256;
		below = pcilu_lower_u64(ep, nep, hi) - pcilu_lower_u64(ep, nep, lo);
		if (below != n->refcount)
			ret = bad(file, d, "bridge %s has refcount %u but %zu preserved endpoint(s) below it",
				  pcilu_lu_addr_fmt(n->addr, a, sizeof(a)), n->refcount, below);
	}
	if (!ret && !nep)
		ret = bad(file, d, "no preserved endpoint");
	free(all);
	return ret;
}
