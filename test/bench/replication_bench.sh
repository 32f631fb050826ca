#!/usr/bin/env bash
# Replication benchmark (not a test), issue 8. One run, one set of data, on throwaway servers:
#   MariaDB with sysbench's tables (4 x --table-size rows) plus an empty copy of their shape (sbbulk)
#   and a marker table (lag_marker); PostgreSQL "A" with chameleon, init_replica; then, the source
#   stopped, two backlogs are written on MariaDB:
#     1. sysbench oltp_write_only, --events 20000 (4 row changes each), 2 threads, fixed seed;
#     2. a bulk mix: one UPDATE of 60%, one INSERT ... SELECT of 50% and one DELETE of 40% of a table.
#   chameleon: start_replica, and the time until wait_for_source returns, for each backlog;
#   then the replay lag during a live 4-thread sysbench run (marker rows written on MariaDB with
#   their time, seen in PostgreSQL: max and median), and the peak memory (VmHWM) of the workers.
#   Next to it, on the very same row changes (decoded from the binlog by mariadb-binlog, not by
#   chameleon, see binlog_changes.pl):
#     (a) one client session (replay_client.cpp) applying them to a copy of the tables in A with
#         prepared statements, one round trip per source transaction;
#     (b) PostgreSQL's logical replication: the same changes applied on a publisher cluster P while
#         the subscription of cluster S is disabled, then ENABLE and the time until S has them all
#         (a marker row committed on P after them becomes visible on S). Default subscription
#         settings (its apply worker commits with synchronous_commit off).
#   All the copies are checked against MariaDB (md5 of every row) at the end of the backlogs.
# Until the replication engine exists (chameleon.start_replica), the chameleon part prints a skip
# line and the limits still run.
#
#   bash test/bench/replication_bench.sh [--pg-root DIR] [--table-size N] [--events N] [--live-seconds N]
#
# --pg-root DIR (or CHAMELEON_PG_ROOT=DIR) uses the PostgreSQL and chameleon installed under DIR by
# `make install DESTDIR=DIR` (see test/lib/run-tests.sh --pg-root); by default the system's.
# LIMIT_SYNC_COMMIT (default off) is the synchronous_commit of the limit (a) session.
# BENCH_PERF=1 records every timed step with `perf record -a` and prints, per step, where the
# PostgreSQL and MariaDB processes spent their time (top symbols per process).
# Exits 0 whatever the figures; non-zero only when something broke (a server, a mismatch).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=../lib/common.sh
. "$root/test/lib/common.sh"

pg_root=${CHAMELEON_PG_ROOT:-}
table_size=100000
events=20000
live_seconds=20
sync_commit=${LIMIT_SYNC_COMMIT:-off}
while [ $# -gt 0 ]; do
    case "$1" in
        --pg-root) pg_root=$2; shift 2 ;;
        --table-size) table_size=$2; shift 2 ;;
        --events) events=$2; shift 2 ;;
        --live-seconds) live_seconds=$2; shift 2 ;;
        *) echo "replication_bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
if [ -n "$pg_root" ]; then
    PG_BINDIR="$pg_root/usr/lib/postgresql/15/bin"
fi
ensure_test_user

dir=$(make_scratch replication-bench)
mysql_dir="$dir/mariadb"
mkdir -p "$mysql_dir"
[ "$(id -u)" -eq 0 ] && chown -R "$CHAMELEON_TEST_USER" "$dir"
bg_pids=()
clusters=()
cleanup() {
    local pid c
    for pid in "${bg_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for c in "${clusters[@]}"; do
        as_test_user "$PG_BINDIR/pg_ctl" -D "$dir/$c" stop -m immediate >/dev/null 2>&1 || true
    done
    as_test_user bash "$root/test/lib/mariadb.sh" stop "$mysql_dir" >/dev/null 2>&1 || true
    if [ -n "${KEEP_SCRATCH:-}" ]; then echo "scratch kept: $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f", n / s; else printf "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2f", a / b; else printf "-" }'; }
