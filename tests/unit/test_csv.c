/* Unit tests: src/core/csv.c */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "leadq/csv.h"
#include "leadq/mem.h"
#include "leadq/text.h"
#include "leadq/time.h"

/* ---- helpers ----------------------------------------------------------- */

/* Reads text[len] whole; each row as "L<line>:f1|f2|…\n" into out.  Returns
 * the last code (LQ_CSV_END when all went well); err holds its message. */
static enum lq_csv_rc read_rows_delim(const char *text, size_t len, char delim, char *out,
				      size_t outsize, char *err, size_t errsize)
{
	struct lq_csv_reader r;
	enum lq_csv_rc rc;
	size_t pos = 0;

	out[0] = '\0';
	lq_csv_init(&r, text, len);
	if (delim)
		lq_csv_set_delimiter(&r, delim);
	for (;;) {
		size_t i;

		rc = lq_csv_next(&r, err, errsize);
		if (rc != LQ_CSV_ROW)
			break;
		pos += (size_t)snprintf(out + pos, outsize - pos, "L%ld:", lq_csv_row_line(&r));
		for (i = 0; i < lq_csv_nfields(&r); i++)
			pos += (size_t)snprintf(out + pos, outsize - pos, "%s%s", i ? "|" : "",
						lq_csv_field(&r, i));
		pos += (size_t)snprintf(out + pos, outsize - pos, "\n");
		assert_true(pos < outsize);
	}
	lq_csv_free(&r);
	return rc;
}

static enum lq_csv_rc read_rows(const char *text, char *out, size_t outsize, char *err,
				size_t errsize)
{
	return read_rows_delim(text, strlen(text), 0, out, outsize, err, errsize);
}

static void assert_rows(const char *text, const char *want)
{
	char out[2048], err[128];

	assert_int_equal(read_rows(text, out, sizeof out, err, sizeof err), LQ_CSV_END);
	assert_string_equal(err, "");
	assert_string_equal(out, want);
}

/* The rows before the error, and the error. */
static void assert_error(const char *text, const char *want_rows, const char *want_err)
{
	char out[2048], err[128];

	assert_int_equal(read_rows(text, out, sizeof out, err, sizeof err), LQ_CSV_ERROR);
	assert_string_equal(out, want_rows);
	assert_string_equal(err, want_err);
}

static char detect(const char *text)
{
	struct lq_csv_reader r;
	char d;

	lq_csv_init(&r, text, strlen(text));
	d = r.delim;
	lq_csv_free(&r);
	return d;
}

static lq_time T(const char *rfc3339)
{
	lq_time t = 0;

	assert_true(lq_time_parse(rfc3339, &t));
	return t;
}

/* ---- reading ----------------------------------------------------------- */

static void test_read_simple(void **state)
{
	(void)state;
	assert_rows("a,b,c\n1,2,3\n", "L1:a|b|c\nL2:1|2|3\n");
	assert_rows("a,b,c\r\n1,2,3\r\n", "L1:a|b|c\nL2:1|2|3\n");
	assert_rows("a,b\r1,2\r", "L1:a|b\nL2:1|2\n");         /* old Mac line ends */
	assert_rows("a,b\n1,2", "L1:a|b\nL2:1|2\n");           /* no last line end */
	assert_rows("a,b\r\n1,2", "L1:a|b\nL2:1|2\n");
	assert_rows("a,b\n1,\n,2\n,\n", "L1:a|b\nL2:1|\nL3:|2\nL4:|\n");
	assert_rows("a,b\n1,", "L1:a|b\nL2:1|\n");             /* trailing delimiter at EOF */
	assert_rows("solo\nuno\n", "L1:solo\nL2:uno\n");
	assert_rows(" a , b \n", "L1: a | b \n");              /* spaces are data */
	assert_rows("", "");
	assert_rows("\n\r\n\n", "");
}

static void test_read_blank_lines_skipped(void **state)
{
	(void)state;
	assert_rows("a,b\n\n1,2\n\r\n\r\n3,4\n\n", "L1:a|b\nL3:1|2\nL6:3|4\n");
	assert_rows("\n\na,b\n", "L3:a|b\n");
	/* A line of delimiters is not blank: it is a row of empty fields. */
	assert_rows("a;b\n;\n", "L1:a|b\nL2:|\n");
}

static void test_read_quoted(void **state)
{
	(void)state;
	assert_rows("\"a,b\",c\n", "L1:a,b|c\n");
	assert_rows("\"say \"\"hola\"\"\",x\n", "L1:say \"hola\"|x\n");
	assert_rows("\"\",\"\"\"\"\n", "L1:|\"\n");
	assert_rows("\"\"\n", "L1:\n");                    /* one empty field */
	assert_rows("x,\"two\nlines\",y\nnext,row,z\n", "L1:x|two\nlines|y\nL3:next|row|z\n");
	/* CRLF inside quotes is kept as written and counts as one line. */
	assert_rows("x,\"a\r\nb\r\nc\"\r\nn,m\r\n", "L1:x|a\r\nb\r\nc\nL4:n|m\n");
	assert_rows("\"last\"", "L1:last\n");
	assert_rows("a,\"b\"", "L1:a|b\n");
	assert_rows("a,\"b\"\r\n", "L1:a|b\n");
	/* A quoted field that holds only line breaks. */
	assert_rows("\"\n\n\",x\ny,z\n", "L1:\n\n|x\nL4:y|z\n");
}

static void test_read_utf8_and_bom(void **state)
{
	(void)state;
	assert_rows("\xEF\xBB\xBFNombre,Ciudad\nJosé Núñez,São Paulo\nUrs,Zürich\n",
		    "L1:Nombre|Ciudad\nL2:José Núñez|São Paulo\nL3:Urs|Zürich\n");
	/* Only a leading BOM is skipped. */
	assert_rows("a\n\xEF\xBB\xBF" "b\n", "L1:a\nL2:\xEF\xBB\xBF" "b\n");
	assert_rows("\xEF\xBB\xBF", "");
	assert_int_equal(detect("\xEF\xBB\xBF" "a;b;c\n1,2;3;4\n"), ';');
}

static void test_read_delimiter_detection(void **state)
{
	char out[512], err[128];
	const char *semi = "\"Empresa, S.L.\";Email;\"Notas, varias\"\n"
			   "\"Acme, S.A.\";ana@acme.es;\"uno, dos\"\n";
	const char *tab = "Nombre\tEmail\tNotas\nAna\tana@x.es\ta,b;c\n";

	(void)state;
	assert_int_equal(detect("a,b,c\n"), ',');
	assert_int_equal(detect("a;b;c\n"), ';');
	assert_int_equal(detect("a\tb\tc\n"), '\t');
	assert_int_equal(detect("solo\n"), ',');
	assert_int_equal(detect(""), ',');
	assert_int_equal(detect("a;b,c;d\n"), ';');          /* most wins */
	assert_int_equal(detect("a;b,c\n"), ',');            /* a tie keeps ',' */
	assert_int_equal(detect("a\tb;c\n"), ';');           /* then ';' before tab */
	/* Only the first line counts, and quotes hide what they hold. */
	assert_int_equal(detect("a;b\n1,2,3,4,5\n"), ';');
	assert_int_equal(detect("\"a,b,c\";d\n"), ';');
	assert_int_equal(detect("\"x\ny,z,w\";q;r\n"), ';'); /* a quoted line break */
	assert_int_equal(detect(semi), ';');
	assert_int_equal(detect(tab), '\t');

	assert_int_equal(read_rows(semi, out, sizeof out, err, sizeof err), LQ_CSV_END);
	assert_string_equal(out, "L1:Empresa, S.L.|Email|Notas, varias\n"
				 "L2:Acme, S.A.|ana@acme.es|uno, dos\n");
	assert_int_equal(read_rows(tab, out, sizeof out, err, sizeof err), LQ_CSV_END);
	assert_string_equal(out, "L1:Nombre|Email|Notas\nL2:Ana|ana@x.es|a,b;c\n");

	/* An override, and overrides that would break the grammar are refused. */
	assert_int_equal(read_rows_delim("a;b|c\n", 6, '|', out, sizeof out, err, sizeof err),
			 LQ_CSV_END);
	assert_string_equal(out, "L1:a;b|c\n");
	assert_int_equal(read_rows_delim("a,b\n", 4, '"', out, sizeof out, err, sizeof err),
			 LQ_CSV_END);
	assert_string_equal(out, "L1:a|b\n");
	assert_int_equal(read_rows_delim("a,b\n", 4, '\n', out, sizeof out, err, sizeof err),
			 LQ_CSV_END);
	assert_string_equal(out, "L1:a|b\n");
}

