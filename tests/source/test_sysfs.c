// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests of the sysfs loader on small trees built in a temporary folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pcilu/source.h>

struct ctx {
	char root[64];
	struct pcilu_raw_host h;
	struct pcilu_diag d;
};

static void xmkdirs(const char *path)
{
	char tmp[512];

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(tmp, 0755);
		*p = '/';
	}
	mkdir(tmp, 0755);
}

static void put(const char *dir, const char *name, const void *data, size_t len)
{
	char path[1024];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void link_to(const char *dir, const char *name, const char *target)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(symlink(target, path), 0);
}

/* A device folder with a config of @len bytes (vendor 8086, device @id). */
static void make_dev(const char *dir, uint16_t id, size_t len)
{
	uint8_t cfg[4096];

	memset(cfg, 0, sizeof(cfg));
	cfg[0] = 0x86;
	cfg[1] = 0x80;
	cfg[2] = (uint8_t)id;
	cfg[3] = (uint8_t)(id >> 8);
	cfg[0xff] = 0xab;
	xmkdirs(dir);
	put(dir, "config", cfg, len);
}

static int load_opt(struct ctx *c, const char *sub, bool lenient)
{
	struct pcilu_source_opts o = { .lenient = lenient };
	char path[512];

	pcilu_diag_free(&c->d);
	pcilu_raw_host_free(&c->h);
	snprintf(path, sizeof(path), "%s%s", c->root, sub);
	int ret = pcilu_load_sysfs(path, &o, &c->h, &c->d);

	for (size_t i = 0; i < c->d.count; i++) {	/* shown when a test fails */
		char buf[512];

		pcilu_diag_format(&c->d.msgs[i], buf, sizeof(buf));
		print_message("diag: %s\n", buf);
	}
	return ret;
}

static bool has_msg(struct ctx *c, const char *text)
{
	char buf[512];

	for (size_t i = 0; i < c->d.count; i++) {
		pcilu_diag_format(&c->d.msgs[i], buf, sizeof(buf));
		if (strstr(buf, text))
			return true;
	}
	return false;
}

static const char *first(struct ctx *c, enum pcilu_severity sev, char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < c->d.count; i++) {
		if (c->d.msgs[i].sev == sev) {
			pcilu_diag_format(&c->d.msgs[i], buf, len);
			break;
		}
	}
	return buf;
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	if (!c)
		return -1;
	snprintf(c->root, sizeof(c->root), "/tmp/pcilu-sysfs-XXXXXX");
	if (!mkdtemp(c->root))
		return -1;
	pcilu_diag_init(&c->d);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", c->root);
	if (system(cmd) != 0)
		return -1;
	pcilu_raw_host_free(&c->h);
	pcilu_diag_free(&c->d);
	free(c);
	return 0;
}

/* A copy (cp -a of /sys): entries are real folders, group/driver/physfn are links. */
static void build_copy(struct ctx *c)
{
	char d[512];

	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:00:1c.0", c->root);
	make_dev(d, 0xa294, 4096);
	link_to(d, "iommu_group", "../../../../kernel/iommu_groups/5");
	link_to(d, "driver", "../../../../bus/pci/drivers/pcieport");
	put(d, "numa_node", "1\n", 2);
	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:02:00.0", c->root);
	make_dev(d, 0x1572, 4096);
	link_to(d, "iommu_group", "../../../../kernel/iommu_groups/12");
	put(d, "numa_node", "-1\n", 3);
	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:02:02.1", c->root);
	make_dev(d, 0x154c, 256);
	link_to(d, "physfn", "../0000:02:00.0");
	put(d, "iommu_group", "13\n", 3);	/* a regular file, as some copiers write */
	snprintf(d, sizeof(d), "%s/bus/pci/devices/10000:e1:00.0", c->root);
	make_dev(d, 0x0a54, 4096);
}

