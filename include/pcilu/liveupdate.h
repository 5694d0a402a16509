/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcilu liveupdate layer: which devices a Live Update preserves (the device
 * and every bridge up to its root port, refcounted as the kernel does), the
 * handover manifest written before kexec and checked after it, and a small
 * client of /dev/liveupdate.
 *
 * Sections:
 *   1. IOMMU facts the layer needs (interface to the iommu layer)
 *   2. Preserve set (shared with the preflight rules engine)
 *   3. Handover manifest, verification, LUO client (issue 5)
 *   4. Preflight rules engine (issue 4; to be added below section 3)
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
	/* What pcilu_lu_iommu_compute() allocated (the result keeps its policy). */
	int32_t *own_group;
	struct pcilu_iommu *own_r;
	struct pcilu_policy *own_policy;
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

/* ---- 2. Preserve set ------------------------------------------------------- */

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

/* ---- 3. Handover manifest, verification, LUO client ------------------------ */

#define PCILU_MANIFEST_COMPATIBLE	"pcilu,manifest-v1"
#define PCILU_MANIFEST_MAX_SIZE		(16u << 20)	/* bytes; larger files are refused */
#define PCILU_MANIFEST_MAX_NODES	4096u
#define PCILU_MANIFEST_MAX_GROUP	256u		/* members recorded per IOMMU group */
#define PCILU_MANIFEST_STR_MAX		256u		/* bytes of any string property, NUL included */

/* Whose facts the host node holds (docs/manifest.md, "/host"). */
enum pcilu_host_source {
	PCILU_HOST_UNKNOWN = 0,	/* a manifest from before the "source" property */
	PCILU_HOST_LIVE,	/* plan read the running system: every fact is the source's */
	PCILU_HOST_CAPTURE,	/* a dump, spec or copied tree: ids are the planning machine's */
};

struct pcilu_manifest_host {
	char *kernel_release;	/* the source's kernel (uname -r when live); NULL when unknown */
	char *boot_id;		/* /proc/sys/kernel/random/boot_id of the machine that ran plan */
	char *machine_id;	/* /etc/machine-id of the machine that ran plan */
	uint64_t time;		/* seconds since the epoch when the plan was made */
	enum pcilu_host_source source;
	/* What plan knew of the source's kernel (absent in manifests before pcilu 0.2). */
	bool facts_recorded;
	bool iommu_on;		/* the IOMMU was on for the plan's verdicts */
	uint8_t pci_lu;		/* enum pcilu_klu: can the source's kernel preserve PCI devices */
};

/* A device address: segment plus bus << 8 | devfn (the kernel's pci_dev_id()). */
struct pcilu_lu_addr {
	uint32_t seg;
	uint16_t bdf;
};

struct pcilu_manifest_node {
	struct pcilu_lu_addr addr;
	uint16_t vendor, device, subsys_vendor, subsys_device;
	uint32_t class;
	uint8_t revision;
	enum pcilu_lu_role role;
	uint32_t refcount;
	bool has_acs;		/* the device has an ACS capability */
	uint16_t acs_cap, acs_ctrl;
	bool is_bridge;		/* bus numbers below are meaningful */
	uint8_t primary, secondary, subordinate;
	bool ari_fwd;		/* ARI Forwarding Enable (Device Control 2) */
	struct pcilu_lu_addr *group;	/* computed IOMMU group members (self included) */
	size_t ngroup;
	bool group_known;
	struct pcilu_lu_addr *kgroup;	/* the kernel's group members, when known */
	size_t nkgroup;
	bool kgroup_known;
	int32_t kgroup_id;		/* the kernel's group number */
};

struct pcilu_manifest {
	struct pcilu_manifest_host host;
	char *pcilu_version;
	char *profile;		/* rule profile the plan was checked with ("iommufd", ...) */
	bool forced;		/* written with --force despite a refusal */
	struct pcilu_manifest_node *nodes;
	size_t count;
};

/* Read boot id, machine id, kernel release and the time. @root prefixes the
 * paths ("" or NULL for /); what cannot be read stays NULL (noted in @d). */
PCILU_API int pcilu_manifest_host_collect(struct pcilu_manifest_host *h, const char *root,
					  struct pcilu_diag *d);

/*
 * The host facts of a plan of @t: collected from this machine, except that a
 * capture (not t->live) gets its own kernel release (or none), never this
 * machine's, and is marked PCILU_HOST_CAPTURE.
 */
PCILU_API int pcilu_manifest_host_for(struct pcilu_manifest_host *h, const struct pcilu_topology *t,
				      struct pcilu_diag *d);
PCILU_API const char *pcilu_host_source_name(enum pcilu_host_source s);

/* Fill a manifest from a preserve set. Takes no ownership. */
PCILU_API int pcilu_manifest_build(const struct pcilu_topology *t, const struct pcilu_preserve_set *set,
				   const struct pcilu_lu_iommu *io, const char *profile,
				   struct pcilu_manifest *m, struct pcilu_diag *d);
