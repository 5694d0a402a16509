/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcilu liveupdate layer, the preflight: may these devices be preserved?
 * Which devices a Live Update preserves (the device and every bridge up to
 * its root port, refcounted as the kernel does) and what each rule set the
 * kernel has had says of them. What is handed over across kexec and checked
 * after it is pcilu/handover.h; the next kernel simulated is pcilu/simulate.h.
 * Both build on this header; it includes neither.
 *
 * Sections:
 *   1. IOMMU facts the layer needs (interface to the iommu layer)
 *   2. Preserve set (shared with the preflight rules engine) and device addresses
 *   3. Preflight rules engine (issue 4)
 */
#ifndef PCILU_LIVEUPDATE_H
#define PCILU_LIVEUPDATE_H

#include <pcilu/base.h>
#include <pcilu/iommu.h>
#include <pcilu/pci.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- 1. IOMMU facts -------------------------------------------------------- */

/*
 * What the liveupdate layer asks of the iommu layer: a group number per
 * device and the iommu result for ACS path tests. Tests may pass groups of
 * their own.
 */
struct pcilu_lu_iommu {
	/* Computed IOMMU group number of every device index (t->ndevs entries),
	 * PCILU_NONE for a device without a group; NULL when not computed. */
	const int32_t *group;
	/* For pcilu_acs_path_enabled(); NULL: ACS paths are not checked. */
	const struct pcilu_iommu *r;
	/* Private: what pcilu_lu_iommu_compute() and _use() allocated, NULL for groups of one's own. */
	struct pcilu_lu_iommu_own *own;
};

/*
 * Compute the groups of @t as Linux 7.2 forms them (ACS as read, the
 * topology's own kernel command line when it has one). Release with
 * pcilu_lu_iommu_release() even on failure.
 */
PCILU_API int pcilu_lu_iommu_compute(const struct pcilu_topology *t, struct pcilu_lu_iommu *io,
				     struct pcilu_diag *d);
/* The groups of an existing result @r (not owned: keep it until the release). */
PCILU_API int pcilu_lu_iommu_use(const struct pcilu_iommu *r, struct pcilu_lu_iommu *io);
PCILU_API void pcilu_lu_iommu_release(struct pcilu_lu_iommu *io);

/* ---- 2. Preserve set, device addresses ------------------------------------ */

enum pcilu_lu_role {
	PCILU_LU_ENDPOINT = 1,	/* asked for by the user */
	PCILU_LU_BRIDGE = 2,	/* preserved because a preserved device is below it */
};

struct pcilu_preserve_node {
	int32_t dev;		/* device index in the topology */
	enum pcilu_lu_role role;
	uint32_t refcount;	/* preserved endpoints at or below (pci_dev_ser.refcount) */
};

struct pcilu_preserve_set {
	struct pcilu_preserve_node *nodes;	/* in the kernel's probe order (device index) */
	size_t count;
	size_t nendpoints;
};

/*
 * pci_liveupdate_preserve() path walk, drivers/pci/liveupdate.c (liveupdate
 * next, 2026): every endpoint plus each bridge up to its root port; a
 * bridge's refcount counts the endpoints below it. An endpoint listed twice
 * is -EBUSY; a bridge listed as an endpoint is -EINVAL; a path that does not
 * reach a root bus is -EINVAL. Problems are named in @d.
 */
PCILU_API int pcilu_preserve_set_build(const struct pcilu_topology *t, const int32_t *devs, size_t n,
				       struct pcilu_preserve_set *set, struct pcilu_diag *d);
PCILU_API void pcilu_preserve_set_free(struct pcilu_preserve_set *set);
PCILU_API const char *pcilu_lu_role_name(enum pcilu_lu_role r);

/* A device address: segment plus bus << 8 | devfn (the kernel's pci_dev_id()). */
struct pcilu_lu_addr {
	uint32_t seg;
	uint16_t bdf;
};

PCILU_API char *pcilu_lu_addr_fmt(struct pcilu_lu_addr a, char *buf, size_t len);

/* ---- 3. Preflight rules engine (issue 4) ----------------------------------- */

/*
 * Which devices a Live Update can preserve under each rule set the kernel
 * has had (docs: README "pcilu check"). Built on the iommu layer's groups
 * and ACS evaluation; the preserve set of section 2 gives the refcounts.
 */
struct pcilu_iommu;
struct pcilu_policy;

