#!/usr/bin/env bash
# The demo: installs what chameleon needs, builds and installs it, starts a throwaway MariaDB
# holding a generated web-shop database (test/demo/shop.sql: five tables, ~27,000 rows) and a
# throwaway PostgreSQL, and drives chameleon from psql the way a DBA would: add_source,
# check_source, init_replica, start_replica, a live workload on MariaDB (test/demo/workload.sql) with
# DDL in its middle (a column and an index added, a table created and filled, a column widened)
# watched through sch_chameleon.v_status and v_tables, wait_for_source, then every table compared
# between MariaDB and PostgreSQL, all columns, row by row. Exits non-zero when they differ.
# Both servers are removed at the end, whatever happens. Nothing outside the repository is read.
#
#   make demo            (or: bash test/lib/demo.sh)
#   CHAMELEON_DEMO_KEEP=1 make demo         keeps the servers running and prints how to connect
#   CHAMELEON_DEMO_SECONDS=30 make demo     length of the live workload (default 18 s)
#   CHAMELEON_DEMO_DESTDIR=/some/dir make demo
#       installs chameleon under that directory (make install DESTDIR=...) next to a private copy
#       of PostgreSQL's server files, and runs that copy: the system's PostgreSQL is left alone
#       (for machines shared with other builds). Default: the system install, as a user would.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

destdir=${CHAMELEON_DEMO_DESTDIR:-}
workload_seconds=${CHAMELEON_DEMO_SECONDS:-18}
schema=shop
failed=0

say() { printf '\n\033[1m== [%3d s] %s\033[0m\n' "$SECONDS" "$*"; }

# A private copy of the PostgreSQL server under $destdir. Its binaries find their lib and share
# directories relative to their own location, so CREATE EXTENSION there loads what
# `make install DESTDIR=$destdir` put there, not the system's chameleon.
private_postgresql() {
    local d
    for d in "$("$PG_BINDIR/pg_config" --bindir)" "$("$PG_BINDIR/pg_config" --pkglibdir)" \
             "$("$PG_BINDIR/pg_config" --sharedir)"; do
        mkdir -p "$destdir$d"
        cp -a "$d/." "$destdir$d/"
    done
    rm -f "$destdir$("$PG_BINDIR/pg_config" --pkglibdir)"/chameleon.so \
          "$destdir$("$PG_BINDIR/pg_config" --sharedir)"/extension/chameleon*
}

if [ "$(id -u)" -eq 0 ]; then
    say "Installing packages and building chameleon"
    bash "$here/install-deps.sh"
fi
if [ "$(id -u)" -eq 0 ] || [ -n "$destdir" ]; then
    make -C "$repo" -j2 >/tmp/chameleon-build.log 2>&1 || { tail -30 /tmp/chameleon-build.log; exit 1; }
    if [ -n "$destdir" ]; then
        destdir=$(mkdir -p "$destdir" && cd "$destdir" && pwd)
        private_postgresql
        make -C "$repo" install DESTDIR="$destdir" >/tmp/chameleon-install.log 2>&1 ||
            { tail -30 /tmp/chameleon-install.log; exit 1; }
        PG_BINDIR=$destdir$("$PG_BINDIR/pg_config" --bindir)
        echo "chameleon installed under $destdir; PostgreSQL runs from $PG_BINDIR"
    else
        make -C "$repo" install >/tmp/chameleon-install.log 2>&1 || { tail -30 /tmp/chameleon-install.log; exit 1; }
    fi
fi

SECONDS=0
ensure_test_user
[ -n "$destdir" ] && [ "$(id -u)" -eq 0 ] && chmod -R a+rX "$destdir"
work=$(make_scratch demo)
mdb="$work/mariadb"
pgdata="$work/pgdata"
pgport=$(free_port)
workload_pid=

