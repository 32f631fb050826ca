// A value decoded from a binlog row image → the bytes the MySQL text protocol gives for the same
// value in the initial copy's SELECT (its select_expr), so that replicated rows go through the very
// converters of the copy (pg_value.hpp) and arrive identical to copied ones.
#pragma once

#include "common/cpp_only.hpp"

#include "convert/pg_value.hpp"
#include "ddl/type_map.hpp"
#include "mysql/binlog/table_map.hpp"
#include "mysql/binlog/value.hpp"

#include <string>

namespace chameleon::convert {

// What converting one column of a row image needs: the mapping of the copy, and the labels of
// ENUM/SET columns when the table map carries none (binlog_row_metadata=MINIMAL).
struct ReplicatedColumn {
    ddl::MappedColumn mapped;
    ValueSpec spec;
    std::vector<std::string> labels; // ENUM/SET members in MySQL order (from information_schema)
    bool mariadb_uuid = false;       // MariaDB's UUID type: 16 bytes in the binlog
};

// MariaDB's UUID value as its row image carries it (16 bytes in the order of the text form: the
// record order with reversed groups, which MariaDB uses in its tables, does not reach the binlog)
// → its text form.
std::string MariaDbUuidText(const uint8_t *bytes);

enum class BinlogValueStatus {
    kOk,       // PostgreSQL input text appended
    kStripped, // as kOk, with the value's NUL bytes left out (spec.strip_nul): the caller counts it
    kNull,     // SQL NULL (a NULL value, or a zero date under the NULL policy)
    kAbsent,   // not in the row image (binlog_row_image MINIMAL/NOBLOB)
    kNulByte,  // text holding a NUL byte
    kBadValue  // the value does not fit the column (see `problem`)
};

// Appends the PostgreSQL input text (unescaped) of `value` of `column` to `out`. `scratch` is a
// reusable buffer. On kBadValue / kNulByte, `problem` says why in a sentence.
BinlogValueStatus AppendReplicatedValue(std::string &out, std::string &scratch,
                                        const mysql::binlog::Value &value,
                                        const mysql::binlog::ColumnInfo &info, const ReplicatedColumn &column,
                                        std::string *problem);

// The MySQL text-protocol form of `value` (as the copy's SELECT reads it). False for NULL/absent.
bool MysqlTextOf(const mysql::binlog::Value &value, const mysql::binlog::ColumnInfo &info,
                 const ReplicatedColumn &column, std::string &out);

} // namespace chameleon::convert