enum pcilu_lu_profile {
	PCILU_LU_V4 = 0,	/* PCI v4 (2026-04): not a VF, immutable singleton group (08/11) */
	PCILU_LU_NEXT,		/* liveupdate.git next (2026-09): VFs and ACS-quirk devices on the path refused */
	PCILU_LU_IOMMUFD,	/* next + singleton group checked at the iommufd step of a vfio cdev preserve */
};
#define PCILU_LU_NPROFILES	3
#define PCILU_LU_ALL_PROFILES	((1u << PCILU_LU_NPROFILES) - 1)

PCILU_API const char *pcilu_lu_profile_name(unsigned profile);
/* "v4", "next", "iommufd": the profile, or -EINVAL. */
PCILU_API int pcilu_lu_profile_parse(const char *s);

/* The rule a reason is about. */
enum pcilu_lu_rule {
	PCILU_LUR_BRIDGE = 1,	/* a bridge was asked for: vfio-pci binds only type-0 functions */
	PCILU_LUR_VF,		/* is_virtfn: the device (v4) or it or a bridge on its path (next) */
	PCILU_LUR_ACS_QUIRK,	/* pci_need_dev_specific_enable_acs(): device or path bridge */
	/*
	 * Not produced: pcilu_topology_build() leaves out every device no root
	 * bus reaches, so each one has a path (pci_liveupdate_preserve_path()).
	 * Kept so that the values after it keep their numbers.
	 */
	PCILU_LUR_NO_PATH,
	PCILU_LUR_NO_GROUP,	/* no IOMMU group: no IOMMU is on (noiommu) */
	PCILU_LUR_GROUP,	/* the group holds other devices */
	PCILU_LUR_ACS_PATH,	/* REQ_ACS_FLAGS not enabled at a bridge between the device and the root */
	PCILU_LUR_DMA_ALIAS,	/* DMA from the device can carry another requester ID */
	PCILU_LUR_BUSY,		/* preserve set: endpoint already preserved */
	PCILU_LUR_PARTIAL_GROUP,/* preserve set: a member of its group is not preserved */
	PCILU_LUR_UNREADABLE,	/* the device reads all-ones: nothing about it can be decided */
};

enum pcilu_lu_severity {
	PCILU_LUS_REFUSE = 1,	/* the kernel refuses: the verdict is negative */
	PCILU_LUS_CAVEAT,	/* allowed, but isolation is weaker than it looks */
	PCILU_LUS_NOTE,		/* allowed; worth knowing */
	PCILU_LUS_UNDECIDED,	/* the rule needs bytes or facts the source lacks */
};

/* A verdict has three states: unknown never becomes "eligible" or "refused". */
enum pcilu_lu_state {
	PCILU_LU_ELIGIBLE = 0,
	PCILU_LU_REFUSED,	/* some rule refuses for certain */
	PCILU_LU_UNDECIDED,	/* nothing refuses for certain, but some rule could not be decided */
};

/* What enforces a rule under a profile: code that exists, or a policy review agreed on. */
enum pcilu_lu_basis {
	PCILU_LU_CODE = 0,	/* the profile's kernel code refuses (as posted or staged) */
	PCILU_LU_POLICY,	/* agreed in review, in no posted code (the iommufd singleton group) */
};

/*
 * Which sentence a reason is: the rules decide with these codes and device
 * indices; words are made only when a reason is printed
 * (pcilu_lu_reason_words()).
 */
enum pcilu_lu_why {
	PCILU_LUW_BRIDGE = 1,	/* a bridge was asked for */
	PCILU_LUW_UNREADABLE,	/* the device reads all-ones */
	PCILU_LUW_VF,		/* is_virtfn (v4: the device; next: the device or a path bridge) */
	PCILU_LUW_ACS_QUIRK,	/* pci_dev_acs_ops[] matches the device or a path bridge */
	PCILU_LUW_NO_IOMMU,	/* no IOMMU is on: no group (v4, iommufd) */
	PCILU_LUW_NO_IOMMU_NOTE,/* no IOMMU is on: next preserves at the PCI level only */
	PCILU_LUW_UNGROUPED,	/* no IOMMU translates it (kernel groups or firmware tables) */
	PCILU_LUW_IOMMU_FN,	/* an IOMMU's own PCI function */
	PCILU_LUW_GROUP_KERNEL,	/* the source's kernel group holds others (@other: the first) */
	PCILU_LUW_GROUP_UNREAD,	/* alone, but in a group resting on unread bytes */
	PCILU_LUW_GROUP_NOTE,	/* next: the group holds others; the PCI core does not check */
	PCILU_LUW_GROUP_SHARED,	/* the computed group holds others */
	PCILU_LUW_ACS_PATH,	/* REQ_ACS_FLAGS fails at @dev, above the card */
	PCILU_LUW_ALIAS_QUIRK,	/* a quirk gives the card DMA aliases (@other: its real DMA device) */
	PCILU_LUW_ALIAS_BRIDGE,	/* a PCI or PCIe-to-PCI bridge (@other) takes over its requester ID */
	PCILU_LUW_PARTIAL,	/* preserve set: @other, in the card's group, is not preserved */
};

