// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plan then verify: the same topology holds; each kind of change is reported
 * as exactly one root drift, and whatever follows from it points at it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fixture.h"
#include "../../src/handover/handover_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const planned[] = { "01:00.0", "04:00.0" };

struct run {
	struct pcilu_manifest m;
	struct pcilu_verify v;
	struct pcilu_diag d;
};

/*
 * Plan on the reference host, verify on @devs. The groups are the iommu
 * layer's, checked against the hand-made ones in @devs; with @inject the hand
 * groups replace them (to test verify itself on a change the fixture cannot
 * produce through config space).
 */
static void verify_on(const struct fx_dev *devs, size_t n, struct run *r, bool with_groups, bool inject)
{
	int32_t *g0, *g1;
	struct pcilu_topology *t0 = fx_build(fx_ref, FX_REF_COUNT, &g0);
	struct pcilu_topology *t1 = fx_build(devs, n, &g1);
	struct pcilu_lu_iommu io;
	void *buf;
	size_t len;

	pcilu_diag_init(&r->d);
	fx_groups(t1, inject ? NULL : g1, &io);
	if (inject)
		io.group = g1;
	if (!with_groups)
		io.group = NULL;
	assert_int_equal(fx_manifest(t0, g0, planned, 2, &buf, &len), 0);
	assert_int_equal(pcilu_manifest_decode(buf, len, "plan.dtb", &r->m, &r->d), 0);
	assert_int_equal(pcilu_verify_manifest(&r->m, t1, &io, &r->v, &r->d), 0);
	for (size_t i = 0; i < r->v.count; i++)
		print_message("  drift %zu (%s, cause %ld): %s\n", i, pcilu_drift_kind_name(r->v.drifts[i].kind),
			      r->v.drifts[i].cause, r->v.drifts[i].text);
	free(buf);
	pcilu_lu_iommu_release(&io);
	pcilu_topology_free(t0);
	pcilu_topology_free(t1);
	free(g0);
	free(g1);
}

/*
 * A manifest that lost the root port above 04:00.0 (re-encoded, so its crc32
 * holds, and its remaining refcounts still add up) is refused by verify: the
 * root port's bus numbers and ACS Control would otherwise go unchecked.
 */
static void test_bridge_deleted(void **state)
{
	int32_t *g;
	struct pcilu_topology *t = fx_build(fx_ref, FX_REF_COUNT, &g);
	struct pcilu_manifest m;
	struct pcilu_verify v;
	struct pcilu_diag d;
	struct pcilu_lu_iommu io;
	void *buf;
	size_t len, kept = 0;

	(void)state;
	pcilu_diag_init(&d);
	fx_groups(t, g, &io);
	assert_int_equal(fx_manifest(t, g, planned, 2, &buf, &len), 0);
	assert_int_equal(pcilu_manifest_decode(buf, len, "plan.dtb", &m, &d), 0);
	free(buf);
	for (size_t i = 0; i < m.count; i++) {
		const struct pcilu_manifest_node *n = &m.nodes[i];
		bool root_port_of_04 = n->role == PCILU_LU_BRIDGE && n->primary == 0 && n->secondary <= 4 &&
				       n->subordinate >= 4;

		if (root_port_of_04) {
			free(n->group);
			free(n->kgroup);
		} else {
			m.nodes[kept++] = *n;
		}
	}
	assert_int_equal(kept, m.count - 1);
	m.count = kept;
	assert_int_equal(pcilu_manifest_encode(&m, &buf, &len), 0);
	pcilu_manifest_free(&m);
	assert_int_equal(pcilu_manifest_decode(buf, len, "edited.dtb", &m, &d), 0);
	assert_int_equal(pcilu_verify_manifest(&m, t, &io, &v, &d), -EINVAL);
	assert_true(d.errors >= 1);
	/* 04:00.0 sits below the switch 02:00.0/03:xx, below root port 00:02.0 (fixture.c). */
	assert_non_null(strstr(d.msgs[d.count - 1].text, "the manifest is incomplete: it records no bridge above bus "
				"0000:02 on the path of endpoint 0000:04:00.0, where this system has 0000:00:02.0"));
	free(buf);
	pcilu_manifest_free(&m);
	pcilu_lu_iommu_release(&io);
	pcilu_diag_free(&d);
	pcilu_topology_free(t);
	free(g);
}

static void run_free(struct run *r)
{
	pcilu_verify_free(&r->v);
	pcilu_manifest_free(&r->m);
	pcilu_diag_free(&r->d);
}

