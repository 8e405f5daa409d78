/* auth: admin log-in, sessions, CSRF defence and admin accounts
 * (OWASP ASVS 4.0 level 2, chapters 2 and 3, and 4.2.2 for CSRF).
 *
 * How the admin program uses it, per request:
 *
 *   1. Any POST: auth_origin_ok(Origin, Sec-Fetch-Site, Host, scheme)
 *      before reading the body; 0 -> 403.  State changes only via POST.
 *   2. auth_cookie_get(Cookie header) -> the session id, then
 *      auth_session_check(id, now, &s); 0 -> redirect to the login form
 *      (and send auth_cookie_clear if a cookie was sent).
 *   3. A POST form carries s.csrf in a hidden field; auth_csrf_ok(&s, field)
 *      before acting; 0 -> 403.
 *   4. Log-in form (POST, after 1.): if the request carried a session
 *      cookie, auth_logout() it first; then
 *      auth_login(name, password, REMOTE_ADDR, now, &s):
 *        AUTH_OK              Set-Cookie: auth_cookie_set(.., s.id); 303
 *        AUTH_BAD_CREDENTIALS one message for unknown name and wrong
 *                             password ("name or password wrong"); 403
 *                             or the form again
 *        AUTH_THROTTLED       429 with Retry-After: s.retry_after
 *        AUTH_ERROR           500
 *   5. Log-out (POST with CSRF token): auth_logout(&s), Set-Cookie:
 *      auth_cookie_clear(..).
 *
 * The cookie: `__Host-sid=<id>; Secure; HttpOnly; SameSite=Strict; Path=/`.
 * The __Host- prefix makes browsers refuse it unless it is Secure, has
 * Path=/ and no Domain (RFC 6265bis 4.1.3.2), so a sibling subdomain
 * cannot plant a session id.  No Max-Age: the cookie ends with the browser
 * and the server-side limits below end it anyway.
 *
 * Session ids and CSRF tokens are 32 random bytes, base64url without
 * padding (43 characters).  Only crypto_generichash(id) is stored: a copy
 * of the database does not hold a usable cookie.
 *
 * The database must be open read-write (db_open) before any call that
 * touches it.  All functions are for one thread (like the rest of lib/). */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>
#include <time.h>
#include "db_auth.h"
#include "http.h"

/* Argon2id cost (crypto_pwhash_str).  OWASP's floor is t=2, m=19 MiB; we
 * use t=3, m=64 MiB: about 0.17 s per hash on the idle 2-core build host
 * (0.45 s under heavy load).
 * libsodium's MODERATE preset (t=3, 256 MiB) took 0.85 s there and would
 * let four parallel log-ins claim 1 GiB.  Stored hashes record their own
 * cost; a hash made with other values is redone at the next log-in. */
#define AUTH_PW_OPSLIMIT   3ULL
#define AUTH_PW_MEMLIMIT   ((size_t)64 * 1024 * 1024)

#define AUTH_PW_MIN        12      /* bytes (ASVS 2.1.1) */
#define AUTH_PW_MAX        1024    /* bytes; also bounds the hashing work */
#define AUTH_NAME_MAX      DB_AUTH_NAME_MAX   /* 64, of [a-z0-9._-] */

#define AUTH_IDLE_SECONDS  1800    /* 30 min without a request (ASVS 3.3.2) */
#define AUTH_MAX_SECONDS   43200   /* 12 h after log-in, whatever happens */
#define AUTH_SEEN_STEP     60      /* seen_at is written at most once a minute;
				      so a session may end up to a minute early,
				      never late */

/* Throttling (ASVS 5.0 6.1.1 and 6.3.1: against brute force and credential
 * stuffing, without letting anyone lock an admin out).  Counted in the
 * login_failure table, so every worker sees the same numbers.
 *  - Per address: AUTH_ADDR_FAILURES failures in AUTH_ADDR_WINDOW and that
 *    address waits (429), right password or not.
 *  - Per name, only against the addresses that fail on it: once a name has
 *    had AUTH_NAME_FAILURES failures in AUTH_NAME_WINDOW (it is under
 *    attack), an address with AUTH_PAIR_FAILURES failures on that name in
 *    the window waits too.  An address that has not failed on the name is
 *    never refused: failures made elsewhere cannot keep its admin out (the
 *    first release's per-name block could, for an hour).
 *  - A delay: a failed attempt is answered after AUTH_DELAY_STEP_MS per
 *    failure of its address in AUTH_ADDR_WINDOW (at most AUTH_DELAY_MAX_MS),
 *    which slows a script without a cost to the admin who mistypes once.
 *    A right password is never delayed. */
#define AUTH_ADDR_WINDOW   60      /* seconds */
#define AUTH_ADDR_FAILURES 10      /* failures per address per window */
#define AUTH_NAME_WINDOW   3600
#define AUTH_NAME_FAILURES 20      /* a name with this many failures per window is under attack */
#define AUTH_PAIR_FAILURES 3       /* then: failures per address on it per window */
#define AUTH_DELAY_STEP_MS 250
#define AUTH_DELAY_MAX_MS  2000
#define AUTH_FAILURE_KEEP  3600    /* older failure rows are deleted */

