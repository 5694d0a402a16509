/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the fuzz targets: once a source produced a raw host, push it
 * through everything downstream (topology, text and JSON output, every
 * diagnostic formatted), so a fuzzed parser also fuzzes what consumes it.
 */
#ifndef PCILU_FUZZ_COMMON_H
#define PCILU_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include <pcilu/iommu.h>
#include <pcilu/output.h>
#include <pcilu/pci.h>
#include <pcilu/source.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Output goes nowhere; opened once per process (a harness may keep state). */
static inline FILE *fuzz_sink(void)
{
	static FILE *sink;

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (!sink)
		abort();
	return sink;
}

static inline void fuzz_diag_format(const struct pcilu_diag *d)
{
	char buf[512];

	for (size_t i = 0; i < d->count; i++)
		pcilu_diag_format(&d->msgs[i], buf, sizeof(buf));
}

/* Every index the topology hands out must point inside it. */
static inline void fuzz_check_topology(const struct pcilu_topology *t)
{
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];

		if ((d->bus_idx < 0 || (size_t)d->bus_idx >= t->nbuses) ||
		    (d->child_bus != PCILU_NONE && (size_t)d->child_bus >= t->nbuses) ||
		    (d->physfn != PCILU_NONE && (size_t)d->physfn >= t->ndevs) ||
		    pcilu_topology_find(t, d->seg, d->bus, d->devfn) != (int32_t)i)
			abort();
		(void)pcilu_upstream_bridge(t, (int32_t)i);
	}
	for (size_t b = 0; b < t->nbuses; b++) {
		const struct pcilu_bus *bus = &t->buses[b];

		if ((bus->self != PCILU_NONE && (size_t)bus->self >= t->ndevs) ||
		    (bus->parent != PCILU_NONE && (size_t)bus->parent >= t->nbuses) ||
		    (size_t)bus->first + bus->count > t->ndevs)
			abort();
	}
}

/*
 * Rendering every output for every input made the slow targets run at a few
 * hundred inputs a second. Each input now renders one output, chosen by a
 * hash of its bytes: deterministic (a crash reproduces), and over a campaign
 * the coverage feedback still steers inputs into every renderer. Replays
 * (fuzz/replay.c, built with PCILU_FUZZ_RENDER_ALL) render everything, so a
 * seed is checked against all outputs on every test run.
 */
enum fuzz_render {
	FUZZ_TREE, FUZZ_TREE_JSON, FUZZ_SHOW, FUZZ_SHOW_JSON, FUZZ_GROUPS,
	FUZZ_GROUPS_JSON, FUZZ_DOT, FUZZ_EXPLAIN, FUZZ_COMPARE, FUZZ_NRENDER
};

