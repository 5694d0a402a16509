// SPDX-License-Identifier: GPL-2.0-or-later
/* Formatting shared by every command's output. */
#include "output_int.h"
#include <pcilu/iommu.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const pcie_type_names[16] = {
	[PCI_EXP_TYPE_ENDPOINT] = "endpoint",
	[PCI_EXP_TYPE_LEG_END] = "legacy-endpoint",
	[PCI_EXP_TYPE_ROOT_PORT] = "root-port",
	[PCI_EXP_TYPE_UPSTREAM] = "upstream-port",
	[PCI_EXP_TYPE_DOWNSTREAM] = "downstream-port",
	[PCI_EXP_TYPE_PCI_BRIDGE] = "pcie-to-pci-bridge",
	[PCI_EXP_TYPE_PCIE_BRIDGE] = "pci-to-pcie-bridge",
	[PCI_EXP_TYPE_RC_END] = "rc-integrated-endpoint",
	[PCI_EXP_TYPE_RC_EC] = "rc-event-collector",
};

const char *pcilu_dev_type_name(const struct pcilu_dev *dev)
{
	if (dev->dead)
		return "dead";
	/* Without a readable capability list, "no PCIe capability" is a guess. */
	if (dev->caps_unknown)
		return pcilu_is_bridge(dev) ? "bridge-unknown-type" : "unknown-type";
	if (!dev->pcie_pos)
		return pcilu_is_bridge(dev) ? "pci-bridge" : "pci";
	return pcie_type_names[dev->pcie_type & 0xf] ? pcie_type_names[dev->pcie_type & 0xf] : "pcie-unknown";
}

/*
 * Every key is a string literal or from a static table, and every document
 * names each key once: json-c need neither copy the key nor look for an
 * earlier one (a third of what building a large document cost).
 */
void pcilu_json_add(struct json_object *o, const char *key, struct json_object *v)
{
	if (o)
		json_object_object_add_ex(o, key, v, JSON_C_OBJECT_ADD_KEY_IS_NEW | JSON_C_OBJECT_KEY_IS_CONSTANT);
	else
		json_object_put(v);
}

struct json_object *pcilu_json_hex(unsigned v, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", width, v);
	return json_object_new_string(buf);
}

struct json_object *pcilu_json_bdf(const struct pcilu_dev *dev)
{
	char buf[24];

	return json_object_new_string(pcilu_bdf(dev, buf, sizeof(buf)));
}

struct json_object *pcilu_json_acs_flags(uint16_t flags)
{
	struct json_object *a = json_object_new_array();

	/* bit 7: Enhanced Capability, "EN" in the JSON schema */
	for (unsigned i = 0; a && i < 8; i++)
		if (flags & (1u << i))
			json_object_array_add(a, json_object_new_string(i < PCILU_ACS_NFLAGS ?
								      pcilu_acs_flag_names[i] : "EN"));
	return a;
}

static const char *acs_state(const struct pcilu_dev *dev)
{
	if (dev->acs_pos)
		return "present";
	if (dev->caps_unknown || dev->ext_state == PCILU_EXT_UNKNOWN)
		return "unknown";
	return "absent";
}

struct json_object *pcilu_json_acs(const struct pcilu_dev *dev)
{
	struct json_object *o = json_object_new_object();

	pcilu_json_add(o, "state", json_object_new_string(acs_state(dev)));
	if (dev->acs_pos) {
		pcilu_json_add(o, "offset", pcilu_json_hex(dev->acs_pos, 3));
		pcilu_json_add(o, "cap", pcilu_json_acs_flags(dev->acs_cap & 0x7f));
		pcilu_json_add(o, "ctrl", pcilu_json_acs_flags(dev->acs_ctrl & 0x7f));
		pcilu_json_add(o, "cap_raw", pcilu_json_hex(dev->acs_cap, 4));
		pcilu_json_add(o, "ctrl_raw", pcilu_json_hex(dev->acs_ctrl, 4));
		pcilu_json_add(o, "egress_vector_bits", json_object_new_int(dev->acs_cap >> 8));
	}
	return o;
}

