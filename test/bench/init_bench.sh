#!/usr/bin/env bash
# init_replica benchmark (not a test). On a throwaway MariaDB and a throwaway PostgreSQL:
#   - sysbench oltp_read_write prepare: 4 tables x 250,000 rows (a fallback generator makes the same
#     shape when sysbench is not installed), plus one 200,000-row table with every kind of type;
#   - chameleon.init_replica() of that schema, timed (wall clock of the call);
#   - the limit: the very same rows, exported by PostgreSQL to files, loaded again with COPY, two
#     tables at a time, followed by the same index builds — what PostgreSQL alone needs to load them.
# Prints both, the rows per second and the ratio.
#
#   bash test/bench/init_bench.sh [--pg-root DIR] [--jobs N] [--rows N] [--repeat N]
#
# --pg-root DIR uses the PostgreSQL (and chameleon) installed under DIR by `make install DESTDIR=DIR`
# (see test/lib/run-tests.sh); by default the system's, where chameleon must be installed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/common.sh
. "$root/test/lib/common.sh"

pg_root=""
jobs=2
rows=250000
rich_rows=200000
repeat=3
while [ $# -gt 0 ]; do
    case "$1" in
        --pg-root) pg_root=$2; shift 2 ;;
        --jobs) jobs=$2; shift 2 ;;
        --rows) rows=$2; rich_rows=$(( $2 * 4 / 5 )); shift 2 ;;
        --repeat) repeat=$2; shift 2 ;;
        *) echo "init_bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
if [ -n "$pg_root" ]; then
    PG_BINDIR="$pg_root/usr/lib/postgresql/15/bin"
fi
ensure_test_user

dir=$(make_scratch init-bench)
pgdata="$dir/pg"
mysql_dir="$dir/mariadb"
mkdir -p "$mysql_dir" "$dir/dump"
[ "$(id -u)" -eq 0 ] && chown -R "$CHAMELEON_TEST_USER" "$dir"
cleanup() {
    as_test_user "$PG_BINDIR/pg_ctl" -D "$pgdata" stop -m fast >/dev/null 2>&1 || true
    as_test_user bash "$root/test/lib/mariadb.sh" stop "$mysql_dir" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
less() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

# ---- MariaDB with the data ----
port=$(as_test_user bash "$root/test/lib/mariadb.sh" start "$mysql_dir" -- --innodb_buffer_pool_size=1G)
sql() { as_test_user bash "$root/test/lib/mariadb.sh" client "$mysql_dir" "$@"; }
sql -e "CREATE DATABASE sbtest"
echo "generating 4 x $rows sysbench rows and $rich_rows type-rich rows ..."
if command -v sysbench >/dev/null 2>&1; then
    sysbench oltp_read_write --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=root \
        --mysql-db=sbtest --tables=4 --table-size="$rows" prepare >/dev/null
else
    # sysbench's shape: id auto-increment, k random, c 119 and pad 59 characters of digit groups.
    for t in 1 2 3 4; do
        sql sbtest -e "CREATE TABLE sbtest$t (id INT NOT NULL AUTO_INCREMENT, k INT NOT NULL DEFAULT 0,
            c CHAR(120) NOT NULL DEFAULT '', pad CHAR(60) NOT NULL DEFAULT '', PRIMARY KEY (id)) ENGINE=InnoDB;
            INSERT INTO sbtest$t (k, c, pad) SELECT FLOOR(RAND() * $rows),
                SUBSTRING(REPEAT(CONCAT(LPAD(FLOOR(RAND() * 99999999999), 11, '0'), '-'), 10), 1, 119),
                SUBSTRING(REPEAT(CONCAT(LPAD(FLOOR(RAND() * 99999999999), 11, '0'), '-'), 5), 1, 59)
            FROM seq_1_to_$rows;
            CREATE INDEX k_$t ON sbtest$t (k);"
    done
