# tests/fuzz/fuzz.mk: fuzzing the privacy guard, the report parser, the
# HTTP request layer, the plan importer (text, CSV, Word, OpenDocument),
# and the pages' router and signed-link parser.
# Included from the top-level Makefile.
#
#   make fuzz          build each harness with libFuzzer + ASan + UBSan into
#                      build-fuzz/ and run it FUZZ_TIME seconds (default 20)
#                      from the seed corpus in tests/fuzz/corpus/<name>/;
#                      new inputs go to build-fuzz/corpus/<name>/, crashes
#                      to build-fuzz/<name>-crash-*
#   make fuzz-corpus   replay every saved input with the normal compiler
#                      (no libFuzzer needed); prints
#                      `fuzz-corpus: N passed, N failed`
#
# libFuzzer comes with clang; on Debian 12 the runtime is in
# libclang-rt-14-dev.

FUZZ_BUILD	?= build-fuzz
FUZZ_CC		?= clang
FUZZ_TIME	?= 20
FUZZ_SANITIZE	= -fsanitize=fuzzer,address,undefined \
		  -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_TARGETS	= fuzz_pii fuzz_report fuzz_http fuzz_import fuzz_web
FUZZ_BINS	= $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
FUZZ_CFLAGS	= $(WARN) -D_GNU_SOURCE $(DAEMON_INC) -g -O1 \
		  $(shell pkg-config --cflags jansson libuv libconfig \
		  libxml-2.0 2>/dev/null)
FUZZ_LIBS	= $(shell pkg-config --libs jansson openssl libutf8proc 2>/dev/null)

# The sources each harness needs, beyond its own file.
FUZZ_SRCS_fuzz_pii	= daemon/core/pii.c daemon/core/fold.c
FUZZ_SRCS_fuzz_report	= daemon/core/concern.c daemon/core/pii.c daemon/core/fold.c \
			  daemon/core/calendar.c daemon/core/util.c daemon/core/sha256.c daemon/store/log.c
# The HTTP request layer is the core's alone: no libuv, no libconfig.
FUZZ_SRCS_fuzz_http	= daemon/core/http_request.c daemon/core/http_config.c \
			  daemon/core/http_page.c daemon/core/util.c daemon/core/sha256.c \
			  daemon/core/fold.c
FUZZ_SRCS_fuzz_import	= daemon/core/import.c daemon/core/import_csv.c \
			  daemon/core/import_json.c daemon/core/import_meta.c \
			  daemon/core/import_table.c daemon/core/import_text.c \
			  daemon/core/import_revise.c daemon/core/office.c daemon/core/plan.c \
			  daemon/core/calendar.c daemon/core/cfg.c daemon/core/source.c daemon/core/util.c daemon/core/sha256.c \
			  daemon/core/fold.c daemon/store/log.c
FUZZ_SRCS_fuzz_web	= daemon/core/web.c daemon/core/link.c daemon/core/template.c \
			  daemon/core/cfg.c daemon/core/source.c daemon/core/util.c daemon/core/sha256.c daemon/core/fold.c daemon/store/log.c
# Libraries a harness needs beyond FUZZ_LIBS.
FUZZ_LIBS_fuzz_http	= -lhttp_parser
FUZZ_LIBS_fuzz_import	= $(shell pkg-config --libs libconfig libzip \
			  libxml-2.0 2>/dev/null)
FUZZ_LIBS_fuzz_web	= $(shell pkg-config --libs libconfig 2>/dev/null)

.PHONY: fuzz fuzz-corpus

$(FUZZ_BUILD):
	mkdir -p $@

$(FUZZ_BINS): $(FUZZ_BUILD)/%: tests/fuzz/%.c daemon/core/pii.c daemon/core/fold.c \
    daemon/core/concern.c daemon/core/calendar.c daemon/core/util.c daemon/core/sha256.c daemon/store/log.c \
    daemon/core/http_request.c daemon/core/http_config.c daemon/core/http_page.c \
    daemon/core/cfg.c daemon/core/source.c daemon/core/import.c daemon/core/import_meta.c \
    daemon/core/import_csv.c daemon/core/import_json.c daemon/core/import_table.c \
    daemon/core/import_text.c \
    daemon/core/import_revise.c daemon/core/office.c daemon/core/plan.c daemon/core/web.c \
    daemon/core/link.c daemon/core/template.c daemon/*/*.h | $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_SANITIZE) -o $@ $< \
	    $(FUZZ_SRCS_$*) $(FUZZ_LIBS) $(FUZZ_LIBS_$*)

fuzz: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	    dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	    echo "fuzz: $$t for $(FUZZ_TIME) s (log in $(FUZZ_BUILD)/$$t.log)"; \
	    if ! $(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_TIME) \
	        -max_len=4096 -timeout=10 $$dict \
	        -artifact_prefix=$(FUZZ_BUILD)/$$t- \
	        $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t \
	        > $(FUZZ_BUILD)/$$t.log 2>&1; then \
	        tail -n 40 $(FUZZ_BUILD)/$$t.log; \
	        echo "fuzz: $$t FAILED; the input is in $(FUZZ_BUILD)/$$t-*"; \
	        exit 1; \
	    fi; \
	    grep -E '^(#[0-9]+.*DONE|Done)' $(FUZZ_BUILD)/$$t.log | tail -n 2; \
	done

fuzz-corpus:
	CC="$(CC)" CFLAGS="$(CFLAGS)" LDFLAGS="$(LDFLAGS)" BUILD="$(BUILD)" \
	    sh tests/fuzz/run-corpus.sh
