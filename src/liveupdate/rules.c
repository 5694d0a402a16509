// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The kernel's preserve rules, one profile per version of the series
 * (research: liveupdate-series.md §1.3, §2.1, §5.1). Every refusal carries
 * the errno the kernel returns, so a preflight answer can be checked
 * against what LIVEUPDATE_SESSION_PRESERVE_FD would say.
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <stdarg.h>
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

int pcilu_lu_reason_add(struct pcilu_lu_reason **a, size_t *n, const struct pcilu_lu_reason *tmpl,
			char *remedy, const char *fmt, ...)
{
	struct pcilu_lu_reason *na = realloc(*a, (*n + 1) * sizeof(**a));
	va_list ap;
	char *text;
	int len;

	if (!na) {
		free(remedy);
		return -ENOMEM;
	}
	*a = na;
	va_start(ap, fmt);
	len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	text = len >= 0 ? malloc((size_t)len + 1) : NULL;
	if (!text) {
		free(remedy);
		return -ENOMEM;
	}
	va_start(ap, fmt);
	vsnprintf(text, (size_t)len + 1, fmt, ap);
	va_end(ap);
	na[*n] = *tmpl;
	na[*n].text = text;
	na[*n].remedy = remedy;
	(*n)++;
	return 0;
}

void pcilu_lu_reasons_free(struct pcilu_lu_reason *a, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(a[i].text);
		free(a[i].remedy);
	}
	free(a);
}

static const char *bdf_of(const struct lu_ctx *c, int32_t dev, char *buf)
{
	return pcilu_bdf(&c->t->devs[dev], buf, 24);
}

/* pci_for_each_dma_alias(), drivers/pci/search.c, 7.2, and the alias quirks of quirks.c. */
bool pcilu_lu_dma_alias(const struct lu_ctx *c, int32_t dev, int32_t *via, char *why, size_t len)
{
	int32_t real = pcilu_iommu_real_dma_dev(c->r, dev);
	int32_t path[LU_MAX_PATH];
	bool root;
	size_t n = pcilu_lu_path(c->t, dev, path, LU_MAX_PATH, &root);
	char b[24];

	if (pcilu_iommu_has_dma_alias(c->r, dev) || real != dev) {
		*via = real;
		snprintf(why, len, "a kernel quirk gives %s DMA aliases (pci_add_dma_alias()%s)",
			 bdf_of(c, dev, b), real != dev ? ", or a VMD domain's requester ID" : "");
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		const struct pcilu_dev *br = &c->t->devs[path[i]];

		if (br->caps_unknown)
			continue;	/* its type is unknown; the group rules say so */
		if (!br->pcie_pos || br->pcie_type == PCI_EXP_TYPE_PCI_BRIDGE ||
		    br->pcie_type == PCI_EXP_TYPE_PCIE_BRIDGE) {
			*via = path[i];
			snprintf(why, len, "%s is behind %s, a bridge that forwards its DMA under the bridge's "
				 "own requester ID", bdf_of(c, dev, b), pcilu_bdf(br, (char[24]){ 0 }, 24));
			return true;
		}
	}
	return false;
}

struct ev {
	const struct lu_ctx *c;
	int32_t dev;
	bool ungrouped;		/* the kernel gave it no group: the group rules have nothing to judge */
	unsigned profile;
	struct pcilu_lu_verdict *v;
	int32_t path[LU_MAX_PATH];
	size_t npath;
	bool root;
};

/*
 * A rule that fails on bytes the source did not have (PCILU_RF_UNKNOWN) is
 * undecided, not refused: unknown never turns into a verdict.
 */
static int refuse(struct ev *e, uint8_t rule, int32_t where, int32_t other, uint16_t missing,
		  uint8_t flags, char *remedy, const char *text)
{
	bool unknown = flags & PCILU_RF_UNKNOWN;
	struct pcilu_lu_reason t = { .rule = rule, .sev = unknown ? PCILU_LUS_UNDECIDED : PCILU_LUS_REFUSE,
				     .err = unknown ? 0 : -EINVAL, .dev = where, .other = other,
				     .missing = missing, .flags = flags,
				     .basis = rule_basis(e->profile, rule) };

	e->v->eligible = false;
	if (!unknown && e->v->state != PCILU_LU_REFUSED) {
		e->v->state = PCILU_LU_REFUSED;
		e->v->err = -EINVAL;
	} else if (unknown && e->v->state == PCILU_LU_ELIGIBLE) {
		e->v->state = PCILU_LU_UNDECIDED;
	}
	return pcilu_lu_reason_add(&e->v->reasons, &e->v->nreasons, &t, remedy, "%s", text);
}

