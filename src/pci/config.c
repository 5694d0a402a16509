// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Config-space decoding: header, capability lists with the kernel's loop
 * guards, and one decoder per capability pcilu needs (PCI Express, ACS, ARI,
 * SR-IOV), as pciutils keeps one decoder per capability.
 */
#include "pci_int.h"

#include <errno.h>
#include <string.h>

int pcilu_read_config_byte(const struct pcilu_dev *dev, unsigned off, uint8_t *v)
{
	if (off >= dev->cfg_len)
		return -ERANGE;
	*v = dev->cfg[off];
	return 0;
}

int pcilu_read_config_word(const struct pcilu_dev *dev, unsigned off, uint16_t *v)
{
	if (off + 2 > dev->cfg_len || (off & 1))
		return -ERANGE;
	*v = pcilu_le16(dev->cfg + off);
	return 0;
}

int pcilu_read_config_dword(const struct pcilu_dev *dev, unsigned off, uint32_t *v)
{
	if (off + 4 > dev->cfg_len || (off & 3))
		return -ERANGE;
	*v = pcilu_le32(dev->cfg + off);
	return 0;
}

/* pci_bus_find_cap_start(), drivers/pci/pci.c, 7.2: where the legacy list starts. */
static unsigned cap_start(const struct pcilu_dev *dev)
{
	uint16_t status;

	if (pcilu_read_config_word(dev, PCI_STATUS, &status) || !(status & PCI_STATUS_CAP_LIST))
		return 0;
	switch (dev->hdr_type) {
	case PCI_HEADER_TYPE_NORMAL:
	case PCI_HEADER_TYPE_BRIDGE:
		return PCI_CAPABILITY_LIST;
	case PCI_HEADER_TYPE_CARDBUS:
		return PCI_CB_CAPABILITY_LIST;
	default:
		return 0;
	}
}

/*
 * __pci_find_next_cap_ttl(), drivers/pci/pci.c, 7.2: the kernel stops after
 * 48 entries or at a pointer into the header. We find what the kernel finds,
 * and unlike it we say why a walk stopped early.
 */
int pcilu_find_capability(const struct pcilu_dev *dev, uint8_t id)
{
	unsigned start = cap_start(dev);
	uint8_t pos;
	uint64_t seen[4] = { 0 };

	if (!start || pcilu_read_config_byte(dev, start, &pos))
		return 0;
	for (int ttl = PCI_FIND_CAP_TTL; ttl > 0; ttl--) {
		uint16_t ent;

		if (pos == 0)
			return 0;
		if (pos < PCI_STD_HEADER_SIZEOF)
			return -ERANGE;
		pos &= ~3u;
		if (seen[pos >> 6] & (1ull << (pos & 63)))
			return -ELOOP;
		seen[pos >> 6] |= 1ull << (pos & 63);
		if (pcilu_read_config_word(dev, pos, &ent))
			return -ERANGE;
		if ((ent & 0xff) == 0xff)
			return 0;
		if ((ent & 0xff) == id)
			return pos;
		pos = (uint8_t)(ent >> 8);
	}
	return -ELOOP;
}

/* pci_find_next_ext_capability(), drivers/pci/pci.c, 7.2, with loop detection. */
int pcilu_find_ext_capability(const struct pcilu_dev *dev, uint16_t id)
{
	uint32_t header;
	unsigned pos = PCI_CFG_SPACE_SIZE;
	uint64_t seen[PCI_CFG_SPACE_EXP_SIZE / 4 / 64] = { 0 };

	if (dev->cfg_len < PCI_CFG_SPACE_EXP_SIZE)
		return dev->pcie_pos ? -ENODATA : 0;
	header = pcilu_le32(dev->cfg + pos);
	/* No extended capabilities: ID, version and next are all 0 (or the device is gone). */
	if (header == 0 || header == 0xffffffffu)
		return 0;
	for (int ttl = PCI_FIND_EXT_CAP_TTL; ttl > 0; ttl--) {
		unsigned w = pos / 4;

		if (seen[w / 64] & (1ull << (w % 64)))
			return -ELOOP;
		seen[w / 64] |= 1ull << (w % 64);
		if (PCI_EXT_CAP_ID(header) == id)
			return (int)pos;
		pos = PCI_EXT_CAP_NEXT(header);
		if (pos == 0)
			return 0;
		if (pos < PCI_CFG_SPACE_SIZE)
			return -ERANGE;
		header = pcilu_le32(dev->cfg + pos);
	}
	return -ELOOP;
}

