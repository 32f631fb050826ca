// A decoded column value: a small tagged struct, PostgreSQL-independent, that refers to the event
// buffer (or the row decoder's scratch space) for variable-length data instead of copying it.
// Nothing here formats text: the replay side turns these into datums directly; value_text.hpp
// has the (slower) text forms for tools and tests.
#pragma once

#include "common/cpp_only.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace chameleon::mysql::binlog {

enum class ValueKind : uint8_t {
    kAbsent,    // column not in this row image (MINIMAL/NOBLOB images): leave the target untouched
    kNull,      // SQL NULL
    kInt,       // i: signed integer (TINYINT..BIGINT signed)
    kUInt,      // u: unsigned integer (TINYINT..BIGINT unsigned)
    kFloat,     // f
    kDouble,    // d
    kDecimal,   // data/size: MySQL packed decimal; precision/scale in the ColumnInfo (DecimalToString)
    kBit,       // u: the bits (BIT(n), n <= 64, value right-aligned); ColumnInfo::bits gives n
    kYear,      // i: 0 (the zero year) or 1901..2155
    kDate,      // date; flags may mark zero / partial-zero dates
    kTime,      // time: signed, hours up to 838, microseconds
    kDateTime,  // datetime (no time zone); flags may mark zero dates
    kTimestamp, // timestamp: seconds since the epoch, UTC; flags kZeroDate for 0
    kString,    // data/size: text, UTF-8 unless DecodeOptions::convert_to_utf8 is off
    kBytes,     // data/size: binary string (BINARY/VARBINARY/BLOB, binary-collated text)
    kEnum,      // u: 1-based index; 0 is the '' error value. Names in ColumnInfo::enum_values
    kSet,       // u: bitmask of members. Names in ColumnInfo::enum_values
    kJson,      // data/size: MySQL binary JSON (JsonBinaryToText); size 0 means JSON null
    kGeometry,  // data/size: 4-byte little-endian SRID followed by WKB
};

const char *ValueKindName(ValueKind kind);

namespace value_flag {
inline constexpr uint8_t kZeroDate = 0x01;    // 0000-00-00 [00:00:00] / TIMESTAMP 0
inline constexpr uint8_t kPartialDate = 0x02; // month or day is 0 but not all of the date
} // namespace value_flag

struct Date {
    uint16_t year;
    uint8_t month;
    uint8_t day;
};

struct Time {
    bool negative;
    uint8_t minute;
    uint8_t second;
    uint32_t hour; // 0..838 (up to 8388607 in principle)
    uint32_t microsecond;
};

struct DateTime {
    uint16_t year;
    uint8_t month, day, hour, minute, second;
    uint32_t microsecond;
};

struct Timestamp {
    int64_t seconds; // since 1970-01-01 00:00:00 UTC
    uint32_t microsecond;
};

struct Value {
    ValueKind kind = ValueKind::kAbsent;
    uint8_t flags = 0;
    uint16_t fsp = 0;  // fractional digits of temporal values
    uint32_t size = 0; // byte length for data-carrying kinds
    union {
        int64_t i;
        uint64_t u;
        float f;
        double d;
        const uint8_t *data;
        Date date;
        Time time;
        DateTime datetime;
        Timestamp timestamp;
    };

    Value() : i(0) {}
    bool IsNull() const { return kind == ValueKind::kNull; }
    bool IsPresent() const { return kind != ValueKind::kAbsent; }
    std::string_view View() const { return std::string_view(reinterpret_cast<const char *>(data), size); }
};

static_assert(sizeof(Value) <= 24, "Value should stay small");

} // namespace chameleon::mysql::binlog
