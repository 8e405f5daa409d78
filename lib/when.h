/* when: the organisers' time zone.  Times are stored as Unix seconds
 * (UTC) and entered and shown in WHEN_ZONE, which the programs that do so
 * make their process's zone (when_zone_init) so that the C library's
 * tzdata rules settle daylight saving time. */
#ifndef WHEN_H
#define WHEN_H

#include <stddef.h>

#define WHEN_ZONE "Europe/Berlin"
#define WHEN_LOCAL_LEN 16          /* "2026-12-02T09:00" (HTML's datetime-local) */

/* Make WHEN_ZONE the process's zone (TZ, tzset).  0 or -1. */
int when_zone_init(void);

/* "2026-12-02T09:00" in WHEN_ZONE: Unix seconds, or -1 (malformed, or a
 * day the month has not).  mktime settles daylight saving itself (tm_isdst
 * -1); a time the clocks skip is moved on by the hour. */
long long when_parse_local(const char *s);

/* at (Unix seconds) in WHEN_ZONE with strftime's fmt into out[n]; "" when
 * at <= 0 or it does not fit. */
void when_format(char *out, size_t n, long long at, const char *fmt);

#endif
