/* admin_export: `admin export [--db PATH] [--templates DIR] DIR` on the
 * command line (lib/export.h).  The page programs are taken from the
 * directory this program is in. */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export.h"

#define ERR_MAX 1024
#define EXE_MAX 4096

/* The directory of this executable (/proc/self/exe: Linux). */
static int programs_dir(char out[EXE_MAX])
{
	ssize_t n = readlink("/proc/self/exe", out, EXE_MAX - 1);
	if (n <= 0)
		return -1;
	out[n] = '\0';
	char *slash = strrchr(out, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	return 0;
}

int admin_cmd_export(int argc, char **argv)
{
	const char *env = getenv("SITE_TEMPLATES");
	struct export_config c = { .db_path = admin_db_option(&argc, argv),
				   .templates_dir = env && *env ? env : "templates" };
	char dir[EXE_MAX], err[ERR_MAX] = "";
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--templates") == 0 && i + 1 < argc)
			c.templates_dir = argv[++i];
		else if (argv[i][0] == '-' || c.out_dir)
			return -1;
		else
			c.out_dir = argv[i];
	}
	if (!c.out_dir || programs_dir(dir) < 0)
		return -1;
	c.programs_dir = dir;
	struct export_report r;
	if (export_site(&c, &r, err, sizeof err) < 0) {
		fprintf(stderr, "admin export: %s\n", err);
		return 1;
	}
	printf("exported %s to %s: %d pages, %d files: %d written, %d unchanged, %d removed\n",
	       c.db_path, c.out_dir, r.pages, r.files, r.written, r.unchanged, r.removed);
	return 0;
}
