/* db_func: the SQL functions the queries call to make presentation text
 * where the data is (dates and numbers in a language's form, a talk's
 * address, a video's player address, the preview's media addresses), and
 * preview() with db_preview(). */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "video.h"

/* ---- SQL functions: presentation text made where the data is ---- */

static const char *const month_name[2][12] = {
	{ "January", "February", "March", "April", "May", "June", "July",
	  "August", "September", "October", "November", "December" },
	{ "Januar", "Februar", "M\xc3\xa4rz", "April", "Mai", "Juni", "Juli",
	  "August", "September", "Oktober", "November", "Dezember" },
};

#define EN_DASH "\xe2\x80\x93"

struct ymd { int y, m, d; };

/* Strict 'YYYY-MM-DD'; 0 or -1. */
static int parse_iso(const unsigned char *s, struct ymd *t)
{
	static const char pat[] = "dddd-dd-dd";
	if (!s || strlen((const char *)s) != sizeof pat - 1)
		return -1;
	for (size_t i = 0; i < sizeof pat - 1; i++) {
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return -1;
	}
	t->y = atoi((const char *)s);
	t->m = atoi((const char *)s + 5);
	t->d = atoi((const char *)s + 8);
	return (t->m >= 1 && t->m <= 12 && t->d >= 1 && t->d <= 31) ? 0 : -1;
}

static int is_de(sqlite3_value *lang)
{
	const unsigned char *l = sqlite3_value_text(lang);
	return l && strcmp((const char *)l, "de") == 0;
}

/* Texts admins write in both languages.  l10n(lang, en, de): the text a
 * page in lang shows - its own language's when written, else the other
 * one's (a German page shows the English review until someone translates
 * it; an imprint written only in German still appears on the English
 * page).  l10n_lang(lang, en, de): the language of that text when it is
 * not the page's ("en" or "de"), else "" - the templates write it as
 * lang="..." on the element (WCAG 2.1 SC 3.1.2, Language of Parts), and
 * leave the attribute out when it is "". */
static const char *const l10n_code[2] = { "en", "de" };

/* 0: show en, 1: show de (argv: lang, en, de). */
static int l10n_pick(sqlite3_value **argv)
{
	int de = is_de(argv[0]);
	int own = sqlite3_value_bytes(argv[1 + de]) > 0;
	int other = sqlite3_value_bytes(argv[2 - de]) > 0;
	return own || !other ? de : !de;
}

static void sql_l10n(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_value(ctx, argv[1 + l10n_pick(argv)]);
}

static void sql_l10n_lang(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int pick = l10n_pick(argv);
	sqlite3_result_text(ctx, pick == is_de(argv[0]) ? "" : l10n_code[pick], -1,
			    SQLITE_STATIC);
}

/* "5 December 2023" / "5. Dezember 2023"; parts select day, month, year. */
enum { D = 1, M = 2, Y = 4 };

static void put_date(struct buf *b, const struct ymd *t, int de, int parts)
{
	if (parts & D)
		buf_printf(b, de ? "%d." : "%d", t->d);
	if ((parts & M) && t->m >= 1 && t->m <= 12)
		buf_printf(b, "%s%s", (parts & D) ? " " : "",
			   month_name[de != 0][t->m - 1]);
	if (parts & Y)
		buf_printf(b, " %d", t->y);
}

static void result_buf(sqlite3_context *ctx, struct buf *b)
{
	sqlite3_result_text(ctx, b->data ? b->data : "", (int)b->len,
			    SQLITE_TRANSIENT);
	buf_free(b);
}

/* fmt_date(iso, lang): NULL stays NULL; text that is not a date is passed
 * through unchanged rather than silently dropped. */
static void sql_fmt_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *s = sqlite3_value_text(argv[0]);
	struct ymd t;
	if (!s) {
		sqlite3_result_null(ctx);
		return;
	}
	if (parse_iso(s, &t) < 0) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	struct buf b = BUF_INIT;
	put_date(&b, &t, is_de(argv[1]), D | M | Y);
	result_buf(ctx, &b);
}

/* fmt_date_range(starts, ends, lang): one day, "16–18 March 2021",
 * "30 November – 2 December 2023", or two full dates across years.  The
 * day-only form takes the dash unspaced, the others spaced (the usual
 * typographic convention in both languages). */
