/* admin_backup: `admin backup --db PATH FILE` and `admin restore FILE DIR
 * [--force]` on the command line (lib/backup.h). */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#include "backup.h"
#include "check.h"

#define ERR_MAX 1024
#define MB (1024.0 * 1024.0)

int admin_cmd_backup(int argc, char **argv)
{
	const char *db = admin_db_option(&argc, argv);
	if (argc != 2 || argv[1][0] == '-')
		return -1;
	struct backup_report r;
	char err[ERR_MAX] = "";
	if (backup_create(db, argv[1], &r, err, sizeof err) < 0) {
		fprintf(stderr, "admin backup: %s\n", err);
		return 1;
	}
	printf("wrote %s: %s (%.1f MB), %d media files (%.1f MB), %s\n", argv[1],
	       "site.db", r.db_bytes / MB, r.files, r.file_bytes / MB, BACKUP_MANIFEST);
	printf("  %lld bytes; SHA-256:\n%s  %s\n", r.archive_bytes, r.sha256, argv[1]);
	return 0;
}

static void say_err(void *ctx, const char *line)
{
	(void)ctx;
	fprintf(stderr, "  %s\n", line);
}

/* The new directory before it goes into place: its links made, its
 * database sound (the files' hashes are already checked). */
static int restored_ok(void *ctx, const char *dir, char *err, size_t errsz)
{
	char db[4096];
	struct check_report r;
	int *links = ctx;
	snprintf(db, sizeof db, "%s/site.db", dir);
	if (check_run(db, CHECK_REPAIR_LINKS, &r, NULL, NULL) < 0) {
		snprintf(err, errsz, "the restored site could not be checked or its files "
			 "sorted (above)");
		return -1;
	}
	if (r.integrity || r.foreign_keys || r.missing || r.wrong_size) {
		check_run(db, 0, &r, say_err, NULL);
		snprintf(err, errsz, "the restored site fails its check (above)");
		return -1;
	}
	*links = r.repaired;
	return 0;
}

int admin_cmd_restore(int argc, char **argv)
{
	const char *args[2];
	int force = 0, n = 0, links = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = 1;
		else if (argv[i][0] == '-' || n == 2)
			return -1;
		else
			args[n++] = argv[i];
	}
	if (n != 2)
		return -1;
	struct backup_restore_report r;
	char err[ERR_MAX] = "";
	if (backup_restore(args[0], args[1], force, restored_ok, &links, &r, err, sizeof err) < 0) {
		fprintf(stderr, "admin restore: %s; nothing changed\n", err);
		return 1;
	}
	printf("restored %s into %s%s: site.db and %d media files (%.1f MB), "
	       "every SHA-256 checked; %d talk links made\n", args[0], args[1],
	       r.replaced ? " (its old content removed)" : "", r.files, r.bytes / MB, links);
	if (r.schema_to > r.schema_from)
		printf("  its database upgraded from schema version %d to %d "
		       "(the backup file keeps version %d)\n", r.schema_from, r.schema_to,
		       r.schema_from);
	return 0;
}
