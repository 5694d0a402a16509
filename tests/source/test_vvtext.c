// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the decoded-text source (lspci -vv without hex), one fixture
 * per pciutils format in tests/source/vvtext/. Expected bytes are worked out
 * by hand from the PCI and PCIe specifications' register layouts, not taken
 * from the program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcilu/pci.h>
#include <pcilu/source.h>

#define FIX PCILU_SRCDIR "/tests/source/vvtext/"

struct ctx {
	struct pcilu_raw_host h;
	struct pcilu_diag d;
	int ret;
};

static int load_text(struct ctx *c, const char *text, size_t len, bool lenient)
{
	struct pcilu_source_opts o = { .lenient = lenient };

	pcilu_diag_free(&c->d);
	pcilu_raw_host_free(&c->h);
	pcilu_diag_init(&c->d);
	c->ret = pcilu_load_lspci_text("t", text, len, &o, &c->h, &c->d);
	return c->ret;
}

static int load_file(struct ctx *c, const char *name)
{
	char *buf = NULL;
	size_t len = 0;
	struct pcilu_diag d;

	pcilu_diag_init(&d);
	assert_int_equal(pcilu_read_file(name, &buf, &len, &d), 0);
	pcilu_diag_free(&d);
	assert_true(pcilu_lspci_is_text(buf, len));
	load_text(c, buf, len, false);
	free(buf);
	return c->ret;
}

static const struct pcilu_raw_dev *dev(struct ctx *c, uint8_t bus, uint8_t slot, uint8_t fn)
{
	for (size_t i = 0; i < c->h.count; i++)
		if (c->h.devs[i].bus == bus && c->h.devs[i].devfn == (slot << 3 | fn))
			return &c->h.devs[i];
	fail_msg("%02x:%02x.%u not loaded", bus, slot, fn);
	return NULL;
}

static unsigned w16(const struct pcilu_raw_dev *r, unsigned off)
{
	return r->cfg[off] | (unsigned)r->cfg[off + 1] << 8;
}

static unsigned w32(const struct pcilu_raw_dev *r, unsigned off)
{
	return w16(r, off) | w16(r, off + 2) << 16;
}

/* Whether some message of @sev contains @s (formatted "t:LINE: ..."). */
static bool has_msg(struct ctx *c, enum pcilu_severity sev, const char *s)
{
	char buf[1024];

	for (size_t i = 0; i < c->d.count; i++) {
		if (c->d.msgs[i].sev != sev)
			continue;
		pcilu_diag_format(&c->d.msgs[i], buf, sizeof(buf));
		if (strstr(buf, s))
			return true;
	}
	return false;
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	pcilu_diag_init(&c->d);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	pcilu_raw_host_free(&c->h);
	pcilu_diag_free(&c->d);
	free(c);
	return 0;
}

