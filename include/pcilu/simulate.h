/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcilu simulate layer: the next kernel. What a kexec with some devices
 * preserved would give (events applied: devices added, VFs enabled, another
 * command line), its groups and eligibility recomputed and compared with
 * now; and the same comparison between two snapshots of a host or two
 * command lines (diff). Built on pcilu/liveupdate.h; the handover
 * (pcilu/handover.h) is separate and neither calls the other.
 */
#ifndef PCILU_SIMULATE_H
#define PCILU_SIMULATE_H

#include <pcilu/base.h>
#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Next-kernel simulation and snapshot diff (issue 9) ------------------- */

struct pcilu_iommu;
struct pcilu_policy;

/* What changed between two views of a host (simulate: now -> next kernel; diff: A -> B). */
enum pcilu_change_kind {
	PCILU_CH_LOST_ISOLATION = 1,	/* a preserved endpoint eligible now is not in the next kernel */
	PCILU_CH_NOT_ELIGIBLE,		/* a preserved endpoint is not eligible even now */
	PCILU_CH_JOINED,		/* a device newly shares a group with a preserved endpoint */
	PCILU_CH_GROUP_SPLIT,		/* one group before, several after */
	PCILU_CH_GROUP_MERGED,		/* several groups before, one after */
	PCILU_CH_ROUTING,		/* ACS Control of a preserved node changes under in-flight DMA */
	PCILU_CH_ACS,			/* ACS Control of another device changes */
	PCILU_CH_ARI,			/* ARI Forwarding Enable of a bridge changes */
	PCILU_CH_BUS_NUMBERS,		/* primary/secondary/subordinate of a bridge change */
	PCILU_CH_APPEARED,		/* a device exists only after (hot-plug, VF, new device) */
	PCILU_CH_DISAPPEARED,		/* a device exists only before */
	PCILU_CH_MOVED,			/* the same ids at another address (diff) */
	PCILU_CH_IDS,			/* another device at the same address (diff) */
};

struct pcilu_change {
	enum pcilu_change_kind kind;
	bool preserved;			/* concerns a preserved node */
	struct pcilu_lu_addr addr;	/* the device (its "after" address but for DISAPPEARED) */
	struct pcilu_lu_addr other;	/* JOINED: the preserved endpoint; MOVED: old address */
	bool has_other;
	uint32_t before, after;		/* ACS Control, ARI 0/1, buses pri << 16 | sec << 8 | sub, ids */
	struct pcilu_lu_addr *members;	/* SPLIT: the group before; MERGED: the group after */
	size_t nmembers;
	unsigned parts;			/* SPLIT/MERGED: how many groups on the other side */
	char *text;			/* one English sentence */
};

struct pcilu_changes {
	struct pcilu_change *v;
	size_t count, cap;
};

/* --sriov BDF=N: enable N VFs on a PF in the next kernel. */
struct pcilu_sim_sriov {
	uint32_t seg;
	uint8_t bus, devfn;
	uint16_t num;
};

struct pcilu_sim_opts {
	const char *cmdline;		/* next kernel's command line; NULL: the one the source records */
	const char *rules;		/* next kernel's rule set (--rules); NULL: linux */
	bool no_inherit;		/* mainline 7.2: no PCI Live Update series in the next kernel */
	unsigned profile;		/* enum pcilu_lu_profile judging eligibility (0: v4) */
	const char *const *adds;	/* spec fragments that appear after the kexec (--add) */
	size_t nadds;
	const struct pcilu_sim_sriov *sriov;	/* SR-IOV enabled after the kexec */
	size_t nsriov;
};

/* One preserved endpoint: the v4 verdict now and in the next kernel. */
struct pcilu_sim_endpoint {
	int32_t dev;		/* index in the current topology */
	int32_t next_dev;	/* index in the next topology */
	int now, next;		/* 1 eligible, 0 refused, <0 undecidable */
	char why_now[384], why_next[384];
};

struct pcilu_sim {
	const struct pcilu_topology *now;	/* the host as read (not owned) */
	struct pcilu_topology *next;		/* the next kernel's view, events applied */
	struct pcilu_policy *pol_next;		/* the next kernel's command line and rules */
	struct pcilu_iommu *r_now, *r_next;
	uint8_t *preserved_next;		/* per next device: enum pcilu_lu_role or 0 */
	struct pcilu_preserve_set set;		/* on the current topology */
	struct pcilu_sim_endpoint *eps;
	size_t neps;
	struct pcilu_changes ch;
	size_t failing;		/* preserved endpoints not isolated in the next kernel */
	bool inherit, assign_busses, noari;
	unsigned profile;
	struct pcilu_sim_own *own;		/* private: the simulation's working state */
};

/*
 * Build the next kernel's view of @t with @preserve (device indices of @t)
 * preserved, recompute groups and eligibility, and list what changes. 0 or
 * a negative errno (problems in @d).
 */
PCILU_API int pcilu_simulate(const struct pcilu_topology *t, const int32_t *preserve, size_t n,
			     const struct pcilu_sim_opts *o, struct pcilu_sim **out, struct pcilu_diag *d);
PCILU_API void pcilu_sim_free(struct pcilu_sim *s);

struct pcilu_diff {
	const struct pcilu_topology *a, *b;	/* not owned */
	struct pcilu_iommu *ra, *rb;		/* each side's groups (they keep the policies they were computed with) */
	struct pcilu_changes ch;
	struct pcilu_policy *own;		/* private: the two sides' policies */
};

/* Compare two snapshots, each with the command line it records and ACS as read. */
PCILU_API int pcilu_diff(const struct pcilu_topology *a, const struct pcilu_topology *b,
			 struct pcilu_diff **out, struct pcilu_diag *d);
/*
 * One host under two command lines: the one @t records and @cmdline, each with
 * ACS as @base says (--acs=linux: a cold boot programs it, pci_enable_acs());
 * what a command line would change, in one run (pcilu groups --cmdline X --diff).
 */
PCILU_API int pcilu_diff_cmdline(const struct pcilu_topology *t, const struct pcilu_policy *base, const char *cmdline,
				 struct pcilu_diff **out, struct pcilu_diag *d);
PCILU_API void pcilu_diff_free(struct pcilu_diff *df);

PCILU_API const char *pcilu_change_kind_name(enum pcilu_change_kind k);

#ifdef __cplusplus
}
#endif
#endif
