#include "ddl/registry_codec.hpp"

#include "common/error.hpp"
#include "common/json.hpp"

#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace chameleon::ddl {

// ---------------------------------------------------------------- encoding

namespace {

using Members = std::vector<std::pair<std::string, std::string>>;

template <typename T>
std::string Number(T value) {
    return std::to_string(value);
}

std::string Bool(bool value) {
    return value ? "true" : "false";
}

std::string OptionalString(const std::optional<std::string> &value) {
    return value ? JsonString(*value) : "null";
}

template <typename T>
std::string OptionalNumber(const std::optional<T> &value) {
    return value ? Number(*value) : "null";
}

template <typename T, typename F>
std::string Array(const std::vector<T> &values, F encode) {
    std::string out = "[";
    for (size_t i = 0; i < values.size(); i++) {
        if (i > 0)
            out += ", ";
        out += encode(values[i]);
    }
    out += "]";
    return out;
}

std::string EncodeColumn(const MysqlColumn &c) {
    return JsonObject({
        {"name", JsonString(c.name)},
        {"ordinal", Number(c.ordinal)},
        {"data_type", JsonString(c.data_type)},
        {"column_type", JsonString(c.column_type)},
        {"nullable", Bool(c.nullable)},
        {"default_value", OptionalString(c.default_value)},
        {"char_max_length", OptionalNumber(c.char_max_length)},
        {"numeric_precision", OptionalNumber(c.numeric_precision)},
        {"numeric_scale", OptionalNumber(c.numeric_scale)},
        {"datetime_precision", OptionalNumber(c.datetime_precision)},
        {"extra", JsonString(c.extra)},
        {"charset", JsonString(c.charset)},
        {"comment", JsonString(c.comment)},
        {"generation_expression", JsonString(c.generation_expression)},
        {"json", Bool(c.json)},
    });
}

std::string EncodeIndexPart(const MysqlIndexPart &p) {
    return JsonObject({
        {"column", JsonString(p.column)},
        {"sub_part", OptionalNumber(p.sub_part)},
        {"descending", Bool(p.descending)},
        {"expression", JsonString(p.expression)},
    });
}

std::string EncodeIndex(const MysqlIndex &i) {
    return JsonObject({
        {"name", JsonString(i.name)},
        {"unique", Bool(i.unique)},
        {"index_type", JsonString(i.index_type)},
        {"parts", Array(i.parts, EncodeIndexPart)},
    });
}

std::string EncodeForeignKey(const MysqlForeignKey &f) {
    return JsonObject({
        {"name", JsonString(f.name)},
        {"columns", JsonStringArray(f.columns)},
        {"referenced_schema", JsonString(f.referenced_schema)},
        {"referenced_table", JsonString(f.referenced_table)},
        {"referenced_columns", JsonStringArray(f.referenced_columns)},
        {"update_rule", JsonString(f.update_rule)},
        {"delete_rule", JsonString(f.delete_rule)},
    });
}

} // namespace

std::string EncodeTableJson(const MysqlTable &t) {
    return JsonObject({
        {"schema", JsonString(t.schema)},
        {"name", JsonString(t.name)},
        {"engine", JsonString(t.engine)},
        {"transactional", Bool(t.transactional)},
        {"estimated_rows", Number(t.estimated_rows)},
        {"avg_row_length", Number(t.avg_row_length)},
        {"data_length", Number(t.data_length)},
        {"comment", JsonString(t.comment)},
        {"columns", Array(t.columns, EncodeColumn)},
        {"indexes", Array(t.indexes, EncodeIndex)},
        {"foreign_keys", Array(t.foreign_keys, EncodeForeignKey)},
    });
}

std::string ColumnsSummaryJson(const MysqlTable &table) {
    return Array(table.columns, [](const MysqlColumn &c) {
        return JsonObject({{"name", JsonString(c.name)}, {"type", JsonString(c.column_type)}});
    });
}

// ---------------------------------------------------------------- decoding

namespace {

// A strict JSON reader that decodes as it reads (no document tree): the decoder below asks for the
// value it expects next. Nesting is counted (kRegistryJsonMaxDepth); SkipValue, the only recursion,
// stops there.
class Reader {
public:
    explicit Reader(std::string_view text) : text_(text) {}

