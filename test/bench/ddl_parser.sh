#!/usr/bin/env bash
# DDL parser benchmark (not a test): builds test/bench/ddl_bench and reports the parser's statements
# per second on the unit corpus (test/unit/data/ddl), next to the tokenizer alone and a byte scan of
# the same text. No server needed.
#
#   bash test/bench/ddl_parser.sh [SECONDS_PER_MEASURE]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${BENCH_BUILD:-/tmp/build-ddl-bench}
mkdir -p "$build"
srcs=("$root"/src/ddl/parser/*.cpp "$root"/src/ddl/translate/*.cpp "$root"/src/ddl/table_ddl.cpp "$root"/src/ddl/names.cpp
      "$root"/src/ddl/type_map.cpp "$root"/src/ddl/pg_text.cpp "$root"/src/convert/*.cpp
      "$root"/src/common/*.cpp "$root"/src/mysql/connection.cpp
      "$root"/src/mysql/binlog/value_text.cpp "$root"/src/mysql/binlog/json_binary.cpp "$root"/src/mysql/binlog/errors.cpp)
g++ -std=c++17 -O2 -g -DNDEBUG -Wall -Wextra -Werror -I"$root/src" -I/usr/include/mariadb \
    -o "$build/ddl_bench" "$root/test/bench/ddl_bench.cpp" "${srcs[@]}" -lmariadb
"$build/ddl_bench" "$root/test/unit/data/ddl" --seconds "${1:-2}"
