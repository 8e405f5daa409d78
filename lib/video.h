/* video: the addresses of session videos an admin pastes - every common
 * YouTube form (watch, youtu.be with share parameters, start time, live,
 * shorts, embed, playlist, channel, search) and Vimeo - read into one
 * normal form that is stored and linked.  Nothing is fetched: the address
 * alone decides. */
#ifndef VIDEO_H
#define VIDEO_H

#include <stddef.h>

#define VIDEO_URL_MAX    300      /* a pasted address, bytes */
#define VIDEO_ID_MAX     208      /* a video id, list, channel or query */
#define VIDEO_START_MAX  86400    /* a start time beyond a day is a typo */

enum video_kind {
	VIDEO_YOUTUBE,            /* one video: id, optional list and start */
	VIDEO_YOUTUBE_PLAYLIST,   /* list */
	VIDEO_YOUTUBE_CHANNEL,    /* id: "@name" or "channel/UC..." */
	VIDEO_YOUTUBE_SEARCH,     /* id: the query as it stands in the URL */
	VIDEO_VIMEO,              /* id: "123" or "123/abcdef" (unlisted), start */
};

struct video {
	enum video_kind kind;
	char id[VIDEO_ID_MAX];
	char list[VIDEO_ID_MAX];
	long start;               /* seconds from the beginning, 0: none */
};

/* Read url (http or https or none, the hosts above, any case in the
 * host).  0, or -1 when it is no address of a video, playlist, channel or
 * search this module knows. */
int video_parse(const char *url, struct video *v);
/* The normal form: https://www.youtube.com/watch?v=ID&list=L&t=90s,
 * .../playlist?list=L, .../@name, .../channel/UC..., .../results?
 * search_query=Q, https://vimeo.com/ID#t=90s.  0, or -1 if out is too
 * small. */
int video_url(const struct video *v, char *out, size_t outsz);
/* url into its normal form in out: 0, or -1 as video_parse. */
int video_normalise(const char *url, char *out, size_t outsz);
/* The address of the site's own player for a click-to-load frame, in
 * the sites' privacy modes: youtube-nocookie.com (no cookies until
 * playback) and Vimeo's dnt=1 (no tracking).  "" for a channel or a search
 * (nothing to play: the page links them).  0, or -1 if out is too small. */
int video_embed_url(const struct video *v, char *out, size_t outsz);
/* "YouTube" or "Vimeo". */
const char *video_site(enum video_kind k);
/* A start time as people write it: "0:45", "1:30", "1:02:03"; "" for 0. */
void video_start_text(long seconds, char out[16]);

#endif