/* pciutils 3.5, -vvk, no -nn, no IOMMU group lines; DevCap2 flags with commas. */
static void test_format_35(void **state)
{
	struct ctx *c = *state;
	const struct pcilu_raw_dev *rp, *nv;

	assert_int_equal(load_file(c, FIX "pciutils-3.5-vv-k.txt"), 0);
	assert_int_equal(c->h.count, 2);
	assert_false(c->h.has_kernel_groups);
	rp = dev(c, 0, 0x1c, 0);
	assert_int_equal(rp->cfg_len, 4096);
	assert_int_equal(rp->line, 1);
	assert_int_equal(w16(rp, 0), 0x8086);	/* "Intel Corporation" */
	assert_int_equal(w16(rp, 2), 0);	/* no -nn: device id unknown */
	assert_int_equal(w32(rp, 8) >> 8, 0x060400);
	assert_int_equal(rp->cfg[8], 0xf1);	/* (rev f1) */
	assert_int_equal(rp->cfg[0x0e], 1);	/* bridge, listed alone: no multifunction */
	assert_int_equal(rp->cfg[0x18], 0x00);
	assert_int_equal(rp->cfg[0x19], 0x02);
	assert_int_equal(rp->cfg[0x1a], 0x03);
	assert_int_equal(w16(rp, 6) & 0x10, 0x10);	/* capability list */
	assert_int_equal(rp->cfg[0x34], 0x40);
	/* chain 40 -> 80 -> 90 -> a0 -> end, ids PCIe, MSI, SSVID, PM */
	assert_int_equal(w16(rp, 0x40), 0x8010);
	assert_int_equal(w16(rp, 0x80), 0x9005);
	assert_int_equal(w16(rp, 0x90), 0xa00d);
	assert_int_equal(w16(rp, 0xa0), 0x0001);
	/* PCIe flags: version 2, root port (4), slot implemented (bit 8) */
	assert_int_equal(w16(rp, 0x42), 0x0142);
	assert_int_equal(w32(rp, 0x40 + 0x24) & 0x20, 0x20);	/* DevCap2 ARIFwd+ */
	assert_int_equal(w16(rp, 0x40 + 0x28) & 0x20, 0x20);	/* DevCtl2 ARIFwd+ */
	/* extended: AER 100 -> ACS 140 -> #19 at 220 */
	assert_int_equal(w32(rp, 0x100), 0x14010001);
	assert_int_equal(w32(rp, 0x140), 0x2201000d);
	assert_int_equal(w16(rp, 0x144), 0x000d);	/* SV RR CR */
	assert_int_equal(w16(rp, 0x146), 0);
	assert_string_equal(rp->driver, "pcieport");
	assert_int_equal(rp->kernel_group, PCILU_NO_GROUP);
	nv = dev(c, 2, 0, 0);
	assert_int_equal(w16(nv, 0), 0x144d);	/* "Samsung Electronics Co Ltd" */
	assert_int_equal(nv->cfg[9], 0x02);	/* prog-if 02 */
	assert_int_equal(w16(nv, 0x72), 0x0002);	/* v2 endpoint */
	assert_int_equal(nv->line, 28);
	/* Without ids the Sunrise Point assumption cannot apply; the missing ids are said. */
	assert_true(has_msg(c, PCILU_NOTE, "t:1: note: 2 devices without [vendor:device] ids"));
	assert_false(has_msg(c, PCILU_NOTE, "Sunrise"));
	assert_true(has_msg(c, PCILU_NOTE, "multifunction bit"));
}

/* pciutils 3.13, -Dnnvvk: IntMsgNum, ARIFwd on a continuation line, SR-IOV with VFs. */
static void test_format_313(void **state)
{
	struct ctx *c = *state;
	const struct pcilu_raw_dev *hb, *rp, *pf, *pf1, *vf;
	struct pcilu_topology *t = NULL;
	struct pcilu_diag d;

	assert_int_equal(load_file(c, FIX "pciutils-3.13-Dnnvvk.txt"), 0);
	assert_int_equal(c->h.count, 6);
	assert_true(c->h.has_kernel_groups);
	assert_false(has_msg(c, PCILU_NOTE, "without [vendor:device] ids"));
	hb = dev(c, 0, 1, 0);
	assert_int_equal(w16(hb, 0), 0x1022);
	assert_int_equal(w16(hb, 2), 0x1482);
	assert_int_equal(hb->cfg[0x0e], 0x80);	/* 00:01.1 is listed: multifunction */
	assert_int_equal(w16(hb, 6) & 0x10, 0);	/* Cap- and none listed */
	assert_int_equal(hb->cfg_len, 256);	/* conventional (no PCIe capability) */
	assert_int_equal(hb->kernel_group, 0);
	rp = dev(c, 0, 1, 1);
	assert_int_equal(rp->cfg[0x0e], 0x81);
	assert_int_equal(w16(rp, 0x5a), 0x0142);
	assert_int_equal(w32(rp, 0x58 + 0x24) & 0x20, 0x20);	/* ARIFwd+ three lines down */
	assert_int_equal(w16(rp, 0x58 + 0x28) & 0x20, 0x20);
	assert_int_equal(w16(rp, 0xc4), 0x1022);	/* bridge subsystem capability */
	assert_int_equal(w16(rp, 0xc6), 0x1453);
	/* the extended list starts at 0x100 (vendor-specific), then ACS at 0x2a0 */
	assert_int_equal(w32(rp, 0x100) >> 20, 0x2a0);
	assert_int_equal(w32(rp, 0x2a0), 0x0001000d);
	assert_int_equal(w16(rp, 0x2a4), 0x5f);	/* SV TB RR CR UF DT */
	assert_int_equal(w16(rp, 0x2a6), 0x1d);	/* SV RR CR UF */
	assert_int_equal(rp->kernel_group, 1);
	pf = dev(c, 1, 0, 0);
	assert_int_equal(w16(pf, 2), 0x1572);
	assert_int_equal(w32(pf, 8), 0x02000002);
	assert_int_equal(w16(pf, 0x2c), 0x8086);	/* subsystem 8086:0007 */
	assert_int_equal(w16(pf, 0x2e), 0x0007);
	assert_int_equal(w16(pf, 0x154), 0x0100);	/* ARI Next Function 1 */
	assert_int_equal(w16(pf, 0x168), 0x19);	/* VF Enable, MSE, ARI Hierarchy */
	assert_int_equal(w16(pf, 0x16c), 64);
	assert_int_equal(w16(pf, 0x16e), 64);
	assert_int_equal(w16(pf, 0x170), 2);
	assert_int_equal(w16(pf, 0x174), 16);
	assert_int_equal(w16(pf, 0x176), 1);
	assert_int_equal(w16(pf, 0x17a), 0x154c);
	assert_int_equal(pf->numa_node, 0);
	assert_string_equal(pf->driver, "i40e");
	pf1 = dev(c, 1, 0, 1);
	assert_int_equal(pf1->cfg[0x0e], 0x80);
	vf = dev(c, 1, 2, 1);
	assert_int_equal(vf->kernel_group, 5);
	assert_int_equal(vf->numa_node, PCILU_NO_NODE);
	assert_string_equal(vf->driver, "vfio-pci");
	/* The pci layer finds the VFs from the PF's SR-IOV state, as with hex. */
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_topology_build(&c->h, &t, &d), 0);
	int32_t i = pcilu_topology_find(t, 0, 1, 2 << 3 | 1), p = pcilu_topology_find(t, 0, 1, 0);

	assert_true(i >= 0 && p >= 0);
	assert_true(t->devs[i].is_virtfn);
	assert_int_equal(t->devs[i].physfn, p);
	assert_false(t->devs[i].multifunction);	/* pci_iov_add_virtfn() never sets it */
	assert_true(t->devs[pcilu_topology_find(t, 0, 0, 1 << 3)].multifunction);
	assert_int_equal(t->devs[pcilu_topology_find(t, 0, 0, 1 << 3 | 1)].pcie_type, 4);
	assert_true(t->devs[pcilu_topology_find(t, 0, 0, 1 << 3 | 1)].ari_fwd);
	pcilu_topology_free(t);
	pcilu_diag_free(&d);
}

