// SPDX-License-Identifier: GPL-2.0-or-later
#include "th.h"
#include "../../src/base/base_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void th_init(struct th *h)
{
	memset(h, 0, sizeof(*h));
	pcilu_raw_host_init(&h->raw, PCILU_SRC_SPEC, "test");
	pcilu_diag_init(&h->d);
	pcilu_policy_init(&h->p);
}

static bool is_bridge_type(const struct th_dev *s)
{
	return !s->legacy && (s->type == PCI_EXP_TYPE_ROOT_PORT || s->type == PCI_EXP_TYPE_UPSTREAM ||
			      s->type == PCI_EXP_TYPE_DOWNSTREAM || s->type == PCI_EXP_TYPE_PCI_BRIDGE ||
			      s->type == PCI_EXP_TYPE_PCIE_BRIDGE);
}

void th_add(struct th *h, struct th_dev s)
{
	struct pcilu_raw_dev *r = pcilu_raw_host_add(&h->raw);
	uint8_t *c;
	bool bridge = s.sec || is_bridge_type(&s);

	assert(r);
	assert(pcilu_parse_bdf(s.bdf, &r->seg, &r->bus, &r->devfn) == 0);
	r->cfg_len = s.cfg_len ? s.cfg_len : 4096;
	r->cfg = calloc(1, 4096);
	assert(r->cfg);
	r->line = (long)h->raw.count;
	r->kernel_group = s.kgroup ? s.kgroup : PCILU_NO_GROUP;
	if (s.kgroup)
		h->raw.has_kernel_groups = true;
	c = r->cfg;
	pcilu_put16(c + PCI_VENDOR_ID, s.ven ? s.ven : 0x1234);
	pcilu_put16(c + PCI_DEVICE_ID, s.dev ? s.dev : 0x5678);
	if (!s.class)
		s.class = bridge ? 0x060400 : 0x020000;
	c[PCI_CLASS_PROG] = (uint8_t)s.class;
	pcilu_put16(c + PCI_CLASS_DEVICE, (uint16_t)(s.class >> 8));
	c[PCI_HEADER_TYPE] = (uint8_t)((bridge ? PCI_HEADER_TYPE_BRIDGE : 0) | (s.mf ? 0x80 : 0));
	if (bridge) {
		c[PCI_PRIMARY_BUS] = r->bus;
		c[PCI_SECONDARY_BUS] = s.sec;
		c[PCI_SUBORDINATE_BUS] = s.sub ? s.sub : s.sec;
	} else {
		pcilu_put16(c + PCI_SUBSYSTEM_VENDOR_ID, s.sv);
		pcilu_put16(c + PCI_SUBSYSTEM_ID, s.sd);
	}
	pcilu_put32(c + 0xf0, s.dword_f0);
	if (s.legacy)
		return;
	pcilu_put16(c + PCI_STATUS, PCI_STATUS_CAP_LIST);
	c[PCI_CAPABILITY_LIST] = 0x40;
	c[0x40] = PCI_CAP_ID_EXP;
	c[0x41] = 0;
	pcilu_put16(c + 0x40 + PCI_EXP_FLAGS, (uint16_t)(2 | s.type << 4));
	if (s.acs || s.spt) {
		pcilu_put32(c + 0x100, PCI_EXT_CAP_ID_ACS | 1u << 16);
		if (s.spt) {
			pcilu_put32(c + 0x104, s.spt_cap);
			pcilu_put32(c + 0x108, s.spt_ctrl);
		} else {
			pcilu_put16(c + 0x104, s.acs_cap);
			pcilu_put16(c + 0x106, s.acs_ctrl);
		}
	}
}

void th_run(struct th *h)
{
	int ret = pcilu_topology_build(&h->raw, &h->t, &h->d);

	assert(ret == 0);
	ret = pcilu_iommu_compute(h->t, &h->p, &h->r, &h->d);
	assert(ret == 0);
}

void th_free(struct th *h)
{
	pcilu_iommu_free(h->r);
	pcilu_topology_free(h->t);
	pcilu_policy_free(&h->p);
	pcilu_diag_free(&h->d);
	pcilu_raw_host_free(&h->raw);
}