static void report_cap(struct pcilu_dev *dev, int ret, bool ext, const char *what,
		       const char *file, struct pcilu_diag *d)
{
	char bdf[24];

	if (ret == -ELOOP)
		dev->cap_errors |= ext ? PCILU_CAPERR_EXT_LOOP : PCILU_CAPERR_LOOP;
	else if (ret == -ERANGE)
		dev->cap_errors |= ext ? PCILU_CAPERR_EXT_RANGE : PCILU_CAPERR_RANGE;
	else
		return;
	pcilu_diag_add(d, PCILU_WARN, file, dev->line, ext ? PCI_CFG_SPACE_SIZE : PCI_CAPABILITY_LIST,
		       "%s: %s capability list %s while looking for %s; the kernel stops there too",
		       pcilu_bdf(dev, bdf, sizeof(bdf)), ext ? "extended" : "legacy",
		       ret == -ELOOP ? "loops" : "points out of range", what);
}

/* Clamp a walker result to an offset or 0, reporting what went wrong. */
static unsigned find_cap(struct pcilu_dev *dev, uint8_t id, const char *what,
			 const char *file, struct pcilu_diag *d)
{
	int ret = pcilu_find_capability(dev, id);

	report_cap(dev, ret, false, what, file, d);
	return ret > 0 ? (unsigned)ret : 0;
}

static unsigned find_ext(struct pcilu_dev *dev, uint16_t id, const char *what,
			 const char *file, struct pcilu_diag *d)
{
	int ret = pcilu_find_ext_capability(dev, id);

	report_cap(dev, ret, true, what, file, d);
	return ret > 0 ? (unsigned)ret : 0;
}

/*
 * A capability that does not fit in the readable bytes cannot be decoded;
 * treating it as absent would be a guess (e.g. "no ACS"), so it is an error.
 */
static bool truncated(struct pcilu_dev *dev, unsigned pos, unsigned size, const char *what,
		      const char *file, struct pcilu_diag *d)
{
	char bdf[24];

	if (pos + size <= dev->cfg_len)
		return false;
	dev->cap_errors |= PCILU_CAPERR_TRUNC;
	pcilu_diag_add(d, PCILU_ERROR, file, dev->line, (long)pos,
		       "%s: %s capability at 0x%x needs %u bytes but config space ends at 0x%x; its fields are unknown",
		       pcilu_bdf(dev, bdf, sizeof(bdf)), what, pos, size, dev->cfg_len);
	return true;
}

static void decode_pcie(struct pcilu_dev *dev, const char *file, struct pcilu_diag *d)
{
	unsigned pos = find_cap(dev, PCI_CAP_ID_EXP, "PCI Express", file, d);

	if (!pos || truncated(dev, pos, 4, "PCI Express", file, d))
		return;
	dev->pcie_pos = (uint8_t)pos;
	dev->pcie_flags = pcilu_le16(dev->cfg + pos + PCI_EXP_FLAGS);
	dev->pcie_type = (uint8_t)((dev->pcie_flags & PCI_EXP_FLAGS_TYPE) >> 4);
	/* Device Control 2 exists only from capability version 2 on. */
	if ((dev->pcie_flags & PCI_EXP_FLAGS_VERS) >= 2 &&
	    !truncated(dev, pos, PCI_EXP_DEVCTL2 + 2, "PCI Express", file, d))
		dev->ari_fwd = pcilu_le16(dev->cfg + pos + PCI_EXP_DEVCTL2) & PCI_EXP_DEVCTL2_ARI;
}

/* pci_acs_init() reads the capability once; control is read when used. */
static void decode_acs(struct pcilu_dev *dev, const char *file, struct pcilu_diag *d)
{
	unsigned pos = find_ext(dev, PCI_EXT_CAP_ID_ACS, "ACS", file, d);

	if (!pos || truncated(dev, pos, 8, "ACS", file, d))
		return;
	dev->acs_pos = (uint16_t)pos;
	dev->acs_cap = pcilu_le16(dev->cfg + pos + PCI_ACS_CAP);
	dev->acs_ctrl = pcilu_le16(dev->cfg + pos + PCI_ACS_CTRL);
}

/*
 * SR-IOV states Linux never creates: sriov_enable() refuses more VFs than
 * TotalVFs or VFs on a bus past the PF's bus range, and compute_max_vf_buses()
 * rejects a zero offset or stride (drivers/pci/iov.c, 7.2). A dump showing
 * them enabled is corrupt; the VF addresses it implies would be made up.
 */
