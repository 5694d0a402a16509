// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu capture: what the live sysfs source reads, in one portable file
 * (docs/capture.md). The devices are read by the sysfs loader itself, so a
 * capture holds exactly the bytes and facts pcilu would have used on the
 * host, and every command reading it gives the host's answers. The host
 * record around them (board, boot, kernel config, /dev/liveupdate) is what
 * the live source looks up outside /sys/bus/pci.
 *
 * The document is JSON (json-c writes it, the spec reader's checks read it
 * back) rather than a tar of the sysfs subset: one file that jq and DuckDB
 * read as it is, no links to re-create or trust when unpacking, and a fixed
 * last member, "crc32", over every byte before it.
 */
#include "source_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *tri(int8_t v)
{
	return v < 0 ? NULL : json_object_new_boolean(v);
}

/* A one-line attribute under @root (a copy may lack it): NULL when unreadable or empty. */
static char *attr(const char *root, const char *rel)
{
	char *path, *text = NULL;
	size_t len = 0;

	if (asprintf(&path, "%s/%s", root, rel) < 0)
		return NULL;
	if (pcilu_read_file_max(path, 4096, &text, &len, NULL)) {
		free(path);
		return NULL;
	}
	free(path);
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	if (!len || memchr(text, '\0', len)) {
		free(text);
		return NULL;
	}
	return text;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/*
 * /sys/kernel/iommu_groups: group number -> its type (DMA, DMA-FQ, identity,
 * blocked), in number order so two captures of one host compare equal.
 */
static json_object *groups_j(const char *root)
{
	char *path;
	DIR *dir;
	struct dirent *e;
	json_object *o = NULL;
	long *ids = NULL;
	size_t n = 0, cap = 0;

	if (asprintf(&path, "%s/kernel/iommu_groups", root) < 0)
		return NULL;
	dir = opendir(path);
	free(path);
	if (!dir)
		return NULL;
	while ((e = readdir(dir))) {
		if (!e->d_name[0] || strspn(e->d_name, "0123456789") != strlen(e->d_name) || strlen(e->d_name) > 9)
			continue;
		if (n == cap) {
			long *nv = realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof(*ids));

			if (!nv)
				goto out;
			ids = nv;
		}
		ids[n++] = strtol(e->d_name, NULL, 10);
	}
	if (n)
		qsort(ids, n, sizeof(*ids), cmp_long);
	o = json_object_new_object();
	for (size_t i = 0; o && i < n; i++) {
		char rel[64], key[16], *type;

		snprintf(key, sizeof(key), "%ld", ids[i]);
		snprintf(rel, sizeof(rel), "kernel/iommu_groups/%ld/type", ids[i]);
		type = attr(root, rel);
		json_object_object_add(o, key, str_or_null(type));
		free(type);
	}
out:
	closedir(dir);
	free(ids);
	return o;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(json_object_get_string(*(json_object *const *)a),
		      json_object_get_string(*(json_object *const *)b));
}

/* /sys/class/iommu: the IOMMU instances the kernel registered (dmar0, ivhd0, ...). */
static json_object *iommus_j(const char *root)
{
	char *path;
	DIR *dir;
	struct dirent *e;
	json_object *a;

	if (asprintf(&path, "%s/class/iommu", root) < 0)
		return NULL;
	dir = opendir(path);
	free(path);
	if (!dir)
		return NULL;
	a = json_object_new_array();
	while (a && (e = readdir(dir)))
		if (e->d_name[0] != '.')
			json_object_array_add(a, json_object_new_string(e->d_name));
	closedir(dir);
	if (a)
		json_object_array_sort(a, cmp_str);
	return a;
}

static json_object *host_j(const char *root, bool live)
{
	static const char *const dmi[][2] = {
		{ "board_vendor", "class/dmi/id/board_vendor" },
		{ "board_name", "class/dmi/id/board_name" },
		{ "board_version", "class/dmi/id/board_version" },
		{ "bios_version", "class/dmi/id/bios_version" },
	};
	json_object *o = json_object_new_object();
	struct utsname u;
	char *v;

	json_object_object_add(o, "hostname", live && !uname(&u) ? json_object_new_string(u.nodename) : NULL);
	v = live ? attr("/proc", "sys/kernel/random/boot_id") : NULL;
	json_object_object_add(o, "boot_id", str_or_null(v));
	free(v);
	for (size_t i = 0; i < sizeof(dmi) / sizeof(dmi[0]); i++) {
		v = attr(root, dmi[i][1]);
		json_object_object_add(o, dmi[i][0], str_or_null(v));
		free(v);
	}
	return o;
}

/* What the live kernel source looks up outside /sys: its config and /dev/liveupdate. */
static json_object *kernel_j(const struct pcilu_raw_host *h)
{
	json_object *o = json_object_new_object();
	char path[256];
	int has = -1;

	json_object_object_add(o, "release", str_or_null(h->kernel_release));
	json_object_object_add(o, "cmdline", str_or_null(h->cmdline));
	json_object_object_add(o, "liveupdate_dev", h->live ? tri(access("/dev/liveupdate", F_OK) == 0) : NULL);
	if (h->live && h->kernel_release) {
		snprintf(path, sizeof(path), "/boot/config-%s", h->kernel_release);
		has = pcilu_kconfig_has(path, "CONFIG_PCI_LIVEUPDATE");
	}
	json_object_object_add(o, "config", has >= 0 ? json_object_new_string(path) : NULL);
	json_object_object_add(o, "config_pci_liveupdate", has >= 0 ? tri((int8_t)has) : NULL);
	return o;
}

