/* Tests of lib/buf.c: growth, formatting, and refusal of impossible sizes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"

static void test_put_keeps_nul(void **state)
{
	struct buf b = BUF_INIT;
	(void)state;
	buf_put(&b, "abc", 3);
	buf_putc(&b, 'd');
	assert_int_equal(b.len, 4);
	assert_string_equal(b.data, "abcd");
	buf_free(&b);
}

static void test_printf_grows(void **state)
{
	struct buf b = BUF_INIT;
	char big[1000];
	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_puts(&b, "<");
	buf_printf(&b, "%s%d", big, 42);
	assert_int_equal(b.len, 1 + 999 + 2);
	assert_int_equal(b.data[b.len], '\0');
	assert_memory_equal(b.data + 1000, "42", 2);
	buf_free(&b);
}

/* Run fn in a child: 1 when it ended with SIGABRT (the OOM path). */
static int aborts(void (*fn)(void))
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		/* Keep stderr quiet: the child's message is expected. */
		if (!freopen("/dev/null", "w", stderr))
			_exit(2);
		fn();
		_exit(0);
	}
	int st = 0;
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT;
}

static void reserve_all(void)
{
	struct buf b = BUF_INIT;
	buf_reserve(&b, SIZE_MAX);       /* len + SIZE_MAX + 1 wraps to len */
}

static void reserve_all_but_len(void)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "abc");
	buf_reserve(&b, SIZE_MAX - 2);   /* wraps to 1, below len */
}

static void test_reserve_overflow_aborts(void **state)
{
	(void)state;
	assert_true(aborts(reserve_all));
	assert_true(aborts(reserve_all_but_len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_keeps_nul),
		cmocka_unit_test(test_printf_grows),
		cmocka_unit_test(test_reserve_overflow_aborts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
