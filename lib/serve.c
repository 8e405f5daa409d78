/* serve: the FastCGI loop, the process model and the render cache.
 *
 * libfcgi pitfalls handled here:
 * - SIGTERM is caught with sigaction without SA_RESTART, so a worker
 *   blocked in accept() wakes up; the handler calls FCGX_ShutdownPending()
 *   so libfcgi stops retrying.  libfcgi's read()/write() do not retry on
 *   EINTR, so the signals stay blocked while a request is being answered:
 *   a stop never cuts a response in half.
 * - The request body is always read to its end (up to SERVE_DRAIN_MAX)
 *   before the answer: a web server still sending it would otherwise see
 *   a reset connection and turn our answer into a 502.
 * - FCGX_FPrintF does not know %zu or %lld: responses are formatted into a
 *   buffer and written with FCGX_PutStr.
 * - FCGX_OpenSocket treats "host:port" as TCP: --listen refuses a ":".
 *
 * With LISTEN_FDS (systemd socket activation) the same supervisor as for
 * --listen pre-forks the workers on fd 3; only the socket file is not ours
 * to remove. */
#include "serve.h"
#include "tmpl.h"

#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SERVE_WORKERS_DEFAULT 2
#define SERVE_WORKERS_MAX     64
#define SERVE_BACKLOG         128
#define SERVE_STOP_GRACE_MS   1000      /* SIGTERM, then SIGKILL after this */
#define SERVE_BACKOFF_MIN_MS  100       /* first restart delay after a crash */
#define SERVE_BACKOFF_MAX_MS  5000
#define SERVE_STABLE_MS       5000      /* a worker living this long was fine */
#define SERVE_DRAIN_MAX       (64LL << 20)  /* body bytes read and dropped */
#define SERVE_IO_CHUNK        65536
#define SERVE_SYSTEMD_FD      3         /* SD_LISTEN_FDS_START */

/* How stale a worker's idea of the content version may be.  Asking SQLite
 * costs three system calls (a shared-memory lock, a stat, an unlock) on
 * top of the ~8 of a whole FastCGI exchange; under load a worker answers
 * several requests a millisecond, so it asks once per window instead.  The
 * nginx microcache in front is a thousand times coarser. */
#define SERVE_VERSION_TTL_NS  1000000L

#define CACHE_ENTRIES   64
#define CACHE_BYTES     (8u << 20)      /* per worker */
#define CACHE_ENTRY_MAX (CACHE_BYTES / 4)
#define CACHE_KEY_MAX   512             /* path + "?" + query */

struct serve_config serve_cfg;

extern char **environ;

static const struct serve_page *page;
static volatile sig_atomic_t stop_requested;

/* ---- options ---------------------------------------------------------- */

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [--listen SOCKET [--workers N]] [--db PATH] "
		"[--templates DIR]\n"
		"  without --listen: FastCGI on stdin (spawn-fcgi), on fd 3 "
		"(systemd LISTEN_FDS), or one CGI request\n", prog);
}

/* "--name value" or "--name=value": 1 taken, 0 not this option, -1 no value. */
static int opt_value(int argc, char **argv, int *i, const char *name, const char **val)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return 0;
	if (a[n] == '=')
		*val = a + n + 1;
	else if (a[n] != '\0')
		return 0;
	else if (*i + 1 < argc)
		*val = argv[++*i];
	else
		return -1;
	return **val ? 1 : -1;
}

static int parse_workers(const char *s)
{
	int n = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > SERVE_WORKERS_MAX)
			return -1;
		n = n * 10 + (*s - '0');
	}
	return n >= 1 && n <= SERVE_WORKERS_MAX ? n : -1;
}