    [[noreturn]] void Fail(size_t offset, const std::string &what,
                           const char *state = sqlstate::kInvalidTextRepresentation) const {
        throw Error("invalid table definition JSON at byte " + std::to_string(offset) + ": " + what, state);
    }
    [[noreturn]] void FailData(size_t offset, const std::string &what) const {
        Fail(offset, what, sqlstate::kDataException);
    }

    size_t Offset() const { return pos_; }

    void SkipSpace() {
        while (pos_ < text_.size() &&
               (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
            pos_++;
    }

    // What the next value is ("a string", "an object", ...), or nullptr when no value starts there.
    const char *NextKind() {
        SkipSpace();
        if (pos_ >= text_.size())
            return nullptr;
        const char c = text_[pos_];
        switch (c) {
            case '"':
                return "a string";
            case '{':
                return "an object";
            case '[':
                return "an array";
            case 't':
            case 'f':
                return "a boolean";
            case 'n':
                return "null";
            default:
                return c == '-' || (c >= '0' && c <= '9') ? "a number" : nullptr;
        }
    }

    [[noreturn]] void FailUnexpected(const std::string &expected) const {
        Fail(pos_, "expected " + expected + ", found " + Describe(pos_));
    }

    // The value at `path` is not what the decoder wants: a type error naming the key, or a syntax
    // error if no value starts here at all.
    [[noreturn]] void FailType(const std::string &path, const char *wanted) {
        const char *kind = NextKind();
        if (kind == nullptr)
            FailUnexpected("a JSON value");
        FailData(pos_, "key \"" + path + "\" must be " + wanted + ", found " + kind);
    }

    // ---- objects and arrays: Open*, then Next* until it returns false.
    void OpenObject(const std::string &path, const char *what = nullptr) {
        if (NextKind() == nullptr || text_[pos_] != '{') {
            if (what != nullptr && NextKind() != nullptr)
                FailData(pos_, std::string(what) + " must be a JSON object, found " + NextKind());
            FailType(path, "an object");
        }
        Enter();
    }

    bool NextMember(bool &first, std::string &key, size_t &key_offset) {
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == '}') {
            pos_++;
            depth_--;
            return false;
        }
        if (!first) {
            if (pos_ >= text_.size() || text_[pos_] != ',')
                FailUnexpected("',' or '}' after an object member");
            pos_++;
            SkipSpace();
        }
        first = false;
        if (pos_ >= text_.size() || text_[pos_] != '"')
            FailUnexpected("a string key");
        key_offset = pos_;
        key.clear();
        ReadStringInto(key);
        SkipSpace();
        if (pos_ >= text_.size() || text_[pos_] != ':')
            FailUnexpected("':' after an object key");
        pos_++;
        return true;
    }

    void OpenArray(const std::string &path) {
        if (NextKind() == nullptr || text_[pos_] != '[')
            FailType(path, "an array");
        Enter();
    }

    bool NextElement(bool &first) {
        SkipSpace();
        if (pos_ < text_.size() && text_[pos_] == ']') {
            pos_++;
            depth_--;
            return false;
        }
        if (!first) {
            if (pos_ >= text_.size() || text_[pos_] != ',')
                FailUnexpected("',' or ']' after an array element");
            pos_++;
            SkipSpace();
            if (pos_ < text_.size() && text_[pos_] == ']') // "[1,]"
                FailUnexpected("a JSON value");
        }
        first = false;
        return true;
    }

    // ---- scalars
    std::string ReadString(const std::string &path, const char *wanted = "a string") {
        if (NextKind() == nullptr || text_[pos_] != '"')
            FailType(path, wanted);
        std::string out;
        ReadStringInto(out);
        return out;
    }

    // true when the next value is null (and consumes it).
    bool ReadNull() {
        if (NextKind() == nullptr || text_[pos_] != 'n')
            return false;
        ExpectLiteral("null");
        return true;
    }

    bool ReadBool(const std::string &path) {
        if (NextKind() == nullptr || (text_[pos_] != 't' && text_[pos_] != 'f'))
            FailType(path, "a boolean");
        if (text_[pos_] == 't') {
            ExpectLiteral("true");
            return true;
        }
        ExpectLiteral("false");
        return false;
    }

    // An integer within T's range, written without fraction or exponent (as EncodeTableJson and
    // jsonb write integers).
    template <typename T>
    T ReadInteger(const std::string &path, const char *wanted = "an integer") {
        const char *kind = NextKind();
        if (kind == nullptr || (text_[pos_] != '-' && (text_[pos_] < '0' || text_[pos_] > '9')))
            FailType(path, wanted);
        const size_t start = pos_;
        const bool is_integer = ScanNumber();
        const std::string_view literal = text_.substr(start, pos_ - start);
        if (!is_integer)
            FailData(start, "key \"" + path + "\" must be " + wanted + ", found " + Shorten(literal));
        const bool negative = literal[0] == '-';
        uint64_t magnitude = 0;
        bool overflow = false;
        for (char c : literal.substr(negative ? 1 : 0)) {
            const uint64_t digit = static_cast<uint64_t>(c - '0');
            if (magnitude > (std::numeric_limits<uint64_t>::max() - digit) / 10) {
                overflow = true;
                break;
            }
            magnitude = magnitude * 10 + digit;
        }
        using Limits = std::numeric_limits<T>;
        if (!overflow) {
            if (!negative && magnitude <= static_cast<uint64_t>(Limits::max()))
                return static_cast<T>(magnitude);
            if (negative && magnitude == 0)
                return 0;
            if constexpr (Limits::is_signed) {
                if (negative && magnitude - 1 <= static_cast<uint64_t>(Limits::max())) // down to min()
                    return static_cast<T>(-static_cast<T>(magnitude - 1) - 1);
            }
        }
        FailData(start, "key \"" + path + "\": " + Shorten(literal) + " is out of range (" +
                            std::to_string(Limits::min()) + " to " + std::to_string(Limits::max()) + ")");
    }

    // Any value, checked and thrown away (unknown keys).
    void SkipValue() {
        const char *kind = NextKind();
        if (kind == nullptr)
            FailUnexpected("a JSON value");
        switch (text_[pos_]) {
            case '"': {
                std::string ignored;
                ReadStringInto(ignored);
                return;
            }
            case '{': {
                Enter();
                bool first = true;
                std::string key;
                size_t key_offset;
                while (NextMember(first, key, key_offset))
                    SkipValue();
                return;
            }
            case '[': {
                Enter();
                bool first = true;
                while (NextElement(first))
                    SkipValue();
                return;
            }
            case 't':
                ExpectLiteral("true");
                return;
            case 'f':
                ExpectLiteral("false");
                return;
            case 'n':
                ExpectLiteral("null");
                return;
            default:
                ScanNumber();
        }
    }

    void ExpectEnd() {
        SkipSpace();
        if (pos_ < text_.size())
            Fail(pos_, "unexpected " + Describe(pos_) + " after the JSON value");
    }

private:
    std::string Describe(size_t at) const {
        if (at >= text_.size())
            return "end of input";
        const unsigned char c = static_cast<unsigned char>(text_[at]);
        if (c >= 0x20 && c < 0x7f)
            return std::string("'") + static_cast<char>(c) + "'";
        char buffer[16];
        std::snprintf(buffer, sizeof buffer, "byte 0x%02x", c);
        return buffer;
    }

    // A literal quoted in a message: at most 40 bytes of it.
    static std::string Shorten(std::string_view literal) {
        return literal.size() <= 40 ? std::string(literal) : std::string(literal.substr(0, 40)) + "...";
    }

    void Enter() {
        if (depth_ >= kRegistryJsonMaxDepth)
            Fail(pos_, "nesting deeper than " + std::to_string(kRegistryJsonMaxDepth) + " levels");
        depth_++;
        pos_++;
    }

    void ExpectLiteral(std::string_view literal) {
        if (text_.substr(pos_, literal.size()) != literal)
            Fail(pos_, "invalid literal (expected " + std::string(literal) + ")");
        pos_ += literal.size();
    }

    // A number per RFC 8259; true when it has neither fraction nor exponent.
    bool ScanNumber() {
        const size_t start = pos_;
        auto digit = [&] { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; };
        if (text_[pos_] == '-')
            pos_++;
        if (!digit())
            Fail(start, "invalid number (a digit must follow '-')");
        if (text_[pos_] == '0') {
            pos_++;
            if (digit())
                Fail(start, "invalid number (leading zero)");
        } else {
            while (digit())
                pos_++;
        }
        bool integer = true;
        if (pos_ < text_.size() && text_[pos_] == '.') {
            pos_++;
            if (!digit())
                Fail(start, "invalid number (a digit must follow '.')");
            while (digit())
                pos_++;
            integer = false;
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            pos_++;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-'))
                pos_++;
            if (!digit())
                Fail(start, "invalid number (a digit must follow the exponent)");
            while (digit())
                pos_++;
            integer = false;
        }
        return integer;
    }

    int HexDigit(size_t at) const {
        if (at >= text_.size())
            return -1;
        const char c = text_[at];
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'a' && c <= 'f')
            return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    }

