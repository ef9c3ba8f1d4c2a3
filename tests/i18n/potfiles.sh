#!/bin/sh
# Every source file with translatable strings (_() or N_()) is listed in
# po/POTFILES.in; otherwise xgettext never sees them and their text stays
# English in every language.
top=${LEADQ_TOP_SRCDIR:?}
cd "$top" || exit 99
missing=0
for f in $(grep -rlE '\<N?_\("' include src ui | sort); do
	if ! grep -qxF "$f" po/POTFILES.in; then
		echo "FAIL: $f has translatable strings but is not in po/POTFILES.in"
		missing=$((missing + 1))
	fi
done
while read -r f; do
	case $f in ''|'#'*) continue ;; esac
	[ -f "$f" ] || { echo "FAIL: po/POTFILES.in names $f, which does not exist"; missing=$((missing + 1)); }
done <po/POTFILES.in
[ "$missing" -eq 0 ] || exit 1
echo "potfiles: every file with translatable strings is listed"
