// chameleon's configuration: YAML files in the style of pg_chameleon 2.x
// (<config_directory>/<name>.yml with global keys and a `sources:` map).
//
// Every key has pg_chameleon's default, so a minimal source needs only `type`, `db_conn` and
// `schema_mappings`. Keys of pg_chameleon that mean nothing in-process (pg_conn, pid_dir, log_*,
// rollbar_*) are accepted and reported as ignored. Unknown keys, wrong types and bad values are
// refused with a chameleon::Error (SQLSTATE F0000) naming the file, the key path and what was expected.
#pragma once

#include "common/cpp_only.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace chameleon::config {

struct DbConn {
    std::string host = "localhost";
    int port = 3306;
    std::string user;
    std::string password;
    std::string charset = "utf8";
    int connect_timeout = 10; // seconds
    int read_timeout = 60;    // seconds, chameleon addition: bounds every read on a MySQL connection
};

struct TypeOverride {
    std::string column_type;                  // MySQL column_type, exact (e.g. "tinyint(1)")
    std::string override_to;                  // PostgreSQL type
    std::vector<std::string> override_tables; // "schema.table", or "*" for all
};

// One entry of a source's `rename` map: MySQL table schema.table (column empty) or its column, and
// the PostgreSQL name it takes.
struct Rename {
    std::string schema;
    std::string table;
    std::string column; // "" for the table itself
    std::string to;
};

struct FillFactor {
    int fillfactor = 100;
    std::vector<std::string> tables; // "schema.table"
};

struct SkipEvents {
    std::vector<std::string> insert_targets; // "schema" or "schema.table"
    std::vector<std::string> update_targets;
    std::vector<std::string> delete_targets;
};

struct SourceConfig {
    std::string name;
    std::string type = "mysql";
    DbConn db_conn;
    // origin MySQL schema -> destination PostgreSQL schema, in file order
    std::vector<std::pair<std::string, std::string>> schema_mappings;
    std::vector<std::string> limit_tables;
    std::vector<std::string> skip_tables;
    std::vector<std::string> grant_select_to;
    std::string lock_timeout = "120s";
    int64_t my_server_id = 100;
    int replica_batch_size = 10000;
    int replay_max_rows = 10000;
    std::string batch_retention = "1 day";
    int64_t copy_max_memory = 300LL * 1024 * 1024; // bytes; YAML accepts "300M", "64k", "1G", bare bytes
    std::string copy_mode = "file";
    std::string out_dir = "/tmp";
    int sleep_loop = 1;
    std::string on_error_replay = "continue"; // continue | exit
    std::string on_error_read = "exit";       // continue | exit
    std::string on_error_ddl = "table";       // table | source: a DDL statement that cannot be replicated
    std::string on_error_copy = "exit";       // exit | skip: rows PostgreSQL refuses in the initial copy
    std::string zero_dates = "null";          // null | -infinity: what MySQL zero dates become
    std::string nul_bytes = "error";          // error | strip: a NUL byte in character data
    std::string auto_maintenance = "disabled";
    bool gtid_enable = false;
    SkipEvents skip_events;
    bool keep_existing_schema = false;
    int net_read_timeout = 600;
    int copy_jobs = 2; // chameleon addition: parallel copy workers
    // chameleon addition: 1.x sources (sch_chameleon.t_sources.t_source of a 1.7 catalogue) that the
    // 1.7 -> 2.0 migration deliberately leaves behind, e.g. because they replicated another server.
    std::vector<std::string> upgrade_leave_sources;
    // chameleon addition: PostgreSQL names for MySQL tables and columns ("schema.table" or
    // "schema.table.column" -> name), over the names chameleon would choose (ddl::PgName).
    std::vector<Rename> rename;
};

struct Configuration {
    std::string name; // "default" for default.yml
    std::string path; // absolute file path
    std::vector<TypeOverride> type_override;
    std::vector<FillFactor> fillfactor;
    std::vector<SourceConfig> sources; // in file order
    // Key paths that were present, accepted for pg_chameleon compatibility, and ignored
    // (e.g. "pg_conn", "pid_dir", "log_dir", "rollbar_key").
    std::vector<std::string> ignored_keys;
    // The value of each ignored key as compact text (same order as ignored_keys), passwords masked.
    std::vector<std::string> ignored_values;
    // Full key paths that the file sets to a non-null value (e.g. "sources.mysql.db_conn.port");
    // EffectiveSettings uses them to tell "file" from "default".
    std::set<std::string> keys_in_file;

    // The source named `source`; throws chameleon::Error (42704) naming the file and listing the
    // sources it defines when there is none.
    const SourceConfig &Source(const std::string &source) const;
};

// One row of chameleon.show_config(): the effective value of every setting.
struct Setting {
    std::string source; // "" for global settings, else the source name
    std::string key;    // key path relative to the source (or global), e.g. "db_conn.port"
    std::string value;  // effective value as text; passwords masked as "********"
    std::string origin; // "file" (set in the file), "default" (pg_chameleon's default), "ignored"
};

// Validates a configuration name (letters, digits, '_', '-', '.'; no '/', not starting with '.').
// Throws chameleon::Error (22023) otherwise.
void CheckConfigName(const std::string &name);

// Loads <directory>/<name>.yml. Throws chameleon::Error (F0000) for a missing or unreadable file,
// bad YAML (with line and column), unknown keys (with the nearest known key suggested), wrong types,
// bad values, and a file holding a password that is readable by group or others.
Configuration LoadConfiguration(const std::string &directory, const std::string &name);

// Parses YAML text; `file_label` is used in error messages. Does not check file permissions.
Configuration ParseConfiguration(const std::string &yaml_text, const std::string &name,
                                 const std::string &file_label);

// Every effective setting, global ones first then per source, in a stable order:
//   global:     type_override, fillfactor (one row each, compact text), then the ignored keys present
//               (origin "ignored", in the order pg_conn, pid_dir, log_dir, log_dest,
//               log_level, log_days_keep, rollbar_key, rollbar_env);
//   per source: type, db_conn.host, .port, .user, .password, .charset, .connect_timeout, .read_timeout,
//               schema_mappings.<origin> (one row per mapping, value = destination schema), limit_tables,
//               skip_tables, grant_select_to, lock_timeout, my_server_id, replica_batch_size,
//               replay_max_rows, batch_retention, copy_max_memory, copy_mode, copy_jobs, out_dir,
//               sleep_loop, on_error_replay, on_error_read, auto_maintenance, gtid_enable,
//               skip_events.insert, skip_events.update, skip_events.delete, keep_existing_schema,
//               net_read_timeout, upgrade_leave_sources, rename.<schema.table[.column]> (one row per
//               entry, value = PostgreSQL name; none when the map is empty).
// Lists show as "[a.b, c.d]" or "(none)", booleans as "true"/"false", sizes as "300M", a non-empty
// password as "********".
std::vector<Setting> EffectiveSettings(const Configuration &configuration);

// The complete, commented config-example.yml written by chameleon.set_configuration_files().
const std::string &ExampleConfiguration();

} // namespace chameleon::config
