// SPDX-License-Identifier: GPL-2.0-or-later
/* Reasons as English sentences, for people; the structs stay the API for programs. */
#include "iommu_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *type_name(const struct pcilu_dev *d)
{
	static const char *const names[] = {
		[PCI_EXP_TYPE_ENDPOINT] = "endpoint",
		[PCI_EXP_TYPE_LEG_END] = "legacy endpoint",
		[PCI_EXP_TYPE_ROOT_PORT] = "root port",
		[PCI_EXP_TYPE_UPSTREAM] = "switch upstream port",
		[PCI_EXP_TYPE_DOWNSTREAM] = "switch downstream port",
		[PCI_EXP_TYPE_PCI_BRIDGE] = "PCIe-to-PCI bridge",
		[PCI_EXP_TYPE_PCIE_BRIDGE] = "PCI-to-PCIe bridge",
		[PCI_EXP_TYPE_RC_END] = "root-complex integrated endpoint",
		[PCI_EXP_TYPE_RC_EC] = "root-complex event collector",
	};

	if (d->dead)
		return "function reading all-ones";
	if (d->caps_unknown)
		return pcilu_is_bridge(d) ? "bridge of unknown type" : "device of unknown type";
	if (!d->pcie_pos)
		return pcilu_is_bridge(d) ? "conventional PCI bridge" : "conventional PCI device";
	if (d->pcie_type < sizeof(names) / sizeof(names[0]) && names[d->pcie_type])
		return names[d->pcie_type];
	return "PCI Express device of unknown type";
}

/*
 * The one formatter of ACS Capability and Control bits: bits 0..6 by their
 * pci_regs.h names (PCI_ACS_SV ... PCI_ACS_DT), whatever else is set as one
 * hex number, "none" for 0.
 */
const char *pcilu_acs_flags_str(uint16_t f, char *buf, size_t len)
{
	const char *const *n = pcilu_acs_flag_names;
	size_t at = 0;

	buf[0] = 0;
	for (unsigned i = 0; i < 7; i++)
		if (f & (1u << i) && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "|" : "", n[i]);
	if (f & 0xff80 && at < len)
		snprintf(buf + at, len - at, "%s0x%04x", at ? "|" : "", f & 0xff80);
	if (!buf[0])
		snprintf(buf, len, "none");
	return buf;
}

struct sb {
	char *buf;
	size_t len, at;
};

__attribute__((format(printf, 2, 3)))
static void put(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->at >= s->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->at, s->len - s->at, fmt, ap);
	va_end(ap);
	if (n > 0)
		s->at += (size_t)n;
}

static void eval_sentence(const struct pcilu_iommu *r, int32_t dev, const struct pcilu_acs_eval *e,
			  struct sb *s)
{
	const struct pcilu_dev *d = &r->t->devs[dev];
	char bdf[24], f1[48], f2[48], f3[48];