void pcilu_jw_bdf(struct pcilu_jw *w, const struct pcilu_dev *dev)
{
	char buf[24];

	pcilu_jw_str(w, pcilu_bdf(dev, buf, sizeof(buf)));
}

void pcilu_jw_acs_flags(struct pcilu_jw *w, uint16_t flags)
{
	pcilu_jw_arr(w);
	/* bit 7: Enhanced Capability, "EN" in the JSON schema */
	for (unsigned i = 0; i < 8; i++)
		if (flags & (1u << i))
			pcilu_jw_str(w, i < PCILU_ACS_NFLAGS ? pcilu_acs_flag_names[i] : "EN");
	pcilu_jw_end_arr(w);
}

void pcilu_jw_acs(struct pcilu_jw *w, const struct pcilu_dev *dev)
{
	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "state", acs_state(dev));
	if (dev->acs_pos) {
		pcilu_jw_khex(w, "offset", dev->acs_pos, 3);
		pcilu_jw_key(w, "cap");
		pcilu_jw_acs_flags(w, dev->acs_cap & 0x7f);
		pcilu_jw_key(w, "ctrl");
		pcilu_jw_acs_flags(w, dev->acs_ctrl & 0x7f);
		pcilu_jw_khex(w, "cap_raw", dev->acs_cap, 4);
		pcilu_jw_khex(w, "ctrl_raw", dev->acs_ctrl, 4);
		pcilu_jw_kint(w, "egress_vector_bits", dev->acs_cap >> 8);
	}
	pcilu_jw_end_obj(w);
}

/* Open the document's object and name its schema. */
void pcilu_jw_schema(struct pcilu_jw *w, const char *schema)
{
	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "schema", schema);
}

int pcilu_jw_finish(struct pcilu_jw *w)
{
	pcilu_jw_end_obj(w);
	return pcilu_jw_close(w);
}

/*
 * Start a document. json-c reports a failed allocation only as a NULL value,
 * which pcilu_json_add() cannot tell from a deliberate null; but malloc sets
 * errno to ENOMEM and nothing else does. So errno is cleared here and looked
 * at in pcilu_json_print(): a document that lost a value is never printed.
 */
void pcilu_json_schema(struct json_object *root, const char *schema)
{
	errno = 0;
	pcilu_json_add(root, "schema", json_object_new_string(schema));
}

/*
 * json-c escapes control characters but copies other bytes as they are, so a
 * driver name or path that is not UTF-8 would make the document invalid JSON.
 * Outside ASCII only bytes inside strings can occur: each byte of an invalid
 * sequence becomes U+FFFD.
 */
static void put_utf8(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), run = 0;

	for (size_t i = 0; i < n;) {
		size_t k = pcilu_utf8_len(p + i, n - i);

		if (k) {
			i += k;
			run += k;
			continue;
		}
		fwrite(p + i - run, 1, run, f);
		fputs("\xef\xbf\xbd", f);
		run = 0;
		i++;
	}
	fwrite(p + n - run, 1, run, f);
}

static int json_print(FILE *f, struct json_object *root, int flags)
{
	const char *s;

	if (!root || errno == ENOMEM) {
		json_object_put(root);
		return -ENOMEM;
	}
	s = json_object_to_json_string_ext(root, flags | JSON_C_TO_STRING_NOSLASHESCAPE);
	/* A failed printbuf growth leaves json-c's text short, not NULL. */
	if (!s || errno == ENOMEM) {
		json_object_put(root);
		return -ENOMEM;
	}
	put_utf8(f, s);
	fputc('\n', f);
	json_object_put(root);
	return 0;
}

int pcilu_json_print(FILE *f, struct json_object *root)
{
	return json_print(f, root, JSON_C_TO_STRING_PRETTY);
}

int pcilu_json_print_line(FILE *f, struct json_object *root)
{
	return json_print(f, root, JSON_C_TO_STRING_PLAIN);
}

