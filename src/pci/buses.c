// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Buses from bus numbers: which bridge creates which bus (its secondary
 * number), which buses are roots, SR-IOV virtual buses, and the order the
 * kernel scans them in (pci_scan_child_bus_extend(), drivers/pci/probe.c, 7.2).
 */
#include "pci_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t bus_key(uint32_t seg, uint8_t bus)
{
	return (uint64_t)seg << 8 | bus;
}

static int cmp_bus(const void *a, const void *b)
{
	const struct pcilu_bus *x = a, *y = b;
	uint64_t kx = bus_key(x->seg, x->number), ky = bus_key(y->seg, y->number);

	return (kx > ky) - (kx < ky);
}

/* Index in @buses (sorted by segment and number) of a bus, or PCILU_NONE. */
static int32_t find_bus_in(const struct pcilu_bus *buses, size_t n, uint32_t seg, uint8_t nr)
{
	const struct pcilu_bus key = { .seg = seg, .number = nr };
	const struct pcilu_bus *hit = n ? bsearch(&key, buses, n, sizeof(*buses), cmp_bus) : NULL;

	return hit ? (int32_t)(hit - buses) : PCILU_NONE;
}

static int32_t find_bus(const struct pcilu_builder *b, uint32_t seg, uint8_t nr)
{
	return find_bus_in(b->buses, b->nbuses, seg, nr);
}

