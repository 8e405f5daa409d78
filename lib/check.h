/* check: does a site's data agree with itself?  The database's own
 * integrity and foreign keys, every stored file the database lists (there,
 * of the right size, with --hashes of the right SHA-256), files and media
 * rows nothing refers to (orphans), and the talks' stable links
 * (media/talks/YEAR-SLUG.pdf) against the rule of lib/db_admin.c.
 *
 * Repair removes orphans (rows and files) and remakes the links; damage
 * to the database or a missing or altered file it cannot repair: those
 * need a backup (admin restore).
 *
 * Files and rows younger than CHECK_GRACE_SECONDS are left alone: an
 * upload stores its file before its transaction adds the row, so a young
 * file without a row may be one that is still arriving. */
#ifndef CHECK_H
#define CHECK_H

#define CHECK_GRACE_SECONDS 600

enum check_flags {
	CHECK_HASHES = 1,       /* read every file and compare its SHA-256 */
	CHECK_REPAIR = 2,       /* remove orphans, remake the links */
	CHECK_REPAIR_LINKS = 4, /* remake the links and sort the stored files
				   into media/ and private/ (a restore) */
};

struct check_report {
	int integrity;          /* integrity_check messages */
	int foreign_keys;       /* rows whose parent is missing */
	int missing;            /* listed files that are not there */
	int wrong_size;
	int wrong_hash;
	int orphan_files;       /* files no media row lists */
	int unused_rows;        /* media rows nothing refers to */
	int bad_links;          /* stable links missing, stale, dangling or unknown */
	int young;              /* files or rows left alone for their age */
	int repaired;           /* what --repair fixed, of the above */
	int files;              /* media rows looked at */
};

/* One line of the report for the person running the check. */
typedef void (*check_say_fn)(void *ctx, const char *line);

/* Check (and with CHECK_REPAIR repair) the site whose database is db_path;
 * its media root is the database's directory + "/media".  Each problem
 * and each repair is said in one line.  Returns the number of problems
 * left (0: all is well), or -1 when the check itself could not run. */
int check_run(const char *db_path, int flags, struct check_report *rep,
	      check_say_fn say, void *ctx);

#endif
