// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Random topologies as specs, so that every one is also a valid input of
 * pcilu itself (the spec loader checks what the kernel's scan would find).
 * Ports get random ACS capability and control (what the outgoing kernel
 * left), endpoints are single or multifunction with or without ACS, some
 * root ports are Intel PCH ports that rely on the kernel's ACS quirk.
 */
#include "gen_topology.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: small, seedable, the same sequence on every machine */
uint64_t gen_next(struct gen_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

unsigned gen_below(struct gen_rng *r, unsigned n)
{
	return n ? (unsigned)(gen_next(r) % n) : 0;
}

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < b->cap - b->len)
			break;
		b->cap = b->cap * 2 + (size_t)n + 64;
		b->p = realloc(b->p, b->cap);
		if (!b->p)
			abort();
	}
	b->len += (size_t)n;
}

static const char *const flag_names[] = { "SV", "TB", "RR", "CR", "UF", "EC", "DT" };

static void flags(struct buf *b, unsigned v)
{
	bool first = true;

	put(b, "\"");
	for (unsigned i = 0; i < 7; i++)
		if (v & (1u << i)) {
			put(b, "%s%s", first ? "" : "|", flag_names[i]);
			first = false;
		}
	put(b, "\"");
}

#define REQ 0x1d	/* SV|RR|CR|UF */

/* ACS of a port or function: absent, full, or capable with a random control. */
static void acs(struct gen_rng *r, struct buf *b, bool port)
{
	unsigned k = gen_below(r, port ? 6 : 4), cap;

	if (k == 0 || (!port && k == 1)) {
		put(b, ", \"acs\": false");
		return;
	}
	cap = REQ | (gen_below(r, 3) ? 0 : 0x20) | (gen_below(r, 4) ? 0 : 0x02);
	put(b, ", \"acs\": {\"cap\": ");
	flags(b, cap);
	put(b, ", \"ctrl\": ");
	/* mostly what a 7.2 kernel with an IOMMU leaves, sometimes anything */
	flags(b, k >= 4 ? REQ : (unsigned)gen_below(r, 128) & cap);
	put(b, "}");
}

static void endpoint_slot(struct gen_rng *r, struct buf *b, unsigned slot, bool any_slot)
{
	unsigned nfn = gen_below(r, 3) ? 1 : 2 + gen_below(r, 3);

	for (unsigned f = 0; f < nfn; f++) {
		put(b, "%s{\"kind\": \"endpoint\", \"slot\": \"%02x.%u\", \"id\": \"1af4:%04x\"",
		    f ? ", " : "", any_slot ? slot : 0, f, 0x1041 + gen_below(r, 8));
		if (nfn > 1)
			acs(r, b, false);
		if (!f && gen_below(r, 6) == 0)
			put(b, ", \"sriov\": {\"total\": 4, \"num\": %u}", gen_below(r, 3));
		put(b, "}");
	}
}

static void below_link(struct gen_rng *r, struct buf *b, unsigned depth);

static void switch_node(struct gen_rng *r, struct buf *b, unsigned depth)
{
	unsigned ndp = 1 + gen_below(r, 3);

	put(b, "{\"kind\": \"switch\", \"acs\": false, \"children\": [");
	for (unsigned i = 0; i < ndp; i++) {
		put(b, "%s{\"kind\": \"downstream_port\", \"slot\": \"%02x.0\"", i ? ", " : "", i + 1);
		acs(r, b, true);
		put(b, ", \"children\": [");
		if (gen_below(r, 5))
			below_link(r, b, depth + 1);
		put(b, "]}");
	}
	put(b, "]}");
}

static void below_link(struct gen_rng *r, struct buf *b, unsigned depth)
{
	unsigned k = gen_below(r, 10);

	if (k < 6 || depth > 1)
		endpoint_slot(r, b, 0, false);
	else if (k < 9)
		switch_node(r, b, depth);
	else
		put(b, "{\"kind\": \"pcie_pci_bridge\", \"children\": [{\"slot\": \"00.0\"}, {\"slot\": \"01.0\"}]}");
}

char *gen_spec(struct gen_rng *r)
{
	struct buf b = { 0 };
	unsigned nports = 1 + gen_below(r, 4), nrc = gen_below(r, 3);

	put(&b, "{\"devices\": [{\"kind\": \"rciep\", \"slot\": \"00.0\", \"id\": \"8086:1237\", "
	    "\"class\": \"060000\"}");
	for (unsigned i = 0; i < nports; i++) {
		bool pch = gen_below(r, 6) == 0;

		/* a Wellsburg PCH root port has no ACS capability: only the kernel's quirk isolates it */
		put(&b, ", {\"kind\": \"root_port\", \"slot\": \"%02x.0\"%s", 1 + i,
		    pch ? ", \"id\": \"8086:8d10\", \"acs\": false" : "");
		if (!pch)
			acs(r, &b, true);
		put(&b, ", \"children\": [");
		if (gen_below(r, 6))
			below_link(r, &b, 0);
		put(&b, "]}");
	}
	for (unsigned i = 0; i < nrc; i++) {
		put(&b, ", ");
		endpoint_slot(r, &b, 0x10 + i, true);
	}
	put(&b, "]}");
	return b.p;
}

static void target(struct gen_rng *r, struct buf *b, const struct pcilu_topology *t)
{
	const struct pcilu_dev *d = &t->devs[gen_below(r, (unsigned)t->ndevs)];
	unsigned k = gen_below(r, 8);

	if (k < 5)
		put(b, "%04x:%02x:%02x.%x", d->seg, d->bus, PCI_SLOT(d->devfn), PCI_FUNC(d->devfn));
	else if (k < 7)
		put(b, "pci:%04x:%04x", d->vendor, d->device);
	else
		put(b, "pci:0:0");	/* every device */
}

char *gen_cmdline(struct gen_rng *r, const struct pcilu_topology *t)
{
	struct buf b = { 0 };
	unsigned n;

	put(&b, "ro quiet");
	if (gen_below(r, 3)) {
		put(&b, " pci=config_acs=");
		n = 1 + gen_below(r, 3);
		for (unsigned i = 0; i < n; i++) {
			unsigned len = 1 + gen_below(r, 7);

			put(&b, "%s", i ? ";" : "");
			for (unsigned k = 0; k < len; k++)
				put(&b, "%c", "01x"[gen_below(r, 3)]);
			put(&b, "@");
			target(r, &b, t);
		}
	}
	if (gen_below(r, 3) == 0) {
		put(&b, " pci=disable_acs_redir=");
		n = 1 + gen_below(r, 2);
		for (unsigned i = 0; i < n; i++) {
			put(&b, "%s", i ? ";" : "");
			target(r, &b, t);
		}
	}
	n = gen_below(r, 8);
	put(&b, "%s", n == 0 ? " intel_iommu=off" : n == 1 ? " iommu=off" : " intel_iommu=on");
	return b.p;
}
