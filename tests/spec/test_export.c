// SPDX-License-Identifier: GPL-2.0-or-later
/* The exporters: dump text and copied-sysfs tree, checked against what lspci and sysfs look like. */
#include "spec_test.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

static const char host[] =
	"{\"devices\": [{\"kind\": \"root_port\", \"id\": \"8086:6f02\", \"driver\": \"pcieport\","
	" \"iommu_group\": 3, \"children\": [{\"id\": \"8086:1572\", \"revision\": 2,"
	" \"iommu_group\": 4, \"numa_node\": 1, \"driver\": \"i40e\","
	" \"sriov\": {\"total\": 4, \"num\": 2, \"offset\": 16, \"stride\": 1, \"vf_device\": \"154c\","
	" \"vf_iommu_group\": 10}}]}]}";

static void test_lspci_text(void **state)
{
	struct pcilu_raw_host h;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	spec_load_ok(host, &h);
	assert_int_equal(pcilu_export_lspci(f, &h, true), 0);
	fclose(f);
	assert_non_null(strstr(buf, "0000:00:00.0 Class 0604: Device 8086:6f02\n\tIOMMU group: 3\n"
				    "00: 86 80 02 6f 07 04 10 00 00 00 04 06 10 00 01 00\n"));
	assert_non_null(strstr(buf, "0000:01:00.0 Class 0200: Device 8086:1572 (rev 02)\n"
				    "\tIOMMU group: 4\n00: 86 80 72 15"));
	assert_non_null(strstr(buf, "0000:01:02.1 Class 0200: Device ffff:ffff (rev 02)\n"
				    "\tIOMMU group: 11\n00: ff ff ff ff"));
	assert_non_null(strstr(buf, "\nff0: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00\n\n"));
	/* Address order: the root port, the PF, then its VFs. */
	assert_true(strstr(buf, "0000:00:00.0") < strstr(buf, "0000:01:00.0"));
	assert_true(strstr(buf, "0000:01:00.0") < strstr(buf, "0000:01:02.0"));
	free(buf);
	pcilu_raw_host_free(&h);
}

static void read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		fail_msg("cannot open %s", path);
	n = read(fd, buf, len - 1);
	assert_true(n >= 0);
	buf[n] = '\0';
	close(fd);
}

static void check_link(const char *path, const char *target)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		fail_msg("no link %s", path);
	buf[n] = '\0';
	assert_string_equal(buf, target);
}

static void test_sysfs_tree(void **state)
{
	char dir[] = "/tmp/pcilu-spec-XXXXXX", p[PATH_MAX], buf[8192];
	struct pcilu_raw_host h;
	struct pcilu_diag d;
	struct stat st;
	const struct pcilu_raw_dev *pf;

	(void)state;
	assert_non_null(mkdtemp(dir));
	spec_load_ok(host, &h);
	pcilu_diag_init(&d);
	assert_int_equal(pcilu_export_sysfs(dir, &h, &d), 0);
	assert_int_equal(d.count, 0);
	pf = spec_dev(&h, 0, 1, 0, 0);
#define DEV(bdf, file) (snprintf(p, sizeof(p), "%s/bus/pci/devices/" bdf "/" file, dir), p)
	read_text(DEV("0000:01:00.0", "vendor"), buf, sizeof(buf));
	assert_string_equal(buf, "0x8086\n");
	read_text(DEV("0000:01:00.0", "class"), buf, sizeof(buf));
	assert_string_equal(buf, "0x020000\n");
	read_text(DEV("0000:01:00.0", "numa_node"), buf, sizeof(buf));
	assert_string_equal(buf, "1\n");
	assert_int_equal(stat(DEV("0000:01:00.0", "config"), &st), 0);
	assert_int_equal(st.st_size, 4096);
	{
		int fd = open(p, O_RDONLY);

		assert_int_equal(read(fd, buf, 4096), 4096);
		close(fd);
		assert_memory_equal(buf, pf->cfg, 4096);
	}
	/* A VF shows its PF's vendor and the SR-IOV VF device id, as the kernel fills them in. */
	read_text(DEV("0000:01:02.0", "vendor"), buf, sizeof(buf));
	assert_string_equal(buf, "0x8086\n");
	read_text(DEV("0000:01:02.0", "device"), buf, sizeof(buf));
	assert_string_equal(buf, "0x154c\n");
	check_link(DEV("0000:01:02.0", "physfn"), "../0000:01:00.0");
	check_link(DEV("0000:01:00.0", "virtfn1"), "../0000:01:02.1");
	check_link(DEV("0000:01:02.1", "iommu_group"), "../../../../kernel/iommu_groups/11");
	check_link(DEV("0000:00:00.0", "driver"), "../../drivers/pcieport");
	assert_int_equal(stat(DEV("0000:01:02.1", "iommu_group/devices/0000:01:02.1/config"), &st), 0);
	assert_int_equal(stat(DEV("0000:00:00.0", "driver"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_not_equal(lstat(DEV("0000:01:02.0", "driver"), &st), 0);
#undef DEV
	/* Exporting twice into one tree is refused, never silently mixed. */
	assert_int_not_equal(pcilu_export_sysfs(dir, &h, &d), 0);
	assert_true(d.errors > 0);
	pcilu_diag_free(&d);
	pcilu_raw_host_free(&h);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lspci_text),
		cmocka_unit_test(test_sysfs_tree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
