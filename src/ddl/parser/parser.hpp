// Recursive-descent parser for the DDL of MySQL 5.7/8.x and MariaDB 10.x/11.x binlog query events.
//
//   std::vector<Statement> statements = Parse(event_text, options);
//
// Each statement of the text (split at top-level semicolons; a routine, trigger or event body runs
// to the end of the text) comes back as a Statement: a body (see ast.hpp), or a Refusal giving the
// byte offset and naming the construct that could not be read. Parse never throws on any input
// (short of std::bad_alloc), never recurses deeper than a fixed bound and runs in time linear in
// the text.
#pragma once

#include "common/cpp_only.hpp"

#include "ddl/parser/ast.hpp"
#include "ddl/parser/lexer.hpp"

#include <string_view>
#include <vector>

namespace chameleon::ddl::parser {

struct ParseOptions {
    bool ansi_quotes = false;          // sql_mode ANSI_QUOTES ("x" is an identifier)
    bool no_backslash_escapes = false; // sql_mode NO_BACKSLASH_ESCAPES
    bool real_as_float = false;        // sql_mode REAL_AS_FLOAT (REAL is float, not double)
};

std::vector<Statement> Parse(std::string_view text, const ParseOptions &options = {});

// A short name of the statement kind for traces: "CREATE TABLE", "ALTER TABLE", "GRANT"...
std::string StatementKindName(const StatementBody &body);

} // namespace chameleon::ddl::parser