/* pciutils 3.7 as a user: "<access denied>", 64 bytes, never "no capability". */
static void test_access_denied(void **state)
{
	struct ctx *c = *state;
	const struct pcilu_raw_dev *rp, *lpc;

	assert_int_equal(load_file(c, FIX "pciutils-3.7-nnvv-nonroot.txt"), 0);
	rp = dev(c, 0, 0x1c, 0);
	assert_int_equal(rp->cfg_len, 64);
	assert_int_equal(rp->cfg[0x0e], 0x01);
	assert_int_equal(rp->cfg[0x19], 0x02);
	assert_int_equal(rp->kernel_group, 7);
	assert_true(c->h.config_truncated);
	assert_true(has_msg(c, PCILU_WARN, "t:1: warning: capabilities of 1 device read '<access denied>'"));
	/* The LPC bridge's RCBA is assumed enabled (dword 0xf0 bit 0) and said. */
	lpc = dev(c, 0, 0x1f, 0);
	assert_int_equal(w32(lpc, 0xf0), 1);
	assert_int_equal(w16(lpc, 0x2c), 0x1019);
	assert_true(has_msg(c, PCILU_NOTE, "t:8: note: the Intel LPC bridge's RCBA"));
}

/* pciutils 3.6 -nnv: no versions, no ACS fields: extended capabilities unknown. */
static void test_format_36_v(void **state)
{
	struct ctx *c = *state;
	const struct pcilu_raw_dev *rp;

	assert_int_equal(load_file(c, FIX "pciutils-3.6-nnv.txt"), 0);
	rp = dev(c, 0, 0x1c, 4);
	assert_int_equal(rp->cfg_len, 256);	/* extended space unknown, not empty */
	assert_int_equal(rp->kernel_group, 9);	/* from the Flags line */
	assert_int_equal(w16(rp, 0x42) & 0xf0, 0x40);
	assert_true(has_msg(c, PCILU_WARN, "t:1: warning: 1 PCI Express device without"));
	/* a Sunrise Point port, but its ACS fields are not there: nothing assumed about them */
	assert_false(has_msg(c, PCILU_NOTE, "Sunrise"));
}

