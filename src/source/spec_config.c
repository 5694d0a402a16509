// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Config space of one spec function. The layout is fixed and documented in
 * docs/spec.md ("Synthesised config space") so that tests can check bytes by
 * hand: PM at 0x40, MSI at 0x50, PCI Express at 0x70, bridge subsystem ids at
 * 0xb0; extended capabilities packed from 0x100 in the order AER, ACS, ARI,
 * SR-IOV. Values follow the PCI Express Base Specification 6.0.
 */
#include "source_int.h"

#include <string.h>

#define CAP_PM		0x40
#define CAP_MSI		0x50
#define CAP_EXP		0x70
#define CAP_SSVID	0xb0
#define AER_SIZE	0x48
#define SRIOV_SIZE	0x40

static bool is_pcie(enum spec_kind k)
{
	return k != SPEC_PCI && k != SPEC_PCI_BRIDGE;
}

static bool is_bridge(enum spec_kind k)
{
	return k == SPEC_ROOT_PORT || k == SPEC_SWITCH || k == SPEC_DOWNSTREAM ||
	       k == SPEC_PCIE_PCI_BRIDGE || k == SPEC_PCI_BRIDGE;
}

static uint8_t pcie_type(enum spec_kind k)
{
	switch (k) {
	case SPEC_RCIEP:		return PCI_EXP_TYPE_RC_END;
	case SPEC_ROOT_PORT:		return PCI_EXP_TYPE_ROOT_PORT;
	case SPEC_SWITCH:		return PCI_EXP_TYPE_UPSTREAM;
	case SPEC_DOWNSTREAM:		return PCI_EXP_TYPE_DOWNSTREAM;
	case SPEC_PCIE_PCI_BRIDGE:	return PCI_EXP_TYPE_PCI_BRIDGE;
	default:			return PCI_EXP_TYPE_ENDPOINT;
	}
}

