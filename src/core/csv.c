/* leadq — CSV files of leads: an RFC 4180 reader over a buffer, header
 * mapping by synonyms or a mapping file, rows into leads (csv.h). */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "leadq/csv.h"
#include "leadq/i18n.h"
#include "leadq/mem.h"
#include "leadq/text.h"
#include "leadq/time.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- reading ----------------------------------------------------------- */

enum csv_error {
	CSV_OK,
	CSV_EQUOTE,       /* a quote inside an unquoted field */
	CSV_EUNCLOSED,
	CSV_EAFTER_QUOTE,
	CSV_EUTF8,
};

static const char *const csv_error_text[] = {
	N_("ok"),
	N_("a quote inside an unquoted field"),
	N_("the quoted field is not closed"),
	N_("text after the closing quote"),
	N_("not UTF-8"),
};

static bool is_line_end(char c)
{
	return c == '\n' || c == '\r';
}

/* Steps over the line end at s (CRLF, LF or a lone CR). */
static const char *skip_line_end(const char *s, const char *end)
{
	if (*s == '\r' && s + 1 < end && s[1] == '\n')
		return s + 2;
	return s + 1;
}

/* The delimiter the first line holds most of outside quotes; ',' on a tie
 * with it or when there is none, then ';' before tab. */
static char detect_delimiter(const char *s, const char *end)
{
	size_t comma = 0, semicolon = 0, tab = 0;
	bool quoted = false;
	char best = ',';
	size_t most;

	for (; s < end; s++) {
		char c = *s;

		if (c == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (is_line_end(c))
			break;
		else if (c == ',')
			comma++;
		else if (c == ';')
			semicolon++;
		else if (c == '\t')
			tab++;
	}
	most = comma;
	if (semicolon > most) {
		best = ';';
		most = semicolon;
	}
	if (tab > most)
		best = '\t';
	return best;
}

void lq_csv_init(struct lq_csv_reader *r, const char *text, size_t len)
{
	memset(r, 0, sizeof *r);
	if (!text)
		len = 0;
	r->p = text;
	r->end = text ? text + len : text;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		r->p += 3;
	r->delim = detect_delimiter(r->p, r->end);
	r->line = 1;
	r->row_line = 0;
}

void lq_csv_set_delimiter(struct lq_csv_reader *r, char delim)
{
	/* These would make the grammar ambiguous. */
	if (delim == '"' || delim == '\n' || delim == '\r' || delim == '\0')
		return;
	r->delim = delim;
}

static bool buf_reserve(struct lq_csv_reader *r, size_t more)
{
	size_t need, cap;
	char *grown;

	if (r->buf_cap - r->buf_len >= more)
		return true;
	if (more > SIZE_MAX / 2 - r->buf_len)
		return false;
	need = r->buf_len + more;
	cap = r->buf_cap ? r->buf_cap : 256;
	while (cap < need)
		cap *= 2;
	grown = lq_realloc(r->buf, cap);
	if (!grown)
		return false;
	r->buf = grown;
	r->buf_cap = cap;
	return true;
}

static bool buf_append(struct lq_csv_reader *r, const char *s, size_t n)
{
	if (!buf_reserve(r, n))
		return false;
	if (n)
		memcpy(r->buf + r->buf_len, s, n);
	r->buf_len += n;
	return true;
}

static bool field_start(struct lq_csv_reader *r)
{
	if (r->nfields == r->fields_cap) {
		size_t cap = r->fields_cap ? r->fields_cap * 2 : 32;
		size_t *grown;

		if (cap > SIZE_MAX / sizeof *grown)
			return false;
		grown = lq_realloc(r->offsets, cap * sizeof *grown);
		if (!grown)
			return false;
		r->offsets = grown;
		r->fields_cap = cap;
	}
	r->offsets[r->nfields++] = r->buf_len;
	return true;
}

static enum lq_csv_rc csv_fail(struct lq_csv_reader *r, char *err, size_t errsize, long line,
			       size_t field, enum csv_error error)
{
	r->nfields = 0;
	if (err && errsize)
		snprintf(err, errsize, N_("line %ld, field %zu: %s"), line, field,
			 csv_error_text[error]);
	return LQ_CSV_ERROR;
}

/* Reads one row from r->p.  Nothing in r but the buffers changes until the
 * row is whole: after LQ_CSV_NOMEM the same row can be read again, and
 * after LQ_CSV_ERROR the reader stays at the bad row and says so again. */
enum lq_csv_rc lq_csv_next(struct lq_csv_reader *r, char *err, size_t errsize)
{
	const char *s = r->p, *end = r->end;
	const char delim = r->delim;
	long line = r->line, row_line;

	if (err && errsize)
		err[0] = '\0';
	r->nfields = 0;
	r->buf_len = 0;
	/* Blank lines: no bytes between line ends. */
	while (s < end && is_line_end(*s)) {
		s = skip_line_end(s, end);
		line++;
	}
	if (s >= end) {
		r->p = s;
		r->line = line;
		return LQ_CSV_END;
	}
	row_line = line;
	for (;;) {
		const char *q;
		long field_line = line;
		size_t start;

		if (!field_start(r))
			return LQ_CSV_NOMEM;
		start = r->buf_len;
		if (s < end && *s == '"') {
			s++;
			for (;;) {
				q = s;
				while (q < end && *q != '"' && !is_line_end(*q))
					q++;
				if (!buf_append(r, s, (size_t)(q - s)))
					return LQ_CSV_NOMEM;
				if (q >= end)
					return csv_fail(r, err, errsize, field_line, r->nfields,
							CSV_EUNCLOSED);
				if (*q == '"') {
					if (q + 1 < end && q[1] == '"') {
						if (!buf_append(r, "\"", 1))
							return LQ_CSV_NOMEM;
						s = q + 2;
						continue;
					}
					s = q + 1;
					break;
				}
				/* A line break inside quotes is data, kept as written. */
				s = skip_line_end(q, end);
				line++;
				if (!buf_append(r, q, (size_t)(s - q)))
					return LQ_CSV_NOMEM;
			}
			if (s < end && *s != delim && !is_line_end(*s))
				return csv_fail(r, err, errsize, line, r->nfields, CSV_EAFTER_QUOTE);
		} else {
			q = s;
			while (q < end && *q != delim && !is_line_end(*q) && *q != '"')
				q++;
			if (q < end && *q == '"')
				return csv_fail(r, err, errsize, line, r->nfields, CSV_EQUOTE);
			if (!buf_append(r, s, (size_t)(q - s)))
				return LQ_CSV_NOMEM;
			s = q;
		}
		if (r->buf_len > start &&
		    (memchr(r->buf + start, '\0', r->buf_len - start) ||
		     !lq_utf8_valid(r->buf + start, r->buf_len - start)))
			return csv_fail(r, err, errsize, field_line, r->nfields, CSV_EUTF8);
		if (!buf_append(r, "", 1))
			return LQ_CSV_NOMEM;
		if (s >= end)
			break;
		if (*s == delim) {
			s++;
			continue;
		}
		/* A line end: the row is whole. */
		s = skip_line_end(s, end);
		line++;
		break;
	}
	r->p = s;
	r->line = line;
	r->row_line = row_line;
	return LQ_CSV_ROW;
}

size_t lq_csv_nfields(const struct lq_csv_reader *r)
{
	return r->nfields;
}

const char *lq_csv_field(const struct lq_csv_reader *r, size_t i)
{
	if (i >= r->nfields)
		return NULL;
	return r->buf + r->offsets[i];
}

long lq_csv_row_line(const struct lq_csv_reader *r)
{
	return r->row_line;
}

void lq_csv_free(struct lq_csv_reader *r)
{
	if (!r)
		return;
	lq_free(r->buf);
	lq_free(r->offsets);
	r->buf = NULL;
	r->offsets = NULL;
	r->buf_len = r->buf_cap = 0;
	r->nfields = r->fields_cap = 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* The text without the blanks around it: *len bytes from the result. */
static const char *trim(const char *s, size_t *len)
{
	size_t n = strlen(s);

	while (n > 0 && is_blank(*s)) {
		s++;
		n--;
	}
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	*len = n;
	return s;
}

bool lq_csv_row_blank(const char *const *fields, size_t n)
{
	size_t i, len;

	for (i = 0; i < n; i++) {
		if (!fields[i])
			continue;
		trim(fields[i], &len);
		if (len)
			return false;
	}
	return true;
}

/* ---- fields and synonyms ----------------------------------------------- */

static const char *const field_wire[] = {
#define X(id, wire) wire,
	LQ_CSV_FIELD_LIST(X)
#undef X
};

const char *lq_csv_field_wire(enum lq_csv_field f)
{
	if ((int)f < 0 || (int)f >= LQ_CSV_FIELD_COUNT)
		return NULL;
	return field_wire[f];
}

int lq_csv_field_parse(const char *wire)
{
	size_t i;

	if (!wire)
		return -2;
	if (strcmp(wire, "ignore") == 0)
		return LQ_CSV_IGNORE;
	for (i = 0; i < COUNT_OF(field_wire); i++)
		if (strcmp(wire, field_wire[i]) == 0)
			return (int)i;
	return -2;
}

/* Synonyms in their key form (see header_key): ASCII lower case, accents
 * folded, punctuation as single spaces.  Wire names are in ("first name"
 * is first_name).  Generous, as real exports of Spanish-language and
 * English CRMs and spreadsheets title them. */
static const struct synonym {
	const char *key;
	enum lq_csv_field field;
} synonyms[] = {
	{"external id", LQ_CSV_EXTERNAL_ID}, {"id externo", LQ_CSV_EXTERNAL_ID},
	{"contact id", LQ_CSV_EXTERNAL_ID}, {"id", LQ_CSV_EXTERNAL_ID},
	{"id contacto", LQ_CSV_EXTERNAL_ID}, {"id de contacto", LQ_CSV_EXTERNAL_ID},
	{"id del contacto", LQ_CSV_EXTERNAL_ID}, {"record id", LQ_CSV_EXTERNAL_ID},
	{"lead id", LQ_CSV_EXTERNAL_ID}, {"id lead", LQ_CSV_EXTERNAL_ID},
	{"id del lead", LQ_CSV_EXTERNAL_ID}, {"identificador", LQ_CSV_EXTERNAL_ID},

	{"name", LQ_CSV_NAME}, {"full name", LQ_CSV_NAME}, {"nombre completo", LQ_CSV_NAME},
	{"nombre y apellidos", LQ_CSV_NAME}, {"contacto", LQ_CSV_NAME},
	{"contact", LQ_CSV_NAME}, {"contact name", LQ_CSV_NAME},
	{"nombre del contacto", LQ_CSV_NAME}, {"nombre contacto", LQ_CSV_NAME},
	{"lead name", LQ_CSV_NAME},
	/* A lone "nombre": see lq_csv_columns_map(). */
	{"nombre", LQ_CSV_NAME},

	{"first name", LQ_CSV_FIRST_NAME}, {"firstname", LQ_CSV_FIRST_NAME},
	{"given name", LQ_CSV_FIRST_NAME}, {"nombre de pila", LQ_CSV_FIRST_NAME},
	{"primer nombre", LQ_CSV_FIRST_NAME},

	{"last name", LQ_CSV_LAST_NAME}, {"lastname", LQ_CSV_LAST_NAME},
	{"surname", LQ_CSV_LAST_NAME}, {"family name", LQ_CSV_LAST_NAME},
	{"apellidos", LQ_CSV_LAST_NAME}, {"apellido", LQ_CSV_LAST_NAME},

	{"title", LQ_CSV_TITLE}, {"job title", LQ_CSV_TITLE}, {"position", LQ_CSV_TITLE},
	{"job position", LQ_CSV_TITLE}, {"cargo", LQ_CSV_TITLE}, {"puesto", LQ_CSV_TITLE},
	{"puesto de trabajo", LQ_CSV_TITLE},

	{"company", LQ_CSV_COMPANY}, {"company name", LQ_CSV_COMPANY},
	{"account", LQ_CSV_COMPANY}, {"account name", LQ_CSV_COMPANY},
	{"organization", LQ_CSV_COMPANY}, {"organisation", LQ_CSV_COMPANY},
	{"empresa", LQ_CSV_COMPANY}, {"nombre de la empresa", LQ_CSV_COMPANY},
	{"nombre empresa", LQ_CSV_COMPANY}, {"compania", LQ_CSV_COMPANY},
	{"organizacion", LQ_CSV_COMPANY}, {"razon social", LQ_CSV_COMPANY},
	{"cuenta", LQ_CSV_COMPANY},

	{"email", LQ_CSV_EMAIL}, {"e mail", LQ_CSV_EMAIL}, {"mail", LQ_CSV_EMAIL},
	{"email address", LQ_CSV_EMAIL}, {"e mail address", LQ_CSV_EMAIL},
	{"correo", LQ_CSV_EMAIL}, {"correo electronico", LQ_CSV_EMAIL},
	{"correo e", LQ_CSV_EMAIL}, {"direccion de correo", LQ_CSV_EMAIL},
	{"direccion de correo electronico", LQ_CSV_EMAIL}, {"email de contacto", LQ_CSV_EMAIL},

	{"phone", LQ_CSV_PHONE}, {"phone number", LQ_CSV_PHONE},
	{"telephone", LQ_CSV_PHONE}, {"mobile", LQ_CSV_PHONE},
	{"mobile phone", LQ_CSV_PHONE}, {"mobile phone number", LQ_CSV_PHONE},
	{"cell phone", LQ_CSV_PHONE}, {"telefono", LQ_CSV_PHONE},
	{"telefono movil", LQ_CSV_PHONE}, {"numero de telefono", LQ_CSV_PHONE},
	{"movil", LQ_CSV_PHONE}, {"celular", LQ_CSV_PHONE}, {"tel", LQ_CSV_PHONE},
	{"tlf", LQ_CSV_PHONE}, {"tfno", LQ_CSV_PHONE},

	{"country", LQ_CSV_COUNTRY}, {"country region", LQ_CSV_COUNTRY},
	{"pais", LQ_CSV_COUNTRY},

	{"region", LQ_CSV_REGION}, {"state", LQ_CSV_REGION}, {"state region", LQ_CSV_REGION},
	{"province", LQ_CSV_REGION}, {"provincia", LQ_CSV_REGION},
	{"estado", LQ_CSV_REGION}, {"comunidad", LQ_CSV_REGION},
	{"comunidad autonoma", LQ_CSV_REGION}, {"departamento", LQ_CSV_REGION},

	{"city", LQ_CSV_CITY}, {"town", LQ_CSV_CITY}, {"ciudad", LQ_CSV_CITY},
	{"localidad", LQ_CSV_CITY}, {"municipio", LQ_CSV_CITY}, {"poblacion", LQ_CSV_CITY},
	{"comuna", LQ_CSV_CITY},

	{"postal code", LQ_CSV_POSTAL_CODE}, {"postcode", LQ_CSV_POSTAL_CODE},
	{"post code", LQ_CSV_POSTAL_CODE}, {"zip", LQ_CSV_POSTAL_CODE},
	{"zip code", LQ_CSV_POSTAL_CODE}, {"zip postal code", LQ_CSV_POSTAL_CODE},
	{"codigo postal", LQ_CSV_POSTAL_CODE}, {"cp", LQ_CSV_POSTAL_CODE},
	{"c p", LQ_CSV_POSTAL_CODE},

	{"industry", LQ_CSV_INDUSTRY}, {"sector", LQ_CSV_INDUSTRY},
	{"industria", LQ_CSV_INDUSTRY}, {"sector de actividad", LQ_CSV_INDUSTRY},
	{"vertical", LQ_CSV_INDUSTRY},

	{"employees", LQ_CSV_EMPLOYEES}, {"number of employees", LQ_CSV_EMPLOYEES},
	{"no of employees", LQ_CSV_EMPLOYEES}, {"company size", LQ_CSV_EMPLOYEES},
	{"headcount", LQ_CSV_EMPLOYEES}, {"empleados", LQ_CSV_EMPLOYEES},
	{"n empleados", LQ_CSV_EMPLOYEES}, {"n de empleados", LQ_CSV_EMPLOYEES},
	{"no empleados", LQ_CSV_EMPLOYEES}, {"num empleados", LQ_CSV_EMPLOYEES},
	{"numero de empleados", LQ_CSV_EMPLOYEES}, {"tamano de la empresa", LQ_CSV_EMPLOYEES},
	{"tamano empresa", LQ_CSV_EMPLOYEES}, {"plantilla", LQ_CSV_EMPLOYEES},

	{"tz", LQ_CSV_TZ}, {"timezone", LQ_CSV_TZ}, {"time zone", LQ_CSV_TZ},
	{"zona horaria", LQ_CSV_TZ}, {"huso horario", LQ_CSV_TZ},

	{"source", LQ_CSV_SOURCE}, {"lead source", LQ_CSV_SOURCE},
	{"original source", LQ_CSV_SOURCE}, {"origen", LQ_CSV_SOURCE},
	{"origen del lead", LQ_CSV_SOURCE}, {"origen del contacto", LQ_CSV_SOURCE},
	{"fuente", LQ_CSV_SOURCE}, {"fuente del lead", LQ_CSV_SOURCE},
	{"canal", LQ_CSV_SOURCE}, {"canal de entrada", LQ_CSV_SOURCE},

	{"campaign", LQ_CSV_CAMPAIGN}, {"campaign name", LQ_CSV_CAMPAIGN},
	{"utm campaign", LQ_CSV_CAMPAIGN}, {"campana", LQ_CSV_CAMPAIGN},
	{"nombre de campana", LQ_CSV_CAMPAIGN}, {"nombre de la campana", LQ_CSV_CAMPAIGN},

	{"score", LQ_CSV_SCORE}, {"lead score", LQ_CSV_SCORE}, {"points", LQ_CSV_SCORE},
	{"scoring", LQ_CSV_SCORE}, {"puntuacion", LQ_CSV_SCORE}, {"puntos", LQ_CSV_SCORE},

	{"owner", LQ_CSV_OWNER}, {"contact owner", LQ_CSV_OWNER},
	{"lead owner", LQ_CSV_OWNER}, {"assigned to", LQ_CSV_OWNER},
	{"propietario", LQ_CSV_OWNER}, {"comercial", LQ_CSV_OWNER},
	{"responsable", LQ_CSV_OWNER}, {"vendedor", LQ_CSV_OWNER},
	{"asignado a", LQ_CSV_OWNER},

	{"mql at", LQ_CSV_MQL_AT}, {"mql date", LQ_CSV_MQL_AT}, {"fecha mql", LQ_CSV_MQL_AT},
	{"fecha de mql", LQ_CSV_MQL_AT}, {"fecha", LQ_CSV_MQL_AT},
	{"became a marketing qualified lead date", LQ_CSV_MQL_AT},

	{"do not contact", LQ_CSV_DO_NOT_CONTACT}, {"dnc", LQ_CSV_DO_NOT_CONTACT},
	{"do not call", LQ_CSV_DO_NOT_CONTACT}, {"no contactar", LQ_CSV_DO_NOT_CONTACT},
	{"no llamar", LQ_CSV_DO_NOT_CONTACT},
};

#define KEY_SIZE 128

/* A header's key: lq_fold()ed, then every run of blanks and punctuation
 * (ASCII, and the ordinal and degree signs of "Nº" and "N.º") is one
 * space, with none at the ends: "E-mail" and "e_mail" are "e mail". */
static void header_key(const char *header, char *out, size_t size)
{
	char folded[KEY_SIZE * 2];
	size_t i, pos = 0;
	bool space = false;

	lq_fold(header ? header : "", folded, sizeof folded);
	for (i = 0; folded[i] && pos + 1 < size; i++) {
		unsigned char c = (unsigned char)folded[i];
		bool keep;

		if (c == 0xC2 && ((unsigned char)folded[i + 1] == 0xBA ||
				  (unsigned char)folded[i + 1] == 0xAA ||
				  (unsigned char)folded[i + 1] == 0xB0)) {
			i++;        /* º ª °: punctuation here */
			keep = false;
		} else {
			keep = c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		}
		if (!keep) {
			space = pos > 0;
			continue;
		}
		if (space && pos + 2 < size)
			out[pos++] = ' ';
		space = false;
		out[pos++] = (char)c;
	}
	/* A cut inside a UTF-8 sequence does not matter: no synonym is that long. */
	out[pos] = '\0';
}

enum lq_csv_field lq_csv_field_from_header(const char *header)
{
	char key[KEY_SIZE];
	size_t i;

	header_key(header, key, sizeof key);
	if (!key[0])
		return LQ_CSV_IGNORE;
	for (i = 0; i < COUNT_OF(synonyms); i++)
		if (strcmp(key, synonyms[i].key) == 0)
			return synonyms[i].field;
	return LQ_CSV_IGNORE;
}

/* ---- the mapping file -------------------------------------------------- */

static void fold_trimmed(const char *s, size_t len, char *out, size_t size)
{
	char tmp[512];
	size_t n;
	const char *t;

	if (len >= sizeof tmp)
		len = sizeof tmp - 1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	t = trim(tmp, &n);
	memmove(tmp, t, n);
	tmp[n] = '\0';
	lq_fold(tmp, out, size);
}

static bool mapping_error(struct lq_csv_mapping *out, char *err, size_t errsize, long line,
			  const char *what, const char *arg)
{
	out->n = 0;
	if (!err || errsize == 0)
		return false;
	if (arg)
		snprintf(err, errsize, "line %ld: %s '%s'", line, what, arg);
	else
		snprintf(err, errsize, "line %ld: %s", line, what);
	return false;
}

bool lq_csv_mapping_parse(const char *text, size_t len, struct lq_csv_mapping *out, char *err,
			  size_t errsize)
{
	const char *s = text, *end = text ? text + len : text;
	long line = 0;

	out->n = 0;
	if (err && errsize)
		err[0] = '\0';
	if (!text)
		return true;
	if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		const char *b, *e, *eq = NULL, *q;
		char header[256];
		char wire[32];
		size_t i;
		int field;

		if (!eol)
			eol = end;
		line++;
		b = s;
		e = eol;
		s = eol < end ? eol + 1 : end;
		while (b < e && is_blank(*b))
			b++;
		while (e > b && is_blank(e[-1]))
			e--;
		if (b == e || *b == '#')
			continue;
		if (!lq_utf8_valid(b, (size_t)(e - b)) || memchr(b, '\0', (size_t)(e - b)))
			return mapping_error(out, err, errsize, line, N_("not UTF-8"), NULL);
		/* The last '=': field names hold none, headers might. */
		for (q = b; q < e; q++)
			if (*q == '=')
				eq = q;
		if (!eq)
			return mapping_error(out, err, errsize, line,
					     N_("expected \"header = field\""), NULL);
		fold_trimmed(b, (size_t)(eq - b), header, sizeof header);
		if (!header[0])
			return mapping_error(out, err, errsize, line, N_("the header is empty"),
					     NULL);
		if (strlen(header) >= sizeof out->entry[0].header)
			return mapping_error(out, err, errsize, line, N_("the header is too long"),
					     NULL);
		if ((size_t)(e - eq - 1) >= sizeof wire)
			field = -2;
		else {
			fold_trimmed(eq + 1, (size_t)(e - eq - 1), wire, sizeof wire);
			field = lq_csv_field_parse(wire);
		}
		if (field == -2) {
			char shown[64];
			size_t n;
			const char *t = eq + 1;

			while (t < e && is_blank(*t))
				t++;
			n = (size_t)(e - t);
			if (n >= sizeof shown) {
				n = sizeof shown - 1;
				while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
					n--;    /* not inside a UTF-8 sequence */
			}
			memcpy(shown, t, n);
			shown[n] = '\0';
			return mapping_error(out, err, errsize, line, N_("unknown field"), shown);
		}
		for (i = 0; i < out->n; i++)
			if (strcmp(out->entry[i].header, header) == 0)
				return mapping_error(out, err, errsize, line,
						     N_("the header is mapped twice:"), header);
		if (out->n == LQ_CSV_MAPPING_MAX)
			return mapping_error(out, err, errsize, line,
					     N_("too many lines (at most 64 headers)"), NULL);
		memcpy(out->entry[out->n].header, header, strlen(header) + 1);
		out->entry[out->n].field = field;
		out->n++;
	}
	return true;
}

/* ---- columns ----------------------------------------------------------- */

static bool columns_error(char *err, size_t errsize, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool columns_error(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	if (!err || errsize == 0)
		return false;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	return false;
}

static bool names_lead(int field)
{
	return field == LQ_CSV_NAME || field == LQ_CSV_FIRST_NAME || field == LQ_CSV_LAST_NAME ||
	       field == LQ_CSV_EMAIL || field == LQ_CSV_EXTERNAL_ID;
}

bool lq_csv_columns_map(const struct lq_csv_mapping *mapping, const char *const *headers,
			size_t n, struct lq_csv_columns *out, char *err, size_t errsize)
{
	bool lone_nombre[LQ_CSV_COLUMNS_MAX];
	bool other_name = false;
	int seen[LQ_CSV_FIELD_COUNT];
	size_t i, j;
	bool named = false;

	if (err && errsize)
		err[0] = '\0';
	out->n = 0;
	if (n > LQ_CSV_COLUMNS_MAX)
		return columns_error(err, errsize,
				     N_("the header has %zu columns; at most %d are read"), n,
				     LQ_CSV_COLUMNS_MAX);
	for (i = 0; i < n; i++) {
		const char *h = headers[i] ? headers[i] : "";
		int field = -2;

		lq_strlcpy_utf8(out->header[i], h, sizeof out->header[i]);
		lone_nombre[i] = false;
		if (mapping) {
			char folded[256];

			fold_trimmed(h, strlen(h), folded, sizeof folded);
			for (j = 0; j < mapping->n; j++)
				if (strcmp(mapping->entry[j].header, folded) == 0)
					field = mapping->entry[j].field;
		}
		if (field == -2) {
			char key[KEY_SIZE];

			field = lq_csv_field_from_header(h);
			header_key(h, key, sizeof key);
			lone_nombre[i] = strcmp(key, "nombre") == 0;
		}
		out->field[i] = field;
	}
	out->n = n;
	/* "Nombre" is the first name in a file that also has "Apellidos" (or
	 * a last-name or name column by any title), and the whole name when it
	 * stands alone, as most Spanish exports with one name column title it. */
	for (i = 0; i < n; i++)
		if (!lone_nombre[i] &&
		    (out->field[i] == LQ_CSV_LAST_NAME || out->field[i] == LQ_CSV_NAME))
			other_name = true;
	if (other_name)
		for (i = 0; i < n; i++)
			if (lone_nombre[i])
				out->field[i] = LQ_CSV_FIRST_NAME;

	for (i = 0; i < LQ_CSV_FIELD_COUNT; i++)
		seen[i] = -1;
	for (i = 0; i < n; i++) {
		int f = out->field[i];

		if (f < 0 || f >= LQ_CSV_FIELD_COUNT)
			continue;
		if (seen[f] >= 0)
			return columns_error(err, errsize, N_("columns \"%s\" and \"%s\" are both %s"),
					     out->header[seen[f]], out->header[i], field_wire[f]);
		seen[f] = (int)i;
		if (names_lead(f))
			named = true;
	}
	if (!named)
		return columns_error(err, errsize,
				     N_("no column names the lead (name, first or last name, "
					"email or external id)"));
	return true;
}

size_t lq_csv_columns_unknown(const struct lq_csv_columns *c)
{
	size_t i, count = 0;

	for (i = 0; i < c->n; i++)
		if (c->field[i] == LQ_CSV_IGNORE)
			count++;
	return count;
}

/* ---- rows to leads ----------------------------------------------------- */

/* Where a row's errors go. */
struct row_ctx {
	const struct lq_csv_columns *c;
	long line;
	struct lq_lead *out;
	char *owner;
	size_t owner_size;
	char *err;
	size_t errsize;
};

/* Fails the row: the lead is cleared, the owner emptied. */
static bool row_fail(const struct row_ctx *x)
{
	lq_lead_clear(x->out);
	if (x->owner && x->owner_size)
		x->owner[0] = '\0';
	return false;
}

static bool column_fail(const struct row_ctx *x, size_t col, const char *what)
{
	if (x->err && x->errsize)
		snprintf(x->err, x->errsize, N_("line %ld, column \"%s\": %s"), x->line,
			 x->c->header[col], what);
	return row_fail(x);
}

static bool row_nomem(const struct row_ctx *x)
{
	if (x->err && x->errsize)
		snprintf(x->err, x->errsize, N_("line %ld: out of memory"), x->line);
	return row_fail(x);
}

/* Whole number of digits only, at most max. */
static bool parse_whole(const char *s, long max, long *out)
{
	long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

/* A count with optional thousands separators ("1.500", "1,500",
 * "1.500.000"): a separator must be followed by exactly three digits. */
static const char *parse_count(const char *s, long max, long *out)
{
	long v = 0;
	char sep = 0;
	int digits = 0;

	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s++ - '0');
		if (v > max)
			return NULL;
		if (++digits > 12)
			return NULL;
		if ((*s == '.' || *s == ',') && (!sep || *s == sep) && s[1] >= '0' && s[1] <= '9' &&
		    s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9' &&
		    !(s[4] >= '0' && s[4] <= '9')) {
			sep = *s;
			s++;
		}
	}
	if (digits == 0)
		return NULL;
	*out = v;
	return s;
}

static const char *skip_spaces(const char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

/* "250", "1.500", "51-200" or "51 – 200" (the lower bound), "10000+". */
static bool parse_employees(const char *s, long *out)
{
	long lo, hi;

	s = parse_count(s, 10000000, &lo);
	if (!s)
		return false;
	if (*s == '+') {
		s++;
	} else if (*s) {
		s = skip_spaces(s);
		if (*s == '-')
			s++;
		else if (strncmp(s, "\xE2\x80\x93", 3) == 0)   /* en dash */
			s += 3;
		else
			return false;
		s = parse_count(skip_spaces(s), 1000000000, &hi);
		if (!s || hi < lo)
			return false;
	}
	if (*s)
		return false;
	*out = lo;
	return true;
}

/* 1..max_digits digits (at least min_digits) into *v. */
static bool take_number(const char **sp, int min_digits, int max_digits, int *v)
{
	const char *s = *sp;
	int n = 0, value = 0;

	while (*s >= '0' && *s <= '9' && n < max_digits) {
		value = value * 10 + (*s++ - '0');
		n++;
	}
	if (n < min_digits || (*s >= '0' && *s <= '9'))
		return false;
	*sp = s;
	*v = value;
	return true;
}

static bool valid_date(int y, int m, int d)
{
	int yy, mm, dd;

	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	lq_civil_from_days(lq_days_from_civil(y, m, d), &yy, &mm, &dd);
	return yy == y && mm == m && dd == d;
}

/* An optional " HH:MM[:SS]" (or "THH:MM…" after a Y-M-D) to the end. */
static bool take_time(const char *s, bool t_ok, int *h, int *mi, int *sec)
{
	*h = *mi = *sec = 0;
	if (!*s)
		return true;
	if (*s == ' ')
		s = skip_spaces(s);
	else if (t_ok && (*s == 'T' || *s == 't'))
		s++;
	else
		return false;
	if (!take_number(&s, 1, 2, h) || *s++ != ':' || !take_number(&s, 2, 2, mi))
		return false;
	if (*s == ':') {
		s++;
		if (!take_number(&s, 2, 2, sec))
			return false;
	}
	return !*s && *h <= 23 && *mi <= 59 && *sec <= 59;
}

static bool parse_mql_at(const char *s, lq_time *out)
{
	const char *p = s;
	int y, m, d, h, mi, sec;
	char sep;

	if (lq_time_parse(s, out))
		return true;
	if (take_number(&p, 4, 4, &y) && (*p == '-' || *p == '/')) {
		/* YYYY-MM-DD, YYYY/MM/DD */
		sep = *p++;
		if (!take_number(&p, 1, 2, &m) || *p++ != sep || !take_number(&p, 1, 2, &d))
			return false;
		if (!take_time(p, true, &h, &mi, &sec))
			return false;
	} else {
		/* DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY */
		p = s;
		if (!take_number(&p, 1, 2, &d))
			return false;
		sep = *p;
		if (sep != '/' && sep != '-' && sep != '.')
			return false;
		p++;
		if (!take_number(&p, 1, 2, &m) || *p++ != sep || !take_number(&p, 4, 4, &y))
			return false;
		if (!take_time(p, false, &h, &mi, &sec))
			return false;
	}
	if (!valid_date(y, m, d))
		return false;
	*out = lq_days_from_civil(y, m, d) * LQ_DAY + h * LQ_HOUR + mi * LQ_MINUTE + sec;
	return true;
}

/* 1 yes, 0 no, -1 neither. */
static int parse_yes_no(const char *s)
{
	static const char *const yes[] = {"yes", "y", "si", "s", "true", "verdadero", "1", "x"};
	static const char *const no[] = {"no", "n", "false", "falso", "0"};
	char folded[16];
	size_t i;

	if (strlen(s) >= sizeof folded)
		return -1;
	lq_fold(s, folded, sizeof folded);
	for (i = 0; i < COUNT_OF(yes); i++)
		if (strcmp(folded, yes[i]) == 0)
			return 1;
	for (i = 0; i < COUNT_OF(no); i++)
		if (strcmp(folded, no[i]) == 0)
			return 0;
	return -1;
}

static bool valid_email(const char *s, size_t len)
{
	const char *at = memchr(s, '@', len);
	size_t i;

	if (!at || at == s || at == s + len - 1)
		return false;
	if (memchr(at + 1, '@', len - (size_t)(at - s) - 1))
		return false;
	for (i = 0; i < len; i++)
		if (is_blank(s[i]))
			return false;
	return true;
}

static char **lead_string(struct lq_lead *l, int field)
{
	switch (field) {
	case LQ_CSV_EXTERNAL_ID: return &l->external_id;
	case LQ_CSV_NAME: return &l->name;
	case LQ_CSV_TITLE: return &l->title;
	case LQ_CSV_COMPANY: return &l->company;
	case LQ_CSV_EMAIL: return &l->email;
	case LQ_CSV_PHONE: return &l->phone;
	case LQ_CSV_COUNTRY: return &l->country;
	case LQ_CSV_REGION: return &l->region;
	case LQ_CSV_CITY: return &l->city;
	case LQ_CSV_POSTAL_CODE: return &l->postal_code;
	case LQ_CSV_INDUSTRY: return &l->industry;
	case LQ_CSV_TZ: return &l->tz;
	case LQ_CSV_SOURCE: return &l->source;
	case LQ_CSV_CAMPAIGN: return &l->campaign;
	default: return NULL;
	}
}

/* Sets a lead string to value[len] (value trimmed, maybe not ending there). */
static bool set_value(char **field, const char *value, size_t len)
{
	char *copy;

	if (value[len] == '\0')
		return lq_lead_set_str(field, value);
	copy = lq_strndup(value, len);
	if (!copy)
		return false;
	lq_free(*field);
	*field = copy;
	return true;
}

/* Checks and stores one non-empty value v[len] of column col. */
static bool take_value(const struct row_ctx *x, size_t col, const char *v, size_t len)
{
	int f = x->c->field[col];
	char small[64];
	char **str = lead_string(x->out, f);

	if (!lq_utf8_valid(v, len))
		return column_fail(x, col, N_("not UTF-8"));
	if (str) {
		if (f == LQ_CSV_EMAIL && !valid_email(v, len))
			return column_fail(x, col, N_("not an email address"));
		if (!set_value(str, v, len))
			return row_nomem(x);
		return true;
	}
	if (f == LQ_CSV_OWNER) {
		if (!x->owner || x->owner_size == 0)
			return true;
		if (len >= x->owner_size)
			return column_fail(x, col, N_("the login is too long"));
		memcpy(x->owner, v, len);
		x->owner[len] = '\0';
		return true;
	}
	/* The rest are short values: a NUL-terminated copy of the trimmed
	 * text (a longer one is bad anyway, and "" fails every check). */
	if (len >= sizeof small) {
		small[0] = '\0';
	} else {
		memcpy(small, v, len);
		small[len] = '\0';
	}
	switch (f) {
	case LQ_CSV_SCORE: {
		long score;

		if (!parse_whole(small, 1000, &score))
			return column_fail(x, col, N_("expected a whole number 0..1000"));
		x->out->score = (int)score;
		return true;
	}
	case LQ_CSV_EMPLOYEES: {
		long employees;

		if (!parse_employees(small, &employees))
			return column_fail(x, col, N_("expected a number of employees 0..10000000"));
		x->out->employees = (int)employees;
		return true;
	}
	case LQ_CSV_MQL_AT:
		if (!parse_mql_at(small, &x->out->mql_at))
			return column_fail(x, col,
					   N_("expected a date (YYYY-MM-DD, DD/MM/YYYY, either "
					      "with HH:MM, or RFC 3339)"));
		return true;
	case LQ_CSV_DO_NOT_CONTACT: {
		int yes = parse_yes_no(small);

		if (yes < 0)
			return column_fail(x, col,
					   N_("expected yes or no (sí/no, true/false, 1/0, x or "
					      "empty)"));
		x->out->do_not_contact = yes == 1;
		return true;
	}
	default:
		return true;
	}
}

/* "first last", either alone when the other is missing. */
static char *join_name(const char *first, size_t first_len, const char *last, size_t last_len)
{
	char *joined = lq_malloc(first_len + last_len + 2);
	size_t pos = 0;

	if (!joined)
		return NULL;
	if (first_len) {
		memcpy(joined, first, first_len);
		pos = first_len;
	}
	if (first_len && last_len)
		joined[pos++] = ' ';
	if (last_len) {
		memcpy(joined + pos, last, last_len);
		pos += last_len;
	}
	joined[pos] = '\0';
	return joined;
}

bool lq_csv_row_to_lead(const struct lq_csv_columns *c, const char *const *fields, size_t n,
			long line, struct lq_lead *out, char *owner, size_t owner_size, char *err,
			size_t errsize)
{
	const struct row_ctx x = {c, line, out, owner, owner_size, err, errsize};
	const char *first = NULL, *last = NULL;
	size_t first_len = 0, last_len = 0;
	size_t i;

	lq_lead_init(out);
	if (owner && owner_size)
		owner[0] = '\0';
	if (err && errsize)
		err[0] = '\0';
	if (n > c->n) {
		if (err && errsize)
			snprintf(err, errsize, N_("line %ld: %zu fields, but the header has %zu"),
				 line, n, c->n);
		return false;
	}
	for (i = 0; i < n; i++) {
		int f = c->field[i];
		const char *v;
		size_t len;

		if (f < 0 || f >= LQ_CSV_FIELD_COUNT || !fields[i])
			continue;
		v = trim(fields[i], &len);
		if (len == 0)
			continue;
		if (f == LQ_CSV_FIRST_NAME || f == LQ_CSV_LAST_NAME) {
			if (!lq_utf8_valid(v, len))
				return column_fail(&x, i, N_("not UTF-8"));
			if (f == LQ_CSV_FIRST_NAME) {
				first = v;
				first_len = len;
			} else {
				last = v;
				last_len = len;
			}
			continue;
		}
		if (!take_value(&x, i, v, len))
			return false;
	}
	if (!out->name && (first || last)) {
		out->name = join_name(first, first_len, last, last_len);
		if (!out->name)
			return row_nomem(&x);
	}
	if (!out->name && !out->email && !out->external_id) {
		if (err && errsize)
			snprintf(err, errsize,
				 N_("line %ld: nothing names the lead (name, email or external id)"),
				 line);
		return row_fail(&x);
	}
	return true;
}