	pcilu_bdf(d, bdf, sizeof(bdf));
	switch (e->why) {
	case PCILU_ACSW_QUIRK_YES:
		put(s, "%s is treated as isolated by the device-specific quirk %s", bdf,
		    pcilu_acs_quirk_name(e->quirk));
		break;
	case PCILU_ACSW_QUIRK_NO:
		put(s, "%s is not isolated according to the quirk %s (missing %s)", bdf,
		    pcilu_acs_quirk_name(e->quirk), pcilu_acs_flags_str(e->missing, f1, sizeof(f1)));
		break;
	case PCILU_ACSW_NOT_PCIE:
		put(s, "%s is a %s (no PCI Express capability), which Linux never treats as isolated",
		    bdf, type_name(d));
		break;
	case PCILU_ACSW_UNREADABLE:
		put(s, "%s is a %s: its capability list was not readable (%s), so whether it is PCI "
		    "Express and has ACS is unknown", bdf, type_name(d),
		    d->dead ? "it reads all-ones" : "fewer than 256 bytes; run as root or use lspci -xxxx");
		break;
	case PCILU_ACSW_BRIDGE_TYPE:
		put(s, "%s is a %s, which Linux never treats as isolated", bdf, type_name(d));
		break;
	case PCILU_ACSW_NO_CAP:
		put(s, "%s is a %s%s without ACS capability and no quirk", bdf,
		    d->multifunction && d->pcie_type != PCI_EXP_TYPE_ROOT_PORT &&
		    d->pcie_type != PCI_EXP_TYPE_DOWNSTREAM ? "multifunction " : "", type_name(d));
		break;
	case PCILU_ACSW_CTRL_OK:
		put(s, "%s has ACS %s enabled (ctrl %s)", bdf, pcilu_acs_flags_str(e->req, f1, sizeof(f1)),
		    pcilu_acs_flags_str(e->ctrl, f2, sizeof(f2)));
		break;
	case PCILU_ACSW_CTRL_MISSING:
		put(s, "ACS %s not all enabled on %s (ctrl %s): capable but disabled, missing %s",
		    pcilu_acs_flags_str(e->req, f1, sizeof(f1)), bdf, pcilu_acs_flags_str(e->ctrl, f2, sizeof(f2)),
		    pcilu_acs_flags_str(e->missing, f3, sizeof(f3)));
		break;
	case PCILU_ACSW_SINGLE_FUNCTION:
		put(s, "%s is a single-function %s, so no peer-to-peer between functions is possible",
		    bdf, type_name(d));
		break;
	default:
		put(s, "%s: ACS not evaluated", bdf);
	}
}

static void flag_notes(uint8_t flags, struct sb *s)
{
	if (flags & PCILU_RF_UNKNOWN)
		put(s, " [depends on config space that was not readable: unknown]");
	if (flags & PCILU_RF_ASSUMED)
		put(s, " [depends on chipset/firmware state: assumption]");
}

char *pcilu_acs_eval_str(const struct pcilu_iommu *r, int32_t dev, const struct pcilu_acs_eval *e,
			 char *buf, size_t len)
{
	struct sb s = { buf, len, 0 };

	if (len)
		buf[0] = 0;
	eval_sentence(r, dev, e, &s);
	flag_notes(e->flags, &s);
	return buf;
}

static void walk_sentence(const struct pcilu_iommu *r, const struct pcilu_reason *rs, struct sb *s)
{
	const struct pcilu_dev *o = &r->t->devs[rs->other];
	char a[24], b[24];

	pcilu_bdf(&r->t->devs[rs->dev], a, sizeof(a));
	pcilu_bdf(o, b, sizeof(b));
	switch (rs->via) {
	case PCILU_VIA_REAL_DMA_DEV:
		put(s, "%s sits behind the VMD controller %s and DMAs with its requester ID, so it "
		    "joins that controller's group", a, b);
		break;
	case PCILU_VIA_PCIE_TO_PCI:
		put(s, "%s is behind the PCIe-to-PCI bridge %s, which takes over its requester ID "
		    "(alias %02x:00.0), so it joins the bridge's group", a, b, o->secondary);
		break;
	case PCILU_VIA_PCIE_BRIDGE_ALIAS:
		put(s, "%s is behind %s, a bridge without PCI Express capability that a quirk marks "
		    "as PCIe-to-PCI (alias %02x:00.0), so it joins the bridge's group", a, b, o->secondary);
		break;
	case PCILU_VIA_PCI_BRIDGE:
		put(s, "%s is behind the conventional PCI bridge %s, which issues its DMA with the "
		    "bridge's own requester ID, so it joins the bridge's group", a, b);
		break;
	case PCILU_VIA_REVERSE_BRIDGE:
		put(s, "%s is behind the PCI-to-PCIe bridge %s, which issues its DMA with the bridge's "
		    "own requester ID, so it joins the bridge's group", a, b);
		break;
	default:
		put(s, "%s: DMA alias of %s, which already had a group", a, b);
	}
}

