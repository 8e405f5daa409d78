/* backup: a site in one tar file, and back.  See backup.h. */
#include "backup.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "buf.h"
#include "links.h"
#include "db_migrate.h"
#include "db_ops.h"
#include "tree.h"

#define BACKUP_CHUNK     (64 * 1024)
#define BACKUP_DIR_MODE  0750     /* as lib/media.c makes them */
#define BACKUP_FILE_MODE 0640
#define BACKUP_DB_NAME   "site.db"
#define BACKUP_NAME_MAX  96       /* "media/ab/<64>.<ext>" fits, ustar's 100 too */
#define BACKUP_BUSY_MS   10000    /* a writer's lock, waited for */
#define BACKUP_WHY_MAX   1024     /* the migration runner's reason */

/* One file of the archive, as the manifest lists it. */
struct entry {
	char name[BACKUP_NAME_MAX];
	char sha256[BACKUP_HEX_LEN + 1];
	long long bytes;
	int seen;
};

struct entries {
	struct entry *v;
	size_t n, cap;
};

static int fail(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return -1;
}

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return 1;
}

int backup_media_name(const char *rel)
{
	size_t len = strlen(rel), ext = len > 68 ? len - 68 : 0;
	if (len < 69 || ext > 8 || rel[2] != '/' || rel[67] != '.' ||
	    !is_hex(rel, 2) || !is_hex(rel + 3, BACKUP_HEX_LEN) || memcmp(rel, rel + 3, 2))
		return 0;
	for (const char *p = rel + 68; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return 0;
	}
	return 1;
}

static void hex_of(crypto_hash_sha256_state *st, char hex[BACKUP_HEX_LEN + 1])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(st, d);
	sodium_bin2hex(hex, BACKUP_HEX_LEN + 1, d, sizeof d);
}

int backup_file_sha256(const char *path, char hex[BACKUP_HEX_LEN + 1], long long *bytes)
{
	unsigned char chunk[BACKUP_CHUNK];
	crypto_hash_sha256_state st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	if (fd < 0)
		return -1;
	crypto_hash_sha256_init(&st);
	*bytes = 0;
	while ((n = read(fd, chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)n);
		*bytes += n;
	}
	close(fd);
	hex_of(&st, hex);
	return n < 0 ? -1 : 0;
}

static struct entry *add_entry(struct entries *es, const char *name,
			       const char *sha256, long long bytes)
{
	if (es->n == es->cap) {
		es->cap = es->cap ? es->cap * 2 : 256;
		es->v = realloc(es->v, es->cap * sizeof *es->v);
		if (!es->v)
			abort();
	}
	struct entry *e = &es->v[es->n++];
	memset(e, 0, sizeof *e);
	snprintf(e->name, sizeof e->name, "%s", name);
	snprintf(e->sha256, sizeof e->sha256, "%s", sha256);
	e->bytes = bytes;
	return e;
}

/* ---- writing ---- */

struct writer {
	int fd;
	crypto_hash_sha256_state st;
	long long bytes;
};

static la_ssize_t write_cb(struct archive *a, void *ctx, const void *buf, size_t n)
{
	struct writer *w = ctx;
	const char *p = buf;
	size_t left = n;
	while (left > 0) {
		ssize_t k = write(w->fd, p, left);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			archive_set_error(a, errno, "write: %s", strerror(errno));
			return -1;
		}
		p += k;
		left -= (size_t)k;
	}
	crypto_hash_sha256_update(&w->st, buf, (unsigned long long)n);
	w->bytes += (long long)n;
	return (la_ssize_t)n;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* pax (POSIX.1-2001) without extensions where ustar suffices; gzip for a
 * .gz/.tgz name: media are compressed already, the database is not. */
