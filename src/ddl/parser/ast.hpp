// The parsed form of a MySQL/MariaDB DDL statement: plain structs, no behaviour. Names are as
// written in the statement (unquoted); types and keywords are normalized (see DataType).
#pragma once

#include "common/cpp_only.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace chameleon::ddl::parser {

// schema.table; schema is "" when the statement leaves it to the current database.
struct TableName {
    std::string schema;
    std::string name;
};

// A column type, normalized to what information_schema calls DATA_TYPE: BOOL is tinyint with
// length 1, INTEGER is int, DEC/NUMERIC/FIXED are decimal, REAL and DOUBLE PRECISION double,
// NATIONAL VARCHAR / NVARCHAR / CHARACTER VARYING varchar (national ones with charset utf8mb3),
// LONG VARCHAR mediumtext, CHAR ... CHARACTER SET binary binary, SERIAL bigint unsigned (the column
// gets NOT NULL AUTO_INCREMENT UNIQUE), FLOAT(p) with p > 24 double.
struct DataType {
    std::string name;              // lower case DATA_TYPE ("int", "varchar", "enum", "json", ...)
    std::optional<int64_t> length; // (n): characters, bytes, bits, display width or fractional digits
    std::optional<int> scale;      // (n,s): digits after the point
    bool is_unsigned = false;
    bool zerofill = false;
    bool binary = false;             // the BINARY attribute of a character type (a _bin collation)
    std::vector<std::string> labels; // ENUM / SET labels, unescaped
    std::string charset;             // CHARACTER SET given with the type, lower case ("" if none)
    std::string collation;           // COLLATE given with the type, lower case
    bool serial = false;             // written SERIAL
};

// A DEFAULT (or ON UPDATE) value.
struct DefaultValue {
    enum class Kind : uint8_t {
        kNull,       // DEFAULT NULL
        kString,     // a string literal: text is its value
        kNumber,     // a numeric literal: text as written, sign included ("-1.5")
        kHex,        // X'..' / 0x..: text is the bytes
        kBits,       // B'..' / 0b..: text is the digits
        kExpression, // anything else: text is the source text; CURRENT_TIMESTAMP, NOW() and
                     // LOCALTIMESTAMP spellings are normalized to "current_timestamp()" or
                     // "current_timestamp(n)"
    };
    Kind kind = Kind::kNull;
    std::string text;
};

struct ColumnDef {
    std::string name;
    DataType type;
    std::optional<bool> nullable; // NULL / NOT NULL as written (nullopt: not said)
    std::optional<DefaultValue> default_value;
    bool auto_increment = false;
    std::optional<DefaultValue> on_update; // ON UPDATE CURRENT_TIMESTAMP[(n)]
    std::string comment;
    bool invisible = false;
    std::string generated; // expression text of GENERATED ALWAYS AS (...) ("" when not generated)
    bool stored = false;   // STORED / PERSISTENT (else VIRTUAL)
    bool primary_key = false;
    bool unique_key = false;
    std::vector<std::string> checks; // inline CHECK (...) expression texts
    size_t offset = 0;               // byte offset of the column name
};

struct KeyPart {
    std::string column;            // "" for a functional part
    std::optional<int64_t> length; // prefix length
    bool descending = false;
    std::string expression; // functional key part ((expr)), else ""
};

enum class KeyKind : uint8_t { kPrimary, kUnique, kIndex, kFulltext, kSpatial };

struct KeyDef {
    KeyKind kind = KeyKind::kIndex;
    std::string name;       // index name as written ("" when not given)
    std::string constraint; // CONSTRAINT symbol ("" when not given)
    std::string using_type; // USING BTREE/HASH/RTREE, upper case ("" when not given)
    std::vector<KeyPart> parts;
    std::string comment;
    bool if_not_exists = false;
    size_t offset = 0;
};

struct ForeignKeyDef {
    std::string constraint; // CONSTRAINT symbol ("" when not given)
    std::string index_name; // FOREIGN KEY index_name ("" when not given)
    std::vector<std::string> columns;
    TableName referenced;
    std::vector<std::string> referenced_columns;
    std::string on_delete; // CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION ("" when not given)
    std::string on_update;
    bool if_not_exists = false;
    size_t offset = 0;
};

struct CheckDef {
    std::string name; // CONSTRAINT symbol ("" when not given)
    std::string expression;
};