static int parse_args(int argc, char **argv)
{
	const char *env_db = getenv("SITE_DB"), *env_t = getenv("SITE_TEMPLATES");
	const char *check = getenv("SITE_TMPL_CHECK");
	tmpl_check(check && strcmp(check, "1") == 0);
	const char *workers = NULL;
	serve_cfg.db_path = env_db && *env_db ? env_db : "var/site.db";
	serve_cfg.templates_dir = env_t && *env_t ? env_t : "templates";
	serve_cfg.listen_path = NULL;
	serve_cfg.workers = SERVE_WORKERS_DEFAULT;
	for (int i = 1; i < argc; i++) {
		int r;
		if ((r = opt_value(argc, argv, &i, "--listen", &serve_cfg.listen_path)) ||
		    (r = opt_value(argc, argv, &i, "--workers", &workers)) ||
		    (r = opt_value(argc, argv, &i, "--db", &serve_cfg.db_path)) ||
		    (r = opt_value(argc, argv, &i, "--templates", &serve_cfg.templates_dir))) {
			if (r < 0)
				return -1;
			continue;
		}
		return -1;      /* an unknown option or a stray argument */
	}
	if (workers && (serve_cfg.workers = parse_workers(workers)) < 0)
		return -1;
	return 0;
}

/* ---- the render cache ------------------------------------------------- */

/* A page is kept twice over: as the handler built it (for HEAD and
 * conditional requests, which http_finish answers), and as the complete
 * answer to a plain GET, which a hit writes out as it is: rendering at the
 * cost of one memory copy into libfcgi's buffer. */
struct cache_entry {
	char *key;                      /* NULL: free slot */
	uint64_t hash;
	unsigned long long used;        /* for least-recently-used eviction */
	size_t cost;
	int status;
	char *content_type, *cache_control;
	struct buf headers, body;
	struct buf wire;                /* http_finish's output for a GET */
	int server_headers;             /* wire is without security headers */
	char etag[sizeof ((struct http_resp *)0)->etag];
	time_t last_modified;
};

static struct {
	struct cache_entry e[CACHE_ENTRIES];
	long long version;
	int valid;                      /* version holds a value */
	size_t bytes;
	unsigned long long clock;
} cache;

static void cache_drop(struct cache_entry *e)
{
	if (!e->key)
		return;
	cache.bytes -= e->cost;
	free(e->key);
	free(e->content_type);
	free(e->cache_control);
	e->key = e->content_type = e->cache_control = NULL;
	buf_reset(&e->headers);     /* keep the memory for the next entry */
	buf_reset(&e->body);
	buf_reset(&e->wire);
}

static void cache_sync(long long version)
{
	if (cache.valid && cache.version == version)
		return;
	for (int i = 0; i < CACHE_ENTRIES; i++)
		cache_drop(&cache.e[i]);
	cache.version = version;
	cache.valid = 1;
}

static struct cache_entry *cache_find(const char *key)
{
	uint64_t h = http_fnv1a(key, strlen(key));
	for (int i = 0; i < CACHE_ENTRIES; i++) {
		struct cache_entry *e = &cache.e[i];
		if (e->key && e->hash == h && strcmp(e->key, key) == 0) {
			e->used = ++cache.clock;
			return e;
		}
	}
	return NULL;
}

static void cache_load(const struct cache_entry *e, struct http_resp *w)
{
	w->status = e->status;
	w->content_type = e->content_type;
	w->cache_control = e->cache_control;
	buf_put(&w->headers, e->headers.data, e->headers.len);
	buf_put(&w->body, e->body.data, e->body.len);
	memcpy(w->etag, e->etag, sizeof w->etag);
	w->last_modified = e->last_modified;
	w->cacheable = 1;
}

/* A free slot with room for cost bytes, evicting the least recently used. */
static struct cache_entry *cache_slot(size_t cost)
{
	for (;;) {
		struct cache_entry *free_slot = NULL, *lru = NULL;
		for (int i = 0; i < CACHE_ENTRIES; i++) {
			struct cache_entry *e = &cache.e[i];
			if (!e->key)
				free_slot = free_slot ? free_slot : e;
			else if (!lru || e->used < lru->used)
				lru = e;
		}
		if (free_slot && cache.bytes + cost <= CACHE_BYTES)
			return free_slot;
		if (!lru)
			return NULL;
		cache_drop(lru);
	}
}

/* A response that sets a cookie is somebody's, never everybody's. */
static int sets_cookie(const struct buf *h)
{
	for (size_t i = 0; h->data && i < h->len; i++)
		if ((i == 0 || h->data[i - 1] == '\n') &&
		    strncasecmp(h->data + i, "Set-Cookie:", 11) == 0)
			return 1;
	return 0;
}

