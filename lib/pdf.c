/* pdf: the upload check of a PDF and its page count, without a PDF
 * library.  See pdf.h for the contract. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"
#include "http.h"
#include "pdf.h"

#define PDF_IO_CHUNK      65536       /* read size for scanning */

static int fail(char *err, size_t errsz, const char *msg)
{
	if (err && errsz)
		snprintf(err, errsz, "%s", msg);
	return -1;
}

/*
 * A PDF's page count lives in its page tree: the root /Pages node carries
 * /Count, every leaf is a /Type /Page dictionary.  Without a PDF library
 * we read the file once as a stream of tokens (ISO 32000-1 7.2) and note
 * the top-level dictionaries of objects:
 *  - a /Pages dictionary without /Parent is the root; the last one wins,
 *    as an incremental update appends the new root after the old;
 *  - failing that, the largest /Count of any /Pages node;
 *  - failing that, the number of /Type /Page dictionaries.
 * Since PDF 1.5 objects may sit inside compressed object streams (/Type
 * /ObjStm), which hides both the tree nodes and the pages from a plain
 * scan: such streams, when Flate-encoded (all common writers, pdfTeX among
 * them), are inflated and read the same way.  Other streams are skipped,
 * so page content cannot fake a dictionary.  Memory stays bounded: one
 * read chunk, one inflate window, a few bytes of tokenizer state.
 */

#define PDF_TOKEN_MAX     16          /* longer names/words match nothing */
#define PDF_TAIL          1024        /* %%EOF must be within this */
#define PDF_INFLATE_MAX   (64LL << 20) /* inflated bytes per file */
#define PDF_INFLATE_CHUNK 16384
#define PDF_ENDSTREAM     "endstream"

enum pdf_tok { PT_NAME, PT_WORD, PT_DOPEN, PT_DCLOSE, PT_OTHER };
enum pdf_type { PDF_OTHER, PDF_PAGES, PDF_PAGE, PDF_OBJSTM };
enum pdf_key { KEY_NONE, KEY_TYPE, KEY_COUNT };
enum pdf_stream { STREAM_NONE, STREAM_SKIP, STREAM_INFLATE };

/* What we note of the object dictionary being read. */
struct pdf_dict {
	enum pdf_type type;
	enum pdf_key key;     /* the token before was this key */
	long count;           /* -1: none */
	int parent, flate;
};

struct pdf_found {
	long root_count, max_count, page_dicts;
	int active;           /* a key of active content was seen */
};

/* Keys that make a PDF do something when opened rather than show pages
 * (ISO 32000-1 12.6 actions, 12.6.4.16 JavaScript, 7.11.4 embedded
 * files, 12.7.8 XFA; Adobe's RichMedia extension).  A plain /OpenAction
 * (open at page 1) is harmless; one running JavaScript names /JS. */
static const char *const pdf_active_keys[] = {
	"JS", "JavaScript", "EmbeddedFile", "EmbeddedFiles", "Launch", "AA",
	"RichMedia", "XFA", "SubmitForm", "ImportData", "GoToR", "GoToE",
};

static int active_key(const char *t)
{
	for (size_t i = 0; i < sizeof pdf_active_keys / sizeof *pdf_active_keys; i++)
		if (!strcmp(t, pdf_active_keys[i]))
			return 1;
	return 0;
}

struct pdf_parse {
	int depth;            /* << >> nesting */
	int inner;            /* reading an object stream's content */
	int objstm_ready;     /* a Flate /ObjStm dictionary just closed */
	enum pdf_stream stream;  /* set when "stream" starts raw bytes */
	struct pdf_dict d;
	struct pdf_found *found;
};

enum lex_state { LX_NONE, LX_NAME, LX_WORD, LX_COMMENT, LX_STRING, LX_HEX,
	LX_LT, LX_GT };

struct pdf_lex {
	enum lex_state st;
	char tok[PDF_TOKEN_MAX + 2];
	size_t len;
	int nest, esc;        /* literal strings: ( ) nesting, backslash */
	int hash, hashv;      /* #xx escape in a name: digits seen, value */
	struct pdf_parse parse;
};

