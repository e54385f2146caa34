#!/usr/bin/env bash
# Builds kafka-inbox and runs every test: unit, Kafka over TCP on the embedded broker,
# and end to end with the real binary (kcat, script, tmux).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build
swift test "$@"
