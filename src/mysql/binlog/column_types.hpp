// MySQL column type codes as they appear in TABLE_MAP events (enum_field_types).
#pragma once

#include "common/cpp_only.hpp"

#include <cstdint>

namespace chameleon::mysql::binlog {

namespace column_type {
inline constexpr uint8_t kDecimal = 0; // pre-5.0 DECIMAL, not supported
inline constexpr uint8_t kTiny = 1;
inline constexpr uint8_t kShort = 2;
inline constexpr uint8_t kLong = 3;
inline constexpr uint8_t kFloat = 4;
inline constexpr uint8_t kDouble = 5;
inline constexpr uint8_t kNull = 6;
inline constexpr uint8_t kTimestamp = 7;
inline constexpr uint8_t kLongLong = 8;
inline constexpr uint8_t kInt24 = 9;
inline constexpr uint8_t kDate = 10;
inline constexpr uint8_t kTime = 11;
inline constexpr uint8_t kDatetime = 12;
inline constexpr uint8_t kYear = 13;
inline constexpr uint8_t kNewDate = 14;
inline constexpr uint8_t kVarchar = 15;
inline constexpr uint8_t kBit = 16;
inline constexpr uint8_t kTimestamp2 = 17;
inline constexpr uint8_t kDatetime2 = 18;
inline constexpr uint8_t kTime2 = 19;
inline constexpr uint8_t kTypedArray = 20;
inline constexpr uint8_t kVector = 242;
inline constexpr uint8_t kJson = 245;
inline constexpr uint8_t kNewDecimal = 246;
inline constexpr uint8_t kEnum = 247;
inline constexpr uint8_t kSet = 248;
inline constexpr uint8_t kTinyBlob = 249;
inline constexpr uint8_t kMediumBlob = 250;
inline constexpr uint8_t kLongBlob = 251;
inline constexpr uint8_t kBlob = 252;
inline constexpr uint8_t kVarString = 253;
inline constexpr uint8_t kString = 254;
inline constexpr uint8_t kGeometry = 255;
} // namespace column_type

// "TINY", "VARCHAR", ... ("TYPE_<n>" for unknown codes).
const char *ColumnTypeName(uint8_t type);

} // namespace chameleon::mysql::binlog