struct pcilu_lu_reason {
	uint8_t rule;		/* enum pcilu_lu_rule */
	uint8_t why;		/* enum pcilu_lu_why: the sentence that renders it */
	uint8_t profile;	/* enum pcilu_lu_profile it was decided under */
	uint8_t sev;		/* enum pcilu_lu_severity */
	uint8_t flags;		/* PCILU_RF_* of the evaluation it rests on */
	int err;		/* negative errno the kernel returns for it (0 for caveats, notes) */
	int32_t card;		/* the device the verdict is about */
	int32_t dev;		/* where the rule failed: the device or a bridge on its path */
	int32_t other;		/* GROUP: a fellow member; DMA_ALIAS: the aliasing bridge; PARTIAL: the member left out */
	uint16_t missing;	/* ACS_PATH: REQ_ACS_FLAGS bits capable but not enabled (or required, no cap) */
	uint8_t basis;		/* enum pcilu_lu_basis */
};

struct pcilu_lu_verdict {
	unsigned profile;
	uint8_t state;		/* enum pcilu_lu_state */
	bool eligible;		/* state == PCILU_LU_ELIGIBLE */
	int err;		/* 0, or what pci_liveupdate_preserve()/the iommufd step returns first */
	struct pcilu_lu_reason *reasons;	/* in the kernel's order of checks */
	size_t nreasons;
};

struct pcilu_lu_devcheck {
	int32_t dev;
	int32_t group;		/* computed IOMMU group, PCILU_NONE when no IOMMU is on */
	struct pcilu_lu_verdict v[PCILU_LU_NPROFILES];	/* only selected profiles are filled */
};

/* A root or downstream port, and what a single-function endpoint placed below it would get. */
struct pcilu_lu_slot {
	int32_t port;
	bool ok[PCILU_LU_NPROFILES];	/* the endpoint would be eligible */
	bool singleton;		/* it would get an immutable singleton group (ACS path from the port) */
	int32_t acs_fail;	/* first bridge (from the port up) failing REQ_ACS_FLAGS, or PCILU_NONE */
	int32_t quirk;		/* first bridge needing a device-specific ACS quirk, or PCILU_NONE */
	bool root;		/* a chain of bridges reaches a root bus */
};

/* One pci_liveupdate_preserve() call of a sequence. */
struct pcilu_lu_request {
	int32_t dev;
	uint8_t state;		/* enum pcilu_lu_state of the device's verdict */
	int err;		/* 0 or the errno of this call */
	uint8_t rule;		/* the rule that refused it, 0 when preserved */
};

struct pcilu_lu_preserve {
	unsigned profile;
	struct pcilu_lu_request *reqs;
	size_t nreqs;
	struct pcilu_preserve_set set;		/* what stays preserved after the sequence */
	struct pcilu_lu_reason *conflicts;	/* partial groups, ... */
	size_t nconflicts;
	bool ok;		/* every request succeeded and nothing was refused */
	uint8_t state;		/* enum pcilu_lu_state: undecided when a request rests on unknowns */
};

/* Whether a kernel can preserve PCI devices at all (the PCI Live Update series). */
enum pcilu_klu {
	PCILU_KLU_UNKNOWN = 0,
	PCILU_KLU_NO,
	PCILU_KLU_YES,
};

/* How that was decided. */
enum pcilu_klu_how {
	PCILU_KLU_BY_NOTHING = 0,	/* no release, no config: nothing to decide by */
	PCILU_KLU_BY_RELEASE,		/* the release: no PCI Live Update before 7.4 */
	PCILU_KLU_BY_CONFIG,		/* CONFIG_PCI_LIVEUPDATE in the running kernel's config */
};

struct pcilu_lu_kernel {
	char release[128];	/* the source's kernel release, "" when unknown */
	uint8_t pci_lu;		/* enum pcilu_klu */
	uint8_t how;		/* enum pcilu_klu_how */
	int8_t luo;		/* /dev/liveupdate exists: 1, 0, -1 unknown (neither live nor captured) */
	bool running;		/* the kernel running here (live source), not one a file describes */
	char config[160];	/* the config file read, "" when none */
};