char *pcilu_reason_str(const struct pcilu_iommu *r, const struct pcilu_reason *rs, char *buf, size_t len)
{
	struct sb s = { buf, len, 0 };
	char a[24], b[24], c[24];

	if (len)
		buf[0] = 0;
	pcilu_bdf(&r->t->devs[rs->dev], a, sizeof(a));
	if (rs->other != PCILU_NONE)
		pcilu_bdf(&r->t->devs[rs->other], b, sizeof(b));
	switch (rs->kind) {
	case PCILU_R_NEW_GROUP:
		put(&s, "%s starts a new group: its upstream path is ACS-isolated and no alias or "
		    "non-isolated sibling function has a group", a);
		break;
	case PCILU_R_DMA_ALIAS_WALK:
		walk_sentence(r, rs, &s);
		break;
	case PCILU_R_PATH:
		eval_sentence(r, rs->bridge, &rs->eval, &s);
		put(&s, ", so the path above %s is not isolated and it shares the group of %s", a, b);
		if (rs->bridge == rs->other)
			put(&s, " (%s and its whole subtree form one group)", b);
		break;
	case PCILU_R_ALIAS:
		put(&s, "%s and %s are DMA aliases of each other (%s), so they share a group", a, b,
		    r->fw_alias[rs->dev] || (rs->other >= 0 && r->fw_alias[rs->other]) ?
		    "the firmware's IVRS table, setup_aliases()" : "quirk");
		break;
	case PCILU_R_FUNCTION:
		pcilu_bdf(&r->t->devs[rs->bridge], c, sizeof(c));
		put(&s, "%s and %s are functions of the same slot and neither is isolated (", c, b);
		eval_sentence(r, rs->bridge, &rs->eval, &s);
		put(&s, "), so they share a group");
		break;
	case PCILU_R_UNTRANSLATED:
		if (rs->via == PCILU_UNTR_DMAR || rs->via == PCILU_UNTR_IVRS || rs->via == PCILU_UNTR_VIOT)
			put(&s, "%s is outside what the firmware's %s table gives an IOMMU (%s), so %s gives it no "
			    "group and no other device can join it", a,
			    rs->via == PCILU_UNTR_DMAR ? "DMAR" : rs->via == PCILU_UNTR_IVRS ? "IVRS" : "VIOT",
			    rs->via == PCILU_UNTR_DMAR ? "in no DRHD device scope and no INCLUDE_PCI_ALL unit for its segment" :
			    rs->via == PCILU_UNTR_IVRS ? "no IVHD device entry for its ID, or it is the IOMMU itself" :
			    "in no PCI range of a virtio-iommu, or it is the virtio-iommu itself",
			    rs->via == PCILU_UNTR_DMAR ? "device_lookup_iommu()" : rs->via == PCILU_UNTR_IVRS ?
			    "check_device()" : "viot_iommu_configure()");
		else if (rs->via == PCILU_UNTR_IOMMU_FN)
			put(&s, "%s is an IOMMU's own PCI function: no IOMMU translates it (AMD-Vi clears its own "
			    "device-table entry, init_iommu_one_late(); a virtio-iommu is outside the ranges it "
			    "serves), so the kernel gives it no group", a);
		else
			put(&s, "%s is in none of the kernel's groups: no IOMMU translates it (outside every "
			    "DMAR/IVRS/VIOT scope, or an IOMMU's own function), so iommu_probe_device() gives it "
			    "no group and no other device can join it", a);
		break;
	default:
		put(&s, "%s: unknown reason", a);
	}
	flag_notes(rs->flags, &s);
	if (rs->flags & (PCILU_RF_DEV_QUIRK | PCILU_RF_OVERRIDE))
		put(&s, " [isolation relies on a %s]",
		    rs->flags & PCILU_RF_OVERRIDE ? "the ACS override patch" : "device-specific ACS quirk");
	return buf;
}

const char *pcilu_reason_kind_name(unsigned kind)
{
	switch (kind) {
	case PCILU_R_NEW_GROUP: return "new-group";
	case PCILU_R_DMA_ALIAS_WALK: return "dma-alias-walk";
	case PCILU_R_PATH: return "path-not-isolated";
	case PCILU_R_ALIAS: return "dma-alias";
	case PCILU_R_FUNCTION: return "function-not-isolated";
	case PCILU_R_UNTRANSLATED: return "not-translated";
	}
	return "unknown";
}
