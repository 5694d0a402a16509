// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The preserve set: the devices asked for plus every bridge up to their root
 * ports, because the kernel preserves the path so the bridges keep their bus
 * numbers and keep forwarding the device's DMA.
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct walk {
	uint32_t *refs;		/* per device index */
	uint8_t *role;
};

/* pci_liveupdate_preserve_path(), drivers/pci/liveupdate.c (liveupdate next, 2026) */
static int preserve_path(const struct pcilu_topology *t, struct walk *w, int32_t dev,
			 struct pcilu_diag *d)
{
	char bdf[24], up_bdf[24];
	int32_t path[LU_MAX_PATH];
	bool root;
	size_t n = pcilu_lu_path(t, dev, path, LU_MAX_PATH, &root);

	if (!root && n == LU_MAX_PATH) {
		pcilu_diag_add(d, PCILU_ERROR, t->name, 0, -1, "%s: bridge path deeper than %d levels",
			       pcilu_bdf(&t->devs[dev], bdf, sizeof(bdf)), LU_MAX_PATH);
		return -ELOOP;
	}
	if (!root) {
		int32_t top = n ? path[n - 1] : dev;

		pcilu_diag_add(d, PCILU_ERROR, t->name, t->devs[top].line, -1,
			       "%s: no bridge leads from %s up to a root bus",
			       pcilu_bdf(&t->devs[dev], bdf, sizeof(bdf)),
			       pcilu_bdf(&t->devs[top], up_bdf, sizeof(up_bdf)));
		return -EINVAL;
	}
	for (size_t i = 0; i < n; i++) {
		w->role[path[i]] = PCILU_LU_BRIDGE;
		w->refs[path[i]]++;
	}
	return 0;
}

static int mark_endpoints(const struct pcilu_topology *t, struct walk *w, const int32_t *devs,
			  size_t n, struct pcilu_diag *d)
{
	char bdf[24];

	for (size_t i = 0; i < n; i++) {
		int32_t dev = devs[i];

		if (dev < 0 || (size_t)dev >= t->ndevs)
			return -EINVAL;
		pcilu_bdf(&t->devs[dev], bdf, sizeof(bdf));
		if (w->role[dev] == PCILU_LU_ENDPOINT) {
			/* pci_liveupdate_preserve(): an endpoint already outgoing is -EBUSY */
			pcilu_diag_add(d, PCILU_ERROR, NULL, 0, -1, "%s is listed twice", bdf);
			return -EBUSY;
		}
		if (pcilu_is_bridge(&t->devs[dev])) {
			pcilu_diag_add(d, PCILU_ERROR, NULL, 0, -1,
				       "%s is a bridge: bridges are preserved for the devices below them, "
				       "list those devices instead", bdf);
			return -EINVAL;
		}
		w->role[dev] = PCILU_LU_ENDPOINT;
		w->refs[dev] = 1;
	}
	return 0;
}

static int collect(const struct pcilu_topology *t, const struct walk *w,
		   struct pcilu_preserve_set *set)
{
	size_t count = 0, k = 0;

	for (size_t i = 0; i < t->ndevs; i++)
		count += w->role[i] != 0;
	set->nodes = calloc(count ? count : 1, sizeof(*set->nodes));
	if (!set->nodes)
		return -ENOMEM;
	for (size_t i = 0; i < t->ndevs; i++) {
		if (!w->role[i])
			continue;
		set->nodes[k].dev = (int32_t)i;
		set->nodes[k].role = (enum pcilu_lu_role)w->role[i];
		set->nodes[k].refcount = w->refs[i];
		set->nendpoints += w->role[i] == PCILU_LU_ENDPOINT;
		k++;
	}
	set->count = count;
	return 0;
}

int pcilu_preserve_set_build(const struct pcilu_topology *t, const int32_t *devs, size_t n,
			     struct pcilu_preserve_set *set, struct pcilu_diag *d)
{
	struct walk w;
	int ret;

	memset(set, 0, sizeof(*set));
	if (!n)
		return -EINVAL;
	w.refs = calloc(t->ndevs ? t->ndevs : 1, sizeof(*w.refs));
	w.role = calloc(t->ndevs ? t->ndevs : 1, sizeof(*w.role));
	ret = w.refs && w.role ? 0 : -ENOMEM;
	/* All endpoints first, so a bridge listed as an endpoint is found whatever the order. */
	if (!ret)
		ret = mark_endpoints(t, &w, devs, n, d);
	for (size_t i = 0; !ret && i < n; i++)
		ret = preserve_path(t, &w, devs[i], d);
	if (!ret)
		ret = collect(t, &w, set);
	free(w.refs);
	free(w.role);
	return ret;
}

void pcilu_preserve_set_free(struct pcilu_preserve_set *set)
{
	free(set->nodes);
	memset(set, 0, sizeof(*set));
}

const char *pcilu_lu_role_name(enum pcilu_lu_role r)
{
	return r == PCILU_LU_BRIDGE ? "bridge" : r == PCILU_LU_ENDPOINT ? "endpoint" : "unknown";
}

char *pcilu_lu_addr_fmt(struct pcilu_lu_addr a, char *buf, size_t len)
{
	return pcilu_bdf_fmt(a.seg, (uint8_t)(a.bdf >> 8), (uint8_t)a.bdf, buf, len);
}
