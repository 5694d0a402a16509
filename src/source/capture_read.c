// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a pcilu-capture/1 document (docs/capture.md) back into the raw host
 * the live sysfs source would have given. Strict, like the manifest reader:
 * the crc32 is checked before the JSON is parsed, every key must be known,
 * and a damaged function is an error, never a device left out, because a
 * capture with a hole describes a different machine.
 */
#include "source_int.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#define CRC_DIGITS	8

bool pcilu_is_capture(const char *text, size_t len)
{
	static const char key[] = "\"schema\"", val[] = "\"pcilu-capture/";
	size_t i = 0;

#define BLANKS() while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) i++
	BLANKS();
	if (i >= len || text[i++] != '{')
		return false;
	BLANKS();
	if (len - i < sizeof(key) - 1 || memcmp(text + i, key, sizeof(key) - 1))
		return false;
	i += sizeof(key) - 1;
	BLANKS();
	if (i >= len || text[i++] != ':')
		return false;
	BLANKS();
#undef BLANKS
	return len - i >= sizeof(val) - 1 && !memcmp(text + i, val, sizeof(val) - 1);
}

/* The seal: the document ends with the crc32 member, over every byte before it. */
static int check_seal(const char *name, const char *text, size_t len, struct pcilu_diag *d)
{
	static const char tail[] = PCILU_CAPTURE_TAIL, end[] = "\"\n}\n";
	size_t at = len >= sizeof(tail) - 1 + CRC_DIGITS + sizeof(end) - 1 ?
		    len - (sizeof(tail) - 1 + CRC_DIGITS + sizeof(end) - 1) : 0;
	char want[CRC_DIGITS + 1];
	uint32_t crc;

	if (!at || memcmp(text + at, tail, sizeof(tail) - 1) ||
	    memcmp(text + len - (sizeof(end) - 1), end, sizeof(end) - 1)) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, (long)len,
			       "the capture does not end with its \"crc32\" member: cut short, or edited");
		return -EINVAL;
	}
	crc = pcilu_crc32(0, text, at);
	snprintf(want, sizeof(want), "%08x", crc);
	if (memcmp(text + at + sizeof(tail) - 1, want, CRC_DIGITS)) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, (long)at,
			       "crc32 %.8s recorded, %s computed: the capture was changed or damaged after it was written",
			       text + at + sizeof(tail) - 1, want);
		return -EINVAL;
	}
	return 0;
}

static bool known_keys(struct spec_parse *p, const char *path, json_object *o, const char *const *keys)
{
	if (!json_object_is_type(o, json_type_object)) {
		spec_err(p, path, "expected an object");
		return false;
	}
	return spec_check_keys(p, path, o, keys);
}

/* An optional string member: NULL stays NULL; *out owns a copy. */
static bool opt_str(struct spec_parse *p, const char *path, json_object *o, const char *key, char **out)
{
	json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return true;
	if (!spec_get_str(p, path, key, v, &s))
		return false;
	*out = strdup(s);
	return *out != NULL;
}

static bool opt_tri(struct spec_parse *p, const char *path, json_object *o, const char *key, int8_t *out)
{
	json_object *v;
	bool b;

	*out = -1;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return true;
	if (!spec_get_bool(p, path, key, v, &b))
		return false;
	*out = b;
	return true;
}

static bool read_host(struct spec_parse *p, json_object *o, struct pcilu_capture_info *c)
{
	static const char *const keys[] = { "hostname", "boot_id", "board_vendor", "board_name",
					     "board_version", "bios_version", NULL };

	if (!o)
		return true;
	return known_keys(p, "/host", o, keys) &&
	       opt_str(p, "/host", o, "hostname", &c->hostname) &&
	       opt_str(p, "/host", o, "boot_id", &c->boot_id) &&
	       opt_str(p, "/host", o, "board_vendor", &c->board_vendor) &&
	       opt_str(p, "/host", o, "board_name", &c->board_name) &&
	       opt_str(p, "/host", o, "board_version", &c->board_version) &&
	       opt_str(p, "/host", o, "bios_version", &c->bios_version);
}

static bool read_kernel(struct spec_parse *p, json_object *o, struct pcilu_raw_host *h)
{
	static const char *const keys[] = { "release", "cmdline", "liveupdate_dev", "config",
					     "config_pci_liveupdate", NULL };
	struct pcilu_capture_info *c = h->capture;

	if (!o)
		return true;
	return known_keys(p, "/kernel", o, keys) &&
	       opt_str(p, "/kernel", o, "release", &h->kernel_release) &&
	       opt_str(p, "/kernel", o, "cmdline", &h->cmdline) &&
	       opt_tri(p, "/kernel", o, "liveupdate_dev", &c->luo) &&
	       opt_str(p, "/kernel", o, "config", &c->kconfig) &&
	       opt_tri(p, "/kernel", o, "config_pci_liveupdate", &c->pci_lu);
}

