// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One case per Live Update rule (src/liveupdate/rules.c, check.c; the table
 * in docs/rules.md names each case): the device that makes the rule fire,
 * under which profiles, with which severity and errno. Hosts: the fixture
 * (fixture.c) and tests/liveupdate/check/rules.json, one topology per rule.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALL PCILU_LU_ALL_PROFILES

static struct pcilu_topology *rules_host(void)
{
	struct pcilu_raw_host h;
	struct pcilu_topology *t;
	struct pcilu_diag d;
	char path[512], *text;
	size_t len;

	snprintf(path, sizeof(path), "%s/tests/liveupdate/check/rules.json", PCILU_SRCDIR);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_read_file(path, &text, &len, &d), 0);
	assert_int_equal(pcilu_load_spec(path, text, len, NULL, &h, &d), 0);
	assert_int_equal(pcilu_topology_build(&h, &t, &d), 0);
	assert_int_equal(d.errors, 0);
	free(text);
	pcilu_raw_host_free(&h);
	pcilu_diag_free(&d);
	return t;
}

/* Check @bdfs of x->t, preserved in that order when @preserve. */
static void run_check(struct fx_run *x, const char *const *bdfs, size_t n, bool preserve)
{
	struct pcilu_diag d;
	int32_t devs[8];

	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(devs[i] = fx_find(x->t, bdfs[i]), PCILU_NONE);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_iommu_compute(x->t, &x->p, &x->r, &d), 0);
	assert_int_equal(pcilu_lu_check_run(x->r, &x->p, ALL, devs, n, preserve, &x->c, &d), 0);
	pcilu_diag_free(&d);
}

static void run_init(struct fx_run *x, struct pcilu_topology *t)
{
	int32_t *g = x->g;	/* fx_build(..., &x->g), an argument of this call, set it already */

	memset(x, 0, sizeof(*x));
	x->g = g;
	x->t = t;
	pcilu_policy_init(&x->p);
}

/* The reason of @rule in @bdf's verdict under @profile: it must be there, with @sev. */
static const struct pcilu_lu_reason *fires(const struct fx_run *x, const char *bdf, unsigned profile,
					   uint8_t rule, uint8_t sev)
{
	const struct pcilu_lu_verdict *v = fx_verdict(x, bdf, profile);

	for (size_t i = 0; i < v->nreasons; i++)
		if (v->reasons[i].rule == rule) {
			if (v->reasons[i].sev != sev)
				fail_msg("%s %s: %s has severity %s, expected %s", bdf, pcilu_lu_profile_name(profile),
					 pcilu_lu_rule_name(rule), pcilu_lu_severity_name(v->reasons[i].sev),
					 pcilu_lu_severity_name(sev));
			/* Decided with a code, worded on demand: every code has its own sentence. */
			if (!v->reasons[i].why || !strcmp(fx_text(x->c, &v->reasons[i]), pcilu_lu_rule_name(rule)))
				fail_msg("%s %s: %s has no sentence of its own", bdf, pcilu_lu_profile_name(profile),
					 pcilu_lu_rule_name(rule));
			return &v->reasons[i];
		}
	fail_msg("%s %s: no %s reason", bdf, pcilu_lu_profile_name(profile), pcilu_lu_rule_name(rule));
	return NULL;
}

static bool has_rule(const struct fx_run *x, const char *bdf, unsigned profile, uint8_t rule)
{
	const struct pcilu_lu_verdict *v = fx_verdict(x, bdf, profile);

	for (size_t i = 0; i < v->nreasons; i++)
		if (v->reasons[i].rule == rule)
			return true;
	return false;
}

/* unreadable: a function reading all-ones decides nothing, under every profile. */
static void test_rule_unreadable(void **state)
{
	static const char *const ep[] = { "04:00.1" };
	struct fx_run x = { 0 };

	(void)state;
	run_init(&x, fx_build(fx_ref, FX_REF_COUNT, &x.g));
	x.t->devs[fx_find(x.t, "04:00.1")].dead = true;
	run_check(&x, ep, 1, false);
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
		assert_int_equal(fires(&x, "04:00.1", p, PCILU_LUR_UNREADABLE, PCILU_LUS_UNDECIDED)->err, 0);
	fx_run_free(&x);
}

/* bridge: vfio-pci binds only type-0 functions; a bridge asked for is refused. */
static void test_rule_bridge(void **state)
{
	static const char *const br[] = { "00:01.0" };
	struct fx_run x = { 0 };

	(void)state;
	run_init(&x, fx_build(fx_ref, FX_REF_COUNT, &x.g));
	run_check(&x, br, 1, false);
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		assert_int_equal(fires(&x, "00:01.0", p, PCILU_LUR_BRIDGE, PCILU_LUS_REFUSE)->err, -EINVAL);
		assert_int_equal(fx_verdict(&x, "00:01.0", p)->nreasons, 1);
	}
	fx_run_free(&x);
}