static struct archive *open_writer(const char *name, struct writer *w)
{
	struct archive *a = archive_write_new();
	int gz = ends_with(name, ".gz") || ends_with(name, ".tgz");
	if (!a || archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
	    (gz ? archive_write_add_filter_gzip(a) : archive_write_add_filter_none(a)) != ARCHIVE_OK ||
	    archive_write_open(a, w, NULL, write_cb, NULL) != ARCHIVE_OK) {
		if (a)
			archive_write_free(a);
		return NULL;
	}
	return a;
}

static int put_header(struct archive *a, const char *name, long long size)
{
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, BACKUP_FILE_MODE);
	archive_entry_set_mtime(e, time(NULL), 0);
	int rc = archive_write_header(a, e);
	archive_entry_free(e);
	return rc == ARCHIVE_OK ? 0 : -1;
}

static int put_data(struct archive *a, const void *p, size_t n)
{
	return archive_write_data(a, p, n) == (la_ssize_t)n ? 0 : -1;
}

/* One file into the archive: its size checked before (the header carries
 * it), its hash while copying. */
static int put_file(struct archive *a, const char *path, const struct entry *e,
		    char *err, size_t errsz)
{
	unsigned char chunk[BACKUP_CHUNK];
	crypto_hash_sha256_state st;
	char hex[BACKUP_HEX_LEN + 1];
	struct stat sb;
	long long got = 0;
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		if (fd >= 0)
			close(fd);
		return fail(err, errsz, "%s: %s", e->name, strerror(errno));
	}
	if ((long long)sb.st_size != e->bytes) {
		close(fd);
		return fail(err, errsz, "%s: %lld bytes, the database says %lld (run admin check)",
			    e->name, (long long)sb.st_size, e->bytes);
	}
	crypto_hash_sha256_init(&st);
	int rc = put_header(a, e->name, e->bytes);
	while (rc == 0 && got < e->bytes && (n = read(fd, chunk, sizeof chunk)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || got + n > e->bytes)
			break;
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)n);
		rc = put_data(a, chunk, (size_t)n);
		got += n;
	}
	close(fd);
	if (rc < 0)
		return fail(err, errsz, "%s: %s", e->name, archive_error_string(a));
	hex_of(&st, hex);
	if (got != e->bytes || strcmp(hex, e->sha256) != 0)
		return fail(err, errsz, "%s: its bytes do not match its SHA-256 (damaged; run admin check --hashes)",
			    e->name);
	return 0;
}

static int add_media(void *ctx, const char *const *col)
{
	char name[BACKUP_NAME_MAX];
	if (!col[0] || !col[1] || !col[2] || !backup_media_name(col[0]) ||
	    strlen(col[1]) != BACKUP_HEX_LEN) {
		fprintf(stderr, "backup: media row with a malformed path or hash: %s\n",
			col[0] ? col[0] : "(null)");
		return -1;
	}
	snprintf(name, sizeof name, "media/%s", col[0]);
	add_entry(ctx, name, col[1], atoll(col[2]));
	return 0;
}

/* path opened on a connection of its own, of any schema version (the
 * programs' db_open wants this release's). */
