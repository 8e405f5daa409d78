# The symposium site.  `make run` serves it, `make test` checks it.
# See README.md.

CC      ?= cc
B       ?= build
BIN     ?= cgi-bin
SAN     ?=
OPT     ?= -O2
CSTD     = -std=c11 -D_POSIX_C_SOURCE=200809L
WARN     = -Wall -Wextra -Werror
PKG_CORE = libxml-2.0 sqlite3
CFLAGS  += $(CSTD) $(WARN) $(OPT) -g $(SAN) $(shell pkg-config --cflags $(PKG_CORE) 2>/dev/null)
LDFLAGS += $(SAN) -Wl,--as-needed
LIBS_CORE  = -lfcgi $(shell pkg-config --libs $(PKG_CORE) 2>/dev/null)
LIBS_ADMIN = $(LIBS_CORE) -lsodium -lcmark -lz $(shell pkg-config --libs vips libarchive 2>/dev/null)

# lib/ files that need libvips' (glib's) headers.
VIPS_SRC = lib/image.c

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:lib/%.c=$(B)/lib/%.o)
LIBSITE = $(B)/libsite.a

# The public programs: those with a page line in deploy/programs.tsv, the
# one list of programs and URLs (deploy/gen.sh reads it).
PUBLIC := $(shell sh deploy/gen.sh programs page)
PUBLIC_BIN = $(PUBLIC:%=$(BIN)/%)
ADMIN_SRC  = $(wildcard cgi-bin/admin*.c)
ADMIN_OBJ  = $(ADMIN_SRC:cgi-bin/%.c=$(B)/cgi-bin/%.o)
ADMIN_BIN  = $(if $(ADMIN_SRC),$(BIN)/admin)

UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

.PHONY: all deps run test unit e2e bench fuzz fuzz-replay asan clean
all: $(PUBLIC_BIN) $(ADMIN_BIN)

$(B)/lib/%.o: lib/%.c lib/*.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(if $(filter $<,$(VIPS_SRC)),$(shell pkg-config --cflags vips)) -c -o $@ $<

$(LIBSITE): $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/cgi-bin/%.o: cgi-bin/%.c lib/*.h $(wildcard cgi-bin/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -c -o $@ $<

# Public programs link only what they use: a static archive gives them the
# objects they reference and nothing of the admin's libsodium/libvips/cmark.
$(PUBLIC_BIN): $(BIN)/%: $(B)/cgi-bin/%.o $(LIBSITE)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBSITE) $(LIBS_CORE)

$(BIN)/admin: $(ADMIN_OBJ) $(LIBSITE)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(ADMIN_OBJ) $(LIBSITE) $(LIBS_ADMIN)

$(B)/tests/%: tests/unit/%.c $(LIBSITE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -DTEST_BIN_DIR='"$(BIN)"' -o $@ $< $(LIBSITE) $(LIBS_ADMIN) -lcmocka

# test_home runs the home program itself (as plain CGI).
$(B)/tests/test_home: $(BIN)/home

deps:
	@sh deploy/deps.sh

# deps first, then a new make: its flags come from pkg-config, which only
# answers once the -dev packages are there (a fresh machine).
run: deps
	@$(MAKE) --no-print-directory all
	@sh deploy/run.sh

unit: $(UNIT_BIN)
	@sh tests/unit/run.sh $(UNIT_BIN)

e2e: all
	@sh tests/e2e/run.sh

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory fuzz-replay
	@sh tests/e2e/run.sh

# The benchmark's own tools: the bare FastCGI responder, a start-up timer,
# the photo import.
BENCH_BIN = $(B)/bench/bare $(B)/bench/startup $(B)/bench/image_import
$(B)/bench/bare $(B)/bench/startup: $(B)/bench/%: tests/bench/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< -lfcgi
$(B)/bench/image_import: tests/bench/image_import.c $(LIBSITE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib $(LDFLAGS) -o $@ $< $(LIBSITE) $(LIBS_ADMIN)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@sh tests/bench/run.sh

fuzz:
	@sh tests/fuzz/run.sh run

fuzz-replay:
	@sh tests/fuzz/run.sh replay

# The same programs and unit tests with AddressSanitizer and UBSan.
asan:
	@$(MAKE) --no-print-directory B=build/asan BIN=build/asan/bin OPT=-O1 \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" all unit

clean:
	rm -rf build $(PUBLIC_BIN) $(BIN)/admin tests/out
