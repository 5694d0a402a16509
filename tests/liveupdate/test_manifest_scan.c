// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The manifest reader's single pass (src/handover/manifest_scan.c) on blobs
 * built tag by tag here: each case breaks one thing (a bound, a tag, the
 * nesting, a name in the strings block) and must be refused with its own
 * message at the offset of the tag that broke it, and nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../../src/handover/handover_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A blob under construction: the structure and strings blocks apart, joined by fb_finish(). */
struct fb {
	uint8_t st[8192];
	size_t nst;
	char str[2048];
	size_t nstr;
	uint8_t out[16384];
	size_t len;
};

static void fb_u32(struct fb *b, uint32_t v)
{
	assert_true(b->nst + 4 <= sizeof(b->st));
	pcilu_put_be32(b->st + b->nst, v);
	b->nst += 4;
}

static void fb_bytes(struct fb *b, const void *p, size_t n)
{
	assert_true(b->nst + n + 3 <= sizeof(b->st));
	memcpy(b->st + b->nst, p, n);
	b->nst += n;
	while (b->nst % 4)
		b->st[b->nst++] = 0;
}

static void fb_begin(struct fb *b, const char *name)
{
	fb_u32(b, PCILU_FDT_BEGIN_NODE);
	fb_bytes(b, name, strlen(name) + 1);
}

static void fb_end(struct fb *b)
{
	fb_u32(b, PCILU_FDT_END_NODE);
}

static uint32_t fb_name(struct fb *b, const char *name)
{
	uint32_t off = (uint32_t)b->nstr;

	assert_true(b->nstr + strlen(name) + 1 <= sizeof(b->str));
	memcpy(b->str + b->nstr, name, strlen(name) + 1);
	b->nstr += strlen(name) + 1;
	return off;
}

static void fb_prop_at(struct fb *b, uint32_t nameoff, const void *v, uint32_t len)
{
	fb_u32(b, PCILU_FDT_PROP);
	fb_u32(b, len);
	fb_u32(b, nameoff);
	fb_bytes(b, v, len);
}

static void fb_prop(struct fb *b, const char *name, const void *v, uint32_t len)
{
	fb_prop_at(b, fb_name(b, name), v, len);
}

static void fb_u32prop(struct fb *b, const char *name, uint32_t v)
{
	uint8_t c[4];

	pcilu_put_be32(c, v);
	fb_prop(b, name, c, 4);
}

static void fb_str(struct fb *b, const char *name, const char *s)
{
	fb_prop(b, name, s, (uint32_t)strlen(s) + 1);
}

/* Header (version 17), an empty reservation map, structure block, strings block. */
static void fb_finish(struct fb *b)
{
	uint32_t st = PCILU_FDT_HDR_SIZE + 16, str = st + (uint32_t)b->nst;

	b->len = str + b->nstr;
	assert_true(b->len <= sizeof(b->out));
	memset(b->out, 0, PCILU_FDT_HDR_SIZE + 16);
	pcilu_put_be32(b->out + PCILU_FDTH_MAGIC, PCILU_FDT_MAGIC);
	pcilu_put_be32(b->out + PCILU_FDTH_TOTALSIZE, (uint32_t)b->len);
	pcilu_put_be32(b->out + PCILU_FDTH_OFF_STRUCT, st);
	pcilu_put_be32(b->out + PCILU_FDTH_OFF_STRINGS, str);
	pcilu_put_be32(b->out + PCILU_FDTH_OFF_RSVMAP, PCILU_FDT_HDR_SIZE);
	pcilu_put_be32(b->out + PCILU_FDTH_VERSION, 17);
	pcilu_put_be32(b->out + PCILU_FDTH_LAST_COMP, 16);
	pcilu_put_be32(b->out + PCILU_FDTH_SIZE_STRINGS, (uint32_t)b->nstr);
	pcilu_put_be32(b->out + PCILU_FDTH_SIZE_STRUCT, (uint32_t)b->nst);
	memcpy(b->out + st, b->st, b->nst);
	memcpy(b->out + str, b->str, b->nstr);
}

