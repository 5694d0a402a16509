/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcilu pci layer: config-space decoding and the topology (segments, buses,
 * bridges) derived from bus-number ranges, in the kernel's probe order.
 */
#ifndef PCILU_PCI_H
#define PCILU_PCI_H

#include <pcilu/base.h>
#include <pcilu/regs.h>
#include <pcilu/source.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PCILU_NONE	(-1)	/* "no index" for device and bus references */

/* What we know of the extended capability list (offsets 0x100..0xfff). */
enum pcilu_ext_state {
	PCILU_EXT_NONE = 0,	/* not PCI Express: there is no extended space */
	PCILU_EXT_READ,		/* 4096 bytes readable: the list was walked */
	PCILU_EXT_UNKNOWN,	/* PCI Express but fewer than 4096 bytes: not known */
	PCILU_EXT_EMPTY,	/* 4096 bytes, header at 0x100 is 0 or ~0 */
	PCILU_EXT_HIDDEN,	/* the kernel reads 256 bytes only: a bridge above gives no
				   extended config space (pci_bridge_child_ext_cfg_accessible()) */
};

/* Problems found while walking capability lists (dev->cap_errors). */
#define PCILU_CAPERR_LOOP	0x01	/* legacy list loops */
#define PCILU_CAPERR_RANGE	0x02	/* legacy pointer into the header or past 0xff */
#define PCILU_CAPERR_EXT_LOOP	0x04	/* extended list loops */
#define PCILU_CAPERR_EXT_RANGE	0x08	/* extended pointer below 0x100 or misaligned */
#define PCILU_CAPERR_TRUNC	0x10	/* a capability runs past the readable bytes */

struct pcilu_sriov {
	uint16_t pos;		/* 0: no SR-IOV capability */
	uint16_t ctrl;
	uint16_t initial_vfs, total_vfs, num_vfs;
	uint16_t vf_offset, vf_stride, vf_device;
};

struct pcilu_dev {
	uint32_t seg;
	uint8_t bus, devfn;
	uint16_t cfg_len;
	const uint8_t *cfg;	/* in the topology's cfg_pool, shared by every device reading
				   the same bytes: never written (pcilu_topology_cfg_private()) */

	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint32_t class;		/* base << 16 | sub << 8 | prog-if */
	uint8_t revision;
	uint8_t hdr_type;	/* low 7 bits */
	bool multifunction;	/* the kernel's dev->multifunction */
	bool is_virtfn;
	bool dead;		/* reads all-ones: present (the kernel enumerated it), nothing decoded */
	bool caps_unknown;	/* the capability list was not readable (< 256 bytes, dead):
				   whether it is PCI Express, and everything below, is unknown */
	uint8_t cap_errors;	/* PCILU_CAPERR_* */
	uint8_t ext_state;	/* enum pcilu_ext_state */

	uint8_t pcie_pos;	/* 0: no PCI Express capability */
	uint8_t pcie_type;	/* PCI_EXP_TYPE_*, valid when pcie_pos; as the kernel holds it */
	bool port_retyped;	/* set_pcie_port_type() "corrected" it (to type 0: see config.c) */
	uint16_t pcie_flags;

	uint16_t acs_pos;	/* 0: no ACS capability (or unknown, see ext_state) */
	uint16_t acs_cap;	/* as read, before quirks */
	uint16_t acs_ctrl;	/* as read */
	uint16_t ari_pos;
	bool ari_fwd;		/* ARI Forwarding Enable in Device Control 2 */
	struct pcilu_sriov sriov;

	uint8_t primary, secondary, subordinate;	/* bridges (type 1 and 2) */

	/* Topology, as indices (PCILU_NONE when absent). */
	int32_t bus_idx;	/* the bus this device sits on */
	int32_t child_bus;	/* the bus this bridge creates */
	int32_t physfn;		/* device index of the PF, for VFs */

	/* What only sysfs (or an lspci -v dump) knows. */
	int32_t kernel_group;
	int32_t numa_node;
	char *driver;
	long line;		/* source line of the record, 0 if n/a */
};

