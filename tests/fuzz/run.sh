#!/bin/sh
# Runs each libFuzzer target over its seed corpus (tests/fuzz/corpus/NAME),
# then fuzzes it for LEADQ_FUZZ_SECONDS (5 by default; make fuzz: 300).
# Fails on the first crash, leak, timeout or undefined behaviour; the input
# that did it is kept in the build tree, tests/fuzz/artifacts/NAME/.
# New inputs go to tests/fuzz/work/NAME (the source tree may be read-only).
# LEADQ_FUZZ_TARGETS="codec csv" runs only those.
set -u

top_src=${LEADQ_TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
top_build=${LEADQ_TOP_BUILDDIR:-.}
seconds=${LEADQ_FUZZ_SECONDS:-5}
targets=${LEADQ_FUZZ_TARGETS:-codec csv events mautic}
failed=

for t in $targets; do
	bin=$top_build/tests/fuzz/fuzz_$t
	seeds=$top_src/tests/fuzz/corpus/$t
	work=$top_build/tests/fuzz/work/$t
	artifacts=$top_build/tests/fuzz/artifacts/$t
	log=$top_build/tests/fuzz/work/fuzz_$t.log
	if [ ! -x "$bin" ] || [ ! -d "$seeds" ]; then
		echo "run.sh: $bin or $seeds is missing" >&2
		exit 99
	fi
	mkdir -p "$work" "$artifacts" || exit 99
	set -- "$work" "$seeds"
	if [ -f "$top_src/tests/fuzz/$t.dict" ]; then
		set -- -dict="$top_src/tests/fuzz/$t.dict" "$@"
	fi
	# libFuzzer answers 77 (automake's "skipped") for a crash: any
	# status but 0 is a failure here.
	if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$artifacts/" "$@" >"$log" 2>&1; then
		echo "fuzz_$t: ok, $(ls "$work" | wc -l) inputs in $work," \
			"$(sed -n 's/^stat::number_of_executed_units: *//p' "$log") runs"
	else
		echo "fuzz_$t: FAILED (log $log); the input is in $artifacts/"
		tail -n 60 "$log"
		failed="$failed $t"
	fi
done

if [ -n "$failed" ]; then
	echo "failed:$failed"
	exit 1
fi
exit 0
