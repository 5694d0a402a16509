// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's preserve rules, one profile per version of the series
 * (research: liveupdate-series.md §1.3, §2.1, §5.1). Every refusal carries
 * the errno the kernel returns, so a preflight answer can be checked
 * against what LIVEUPDATE_SESSION_PRESERVE_FD would say.
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const profile_names[PCILU_LU_NPROFILES] = {
	[PCILU_LU_V4] = "v4", [PCILU_LU_NEXT] = "next", [PCILU_LU_IOMMUFD] = "iommufd",
};

const char *pcilu_lu_profile_name(unsigned profile)
{
	return profile < PCILU_LU_NPROFILES ? profile_names[profile] : "unknown";
}

int pcilu_lu_profile_parse(const char *s)
{
	for (unsigned i = 0; i < PCILU_LU_NPROFILES; i++)
		if (!strcmp(s, profile_names[i]))
			return (int)i;
	return -EINVAL;
}

const char *pcilu_lu_rule_name(unsigned rule)
{
	static const char *const n[] = {
		[PCILU_LUR_BRIDGE] = "bridge", [PCILU_LUR_VF] = "vf", [PCILU_LUR_ACS_QUIRK] = "acs-quirk",
		[PCILU_LUR_NO_GROUP] = "no-group",
		[PCILU_LUR_GROUP] = "group", [PCILU_LUR_ACS_PATH] = "acs-path",
		[PCILU_LUR_DMA_ALIAS] = "dma-alias", [PCILU_LUR_BUSY] = "busy",
		[PCILU_LUR_PARTIAL_GROUP] = "partial-group", [PCILU_LUR_UNREADABLE] = "unreadable",
	};

	return rule < sizeof(n) / sizeof(n[0]) && n[rule] ? n[rule] : "unknown";
}

const char *pcilu_lu_severity_name(unsigned sev)
{
	return sev == PCILU_LUS_REFUSE ? "refuse" : sev == PCILU_LUS_CAVEAT ? "caveat" :
	       sev == PCILU_LUS_UNDECIDED ? "undecided" : "note";
}

const char *pcilu_lu_state_name(unsigned state)
{
	return state == PCILU_LU_REFUSED ? "refused" : state == PCILU_LU_UNDECIDED ? "undecided" : "eligible";
}

const char *pcilu_lu_basis_name(unsigned basis)
{
	return basis == PCILU_LU_POLICY ? "policy" : "code";
}

/* research: liveupdate-series.md §1.3, liveupdate-2026-12.md §2 and §4 */
const char *pcilu_lu_profile_basis(unsigned profile)
{
	switch (profile) {
	case PCILU_LU_V4:
		return "PCI Live Update v4 as posted (2026-04; never merged): code";
	case PCILU_LU_NEXT:
		return "PCI Live Update v9 as staged for 7.4 in liveupdate.git next: code";
	default:
		return "next + the iommufd preservation code as posted (v5, 2026-09): code; "
		       "+ a singleton IOMMU group: policy agreed in review, checked by no posted code";
	}
}

/*
 * Under iommufd, the group rules (a group at all, singleton, ACS path, whole
 * groups) are the policy review asked iommufd to enforce. iommufd as posted
 * checks none of them, and preserves a noiommu device at the PCI level only
 * (vfio calls iommufd_device_preserve() only for an iommufd-attached device).
 */
static uint8_t rule_basis(unsigned profile, uint8_t rule)
{
	if (profile != PCILU_LU_IOMMUFD)
		return PCILU_LU_CODE;
	/* The DMA-alias caveat is review's concern too: no posted code looks at aliases. */
	return rule == PCILU_LUR_GROUP || rule == PCILU_LUR_ACS_PATH || rule == PCILU_LUR_PARTIAL_GROUP ||
	       rule == PCILU_LUR_NO_GROUP || rule == PCILU_LUR_DMA_ALIAS ? PCILU_LU_POLICY : PCILU_LU_CODE;
}

uint8_t pcilu_lu_rule_basis(unsigned profile, uint8_t rule)
{
	return rule_basis(profile, rule);
}

