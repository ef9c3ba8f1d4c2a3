#!/bin/sh
# Turns the migrations share/sql/NNN_name.sql into a C table, so that the
# programs carry their schema and never look for it on disk.
set -e
echo '/* Generated from share/sql by build-aux/sql2c.sh; do not edit. */'
echo '#include "store/migrations.h"'
echo 'const struct lq_migration lq_migrations[] = {'
for f in "$@"; do
	base=$(basename "$f" .sql)
	num=$(echo "$base" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/')
	printf '\t{ %s, "%s",\n' "$num" "$base"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t  "/' -e 's/$/\\n"/' "$f"
	printf '\t},\n'
done
echo '};'
echo 'const int lq_migrations_count = (int)(sizeof lq_migrations / sizeof lq_migrations[0]);'
