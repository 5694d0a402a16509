/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the simulate layer (the next kernel, snapshot diffs). */
#ifndef PCILU_SIMULATE_INT_H
#define PCILU_SIMULATE_INT_H

#include "../liveupdate/liveupdate_int.h"
#include <pcilu/simulate.h>

/* Append a change; NULL when out of memory. */
struct pcilu_change *pcilu_changes_add(struct pcilu_changes *c, enum pcilu_change_kind k,
				       const struct pcilu_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void pcilu_changes_free(struct pcilu_changes *c);

/* Two computed views of a host and how their devices correspond. */
struct lu_cmp {
	const struct pcilu_iommu *ra, *rb;
	const struct pcilu_topology *a, *b;
	int32_t *a2b, *b2a;		/* index on the other side, PCILU_NONE */
	const uint8_t *preserved_b;	/* per b device: preserve role, or NULL */
	const uint8_t *added_b;		/* per b device: why it appeared (simulate), or NULL */
	struct pcilu_changes *out;
};

/* Match devices by address (same ids), then with @moves the rest by ids. */
int pcilu_cmp_map(struct lu_cmp *c, bool moves);
void pcilu_cmp_free(struct lu_cmp *c);
int pcilu_cmp_presence(struct lu_cmp *c);	/* appeared, disappeared, moved, ids */
int pcilu_cmp_registers(struct lu_cmp *c);	/* ACS Control, ARI Forwarding, bus numbers */
int pcilu_cmp_groups(struct lu_cmp *c);		/* groups split or merged */

/* The next kernel's raw host (sim_events.c): a copy of @t, then the events; @name names the option. */
int pcilu_sim_raw_copy(const struct pcilu_topology *t, struct pcilu_raw_host *h);
int pcilu_sim_add_fragment(const struct pcilu_topology *t, struct pcilu_raw_host *h, const char *text,
			   const char *name, struct pcilu_diag *d);
int pcilu_sim_enable_vfs(const struct pcilu_topology *t, struct pcilu_raw_host *h,
			 const struct pcilu_sim_sriov *e, const char *name, struct pcilu_diag *d);

#endif
