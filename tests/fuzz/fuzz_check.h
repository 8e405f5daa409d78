/* What the fuzz targets' own checks share. */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stddef.h>
#include <stdlib.h>

/* A failed check is a finding: libFuzzer saves the input that aborted. */
static inline void check(int ok)
{
	if (!ok)
		abort();
}

/* UTF-8 as RFC 3629 shapes it (lead byte, then continuation bytes; no
 * two-byte overlong), enough to tell a split sequence from a whole one. */
static inline int utf8_valid(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
		if (!len || i + len > n || (len == 2 && c < 0xC2))
			return 0;
		for (size_t k = 1; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
		i += len;
	}
	return 1;
}

#endif
