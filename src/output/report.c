// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu report: one self-contained HTML file for a ticket or a change
 * request: the source's facts, the check summary, the picture (inline SVG),
 * one table row per device (the facts of check --json) and the groups with
 * members and drivers. No network, no external script or font; a little
 * inline script filters the table and highlights a device in the picture.
 * Every string from the input is HTML-escaped.
 */
#include "output_int.h"
#include <pcilu/iommu.h>
#include <pcilu/liveupdate.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Text for HTML: escaped, and control bytes shown as \xNN (pcilu_escape) first. */
static void html(FILE *f, const char *s)
{
	char esc[2048];

	pcilu_escape(s ? s : "", esc, sizeof(esc));
	for (const char *p = esc; *p; p++) {
		switch (*p) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*p, f);
		}
	}
}

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.5em}"
	"table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;"
	"vertical-align:top}th{background:#f0f0f0}tr.sel td{background:#fff3b0}"
	"td.eligible{background:#b7e4b0}td.refused{background:#f4b6b0}td.undecided{background:#d9d9d9}"
	"#picture{overflow:auto;border:1px solid #ccc;max-height:80vh}#picture svg{max-width:none}"
	"g.node.hl polygon,g.node.hl path{stroke:#e00;stroke-width:4}"
	".facts td:first-child{font-weight:bold}code{background:#f4f4f4}";

/* Click a row: outline its node in the picture and scroll it into view; type to filter. */
static const char script[] =
	"(function(){'use strict';"
	"var rows=document.querySelectorAll('#devices tbody tr');"
	"function nodeOf(bdf){var ts=document.querySelectorAll('#picture g.node > title');"
	"for(var i=0;i<ts.length;i++){if(ts[i].textContent===bdf)return ts[i].parentNode;}return null;}"
	"rows.forEach(function(r){r.addEventListener('click',function(){"
	"document.querySelectorAll('#picture g.node.hl').forEach(function(n){n.classList.remove('hl');});"
	"rows.forEach(function(x){x.classList.remove('sel');});r.classList.add('sel');"
	"var n=nodeOf(r.dataset.bdf);if(n){n.classList.add('hl');"
	"if(n.scrollIntoView)n.scrollIntoView({block:'center',inline:'center'});}"
	"document.body.dataset.selected=r.dataset.bdf;});});"
	"var q=document.getElementById('filter');q.addEventListener('input',function(){"
	"var v=q.value.toLowerCase();rows.forEach(function(r){"
	"r.style.display=r.textContent.toLowerCase().indexOf(v)<0?'none':'';});});"
	"})();";

static void facts(FILE *f, const struct pcilu_lu_check *c)
{
	const struct pcilu_topology *t = c->t;
	char buf[512];

	fprintf(f, "<h2>What the verdicts rest on</h2>\n<table class=\"facts\">\n<tr><td>Source</td><td>");
	html(f, t->name ? t->name : "/sys");
	fputs(" (", f);
	html(f, pcilu_source_desc(t, buf, sizeof(buf)));
	fprintf(f, ")</td></tr>\n<tr><td>IOMMU</td><td>%s: ", c->iommu_on ? "on" : "off");
	html(f, pcilu_fact_origin_text(c->iommu_from, c->iommu_on));
	fprintf(f, "</td></tr>\n<tr><td>Kernel</td><td>");
	html(f, pcilu_lu_kernel_text(&c->kernel, buf, sizeof(buf)));
	fprintf(f, "</td></tr>\n<tr><td>Command line</td><td><code>");
	html(f, t->cmdline ? t->cmdline : "(not recorded)");
	fprintf(f, "</code></td></tr>\n<tr><td>Config space</td><td>%s%zu function(s) read all-ones</td></tr>\n",
		t->config_truncated ? "some devices show only 64 bytes (non-root read or lspci -x); " : "full; ",
		t->ndead);
	fprintf(f, "</table>\n");
}

static void totals(FILE *f, const struct pcilu_lu_check *c)
{
	fprintf(f, "<h2>Answer</h2>\n<ul>\n");
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
		const size_t *n = c->nstate[p];

		if (!(c->profiles & (1u << p)))
			continue;
		fprintf(f, "<li><b>%s</b>: %zu of %zu endpoints can be preserved, %zu refused, %zu undecided "
			"<small>(", pcilu_lu_profile_name(p), n[PCILU_LU_ELIGIBLE], c->ndevs, n[PCILU_LU_REFUSED],
			n[PCILU_LU_UNDECIDED]);
		html(f, pcilu_lu_profile_basis(p));
		fprintf(f, ")</small></li>\n");
	}
	fprintf(f, "</ul>\n");
}

