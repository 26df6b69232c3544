# Hana Desk — build, run and test the whole suite.
#   make run     install what is missing, build, start every service
#   make test    install what is missing, build with ASan+UBSan, run all tests
#   make test-unit [T=name]  the cmocka tests (or only test_<name>), ASan
#   make test-integration [T=filter]  integration tests matching the filter
#   make test-browser [T=area]  the browser tests (test_browser_<area>)
#   make lint    formatting and banned functions
# Outputs go to build/ (never committed).

MODE ?= release
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 2)
BUILD := build/$(MODE)
GEN := build/gen
CC ?= cc

PKGS := libprotobuf-c lmdb libmicrohttpd jansson libsodium libutf8proc gmime-3.0 libcurl
# Debian's libnng-dev ships no pkg-config file (only CMake config): ask
# pkg-config first and fall back to the linker's default search path.
NNG_CFLAGS := $(shell pkg-config --cflags nng 2>/dev/null)
NNG_LIBS := $(shell pkg-config --libs nng 2>/dev/null || echo -lnng)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-unused-parameter
ifeq ($(MODE),asan)
  OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else ifeq ($(MODE),fuzz)
  # make fuzz: clang's libFuzzer; every object instrumented for coverage.
  CC := clang
  OPT := -O1 -g -fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
  OPT := -O2 -g
endif
ifdef CI
  WARN += -Werror
endif
CFLAGS_ALL = -std=c17 -D_GNU_SOURCE $(OPT) $(WARN) -Icommon/include -I$(GEN) $(NNG_CFLAGS) $(PKG_CFLAGS) -MMD -MP
LDLIBS_ALL = $(NNG_LIBS) $(PKG_LIBS) -lpthread -lm
LDFLAGS_ALL = $(OPT)

PROTOS := $(wildcard proto/*.proto)
PB_C := $(patsubst proto/%.proto,$(GEN)/%.pb-c.c,$(PROTOS))
PB_H := $(PB_C:.c=.h)

COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(COMMON_SRC)) \
              $(patsubst $(GEN)/%.c,$(BUILD)/obj/gen/%.o,$(PB_C))
LIBCOMMON := $(BUILD)/libhdcommon.a

SERVICES := gateway intake routing knowledge notifications metrics

# A service's sources: its folder and one level of subfolders (the gateway
# groups its files by resource family: core/, tickets/, people/, …; see
# docs/architecture.md). The gateway's headers stay in services/gateway/,
# so its objects see that folder on the include path.
svc_src = $(wildcard services/$(1)/*.c services/$(1)/*/*.c)
$(BUILD)/obj/services/gateway/%.o: CFLAGS_ALL += -Iservices/gateway