fi
sql sbtest -e "CREATE TABLE rich (
        id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, i INT, u INT UNSIGNED, s SMALLINT,
        m DECIMAL(18,4), d DOUBLE, f FLOAT, b BIT(12), y YEAR, dt DATETIME(6), ts TIMESTAMP(3) NULL,
        dd DATE, tm TIME(3), v VARCHAR(100), t TEXT, bin VARBINARY(32), e ENUM('new','paid','shipped','void'),
        st SET('a','b','c'), j JSON, KEY by_dt (dt), KEY by_v (v)) ENGINE=InnoDB;
    INSERT INTO rich (i, u, s, m, d, f, b, y, dt, ts, dd, tm, v, t, bin, e, st, j)
    SELECT CAST(seq AS SIGNED) - 100000, seq * 3, seq % 32000, seq * 1.0001, seq / 7, seq / 3, seq % 4096, 1901 + seq % 255,
        '2020-01-01' + INTERVAL seq SECOND + INTERVAL seq MICROSECOND, '2021-06-01' + INTERVAL seq MINUTE,
        '2000-01-01' + INTERVAL seq % 9000 DAY, SEC_TO_TIME(CAST(seq % 300000 AS SIGNED) - 150000),
        CONCAT('name ', seq, ' ü€😀'), REPEAT(CONCAT('text ', seq, ' '), 1 + seq % 20),
        UNHEX(SHA2(seq, 256)), ELT(1 + seq % 4, 'new','paid','shipped','void'), ELT(1 + seq % 3, 'a', 'a,b', 'a,b,c'),
        JSON_OBJECT('id', seq, 'tags', JSON_ARRAY('x', seq % 7), 'ok', seq % 2 = 0)
    FROM seq_1_to_$rich_rows"
