// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the lspci dump loader: every grammar rule, every malformed case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcilu/source.h>

#define ROW0 "00: 86 80 10 3a 07 04 10 00 02 00 04 06 10 00 81 00\n"
#define ROW1 "10: 00 00 00 00 00 00 00 00 00 01 01 00 f0 00 00 00\n"
#define ROW2 "20: 00 00 00 00 00 00 00 00 00 00 00 00 86 80 12 34\n"
#define ROW3 "30: 00 00 00 00 40 00 00 00 00 00 00 00 0b 01 00 00\n"
#define X64 ROW0 ROW1 ROW2 ROW3
#define ZROW_CR(off) off ": 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\r\n"
#define ZROW(o) o ": 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n"
/* Rows 0x40-0xf0: a -xxx dump has no gaps, so fixtures have none either. */
#define ZROWS_40_F0 ZROW("40") ZROW("50") ZROW("60") ZROW("70") ZROW("80") ZROW("90") \
	ZROW("a0") ZROW("b0") ZROW("c0") ZROW("d0") ZROW("e0") ZROW("f0")

struct ctx {
	struct pcilu_raw_host h;
	struct pcilu_diag d;
	int ret;
};

static int load_opt(struct ctx *c, const char *text, bool lenient)
{
	struct pcilu_source_opts o = { .lenient = lenient };

	pcilu_diag_free(&c->d);
	pcilu_raw_host_free(&c->h);
	pcilu_diag_init(&c->d);
	c->ret = pcilu_load_lspci("t", text, strlen(text), &o, &c->h, &c->d);
	return c->ret;
}

static int load(struct ctx *c, const char *text)
{
	return load_opt(c, text, false);
}

/* The first message of @sev, formatted ("t:12: error: ..."), or "". */
static const char *msg(struct ctx *c, enum pcilu_severity sev, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < c->d.count; i++) {
		if (c->d.msgs[i].sev == sev) {
			pcilu_diag_format(&c->d.msgs[i], buf, len);
			break;
		}
	}
	return buf;
}

