// A MySQL table definition (MysqlTable) as JSON text and back, for the versions of table
// definitions the registry keeps in a jsonb catalogue column. Pure C++.
//
// Decode(Encode(t)) equals t field by field for every table. Decode also reads the same text after
// PostgreSQL's jsonb normalisation (keys reordered, whitespace changed, \uXXXX escapes and surrogate
// pairs turned into UTF-8) and accepts an absent optional written as null or left out.
//
// Layout: one object whose keys are the struct's field names, in declaration order:
//   {"schema": .., "name": .., "engine": .., "transactional": true, "estimated_rows": 0, ...,
//    "columns": [{"name": .., "ordinal": 1, ..., "default_value": null, ...}],
//    "indexes": [{"name": .., "unique": true, "index_type": .., "parts": [{"column": .., ...}]}],
//    "foreign_keys": [{"name": .., "columns": [..], ...}]}
// Integers are JSON numbers (uint64 and int64 exact: jsonb keeps integers exact); an absent
// optional is null. Strings hold any bytes: control characters are escaped, bytes >= 0x80 are
// written as they are (UTF-8 expected). PostgreSQL's jsonb refuses \u0000 and, in a UTF8 database,
// invalid UTF-8: a definition holding a NUL byte or invalid UTF-8 round-trips as text, not as jsonb.
#pragma once

#include "common/cpp_only.hpp"
#include "ddl/mysql_schema.hpp"

#include <string>
#include <string_view>

namespace chameleon::ddl {

// `table` as a JSON object (text), every field included.
std::string EncodeTableJson(const MysqlTable &table);

// The table EncodeTableJson wrote. Strict JSON (RFC 8259; bytes >= 0x7f are taken as they are in
// strings, without UTF-8 validation), nesting at most kRegistryJsonMaxDepth deep, linear in the
// input. Unknown keys are skipped (their values still checked as JSON); every key of a
// non-optional field is required, and integers must be written without fraction or exponent.
// Throws chameleon::Error (SQLSTATE 22P02 for malformed JSON, 22000 for a wrong type, a missing or
// repeated known key or an out-of-range integer) whose message names the problem, the key path
// (columns[2].ordinal) where there is one, and the byte offset.
MysqlTable DecodeTableJson(std::string_view json);

// [{"name": .., "type": <column_type>}, ...] in column order, for a catalogue view.
std::string ColumnsSummaryJson(const MysqlTable &table);

inline constexpr int kRegistryJsonMaxDepth = 64;

} // namespace chameleon::ddl
