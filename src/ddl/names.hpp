// The PostgreSQL name of a MySQL table or column: the one function the initial copy, replication
// and DDL replication use for every name, so that the three always agree.
//
// A name is taken as it is when PostgreSQL can take it. Otherwise it gets a deterministic name:
//   - a column named like a PostgreSQL system column (ctid, xmin, xmax, cmin, cmax, tableoid) gets
//     a trailing underscore (xmin -> xmin_);
//   - a name longer than PostgreSQL's 63 bytes is cut on a UTF-8 boundary and given '_' and 8 hex
//     digits of a hash of the whole name, so that two long names sharing a prefix never collide.
// The source's `rename` configuration overrides any of these, for any table or column.
#pragma once

#include "common/cpp_only.hpp"

#include "config/config.hpp"
#include "ddl/mysql_schema.hpp"

#include <string>
#include <vector>

namespace chameleon::ddl {

enum class NameKind { kTable, kColumn };

enum class RenameReason {
    kNone,         // the MySQL name as it is
    kConfigured,   // the source's rename map
    kSystemColumn, // named like a PostgreSQL system column
    kTooLong,      // longer than 63 bytes
};

// "configured", "system column", "too long" ("" for kNone): the catalogue's and the NOTICE's words.
const char *RenameReasonText(RenameReason reason);

struct PgNameResult {
    std::string name;
    RenameReason reason = RenameReason::kNone;
};

// The PostgreSQL name of MySQL table schema.table (kind kTable, `column` ignored) or of its column
// `column` (kColumn), given the source's rename rules (MySQL names, matched exactly).
PgNameResult PgName(NameKind kind, const std::string &schema, const std::string &table,
                    const std::string &column, const std::vector<config::Rename> &renames);

// Shorthands returning only the name.
std::string PgTableName(const std::string &schema, const std::string &table,
                        const std::vector<config::Rename> &renames);
std::string PgColumnName(const std::string &schema, const std::string &table, const std::string &column,
                         const std::vector<config::Rename> &renames);

// `table` with its PostgreSQL names: its own name, its columns', the key parts of its indexes, and
// the columns and referenced table and columns of its foreign keys. The schema stays MySQL's.
MysqlTable WithPgNames(const MysqlTable &table, const std::vector<config::Rename> &renames);

// Is `name` one of PostgreSQL's system column names?
bool IsSystemColumnName(const std::string &name);

} // namespace chameleon::ddl