static sqlite3 *open_any(const char *path, int flags)
{
	sqlite3 *h = NULL;
	if (sqlite3_open_v2(path, &h, flags, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		return NULL;
	}
	sqlite3_busy_timeout(h, BACKUP_BUSY_MS);
	return h;
}

/* A site of an earlier release is backed up as it is and upgraded when it
 * is restored; one of a later release is refused both ways: what its
 * tables mean is not known here.  what: "back it up", "restore it". */
static int later_release(const char *db_name, int v, const char *what,
			 char *err, size_t errsz)
{
	return fail(err, errsz, "%s has schema version %d, newer than this release's %d: "
		    "it was written by a later release; %s with that release's programs",
		    db_name, v, db_schema_version, what);
}

static int version_ok(sqlite3 *h, const char *db_path, char *err, size_t errsz)
{
	int v = db_migrate_version(h, err, errsz);
	if (v < 0)
		return -1;
	if (v > db_schema_version)
		return later_release(db_path, v, "back it up", err, errsz);
	if (v < DB_MIGRATE_FIRST_VERSION)
		return fail(err, errsz, "%s is not a site database (schema version %d)", db_path, v);
	return 0;
}

/* The database's consistent copy at snap, and the files it lists. */
static int snapshot(const char *db_path, const char *snap, struct entries *es,
		    char *err, size_t errsz)
{
	sqlite3 *h = open_any(db_path, SQLITE_OPEN_READONLY);
	if (!h)
		return fail(err, errsz, "cannot open the database %s", db_path);
	int rc = version_ok(h, db_path, err, errsz) < 0 ? -1 :
		 db_ops_snapshot_of(h, snap) < 0 ?
		 fail(err, errsz, "cannot copy the database %s", db_path) : 0;
	sqlite3_close(h);
	if (rc < 0)
		return -1;
	/* The copy is read on a connection of its own: what it lists is what
	 * it holds, whatever the site has done since. */
	add_entry(es, BACKUP_DB_NAME, "", 0);
	/* Read-write: a read-only connection to a WAL file would leave its
	 * -wal and -shm beside the backup. */
	if (!(h = open_any(snap, SQLITE_OPEN_READWRITE)))
		return fail(err, errsz, "cannot open the copy %s", snap);
	rc = db_ops_media_of(h, add_media, es);
	sqlite3_close(h);
	if (rc < 0)
		return fail(err, errsz, "cannot list the media files");
	struct entry *db = &es->v[0];      /* add_media may have moved the array */
	if (backup_file_sha256(snap, db->sha256, &db->bytes) < 0)
		return fail(err, errsz, "cannot read the copy %s", snap);
	return 0;
}

static void manifest_text(const struct entries *es, struct buf *m)
{
	buf_puts(m, BACKUP_MAGIC "\n");
	for (size_t i = 0; i < es->n; i++)
		buf_printf(m, "%s %lld %s\n", es->v[i].sha256, es->v[i].bytes, es->v[i].name);
}

static int write_all(struct archive *a, const struct entries *es, const char *snap,
		     const char *media_root, char *err, size_t errsz)
{
	struct buf m = BUF_INIT;
	char path[TREE_PATH_MAX];
	manifest_text(es, &m);
	int rc = put_header(a, BACKUP_MANIFEST, (long long)m.len) < 0 ||
		 put_data(a, m.data, m.len) < 0 ? fail(err, errsz, "writing: %s",
						       archive_error_string(a)) : 0;
	buf_free(&m);
	for (size_t i = 0; rc == 0 && i < es->n; i++) {
		const struct entry *e = &es->v[i];
		/* A taken-down file lies in the private store (lib/links.h);
		 * the archive keeps it under media/ all the same, and the
		 * admin's next start sorts a restored site again.  A file in
		 * neither place fails in put_file, named. */
		if (i > 0)
			(void)links_find_stored(media_root, e->name + strlen("media/"),
						path, sizeof path);
		rc = put_file(a, i == 0 ? snap : path, e, err, errsz);
	}
	if (rc == 0 && archive_write_close(a) != ARCHIVE_OK)
		rc = fail(err, errsz, "writing: %s", archive_error_string(a));
	return rc;
}

static void sync_dir_of(const char *path)
{
	char dir[TREE_PATH_MAX];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	int fd = open(slash ? (*dir ? dir : "/") : ".", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

void backup_media_root(const char *db_path, char out[TREE_PATH_MAX])
{
	const char *slash = strrchr(db_path, '/');
	if (!slash)
		snprintf(out, TREE_PATH_MAX, "media");
	else
		snprintf(out, TREE_PATH_MAX, "%.*s/media", (int)(slash - db_path), db_path);
}

int backup_create(const char *db_path, const char *out_path,
		  struct backup_report *rep, char *err, size_t errsz)
{
	char tmp[TREE_PATH_MAX], snap[TREE_PATH_MAX], root[TREE_PATH_MAX];
	struct entries es = { 0 };
	struct writer w = { .fd = -1 };
	memset(rep, 0, sizeof *rep);
	if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", out_path) >= (int)sizeof tmp ||
	    snprintf(snap, sizeof snap, "%s.db-XXXXXX", out_path) >= (int)sizeof snap)
		return fail(err, errsz, "%s: path too long", out_path);
	backup_media_root(db_path, root);
	int sfd = mkstemp(snap);
	if (sfd < 0)
		return fail(err, errsz, "cannot create %s: %s", snap, strerror(errno));
	close(sfd);
	int rc = snapshot(db_path, snap, &es, err, errsz);
	if (rc == 0 && (w.fd = mkstemp(tmp)) < 0)
		rc = fail(err, errsz, "cannot create %s: %s", tmp, strerror(errno));
	struct archive *a = NULL;
	if (rc == 0) {
		fchmod(w.fd, BACKUP_FILE_MODE);
		crypto_hash_sha256_init(&w.st);
		a = open_writer(out_path, &w);
		rc = a ? write_all(a, &es, snap, root, err, errsz) :
			 fail(err, errsz, "cannot start the archive");
	}
	if (a)
		archive_write_free(a);
	if (rc == 0 && (fsync(w.fd) < 0 || close(w.fd) < 0 || rename(tmp, out_path) < 0))
		rc = fail(err, errsz, "cannot write %s: %s", out_path, strerror(errno));
	else if (w.fd >= 0 && rc < 0)
		close(w.fd);
	if (rc < 0 && w.fd >= 0)
		unlink(tmp);
	if (rc == 0) {
		sync_dir_of(out_path);
		hex_of(&w.st, rep->sha256);
		rep->archive_bytes = w.bytes;
		rep->db_bytes = es.v[0].bytes;
		rep->files = (int)es.n - 1;
		for (size_t i = 1; i < es.n; i++)
			rep->file_bytes += es.v[i].bytes;
	}
	unlink(snap);
	free(es.v);
	return rc;
}

/* ---- reading ---- */

static int by_entry_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

static struct entry *find_entry(struct entries *es, const char *name)
{
	struct entry key;
	if (strlen(name) >= sizeof key.name)
		return NULL;
	snprintf(key.name, sizeof key.name, "%s", name);
	return bsearch(&key, es->v, es->n, sizeof *es->v, by_entry_name);
}

/* An archive is input from anywhere: only the names a backup writes are
 * accepted, so no entry can reach outside the new directory. */
static int valid_name(const char *name)
{
	return strcmp(name, BACKUP_DB_NAME) == 0 ||
	       (strncmp(name, "media/", 6) == 0 && backup_media_name(name + 6));
}

/* "<64 hex> <digits> <name>" */
static int parse_line(struct entries *es, char *line)
{
	char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp2 || sp1 - line != BACKUP_HEX_LEN || !is_hex(line, BACKUP_HEX_LEN) ||
	    sp2 == sp1 + 1 || sp2 - sp1 > 16)
		return -1;
	long long bytes = 0;
	for (char *p = sp1 + 1; p < sp2; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		bytes = bytes * 10 + (*p - '0');
	}
	*sp1 = '\0';
	if (!valid_name(sp2 + 1) || es->n >= BACKUP_FILES_MAX + 1)
		return -1;
	add_entry(es, sp2 + 1, line, bytes);
	return 0;
}

static int parse_manifest(struct entries *es, char *text)
{
	char *save = NULL, *line = strtok_r(text, "\n", &save);
	if (!line || strcmp(line, BACKUP_MAGIC) != 0)
		return -1;
	while ((line = strtok_r(NULL, "\n", &save))) {
		if (parse_line(es, line) < 0)
			return -1;
	}
	qsort(es->v, es->n, sizeof *es->v, by_entry_name);
	for (size_t i = 1; i < es->n; i++) {
		if (strcmp(es->v[i - 1].name, es->v[i].name) == 0)
			return -1;
	}
	return find_entry(es, BACKUP_DB_NAME) ? 0 : -1;
}

static int read_manifest(struct archive *a, struct entries *es, char *err, size_t errsz)
{
	struct archive_entry *h;
	if (archive_read_next_header(a, &h) != ARCHIVE_OK)
		return fail(err, errsz, "not a readable archive: %s", archive_error_string(a));
	long long size = archive_entry_size(h);
	if (strcmp(archive_entry_pathname(h), BACKUP_MANIFEST) != 0 || size <= 0 ||
	    size > BACKUP_MANIFEST_MAX)
		return fail(err, errsz, "not a symposium backup (no %s first)", BACKUP_MANIFEST);
	char *text = malloc((size_t)size + 1);
	if (!text)
		abort();
	la_ssize_t n = archive_read_data(a, text, (size_t)size);
	int rc = 0;
	if (n != size)
		rc = fail(err, errsz, "%s: cut short", BACKUP_MANIFEST);
	else {
		text[size] = '\0';
		if (memchr(text, '\0', (size_t)size) || parse_manifest(es, text) < 0)
			rc = fail(err, errsz, "%s: malformed", BACKUP_MANIFEST);
	}
	free(text);
	return rc;
}

/* Write the current entry's data to dir/e->name, checking size and hash. */
static int extract(struct archive *a, const char *dir, struct entry *e, char *err, size_t errsz)
{
	char path[TREE_PATH_MAX], hex[BACKUP_HEX_LEN + 1];
	unsigned char chunk[BACKUP_CHUNK];
	crypto_hash_sha256_state st;
	long long got = 0;
	la_ssize_t n;
	if (snprintf(path, sizeof path, "%s/%s", dir, e->name) >= (int)sizeof path ||
	    tree_mkdirs(dir, e->name, BACKUP_DIR_MODE) < 0)
		return fail(err, errsz, "%s: cannot make its directory", e->name);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, BACKUP_FILE_MODE);
	if (fd < 0)
		return fail(err, errsz, "%s: %s", path, strerror(errno));
	crypto_hash_sha256_init(&st);
	int rc = 0;
	while (rc == 0 && (n = archive_read_data(a, chunk, sizeof chunk)) > 0) {
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)n);
		got += n;
		for (la_ssize_t off = 0; rc == 0 && off < n;) {
			ssize_t k = write(fd, chunk + off, (size_t)(n - off));
			if (k < 0 && errno != EINTR)
				rc = fail(err, errsz, "%s: %s", path, strerror(errno));
			off += k > 0 ? k : 0;
		}
	}
	if (rc == 0 && n < 0)
		rc = fail(err, errsz, "%s: %s", e->name, archive_error_string(a));
	if (fsync(fd) < 0 && rc == 0)
		rc = fail(err, errsz, "%s: %s", path, strerror(errno));
	close(fd);
	hex_of(&st, hex);
	if (rc == 0 && (got != e->bytes || strcmp(hex, e->sha256) != 0))
		rc = fail(err, errsz, "%s: size or SHA-256 differs from the manifest (damaged backup)",
			  e->name);
	return rc;
}

