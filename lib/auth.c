/* auth: admin log-in, sessions, CSRF defence, admin accounts.  See auth.h
 * for the rules and the reasons; the SQL is in db_auth.c. */
#include "auth.h"
#include "http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

_Static_assert(DB_AUTH_PWHASH_MAX >= crypto_pwhash_STRBYTES,
	       "a password hash must fit admin.pwhash's buffer");
_Static_assert(AUTH_TOKEN_SIZE == sodium_base64_ENCODED_LEN(AUTH_TOKEN_BYTES,
	       sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	       "AUTH_TOKEN_LEN is the base64url length of AUTH_TOKEN_BYTES");
_Static_assert(DB_AUTH_HASH_BYTES >= crypto_generichash_BYTES_MIN &&
	       DB_AUTH_HASH_BYTES <= crypto_generichash_BYTES_MAX,
	       "session.id_hash is a crypto_generichash output");
_Static_assert(DB_AUTH_CSRF_MAX >= AUTH_TOKEN_LEN, "a CSRF token fits");

#define B64URL sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define ADDR_KEY_MAX 80   /* an address as stored in login_failure.addr */

static int ready;
/* What an unknown name's password is checked against, so that it costs
 * the same time as a known name's (ASVS 2.2.1; no user enumeration by
 * timing).  Its password is random and forgotten: nothing matches it. */
static char dummy_hash[crypto_pwhash_STRBYTES];

int auth_init(void)
{
	unsigned char secret[AUTH_TOKEN_BYTES];

	if (ready)
		return 0;
	if (sodium_init() < 0)
		return -1;
	randombytes_buf(secret, sizeof secret);
	int rc = crypto_pwhash_str(dummy_hash, (const char *)secret, sizeof secret,
				   AUTH_PW_OPSLIMIT, AUTH_PW_MEMLIMIT);
	sodium_memzero(secret, sizeof secret);
	if (rc != 0)
		return -1;
	ready = 1;
	return 0;
}

/* ---- passwords and names ---- */

int auth_password_ok(const char *password)
{
	if (!password)
		return 0;
	size_t n = strnlen(password, AUTH_PW_MAX + 1);
	return n >= AUTH_PW_MIN && n <= AUTH_PW_MAX &&
	       http_utf8_valid(password, n);
}

int auth_name_ok(const char *name)
{
	if (!name || !*name)
		return 0;
	size_t n = strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-");
	return name[n] == '\0' && n <= AUTH_NAME_MAX;
}

int auth_hash_password(char out[DB_AUTH_PWHASH_MAX], const char *password)
{
	if (sodium_init() < 0)
		return -1;
	return crypto_pwhash_str(out, password, strlen(password),
				 AUTH_PW_OPSLIMIT, AUTH_PW_MEMLIMIT) == 0 ? 0 : -1;
}

int auth_verify_password(const char *pwhash, const char *password)
{
	if (sodium_init() < 0)
		return 0;
	return crypto_pwhash_str_verify(pwhash, password, strlen(password)) == 0;
}

/* ---- throttling ---- */

/* The key failures are counted under.  An IPv6 client gets a /64 (RFC
 * 4291 2.5.4: interface ids are 64 bits, and a host can pick any of them);
 * an IPv4-mapped address counts as the IPv4 address it is. */
static void addr_key(const char *addr, char out[ADDR_KEY_MAX])
{
	struct in6_addr a6;

	if (addr && strchr(addr, ':') && inet_pton(AF_INET6, addr, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			inet_ntop(AF_INET, a6.s6_addr + 12, out, ADDR_KEY_MAX);
			return;
		}
		memset(a6.s6_addr + 8, 0, 8);
		inet_ntop(AF_INET6, &a6, out, ADDR_KEY_MAX - 3);
		strcat(out, "/64");
		return;
	}
	snprintf(out, ADDR_KEY_MAX, "%.64s", addr ? addr : "");
}

/* Seconds until a failure at `at` leaves a window of `window` seconds. */
static long leave_wait(time_t at, time_t now, int window)
{
	long wait = (long)(at + window - now);
	return wait < 1 ? 1 : wait > window ? window : wait;
}

/* Seconds until the n-th newest failure in the window leaves it; 0 when
 * there are fewer than n; -1 on error. */
static long window_wait(enum db_result (*nth)(const char *, time_t, int, time_t *),
			const char *key, time_t now, int window, int n)
{
	time_t at;
	enum db_result r = nth(key, now - window, n, &at);
	if (r != DB_FOUND)
		return r == DB_MISSING ? 0 : -1;
	return leave_wait(at, now, window);
}

/* The per-name rule: 0 unless the name is under attack and this address
 * has failed on it AUTH_PAIR_FAILURES times; then the wait.  -1 error. */
static long pair_wait(const char *key, const char *name, time_t now)
{
	time_t at;
	enum db_result r = db_auth_failure_nth_name(name, now - AUTH_NAME_WINDOW,
						    AUTH_NAME_FAILURES, &at);
	if (r == DB_FOUND)
		r = db_auth_failure_nth_pair(key, name, now - AUTH_NAME_WINDOW,
					     AUTH_PAIR_FAILURES, &at);
	if (r != DB_FOUND)
		return r == DB_MISSING ? 0 : -1;
	return leave_wait(at, now, AUTH_NAME_WINDOW);
}

/* Seconds the client must wait before trying again (0: go ahead), -1. */
static long throttle_wait(const char *key, const char *name, time_t now)
{
	long a = window_wait(db_auth_failure_nth_addr, key, now,
			     AUTH_ADDR_WINDOW, AUTH_ADDR_FAILURES);
	if (a != 0)
		return a;
	return pair_wait(key, name, now);
}

/* Record a failure; the delay of its answer into *delay_ms.  0 or -1. */
static int record_failure(const char *key, const char *name, time_t now,
			  int *delay_ms)
{
	if (db_auth_failure_add(key, name, now) < 0 ||
	    db_auth_failure_prune(now - AUTH_FAILURE_KEEP) < 0)
		return -1;
	int n = db_auth_failure_count_addr(key, now - AUTH_ADDR_WINDOW);
	if (n < 0)
		return -1;
	long ms = (long)n * AUTH_DELAY_STEP_MS;
	*delay_ms = (int)(ms > AUTH_DELAY_MAX_MS ? AUTH_DELAY_MAX_MS : ms);
	return 0;
}

/* ---- sessions ---- */

/* out: AUTH_TOKEN_SIZE bytes, raw: AUTH_TOKEN_BYTES (plain pointers: GCC's
 * -Wstringop-overflow misreads array parameters under -fsanitize). */
static void new_token(char *out, unsigned char *raw)
{
	randombytes_buf(raw, AUTH_TOKEN_BYTES);
	sodium_bin2base64(out, AUTH_TOKEN_SIZE, raw, AUTH_TOKEN_BYTES, B64URL);
}

static int token_chars_ok(const char *s, size_t n)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		"abcdefghijklmnopqrstuvwxyz0123456789-_";
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(alphabet, s[i]))
			return 0;
	return 1;
}

