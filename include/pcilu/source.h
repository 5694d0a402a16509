/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcilu source layer: turn a live sysfs, a copied sysfs tree, an lspci dump or
 * a topology spec into raw devices (an address plus config bytes, plus what
 * only sysfs knows). Nothing here decodes config space beyond what a format
 * needs; the pci layer does that.
 */
#ifndef PCILU_SOURCE_H
#define PCILU_SOURCE_H

#include <pcilu/base.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PCILU_CFG_SIZE		256	/* conventional config space */
#define PCILU_CFG_EXP_SIZE	4096	/* PCI Express extended config space */
#define PCILU_NO_GROUP		(-1)	/* kernel IOMMU group unknown */
#define PCILU_NO_NODE		(-1)

/*
 * What a source says about the IOMMU of the kernel that produced it. A fact
 * the source states is used as is; only PCILU_IOMMU_UNKNOWN leaves room for
 * a default, which the output names once (docs/rules.md, "Source facts").
 */
enum pcilu_iommu_fact {
	PCILU_IOMMU_UNKNOWN = 0,	/* the source does not say */
	PCILU_IOMMU_PRESENT,		/* the kernel formed IOMMU groups */
	PCILU_IOMMU_ABSENT,		/* the kernel formed none: no IOMMU was on */
};

/* Where a fact about the source's kernel comes from. */
enum pcilu_fact_origin {
	PCILU_FROM_DEFAULT = 0,	/* nothing said it: pcilu's default (named at the top) */
	PCILU_FROM_GROUPS,	/* devices carry the kernel's groups (iommu_group links, "IOMMU group:" lines) */
	PCILU_FROM_SYSFS,	/* /sys: kernel/iommu_groups empty or missing and no iommu_group link */
	PCILU_FROM_SPEC,	/* the spec's own "iommu" field */
	PCILU_FROM_CMDLINE,	/* the kernel command line (recorded or --cmdline) */
	PCILU_FROM_ACS,		/* every ACS-capable port reads Control 0: Linux did not enable ACS */
	PCILU_FROM_USER,	/* --iommu on|off */
};

enum pcilu_source_kind {
	PCILU_SRC_SYSFS = 1,	/* live /sys or a copied tree */
	PCILU_SRC_LSPCI,	/* lspci -x/-xxx/-xxxx text */
	PCILU_SRC_SPEC,		/* topology spec (JSON) */
	PCILU_SRC_CAPTURE,	/* pcilu capture of a host's /sys (JSON, docs/capture.md) */
};

/* Distinct config spaces, each stored once (src/source/cfgpool.c). */
struct pcilu_cfg_pool;

struct pcilu_raw_dev {
	uint32_t seg;		/* PCI segment (domain); VMD domains exceed 0xffff */
	uint8_t bus;
	uint8_t devfn;		/* slot << 3 | function */
	uint16_t cfg_len;	/* bytes actually readable: 64, 256, 4096, ... */
	uint8_t *cfg;		/* cfg_len bytes: malloc'd and owned by the raw host, or, when
				   cfg_pooled, in the host's cfg_pool, shared by every device
				   reading the same bytes, and never written */
	bool cfg_pooled;
	int32_t kernel_group;	/* the kernel's own IOMMU group number, or PCILU_NO_GROUP */
	int32_t numa_node;	/* PCILU_NO_NODE when unknown */
	char *driver;		/* bound driver name, NULL when unknown or none */
	bool physfn_known;	/* the source says whether this is a VF */
	bool is_virtfn;
	bool dead;		/* reads all-ones (D3cold, powered down): the kernel enumerated it,
				   so it is present, but its config bytes say nothing */
	uint32_t pf_seg;	/* the PF's address when is_virtfn */
	uint8_t pf_bus, pf_devfn;
	long line;		/* where the record starts in the input (0 if n/a) */
};

/*
 * The firmware tables that say which devices an IOMMU translates, as
 * /sys/firmware/acpi/tables has them (root only): Intel's DMAR, AMD's IVRS,
 * virtio-iommu's VIOT. Bytes as read; src/iommu/coverage.c parses them.
 */
enum pcilu_acpi_table { PCILU_ACPI_DMAR, PCILU_ACPI_IVRS, PCILU_ACPI_VIOT, PCILU_ACPI_NTABLES };
#define PCILU_ACPI_MAX_SIZE	(1u << 20)	/* bigger is no IOMMU table a firmware writes */

struct pcilu_blob {
	uint8_t *data;		/* NULL: not in the source */
	size_t len;
};

