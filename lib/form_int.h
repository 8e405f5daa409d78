/* form_int: what the form module's files share - form.c (errors, fields,
 * urlencoded bodies, cookies), form_multipart.c (the multipart/form-data
 * state machine) and form_mp_header.c (the header values it reads).  Only
 * those three include it. */
#ifndef FORM_INT_H
#define FORM_INT_H

#include <stdarg.h>

#include "form.h"

/* ---- form.c ---- */

/* The message: prefix, then fmt.  Sets the code too. */
void form_err_vset(struct form_error *e, enum form_err code,
                   const char *prefix, const char *fmt, va_list ap);

/* The same without a prefix, and only when e is not NULL; returns code. */
int form_err_set(struct form_error *e, enum form_err code,
                 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* RFC 9110 5.6.2 tchar; OWS, a space or a tab (5.6.3). */
int form_is_tchar(unsigned char c);
int form_is_ows(char c);

/* ---- form_multipart.c ---- */

/* Part p->nparts is wrong: the message ("part 3: ...") names it, the
 * parser stops.  Returns -1. */
int form_part_fail(struct form_mp *p, enum form_err code,
                   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- form_mp_header.c ---- */

/* The request's Content-Type ct (NULL when missing): multipart/form-data
 * with a usable boundary, whose delimiter it sets in p.  FORM_OK or
 * FORM_ERR_CONTENT_TYPE, with the message in p->err. */
int form_mp_ct_parse(struct form_mp *p, const char *ct);

/* The complete header line in p->line (p->line_len bytes): what it says
 * goes into p; -1 after form_part_fail. */
int form_mp_header_line(struct form_mp *p);

/* Display name of the valid UTF-8 filename raw into out (room for
 * FORM_FILENAME_MAX + 1): see form.h. */
void form_mp_display_name(const char *raw, char *out);

#endif