static void test_read_not_nul_terminated(void **state)
{
	char out[256], err[128];
	/* The reader must stop at len, not at a NUL. */
	const char text[] = {'a', ',', 'b', '\n', '1', ',', '2', 'X', 'Y'};

	(void)state;
	assert_int_equal(read_rows_delim(text, 7, 0, out, sizeof out, err, sizeof err),
			 LQ_CSV_END);
	assert_string_equal(out, "L1:a|b\nL2:1|2\n");
	/* A quote open at len is unclosed even if more bytes follow in memory. */
	assert_int_equal(read_rows_delim("a,\"bc\"\n", 5, 0, out, sizeof out, err, sizeof err),
			 LQ_CSV_ERROR);
	assert_string_equal(err, "line 1, field 2: the quoted field is not closed");
	/* A NUL byte in a field (a UTF-16 file, a binary) is not text. */
	assert_int_equal(read_rows_delim("a,b\0c\n", 6, 0, out, sizeof out, err, sizeof err),
			 LQ_CSV_ERROR);
	assert_string_equal(err, "line 1, field 2: not UTF-8");
	assert_int_equal(read_rows_delim(NULL, 0, 0, out, sizeof out, err, sizeof err),
			 LQ_CSV_END);
	assert_string_equal(out, "");
}

static void test_read_errors(void **state)
{
	(void)state;
	/* The forms in csv.h, with their exact lines and fields. */
	assert_error("h1,h2,h3\n1,2,3\n\n\n\n\na,b,c\"d\n", "L1:h1|h2|h3\nL2:1|2|3\n",
		     "line 7, field 3: a quote inside an unquoted field");
	assert_error("a,b\n1,2\n3,4\n5,6\n7,8\n9,10\n11,12\n13,14\nx,\"open\n",
		     "L1:a|b\nL2:1|2\nL3:3|4\nL4:5|6\nL5:7|8\nL6:9|10\nL7:11|12\nL8:13|14\n",
		     "line 9, field 2: the quoted field is not closed");
	assert_error("a\nb\nc\n\"q\"x,y\n", "L1:a\nL2:b\nL3:c\n",
		     "line 4, field 1: text after the closing quote");
	assert_error("1,2,3,4,5,6\n\n\n\na,b,c,d,e,Jos\xE9\n", "L1:1|2|3|4|5|6\n",
		     "line 5, field 6: not UTF-8");
	/* The line counts the quoted line breaks before it. */
	assert_error("a,\"x\ny\nz\",c\nd,e\"f,g\n", "L1:a|x\ny\nz|c\n",
		     "line 4, field 2: a quote inside an unquoted field");
	assert_error("a,\"x\r\ny\"\r\n\r\nb,\"c\"d\r\n", "L1:a|x\r\ny\n",
		     "line 4, field 2: text after the closing quote");
	/* An unclosed field is named at the line where its quote opened... */
	assert_error("a,b\nc,\"d\ne\nf\n", "L1:a|b\n",
		     "line 2, field 2: the quoted field is not closed");
	/* ...a field that is not UTF-8 at the line it starts on... */
	assert_error("a,\"b\n\xC3\x28\"\n", "", "line 1, field 2: not UTF-8");
	/* ...and text after a closing quote at the line of that quote. */
	assert_error("a,\"b\nc\" d\n", "", "line 2, field 2: text after the closing quote");
	assert_error("\"a\"\"\n", "", "line 1, field 1: the quoted field is not closed");
	assert_error("x,\"a\" ,y\n", "", "line 1, field 2: text after the closing quote");
	assert_error("x, \"a\"\n", "", "line 1, field 2: a quote inside an unquoted field");
	/* Overlong, surrogate, truncated, and a NUL byte (UTF-16 files). */
	assert_error("\xC0\xAF\n", "", "line 1, field 1: not UTF-8");
	assert_error("a,\xED\xA0\x80\n", "", "line 1, field 2: not UTF-8");
	assert_error("a,b,\xE2\x82", "", "line 1, field 3: not UTF-8");
	assert_error("\xFF\xFEN\0o\0m\0", "", "line 1, field 1: not UTF-8"); /* UTF-16 */
}

static void test_read_stops_after_error(void **state)
{
	struct lq_csv_reader r;
	const char *text = "a,b\nc\"d,e\nf,g\n";
	char err[128];

	(void)state;
	lq_csv_init(&r, text, strlen(text));
	assert_int_equal(lq_csv_next(&r, err, sizeof err), LQ_CSV_ROW);
	assert_string_equal(err, "");
	assert_int_equal(lq_csv_next(&r, err, sizeof err), LQ_CSV_ERROR);
	assert_string_equal(err, "line 2, field 1: a quote inside an unquoted field");
	assert_int_equal(lq_csv_nfields(&r), 0);
	assert_null(lq_csv_field(&r, 0));
	/* It stays stopped, and says so again; a small err is cut, NULL is fine. */
	assert_int_equal(lq_csv_next(&r, err, sizeof err), LQ_CSV_ERROR);
	assert_string_equal(err, "line 2, field 1: a quote inside an unquoted field");
	assert_int_equal(lq_csv_next(&r, err, 8), LQ_CSV_ERROR);
	assert_string_equal(err, "line 2,");
	assert_int_equal(lq_csv_next(&r, NULL, 0), LQ_CSV_ERROR);
	lq_csv_free(&r);
	lq_csv_free(&r);          /* twice is harmless */
	assert_null(r.buf);
	/* Init'ed again after free, it reads afresh. */
	lq_csv_init(&r, "x\n", 2);
	assert_int_equal(lq_csv_next(&r, err, sizeof err), LQ_CSV_ROW);
	assert_string_equal(lq_csv_field(&r, 0), "x");
	assert_int_equal(lq_csv_next(&r, err, sizeof err), LQ_CSV_END);
	assert_int_equal(lq_csv_next(&r, err, sizeof err), LQ_CSV_END);
	assert_int_equal(lq_csv_nfields(&r), 0);
	lq_csv_free(&r);
}

static void test_read_fields_access(void **state)
{
	struct lq_csv_reader r;
	const char *text = "uno,dos,tres\n";
	char err[64];

	(void)state;
	lq_csv_init(&r, text, strlen(text));
	assert_int_equal(lq_csv_row_line(&r), 0);
	assert_int_equal(lq_csv_next(&r, err, sizeof err), LQ_CSV_ROW);
	assert_int_equal(lq_csv_nfields(&r), 3);
	assert_string_equal(lq_csv_field(&r, 0), "uno");
	assert_string_equal(lq_csv_field(&r, 2), "tres");
	assert_null(lq_csv_field(&r, 3));
	assert_int_equal(lq_csv_row_line(&r), 1);
	lq_csv_free(&r);
}

