// PostgreSQL SQL text helpers for the pure layers: identifiers and literals quoted the way
// PostgreSQL reads them whatever the session settings, and the escaping of COPY's text format.
#pragma once

#include "common/cpp_only.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace chameleon::ddl {

// Longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes).
inline constexpr size_t kMaxIdentifierBytes = 63;

// `name` as a PostgreSQL identifier: always double-quoted, inner quotes doubled. A MySQL name is
// data (DESIGN §3.7): `x"; DROP ...` becomes "x""; DROP ...".
std::string QuoteIdent(std::string_view name);

// "schema"."name".
std::string QualifiedName(std::string_view schema, std::string_view name);

// `text` as a string literal: '...' with quotes doubled, or E'...' with backslashes doubled too
// when it contains a backslash, so it reads the same whatever standard_conforming_strings says.
std::string QuoteLiteral(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not cut a UTF-8 sequence.
std::string TruncateUtf8(std::string_view text, size_t max_bytes);

// Appends `data` to `out` escaped for COPY's text format: backslash, newline, carriage return and
// tab become \\, \n, \r, \t. Returns false (and appends nothing more than what preceded) when the
// data holds a NUL byte, which PostgreSQL text cannot store.
bool AppendCopyText(std::string &out, const char *data, size_t size);

// Appends the lower-case hex digits of `size` bytes.
void AppendHex(std::string &out, const unsigned char *data, size_t size);

// Lower-cases ASCII letters.
std::string AsciiLower(std::string_view text);

} // namespace chameleon::ddl