/* Bytes as the capture wrote them: two lower-case hex digits each, @min to @max bytes. */
static bool read_hex(struct spec_parse *p, const char *path, const char *key, json_object *v, size_t min,
		     size_t max, uint8_t **out, size_t *len)
{
	const char *s;
	size_t n;
	uint8_t *b;

	if (!spec_get_str(p, path, key, v, &s))
		return false;
	n = strlen(s);
	if (n % 2 || n / 2 < min || n / 2 > max) {
		spec_err(p, path, "\"%s\": %zu hex digits; expected %zu to %zu, an even number", key, n,
			 min * 2, max * 2);
		return false;
	}
	b = malloc(n / 2 ? n / 2 : 1);
	if (!b)
		return false;
	for (size_t i = 0; i < n; i++) {
		int x = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : s[i] >= 'a' && s[i] <= 'f' ? s[i] - 'a' + 10 : -1;

		if (x < 0) {
			spec_err(p, path, "\"%s\": '%c' at digit %zu is not a lower-case hex digit", key,
				 s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?', i);
			free(b);
			return false;
		}
		if (i % 2)
			b[i / 2] = (uint8_t)(b[i / 2] | x);
		else
			b[i / 2] = (uint8_t)(x << 4);
	}
	*out = b;
	*len = n / 2;
	return true;
}

static bool read_config(struct spec_parse *p, const char *path, json_object *v, struct pcilu_raw_dev *r)
{
	size_t len;

	if (!read_hex(p, path, "config", v, PCI_STD_HEADER_SIZEOF, PCILU_CFG_EXP_SIZE, &r->cfg, &len))
		return false;
	r->cfg_len = (uint16_t)len;
	return true;
}

/* "acpi_tables": {"DMAR": hex, ...}: only the IOMMU tables pcilu reads. */
static bool read_acpi(struct spec_parse *p, json_object *o, struct pcilu_raw_host *h)
{
	if (!o)
		return true;
	if (!json_object_is_type(o, json_type_object)) {
		spec_err(p, "/acpi_tables", "expected an object (table name: hex)");
		return false;
	}
	json_object_object_foreach(o, key, val) {
		unsigned i = 0;

		while (i < PCILU_ACPI_NTABLES && strcmp(key, pcilu_acpi_table_name(i)))
			i++;
		if (i == PCILU_ACPI_NTABLES) {
			spec_err(p, "/acpi_tables", "unknown table \"%s\" (DMAR, IVRS, VIOT)", key);
			return false;
		}
		if (!read_hex(p, "/acpi_tables", key, val, 36, PCILU_ACPI_MAX_SIZE, &h->acpi[i].data, &h->acpi[i].len))
			return false;
	}
	return true;
}

static bool read_addr(struct spec_parse *p, const char *path, const char *key, json_object *v,
		      uint32_t *seg, uint8_t *bus, uint8_t *devfn)
{
	const char *s;
	bool has_seg = false, bad = false;

	if (!spec_get_str(p, path, key, v, &s))
		return false;
	if (pcilu_src_parse_bdf(s, strlen(s), seg, &has_seg, bus, devfn, &bad) != strlen(s) || !has_seg || bad) {
		spec_err(p, path, "\"%s\": \"%.40s\" is not DDDD:BB:DD.F", key, s);
		return false;
	}
	return true;
}

static bool read_function(struct spec_parse *p, const char *path, json_object *o, struct pcilu_raw_dev *r)
{
	static const char *const keys[] = { "address", "config", "iommu_group", "driver", "numa_node",
					    "physfn", NULL };
	json_object *v;
	int64_t x;

	if (!known_keys(p, path, o, keys))
		return false;
	if (!json_object_object_get_ex(o, "address", &v) || !json_object_object_get_ex(o, "config", &v)) {
		spec_err(p, path, "\"address\" and \"config\" are required");
		return false;
	}
	json_object_object_get_ex(o, "address", &v);
	if (!read_addr(p, path, "address", v, &r->seg, &r->bus, &r->devfn))
		return false;
	json_object_object_get_ex(o, "config", &v);
	if (!read_config(p, path, v, r))
		return false;
	if (json_object_object_get_ex(o, "iommu_group", &v) && v) {
		if (!spec_get_num(p, path, "iommu_group", v, 0, INT32_MAX, false, &x))
			return false;
		r->kernel_group = (int32_t)x;
	}
	if (json_object_object_get_ex(o, "driver", &v) && v && !spec_get_driver(p, path, "driver", v, &r->driver))
		return false;
	if (json_object_object_get_ex(o, "numa_node", &v) && v) {
		if (!spec_get_num(p, path, "numa_node", v, 0, 65535, false, &x))
			return false;
		r->numa_node = (int32_t)x;
	}
	/* Left out: the capture could not tell; null: not a VF. */
	if (json_object_object_get_ex(o, "physfn", &v)) {
		r->physfn_known = true;
		r->is_virtfn = v != NULL;
		if (v && !read_addr(p, path, "physfn", v, &r->pf_seg, &r->pf_bus, &r->pf_devfn))
			return false;
	}
	return true;
}

static bool read_functions(struct spec_parse *p, json_object *a, struct pcilu_raw_host *h)
{
	size_t n;

	if (!a || !json_object_is_type(a, json_type_array)) {
		spec_err(p, "/functions", "expected an array of functions");
		return false;
	}
	n = json_object_array_length(a);
	for (size_t i = 0; i < n; i++) {
		struct pcilu_raw_dev *r = pcilu_raw_host_add(h);
		char path[48];

		if (!r) {
			spec_err(p, "/functions", "more than %u functions", PCILU_MAX_DEVICES);
			return false;
		}
		snprintf(path, sizeof(path), "/functions/%zu", i);
		if (!read_function(p, path, json_object_array_get_idx(a, i), r))
			return false;
		h->has_kernel_groups |= r->kernel_group >= 0;
		h->config_truncated |= r->cfg_len < PCILU_CFG_SIZE;
	}
	return true;
}

/* As the live source decides it: a group link, else kernel/iommu_groups as recorded. */
static void iommu_fact(struct pcilu_raw_host *h, json_object *groups)
{
	h->capture->groups_known = groups != NULL;
	h->capture->ngroups = groups ? (size_t)json_object_object_length(groups) : 0;
	pcilu_src_iommu_fact(h, h->has_kernel_groups, groups ? h->capture->ngroups > 0 : -1);
}

static bool read_document(struct spec_parse *p, json_object *o, struct pcilu_raw_host *h)
{
	static const char *const keys[] = { "schema", "pcilu", "captured_at", "host", "kernel",
					    "iommu_groups", "iommus", "acpi_tables", "functions", "crc32", NULL };
	json_object *v = NULL, *groups = NULL;
	const char *schema;

	if (!known_keys(p, "", o, keys))
		return false;
	json_object_object_get_ex(o, "schema", &v);
	if (!spec_get_str(p, "", "schema", v, &schema))
		return false;
	if (strcmp(schema, PCILU_CAPTURE_SCHEMA)) {
		spec_err(p, "/schema", "\"%.40s\": this pcilu reads %s", schema, PCILU_CAPTURE_SCHEMA);
		return false;
	}
	if (json_object_object_get_ex(o, "iommu_groups", &groups) && groups &&
	    !json_object_is_type(groups, json_type_object)) {
		spec_err(p, "/iommu_groups", "expected an object (group number: type) or null");
		return false;
	}
	if (!opt_str(p, "", o, "pcilu", &h->capture->pcilu_version) ||
	    !opt_str(p, "", o, "captured_at", &h->capture->captured_at) ||
	    !read_host(p, json_object_object_get_ex(o, "host", &v) ? v : NULL, h->capture) ||
	    !read_kernel(p, json_object_object_get_ex(o, "kernel", &v) ? v : NULL, h) ||
	    !read_acpi(p, json_object_object_get_ex(o, "acpi_tables", &v) ? v : NULL, h) ||
	    !read_functions(p, json_object_object_get_ex(o, "functions", &v) ? v : NULL, h))
		return false;
	iommu_fact(h, groups);
	return true;
}

int pcilu_load_capture(const char *name, const char *text, size_t len,
		       const struct pcilu_source_opts *opts,
		       struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	struct spec_host s = { .file = name, .d = d };
	struct spec_parse p = { .s = &s };
	json_object *o;
	int ret;

	(void)opts;	/* --lenient does not apply: a capture with a hole is another machine */
	pcilu_raw_host_init(h, PCILU_SRC_CAPTURE, name);
	if (name && !h->name)
		return -ENOMEM;
	h->capture = calloc(1, sizeof(*h->capture));
	if (!h->capture)
		return -ENOMEM;
	h->capture->luo = h->capture->pci_lu = -1;
	if (len > INT32_MAX) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "a capture larger than 2 GiB is not supported");
		return -E2BIG;
	}
	ret = check_seal(name, text, len, d);
	if (ret)
		return ret;
	o = spec_parse_json(&s, text, len);
	if (!o)
		return d->errors ? -EINVAL : -ENOMEM;
	ret = read_document(&p, o, h) ? 0 : p.errors ? -EINVAL : -ENOMEM;
	json_object_put(o);
	if (!ret && !h->count) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "no devices found");
		ret = -EINVAL;
	}
	if (!ret && h->config_truncated)
		pcilu_diag_add(d, PCILU_WARN, name, 0, -1,
			       "captured without root: fewer than 256 bytes of config space for some functions; "
			       "capabilities (ACS, ARI, SR-IOV) unknown: capture again as root");
	return ret;
}

void pcilu_capture_info_free(struct pcilu_capture_info *c)
{
	if (!c)
		return;
	free(c->captured_at);
	free(c->pcilu_version);
	free(c->hostname);
	free(c->boot_id);
	free(c->board_vendor);
	free(c->board_name);
	free(c->board_version);
	free(c->bios_version);
	free(c->kconfig);
	free(c);
}
