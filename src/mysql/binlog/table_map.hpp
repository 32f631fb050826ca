// TABLE_MAP_EVENT: the description of a table that the following rows events refer to, with the
// per-type metadata and MySQL 8 / MariaDB 10.5+ optional metadata (signedness, charsets, names,
// ENUM/SET strings, geometry types, primary key, visibility).
#pragma once

#include "common/cpp_only.hpp"

#include "mysql/binlog/charset.hpp"
#include "mysql/binlog/events.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace chameleon::mysql::binlog {

// How the row decoder reads a column (derived once per TABLE_MAP).
enum class ColumnOp : uint8_t {
    kInt8,
    kUInt8,
    kInt16,
    kUInt16,
    kInt24,
    kUInt24,
    kInt32,
    kUInt32,
    kInt64,
    kUInt64,
    kFloat,
    kDouble,
    kDecimal,
    kBit,
    kYear,
    kDate,
    kTime2,
    kDatetime2,
    kTimestamp2,
    kLegacyTime,      // type 11, classic 3-byte format (only with allow_legacy_temporal / fsp 0 hint)
    kLegacyDatetime,  // type 12, 8-byte YYYYMMDDhhmmss
    kLegacyTimestamp, // type 7, 4-byte seconds
    kVarLen1,         // VARCHAR / VAR_STRING, 1-byte length prefix
    kVarLen2,         // ... 2-byte length prefix
    kFixedLen1,       // CHAR / BINARY (STRING), 1-byte length prefix
    kFixedLen2,       // ... 2-byte length prefix
    kEnum1,
    kEnum2,
    kSet,         // 1..8 bytes (ColumnInfo::length)
    kBlob,        // BLOB/TEXT family, ColumnInfo::length = size of the length prefix (1..4)
    kJson,        // MySQL JSON (4-byte length prefix, binary JSON)
    kGeometry,    // length prefix (ColumnInfo::length bytes), SRID + WKB
    kVector,      // MySQL 9 VECTOR: 4-byte length prefix, bytes
    kNullType,    // MYSQL_TYPE_NULL: no data
    kUnsupported, // cannot be decoded (legacy temporal with fractions, pre-5.0 DECIMAL, ...)
};

enum class Signedness : uint8_t { kUnknown, kSigned, kUnsigned };

struct ColumnInfo {
    uint8_t binlog_type = 0; // the code in the TABLE_MAP type array
    uint8_t type = 0;        // effective type: STRING's real type (STRING / ENUM / SET) resolved
    uint16_t meta = 0;       // raw per-type metadata (0, 1 or 2 bytes, little-endian)
    ColumnOp op = ColumnOp::kUnsupported;
    bool nullable = true;
    Signedness signedness = Signedness::kUnknown;
    uint32_t collation = 0; // 0 = unknown
    Charset charset = Charset::kUnknown;
    uint32_t length =
        0; // CHAR/BINARY/VARCHAR: max bytes; BLOB/GEOMETRY/JSON: prefix bytes; SET/ENUM: pack length
    uint32_t char_length = 0;         // CHAR(n): n characters (length / mbmaxlen) when the charset is known
    uint16_t bits = 0;                // BIT(n): n
    uint8_t precision = 0, scale = 0; // DECIMAL
    uint8_t fsp = 0;                  // TIME2/DATETIME2/TIMESTAMP2 fractional digits
    uint32_t geometry_type = 0;
    bool visible = true;
    bool in_primary_key = false;
    uint32_t pk_prefix = 0;
    std::string name;                     // "" when the binlog has no names and no hint supplied one
    std::vector<std::string> enum_values; // ENUM / SET members (UTF-8 when convertible)
    std::string unsupported_reason;       // for op == kUnsupported

    bool IsNumeric() const;   // takes part in the SIGNEDNESS bitmap
    bool IsCharacter() const; // takes part in DEFAULT_CHARSET / COLUMN_CHARSET (STRING, VARCHAR, BLOB)
    bool IsEnumOrSet() const { return type == 247 || type == 248; }
    bool IsBinary() const { return charset == Charset::kBinary; }
};

struct TableMap {
    uint64_t table_id = 0;
    uint16_t flags = 0;
    std::string schema;
    std::string table;
    std::vector<ColumnInfo> columns;
    std::vector<uint32_t> primary_key; // column indexes, in key order
    // Which optional metadata the event carried.
    bool has_signedness = false;
    bool has_charsets = false;
    bool has_column_names = false;
    bool has_enum_set_values = false;
    bool has_primary_key = false;
    bool has_visibility = false;
    std::vector<uint8_t> raw; // the event body, to recognise repeats of the same map cheaply

    // Column index by name (-1 when absent).
    int FindColumn(std::string_view name) const;
};

// Parses a TABLE_MAP_EVENT. Column ops are derived; charset/ENUM/SET strings converted.
// allow_legacy_temporal: decode pre-5.6 TIME/DATETIME/TIMESTAMP columns (types 11/12/7) in their
// classic fsp-0 formats instead of marking them unsupported (only correct when no such column has
// fractional seconds, which the binlog does not say).
void ParseTableMap(const Event &ev, const FormatDescription &fde, TableMap *out,
                   bool allow_legacy_temporal = false);
// The table id of a TABLE_MAP or rows event without parsing the rest.
uint64_t PeekTableId(const Event &ev, const FormatDescription &fde);

// Information from a schema snapshot (information_schema.COLUMNS) that completes or overrides
// what the TABLE_MAP carries, for servers without binlog_row_metadata=FULL.
struct ColumnHint {
    std::optional<std::string> name;
    std::optional<bool> is_unsigned;
    std::optional<uint32_t> collation;
    std::optional<std::vector<std::string>> enum_values; // ENUM/SET members, UTF-8
    std::optional<uint8_t> fsp;                          // for legacy temporal types: 0 allows decoding
};
// Applies hints by position (hints.size() may be smaller than the column count) and re-derives
// the column ops. Throws kInvalidArgument if there are more hints than columns.
void ApplyColumnHints(TableMap *map, const std::vector<ColumnHint> &hints);

// Re-derives ColumnInfo::op etc. from the type/meta/signedness/charset fields.
void DeriveColumn(ColumnInfo *c, bool allow_legacy_temporal);

} // namespace chameleon::mysql::binlog
