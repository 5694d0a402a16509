// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Config space from decoded lspci text (records read by vvtext.c).
 *
 * Every capability sits at the offset lspci printed, chained in the order
 * printed (lspci walks the lists in order), so the pci layer's walkers find
 * what the kernel's found. Only the fields grouping reads are filled: ids,
 * class, header type, bus numbers, the PCI Express flags and ARI forwarding,
 * ACS, ARI and SR-IOV. The rest reads 0, which none of those rules consult.
 *
 * What the text cannot carry is assumed, counted in struct vv_assumed and
 * listed once per file by pcilu_vv_finish():
 * - the header's multifunction bit (from the functions listed);
 * - an Intel Sunrise/Union Point root port's ACS control, which lspci
 *   decodes from the wrong word;
 * - fields a lower verbosity (-v) leaves out.
 * A PCI Express device without any extended capability listed gets an empty
 * extended list: either the list was empty or the platform could not reach
 * extended config space, and then the kernel found no ACS either.
 */
#include "source_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define VV_NO_VENDOR	0xfff0	/* a vendor the text does not identify: in no quirk row and not in pci.ids (0xfffd is XenSource) */

struct name_id {
	const char *name;
	uint16_t id;
};

/* pci.ids vendor names as lspci prints them, for text without -nn. */
static const struct name_id vendors[] = {
	{ "Advanced Micro Devices, Inc. [AMD/ATI]", 0x1002 },
	{ "Advanced Micro Devices, Inc. [AMD]", 0x1022 },
	{ "Intel Corporation", 0x8086 },
	{ "NVIDIA Corporation", 0x10de },
	{ "ASMedia Technology Inc.", 0x1b21 },
	{ "Realtek Semiconductor Co., Ltd.", 0x10ec },
	{ "Samsung Electronics Co Ltd", 0x144d },
	{ "Broadcom Inc. and subsidiaries", 0x14e4 },
	{ "Mellanox Technologies", 0x15b3 },
	{ "Qualcomm Atheros", 0x168c },
	{ "Marvell Technology Group Ltd.", 0x1b4b },
	{ "Sandisk Corp", 0x15b7 },
	{ "Micron Technology Inc", 0x1344 },
	{ "Phison Electronics Corporation", 0x1987 },
	{ "Kingston Technology Company, Inc.", 0x2646 },
	{ "Aquantia Corp.", 0x1d6a },
	{ "Renesas Technology Corp.", 0x1912 },
	{ "Fresco Logic", 0x1b73 },
	{ "VIA Technologies, Inc.", 0x1106 },
	{ "Texas Instruments", 0x104c },
	{ "PLX Technology, Inc.", 0x10b5 },
	{ "Broadcom / LSI", 0x1000 },
	{ "Silicon Motion, Inc.", 0x126f },
	{ "Toshiba Corporation", 0x1179 },
	{ "Qualcomm Technologies, Inc", 0x17cb },
	{ "MEDIATEK Corp.", 0x14c3 },
	{ "Red Hat, Inc.", 0x1b36 },
	{ "Matrox Electronics Systems Ltd.", 0x102b },
	{ "ASPEED Technology, Inc.", 0x1a03 },
};

uint16_t pcilu_vv_vendor(const char *p, size_t len)
{
	for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++) {
		size_t n = strlen(vendors[i].name);

		if (len > n && !memcmp(p, vendors[i].name, n) && p[n] == ' ')
			return vendors[i].id;
	}
	return 0;
}

/*
 * Names as ls-caps.c and ls-ecaps.c print them. Only the ids grouping looks
 * for must be right (PCI Express, bridge subsystem, ACS, ARI, SR-IOV);
 * anything else becomes a vendor-specific capability, which no rule reads.
 */
