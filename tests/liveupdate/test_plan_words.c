// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A plan's preflight runs without the slot list (PCILU_LU_NO_SLOTS) and
 * makes the IOMMU-on groups only when words ask for them (src/liveupdate/
 * ctx.c). Its words must be a full check's: every reason of every endpoint,
 * under every profile, with the IOMMU as the source has it and forced off,
 * on the check specs and the example host, worded both ways and compared.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../../src/liveupdate/liveupdate_int.h"

#include <pcilu/source.h>

#include <stdlib.h>
#include <string.h>

static struct pcilu_topology *load(const char *rel)
{
	char path[4096];
	struct pcilu_source_opts so = { 0 };
	struct pcilu_raw_host raw;
	struct pcilu_topology *t = NULL;
	struct pcilu_diag d;

	snprintf(path, sizeof(path), "%s/%s", PCILU_SRCDIR, rel);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_load_any(path, &so, &raw, &d), 0);
	assert_int_equal(pcilu_topology_build(&raw, &t, &d), 0);
	pcilu_raw_host_free(&raw);
	pcilu_diag_free(&d);
	return t;
}

static void same_words(const struct pcilu_lu_check *full, const struct pcilu_lu_check *lean, size_t *worded)
{
	assert_int_equal(full->ndevs, lean->ndevs);
	for (size_t i = 0; i < full->ndevs; i++)
		for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
			const struct pcilu_lu_verdict *a = &full->devs[i].v[p], *b = &lean->devs[i].v[p];

			assert_int_equal(a->nreasons, b->nreasons);
			for (size_t k = 0; k < a->nreasons; k++) {
				char *ta, *ra, *tb, *rb;

				assert_int_equal(pcilu_lu_reason_words(full, &a->reasons[k], &ta, &ra), 0);
				assert_int_equal(pcilu_lu_reason_words(lean, &b->reasons[k], &tb, &rb), 0);
				assert_string_equal(ta, tb);
				assert_true((ra == NULL) == (rb == NULL));
				if (ra)
					assert_string_equal(ra, rb);
				*worded += ra != NULL;
				free(ta);
				free(ra);
				free(tb);
				free(rb);
			}
		}
}

static void compare(const char *rel, enum pcilu_tristate iommu, size_t *worded)
{
	struct pcilu_topology *t = load(rel);
	struct pcilu_lu_check *full = NULL, *lean = NULL;
	struct pcilu_iommu *r = NULL;
	struct pcilu_policy p;
	struct pcilu_diag d;

	pcilu_policy_init(&p);
	p.iommu = iommu;
	pcilu_diag_init(&d);
	if (t->cmdline)
		assert_int_equal(pcilu_policy_parse_cmdline(&p, t->cmdline, &d), 0);
	assert_int_equal(pcilu_iommu_compute(t, &p, &r, &d), 0);
	assert_int_equal(pcilu_lu_check_run(r, &p, PCILU_LU_ALL_PROFILES, NULL, 0, false, &full, &d), 0);
	assert_int_equal(pcilu_lu_check_run_opts(r, &p, PCILU_LU_ALL_PROFILES, NULL, 0, false, PCILU_LU_NO_SLOTS,
						 &lean, &d), 0);
	assert_int_equal(lean->nslots, 0);
	same_words(full, lean, worded);
	pcilu_lu_check_free(full);
	pcilu_lu_check_free(lean);
	pcilu_iommu_free(r);
	pcilu_policy_free(&p);
	pcilu_diag_free(&d);
	pcilu_topology_free(t);
}

static void test_same_words(void **state)
{
	static const char *const specs[] = { "tests/liveupdate/check/rules.json", "tests/liveupdate/check/iommu_off.json",
					     "examples/host.json" };
	size_t worded = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		compare(specs[i], PCILU_AUTO, &worded);
		compare(specs[i], PCILU_OFF, &worded);
	}
	/* The remedies compared include some that name slots or the IOMMU-on groups. */
	assert_true(worded > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
