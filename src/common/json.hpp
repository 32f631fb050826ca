// Minimal JSON text building for the values chameleon hands to PostgreSQL as jsonb.
#pragma once

#include "common/cpp_only.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chameleon {

// `value` as a JSON string literal, quotes included. Control characters are escaped; bytes >= 0x80
// pass through unchanged (the input is expected to be UTF-8).
std::string JsonString(std::string_view value);

// A JSON object from key/value pairs whose values are already JSON text.
std::string JsonObject(const std::vector<std::pair<std::string, std::string>> &members);

// A JSON array of strings.
std::string JsonStringArray(const std::vector<std::string> &values);

} // namespace chameleon
