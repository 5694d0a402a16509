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
#include <pcilu/pci.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- 1. IOMMU facts -------------------------------------------------------- */

/* REQ_ACS_FLAGS, drivers/iommu/iommu.c, 7.2 */
#define PCILU_REQ_ACS_FLAGS	(PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

/*
 * What the liveupdate layer asks of the iommu layer. Kept as data plus one
 * function pointer so the layer does not depend on how groups are computed.
 */
struct pcilu_lu_iommu {
	/* Computed IOMMU group number of every device index (t->ndevs entries),
	 * PCILU_NONE for a device without a group; NULL when not computed. */
	const int32_t *group;
	/* pci_acs_path_enabled(start, NULL, flags), drivers/pci/pci.c, 7.2 */
	bool (*acs_path_enabled)(const struct pcilu_topology *t, int32_t start, uint16_t flags);
};

/*
 * Interim provider until the iommu layer lands: the kernel's groups when the
 * source has them (else group = NULL) and an ACS path test without device
 * quirks. @groups receives an allocation the caller frees. Notes in @d say
 * what was assumed.
 */
int pcilu_lu_iommu_default(const struct pcilu_topology *t, struct pcilu_lu_iommu *io,
			   int32_t **groups, struct pcilu_diag *d);

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
int pcilu_preserve_set_build(const struct pcilu_topology *t, const int32_t *devs, size_t n,
			     struct pcilu_preserve_set *set, struct pcilu_diag *d);
void pcilu_preserve_set_free(struct pcilu_preserve_set *set);

/* ---- 3. Handover manifest, verification, LUO client ------------------------ */

#define PCILU_MANIFEST_COMPATIBLE	"pcilu,manifest-v1"
#define PCILU_MANIFEST_MAX_SIZE		(16u << 20)	/* bytes; larger files are refused */
#define PCILU_MANIFEST_MAX_NODES	4096u
#define PCILU_MANIFEST_MAX_GROUP	256u		/* members recorded per IOMMU group */
#define PCILU_MANIFEST_STR_MAX		256u		/* bytes of any string property, NUL included */

struct pcilu_manifest_host {
	char *kernel_release;	/* uname -r; NULL when unknown */
	char *boot_id;		/* /proc/sys/kernel/random/boot_id */
	char *machine_id;	/* /etc/machine-id */
	uint64_t time;		/* seconds since the epoch when the plan was made */
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
	char *profile;		/* rule profile the plan was checked with ("v4") */
	bool forced;		/* written with --force despite a refusal */
	struct pcilu_manifest_node *nodes;
	size_t count;
};

/* Read boot id, machine id, kernel release and the time. @root prefixes the
 * paths ("" or NULL for /); what cannot be read stays NULL (noted in @d). */
int pcilu_manifest_host_collect(struct pcilu_manifest_host *h, const char *root,
				struct pcilu_diag *d);

/* Fill a manifest from a preserve set. Takes no ownership. */
int pcilu_manifest_build(const struct pcilu_topology *t, const struct pcilu_preserve_set *set,
			 const struct pcilu_lu_iommu *io, const char *profile,
			 struct pcilu_manifest *m, struct pcilu_diag *d);
void pcilu_manifest_free(struct pcilu_manifest *m);

/* Encode as a flattened device tree (malloc'd into *buf). */
int pcilu_manifest_encode(const struct pcilu_manifest *m, void **buf, size_t *len);
/*
 * Decode and validate everything: structure, sizes, ranges, required
 * properties, version, duplicates. -EINVAL (with a message naming @name, the
 * node and the property in @d) for anything corrupt or foreign.
 */
int pcilu_manifest_decode(const void *buf, size_t len, const char *name,
			  struct pcilu_manifest *m, struct pcilu_diag *d);
int pcilu_manifest_read_file(const char *path, struct pcilu_manifest *m, struct pcilu_diag *d);
/* Atomically (temporary file, fsync, rename). */
int pcilu_manifest_write_file(const char *path, const void *buf, size_t len);

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
};

/*
 * Compare a manifest with a running topology. Returns 0 (see v->count for
 * the verdict) or a negative errno. Facts that could not be checked (no
 * computed groups, ...) are notes or warnings in @d, never drift.
 */
