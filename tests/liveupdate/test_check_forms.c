// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The same verdicts whether the host comes from a spec, from the lspci dump
 * pcilu_export_lspci() writes of it, or from the sysfs copy
 * pcilu_export_sysfs() writes: the rules see only config space and the
 * topology, so every profile must answer identically for every device.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct pcilu_raw_host load_spec_file(const char *file)
{
	struct pcilu_raw_host h;
	struct pcilu_diag d;
	char path[512], *text;
	size_t len;

	snprintf(path, sizeof(path), "%s/tests/liveupdate/check/%s", PCILU_SRCDIR, file);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_read_file(path, &text, &len, &d), 0);
	assert_int_equal(pcilu_load_spec(path, text, len, NULL, &h, &d), 0);
	assert_int_equal(d.errors, 0);
	free(text);
	pcilu_diag_free(&d);
	return h;
}

/* One line per device and profile: "0000:04:00.0 v4 0 -22 group,acs-path". */
static char *verdicts(struct pcilu_raw_host *raw, const char *cmdline)
{
	struct pcilu_topology *t;
	struct pcilu_iommu *r;
	struct pcilu_lu_check *c;
	struct pcilu_policy p;
	struct pcilu_diag d;
	char *out = NULL, b[24];
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	pcilu_diag_init(&d);
	pcilu_policy_init(&p);
	assert_int_equal(pcilu_topology_build(raw, &t, &d), 0);
	if (cmdline)
		assert_int_equal(pcilu_policy_parse_cmdline(&p, cmdline, &d), 0);
	assert_int_equal(pcilu_iommu_compute(t, &p, &r, &d), 0);
	assert_int_equal(pcilu_lu_check_run(r, &p, PCILU_LU_ALL_PROFILES, NULL, 0, false, &c, &d), 0);
	for (size_t i = 0; i < c->ndevs; i++)
		for (unsigned k = 0; k < PCILU_LU_NPROFILES; k++) {
			const struct pcilu_lu_verdict *v = &c->devs[i].v[k];

			fprintf(f, "%s %s %d %d", pcilu_bdf(&t->devs[c->devs[i].dev], b, sizeof(b)),
				pcilu_lu_profile_name(k), v->eligible, v->err);
			for (size_t j = 0; j < v->nreasons; j++)
				fprintf(f, " %s", pcilu_lu_rule_name(v->reasons[j].rule));
			fputc('\n', f);
		}
	fclose(f);
	pcilu_lu_check_free(c);
	pcilu_iommu_free(r);
	pcilu_policy_free(&p);
	pcilu_topology_free(t);
	pcilu_diag_free(&d);
	return out;
}

static void same_verdicts(const char *file, const char *cmdline, const char *must)
{
	struct pcilu_raw_host spec = load_spec_file(file), a = load_spec_file(file), b = load_spec_file(file);
	struct pcilu_raw_host lspci, sysfs;
	struct pcilu_diag d;
	char *dump = NULL, dir[] = "/tmp/pcilu-check-XXXXXX", cmd[128];
	size_t len = 0;
	FILE *f = open_memstream(&dump, &len);
	char *vs, *vl, *vy;

	assert_non_null(f);
	assert_int_equal(pcilu_export_lspci(f, &a, false), 0);
	fclose(f);
	assert_non_null(mkdtemp(dir));
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_export_sysfs(dir, &b, &d), 0);
	assert_int_equal(pcilu_load_lspci("dump", dump, len, NULL, &lspci, &d), 0);
	assert_int_equal(pcilu_load_sysfs(dir, NULL, &sysfs, &d), 0);
	assert_int_equal(d.errors, 0);
	vs = verdicts(&spec, cmdline);
	vl = verdicts(&lspci, cmdline);
	vy = verdicts(&sysfs, cmdline);
	assert_non_null(strstr(vs, must));	/* the verdicts are not all trivially the same */
	assert_string_equal(vs, vl);
	assert_string_equal(vs, vy);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(vs);
	free(vl);
	free(vy);
	free(dump);
	pcilu_raw_host_free(&a);
	pcilu_raw_host_free(&b);
	pcilu_raw_host_free(&spec);
	pcilu_raw_host_free(&lspci);
	pcilu_raw_host_free(&sysfs);
	pcilu_diag_free(&d);
}

static void test_rules_host(void **state)
{
	(void)state;
	same_verdicts("rules.json", NULL, "0000:0c:02.0 next 0 -22 vf\n");
}

/* The lspci dump does not carry the command line, so the spec's is passed to all three. */
static void test_iommu_off_host(void **state)
{
	(void)state;
	same_verdicts("iommu_off.json", "root=/dev/sda1 ro intel_iommu=off",
		      "0000:01:00.0 v4 0 -22 no-group\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_host),
		cmocka_unit_test(test_iommu_off_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
