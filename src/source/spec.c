// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Topology specs (JSON, docs/spec.md): parse and check the document into a
 * struct spec_host tree. Every problem is reported with the JSON pointer of
 * the value at fault; json-c gives no line numbers, so only syntax errors
 * carry a line and column. spec_synth.c turns the tree into config space.
 */
#include "source_int.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SPEC_SCHEMA	"pcilu-spec/1"

bool spec_check_keys(struct spec_parse *p, const char *path, struct json_object *o, const char *const *keys)
{
	bool ok = true;

	json_object_object_foreach(o, key, val) {
		size_t i;

		(void)val;
		for (i = 0; keys[i] && strcmp(keys[i], key); i++)
			;
		if (!keys[i]) {
			spec_err(p, path, "unknown key \"%s\"", key);
			ok = false;
		}
	}
	return ok;
}

static bool parse_root_bus(struct spec_parse *p, const char *path, json_object *o, bool bus_required,
			   struct spec_root_bus *rb)
{
	static const char *const keys[] = { "bus", "numa_node", "devices", "comment", "name", NULL };
	json_object *v;
	int64_t x = PCILU_NO_NODE;
	bool ok;

	rb->path = strdup(path);
	if (!rb->path)
		return false;
	if (!json_object_is_type(o, json_type_object)) {
		spec_err(p, path, "expected an object describing a root bus");
		return false;
	}
	ok = spec_check_keys(p, path, o, keys);
	if (json_object_object_get_ex(o, "bus", &v)) {
		int64_t b;

		ok = spec_get_num(p, path, "bus", v, 0, 255, true, &b) && ok;
		rb->bus = (uint8_t)b;
	} else if (bus_required) {
		spec_err(p, path, "\"bus\" is required when there are several root buses");
		ok = false;
	}
	if (json_object_object_get_ex(o, "numa_node", &v))
		ok = spec_get_num(p, path, "numa_node", v, -1, 65535, false, &x) && ok;
	if (!json_object_object_get_ex(o, "devices", &v)) {
		spec_err(p, path, "\"devices\" is required");
		return false;
	}
	return spec_parse_devices(p, path, "devices", v, CTX_ROOT, 0, (int32_t)x, 0,
			     &rb->devs, &rb->ndevs) && ok;
}

/* A segment (or the host, for segment 0) holds "root_buses" or, shorter, "devices" of bus 0. */
static bool parse_buses(struct spec_parse *p, const char *path, json_object *o, struct spec_segment *sg)
{
	json_object *rbs, *devs;
	bool has_rbs = json_object_object_get_ex(o, "root_buses", &rbs);
	bool has_devs = json_object_object_get_ex(o, "devices", &devs);
	bool ok = true;
	size_t n;

	if (has_rbs == has_devs) {
		spec_err(p, path, "give exactly one of \"root_buses\" and \"devices\"");
		return false;
	}
	if (has_devs) {
		sg->rbs = calloc(1, sizeof(*sg->rbs));
		if (!sg->rbs || !(sg->rbs->path = strdup(path)))
			return false;
		sg->nrbs = 1;
		return spec_parse_devices(p, path, "devices", devs, CTX_ROOT, 0, PCILU_NO_NODE, 0,
				     &sg->rbs->devs, &sg->rbs->ndevs);
	}
	if (!json_object_is_type(rbs, json_type_array)) {
		spec_err(p, path, "\"root_buses\": expected an array");
		return false;
	}
	n = json_object_array_length(rbs);
	sg->rbs = calloc(n ? n : 1, sizeof(*sg->rbs));
	if (!sg->rbs)
		return false;
	sg->nrbs = n;
	for (size_t i = 0; i < n && p->s->nfuncs <= PCILU_MAX_DEVICES; i++) {
		char *sub = spec_subpath(path, "root_buses", (long)i);

		ok = sub && parse_root_bus(p, sub, json_object_array_get_idx(rbs, i), n > 1,
					   &sg->rbs[i]) && ok;
		free(sub);
		for (size_t j = 0; ok && j < i; j++)
			if (sg->rbs[j].bus == sg->rbs[i].bus) {
				spec_err(p, sg->rbs[i].path, "root bus %02x is already %s",
				     sg->rbs[i].bus, sg->rbs[j].path);
				ok = false;
			}
	}
	return ok;
}

