/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the liveupdate layer. */
#ifndef PCILU_LIVEUPDATE_INT_H
#define PCILU_LIVEUPDATE_INT_H

#include "../pci/pci_int.h"
#include <pcilu/liveupdate.h>

/* ---- Addresses, groups, ACS paths: shared with handover/ and simulate/ ---- */

static inline struct pcilu_lu_addr pcilu_lu_addr_of(const struct pcilu_dev *d)
{
	return (struct pcilu_lu_addr){ .seg = d->seg, .bdf = (uint16_t)(d->bus << 8 | d->devfn) };
}

static inline bool pcilu_lu_addr_eq(struct pcilu_lu_addr a, struct pcilu_lu_addr b)
{
	return a.seg == b.seg && a.bdf == b.bdf;
}

static inline int32_t pcilu_lu_find(const struct pcilu_topology *t, struct pcilu_lu_addr a)
{
	return pcilu_topology_find(t, a.seg, (uint8_t)(a.bdf >> 8), (uint8_t)a.bdf);
}

/*
 * Devices that have a group, sorted by (group number, device index): the
 * members of a group without a scan of every device per preserved node,
 * which made plan and verify quadratic in the host's size. @group[] numbers
 * the computed groups; NULL with @kernel takes dev->kernel_group.
 */
struct pcilu_lu_gindex {
	struct pcilu_lu_gentry { int32_t group, dev; } *e;
	size_t n;
	const int32_t *group;
	bool kernel;
	/* Groups taken from these results: their member lists are the index, nothing sorted. */
	const struct pcilu_iommu *r;
};

int pcilu_lu_gindex_build(const struct pcilu_topology *t, const int32_t *group, bool kernel,
			  struct pcilu_lu_gindex *x);
/* The index of @io's computed groups (none when @io is NULL): @io's own results' lists when it has them. */
int pcilu_lu_gindex_of(const struct pcilu_topology *t, const struct pcilu_lu_iommu *io,
		       struct pcilu_lu_gindex *x);
void pcilu_lu_gindex_free(struct pcilu_lu_gindex *x);

/*
 * Members of @dev's group in @x as addresses, in device order. *n = 0 and
 * no allocation when the device has no group.
 */
int pcilu_lu_group_members(const struct pcilu_topology *t, const struct pcilu_lu_gindex *x,
			   int32_t dev, struct pcilu_lu_addr **out, size_t *n);
/* How many devices share @dev's group in @x (0: none), and the first other one (*other). */
size_t pcilu_lu_group_count(const struct pcilu_topology *t, const struct pcilu_lu_gindex *x,
			    int32_t dev, int32_t *other);

/*
 * pci_acs_path_enabled(up, NULL, REQ_ACS_FLAGS) through the iommu layer, the
 * one ACS path test of the rules engine and of verify: 1 yes, 0 no (*fail the
 * failing bridge, *e its evaluation, @why, unless NULL, both in words), -ENODATA when ACS
 * state was not readable.
 */
int pcilu_lu_acs_path_ok(const struct pcilu_iommu *r, int32_t up, int32_t *fail, struct pcilu_acs_eval *e,
			 char *why, size_t len);

/* ---- Preflight rules engine (issue 4) ---- */

#include <pcilu/iommu.h>

#define LU_MAX_PATH	256	/* deeper than any bus hierarchy (256 buses per segment) */

/*
 * What the rules decide with, and what their words are later made from: a
 * check keeps it (pcilu_lu_check.ctx) until it is freed.
 */
struct pcilu_lu_ctx {
	const struct pcilu_topology *t;
	const struct pcilu_iommu *r;	/* the groups under the caller's policy */
	/*
	 * Linux 7.2 with an IOMMU on (what a reboot would give): only words use
	 * it, so a check computes it when they first ask (pcilu_lu_ctx_r_on()),
	 * not for every preflight whose reasons are never worded. NULL then.
	 */
	const struct pcilu_iommu *r_on;
	const struct pcilu_lu_gindex *kx;	/* the source's own kernel groups, NULL when it has none */
	bool iommu_on;
	uint8_t iommu_from;		/* enum pcilu_fact_origin */
	uint16_t platform_vendor;	/* the host bridge's vendor: whose IOMMU to turn on */
	/* What the command line already has: a remedy never asks for it again. */
	bool cmd_iommu_off, cmd_intel_off, cmd_amd_off, cmd_intel_on;
	const struct pcilu_lu_slot *slots;
	size_t nslots;
	/* What a check's context owns (check.c): the groups r_on when computed, the kernel groups. */
	struct pcilu_lu_lazy *lazy;
	struct pcilu_lu_gindex own_kx;
};

