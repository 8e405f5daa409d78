/* upload: how the admin program takes in a state-changing request.
 *
 * Order matters (OWASP ASVS 4.2.2, 12.1): nothing of the body is read
 * before the request is known to come from our own pages and, except for
 * the log-in form, from a logged-in admin (auth_gate, in lib/auth.c; the
 * router has already answered 405 to anything but a POST).  Then the size
 * is checked against CONTENT_LENGTH, the body is parsed as it streams in
 * (file parts go to temp files under media/tmp through a fixed buffer, so
 * a worker's memory does not grow with the upload), and last the CSRF
 * token of the form is compared with the session's:
 *
 *   upload_read     CONTENT_LENGTH present (411) and <= ADMIN_BODY_MAX
 *                   or the spec's form_max (413); an urlencoded body <=
 *                   ADMIN_FORM_MAX or form_max (413); Content-Type
 *                   urlencoded or multipart (415);
 *                   the body, exactly CONTENT_LENGTH bytes, well-formed
 *                   (400); the csrf field (403).
 *
 * Files are only collected here; what they are is decided by content
 * elsewhere (pdf_check, image_import).  A client's file name is
 * kept for display and never used in a path.  On any failure every temp
 * file of the request is already removed; after success the caller hands
 * them to store_put() or lets upload_release() remove them. */
#ifndef UPLOAD_H
#define UPLOAD_H

#include <stddef.h>

#include "auth.h"
#include "form.h"
#include "http.h"
#include "store.h"

/* The whole body.  A 200 MB PDF with its form fits; nginx's
 * client_max_body_size for /admin/ must be the same (256m). */
#define ADMIN_BODY_MAX     (256LL * 1024 * 1024)
/* One file, by form: slides, and each photo.  Decimal units, as the forms
 * state them ("250 MB", "30 MB"). */
#define UPLOAD_PDF_MAX     (250LL * 1000 * 1000)
#define UPLOAD_IMAGE_MAX   (30LL * 1000 * 1000)
/* File parts one request may carry: the photo form's multiple choice
 * without the script (with it, one file per request).  The body's limit
 * usually comes first. */
#define UPLOAD_FILES_MAX   100
/* A form without files: its urlencoded body, unless its spec's form_max
 * says more (deploy/programs.tsv: 64k for /admin/). */
#define ADMIN_FORM_MAX     (64 * 1024)
/* Bytes read from the web server at a time; also the write size. */
#define UPLOAD_CHUNK       (64 * 1024)
#define UPLOAD_MSG_MAX     256

/* What one form accepts. */
struct upload_spec {
	int need_session;          /* 0 only for the log-in form */
	/* File parts are accepted only in fields whose name starts with this
	 * ("file", "photo"); NULL: the form takes no files. */
	const char *file_prefix;
	long long file_max;        /* bytes per file */
	int files_max;             /* file parts, at most UPLOAD_FILES_MAX */
	/* A form with texts longer than ADMIN_FORM_MAX (0: none): the whole
	 * body, urlencoded or multipart, and each field up to it, so that a
	 * text over its own limit reaches the handler, which refuses it with
	 * the form kept; at most FORM_URLENCODED_MAX. */
	long long form_max;
};

struct upload_file {
	char field[FORM_NAME_MAX + 1];
	char name[FORM_FILENAME_MAX + 1];   /* display name; "" no file chosen */
	char path[STORE_PATH_MAX];          /* the temp file; "" when none */
	long long bytes;
	int too_large;             /* over file_max: its data was dropped */
	/* The disk was full (lib/space.h): its data was dropped, the rest of
	 * the form read; the form answers 507 and keeps its fields. */
	int no_space;
};

struct upload {
	struct auth_session session;        /* auth_gate's, when need_session */
	int has_session;
	struct form fields;
	struct upload_file files[UPLOAD_FILES_MAX];
	size_t nfiles;
	char msg[UPLOAD_MSG_MAX];           /* why it was refused */
};

/* Zero u; call before auth_gate fills u->session. */
/* The largest form without files spec takes: its form_max, else
 * ADMIN_FORM_MAX. */
long long upload_form_limit(const struct upload_spec *spec);

void upload_init(struct upload *u);

/* Read and check the body (after auth_gate).  0 (fields in u->fields, files in
 * u->files), else the status (400, 403, 411, 413, 415, 500) with u->msg
 * set and no temp file left. */
int upload_read(struct http_req *r, const struct upload_spec *spec,
		const char *media_root, struct upload *u);

/* The file sent in field, if a file was chosen there; NULL otherwise. */
struct upload_file *upload_file(struct upload *u, const char *field);

/* Forget a file after store_put took it (it removes the temp file). */
void upload_forget(struct upload_file *f);

/* Remove the temp files left and free the fields.  u may be reused after
 * upload_init. */
void upload_release(struct upload *u);

#endif
