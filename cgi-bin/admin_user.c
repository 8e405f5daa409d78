/* admin_user: `admin user add|passwd|del|list [NAME]` on the command line.
 * Passwords come from the terminal (no echo) or one line of stdin, never
 * from argv, which every user on the machine can read in ps. */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "db.h"
#include "db_auth.h"

#define CLI_ACTOR "cli"          /* who the audit log names for these */

const char *admin_db_option(int *argc, char **argv)
{
	const char *env = getenv("SITE_DB");
	const char *path = env && *env ? env : "var/site.db";
	int out = 0;
	for (int i = 0; i < *argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < *argc)
			path = argv[++i];
		else if (strncmp(argv[i], "--db=", 5) == 0)
			path = argv[i] + 5;
		else
			argv[out++] = argv[i];
	}
	*argc = out;
	return path;
}

static void print_user(void *ctx, const char *name, const char *created)
{
	(void)ctx;
	printf("%s\t%s\n", name, created);
}

static int list_users(void)
{
	return db_admin_each_user(print_user, NULL) < 0 ? 1 : 0;
}

static int read_pw(const char *name, char *pw, size_t size)
{
	char prompt[128];
	snprintf(prompt, sizeof prompt, "Password for %s: ", name);
	long n = auth_read_password(prompt, pw, size);
	if (n < 0) {
		fprintf(stderr, "admin user: no password given\n");
		return -1;
	}
	return 0;
}

static int change(const char *verb, const char *name)
{
	char pw[AUTH_PW_MAX + 2];
	enum auth_user_result r;
	const char *action;
	if (strcmp(verb, "del") == 0) {
		r = auth_user_del(name);
		action = "delete";
	} else {
		if (read_pw(name, pw, sizeof pw) < 0)
			return 1;
		r = strcmp(verb, "add") == 0 ? auth_user_add(name, pw) :
		    auth_user_passwd(name, pw);
		action = strcmp(verb, "add") == 0 ? "create" : "password";
		sodium_memzero(pw, sizeof pw);
	}
	if (r != AUTH_USER_OK) {
		fprintf(stderr, "admin user %s %s: %s\n", verb, name, auth_user_strerror(r));
		return 1;
	}
	char object[DB_AUTH_NAME_MAX + 8];
	snprintf(object, sizeof object, "admin %s", name);
	db_auth_audit(CLI_ACTOR, action, object, "", time(NULL));
	printf("admin user %s %s: done\n", verb, name);
	return 0;
}

int admin_cmd_user(int argc, char **argv)
{
	const char *path = admin_db_option(&argc, argv);
	if (argc < 2)
		return -1;
	const char *verb = argv[1];
	int is_list = strcmp(verb, "list") == 0;
	if (is_list ? argc != 2 : (argc != 3 || (strcmp(verb, "add") && strcmp(verb, "passwd") &&
						 strcmp(verb, "del"))))
		return -1;
	if (db_open(path, DB_READWRITE) < 0) {
		fprintf(stderr, "admin user: cannot open %s\n", path);
		return 1;
	}
	int rc = is_list ? list_users() : change(verb, argv[2]);
	db_close();
	return rc;
}
