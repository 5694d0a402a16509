// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The picture rendered in process with Graphviz's library (libgvc, dot
 * layout), so nobody has to pipe DOT: SVG for the report and for people,
 * PNG for tickets. Built without libgvc, only DOT is available (-ENOTSUP).
 */
#include "output_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifdef PCILU_HAVE_GVC
#include <graphviz/gvc.h>

/*
 * Lay out @dot and render it as @format ("svg", "png") into a malloc'd buffer.
 * Graphviz reports its own errors on stderr; a failure here is -EINVAL.
 */
static int render(const char *dot, const char *format, char **out, size_t *len)
{
	GVC_t *gvc = gvContext();
	Agraph_t *g = gvc ? agmemread(dot) : NULL;
	char *data = NULL;
	unsigned int n = 0;
	int ret = -EINVAL;

	if (!gvc)
		return -ENOMEM;
	if (g && !gvLayout(gvc, g, "dot")) {
		if (!gvRenderData(gvc, g, format, &data, &n) && data) {
			*out = malloc(n ? n : 1);
			if (*out) {
				memcpy(*out, data, n);
				*len = n;
				ret = 0;
			} else {
				ret = -ENOMEM;
			}
		}
		gvFreeRenderData(data);
		gvFreeLayout(gvc, g);
	}
	if (g)
		agclose(g);
	gvFreeContext(gvc);
	return ret;
}
#else
static int render(const char *dot, const char *format, char **out, size_t *len)
{
	(void)dot, (void)format, (void)out, (void)len;
	return -ENOTSUP;
}
#endif

bool pcilu_draw_can_render(void)
{
#ifdef PCILU_HAVE_GVC
	return true;
#else
	return false;
#endif
}

int pcilu_draw_render(const struct pcilu_iommu *r, const struct pcilu_lu_check *c, unsigned profile,
		      const struct pcilu_out_opts *o, const char *format, char **out, size_t *len)
{
	char *dot = NULL;
	size_t dlen = 0;
	FILE *m = open_memstream(&dot, &dlen);
	int ret;

	*out = NULL;
	*len = 0;
	if (!m)
		return -ENOMEM;
	ret = pcilu_print_draw_dot(m, r, c, profile, o);
	if (fclose(m) && !ret)
		ret = -ENOMEM;
	if (!ret && !strcmp(format, "dot")) {
		*out = dot;
		*len = dlen;
		return 0;
	}
	if (!ret)
		ret = render(dot, format, out, len);
	free(dot);
	return ret;
}