static void sql_fmt_date_range(sqlite3_context *ctx, int argc,
			       sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *s = sqlite3_value_text(argv[0]);
	const unsigned char *e = sqlite3_value_text(argv[1]);
	int de = is_de(argv[2]);
	struct ymd a, z;
	if (!s) {
		sqlite3_result_text(ctx, "", 0, SQLITE_STATIC);
		return;
	}
	if (parse_iso(s, &a) < 0) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	struct buf b = BUF_INIT;
	if (!e || parse_iso(e, &z) < 0 || strcmp((const char *)s, (const char *)e) == 0) {
		put_date(&b, &a, de, D | M | Y);
	} else if (a.y == z.y && a.m == z.m) {
		put_date(&b, &a, de, D);
		buf_puts(&b, EN_DASH);
		put_date(&b, &z, de, D | M | Y);
	} else {
		put_date(&b, &a, de, a.y == z.y ? D | M : D | M | Y);
		buf_puts(&b, " " EN_DASH " ");
		put_date(&b, &z, de, D | M | Y);
	}
	result_buf(ctx, &b);
}

/* German writes a decimal comma and groups thousands with a point
 * ("1,2 MB", "1.000"): the C locale's '.' and the digits become that. */
static void to_german_number(char *s)
{
	for (; *s; s++)
		*s = *s == '.' ? ',' : *s == ',' ? '.' : *s;
}

/* fmt_size(bytes [, lang]): decimal (SI) units as file managers show them;
 * one decimal below 100 of a unit ("2.4 MB", German "2,4 MB"), none above
 * ("850 KB"). */