static void expect_error(struct ctx *c, const char *text, const char *where, const char *what,
			 size_t kept)
{
	char buf[512];

	assert_int_equal(load(c, text), -EINVAL);
	msg(c, PCILU_ERROR, buf, sizeof(buf));
	if (strncmp(buf, where, strlen(where)) || !strstr(buf, what))
		fail_msg("got '%s', want '%s...%s'", buf, where, what);
	if (c->h.count != kept)
		fail_msg("kept %zu devices, want %zu (%s)", c->h.count, kept, text);
	/* Lenient: same message, the rest loads. */
	assert_int_equal(load_opt(c, text, true), 0);
	assert_int_equal(c->h.count, kept);
	assert_true(c->d.errors >= 1);
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

static void test_x64(void **state)
{
	struct ctx *c = *state;
	char buf[512];

	assert_int_equal(load(c, "00:1c.0 PCI bridge: Intel Corporation Device 3a10\n" X64), 0);
	assert_int_equal(c->h.count, 1);
	const struct pcilu_raw_dev *r = &c->h.devs[0];

	assert_int_equal(c->h.kind, PCILU_SRC_LSPCI);
	assert_int_equal(r->seg, 0);
	assert_int_equal(r->bus, 0);
	assert_int_equal(r->devfn, 0x1c << 3);
	assert_int_equal(r->cfg_len, 64);
	assert_int_equal(r->cfg[0], 0x86);
	assert_int_equal(r->cfg[3], 0x3a);
	assert_int_equal(r->cfg[0x3d], 0x01);
	assert_int_equal(r->line, 1);
	assert_int_equal(r->kernel_group, PCILU_NO_GROUP);
	assert_int_equal(r->numa_node, PCILU_NO_NODE);
	assert_null(r->driver);
	assert_false(r->physfn_known);
	/* -x dumps are truncated: said once, never turned into "no capabilities". */
	assert_true(c->h.config_truncated);
	assert_non_null(strstr(msg(c, PCILU_WARN, buf, sizeof(buf)), "fewer than 256 bytes"));
	assert_int_equal(c->d.errors, 0);
}

static void test_sizes(void **state)
{
	struct ctx *c = *state;

	/* -xxx: 256 bytes. */
	assert_int_equal(load(c, "00:00.0 Host\n" X64 ZROWS_40_F0), 0);
	assert_int_equal(c->h.devs[0].cfg_len, 256);
	assert_int_equal(c->h.devs[0].cfg[0x40], 0x00);
	assert_false(c->h.config_truncated);
	/* Rows after the last one are unwritten: ~0 like libpci. */
	assert_int_equal(load(c, "00:00.0 Host\n" X64 ZROW("40") ZROW("80")), -EINVAL);
	assert_int_equal(load(c, "00:00.0 Host\n" X64 ZROW("40") ZROW("50") ZROW("60") ZROW("70") ZROW("80")), 0);
	assert_int_equal(c->h.devs[0].cfg[0x80], 0x00);
	assert_int_equal(c->h.devs[0].cfg[0x90], 0xff);
	/* -xxxx: 4096 bytes; rows may come in any order, but none may be missing. */
	char *big = malloc(64 * 1024);

	assert_non_null(big);
	strcpy(big, "00:00.0 Host\n" X64 ZROWS_40_F0);
	for (unsigned o = 0x100; o < 0x1000; o += 0x10) {
		if (o == 0x110)
			continue;	/* written last: order does not matter */
		sprintf(big + strlen(big), o == 0x100 ? "%x: 00\n" : ZROW("%x"), o);
	}
	strcat(big, ZROW("110"));
	assert_int_equal(load(c, big), -EINVAL);	/* row 0x100 has 1 byte, not last */
	assert_non_null(strstr(c->d.msgs[0].text, "0x100 has only 1 bytes but is not the last row"));
	*strstr(big, "100: 00\n") = '\0';
	strcat(big, ZROW("100"));
	for (unsigned o = 0x120; o < 0x1000; o += 0x10)
		sprintf(big + strlen(big), ZROW("%x"), o);
	strcat(big, ZROW("110"));
	assert_int_equal(load(c, big), 0);
	assert_int_equal(c->h.devs[0].cfg_len, 4096);
	assert_int_equal(c->h.devs[0].cfg[0x100], 0);
	assert_int_equal(c->h.devs[0].cfg[0x110], 0);
	assert_int_equal(c->h.devs[0].cfg[0xfff], 0);
	free(big);
	/* A gap before the last row would be ff bytes the device never showed. */
	expect_error(c, "00:00.0 Host\n" X64 ZROW("100") ZROW("ff0") "\n00:02.0 B\n" X64,
		     "t:6: error: 0000:00:00.0: hex rows missing: a gap from offset 0x40 to 0xff",
		     "before this row at offset 0x100", 1);
	expect_error(c, "00:00.0 A\n" ROW0 ROW2 ROW3 "\n00:02.0 B\n" X64,
		     "t:3: error: 0000:00:00.0: hex rows missing: a gap from offset 0x10 to 0x1f",
		     "(record at line 1) cannot be read (--lenient leaves it out)", 1);
	/* A row given twice: which one is the device's? */
	expect_error(c, "00:00.0 A\n" X64 ROW1 "\n00:02.0 B\n" X64,
		     "t:6: error: 0000:00:00.0: duplicate hex row offset 0x10 (first at line 3)",
		     "cannot be read (--lenient leaves it out)", 1);
	/* ... reported once per record, however many copies follow. */
	assert_int_equal(load(c, "00:00.0 A\n" ROW0 ROW0 ROW0 ROW0 "\n00:02.0 B\n" X64), -EINVAL);
	assert_int_equal(c->d.errors, 1);
	assert_int_equal(c->d.msgs[0].line, 3);
	/* A short last row still counts its bytes. */
	assert_int_equal(load(c, "00:00.0 Host\n" X64 ZROWS_40_F0 "100: 01 02\n"), 0);
	assert_int_equal(c->h.devs[0].cfg_len, 4096);
	assert_int_equal(c->h.devs[0].cfg[0x101], 2);
	/* CardBus -x prints 128 bytes. */
	assert_int_equal(load(c, "00:00.0 CardBus\n" X64 ZROW("40") ZROW("50") ZROW("60") ZROW("70")), 0);
	assert_int_equal(c->h.devs[0].cfg_len, 128);
	assert_true(c->h.config_truncated);
	/* Second and later devices do not see the first one's bytes. */
	assert_int_equal(load(c, "00:00.0 A\n" X64 ZROWS_40_F0 ZROW("100") "\n00:01.0 B\n" X64), 0);
	assert_int_equal(c->h.count, 2);
	assert_int_equal(c->h.devs[1].cfg_len, 64);
	/* A record short of the 64-byte header is refused, not padded with ff (issue 16). */
	expect_error(c, "00:00.0 A\n" ROW0 ROW1 "\n00:02.0 B\n" X64, "t:1: error:",
		     "only 32 bytes of config space in the record: the 64-byte header is required", 1);
}

static void test_domains(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(load(c, "0000:00:00.0 A\n" X64 "\n"
				 "0001:02:03.4 B\n" X64 "\n"
				 "10000:e1:1f.7 VMD\n" X64 "\n"
				 "abcdef:ff:00.1 C\n" X64 "\n"), 0);
	assert_int_equal(c->h.count, 4);
	assert_int_equal(c->h.devs[1].seg, 1);
	assert_int_equal(c->h.devs[1].bus, 2);
	assert_int_equal(c->h.devs[1].devfn, 3 << 3 | 4);
	assert_int_equal(c->h.devs[2].seg, 0x10000);
	assert_int_equal(c->h.devs[2].bus, 0xe1);
	assert_int_equal(c->h.devs[2].devfn, 0x1f << 3 | 7);
	assert_int_equal(c->h.devs[3].seg, 0xabcdef);
	/* 3 or 7 domain digits are not headers: the rows after them are strays. */
	expect_error(c, "000:00:00.0 A\n" ROW0 "\n00:01.0 B\n" X64, "t:2: error:",
		     "outside a device", 1);
	expect_error(c, "1234567:00:00.0 A\n" ROW0 "\n00:01.0 B\n" X64, "t:2: error:",
		     "outside a device", 1);
}

static void test_vvv(void **state)
{
	struct ctx *c = *state;
	static const char text[] =
		"00:1c.0 PCI bridge [0604]: Intel Corporation Device [8086:a294] (rev f0) (prog-if 00 [Normal decode])\n"
		"\tSubsystem: Device [1019:a294]\n"
		"\tControl: I/O+ Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx-\n"
		"\tLatency: 0, Cache Line Size: 64 bytes\n"
		"\tInterrupt: pin A routed to IRQ 122\n"
		"\tNUMA node: 1\n"
		"\tIOMMU group: 5\n"
		"\tBus: primary=00, secondary=02, subordinate=02, sec-latency=0\n"
		"\tCapabilities: [40] Express (v2) Root Port (Slot+), MSI 00\n"
		"\t\tDevCap:\tMaxPayload 256 bytes, PhantFunc 0\n"
		"\tCapabilities: [140 v1] Access Control Services\n"
		"\t\tACSCap:\tSrcValid+ TransBlk- ReqRedir+ CmpltRedir+ UpstreamFwd- EgressCtrl- DirectTrans-\n"
		"\tKernel driver in use: pcieport\n"
		"\tKernel modules: shpchp\n"
		X64 ZROWS_40_F0
		"\n"
		"00:1f.3 Audio device: Intel Corporation Device a348\n"
		"\tFlags: bus master, fast devsel, latency 32, IRQ 137, NUMA node 0, IOMMU group 7\n"
		X64
		"\n";

	assert_int_equal(load(c, text), 0);
	assert_int_equal(c->h.count, 2);
	assert_int_equal(c->h.devs[0].kernel_group, 5);
	assert_int_equal(c->h.devs[0].numa_node, 1);
	assert_string_equal(c->h.devs[0].driver, "pcieport");
	assert_int_equal(c->h.devs[0].cfg_len, 256);
	assert_int_equal(c->h.devs[1].kernel_group, 7);
	assert_null(c->h.devs[1].driver);
	assert_true(c->h.has_kernel_groups);
	assert_int_equal(c->d.errors, 0);
	/* A group number we cannot read is an error, not "no group". */
	expect_error(c, "00:00.0 A\n\tIOMMU group: 99999999999999999999\n" X64 "\n00:02.0 B\n" X64,
		     "t:2: error: 0000:00:00.0: IOMMU group '99999999999999999999' is not a group number",
		     "cannot be read (--lenient leaves it out)", 1);
	expect_error(c, "00:00.0 A\n\tIOMMU group: -3\n" X64 "\n00:02.0 B\n" X64,
		     "t:2: error:", "IOMMU group '-3' is not", 1);
	expect_error(c, "00:00.0 A\n\tIOMMU group: \n" X64 "\n00:02.0 B\n" X64,
		     "t:2: error:", "IOMMU group '' is not", 1);
	expect_error(c, "00:00.0 A\n\tFlags: fast devsel, IOMMU group 7x, NUMA node 0\n" X64
		     "\n00:02.0 B\n" X64, "t:2: error:", "IOMMU group '7x' is not", 1);
	assert_false(c->h.has_kernel_groups);
	assert_int_equal(load(c, "00:00.0 A\n\tFlags: fast devsel, IOMMU group 12, NUMA node 0\n" X64), 0);
	assert_int_equal(c->h.devs[0].kernel_group, 12);
	/* Without group lines the host has no kernel groups. */
	assert_int_equal(load(c, "00:00.0 A\n\tNUMA node: -1\n" X64), 0);
	assert_false(c->h.has_kernel_groups);
	assert_int_equal(c->h.devs[0].numa_node, PCILU_NO_NODE);
	for (size_t i = 0; i < c->d.count; i++)
		assert_null(strstr(c->d.msgs[i].text, "NUMA"));
	/* No kernel writes these: the node is dropped, with a warning at the line. */
	static const char *const bad_nodes[] = { "-2", "x", "", "1.5", "99999999999" };

	for (size_t i = 0; i < sizeof(bad_nodes) / sizeof(bad_nodes[0]); i++) {
		char dump[256], buf[256];

		snprintf(dump, sizeof(dump), "00:00.0 A\n\tNUMA node: %s\n" X64, bad_nodes[i]);
		assert_int_equal(load(c, dump), 0);
		assert_int_equal(c->h.devs[0].numa_node, PCILU_NO_NODE);
		msg(c, PCILU_WARN, buf, sizeof(buf));
		assert_non_null(strstr(buf, "t:2: warning: NUMA node '"));
		assert_non_null(strstr(buf, "' is not a node number; taken as unknown"));
	}
}

static void test_records(void **state)
{
	struct ctx *c = *state;

	/* A header ends the previous record even without a blank line; several blanks are fine. */
	assert_int_equal(load(c, "\n\n00:00.0 A\n" X64 "00:01.0 B\n" X64 "\n\n\n00:02.0 C\n" X64), 0);
	assert_int_equal(c->h.count, 3);
	assert_int_equal(c->h.devs[1].devfn, 1 << 3);
	assert_int_equal(c->h.devs[2].line, 16);
	/* Column-0 lines that are neither headers nor rows are ignored. */
	assert_int_equal(load(c, "pcilib: warning\n00:00.0 A\nsome text\n" X64 "zz: 00\n"), 0);
	assert_int_equal(c->h.count, 1);
	/* Header at the end of the line, trailing space on a row, no final newline. */
	assert_int_equal(load(c, "00:00.0\n00: 86 80 00 00 00 00 00 00 00 00 00 00 00 00 00 00 \n" ROW1 ROW2
				 "30: 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), 0);
	assert_int_equal(c->h.devs[0].cfg[1], 0x80);
	assert_int_equal(c->h.devs[0].cfg[0x30], 0x01);
	/* Upper-case hex is accepted as lspci's sscanf does. */
	assert_int_equal(load(c, "00:1F.0 A\n00: AB CD 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n" ROW1 ROW2 ROW3),
			 0);
	assert_int_equal(c->h.devs[0].devfn, 0x1f << 3);
	assert_int_equal(c->h.devs[0].cfg[0], 0xab);
}

static void test_crlf(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(load(c, "00:00.0 A\r\n\tIOMMU group: 3\r\n\tKernel driver in use: xhci_hcd\r\n"
				 "00: 86 80 10 3a 00 00 00 00 00 00 00 00 00 00 00 00\r\n" ZROW_CR("10") ZROW_CR("20")
				 ZROW_CR("30") "\r\n00:01.0 B\r\n00: 01 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00\r\n"
				 ZROW_CR("10") ZROW_CR("20") ZROW_CR("30")), 0);
	assert_int_equal(c->h.count, 2);
	assert_int_equal(c->h.devs[0].kernel_group, 3);
	assert_string_equal(c->h.devs[0].driver, "xhci_hcd");
	assert_int_equal(c->h.devs[0].cfg[3], 0x3a);
	assert_int_equal(c->h.devs[1].cfg[1], 0x02);
}

static void test_paths(void **state)
{
	struct ctx *c = *state;
	char buf[512];

	assert_int_equal(load(c, "00:1c.3/08:00.0 Net\n" X64 "\n"
				 "0002:00:03.0/02:00.0/03:00.0 Bridge\n" X64 "\n"), 0);
	assert_int_equal(c->h.count, 2);
	assert_int_equal(c->h.devs[0].bus, 8);
	assert_int_equal(c->h.devs[0].devfn, 0);
	assert_int_equal(c->h.devs[0].seg, 0);
	assert_int_equal(c->h.devs[1].seg, 2);
	assert_int_equal(c->h.devs[1].bus, 3);
	assert_non_null(strstr(msg(c, PCILU_NOTE, buf, sizeof(buf)), "-P/-PP"));
	/* A broken path is not a header. */
	expect_error(c, "00:1c.3/zz A\n" ROW0 "\n00:01.0 B\n" X64, "t:2: error:",
		     "outside a device", 1);
}

static void test_malformed(void **state)
{
	struct ctx *c = *state;
	const char *good = "\n00:02.0 Good\n" X64;

	expect_error(c, "00:00.0 A\n" ROW0 "10: 00 0g 00\n\n00:02.0 B\n" X64,
		     "t:3: error: 0000:00:00.0: malformed hex row", "two hex digits at column 8", 1);
	expect_error(c, "00:00.0 A\n00: 00  00\n\n00:02.0 B\n" X64, "t:2: error:",
		     "expected two hex digits", 1);
	expect_error(c, "00:00.0 A\n00:00 00\n\n00:02.0 B\n" X64, "t:2: error:",
		     "neither a device header nor a hex row", 1);
	expect_error(c, "00:00.0 A\n00: 0000\n\n00:02.0 B\n" X64, "t:2: error:",
		     "expected a space at column 7", 1);
	expect_error(c, "00:00.0 A\n00:\t00\n\n00:02.0 B\n" X64, "t:2: error:", "", 1);
	expect_error(c, "00:00.0 A\n" ROW0 "1000: 00\n\n00:02.0 B\n" X64, "t:3: error:",
		     "offset 0x1000 is beyond", 1);
	expect_error(c, "00:00.0 A\n" ROW0 "18: 00\n\n00:02.0 B\n" X64, "t:3: error:",
		     "0x18 is not a multiple of 16", 1);
	expect_error(c, "00:00.0 A\n00: 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10\n"
		     "\n00:02.0 B\n" X64, "t:2: error:", "more than 16 bytes", 1);
	expect_error(c, "00:00.0 A\n" X64 "\n" ROW1 "\n00:02.0 B\n" X64, "t:7: error:",
		     "outside a device", 2);
	expect_error(c, ROW0 "00:02.0 B\n" X64, "t:1: error:", "outside a device", 1);
	expect_error(c, "00:20.0 A\n" ROW0 "\n00:02.0 B\n" X64, "t:1: error:",
		     "malformed device address '00:20.0'", 1);
	/* Named as written, not wrapped into the valid 0000:00:00.0. */
	expect_error(c, "00:20.0 A\n" ROW0 "\n00:02.0 B\n" X64, "t:1: error: 0000:00:20.0: ",
		     "(record at line 1) cannot be read (--lenient leaves it out)", 1);
	expect_error(c, "00:1f.8 A\n" ROW0 "\n00:02.0 B\n" X64, "t:1: error:",
		     "malformed device address", 1);
	expect_error(c, "0001:00:1f.8 A\n" ROW0 "10: zz\n\n00:02.0 B\n" X64,
		     "t:1: error: 0001:00:1f.8: malformed device address '0001:00:1f.8'", "", 1);
	assert_string_equal(c->d.msgs[1].text, "0001:00:1f.8: malformed hex row at offset 0x10: "
			    "expected two hex digits at column 5");
	expect_error(c, "00:00.0 A\n\tfoo\n\n00:02.0 B\n" X64, "t:1: error:", "no hex rows", 1);
	expect_error(c, "00:00.0 A\n0: 00\n\n00:02.0 B\n" X64, "t:2: error:", "2 to 8 hex digits", 1);

	/* One bad row drops the whole record, and the next record still loads. */
	char text[512];

	snprintf(text, sizeof(text), "00:00.0 A\n%s%s10: zz\n%s", ROW0, "\tIOMMU group: 1\n", good);
	expect_error(c, text, "t:4: error:", "the device (record at line 1) cannot be read (--lenient leaves it out)", 1);
	assert_int_equal(c->h.devs[0].devfn, 2 << 3);
	assert_false(c->h.has_kernel_groups);

	/* Every bad line is listed, the record is counted once. */
	assert_int_equal(load(c, "00:00.0 A\n10: zz\n20: zz\n"), -EINVAL);
	assert_int_equal(c->d.errors, 3);	/* two rows + "no devices found" */
	assert_int_equal(c->d.msgs[1].line, 3);
}

static void test_no_devices(void **state)
{
	struct ctx *c = *state;
	char buf[512];

	assert_int_equal(load(c, ""), -EINVAL);
	assert_string_equal(msg(c, PCILU_ERROR, buf, sizeof(buf)), "t: error: no devices found");
	assert_int_equal(load_opt(c, "just text\n\tdecode\n", true), -EINVAL);
	assert_non_null(strstr(msg(c, PCILU_ERROR, buf, sizeof(buf)), "no devices found"));
	/* Lenient never turns "nothing usable" into success. */
	assert_int_equal(load_opt(c, "00:00.0 A\n00: zz\n", true), -EINVAL);
}

/* NUL bytes and binary junk are ordinary bytes to the parser: no crash. */
static void test_junk(void **state)
{
	struct ctx *c = *state;
	char text[300];

	for (size_t i = 0; i < sizeof(text); i++)
		text[i] = (char)(i * 37 + 11);
	pcilu_diag_free(&c->d);
	pcilu_raw_host_free(&c->h);
	c->ret = pcilu_load_lspci("t", text, sizeof(text), NULL, &c->h, &c->d);
	assert_true(c->ret == 0 || c->ret == -EINVAL);
	static const char nul[] = "00:00.0 A\n00: 01\0 02\n";

	pcilu_raw_host_free(&c->h);
	c->ret = pcilu_load_lspci("t", nul, sizeof(nul) - 1, NULL, &c->h, &c->d);
	assert_int_equal(c->ret, -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_x64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sizes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vvv, setup, teardown),
		cmocka_unit_test_setup_teardown(test_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_junk, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
