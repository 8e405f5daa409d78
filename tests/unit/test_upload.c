/* Tests for lib/upload.c behind auth_gate (lib/auth.c): the order of the
 * checks, urlencoded and multipart bodies fed in small chunks by a fake
 * body_read, limits, lying Content-Lengths, and that no temp file
 * outlives a refused request.  A fresh database from schema.sql
 * ($SITE_SCHEMA, else ./schema.sql) holds the session for the CSRF tests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "db.h"
#include "space.h"
#include "upload.h"
#include "testdb.h"

#define BOUNDARY "AaB03x"
#define MP_TYPE  "multipart/form-data; boundary=" BOUNDARY
#define UE_TYPE  "application/x-www-form-urlencoded"
#define NAME     "alice"
#define PASS     "correct horse battery"

static char dir[] = "/tmp/test_upload.XXXXXX";
static char dbpath[sizeof dir + 16];
static char media[sizeof dir + 16];
static struct auth_session alice;     /* a logged-in session */

/* What the admin's router does with a POST: auth_gate, then the body. */
static int receive(struct http_req *r, const struct upload_spec *spec,
		   const char *root, time_t now, struct upload *u)
{
	const char *msg = NULL;
	int status = auth_gate(r, spec->need_session, now, &u->session, &msg);
	if (status)
		return status;
	u->has_session = spec->need_session;
	return upload_read(r, spec, root, u);
}

/* ---- a fake request ---- */

struct fake {
	const char *body;
	size_t len, pos;
	size_t chunk;              /* bytes per body_read call at most */
	int calls;                 /* body_read calls that returned data */
	char *env[16];
	char cl[48], ct[160], cookie[96];
};

static int fake_read(void *io, char *dst, int n)
{
	struct fake *f = io;
	size_t left = f->len - f->pos;
	size_t k = left < (size_t)n ? left : (size_t)n;
	if (k > f->chunk)
		k = f->chunk;
	memcpy(dst, f->body + f->pos, k);
	f->pos += k;
	if (k)
		f->calls++;
	return (int)k;
}

/* A POST to /admin/x from http://example.org with body; content_length
 * < 0 leaves CONTENT_LENGTH out; origin NULL sends none. */
static void fake_req(struct fake *f, struct http_req *r, const char *type,
		const char *body, long long content_length, const char *origin,
		const char *cookie)
{
	int i = 0;
	memset(f, 0, sizeof *f);
	f->body = body;
	f->len = strlen(body);
	f->chunk = 7;              /* odd and small: boundaries span reads */
	f->env[i++] = "REQUEST_METHOD=POST";
	f->env[i++] = "REQUEST_URI=/admin/x";
	f->env[i++] = "HTTP_HOST=example.org";
	f->env[i++] = "REQUEST_SCHEME=http";
	if (origin)
		f->env[i++] = (char *)origin;
	if (type) {
		snprintf(f->ct, sizeof f->ct, "CONTENT_TYPE=%s", type);
		f->env[i++] = f->ct;
	}
	if (content_length >= 0) {
		snprintf(f->cl, sizeof f->cl, "CONTENT_LENGTH=%lld", content_length);
		f->env[i++] = f->cl;
	}
	if (cookie) {
		snprintf(f->cookie, sizeof f->cookie, "HTTP_COOKIE=" AUTH_COOKIE_NAME "=%s",
			 cookie);
		f->env[i++] = f->cookie;
	}
	f->env[i] = NULL;
	assert_int_equal(http_req_init(r, f->env), 0);
	r->body_read = fake_read;
	r->body_io = f;
}

#define ORIGIN_OK "HTTP_ORIGIN=http://example.org"
#define ORIGIN_BAD "HTTP_ORIGIN=https://evil.example"

static const struct upload_spec no_session = { 0, "file", 1024, 2, 0 };
static const struct upload_spec with_session = { 1, "file", 1024, 2, 0 };

