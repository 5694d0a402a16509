// SPDX-License-Identifier: GPL-2.0-or-later
/* lspci -x/-xxx/-xxxx text dumps. (stub: being written) */
#include "source_int.h"
#include <errno.h>

int pcilu_load_lspci(const char *name, const char *text, size_t len,
		     const struct pcilu_source_opts *opts,
		     struct pcilu_raw_host *h, struct pcilu_diag *d)
{
	(void)text; (void)len; (void)opts;
	pcilu_raw_host_init(h, PCILU_SRC_LSPCI, name);
	pcilu_diag_add(d, PCILU_ERROR, name, 0, -1, "lspci dumps are not implemented yet");
	return -ENOSYS;
}
