// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The words of the rules' reasons, made only when a reason is printed: the
 * rules (rules.c, check.c) decide with codes and device indices, and this
 * file turns one reason into its sentence and its remedy, as iommu/reason.c
 * does for the group algorithm. Everything a sentence names is derived again
 * here from the reason's indices and the check's context.
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct words {
	const struct pcilu_lu_ctx *c;
	const struct pcilu_lu_reason *r;
	struct pcilu_buf text;
	char *remedy;
	bool want_remedy;
	bool oom;
};

static const char *bdf_of(const struct pcilu_lu_ctx *c, int32_t dev, char *buf)
{
	return pcilu_bdf(&c->t->devs[dev], buf, 24);
}

/* Take over @s as the remedy (a NULL @s is out of memory). */
static void remedy(struct words *w, char *s)
{
	if (!w->want_remedy) {
		free(s);
		return;
	}
	w->remedy = s;
	w->oom |= !s;
}

static void fixed_remedy(struct words *w, const char *s)
{
	if (w->want_remedy)
		remedy(w, strdup(s));
}

static void move_remedy(struct words *w, const char *lead)
{
	if (w->want_remedy)
		remedy(w, pcilu_lu_move_remedy(w->c, lead, w->r->profile, w->r->card));
}

static const char *singleton_src(unsigned profile)
{
	return profile == PCILU_LU_V4 ?
	       "pci_device_group_immutable_singleton(), v4 08/11: \"Device preservation limited to "
	       "immutable singleton iommu groups\"" :
	       "policy: review agreed iommufd should require a singleton group; the iommufd code as "
	       "posted does not check it";
}

static void say_vf(struct words *w)
{
	char b[24];

	pcilu_buf_printf(&w->text, "%s is a Virtual Function: \"Cannot preserve Virtual Functions\" "
			 "(pci_liveupdate_preserve(), %s)", bdf_of(w->c, w->r->dev, b),
			 w->r->profile == PCILU_LU_V4 ? "v4 02/11, the target only" : "next, every device on the path");
	fixed_remedy(w, "none: no version preserves VFs (SR-IOV state is not kept across kexec); "
		     "preserve a PF or a non-SR-IOV device instead");
}

static void say_quirk(struct words *w)
{
	char b[24];

	pcilu_buf_printf(&w->text, "%s%s needs a device-specific ACS quirk (%s in pci_dev_acs_ops[]): "
			 "\"Refusing to preserve device that relies on ACS quirks\" "
			 "(pci_need_dev_specific_enable_acs(), next)", bdf_of(w->c, w->r->dev, b),
			 w->r->dev != w->r->card ? ", a bridge on its path," : "",
			 pcilu_acs_ops_match(&w->c->t->devs[w->r->dev]));
	move_remedy(w, "the quirk is chosen by device id, nothing on the command line changes it: move the card");
}

/* The noiommu case: what a boot with the IOMMU on would give is part of the fix. */
static void say_no_iommu(struct words *w)
{
	const struct pcilu_lu_ctx *c = w->c;
	int32_t card = w->r->card, up = pcilu_upstream_bridge(c->t, card);
	const struct pcilu_iommu *on;
	const struct pcilu_group *grp;
	const char *after = "with it on, Linux 7.2 would give this device an immutable singleton group";
	char rem[768], fix[512];
	int32_t fail = PCILU_NONE;

	pcilu_buf_printf(&w->text, "no IOMMU is on (%s), so the device has no IOMMU group (noiommu): %s",
			 pcilu_fact_origin_text(c->iommu_from, false), w->r->profile == PCILU_LU_V4 ?
			 "pci_device_group_immutable_singleton() returns false without a group" :
			 "the singleton-group policy needs a group (iommufd as posted would preserve it at the PCI "
			 "level only, with no IOMMU state)");
	if (!w->want_remedy)
		return;
	on = pcilu_lu_ctx_r_on(c);
	if (!on) {
		w->oom = true;
		return;
	}
	grp = pcilu_iommu_group(on, pcilu_iommu_group_of(on, card));
	if ((grp && grp->nmembers > 1) ||
	    (up != PCILU_NONE && !pcilu_acs_path_enabled(on, up, PCILU_REQ_ACS_FLAGS, &fail, NULL)))
		after = "even with it on, this device would not be alone in an ACS-isolated group (see "
			"`pcilu groups --iommu on --acs linux`)";
	snprintf(rem, sizeof(rem), "%s (%s)", pcilu_lu_iommu_fix(c, fix, sizeof(fix)), after);
	fixed_remedy(w, rem);
}