static void check_sriov(struct pcilu_dev *dev, const char *file, struct pcilu_diag *d)
{
	const struct pcilu_sriov *s = &dev->sriov;
	bool on = s->ctrl & PCI_SRIOV_CTRL_VFE;
	unsigned n = s->num_vfs < s->total_vfs ? s->num_vfs : s->total_vfs;
	char bdf[24];

	pcilu_bdf(dev, bdf, sizeof(bdf));
	if (!s->total_vfs)
		return;
	if (!s->vf_offset || (s->total_vfs > 1 && !s->vf_stride)) {
		pcilu_diag_add(d, on ? PCILU_ERROR : PCILU_WARN, file, dev->line,
			       (long)s->pos + PCI_SRIOV_VF_OFFSET,
			       "%s: SR-IOV First VF Offset %u, VF Stride %u: Linux cannot use this capability%s",
			       bdf, s->vf_offset, s->vf_stride,
			       on ? ", yet VF Enable is set" : "");
		return;
	}
	if (!on)
		return;
	if (s->num_vfs > s->total_vfs)
		pcilu_diag_add(d, PCILU_ERROR, file, dev->line, (long)s->pos + PCI_SRIOV_NUM_VF,
			       "%s: SR-IOV NumVFs %u exceeds TotalVFs %u; Linux never enables that",
			       bdf, s->num_vfs, s->total_vfs);
	if (n && (unsigned)dev->bus + ((dev->devfn + s->vf_offset + (unsigned)s->vf_stride * (n - 1)) >> 8) > 0xff)
		pcilu_diag_add(d, PCILU_ERROR, file, dev->line, (long)s->pos + PCI_SRIOV_NUM_VF,
			       "%s: SR-IOV with %u VFs (offset %u, stride %u) puts VFs past bus ff; Linux never enables that",
			       bdf, n, s->vf_offset, s->vf_stride);
}

static void decode_sriov(struct pcilu_dev *dev, const char *file, struct pcilu_diag *d)
{
	unsigned pos = find_ext(dev, PCI_EXT_CAP_ID_SRIOV, "SR-IOV", file, d);
	struct pcilu_sriov *s = &dev->sriov;
	const uint8_t *c;

	if (!pos || truncated(dev, pos, PCI_SRIOV_VF_DID + 2, "SR-IOV", file, d))
		return;
	c = dev->cfg + pos;
	s->pos = (uint16_t)pos;
	s->ctrl = pcilu_le16(c + PCI_SRIOV_CTRL);
	s->initial_vfs = pcilu_le16(c + PCI_SRIOV_INITIAL_VF);
	s->total_vfs = pcilu_le16(c + PCI_SRIOV_TOTAL_VF);
	s->num_vfs = pcilu_le16(c + PCI_SRIOV_NUM_VF);
	s->vf_offset = pcilu_le16(c + PCI_SRIOV_VF_OFFSET);
	s->vf_stride = pcilu_le16(c + PCI_SRIOV_VF_STRIDE);
	s->vf_device = pcilu_le16(c + PCI_SRIOV_VF_DID);
	check_sriov(dev, file, d);
}

static void decode_bridge(struct pcilu_dev *dev)
{
	if (dev->hdr_type != PCI_HEADER_TYPE_BRIDGE && dev->hdr_type != PCI_HEADER_TYPE_CARDBUS)
		return;
	dev->primary = dev->cfg[PCI_PRIMARY_BUS];
	dev->secondary = dev->cfg[PCI_SECONDARY_BUS];
	dev->subordinate = dev->cfg[PCI_SUBORDINATE_BUS];
}

static void decode_subsys(struct pcilu_dev *dev)
{
	unsigned off = 0;

	if (dev->hdr_type == PCI_HEADER_TYPE_NORMAL)
		off = PCI_SUBSYSTEM_VENDOR_ID;
	else if (dev->hdr_type == PCI_HEADER_TYPE_CARDBUS && dev->cfg_len >= PCI_CB_SUBSYSTEM_ID + 2)
		off = PCI_CB_SUBSYSTEM_VENDOR_ID;
	/* Bridges carry subsystem ids in the SSVID capability, if at all. */
	if (dev->hdr_type == PCI_HEADER_TYPE_BRIDGE)
		return;
	if (off) {
		dev->subsys_vendor = pcilu_le16(dev->cfg + off);
		dev->subsys_device = pcilu_le16(dev->cfg + off + 2);
	}
}

