#!/usr/bin/env bash
# A throwaway MariaDB for tests, demos and benchmarks.
#
#   mariadb.sh start DIR [--port N] [--server-id N] [-- extra mariadbd options]
#       initialises DIR/data (mariadb-install-db), writes DIR/my.cnf, starts mariadbd on 127.0.0.1
#       with the binary log on (ROW, FULL, binlog_row_metadata=FULL, CRC32), waits until it answers,
#       and writes DIR/port. root@127.0.0.1 and root@localhost have no password.
#   mariadb.sh stop DIR      stops that server (only its own pid) and waits for it to exit.
#   mariadb.sh restart DIR   starts the server of DIR again (same data, port and my.cnf), after a stop.
#   mariadb.sh client DIR [mariadb options]   runs the mariadb client against it.
#
# Run it as the unprivileged user that should own the server (not root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=common.sh
. "$here/common.sh"

cmd=${1:?usage: mariadb.sh start|stop|client DIR ...}
dir=${2:?usage: mariadb.sh start|stop|client DIR ...}
shift 2

start() {
    local port="" server_id=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --port) port=$2; shift 2 ;;
            --server-id) server_id=$2; shift 2 ;;
            --) shift; break ;;
            *) echo "mariadb.sh: unknown option $1" >&2; exit 2 ;;
        esac
    done
    [ -n "$port" ] || port=$(free_port)
    [ -n "$server_id" ] || server_id=$(( (RANDOM << 8 | RANDOM) % 4000000000 + 1000 ))
    mkdir -p "$dir/data"
    dir=$(cd "$dir" && pwd)
    cat > "$dir/my.cnf" <<CNF
[mysqld]
datadir=$dir/data
socket=$dir/mysqld.sock
pid-file=$dir/mysqld.pid
port=$port
bind-address=127.0.0.1
log-error=$dir/mysqld.err
server_id=$server_id
log_bin=$dir/data/mariadb-bin
binlog_format=ROW
binlog_row_image=FULL
binlog_row_metadata=FULL
binlog_checksum=CRC32
binlog_annotate_row_events=ON
max_allowed_packet=256M
innodb_buffer_pool_size=256M
innodb_flush_log_at_trx_commit=2
sync_binlog=0
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
default-time-zone=+00:00
CNF
    for opt in "$@"; do echo "$opt" | sed 's/^--//' >> "$dir/my.cnf"; done
    cat >> "$dir/my.cnf" <<CNF
[client]
socket=$dir/mysqld.sock
port=$port
host=127.0.0.1
user=root
default-character-set=utf8mb4
CNF
    mariadb-install-db --defaults-file="$dir/my.cnf" --auth-root-authentication-method=normal \
        --skip-test-db > "$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
    echo "$port" > "$dir/port"
    launch
}

# Starts mariadbd on DIR's my.cnf and waits until it answers; prints the port.
launch() {
    local port
    port=$(cat "$dir/port")
    nohup mariadbd --defaults-file="$dir/my.cnf" > "$dir/mariadbd.stdout" 2>&1 &
    echo $! > "$dir/mariadbd.launch.pid"
    for _ in $(seq 1 300); do
        if mariadb --defaults-file="$dir/my.cnf" --protocol=tcp -e 'SELECT 1' >/dev/null 2>&1; then
            echo "$port"
            return 0
        fi
        if ! kill -0 "$(cat "$dir/mariadbd.launch.pid")" 2>/dev/null; then
            echo "mariadb.sh: mariadbd exited during start-up:" >&2
            tail -20 "$dir/mysqld.err" >&2 || true
            exit 1
        fi
        sleep 0.1
    done
    echo "mariadb.sh: mariadbd did not answer within 30 s" >&2
    stop
    exit 1
}

stop() {
    local pidfile="$dir/mariadbd.launch.pid" pid
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 300); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

case "$cmd" in
    start) start "$@" ;;
    stop) stop ;;
    restart) dir=$(cd "$dir" && pwd); stop; launch ;;
    client) exec mariadb --defaults-file="$dir/my.cnf" --protocol=tcp "$@" ;;
    *) echo "mariadb.sh: unknown command $cmd" >&2; exit 2 ;;
esac
