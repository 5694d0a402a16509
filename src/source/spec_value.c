// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Topology specs: the value parsers (numbers, ids, ACS flags, slots, SR-IOV),
 * each reporting problems with the JSON pointer of the value at fault.
 */
#include "source_int.h"

#include <errno.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The flags' names; a spec calls bit 7 (Enhanced Capability) "ENH". */
static const char *acs_name(size_t bit)
{
	return bit < PCILU_ACS_NFLAGS ? pcilu_acs_flag_names[bit] : "ENH";
}

void spec_verr(struct spec_host *s, const char *path, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* @path is NULL when building it ran out of memory. */
	pcilu_diag_add(s->d, PCILU_ERROR, s->file, 0, -1, "%s: %s", path && *path ? path : "/", msg);
}

void spec_err(struct spec_parse *p, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	spec_verr(p->s, path, fmt, ap);
	va_end(ap);
	p->errors++;
}

char *spec_subpath(const char *path, const char *key, long idx)
{
	char *r = NULL;
	int n = idx < 0 ? asprintf(&r, "%s/%s", path, key)
			: asprintf(&r, "%s/%s/%ld", path, key, idx);

	return n < 0 ? NULL : r;
}

/* Strings are hexadecimal as lspci prints ids ("8086", "0x8086"); numbers are numbers. */
static bool spec_parse_hex(const char *s, uint64_t *out)
{
	char *end;

	if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
		s += 2;
	if (!*s || strlen(s) > 16 || strspn(s, "0123456789abcdefABCDEF") != strlen(s))
		return false;
	*out = strtoull(s, &end, 16);
	return true;
}

bool spec_get_num(struct spec_parse *p, const char *path, const char *key, json_object *v,
		    int64_t min, int64_t max, bool hex, int64_t *out)
{
	uint64_t u;

	if (json_object_is_type(v, json_type_int)) {
		*out = json_object_get_int64(v);
		if (*out == INT64_MAX && json_object_get_uint64(v) > INT64_MAX)
			*out = max + (max < INT64_MAX);
	} else if (hex && json_object_is_type(v, json_type_string) &&
		   spec_parse_hex(json_object_get_string(v), &u)) {
		if (!spec_str_whole(p, path, key, v))
			return false;
		*out = u > INT64_MAX ? INT64_MAX : (int64_t)u;
	} else {
		spec_err(p, path, "\"%s\": expected %s", key,
		     hex ? "an integer or a hexadecimal string" : "an integer");
		return false;
	}
	if (*out < min || *out > max) {
		spec_err(p, path, "\"%s\": %" PRId64 " (0x%" PRIx64 ") is out of range %" PRId64 "..%" PRId64,
		     key, *out, (uint64_t)*out, min, max);
		return false;
	}
	return true;
}

bool spec_get_bool(struct spec_parse *p, const char *path, const char *key, json_object *v, bool *out)
{
	if (!json_object_is_type(v, json_type_boolean)) {
		spec_err(p, path, "\"%s\": expected true or false", key);
		return false;
	}
	*out = json_object_get_boolean(v);
	return true;
}

bool spec_str_whole(struct spec_parse *p, const char *path, const char *key, json_object *v)
{
	const char *s = json_object_get_string(v);
	size_t n = strlen(s);

	if ((size_t)json_object_get_string_len(v) == n)
		return true;
	spec_err(p, path, "\"%s\": the string holds a NUL character (\\u0000) after \"%.40s\"; it would be cut short there",
		 key, s);
	return false;
}

bool spec_get_str(struct spec_parse *p, const char *path, const char *key, json_object *v,
		    const char **out)
{
	if (!json_object_is_type(v, json_type_string)) {
		spec_err(p, path, "\"%s\": expected a string", key);
		return false;
	}
	if (!spec_str_whole(p, path, key, v))
		return false;
	*out = json_object_get_string(v);
	return true;
}

/* "vvvv:dddd" */
bool spec_get_pair(struct spec_parse *p, const char *path, const char *key, json_object *v,
		     uint16_t *a, uint16_t *b)
{
	const char *s;
	char left[8];
	uint64_t x, y;
	const char *colon;

	if (!spec_get_str(p, path, key, v, &s))
		return false;
	colon = strchr(s, ':');
	if (!colon || colon - s > 6) {
		spec_err(p, path, "\"%s\": expected \"vvvv:dddd\", got \"%s\"", key, s);
		return false;
	}
	memcpy(left, s, (size_t)(colon - s));
	left[colon - s] = '\0';
	if (!spec_parse_hex(left, &x) || !spec_parse_hex(colon + 1, &y) || x > 0xffff || y > 0xffff) {
		spec_err(p, path, "\"%s\": expected \"vvvv:dddd\", got \"%s\"", key, s);
		return false;
	}
	*a = (uint16_t)x;
	*b = (uint16_t)y;
	return true;
}

