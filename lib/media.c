/* media: content-addressed storage, the PDF check, the photo pipeline and
 * the demo files.  See media.h for the layout and the contracts. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <vips/vips.h>
#include <zlib.h>

#include "buf.h"
#include "http.h"
#include "media.h"

#define MEDIA_IO_CHUNK   65536       /* read size for hashing and scanning */
#define MEDIA_VIPS_THREADS 2         /* one upload at a time per worker */

static int fail(char *err, size_t errsz, const char *msg)
{
	if (err && errsz)
		snprintf(err, errsz, "%s", msg);
	return -1;
}

static int path_join(char *dst, size_t n, const char *a, const char *b)
{
	int r = snprintf(dst, n, "%s/%s", a, b);

	return r < 0 || (size_t)r >= n ? -1 : 0;
}

static int is_lower_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_hex_lower(int c)
{
	return (c >= 'a' && c <= 'f') || (c >= '0' && c <= '9');
}

static int ext_valid(const char *ext)
{
	size_t n = strlen(ext);

	if (n == 0 || n > MEDIA_EXT_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_lower_alnum((unsigned char)ext[i]))
			return 0;
	return 1;
}

/* A rename or a new entry is durable only once its directory is synced
 * (rename(2) is atomic, not durable; see ext4's data=ordered caveats). */
