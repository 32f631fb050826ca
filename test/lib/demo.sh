#!/usr/bin/env bash
# The demo: installs what chameleon needs, builds and installs it, starts a throwaway MariaDB
# loaded with the Sakila sample database and a throwaway PostgreSQL, and drives chameleon from
# psql the way a DBA would. Both servers are removed at the end, whatever happens.
#
#   make demo            (or: bash test/lib/demo.sh)
#   CHAMELEON_DEMO_KEEP=1 make demo    keeps the servers running and prints how to connect
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

sakila=${CHAMELEON_SAKILA:-$repo/../shared/data/sakila}

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ "$(id -u)" -eq 0 ]; then
    say "Installing packages and building chameleon"
    bash "$here/install-deps.sh"
    make -C "$repo" -j2 >/tmp/chameleon-build.log 2>&1 || { tail -30 /tmp/chameleon-build.log; exit 1; }
    make -C "$repo" install >/tmp/chameleon-install.log 2>&1 || { tail -30 /tmp/chameleon-install.log; exit 1; }
fi

ensure_test_user
work=$(make_scratch demo)
mdb="$work/mariadb"
pgdata="$work/pgdata"
pgport=$(free_port)

cleanup() {
    if [ -n "${CHAMELEON_DEMO_KEEP:-}" ]; then
        echo "Servers kept: MariaDB port $(cat "$mdb/port" 2>/dev/null), PostgreSQL: psql -h 127.0.0.1 -p $pgport postgres"
        echo "Stop them with: $here/mariadb.sh stop $mdb; $PG_BINDIR/pg_ctl -D $pgdata stop; rm -rf $work"
        return
    fi
    as_test_user "$PG_BINDIR/pg_ctl" -D "$pgdata" -m fast stop >/dev/null 2>&1 || true
    as_test_user bash "$here/mariadb.sh" stop "$mdb" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

say "Starting a throwaway MariaDB (binary log ROW, FULL, binlog_row_metadata=FULL)"
myport=$(as_test_user bash "$here/mariadb.sh" start "$mdb")
echo "MariaDB listening on 127.0.0.1:$myport"

if [ -r "$sakila/sakila-mv-schema.sql" ]; then
    say "Loading the Sakila sample database"
    cp "$sakila/sakila-mv-schema.sql" "$sakila/sakila-mv-data.sql" "$work/"
    chmod 644 "$work"/sakila-mv-*.sql
    as_test_user bash "$here/mariadb.sh" client "$mdb" < "$work/sakila-mv-schema.sql"
    as_test_user bash "$here/mariadb.sh" client "$mdb" < "$work/sakila-mv-data.sql"
    origin=sakila
else
    say "Sakila not found at $sakila: creating a small schema instead"
    as_test_user bash "$here/mariadb.sh" client "$mdb" -e "CREATE DATABASE shop;
        CREATE TABLE shop.item (id int PRIMARY KEY, name varchar(40), price decimal(10,2));
        INSERT INTO shop.item VALUES (1, 'tea', 3.50), (2, 'coffee', 4.20);"
    origin=shop
fi
as_test_user bash "$here/mariadb.sh" client "$mdb" -e "
    CREATE USER 'chameleon'@'127.0.0.1' IDENTIFIED BY 'demo-secret';
    GRANT SELECT, LOCK TABLES, RELOAD, REPLICATION CLIENT, REPLICATION SLAVE ON *.* TO 'chameleon'@'127.0.0.1';"
as_test_user bash "$here/mariadb.sh" client "$mdb" -e \
    "SELECT table_name AS '$origin table', table_rows AS 'rows (estimate)' FROM information_schema.tables
      WHERE table_schema = '$origin' AND table_type = 'BASE TABLE' ORDER BY table_name;"

say "Starting a throwaway PostgreSQL with shared_preload_libraries = 'chameleon'"
as_test_user "$PG_BINDIR/initdb" -D "$pgdata" -A trust -U postgres >/dev/null
cat >> "$pgdata/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $pgport
unix_socket_directories = '$work'
shared_preload_libraries = 'chameleon'
CONF
as_test_user "$PG_BINDIR/pg_ctl" -D "$pgdata" -l "$work/postgres.log" -w start >/dev/null

psql_demo() {
    as_test_user "$PG_BINDIR/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -X -v ON_ERROR_STOP=1 \
        --echo-all -P pager=off "$@"
}

say "CREATE EXTENSION and the configuration files"
psql_demo -c "CREATE EXTENSION chameleon;" -c "\dx chameleon" -c "SELECT chameleon.version();" \
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
      $origin: $origin
    my_server_id: 4242
YAML
as_test_user chmod 600 "$config"

say "What chameleon makes of it"
psql_demo -c "SELECT * FROM chameleon.show_config() WHERE source IS NULL OR key IN ('db_conn.host', 'db_conn.port', 'db_conn.password', 'schema_mappings.$origin', 'copy_jobs', 'replica_batch_size');"

say "Registering the source and checking its server"
psql_demo -c "SELECT chameleon.add_source('mysql');" \
    -c "SELECT * FROM chameleon.check_source('mysql');" \
    -c "SELECT id, name, type, status, consistent, config, schema_mappings, log_tables FROM sch_chameleon.v_sources;" \
    -c "SELECT * FROM sch_chameleon.v_status;"

say "The initial copy: consistent, parallel, through PostgreSQL's COPY"
psql_demo -c "SET chameleon.copy_progress_interval = 1;" -c "SELECT chameleon.init_replica('mysql');" \
    -c "SELECT id, name, status, consistent, tables_replicated, high_watermark_file, high_watermark_position FROM sch_chameleon.v_sources;" \
    -c "SELECT v_schema_name, v_table_name, v_table_pkey, t_binlog_name, i_binlog_position FROM sch_chameleon.t_replica_tables ORDER BY 2 LIMIT 5;" \
    -c "\\dt+ $origin.*"

say "Every row arrived: row counts and a checksum of one table, MariaDB against PostgreSQL"
for table in $(as_test_user bash "$here/mariadb.sh" client "$mdb" -N -B -e \
        "SELECT table_name FROM information_schema.tables WHERE table_schema = '$origin' AND table_type = 'BASE TABLE' ORDER BY 1"); do
    my=$(as_test_user bash "$here/mariadb.sh" client "$mdb" -N -B -e "SELECT count(*) FROM \`$origin\`.\`$table\`")
    pg=$(as_test_user "$PG_BINDIR/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -X -A -t \
        -c "SELECT count(*) FROM \"$origin\".\"$table\"")
    printf '  %-16s MariaDB %7s   PostgreSQL %7s   %s\n' "$table" "$my" "$pg" "$([ "$my" = "$pg" ] && echo same || echo DIFFERENT)"
done
if [ "$origin" = sakila ]; then
    my=$(as_test_user bash "$here/mariadb.sh" client "$mdb" -N -B -e \
        "SELECT md5(group_concat(concat_ws('|', payment_id, customer_id, staff_id, ifnull(rental_id, ''), amount, payment_date) ORDER BY payment_id SEPARATOR '\n')) FROM (SELECT * FROM sakila.payment) p" )
    pg=$(as_test_user "$PG_BINDIR/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -X -A -t \
        -c "SELECT md5(string_agg(concat_ws('|', payment_id, customer_id, staff_id, coalesce(rental_id::text, ''), amount, to_char(payment_date, 'YYYY-MM-DD HH24:MI:SS')), E'\n' ORDER BY payment_id)) FROM sakila.payment")
    echo "  sakila.payment md5: MariaDB $my, PostgreSQL $pg: $([ "$my" = "$pg" ] && echo same || echo DIFFERENT)"
fi

say "A mistake is refused with a clear message"
psql_demo -c "SELECT chameleon.add_source('mysql');" 2>&1 || true
psql_demo -c "SELECT chameleon.sync_tables('mysql', ARRAY['sakila.no_such_table']);" 2>&1 || true

say "Demo complete"