// Table options as written: ENGINE, COMMENT, CHARSET and the rest (name upper case, value as text).
struct TableOptions {
    std::optional<std::string> engine;
    std::optional<std::string> comment;
    std::optional<std::string> charset;   // lower case
    std::optional<std::string> collation; // lower case
    bool system_versioning = false;       // WITH SYSTEM VERSIONING
    std::vector<std::pair<std::string, std::string>> others;
};

struct CreateTable {
    TableName table;
    bool or_replace = false;
    bool temporary = false;
    bool if_not_exists = false;
    std::vector<ColumnDef> columns;
    std::vector<KeyDef> keys;
    std::vector<ForeignKeyDef> foreign_keys;
    std::vector<CheckDef> checks;
    std::vector<std::string> periods; // PERIOD FOR name (...) (application-time periods)
    TableOptions options;
    std::optional<TableName> like; // CREATE TABLE t LIKE s
    bool as_select = false;        // CREATE TABLE t [(...)] [AS] SELECT ...
    bool partitioned = false;      // PARTITION BY ... (accepted, not replicated as partitions)
};

struct DropTable {
    std::vector<TableName> tables;
    bool temporary = false;
    bool if_exists = false;
};

struct TruncateTable {
    TableName table;
};

struct RenameTable {
    std::vector<std::pair<TableName, TableName>> renames; // from → to, in order
};

enum class AlterKind : uint8_t {
    kAddColumn,      // column, position
    kDropColumn,     // name
    kChangeColumn,   // name (old), column (new definition), position
    kModifyColumn,   // column, position
    kRenameColumn,   // name → new_name
    kSetDefault,     // name, default_value
    kDropDefault,    // name
    kAddKey,         // key
    kDropKey,        // name (index name; "PRIMARY" for DROP PRIMARY KEY)
    kRenameKey,      // name → new_name
    kAddForeignKey,  // foreign_key
    kDropForeignKey, // name
    kAddCheck,       // check
    kDropConstraint, // name: DROP CONSTRAINT / DROP CHECK (the kind is found in the table)
    kRenameTable,    // new_table
    kConvertCharset, // charset, collation
    kTableOptions,   // options (ENGINE=, COMMENT=, DEFAULT CHARSET=, ...)
    kIgnored,        // ALGORITHM, LOCK, FORCE, ENABLE KEYS, harmless partition maintenance, ...
    kPartitionData,  // DROP/TRUNCATE/EXCHANGE PARTITION: rows change without row events
};

struct AlterSpec {
    AlterKind kind = AlterKind::kIgnored;
    std::string name;
    std::string new_name;
    std::optional<ColumnDef> column;
    std::optional<DefaultValue> default_value;
    std::optional<KeyDef> key;
    std::optional<ForeignKeyDef> foreign_key;
    std::optional<CheckDef> check;
    std::optional<TableName> new_table;
    TableOptions options;
    std::string charset;
    std::string collation;
    bool if_exists = false; // IF EXISTS / IF NOT EXISTS
    std::string after;      // AFTER column ("" when not given)
    bool first = false;     // FIRST
    std::string what;       // kIgnored / kPartitionData: the clause, for messages ("ALGORITHM")
    size_t offset = 0;      // byte offset of the clause
};

struct AlterTable {
    TableName table;
    bool if_exists = false;
    std::vector<AlterSpec> specs;
};

struct CreateIndex {
    TableName table;
    KeyDef key;
    bool or_replace = false; // CREATE OR REPLACE INDEX (MariaDB): an index of that name is dropped first
};

struct DropIndex {
    TableName table;
    std::string name;
    bool if_exists = false;
};

// DROP DATABASE / DROP SCHEMA: the tables of a replicated schema go with it.
struct DropDatabase {
    std::string name;
    bool if_exists = false;
};

// A statement that does not concern replicated tables (users, grants, views, routines, triggers,
// events, SAVEPOINT, ANALYZE, OPTIMIZE, FLUSH, temporary tables, CREATE DATABASE, ...).
struct Ignored {
    std::string what; // the statement kind, upper case: "CREATE VIEW", "GRANT", "SAVEPOINT"
};

using StatementBody = std::variant<Ignored, CreateTable, DropTable, TruncateTable, RenameTable, AlterTable,
                                   CreateIndex, DropIndex, DropDatabase>;

// Why a statement cannot be read: where and what.
struct Refusal {
    size_t offset = 0; // byte offset in the text given to Parse
    std::string message;
};

struct Statement {
    size_t begin = 0; // byte range of the statement in the text given to Parse
    size_t end = 0;
    std::optional<Refusal> refusal; // set when the statement cannot be read (body is then Ignored{})
    StatementBody body;
};

} // namespace chameleon::ddl::parser
