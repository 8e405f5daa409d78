/* admin_fields: an admin form's fields as the pages read them - trimmed,
 * held to their limits, checked, and each wrong one given the message the
 * form shows next to it (err_NAME) while the page's status becomes 422 or
 * worse.  A field's typed value is set for the form again either way, so
 * a refused save shows what the admin typed. */
#include "admin.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "md.h"

void admin_invalid(struct admin_ctx *c, const char *field, int status,
		const char *fmt, ...)
{
	char key[FORM_NAME_MAX + 8], msg[UPLOAD_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(key, sizeof key, "err_%s", field);
	tmpl_set(c->v, key, msg);
	tmpl_set(c->v, "invalid", "1");
	c->invalid++;
	if (status > c->status)
		c->status = status;
}

static char *field_value(struct admin_ctx *c, const char *name)
{
	for (size_t i = 0; i < c->up.fields.n; i++)
		if (strcmp(c->up.fields.fields[i].name, name) == 0)
			return c->up.fields.fields[i].value;
	return NULL;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
		     s[n - 1] == '\n'))
		s[--n] = '\0';
	return s;
}

const char *admin_field(struct admin_ctx *c, const char *name, int required,
		size_t max)
{
	char *raw = field_value(c, name);
	const char *s = raw ? trim(raw) : "";
	tmpl_set(c->v, name, s);
	if (required && !*s)
		admin_invalid(c, name, 422, "This field is required.");
	else if (strlen(s) > max)
		admin_invalid(c, name, 422, "At most %zu characters (bytes) are allowed.", max);
	else if (max <= ADMIN_TEXT_MAX && strpbrk(s, "\r\n"))
		admin_invalid(c, name, 422, "One line only, please.");
	return s;
}

const char *admin_value(struct admin_ctx *c, const char *name)
{
	char *raw = field_value(c, name);
	return raw ? trim(raw) : "";
}

int admin_checkbox(struct admin_ctx *c, const char *name)
{
	const char *s = field_value(c, name);
	int on = s && strcmp(s, "1") == 0;
	tmpl_set(c->v, name, on ? "1" : "");
	return on;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Strict ISO 8601 calendar date, years 1900..9999. */
static int valid_date(const char *s)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	if (y < 1900 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= mdays[m - 1] + (m == 2 && leap(y));
}

const char *admin_date(struct admin_ctx *c, const char *name, int required)
{
	const char *s = admin_field(c, name, required, 10);
	if (*s && !valid_date(s))
		admin_invalid(c, name, 422, "A date is written YYYY-MM-DD, e.g. 2024-11-28.");
	return s;
}

int admin_markdown(struct admin_ctx *c, const char *field, const char *md,
		struct buf *out)
{
	buf_reset(out);
	buf_puts(out, "");
	if (md_to_html(out, md, strlen(md)) < 0) {
		admin_invalid(c, field, 422, "The text is longer than %d KiB.",
			      MD_INPUT_MAX / 1024);
		return -1;
	}
	return 0;
}

void admin_markdown_field(struct admin_ctx *c, const char *field, struct buf *out,
		const char **md, const char **html)
{
	*md = admin_field(c, field, 0, MD_INPUT_MAX);
	admin_markdown(c, field, *md, out);
	*html = out->data;
}

int admin_dir(struct admin_ctx *c)
{
	const char *d = field_value(c, "dir");
	if (d && strcmp(d, "up") == 0)
		return -1;
	if (d && strcmp(d, "down") == 0)
		return 1;
	admin_invalid(c, "dir", 422, "dir must be up or down.");
	return 0;
}