/* A row far bigger than the first buffer, with many fields: both buffers
 * grow, and every allocation failing in turn gives NOMEM, after which the
 * same row reads again whole. */
static void test_read_nomem(void **state)
{
	static char text[40000];
	struct lq_csv_reader r;
	char err[128];
	size_t pos = 0, i;
	long k;
	enum lq_csv_rc rc = LQ_CSV_NOMEM;

	(void)state;
	pos += (size_t)snprintf(text + pos, sizeof text - pos, "id,nota\n");
	for (i = 0; i < 300; i++)
		pos += (size_t)snprintf(text + pos, sizeof text - pos, "%zu,", i);
	pos += (size_t)snprintf(text + pos, sizeof text - pos, "\"");
	for (i = 0; i < 2000; i++)
		pos += (size_t)snprintf(text + pos, sizeof text - pos, "José ");
	pos += (size_t)snprintf(text + pos, sizeof text - pos, "\"\nfin,x\n");

	for (k = 0; k < 100; k++) {
		lq_csv_init(&r, text, pos);
		lq_mem_fail_after(k);
		rc = lq_csv_next(&r, err, sizeof err);
		if (rc == LQ_CSV_ROW)
			rc = lq_csv_next(&r, err, sizeof err);
		if (rc == LQ_CSV_NOMEM) {
			/* The same row again once memory is back. */
			lq_mem_fail_after(-1);
			rc = lq_csv_next(&r, err, sizeof err);
			if (rc == LQ_CSV_ROW && lq_csv_nfields(&r) == 2)
				rc = lq_csv_next(&r, err, sizeof err);
			assert_int_equal(rc, LQ_CSV_ROW);
			assert_int_equal(lq_csv_nfields(&r), 301);
			assert_int_equal(lq_csv_row_line(&r), 2);
			assert_string_equal(lq_csv_field(&r, 299), "299");
			assert_int_equal(strlen(lq_csv_field(&r, 300)), 2000 * strlen("José "));
			assert_int_equal(lq_csv_next(&r, err, sizeof err), LQ_CSV_ROW);
			assert_string_equal(lq_csv_field(&r, 0), "fin");
			lq_csv_free(&r);
			continue;
		}
		lq_mem_fail_after(-1);
		assert_int_equal(rc, LQ_CSV_ROW);
		lq_csv_free(&r);
		break;
	}
	assert_true(k >= 3);      /* the buffers grew a few times before */
	assert_true(k < 100);
}

/* 100,000 rows in memory: read and counted (no timing asserted). */
static void test_read_100k_rows(void **state)
{
	const size_t rows = 100000;
	size_t cap = rows * 96 + 128, pos = 0, i, count = 0;
	char *text = lq_malloc(cap);
	struct lq_csv_reader r;
	char err[128];
	enum lq_csv_rc rc;
	char last_email[64] = "";

	(void)state;
	assert_non_null(text);
	pos += (size_t)snprintf(text + pos, cap - pos,
				"\xEF\xBB\xBFNombre;Apellidos;Correo electrónico;Empresa;Puntuación\r\n");
	for (i = 0; i < rows; i++)
		pos += (size_t)snprintf(text + pos, cap - pos,
					"José;Núñez %zu;jose%zu@acme.es;\"Acme; S.L.\";%zu\r\n", i, i,
					i % 1001);
	assert_true(pos < cap);
	lq_csv_init(&r, text, pos);
	assert_int_equal(r.delim, ';');
	assert_int_equal(lq_csv_next(&r, err, sizeof err), LQ_CSV_ROW);
	assert_int_equal(lq_csv_nfields(&r), 5);
	for (;;) {
		rc = lq_csv_next(&r, err, sizeof err);
		if (rc != LQ_CSV_ROW)
			break;
		assert_int_equal(lq_csv_nfields(&r), 5);
		count++;
		if (count == rows)
			lq_strlcpy_utf8(last_email, lq_csv_field(&r, 2), sizeof last_email);
	}
	assert_int_equal(rc, LQ_CSV_END);
	assert_int_equal(count, rows);
	assert_string_equal(last_email, "jose99999@acme.es");
	assert_int_equal(lq_csv_row_line(&r), (long)rows + 1);
	lq_csv_free(&r);
	lq_free(text);
}

static void test_row_blank(void **state)
{
	const char *blank[] = {"", " ", "\t", NULL};
	const char *full[] = {"", " ", "x"};

	(void)state;
	assert_true(lq_csv_row_blank(blank, 4));
	assert_true(lq_csv_row_blank(NULL, 0));
	assert_false(lq_csv_row_blank(full, 3));
}

/* ---- fields and synonyms ----------------------------------------------- */

static void test_field_names(void **state)
{
	(void)state;
	assert_string_equal(lq_csv_field_wire(LQ_CSV_EXTERNAL_ID), "external_id");
	assert_string_equal(lq_csv_field_wire(LQ_CSV_DO_NOT_CONTACT), "do_not_contact");
	assert_null(lq_csv_field_wire(LQ_CSV_IGNORE));
	assert_null(lq_csv_field_wire(LQ_CSV_FIELD_COUNT));
	for (int f = 0; f < LQ_CSV_FIELD_COUNT; f++)
		assert_int_equal(lq_csv_field_parse(lq_csv_field_wire((enum lq_csv_field)f)), f);
	assert_int_equal(lq_csv_field_parse("ignore"), LQ_CSV_IGNORE);
	assert_int_equal(lq_csv_field_parse("mail"), -2);
	assert_int_equal(lq_csv_field_parse("Email"), -2);     /* wire names are exact */
	assert_int_equal(lq_csv_field_parse(""), -2);
	assert_int_equal(lq_csv_field_parse(NULL), -2);
}