struct pcilu_bus {
	uint32_t seg;
	uint8_t number;
	bool is_virtual;	/* SR-IOV bus of VFs: no bridge creates it */
	bool no_extcfg;		/* PCI_BUS_FLAGS_NO_EXTCFG: the kernel reads 256 bytes below here */
	int32_t self;		/* bridge device creating it; PCILU_NONE for a root bus */
	int32_t parent;		/* parent bus; PCILU_NONE for a root bus */
	uint32_t first, count;	/* its devices: topo->bus_devs[first .. first+count) */
};

struct pcilu_topology {
	enum pcilu_source_kind kind;
	char *name;
	struct pcilu_dev *devs;	/* in the kernel's probe order */
	size_t ndevs;
	struct pcilu_bus *buses;
	size_t nbuses;
	int32_t *bus_devs;	/* device indices grouped by bus, devfn ascending */
	struct pcilu_dev *unreachable;	/* devices no bridge or root bus reaches */
	size_t nunreachable;
	bool has_kernel_groups;
	bool has_drivers;	/* the source says which driver is bound (sysfs, lspci -k): NULL = unbound */
	bool config_truncated;
	bool live;		/* the running system itself (its /sys), not a capture */
	uint8_t iommu;		/* enum pcilu_iommu_fact, from the source */
	uint8_t iommu_from;	/* enum pcilu_fact_origin */
	size_t ndead;		/* devices reading all-ones */
	char *kernel_release;
	char *cmdline;
	struct pcilu_capture_info *capture;	/* the host record of a capture, else NULL */
	struct pcilu_cfg_pool *cfg_pool;	/* every device's config bytes */
	struct pcilu_blob acpi[PCILU_ACPI_NTABLES];	/* DMAR, IVRS, VIOT bytes where the source has them */
	/* address -> index hash (open addressing) */
	int32_t *hash;
	size_t hash_mask;
};

/*
 * Build the topology from raw devices. Takes ownership of the config buffers
 * and strings of @raw (which is emptied). Returns 0 or a negative errno;
 * problems (duplicate addresses, inconsistent bus ranges, broken capability
 * chains) are reported in @d.
 */
PCILU_API int pcilu_topology_build(struct pcilu_raw_host *raw, struct pcilu_topology **out,
				   struct pcilu_diag *d);
PCILU_API void pcilu_topology_free(struct pcilu_topology *t);

/* Index of the device at an address, or PCILU_NONE. */
PCILU_API int32_t pcilu_topology_find(const struct pcilu_topology *t, uint32_t seg,
				      uint8_t bus, uint8_t devfn);
/* Parse "DDDD:BB:DD.F" or "BB:DD.F" (segment 0). Returns 0 or -EINVAL. */
PCILU_API int pcilu_parse_bdf(const char *s, uint32_t *seg, uint8_t *bus, uint8_t *devfn);
/* Format as DDDD:BB:DD.F into buf (at least 16 bytes). Returns buf. */
PCILU_API char *pcilu_bdf(const struct pcilu_dev *dev, char *buf, size_t len);
PCILU_API char *pcilu_bdf_fmt(uint32_t seg, uint8_t bus, uint8_t devfn, char *buf, size_t len);

/* The bridge above @dev (bus->self, skipping SR-IOV virtual buses), or PCILU_NONE. */
PCILU_API int32_t pcilu_upstream_bridge(const struct pcilu_topology *t, int32_t dev);
static inline bool pcilu_is_root_bus(const struct pcilu_bus *b) { return b->parent == PCILU_NONE; }
PCILU_API bool pcilu_is_bridge(const struct pcilu_dev *dev);
PCILU_API bool pcilu_is_pcie(const struct pcilu_dev *dev);

/* Config accessors: 0, or -ERANGE when the bytes were not readable. */
PCILU_API int pcilu_read_config_byte(const struct pcilu_dev *dev, unsigned off, uint8_t *v);
PCILU_API int pcilu_read_config_word(const struct pcilu_dev *dev, unsigned off, uint16_t *v);
PCILU_API int pcilu_read_config_dword(const struct pcilu_dev *dev, unsigned off, uint32_t *v);

/*
 * Capability walkers with the kernel's loop guards (pci_find_capability,
 * pci_find_ext_capability, drivers/pci/pci.c, 7.2). Return the offset, 0 when
 * absent, or a negative errno: -ELOOP for a looping chain, -ERANGE for a
 * pointer out of range, -ENODATA when the extended space was not readable.
 */