bool spec_get_driver(struct spec_parse *p, const char *path, const char *key, json_object *v,
		       char **out)
{
	const char *s;

	if (!spec_get_str(p, path, key, v, &s))
		return false;
	if (!*s || strlen(s) > 64 || strchr(s, '/') || !strcmp(s, ".") || !strcmp(s, "..")) {
		spec_err(p, path, "\"%s\": \"%s\" is not a driver name", key, s);
		return false;
	}
	free(*out);
	*out = strdup(s);
	return *out != NULL;
}

/* "SV|RR", ["SV","RR"] or a number. */
static bool spec_get_acs_bits(struct spec_parse *p, const char *path, const char *key, json_object *v,
			 uint16_t *out)
{
	int64_t n;

	*out = 0;
	if (json_object_is_type(v, json_type_int)) {
		if (!spec_get_num(p, path, key, v, 0, 0xff, false, &n))
			return false;
		*out = (uint16_t)n;
		return true;
	}
	if (json_object_is_type(v, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(v); i++) {
			json_object *e = json_object_array_get_idx(v, i);
			uint16_t b;

			if (!spec_get_acs_bits(p, path, key, e, &b))
				return false;
			*out |= b;
		}
		return true;
	}
	if (!json_object_is_type(v, json_type_string)) {
		spec_err(p, path, "\"%s\": expected ACS flags (\"SV|RR|CR|UF\", a list, or a number)", key);
		return false;
	}
	const char *s = json_object_get_string(v);

	if (!spec_str_whole(p, path, key, v))
		return false;
	while (*s) {
		size_t len = strcspn(s, "|, ");
		size_t i;

		for (i = 0; i <= PCILU_ACS_NFLAGS; i++)
			if (len && strlen(acs_name(i)) == len && !strncasecmp(s, acs_name(i), len))
				break;
		if (len && i > PCILU_ACS_NFLAGS) {
			spec_err(p, path, "\"%s\": unknown ACS flag \"%.*s\" (known: SV TB RR CR UF EC DT ENH)",
			     key, (int)len, s);
			return false;
		}
		if (len)
			*out |= (uint16_t)(1u << i);
		s += len;
		s += strspn(s, "|, ");
	}
	return true;
}

bool spec_parse_acs(struct spec_parse *p, const char *path, json_object *v, struct spec_node *n)
{
	n->acs = true;
	if (json_object_is_type(v, json_type_boolean)) {
		n->acs = json_object_get_boolean(v);
		n->acs_cap = n->acs_ctrl = n->acs ? PCI_ACS_SV | PCI_ACS_RR | PCI_ACS_CR | PCI_ACS_UF : 0;
		return true;
	}
	if (!json_object_is_type(v, json_type_object)) {
		if (!spec_get_acs_bits(p, path, "acs", v, &n->acs_cap))
			return false;
		n->acs_ctrl = n->acs_cap & ~PCI_ACS_ENHANCED;
		return true;
	}
	char *sub = spec_subpath(path, "acs", -1);
	bool ok = sub != NULL, has_cap = false;

	json_object_object_foreach(v, key, val) {
		if (!strcmp(key, "cap"))
			ok = (has_cap = spec_get_acs_bits(p, sub, key, val, &n->acs_cap)) && ok;
		else if (!strcmp(key, "ctrl"))
			ok = spec_get_acs_bits(p, sub, key, val, &n->acs_ctrl) && ok;
		else if (strcmp(key, "comment"))
			spec_err(p, sub, "unknown key \"%s\" (known: cap, ctrl)", key), ok = false;
	}
	if (ok && !has_cap)
		spec_err(p, sub, "\"cap\" is required"), ok = false;
	if (ok && (n->acs_ctrl & ~n->acs_cap))
		spec_err(p, sub, "\"ctrl\" enables flags the capability lacks (0x%x)",
		     n->acs_ctrl & ~n->acs_cap), ok = false;
	if (ok && (n->acs_ctrl & PCI_ACS_ENHANCED))
		spec_err(p, sub, "\"ctrl\": ENH is a capability bit only"), ok = false;
	free(sub);
	return ok;
}


bool spec_parse_slot(struct spec_parse *p, const char *path, json_object *v, uint8_t *devfn)
{
	const char *s;
	uint64_t dev;
	char buf[8];
	const char *dot;

	if (!spec_get_str(p, path, "slot", v, &s))
		return false;
	dot = strchr(s, '.');
	if (strlen(s) > 4 || (dot && (dot - s > 2 || dot[1] < '0' || dot[1] > '7' || dot[2]))) {
		spec_err(p, path, "\"slot\": expected \"dd.f\" or \"dd\" (hex device, function 0-7), got \"%s\"", s);
		return false;
	}
	memcpy(buf, s, dot ? (size_t)(dot - s) : strlen(s) + 1);
	buf[dot ? dot - s : (long)strlen(s)] = '\0';
	if (!spec_parse_hex(buf, &dev) || dev > 0x1f) {
		spec_err(p, path, "\"slot\": expected \"dd.f\" or \"dd\" (hex device 00-1f, function 0-7), got \"%s\"", s);
		return false;
	}
	*devfn = (uint8_t)PCI_DEVFN(dev, dot ? dot[1] - '0' : 0);
	return true;
}

