/* buf: growable byte buffers and the allocation helpers everything uses.
 *
 * Allocation failure ends the process (as cgit and fossil do): a worker that
 * cannot allocate cannot answer correctly, and the supervisor restarts it. */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

struct buf {
	char *data;     /* always NUL-terminated once anything was added */
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

void buf_reserve(struct buf *b, size_t extra);
void buf_put(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_reset(struct buf *b);   /* empty it, keep the memory */
void buf_free(struct buf *b);

#endif
