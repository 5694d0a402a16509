// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ideas that had two owners in src/ and drifted apart (issue 20): each test
 * here failed while the copies disagreed, and holds the one owner to what
 * Linux does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"
#include <pcilu/simulate.h>

#include <stdlib.h>
#include <string.h>

static struct pcilu_sim *simulate(const struct pcilu_topology *t, const char *cmdline)
{
	struct pcilu_sim_opts o = { .cmdline = cmdline };
	int32_t dev = fx_find(t, "01:00.0");
	struct pcilu_sim *s = NULL;
	struct pcilu_diag d;

	pcilu_diag_init(&d);
	assert_int_equal(pcilu_simulate(t, &dev, 1, &o, &s, &d), 0);
	pcilu_diag_free(&d);
	return s;
}

/*
 * pci_setup(), drivers/pci/pci.c, 7.2: "noari" is compared with
 * strncmp(str, "noari", 5), so pci=noari=1 disables ARI as pci=noari does;
 * pcibios_setup(), arch/x86/pci/common.c, 7.2, compares "assign-busses"
 * with strcmp(). After "--" the rest of the line is init's, not the kernel's.
 */
static void test_sim_pci_options(void **state)
{
	static const struct { const char *cmdline; bool noari, assign; } cases[] = {
		{ "pci=noari", true, false },
		{ "pci=noari=1", true, false },
		{ "pci=nomsi,noarifoo", true, false },
		{ "quiet -- pci=noari", false, false },
		{ "\"pci=noari\"", true, false },
		{ "pci=assign-busses", false, true },
		{ "pci=assign-busses2", false, false },
		{ "pci=nomsi,assign-busses,noari", true, true },
	};
	int32_t *groups;
	struct pcilu_topology *t = fx_build(fx_ref, FX_REF_COUNT, &groups);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pcilu_sim *s = simulate(t, cases[i].cmdline);

		if (s->noari != cases[i].noari || s->assign_busses != cases[i].assign)
			fail_msg("%s: noari %d assign-busses %d, expected %d %d", cases[i].cmdline,
				 s->noari, s->assign_busses, cases[i].noari, cases[i].assign);
		pcilu_sim_free(s);
	}
	pcilu_topology_free(t);
	free(groups);
}

/*
 * The platform is the host bridge's vendor: an Intel function at 00:00.0
 * that is not a host bridge (class 0600) says nothing of whose IOMMU the
 * machine has, so the remedy for "no IOMMU" must not name intel_iommu=on
 * alone, as the policy (which decides whether the IOMMU is on) already
 * did not.
 */
static void test_platform_vendor_needs_host_bridge(void **state)
{
	struct fx_dev devs[FX_REF_COUNT];
	int32_t *groups, dev;
	struct pcilu_topology *t;
	struct pcilu_policy p;
	struct pcilu_iommu *r = NULL;
	struct pcilu_lu_check *c = NULL;
	struct pcilu_diag d;
	bool seen = false;

	(void)state;
	memcpy(devs, fx_ref, sizeof(devs));
	devs[0].class = 0x088000;	/* an Intel system peripheral, not a host bridge */
	t = fx_build(devs, FX_REF_COUNT, &groups);
	assert_int_equal(pcilu_platform_vendor(t), 0);
	dev = fx_find(t, "01:00.0");
	pcilu_policy_init(&p);
	p.iommu = PCILU_OFF;
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_iommu_compute(t, &p, &r, &d), 0);
	assert_int_equal(pcilu_lu_check_run(r, &p, 1u << PCILU_LU_V4, &dev, 1, false, &c, &d), 0);
	for (size_t i = 0; i < c->devs[0].v[PCILU_LU_V4].nreasons; i++) {
		const struct pcilu_lu_reason *x = &c->devs[0].v[PCILU_LU_V4].reasons[i];

		if (x->rule != PCILU_LUR_NO_GROUP)
			continue;
		seen = true;
		if (strncmp(fx_remedy(c, x), "boot with the IOMMU on (intel_iommu=on on Intel;", 48))
			fail_msg("remedy names a platform: %s", fx_remedy(c, x));
	}
	assert_true(seen);
	pcilu_lu_check_free(c);
	pcilu_iommu_free(r);
	pcilu_policy_free(&p);
	pcilu_diag_free(&d);
	/* the host bridge itself still names the platform */
	devs[0].class = 0x060000;
	pcilu_topology_free(t);
	free(groups);
	t = fx_build(devs, FX_REF_COUNT, &groups);
	assert_int_equal(pcilu_platform_vendor(t), 0x8086);
	pcilu_topology_free(t);
	free(groups);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_pci_options),
		cmocka_unit_test(test_platform_vendor_needs_host_bridge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
