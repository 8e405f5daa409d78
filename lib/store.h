/* store: the uploaded files on disk - content-addressed storage, temp
 * files of uploads being written, and stable links.
 *
 * Only the admin program and the seeding code link this module; public
 * programs serve the stored files through the web server.
 *
 * Layout under the media root (served read-only as /media/):
 *
 *   tmp/                 uploads being written; emptied at start-up
 *   ab/ab12...ef.jpg     every stored file, named by the SHA-256 of its
 *                        bytes (a client's file name is never part of a path)
 *   talks/2023-slug.pdf  stable names: relative symlinks to stored files
 *
 * Functions return 0 on success and -1 on failure. */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>

#define STORE_HEX_LEN        64          /* SHA-256 as lower-case hex */
#define STORE_EXT_MAX        8           /* "pdf", "jpg": [a-z0-9]{1,8} */
#define STORE_REL_MAX        (3 + STORE_HEX_LEN + 1 + STORE_EXT_MAX + 1)
#define STORE_PATH_MAX       4096        /* absolute paths we build */
#define STORE_TMP_STALE_SECONDS (24 * 3600) /* older temp files are leftovers */

/* One stored file. */
struct store_file {
	char sha256[STORE_HEX_LEN + 1];
	char path[STORE_REL_MAX];   /* relative to the root: "ab/ab12...ef.jpg" */
	long long bytes;
	int width, height;          /* images; 0 for other files */
	int created;                /* 1: this store put the file in place,
				       2: and made its directory too */
};

/* Create a new empty file root/tmp/up-XXXXXX (mode 0640, close-on-exec),
 * making root/tmp if needed.  *fd is open for writing; path receives its
 * name.  The caller writes, closes, then hands it to store_put() or
 * unlinks it. */
int store_tmp_open(const char *root, int *fd, char path[STORE_PATH_MAX]);

/* Write all n bytes of p to fd (retrying short writes and EINTR); 0 or -1.
 * What uploads use to fill a temp file. */
int store_write_all(int fd, const void *p, size_t n);

/* Move a finished temp file (which must lie in root/tmp/) to its content
 * address root/<2 hex>/<64 hex>.<ext>: fsync the file, rename it into
 * place, fsync the directory (and the root when the directory is new).  If
 * that content is already stored the temp file is just removed, so storing
 * the same bytes twice gives the same result.  The temp file is gone after
 * the call whether or not it succeeded. */
int store_put(const char *root, const char *tmp_path, const char *ext,
		struct store_file *out);

/* Remove the file of f again when store_put created it (a request
 * refused after storing: all or nothing), and its directory when that
 * store made it and it is empty again.  A file that was already stored
 * before stays, as rows may refer to it. */
void store_undo(const char *root, struct store_file *f);

/* Remove what a crashed writer left in root/tmp/ and half-made links in
 * root/talks/: entries not modified for STORE_TMP_STALE_SECONDS.  Younger
 * ones may belong to a request another process is still answering (plain
 * CGI and mod_fcgid start a process, and so this clean-up, per request or
 * on demand).  Returns the number of files removed, or -1. */
int store_clean_tmp(const char *root);

/* Temp files are named STORE_TMP_PREFIX "<pid>-XXXXXX" by store_tmp_open;
 * in root/talks/, what is being made there (a link, the slides ZIP) is
 * named STORE_LINK_TMP "<pid>-NAME" (hidden: never served). */
#define STORE_TMP_PREFIX "up-"
#define STORE_LINK_TMP   ".new-"
/* Remove root/tmp/ and root/talks/ temp files of the process pid, which is
 * dead (its supervisor calls this when it reaps a worker): an upload or a
 * ZIP cut short by kill -9 leaves nothing behind.  The count removed, or
 * -1. */
int store_clean_tmp_of(const char *root, long pid);

/* Point root/<link_rel> (e.g. "talks/2023-keynote.pdf") at the stored file
 * target_rel (e.g. "ab/ab12...ef.pdf") with a relative symlink, replacing
 * any previous link atomically: readers see the old file or the new one,
 * never none.  link_rel is "<dir>/<name>" with [a-z0-9-] in dir and
 * [a-z0-9.-] in name (no leading dot); target_rel must have the form
 * store_put() gives. */
int store_link(const char *root, const char *link_rel, const char *target_rel);

#endif
