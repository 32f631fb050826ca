#!/usr/bin/env bash
# Builds the libFuzzer target over the binlog event parser and row decoder (clang,
# -fsanitize=fuzzer,address,undefined) and runs it. Not part of CI.
#
#   bash test/fuzz/run.sh [SECONDS]        fuzz for SECONDS (default 300) on a copy of the corpus
#   bash test/fuzz/run.sh --seeds          regenerate test/fuzz/corpus from the fixtures and seeds
#
# Build output goes to $FUZZ_BUILD (default /tmp/build-binlog-fuzz). New inputs found while fuzzing
# stay in $FUZZ_BUILD/corpus (merge them into test/fuzz/corpus by hand if they add coverage).
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
    exit 0
fi

seconds=${1:-300}
clang++ "${flags[@]}" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -o "$build/binlog_fuzz" "$root/test/fuzz/binlog_fuzz.cpp" ${srcs[@]} -lzstd -lz
rm -rf "$build/corpus"
cp -r "$root/test/fuzz/corpus" "$build/corpus"
cd "$build"
"$build/binlog_fuzz" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 "$build/corpus"
