// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Real lspci (pciutils), an independent decoder, reads our exported dump and
 * must see the ACS, ARI, SR-IOV and bus numbers the spec asked for. Skips
 * (77) without lspci, except under CI=true where lspci is required.
 */
#include "spec_test.h"

#include <unistd.h>

static const char spec[] =
	"{\"devices\": ["
	" {\"kind\": \"root_port\", \"slot\": \"01.0\", \"acs\": {\"cap\": \"SV|TB|RR|CR|UF|EC|DT\","
	"  \"ctrl\": \"SV|RR|UF\"}, \"egress_bits\": 16, \"ari_forwarding\": true, \"children\": ["
	"  {\"id\": \"8086:1572\", \"ari\": true, \"sriov\": {\"total\": 32, \"num\": 3, \"offset\": 16,"
	"   \"stride\": 1, \"vf_device\": \"154c\"}}]},"
	" {\"kind\": \"root_port\", \"slot\": \"02.0\", \"acs\": {\"cap\": \"SV|RR|CR|UF\", \"ctrl\": []},"
	"  \"children\": [{\"kind\": \"switch\", \"children\": [{\"acs\": \"SV|RR|CR|UF\"}]}]}]}";

static char *run_lspci(const char *dump, const char *sel)
{
	char cmd[512], *out = NULL;
	size_t len = 0;
	FILE *p, *m = open_memstream(&out, &len);
	int c;

	snprintf(cmd, sizeof(cmd), "lspci -A dump -O dump.name=%s -vvv -s %s 2>/dev/null", dump, sel);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((c = fgetc(p)) != EOF)
		fputc(c, m);
	assert_int_equal(pclose(p), 0);
	fclose(m);
	return out;
}

static void expect(const char *out, const char *line)
{
	if (!out || !strstr(out, line))
		fail_msg("lspci output lacks \"%s\":\n%s", line, out ? out : "(none)");
}

static void test_lspci_decodes(void **state)
{
	char path[] = "/tmp/pcilu-lspci-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct pcilu_raw_host h;
	char *out;

	(void)state;
	assert_non_null(f);
	spec_load_ok(spec, &h);
	assert_int_equal(pcilu_export_lspci(f, &h, true), 0);
	fclose(f);

	out = run_lspci(path, "00:01.0");
	expect(out, "Bus: primary=00, secondary=01, subordinate=01");
	expect(out, "Express (v2) Root Port");
	expect(out, "Capabilities: [148 v1] Access Control Services");
	expect(out, "ACSCap:\tSrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl+ DirectTrans+");
	expect(out, "ACSCtl:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir- UpstreamFwd+ EgressCtrl- DirectTrans-");
	expect(out, "ARIFwd+");
	free(out);
	out = run_lspci(path, "01:00.0");
	expect(out, "Express (v2) Endpoint");
	expect(out, "Alternative Routing-ID Interpretation (ARI)");
	expect(out, "IOVCtl:\tEnable+ Migration- Interrupt- MSE+ ARIHierarchy+");
	expect(out, "Initial VFs: 32, Total VFs: 32, Number of VFs: 3");
	expect(out, "VF offset: 16, stride: 1, Device ID: 154c");
	free(out);
	out = run_lspci(path, "01:02.2");	/* the third VF: 0x10 + 2 */
	expect(out, "Express (v2) Endpoint");
	free(out);
	out = run_lspci(path, "00:02.0");
	expect(out, "Bus: primary=00, secondary=02, subordinate=04");
	expect(out, "ACSCtl:\tSrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl- DirectTrans-");
	free(out);
	out = run_lspci(path, "02:00.0");
	expect(out, "Express (v2) Upstream Port");
	expect(out, "Bus: primary=02, secondary=03, subordinate=04");
	free(out);
	out = run_lspci(path, "03:00.0");
	expect(out, "Express (v2) Downstream Port");
	expect(out, "ACSCtl:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-");
	free(out);
	unlink(path);
	pcilu_raw_host_free(&h);
}

int main(void)
{
	const char *ci = getenv("CI");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lspci_decodes),
	};

	if (system("lspci --version >/dev/null 2>&1") != 0) {
		if (ci && !strcmp(ci, "true")) {
			fprintf(stderr, "lspci is required under CI\n");
			return 1;
		}
		fprintf(stderr, "lspci not found: skipped\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
