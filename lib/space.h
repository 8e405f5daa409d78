/* space: telling "the disk is full" apart from every other failure.
 *
 * A write that fails for want of space - the file system is full
 * (ENOSPC), a quota is used up (EDQUOT), a file size limit is reached
 * (EFBIG), or SQLite reports SQLITE_FULL (which is what it makes of a
 * write's ENOSPC) - is not the client's fault and not a bug: the admin
 * answers 507 Insufficient Storage (RFC 4918 11.5) and keeps the form, so
 * the same submit succeeds once space is freed.  The modules that write
 * (upload, store, image, db) note such a failure where it happens, with
 * its cause on stderr; the admin asks afterwards whether one was noted
 * while it answered the request.  Process-wide: one request at a time per
 * worker. */
#ifndef SPACE_H
#define SPACE_H

/* 1 when err (an errno) means no space: ENOSPC, EDQUOT, EFBIG. */
int space_errno(int err);

/* 1 when SQLite's extended result code `code`, with the system errno it
 * saw (sqlite3_system_errno), means no space: SQLITE_FULL, or an I/O
 * error whose errno is one of space_errno's. */
int space_sqlite(int code, int sys_errno);

/* When err means no space: log "out of space: WHAT: strerror (errno N)"
 * to stderr and remember it; returns 1.  Else 0, nothing remembered.
 * errno is left as it was. */
int space_note(const char *what, int err);

/* The same for a SQLite failure (logged with its code). */
int space_note_sqlite(const char *what, int code, int sys_errno);

/* Has a failure for want of space been noted since space_clear()? */
int space_short(void);
void space_clear(void);

#endif
