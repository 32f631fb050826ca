#!/usr/bin/env bash
# Binlog decode benchmark (not a test): builds test/bench/binlog_bench, starts a throwaway MariaDB,
# writes a 1,000,000-row binlog (1,000 transactions x 1,000 rows,
# t(bigint pk, int, varchar(32), double, datetime(6), decimal(12,2), text, tinyint unsigned)),
# and reports rows/s of the typed fast path next to the raw read rate of the same stream, from
# the file (page cache), from memory, and over a loopback replication connection.
#
#   bash test/bench/binlog_decode.sh [ROWS_PER_TX] [TRANSACTIONS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/common.sh
. "$root/test/lib/common.sh"
ensure_test_user
per_tx=${1:-1000}
txs=${2:-1000}
build=${BENCH_BUILD:-/tmp/build-binlog-bench}
mkdir -p "$build"
srcs=("$root"/src/mysql/binlog/*.cpp)
g++ -std=c++17 -O2 -g -DNDEBUG -Wall -Wextra -Werror -I"$root/src" -I/usr/include/mariadb \
    -o "$build/binlog_bench" "$root/test/bench/binlog_bench.cpp" "${srcs[@]}" -lmariadb -lzstd -lz

dir=$(make_scratch binlog-bench)
cleanup() {
    as_test_user bash "$root/test/lib/mariadb.sh" stop "$dir" || true
    rm -rf "$dir"
}
trap cleanup EXIT
port=$(as_test_user bash "$root/test/lib/mariadb.sh" start "$dir" -- --max_binlog_size=1073741824)
sql() { as_test_user bash "$root/test/lib/mariadb.sh" client "$dir" "$@"; }
sql -e "FLUSH BINARY LOGS; CREATE DATABASE bench; CREATE TABLE bench.t (id BIGINT PRIMARY KEY, i INT,
        s VARCHAR(32), d DOUBLE, dt DATETIME(6), m DECIMAL(12,2), t TEXT, u TINYINT UNSIGNED)"
file=$(sql -N -B -e "SHOW MASTER STATUS" | cut -f1)
echo "writing $((per_tx * txs)) rows in $txs transactions into $file ..."
for ((k = 0; k < txs; k += 100)); do
    stmts="USE bench;"
    for ((j = k; j < k + 100 && j < txs; j++)); do
        stmts+="INSERT INTO bench.t SELECT $j * $per_tx + seq, seq * 7, CONCAT('row-', seq), seq / 3,
                '2024-01-02 03:04:05.123456' + INTERVAL seq SECOND, seq * 1.25, REPEAT('x', seq % 40), seq % 256
                FROM seq_1_to_$per_tx;"
    done
    sql -e "$stmts"
done
sql -e "FLUSH BINARY LOGS"
path="$dir/data/$file"
echo "binlog: $(stat -c %s "$path") bytes"
cat "$path" > /dev/null
"$build/binlog_bench" --repeat 3 "$path"
"$build/binlog_bench" --repeat 3 --mem "$path"
"$build/binlog_bench" --repeat 3 --host 127.0.0.1 --port "$port" --user root --server-id 4100000000 \
    --start-file "$file"
