// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Verdicts follow what the source says of its kernel (issue 15): no IOMMU,
 * a device the kernel left out of every group, a function reading all-ones,
 * 64-byte reads, ACS controls that show a capture taken with the IOMMU off,
 * and what the kernel itself can do. Every expected value was worked out by
 * hand from the fixture host (fixture.c) and the rules in docs/rules.md.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"
#include "../../src/handover/handover_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ALL PCILU_LU_ALL_PROFILES

static struct fx_dev *ref_copy(void)
{
	struct fx_dev *d = malloc(sizeof(fx_ref));

	assert_non_null(d);
	memcpy(d, fx_ref, sizeof(fx_ref));
	return d;
}

/* The fixture carries kernel groups, which prove an IOMMU: forget them, so
 * that only the command line, ACS and the default can speak. */
static void forget_facts(struct pcilu_topology *t)
{
	t->has_kernel_groups = false;
	t->iommu = PCILU_IOMMU_UNKNOWN;
	t->iommu_from = PCILU_FROM_DEFAULT;
	for (size_t i = 0; i < t->ndevs; i++)
		t->devs[i].kernel_group = PCILU_NO_GROUP;
}

/* Check @bdfs (NULL: every endpoint) of @t under @cmdline (may be NULL). */
static void run_check(struct fx_run *x, const char *cmdline, const char *const *bdfs, size_t n)
{
	struct pcilu_diag d;
	int32_t devs[8];

	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(devs[i] = fx_find(x->t, bdfs[i]), PCILU_NONE);
	pcilu_policy_init(&x->p);
	pcilu_diag_init(&d);
	if (cmdline)
		assert_int_equal(pcilu_policy_parse_cmdline(&x->p, cmdline, &d), 0);
	assert_int_equal(pcilu_iommu_compute(x->t, &x->p, &x->r, &d), 0);
	assert_int_equal(pcilu_lu_check_run(x->r, &x->p, ALL, devs, n, false, &x->c, &d), 0);
	pcilu_diag_free(&d);
}

static const struct pcilu_lu_reason *reason(const struct pcilu_lu_verdict *v, uint8_t rule)
{
	for (size_t i = 0; i < v->nreasons; i++)
		if (v->reasons[i].rule == rule)
			return &v->reasons[i];
	return NULL;
}

/* A kernel that formed no group at all (empty kernel/iommu_groups): noiommu for every device. */
static void test_no_iommu_fact(void **state)
{
	static const char *const ep[] = { "01:00.0" };
	struct fx_run x = { 0 };
	const struct pcilu_lu_reason *why;

	(void)state;
	x.t = fx_build(fx_ref, FX_REF_COUNT, &x.g);
	x.t->iommu = PCILU_IOMMU_ABSENT;
	x.t->iommu_from = PCILU_FROM_SYSFS;
	x.t->has_kernel_groups = false;
	run_check(&x, NULL, ep, 1);
	assert_false(x.c->iommu_on);
	assert_int_equal(x.c->iommu_from, PCILU_FROM_SYSFS);
	assert_int_equal(x.c->state, PCILU_LU_REFUSED);
	assert_int_equal(x.c->nrefused, 1);
	assert_int_equal(x.c->devs[0].group, PCILU_NONE);	/* no "IOMMU group N" for groups that do not exist */
	why = reason(fx_verdict(&x, "01:00.0", PCILU_LU_V4), PCILU_LUR_NO_GROUP);
	assert_non_null(why);
	assert_int_equal(why->sev, PCILU_LUS_REFUSE);
	assert_int_equal(why->err, -EINVAL);
	assert_non_null(strstr(fx_text(x.c, why), "kernel/iommu_groups is empty"));
	/* The fixture's host bridge is Intel and the command line says nothing: turn it on. */
	assert_non_null(strstr(fx_remedy(x.c, why), "intel_iommu=on"));
	assert_int_equal(fx_verdict(&x, "01:00.0", PCILU_LU_IOMMUFD)->state, PCILU_LU_REFUSED);
	assert_int_equal(reason(fx_verdict(&x, "01:00.0", PCILU_LU_IOMMUFD), PCILU_LUR_NO_GROUP)->basis,
			 PCILU_LU_POLICY);
	/* The PCI core (next) does not look at groups. */
	assert_int_equal(fx_verdict(&x, "01:00.0", PCILU_LU_NEXT)->state, PCILU_LU_ELIGIBLE);
	fx_run_free(&x);
}

