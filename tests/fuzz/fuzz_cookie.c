/* libFuzzer target: form_cookie_get.
 *
 * Input: byte 0 is the cookie name's length (mod 16), then the name, then
 * the Cookie header value (up to the first NUL).  The result must not
 * depend on the output size except for "does not fit", a found value must
 * be a run of cookie-octets that occurs in the header, and out must always
 * be a NUL-terminated string inside its buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t nlen = data[0] % 16;
	if (nlen > size - 1)
		nlen = size - 1;
	char *name = xstrndup((const char *)data + 1, nlen);
	char *header = xstrndup((const char *)data + 1 + nlen, size - 1 - nlen);
	char small[8], big[FORM_COOKIE_HEADER_MAX + 1];
	/* Poison the buffers so a missing terminator shows. */
	memset(small, 'Z', sizeof small);
	memset(big, 'Z', sizeof big);
	int rs = form_cookie_get(header, name, small, sizeof small);
	int rb = form_cookie_get(header, name, big, sizeof big);
	check(memchr(small, '\0', sizeof small) != NULL);
	check(memchr(big, '\0', sizeof big) != NULL);
	check(rb >= -1 && rb <= 1 && rs >= -1 && rs <= 1);
	if (rb == 1) {
		check(strstr(header, big) != NULL);
		for (const char *c = big; *c; c++)
			check(*c > 0x20 && *c < 0x7F && !strchr("\";,\\", *c));
		if (strlen(big) < sizeof small)
			check(rs == 1 && strcmp(small, big) == 0);
		else
			check(rs == -1 && small[0] == '\0');
	} else {
		check(rs == rb && small[0] == '\0' && big[0] == '\0');
	}
	free(name);
	free(header);
	return 0;
}