cpu_of() { # cpu_of PID -> user+system seconds of that process so far (0 when gone)
    awk -v t="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / t }' "/proc/$1/stat" 2>/dev/null || echo 0
}
mem_of() { # mem_of PID -> "VmHWM RssAnon RssShmem" in MB
    awk '/^VmHWM:/ { h = $2 } /^RssAnon:/ { a = $2 } /^RssShmem:/ { s = $2 }
         END { printf "%.0f %.0f %.0f", h / 1024, a / 1024, s / 1024 }' "/proc/$1/status" 2>/dev/null || echo "- - -"
}
broken=0
problem() { echo "PROBLEM: $*"; broken=1; }
perf_pid=""
perf_reports=()
perf_start() { # perf_start NAME : with BENCH_PERF=1, samples the whole machine until perf_stop
    [ -n "${BENCH_PERF:-}" ] || return 0
    perf record -a -F 499 -o "$dir/perf.$1.data" -- sleep 600 >/dev/null 2>&1 &
    perf_pid=$!
    bg_pids+=("$perf_pid")
    perf_reports+=("$1")
    sleep 0.5
}
perf_stop() {
    [ -n "$perf_pid" ] || return 0
    ps -eLo tid,args > "$dir/perf.${perf_reports[-1]}.ps"
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
    perf_pid=""
}

# ---- the limit client ----
g++ -std=c++17 -O2 -Wall -Wextra -Werror -I"$(pg_config --includedir)" -o "$dir/replay_client" \
    "$root/test/bench/replay_client.cpp" -lpq

# ---- MariaDB with the data ----
port=$(as_test_user bash "$root/test/lib/mariadb.sh" start "$mysql_dir" -- --innodb_buffer_pool_size=512M \
    --max_binlog_size=1073741824)
mysqld_pid=$(cat "$mysql_dir/mariadbd.launch.pid")
sql() { as_test_user bash "$root/test/lib/mariadb.sh" client "$mysql_dir" "$@"; }
sb() { # sb TEST ARGS... : sysbench against the throwaway MariaDB
    local test=$1
    shift
    sysbench "$test" --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=root \
        --mysql-db=sbtest --tables=4 --table-size="$table_size" "$@"
}
sql -e "CREATE DATABASE sbtest"
echo "preparing 4 x $table_size sysbench rows ..."
sb oltp_write_only prepare >/dev/null
sql sbtest -e "CREATE TABLE sbbulk LIKE sbtest2;
    CREATE TABLE lag_marker (id INT PRIMARY KEY, written DATETIME(6) NOT NULL);
    ANALYZE TABLE sbtest1, sbtest2, sbtest3, sbtest4" >/dev/null
sql -e "SET GLOBAL innodb_max_dirty_pages_pct = 0" >/dev/null
for _ in $(seq 1 60); do
    dirty=$(sql -N -B -e "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" | cut -f2)
    [ "${dirty:-0}" -lt 10 ] && break
    sleep 0.5
done
checked_tables="sbtest1 sbtest2 sbtest3 sbtest4 sbbulk"
mysql_sums() { # one "table md5" line per table, of every row in id order
    local t q="SET SESSION group_concat_max_len = 1073741824;"
    for t in $checked_tables; do
        q+="SELECT '$t', MD5(GROUP_CONCAT(CONCAT_WS('|', id, k, c, pad) ORDER BY id SEPARATOR ';')) FROM sbtest.$t;"
    done
    sql -N -B -e "$q"
}
binlog_pos() { sql -N -B -e "SHOW MASTER STATUS" | cut -f1,2; }

# ---- three PostgreSQL clusters with the same settings: A (chameleon, limit a), P and S (limit b) ----
cluster_port=""
start_cluster() { # start_cluster NAME EXTRA_CONF : sets cluster_port (no subshell: cleanup needs clusters)
    local name=$1 extra=$2 p
    p=$(free_port)
    as_test_user "$PG_BINDIR/initdb" -D "$dir/$name" -A trust -E UTF8 --no-sync >/dev/null
    cat >> "$dir/$name/postgresql.conf" <<CONF
port = $p
listen_addresses = ''
unix_socket_directories = '$dir'
max_worker_processes = 16
shared_buffers = 512MB
max_wal_size = 8GB
checkpoint_timeout = 30min
$extra
CONF
    clusters+=("$name")
    as_test_user "$PG_BINDIR/pg_ctl" -D "$dir/$name" -l "$dir/$name.log" -w start >/dev/null
    cluster_port=$p
}
pq() { # pq PORT psql-args...
    local p=$1
    shift
    as_test_user "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$p" -d postgres "$@"
}
pg_sums() { # pg_sums PORT SCHEMA
    local t q=""
    for t in $checked_tables; do
        q+="SELECT '$t', md5(string_agg(concat_ws('|', id, k, c::text, pad::text), ';' ORDER BY id)) FROM $2.$t;"
    done
    pq "$1" -At -F $'\t' -c "$q"
}

