// SPDX-License-Identifier: GPL-2.0-or-later
/* Every refusal names the JSON pointer of the value at fault (or line:column for syntax). */
#include "spec_test.h"

static const struct {
	const char *json;
	const char *msg;	/* must appear in one error message */
} cases[] = {
	{ "{\"devices\": [{\"kind\": \"root_port\", \"children\": [{\"acs_ctl\": 1}]}]}",
	  "/devices/0/children/0: unknown key \"acs_ctl\"" },
	{ "{\"devices\": [], \"bogus\": 1}", "/: unknown key \"bogus\"" },
	{ "{\"devices\": [{\"vendor\": true}]}",
	  "/devices/0: \"vendor\": expected an integer or a hexadecimal string" },
	{ "{\"devices\": [{\"vendor\": \"ffff\"}]}", "/devices/0: \"vendor\": 65535 (0xffff) is out of range" },
	{ "{\"devices\": [{\"fn\": 8}]}", "/devices/0: \"fn\": 8 (0x8) is out of range 0..7" },
	{ "{\"devices\": [{\"slot\": \"20.0\"}]}", "/devices/0: \"slot\": expected" },
	{ "{\"devices\": [{\"slot\": \"01.0\", \"dev\": 1}]}", "/devices/0: give either \"slot\"" },
	{ "{\"devices\": [{\"kind\": \"pci\", \"slot\": \"01.0\"}, {\"kind\": \"pci\", \"slot\": \"01.0\"}]}",
	  "/devices/1: same slot 01.0 as /devices/0" },
	{ "{\"devices\": [{\"slot\": \"00.0\", \"sriov\": {\"total\": 2, \"num\": 2, \"offset\": 8,"
	  " \"stride\": 8}}, {\"slot\": \"01.0\"}]}",
	  "address 0000:00:01.0 of /devices/1 is also VF 0 of /devices/0" },
	{ "{\"devices\": [{\"kind\": \"root_port\", \"children\": [{\"kind\": \"root_port\"}]}]}",
	  "/devices/0/children/0: a root_port cannot sit on a PCIe link below a port" },
	{ "{\"devices\": [{\"kind\": \"gpu\"}]}", "/devices/0: \"kind\": unknown kind \"gpu\"" },
	{ "{\"devices\": [{\"kind\": \"pci\", \"acs\": true}]}", "/devices/0: \"acs\" does not apply to a pci" },
	{ "{\"devices\": [{\"kind\": \"root_port\", \"acs\": {\"cap\": \"SV\", \"ctrl\": \"SV|RR\"}}]}",
	  "/devices/0/acs: \"ctrl\" enables flags the capability lacks (0x4)" },
	{ "{\"devices\": [{\"kind\": \"root_port\", \"acs\": \"SV|XX\"}]}",
	  "/devices/0: \"acs\": unknown ACS flag \"XX\"" },
	{ "{\"devices\": [{\"kind\": \"root_port\", \"acs\": {\"cap\": \"SV\", \"ctl\": 0}}]}",
	  "/devices/0/acs: unknown key \"ctl\"" },
	{ "{\"devices\": [{\"kind\": \"root_port\", \"egress_bits\": 8}]}",
	  "/devices/0: \"egress_bits\" needs EC" },
	{ "{\"devices\": [{\"kind\": \"root_port\", \"children\": [{\"slot\": \"01.0\"}]}]}",
	  "/devices/0/children/0: below a PCIe port the kernel scans only device 0" },
	{ "{\"devices\": [{\"kind\": \"pci\", \"slot\": \"1f.3\"}]}", "/devices/0: slot 1f has no function 0" },
	{ "{\"devices\": [{\"kind\": \"root_port\"}, {\"kind\": \"root_port\", \"slot\": \"01.0\", \"bus\": 1}]}",
	  "/devices/1: \"bus\" 01 is taken" },
	{ "{\"root_buses\": [{\"bus\": 0, \"devices\": [{\"kind\": \"root_port\"}, {\"kind\": \"root_port\","
	  " \"slot\": \"01.0\"}]}, {\"bus\": 2, \"devices\": []}]}",
	  "/root_buses/0: buses 00-02 behind root bus 00 run into root bus 02" },
	{ "{\"root_buses\": [{\"bus\": 0, \"devices\": []}, {\"devices\": []}]}",
	  "/root_buses/1: \"bus\" is required" },
	{ "{\"root_buses\": [{\"bus\": 3, \"devices\": []}, {\"bus\": 3, \"devices\": []}]}",
	  "/root_buses/1: root bus 03 is already /root_buses/0" },
	{ "{\"segments\": [{\"segment\": 1, \"devices\": []}, {\"segment\": \"0001\", \"devices\": []}]}",
	  "/segments/1: segment 0001 is already /segments/0" },
	{ "{\"devices\": [{\"kind\": \"root_port\", \"bus\": 255, \"children\": [{\"sriov\":"
	  " {\"total\": 300, \"num\": 1, \"offset\": 1, \"stride\": 1}}]}]}",
	  "/devices/0/children/0: its 300 VFs would need bus 100, past bus ff" },
	{ "{\"devices\": [{\"sriov\": {\"total\": 4, \"num\": 5}}]}",
	  "/devices/0/sriov: \"num\" (5) and \"initial\" (4) cannot exceed \"total\" (4)" },
	{ "{\"devices\": [{\"sriov\": {\"num\": 1}}]}", "/devices/0/sriov: \"total\" is required" },
	{ "{\"devices\": [{\"kind\": \"root_port\", \"sriov\": {\"total\": 1}}]}",
	  "/devices/0: \"sriov\" does not apply to a root_port" },
	{ "{\"devices\": [{\"config_bytes\": 512}]}", "/devices/0: \"config_bytes\": must be 64, 256 or 4096" },
	{ "{\"devices\": [{\"driver\": \"a/b\"}]}", "/devices/0: \"driver\": \"a/b\" is not a driver name" },
	{ "{\"schema\": \"pcilu-spec/2\", \"devices\": []}", "\"schema\": \"pcilu-spec/2\" is not supported" },
	{ "{\"devices\": [], \"root_buses\": []}", "give exactly one of \"root_buses\" and \"devices\"" },
	/* A NUL inside a JSON string: C would read a shorter string than the file holds. */
	{ "{\"cmdline\": \"iommu=pt\\u0000intel_iommu=off\", \"devices\": []}",
	  "/: \"cmdline\": the string holds a NUL character (\\u0000) after \"iommu=pt\"" },
	{ "{\"devices\": [{\"kind\": \"pci\\u0000x\"}]}", "/devices/0: \"kind\": the string holds a NUL" },
	{ "{\"devices\": [{\"vendor\": \"8086\\u00001\"}]}", "/devices/0: \"vendor\": the string holds a NUL" },
	{ "{\"devices\": [{\"kind\": \"root_port\", \"acs\": \"SV\\u0000XX\"}]}",
	  "/devices/0: \"acs\": the string holds a NUL" },
	{ "{\"devices\": [{\"kind\": \"root_port\", \"ari_forwarding\": \"supported\\u0000\"}]}",
	  "/devices/0: \"ari_forwarding\": the string holds a NUL" },
	{ "[1, 2]", "/: a spec is a JSON object" },
	{ "{\"devices\": [{\"kind\": \"endpoint\", \"link\": {\"gen\": 3, \"width\": 3}}]}",
	  "/devices/0/link: \"width\": x3 is not a PCIe link width" },
	{ "{\"devices\": [{\"kind\": \"rciep\", \"link\": {\"gen\": 3}}]}",
	  "/devices/0: \"link\" does not apply to a rciep" },
};

