#!/usr/bin/env bash
# Builds kafka-inbox and runs its tests, in two tiers:
#   scripts/test.sh        both tiers (what CI runs)
#   scripts/test.sh fast   the fast tier: core, model, codecs, and in-process service tests
#                          against the embedded broker (seconds; run it after every edit)
#   scripts/test.sh e2e    the end-to-end tier: the built binary with kcat, script and tmux
set -euo pipefail
cd "$(dirname "$0")/.."
tier="${1:-all}"
swift build --build-tests
# The tests' state directories, configs and inputs go to a temporary directory of this run,
# removed at the end whatever the outcome (they used to pile up in /tmp, a hundred a run).
scratch="$(mktemp -d "${TMPDIR:-/tmp}/kafka-inbox-tests.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
export TMPDIR="$scratch"
case "$tier" in
  fast) swift test --skip-build --skip EndToEndTests ;;
  e2e) swift test --skip-build --filter EndToEndTests ;;
  all)
    swift test --skip-build --skip EndToEndTests
    swift test --skip-build --filter EndToEndTests ;;
  *) echo "usage: scripts/test.sh [fast|e2e]" >&2; exit 64 ;;
esac