static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* mkdir that tolerates an existing directory; *created tells which. */
static int ensure_dir(const char *dir, int *created)
{
	struct stat st;

	*created = 0;
	if (mkdir(dir, 0750) == 0) {
		*created = 1;
		return 0;
	}
	if (errno != EEXIST || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return -1;
	return 0;
}

int media_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* storage                                                             */

int media_tmp_open(const char *root, int *fd, char path[MEDIA_PATH_MAX])
{
	char dir[MEDIA_PATH_MAX];
	int created;

	*fd = -1;
	if (path_join(dir, sizeof dir, root, "tmp") || ensure_dir(dir, &created)
			|| path_join(path, MEDIA_PATH_MAX, dir, "up-XXXXXX"))
		return -1;
	*fd = mkstemp(path);
	if (*fd < 0)
		return -1;
	/* mkstemp gives 0600; the web server's group must read stored files,
	 * and the file keeps this mode when renamed into place. */
	if (fchmod(*fd, 0640) || fcntl(*fd, F_SETFD, FD_CLOEXEC)) {
		close(*fd);
		unlink(path);
		*fd = -1;
		return -1;
	}
	return 0;
}

/* The temp file must be a direct child of root/tmp: rename(2) then stays
 * on one file system and nothing outside the media root can be moved. */
static int tmp_path_valid(const char *root, const char *tmp_path)
{
	size_t n = strlen(root);

	if (strncmp(tmp_path, root, n) != 0 || strncmp(tmp_path + n, "/tmp/", 5))
		return 0;
	tmp_path += n + 5;
	return *tmp_path && *tmp_path != '.' && !strchr(tmp_path, '/');
}

/* SHA-256 of the file behind fd, streamed; the byte count in *bytes. */
static int hash_fd(int fd, char hex[MEDIA_HEX_LEN + 1], long long *bytes)
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];
	unsigned char *chunk = xmalloc(MEDIA_IO_CHUNK);
	ssize_t n;

	*bytes = 0;
	crypto_hash_sha256_init(&st);
	while ((n = read(fd, chunk, MEDIA_IO_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		crypto_hash_sha256_update(&st, chunk, (unsigned long long)n);
		*bytes += n;
	}
	free(chunk);
	if (n < 0)
		return -1;
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(hex, MEDIA_HEX_LEN + 1, digest, sizeof digest);
	return 0;
}

/* Hash and flush the temp file: its bytes are on disk before its name is. */
static int hash_tmp(const char *tmp_path, struct media_file *out)
{
	struct stat st;
	int fd, r;

	fd = open(tmp_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fstat(fd, &st) || !S_ISREG(st.st_mode)
		|| hash_fd(fd, out->sha256, &out->bytes) || fsync(fd) ? -1 : 0;
	close(fd);
	return r;
}

static int place(const char *root, const char *tmp_path, const char *ext,
		struct media_file *out)
{
	char sub[3], dir[MEDIA_PATH_MAX], dest[MEDIA_PATH_MAX];
	struct stat st;
	int created;

	memcpy(sub, out->sha256, 2);
	sub[2] = '\0';
	snprintf(out->path, sizeof out->path, "%s/%s.%s", sub, out->sha256, ext);
	if (path_join(dir, sizeof dir, root, sub) || ensure_dir(dir, &created)
			|| path_join(dest, sizeof dest, root, out->path))
		return -1;
	if (lstat(dest, &st) == 0) {
		/* Same name, same bytes: already stored. */
		if (!S_ISREG(st.st_mode))
			return -1;
		unlink(tmp_path);
		return 0;
	}
	/* ENOENT: a media_unstore elsewhere removed the directory between
	 * ensure_dir and here; make it again, once. */
	if (rename(tmp_path, dest) && (errno != ENOENT
			|| ensure_dir(dir, &created) || rename(tmp_path, dest)))
		return -1;
	if (fsync_dir(dir))
		return -1;
	out->created = created ? 2 : 1;
	return created ? fsync_dir(root) : 0;
}

/* Undo a media_store whose row will never be written: only a file this
 * store created goes, one that was there before may be referenced. */
void media_unstore(const char *root, struct media_file *f)
{
	char p[MEDIA_PATH_MAX];
	if (f->created && path_join(p, sizeof p, root, f->path) == 0
			&& unlink(p) == 0 && f->created == 2) {
		/* Its directory came with it: that goes too, unless another
		 * file has arrived there since (rmdir keeps a non-empty one). */
		*strrchr(p, '/') = '\0';
		rmdir(p);
	}
	f->created = 0;
}

int media_store(const char *root, const char *tmp_path, const char *ext,
		struct media_file *out)
{
	memset(out, 0, sizeof *out);
	if (sodium_init() < 0 || !ext_valid(ext)
			|| !tmp_path_valid(root, tmp_path)
			|| hash_tmp(tmp_path, out)
			|| place(root, tmp_path, ext, out)) {
		unlink(tmp_path);
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* Unlink the entries of dir whose names start with prefix ("" for all)
 * and that were last modified before `before`. */
static int clean_dir(const char *dir, const char *prefix, time_t before)
{
	char p[MEDIA_PATH_MAX];
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0 : -1;
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")
				|| strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		if (path_join(p, sizeof p, dir, e->d_name) == 0
				&& lstat(p, &st) == 0 && st.st_mtime < before
				&& unlink(p) == 0)
			n++;
	}
	closedir(d);
	return n;
}

#define MEDIA_LINK_TMP ".new-"        /* prefix of a link being made */

int media_clean_tmp(const char *root)
{
	char dir[MEDIA_PATH_MAX];
	time_t before = time(NULL) - MEDIA_TMP_STALE_SECONDS;
	int a, b;

	if (path_join(dir, sizeof dir, root, "tmp"))
		return -1;
	a = clean_dir(dir, "", before);
	if (path_join(dir, sizeof dir, root, "talks"))
		return -1;
	b = clean_dir(dir, MEDIA_LINK_TMP, before);
	return a < 0 || b < 0 ? -1 : a + b;
}

/* "ab/ab<62 hex>.<ext>", as place() writes it. */
static int stored_rel_valid(const char *rel)
{
	for (int i = 0; i < MEDIA_HEX_LEN; i++)
		if (!is_hex_lower((unsigned char)rel[3 + i]))
			return 0;
	return rel[0] == rel[3] && rel[1] == rel[4] && rel[2] == '/'
		&& rel[3 + MEDIA_HEX_LEN] == '.'
		&& ext_valid(rel + 4 + MEDIA_HEX_LEN);
}

/* "dir/name": [a-z0-9-]+ "/" [a-z0-9.-]+, name not starting with a dot
 * (no "..", no hidden files, nothing the link temp names could match). */
static int link_rel_valid(const char *rel)
{
	const char *slash = strchr(rel, '/');
	const char *p;

	if (!slash || slash == rel || slash[1] == '\0' || slash[1] == '.'
			|| strlen(rel) > 200)
		return 0;
	for (p = rel; p < slash; p++)
		if (!is_lower_alnum((unsigned char)*p) && *p != '-')
			return 0;
	for (p = slash + 1; *p; p++)
		if (!is_lower_alnum((unsigned char)*p) && *p != '-' && *p != '.')
			return 0;
	return 1;
}

/* A symlink cannot be replaced in place; one made under a temp name and
 * renamed over the old one is (rename(2) replaces atomically). */
int media_link(const char *root, const char *link_rel, const char *target_rel)
{
	char dir[MEDIA_PATH_MAX], lnk[MEDIA_PATH_MAX], tmp[MEDIA_PATH_MAX];
	char value[MEDIA_REL_MAX + 3], sub[256];
	const char *name;
	struct stat st;
	int created;

	if (!link_rel_valid(link_rel) || !stored_rel_valid(target_rel))
		return -1;
	name = strchr(link_rel, '/') + 1;
	snprintf(sub, sizeof sub, "%.*s", (int)(name - 1 - link_rel), link_rel);
	snprintf(value, sizeof value, "../%s", target_rel);
	if (path_join(tmp, sizeof tmp, root, target_rel) || lstat(tmp, &st)
			|| !S_ISREG(st.st_mode))
		return -1;                  /* never make a dangling link */
	if (path_join(dir, sizeof dir, root, sub) || ensure_dir(dir, &created)
			|| path_join(lnk, sizeof lnk, root, link_rel))
		return -1;
	if (snprintf(tmp, sizeof tmp, "%s/" MEDIA_LINK_TMP "%ld-%s", dir,
			(long)getpid(), name) >= (int)sizeof tmp)
		return -1;
	unlink(tmp);                        /* left by a crash of this pid */
	if (symlink(value, tmp))
		return -1;
	if (rename(tmp, lnk)) {
		unlink(tmp);
		return -1;
	}
	if (fsync_dir(dir))
		return -1;
	return created ? fsync_dir(root) : 0;
}

/* ------------------------------------------------------------------ */
/* PDF                                                                 */
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
};

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
		if (v <= MEDIA_PDF_PAGES_MAX)
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

static long pdf_count_pages(int fd)
{
	struct pdf_scan s;
	unsigned char *chunk = xmalloc(MEDIA_IO_CHUNK);
	ssize_t n;
	long pages;

	scan_init(&s);
	while ((n = read(fd, chunk, MEDIA_IO_CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		scan_chunk(&s, chunk, (size_t)n);
	}
	pages = s.found.root_count > 0 ? s.found.root_count
		: s.found.max_count > 0 ? s.found.max_count
		: s.found.page_dicts;
	scan_free(&s);
	free(chunk);
	return n < 0 ? -1 : pages;
}

int media_pdf_check(const char *path, int *pages, char *err, size_t errsz)
{
	struct stat st;
	long n = -1;
	int fd;

	*pages = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errsz, "cannot read the file");
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pdf_starts_well(fd)
			&& pdf_ends_well(fd, st.st_size)
			&& lseek(fd, 0, SEEK_SET) == 0)
		n = pdf_count_pages(fd);
	close(fd);
	if (n < 1 || n > MEDIA_PDF_PAGES_MAX)
		return fail(err, errsz, "not a readable PDF");
	*pages = (int)n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* photos                                                              */

static int image_ready;
static double image_timeout = MEDIA_DECODE_SECONDS;

int media_image_init(void)
{
	if (image_ready)
		return 0;
	if (VIPS_INIT("site")) {
		fprintf(stderr, "media: libvips: %s\n", vips_error_buffer());
		vips_error_clear();
		return -1;
	}
	/* Uploads reach only the JPEG and PNG loaders: each further format
	 * is one more parser of hostile input (libvips' own advice). */
	vips_block_untrusted_set(TRUE);
	vips_operation_block_set("VipsForeignLoad", TRUE);
	vips_operation_block_set("VipsForeignLoadJpeg", FALSE);
	vips_operation_block_set("VipsForeignLoadPng", FALSE);
	/* The cache would keep decoded uploads alive between requests. */
	vips_cache_set_max(0);
	vips_cache_set_max_mem(0);
	vips_cache_set_max_files(0);
	vips_concurrency_set(MEDIA_VIPS_THREADS);
	image_ready = 1;
	return 0;
}

void media_image_set_timeout(double seconds)
{
	image_timeout = seconds;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

enum img_kind { IMG_NONE, IMG_JPEG, IMG_PNG };

/* Decide by the first bytes, never by the name or the client's type. */
static enum img_kind sniff(const char *path)
{
	static const unsigned char jpeg[] = { 0xFF, 0xD8, 0xFF };
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
		0x1A, '\n' };
	unsigned char h[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return IMG_NONE;
	n = read(fd, h, sizeof h);
	close(fd);
	if (n >= 3 && !memcmp(h, jpeg, sizeof jpeg))
		return IMG_JPEG;
	if (n == 8 && !memcmp(h, png, sizeof png))
		return IMG_PNG;
	return IMG_NONE;
}

/* A progressive JPEG is decoded scan by scan before libvips sees a pixel,
 * so the deadline cannot interrupt it; a file of thousands of tiny scans
 * costs minutes (libjpeg-turbo's "-maxscans" advice).  Count the SOS
 * markers: inside entropy-coded data 0xFF is always followed by 0x00 or
 * RSTn (ITU T.81 B.1.1.5), so every FF DA is a scan. */
static int jpeg_scans_ok(const char *path)
{
	unsigned char *chunk = xmalloc(MEDIA_IO_CHUNK);
	int fd = open(path, O_RDONLY | O_CLOEXEC), prev = 0, scans = 0;
	ssize_t n = -1;

	while (fd >= 0 && scans <= MEDIA_JPEG_SCANS_MAX
			&& (n = read(fd, chunk, MEDIA_IO_CHUNK)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			scans += prev == 0xFF && chunk[i] == 0xDA;
			prev = chunk[i];
		}
	}
	if (fd >= 0)
		close(fd);
	free(chunk);
	return n >= 0 && scans <= MEDIA_JPEG_SCANS_MAX;
}

static void log_vips(const char *what)
{
	fprintf(stderr, "media: %s: %s\n", what, vips_error_buffer());
	vips_error_clear();
}

/* The header alone (the loaders are lazy): refuse a decompression bomb
 * before a single pixel is decoded. */
static int check_header(const char *src, enum img_kind kind, int *has_icc,
		char *err, size_t errsz)
{
	VipsImage *im = NULL;
	long long px;
	int r = kind == IMG_JPEG
		? vips_jpegload(src, &im, "access", VIPS_ACCESS_SEQUENTIAL,
			"fail_on", VIPS_FAIL_ON_ERROR, NULL)
		: vips_pngload(src, &im, "access", VIPS_ACCESS_SEQUENTIAL,
			"fail_on", VIPS_FAIL_ON_ERROR, NULL);

	if (r) {
		log_vips("header");
		return fail(err, errsz, "damaged image");
	}
	px = (long long)vips_image_get_width(im) * vips_image_get_height(im);
	*has_icc = vips_image_get_typeof(im, VIPS_META_ICC_NAME) != 0;
	g_object_unref(im);
	if (px > MEDIA_PIXELS_MAX) {
		char msg[96];
		snprintf(msg, sizeof msg, "image too large (%lld megapixels, at "
			"most %lld)", px / 1000000, MEDIA_PIXELS_MAX / 1000000);
		return fail(err, errsz, msg);
	}
	return 0;
}

struct import_run {
	double until;
	int fired;
	int has_icc;          /* the source embeds a colour profile */
};

/* libvips reports progress between tiles; killing the image makes the
 * running computation fail with an error (vips_image_set_kill). */
static void on_eval(VipsImage *im, VipsProgress *progress, void *user)
{
	struct import_run *d = user;

	(void)progress;
	if (now_seconds() > d->until) {
		d->fired = 1;
		vips_image_set_kill(im, TRUE);
	}
}

/* Upright, sRGB, no alpha, 8 bit: what a JPEG for browsers holds. */
static int web_pipeline(VipsObject *ctx, const char *src, struct import_run *dl,
		VipsImage **out)
{
	VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 4);
	VipsImage *cur;

	/* Shrink-on-load: a JPEG is decoded at 1/2, 1/4 or 1/8 scale when
	 * that is still large enough.  The thumbnail turns the image upright
	 * by its EXIF orientation.  An embedded profile (Display P3, Adobe
	 * RGB) is converted to sRGB, as the profile itself is stripped; an
	 * image without one is taken as sRGB already (libvips 8.14 would
	 * otherwise convert it through XYZ for nothing). */
	if (vips_thumbnail(src, &t[0], MEDIA_WEB_PX, "height", MEDIA_WEB_PX,
			"size", VIPS_SIZE_DOWN,
			"export_profile", dl->has_icc ? "srgb" : NULL,
			"fail_on", VIPS_FAIL_ON_ERROR, NULL))
		return -1;
	vips_image_set_progress(t[0], TRUE);
	g_signal_connect(t[0], "eval", G_CALLBACK(on_eval), dl);
	if (vips_colourspace(t[0], &t[1], VIPS_INTERPRETATION_sRGB, NULL))
		return -1;
	cur = t[1];
	if (vips_image_hasalpha(cur)) {
		/* Transparent pixels on white, as a page would show them. */
		VipsArrayDouble *white = vips_array_double_newv(3, 255.0,
			255.0, 255.0);
		int r = vips_flatten(cur, &t[2], "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (r)
			return -1;
		cur = t[2];
	}
	if (vips_cast_uchar(cur, &t[3], NULL))
		return -1;
	/* Decode once, here; both sizes are made from this copy. */
	*out = vips_image_copy_memory(t[3]);
	return *out ? 0 : -1;
}

/* Save im as a metadata-free JPEG into a temp file and store it. */
static int save_jpeg(const char *root, VipsImage *im, struct media_file *f)
{
	char path[MEDIA_PATH_MAX];
	VipsTarget *target;
	int fd, r;

	if (media_tmp_open(root, &fd, path))
		return -1;
	target = vips_target_new_to_descriptor(fd);
	r = !target || vips_jpegsave_target(im, target, "Q", MEDIA_JPEG_Q,
		"strip", TRUE, "interlace", TRUE, "optimize_coding", TRUE, NULL);
	if (target)
		g_object_unref(target);
	if (close(fd) || r) {
		unlink(path);
		return -1;
	}
	if (media_store(root, path, "jpg", f))
		return -1;
	f->width = vips_image_get_width(im);
	f->height = vips_image_get_height(im);
	return 0;
}

static int import_sizes(const char *root, const char *src,
		struct media_image *out, struct import_run *dl, char *err,
		size_t errsz)
{
	VipsObject *ctx = VIPS_OBJECT(vips_image_new());
	VipsImage **t = (VipsImage **)vips_object_local_array(ctx, 2);
	int r = -1;

	if (web_pipeline(ctx, src, dl, &t[0])) {
		log_vips("decode");
		fail(err, errsz, dl->fired ? "the image took too long to process"
			: "damaged or truncated image");
	} else if (save_jpeg(root, t[0], &out->web)
			|| vips_thumbnail_image(t[0], &t[1], MEDIA_THUMB_PX,
				"height", MEDIA_THUMB_PX, "size", VIPS_SIZE_DOWN,
				"no_rotate", TRUE, NULL)
			|| save_jpeg(root, t[1], &out->thumb)) {
		log_vips("save");
		fail(err, errsz, "could not store the image");
	} else {
		r = 0;
	}
	g_object_unref(ctx);
	return r;
}

int media_image_import(const char *root, const char *src_path,
		struct media_image *out, char *err, size_t errsz)
{
	struct import_run dl = { 0, 0, 0 };
	enum img_kind kind;

	memset(out, 0, sizeof *out);
	if (!image_ready)
		return fail(err, errsz, "image support is not started");
	/* libvips reads "name[options]" from a file name. */
	if (strchr(src_path, '['))
		return fail(err, errsz, "could not read the upload");
	dl.until = now_seconds() + image_timeout;
	kind = sniff(src_path);
	if (kind == IMG_NONE)
		return fail(err, errsz, "not a JPEG or PNG image");
	if (kind == IMG_JPEG && !jpeg_scans_ok(src_path))
		return fail(err, errsz, "damaged or unusual JPEG (too many scans)");
	if (check_header(src_path, kind, &dl.has_icc, err, errsz)
			|| import_sizes(root, src_path, out, &dl, err, errsz)) {
		media_unstore(root, &out->web);    /* no half photo stays */
		media_unstore(root, &out->thumb);
		memset(out, 0, sizeof *out);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* demo files                                                          */

#define DEMO_PDF_W      960           /* 16:9 slides, in points */
#define DEMO_PDF_H      540
#define DEMO_TEXT_MAX   160           /* bytes of a line kept */

/* UTF-8 to WinAnsiEncoding (PDF Annex D): Latin-1 is the same, a few
 * typographic characters have their own codes, the rest becomes '?'. */
static int winansi(unsigned cp)
{
	static const struct { unsigned cp; unsigned char b; } map[] = {
		{ 0x20AC, 0x80 }, { 0x2013, 0x96 }, { 0x2014, 0x97 },
		{ 0x2018, 0x91 }, { 0x2019, 0x92 }, { 0x201C, 0x93 },
		{ 0x201D, 0x94 }, { 0x2022, 0x95 }, { 0x2026, 0x85 },
	};

	if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF))
		return (int)cp;
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (map[i].cp == cp)
			return map[i].b;
	return '?';
}

/* Next code point of s (advanced); malformed bytes count as U+FFFD. */
static unsigned utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	unsigned cp = *p++;
	int more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;

	if (cp >= 0x80 && more == 0) {
		*s = p;
		return 0xFFFD;
	}
	cp &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0x7F;
	for (; more > 0; more--, p++) {
		if ((*p & 0xC0) != 0x80) {
			*s = p;
			return 0xFFFD;
		}
		cp = cp << 6 | (*p & 0x3F);
	}
	*s = p;
	return cp;
}

/* A PDF literal string: ( ) \ escaped, bytes outside ASCII as octal,
 * so the file stays 7-bit apart from its binary comment. */
static size_t pdf_string(struct buf *b, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t chars = 0;

	buf_putc(b, '(');
	while (*s && chars < DEMO_TEXT_MAX) {
		int c = winansi(utf8_next(&s));
		if (c == '(' || c == ')' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c >= 0x7F)
			buf_printf(b, "\\%03o", c);
		else
			buf_putc(b, (char)c);
		chars++;
	}
	buf_putc(b, ')');
	return chars;
}

/* One line of Helvetica; the size shrinks so a long line fits the page
 * (an average Helvetica glyph is about half an em wide). */
static void pdf_line(struct buf *b, const char *text, int size, int y)
{
	size_t n = strlen(text);
	int fit = n ? (int)((DEMO_PDF_W - 120) * 2 / n) : size;

	if (fit < size)
		size = fit < 8 ? 8 : fit;
	buf_printf(b, "BT /F1 %d Tf 60 %d Td ", size, y);
	pdf_string(b, text);
	buf_puts(b, " Tj ET\n");
}

static void demo_page_content(struct buf *c, const char *title,
		const char *subtitle, int page, int pages)
{
	char line[64];

	if (page == 1) {
		buf_printf(c, "0.07 0.20 0.36 rg 0 0 %d %d re f\n", DEMO_PDF_W,
			DEMO_PDF_H);
		buf_puts(c, "1 1 1 rg\n");
		pdf_line(c, title, 44, 300);
		buf_puts(c, "0.75 0.85 0.95 rg\n");
		pdf_line(c, subtitle, 24, 250);
		return;
	}
	buf_printf(c, "0.07 0.20 0.36 rg 0 %d %d 70 re f\n", DEMO_PDF_H - 70,
		DEMO_PDF_W);
	buf_puts(c, "1 1 1 rg\n");
	pdf_line(c, title, 22, DEMO_PDF_H - 45);
	buf_puts(c, "0.1 0.1 0.1 rg\n");
	snprintf(line, sizeof line, "Slide %d of %d", page, pages);
	pdf_line(c, line, 36, 260);
}

static void pdf_obj(struct buf *b, long long *offs, int num, const char *body)
{
	offs[num] = (long long)b->len;
	buf_printf(b, "%d 0 obj\n%s\nendobj\n", num, body);
}

/* Objects: 1 catalog, 2 page tree, 3 font, then per page k (from 0) the
 * page 4+2k and its content stream 5+2k. */
static void demo_pdf_build(struct buf *b, const char *title,
		const char *subtitle, int pages)
{
	int nobj = 3 + 2 * pages;
	long long *offs = xcalloc((size_t)nobj + 1, sizeof *offs);
	struct buf t = BUF_INIT, c = BUF_INIT;
	long long xref;

	/* The comment's high bytes tell transfer tools the file is binary
	 * (ISO 32000-1 7.5.2). */
	buf_puts(b, "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
	pdf_obj(b, offs, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	buf_puts(&t, "<< /Type /Pages /Kids [");
	for (int k = 0; k < pages; k++)
		buf_printf(&t, "%s%d 0 R", k ? " " : "", 4 + 2 * k);
	buf_printf(&t, "] /Count %d >>", pages);
	pdf_obj(b, offs, 2, t.data);
	pdf_obj(b, offs, 3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
		"/Encoding /WinAnsiEncoding >>");
	for (int k = 0; k < pages; k++) {
		buf_reset(&t);
		buf_printf(&t, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] "
			"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>",
			DEMO_PDF_W, DEMO_PDF_H, 5 + 2 * k);
		pdf_obj(b, offs, 4 + 2 * k, t.data);
		buf_reset(&c);
		demo_page_content(&c, title, subtitle, k + 1, pages);
		buf_reset(&t);
		buf_printf(&t, "<< /Length %zu >>\nstream\n%s\nendstream",
			c.len, c.data);
		pdf_obj(b, offs, 5 + 2 * k, t.data);
	}
	/* Each xref entry is exactly 20 bytes, EOL included (7.5.4). */
	xref = (long long)b->len;
	buf_printf(b, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
	for (int i = 1; i <= nobj; i++)
		buf_printf(b, "%010lld 00000 n \n", offs[i]);
	buf_printf(b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%lld\n"
		"%%%%EOF\n", nobj + 1, xref);
	buf_free(&t);
	buf_free(&c);
	free(offs);
}

static int write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	int r;

	if (fd < 0)
		return -1;
	r = media_write_all(fd, p, n);
	return close(fd) || r ? -1 : 0;
}

int media_demo_pdf(const char *path, const char *title, const char *subtitle,
		int pages, char *err, size_t errsz)
{
	struct buf b = BUF_INIT;
	int r;

	if (pages < 1 || pages > MEDIA_DEMO_PAGES_MAX)
		return fail(err, errsz, "page count out of range");
	demo_pdf_build(&b, title ? title : "", subtitle ? subtitle : "", pages);
	r = write_file(path, b.data, b.len);
	buf_free(&b);
	return r ? fail(err, errsz, "cannot write the PDF") : 0;
}

#define DEMO_PX_MIN   16
#define DEMO_PX_MAX   4000
#define DEMO_LIGHTS   14              /* soft out-of-focus lights */
#define DEMO_HEADS    9               /* silhouettes along the bottom */

/* Evening-ish colour pairs: top-left, bottom-right of the gradient. */
static const double demo_palette[][6] = {
	{ 22, 40, 92,    180, 90, 60 },
	{ 14, 70, 90,    230, 170, 80 },
	{ 60, 30, 90,    240, 120, 110 },
	{ 20, 60, 50,    200, 210, 120 },
	{ 35, 35, 60,    120, 160, 220 },
	{ 80, 40, 30,    250, 200, 140 },
};

/* A small deterministic generator (xorshift32): the same index always
 * draws the same picture. */
static unsigned demo_rand(unsigned *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Diagonal gradient between the palette's two colours, as float RGB. */
static int demo_gradient(VipsImage **t, int index, int w, int h)
{
	const double *pal = demo_palette[index % 6];
	double ab[2] = { 1.0 / w, 1.0 / h }, zero[2] = { 0, 0 };
	double a[3], b[3];

	for (int i = 0; i < 3; i++) {
		a[i] = pal[3 + i] - pal[i];
		b[i] = pal[i];
	}
	return vips_xyz(&t[0], w, h, NULL)
		|| vips_linear(t[0], &t[1], ab, zero, 2, NULL)
		|| vips_bandmean(t[1], &t[2], NULL)       /* 0 .. 1 */
		|| vips_linear(t[2], &t[3], a, b, 3, NULL);
}

/* Blurred bright discs on black, added onto the gradient. */
static int demo_lights(VipsImage **t, unsigned *seed, int w, int h)
{
	int r0 = (w < h ? w : h) / 14 + 2;

	if (vips_black(&t[4], w, h, "bands", 3, NULL)
			|| !(t[5] = vips_image_copy_memory(t[4])))
		return -1;
	for (int i = 0; i < DEMO_LIGHTS; i++) {
		double ink[3];
		int r = r0 / 2 + (int)(demo_rand(seed) % (unsigned)r0);
		int x = (int)(demo_rand(seed) % (unsigned)w);
		int y = (int)(demo_rand(seed) % (unsigned)(h * 2 / 3 + 1));
		for (int k = 0; k < 3; k++)
			ink[k] = 60 + demo_rand(seed) % 120;
		if (vips_draw_circle(t[5], ink, 3, x, y, r, "fill", TRUE, NULL))
			return -1;
	}
	return vips_gaussblur(t[5], &t[6], r0 / 3.0 + 1, NULL)
		|| vips_add(t[3], t[6], &t[7], NULL)
		|| vips_cast_uchar(t[7], &t[8], NULL)
		|| !(t[9] = vips_image_copy_memory(t[8]));
}

/* Dark heads and shoulders in front, as if seen from the back rows. */
static int demo_audience(VipsImage *im, unsigned *seed, int w, int h)
{
	double ink[3] = { 12, 12, 18 };
	int step = w / DEMO_HEADS + 1;

	for (int i = 0; i < DEMO_HEADS; i++) {
		int r = step / 5 + (int)(demo_rand(seed) % (unsigned)(step / 8 + 1));
		int x = i * step + step / 2
			+ (int)(demo_rand(seed) % (unsigned)(step / 4 + 1));
		int y = h - r * 2 - (int)(demo_rand(seed) % (unsigned)(r + 1));
		if (vips_draw_circle(im, ink, 3, x, y, r, "fill", TRUE, NULL)
				|| vips_draw_circle(im, ink, 3, x, y + r * 3, r * 2,
					"fill", TRUE, NULL))
			return -1;
	}
	return 0;
}

int media_demo_photo(const char *path, int index, int width, int height,
		char *err, size_t errsz)
{
	VipsObject *ctx;
	VipsImage **t;
	unsigned seed = 2463534242u ^ (unsigned)index * 2654435761u;
	int r;

	if (!image_ready)
		return fail(err, errsz, "image support is not started");
	if (index < 0 || width < DEMO_PX_MIN || height < DEMO_PX_MIN
			|| width > DEMO_PX_MAX || height > DEMO_PX_MAX)
		return fail(err, errsz, "photo size out of range");
	if (seed == 0)
		seed = 1;
	ctx = VIPS_OBJECT(vips_image_new());
	t = (VipsImage **)vips_object_local_array(ctx, 10);
	r = demo_gradient(t, index, width, height)
		|| demo_lights(t, &seed, width, height)
		|| demo_audience(t[9], &seed, width, height)
		|| vips_jpegsave(t[9], path, "Q", 85, "strip", TRUE, NULL);
	if (r)
		log_vips("demo photo");
	g_object_unref(ctx);
	return r ? fail(err, errsz, "cannot write the photo") : 0;
}