/* The stored form of a session id: crypto_generichash of its 32 bytes.
 * -1 if id is not a well-formed session id. */
static int id_hash(const char *id, unsigned char hash[DB_AUTH_HASH_BYTES])
{
	unsigned char raw[AUTH_TOKEN_BYTES];
	size_t rawlen;
	const char *end;

	if (!id || strnlen(id, AUTH_TOKEN_SIZE) != AUTH_TOKEN_LEN)
		return -1;
	if (sodium_base642bin(raw, sizeof raw, id, AUTH_TOKEN_LEN, NULL,
			      &rawlen, &end, B64URL) != 0 ||
	    rawlen != sizeof raw || end != id + AUTH_TOKEN_LEN)
		return -1;
	crypto_generichash(hash, DB_AUTH_HASH_BYTES, raw, sizeof raw, NULL, 0);
	sodium_memzero(raw, sizeof raw);
	return 0;
}

static int session_start(const struct db_auth_admin *a, time_t now,
			 struct auth_session *out)
{
	unsigned char raw[AUTH_TOKEN_BYTES], hash[DB_AUTH_HASH_BYTES];

	memset(out, 0, sizeof *out);
	new_token(out->id, raw);
	crypto_generichash(hash, sizeof hash, raw, sizeof raw, NULL, 0);
	new_token(out->csrf, raw);
	sodium_memzero(raw, sizeof raw);
	/* Expired sessions of anyone go now: log-ins are rare, and this keeps
	 * the table small without a timer. */
	if (db_auth_session_prune(now - AUTH_IDLE_SECONDS, now - AUTH_MAX_SECONDS) < 0 ||
	    db_auth_session_add(hash, a->id, out->csrf, now) < 0) {
		memset(out, 0, sizeof *out);
		return -1;
	}
	out->admin_id = a->id;
	snprintf(out->admin, sizeof out->admin, "%s", a->name);
	out->created_at = out->seen_at = now;
	return 0;
}

