// SPDX-License-Identifier: GPL-2.0-or-later
/* Diagnostics: the library reports, the CLI prints. */
#include "base_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void pcilu_diag_init(struct pcilu_diag *d)
{
	memset(d, 0, sizeof(*d));
}

void pcilu_diag_free(struct pcilu_diag *d)
{
	for (size_t i = 0; i < d->count; i++) {
		free(d->msgs[i].file);
		free(d->msgs[i].text);
	}
	free(d->msgs);
	pcilu_diag_init(d);
}

void pcilu_diag_vadd(struct pcilu_diag *d, enum pcilu_severity sev,
		     const char *file, long line, long offset,
		     const char *fmt, va_list ap)
{
	if (!d)
		return;
	if (sev == PCILU_ERROR)
		d->errors++;
	if (d->count == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct pcilu_diag_msg *n = realloc(d->msgs, ncap * sizeof(*n));

		if (!n) {
			d->lost = true;
			return;
		}
		d->msgs = n;
		d->cap = ncap;
	}
	struct pcilu_diag_msg *m = &d->msgs[d->count];
	char *text = NULL;

	if (vasprintf(&text, fmt, ap) < 0) {
		d->lost = true;
		return;
	}
	m->sev = sev;
	m->file = file ? strdup(file) : NULL;
	if (file && !m->file) {
		free(text);
		d->lost = true;
		return;
	}
	m->line = line;
	m->offset = offset;
	m->text = text;
	d->count++;
}

void pcilu_diag_add(struct pcilu_diag *d, enum pcilu_severity sev,
		    const char *file, long line, long offset, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pcilu_diag_vadd(d, sev, file, line, offset, fmt, ap);
	va_end(ap);
}

static const char *const sev_names[] = { "note", "warning", "error" };

int pcilu_diag_format(const struct pcilu_diag_msg *m, char *buf, size_t len)
{
	char where[64] = "", file[1024], text[2048];
	const char *sev = sev_names[m->sev <= PCILU_ERROR ? m->sev : PCILU_ERROR];

	/* Messages quote input (names, values, paths): nothing in them may act on a terminal. */
	pcilu_escape(m->file ? m->file : "", file, sizeof(file));
	pcilu_escape(m->text, text, sizeof(text));
	if (m->line > 0)
		snprintf(where, sizeof(where), ":%ld", m->line);
	if (m->offset >= 0)
		snprintf(where + strlen(where), sizeof(where) - strlen(where),
			 "%soffset 0x%lx", m->line > 0 || m->file ? ": " : "", m->offset);
	return snprintf(buf, len, "%s%s%s%s: %s", file, where, (m->file || where[0]) ? ": " : "", sev, text);
}

const char *pcilu_strerror(int err)
{
	switch (-err) {
	case 0:
		return "success";
	case EINVAL:
		return "invalid input";
	case ELOOP:
		return "looping chain";
	case ERANGE:
		return "offset out of range";
	case ENODATA:
		return "not readable";
	case E2BIG:
		return "input exceeds a limit";
	default:
		return strerror(-err);
	}
}
