/* serve: the FastCGI loop and the process model every program shares.
 *
 * A program describes itself in a struct serve_page and calls serve_main().
 * serve_main picks the mode:
 *   --listen PATH [--workers N]  open a Unix socket (mode 0660) itself; a
 *                                small supervisor pre-forks N workers,
 *                                restarts one that dies, and stops them all
 *                                on SIGTERM within a second;
 *   a FastCGI socket on stdin    (spawn-fcgi, mod_fcgid) or LISTEN_FDS=1
 *                                (systemd socket activation): serve it;
 *   otherwise                    plain CGI: one request from the environment
 *                                and stdin, answer on stdout.
 * Options for every mode: --db PATH (default $SITE_DB, else var/site.db),
 * --templates DIR (default $SITE_TEMPLATES, else templates).
 *
 * Each response goes through http_finish().  Responses the handler marks
 * cacheable are kept per worker, with their ETag, until page->version()
 * changes (asked at most once a millisecond); a hit is answered (or 304'd)
 * without calling the handler. */
#ifndef SERVE_H
#define SERVE_H

#include "http.h"

struct serve_config {
	const char *db_path;
	const char *templates_dir;
	const char *listen_path;
	int workers;
};

extern struct serve_config serve_cfg;

struct serve_page {
	const char *name;
	/* Once, before any fork: compile templates.  0, or -1 after printing
	 * the reason to stderr (start-up then fails). */
	int (*init)(void);
	/* In each worker (and in CGI mode) before its first request: open the
	 * database, prepare statements.  0 or -1. */
	int (*open)(void);
	/* Build the response for one request.  Never called for a request that
	 * http_req_init refused: error() is, with that status. */
	void (*handle)(struct http_req *r, struct http_resp *w);
	/* Render an error page (404, 400, 405, 414, 500...) into w. */
	void (*error)(struct http_req *r, struct http_resp *w, int status);
	/* A number that changes whenever the content may have changed (the
	 * database's data_version); NULL disables the render cache. */
	long long (*version)(void);
	/* In the supervisor, after a worker died (or stopped): clean up what
	 * it may have left, such as its temp files.  NULL: nothing to do. */
	void (*reaped)(long pid);
	/* What besides path and query the answer depends on (the request
	 * headers its Vary names), appended to the render cache's key; NULL:
	 * nothing (the home page's / follows Accept-Language). */
	void (*cache_key)(const struct http_req *r, struct buf *key);
};

int serve_main(int argc, char **argv, const struct serve_page *page);

#endif