static void decode_bridge_subsys(struct pcilu_dev *dev, const char *file, struct pcilu_diag *d)
{
	unsigned pos;

	if (dev->hdr_type != PCI_HEADER_TYPE_BRIDGE)
		return;
	pos = find_cap(dev, PCI_CAP_ID_SSVID, "bridge subsystem ids", file, d);
	if (pos && !truncated(dev, pos, 8, "bridge subsystem id", file, d)) {
		dev->subsys_vendor = pcilu_le16(dev->cfg + pos + 4);
		dev->subsys_device = pcilu_le16(dev->cfg + pos + 6);
	}
}

static int decode_dead(struct pcilu_dev *dev, const char *bdf, const char *file,
		       struct pcilu_diag *d)
{
	pcilu_diag_add(d, PCILU_WARN, file, dev->line, PCI_VENDOR_ID,
		       "%s: reads all-ones (powered down or gone); kept with nothing known but its address",
		       bdf);
	dev->class = 0xffffff;
	dev->hdr_type = PCI_HEADER_TYPE_NORMAL;
	/* pci_scan_slot() only looked past function 0 if it was multifunction. */
	dev->multifunction = PCI_FUNC(dev->devfn) != 0;
	dev->caps_unknown = true;
	dev->ext_state = PCILU_EXT_UNKNOWN;
	return 0;
}

