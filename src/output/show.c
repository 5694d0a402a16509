// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu show: one device decoded, each capability by its own decoder. */
#include "output_int.h"
#include <pcilu/iommu.h>

#include <errno.h>
#include <string.h>

struct cap_name {
	uint16_t id;
	const char *name;
};

static const struct cap_name std_caps[] = {
	{ 0x01, "Power Management" }, { 0x02, "AGP" }, { 0x03, "VPD" },
	{ 0x04, "Slot ID" }, { 0x05, "MSI" }, { 0x06, "CompactPCI Hot Swap" },
	{ 0x07, "PCI-X" }, { 0x08, "HyperTransport" }, { 0x09, "Vendor Specific" },
	{ 0x0a, "Debug port" }, { 0x0b, "CompactPCI CRC" }, { 0x0c, "PCI Hot-plug" },
	{ 0x0d, "Bridge subsystem ids" }, { 0x0e, "AGP 8x" }, { 0x0f, "Secure device" },
	{ 0x10, "PCI Express" }, { 0x11, "MSI-X" }, { 0x12, "SATA" },
	{ 0x13, "PCI Advanced Features" }, { 0x14, "Enhanced Allocation" },
	{ 0x15, "Flattening Portal Bridge" },
};

static const struct cap_name ext_caps[] = {
	{ 0x01, "AER" }, { 0x02, "Virtual Channel" }, { 0x03, "Device Serial Number" },
	{ 0x04, "Power Budgeting" }, { 0x05, "Root Complex Link" }, { 0x06, "RC Internal Link" },
	{ 0x07, "RC Event Collector" }, { 0x08, "MFVC" }, { 0x09, "Virtual Channel (MFVC)" },
	{ 0x0a, "RCRB" }, { 0x0b, "Vendor Specific" }, { 0x0c, "Config Access Correlation" },
	{ 0x0d, "ACS" }, { 0x0e, "ARI" }, { 0x0f, "ATS" }, { 0x10, "SR-IOV" },
	{ 0x11, "MR-IOV" }, { 0x12, "Multicast" }, { 0x13, "Page Request" },
	{ 0x15, "Resizable BAR" }, { 0x16, "DPA" }, { 0x17, "TPH" }, { 0x18, "LTR" },
	{ 0x19, "Secondary PCIe" }, { 0x1a, "PMUX" }, { 0x1b, "PASID" }, { 0x1c, "LNR" },
	{ 0x1d, "DPC" }, { 0x1e, "L1 PM Substates" }, { 0x1f, "PTM" }, { 0x23, "DVSEC" },
	{ 0x24, "VF Resizable BAR" }, { 0x25, "Data Link Feature" }, { 0x26, "Physical Layer 16 GT/s" },
	{ 0x27, "Lane Margining" }, { 0x2a, "Physical Layer 32 GT/s" }, { 0x2b, "Alternate Protocol" },
	{ 0x2e, "DOE" }, { 0x30, "IDE" }, { 0x31, "Physical Layer 64 GT/s" },
};

static const char *cap_lookup(const struct cap_name *t, size_t n, uint16_t id)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].name;
	return "unknown";
}

#define MAX_CAPS 64

struct cap_list {
	uint16_t pos[MAX_CAPS], id[MAX_CAPS];
	size_t n;
	const char *stop;	/* why the walk stopped early, or NULL */
};