/* Exactly one root drift, of @kind at @bdf, whose text contains @text; every other drift leads to it. */
static void expect_one(const struct run *r, enum pcilu_drift_kind kind, uint16_t bdf, const char *text)
{
	long root = -1;

	assert_int_equal(r->v.primary, 1);
	for (size_t i = 0; i < r->v.count; i++)
		if (r->v.drifts[i].cause < 0)
			root = (long)i;
	assert_int_equal(r->v.drifts[root].kind, kind);
	assert_int_equal(r->v.drifts[root].addr.bdf, bdf);
	assert_non_null(strstr(r->v.drifts[root].text, text));
	for (size_t i = 0; i < r->v.count; i++) {
		long c = (long)i;

		for (int hops = 0; r->v.drifts[c].cause >= 0 && hops < 8; hops++)
			c = r->v.drifts[c].cause;
		assert_int_equal(c, root);
	}
}

static struct fx_dev *copy_ref(size_t extra)
{
	struct fx_dev *d = calloc(FX_REF_COUNT + extra, sizeof(*d));

	assert_non_null(d);
	memcpy(d, fx_ref, sizeof(fx_ref));
	return d;
}

static void test_holds(void **state)
{
	struct run r;

	(void)state;
	verify_on(fx_ref, FX_REF_COUNT, &r, true, false);
	assert_int_equal(r.v.count, 0);
	assert_int_equal(r.d.errors, 0);
	run_free(&r);
}

static void test_missing(void **state)
{
	struct fx_dev *d = copy_ref(0);
	struct run r;

	(void)state;
	memmove(&d[2], &d[3], (FX_REF_COUNT - 3) * sizeof(*d));	/* drop 01:00.0 */
	verify_on(d, FX_REF_COUNT - 1, &r, true, false);
	assert_int_equal(r.v.count, 1);
	expect_one(&r, PCILU_DRIFT_MISSING, 0x0100, "0000:01:00.0 (144d:a808, endpoint) is missing");
	run_free(&r);
	free(d);
}

static void test_ids(void **state)
{
	struct fx_dev *d = copy_ref(0);
	struct run r;

	(void)state;
	d[6].device = 0x1583;
	verify_on(d, FX_REF_COUNT, &r, true, false);
	assert_int_equal(r.v.count, 1);
	expect_one(&r, PCILU_DRIFT_IDS, 0x0400, "0000:04:00.0 is now 8086:1583");
	run_free(&r);
	free(d);
}

static void test_bus_numbers(void **state)
{
	struct fx_dev *d = copy_ref(0);
	struct run r;

	(void)state;
	d[5].subordinate = 6;
	verify_on(d, FX_REF_COUNT, &r, true, false);
	assert_int_equal(r.v.count, 1);
	expect_one(&r, PCILU_DRIFT_BUS_NUMBERS, 0x0300,
		   "bus numbers of bridge 0000:03:00.0 changed from 03/04/04 to 03/04/06");
	assert_int_equal(r.v.drifts[0].expected, 0x030404);
	assert_int_equal(r.v.drifts[0].actual, 0x030406);
	run_free(&r);
	free(d);
}

static void test_acs_ctrl(void **state)
{
	struct fx_dev *d = copy_ref(0);
	struct run r;

	(void)state;
	d[1].acs_ctrl = PCI_ACS_SV;
	/* pci_device_group(): without ACS at 00:01.0, 01:00.0 falls into the port's group */
	d[2].group = d[2].kgroup = 1;
	verify_on(d, FX_REF_COUNT, &r, true, false);
	expect_one(&r, PCILU_DRIFT_ACS_CTRL, 0x0008,
		   "ACS control of 0000:00:01.0 changed from SV|RR|CR|UF to SV: the new kernel did not inherit it");
	/* consequences: 01:00.0 lost the ACS path; each joined the other's group (computed and kernel) */
	assert_int_equal(r.v.count, 6);
	size_t path = 0, group = 0, kgroup = 0;

	for (size_t i = 0; i < r.v.count; i++) {
		path += r.v.drifts[i].kind == PCILU_DRIFT_ACS_PATH && r.v.drifts[i].addr.bdf == 0x0100;
		group += r.v.drifts[i].kind == PCILU_DRIFT_GROUP;
		kgroup += r.v.drifts[i].kind == PCILU_DRIFT_KERNEL_GROUP;
	}
	assert_int_equal(path, 1);
	assert_int_equal(group, 2);
	assert_int_equal(kgroup, 2);
	run_free(&r);
	free(d);
}

static void test_ari(void **state)
{
	struct fx_dev *d = copy_ref(0);
	struct run r;

	(void)state;
	d[5].ari_fwd = false;
	verify_on(d, FX_REF_COUNT, &r, true, false);
	assert_int_equal(r.v.count, 1);
	expect_one(&r, PCILU_DRIFT_ARI, 0x0300, "ARI Forwarding Enable of 0000:03:00.0 changed from on to off");
	run_free(&r);
	free(d);
}

