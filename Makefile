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
# The public programs check an admin's session for previews: libsodium's
# crypto_generichash, as the admin stores session ids (lib/page.c says why).
LIBS_PUBLIC = $(LIBS_CORE) -lsodium
LIBS_ADMIN = $(LIBS_CORE) -lsodium -lcmark-gfm-extensions -lcmark-gfm -lz $(shell pkg-config --libs vips libarchive libzip 2>/dev/null)

# lib/ files that need libvips' (glib's) headers.
VIPS_SRC = lib/image.c

LIB_SRC = $(wildcard lib/*.c)
LIB_OBJ = $(LIB_SRC:lib/%.c=$(B)/lib/%.o)

# The schema migrations, built into the programs (lib/db_migrate.h).  The
# directory is a prerequisite too: a file renamed or removed changes it.
MIGRATIONS = $(sort $(wildcard schema/migrations/[0-9]*.sql))
GEN_OBJ = $(B)/gen/db_migrations.o
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

.PHONY: all deps run test unit e2e stress bench fuzz fuzz-replay asan clean
all: $(PUBLIC_BIN) $(ADMIN_BIN)

$(B)/lib/%.o: lib/%.c lib/*.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(if $(filter $<,$(VIPS_SRC)),$(shell pkg-config --cflags vips)) -c -o $@ $<

$(B)/gen/db_migrations.c: schema/embed.sh schema.sql schema/migrations $(MIGRATIONS)
	@mkdir -p $(@D)
	sh schema/embed.sh schema.sql $(MIGRATIONS) >$@.tmp && mv $@.tmp $@

$(GEN_OBJ): $(B)/gen/db_migrations.c lib/db_migrate.h
	$(CC) $(CFLAGS) -Ilib -c -o $@ $<

$(LIBSITE): $(LIB_OBJ) $(GEN_OBJ)
	rm -f $@ && ar rcs $@ $^

$(B)/cgi-bin/%.o: cgi-bin/%.c lib/*.h $(wildcard cgi-bin/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -c -o $@ $<

# Public programs link only what they use: a static archive gives them the
# objects they reference and nothing of the admin's libvips/cmark.
$(PUBLIC_BIN): $(BIN)/%: $(B)/cgi-bin/%.o $(LIBSITE)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBSITE) $(LIBS_PUBLIC)

$(BIN)/admin: $(ADMIN_OBJ) $(LIBSITE)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $(ADMIN_OBJ) $(LIBSITE) $(LIBS_ADMIN)

$(B)/tests/%: tests/unit/%.c $(LIBSITE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -DTEST_BIN_DIR='"$(BIN)"' -o $@ $< $(LIBSITE) $(LIBS_ADMIN) -lcmocka $(TEST_LDFLAGS)

# test_auth counts the password hashes a log-in checks: the linker sends
# the library's calls of libsodium's verify through the test's counter
# (__wrap_, which calls __real_), with nothing in the program for it.
$(B)/tests/test_auth: TEST_LDFLAGS = -Wl,--wrap=crypto_pwhash_str_verify

# test_home runs the home program itself (as plain CGI).
$(B)/tests/test_home: $(BIN)/home

deps:
	@sh deploy/deps.sh

# deps first, then a new make: its flags come from pkg-config, which only
# answers once the -dev packages are there (a fresh machine).
run: deps
	@$(MAKE) --no-print-directory all
	@sh deploy/run.sh

# The manual keeps up with the admin's commands (tests/install/mancheck.sh).
unit: $(UNIT_BIN) $(ADMIN_BIN)
	@sh tests/install/mancheck.sh $(BIN)/admin man/symposium-admin.8
	@sh tests/unit/run.sh $(UNIT_BIN)

e2e: all
	@sh tests/e2e/run.sh

# kill -9 of admin workers during uploads and saves (STRESS_ROUNDS, default
# 200), then integrity, lost uploads, orphans and dead links; not in test.
stress: all
	@sh tests/stress/run.sh

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit
	@$(MAKE) --no-print-directory fuzz-replay
	@$(MAKE) --no-print-directory install-test
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

# ---- install (README.md, "Installing") -----------------------------------
# make install PREFIX=/usr/local DESTDIR=   and   make uninstall (same
# variables).  The web server snippets, the systemd units and the sbin
# wrapper get the final paths (without DESTDIR) written in.
PREFIX     ?= /usr/local
DESTDIR    ?=
LIBDIR     ?= $(PREFIX)/lib/symposium
DATADIR    ?= $(PREFIX)/share/symposium
MANDIR     ?= $(PREFIX)/share/man
SBINDIR    ?= $(PREFIX)/sbin
UNITDIR    ?= $(PREFIX)/lib/systemd/system
VARDIR     ?= /var/lib/symposium
RUNDIR     ?= /run/symposium
BACKUPDIR  ?= /var/backups/symposium
# The logrotate snippet: ready to copy from here (the package puts it in
# /etc/logrotate.d).
LOGROTATEDIR ?= $(DATADIR)/logrotate
BYPASS_RATE ?= 20
INSTALL    ?= install
ALL_PROGRAMS := $(shell sh deploy/gen.sh programs)
MANPAGES   = man/symposium.8 man/symposium-admin.8
NGINX_CONF = symposium-http.conf fastcgi.conf security-headers.conf file-headers.conf pdf-headers.conf \
	export.conf export-headers.conf
UNITS      = symposium@.service symposium@.socket symposium-backup.service symposium-backup.timer
# What install writes, each path relative to DESTDIR (uninstall's list).
INSTALLED  = $(ALL_PROGRAMS:%=$(LIBDIR)/%) $(LIBDIR)/symposium-backup $(SBINDIR)/symposium-admin \
	$(LOGROTATEDIR)/symposium \
	$(DATADIR)/schema.sql $(DATADIR)/programs.tsv $(DATADIR)/demo/content.xml \
	$(NGINX_CONF:%=$(DATADIR)/nginx/%) $(DATADIR)/nginx/symposium.conf \
	$(DATADIR)/apache/symposium.conf \
	$(UNITS:%=$(UNITDIR)/%) $(UNITDIR)/symposium.target \
	$(UNITDIR)/symposium@admin.service.d/admin.conf \
	$(MANPAGES:man/%=$(MANDIR)/man8/%)
FILL = sed -e 's|@VARDIR@|$(VARDIR)|g' -e 's|@RUNDIR@|$(RUNDIR)|g' \
	-e 's|@ROOT@|$(DATADIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	-e 's|@BYPASS_RATE@|$(BYPASS_RATE)|g' -e 's|@BACKUPDIR@|$(BACKUPDIR)|g'

.PHONY: install uninstall deb install-test
install: all
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/demo \
		$(DESTDIR)$(DATADIR)/nginx $(DESTDIR)$(DATADIR)/apache \
		$(DESTDIR)$(UNITDIR)/symposium@admin.service.d $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(LOGROTATEDIR)
	$(INSTALL) -m 0755 $(ALL_PROGRAMS:%=$(BIN)/%) $(DESTDIR)$(LIBDIR)/
	$(FILL) deploy/symposium-admin.in >$(DESTDIR)$(SBINDIR)/symposium-admin
	$(FILL) deploy/symposium-backup.in >$(DESTDIR)$(LIBDIR)/symposium-backup
	chmod 0755 $(DESTDIR)$(SBINDIR)/symposium-admin $(DESTDIR)$(LIBDIR)/symposium-backup
	$(FILL) deploy/logrotate.conf >$(DESTDIR)$(LOGROTATEDIR)/symposium
	chmod 0644 $(DESTDIR)$(LOGROTATEDIR)/symposium
	cp -R templates $(DESTDIR)$(DATADIR)/
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)/templates
	$(INSTALL) -m 0644 schema.sql deploy/programs.tsv $(DESTDIR)$(DATADIR)/
	$(INSTALL) -m 0644 deploy/demo/content.xml $(DESTDIR)$(DATADIR)/demo/
	for f in $(NGINX_CONF); do \
		$(FILL) -e 's|@CONF@|$(DATADIR)/nginx|g' deploy/nginx/$$f >$(DESTDIR)$(DATADIR)/nginx/$$f || exit 1; \
	done
	sh deploy/gen.sh nginx deploy/nginx/symposium.conf | \
		$(FILL) -e 's|@CONF@|$(DATADIR)/nginx|g' >$(DESTDIR)$(DATADIR)/nginx/symposium.conf
	sh deploy/gen.sh apache deploy/apache/symposium.conf | \
		$(FILL) >$(DESTDIR)$(DATADIR)/apache/symposium.conf
	for f in $(UNITS); do \
		$(FILL) deploy/systemd/$$f >$(DESTDIR)$(UNITDIR)/$$f || exit 1; \
	done
	sh deploy/gen.sh systemd deploy/systemd/symposium.target >$(DESTDIR)$(UNITDIR)/symposium.target
	$(FILL) deploy/systemd/symposium@admin.service.d/admin.conf \
		>$(DESTDIR)$(UNITDIR)/symposium@admin.service.d/admin.conf
	$(INSTALL) -m 0644 $(MANPAGES) $(DESTDIR)$(MANDIR)/man8/
	chmod 0644 $(DESTDIR)$(DATADIR)/nginx/* $(DESTDIR)$(DATADIR)/apache/* \
		$(UNITS:%=$(DESTDIR)$(UNITDIR)/%) $(DESTDIR)$(UNITDIR)/symposium.target \
		$(DESTDIR)$(UNITDIR)/symposium@admin.service.d/admin.conf

uninstall:
	rm -f $(INSTALLED:%=$(DESTDIR)%)
	rm -rf $(DESTDIR)$(DATADIR)/templates
	-rmdir $(DESTDIR)$(UNITDIR)/symposium@admin.service.d $(DESTDIR)$(DATADIR)/demo \
		$(DESTDIR)$(DATADIR)/logrotate \
		$(DESTDIR)$(DATADIR)/nginx $(DESTDIR)$(DATADIR)/apache $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(LIBDIR) 2>/dev/null

# make install into a DESTDIR and the installed site served; the Debian
# package built, installed with dpkg -i (as root) and purged.
install-test: all
	@sh tests/install/run.sh
	@sh tests/install/deb.sh

# A Debian package from a copy of the tree in build/deb/ (dpkg-buildpackage
# writes next to the tree it builds); the .deb lands in build/deb/.
deb:
	@sh deploy/deb.sh
