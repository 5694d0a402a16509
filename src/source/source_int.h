/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Internal header of the source layer. */
#ifndef PCILU_SOURCE_INT_H
#define PCILU_SOURCE_INT_H

#include "../base/base_int.h"
#include <pcilu/regs.h>
#include <pcilu/source.h>

#endif
