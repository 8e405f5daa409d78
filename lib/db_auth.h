/* db_auth: the SQL behind lib/auth.c - admin accounts, sessions, login
 * failures, and the audit log (tables admin, session, login_failure, audit
 * of schema.sql).
 *
 * Policy (who may log in, when a session has expired, what is throttled)
 * lives in lib/auth.c; these functions only store and fetch.  Every
 * statement is prepared once through db_prepare() and only ever bound.
 * Nothing here opens a transaction, so a caller may wrap several of these
 * calls (and its own writes) in db_begin()/db_commit().
 *
 * Return values, unless a function says otherwise: 0 done or -1 a
 * database error (logged to stderr); look-ups and one-row changes return an
 * enum db_result (DB_FOUND, DB_MISSING, DB_FAILED). */
#ifndef DB_AUTH_H
#define DB_AUTH_H

#include <time.h>
#include "db.h"
#include "tmpl.h"

#define DB_AUTH_NAME_MAX    64     /* bytes of admin.name (auth.c checks the charset) */
#define DB_AUTH_PWHASH_MAX  128    /* crypto_pwhash_STRBYTES, with room to spare */
#define DB_AUTH_HASH_BYTES  32     /* session.id_hash: crypto_generichash output */
#define DB_AUTH_CSRF_MAX    64     /* session.csrf text */
#define DB_AUTH_AUDIT_MAX   1000   /* most rows db_auth_audit_list returns */

struct db_auth_admin {
	long long id;
	char name[DB_AUTH_NAME_MAX + 1];
	char pwhash[DB_AUTH_PWHASH_MAX];
	time_t created_at;
};

struct db_auth_session {
	long long admin_id;
	char admin[DB_AUTH_NAME_MAX + 1];  /* the admin's name */
	char csrf[DB_AUTH_CSRF_MAX + 1];
	time_t created_at;
	time_t seen_at;
};

/* ---- admin accounts ---- */

/* 0 added, 1 the name is taken, -1 error. */
int db_auth_user_add(const char *name, const char *pwhash, time_t now);
/* DB_FOUND changed, DB_MISSING no such admin, DB_FAILED. */
enum db_result db_auth_user_passwd(const char *name, const char *pwhash);
/* Delete the admin and every session of theirs (explicitly, so it does not
 * depend on PRAGMA foreign_keys).  Their audit entries stay.
 * DB_FOUND deleted, DB_MISSING no such admin, DB_FAILED. */
enum db_result db_auth_user_del(const char *name);
/* DB_FOUND (into *out), DB_MISSING, DB_FAILED. */
enum db_result db_auth_user_get(const char *name, struct db_auth_admin *out);
/* All admins by name into `list` of v.  Each row sets: id, name,
 * created_at (Unix seconds), created_utc ("2024-05-01 09:30 UTC"),
 * is_self (1 for the admin self_id, else 0).  Count, or -1. */
int db_auth_user_list(struct tmpl_vars *v, const char *list, long long self_id);
/* The name of the admin `id` into name: DB_FOUND, DB_MISSING, DB_FAILED. */
enum db_result db_auth_user_name(long long id, char name[DB_AUTH_NAME_MAX + 1]);
/* How many admins there are, or -1. */
int db_auth_user_count(void);

/* ---- login failures (throttling) ---- */

int db_auth_failure_add(const char *addr, const char *name, time_t at);
/* Forget failures at or before `before`. */
int db_auth_failure_prune(time_t before);
/* The time of the n-th newest failure (n from 1) from addr, or on name,
 * later than `since`: DB_FOUND (into *at), DB_MISSING fewer than n such
 * failures, DB_FAILED. */
enum db_result db_auth_failure_nth_addr(const char *addr, time_t since, int n, time_t *at);
enum db_result db_auth_failure_nth_name(const char *name, time_t since, int n, time_t *at);
/* The same for failures from addr on name. */
enum db_result db_auth_failure_nth_pair(const char *addr, const char *name,
					time_t since, int n, time_t *at);
/* How many failures from addr later than `since`, or -1. */
int db_auth_failure_count_addr(const char *addr, time_t since);

/* ---- sessions, keyed by the hash of the cookie's id ---- */

int db_auth_session_add(const unsigned char hash[DB_AUTH_HASH_BYTES],
			long long admin_id, const char *csrf, time_t now);
/* DB_FOUND (with the admin's name, into *out), DB_MISSING, DB_FAILED. */
enum db_result db_auth_session_get(const unsigned char hash[DB_AUTH_HASH_BYTES],
			struct db_auth_session *out);
/* Record that the session was seen now.  A convenience, not a duty: it does
 * not wait for another writer's lock (db_step_nowait).  0 written, 1 skipped
 * because the database was busy, -1 error. */
int db_auth_session_touch(const unsigned char hash[DB_AUTH_HASH_BYTES], time_t now);
/* Delete an expired session if that can be done without waiting (the next
 * log-in's prune catches it otherwise).  0 deleted or skipped, -1 error. */
int db_auth_session_expire(const unsigned char hash[DB_AUTH_HASH_BYTES]);
/* DB_FOUND deleted, DB_MISSING there was none, DB_FAILED. */
enum db_result db_auth_session_del(const unsigned char hash[DB_AUTH_HASH_BYTES]);
/* Every session of one admin (after a password change). Count, or -1. */
int db_auth_session_del_admin(long long admin_id);
/* Every session of one admin but the one whose id hashes to keep (a
 * password changed in the admin: the other sessions end).  Count, or -1. */
int db_auth_session_del_others(long long admin_id,
			       const unsigned char keep[DB_AUTH_HASH_BYTES]);
/* Delete sessions last seen at or before idle_before, or created at or
 * before created_before.  Count, or -1. */
int db_auth_session_prune(time_t idle_before, time_t created_before);

/* ---- the audit log ---- */

/* One entry: who (an admin's name, or a fixed word such as "cli"), what
 * ("create", "update", "delete", "login", ...), on which object
 * ("presentation 12", "admin alice"), and free text.  NULL detail: "".
 * The row keeps the item's title as it is now (ids are reused after a
 * purge, so it is never looked up again); for an item already gone, the
 * last title the log holds for the object. */
int db_auth_audit(const char *admin, const char *action, const char *object,
		  const char *detail, time_t now);
/* Before the item `object` is deleted for good (its id may then be
 * reused): rows written before titles were kept get its title now.  0 or
 * -1. */
int db_auth_audit_keep_titles(const char *object);
/* The newest n entries (n is clamped to 1..DB_AUTH_AUDIT_MAX), newest
 * first, into `list` of v.  Each row sets: id, at (Unix seconds), at_utc
 * ("2024-05-01 09:30:12 UTC"), admin, action, object, detail, and title
 * (the title the row kept for "presentation 12", "photo 17", "video 3"
 * - the item's title now for rows older than that; else the object) and titled (1 when they differ).  Count, or -1. */
int db_auth_audit_list(struct tmpl_vars *v, const char *list, int n);

#endif