static void test_field_from_header(void **state)
{
	static const struct {
		const char *header;
		int field;
	} cases[] = {
		{"email", LQ_CSV_EMAIL}, {"E-mail", LQ_CSV_EMAIL}, {"EMAIL", LQ_CSV_EMAIL},
		{"Correo", LQ_CSV_EMAIL}, {"Correo electrónico", LQ_CSV_EMAIL},
		{"CORREO ELECTRÓNICO", LQ_CSV_EMAIL}, {"Mail", LQ_CSV_EMAIL},
		{"Email Address", LQ_CSV_EMAIL}, {"  e_mail  ", LQ_CSV_EMAIL},
		{"Correo-e", LQ_CSV_EMAIL},
		{"Name", LQ_CSV_NAME}, {"Nombre completo", LQ_CSV_NAME}, {"Full Name", LQ_CSV_NAME},
		{"Contacto", LQ_CSV_NAME}, {"Nombre", LQ_CSV_NAME},
		{"First Name", LQ_CSV_FIRST_NAME}, {"firstname", LQ_CSV_FIRST_NAME},
		{"first_name", LQ_CSV_FIRST_NAME},
		{"Last Name", LQ_CSV_LAST_NAME}, {"Apellidos", LQ_CSV_LAST_NAME},
		{"Apellido", LQ_CSV_LAST_NAME}, {"LastName", LQ_CSV_LAST_NAME},
		{"Empresa", LQ_CSV_COMPANY}, {"Compañía", LQ_CSV_COMPANY},
		{"Organización", LQ_CSV_COMPANY}, {"Company", LQ_CSV_COMPANY},
		{"Account", LQ_CSV_COMPANY}, {"Razón social", LQ_CSV_COMPANY},
		{"Teléfono", LQ_CSV_PHONE}, {"telefono", LQ_CSV_PHONE}, {"Móvil", LQ_CSV_PHONE},
		{"Celular", LQ_CSV_PHONE}, {"Phone", LQ_CSV_PHONE}, {"Mobile", LQ_CSV_PHONE},
		{"Cargo", LQ_CSV_TITLE}, {"Puesto", LQ_CSV_TITLE}, {"Job Title", LQ_CSV_TITLE},
		{"Title", LQ_CSV_TITLE},
		{"País", LQ_CSV_COUNTRY}, {"Country", LQ_CSV_COUNTRY},
		{"Country/Region", LQ_CSV_COUNTRY},
		{"Región", LQ_CSV_REGION}, {"Provincia", LQ_CSV_REGION}, {"Estado", LQ_CSV_REGION},
		{"Comunidad", LQ_CSV_REGION}, {"State", LQ_CSV_REGION}, {"Region", LQ_CSV_REGION},
		{"Comunidad Autónoma", LQ_CSV_REGION},
		{"Ciudad", LQ_CSV_CITY}, {"Localidad", LQ_CSV_CITY}, {"Municipio", LQ_CSV_CITY},
		{"City", LQ_CSV_CITY},
		{"Código postal", LQ_CSV_POSTAL_CODE}, {"CP", LQ_CSV_POSTAL_CODE},
		{"C.P.", LQ_CSV_POSTAL_CODE}, {"Zip", LQ_CSV_POSTAL_CODE},
		{"Zip Code", LQ_CSV_POSTAL_CODE}, {"Postal Code", LQ_CSV_POSTAL_CODE},
		{"Sector", LQ_CSV_INDUSTRY}, {"Industria", LQ_CSV_INDUSTRY},
		{"Industry", LQ_CSV_INDUSTRY},
		{"Empleados", LQ_CSV_EMPLOYEES}, {"Nº empleados", LQ_CSV_EMPLOYEES},
		{"N.º de empleados", LQ_CSV_EMPLOYEES}, {"Employees", LQ_CSV_EMPLOYEES},
		{"Company size", LQ_CSV_EMPLOYEES}, {"Número de empleados", LQ_CSV_EMPLOYEES},
		{"# Employees", LQ_CSV_EMPLOYEES},
		{"Origen", LQ_CSV_SOURCE}, {"Fuente", LQ_CSV_SOURCE}, {"Canal", LQ_CSV_SOURCE},
		{"Source", LQ_CSV_SOURCE}, {"Lead Source", LQ_CSV_SOURCE},
		{"Campaña", LQ_CSV_CAMPAIGN}, {"Campaign", LQ_CSV_CAMPAIGN},
		{"Puntuación", LQ_CSV_SCORE}, {"Puntos", LQ_CSV_SCORE}, {"Score", LQ_CSV_SCORE},
		{"Points", LQ_CSV_SCORE}, {"Lead Score", LQ_CSV_SCORE},
		{"Propietario", LQ_CSV_OWNER}, {"Comercial", LQ_CSV_OWNER},
		{"Responsable", LQ_CSV_OWNER}, {"Owner", LQ_CSV_OWNER},
		{"Contact owner", LQ_CSV_OWNER},
		{"ID externo", LQ_CSV_EXTERNAL_ID}, {"External ID", LQ_CSV_EXTERNAL_ID},
		{"Contact ID", LQ_CSV_EXTERNAL_ID}, {"ID", LQ_CSV_EXTERNAL_ID},
		{"external_id", LQ_CSV_EXTERNAL_ID},
		{"Fecha MQL", LQ_CSV_MQL_AT}, {"MQL Date", LQ_CSV_MQL_AT}, {"Fecha", LQ_CSV_MQL_AT},
		{"mql_at", LQ_CSV_MQL_AT},
		{"Zona horaria", LQ_CSV_TZ}, {"Time Zone", LQ_CSV_TZ}, {"Timezone", LQ_CSV_TZ},
		{"tz", LQ_CSV_TZ},
		{"No contactar", LQ_CSV_DO_NOT_CONTACT}, {"Do Not Contact", LQ_CSV_DO_NOT_CONTACT},
		{"DNC", LQ_CSV_DO_NOT_CONTACT}, {"do_not_contact", LQ_CSV_DO_NOT_CONTACT},
		/* unknown */
		{"Notas", LQ_CSV_IGNORE}, {"", LQ_CSV_IGNORE}, {"  ", LQ_CSV_IGNORE},
		{"---", LQ_CSV_IGNORE}, {"emails sent", LQ_CSV_IGNORE}, {"Ema il", LQ_CSV_IGNORE},
		{"Correo2", LQ_CSV_IGNORE}, {"Москва", LQ_CSV_IGNORE},
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int got = lq_csv_field_from_header(cases[i].header);

		if (got != cases[i].field)
			fail_msg("\"%s\": got %d, want %d", cases[i].header, got, cases[i].field);
	}
	assert_int_equal(lq_csv_field_from_header(NULL), LQ_CSV_IGNORE);
}

/* ---- the mapping file -------------------------------------------------- */

static bool parse_map(const char *text, struct lq_csv_mapping *m, char *err, size_t errsize)
{
	return lq_csv_mapping_parse(text, strlen(text), m, err, errsize);
}

static void assert_map_error(const char *text, const char *want)
{
	struct lq_csv_mapping m;
	char err[128];

	assert_false(parse_map(text, &m, err, sizeof err));
	assert_string_equal(err, want);
	assert_int_equal(m.n, 0);
}

static void test_mapping_parse(void **state)
{
	struct lq_csv_mapping m;
	char err[128];
	const char *text = "\xEF\xBB\xBF# header = field\r\n"
			   "Correo del cliente = email\r\n"
			   "\r\n"
			   "   # an indented comment\n"
			   "Notas = ignore\n"
			   "  Teléfono fijo=phone  \n"
			   "Señal = a=b = NAME\n"      /* the last '=' splits; field folded */
			   "Compañía = Company";        /* no last line end */

	(void)state;
	assert_true(parse_map(text, &m, err, sizeof err));
	assert_string_equal(err, "");
	assert_int_equal(m.n, 5);
	assert_string_equal(m.entry[0].header, "correo del cliente");
	assert_int_equal(m.entry[0].field, LQ_CSV_EMAIL);
	assert_string_equal(m.entry[1].header, "notas");
	assert_int_equal(m.entry[1].field, LQ_CSV_IGNORE);
	assert_string_equal(m.entry[2].header, "telefono fijo");
	assert_int_equal(m.entry[2].field, LQ_CSV_PHONE);
	assert_string_equal(m.entry[3].header, "senal = a=b");
	assert_int_equal(m.entry[3].field, LQ_CSV_NAME);
	assert_string_equal(m.entry[4].header, "compania");
	assert_int_equal(m.entry[4].field, LQ_CSV_COMPANY);

	assert_true(parse_map("", &m, err, sizeof err));
	assert_int_equal(m.n, 0);
	assert_true(parse_map("# nada\n\n", &m, err, sizeof err));
	assert_int_equal(m.n, 0);
	assert_true(lq_csv_mapping_parse(NULL, 0, &m, err, sizeof err));
	assert_int_equal(m.n, 0);
}

