/* when: Europe/Berlin in and out. */
#include "when.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int when_zone_init(void)
{
	if (setenv("TZ", WHEN_ZONE, 1) < 0)
		return -1;
	tzset();
	return 0;
}

long long when_parse_local(const char *s)
{
	struct tm tm = { .tm_isdst = -1 };
	char tail;
	if (strlen(s) != WHEN_LOCAL_LEN || s[10] != 'T' ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tail) != 5 ||
	    tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59)
		return -1;
	int mday = tm.tm_mday;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = mktime(&tm);
	return t == (time_t)-1 || tm.tm_mday != mday ? -1 : (long long)t;
}

void when_format(char *out, size_t n, long long at, const char *fmt)
{
	struct tm tm;
	time_t t = (time_t)at;
	if (n)
		out[0] = '\0';
	if (at > 0 && localtime_r(&t, &tm) && strftime(out, n, fmt, &tm) == 0 && n)
		out[0] = '\0';
}