static void say_no_group(struct words *w)
{
	const struct pcilu_lu_ctx *c = w->c;
	char b[24];

	switch (w->r->why) {
	case PCILU_LUW_NO_IOMMU:
		say_no_iommu(w);
		break;
	case PCILU_LUW_NO_IOMMU_NOTE:
		pcilu_buf_printf(&w->text, "no IOMMU is on (%s): the PCI core would preserve the device at the "
				 "PCI level only, its DMA untranslated across the kexec; iommufd and vfio have "
				 "nothing to keep", pcilu_fact_origin_text(c->iommu_from, false));
		break;
	case PCILU_LUW_UNGROUPED:
		pcilu_buf_printf(&w->text, "%s %s in no IOMMU group: no IOMMU translates its DMA (an IOMMU's "
				 "own PCI function, or a device outside every DMAR/IVRS/VIOT scope), so %s",
				 c->t->has_kernel_groups ? "the kernel formed IOMMU groups but put" :
				 "the firmware's IOMMU table leaves", bdf_of(c, w->r->card, b),
				 w->r->profile == PCILU_LU_V4 ? "pci_device_group_immutable_singleton() returns false" :
				 "the singleton-group policy cannot be met (iommu_preserve_device() returns -EINVAL "
				 "without a group)");
		fixed_remedy(w, "none on this host: no IOMMU covers this device");
		break;
	default:	/* PCILU_LUW_IOMMU_FN */
		pcilu_buf_printf(&w->text, "%s is an IOMMU's own PCI function: no IOMMU translates it (AMD-Vi "
				 "clears its own device-table entry, init_iommu_one_late(), 7.2; a virtio-iommu is "
				 "outside the ranges it serves), so the kernel gives it no IOMMU group",
				 bdf_of(c, w->r->card, b));
		fixed_remedy(w, "none: an IOMMU is not preserved as a device");
		break;
	}
}

/* The group's reasons that explain why @dev is not alone: its own join, and joins onto it. */
static bool reason_concerns(const struct pcilu_reason *rs, int32_t dev)
{
	return rs->kind != PCILU_R_NEW_GROUP && (rs->dev == dev || rs->other == dev);
}

static void group_remedy(struct words *w, const struct pcilu_group *g)
{
	int32_t card = w->r->card, up = pcilu_upstream_bridge(w->c->t, card);

	if (!w->want_remedy)
		return;
	for (size_t i = 0; i < g->nreasons; i++)
		if (reason_concerns(&g->reasons[i], card) && g->reasons[i].kind == PCILU_R_FUNCTION) {
			fixed_remedy(w, "its functions are not ACS-isolated from each other, so they always share "
				     "a group: no slot or mainline command line changes that");
			return;
		}
	/* The ACS path reason that follows carries the fix. */
	if (up != PCILU_NONE && !pcilu_acs_path_enabled(w->c->r, up, PCILU_REQ_ACS_FLAGS, NULL, NULL))
		return;
	for (size_t i = 0; i < g->nreasons; i++)
		if (reason_concerns(&g->reasons[i], card) &&
		    (g->reasons[i].kind == PCILU_R_DMA_ALIAS_WALK || g->reasons[i].kind == PCILU_R_ALIAS)) {
			move_remedy(w, "its DMA carries another requester ID: move the card to a PCI Express slot");
			return;
		}
	move_remedy(w, "move the card");
}

/* "IOMMU group 4 also holds A, B": the members other than the card. */
static void members(struct words *w, const struct pcilu_group *g)
{
	char b[24];
	bool first = true;

	pcilu_buf_printf(&w->text, "IOMMU group %d also holds", g->id);
	for (size_t i = 0; i < g->nmembers; i++) {
		if (g->members[i] == w->r->card)
			continue;
		pcilu_buf_printf(&w->text, "%s %s", first ? "" : ",", bdf_of(w->c, g->members[i], b));
		first = false;
	}
}