static void test_mapping_errors(void **state)
{
	char text[8192];
	size_t pos = 0;
	char longer[200];

	(void)state;
	assert_map_error("# c\nA = email\nB = mail\n", "line 3: unknown field 'mail'");
	assert_map_error("A = email\nsin igual\n", "line 2: expected \"header = field\"");
	assert_map_error("A = \n", "line 1: unknown field ''");
	assert_map_error("= email\n", "line 1: the header is empty");
	assert_map_error("Correo = email\n\nCORREO = phone\n",
			 "line 3: the header is mapped twice: 'correo'");
	assert_map_error("Compañía = company\nCompania = ignore\n",
			 "line 2: the header is mapped twice: 'compania'");
	assert_map_error("A = email\nB = ph\xFFone\n", "line 2: not UTF-8");
	assert_map_error("A = Correo electrónico\n",
			 "line 1: unknown field 'Correo electrónico'");
	memset(longer, 'x', 120);
	memcpy(longer + 120, " = email", 9);
	assert_map_error(longer, "line 1: the header is too long");
	for (int i = 0; i < 65; i++)
		pos += (size_t)snprintf(text + pos, sizeof text - pos, "Columna %d = ignore\n", i);
	assert_map_error(text, "line 65: too many lines (at most 64 headers)");
	/* 64 fit. */
	{
		struct lq_csv_mapping m;
		char err[128];

		text[strlen(text) - strlen("Columna 64 = ignore\n")] = '\0';
		assert_true(parse_map(text, &m, err, sizeof err));
		assert_int_equal(m.n, LQ_CSV_MAPPING_MAX);
	}
}

/* ---- columns ----------------------------------------------------------- */

static bool map_cols(const struct lq_csv_mapping *m, const char *const *h, size_t n,
		     struct lq_csv_columns *c, char *err)
{
	return lq_csv_columns_map(m, h, n, c, err, 160);
}

static void test_columns_synonyms(void **state)
{
	const char *h[] = {"ID", "Nombre completo", "Correo electrónico", "Teléfono", "Empresa",
			   "Notas", "", "Puntuación", "Propietario", "Fecha MQL", "No contactar"};
	struct lq_csv_columns c;
	char err[160];

	(void)state;
	assert_true(map_cols(NULL, h, 11, &c, err));
	assert_string_equal(err, "");
	assert_int_equal(c.n, 11);
	assert_int_equal(c.field[0], LQ_CSV_EXTERNAL_ID);
	assert_int_equal(c.field[1], LQ_CSV_NAME);
	assert_int_equal(c.field[2], LQ_CSV_EMAIL);
	assert_int_equal(c.field[3], LQ_CSV_PHONE);
	assert_int_equal(c.field[4], LQ_CSV_COMPANY);
	assert_int_equal(c.field[5], LQ_CSV_IGNORE);
	assert_int_equal(c.field[6], LQ_CSV_IGNORE);
	assert_int_equal(c.field[7], LQ_CSV_SCORE);
	assert_int_equal(c.field[8], LQ_CSV_OWNER);
	assert_int_equal(c.field[9], LQ_CSV_MQL_AT);
	assert_int_equal(c.field[10], LQ_CSV_DO_NOT_CONTACT);
	assert_string_equal(c.header[2], "Correo electrónico");
	assert_string_equal(c.header[5], "Notas");
	assert_int_equal(lq_csv_columns_unknown(&c), 2);
}

/* "Nombre" alone is the whole name; beside a last-name (or another name)
 * column it is the first name. */
static void test_columns_nombre_rule(void **state)
{
	const char *alone[] = {"Nombre", "Email"};
	const char *with_last[] = {"Nombre", "Apellidos", "Email"};
	const char *with_last_en[] = {"Last name", "NOMBRE"};
	const char *with_full[] = {"Nombre", "Nombre completo"};
	const char *two_firsts[] = {"Nombre", "Apellidos", "First name"};
	struct lq_csv_mapping m;
	struct lq_csv_columns c;
	char err[160];

	(void)state;
	assert_true(map_cols(NULL, alone, 2, &c, err));
	assert_int_equal(c.field[0], LQ_CSV_NAME);
	assert_true(map_cols(NULL, with_last, 3, &c, err));
	assert_int_equal(c.field[0], LQ_CSV_FIRST_NAME);
	assert_int_equal(c.field[1], LQ_CSV_LAST_NAME);
	assert_true(map_cols(NULL, with_last_en, 2, &c, err));
	assert_int_equal(c.field[1], LQ_CSV_FIRST_NAME);
	assert_true(map_cols(NULL, with_full, 2, &c, err));
	assert_int_equal(c.field[0], LQ_CSV_FIRST_NAME);
	assert_int_equal(c.field[1], LQ_CSV_NAME);
	/* Two first names: the rule does not hide that. */
	assert_false(map_cols(NULL, two_firsts, 3, &c, err));
	assert_string_equal(err, "columns \"Nombre\" and \"First name\" are both first_name");
	/* A mapping wins over the rule. */
	assert_true(parse_map("Nombre = name\nApellidos = ignore\n", &m, err, sizeof err));
	assert_true(map_cols(&m, with_last, 3, &c, err));
	assert_int_equal(c.field[0], LQ_CSV_NAME);
	assert_int_equal(c.field[1], LQ_CSV_IGNORE);
	/* A last-name column by the mapping makes "Nombre" the first name. */
	assert_true(parse_map("Segundo campo = last_name\n", &m, err, sizeof err));
	{
		const char *h[] = {"Nombre", "Segundo campo"};

		assert_true(map_cols(&m, h, 2, &c, err));
		assert_int_equal(c.field[0], LQ_CSV_FIRST_NAME);
		assert_int_equal(c.field[1], LQ_CSV_LAST_NAME);
	}
}

static void test_columns_mapping(void **state)
{
	const char *h[] = {"Correo del cliente", "Email", "Notas", " CORREO  ", "Tel"};
	struct lq_csv_mapping m;
	struct lq_csv_columns c;
	char err[160];

	(void)state;
	assert_true(parse_map("Correo del cliente = email\n"
			      "Email = ignore\n"
			      "Correo = ignore\n"
			      "Notas = title\n", &m, err, sizeof err));
	assert_true(map_cols(&m, h, 5, &c, err));
	assert_int_equal(c.field[0], LQ_CSV_EMAIL);
	assert_int_equal(c.field[1], LQ_CSV_IGNORE);    /* the mapping hides a synonym */
	assert_int_equal(c.field[2], LQ_CSV_TITLE);
	assert_int_equal(c.field[3], LQ_CSV_IGNORE);    /* folded and trimmed to match */
	assert_int_equal(c.field[4], LQ_CSV_PHONE);     /* not mapped: synonyms */
	assert_string_equal(c.header[3], " CORREO  ");  /* as written */
	assert_int_equal(lq_csv_columns_unknown(&c), 2);
}

static void test_columns_errors(void **state)
{
	const char *dup[] = {"Email", "Nombre", "Correo"};
	const char *dup2[] = {"Teléfono", "Móvil", "Email"};
	const char *unnamed[] = {"Empresa", "Teléfono", "Notas"};
	const char *many[LQ_CSV_COLUMNS_MAX + 1];
	const char *most[LQ_CSV_COLUMNS_MAX];
	struct lq_csv_columns c;
	char err[160];

	(void)state;
	assert_false(map_cols(NULL, dup, 3, &c, err));
	assert_string_equal(err, "columns \"Email\" and \"Correo\" are both email");
	assert_false(map_cols(NULL, dup2, 3, &c, err));
	assert_string_equal(err, "columns \"Teléfono\" and \"Móvil\" are both phone");
	assert_false(map_cols(NULL, unnamed, 3, &c, err));
	assert_string_equal(err, "no column names the lead (name, first or last name, email or "
				 "external id)");
	assert_false(map_cols(NULL, unnamed, 0, &c, err));
	for (size_t i = 0; i <= LQ_CSV_COLUMNS_MAX; i++)
		many[i] = i == 0 ? "Email" : "Notas";
	assert_false(map_cols(NULL, many, LQ_CSV_COLUMNS_MAX + 1, &c, err));
	assert_string_equal(err, "the header has 257 columns; at most 256 are read");
	memcpy(most, many, sizeof most);
	assert_true(map_cols(NULL, most, LQ_CSV_COLUMNS_MAX, &c, err));
	assert_int_equal(lq_csv_columns_unknown(&c), LQ_CSV_COLUMNS_MAX - 1);
	/* Each naming field alone is enough. */
	{
		const char *one[] = {"Apellidos"};

		assert_true(map_cols(NULL, one, 1, &c, err));
		one[0] = "External ID";
		assert_true(map_cols(NULL, one, 1, &c, err));
	}
}

