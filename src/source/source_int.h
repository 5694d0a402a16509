/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the source layer. */
#ifndef PCILU_SOURCE_INT_H
#define PCILU_SOURCE_INT_H

#include "../base/base_int.h"
#include <pcilu/regs.h>
#include <pcilu/source.h>

#include <stdarg.h>

/*
 * addr.c, the one address grammar: [SEG:]BUS:SLOT.F at the start of
 * @p[0..len). @typed: as a user types it (1..8 segment digits, 1..2 bus and
 * slot digits, leading zeros allowed); else as sysfs and lspci print it
 * (4..6 segment digits, 2 bus and slot digits). Returns the length parsed,
 * 0 when the text is not an address; @bad when it is address-shaped but out
 * of range (slot above 0x1f, function above 7).
 */
struct pcilu_src_bdf {
	uint32_t seg;		/* set only when has_seg */
	bool has_seg, bad;
	uint8_t bus, slot, fn, devfn;
};

size_t pcilu_src_scan_bdf(const char *p, size_t len, bool typed, struct pcilu_src_bdf *a);

/*
 * The same, as lspci and sysfs print it: *bad is set (never cleared) when
 * out of range, *seg only when *has_seg.
 */
/* A hex digit's value, either case; -1 for anything else. */
static inline int pcilu_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;	/* A-F as a-f; nothing else lands in a-f */
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* DDDD:BB:DD.F into @buf (the segment as %04x prints it), the one writer of the grammar above. */
char *pcilu_src_bdf_fmt(uint32_t seg, uint8_t bus, uint8_t devfn, char *buf, size_t len);
size_t pcilu_src_parse_bdf(const char *p, size_t len, uint32_t *seg, bool *has_seg,
			   uint8_t *bus, uint8_t *devfn, bool *bad);

/*
 * Topology specs: spec.c parses the JSON into this tree (everything checked,
 * defaults filled in), spec_synth.c assigns bus numbers and synthesises
 * config space from it.
 */
enum spec_kind {
	SPEC_ENDPOINT,		/* PCIe endpoint */
	SPEC_RCIEP,		/* root complex integrated endpoint */
	SPEC_PCI,		/* conventional PCI function (no PCIe capability) */
	SPEC_ROOT_PORT,
	SPEC_SWITCH,		/* switch upstream port; children are its downstream ports */
	SPEC_DOWNSTREAM,	/* switch downstream port */
	SPEC_PCIE_PCI_BRIDGE,	/* PCIe-to-PCI bridge */
	SPEC_PCI_BRIDGE,	/* conventional PCI-to-PCI bridge */
	SPEC_NKINDS
};

struct spec_sriov {
	uint16_t total, num, initial, offset, stride, vf_device;
	bool has_offset, has_stride;
	char *vf_driver;
	int32_t vf_group;	/* group of VF 0, the others count up; PCILU_NO_GROUP */
};

struct spec_node {
	char *path;		/* JSON pointer, for messages */
	enum spec_kind kind;
	uint8_t devfn;
	uint16_t vendor, device, ss_vendor, ss_device;
	bool has_subsys;
	uint32_t class;
	uint8_t revision;
	int8_t multifunction;	/* -1: set when the slot has several functions */
	bool acs, aer, ari;
	uint16_t acs_cap, acs_ctrl;
	unsigned egress_bits;
	uint8_t ari_fwd;	/* 0 none, 1 supported, 2 supported and enabled */
	uint8_t link_speed, link_width;
	int32_t phys_slot;	/* -1: no slot */
	int32_t pin_bus, pin_sub;	/* -1: assign */
	bool has_sriov;
	struct spec_sriov sriov;
	int32_t group, numa;
	char *driver;
	unsigned cfg_bytes;	/* 0: host default */
	struct spec_node *kids;
	size_t nkids;
	/* Filled by bus assignment. */
	uint8_t bus, secondary, subordinate;
	bool parent_ari_fwd;
};

struct spec_root_bus {
	char *path;
	uint8_t bus;
	struct spec_node *devs;
	size_t ndevs;
};

struct spec_segment {
	char *path;
	uint32_t seg;
	struct spec_root_bus *rbs;
	size_t nrbs;
};

struct spec_host {
	const char *file;
	struct pcilu_diag *d;
	unsigned cfg_bytes;
	char *kernel, *cmdline;
	uint8_t iommu;		/* enum pcilu_iommu_fact from "iommu" */
	struct spec_segment *segs;
	size_t nsegs;
	size_t nfuncs;		/* functions including VFs, for the limit */
	uint64_t cfg_total;	/* config bytes they expand to, for the limit */
	uint32_t host_fn0;	/* fragments: slots of the bus they join whose function 0 the host has */
};