/* The same host with no fact: the default (on) applies, and says it is one. */
static void test_default_named(void **state)
{
	static const char *const ep[] = { "01:00.0" };
	struct fx_run x = { 0 };
	size_t n, defaults = 0;
	const struct pcilu_assumption *as;

	(void)state;
	x.t = fx_build(fx_ref, FX_REF_COUNT, &x.g);
	forget_facts(x.t);
	run_check(&x, NULL, ep, 1);
	assert_true(x.c->iommu_on);
	assert_int_equal(x.c->iommu_from, PCILU_FROM_DEFAULT);
	assert_int_equal(x.c->state, PCILU_LU_ELIGIBLE);
	as = pcilu_iommu_assumptions(x.r, &n);
	for (size_t i = 0; i < n; i++)
		defaults += as[i].kind == PCILU_AS_IOMMU_DEFAULT;
	assert_int_equal(defaults, 1);
	fx_run_free(&x);
}

/* Groups formed, one device left out (an IOMMU's own function): no-group under v4 and iommufd. */
static void test_ungrouped_device(void **state)
{
	static const char *const ep[] = { "01:00.0", "04:00.0" };
	struct fx_dev *d = ref_copy();
	struct fx_run x = { 0 };
	const struct pcilu_lu_verdict *v;

	(void)state;
	d[2].kgroup = -1;	/* 01:00.0 */
	x.t = fx_build(d, FX_REF_COUNT, &x.g);
	x.t->iommu = PCILU_IOMMU_PRESENT;
	x.t->iommu_from = PCILU_FROM_GROUPS;
	run_check(&x, NULL, ep, 2);
	assert_true(x.c->iommu_on);
	v = fx_verdict(&x, "01:00.0", PCILU_LU_V4);
	assert_int_equal(v->state, PCILU_LU_REFUSED);
	assert_non_null(reason(v, PCILU_LUR_NO_GROUP));
	assert_null(reason(v, PCILU_LUR_GROUP));	/* nothing else to judge without a group */
	assert_non_null(strstr(fx_text(x.c, reason(v, PCILU_LUR_NO_GROUP)), "put 0000:01:00.0 in no IOMMU group"));
	assert_int_equal(fx_verdict(&x, "01:00.0", PCILU_LU_IOMMUFD)->state, PCILU_LU_REFUSED);
	assert_int_equal(fx_verdict(&x, "01:00.0", PCILU_LU_NEXT)->state, PCILU_LU_ELIGIBLE);
	/* 04:00.0 has its group: eligible everywhere. */
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
		assert_int_equal(fx_verdict(&x, "04:00.0", p)->state, PCILU_LU_ELIGIBLE);
	assert_int_equal(x.c->nrefused, 1);
	fx_run_free(&x);
	free(d);
}

/* A function reading all-ones: present, undecided under every profile, never eligible. */
static void test_dead_function(void **state)
{
	static const char *const ep[] = { "04:00.0", "04:00.1" };
	struct fx_run x = { 0 };
	const struct pcilu_lu_verdict *v;

	(void)state;
	x.t = fx_build(fx_ref, FX_REF_COUNT, &x.g);
	x.t->devs[fx_find(x.t, "04:00.1")].dead = true;
	run_check(&x, NULL, ep, 2);
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		v = fx_verdict(&x, "04:00.1", p);
		assert_int_equal(v->state, PCILU_LU_UNDECIDED);
		assert_false(v->eligible);
		assert_int_equal(v->err, 0);
		assert_int_equal(v->reasons[0].rule, PCILU_LUR_UNREADABLE);
		assert_int_equal(v->reasons[0].sev, PCILU_LUS_UNDECIDED);
	}
	assert_int_equal(x.c->state, PCILU_LU_UNDECIDED);
	assert_int_equal(x.c->nundecided, 1);
	assert_int_equal(x.c->nrefused, 0);
	fx_run_free(&x);
}

/*
 * 64 bytes of the switch's downstream port 03:00.0 (a non-root read): its
 * type and ACS are unknown, so 04:00.0's path is undecided, never refused,
 * and no DMA alias is made up for it.
 */