bool spec_parse_link(struct spec_parse *p, const char *path, json_object *v, struct spec_node *n)
{
	char *sub;
	bool ok = true;
	int64_t x;

	if (!json_object_is_type(v, json_type_object)) {
		spec_err(p, path, "\"link\": expected an object like {\"gen\": 4, \"width\": 16}");
		return false;
	}
	sub = spec_subpath(path, "link", -1);
	if (!sub)
		return false;
	json_object_object_foreach(v, key, val) {
		if (!strcmp(key, "gen")) {
			if ((ok = spec_get_num(p, sub, key, val, 1, 6, false, &x) && ok))
				n->link_speed = (uint8_t)x;
		} else if (!strcmp(key, "width")) {
			if ((ok = spec_get_num(p, sub, key, val, 1, 32, false, &x) && ok))
				n->link_width = (uint8_t)x;
			if (ok && (x & (x - 1)) && x != 12)
				spec_err(p, sub, "\"width\": x%" PRId64 " is not a PCIe link width", x), ok = false;
		} else if (strcmp(key, "comment")) {
			spec_err(p, sub, "unknown key \"%s\" (known: gen, width)", key);
			ok = false;
		}
	}
	free(sub);
	return ok;
}

bool spec_parse_sriov(struct spec_parse *p, const char *path, json_object *v, struct spec_node *n)
{
	struct spec_sriov *sr = &n->sriov;
	bool ok = true, has_total = false, has_initial = false;
	char *sub;
	int64_t x;

	if (!json_object_is_type(v, json_type_object)) {
		spec_err(p, path, "\"sriov\": expected an object");
		return false;
	}
	sub = spec_subpath(path, "sriov", -1);
	if (!sub)
		return false;
	n->has_sriov = true;
	sr->vf_device = n->device;
	sr->vf_group = PCILU_NO_GROUP;
	json_object_object_foreach(v, key, val) {
		bool k = true;

		if (!strcmp(key, "total") && (k = spec_get_num(p, sub, key, val, 1, 0xffff, false, &x)))
			sr->total = (uint16_t)x, has_total = true;
		else if (!strcmp(key, "num") && (k = spec_get_num(p, sub, key, val, 0, 0xffff, false, &x)))
			sr->num = (uint16_t)x;
		else if (!strcmp(key, "initial") && (k = spec_get_num(p, sub, key, val, 0, 0xffff, false, &x)))
			sr->initial = (uint16_t)x, has_initial = true;
		else if (!strcmp(key, "offset") && (k = spec_get_num(p, sub, key, val, 1, 0xffff, true, &x)))
			sr->offset = (uint16_t)x, sr->has_offset = true;
		else if (!strcmp(key, "stride") && (k = spec_get_num(p, sub, key, val, 0, 0xffff, true, &x)))
			sr->stride = (uint16_t)x, sr->has_stride = true;
		else if (!strcmp(key, "vf_device") && (k = spec_get_num(p, sub, key, val, 0, 0xfffe, true, &x)))
			sr->vf_device = (uint16_t)x;
		else if (!strcmp(key, "vf_driver"))
			k = spec_get_driver(p, sub, key, val, &sr->vf_driver);
		else if (!strcmp(key, "vf_iommu_group") &&
			 (k = spec_get_num(p, sub, key, val, 0, INT32_MAX, false, &x)))
			sr->vf_group = (int32_t)x;
		else if (strcmp(key, "total") && strcmp(key, "num") && strcmp(key, "initial") &&
			 strcmp(key, "offset") && strcmp(key, "stride") && strcmp(key, "vf_device") &&
			 strcmp(key, "vf_iommu_group") && strcmp(key, "comment")) {
			spec_err(p, sub, "unknown key \"%s\" (known: total, num, initial, offset, stride, "
			     "vf_device, vf_driver, vf_iommu_group)", key);
			k = false;
		}
		ok = k && ok;
	}
	if (ok && !has_total)
		spec_err(p, sub, "\"total\" is required"), ok = false;
	if (!has_initial)
		sr->initial = sr->total;
	if (ok && (sr->num > sr->total || sr->initial > sr->total))
		spec_err(p, sub, "\"num\" (%u) and \"initial\" (%u) cannot exceed \"total\" (%u)",
		     sr->num, sr->initial, sr->total), ok = false;
	if (ok && sr->has_stride && !sr->stride && sr->total > 1)
		spec_err(p, sub, "\"stride\" 0 would put every VF at the same address"), ok = false;
	if (ok && sr->vf_group != PCILU_NO_GROUP && (int64_t)sr->vf_group + sr->num > INT32_MAX)
		spec_err(p, sub, "\"vf_iommu_group\" + \"num\" overflows"), ok = false;
	free(sub);
	return ok;
}

