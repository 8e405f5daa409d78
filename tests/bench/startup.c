/* A program's start to its first response, for `make bench`:
 *
 *   startup RUNS PROGRAM
 *
 * Runs PROGRAM RUNS times as a plain CGI program (the request comes from
 * the environment this tool was given), each time from fork/exec to its
 * exit: load, compile the templates, open the database, answer one request.
 * Every answer must start with "Status: 200".  Prints "median_ms=M min_ms=N".
 * Timing here rather than in the shell keeps a date(1) per sample out of
 * the figure. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STARTUP_RUNS_MAX 1000
#define STARTUP_HEAD     16            /* bytes kept of each answer */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* One run: its wall-clock milliseconds, or -1 when it failed. */
static double run_once(char **argv)
{
	int fds[2];
	char head[STARTUP_HEAD + 1], sink[65536];
	size_t have = 0;
	int st;
	if (pipe(fds) < 0)
		return -1;
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], sink, sizeof sink);
		if (n <= 0)
			break;
		if (have < STARTUP_HEAD) {
			size_t k = (size_t)n < STARTUP_HEAD - have ? (size_t)n : STARTUP_HEAD - have;
			memcpy(head + have, sink, k);
			have += k;
		}
	}
	close(fds[0]);
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	double t1 = now_ms();
	head[have] = '\0';
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || strncmp(head, "Status: 200", 11) != 0) {
		fprintf(stderr, "startup: %s answered \"%s\"\n", argv[0], head);
		return -1;
	}
	return t1 - t0;
}

int main(int argc, char **argv)
{
	static double ms[STARTUP_RUNS_MAX];
	int runs = argc == 3 ? atoi(argv[1]) : 0;
	if (runs < 1 || runs > STARTUP_RUNS_MAX) {
		fputs("usage: startup RUNS PROGRAM   (the CGI request in the environment)\n", stderr);
		return 2;
	}
	for (int i = 0; i < runs; i++)
		if ((ms[i] = run_once(argv + 2)) < 0)
			return 1;
	qsort(ms, (size_t)runs, sizeof ms[0], cmp_double);
	double med = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
	printf("median_ms=%.2f min_ms=%.2f\n", med, ms[0]);
	return 0;
}
