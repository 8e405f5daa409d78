/* admin_resume: nothing typed is lost when a session ends.  A form POSTed
 * after the session expired gets the log-in page with the form's fields
 * carried in hidden inputs (escaped by the template engine like any
 * value); logging in there sends them again to the same address, which
 * logs in and saves them in one request.  Files cannot be carried (the
 * page says so), nor password fields.  The re-sent form's CSRF token is
 * the old session's: the log-in itself, same-origin (upload_gate) and
 * with the password, is what authorises the save. */
#include "admin.h"

#include <string.h>

#include <sodium.h>

/* A form is kept up to its own limit (ADMIN_FORM_MAX, or the spec's
 * form_max); a larger one carried files, which cannot be kept, and its
 * body is not read from a client without a session. */

/* Is a field carried?  Not the old token, not the log-in's own fields,
 * never a password. */
static int carried(const char *name)
{
	return strcmp(name, "csrf") != 0 && strcmp(name, "resume_login") != 0 &&
	       strncmp(name, "login_", 6) != 0 && !strstr(name, "password");
}

static void keep_fields(struct admin_ctx *c)
{
	for (size_t i = 0; i < c->up.fields.n; i++) {
		const struct form_field *f = &c->up.fields.fields[i];
		if (!carried(f->name))
			continue;
		struct tmpl_vars *row = tmpl_add(c->v, "carried");
		tmpl_set(row, "carry_name", f->name);
		tmpl_set(row, "carry_value", f->value);
	}
	for (size_t i = 0; i < c->up.nfiles; i++)
		if (c->up.files[i].name[0])
			tmpl_set(c->v, "carry_files", "1");
}

void admin_resume(struct admin_ctx *c, const struct upload_spec *spec,
		admin_handler post)
{
	/* File parts are taken, their data dropped (1 byte at most). */
	struct upload_spec carry = { 0, spec->file_prefix, 1, spec->files_max, spec->form_max };
	struct auth_session s;
	/* The form shown again (a full disk) only once logged in: it may show
	 * stored rows. */
	void (*form)(struct admin_ctx *) = c->form;
	c->form = NULL;
	tmpl_set(c->v, "next", c->r->path);
	if (c->r->content_length > upload_form_limit(spec)) {
		tmpl_set(c->v, "too_large", "1");
		admin_render(c, "login.xml", 403);
		return;
	}
	upload_release(&c->up);
	upload_init(&c->up);
	int status = upload_read(c->r, &carry, admin_media_root(), &c->up);
	if (status) {
		admin_fail(c, status, c->up.msg);
		return;
	}
	tmpl_set(c->v, "resume", "1");
	keep_fields(c);
	if (strcmp(admin_value(c, "resume_login"), "1") != 0) {
		admin_render(c, "login.xml", 403);
		return;
	}
	if (!admin_login_try(c, "login_name", "login_password", &s))
		return;
	c->s = s;
	sodium_memzero(&s, sizeof s);
	admin_keep_version(c);
	c->form = form;
	post(c);
}