    // The four hex digits of \uXXXX at `at` (the backslash), or a failure.
    unsigned ReadHex4(size_t at) const {
        unsigned value = 0;
        for (size_t i = 0; i < 4; i++) {
            const int d = HexDigit(at + 2 + i);
            if (d < 0)
                Fail(at, "invalid \\u escape (four hex digits must follow \\u)");
            value = value * 16 + static_cast<unsigned>(d);
        }
        return value;
    }

    static void AppendUtf8(std::string &out, unsigned cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }

    // The string at pos_ (its opening quote), unescaped. Bytes >= 0x80 are kept as they are.
    void ReadStringInto(std::string &out) {
        const size_t open = pos_;
        pos_++;
        while (true) {
            size_t run = pos_;
            while (run < text_.size()) {
                const unsigned char c = static_cast<unsigned char>(text_[run]);
                if (c == '"' || c == '\\' || c < 0x20)
                    break;
                run++;
            }
            out.append(text_.data() + pos_, run - pos_);
            pos_ = run;
            if (pos_ >= text_.size())
                Fail(open, "unterminated string");
            const unsigned char c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                pos_++;
                return;
            }
            if (c < 0x20)
                Fail(pos_, "unescaped control character " + Describe(pos_) + " in a string");
            // A backslash escape.
            const size_t escape = pos_;
            if (pos_ + 1 >= text_.size())
                Fail(open, "unterminated string");
            const char kind = text_[pos_ + 1];
            pos_ += 2;
            switch (kind) {
                case '"':
                case '\\':
                case '/':
                    out.push_back(kind);
                    break;
                case 'b':
                    out.push_back('\b');
                    break;
                case 'f':
                    out.push_back('\f');
                    break;
                case 'n':
                    out.push_back('\n');
                    break;
                case 'r':
                    out.push_back('\r');
                    break;
                case 't':
                    out.push_back('\t');
                    break;
                case 'u': {
                    unsigned cp = ReadHex4(escape);
                    pos_ = escape + 6;
                    if (cp >= 0xDC00 && cp <= 0xDFFF)
                        Fail(escape, "invalid \\u escape (a low surrogate without a high surrogate)");
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        if (pos_ + 1 >= text_.size() || text_[pos_] != '\\' || text_[pos_ + 1] != 'u')
                            Fail(escape, "invalid \\u escape (a high surrogate without a low surrogate)");
                        const unsigned low = ReadHex4(pos_);
                        if (low < 0xDC00 || low > 0xDFFF)
                            Fail(escape, "invalid \\u escape (a high surrogate without a low surrogate)");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                        pos_ += 6;
                    }
                    AppendUtf8(out, cp);
                    break;
                }
                default:
                    Fail(escape, "invalid escape \\" + (static_cast<unsigned char>(kind) >= 0x20 &&
                                                                static_cast<unsigned char>(kind) < 0x7f
                                                            ? std::string(1, kind)
                                                            : Describe(escape + 1)));
            }
        }
    }

    std::string_view text_;
    size_t pos_ = 0;
    int depth_ = 0;
};

