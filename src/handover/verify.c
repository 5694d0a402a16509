// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * After kexec: did the new kernel keep what was promised? Every preserved
 * device at the same address with the same ids, bridges with the same bus
 * numbers, ACS control and ARI Forwarding Enable inherited, the endpoints
 * still isolated. A drift that follows from another (an endpoint losing its
 * ACS path because a port's ACS control changed) points at its cause, so the
 * report names the root problem once.
 */
#include "handover_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const drift_names[] = {
	[PCILU_DRIFT_MISSING] = "missing", [PCILU_DRIFT_IDS] = "ids",
	[PCILU_DRIFT_BUS_NUMBERS] = "bus-numbers", [PCILU_DRIFT_ACS_CTRL] = "acs-ctrl",
	[PCILU_DRIFT_ARI] = "ari-forwarding", [PCILU_DRIFT_ACS_PATH] = "acs-path",
	[PCILU_DRIFT_GROUP] = "iommu-group", [PCILU_DRIFT_KERNEL_GROUP] = "kernel-iommu-group",
};

const char *pcilu_drift_kind_name(enum pcilu_drift_kind k)
{
	return k >= PCILU_DRIFT_MISSING && k <= PCILU_DRIFT_KERNEL_GROUP ? drift_names[k] : "unknown";
}

int pcilu_verify_add(struct pcilu_verify *v, enum pcilu_drift_kind kind, struct pcilu_lu_addr addr,
		     long cause, const char *fmt, ...)
{
	struct pcilu_drift *dr;
	va_list ap;
	char *text;

	if (v->count == v->cap) {
		size_t ncap = v->cap ? v->cap * 2 : 16;
		struct pcilu_drift *n = realloc(v->drifts, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		v->drifts = n;
		v->cap = ncap;
	}
	va_start(ap, fmt);
	int len = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (len < 0)
		return -ENOMEM;
	dr = &v->drifts[v->count++];
	memset(dr, 0, sizeof(*dr));
	dr->kind = kind;
	dr->addr = addr;
	dr->cause = cause;
	dr->text = text;
	v->primary += cause < 0;
	return 0;
}

void pcilu_verify_free(struct pcilu_verify *v)
{
	for (size_t i = 0; i < v->count; i++)
		free(v->drifts[i].text);
	free(v->drifts);
	memset(v, 0, sizeof(*v));
}

static bool same_ids(const struct pcilu_manifest_node *n, const struct pcilu_dev *p)
{
	return n->vendor == p->vendor && n->device == p->device && n->subsys_vendor == p->subsys_vendor &&
	       n->subsys_device == p->subsys_device && n->class == p->class && n->revision == p->revision;
}

static int set_values(struct pcilu_verify *v, uint32_t expected, uint32_t actual)
{
	v->drifts[v->count - 1].expected = expected;
	v->drifts[v->count - 1].actual = actual;
	return 0;
}

/* Identity and registers of one node, as found at its address (@p NULL: nothing there). */
static int check_node(struct pcilu_verify *v, struct pcilu_verify_causes *cx,
		      const struct pcilu_manifest_node *n, const struct pcilu_dev *p)
{
	char a[24], was[48], now[48];
	int ret = 0;

	/* The address is written out only for a drift: most nodes have none. */
	if (!p)
		return pcilu_verify_add(v, PCILU_DRIFT_MISSING, n->addr,
					pcilu_verify_find_cause(cx, v, n, PCILU_DRIFT_BIT(PCILU_DRIFT_BUS_NUMBERS), false),
					"%s (%04x:%04x, %s) is missing: no device at that address", pcilu_lu_addr_fmt(n->addr, a, sizeof(a)),
					n->vendor, n->device, pcilu_lu_role_name(n->role));
	if (!same_ids(n, p))
		return pcilu_verify_add(v, PCILU_DRIFT_IDS, n->addr, -1,
					"%s is now %04x:%04x subsystem %04x:%04x class %06x rev %02x, "
					"was %04x:%04x subsystem %04x:%04x class %06x rev %02x", pcilu_lu_addr_fmt(n->addr, a, sizeof(a)),
					p->vendor, p->device, p->subsys_vendor, p->subsys_device, p->class,
					p->revision, n->vendor, n->device, n->subsys_vendor, n->subsys_device,
					n->class, n->revision);
	if (n->is_bridge && (p->primary != n->primary || p->secondary != n->secondary ||
			     p->subordinate != n->subordinate))
		ret = pcilu_verify_add(v, PCILU_DRIFT_BUS_NUMBERS, n->addr, -1,
				       "bus numbers of bridge %s changed from %02x/%02x/%02x to %02x/%02x/%02x "
				       "(primary/secondary/subordinate): the new kernel did not preserve them",
				       pcilu_lu_addr_fmt(n->addr, a, sizeof(a)), n->primary, n->secondary, n->subordinate, p->primary, p->secondary,
				       p->subordinate) ?:
		      set_values(v, (uint32_t)n->primary << 16 | n->secondary << 8 | n->subordinate,
				 (uint32_t)p->primary << 16 | p->secondary << 8 | p->subordinate);
	if (!ret && n->has_acs && (!p->acs_pos || p->acs_ctrl != n->acs_ctrl))
		ret = pcilu_verify_add(v, PCILU_DRIFT_ACS_CTRL, n->addr, -1,
				       "ACS control of %s changed from %s to %s: the new kernel did not inherit it",
				       pcilu_lu_addr_fmt(n->addr, a, sizeof(a)), pcilu_acs_flags_str(n->acs_ctrl, was, sizeof(was)),
				       p->acs_pos ? pcilu_acs_flags_str(p->acs_ctrl, now, sizeof(now)) : "no ACS capability") ?:
		      set_values(v, n->acs_ctrl, p->acs_pos ? p->acs_ctrl : 0);
	if (!ret && n->ari_fwd != p->ari_fwd)
		ret = pcilu_verify_add(v, PCILU_DRIFT_ARI, n->addr, -1,
				       "ARI Forwarding Enable of %s changed from %s to %s: the new kernel did not adopt it",
				       pcilu_lu_addr_fmt(n->addr, a, sizeof(a)), n->ari_fwd ? "on" : "off", p->ari_fwd ? "on" : "off") ?:
		      set_values(v, n->ari_fwd, p->ari_fwd);
	return ret;
}

static int check_acs_path(struct pcilu_verify *v, struct pcilu_verify_causes *cx, const struct pcilu_manifest *m,
			  const struct pcilu_manifest_node *n, const struct pcilu_topology *t,
			  const struct pcilu_lu_iommu *io, int32_t dev, struct pcilu_diag *d)
{
	char a[24], why[320];
	int32_t up = pcilu_upstream_bridge(t, dev), fail;
	struct pcilu_acs_eval e;
	int ok;

	if (up == PCILU_NONE || !io->r)
		return 0;
	ok = pcilu_lu_acs_path_ok(io->r, up, &fail, &e, why, sizeof(why));
	if (ok == 1)
		return 0;
	pcilu_lu_addr_fmt(n->addr, a, sizeof(a));
	/* Only a path the plan's rules required was promised; next does not look at it. */
	if (ok < 0 || m->forced || (m->profile && pcilu_lu_profile_parse(m->profile) == PCILU_LU_NEXT)) {
		pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1, "%s: %s%s", a, why,
			       ok < 0 ? " (cannot tell)" : m->forced ? " (the plan was forced)" :
			       " (the plan's profile, next, does not require an ACS path)");
		return 0;
	}
	return pcilu_verify_add(v, PCILU_DRIFT_ACS_PATH, n->addr,
				pcilu_verify_find_cause(cx, v, n, PCILU_CONFIG_DRIFTS, true),
				"%s is no longer on a path with ACS SV|RR|CR|UF enabled up to the root (%s)",
				a, why);
}