static void test_columns_header_cut(void **state)
{
	char longh[200];
	const char *h[] = {"Email", longh, NULL};
	struct lq_csv_columns c;
	char err[160];

	(void)state;
	/* 62 ASCII bytes then "ñ": the cut at 63 must not split it. */
	memset(longh, 'a', 62);
	memcpy(longh + 62, "ñññ", 7);
	assert_true(map_cols(NULL, h, 3, &c, err));
	assert_int_equal(strlen(c.header[1]), 62);
	assert_true(lq_utf8_valid(c.header[1], strlen(c.header[1])));
	assert_string_equal(c.header[2], "");
	assert_int_equal(c.field[2], LQ_CSV_IGNORE);
}

/* ---- rows to leads ----------------------------------------------------- */

/* Columns from a header line (comma-separated, no quotes). */
static void columns_of(const char *header_line, struct lq_csv_columns *c)
{
	static char copy[1024];
	const char *h[64];
	size_t n = 0;
	char err[160];
	char *p = copy;

	lq_strlcpy_utf8(copy, header_line, sizeof copy);
	h[n++] = p;
	for (; *p; p++)
		if (*p == ',') {
			*p = '\0';
			h[n++] = p + 1;
		}
	if (!lq_csv_columns_map(NULL, h, n, c, err, sizeof err))
		fail_msg("columns: %s", err);
}

static const char *const all_header =
	"ID,Nombre completo,Cargo,Empresa,Correo electrónico,Teléfono,País,Provincia,Ciudad,"
	"Código postal,Sector,Nº empleados,Zona horaria,Origen,Campaña,Puntuación,Propietario,"
	"Fecha MQL,No contactar";

static void test_row_full(void **state)
{
	struct lq_csv_columns c;
	struct lq_lead l;
	char owner[32], err[160];
	const char *row[] = {"crm-42", " José Núñez ", "Directora", "Açaí Ltda.",
			     "jose@acme.es", "+34 600 000 000", "Brasil", "São Paulo",
			     "São Paulo", "01000-000", "Alimentación", "1.500",
			     "America/Sao_Paulo", "Feria", "Primavera 2026", "85", "mgarcia",
			     "01/03/2026", "no"};

	(void)state;
	columns_of(all_header, &c);
	assert_true(lq_csv_row_to_lead(&c, row, 19, 2, &l, owner, sizeof owner, err, sizeof err));
	assert_string_equal(err, "");
	assert_string_equal(l.id, "");
	assert_string_equal(l.external_id, "crm-42");
	assert_string_equal(l.name, "José Núñez");       /* trimmed */
	assert_string_equal(l.title, "Directora");
	assert_string_equal(l.company, "Açaí Ltda.");
	assert_string_equal(l.email, "jose@acme.es");
	assert_string_equal(l.phone, "+34 600 000 000");
	assert_string_equal(l.country, "Brasil");
	assert_string_equal(l.region, "São Paulo");
	assert_string_equal(l.city, "São Paulo");
	assert_string_equal(l.postal_code, "01000-000");
	assert_string_equal(l.industry, "Alimentación");
	assert_int_equal(l.employees, 1500);
	assert_string_equal(l.tz, "America/Sao_Paulo");
	assert_string_equal(l.source, "Feria");
	assert_string_equal(l.campaign, "Primavera 2026");
	assert_int_equal(l.score, 85);
	assert_string_equal(owner, "mgarcia");
	assert_int_equal(l.mql_at, T("2026-03-01T00:00:00Z"));
	assert_false(l.do_not_contact);
	assert_int_equal(l.status, LQ_STATUS_NEW);
	lq_lead_clear(&l);
}

static void test_row_defaults_and_fewer_fields(void **state)
{
	struct lq_csv_columns c;
	struct lq_lead l;
	char owner[32] = "stale", err[160];
	const char *row[] = {"", "Urs Müller", "", "", "  "};

	(void)state;
	columns_of(all_header, &c);
	assert_true(lq_csv_row_to_lead(&c, row, 5, 3, &l, owner, sizeof owner, err, sizeof err));
	assert_string_equal(l.name, "Urs Müller");
	assert_null(l.external_id);
	assert_null(l.email);
	assert_null(l.company);
	assert_int_equal(l.score, 0);
	assert_int_equal(l.employees, 0);
	assert_int_equal(l.mql_at, LQ_TIME_NONE);
	assert_false(l.do_not_contact);
	assert_string_equal(owner, "");
	lq_lead_clear(&l);
	/* owner may be NULL. */
	{
		const char *r2[] = {"", "Ana", "", "", "", "", "", "", "", "", "", "", "", "", "",
				    "", "alopez"};

		assert_true(lq_csv_row_to_lead(&c, r2, 17, 3, &l, NULL, 0, err, sizeof err));
		assert_string_equal(l.name, "Ana");
		lq_lead_clear(&l);
	}
}

/* One value in a one-or-two column file: the error, or "" when fine. */
static const char *check_value(const char *header, const char *value, struct lq_lead *l)
{
	static char err[200];
	struct lq_csv_columns c;
	char hl[128];
	const char *row[2] = {"ana@x.es", value};
	char owner[16];

	snprintf(hl, sizeof hl, "Email,%s", header);
	columns_of(hl, &c);
	if (lq_csv_row_to_lead(&c, row, 2, 12, l, owner, sizeof owner, err, sizeof err)) {
		assert_string_equal(err, "");
		return "";
	}
	/* Cleared on error. */
	assert_null(l->email);
	assert_string_equal(owner, "");
	return err;
}

static void test_row_email(void **state)
{
	struct lq_lead l;
	struct lq_csv_columns c;
	char err[160];
	const char *bad[] = {"ana", "@x.es", "ana@", "ana@@x.es", "a@b@c", "ana perez@x.es", "@"};
	const char *row[1];

	(void)state;
	columns_of("Correo", &c);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		row[0] = bad[i];
		assert_false(lq_csv_row_to_lead(&c, row, 1, 12, &l, NULL, 0, err, sizeof err));
		assert_string_equal(err, "line 12, column \"Correo\": not an email address");
	}
	row[0] = "  Ana.Pérez@ejemplo.es ";
	assert_true(lq_csv_row_to_lead(&c, row, 1, 12, &l, NULL, 0, err, sizeof err));
	assert_string_equal(l.email, "Ana.Pérez@ejemplo.es");
	lq_lead_clear(&l);
}

static void test_row_score(void **state)
{
	struct lq_lead l;

	(void)state;
	assert_string_equal(check_value("Puntuación", "alto", &l),
			    "line 12, column \"Puntuación\": expected a whole number 0..1000");
	assert_string_equal(check_value("Puntuación", "1001", &l),
			    "line 12, column \"Puntuación\": expected a whole number 0..1000");
	assert_string_equal(check_value("Score", "-1", &l),
			    "line 12, column \"Score\": expected a whole number 0..1000");
	assert_string_equal(check_value("Score", "8.5", &l),
			    "line 12, column \"Score\": expected a whole number 0..1000");
	assert_string_equal(check_value("Score", "99999999999999999999", &l),
			    "line 12, column \"Score\": expected a whole number 0..1000");
	assert_string_equal(check_value("Score", "1000", &l), "");
	assert_int_equal(l.score, 1000);
	lq_lead_clear(&l);
	assert_string_equal(check_value("Score", " 0 ", &l), "");
	assert_int_equal(l.score, 0);
	lq_lead_clear(&l);
}

