/* backup: one file holding a whole site - a consistent copy of the
 * database and every media file it lists - and a data directory made
 * back from such a file.
 *
 * The file is a tar archive (POSIX pax, written and read with libarchive;
 * gzip-compressed when its name ends in .gz or .tgz).  Its first entry is
 * BACKUP_MANIFEST, a text file:
 *
 *   symposium-backup 1
 *   <sha256 hex> <bytes> site.db
 *   <sha256 hex> <bytes> media/ab/ab12...ef.jpg
 *   ...
 *
 * followed by exactly the files it names.  Stored files are content-
 * addressed and never change, so copying the database first and then the
 * files its copy lists gives a consistent backup while the site serves
 * and admins upload: a file added after the copy is simply not in it. */
#ifndef BACKUP_H
#define BACKUP_H

#include <stddef.h>

#define BACKUP_MANIFEST      "MANIFEST"
#define BACKUP_MAGIC         "symposium-backup 1"
#define BACKUP_MANIFEST_MAX  (16 * 1024 * 1024)  /* ~200,000 files */
#define BACKUP_FILES_MAX     200000
#define BACKUP_HEX_LEN       64

struct backup_report {
	long long db_bytes;         /* the database copy */
	int files;                  /* media files */
	long long file_bytes;       /* their bytes */
	long long archive_bytes;    /* the archive's size */
	char sha256[BACKUP_HEX_LEN + 1];   /* the archive's SHA-256 */
};

/* Write the backup of the site whose database is db_path (its media root:
 * the database's directory + "/media") to out_path: built as
 * out_path.tmp-XXXXXX and renamed into place when complete, so out_path is
 * a whole backup or untouched.  A site of an earlier schema version is
 * copied as it is (so a backup can be taken before an upgrade); one of a
 * later version is refused.  Fails (naming the file) when a listed file
 * is missing or its bytes do not match its size and hash.  0 or -1 (reason
 * in err). */
int backup_create(const char *db_path, const char *out_path,
		  struct backup_report *rep, char *err, size_t errsz);

/* Called by backup_restore with the complete new data directory, before
 * it is moved into place: rebuild what is derived (links), check it.  0,
 * or -1 to give up (reason in err). */
typedef int (*backup_finish_fn)(void *ctx, const char *newdir, char *err, size_t errsz);

struct backup_restore_report {
	int files;                  /* media files */
	long long bytes;            /* all bytes written, database included */
	int replaced;               /* 1: dir had content (force) and was replaced */
	int schema_from, schema_to; /* the database's version in the backup, and now */
};

/* Make the data directory dir from the backup at path: all or nothing.
 * Refuses a dir that exists and is not empty unless force.  Writes into a
 * new directory next to dir, checks every file's size and SHA-256 against
 * the manifest (and that nothing else is in the archive), upgrades a
 * database of an earlier release with the migration runner
 * (db_migrate_restored) and refuses one of a later release, adds
 * media/tmp, run and log, calls finish (may be NULL), then renames it to
 * dir (a dir that had content is moved aside first and removed after).
 * 0 or -1 (reason in err; nothing changed). */
int backup_restore(const char *path, const char *dir, int force,
		   backup_finish_fn finish, void *ctx,
		   struct backup_restore_report *rep, char *err, size_t errsz);

/* The SHA-256 (lower-case hex) and size of the file at path.  0 or -1. */
int backup_file_sha256(const char *path, char hex[BACKUP_HEX_LEN + 1], long long *bytes);

/* The media root of the site whose database is db_path: the database's
 * directory + "/media" (as the admin program finds it). */
void backup_media_root(const char *db_path, char out[4096]);

/* Whether rel is a name a stored file may have: "ab/<64 hex>.<ext>" with
 * ab the hash's first two digits and ext [a-z0-9]{1,8}. */
int backup_media_name(const char *rel);

#endif