/* Files in media/tmp, which must be empty after every refusal. */
static int tmp_files(void)
{
	char path[sizeof media + 8];
	snprintf(path, sizeof path, "%s/tmp", media);
	DIR *d = opendir(path);
	int n = 0;
	struct dirent *e;
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* ---- fixtures ---- */

static int group_setup(void **state)
{
	(void)state;
	if (testdb_create(dir, dbpath, sizeof dbpath, NULL) < 0)
		return -1;
	snprintf(media, sizeof media, "%s/media", dir);
	if (mkdir(media, 0755) < 0 || db_open(dbpath, DB_READWRITE) < 0 || auth_init() < 0 ||
	    auth_user_add(NAME, PASS) != AUTH_USER_OK ||
	    auth_login(NAME, PASS, "192.0.2.1", time(NULL), &alice) != AUTH_OK)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	char cmd[sizeof dir + 16];
	db_close();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* ---- urlencoded ---- */

static void test_urlencoded_ok(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	const char *body = "name=alice&password=a+b%21";
	fake_req(&f, &r, UE_TYPE "; charset=UTF-8", body, (long long)strlen(body),
		 ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 0);
	assert_string_equal(form_get(&u.fields, "name"), "alice");
	assert_string_equal(form_get(&u.fields, "password"), "a b!");
	assert_int_equal(u.nfiles, 0);
	upload_release(&u);
}

static void test_urlencoded_longer_than_announced(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, UE_TYPE, "a=1&b=2", 3, ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 400);
	assert_int_equal(u.fields.n, 0);
}

static void test_urlencoded_shorter_than_announced(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, UE_TYPE, "a=1", 30, ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 400);
}

/* ---- multipart ---- */

#define PART_FIELD(name, value) \
	"--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"" name "\"\r\n\r\n" \
	value "\r\n"
#define PART_FILE(name, fname, data) \
	"--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"" name \
	"\"; filename=\"" fname "\"\r\nContent-Type: application/pdf\r\n\r\n" \
	data "\r\n"
#define END "--" BOUNDARY "--\r\n"

static const char two_files[] =
	PART_FIELD("title", "Keynote")
	PART_FILE("file_1", "C:\\slides\\a.pdf", "%PDF-1.4 first file\r\n--not-a-boundary")
	PART_FIELD("speakers", "Dr. A")
	PART_FILE("file_2", "b.pdf", "second")
	END;

static char *file_text(const char *path)
{
	char *s = testdb_slurp(path);
	assert_non_null(s);
	return s;
}

static void test_multipart_two_files(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, MP_TYPE, two_files, (long long)strlen(two_files), ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 0);
	assert_string_equal(form_get(&u.fields, "title"), "Keynote");
	assert_string_equal(form_get(&u.fields, "speakers"), "Dr. A");
	assert_int_equal(u.nfiles, 2);
	struct upload_file *a = upload_file(&u, "file_1"), *b = upload_file(&u, "file_2");
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a->name, "a.pdf");          /* the path is cut off */
	char *ta = file_text(a->path), *tb = file_text(b->path);
	assert_string_equal(ta, "%PDF-1.4 first file\r\n--not-a-boundary");
	assert_string_equal(tb, "second");
	assert_int_equal(b->bytes, 6);
	free(ta);
	free(tb);
	assert_int_equal(tmp_files(), 2);
	upload_release(&u);
	assert_int_equal(tmp_files(), 0);
}

static void test_multipart_file_too_large_is_marked(void **state)
{
	(void)state;
	static const struct upload_spec tiny = { 0, "file", 4, 2, 0 };
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, MP_TYPE, two_files, (long long)strlen(two_files), ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &tiny, media, time(NULL), &u), 0);
	struct upload_file *a = upload_file(&u, "file_1");
	assert_non_null(a);
	assert_true(a->too_large);
	assert_string_equal(a->path, "");
	/* the fields after it still arrived */
	assert_string_equal(form_get(&u.fields, "speakers"), "Dr. A");
	upload_release(&u);
	assert_int_equal(tmp_files(), 0);
}

/* A file that cannot be written for want of space (here EFBIG, from a
 * file size limit; ENOSPC takes the same path) is dropped and marked, the
 * rest of the form is still read and no temp file stays: the admin then
 * answers 507 with the form as typed. */
