/* space: failures for want of disk space.  See space.h. */
#include "space.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

static int noted;

int space_errno(int err)
{
	return err == ENOSPC || err == EDQUOT || err == EFBIG;
}

int space_sqlite(int code, int sys_errno)
{
	/* SQLITE_FULL is SQLite's own word for ENOSPC; a quota or a file
	 * size limit reaches it as an I/O error carrying the errno. */
	return (code & 0xff) == SQLITE_FULL ||
	       ((code & 0xff) == SQLITE_IOERR && space_errno(sys_errno));
}

int space_note(const char *what, int err)
{
	int saved = errno;
	if (!space_errno(err))
		return 0;
	fprintf(stderr, "out of space: %s: %s (errno %d)\n", what, strerror(err), err);
	noted = 1;
	errno = saved;
	return 1;
}

int space_note_sqlite(const char *what, int code, int sys_errno)
{
	int saved = errno;
	if (!space_sqlite(code, sys_errno))
		return 0;
	fprintf(stderr, "out of space: %s: %s (SQLite code %d, errno %d)\n", what,
		sqlite3_errstr(code), code, sys_errno);
	noted = 1;
	errno = saved;
	return 1;
}

int space_short(void)
{
	return noted;
}

void space_clear(void)
{
	noted = 0;
}