int32_t th_idx(struct th *h, const char *bdf)
{
	uint32_t seg;
	uint8_t bus, devfn;

	if (pcilu_parse_bdf(bdf, &seg, &bus, &devfn))
		return PCILU_NONE;
	return pcilu_topology_find(h->t, seg, bus, devfn);
}

bool th_same_group(struct th *h, const char *a, const char *b)
{
	int32_t x = th_idx(h, a), y = th_idx(h, b);

	return x != PCILU_NONE && y != PCILU_NONE &&
	       pcilu_iommu_group_of(h->r, x) == pcilu_iommu_group_of(h->r, y);
}

static void dump(struct th *h)
{
	char bdf[24], why[1024];

	for (size_t g = 0; g < pcilu_iommu_ngroups(h->r); g++) {
		const struct pcilu_group *gr = pcilu_iommu_group(h->r, (int32_t)g);

		fprintf(stderr, "  group %zu:", g);
		for (size_t i = 0; i < gr->nmembers; i++)
			fprintf(stderr, " %s", pcilu_bdf(&h->t->devs[gr->members[i]], bdf, sizeof(bdf)));
		fprintf(stderr, "\n");
		for (size_t i = 0; i < gr->nreasons; i++)
			fprintf(stderr, "    - %s\n", pcilu_reason_str(h->r, &gr->reasons[i], why, sizeof(why)));
	}
}

bool th_groups_are(struct th *h, const char *expect)
{
	char buf[4096];
	size_t total = 0, ngroups = 0;
	bool ok = true;

	snprintf(buf, sizeof(buf), "%s", expect);
	for (char *gs = strtok(buf, "|"); gs && ok; gs = strtok(NULL, "|")) {
		int32_t gid = PCILU_NONE;
		size_t n = 0;
		char *save;

		ngroups++;
		for (char *m = strtok_r(gs, ",", &save); m; m = strtok_r(NULL, ",", &save)) {
			int32_t i = th_idx(h, m);

			if (i == PCILU_NONE) {
				fprintf(stderr, "expected device %s not in topology\n", m);
				ok = false;
				break;
			}
			if (gid == PCILU_NONE)
				gid = pcilu_iommu_group_of(h->r, i);
			else if (gid != pcilu_iommu_group_of(h->r, i))
				ok = false;
			n++;
		}
		if (ok && (gid == PCILU_NONE || pcilu_iommu_group(h->r, gid)->nmembers != n))
			ok = false;
		total += n;
	}
	/* Devices no IOMMU translates are in no group: th_ungrouped_are() names them. */
	for (size_t i = 0; i < h->t->ndevs; i++)
		total += pcilu_iommu_group_of(h->r, (int32_t)i) == PCILU_NONE;
	if (ok && (total != h->t->ndevs || ngroups != pcilu_iommu_ngroups(h->r)))
		ok = false;
	if (!ok) {
		fprintf(stderr, "expected %s, got:\n", expect);
		dump(h);
	}
	return ok;
}

bool th_ungrouped_are(struct th *h, const char *expect, unsigned why)
{
	char buf[1024], *save;
	size_t n = 0, got = 0;
	bool ok = true;

	snprintf(buf, sizeof(buf), "%s", expect);
	for (char *m = *buf ? strtok_r(buf, ",", &save) : NULL; m; m = strtok_r(NULL, ",", &save)) {
		int32_t i = th_idx(h, m);

		n++;
		if (i == PCILU_NONE || pcilu_iommu_group_of(h->r, i) != PCILU_NONE ||
		    pcilu_iommu_untranslated(h->r, i) != why) {
			fprintf(stderr, "%s: expected in no group (why %u), got group %d why %u\n", m, why,
				i == PCILU_NONE ? -2 : pcilu_iommu_group_of(h->r, i),
				i == PCILU_NONE ? 0 : pcilu_iommu_untranslated(h->r, i));
			ok = false;
		}
	}
	for (size_t i = 0; i < h->t->ndevs; i++)
		got += pcilu_iommu_group_of(h->r, (int32_t)i) == PCILU_NONE;
	if (got != n) {
		fprintf(stderr, "expected %zu ungrouped devices (%s), got %zu\n", n, expect, got);
		ok = false;
	}
	return ok;
}
