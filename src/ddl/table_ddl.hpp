// PostgreSQL DDL for a MySQL table: enum types, CREATE TABLE with NOT NULL, defaults and identity,
// comments; the primary key and indexes to build after the data; foreign keys; and the SELECT that
// reads the table from MySQL. Every name is quoted (DESIGN §3.7).
#pragma once

#include "common/cpp_only.hpp"

#include "config/config.hpp"
#include "ddl/mysql_schema.hpp"
#include "ddl/type_map.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace chameleon::ddl {

// Names already taken in one PostgreSQL schema: relations (tables, indexes, sequences) share one
// namespace, types (enum types and the row types of tables) another.
class SchemaNames {
public:
    // Reserves `name` as a relation; false when it is taken.
    bool TryRelation(const std::string &name);
    // A free relation name: `wanted` if free, else `wanted` cut and suffixed _2, _3...; reserved.
    std::string Relation(const std::string &wanted);
    // The same for type names.
    std::string Type(const std::string &wanted);

private:
    std::string Unique(std::set<std::string> &used, const std::string &wanted);
    std::set<std::string> relations_;
    std::set<std::string> types_;
};

struct IndexDdl {
    std::string name;     // PostgreSQL index (or constraint) name
    std::string sql;      // the statement
    bool primary = false; // ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY
    bool unique = false;
};

struct TableDdlOptions {
    std::string schema;            // PostgreSQL schema the table is created in
    std::optional<int> fillfactor; // WITH (fillfactor=N)
    TypeMapOptions types;
    std::vector<config::TypeOverride> overrides;
    // keep_existing_schema: the existing column types, by column name (columns not listed are mapped).
    std::map<std::string, std::string> existing_types;
};

struct TableDdl {
    std::string schema;                         // PostgreSQL schema
    std::string table;                          // PostgreSQL table name (= MySQL name)
    std::vector<MappedColumn> columns;          // in MySQL ordinal order
    std::vector<std::string> enum_types;        // unqualified names of the enum types created
    std::vector<std::string> create_statements; // CREATE TYPE..., CREATE TABLE, sequences, comments
    std::vector<IndexDdl> indexes;              // primary key first, then the others
    std::vector<std::string> identity_columns;  // replica identity: PK, else a unique NOT NULL index
    std::vector<int> key_columns;               // positions in `columns` of the key shown in errors
    std::string select_sql;                     // SELECT <exprs> FROM `schema`.`table`
    std::vector<std::string> notes;             // what did not translate (NOTICE material)
};

// A relative estimate of the work of copying a table (loading `rows` rows of `bytes` bytes and
// building its indexes), used to start the most expensive tables first. Types differ a lot in what
// PostgreSQL spends parsing them (jsonb, arrays and timestamps cost several times an integer).
uint64_t EstimateCopyCost(const TableDdl &ddl, uint64_t rows, uint64_t bytes);

// The fillfactor that config.fillfactor gives to origin table schema.table (last matching wins).
std::optional<int> FillFactorFor(const std::vector<config::FillFactor> &rules, const std::string &schema,
                                 const std::string &table);

// Builds the DDL of `table`. `names` holds the names taken in options.schema; the table's own name
// must already be reserved by the caller (tables are named first). Throws chameleon::Error for
// identifiers longer than 63 bytes and unmapped types.
TableDdl BuildTableDdl(const MysqlTable &table, const TableDdlOptions &options, SchemaNames &names);

// ALTER TABLE ... ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID, and its VALIDATE CONSTRAINT, for a
// MySQL foreign key of table `table` (created in `schema`), the referenced table being in
// `referenced_schema`.
struct ForeignKeyDdl {
    std::string create_sql;
    std::string validate_sql;
};
ForeignKeyDdl BuildForeignKeyDdl(const std::string &schema, const std::string &table,
                                 const MysqlForeignKey &fk, const std::string &referenced_schema);

// The SELECT reading `columns` of MySQL table schema.table.
std::string BuildSelect(const std::string &schema, const std::string &table,
                        const std::vector<MappedColumn> &columns);

// Checks that `name` fits in a PostgreSQL identifier; throws chameleon::Error (42622) naming `what`.
void CheckIdentifierLength(const std::string &name, const std::string &what);

} // namespace chameleon::ddl