/* Offset in the finished blob of the structure block's byte @off. */
static long at(size_t off)
{
	return (long)(PCILU_FDT_HDR_SIZE + 16 + off);
}

static void root_open(struct fb *b)
{
	fb_begin(b, "");
	fb_str(b, "compatible", PCILU_MANIFEST_COMPATIBLE);
	fb_str(b, "pcilu-version", "0.2.0");
	fb_str(b, "rule-profile", "v4");
	fb_u32prop(b, "forced", 0);
}

static void host(struct fb *b)
{
	static const uint8_t t[8] = { 0, 0, 0, 0, 0x65, 0, 0, 0 };

	fb_begin(b, "host");
	fb_prop(b, "time", t, sizeof(t));
	fb_end(b);
}

/* The properties of endpoint 0000:01:00.0, alone in its group. */
static void endpoint_props(struct fb *b)
{
	static const uint8_t self[8] = { 0, 0, 0, 0, 0, 0, 0x01, 0x00 };

	fb_u32prop(b, "segment", 0);
	fb_u32prop(b, "bus", 1);
	fb_u32prop(b, "devfn", 0);
	fb_u32prop(b, "vendor-id", 0x144d);
	fb_u32prop(b, "device-id", 0xa808);
	fb_u32prop(b, "subsystem-vendor-id", 0x144d);
	fb_u32prop(b, "subsystem-id", 0xa801);
	fb_u32prop(b, "class-code", 0x010802);
	fb_u32prop(b, "revision-id", 0);
	fb_str(b, "role", "endpoint");
	fb_u32prop(b, "refcount", 1);
	fb_u32prop(b, "ari-forwarding", 0);
	fb_prop(b, "iommu-group", self, sizeof(self));
}

/* /devices with the endpoint, left open after its properties. */
static void devices_open(struct fb *b)
{
	fb_begin(b, "devices");
	fb_begin(b, "pci-0000-01-00.0");
	endpoint_props(b);
}

static void good(struct fb *b)
{
	root_open(b);
	host(b);
	devices_open(b);
	fb_end(b);
	fb_end(b);
	fb_end(b);
	fb_u32(b, PCILU_FDT_END);
}

/* Decode @b: 0, or the error said in exactly one message containing @want, at @off (-1: none). */
static int decode(struct fb *b, const char *want, long off)
{
	struct pcilu_manifest m;
	struct pcilu_diag d;
	int ret;

	fb_finish(b);
	pcilu_diag_init(&d);
	ret = pcilu_manifest_decode(b->out, b->len, "t.dtb", &m, &d);
	if (want) {
		assert_int_equal(ret, -EINVAL);
		assert_int_equal(d.errors, 1);
		for (size_t i = 0; i < d.count; i++) {
			if (d.msgs[i].sev != PCILU_ERROR)
				continue;
			if (!strstr(d.msgs[i].text, want))
				fail_msg("got \"%s\", expected \"%s\"", d.msgs[i].text, want);
			assert_int_equal(d.msgs[i].offset, off);
		}
	} else {
		if (ret)
			fail_msg("refused: %s", d.count ? d.msgs[d.count - 1].text : "?");
		assert_int_equal(m.count, 1);
		assert_int_equal(m.nodes[0].addr.bdf, 0x0100);
		assert_int_equal(m.host.time, 0x65000000ull);
		pcilu_manifest_free(&m);
	}
	pcilu_diag_free(&d);
	return ret;
}

static void test_good(void **state)
{
	struct fb b = { .nst = 0 };

	(void)state;
	good(&b);
	decode(&b, NULL, -1);
}