static void check_copy(struct ctx *c)
{
	const struct pcilu_raw_dev *r = c->h.devs;

	assert_int_equal(c->h.kind, PCILU_SRC_SYSFS);
	assert_int_equal(c->h.count, 4);
	/* Address order whatever readdir returned. */
	assert_int_equal(r[0].devfn, 0x1c << 3);
	assert_int_equal(r[1].bus, 2);
	assert_int_equal(r[1].devfn, 0);
	assert_int_equal(r[2].devfn, 2 << 3 | 1);
	assert_int_equal(r[3].seg, 0x10000);
	assert_int_equal(r[3].bus, 0xe1);

	assert_int_equal(r[0].cfg_len, 4096);
	assert_int_equal(r[0].cfg[2], 0x94);
	assert_int_equal(r[0].cfg[0xff], 0xab);
	assert_int_equal(r[0].kernel_group, 5);
	assert_string_equal(r[0].driver, "pcieport");
	assert_int_equal(r[0].numa_node, 1);
	assert_true(r[0].physfn_known);
	assert_false(r[0].is_virtfn);

	assert_int_equal(r[1].kernel_group, 12);
	assert_null(r[1].driver);
	assert_int_equal(r[1].numa_node, PCILU_NO_NODE);

	assert_int_equal(r[2].cfg_len, 256);
	assert_int_equal(r[2].kernel_group, 13);
	assert_true(r[2].physfn_known);
	assert_true(r[2].is_virtfn);
	assert_int_equal(r[2].pf_seg, 0);
	assert_int_equal(r[2].pf_bus, 2);
	assert_int_equal(r[2].pf_devfn, 0);

	assert_int_equal(r[3].kernel_group, PCILU_NO_GROUP);
	assert_true(c->h.has_kernel_groups);
	assert_false(c->h.config_truncated);
	/* Host facts come only from the live /sys, never from a copy. */
	assert_null(c->h.kernel_release);
	assert_null(c->h.cmdline);
	assert_int_equal(c->d.errors, 0);
	assert_int_equal(c->d.count, 0);
}

static void test_copy(void **state)
{
	struct ctx *c = *state;

	build_copy(c);
	assert_int_equal(load_opt(c, "", false), 0);
	check_copy(c);
	assert_int_equal(load_opt(c, "/", false), 0);
	check_copy(c);
	/* The devices folder itself as the root. */
	assert_int_equal(load_opt(c, "/bus/pci/devices", false), 0);
	check_copy(c);
}

/* Live layout: bus/pci/devices/X are links into devices/pci0000:00/... */
static void test_links(void **state)
{
	struct ctx *c = *state;
	char d[512], l[512];

	snprintf(d, sizeof(d), "%s/devices/pci0000:00/0000:00:1c.0", c->root);
	make_dev(d, 0xa294, 4096);
	link_to(d, "iommu_group", "../../../kernel/iommu_groups/5");
	snprintf(d, sizeof(d), "%s/devices/pci0000:00/0000:00:1c.0/0000:01:00.0", c->root);
	make_dev(d, 0x1572, 4096);
	link_to(d, "iommu_group", "../../../../kernel/iommu_groups/6");
	link_to(d, "driver", "../../../../bus/pci/drivers/i40e");
	snprintf(l, sizeof(l), "%s/bus/pci/devices", c->root);
	xmkdirs(l);
	link_to(l, "0000:01:00.0", "../../../devices/pci0000:00/0000:00:1c.0/0000:01:00.0");
	link_to(l, "0000:00:1c.0", "../../../devices/pci0000:00/0000:00:1c.0");

	assert_int_equal(load_opt(c, "", false), 0);
	assert_int_equal(c->h.count, 2);
	assert_int_equal(c->h.devs[0].kernel_group, 5);
	assert_int_equal(c->h.devs[1].bus, 1);
	assert_int_equal(c->h.devs[1].kernel_group, 6);
	assert_string_equal(c->h.devs[1].driver, "i40e");
	assert_int_equal(c->h.devs[1].cfg[2], 0x72);
}

static void test_truncated(void **state)
{
	struct ctx *c = *state;
	char d[512], buf[512];

	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:00:00.0", c->root);
	make_dev(d, 0x1234, 64);
	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:00:01.0", c->root);
	make_dev(d, 0x1235, 64);
	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:00:02.0", c->root);
	make_dev(d, 0x1236, 4096);
	assert_int_equal(load_opt(c, "", false), 0);
	assert_int_equal(c->h.count, 3);
	assert_int_equal(c->h.devs[0].cfg_len, 64);
	assert_true(c->h.config_truncated);
	/* One warning for all of them, with the count. */
	assert_int_equal(c->d.count, 1);
	first(c, PCILU_WARN, buf, sizeof(buf));
	assert_non_null(strstr(buf, "warning: fewer than 256 bytes of config space readable for 2 devices (64 when not root): "
				    "run as root for capabilities (ACS, ARI, SR-IOV)"));
}

