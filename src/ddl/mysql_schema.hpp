// The MySQL side of a table as information_schema describes it: columns, indexes, foreign keys.
// Filled by src/mysql/snapshot_metadata.cpp, read by the type map and the DDL generator. Plain
// structs, no server needed to build them (unit tests write them by hand).
#pragma once

#include "common/cpp_only.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chameleon::ddl {

// How the server writes information_schema.COLUMNS.COLUMN_DEFAULT.
enum class DefaultStyle {
    kMariaDb, // MariaDB 10.2.7+: an SQL expression ('text' quoted, NULL, 12, current_timestamp())
    kMySql,   // MySQL: the raw value (text unquoted); expressions flagged DEFAULT_GENERATED in EXTRA
};

struct MysqlColumn {
    std::string name;
    int ordinal = 0;                          // ORDINAL_POSITION, 1-based
    std::string data_type;                    // DATA_TYPE, lower case ("int", "varchar", "enum", ...)
    std::string column_type;                  // COLUMN_TYPE as reported ("int(10) unsigned", "enum('a')")
    bool nullable = true;                     // IS_NULLABLE = 'YES'
    std::optional<std::string> default_value; // COLUMN_DEFAULT (nullopt for SQL NULL)
    std::optional<int64_t> char_max_length;   // CHARACTER_MAXIMUM_LENGTH (characters)
    std::optional<int> numeric_precision;     // NUMERIC_PRECISION
    std::optional<int> numeric_scale;         // NUMERIC_SCALE
    std::optional<int> datetime_precision;    // DATETIME_PRECISION
    std::string extra;                        // EXTRA, lower case ("auto_increment", "virtual generated")
    std::string charset;                      // CHARACTER_SET_NAME ("" for non-character columns)
    std::string comment;                      // COLUMN_COMMENT
    std::string generation_expression;        // GENERATION_EXPRESSION ("" when not generated)
    bool json = false;                        // MySQL JSON, or MariaDB LONGTEXT CHECK (json_valid(col))

    bool Unsigned() const;      // COLUMN_TYPE says "unsigned"
    bool AutoIncrement() const; // EXTRA has auto_increment
    bool Generated() const;     // a VIRTUAL or STORED generated column
};

struct MysqlIndexPart {
    std::string column;          // COLUMN_NAME ("" for a functional part)
    std::optional<int> sub_part; // SUB_PART: prefix length (characters, or bytes for binary columns)
    bool descending = false;     // COLLATION = 'D'
    std::string expression;      // EXPRESSION of a functional key part (MySQL 8), else ""
};

struct MysqlIndex {
    std::string name;                  // INDEX_NAME ("PRIMARY" for the primary key)
    bool unique = false;               // NON_UNIQUE = 0
    std::string index_type;            // INDEX_TYPE, upper case (BTREE, HASH, FULLTEXT, SPATIAL, RTREE)
    std::vector<MysqlIndexPart> parts; // in SEQ_IN_INDEX order

    bool Primary() const { return name == "PRIMARY"; }
};

struct MysqlForeignKey {
    std::string name;
    std::vector<std::string> columns;
    std::string referenced_schema;
    std::string referenced_table;
    std::vector<std::string> referenced_columns;
    std::string update_rule; // CASCADE, SET NULL, SET DEFAULT, RESTRICT, NO ACTION
    std::string delete_rule;
};

struct MysqlTable {
    std::string schema;
    std::string name;
    std::string engine;               // ENGINE ("InnoDB", "MyISAM", ...)
    bool transactional = true;        // ENGINES.TRANSACTIONS = 'YES'
    uint64_t estimated_rows = 0;      // TABLE_ROWS (an estimate for InnoDB)
    uint64_t avg_row_length = 0;      // AVG_ROW_LENGTH
    uint64_t data_length = 0;         // DATA_LENGTH (bytes)
    std::string comment;              // TABLE_COMMENT
    std::vector<MysqlColumn> columns; // in ORDINAL_POSITION order
    std::vector<MysqlIndex> indexes;  // PRIMARY first, then by name
    std::vector<MysqlForeignKey> foreign_keys;

    const MysqlColumn *FindColumn(const std::string &column) const;
    const MysqlIndex *PrimaryKey() const;
    // "`schema`.`table`" for messages.
    std::string Display() const;
};

} // namespace chameleon::ddl