const char *pcilu_errno_name(int err)
{
	switch (-err) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case EBUSY: return "EBUSY";
	case ENOENT: return "ENOENT";
	case ENOSPC: return "ENOSPC";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOMEM: return "ENOMEM";
	case ELOOP: return "ELOOP";
	default: return "E?";
	}
}

/* __pci_config_acs(), drivers/pci/pci.c, 7.2: flags are written bit 6 first, bit 0 last. */
char *pcilu_lu_config_acs_str(const struct pcilu_dev *dev, uint16_t missing, char *buf, size_t len)
{
	char flags[8], bdf[24];
	int top = 0;

	for (int b = 0; b < 7; b++)
		if (missing & (1u << b))
			top = b;
	for (int b = top, k = 0; b >= 0; b--, k++)
		flags[k] = (missing & (1u << b)) ? '1' : 'x';
	flags[top + 1] = 0;
	snprintf(buf, len, "%s@%s", flags, pcilu_bdf(dev, bdf, sizeof(bdf)));
	return buf;
}

size_t pcilu_lu_path(const struct pcilu_topology *t, int32_t dev, int32_t *path, size_t max, bool *root)
{
	size_t n = 0;
	int32_t cur = dev;

	*root = false;
	while (n < max) {
		int32_t up = pcilu_upstream_bridge(t, cur);

		if (up == PCILU_NONE) {
			int32_t b = t->devs[cur].bus_idx;

			while (b != PCILU_NONE && t->buses[b].is_virtual)
				b = t->buses[b].parent;
			*root = b != PCILU_NONE && pcilu_is_root_bus(&t->buses[b]);
			return n;
		}
		path[n++] = up;
		cur = up;
	}
	return n;
}

int pcilu_lu_reason_add(struct pcilu_lu_reason **a, size_t *n, const struct pcilu_lu_reason *r)
{
	struct pcilu_lu_reason *na = realloc(*a, (*n + 1) * sizeof(**a));

	if (!na)
		return -ENOMEM;
	*a = na;
	na[(*n)++] = *r;
	return 0;
}

void pcilu_lu_reasons_free(struct pcilu_lu_reason *a, size_t n)
{
	(void)n;
	free(a);
}

/* pci_for_each_dma_alias(), drivers/pci/search.c, 7.2, and the alias quirks of quirks.c. */
uint8_t pcilu_lu_dma_alias(const struct pcilu_lu_ctx *c, int32_t dev, int32_t *via)
{
	int32_t real = pcilu_iommu_real_dma_dev(c->r, dev);
	int32_t path[LU_MAX_PATH];
	bool root;
	size_t n = pcilu_lu_path(c->t, dev, path, LU_MAX_PATH, &root);

	if (pcilu_iommu_has_dma_alias(c->r, dev) || real != dev) {
		*via = real;
		return PCILU_LUW_ALIAS_QUIRK;
	}
	for (size_t i = 0; i < n; i++) {
		const struct pcilu_dev *br = &c->t->devs[path[i]];

		if (br->caps_unknown)
			continue;	/* its type is unknown; the group rules say so */
		if (!br->pcie_pos || br->pcie_type == PCI_EXP_TYPE_PCI_BRIDGE ||
		    br->pcie_type == PCI_EXP_TYPE_PCIE_BRIDGE) {
			*via = path[i];
			return PCILU_LUW_ALIAS_BRIDGE;
		}
	}
	return 0;
}

struct ev {
	const struct pcilu_lu_ctx *c;
	int32_t dev;
	bool ungrouped;		/* the kernel gave it no group: the group rules have nothing to judge */
	unsigned profile;
	struct pcilu_lu_verdict *v;
	int32_t path[LU_MAX_PATH];
	size_t npath;
	bool root;
};

static int note(struct ev *e, uint8_t rule, uint8_t why, uint8_t sev, int32_t where, int32_t other,
		uint16_t missing, uint8_t flags)
{
	struct pcilu_lu_reason r = { .rule = rule, .why = why, .profile = (uint8_t)e->profile, .sev = sev,
				     .card = e->dev, .dev = where, .other = other, .missing = missing,
				     .flags = flags, .basis = rule_basis(e->profile, rule) };

	return pcilu_lu_reason_add(&e->v->reasons, &e->v->nreasons, &r);
}