/* A stored hash made with other costs than AUTH_PW_* is redone now that
 * the password is at hand.  Failing that only logs. */
static void rehash_if_needed(const struct db_auth_admin *a, const char *password)
{
	char fresh[DB_AUTH_PWHASH_MAX];

	if (crypto_pwhash_str_needs_rehash(a->pwhash, AUTH_PW_OPSLIMIT,
					   AUTH_PW_MEMLIMIT) == 0)
		return;
	if (auth_hash_password(fresh, password) < 0 ||
	    db_auth_user_passwd(a->name, fresh) == DB_FAILED)
		fprintf(stderr, "auth: could not rehash the password of %s\n", a->name);
}

/* Name and password against the admin table; the dummy hash stands in for
 * an unknown name.  1 match (*a filled), 0 no, -1 error. */
static int credentials_ok(const char *name, const char *password,
			  struct db_auth_admin *a)
{
	int found = 0;

	if (auth_name_ok(name)) {
		enum db_result r = db_auth_user_get(name, a);
		if (r == DB_FAILED)
			return -1;
		found = r == DB_FOUND;
	}
	/* Longer than any password we set: no match, and no hashing of a
	 * huge input. */
	if (strnlen(password, AUTH_PW_MAX + 1) > AUTH_PW_MAX)
		return 0;
	int match = crypto_pwhash_str_verify(found ? a->pwhash : dummy_hash,
					     password, strlen(password)) == 0;
	return found && match;
}

/* The audit log's entry of a failed log-in: by nobody yet, on the account
 * typed (the name is shown escaped like any other text). */
static void audit_failure(const char *who, const char *addr, time_t now)
{
	char object[AUTH_NAME_MAX + 8], from[ADDR_KEY_MAX];
	snprintf(object, sizeof object, "admin %s", who);
	snprintf(from, sizeof from, "from %.64s", addr ? addr : "");
	if (db_auth_audit("-", "login failed", object, from, now) < 0)
		fprintf(stderr, "auth: failed log-in not audited\n");
}

enum auth_result auth_login(const char *name, const char *password,
			    const char *addr, time_t now,
			    struct auth_session *out)
{
	char key[ADDR_KEY_MAX], who[AUTH_NAME_MAX + 1];
	struct db_auth_admin a;

