// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One machine, three sources: examples/host.json, the lspci dump and the
 * copied-sysfs tree exported from it must give the same model. The dump and
 * sysfs loaders are written on another branch; until they land on main
 * their stubs return -ENOSYS and the affected part is skipped (the whole
 * program exits 77 when neither exists). Once they exist this asserts fully.
 */
#include "spec_test.h"

#include <errno.h>
#include <unistd.h>

static bool have_lspci, have_sysfs;

static struct pcilu_topology *build(struct pcilu_raw_host *h)
{
	struct pcilu_topology *t;
	struct pcilu_diag d;

	pcilu_diag_init(&d);
	assert_int_equal(pcilu_topology_build(h, &t, &d), 0);
	pcilu_diag_free(&d);
	return t;
}

static void load_host(const char *file, struct pcilu_raw_host *h)
{
	struct pcilu_diag d;
	char *text;
	size_t len;

	pcilu_diag_init(&d);
	assert_int_equal(pcilu_read_file(file, &text, &len, &d), 0);
	pcilu_diag_free(&d);
	spec_load_ok(text, h);
	free(text);
}

static const struct pcilu_dev *up_of(const struct pcilu_topology *t, int32_t i)
{
	int32_t u = pcilu_upstream_bridge(t, i);

	return u == PCILU_NONE ? NULL : &t->devs[u];
}

/* @full: the source carries what only sysfs knows (driver, NUMA node). */
static void same_model(const struct pcilu_topology *a, const struct pcilu_topology *b, bool full)
{
	assert_int_equal(a->ndevs, b->ndevs);
	assert_int_equal(a->nbuses, b->nbuses);
	assert_int_equal(a->nunreachable, b->nunreachable);
	for (size_t i = 0; i < a->ndevs; i++) {
		const struct pcilu_dev *x = &a->devs[i], *y;
		const struct pcilu_dev *ux = up_of(a, (int32_t)i), *uy;
		int32_t j = pcilu_topology_find(b, x->seg, x->bus, x->devfn);

		assert_int_not_equal(j, PCILU_NONE);
		y = &b->devs[j];
		assert_int_equal(x->cfg_len, y->cfg_len);
		assert_memory_equal(x->cfg, y->cfg, x->cfg_len);
		assert_int_equal(x->is_virtfn, y->is_virtfn);
		assert_int_equal(x->kernel_group, y->kernel_group);
		uy = up_of(b, j);
		assert_int_equal(ux == NULL, uy == NULL);
		if (ux)
			assert_true(ux->seg == uy->seg && ux->bus == uy->bus && ux->devfn == uy->devfn);
		if (!full)
			continue;
		assert_int_equal(x->numa_node, y->numa_node);
		if (x->driver || y->driver)
			assert_string_equal(x->driver ? x->driver : "(none)", y->driver ? y->driver : "(none)");
	}
}

static const char *const examples[] = {
	PCILU_SRCDIR "/examples/host.json",
	PCILU_SRCDIR "/examples/minimal.json",	/* carries a kernel group */
};

static void lspci_roundtrip(const char *file)
{
	struct pcilu_raw_host spec, dump;
	struct pcilu_topology *a, *b;
	struct pcilu_diag d;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	load_host(file, &spec);
	f = open_memstream(&buf, &len);
	assert_int_equal(pcilu_export_lspci(f, &spec, true), 0);
	fclose(f);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_load_lspci("host.dump", buf, len, NULL, &dump, &d), 0);
	assert_int_equal(d.errors, 0);
	pcilu_diag_free(&d);
	assert_true(dump.has_kernel_groups == spec.has_kernel_groups);
	a = build(&spec);
	b = build(&dump);
	same_model(a, b, false);
	pcilu_topology_free(a);
	pcilu_topology_free(b);
	free(buf);
}

static void sysfs_roundtrip(const char *file)
{
	char dir[] = "/tmp/pcilu-rt-XXXXXX", cmd[128];
	struct pcilu_raw_host spec, sys;
	struct pcilu_topology *a, *b;
	struct pcilu_diag d;

	assert_non_null(mkdtemp(dir));
	load_host(file, &spec);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_export_sysfs(dir, &spec, &d), 0);
	assert_int_equal(pcilu_load_sysfs(dir, NULL, &sys, &d), 0);
	assert_int_equal(d.errors, 0);
	pcilu_diag_free(&d);
	a = build(&spec);
	b = build(&sys);
	same_model(a, b, true);
	pcilu_topology_free(a);
	pcilu_topology_free(b);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_lspci_roundtrip(void **state)
{
	(void)state;
	if (!have_lspci)
		skip();
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
		lspci_roundtrip(examples[i]);
}

static void test_sysfs_roundtrip(void **state)
{
	(void)state;
	if (!have_sysfs)
		skip();
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++)
		sysfs_roundtrip(examples[i]);
}

int main(void)
{
	struct pcilu_raw_host h;
	struct pcilu_diag d;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lspci_roundtrip),
		cmocka_unit_test(test_sysfs_roundtrip),
	};

	pcilu_diag_init(&d);
	have_lspci = pcilu_load_lspci("probe", "", 0, NULL, &h, &d) != -ENOSYS;
	pcilu_raw_host_free(&h);
	have_sysfs = pcilu_load_sysfs("/nonexistent-pcilu-probe", NULL, &h, &d) != -ENOSYS;
	pcilu_raw_host_free(&h);
	pcilu_diag_free(&d);
	if (!have_lspci && !have_sysfs) {
		fprintf(stderr, "lspci and sysfs loaders not on this branch yet: skipped\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