/* w has been through http_finish (it has its ETag). */
static void cache_store(const char *key, struct http_resp *w)
{
	const char *ct = w->content_type ? w->content_type : "";
	const char *cc = w->cache_control;
	size_t cost = sizeof(struct cache_entry) + strlen(key) + strlen(ct) +
		      (cc ? strlen(cc) : 0) + w->headers.len + 2 * w->body.len;
	if (cost > CACHE_ENTRY_MAX || sets_cookie(&w->headers))
		return;
	struct cache_entry *e = cache_slot(cost);
	if (!e)
		return;
	e->key = xstrdup(key);
	e->hash = http_fnv1a(key, strlen(key));
	e->used = ++cache.clock;
	e->cost = cost;
	e->status = w->status;
	e->content_type = xstrdup(ct);
	e->cache_control = cc ? xstrdup(cc) : NULL;
	buf_put(&e->headers, w->headers.data ? w->headers.data : "", w->headers.len);
	buf_put(&e->body, w->body.data ? w->body.data : "", w->body.len);
	memcpy(e->etag, w->etag, sizeof e->etag);
	e->last_modified = w->last_modified;
	/* No request: the unconditional GET answer, whatever this one was,
	 * with or without the security headers as this one asked (the same
	 * programs may serve nginx, which adds them, and Apache at once). */
	e->server_headers = w->server_headers;
	http_finish(NULL, w, &e->wire);
	e->cost = cost += e->wire.len - w->body.len;
	cache.bytes += cost;
}

/* ---- one request ------------------------------------------------------ */

static int is_get_head(const struct http_req *r)
{
	return r->method == HTTP_GET || r->method == HTTP_HEAD;
}

static const char *method_name(const struct http_req *r)
{
	const char *m = http_param(r, "REQUEST_METHOD");
	return m ? m : "GET";
}

/* A GET without validators: its answer does not depend on the request. */
static int plain_get(const struct http_req *r)
{
	return r->method == HTTP_GET && !http_header(r, "If-None-Match") &&
	       !http_header(r, "If-Modified-Since");
}

/* Answer from the cache or render; *store says the result is to be kept
 * under key once http_finish gave it its ETag.  For a plain GET that hits,
 * *wire is set to the stored answer instead and w is left alone. */
/* page->version(), asked at most once per SERVE_VERSION_TTL_NS; the
 * monotonic clock is read without a system call (vDSO). */
static long long current_version(void)
{
	static long long v = -1;
	static struct timespec asked;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long age = (long long)(now.tv_sec - asked.tv_sec) * 1000000000LL
		      + (now.tv_nsec - asked.tv_nsec);
	if (v < 0 || age < 0 || age >= SERVE_VERSION_TTL_NS) {
		v = page->version();
		asked = now;
	}
	return v;
}

static void handle_cached(struct http_req *r, struct http_resp *w, struct buf *key,
			  int *store, const struct buf **wire)
{
	long long v = current_version();
	buf_reset(key);
	buf_puts(key, r->path);
	buf_putc(key, '?');
	buf_puts(key, r->query);
	if (page->cache_key)
		page->cache_key(r, key);
	if (v < 0 || key->len > CACHE_KEY_MAX) {
		page->handle(r, w);     /* no trustworthy version: no cache */
		return;
	}
	cache_sync(v);
	struct cache_entry *e = cache_find(key->data);
	if (e && wire && e->wire.len && plain_get(r) &&
	    e->server_headers == http_server_adds_security_headers(r)) {
		*wire = &e->wire;
		return;
	}
	if (e) {
		cache_load(e, w);
		return;
	}
	page->handle(r, w);
	*store = w->status == 200 && w->cacheable;
}

/* status: what http_req_init said (0 or 4xx), or 500 when the page could
 * not open its resources. */
static void respond(struct http_req *r, int status, struct http_resp *w,
		    struct buf *key, int use_cache, int *store,
		    const struct buf **wire)
{
	int public_page = page->version != NULL;
	*store = 0;
	http_resp_reset(w);
	if (status) {
		page->error(r, w, status);
	} else if (!is_get_head(r) && public_page) {
		page->error(r, w, 405);
		http_resp_header(w, "Allow", "GET, HEAD");   /* RFC 9110 15.5.6 */
	} else if (use_cache && public_page) {
		handle_cached(r, w, key, store, wire);
	} else {
		page->handle(r, w);
	}
	if (w->status >= 500)
		fprintf(stderr, "%s: %d for %s %s\n", page->name, w->status,
			method_name(r), r->path[0] ? r->path : "(invalid path)");
}

