/* video: the addresses of session videos, read into one normal form.
 *
 * Parsing is strict about what identifies the video (the id's alphabet and
 * length, the host) and lenient about the rest: share parameters (si=,
 * feature=, pp=, ab_channel=...) are dropped, since YouTube's own Share
 * button adds them.  Start times follow YouTube's "t" (90, 90s, 1m30s,
 * 1h2m3s) and "start" parameters and Vimeo's "#t=". */
#include "video.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define YT_ID_LEN       11        /* YouTube video ids */
#define YT_CHANNEL_LEN  24        /* "UC" + 22 */
#define YT_HANDLE_MIN   3         /* @handles: 3..30 characters */
#define YT_HANDLE_MAX   30
#define LIST_ID_MIN     2
#define LIST_ID_MAX     64
#define VIMEO_ID_MAX    12
#define VIMEO_HASH_MAX  20
#define QUERY_MAX       200

static const char b64url[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

/* The parts of an address, each a view into one copy of it. */
#define HOST_MAX 64

struct parts {
	char buf[VIDEO_URL_MAX + 1];
	char host[HOST_MAX];
	const char *path, *query, *frag;            /* never NULL */
};

static int only(const char *s, size_t n, const char *set)
{
	size_t i = 0;
	while (i < n && s[i] && strchr(set, s[i]))
		i++;
	return i == n;
}

static int copy_id(char *dst, const char *s, size_t n, size_t min, size_t max,
		const char *set)
{
	if (n < min || n > max || n >= VIDEO_ID_MAX || !only(s, n, set))
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* Scheme, host, path, query, fragment.  No user info, no port: a
 * video address never has them, and "youtube.com@evil" must not pass. */
static int split(const char *url, struct parts *p)
{
	size_t n = strlen(url);
	if (n == 0 || n > VIDEO_URL_MAX)
		return -1;
	memcpy(p->buf, url, n + 1);
	char *s = p->buf;
	if (strncasecmp(s, "https://", 8) == 0)
		s += 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		s += 7;
	else if (strstr(s, "://"))
		return -1;
	char *frag = strchr(s, '#');
	if (frag)
		*frag++ = '\0';
	char *query = strchr(s, '?');
	if (query)
		*query++ = '\0';
	size_t hn = strcspn(s, "/");
	if (hn == 0 || hn >= HOST_MAX || strcspn(s, "@: \t") < hn)
		return -1;
	memcpy(p->host, s, hn);
	p->host[hn] = '\0';
	p->path = s[hn] ? s + hn : "/";
	p->query = query ? query : "";
	p->frag = frag ? frag : "";
	return 0;
}

/* The value of key in a query or fragment ("a=1&b=2"): a pointer and its
 * length, or NULL.  The first occurrence counts. */
static const char *param(const char *q, const char *key, size_t *len)
{
	size_t k = strlen(key);
	while (*q) {
		size_t n = strcspn(q, "&");
		if (n > k && strncmp(q, key, k) == 0 && q[k] == '=') {
			*len = n - k - 1;
			return q + k + 1;
		}
		q += n;
		if (*q)
			q++;
	}
	return NULL;
}

/* "90", "90s", "1m30s", "1h2m3s": seconds, or -1.  A bare number is
 * seconds; after a unit, a number must have its own ("1m30" is refused). */
static long duration(const char *s, size_t n)
{
	long total = 0, num = -1;
	int units = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			num = (num < 0 ? 0 : num) * 10 + (s[i] - '0');
			if (num > VIDEO_START_MAX)
				return -1;
			continue;
		}
		const char *u = s[i] ? strchr("hms", s[i]) : NULL;
		if (!u || num < 0)
			return -1;
		total += num * (*u == 'h' ? 3600 : *u == 'm' ? 60 : 1);
		num = -1;
		units++;
	}
	if (num >= 0 && units)
		return -1;
	if (num >= 0)
		total = num;
	return n && total <= VIDEO_START_MAX ? total : -1;
}

/* t= or start= in q: 0 when absent, -1 when present but not a time. */
static int start_of(const char *q, const char *key, long *start)
{
	size_t n;
	const char *t = param(q, key, &n);
	if (!t)
		return 0;
	*start = duration(t, n);
	return *start < 0 ? -1 : 0;
}

static int host_is(const char *host, const char *const *names)
{
	for (; *names; names++)
		if (strcasecmp(host, *names) == 0)
			return 1;
	return 0;
}

