# planwatch — build, test and install.
#
#   make            build/planwatchd and build/planwatchctl
#   make run        the daemon in the foreground on the embedded defaults
#   make rehearse   the same on a test clock, with state in var/rehearsal
#   make mail       the messages in var/mail (MAILDIR=...), decoded
#   make check      every test (installs missing Debian packages first)
#   make check-later  every test with the system clock 400 days ahead
#   make sanitize   the same tests built with ASan + UBSan in build-sanitize/
#   make bench      benchmarks; figures go to the terminal
#   make fuzz       libFuzzer on the privacy guard and the report parser
#   make install    PREFIX, SYSCONFDIR, LOCALSTATEDIR, DESTDIR as usual

VERSION		= 0.1.0

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
SYSCONFDIR	?= /etc
LOCALSTATEDIR	?= /var
UNITDIR		?= /lib/systemd/system
DESTDIR		?=

BUILD		?= build
CC		?= cc
CFLAGS		?= -O2 -g
WARN		= -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes \
		  -Wmissing-prototypes -Wno-unused-parameter
PKGS		= libuv sqlite3 libconfig libesmtp-1.0 jansson libical openssl \
		  libutf8proc libzip libxml-2.0

# The Debian 12 packages the project needs, listed once: `make deps`
# installs whichever are missing.
DEB_BUILD	= build-essential pkg-config libuv1-dev libsqlite3-dev \
		  libconfig-dev libesmtp-dev libjansson-dev libhttp-parser-dev \
		  libical-dev libssl-dev libutf8proc-dev libzip-dev libxml2-dev
DEB_TEST	= sqlite3 curl python3 python3-aiosmtpd postfix openssl \
		  valgrind strace systemd man-db faketime nginx-light \
		  chromium chromium-driver python3-selenium python3-icalendar
DEB_PACKAGES	= $(DEB_BUILD) $(DEB_TEST)
# Only `make fuzz` needs these (libFuzzer comes with clang).
DEB_FUZZ	= clang libclang-rt-14-dev
# Test tooling Debian lacks, from the npm registry at the versions
# tests/package-lock.json pins (axe-core, for the pages' accessibility);
# npm itself from Debian when the machine has none.
DEB_NPM		= nodejs npm
NPM_LOCK	= tests/package-lock.json
NPM_STAMP	= tests/node_modules/.package-lock.json

# Read when make parses this file.  `run`, `check`, `sanitize` and `bench`
# install the packages first and then build in a make of their own, which
# parses this file again and so finds the flags of what was just installed.
PKG_CFLAGS	:= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhttp_parser -lm
PKG_MISSING	:= $(shell pkg-config --exists $(PKGS) 2>/dev/null || echo yes)

ALL_CFLAGS	= $(WARN) -D_GNU_SOURCE -DPLANWATCH_VERSION='"$(VERSION)"' \
		  -DSYSCONFDIR='"$(SYSCONFDIR)"' \
		  -DLOCALSTATEDIR='"$(LOCALSTATEDIR)"' \
		  -iquote daemon $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS	= $(LDFLAGS) $(PKG_LIBS)