static void test_row_employees(void **state)
{
	static const struct {
		const char *text;
		int want;
	} good[] = {
		{"0", 0}, {"250", 250}, {"1.500", 1500}, {"1,500", 1500}, {"1.500.000", 1500000},
		{"10000000", 10000000}, {"51-200", 51}, {"51 - 200", 51}, {"1.001–5.000", 1001},
		{"10000+", 10000}, {"10.000+", 10000},
	};
	const char *bad[] = {"muchos", "1,5", "1.50", "1.5000", "20000000", "-5", "200-51",
			     "1.500,000", "50-", "+", "12 empleados"};
	struct lq_lead l;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		const char *e = check_value("Nº empleados", good[i].text, &l);

		if (e[0])
			fail_msg("%s: %s", good[i].text, e);
		assert_int_equal(l.employees, good[i].want);
		lq_lead_clear(&l);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *e = check_value("Nº empleados", bad[i], &l);

		if (strcmp(e, "line 12, column \"Nº empleados\": expected a number of employees "
			      "0..10000000") != 0)
			fail_msg("%s: \"%s\"", bad[i], e);
	}
}

static void test_row_dates(void **state)
{
	static const struct {
		const char *text, *want;
	} good[] = {
		{"2026-03-01T10:30:00Z", "2026-03-01T10:30:00Z"},
		{"2026-03-01T10:30:00+01:00", "2026-03-01T09:30:00Z"},
		{"2026-03-01", "2026-03-01T00:00:00Z"},
		{"2026/03/01", "2026-03-01T00:00:00Z"},
		{"2026-3-1", "2026-03-01T00:00:00Z"},
		{"01/03/2026", "2026-03-01T00:00:00Z"},
		{"1/3/2026", "2026-03-01T00:00:00Z"},
		{"01-03-2026", "2026-03-01T00:00:00Z"},
		{"01.03.2026", "2026-03-01T00:00:00Z"},
		{"29/02/2028", "2028-02-29T00:00:00Z"},
		{"2026-03-01 10:30", "2026-03-01T10:30:00Z"},
		{"2026-03-01T10:30", "2026-03-01T10:30:00Z"},
		{"2026-03-01 10:30:15", "2026-03-01T10:30:15Z"},
		{"01/03/2026 9:05", "2026-03-01T09:05:00Z"},
		{"31/12/2025 23:59:59", "2025-12-31T23:59:59Z"},
	};
	const char *bad[] = {"ayer", "31/02/2026", "29/02/2026", "2026-13-01", "2026-00-10",
			     "00/01/2026", "2026-03-01 24:00", "2026-03-01 10:60", "01/03/26",
			     "2026-03-01x", "2026-03/01", "01/03-2026", "2026-03-01 10",
			     "03/01/2026 10:30Z", "1/3/2026T10:30", "2026-03-01T10:30:00X"};
	struct lq_lead l;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		const char *e = check_value("Fecha MQL", good[i].text, &l);

		if (e[0])
			fail_msg("%s: %s", good[i].text, e);
		assert_int_equal(l.mql_at, T(good[i].want));
		lq_lead_clear(&l);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *e = check_value("Fecha MQL", bad[i], &l);

		if (strcmp(e, "line 12, column \"Fecha MQL\": expected a date (YYYY-MM-DD, "
			      "DD/MM/YYYY, either with HH:MM, or RFC 3339)") != 0)
			fail_msg("%s: \"%s\"", bad[i], e);
	}
}

static void test_row_do_not_contact(void **state)
{
	const char *yes[] = {"yes", "YES", "Sí", "si", "SÍ", "true", "TRUE", "1", "x", "X",
			     "VERDADERO", "y", "s"};
	const char *no[] = {"no", "No", "false", "0", "FALSO", "", "  ", "n"};
	const char *bad[] = {"tal vez", "2", "sí!", "yes please"};
	struct lq_lead l;

	(void)state;
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		assert_string_equal(check_value("No contactar", yes[i], &l), "");
		if (!l.do_not_contact)
			fail_msg("%s", yes[i]);
		lq_lead_clear(&l);
	}
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		assert_string_equal(check_value("No contactar", no[i], &l), "");
		if (l.do_not_contact)
			fail_msg("%s", no[i]);
		lq_lead_clear(&l);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_string_equal(check_value("DNC", bad[i], &l),
				    "line 12, column \"DNC\": expected yes or no (sí/no, "
				    "true/false, 1/0, x or empty)");
}

static void test_row_names(void **state)
{
	struct lq_csv_columns c;
	struct lq_lead l;
	char err[160];
	const char *both[] = {"José", "Núñez Pérez", ""};
	const char *first[] = {"José", "", ""};
	const char *last[] = {"", " Núñez ", ""};
	const char *none[] = {"", "", "Acme"};

	(void)state;
	columns_of("Nombre,Apellidos,Empresa", &c);
	assert_int_equal(c.field[0], LQ_CSV_FIRST_NAME);
	assert_true(lq_csv_row_to_lead(&c, both, 3, 5, &l, NULL, 0, err, sizeof err));
	assert_string_equal(l.name, "José Núñez Pérez");
	lq_lead_clear(&l);
	assert_true(lq_csv_row_to_lead(&c, first, 3, 5, &l, NULL, 0, err, sizeof err));
	assert_string_equal(l.name, "José");
	lq_lead_clear(&l);
	assert_true(lq_csv_row_to_lead(&c, last, 3, 5, &l, NULL, 0, err, sizeof err));
	assert_string_equal(l.name, "Núñez");
	lq_lead_clear(&l);
	assert_false(lq_csv_row_to_lead(&c, none, 3, 5, &l, NULL, 0, err, sizeof err));
	assert_string_equal(err, "line 5: nothing names the lead (name, email or external id)");
	assert_null(l.company);

	/* A name column wins; when it is empty in a row, first and last join. */
	columns_of("First Name,Last Name,Full Name", &c);
	{
		const char *r1[] = {"Urs", "Müller", "Dr. Urs Müller"};
		const char *r2[] = {"Urs", "Müller", ""};

		assert_true(lq_csv_row_to_lead(&c, r1, 3, 2, &l, NULL, 0, err, sizeof err));
		assert_string_equal(l.name, "Dr. Urs Müller");
		lq_lead_clear(&l);
		assert_true(lq_csv_row_to_lead(&c, r2, 3, 3, &l, NULL, 0, err, sizeof err));
		assert_string_equal(l.name, "Urs Müller");
		lq_lead_clear(&l);
	}
	/* An email or an external id alone names the lead. */
	columns_of("Email,ID,Empresa", &c);
	{
		const char *r1[] = {"", "crm-7", "Acme"};
		const char *r2[] = {"", "", "Acme"};

		assert_true(lq_csv_row_to_lead(&c, r1, 3, 2, &l, NULL, 0, err, sizeof err));
		assert_null(l.name);
		assert_string_equal(l.external_id, "crm-7");
		lq_lead_clear(&l);
		assert_false(lq_csv_row_to_lead(&c, r2, 3, 9, &l, NULL, 0, err, sizeof err));
		assert_string_equal(err,
				    "line 9: nothing names the lead (name, email or external id)");
	}
}