/* The first path segment after prefix ("/shorts/"), up to "/" or the end. */
static const char *segment(const char *path, const char *prefix, size_t *n)
{
	size_t k = strlen(prefix);
	if (strncmp(path, prefix, k) != 0)
		return NULL;
	*n = strcspn(path + k, "/");
	return path + k;
}

static int yt_video(struct video *v, const char *id, size_t n, const char *q)
{
	size_t ln;
	const char *list = param(q, "list", &ln);
	v->kind = VIDEO_YOUTUBE;
	if (copy_id(v->id, id, n, YT_ID_LEN, YT_ID_LEN, b64url) < 0)
		return -1;
	if (list && copy_id(v->list, list, ln, LIST_ID_MIN, LIST_ID_MAX, b64url) < 0)
		return -1;
	if (start_of(q, "t", &v->start) < 0 || (!v->start && start_of(q, "start", &v->start) < 0))
		return -1;
	return 0;
}

static int hex(char c)
{
	return c && strchr("0123456789ABCDEFabcdef", c) != NULL;
}

/* A search query as it stands in the address: unreserved characters,
 * "+" and well-formed %XX only (RFC 3986 2.1, 2.3). */
static int yt_search(struct video *v, const char *q)
{
	static const char plain[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789-._~+";
	size_t n;
	const char *s = param(q, "search_query", &n);
	if (!s || !n || n > QUERY_MAX)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hex(s[i + 1]) && hex(s[i + 2]))
			i += 2;
		else if (s[i] == '%' || !strchr(plain, s[i]))
			return -1;
	}
	v->kind = VIDEO_YOUTUBE_SEARCH;
	memcpy(v->id, s, n);
	v->id[n] = '\0';
	return 0;
}

static int yt_channel(struct video *v, const char *path)
{
	size_t n;
	const char *s;
	v->kind = VIDEO_YOUTUBE_CHANNEL;
	if ((s = segment(path, "/@", &n)) != NULL) {
		v->id[0] = '@';
		return copy_id(v->id + 1, s, n, YT_HANDLE_MIN, YT_HANDLE_MAX,
			       "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.");
	}
	if ((s = segment(path, "/channel/", &n)) != NULL && n == YT_CHANNEL_LEN &&
	    strncmp(s, "UC", 2) == 0 && only(s, n, b64url)) {
		snprintf(v->id, sizeof v->id, "channel/%.*s", (int)n, s);
		return 0;
	}
	return -1;
}

static int youtube(const struct parts *p, struct video *v)
{
	static const char *const paths[] = { "/shorts/", "/live/", "/embed/", "/v/", "/e/", NULL };
	const char *path = p->path, *s;
	size_t n;
	if (strcmp(path, "/watch") == 0 && (s = param(p->query, "v", &n)))
		return yt_video(v, s, n, p->query);
	for (const char *const *pre = paths; *pre; pre++)
		if ((s = segment(path, *pre, &n)) != NULL && strcmp(s + n, "") == 0)
			return yt_video(v, s, n, p->query);
	if (strcmp(path, "/playlist") == 0 && (s = param(p->query, "list", &n))) {
		v->kind = VIDEO_YOUTUBE_PLAYLIST;
		return copy_id(v->list, s, n, LIST_ID_MIN, LIST_ID_MAX, b64url);
	}
	if (strcmp(path, "/results") == 0)
		return yt_search(v, p->query);
	return yt_channel(v, path);
}

/* vimeo.com/ID, vimeo.com/ID/HASH, vimeo.com/channels/NAME/ID,
 * player.vimeo.com/video/ID?h=HASH; start from "#t=". */
static int vimeo(const struct parts *p, struct video *v, int player)
{
	const char *path = p->path, *s, *h = NULL;
	size_t n, hn = 0;
	if (player) {
		if (!(s = segment(path, "/video/", &n)) || s[n])
			return -1;
		h = param(p->query, "h", &hn);
	} else {
		if (strncmp(path, "/channels/", 10) == 0)
			path = strchr(path + 10, '/') ? strchr(path + 10, '/') : "";
		s = path + (*path == '/');
		n = strcspn(s, "/");
		if (s[n] == '/') {
			h = s + n + 1;
			hn = strlen(h);
		}
	}
	v->kind = VIDEO_VIMEO;
	if (n < 1 || n > VIMEO_ID_MAX || !only(s, n, "0123456789") || *s == '0')
		return -1;
	if (h && (hn < 1 || hn > VIMEO_HASH_MAX || !only(h, hn, "0123456789abcdef")))
		return -1;
	snprintf(v->id, sizeof v->id, "%.*s%s%.*s", (int)n, s, h ? "/" : "", (int)hn, h ? h : "");
	return start_of(p->frag, "t", &v->start);
}

