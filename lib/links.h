/* links: the media tree follows the database.
 *
 * The rule (one home): a talk's stable name (db_talk_path,
 * media/talks/YEAR-SLUG.pdf, a symlink to its stored file) exists exactly
 * while the talk has slides, is not in the trash and its edition is
 * published.  The queries in lib/db_links.c say what should exist; the
 * functions here make the files match, and nothing else creates or
 * removes a stable name.
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
 * root is the media root (the database's directory + "/media").  Both
 * return the number of files changed, or -1 when something could not be
 * read or changed (the rest is still done; details on stderr). */
#ifndef LINKS_H
#define LINKS_H

int links_reconcile_edition(const char *root, long long edition_id);
int links_reconcile_all(const char *root);

#endif