/* vf: "Cannot preserve Virtual Functions" (pci_liveupdate_preserve()). */
static void test_rule_vf(void **state)
{
	static const char *const vf[] = { "0c:02.0" };
	struct fx_run x = { 0 };

	(void)state;
	run_init(&x, rules_host());
	run_check(&x, vf, 1, false);
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
		assert_int_equal(fires(&x, "0c:02.0", p, PCILU_LUR_VF, PCILU_LUS_REFUSE)->err, -EINVAL);
	fx_run_free(&x);
}

/* acs-quirk: below a Wellsburg PCH root port (pci_quirk_enable_intel_pch_acs), next and iommufd. */
static void test_rule_acs_quirk(void **state)
{
	static const char *const ep[] = { "0d:00.0" };
	struct fx_run x = { 0 };

	(void)state;
	run_init(&x, rules_host());
	run_check(&x, ep, 1, false);
	assert_false(has_rule(&x, "0d:00.0", PCILU_LU_V4, PCILU_LUR_ACS_QUIRK));
	assert_int_equal(fires(&x, "0d:00.0", PCILU_LU_NEXT, PCILU_LUR_ACS_QUIRK, PCILU_LUS_REFUSE)->dev,
			 fx_find(x.t, "00:1c.0"));
	fires(&x, "0d:00.0", PCILU_LU_IOMMUFD, PCILU_LUR_ACS_QUIRK, PCILU_LUS_REFUSE);
	fx_run_free(&x);
}

/* no-group, no IOMMU on: v4 and iommufd refuse; next only notes it. */
static void test_rule_no_group_no_iommu(void **state)
{
	static const char *const ep[] = { "01:00.0" };
	struct fx_run x = { 0 };

	(void)state;
	run_init(&x, fx_build(fx_ref, FX_REF_COUNT, &x.g));
	x.p.iommu = PCILU_OFF;
	run_check(&x, ep, 1, false);
	fires(&x, "01:00.0", PCILU_LU_V4, PCILU_LUR_NO_GROUP, PCILU_LUS_REFUSE);
	assert_int_equal(fires(&x, "01:00.0", PCILU_LU_IOMMUFD, PCILU_LUR_NO_GROUP, PCILU_LUS_REFUSE)->basis,
			 PCILU_LU_POLICY);
	fires(&x, "01:00.0", PCILU_LU_NEXT, PCILU_LUR_NO_GROUP, PCILU_LUS_NOTE);
	assert_true(fx_verdict(&x, "01:00.0", PCILU_LU_NEXT)->eligible);
	fx_run_free(&x);
}

/* no-group, left out: the kernel formed groups but none holds the device. */
static void test_rule_no_group_left_out(void **state)
{
	static const char *const ep[] = { "01:00.0" };
	struct fx_dev devs[FX_REF_COUNT];
	const struct pcilu_lu_reason *why;
	struct fx_run x = { 0 };

	(void)state;
	memcpy(devs, fx_ref, sizeof(devs));
	devs[2].kgroup = -1;	/* 01:00.0 */
	run_init(&x, fx_build(devs, FX_REF_COUNT, &x.g));
	x.t->iommu = PCILU_IOMMU_PRESENT;
	x.t->iommu_from = PCILU_FROM_GROUPS;
	run_check(&x, ep, 1, false);
	why = fires(&x, "01:00.0", PCILU_LU_V4, PCILU_LUR_NO_GROUP, PCILU_LUS_REFUSE);
	assert_int_equal(why->why, PCILU_LUW_UNGROUPED);
	assert_non_null(strstr(fx_text(x.c, why), "put 0000:01:00.0 in no IOMMU group"));
	fires(&x, "01:00.0", PCILU_LU_IOMMUFD, PCILU_LUR_NO_GROUP, PCILU_LUS_REFUSE);
	assert_false(has_rule(&x, "01:00.0", PCILU_LU_V4, PCILU_LUR_GROUP));
	fx_run_free(&x);
}

