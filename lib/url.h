/* url: the site's configured public base URL ("https://symposium.example"
 * or "https://example.org/symposium"), from which the public pages make
 * their absolute addresses (canonical, hreflang, and what others build on
 * them: Open Graph, sitemap, feed).  One checker, used by the admin form,
 * the command line and the demo content, so a stored value is always in
 * its normal form. */
#ifndef URL_H
#define URL_H

#include <stddef.h>

#define URL_BASE_MAX 200        /* bytes of a base URL in its normal form */

/* in (surrounding spaces ignored) into its normal form in out (at least
 * URL_BASE_MAX + 1 bytes): scheme and host in lower case, no trailing
 * slash; "" stays "" (no base URL configured).  Accepted: http or https,
 * a host name (letters, digits, '-', '.'), an IPv4 address or a bracketed
 * IPv6 literal, an optional port 1-65535, an optional path of RFC 3986
 * pchars.  Refused: other schemes, user:password@, a query or fragment,
 * spaces and controls, longer than URL_BASE_MAX.  NULL on success, else
 * the reason, one sentence for a person. */
const char *url_base_normal(const char *in, char *out, size_t outsz);

#endif