/*
 * A rule that fails on bytes the source did not have (PCILU_RF_UNKNOWN) is
 * undecided, not refused: unknown never turns into a verdict.
 */
static int refuse(struct ev *e, uint8_t rule, uint8_t why, int32_t where, int32_t other, uint16_t missing,
		  uint8_t flags)
{
	bool unknown = flags & PCILU_RF_UNKNOWN;
	int ret = note(e, rule, why, unknown ? PCILU_LUS_UNDECIDED : PCILU_LUS_REFUSE, where, other, missing,
		       flags);

	if (ret)
		return ret;
	e->v->reasons[e->v->nreasons - 1].err = unknown ? 0 : -EINVAL;
	e->v->eligible = false;
	if (!unknown && e->v->state != PCILU_LU_REFUSED) {
		e->v->state = PCILU_LU_REFUSED;
		e->v->err = -EINVAL;
	} else if (unknown && e->v->state == PCILU_LU_ELIGIBLE) {
		e->v->state = PCILU_LU_UNDECIDED;
	}
	return 0;
}

/* is_virtfn of the device, and in next of every bridge on the path too. */
static int rule_vf(struct ev *e)
{
	size_t n = e->profile == PCILU_LU_V4 ? 0 : e->npath;
	int ret = 0;

	for (size_t i = 0; i <= n && !ret; i++) {
		int32_t d = i ? e->path[i - 1] : e->dev;

		if (e->c->t->devs[d].is_virtfn)
			ret = refuse(e, PCILU_LUR_VF, PCILU_LUW_VF, d, PCILU_NONE, 0, 0);
	}
	return ret;
}

static int rule_quirk(struct ev *e)
{
	int ret = 0;

	for (size_t i = 0; i <= e->npath && !ret; i++) {
		int32_t d = i ? e->path[i - 1] : e->dev;

		if (pcilu_acs_ops_match(&e->c->t->devs[d]))
			ret = refuse(e, PCILU_LUR_ACS_QUIRK, PCILU_LUW_ACS_QUIRK, d, PCILU_NONE, 0, 0);
	}
	return ret;
}

/*
 * The computed group rests on bytes that were not read, but the source
 * carries the kernel's own group: that decides. 1 decided (alone or
 * refused), 0 not decidable this way, negative errno.
 */
static int kernel_group_rule(struct ev *e, const struct pcilu_group *g)
{
	const struct pcilu_topology *t = e->c->t;
	int32_t other;

	if (!(g->flags & PCILU_RF_UNKNOWN) || !e->c->kx || t->devs[e->dev].kernel_group == PCILU_NO_GROUP)
		return 0;
	if (pcilu_lu_group_count(t, e->c->kx, e->dev, &other) == 1)
		return 1;
	return refuse(e, PCILU_LUR_GROUP, PCILU_LUW_GROUP_KERNEL, e->dev, other, 0, 0) ?: 1;
}

/* Who else is in the group: the singleton rule (strict), or a note (next). */
static int rule_group(struct ev *e, bool strict)
{
	const struct pcilu_iommu *r = e->c->r;
	const struct pcilu_group *g = pcilu_iommu_group(r, pcilu_iommu_group_of(r, e->dev));
	int32_t other = PCILU_NONE;
	int ret;

	if (!g)
		return 0;
	if (strict && (ret = kernel_group_rule(e, g)))
		return ret < 0 ? ret : 0;
	if (g->nmembers == 1)
		return strict && (g->flags & PCILU_RF_UNKNOWN) ?
		       refuse(e, PCILU_LUR_GROUP, PCILU_LUW_GROUP_UNREAD, e->dev, PCILU_NONE, 0, g->flags) : 0;
	for (size_t i = 0; i < g->nmembers && other == PCILU_NONE; i++)
		if (g->members[i] != e->dev)
			other = g->members[i];
	if (!strict)
		return note(e, PCILU_LUR_GROUP, PCILU_LUW_GROUP_NOTE, PCILU_LUS_NOTE, e->dev, other, 0, 0);
	return refuse(e, PCILU_LUR_GROUP, PCILU_LUW_GROUP_SHARED, e->dev, other, 0, g->flags);
}