/* no-group, an IOMMU's own function: AMD-Vi's PCI function, no kernel groups in the source. */
static void test_rule_no_group_iommu_function(void **state)
{
	static const char *const ep[] = { "00:00.2" };
	struct fx_dev devs[FX_REF_COUNT + 1];
	const struct pcilu_lu_reason *why;
	struct fx_run x = { 0 };

	(void)state;
	memcpy(devs, fx_ref, sizeof(fx_ref));
	devs[FX_REF_COUNT] = (struct fx_dev){ "00:00.2", 0x1022, 0x1481, 0x080600, PCI_EXP_TYPE_RC_END,
					      .kgroup = -1, .group = 8 };
	devs[0].mfd = true;
	run_init(&x, fx_build(devs, FX_REF_COUNT + 1, &x.g));
	x.t->has_kernel_groups = false;
	x.t->iommu = PCILU_IOMMU_UNKNOWN;
	for (size_t i = 0; i < x.t->ndevs; i++)
		x.t->devs[i].kernel_group = PCILU_NO_GROUP;
	run_check(&x, ep, 1, false);
	assert_true(x.c->iommu_on);
	why = fires(&x, "00:00.2", PCILU_LU_V4, PCILU_LUR_NO_GROUP, PCILU_LUS_REFUSE);
	assert_int_equal(why->why, PCILU_LUW_IOMMU_FN);
	assert_non_null(strstr(fx_text(x.c, why), "an IOMMU's own PCI function"));
	fires(&x, "00:00.2", PCILU_LU_IOMMUFD, PCILU_LUR_NO_GROUP, PCILU_LUS_REFUSE);
	fx_run_free(&x);
}

/* group: a multifunction card without ACS shares its group; v4 code, next a note, iommufd policy. */
static void test_rule_group(void **state)
{
	static const char *const ep[] = { "08:00.0" };
	struct fx_run x = { 0 };

	(void)state;
	run_init(&x, rules_host());
	run_check(&x, ep, 1, false);
	assert_int_equal(fires(&x, "08:00.0", PCILU_LU_V4, PCILU_LUR_GROUP, PCILU_LUS_REFUSE)->other,
			 fx_find(x.t, "08:00.1"));
	assert_int_equal(fires(&x, "08:00.0", PCILU_LU_IOMMUFD, PCILU_LUR_GROUP, PCILU_LUS_REFUSE)->basis,
			 PCILU_LU_POLICY);
	fires(&x, "08:00.0", PCILU_LU_NEXT, PCILU_LUR_GROUP, PCILU_LUS_NOTE);
	fx_run_free(&x);
}

/*
 * group, alone on unread bytes: a computed singleton that rests on config
 * space not read (256 bytes of 04:00.0, a function of a multifunction card:
 * its ACS is unknown), with no kernel group to decide, is undecided: a
 * fuller read may put others with it.
 */
static void test_rule_group_unread_singleton(void **state)
{
	static const char *const ep[] = { "04:00.0" };
	struct fx_dev devs[FX_REF_COUNT];
	struct fx_run x = { 0 };

	(void)state;
	memcpy(devs, fx_ref, sizeof(devs));
	devs[6].cfg_len = 256;	/* 04:00.0 */
	run_init(&x, fx_build(devs, FX_REF_COUNT, &x.g));
	x.t->has_kernel_groups = false;
	for (size_t i = 0; i < x.t->ndevs; i++)
		x.t->devs[i].kernel_group = PCILU_NO_GROUP;
	run_check(&x, ep, 1, false);
	assert_int_equal(fires(&x, "04:00.0", PCILU_LU_V4, PCILU_LUR_GROUP, PCILU_LUS_UNDECIDED)->other,
			 PCILU_NONE);
	assert_int_equal(fx_verdict(&x, "04:00.0", PCILU_LU_V4)->state, PCILU_LU_UNDECIDED);
	fx_run_free(&x);
}

/* acs-path: a switch port without ACS between the device and the root (v4, iommufd). */
static void test_rule_acs_path(void **state)
{
	static const char *const ep[] = { "04:00.0" };
	struct fx_run x = { 0 };

	(void)state;
	run_init(&x, rules_host());
	run_check(&x, ep, 1, false);
	fires(&x, "04:00.0", PCILU_LU_V4, PCILU_LUR_ACS_PATH, PCILU_LUS_REFUSE);
	fires(&x, "04:00.0", PCILU_LU_IOMMUFD, PCILU_LUR_ACS_PATH, PCILU_LUS_REFUSE);
	assert_false(has_rule(&x, "04:00.0", PCILU_LU_NEXT, PCILU_LUR_ACS_PATH));
	fx_run_free(&x);
}

/* dma-alias: behind a PCIe-to-PCI bridge, a caveat under iommufd only. */
static void test_rule_dma_alias(void **state)
{
	static const char *const ep[] = { "0b:01.0" };
	struct fx_run x = { 0 };

	(void)state;
	run_init(&x, rules_host());
	run_check(&x, ep, 1, false);
	assert_int_equal(fires(&x, "0b:01.0", PCILU_LU_IOMMUFD, PCILU_LUR_DMA_ALIAS, PCILU_LUS_CAVEAT)->err, 0);
	assert_false(has_rule(&x, "0b:01.0", PCILU_LU_V4, PCILU_LUR_DMA_ALIAS));
	fx_run_free(&x);
}