static int soft(struct ev *e, uint8_t rule, uint8_t sev, int32_t where, int32_t other, const char *text)
{
	struct pcilu_lu_reason t = { .rule = rule, .sev = sev, .dev = where, .other = other,
				     .basis = rule_basis(e->profile, rule) };

	return pcilu_lu_reason_add(&e->v->reasons, &e->v->nreasons, &t, NULL, "%s", text);
}

/* is_virtfn of the device, and in next of every bridge on the path too. */
static int rule_vf(struct ev *e)
{
	const struct pcilu_topology *t = e->c->t;
	size_t n = e->profile == PCILU_LU_V4 ? 0 : e->npath;
	char msg[256], b[24];
	int ret = 0;

	for (size_t i = 0; i <= n && !ret; i++) {
		int32_t d = i ? e->path[i - 1] : e->dev;

		if (!t->devs[d].is_virtfn)
			continue;
		snprintf(msg, sizeof(msg), "%s is a Virtual Function: \"Cannot preserve Virtual Functions\" "
			 "(pci_liveupdate_preserve(), %s)", bdf_of(e->c, d, b),
			 e->profile == PCILU_LU_V4 ? "v4 02/11, the target only" : "next, every device on the path");
		ret = refuse(e, PCILU_LUR_VF, d, PCILU_NONE, 0, 0,
			     strdup("none: no version preserves VFs (SR-IOV state is not kept across kexec); "
				    "preserve a PF or a non-SR-IOV device instead"), msg);
	}
	return ret;
}

static int rule_quirk(struct ev *e)
{
	char msg[384], b[24];
	int ret = 0;

	for (size_t i = 0; i <= e->npath && !ret; i++) {
		int32_t d = i ? e->path[i - 1] : e->dev;
		const char *q = pcilu_acs_ops_match(&e->c->t->devs[d]);

		if (!q)
			continue;
		snprintf(msg, sizeof(msg), "%s%s needs a device-specific ACS quirk (%s in pci_dev_acs_ops[]): "
			 "\"Refusing to preserve device that relies on ACS quirks\" "
			 "(pci_need_dev_specific_enable_acs(), next)", bdf_of(e->c, d, b),
			 i ? ", a bridge on its path," : "", q);
		ret = refuse(e, PCILU_LUR_ACS_QUIRK, d, PCILU_NONE, 0, 0,
			     pcilu_lu_move_remedy(e->c, "the quirk is chosen by device id, nothing on the command "
						  "line changes it: move the card", e->profile, e->dev), msg);
	}
	return ret;
}

/* The group's reasons that explain why @dev is not alone: its own join, and joins onto it. */
static bool reason_concerns(const struct pcilu_reason *rs, int32_t dev)
{
	return rs->kind != PCILU_R_NEW_GROUP && (rs->dev == dev || rs->other == dev);
}

static char *group_remedy(struct ev *e, const struct pcilu_group *g, bool path_fails)
{
	for (size_t i = 0; i < g->nreasons; i++) {
		if (!reason_concerns(&g->reasons[i], e->dev))
			continue;
		if (g->reasons[i].kind == PCILU_R_FUNCTION)
			return strdup("its functions are not ACS-isolated from each other, so they always share "
				      "a group: no slot or mainline command line changes that");
	}
	if (path_fails)
		return NULL;	/* the ACS path reason that follows carries the fix */
	for (size_t i = 0; i < g->nreasons; i++)
		if (reason_concerns(&g->reasons[i], e->dev) &&
		    (g->reasons[i].kind == PCILU_R_DMA_ALIAS_WALK || g->reasons[i].kind == PCILU_R_ALIAS))
			return pcilu_lu_move_remedy(e->c, "its DMA carries another requester ID: move the card "
						    "to a PCI Express slot", e->profile, e->dev);
	return pcilu_lu_move_remedy(e->c, "move the card", e->profile, e->dev);
}

