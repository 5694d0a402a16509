/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcilu handover layer: what was promised before kexec and whether the next
 * boot kept it. The plan (the preflight's verdicts, then the manifest), the
 * manifest as a flattened device tree, written (manifest.c, as libfdt's
 * fdt_sw) and read back strictly (manifest_read.c, as fdt_ro), the drift
 * check of a running topology against it, the /dev/liveupdate client that
 * carries it across kexec, and kexec itself. Built on pcilu/liveupdate.h
 * (preserve sets, device addresses, the rules engine); the simulation of the
 * next kernel (pcilu/simulate.h) is separate and neither calls the other.
 *
 * Sections:
 *   1. The manifest: what a plan records (issue 5)
 *   2. Encoding and writing it
 *   3. Decoding and reading it
 *   4. Verification: drift after kexec
 *   5. The /dev/liveupdate client
 *   6. kexec
 *   7. The plan: preflight verdicts to a manifest
 */
#ifndef PCILU_HANDOVER_H
#define PCILU_HANDOVER_H

#include <pcilu/base.h>
#include <pcilu/liveupdate.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- 1. The manifest ------------------------------------------------------ */

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

/* ---- 2. Encode, write (manifest.c) ---------------------------------------- */

/* Encode as a flattened device tree (malloc'd into *buf). */
PCILU_API int pcilu_manifest_encode(const struct pcilu_manifest *m, void **buf, size_t *len);
/*
 * Atomically (a temporary file .pcilu-XXXXXX beside @path, fsync, rename,
 * fsync of the directory), mode 0600; never over anything but a regular file.
 */
PCILU_API int pcilu_manifest_write_file(const char *path, const void *buf, size_t len, struct pcilu_diag *d);

/* ---- 3. Decode, read (manifest_read.c) ------------------------------------ */

/*
 * Decode and validate everything: structure, sizes, ranges, required
 * properties, version, duplicates. -EINVAL (with a message naming @name, the
 * node and the property in @d) for anything corrupt or foreign.
 */
PCILU_API int pcilu_manifest_decode(const void *buf, size_t len, const char *name,
				    struct pcilu_manifest *m, struct pcilu_diag *d);
PCILU_API int pcilu_manifest_read_file(const char *path, struct pcilu_manifest *m, struct pcilu_diag *d);

/* ---- 4. Verification (verify.c, verify_group.c) --------------------------- */

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

/* ---- 5. /dev/liveupdate client (luo.c) ------------------------------------ */

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

/* ---- 6. kexec (kexec.c) --------------------------------------------------- */

/* kexec_file_load(2) of @kernel, @initrd (may be NULL) and @cmdline. */
PCILU_API int pcilu_kexec_load(const char *kernel, const char *initrd, const char *cmdline);
/* reboot(LINUX_REBOOT_CMD_KEXEC); returns only on failure. */
PCILU_API int pcilu_kexec_reboot(void);

/* ---- 7. The plan (plan.c) ------------------------------------------------- */

/* A plan: what `pcilu plan` computes before it writes or hands over anything. */
struct pcilu_plan {
	struct pcilu_iommu *r;		/* the groups under the plan's policy */
	struct pcilu_lu_check *check;	/* the verdicts under its profile, devices preserved in order; no slots */
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

#ifdef __cplusplus
}
#endif
#endif