static const struct name_id caps[] = {
	{ "Power Management", PCI_CAP_ID_PM }, { "MSI-X:", PCI_CAP_ID_MSIX },
	{ "MSI:", PCI_CAP_ID_MSI }, { "Express ", PCI_CAP_ID_EXP },
	{ "Subsystem:", PCI_CAP_ID_SSVID }, { "PCI-X ", 0x07 },
	{ "HyperTransport", 0x08 }, { "PCI Advanced Features", PCI_CAP_ID_AF },
};
static const struct name_id ecaps[] = {
	{ "Access Control Services", PCI_EXT_CAP_ID_ACS },
	{ "Alternative Routing-ID Interpretation", PCI_EXT_CAP_ID_ARI },
	{ "Single Root I/O Virtualization", PCI_EXT_CAP_ID_SRIOV },
	{ "Advanced Error Reporting", PCI_EXT_CAP_ID_ERR },
	{ "Address Translation Service", PCI_EXT_CAP_ID_ATS },
	{ "Downstream Port Containment", PCI_EXT_CAP_ID_DPC },
	{ "Device Serial Number", PCI_EXT_CAP_ID_DSN },
};

uint16_t pcilu_vv_cap_id(const char *p, size_t len, bool ext)
{
	const struct name_id *t = ext ? ecaps : caps;
	size_t n = ext ? sizeof(ecaps) / sizeof(ecaps[0]) : sizeof(caps) / sizeof(caps[0]);

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(t[i].name);

		if (len >= l && !memcmp(p, t[i].name, l))
			return t[i].id;
	}
	return ext ? 0x0b : PCI_CAP_ID_VNDR;	/* vendor-specific: read by no rule */
}

/* ls-caps.c cap_express(): the port type names. */
static const struct name_id pcie_types[] = {
	{ "Endpoint", PCI_EXP_TYPE_ENDPOINT },
	{ "Legacy Endpoint", PCI_EXP_TYPE_LEG_END },
	{ "Root Port", PCI_EXP_TYPE_ROOT_PORT },
	{ "Upstream Port", PCI_EXP_TYPE_UPSTREAM },
	{ "Downstream Port", PCI_EXP_TYPE_DOWNSTREAM },
	{ "PCI-Express to PCI/PCI-X Bridge", PCI_EXP_TYPE_PCI_BRIDGE },
	{ "PCI/PCI-X to PCI-Express Bridge", PCI_EXP_TYPE_PCIE_BRIDGE },
	{ "Root Complex Integrated Endpoint", PCI_EXP_TYPE_RC_END },
	{ "Root Complex Event Collector", PCI_EXP_TYPE_RC_EC },
};

bool pcilu_vv_pcie_type(const char *p, size_t len, uint8_t *ver, bool *ver_known, uint8_t *type)
{
	/* "Express (v2) Root Port (Slot+), MSI 00"; version 1 prints "Express Endpoint". */
	size_t i = 8;

	*ver = 1;
	*ver_known = false;
	if (len > 13 && !memcmp(p + i, "(v", 2) && p[i + 2] >= '1' && p[i + 2] <= '9' &&
	    !memcmp(p + i + 3, ") ", 2)) {
		*ver = (uint8_t)(p[i + 2] - '0');
		*ver_known = true;
		i += 5;
	}
	for (size_t k = 0; k < sizeof(pcie_types) / sizeof(pcie_types[0]); k++) {
		size_t l = strlen(pcie_types[k].name);

		if (len - i >= l && !memcmp(p + i, pcie_types[k].name, l) &&
		    (len - i == l || p[i + l] == ' ' || p[i + l] == ',')) {
			*type = (uint8_t)pcie_types[k].id;
			return true;
		}
	}
	/* "Unknown type N" (pciutils prints the raw number) */
	if (len - i > 13 && !memcmp(p + i, "Unknown type ", 13) && p[i + 13] >= '0' && p[i + 13] <= '9') {
		unsigned v = (unsigned)(p[i + 13] - '0');

		if (len - i > 14 && p[i + 14] >= '0' && p[i + 14] <= '9')
			v = v * 10 + (unsigned)(p[i + 14] - '0');
		*type = (uint8_t)(v & 0xf);
		return true;
	}
	return false;
}