static void test_multipart_no_space_is_marked(void **state)
{
	(void)state;
	struct rlimit old, tiny;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, MP_TYPE, two_files, (long long)strlen(two_files), ORIGIN_OK, NULL);
	upload_init(&u);
	space_clear();
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	tiny = old;
	tiny.rlim_cur = 4;
	signal(SIGXFSZ, SIG_IGN);      /* write(2) then fails with EFBIG */
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &tiny), 0);
	int status = receive(&r, &no_session, media, time(NULL), &u);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(status, 0);
	assert_true(space_short());
	struct upload_file *a = upload_file(&u, "file_1");
	assert_non_null(a);
	assert_true(a->no_space);
	assert_false(a->too_large);
	assert_string_equal(a->path, "");
	assert_string_equal(form_get(&u.fields, "title"), "Keynote");
	assert_string_equal(form_get(&u.fields, "speakers"), "Dr. A");
	assert_int_equal(tmp_files(), 0);
	upload_release(&u);
	space_clear();
}

static void test_multipart_missing_final_boundary(void **state)
{
	(void)state;
	static const char body[] =
		PART_FIELD("title", "x")
		PART_FILE("file_1", "a.pdf", "some data that never ends");
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, MP_TYPE, body, (long long)strlen(body), ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 400);
	assert_int_equal(tmp_files(), 0);
	assert_int_equal(u.fields.n, 0);
}

static void test_multipart_shorter_than_announced(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, MP_TYPE, two_files, (long long)strlen(two_files) + 100,
		 ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 400);
	assert_int_equal(tmp_files(), 0);
}

static void test_multipart_longer_than_announced(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	/* Announced: only up to the middle of the first file. */
	fake_req(&f, &r, MP_TYPE, two_files, 120, ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 400);
	assert_int_equal(tmp_files(), 0);
}

static void test_multipart_file_in_plain_field_refused(void **state)
{
	(void)state;
	static const char body[] = PART_FILE("title", "a.pdf", "x") END;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, MP_TYPE, body, (long long)strlen(body), ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 400);
	assert_int_equal(tmp_files(), 0);
}

/* ---- limits and the gate ---- */

static void test_over_body_max_is_413_unread(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, MP_TYPE, two_files, ADMIN_BODY_MAX + 1, ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 413);
	assert_int_equal(f.calls, 0);
}

/* A form takes ADMIN_FORM_MAX urlencoded unless its spec says more: then
 * the body and each field up to form_max, urlencoded or multipart, and
 * 413 unread above it. */
#define BIG_FORM (200 * 1024)
static const struct upload_spec big_form = { 0, NULL, 0, 0, BIG_FORM + 1024 };

static char *long_form(const char *head, const char *tail)
{
	size_t h = strlen(head), t = strlen(tail);
	char *s = malloc(h + BIG_FORM + t + 1);
	assert_non_null(s);
	memcpy(s, head, h);
	memset(s + h, 'x', BIG_FORM);
	memcpy(s + h + BIG_FORM, tail, t + 1);
	return s;
}

static int send_form(const struct upload_spec *spec, const char *type,
		const char *body, long long length, struct upload *u, struct fake *f)
{
	struct http_req r;
	fake_req(f, &r, type, body, length, ORIGIN_OK, NULL);
	f->chunk = 4096;
	upload_init(u);
	return receive(&r, spec, media, time(NULL), u);
}

static void test_form_limit_by_spec(void **state)
{
	(void)state;
	struct fake f;
	struct upload u;
	char *ue = long_form("a=1&text=", "");
	char *mp = long_form("--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n",
			     "\r\n--" BOUNDARY "--\r\n");
	/* the plain forms' limit */
	assert_int_equal(send_form(&no_session, UE_TYPE, ue, (long long)strlen(ue), &u, &f), 413);
	assert_int_equal(send_form(&no_session, MP_TYPE, mp, (long long)strlen(mp), &u, &f), 413);
	/* the spec's */
	assert_int_equal(send_form(&big_form, UE_TYPE, ue, (long long)strlen(ue), &u, &f), 0);
	assert_int_equal(strlen(form_get(&u.fields, "text")), BIG_FORM);
	upload_release(&u);
	assert_int_equal(send_form(&big_form, MP_TYPE, mp, (long long)strlen(mp), &u, &f), 0);
	assert_int_equal(strlen(form_get(&u.fields, "text")), BIG_FORM);
	upload_release(&u);
	/* over it: refused before a byte is read */
	assert_int_equal(send_form(&big_form, MP_TYPE, mp, BIG_FORM + 1025, &u, &f), 413);
	assert_int_equal(f.calls, 0);
	assert_non_null(strstr(u.msg, "Nothing was saved"));
	free(ue);
	free(mp);
}

