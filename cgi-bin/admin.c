/* admin: the administration program.
 *
 * On the command line it runs one of the commands below; otherwise (no
 * command: FastCGI, CGI, or the --listen options of lib/serve.h) it serves
 * the admin pages (admin_serve.c).  main() is a dispatch table: a command
 * is a name, a function and a usage line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "db_migrate.h"
#include "demo.h"
#include "serve.h"

#define ADMIN_EXIT_USAGE 2      /* as the shells' builtins use it */
#define ADMIN_ERR_MAX    512

struct admin_cmd {
	const char *name;
	int (*run)(int argc, char **argv);   /* argv[0] is the command name */
	const char *usage;
};

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

/* init VARDIR [--empty]: a new site; see lib/demo.h. */
static int cmd_init(int argc, char **argv)
{
	const char *vardir = NULL;
	int empty = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--empty") == 0)
			empty = 1;
		else if (argv[i][0] == '-' || vardir)
			return -1;
		else
			vardir = argv[i];
	}
	if (!vardir || !*vardir)
		return -1;

	const char *schema = env_or("SITE_SCHEMA", "schema.sql");
	const char *content = empty ? NULL : env_or("SITE_DEMO", "deploy/demo/content.xml");
	struct demo_report r;
	char err[ADMIN_ERR_MAX] = "";
	int rc = demo_init(vardir, schema, content, &r, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "admin init: %s\n", err);
		return 1;
	}
	if (rc == 1) {
		printf("%s/site.db exists already: nothing done\n", vardir);
		return 0;
	}
	printf("created %s/site.db from %s%s%s\n", vardir, schema,
			content ? " with " : " (empty site)", content ? content : "");
	printf("  directories: media/ media/tmp/ run/ log/\n");
	if (content)
		printf("  rows: editions %d, press releases %d, presentations %d, "
				"videos %d, photos %d\n  media: %d files in %s/media\n",
				r.editions, r.press, r.presentations, r.videos, r.photos,
				r.media, vardir);
	return 0;
}

struct migrate_say {
	const char *path;
	const struct db_migrate_result *r;
	int copy_said;
};

/* The copy first: it is written before the first step runs. */
static void say_copy(struct migrate_say *say)
{
	if (!say->copy_said && say->r->backup[0])
		printf("%s: copy of version %d written to %s\n", say->path,
		       say->r->from, say->r->backup);
	say->copy_said = 1;
}

static void migrated(const struct db_migration *m, void *ctx)
{
	say_copy(ctx);
	printf("  applied %s\n", m->name);
}

/* migrate [--db PATH]: upgrade a site of an earlier release; see
 * lib/db_migrate.h. */
static int cmd_migrate(int argc, char **argv)
{
	const char *path = env_or("SITE_DB", "var/site.db");
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
			path = argv[++i];
		else
			return -1;
	}
	struct db_migrate_result r;
	struct migrate_say say = { path, &r, 0 };
	char err[ADMIN_ERR_MAX] = "";
	enum db_migrate_outcome o = db_migrate_run(path, db_migrate_builtin,
			db_migrate_builtin_count, migrated, &say, &r, err, sizeof err);
	say_copy(&say);
	if (o == DB_MIGRATE_CURRENT)
		printf("%s: schema version %d is current, nothing to do\n", path, r.to);
	else if (o == DB_MIGRATE_UPGRADED)
		printf("%s: upgraded from schema version %d to %d\n", path, r.from, r.to);
	else
		fprintf(stderr, "admin migrate: %s%s\n", err, *r.backup ?
			" (the copy above is the database as it was)" : "");
	return o == DB_MIGRATE_CURRENT || o == DB_MIGRATE_UPGRADED ? 0 : 1;
}

static const struct admin_cmd commands[] = {
	{ "init", cmd_init, "init VARDIR [--empty]   create VARDIR and its site (demo content unless --empty)" },
	{ "migrate", cmd_migrate, "migrate [--db PATH]   upgrade a site of an earlier release (a copy is kept beside it)" },
	{ "user", admin_cmd_user, "user add|passwd|del NAME [--db PATH]   password from the terminal or stdin" },
	{ "user", admin_cmd_user, "user list [--db PATH]" },
	{ "backup", admin_cmd_backup, "backup [--db PATH] FILE   the database and its media files in one tar file" },
	{ "restore", admin_cmd_restore, "restore FILE DIR [--force]   a data directory from a backup, every hash checked" },
	{ "export", admin_cmd_export, "export [--db PATH] [--templates DIR] DIR   the public site as static files" },
	{ "site", admin_cmd_site, "site [--db PATH] [--base-url URL]   show the site's public base URL, or set it (\"\" unsets)" },
	{ "check", admin_cmd_check, "check [--db PATH] [--hashes] [--repair]   exit 0 when database and files agree, 3 when not" },
};

#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* Every command, then the server's options: `admin --help` (stdout, 0)
 * and any misuse (stderr, ADMIN_EXIT_USAGE).  The manual,
 * man/symposium-admin.8, has an entry per command. */
static int usage(FILE *out, int status)
{
	fputs("usage: admin COMMAND [ARGS]\n", out);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  admin %s\n", commands[i].usage);
	fputs("  admin [--listen SOCKET [--workers N]] [--db PATH] [--templates DIR]"
	      "   serve the admin pages\n", out);
	fputs("  admin --help   this list\n", out);
	fputs("environment: SITE_SCHEMA (default schema.sql), "
	      "SITE_DEMO (default deploy/demo/content.xml), "
	      "SITE_DB (default var/site.db), SITE_TEMPLATES (default templates)\n", out);
	return status;
}

static int is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0 ||
	       strcmp(arg, "help") == 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && is_help(argv[1]))
		return usage(stdout, 0);
	/* Typed at a terminal without a command: neither a web server (a
	 * socket or CGI's variables) nor systemd started it. */
	if (argc < 2 && isatty(STDIN_FILENO) && !getenv("REQUEST_METHOD"))
		return usage(stderr, ADMIN_EXIT_USAGE);
	if (argc < 2 || argv[1][0] == '-')
		return serve_main(argc, argv, &admin_page);
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(argv[1], commands[i].name) != 0)
			continue;
		int rc = commands[i].run(argc - 1, argv + 1);
		return rc < 0 ? usage(stderr, ADMIN_EXIT_USAGE) : rc;
	}
	return usage(stderr, ADMIN_EXIT_USAGE);
}