/* The kernel put a new function into 04:00.0's group although config space says it is isolated. */
static void test_kernel_group_member(void **state)
{
	struct fx_dev *d = copy_ref(1);
	struct run r;

	(void)state;
	d[FX_REF_COUNT] = d[7];
	d[FX_REF_COUNT].bdf = "04:00.2";
	d[FX_REF_COUNT].group = 8;	/* own computed group: it has ACS */
	d[FX_REF_COUNT].kgroup = 6;	/* but the kernel says 04:00.0's */
	verify_on(d, FX_REF_COUNT + 1, &r, true, false);
	assert_int_equal(r.v.count, 1);
	expect_one(&r, PCILU_DRIFT_KERNEL_GROUP, 0x0400, "0000:04:00.2 joined the kernel's IOMMU group 6 of 0000:04:00.0");
	assert_int_equal(r.v.drifts[0].other.bdf, 0x0402);
	run_free(&r);
	free(d);
}

/* A computed group that gained a member (injected), and the same seen in the kernel's group. */
static void test_new_group_member(void **state)
{
	struct fx_dev *d = copy_ref(1);
	struct run r;

	(void)state;
	d[FX_REF_COUNT] = d[7];
	d[FX_REF_COUNT].bdf = "04:00.2";
	d[FX_REF_COUNT].group = d[FX_REF_COUNT].kgroup = 6;
	verify_on(d, FX_REF_COUNT + 1, &r, true, true);
	expect_one(&r, PCILU_DRIFT_GROUP, 0x0400,
		   "0000:04:00.2 joined the IOMMU group of 0000:04:00.0 (it was not in it before kexec)");
	assert_int_equal(r.v.count, 2);
	assert_int_equal(r.v.drifts[1].kind, PCILU_DRIFT_KERNEL_GROUP);
	assert_int_equal(r.v.drifts[1].other.bdf, 0x0402);
	/* the same join, seen by the kernel too: explained by the computed one, said once */
	assert_int_equal(r.v.drifts[1].cause, 0);
	run_free(&r);
	free(d);
}

static void test_no_groups(void **state)
{
	struct run r;
	bool warned = false;

	(void)state;
	verify_on(fx_ref, FX_REF_COUNT, &r, false, false);
	assert_int_equal(r.v.count, 0);
	for (size_t i = 0; i < r.d.count; i++)
		warned |= strstr(r.d.msgs[i].text, "group membership was not checked") != NULL;
	assert_true(warned);
	run_free(&r);
}

/* What plan asks the rules engine: the verdict of @bdf alone under @profile (free with pcilu_lu_check_free()). */
/* A check of @bdf under @profile with the default policy @p, which must outlive *r and the check. */
static struct pcilu_lu_check *plan_check(const struct pcilu_topology *t, const char *bdf, unsigned profile,
					 struct pcilu_policy *p, struct pcilu_iommu **r)
{
	struct pcilu_lu_check *c = NULL;
	struct pcilu_diag d;
	int32_t dev = fx_find(t, bdf);

	pcilu_policy_init(p);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_iommu_compute(t, p, r, &d), 0);
	assert_int_equal(pcilu_lu_check_run(*r, p, 1u << profile, &dev, 1, true, &c, &d), 0);
	assert_int_equal(c->ndevs, 1);
	pcilu_diag_free(&d);
	return c;
}

/* The refusing reason of @rule in the one device's verdict, or NULL. */
static const struct pcilu_lu_reason *refusal(const struct pcilu_lu_check *c, unsigned profile, unsigned rule)
{
	const struct pcilu_lu_verdict *v = &c->devs[0].v[profile];

	for (size_t i = 0; i < v->nreasons; i++)
		if (v->reasons[i].rule == rule && v->reasons[i].sev == PCILU_LUS_REFUSE)
			return &v->reasons[i];
	return NULL;
}