#define AUTH_TOKEN_BYTES   32      /* session id and CSRF token entropy */
#define AUTH_TOKEN_LEN     43      /* their base64url length */
#define AUTH_TOKEN_SIZE    (AUTH_TOKEN_LEN + 1)

#define AUTH_COOKIE_NAME   "__Host-sid"
#define AUTH_COOKIE_MAX    128     /* a buffer for auth_cookie_set/clear */

/* Once per process, before forking workers if there are any: initialises
 * libsodium and computes the dummy hash that unknown names are checked
 * against (about one hash's time).  0, or -1 when libsodium cannot start.
 * The other functions call it themselves if it has not run. */
int auth_init(void);

/* ---- passwords and names ---- */

/* 1 if the password may be set: AUTH_PW_MIN..AUTH_PW_MAX bytes of valid
 * UTF-8 (ASVS 2.1.1, 2.1.2, 2.1.4: any characters, spaces included, no
 * composition rules).  Otherwise 0. */
int auth_password_ok(const char *password);
/* 1 if name is 1..AUTH_NAME_MAX characters of [a-z0-9._-], else 0. */
int auth_name_ok(const char *name);

/* crypto_pwhash_str with the AUTH_PW_* cost: 0, or -1 (out of memory). */
int auth_hash_password(char out[DB_AUTH_PWHASH_MAX], const char *password);
/* 1 if password matches the stored hash, else 0. */
int auth_verify_password(const char *pwhash, const char *password);

/* ---- log-in and sessions ---- */

enum auth_result {
	AUTH_OK,
	AUTH_BAD_CREDENTIALS,   /* unknown name or wrong password: the same */
	AUTH_THROTTLED,         /* too many failures; see retry_after */
	AUTH_ERROR              /* database or libsodium failure: 500 */
};

struct auth_session {
	long long admin_id;
	char admin[AUTH_NAME_MAX + 1];   /* the admin's name */
	char id[AUTH_TOKEN_SIZE];        /* the cookie value */
	char csrf[AUTH_TOKEN_SIZE];      /* the session's CSRF token */
	time_t created_at;
	time_t seen_at;
	int retry_after;                 /* AUTH_THROTTLED: seconds, >= 1 */
	int delay_ms;                    /* AUTH_BAD_CREDENTIALS: answer this much later */
};

/* Check name and password and, if they match, start a new session (a new
 * id at every log-in, against session fixation - ASVS 3.2.1) into *out.
 * addr is the client's address (REMOTE_ADDR; IPv6 addresses count per
 * /64, since one host usually holds a whole /64).
 *
 * Throttling (the AUTH_ADDR_* and AUTH_PAIR_* rules above) is checked
 * first and costs no hashing; a throttled attempt is AUTH_THROTTLED, right
 * password or not.  Throttled attempts are not counted, so retry_after is
 * exact: the seconds until the oldest of the failures that caused it leaves
 * its window.  Check and record are not one transaction (that would hold
 * the write lock through the hashing), so a burst spread over N workers can
 * get N-1 attempts past the limit - a constant, not a bypass.
 * AUTH_BAD_CREDENTIALS sets delay_ms: how long the caller waits before
 * answering (see AUTH_DELAY_STEP_MS).
 *
 * An unknown name is checked against a dummy hash: same answer, about the
 * same time as a wrong password.  A failure is recorded after the check
 * and written to the audit log ("login failed", the name typed and the
 * address; throttled attempts are not).
 * A successful log-in is written to the audit log ("login", detail: the
 * address).  The caller wipes `password` (sodium_memzero). */
enum auth_result auth_login(const char *name, const char *password,
			    const char *addr, time_t now,
			    struct auth_session *out);

/* Validate a session id from the cookie.  1: valid, *out filled (id is
 * the cookie value; retry_after 0) and seen_at refreshed (at most once per
 * AUTH_SEEN_STEP, and skipped, without waiting, while another connection
 * holds the write lock: reading a page never needs a write); 0: malformed,
 * unknown, or expired (idle for
 * AUTH_IDLE_SECONDS or older than AUTH_MAX_SECONDS; an expired session is
 * deleted); -1: database error. */
int auth_session_check(const char *cookie_value, time_t now,
		       struct auth_session *out);

/* auth_session_check for a connection that only reads (the public
 * programs' previews, lib/page.h): the same rules, and nothing written - no
 * touch (a preview does not keep a session alive) and an expired session
 * is only answered 0 (the admin program deletes it).  1 valid, 0 not, -1
 * database error. */
int auth_session_peek(const char *cookie_value, time_t now,
		      struct auth_session *out);

/* End the session (delete it) and write "logout" to the audit log.
 * 1 ended, 0 there was none, -1 error. */
int auth_logout(const struct auth_session *s, time_t now);

/* ---- cookies ---- */

