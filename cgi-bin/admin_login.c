/* admin_login: log-in, log-out, the dashboard and the audit log. */
#include "admin.h"
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#define BAD_LOGIN "Name or password is wrong."

#define NEXT_MAX 256      /* a `next` address, bytes */

/* Where a log-in may lead (the `next` field): a path of the admin area
 * only, so that a link to the log-in page cannot send anyone elsewhere (no
 * open redirect): "/admin/...", no "//" (a scheme-relative URL), no
 * backslash (some browsers read it as "/"), no dot segments, no control
 * characters or spaces, and not the log-in page itself. */
int admin_next_ok(const char *s)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"0123456789/._~-?=&%";
	size_t n = s ? strlen(s) : 0;
	return n > 7 && n < NEXT_MAX && strncmp(s, "/admin/", 7) == 0 &&
	       strspn(s, ok) == n && !strstr(s, "//") && !strstr(s, "/./") &&
	       !strstr(s, "/../") && strncmp(s, "/admin/login", 12) != 0;
}

void admin_login_get(struct admin_ctx *c)
{
	char next[NEXT_MAX];
	if (http_query_get(c->r->query, "next", next, sizeof next) == 1 &&
	    admin_next_ok(next))
		tmpl_set(c->v, "next", next);
	admin_render(c, "login.xml", 200);
}

static void login_failed(struct admin_ctx *c, int status, const char *msg)
{
	tmpl_set(c->v, "error", msg);
	admin_render(c, "login.xml", status);
}

/* The delay of a failed log-in's answer (auth.h, AUTH_DELAY_STEP_MS).  It
 * holds this worker, which the per-address limit bounds. */
static void pause_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000L };
	while (ms > 0 && nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

int admin_login_try(struct admin_ctx *c, const char *name_field,
		const char *password_field, struct auth_session *s)
{
	const char *name = admin_value(c, name_field);
	char *password = (char *)form_get(&c->up.fields, password_field);
	const char *addr = http_param(c->r, "REMOTE_ADDR");
	struct auth_session old;
	char cookie[AUTH_COOKIE_MAX], retry[16];

	/* A new session id at every log-in (ASVS 3.2.1): any old one ends. */
	if (auth_request_session(c->r, c->now, &old, NULL) == 1)
		auth_logout(&old, c->now);
	tmpl_set(c->v, name_field, name);
	enum auth_result rc = auth_login(name, password ? password : "",
					 addr ? addr : "", c->now, s);
	if (password)
		sodium_memzero(password, strlen(password));
	switch (rc) {
	case AUTH_OK:
		if (auth_cookie_set(cookie, s->id) < 0)
			break;
		http_resp_header(c->w, "Set-Cookie", cookie);
		return 1;
	case AUTH_BAD_CREDENTIALS:
		pause_ms(s->delay_ms);
		login_failed(c, 401, BAD_LOGIN);
		return 0;
	case AUTH_THROTTLED:
		snprintf(retry, sizeof retry, "%d", s->retry_after);
		http_resp_header(c->w, "Retry-After", retry);
		tmpl_seti(c->v, "retry_after", s->retry_after);
		login_failed(c, 429, "Too many failed log-ins. Please wait a while "
			     "before trying again.");
		return 0;
	case AUTH_ERROR:
		break;
	}
	admin_fail(c, 500, "The log-in could not be checked just now.");
	return 0;
}

/* After any log-in, the page that was asked for (`next`), else the
 * dashboard. */
void admin_login_post(struct admin_ctx *c)
{
	struct auth_session s;
	const char *next = admin_value(c, "next");
	int ok = admin_next_ok(next);
	if (ok)
		tmpl_set(c->v, "next", next);
	if (admin_login_try(c, "name", "password", &s))
		admin_redirect(c, ok ? next : "/admin/");
	sodium_memzero(&s, sizeof s);
}

/* The "stay logged in" request of admin.js: the session check every GET
 * passes has renewed the session; there is nothing to say. */
void admin_session_get(struct admin_ctx *c)
{
	c->w->status = 204;
	c->w->cache_control = "no-store";
	buf_reset(&c->w->body);
}

void admin_logout_post(struct admin_ctx *c)
{
	char cookie[AUTH_COOKIE_MAX];
	auth_logout(&c->s, c->now);
	auth_cookie_clear(cookie);
	http_resp_header(c->w, "Set-Cookie", cookie);
	admin_redirect_done(c, "/admin/login", ADMIN_DONE_LOGGED_OUT, -1, 0, 0);
}

void admin_dashboard_get(struct admin_ctx *c)
{
	if (db_admin_editions(c->v, "editions") < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_render(c, "dashboard.xml", 200);
}

void admin_audit_get(struct admin_ctx *c)
{
	if (db_auth_audit_list(c->v, "entries", ADMIN_AUDIT_ROWS) < 0) {
		admin_fail(c, 500, NULL);
		return;
	}
	admin_render(c, "audit.xml", 200);
}
