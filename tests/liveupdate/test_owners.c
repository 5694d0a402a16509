// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Ideas that had two owners in src/ and drifted apart (issue 20): each test
 * here failed while the copies disagreed, and holds the one owner to what
 * Linux does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

#include <stdlib.h>
#include <string.h>

static struct pcilu_sim *simulate(const struct pcilu_topology *t, const char *cmdline)
{
	struct pcilu_sim_opts o = { .cmdline = cmdline };
	int32_t dev = fx_find(t, "01:00.0");
	struct pcilu_sim *s = NULL;
	struct pcilu_diag d;

	pcilu_diag_init(&d);
	assert_int_equal(pcilu_simulate(t, &dev, 1, &o, &s, &d), 0);
	pcilu_diag_free(&d);
	return s;
}

/*
 * pci_setup(), drivers/pci/pci.c, 7.2: "noari" is compared with
 * strncmp(str, "noari", 5), so pci=noari=1 disables ARI as pci=noari does;
 * pcibios_setup(), arch/x86/pci/common.c, 7.2, compares "assign-busses"
 * with strcmp(). After "--" the rest of the line is init's, not the kernel's.
 */
static void test_sim_pci_options(void **state)
{
	static const struct { const char *cmdline; bool noari, assign; } cases[] = {
		{ "pci=noari", true, false },
		{ "pci=noari=1", true, false },
		{ "pci=nomsi,noarifoo", true, false },
		{ "quiet -- pci=noari", false, false },
		{ "\"pci=noari\"", true, false },
		{ "pci=assign-busses", false, true },
		{ "pci=assign-busses2", false, false },
		{ "pci=nomsi,assign-busses,noari", true, true },
	};
	int32_t *groups;
	struct pcilu_topology *t = fx_build(fx_ref, FX_REF_COUNT, &groups);

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pcilu_sim *s = simulate(t, cases[i].cmdline);

		if (s->noari != cases[i].noari || s->assign_busses != cases[i].assign)
			fail_msg("%s: noari %d assign-busses %d, expected %d %d", cases[i].cmdline,
				 s->noari, s->assign_busses, cases[i].noari, cases[i].assign);
		pcilu_sim_free(s);
	}
	pcilu_topology_free(t);
	free(groups);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sim_pci_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