static int db_in(const char *dir, char db[TREE_PATH_MAX])
{
	return snprintf(db, TREE_PATH_MAX, "%s/%s", dir, BACKUP_DB_NAME) < TREE_PATH_MAX ? 0 : -1;
}

#define RESTORED_DB "the backup's " BACKUP_DB_NAME

/* The unpacked database's version, looked at as soon as it is out (it
 * comes before the media): a later release's backup is refused before
 * gigabytes of photos are written for nothing.  Anything else wrong with
 * it is found by upgrade(), once the archive is known to be whole. */
static int restorable(const char *dir, char *err, size_t errsz)
{
	char db[TREE_PATH_MAX], ignored[BACKUP_WHY_MAX];
	sqlite3 *h = db_in(dir, db) < 0 ? NULL : open_any(db, SQLITE_OPEN_READWRITE);
	int v = h ? db_migrate_version(h, ignored, sizeof ignored) : -1;
	sqlite3_close(h);
	return v > db_schema_version ? later_release(RESTORED_DB, v, "restore it", err, errsz) : 0;
}

/* A database of an earlier release brought to this release's schema by
 * the migration runner, in the new directory before it goes into place;
 * no copy beside it: the backup file is the database as it was. */
static int upgrade(const char *dir, struct backup_restore_report *rep,
		   char *err, size_t errsz)
{
	char db[TREE_PATH_MAX], why[BACKUP_WHY_MAX] = "";
	struct db_migrate_result res;
	if (db_in(dir, db) < 0)
		return fail(err, errsz, "%s: path too long", dir);
	enum db_migrate_outcome o = db_migrate_restored(db, db_migrate_builtin,
			db_migrate_builtin_count, &res, why, sizeof why);
	rep->schema_from = res.from;
	rep->schema_to = res.to;
	if (o == DB_MIGRATE_CURRENT || o == DB_MIGRATE_UPGRADED)
		return 0;
	if (o == DB_MIGRATE_NEWER)
		return later_release(RESTORED_DB, res.from, "restore it", err, errsz);
	if (res.from < DB_MIGRATE_FIRST_VERSION)
		return fail(err, errsz, RESTORED_DB " is not a site database: %s", why);
	return fail(err, errsz, RESTORED_DB " (schema version %d) could not be upgraded "
		    "to %d: %s", res.from, db_schema_version, why);
}

