#!/usr/bin/env bash
# Builds the self-contained release binary: the Swift runtime and Foundation linked in
# (--static-swift-stdlib), so it needs only libc, librdkafka, ncurses and libjq from the
# distribution; the git commit it is built from goes into `kafka-inbox --version`.
# Prints the binary's path.
set -euo pipefail
cd "$(dirname "$0")/.."
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit+changes"; fi
header=Sources/CBuildInfo/generated_commit.h
printf '#define KAFKA_INBOX_COMMIT "%s"\n' "$commit" >"$header"
# Touched so that the C file is compiled again with (and, afterwards, without) the header.
touch Sources/CBuildInfo/build_info.c
trap 'rm -f "$header"; touch Sources/CBuildInfo/build_info.c' EXIT
swift build -c release --product kafka-inbox --static-swift-stdlib >&2
echo "$(swift build -c release --show-bin-path)/kafka-inbox"