/* Parsing state and the value parsers of spec_value.c (JSON values from json-c). */
struct json_object;
struct spec_parse {
	struct spec_host *s;
	size_t errors;
};
/* Every key of object @o is one of @keys (NULL-terminated); each other one is an error at @path. */
bool spec_check_keys(struct spec_parse *p, const char *path, struct json_object *o, const char *const *keys);
/* The JSON document of @text, or NULL (a syntax error reported with its line and column). */
struct json_object *spec_parse_json(struct spec_host *s, const char *text, size_t len);
/* "file: /json/path: message" as an error; spec_err also counts it. */
void spec_verr(struct spec_host *s, const char *path, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
void spec_err(struct spec_parse *p, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
char *spec_subpath(const char *path, const char *key, long idx);
bool spec_get_num(struct spec_parse *p, const char *path, const char *key,
		  struct json_object *v, int64_t min, int64_t max, bool hex, int64_t *out);
bool spec_get_bool(struct spec_parse *p, const char *path, const char *key,
		   struct json_object *v, bool *out);
/* False (with an error) when a JSON string holds a NUL: C would cut it short there. */
bool spec_str_whole(struct spec_parse *p, const char *path, const char *key,
		    struct json_object *v);
bool spec_get_str(struct spec_parse *p, const char *path, const char *key,
		  struct json_object *v, const char **out);
bool spec_get_pair(struct spec_parse *p, const char *path, const char *key,
		   struct json_object *v, uint16_t *a, uint16_t *b);
bool spec_get_driver(struct spec_parse *p, const char *path, const char *key,
		     struct json_object *v, char **out);
bool spec_parse_acs(struct spec_parse *p, const char *path, struct json_object *v,
		    struct spec_node *n);
bool spec_parse_slot(struct spec_parse *p, const char *path, struct json_object *v,
		     uint8_t *devfn);
bool spec_parse_link(struct spec_parse *p, const char *path, struct json_object *v,
		     struct spec_node *n);
bool spec_parse_sriov(struct spec_parse *p, const char *path, struct json_object *v,
		      struct spec_node *n);

/* What kind of bus functions sit on: decides default kinds and what may sit there. */
enum spec_ctx { CTX_ROOT, CTX_LINK, CTX_SWITCH, CTX_PCI };
/* Parse the array @v (at @path/@key) of functions of one bus (spec_node.c). */
bool spec_parse_devices(struct spec_parse *p, const char *path, const char *key,
			struct json_object *v, enum spec_ctx ctx, unsigned depth, int32_t numa,
			uint8_t ari_fwd, struct spec_node **out, size_t *nout);

/* Assign bus numbers and append every function (VFs too) to @h. 0 or -errno. */
int pcilu_spec_synth(struct spec_host *s, struct pcilu_raw_host *h);
/*
 * Config space of one function into @cfg (4096 zeroed bytes); @mf sets the
 * multifunction bit, @nfn is the ARI Next Function Number, @vf makes it VF
 * @n's config space (ids read ~0, no ACS or SR-IOV of its own).
 */
void pcilu_spec_config(const struct spec_node *n, uint8_t *cfg, bool mf, uint8_t nfn, bool vf);

/* spec_fragment.c helpers: number and emit a subtree below a bridge; free parsed nodes. */
int pcilu_spec_synth_under(struct spec_host *s, uint32_t seg, struct spec_node *v, size_t n,
			   unsigned bus, uint8_t ari_fwd, unsigned *max, struct pcilu_raw_host *h);
void pcilu_spec_nodes_free(struct spec_node *v, size_t n);

/*
 * hexrow.c: 16 bytes from " hh" x 16 (48 characters at @q, all readable);
 * false, @dst unspecified, for anything else. pcilu_hexrow16_pick() gives
 * the decoder for this CPU (SSSE3, SSE2 or scalar), asked once per parser;
 * the scalar twin is the reference the vector paths are tested against.
 */
typedef bool pcilu_hexrow16_fn(const unsigned char *q, uint8_t *dst);
pcilu_hexrow16_fn *pcilu_hexrow16_pick(void);
bool pcilu_hexrow16_scalar(const unsigned char *q, uint8_t *dst);
#ifdef __SSE2__
bool pcilu_hexrow16_sse2(const unsigned char *q, uint8_t *dst);
#endif

/*
 * The IOMMU fact of a sysfs tree or its capture (iommu_group_alloc(),
 * drivers/iommu/iommu.c, 7.2, adds one kernel/iommu_groups entry per group):
 * a group on any device (@linked) proves it on; else kernel/iommu_groups
 * decides where it was seen (@groups: 1 holds a group, 0 none, -1 not seen,
 * which says nothing).
 */
/*
 * Config space stored once per distinct content (cfgpool.c). Pooled bytes are
 * shared: never written. pcilu_raw_dev_set_cfg() copies @len bytes into the
 * host's pool (made on first use) and points @r at them;
 * pcilu_raw_dev_cfg_private() gives @r its own malloc'd copy before a write.
 */
struct pcilu_cfg_pool *pcilu_cfg_pool_new(void);
void pcilu_cfg_pool_free(struct pcilu_cfg_pool *p);
uint8_t *pcilu_cfg_pool_intern(struct pcilu_cfg_pool *p, const uint8_t *cfg, size_t len);
uint8_t *pcilu_cfg_pool_alloc(struct pcilu_cfg_pool *p, size_t len);
/* @q's bytes become @p's, where they stay (not indexed: later interning does not find them); @q is freed. */
void pcilu_cfg_pool_adopt(struct pcilu_cfg_pool *p, struct pcilu_cfg_pool *q);
int pcilu_raw_dev_set_cfg(struct pcilu_raw_host *h, struct pcilu_raw_dev *r, const uint8_t *cfg,
			  uint16_t len);
uint8_t *pcilu_raw_dev_cfg_private(struct pcilu_raw_dev *r);

void pcilu_src_iommu_fact(struct pcilu_raw_host *h, bool linked, int groups);

/* pcilu-capture/1 (capture.c writes, capture_read.c reads): its last member. */
#define PCILU_CAPTURE_SCHEMA	"pcilu-capture/1"
#define PCILU_CAPTURE_TAIL	",\n  \"crc32\": \""

/*
 * lspci dumps in pieces, so a large dump is parsed while it is read in reused
 * chunks: begin, feed whole lines (any number of calls), end (which frees the
 * state and says whether the host is usable). pcilu_load_lspci() is the three.
 */
struct lp;
struct lp *pcilu_lspci_begin(const char *name, struct pcilu_raw_host *h, struct pcilu_diag *d);
int pcilu_lspci_feed(struct lp *s, const char *text, size_t len);
int pcilu_lspci_end(struct lp *s, const struct pcilu_source_opts *opts);
/*
 * The whole lines of buf[@skip, *@have) fed (at @eof, everything), and what
 * is left, a partial line, moved to the front: the step of every chunked read.
 */
int pcilu_lspci_feed_lines(struct lp *s, char *buf, size_t skip, size_t *have, bool eof);
/* Lines fed so far. */
long pcilu_lspci_line(const struct lp *s);
/*
 * A regular file of @size bytes parsed by two threads (lspci_split.c); what
 * one pass would give, or -EAGAIN (@h untouched) when the caller must read it
 * in one pass: no cut found, a failure, or anything to say (the split path
 * says nothing, lenient or not: a dump it takes has nothing to skip).
 */
int pcilu_lspci_split(int fd, const char *path, uint64_t size, struct pcilu_raw_host *h);
/* Below this a dump is read in one pass: a thread costs more than half the parse. */
#define PCILU_SPLIT_MIN ((uint64_t)8 << 20)

/*
 * Decoded lspci text (-vv/-vvv, vvtext.c parses, vvtext_synth.c builds
 * config space): what one device record said. Fields not shown stay "not
 * known" (the *_known flags), never zero taken for a fact.
 */
#define VV_MAX_CAPS	48	/* the kernel's legacy walk stops after 48 (PCI_FIND_CAP_TTL) */
#define VV_MAX_ECAPS	128	/* extended capabilities listed for one function */

struct vv_cap {
	uint16_t pos;
	uint16_t id;
	uint8_t ver;
	long line;
};

struct vv_rec {
	uint32_t seg;
	uint8_t bus, devfn;
	long line;			/* the header line */
	bool ids_known, class_known, dead, denied, cap_list, bridge, cardbus;
	uint16_t vendor, device, ss_vendor, ss_device;
	bool ss_known;
	uint32_t class;			/* class << 8 | prog-if */
	uint8_t rev;
	uint8_t primary, secondary, subordinate;
	struct vv_cap caps[VV_MAX_CAPS], ecaps[VV_MAX_ECAPS];
	unsigned ncaps, necaps;
	/* PCI Express capability */
	uint16_t pcie_pos;
	uint8_t pcie_ver, pcie_type;
	bool pcie_slot, pcie_ver_known;	/* "(vN)" is printed from -vv on */
	int8_t ari_cap2, ari_ctl2;	/* DevCap2/DevCtl2 ARIFwd: -1 not shown, 0, 1 */
	/* ACS */
	uint16_t acs_pos, acs_cap, acs_ctl;
	bool acs_cap_known, acs_ctl_known;
	/* ARI */
	uint16_t ari_pos;
	uint8_t ari_nfn;
	/* SR-IOV */
	uint16_t sriov_pos, sriov_ctrl, sriov_initial, sriov_total, sriov_num;
	uint16_t sriov_offset, sriov_stride, sriov_vfdev;
	bool sriov_ctl_known, sriov_vfs_known, sriov_off_known;
	int32_t group, node;
	char *driver;
};

/* Facts the synthesis had to assume, counted so each is listed once per file. */
struct vv_assumed {
	size_t no_ids, spt, fields, rcba;
	long no_ids_line, spt_line, fields_line, rcba_line;
	bool groups;		/* the text carries the kernel's IOMMU groups */
};

/*
 * Config space of @r into @cfg (PCILU_CFG_EXP_SIZE bytes, 0xff-filled by the
 * caller); returns the readable length (64, 256 or 4096). The header's
 * multifunction bit is left clear: pcilu_vv_finish() sets it.
 */
uint16_t pcilu_vv_synth(const struct vv_rec *r, uint8_t *cfg, struct vv_assumed *as);
/* Multifunction bits across all of @h, then the notes for what @as counted, each once. */
int pcilu_vv_finish(struct pcilu_raw_host *h, const char *file, const struct vv_assumed *as,
		    struct pcilu_diag *d);
/* Vendor id from the name lspci prints first (pci.ids spelling), 0 if not known. */
uint16_t pcilu_vv_vendor(const char *p, size_t len);
/* Capability id from the name after "Capabilities: [pos] " (ls-caps.c, ls-ecaps.c). */
uint16_t pcilu_vv_cap_id(const char *p, size_t len, bool ext);
/* "Express (v2) Root Port (Slot+), ..." -> version and port type; false if unknown. */
bool pcilu_vv_pcie_type(const char *p, size_t len, uint8_t *ver, bool *ver_known, uint8_t *type);

/*
 * Record errors of the dump readers (lspci.c, vvtext.c): the first
 * PCILU_SRC_MAX_SHOWN go to the diagnostics, the rest are only counted (a
 * garbage file of 2 M records needs no 2 M messages). raw.c.
 */
#define PCILU_SRC_MAX_SHOWN	100
struct pcilu_src_errs {
	size_t shown, unshown;
};
/* "[BDF: ]MSG[SUFFIX]" at @line of @name, if still shown. */
void pcilu_src_error(struct pcilu_src_errs *e, struct pcilu_diag *d, const char *name, long line, const char *bdf,
		     const char *suffix, const char *fmt, va_list ap) __attribute__((format(printf, 7, 0)));
/* "N more errors not shown", when some were not. */
void pcilu_src_errors_end(const struct pcilu_src_errs *e, struct pcilu_diag *d, const char *name);

/* The text reader's state (vvtext.c), shared with the field parsers (vvtext_fields.c). */
enum vv_cap_kind { VC_NONE, VC_PCIE, VC_ACS, VC_ARI, VC_SRIOV, VC_OTHER };
enum vv_sub { VS_NONE, VS_DEVCAP2, VS_DEVCTL2, VS_OTHER };

struct vv_parser {
	const char *name;
	struct pcilu_raw_host *h;
	struct pcilu_diag *d;
	long line;
	size_t errors, records, denied;
	struct pcilu_src_errs errs;
	long denied_line;
	size_t foreign;		/* lines at column 0 that are not a device header */
	long foreign_line;
	bool in_dev, bad;
	unsigned unit;		/* spaces a level in this record's paste; 0 = not seen yet */
	enum vv_cap_kind cap;	/* the capability whose field lines follow */
	enum vv_sub sub;	/* its register block, for continuation lines */
	struct vv_assumed as;
	struct vv_rec r;
};

/* A problem in the current record, at the current line: the record is dropped. */
void vv_error(struct vv_parser *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool vv_is_hex(char c);
/* @n hex digits at @p exactly (the next byte not hex). */
bool vv_hex_n(const char *p, size_t len, size_t n, uint32_t *out);
bool vv_starts(const char *p, size_t len, const char *lit);
const char *vv_find(const char *p, size_t len, const char *lit);
/* "Vendor Device [vvvv:dddd] (rev xx) (prog-if xx [...])" into @r. */
void vv_parse_desc(struct vv_rec *r, const char *p, size_t len);
/* A line one level deep (a device field) and two or more deep (a capability field). */
int vv_parse_dev_field(struct vv_parser *s, const char *p, size_t len);
void vv_parse_cap_field(struct vv_parser *s, const char *p, size_t len, unsigned level);

#endif
