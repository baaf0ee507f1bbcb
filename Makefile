# Installs scalerd as a systemd service; docs/operations.md explains each step.
#
#   make install     build the release binary, then install it with the unit, the sysusers and
#                    tmpfiles entries and an example config (an existing config is never replaced)
#   make uninstall   remove what install put in place; the journal in /var/lib/scalerd, the
#                    scalerd user and a config you changed stay
#
# DESTDIR=DIR stages everything under DIR (and skips systemctl and friends); BINARY=PATH installs
# an already-built binary instead of building one.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
DOCDIR ?= $(PREFIX)/share/doc/scalerd
CONFDIR ?= /etc/scalerd
INSTALL ?= install

ifeq ($(origin BINARY), undefined)
BINARY := .build/release/scalerd
INSTALL_NEEDS := build
endif

.PHONY: all build install uninstall

all: build

build:
	swift build -c release --product scalerd

install: $(INSTALL_NEEDS)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(DOCDIR)
	$(INSTALL) -m 0755 $(BINARY) $(DESTDIR)$(BINDIR)/scalerd
	sed -e 's|/usr/local/bin/|$(BINDIR)/|g' -e 's|/etc/scalerd|$(CONFDIR)|g' systemd/scalerd.service > $(DESTDIR)$(UNITDIR)/scalerd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/scalerd.service
	$(INSTALL) -m 0644 systemd/scalerd.sysusers $(DESTDIR)$(SYSUSERSDIR)/scalerd.conf
	sed -e 's|/etc/scalerd|$(CONFDIR)|g' systemd/scalerd.tmpfiles > $(DESTDIR)$(TMPFILESDIR)/scalerd.conf
	chmod 0644 $(DESTDIR)$(TMPFILESDIR)/scalerd.conf
	$(INSTALL) -m 0644 README.md docs/*.md config/scalerd.example.yaml monitoring/scalerd-alerts.yml $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -d -m 0750 $(DESTDIR)$(CONFDIR)
	$(INSTALL) -d -m 0700 $(DESTDIR)$(CONFDIR)/credentials
	test -e $(DESTDIR)$(CONFDIR)/scalerd.yaml || $(INSTALL) -m 0640 config/scalerd.example.yaml $(DESTDIR)$(CONFDIR)/scalerd.yaml
	@if [ -z "$(DESTDIR)" ]; then \
		systemd-sysusers $(SYSUSERSDIR)/scalerd.conf && \
		systemd-tmpfiles --create $(TMPFILESDIR)/scalerd.conf && \
		systemctl daemon-reload; \
	fi
	@echo "installed; next: edit $(CONFDIR)/scalerd.yaml, put API keys in $(CONFDIR)/credentials/, then"
	@echo "  scalerd check --config $(CONFDIR)/scalerd.yaml && systemctl enable --now scalerd"

uninstall:
	@if [ -z "$(DESTDIR)" ]; then systemctl disable --now scalerd.service 2>/dev/null || true; fi
	rm -f $(DESTDIR)$(BINDIR)/scalerd $(DESTDIR)$(UNITDIR)/scalerd.service
	rm -f $(DESTDIR)$(SYSUSERSDIR)/scalerd.conf $(DESTDIR)$(TMPFILESDIR)/scalerd.conf
	rm -rf $(DESTDIR)$(DOCDIR)
	if cmp -s config/scalerd.example.yaml $(DESTDIR)$(CONFDIR)/scalerd.yaml; then rm -f $(DESTDIR)$(CONFDIR)/scalerd.yaml; fi
	-rmdir $(DESTDIR)$(CONFDIR)/credentials $(DESTDIR)$(CONFDIR) 2>/dev/null
	@if [ -z "$(DESTDIR)" ]; then systemctl daemon-reload; fi
	@echo "kept: the journal in /var/lib/scalerd, the scalerd user, and $(CONFDIR) if it holds your files"
