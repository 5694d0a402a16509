/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the output layer. */
#ifndef PCILU_OUTPUT_INT_H
#define PCILU_OUTPUT_INT_H

#include "../pci/pci_int.h"
#include <pcilu/output.h>

/*
 * The streaming JSON writer (jw.c): a document is written while it is walked.
 * pcilu_jw_key() names the next value of an object; the value calls write
 * one. Errors are sticky and returned by pcilu_jw_end(), which ends the line.
 */
#define PCILU_JW_MAXDEPTH 1024
struct pcilu_jw {
	FILE *f;
	bool pretty;		/* json-c's PRETTY layout, else one line (JSON Lines) */
	bool after_key;		/* a key was written: no separator before its value */
	unsigned depth;
	/* bit d-1: the container at depth d has a member (a tree of 256 bridges nests ~520 deep) */
	uint64_t nonempty[PCILU_JW_MAXDEPTH / 64];
	int err;		/* the first error: a value not made, or a write's -errno */
	bool dead;		/* a write failed: nothing more is written */
	size_t len;
	char buf[1 << 16];
};
void pcilu_jw_start(struct pcilu_jw *w, FILE *f, bool pretty);
/* A document ends: its newline, the buffer written; the first error or 0. Once per JSON Line. */
int pcilu_jw_end(struct pcilu_jw *w);
/* A writer on the heap (64 KiB of buffer): NULL when out of memory. */
struct pcilu_jw *pcilu_jw_open(FILE *f, bool pretty);
void pcilu_jw_free(struct pcilu_jw *w);
void pcilu_jw_obj(struct pcilu_jw *w);
void pcilu_jw_end_obj(struct pcilu_jw *w);
void pcilu_jw_arr(struct pcilu_jw *w);
void pcilu_jw_end_arr(struct pcilu_jw *w);
void pcilu_jw_key(struct pcilu_jw *w, const char *key);
/* A string, or null for NULL. */
void pcilu_jw_str(struct pcilu_jw *w, const char *s);
void pcilu_jw_str_n(struct pcilu_jw *w, const char *s, size_t n);
void pcilu_jw_null(struct pcilu_jw *w);
void pcilu_jw_bool(struct pcilu_jw *w, bool b);
void pcilu_jw_int(struct pcilu_jw *w, int64_t v);
/* @v as a string of lower-case hex digits, zero-padded to @width. */
void pcilu_jw_hex(struct pcilu_jw *w, unsigned v, int width);

/* A key and its value in one call. */
static inline void pcilu_jw_kstr(struct pcilu_jw *w, const char *k, const char *s)
{
	pcilu_jw_key(w, k);
	pcilu_jw_str(w, s);
}
static inline void pcilu_jw_kint(struct pcilu_jw *w, const char *k, int64_t v)
{
	pcilu_jw_key(w, k);
	pcilu_jw_int(w, v);
}
static inline void pcilu_jw_kbool(struct pcilu_jw *w, const char *k, bool b)
{
	pcilu_jw_key(w, k);
	pcilu_jw_bool(w, b);
}
static inline void pcilu_jw_knull(struct pcilu_jw *w, const char *k)
{
	pcilu_jw_key(w, k);
	pcilu_jw_null(w);
}
static inline void pcilu_jw_khex(struct pcilu_jw *w, const char *k, unsigned v, int width)
{
	pcilu_jw_key(w, k);
	pcilu_jw_hex(w, v, width);
}
/* The key of an object or array value that the caller opens next. */
static inline void pcilu_jw_kobj(struct pcilu_jw *w, const char *k)
{
	pcilu_jw_key(w, k);
	pcilu_jw_obj(w);
}
static inline void pcilu_jw_karr(struct pcilu_jw *w, const char *k)
{
	pcilu_jw_key(w, k);
	pcilu_jw_arr(w);
}