static void drain_body(struct http_req *r)
{
	char tmp[SERVE_IO_CHUNK];
	long long total = 0;
	while (r->body_read && total < SERVE_DRAIN_MAX) {
		int n = r->body_read(r->body_io, tmp, (int)sizeof tmp);
		if (n <= 0)
			break;
		total += n;
	}
}

/* ---- FastCGI ---------------------------------------------------------- */

static int fcgi_body_read(void *io, char *dst, int n)
{
	FCGX_Stream *in = io;
	int got = FCGX_GetStr(dst, n, in);
	if (got == 0 && FCGX_GetError(in) != 0)
		return -1;
	return got;
}

static int fcgi_write(FCGX_Stream *s, const struct buf *b)
{
	for (size_t off = 0; off < b->len;) {
		size_t n = b->len - off;
		if (n > SERVE_IO_CHUNK)
			n = SERVE_IO_CHUNK;
		if (FCGX_PutStr(b->data + off, (int)n, s) != (int)n)
			return -1;
		off += n;
	}
	return 0;
}

static void serve_fcgi(FCGX_Request *req, struct http_resp *w, struct buf *out,
		       struct buf *key)
{
	struct http_req r;
	const struct buf *wire = NULL;
	int store;
	int status = http_req_init(&r, req->envp);
	r.body_read = fcgi_body_read;
	r.body_io = req->in;
	respond(&r, status, w, key, 1, &store, &wire);
	drain_body(&r);
	if (!wire) {
		buf_reset(out);
		http_finish(&r, w, out);
		if (store)
			cache_store(key->data, w);
		wire = out;
	}
	/* A failed write is a client that went away: nothing to do. */
	(void)fcgi_write(req->out, wire);
}

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
	FCGX_ShutdownPending();
}

static void set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;                /* no SA_RESTART: accept() must wake */
	sigaction(sig, &sa, NULL);
}

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
}

