/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: synthesise config space byte by byte, so that every expected
 * value in a test is visible in the test itself (not produced by pcilu).
 */
#ifndef PCILU_TEST_CFGBUILD_H
#define PCILU_TEST_CFGBUILD_H

#include <stdlib.h>
#include <string.h>

#include <pcilu/regs.h>
#include <pcilu/source.h>

static inline void cb_w16(uint8_t *c, unsigned off, uint16_t v)
{
	c[off] = (uint8_t)v;
	c[off + 1] = (uint8_t)(v >> 8);
}

static inline void cb_w32(uint8_t *c, unsigned off, uint32_t v)
{
	cb_w16(c, off, (uint16_t)v);
	cb_w16(c, off + 2, (uint16_t)(v >> 16));
}

/* Add a device with a 4096-byte zeroed config space and the given header. */
static inline struct pcilu_raw_dev *cb_dev(struct pcilu_raw_host *h, uint8_t bus, uint8_t dev, uint8_t fn,
					   uint16_t vendor, uint16_t device, uint32_t class, uint8_t hdr)
{
	struct pcilu_raw_dev *r = pcilu_raw_host_add(h);

	if (!r)
		abort();
	r->bus = bus;
	r->devfn = (uint8_t)PCI_DEVFN(dev, fn);
	r->cfg_len = PCI_CFG_SPACE_EXP_SIZE;
	r->cfg = calloc(1, PCI_CFG_SPACE_EXP_SIZE);
	if (!r->cfg)
		abort();
	cb_w16(r->cfg, PCI_VENDOR_ID, vendor);
	cb_w16(r->cfg, PCI_DEVICE_ID, device);
	r->cfg[PCI_CLASS_PROG] = (uint8_t)class;
	cb_w16(r->cfg, PCI_CLASS_DEVICE, (uint16_t)(class >> 8));
	r->cfg[PCI_HEADER_TYPE] = hdr;
	return r;
}

static inline void cb_bridge_buses(struct pcilu_raw_dev *r, uint8_t pri, uint8_t sec, uint8_t sub)
{
	r->cfg[PCI_PRIMARY_BUS] = pri;
	r->cfg[PCI_SECONDARY_BUS] = sec;
	r->cfg[PCI_SUBORDINATE_BUS] = sub;
}

/* A legacy capability at @pos with @id, linked after the previous one (chain head at 0x34). */
static inline void cb_cap(struct pcilu_raw_dev *r, uint8_t pos, uint8_t id, uint8_t next)
{
	r->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	if (!r->cfg[PCI_CAPABILITY_LIST])
		r->cfg[PCI_CAPABILITY_LIST] = pos;
	r->cfg[pos] = id;
	r->cfg[pos + 1] = next;
}

/* PCI Express capability v2 at 0x40 of the given port type. */
static inline void cb_pcie(struct pcilu_raw_dev *r, uint8_t type, uint8_t next)
{
	cb_cap(r, 0x40, PCI_CAP_ID_EXP, next);
	cb_w16(r->cfg, 0x40 + PCI_EXP_FLAGS, (uint16_t)(2 | type << 4));
}

/* Extended capability header at @pos: id, version 1, next. */
static inline void cb_ext(struct pcilu_raw_dev *r, uint16_t pos, uint16_t id, uint16_t next)
{
	cb_w32(r->cfg, pos, (uint32_t)id | 1u << 16 | (uint32_t)next << 20);
}

static inline void cb_acs(struct pcilu_raw_dev *r, uint16_t pos, uint16_t next, uint16_t cap, uint16_t ctrl)
{
	cb_ext(r, pos, PCI_EXT_CAP_ID_ACS, next);
	cb_w16(r->cfg, pos + PCI_ACS_CAP, cap);
	cb_w16(r->cfg, pos + PCI_ACS_CTRL, ctrl);
}

#endif