	memset(out, 0, sizeof *out);
	if (auth_init() < 0)
		return AUTH_ERROR;
	addr_key(addr, key);
	/* Failures are counted under at most AUTH_NAME_MAX bytes of the name
	 * typed: no name longer than that exists, and rows stay small. */
	snprintf(who, sizeof who, "%s", name ? name : "");
	long wait = throttle_wait(key, who, now);
	if (wait < 0)
		return AUTH_ERROR;
	if (wait > 0) {
		out->retry_after = (int)wait;
		return AUTH_THROTTLED;
	}
	int ok = credentials_ok(name ? name : "", password ? password : "", &a);
	if (ok < 0)
		return AUTH_ERROR;
	if (!ok) {
		audit_failure(who, addr, now);
		return record_failure(key, who, now, &out->delay_ms) < 0 ?
		       AUTH_ERROR : AUTH_BAD_CREDENTIALS;
	}
	rehash_if_needed(&a, password);
	if (session_start(&a, now, out) < 0)
		return AUTH_ERROR;
	char object[AUTH_NAME_MAX + 8], from[ADDR_KEY_MAX];
	snprintf(object, sizeof object, "admin %s", a.name);
	snprintf(from, sizeof from, "%.64s", addr ? addr : "");
	if (db_auth_audit(a.name, "login", object, from, now) < 0)
		fprintf(stderr, "auth: log-in of %s not audited\n", a.name);
	return AUTH_OK;
}

/* The stored row of a session id, read only.  1 valid (row filled),
 * 0 malformed or unknown, 2 expired (AUTH_IDLE_SECONDS idle or older than
 * AUTH_MAX_SECONDS), -1 error.  hash: the id's stored form. */
static int session_read(const char *cookie_value, time_t now,
			unsigned char hash[DB_AUTH_HASH_BYTES],
			struct db_auth_session *row)
{
	if (sodium_init() < 0)
		return -1;
	if (id_hash(cookie_value, hash) < 0)
		return 0;
	enum db_result r = db_auth_session_get(hash, row);
	if (r != DB_FOUND)
		return r == DB_MISSING ? 0 : -1;
	if (strlen(row->csrf) != AUTH_TOKEN_LEN)
		return 0;
	if (now - row->seen_at >= AUTH_IDLE_SECONDS ||
	    now - row->created_at >= AUTH_MAX_SECONDS)
		return 2;
	return 1;
}

/* auth_session_check (writes 1) and auth_session_peek (writes 0: no
 * touch, an expired session is only refused). */
static int session_validate(const char *cookie_value, time_t now,
			    struct auth_session *out, int writes)
{
	unsigned char hash[DB_AUTH_HASH_BYTES];
	struct db_auth_session row;

	memset(out, 0, sizeof *out);
	int rc = session_read(cookie_value, now, hash, &row);
	if (rc == 2)
		return writes && db_auth_session_expire(hash) < 0 ? -1 : 0;
	if (rc != 1)
		return rc;
	/* The touch is the only write a read-only page would make: it never
	 * waits for another writer (a long save must not turn a page view into
	 * a 500), and a skipped touch is simply made at the next request. */
	if (writes && now - row.seen_at >= AUTH_SEEN_STEP) {
		int t = db_auth_session_touch(hash, now);
		if (t < 0)
			return -1;
		if (t == 0)
			row.seen_at = now;
	}
	out->admin_id = row.admin_id;
	snprintf(out->admin, sizeof out->admin, "%s", row.admin);
	snprintf(out->id, sizeof out->id, "%s", cookie_value);
	/* Only auth_login writes csrf, always AUTH_TOKEN_LEN long. */
	memcpy(out->csrf, row.csrf, AUTH_TOKEN_LEN);
	out->csrf[AUTH_TOKEN_LEN] = '\0';
	out->created_at = row.created_at;
	out->seen_at = row.seen_at;
	return 1;
}

int auth_session_check(const char *cookie_value, time_t now,
		       struct auth_session *out)
{
	return session_validate(cookie_value, now, out, 1);
}

int auth_session_peek(const char *cookie_value, time_t now,
		      struct auth_session *out)
{
	return session_validate(cookie_value, now, out, 0);
}

