// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Synthesised config space, checked byte by byte against the layout in
 * docs/spec.md and the PCI Express Base Specification (offsets worked out by
 * hand in the comments), and the topology the pci layer builds from it.
 */
#include "spec_test.h"

#include <dirent.h>

/* AER is 0x48 bytes at 0x100, so the next extended capability sits at 0x148. */
static void test_root_port_acs(void **state)
{
	struct pcilu_raw_host h;
	const uint8_t *c;

	(void)state;
	spec_load_ok("{\"devices\": [{\"kind\": \"root_port\", \"slot\": \"1c.0\", \"id\": \"8086:a110\","
		     " \"acs\": {\"cap\": [\"SV\", \"TB\", \"RR\", \"CR\", \"UF\"], \"ctrl\": \"SV|RR\"}}]}", &h);
	assert_int_equal(h.count, 1);
	c = spec_dev(&h, 0, 0, 0x1c, 0)->cfg;
	assert_int_equal(spec_dev(&h, 0, 0, 0x1c, 0)->cfg_len, 4096);
	assert_int_equal(le16(c, 0), 0x8086);
	assert_int_equal(le16(c, 2), 0xa110);
	assert_int_equal(c[0x0e], 0x01);		/* type 1, single function */
	assert_int_equal(c[0x0b], 0x06);
	assert_int_equal(c[0x0a], 0x04);
	assert_int_equal(c[0x34], 0x40);		/* PM -> MSI -> Express */
	assert_int_equal(c[0x41], 0x50);
	assert_int_equal(c[0x51], 0x70);
	assert_int_equal(c[0x70], 0x10);
	assert_int_equal((le16(c, 0x72) >> 4) & 0xf, 4);	/* root port */
	assert_int_equal(le32(c, 0x100), 0x14810001);	/* AER v1, next 0x148 */
	assert_int_equal(le32(c, 0x148), 0x0001000d);	/* ACS v1, last */
	assert_int_equal(le16(c, 0x14c), 0x001f);
	assert_int_equal(le16(c, 0x14e), 0x0005);
	pcilu_raw_host_free(&h);
}

static void test_acs_shorthand_and_egress(void **state)
{
	struct pcilu_raw_host h;
	const uint8_t *c;

	(void)state;
	spec_load_ok("{\"devices\": [{\"kind\": \"root_port\", \"aer\": false, \"acs\": \"SV|RR|EC\","
		     " \"egress_bits\": 40},"
		     "{\"kind\": \"root_port\", \"slot\": \"02.0\", \"acs\": false}]}", &h);
	c = spec_dev(&h, 0, 0, 0, 0)->cfg;
	assert_int_equal(le16(c, 0x100), 0x000d);		/* ACS first without AER */
	/* 40 egress bits: two vector dwords, so the capability is 16 bytes. */
	assert_int_equal(le16(c, 0x104), 0x2825);
	assert_int_equal(le16(c, 0x106), 0x0025);		/* cap == ctrl */
	c = spec_dev(&h, 0, 0, 2, 0)->cfg;
	assert_int_equal(le32(c, 0x100), 0x00010001);	/* only AER, no ACS */
	pcilu_raw_host_free(&h);
}

/*
 * Depth-first numbering: 00:01.0 [01-07] -> 01:00.0 switch [02-07] ->
 * 02:00.0 [03], 02:01.0 [04-06] -> 04:00.0 switch [05-06] -> 05:00.0 [06],
 * 02:02.0 [07]; then 00:02.0 takes 08.
 */
static const char nested[] =
	"{\"devices\": ["
	" {\"kind\": \"root_port\", \"slot\": \"01.0\", \"children\": ["
	"  {\"kind\": \"switch\", \"children\": ["
	"   {\"slot\": \"00.0\", \"children\": [{}]},"
	"   {\"slot\": \"01.0\", \"children\": [{\"kind\": \"switch\", \"children\": ["
	"     {\"children\": [{\"id\": \"10de:1eb8\"}]}]}]},"
	"   {\"slot\": \"02.0\"}]}]},"
	" {\"kind\": \"root_port\", \"slot\": \"02.0\", \"children\": [{}]}]}";

static void check_bus(struct pcilu_raw_host *h, unsigned bus, unsigned slot, unsigned pri,
		      unsigned sec, unsigned sub)
{
	const uint8_t *c = spec_dev(h, 0, bus, slot, 0)->cfg;

	assert_int_equal(c[0x18], pri);
	assert_int_equal(c[0x19], sec);
	assert_int_equal(c[0x1a], sub);
}