static const char *singleton_src(const struct ev *e)
{
	return e->profile == PCILU_LU_V4 ?
	       "pci_device_group_immutable_singleton(), v4 08/11: \"Device preservation limited to "
	       "immutable singleton iommu groups\"" :
	       "policy: review agreed iommufd should require a singleton group; the iommufd code as "
	       "posted does not check it";
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
	size_t k;
	char msg[512], b[24], o[24];

	if (!(g->flags & PCILU_RF_UNKNOWN) || !e->c->kx || t->devs[e->dev].kernel_group == PCILU_NO_GROUP)
		return 0;
	k = pcilu_lu_group_count(t, e->c->kx, e->dev, &other);
	if (k == 1)
		return 1;
	snprintf(msg, sizeof(msg), "the kernel put %s in IOMMU group %d with %zu other device%s (first %s); "
		 "pcilu cannot recompute that group from the bytes read, the kernel's own answer decides (%s)",
		 bdf_of(e->c, e->dev, b), t->devs[e->dev].kernel_group, k - 1, k == 2 ? "" : "s",
		 bdf_of(e->c, other, o), singleton_src(e));
	return refuse(e, PCILU_LUR_GROUP, e->dev, other, 0, 0, pcilu_lu_move_remedy(e->c, "move the card",
										    e->profile, e->dev), msg) ?: 1;
}

/* Who else is in the group, and (strict) why, with the iommu layer's reasons. */
static int rule_group(struct ev *e, bool strict)
{
	const struct pcilu_iommu *r = e->c->r;
	const struct pcilu_group *g = pcilu_iommu_group(r, pcilu_iommu_group_of(r, e->dev));
	struct pcilu_buf s = { 0 };
	int32_t other = PCILU_NONE;
	char b[24], rs[1024];
	size_t shown = 0;
	int ret;

	if (!g)
		return 0;
	if (strict && (ret = kernel_group_rule(e, g)))
		return ret < 0 ? ret : 0;
	if (g->nmembers == 1) {
		if (!strict || !(g->flags & PCILU_RF_UNKNOWN))
			return 0;
		snprintf(rs, sizeof(rs), "%s is alone in its computed IOMMU group, but the group rests on config "
			 "space that was not readable, so a fuller read may put others with it (%s)",
			 bdf_of(e->c, e->dev, b), singleton_src(e));
		return refuse(e, PCILU_LUR_GROUP, e->dev, PCILU_NONE, 0, g->flags,
			      strdup("capture the whole config space: run as root, or lspci -xxxx"), rs);
	}
	pcilu_buf_printf(&s, "IOMMU group %d also holds", g->id);
	for (size_t i = 0; i < g->nmembers; i++) {
		if (g->members[i] == e->dev)
			continue;
		if (other == PCILU_NONE)
			other = g->members[i];
		pcilu_buf_printf(&s, "%s %s", other == g->members[i] ? "" : ",", bdf_of(e->c, g->members[i], b));
	}
	if (!strict) {
		pcilu_buf_printf(&s, " (the PCI core stopped checking groups in v5; iommufd would refuse)");
		ret = s.oom ? -ENOMEM : soft(e, PCILU_LUR_GROUP, PCILU_LUS_NOTE, e->dev, other, s.p);
		pcilu_buf_free(&s);
		return ret;
	}
	for (size_t i = 0; i < g->nreasons && shown < 3; i++)
		if (reason_concerns(&g->reasons[i], e->dev) || (i + 1 == g->nreasons && !shown))
			pcilu_buf_printf(&s, "%s %s", shown++ ? ";" : ":",
					 pcilu_reason_str(r, &g->reasons[i], rs, sizeof(rs)));
	pcilu_buf_printf(&s, " (%s)", singleton_src(e));
	if (s.oom) {
		pcilu_buf_free(&s);
		return -ENOMEM;
	}
	ret = refuse(e, PCILU_LUR_GROUP, e->dev, other, 0, g->flags,
		     group_remedy(e, g, e->npath && !pcilu_acs_path_enabled(r, e->path[0], PCILU_REQ_ACS_FLAGS,
									      NULL, NULL)), s.p);
	pcilu_buf_free(&s);
	return ret;
}

