#!/bin/sh
# Turns the migrations share/sql/NNN_name.sql into a C table, so that the
# programs carry their schema and never look for it on disk.
#   sql2c.sh [-n SYMBOL] FILE...     (SYMBOL defaults to lq_migrations)
set -e
sym=lq_migrations
if [ "${1:-}" = "-n" ]; then
	sym=$2
	shift 2
fi
echo '/* Generated from share/sql by build-aux/sql2c.sh; do not edit. */'
echo '#include "store/migrations.h"'
echo "const struct lq_migration ${sym}[] = {"
for f in "$@"; do
	base=$(basename "$f" .sql)
	num=$(echo "$base" | sed 's/^0*\([0-9][0-9]*\)_.*/\1/')
	printf '\t{ %s, "%s",\n' "$num" "$base"
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t  "/' -e 's/$/\\n"/' "$f"
	printf '\t},\n'
done
echo '};'
echo "const int ${sym}_count = (int)(sizeof ${sym} / sizeof ${sym}[0]);"
