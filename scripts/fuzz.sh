#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/Targets and runs each on its stored corpus.
#
#   scripts/fuzz.sh [--seconds N] [--merge | --build-only] [TARGET…]
#
#   --seconds N   run each target for N seconds (default 20); CI runs --seconds 15
#   --merge       after the run, minimise the new inputs into Fuzz/Corpus/<TARGET>
#                 (-set_cover_merge: a small set of inputs that adds all new coverage)
#   --build-only  build the targets and stop
#   TARGET…       names of files in Fuzz/Targets without .swift (default: all)
#
# The stored corpus is only read unless --merge is given: new inputs go to
# .build-fuzz/work/<TARGET> (kept between runs, so repeated runs go deeper). A crash, a
# leak or a timeout leaves its input in .build-fuzz/crashes/ and makes the script exit 1.
#
# A target names what it needs besides InboxCore in comment lines: "// fuzz-sources:"
# (files compiled into it), "// fuzz-modules:" (modules built as libraries),
# "// fuzz-flags:" (compiler flags) and "// fuzz-link:" (libraries).
set -euo pipefail

cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
# libFuzzer and ASan report a crash; the Swift backtracer would fight them over it.
export SWIFT_BACKTRACE=enable=no
export LSAN_OPTIONS="suppressions=$PWD/Fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

seconds=20
merge=0
build_only=0
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --seconds=*) seconds="${1#*=}"; shift ;;
        --merge) merge=1; shift ;;
        --build-only) build_only=1; shift ;;
        -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
        *) targets+=("$1"); shift ;;
    esac
done
if [ ${#targets[@]} -eq 0 ]; then
    for f in Fuzz/Targets/*.swift; do targets+=("$(basename "$f" .swift)"); done
fi

out=.build-fuzz
mkdir -p "$out/work" "$out/crashes"
# Runs a build step, showing its output only when it fails (the linker warns about every
# sanitizer symbol otherwise).
quiet() {
    local log
    log=$(mktemp)
    if "$@" >"$log" 2>&1; then
        grep -v 'Cannot export local symbol' "$log" >&2 || true
        rm -f "$log"
    else
        cat "$log" >&2
        rm -f "$log"
        return 1
    fi
}
flags=(-swift-version 6 -O -g -parse-as-library -sanitize=fuzzer,address -warnings-as-errors)

# InboxCore, instrumented, with @testable access (rebuilt when a source is newer).
core="$out/libInboxCore.a"
if [ ! -f "$core" ] || [ -n "$(find Sources/InboxCore -name '*.swift' -newer "$core" | head -1)" ]; then
    echo "fuzz.sh: building InboxCore" >&2
    quiet swiftc "${flags[@]}" -enable-testing -module-name InboxCore -emit-library -static \
        -emit-module -emit-module-path "$out/InboxCore.swiftmodule" -o "$core" Sources/InboxCore/*.swift
fi

# Another library module a target imports ("// fuzz-modules:"), built like InboxCore.
build_module() {
    local m="$1"; shift
    local lib="$out/lib$m.a"
    if [ ! -f "$lib" ] || [ -n "$(find "Sources/$m" -name '*.swift' -newer "$lib" | head -1)" ]; then
        echo "fuzz.sh: building $m" >&2
        quiet swiftc "${flags[@]}" -enable-testing -module-name "$m" -emit-library -static -I "$out" "$@" \
            -emit-module -emit-module-path "$out/$m.swiftmodule" -o "$lib" "Sources/$m"/*.swift
    fi
}

for t in "${targets[@]}"; do
    src="Fuzz/Targets/$t.swift"
    [ -f "$src" ] || { echo "fuzz.sh: no target $src" >&2; exit 2; }
    extra=$(sed -n 's|^// fuzz-sources: *||p' "$src")
    read -r -a extraflags <<<"$(sed -n 's|^// fuzz-flags: *||p' "$src")"
    read -r -a linkflags <<<"$(sed -n 's|^// fuzz-link: *||p' "$src")"
    libs=()
    for m in $(sed -n 's|^// fuzz-modules: *||p' "$src"); do
        build_module "$m" "${extraflags[@]}"
        libs+=("$out/lib$m.a")
    done
    bin="$out/$t"
    # shellcheck disable=SC2086
    if [ ! -x "$bin" ] || [ -n "$(find "$src" $extra "$core" "${libs[@]}" -newer "$bin" | head -1)" ]; then
        echo "fuzz.sh: building $t" >&2
        # shellcheck disable=SC2086
        quiet swiftc "${flags[@]}" -module-name "Fuzz$t" -I "$out" "${extraflags[@]}" "$src" $extra "${libs[@]}" "$core" \
            "${linkflags[@]}" -o "$bin"
    fi
done
[ "$build_only" = 1 ] && exit 0

failed=()
for t in "${targets[@]}"; do
    corpus="Fuzz/Corpus/$t"
    work="$out/work/$t"
    mkdir -p "$corpus" "$work"
    dict=()
    [ -f "Fuzz/Dictionaries/$t.dict" ] && dict=(-dict="Fuzz/Dictionaries/$t.dict")
    echo "fuzz.sh: $t for ${seconds}s on $(find "$corpus" -type f | wc -l) stored inputs" >&2
    # New inputs go to the work directory; the stored corpus is only read.
    if ! "$out/$t" "$work" "$corpus" "${dict[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
            -max_len=16384 -print_final_stats=1 -artifact_prefix="$out/crashes/$t-" \
            >"$out/$t.log" 2>&1; then
        failed+=("$t")
        tail -60 "$out/$t.log" >&2
    else
        { grep -E '^#[0-9]+' "$out/$t.log" | tail -1; grep -E 'stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$out/$t.log"; } | sed "s/^/  $t: /" >&2 || true
    fi
    if [ "$merge" = 1 ]; then
        "$out/$t" -set_cover_merge=1 "$corpus" "$work" "${dict[@]}" -max_len=16384 -rss_limit_mb=2048 -timeout=10 \
            >"$out/$t.merge.log" 2>&1 || failed+=("$t(merge)")
        rm -rf "$work"
    fi
done

if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz.sh: FAILED: ${failed[*]} (inputs in $out/crashes/)" >&2
    exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets ran ${seconds}s each without a crash" >&2
