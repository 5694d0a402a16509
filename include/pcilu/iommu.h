/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcilu iommu layer: ACS evaluation, ACS and DMA-alias quirks, and the
 * partition of PCI functions into IOMMU groups exactly as Linux 7.2 forms it
 * (pci_device_group(), drivers/iommu/iommu.c), with the reason for every
 * decision kept in structured form.
 *
 * Everything the kernel would know but config space does not carry (chipset
 * registers, ACPI tables) is listed as an assumption in the result.
 */
#ifndef PCILU_IOMMU_H
#define PCILU_IOMMU_H

#include <pcilu/pci.h>

#ifdef __cplusplus
extern "C" {
#endif

/* REQ_ACS_FLAGS, drivers/iommu/iommu.c, 7.2 */
#define PCILU_REQ_ACS_FLAGS	(PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF)

/* Where the ACS Control values come from. */
enum pcilu_acs_mode {
	PCILU_ACS_AS_READ = 0,	/* the registers as the source shows them (after boot) */
	PCILU_ACS_LINUX,	/* what pci_enable_acs() of 7.2 would write */
};

/* The value pci_enable_acs() starts from (its fw_ctrl) in PCILU_ACS_LINUX mode. */
enum pcilu_fw_base {
	PCILU_FW_AS_READ = 0,	/* the register as read: firmware, or what a previous kernel wrote (kexec) */
	PCILU_FW_ZERO,		/* reset value: firmware left ACS alone */
};

enum pcilu_tristate { PCILU_AUTO = 0, PCILU_ON, PCILU_OFF };

/* fw_ctrl flag: a preserved device adopts this ACS Control as is (next kernel of a Live Update). */
#define PCILU_FW_ADOPTED	0x10000

#define PCILU_ACS_OVERRIDE_IDS	15	/* NUM_ACS_IDS - 1 usable slots in the patch */

/* The out-of-tree pcie_acs_override= patch (Proxmox, Zen, Liquorix kernels). */
struct pcilu_acs_override {
	bool enabled;
	bool downstream;
	bool multifunction;
	unsigned nids;
	uint16_t vendor[PCILU_ACS_OVERRIDE_IDS], device[PCILU_ACS_OVERRIDE_IDS];
};

struct pcilu_policy {
	enum pcilu_acs_mode acs;
	enum pcilu_fw_base fw_base;
	/*
	 * Optional per-device fw_ctrl (indexed like topology->devs, values
	 * 0..0xffff, or -1 for "use fw_base"); owned by the caller. A value
	 * with PCILU_FW_ADOPTED set is written back unchanged instead
	 * (pci_liveupdate_enable_adopted_acs_controls(), PCI Live Update).
	 */
	const int32_t *fw_ctrl;
	size_t nfw_ctrl;
	enum pcilu_tristate iommu;	/* AUTO: decided from the command line as Debian's 7.2 would */
	bool ats_disabled;		/* pci=noats */
	bool noari;			/* pci=noari: no ARI Forwarding set (groups ignore it) */
	bool assign_busses;		/* pci=assign-busses: buses renumbered (groups ignore it) */
	char *config_acs;		/* pci=config_acs= value, NULL if absent (owned) */
	char *disable_acs_redir;	/* pci=disable_acs_redir= value (owned) */
	struct pcilu_acs_override override;	/* rules acs-override=... */
	char *cmdline_override;	/* pcie_acs_override= value on the command line (owned) */
	bool intel_off, amd_off, iommu_off;	/* what the command line said */
	bool intel_on;				/* intel_iommu=on is there (the last on/off) */
	bool intel_igfx_off;			/* intel_iommu=igfx_off: graphics-only DMAR units ignored */
	/*
	 * The command line is not the one the source booted with (--cmdline,
	 * a simulated next kernel): what the source observed of its IOMMU
	 * no longer applies, only what this command line says.
	 */
	bool cmdline_foreign;
	/*
	 * Evaluate a fresh boot with Linux programming ACS (--acs=linux asked
	 * for it): a capture's IOMMU that was off is not carried over; only
	 * the command line can keep it off.
	 */
	bool fresh_boot;
	/*
	 * The Linux release whose quirk tables apply: 2 or 3 (7.2, 7.3); 0 takes
	 * the release the source records (7.3 or later: 3), else 2.
	 */
	uint8_t kernel_minor;
};

PCILU_API void pcilu_policy_init(struct pcilu_policy *p);
PCILU_API void pcilu_policy_free(struct pcilu_policy *p);
/*
 * Parse a kernel command line (as in /proc/cmdline) into @p: pci=,
 * intel_iommu=, amd_iommu=, iommu=, pcie_acs_override=. Bounded (64 KiB);
 * returns 0, -EINVAL for an unusable string (message in @d), -ENOMEM.
 */
PCILU_API int pcilu_policy_parse_cmdline(struct pcilu_policy *p, const char *cmdline, struct pcilu_diag *d);
/* The vendor of the host bridge at 0000:00:00.0 (class 0600): whose IOMMU it is; 0 if none. */
PCILU_API uint16_t pcilu_platform_vendor(const struct pcilu_topology *t);
/*
 * --kernel-release: "7.2" or "7.3" (a full release string such as
 * 7.3.0-rc7-amd64 also reads) into p->kernel_minor; -EINVAL otherwise.
 */
PCILU_API int pcilu_policy_parse_release(struct pcilu_policy *p, const char *release, struct pcilu_diag *d);
/* The 7.x release whose tables @p applies to @t: 2 or 3. */
PCILU_API unsigned pcilu_policy_kernel_minor(const struct pcilu_policy *p, const struct pcilu_topology *t);
/* "linux" or "acs-override=downstream,multifunction,id:vvvv:dddd". */
PCILU_API int pcilu_policy_parse_rules(struct pcilu_policy *p, const char *rules, struct pcilu_diag *d);
/*
 * Whether an IOMMU is on (so groups exist and ACS was requested) under @p
 * for @t, and what says so (@from, enum pcilu_fact_origin; may be NULL).
 * In order: --iommu; the source's own fact (unless the command line is
 * foreign, or a fresh boot with the IOMMU on is asked for); the command
 * line; a capture whose ACS-capable ports all read Control 0; the default.
 */
PCILU_API bool pcilu_policy_iommu(const struct pcilu_policy *p, const struct pcilu_topology *t, uint8_t *from);
PCILU_API bool pcilu_policy_iommu_on(const struct pcilu_policy *p, const struct pcilu_topology *t);
/*
 * Whether @t itself was taken with no IOMMU on, whatever boot is asked
 * about: its own fact, or ACS-capable ports all reading Control 0 (@p only
 * for pci=config_acs=, which can clear them on purpose).
 */
PCILU_API bool pcilu_policy_capture_iommu_off(const struct pcilu_policy *p, const struct pcilu_topology *t, uint8_t *from);
/* "the kernel formed IOMMU groups", ...: what an origin means, for people. */
PCILU_API const char *pcilu_fact_origin_text(uint8_t from, bool on);
/* "groups", "sysfs", ...: stable JSON names. */
PCILU_API const char *pcilu_fact_origin_name(uint8_t from);

/* Why pci_acs_enabled() answered as it did. */
enum pcilu_acs_why {
	PCILU_ACSW_QUIRK_YES = 1,	/* a pci_dev_acs_enabled[] quirk said enabled */
	PCILU_ACSW_QUIRK_NO,		/* a quirk said not enabled */
	PCILU_ACSW_NOT_PCIE,		/* conventional PCI / PCI-X: never */
	PCILU_ACSW_BRIDGE_TYPE,		/* PCIe-to-PCI, PCI-to-PCIe bridge, RC event collector */
	PCILU_ACSW_NO_CAP,		/* port or multifunction device without ACS capability */
	PCILU_ACSW_CTRL_OK,		/* capability present, required controls enabled */
	PCILU_ACSW_CTRL_MISSING,	/* capable but not (all) enabled */
	PCILU_ACSW_SINGLE_FUNCTION,	/* single-function endpoint/USP/RCiEP: no P2P possible */
	PCILU_ACSW_UNREADABLE,		/* its capability list was not readable (< 256 bytes, all-ones) */
};

/* Flags on evaluations, reasons and groups. */
#define PCILU_RF_UNKNOWN	0x01	/* depended on ACS state that config space did not show */
#define PCILU_RF_ASSUMED	0x02	/* depended on a quirk reading chipset/ACPI state (assumed) */
#define PCILU_RF_DEV_QUIRK	0x04	/* isolation relied on a device-specific ACS quirk */
#define PCILU_RF_OVERRIDE	0x08	/* the out-of-tree ACS override answered */

struct pcilu_acs_eval {
	bool enabled;
	uint8_t why;		/* enum pcilu_acs_why */
	uint8_t flags;		/* PCILU_RF_* */
	int16_t quirk;		/* index in pcilu_acs_quirks[] that answered, -1 */
	uint16_t req;		/* the flags actually required (after masking) */
	uint16_t ctrl, cap;	/* effective control and capability used */
	uint16_t missing;	/* required but not enabled */
};

/* Why a device is in its group: the step of pci_device_group() that decided. */
enum pcilu_reason_kind {
	PCILU_R_NEW_GROUP = 1,	/* nothing shared: a group of its own (so far) */
	PCILU_R_DMA_ALIAS_WALK,	/* pci_for_each_dma_alias() met `other`, which had a group */
	PCILU_R_PATH,		/* upstream path not ACS-isolated: `other` is the bridge whose group it took,
				   `bridge` the first failing one */
	PCILU_R_ALIAS,		/* a DMA alias (quirk) with `other` */
	PCILU_R_FUNCTION,	/* a function of the same slot as `other`, neither isolated */
	PCILU_R_UNTRANSLATED,	/* in no group: no IOMMU translates it (`via`: enum pcilu_untranslated) */
};

/* Why no IOMMU translates a device, so the kernel never calls pci_device_group() for it. */
enum pcilu_untranslated {
	PCILU_UNTR_KERNEL = 1,	/* the source carries the kernel's groups and none holds it */
	PCILU_UNTR_IOMMU_FN,	/* an IOMMU's own PCI function (AMD-Vi, virtio-iommu), from config space */
	PCILU_UNTR_DMAR,	/* in no DRHD's device scope, and no INCLUDE_PCI_ALL unit for its segment */
	PCILU_UNTR_IVRS,	/* no IVHD device entry for its ID (or the ID of an IOMMU itself) */
	PCILU_UNTR_VIOT,	/* in no VIOT PCI range, or the virtio-iommu itself */
};

/* Sub-kinds of PCILU_R_DMA_ALIAS_WALK: how `other` takes over the requester ID. */
enum pcilu_alias_via {
	PCILU_VIA_REAL_DMA_DEV = 1,	/* pci_real_dma_dev(): VMD endpoint */
	PCILU_VIA_PCIE_TO_PCI,		/* PCIe-to-PCI/X bridge: secondary bus, devfn 0 */
	PCILU_VIA_PCIE_BRIDGE_ALIAS,	/* conventional bridge flagged PCIE_BRIDGE_ALIAS by a quirk */
	PCILU_VIA_PCI_BRIDGE,		/* conventional PCI bridge: its own requester ID */
	PCILU_VIA_REVERSE_BRIDGE,	/* PCI/X-to-PCIe bridge: its own requester ID */
};

struct pcilu_reason {
	uint8_t kind;		/* enum pcilu_reason_kind */
	uint8_t via;		/* enum pcilu_alias_via for DMA_ALIAS_WALK */
	uint8_t flags;		/* PCILU_RF_* */
	int32_t dev;		/* the device this reason is about */
	int32_t other;		/* the device it joined (PCILU_NONE for NEW_GROUP) */
	int32_t bridge;		/* PATH: first bridge failing ACS; FUNCTION: the non-isolated function */
	struct pcilu_acs_eval eval;	/* PATH/FUNCTION: the failing evaluation */
};

struct pcilu_group {
	int32_t id;		/* 0.. in order of creation (the kernel's IDA order for PCI devices) */
	int32_t *members;	/* device indices in probe order */
	size_t nmembers;
	struct pcilu_reason *reasons;	/* distinct reasons, deduplicated */
	size_t nreasons;
	uint8_t flags;		/* union of member flags (PCILU_RF_*) */
};

enum pcilu_assumption_kind {
	PCILU_AS_INTEL_PCH = 1,		/* Intel PCH root port quirk: RCBA/BSPR/UPDCR state */
	PCILU_AS_AMD_SB_IVRS,		/* AMD SB quirk needs an IVRS table */
	PCILU_AS_UNKNOWN_EXT,		/* extended config space not readable */
	PCILU_AS_VMD,			/* which VMD endpoint owns a VMD domain */
	PCILU_AS_IOMMU_DEFAULT,		/* IOMMU on by default (Debian 7.2 config) */
	PCILU_AS_IOMMU_OFF,		/* the command line turns the IOMMU off */
	PCILU_AS_OVERRIDE_IGNORED,	/* pcie_acs_override= on a mainline kernel */
	PCILU_AS_NO_FW_VALUE,		/* as-read: values are after the kernel wrote them */
	PCILU_AS_COVERAGE,		/* which devices an IOMMU translates: assumed complete */
	PCILU_AS_COVERAGE_TABLE,	/* the source's DMAR/IVRS/VIOT table is malformed: not used */
	PCILU_AS_MMIO_ALIAS,		/* DMA aliases read from BAR0 at run time (Switchtec): assumed none */
};

struct pcilu_assumption {
	uint8_t kind;
	int32_t dev;		/* PCILU_NONE when global */
	char *text;		/* full English sentence */
};

struct pcilu_iommu;

/* Whether the IOMMU is on in this result, and what says so. */
PCILU_API bool pcilu_iommu_is_on(const struct pcilu_iommu *r, uint8_t *from);

/* Compute the groups of @t under @p. 0 or a negative errno. */
PCILU_API int pcilu_iommu_compute(const struct pcilu_topology *t, const struct pcilu_policy *p,
				  struct pcilu_iommu **out, struct pcilu_diag *d);
PCILU_API void pcilu_iommu_free(struct pcilu_iommu *r);

PCILU_API size_t pcilu_iommu_ngroups(const struct pcilu_iommu *r);
PCILU_API const struct pcilu_group *pcilu_iommu_group(const struct pcilu_iommu *r, int32_t id);
/* Group id of a device, or PCILU_NONE. */
PCILU_API int32_t pcilu_iommu_group_of(const struct pcilu_iommu *r, int32_t dev);
/* Why the device joined its group (the step that decided). */
PCILU_API const struct pcilu_reason *pcilu_iommu_join(const struct pcilu_iommu *r, int32_t dev);
/* Effective ACS Control under the policy (0 without ACS capability). */
PCILU_API uint16_t pcilu_iommu_acs_ctrl(const struct pcilu_iommu *r, int32_t dev);
/* Whether the device's isolation relies on a device-specific ACS quirk (itself or a bridge above). */
PCILU_API bool pcilu_iommu_relies_on_quirk(const struct pcilu_iommu *r, int32_t dev);
PCILU_API const struct pcilu_assumption *pcilu_iommu_assumptions(const struct pcilu_iommu *r, size_t *n);
PCILU_API const struct pcilu_topology *pcilu_iommu_topology(const struct pcilu_iommu *r);

/*
 * Whether a member's driver stops vfio from owning its group's DMA
 * (iommu_group_claim_dma_owner(), 7.2): bound to a driver using the kernel's
 * DMA API blocks it; unbound, vfio-pci (and variants) and driver_managed_dma
 * drivers (pci-stub, pcieport) do not.
 */
enum pcilu_dma_owner {
	PCILU_DMA_UNKNOWN = 0,	/* the source does not say which driver is bound */
	PCILU_DMA_UNBOUND,
	PCILU_DMA_VFIO,
	PCILU_DMA_MANAGED,
	PCILU_DMA_KERNEL,	/* must be unbound or bound to vfio-pci first */
};
PCILU_API enum pcilu_dma_owner pcilu_dma_owner_of(const struct pcilu_topology *t, const struct pcilu_dev *d);
PCILU_API const char *pcilu_dma_owner_name(unsigned o);
/* An IOMMU's own PCI function (AMD-Vi's, a virtio-iommu): never translated, so never grouped. */
PCILU_API bool pcilu_iommu_function(const struct pcilu_dev *d);
/*
 * Whether an IOMMU translates device @dev, so that the kernel gives it a
 * group: 0 yes, else enum pcilu_untranslated. Where the source carries the
 * kernel's groups, they decide; else the source's DMAR, IVRS or VIOT table
 * (src/iommu/coverage.c); else only an IOMMU's own function is known to be
 * outside every IOMMU, and coverage is otherwise assumed complete (a note).
 */
struct pcilu_iommu;
PCILU_API unsigned pcilu_iommu_untranslated(const struct pcilu_iommu *r, int32_t dev);

/* pci_acs_enabled(), drivers/pci/pci.c, 7.2, on the final (post-boot) state. */
PCILU_API struct pcilu_acs_eval pcilu_acs_enabled(const struct pcilu_iommu *r, int32_t dev, uint16_t flags);
/*
 * pci_acs_path_enabled(start, NULL, flags), drivers/pci/pci.c, 7.2. When it
 * is false, *fail is the first bridge (from @start up) that fails and *eval
 * says why (missing bits). Either pointer may be NULL.
 */
PCILU_API bool pcilu_acs_path_enabled(const struct pcilu_iommu *r, int32_t start, uint16_t flags,
				      int32_t *fail, struct pcilu_acs_eval *eval);

/* "SV|RR|CR|UF" for ACS Capability or Control bits 0-6, other bits in hex, "none" for 0. */
PCILU_API const char *pcilu_acs_flags_str(uint16_t flags, char *buf, size_t len);
/* English sentences ("0000:00:1c.0 is a root port without ..."). Return buf. */
PCILU_API char *pcilu_acs_eval_str(const struct pcilu_iommu *r, int32_t dev, const struct pcilu_acs_eval *e,
				   char *buf, size_t len);
PCILU_API char *pcilu_reason_str(const struct pcilu_iommu *r, const struct pcilu_reason *rs, char *buf, size_t len);
/* Short stable name of a reason kind for JSON: "new-group", "dma-alias-walk", ... */
PCILU_API const char *pcilu_reason_kind_name(unsigned kind);

/*
 * DMA aliasing of a device, for callers that must know whether its DMA can
 * carry another requester ID. pci_real_dma_dev(), arch/x86/pci/common.c, 7.2:
 * the device whose requester ID @dev's DMA carries (itself, or a VMD endpoint).
 */
PCILU_API int32_t pcilu_iommu_real_dma_dev(const struct pcilu_iommu *r, int32_t dev);
/* Whether a quirk gave @dev DMA aliases (pci_add_dma_alias(), drivers/pci/pci.c, 7.2). */
PCILU_API bool pcilu_iommu_has_dma_alias(const struct pcilu_iommu *r, int32_t dev);
/* Its DMA alias came from the firmware's IVRS table (the AMD driver's setup_aliases()), not a quirk. */
PCILU_API bool pcilu_iommu_alias_from_firmware(const struct pcilu_iommu *r, int32_t dev);

/* The Intel root ports whose ACS needs a pci_dev_acs_ops[] quirk to be enabled. */
/* pci_quirk_intel_pch_acs_match(), drivers/pci/quirks.c, 7.2 */
PCILU_API bool pcilu_quirk_intel_pch_acs_match(const struct pcilu_dev *d);
/* pci_quirk_intel_spt_pch_acs_match(), drivers/pci/quirks.c, 7.2: Sunrise Point dword layout */
PCILU_API bool pcilu_quirk_intel_spt_pch_acs_match(const struct pcilu_dev *d);
/*
 * pci_dev_acs_ops[], drivers/pci/quirks.c, 7.2, as pci_need_dev_specific_enable_acs()
 * (liveupdate next) reads it: the entry that would enable ACS on @d, by name, or NULL.
 */
PCILU_API const char *pcilu_acs_ops_match(const struct pcilu_dev *d);

/* Name of the ACS quirk with that index ("pci_quirk_intel_spt_pch_acs"), or NULL. */
PCILU_API const char *pcilu_acs_quirk_name(int idx);

#ifdef __cplusplus
}
#endif
#endif