/* The shared pieces of every document, streamed (common.c). */
void pcilu_jw_bdf(struct pcilu_jw *w, const struct pcilu_dev *dev);
/* The address of @t's device @dev, or null for PCILU_NONE. */
void pcilu_jw_bdf_at(struct pcilu_jw *w, const struct pcilu_topology *t, int32_t dev);
/* @v, or null when not @present. */
void pcilu_jw_opt_int(struct pcilu_jw *w, bool present, int64_t v);
/* ACS bits as names: ["SV", "RR", ...], bit 7 as "EN". */
void pcilu_jw_acs_flags(struct pcilu_jw *w, uint16_t flags);
/* "cap", "ctrl" (as names) and "cap_raw", "ctrl_raw" (hex) of an ACS capability, into the open object. */
void pcilu_jw_acs_regs(struct pcilu_jw *w, uint16_t cap, uint16_t ctrl);
/* The device's ACS as an object: state (present, absent, unknown), offset, cap, ctrl. */
void pcilu_jw_acs(struct pcilu_jw *w, const struct pcilu_dev *dev);
/* Open the document's object and name its schema ("pcilu-check/3"): each JSON Line. */
void pcilu_jw_schema(struct pcilu_jw *w, const char *schema);
/* A pretty document on @f: a writer with its object open and its schema named; NULL when out of memory. */
struct pcilu_jw *pcilu_jw_doc(FILE *f, const char *schema);
/* Close the document's object, end the line and free @w: the first error or 0. */
int pcilu_jw_finish(struct pcilu_jw *w);
/* The same after the "diagnostics" member, last in every schema that has one. */
int pcilu_jw_finish_diag(struct pcilu_jw *w, const struct pcilu_diag *d);
/* The diagnostics array of every document: severity, file, line, offset, message. */
void pcilu_jw_diag(struct pcilu_jw *w, const struct pcilu_diag *d);
/* The members every command's JSON gives for a device (docs/json.md, "device"), into the open object. */
void pcilu_jw_dev_fields(struct pcilu_jw *w, const struct pcilu_dev *d, struct pcilu_names *n);
/* The assumptions as objects {kind, device, text} (groups, check, simulate). */
struct pcilu_iommu;
void pcilu_jw_assumptions(struct pcilu_jw *w, const struct pcilu_iommu *r);
/* The one "source" object of every schema: name, kind, live, kernel_release, cmdline, functions, capture. */
void pcilu_jw_source(struct pcilu_jw *w, const struct pcilu_topology *t);

/* Input text for text output: pcilu_escape() into a buffer the caller declares. */
#define PCILU_ESC(s, buf) pcilu_escape((s), (buf), sizeof(buf))
const char *pcilu_dev_label(const struct pcilu_dev *dev, struct pcilu_names *n, char *buf, size_t len);
/* One-line ACS summary for text output: "ACS cap SV|RR ctl SV", "ACS unknown (...)". */
const char *pcilu_acs_summary(const struct pcilu_dev *dev, char *buf, size_t len);

/* "tree", "sysfs", ... */
const char *pcilu_source_kind_name(enum pcilu_source_kind k);
/* "sysfs, this running system", "lspci, a capture", "capture of HOST at TIME" (unescaped). */
const char *pcilu_source_desc(const struct pcilu_topology *t, char *buf, size_t len);

/* Pieces of pcilu check's output that pcilu plan prints the same way (check.c). */
struct pcilu_lu_check;
struct pcilu_lu_devcheck;
struct pcilu_lu_reason;
/* One device's block: the verdict per selected profile, the reasons and their fixes. */
void pcilu_check_print_device(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_lu_devcheck *dc,
			      struct pcilu_names *n);
void pcilu_check_print_reasons(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r, size_t n,
			       const char *ind);
/*
 * @lead then @text, broken at spaces so lines stay within @width columns
 * where words allow; continuation lines start with @indent.
 */
void pcilu_out_wrap(FILE *f, const char *lead, const char *text, const char *indent, size_t width);
/* groups BDF: the members of @dev's group, their drivers, what to bind and how (groups_vfio.c). */
struct pcilu_iommu;
void pcilu_print_vfio(FILE *f, const struct pcilu_iommu *r, int32_t dev, struct pcilu_names *n);
void pcilu_vfio_jw(struct pcilu_jw *w, const struct pcilu_iommu *r, int32_t dev, struct pcilu_names *n);
/* groups --compare --json: each difference as a string into the open array; their count or -errno. */
int pcilu_groups_compare_jw(struct pcilu_jw *w, const struct pcilu_iommu *r);
/* Cut @s (escaped UTF-8) to at most @cols characters, ending in "..." when cut. Returns @s. */
char *pcilu_fit_cols(char *s, size_t cols);
/* "x16 8 GT/s" from a Link Capabilities or Status speed code and width. */
const char *pcilu_link_str(unsigned speed, unsigned width, char *buf, size_t len);
/* check's default text: a line per device or run of functions, then each failing rule once. */
void pcilu_check_print_summary(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_out_opts *o);
/* "errno" and "errno_name" members added to @o, which is returned. */
/* "errno" and "errno_name" members of the open object. */
void pcilu_check_errno_jw(struct pcilu_jw *w, int err);
void pcilu_check_reasons_jw(struct pcilu_jw *w, const struct pcilu_lu_check *c, const struct pcilu_lu_reason *r,
			    size_t n);
struct pcilu_lu_kernel;
/* What the source says of its kernel (IOMMU, release, PCI Live Update), once, at the top. */
void pcilu_check_print_facts(FILE *f, const struct pcilu_lu_check *c);
/* The same as the "host" object of pcilu-check/2 and pcilu-plan. */
void pcilu_check_host_jw(struct pcilu_jw *w, const struct pcilu_lu_check *c);

#endif
