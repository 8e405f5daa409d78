/* db_rules: what the public may see, as SQL fragments shared by the data
 * layer's public queries (lib/db.c, lib/db_seo.c) - one home per rule. */
#ifndef DB_RULES_H
#define DB_RULES_H

/* Which press releases (alias p) the public sees: published ones, and
 * scheduled ones whose time has come - compared with the clock at each
 * query, so an embargo ends on time with nobody logged in (the render
 * cache follows through page_version()). */
#define PRESS_PUBLIC " AND (p.state = 'published' OR (p.state = 'scheduled'" \
	" AND p.publish_at <= CAST(strftime('%s', 'now') AS INTEGER)))"

/* Which photos the public sees in a gallery (alias f): the one spelling of
 * the rule for the grid, its count, the edition's figures and the photo
 * pages. */
#define GALLERY_SHOWN " AND f.published = 1 AND f.in_gallery = 1 AND f.deleted_at IS NULL"

/* What an edition's pages show (alias e, and p for press releases): the
 * public's rule, or - in a preview for a logged-in admin (db_preview) -
 * also an unpublished edition and draft or scheduled releases.  preview()
 * is a function of the connection, not a bound parameter, so that the
 * queries' signatures stay those of the public pages. */
#define EDITION_SHOWN " (e.published = 1 OR preview())"
#define PRESS_SHOWN " AND (preview() OR (p.state = 'published' OR (p.state = 'scheduled'" \
	" AND p.publish_at <= CAST(strftime('%s', 'now') AS INTEGER))))"

/* The German title of a programme session (alias s) whose talk is joined
 * as t: its own, else - when the session bears its talk's title - the
 * talk's German title, so that a talk's German title is written once.
 * '' when neither: l10n then shows the English one, marked lang="en". */
#define SESSION_TITLE_DE "CASE WHEN s.title_de = '' AND t.title = s.title" \
	" THEN t.title_de ELSE s.title_de END"

/* When the clock, not a write, last changed public pages: the latest
 * scheduled release's publication time, registration opening or closing
 * time, or end of a published edition (the UTC midnight after its last
 * day, when it stops being "upcoming": lib/db.c, db_edition) that has
 * come, 0 for none.  `where` narrows it by edition ("" for the whole
 * site, or " AND eid = te.id").  Used for Last-Modified (db_changed_at)
 * and for each edition's time of last public change (lib/db_seo.c), so
 * that both count the same moments. */
#define CLOCK_CHANGED(where) "coalesce((SELECT max(at) FROM (" \
	"SELECT edition_id AS eid, publish_at AS at FROM press WHERE state = 'scheduled'" \
	" UNION ALL SELECT edition_id, opens_at FROM registration" \
	" UNION ALL SELECT edition_id, closes_at FROM registration" \
	" UNION ALL SELECT id, CAST(strftime('%s', coalesce(ends, starts), '+1 day')" \
	"  AS INTEGER) FROM edition WHERE published = 1)" \
	" WHERE at <= CAST(strftime('%s', 'now') AS INTEGER)" where "), 0)"

#endif