static void dict_done(struct pdf_parse *p)
{
	struct pdf_dict *d = &p->d;
	struct pdf_found *f = p->found;

	if (d->type == PDF_PAGES && d->count >= 0) {
		if (!d->parent)
			f->root_count = d->count;
		if (d->count > f->max_count)
			f->max_count = d->count;
	} else if (d->type == PDF_PAGE) {
		f->page_dicts++;
	} else if (d->type == PDF_OBJSTM && d->flate && !p->inner) {
		p->objstm_ready = 1;
	}
}

static long parse_count(const char *t)
{
	long v = 0;

	if (!*t)
		return -1;
	for (; *t; t++) {
		if (*t < '0' || *t > '9')
			return -1;
		if (v <= PDF_PAGES_MAX)
			v = v * 10 + (*t - '0');
	}
	return v;
}

static void dict_token(struct pdf_dict *d, enum pdf_tok k, const char *t)
{
	if (d->key == KEY_TYPE && k == PT_NAME) {
		d->type = !strcmp(t, "Pages") ? PDF_PAGES
			: !strcmp(t, "Page") ? PDF_PAGE
			: !strcmp(t, "ObjStm") ? PDF_OBJSTM : PDF_OTHER;
	} else if (d->key == KEY_COUNT && k == PT_WORD) {
		d->count = parse_count(t);
	}
	d->key = KEY_NONE;
	if (k != PT_NAME)
		return;
	if (!strcmp(t, "Type"))
		d->key = KEY_TYPE;
	else if (!strcmp(t, "Count"))
		d->key = KEY_COUNT;
	else if (!strcmp(t, "Parent"))
		d->parent = 1;
	else if (!strcmp(t, "FlateDecode"))
		d->flate = 1;
}

static void parse_token(struct pdf_parse *p, enum pdf_tok k, const char *t)
{
	if (k == PT_NAME && active_key(t))
		p->found->active = 1;
	if (k == PT_DOPEN) {
		if (++p->depth == 1)
			p->d = (struct pdf_dict){ PDF_OTHER, KEY_NONE, -1, 0, 0 };
		return;
	}
	if (k == PT_DCLOSE) {
		if (p->depth == 1)
			dict_done(p);
		if (p->depth > 0)
			p->depth--;
		return;
	}
	/* These keywords never occur inside a dictionary: meeting one means
	 * the nesting is off (a damaged file); start over at the top. */
	if (k == PT_WORD && !p->inner && (!strcmp(t, "stream")
			|| !strcmp(t, "obj") || !strcmp(t, "endobj"))) {
		if (!strcmp(t, "stream"))
			p->stream = p->objstm_ready ? STREAM_INFLATE : STREAM_SKIP;
		p->depth = 0;
	}
	if (p->depth == 0)
		p->objstm_ready = 0;
	else if (p->depth == 1)
		dict_token(&p->d, k, t);
}

static int pdf_ws(int c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r'
		|| c == ' ';
}

static int pdf_delim(int c)
{
	return c && strchr("()<>[]{}/%", c) != NULL;
}

static void lex_emit(struct pdf_lex *lx, enum pdf_tok k)
{
	if (lx->len > PDF_TOKEN_MAX)
		lx->len = 0, lx->tok[0] = '\0';   /* too long to be a key */
	lx->tok[lx->len] = '\0';
	parse_token(&lx->parse, k, lx->tok);
	lx->len = 0;
	lx->st = LX_NONE;
}

static void lex_add(struct pdf_lex *lx, int c)
{
	if (lx->len <= PDF_TOKEN_MAX)
		lx->tok[lx->len++] = (char)c;
}

/* A name character; "#xx" is an escaped byte (PDF 1.2+, 7.3.5). */
static void lex_name_char(struct pdf_lex *lx, int c)
{
	if (lx->hash == 0 && c == '#') {
		lx->hash = 1;
		lx->hashv = 0;
	} else if (lx->hash) {
		int v = http_hexval(c);
		lx->hashv = lx->hashv * 16 + (v < 0 ? 0 : v);
		if (++lx->hash == 3) {
			lex_add(lx, lx->hashv);
			lx->hash = 0;
		}
	} else {
		lex_add(lx, c);
	}
}

