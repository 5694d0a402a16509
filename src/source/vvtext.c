// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Decoded lspci text without hex rows: `lspci -vv`, `-vvv`, with or without
 * -nn, -k, -D, as pciutils 3.5 to 3.13 print it (ls-caps.c, ls-ecaps.c,
 * ls-kernel.c). This is what people paste when they ask why a device shares
 * an IOMMU group, and what hardware databases keep; with pciutils 3.7 and
 * later it carries the kernel's own "IOMMU group: N" line.
 *
 * This file reads the text into one struct vv_rec per device, keeping the
 * line of everything it reports; vvtext_synth.c turns a record into the
 * config bytes the other sources give, so the pci layer cannot tell the
 * difference. What the text cannot carry is assumed there and listed once.
 *
 * The formats of 3.5 to 3.13 differ in details this reader does not depend
 * on: it reads labels ("ACSCap:", "Bus: primary=") and flag tokens
 * ("SrcValid+"), not columns, so added or reordered tokens do no harm.
 * Indentation may be tabs (as lspci prints) or spaces (pastes).
 */
#include "source_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A problem in the current record: it is dropped (--lenient leaves it out). */
void vv_error(struct vv_parser *s, const char *fmt, ...)
{
	char bdf[24];
	va_list ap;

	pcilu_src_bdf_fmt(s->r.seg, s->r.bus, s->r.devfn, bdf, sizeof(bdf));
	va_start(ap, fmt);
	pcilu_src_error(&s->errs, s->d, s->name, s->line, bdf,
			s->bad ? NULL : "; the device cannot be read (--lenient leaves it out)", fmt, ap);
	va_end(ap);
	if (!s->bad)
		s->errors++;
	s->bad = true;
}

static void reset_record(struct vv_parser *s)
{
	free(s->r.driver);
	memset(&s->r, 0, sizeof(s->r));
	s->r.group = PCILU_NO_GROUP;
	s->r.node = PCILU_NO_NODE;
	s->r.ari_cap2 = s->r.ari_ctl2 = -1;
	s->in_dev = s->bad = false;
	s->cap = VC_NONE;
	s->sub = VS_NONE;
}

static int end_record(struct vv_parser *s)
{
	struct pcilu_raw_dev *rd;
	uint8_t *cfg;
	int ret = 0;

	if (!s->in_dev)
		return 0;
	if (++s->records > PCILU_MAX_DEVICES) {
		pcilu_diag_add(s->d, PCILU_ERROR, s->name, 0, -1,
			       "more than %u devices (the limit PCILU_MAX_DEVICES), the next at line %ld: the text is refused",
			       PCILU_MAX_DEVICES, s->r.line);
		ret = -E2BIG;
		goto out;
	}
	if (s->bad)
		goto out;
	cfg = malloc(PCILU_CFG_EXP_SIZE);
	if (!cfg) {
		ret = -ENOMEM;
		goto out;
	}
	memset(cfg, 0xff, PCILU_CFG_EXP_SIZE);
	rd = pcilu_raw_host_add(s->h);
	if (!rd) {
		free(cfg);
		ret = -ENOMEM;
		goto out;
	}
	/* The multifunction bit is set later, once every function of the slot is known. */
	rd->cfg_len = pcilu_vv_synth(&s->r, cfg, &s->as);
	rd->cfg = cfg;
	rd->seg = s->r.seg;
	rd->bus = s->r.bus;
	rd->devfn = s->r.devfn;
	rd->line = s->r.line;
	rd->kernel_group = s->r.group;
	rd->numa_node = s->r.node;
	rd->driver = s->r.driver;
	s->r.driver = NULL;
	if (rd->kernel_group != PCILU_NO_GROUP)
		s->h->has_kernel_groups = true;
	if (s->r.denied && !s->denied++)
		s->denied_line = s->r.line;
out:
	reset_record(s);
	return ret;
}