static int cmp_key(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Sorted keys (segment, bus) << 32 | index: the manifest's bridges by secondary bus, the topology's buses. */
static uint64_t *bus_keys(const struct pcilu_manifest *m, const struct pcilu_topology *t, size_t *n)
{
	uint64_t *k = malloc(((m ? m->count : t->nbuses) + 1) * sizeof(*k));

	*n = 0;
	for (size_t i = 0; k && m && i < m->count; i++)
		if (m->nodes[i].role == PCILU_LU_BRIDGE)
			k[(*n)++] = ((uint64_t)m->nodes[i].addr.seg << 8 | m->nodes[i].secondary) << 32 | i;
	for (size_t i = 0; k && !m && i < t->nbuses; i++)
		if (!t->buses[i].is_virtual)
			k[(*n)++] = ((uint64_t)t->buses[i].seg << 8 | t->buses[i].number) << 32 | i;
	if (k)
		qsort(k, *n, sizeof(*k), cmp_key);
	return k;
}

/* The index stored with @key's (segment, bus) in @k, or -1. Searched inline: once per bus of every path. */
static long key_find(const uint64_t *k, size_t n, uint64_t seg_bus)
{
	size_t lo = pcilu_lower_u64(k, n, seg_bus << 32);

	return lo < n && k[lo] >> 32 == seg_bus ? (long)(uint32_t)k[lo] : -1;
}

/*
 * pcilu plan records every bridge from each endpoint up to its root port. A
 * manifest whose chain breaks where this topology has a bridge lost nodes
 * (edited, or damaged in a way no crc32 covered): refused, since the bridges
 * it lacks would go unchecked.
 */
static int check_recorded_path(const struct pcilu_manifest *m, const struct pcilu_topology *t,
			       struct pcilu_diag *d)
{
	size_t nm, nt;
	uint64_t *km = bus_keys(m, t, &nm), *kt = bus_keys(NULL, t, &nt);
	/*
	 * A recorded bridge whose path up was walked already needs no second
	 * walk: the walk from it goes the same way, and had it failed, the
	 * check would have stopped there. Endpoints share most of their paths.
	 */
	uint8_t *walked = calloc(m->count ? m->count : 1, 1);
	int ret = km && kt && walked ? 0 : -ENOMEM;
	char a[24], b[24];

	for (size_t i = 0; !ret && i < m->count; i++) {
		const struct pcilu_manifest_node *n = &m->nodes[i];
		uint32_t bus = n->addr.bdf >> 8;
		long up, tb;

		if (n->role != PCILU_LU_ENDPOINT)
			continue;
		for (int depth = 0; depth < 256; depth++) {
			up = key_find(km, nm, (uint64_t)n->addr.seg << 8 | bus);
			if (up >= 0 && walked[up])
				break;
			if (up >= 0) {
				walked[up] = 1;
				bus = m->nodes[up].primary;
				continue;
			}
			tb = key_find(kt, nt, (uint64_t)n->addr.seg << 8 | bus);
			if (tb >= 0 && t->buses[tb].self != PCILU_NONE) {
				pcilu_diag_add(d, PCILU_ERROR, NULL, 0, -1,
					       "the manifest is incomplete: it records no bridge above bus %04x:%02x on the "
					       "path of endpoint %s, where this system has %s (pcilu plan records every "
					       "bridge up to the root port)", n->addr.seg, bus,
					       pcilu_lu_addr_fmt(n->addr, a, sizeof(a)),
					       pcilu_bdf(&t->devs[t->buses[tb].self], b, sizeof(b)));
				ret = -EINVAL;
			}
			break;
		}
	}
	free(walked);
	free(km);
	free(kt);
	return ret;
}

int pcilu_verify_manifest(const struct pcilu_manifest *m, const struct pcilu_topology *t,
			  const struct pcilu_lu_iommu *io, struct pcilu_verify *v,
			  struct pcilu_diag *d)
{
	int32_t *idx = calloc(m->count ? m->count : 1, sizeof(*idx));
	struct pcilu_lu_gindex gx[2] = { 0 };
	struct pcilu_verify_causes *cx = NULL;
	int ret = idx ? 0 : -ENOMEM;

	memset(v, 0, sizeof(*v));
	ret = ret ?: pcilu_verify_causes_new(m, &cx);
	ret = ret ?: check_recorded_path(m, t, d);
	/* Group members come from an index built once (gx[0] computed, gx[1] the kernel's). */
	ret = ret ?: pcilu_lu_gindex_of(t, io, &gx[0]);
	ret = ret ?: pcilu_lu_gindex_build(t, NULL, true, &gx[1]);
	/* Registers first, so the isolation checks below can name them as causes. */
	for (size_t i = 0; !ret && i < m->count; i++) {
		const struct pcilu_manifest_node *n = &m->nodes[i];
		size_t before = v->count;

		idx[i] = pcilu_lu_find(t, n->addr);
		ret = check_node(v, cx, n, idx[i] == PCILU_NONE ? NULL : &t->devs[idx[i]]);
		if (v->count > before && (v->drifts[before].kind == PCILU_DRIFT_MISSING ||
					  v->drifts[before].kind == PCILU_DRIFT_IDS))
			idx[i] = PCILU_NONE;	/* not the same device: nothing more to compare */
	}
	for (size_t i = 0; !ret && i < m->count; i++) {
		if (idx[i] == PCILU_NONE)
			continue;
		if (m->nodes[i].role == PCILU_LU_ENDPOINT)
			ret = check_acs_path(v, cx, m, &m->nodes[i], t, io, idx[i], d);
		if (!ret)
			ret = pcilu_verify_groups(v, cx, &m->nodes[i], t, io, gx, idx[i], d);
	}
	if (!ret && !io->group)
		pcilu_diag_add(d, PCILU_WARN, NULL, 0, -1,
			       "computed IOMMU groups unavailable: group membership was not checked");
	pcilu_lu_gindex_free(&gx[0]);
	pcilu_lu_gindex_free(&gx[1]);
	pcilu_verify_causes_free(cx);
	free(idx);
	if (ret)
		pcilu_verify_free(v);
	return ret;
}