mkdir -p "$dir/chameleon-conf"
cat > "$dir/chameleon-conf/default.yml" <<YAML
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
    copy_jobs: 2
    my_server_id: 4242
YAML
[ "$(id -u)" -eq 0 ] && chown -R "$CHAMELEON_TEST_USER" "$dir/chameleon-conf"
start_cluster A "shared_preload_libraries = 'chameleon'
chameleon.copy_progress_interval = 0"
port_a=$cluster_port
mkdir -p "$dir/A/chameleon"
cp "$dir/chameleon-conf/default.yml" "$dir/A/chameleon/default.yml"
chmod 600 "$dir/A/chameleon/default.yml"
[ "$(id -u)" -eq 0 ] && chown -R "$CHAMELEON_TEST_USER" "$dir/A/chameleon"
pq "$port_a" -c "CREATE EXTENSION chameleon" -c "SELECT chameleon.add_source('bench')" >/dev/null
t0=$(now)
pq "$port_a" -At -c "SET client_min_messages = warning" -c "SELECT chameleon.init_replica('bench')" >/dev/null
echo "init_replica: $(elapsed "$t0" "$(now)") s"
engine=$(pq "$port_a" -At -c "SELECT to_regprocedure('chameleon.start_replica(text)') IS NOT NULL")

echo "copying the tables for the limits (schema lim in A, clusters P and S) ..."
lim_sql="CREATE SCHEMA lim;"
for t in $checked_tables lag_marker; do
    lim_sql+="CREATE TABLE lim.$t (LIKE sbtest.$t INCLUDING ALL); INSERT INTO lim.$t SELECT * FROM sbtest.$t;"
done
pq "$port_a" -c "$lim_sql"
start_cluster P "wal_level = logical"
port_p=$cluster_port
# The launcher starts a subscription's worker at most once per wal_retrieve_retry_interval (5 s):
# lowered so that the second ENABLE is not held back; it does not touch the apply itself.
start_cluster S "wal_retrieve_retry_interval = 100ms"
port_s=$cluster_port
as_test_user "$PG_BINDIR/pg_dump" -h "$dir" -p "$port_a" -d postgres -n sbtest -f "$dir/sbtest.sql"
marker_ddl="CREATE TABLE public.bench_marker (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())"
pq "$port_p" -f "$dir/sbtest.sql" -c "$marker_ddl" -c "VACUUM ANALYZE" >/dev/null &
load_p=$!
pq "$port_s" -f "$dir/sbtest.sql" -c "$marker_ddl" -c "VACUUM ANALYZE" >/dev/null
wait "$load_p"
pq "$port_a" -c "VACUUM ANALYZE"
pq "$port_p" -c "CREATE PUBLICATION bench FOR ALL TABLES"
# Disabled, without the initial copy (S has the rows): the slot is made now and keeps every change.
pq "$port_s" -c "SET client_min_messages = warning" -c "CREATE SUBSCRIPTION bench
    CONNECTION 'host=$dir port=$port_p dbname=postgres' PUBLICATION bench WITH (copy_data = false, enabled = false)"
checkpoint_all() { for p in "$port_a" "$port_p" "$port_s"; do pq "$p" -c CHECKPOINT; done; }