/* The class part: "Name [cccc]" (-nn), "cccc" (-n) or a name. */
static void parse_class(struct vv_rec *r, const char *p, size_t len)
{
	uint32_t v;

	if ((len >= 7 && p[len - 1] == ']' && p[len - 6] == '[' && p[len - 7] == ' ' &&
	     vv_hex_n(p + len - 5, 4, 4, &v)) || (len == 4 && vv_hex_n(p, 4, 4, &v))) {
		/* "Name [cccc]" with -nn, "cccc" alone with -n */
		r->class = v << 8;
		r->class_known = true;
		return;
	}
	/* Without -nn only the bridge classes matter: header type comes from "Bus:". */
	if (len == 10 && !memcmp(p, "PCI bridge", 10))
		r->class = 0x060400, r->class_known = true;
	else if (len == 14 && !memcmp(p, "CardBus bridge", 14))
		r->class = 0x060700, r->class_known = true;
	else if (len == 11 && !memcmp(p, "Host bridge", 11))
		r->class = 0x060000, r->class_known = true;
	else if (len == 10 && !memcmp(p, "ISA bridge", 10))
		r->class = 0x060100, r->class_known = true;	/* Intel's LPC: see vvtext_synth.c */
	r->cardbus = (r->class >> 8) == 0x0607;
}

static int start_record(struct vv_parser *s, const char *p, size_t len, size_t alen,
			uint32_t seg, uint8_t bus, uint8_t devfn, bool bad)
{
	const char *c;

	reset_record(s);
	s->in_dev = true;
	s->unit = 0;
	s->r.seg = seg;
	s->r.bus = bus;
	s->r.devfn = devfn;
	s->r.line = s->line;
	if (bad) {
		vv_error(s, "malformed device address '%.*s' (slot above 1f or function above 7)",
			  (int)alen, p);
		return 0;
	}
	p += alen + 1;
	len -= alen + 1;
	c = vv_find(p, len, ": ");
	if (!c) {
		vv_error(s, "device header without 'class: device' after the address");
		return 0;
	}
	parse_class(&s->r, p, (size_t)(c - p));
	vv_parse_desc(&s->r, c + 2, (size_t)(p + len - c - 2));
	return 0;
}

/*
 * The address of a header line, or with lspci -P/-PP the bridge path
 * "00:1c.4/07:00.0/08:00.0" whose last component is the device. Returns the
 * length parsed (0: not an address); the segment is the last one written.
 */
static size_t header_addr(const char *p, size_t len, uint32_t *seg, bool *has_seg,
			  uint8_t *bus, uint8_t *devfn, bool *bad)
{
	size_t at = 0;

	*has_seg = false;
	for (;;) {
		uint32_t s = 0;
		bool hs = false;
		size_t n = pcilu_src_parse_bdf(p + at, len - at, &s, &hs, bus, devfn, bad);

		if (!n)
			return 0;
		if (hs)
			*seg = s, *has_seg = true;
		at += n;
		if (at == len || p[at] != '/')
			return at;
		at++;
	}
}

/*
 * Indentation depth: tabs as lspci prints, or spaces as pastes turn them
 * into. A paste may turn a tab into 8 spaces, or into 4 or 2 (wiki and
 * Markdown code blocks): the width of a level is taken from the record's
 * first indented line, which lspci always prints one level deep (8 at
 * most, so a stray margin of a space or two does not make it wider).
 */
static unsigned indent(const char *p, size_t len, size_t *skip, unsigned *unit)
{
	size_t i = 0, tabs = 0, spaces = 0, level;

	while (i < len && (p[i] == '\t' || p[i] == ' ')) {
		tabs += p[i] == '\t';
		spaces += p[i] == ' ';
		i++;
	}
	*skip = i;
	if (tabs)
		return (unsigned)(tabs > 3 ? 3 : tabs);
	if (!spaces)
		return 0;
	if (!*unit)
		*unit = spaces < 8 ? (unsigned)spaces : 8;
	level = spaces / *unit;
	return (unsigned)(level < 1 ? 1 : level > 3 ? 3 : level);
}