static void test_no_content_length_is_411(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, UE_TYPE, "a=1", -1, ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 411);
	assert_int_equal(f.calls, 0);
}

static void test_other_content_type_is_415(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, "text/plain", "a=1", 3, ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 415);
}

static void test_foreign_origin_reads_nothing(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, MP_TYPE, two_files, (long long)strlen(two_files), ORIGIN_BAD, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 403);
	assert_int_equal(f.calls, 0);
	assert_int_equal(tmp_files(), 0);
}

static void test_no_origin_reads_nothing(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, UE_TYPE, "a=1", 3, NULL, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &no_session, media, time(NULL), &u), 403);
	assert_int_equal(f.calls, 0);
}

static void test_no_session_reads_nothing(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, UE_TYPE, "a=1", 3, ORIGIN_OK, NULL);
	upload_init(&u);
	assert_int_equal(receive(&r, &with_session, media, time(NULL), &u), 403);
	assert_int_equal(f.calls, 0);
}

static void test_csrf_checked(void **state)
{
	(void)state;
	struct fake f;
	struct http_req r;
	struct upload u;
	struct buf ok = BUF_INIT;
	fake_req(&f, &r, UE_TYPE, "csrf=wrong&x=1", 14, ORIGIN_OK, alice.id);
	upload_init(&u);
	assert_int_equal(receive(&r, &with_session, media, time(NULL), &u), 403);

	buf_printf(&ok, "csrf=%s&x=1", alice.csrf);
	fake_req(&f, &r, UE_TYPE, ok.data, (long long)ok.len, ORIGIN_OK, alice.id);
	upload_init(&u);
	assert_int_equal(receive(&r, &with_session, media, time(NULL), &u), 0);
	assert_true(u.has_session);
	assert_string_equal(u.session.admin, NAME);
	assert_string_equal(form_get(&u.fields, "x"), "1");
	upload_release(&u);
	buf_free(&ok);
}

static void test_csrf_failure_removes_files(void **state)
{
	(void)state;
	static const char body[] = PART_FIELD("csrf", "wrong") PART_FILE("file", "a.pdf", "data") END;
	struct fake f;
	struct http_req r;
	struct upload u;
	fake_req(&f, &r, MP_TYPE, body, (long long)strlen(body), ORIGIN_OK, alice.id);
	upload_init(&u);
	assert_int_equal(receive(&r, &with_session, media, time(NULL), &u), 403);
	assert_int_equal(tmp_files(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_urlencoded_ok),
		cmocka_unit_test(test_urlencoded_longer_than_announced),
		cmocka_unit_test(test_urlencoded_shorter_than_announced),
		cmocka_unit_test(test_multipart_two_files),
		cmocka_unit_test(test_multipart_file_too_large_is_marked),
		cmocka_unit_test(test_multipart_no_space_is_marked),
		cmocka_unit_test(test_multipart_missing_final_boundary),
		cmocka_unit_test(test_multipart_shorter_than_announced),
		cmocka_unit_test(test_multipart_longer_than_announced),
		cmocka_unit_test(test_multipart_file_in_plain_field_refused),
		cmocka_unit_test(test_over_body_max_is_413_unread),
		cmocka_unit_test(test_form_limit_by_spec),
		cmocka_unit_test(test_no_content_length_is_411),
		cmocka_unit_test(test_other_content_type_is_415),
		cmocka_unit_test(test_foreign_origin_reads_nothing),
		cmocka_unit_test(test_no_origin_reads_nothing),
		cmocka_unit_test(test_no_session_reads_nothing),
		cmocka_unit_test(test_csrf_checked),
		cmocka_unit_test(test_csrf_failure_removes_files),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
