# make                     the self-contained release binary (scripts/build-release.sh)
# make install             installs it, the man page and bash/zsh/fish completions under PREFIX
# make uninstall           removes what install put there
# make package             dist/kafka-inbox_<version>_<arch>.deb (scripts/package.sh)
# make test                both test tiers (scripts/test.sh); make test-fast: the fast tier
PREFIX ?= /usr/local
DESTDIR ?=

.PHONY: all install uninstall package test test-fast
all:
	scripts/build-release.sh

install:
	scripts/install-files.sh "$$(scripts/build-release.sh)" "$(DESTDIR)$(PREFIX)"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/kafka-inbox" "$(DESTDIR)$(PREFIX)/share/man/man1/kafka-inbox.1.gz" \
	  "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/kafka-inbox" "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_kafka-inbox" \
	  "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/kafka-inbox.fish"
	rm -rf "$(DESTDIR)$(PREFIX)/share/kafka-inbox" "$(DESTDIR)$(PREFIX)/share/doc/kafka-inbox"

package:
	scripts/package.sh

test:
	scripts/test.sh

test-fast:
	scripts/test.sh fast