/* Serve fd until told to stop.  The process's exit status. */
static int run_worker(int fd)
{
	FCGX_Request req;
	struct http_resp w;
	struct buf out = BUF_INIT, key = BUF_INIT;
	sigset_t stops;
	stop_signals(&stops);
	set_handler(SIGTERM, on_stop);
	set_handler(SIGINT, on_stop);
	sigprocmask(SIG_BLOCK, &stops, NULL);
	if (page->open && page->open() < 0)
		return 1;
	if (FCGX_InitRequest(&req, fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		return 1;
	http_resp_init(&w);
	for (;;) {
		/* Signals are let in only while waiting for a connection. */
		sigprocmask(SIG_UNBLOCK, &stops, NULL);
		int rc = stop_requested ? -1 : FCGX_Accept_r(&req);
		sigprocmask(SIG_BLOCK, &stops, NULL);
		if (rc < 0)
			break;
		serve_fcgi(&req, &w, &out, &key);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	http_resp_free(&w);
	buf_free(&out);
	buf_free(&key);
	return stop_requested ? 0 : 1;
}

/* ---- the supervisor --------------------------------------------------- */

struct worker {
	pid_t pid;                      /* 0: not running */
	long long started_ms, restart_ms;
	unsigned failures;              /* quick deaths in a row */
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_child(int sig)
{
	(void)sig;          /* only there so SIGCHLD is not discarded */
}

/* A worker whose supervisor was killed outright would keep the socket
 * busy and block a restart ("in use"): on Linux it gets the SIGTERM its
 * supervisor can no longer send. */
static void orphan_guard(pid_t parent)
{
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	if (getppid() != parent)
		exit(0);        /* the supervisor died before the guard was set */
}

static void spawn(struct worker *wk, int fd, const sigset_t *oldmask)
{
	pid_t parent = getpid();
	fflush(NULL);       /* no stdio buffer gets written twice */
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", page->name, strerror(errno));
		wk->restart_ms = now_ms() + SERVE_BACKOFF_MAX_MS;
		return;
	}
	if (pid == 0) {
		orphan_guard(parent);
		set_handler(SIGCHLD, SIG_DFL);
		sigprocmask(SIG_SETMASK, oldmask, NULL);
		exit(run_worker(fd));
	}
	wk->pid = pid;
	wk->started_ms = now_ms();
}

static void log_death(pid_t pid, int st)
{
	if (WIFSIGNALED(st))
		fprintf(stderr, "%s: worker %ld killed by signal %d\n", page->name,
			(long)pid, WTERMSIG(st));
	else
		fprintf(stderr, "%s: worker %ld exited with status %d\n", page->name,
			(long)pid, WEXITSTATUS(st));
}

/* Collect dead workers; unless stopping, log them and plan a restart that
 * backs off exponentially while they keep dying young (a crash loop). */
static int reap(struct worker *wk, int n, int stopping)
{
	pid_t pid;
	int st, alive = 0;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (int i = 0; i < n; i++) {
			if (wk[i].pid != pid)
				continue;
			wk[i].pid = 0;
			if (page->reaped)
				page->reaped((long)pid);
			if (stopping)
				break;
			log_death(pid, st);
			long long t = now_ms();
			wk[i].failures = t - wk[i].started_ms < SERVE_STABLE_MS ?
					 wk[i].failures + 1 : 0;
			long long delay = wk[i].failures ? SERVE_BACKOFF_MIN_MS : 0;
			for (unsigned k = 1; k < wk[i].failures && delay < SERVE_BACKOFF_MAX_MS; k++)
				delay *= 2;
			wk[i].restart_ms = t + (delay > SERVE_BACKOFF_MAX_MS ?
						SERVE_BACKOFF_MAX_MS : delay);
		}
	}
	for (int i = 0; i < n; i++)
		alive += wk[i].pid != 0;
	return alive;
}

/* Start the workers that are due; the milliseconds until the next one is
 * (or a second when none waits). */
static long long start_due(struct worker *wk, int n, int fd, const sigset_t *oldmask)
{
	long long t = now_ms(), wait = 1000;
	for (int i = 0; i < n; i++) {
		if (wk[i].pid)
			continue;
		if (wk[i].restart_ms <= t)
			spawn(&wk[i], fd, oldmask);
		else if (wk[i].restart_ms - t < wait)
			wait = wk[i].restart_ms - t;
	}
	return wait;
}

static int wait_signal(const sigset_t *set, long long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };
	return sigtimedwait(set, NULL, &ts);
}

static void stop_workers(struct worker *wk, int n, const sigset_t *set)
{
	for (int i = 0; i < n; i++)
		if (wk[i].pid)
			kill(wk[i].pid, SIGTERM);
	long long deadline = now_ms() + SERVE_STOP_GRACE_MS;
	while (reap(wk, n, 1) > 0 && now_ms() < deadline)
		wait_signal(set, 20);
	for (int i = 0; i < n; i++) {
		if (!wk[i].pid)
			continue;
		fprintf(stderr, "%s: worker %ld did not stop, killed\n", page->name,
			(long)wk[i].pid);
		kill(wk[i].pid, SIGKILL);
		waitpid(wk[i].pid, NULL, 0);
		wk[i].pid = 0;
	}
}

static int stop_pending(void)
{
	sigset_t p;
	sigpending(&p);
	return sigismember(&p, SIGTERM) || sigismember(&p, SIGINT);
}

/* Pre-fork serve_cfg.workers workers on fd, keep them running until
 * SIGTERM or SIGINT, then stop them within SERVE_STOP_GRACE_MS. */
static void supervise(int fd)
{
	struct worker wk[SERVE_WORKERS_MAX];
	int n = serve_cfg.workers;
	sigset_t set, oldmask;
	memset(wk, 0, sizeof wk);
	stop_signals(&set);
	sigaddset(&set, SIGCHLD);
	set_handler(SIGCHLD, on_child);
	sigprocmask(SIG_BLOCK, &set, &oldmask);
	for (;;) {
		reap(wk, n, 0);
		if (stop_pending())
			break;
		long long wait = start_due(wk, n, fd, &oldmask);
		int sig = wait_signal(&set, wait);
		if (sig == SIGTERM || sig == SIGINT)
			break;
	}
	stop_workers(wk, n, &set);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
}

/* ---- modes ------------------------------------------------------------ */

/* 1 when something accepts connections on path (another instance). */
static int socket_in_use(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), used;
	if (fd < 0 || strlen(path) >= sizeof sa.sun_path) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	used = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return used;
}