/* Sunrise/Union Point: the control dword at +8 is the quirk's, with groups or without. */
static void test_spt(void **state)
{
	struct ctx *c = *state;
	static const char spt[] =
		"00:1c.4 PCI bridge [0604]: Intel Corporation 200 Series PCH PCI Express Root Port #5 [8086:a294] (rev f0)\n"
		"\tBus: primary=00, secondary=03, subordinate=03, sec-latency=0\n"
		"\tCapabilities: [40] Express (v2) Root Port (Slot+), MSI 00\n"
		"\tCapabilities: [100 v1] Advanced Error Reporting\n"
		"\tCapabilities: [140 v1] Access Control Services\n"
		"\t\tACSCap:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-\n"
		"\t\tACSCtl:\tSrcValid- TransBlk- ReqRedir- CmpltRedir- UpstreamFwd- EgressCtrl- DirectTrans-\n"
		"%s";

	char buf[1024];

	snprintf(buf, sizeof(buf), spt, "\tIOMMU group: 3\n");
	assert_int_equal(load_text(c, buf, strlen(buf), false), 0);
	assert_int_equal(w32(dev(c, 0, 0x1c, 4), 0x148), 0x1d);
	assert_true(has_msg(c, PCILU_NOTE, "t:1: note: 1 Intel Sunrise/Union Point root port"));
	assert_true(has_msg(c, PCILU_NOTE, "pci_quirk_enable_intel_spt_pch_acs"));
	snprintf(buf, sizeof(buf), spt, "");
	assert_int_equal(load_text(c, buf, strlen(buf), false), 0);
	assert_int_equal(w32(dev(c, 0, 0x1c, 4), 0x148), 0);
	assert_true(has_msg(c, PCILU_NOTE, "assumed 0"));
}

/* Every problem names its line; the record is dropped, strict fails, lenient goes on. */
static void test_errors(void **state)
{
	struct ctx *c = *state;
	static const char bad[] =
		"00:01.0 PCI bridge [0604]: Intel Corporation X [8086:1901]\n"
		"\tBus: primary=00, secondary=01, subordinate=01, sec-latency=0\n"
		"\tCapabilities: [30] Power Management version 3\n"
		"\n"
		"00:02.0 VGA compatible controller [0300]: Intel Corporation Y [8086:3e92]\n"
		"\tIOMMU group: lots\n"
		"\n"
		"00:03.0 Audio device [0403]: Intel Corporation Z [8086:a2f0]\n"
		"\tCapabilities: [100 v1] Access Control Services\n"
		"\t\tACSCap:\tSrcValid+ TransBlk-\n"
		"\n"
		"00:20.0 Audio device [0403]: Intel Corporation Z [8086:a2f0]\n"
		"\n"
		"00:04.0 Audio device [0403]: Intel Corporation Z [8086:a2f0]\n"
		"\tCapabilities: [50] MSI: Enable+\n"
		"\tCapabilities: [50] MSI: Enable+\n"
		"\n"
		"00:1f.3 Audio device [0403]: Intel Corporation Z [8086:a2f0]\n"
		"\tIOMMU group: 4\n";

	assert_int_equal(load_text(c, bad, sizeof(bad) - 1, false), -EINVAL);
	assert_true(has_msg(c, PCILU_ERROR, "t:3: error: 0000:00:01.0: capability offset 0x30 is outside"));
	assert_true(has_msg(c, PCILU_ERROR, "t:6: error: 0000:00:02.0: IOMMU group 'lots'"));
	assert_true(has_msg(c, PCILU_ERROR, "t:10: error: 0000:00:03.0: ACSCap line without its seven flags"));
	assert_true(has_msg(c, PCILU_ERROR, "t:12: error: 0000:00:00.0: malformed device address '00:20.0'"));
	assert_true(has_msg(c, PCILU_ERROR, "t:16: error: 0000:00:04.0: capability offset 0x50 listed twice (first at line 15)"));
	assert_int_equal(load_text(c, bad, sizeof(bad) - 1, true), 0);
	assert_int_equal(c->h.count, 1);
	assert_int_equal(dev(c, 0, 0x1f, 3)->kernel_group, 4);
	assert_int_equal(dev(c, 0, 0x1f, 3)->line, 18);
}

/* Sniffing: headers and decode lines without hex rows; a -xxx dump is not text. */
static void test_sniff(void **state)
{
	(void)state;
	static const char hex[] = "00:00.0 Host bridge: Intel\n\tIOMMU group: 0\n00: 86 80 c4 3e\n";
	static const char text[] = "$ lspci -vv\r\n00:00.0 Host bridge: Intel\r\n\tIOMMU group: 0\r\n";
	static const char prose[] = "nothing here: at all\n";

	assert_false(pcilu_lspci_is_text(hex, sizeof(hex) - 1));
	assert_true(pcilu_lspci_is_text(text, sizeof(text) - 1));
	assert_false(pcilu_lspci_is_text(prose, sizeof(prose) - 1));
}

