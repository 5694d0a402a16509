// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * verify's causes (src/handover/verify_cause.c) come from an index; they must
 * be what the scan it replaced found: the first primary drift of a kind in
 * the mask on the node itself or on a manifest bridge whose bus range holds
 * the node's bus. Random manifests (overlapping ranges, segments past 0xffff,
 * a repeated address) and drifts added one by one, asked after each.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../../src/handover/handover_int.h"

#include <stdlib.h>
#include <string.h>

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static bool above(const struct pcilu_manifest_node *b, const struct pcilu_manifest_node *n)
{
	return b->role == PCILU_LU_BRIDGE && b->addr.seg == n->addr.seg &&
	       (n->addr.bdf >> 8) >= b->secondary && (n->addr.bdf >> 8) <= b->subordinate;
}

/* The scan verify.c made before the index: the reference. */
static long reference(const struct pcilu_verify *v, const struct pcilu_manifest *m,
		      const struct pcilu_manifest_node *n, unsigned mask, bool self)
{
	for (size_t i = 0; i < v->count; i++) {
		const struct pcilu_drift *dr = &v->drifts[i];

		if (!(mask & (1u << dr->kind)) || dr->cause >= 0)
			continue;
		if (self && pcilu_lu_addr_eq(dr->addr, n->addr))
			return (long)i;
		for (size_t k = 0; k < m->count; k++)
			if (pcilu_lu_addr_eq(m->nodes[k].addr, dr->addr) && above(&m->nodes[k], n))
				return (long)i;
	}
	return -1;
}

static void rand_manifest(uint32_t *s, struct pcilu_manifest *m)
{
	static const uint32_t segs[] = { 0, 1, 0x10000, 0x10001 };

	memset(m, 0, sizeof(*m));
	m->count = 1 + rnd(s) % 60;
	m->nodes = calloc(m->count, sizeof(*m->nodes));
	assert_non_null(m->nodes);
	for (size_t i = 0; i < m->count; i++) {
		struct pcilu_manifest_node *n = &m->nodes[i];

		n->addr.seg = segs[rnd(s) % 4];
		n->addr.bdf = (uint16_t)((rnd(s) % 12) << 8 | (rnd(s) % 4));
		if (i && rnd(s) % 20 == 0)
			n->addr = m->nodes[rnd(s) % i].addr;	/* the same address twice */
		n->role = rnd(s) % 3 ? PCILU_LU_ENDPOINT : PCILU_LU_BRIDGE;
		n->secondary = (uint8_t)(rnd(s) % 12);
		n->subordinate = (uint8_t)(n->secondary + rnd(s) % 6);
	}
}

static void add(struct pcilu_verify *v, uint32_t *s, const struct pcilu_manifest *m)
{
	long cause = rnd(s) % 3 == 0 && v->count ? (long)(rnd(s) % v->count) : -1;

	assert_int_equal(pcilu_verify_add(v, 1 + rnd(s) % PCILU_DRIFT_KERNEL_GROUP,
					  m->nodes[rnd(s) % m->count].addr, cause, "drift"), 0);
}

static void test_random(void **state)
{
	uint32_t seed = 0x9e3779b9;

	(void)state;
	for (int round = 0; round < 200; round++) {
		struct pcilu_manifest m;
		struct pcilu_verify v = { 0 };
		struct pcilu_verify_causes *cx;

		rand_manifest(&seed, &m);
		assert_int_equal(pcilu_verify_causes_new(&m, &cx), 0);
		for (int k = 0; k < 80; k++) {
			const struct pcilu_manifest_node *n = &m.nodes[rnd(&seed) % m.count];
			unsigned mask = rnd(&seed) % 2 ? PCILU_CONFIG_DRIFTS : rnd(&seed) & 0x1fe;
			bool self = rnd(&seed) % 2;

			if (rnd(&seed) % 3)
				add(&v, &seed, &m);
			assert_int_equal(pcilu_verify_find_cause(cx, &v, n, mask, self),
					 reference(&v, &m, n, mask, self));
		}
		pcilu_verify_causes_free(cx);
		pcilu_verify_free(&v);
		free(m.nodes);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
