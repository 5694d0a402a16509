// SPDX-License-Identifier: GPL-2.0-or-later
/* pcilu: the command-line tool over libpcilu (placeholder while commands land). */
#include <stdio.h>

int main(void)
{
	puts("pcilu " "0.1.0");
	return 0;
}
