/* admin_people: the admins - change your own password, list, add and
 * remove the others.  The command line's `admin user` does the same. */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "db.h"

static void page(struct admin_ctx *c, int status)
{
	if (db_auth_user_list(c->v, "people", c->s.admin_id) < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_render(c, "people.xml", status);
}

void admin_people_form(struct admin_ctx *c)
{
	page(c, c->status);
}

void admin_people_get(struct admin_ctx *c)
{
	page(c, 200);
}

/* A password field, wiped from the request once used. */
static char *secret(struct admin_ctx *c, const char *name)
{
	const char *s = form_get(&c->up.fields, name);
	return (char *)(s ? s : "");
}

static void wipe(char *s)
{
	sodium_memzero(s, strlen(s));
}

static void audit(struct admin_ctx *c, const char *action, const char *name)
{
	char object[AUTH_NAME_MAX + 8];
	snprintf(object, sizeof object, "admin %s", name);
	if (db_auth_audit(c->s.admin, action, object, "", c->now) < 0)
		fprintf(stderr, "admin: %s of %s not audited\n", action, name);
}

/* Add an admin: a name and a first password, told to them in person. */
void admin_people_post(struct admin_ctx *c)
{
	const char *name = admin_field(c, "new_name", 1, AUTH_NAME_MAX);
	char *pw = secret(c, "new_password"), *again = secret(c, "new_password2");
	enum auth_user_result r = AUTH_USER_BAD_PASSWORD;
	if (strcmp(pw, again) != 0)
		admin_invalid(c, "new_password2", 422, "The two passwords differ.");
	else if (!c->invalid)
		r = auth_user_add(name, pw);
	wipe(pw);
	wipe(again);
	if (c->invalid || r == AUTH_USER_BAD_NAME || r == AUTH_USER_EXISTS ||
	    r == AUTH_USER_BAD_PASSWORD) {
		if (!c->invalid)
			admin_invalid(c, r == AUTH_USER_BAD_PASSWORD ? "new_password" : "new_name",
				      422, "Not added: %s.", auth_user_strerror(r));
		page(c, c->status);
		return;
	}
	if (r != AUTH_USER_OK) {
		admin_fail(c, 500, "The admin could not be added.");
		return;
	}
	audit(c, "create", name);
	admin_redirect_done(c, "/admin/people", ADMIN_DONE_ADDED, -1, 0, 0);
}

/* Change your own password: the current one, and the new one twice. */
void admin_password_post(struct admin_ctx *c)
{
	char *cur = secret(c, "current_password"), *pw = secret(c, "password");
	char *again = secret(c, "password2");
	enum auth_user_result r = AUTH_USER_BAD_PASSWORD;
	if (strcmp(pw, again) != 0)
		admin_invalid(c, "password2", 422, "The two new passwords differ.");
	else
		r = auth_password_change(&c->s, cur, pw);
	wipe(cur);
	wipe(pw);
	wipe(again);
	if (r == AUTH_USER_WRONG_PASSWORD || (r == AUTH_USER_BAD_PASSWORD && !c->invalid))
		admin_invalid(c, r == AUTH_USER_WRONG_PASSWORD ? "current_password" : "password",
			      422, "Not changed: %s.", auth_user_strerror(r));
	if (r == AUTH_USER_WRONG_PASSWORD)
		audit(c, "password change refused", c->s.admin);
	if (c->invalid) {
		page(c, c->status);
		return;
	}
	if (r != AUTH_USER_OK) {
		admin_fail(c, 500, "The password could not be changed.");
		return;
	}
	audit(c, "password changed", c->s.admin);
	admin_redirect_done(c, "/admin/people", ADMIN_DONE_PASSWORD, -1, 0, 0);
}

/* Remove another admin; in one transaction with the count, so that two
 * admins removing each other cannot leave none. */
void admin_person_delete(struct admin_ctx *c)
{
	char name[AUTH_NAME_MAX + 1], object[AUTH_NAME_MAX + 8];
	if (c->id == c->s.admin_id) {
		admin_fail(c, 409, "You cannot remove yourself here; another admin "
			   "can, or `admin user del` on the server.");
		return;
	}
	if (!admin_found(c, db_auth_user_name(c->id, name), "admin") || admin_begin(c) < 0)
		return;
	enum auth_user_result r = auth_user_remove(name);
	if (r != AUTH_USER_OK) {
		db_rollback();
		admin_fail(c, r == AUTH_USER_LAST ? 409 : 500, auth_user_strerror(r));
		return;
	}
	snprintf(object, sizeof object, "admin %s", name);
	if (admin_commit(c, "delete", object, "") == 0)
		admin_redirect_done(c, "/admin/people", ADMIN_DONE_REMOVED, -1, 0, 0);
}