static void lex_start(struct pdf_lex *lx, int c)
{
	lx->len = 0;
	lx->hash = 0;
	if (pdf_ws(c))
		return;
	switch (c) {
	case '%': lx->st = LX_COMMENT; break;
	case '(': lx->st = LX_STRING; lx->nest = 1; lx->esc = 0; break;
	case '<': lx->st = LX_LT; break;
	case '>': lx->st = LX_GT; break;
	case '/': lx->st = LX_NAME; break;
	case '[': case ']': case '{': case '}': case ')':
		lex_emit(lx, PT_OTHER);
		break;
	default:
		lx->st = LX_WORD;
		lex_add(lx, c);
	}
}

static void lex_byte(struct pdf_lex *lx, int c)
{
	switch (lx->st) {
	case LX_NONE:
		lex_start(lx, c);
		break;
	case LX_COMMENT:
		if (c == '\r' || c == '\n')
			lx->st = LX_NONE;
		break;
	case LX_STRING:
		if (lx->esc)
			lx->esc = 0;
		else if (c == '\\')
			lx->esc = 1;
		else if (c == '(')
			lx->nest++;
		else if (c == ')' && --lx->nest == 0)
			lex_emit(lx, PT_OTHER);
		break;
	case LX_LT:
		if (c == '<')
			lex_emit(lx, PT_DOPEN);
		else if (c == '>')
			lex_emit(lx, PT_OTHER);   /* <> empty hex string */
		else
			lx->st = LX_HEX;
		break;
	case LX_HEX:
		if (c == '>')
			lex_emit(lx, PT_OTHER);
		break;
	case LX_GT:
		if (c == '>') {
			lex_emit(lx, PT_DCLOSE);
		} else {
			lex_emit(lx, PT_OTHER);   /* stray '>' */
			lex_start(lx, c);
		}
		break;
	case LX_NAME:
	case LX_WORD:
		if (pdf_ws(c) || pdf_delim(c)) {
			lex_emit(lx, lx->st == LX_NAME ? PT_NAME : PT_WORD);
			lex_start(lx, c);
		} else if (lx->st == LX_NAME) {
			lex_name_char(lx, c);
		} else {
			lex_add(lx, c);
		}
		break;
	}
}

enum pdf_mode { MODE_TOKENS, MODE_SKIP, MODE_INFLATE };

struct pdf_scan {
	enum pdf_mode mode;
	struct pdf_lex outer, inner;
	struct pdf_found found;
	char ring[sizeof PDF_ENDSTREAM - 1];  /* the last bytes, for endstream */
	size_t ringn;
	z_stream zs;
	int zs_live, zs_started;
	long long inflated;
	unsigned char *zout;
};

static void scan_init(struct pdf_scan *s)
{
	memset(s, 0, sizeof *s);
	s->found.root_count = -1;
	s->found.max_count = -1;
	s->outer.parse.found = &s->found;
	s->zout = xmalloc(PDF_INFLATE_CHUNK);
}

static void scan_free(struct pdf_scan *s)
{
	if (s->zs_live)
		inflateEnd(&s->zs);
	free(s->zout);
}

/* Raw stream bytes: look for the "endstream" keyword, which ends them. */
static void skip_byte(struct pdf_scan *s, int c)
{
	size_t n = sizeof s->ring;

	if (s->ringn < n) {
		s->ring[s->ringn++] = (char)c;
	} else {
		memmove(s->ring, s->ring + 1, n - 1);
		s->ring[n - 1] = (char)c;
	}
	if (s->ringn == n && memcmp(s->ring, PDF_ENDSTREAM, n) == 0)
		s->mode = MODE_TOKENS;
}

static void enter_skip(struct pdf_scan *s)
{
	if (s->zs_live)
		inflateEnd(&s->zs);
	s->zs_live = 0;
	s->ringn = 0;
	s->mode = MODE_SKIP;
}

static void enter_inflate(struct pdf_scan *s)
{
	if (s->inflated >= PDF_INFLATE_MAX) {
		enter_skip(s);
		return;
	}
	memset(&s->zs, 0, sizeof s->zs);
	if (inflateInit(&s->zs) != Z_OK) {
		enter_skip(s);
		return;
	}
	memset(&s->inner, 0, sizeof s->inner);
	s->inner.parse.inner = 1;
	s->inner.parse.found = &s->found;
	s->zs_live = 1;
	s->zs_started = 0;
	s->mode = MODE_INFLATE;
}

/* Feed raw stream bytes to zlib and its output to the inner tokenizer.
 * Returns how many input bytes were used; at the end of the deflate data
 * (or on any error) the rest of the stream is skipped. */
