// Text forms of decoded values, for the dump tool, tests and diagnostics (the replay path uses
// the typed values directly).
#pragma once

#include "common/cpp_only.hpp"

#include "mysql/binlog/table_map.hpp"
#include "mysql/binlog/value.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace chameleon::mysql::binlog {

// MySQL packed DECIMAL(precision, scale) to its exact text: optional '-', integer digits (at least
// "0"), and exactly `scale` fraction digits ("-12.50", "0.000"). Throws kCorruptEvent on bad data.
void DecimalToString(const uint8_t *data, size_t size, int precision, int scale, std::string *out);
// Bytes of a packed DECIMAL(precision, scale).
size_t DecimalBinarySize(int precision, int scale);

void AppendDate(const Date &d, std::string *out);                        // YYYY-MM-DD
void AppendTime(const Time &t, int fsp, std::string *out);               // [-]HH:MM:SS[.f]
void AppendDateTime(const DateTime &dt, int fsp, std::string *out);      // YYYY-MM-DD HH:MM:SS[.f]
void AppendTimestampUtc(const Timestamp &ts, int fsp, std::string *out); // as DATETIME in UTC
// Civil date/time (UTC) of a timestamp.
DateTime TimestampToUtc(const Timestamp &ts);

// The text of a value as the MySQL client would show it, except: binary strings as 0x-hex, BIT as
// b'0101', geometry as SRID=n;0x<wkb>, ENUM/SET as their names (#index / bitmask when names are
// unknown), floats in shortest round-trip form. NULL gives "NULL", absent "<absent>".
void AppendValueText(const Value &v, const ColumnInfo &col, std::string *out);
std::string ValueText(const Value &v, const ColumnInfo &col);

void AppendHex(const uint8_t *p, size_t n, std::string *out); // lower-case, no prefix

} // namespace chameleon::mysql::binlog
