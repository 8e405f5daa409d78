/* programme: an edition's programme, /YEAR/programme, and its calendar
 * files (RFC 5545): /YEAR/programme.ics, the edition as one event, and
 * /YEAR/programme/ID.ics, one session; each also under /de in German (the
 * texts admins write in German where written, URL the German page). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_programme.h"
#include "ical.h"
#include "page.h"

/* The UID's domain when no public base URL is configured (RFC 5545
 * 3.8.4.7: globally unique, "id@domain"); .invalid never names a host. */
#define PROGRAMME_UID_HOST "symposium.invalid"
#define PROGRAMME_PRODID   "-//Symposium site//Programme//EN"

static long long num(const struct tmpl_vars *v, const char *name)
{
	const char *s = tmpl_get(v, name);
	return s ? atoll(s) : 0;
}

static void html(struct http_req *r, struct http_resp *w, int year, const char *lang)
{
	struct tmpl_vars *v = page_vars();
	enum db_result rc = page_edition(v, year, PAGE_PROGRAMME, lang);
	if (rc == DB_FOUND)
		rc = page_programme(v, year, lang);
	/* Nothing to show (no sessions, and no registration or a past
	 * edition's): no such page, like an empty gallery. */
	if (rc == DB_FOUND && num(v, "session_count") == 0 &&
	    !(*tmpl_get(v, "has_registration") && num(v, "upcoming")))
		rc = DB_MISSING;
	page_answer(r, w, rc, "programme.xml", v);
}

/* "https://host[:port][/path]" -> host into out; the fixed domain else. */
static void uid_host(const struct tmpl_vars *v, char *out, size_t n)
{
	const char *base = tmpl_get(v, "base_url"), *h;
	snprintf(out, n, "%s", PROGRAMME_UID_HOST);
	if (base && (h = strstr(base, "://")) != NULL && h[3]) {
		h += 3;
		snprintf(out, n, "%.*s", (int)strcspn(h, ":/"), h);
	}
}

/* The page's absolute address for the URL property, in the file's
 * language ("l": "" or "/de"), "" without a base. */
static void page_address(const struct tmpl_vars *v, char *out, size_t n, int year)
{
	const char *base = tmpl_get(v, "base_url"), *l = tmpl_get(v, "l");
	if (base && *base)
		snprintf(out, n, "%s%s/%04d/programme", base, l ? l : "", year);
	else
		*out = '\0';
}

/* The language a text is in for the LANGUAGE parameter (RFC 5545
 * 3.2.10): its *_lang name says it when it is not the page's (the
 * English text shown while the German is empty, lib/db.c l10n_lang). */
static const char *text_lang(const struct tmpl_vars *v, const char *name, const char *lang)
{
	const char *other = tmpl_get(v, name);
	return other && *other ? other : lang;
}

static void send_ics(struct http_resp *w, struct buf *cal, const char *filename)
{
	char disp[96];
	buf_reset(&w->body);
	buf_put(&w->body, cal->data, cal->len);
	w->content_type = ICAL_MIME;
	snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", filename);
	http_resp_header(w, "Content-Disposition", disp);
	w->cacheable = 1;
	w->last_modified = db_changed_at();
}

/* The place: the venue and its address on one line. */
static void location(const struct tmpl_vars *v, const char *room, struct buf *out)
{
	const char *venue = tmpl_get(v, "venue"), *addr = tmpl_get(v, "address");
	buf_puts(out, "");
	if (room && *room)
		buf_printf(out, "%s", room);
	if (venue && *venue)
		buf_printf(out, "%s%s", out->len ? ", " : "", venue);
	if (addr && *addr)
		buf_printf(out, "%s%s", out->len ? ", " : "", addr);
}

/* The edition's title is a name, the same in both languages: its
 * SUMMARY carries no LANGUAGE. */
