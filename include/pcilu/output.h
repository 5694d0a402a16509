/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcilu output layer: text for people, JSON with versioned schemas for
 * programs (docs/json.md), DOT for Graphviz.
 */
#ifndef PCILU_OUTPUT_H
#define PCILU_OUTPUT_H

#include <stdio.h>

#include <pcilu/pci.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pcilu_out_opts {
	bool json;
	struct pcilu_names *names;	/* NULL: print ids only */
	bool bridges_only;	/* tree: bridges only, each with how many other functions sit below it */
	const struct pcilu_select *sel;	/* groups: only groups holding a selected device; NULL: all */
	bool verbose;		/* check: every device's reasons and fixes, not the one-line summary */
	size_t platform_skipped;	/* check: platform functions left out of the judged set */
};

/* "root-port", "endpoint", ... for a PCI Express type; "pci" without the capability. */
PCILU_API const char *pcilu_dev_type_name(const struct pcilu_dev *dev);

/* pcilu tree: the hierarchy like lspci -t, with ACS per bridge (schema pcilu-tree/1). */
PCILU_API int pcilu_print_tree(FILE *f, const struct pcilu_topology *t, const struct pcilu_diag *d,
			       const struct pcilu_out_opts *o);
/* pcilu show: one device decoded (schema pcilu-show/1). */
PCILU_API int pcilu_print_show(FILE *f, const struct pcilu_topology *t, int32_t dev,
			       const struct pcilu_out_opts *o);
/* pcilu plan / pcilu verify (schemas pcilu-plan/1, pcilu-verify/1). */
struct pcilu_manifest;
struct pcilu_verify;
struct pcilu_lu_check;
struct pcilu_plan_result {
	const struct pcilu_manifest *m;	/* NULL when refused */
	/* The rules engine's verdicts on the requested devices, one profile selected. */
	const struct pcilu_lu_check *check;
	unsigned profile;	/* enum pcilu_lu_profile */
	bool refused;		/* the profile refuses a device (or the preserve sequence) */
	const char *output;	/* file written, or NULL */
	const char *luo;	/* NULL not asked; "preserved", "unavailable" */
	const char *luo_detail;
};
PCILU_API int pcilu_print_plan(FILE *f, const struct pcilu_topology *t, const struct pcilu_plan_result *r,
			       const struct pcilu_diag *d, const struct pcilu_out_opts *o);
PCILU_API int pcilu_print_verify(FILE *f, const struct pcilu_manifest *m, const char *origin,
				 const struct pcilu_verify *v, const struct pcilu_diag *d,
				 const struct pcilu_out_opts *o);
/*
 * What a command writes with --json when its input cannot be read (schema
 * pcilu-error/1): the source, the error, every diagnostic; so a program
 * reading stdout never gets nothing.
 */
PCILU_API int pcilu_print_error_json(FILE *f, const char *source, int err, const struct pcilu_diag *d);
/* What pcilu capture wrote: @n functions to @path, @partial of them under 256 bytes. */
PCILU_API int pcilu_print_capture_run(FILE *f, const char *path, size_t n, size_t partial, bool json);

/*
 * pcilu groups (schema pcilu-groups/2); with @compare the JSON document also
 * carries "compare", the differences pcilu_groups_compare() counts.
 */
struct pcilu_iommu;
PCILU_API int pcilu_print_groups(FILE *f, const struct pcilu_iommu *r, const struct pcilu_diag *d,
				 const struct pcilu_out_opts *o, bool compare);
/* pcilu groups --explain BDF: why the device is in its group. */
PCILU_API int pcilu_print_explain(FILE *f, const struct pcilu_iommu *r, int32_t dev, const struct pcilu_out_opts *o);
/* pcilu groups --dot: groups as clusters, links that break isolation in red. */
PCILU_API int pcilu_print_groups_dot(FILE *f, const struct pcilu_iommu *r, const struct pcilu_out_opts *o);
/*
 * Differences between pcilu's partition and the kernel's groups, ignoring
 * numbers: printed to @f as text, a line each (@f NULL: only counted).
 * Returns the number of differences, -ENODATA without kernel groups.
 */
PCILU_API int pcilu_groups_compare(FILE *f, const struct pcilu_iommu *r);

/* pcilu check (schema pcilu-check/1); @slots adds the slot view. */
PCILU_API int pcilu_print_check(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_diag *d,
				const struct pcilu_out_opts *o, bool slots);
/* JSON Lines, one object per device with the host facts repeated: check (pcilu-fleet/1), groups. */
PCILU_API int pcilu_print_check_lines(FILE *f, const struct pcilu_lu_check *c, const struct pcilu_out_opts *o);
PCILU_API int pcilu_print_groups_lines(FILE *f, const struct pcilu_iommu *r, const struct pcilu_out_opts *o);
/*
 * pcilu draw: the host as a picture (DOT text), endpoints coloured by the
 * verdict of @profile in @c (may be NULL: no verdicts), shared IOMMU groups
 * as shaded clusters, isolation-breaking links red; every device one node
 * named by its address.
 */
PCILU_API int pcilu_print_draw_dot(FILE *f, const struct pcilu_iommu *r, const struct pcilu_lu_check *c, unsigned profile,
				   const struct pcilu_out_opts *o);
/* The same laid out and rendered in process: @format "dot", "svg" or "png"; *out malloc'd. */
PCILU_API int pcilu_draw_render(const struct pcilu_iommu *r, const struct pcilu_lu_check *c, unsigned profile,
				const struct pcilu_out_opts *o, const char *format, char **out, size_t *len);
/* Whether this build renders (libgvc was found); without it only "dot". */
PCILU_API bool pcilu_draw_can_render(void);
/*
 * pcilu report: one self-contained HTML page (facts, answer, picture, one row
 * per judged device, shared groups, assumptions); no network, input escaped.
 */
PCILU_API int pcilu_print_report(FILE *f, const struct pcilu_iommu *r, const struct pcilu_lu_check *c, unsigned profile,
				 const struct pcilu_out_opts *o);
/* pcilu simulate (pcilu-simulate/1) and pcilu diff (pcilu-diff/1). */
struct pcilu_sim;
struct pcilu_diff;
PCILU_API int pcilu_print_simulate(FILE *f, const struct pcilu_sim *s, const struct pcilu_diag *d,
				   const struct pcilu_out_opts *o);
PCILU_API int pcilu_print_diff(FILE *f, const struct pcilu_diff *df, const struct pcilu_diag *d,
			       const struct pcilu_out_opts *o);

#ifdef __cplusplus
}
#endif
#endif