static bool parse_segments(struct spec_parse *p, json_object *v, struct spec_host *s)
{
	bool ok = true;
	size_t n;

	if (!json_object_is_type(v, json_type_array)) {
		spec_err(p, "", "\"segments\": expected an array");
		return false;
	}
	n = json_object_array_length(v);
	s->segs = calloc(n ? n : 1, sizeof(*s->segs));
	if (!s->segs)
		return false;
	s->nsegs = n;
	for (size_t i = 0; i < n && p->s->nfuncs <= PCILU_MAX_DEVICES; i++) {
		static const char *const keys[] = { "segment", "root_buses", "devices", "comment",
						    "name", NULL };
		struct spec_segment *sg = &s->segs[i];
		json_object *o = json_object_array_get_idx(v, i), *x;
		int64_t seg = 0;

		sg->path = spec_subpath("", "segments", (long)i);
		if (!sg->path)
			return false;
		if (!json_object_is_type(o, json_type_object)) {
			spec_err(p, sg->path, "expected an object describing a segment");
			ok = false;
			continue;
		}
		ok = spec_check_keys(p, sg->path, o, keys) && ok;
		if (json_object_object_get_ex(o, "segment", &x))
			ok = spec_get_num(p, sg->path, "segment", x, 0, 0xffffffffll, true, &seg) && ok;
		sg->seg = (uint32_t)seg;
		for (size_t j = 0; j < i; j++)
			if (s->segs[j].seg == sg->seg) {
				spec_err(p, sg->path, "segment %04x is already %s", sg->seg, s->segs[j].path);
				ok = false;
			}
		ok = parse_buses(p, sg->path, o, sg) && ok;
	}
	return ok;
}

static bool parse_host(struct spec_parse *p, json_object *o, struct spec_host *s)
{
	static const char *const keys[] = { "schema", "kernel", "cmdline", "iommu", "config_bytes",
		"segments", "root_buses", "devices", "comment", "name", NULL };
	json_object *v;
	const char *str;
	bool ok;

	if (!json_object_is_type(o, json_type_object)) {
		spec_err(p, "", "a spec is a JSON object");
		return false;
	}
	ok = spec_check_keys(p, "", o, keys);
	if (json_object_object_get_ex(o, "schema", &v) && spec_get_str(p, "", "schema", v, &str) &&
	    strcmp(str, SPEC_SCHEMA)) {
		spec_err(p, "", "\"schema\": \"%s\" is not supported (this pcilu reads \"%s\")",
		     str, SPEC_SCHEMA);
		return false;
	}
	/* A failed copy stops the parse with no message: the caller reports -ENOMEM. */
	if (json_object_object_get_ex(o, "kernel", &v) && (ok = spec_get_str(p, "", "kernel", v, &str) && ok) &&
	    !(s->kernel = strdup(str)))
		return false;
	if (json_object_object_get_ex(o, "cmdline", &v) && (ok = spec_get_str(p, "", "cmdline", v, &str) && ok) &&
	    !(s->cmdline = strdup(str)))
		return false;
	if (json_object_object_get_ex(o, "iommu", &v) && (ok = spec_get_str(p, "", "iommu", v, &str) && ok)) {
		if (!strcmp(str, "on"))
			s->iommu = PCILU_IOMMU_PRESENT;
		else if (!strcmp(str, "off"))
			s->iommu = PCILU_IOMMU_ABSENT;
		else
			spec_err(p, "", "\"iommu\": \"%s\" is neither \"on\" nor \"off\"", str), ok = false;
	}
	if (json_object_object_get_ex(o, "config_bytes", &v)) {
		int64_t x = 0;

		if (!spec_get_num(p, "", "config_bytes", v, 64, 4096, false, &x))
			ok = false;
		else if (x != 64 && x != 256 && x != 4096)
			spec_err(p, "", "\"config_bytes\": must be 64, 256 or 4096"), ok = false;
		else
			s->cfg_bytes = (unsigned)x;
	}
	if (json_object_object_get_ex(o, "segments", &v)) {
		if (json_object_object_get_ex(o, "root_buses", NULL) ||
		    json_object_object_get_ex(o, "devices", NULL)) {
			spec_err(p, "", "give \"segments\", or \"root_buses\"/\"devices\" of segment 0, not both");
			return false;
		}
		return parse_segments(p, v, s) && ok;
	}
	s->segs = calloc(1, sizeof(*s->segs));
	if (!s->segs || !(s->segs->path = strdup("")))
		return false;
	s->nsegs = 1;
	return parse_buses(p, "", o, s->segs) && ok;
}

static void free_nodes(struct spec_node *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free_nodes(v[i].kids, v[i].nkids);
		free(v[i].path);
		free(v[i].driver);
		free(v[i].sriov.vf_driver);
	}
	free(v);
}