static void edition_ics(struct http_req *r, struct http_resp *w, int year, const char *lang)
{
	struct tmpl_vars *v = page_vars();
	char host[128], uid[160], url[320], name[48];
	struct buf cal = BUF_INIT, where = BUF_INIT;
	enum db_result rc = page_edition(v, year, PAGE_PROGRAMME, lang);
	if (rc != DB_FOUND) {
		page_error(r, w, rc == DB_MISSING ? 404 : 500);
		return;
	}
	uid_host(v, host, sizeof host);
	snprintf(uid, sizeof uid, "edition-%04d@%s", year, host);
	page_address(v, url, sizeof url, year);
	location(v, NULL, &where);
	/* With a programme the event spans its sessions; without one it
	 * covers the edition's days. */
	struct ical_event e = { .uid = uid, .starts = num(v, "first_start"),
		.ends = num(v, "last_end"), .date_start = tmpl_get(v, "starts"),
		.date_end = tmpl_get(v, "ends"), .summary = tmpl_get(v, "title"),
		.description = tmpl_get(v, "summary"), .location = where.data,
		.url = url, .stamp = (long long)db_changed_at(),
		.description_lang = text_lang(v, "summary_lang", lang) };
	ical_begin(&cal, PROGRAMME_PRODID);
	if (ical_event(&cal, &e) == 0) {
		ical_end(&cal);
		snprintf(name, sizeof name, "symposium-%04d.ics", year);
		send_ics(w, &cal, name);
	} else {
		page_error(r, w, 404);     /* no date announced yet */
	}
	buf_free(&cal);
	buf_free(&where);
}

/* DESCRIPTION: the speakers, names without a language. */
static void session_ics(struct http_req *r, struct http_resp *w, int year, long id,
		const char *lang)
{
	struct tmpl_vars *v = page_vars();
	char host[128], uid[160], url[320], name[64];
	struct buf cal = BUF_INIT, where = BUF_INIT;
	enum db_result rc = page_edition(v, year, PAGE_PROGRAMME, lang);
	if (rc == DB_FOUND)
		rc = db_programme_session(v, year, id, lang);
	if (rc != DB_FOUND) {
		page_error(r, w, rc == DB_MISSING ? 404 : 500);
		return;
	}
	uid_host(v, host, sizeof host);
	snprintf(uid, sizeof uid, "session-%ld@%s", id, host);
	page_address(v, url, sizeof url, year);
	location(v, tmpl_get(v, "room"), &where);
	struct ical_event e = { .uid = uid, .starts = num(v, "starts_at"),
		.ends = num(v, "ends_at"), .summary = tmpl_get(v, "title"),
		.description = tmpl_get(v, "speakers"),
		.location = where.data, .url = url, .stamp = (long long)db_changed_at(),
		.summary_lang = text_lang(v, "title_lang", lang) };
	ical_begin(&cal, PROGRAMME_PRODID);
	ical_event(&cal, &e);       /* the schema keeps ends after starts */
	ical_end(&cal);
	snprintf(name, sizeof name, "symposium-%04d-session-%ld.ics", year, id);
	send_ics(w, &cal, name);
	buf_free(&cal);
	buf_free(&where);
}

static void handle(struct http_req *r, struct http_resp *w)
{
	const char *rest;
	int year = r->path[0] == '/' ? page_year(r->path + 1, &rest) : -1;
	long id;
	if (year < 0) {
		page_error(r, w, 404);
	} else if (strcmp(rest, "/programme") == 0) {
		html(r, w, year, page_lang());
	} else if (strcmp(rest, "/programme.ics") == 0) {
		edition_ics(r, w, year, page_lang());
	} else if (strncmp(rest, "/programme/", 11) == 0 && strlen(rest) > 15 &&
		   strcmp(rest + strlen(rest) - 4, ".ics") == 0) {
		char digits[24];
		snprintf(digits, sizeof digits, "%.*s", (int)(strlen(rest) - 15), rest + 11);
		if ((id = page_id(digits)) > 0)
			session_ics(r, w, year, id, page_lang());
		else
			page_error(r, w, 404);
	} else {
		page_error(r, w, 404);
	}
}

int main(int argc, char **argv)
{
	return page_main(argc, argv, "programme", handle);
}
