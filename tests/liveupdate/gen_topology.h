/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A seeded, reproducible generator of random topology specs and random next
 * kernel command lines, for the simulation's property tests.
 */
#ifndef PCILU_TEST_GEN_TOPOLOGY_H
#define PCILU_TEST_GEN_TOPOLOGY_H

#include <stddef.h>
#include <stdint.h>

#include <pcilu/pci.h>

struct gen_rng {
	uint64_t s;
};

uint64_t gen_next(struct gen_rng *r);
unsigned gen_below(struct gen_rng *r, unsigned n);

/* A pcilu-spec/1 document (malloc'd). */
char *gen_spec(struct gen_rng *r);
/*
 * A command line for the next kernel: pci=config_acs= and
 * pci=disable_acs_redir= entries aimed at random devices of @t (by address,
 * by path or by ids), sometimes intel_iommu=off or iommu=off. malloc'd.
 */
char *gen_cmdline(struct gen_rng *r, const struct pcilu_topology *t);

#endif