static const char digits[] = "0123456789abcdef";

static json_object *hex_j(const uint8_t *p, size_t n)
{
	char *hex = malloc(n * 2 + 1);
	json_object *o;

	if (!hex)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[p[i] >> 4];
		hex[2 * i + 1] = digits[p[i] & 15];
	}
	hex[n * 2] = '\0';
	o = json_object_new_string(hex);
	free(hex);
	return o;
}

/* The IOMMU tables the sysfs loader found (DMAR, IVRS, VIOT), as hex. */
static json_object *acpi_j(const struct pcilu_raw_host *h)
{
	json_object *o = json_object_new_object();

	for (unsigned i = 0; o && i < PCILU_ACPI_NTABLES; i++)
		if (h->acpi[i].data)
			json_object_object_add(o, pcilu_acpi_table_name(i), hex_j(h->acpi[i].data, h->acpi[i].len));
	return o;
}

static json_object *function_j(const struct pcilu_raw_dev *r)
{
	json_object *o = json_object_new_object();
	json_object *cfg = hex_j(r->cfg, r->cfg_len);
	char addr[24];

	if (!o || !cfg) {
		json_object_put(o);
		json_object_put(cfg);
		return NULL;
	}
	pcilu_src_bdf_fmt(r->seg, r->bus, r->devfn, addr, sizeof(addr));
	json_object_object_add(o, "address", json_object_new_string(addr));
	json_object_object_add(o, "config", cfg);
	json_object_object_add(o, "iommu_group", r->kernel_group >= 0 ? json_object_new_int(r->kernel_group) : NULL);
	json_object_object_add(o, "driver", str_or_null(r->driver));
	json_object_object_add(o, "numa_node", r->numa_node >= 0 ? json_object_new_int(r->numa_node) : NULL);
	if (r->physfn_known && r->is_virtfn) {
		pcilu_src_bdf_fmt(r->pf_seg, r->pf_bus, r->pf_devfn, addr, sizeof(addr));
		json_object_object_add(o, "physfn", json_object_new_string(addr));
	} else if (r->physfn_known) {
		json_object_object_add(o, "physfn", NULL);	/* not a VF; left out when unknown */
	}
	return o;
}

static json_object *document(const char *root, const struct pcilu_raw_host *h)
{
	json_object *o = json_object_new_object(), *fns = json_object_new_array(), *groups;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;

	if (!o || !fns) {
		json_object_put(o);
		json_object_put(fns);
		return NULL;
	}
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	json_object_object_add(o, "schema", json_object_new_string(PCILU_CAPTURE_SCHEMA));
	json_object_object_add(o, "pcilu", json_object_new_string(PCILU_VERSION_STRING));
	json_object_object_add(o, "captured_at", json_object_new_string(now));
	json_object_object_add(o, "host", host_j(root, h->live));
	json_object_object_add(o, "kernel", kernel_j(h));
	/*
	 * On the live /sys a missing kernel/iommu_groups means the kernel formed no
	 * group (sysfs.c groups_dir_used()); recorded as an empty one so a reader
	 * decides as the live source did. A copied tree without it says nothing: null.
	 */
	groups = groups_j(root);
	json_object_object_add(o, "iommu_groups", groups || !h->live ? groups : json_object_new_object());
	json_object_object_add(o, "iommus", iommus_j(root));
	json_object_object_add(o, "acpi_tables", acpi_j(h));
	for (size_t i = 0; i < h->count; i++) {
		json_object *f = function_j(&h->devs[i]);

		if (!f || json_object_array_add(fns, f)) {
			json_object_put(f);
			json_object_put(fns);
			json_object_put(o);
			return NULL;
		}
	}
	json_object_object_add(o, "functions", fns);
	return o;
}

int pcilu_capture_text(const char *root, char **text, size_t *len, size_t *nfuncs, size_t *partial,
		       struct pcilu_diag *d)
{
	struct pcilu_raw_host h;
	json_object *o;
	const char *s;
	size_t n;
	int ret;

	*text = NULL;
	*len = *nfuncs = *partial = 0;
	if (!root)
		root = "/sys";
	/* Strict: a capture missing a function that could not be read is a different machine. */
	ret = pcilu_load_sysfs(root, NULL, &h, d);
	if (ret) {
		pcilu_raw_host_free(&h);
		return ret;
	}
	o = document(root, &h);
	s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
	n = s ? strlen(s) : 0;
	/* The last member is written here, after a crc32 of every byte before it. */
	while (n && (s[n - 1] == '}' || s[n - 1] == '\n' || s[n - 1] == ' '))
		n--;
	if (s && n && (*text = malloc(n + sizeof(PCILU_CAPTURE_TAIL) + 16))) {
		uint32_t crc = pcilu_crc32(0, s, n);

		memcpy(*text, s, n);
		*len = n + (size_t)sprintf(*text + n, PCILU_CAPTURE_TAIL "%08x\"\n}\n", crc);
		*nfuncs = h.count;
		for (size_t i = 0; i < h.count; i++)
			*partial += h.devs[i].cfg_len < PCILU_CFG_SIZE;
	} else {
		ret = -ENOMEM;
	}
	json_object_put(o);
	pcilu_raw_host_free(&h);
	return ret;
}