// The keys of one object: which were seen (a duplicate is an error), which are missing at its end.
class Keys {
public:
    Keys(Reader &r, const std::string &prefix, std::initializer_list<const char *> names,
         std::initializer_list<const char *> optional = {})
        : r_(r), prefix_(prefix), names_(names), optional_(optional), seen_(names.size(), false) {}

    // The index of `key` in the names, or -1 for an unknown key (skip its value).
    int Find(const std::string &key, size_t key_offset) {
        for (size_t i = 0; i < names_.size(); i++) {
            if (key == names_[i]) {
                if (seen_[i])
                    r_.FailData(key_offset, "duplicate key \"" + prefix_ + key + "\"");
                seen_[i] = true;
                return static_cast<int>(i);
            }
        }
        return -1;
    }

    std::string Path(int index) const { return prefix_ + names_[static_cast<size_t>(index)]; }

    void CheckComplete(size_t object_offset) const {
        for (size_t i = 0; i < names_.size(); i++) {
            if (seen_[i])
                continue;
            bool is_optional = false;
            for (const char *o : optional_)
                is_optional = is_optional || std::string_view(o) == names_[i];
            if (!is_optional)
                r_.FailData(object_offset, "missing key \"" + prefix_ + names_[i] + "\"");
        }
    }

private:
    Reader &r_;
    const std::string &prefix_;
    std::vector<const char *> names_;
    std::vector<const char *> optional_;
    std::vector<bool> seen_;
};