static void test_row_field_counts_and_owner(void **state)
{
	struct lq_csv_columns c;
	struct lq_lead l;
	char owner[8], err[160];
	const char *extra[] = {"ana@x.es", "Ana", "sobra"};
	const char *row[] = {"ana@x.es", "Ana", "una.login.larga"};

	(void)state;
	columns_of("Email,Nombre", &c);
	assert_false(lq_csv_row_to_lead(&c, extra, 3, 14, &l, owner, sizeof owner, err,
					sizeof err));
	assert_string_equal(err, "line 14: 3 fields, but the header has 2");
	assert_null(l.email);
	columns_of("Email,Nombre,Comercial", &c);
	assert_false(lq_csv_row_to_lead(&c, row, 3, 4, &l, owner, sizeof owner, err, sizeof err));
	assert_string_equal(err, "line 4, column \"Comercial\": the login is too long");
	assert_string_equal(owner, "");
	assert_null(l.name);
	row[2] = "abcdefgh";          /* 8 bytes do not fit owner[8] with the NUL */
	assert_false(lq_csv_row_to_lead(&c, row, 3, 4, &l, owner, sizeof owner, err, sizeof err));
	assert_string_equal(err, "line 4, column \"Comercial\": the login is too long");
	row[2] = " mgarcia ";         /* 7 bytes once trimmed */
	assert_true(lq_csv_row_to_lead(&c, row, 3, 4, &l, owner, sizeof owner, err, sizeof err));
	assert_string_equal(owner, "mgarcia");
	lq_lead_clear(&l);
	/* A NULL field is empty; values that are not UTF-8 are refused. */
	{
		const char *r[] = {NULL, "Jos\xE9", NULL};

		assert_false(lq_csv_row_to_lead(&c, r, 3, 6, &l, owner, sizeof owner, err,
						sizeof err));
		assert_string_equal(err, "line 6, column \"Nombre\": not UTF-8");
	}
}

/* An error after some strings were set frees them (the sanitizer build
 * checks), and every allocation failing in turn gives an error, never a
 * half lead. */
static void test_row_nomem(void **state)
{
	struct lq_csv_columns c;
	struct lq_lead l;
	char owner[32], err[160];
	const char *row[] = {"crm-1", "", "Directora", "Acme", "ana@x.es", "600", "España",
			     "Madrid", "Madrid", "28001", "Software", "50", "Europe/Madrid",
			     "Web", "Q1", "alto"};
	const char *nombre[] = {"Ana", "López", "ana@x.es"};
	long k;

	(void)state;
	columns_of(all_header, &c);
	assert_false(lq_csv_row_to_lead(&c, row, 16, 8, &l, owner, sizeof owner, err, sizeof err));
	assert_string_equal(err, "line 8, column \"Puntuación\": expected a whole number 0..1000");
	assert_null(l.company);
	row[15] = "70";
	for (k = 0; k < 40; k++) {
		bool ok;

		lq_mem_fail_after(k);
		ok = lq_csv_row_to_lead(&c, row, 16, 8, &l, owner, sizeof owner, err, sizeof err);
		lq_mem_fail_after(-1);
		if (ok)
			break;
		assert_string_equal(err, "line 8: out of memory");
		assert_null(l.external_id);
		assert_null(l.company);
	}
	assert_int_equal(k, 13);     /* one allocation per string value */
	assert_string_equal(l.campaign, "Q1");
	lq_lead_clear(&l);

	columns_of("Nombre,Apellidos,Email", &c);
	for (k = 0; k < 10; k++) {
		bool ok;

		lq_mem_fail_after(k);
		ok = lq_csv_row_to_lead(&c, nombre, 3, 2, &l, NULL, 0, err, sizeof err);
		lq_mem_fail_after(-1);
		if (ok)
			break;
		assert_string_equal(err, "line 2: out of memory");
		assert_null(l.email);
	}
	assert_int_equal(k, 2);      /* the email, then the joined name */
	assert_string_equal(l.name, "Ana López");
	lq_lead_clear(&l);
}

/* ---- a whole import, as leadqd does it --------------------------------- */

static void test_import_spanish_export(void **state)
{
	const char *text =
		"\xEF\xBB\xBFNombre;Apellidos;Correo electrónico;Empresa;Ciudad;Puntuación;Notas\r\n"
		"José;Núñez;jose@acme.es;\"Acme; S.L.\";São Paulo;80;\"dijo \"\"llámame\"\"\r\n"
		"el lunes\"\r\n"
		";;;;;;\r\n"
		"\r\n"
		"Urs;Müller;urs@x.ch;;Zürich;alto;\r\n"
		"Ana;;ana@x.es;;;;";
	struct lq_csv_reader r;
	struct lq_csv_columns c;
	struct lq_lead l;
	char err[160];
	const char *fields[16];
	size_t n, i;
	int leads = 0, bad = 0;

	(void)state;
	lq_csv_init(&r, text, strlen(text));
	assert_int_equal(lq_csv_next(&r, err, sizeof err), LQ_CSV_ROW);
	n = lq_csv_nfields(&r);
	for (i = 0; i < n; i++)
		fields[i] = lq_csv_field(&r, i);
	assert_true(lq_csv_columns_map(NULL, fields, n, &c, err, sizeof err));
	assert_int_equal(c.field[0], LQ_CSV_FIRST_NAME);
	assert_int_equal(lq_csv_columns_unknown(&c), 1);
	while (lq_csv_next(&r, err, sizeof err) == LQ_CSV_ROW) {
		n = lq_csv_nfields(&r);
		for (i = 0; i < n; i++)
			fields[i] = lq_csv_field(&r, i);
		if (lq_csv_row_blank(fields, n))
			continue;
		if (!lq_csv_row_to_lead(&c, fields, n, lq_csv_row_line(&r), &l, NULL, 0, err,
					sizeof err)) {
			bad++;
			assert_string_equal(err, "line 6, column \"Puntuación\": expected a whole "
						 "number 0..1000");
			continue;
		}
		leads++;
		if (leads == 1) {
			assert_string_equal(l.name, "José Núñez");
			assert_string_equal(l.company, "Acme; S.L.");
			assert_string_equal(l.city, "São Paulo");
			assert_int_equal(l.score, 80);
		} else {
			assert_string_equal(l.name, "Ana");
			assert_int_equal(lq_csv_row_line(&r), 7);
		}
		lq_lead_clear(&l);
	}
	assert_int_equal(leads, 2);
	assert_int_equal(bad, 1);
	lq_csv_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_simple),
		cmocka_unit_test(test_read_blank_lines_skipped),
		cmocka_unit_test(test_read_quoted),
		cmocka_unit_test(test_read_utf8_and_bom),
		cmocka_unit_test(test_read_delimiter_detection),
		cmocka_unit_test(test_read_not_nul_terminated),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_read_stops_after_error),
		cmocka_unit_test(test_read_fields_access),
		cmocka_unit_test(test_read_nomem),
		cmocka_unit_test(test_read_100k_rows),
		cmocka_unit_test(test_row_blank),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_field_from_header),
		cmocka_unit_test(test_mapping_parse),
		cmocka_unit_test(test_mapping_errors),
		cmocka_unit_test(test_columns_synonyms),
		cmocka_unit_test(test_columns_nombre_rule),
		cmocka_unit_test(test_columns_mapping),
		cmocka_unit_test(test_columns_errors),
		cmocka_unit_test(test_columns_header_cut),
		cmocka_unit_test(test_row_full),
		cmocka_unit_test(test_row_defaults_and_fewer_fields),
		cmocka_unit_test(test_row_email),
		cmocka_unit_test(test_row_score),
		cmocka_unit_test(test_row_employees),
		cmocka_unit_test(test_row_dates),
		cmocka_unit_test(test_row_do_not_contact),
		cmocka_unit_test(test_row_names),
		cmocka_unit_test(test_row_field_counts_and_owner),
		cmocka_unit_test(test_row_nomem),
		cmocka_unit_test(test_import_spanish_export),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
