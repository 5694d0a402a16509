// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Remedies: what would change a verdict on this very host, in words made
 * only when a reason is printed. "Move the card" names the slots that help
 * (slots.c); an IOMMU that is off is turned on by what the command line
 * does not already have.
 */
#include "liveupdate_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * intel_iommu=on is Intel's switch; AMD-Vi has no "on" (amd_iommu_setup(),
 * 7.2, logs "Unknown option" for it): it comes up whenever the firmware's
 * IVRS table describes it, unless amd_iommu=off or iommu=off.
 */
const char *pcilu_lu_iommu_fix(const struct pcilu_lu_ctx *c, char *buf, size_t len)
{
	static const char check[] = "check that it came up with `dmesg | grep -i -e DMAR -e AMD-Vi`";
	bool intel = c->platform_vendor == 0x8086;
	bool amd = c->platform_vendor == 0x1022 || c->platform_vendor == 0x1002;

	if (c->cmd_iommu_off)
		snprintf(buf, len, "remove iommu=off from the kernel command line; %s", check);
	else if (c->cmd_intel_off && !amd)
		snprintf(buf, len, "remove intel_iommu=off from the kernel command line; %s", check);
	else if (c->cmd_amd_off && !intel)
		snprintf(buf, len, "remove amd_iommu=off from the kernel command line; %s", check);
	else if (c->cmd_intel_on && !amd)
		snprintf(buf, len, "the command line already has intel_iommu=on, yet %s: %s (VT-d disabled in "
			 "the firmware setup, no DMAR table)%s", c->iommu_from == PCILU_FROM_ACS ?
			 "ACS Control reads 0 on every port" : "no IOMMU came up", check,
			 c->iommu_from == PCILU_FROM_ACS ? ", or something cleared ACS Control after boot "
			 "(setpci, a device reset, hot-plug); `--acs=linux` shows the boot with the IOMMU on" : "");
	else if (amd)
		snprintf(buf, len, "enable the IOMMU (AMD-Vi) in the firmware setup; Linux turns it on whenever "
			 "the IVRS table describes it; %s", check);
	else if (intel)
		snprintf(buf, len, "boot with intel_iommu=on and VT-d enabled in the firmware setup; %s", check);
	else
		snprintf(buf, len, "boot with the IOMMU on (intel_iommu=on on Intel; on AMD, AMD-Vi enabled in "
			 "the firmware setup); %s", check);
	return buf;
}

/* "0000:00:02.0 (empty)", "0000:00:01.0 (holds 0000:01:00.0)". */
static void slot_label(const struct pcilu_lu_ctx *c, int32_t port, struct pcilu_buf *b)
{
	const struct pcilu_dev *p = &c->t->devs[port];
	char bdf[24];

	struct pcilu_link_info li;

	pcilu_buf_printf(b, "%s", pcilu_bdf(p, bdf, sizeof(bdf)));
	if (!pcilu_pcie_link_info(p, &li) && li.slot)
		pcilu_buf_printf(b, " (slot %u, x%u)", li.slot_number, li.cap_width);
	if (p->child_bus == PCILU_NONE || !c->t->buses[p->child_bus].count) {
		pcilu_buf_printf(b, " (empty)");
		return;
	}
	pcilu_buf_printf(b, " (holds %s%s)",
			 pcilu_bdf(&c->t->devs[c->t->bus_devs[c->t->buses[p->child_bus].first]], bdf, sizeof(bdf)),
			 c->t->buses[p->child_bus].count > 1 ? " ..." : "");
}

/*
 * The port a card sits in: the first root or downstream port above @dev, or
 * PCILU_NONE for a device on a root bus (integrated: nothing to move).
 */
static int32_t card_port(const struct pcilu_topology *t, int32_t dev)
{
	for (int32_t up = pcilu_upstream_bridge(t, dev); up != PCILU_NONE; up = pcilu_upstream_bridge(t, up))
		if (pcilu_lu_is_slot_port(&t->devs[up]))
			return up;
	return PCILU_NONE;
}