static void test_short_read_bridge(void **state)
{
	static const char *const ep[] = { "04:00.0" };
	struct fx_dev *d = ref_copy();
	struct fx_run x = { 0 };
	const struct pcilu_lu_verdict *v;

	(void)state;
	d[5].cfg_len = 64;
	x.t = fx_build(d, FX_REF_COUNT, &x.g);
	assert_true(x.t->devs[fx_find(x.t, "03:00.0")].caps_unknown);
	assert_int_not_equal(x.t->devs[fx_find(x.t, "03:00.0")].ext_state, PCILU_EXT_NONE);
	run_check(&x, NULL, ep, 1);
	v = fx_verdict(&x, "04:00.0", PCILU_LU_V4);
	assert_int_equal(v->state, PCILU_LU_UNDECIDED);
	assert_int_equal(v->err, 0);
	for (size_t i = 0; i < v->nreasons; i++)
		assert_int_not_equal(v->reasons[i].sev, PCILU_LUS_REFUSE);
	assert_null(reason(fx_verdict(&x, "04:00.0", PCILU_LU_IOMMUFD), PCILU_LUR_DMA_ALIAS));
	/* next has no group or ACS rule, and 03:00.0's ids need no quirk: eligible. */
	assert_int_equal(fx_verdict(&x, "04:00.0", PCILU_LU_NEXT)->state, PCILU_LU_ELIGIBLE);
	assert_int_equal(x.c->state, PCILU_LU_UNDECIDED);
	fx_run_free(&x);
	free(d);
}

/* The same short read, but the source carries the kernel's groups: they decide the group rule. */
static void test_kernel_group_decides(void **state)
{
	static const char *const ep[] = { "04:00.0" };
	struct fx_dev *d = ref_copy();
	struct fx_run x = { 0 };
	const struct pcilu_lu_verdict *v;

	(void)state;
	d[5].cfg_len = 64;
	d[6].kgroup = d[7].kgroup = 9;	/* the kernel grouped 04:00.0 with 04:00.1 */
	x.t = fx_build(d, FX_REF_COUNT, &x.g);
	x.t->iommu = PCILU_IOMMU_PRESENT;
	x.t->iommu_from = PCILU_FROM_GROUPS;
	run_check(&x, NULL, ep, 1);
	v = fx_verdict(&x, "04:00.0", PCILU_LU_V4);
	assert_int_equal(v->state, PCILU_LU_REFUSED);
	assert_int_equal(reason(v, PCILU_LUR_GROUP)->sev, PCILU_LUS_REFUSE);
	assert_int_equal(reason(v, PCILU_LUR_GROUP)->other, fx_find(x.t, "04:00.1"));
	assert_non_null(strstr(fx_text(x.c, reason(v, PCILU_LUR_GROUP)), "IOMMU group 9"));
	fx_run_free(&x);
	free(d);
}

/* Every ACS-capable port reads Control 0: the capture was taken with the IOMMU off. */
static void test_acs_says_off(void **state)
{
	static const char *const ep[] = { "01:00.0" };
	struct fx_dev *d = ref_copy();
	struct fx_run x = { 0 };
	const struct pcilu_lu_reason *why;
	uint8_t from;

	(void)state;
	d[1].acs_ctrl = d[3].acs_ctrl = d[5].acs_ctrl = 0;
	d[6].acs_ctrl = d[7].acs_ctrl = 0;
	x.t = fx_build(d, FX_REF_COUNT, &x.g);
	forget_facts(x.t);
	run_check(&x, "intel_iommu=on", ep, 1);
	assert_false(x.c->iommu_on);
	assert_int_equal(x.c->iommu_from, PCILU_FROM_ACS);
	why = reason(fx_verdict(&x, "01:00.0", PCILU_LU_V4), PCILU_LUR_NO_GROUP);
	assert_non_null(why);
	/* intel_iommu=on is already there: never suggested again; say what else and how to check. */
	assert_non_null(strstr(fx_remedy(x.c, why), "already has intel_iommu=on"));
	assert_non_null(strstr(fx_remedy(x.c, why), "dmesg | grep -i -e DMAR -e AMD-Vi"));
	assert_non_null(strstr(fx_remedy(x.c, why), "setpci"));
	assert_null(strstr(fx_remedy(x.c, why), "boot with intel_iommu=on"));
	/*
	 * A fresh boot (--acs=linux) has the IOMMU on, because intel_iommu=on says so
	 * (not a default), and the capture is said to have had none.
	 */
	x.p.fresh_boot = true;
	x.p.acs = PCILU_ACS_LINUX;
	assert_true(pcilu_policy_iommu(&x.p, x.t, &from));
	assert_int_equal(from, PCILU_FROM_CMDLINE);
	assert_true(pcilu_policy_capture_iommu_off(&x.p, x.t, &from));
	assert_int_equal(from, PCILU_FROM_ACS);
	/* One port with any of SV|RR|CR|UF on is enough to say nothing. */
	x.p.fresh_boot = false;
	x.p.acs = PCILU_ACS_AS_READ;
	x.t->devs[fx_find(x.t, "00:02.0")].acs_ctrl = PCI_ACS_SV;
	assert_true(pcilu_policy_iommu(&x.p, x.t, &from));
	fx_run_free(&x);
	free(d);
}

