/* upload: the admin's request-body intake.  See upload.h for the order of
 * the checks and why. */
#include "upload.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "space.h"

#define URLENCODED_TYPE "application/x-www-form-urlencoded"
#define MULTIPART_TYPE  "multipart/form-data"

long long upload_form_limit(const struct upload_spec *spec)
{
	return spec->form_max ? spec->form_max : ADMIN_FORM_MAX;
}

void upload_init(struct upload *u)
{
	memset(u, 0, sizeof *u);
}

static void set_msg(struct upload *u, const char *msg)
{
	snprintf(u->msg, sizeof u->msg, "%s", msg);
}

/* ---- reading ---- */

/* Read up to n bytes, retrying short reads: the count, 0 at the end of
 * the body, -1 on an error. */
static long read_some(struct http_req *r, char *dst, size_t n)
{
	if (!r->body_read)
		return 0;
	int got = r->body_read(r->body_io, dst, (int)n);
	return got < 0 ? -1 : got;
}

/* Is the Content-Type's media type `type` (RFC 9110 8.3.1: case-
 * insensitive, parameters after ';')? */
static int media_type_is(const char *ct, const char *type)
{
	size_t n = strlen(type);
	if (!ct)
		return 0;
	ct += strspn(ct, " \t");
	if (strncasecmp(ct, type, n) != 0)
		return 0;
	ct += n;
	ct += strspn(ct, " \t");
	return *ct == '\0' || *ct == ';';
}

/* The urlencoded body, at most the form's limit, exactly CONTENT_LENGTH
 * bytes. */
static int read_urlencoded(struct http_req *r, const struct upload_spec *spec,
		struct upload *u)
{
	static char body[FORM_URLENCODED_MAX + 1];
	long long want = r->content_length;
	if (want > upload_form_limit(spec)) {
		set_msg(u, "The form is larger than this page accepts.");
		return 413;
	}
	size_t have = 0;
	/* One byte more than announced is read if sent: a body longer than
	 * its Content-Length is as wrong as a shorter one. */
	while (have < (size_t)want + 1) {
		long got = read_some(r, body + have, (size_t)want + 1 - have);
		if (got < 0) {
			set_msg(u, "The form could not be read completely.");
			return 400;
		}
		if (got == 0)
			break;
		have += (size_t)got;
	}
	if (have != (size_t)want) {
		set_msg(u, "The form's length does not match its Content-Length.");
		return 400;
	}
	struct form_error err;
	if (form_urlencoded_parse(&u->fields, body, have, &err) != FORM_OK) {
		snprintf(u->msg, sizeof u->msg, "The form is malformed: %s.", err.msg);
		return err.code == FORM_ERR_TOO_LARGE ? 413 : 400;
	}
	return 0;
}

/* ---- multipart: the callbacks ---- */

struct mp_ctx {
	struct form_mp *p;
	struct upload *u;
	const struct upload_spec *spec;
	const char *media_root;
	struct upload_file *cur;   /* the file part being received */
	int fd;                    /* its temp file, -1 before the first byte */
	int io_error;              /* a temp file could not be written */
};

static void drop_temp(struct mp_ctx *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->cur && c->cur->path[0]) {
		unlink(c->cur->path);
		c->cur->path[0] = '\0';
	}
}

static int refuse(struct mp_ctx *c, const char *msg)
{
	form_mp_refuse(c->p, msg);
	return 1;
}

static int on_begin(void *ctx, const struct form_part *part)
{
	struct mp_ctx *c = ctx;
	struct upload *u = c->u;
	const char *pre = c->spec->file_prefix;
	c->cur = NULL;
	if (!part->filename)
		return 0;
	if (!pre || strncmp(part->name, pre, strlen(pre)) != 0 || c->spec->file_max <= 0)
		return refuse(c, "a file was sent in a field that takes none");
	if (u->nfiles >= (size_t)c->spec->files_max || u->nfiles >= UPLOAD_FILES_MAX)
		return refuse(c, "more files than this form takes");
	c->cur = &u->files[u->nfiles++];
	memset(c->cur, 0, sizeof *c->cur);
	snprintf(c->cur->field, sizeof c->cur->field, "%s", part->name);
	snprintf(c->cur->name, sizeof c->cur->name, "%s", part->display_name);
	c->fd = -1;
	return 0;
}

/* A temp file could not be written.  For want of space (store.c noted
 * it) the file is dropped and the rest of the form still read, so that
 * the answer can keep it (507); any other failure ends the body (500). */
static int write_failed(struct mp_ctx *c, struct upload_file *f)
{
	drop_temp(c);
	if (space_short()) {
		f->no_space = 1;
		return 0;
	}
	c->io_error = 1;
	return refuse(c, "the upload could not be stored");
}

/* A file over its limit is not an error of the body: its data is dropped
 * and the form says which file it was, keeping the other fields. */
static int on_data(void *ctx, const struct form_part *part, const char *data,
		size_t len)
{
	struct mp_ctx *c = ctx;
	struct upload_file *f = c->cur;
	(void)part;
	if (!f || f->too_large || f->no_space)
		return 0;
	f->bytes += (long long)len;
	if (f->bytes > c->spec->file_max) {
		f->too_large = 1;
		drop_temp(c);
		return 0;
	}
	if (c->fd < 0 && store_tmp_open(c->media_root, &c->fd, f->path) < 0) {
		f->path[0] = '\0';
		return write_failed(c, f);
	}
	if (store_write_all(c->fd, data, len) < 0)
		return write_failed(c, f);
	return 0;
}