template <typename T>
std::optional<T> ReadOptionalInteger(Reader &r, const std::string &path) {
    if (r.ReadNull())
        return std::nullopt;
    return r.ReadInteger<T>(path, "an integer or null");
}

std::optional<std::string> ReadOptionalString(Reader &r, const std::string &path) {
    if (r.ReadNull())
        return std::nullopt;
    return r.ReadString(path, "a string or null");
}

// Calls element(path_of_element) for each element of the array at `path`.
template <typename F>
void ReadArray(Reader &r, const std::string &path, F element) {
    r.OpenArray(path);
    bool first = true;
    for (size_t i = 0; r.NextElement(first); i++)
        element(path + "[" + std::to_string(i) + "]");
}

std::vector<std::string> ReadStringArray(Reader &r, const std::string &path) {
    std::vector<std::string> out;
    ReadArray(r, path, [&](const std::string &p) { out.push_back(r.ReadString(p)); });
    return out;
}

// Calls member(index, path) for each known key of the object at `path` (prefix: path + "."),
// skipping unknown keys, then checks that no required key is missing.
template <typename F>
void ReadObject(Reader &r, const std::string &path, std::initializer_list<const char *> names,
                std::initializer_list<const char *> optional, F member) {
    r.SkipSpace();
    const size_t offset = r.Offset();
    r.OpenObject(path, path.empty() ? "the table definition" : nullptr);
    const std::string prefix = path.empty() ? path : path + ".";
    Keys keys(r, prefix, names, optional);
    bool first = true;
    std::string key;
    size_t key_offset = 0;
    while (r.NextMember(first, key, key_offset)) {
        const int index = keys.Find(key, key_offset);
        if (index < 0)
            r.SkipValue();
        else
            member(index, keys.Path(index));
    }
    keys.CheckComplete(offset);
}

MysqlColumn ReadColumn(Reader &r, const std::string &path) {
    MysqlColumn c;
    ReadObject(
        r, path,
        {"name", "ordinal", "data_type", "column_type", "nullable", "default_value", "char_max_length",
         "numeric_precision", "numeric_scale", "datetime_precision", "extra", "charset", "comment",
         "generation_expression", "json"},
        {"default_value", "char_max_length", "numeric_precision", "numeric_scale", "datetime_precision"},
        [&](int index, const std::string &p) {
            switch (index) {
                case 0:
                    c.name = r.ReadString(p);
                    break;
                case 1:
                    c.ordinal = r.ReadInteger<int>(p);
                    break;
                case 2:
                    c.data_type = r.ReadString(p);
                    break;
                case 3:
                    c.column_type = r.ReadString(p);
                    break;
                case 4:
                    c.nullable = r.ReadBool(p);
                    break;
                case 5:
                    c.default_value = ReadOptionalString(r, p);
                    break;
                case 6:
                    c.char_max_length = ReadOptionalInteger<int64_t>(r, p);
                    break;
                case 7:
                    c.numeric_precision = ReadOptionalInteger<int>(r, p);
                    break;
                case 8:
                    c.numeric_scale = ReadOptionalInteger<int>(r, p);
                    break;
                case 9:
                    c.datetime_precision = ReadOptionalInteger<int>(r, p);
                    break;
                case 10:
                    c.extra = r.ReadString(p);
                    break;
                case 11:
                    c.charset = r.ReadString(p);
                    break;
                case 12:
                    c.comment = r.ReadString(p);
                    break;
                case 13:
                    c.generation_expression = r.ReadString(p);
                    break;
                default:
                    c.json = r.ReadBool(p);
            }
        });
    return c;
}

