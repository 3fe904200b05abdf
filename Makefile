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
#   make mutate     the suite's strength: planted bugs caught (docs/testing.md)
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
		  $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS	= $(LDFLAGS) $(PKG_LIBS)

# The daemon's code is in one folder per layer, lowest first
# (docs/design.md, "Layers"): daemon/core (pure), daemon/store (the
# database and the log), daemon/services (the core over the store),
# daemon/shell (the event loop, I/O and planwatchd's main) and
# daemon/ctl (planwatchctl).  Each layer is a library of its own and
# sees only its own headers and those of the layers below it, so an
# include of a higher layer does not compile and the libraries link
# in one order, without a group.  tests/integration/layers.sh checks
# the arrows and what the core calls.
LAYERS		= core store services shell
DAEMON_INC	= $(foreach l,$(LAYERS) ctl,-iquote daemon/$(l))
INC_core	= -iquote daemon/core
INC_store	= $(INC_core) -iquote daemon/store
INC_services	= $(INC_store) -iquote daemon/services
INC_shell	= $(INC_services) -iquote daemon/shell
INC_ctl		= $(INC_shell) -iquote daemon/ctl

PROG_SRCS	= daemon/shell/main.c
LIB_SRCS	:= $(filter-out $(PROG_SRCS),$(wildcard $(LAYERS:%=daemon/%/*.c)))
LIB_OBJS	:= $(patsubst daemon/%.c,$(BUILD)/obj/%.o,$(LIB_SRCS))
CTL_OBJS	:= $(patsubst daemon/%.c,$(BUILD)/obj/%.o,$(wildcard daemon/ctl/*.c))
TEST_SRCS	:= $(wildcard tests/test_*.c)
TEST_BINS	:= $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
# Highest layer first, as the linker wants them.
LIBS		= $(foreach l,shell services store core,$(BUILD)/lib/lib$(l).a)
DEPFILES	:= $(LIB_OBJS:.o=.d) $(CTL_OBJS:.o=.d) $(BUILD)/obj/shell/main.d

.PHONY: all pkgs deps npm-deps run run-built rehearse rehearse-built mail check \
	check-built check-later sanitize bench bench-built install uninstall \
	clean fuzz fuzz-deps mutate

all: $(BUILD)/planwatchd $(BUILD)/planwatchctl

# The system headers a layer may not include: each is shadowed, in
# $(BUILD)/forbidden/LAYER, by a header that stops the compiler with a
# message, so `#include <uv.h>` in the core does not compile.
FORBID_core	= uv.h uv sqlite3.h sqlite3ext.h openssl libesmtp.h \
		  auth-client.h
FORBID_store	= uv.h uv openssl libesmtp.h auth-client.h
FORBID_services	= $(FORBID_core)

$(BUILD)/forbidden/%/.stamp: Makefile
	@rm -rf $(@D) && mkdir -p $(@D)
	@cd /usr/include && for h in $(FORBID_$*); do \
	    if [ -d "$$h" ]; then set -- $$(find "$$h" -name '*.h'); \
	    else set -- "$$h"; fi; \
	    for f in "$$@"; do mkdir -p "$(abspath $(@D))/$$(dirname $$f)"; \
	        printf '#error "<%s> may not be used in daemon/%s/ (docs/design.md, Layers)"\n' \
	            "$$f" "$*" >"$(abspath $(@D))/$$f"; done; \
	done
	@touch $@

# Each object depends on the headers it includes (-MMD), and sees the
# headers of its own layer and the layers below.
define layer_rules
$(BUILD)/obj/$(1)/%.o: daemon/$(1)/%.c | pkgs $(if $(FORBID_$(1)),$(BUILD)/forbidden/$(1)/.stamp)
	@mkdir -p $$(@D)
	$$(CC) $$(ALL_CFLAGS) $$(INC_$(1)) $(if $(FORBID_$(1)),-I $(BUILD)/forbidden/$(1)) \
	    -MMD -MP -c -o $$@ $$<

$(BUILD)/lib/lib$(1).a: $$(filter $(BUILD)/obj/$(1)/%,$$(LIB_OBJS))
	@mkdir -p $$(@D)
	rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach l,$(LAYERS) ctl,$(eval $(call layer_rules,$(l))))

$(BUILD)/tests:
	mkdir -p $@

# A plain `make` on a machine without the libraries says what to do
# instead of failing with hundreds of undefined references.
pkgs:
	@if [ -n "$(PKG_MISSING)" ]; then \
	    echo "make: the libraries' pkg-config files are missing" \
	        "($(PKGS)); run 'make deps' (or 'make check', which does)"; \
	    exit 1; fi

$(BUILD)/planwatchd: $(BUILD)/obj/shell/main.o $(LIBS)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(LIBS) $(ALL_LDFLAGS)

$(BUILD)/planwatchctl: $(CTL_OBJS) $(LIBS)
	$(CC) $(ALL_CFLAGS) -o $@ $(CTL_OBJS) $(LIBS) $(ALL_LDFLAGS)

$(BUILD)/tests/%: tests/%.c tests/*.h $(LIBS) | $(BUILD)/tests
	@mkdir -p $(BUILD)/obj/tests
	$(CC) $(ALL_CFLAGS) $(DAEMON_INC) -MMD -MP -MF $(BUILD)/obj/tests/$*.d \
	    -o $@ $< $(LIBS) $(ALL_LDFLAGS)

-include $(DEPFILES) $(TEST_BINS:$(BUILD)/tests/%=$(BUILD)/obj/tests/%.d)

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

# Mutation testing, before a release (slow; not part of check): each
# mutant in tests/mutants/ is planted in a copy of the tree and the tests
# named for it run.  MUTANTS=tests/mutants/FILE.mut picks files;
# MUTATE_CHECK=1 runs the whole suite on each survivor too.
MUTANTS		?=

mutate: deps
	/usr/bin/python3 tests/mutate.py $(if $(MUTATE_CHECK),--check) $(MUTANTS)

# Benchmark programs that link the daemon's code, built with its flags.
BENCH_BINS	= $(BUILD)/bench/bench_sched $(BUILD)/bench/bench_pii

$(BUILD)/bench:
	mkdir -p $@

$(BUILD)/bench/%: tests/bench/%.c $(LIBS) | $(BUILD)/bench
	$(CC) $(ALL_CFLAGS) $(DAEMON_INC) -o $@ $< $(LIBS) $(ALL_LDFLAGS)

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