/* The value of __Host-sid in a Cookie request header (RFC 6265 5.4:
 * "a=b; c=d").  1 found and well-formed (copied into out), 0 absent or
 * malformed (treat as logged out). */
int auth_cookie_get(const char *cookie_header, char out[AUTH_TOKEN_SIZE]);
/* The Set-Cookie header values: set a session id, or clear it
 * (Max-Age=0; the __Host- rules apply to the clearing cookie too).
 * auth_cookie_set returns 0, or -1 when id is not a session id. */
int auth_cookie_set(char buf[AUTH_COOKIE_MAX], const char *id);
void auth_cookie_clear(char buf[AUTH_COOKIE_MAX]);

/* ---- cross-site request forgery ---- */

/* 1 if token (the submitted form field) equals the session's token:
 * same length first, then a constant-time compare.  NULL or empty: 0. */
int auth_csrf_ok(const struct auth_session *s, const char *token);

/* Before reading a state-changing request's body: does it come from our
 * own pages?  Arguments are the request headers as sent (NULL when
 * absent) and the scheme the client used ("https", or "http" behind a
 * local test server).
 *   Sec-Fetch-Site present: only "same-origin" passes ("same-site" is a
 *     sibling subdomain, "cross-site" a foreign page, "none" a typed URL
 *     or bookmark - never a form POST).
 *   Origin present: must be exactly scheme "://" Host (ASCII case
 *     ignored); "null" (sandboxed frames, some redirects) fails.
 *   When both are present both must pass.
 *   Neither present: fails.  Every current browser sends Origin on POST;
 *     a client that sends neither (old browsers, scripts) cannot be told
 *     apart from a forged request, and ASVS asks to refuse it.  Command-
 *     line tools send "Origin: https://host" themselves.
 * 1 allow, 0 refuse (answer 403). */
int auth_origin_ok(const char *origin, const char *sec_fetch_site,
		   const char *host, const char *scheme);

/* ---- a request's credentials (every admin page, GET and POST) ---- */

/* The session of r's cookie: 1 valid (into *s), 0 none or expired, -1
 * database error.  *had_cookie (may be NULL) says whether a session
 * cookie was sent at all (then a stale one is to be cleared). */
int auth_request_session(const struct http_req *r, time_t now,
			 struct auth_session *s, int *had_cookie);

/* auth_origin_ok on r's headers and the scheme the client used. */
int auth_request_origin_ok(const struct http_req *r);

/* Before any byte of a state-changing request's body is read (OWASP ASVS
 * 4.2.2): it comes from our own pages (else 403) and, when need_session,
 * from a logged-in admin (403; 500 when the session cannot be checked),
 * whose session goes to *s.  0 go on, else the status, with *msg (a
 * sentence for the admin) saying why. */
int auth_gate(const struct http_req *r, int need_session, time_t now,
	      struct auth_session *s, const char **msg);

/* ---- admin accounts (command line and admin pages) ----
 *
 * These do not write the audit log: the caller knows who acted ("cli" on
 * the command line, the admin's name on the web) and calls db_auth_audit. */

enum auth_user_result {
	AUTH_USER_OK,
	AUTH_USER_BAD_NAME,       /* see auth_name_ok */
	AUTH_USER_BAD_PASSWORD,   /* see auth_password_ok */
	AUTH_USER_EXISTS,
	AUTH_USER_NOT_FOUND,
	AUTH_USER_WRONG_PASSWORD, /* auth_password_change: the current one */
	AUTH_USER_LAST,           /* auth_user_remove: the last admin stays */
	AUTH_USER_ERROR
};

enum auth_user_result auth_user_add(const char *name, const char *password);
/* Also ends every session of that admin (ASVS 3.3.3): an attacker who
 * held one is out, and so is the admin, who logs in again. */
enum auth_user_result auth_user_passwd(const char *name, const char *password);
/* Deletes the admin and their sessions. */
enum auth_user_result auth_user_del(const char *name);
/* An admin changes their own password in the admin area: `current` must
 * match (ASVS 6.2.3).  Every other session of theirs ends (an attacker who
 * held one is out, ASVS 7.4.3); s, the session in use, stays. */
enum auth_user_result auth_password_change(const struct auth_session *s,
					   const char *current, const char *fresh);
/* Deletes the admin and their sessions unless they are the last one. */
enum auth_user_result auth_user_remove(const char *name);
/* A short English message for r ("name taken", ...). */
const char *auth_user_strerror(enum auth_user_result r);

/* Read a password for the command line, never from argv (which other
 * users can see in ps).  With a terminal on stdin: print prompt to stderr
 * and read with echo off (termios), then restore the terminal.  Otherwise
 * read one line from stdin (for scripts: `printf '%s\n' "$pw" | admin user
 * add NAME`).  The line ending ("\n" or "\r\n") is dropped.  Returns the
 * length, or -1 on end of input before any line, a NUL byte, or a line
 * that does not fit bufsz - 1 bytes (the rest of it is read and dropped).
 * The caller wipes buf (sodium_memzero) when done. */
long auth_read_password(const char *prompt, char *buf, size_t bufsz);

#endif