/* NOPs may sit between any two tags inside the tree: skipped, as libfdt does. */
static void test_nops(void **state)
{
	struct fb b = { .nst = 0 };

	(void)state;
	root_open(&b);
	fb_u32(&b, PCILU_FDT_NOP);
	host(&b);
	fb_begin(&b, "devices");
	fb_u32(&b, PCILU_FDT_NOP);
	fb_begin(&b, "pci-0000-01-00.0");
	fb_u32(&b, PCILU_FDT_NOP);
	endpoint_props(&b);
	fb_u32(&b, PCILU_FDT_NOP);
	fb_end(&b);
	fb_end(&b);
	fb_end(&b);
	fb_u32(&b, PCILU_FDT_END);
	decode(&b, NULL, -1);
}

static void test_no_end(void **state)
{
	struct fb b = { .nst = 0 };

	(void)state;
	good(&b);
	b.nst -= 4;	/* FDT_END cut off */
	decode(&b, "the structure block ends without FDT_END", at(b.nst));
}

static void test_bad_tag(void **state)
{
	struct fb b = { .nst = 0 };
	size_t off;

	(void)state;
	root_open(&b);
	fb_begin(&b, "host");
	off = b.nst;
	fb_u32(&b, 7);
	decode(&b, "unknown tag 0x7", at(off));
}

static void test_end_inside_node(void **state)
{
	struct fb b = { .nst = 0 };
	size_t off;

	(void)state;
	root_open(&b);
	host(&b);
	devices_open(&b);
	off = b.nst;
	fb_u32(&b, PCILU_FDT_END);
	decode(&b, "FDT_END inside a node, 3 level(s) deep", at(off));
}

static void test_node_name_unterminated(void **state)
{
	struct fb b = { .nst = 0 };
	size_t off;

	(void)state;
	root_open(&b);
	off = b.nst;
	fb_u32(&b, PCILU_FDT_BEGIN_NODE);
	fb_bytes(&b, "host", 4);	/* no NUL, and the block ends */
	decode(&b, "a node name runs past the end of the structure block", at(off));
}

static void test_value_past_end(void **state)
{
	struct fb b = { .nst = 0 };
	size_t off;

	(void)state;
	root_open(&b);
	off = b.nst;
	fb_u32(&b, PCILU_FDT_PROP);
	fb_u32(&b, 64);		/* 64 bytes promised, 4 there */
	fb_u32(&b, fb_name(&b, "colour"));
	fb_u32(&b, 0);
	decode(&b, "a property of 64 bytes runs past the end of the structure block", at(off));
}

static void test_header_past_end(void **state)
{
	struct fb b = { .nst = 0 };
	size_t off;

	(void)state;
	root_open(&b);
	off = b.nst;
	fb_u32(&b, PCILU_FDT_PROP);
	fb_u32(&b, 0);	/* no nameoff */
	decode(&b, "a property header runs past the end of the structure block", at(off));
}

static void test_name_outside_strings(void **state)
{
	struct fb b = { .nst = 0 };
	size_t off;

	(void)state;
	root_open(&b);
	host(&b);
	fb_begin(&b, "devices");
	off = b.nst;
	fb_prop_at(&b, 0x7fff0000, "x", 2);
	decode(&b, "a property name at 0x7fff0000 lies outside the strings block", at(off));
}

static void test_name_unterminated(void **state)
{
	struct fb b = { .nst = 0 };
	size_t off;

	(void)state;
	root_open(&b);
	off = b.nst;
	fb_prop_at(&b, (uint32_t)b.nstr, "x", 2);
	memcpy(b.str + b.nstr, "forc", 4);	/* the strings block ends inside the name */
	b.nstr += 4;
	decode(&b, "runs past the end of the strings block", at(off));
}

/* Nodes where none are allowed: below a device node, below host, below the root. */
static void test_child_of_device(void **state)
{
	struct fb b = { .nst = 0 };

	(void)state;
	root_open(&b);
	host(&b);
	devices_open(&b);
	fb_begin(&b, "deeper");
	fb_begin(&b, "deepest");
	fb_end(&b);
	fb_end(&b);
	fb_end(&b);
	fb_end(&b);
	fb_end(&b);
	fb_u32(&b, PCILU_FDT_END);
	decode(&b, "node /devices/pci-0000-01-00.0: unexpected child node \"deeper\"", -1);
}