static void test_errors(void **state)
{
	struct ctx *c = *state;
	char d[512], buf[512];

	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:00:00.0", c->root);
	make_dev(d, 0x1234, 256);
	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:00:01.0", c->root);
	xmkdirs(d);		/* no config */
	assert_int_equal(load_opt(c, "", false), -EINVAL);
	assert_int_equal(c->h.count, 1);
	first(c, PCILU_ERROR, buf, sizeof(buf));
	assert_non_null(strstr(buf, "/bus/pci/devices/0000:00:01.0/config: error: cannot open"));
	assert_non_null(strstr(buf, "--lenient leaves it out"));
	assert_int_equal(load_opt(c, "", true), 0);
	assert_int_equal(c->h.count, 1);
	assert_int_equal(c->d.errors, 1);

	/* Too short to hold a header. */
	put(d, "config", "\x86\x80", 2);
	assert_int_equal(load_opt(c, "", false), -EINVAL);
	assert_non_null(strstr(first(c, PCILU_ERROR, buf, sizeof(buf)), "only 2 bytes readable"));

	/* A name that is no address. */
	unlink(strcat(d, "/config"));
	d[strlen(d) - 7] = '\0';
	rmdir(d);
	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:00:20.0", c->root);
	make_dev(d, 0x1234, 256);
	assert_int_equal(load_opt(c, "", false), -EINVAL);
	assert_non_null(strstr(first(c, PCILU_ERROR, buf, sizeof(buf)),
			       "0000:00:20.0: error: not a PCI address"));
	assert_int_equal(load_opt(c, "", true), 0);
	assert_int_equal(c->h.count, 1);

	/* A physfn link naming no address. */
	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:00:00.0", c->root);
	link_to(d, "physfn", "../bogus");
	assert_int_equal(load_opt(c, "", true), -EINVAL);	/* nothing left */
	assert_int_equal(c->h.count, 0);
	assert_int_equal(c->d.errors, 3);	/* bad name, bad physfn, no devices */
	assert_true(has_msg(c, "0000:00:00.0/physfn: error: names 'bogus', not a PCI address"));
}

static void test_not_sysfs(void **state)
{
	struct ctx *c = *state;
	char buf[512];

	assert_int_equal(load_opt(c, "", false), -ENOENT);
	assert_non_null(strstr(first(c, PCILU_ERROR, buf, sizeof(buf)), "not a sysfs tree"));
	assert_int_equal(load_opt(c, "/missing", true), -ENOENT);
	assert_non_null(strstr(first(c, PCILU_ERROR, buf, sizeof(buf)), "cannot open"));
	/* An empty devices folder: nothing to model. */
	char d[512];

	snprintf(d, sizeof(d), "%s/bus/pci/devices", c->root);
	xmkdirs(d);
	assert_int_equal(load_opt(c, "", true), -EINVAL);
	assert_non_null(strstr(first(c, PCILU_ERROR, buf, sizeof(buf)), "no devices found"));
}

/* The live /sys, when this machine has one: host facts are read too. */
static void test_live(void **state)
{
	struct ctx *c = *state;

	if (access("/sys/bus/pci/devices", R_OK))
		skip();
	pcilu_raw_host_free(&c->h);
	int ret = pcilu_load_sysfs("/sys", NULL, &c->h, &c->d);

	if (ret == -EINVAL && c->h.count == 0)
		skip();	/* a container without PCI devices */
	assert_int_equal(ret, 0);
	assert_non_null(c->h.kernel_release);
	for (size_t i = 1; i < c->h.count; i++) {
		const struct pcilu_raw_dev *a = &c->h.devs[i - 1], *b = &c->h.devs[i];
		uint64_t ka = (uint64_t)a->seg << 16 | a->bus << 8 | a->devfn;
		uint64_t kb = (uint64_t)b->seg << 16 | b->bus << 8 | b->devfn;

		assert_true(ka < kb);
	}
	if (geteuid() == 0)
		assert_false(c->h.config_truncated);
}

/* A group link naming no number: warned with its path, the rest still loads. */
static void test_bad_group(void **state)
{
	struct ctx *c = *state;
	char d[512], want[700];

	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:00:1c.0", c->root);
	make_dev(d, 0xa294, 4096);
	link_to(d, "iommu_group", "../../../../kernel/iommu_groups/x");
	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:00:1d.0", c->root);
	make_dev(d, 0xa294, 4096);
	put(d, "iommu_group", "-4\n", 3);
	snprintf(d, sizeof(d), "%s/bus/pci/devices/0000:00:1e.0", c->root);
	make_dev(d, 0xa294, 4096);
	link_to(d, "iommu_group", "../../../../kernel/iommu_groups/3");

	assert_int_equal(load_opt(c, "", false), 0);
	assert_int_equal(c->h.count, 3);
	assert_int_equal(c->d.errors, 0);
	assert_int_equal(c->d.count, 2);
	snprintf(want, sizeof(want), "%s/bus/pci/devices/0000:00:1c.0/iommu_group: warning: names 'x', "
		 "not an IOMMU group number: the device's kernel group is unknown", c->root);
	assert_true(has_msg(c, want));
	snprintf(want, sizeof(want), "%s/bus/pci/devices/0000:00:1d.0/iommu_group: warning: names '-4', "
		 "not an IOMMU group number", c->root);
	assert_true(has_msg(c, want));
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(c->h.devs[i].kernel_group,
				 c->h.devs[i].devfn == (0x1e << 3) ? 3 : PCILU_NO_GROUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_sysfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_live, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_group, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