static size_t inflate_feed(struct pdf_scan *s, const unsigned char *in,
		size_t n)
{
	size_t used = 0;

	/* "stream" is followed by CRLF or LF (7.3.8.1); a zlib header never
	 * starts with either byte. */
	while (!s->zs_started && used < n && (in[used] == '\r' || in[used] == '\n'))
		used++;
	if (used < n)
		s->zs_started = 1;
	s->zs.next_in = (Bytef *)(in + used);
	s->zs.avail_in = (uInt)(n - used);
	for (;;) {
		uInt before = s->zs.avail_in;
		int r;
		size_t got;

		s->zs.next_out = s->zout;
		s->zs.avail_out = PDF_INFLATE_CHUNK;
		r = inflate(&s->zs, Z_NO_FLUSH);
		got = PDF_INFLATE_CHUNK - s->zs.avail_out;
		s->inflated += (long long)got;
		for (size_t i = 0; i < got; i++)
			lex_byte(&s->inner, s->zout[i]);
		if (r == Z_STREAM_END || (r != Z_OK && r != Z_BUF_ERROR)
				|| s->inflated >= PDF_INFLATE_MAX) {
			enter_skip(s);
			break;
		}
		if (got == 0 && s->zs.avail_in == before)
			break;              /* wants more input */
	}
	return n - s->zs.avail_in;
}

static void scan_chunk(struct pdf_scan *s, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (s->mode == MODE_INFLATE) {
			i += inflate_feed(s, p + i, n - i);
			continue;
		}
		if (s->mode == MODE_SKIP) {
			skip_byte(s, p[i++]);
			continue;
		}
		lex_byte(&s->outer, p[i++]);
		if (s->outer.parse.stream == STREAM_INFLATE)
			enter_inflate(s);
		else if (s->outer.parse.stream == STREAM_SKIP)
			enter_skip(s);
		s->outer.parse.stream = STREAM_NONE;
	}
}

static int pdf_ends_well(int fd, off_t size)
{
	char tail[PDF_TAIL];
	size_t n = size < PDF_TAIL ? (size_t)size : PDF_TAIL;
	ssize_t r = pread(fd, tail, n, size - (off_t)n);

	if (r != (ssize_t)n)
		return 0;
	for (size_t i = 0; i + 5 <= n; i++)
		if (memcmp(tail + i, "%%EOF", 5) == 0)
			return 1;
	return 0;
}

static int pdf_starts_well(int fd)
{
	char head[7];

	return pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head
		&& (!memcmp(head, "%PDF-1.", 7) || !memcmp(head, "%PDF-2.", 7));
}

/* A /Count is only a claim: believe it when the page objects read back
 * it up (an incremental update may leave replaced pages behind, so the
 * tree may count fewer), else count the pages really found.  A file that
 * claims 99,999 pages and holds none has none. */
static long tree_pages(const struct pdf_found *f)
{
	long claim = f->root_count > 0 ? f->root_count : f->max_count;

	return claim > 0 && claim <= f->page_dicts ? claim : f->page_dicts;
}

static long pdf_count_pages(int fd, int *active)
{
	struct pdf_scan s;
	unsigned char *chunk = xmalloc(PDF_IO_CHUNK);
	ssize_t n;
	long pages;

	scan_init(&s);
	while ((n = read(fd, chunk, PDF_IO_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		scan_chunk(&s, chunk, (size_t)n);
	}
	pages = tree_pages(&s.found);
	*active = s.found.active;
	scan_free(&s);
	free(chunk);
	return n < 0 ? -1 : pages;
}

int pdf_check(const char *path, int *pages, char *err, size_t errsz)
{
	struct stat st;
	long n = -1;
	int fd, active = 0;

	*pages = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errsz, "cannot read the file");
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pdf_starts_well(fd)
			&& pdf_ends_well(fd, st.st_size)
			&& lseek(fd, 0, SEEK_SET) == 0)
		n = pdf_count_pages(fd, &active);
	close(fd);
	if (n < 1 || n > PDF_PAGES_MAX)
		return fail(err, errsz, "not a readable PDF");
	if (active)
		return fail(err, errsz, PDF_ACTIVE_MSG);
	*pages = (int)n;
	return 0;
}