# The workspace (services/workspace, but its tests/) is embedded into
# hd-gateway: a generated C file with each file's bytes, gzip copy, type
# and content hash. Folders are dependencies too, so a removed file counts.
WS_DIR := services/workspace
WS_DEPS := $(shell find $(WS_DIR) -path $(WS_DIR)/tests -prune -o -print 2>/dev/null)
WS_C := $(GEN)/workspace_assets.c
WS_OBJ := $(BUILD)/obj/gen/workspace_assets.o
# The customers' pages' stylesheets (services/helpcenter), the same way.
HC_DIR := services/helpcenter
HC_DEPS := $(shell find $(HC_DIR) -print 2>/dev/null)
HC_C := $(GEN)/helpcenter_assets.c
HC_OBJ := $(BUILD)/obj/gen/helpcenter_assets.o
# Trigger and automation evaluation (services/rules): linked into intake,
# which runs triggers inside its ticket write, and routing (automations,
# the trigger preview).
RULES_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard services/rules/*.c))
svc_extra = $(if $(filter gateway,$(1)),$(WS_OBJ) $(HC_OBJ)) \
	    $(if $(filter intake routing,$(1)),$(RULES_OBJ))
BINS := $(patsubst %,$(BUILD)/bin/hd-%,$(SERVICES))

TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BINS := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(TOOL_SRC)) \
             $(BUILD)/tools/hd-bench-floor

# Fuzz targets tests/fuzz/fuzz_<area>_<what>.c link <area>'s library
# (lib<area>.a: all but main.o; "common" links only libhdcommon). Every
# build makes replay binaries (replay.c's main runs the corpora in `make
# test`); MODE=fuzz makes libFuzzer binaries for `make fuzz`.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(FUZZ_SRC))
FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/%,$(FUZZ_NAMES))
ifeq ($(MODE),fuzz)
  FUZZ_MAIN :=
  FUZZ_LINK := -fsanitize=fuzzer
else
  FUZZ_MAIN := $(BUILD)/obj/tests/fuzz/replay.o
  FUZZ_LINK :=
endif
fuzz_area = $(word 2,$(subst _, ,$(1)))
fuzz_objs = $(if $(filter common,$(call fuzz_area,$(1))),,$(BUILD)/lib$(call fuzz_area,$(1)).a)

# Every service's objects but main.o as build/<mode>/lib<svc>.a: the unit
# tests of its handlers and stores link it (no service .c is #included).
svc_objs = $(filter-out $(BUILD)/obj/services/$(1)/main.o,$(patsubst %.c,$(BUILD)/obj/%.o,$(call svc_src,$(1)))) $(call svc_extra,$(1))
SVC_LIBS := $(patsubst %,$(BUILD)/lib%.a,$(SERVICES))

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_NAMES := $(patsubst tests/unit/%.c,%,$(UNIT_SRC))
UNIT_BINS := $(patsubst %,$(BUILD)/tests/%,$(UNIT_NAMES))
# Which service a unit test links: test_<svc>_*.c, or a row here (one line
# per service; tests of common/ link no service).
UNIT_gateway := test_auth_cache test_login_limit test_portal_multipart test_ratelimit test_scopes
UNIT_intake := test_link_token test_mail_text test_users_store test_search_bits test_search_sets test_groups_snapshot
UNIT_routing := test_bh_ics test_rt_cond test_rt_defs test_views_match
UNIT_knowledge := test_kbsearch test_kb_members
UNIT_notifications := test_notify_deliver
UNIT_metrics := test_mr_rollup
unit_svc = $(firstword $(foreach s,$(SERVICES),$(if $(or $(filter test_$(s)_%,$(1)),$(filter $(1),$(UNIT_$(s)))),$(s))))
# A test may link more services (UNIT_ALSO_<test>) and add link flags
# (UNIT_LINK_<test>). The allocation-failure sweep (test_alloc_sweep.c)
# drives five services' handlers with every allocation behind a wrapper
# that fails the N-th: protobuf-c, LMDB and jansson are linked statically so
# their allocations go through it too.
static_lib = $(shell $(CC) -print-file-name=lib$(1).a)
UNIT_ALSO_test_alloc_sweep := intake routing knowledge metrics notifications
UNIT_ALSO_test_gateway_handlers := intake
UNIT_LINK_test_alloc_sweep = $(foreach f,malloc calloc realloc strdup strndup,-Wl,--wrap=$(f)) \
	$(call static_lib,protobuf-c) $(call static_lib,lmdb) $(call static_lib,jansson)
UNIT_LINK_test_store_iter = $(foreach f,malloc calloc realloc strdup strndup,-Wl,--wrap=$(f)) \
	$(call static_lib,protobuf-c) $(call static_lib,lmdb)

.PHONY: all build deps run test test-unit test-integration test-browser bench chaos fuzz fuzz-bins lint format clean proto help
.SECONDARY:

all: build

help:
	@echo "make run | make test | make test-unit [T=name] | make test-integration [T=filter] | make test-browser [T=area] | make bench | make chaos | make fuzz | make lint | make format | make clean"

deps:
	@scripts/deps.sh

build: $(BINS) $(SVC_LIBS) $(UNIT_BINS) $(TOOL_BINS) $(FUZZ_BINS)

fuzz-bins: $(FUZZ_BINS)

proto: $(PB_C)

$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: proto/%.proto
	@mkdir -p $(GEN)
	protoc-c --c_out=$(GEN) -Iproto $<

$(WS_C): scripts/gen_workspace_assets.py $(WS_DEPS)
	@mkdir -p $(GEN)
	python3 scripts/gen_workspace_assets.py $(WS_DIR) $@

$(HC_C): scripts/gen_workspace_assets.py $(HC_DEPS)
	@mkdir -p $(GEN)
	python3 scripts/gen_workspace_assets.py $(HC_DIR) $@ gw_hc_assets

$(BUILD)/obj/gen/%.o: $(GEN)/%.c | $(PB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-shadow -c $< -o $@

$(BUILD)/obj/%.o: %.c | $(PB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(LIBCOMMON): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# Every service: all .c files in its folder and subfolders, linked with common.
define service_rule
$(BUILD)/bin/hd-$(1): $(patsubst %.c,$(BUILD)/obj/%.o,$(call svc_src,$(1))) $(call svc_extra,$(1)) $(LIBCOMMON)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS_ALL) -o $$@ $$^ $$(LDLIBS_ALL)
endef
$(foreach s,$(SERVICES),$(eval $(call service_rule,$(s))))

define fuzz_rule
$(BUILD)/obj/tests/fuzz/$(1).o: tests/fuzz/$(1).c | $(PB_H)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_ALL) -Iservices/$(call fuzz_area,$(1)) -c $$< -o $$@
$(BUILD)/fuzz/$(1): $(BUILD)/obj/tests/fuzz/$(1).o $(call fuzz_objs,$(1)) $(FUZZ_MAIN) $(LIBCOMMON)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS_ALL) $(FUZZ_LINK) -o $$@ $$^ $$(LDLIBS_ALL)
endef
$(foreach f,$(FUZZ_NAMES),$(eval $(call fuzz_rule,$(f))))

define svclib_rule
$(BUILD)/lib$(1).a: $(call svc_objs,$(1))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach s,$(SERVICES),$(eval $(call svclib_rule,$(s))))

# A unit test sees its service's headers and links its library.
define unit_rule
$(BUILD)/obj/tests/unit/$(1).o: tests/unit/$(1).c | $(PB_H)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS_ALL) $(if $(2),-Iservices/$(2)) $(if $(filter intake routing,$(2)),-Iservices/rules) -c $$< -o $$@
$(BUILD)/tests/$(1): $(BUILD)/obj/tests/unit/$(1).o $(patsubst %,$(BUILD)/lib%.a,$(sort $(2) $(UNIT_ALSO_$(1)))) $(LIBCOMMON)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS_ALL) -o $$@ $$^ $$(UNIT_LINK_$(1)) $$(LDLIBS_ALL) -lcmocka
endef
$(foreach t,$(UNIT_NAMES),$(eval $(call unit_rule,$(t),$(call unit_svc,$(t)))))

$(BUILD)/tools/%: $(BUILD)/obj/tests/tools/%.o $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/tools/hd-bench-floor: $(BUILD)/obj/tests/bench/floor.o $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# Bench load tools (tests/bench/hd-bench-<name>.c) share an HTTP client and
# the synthetic ticket generator.
BENCH_TOOLS := $(BUILD)/tools/hd-bench-load $(BUILD)/tools/hd-bench-e2e
BENCH_HELPERS := $(BUILD)/obj/tests/bench/bench_http.o \
                 $(BUILD)/obj/tests/bench/bench_tickets.o
build: $(BENCH_TOOLS)
$(BENCH_TOOLS): $(BUILD)/tools/%: $(BUILD)/obj/tests/bench/%.o $(BENCH_HELPERS) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# hd-mail-ingest: an MTA hands one message to the inbound e-mail endpoint.
build: $(BUILD)/bin/hd-mail-ingest
$(BUILD)/bin/hd-mail-ingest: $(BUILD)/obj/tools/mail-ingest/main.o $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# ---- storeops: build identity, hd-backup / hd-restore ----
# --version and hd_build_info read build/<mode>/gen/hd_version_gen.h: the
# VERSION file (or `git describe`), the commit, the mode and the compiler.
# It is rewritten only when that text changes, so only version.o rebuilds.
# A build without .git (an image, a tarball) may pass HD_COMMIT=... itself.
HD_VERSION_STR ?= $(shell cat VERSION 2>/dev/null || git describe --tags --always 2>/dev/null || echo unknown)
HD_COMMIT ?= $(shell c=$$(git rev-parse --short=12 HEAD 2>/dev/null) && { git diff --quiet HEAD -- 2>/dev/null || c="$$c+dirty"; echo "$$c"; } || echo unknown)
HD_COMMIT_STR := $(HD_COMMIT)
HD_CC_STR := $(notdir $(lastword $(CC))) $(shell $(CC) -dumpfullversion -dumpversion 2>/dev/null | head -n1)
VERSION_H := $(BUILD)/gen/hd_version_gen.h
$(VERSION_H): FORCE
	@mkdir -p $(dir $@)
	@printf '#define HD_BUILD_VERSION "%s"\n#define HD_BUILD_COMMIT "%s"\n#define HD_BUILD_MODE "%s"\n#define HD_BUILD_CC "%s"\n#define HD_BUILD_DATE "%s"\n' \
	  '$(HD_VERSION_STR)' '$(HD_COMMIT_STR)' '$(MODE)' '$(HD_CC_STR)' "$$(date -u +%Y-%m-%d)" > $@.tmp
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
$(BUILD)/obj/common/version.o: $(VERSION_H)
$(BUILD)/obj/common/version.o: CFLAGS_ALL += -I$(BUILD)/gen
.PHONY: FORCE
FORCE:

# hd-mail-ingest's spool gauges for node_exporter (HD_MAIL_METRICS_FILE).
$(BUILD)/bin/hd-mail-ingest: $(BUILD)/obj/tools/mail-ingest/spool_metrics.o

# hd-backup / hd-restore (tools/backup): hot copies of the stores, and
# restores that give a store a new incarnation (docs/operations.md).
BACKUP_OBJ := $(BUILD)/obj/tools/backup/stores.o $(BUILD)/obj/tools/backup/args.o
build: $(BUILD)/bin/hd-backup $(BUILD)/bin/hd-restore
$(BUILD)/bin/hd-backup $(BUILD)/bin/hd-restore: $(BUILD)/bin/hd-%: $(BUILD)/obj/tools/backup/%_main.o $(BACKUP_OBJ) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# hd-import (tools/import): a Zendesk export into intake's import RPCs.
IMPORT_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tools/import/*.c))
build: $(BUILD)/bin/hd-import
$(BUILD)/bin/hd-import: $(IMPORT_OBJ) $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

run: deps
	@$(MAKE) --no-print-directory build MODE=release
	@scripts/run.sh build/release/bin

test: deps
	@$(MAKE) --no-print-directory build MODE=asan
	@tests/run.sh build/asan

# One-at-a-time runs on the sanitizer build, each ending with its
# "N passed, M failed" line. `make test-unit T=buf` runs test_buf only;
# `make test-integration T=test_tickets.test_auth` runs the integration
# tests whose "module.function" contains T (all of them without T).
test-unit:
	@$(MAKE) --no-print-directory build MODE=asan
	@tests/unit/run.sh build/asan '$(T)'

test-integration:
	@$(MAKE) --no-print-directory build MODE=asan
	@python3 tests/integration/run.py build/asan/bin build/asan/tools '$(T)'

# Every screen in Chromium (tests/integration/test_browser*.py), or those
# matching T (e.g. T=admin_sla).
test-browser:
	@$(MAKE) --no-print-directory build MODE=asan
	@python3 tests/integration/run.py build/asan/bin build/asan/tools 'test_browser$(if $(T),_$(T))'

bench: deps
	@$(MAKE) --no-print-directory build MODE=release
	@tests/bench/run.sh build/release/bin build/release/tools

# make chaos [CHAOS_SECONDS=300] [CHAOS_SEED=n]: the long chaos run, on the
# sanitizer build so a crash under chaos is also a sanitizer report.
CHAOS_SECONDS ?= 300
chaos: deps
	@$(MAKE) --no-print-directory build MODE=asan
	@python3 tests/chaos/chaos.py build/asan/bin --seconds $(CHAOS_SECONDS) $(if $(CHAOS_SEED),--seed $(CHAOS_SEED))

# make fuzz [FUZZ_SECONDS=60]: every target for that long, ASan+UBSan.
FUZZ_SECONDS ?= 60
fuzz: deps
	@$(MAKE) --no-print-directory fuzz-bins MODE=fuzz
	@tests/fuzz/run.sh build/fuzz/fuzz $(FUZZ_SECONDS)

lint:
	@scripts/lint.sh

format:
	@clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

# build/image holds a Debian root filesystem (tests/image/): its *.d folders are not dependency files.
-include $(shell find build -path build/image -prune -o -name '*.d' -type f -print 2>/dev/null)
