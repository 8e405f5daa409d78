/* search: the archive's full text, /search?q=WORDS.  Without q, the form
 * alone; the hits come grouped by edition, newest first. */
#include <string.h>

#include "db.h"
#include "page.h"

#define SEARCH_Q_MAX 256        /* bytes of q, decoded; longer is a 400 */

static void handle(struct http_req *r, struct http_resp *w)
{
	char q[SEARCH_Q_MAX + 1], match[DB_SEARCH_MATCH_MAX];
	if (strcmp(r->path, "/search") != 0) {
		page_error(r, w, 404);
		return;
	}
	int rc = http_query_get(r->query, "q", q, sizeof q);
	if (rc == 0)
		q[0] = '\0';
	int words = rc < 0 ? -1 : db_search_match(q, match, sizeof match);
	if (words < 0) {
		page_error(r, w, 400);
		return;
	}
	struct tmpl_vars *v = page_vars();
	enum db_result found = page_layout(v, 0, PAGE_SEARCH, page_lang());
	tmpl_set(v, "q", q);
	int hits = found == DB_FOUND && words > 0 ? db_search(v, match, page_lang(), "groups") : 0;
	if (hits < 0)
		found = DB_FAILED;
	tmpl_seti(v, "hit_count", hits);
	tmpl_set(v, "searched", words > 0 ? "1" : "");
	tmpl_set(v, "one_hit", hits == 1 ? "1" : "");
	tmpl_set(v, "no_hits", words > 0 && hits == 0 ? "1" : "");
	page_answer(r, w, found, "search.xml", v);
}

int main(int argc, char **argv)
{
	return page_main(argc, argv, "search", handle);
}
