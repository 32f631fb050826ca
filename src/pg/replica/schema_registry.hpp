// The schema registry of a source (sch_chameleon.t_schema_registry): the MySQL definition of each
// replicated table, one row per version, by binlog coordinates. The copy records the definitions it
// copied; the read worker records what each DDL statement leaves, in the transaction of the batch
// that holds the statement, and decodes the rows after it with it; the replay worker translates
// each statement against the versions older than its batch. README.md, "DDL replication", says
// what a user sees of it.
#pragma once

#include "ddl/mysql_schema.hpp"
#include "ddl/translate/translate.hpp"
#include "ddl/type_map.hpp"

#include "pg/replica/source.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include "postgres.h"
}

namespace chameleon::pg {

struct RegistryState {
    ddl::translate::Registry registry; // the tables replicated, by MySQL (schema, table)
    // Tables whose latest version says they are not replicated (dropped, renamed away, stopped).
    std::set<std::pair<std::string, std::string>> not_replicated;
    // Tables with any version at all.
    std::set<std::pair<std::string, std::string>> known;
};

// The latest version of each table of the source (inside a transaction with SPI). With
// `before_batch` > 0, only the versions the copy recorded and those of batches before it.
RegistryState LoadRegistry(int64 source_id, int64 before_batch);

// Records a version (inside the caller's transaction). batch_id 0: recorded outside a batch.
// `definition` nullptr: from there on the table is not replicated, for `reason`.
void RecordVersion(int64 source_id, int64 batch_id, const std::string &schema, const std::string &table,
                   const std::string &file, uint64_t position, const ddl::MysqlTable *definition,
                   const std::string &reason);

// The query's parse options from a query event's sql_mode (REAL_AS_FLOAT, ANSI_QUOTES,
// NO_BACKSLASH_ESCAPES).
ddl::parser::ParseOptions ParseOptionsOf(uint64_t sql_mode);

// The translation context of a source: its mappings, limit_tables/skip_tables, type_override,
// fillfactor and rename map, with `types`, against `registry`.
ddl::translate::Context DdlContext(const ReplicaSource &source, const ddl::translate::Registry *registry,
                                   const ddl::TypeMapOptions &types, const std::string &current_schema);

// The replicated tables (MySQL schema, table) of `registry` that a statement's text names (an
// unqualified name is in `current_schema`): the tables a statement that cannot be read or translated
// stops. Text that cannot be tokenized (an unterminated string) names every table whose name it holds.
std::vector<std::pair<std::string, std::string>> NamedTables(const std::string &sql,
                                                             const std::string &current_schema,
                                                             const ddl::translate::Registry &registry,
                                                             const ReplicaSource &source);

// The type options of a source's translations (zero_dates, nul_bytes; postgis from the database).
ddl::TypeMapOptions SourceTypeOptions(const ReplicaSource &source, ddl::DefaultStyle style, bool postgis);

} // namespace chameleon::pg
