/* admin_check: `admin check [--db PATH] [--hashes] [--repair]` on the
 * command line (lib/check.h).  Exit status: 0 all is well, 3 problems
 * found (or left after --repair), 1 the check could not run. */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

#define CHECK_EXIT_PROBLEMS 3

static void say(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
}

int admin_cmd_check(int argc, char **argv)
{
	const char *db = admin_db_option(&argc, argv);
	int flags = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--hashes") == 0)
			flags |= CHECK_HASHES;
		else if (strcmp(argv[i], "--repair") == 0)
			flags |= CHECK_REPAIR;
		else
			return -1;
	}
	struct check_report r;
	int left = check_run(db, flags, &r, say, NULL);
	if (left < 0) {
		fprintf(stderr, "admin check: cannot check %s\n", db);
		return 1;
	}
	printf("check %s: %d media files%s; %d problem%s found, %d repaired, %d left%s\n",
	       db, r.files, (flags & CHECK_HASHES) ? " (hashes read)" : "",
	       left + r.repaired, left + r.repaired == 1 ? "" : "s", r.repaired, left,
	       r.young ? " (young files left alone)" : "");
	return left ? CHECK_EXIT_PROBLEMS : 0;
}
