/* admin_login: log-in, log-out, the dashboard and the audit log. */
#include "admin.h"
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#define BAD_LOGIN "Name or password is wrong."

void admin_login_get(struct admin_ctx *c)
{
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

void admin_login_post(struct admin_ctx *c)
{
	const char *name = admin_value(c, "name");
	char *password = (char *)form_get(&c->up.fields, "password");
	const char *addr = http_param(c->r, "REMOTE_ADDR");
	struct auth_session old, s;
	char cookie[AUTH_COOKIE_MAX], retry[16];

	/* A new session id at every log-in (ASVS 3.2.1): any old one ends. */
	if (auth_request_session(c->r, c->now, &old, NULL) == 1)
		auth_logout(&old, c->now);
	tmpl_set(c->v, "name", name);
	enum auth_result rc = auth_login(name, password ? password : "",
					 addr ? addr : "", c->now, &s);
	if (password)
		sodium_memzero(password, strlen(password));
	switch (rc) {
	case AUTH_OK:
		if (auth_cookie_set(cookie, s.id) < 0)
			break;
		http_resp_header(c->w, "Set-Cookie", cookie);
		admin_redirect(c, "/admin/");
		sodium_memzero(&s, sizeof s);
		return;
	case AUTH_BAD_CREDENTIALS:
		pause_ms(s.delay_ms);
		login_failed(c, 401, BAD_LOGIN);
		return;
	case AUTH_THROTTLED:
		snprintf(retry, sizeof retry, "%d", s.retry_after);
		http_resp_header(c->w, "Retry-After", retry);
		tmpl_seti(c->v, "retry_after", s.retry_after);
		login_failed(c, 429, "Too many failed log-ins. Please wait a while "
			     "before trying again.");
		return;
	case AUTH_ERROR:
		break;
	}
	admin_fail(c, 500, "The log-in could not be checked just now.");
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