static void header(const struct spec_node *n, uint8_t *c, bool mf, bool vf)
{
	pcilu_put16(c + PCI_VENDOR_ID, vf ? 0xffff : n->vendor);
	pcilu_put16(c + PCI_DEVICE_ID, vf ? 0xffff : n->device);
	/* Memory space is hardwired off in VFs (the PF's VF MSE decides). */
	pcilu_put16(c + PCI_COMMAND, vf ? PCI_COMMAND_MASTER :
		    is_bridge(n->kind) ? 0x0407 : 0x0406);
	pcilu_put16(c + PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[PCI_REVISION_ID] = n->revision;
	c[PCI_CLASS_PROG] = (uint8_t)n->class;
	pcilu_put16(c + PCI_CLASS_DEVICE, (uint16_t)(n->class >> 8));
	c[0x0c] = 0x10;		/* cache line size: 64 bytes */
	c[PCI_HEADER_TYPE] = (uint8_t)((is_bridge(n->kind) ? PCI_HEADER_TYPE_BRIDGE :
					PCI_HEADER_TYPE_NORMAL) | (mf ? PCI_HEADER_TYPE_MFD : 0));
	c[PCI_CAPABILITY_LIST] = vf ? CAP_EXP : CAP_PM;
	c[0x3c] = 0xff;		/* interrupt line: not routed */
	c[0x3d] = vf ? 0 : 1;	/* INTA, none for VFs */
	if (!is_bridge(n->kind)) {
		uint16_t sv = n->has_subsys ? n->ss_vendor : n->vendor;
		uint16_t sd = n->has_subsys ? n->ss_device : n->device;

		pcilu_put16(c + PCI_SUBSYSTEM_VENDOR_ID, sv);
		pcilu_put16(c + PCI_SUBSYSTEM_ID, vf && !n->has_subsys ? n->sriov.vf_device : sd);
		return;
	}
	c[PCI_PRIMARY_BUS] = n->bus;
	c[PCI_SECONDARY_BUS] = n->secondary;
	c[PCI_SUBORDINATE_BUS] = n->subordinate;
	/* Windows closed (base above limit): no resources are modelled. */
	c[0x1c] = 0xf0;
	c[0x1d] = 0x00;
	pcilu_put16(c + 0x20, 0xfff0);
	pcilu_put16(c + 0x22, 0x0000);
	pcilu_put16(c + 0x24, 0xfff1);
	pcilu_put16(c + 0x26, 0x0001);
}

static void legacy_caps(const struct spec_node *n, uint8_t *c)
{
	bool ssvid = is_bridge(n->kind) && n->has_subsys;

	c[CAP_PM] = PCI_CAP_ID_PM;
	c[CAP_PM + 1] = CAP_MSI;
	pcilu_put16(c + CAP_PM + 2, 0x0003);	/* PM version 3 */
	pcilu_put16(c + CAP_PM + 4, 0x0008);	/* D0, No_Soft_Reset */
	c[CAP_MSI] = PCI_CAP_ID_MSI;
	c[CAP_MSI + 1] = is_pcie(n->kind) ? CAP_EXP : ssvid ? CAP_SSVID : 0;
	pcilu_put16(c + CAP_MSI + 2, 0x0080);	/* 64-bit, disabled */
	if (ssvid) {
		c[CAP_SSVID] = PCI_CAP_ID_SSVID;
		pcilu_put16(c + CAP_SSVID + 4, n->ss_vendor);
		pcilu_put16(c + CAP_SSVID + 6, n->ss_device);
	}
}

static void pcie_cap(const struct spec_node *n, uint8_t *c, bool vf)
{
	uint8_t *e = c + CAP_EXP;
	bool port = n->kind == SPEC_ROOT_PORT || n->kind == SPEC_DOWNSTREAM;
	bool slot = port && n->phys_slot >= 0;
	bool link = n->link_width && !vf;
	bool ep = n->kind == SPEC_ENDPOINT || n->kind == SPEC_RCIEP;

	e[0] = PCI_CAP_ID_EXP;
	e[1] = is_bridge(n->kind) && n->has_subsys ? CAP_SSVID : 0;
	pcilu_put16(e + PCI_EXP_FLAGS, (uint16_t)(2 | pcie_type(n->kind) << 4 |
						  (slot ? PCI_EXP_FLAGS_SLOT : 0)));
	/* MPS 256, role-based error reporting; endpoints and VFs can FLR. */
	pcilu_put32(e + PCI_EXP_DEVCAP, 0x00008001u | (ep ? 0x10000000u : 0));
	pcilu_put16(e + PCI_EXP_DEVCTL, 0x2010);	/* MRRS 512, relaxed ordering */
	if (link) {
		pcilu_put32(e + PCI_EXP_LNKCAP, n->link_speed | (uint32_t)n->link_width << 4 |
			    (port ? 0x00100000u : 0));	/* DLL Link Active reporting */
		pcilu_put16(e + 0x12, (uint16_t)(n->link_speed | n->link_width << 4 | 0x1000 |
						  (port && n->nkids ? 0x2000 : 0)));
		pcilu_put32(e + 0x2c, (uint32_t)((1u << n->link_speed) - 1) << 1);
		pcilu_put16(e + 0x30, n->link_speed);
	}
	if (slot) {
		pcilu_put32(e + PCI_EXP_SLTCAP, (uint32_t)n->phys_slot << 19);
		pcilu_put16(e + 0x1a, n->nkids ? 0x0040 : 0);	/* presence detect */
	}
	/* Completion timeout disable supported; ARI Forwarding on ports that have it. */
	pcilu_put32(e + PCI_EXP_DEVCAP2, 0x10u | (n->ari_fwd ? PCI_EXP_DEVCAP2_ARI : 0));
	pcilu_put16(e + PCI_EXP_DEVCTL2, n->ari_fwd == 2 ? PCI_EXP_DEVCTL2_ARI : 0);
}

/* Append an extended capability header; returns the new capability's offset. */
static unsigned ext_add(uint8_t *c, unsigned *prev, unsigned *pos, uint16_t id, uint8_t ver,
			unsigned size)
{
	unsigned at = *pos;

	if (*prev)
		pcilu_put32(c + *prev, pcilu_le32(c + *prev) | (uint32_t)at << 20);
	pcilu_put32(c + at, id | (uint32_t)ver << 16);
	*prev = at;
	*pos = at + ((size + 3) & ~3u);
	return at;
}

static void ext_caps(const struct spec_node *n, uint8_t *c, uint8_t nfn, bool vf)
{
	unsigned prev = 0, pos = PCI_CFG_SPACE_SIZE, at;

	if (n->aer) {
		at = ext_add(c, &prev, &pos, PCI_EXT_CAP_ID_ERR, 1, AER_SIZE);
		pcilu_put32(c + at + 0x0c, 0x00462030);	/* the specification's default severities */
	}
	if (n->acs && !vf) {
		unsigned bits = (n->acs_cap & PCI_ACS_EC) ? (n->egress_bits ? n->egress_bits : 256) : 0;

		at = ext_add(c, &prev, &pos, PCI_EXT_CAP_ID_ACS, 1, 8 + 4 * ((bits + 31) / 32));
		/* Egress Control Vector Size: 0 encodes 256 bits. */
		pcilu_put16(c + at + PCI_ACS_CAP, (uint16_t)(n->acs_cap | (bits & 0xff) << 8));
		pcilu_put16(c + at + PCI_ACS_CTRL, n->acs_ctrl);
	}
	if (n->ari) {
		at = ext_add(c, &prev, &pos, PCI_EXT_CAP_ID_ARI, 1, 8);
		pcilu_put16(c + at + PCI_ARI_CAP, (uint16_t)(vf ? 0 : nfn << 8));
	}
	if (n->has_sriov && !vf) {
		const struct spec_sriov *s = &n->sriov;
		uint16_t ctrl = s->num ? PCI_SRIOV_CTRL_VFE | PCI_SRIOV_CTRL_MSE : 0;

		/* sriov_init(), drivers/pci/iov.c, 7.2: ARI Capable Hierarchy follows the bus. */
		if (n->parent_ari_fwd)
			ctrl |= PCI_SRIOV_CTRL_ARI;
		at = ext_add(c, &prev, &pos, PCI_EXT_CAP_ID_SRIOV, 1, SRIOV_SIZE);
		pcilu_put16(c + at + PCI_SRIOV_CTRL, ctrl);
		pcilu_put16(c + at + PCI_SRIOV_INITIAL_VF, s->initial);
		pcilu_put16(c + at + PCI_SRIOV_TOTAL_VF, s->total);
		pcilu_put16(c + at + PCI_SRIOV_NUM_VF, s->num);
		c[at + PCI_SRIOV_FUNC_LINK] = n->devfn;
		pcilu_put16(c + at + PCI_SRIOV_VF_OFFSET, s->offset);
		pcilu_put16(c + at + PCI_SRIOV_VF_STRIDE, s->stride);
		pcilu_put16(c + at + PCI_SRIOV_VF_DID, s->vf_device);
		pcilu_put32(c + at + 0x1c, 0x00000553);	/* supported page sizes */
		pcilu_put32(c + at + 0x20, 0x00000001);	/* system page size 4 KiB */
	}
}

void pcilu_spec_config(const struct spec_node *n, uint8_t *cfg, bool mf, uint8_t nfn, bool vf)
{
	header(n, cfg, mf, vf);
	if (!vf)
		legacy_caps(n, cfg);
	if (!is_pcie(n->kind))
		return;
	pcie_cap(n, cfg, vf);
	ext_caps(n, cfg, nfn, vf);
}
