// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Property tests of the simulation on hundreds of random topologies (seeded,
 * reproducible: a failure prints its seed, spec and command line).
 *
 * Claimed invariant: with the PCI Live Update series in the next kernel,
 * every preserved device that is eligible under the v4 rule now stays alone
 * in its group whatever the next kernel's ACS command line (config_acs,
 * disable_acs_redir, IOMMU on or off). The property is checked as stated;
 * violations are counted per mechanism and every one must be a mechanism
 * explained in docs/findings.md (an unexplained one fails the test).
 * Without the series, isolation must be lost in some of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>
#include <pcilu/simulate.h>
#include <pcilu/source.h>

#include "gen_topology.h"

#define RUNS_DEFAULT	400
#define CMDLINES	3

struct tally {
	unsigned topologies, checked, sibling, quirk, unknown, lost_no_inherit, routing;
};

static struct pcilu_topology *load(const char *spec)
{
	struct pcilu_raw_host raw;
	struct pcilu_topology *t = NULL;
	struct pcilu_diag d;

	pcilu_diag_init(&d);
	if (pcilu_load_spec("gen", spec, strlen(spec), NULL, &raw, &d) ||
	    pcilu_topology_build(&raw, &t, &d) || d.errors) {
		for (size_t i = 0; i < d.count; i++)
			fprintf(stderr, "%s\n", d.msgs[i].text);
		fail_msg("generated spec does not load: %s", spec);
	}
	pcilu_raw_host_free(&raw);
	pcilu_diag_free(&d);
	return t;
}

static struct pcilu_sim *simulate(const struct pcilu_topology *t, const int32_t *pres, size_t n,
				  const char *cmdline, bool no_inherit)
{
	struct pcilu_sim_opts o = { .cmdline = cmdline, .no_inherit = no_inherit };
	struct pcilu_sim *s = NULL;
	struct pcilu_diag d;

	pcilu_diag_init(&d);
	if (pcilu_simulate(t, pres, n, &o, &s, &d))
		fail_msg("simulate failed (%s)", d.count ? d.msgs[0].text : "no message");
	pcilu_diag_free(&d);
	return s;
}

/* Endpoints (not bridges, not VFs) that the v4 rule admits now. */
static size_t eligible_now(const struct pcilu_topology *t, int32_t *out)
{
	int32_t *all = malloc(t->ndevs * sizeof(*all));
	size_t n = 0, k = 0;
	struct pcilu_sim *s;

	assert_non_null(all);
	for (size_t i = 0; i < t->ndevs; i++)
		if (!pcilu_is_bridge(&t->devs[i]) && !t->devs[i].is_virtfn)
			all[n++] = (int32_t)i;
	if (n) {
		s = simulate(t, all, n, NULL, false);
		for (size_t e = 0; e < s->neps; e++)
			if (s->eps[e].now == 1)
				out[k++] = s->eps[e].dev;
		pcilu_sim_free(s);
	}
	free(all);
	return k;
}

/* Which documented mechanism explains a preserved endpoint losing its singleton group. */
static void classify(const struct pcilu_sim *s, const struct pcilu_sim_endpoint *e, struct tally *ty,
		     uint64_t seed, const char *spec, const char *cmdline)
{
	int32_t g = pcilu_iommu_group_of(s->r_next, e->next_dev);
	const struct pcilu_dev *me = &s->next->devs[e->next_dev];
	const struct pcilu_group *grp = pcilu_iommu_group(s->r_next, g);

	/*
	 * (1) the kernel's ACS quirk isolated a port on the path and the next kernel has no
	 * IOMMU, so the quirk is not enabled again (the final series refuses such devices)
	 */
	if (getenv("PCILU_PROPERTY_VERBOSE"))
		fprintf(stderr, "lost: seed %llu, cmdline \"%s\", %s\n  spec %s\n",
			(unsigned long long)seed, cmdline, e->why_next, spec);
	if (pcilu_iommu_relies_on_quirk(s->r_now, e->dev) && !pcilu_policy_iommu_on(s->pol_next, s->next)) {
		ty->quirk++;
		return;
	}
	/* (2) a sibling function of a multifunction endpoint, whose ACS is not inherited */
	for (size_t m = 0; m < grp->nmembers; m++) {
		const struct pcilu_dev *o = &s->next->devs[grp->members[m]];

		if (grp->members[m] != e->next_dev && o->bus == me->bus &&
		    PCI_SLOT(o->devfn) == PCI_SLOT(me->devfn) && !s->preserved_next[grp->members[m]]) {
			ty->sibling++;
			return;
		}
	}
	ty->unknown++;
	fprintf(stderr, "UNEXPLAINED: seed %llu, cmdline \"%s\", %s\n  spec %s\n",
		(unsigned long long)seed, cmdline, e->why_next, spec);
}