PCILU_API void pcilu_manifest_free(struct pcilu_manifest *m);

/* Encode as a flattened device tree (malloc'd into *buf). */
PCILU_API int pcilu_manifest_encode(const struct pcilu_manifest *m, void **buf, size_t *len);
/*
 * Decode and validate everything: structure, sizes, ranges, required
 * properties, version, duplicates. -EINVAL (with a message naming @name, the
 * node and the property in @d) for anything corrupt or foreign.
 */
PCILU_API int pcilu_manifest_decode(const void *buf, size_t len, const char *name,
				    struct pcilu_manifest *m, struct pcilu_diag *d);
PCILU_API int pcilu_manifest_read_file(const char *path, struct pcilu_manifest *m, struct pcilu_diag *d);
/*
 * Atomically (a temporary file .pcilu-XXXXXX beside @path, fsync, rename,
 * fsync of the directory), mode 0600; never over anything but a regular file.
 */
PCILU_API int pcilu_manifest_write_file(const char *path, const void *buf, size_t len, struct pcilu_diag *d);

enum pcilu_drift_kind {
	PCILU_DRIFT_MISSING = 1,	/* no device at the preserved address */
	PCILU_DRIFT_IDS,		/* another device (vendor, device, subsystem, class, revision) */
	PCILU_DRIFT_BUS_NUMBERS,	/* a preserved bridge's primary/secondary/subordinate changed */
	PCILU_DRIFT_ACS_CTRL,		/* ACS control not inherited */
	PCILU_DRIFT_ARI,		/* ARI Forwarding Enable not inherited */
	PCILU_DRIFT_ACS_PATH,		/* a preserved endpoint lost the ACS path to the root */
	PCILU_DRIFT_GROUP,		/* a device joined a preserved device's computed group */
	PCILU_DRIFT_KERNEL_GROUP,	/* a device joined a preserved device's kernel group */
};

struct pcilu_drift {
	enum pcilu_drift_kind kind;
	struct pcilu_lu_addr addr;	/* the preserved node it concerns */
	struct pcilu_lu_addr other;	/* the joining device (GROUP, KERNEL_GROUP) */
	uint32_t expected, actual;	/* raw values where they apply */
	long cause;			/* index of the drift that explains this one, or -1 */
	char *text;
};

struct pcilu_verify {
	struct pcilu_drift *drifts;
	size_t count, cap;
	size_t primary;		/* drifts with cause == -1 */
	bool same_boot;		/* set by the caller: written in this boot, no kexec since */
};

/*
 * Compare a manifest with a running topology. Returns 0 (see v->count for
 * the verdict) or a negative errno. Facts that could not be checked (no
 * computed groups, ...) are notes or warnings in @d, never drift.
 */
PCILU_API int pcilu_verify_manifest(const struct pcilu_manifest *m, const struct pcilu_topology *t,
				    const struct pcilu_lu_iommu *io, struct pcilu_verify *v,
				    struct pcilu_diag *d);
PCILU_API void pcilu_verify_free(struct pcilu_verify *v);
PCILU_API const char *pcilu_drift_kind_name(enum pcilu_drift_kind k);
PCILU_API const char *pcilu_lu_role_name(enum pcilu_lu_role r);
PCILU_API char *pcilu_lu_addr_fmt(struct pcilu_lu_addr a, char *buf, size_t len);

/* /dev/liveupdate client. Each returns a new fd or 0, or a negative errno. */
#define PCILU_LUO_DEVICE	"/dev/liveupdate"
#define PCILU_LUO_SESSION	"pcilu"
#define PCILU_LUO_TOKEN		1u	/* the manifest memfd's token in the session */

/* System calls, replaceable by tests; NULL members mean the real ones. */
struct pcilu_luo_sys {
	int (*open)(const char *path, int flags);
	int (*ioctl)(int fd, unsigned long req, void *arg);
};

PCILU_API int pcilu_luo_open(const struct pcilu_luo_sys *sys);
PCILU_API int pcilu_luo_create_session(const struct pcilu_luo_sys *sys, int luo, const char *name);
PCILU_API int pcilu_luo_retrieve_session(const struct pcilu_luo_sys *sys, int luo, const char *name);
PCILU_API int pcilu_luo_preserve_fd(const struct pcilu_luo_sys *sys, int session, int fd, uint64_t token);
PCILU_API int pcilu_luo_retrieve_fd(const struct pcilu_luo_sys *sys, int session, uint64_t token);
PCILU_API int pcilu_luo_finish(const struct pcilu_luo_sys *sys, int session);
/* A memfd holding @len bytes of @data, preserved under @token. */
PCILU_API int pcilu_luo_preserve_data(const struct pcilu_luo_sys *sys, int session, uint64_t token,
				      const void *data, size_t len);