const char *pcilu_dev_label(const struct pcilu_dev *dev, struct pcilu_names *n, char *buf, size_t len)
{
	char vn[128], dn[128], ev[256], ed[256];

	if (dev->dead) {
		snprintf(buf, len, "ffff:ffff (reads all-ones: powered down or gone)");
		return buf;
	}
	if (!n) {
		snprintf(buf, len, "%04x:%04x", dev->vendor, dev->device);
		return buf;
	}
	/* pci.ids is data from outside too: shown escaped like any input. */
	snprintf(buf, len, "%04x:%04x %s %s", dev->vendor, dev->device,
		 PCILU_ESC(pcilu_name_vendor(n, dev->vendor, vn, sizeof(vn)), ev),
		 PCILU_ESC(pcilu_name_device(n, dev->vendor, dev->device, dn, sizeof(dn)), ed));
	return buf;
}

const char *pcilu_acs_summary(const struct pcilu_dev *dev, char *buf, size_t len)
{
	char cap[64], ctl[64];

	if (dev->acs_pos)
		snprintf(buf, len, "ACS cap %s ctl %s",
			 pcilu_acs_flags_str(dev->acs_cap & 0x7f, cap, sizeof(cap)),
			 pcilu_acs_flags_str(dev->acs_ctrl & 0x7f, ctl, sizeof(ctl)));
	else if (dev->cfg_len < PCI_CFG_SPACE_SIZE)
		snprintf(buf, len, "ACS unknown (only %u bytes of config space readable)", dev->cfg_len);
	else if (dev->ext_state == PCILU_EXT_UNKNOWN)
		snprintf(buf, len, "ACS unknown (extended config space not readable)");
	else if (dev->ext_state == PCILU_EXT_HIDDEN)
		snprintf(buf, len, "no ACS as the kernel sees it (no extended config space below its bridge)");
	else
		snprintf(buf, len, "no ACS");
	return buf;
}

struct json_object *pcilu_diag_json(const struct pcilu_diag *d)
{
	static const char *const sev[] = { "note", "warning", "error" };
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && d && i < d->count; i++) {
		const struct pcilu_diag_msg *m = &d->msgs[i];
		struct json_object *o = json_object_new_object();

		pcilu_json_add(o, "severity", json_object_new_string(sev[m->sev <= PCILU_ERROR ? m->sev : 2]));
		if (m->file)
			pcilu_json_add(o, "file", json_object_new_string(m->file));
		if (m->line > 0)
			pcilu_json_add(o, "line", json_object_new_int64(m->line));
		if (m->offset >= 0)
			pcilu_json_add(o, "offset", json_object_new_int64(m->offset));
		pcilu_json_add(o, "message", json_object_new_string(m->text));
		json_object_array_add(a, o);
	}
	return a;
}