int auth_logout(const struct auth_session *s, time_t now)
{
	unsigned char hash[DB_AUTH_HASH_BYTES];

	if (sodium_init() < 0)
		return -1;
	if (!s || id_hash(s->id, hash) < 0)
		return 0;
	enum db_result r = db_auth_session_del(hash);
	if (r == DB_FOUND) {
		char object[AUTH_NAME_MAX + 8];
		snprintf(object, sizeof object, "admin %s", s->admin);
		if (db_auth_audit(s->admin, "logout", object, "", now) < 0)
			fprintf(stderr, "auth: log-out of %s not audited\n", s->admin);
	}
	return r == DB_FAILED ? -1 : r == DB_FOUND;
}

/* ---- cookies ---- */

int auth_cookie_get(const char *header, char out[AUTH_TOKEN_SIZE])
{
	static const char name[] = AUTH_COOKIE_NAME "=";
	const size_t nlen = sizeof name - 1;

	out[0] = '\0';
	for (const char *p = header; p && *p;) {
		while (*p == ' ' || *p == '\t' || *p == ';')
			p++;
		size_t pair = strcspn(p, ";");
		/* The first well-formed one wins; the __Host- prefix keeps
		 * others from setting a second one (RFC 6265bis 4.1.3.2). */
		if (pair >= nlen && memcmp(p, name, nlen) == 0) {
			size_t vlen = pair - nlen;
			while (vlen && (p[nlen + vlen - 1] == ' ' || p[nlen + vlen - 1] == '\t'))
				vlen--;
			if (vlen == AUTH_TOKEN_LEN && token_chars_ok(p + nlen, vlen)) {
				memcpy(out, p + nlen, vlen);
				out[vlen] = '\0';
				return 1;
			}
		}
		p += pair;
	}
	return 0;
}

#define COOKIE_ATTRS "; Secure; HttpOnly; SameSite=Strict; Path=/"

int auth_cookie_set(char buf[AUTH_COOKIE_MAX], const char *id)
{
	buf[0] = '\0';
	if (!id || strnlen(id, AUTH_TOKEN_SIZE) != AUTH_TOKEN_LEN ||
	    !token_chars_ok(id, AUTH_TOKEN_LEN))
		return -1;
	snprintf(buf, AUTH_COOKIE_MAX, "%s=%s" COOKIE_ATTRS, AUTH_COOKIE_NAME, id);
	return 0;
}

void auth_cookie_clear(char buf[AUTH_COOKIE_MAX])
{
	snprintf(buf, AUTH_COOKIE_MAX, "%s=" COOKIE_ATTRS "; Max-Age=0",
		 AUTH_COOKIE_NAME);
}

/* ---- cross-site request forgery ---- */

int auth_csrf_ok(const struct auth_session *s, const char *token)
{
	if (!s || !token)
		return 0;
	size_t n = strnlen(token, AUTH_TOKEN_SIZE);
	/* Lengths first: sodium_memcmp compares a fixed count of bytes, and
	 * an empty stored token must never match an empty field. */
	if (n != AUTH_TOKEN_LEN || strnlen(s->csrf, AUTH_TOKEN_SIZE) != n)
		return 0;
	return sodium_memcmp(s->csrf, token, n) == 0;
}

