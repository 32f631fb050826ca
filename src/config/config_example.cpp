// The text of config-example.yml, written by chameleon.set_configuration_files(). The unit tests
// check that it parses and that it describes every key of the configuration.
#include "config/config.hpp"

namespace chameleon::config {

const std::string &ExampleConfiguration() {
    static const std::string kText = R"yaml(# chameleon configuration example.
#
# Copy this file to <name>.yml in the same directory (the directory is the setting
# chameleon.config_directory), edit it, and make it readable by its owner only:
#
#     cp config-example.yml default.yml && chmod 0600 default.yml
#
# SQL functions take the configuration name, e.g. chameleon.add_source('mysql', 'default').
# chameleon.show_config('default') lists every effective setting and where it comes from.
#
# The format is the one of pg_chameleon 2.x, so an existing pg_chameleon file works as is.
# Booleans may be written true/false, yes/no or on/off; numbers may be quoted ("3306").
# A key left out, or given with no value, takes the default shown below.
#
# pg_chameleon keys that mean nothing inside PostgreSQL are accepted and ignored (show_config
# reports them with origin "ignored"): pg_conn (chameleon writes into the database it runs in),
# pid_dir, log_dir, log_dest, log_level, log_days_keep (messages go to the PostgreSQL server log),
# rollbar_key and rollbar_env. Any other unknown key is an error.
#
# A file that holds a password must not be readable by group or others (chmod 0600).

# ---------------------------------------------------------------------------------------------
# Global settings, shared by every source.
# ---------------------------------------------------------------------------------------------

# type_override: replace the default PostgreSQL type of a MySQL column type. The key is the MySQL
# column type exactly as information_schema.COLUMNS.COLUMN_TYPE shows it (with its dimensions);
# override_to is the PostgreSQL type; override_tables lists the tables ("schema.table", MySQL names)
# where the rule applies, or "*" for every table. Default: no overrides.
type_override:
  "tinyint(1)":
    override_to: boolean
    override_tables:
      - "*"

# fillfactor: tables created with a fillfactor lower than 100 leave room for updates. The key is the
# fillfactor (10 to 100), tables lists "schema.table" (MySQL names). When a table appears under
# several keys, the last one wins. Default: none (PostgreSQL's default of 100).
fillfactor:
  "70":
    tables:
      - sakila.rental
      - sakila.payment

# ---------------------------------------------------------------------------------------------
# Sources: one entry per MySQL or MariaDB server, keyed by the source name given to
# chameleon.add_source(). Only type, db_conn (with user) and schema_mappings are required.
# ---------------------------------------------------------------------------------------------
sources:
  mysql:
    # The only supported type. (pg_chameleon's experimental "pgsql" sources are not supported.)
    type: mysql

    # How to reach the MySQL server.
    db_conn:
      host: "localhost"       # default localhost
      port: "3306"            # default 3306
      user: "usr_replica"     # required; needs REPLICATION CLIENT, REPLICATION SLAVE and SELECT
      password: "change_me"   # default empty
      charset: "utf8"         # default utf8
      connect_timeout: 10     # seconds to establish a connection, default 10
      read_timeout: 60        # seconds any read may wait before the connection is deemed lost,
                              # default 60 (chameleon only)

    # MySQL schema -> PostgreSQL schema. Required, at least one entry. Each destination schema may
    # appear once in a source, and may belong to one source only.
    schema_mappings:
      sakila: sakila_pg

    # Only these tables ("schema.table", MySQL names) of their schema are replicated; schemas that do
    # not appear here are replicated whole. Default: empty (everything). For example:
    #   limit_tables: [sakila.actor, sakila.film]
    limit_tables:

    # Tables never replicated ("schema.table", MySQL names). Default: empty. For example:
    #   skip_tables: [sakila.film_text]
    skip_tables:

    # Roles that get SELECT on the replicated tables and USAGE on their schemas. Default: empty.
    # For example:
    #   grant_select_to: [usr_readonly]
    grant_select_to:

    # Lock wait used when loaded tables or schemas are swapped in. Default "120s".
    lock_timeout: "120s"

    # server_id presented to MySQL when reading the binary log; must be unique among the servers and
    # replicas of the MySQL topology (1 to 4294967295). Default 100.
    my_server_id: 100

    # Row images buffered before they are written to the log tables. Default 10000.
    replica_batch_size: 10000

    # Row images applied to the target tables per replay step. Default 10000.
    replay_max_rows: 10000

    # How long replayed batches are kept in the catalogue (a PostgreSQL interval). Default "1 day".
    batch_retention: "1 day"

    # Memory for one slice of the initial copy of a table: bytes, or a number with suffix k, M or G.
    # Default "300M".
    copy_max_memory: "300M"

    # file: slices go through a CSV file in out_dir; direct: they stay in memory. Default file.
    copy_mode: file

    # Tables copied in parallel by init_replica, sync_tables and refresh_schema (1 to 64).
    # Default 2 (chameleon only).
    copy_jobs: 2

    # Directory for the CSV files of copy_mode file. Default /tmp.
    out_dir: /tmp

    # Seconds between two passes of the read and replay loops. Default 1.
    sleep_loop: 1

    # What a replay error does. continue: the table is taken out of the replica (see the errors
    # view) and replay goes on; exit: the source stops with status error. Default continue.
    on_error_replay: continue

    # What a failed connection of the reader does. continue: retry at the next pass; exit: the
    # source stops with status error. Default exit.
    on_error_read: exit

    # chameleon addition. What a DDL statement on a replicated table that cannot be replicated
    # (chameleon cannot read or translate it) does. table: that table stops at that statement (see
    # the errors view; sync_tables copies it again) and the others go on; source: the source stops
    # with status error (skip_transaction passes over the statement). Default table.
    on_error_ddl: table

    # chameleon addition. What the initial copy (init_replica, sync_tables, refresh_schema) does
    # with a row PostgreSQL refuses. exit: the copy fails, naming the table, the column, the row's
    # key and the value; skip: the row goes to sch_chameleon.t_discarded_rows. Default exit.
    on_error_copy: exit

    # chameleon addition. What MySQL's zero dates (0000-00-00, also in DATETIME and TIMESTAMP)
    # become, since PostgreSQL has none. null: NULL, or -infinity in a NOT NULL column;
    # -infinity: always -infinity. A zero date never fails a row. Default null.
    zero_dates: "null"

    # chameleon addition. What a NUL byte in character data (CHAR, VARCHAR, TEXT, ENUM, SET, JSON)
    # becomes, since PostgreSQL text cannot hold one. error: the copy fails, naming the table, the
    # column, the row's key and the value, and so does replication; strip: the NUL bytes are left
    # out, in the copy and in replicated rows, and the values stripped are counted per table in
    # sch_chameleon.t_replica_tables.i_nul_stripped (a NOTICE of the copy names them). Default error.
    nul_bytes: error

    # Run maintenance (VACUUM of the log tables) when this interval has passed since the last one,
    # or "disabled". Default "disabled".
    auto_maintenance: "disabled"

    # Position the binary log reader with GTIDs (MySQL gtid_mode=ON only). Default false.
    gtid_enable: false

    # Row events not stored, per kind: lists of "schema" or "schema.table" (MySQL names).
    # Default: nothing skipped. For example, "delete: [sakila.payment]" keeps every row ever
    # inserted into sakila.payment, and "insert: [sakila]" ignores inserts in the whole schema.
    skip_events:
      insert:
      update:
      delete:

    # Keep the existing PostgreSQL tables: truncate and reload them instead of creating them
    # again. Default false.
    keep_existing_schema: false

    # MySQL net_read_timeout (seconds) set on the connections of the initial copy. Default 600.
    net_read_timeout: 600

    # chameleon addition, read only by the 1.7 -> 2.0 catalogue migration (upgrade_replica_schema).
    # The migration takes over every 1.x source of the old catalogue whose my_database: destination
    # pair is in schema_mappings, and refuses to run while any other 1.x source is left out; list
    # here the 1.x sources (t_source names) it is meant to leave behind, e.g. those of another MySQL
    # server. They stay in _sch_chameleon_version1. Default: none.
    upgrade_leave_sources:

    # chameleon addition. PostgreSQL names for MySQL tables and columns: "schema.table" or
    # "schema.table.column" (MySQL names) -> a PostgreSQL name of at most 63 bytes. Without an
    # entry a name is kept as it is, except that a column named like a PostgreSQL system column
    # (ctid, xmin, xmax, cmin, cmax, tableoid) takes a trailing "_" (xmin_) and a name longer than
    # 63 bytes is cut and given "_" and 8 hex digits of a hash. init_replica names each renamed
    # name in a NOTICE; sch_chameleon.v_renamed lists them. Default: none. For example:
    #   rename:
    #     sakila.payment: payment_mysql
    #     sakila.payment.xmin: xmin_mysql
    rename:
)yaml";
    return kText;
}

} // namespace chameleon::config
