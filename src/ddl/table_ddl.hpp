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
    // Frees a relation name (its object was dropped).
    void ReleaseRelation(const std::string &name) { relations_.erase(name); }

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
    // The source's rename map (ddl::PgName): every name in the DDL is the PostgreSQL one.
    std::vector<config::Rename> renames;
};

// A MySQL table or column name that PostgreSQL takes under another name (ddl::PgName).
struct RenamedName {
    bool column = false;      // false: the table itself
    std::string mysql_column; // when column
    std::string pg_name;
    std::string reason; // RenameReasonText: "configured", "system column", "too long"
};

struct TableDdl {
    std::string schema;                         // PostgreSQL schema
    std::string table;                          // PostgreSQL table name (ddl::PgName)
    std::vector<MappedColumn> columns;          // in MySQL ordinal order, with PostgreSQL names
    std::vector<std::string> enum_types;        // unqualified names of the enum types created
    std::vector<std::string> create_statements; // CREATE TYPE..., CREATE TABLE, sequences, comments
    std::vector<IndexDdl> indexes;              // primary key first, then the others
    std::vector<std::string> identity_columns;  // replica identity: PK, else a unique NOT NULL index
    std::vector<int> key_columns;               // positions in `columns` of the key shown in errors
    std::string select_sql;                     // SELECT <exprs> FROM `schema`.`table`
    std::vector<std::string> notes;             // what did not translate (NOTICE material)
    std::vector<RenamedName> renamed;           // names PostgreSQL takes under another name
};

// A relative estimate of the work of copying a table (loading `rows` rows of `bytes` bytes and
// building its indexes), used to start the most expensive tables first. Types differ a lot in what
// PostgreSQL spends parsing them (jsonb, arrays and timestamps cost several times an integer).
uint64_t EstimateCopyCost(const TableDdl &ddl, uint64_t rows, uint64_t bytes);

// The fillfactor that config.fillfactor gives to origin table schema.table (last matching wins).
std::optional<int> FillFactorFor(const std::vector<config::FillFactor> &rules, const std::string &schema,
                                 const std::string &table);

// Builds the DDL of `table`. `names` holds the names taken in options.schema; the table's own name
// (its PostgreSQL name, ddl::PgName) must already be reserved by the caller (tables are named
// first). Throws chameleon::Error for two columns that get the same PostgreSQL name and unmapped types.
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

// The type text of a mapped column once its enum type (if any) is named (schema-qualified).
std::string ColumnType(const MappedColumn &c, const std::string &schema, const std::string &enum_name);

// The name init_replica wants for the enum type of column `column` of table `table`:
// enum_<table, 20 bytes>_<column, 20 bytes> (pg_chameleon's convention).
std::string EnumTypeName(const std::string &table, const std::string &column);

// CREATE TYPE <qualified_type> AS ENUM ('a', 'b').
std::string CreateEnumTypeSql(const std::string &qualified_type, const std::vector<std::string> &labels);

// A column as written in CREATE TABLE or ALTER TABLE ... ADD COLUMN: name, type, DEFAULT, NOT NULL,
// identity.
std::string ColumnDefinitionSql(const MappedColumn &c, const std::string &type);

// The owned sequence (and the column default using it) of an auto_increment column whose type has
// no identity (numeric(20,0)).
std::vector<std::string> SequenceStatements(const std::string &schema, const std::string &table,
                                            const std::string &column, SchemaNames &names);

// Why an index of `table` is not created in PostgreSQL ("FULLTEXT index", "functional key part",
// ...), or "" when it is.
std::string IndexSkipReason(const MysqlTable &table, const MysqlIndex &index);

// The name of the primary key constraint init_replica gives to `table` (before any _2 suffix).
std::string PrimaryKeyName(const std::string &table);

// The PostgreSQL index (or primary key constraint) of `index`, named through `names`; nullopt
// (and `skip_reason` set) when it is not created. A primary key on prefixes becomes a unique index
// and its columns NOT NULL (statements appended to `column_statements`).
std::optional<IndexDdl> BuildIndexDdl(const MysqlTable &table, const MysqlIndex &index,
                                      const std::vector<MappedColumn> &columns, const std::string &schema,
                                      SchemaNames &names, std::vector<std::string> &column_statements,
                                      std::string &skip_reason);

// The key that identifies rows: the primary key, else the first unique index on NOT NULL whole
// columns; nullptr when there is none.
const MysqlIndex *ReplicaIdentityIndex(const MysqlTable &table);

// Checks that `name` fits in a PostgreSQL identifier; throws chameleon::Error (42622) naming `what`.
void CheckIdentifierLength(const std::string &name, const std::string &what);

} // namespace chameleon::ddl
