/* Times one photo import as the admin program does it, for `make bench`:
 *
 *   image_import MEDIA_ROOT PHOTO
 *
 * image_import() decodes PHOTO, makes the web size and the thumbnail
 * and stores both under MEDIA_ROOT.  Prints one line:
 *   import_ms=N web=WxH thumb=WxH
 * The peak memory is measured from outside (/usr/bin/time -v), so the
 * process does nothing else worth counting. */
#include <stdio.h>
#include <time.h>

#include "image.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	struct image_sizes img;
	char err[256] = "";
	if (argc != 3) {
		fputs("usage: image_import MEDIA_ROOT PHOTO\n", stderr);
		return 2;
	}
	if (image_init() < 0) {
		fputs("image_import: libvips did not start\n", stderr);
		return 1;
	}
	double t0 = now_ms();
	int rc = image_import(argv[1], argv[2], &img, err, sizeof err);
	double t1 = now_ms();
	if (rc < 0) {
		fprintf(stderr, "image_import: %s\n", err);
		return 1;
	}
	printf("import_ms=%.0f web=%dx%d thumb=%dx%d\n", t1 - t0,
	       img.web.width, img.web.height, img.thumb.width, img.thumb.height);
	return 0;
}