static void check_error(const char *json, const char *want, long line)
{
	struct pcilu_raw_host h;
	struct pcilu_diag d;
	bool found = false;
	int ret = spec_load(json, &h, &d);

	assert_int_equal(ret, -EINVAL);
	assert_true(d.errors > 0);
	for (size_t i = 0; i < d.count; i++) {
		char buf[1024];

		pcilu_diag_format(&d.msgs[i], buf, sizeof(buf));
		if (strstr(d.msgs[i].text, want) && (!line || d.msgs[i].line == line) &&
		    !strncmp(buf, "spec.json:", 10))
			found = true;
	}
	if (!found) {
		for (size_t i = 0; i < d.count; i++)
			fprintf(stderr, "got: %s (line %ld)\n", d.msgs[i].text, d.msgs[i].line);
		fail_msg("expected an error containing: %s", want);
	}
	pcilu_diag_free(&d);
	pcilu_raw_host_free(&h);
}

static void test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_error(cases[i].json, cases[i].msg, 0);
}

static void test_syntax_line_column(void **state)
{
	(void)state;
	check_error("{\n  \"devices\": [\n    {\"slot\": }\n  ]\n}\n", "column 14:", 3);
	check_error("{\"devices\": []}\n  x", "column 3: text after the JSON document", 2);
	check_error("{\"devices\": [", "unexpected end of input", 1);
}

