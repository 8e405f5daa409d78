/* Unit tests for lib/pdf.c: the PDF check and its page count. */
#include "media_fixture.h"

/* ---- PDF ---- */

static void test_pdf_page_count_of_demo_pdfs(void **state)
{
	struct fixture *f = *state;
	static const int counts[] = { 1, 3, 18 };
	char err[128];
	int pages;

	for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
		assert_int_equal(demogen_pdf(at(f, "d.pdf"), "Präzisionsmedizin",
			"Session (2) \\ Day 1", counts[i], err, sizeof err), 0);
		assert_int_equal(pdf_check(at(f, "d.pdf"), &pages, err,
			sizeof err), 0);
		assert_int_equal(pages, counts[i]);
	}
}

static void test_pdf_png_renamed_refused(void **state)
{
	struct fixture *f = *state;
	char err[128];
	int pages = 7;

	make_png(at(f, "slides.pdf"), 32, 32, 2, 1);
	assert_int_equal(pdf_check(at(f, "slides.pdf"), &pages, err,
		sizeof err), -1);
	assert_string_equal(err, "not a readable PDF");
	assert_int_equal(pages, 0);
}

static void test_pdf_truncated_refused(void **state)
{
	struct fixture *f = *state;
	struct buf b = BUF_INIT;
	char err[128];
	int pages;

	assert_int_equal(demogen_pdf(at(f, "d.pdf"), "T", "S", 3, NULL, 0), 0);
	read_file(at(f, "d.pdf"), &b);
	write_bytes(at(f, "cut.pdf"), b.data, b.len - 20);
	assert_int_equal(pdf_check(at(f, "cut.pdf"), &pages, err,
		sizeof err), -1);
	buf_free(&b);
}

/* A PDF 1.5 whose page tree lives only inside a compressed object stream:
 * a plain text scan finds no page at all. */
static void test_pdf_pages_inside_object_stream(void **state)
{
	struct fixture *f = *state;
	const char *objs = "2 0 3 60 4 120 5 180 "
		"<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>  "
		"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>  "
		"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>  "
		"<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>";
	uLongf zn = compressBound(strlen(objs));
	unsigned char *z = xmalloc(zn);
	struct buf b = BUF_INIT;
	char err[128];
	int pages;

	assert_int_equal(compress(z, &zn, (const Bytef *)objs, strlen(objs)), Z_OK);
	buf_puts(&b, "%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\n"
		"endobj\n");
	buf_printf(&b, "6 0 obj\n<< /Type /ObjStm /N 4 /First 20 /Filter "
		"/FlateDecode /Length %lu >>\nstream\r\n", (unsigned long)zn);
	buf_put(&b, z, zn);
	buf_puts(&b, "\r\nendstream\nendobj\n7 0 obj\n<< /Type /XRef /Size 8 "
		"/Root 1 0 R >>\nstream\nxx\nendstream\nendobj\nstartxref\n0\n"
		"%%EOF\n");
	assert_false(contains(&b, "/Count", 6));
	write_bytes(at(f, "objstm.pdf"), b.data, b.len);
	assert_int_equal(pdf_check(at(f, "objstm.pdf"), &pages, err,
		sizeof err), 0);
	assert_int_equal(pages, 3);
	buf_free(&b);
	free(z);
}

/* Text in a page's content stream or in a string is no dictionary. */
static void test_pdf_page_lookalikes_not_counted(void **state)
{
	struct fixture *f = *state;
	const char *pdf = "%PDF-1.4\n"
		"1 0 obj << /Type /Catalog /Pages 2 0 R /Title (/Type /Page) >> endobj\n"
		"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
		"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
		"4 0 obj << /Length 40 >>\nstream\n<< /Type /Pages /Count 99 >>\n"
		"endstream endobj\n%%EOF\n";
	char err[128];
	int pages;

	write_bytes(at(f, "l.pdf"), pdf, strlen(pdf));
	assert_int_equal(pdf_check(at(f, "l.pdf"), &pages, err, sizeof err), 0);
	assert_int_equal(pages, 1);
}

/* Without any /Count, the page dictionaries are counted; /Pages (with
 * an s) is not one of them. */
