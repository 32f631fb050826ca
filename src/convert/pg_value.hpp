// One MySQL value (text protocol bytes) → PostgreSQL input text, optionally escaped for COPY's
// text format. Used by the copy workers for every value, and by the DDL generator for defaults.
#pragma once

#include "common/cpp_only.hpp"

#include "ddl/type_map.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace chameleon::convert {

// The column vocabulary of the type map (ddl/type_map.hpp) that the converters are written in.
using ddl::CopyKind;
using ddl::MappedColumn;

// What a value's conversion needs to know of its column.
struct ValueSpec {
    CopyKind kind = CopyKind::kText;
    int bit_width = 0;
    std::optional<std::string> zero_date_value; // nullopt: zero dates become NULL
    bool strip_nul = false; // NUL bytes in character data are removed (kStripped), not refused (kNulByte)

    static ValueSpec Of(const MappedColumn &column) {
        return ValueSpec{column.kind, column.bit_width, column.zero_date_value, column.strip_nul};
    }
};

enum class ConvertStatus {
    kOk,       // text appended
    kNull,     // the value stands for SQL NULL (a zero date under the NULL policy); nothing appended
    kNulByte,  // character data holding a NUL byte: PostgreSQL text cannot store it
    kStripped, // text appended without its NUL bytes (spec.strip_nul): the caller counts it
    kBadValue, // bytes that do not fit the column (BIT wider than n, truncated geometry)
};

// Appends the PostgreSQL input text of `data` (a non-NULL MySQL value of `size` bytes) to `out`,
// escaped for COPY text format when `copy_escape`. On a status other than kOk, `out` may hold a
// partial value: the caller discards the row buffer or reports.
ConvertStatus AppendPgValue(std::string &out, const ValueSpec &spec, const char *data, size_t size,
                            bool copy_escape);

// `data` without its NUL bytes (the nul_bytes: strip policy).
std::string StripNulBytes(const char *data, size_t size);

// True for a MySQL zero or partial-zero date ('0000-00-00', '2024-00-10', '0000-01-01 ...'): year,
// month or day zero. PostgreSQL has no year 0 and no month/day 0.
bool IsZeroDate(const char *data, size_t size);

// A short, printable form of a value for error messages: at most `max_chars` characters, control
// characters and invalid UTF-8 escaped, binary data as 0x-hex.
std::string DescribeValue(const char *data, size_t size, CopyKind kind, size_t max_chars = 200);

} // namespace chameleon::convert