int pcilu_dev_decode(struct pcilu_dev *dev, const char *file, struct pcilu_diag *d)
{
	char bdf[24];
	const uint8_t *c = dev->cfg;

	pcilu_bdf(dev, bdf, sizeof(bdf));
	if (dev->cfg_len < PCI_STD_HEADER_SIZEOF) {
		pcilu_diag_add(d, PCILU_ERROR, file, dev->line, dev->cfg_len,
			       "%s: only %u bytes of config space; the 64-byte header is required",
			       bdf, dev->cfg_len);
		return -EINVAL;
	}
	dev->vendor = pcilu_le16(c + PCI_VENDOR_ID);
	dev->device = pcilu_le16(c + PCI_DEVICE_ID);
	/*
	 * A VF reads ~0 ids by design (the PF's SR-IOV capability names them).
	 * Any other function reading ~0 was enumerated by the kernel (the source
	 * lists it) and has since stopped answering (D3cold, powered down, or a
	 * link down): it is still in the kernel's topology, so it stays in ours,
	 * with nothing known but its address (pci_dev_is_disconnected() and the
	 * ~0 read convention, drivers/pci/access.c, 7.2).
	 */
	if (dev->vendor == 0xffff && !dev->is_virtfn && dev->dead)
		return decode_dead(dev, bdf, file, d);
	if ((dev->vendor == 0xffff && !dev->is_virtfn) || dev->vendor == 0) {
		pcilu_diag_add(d, PCILU_ERROR, file, dev->line, PCI_VENDOR_ID,
			       "%s: vendor id %04x means no device answered", bdf, dev->vendor);
		return -EINVAL;
	}
	dev->revision = c[PCI_REVISION_ID];
	dev->class = (uint32_t)c[PCI_CLASS_PROG] | (uint32_t)pcilu_le16(c + PCI_CLASS_DEVICE) << 8;
	dev->hdr_type = c[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MASK;
	/* pci_setup_device() and pci_scan_slot(), drivers/pci/probe.c, 7.2 */
	dev->multifunction = (c[PCI_HEADER_TYPE] & PCI_HEADER_TYPE_MFD) || PCI_FUNC(dev->devfn);
	/* pci_setup_device(), drivers/pci/probe.c, 7.2: unknown layouts are ignored. */
	if (dev->hdr_type > PCI_HEADER_TYPE_CARDBUS) {
		pcilu_diag_add(d, PCILU_ERROR, file, dev->line, PCI_HEADER_TYPE,
			       "%s: unknown header type %02x; Linux ignores the device", bdf, dev->hdr_type);
		return -EINVAL;
	}
	decode_subsys(dev);
	decode_bridge(dev);
	if (dev->cfg_len < PCI_CFG_SPACE_SIZE) {
		/* The capability list lies past the header: whether this is even
		 * PCI Express is unknown, and must not read as "no". */
		dev->caps_unknown = true;
		dev->ext_state = PCILU_EXT_UNKNOWN;
		return 0;	/* the caller reports truncation */
	}
	decode_pcie(dev, file, d);
	decode_bridge_subsys(dev, file, d);
	if (!dev->pcie_pos) {
		dev->ext_state = PCILU_EXT_NONE;
		return 0;
	}
	if (dev->cfg_len < PCI_CFG_SPACE_EXP_SIZE) {
		dev->ext_state = PCILU_EXT_UNKNOWN;
		return 0;
	}
	uint32_t h = pcilu_le32(c + PCI_CFG_SPACE_SIZE);

	dev->ext_state = (h == 0 || h == 0xffffffffu) ? PCILU_EXT_EMPTY : PCILU_EXT_READ;
	decode_acs(dev, file, d);
	dev->ari_pos = (uint16_t)find_ext(dev, PCI_EXT_CAP_ID_ARI, "ARI", file, d);
	decode_sriov(dev, file, d);
	return 0;
}

/* pci_iov_virtfn_bus() and pci_iov_virtfn_devfn(), drivers/pci/iov.c, 7.2 */
void pcilu_sriov_vf_addr(const struct pcilu_dev *pf, unsigned i, uint8_t *bus, uint8_t *devfn)
{
	unsigned rid = (unsigned)pf->devfn + pf->sriov.vf_offset + pf->sriov.vf_stride * i;

	*bus = (uint8_t)(pf->bus + (rid >> 8));
	*devfn = (uint8_t)(rid & 0xff);
}

bool pcilu_is_bridge(const struct pcilu_dev *dev)
{
	return dev->hdr_type == PCI_HEADER_TYPE_BRIDGE || dev->hdr_type == PCI_HEADER_TYPE_CARDBUS;
}

bool pcilu_is_pcie(const struct pcilu_dev *dev)
{
	return dev->pcie_pos != 0;
}

void pcilu_fixup_port_type(struct pcilu_dev *dev, const struct pcilu_dev *parent)
{
	if (!dev->pcie_pos || !parent)
		return;
	/*
	 * set_pcie_port_type() (drivers/pci/probe.c, 7.2 and 7.3) clears the type
	 * field (PCI_EXP_FLAGS_TYPE, bits 7:4) and ORs the new type into bits 3:0,
	 * the capability version: the corrected port reads as type 0, a PCIe
	 * endpoint, and a port below it sees a parent that is neither. Bug for bug.
	 */
	if ((dev->pcie_type == PCI_EXP_TYPE_DOWNSTREAM && pcilu_pcie_downstream_port(parent)) ||
	    (dev->pcie_type == PCI_EXP_TYPE_UPSTREAM && parent->pcie_pos &&
	     parent->pcie_type == PCI_EXP_TYPE_UPSTREAM)) {
		dev->pcie_flags = (uint16_t)((dev->pcie_flags & ~PCI_EXP_FLAGS_TYPE) |
					     (dev->pcie_type == PCI_EXP_TYPE_DOWNSTREAM ? PCI_EXP_TYPE_UPSTREAM :
									      PCI_EXP_TYPE_DOWNSTREAM));
		dev->pcie_type = (uint8_t)((dev->pcie_flags & PCI_EXP_FLAGS_TYPE) >> 4);
		dev->port_retyped = true;
	}
}

/*
 * The link and slot registers of the PCI Express capability (PCIe r6.0
 * 7.5.3.6-7.5.3.10): what a person finds in the chassis. Ports without
 * Slot Implemented (PCI_EXP_FLAGS_SLOT) lead to on-board devices.
 */
int pcilu_pcie_link_info(const struct pcilu_dev *d, struct pcilu_link_info *li)
{
	static const uint32_t scale_mw[4] = { 1000, 100, 10, 1 };
	uint32_t cap = 0, slot = 0;
	uint16_t sta = 0;
	unsigned p = d->pcie_pos;

	memset(li, 0, sizeof(*li));
	if (!p || pcilu_read_config_dword(d, p + PCI_EXP_LNKCAP, &cap) ||
	    pcilu_read_config_word(d, p + PCI_EXP_LNKCAP + 6, &sta))
		return -ENODATA;
	li->cap_speed = cap & 0xf;
	li->cap_width = (cap >> 4) & 0x3f;
	li->sta_speed = sta & 0xf;
	li->sta_width = (sta >> 4) & 0x3f;
	li->slot = (d->pcie_flags & PCI_EXP_FLAGS_SLOT) && (d->pcie_type == PCI_EXP_TYPE_ROOT_PORT ||
							   d->pcie_type == PCI_EXP_TYPE_DOWNSTREAM);
	if (li->slot && !pcilu_read_config_dword(d, p + PCI_EXP_SLTCAP, &slot)) {
		li->slot_number = slot >> 19;
		li->power_mw = ((slot >> 7) & 0xff) * scale_mw[(slot >> 15) & 3];
	}
	return 0;
}