PCILU_API const char *pcilu_acpi_table_name(enum pcilu_acpi_table t);

/*
 * What a capture (pcilu capture) records of its host beyond what sysfs
 * carries per device. Strings are NULL when not recorded; the tri-states are
 * 1 yes, 0 no, -1 not recorded.
 */
struct pcilu_capture_info {
	char *captured_at;	/* UTC, ISO 8601 */
	char *pcilu_version;	/* of the pcilu that captured */
	char *hostname, *boot_id;
	char *board_vendor, *board_name, *board_version, *bios_version;
	char *kconfig;		/* the kernel config file read, e.g. /boot/config-7.2.13-amd64 */
	int8_t luo;		/* /dev/liveupdate existed */
	int8_t pci_lu;		/* that config sets CONFIG_PCI_LIVEUPDATE */
	size_t ngroups;		/* entries of /sys/kernel/iommu_groups (0 also when not recorded) */
	bool groups_known;	/* kernel/iommu_groups was there to read */
};

PCILU_API void pcilu_capture_info_free(struct pcilu_capture_info *c);

struct pcilu_raw_host {
	enum pcilu_source_kind kind;
	char *name;		/* file or directory it was read from, "-" for stdin */
	struct pcilu_raw_dev *devs;
	size_t count, cap;
	bool has_kernel_groups;	/* at least one device carries the kernel's group */
	bool config_truncated;	/* some device had only 64 bytes readable (non-root sysfs) */
	bool live;		/* read from this running system's /sys: the host facts are its own */
	uint8_t iommu;		/* enum pcilu_iommu_fact */
	uint8_t iommu_from;	/* enum pcilu_fact_origin of that fact */
	size_t ndead;		/* devices reading all-ones */
	/* Host facts a spec or sysfs may carry (0-terminated strings or NULL). */
	char *kernel_release;
	char *cmdline;		/* the kernel command line the host booted with */
	struct pcilu_capture_info *capture;	/* a capture's host record, else NULL */
	struct pcilu_blob acpi[PCILU_ACPI_NTABLES];	/* the source's IOMMU tables, where it has them */
	struct pcilu_cfg_pool *cfg_pool;	/* the pooled devices' config bytes, NULL if none */
};

struct pcilu_source_opts {
	bool lenient;		/* skip malformed records instead of failing */
};

PCILU_API void pcilu_raw_host_init(struct pcilu_raw_host *h, enum pcilu_source_kind kind, const char *name);
PCILU_API void pcilu_raw_host_free(struct pcilu_raw_host *h);
/* Append a zeroed device (kernel_group = PCILU_NO_GROUP); NULL on ENOMEM or limit. */
PCILU_API struct pcilu_raw_dev *pcilu_raw_host_add(struct pcilu_raw_host *h);

/*
 * Each loader fills @h (initialised by it) and returns 0, or a negative errno
 * when the input could not be read at all. Malformed records are reported in
 * @d as PCILU_ERROR; without opts->lenient any such error makes the loader
 * return -EINVAL after reading the whole input (so every problem is listed).
 */
/*
 * A capture of the /sys under @root (NULL: this host's /sys) as the text of a
 * pcilu-capture/1 document (docs/capture.md): every function's config bytes
 * and sysfs facts, the kernel's IOMMU groups, the host record, sealed with a
 * crc32. *@partial counts functions with fewer than 256 readable bytes (not
 * root): they are recorded as read, and every reader warns of them.
 */
PCILU_API int pcilu_capture_text(const char *root, char **text, size_t *len, size_t *nfuncs,
				 size_t *partial, struct pcilu_diag *d);

PCILU_API int pcilu_load_sysfs(const char *root, const struct pcilu_source_opts *opts,
			       struct pcilu_raw_host *h, struct pcilu_diag *d);
PCILU_API int pcilu_load_lspci(const char *name, const char *text, size_t len,
			       const struct pcilu_source_opts *opts,
			       struct pcilu_raw_host *h, struct pcilu_diag *d);
/*
 * Decoded lspci text without hex rows (`lspci -vv`, `-vvv`, with or without
 * -nn, -k, -D; pciutils 3.5 to 3.13): config space is synthesised from the
 * decode (src/source/vvtext*.c); what the text cannot carry is assumed and
 * each assumption is a PCILU_NOTE naming the first line it concerns.
 */
PCILU_API int pcilu_load_lspci_text(const char *name, const char *text, size_t len,
				    const struct pcilu_source_opts *opts,
				    struct pcilu_raw_host *h, struct pcilu_diag *d);