static int add_bus(struct pcilu_builder *b, size_t *cap, uint32_t seg, uint8_t nr)
{
	if (b->nbuses == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct pcilu_bus *n = realloc(b->buses, ncap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		b->buses = n;
		*cap = ncap;
	}
	/* The checker assumes nbuses > 0 with no array, which add_bus() never leaves. */
	b->buses[b->nbuses++] = (struct pcilu_bus){ .seg = seg, .number = nr, // NOLINT(clang-analyzer-core.NullDereference)
		.self = PCILU_NONE, .parent = PCILU_NONE };
	return 0;
}

/* A bridge's bus numbers are usable only when the child bus lies below it. */
static bool bridge_usable(struct pcilu_builder *b, const struct pcilu_dev *br)
{
	char bdf[24];

	if (!pcilu_is_bridge(br))
		return false;
	pcilu_bdf(br, bdf, sizeof(bdf));
	if (br->secondary == 0 && br->subordinate == 0) {
		pcilu_diag_add(b->d, PCILU_NOTE, b->file, br->line, PCI_SECONDARY_BUS,
			       "%s: bridge has no bus numbers (firmware left it unconfigured); "
			       "devices Linux would find behind it are not in this input", bdf);
		return false;
	}
	if (!pcilu_bus_numbers_sane(br)) {
		pcilu_diag_add(b->d, PCILU_ERROR, b->file, br->line, PCI_PRIMARY_BUS,
			       "%s: inconsistent bus numbers (bus %02x, primary %02x, secondary %02x, subordinate %02x); "
			       "Linux would reconfigure this bridge, so nothing behind it is reachable through it",
			       bdf, br->bus, br->primary, br->secondary, br->subordinate);
		return false;
	}
	return true;
}

/* One bus object per (segment, number): those with devices, and bridges' empty secondaries. */
static int collect_buses(struct pcilu_builder *b, const bool *usable)
{
	size_t cap = 0, with_devs;
	int ret;

	for (size_t i = 0; i < b->nall; i++) {	/* address order: already sorted */
		const struct pcilu_dev *d = &b->all[i];
		const struct pcilu_bus *last = b->nbuses ? &b->buses[b->nbuses - 1] : NULL;

		if ((!last || bus_key(last->seg, last->number) != bus_key(d->seg, d->bus)) &&
		    (ret = add_bus(b, &cap, d->seg, d->bus)))
			return ret;
	}
	with_devs = b->nbuses;
	for (size_t i = 0; i < b->nall; i++)
		if (usable[i] && find_bus_in(b->buses, with_devs, b->all[i].seg, b->all[i].secondary) == PCILU_NONE &&
		    (ret = add_bus(b, &cap, b->all[i].seg, b->all[i].secondary)))
			return ret;
	if (b->nbuses > with_devs) {
		size_t out = 1;

		qsort(b->buses, b->nbuses, sizeof(*b->buses), cmp_bus);
		for (size_t i = 1; i < b->nbuses; i++)	/* two bridges may name one empty bus */
			if (cmp_bus(&b->buses[i], &b->buses[out - 1]))
				b->buses[out++] = b->buses[i];
		b->nbuses = out;
	}
	return 0;
}

int pcilu_make_buses(struct pcilu_builder *b)
{
	bool *usable = calloc(b->nall ? b->nall : 1, sizeof(*usable));
	int ret;

	if (!usable)
		return -ENOMEM;
	for (size_t i = 0; i < b->nall; i++)
		usable[i] = bridge_usable(b, &b->all[i]);
	ret = collect_buses(b, usable);
	b->bus_of = malloc((b->nall ? b->nall : 1) * sizeof(*b->bus_of));
	if (ret || !b->bus_of) {
		free(usable);
		return ret ? ret : -ENOMEM;
	}
	for (size_t i = 0; i < b->nall; i++) {
		struct pcilu_dev *br = &b->all[i];

		b->bus_of[i] = find_bus(b, br->seg, br->bus);
		if (!usable[i])
			continue;
		int32_t c = find_bus(b, br->seg, br->secondary);
		char bdf[24], other[24];

		if (b->buses[c].self != PCILU_NONE) {
			pcilu_diag_add(b->d, PCILU_ERROR, b->file, br->line, PCI_SECONDARY_BUS,
				       "%s: secondary bus %02x is already the secondary bus of %s; ignored",
				       pcilu_bdf(br, bdf, sizeof(bdf)), br->secondary,
				       pcilu_bdf(&b->all[b->buses[c].self], other, sizeof(other)));
			continue;
		}
		b->buses[c].self = (int32_t)i;
		br->child_bus = c;
	}
	free(usable);
	return 0;
}

/*
 * Buses no bridge creates are SR-IOV virtual buses (VFs above their PF's bus),
 * root buses, or, when they lie inside some bridge's range, unreachable.
 */
static void classify_buses(struct pcilu_builder *b, bool *covered)
{
	for (size_t i = 0; i < b->nall; i++) {
		const struct pcilu_dev *d = &b->all[i];
		struct pcilu_bus *bus = &b->buses[b->bus_of[i]];

		if (bus->self != PCILU_NONE || !d->is_virtfn || d->physfn == PCILU_NONE)
			continue;
		if (b->all[d->physfn].bus != d->bus) {
			bus->is_virtual = true;
			bus->parent = b->bus_of[d->physfn];
		}
	}
	for (size_t i = 0; i < b->nall; i++) {
		const struct pcilu_dev *br = &b->all[i];

		if (br->child_bus == PCILU_NONE)
			continue;
		for (unsigned n = br->secondary + 1u; n <= br->subordinate; n++) {
			int32_t c = find_bus(b, br->seg, (uint8_t)n);

			if (c != PCILU_NONE)
				covered[c] = true;
		}
	}
	for (size_t i = 0; i < b->nbuses; i++) {
		struct pcilu_bus *bus = &b->buses[i];

		if (bus->self != PCILU_NONE)
			bus->parent = b->bus_of[bus->self];
	}
	for (size_t i = 0; i < b->nall; i++) {	/* devices of a bus are contiguous */
		struct pcilu_bus *bus = &b->buses[b->bus_of[i]];

		if (!bus->count)
			bus->first = (uint32_t)i;
		bus->count++;
	}
}

static void visit(struct pcilu_builder *b, int32_t bus_idx, unsigned depth)
{
	const struct pcilu_bus *bus = &b->buses[bus_idx];

	if (b->reached[bus_idx] || depth > 256)
		return;
	b->reached[bus_idx] = true;
	b->bus_order[b->nbus_order++] = bus_idx;
	for (uint32_t i = bus->first; i < bus->first + bus->count; i++)
		if (!(b->all[i].is_virtfn && b->all[i].physfn != PCILU_NONE))
			b->order[b->norder++] = (int32_t)i;
	/* Then each bridge's subtree, bridges in devfn order. */
	for (uint32_t i = bus->first; i < bus->first + bus->count; i++)
		if (b->all[i].child_bus != PCILU_NONE)
			visit(b, b->all[i].child_bus, depth + 1);
}

struct vf_pos {
	int32_t pf_pos, idx;
};

static int cmp_vf(const void *a, const void *b)
{
	const struct vf_pos *x = a, *y = b;

	if (x->pf_pos != y->pf_pos)
		return x->pf_pos < y->pf_pos ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* VFs are added when their PF enables SR-IOV: after the scan, in PF order. */
static int order_vfs(struct pcilu_builder *b)
{
	int32_t *pos = malloc((b->nall ? b->nall : 1) * sizeof(*pos));
	struct vf_pos *vfs = malloc((b->nall ? b->nall : 1) * sizeof(*vfs));
	size_t n = 0;

	if (!pos || !vfs) {
		free(pos);
		free(vfs);
		return -ENOMEM;
	}
	for (size_t i = 0; i < b->nall; i++)
		pos[i] = PCILU_NONE;
	/* order[0..norder) is always written and norder <= nall; the checker loses that. */
	for (size_t k = 0; k < b->norder; k++)
		pos[b->order[k]] = (int32_t)k; // NOLINT(clang-analyzer-core.uninitialized.ArraySubscript)
	for (size_t i = 0; i < b->nall; i++) {
		const struct pcilu_dev *d = &b->all[i];

		if (d->is_virtfn && d->physfn != PCILU_NONE && pos[d->physfn] != PCILU_NONE &&
		    b->reached[b->bus_of[i]])
			vfs[n++] = (struct vf_pos){ pos[d->physfn], (int32_t)i };
	}
	if (n)
		qsort(vfs, n, sizeof(*vfs), cmp_vf);
	for (size_t k = 0; k < n; k++)
		b->order[b->norder++] = vfs[k].idx;
	free(pos);
	free(vfs);
	return 0;
}

int pcilu_walk_buses(struct pcilu_builder *b)
{
	bool *covered = calloc(b->nbuses ? b->nbuses : 1, sizeof(*covered));

	b->reached = calloc(b->nbuses ? b->nbuses : 1, sizeof(*b->reached));
	b->order = malloc((b->nall ? b->nall : 1) * sizeof(*b->order));
	b->bus_order = malloc((b->nbuses ? b->nbuses : 1) * sizeof(*b->bus_order));
	if (!covered || !b->reached || !b->order || !b->bus_order) {
		free(covered);
		return -ENOMEM;
	}
	classify_buses(b, covered);
	/* Root buses in (segment, number) order, as host bridges usually enumerate. */
	for (size_t i = 0; i < b->nbuses; i++)
		if (b->buses[i].self == PCILU_NONE && !b->buses[i].is_virtual && !covered[i])
			visit(b, (int32_t)i, 0);
	for (size_t i = 0; i < b->nbuses; i++)	/* virtual buses hang off their PF's bus */
		if (b->buses[i].is_virtual && b->reached[b->buses[i].parent]) {
			b->reached[i] = true;
			b->bus_order[b->nbus_order++] = (int32_t)i;
		}
	free(covered);
	return order_vfs(b);
}