/* Same guards as pcilu_find_capability(): at most 48 entries, no pointer into the header. */
static void walk_std(const struct pcilu_dev *d, struct cap_list *l)
{
	uint8_t pos;
	uint64_t seen[4] = { 0 };

	l->n = 0;
	l->stop = NULL;
	if (d->dead || d->cfg_len < PCI_CFG_SPACE_SIZE || !(pcilu_le16(d->cfg + PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return;
	pos = d->cfg[d->hdr_type == PCI_HEADER_TYPE_CARDBUS ? PCI_CB_CAPABILITY_LIST : PCI_CAPABILITY_LIST];
	while (pos && l->n < PCI_FIND_CAP_TTL && l->n < MAX_CAPS) {
		if (pos < PCI_STD_HEADER_SIZEOF) {
			l->stop = "pointer into the header";
			return;
		}
		pos &= ~3u;
		if (seen[pos >> 6] & (1ull << (pos & 63))) {
			l->stop = "chain loops";
			return;
		}
		seen[pos >> 6] |= 1ull << (pos & 63);
		if (d->cfg[pos] == 0xff)
			return;
		l->pos[l->n] = pos;
		l->id[l->n++] = d->cfg[pos];
		pos = d->cfg[pos + 1];
	}
}

static void walk_ext(const struct pcilu_dev *d, struct cap_list *l)
{
	unsigned pos = PCI_CFG_SPACE_SIZE;
	uint64_t seen[PCI_CFG_SPACE_EXP_SIZE / 4 / 64] = { 0 };

	l->n = 0;
	l->stop = NULL;
	if (d->ext_state != PCILU_EXT_READ)
		return;
	while (l->n < MAX_CAPS) {
		uint32_t h = pcilu_le32(d->cfg + pos);

		if (seen[pos / 4 / 64] & (1ull << (pos / 4 % 64))) {
			l->stop = "chain loops";
			return;
		}
		seen[pos / 4 / 64] |= 1ull << (pos / 4 % 64);
		if (h == 0 || h == 0xffffffffu)
			return;
		l->pos[l->n] = (uint16_t)pos;
		l->id[l->n++] = (uint16_t)PCI_EXT_CAP_ID(h);
		pos = PCI_EXT_CAP_NEXT(h);
		if (!pos)
			return;
		if (pos < PCI_CFG_SPACE_SIZE) {
			l->stop = "pointer below 0x100";
			return;
		}
	}
}

/*
 * The capability's low byte: bit 7 there is Enhanced Capability (ACS
 * Enhanced Capability, PCIe 6.0), a property, not a flag Control enables,
 * so it is named here rather than by the flags formatter.
 */
static const char *acs_cap_str(uint16_t cap, char *buf, size_t len)
{
	size_t at;

	if (!(cap & 0x80))
		return pcilu_acs_flags_str(cap & 0x7f, buf, len);
	at = cap & 0x7f ? strlen(pcilu_acs_flags_str(cap & 0x7f, buf, len)) : 0;
	snprintf(buf + at, len - at, "%sEN", at ? "|" : "");
	return buf;
}

static const char *ext_state_text(const struct pcilu_dev *d)
{
	switch (d->ext_state) {
	case PCILU_EXT_NONE:
		return "none (not PCI Express)";
	case PCILU_EXT_UNKNOWN:
		if (d->caps_unknown)
			return "unknown: the capability list was not readable";
		return "unknown: extended config space not readable (need 4096 bytes)";
	case PCILU_EXT_EMPTY:
		return "none";
	case PCILU_EXT_HIDDEN:
		return "none as the kernel sees it: a bridge above passes no extended config space "
		       "(pci_bridge_child_ext_cfg_accessible(), 7.2)";
	default:
		return NULL;
	}
}

static void text_caps(FILE *f, const struct pcilu_dev *d)
{
	struct cap_list l;

	walk_std(d, &l);
	fprintf(f, "  capabilities: ");
	if (d->dead)
		fprintf(f, "unknown (reads all-ones: powered down or gone)");
	else if (d->cfg_len < PCI_CFG_SPACE_SIZE)
		fprintf(f, "unknown (only %u bytes readable; run as root)", d->cfg_len);
	for (size_t i = 0; i < l.n; i++)
		fprintf(f, "%s[%02x] %s", i ? ", " : "", l.pos[i],
			cap_lookup(std_caps, sizeof(std_caps) / sizeof(std_caps[0]), l.id[i]));
	fprintf(f, "%s%s\n", l.stop ? "; walk stopped: " : "", l.stop ? l.stop : "");
	walk_ext(d, &l);
	fprintf(f, "  extended:     ");
	if (ext_state_text(d))
		fprintf(f, "%s", ext_state_text(d));
	for (size_t i = 0; i < l.n; i++)
		fprintf(f, "%s[%03x] %s", i ? ", " : "", l.pos[i],
			cap_lookup(ext_caps, sizeof(ext_caps) / sizeof(ext_caps[0]), l.id[i]));
	fprintf(f, "%s%s\n", l.stop ? "; walk stopped: " : "", l.stop ? l.stop : "");
}

static void text_sriov(FILE *f, const struct pcilu_topology *t, const struct pcilu_dev *d)
{
	const struct pcilu_sriov *s = &d->sriov;
	char bdf[24];

	fprintf(f, "  SR-IOV:       at 0x%03x, TotalVFs %u, NumVFs %u, First VF Offset %u, VF Stride %u, "
		"VF Device ID %04x, VF Enable %s\n", s->pos, s->total_vfs, s->num_vfs, s->vf_offset,
		s->vf_stride, s->vf_device, (s->ctrl & PCI_SRIOV_CTRL_VFE) ? "on" : "off");
	for (unsigned v = 0; v < s->num_vfs && v < s->total_vfs; v++) {
		uint8_t bus, devfn;

		pcilu_sriov_vf_addr(d, v, &bus, &devfn);
		fprintf(f, "%s%s%s", v ? " " : "                VFs: ",
			pcilu_bdf_fmt(d->seg, bus, devfn, bdf, sizeof(bdf)),
			pcilu_topology_find(t, d->seg, bus, devfn) == PCILU_NONE ? "(absent)" : "");
		if (v + 1 == s->num_vfs || v + 1 == s->total_vfs)
			fputc('\n', f);
	}
}

/* Link and slot: what a person finds in the chassis. */
static void text_link(FILE *f, const struct pcilu_dev *d)
{
	struct pcilu_link_info li;
	char a[32], b[32];

	if (pcilu_pcie_link_info(d, &li) || !li.cap_width)
		return;
	fprintf(f, "  link:         %s (capable of %s)\n", pcilu_link_str(li.sta_speed, li.sta_width, a, sizeof(a)),
		pcilu_link_str(li.cap_speed, li.cap_width, b, sizeof(b)));
	if (d->pcie_type != PCI_EXP_TYPE_ROOT_PORT && d->pcie_type != PCI_EXP_TYPE_DOWNSTREAM)
		return;
	if (li.slot && li.power_mw)
		fprintf(f, "  slot:         physical slot %u, power limit %u.%03u W\n", li.slot_number,
			li.power_mw / 1000, li.power_mw % 1000);
	else if (li.slot)
		fprintf(f, "  slot:         physical slot %u, no power limit set\n", li.slot_number);
	else
		fprintf(f, "  slot:         none (Slot Implemented is 0: what sits below is on-board)\n");
}

static void text_path(FILE *f, const struct pcilu_topology *t, int32_t i)
{
	char bdf[24];
	int32_t up = pcilu_upstream_bridge(t, i);

	fprintf(f, "  upstream:     ");
	if (up == PCILU_NONE) {
		const struct pcilu_bus *b = &t->buses[t->devs[i].bus_idx];

		while (b->is_virtual)
			b = &t->buses[b->parent];
		fprintf(f, "root bus %04x:%02x\n", b->seg, b->number);
		return;
	}
	for (int depth = 0; up != PCILU_NONE && depth < 256; depth++) {
		fprintf(f, "%s%s", depth ? " <- " : "", pcilu_bdf(&t->devs[up], bdf, sizeof(bdf)));
		up = pcilu_upstream_bridge(t, up);
	}
	fputc('\n', f);
}

static void text_show(FILE *f, const struct pcilu_topology *t, int32_t i, const struct pcilu_out_opts *o)
{
	const struct pcilu_dev *d = &t->devs[i];
	char bdf[24], label[320], a[64], b[64], drv[256];

	fprintf(f, "%s %s\n", pcilu_bdf(d, bdf, sizeof(bdf)), pcilu_dev_label(d, o->names, label, sizeof(label)));
	fprintf(f, "  type:         %s%s%s\n", pcilu_dev_type_name(d), d->multifunction ? ", multifunction" : "",
		d->is_virtfn ? ", virtual function" : "");
	fprintf(f, "  header:       type %u, class %06x, revision %02x, subsystem %04x:%04x\n",
		d->hdr_type, d->class, d->revision, d->subsys_vendor, d->subsys_device);
	fprintf(f, "  config space: %u bytes readable\n", d->cfg_len);
	if (pcilu_is_bridge(d))
		fprintf(f, "  buses:        primary %02x, secondary %02x, subordinate %02x\n",
			d->primary, d->secondary, d->subordinate);
	text_caps(f, d);
	if (d->acs_pos)
		fprintf(f, "  ACS:          at 0x%03x, cap %s (0x%04x, egress vector %u bits), ctrl %s (0x%04x)\n",
			d->acs_pos, acs_cap_str(d->acs_cap, a, sizeof(a)), d->acs_cap,
			(unsigned)(d->acs_cap >> 8), pcilu_acs_flags_str(d->acs_ctrl & 0x7f, b, sizeof(b)), d->acs_ctrl);
	else
		fprintf(f, "  ACS:          %s\n", pcilu_acs_summary(d, a, sizeof(a)));
	if (d->ari_pos || d->ari_fwd)
		fprintf(f, "  ARI:          %s%s\n", d->ari_pos ? "capability present" : "no capability",
			d->ari_fwd ? ", ARI Forwarding enabled" : "");
	if (d->sriov.pos)
		text_sriov(f, t, d);
	if (d->is_virtfn && d->physfn != PCILU_NONE)
		fprintf(f, "  physfn:       %s\n", pcilu_bdf(&t->devs[d->physfn], bdf, sizeof(bdf)));
	text_link(f, d);
	if (d->numa_node >= 0)
		fprintf(f, "  NUMA node:    %d\n", d->numa_node);
	text_path(f, t, i);
	if (d->kernel_group != PCILU_NO_GROUP)
		fprintf(f, "  kernel:       IOMMU group %d, driver %s\n", d->kernel_group,
			PCILU_ESC(d->driver ? d->driver : "none", drv));
	else if (d->driver)
		fprintf(f, "  kernel:       IOMMU group not given by the source, driver %s\n", PCILU_ESC(d->driver, drv));
}

static void caps_w(struct pcilu_jw *w, const struct cap_list *l, bool ext)
{
	pcilu_jw_arr(w);
	for (size_t i = 0; i < l->n; i++) {
		pcilu_jw_obj(w);
		pcilu_jw_khex(w, "offset", l->pos[i], ext ? 3 : 2);
		pcilu_jw_khex(w, "id", l->id[i], ext ? 4 : 2);
		pcilu_jw_kstr(w, "name", ext ? cap_lookup(ext_caps, sizeof(ext_caps) / sizeof(ext_caps[0]), l->id[i]) :
				 cap_lookup(std_caps, sizeof(std_caps) / sizeof(std_caps[0]), l->id[i]));
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
}

static void sriov_w(struct pcilu_jw *w, const struct pcilu_dev *d)
{
	const struct pcilu_sriov *s = &d->sriov;

	pcilu_jw_obj(w);
	pcilu_jw_kint(w, "total_vfs", s->total_vfs);
	pcilu_jw_kint(w, "num_vfs", s->num_vfs);
	pcilu_jw_kint(w, "first_vf_offset", s->vf_offset);
	pcilu_jw_kint(w, "vf_stride", s->vf_stride);
	pcilu_jw_khex(w, "vf_device", s->vf_device, 4);
	pcilu_jw_kbool(w, "vf_enable", s->ctrl & PCI_SRIOV_CTRL_VFE);
	pcilu_jw_karr(w, "vfs");
	for (unsigned v = 0; v < s->num_vfs && v < s->total_vfs; v++) {
		uint8_t bus, devfn;
		char bdf[24];

		pcilu_sriov_vf_addr(d, v, &bus, &devfn);
		pcilu_jw_str(w, pcilu_bdf_fmt(d->seg, bus, devfn, bdf, sizeof(bdf)));
	}
	pcilu_jw_end_arr(w);
	pcilu_jw_end_obj(w);
}

static int show_json(FILE *f, const struct pcilu_topology *t, int32_t i, const struct pcilu_out_opts *o)
{
	static const char *const ext_names[] = { "none", "read", "unknown", "empty", "hidden" };
	const struct pcilu_dev *d = &t->devs[i];
	struct pcilu_jw *w = pcilu_jw_doc(f, "pcilu-show/1");
	struct cap_list l;

	if (!w)
		return -ENOMEM;
	pcilu_jw_key(w, "source");
	pcilu_jw_source(w, t);
	pcilu_jw_kobj(w, "device");
	pcilu_jw_dev_fields(w, d, o->names);
	pcilu_jw_kint(w, "header_type", d->hdr_type);
	pcilu_jw_khex(w, "revision", d->revision, 2);
	pcilu_jw_khex(w, "subsystem_vendor", d->subsys_vendor, 4);
	pcilu_jw_khex(w, "subsystem_device", d->subsys_device, 4);
	pcilu_jw_kbool(w, "virtfn", d->is_virtfn);
	if (pcilu_is_bridge(d)) {
		pcilu_jw_khex(w, "primary_bus", d->primary, 2);
		pcilu_jw_khex(w, "secondary_bus", d->secondary, 2);
		pcilu_jw_khex(w, "subordinate_bus", d->subordinate, 2);
	}
	walk_std(d, &l);
	pcilu_jw_key(w, "capabilities");
	caps_w(w, &l, false);
	walk_ext(d, &l);
	pcilu_jw_kstr(w, "extended_capabilities_state", ext_names[d->ext_state < 5 ? d->ext_state : 2]);
	pcilu_jw_key(w, "extended_capabilities");
	caps_w(w, &l, true);
	if (d->ari_pos || d->ari_fwd) {
		pcilu_jw_kobj(w, "ari");
		pcilu_jw_kbool(w, "capability", d->ari_pos);
		pcilu_jw_kbool(w, "forwarding", d->ari_fwd);
		pcilu_jw_end_obj(w);
	} else {
		pcilu_jw_knull(w, "ari");
	}
	if (d->sriov.pos) {
		pcilu_jw_key(w, "sriov");
		sriov_w(w, d);
	}
	pcilu_jw_key(w, "parent");
	pcilu_jw_bdf_at(w, t, pcilu_upstream_bridge(t, i));
	if (d->kernel_group != PCILU_NO_GROUP)
		pcilu_jw_kint(w, "kernel_iommu_group", d->kernel_group);
	pcilu_jw_end_obj(w);
	return pcilu_jw_finish(w);
}

int pcilu_print_show(FILE *f, const struct pcilu_topology *t, int32_t dev, const struct pcilu_out_opts *o)
{
	if (dev < 0 || (size_t)dev >= t->ndevs)
		return -EINVAL;
	if (o->json)
		return show_json(f, t, dev, o);
	text_show(f, t, dev, o);
	return 0;
}
