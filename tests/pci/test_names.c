// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pcilu's own pci.ids reader (src/pci/names.c) against libpci, the reader
 * lspci uses: every vendor and every device line of the system's pci.ids,
 * plus ids pci.ids lacks, must get the same name (or none) from both. Then
 * small files of known content: comments, subsystem and class lines,
 * the first of two lines for one id, a missing file, a file without a
 * newline at its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pci/pci.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * libpci's header and pcilu's regs.h both define the config-space register
 * names, so this file names the four functions it tests itself (as
 * include/pcilu/pci.h declares them) instead of including pcilu/pci.h.
 */
#include <stdint.h>
struct pcilu_names;
struct pcilu_names *pcilu_names_open_file(const char *path);
void pcilu_names_close(struct pcilu_names *n);
const char *pcilu_name_vendor(struct pcilu_names *n, uint16_t vendor, char *buf, size_t len);
const char *pcilu_name_device(struct pcilu_names *n, uint16_t vendor, uint16_t device, char *buf, size_t len);

static void quiet(char *msg, ...)
{
	(void)msg;
}

static const char *system_ids(void)
{
	static const char *const paths[] = { "/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], R_OK) == 0)
			return paths[i];
	return NULL;
}

/* Every vendor and device line of pci.ids, and ids beside them, named alike by both. */
static void same_as_libpci(void **state)
{
	const char *path = system_ids();
	struct pci_access *pacc;
	struct pcilu_names *n;
	char line[1024], a[512], b[512];
	unsigned vendor = 0, vendors = 0, devices = 0;
	FILE *f;

	(void)state;
	if (!path)
		skip();
	pacc = pci_alloc();
	pacc->warning = pacc->debug = quiet;
	pacc->id_lookup_mode = PCI_LOOKUP_NO_NUMBERS | PCI_LOOKUP_NO_HWDB;
	pci_set_name_list_path(pacc, (char *)path, 0);
	n = pcilu_names_open_file(path);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned id;
		const char *want;

		if (line[0] == 'C' && line[1] == ' ')
			break;
		if (line[0] != '\t' && line[0] != '#' && sscanf(line, "%4x", &id) == 1) {
			vendor = id;
			want = pci_lookup_name(pacc, b, sizeof(b), PCI_LOOKUP_VENDOR, vendor);
			assert_string_equal(pcilu_name_vendor(n, (uint16_t)vendor, a, sizeof(a)),
					    want ? want : (snprintf(b, sizeof(b), "%04x", vendor), b));
			vendors++;
		} else if (line[0] == '\t' && line[1] != '\t' && sscanf(line + 1, "%4x", &id) == 1) {
			want = pci_lookup_name(pacc, b, sizeof(b), PCI_LOOKUP_DEVICE, vendor, id);
			assert_string_equal(pcilu_name_device(n, (uint16_t)vendor, (uint16_t)id, a, sizeof(a)),
					    want ? want : (snprintf(b, sizeof(b), "%04x", id), b));
			/* an id next to it, often not in the file */
			want = pci_lookup_name(pacc, b, sizeof(b), PCI_LOOKUP_DEVICE, vendor, (id + 1) & 0xffff);
			assert_string_equal(pcilu_name_device(n, (uint16_t)vendor, (uint16_t)(id + 1), a, sizeof(a)),
					    want ? want : (snprintf(b, sizeof(b), "%04x", (id + 1) & 0xffff), b));
			devices++;
		}
	}
	fclose(f);
	print_message("%u vendors, %u devices named alike\n", vendors, devices);
	assert_true(vendors > 1000 && devices > 10000);
	pcilu_names_close(n);
	pci_cleanup(pacc);
}

static void small_file(void **state)
{
	static const char text[] =
		"# comment 8086  Not a vendor\n"
		"8086  Intel Corporation\n"
		"\t1572  Ethernet Controller X710 for 10GbE SFP+\n"
		"\t\t8086 0001  Ethernet Converged Network Adapter X710-4\n"
		"\t1572  A second line for the same id\n"
		"10de  NVIDIA Corporation\n"
		"\t2204  GA102 [GeForce RTX 3090]\n"
		"C 02  Network controller\n"
		"\t00  Ethernet controller\n"
		"ffff  Illegal Vendor ID";
	char path[] = "/tmp/pcilu-test-names-XXXXXX", b[128];
	int fd = mkstemp(path);
	struct pcilu_names *n;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	n = pcilu_names_open_file(path);
	assert_string_equal(pcilu_name_vendor(n, 0x8086, b, sizeof(b)), "Intel Corporation");
	assert_string_equal(pcilu_name_device(n, 0x8086, 0x1572, b, sizeof(b)),
			    "Ethernet Controller X710 for 10GbE SFP+");
	/* a subsystem line is not a device of the vendor */
	assert_string_equal(pcilu_name_device(n, 0x8086, 0x8086, b, sizeof(b)), "8086");
	assert_string_equal(pcilu_name_device(n, 0x10de, 0x2204, b, sizeof(b)), "GA102 [GeForce RTX 3090]");
	/* class lines name no vendor, and what follows the class list is not read */
	assert_string_equal(pcilu_name_vendor(n, 0x0002, b, sizeof(b)), "0002");
	assert_string_equal(pcilu_name_vendor(n, 0xffff, b, sizeof(b)), "ffff");
	assert_string_equal(pcilu_name_vendor(n, 0x1234, b, sizeof(b)), "1234");
	/* cut to the buffer */
	assert_string_equal(pcilu_name_vendor(n, 0x8086, b, 6), "Intel");
	pcilu_names_close(n);
	unlink(path);

	n = pcilu_names_open_file("/nonexistent/pci.ids");
	assert_string_equal(pcilu_name_device(n, 0x8086, 0x1572, b, sizeof(b)), "1572");
	pcilu_names_close(n);
	assert_string_equal(pcilu_name_vendor(NULL, 0x8086, b, sizeof(b)), "8086");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_libpci),
		cmocka_unit_test(small_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