static int on_field(void *ctx, const struct form_part *part, const char *value,
		size_t len)
{
	struct mp_ctx *c = ctx;
	if (form_add(&c->u->fields, part->name, value, len) < 0)
		return refuse(c, "too many fields");
	return 0;
}

static int on_end(void *ctx, const struct form_part *part)
{
	struct mp_ctx *c = ctx;
	(void)part;
	if (c->fd >= 0 && close(c->fd) < 0) {
		c->fd = -1;
		space_note("upload: close", errno);
		return write_failed(c, c->cur);
	}
	c->fd = -1;
	c->cur = NULL;
	return 0;
}

/* Feed the body to the parser chunk by chunk, one fixed buffer, until
 * its end or one byte past CONTENT_LENGTH. */
static int feed_body(struct http_req *r, struct form_mp *p)
{
	static char chunk[UPLOAD_CHUNK];
	long long left = r->content_length + 1;
	while (left > 0) {
		size_t want = left < (long long)sizeof chunk ? (size_t)left : sizeof chunk;
		long got = read_some(r, chunk, want);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		left -= got;
		form_mp_feed(p, chunk, (size_t)got);
	}
	return 0;
}

static int mp_status(const struct form_error *e)
{
	return e->code == FORM_ERR_TOO_LARGE ? 413 : 400;
}

static int read_multipart(struct http_req *r, const struct upload_spec *spec,
		const char *media_root, struct upload *u)
{
	struct form_mp p;
	struct mp_ctx c = { &p, u, spec, media_root, NULL, -1, 0 };
	struct form_mp_callbacks cb = { &c, on_begin, on_data, on_field, on_end };
	struct form_mp_limits lim;
	form_mp_limits_default(&lim);
	lim.file_max = 0;               /* per file: on_data, with a message */
	lim.body_max = ADMIN_BODY_MAX;
	if (spec->form_max) {
		lim.field_max = (size_t)spec->form_max;
		lim.body_max = spec->form_max;
	}
	int status = 0;
	if (form_mp_init(&p, http_header(r, "Content-Type"), &cb, &lim) != FORM_OK) {
		set_msg(u, "The form's Content-Type has no usable boundary.");
		form_mp_free(&p);
		return 400;
	}
	int rd = feed_body(r, &p);
	int rc = form_mp_finish(&p);
	if (rd < 0) {
		set_msg(u, "The form could not be read completely.");
		status = 400;
	} else if (form_mp_total(&p) != r->content_length) {
		set_msg(u, "The form's length does not match its Content-Length.");
		status = 400;
	} else if (rc != FORM_OK) {
		snprintf(u->msg, sizeof u->msg, "The form is malformed: %s.",
			 form_mp_error(&p)->msg);
		status = c.io_error ? 500 : mp_status(form_mp_error(&p));
	}
	drop_temp(&c);                 /* a part cut short keeps nothing */
	form_mp_free(&p);
	return status;
}

/* ---- the whole ---- */

static int check_csrf(const struct upload_spec *spec, struct upload *u)
{
	if (!spec->need_session)
		return 0;
	if (!auth_csrf_ok(&u->session, form_get(&u->fields, "csrf"))) {
		set_msg(u, "The form has expired or was not sent from this site. "
			"Please reload the page and try again.");
		return 403;
	}
	return 0;
}

int upload_read(struct http_req *r, const struct upload_spec *spec,
		const char *media_root, struct upload *u)
{
	const char *ct = http_header(r, "Content-Type");
	int status;
	if (r->content_length < 0) {
		set_msg(u, "The request has no Content-Length.");
		return 411;
	}
	if (r->content_length > ADMIN_BODY_MAX) {
		snprintf(u->msg, sizeof u->msg, "The upload is larger than the limit "
			 "of %lld MiB.", ADMIN_BODY_MAX >> 20);
		return 413;
	}
	if (spec->form_max && r->content_length > spec->form_max) {
		snprintf(u->msg, sizeof u->msg, "The form is larger than the limit of %lld KB "
			 "of this page. Nothing was saved.", spec->form_max >> 10);
		return 413;
	}
	if (media_type_is(ct, URLENCODED_TYPE))
		status = read_urlencoded(r, spec, u);
	else if (media_type_is(ct, MULTIPART_TYPE))
		status = read_multipart(r, spec, media_root, u);
	else {
		set_msg(u, "Forms must be sent as application/x-www-form-urlencoded "
			"or multipart/form-data.");
		status = 415;
	}
	if (!status)
		status = check_csrf(spec, u);
	if (status) {
		upload_release(u);
		return status;
	}
	return 0;
}

struct upload_file *upload_file(struct upload *u, const char *field)
{
	for (size_t i = 0; i < u->nfiles; i++)
		if (strcmp(u->files[i].field, field) == 0 && u->files[i].name[0])
			return &u->files[i];
	return NULL;
}

void upload_forget(struct upload_file *f)
{
	f->path[0] = '\0';
}

void upload_release(struct upload *u)
{
	for (size_t i = 0; i < u->nfiles; i++) {
		if (u->files[i].path[0])
			unlink(u->files[i].path);
		u->files[i].path[0] = '\0';
	}
	u->nfiles = 0;
	form_free(&u->fields);
}
