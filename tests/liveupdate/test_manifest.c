// SPDX-License-Identifier: GPL-2.0-or-later
/* Preserve sets, manifest round trip, and the reader against corrupt input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fixture.h"
#include "../../src/handover/handover_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

static const char *const two[] = { "01:00.0", "04:00.0" };

static void test_preserve_set(void **state)
{
	int32_t *groups, devs[3];
	struct pcilu_topology *t = fx_build(fx_ref, FX_REF_COUNT, &groups);
	struct pcilu_preserve_set set;
	struct pcilu_diag d;
	/* expected by hand: (bdf, role, refcount) in probe order (bus 0 first, then each bridge's bus) */
	static const struct { const char *bdf; enum pcilu_lu_role role; uint32_t ref; } want[] = {
		{ "00:01.0", PCILU_LU_BRIDGE, 1 }, { "00:02.0", PCILU_LU_BRIDGE, 2 },
		{ "01:00.0", PCILU_LU_ENDPOINT, 1 }, { "02:00.0", PCILU_LU_BRIDGE, 2 },
		{ "03:00.0", PCILU_LU_BRIDGE, 2 }, { "04:00.0", PCILU_LU_ENDPOINT, 1 },
		{ "04:00.1", PCILU_LU_ENDPOINT, 1 },
	};

	(void)state;
	devs[0] = fx_find(t, "04:00.1");
	devs[1] = fx_find(t, "01:00.0");
	devs[2] = fx_find(t, "04:00.0");
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_preserve_set_build(t, devs, 3, &set, &d), 0);
	assert_int_equal(set.count, 7);
	assert_int_equal(set.nendpoints, 3);
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(set.nodes[i].dev, fx_find(t, want[i].bdf));
		assert_int_equal(set.nodes[i].role, want[i].role);
		assert_int_equal(set.nodes[i].refcount, want[i].ref);
	}
	pcilu_preserve_set_free(&set);

	devs[1] = devs[0];
	assert_int_equal(pcilu_preserve_set_build(t, devs, 2, &set, &d), -EBUSY);
	assert_non_null(strstr(d.msgs[d.count - 1].text, "0000:04:00.1 is listed twice"));
	devs[0] = fx_find(t, "03:00.0");
	assert_int_equal(pcilu_preserve_set_build(t, devs, 1, &set, &d), -EINVAL);
	assert_non_null(strstr(d.msgs[d.count - 1].text, "is a bridge"));
	pcilu_diag_free(&d);
	pcilu_topology_free(t);
	free(groups);
}