void pcilu_jw_diag(struct pcilu_jw *w, const struct pcilu_diag *d)
{
	static const char *const sev[] = { "note", "warning", "error" };

	pcilu_jw_arr(w);
	for (size_t i = 0; d && i < d->count; i++) {
		const struct pcilu_diag_msg *m = &d->msgs[i];

		pcilu_jw_obj(w);
		pcilu_jw_kstr(w, "severity", sev[m->sev <= PCILU_ERROR ? m->sev : 2]);
		if (m->file)
			pcilu_jw_kstr(w, "file", m->file);
		if (m->line > 0)
			pcilu_jw_kint(w, "line", m->line);
		if (m->offset >= 0)
			pcilu_jw_kint(w, "offset", m->offset);
		pcilu_jw_kstr(w, "message", m->text);
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
}

/* The members every command's JSON gives for a device (docs/json.md, "device"). */
void pcilu_jw_dev_fields(struct pcilu_jw *w, const struct pcilu_dev *d, struct pcilu_names *n)
{
	char buf[256];

	pcilu_jw_key(w, "bdf");
	pcilu_jw_bdf(w, d);
	pcilu_jw_khex(w, "vendor", d->vendor, 4);
	pcilu_jw_khex(w, "device", d->device, 4);
	if (n) {
		pcilu_jw_kstr(w, "vendor_name", pcilu_name_vendor(n, d->vendor, buf, sizeof(buf)));
		pcilu_jw_kstr(w, "device_name", pcilu_name_device(n, d->vendor, d->device, buf, sizeof(buf)));
	}
	pcilu_jw_khex(w, "class", d->class, 6);
	pcilu_jw_kstr(w, "type", pcilu_dev_type_name(d));
	pcilu_jw_kbool(w, "multifunction", d->multifunction);
	pcilu_jw_kint(w, "config_bytes", d->cfg_len);
	pcilu_jw_key(w, "acs");
	pcilu_jw_acs(w, d);
	pcilu_jw_kstr(w, "driver", d->driver);
	pcilu_jw_key(w, "numa_node");
	if (d->numa_node >= 0)
		pcilu_jw_int(w, d->numa_node);
	else
		pcilu_jw_null(w);
	pcilu_jw_key(w, "kernel_group");
	if (d->kernel_group >= 0)
		pcilu_jw_int(w, d->kernel_group);
	else
		pcilu_jw_null(w);
}

/* The fields every command's JSON gives for a device (docs/json.md, "device"). */
void pcilu_json_dev_fields(struct json_object *o, const struct pcilu_dev *d, struct pcilu_names *n)
{
	char buf[256];

	pcilu_json_add(o, "bdf", pcilu_json_bdf(d));
	pcilu_json_add(o, "vendor", pcilu_json_hex(d->vendor, 4));
	pcilu_json_add(o, "device", pcilu_json_hex(d->device, 4));
	if (n) {
		pcilu_json_add(o, "vendor_name", json_object_new_string(pcilu_name_vendor(n, d->vendor, buf, sizeof(buf))));
		pcilu_json_add(o, "device_name", json_object_new_string(
				       pcilu_name_device(n, d->vendor, d->device, buf, sizeof(buf))));
	}
	pcilu_json_add(o, "class", pcilu_json_hex(d->class, 6));
	pcilu_json_add(o, "type", json_object_new_string(pcilu_dev_type_name(d)));
	pcilu_json_add(o, "multifunction", json_object_new_boolean(d->multifunction));
	pcilu_json_add(o, "config_bytes", json_object_new_int(d->cfg_len));
	pcilu_json_add(o, "acs", pcilu_json_acs(d));
	pcilu_json_add(o, "driver", d->driver ? json_object_new_string(d->driver) : NULL);
	pcilu_json_add(o, "numa_node", d->numa_node >= 0 ? json_object_new_int(d->numa_node) : NULL);
	pcilu_json_add(o, "kernel_group", d->kernel_group >= 0 ? json_object_new_int(d->kernel_group) : NULL);
}


const char *pcilu_source_kind_name(enum pcilu_source_kind k)
{
	switch (k) {
	case PCILU_SRC_SYSFS:
		return "sysfs";
	case PCILU_SRC_LSPCI:
		return "lspci";
	case PCILU_SRC_SPEC:
		return "spec";
	case PCILU_SRC_CAPTURE:
		return "capture";
	}
	return "unknown";
}

const char *pcilu_source_desc(const struct pcilu_topology *t, char *buf, size_t len)
{
	static const char *const what[] = { [PCILU_SRC_SYSFS] = "a copied tree", [PCILU_SRC_LSPCI] = "a dump",
					     [PCILU_SRC_SPEC] = "a description", [PCILU_SRC_CAPTURE] = "a capture" };
	const struct pcilu_capture_info *c = t->capture;

	if (c)
		snprintf(buf, len, "capture of %s at %s", c->hostname ? c->hostname : "an unnamed host",
			 c->captured_at ? c->captured_at : "an unrecorded time");
	else
		snprintf(buf, len, "%s, %s", pcilu_source_kind_name(t->kind), t->live ? "this running system" :
			 (unsigned)t->kind < sizeof(what) / sizeof(what[0]) && what[t->kind] ? what[t->kind] : "a file");
	return buf;
}

void pcilu_out_wrap(FILE *f, const char *lead, const char *text, const char *indent, size_t width)
{
	size_t col = strlen(lead);
	bool first = true;	/* no word yet on this line */

	fputs(lead, f);
	for (;;) {
		size_t word;

		text += strspn(text, " ");
		if (!*text)
			break;
		word = strcspn(text, " ");
		/* Break before a word that would cross @width, never inside one. */
		if (!first && col + 1 + word > width) {
			fprintf(f, "\n%s", indent);
			col = strlen(indent);
			first = true;
		}
		if (!first) {
			fputc(' ', f);
			col++;
		}
		fwrite(text, 1, word, f);
		col += word;
		text += word;
		first = false;
	}
	fputc('\n', f);
}

char *pcilu_fit_cols(char *s, size_t cols)
{
	size_t k = 0, c = 0, keep = 0;

	for (; s[k]; c++) {
		size_t l = pcilu_utf8_len((const unsigned char *)s + k, strlen(s + k));

		if (c == (cols > 3 ? cols - 3 : 0))
			keep = k;
		if (c == cols) {
			memcpy(s + keep, "...", cols > 3 ? 4 : 1);
			if (cols <= 3)
				s[keep] = 0;
			return s;
		}
		k += l ? l : 1;
	}
	return s;
}

static const char *as_names[] = {
	[PCILU_AS_INTEL_PCH] = "intel-pch-quirk", [PCILU_AS_AMD_SB_IVRS] = "amd-sb-ivrs",
	[PCILU_AS_UNKNOWN_EXT] = "unknown-acs", [PCILU_AS_VMD] = "vmd-domain",
	[PCILU_AS_IOMMU_DEFAULT] = "iommu-default-on", [PCILU_AS_IOMMU_OFF] = "iommu-off",
	[PCILU_AS_OVERRIDE_IGNORED] = "acs-override-ignored", [PCILU_AS_NO_FW_VALUE] = "acs-as-read",
	[PCILU_AS_COVERAGE] = "iommu-coverage", [PCILU_AS_COVERAGE_TABLE] = "iommu-table-unusable",
	[PCILU_AS_MMIO_ALIAS] = "mmio-dma-alias",
};

struct json_object *pcilu_json_assumptions(const struct pcilu_iommu *r)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	struct json_object *a = json_object_new_array();
	size_t n;
	const struct pcilu_assumption *as = pcilu_iommu_assumptions(r, &n);

	for (size_t i = 0; a && i < n; i++) {
		struct json_object *o = json_object_new_object();

		pcilu_json_add(o, "kind", json_object_new_string(as[i].kind < sizeof(as_names) / sizeof(as_names[0]) && as_names[as[i].kind] ?
								 as_names[as[i].kind] : "other"));
		pcilu_json_add(o, "device", as[i].dev == PCILU_NONE ? NULL : pcilu_json_bdf(&t->devs[as[i].dev]));
		pcilu_json_add(o, "text", json_object_new_string(as[i].text));
		json_object_array_add(a, o);
	}
	return a;
}