static void sql_fmt_size(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	static const char *const unit[] = { "KB", "MB", "GB", "TB" };
	int de = argc > 1 && is_de(argv[1]);
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_int64 n = sqlite3_value_int64(argv[0]);
	char out[32];
	if (n < 1000) {
		snprintf(out, sizeof out, "%lld %s", (long long)n,
			 n == 1 ? (de ? "Byte" : "byte") : (de ? "Bytes" : "bytes"));
	} else {
		double x = (double)n / 1000.0;
		size_t u = 0;
		/* Promote on the rounded value: 999 960 bytes is "1.0 MB",
		 * not "1000 KB". */
		while (x >= 999.5 && u + 1 < sizeof unit / sizeof *unit) {
			x /= 1000.0;
			u++;
		}
		if (x < 99.95)
			snprintf(out, sizeof out, "%.1f %s", x, unit[u]);
		else
			snprintf(out, sizeof out, "%.0f %s", x, unit[u]);
		if (de)
			to_german_number(out);
	}
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* fmt_int(n, lang): a count with its thousands grouped, "1,000" in
 * English, "1.000" in German. */
static void sql_fmt_int(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	long long n = sqlite3_value_int64(argv[0]);
	char digits[32], out[48];
	int len = snprintf(digits, sizeof digits, "%lld", n < 0 ? -n : n);
	size_t k = 0;
	if (n < 0)
		out[k++] = '-';
	for (int i = 0; i < len; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	if (is_de(argv[1]))
		to_german_number(out);
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

int db_talk_path(char *out, size_t n, int year, const char *slug)
{
	int k = snprintf(out, n, DB_TALKS_DIR "/%04d-%s.pdf", year, slug);
	return k > 0 && (size_t)k < n ? 0 : -1;
}

int db_slides_zip_path(char *out, size_t n, int year)
{
	int k = snprintf(out, n, DB_TALKS_DIR "/%04d-slides.zip", year);
	return k > 0 && (size_t)k < n ? 0 : -1;
}

/* talk_path(year, slug): db_talk_path for the queries, so that SQL never
 * spells the stable name itself. */
static void sql_talk_path(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char out[DB_TALK_PATH_MAX];
	const unsigned char *slug = sqlite3_value_text(argv[1]);
	(void)argc;
	if (!slug || db_talk_path(out, sizeof out, sqlite3_value_int(argv[0]),
				  (const char *)slug) < 0) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* video_site(url): "YouTube" or "Vimeo"; video_start(url): "1:30" when
 * the stored address starts later than the beginning, else "".  Stored
 * addresses are normal forms (lib/video.h), so the address is the truth
 * and no column can disagree with it. */
static void sql_video_site(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct video vd;
	const unsigned char *u = sqlite3_value_text(argv[0]);
	(void)argc;
	int ok = u && video_parse((const char *)u, &vd) == 0;
	sqlite3_result_text(ctx, ok ? video_site(vd.kind) : "", -1, SQLITE_STATIC);
}

static void sql_video_start(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct video vd;
	char t[16] = "";
	const unsigned char *u = sqlite3_value_text(argv[0]);
	(void)argc;
	if (u && video_parse((const char *)u, &vd) == 0)
		video_start_text(vd.start, t);
	sqlite3_result_text(ctx, t, -1, SQLITE_TRANSIENT);
}

#define SLUG_MAX 80                /* bytes of a file name's readable part */

/* slug(text): lower-case ASCII letters and digits, every other run of
 * characters one '-', none at either end, at most SLUG_MAX bytes: the
 * readable part of a download's file name, which nginx accepts as
 * [a-z0-9-]+ and may put into Content-Disposition (RFC 6266) as is. */
static void sql_slug(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const unsigned char *p = sqlite3_value_text(argv[0]);
	char out[SLUG_MAX + 1];
	size_t n = 0;
	int dash = 0;
	for (; p && *p && n < SLUG_MAX; p++) {
		int c = *p >= 'A' && *p <= 'Z' ? *p + 32 : *p;
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n && n + 1 < SLUG_MAX)
				out[n++] = '-';
			out[n++] = (char)c;
			dash = 0;
		} else {
			dash = 1;
		}
	}
	out[n] = '\0';
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* video_embed(url): the player's address for the click-to-load frame
 * (video_embed_url), "" when there is nothing to play. */
static void sql_video_embed(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct video vd;
	char out[VIDEO_URL_MAX] = "";
	const unsigned char *u = sqlite3_value_text(argv[0]);
	(void)argc;
	if (u && video_parse((const char *)u, &vd) == 0 && video_embed_url(&vd, out, sizeof out) < 0)
		out[0] = '\0';
	sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

/* ---- previews: what a logged-in admin may see on the public pages ---- */

/* A stored file's address: a prefix and media.path ("ab/<sha256>.jpg"). */
#define MEDIA_URL_MAX 256

static int preview_on;

void db_preview(int on)
{
	preview_on = on != 0;
}

/* preview(): 1 while db_preview is on, else 0. */
static void sql_preview(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_int(ctx, preview_on);
}

/* media_url(path): the address of a stored file for the page being made:
 * /media/PATH for the public, /admin/media/PATH in a preview - an
 * unpublished edition's files wait in the private store, which only the
 * admin program serves (with the session; README.md, "Taking things
 * down").  NULL stays NULL. */
static void sql_media_url(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char out[MEDIA_URL_MAX];
	const unsigned char *path = sqlite3_value_text(argv[0]);
	(void)argc;
	int n = path ? snprintf(out, sizeof out, "%s/%s",
				preview_on ? "/admin/media" : "/media", path) : -1;
	if (n < 0 || (size_t)n >= sizeof out)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, out, n, SQLITE_TRANSIENT);
}

int db_func_register(sqlite3 *db)
{
	static const struct {
		const char *name;
		int nargs;
		void (*fn)(sqlite3_context *, int, sqlite3_value **);
		int varies;     /* depends on db_preview: not deterministic */
	} fns[] = {
		{ "fmt_date", 2, sql_fmt_date, 0 },
		{ "fmt_date_range", 3, sql_fmt_date_range, 0 },
		{ "fmt_size", 1, sql_fmt_size, 0 },
		{ "fmt_size", 2, sql_fmt_size, 0 },
		{ "fmt_int", 2, sql_fmt_int, 0 },
		{ "talk_path", 2, sql_talk_path, 0 },
		{ "video_site", 1, sql_video_site, 0 },
		{ "video_start", 1, sql_video_start, 0 },
		{ "video_embed", 1, sql_video_embed, 0 },
		{ "slug", 1, sql_slug, 0 },
		{ "l10n", 3, sql_l10n, 0 },
		{ "l10n_lang", 3, sql_l10n_lang, 0 },
		{ "preview", 0, sql_preview, 1 },
		{ "media_url", 1, sql_media_url, 1 },
	};
	const int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS;
	for (size_t i = 0; i < sizeof fns / sizeof *fns; i++)
		if (sqlite3_create_function_v2(db, fns[i].name, fns[i].nargs,
					       flags | (fns[i].varies ? 0 : SQLITE_DETERMINISTIC),
					       NULL, fns[i].fn, NULL, NULL, NULL))
			return -1;
	return 0;
}
