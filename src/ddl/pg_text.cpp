#include "ddl/pg_text.hpp"

#include <array>

namespace chameleon::ddl {

std::string QuoteIdent(std::string_view name) {
    std::string out;
    out.reserve(name.size() + 2);
    out += '"';
    for (char c : name) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string QualifiedName(std::string_view schema, std::string_view name) {
    return QuoteIdent(schema) + "." + QuoteIdent(name);
}

std::string QuoteLiteral(std::string_view text) {
    bool backslash = text.find('\\') != std::string_view::npos;
    std::string out;
    out.reserve(text.size() + 3);
    if (backslash)
        out += 'E';
    out += '\'';
    for (char c : text) {
        if (c == '\'')
            out += '\'';
        else if (c == '\\')
            out += '\\';
        out += c;
    }
    out += '\'';
    return out;
}

std::string TruncateUtf8(std::string_view text, size_t max_bytes) {
    if (text.size() <= max_bytes)
        return std::string(text);
    size_t end = max_bytes;
    // Step back over continuation bytes (10xxxxxx) to the start of the cut sequence.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80)
        --end;
    return std::string(text.substr(0, end));
}

namespace {
// 0: copy as is; 1: needs an escape; 2: NUL.
constexpr std::array<unsigned char, 256> MakeEscapeTable() {
    std::array<unsigned char, 256> table{};
    table['\\'] = 1;
    table['\n'] = 1;
    table['\r'] = 1;
    table['\t'] = 1;
    table[0] = 2;
    return table;
}
constexpr std::array<unsigned char, 256> kEscape = MakeEscapeTable();
} // namespace

bool AppendCopyText(std::string &out, const char *data, size_t size) {
    const unsigned char *p = reinterpret_cast<const unsigned char *>(data);
    const unsigned char *end = p + size;
    const unsigned char *run = p;
    while (p < end) {
        unsigned char e = kEscape[*p];
        if (e == 0) {
            ++p;
            continue;
        }
        if (e == 2)
            return false;
        out.append(reinterpret_cast<const char *>(run), static_cast<size_t>(p - run));
        out += '\\';
        switch (*p) {
            case '\n':
                out += 'n';
                break;
            case '\r':
                out += 'r';
                break;
            case '\t':
                out += 't';
                break;
            default:
                out += '\\';
                break;
        }
        ++p;
        run = p;
    }
    out.append(reinterpret_cast<const char *>(run), static_cast<size_t>(end - run));
    return true;
}

void AppendHex(std::string &out, const unsigned char *data, size_t size) {
    static const char kDigits[] = "0123456789abcdef";
    size_t base = out.size();
    out.resize(base + size * 2);
    char *w = &out[base];
    for (size_t i = 0; i < size; ++i) {
        w[2 * i] = kDigits[data[i] >> 4];
        w[2 * i + 1] = kDigits[data[i] & 0x0F];
    }
}

std::string AsciiLower(std::string_view text) {
    std::string out(text);
    for (char &c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

} // namespace chameleon::ddl
