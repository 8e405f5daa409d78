/* url: the public base URL's check and normal form (RFC 3986). */
#include "url.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define URL_PORT_MAX 65535

static int is_host_char(int c)
{
	return isalnum(c) || c == '-' || c == '.';
}

/* RFC 3986 3.3 pchar without '%' (checked apart) plus '/'. */
static int is_path_char(int c)
{
	return isalnum(c) || (c && strchr("-._~!$&'()*+,;=:@/", c));
}

/* The authority [s, end): host and optional port, no userinfo.  NULL or
 * the reason. */
static const char *check_authority(const char *s, const char *end)
{
	const char *p = s;
	if (memchr(s, '@', (size_t)(end - s)))
		return "A base URL has no user name or password.";
	if (*p == '[') {                        /* RFC 3986 3.2.2: IP-literal */
		p++;
		while (p < end && (isxdigit((unsigned char)*p) || *p == ':' || *p == '.'))
			p++;
		if (p == s + 1 || p >= end || *p != ']')
			return "The host is not a valid IPv6 address in brackets.";
		p++;
	} else {
		while (p < end && is_host_char((unsigned char)*p))
			p++;
		if (p == s || *s == '.' || *s == '-' || p[-1] == '-')
			return "The address needs a host name, e.g. https://symposium.example.";
	}
	if (p == end)
		return NULL;
	if (*p != ':' || p + 1 == end)
		return "The host name may contain only letters, digits, '-' and '.'.";
	long port = 0;
	for (p++; p < end; p++) {
		if (!isdigit((unsigned char)*p) || (port = port * 10 + (*p - '0')) > URL_PORT_MAX)
			return "The port is a number from 1 to 65535.";
	}
	return port ? NULL : "The port is a number from 1 to 65535.";
}

static const char *check_path(const char *p)
{
	for (; *p; p++) {
		if (*p == '?' || *p == '#')
			return "A base URL has no query (?) or fragment (#).";
		if (*p == '%' && isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2]))
			p += 2;
		else if (!is_path_char((unsigned char)*p))
			return "The address may not contain spaces or such characters; "
			       "percent-encode them.";
	}
	return NULL;
}

static size_t scheme_len(const char *s)
{
	if (strncasecmp(s, "https://", 8) == 0)
		return 8;
	if (strncasecmp(s, "http://", 7) == 0)
		return 7;
	return 0;
}

const char *url_base_normal(const char *in, char *out, size_t outsz)
{
	while (*in == ' ' || *in == '\t')
		in++;
	size_t n = strlen(in);
	while (n && (in[n - 1] == ' ' || in[n - 1] == '\t'))
		n--;
	while (n && in[n - 1] == '/')           /* "https://x.org/" is "https://x.org" */
		n--;
	if (outsz < URL_BASE_MAX + 1)
		return "internal: the buffer is too small";
	out[0] = '\0';
	if (n == 0)
		return NULL;
	if (n > URL_BASE_MAX)
		return "The address is too long (at most 200 characters).";
	memcpy(out, in, n);
	out[n] = '\0';
	size_t sl = scheme_len(out);
	if (!sl) {
		out[0] = '\0';
		return "The address must begin with https:// or http://.";
	}
	char *host = out + sl, *path = host + strcspn(host, "/?#");
	const char *err = check_authority(host, path);
	if (!err)
		err = check_path(path);
	if (err) {
		out[0] = '\0';
		return err;
	}
	for (char *p = out; p < path; p++)      /* scheme and host: case-insensitive */
		*p = (char)tolower((unsigned char)*p);
	return NULL;
}