/* A port a card could be moved to: a physical slot at least as wide and fast as the card. */
static bool slot_fits(const struct pcilu_dev *port, const struct pcilu_link_info *card)
{
	struct pcilu_link_info li;

	if (pcilu_pcie_link_info(port, &li) || !li.slot)
		return false;
	return !card || !card->cap_width || !li.cap_width ||
	       (li.cap_width >= card->cap_width && li.cap_speed >= card->cap_speed);
}

char *pcilu_lu_move_remedy(const struct pcilu_lu_ctx *c, const char *lead, unsigned profile, int32_t card)
{
	struct pcilu_buf b = { 0 };
	struct pcilu_link_info cl, pl;
	const struct pcilu_lu_slot *slots;
	size_t shown = 0, total = 0, nslots;
	int32_t port = card != PCILU_NONE ? card_port(c->t, card) : PCILU_NONE;
	bool have_link = card != PCILU_NONE && !pcilu_pcie_link_info(&c->t->devs[card], &cl);

	static const char *const what[PCILU_LU_NPROFILES] = {
		[PCILU_LU_V4] = "give a singleton group",
		[PCILU_LU_NEXT] = "need no ACS quirk",
		[PCILU_LU_IOMMUFD] = "give a singleton group and need no ACS quirk",
	};

	/* An on-board device (its port has no slot, or no port at all) cannot be moved. */
	if (card != PCILU_NONE && (port == PCILU_NONE || pcilu_pcie_link_info(&c->t->devs[port], &pl) || !pl.slot)) {
		pcilu_buf_printf(&b, "%s; but it is on-board (%s), so it cannot be moved; what can change is "
				 "the hardware, or whether it needs preserving", lead,
				 port == PCILU_NONE ? "integrated, on a root bus" : "its port has no physical slot");
		return b.oom ? (pcilu_buf_free(&b), NULL) : b.p;
	}
	if (pcilu_lu_ctx_slots(c, &slots, &nslots))
		return NULL;
	pcilu_buf_printf(&b, "%s; slots that %s on this host%s: ", lead, what[profile % PCILU_LU_NPROFILES],
			 have_link && cl.cap_width ? " and fit its link" : "");
	/* Empty slots first: moving a card there disturbs nothing else. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < nslots; i++) {
			const struct pcilu_dev *p = &c->t->devs[slots[i].port];
			bool empty = p->child_bus == PCILU_NONE || !c->t->buses[p->child_bus].count;

			if (!slots[i].ok[profile] || empty != !pass || slots[i].port == port ||
			    !slot_fits(p, have_link ? &cl : NULL))
				continue;
			if (++total > 4)
				continue;
			if (shown++)
				pcilu_buf_printf(&b, ", ");
			slot_label(c, slots[i].port, &b);
		}
	if (!total)
		pcilu_buf_printf(&b, "none");
	else if (total > shown)
		pcilu_buf_printf(&b, " and %zu more (pcilu check --slots)", total - shown);
	if (b.oom) {
		pcilu_buf_free(&b);
		return NULL;
	}
	return b.p;
}

static char *ctrl_missing_remedy(const struct pcilu_lu_ctx *c, int32_t bridge, const struct pcilu_acs_eval *e)
{
	const struct pcilu_dev *d = &c->t->devs[bridge];
	const struct pcilu_iommu *on = c->iommu_on ? pcilu_lu_ctx_r_on(c) : NULL;
	struct pcilu_buf b = { 0 };
	char bdf[24], fl[64], fix[512];

	if (c->iommu_on && !on)
		return NULL;
	pcilu_buf_printf(&b, "ACS is capable but disabled on %s: ", pcilu_bdf(d, bdf, sizeof(bdf)));
	if (!c->iommu_on)
		pcilu_buf_printf(&b, "no IOMMU is on, so Linux does not enable it; %s",
				 pcilu_lu_iommu_fix(c, fix, sizeof(fix)));
	else if (pcilu_acs_enabled(on, bridge, PCILU_REQ_ACS_FLAGS).enabled)
		pcilu_buf_printf(&b, "Linux 7.2 enables it at boot when an IOMMU is on, so these values come "
				 "from a boot with the IOMMU off or were cleared since (setpci, a device reset, "
				 "hot-plug); %s", pcilu_lu_iommu_fix(c, fix, sizeof(fix)));
	else
		pcilu_buf_printf(&b, "Linux leaves it off here (pci=disable_acs_redir= or pci=config_acs= on "
				 "the command line, or a quirk)");
	if (pcilu_quirk_intel_spt_pch_acs_match(d))
		pcilu_buf_printf(&b, "; pci=config_acs= has no effect on this Sunrise Point root port");
	else
		pcilu_buf_printf(&b, "; pci=config_acs=%s would enable it",
				 pcilu_lu_config_acs_str(d, e->missing, fl, sizeof(fl)));
	if (b.oom) {
		pcilu_buf_free(&b);
		return NULL;
	}
	return b.p;
}

char *pcilu_lu_acs_remedy(const struct pcilu_lu_ctx *c, int32_t card, int32_t bridge, const struct pcilu_acs_eval *e,
			  unsigned profile)
{
	const struct pcilu_dev *d = &c->t->devs[bridge];
	char lead[768], bdf[24], fix[512];

	pcilu_bdf(d, bdf, sizeof(bdf));
	if (e->flags & PCILU_RF_UNKNOWN) {
		snprintf(lead, sizeof(lead), "%s's config space was not fully readable (%s), so its ACS is "
			 "unknown: capture as root (lspci -xxxx, or a copy of /sys made by root)", bdf,
			 d->dead ? "it reads all-ones; wake it first" : d->caps_unknown ?
			 "no capability list" : "no extended config space");
		return strdup(lead);
	}
	switch (e->why) {
	case PCILU_ACSW_CTRL_MISSING:
		return ctrl_missing_remedy(c, bridge, e);
	case PCILU_ACSW_QUIRK_NO:
		if (!c->iommu_on) {
			snprintf(lead, sizeof(lead), "the ACS quirk of %s isolates only after Linux enables it, "
				 "which needs an IOMMU: %s", bdf, pcilu_lu_iommu_fix(c, fix, sizeof(fix)));
			return strdup(lead);
		}
		snprintf(lead, sizeof(lead), "the ACS quirk of %s reports isolation off (chipset state): "
			 "move the card", bdf);
		break;
	case PCILU_ACSW_NO_CAP:
		snprintf(lead, sizeof(lead), "%s has no ACS capability and no quirk: move the card", bdf);
		break;
	default:
		snprintf(lead, sizeof(lead), "Linux never treats %s as isolating (bridge type): move the card "
			 "to a PCI Express slot", bdf);
		break;
	}
	return pcilu_lu_move_remedy(c, lead, profile, card);
}

/* Why a card below @s would not pass; the same facts slot_eval() decided with. */
int pcilu_lu_slot_text(const struct pcilu_lu_ctx *c, const struct pcilu_lu_slot *s, char **text)
{
	struct pcilu_buf why = { 0 };
	struct pcilu_acs_eval e;
	char b[24], es[768];
	int32_t fail;

	*text = NULL;
	if (!s->root)
		pcilu_buf_printf(&why, "no bridge chain to a root bus; ");
	if (!c->iommu_on)
		pcilu_buf_printf(&why, "no IOMMU is on, so no group; ");
	if (!pcilu_acs_path_enabled(c->r, s->port, PCILU_REQ_ACS_FLAGS, &fail, &e)) {
		char *fix = e.why == PCILU_ACSW_CTRL_MISSING ? ctrl_missing_remedy(c, fail, &e) : NULL;

		pcilu_buf_printf(&why, "not a singleton group: %s%s%s; ", pcilu_acs_eval_str(c->r, fail, &e, es, sizeof(es)),
				 fix ? ". Fix: " : "", fix ? fix : "");
		free(fix);
	}
	if (s->quirk != PCILU_NONE)
		pcilu_buf_printf(&why, "%s needs the ACS quirk %s (refused by next and iommufd); ",
				 pcilu_bdf(&c->t->devs[s->quirk], b, sizeof(b)),
				 pcilu_acs_ops_match(&c->t->devs[s->quirk]));
	if (why.oom)
		return -ENOMEM;
	if (why.p)
		why.p[why.len - 2] = 0;	/* drop the last "; " */
	*text = why.p;
	return 0;
}