void pcilu_spec_nodes_free(struct spec_node *v, size_t n)
{
	free_nodes(v, n);
}

static void spec_host_free(struct spec_host *s)
{
	for (size_t i = 0; i < s->nsegs; i++) {
		struct spec_segment *sg = &s->segs[i];

		for (size_t j = 0; j < sg->nrbs; j++) {
			free_nodes(sg->rbs[j].devs, sg->rbs[j].ndevs);
			free(sg->rbs[j].path);
		}
		free(sg->rbs);
		free(sg->path);
	}
	free(s->segs);
	free(s->kernel);
	free(s->cmdline);
}

/* json-c reports a byte offset; people want line and column. */
static void syntax_error(struct spec_host *s, const char *text, size_t off, const char *what)
{
	long line = 1, col = 1;

	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n')
			line++, col = 1;
		else
			col++;
	}
	pcilu_diag_add(s->d, PCILU_ERROR, s->file, line, (long)off, "column %ld: %s", col, what);
}

/* First non-blank offset from @at; the text need not be NUL-terminated. */
static size_t skip_blank(const char *text, size_t at, size_t len)
{
	while (at < len && (text[at] == ' ' || text[at] == '\t' || text[at] == '\r' || text[at] == '\n'))
		at++;
	return at;
}

json_object *spec_parse_json(struct spec_host *s, const char *text, size_t len)
{
	/* Each bridge level is an object plus a "children" array. */
	struct json_tokener *tok = json_tokener_new_ex(2 * PCILU_MAX_SPEC_DEPTH + 16);
	const char *nul = memchr(text, '\0', len);
	json_object *o;
	size_t end;

	if (!tok)
		return NULL;
	if (nul) {
		syntax_error(s, text, (size_t)(nul - text), "NUL byte in a JSON document");
		json_tokener_free(tok);
		return NULL;
	}
	/* json-c drops a member it cannot allocate and goes on: only errno tells (malloc's ENOMEM). */
	errno = 0;
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (errno == ENOMEM) {
		json_object_put(o);
		o = NULL;	/* the caller reports -ENOMEM: no message was added */
	} else if (!o) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		syntax_error(s, text, end, e == json_tokener_continue ? "unexpected end of input" :
			     e == json_tokener_error_depth ? "JSON nested too deeply" :
			     json_tokener_error_desc(e));
	} else if (skip_blank(text, end, len) < len) {
		syntax_error(s, text, skip_blank(text, end, len), "text after the JSON document");
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* opts->lenient does not apply: a half-read spec would silently be a different machine. */
/* The spec's "iommu" field; groups given with "iommu": "off" contradict it. */
static int spec_iommu(const struct spec_host *s, struct pcilu_raw_host *h)
{
	if (s->iommu == PCILU_IOMMU_UNKNOWN)
		return 0;
	if (s->iommu == PCILU_IOMMU_ABSENT && h->has_kernel_groups) {
		pcilu_diag_add(s->d, PCILU_ERROR, s->file, 0, -1,
			       "\"iommu\": \"off\" but functions carry \"iommu_group\": a kernel without an IOMMU forms no group");
		return -EINVAL;
	}
	h->iommu = s->iommu;
	h->iommu_from = PCILU_FROM_SPEC;
	return 0;
}

int pcilu_load_spec(const char *name, const char *text, size_t len,
		    const struct pcilu_source_opts *opts,
		    struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	struct spec_host s = { .file = name, .d = d, .cfg_bytes = PCILU_CFG_EXP_SIZE };
	struct spec_parse p = { .s = &s };
	json_object *o;
	int ret;

	(void)opts;
	pcilu_raw_host_init(h, PCILU_SRC_SPEC, name);
	if (name && !h->name)
		return -ENOMEM;
	if (len > INT32_MAX) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "a spec larger than 2 GiB is not supported");
		return -E2BIG;
	}
	o = spec_parse_json(&s, text, len);
	if (!o)
		return d->errors ? -EINVAL : -ENOMEM;
	ret = parse_host(&p, o, &s) ? 0 : -EINVAL;
	json_object_put(o);
	if (!ret && p.errors)
		ret = -EINVAL;
	if (ret && !p.errors)
		ret = -ENOMEM;	/* only allocation failures stop a parse silently */
	if (!ret)
		ret = pcilu_spec_synth(&s, h);
	if (!ret) {
		h->kernel_release = s.kernel;
		h->cmdline = s.cmdline;
		s.kernel = s.cmdline = NULL;
		ret = spec_iommu(&s, h);
	}
	spec_host_free(&s);
	return ret;
}
