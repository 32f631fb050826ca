// Character sets of MySQL/MariaDB collation ids, and conversion of column bytes to UTF-8.
#pragma once

#include "common/cpp_only.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace chameleon::mysql::binlog {

enum class Charset : uint8_t {
    kUnknown = 0, // collation id not known (or not given by the binlog)
    kBinary,      // collation 63: bytes, not text
    kUtf8mb4,
    kUtf8mb3,
    kAscii,
    kLatin1, // MySQL's latin1 is Windows-1252 with the 5 undefined bytes mapped to C1 controls
    kUcs2,
    kUtf16,
    kUtf16le,
    kUtf32,
    kOther, // a known charset we cannot convert (cp1250, sjis, ...): see CollationCharsetName()
};

// The charset of a collation id (MariaDB 10.11 and MySQL 8 ids), kUnknown when the id is unknown.
Charset CharsetOfCollation(uint32_t collation_id);
// The server's name of the charset of a collation id ("utf8mb4", "cp1250", ...), "" when unknown.
const char *CollationCharsetName(uint32_t collation_id);
const char *CharsetName(Charset cs);
// Bytes per character at most (mbmaxlen); 1 for unknown/other single-byte charsets.
unsigned CharsetMaxBytes(Charset cs, uint32_t collation_id);
// True when the charset's bytes are already valid UTF-8 text (utf8mb4, utf8mb3, ascii) once checked.
inline bool IsUtf8Compatible(Charset cs) {
    return cs == Charset::kUtf8mb4 || cs == Charset::kUtf8mb3 || cs == Charset::kAscii;
}

// Whether [p, p+n) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(const uint8_t *p, size_t n);

// Appends the UTF-8 form of bytes in charset `cs` to *out. Returns false when the bytes are not
// valid in that charset, or the charset cannot be converted (kOther/kUnknown/kBinary).
bool AppendUtf8(Charset cs, const uint8_t *p, size_t n, std::string *out);

// Appends a code point as UTF-8.
void AppendCodePoint(uint32_t cp, std::string *out);

} // namespace chameleon::mysql::binlog