/* Read a retrieved memfd whole, at most @max bytes. */
PCILU_API int pcilu_luo_read_data(int fd, size_t max, void **data, size_t *len);
/* What an errno means for an operation ("create-session", ...), in words. */
PCILU_API const char *pcilu_luo_strerror(const char *op, int err);

/* kexec_file_load(2) of @kernel, @initrd (may be NULL) and @cmdline. */
PCILU_API int pcilu_kexec_load(const char *kernel, const char *initrd, const char *cmdline);
/* reboot(LINUX_REBOOT_CMD_KEXEC); returns only on failure. */
PCILU_API int pcilu_kexec_reboot(void);

/* ---- 4. Preflight rules engine (issue 4) ----------------------------------- */

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

struct pcilu_lu_reason {
	uint8_t rule;		/* enum pcilu_lu_rule */
	uint8_t sev;		/* enum pcilu_lu_severity */
	uint8_t flags;		/* PCILU_RF_* of the evaluation it rests on */
	int err;		/* negative errno the kernel returns for it (0 for caveats, notes) */
	int32_t dev;		/* where the rule failed: the device or a bridge on its path */
	int32_t other;		/* GROUP: a fellow member; DMA_ALIAS: the aliasing bridge; PARTIAL: the member left out */
	uint16_t missing;	/* ACS_PATH: REQ_ACS_FLAGS bits capable but not enabled (or required, no cap) */
	uint8_t basis;		/* enum pcilu_lu_basis */
	char *text;		/* English sentence */
	char *remedy;		/* what would change the verdict (or, undecided, what to capture), or NULL */
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
	char *text;		/* why not, or NULL */
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
	unsigned profiles;		/* bit mask of enum pcilu_lu_profile */
	struct pcilu_lu_devcheck *devs;
	size_t ndevs;
	struct pcilu_lu_slot *slots;
	size_t nslots;
	struct pcilu_lu_preserve pres[PCILU_LU_NPROFILES];
	bool has_preserve;
	bool eligible;			/* every checked device (and the preserve set) passes every selected profile */
};

/*
 * Check @devs (n of them; n == 0: every type-0 function but host bridges)
 * under the selected @profiles, with @r computed from @p. With @preserve,
 * also preserve @devs in sequence as the kernel would. Returns 0 or a
 * negative errno (bad index, -ENOMEM); the verdicts are in *out.
 */
PCILU_API int pcilu_lu_check_run(const struct pcilu_iommu *r, const struct pcilu_policy *p, unsigned profiles,
				 const int32_t *devs, size_t n, bool preserve, struct pcilu_lu_check **out,
				 struct pcilu_diag *d);
PCILU_API void pcilu_lu_check_free(struct pcilu_lu_check *c);

/* A plan: what `pcilu plan` computes before it writes or hands over anything. */
struct pcilu_plan {
	struct pcilu_iommu *r;		/* the groups under the plan's policy */
	struct pcilu_lu_check *check;	/* the verdicts under its profile, devices preserved in order */
	bool refused;			/* the profile refuses a device or the preserve sequence */
	bool built;			/* m holds the manifest (not refused, or forced) */
	struct pcilu_manifest m;	/* nodes, profile, forced, and the host facts of the plan */
};

/*
 * From @t and @devs (n device indices, in the order to preserve them) to a
 * manifest, as `pcilu plan` does: the preserve set (-EBUSY, -EINVAL for a
 * bad list, before any verdict), the groups under @p, the rules engine's
 * verdicts under @profile (enum pcilu_lu_profile), and unless they refuse
 * (or with @force, marked forced) the manifest with the host facts
 * (pcilu_manifest_host_for(), the IOMMU and kernel facts of the verdicts).
 * 0 or a negative errno (problems in @d); pcilu_plan_free() @pl either way.
 */
PCILU_API int pcilu_plan(const struct pcilu_topology *t, const struct pcilu_policy *p, unsigned profile,
			 const int32_t *devs, size_t n, bool force, struct pcilu_plan *pl, struct pcilu_diag *d);
PCILU_API void pcilu_plan_free(struct pcilu_plan *pl);

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
/* ---- 5. Next-kernel simulation and snapshot diff (issue 9) ----------------- */

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
	struct pcilu_policy *pol_now, *pol_next;
	struct pcilu_iommu *r_now, *r_next;
	int32_t *fw_ctrl;			/* next kernel's starting ACS Control per next device */
	uint8_t *preserved_next;		/* per next device: enum pcilu_lu_role or 0 */
	uint8_t *added;				/* per next device: 1 hot-plugged (--add), 2 VF (--sriov) */
	struct pcilu_preserve_set set;		/* on the current topology */
	struct pcilu_sim_endpoint *eps;
	size_t neps;
	struct pcilu_changes ch;
	size_t failing;		/* preserved endpoints not isolated in the next kernel */
	bool inherit, assign_busses, noari;
	unsigned profile;
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
	struct pcilu_policy *pa, *pb;
	struct pcilu_iommu *ra, *rb;
	struct pcilu_changes ch;
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