/* pci_acs_path_enabled(bus->self, NULL, REQ_ACS_FLAGS) from the first bus with a bridge. */
static int rule_acs_path(struct ev *e)
{
	struct pcilu_acs_eval ae;
	int32_t fail;
	char msg[1024], why[768], b[24];

	/* Unreadable ACS (-ENODATA) refuses too; the reason's flags say it rests on an unknown. */
	if (!e->npath || pcilu_lu_acs_path_ok(e->c->r, e->path[0], &fail, &ae, why, sizeof(why)) == 1)
		return 0;
	snprintf(msg, sizeof(msg), "ACS SV|RR|CR|UF is not enabled from %s up to the root: %s (pci_acs_path_enabled())",
		 bdf_of(e->c, e->path[0], b), why);
	return refuse(e, PCILU_LUR_ACS_PATH, fail, PCILU_NONE, ae.missing ? ae.missing : ae.req, ae.flags,
		      pcilu_lu_acs_remedy(e->c, e->dev, fail, &ae, e->profile), msg);
}

/* The noiommu case: no IOMMU, so no group (Jacob Pan on v4 08/11). */
static int rule_no_iommu(struct ev *e)
{
	char msg[768], rem[768], fix[512];
	const char *after = "with it on, Linux 7.2 would give this device an immutable singleton group";
	int32_t g = pcilu_iommu_group_of(e->c->r_on, e->dev);
	const struct pcilu_group *grp = pcilu_iommu_group(e->c->r_on, g);
	int32_t fail = PCILU_NONE;
	int32_t up = e->npath ? e->path[0] : PCILU_NONE;

	if ((grp && grp->nmembers > 1) ||
	    (up != PCILU_NONE && !pcilu_acs_path_enabled(e->c->r_on, up, PCILU_REQ_ACS_FLAGS, &fail, NULL)))
		after = "even with it on, this device would not be alone in an ACS-isolated group (see "
			"`pcilu groups --iommu on --acs linux`)";
	snprintf(msg, sizeof(msg), "no IOMMU is on (%s), so the device has no IOMMU group (noiommu): %s",
		 pcilu_fact_origin_text(e->c->iommu_from, false),
		 e->profile == PCILU_LU_V4 ? "pci_device_group_immutable_singleton() returns false without a group" :
		 "the singleton-group policy needs a group (iommufd as posted would preserve it at the PCI "
		 "level only, with no IOMMU state)");
	snprintf(rem, sizeof(rem), "%s (%s)", pcilu_lu_iommu_fix(e->c, fix, sizeof(fix)), after);
	return refuse(e, PCILU_LUR_NO_GROUP, e->dev, PCILU_NONE, 0, 0, strdup(rem), msg);
}

/* The kernel formed groups, but none holds this device: no IOMMU translates its DMA. */
static int rule_ungrouped(struct ev *e)
{
	char msg[512], b[24];

	e->ungrouped = true;
	snprintf(msg, sizeof(msg), "%s %s in no IOMMU group: no IOMMU translates its DMA (an IOMMU's own "
		 "PCI function, or a device outside every DMAR/IVRS/VIOT scope), so %s",
		 e->c->t->has_kernel_groups ? "the kernel formed IOMMU groups but put" : "the firmware's IOMMU table leaves",
		 bdf_of(e->c, e->dev, b), e->profile == PCILU_LU_V4 ?
		 "pci_device_group_immutable_singleton() returns false" :
		 "the singleton-group policy cannot be met (iommu_preserve_device() returns -EINVAL without a group)");
	return refuse(e, PCILU_LUR_NO_GROUP, e->dev, PCILU_NONE, 0, 0,
		      strdup("none on this host: no IOMMU covers this device"), msg);
}