# ---- chameleon helpers ----
declare -A cham_s cham_cpu cpu_sum cpu_max
worker_pids() { # -> "read_pid replay_pid" of the running source
    pq "$port_a" -At -F ' ' -c "SELECT
        (SELECT pid FROM pg_stat_activity WHERE backend_type = 'chameleon read bench' LIMIT 1),
        (SELECT pid FROM pg_stat_activity WHERE backend_type = 'chameleon replay bench' LIMIT 1)"
}
mem_report=()
note_memory() { # note_memory LABEL : peak memory of the running workers
    local r w
    read -r r w <<<"$(worker_pids)"
    mem_report+=("$(printf '%-26s read worker (pid %s): VmHWM/RssAnon/RssShmem %s MB; replay worker (pid %s): %s MB' \
        "$1" "${r:--}" "$( [ -n "$r" ] && mem_of "$r" | tr ' ' / || echo -)" "${w:--}" \
        "$( [ -n "$w" ] && mem_of "$w" | tr ' ' / || echo -)")")
}
drain() { # drain SCENARIO : start_replica, time until wait_for_source returns
    local t0 t1 ok r w m0
    checkpoint_all
    m0=$(cpu_of "$mysqld_pid")
    perf_start "chameleon-$1"
    t0=$(now)
    if ! pq "$port_a" -c "SELECT chameleon.start_replica('bench')" >/dev/null; then
        perf_stop
        problem "start_replica failed ($1)"
        return 0
    fi
    ok=$(pq "$port_a" -At -c "SELECT chameleon.wait_for_source('bench', '5 min')" 2>&1) || true
    t1=$(now)
    perf_stop
    if [ "$ok" != t ]; then
        problem "wait_for_source did not return true ($1): $ok"
        return 0
    fi
    cham_s[$1]=$(elapsed "$t0" "$t1")
    check_errors "$1"
    read -r r w <<<"$(worker_pids)"
    local rc wc mc
    rc=$(cpu_of "${r:-0}")
    wc=$(cpu_of "${w:-0}")
    mc=$(awk -v a="$m0" -v b="$(cpu_of "$mysqld_pid")" 'BEGIN { printf "%.2f", b - a }')
    cham_cpu[$1]="read worker $rc s, replay worker $wc s, mariadbd $mc s"
    cpu_sum[cham-$1]=$(awk -v a="$rc" -v b="$wc" -v c="$mc" 'BEGIN { printf "%.2f", a + b + c }')
    cpu_max[cham-$1]=$(awk -v a="$rc" -v b="$wc" 'BEGIN { printf "%.2f", (a > b ? a : b) }')
    note_memory "$1"
}
check_errors() { # check_errors SCENARIO : a replay error (on_error_replay continue disables the table) is a break
    local e
    e=$(pq "$port_a" -At -F ' ' -c "SELECT count(*), min(schema_name || '.' || table_name || ': ' || message)
        FROM sch_chameleon.v_errors" 2>&1) || true
    case "$e" in
        0\ *|0) ;;
        *) problem "chameleon recorded replay errors ($1): $e" ;;
    esac
}
stop_replica() { pq "$port_a" -c "SELECT chameleon.stop_replica('bench')" >/dev/null || problem "stop_replica failed"; }

if [ "$engine" != t ]; then
    echo "chameleon: SKIPPED — chameleon.start_replica does not exist in this build (replication engine not"
    echo "           merged yet); the limits below are measured all the same"
fi

# ---- scenario 1: sysbench backlog ----
pos0=$(binlog_pos)
echo "backlog 1: sysbench oltp_write_only, $events events, 2 threads, seed 1 (source stopped) ..."
sb oltp_write_only --threads=2 --events="$events" --time=0 --rand-seed=1 run > "$dir/sysbench1.out"
grep -E 'transactions:|ignored errors:' "$dir/sysbench1.out" | sed 's/^ */    sysbench /'
pos1=$(binlog_pos)
if [ "$engine" = t ]; then
    drain sysbench
    stop_replica
fi

# ---- scenario 2: bulk mix ----
echo "backlog 2: bulk mix (UPDATE, INSERT ... SELECT, DELETE; source stopped) ..."
sql sbtest -e "UPDATE sbtest1 SET k = k + 1, c = REVERSE(c) WHERE id <= $((table_size * 6 / 10));
    INSERT INTO sbbulk (id, k, c, pad) SELECT id, k, c, pad FROM sbtest2 WHERE id <= $((table_size / 2));
    DELETE FROM sbtest3 WHERE id <= $((table_size * 4 / 10))"