/* ctx.c: the context of check @c under @p (PCILU_LU_NO_SLOTS in @opts: slots when asked), in c->ctx. */
int pcilu_lu_ctx_new(struct pcilu_lu_check *c, const struct pcilu_policy *p, unsigned opts);
void pcilu_lu_ctx_free(struct pcilu_lu_ctx *x);
/* c->r_on, or the check's own, computed on the first call (thread-safe); NULL on -ENOMEM. */
const struct pcilu_iommu *pcilu_lu_ctx_r_on(const struct pcilu_lu_ctx *c);
/* c->slots, or, for a check run without them, the check's own built on the first call. 0 or -ENOMEM. */
int pcilu_lu_ctx_slots(const struct pcilu_lu_ctx *c, const struct pcilu_lu_slot **s, size_t *n);

/*
 * pcilu_lu_check_run() with options: PCILU_LU_NO_SLOTS leaves c->slots
 * empty (a plan prints none; the words that name slots find them when asked).
 */
#define PCILU_LU_NO_SLOTS 1u
int pcilu_lu_check_run_opts(const struct pcilu_iommu *r, const struct pcilu_policy *p, unsigned profiles,
			    const int32_t *devs, size_t n, bool preserve, unsigned opts,
			    struct pcilu_lu_check **out, struct pcilu_diag *d);

/* The bridges above @dev (nearest first); *root says whether a root bus was reached. */
size_t pcilu_lu_path(const struct pcilu_topology *t, int32_t dev, int32_t *path, size_t max, bool *root);
/* Append a copy of @r. -ENOMEM. */
int pcilu_lu_reason_add(struct pcilu_lu_reason **a, size_t *n, const struct pcilu_lu_reason *r);
void pcilu_lu_reasons_free(struct pcilu_lu_reason *a, size_t n);
/* The verdict of @dev under @profile (rules.c). */
int pcilu_lu_eval(const struct pcilu_lu_ctx *c, int32_t dev, unsigned profile, struct pcilu_lu_verdict *v);
/*
 * Whether @dev's DMA can carry another requester ID: PCILU_LUW_ALIAS_QUIRK
 * or PCILU_LUW_ALIAS_BRIDGE (*via = the real DMA device or the bridge), 0 not.
 */
uint8_t pcilu_lu_dma_alias(const struct pcilu_lu_ctx *c, int32_t dev, int32_t *via);
/* The words of @r (words.c): *text and, @remedy not NULL, *remedy (or NULL). 0 or -ENOMEM. */
int pcilu_lu_words(const struct pcilu_lu_ctx *c, const struct pcilu_lu_reason *r, char **text, char **remedy);
/* A root or downstream port: where a card sits. */
static inline bool pcilu_lu_is_slot_port(const struct pcilu_dev *d)
{
	return pcilu_is_bridge(d) && d->pcie_pos &&
	       (d->pcie_type == PCI_EXP_TYPE_ROOT_PORT || d->pcie_type == PCI_EXP_TYPE_DOWNSTREAM);
}

/* slots.c: every root and downstream port; remedy.c: the remedies that name them. */
int pcilu_lu_slots_build(const struct pcilu_lu_ctx *c, struct pcilu_lu_slot **out, size_t *n);
void pcilu_lu_slots_free(struct pcilu_lu_slot *s, size_t n);
/* Why a card below @s would not pass (remedy.c): *text, NULL when it would. 0 or -ENOMEM. */
int pcilu_lu_slot_text(const struct pcilu_lu_ctx *c, const struct pcilu_lu_slot *s, char **text);
/* What would make REQ_ACS_FLAGS pass at @bridge (malloc'd, NULL on ENOMEM). */
char *pcilu_lu_acs_remedy(const struct pcilu_lu_ctx *c, int32_t card, int32_t bridge, const struct pcilu_acs_eval *e,
			  unsigned profile);
/* "move the card; slots ... : A, B" for @profile (malloc'd). */
/*
 * "move the card" with the slots of this host that would help @card: ports with a
 * physical slot (Slot Implemented), at least as wide and fast as the card's link;
 * an on-board @card (its port has no slot) is said not to move.
 */
char *pcilu_lu_move_remedy(const struct pcilu_lu_ctx *c, const char *lead, unsigned profile, int32_t card);
/*
 * What turns the IOMMU on, read against the command line the host has: never
 * an option it already has (then: what else keeps it off, how to check).
 */
const char *pcilu_lu_iommu_fix(const struct pcilu_lu_ctx *c, char *buf, size_t len);
/* Under @profile, code or policy enforces @rule (enum pcilu_lu_basis). */
uint8_t pcilu_lu_rule_basis(unsigned profile, uint8_t rule);

#endif
