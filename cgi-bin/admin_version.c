/* admin_version: no lost updates.  Every edit form carries the version of
 * the row it was loaded from; a save made after someone else's is refused
 * (409) with the form as typed and the names of the fields that changed.
 *
 * The version is a fingerprint of the row as the form shows it: per field,
 * ADMIN_VERSION_HEX hex digits of BLAKE2b over the stored value.  It needs
 * no column in the schema, works the same for every table (and for a press
 * release not written yet), and - unlike a counter - says which fields the
 * other save changed.  A change and its undo look like no change, which
 * loses nothing.  The check runs inside the save's transaction (BEGIN
 * IMMEDIATE holds the write lock), so no save can slip in between. */
#include "admin.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "db.h"

#define ADMIN_VERSION_BYTES 4                        /* per field */
#define ADMIN_VERSION_HEX   (2 * ADMIN_VERSION_BYTES)
#define ADMIN_CHANGED_MAX   512                      /* the list of labels */

_Static_assert(ADMIN_VERSION_MAX > ADMIN_VFIELDS_MAX * ADMIN_VERSION_HEX,
	       "a version token fits ADMIN_VERSION_MAX");

static void field_hash(const struct tmpl_vars *row, const char *name,
		       char hex[ADMIN_VERSION_HEX + 1])
{
	unsigned char h[ADMIN_VERSION_BYTES];
	const char *s = tmpl_get(row, name);
	if (!s)
		s = "";
	crypto_generichash(h, sizeof h, (const unsigned char *)s, strlen(s), NULL, 0);
	sodium_bin2hex(hex, ADMIN_VERSION_HEX + 1, h, sizeof h);
}

static void make_token(const struct tmpl_vars *row, const struct admin_version *ver,
		       char out[ADMIN_VERSION_MAX])
{
	char hex[ADMIN_VERSION_HEX + 1];
	out[0] = '\0';
	for (const struct admin_vfield *f = ver->fields; f->name; f++) {
		field_hash(row, f->name, hex);
		strcat(out, hex);
	}
}

void admin_keep_version(struct admin_ctx *c)
{
	/* Over-long, it is no version of ours: it then never matches. */
	const char *version = admin_value(c, "version");
	tmpl_set(c->v, "version", strlen(version) < ADMIN_VERSION_MAX ? version : "-");
}

void admin_version_set(struct admin_ctx *c, const struct admin_version *ver)
{
	char token[ADMIN_VERSION_MAX];
	make_token(c->v, ver, token);
	tmpl_set(c->v, "version", token);
}

/* The labels of the fields whose part of the token differs, "a, b". */
static void changed_labels(const struct admin_version *ver, const char *sent,
			   const char *now, char *out, size_t outsz)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; ver->fields[i].name; i++) {
		if (memcmp(sent + i * ADMIN_VERSION_HEX, now + i * ADMIN_VERSION_HEX,
			   ADMIN_VERSION_HEX) == 0)
			continue;
		int w = snprintf(out + n, outsz - n, "%s%s", n ? ", " : "",
				 ver->fields[i].label);
		if (w < 0 || (size_t)w >= outsz - n)
			break;
		n += (size_t)w;
	}
}

/* 1 the row is as the form was loaded (or the form sent no version: a
 * script, not a browser), 0 it changed since (messages set), -1 error. */
static int version_check(struct admin_ctx *c, const struct admin_version *ver)
{
	static struct tmpl_vars *row;
	char now[ADMIN_VERSION_MAX], changed[ADMIN_CHANGED_MAX];
	const char *sent = tmpl_get(c->v, "version");
	if (!sent || !*sent)
		return 1;
	if (row)
		tmpl_vars_clear(row);
	else if (!(row = tmpl_vars_new()))
		return -1;
	if (ver->load(c, row) == DB_FAILED)
		return -1;
	make_token(row, ver, now);
	if (strcmp(sent, now) == 0)
		return 1;
	/* A token of another length was made for other fields: the form was
	 * loaded before an upgrade added or removed one (or was tampered
	 * with).  Which field changed cannot be told, and nobody else need
	 * have saved: the message says so instead of naming fields. */
	changed[0] = '\0';
	if (strlen(sent) == strlen(now))
		changed_labels(ver, sent, now, changed, sizeof changed);
	else
		tmpl_set(c->v, "conflict_upgraded", "1");
	tmpl_set(c->v, "conflict", ver->what);
	tmpl_set(c->v, "conflict_fields", changed);
	tmpl_set(c->v, "conflict_url", c->r->path);
	for (size_t i = 0; i < c->up.nfiles; i++)
		if (c->up.files[i].name[0])
			tmpl_set(c->v, "conflict_file", "1");
	/* A second Save is then a choice made knowing the other change. */
	tmpl_set(c->v, "version", now);
	return 0;
}

int admin_begin_version(struct admin_ctx *c, const struct admin_version *ver)
{
	if (admin_begin(c) < 0)
		return -1;
	int r = version_check(c, ver);
	if (r == 1)
		return 0;
	admin_rollback(c);
	if (r < 0) {
		admin_fail(c, 500, NULL);
	} else if (c->form) {
		/* The route's form, as for a 422 or a 507: whatever it sets up
		 * besides the fields (a session's talk and video choices, the
		 * site form's byte limit) is on the conflict page too. */
		c->status = 409;
		c->form(c);
	} else {
		admin_render(c, ver->tmpl, 409);
	}
	return -1;
}