static void device_rows(FILE *f, const struct pcilu_lu_check *c, struct pcilu_names *n)
{
	char bdf[24], label[384];

	fprintf(f, "<h2>Devices</h2>\n<p><input id=\"filter\" placeholder=\"filter rows\"> "
		"Click a row to find the device in the picture.</p>\n<table id=\"devices\">\n<thead><tr>"
		"<th>device</th><th>name</th><th>driver</th><th>group</th>");
	for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++)
		if (c->profiles & (1u << p))
			fprintf(f, "<th>%s</th>", pcilu_lu_profile_name(p));
	fprintf(f, "<th>why</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < c->ndevs; i++) {
		const struct pcilu_lu_devcheck *dc = &c->devs[i];
		const struct pcilu_dev *d = &c->t->devs[dc->dev];
		const struct pcilu_lu_reason *x = NULL;
		char *text;

		pcilu_bdf(d, bdf, sizeof(bdf));
		fprintf(f, "<tr data-bdf=\"%s\"><td>%s</td><td>", bdf, bdf);
		html(f, pcilu_dev_label(d, n, label, sizeof(label)));
		fprintf(f, "</td><td>");
		html(f, d->driver ? d->driver : "");
		if (d->kernel_group >= 0)
			fprintf(f, "</td><td>%d (kernel)</td>", d->kernel_group);
		else if (dc->group != PCILU_NONE)
			fprintf(f, "</td><td>%d</td>", dc->group);
		else
			fprintf(f, "</td><td>none</td>");
		for (unsigned p = 0; p < PCILU_LU_NPROFILES; p++) {
			if (!(c->profiles & (1u << p)))
				continue;
			fprintf(f, "<td class=\"%s\">%s</td>", pcilu_lu_state_name(dc->v[p].state),
				pcilu_lu_state_name(dc->v[p].state));
			if (!x)
				x = pcilu_lu_verdict_lead(&dc->v[p]);
		}
		fprintf(f, "<td>");
		if (x && !pcilu_lu_reason_words(c, x, &text, NULL)) {
			html(f, text);
			free(text);
		}
		fprintf(f, "</td></tr>\n");
	}
	fprintf(f, "</tbody></table>\n");
}

static void group_list(FILE *f, const struct pcilu_iommu *r, struct pcilu_names *n)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	char bdf[24], label[384];

	fprintf(f, "<h2>IOMMU groups of more than one device</h2>\n<ul>\n");
	for (size_t g = 0; g < pcilu_iommu_ngroups(r); g++) {
		const struct pcilu_group *gr = pcilu_iommu_group(r, (int32_t)g);

		if (gr->nmembers < 2)
			continue;
		fprintf(f, "<li>group %d:<ul>", gr->id);
		for (size_t m = 0; m < gr->nmembers; m++) {
			const struct pcilu_dev *d = &t->devs[gr->members[m]];

			fprintf(f, "<li>%s ", pcilu_bdf(d, bdf, sizeof(bdf)));
			html(f, pcilu_dev_label(d, n, label, sizeof(label)));
			if (d->driver) {
				fprintf(f, " <code>");
				html(f, d->driver);
				fprintf(f, "</code>");
			}
			fprintf(f, "</li>");
		}
		fprintf(f, "</ul></li>\n");
	}
	fprintf(f, "</ul>\n");
}

static void assumptions(FILE *f, const struct pcilu_iommu *r)
{
	size_t n;
	const struct pcilu_assumption *as = pcilu_iommu_assumptions(r, &n);

	if (!n)
		return;
	fprintf(f, "<h2>Assumptions</h2>\n<ul>\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "<li>");
		html(f, as[i].text);
		fprintf(f, "</li>\n");
	}
	fprintf(f, "</ul>\n");
}

/* The SVG without its XML prolog and DOCTYPE, which may not appear inside HTML. */
static void inline_svg(FILE *f, const char *svg, size_t len)
{
	const char *start = svg ? strstr(svg, "<svg") : NULL;

	if (!start) {
		fprintf(f, "<p>(no picture: this pcilu was built without Graphviz's library)</p>\n");
		return;
	}
	fwrite(start, 1, len - (size_t)(start - svg), f);
}

/*
 * Graphviz's layout grows faster than the host (bench/RESULTS.md: 0.2 s at
 * 1,000 functions, 2.2 s at 3,000, 31 s at 10,000): past this many functions
 * the page has no picture, says why and how to get the DOT, and stays linear.
 */
#define REPORT_MAX_PICTURE 2048

int pcilu_print_report(FILE *f, const struct pcilu_iommu *r, const struct pcilu_lu_check *c, unsigned profile,
		       const struct pcilu_out_opts *o)
{
	bool picture = c->t->ndevs <= REPORT_MAX_PICTURE;
	char *svg = NULL;
	size_t len = 0;
	int ret = picture ? pcilu_draw_render(r, c, profile, o, "svg", &svg, &len) : 0;

	if (ret && ret != -ENOTSUP)
		return ret;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		"<meta name=\"generator\" content=\"pcilu %s\">\n<title>pcilu report: ", PCILU_VERSION_STRING);
	html(f, c->t->name ? c->t->name : "/sys");
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>PCI devices and Live Update: ", style);
	html(f, c->t->name ? c->t->name : "/sys");
	fprintf(f, "</h1>\n");
	facts(f, c);
	totals(f, c);
	fprintf(f, "<h2>Picture (%s verdicts; hover for the reason)</h2>\n<div id=\"picture\">\n",
		pcilu_lu_profile_name(profile));
	if (picture)
		inline_svg(f, svg, len);
	else
		fprintf(f, "<p>(no picture: %zu functions, more than the %d Graphviz lays out in reasonable time; "
			"<code>pcilu draw -o host.dot</code> writes the picture's DOT)</p>\n", c->t->ndevs,
			REPORT_MAX_PICTURE);
	fprintf(f, "</div>\n");
	device_rows(f, c, o->names);
	group_list(f, r, o->names);
	assumptions(f, r);
	fprintf(f, "<script>%s</script>\n</body></html>\n", script);
	free(svg);
	return 0;
}