MysqlIndexPart ReadIndexPart(Reader &r, const std::string &path) {
    MysqlIndexPart part;
    ReadObject(r, path, {"column", "sub_part", "descending", "expression"}, {"sub_part"},
               [&](int index, const std::string &p) {
                   switch (index) {
                       case 0:
                           part.column = r.ReadString(p);
                           break;
                       case 1:
                           part.sub_part = ReadOptionalInteger<int>(r, p);
                           break;
                       case 2:
                           part.descending = r.ReadBool(p);
                           break;
                       default:
                           part.expression = r.ReadString(p);
                   }
               });
    return part;
}

MysqlIndex ReadIndex(Reader &r, const std::string &path) {
    MysqlIndex index;
    ReadObject(r, path, {"name", "unique", "index_type", "parts"}, {}, [&](int key, const std::string &p) {
        switch (key) {
            case 0:
                index.name = r.ReadString(p);
                break;
            case 1:
                index.unique = r.ReadBool(p);
                break;
            case 2:
                index.index_type = r.ReadString(p);
                break;
            default:
                ReadArray(r, p, [&](const std::string &e) { index.parts.push_back(ReadIndexPart(r, e)); });
        }
    });
    return index;
}

MysqlForeignKey ReadForeignKey(Reader &r, const std::string &path) {
    MysqlForeignKey fk;
    ReadObject(r, path,
               {"name", "columns", "referenced_schema", "referenced_table", "referenced_columns",
                "update_rule", "delete_rule"},
               {}, [&](int key, const std::string &p) {
                   switch (key) {
                       case 0:
                           fk.name = r.ReadString(p);
                           break;
                       case 1:
                           fk.columns = ReadStringArray(r, p);
                           break;
                       case 2:
                           fk.referenced_schema = r.ReadString(p);
                           break;
                       case 3:
                           fk.referenced_table = r.ReadString(p);
                           break;
                       case 4:
                           fk.referenced_columns = ReadStringArray(r, p);
                           break;
                       case 5:
                           fk.update_rule = r.ReadString(p);
                           break;
                       default:
                           fk.delete_rule = r.ReadString(p);
                   }
               });
    return fk;
}

} // namespace

MysqlTable DecodeTableJson(std::string_view json) {
    Reader r(json);
    MysqlTable t;
    ReadObject(
        r, "",
        {"schema", "name", "engine", "transactional", "estimated_rows", "avg_row_length", "data_length",
         "comment", "columns", "indexes", "foreign_keys"},
        {}, [&](int key, const std::string &p) {
            switch (key) {
                case 0:
                    t.schema = r.ReadString(p);
                    break;
                case 1:
                    t.name = r.ReadString(p);
                    break;
                case 2:
                    t.engine = r.ReadString(p);
                    break;
                case 3:
                    t.transactional = r.ReadBool(p);
                    break;
                case 4:
                    t.estimated_rows = r.ReadInteger<uint64_t>(p);
                    break;
                case 5:
                    t.avg_row_length = r.ReadInteger<uint64_t>(p);
                    break;
                case 6:
                    t.data_length = r.ReadInteger<uint64_t>(p);
                    break;
                case 7:
                    t.comment = r.ReadString(p);
                    break;
                case 8:
                    ReadArray(r, p, [&](const std::string &e) { t.columns.push_back(ReadColumn(r, e)); });
                    break;
                case 9:
                    ReadArray(r, p, [&](const std::string &e) { t.indexes.push_back(ReadIndex(r, e)); });
                    break;
                default:
                    ReadArray(r, p,
                              [&](const std::string &e) { t.foreign_keys.push_back(ReadForeignKey(r, e)); });
            }
        });
    r.ExpectEnd();
    return t;
}

} // namespace chameleon::ddl