static int parse_line(struct vv_parser *s, const char *p, size_t len)
{
	size_t skip;
	unsigned level;

	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (!len)
		return end_record(s);
	level = indent(p, len, &skip, &s->unit);
	if (!level) {
		uint32_t seg = 0;
		uint8_t bus, devfn;
		bool has_seg, bad = false;
		size_t alen = header_addr(p, len, &seg, &has_seg, &bus, &devfn, &bad);

		/* Anything else at column 0 (a wrapped header, a prompt) is not ours. */
		if (!alen || alen == len || p[alen] != ' ') {
			if (!s->foreign++)
				s->foreign_line = s->line;
			return 0;
		}
		int ret = end_record(s);

		return ret ? ret : start_record(s, p, len, alen, has_seg ? seg : 0, bus, devfn, bad);
	}
	if (!s->in_dev || s->bad)
		return 0;
	p += skip;
	len -= skip;
	if (level == 1)
		return vv_parse_dev_field(s, p, len);
	vv_parse_cap_field(s, p, len, level);
	return 0;
}

/*
 * Decoded text, not a hex dump: some line is a device header, and no line
 * is a hex row ("00: 86 80 ..."), which every -x dump has.
 */
bool pcilu_lspci_is_text(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	bool header = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p), i = 0;

		while (i < n && i < 9 && vv_is_hex(p[i]))
			i++;
		if (i >= 2 && i < n && p[i] == ':' && (i + 1 == n || p[i + 1] == ' ' || p[i + 1] == '\r'))
			return false;
		if (i >= 2 && i < n && p[i] == ':') {
			uint32_t seg;
			uint8_t bus, devfn;
			bool has_seg, bad = false;
			size_t a = header_addr(p, n, &seg, &has_seg, &bus, &devfn, &bad);

			header = header || (a && a < n && p[a] == ' ');
		}
		p = nl ? nl + 1 : end;
	}
	return header;
}

int pcilu_load_lspci_text(const char *name, const char *text, size_t len,
			  const struct pcilu_source_opts *opts,
			  struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	const char *p = text, *end = text + len;
	struct vv_parser *s;
	int ret = 0;

	pcilu_raw_host_init(h, PCILU_SRC_LSPCI, name);
	if (name && !h->name)
		return -ENOMEM;
	if (!name)
		name = "<input>";
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->name = name;
	s->h = h;
	s->d = d;
	reset_record(s);
	/* Whether the kernel formed groups decides an assumption made per device. */
	s->as.groups = memmem(text, len, "IOMMU group", 11) != NULL;
	while (p < end && !ret) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		if (le > p && le[-1] == '\r')
			le--;
		s->line++;
		ret = parse_line(s, p, (size_t)(le - p));
		p = nl ? nl + 1 : end;
	}
	if (!ret)
		ret = end_record(s);
	reset_record(s);
	if (!ret)
		ret = pcilu_vv_finish(h, name, &s->as, d);
	if (!ret && s->denied) {
		h->config_truncated = true;
		pcilu_diag_add(d, PCILU_WARN, name, s->denied_line, -1,
			       "capabilities of %zu device%s read '<access denied>' (lspci was not run as root): "
			       "whether they are PCI Express, and their ACS, ARI and SR-IOV, are unknown, never taken as absent; "
			       "run 'sudo lspci -vv'", s->denied, s->denied == 1 ? "" : "s");
	}
	pcilu_src_errors_end(&s->errs, d, name);
	if (!ret && s->foreign)
		pcilu_diag_add(d, PCILU_NOTE, name, s->foreign_line, -1,
			       "%zu line%s at the left margin %s not a device header (a prompt or text around a paste?): skipped",
			       s->foreign, s->foreign == 1 ? "" : "s", s->foreign == 1 ? "is" : "are");
	if (!ret && !h->count) {
		pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "no devices found");
		ret = -EINVAL;
	}
	if (!ret && s->errors && !(opts && opts->lenient))
		ret = -EINVAL;
	free(s);
	return ret;
}