void pcilu_jw_assumptions(struct pcilu_jw *w, const struct pcilu_iommu *r)
{
	const struct pcilu_topology *t = pcilu_iommu_topology(r);
	size_t n;
	const struct pcilu_assumption *as = pcilu_iommu_assumptions(r, &n);

	pcilu_jw_arr(w);
	for (size_t i = 0; i < n; i++) {
		pcilu_jw_obj(w);
		pcilu_jw_kstr(w, "kind", as[i].kind < sizeof(as_names) / sizeof(as_names[0]) && as_names[as[i].kind] ?
				 as_names[as[i].kind] : "other");
		pcilu_jw_key(w, "device");
		if (as[i].dev == PCILU_NONE)
			pcilu_jw_null(w);
		else
			pcilu_jw_bdf(w, &t->devs[as[i].dev]);
		pcilu_jw_kstr(w, "text", as[i].text);
		pcilu_jw_end_obj(w);
	}
	pcilu_jw_end_arr(w);
}

/* A capture's host record: what a fleet table groups and joins on. */
static void capture_w(struct pcilu_jw *w, const struct pcilu_capture_info *c)
{
	if (!c) {
		pcilu_jw_null(w);
		return;
	}
	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "hostname", c->hostname);
	pcilu_jw_kstr(w, "boot_id", c->boot_id);
	pcilu_jw_kstr(w, "captured_at", c->captured_at);
	pcilu_jw_kstr(w, "pcilu", c->pcilu_version);
	pcilu_jw_kstr(w, "board_vendor", c->board_vendor);
	pcilu_jw_kstr(w, "board_name", c->board_name);
	pcilu_jw_kstr(w, "board_version", c->board_version);
	pcilu_jw_kstr(w, "bios_version", c->bios_version);
	pcilu_jw_end_obj(w);
}

