// SPDX-License-Identifier: GPL-2.0-or-later
/* Addresses: parsing, formatting and the address -> device index hash. */
#include "pci_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The typed form of the one address grammar (source/addr.c), the whole string. */
int pcilu_parse_bdf(const char *s, uint32_t *seg, uint8_t *bus, uint8_t *devfn)
{
	struct pcilu_src_bdf a;
	size_t len = strlen(s);

	if (pcilu_src_scan_bdf(s, len, true, &a) != len || !len || a.bad)
		return -EINVAL;
	*seg = a.has_seg ? a.seg : 0;
	*bus = a.bus;
	*devfn = a.devfn;
	return 0;
}

char *pcilu_bdf_fmt(uint32_t seg, uint8_t bus, uint8_t devfn, char *buf, size_t len)
{
	return pcilu_src_bdf_fmt(seg, bus, devfn, buf, len);
}

char *pcilu_bdf(const struct pcilu_dev *dev, char *buf, size_t len)
{
	return pcilu_bdf_fmt(dev->seg, dev->bus, dev->devfn, buf, len);
}

static uint64_t addr_key(uint32_t seg, uint8_t bus, uint8_t devfn)
{
	return (uint64_t)seg << 16 | (uint64_t)bus << 8 | devfn;
}

static size_t addr_hash(uint64_t key, size_t mask)
{
	key *= 0x9e3779b97f4a7c15ull;
	return (size_t)(key >> 29) & mask;
}

int pcilu_hash_build(struct pcilu_topology *t)
{
	size_t size = 16;

	while (size < t->ndevs * 2)
		size *= 2;
	free(t->hash);
	t->hash = malloc(size * sizeof(*t->hash));
	if (!t->hash)
		return -ENOMEM;
	memset(t->hash, 0xff, size * sizeof(*t->hash));	/* every slot PCILU_NONE */
	t->hash_mask = size - 1;
	for (size_t i = 0; i < t->ndevs; i++) {
		const struct pcilu_dev *d = &t->devs[i];
		size_t h = addr_hash(addr_key(d->seg, d->bus, d->devfn), t->hash_mask);

		while (t->hash[h] != PCILU_NONE)
			h = (h + 1) & t->hash_mask;
		t->hash[h] = (int32_t)i;
	}
	return 0;
}

int32_t pcilu_topology_find(const struct pcilu_topology *t, uint32_t seg, uint8_t bus, uint8_t devfn)
{
	if (!t->hash)
		return PCILU_NONE;
	uint64_t key = addr_key(seg, bus, devfn);
	size_t h = addr_hash(key, t->hash_mask);

	for (; t->hash[h] != PCILU_NONE; h = (h + 1) & t->hash_mask) {
		const struct pcilu_dev *d = &t->devs[t->hash[h]];

		if (addr_key(d->seg, d->bus, d->devfn) == key)
			return t->hash[h];
	}
	return PCILU_NONE;
}

/* pci_upstream_bridge(), include/linux/pci.h, 7.2: VFs look through their virtual bus. */
int32_t pcilu_upstream_bridge(const struct pcilu_topology *t, int32_t dev)
{
	int32_t b = t->devs[dev].bus_idx;

	while (b != PCILU_NONE && t->buses[b].is_virtual)
		b = t->buses[b].parent;
	return b == PCILU_NONE ? PCILU_NONE : t->buses[b].self;
}
