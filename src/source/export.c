// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Exporters: a raw host as an `lspci -D -xxxx` dump or as a copied-sysfs
 * tree. They let tests check that two independent sources of one machine
 * give one model, let real lspci decode what pcilu synthesised, and let the
 * benchmark generator produce large inputs.
 */
#include "source_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp_raw_addr(const void *a, const void *b)
{
	const struct pcilu_raw_dev *x = *(const struct pcilu_raw_dev *const *)a;
	const struct pcilu_raw_dev *y = *(const struct pcilu_raw_dev *const *)b;
	uint64_t kx = (uint64_t)x->seg << 16 | (uint64_t)x->bus << 8 | x->devfn;
	uint64_t ky = (uint64_t)y->seg << 16 | (uint64_t)y->bus << 8 | y->devfn;

	return (kx > ky) - (kx < ky);
}

/* Devices in address order, as lspci lists them. */
static const struct pcilu_raw_dev **sorted(const struct pcilu_raw_host *h)
{
	const struct pcilu_raw_dev **v = malloc((h->count ? h->count : 1) * sizeof(*v)); // NOLINT(bugprone-sizeof-expression): an array of pointers

	if (!v)
		return NULL;
	for (size_t i = 0; i < h->count; i++)
		v[i] = &h->devs[i];
	qsort(v, h->count, sizeof(*v), cmp_raw_addr); // NOLINT(bugprone-sizeof-expression): an array of pointers
	return v;
}

static uint16_t cfg16(const struct pcilu_raw_dev *r, unsigned off)
{
	return off + 2 <= r->cfg_len ? pcilu_le16(r->cfg + off) : 0xffff;
}

static void dump_one(FILE *f, const struct pcilu_raw_dev *r, bool with_groups)
{
	uint8_t rev = r->cfg_len > PCI_REVISION_ID ? r->cfg[PCI_REVISION_ID] : 0;
	char bdf[24];

	/* What lspci prints when it has no pci.ids names. */
	fprintf(f, "%s Class %04x: Device %04x:%04x", pcilu_src_bdf_fmt(r->seg, r->bus, r->devfn, bdf, sizeof(bdf)),
		cfg16(r, PCI_CLASS_DEVICE), cfg16(r, PCI_VENDOR_ID), cfg16(r, PCI_DEVICE_ID));
	if (rev)
		fprintf(f, " (rev %02x)", rev);
	fputc('\n', f);
	/* lspci -vv prints the group among the decode lines, before the hex rows. */
	if (with_groups && r->kernel_group != PCILU_NO_GROUP)
		fprintf(f, "\tIOMMU group: %d\n", r->kernel_group);
	for (unsigned off = 0; off < r->cfg_len; off += 16) {
		fprintf(f, "%02x:", off);
		for (unsigned i = off; i < off + 16 && i < r->cfg_len; i++)
			fprintf(f, " %02x", r->cfg[i]);
		fputc('\n', f);
	}
	fputc('\n', f);
}

int pcilu_export_lspci(FILE *f, const struct pcilu_raw_host *h, bool with_groups)
{
	const struct pcilu_raw_dev **v = sorted(h);

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < h->count; i++)
		dump_one(f, v[i], with_groups);
	free(v);
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}

struct tree {
	char *root;		/* dir/bus/pci/devices */
	const char *dir;
	struct pcilu_diag *d;
};

static int fail(struct tree *t, const char *path, int err)
{
	pcilu_diag_add(t->d, PCILU_ERROR, path, 0, -1, "cannot write: %s", strerror(-err));
	return err;
}

static int mkdir_p(struct tree *t, const char *path)
{
	char *p = strdup(path);
	int ret = 0;

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; ; s++) {
		if (*s && *s != '/')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST) {
			ret = fail(t, p, -errno);
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

/*
 * A fresh tree of many small files: each is created exclusively and written
 * whole, not through pcilu_write_atomic(), whose fsync per file would make
 * exporting a 100k-function benchmark host take minutes. A half-written tree
 * is recognisable (files missing), never a file with stale content.
 */
static int put_file(struct tree *t, const char *dev, const char *name, const void *data,
		    size_t len)
{
	char path[4096];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "%s/%s/%s", t->root, dev, name);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return fail(t, path, -errno);
	for (size_t done = 0; done < len; ) {
		ssize_t n = write(fd, (const char *)data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = fail(t, path, -errno);
			break;
		}
		done += (size_t)n;
	}
	if (close(fd) < 0 && !ret)
		ret = fail(t, path, -errno);
	return ret;
}

