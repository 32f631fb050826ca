#!/usr/bin/env bash
# `make ddl-realworld` (issue 11): the DDL parser and translator over the table DDL of MariaDB's
# own test suite, as installed by Debian's mariadb-test-data (test/lib/install-deps.sh). Nothing of
# that suite is copied into this repository: it is read where the package puts it.
#
#   bash test/tools/ddl_realworld.sh [--min-pct P] [DIR|FILE.test ...]
#
# Default: the `main` suite (/usr/share/mysql/mysql-test/main). Starts a throwaway MariaDB and
# PostgreSQL (as the test user when run as root), builds test/build/ddl_realworld, runs it and
# prints its report (kept in $DDL_REALWORLD_OUT, default /tmp/ddl-realworld: report.txt and
# details.tsv, one line per accepted statement). Fails on a crash or hang of the parser/translator,
# on a PostgreSQL rejection, or when fewer than P % (default 99) of the statements that concern
# tables translate.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
lib="$repo/test/lib"
# shellcheck source=../lib/common.sh
. "$lib/common.sh"

min_pct=99
inputs=()
while [ $# -gt 0 ]; do
    case "$1" in
        --min-pct) min_pct=$2; shift 2 ;;
        *) inputs+=("$1"); shift ;;
    esac
done
suite_root=/usr/share/mysql/mysql-test
[ ${#inputs[@]} -gt 0 ] || inputs=("$suite_root/main")
if [ ! -d "$suite_root" ]; then
    echo "ddl-realworld: $suite_root missing: install mariadb-test-data (test/lib/install-deps.sh)" >&2
    exit 2
fi

out=${DDL_REALWORLD_OUT:-/tmp/ddl-realworld}
mkdir -p "$out"
make -C "$repo" -s -j2 test/build/ddl_realworld

ensure_test_user
scratch=$(make_scratch ddl-realworld)
mariadb_dir="$scratch/mariadb"
pg_data="$scratch/pg"
pg_started=0
cleanup() {
    cp "$mariadb_dir/mysqld.err" "$out/mariadbd.err" 2>/dev/null || true
    as_test_user bash "$lib/mariadb.sh" stop "$mariadb_dir" >/dev/null 2>&1 || true
    if [ "$pg_started" -eq 1 ]; then
        as_test_user "$PG_BINDIR/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$scratch"
}
trap cleanup EXIT

cp -r "$lib" "$scratch/lib"
mkdir -p "$scratch/tmp"
[ "$(id -u)" -eq 0 ] && chown -R "$CHAMELEON_TEST_USER" "$scratch"
# No binary log and no syncing: the statements only need to run.
my_port=$(as_test_user bash "$scratch/lib/mariadb.sh" start "$mariadb_dir" -- --skip-log-bin --innodb-flush-method=nosync --innodb-doublewrite=0 --tmpdir="$scratch/tmp")

pg_port=$(free_port)
as_test_user "$PG_BINDIR/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --no-locale >"$scratch/initdb.log" 2>&1 ||
    { cat "$scratch/initdb.log" >&2; exit 1; }
as_test_user "$PG_BINDIR/pg_ctl" -D "$pg_data" -l "$scratch/pg.log" -w \
    -o "-p $pg_port -k $scratch -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
pg_started=1

start=$(date +%s)
status=0
"$repo/test/build/ddl_realworld" --mariadb-port "$my_port" \
    --pg "host=$scratch port=$pg_port user=postgres dbname=postgres" \
    --report "$out/report.txt" --details "$out/details.tsv" "${inputs[@]}" || status=$?
echo "ddl-realworld: $(($(date +%s) - start)) s; report in $out/report.txt, every statement in $out/details.tsv"
[ "$status" -eq 0 ] || { echo "ddl-realworld: FAILED (the tool exited $status)"; exit 1; }

result=$(grep '^RESULT ' "$out/report.txt")
pct=$(sed -n 's/.* translated_pct=\([0-9.]*\).*/\1/p' <<<"$result")
rejected=$(sed -n 's/.* pg_rejected=\([0-9]*\).*/\1/p' <<<"$result")
if [ "$rejected" -ne 0 ] || ! awk -v p="$pct" -v m="$min_pct" 'BEGIN { exit !(p >= m) }'; then
    echo "ddl-realworld: FAILED ($pct % translated, at least $min_pct % wanted; $rejected PostgreSQL rejections)"
    exit 1
fi
echo "ddl-realworld: ok ($pct % translated, no PostgreSQL rejection, no crash)"