static void say_group(struct words *w)
{
	const struct pcilu_lu_ctx *c = w->c;
	int32_t card = w->r->card, other = PCILU_NONE;
	const struct pcilu_group *g = pcilu_iommu_group(c->r, pcilu_iommu_group_of(c->r, card));
	char b[24], o[24], rs[1024];
	size_t k, shown = 0;

	switch (w->r->why) {
	case PCILU_LUW_GROUP_KERNEL:
		k = c->kx ? pcilu_lu_group_count(c->t, c->kx, card, &other) : 0;
		pcilu_buf_printf(&w->text, "the kernel put %s in IOMMU group %d with %zu other device%s (first %s); "
				 "pcilu cannot recompute that group from the bytes read, the kernel's own answer "
				 "decides (%s)", bdf_of(c, card, b), c->t->devs[card].kernel_group, k ? k - 1 : 0,
				 k == 2 ? "" : "s", bdf_of(c, w->r->other, o), singleton_src(w->r->profile));
		move_remedy(w, "move the card");
		return;
	case PCILU_LUW_GROUP_UNREAD:
		pcilu_buf_printf(&w->text, "%s is alone in its computed IOMMU group, but the group rests on config "
				 "space that was not readable, so a fuller read may put others with it (%s)",
				 bdf_of(c, card, b), singleton_src(w->r->profile));
		fixed_remedy(w, "capture the whole config space: run as root, or lspci -xxxx");
		return;
	}
	if (!g)
		return;
	members(w, g);
	if (w->r->why == PCILU_LUW_GROUP_NOTE) {
		pcilu_buf_printf(&w->text, " (the PCI core stopped checking groups in v5; iommufd would refuse)");
		return;
	}
	for (size_t i = 0; i < g->nreasons && shown < 3; i++)
		if (reason_concerns(&g->reasons[i], card) || (i + 1 == g->nreasons && !shown))
			pcilu_buf_printf(&w->text, "%s %s", shown++ ? ";" : ":",
					 pcilu_reason_str(c->r, &g->reasons[i], rs, sizeof(rs)));
	pcilu_buf_printf(&w->text, " (%s)", singleton_src(w->r->profile));
	group_remedy(w, g);
}

static void say_acs_path(struct words *w)
{
	const struct pcilu_lu_ctx *c = w->c;
	int32_t fail, up = pcilu_upstream_bridge(c->t, w->r->card);
	struct pcilu_acs_eval ae;
	char why[768], b[24];

	if (up == PCILU_NONE)
		return;
	pcilu_lu_acs_path_ok(c->r, up, &fail, &ae, why, sizeof(why));
	pcilu_buf_printf(&w->text, "ACS SV|RR|CR|UF is not enabled from %s up to the root: %s "
			 "(pci_acs_path_enabled())", bdf_of(c, up, b), why);
	if (w->want_remedy)
		remedy(w, pcilu_lu_acs_remedy(c, w->r->card, fail, &ae, w->r->profile));
}

static void say_alias(struct words *w)
{
	char b[24], o[24];

	if (w->r->why == PCILU_LUW_ALIAS_QUIRK && pcilu_iommu_alias_from_firmware(w->c->r, w->r->card))
		pcilu_buf_printf(&w->text, "the firmware's IVRS table gives %s a DMA alias on its bus "
				 "(setup_aliases(), drivers/iommu/amd/iommu.c)", bdf_of(w->c, w->r->card, b));
	else if (w->r->why == PCILU_LUW_ALIAS_QUIRK)
		pcilu_buf_printf(&w->text, "a kernel quirk gives %s DMA aliases (pci_add_dma_alias()%s)",
				 bdf_of(w->c, w->r->card, b),
				 w->r->other != w->r->card ? ", or a VMD domain's requester ID" : "");
	else
		pcilu_buf_printf(&w->text, "%s is behind %s, a bridge that forwards its DMA under the bridge's "
				 "own requester ID", bdf_of(w->c, w->r->card, b), bdf_of(w->c, w->r->other, o));
	pcilu_buf_printf(&w->text, ": its group is not really immutable, aliases can appear after "
			 "enumeration even with ACS (Jason Gunthorpe, David Matlack on v4 08/11)");
}

