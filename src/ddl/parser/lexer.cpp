#include "ddl/parser/lexer.hpp"

#include "ddl/type_map.hpp"

namespace chameleon::ddl::parser {

namespace {

bool IsWordByte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c >= 0x80;
}

bool IsDigit(unsigned char c) {
    return c >= '0' && c <= '9';
}

bool IsHexDigit(unsigned char c) {
    return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsSpace(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int HexValue(unsigned char c) {
    if (IsDigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c - 'A' + 10;
}

// Character sets that may introduce a string literal (_latin1'x').
bool IsCharsetName(std::string_view name) {
    static const char *const kNames[] = {
        "utf8",  "utf8mb3", "utf8mb4", "latin1",   "binary", "ascii",   "ucs2",    "utf16",    "utf16le",
        "utf32", "latin2",  "latin5",  "latin7",   "cp1250", "cp1251",  "cp1256",  "cp1257",   "cp850",
        "cp852", "cp866",   "cp932",   "gbk",      "gb2312", "gb18030", "big5",    "sjis",     "ujis",
        "euckr", "eucjpms", "koi8r",   "koi8u",    "greek",  "hebrew",  "tis620",  "armscii8", "dec8",
        "hp8",   "keybcs2", "macce",   "macroman", "swe7",   "geostd8", "filename"};
    for (const char *n : kNames) {
        std::string_view candidate(n);
        if (candidate.size() != name.size())
            continue;
        bool same = true;
        for (size_t k = 0; k < name.size() && same; ++k) {
            char a = name[k];
            if (a >= 'A' && a <= 'Z')
                a = static_cast<char>(a - 'A' + 'a');
            same = a == candidate[k];
        }
        if (same)
            return true;
    }
    return false;
}

class Lexer {
public:
    Lexer(std::string_view text, const LexOptions &options) : s_(text), options_(options) {}

    LexResult Run() {
        while (true) {
            SkipBlanksAndComments();
            if (!result_.ok)
                break;
            if (i_ >= s_.size())
                break;
            Next();
            if (!result_.ok)
                break;
        }
        Token end;
        end.kind = TokenKind::kEnd;
        end.offset = static_cast<uint32_t>(s_.size());
        result_.tokens.push_back(std::move(end));
        return std::move(result_);
    }

private:
    void Fail(size_t at, std::string message) {
        result_.ok = false;
        result_.error_offset = static_cast<uint32_t>(at);
        result_.error = std::move(message);
    }

    unsigned char At(size_t k) const { return k < s_.size() ? static_cast<unsigned char>(s_[k]) : 0; }

    void SkipBlanksAndComments() {
        while (i_ < s_.size()) {
            unsigned char c = At(i_);
            if (IsSpace(c)) {
                ++i_;
            } else if (c == '#') {
                SkipLine();
            } else if (c == '-' && At(i_ + 1) == '-' &&
                       (i_ + 2 >= s_.size() || IsSpace(At(i_ + 2)) || At(i_ + 2) < 0x20)) {
                SkipLine();
            } else if (c == '/' && At(i_ + 1) == '*') {
                size_t start = i_;
                if (At(i_ + 2) == '!' || (At(i_ + 2) == 'M' && At(i_ + 3) == '!')) {
                    // Versioned comment: its content is read as statement text.
                    i_ += At(i_ + 2) == '!' ? 3 : 4;
                    for (int n = 0; n < 6 && IsDigit(At(i_)); ++n)
                        ++i_;
                    ++versioned_depth_;
                    continue;
                }
                size_t close = s_.find("*/", i_ + 2);
                if (close == std::string_view::npos) {
                    Fail(start, "unterminated comment");
                    return;
                }
                i_ = close + 2;
            } else if (c == '*' && At(i_ + 1) == '/' && versioned_depth_ > 0) {
                --versioned_depth_;
                i_ += 2;
            } else {
                return;
            }
        }
    }

    void SkipLine() {
        while (i_ < s_.size() && s_[i_] != '\n')
            ++i_;
    }

    Token Make(TokenKind kind, size_t start, size_t end) {
        Token t;
        t.kind = kind;
        t.offset = static_cast<uint32_t>(start);
        t.length = static_cast<uint32_t>(end - start);
        t.text = s_.substr(start, end - start);
        return t;
    }

    // Reads a quoted body starting at the opening quote q_at; appends the decoded text to out.
    // Returns false (after Fail) when unterminated.
    bool QuotedBody(size_t q_at, char quote, bool escapes, std::string &out) {
        size_t k = q_at + 1;
        while (k < s_.size()) {
            char c = s_[k];
            if (c == quote) {
                if (k + 1 < s_.size() && s_[k + 1] == quote) {
                    out += quote;
                    k += 2;
                    continue;
                }
                i_ = k + 1;
                return true;
            }
            if (c == '\\' && escapes && k + 1 < s_.size()) {
                AppendMysqlEscape(out, s_[k + 1]);
                k += 2;
                continue;
            }
            out += c;
            ++k;
        }
        Fail(q_at, quote == '`' ? "unterminated quoted identifier" : "unterminated string");
        return false;
    }

    void String(size_t start, size_t quote_at, std::string charset) {
        Token t;
        t.kind = s_[quote_at] == '"' ? TokenKind::kDoubleQuoted : TokenKind::kString;
        if (!QuotedBody(quote_at, s_[quote_at], !options_.no_backslash_escapes, t.value))
            return;
        Token m = Make(t.kind, start, i_);
        m.value = std::move(t.value);
        m.charset = std::move(charset);
        result_.tokens.push_back(std::move(m));
    }

    // X'hex' / B'bits' after the letter at `start`.
    void PrefixedLiteral(size_t start, bool hex) {
        size_t body = start + 2;
        size_t close = s_.find('\'', body);
        if (close == std::string_view::npos) {
            Fail(start, "unterminated string");
            return;
        }
        std::string_view digits = s_.substr(body, close - body);
        Token t = Make(hex ? TokenKind::kHex : TokenKind::kBits, start, close + 1);
        i_ = close + 1;
        if (!DecodeDigits(digits, hex, t.value)) {
            t.kind = TokenKind::kSymbol; // not a valid literal: the parser refuses it
            t.value.clear();
        }
        result_.tokens.push_back(std::move(t));
    }

    static bool DecodeDigits(std::string_view digits, bool hex, std::string &out) {
        if (hex) {
            std::string padded;
            if (digits.size() % 2 != 0) {
                padded = "0";
                padded += digits;
                digits = padded;
            }
            for (size_t k = 0; k < digits.size(); k += 2) {
                unsigned char a = static_cast<unsigned char>(digits[k]);
                unsigned char b = static_cast<unsigned char>(digits[k + 1]);
                if (!IsHexDigit(a) || !IsHexDigit(b))
                    return false;
                out += static_cast<char>(HexValue(a) * 16 + HexValue(b));
            }
            return true;
        }
        for (char c : digits) {
            if (c != '0' && c != '1')
                return false;
        }
        out.assign(digits);
        return true;
    }

    void Next() {
        const size_t start = i_;
        const unsigned char c = At(i_);
        if (c == '\'' || (c == '"' && !options_.ansi_quotes)) {
            String(start, start, "");
            return;
        }
        if (c == '"' || c == '`') {
            Token t;
            if (!QuotedBody(start, static_cast<char>(c), false, t.value))
                return;
            Token m = Make(c == '`' ? TokenKind::kQuotedIdent : TokenKind::kDoubleQuoted, start, i_);
            m.value = std::move(t.value);
            result_.tokens.push_back(std::move(m));
            return;
        }
        if ((c == 'x' || c == 'X' || c == 'b' || c == 'B') && At(i_ + 1) == '\'') {
            PrefixedLiteral(start, c == 'x' || c == 'X');
            return;
        }
        if ((c == 'n' || c == 'N') && At(i_ + 1) == '\'') {
            String(start, start + 1, "utf8mb3");
            return;
        }
        if (c == '.' && IsDigit(At(i_ + 1)) && !AfterName()) {
            ++i_;
            Number(start);
            return;
        }
        if (IsWordByte(c)) {
            Word(start);
            return;
        }
        // Symbols: the longest known operator, else one byte.
        static const char *const kOperators[] = {
            "<=>", "->>", "<=", ">=", "<>", "!=", ":=", "||", "&&", "<<", ">>", "->"};
        for (const char *op : kOperators) {
            std::string_view o(op);
            if (s_.substr(i_, o.size()) == o) {
                i_ += o.size();
                result_.tokens.push_back(Make(TokenKind::kSymbol, start, i_));
                return;
            }
        }
        ++i_;
        result_.tokens.push_back(Make(TokenKind::kSymbol, start, i_));
    }

    // The previous token is a name (t.5 is not a number after t).
    bool AfterName() const {
        if (result_.tokens.empty())
            return false;
        const Token &last = result_.tokens.back();
        if (last.offset + last.length != i_)
            return false; // "DEFAULT .5": a blank before the point
        TokenKind k = last.kind;
        return k == TokenKind::kWord || k == TokenKind::kQuotedIdent ||
               (k == TokenKind::kDoubleQuoted && options_.ansi_quotes);
    }

    // Digits already consumed up to i_ (or a leading '.'): the rest of a decimal number.
    void Number(size_t start) {
        while (IsDigit(At(i_)))
            ++i_;
        if (At(i_) == '.' && s_[start] != '.') {
            ++i_;
            while (IsDigit(At(i_)))
                ++i_;
        }
        if ((At(i_) == 'e' || At(i_) == 'E') &&
            (IsDigit(At(i_ + 1)) || ((At(i_ + 1) == '+' || At(i_ + 1) == '-') && IsDigit(At(i_ + 2))))) {
            i_ += 2;
            while (IsDigit(At(i_)))
                ++i_;
        }
        if (IsWordByte(At(i_)) && s_[start] != '.') {
            // 1abc, 1e5x: an identifier that starts with digits.
            while (IsWordByte(At(i_)))
                ++i_;
            result_.tokens.push_back(Make(TokenKind::kWord, start, i_));
            return;
        }
        result_.tokens.push_back(Make(TokenKind::kNumber, start, i_));
    }

    void Word(size_t start) {
        size_t k = i_;
        while (IsWordByte(At(k)))
            ++k;
        std::string_view word = s_.substr(start, k - start);
        if (IsDigit(At(start))) {
            if (word.size() > 2 && word[0] == '0' && (word[1] == 'x' || word[1] == 'b')) {
                Token t = Make(word[1] == 'x' ? TokenKind::kHex : TokenKind::kBits, start, k);
                if (DecodeDigits(word.substr(2), word[1] == 'x', t.value)) {
                    i_ = k;
                    result_.tokens.push_back(std::move(t));
                    return;
                }
            }
            Number(start);
            return;
        }
        i_ = k;
        if (word.size() > 1 && word[0] == '_' && IsCharsetName(word.substr(1))) {
            size_t q = k;
            while (IsSpace(At(q)))
                ++q;
            if (At(q) == '\'' || (At(q) == '"' && !options_.ansi_quotes)) {
                i_ = q;
                String(start, q, AsciiLowerCopy(word.substr(1)));
                return;
            }
            if ((At(q) == 'x' || At(q) == 'X' || At(q) == 'b' || At(q) == 'B') && At(q + 1) == '\'') {
                i_ = q;
                PrefixedLiteral(q, At(q) == 'x' || At(q) == 'X');
                return;
            }
        }
        result_.tokens.push_back(Make(TokenKind::kWord, start, k));
    }

    static std::string AsciiLowerCopy(std::string_view text) {
        std::string out(text);
        for (char &ch : out) {
            if (ch >= 'A' && ch <= 'Z')
                ch = static_cast<char>(ch - 'A' + 'a');
        }
        return out;
    }

    std::string_view s_;
    LexOptions options_;
    size_t i_ = 0;
    int versioned_depth_ = 0;
    LexResult result_;
};

} // namespace

bool KeywordEquals(std::string_view word, std::string_view keyword) {
    if (word.size() != keyword.size())
        return false;
    for (size_t k = 0; k < word.size(); ++k) {
        char a = word[k];
        if (a >= 'a' && a <= 'z')
            a = static_cast<char>(a - 'a' + 'A');
        if (a != keyword[k])
            return false;
    }
    return true;
}

LexResult Tokenize(std::string_view text, const LexOptions &options) {
    Lexer lexer(text, options);
    return lexer.Run();
}

} // namespace chameleon::ddl::parser
