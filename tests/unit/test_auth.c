/* Tests for lib/auth.c and lib/db_auth.c against a fresh database made
 * from schema.sql ($SITE_SCHEMA, else ./schema.sql). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "db.h"
#include "db_auth.h"
#include "tmpl.h"
#include "testdb.h"

#define T0 ((time_t)1700000000)
#define NAME "alice"
#define PASS "correct horse battery"
#define ADDR "192.0.2.7"

static char dir[] = "/tmp/test_auth.XXXXXX";
static char dbpath[sizeof dir + 16];
/* Hashing is slow on purpose: alice's hash is made once, in group_setup. */
static char alice_hash[DB_AUTH_PWHASH_MAX];

/* ---- fixtures ---- */

static int group_setup(void **state)
{
	(void)state;
	if (testdb_create(dir, dbpath, sizeof dbpath, NULL) < 0)
		return -1;
	if (db_open(dbpath, DB_READWRITE) < 0 || auth_init() < 0 ||
	    auth_hash_password(alice_hash, PASS) < 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	char path[sizeof dbpath + 8];
	db_close();
	const char *suffix[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s%s", dbpath, suffix[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

static int wipe(void **state)
{
	(void)state;
	return sqlite3_exec(db_handle(),
		"DELETE FROM session; DELETE FROM login_failure;"
		" DELETE FROM audit; DELETE FROM admin;", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static long long count(const char *sql)
{
	sqlite3_stmt *st;
	long long n = -1;
	if (sqlite3_prepare_v2(db_handle(), sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void add_alice(void)
{
	assert_int_equal(db_auth_user_add(NAME, alice_hash, T0), 0);
}

static void login_ok(time_t now, struct auth_session *s)
{
	assert_int_equal(auth_login(NAME, PASS, ADDR, now, s), AUTH_OK);
}

/* ---- passwords ---- */

static void test_hash_verify(void **state)
{
	(void)state;
	char hash[DB_AUTH_PWHASH_MAX];
	assert_int_equal(auth_hash_password(hash, PASS), 0);
	assert_non_null(strstr(hash, "$argon2id$"));
	assert_non_null(strstr(hash, "m=65536,t=3,"));
	assert_true(auth_verify_password(hash, PASS));
}

static void test_verify_wrong_password(void **state)
{
	(void)state;
	char hash[DB_AUTH_PWHASH_MAX];
	assert_int_equal(auth_hash_password(hash, PASS), 0);
	assert_false(auth_verify_password(hash, "correct horse batterY"));
	assert_false(auth_verify_password(hash, ""));
}

static void test_password_policy(void **state)
{
	(void)state;
	char big[AUTH_PW_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_false(auth_password_ok(big));               /* 1025 bytes */
	big[AUTH_PW_MAX] = '\0';
	assert_true(auth_password_ok(big));                /* 1024 */
	assert_false(auth_password_ok(NULL));
	assert_false(auth_password_ok("elevenbytes"));     /* 11 */
	assert_true(auth_password_ok("twelve bytes"));     /* 12 */
	assert_true(auth_password_ok("\xc3\xa4\xc3\xb6\xc3\xbc\xc3\x9f\xe2\x82\xac\xf0\x9f\x94\x91"));
	assert_false(auth_password_ok("password1234\xff"));            /* not UTF-8 */
	assert_false(auth_password_ok("password1234\xc0\xaf"));        /* overlong */
	assert_false(auth_password_ok("password1234\xed\xa0\x80"));    /* surrogate */
	assert_false(auth_password_ok("password1234\xf4\x90\x80\x80")); /* > U+10FFFF */
	assert_false(auth_password_ok("password1234\xe2\x82"));        /* cut short */
}

static void test_name_policy(void **state)
{
	(void)state;
	char n64[66];
	memset(n64, 'a', 64);
	n64[64] = '\0';
	assert_true(auth_name_ok(n64));
	n64[64] = 'a', n64[65] = '\0';
	assert_false(auth_name_ok(n64));
	assert_true(auth_name_ok("a"));
	assert_true(auth_name_ok("jo.doe_2-x"));
	assert_false(auth_name_ok(""));
	assert_false(auth_name_ok(NULL));
	assert_false(auth_name_ok("Alice"));
	assert_false(auth_name_ok("al ice"));
	assert_false(auth_name_ok("al/ice"));
	assert_int_equal(auth_user_add("Alice", PASS), AUTH_USER_BAD_NAME);
	assert_int_equal(auth_user_add("bob", "short"), AUTH_USER_BAD_PASSWORD);
	assert_int_equal(count("SELECT count(*) FROM admin"), 0);
}

/* ---- log-in ---- */

static void test_login_ok(void **state)
{
	(void)state;
	struct auth_session s;
	add_alice();
	login_ok(T0, &s);
	assert_string_equal(s.admin, NAME);
	assert_int_equal(strlen(s.id), AUTH_TOKEN_LEN);
	assert_int_equal(strlen(s.csrf), AUTH_TOKEN_LEN);
	assert_int_equal(s.created_at, T0);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'login'"
			       " AND admin = 'alice' AND detail = '192.0.2.7'"), 1);
}

static void test_login_wrong_password(void **state)
{
	(void)state;
	struct auth_session s;
	add_alice();
	assert_int_equal(auth_login(NAME, "wrong horse battery", ADDR, T0, &s),
			 AUTH_BAD_CREDENTIALS);
	assert_string_equal(s.id, "");
	assert_int_equal(count("SELECT count(*) FROM session"), 0);
	assert_int_equal(count("SELECT count(*) FROM login_failure"
			       " WHERE addr = '192.0.2.7' AND name = 'alice'"), 1);
}

/* Every check of a password against a hash goes through here (the
 * Makefile links test_auth with --wrap=crypto_pwhash_str_verify): how
 * many, and the parameters of the last hash ("$argon2id$v=19$m=...,t=...,
 * p=...$"), which set its cost. */
static int verify_calls;
static char verify_params[64];

int __real_crypto_pwhash_str_verify(const char *str, const char *passwd,
				    unsigned long long passwdlen);
int __wrap_crypto_pwhash_str_verify(const char *str, const char *passwd,
				    unsigned long long passwdlen);
int __wrap_crypto_pwhash_str_verify(const char *str, const char *passwd,
				    unsigned long long passwdlen)
{
	/* Up to the last two '$': before the salt and the hash itself. */
	size_t cut = 0, seen = 0;
	for (size_t i = strlen(str); i > 0 && seen < 2; i--)
		if (str[i - 1] == '$' && ++seen == 2)
			cut = i - 1;
	verify_calls++;
	snprintf(verify_params, sizeof verify_params, "%.*s", (int)cut, str);
	return __real_crypto_pwhash_str_verify(str, passwd, passwdlen);
}

/* A log-in with a wrong password: the hash checks it made, and the
 * parameters of the one it checked against. */
static int verifies(const char *name, char params[64])
{
	struct auth_session s;
	verify_calls = 0;
	verify_params[0] = '\0';
	assert_int_equal(auth_login(name, "wrong horse battery", ADDR, T0, &s),
			 AUTH_BAD_CREDENTIALS);
	snprintf(params, 64, "%s", verify_params);
	return verify_calls;
}

/* Same answer, a failure recorded, and the same work: an unknown name
 * is checked against a hash of the same algorithm and cost as a real
 * account's (no user enumeration by timing, ASVS 2.2.1) - counted, not
 * timed, so a busy machine cannot fail it. */
static void test_unknown_user_same_result(void **state)
{
	(void)state;
	char known[64], unknown[64];
	add_alice();
	assert_int_equal(verifies(NAME, known), 1);
	assert_int_equal(verifies("mallory", unknown), 1);
	assert_non_null(strstr(known, "$argon2id$"));
	assert_string_equal(unknown, known);
	assert_int_equal(count("SELECT count(*) FROM login_failure WHERE name = 'mallory'"), 1);
}

static void test_rehash_on_login(void **state)
{
	(void)state;
	struct auth_session s;
	char weak[crypto_pwhash_STRBYTES];
	assert_int_equal(crypto_pwhash_str(weak, PASS, strlen(PASS), 2, 19u << 20), 0);
	assert_int_equal(db_auth_user_add(NAME, weak, T0), 0);
	login_ok(T0, &s);
	assert_int_equal(count("SELECT count(*) FROM admin WHERE pwhash LIKE '%m=65536,t=3,%'"), 1);
	login_ok(T0 + 1, &s);
}

/* ---- throttling ---- */

static void test_throttle_11th_per_address(void **state)
{
	(void)state;
	struct auth_session s;
	add_alice();
	for (int i = 0; i < AUTH_ADDR_FAILURES; i++)
		assert_int_equal(auth_login(NAME, "wrong horse battery", ADDR, T0 + i, &s),
				 AUTH_BAD_CREDENTIALS);
	/* The right password does not help: throttling comes first. */
	assert_int_equal(auth_login(NAME, PASS, ADDR, T0 + 10, &s), AUTH_THROTTLED);
	/* Another address is not affected. */
	assert_int_equal(auth_login(NAME, PASS, "192.0.2.8", T0 + 10, &s), AUTH_OK);
}

static void test_throttle_ignores_failures_older_than_a_minute(void **state)
{
	(void)state;
	struct auth_session s;
	add_alice();
	for (int i = 0; i < AUTH_ADDR_FAILURES; i++)
		assert_int_equal(db_auth_failure_add(ADDR, "x", T0), 0);
	assert_int_equal(auth_login(NAME, PASS, ADDR, T0 + 59, &s), AUTH_THROTTLED);
	assert_int_equal(auth_login(NAME, PASS, ADDR, T0 + 60, &s), AUTH_OK);
}

static void test_throttle_retry_after(void **state)
{
	(void)state;
	struct auth_session s;
	/* Failures at T0 .. T0+9: the count drops below ten when the one at T0
	 * leaves the window, at T0+60. */
	for (int i = 0; i < AUTH_ADDR_FAILURES; i++)
		assert_int_equal(db_auth_failure_add(ADDR, "x", T0 + i), 0);
	assert_int_equal(auth_login(NAME, PASS, ADDR, T0 + 20, &s), AUTH_THROTTLED);
	assert_int_equal(s.retry_after, 40);
	/* A throttled attempt is not counted: the wait does not grow. */
	assert_int_equal(auth_login(NAME, PASS, ADDR, T0 + 30, &s), AUTH_THROTTLED);
	assert_int_equal(s.retry_after, 30);
}

/* Failures on "alice" from many addresses (a first-release per-name block
 * refused her right password from anywhere for an hour). */
static void add_name_failures(int n, time_t at)
{
	char addr[32];
	for (int i = 0; i < n; i++) {
		snprintf(addr, sizeof addr, "198.51.100.%d", i % 250);
		assert_int_equal(db_auth_failure_add(addr, NAME, at + i / 250), 0);
	}
}

static void test_throttle_failures_elsewhere_never_block_a_clean_address(void **state)
{
	(void)state;
	struct auth_session s;
	add_alice();
	add_name_failures(1000, T0);
	assert_int_equal(auth_login(NAME, PASS, ADDR, T0 + 10, &s), AUTH_OK);
}

static void test_throttle_name_under_attack_limits_each_failing_address(void **state)
{
	(void)state;
	struct auth_session s;
	add_alice();
	add_name_failures(AUTH_NAME_FAILURES, T0);
	for (int i = 0; i < AUTH_PAIR_FAILURES; i++)
		assert_int_equal(auth_login(NAME, "wrong horse battery", ADDR, T0 + 100 + i, &s),
				 AUTH_BAD_CREDENTIALS);
	assert_int_equal(auth_login(NAME, PASS, ADDR, T0 + 1000, &s), AUTH_THROTTLED);
	/* Until its oldest failure on the name leaves the hour. */
	assert_int_equal(s.retry_after, 100 + AUTH_NAME_WINDOW - 1000);
	/* Other names from it, and the name from a clean address, go on. */
	assert_int_equal(auth_login("bob", "wrong horse battery", ADDR, T0 + 1000, &s),
			 AUTH_BAD_CREDENTIALS);
	assert_int_equal(auth_login(NAME, PASS, "192.0.2.8", T0 + 1000, &s), AUTH_OK);
}

static void test_throttle_pair_rule_only_while_under_attack(void **state)
{
	(void)state;
	struct auth_session s;
	add_alice();
	/* A few typos by the admin: no attack, no block. */
	for (int i = 0; i < AUTH_PAIR_FAILURES + 1; i++)
		assert_int_equal(db_auth_failure_add(ADDR, NAME, T0), 0);
	assert_int_equal(auth_login(NAME, PASS, ADDR, T0 + 60, &s), AUTH_OK);
}

static void test_failure_delay_grows_per_address_and_is_capped(void **state)
{
	(void)state;
	struct auth_session s;
	int last = 0;
	for (int i = 1; i <= AUTH_ADDR_FAILURES; i++) {
		assert_int_equal(auth_login("nobody", "wrong horse battery", ADDR, T0, &s),
				 AUTH_BAD_CREDENTIALS);
		int want = i * AUTH_DELAY_STEP_MS;
		assert_int_equal(s.delay_ms, want > AUTH_DELAY_MAX_MS ? AUTH_DELAY_MAX_MS : want);
		assert_true(s.delay_ms >= last);
		last = s.delay_ms;
	}
	assert_int_equal(last, AUTH_DELAY_MAX_MS);
	/* Another address starts from one step; the right password from any
	 * address has none. */
	assert_int_equal(auth_login("nobody", "wrong horse battery", "192.0.2.8", T0, &s),
			 AUTH_BAD_CREDENTIALS);
	assert_int_equal(s.delay_ms, AUTH_DELAY_STEP_MS);
	add_alice();
	assert_int_equal(auth_login(NAME, PASS, "192.0.2.9", T0, &s), AUTH_OK);
	assert_int_equal(s.delay_ms, 0);
}

static void test_db_failure_pair_and_count(void **state)
{
	(void)state;
	time_t at;
	assert_int_equal(db_auth_failure_add(ADDR, NAME, T0), 0);
	assert_int_equal(db_auth_failure_add(ADDR, "bob", T0 + 1), 0);
	assert_int_equal(db_auth_failure_add(ADDR, NAME, T0 + 2), 0);
	assert_int_equal(db_auth_failure_add("192.0.2.8", NAME, T0 + 3), 0);
	assert_int_equal(db_auth_failure_nth_pair(ADDR, NAME, T0 - 1, 2, &at), DB_FOUND);
	assert_int_equal(at - T0, 0);
	assert_int_equal(db_auth_failure_nth_pair(ADDR, NAME, T0 - 1, 3, &at), DB_MISSING);
	assert_int_equal(db_auth_failure_nth_pair(ADDR, NAME, T0, 1, &at), DB_FOUND);
	assert_int_equal(at - T0, 2);
	assert_int_equal(db_auth_failure_count_addr(ADDR, T0 - 1), 3);
	assert_int_equal(db_auth_failure_count_addr(ADDR, T0), 2);
	assert_int_equal(db_auth_failure_count_addr("192.0.2.9", T0 - 1), 0);
}

/* Failures are counted per IPv6 /64; an IPv4-mapped address is IPv4. */
static void test_throttle_ipv6_counts_per_64(void **state)
{
	(void)state;
	struct auth_session s;
	const char *addrs[] = { "2001:db8:1:2::1", "2001:db8:1:2:ffff::9",
				"2001:db8:1:3::1", "::ffff:192.0.2.7" };
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(auth_login(NAME, "wrong horse battery", addrs[i], T0, &s),
				 AUTH_BAD_CREDENTIALS);
	assert_int_equal(count("SELECT count(*) FROM login_failure"
			       " WHERE addr = '2001:db8:1:2::/64'"), 2);
	assert_int_equal(count("SELECT count(*) FROM login_failure"
			       " WHERE addr = '2001:db8:1:3::/64'"), 1);
	assert_int_equal(count("SELECT count(*) FROM login_failure"
			       " WHERE addr = '192.0.2.7'"), 1);
	/* Eight more in the first /64 make ten: its 11th attempt waits. */
	for (int i = 0; i < AUTH_ADDR_FAILURES - 2; i++)
		assert_int_equal(db_auth_failure_add("2001:db8:1:2::/64", "x", T0), 0);
	assert_int_equal(auth_login(NAME, PASS, "2001:db8:1:2::77", T0, &s), AUTH_THROTTLED);
}

static void test_failures_pruned_after_an_hour(void **state)
{
	(void)state;
	struct auth_session s;
	assert_int_equal(db_auth_failure_add(ADDR, NAME, T0 - AUTH_FAILURE_KEEP), 0);
	assert_int_equal(db_auth_failure_add(ADDR, NAME, T0 - AUTH_FAILURE_KEEP + 1), 0);
	assert_int_equal(auth_login("nobody", "wrong horse battery", ADDR, T0, &s),
			 AUTH_BAD_CREDENTIALS);
	assert_int_equal(count("SELECT count(*) FROM login_failure"), 2);
	assert_int_equal(count("SELECT min(at) FROM login_failure") - T0,
			 1 - AUTH_FAILURE_KEEP);
}

/* ---- sessions ---- */

static void test_session_check(void **state)
{
	(void)state;
	struct auth_session s, c;
	add_alice();
	login_ok(T0, &s);
	assert_int_equal(auth_session_check(s.id, T0 + 30, &c), 1);
	assert_string_equal(c.admin, NAME);
	assert_string_equal(c.id, s.id);
	assert_string_equal(c.csrf, s.csrf);
	assert_int_equal(c.admin_id, s.admin_id);
	assert_int_equal(auth_session_check("", T0, &c), 0);
	assert_int_equal(auth_session_check(NULL, T0, &c), 0);
	/* Well-formed but unknown. */
	assert_int_equal(auth_session_check("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", T0, &c), 0);
}

/* The public programs' read: the same answers, nothing written - no touch,
 * and an expired session stays for the admin program to delete. */
static void test_session_peek_reads_only(void **state)
{
	(void)state;
	struct auth_session s, c;
	add_alice();
	login_ok(T0, &s);
	assert_int_equal(auth_session_peek(s.id, T0 + 120, &c), 1);
	assert_string_equal(c.admin, NAME);
	assert_int_equal(c.admin_id, s.admin_id);
	assert_int_equal(count("SELECT seen_at FROM session") - T0, 0);
	assert_int_equal(auth_session_peek(s.id, T0 + AUTH_IDLE_SECONDS, &c), 0);
	assert_int_equal(count("SELECT count(*) FROM session"), 1);
	assert_int_equal(auth_session_peek("", T0, &c), 0);
	assert_int_equal(auth_session_peek(NULL, T0, &c), 0);
	assert_int_equal(auth_session_peek("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", T0, &c), 0);
	/* One character changed: another id, another hash. */
	char other[AUTH_TOKEN_SIZE];
	memcpy(other, s.id, sizeof other);
	other[0] = other[0] == 'A' ? 'B' : 'A';
	assert_int_equal(auth_session_peek(other, T0 + 1, &c), 0);
}

/* On a read-only connection, as the public programs open the database. */
static void test_session_peek_on_a_read_only_connection(void **state)
{
	(void)state;
	struct auth_session s, c;
	add_alice();
	login_ok(T0, &s);
	db_close();
	assert_int_equal(db_open(dbpath, DB_READONLY), 0);
	int valid = auth_session_peek(s.id, T0 + 600, &c);
	int expired = auth_session_peek(s.id, T0 + AUTH_MAX_SECONDS, &c);
	db_close();
	assert_int_equal(db_open(dbpath, DB_READWRITE), 0);
	assert_int_equal(valid, 1);
	assert_int_equal(expired, 0);
}

static void test_session_seen_at_written_once_a_minute(void **state)
{
	(void)state;
	struct auth_session s, c;
	add_alice();
	login_ok(T0, &s);
	assert_int_equal(auth_session_check(s.id, T0 + 59, &c), 1);
	assert_int_equal(count("SELECT seen_at FROM session") - T0, 0);
	assert_int_equal(auth_session_check(s.id, T0 + 60, &c), 1);
	assert_int_equal(count("SELECT seen_at FROM session") - T0, 60);
	assert_int_equal(c.seen_at, T0 + 60);
}

/* Another connection holding the write lock (a long save): the check
 * still answers, and the touch is left for a later request. */
static void test_session_touch_skipped_while_locked(void **state)
{
	(void)state;
	struct auth_session s, c;
	sqlite3 *other;
	add_alice();
	login_ok(T0, &s);
	assert_int_equal(sqlite3_open(dbpath, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(auth_session_check(s.id, T0 + 60, &c), 1);
	assert_int_equal(c.seen_at, T0);
	/* An expired session is refused even when it cannot be deleted now. */
	assert_int_equal(auth_session_check(s.id, T0 + AUTH_IDLE_SECONDS, &c), 0);
	assert_int_equal(sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(count("SELECT seen_at FROM session") - T0, 0);
	assert_int_equal(auth_session_check(s.id, T0 + 61, &c), 1);
	assert_int_equal(count("SELECT seen_at FROM session") - T0, 61);
}

static void test_session_expires_idle(void **state)
{
	(void)state;
	struct auth_session s, c;
	add_alice();
	login_ok(T0, &s);
	assert_int_equal(auth_session_check(s.id, T0 + 1000, &c), 1);
	assert_int_equal(auth_session_check(s.id, T0 + 1000 + AUTH_IDLE_SECONDS - 1, &c), 1);
	assert_int_equal(auth_session_check(s.id, T0 + 1000 + 2 * AUTH_IDLE_SECONDS - 1, &c), 0);
	assert_int_equal(count("SELECT count(*) FROM session"), 0);
}

static void test_session_expires_absolute(void **state)
{
	(void)state;
	struct auth_session s, c;
	add_alice();
	login_ok(T0, &s);
	/* Busy all the time, yet the session ends after twelve hours. */
	time_t t;
	for (t = T0 + 600; t < T0 + AUTH_MAX_SECONDS; t += 600)
		assert_int_equal(auth_session_check(s.id, t, &c), 1);
	assert_int_equal(auth_session_check(s.id, T0 + AUTH_MAX_SECONDS, &c), 0);
	assert_int_equal(count("SELECT count(*) FROM session"), 0);
}

static void test_logout_deletes(void **state)
{
	(void)state;
	struct auth_session s, c;
	add_alice();
	login_ok(T0, &s);
	assert_int_equal(auth_logout(&s, T0 + 5), 1);
	assert_int_equal(count("SELECT count(*) FROM session"), 0);
	assert_int_equal(auth_session_check(s.id, T0 + 6, &c), 0);
	assert_int_equal(auth_logout(&s, T0 + 7), 0);
	assert_int_equal(count("SELECT count(*) FROM audit WHERE action = 'logout'"), 1);
}

/* The documented log-in flow: end the session the request came with, then
 * start a new one - never reuse an id. */
static void test_new_id_per_login(void **state)
{
	(void)state;
	struct auth_session first, second, c;
	add_alice();
	login_ok(T0, &first);
	assert_int_equal(auth_session_check(first.id, T0 + 1, &c), 1);
	assert_int_equal(auth_logout(&c, T0 + 2), 1);
	login_ok(T0 + 2, &second);
	assert_string_not_equal(first.id, second.id);
	assert_string_not_equal(first.csrf, second.csrf);
	assert_int_equal(auth_session_check(first.id, T0 + 3, &c), 0);
	assert_int_equal(auth_session_check(second.id, T0 + 3, &c), 1);
}

static void test_stored_hash_is_not_the_id(void **state)
{
	(void)state;
	struct auth_session s;
	unsigned char raw[AUTH_TOKEN_BYTES], want[DB_AUTH_HASH_BYTES];
	size_t rawlen;
	add_alice();
	login_ok(T0, &s);
	assert_int_equal(sodium_base642bin(raw, sizeof raw, s.id, strlen(s.id), NULL,
					   &rawlen, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING), 0);
	assert_int_equal(rawlen, sizeof raw);
	crypto_generichash(want, sizeof want, raw, sizeof raw, NULL, 0);

	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db_handle(), "SELECT id_hash FROM session",
					    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_bytes(st, 0), DB_AUTH_HASH_BYTES);
	const void *stored = sqlite3_column_blob(st, 0);
	assert_memory_not_equal(stored, raw, sizeof raw);
	assert_memory_not_equal(stored, s.id, DB_AUTH_HASH_BYTES);
	assert_memory_equal(stored, want, sizeof want);
	sqlite3_finalize(st);
}

static void test_passwd_ends_sessions(void **state)
{
	(void)state;
	struct auth_session s, c;
	add_alice();
	login_ok(T0, &s);
	assert_int_equal(auth_user_passwd(NAME, "a new long password"), AUTH_USER_OK);
	assert_int_equal(auth_session_check(s.id, T0 + 1, &c), 0);
	assert_int_equal(auth_login(NAME, PASS, ADDR, T0 + 2, &s), AUTH_BAD_CREDENTIALS);
	assert_int_equal(auth_login(NAME, "a new long password", ADDR, T0 + 3, &s), AUTH_OK);
	assert_int_equal(auth_user_passwd("bob", "a new long password"), AUTH_USER_NOT_FOUND);
}

static void test_user_add_del_list(void **state)
{
	(void)state;
	struct auth_session s, c;
	assert_int_equal(auth_user_add(NAME, PASS), AUTH_USER_OK);
	assert_int_equal(auth_user_add(NAME, PASS), AUTH_USER_EXISTS);
	assert_int_equal(auth_user_add("bob", PASS), AUTH_USER_OK);
	assert_int_equal(db_auth_user_count(), 2);
	login_ok(T0, &s);

	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_auth_user_list(v, "admins", 0), 2);
	tmpl_vars_free(v);

	assert_int_equal(auth_user_del(NAME), AUTH_USER_OK);
	assert_int_equal(auth_user_del(NAME), AUTH_USER_NOT_FOUND);
	assert_int_equal(auth_session_check(s.id, T0 + 1, &c), 0);
	assert_int_equal(auth_login(NAME, PASS, ADDR, T0 + 2, &c), AUTH_BAD_CREDENTIALS);
	assert_int_equal(db_auth_user_count(), 1);
}

/* ---- CSRF ---- */

static void test_csrf_good(void **state)
{
	(void)state;
	struct auth_session s, c;
	add_alice();
	login_ok(T0, &s);
	assert_int_equal(auth_session_check(s.id, T0 + 1, &c), 1);
	assert_true(auth_csrf_ok(&c, s.csrf));
}

static void test_csrf_bad(void **state)
{
	(void)state;
	struct auth_session s;
	char other[AUTH_TOKEN_SIZE];
	memset(&s, 0, sizeof s);
	memset(s.csrf, 'A', AUTH_TOKEN_LEN);
	memcpy(other, s.csrf, sizeof other);
	other[AUTH_TOKEN_LEN - 1] = 'B';
	assert_false(auth_csrf_ok(&s, other));
	assert_false(auth_csrf_ok(&s, NULL));
	assert_false(auth_csrf_ok(NULL, other));
}

static void test_csrf_length_mismatch(void **state)
{
	(void)state;
	struct auth_session s;
	char longer[AUTH_TOKEN_SIZE + 1];
	memset(&s, 0, sizeof s);
	memset(s.csrf, 'A', AUTH_TOKEN_LEN);
	memset(longer, 'A', AUTH_TOKEN_LEN + 1);
	longer[AUTH_TOKEN_LEN + 1] = '\0';
	assert_false(auth_csrf_ok(&s, longer));          /* a prefix matches */
	longer[AUTH_TOKEN_LEN - 1] = '\0';
	assert_false(auth_csrf_ok(&s, longer));          /* so does this one */
	assert_false(auth_csrf_ok(&s, ""));
	s.csrf[0] = '\0';                                /* no token at all */
	assert_false(auth_csrf_ok(&s, ""));
}

/* ---- Origin / Sec-Fetch-Site ---- */

static void test_origin_checks(void **state)
{
	(void)state;
	static const struct {
		const char *origin, *site, *host, *scheme;
		int ok;
	} cases[] = {
		{ "https://example.org", "same-origin", "example.org", "https", 1 },
		{ NULL, "same-origin", "example.org", "https", 1 },
		{ "https://example.org", NULL, "example.org", "https", 1 },
		{ "https://EXAMPLE.org", NULL, "example.org", "https", 1 },
		{ "http://127.0.0.1:8080", NULL, "127.0.0.1:8080", "http", 1 },
		{ "https://example.org", "cross-site", "example.org", "https", 0 },
		{ "https://example.org", "same-site", "example.org", "https", 0 },
		{ "https://example.org", "none", "example.org", "https", 0 },
		{ NULL, "cross-site", "example.org", "https", 0 },
		{ "null", NULL, "example.org", "https", 0 },
		{ "null", "same-origin", "example.org", "https", 0 },
		{ "https://evil.example", NULL, "example.org", "https", 0 },
		{ "https://evil.example", "same-origin", "example.org", "https", 0 },
		{ "https://example.org.evil.example", NULL, "example.org", "https", 0 },
		{ "https://example.org:8443", NULL, "example.org", "https", 0 },
		{ "https://example.org", NULL, "example.org:8443", "https", 0 },
		{ "http://example.org", NULL, "example.org", "https", 0 },
		{ "https://example.org/", NULL, "example.org", "https", 0 },
		{ "https://example.org", NULL, NULL, "https", 0 },
		{ "https://example.org", NULL, "example.org", NULL, 0 },
		{ NULL, NULL, "example.org", "https", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = auth_origin_ok(cases[i].origin, cases[i].site,
					 cases[i].host, cases[i].scheme);
		if (got != cases[i].ok)
			fail_msg("case %zu: Origin %s, Sec-Fetch-Site %s: got %d",
				 i, cases[i].origin ? cases[i].origin : "(none)",
				 cases[i].site ? cases[i].site : "(none)", got);
	}
}

/* ---- cookies ---- */

static void test_cookie_header_format(void **state)
{
	(void)state;
	char buf[AUTH_COOKIE_MAX];
	const char *id = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234";
	assert_int_equal(auth_cookie_set(buf, id), 0);
	assert_string_equal(buf, "__Host-sid=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234;"
			    " Secure; HttpOnly; SameSite=Strict; Path=/");
	auth_cookie_clear(buf);
	assert_string_equal(buf, "__Host-sid=; Secure; HttpOnly; SameSite=Strict;"
			    " Path=/; Max-Age=0");
	assert_int_equal(auth_cookie_set(buf, "short"), -1);
	assert_int_equal(auth_cookie_set(buf, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-;01234"), -1);
}

static void test_cookie_get(void **state)
{
	(void)state;
	char out[AUTH_TOKEN_SIZE];
	const char *id = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234";
	assert_int_equal(auth_cookie_get("__Host-sid=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234", out), 1);
	assert_string_equal(out, id);
	assert_int_equal(auth_cookie_get("a=b; __Host-sid=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234; c=d", out), 1);
	assert_string_equal(out, id);
	assert_int_equal(auth_cookie_get("x__Host-sid=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234", out), 0);
	assert_int_equal(auth_cookie_get("sid=abcdefghijklmnopqrstuvwxyzABCDEFGHIJ-_01234", out), 0);
	assert_int_equal(auth_cookie_get("__Host-sid=short", out), 0);
	assert_int_equal(auth_cookie_get("__Host-sid=", out), 0);
	assert_int_equal(auth_cookie_get("", out), 0);
	assert_int_equal(auth_cookie_get(NULL, out), 0);
}

/* ---- audit log ---- */

static void test_audit_newest_first(void **state)
{
	(void)state;
	assert_int_equal(db_auth_audit("alice", "create", "presentation 1", NULL, T0), 0);
	assert_int_equal(db_auth_audit("alice", "update", "presentation 1", "title", T0 + 1), 0);
	assert_int_equal(db_auth_audit("bob", "delete", "presentation 1", "", T0 + 2), 0);
	struct tmpl_vars *v = tmpl_vars_new();
	assert_int_equal(db_auth_audit_list(v, "log", 2), 2);
	char *out = testdb_render(dir, "<ul xmlns:t=\"urn:symposium:template\"><li t:each=\"log\">"
				  "${action} ${object} ${admin} ${at_utc}</li></ul>", v);
	assert_non_null(out);
	const char *del = strstr(out, "delete presentation 1 bob 2023-11-14 22:13:22 UTC");
	const char *upd = strstr(out, "update presentation 1 alice");
	assert_non_null(del);
	assert_non_null(upd);
	assert_true(del < upd);
	assert_null(strstr(out, "create"));
	free(out);
	tmpl_vars_free(v);
}

/* ---- reading a password ---- */

static long read_from(const char *input, char *buf, size_t bufsz, int times)
{
	int fds[2], saved = dup(STDIN_FILENO);
	long n = -2;
	if (pipe(fds) != 0)
		return -3;
	if (write(fds[1], input, strlen(input)) != (ssize_t)strlen(input))
		return -3;
	close(fds[1]);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	for (int i = 0; i < times; i++)
		n = auth_read_password("Password: ", buf, bufsz);
	dup2(saved, STDIN_FILENO);
	close(saved);
	return n;
}

static void test_read_password(void **state)
{
	(void)state;
	char buf[32];
	assert_int_equal(read_from("pass phrase one\r\nsecond\n", buf, sizeof buf, 1), 15);
	assert_string_equal(buf, "pass phrase one");
	assert_int_equal(read_from("pass phrase one\nsecond\n", buf, sizeof buf, 2), 6);
	assert_string_equal(buf, "second");
	assert_int_equal(read_from("no newline", buf, sizeof buf, 1), 10);
	assert_int_equal(read_from("", buf, sizeof buf, 1), -1);
	assert_int_equal(read_from("0123456789012345678901234567890123\n", buf, sizeof buf, 1), -1);
	assert_int_equal(read_from("0123456789012345678901234567890123\nok\n", buf, sizeof buf, 2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_hash_verify, wipe),
		cmocka_unit_test_setup(test_verify_wrong_password, wipe),
		cmocka_unit_test_setup(test_password_policy, wipe),
		cmocka_unit_test_setup(test_name_policy, wipe),
		cmocka_unit_test_setup(test_login_ok, wipe),
		cmocka_unit_test_setup(test_login_wrong_password, wipe),
		cmocka_unit_test_setup(test_unknown_user_same_result, wipe),
		cmocka_unit_test_setup(test_rehash_on_login, wipe),
		cmocka_unit_test_setup(test_throttle_11th_per_address, wipe),
		cmocka_unit_test_setup(test_throttle_ignores_failures_older_than_a_minute, wipe),
		cmocka_unit_test_setup(test_throttle_retry_after, wipe),
		cmocka_unit_test_setup(test_throttle_failures_elsewhere_never_block_a_clean_address, wipe),
		cmocka_unit_test_setup(test_throttle_name_under_attack_limits_each_failing_address, wipe),
		cmocka_unit_test_setup(test_throttle_pair_rule_only_while_under_attack, wipe),
		cmocka_unit_test_setup(test_failure_delay_grows_per_address_and_is_capped, wipe),
		cmocka_unit_test_setup(test_db_failure_pair_and_count, wipe),
		cmocka_unit_test_setup(test_throttle_ipv6_counts_per_64, wipe),
		cmocka_unit_test_setup(test_failures_pruned_after_an_hour, wipe),
		cmocka_unit_test_setup(test_session_check, wipe),
		cmocka_unit_test_setup(test_session_peek_reads_only, wipe),
		cmocka_unit_test_setup(test_session_peek_on_a_read_only_connection, wipe),
		cmocka_unit_test_setup(test_session_seen_at_written_once_a_minute, wipe),
		cmocka_unit_test_setup(test_session_touch_skipped_while_locked, wipe),
		cmocka_unit_test_setup(test_session_expires_idle, wipe),
		cmocka_unit_test_setup(test_session_expires_absolute, wipe),
		cmocka_unit_test_setup(test_logout_deletes, wipe),
		cmocka_unit_test_setup(test_new_id_per_login, wipe),
		cmocka_unit_test_setup(test_stored_hash_is_not_the_id, wipe),
		cmocka_unit_test_setup(test_passwd_ends_sessions, wipe),
		cmocka_unit_test_setup(test_user_add_del_list, wipe),
		cmocka_unit_test_setup(test_csrf_good, wipe),
		cmocka_unit_test_setup(test_csrf_bad, wipe),
		cmocka_unit_test_setup(test_csrf_length_mismatch, wipe),
		cmocka_unit_test(test_origin_checks),
		cmocka_unit_test(test_cookie_header_format),
		cmocka_unit_test(test_cookie_get),
		cmocka_unit_test_setup(test_audit_newest_first, wipe),
		cmocka_unit_test(test_read_password),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
