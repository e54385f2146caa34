#!/usr/bin/env bash
# Installs what kafka-inbox needs to build and test on Debian (bookworm or newer).
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends librdkafka-dev libncurses-dev libjq-dev kcat tmux bsdutils pkg-config >/dev/null
command -v swift >/dev/null || { [ -x /opt/swift/usr/bin/swift ] && echo "add /opt/swift/usr/bin to PATH"; }
