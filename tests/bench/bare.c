/* The FastCGI transport limit, for `make bench`: a bare libfcgi responder
 * that answers each request with bytes it loaded into memory at start.
 * No routing beyond a path lookup, no database, no templates: whatever the
 * site's programs cost above this is the cost of the site's own code.
 *
 *   bare --listen SOCKET --workers N [--raw] URLPATH=FILE...
 *
 * It pre-forks N workers on one Unix socket (mode 0660), as lib/serve.c
 * does.  SIGTERM or SIGINT to the parent is passed on to the workers; the
 * parent waits for them, removes the socket and exits.  A worker whose
 * parent is killed outright gets SIGTERM from the kernel (Linux), so no
 * worker outlives a run. */
#include <errno.h>
#include <fcgiapp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#define BARE_PAGES_MAX   32
#define BARE_WORKERS_MAX 64
#define BARE_BACKLOG     128
#define BARE_HEAD_MAX    256

struct page {
	char *path;
	char *resp;             /* headers + body, ready to write */
	int len;
};

static struct page pages[BARE_PAGES_MAX];
static int npages;
static volatile sig_atomic_t stopping;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fputs("bare: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL, chunk[65536];
	size_t n = 0, r;
	if (!f) {
		perror(path);
		exit(1);
	}
	while ((r = fread(chunk, 1, sizeof chunk, f)) > 0) {
		data = xrealloc(data, n + r);
		memcpy(data + n, chunk, r);
		n += r;
	}
	fclose(f);
	*len = n;
	return data;
}

/* URLPATH=FILE: the response for URLPATH, built once: FILE's bytes after a
 * minimal header.  After --raw, each FILE is already a whole response,
 * header lines and body, as a program writes it (make bench rebuilds it
 * from what the page's program answered): it is sent as it is. */
static int raw;

static void load(const char *arg)
{
	const char *eq = strchr(arg, '=');
	char head[BARE_HEAD_MAX];
	size_t n;
	if (!eq || eq == arg || npages == BARE_PAGES_MAX) {
		fprintf(stderr, "bare: bad argument %s\n", arg);
		exit(2);
	}
	char *body = read_file(eq + 1, &n);
	int hl = raw ? 0 : snprintf(head, sizeof head,
	    "Status: 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n\r\n", n);
	struct page *p = &pages[npages++];
	p->path = strndup(arg, (size_t)(eq - arg));
	p->resp = xrealloc(NULL, (size_t)hl + n + 1);
	memcpy(p->resp, head, (size_t)hl);
	if (n)
		memcpy(p->resp + hl, body, n);
	p->len = hl + (int)n;
	free(body);
}

static void serve(int sock)
{
	FCGX_Request req;
	FCGX_InitRequest(&req, sock, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		const char *uri = FCGX_GetParam("REQUEST_URI", req.envp);
		const struct page *hit = NULL;
		for (int i = 0; uri && !hit && i < npages; i++)
			if (strcmp(uri, pages[i].path) == 0)
				hit = &pages[i];
		if (hit)
			FCGX_PutStr(hit->resp, hit->len, req.out);
		else
			FCGX_PutS("Status: 404 Not Found\r\nContent-Length: 0\r\n\r\n", req.out);
		FCGX_Finish_r(&req);
	}
}

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;        /* no SA_RESTART: wait() must return */
	sigaction(sig, &sa, NULL);
}

static pid_t spawn(int sock, pid_t parent)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	handle(SIGTERM, SIG_DFL);
	handle(SIGINT, SIG_DFL);
#ifdef __linux__
	prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
	if (getppid() != parent)
		_exit(0);
	serve(sock);
	_exit(0);
}

int main(int argc, char **argv)
{
	const char *listen = NULL;
	pid_t kids[BARE_WORKERS_MAX];
	int workers = 2;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--listen") == 0 && i + 1 < argc)
			listen = argv[++i];
		else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc)
			workers = atoi(argv[++i]);
		else if (strcmp(argv[i], "--raw") == 0)
			raw = 1;
		else
			load(argv[i]);
	}
	if (!listen || workers < 1 || workers > BARE_WORKERS_MAX) {
		fputs("usage: bare --listen SOCKET --workers N [--raw] URLPATH=FILE...\n", stderr);
		return 2;
	}
	handle(SIGTERM, on_stop);
	handle(SIGINT, on_stop);
	FCGX_Init();
	unlink(listen);
	mode_t old = umask(0117);
	int sock = FCGX_OpenSocket(listen, BARE_BACKLOG);
	umask(old);
	if (sock < 0) {
		perror(listen);
		return 1;
	}
	pid_t me = getpid();
	for (int i = 0; i < workers; i++)
		kids[i] = spawn(sock, me);
	/* Wait until a worker dies or we are told to stop; then stop all. */
	while (!stopping) {
		pid_t pid = wait(NULL);
		if (pid > 0 || errno != EINTR)
			break;
	}
	for (int i = 0; i < workers; i++)
		if (kids[i] > 0)
			kill(kids[i], SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	unlink(listen);
	return 0;
}
