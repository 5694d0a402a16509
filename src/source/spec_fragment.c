// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Spec fragments: one device (or a whole switch) that appears below an
 * existing bridge, for the hot-plug events of `pcilu simulate --add`. The
 * fragment is checked with the same rules as a full spec; only where it sits
 * comes from the host, through the caller's resolver.
 */
#include "source_int.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static const enum spec_ctx ctx_of[] = {
	[PCILU_SPEC_BUS_LINK] = CTX_LINK,
	[PCILU_SPEC_BUS_SWITCH] = CTX_SWITCH,
	[PCILU_SPEC_BUS_PCI] = CTX_PCI,
};

static json_object *parse_text(const char *name, const char *text, size_t len, struct pcilu_diag *d)
{
	struct json_tokener *tok = json_tokener_new_ex(2 * PCILU_MAX_SPEC_DEPTH + 16);
	json_object *o = NULL;
	size_t end;

	if (!tok)
		return NULL;
	if (len > INT32_MAX || memchr(text, '\0', len)) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "not a JSON text");
		json_tokener_free(tok);
		return NULL;
	}
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (!o)
		pcilu_diag_add(d, PCILU_ERROR, name, 0, (long)end, "JSON: %s",
			       json_tokener_error_desc(json_tokener_get_error(tok)));
	else if (end + strspn(text + end, " \t\r\n") < len) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, (long)end, "text after the JSON fragment");
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* "under" and the functions: {"under": BDF, "device": {...}} or "devices": [...]. */
static bool fragment_parts(struct spec_parse *p, json_object *o, const char **under,
			   json_object **devs, const char **key)
{
	json_object *v;
	bool one, many, ok = true;

	if (!json_object_is_type(o, json_type_object)) {
		spec_err(p, "", "a fragment is an object {\"under\": \"BDF\", \"device\": {...}}");
		return false;
	}
	json_object_object_foreach(o, k, val) {
		(void)val;
		if (strcmp(k, "under") && strcmp(k, "device") && strcmp(k, "devices") &&
		    strcmp(k, "comment") && strcmp(k, "name")) {
			spec_err(p, "", "unknown key \"%s\"", k);
			ok = false;
		}
	}
	if (!json_object_object_get_ex(o, "under", &v)) {
		spec_err(p, "", "\"under\" (the bridge the device appears below) is required");
		return false;
	}
	if (!spec_get_str(p, "", "under", v, under))
		return false;
	one = json_object_object_get_ex(o, "device", &v);
	many = json_object_object_get_ex(o, "devices", devs);
	if (one == many) {
		spec_err(p, "", "give exactly one of \"device\" and \"devices\"");
		return false;
	}
	*key = one ? "device" : "devices";
	if (one) {
		/* one function is a one-element "devices" array; the pointer says /device/0 */
		*devs = json_object_new_array();
		if (!*devs || json_object_array_add(*devs, json_object_get(v)))
			return false;
	} else {
		json_object_get(*devs);
	}
	return ok;
}

static bool resolve_under(struct spec_parse *p, const char *under, pcilu_spec_resolve_fn resolve,
			  void *arg, struct pcilu_spec_attach *at)
{
	uint32_t seg = 0;
	uint8_t bus, devfn;
	bool has_seg = false, bad = false;
	size_t n = pcilu_src_parse_bdf(under, strlen(under), &seg, &has_seg, &bus, &devfn, &bad);

	if (!n || bad || under[n]) {
		spec_err(p, "/under", "\"%s\" is not a PCI address (DDDD:BB:DD.F)", under);
		return false;
	}
	if (!has_seg)
		seg = 0;
	memset(at, 0, sizeof(*at));
	if (resolve(arg, seg, bus, devfn, at, p->s->d)) {
		p->errors++;
		return false;
	}
	if (at->kind < PCILU_SPEC_BUS_LINK || at->kind > PCILU_SPEC_BUS_PCI)
		return false;
	return true;
}

int pcilu_spec_load_fragment(const char *name, const char *text, size_t len,
			     pcilu_spec_resolve_fn resolve, void *arg,
			     struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	struct spec_host s = { .file = name, .d = d, .cfg_bytes = PCILU_CFG_EXP_SIZE };
	struct spec_parse p = { .s = &s };
	struct pcilu_spec_attach at;
	json_object *o = parse_text(name, text, len, d), *devs = NULL;
	struct spec_node *v = NULL;
	const char *under = NULL, *key = NULL;
	size_t n = 0;
	unsigned max;
	int ret = -EINVAL;

	if (!o)
		return d->errors ? -EINVAL : -ENOMEM;
	if (!fragment_parts(&p, o, &under, &devs, &key) || !resolve_under(&p, under, resolve, arg, &at))
		goto out;
	/* the same checks as in a spec: kinds allowed on this bus, device 0 below a port, ... */
	s.host_fn0 = at.fn0_slots;
	if (!spec_parse_devices(&p, "", key, devs, ctx_of[at.kind], 1, at.numa,
				at.ari_fwd ? 2 : 0, &v, &n) || p.errors)
		goto out;
	max = at.last_used;
	ret = pcilu_spec_synth_under(&s, at.seg, v, n, at.bus, at.ari_fwd ? 2 : 0, &max, h);
	if (!ret && max > at.subordinate) {
		spec_err(&p, "", "its bridges need buses up to %02x, but %s reserves only %02x-%02x",
			 max, under, at.bus, at.subordinate);
		ret = -EINVAL;
	}
out:
	if (ret && !p.errors && !d->errors)
		ret = -ENOMEM;
	pcilu_spec_nodes_free(v, n);
	json_object_put(devs);
	json_object_put(o);
	return ret;
}
