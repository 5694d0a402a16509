// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "fixture.h"
#include "../../src/handover/handover_int.h"
#include "../../src/base/base_int.h"

#include <stdlib.h>
#include <string.h>

const struct fx_dev fx_ref[FX_REF_COUNT] = {
	{ "00:00.0", 0x8086, 0x29c0, 0x060000, 0xff, false, 0, 0, false, false, 0, 0, false, 0, 0, 0 },
	{ "00:01.0", 0x8086, 0x7a38, 0x060400, PCI_EXP_TYPE_ROOT_PORT, true, 1, 1, false, true,
	  FX_ACS_ALL | PCI_ACS_TB, FX_ACS_ALL, false, 1, 1, 0 },
	{ "01:00.0", 0x144d, 0xa808, 0x010802, PCI_EXP_TYPE_ENDPOINT, false, 0, 0, false, false, 0, 0,
	  false, 2, 2, 0 },
	{ "00:02.0", 0x8086, 0x7a3a, 0x060400, PCI_EXP_TYPE_ROOT_PORT, true, 2, 8, false, true,
	  FX_ACS_ALL, FX_ACS_ALL, false, 3, 3, 0 },
	{ "02:00.0", 0x10b5, 0x8747, 0x060400, PCI_EXP_TYPE_UPSTREAM, true, 3, 8, false, false, 0, 0,
	  false, 4, 4, 0 },
	{ "03:00.0", 0x10b5, 0x8747, 0x060400, PCI_EXP_TYPE_DOWNSTREAM, true, 4, 4, false, true,
	  FX_ACS_ALL | PCI_ACS_EC, FX_ACS_ALL, true, 5, 5, 0 },
	{ "04:00.0", 0x8086, 0x1572, 0x020000, PCI_EXP_TYPE_ENDPOINT, false, 0, 0, true, true,
	  FX_ACS_ALL, FX_ACS_ALL, false, 6, 6, 0 },
	{ "04:00.1", 0x8086, 0x1572, 0x020000, PCI_EXP_TYPE_ENDPOINT, false, 0, 0, true, true,
	  FX_ACS_ALL, FX_ACS_ALL, false, 7, 7, 0 },
};

static void fill_cfg(uint8_t *c, const struct fx_dev *f, uint8_t bus)
{
	pcilu_put16(c + PCI_VENDOR_ID, f->vendor);
	pcilu_put16(c + PCI_DEVICE_ID, f->device);
	pcilu_put16(c + PCI_STATUS, f->pcie_type != 0xff ? PCI_STATUS_CAP_LIST : 0);
	c[PCI_REVISION_ID] = 0x01;
	c[PCI_CLASS_PROG] = (uint8_t)f->class;
	c[PCI_CLASS_DEVICE] = (uint8_t)(f->class >> 8);
	c[PCI_CLASS_DEVICE + 1] = (uint8_t)(f->class >> 16);
	c[PCI_HEADER_TYPE] = (f->bridge ? PCI_HEADER_TYPE_BRIDGE : 0) | (f->mfd ? PCI_HEADER_TYPE_MFD : 0);
	if (f->bridge) {
		c[PCI_PRIMARY_BUS] = bus;
		c[PCI_SECONDARY_BUS] = f->secondary;
		c[PCI_SUBORDINATE_BUS] = f->subordinate;
	} else {
		pcilu_put16(c + PCI_SUBSYSTEM_VENDOR_ID, f->vendor);
		pcilu_put16(c + PCI_SUBSYSTEM_ID, 0x0001);
	}
	if (f->pcie_type == 0xff)
		return;
	c[PCI_CAPABILITY_LIST] = 0x40;
	c[0x40] = PCI_CAP_ID_EXP;
	pcilu_put16(c + 0x40 + PCI_EXP_FLAGS, (uint16_t)(2 | f->pcie_type << 4));
	if (f->ari_fwd) {
		pcilu_put32(c + 0x40 + PCI_EXP_DEVCAP2, PCI_EXP_DEVCAP2_ARI);
		pcilu_put16(c + 0x40 + PCI_EXP_DEVCTL2, PCI_EXP_DEVCTL2_ARI);
	}
	if (f->has_acs) {
		pcilu_put32(c + 0x100, PCI_EXT_CAP_ID_ACS | 1u << 16);
		pcilu_put16(c + 0x100 + PCI_ACS_CAP, f->acs_cap);
		pcilu_put16(c + 0x100 + PCI_ACS_CTRL, f->acs_ctrl);
	}
}

struct pcilu_topology *fx_build(const struct fx_dev *devs, size_t n, int32_t **groups)
{
	struct pcilu_raw_host raw;
	struct pcilu_topology *t = NULL;
	struct pcilu_diag d;