static void test_pdf_counts_page_objects_without_count(void **state)
{
	struct fixture *f = *state;
	const char *pdf = "%PDF-1.4\n"
		"2 0 obj << /Type/Pages /Kids [3 0 R 4 0 R] >> endobj\n"
		"3 0 obj << /Type/Page /Parent 2 0 R >> endobj\n"
		"4 0 obj <</Parent 2 0 R/Type\n/Page>> endobj\n%%EOF\n";
	char err[128];
	int pages;

	write_bytes(at(f, "n.pdf"), pdf, strlen(pdf));
	assert_int_equal(pdf_check(at(f, "n.pdf"), &pages, err, sizeof err), 0);
	assert_int_equal(pages, 2);
}

static int check_text(const struct fixture *f, const char *pdf, int *pages,
		char *err, size_t errsz)
{
	write_bytes(at(f, "t.pdf"), pdf, strlen(pdf));
	return pdf_check(at(f, "t.pdf"), pages, err, errsz);
}

#define PAGE_TREE "2 0 obj << /Type/Pages /Kids [3 0 R] /Count 1 >> endobj\n" \
	"3 0 obj << /Type/Page /Parent 2 0 R >> endobj\n"

static void test_pdf_count_without_pages_refused(void **state)
{
	/* 62 bytes that claim 99,999 pages and hold none. */
	const char *pdf = "%PDF-1.4\n1 0 obj<</Type/Pages/Count 99999>>endobj\n%%EOF\n";
	char err[128];
	int pages;

	assert_int_equal(check_text(*state, pdf, &pages, err, sizeof err), -1);
	assert_string_equal(err, "not a readable PDF");
}

static void test_pdf_count_larger_than_pages_read(void **state)
{
	const char *pdf = "%PDF-1.4\n"
		"2 0 obj << /Type/Pages /Kids [3 0 R] /Count 500 >> endobj\n"
		"3 0 obj << /Type/Page /Parent 2 0 R >> endobj\n%%EOF\n";
	char err[128];
	int pages;

	assert_int_equal(check_text(*state, pdf, &pages, err, sizeof err), 0);
	assert_int_equal(pages, 1);
}

static void test_pdf_openaction_javascript_refused(void **state)
{
	const char *pdf = "%PDF-1.4\n"
		"1 0 obj << /Type/Catalog /Pages 2 0 R /OpenAction 4 0 R >> endobj\n"
		PAGE_TREE
		"4 0 obj << /S/JavaScript /JS (app.alert(1)) >> endobj\n%%EOF\n";
	char err[128];
	int pages;

	assert_int_equal(check_text(*state, pdf, &pages, err, sizeof err), -1);
	assert_string_equal(err, PDF_ACTIVE_MSG);
}

static void test_pdf_embedded_file_refused(void **state)
{
	const char *pdf = "%PDF-1.4\n"
		"1 0 obj << /Type/Catalog /Pages 2 0 R /Names << /EmbeddedFiles 5 0 R >> >> endobj\n"
		PAGE_TREE "%%EOF\n";
	char err[128];
	int pages;

	assert_int_equal(check_text(*state, pdf, &pages, err, sizeof err), -1);
	assert_string_equal(err, PDF_ACTIVE_MSG);
}

static void test_pdf_escaped_active_name_refused(void **state)
{
	/* /L#61unch is /Launch (names may escape bytes, 7.3.5). */
	const char *pdf = "%PDF-1.4\n"
		"1 0 obj << /Type/Catalog /Pages 2 0 R /OpenAction << /S/L#61unch /F (x.exe) >> >> endobj\n"
		PAGE_TREE "%%EOF\n";
	char err[128];
	int pages;

	assert_int_equal(check_text(*state, pdf, &pages, err, sizeof err), -1);
	assert_string_equal(err, PDF_ACTIVE_MSG);
}

static void test_pdf_plain_openaction_accepted(void **state)
{
	const char *pdf = "%PDF-1.4\n"
		"1 0 obj << /Type/Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >> endobj\n"
		PAGE_TREE "%%EOF\n";
	char err[128];
	int pages;

	assert_int_equal(check_text(*state, pdf, &pages, err, sizeof err), 0);
	assert_int_equal(pages, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_pdf_page_count_of_demo_pdfs),
		T(test_pdf_png_renamed_refused),
		T(test_pdf_truncated_refused),
		T(test_pdf_pages_inside_object_stream),
		T(test_pdf_page_lookalikes_not_counted),
		T(test_pdf_counts_page_objects_without_count),
		T(test_pdf_count_without_pages_refused),
		T(test_pdf_count_larger_than_pages_read),
		T(test_pdf_openaction_javascript_refused),
		T(test_pdf_embedded_file_refused),
		T(test_pdf_escaped_active_name_refused),
		T(test_pdf_plain_openaction_accepted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