/* The invariant itself: alone in its group (the groups an IOMMU would get, also when none is on). */
static bool alone(const struct pcilu_sim *s, const struct pcilu_sim_endpoint *e)
{
	int32_t g = pcilu_iommu_group_of(s->r_next, e->next_dev);

	return g != PCILU_NONE && pcilu_iommu_group(s->r_next, g)->nmembers == 1;
}

static void one_topology(uint64_t seed, struct tally *ty)
{
	struct gen_rng r = { seed };
	char *spec = gen_spec(&r);
	struct pcilu_topology *t = load(spec);
	int32_t *elig = malloc((t->ndevs + 1) * sizeof(*elig)), *pres = malloc((t->ndevs + 1) * sizeof(*pres));
	size_t ne, np = 0;

	assert_non_null(elig);
	assert_non_null(pres);
	ty->topologies++;
	ne = eligible_now(t, elig);
	for (size_t i = 0; i < ne; i++)
		if (gen_below(&r, 2) || (i + 1 == ne && !np))
			pres[np++] = elig[i];
	for (unsigned c = 0; np && c < CMDLINES; c++) {
		char *cl = gen_cmdline(&r, t);
		struct pcilu_sim *s = simulate(t, pres, np, cl, false);
		struct pcilu_sim *m = simulate(t, pres, np, cl, true);

		for (size_t e = 0; e < s->neps; e++) {
			assert_int_equal(s->eps[e].now, 1);
			ty->checked++;
			if (!alone(s, &s->eps[e]))
				classify(s, &s->eps[e], ty, seed, spec, cl);
			if (!alone(m, &m->eps[e]))
				ty->lost_no_inherit++;
		}
		/* a preserved node's ACS Control never changes when it is inherited */
		for (size_t k = 0; k < s->ch.count; k++)
			ty->routing += s->ch.v[k].kind == PCILU_CH_ROUTING;
		pcilu_sim_free(s);
		pcilu_sim_free(m);
		free(cl);
	}
	free(elig);
	free(pres);
	pcilu_topology_free(t);
	free(spec);
}

static void test_property(void **state)
{
	const char *env = getenv("PCILU_PROPERTY_RUNS");
	unsigned runs = env ? (unsigned)strtoul(env, NULL, 10) : RUNS_DEFAULT;
	struct tally ty = { 0 };

	(void)state;
	for (uint64_t seed = 1; seed <= runs; seed++)
		one_topology(seed, &ty);
	fprintf(stderr, "%u topologies, %u preserved endpoint checks; with the series: %u lost "
		"(%u sibling function, %u ACS quirk, %u unexplained), %u routing changes; "
		"without: %u lost\n", ty.topologies, ty.checked, ty.sibling + ty.quirk + ty.unknown,
		ty.sibling, ty.quirk, ty.unknown, ty.routing, ty.lost_no_inherit);
	assert_true(ty.checked > runs / 2);
	assert_int_equal(ty.unknown, 0);
	assert_int_equal(ty.routing, 0);
	/* the series is what keeps isolation: without it the same command lines break it */
	assert_true(ty.lost_no_inherit > ty.sibling + ty.quirk);
}

/* The same seed gives the same spec and the same command line. */
static void test_reproducible(void **state)
{
	struct gen_rng a = { 42 }, b = { 42 };
	char *x = gen_spec(&a), *y = gen_spec(&b);

	(void)state;
	assert_string_equal(x, y);
	free(x);
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproducible),
		cmocka_unit_test(test_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
