// Tokenizer for MySQL/MariaDB statement text as it appears in binlog query events.
//
// Comments (/* */, "-- ", #) are dropped; versioned comments (/*!50100 ... */, MariaDB's
// /*M!100100 ... */) are read as if their content were plain text, whatever the version number.
// Strings are decoded (escapes, doubled quotes, adjacent literals are separate tokens), quoted
// identifiers unquoted, and every token keeps the byte offset where it starts so that a refusal can
// point into the statement. The tokenizer never fails on bytes it does not know: they become
// one-byte symbols for the parser to refuse; only an unterminated string, quoted identifier or
// comment is an error.
#pragma once

#include "common/cpp_only.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chameleon::ddl::parser {

enum class TokenKind : uint8_t {
    kEnd,          // after the last token
    kWord,         // unquoted identifier or keyword (text is the spelling)
    kQuotedIdent,  // `backtick quoted` (value is the name)
    kDoubleQuoted, // "double quoted": an identifier under ANSI_QUOTES, else a string (value)
    kString,       // 'single quoted', N'...' or _charset'...' (value decoded, charset the introducer)
    kNumber,       // 12, 1.5, 1e3, .5 (text)
    kHex,          // X'41', 0x41 (value: the bytes)
    kBits,         // B'101', 0b101 (value: the digits '0'/'1')
    kSymbol,       // punctuation and operators (text)
};

struct Token {
    TokenKind kind = TokenKind::kEnd;
    uint32_t offset = 0;   // byte offset of the token in the text
    uint32_t length = 0;   // bytes of source text the token spans
    std::string_view text; // the source text of the token
    std::string value;     // decoded value (strings, quoted identifiers, hex and bit literals)
    std::string charset; // character set introducer of a string (_utf8mb4'x' → "utf8mb4"; N'x' → "utf8mb3")
};

struct LexOptions {
    bool ansi_quotes = false;          // sql_mode ANSI_QUOTES: "x" is an identifier
    bool no_backslash_escapes = false; // sql_mode NO_BACKSLASH_ESCAPES: \ is an ordinary character
};

struct LexResult {
    std::vector<Token> tokens; // always ends with a kEnd token
    bool ok = true;
    uint32_t error_offset = 0; // where the unterminated construct starts
    std::string error;         // what is unterminated
};

// Tokenizes `text` (at most 4 GiB). Linear in the size of the text.
LexResult Tokenize(std::string_view text, const LexOptions &options = {});

// Case-insensitive ASCII comparison of a word with a keyword written in upper case.
bool KeywordEquals(std::string_view word, std::string_view keyword);

} // namespace chameleon::ddl::parser
