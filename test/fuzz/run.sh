#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined) and runs them, one
# after the other: binlog_fuzz over the binlog event parser and row decoder, ddl_fuzz over the DDL
# parser and translator. Not part of CI.
#
#   bash test/fuzz/run.sh [SECONDS [TARGET]]  fuzz each target (binlog, ddl; default both) for
#                                             SECONDS (default 300) on a copy of its corpus
#   bash test/fuzz/run.sh --seeds             regenerate test/fuzz/corpus from the binlog fixtures
#                                             and test/fuzz/corpus_ddl from the DDL unit corpus
#
# Build output goes to $FUZZ_BUILD (default /tmp/build-binlog-fuzz). New inputs found while fuzzing
# stay in $FUZZ_BUILD/corpus and $FUZZ_BUILD/corpus_ddl (merge them by hand if they add coverage).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-/tmp/build-binlog-fuzz}
mkdir -p "$build"
srcs=("$root"/src/mysql/binlog/*.cpp)
# client.cpp needs libmariadb; the fuzz target does not use the network transport.
srcs=("${srcs[@]/$root\/src\/mysql\/binlog\/client.cpp/}")
flags=(-std=c++17 -g -O1 -fno-omit-frame-pointer -I"$root/src" -I/usr/include/mariadb)

if [ "${1:-}" = "--seeds" ]; then
    g++ -std=c++17 -O1 -I"$root/src" -I/usr/include/mariadb -o "$build/make_seeds" "$root/test/fuzz/make_seeds.cpp" \
        ${srcs[@]} -lzstd -lz
    mkdir -p "$root/test/fuzz/corpus"
    "$build/make_seeds" "$root/test/fuzz/corpus" "$root/test/unit/data/binlog"
    # The small fixtures, mode 0 (no CRC verification) and mode 0x03 (verify, CRC32 announced).
    for f in "$root"/test/unit/data/binlog/*.binlog; do
        size=$(stat -c %s "$f")
        [ "$size" -le 8192 ] || continue
        name=$(basename "$f" .binlog)
        { printf '\000'; cat "$f"; } > "$root/test/fuzz/corpus/mariadb_$name"
    done
    ls -la "$root/test/fuzz/corpus"
    bash "$root/test/fuzz/make_ddl_seeds.sh"
    exit 0
fi

seconds=${1:-300}
target=${2:-all}
fuzz_flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1)

if [ "$target" = all ] || [ "$target" = ddl ]; then
    ddl_srcs=("$root"/src/ddl/parser/*.cpp "$root"/src/ddl/translate/*.cpp "$root"/src/ddl/table_ddl.cpp "$root"/src/ddl/names.cpp
              "$root"/src/ddl/type_map.cpp "$root"/src/ddl/pg_text.cpp "$root"/src/convert/*.cpp
              "$root"/src/common/*.cpp "$root"/src/mysql/connection.cpp "$root"/src/mysql/binlog/value_text.cpp
              "$root"/src/mysql/binlog/json_binary.cpp "$root"/src/mysql/binlog/errors.cpp)
    clang++ "${flags[@]}" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -o "$build/ddl_fuzz" "$root/test/fuzz/ddl_fuzz.cpp" "${ddl_srcs[@]}" -lmariadb
    rm -rf "$build/corpus_ddl"
    cp -r "$root/test/fuzz/corpus_ddl" "$build/corpus_ddl"
    (cd "$build" && "$build/ddl_fuzz" "${fuzz_flags[@]}" -max_len=4096 "$build/corpus_ddl")
fi
[ "$target" = all ] || [ "$target" = binlog ] || exit 0

clang++ "${flags[@]}" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -o "$build/binlog_fuzz" "$root/test/fuzz/binlog_fuzz.cpp" ${srcs[@]} -lzstd -lz
rm -rf "$build/corpus"
cp -r "$root/test/fuzz/corpus" "$build/corpus"
cd "$build"
"$build/binlog_fuzz" "${fuzz_flags[@]}" -max_len=65536 "$build/corpus"