PROGS		= main.c ctl.c
LIB_SRCS	:= $(filter-out $(addprefix daemon/,$(PROGS)),$(wildcard daemon/*.c))
LIB_OBJS	:= $(patsubst daemon/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
TEST_SRCS	:= $(wildcard tests/test_*.c)
TEST_BINS	:= $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
LIB		= $(BUILD)/libplanwatch.a

.PHONY: all pkgs deps npm-deps run run-built rehearse rehearse-built mail check \
	check-built check-later sanitize bench bench-built install uninstall \
	clean fuzz fuzz-deps

all: $(BUILD)/planwatchd $(BUILD)/planwatchctl

$(BUILD)/obj/%.o: daemon/%.c daemon/*.h | $(BUILD)/obj pkgs
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# A plain `make` on a machine without the libraries says what to do
# instead of failing with hundreds of undefined references.
pkgs:
	@if [ -n "$(PKG_MISSING)" ]; then \
	    echo "make: the libraries' pkg-config files are missing" \
	        "($(PKGS)); run 'make deps' (or 'make check', which does)"; \
	    exit 1; fi

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

$(BUILD)/planwatchd: $(BUILD)/obj/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS)

$(BUILD)/planwatchctl: $(BUILD)/obj/ctl.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS)

$(BUILD)/tests/%: tests/%.c tests/*.h $(LIB) | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS)

deps:
	@missing=$$(for p in $(DEB_PACKAGES); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	    echo "missing Debian packages; run:"; \
	    echo "  sudo apt-get install -y" $$missing; exit 1; fi; \
	echo "installing:" $$missing; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing || \
	{ apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; }
	@$(MAKE) --no-print-directory npm-deps

# npm ci installs exactly what the lock file says, into tests/node_modules;
# again only when the lock file changed.
npm-deps: $(NPM_STAMP)

$(NPM_STAMP): $(NPM_LOCK) tests/package.json
	@if ! command -v npm >/dev/null; then \
	    if [ "$$(id -u)" != 0 ]; then \
	        echo "npm is missing; run: sudo apt-get install -y $(DEB_NPM)"; \
	        exit 1; fi; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(DEB_NPM) || \
	    { apt-get update -q && \
	      DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(DEB_NPM); }; \
	fi
	cd tests && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	@touch $@

run: deps
	@$(MAKE) --no-print-directory run-built

run-built: all
	mkdir -p var
	@echo "planwatchd: starting in the foreground on conf/planwatch.conf;" \
	    "in a second terminal: build/planwatchctl -f conf/planwatch.conf status"
	$(BUILD)/planwatchd -d -f conf/planwatch.conf

# A rehearsal: the daemon on a test clock, with state of its own under
# var/rehearsal (emptied at every start), so nothing it generates reaches
# the state of `make run`.  Move its clock with
#   build/planwatchctl -f var/rehearsal/planwatch.conf debug time advance 2d
REHEARSAL	= var/rehearsal
REHEARSAL_CLOCK	?= 2020-04-15T07:00

rehearse: deps
	@$(MAKE) --no-print-directory rehearse-built

rehearse-built: all
	rm -rf $(REHEARSAL) && mkdir -p $(REHEARSAL)
	sed -e 's|^state_dir = .*|state_dir = "$(CURDIR)/$(REHEARSAL)";|' \
	    -e 's|^control_socket = .*|control_socket = "$(CURDIR)/$(REHEARSAL)/control.sock";|' \
	    -e 's#^\(organization\|calendar\|plans\|rules\) = "\([^/][^"]*\)";#\1 = "$(CURDIR)/conf/\2";#' \
	    -e 's|path = "../var/mail"|path = "$(CURDIR)/$(REHEARSAL)/mail"|' \
	    -e 's|"127.0.0.1:8025"|"127.0.0.1:8026"|' \
	    -e 's|"http://127.0.0.1:8025"|"http://127.0.0.1:8026"|' \
	    conf/planwatch.conf > $(REHEARSAL)/planwatch.conf
	@echo "planwatchd: a rehearsal on a test clock from $(REHEARSAL_CLOCK);" \
	    "in a second terminal: build/planwatchctl -f $(REHEARSAL)/planwatch.conf" \
	    "debug time advance 2d"
	$(BUILD)/planwatchd -d -f $(REHEARSAL)/planwatch.conf \
	    --test-clock=$(REHEARSAL_CLOCK)

# The messages in a Maildir, decoded as a mail client shows them.
MAILDIR		?= var/mail

mail:
	@found=; for f in $$(ls -tr $(MAILDIR)/new/* $(MAILDIR)/cur/* 2>/dev/null); do \
	    found=1; echo "==== $$f"; /usr/bin/python3 tests/mailparse.py "$$f"; \
	    echo; done; \
	[ -n "$$found" ] || echo "mail: no messages in $(MAILDIR)"

check: deps
	@$(MAKE) --no-print-directory check-built

check-built: all $(TEST_BINS)
	BUILD=$(BUILD) bash tests/run-tests.sh

# The whole suite with the system clock moved ahead (libfaketime), to show
# that no test depends on today's date.  The monotonic clock stays real
# so timeouts keep their length; man-db's seccomp sandbox does not allow
# libfaketime's preload.
LATER		?= +400d

check-later: deps
	FAKETIME_DONT_FAKE_MONOTONIC=1 MAN_DISABLE_SECCOMP=1 \
	    faketime -f $(LATER) $(MAKE) --no-print-directory check-built

sanitize:
	$(MAKE) BUILD=build-sanitize \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" check

bench: deps
	@$(MAKE) --no-print-directory bench-built

# Benchmark programs that link the daemon's code, built with its flags.
BENCH_BINS	= $(BUILD)/bench/bench_sched $(BUILD)/bench/bench_pii

$(BUILD)/bench:
	mkdir -p $@

$(BUILD)/bench/%: tests/bench/%.c $(LIB) | $(BUILD)/bench
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) $(ALL_LDFLAGS)

bench-built: all $(BENCH_BINS)
	BUILD=$(BUILD) bash tests/bench/run.sh

# The configuration as installed: the shipped files with the installed
# paths.  It goes to the examples directory every time, and into
# $(SYSCONFDIR)/planwatch only where a file is absent: an admin's
# configuration is never overwritten (as Debian treats conffiles).
EXAMPLEDIR	= $(PREFIX)/share/doc/planwatch/examples
EX		= $(DESTDIR)$(EXAMPLEDIR)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(PREFIX)/lib/sysusers.d \
	    $(DESTDIR)$(EXAMPLEDIR)
	install -m 755 $(BUILD)/planwatchd $(DESTDIR)$(SBINDIR)/planwatchd
	install -m 755 $(BUILD)/planwatchctl $(DESTDIR)$(BINDIR)/planwatchctl
	install -m 644 docs/planwatchd.8 docs/planwatchctl.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 docs/*.5 $(DESTDIR)$(MANDIR)/man5/
	rm -rf $(EX) && mkdir -p $(EX)/plans $(EX)/rules
	sed -e 's|^state_dir = .*|state_dir = "$(LOCALSTATEDIR)/lib/planwatch";|' \
	    -e 's|^control_socket = .*|control_socket = "/run/planwatch/control.sock";|' \
	    -e 's|^# admin_group = .*|admin_group = "planwatch-admin";|' \
	    -e 's|^rules = .*|rules = "rules";|' \
	    -e 's|path = "../var/mail"|path = "$(LOCALSTATEDIR)/lib/planwatch/mail"|' \
	    conf/planwatch.conf > $(EX)/planwatch.conf
	for f in conf/*.conf; do [ $$f = conf/planwatch.conf ] || \
	    cp $$f $(EX)/; done
	cp conf/plans/*.conf $(EX)/plans/ 2>/dev/null; \
	cp -R rules/. $(EX)/rules/
	(cd $(EX) && find . -type f | sort) | while read -r f; do \
	    f=$${f#./}; t="$(DESTDIR)$(SYSCONFDIR)/planwatch/$$f"; \
	    if [ -e "$$t" ]; then \
	        cmp -s "$(EX)/$$f" "$$t" || echo "install: kept $(SYSCONFDIR)/planwatch/$$f;" \
	            "the shipped one is $(EXAMPLEDIR)/$$f"; \
	    else install -D -m 644 "$(EX)/$$f" "$$t"; fi; done
	sed -e 's|/usr/sbin/planwatchd|$(SBINDIR)/planwatchd|' \
	    systemd/planwatchd.service > $(DESTDIR)$(UNITDIR)/planwatchd.service
	install -m 644 systemd/planwatch.sysusers \
	    $(DESTDIR)$(PREFIX)/lib/sysusers.d/planwatch.conf

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/planwatchd $(DESTDIR)$(BINDIR)/planwatchctl
	rm -f $(DESTDIR)$(MANDIR)/man8/planwatchd.8 $(DESTDIR)$(MANDIR)/man8/planwatchctl.8
	rm -f $(DESTDIR)$(MANDIR)/man5/planwatch.conf.5 $(DESTDIR)$(MANDIR)/man5/planwatch-rules.5
	rm -f $(DESTDIR)$(UNITDIR)/planwatchd.service
	rm -f $(DESTDIR)$(PREFIX)/lib/sysusers.d/planwatch.conf
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/planwatch
	@echo "configuration in $(DESTDIR)$(SYSCONFDIR)/planwatch and state in" \
	    "$(DESTDIR)$(LOCALSTATEDIR)/lib/planwatch are left in place"

fuzz: fuzz-deps
fuzz-deps:
	@$(MAKE) -s deps DEB_PACKAGES="$(DEB_FUZZ)"

include tests/fuzz/fuzz.mk

clean:
	rm -rf build build-sanitize build-fuzz