static void say_partial(struct words *w)
{
	const struct pcilu_lu_ctx *c = w->c;
	const struct pcilu_group *g = pcilu_iommu_group(c->r, pcilu_iommu_group_of(c->r, w->r->card));
	bool unknown = w->r->sev == PCILU_LUS_UNDECIDED, strict = w->r->profile != PCILU_LU_NEXT;
	char b[24], o[24];

	pcilu_buf_printf(&w->text, "%s is preserved but %s, in the same IOMMU group %d, is not: after kexec the "
			 "new kernel may hand it to another owner while they share DMA isolation%s",
			 bdf_of(c, w->r->card, b), bdf_of(c, w->r->other, o), g ? g->id : -1,
			 unknown ? "; undecided: the group rests on config space that was not read" :
			 strict ? "; refused" : " (next does not check; iommufd would refuse)");
}

static void say(struct words *w)
{
	char b[24];

	switch (w->r->why) {
	case PCILU_LUW_BRIDGE:
		pcilu_buf_printf(&w->text, "%s is a bridge: bridges are preserved for the devices below them "
				 "(vfio-pci, the only preserving driver, binds only type-0 functions)",
				 bdf_of(w->c, w->r->dev, b));
		fixed_remedy(w, "check the devices below it instead");
		break;
	case PCILU_LUW_UNREADABLE:
		pcilu_buf_printf(&w->text, "%s reads all-ones (powered down, D3cold?): its ids, type and "
				 "capabilities are unknown, so no rule can be decided", bdf_of(w->c, w->r->dev, b));
		fixed_remedy(w, "wake it (its driver, or `echo on > power/control` in its sysfs folder) "
			     "and capture again");
		break;
	case PCILU_LUW_VF:
		say_vf(w);
		break;
	case PCILU_LUW_ACS_QUIRK:
		say_quirk(w);
		break;
	case PCILU_LUW_NO_IOMMU:
	case PCILU_LUW_NO_IOMMU_NOTE:
	case PCILU_LUW_UNGROUPED:
	case PCILU_LUW_IOMMU_FN:
		say_no_group(w);
		break;
	case PCILU_LUW_GROUP_KERNEL:
	case PCILU_LUW_GROUP_UNREAD:
	case PCILU_LUW_GROUP_NOTE:
	case PCILU_LUW_GROUP_SHARED:
		say_group(w);
		break;
	case PCILU_LUW_ACS_PATH:
		say_acs_path(w);
		break;
	case PCILU_LUW_ALIAS_QUIRK:
	case PCILU_LUW_ALIAS_BRIDGE:
		say_alias(w);
		break;
	case PCILU_LUW_PARTIAL:
		say_partial(w);
		break;
	}
}

int pcilu_lu_words(const struct pcilu_lu_ctx *c, const struct pcilu_lu_reason *r, char **text, char **rem)
{
	struct words w = { .c = c, .r = r, .want_remedy = rem != NULL };

	*text = NULL;
	if (rem)
		*rem = NULL;
	say(&w);
	/* A sentence is never empty: a reason the context cannot word still names its rule. */
	if (!w.text.len)
		pcilu_buf_printf(&w.text, "%s", pcilu_lu_rule_name(r->rule));
	if (w.oom || w.text.oom) {
		pcilu_buf_free(&w.text);
		free(w.remedy);
		return -ENOMEM;
	}
	*text = w.text.p;
	if (rem)
		*rem = w.remedy;
	else
		free(w.remedy);	/* always NULL: remedy() keeps none unless asked */
	return 0;
}

int pcilu_lu_reason_words(const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r, char **text,
			  char **rem)
{
	return pcilu_lu_words(c->ctx, r, text, rem);
}

int pcilu_lu_slot_words(const struct pcilu_lu_check *c, const struct pcilu_lu_slot *s, char **text)
{
	return pcilu_lu_slot_text(c->ctx, s, text);
}