static void test_nested_switch_buses(void **state)
{
	struct pcilu_raw_host h;
	const uint8_t *c;

	(void)state;
	spec_load_ok(nested, &h);
	check_bus(&h, 0x00, 0x01, 0x00, 0x01, 0x07);
	check_bus(&h, 0x01, 0x00, 0x01, 0x02, 0x07);
	check_bus(&h, 0x02, 0x00, 0x02, 0x03, 0x03);
	check_bus(&h, 0x02, 0x01, 0x02, 0x04, 0x06);
	check_bus(&h, 0x04, 0x00, 0x04, 0x05, 0x06);
	check_bus(&h, 0x05, 0x00, 0x05, 0x06, 0x06);
	check_bus(&h, 0x02, 0x02, 0x02, 0x07, 0x07);
	check_bus(&h, 0x00, 0x02, 0x00, 0x08, 0x08);
	c = spec_dev(&h, 0, 0x01, 0, 0)->cfg;
	assert_int_equal((le16(c, 0x72) >> 4) & 0xf, 5);	/* upstream port */
	c = spec_dev(&h, 0, 0x02, 1, 0)->cfg;
	assert_int_equal((le16(c, 0x72) >> 4) & 0xf, 6);	/* downstream port */
	c = spec_dev(&h, 0, 0x06, 0, 0)->cfg;
	assert_int_equal(le16(c, 0), 0x10de);
	assert_int_equal((le16(c, 0x72) >> 4) & 0xf, 0);	/* endpoint */
	assert_int_equal(c[0x0b], 0x02);			/* default class 020000 */
	pcilu_raw_host_free(&h);
}