/* busy: the same endpoint preserved twice in a sequence; the second call is -EBUSY. */
static void test_rule_busy(void **state)
{
	static const char *const twice[] = { "01:00.0", "01:00.0" };
	struct fx_run x = { 0 };

	(void)state;
	run_init(&x, fx_build(fx_ref, FX_REF_COUNT, &x.g));
	run_check(&x, twice, 2, true);
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		const struct pcilu_lu_preserve *pr = &x.c->pres[p];

		assert_int_equal(pr->nreqs, 2);
		assert_int_equal(pr->reqs[0].err, 0);
		assert_int_equal(pr->reqs[1].err, -EBUSY);
		assert_int_equal(pr->reqs[1].rule, PCILU_LUR_BUSY);
		assert_false(pr->ok);
	}
	fx_run_free(&x);
}

/*
 * partial-group: one member of a shared group preserved without another.
 * next preserves it with a caveat. v4 and iommufd can only be undecided: a
 * device in a known shared group is refused by the group rule before the
 * sequence is replayed, so only a group resting on unread bytes (03:00.0
 * read to 256 bytes, its ACS unknown) lets it through to the conflict.
 */
static void test_rule_partial_group(void **state)
{
	static const char *const one[] = { "08:00.0" }, *const fn0[] = { "04:00.0" };
	struct fx_dev devs[FX_REF_COUNT];
	const struct pcilu_lu_preserve *pr;
	struct fx_run x = { 0 };

	(void)state;
	run_init(&x, rules_host());
	run_check(&x, one, 1, true);
	pr = &x.c->pres[PCILU_LU_NEXT];
	assert_int_equal(pr->nconflicts, 1);
	assert_int_equal(pr->conflicts[0].rule, PCILU_LUR_PARTIAL_GROUP);
	assert_int_equal(pr->conflicts[0].sev, PCILU_LUS_CAVEAT);
	assert_int_equal(pr->conflicts[0].other, fx_find(x.t, "08:00.1"));
	assert_int_equal(pr->conflicts[0].why, PCILU_LUW_PARTIAL);
	assert_non_null(strstr(fx_text(x.c, &pr->conflicts[0]), "0000:08:00.0 is preserved but 0000:08:00.1, in the "
			       "same IOMMU group"));
	assert_non_null(strstr(fx_text(x.c, &pr->conflicts[0]), "(next does not check; iommufd would refuse)"));
	assert_string_equal(fx_remedy(x.c, &pr->conflicts[0]), "");
	assert_int_equal(x.c->pres[PCILU_LU_V4].nconflicts, 0);	/* refused by the group rule first */
	fx_run_free(&x);

	memcpy(devs, fx_ref, sizeof(devs));
	devs[5].cfg_len = 256;	/* 03:00.0 */
	run_init(&x, fx_build(devs, FX_REF_COUNT, &x.g));
	x.t->has_kernel_groups = false;
	for (size_t i = 0; i < x.t->ndevs; i++)
		x.t->devs[i].kernel_group = PCILU_NO_GROUP;
	run_check(&x, fn0, 1, true);
	for (size_t k = 0; k < 2; k++) {
		pr = &x.c->pres[k ? PCILU_LU_IOMMUFD : PCILU_LU_V4];
		assert_int_equal(pr->nconflicts, 1);
		assert_int_equal(pr->conflicts[0].rule, PCILU_LUR_PARTIAL_GROUP);
		assert_int_equal(pr->conflicts[0].sev, PCILU_LUS_UNDECIDED);
		assert_int_equal(pr->conflicts[0].other, fx_find(x.t, "04:00.1"));
		assert_non_null(strstr(fx_text(x.c, &pr->conflicts[0]),
				       "; undecided: the group rests on config space that was not read"));
	}
	fx_run_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_unreadable),
		cmocka_unit_test(test_rule_bridge),
		cmocka_unit_test(test_rule_vf),
		cmocka_unit_test(test_rule_acs_quirk),
		cmocka_unit_test(test_rule_no_group_no_iommu),
		cmocka_unit_test(test_rule_no_group_left_out),
		cmocka_unit_test(test_rule_no_group_iommu_function),
		cmocka_unit_test(test_rule_group),
		cmocka_unit_test(test_rule_group_unread_singleton),
		cmocka_unit_test(test_rule_acs_path),
		cmocka_unit_test(test_rule_dma_alias),
		cmocka_unit_test(test_rule_busy),
		cmocka_unit_test(test_rule_partial_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
