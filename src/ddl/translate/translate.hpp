// Translation of parsed MySQL DDL (ddl/parser) into PostgreSQL statements, against chameleon's
// own record of the replicated tables' MySQL definitions (the schema registry), never against the
// target database.
//
//   Registry registry = ...;                 // the definitions current at this binlog position
//   Context ctx;                             // mappings, overrides, type options, the registry
//   ctx.registry = &registry;
//   for (const parser::Statement &st : parser::Parse(event_sql)) {
//       Translation t = Translate(st, ctx);
//       // kApplied: run t.statements in order, in the batch's transaction, then record
//       //           t.changes (registry.Apply(t) computes the new definitions) with the coordinates;
//       // kIgnored: nothing to do (t.message says why; trace it);
//       // kRefused: stop the tables concerned, error row with t.message and t.offset.
//       if (t.outcome == Outcome::kApplied) registry.Apply(t);
//   }
//
// Names: the PostgreSQL table and its columns have the names ddl::PgName gives (Context::renames),
// in the mapped schema, as the copy names them; enum types are named as init_replica names them
// (EnumTypeName of the PostgreSQL names), indexes as BuildIndexDdl names them. The registry and
// TableChange::definition keep the MySQL names. Nothing throws:
// every failure is a kRefused Translation naming the construct.
#pragma once

#include "common/cpp_only.hpp"

#include "config/config.hpp"
#include "ddl/mysql_schema.hpp"
#include "ddl/parser/ast.hpp"
#include "ddl/parser/parser.hpp"
#include "ddl/table_ddl.hpp"
#include "ddl/type_map.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chameleon::ddl::translate {

struct Translation;

// The MySQL definitions of the replicated tables, by (schema, table). The caller keeps one per
// source, versioned by binlog coordinates.
class Registry {
public:
    const MysqlTable *Find(const std::string &schema, const std::string &table) const;
    std::vector<const MysqlTable *> InSchema(const std::string &schema) const;
    std::vector<const MysqlTable *> All() const;
    void Put(MysqlTable table);
    bool Erase(const std::string &schema, const std::string &table);
    size_t Size() const { return tables_.size(); }
    // Records the table changes of an applied translation (created, altered, renamed, dropped,
    // stopped tables; tables that start replicating are left to the caller, who copies them).
    void Apply(const Translation &translation);

private:
    std::map<std::pair<std::string, std::string>, MysqlTable> tables_;
};

struct Context {
    std::string current_schema;                         // the query event's database (unqualified names)
    std::map<std::string, std::string> schema_mappings; // MySQL schema → PostgreSQL schema
    // limit_tables / skip_tables: whether MySQL table schema.table is replicated (empty: all of a
    // mapped schema are).
    std::function<bool(const std::string &schema, const std::string &table)> replicated;
    const Registry *registry = nullptr; // required
    std::vector<config::TypeOverride> overrides;
    std::vector<config::FillFactor> fillfactor;
    TypeMapOptions types;
    // Table names compare without case (lower_case_table_names = 1 or 2 on the source).
    bool lower_case_table_names = false;
    // The source's rename map: every PostgreSQL table and column name is ddl::PgName's (the
    // configured name, else a system column name with '_', a name over 63 bytes cut and hashed),
    // as the copy names them. Empty: only the built-in rules.
    std::vector<config::Rename> renames;
    // Reserves the names already taken in a PostgreSQL schema before new objects (enum types,
    // indexes) are named there. Empty: only the registry's tables are known.
    std::function<void(const std::string &pg_schema, SchemaNames &names)> reserve_names;
    // The PostgreSQL name of the index created for MySQL index `index` ("PRIMARY" for the primary
    // key) of table pg_schema.pg_table. Empty: the name BuildIndexDdl gives when it is free.
    std::function<std::string(const std::string &pg_schema, const std::string &pg_table,
                              const std::string &index)>
        index_name;
    // The name of the enum type of a column (PostgreSQL table and column names). Empty:
    // EnumTypeName(pg_table, pg_column).
    std::function<std::string(const std::string &pg_schema, const std::string &pg_table,
                              const std::string &column)>
        enum_type_name;
};

enum class Outcome : uint8_t {
    kApplied, // statements (possibly none) and table changes to record
    kIgnored, // the statement does not concern a replicated table
    kRefused, // cannot be read or translated: stop the tables concerned
};

enum class ChangeKind : uint8_t {
    kCreate,           // a new replicated table: definition set
    kCreateFromRows,   // CREATE TABLE ... SELECT: the columns come from the table map of the rows
                       // that follow (definition holds the declared columns and keys only)
    kAlter,            // definition changed (columns, keys, options)
    kRename,           // new_schema.new_table, still replicated (definition carries the new name)
    kDrop,             // dropped: leaves the catalogue
    kTruncate,         // emptied
    kStopReplicating,  // renamed out of the mapped schemas (or filtered out) or its database dropped:
                       // leaves the catalogue, the PostgreSQL table stays as it is
    kStartReplicating, // renamed into a mapped schema: not known yet, the caller copies it
};

const char *ChangeKindName(ChangeKind kind);
const char *OutcomeName(Outcome outcome);

struct TableChange {
    ChangeKind kind = ChangeKind::kAlter;
    std::string schema; // MySQL name before the statement
    std::string table;
    std::string new_schema; // MySQL name after (= before unless renamed)
    std::string new_table;
    std::string pg_schema; // PostgreSQL table after the statement ("" when not replicated)
    std::string pg_table;
    std::optional<MysqlTable> definition;      // the MySQL definition after the statement
    std::vector<std::string> identity_columns; // the key identifying rows after the statement
};

struct Translation {
    Outcome outcome = Outcome::kIgnored;
    std::vector<std::string> statements; // PostgreSQL, to run in this order
    std::vector<TableChange> changes;    // in statement order
    std::vector<std::string> notes;      // what was not carried over (NOTICE / trace material)
    std::string message;                 // kIgnored: why; kRefused: the reason
    size_t offset = 0;                   // kRefused: byte offset in the parsed text
    std::string statement_kind;          // "ALTER TABLE", "GRANT", ... for traces
};

// Translates one parsed statement.
Translation Translate(const parser::Statement &statement, const Context &context);

// Parses `sql` (a query event's text) and translates each of its statements in order, each against
// the registry as the previous ones leave it.
std::vector<Translation> TranslateText(std::string_view sql, const Context &context,
                                       const parser::ParseOptions &options = {});

// The MySQL definition (as information_schema would report it) that CREATE TABLE `create` gives
// to table schema.table; a CREATE TABLE ... LIKE needs `like_source`. Throws chameleon::Error.
MysqlTable TableFromCreate(const parser::CreateTable &create, const std::string &schema, DefaultStyle style,
                           const MysqlTable *like_source = nullptr);

// The MySQL column a column definition gives (ordinal left 0).
MysqlColumn ColumnFromDefinition(const parser::ColumnDef &column, const std::string &table_charset,
                                 DefaultStyle style);

// The definition of `table` after ALTER TABLE `alter` (rename included). Throws chameleon::Error
// naming the clause when the ALTER cannot apply (unknown column, ...).
MysqlTable ApplyAlterTable(const MysqlTable &table, const parser::AlterTable &alter, DefaultStyle style);

} // namespace chameleon::ddl::translate
