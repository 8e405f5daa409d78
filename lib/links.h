/* links: the media tree follows the database.
 *
 * The rules (one home each, the queries in lib/db_links.c):
 * - a talk's stable name (db_talk_path, media/talks/YEAR-SLUG.pdf, a
 *   symlink to its stored file) exists exactly while the talk has slides,
 *   is not in the trash and its edition is published;
 * - a stored file (media/ab/<sha256>.ext) lies in the served tree exactly
 *   while the public may see it (db_links_each_media: a live talk or a
 *   live, published photo of a published edition); otherwise it is moved
 *   to the private store next to it, VARDIR/private/ab/<sha256>.ext, which
 *   no web server serves.  Taking something down takes it off the web;
 *   restoring or publishing brings it back.  A site of the first release,
 *   whose files all lie in media/, is sorted when the admin first starts.
 * - the edition's slides ZIP (db_slides_zip_path, media/talks/YEAR-slides.zip,
 *   lib/slides_zip.h) exists exactly while the edition is published and
 *   one of its live talks has slides; it holds those slides, "NN-SLUG.pdf"
 *   in the talks' order, and is rebuilt with the talks' names.
 * Nothing else creates or removes a stable name or moves a stored file.
 *
 * Call links_reconcile_edition() after every commit that touches an
 * edition (the admin's admin_commit does), and links_reconcile_all() when
 * a site is made (`admin init`) and when the admin program starts, so that
 * a crash between a commit and its links heals itself.  Both are
 * idempotent.  Outside a transaction they hold the database's write lock
 * (BEGIN IMMEDIATE) while they work, so two processes reconciling at once
 * are serialised and the later one sees the later state; inside one they
 * use it.
 *
 * links_reconcile_all also deletes the stored files no media row names
 * (what a crash between storing and committing, or between a purge's
 * commit and its deletions, leaves) - but only while no admin request
 * holds the writers' lock (links_writer_enter), since a request stores its
 * files before it commits their rows; otherwise that part waits for the
 * next start.
 *
 * root is the media root (the database's directory + "/media").  Both
 * return the number of files changed (the slides ZIP, derived from the
 * names, not counted), or -1 when something could not be
 * read or changed (the rest is still done; details on stderr). */
#ifndef LINKS_H
#define LINKS_H

#include <stddef.h>

#define LINKS_PRIVATE_DIR "private"     /* next to media/: never served */
#define LINKS_LOCK_FILE   ".writers"    /* in it: the writers' lock */
#define LINKS_MARK_FILE   ".reconciled" /* in it: the state of the last whole pass */
#define LINKS_STATE_HEX   65            /* that state: a SHA-256 in hex, NUL */

int links_reconcile_edition(const char *root, long long edition_id);
int links_reconcile_all(const char *root);

/* What an admin worker does when it starts (in plain CGI: every request):
 * links_reconcile_all, unless the database still asks for what the last
 * complete links_reconcile_all made.  That pass leaves a mark,
 * LINKS_MARK_FILE in the private store: a SHA-256 over the rows of every
 * rule's query.  Comparing it costs those queries in one read
 * transaction, no file system call per file.  A change made by any
 * writer (a crash between a commit and its files included) changes the
 * rows and so brings the whole pass back; files changed by hand are not
 * noticed (`admin check --repair`).  Return as links_reconcile_all; 0
 * when nothing was to do. */
int links_reconcile_start(const char *root);
/* Forget the mark: the next start makes a whole pass (a worker died,
 * maybe between storing a file and committing its row). */
void links_mark_clear(const char *root);

/* Whether edition_id's slides ZIP should exist: 1 (its name, relative to
 * the media root, in rel), 0 (not), -1 on a database error. */
int links_slides_zip(long long edition_id, char *rel, size_t n);

/* The private store of root: "X/media" -> "X/private".  0 or -1. */
int links_private_root(const char *root, char *out, size_t n);

/* Hold the writers' lock shared (waiting while a clean-up holds it) for a
 * request that may store files: an fd for links_writer_leave, or -1. */
int links_writer_enter(const char *root);
void links_writer_leave(int fd);

/* Where stored file rel lies now: root/rel, else its private store's copy
 * (for readers of every file: backup, check).  0 with its path in out, or
 * -1 when neither exists (out then holds root/rel). */
int links_find_stored(const char *root, const char *rel, char *out, size_t n);

/* Delete a stored file for good, wherever it lies (a purge, after its
 * commit).  0, or -1 when a copy could not be removed. */
int links_remove_stored(const char *root, const char *rel);

#endif