static void test_topology_parents(void **state)
{
	struct pcilu_raw_host h;
	struct pcilu_topology *t;
	struct pcilu_diag d;
	int32_t gpu, dsp, up;

	(void)state;
	spec_load_ok(nested, &h);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_topology_build(&h, &t, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(t->ndevs, 11);
	gpu = pcilu_topology_find(t, 0, 6, 0);
	dsp = pcilu_topology_find(t, 0, 5, 0);
	up = pcilu_topology_find(t, 0, 4, 0);
	assert_int_not_equal(gpu, PCILU_NONE);
	assert_int_equal(pcilu_upstream_bridge(t, gpu), dsp);
	assert_int_equal(pcilu_upstream_bridge(t, dsp), up);
	assert_int_equal(pcilu_upstream_bridge(t, up), pcilu_topology_find(t, 0, 2, PCI_DEVFN(1, 0)));
	assert_int_equal(t->devs[up].pcie_type, PCI_EXP_TYPE_UPSTREAM);
	assert_int_equal(pcilu_upstream_bridge(t, pcilu_topology_find(t, 0, 0, PCI_DEVFN(1, 0))),
			 PCILU_NONE);
	pcilu_topology_free(t);
	pcilu_diag_free(&d);
}

static void test_pinned_bus(void **state)
{
	struct pcilu_raw_host h;

	(void)state;
	spec_load_ok("{\"devices\": [{\"kind\": \"root_port\", \"bus\": \"10\", \"subordinate\": 20},"
		     "{\"kind\": \"root_port\", \"slot\": \"01.0\"}]}", &h);
	check_bus(&h, 0, 0, 0, 0x10, 20);
	check_bus(&h, 0, 1, 0, 21, 21);
	pcilu_raw_host_free(&h);
}

/* VF i at devfn + offset + stride * i: 0x80, 0x82, 0x84, 0x86 = 10.0 10.2 10.4 10.6. */
static void test_sriov_vfs(void **state)
{
	struct pcilu_raw_host h;
	struct pcilu_raw_dev *vf;
	const uint8_t *c;

	(void)state;
	spec_load_ok("{\"devices\": [{\"kind\": \"root_port\", \"children\": [{\"id\": \"8086:1572\","
		     " \"sriov\": {\"total\": 16, \"num\": 4, \"offset\": \"80\", \"stride\": 2,"
		     " \"vf_device\": \"154c\", \"vf_iommu_group\": 40, \"vf_driver\": \"iavf\"}}]}]}", &h);
	assert_int_equal(h.count, 2 + 4);
	c = spec_dev(&h, 0, 1, 0, 0)->cfg;
	assert_int_equal(le32(c, 0x148) & 0xffff, 0x0010);	/* SR-IOV after AER */
	assert_int_equal(le16(c, 0x150), 0x0009);		/* VF Enable | VF MSE */
	assert_int_equal(le16(c, 0x156), 16);
	assert_int_equal(le16(c, 0x158), 4);
	assert_int_equal(le16(c, 0x15c), 0x80);
	assert_int_equal(le16(c, 0x15e), 2);
	assert_int_equal(le16(c, 0x162), 0x154c);
	for (unsigned i = 0; i < 4; i++) {
		vf = spec_dev(&h, 0, 1, 0x10, 2 * i);
		assert_true(vf->physfn_known && vf->is_virtfn);
		assert_int_equal(vf->pf_bus, 1);
		assert_int_equal(vf->pf_devfn, 0);
		assert_int_equal(le32(vf->cfg, 0), 0xffffffff);
		assert_int_equal(vf->cfg[0x0b], 0x02);
		assert_int_equal(vf->kernel_group, 40 + (int)i);
		assert_string_equal(vf->driver, "iavf");
	}
	assert_true(h.has_kernel_groups);
	{
		struct pcilu_topology *t;
		struct pcilu_diag d;
		int32_t pfi, vfi;

		pcilu_diag_init(&d);
		assert_int_equal(pcilu_topology_build(&h, &t, &d), 0);
		assert_int_equal(d.errors, 0);
		assert_int_equal(t->ndevs, 6);
		pfi = pcilu_topology_find(t, 0, 1, 0);
		vfi = pcilu_topology_find(t, 0, 1, PCI_DEVFN(0x10, 6));
		assert_int_not_equal(vfi, PCILU_NONE);
		assert_true(t->devs[vfi].is_virtfn);
		assert_int_equal(t->devs[vfi].physfn, pfi);
		assert_int_equal(t->devs[vfi].vendor, 0x8086);	/* from the PF, as the kernel does */
		assert_int_equal(t->devs[vfi].device, 0x154c);
		pcilu_topology_free(t);
		pcilu_diag_free(&d);
	}
}

/* Offset 0xff, total 4: VFs reach rid 0x102, so bus 2 is reserved (pci_iov_bus_range). */
static void test_sriov_bus_range(void **state)
{
	struct pcilu_raw_host h;

	(void)state;
	spec_load_ok("{\"devices\": [{\"kind\": \"root_port\", \"children\": [{\"sriov\":"
		     " {\"total\": 4, \"num\": 2, \"offset\": 255, \"stride\": 1}}]},"
		     " {\"kind\": \"root_port\", \"slot\": \"01.0\"}]}", &h);
	assert_true(spec_dev(&h, 0, 1, 0x1f, 7)->is_virtfn);
	assert_true(spec_dev(&h, 0, 2, 0, 0)->is_virtfn);
	check_bus(&h, 0, 0, 0, 1, 2);
	check_bus(&h, 0, 1, 0, 3, 3);
	pcilu_raw_host_free(&h);
}

/* Two PFs in a slot interleave: PF k's VF i at 0x80 + k + 2 * i. */
static void test_sriov_defaults_and_ari(void **state)
{
	struct pcilu_raw_host h;
	const uint8_t *c;

	(void)state;
	spec_load_ok("{\"devices\": [{\"kind\": \"root_port\", \"ari_forwarding\": true, \"children\": ["
		     " {\"slot\": \"00.0\", \"ari\": true, \"sriov\": {\"total\": 8, \"num\": 2}},"
		     " {\"slot\": \"00.1\", \"ari\": true, \"sriov\": {\"total\": 8, \"num\": 2}}]}]}", &h);
	c = spec_dev(&h, 0, 0, 0, 0)->cfg;
	assert_int_equal(le32(c, 0x70 + 0x24) & 0x20, 0x20);	/* ARI Forwarding Supported */
	assert_int_equal(le16(c, 0x70 + 0x28) & 0x20, 0x20);	/* ARI Forwarding Enable */
	c = spec_dev(&h, 0, 1, 0, 0)->cfg;
	assert_int_equal(le16(c, 0x148), 0x000e);		/* ARI after AER */
	assert_int_equal(c[0x14d], 1);				/* next function 1 */
	assert_int_equal(le16(c, 0x150), 0x0010);		/* SR-IOV at 0x150 */
	assert_int_equal(le16(c, 0x158) & 0x10, 0x10);		/* ARI Capable Hierarchy */
	assert_int_equal(le16(c, 0x164), 0x80);			/* offset */
	assert_int_equal(le16(c, 0x166), 2);			/* stride */
	assert_int_equal(c[0x0e], 0x80);			/* multifunction */
	c = spec_dev(&h, 0, 1, 0, 1)->cfg;
	assert_int_equal(c[0x14d], 0);				/* last ARI function */
	assert_int_equal(le16(c, 0x164), 0x80);			/* 1 + 0x80 = 0x81 */
	assert_true(spec_dev(&h, 0, 1, 0x10, 0)->is_virtfn);
	assert_int_equal(spec_dev(&h, 0, 1, 0x10, 1)->pf_devfn, 1);
	assert_int_equal(spec_dev(&h, 0, 1, 0x10, 2)->pf_devfn, 0);
	assert_int_equal(spec_dev(&h, 0, 1, 0x10, 3)->pf_devfn, 1);
	pcilu_raw_host_free(&h);
}

static void test_conventional_and_facts(void **state)
{
	struct pcilu_raw_host h;
	struct pcilu_raw_dev *r;

	(void)state;
	spec_load_ok("{\"kernel\": \"7.2.13\", \"cmdline\": \"intel_iommu=on\", \"config_bytes\": 4096,"
		     " \"root_buses\": [{\"bus\": 0, \"numa_node\": 1, \"devices\": ["
		     " {\"slot\": \"1f.0\", \"kind\": \"pci\", \"id\": \"8086:8d44\", \"class\": \"060100\","
		     "  \"driver\": \"lpc_ich\", \"iommu_group\": 7},"
		     " {\"slot\": \"1f.3\", \"kind\": \"pci\", \"id\": \"8086:8d22\", \"numa_node\": 0,"
		     "  \"config_bytes\": 64}]}]}", &h);
	assert_string_equal(h.kernel_release, "7.2.13");
	assert_string_equal(h.cmdline, "intel_iommu=on");
	r = spec_dev(&h, 0, 0, 0x1f, 0);
	assert_int_equal(r->cfg_len, 256);	/* conventional: no extended space */
	assert_int_equal(r->cfg[0x0e], 0x80);
	assert_int_equal(r->cfg[0x34], 0x40);
	assert_int_equal(r->cfg[0x51], 0x00);	/* MSI is the last capability */
	assert_int_equal(r->kernel_group, 7);
	assert_int_equal(r->numa_node, 1);
	assert_string_equal(r->driver, "lpc_ich");
	r = spec_dev(&h, 0, 0, 0x1f, 3);
	assert_int_equal(r->cfg_len, 64);
	assert_int_equal(r->numa_node, 0);
	assert_int_equal(r->kernel_group, PCILU_NO_GROUP);
	assert_null(r->driver);
	assert_true(h.config_truncated);
	pcilu_raw_host_free(&h);
}

static void test_segments(void **state)
{
	struct pcilu_raw_host h;

	(void)state;
	spec_load_ok("{\"schema\": \"pcilu-spec/1\", \"segments\": ["
		     " {\"segment\": 0, \"root_buses\": [{\"bus\": 0, \"devices\": [{\"kind\": \"root_port\"}]},"
		     "  {\"bus\": \"80\", \"devices\": [{\"kind\": \"root_port\", \"children\": [{}]}]}]},"
		     " {\"segment\": \"10000\", \"devices\": [{\"kind\": \"root_port\", \"children\": [{}]}]}]}",
		     &h);
	assert_int_equal(h.count, 5);
	check_bus(&h, 0x80, 0, 0x80, 0x81, 0x81);
	assert_non_null(spec_dev(&h, 0, 0x81, 0, 0));
	assert_int_equal(spec_dev(&h, 0x10000, 1, 0, 0)->cfg[0x0b], 0x02);
	pcilu_raw_host_free(&h);
}

static void test_examples_load(void **state)
{
	DIR *dir = opendir(PCILU_SRCDIR "/examples");
	struct dirent *e;
	unsigned n = 0;

	(void)state;
	assert_non_null(dir);
	while ((e = readdir(dir))) {
		size_t len = strlen(e->d_name);
		char path[4096], *text;
		struct pcilu_raw_host h;
		struct pcilu_diag d;
		size_t tlen;

		if (len < 5 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		snprintf(path, sizeof(path), PCILU_SRCDIR "/examples/%s", e->d_name);
		pcilu_diag_init(&d);
		assert_int_equal(pcilu_read_file(path, &text, &tlen, &d), 0);
		pcilu_diag_free(&d);
		spec_load_ok(text, &h);
		assert_true(h.count > 0);
		if (!strcmp(e->d_name, "host.json"))
			assert_in_range(h.count, 40, 80);
		pcilu_raw_host_free(&h);
		free(text);
		n++;
	}
	closedir(dir);
	assert_true(n >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_port_acs),
		cmocka_unit_test(test_acs_shorthand_and_egress),
		cmocka_unit_test(test_nested_switch_buses),
		cmocka_unit_test(test_topology_parents),
		cmocka_unit_test(test_pinned_bus),
		cmocka_unit_test(test_sriov_vfs),
		cmocka_unit_test(test_sriov_bus_range),
		cmocka_unit_test(test_sriov_defaults_and_ari),
		cmocka_unit_test(test_conventional_and_facts),
		cmocka_unit_test(test_segments),
		cmocka_unit_test(test_examples_load),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
