# planwatch — build, test and install.
#
#   make            build/planwatchd and build/planwatchctl
#   make run        the daemon in the foreground on the embedded defaults
#   make check      every test (installs missing Debian packages first)
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
PKGS		= libuv sqlite3 libconfig libesmtp-1.0 jansson libical openssl

# The Debian 12 packages the project needs, listed once: `make deps`
# installs whichever are missing.
DEB_BUILD	= build-essential pkg-config libuv1-dev libsqlite3-dev \
		  libconfig-dev libesmtp-dev libjansson-dev libhttp-parser-dev \
		  libical-dev libssl-dev
DEB_TEST	= sqlite3 curl python3 python3-aiosmtpd postfix openssl \
		  valgrind strace systemd man-db
DEB_PACKAGES	= $(DEB_BUILD) $(DEB_TEST)
# Only `make fuzz` needs these (libFuzzer comes with clang).
DEB_FUZZ	= clang libclang-rt-14-dev

PKG_CFLAGS	:= $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lhttp_parser -lm

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

.PHONY: all deps run check sanitize bench install uninstall clean fuzz \
	fuzz-deps

all: $(BUILD)/planwatchd $(BUILD)/planwatchctl

$(BUILD)/obj/%.o: daemon/%.c daemon/*.h | $(BUILD)/obj
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

$(LIB): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $(LIB_OBJS)

$(BUILD)/planwatchd: $(BUILD)/obj/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS)

$(BUILD)/planwatchctl: $(BUILD)/obj/ctl.o $(LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS)

$(BUILD)/tests/%: tests/%.c tests/test.h $(LIB) | $(BUILD)/tests
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

run: deps all
	mkdir -p var
	@echo "planwatchd: starting in the foreground on conf/planwatch.conf;" \
	    "in a second terminal: build/planwatchctl -f conf/planwatch.conf status"
	$(BUILD)/planwatchd -d -f conf/planwatch.conf

check: deps all $(TEST_BINS)
	BUILD=$(BUILD) sh tests/run-tests.sh

sanitize:
	$(MAKE) BUILD=build-sanitize \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    LDFLAGS="-fsanitize=address,undefined" check

bench: deps all
	BUILD=$(BUILD) bash tests/bench/run.sh

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(SYSCONFDIR)/planwatch/plans \
	    $(DESTDIR)$(SYSCONFDIR)/planwatch/rules/templates \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(PREFIX)/lib/sysusers.d
	install -m 755 $(BUILD)/planwatchd $(DESTDIR)$(SBINDIR)/planwatchd
	install -m 755 $(BUILD)/planwatchctl $(DESTDIR)$(BINDIR)/planwatchctl
	install -m 644 docs/planwatchd.8 docs/planwatchctl.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 docs/*.5 $(DESTDIR)$(MANDIR)/man5/
	sed -e 's|^state_dir = .*|state_dir = "$(LOCALSTATEDIR)/lib/planwatch";|' \
	    -e 's|^control_socket = .*|control_socket = "/run/planwatch/control.sock";|' \
	    -e 's|^rules = .*|rules = "rules";|' \
	    -e 's|path = "../var/mail"|path = "$(LOCALSTATEDIR)/lib/planwatch/mail"|' \
	    conf/planwatch.conf > $(DESTDIR)$(SYSCONFDIR)/planwatch/planwatch.conf
	for f in conf/*.conf; do [ $$f = conf/planwatch.conf ] || \
	    install -m 644 $$f $(DESTDIR)$(SYSCONFDIR)/planwatch/; done
	for f in conf/plans/*.conf; do [ -e "$$f" ] && \
	    install -m 644 $$f $(DESTDIR)$(SYSCONFDIR)/planwatch/plans/; done; true
	for f in rules/*.conf; do [ -e "$$f" ] && \
	    install -m 644 $$f $(DESTDIR)$(SYSCONFDIR)/planwatch/rules/; done; true
	for d in rules/templates/*/; do l=$$(basename $$d); \
	    install -d $(DESTDIR)$(SYSCONFDIR)/planwatch/rules/templates/$$l && \
	    install -m 644 $$d*.txt $(DESTDIR)$(SYSCONFDIR)/planwatch/rules/templates/$$l/; done
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
	@echo "configuration in $(DESTDIR)$(SYSCONFDIR)/planwatch and state in" \
	    "$(DESTDIR)$(LOCALSTATEDIR)/lib/planwatch are left in place"

fuzz: fuzz-deps
fuzz-deps:
	@$(MAKE) -s deps DEB_PACKAGES="$(DEB_FUZZ)"

include tests/fuzz/fuzz.mk

clean:
	rm -rf build build-sanitize build-fuzz
