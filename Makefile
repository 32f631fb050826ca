# chameleon — PGXS build of a C++17 PostgreSQL extension.
#
#   make               build chameleon.so            make install     install it (root)
#   make test          install dependencies, build, install, run every suite (unit, regress, TAP)
#   make demo          demo replication on a throwaway MariaDB and PostgreSQL
#   make unit          build the GoogleTest binary    make check-headers   layer isolation check
#   make bench         benchmarks (not tests)

EXTENSION   = chameleon
EXTVERSION := $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" chameleon.control)
MODULE_big  = chameleon

# Debian's server-dev package puts pg_config here; a plain pg_config on PATH may be libpq's.
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)

# Pure C++ layers (no PostgreSQL headers) and the PostgreSQL-facing layer.
PURE_SRCS := $(sort $(wildcard src/common/*.cpp src/config/*.cpp src/convert/*.cpp src/ddl/*.cpp src/ddl/*/*.cpp \
                              src/mysql/*.cpp src/mysql/*/*.cpp))
PG_SRCS   := $(sort $(wildcard src/pg/*.cpp src/pg/*/*.cpp))
PURE_OBJS := $(PURE_SRCS:.cpp=.o)
OBJS       = $(PURE_OBJS) $(PG_SRCS:.cpp=.o)

DATA = $(sort $(wildcard upgrade_scripts/chameleon--*.sql))

# pg_regress suite (sql/ and expected/); run by test/lib/run-tests.sh as an unprivileged user.
REGRESS      = $(sort $(basename $(notdir $(wildcard sql/*.sql))))
REGRESS_OPTS = --temp-config=test/lib/regress.conf

MARIADB_CFLAGS := -I/usr/include/mariadb -I/usr/include/mariadb/mysql
WERROR ?= -Werror
PG_CXXFLAGS  = -std=c++17 -Wall -Wextra -Wno-register -Wno-missing-field-initializers $(WERROR)
PG_CPPFLAGS  = -Isrc -isystem $(shell $(PG_CONFIG) --includedir-server 2>/dev/null)
SHLIB_LINK   = -lmariadb -lyaml-cpp -lzstd -lz -lstdc++

# Debian builds PostgreSQL with LLVM JIT; its bitcode rule ignores PG_CXXFLAGS and fails on C++17.
# Our code gains nothing from being inlined by the JIT, so no bitcode is built.
override with_llvm = no

EXTRA_CLEAN = test/build $(OBJS:.o=.d)

ifneq ($(wildcard $(PG_CONFIG)),)
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# Only the MySQL layer sees libmariadb's headers (mysql.h and PostgreSQL's headers clash).
src/mysql/%.o: override CPPFLAGS += $(MARIADB_CFLAGS)
src/mysql/binlog/%.o: override CPPFLAGS += $(MARIADB_CFLAGS)


src/pg/module.o: override CPPFLAGS += -DCHAMELEON_VERSION='"$(EXTVERSION)"'

# Header dependencies.
override CXXFLAGS += -MMD -MP
-include $(OBJS:.o=.d)
endif

.PHONY: test demo unit bench fuzz binlog-dump check-headers format ddl-realworld

# ---- unit tests (GoogleTest) over the pure layers ----
# Built out of tree (UNIT_BUILD) from the same sources, so several builds can run side by side.
UNIT_BUILD ?= test/build
UNIT_SRCS  := $(sort $(wildcard test/unit/*.cpp))
UNIT_BIN   := $(UNIT_BUILD)/chameleon_unit
UNIT_OBJS  := $(addprefix $(UNIT_BUILD)/,$(UNIT_SRCS:.cpp=.o) $(PURE_SRCS:.cpp=.o))
UNIT_CXXFLAGS = -std=c++17 -O2 -g -fPIC -Wall -Wextra $(WERROR) -Isrc $(MARIADB_CFLAGS) -MMD -MP
UNIT_LIBS  = -lgtest -lgtest_main -lpthread -lmariadb -lyaml-cpp -lzstd -lz

$(UNIT_BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(UNIT_CXXFLAGS) -c -o $@ $<
-include $(UNIT_OBJS:.o=.d)

$(UNIT_BIN): $(UNIT_OBJS)
	@mkdir -p $(dir $@)
	$(CXX) -o $@ $^ $(UNIT_LIBS)

unit: $(UNIT_BIN)

# ---- tools over the binlog layer ----
# binlog_dump: prints a live binlog stream or a binlog file with decoded rows (see --help).
BINLOG_SRCS := $(sort $(wildcard src/mysql/binlog/*.cpp))
binlog-dump: $(UNIT_BUILD)/binlog_dump
$(UNIT_BUILD)/binlog_dump: test/tools/binlog_dump.cpp $(BINLOG_SRCS)
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 -O2 -g -Wall -Wextra $(WERROR) -Isrc $(MARIADB_CFLAGS) -o $@ $^ -lmariadb -lzstd -lz

# ddl_realworld: the DDL parser and translator over MariaDB's own test suite (issue 11); `make
# ddl-realworld` runs it on a throwaway MariaDB and PostgreSQL (test/tools/ddl_realworld.sh).
PG_INCLUDEDIR := $(shell $(PG_CONFIG) --includedir 2>/dev/null)
$(UNIT_BUILD)/ddl_realworld: test/tools/ddl_realworld.cpp $(addprefix $(UNIT_BUILD)/,$(PURE_SRCS:.cpp=.o))
	@mkdir -p $(dir $@)
	$(CXX) $(UNIT_CXXFLAGS) -I$(PG_INCLUDEDIR) -o $@ $^ -lmariadb -lyaml-cpp -lzstd -lz -lpq
ddl-realworld:
	bash test/tools/ddl_realworld.sh

# libFuzzer over the binlog event parser and row decoder, then over the DDL parser and translator
# (clang, ASan+UBSan), each for FUZZ_SECONDS; not in CI.
FUZZ_SECONDS ?= 300
fuzz:
	bash test/fuzz/run.sh $(FUZZ_SECONDS)

# Pure layers must never include PostgreSQL headers; src/pg must never include mysql.h.
check-headers:
	@bad=$$(grep -lE '#\s*include\s*[<"](postgres|fmgr|utils/|access/|catalog/|executor/|nodes/|storage/|miscadmin)' \
		$(PURE_SRCS) $(wildcard src/common/*.hpp src/config/*.hpp src/convert/*.hpp src/ddl/*.hpp src/ddl/*/*.hpp src/mysql/*.hpp src/mysql/*/*.hpp) 2>/dev/null); \
	 if [ -n "$$bad" ]; then echo "PostgreSQL header in a pure layer: $$bad"; exit 1; fi
	@bad=$$(grep -lE '#\s*include\s*[<"](mysql\.h|mariadb/|mysql/mysql\.h|ma_[a-z_]*\.h|errmsg\.h|mysqld_error\.h)' src/pg/*.cpp src/pg/*.hpp src/pg/*/*.cpp src/pg/*/*.hpp 2>/dev/null); \
	 if [ -n "$$bad" ]; then echo "mysql.h in src/pg: $$bad"; exit 1; fi
	@echo "check-headers: layers are isolated"

format:
	clang-format -i $$(find src test/unit test/fuzz test/bench -name '*.cpp' -o -name '*.hpp')

# ---- the two README commands ----
test:
	bash test/lib/run-tests.sh

demo:
	bash test/lib/demo.sh

bench:
	bash test/bench/run.sh
