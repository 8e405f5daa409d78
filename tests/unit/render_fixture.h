/* render_fixture: lists are only visible through a template - render
 * `body` (template markup) with v from a scratch file in dir and return
 * the output (a static buffer).  Header-only, for the data-layer tests;
 * include it after cmocka.h. */
#ifndef RENDER_FIXTURE_H
#define RENDER_FIXTURE_H

#include <stdio.h>

#include "buf.h"
#include "tmpl.h"

static const char *fixture_render(const char *dir, const struct tmpl_vars *v, const char *body)
{
	static struct buf out;
	char path[256], err[256];
	snprintf(path, sizeof path, "%s/t.xml", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "<t:block xmlns:t=\"urn:symposium:template\">%s</t:block>", body);
	fclose(f);
	struct tmpl *t = tmpl_load(dir, "t.xml", err, sizeof err);
	if (!t)
		fail_msg("%s", err);
	buf_reset(&out);
	tmpl_render(t, v, &out);
	tmpl_free(t);
	return out.data ? out.data : "";
}

#endif