pos2=$(binlog_pos)
mysql_sums > "$dir/sums.mysql2"
if [ "$engine" = t ]; then
    drain bulk
    if [ -n "${cham_s[bulk]:-}" ]; then
        pg_sums "$port_a" sbtest > "$dir/sums.chameleon2"
        cmp -s "$dir/sums.mysql2" "$dir/sums.chameleon2" || problem "chameleon's tables differ from MariaDB's after the backlogs"
    fi
fi

# ---- scenario 3: live lag ----
live_report=()
if [ "$engine" = t ] && [ "$broken" -eq 0 ]; then
    echo "live: sysbench oltp_write_only, 4 threads, ${live_seconds} s, a marker row every 100 ms ..."
    markers=$((live_seconds * 10))
    lagv_sql="NULL"
    if [ "$(pq "$port_a" -At -c "SELECT to_regclass('sch_chameleon.v_status') IS NOT NULL")" = t ]; then
        # replay_lag is now() - last_replay, and now() stands still inside the watcher's transaction
        lagv_sql="(SELECT extract(epoch FROM clock_timestamp() - last_replay) FROM sch_chameleon.v_status WHERE name = 'bench')"
    fi
    # The watcher polls every 20 ms without writing (no xid held while the workload runs).
    cat > "$dir/watch.sql" <<SQL
SET TimeZone = 'UTC';
CREATE TEMP TABLE seen (id int, lag float8);
CREATE TEMP TABLE sampled (lag float8);
DO \$\$
DECLARE
    last int := 0;
    deadline timestamptz := clock_timestamp() + interval '$((live_seconds + 120)) s';
    ids int[] := '{}';
    lags float8[] := '{}';
    samples float8[] := '{}';
    r record;
    i int := 0;
    v float8;
BEGIN
    WHILE last < $markers AND clock_timestamp() < deadline LOOP
        FOR r IN SELECT id, written FROM sbtest.lag_marker WHERE id > last ORDER BY id LOOP
            ids := ids || r.id;
            lags := lags || extract(epoch FROM clock_timestamp()::timestamp - r.written::timestamp)::float8;
            last := r.id;
        END LOOP;
        i := i + 1;
        IF i % 10 = 0 THEN
            v := $lagv_sql;
            IF v IS NOT NULL THEN samples := samples || v; END IF;
        END IF;
        PERFORM pg_sleep(0.02);
    END LOOP;
    INSERT INTO seen SELECT * FROM unnest(ids, lags);
    INSERT INTO sampled SELECT * FROM unnest(samples);
END
\$\$;
SELECT count(*), round(max(lag)::numeric, 3), round((percentile_cont(0.5) WITHIN GROUP (ORDER BY lag))::numeric, 3),
       round((percentile_cont(0.95) WITHIN GROUP (ORDER BY lag))::numeric, 3) FROM seen;