int video_parse(const char *url, struct video *v)
{
	static const char *const yt[] = { "youtube.com", "www.youtube.com", "m.youtube.com",
		"music.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com", NULL };
	static const char *const be[] = { "youtu.be", "www.youtu.be", NULL };
	static const char *const vm[] = { "vimeo.com", "www.vimeo.com", NULL };
	static const char *const pl[] = { "player.vimeo.com", NULL };
	struct parts p;
	memset(v, 0, sizeof *v);
	if (split(url, &p) < 0)
		return -1;
	if (host_is(p.host, be)) {
		size_t n = strcspn(p.path + 1, "/");
		return p.path[1 + n] ? -1 : yt_video(v, p.path + 1, n, p.query);
	}
	if (host_is(p.host, yt))
		return youtube(&p, v);
	if (host_is(p.host, vm) || host_is(p.host, pl))
		return vimeo(&p, v, host_is(p.host, pl));
	return -1;
}

int video_url(const struct video *v, char *out, size_t outsz)
{
	char start[24] = "", list[VIDEO_ID_MAX + 8] = "";
	int n;
	if (v->start)
		snprintf(start, sizeof start, "%st=%lds",
			 v->kind == VIDEO_VIMEO ? "#" : "&", v->start);
	if (v->list[0])
		snprintf(list, sizeof list, "&list=%s", v->list);
	switch (v->kind) {
	case VIDEO_YOUTUBE:
		n = snprintf(out, outsz, "https://www.youtube.com/watch?v=%s%s%s", v->id, list, start);
		break;
	case VIDEO_YOUTUBE_PLAYLIST:
		n = snprintf(out, outsz, "https://www.youtube.com/playlist?list=%s", v->list);
		break;
	case VIDEO_YOUTUBE_CHANNEL:
		n = snprintf(out, outsz, "https://www.youtube.com/%s", v->id);
		break;
	case VIDEO_YOUTUBE_SEARCH:
		n = snprintf(out, outsz, "https://www.youtube.com/results?search_query=%s", v->id);
		break;
	case VIDEO_VIMEO:
		n = snprintf(out, outsz, "https://vimeo.com/%s%s", v->id, start);
		break;
	default:
		return -1;
	}
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int video_embed_url(const struct video *v, char *out, size_t outsz)
{
	char start[24] = "", list[VIDEO_ID_MAX + 8] = "", hash[VIDEO_ID_MAX + 4] = "";
	const char *slash;
	int n = 0;
	out[0] = '\0';
	if (v->start)
		snprintf(start, sizeof start, "%sstart=%ld", v->list[0] ? "&" : "?", v->start);
	if (v->list[0])
		snprintf(list, sizeof list, "?list=%s", v->list);
	switch (v->kind) {
	case VIDEO_YOUTUBE:
		n = snprintf(out, outsz, "https://www.youtube-nocookie.com/embed/%s%s%s", v->id, list, start);
		break;
	case VIDEO_YOUTUBE_PLAYLIST:
		n = snprintf(out, outsz, "https://www.youtube-nocookie.com/embed/videoseries?list=%s", v->list);
		break;
	case VIDEO_VIMEO:
		/* An unlisted video ("123/abcdef") needs its hash as h=. */
		slash = strchr(v->id, '/');
		if (slash)
			snprintf(hash, sizeof hash, "&h=%s", slash + 1);
		start[0] = '\0';
		if (v->start)
			snprintf(start, sizeof start, "#t=%lds", v->start);
		n = snprintf(out, outsz, "https://player.vimeo.com/video/%.*s?dnt=1%s%s",
			     (int)(slash ? (size_t)(slash - v->id) : strlen(v->id)), v->id, hash, start);
		break;
	default:
		return 0;
	}
	return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

int video_normalise(const char *url, char *out, size_t outsz)
{
	struct video v;
	return video_parse(url, &v) < 0 ? -1 : video_url(&v, out, outsz);
}

const char *video_site(enum video_kind k)
{
	return k == VIDEO_VIMEO ? "Vimeo" : "YouTube";
}

void video_start_text(long s, char out[16])
{
	if (s <= 0 || s > VIDEO_START_MAX)
		out[0] = '\0';
	else if (s >= 3600)
		snprintf(out, 16, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, 16, "%ld:%02ld", s / 60, s % 60);
}