static void put16(uint8_t *c, unsigned off, uint16_t v)
{
	c[off] = (uint8_t)v;
	c[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *c, unsigned off, uint32_t v)
{
	put16(c, off, (uint16_t)v);
	put16(c, off + 2, (uint16_t)(v >> 16));
}

/*
 * pci_quirk_intel_spt_pch_acs_match(), drivers/pci/quirks.c, 7.2: ports that
 * keep ACS capability and control in dwords (control at +8). The source
 * layer must know them to put the control where the quirk reads it; the
 * iommu layer's own match decides what the quirk does.
 */
static bool spt_port(const struct vv_rec *r)
{
	uint16_t id = r->device;

	if (!r->ids_known || r->vendor != 0x8086 || !r->pcie_pos ||
	    r->pcie_type != PCI_EXP_TYPE_ROOT_PORT)
		return false;
	return (id >= 0xa110 && id <= 0xa11f) || (id >= 0xa167 && id <= 0xa16a) ||
	       (id >= 0xa290 && id <= 0xa29f) || (id >= 0xa2e7 && id <= 0xa2ee) ||
	       (id >= 0x9d10 && id <= 0x9d1b);
}

static void count(size_t *n, long *first, long line)
{
	if (!(*n)++)
		*first = line;
}

static void synth_pcie(const struct vv_rec *r, uint8_t *c)
{
	unsigned pos = r->pcie_pos;
	uint16_t flags = (uint16_t)(r->pcie_ver | r->pcie_type << 4);

	if (r->pcie_slot)
		flags |= 0x0100;	/* PCI_EXP_FLAGS_SLOT */
	put16(c, pos + 2, flags);
	if (r->pcie_ver < 2)
		return;
	if (r->ari_cap2 == 1)
		put32(c, pos + PCI_EXP_DEVCAP2, PCI_EXP_DEVCAP2_ARI);
	if (r->ari_ctl2 == 1)
		put16(c, pos + PCI_EXP_DEVCTL2, PCI_EXP_DEVCTL2_ARI);
}

/*
 * ACS, ARI and SR-IOV; false when the text left out fields they need (-v
 * prints neither ACS nor SR-IOV fields, nor the PCIe version that says
 * whether Device Control 2 and its ARI Forwarding bit exist).
 */
static bool synth_ecap_fields(const struct vv_rec *r, uint8_t *c, struct vv_assumed *as)
{
	bool ok = r->pcie_ver_known;

	if (r->acs_pos) {
		put16(c, r->acs_pos + PCI_ACS_CAP, r->acs_cap);
		put16(c, r->acs_pos + PCI_ACS_CTRL, r->acs_ctl);
		ok = ok && r->acs_cap_known && r->acs_ctl_known;
		if (ok && spt_port(r)) {
			/*
			 * ls-ecaps.c prints the word at +6 as control; on these ports
			 * it is the capability dword's upper half. With IOMMU groups
			 * the kernel has run pci_quirk_enable_intel_spt_pch_acs()
			 * (quirks.c, 7.2), which sets every offered SV, RR, CR, UF in
			 * the control dword at +8; without, firmware's value is
			 * unknown and 0 (what Linux leaves unprogrammed) is assumed.
			 */
			uint16_t req = PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF;

			put32(c, r->acs_pos + 8, as->groups ? (uint32_t)(r->acs_cap & req) : 0);
			count(&as->spt, &as->spt_line, r->line);
		}
	}
	if (r->ari_pos)
		put16(c, r->ari_pos + PCI_ARI_CAP, (uint16_t)(r->ari_nfn << 8));
	if (r->sriov_pos) {
		unsigned p = r->sriov_pos;

		put16(c, p + PCI_SRIOV_CTRL, r->sriov_ctrl);
		put16(c, p + PCI_SRIOV_INITIAL_VF, r->sriov_initial);
		put16(c, p + PCI_SRIOV_TOTAL_VF, r->sriov_total);
		put16(c, p + PCI_SRIOV_NUM_VF, r->sriov_num);
		put16(c, p + PCI_SRIOV_VF_OFFSET, r->sriov_offset);
		put16(c, p + PCI_SRIOV_VF_STRIDE, r->sriov_stride);
		put16(c, p + PCI_SRIOV_VF_DID, r->sriov_vfdev);
		ok = ok && r->sriov_ctl_known && r->sriov_vfs_known && r->sriov_off_known;
	}
	return ok;
}

static void synth_header(const struct vv_rec *r, uint8_t *c, struct vv_assumed *as)
{
	uint16_t vendor = r->vendor ? r->vendor : VV_NO_VENDOR;

	if (!r->ids_known)
		count(&as->no_ids, &as->no_ids_line, r->line);
	put16(c, PCI_VENDOR_ID, vendor);
	put16(c, PCI_DEVICE_ID, r->ids_known ? r->device : 0);
	/* lspci lists capabilities only when Status says Cap+ (printed from -vv on). */
	if (r->ncaps)
		put16(c, PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[PCI_REVISION_ID] = r->rev;
	c[PCI_CLASS_PROG] = (uint8_t)r->class;
	put16(c, PCI_CLASS_DEVICE, (uint16_t)(r->class >> 8));
	c[PCI_HEADER_TYPE] = !r->bridge ? PCI_HEADER_TYPE_NORMAL :
			     r->cardbus ? PCI_HEADER_TYPE_CARDBUS : PCI_HEADER_TYPE_BRIDGE;
	if (r->bridge) {
		c[PCI_PRIMARY_BUS] = r->primary;
		c[PCI_SECONDARY_BUS] = r->secondary;
		c[PCI_SUBORDINATE_BUS] = r->subordinate;
	} else if (r->ss_known) {
		put16(c, PCI_SUBSYSTEM_VENDOR_ID, r->ss_vendor);
		put16(c, PCI_SUBSYSTEM_VENDOR_ID + 2, r->ss_device);
	}
	if (r->ncaps && !r->cardbus)
		c[PCI_CAPABILITY_LIST] = (uint8_t)r->caps[0].pos;
	/*
	 * pci_quirk_enable_intel_lpc_acs() (quirks.c, 7.2) needs RCBA enabled in
	 * the LPC bridge (00:1f.0, dword 0xf0) for the PCH root port quirk; lspci
	 * does not decode it. Firmware enables it on every PCH that has it, so
	 * the quirk's view is assumed and listed.
	 */
	if (r->vendor == 0x8086 && r->devfn == (31u << 3) && (r->class >> 8) == 0x0601) {
		put32(c, 0xf0, 1);
		count(&as->rcba, &as->rcba_line, r->line);
	}
}

uint16_t pcilu_vv_synth(const struct vv_rec *r, uint8_t *c, struct vv_assumed *as)
{
	if (r->dead)
		return PCILU_CFG_SIZE;	/* all-ones, as the kernel reads it now */
	memset(c, 0, PCILU_CFG_EXP_SIZE);
	synth_header(r, c, as);
	if (r->denied)
		return PCI_STD_HEADER_SIZEOF;	/* what a non-root read gets: the header */
	for (unsigned i = 0; i < r->ncaps && !r->cardbus; i++) {
		c[r->caps[i].pos] = (uint8_t)r->caps[i].id;
		c[r->caps[i].pos + 1] = (uint8_t)(i + 1 < r->ncaps ? r->caps[i + 1].pos : 0);
		if (r->caps[i].id == PCI_CAP_ID_SSVID && r->bridge && r->ss_known) {
			put16(c, r->caps[i].pos + 4, r->ss_vendor);
			put16(c, r->caps[i].pos + 6, r->ss_device);
		}
	}
	if (!r->pcie_pos)
		return PCILU_CFG_SIZE;
	synth_pcie(r, c);
	for (unsigned i = 0; i < r->necaps; i++) {
		uint32_t next = i + 1 < r->necaps ? r->ecaps[i + 1].pos : 0;

		put32(c, r->ecaps[i].pos, r->ecaps[i].id | (uint32_t)r->ecaps[i].ver << 16 | next << 20);
	}
	/* The list starts at 0x100: a first capability elsewhere needs a link to it. */
	if (r->necaps && r->ecaps[0].pos != PCILU_CFG_SIZE)
		put32(c, PCILU_CFG_SIZE, 0x0b | 1u << 16 | (uint32_t)r->ecaps[0].pos << 20);
	if (!synth_ecap_fields(r, c, as)) {
		count(&as->fields, &as->fields_line, r->line);
		return PCILU_CFG_SIZE;	/* extended capabilities unknown, never "absent" */
	}
	return PCILU_CFG_EXP_SIZE;
}

static int cmp_slot(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The header's multifunction bit: pci_scan_slot() (drivers/pci/probe.c, 7.2)
 * looks past function 0 only when it is set, so a slot listing several
 * functions had it. A function listed alone is taken as single-function: a
 * set bit there is not in the text.
 */
static int set_multifunction(struct pcilu_raw_host *h)
{
	uint64_t *k = malloc((h->count ? h->count : 1) * sizeof(*k));

	if (!k)
		return -ENOMEM;
	/* key: segment, bus, slot, then the index (21 bits) */
	for (size_t i = 0; i < h->count; i++)
		k[i] = (uint64_t)h->devs[i].seg << 37 | (uint64_t)h->devs[i].bus << 29 |
		       (uint64_t)(h->devs[i].devfn >> 3) << 24 | i;
	qsort(k, h->count, sizeof(*k), cmp_slot);
	for (size_t i = 0, j; i < h->count; i = j) {
		for (j = i + 1; j < h->count && k[j] >> 24 == k[i] >> 24; j++)
			;
		for (size_t m = i; j - i > 1 && m < j; m++) {
			struct pcilu_raw_dev *r = &h->devs[k[m] & 0xffffff];

			if (r->cfg[PCI_VENDOR_ID] != 0xff || r->cfg[PCI_VENDOR_ID + 1] != 0xff)
				r->cfg[PCI_HEADER_TYPE] |= PCI_HEADER_TYPE_MFD;
		}
	}
	free(k);
	return 0;
}

int pcilu_vv_finish(struct pcilu_raw_host *h, const char *file, const struct vv_assumed *as,
		    struct pcilu_diag *d)
{
	int ret = set_multifunction(h);

	if (ret || !h->count)
		return ret;
	pcilu_diag_add(d, PCILU_NOTE, file, 0, -1,
		       "decoded lspci text, no hex: config space is rebuilt from the decode; the header's "
		       "multifunction bit is taken as set on every function of a slot that lists several "
		       "and clear on a function listed alone");
	if (as->no_ids)
		pcilu_diag_add(d, PCILU_NOTE, file, as->no_ids_line, -1,
			       "%zu device%s without [vendor:device] ids (lspci run without -nn): vendors are "
			       "taken from their names where known, device ids are unknown, so no device quirk "
			       "can match; use 'lspci -nnvv'", as->no_ids, as->no_ids == 1 ? "" : "s");
	if (as->spt)
		pcilu_diag_add(d, PCILU_NOTE, file, as->spt_line, -1,
			       "%zu Intel Sunrise/Union Point root port%s: lspci decodes their ACS control from "
			       "the wrong word; %s", as->spt, as->spt == 1 ? "" : "s", as->groups ?
			       "assumed as pci_quirk_enable_intel_spt_pch_acs() leaves it with an IOMMU "
			       "(every offered SV, RR, CR, UF enabled)" :
			       "assumed 0, as Linux leaves it without an IOMMU");
	if (as->rcba)
		pcilu_diag_add(d, PCILU_NOTE, file, as->rcba_line, -1,
			       "the Intel LPC bridge's RCBA register (0xf0) is not in the text: taken as "
			       "enabled, as firmware leaves it, so the PCH root port ACS quirk can succeed");
	if (as->fields)
		pcilu_diag_add(d, PCILU_WARN, file, as->fields_line, -1,
			       "%zu PCI Express device%s without their ACS, SR-IOV or Device Control 2 fields (lspci -v, not -vv): their "
			       "extended capabilities are unknown, never taken as absent; use 'lspci -vv'",
			       as->fields, as->fields == 1 ? "" : "s");
	return 0;
}
