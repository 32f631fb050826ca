#!/usr/bin/env bash
# `make bench`: every benchmark, one after the other. Benchmarks measure; they never fail a build
# on a number. Each prints its own figures.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
status=0
for bench in ddl_parser binlog_decode init_bench replication_bench; do
    if [ -f "$here/$bench.sh" ]; then
        echo "== $bench"
        bash "$here/$bench.sh" || status=1
    fi
done
exit $status