void pcilu_jw_source(struct pcilu_jw *w, const struct pcilu_topology *t)
{
	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "name", t->name);
	pcilu_jw_kstr(w, "kind", pcilu_source_kind_name(t->kind));
	pcilu_jw_kbool(w, "live", t->live);
	pcilu_jw_kstr(w, "kernel_release", t->kernel_release);
	pcilu_jw_kstr(w, "cmdline", t->cmdline);
	pcilu_jw_kint(w, "functions", (int64_t)t->ndevs);
	pcilu_jw_key(w, "capture");
	capture_w(w, t->capture);
	pcilu_jw_end_obj(w);
}

static struct json_object *opt_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* A capture's host record: what a fleet table groups and joins on. */
static struct json_object *capture_j(const struct pcilu_capture_info *c)
{
	struct json_object *o;

	if (!c)
		return NULL;
	o = json_object_new_object();
	pcilu_json_add(o, "hostname", opt_str(c->hostname));
	pcilu_json_add(o, "boot_id", opt_str(c->boot_id));
	pcilu_json_add(o, "captured_at", opt_str(c->captured_at));
	pcilu_json_add(o, "pcilu", opt_str(c->pcilu_version));
	pcilu_json_add(o, "board_vendor", opt_str(c->board_vendor));
	pcilu_json_add(o, "board_name", opt_str(c->board_name));
	pcilu_json_add(o, "board_version", opt_str(c->board_version));
	pcilu_json_add(o, "bios_version", opt_str(c->bios_version));
	return o;
}

struct json_object *pcilu_json_source(const struct pcilu_topology *t)
{
	struct json_object *o = json_object_new_object();

	pcilu_json_add(o, "name", t->name ? json_object_new_string(t->name) : NULL);
	pcilu_json_add(o, "kind", json_object_new_string(pcilu_source_kind_name(t->kind)));
	pcilu_json_add(o, "live", json_object_new_boolean(t->live));
	pcilu_json_add(o, "kernel_release", t->kernel_release ? json_object_new_string(t->kernel_release) : NULL);
	pcilu_json_add(o, "cmdline", t->cmdline ? json_object_new_string(t->cmdline) : NULL);
	pcilu_json_add(o, "functions", json_object_new_int64((int64_t)t->ndevs));
	pcilu_json_add(o, "capture", capture_j(t->capture));
	return o;
}

int pcilu_print_error_json(FILE *f, const char *source, int err, const struct pcilu_diag *d)
{
	struct json_object *root = json_object_new_object(), *src = json_object_new_object();

	pcilu_json_schema(root, "pcilu-error/1");
	pcilu_json_add(src, "name", json_object_new_string(source));
	pcilu_json_add(root, "source", src);
	pcilu_json_add(root, "error", json_object_new_string(pcilu_strerror(err)));
	pcilu_json_add(root, "diagnostics", pcilu_diag_json(d));
	return pcilu_json_print(f, root);
}

int pcilu_print_capture_run(FILE *f, const char *path, size_t n, size_t partial, bool json)
{
	struct json_object *o;

	if (!json) {
		fprintf(f, "%s: %zu functions captured, %s\n", path, n,
			partial ? "some config space incomplete (not root)" : "config space complete");
		return ferror(f) ? -EIO : 0;
	}
	o = json_object_new_object();
	pcilu_json_schema(o, "pcilu-capture-run/1");
	pcilu_json_add(o, "output", json_object_new_string(path));
	pcilu_json_add(o, "functions", json_object_new_int64((int64_t)n));
	pcilu_json_add(o, "partial", json_object_new_int64((int64_t)partial));
	return pcilu_json_print(f, o);
}

const char *pcilu_link_str(unsigned speed, unsigned width, char *buf, size_t len)
{
	static const char *const gts[] = { "?", "2.5", "5", "8", "16", "32", "64" };

	snprintf(buf, len, "x%u %s GT/s", width, speed < sizeof(gts) / sizeof(gts[0]) ? gts[speed] : "?");
	return buf;
}
