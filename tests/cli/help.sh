#!/bin/sh
# --help and --version, everywhere, with exit status 0 and no cache touched.
. "${LEADQ_TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

lq --help
expect_rc 0 "--help"
expect_out "Usage: leadq" "--help"
expect_out "--demo" "--help lists --demo"
for c in list show set touch note undo; do
	expect_out "  $c" "--help lists the command $c"
done
[ ! -s "$T/err" ] || fail "--help wrote to stderr: $(cat "$T/err")"

lq -h
expect_rc 0 "-h"
expect_out "Usage: leadq" "-h"

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$LEADQ_TOP_BUILDDIR/config.h")
[ -n "$version" ] || fail "no PACKAGE_VERSION in $LEADQ_TOP_BUILDDIR/config.h"
lq --version
expect_rc 0 "--version"
[ "$(cat "$T/out")" = "leadq $version" ] || fail "--version printed '$(cat "$T/out")', expected 'leadq $version'"

lq list --help
expect_rc 0 "list --help"
expect_out "Usage: leadq" "list --help"

[ ! -e "$XDG_DATA_HOME" ] || fail "--help or --version created $XDG_DATA_HOME"
say "ok"
exit 0
