/* slides_zip: see slides_zip.h. */
#include "slides_zip.h"
#include "space.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include <sodium.h>

/* 2000-01-01 00:00:00 in MS-DOS form (APPNOTE.TXT 4.4.6): date bits are
 * (year-1980)<<9 | month<<5 | day, time 0.  Set as DOS fields, not as a
 * time_t, since libzip would turn a time_t into local time. */
#define SLIDES_ZIP_DOS_DATE ((2000 - 1980) << 9 | 1 << 5 | 1)
#define SLIDES_ZIP_DOS_TIME 0
#define SLIDES_ZIP_MODE     0100644u   /* a regular file, rw-r--r-- */
#define SLIDES_ZIP_FILE_MODE 0644      /* readable by the web server */

static int add_entry(zip_t *z, const struct slides_zip_entry *e)
{
	zip_source_t *src = zip_source_file(z, e->path, 0, -1);
	if (!src)
		return -1;
	zip_int64_t i = zip_file_add(z, e->name, src, ZIP_FL_ENC_UTF_8);
	if (i < 0) {
		zip_source_free(src);
		return -1;
	}
	zip_uint64_t k = (zip_uint64_t)i;
	return zip_set_file_compression(z, k, ZIP_CM_STORE, 0) < 0 ||
	       zip_file_set_dostime(z, k, SLIDES_ZIP_DOS_TIME, SLIDES_ZIP_DOS_DATE, 0) < 0 ||
	       zip_file_set_external_attributes(z, k, 0, ZIP_OPSYS_UNIX,
						SLIDES_ZIP_MODE << 16) < 0 ? -1 : 0;
}

/* What the archive holds, as its comment: SLIDES_ZIP_COMMENT and the
 * SHA-256 of each entry's name, file and size.  The files are the
 * stored ones, named by the SHA-256 of their bytes, so the same comment
 * means the same archive.  0, or -1 when a file cannot be read. */
static int manifest(const struct slides_zip_entry *e, size_t n,
		char out[SLIDES_ZIP_COMMENT_MAX])
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char size[32];
	struct stat sb;
	crypto_hash_sha256_init(&st);
	for (size_t i = 0; i < n; i++) {
		if (stat(e[i].path, &sb) < 0) {
			fprintf(stderr, "slides_zip: %s: %s\n", e[i].path, strerror(errno));
			return -1;
		}
		int k = snprintf(size, sizeof size, "%lld", (long long)sb.st_size);
		crypto_hash_sha256_update(&st, (const unsigned char *)e[i].name, strlen(e[i].name) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)e[i].path, strlen(e[i].path) + 1);
		crypto_hash_sha256_update(&st, (const unsigned char *)size, (size_t)k + 1);
	}
	crypto_hash_sha256_final(&st, digest);
	memcpy(out, SLIDES_ZIP_COMMENT, sizeof SLIDES_ZIP_COMMENT - 1);
	sodium_bin2hex(out + sizeof SLIDES_ZIP_COMMENT - 1, 2 * sizeof digest + 1,
		       digest, sizeof digest);
	return 0;
}

/* Whether dest is an archive whose comment is want: only its end (the
 * central directory) is read, never the entries. */
static int holds(const char *dest, const char *want)
{
	int err = 0, len = 0;
	zip_t *z = zip_open(dest, ZIP_RDONLY, &err);
	if (!z)
		return 0;
	const char *c = zip_get_archive_comment(z, &len, ZIP_FL_ENC_RAW);
	int same = c && (size_t)len == strlen(want) && memcmp(c, want, (size_t)len) == 0;
	zip_discard(z);
	return same;
}

static int write_zip(const char *path, const struct slides_zip_entry *e, size_t n,
		const char *comment)
{
	int err = 0;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z) {
		fprintf(stderr, "slides_zip: cannot open %s (libzip error %d)\n", path, err);
		return -1;
	}
	if (zip_set_archive_comment(z, comment, (zip_uint16_t)strlen(comment)) < 0) {
		zip_discard(z);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (add_entry(z, &e[i]) < 0) {
			fprintf(stderr, "slides_zip: %s: %s\n", e[i].path, zip_strerror(z));
			zip_discard(z);
			return -1;
		}
	}
	/* zip_close reads the sources now: a file missing shows here. */
	if (zip_close(z) < 0) {
		zip_error_t *ze = zip_get_error(z);
		fprintf(stderr, "slides_zip: cannot write %s: %s\n", path, zip_strerror(z));
		if (zip_error_system_type(ze) == ZIP_ET_SYS)
			space_note("slides_zip", zip_error_code_system(ze));
		zip_discard(z);
		return -1;
	}
	return chmod(path, SLIDES_ZIP_FILE_MODE);
}

static int remove_zip(const char *dest)
{
	if (unlink(dest) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
	fprintf(stderr, "slides_zip: cannot remove %s: %s\n", dest, strerror(errno));
	return -1;
}

int slides_zip_write(const char *dest, const struct slides_zip_entry *entries, size_t n)
{
	char tmp[4200], comment[SLIDES_ZIP_COMMENT_MAX];
	if (n == 0)
		return remove_zip(dest);
	const char *slash = strrchr(dest, '/');
	const char *base = slash ? slash + 1 : dest;
	/* The writer's pid in the temp name (store.h): a worker killed while
	 * writing leaves nothing its supervisor does not remove. */
	if (n > SLIDES_ZIP_ENTRIES_MAX || manifest(entries, n, comment) < 0 ||
	    snprintf(tmp, sizeof tmp, "%.*s" STORE_LINK_TMP "%ld-%s", (int)(base - dest), dest,
		     (long)getpid(), base) >= (int)sizeof tmp)
		return -1;
	/* Every change to the edition comes here: a caption edit must not
	 * cost reading every PDF again. */
	if (holds(dest, comment))
		return 0;
	if (write_zip(tmp, entries, n, comment) < 0) {
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, dest) < 0) {
		space_note("slides_zip: rename", errno);
		fprintf(stderr, "slides_zip: cannot rename %s: %s\n", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 1;
}