/* A stale socket file may be replaced (libfcgi unlinks the path itself);
 * anything else at that path, or a live socket, may not. */
static int check_listen_path(const char *path)
{
	struct stat st;
	if (strchr(path, ':')) {
		fprintf(stderr, "%s: --listen %s: a Unix socket path has no ':'\n",
			page->name, path);
		return -1;
	}
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode) || socket_in_use(path)) {
		fprintf(stderr, "%s: --listen %s: %s\n", page->name, path,
			S_ISSOCK(st.st_mode) ? "in use by another server" :
			"exists and is not a socket");
		return -1;
	}
	return 0;
}

static int run_listen(const char *path)
{
	struct stat mine, now;
	if (check_listen_path(path) < 0 || FCGX_Init() != 0)
		return 1;
	mode_t old = umask(0117);       /* created 0660: web server group only */
	int fd = FCGX_OpenSocket(path, SERVE_BACKLOG);
	umask(old);
	if (fd < 0 || chmod(path, 0660) < 0 || stat(path, &mine) < 0) {
		fprintf(stderr, "%s: cannot listen on %s\n", page->name, path);
		return 1;
	}
	supervise(fd);
	close(fd);
	/* Only remove the socket if it is still ours, not a successor's. */
	if (stat(path, &now) == 0 && now.st_ino == mine.st_ino && now.st_dev == mine.st_dev)
		unlink(path);
	return 0;
}

/* sd_listen_fds(3) semantics for exactly one socket. */
static int systemd_fd(void)
{
	const char *fds = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
	char me[32];
	if (!fds || !pid || strcmp(fds, "1") != 0)
		return -1;
	snprintf(me, sizeof me, "%ld", (long)getpid());
	if (strcmp(pid, me) != 0)
		return -1;
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDNAMES");
	return SERVE_SYSTEMD_FD;
}

/* RFC 3875 4.2: the body is CONTENT_LENGTH bytes of stdin; the server
 * need not close it after, so never read further. */
struct cgi_in {
	long long left;
};

static int cgi_body_read(void *io, char *dst, int n)
{
	struct cgi_in *in = io;
	if (in->left <= 0 || n <= 0)
		return 0;
	size_t want = in->left < n ? (size_t)in->left : (size_t)n;
	size_t got = fread(dst, 1, want, stdin);
	in->left -= (long long)got;
	if (got == 0) {
		in->left = 0;
		return ferror(stdin) ? -1 : 0;
	}
	return (int)got;
}

static int run_cgi(void)
{
	struct http_req r;
	struct http_resp w;
	struct buf out = BUF_INIT, key = BUF_INIT;
	int store, status = http_req_init(&r, environ);
	struct cgi_in in = { r.content_length > 0 ? r.content_length : 0 };
	r.body_read = cgi_body_read;
	r.body_io = &in;
	if (page->open && page->open() < 0 && !status)
		status = 500;
	http_resp_init(&w);
	respond(&r, status, &w, &key, 0, &store, NULL);
	drain_body(&r);
	http_finish(&r, &w, &out);
	int ok = fwrite(out.data, 1, out.len, stdout) == out.len && fflush(stdout) == 0;
	http_resp_free(&w);
	buf_free(&out);
	buf_free(&key);
	return ok ? 0 : 1;
}

int serve_main(int argc, char **argv, const struct serve_page *p)
{
	const char *prog = argc > 0 ? argv[0] : p->name;
	page = p;
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout, prog);
		return 0;
	}
	if (parse_args(argc, argv) < 0) {
		usage(stderr, prog);
		exit(2);
	}
	set_handler(SIGPIPE, SIG_IGN);  /* a gone client is an error return */
	if (page->init && page->init() < 0)
		exit(1);
	if (serve_cfg.listen_path)
		return run_listen(serve_cfg.listen_path);
	int fd = systemd_fd();
	if (fd >= 0) {
		if (FCGX_Init() != 0)
			return 1;
		supervise(fd);
		return 0;
	}
	if (FCGX_Init() != 0)
		return 1;
	if (!FCGX_IsCGI())
		return run_worker(0);   /* spawn-fcgi, mod_fcgid: one process */
	if (!getenv("REQUEST_METHOD") && !getenv("GATEWAY_INTERFACE")) {
		usage(stderr, prog);
		exit(2);
	}
	return run_cgi();
}