static inline unsigned fuzz_pick(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;	/* FNV-1a over the ends: cheap, and any edit moves it */

	for (size_t i = 0; i < size && i < 16; i++)
		h = (h ^ data[i]) * 16777619u;
	for (size_t i = size > 16 ? size - 16 : size; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return (unsigned)((h ^ (uint32_t)size) % FUZZ_NRENDER);
}

static inline bool fuzz_renders(unsigned pick, enum fuzz_render r)
{
#ifdef PCILU_FUZZ_RENDER_ALL
	(void)pick;
	(void)r;
	return true;
#else
	return pick == (unsigned)r;
#endif
}

/* IOMMU groups under @p, what explains them, and the picked rendering of them. */
static inline void fuzz_groups(const struct pcilu_topology *t, const struct pcilu_policy *p,
			       struct pcilu_diag *d, unsigned pick)
{
	struct pcilu_iommu *r = NULL;
	struct pcilu_out_opts o = { 0 };
	char buf[512];

	if (pcilu_iommu_compute(t, p, &r, d))
		return;
	for (size_t i = 0; i < t->ndevs && i < 16; i++) {
		struct pcilu_acs_eval e = pcilu_acs_enabled(r, (int32_t)i, 0x1d);
		const struct pcilu_reason *rs = pcilu_iommu_join(r, (int32_t)i);
		int32_t fail;

		pcilu_acs_eval_str(r, (int32_t)i, &e, buf, sizeof(buf));
		if (rs)
			pcilu_reason_str(r, rs, buf, sizeof(buf));
		(void)pcilu_acs_path_enabled(r, (int32_t)i, 0x1d, &fail, &e);
		(void)pcilu_iommu_group_of(r, (int32_t)i);
	}
	if (fuzz_renders(pick, FUZZ_GROUPS))
		pcilu_print_groups(fuzz_sink(), r, d, &o, false);
	if (fuzz_renders(pick, FUZZ_DOT))
		pcilu_print_groups_dot(fuzz_sink(), r, &o);
	if (fuzz_renders(pick, FUZZ_EXPLAIN) && t->ndevs)
		pcilu_print_explain(fuzz_sink(), r, 0, &o);
	o.json = true;
	if (fuzz_renders(pick, FUZZ_GROUPS_JSON))
		pcilu_print_groups(fuzz_sink(), r, d, &o, false);
	if (fuzz_renders(pick, FUZZ_COMPARE)) {
		pcilu_groups_compare(fuzz_sink(), r);
		pcilu_print_groups(fuzz_sink(), r, d, &o, true);
	}
	pcilu_iommu_free(r);
}

/* The tree and per-device renderings the pick asks for. */
static inline void fuzz_render_topology(const struct pcilu_topology *t, struct pcilu_diag *d,
					unsigned pick)
{
	struct pcilu_out_opts o = { 0 };

	if (fuzz_renders(pick, FUZZ_TREE))
		pcilu_print_tree(fuzz_sink(), t, d, &o);
	/* show is per device: a few are enough to reach every decoder. */
	if (fuzz_renders(pick, FUZZ_SHOW))
		for (size_t i = 0; i < t->ndevs && i < 8; i++)
			pcilu_print_show(fuzz_sink(), t, (int32_t)i, &o);
	o.json = true;
	if (fuzz_renders(pick, FUZZ_TREE_JSON))
		pcilu_print_tree(fuzz_sink(), t, d, &o);
	if (fuzz_renders(pick, FUZZ_SHOW_JSON) && t->ndevs)
		pcilu_print_show(fuzz_sink(), t, (int32_t)(t->ndevs - 1), &o);
}

/* Takes the raw host (freed here whatever happens); @p NULL: the default policy. */
static inline void fuzz_consume_policy(struct pcilu_raw_host *raw, struct pcilu_diag *d,
				       const struct pcilu_policy *p, unsigned pick)
{
	struct pcilu_topology *t = NULL;
	struct pcilu_policy def;

	if (pcilu_topology_build(raw, &t, d) == 0) {
		fuzz_check_topology(t);
		fuzz_render_topology(t, d, pick);
		if (!p) {
			pcilu_policy_init(&def);
			fuzz_groups(t, &def, d, pick);
			pcilu_policy_free(&def);
		} else {
			fuzz_groups(t, p, d, pick);
		}
		pcilu_topology_free(t);
	}
	fuzz_diag_format(d);
}

static inline void fuzz_consume(struct pcilu_raw_host *raw, struct pcilu_diag *d, unsigned pick)
{
	fuzz_consume_policy(raw, d, NULL, pick);
}

typedef int (*fuzz_text_loader)(const char *name, const char *text, size_t len,
				const struct pcilu_source_opts *opts, struct pcilu_raw_host *h,
				struct pcilu_diag *d);

/*
 * lspci's -s and -d grammar (pci/select.c) on the input's first line: the
 * parser must refuse or accept any string without reading past it, and what
 * it accepts must match a device without trouble.
 */
static inline void fuzz_select(const uint8_t *data, size_t size)
{
	char expr[PCILU_SELECT_MAXLEN + 8];
	size_t n = 0;
	struct pcilu_select s;
	struct pcilu_dev dev = { .vendor = 0x8086, .device = 0x1234, .class = 0x060400, .devfn = 0x08 };
	const char *why;

	while (n < size && n < sizeof(expr) - 1 && data[n] != '\n')
		n++;
	memcpy(expr, data, n);
	expr[n] = 0;
	pcilu_select_init(&s);
	if (!pcilu_select_parse_slot(&s, expr, &why))
		(void)pcilu_select_match(&s, &dev);
	else if (!why)
		abort();	/* every refusal says why */
	pcilu_select_init(&s);
	if (!pcilu_select_parse_id(&s, expr, &why))
		(void)pcilu_select_match(&s, &dev);
	else if (!why)
		abort();
}

/* A text loader on exactly @size bytes (no NUL terminator to lean on), strict then lenient. */
static inline int fuzz_text_source(const uint8_t *data, size_t size, fuzz_text_loader load, const char *name)
{
	struct pcilu_raw_host raw;
	struct pcilu_diag d;
	char *text = malloc(size ? size : 1);

	fuzz_select(data, size);
	if (!text)
		return 0;
	memcpy(text, data, size);
	/* Lenient only relaxes errors: after a strict success it would load the same host. */
	for (int lenient = 0; lenient < 2; lenient++) {
		struct pcilu_source_opts opts = { .lenient = lenient };
		int err;

		pcilu_diag_init(&d);
		err = load(name, text, size, &opts, &raw, &d);
		if (err == 0)
			fuzz_consume(&raw, &d, fuzz_pick(data, size));
		else
			pcilu_raw_host_free(&raw);
		fuzz_diag_format(&d);
		pcilu_diag_free(&d);
		if (err == 0)
			break;
	}
	free(text);
	return 0;
}

/*
 * Device records straight from fuzz bytes (the fuzz-config format):
 *   byte 0     segment (0..3 used; more would only spread devices thin)
 *   byte 1     bus
 *   byte 2     devfn
 *   byte 3     bits 0-1: config size 64/128/256/4096; bit 2: fill 0xff, not 0;
 *              bit 3: the source says "VF" (sysfs physfn); bit 4: kernel group
 *   bytes 4-5  n, little endian: how many config bytes follow (capped by size)
 *   n bytes    the first n bytes of config space; the rest is the fill
 * At most 64 devices: every topology and grouping rule needs only a few, and
 * hosts of 512 spent the fuzzer's time in malloc and memset (the device limit
 * itself is tested in tests/bad/test_hostile.c).
 */
static inline void fuzz_raw_from_records(struct pcilu_raw_host *raw, const uint8_t *data, size_t size)
{
	static const uint16_t cfg_sizes[4] = { 64, 128, 256, 4096 };
	size_t at = 0;

	while (size - at >= 6 && raw->count < 64) {
		const uint8_t *h = data + at;
		size_t n = (size_t)h[4] | (size_t)h[5] << 8;
		struct pcilu_raw_dev *r = pcilu_raw_host_add(raw);

		if (!r)
			break;
		at += 6;
		r->seg = h[0] & 3;
		r->bus = h[1];
		r->devfn = h[2];
		r->cfg_len = cfg_sizes[h[3] & 3];
		r->physfn_known = h[3] & 8;
		r->is_virtfn = h[3] & 8;
		r->kernel_group = (h[3] & 16) ? h[1] : PCILU_NO_GROUP;
		r->line = (long)raw->count;
		r->cfg = malloc(r->cfg_len);
		if (!r->cfg)
			abort();
		memset(r->cfg, (h[3] & 4) ? 0xff : 0, r->cfg_len);
		if (n > r->cfg_len)
			n = r->cfg_len;
		if (n > size - at)
			n = size - at;
		memcpy(r->cfg, data + at, n);
		at += n;
		if (r->kernel_group != PCILU_NO_GROUP)
			raw->has_kernel_groups = true;
		if (r->cfg_len < 256)
			raw->config_truncated = true;
	}
}

#endif