/* Pastes: spaces for tabs, CRLF, trailing blanks, a header wrapped to column 0. */
static void test_paste(void **state)
{
	struct ctx *c = *state;
	static const char paste[] =
		"user@host:~$ sudo lspci -nnvv\r\n"
		"01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GA104 [GeForce RTX 3070] [10de:2484] (rev a1) \r\n"
		"        Status: Cap+ 66MHz- UDF- FastB2B- ParErr- DEVSEL=fast\r\n"
		"        IOMMU group: 12\r\n"
		"        Capabilities: [60] Express (v2) Legacy Endpoint, MSI 00\r\n"
		"                DevCtl2: Completion Timeout: 50us to 50ms, TimeoutDis- ARIFwd+\r\n"
		"        Kernel driver in use: vfio-pci\r\n";
	const struct pcilu_raw_dev *g;

	assert_int_equal(load_text(c, paste, sizeof(paste) - 1, false), 0);
	g = dev(c, 1, 0, 0);
	assert_int_equal(w16(g, 2), 0x2484);	/* the last [hhhh:hhhh], not the name's brackets */
	assert_int_equal(g->cfg[8], 0xa1);
	assert_int_equal(g->kernel_group, 12);
	assert_int_equal(w16(g, 0x62), 0x0012);	/* legacy endpoint, v2 */
	assert_int_equal(w16(g, 0x60 + 0x28), 0x20);
	assert_string_equal(g->driver, "vfio-pci");
}

/*
 * A wiki's code block turns each tab into 4 spaces: capability fields sit 8
 * deep, which is one level in an 8-space paste. The level width comes from
 * the record's first field line, so ACS and DevCtl2 are still read as fields
 * of their capability (reading them as device fields lost ACS: issue 23).
 */
static void test_paste_narrow(void **state)
{
	struct ctx *c = *state;
	static const char paste[] =
		"00:02.1 0604: 1022:14ba (prog-if 00 [Normal decode])\n"
		"    Status: Cap+ 66MHz- UDF- FastB2B- ParErr- DEVSEL=fast\n"
		"    IOMMU group: 3\n"
		"    Bus: primary=00, secondary=04, subordinate=04, sec-latency=0\n"
		"    Capabilities: [58] Express (v2) Root Port (Slot+), MSI 00\n"
		"        DevCap2: Completion Timeout: Range ABCD, TimeoutDis+ NROPrPrP- LTR+\n"
		"             FRS- LN System CLS Not Supported, TPHComp+ ExtTPHComp- ARIFwd+\n"
		"        DevCtl2: Completion Timeout: 65ms to 210ms, TimeoutDis- LTR+ OBFF Disabled, ARIFwd-\n"
		"    Capabilities: [2a0 v1] Access Control Services\n"
		"        ACSCap: SrcValid+ TransBlk+ ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans+\n"
		"        ACSCtl: SrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd+ EgressCtrl- DirectTrans-\n"
		"    Kernel driver in use: pcieport\n"
		"\n"
		"04:00.0 0280: 14c3:7922\n"
		"  IOMMU group: 9\n"
		"  Capabilities: [80] Express (v2) Endpoint, MSI 00\n"
		"    DevCtl2: Completion Timeout: 50us to 50ms, TimeoutDis- ARIFwd+\n";
	const struct pcilu_raw_dev *g;

	assert_int_equal(load_text(c, paste, sizeof(paste) - 1, false), 0);
	g = dev(c, 0, 2, 1);
	assert_int_equal(g->kernel_group, 3);
	assert_int_equal(w16(g, 0x2a0 + 4), 0x5f);	/* ACSCap: SV TB RR CR UF DT */
	assert_int_equal(w16(g, 0x2a0 + 6), 0x1d);	/* ACSCtl: SV RR CR UF */
	assert_int_equal(w32(g, 0x58 + 0x24) & 0x20, 0x20);	/* DevCap2 ARIFwd+ on its continuation */
	assert_string_equal(g->driver, "pcieport");
	g = dev(c, 4, 0, 0);
	assert_int_equal(g->kernel_group, 9);
	assert_int_equal(w16(g, 0x80 + 0x28), 0x20);	/* 2-space paste: DevCtl2 ARIFwd+ */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format_35, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format_313, setup, teardown),
		cmocka_unit_test_setup_teardown(test_access_denied, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format_36_v, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sniff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paste, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paste_narrow, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