/* Host as a browser sends it: a name or [v6] literal, optional port. */
static int host_ok(const char *host)
{
	if (!host || !*host || strlen(host) > 255)
		return 0;
	return host[strspn(host, "abcdefghijklmnopqrstuvwxyz"
			   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")] == '\0';
}

/* Origin (RFC 6454 6.1, serialised "scheme://host[:port]") against the
 * scheme and Host of this request.  Browsers leave the default port out of
 * both, so an exact comparison is right; hosts compare without case. */
static int origin_matches(const char *origin, const char *host, const char *scheme)
{
	if (!scheme || (strcmp(scheme, "https") && strcmp(scheme, "http")) ||
	    !host_ok(host))
		return 0;
	size_t sl = strlen(scheme), hl = strlen(host);
	return strlen(origin) == sl + 3 + hl &&
	       strncasecmp(origin, scheme, sl) == 0 &&
	       memcmp(origin + sl, "://", 3) == 0 &&
	       strncasecmp(origin + sl + 3, host, hl) == 0;
}

int auth_origin_ok(const char *origin, const char *sec_fetch_site,
		   const char *host, const char *scheme)
{
	if (!origin && !sec_fetch_site)
		return 0;
	if (sec_fetch_site && strcmp(sec_fetch_site, "same-origin") != 0)
		return 0;
	if (origin && !origin_matches(origin, host, scheme))
		return 0;
	return 1;
}

/* ---- admin accounts ---- */

enum auth_user_result auth_user_add(const char *name, const char *password)
{
	char hash[DB_AUTH_PWHASH_MAX];

	if (!auth_name_ok(name))
		return AUTH_USER_BAD_NAME;
	if (!auth_password_ok(password))
		return AUTH_USER_BAD_PASSWORD;
	if (auth_hash_password(hash, password) < 0)
		return AUTH_USER_ERROR;
	switch (db_auth_user_add(name, hash, time(NULL))) {
	case 0: return AUTH_USER_OK;
	case 1: return AUTH_USER_EXISTS;
	default: return AUTH_USER_ERROR;
	}
}

enum auth_user_result auth_user_passwd(const char *name, const char *password)
{
	char hash[DB_AUTH_PWHASH_MAX];
	struct db_auth_admin a;

	if (!auth_name_ok(name))
		return AUTH_USER_BAD_NAME;
	if (!auth_password_ok(password))
		return AUTH_USER_BAD_PASSWORD;
	enum db_result r = db_auth_user_get(name, &a);
	if (r != DB_FOUND)
		return r == DB_FAILED ? AUTH_USER_ERROR : AUTH_USER_NOT_FOUND;
	if (auth_hash_password(hash, password) < 0)
		return AUTH_USER_ERROR;
	if (db_auth_user_passwd(name, hash) != DB_FOUND ||
	    db_auth_session_del_admin(a.id) < 0)
		return AUTH_USER_ERROR;
	return AUTH_USER_OK;
}

enum auth_user_result auth_user_del(const char *name)
{
	if (!auth_name_ok(name))
		return AUTH_USER_BAD_NAME;
	switch (db_auth_user_del(name)) {
	case DB_FOUND: return AUTH_USER_OK;
	case DB_MISSING: return AUTH_USER_NOT_FOUND;
	default: return AUTH_USER_ERROR;
	}
}

enum auth_user_result auth_password_change(const struct auth_session *s,
					   const char *current, const char *fresh)
{
	char hash[DB_AUTH_PWHASH_MAX];
	unsigned char keep[DB_AUTH_HASH_BYTES];
	struct db_auth_admin a;
	if (!s || id_hash(s->id, keep) < 0)
		return AUTH_USER_ERROR;
	enum db_result r = db_auth_user_get(s->admin, &a);
	if (r != DB_FOUND)
		return r == DB_MISSING ? AUTH_USER_NOT_FOUND : AUTH_USER_ERROR;
	if (!current || strnlen(current, AUTH_PW_MAX + 1) > AUTH_PW_MAX ||
	    !auth_verify_password(a.pwhash, current))
		return AUTH_USER_WRONG_PASSWORD;
	if (!auth_password_ok(fresh))
		return AUTH_USER_BAD_PASSWORD;
	if (auth_hash_password(hash, fresh) < 0)
		return AUTH_USER_ERROR;
	if (db_auth_user_passwd(a.name, hash) != DB_FOUND ||
	    db_auth_session_del_others(a.id, keep) < 0)
		return AUTH_USER_ERROR;
	return AUTH_USER_OK;
}

enum auth_user_result auth_user_remove(const char *name)
{
	int n = db_auth_user_count();
	if (n < 0)
		return AUTH_USER_ERROR;
	if (n <= 1)
		return AUTH_USER_LAST;
	return auth_user_del(name);
}

const char *auth_user_strerror(enum auth_user_result r)
{
	switch (r) {
	case AUTH_USER_OK: return "done";
	case AUTH_USER_BAD_NAME:
		return "a name is 1 to 64 characters of a-z, 0-9, '.', '_' and '-'";
	case AUTH_USER_BAD_PASSWORD:
		return "a password is 12 to 1024 bytes of UTF-8 text";
	case AUTH_USER_EXISTS: return "that name is taken";
	case AUTH_USER_NOT_FOUND: return "no such admin";
	case AUTH_USER_WRONG_PASSWORD: return "the current password is wrong";
	case AUTH_USER_LAST: return "the last admin cannot be removed";
	case AUTH_USER_ERROR: break;
	}
	return "database or hashing error";
}

/* ---- reading a password on the command line ---- */

/* One byte at a time with read(2): nothing past the line is consumed, and
 * no copy of the password stays in a stdio buffer. */
static long read_line(int fd, char *buf, size_t bufsz)
{
	size_t n = 0;
	int bad = 0, any = 0;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		any = 1;
		if (c == '\n')
			break;
		if (c == '\0' || n + 1 >= bufsz)
			bad = 1;
		else
			buf[n++] = c;
	}
	if (n && buf[n - 1] == '\r')
		n--;
	if (bufsz)
		buf[n] = '\0';
	if (bad || !any) {
		sodium_memzero(buf, bufsz);
		return -1;
	}
	return (long)n;
}

long auth_read_password(const char *prompt, char *buf, size_t bufsz)
{
	struct termios old, quiet;
	int fd = STDIN_FILENO;

	if (!buf || bufsz == 0)
		return -1;
	if (!isatty(fd) || tcgetattr(fd, &old) != 0)
		return read_line(fd, buf, bufsz);
	fputs(prompt ? prompt : "Password: ", stderr);
	fflush(stderr);
	quiet = old;
	/* No echo, but still echo the newline so the next output starts on a
	 * fresh line. */
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
		return -1;
	long n = read_line(fd, buf, bufsz);
	tcsetattr(fd, TCSAFLUSH, &old);
	return n;
}

/* ---- a request's credentials ---- */

/* The scheme the client used: nginx passes REQUEST_SCHEME; other servers
 * set HTTPS=on (RFC 3875 leaves both to the server). */
static const char *request_scheme(const struct http_req *r)
{
	const char *s = http_param(r, "REQUEST_SCHEME");
	if (s && (strcmp(s, "https") == 0 || strcmp(s, "http") == 0))
		return s;
	s = http_param(r, "HTTPS");
	return s && strcasecmp(s, "on") == 0 ? "https" : "http";
}

int auth_request_session(const struct http_req *r, time_t now,
			 struct auth_session *s, int *had_cookie)
{
	char id[AUTH_TOKEN_SIZE];
	int found = auth_cookie_get(http_header(r, "Cookie"), id);
	if (had_cookie)
		*had_cookie = found;
	memset(s, 0, sizeof *s);
	if (!found)
		return 0;
	return auth_session_check(id, now, s);
}

int auth_request_origin_ok(const struct http_req *r)
{
	return auth_origin_ok(http_header(r, "Origin"), http_header(r, "Sec-Fetch-Site"),
			      http_header(r, "Host"), request_scheme(r));
}

int auth_gate(const struct http_req *r, int need_session, time_t now,
	      struct auth_session *s, const char **msg)
{
	/* A forged cross-site form carries a foreign Origin (or
	 * Sec-Fetch-Site: cross-site): refused before its body is read. */
	if (!auth_request_origin_ok(r)) {
		*msg = "The form was not sent from this site's own pages.";
		return 403;
	}
	if (!need_session)
		return 0;
	int rc = auth_request_session(r, now, s, NULL);
	if (rc < 0) {
		*msg = "The session could not be checked.";
		return 500;
	}
	if (rc == 0) {
		*msg = "You are not logged in, or your session has expired. "
		       "Please log in again.";
		return 403;
	}
	return 0;
}