# Let InnoDB settle (flush the pages the load dirtied) so that the timed runs do not compete with
# its background work, and give it fresh statistics (init_replica orders tables by them).
sql sbtest -e "ANALYZE TABLE sbtest1, sbtest2, sbtest3, sbtest4, rich" >/dev/null
sql -e "SET GLOBAL innodb_max_dirty_pages_pct = 0" >/dev/null
for _ in $(seq 1 120); do
    dirty=$(sql -N -B -e "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | cut -f2)
    [ "${dirty:-0}" -lt 10 ] && break
    sleep 0.5
done
sleep 2
mysql_bytes=$(sql -N -B -e "SELECT SUM(data_length) FROM information_schema.TABLES WHERE table_schema = 'sbtest'")

# ---- PostgreSQL with chameleon ----
as_test_user "$PG_BINDIR/initdb" -D "$pgdata" -A trust -E UTF8 --no-sync >/dev/null
pgport=$(free_port)
cat >> "$pgdata/postgresql.conf" <<CONF
port = $pgport
listen_addresses = ''
unix_socket_directories = '$dir'
shared_preload_libraries = 'chameleon'
max_worker_processes = 16
shared_buffers = 1GB
maintenance_work_mem = 256MB
max_wal_size = 8GB
checkpoint_timeout = 30min
chameleon.copy_progress_interval = 0
CONF
mkdir -p "$pgdata/chameleon"
cat > "$pgdata/chameleon/default.yml" <<YAML
sources:
  bench:
    type: mysql
    db_conn:
      host: "127.0.0.1"
      port: "$port"
      user: "root"
      password: ""
      read_timeout: 600
    schema_mappings:
      sbtest: sbtest
    copy_jobs: $jobs
YAML
chmod 600 "$pgdata/chameleon/default.yml"
[ "$(id -u)" -eq 0 ] && chown -R "$CHAMELEON_TEST_USER" "$pgdata"
as_test_user "$PG_BINDIR/pg_ctl" -D "$pgdata" -l "$dir/pg.log" -w start >/dev/null
psql_() { as_test_user "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$pgport" -d postgres "$@"; }
psql_ -c "CREATE EXTENSION chameleon" -c "SELECT chameleon.add_source('bench')" >/dev/null

best_init=""
for ((r = 1; r <= repeat; r++)); do
    psql_ -c "CHECKPOINT" >/dev/null
    t0=$(now)
    summary=$(psql_ -At -c "SELECT chameleon.init_replica('bench')")
    t1=$(now)
    t=$(elapsed "$t0" "$t1")
    echo "init_replica run $r: $t s — $summary"
    if [ -z "$best_init" ] || less "$t" "$best_init"; then best_init=$t; fi
done

total_rows=$(psql_ -At -c "SELECT (SELECT count(*) FROM sbtest.sbtest1) + (SELECT count(*) FROM sbtest.sbtest2)
    + (SELECT count(*) FROM sbtest.sbtest3) + (SELECT count(*) FROM sbtest.sbtest4) + (SELECT count(*) FROM sbtest.rich)")
heap_bytes=$(psql_ -At -c "SELECT sum(pg_table_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'sbtest' AND c.relkind = 'r'")

# ---- the limit: the same rows from files, COPY two tables at a time, the same indexes ----
tables=$(psql_ -At -c "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'sbtest' AND c.relkind = 'r' ORDER BY pg_table_size(c.oid) DESC")
[ "$(id -u)" -eq 0 ] && chown "$CHAMELEON_TEST_USER" "$dir/dump"
for t in $tables; do
    psql_ -c "COPY sbtest.\"$t\" TO '$dir/dump/$t.copy'"
    psql_ -c "COPY sbtest.\"$t\" TO '$dir/dump/$t.bin' (FORMAT binary)"
done
psql_ -c "CREATE SCHEMA lim" >/dev/null
lane_script() { # lane N [binary] -> statements for the tables of that lane
    local lane=$1 format=${2:-} i=0 out=""
    for t in $tables; do
        if [ $((i % 2)) -eq "$lane" ]; then
            if [ "$format" = binary ]; then
                out+="COPY lim.\"$t\" FROM '$dir/dump/$t.bin' (FORMAT binary);"$'\n'
            else
                out+="COPY lim.\"$t\" FROM '$dir/dump/$t.copy';"$'\n'
            fi
            out+=$(psql_ -At -c "SELECT string_agg(replace(pg_get_indexdef(i.indexrelid), 'ON sbtest.', 'ON lim.') || ';', E'\n')
                FROM pg_index i WHERE i.indrelid = 'sbtest.\"$t\"'::regclass")$'\n'
        fi
        i=$((i + 1))
    done
    printf '%s' "$out"
}
run_limit() { # run_limit [binary] -> prints the seconds
    local format=${1:-} t0 t1 p0 p1 lane0 lane1
    for t in $tables; do
        psql_ -c "SET client_min_messages = warning; DROP TABLE IF EXISTS lim.\"$t\"; CREATE TABLE lim.\"$t\" (LIKE sbtest.\"$t\" INCLUDING DEFAULTS)" >/dev/null
    done
    lane0=$(lane_script 0 "$format")
    lane1=$(lane_script 1 "$format")
    psql_ -c "CHECKPOINT" >/dev/null
    t0=$(now)
    psql_ -c "$lane0" >/dev/null &
    p0=$!
    psql_ -c "$lane1" >/dev/null &
    p1=$!
    wait $p0
    wait $p1
    t1=$(now)
    elapsed "$t0" "$t1"
}
best_limit=""
best_binary=""
for ((r = 1; r <= repeat; r++)); do
    t=$(run_limit)
    echo "limit run $r (COPY from files, 2 tables at a time, + indexes): $t s"
    if [ -z "$best_limit" ] || less "$t" "$best_limit"; then best_limit=$t; fi
    t=$(run_limit binary)
    echo "binary COPY run $r (the same in COPY's binary format): $t s"
    if [ -z "$best_binary" ] || less "$t" "$best_binary"; then best_binary=$t; fi
done

echo
echo "data: $total_rows rows in 5 tables; MySQL $((mysql_bytes / 1048576)) MB, PostgreSQL heap $((heap_bytes / 1048576)) MB"
printf 'init_replica (copy_jobs %d):            %6.2f s  %8.0f rows/s\n' "$jobs" "$best_init" "$(div "$total_rows" "$best_init")"
printf 'limit (COPY from files + same indexes): %6.2f s  %8.0f rows/s\n' "$best_limit" "$(div "$total_rows" "$best_limit")"
printf 'ratio init_replica / limit:             %6.2f\n' "$(div "$best_init" "$best_limit")"
printf '(for reference: binary COPY from files:  %6.2f s  %8.0f rows/s; init_replica loads in binary\n' "$best_binary" "$(div "$total_rows" "$best_binary")"
printf ' COPY whenever every column of a table allows it, and reads MySQL at the same time)\n'
printf 'times are the best of %d runs\n' "$repeat"
