/* leadq — CSV files of leads (`leadqd import FILE.csv`, issue 6).  Pure:
 * reads a buffer in memory, no I/O, no clock.
 *
 * Reading: RFC 4180 (quoted fields with "" for a quote, delimiters and line
 * breaks inside quotes; CRLF, LF or a lone CR (old Mac exports) as line
 * ends; a last line with or without its line end), as spreadsheets in Spain and Latin America export it: a
 * UTF-8 BOM is skipped, and the delimiter (',' ';' or tab) is the one the
 * header line holds most of outside quotes (',' when it holds none).
 * Every field must be valid UTF-8.  Blank lines (no bytes between line
 * ends) are skipped.  Errors name the line (1-based, of the file: a quoted
 * line break counts) and the field (1-based):
 *   "line 7, field 3: a quote inside an unquoted field"
 *   "line 9, field 2: the quoted field is not closed"
 *   "line 4, field 1: text after the closing quote"
 *   "line 5, field 6: not UTF-8"
 *
 * Mapping: each header names a lead field, by English or Spanish synonyms
 * compared lq_fold()ed ("Correo electrónico", "E-mail", "EMAIL" are all
 * email), or by a mapping file that the operator writes:
 *   # header = field          ('#' starts a comment line)
 *   Correo del cliente = email
 *   Notas = ignore
 * Headers the mapping does not name are looked up among the synonyms;
 * unknown headers are ignored (and listed by lq_csv_columns_unknown()).
 *
 * Rows to leads: each row fills a struct lq_lead (id left empty: the
 * server makes one) and an owner login.  Errors name the line and the
 * column by its header: "line 12, column \"Puntuación\": expected a whole
 * number 0..1000". */
#ifndef LEADQ_CSV_H
#define LEADQ_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "leadq/lead.h"

/* --- reading ------------------------------------------------------------- */

struct lq_csv_reader {
	const char *p, *end;      /* what is left to read */
	char delim;               /* ',' ';' or '\t' */
	long line;                /* the file line the next row starts on */
	long row_line;            /* the file line the last row read started on */
	char *buf;                /* the row's fields, each NUL-terminated */
	size_t buf_len, buf_cap;
	size_t *offsets;          /* offsets of the fields in buf */
	size_t nfields, fields_cap;
};

enum lq_csv_rc {
	LQ_CSV_ROW,     /* a row was read: lq_csv_field() */
	LQ_CSV_END,     /* nothing more */
	LQ_CSV_ERROR,   /* err says what and where; the reader stops there
			   (called again, it gives the same error) */
	LQ_CSV_NOMEM,   /* nothing consumed: called again, reads the same row */
};

/* Starts reading text[len] (not necessarily NUL-terminated; it must stay
 * alive while reading): skips a UTF-8 BOM and detects the delimiter from
 * the first line. */
void lq_csv_init(struct lq_csv_reader *r, const char *text, size_t len);
/* Overrides the detected delimiter (before the first lq_csv_next()). */
void lq_csv_set_delimiter(struct lq_csv_reader *r, char delim);
enum lq_csv_rc lq_csv_next(struct lq_csv_reader *r, char *err, size_t errsize);
/* The last row read: its fields (NUL-terminated, valid while the next
 * row is not read) and its first line in the file. */
size_t lq_csv_nfields(const struct lq_csv_reader *r);
const char *lq_csv_field(const struct lq_csv_reader *r, size_t i);
long lq_csv_row_line(const struct lq_csv_reader *r);
/* Frees the reader's buffers (it may be init'ed again). */
void lq_csv_free(struct lq_csv_reader *r);
/* True when every field is empty or blank (spreadsheets export empty rows
 * as ";;;;"): the importer skips such rows instead of reporting them. */
bool lq_csv_row_blank(const char *const *fields, size_t n);

/* --- mapping headers to lead fields -------------------------------------- */

