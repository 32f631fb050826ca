// Small helpers for SQL-callable C++ functions: arguments in, rows out. Each call into
// PostgreSQL goes through PgCall, so callers may hold C++ objects.
#pragma once

#include <optional>
#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
#include "fmgr.h"
}

namespace chameleon::pg {

// Argument n as a string; throws chameleon::Error (22004) naming `what` when it is NULL.
std::string TextArg(FunctionCallInfo fcinfo, int n, const char *what);

// Argument n (text[]) as strings; NULL elements are refused naming `what`.
std::vector<std::string> TextArrayArg(FunctionCallInfo fcinfo, int n, const char *what);

using Row = std::vector<std::optional<std::string>>;

// Returns `rows` from a set-returning function declared RETURNS TABLE(...) of text columns.
Datum ReturnTextRows(FunctionCallInfo fcinfo, const std::vector<Row> &rows);

// Returns a text value.
Datum ReturnText(const std::string &value);

// Returns a jsonb value parsed from JSON text.
Datum ReturnJsonb(const std::string &json);

} // namespace chameleon::pg