SELECT count(*), round(max(lag)::numeric, 3), round((percentile_cont(0.5) WITHIN GROUP (ORDER BY lag))::numeric, 3) FROM sampled;
SQL
    pq "$port_a" -At -F ' ' -f "$dir/watch.sql" > "$dir/watch.out" 2>&1 &
    watcher=$!
    bg_pids+=("$watcher")
    sleep 0.5
    (
        for ((i = 1; i <= markers; i++)); do
            echo "INSERT INTO sbtest.lag_marker VALUES ($i, NOW(6));"
            sleep 0.1
        done
    ) | sql sbtest &
    writer=$!
    bg_pids+=("$writer")
    t0=$(now)
    sb oltp_write_only --threads=4 --time="$live_seconds" --events=0 --rand-seed=2 run > "$dir/sysbench3.out"
    t1=$(now)
    wait "$writer" || problem "the marker writer failed"
    wait "$watcher" || problem "the lag watcher failed: $(cat "$dir/watch.out")"
    # oltp_write_only's writes each change one row (ignored errors, if any, aside)
    live_changes=$(awk '/write:/ { print $2 }' "$dir/sysbench3.out")
    live_s=$(elapsed "$t0" "$t1")
    read -r seen maxlag medlag p95lag < <(sed -n 1p "$dir/watch.out")
    read -r nsamp maxv medv < <(sed -n 2p "$dir/watch.out")
    [ "${seen:-0}" -eq "$markers" ] || problem "only ${seen:-0} of $markers marker rows arrived"
    live_report+=("workload: $live_changes row changes in $live_s s = $(rate "$live_changes" "$live_s") changes/s (sysbench's writes, one row each; plus 10 marker rows/s); $(grep -E 'transactions:' "$dir/sysbench3.out" | sed 's/^ *//; s/  */ /g')")
    live_report+=("end-to-end lag of $seen marker rows (written on MariaDB -> visible in PostgreSQL, 20 ms polling): max ${maxlag:--} s, median ${medlag:--} s, p95 ${p95lag:--} s")
    live_report+=("sch_chameleon.v_status lag (clock_timestamp() - last_replay; binlog event times have 1 s resolution) sampled every 200 ms ($nsamp samples): max ${maxv:--} s, median ${medv:--} s")
    ok=$(pq "$port_a" -At -c "SELECT chameleon.wait_for_source('bench', '5 min')" 2>&1) || true
    [ "$ok" = t ] || problem "wait_for_source after the live run: $ok"
    note_memory live
    stop_replica
    mysql_sums > "$dir/sums.mysql3"
    pg_sums "$port_a" sbtest > "$dir/sums.chameleon3"
    cmp -s "$dir/sums.mysql3" "$dir/sums.chameleon3" || problem "chameleon's tables differ from MariaDB's after the live run"
elif [ "$engine" = t ]; then
    live_report+=("skipped: a backlog already went wrong")
fi

# ---- the same changes, decoded by mariadb-binlog ----
sql -N -B -e "SELECT CONCAT(TABLE_SCHEMA, '.', TABLE_NAME), GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION),
        GROUP_CONCAT(IF(COLUMN_KEY = 'PRI', ORDINAL_POSITION - 1, NULL) ORDER BY ORDINAL_POSITION),
        GROUP_CONCAT(IF(COLUMN_TYPE LIKE '%unsigned%', 1, 0) ORDER BY ORDINAL_POSITION)
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'sbtest' AND TABLE_NAME <> 'lag_marker'
    GROUP BY TABLE_SCHEMA, TABLE_NAME" > "$dir/tables.txt"
decode() { # decode FROM_POS TO_POS OUT : the row changes between two "file<TAB>pos" points
    local f0 p0 f1 p1 files=() f
    read -r f0 p0 <<<"$1"
    read -r f1 p1 <<<"$2"
    for f in "$mysql_dir"/data/mariadb-bin.[0-9]*; do
        f=$(basename "$f")
        if [[ ! "$f" < "$f0" ]] && [[ ! "$f" > "$f1" ]]; then files+=("$mysql_dir/data/$f"); fi
    done
    mariadb-binlog --base64-output=DECODE-ROWS -vv --start-position="$p0" --stop-position="$p1" "${files[@]}" |
        perl "$root/test/bench/binlog_changes.pl" "$dir/tables.txt" > "$3"
}
decode "$pos0" "$pos1" "$dir/changes.sysbench" 2> "$dir/decode.sysbench"
decode "$pos1" "$pos2" "$dir/changes.bulk" 2> "$dir/decode.bulk"
[ "$(id -u)" -eq 0 ] && chown "$CHAMELEON_TEST_USER" "$dir"/changes.*
declare -A nrows lim_a_s lim_a_note lim_b_s lim_b_note
for sc in sysbench bulk; do
    nrows[$sc]=$(sed -n 's/.*transactions, \([0-9]*\) row changes.*/\1/p' "$dir/decode.$sc")
    echo "decoded $sc: $(sed 's/^binlog_changes.pl: //' "$dir/decode.$sc")"
done