#define LQ_CSV_FIELD_LIST(X)              \
	X(EXTERNAL_ID, "external_id")     \
	X(NAME,        "name")            \
	X(FIRST_NAME,  "first_name")      \
	X(LAST_NAME,   "last_name")       \
	X(TITLE,       "title")           \
	X(COMPANY,     "company")         \
	X(EMAIL,       "email")           \
	X(PHONE,       "phone")           \
	X(COUNTRY,     "country")         \
	X(REGION,      "region")          \
	X(CITY,        "city")            \
	X(POSTAL_CODE, "postal_code")     \
	X(INDUSTRY,    "industry")        \
	X(EMPLOYEES,   "employees")       \
	X(TZ,          "tz")              \
	X(SOURCE,      "source")          \
	X(CAMPAIGN,    "campaign")        \
	X(SCORE,       "score")           \
	X(OWNER,       "owner")           \
	X(MQL_AT,      "mql_at")          \
	X(DO_NOT_CONTACT, "do_not_contact")

enum lq_csv_field {
	LQ_CSV_IGNORE = -1,
#define X(id, wire) LQ_CSV_##id,
	LQ_CSV_FIELD_LIST(X)
#undef X
	LQ_CSV_FIELD_COUNT
};
const char *lq_csv_field_wire(enum lq_csv_field f);     /* NULL when out of range */
/* A field by its wire name, or "ignore" (LQ_CSV_IGNORE); -2 when unknown. */
int lq_csv_field_parse(const char *wire);
/* A header's field by the synonyms (English and Spanish, folded; blanks
 * and punctuation such as "-", "_", ".", "º" count as one space):
 * LQ_CSV_IGNORE when none fits.  A lone "Nombre" gives name here;
 * lq_csv_columns_map() makes it first_name when another column is the last
 * name or the name. */
enum lq_csv_field lq_csv_field_from_header(const char *header);

#define LQ_CSV_MAPPING_MAX 64
struct lq_csv_mapping {
	struct {
		char header[96];   /* lq_fold()ed */
		int field;         /* enum lq_csv_field, LQ_CSV_IGNORE */
	} entry[LQ_CSV_MAPPING_MAX];
	size_t n;
};
/* Parses a mapping file; false with "line 3: unknown field 'mail'" (or a
 * line without '=', a repeated header, too many lines) in err. */
bool lq_csv_mapping_parse(const char *text, size_t len, struct lq_csv_mapping *out, char *err,
			  size_t errsize);

#define LQ_CSV_COLUMNS_MAX 256
struct lq_csv_columns {
	int field[LQ_CSV_COLUMNS_MAX];     /* per column: enum lq_csv_field or IGNORE */
	char header[LQ_CSV_COLUMNS_MAX][64]; /* the header as written (cut to fit, UTF-8 safe) */
	size_t n;
};
/* The columns of a header row (mapping may be NULL).  false with the reason
 * in err: more than LQ_CSV_COLUMNS_MAX columns; two columns for one field
 * ("columns \"Email\" and \"Correo\" are both email"); no column that names
 * the lead (name, first or last name, email or external id). */
bool lq_csv_columns_map(const struct lq_csv_mapping *mapping, const char *const *headers,
			size_t n, struct lq_csv_columns *out, char *err, size_t errsize);
/* How many headers were ignored because nothing maps them; their names
 * are columns->header[i] for the i with field LQ_CSV_IGNORE. */
size_t lq_csv_columns_unknown(const struct lq_csv_columns *c);

/* One data row (fields[n], n may differ from the header: a row with more
 * fields than the header is an error, with fewer the rest are empty) into
 * out (init'ed first; cleared on error) and owner[owner_size] (the login,
 * "" when none).  Empty fields leave the lead's defaults.  Checks: email
 * has one '@' with text on both sides; score a whole number 0..1000;
 * employees 0..10000000 (thousands written "1.500" or "1,500"; a range
 * "51-200" or "10000+" gives its lower bound); mql_at RFC 3339,
 * "YYYY-MM-DD", "DD/MM/YYYY" (also with '-' or '.', one-digit day and
 * month) or either with " HH:MM[:SS]" (UTC; the dates at 00:00 UTC);
 * do_not_contact yes/no, sí/si/no, true/false, verdadero/falso, 1/0, x/"",
 * y/s/n (folded); the row names the lead (name, first/last name, email or
 * external id).  Values are trimmed of blanks.  first_name and last_name
 * join into name when the row has no name.  line is the row's file line,
 * for err; out of memory gives "line N: out of memory". */
bool lq_csv_row_to_lead(const struct lq_csv_columns *c, const char *const *fields, size_t n,
			long line, struct lq_lead *out, char *owner, size_t owner_size, char *err,
			size_t errsize);

#endif
