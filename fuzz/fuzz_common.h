/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the fuzz targets: once a source produced a raw host, push it
 * through everything downstream (topology, text and JSON output, every
 * diagnostic formatted), so a fuzzed parser also fuzzes what consumes it.
 */
#ifndef PCILU_FUZZ_COMMON_H
#define PCILU_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Takes the raw host (freed here whatever happens). */
static inline void fuzz_consume(struct pcilu_raw_host *raw, struct pcilu_diag *d)
{
	struct pcilu_topology *t = NULL;
	struct pcilu_out_opts o = { 0 };

	if (pcilu_topology_build(raw, &t, d) == 0) {
		fuzz_check_topology(t);
		pcilu_print_tree(fuzz_sink(), t, d, &o);
		/* show is per device: a few are enough to reach every decoder. */
		for (size_t i = 0; i < t->ndevs && i < 8; i++)
			pcilu_print_show(fuzz_sink(), t, (int32_t)i, &o);
		o.json = true;
		pcilu_print_tree(fuzz_sink(), t, d, &o);
		if (t->ndevs)
			pcilu_print_show(fuzz_sink(), t, (int32_t)(t->ndevs - 1), &o);
		pcilu_topology_free(t);
	}
	fuzz_diag_format(d);
}

#endif