# ---- limit (a): one session, prepared statements, a round trip per source transaction ----
client() { # client PORT SCHEMA CHANGES -> the RESULT fields
    as_test_user "$dir/replay_client" --conninfo "host=$dir port=$1 dbname=postgres" --schema "$2" \
        --synchronous-commit "$sync_commit" "$3" > "$dir/client.out" || { cat "$dir/client.out"; return 1; }
    sed -n 's/^RESULT //p' "$dir/client.out"
}
for sc in sysbench bulk; do
    checkpoint_all
    perf_start "limit-a-$sc"
    out=$(client "$port_a" lim "$dir/changes.$sc") || problem "limit (a) failed ($sc)"
    perf_stop
    read -r n s bcpu ccpu hwm <<<"$out"
    lim_a_s[$sc]=${s:-}
    lim_a_note[$sc]="backend cpu ${bcpu:-} s, client cpu ${ccpu:-} s, backend VmHWM $(( ${hwm:-0} / 1024 )) MB"
    cpu_sum[a-$sc]=$(awk -v a="${bcpu:-0}" -v b="${ccpu:-0}" 'BEGIN { printf "%.2f", a + b }')
    cpu_max[a-$sc]=${bcpu:-0}
done
pg_sums "$port_a" lim > "$dir/sums.lim"
cmp -s "$dir/sums.mysql2" "$dir/sums.lim" || problem "limit (a): the tables differ from MariaDB's"

# ---- limit (b): PostgreSQL logical replication from P to S ----
for sc in sysbench bulk; do
    k=$([ "$sc" = sysbench ] && echo 1 || echo 2)
    out=$(client "$port_p" sbtest "$dir/changes.$sc") || problem "loading P failed ($sc)"
    read -r n s bcpu ccpu hwm <<<"$out"
    pub_note="applying them on P took ${s:-} s"
    pq "$port_p" -c "INSERT INTO public.bench_marker (id) VALUES ($k)"
    checkpoint_all
    perf_start "limit-b-$sc"
    t0=$(now)
    pq "$port_s" -c "ALTER SUBSCRIPTION bench ENABLE"
    pq "$port_s" -c "SET statement_timeout = '5min'" -c "DO \$\$ BEGIN
        WHILE NOT EXISTS (SELECT 1 FROM public.bench_marker WHERE id = $k) LOOP PERFORM pg_sleep(0.005); END LOOP;
        END \$\$" || problem "limit (b): the subscriber did not catch up ($sc)"
    t1=$(now)
    perf_stop
    lim_b_s[$sc]=$(elapsed "$t0" "$t1")
    ws=$(pq "$port_p" -At -c "SELECT pid FROM pg_stat_replication WHERE application_name = 'bench'")
    aw=$(pq "$port_s" -At -c "SELECT pid FROM pg_stat_subscription WHERE subname = 'bench' AND relid IS NULL")
    wsc=$(cpu_of "${ws:-0}")
    awc=$(cpu_of "${aw:-0}")
    lim_b_note[$sc]="walsender cpu $wsc s, apply worker cpu $awc s, apply worker VmHWM/RssAnon/RssShmem $(mem_of "${aw:-0}" | tr ' ' /) MB; $pub_note"
    cpu_sum[b-$sc]=$(awk -v a="$wsc" -v b="$awc" 'BEGIN { printf "%.2f", a + b }')
    cpu_max[b-$sc]=$(awk -v a="$wsc" -v b="$awc" 'BEGIN { printf "%.2f", (a > b ? a : b) }')
    pq "$port_s" -c "ALTER SUBSCRIPTION bench DISABLE"
    for _ in $(seq 1 100); do
        busy=$(pq "$port_s" -At -c "SELECT count(*) FROM pg_stat_subscription WHERE pid IS NOT NULL")
        active=$(pq "$port_p" -At -c "SELECT count(*) FROM pg_replication_slots WHERE active")
        [ "$busy" = 0 ] && [ "$active" = 0 ] && break
        sleep 0.1
    done
done
pg_sums "$port_s" sbtest > "$dir/sums.sub"
cmp -s "$dir/sums.mysql2" "$dir/sums.sub" || problem "limit (b): the subscriber's tables differ from MariaDB's"

# ---- report ----
echo
echo "replication benchmark: 4 x $table_size rows; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) (others' work"
echo "skews the figures); limit (a) synchronous_commit=$sync_commit,"
echo "limit (b) subscription defaults; seconds are wall clock, from start_replica / ENABLE to caught up"
printf '%-18s %9s | %-18s | %-18s | %-18s | %8s %8s\n' scenario "changes" "chameleon s   /s" "limit (a) s   /s" \
    "limit (b) s   /s" "cham/(a)" "cham/(b)"
