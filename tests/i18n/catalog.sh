#!/bin/sh
# Every translatable string of the sources has a current translation in
# every catalogue of po/LINGUAS: the strings are extracted afresh (not taken
# from a po/leadq.pot that may be stale), merged without fuzzy guesses, and
# any untranslated or fuzzy message fails the test with its text.
top=${LEADQ_TOP_SRCDIR:?}
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
cd "$top" || exit 99
xgettext --files-from=po/POTFILES.in --directory="$top" --from-code=UTF-8 \
	--keyword=_ --keyword=N_ --keyword=P_:1,2 -o "$tmp/leadq.pot" || exit 99
status=0
for lang in $(grep -v '^#' po/LINGUAS); do
	msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$tmp/leadq.pot" -o "$tmp/$lang.po" || exit 99
	if ! msgfmt --check -o /dev/null "$tmp/$lang.po"; then
		echo "FAIL: po/$lang.po does not compile cleanly"
		status=1
	fi
	missing=$(msgattrib --untranslated --no-obsolete --no-location "$tmp/$lang.po" | grep '^msgid ' | sed 1d)
	fuzzy=$(msgattrib --only-fuzzy --no-obsolete --no-location "$tmp/$lang.po" | grep '^msgid ' | sed 1d)
	if [ -n "$missing$fuzzy" ]; then
		echo "FAIL: po/$lang.po lacks translations (run make -C po update-po, then translate):"
		printf '%s\n' "$missing" "$fuzzy" | grep . | sed 's/^/  /'
		status=1
	else
		echo "catalog: po/$lang.po translates every message"
	fi
done
exit $status