PCILU_API int pcilu_find_capability(const struct pcilu_dev *dev, uint8_t id);
PCILU_API int pcilu_find_ext_capability(const struct pcilu_dev *dev, uint16_t id);

/*
 * Decode the header and capabilities of a device whose address and config
 * bytes are set. Problems are recorded in dev->cap_errors and reported in @d
 * (with @file for the message). Returns 0 or -EINVAL for an unusable device
 * (fewer than 64 bytes, vendor 0xffff).
 */
PCILU_API int pcilu_dev_decode(struct pcilu_dev *dev, const char *file, struct pcilu_diag *d);

/* The BDFs the SR-IOV capability implies for VF @i (0-based), as pci_iov_virtfn_bus/devfn do. */
PCILU_API void pcilu_sriov_vf_addr(const struct pcilu_dev *pf, unsigned i, uint8_t *bus, uint8_t *devfn);

/*
 * A device selection with lspci's grammar (pciutils 3.9 lib/filter.c): -s
 * "[[[domain]:][bus]:][slot][.[func]]", -d "[vendor]:[device][:class[:prog-if]]"
 * (hexadecimal; empty or "*" for any; 'x' digits in the class are wildcards),
 * plus a driver name. -1 (and driver NULL) matches anything.
 */
#define PCILU_SELECT_MAXLEN 64	/* pciutils refuses longer expressions */
struct pcilu_select {
	int64_t seg;
	int32_t bus, slot, func;
	int32_t vendor, device, class_, prog_if;
	uint32_t class_mask;	/* bits of class_ (base << 8 | sub) compared */
	const char *driver;	/* not owned */
};
PCILU_API void pcilu_select_init(struct pcilu_select *s);
/* Parse into @s (fields not named keep their value): 0, or -EINVAL with *why set. */
PCILU_API int pcilu_select_parse_slot(struct pcilu_select *s, const char *str, const char **why);
PCILU_API int pcilu_select_parse_id(struct pcilu_select *s, const char *str, const char **why);
PCILU_API bool pcilu_select_active(const struct pcilu_select *s);
PCILU_API bool pcilu_select_match(const struct pcilu_select *s, const struct pcilu_dev *d);
/* What a vfio-pci user could ask for: a type-0 function that is not a host bridge. */
PCILU_API bool pcilu_dev_is_endpoint(const struct pcilu_dev *d);
/* A CPU or chipset function nobody preserves: class 06, 08 or 11 on a root bus. */
PCILU_API bool pcilu_dev_is_platform(const struct pcilu_topology *t, const struct pcilu_dev *d);

/* Link Capabilities/Status and Slot Capabilities of a PCI Express function. */
struct pcilu_link_info {
	uint8_t cap_speed, cap_width;	/* Max Link Speed (1: 2.5 GT/s .. 6: 64 GT/s), Maximum Link Width */
	uint8_t sta_speed, sta_width;	/* as negotiated (Link Status) */
	bool slot;		/* a root or downstream port with Slot Implemented */
	uint16_t slot_number;	/* Physical Slot Number */
	uint32_t power_mw;	/* Slot Power Limit, in milliwatts */
};
/* 0, or -ENODATA without a readable PCI Express capability. */
PCILU_API int pcilu_pcie_link_info(const struct pcilu_dev *d, struct pcilu_link_info *li);

/* Names from pci.ids (src/pci/names.c); NULL-safe, never fails (falls back to ids). */
struct pcilu_names;
/* pci.ids, read on the first lookup: the system's (as lspci finds it), or the file at @path. */
PCILU_API struct pcilu_names *pcilu_names_open(void);
PCILU_API struct pcilu_names *pcilu_names_open_file(const char *path);
PCILU_API void pcilu_names_close(struct pcilu_names *n);
PCILU_API const char *pcilu_name_vendor(struct pcilu_names *n, uint16_t vendor, char *buf, size_t len);
PCILU_API const char *pcilu_name_device(struct pcilu_names *n, uint16_t vendor, uint16_t device,
					char *buf, size_t len);

#ifdef __cplusplus
}
#endif
#endif