/* pci=config_acs= may clear the controls on purpose: zero controls prove nothing then. */
static void test_acs_config_acs_excluded(void **state)
{
	struct fx_dev *d = ref_copy();
	struct fx_run x = { 0 };
	struct pcilu_diag dg;
	uint8_t from;

	(void)state;
	d[1].acs_ctrl = d[3].acs_ctrl = d[5].acs_ctrl = 0;
	x.t = fx_build(d, FX_REF_COUNT, &x.g);
	forget_facts(x.t);
	pcilu_policy_init(&x.p);
	pcilu_diag_init(&dg);
	assert_int_equal(pcilu_policy_parse_cmdline(&x.p, "pci=config_acs=0000@0000:00:01.0", &dg), 0);
	assert_true(pcilu_policy_iommu(&x.p, x.t, &from));
	assert_int_equal(from, PCILU_FROM_DEFAULT);
	pcilu_diag_free(&dg);
	pcilu_policy_free(&x.p);
	pcilu_topology_free(x.t);
	free(x.g);
	free(d);
}

/* The remedy reads the command line: intel_iommu=off is removed, not contradicted. */
static void test_remedy_removes_off(void **state)
{
	static const char *const ep[] = { "01:00.0" };
	struct fx_run x = { 0 };
	const struct pcilu_lu_reason *why;

	(void)state;
	x.t = fx_build(fx_ref, FX_REF_COUNT, &x.g);
	forget_facts(x.t);
	run_check(&x, "quiet intel_iommu=off", ep, 1);
	assert_int_equal(x.c->iommu_from, PCILU_FROM_CMDLINE);
	why = reason(fx_verdict(&x, "01:00.0", PCILU_LU_V4), PCILU_LUR_NO_GROUP);
	assert_non_null(strstr(fx_remedy(x.c, why), "remove intel_iommu=off"));
	fx_run_free(&x);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* What the kernel can do: by config on a live host, else by release. */
static void test_kernel_probe(void **state)
{
	struct pcilu_topology t = { 0 };
	struct pcilu_lu_kernel k;
	char root[] = "/tmp/pcilu-kernel-XXXXXX", path[128], buf[512];

	(void)state;
	assert_int_equal(pcilu_lu_kernel_probe(&t, NULL, &k), 0);
	assert_int_equal(k.pci_lu, PCILU_KLU_UNKNOWN);
	assert_int_equal(k.how, PCILU_KLU_BY_NOTHING);
	t.kernel_release = (char *)"7.2.13+deb14-amd64";
	pcilu_lu_kernel_probe(&t, NULL, &k);
	assert_int_equal(k.pci_lu, PCILU_KLU_NO);
	assert_int_equal(k.how, PCILU_KLU_BY_RELEASE);
	assert_non_null(strstr(pcilu_lu_kernel_text(&k, buf, sizeof(buf)),
			       "cannot preserve PCI devices (no PCI Live Update support before 7.4"));
	t.kernel_release = (char *)"7.3.0-rc7";
	pcilu_lu_kernel_probe(&t, NULL, &k);
	assert_int_equal(k.pci_lu, PCILU_KLU_NO);
	t.kernel_release = (char *)"7.4.1";
	pcilu_lu_kernel_probe(&t, NULL, &k);
	assert_int_equal(k.pci_lu, PCILU_KLU_UNKNOWN);
	assert_int_equal(k.how, PCILU_KLU_BY_RELEASE);
	t.kernel_release = (char *)"6.18.44";
	pcilu_lu_kernel_probe(&t, NULL, &k);
	assert_int_equal(k.pci_lu, PCILU_KLU_NO);
	t.kernel_release = (char *)"garbage";
	pcilu_lu_kernel_probe(&t, NULL, &k);
	assert_int_equal(k.how, PCILU_KLU_BY_NOTHING);

	/* A live host's config decides, whatever the release says. */
	assert_non_null(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/boot", root);
	assert_int_equal(mkdir(path, 0755), 0);
	t.live = true;
	t.kernel_release = (char *)"7.2.13";
	snprintf(path, sizeof(path), "%s/boot/config-7.2.13", root);
	write_file(path, "CONFIG_PCI=y\nCONFIG_PCI_LIVEUPDATE=y\n");
	pcilu_lu_kernel_probe(&t, root, &k);
	assert_int_equal(k.pci_lu, PCILU_KLU_YES);
	assert_int_equal(k.how, PCILU_KLU_BY_CONFIG);
	assert_int_equal(k.luo, 0);	/* no ROOT/dev/liveupdate */
	write_file(path, "CONFIG_PCI=y\n# CONFIG_PCI_LIVEUPDATE is not set\nCONFIG_PCI_LIVEUPDATE_X=y\n");
	pcilu_lu_kernel_probe(&t, root, &k);
	assert_int_equal(k.pci_lu, PCILU_KLU_NO);
	assert_int_equal(k.how, PCILU_KLU_BY_CONFIG);
	unlink(path);
	/* A FIFO where the config should be is not read (it would block). */
	assert_int_equal(mkfifo(path, 0600), 0);
	pcilu_lu_kernel_probe(&t, root, &k);
	assert_int_equal(k.how, PCILU_KLU_BY_RELEASE);
	unlink(path);
	snprintf(path, sizeof(path), "%s/boot", root);
	rmdir(path);
	rmdir(root);
}

/* The manifest records the facts; a reader refuses values it does not know. */
static void test_manifest_facts(void **state)
{
	struct pcilu_manifest m = { 0 }, back = { 0 };
	struct pcilu_manifest_node node = { 0 };
	struct pcilu_diag d;
	void *buf;
	size_t len;

	(void)state;
	m.pcilu_version = (char *)"test";
	m.profile = (char *)"iommufd";
	m.host.time = 1;
	m.host.facts_recorded = true;
	m.host.iommu_on = false;
	m.host.pci_lu = PCILU_KLU_NO;
	/* One preserved endpoint: a manifest without one is refused on read. */
	node.addr.bdf = 0x0100;
	node.vendor = 0x8086;
	node.device = 0x1234;
	node.role = PCILU_LU_ENDPOINT;
	node.refcount = 1;
	m.nodes = &node;
	m.count = 1;
	assert_int_equal(pcilu_manifest_encode(&m, &buf, &len), 0);
	pcilu_diag_init(&d);
	if (pcilu_manifest_decode(buf, len, "m", &back, &d)) {
		char msg[512];

		pcilu_diag_format(&d.msgs[0], msg, sizeof(msg));
		fail_msg("%s", msg);
	}
	assert_true(back.host.facts_recorded);
	assert_false(back.host.iommu_on);
	assert_int_equal(back.host.pci_lu, PCILU_KLU_NO);
	pcilu_manifest_free(&back);
	free(buf);
	pcilu_diag_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_iommu_fact),
		cmocka_unit_test(test_default_named),
		cmocka_unit_test(test_ungrouped_device),
		cmocka_unit_test(test_dead_function),
		cmocka_unit_test(test_short_read_bridge),
		cmocka_unit_test(test_kernel_group_decides),
		cmocka_unit_test(test_acs_says_off),
		cmocka_unit_test(test_acs_config_acs_excluded),
		cmocka_unit_test(test_remedy_removes_off),
		cmocka_unit_test(test_kernel_probe),
		cmocka_unit_test(test_manifest_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