	pcilu_raw_host_init(&raw, PCILU_SRC_SPEC, "fixture");
	raw.has_kernel_groups = true;
	for (size_t i = 0; i < n; i++) {
		struct pcilu_raw_dev *r = pcilu_raw_host_add(&raw);

		if (!r || pcilu_parse_bdf(devs[i].bdf, &r->seg, &r->bus, &r->devfn))
			abort();
		r->cfg = calloc(1, PCILU_CFG_EXP_SIZE);
		if (!r->cfg)
			abort();
		fill_cfg(r->cfg, &devs[i], r->bus);
		r->cfg_len = devs[i].cfg_len ? devs[i].cfg_len : PCILU_CFG_EXP_SIZE;
		r->kernel_group = devs[i].kgroup;
	}
	pcilu_diag_init(&d);
	if (pcilu_topology_build(&raw, &t, &d) || d.errors) {
		char buf[512];

		for (size_t i = 0; i < d.count; i++) {
			pcilu_diag_format(&d.msgs[i], buf, sizeof(buf));
			fprintf(stderr, "fixture: %s\n", buf);
		}
		abort();
	}
	pcilu_diag_free(&d);
	pcilu_raw_host_free(&raw);
	*groups = malloc(t->ndevs * sizeof(**groups));
	if (!*groups)
		abort();
	for (size_t i = 0; i < t->ndevs; i++) {
		char bdf[24];

		pcilu_bdf(&t->devs[i], bdf, sizeof(bdf));
		for (size_t k = 0; k < n; k++)
			if (!strcmp(bdf + 5, devs[k].bdf))
				(*groups)[i] = devs[k].group;
	}
	return t;
}

int32_t fx_find(const struct pcilu_topology *t, const char *bdf)
{
	uint32_t seg;
	uint8_t bus, devfn;

	if (pcilu_parse_bdf(bdf, &seg, &bus, &devfn))
		return PCILU_NONE;
	return pcilu_topology_find(t, seg, bus, devfn);
}

void fx_groups(const struct pcilu_topology *t, const int32_t *hand, struct pcilu_lu_iommu *io)
{
	struct pcilu_diag d;
	const int32_t *g;

	pcilu_diag_init(&d);
	if (pcilu_lu_iommu_compute(t, io, &d))
		abort();
	g = io->group;
	pcilu_diag_free(&d);
	for (size_t i = 0; hand && i < t->ndevs; i++)
		for (size_t j = 0; j < t->ndevs; j++)
			if ((hand[i] == hand[j]) != (g[i] == g[j])) {
				char a[24], b[24];

				fprintf(stderr, "fixture: groups of %s and %s: by hand %s, computed %s\n",
					pcilu_bdf(&t->devs[i], a, sizeof(a)), pcilu_bdf(&t->devs[j], b, sizeof(b)),
					hand[i] == hand[j] ? "same" : "different", g[i] == g[j] ? "same" : "different");
				abort();
			}
}

int fx_manifest(const struct pcilu_topology *t, const int32_t *groups, const char *const *bdfs,
		size_t n, void **buf, size_t *len)
{
	struct pcilu_lu_iommu io;
	struct pcilu_policy p;
	struct pcilu_plan pl;
	struct pcilu_diag d;
	int32_t devs[16];
	int ret;

	for (size_t i = 0; i < n; i++)
		devs[i] = fx_find(t, bdfs[i]);
	/* the groups the plan rests on are the ones worked out by hand */
	fx_groups(t, groups, &io);
	pcilu_lu_iommu_release(&io);
	pcilu_policy_init(&p);
	pcilu_diag_init(&d);
	/* forced: the tests want the manifest whatever v4 says of the devices */
	ret = pcilu_plan(t, &p, PCILU_LU_V4, devs, n, true, &pl, &d);
	/* a fixed host, not forced, no facts: the bytes the tests expect, whatever machine runs them */
	free(pl.m.host.kernel_release);
	free(pl.m.host.boot_id);
	free(pl.m.host.machine_id);
	pl.m.host = (struct pcilu_manifest_host){ .kernel_release = strdup("7.2.13"),
		.boot_id = strdup("6f1d9a8e-2c47-4f0b-9a51-3e2d7c8b1f00"),
		.machine_id = strdup("0123456789abcdef0123456789abcdef"),
		.time = 1790000000, .source = PCILU_HOST_CAPTURE };
	pl.m.forced = false;
	if (!ret)
		ret = pcilu_manifest_encode(&pl.m, buf, len);
	pcilu_plan_free(&pl);
	pcilu_policy_free(&p);
	pcilu_diag_free(&d);
	return ret;
}

void fx_run_free(struct fx_run *x)
{
	pcilu_lu_check_free(x->c);
	pcilu_iommu_free(x->r);
	pcilu_policy_free(&x->p);
	pcilu_topology_free(x->t);
	free(x->g);
}

const struct pcilu_lu_verdict *fx_verdict(const struct fx_run *x, const char *bdf, unsigned profile)
{
	int32_t dev = fx_find(x->t, bdf);

	for (size_t i = 0; i < x->c->ndevs; i++)
		if (x->c->devs[i].dev == dev)
			return &x->c->devs[i].v[profile];
	fprintf(stderr, "fixture: %s not checked\n", bdf);
	abort();
}

/* The words of a reason, kept in a ring of eight so an assertion can name two at once. */
static const char *fx_words(const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r, bool rem)
{
	static char ring[8][4096];
	static unsigned next;
	char *text, *remedy, *slot = ring[next++ % 8];

	assert_int_equal(pcilu_lu_reason_words(c, r, &text, &remedy), 0);
	snprintf(slot, sizeof(ring[0]), "%s", rem ? (remedy ? remedy : "") : text);
	free(text);
	free(remedy);
	return slot;
}

const char *fx_text(const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r)
{
	return fx_words(c, r, false);
}

const char *fx_remedy(const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r)
{
	return fx_words(c, r, true);
}