/* Whether @text is decoded lspci output with no hex rows (what _text reads). */
PCILU_API bool pcilu_lspci_is_text(const char *text, size_t len);
PCILU_API int pcilu_load_spec(const char *name, const char *text, size_t len,
			      const struct pcilu_source_opts *opts,
			      struct pcilu_raw_host *h, struct pcilu_diag *d);
/* A pcilu-capture/1 document; its crc32 is checked before anything is read. */
PCILU_API int pcilu_load_capture(const char *name, const char *text, size_t len,
				 const struct pcilu_source_opts *opts,
				 struct pcilu_raw_host *h, struct pcilu_diag *d);
/* Whether @text (the start of a file) is a capture rather than a spec. */
PCILU_API bool pcilu_is_capture(const char *text, size_t len);

/*
 * Select by argument as the CLI does: NULL means the live /sys, a directory is
 * a sysfs tree, "-" is stdin, any other file is sniffed (capture, spec, lspci
 * hex dump, or decoded lspci text without hex rows).
 */
PCILU_API int pcilu_load_any(const char *arg, const struct pcilu_source_opts *opts,
			     struct pcilu_raw_host *h, struct pcilu_diag *d);

/*
 * Read a whole file ("-" = stdin) into a NUL-terminated buffer of at most
 * @max bytes. Anything but a regular file (stdin excepted) is refused before
 * a byte is read: a FIFO would block, a device would never end.
 */
PCILU_API int pcilu_read_file_max(const char *path, uint64_t max, char **buf, size_t *len, struct pcilu_diag *d);
/* The same, bounded by PCILU_MAX_INPUT_SIZE. */
PCILU_API int pcilu_read_file(const char *path, char **buf, size_t *len, struct pcilu_diag *d);

/*
 * Exporters (src/source/export.c). pcilu_export_lspci() writes what
 * `lspci -D -xxxx` prints without pci.ids names (with_groups adds the
 * `IOMMU group: N` lines of -vv); pcilu_export_sysfs() writes a copied-sysfs
 * tree under @dir (bus/pci/devices/DDDD:BB:DD.F/ with config, vendor,
 * device, class, numa_node and the iommu_group, driver, physfn and virtfnN
 * links). Both return 0 or a negative errno.
 */
/*
 * Spec fragments (src/source/spec_fragment.c): a device or a switch that
 * appears below an existing bridge, as `pcilu simulate --add` describes it:
 *   {"under": "0000:00:1c.0", "device": { spec function }}   (or "devices": [...])
 * The loader asks @resolve where "under" is (the source layer cannot decode
 * the host), then appends the fragment's functions (VFs too) to @h.
 */
enum pcilu_spec_bus_kind {
	PCILU_SPEC_BUS_LINK = 1,	/* below a root or downstream port */
	PCILU_SPEC_BUS_SWITCH,		/* a switch's internal bus (below an upstream port) */
	PCILU_SPEC_BUS_PCI,		/* conventional PCI (below a PCI or PCIe-to-PCI bridge) */
};

struct pcilu_spec_attach {
	enum pcilu_spec_bus_kind kind;
	uint32_t seg;
	uint8_t bus;		/* the bridge's secondary bus: where the functions sit */
	uint8_t last_used;	/* highest bus number already in use behind the bridge */
	uint8_t subordinate;	/* bridges of the fragment must fit up to here */
	bool ari_fwd;		/* the bridge forwards ARI: functions past 7 are reachable */
	uint32_t fn0_slots;	/* bit n: the host has function 0 of slot n on that bus */
	int32_t numa;
};

typedef int (*pcilu_spec_resolve_fn)(void *arg, uint32_t seg, uint8_t bus, uint8_t devfn,
				     struct pcilu_spec_attach *at, struct pcilu_diag *d);

/* 0, -EINVAL (every problem named in @d with @name and a JSON pointer), -ENOMEM. */
PCILU_API int pcilu_spec_load_fragment(const char *name, const char *text, size_t len,
				       pcilu_spec_resolve_fn resolve, void *arg,
				       struct pcilu_raw_host *h, struct pcilu_diag *d);

PCILU_API int pcilu_export_lspci(FILE *f, const struct pcilu_raw_host *h, bool with_groups);
PCILU_API int pcilu_export_sysfs(const char *dir, const struct pcilu_raw_host *h, struct pcilu_diag *d);

#ifdef __cplusplus
}
#endif
#endif
