#!/usr/bin/env bash
# Builds dist/kafka-inbox_<version>_<arch>.deb with dpkg-deb (no network): the self-contained
# binary, its man page, bash/zsh/fish completions, the licence and the changelog. Depends: is
# read off the binary (ldd → the Debian package of each library it links).
set -euo pipefail
umask 022
cd "$(dirname "$0")/.."
version=$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' Sources/InboxService/ProductInfo.swift)
arch=$(dpkg --print-architecture)
bin=$(scripts/build-release.sh)
stage=$(mktemp -d)
chmod 755 "$stage"
trap 'rm -rf "$stage"' EXIT
scripts/install-files.sh "$bin" "$stage/usr" "$stage/usr/share/zsh/vendor-completions"
install -Dm644 LICENSE "$stage/usr/share/doc/kafka-inbox/copyright"
gzip -9nc CHANGELOG.md >"$stage/usr/share/doc/kafka-inbox/changelog.gz"

strip "$stage/usr/bin/kafka-inbox"
# Depends: the package of every library the binary itself needs (its NEEDED entries, found
# where ldd finds them), at least the installed version.
needed=$(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
depends=$(for name in $needed; do ldd "$bin" | awk -v n="$name" '$1 == n && $3 ~ /^\// {print $3}'; done | while read -r lib; do
  real=$(readlink -f "$lib")
  pkg=$( (dpkg -S "$lib" 2>/dev/null || dpkg -S "$real" 2>/dev/null || true) | head -1 | cut -d: -f1)
  if [ -z "$pkg" ]; then echo "package.sh: no Debian package owns $lib, which the binary needs" >&2; exit 1; fi
  echo "$pkg (>= $(dpkg-query -W -f='${Version}' "$pkg" | sed 's/-[^-]*$//'))"
done | sort -u | paste -sd, - | sed 's/,/, /g')
[ -n "$depends" ] || { echo "package.sh: could not work out Depends:" >&2; exit 1; }
if ldd "$bin" | grep -i swift >/dev/null; then echo "package.sh: the binary still links the Swift toolchain:" >&2; ldd "$bin" >&2; exit 1; fi
size=$(du -sk "$stage/usr" | cut -f1)
mkdir -p "$stage/DEBIAN"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: kafka-inbox
Version: $version
Architecture: $arch
Maintainer: kafka-inbox maintainers <maintainers@users.noreply.example>
Installed-Size: $size
Depends: $depends
Section: net
Priority: optional
Homepage: https://github.com/kafka-inbox/kafka-inbox
Description: terminal notification inbox for Apache Kafka
 kafka-inbox reads a user's notifications from Kafka with one consumer, keeps the
 unread list, and lets the user read, mark and acknowledge them from the keyboard;
 every action goes back to Kafka as a read receipt. Watch mode tails notifications,
 one-shot commands serve scripts, and an embedded development broker is included.
CONTROL
mkdir -p dist
out="dist/kafka-inbox_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$out" >&2
echo "$out"
