/* A small site database for the public pages' tests: schema.sql plus a
 * fixture that has one of every case the queries must tell apart
 * (unpublished edition, rows in the trash, photos outside the gallery,
 * positions out of insertion order, a missing translation). */
#ifndef SITE_FIXTURE_H
#define SITE_FIXTURE_H

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "testdb.h"

static const char fixture_sql[] =
	"INSERT INTO site (id, name, background_html, contact_name, contact_role,"
	" contact_phone, contact_email, imprint_html, changed_at) VALUES"
	" (1, 'Test Symposium', '<p>About.</p>', 'Ann Example', 'Project management',"
	"  '+49 89 123 45-6', 'ann@example.org', '<p>Imprint.</p>', 1700000000);"
	"INSERT INTO edition (id, year, title, starts, ends, venue, address, headline,"
	" summary, published) VALUES"
	" (1, 2021, 'Symposium 2021', '2021-03-16', '2021-03-18', 'Online', '',"
	"  'Translational medicine', 'Three days online.', 1),"
	" (2, 2023, 'Symposium 2023', '2023-12-05', NULL, 'TranslaTUM',"
	"  'Einsteinstrasse 25, Munich', 'Big Data - Big Outcome?', 'One day.', 1),"
	" (3, 2025, 'Secret 2025', '2025-05-01', NULL, '', '', '', '', 0),"
	" (4, 2024, 'Symposium 2024', NULL, NULL, '', '', '', '', 1);"
	"INSERT INTO media (id, sha256, path, mime, bytes, pages, width, height, created_at) VALUES"
	" (1, 'a1', 'a1/a1.pdf', 'application/pdf', 2400000, 18, NULL, NULL, 0),"
	" (2, 'b2', 'b2/b2.pdf', 'application/pdf', 850000, 1, NULL, NULL, 0),"
	" (3, 'c3', 'c3/c3.jpg', 'image/jpeg', 50000, NULL, 400, 267, 0),"
	" (4, 'd4', 'd4/d4.jpg', 'image/jpeg', 500000, NULL, 1600, 1067, 0);"
	"INSERT INTO presentation (edition_id, position, slug, title, speakers,"
	" affiliation, media_id, created_at, deleted_at) VALUES"
	" (2, 2, 'second', 'Second talk', 'B. Speaker', 'Uni B', 2, 0, NULL),"
	" (2, 1, 'first', 'First talk', 'A. Speaker', 'Uni A', 1, 0, NULL),"
	" (2, 3, 'gone', 'Deleted talk', 'C. Speaker', '', 1, 0, 1700000000),"
	" (2, 4, 'noslides', 'No slides', 'D. Speaker', '', NULL, 0, NULL),"
	" (3, 1, 'secret', 'Secret talk', 'E. Speaker', '', 1, 0, NULL);"
	"INSERT INTO video (edition_id, position, title, url, created_at, deleted_at) VALUES"
	" (2, 2, 'Afternoon', 'https://www.youtube.com/watch?v=b', 0, NULL),"
	" (2, 1, 'Morning', 'https://www.youtube.com/watch?v=a', 0, NULL),"
	" (2, 3, 'Removed', 'https://www.youtube.com/watch?v=c', 0, 5);"
	"INSERT INTO photo (id, edition_id, position, in_gallery, published, thumb_id,"
	" web_id, alt, decorative, caption, credit, created_at, deleted_at) VALUES"
	" (1, 2, 5, 1, 1, 3, 4, 'Fifth', 0, 'Caption 5', 'Fotorechte: BioM', 0, NULL),"
	" (2, 2, 1, 1, 1, 3, 4, 'First', 0, 'Caption 1', 'Fotorechte: BioM', 0, NULL),"
	" (3, 2, 3, 1, 1, 3, 4, '', 1, '', 'Fotorechte: BioM', 0, NULL),"
	" (4, 2, 2, 1, 1, 3, 4, 'Second', 0, 'Caption 2', 'Fotorechte: BioM', 0, NULL),"
	" (5, 2, 4, 1, 1, 3, 4, 'Fourth', 0, '', 'Fotorechte: BioM', 0, NULL),"
	" (6, 2, 6, 1, 0, 3, 4, 'Unpublished', 0, '', 'x', 0, NULL),"
	" (7, 2, 7, 1, 1, 3, 4, 'Deleted', 0, '', 'x', 0, 1700000000),"
	" (8, 2, 8, 0, 1, 3, 4, 'Press photo', 0, 'On stage', 'BioM', 0, NULL),"
	" (9, 3, 1, 1, 1, 3, 4, 'Secret', 0, '', 'x', 0, NULL);"
	"INSERT INTO press (edition_id, lang, released, title, subtitle, body_html,"
	" photo_id, photo_caption, photo_credit) VALUES"
	" (2, 'en', '2023-12-06', 'Secure Cloud launched', 'A subtitle', '<p>Body.</p>',"
	"  8, '', ''),"
	" (1, 'de', '2021-03-19', 'Symposium online', '', '<p>Text.</p>', NULL, '', '');"
	/* One press photo for the edition (schema version 2), as a migrated
	 * first-release site has it. */
	"UPDATE edition SET press_photo_id = 8 WHERE id = 2;";

/* A fresh database file from schema.sql plus the fixture, in a directory
 * of its own; the path is malloc'ed.  Exits the test program when the
 * schema cannot be read: nothing else can be tested without it. */
static char *fixture_db(void)
{
	char dir[] = "/tmp/site-test-XXXXXX";
	char path[sizeof dir + 16];
	if (testdb_create(dir, path, sizeof path, fixture_sql) < 0) {
		fprintf(stderr, "fixture: cannot build the database"
			" (run from the repository root)\n");
		exit(1);
	}
	return xstrdup(path);
}

static void fixture_remove(char *path)
{
	char side[512];
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
	unlink(path);
	*strrchr(path, '/') = '\0';
	rmdir(path);
	free(path);
}

/* Run sql on the file through a connection of its own (a second writer,
 * as the admin program would be). */
static int fixture_exec(const char *path, const char *sql)
{
	sqlite3 *h;
	int rc = sqlite3_open(path, &h);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
	return rc;
}

#endif