/*
 * What the kernel that produced @t can do. A live topology's kernel config
 * (@root "/boot/config-RELEASE", NULL root = "/") decides when readable;
 * otherwise the release: before 7.4 no kernel carries the PCI series; 7.4
 * and later stay unknown (staged for 7.4, merge not confirmed). 0 always.
 */
PCILU_API int pcilu_lu_kernel_probe(const struct pcilu_topology *t, const char *root, struct pcilu_lu_kernel *k);
/* "the running kernel cannot preserve PCI devices (...)": one sentence. */
PCILU_API const char *pcilu_lu_kernel_text(const struct pcilu_lu_kernel *k, char *buf, size_t len);
PCILU_API const char *pcilu_lu_klu_name(unsigned v);	/* "no", "yes", "unknown" */
PCILU_API const char *pcilu_lu_klu_how_name(unsigned v);	/* "config", "release", "none" */

struct pcilu_lu_check {
	const struct pcilu_topology *t;
	const struct pcilu_iommu *r;
	bool iommu_on;
	uint8_t iommu_from;		/* enum pcilu_fact_origin */
	bool capture_off;		/* the IOMMU is judged on, but the capture itself had none */
	uint8_t capture_from;		/* what says so */
	struct pcilu_lu_kernel kernel;	/* what the source's kernel can do */
	uint8_t state;			/* enum pcilu_lu_state over every verdict and preserve sequence */
	size_t nrefused, nundecided;	/* devices with at least one such verdict */
	size_t nstate[PCILU_LU_NPROFILES][3];	/* devices per profile and enum pcilu_lu_state */
	unsigned profiles;		/* bit mask of enum pcilu_lu_profile */
	struct pcilu_lu_devcheck *devs;
	size_t ndevs;
	struct pcilu_lu_slot *slots;
	size_t nslots;
	struct pcilu_lu_preserve pres[PCILU_LU_NPROFILES];
	bool has_preserve;
	bool eligible;			/* every checked device (and the preserve set) passes every selected profile */
	struct pcilu_lu_ctx *ctx;	/* private: what the words of reasons and slots are made from */
};

/*
 * Check @devs (n of them; n == 0: every type-0 function but host bridges)
 * under the selected @profiles, with @r computed from @p. With @preserve,
 * also preserve @devs in sequence as the kernel would. Returns 0 or a
 * negative errno (bad index, -ENOMEM); the verdicts are in *out. @r and
 * @p must outlive *out: the words of its reasons are made from them.
 */
PCILU_API int pcilu_lu_check_run(const struct pcilu_iommu *r, const struct pcilu_policy *p, unsigned profiles,
				 const int32_t *devs, size_t n, bool preserve, struct pcilu_lu_check **out,
				 struct pcilu_diag *d);
PCILU_API void pcilu_lu_check_free(struct pcilu_lu_check *c);
/* The reason a verdict rests on: the first refusal, else the first undecided rule; NULL when eligible. */
PCILU_API const struct pcilu_lu_reason *pcilu_lu_verdict_lead(const struct pcilu_lu_verdict *v);

/*
 * The words of reason @r of @c (a verdict's or a preserve sequence's): the
 * sentence in *text and, when @remedy is not NULL, what would change the
 * verdict in *remedy (NULL when nothing would). Both malloc'd; 0 or -ENOMEM.
 * Made here, not while deciding, so that a check prints only what it shows.
 */
PCILU_API int pcilu_lu_reason_words(const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r,
				    char **text, char **remedy);
/* Why a card below slot @s would not pass, malloc'd in *text (NULL when it would); 0 or -ENOMEM. */
PCILU_API int pcilu_lu_slot_words(const struct pcilu_lu_check *c, const struct pcilu_lu_slot *s, char **text);

/* "111x1@0000:00:1c.0": the pci=config_acs= entry that enables @missing on @dev. */
PCILU_API char *pcilu_lu_config_acs_str(const struct pcilu_dev *dev, uint16_t missing, char *buf, size_t len);
PCILU_API const char *pcilu_lu_rule_name(unsigned rule);
PCILU_API const char *pcilu_lu_severity_name(unsigned sev);
PCILU_API const char *pcilu_lu_state_name(unsigned state);	/* "eligible", "refused", "undecided" */
PCILU_API const char *pcilu_lu_basis_name(unsigned basis);	/* "code", "policy" */
/* What a profile stands for: "liveupdate.git next, staged for 7.4 (code)". */
PCILU_API const char *pcilu_lu_profile_basis(unsigned profile);
/* "EINVAL" for -EINVAL; "0" for 0. */
PCILU_API const char *pcilu_errno_name(int err);
#ifdef __cplusplus
}
#endif
#endif