cleanup() {
    if [ -n "$workload_pid" ]; then kill "$workload_pid" 2>/dev/null || true; fi
    if [ -n "${CHAMELEON_DEMO_KEEP:-}" ]; then
        echo "Servers kept: MariaDB: $here/mariadb.sh client $mdb   PostgreSQL: psql -h 127.0.0.1 -p $pgport -U postgres postgres"
        echo "Stop them with: $here/mariadb.sh stop $mdb; $PG_BINDIR/pg_ctl -D $pgdata stop; rm -rf $work"
        return
    fi
    as_test_user "$PG_BINDIR/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true
    as_test_user bash "$here/mariadb.sh" stop "$mdb" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

mysql_demo() { as_test_user bash "$here/mariadb.sh" client "$mdb" "$@"; }
psql_demo() {
    as_test_user "$PG_BINDIR/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -X -v ON_ERROR_STOP=1 \
        --echo-all -P pager=off "$@"
}
psql_quiet() {
    as_test_user "$PG_BINDIR/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -X -q -v ON_ERROR_STOP=1 \
        -P pager=off "$@"
}

say "Starting a throwaway MariaDB (binary log ROW, FULL, binlog_row_metadata=FULL)"
myport=$(as_test_user bash "$here/mariadb.sh" start "$mdb")
echo "MariaDB listening on 127.0.0.1:$myport"

say "Generating the source database: a web shop (test/demo/shop.sql)"
mysql_demo < "$repo/test/demo/shop.sql" >/dev/null
mysql_demo < "$repo/test/demo/workload.sql"
mysql_demo -e "
    CREATE USER 'chameleon'@'127.0.0.1' IDENTIFIED BY 'demo-secret';
    GRANT SELECT, LOCK TABLES, RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'chameleon'@'127.0.0.1';"
mysql_demo -t -e "
    SELECT 'customers' AS \`table\`, count(*) AS \`rows\` FROM $schema.customers UNION ALL
    SELECT 'products', count(*) FROM $schema.products UNION ALL
    SELECT 'orders', count(*) FROM $schema.orders UNION ALL
    SELECT 'order_items', count(*) FROM $schema.order_items UNION ALL
    SELECT 'audit_log (no primary key)', count(*) FROM $schema.audit_log;
    SELECT id, name, category, status, price, attributes FROM $schema.products WHERE id IN (3, 17);"

say "Starting a throwaway PostgreSQL with shared_preload_libraries = 'chameleon'"
as_test_user "$PG_BINDIR/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
cat >> "$pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pgport
unix_socket_directories = '$work'
shared_preload_libraries = 'chameleon'
max_worker_processes = 16
CONF
as_test_user "$PG_BINDIR/pg_ctl" -D "$pgdata" -l "$work/postgres.log" -w start >/dev/null

say "CREATE EXTENSION and the configuration files"
psql_demo -c "CREATE EXTENSION chameleon;" -c "SELECT chameleon.version();" \
    -c "SELECT chameleon.set_configuration_files();"

# The configuration a DBA writes after reading config-example.yml: pg_chameleon's format.
config="$pgdata/chameleon/default.yml"
as_test_user tee "$config" >/dev/null <<YAML
type_override:
  "tinyint(1)":
    override_to: boolean
    override_tables:
      - "*"
sources:
  mysql:
    type: mysql
    db_conn:
      host: "127.0.0.1"
      port: "$myport"
      user: "chameleon"
      password: "demo-secret"
      charset: "utf8"
      connect_timeout: 10
    schema_mappings:
      $schema: $schema
    my_server_id: 4242
YAML
as_test_user chmod 600 "$config"
echo "$config:"
sed 's/^/    /' "$config"

say "Registering the source and checking its server"
psql_demo -c "SELECT chameleon.add_source('mysql');" \
    -c "SELECT * FROM chameleon.check_source('mysql');"

say "The initial copy: consistent, parallel, through PostgreSQL's COPY"
psql_demo -c "SET chameleon.copy_progress_interval = 1;" -c "SELECT chameleon.init_replica('mysql');" \
    -c "SELECT name, status, consistent, tables_replicated, high_watermark_file, high_watermark_position FROM sch_chameleon.v_sources;" \
    -c "SELECT table_name, pg_size_pretty(pg_total_relation_size(format('%I.%I', table_schema, table_name))) AS size FROM information_schema.tables WHERE table_schema = '$schema' ORDER BY 1;"
psql_demo <<< "\\d $schema.products"

replication=$(psql_quiet -A -t -c "SELECT to_regproc('chameleon.start_replica') IS NOT NULL AND to_regclass('sch_chameleon.v_tables') IS NOT NULL")
if [ "$replication" = t ]; then
    say "start_replica: a read worker streams the binlog, a replay worker applies it"
    psql_demo -c "SELECT chameleon.start_replica('mysql');"

    status_sql="SELECT name, status, read_lag, replay_lag, pending_batches FROM sch_chameleon.v_status;"
    tables_sql="SELECT * FROM sch_chameleon.v_tables ORDER BY schema_name, table_name;"
    say "A live workload on MariaDB for $workload_seconds s (test/demo/workload.sql); PostgreSQL every 5 s"
    echo "MariaDB: CALL shop_workload.run($workload_seconds, 20): orders placed, paid, shipped, cancelled;"
    echo "prices and JSON changed; primary keys changed; duplicate rows without a key; rolled-back transactions."
    echo "PostgreSQL: $status_sql"
    echo "            $tables_sql"
    demo_ddl="ALTER TABLE shop.customers ADD COLUMN newsletter TINYINT(1) NOT NULL DEFAULT 0, ADD INDEX idx_customers_newsletter (newsletter);
UPDATE shop.customers SET newsletter = 1 WHERE id % 3 = 0;
CREATE TABLE shop.reviews (id INT AUTO_INCREMENT PRIMARY KEY, product_id INT NOT NULL, stars TINYINT UNSIGNED NOT NULL, body TEXT, created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3), KEY idx_reviews_product (product_id));
INSERT INTO shop.reviews (product_id, stars, body) SELECT id, 1 + id % 5, CONCAT('About ', name, ': ', IF(id % 2 = 0, 'great', 'fine')) FROM shop.products ORDER BY id LIMIT 300;
ALTER TABLE shop.products MODIFY name VARCHAR(200) NOT NULL, ALTER COLUMN stock SET DEFAULT 10;"
    mysql_demo -t -e "CALL shop_workload.run($workload_seconds, 20)" > "$work/workload.out" 2>&1 &
    workload_pid=$!
    started=$SECONDS
    next=5
    while kill -0 "$workload_pid" 2>/dev/null; do
        sleep 1
        if [ $(( SECONDS - started )) -ge "$next" ] && kill -0 "$workload_pid" 2>/dev/null; then
            printf -- '-- after %d s of workload\n' $(( SECONDS - started ))
            psql_quiet -P footer=off -c "$status_sql" -c "$tables_sql"
            if [ "$next" -eq 5 ]; then
                # DDL while the workload writes: replicated in the stream, between the rows around it.
                echo "MariaDB, during the workload: $demo_ddl"
                mysql_demo -e "$demo_ddl"
            fi
            next=$(( next + 5 ))
        fi
    done
    wait "$workload_pid" || { cat "$work/workload.out"; exit 1; }
    workload_pid=
    echo "The workload committed on MariaDB:"
    cat "$work/workload.out"
    committed_changes=$(awk -F'|' '/^\| *[0-9]/ { gsub(/ /, "", $5); print $5 }' "$work/workload.out")

    say "wait_for_source: returns once PostgreSQL has applied everything MariaDB had committed"
    # An error here (the source stopped in error) is shown, and the demo goes on to show why.
    wait_out=$(psql_demo -c "SELECT chameleon.wait_for_source('mysql', '60 s');" 2>&1) || true
    printf '%s\n\n' "$wait_out"
    if ! grep -qx ' t' <<< "$wait_out"; then
        echo "PostgreSQL did not catch up with MariaDB"
        failed=1
    fi
    psql_demo -c "$status_sql" -c "$tables_sql" \
        -c "SELECT pid, backend_type, backend_start::time(0) FROM pg_stat_activity WHERE backend_type LIKE 'chameleon%' ORDER BY 2;" \
        -c "SELECT id, email, full_name, country, created_at FROM $schema.customers WHERE id > 100000 ORDER BY id DESC LIMIT 3;" \
        -c "SELECT id, customer_id, status, ordered_at, paid_at, total FROM $schema.orders ORDER BY id DESC LIMIT 3;"
    applied_changes=$(psql_quiet -A -t -c "SELECT sum(inserts + updates + deletes) FROM sch_chameleon.v_tables WHERE source = 'mysql'")
    echo "Row changes the workload committed on MariaDB: $committed_changes, plus those of the DDL step; applied in PostgreSQL (sum of v_tables counters): $applied_changes"
    if [ "$(psql_quiet -A -t -c "SELECT count(*) FROM sch_chameleon.v_errors")" != 0 ]; then
        say "Rows PostgreSQL refused (on_error_replay: continue disables their table)"
        psql_demo -c "SELECT id, schema_name, table_name, key, binlog_position, sql_state, message FROM sch_chameleon.v_errors ORDER BY id;"
        failed=1
    fi
else
    say "This build has no replication engine yet (no chameleon.start_replica): the live part is skipped"
fi

# ---- source versus target ----
# Every row of every table is rendered on each side as a JSON array of its columns, with the same
# formatting: DECIMAL and NUMERIC as text (12.50 stays 12.50), DATETIME and TIMESTAMP as text with
# microseconds in UTC, TINYINT(1) as true/false next to PostgreSQL's boolean, ENUM as its label,
# JSON as JSON (compared as jsonb: key order and spacing do not matter, values do). MariaDB's rows
# are loaded into a temporary table of PostgreSQL and compared as multisets (EXCEPT ALL both ways),
# so duplicate rows of a table without a key count. Floating-point columns would need more care;
# the shop has none.
compare_table() {
    local table=$1 cols my_exprs="" pg_exprs="" names="" name type my pg my_cols
    cols=$(psql_quiet -A -t -F '|' -c "
        SELECT a.attname, CASE WHEN t.typtype = 'e' THEN 'enum' ELSE format_type(a.atttypid, NULL) END
          FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
         WHERE a.attrelid = to_regclass(format('%I.%I', '$schema', '$table')) AND a.attnum > 0 AND NOT a.attisdropped
         ORDER BY a.attnum")
    if [ -z "$cols" ]; then
        printf '  %-12s missing in PostgreSQL\n' "$table"
        return 1
    fi
    while IFS='|' read -r name type; do
        case "$type" in
            "timestamp without time zone"|"timestamp with time zone")
                my="DATE_FORMAT(\`$name\`, '%Y-%m-%d %H:%i:%s.%f')"; pg="to_char(\"$name\", 'YYYY-MM-DD HH24:MI:SS.US')" ;;
            date) my="DATE_FORMAT(\`$name\`, '%Y-%m-%d')"; pg="to_char(\"$name\", 'YYYY-MM-DD')" ;;
            boolean) my="CASE WHEN \`$name\` IS NULL THEN NULL WHEN \`$name\` <> 0 THEN 'true' ELSE 'false' END"; pg="\"$name\"::text" ;;
            json|jsonb) my="JSON_COMPACT(\`$name\`)"; pg="\"$name\"::jsonb" ;;
            smallint|integer|bigint) my="\`$name\`"; pg="\"$name\"" ;;
            *) my="CAST(\`$name\` AS CHAR)"; pg="\"$name\"::text" ;;
        esac
        my_exprs+="${my_exprs:+, }$my"
        pg_exprs+="${pg_exprs:+, }$pg"
        names+="${names:+, }$name"
    done <<< "$cols"
    my_cols=$(mysql_demo -N -B -e "SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position SEPARATOR ', ')
        FROM information_schema.columns WHERE table_schema = '$schema' AND table_name = '$table'")
    if [ "$my_cols" != "$names" ]; then
        printf '  %-12s columns differ: MariaDB (%s), PostgreSQL (%s)\n' "$table" "$my_cols" "$names"
        return 1
    fi
    local result
    result=$(mysql_demo -N -B --raw -e "SET time_zone = '+00:00'; SELECT JSON_ARRAY($my_exprs) FROM \`$schema\`.\`$table\`" |
        psql_quiet -A -t -F ' ' -c "SET TimeZone = 'UTC'" -c "CREATE TEMP TABLE src (r jsonb)" \
            -c "COPY src FROM STDIN (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')" \
            -c "CREATE TEMP TABLE tgt AS SELECT json_build_array($pg_exprs)::jsonb AS r FROM \"$schema\".\"$table\"" \
            -c "CREATE TEMP TABLE only_src AS SELECT r FROM src EXCEPT ALL SELECT r FROM tgt" \
            -c "CREATE TEMP TABLE only_tgt AS SELECT r FROM tgt EXCEPT ALL SELECT r FROM src" \
            -c "SELECT (SELECT count(*) FROM src), (SELECT count(*) FROM tgt), (SELECT count(*) FROM only_src), (SELECT count(*) FROM only_tgt)" \
            -c "(SELECT '    only in MariaDB:    ', r::text FROM only_src ORDER BY 2 LIMIT 3) UNION ALL
                (SELECT '    only in PostgreSQL: ', r::text FROM only_tgt ORDER BY 2 LIMIT 3)")
    local counts my_rows pg_rows only_my only_pg
    counts=$(head -1 <<< "$result")
    read -r my_rows pg_rows only_my only_pg <<< "$counts"
    if [ "$only_my" = 0 ] && [ "$only_pg" = 0 ]; then
        printf '  %-12s rows: %6d, identical\n' "$table" "$my_rows"
        return 0
    fi
    printf '  %-12s DIFFERENT: MariaDB %d rows, PostgreSQL %d rows; %d only in MariaDB, %d only in PostgreSQL\n' \
        "$table" "$my_rows" "$pg_rows" "$only_my" "$only_pg"
    echo "    columns: [$names]"
    tail -n +2 <<< "$result"
    return 1
}

say "Source versus target: every table, every column, row by row"
for table in $(mysql_demo -N -B -e "SELECT table_name FROM information_schema.tables
        WHERE table_schema = '$schema' AND table_type = 'BASE TABLE' ORDER BY 1"); do
    compare_table "$table" || failed=1
done
extra=$(psql_quiet -A -t -c "SELECT string_agg(relname, ', ') FROM pg_class
    WHERE relnamespace = '$schema'::regnamespace AND relkind IN ('r', 'p')" )
for table in ${extra//,/ }; do
    mysql_demo -N -B -e "SELECT 1 FROM information_schema.tables WHERE table_schema = '$schema' AND table_name = '$table'" |
        grep -q 1 || { printf '  %-12s only in PostgreSQL\n' "$table"; failed=1; }
done

if [ "$replication" = t ]; then
    say "stop_replica"
    psql_demo -c "SELECT chameleon.stop_replica('mysql');" -c "SELECT name, status, read_pid, replay_pid FROM sch_chameleon.v_status;"
fi

if [ "$failed" -ne 0 ]; then
    say "Demo FAILED: PostgreSQL differs from MariaDB (above)"
    exit 1
fi
say "Demo complete: PostgreSQL holds exactly what MariaDB holds"
