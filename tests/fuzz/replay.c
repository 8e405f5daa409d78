/* Runs a libFuzzer target's LLVMFuzzerTestOneInput on each file named on
 * the command line, without libFuzzer: `make fuzz-replay` builds the
 * targets with plain ASan/UBSan and this driver, so saved inputs are
 * re-checked on every test run.  A failing input aborts (sanitizer report
 * or the target's own check); the exit status is 0 when all ran. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		perror(path);
		buf_free(&b);
		return -1;
	}
	/* An exact-size copy, so ASan sees reads past the input's end. */
	uint8_t *copy = xmalloc(b.len);
	for (size_t i = 0; i < b.len; i++)
		copy[i] = (uint8_t)b.data[i];
	LLVMFuzzerTestOneInput(copy, b.len);
	free(copy);
	buf_free(&b);
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0;
	for (int i = 1; i < argc; i++)
		if (replay(argv[i]) < 0)
			rc = 1;
	return rc;
}