static int extract_all(struct archive *a, const char *dir, struct entries *es,
		       char *err, size_t errsz)
{
	struct archive_entry *h;
	int r;
	while ((r = archive_read_next_header(a, &h)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(h);
		struct entry *e = name ? find_entry(es, name) : NULL;
		if (!e)
			return fail(err, errsz, "%s: not in the manifest", name ? name : "(no name)");
		if (e->seen++ || archive_entry_filetype(h) != AE_IFREG ||
		    archive_entry_size(h) != e->bytes)
			return fail(err, errsz, "%s: twice, not a file, or of another size", name);
		if (extract(a, dir, e, err, errsz) < 0 ||
		    (strcmp(name, BACKUP_DB_NAME) == 0 && restorable(dir, err, errsz) < 0))
			return -1;
	}
	if (r != ARCHIVE_EOF)
		return fail(err, errsz, "reading the archive: %s", archive_error_string(a));
	for (size_t i = 0; i < es->n; i++) {
		if (!es->v[i].seen)
			return fail(err, errsz, "%s: in the manifest but not in the archive",
				    es->v[i].name);
	}
	return 0;
}

static int unpack(const char *path, const char *dir, struct entries *es,
		  char *err, size_t errsz)
{
	struct archive *a = archive_read_new();
	if (!a)
		abort();
	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	int rc = archive_read_open_filename(a, path, BACKUP_CHUNK) != ARCHIVE_OK ?
		fail(err, errsz, "%s: %s", path, archive_error_string(a)) : 0;
	if (rc == 0)
		rc = read_manifest(a, es, err, errsz);
	if (rc == 0)
		rc = extract_all(a, dir, es, err, errsz);
	archive_read_free(a);
	return rc;
}

/* parent and base name of dir ("a/b/" -> "a", "b"; "b" -> ".", "b"). */
static int split_dir(const char *dir, char parent[TREE_PATH_MAX], char base[TREE_PATH_MAX])
{
	char d[TREE_PATH_MAX];
	if (snprintf(d, sizeof d, "%s", dir) >= (int)sizeof d)
		return -1;
	size_t n = strlen(d);
	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	char *slash = strrchr(d, '/');
	snprintf(base, TREE_PATH_MAX, "%s", slash ? slash + 1 : d);
	if (!slash)
		snprintf(parent, TREE_PATH_MAX, ".");
	else if (slash == d)
		snprintf(parent, TREE_PATH_MAX, "/");
	else
		snprintf(parent, TREE_PATH_MAX, "%.*s", (int)(slash - d), d);
	return *base && strcmp(base, ".") && strcmp(base, "..") ? 0 : -1;
}

/* The parts of a data directory a backup does not carry. */
static int add_layout(const char *dir)
{
	static const char *const sub[] = { "media", "media/tmp", "run", "log" };
	char path[TREE_PATH_MAX];
	for (size_t i = 0; i < sizeof sub / sizeof *sub; i++) {
		if (snprintf(path, sizeof path, "%s/%s", dir, sub[i]) >= (int)sizeof path ||
		    (mkdir(path, BACKUP_DIR_MODE) < 0 && errno != EEXIST))
			return -1;
	}
	return 0;
}

/* Move tmp to dir; dir's old content (force) aside first, removed after. */
static int swap_in(const char *tmp, const char *dir, const char *parent,
		   const char *base, int replace, char *err, size_t errsz)
{
	char old[TREE_PATH_MAX];
	if (!replace) {
		if (rename(tmp, dir) < 0)
			return fail(err, errsz, "cannot move %s to %s: %s", tmp, dir, strerror(errno));
		return 0;
	}
	if (snprintf(old, sizeof old, "%s/.%s.old-%ld", parent, base,
		     (long)getpid()) >= (int)sizeof old || rename(dir, old) < 0)
		return fail(err, errsz, "cannot move %s aside: %s", dir, strerror(errno));
	if (rename(tmp, dir) < 0) {
		int e = errno;
		rename(old, dir);
		return fail(err, errsz, "cannot move %s to %s: %s", tmp, dir, strerror(e));
	}
	if (tree_remove(old) < 0)
		fprintf(stderr, "restore: could not remove all of the old %s\n", old);
	return 0;
}

int backup_restore(const char *path, const char *dir, int force,
		   backup_finish_fn finish, void *ctx,
		   struct backup_restore_report *rep, char *err, size_t errsz)
{
	char parent[TREE_PATH_MAX], base[TREE_PATH_MAX], tmp[TREE_PATH_MAX];
	struct entries es = { 0 };
	memset(rep, 0, sizeof *rep);
	if (split_dir(dir, parent, base) < 0)
		return fail(err, errsz, "%s: not a usable directory name", dir);
	int content = tree_has_content(dir);
	if (content < 0)
		return fail(err, errsz, "%s exists and is not a directory", dir);
	if (content && !force)
		return fail(err, errsz, "%s is not empty (--force replaces it)", dir);
	if (snprintf(tmp, sizeof tmp, "%s/.%s.restore-XXXXXX", parent, base) >= (int)sizeof tmp ||
	    !mkdtemp(tmp))
		return fail(err, errsz, "cannot make a directory in %s: %s", parent, strerror(errno));
	chmod(tmp, BACKUP_DIR_MODE);
	int rc = unpack(path, tmp, &es, err, errsz);
	if (rc == 0)
		rc = upgrade(tmp, rep, err, errsz);
	if (rc == 0 && add_layout(tmp) < 0)
		rc = fail(err, errsz, "cannot make the directories of %s", tmp);
	if (rc == 0 && finish)
		rc = finish(ctx, tmp, err, errsz);
	if (rc == 0)
		rc = swap_in(tmp, dir, parent, base, content, err, errsz);
	if (rc < 0)
		tree_remove(tmp);
	else {
		sync_dir_of(dir);
		rep->replaced = content;
		rep->files = (int)es.n - 1;
		for (size_t i = 0; i < es.n; i++)
			rep->bytes += es.v[i].bytes;
	}
	free(es.v);
	return rc;
}