/* plan's refusal, through the rules engine: v4 and iommufd refuse a shared group, next does not look. */
static void test_plan_refusal(void **state)
{
	struct fx_dev *d = copy_ref(0);
	const struct pcilu_lu_reason *why;
	struct pcilu_topology *t;
	struct pcilu_lu_check *c;
	struct pcilu_policy pol;
	struct pcilu_iommu *r;
	struct pcilu_lu_iommu io;
	int32_t *g;

	(void)state;
	/* 00:02.0 enables only SV|RR: everything below it falls into its group (by hand, pci_device_group()) */
	d[3].acs_ctrl = PCI_ACS_SV | PCI_ACS_RR;
	d[4].group = d[5].group = d[6].group = d[7].group = 3;
	t = fx_build(d, FX_REF_COUNT, &g);
	fx_groups(t, g, &io);
	c = plan_check(t, "01:00.0", PCILU_LU_V4, &pol, &r);
	assert_true(c->eligible);
	pcilu_lu_check_free(c);
	pcilu_iommu_free(r);
	pcilu_policy_free(&pol);
	for (unsigned p = PCILU_LU_V4; p <= PCILU_LU_IOMMUFD; p += 2) {
		c = plan_check(t, "04:00.0", p, &pol, &r);
		assert_false(c->eligible);
		assert_int_equal(c->devs[0].v[p].err, -EINVAL);
		/* the group: 00:02.0, 02:00.0, 03:00.0, 04:00.1 besides 04:00.0 itself, first 00:02.0 */
		why = refusal(c, p, PCILU_LUR_GROUP);
		assert_non_null(why);
		assert_int_equal(why->other, fx_find(t, "00:02.0"));
		assert_non_null(strstr(fx_text(c, why), "also holds 0000:00:02.0, 0000:02:00.0, 0000:03:00.0, 0000:04:00.1:"));
		/* and the path rule, on its own, names the bridge that lacks RR|CR|UF */
		why = refusal(c, p, PCILU_LUR_ACS_PATH);
		assert_non_null(why);
		assert_int_equal(why->dev, fx_find(t, "00:02.0"));
		assert_int_equal(why->missing, PCI_ACS_CR | PCI_ACS_UF);
		assert_non_null(strstr(fx_text(c, why), "ACS SV|RR|CR|UF is not enabled from 0000:03:00.0 up to the root: "));
		pcilu_lu_check_free(c);
		pcilu_iommu_free(r);
		pcilu_policy_free(&pol);
	}
	c = plan_check(t, "04:00.0", PCILU_LU_NEXT, &pol, &r);
	assert_true(c->eligible);
	pcilu_lu_check_free(c);
	pcilu_iommu_free(r);
	pcilu_policy_free(&pol);
	pcilu_lu_iommu_release(&io);
	pcilu_topology_free(t);
	free(g);
	free(d);
}

/*
 * ACS of 00:02.0 unreadable (256 bytes of config space): undecided, not
 * refused, and marked as resting on an unknown.
 */
static void test_plan_undecided(void **state)
{
	struct fx_dev *d = copy_ref(0);
	const struct pcilu_lu_reason *why;
	struct pcilu_topology *t;
	struct pcilu_lu_check *c;
	struct pcilu_policy pol;
	struct pcilu_iommu *r;
	int32_t *g;

	(void)state;
	d[3].cfg_len = 256;
	t = fx_build(d, FX_REF_COUNT, &g);
	c = plan_check(t, "04:00.0", PCILU_LU_IOMMUFD, &pol, &r);
	assert_false(c->eligible);
	assert_int_equal(c->state, PCILU_LU_UNDECIDED);
	assert_int_equal(c->devs[0].v[PCILU_LU_IOMMUFD].state, PCILU_LU_UNDECIDED);
	assert_int_equal(c->devs[0].v[PCILU_LU_IOMMUFD].err, 0);
	assert_null(refusal(c, PCILU_LU_IOMMUFD, PCILU_LUR_ACS_PATH));
	why = NULL;
	for (size_t i = 0; i < c->devs[0].v[PCILU_LU_IOMMUFD].nreasons; i++)
		if (c->devs[0].v[PCILU_LU_IOMMUFD].reasons[i].rule == PCILU_LUR_ACS_PATH)
			why = &c->devs[0].v[PCILU_LU_IOMMUFD].reasons[i];
	assert_non_null(why);
	assert_int_equal(why->sev, PCILU_LUS_UNDECIDED);
	assert_int_equal(why->dev, fx_find(t, "00:02.0"));
	assert_true(why->flags & PCILU_RF_UNKNOWN);
	pcilu_lu_check_free(c);
	pcilu_iommu_free(r);
	pcilu_policy_free(&pol);
	pcilu_topology_free(t);
	free(g);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_holds),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_bus_numbers),
		cmocka_unit_test(test_acs_ctrl),
		cmocka_unit_test(test_ari),
		cmocka_unit_test(test_kernel_group_member),
		cmocka_unit_test(test_new_group_member),
		cmocka_unit_test(test_no_groups),
		cmocka_unit_test(test_plan_refusal),
		cmocka_unit_test(test_plan_undecided),
		cmocka_unit_test(test_bridge_deleted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