/* Without the kernel's groups in the source, config space still names an IOMMU's own function. */
static int rule_iommu_function(struct ev *e)
{
	char msg[512], b[24];

	e->ungrouped = true;
	snprintf(msg, sizeof(msg), "%s is an IOMMU's own PCI function: no IOMMU translates it (AMD-Vi clears "
		 "its own device-table entry, init_iommu_one_late(), 7.2; a virtio-iommu is outside the ranges it "
		 "serves), so the kernel gives it no IOMMU group", bdf_of(e->c, e->dev, b));
	return refuse(e, PCILU_LUR_NO_GROUP, e->dev, PCILU_NONE, 0, 0,
		      strdup("none: an IOMMU is not preserved as a device"), msg);
}

static int rule_no_group(struct ev *e)
{
	if (!e->c->iommu_on)
		return rule_no_iommu(e);
	/* The kernel's groups, else the firmware's table, else config space (src/iommu/coverage.c). */
	switch (pcilu_iommu_untranslated(e->c->r_on, e->dev)) {
	case 0:
		return 0;
	case PCILU_UNTR_IOMMU_FN:
		return rule_iommu_function(e);
	default:
		return rule_ungrouped(e);
	}
}

static int rule_alias(struct ev *e)
{
	char why[256], msg[512];
	int32_t via;

	if (!pcilu_lu_dma_alias(e->c, e->dev, &via, why, sizeof(why)))
		return 0;
	snprintf(msg, sizeof(msg), "%s: its group is not really immutable, aliases can appear after "
		 "enumeration even with ACS (Jason Gunthorpe, David Matlack on v4 08/11)", why);
	return soft(e, PCILU_LUR_DMA_ALIAS, PCILU_LUS_CAVEAT, e->dev, via, msg);
}

/* The PCI core checks no IOMMU state: without one, it keeps the device alone. */
static int rule_next_noiommu(struct ev *e)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "no IOMMU is on (%s): the PCI core would preserve the device at the "
		 "PCI level only, its DMA untranslated across the kexec; iommufd and vfio have nothing to keep",
		 pcilu_fact_origin_text(e->c->iommu_from, false));
	return soft(e, PCILU_LUR_NO_GROUP, PCILU_LUS_NOTE, e->dev, PCILU_NONE, msg);
}

static int eval_steps(struct ev *e)
{
	int ret = rule_vf(e);

	if (!ret && e->profile != PCILU_LU_V4)
		ret = rule_quirk(e);
	if (ret)
		return ret;
	if (e->profile == PCILU_LU_NEXT)
		return e->c->iommu_on ? rule_group(e, false) : rule_next_noiommu(e);
	ret = rule_no_group(e);
	if (!ret && e->c->iommu_on && !e->ungrouped)
		ret = rule_group(e, true);
	if (!ret && e->c->iommu_on && !e->ungrouped)
		ret = rule_acs_path(e);
	if (!ret && e->profile == PCILU_LU_IOMMUFD)
		ret = rule_alias(e);
	return ret;
}

int pcilu_lu_eval(const struct lu_ctx *c, int32_t dev, unsigned profile, struct pcilu_lu_verdict *v)
{
	struct ev e = { .c = c, .dev = dev, .profile = profile, .v = v };
	char msg[256], b[24];

	memset(v, 0, sizeof(*v));
	v->profile = profile;
	v->eligible = true;
	v->state = PCILU_LU_ELIGIBLE;
	if (c->t->devs[dev].dead) {
		snprintf(msg, sizeof(msg), "%s reads all-ones (powered down, D3cold?): its ids, type and "
			 "capabilities are unknown, so no rule can be decided", bdf_of(c, dev, b));
		return refuse(&e, PCILU_LUR_UNREADABLE, dev, PCILU_NONE, 0, PCILU_RF_UNKNOWN,
			      strdup("wake it (its driver, or `echo on > power/control` in its sysfs folder) "
				     "and capture again"), msg);
	}
	if (pcilu_is_bridge(&c->t->devs[dev])) {
		snprintf(msg, sizeof(msg), "%s is a bridge: bridges are preserved for the devices below them "
			 "(vfio-pci, the only preserving driver, binds only type-0 functions)", bdf_of(c, dev, b));
		return refuse(&e, PCILU_LUR_BRIDGE, dev, PCILU_NONE, 0, 0,
			      strdup("check the devices below it instead"), msg);
	}
	e.npath = pcilu_lu_path(c->t, dev, e.path, LU_MAX_PATH, &e.root);
	return eval_steps(&e);
}
