/* libFuzzer target: CSV import (leadq/csv.h).  The input is a file: its
 * first row maps the columns, every later row becomes a lead; the input
 * is also read as a mapping file. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leadq/csv.h"
#include "leadq/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Big (17 KB), so not on the stack; one input at a time. */
static struct lq_csv_columns columns;
static struct lq_csv_mapping mapping;

static void free_headers(char **headers, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(headers[i]);
	free(headers);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct lq_csv_reader r;
	char **headers = NULL;
	const char **fields = NULL;
	size_t nheaders = 0, i, nf;
	bool mapped = false, first = true, have_mapping;
	char err[256], owner[128];
	enum lq_csv_rc rc;

	have_mapping = lq_csv_mapping_parse(text, size, &mapping, err, sizeof err);

	lq_csv_init(&r, text, size);
	for (;;) {
		rc = lq_csv_next(&r, err, sizeof err);
		if (rc != LQ_CSV_ROW)
			break;
		nf = lq_csv_nfields(&r);
		if (first) {
			/* the header row's fields are valid until the next row: copy */
			first = false;
			headers = calloc(nf ? nf : 1, sizeof *headers);
			if (!headers)
				break;
			for (i = 0; i < nf; i++) {
				const char *f = lq_csv_field(&r, i);

				headers[i] = strdup(f ? f : "");
				if (!headers[i])
					break;
				nheaders++;
			}
			if (nheaders != nf)
				break;
			mapped = lq_csv_columns_map(have_mapping ? &mapping : NULL,
						    (const char *const *)headers, nheaders,
						    &columns, err, sizeof err);
			if (mapped)
				(void)lq_csv_columns_unknown(&columns);
			continue;
		}
		if (!mapped)
			continue;   /* still read the rest */
		free(fields);
		fields = calloc(nf ? nf : 1, sizeof *fields);
		if (!fields)
			break;
		for (i = 0; i < nf; i++)
			fields[i] = lq_csv_field(&r, i);
		{
			struct lq_lead lead;

			memset(&lead, 0, sizeof lead);
			(void)lq_csv_row_to_lead(&columns, fields, nf, lq_csv_row_line(&r), &lead,
						 owner, sizeof owner, err, sizeof err);
			lq_lead_clear(&lead);   /* init'ed either way */
		}
	}
	if (rc == LQ_CSV_ERROR && !memchr(err, '\0', sizeof err))
		__builtin_trap();
	free(fields);
	free_headers(headers, nheaders);
	lq_csv_free(&r);
	return 0;
}
