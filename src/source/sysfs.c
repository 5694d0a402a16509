// SPDX-License-Identifier: GPL-2.0-or-later
/* Live sysfs and copied sysfs trees. (stub: being written) */
#include "source_int.h"
#include <errno.h>

int pcilu_load_sysfs(const char *root, const struct pcilu_source_opts *opts,
		     struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	(void)opts;
	pcilu_raw_host_init(h, PCILU_SRC_SYSFS, root);
	pcilu_diag_add(d, PCILU_ERROR, root, 0, -1, "sysfs reading is not implemented yet");
	return -ENOSYS;
}