int pcilu_verify_manifest(const struct pcilu_manifest *m, const struct pcilu_topology *t,
			  const struct pcilu_lu_iommu *io, struct pcilu_verify *v,
			  struct pcilu_diag *d);
void pcilu_verify_free(struct pcilu_verify *v);
const char *pcilu_drift_kind_name(enum pcilu_drift_kind k);
const char *pcilu_lu_role_name(enum pcilu_lu_role r);
char *pcilu_lu_addr_fmt(struct pcilu_lu_addr a, char *buf, size_t len);

/*
 * The v4 preflight (pci_device_group_immutable_singleton(), PCI v4 08/11):
 * not a VF, alone in its computed group, REQ_ACS_FLAGS enabled from the
 * bridge above it to the root. Returns 1 eligible, 0 refused (reason in
 * @why), or a negative errno when it cannot be decided. One function so the
 * rules engine can replace it.
 */
int pcilu_lu_preflight_v4(const struct pcilu_topology *t, const struct pcilu_lu_iommu *io,
			  int32_t dev, char *why, size_t len);

/* /dev/liveupdate client. Each returns a new fd or 0, or a negative errno. */
#define PCILU_LUO_DEVICE	"/dev/liveupdate"
#define PCILU_LUO_SESSION	"pcilu"
#define PCILU_LUO_TOKEN		1u	/* the manifest memfd's token in the session */

/* System calls, replaceable by tests; NULL members mean the real ones. */
struct pcilu_luo_sys {
	int (*open)(const char *path, int flags);
	int (*ioctl)(int fd, unsigned long req, void *arg);
};

int pcilu_luo_open(const struct pcilu_luo_sys *sys);
int pcilu_luo_create_session(const struct pcilu_luo_sys *sys, int luo, const char *name);
int pcilu_luo_retrieve_session(const struct pcilu_luo_sys *sys, int luo, const char *name);
int pcilu_luo_preserve_fd(const struct pcilu_luo_sys *sys, int session, int fd, uint64_t token);
int pcilu_luo_retrieve_fd(const struct pcilu_luo_sys *sys, int session, uint64_t token);
int pcilu_luo_finish(const struct pcilu_luo_sys *sys, int session);
/* A memfd holding @len bytes of @data, preserved under @token. */
int pcilu_luo_preserve_data(const struct pcilu_luo_sys *sys, int session, uint64_t token,
			    const void *data, size_t len);
/* Read a retrieved memfd whole, at most @max bytes. */
int pcilu_luo_read_data(int fd, size_t max, void **data, size_t *len);
/* What an errno means for an operation ("create-session", ...), in words. */
const char *pcilu_luo_strerror(const char *op, int err);

/* kexec_file_load(2) of @kernel, @initrd (may be NULL) and @cmdline. */
int pcilu_kexec_load(const char *kernel, const char *initrd, const char *cmdline);
/* reboot(LINUX_REBOOT_CMD_KEXEC); returns only on failure. */
int pcilu_kexec_reboot(void);

/* ---- 4. Preflight rules engine (issue 4) ----------------------------------- */

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
	char why_now[160], why_next[160];
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
};

/*
 * Build the next kernel's view of @t with @preserve (device indices of @t)
 * preserved, recompute groups and eligibility, and list what changes. 0 or
 * a negative errno (problems in @d).
 */
int pcilu_simulate(const struct pcilu_topology *t, const int32_t *preserve, size_t n,
		   const struct pcilu_sim_opts *o, struct pcilu_sim **out, struct pcilu_diag *d);
void pcilu_sim_free(struct pcilu_sim *s);

struct pcilu_diff {
	const struct pcilu_topology *a, *b;	/* not owned */
	struct pcilu_policy *pa, *pb;
	struct pcilu_iommu *ra, *rb;
	struct pcilu_changes ch;
};

/* Compare two snapshots, each with the command line it records and ACS as read. */
int pcilu_diff(const struct pcilu_topology *a, const struct pcilu_topology *b,
	       struct pcilu_diff **out, struct pcilu_diag *d);
void pcilu_diff_free(struct pcilu_diff *df);

const char *pcilu_change_kind_name(enum pcilu_change_kind k);

#ifdef __cplusplus
}
#endif
#endif