static void test_child_of_host(void **state)
{
	struct fb b = { .nst = 0 };

	(void)state;
	root_open(&b);
	fb_begin(&b, "host");
	fb_prop(&b, "time", "\0\0\0\0\0\0\0\1", 8);
	fb_begin(&b, "cpu");
	fb_end(&b);
	fb_end(&b);
	fb_end(&b);
	fb_u32(&b, PCILU_FDT_END);
	decode(&b, "node /host: unexpected child node \"cpu\"", -1);
}

static void test_child_of_root(void **state)
{
	struct fb b = { .nst = 0 };

	(void)state;
	root_open(&b);
	fb_begin(&b, "chosen");
	fb_end(&b);
	fb_end(&b);
	fb_u32(&b, PCILU_FDT_END);
	decode(&b, "node /: unexpected child node \"chosen\"", -1);
}

static void test_two_roots(void **state)
{
	struct fb b = { .nst = 0 };
	size_t off;

	(void)state;
	good(&b);
	b.nst -= 4;
	off = b.nst;
	fb_begin(&b, "");
	fb_end(&b);
	fb_u32(&b, PCILU_FDT_END);
	decode(&b, "tag 0x1 after the root node", at(off));
}

static void test_extra_end_node(void **state)
{
	struct fb b = { .nst = 0 };
	size_t off;

	(void)state;
	good(&b);
	b.nst -= 4;
	off = b.nst;
	fb_end(&b);
	fb_u32(&b, PCILU_FDT_END);
	decode(&b, "tag 0x2 after the root node", at(off));
}

static void test_root_not_first(void **state)
{
	struct fb b = { .nst = 0 };

	(void)state;
	fb_u32(&b, PCILU_FDT_NOP);
	good(&b);
	decode(&b, "the structure block starts with tag 0x4, not the root node", at(0));
}

static void test_root_named(void **state)
{
	struct fb b = { .nst = 0 };

	(void)state;
	fb_begin(&b, "root");
	decode(&b, "the root node has a name", at(0));
}

/* libfdt stops a node's property loop at its first child: a property after it must not pass unread. */
static void test_prop_after_child(void **state)
{
	struct fb b = { .nst = 0 };
	size_t off;

	(void)state;
	root_open(&b);
	host(&b);
	off = b.nst;
	fb_str(&b, "colour", "blue");
	decode(&b, "a property after a child node", at(off));
}

static void test_header_bounds(void **state)
{
	struct fb b = { .nst = 0 };

	(void)state;
	good(&b);
	fb_finish(&b);
	{
		struct pcilu_manifest m;
		struct pcilu_diag d;
		static const struct {
			unsigned field;
			uint32_t value;
			const char *want;
			long off;	/* where it is said: a block at its offset field */
		} cases[] = {
			{ PCILU_FDTH_OFF_STRUCT, 0x10000, "the structure block", PCILU_FDTH_OFF_STRUCT },
			{ PCILU_FDTH_SIZE_STRUCT, 0x10000, "the structure block", PCILU_FDTH_OFF_STRUCT },
			{ PCILU_FDTH_OFF_STRINGS, 8, "the strings block", PCILU_FDTH_OFF_STRINGS },
			{ PCILU_FDTH_SIZE_STRINGS, 0xffffffff, "the strings block", PCILU_FDTH_OFF_STRINGS },
			{ PCILU_FDTH_OFF_RSVMAP, 0x10000, "the memory reservation map", PCILU_FDTH_OFF_RSVMAP },
			{ PCILU_FDTH_LAST_COMP, 17, "older than its last compatible version", PCILU_FDTH_VERSION },
		};

		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			uint8_t copy[sizeof(b.out)];

			memcpy(copy, b.out, b.len);
			if (cases[i].field == PCILU_FDTH_LAST_COMP)
				pcilu_put_be32(copy + PCILU_FDTH_VERSION, 16);
			pcilu_put_be32(copy + cases[i].field, cases[i].value);
			pcilu_diag_init(&d);
			assert_int_equal(pcilu_manifest_decode(copy, b.len, "t.dtb", &m, &d), -EINVAL);
			assert_int_equal(d.count, 1);
			assert_non_null(strstr(d.msgs[0].text, cases[i].want));
			assert_int_equal(d.msgs[0].offset, cases[i].off);
			pcilu_diag_free(&d);
		}
	}
}

