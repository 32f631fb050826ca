// MySQL binary JSON (the storage format of JSON columns, sql-common/json_binary.cc) to JSON text.
#pragma once

#include "common/cpp_only.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace chameleon::mysql::binlog {

// Appends the JSON text of a binary JSON document to *out, in MySQL's layout
// ({"a": 1, "b": [true, null]}). An empty document (length 0) is JSON null.
// Throws BinlogError(kCorruptEvent) on malformed input.
void JsonBinaryToText(const uint8_t *data, size_t size, std::string *out);

// Appends s as a JSON string literal (quoted, escaped).
void AppendJsonString(const char *s, size_t n, std::string *out);

} // namespace chameleon::mysql::binlog