static int put_text(struct tree *t, const char *dev, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int put_text(struct tree *t, const char *dev, const char *name, const char *fmt, ...)
{
	char buf[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return put_file(t, dev, name, buf, (size_t)n);
}

static int put_link(struct tree *t, const char *dev, const char *name, const char *target)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s/%s", t->root, dev, name);
	if (symlink(target, path) < 0)
		return fail(t, path, -errno);
	return 0;
}

static const struct pcilu_raw_dev *find_pf(const struct pcilu_raw_host *h,
					   const struct pcilu_raw_dev *vf)
{
	for (size_t i = 0; i < h->count; i++)
		if (h->devs[i].seg == vf->pf_seg && h->devs[i].bus == vf->pf_bus &&
		    h->devs[i].devfn == vf->pf_devfn)
			return &h->devs[i];
	return NULL;
}

/* The group's side: kernel/iommu_groups/N/devices/BDF points back at the device. */
static int group_dir(struct tree *t, const struct pcilu_raw_dev *r, const char *bdf)
{
	char path[4096], target[128];
	int ret;

	snprintf(path, sizeof(path), "%s/kernel/iommu_groups/%d/devices", t->dir, r->kernel_group);
	if ((ret = mkdir_p(t, path)))
		return ret;
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/%s", bdf);
	snprintf(target, sizeof(target), "../../../../bus/pci/devices/%s", bdf);
	if (symlink(target, path) < 0)
		return fail(t, path, -errno);
	snprintf(target, sizeof(target), "../../../../kernel/iommu_groups/%d", r->kernel_group);
	return put_link(t, bdf, "iommu_group", target);
}

static int driver_link(struct tree *t, const struct pcilu_raw_dev *r, const char *bdf)
{
	char path[4096], target[128];
	int ret;

	snprintf(path, sizeof(path), "%s/bus/pci/drivers/%s", t->dir, r->driver);
	if ((ret = mkdir_p(t, path)))
		return ret;
	snprintf(target, sizeof(target), "../../drivers/%s", r->driver);
	return put_link(t, bdf, "driver", target);
}

static int vf_links(struct tree *t, const struct pcilu_raw_host *h,
		    const struct pcilu_raw_dev *r, const char *bdf)
{
	char other[32], target[40], a[24];
	unsigned n = 0;
	int ret;

	if (r->is_virtfn) {
		snprintf(target, sizeof(target), "../%s", pcilu_src_bdf_fmt(r->pf_seg, r->pf_bus, r->pf_devfn, a, sizeof(a)));
		return put_link(t, bdf, "physfn", target);
	}
	for (size_t i = 0; i < h->count; i++) {
		const struct pcilu_raw_dev *v = &h->devs[i];

		if (!v->physfn_known || !v->is_virtfn || v->pf_seg != r->seg ||
		    v->pf_bus != r->bus || v->pf_devfn != r->devfn)
			continue;
		snprintf(other, sizeof(other), "virtfn%u", n++);
		snprintf(target, sizeof(target), "../%s", pcilu_src_bdf_fmt(v->seg, v->bus, v->devfn, a, sizeof(a)));
		if ((ret = put_link(t, bdf, other, target)))
			return ret;
	}
	return 0;
}

static int export_dev(struct tree *t, const struct pcilu_raw_host *h, const struct pcilu_raw_dev *r)
{
	char bdf[32], path[4096];
	uint16_t vendor = cfg16(r, PCI_VENDOR_ID), device = cfg16(r, PCI_DEVICE_ID);
	uint32_t class = r->cfg_len >= 12 ? pcilu_le32(r->cfg + 8) >> 8 : 0xffffff;
	int ret;

	pcilu_src_bdf_fmt(r->seg, r->bus, r->devfn, bdf, sizeof(bdf));
	snprintf(path, sizeof(path), "%s/%s", t->root, bdf);
	if (mkdir(path, 0755) < 0)
		return fail(t, path, -errno);
	/* The kernel shows a VF's ids from the PF (pci_read_vf_config_common(), iov.c, 7.2). */
	if (r->physfn_known && r->is_virtfn && vendor == 0xffff) {
		const struct pcilu_raw_dev *pf = find_pf(h, r);

		if (pf) {
			vendor = cfg16(pf, PCI_VENDOR_ID);
			for (unsigned off = 0x100; off + 0x1c <= pf->cfg_len && off; ) {
				uint32_t hd = pcilu_le32(pf->cfg + off);

				if (PCI_EXT_CAP_ID(hd) == PCI_EXT_CAP_ID_SRIOV) {
					device = pcilu_le16(pf->cfg + off + PCI_SRIOV_VF_DID);
					break;
				}
				if (PCI_EXT_CAP_NEXT(hd) <= off)
					break;
				off = PCI_EXT_CAP_NEXT(hd);
			}
		}
	}
	if ((ret = put_file(t, bdf, "config", r->cfg, r->cfg_len)) ||
	    (ret = put_text(t, bdf, "vendor", "0x%04x\n", vendor)) ||
	    (ret = put_text(t, bdf, "device", "0x%04x\n", device)) ||
	    (ret = put_text(t, bdf, "class", "0x%06x\n", class)) ||
	    (ret = put_text(t, bdf, "numa_node", "%d\n", r->numa_node)))
		return ret;
	if (r->kernel_group != PCILU_NO_GROUP && (ret = group_dir(t, r, bdf)))
		return ret;
	if (r->driver && (ret = driver_link(t, r, bdf)))
		return ret;
	return r->physfn_known ? vf_links(t, h, r, bdf) : 0;
}

int pcilu_export_sysfs(const char *dir, const struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	struct tree t = { .dir = dir, .d = d };
	int ret;

	if (asprintf(&t.root, "%s/bus/pci/devices", dir) < 0)
		return -ENOMEM;
	ret = mkdir_p(&t, t.root);
	for (size_t i = 0; i < h->count && !ret; i++)
		ret = export_dev(&t, h, &h->devs[i]);
	free(t.root);
	/* An empty kernel/iommu_groups is how sysfs says "no IOMMU"; unknown writes none. */
	if (!ret && h->iommu == PCILU_IOMMU_ABSENT) {
		if (asprintf(&t.root, "%s/kernel/iommu_groups", dir) < 0)
			return -ENOMEM;
		ret = mkdir_p(&t, t.root);
		free(t.root);
	}
	return ret;
}
