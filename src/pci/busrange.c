// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Bus-number ranges across bridges. Each bridge is sane on its own (see
 * pcilu_bus_numbers_sane()), but two bridges on one bus claiming overlapping
 * ranges, or a bridge claiming buses its upstream bridge does not forward,
 * cannot both route: Linux would reassign such numbers (pci_scan_bridge_extend(),
 * drivers/pci/probe.c, 7.2), so the input does not say which topology the
 * kernel would build. Reported, never resolved by guessing.
 */
#include "pci_int.h"

static bool range_bridge(const struct pcilu_dev *d)
{
	return pcilu_is_bridge(d) && pcilu_bus_numbers_sane(d);
}

static void check_siblings(const struct pcilu_dev *all, size_t first, size_t end,
			   const char *file, struct pcilu_diag *d)
{
	char a[24], b[24];

	for (size_t j = first; j < end; j++) {
		if (!range_bridge(&all[j]))
			continue;
		for (size_t i = first; i < j; i++) {
			const struct pcilu_dev *x = &all[i], *y = &all[j];

			/* The same secondary bus is reported when the buses are made. */
			if (!range_bridge(x) || x->secondary == y->secondary ||
			    y->secondary > x->subordinate || x->secondary > y->subordinate)
				continue;
			pcilu_diag_add(d, PCILU_ERROR, file, y->line, PCI_SECONDARY_BUS,
				       "%s: bus range %02x-%02x overlaps %02x-%02x of %s on the same bus",
				       pcilu_bdf(y, b, sizeof(b)), y->secondary, y->subordinate,
				       x->secondary, x->subordinate, pcilu_bdf(x, a, sizeof(a)));
			break;
		}
	}
}

/* Devices [first, end) are one segment, sorted by bus then devfn. */
static void check_segment(const struct pcilu_dev *all, size_t first, size_t end,
			  const char *file, struct pcilu_diag *d)
{
	int64_t owner[256];
	char a[24], b[24];

	for (unsigned i = 0; i < 256; i++)
		owner[i] = -1;
	for (size_t i = first; i < end; i++)
		if (range_bridge(&all[i]) && owner[all[i].secondary] < 0)
			owner[all[i].secondary] = (int64_t)i;
	for (size_t i = first; i < end; i++) {
		const struct pcilu_dev *br = &all[i], *up;

		if (!range_bridge(br) || owner[br->bus] < 0)
			continue;
		up = &all[owner[br->bus]];
		if (br->secondary >= up->secondary && br->subordinate <= up->subordinate)
			continue;
		pcilu_diag_add(d, PCILU_ERROR, file, br->line, PCI_SECONDARY_BUS,
			       "%s: bus range %02x-%02x is not inside %02x-%02x of its upstream bridge %s",
			       pcilu_bdf(br, b, sizeof(b)), br->secondary, br->subordinate,
			       up->secondary, up->subordinate, pcilu_bdf(up, a, sizeof(a)));
	}
	for (size_t i = first; i < end;) {
		size_t j = i;

		while (j < end && all[j].bus == all[i].bus)
			j++;
		check_siblings(all, i, j, file, d);
		i = j;
	}
}

void pcilu_check_bus_ranges(const struct pcilu_dev *all, size_t n, const char *file,
			    struct pcilu_diag *d)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && all[j].seg == all[i].seg)
			j++;
		check_segment(all, i, j, file, d);
		i = j;
	}
}