static char *repeat(const char *unit, unsigned n, const char *head, const char *tail)
{
	size_t len = strlen(head) + strlen(unit) * n + strlen(tail) * n + 1;
	char *s = malloc(len), *p;

	assert_non_null(s);
	p = stpcpy(s, head);
	for (unsigned i = 0; i < n; i++)
		p = stpcpy(p, unit);
	for (unsigned i = 0; i < n; i++)
		p = stpcpy(p, tail);
	return s;
}

static void test_depth_limit(void **state)
{
	char *ok, *deep;

	(void)state;
	/* 64 nested bridges are fine, 65 are refused (PCILU_MAX_SPEC_DEPTH). */
	ok = repeat("{\"kind\": \"pci_bridge\", \"children\": [", PCILU_MAX_SPEC_DEPTH,
		    "{\"devices\": [", "]}");
	deep = repeat("{\"kind\": \"pci_bridge\", \"children\": [", PCILU_MAX_SPEC_DEPTH + 1,
		      "{\"devices\": [", "]}");
	ok = realloc(ok, strlen(ok) + 8);
	deep = realloc(deep, strlen(deep) + 8);
	strcat(ok, "]}");
	strcat(deep, "]}");
	{
		struct pcilu_raw_host h;

		spec_load_ok(ok, &h);
		assert_int_equal(h.count, PCILU_MAX_SPEC_DEPTH);
		pcilu_raw_host_free(&h);
	}
	check_error(deep, "bridges nest deeper than 64 levels", 0);
	free(ok);
	free(deep);
}

/* 33 PFs with 65535 VFs each exceed PCILU_MAX_DEVICES (2^21) before anything is allocated. */
static void test_function_limit(void **state)
{
	char *s = malloc(33 * 120 + 64), *p;

	(void)state;
	assert_non_null(s);
	/* 64-byte functions: the count limit comes before the config-space one. */
	p = stpcpy(s, "{\"config_bytes\": 64, \"devices\": [");
	for (unsigned i = 0; i < 33; i++)
		p += sprintf(p, "%s{\"slot\": \"%02x.%u\", \"sriov\": {\"total\": 65535, \"num\": 65535}}",
			     i ? ", " : "", i & 31, i >> 5);
	strcpy(p, "]}");
	check_error(s, "more than 2097152 functions", 0);
	free(s);
}

/* 17 PFs of 65,535 VFs at 4096 bytes each: 4.6 GB of config space from 1 KB of spec. */
static void test_expansion_limit(void **state)
{
	char *s = malloc(17 * 120 + 64), *p;

	(void)state;
	assert_non_null(s);
	p = stpcpy(s, "{\"devices\": [");
	for (unsigned i = 0; i < 17; i++)
		p += sprintf(p, "%s{\"slot\": \"%02x.0\", \"sriov\": {\"total\": 65535, \"num\": 65535}}",
			     i ? ", " : "", i);
	strcpy(p, "]}");
	/* 16 PFs and their VFs are 16 * 65536 * 4096 = 4 GiB exactly; the 17th is over. */
	check_error(s, "/devices/16: the spec expands to more than 4294967296 bytes of config space", 0);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_syntax_line_column),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_function_limit),
		cmocka_unit_test(test_expansion_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
