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

static const char *acs_state(const struct pcilu_dev *dev)
{
	if (dev->acs_pos)
		return "present";
	if (dev->caps_unknown || dev->ext_state == PCILU_EXT_UNKNOWN)
		return "unknown";
	return "absent";
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

void pcilu_jw_acs_regs(struct pcilu_jw *w, uint16_t cap, uint16_t ctrl)
{
	pcilu_jw_key(w, "cap");
	pcilu_jw_acs_flags(w, cap & 0x7f);
	pcilu_jw_key(w, "ctrl");
	pcilu_jw_acs_flags(w, ctrl & 0x7f);
	pcilu_jw_khex(w, "cap_raw", cap, 4);
	pcilu_jw_khex(w, "ctrl_raw", ctrl, 4);
}

void pcilu_jw_acs(struct pcilu_jw *w, const struct pcilu_dev *dev)
{
	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "state", acs_state(dev));
	if (dev->acs_pos) {
		pcilu_jw_khex(w, "offset", dev->acs_pos, 3);
		pcilu_jw_acs_regs(w, dev->acs_cap, dev->acs_ctrl);
		pcilu_jw_kint(w, "egress_vector_bits", dev->acs_cap >> 8);
	}
	pcilu_jw_end_obj(w);
}

void pcilu_jw_bdf_at(struct pcilu_jw *w, const struct pcilu_topology *t, int32_t dev)
{
	if (dev == PCILU_NONE)
		pcilu_jw_null(w);
	else
		pcilu_jw_bdf(w, &t->devs[dev]);
}

void pcilu_jw_opt_int(struct pcilu_jw *w, bool present, int64_t v)
{
	if (present)
		pcilu_jw_int(w, v);
	else
		pcilu_jw_null(w);
}

void pcilu_jw_schema(struct pcilu_jw *w, const char *schema)
{
	pcilu_jw_obj(w);
	pcilu_jw_kstr(w, "schema", schema);
}

struct pcilu_jw *pcilu_jw_doc(FILE *f, const char *schema)
{
	struct pcilu_jw *w = pcilu_jw_open(f, true);

	if (w)
		pcilu_jw_schema(w, schema);
	return w;
}

int pcilu_jw_finish(struct pcilu_jw *w)
{
	int err;

	pcilu_jw_end_obj(w);
	err = pcilu_jw_end(w);
	pcilu_jw_free(w);
	return err;
}

int pcilu_jw_finish_diag(struct pcilu_jw *w, const struct pcilu_diag *d)
{
	pcilu_jw_key(w, "diagnostics");
	pcilu_jw_diag(w, d);
	return pcilu_jw_finish(w);
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
	pcilu_jw_opt_int(w, d->numa_node >= 0, d->numa_node);
	pcilu_jw_key(w, "kernel_group");
	pcilu_jw_opt_int(w, d->kernel_group >= 0, d->kernel_group);
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
		pcilu_jw_bdf_at(w, t, as[i].dev);
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

int pcilu_print_error_json(FILE *f, const char *source, int err, const struct pcilu_diag *d)
{
	struct pcilu_jw *w = pcilu_jw_doc(f, "pcilu-error/1");

	if (!w)
		return -ENOMEM;
	pcilu_jw_kobj(w, "source");
	pcilu_jw_kstr(w, "name", source);
	pcilu_jw_end_obj(w);
	pcilu_jw_kstr(w, "error", pcilu_strerror(err));
	return pcilu_jw_finish_diag(w, d);
}

int pcilu_print_capture_run(FILE *f, const char *path, size_t n, size_t partial, bool json)
{
	struct pcilu_jw *w;

	if (!json) {
		fprintf(f, "%s: %zu functions captured, %s\n", path, n,
			partial ? "some config space incomplete (not root)" : "config space complete");
		return ferror(f) ? -EIO : 0;
	}
	w = pcilu_jw_doc(f, "pcilu-capture-run/1");
	if (!w)
		return -ENOMEM;
	pcilu_jw_kstr(w, "output", path);
	pcilu_jw_kint(w, "functions", (int64_t)n);
	pcilu_jw_kint(w, "partial", (int64_t)partial);
	return pcilu_jw_finish(w);
}

const char *pcilu_link_str(unsigned speed, unsigned width, char *buf, size_t len)
{
	static const char *const gts[] = { "?", "2.5", "5", "8", "16", "32", "64" };

	snprintf(buf, len, "x%u %s GT/s", width, speed < sizeof(gts) / sizeof(gts[0]) ? gts[speed] : "?");
	return buf;
}