/* pci_acs_path_enabled(bus->self, NULL, REQ_ACS_FLAGS) from the first bus with a bridge. */
static int rule_acs_path(struct ev *e)
{
	struct pcilu_acs_eval ae;
	int32_t fail;

	/* Unreadable ACS (-ENODATA) refuses too; the reason's flags say it rests on an unknown. */
	if (!e->npath || pcilu_lu_acs_path_ok(e->c->r, e->path[0], &fail, &ae, NULL, 0) == 1)
		return 0;
	return refuse(e, PCILU_LUR_ACS_PATH, PCILU_LUW_ACS_PATH, fail, PCILU_NONE,
		      ae.missing ? ae.missing : ae.req, ae.flags);
}

/*
 * No IOMMU on: no group (Jacob Pan on v4 08/11). With groups: the kernel's,
 * else the firmware's table, else config space decide whether an IOMMU
 * translates the device at all (src/iommu/coverage.c).
 */
static int rule_no_group(struct ev *e)
{
	uint8_t why;

	if (!e->c->iommu_on)
		return refuse(e, PCILU_LUR_NO_GROUP, PCILU_LUW_NO_IOMMU, e->dev, PCILU_NONE, 0, 0);
	/*
	 * With the IOMMU on, r's coverage is r_on's: it rests on the topology, the
	 * firmware table and intel_iommu=igfx_off, never on ACS (coverage.c).
	 */
	switch (pcilu_iommu_untranslated(e->c->r, e->dev)) {
	case 0:
		return 0;
	case PCILU_UNTR_IOMMU_FN:
		why = PCILU_LUW_IOMMU_FN;
		break;
	default:
		why = PCILU_LUW_UNGROUPED;
		break;
	}
	e->ungrouped = true;
	return refuse(e, PCILU_LUR_NO_GROUP, why, e->dev, PCILU_NONE, 0, 0);
}

static int rule_alias(struct ev *e)
{
	int32_t via;
	uint8_t why = pcilu_lu_dma_alias(e->c, e->dev, &via);

	return why ? note(e, PCILU_LUR_DMA_ALIAS, why, PCILU_LUS_CAVEAT, e->dev, via, 0, 0) : 0;
}

static int eval_steps(struct ev *e)
{
	int ret = rule_vf(e);

	if (!ret && e->profile != PCILU_LU_V4)
		ret = rule_quirk(e);
	if (ret)
		return ret;
	if (e->profile == PCILU_LU_NEXT)
		/* The PCI core checks no IOMMU state: without one, it keeps the device alone. */
		return e->c->iommu_on ? rule_group(e, false) :
		       note(e, PCILU_LUR_NO_GROUP, PCILU_LUW_NO_IOMMU_NOTE, PCILU_LUS_NOTE, e->dev, PCILU_NONE, 0, 0);
	ret = rule_no_group(e);
	if (!ret && e->c->iommu_on && !e->ungrouped)
		ret = rule_group(e, true);
	if (!ret && e->c->iommu_on && !e->ungrouped)
		ret = rule_acs_path(e);
	if (!ret && e->profile == PCILU_LU_IOMMUFD)
		ret = rule_alias(e);
	return ret;
}

int pcilu_lu_eval(const struct pcilu_lu_ctx *c, int32_t dev, unsigned profile, struct pcilu_lu_verdict *v)
{
	struct ev e = { .c = c, .dev = dev, .profile = profile, .v = v };

	memset(v, 0, sizeof(*v));
	v->profile = profile;
	v->eligible = true;
	v->state = PCILU_LU_ELIGIBLE;
	if (c->t->devs[dev].dead)
		return refuse(&e, PCILU_LUR_UNREADABLE, PCILU_LUW_UNREADABLE, dev, PCILU_NONE, 0, PCILU_RF_UNKNOWN);
	if (pcilu_is_bridge(&c->t->devs[dev]))
		return refuse(&e, PCILU_LUR_BRIDGE, PCILU_LUW_BRIDGE, dev, PCILU_NONE, 0, 0);
	e.npath = pcilu_lu_path(c->t, dev, e.path, LU_MAX_PATH, &e.root);
	return eval_steps(&e);
}
