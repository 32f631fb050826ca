// MySQL values (text protocol) → PostgreSQL's binary COPY format: the bytes each type's *_recv
// function reads. PostgreSQL parses binary COPY about a third faster than text COPY (no line
// splitting, no escaping, no decimal or date parsing), so tables whose every column has an
// encoder here are loaded in binary; the others in text (copy_value.hpp).
//
// The encoders check what PostgreSQL's input functions would refuse (a day 30 of February, an
// integer out of range, a NUL byte in text) and report it, so the error names the value.
#pragma once

#include "common/cpp_only.hpp"

#include "convert/pg_value.hpp"
#include "ddl/type_map.hpp"

#include <cstdint>
#include <string>

namespace chameleon::convert {

enum class BinaryKind : uint8_t {
    kNone = 0,    // no binary encoder: the table is loaded in text
    kInt2,        // integer text → int16
    kInt4,        // integer text → int32
    kInt8,        // integer text → int64
    kNumeric,     // decimal text → numeric (base 10000 digits)
    kFloat4,      // decimal/exponent text → IEEE single
    kFloat8,      // decimal/exponent text → IEEE double
    kBool,        // "0" / "1" → bool
    kText,        // character data (text, varchar, char, json, enum labels)
    kJsonb,       // JSON text → jsonb (version 1)
    kBytea,       // raw bytes → bytea
    kGeometryWkb, // MySQL internal geometry → bytea of the WKB
    kDate,        // 'YYYY-MM-DD' → days since 2000-01-01
    kTimestamp,   // 'YYYY-MM-DD hh:mm:ss[.f]' → microseconds since 2000-01-01 (no time zone)
    kTimestampTz, // the same, read in UTC → timestamptz
    kInterval,    // MySQL TIME '[-]hhh:mm:ss[.f]' → interval
    kTime,        // MySQL TIME within a day → time
    kVarbit,      // BIT(n) raw bytes → bit varying / bit
    kTextArray,   // SET 'a,b' → text[]
    kUuidText,    // uuid text → uuid
    kUuidBytes,   // BINARY(16) → uuid
};

const char *BinaryKindName(BinaryKind kind);

// The binary encoder for a mapped column (its copy kind and PostgreSQL type), kNone when there is
// none and the table must be loaded in text.
BinaryKind BinaryKindFor(const MappedColumn &column);

// The 19-byte header of binary COPY data, and its trailer (a field count of -1).
const std::string &BinaryCopyHeader();
const std::string &BinaryCopyTrailer();

// Why a value was refused, for an error message.
struct BinaryProblem {
    const char *sqlstate = "22P02";
    std::string message; // e.g. date/time field value out of range: "2021-02-30"
    // Not a problem: set (with true returned) when the value's NUL bytes were left out under
    // spec.strip_nul, for the caller to count.
    bool nul_stripped = false;
};

// Appends one field (int32 length, then the bytes) for a non-NULL MySQL value. The zero-date
// policy of `spec` applies (a NULL field, or -infinity). On a refused value returns false, fills
// `problem` and leaves `out` with a partial field: the caller drops the row.
bool AppendBinaryField(std::string &out, BinaryKind kind, const ValueSpec &spec, const char *data,
                       size_t size, BinaryProblem &problem);

// Appends a NULL field (length -1).
void AppendBinaryNull(std::string &out);

// Appends the int16 field count that starts a row.
void AppendBinaryRowStart(std::string &out, int fields);

} // namespace chameleon::convert