/* A reservation map with no terminating entry runs into the structure block and off the end. */
static void test_rsvmap_unterminated(void **state)
{
	struct fb b = { .nst = 0 };
	struct pcilu_manifest m;
	struct pcilu_diag d;

	(void)state;
	good(&b);
	fb_finish(&b);
	/* Every 16 bytes from the map on have a non-zero size, up to the end of the blob. */
	memset(b.out + PCILU_FDT_HDR_SIZE, 0x11, b.len - PCILU_FDT_HDR_SIZE);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_manifest_decode(b.out, b.len, "t.dtb", &m, &d), -EINVAL);
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(d.msgs[0].text, "the memory reservation map runs past the end of the blob"));
	pcilu_diag_free(&d);
}

/* The seal is the root's first "crc32", checked before any other property is believed. */
static void test_crc(void **state)
{
	struct fb b = { .nst = 0 };
	size_t crc_at;
	struct pcilu_manifest m;
	struct pcilu_diag d;

	(void)state;
	root_open(&b);
	fb_u32prop(&b, "crc32", 0);
	crc_at = PCILU_FDT_HDR_SIZE + 16 + b.nst - 4;
	host(&b);
	devices_open(&b);
	fb_end(&b);
	fb_end(&b);
	fb_end(&b);
	fb_u32(&b, PCILU_FDT_END);
	fb_finish(&b);
	pcilu_manifest_seal(b.out, b.len, crc_at);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_manifest_decode(b.out, b.len, "t.dtb", &m, &d), 0);
	assert_int_equal(d.count, 0);
	pcilu_manifest_free(&m);
	b.out[b.len - 20] ^= 1;
	assert_int_equal(pcilu_manifest_decode(b.out, b.len, "t.dtb", &m, &d), -EINVAL);
	assert_non_null(strstr(d.msgs[0].text, "recorded"));
	assert_int_equal(d.msgs[0].offset, (long)crc_at);
	pcilu_diag_free(&d);
}

/* The blob may sit at any alignment: the reader copies nothing and loads bytes. */
static void test_unaligned(void **state)
{
	struct fb b = { .nst = 0 };
	struct pcilu_manifest m;
	struct pcilu_diag d;
	uint8_t *odd;

	(void)state;
	good(&b);
	fb_finish(&b);
	odd = malloc(b.len + 1);
	assert_non_null(odd);
	memcpy(odd + 1, b.out, b.len);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_manifest_decode(odd + 1, b.len, "t.dtb", &m, &d), 0);
	assert_int_equal(m.count, 1);
	pcilu_manifest_free(&m);
	pcilu_diag_free(&d);
	free(odd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_nops),
		cmocka_unit_test(test_no_end),
		cmocka_unit_test(test_bad_tag),
		cmocka_unit_test(test_end_inside_node),
		cmocka_unit_test(test_node_name_unterminated),
		cmocka_unit_test(test_value_past_end),
		cmocka_unit_test(test_header_past_end),
		cmocka_unit_test(test_name_outside_strings),
		cmocka_unit_test(test_name_unterminated),
		cmocka_unit_test(test_child_of_device),
		cmocka_unit_test(test_child_of_host),
		cmocka_unit_test(test_child_of_root),
		cmocka_unit_test(test_two_roots),
		cmocka_unit_test(test_extra_end_node),
		cmocka_unit_test(test_root_not_first),
		cmocka_unit_test(test_root_named),
		cmocka_unit_test(test_prop_after_child),
		cmocka_unit_test(test_header_bounds),
		cmocka_unit_test(test_rsvmap_unterminated),
		cmocka_unit_test(test_crc),
		cmocka_unit_test(test_unaligned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