static void test_round_trip(void **state)
{
	int32_t *groups;
	struct pcilu_topology *t = fx_build(fx_ref, FX_REF_COUNT, &groups);
	struct pcilu_manifest m;
	struct pcilu_diag d;
	void *buf;
	size_t len;

	(void)state;
	assert_int_equal(fx_manifest(t, groups, two, 2, &buf, &len), 0);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_manifest_decode(buf, len, "rt.dtb", &m, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_string_equal(m.profile, "v4");
	assert_string_equal(m.host.kernel_release, "7.2.13");
	assert_string_equal(m.host.machine_id, "0123456789abcdef0123456789abcdef");
	assert_int_equal(m.host.time, 1790000000);
	assert_int_equal(m.host.source, PCILU_HOST_CAPTURE);
	assert_int_equal(m.count, 6);	/* 00:01.0 00:02.0 01:00.0 02:00.0 03:00.0 04:00.0 */
	/* 03:00.0: downstream port, bus 2 -> 4..4, ACS cap SV|RR|CR|UF|EC, ctrl SV|RR|CR|UF, ARI on */
	const struct pcilu_manifest_node *n = &m.nodes[4];

	assert_int_equal(n->addr.bdf, 0x0300);
	assert_int_equal(n->role, PCILU_LU_BRIDGE);
	assert_int_equal(n->refcount, 1);
	assert_int_equal(n->vendor, 0x10b5);
	assert_int_equal(n->class, 0x060400);
	assert_true(n->has_acs);
	assert_int_equal(n->acs_cap, 0x3d);
	assert_int_equal(n->acs_ctrl, 0x1d);
	assert_true(n->is_bridge);
	assert_int_equal(n->primary, 3);
	assert_int_equal(n->secondary, 4);
	assert_int_equal(n->subordinate, 4);
	assert_true(n->ari_fwd);
	assert_true(n->group_known);
	assert_int_equal(n->ngroup, 1);
	assert_true(n->kgroup_known);
	assert_int_equal(n->kgroup_id, 5);
	n = &m.nodes[2];
	assert_int_equal(n->addr.bdf, 0x0100);
	assert_int_equal(n->role, PCILU_LU_ENDPOINT);
	assert_int_equal(n->subsys_vendor, 0x144d);
	assert_int_equal(n->subsys_device, 1);
	assert_int_equal(n->revision, 1);
	assert_false(n->has_acs);
	assert_false(n->is_bridge);
	/* re-encoding what was read gives the same bytes */
	void *again;
	size_t alen;

	assert_int_equal(pcilu_manifest_encode(&m, &again, &alen), 0);
	assert_int_equal(alen, len);
	assert_memory_equal(again, buf, len);
	free(again);
	pcilu_manifest_free(&m);
	pcilu_diag_free(&d);
	free(buf);
	pcilu_topology_free(t);
	free(groups);
}

/* Every single-bit flip and every truncation: a clean result or a clean refusal, never a crash. */
static void test_bit_flips(void **state)
{
	int32_t *groups;
	struct pcilu_topology *t = fx_build(fx_ref, FX_REF_COUNT, &groups);
	static const char *const one[] = { "01:00.0" };
	size_t len, rejected = 0, accepted = 0;
	uint8_t *buf, *copy;

	(void)state;
	assert_int_equal(fx_manifest(t, groups, one, 1, (void **)&buf, &len), 0);
	copy = malloc(len);
	assert_non_null(copy);
	for (size_t bit = 0; bit < len * 8; bit++) {
		struct pcilu_manifest m;
		struct pcilu_diag d;
		int ret;

		memcpy(copy, buf, len);
		copy[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		pcilu_diag_init(&d);
		ret = pcilu_manifest_decode(copy, len, "flip.dtb", &m, &d);
		if (ret) {
			assert_true(ret == -EINVAL || ret == -E2BIG);
			assert_true(d.errors >= 1);
			assert_string_equal(d.msgs[0].file, "flip.dtb");
			rejected++;
		} else {
			assert_true(m.count >= 1);
			accepted++;
		}
		pcilu_manifest_free(&m);
		pcilu_diag_free(&d);
	}
	for (size_t cut = 0; cut < len; cut++) {
		struct pcilu_manifest m;
		struct pcilu_diag d;

		pcilu_diag_init(&d);
		assert_int_equal(pcilu_manifest_decode(buf, cut, "cut.dtb", &m, &d), -EINVAL);
		assert_true(d.errors >= 1);
		pcilu_diag_free(&d);
	}
	/* crc32 catches every single-bit error, wherever it falls (issue 16): none is accepted. */
	print_message("bit flips: %zu rejected, %zu accepted of %zu\n", rejected, accepted, len * 8);
	assert_int_equal(accepted, 0);
	free(copy);
	free(buf);
	pcilu_topology_free(t);
	free(groups);
}

static void test_corpus(void **state)
{
	char path[1024], line[256];
	FILE *f = fopen(PCILU_SRCDIR "/tests/bad/manifest/expected.txt", "r");
	size_t checked = 0;

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		struct pcilu_manifest m;
		struct pcilu_diag d;
		char *tab = strchr(line, '\t');
		bool found = false;

		if (line[0] == '#' || !tab)
			continue;
		*tab++ = '\0';
		tab[strcspn(tab, "\n")] = '\0';
		snprintf(path, sizeof(path), PCILU_SRCDIR "/tests/bad/manifest/%s", line);
		pcilu_diag_init(&d);
		if (pcilu_manifest_read_file(path, &m, &d) >= 0)
			fail_msg("%s was accepted", line);
		for (size_t i = 0; i < d.count; i++)
			found |= d.msgs[i].sev == PCILU_ERROR && strstr(d.msgs[i].text, tab) != NULL;
		if (!found) {
			char buf[600];

			for (size_t i = 0; i < d.count; i++) {
				pcilu_diag_format(&d.msgs[i], buf, sizeof(buf));
				print_error("%s: got: %s\n", line, buf);
			}
			fail_msg("%s: no message contains '%s'", line, tab);
		}
		pcilu_diag_free(&d);
		checked++;
	}
	fclose(f);
	assert_true(checked >= 30);
	/* the reference file of the corpus itself is accepted */
	struct pcilu_manifest m;
	struct pcilu_diag d;

	pcilu_diag_init(&d);
	assert_int_equal(pcilu_manifest_read_file(PCILU_SRCDIR "/tests/bad/manifest/good.dtb", &m, &d), 0);
	assert_int_equal(m.count, 2);
	/* written before the host "source" property existed: still read, provenance unknown */
	assert_int_equal(m.host.source, PCILU_HOST_UNKNOWN);
	pcilu_manifest_free(&m);
	pcilu_diag_free(&d);
}

/* A capture's plan records the capture's kernel, never the planning machine's; the live one its own. */
static void test_host_facts(void **state)
{
	int32_t *groups;
	struct pcilu_topology *t = fx_build(fx_ref, FX_REF_COUNT, &groups);
	struct pcilu_manifest_host h;
	struct pcilu_diag d;
	struct utsname u;

	(void)state;
	pcilu_diag_init(&d);
	assert_int_equal(uname(&u), 0);
	t->live = false;
	t->kernel_release = strdup("6.1.0-captured");
	assert_int_equal(pcilu_manifest_host_for(&h, t, &d), 0);
	assert_int_equal(h.source, PCILU_HOST_CAPTURE);
	assert_string_equal(h.kernel_release, "6.1.0-captured");
	pcilu_manifest_free(&(struct pcilu_manifest){ .host = h });
	free(t->kernel_release);
	t->kernel_release = NULL;	/* an lspci dump records none */
	assert_int_equal(pcilu_manifest_host_for(&h, t, &d), 0);
	assert_int_equal(h.source, PCILU_HOST_CAPTURE);
	assert_null(h.kernel_release);
	pcilu_manifest_free(&(struct pcilu_manifest){ .host = h });
	t->live = true;
	assert_int_equal(pcilu_manifest_host_for(&h, t, &d), 0);
	assert_int_equal(h.source, PCILU_HOST_LIVE);
	assert_string_equal(h.kernel_release, u.release);
	pcilu_manifest_free(&(struct pcilu_manifest){ .host = h });
	pcilu_diag_free(&d);
	pcilu_topology_free(t);
	free(groups);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preserve_set),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_host_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