for sc in sysbench bulk; do
    n=${nrows[$sc]:-0}
    cs=${cham_s[$sc]:--}
    cr=$([ "$cs" = - ] && echo - || rate "$n" "$cs")
    ar=$(rate "$n" "${lim_a_s[$sc]:-0}")
    br=$(rate "$n" "${lim_b_s[$sc]:-0}")
    printf '%-18s %9s | %7s %10s | %7s %10s | %7s %10s | %8s %8s\n' "$sc backlog" "$n" "$cs" "$cr" \
        "${lim_a_s[$sc]:--}" "$ar" "${lim_b_s[$sc]:--}" "$br" "$(ratio "$cr" "$ar")" "$(ratio "$cr" "$br")"
done
echo
echo "CPU seconds spent on the same changes (less sensitive to others' load than the wall clock): all the"
echo "processes of the path (chameleon: read + replay worker + mariadbd; (a): backend + client; (b): walsender"
echo "+ apply worker), the busiest one, and the changes per CPU second of the busiest — the rate one free"
echo "core per process would allow"
printf '%-18s | %-26s | %-26s | %-26s\n' scenario "chameleon all busiest /s" "limit (a) all busiest /s" \
    "limit (b) all busiest /s"
for sc in sysbench bulk; do
    line=$(printf '%-18s' "$sc backlog")
    for k in cham a b; do
        all=${cpu_sum[$k-$sc]:--}
        top=${cpu_max[$k-$sc]:--}
        line+=$(printf ' | %6s %7s %10s' "$all" "$top" "$([ "$top" = - ] && echo - || rate "${nrows[$sc]:-0}" "$top")")
    done
    echo "$line"
done
echo
for sc in sysbench bulk; do
    echo "$sc: chameleon: ${cham_cpu[$sc]:-not run}"
    echo "$sc: limit (a): ${lim_a_note[$sc]:-}"
    echo "$sc: limit (b): ${lim_b_note[$sc]:-}"
done
if [ "$engine" = t ]; then
    echo "live replay lag (chameleon, 4-thread sysbench oltp_write_only):"
    for l in "${live_report[@]}"; do echo "  $l"; done
    echo "peak memory of the workers (VmHWM includes the shared buffers they touched; RssAnon is private):"
    for l in "${mem_report[@]}"; do echo "  $l"; done
else
    echo "chameleon: SKIPPED (no chameleon.start_replica): no drain, live lag or worker memory figures"
fi
perf_summary() { # perf_summary STEP : busiest processes, then for each its split by object and top symbols
    local data="$dir/perf.$1.data" names="$dir/perf.$1.ps" pid share
    perf report -i "$data" --sort pid --stdio --percent-limit 4 2>/dev/null | grep -v '^#' | grep -v '^$' |
        while read -r share pid; do
            printf '    %7s %-24s %s\n' "$share" "$pid" "$(awk -v t="${pid%%:*}" '$1 == t { $1 = ""; print substr($0, 2, 60) }' "$names")"
        done
    perf report -i "$data" --comms postgres,mariadbd,replay_client --sort pid --stdio --percent-limit 8 2>/dev/null |
        awk '!/^#/ && NF { print $1, $2 }' | head -4 | while read -r share pid; do
        pid=${pid%%:*}
        perf report -i "$data" --pid "$pid" --sort sym --percentage relative --stdio 2>/dev/null |
            awk '!/^#/ && NF' > "$data.$pid.syms"
        echo "  process $pid ($share of the machine's samples; $(awk '$2 == "[k]" { k += $1 } END { printf "%.0f%%", k }' \
            "$data.$pid.syms") of it in the kernel), its top symbols ([k] kernel):"
        head -14 "$data.$pid.syms" | sed 's/^/      /'
    done
}
for step in "${perf_reports[@]}"; do
    echo
    echo "perf, $step: share of the machine's samples per process:"
    perf_summary "$step"
done
if [ "$broken" -ne 0 ]; then
    echo "replication_bench: something broke (see PROBLEM lines above)"
    exit 1
fi
