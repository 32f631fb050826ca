#include "ddl/type_map.hpp"

#include "common/error.hpp"
#include "convert/pg_value.hpp"
#include "ddl/pg_text.hpp"
#include "mysql/connection.hpp" // QuoteIdentifier (pure: no libmariadb header)

#include <algorithm>
#include <cstring>
#include <cctype>

namespace chameleon::ddl {

using convert::AppendPgValue;
using convert::ConvertStatus;
using convert::ValueSpec;

// ---- MysqlColumn / MysqlTable helpers (declared in mysql_schema.hpp) ----

bool MysqlColumn::Unsigned() const {
    return AsciiLower(column_type).find("unsigned") != std::string::npos;
}

bool MysqlColumn::AutoIncrement() const {
    return extra.find("auto_increment") != std::string::npos;
}

bool MysqlColumn::Generated() const {
    return extra.find("virtual generated") != std::string::npos ||
           extra.find("stored generated") != std::string::npos || extra == "virtual" ||
           extra == "persistent" || extra == "stored";
}

const MysqlColumn *MysqlTable::FindColumn(const std::string &column) const {
    for (const MysqlColumn &c : columns) {
        if (c.name == column)
            return &c;
    }
    return nullptr;
}

const MysqlIndex *MysqlTable::PrimaryKey() const {
    for (const MysqlIndex &i : indexes) {
        if (i.Primary())
            return &i;
    }
    return nullptr;
}

std::string MysqlTable::Display() const {
    return mysql::QuoteIdentifier(schema) + "." + mysql::QuoteIdentifier(name);
}

const char *CopyKindName(CopyKind kind) {
    switch (kind) {
        case CopyKind::kNumber:
            return "number";
        case CopyKind::kText:
            return "text";
        case CopyKind::kDate:
            return "date";
        case CopyKind::kDateTime:
            return "datetime";
        case CopyKind::kTimestampUtc:
            return "timestamp";
        case CopyKind::kTime:
            return "time";
        case CopyKind::kBytea:
            return "bytea";
        case CopyKind::kHex:
            return "hex";
        case CopyKind::kBitString:
            return "bit";
        case CopyKind::kBitInteger:
            return "bit-integer";
        case CopyKind::kSetArray:
            return "set";
        case CopyKind::kGeometryWkb:
            return "wkb";
        case CopyKind::kGeometryEwkb:
            return "ewkb";
    }
    return "?";
}

namespace {

// Lower case, runs of blanks collapsed to one space, trimmed.
std::string NormalizeType(const std::string &text) {
    std::string out;
    bool space = false;
    for (char c : AsciiLower(text)) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = !out.empty();
            continue;
        }
        if (space && c != '(' && c != ')' && c != ',' && out.back() != '(' && out.back() != ',')
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

bool TableListed(const std::vector<std::string> &tables, const std::string &schema,
                 const std::string &table) {
    if (!tables.empty() && tables.front() == "*")
        return true;
    const std::string wanted = schema + "." + table;
    return std::find(tables.begin(), tables.end(), wanted) != tables.end();
}

bool IsOneOf(const std::string &value, std::initializer_list<const char *> options) {
    for (const char *o : options) {
        if (value == o)
            return true;
    }
    return false;
}

bool StartsWith(const std::string &text, const char *prefix) {
    return text.rfind(prefix, 0) == 0;
}

bool EndsWith(const std::string &text, const char *suffix) {
    std::string s(suffix);
    return text.size() >= s.size() && text.compare(text.size() - s.size(), s.size(), s) == 0;
}

const char *const kIntegerTypes[] = {"tinyint", "smallint", "mediumint", "int", "integer", "bigint"};

bool IsIntegerType(const std::string &data_type) {
    for (const char *t : kIntegerTypes) {
        if (data_type == t)
            return true;
    }
    return false;
}

bool IsTextType(const std::string &t) {
    return IsOneOf(t, {"char", "varchar", "tinytext", "text", "mediumtext", "longtext", "nchar", "nvarchar",
                       "character", "character varying", "long", "long varchar"});
}

bool IsBinaryType(const std::string &t) {
    return IsOneOf(t,
                   {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "long varbinary"});
}

bool IsGeometryType(const std::string &t) {
    return IsOneOf(t, {"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
                       "multipolygon", "geometrycollection", "geomcollection"});
}

bool IsPgIntegerLike(const std::string &t) {
    return IsOneOf(t, {"smallint", "integer", "int", "int2", "int4", "int8", "bigint"}) ||
           StartsWith(t, "numeric") || StartsWith(t, "decimal");
}

bool IsPgTemporal(const std::string &t) {
    return StartsWith(t, "date") || StartsWith(t, "timestamp");
}

bool IsPgTimestampTz(const std::string &t) {
    return t == "timestamptz" ||
           (StartsWith(t, "timestamp") && t.find("with time zone") != std::string::npos &&
            t.find("without time zone") == std::string::npos);
}

std::string SelectColumn(const MysqlColumn &column) {
    return mysql::QuoteIdentifier(column.name);
}

// The default type and copy kind of a column (DESIGN §6).
void DefaultMapping(const MysqlColumn &c, const std::string &schema, const std::string &table,
                    const TypeMapOptions &options, MappedColumn &m) {
    const std::string &t = c.data_type;
    const bool is_unsigned = c.Unsigned();
    m.select_expr = SelectColumn(c);
    m.kind = CopyKind::kNumber;
    if (t == "tinyint" || t == "smallint" || t == "bool" || t == "boolean") {
        m.pg_type = is_unsigned ? "integer" : "smallint";
    } else if (t == "mediumint" || t == "int" || t == "integer") {
        m.pg_type = is_unsigned ? "bigint" : "integer";
    } else if (t == "bigint") {
        m.pg_type = is_unsigned ? "numeric(20,0)" : "bigint";
    } else if (IsOneOf(t, {"decimal", "numeric", "dec", "fixed"})) {
        int precision = c.numeric_precision.value_or(10);
        int scale = c.numeric_scale.value_or(0);
        m.pg_type = "numeric(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    } else if (t == "float") {
        m.pg_type = "real";
        // The text protocol prints FLOAT with 6 significant digits; as DOUBLE it is exact.
        m.select_expr = "CAST(" + SelectColumn(c) + " AS DOUBLE)";
    } else if (IsOneOf(t, {"double", "double precision", "real"})) {
        m.pg_type = "double precision";
    } else if (t == "bit") {
        m.bit_width = c.numeric_precision.value_or(1);
        m.pg_type = "bit varying(" + std::to_string(m.bit_width) + ")";
        m.kind = CopyKind::kBitString;
    } else if (t == "year") {
        m.pg_type = "smallint";
    } else if (t == "date") {
        m.pg_type = "date";
        m.kind = CopyKind::kDate;
    } else if (t == "datetime") {
        m.pg_type = "timestamp(" + std::to_string(c.datetime_precision.value_or(0)) + ") without time zone";
        m.kind = CopyKind::kDateTime;
    } else if (t == "timestamp") {
        m.pg_type = "timestamp(" + std::to_string(c.datetime_precision.value_or(0)) + ") with time zone";
        m.kind = CopyKind::kTimestampUtc;
    } else if (t == "time") {
        m.pg_type = "interval";
        m.kind = CopyKind::kTime;
    } else if (c.json || t == "json") {
        m.pg_type = "jsonb";
        m.kind = CopyKind::kText;
    } else if (t == "char" || t == "nchar" || t == "character") {
        int64_t n = c.char_max_length.value_or(1);
        m.pg_type = n > 0 ? "character(" + std::to_string(n) + ")" : "text";
        m.kind = CopyKind::kText;
    } else if (t == "varchar" || t == "nvarchar" || t == "character varying") {
        int64_t n = c.char_max_length.value_or(0);
        m.pg_type = n > 0 && n <= 10485760 ? "character varying(" + std::to_string(n) + ")" : "text";
        m.kind = CopyKind::kText;
    } else if (IsTextType(t)) {
        m.pg_type = "text";
        m.kind = CopyKind::kText;
    } else if (IsBinaryType(t)) {
        m.pg_type = "bytea";
        m.kind = CopyKind::kBytea;
    } else if (t == "enum") {
        m.kind = CopyKind::kText;
        std::vector<std::string> labels = ParseEnumLabels(c.column_type);
        bool fits = true;
        bool nul = false; // a label with a NUL byte (ENUM(0x6100)): no PostgreSQL enum label has one
        for (const std::string &label : labels) {
            if (label.size() > kMaxIdentifierBytes)
                fits = false;
            nul = nul || label.find('\0') != std::string::npos;
        }
        if (nul) {
            m.pg_type = "text";
            m.notes.push_back("column " + QuoteIdent(c.name) +
                              " is an ENUM with a label holding a NUL byte: stored as text");
        } else if (fits) {
            m.enum_type = true;
            // MySQL stores '' (index 0) for invalid values in non-strict mode; it sorts first.
            if (std::find(labels.begin(), labels.end(), std::string()) == labels.end())
                m.enum_labels.push_back("");
            m.enum_labels.insert(m.enum_labels.end(), labels.begin(), labels.end());
        } else {
            m.pg_type = "text";
            m.notes.push_back("column " + QuoteIdent(c.name) +
                              " is an ENUM with labels longer than 63 bytes: stored as text");
        }
    } else if (t == "set") {
        m.pg_type = "text[]";
        m.kind = CopyKind::kSetArray;
    } else if (IsGeometryType(t)) {
        if (options.postgis) {
            m.pg_type = "geometry";
            m.kind = CopyKind::kGeometryEwkb;
        } else {
            m.pg_type = "bytea";
            m.kind = CopyKind::kGeometryWkb;
        }
    } else if (t == "inet6" || t == "inet4") {
        m.pg_type = "inet";
        m.kind = CopyKind::kText;
    } else if (t == "uuid") {
        m.pg_type = "uuid";
        m.kind = CopyKind::kText;
    } else {
        throw Error("MySQL type " + c.column_type + " of column " + QuoteIdent(c.name) + " of table " +
                        mysql::QuoteIdentifier(schema) + "." + mysql::QuoteIdentifier(table) +
                        " has no PostgreSQL mapping",
                    sqlstate::kFeatureNotSupported, "",
                    "Add a type_override rule for \"" + c.column_type + "\" to the configuration.");
    }
}

// The copy kind for a MySQL column written into PostgreSQL type `pg_type` (an override, or an
// existing column): the default kind unless the target type calls for another conversion.
void AdaptKindToTarget(const MysqlColumn &c, const std::string &pg_type, MappedColumn &m) {
    const std::string t = NormalizeType(pg_type);
    const std::string &dt = c.data_type;
    m.select_expr = SelectColumn(c);
    if (IsIntegerType(dt) || IsOneOf(dt, {"decimal", "numeric", "dec", "fixed", "double", "double precision",
                                          "real", "year", "bool", "boolean"})) {
        m.kind = CopyKind::kNumber;
    } else if (dt == "float") {
        m.kind = CopyKind::kNumber;
        m.select_expr = "CAST(" + SelectColumn(c) + " AS DOUBLE)";
    } else if (dt == "bit") {
        m.bit_width = c.numeric_precision.value_or(1);
        m.kind = IsPgIntegerLike(t) ? CopyKind::kBitInteger : CopyKind::kBitString;
    } else if (dt == "date" || dt == "datetime") {
        m.kind = IsPgTemporal(t) ? (dt == "date" ? CopyKind::kDate : CopyKind::kDateTime) : CopyKind::kText;
    } else if (dt == "timestamp") {
        m.kind = IsPgTimestampTz(t) ? CopyKind::kTimestampUtc
                                    : (IsPgTemporal(t) ? CopyKind::kDateTime : CopyKind::kText);
    } else if (dt == "time") {
        m.kind = CopyKind::kTime;
    } else if (IsBinaryType(dt)) {
        m.kind = t == "bytea" ? CopyKind::kBytea : (t == "uuid" ? CopyKind::kHex : CopyKind::kText);
    } else if (dt == "set") {
        m.kind = EndsWith(t, "[]") ? CopyKind::kSetArray : CopyKind::kText;
    } else if (IsGeometryType(dt)) {
        if (StartsWith(t, "geometry") || StartsWith(t, "geography")) {
            m.kind = CopyKind::kGeometryEwkb;
        } else if (t == "bytea") {
            m.kind = CopyKind::kGeometryWkb;
        } else {
            m.kind = CopyKind::kText;
            m.select_expr = "ST_AsText(" + SelectColumn(c) + ")";
        }
    } else {
        m.kind = CopyKind::kText;
    }
}

// Is `text` one JSON value (RFC 8259), as PostgreSQL's jsonb input takes it? Nesting is counted,
// not recursed.
bool IsJsonText(const std::string &text) {
    size_t i = 0;
    const size_t n = text.size();
    auto ws = [&] {
        while (i < n && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
            ++i;
    };
    auto string = [&] {
        if (i >= n || text[i] != '"')
            return false;
        for (++i; i < n; ++i) {
            const unsigned char c = static_cast<unsigned char>(text[i]);
            if (c == '"') {
                ++i;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c == '\\') {
                if (++i >= n || std::string("\"\\/bfnrtu").find(text[i]) == std::string::npos)
                    return false;
            }
        }
        return false;
    };
    auto scalar = [&] {
        if (i < n && text[i] == '"')
            return string();
        for (const char *word : {"true", "false", "null"}) {
            const size_t len = std::strlen(word);
            if (text.compare(i, len, word) == 0) {
                i += len;
                return true;
            }
        }
        const size_t start = i;
        if (i < n && text[i] == '-')
            ++i;
        if (i >= n || !std::isdigit(static_cast<unsigned char>(text[i])))
            return false;
        if (text[i] == '0')
            ++i;
        else
            while (i < n && std::isdigit(static_cast<unsigned char>(text[i])))
                ++i;
        if (i < n && text[i] == '.') {
            if (++i >= n || !std::isdigit(static_cast<unsigned char>(text[i])))
                return false;
            while (i < n && std::isdigit(static_cast<unsigned char>(text[i])))
                ++i;
        }
        if (i < n && (text[i] == 'e' || text[i] == 'E')) {
            ++i;
            if (i < n && (text[i] == '+' || text[i] == '-'))
                ++i;
            if (i >= n || !std::isdigit(static_cast<unsigned char>(text[i])))
                return false;
            while (i < n && std::isdigit(static_cast<unsigned char>(text[i])))
                ++i;
        }
        return i > start;
    };
    std::string open; // the containers entered, innermost last
    ws();
    while (true) {
        // A value.
        if (i < n && (text[i] == '{' || text[i] == '[')) {
            open += text[i++];
            ws();
            const char close = open.back() == '{' ? '}' : ']';
            if (i < n && text[i] == close) {
                ++i;
                open.pop_back();
            } else {
                if (open.back() == '{') {
                    if (!string())
                        return false;
                    ws();
                    if (i >= n || text[i++] != ':')
                        return false;
                    ws();
                }
                continue;
            }
        } else if (!scalar()) {
            return false;
        }
        // After a value: the end, a separator or a container closing.
        while (true) {
            ws();
            if (open.empty())
                return i == n;
            const char close = open.back() == '{' ? '}' : ']';
            if (i < n && text[i] == close) {
                ++i;
                open.pop_back();
                continue;
            }
            if (i >= n || text[i] != ',')
                return false;
            ++i;
            ws();
            if (open.back() == '{') {
                if (!string())
                    return false;
                ws();
                if (i >= n || text[i++] != ':')
                    return false;
                ws();
            }
            break;
        }
    }
}

bool IsNumericLiteral(const std::string &s) {
    size_t i = 0;
    if (i < s.size() && (s[i] == '-' || s[i] == '+'))
        ++i;
    bool digits = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        ++i;
        digits = true;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
            ++i;
            digits = true;
        }
    }
    if (digits && i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+'))
            ++i;
        bool exp = false;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
            ++i;
            exp = true;
        }
        if (!exp)
            return false;
    }
    return digits && i == s.size();
}

// "b'0101'" → "0101"; "" when not a bit literal.
std::string BitLiteralBits(const std::string &s) {
    if (s.size() >= 3 && (s[0] == 'b' || s[0] == 'B') && s[1] == '\'' && s.back() == '\'') {
        std::string bits = s.substr(2, s.size() - 3);
        if (bits.find_first_not_of("01") == std::string::npos)
            return bits;
    }
    return "";
}

// Fractional precision of current_timestamp(n) / now(n); -1 when not such an expression.
int CurrentTimestampPrecision(const std::string &expression) {
    const std::string e = NormalizeType(expression);
    for (const char *name : {"current_timestamp", "now", "localtimestamp", "localtime", "sysdate"}) {
        if (!StartsWith(e, name))
            continue;
        std::string rest = e.substr(std::char_traits<char>::length(name));
        if (rest.empty() || rest == "()")
            return 0;
        if (rest.size() >= 3 && rest.front() == '(' && rest.back() == ')') {
            std::string digits = rest.substr(1, rest.size() - 2);
            if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string::npos)
                return std::stoi(digits);
        }
    }
    return -1;
}

// DEFAULT translation. The value form goes through the column's own value conversion so that a
// default is exactly what the copy would store for the same MySQL value.
void TranslateDefault(const MysqlColumn &c, const TypeMapOptions &options, MappedColumn &m) {
    if (!c.default_value.has_value() || c.AutoIncrement() || c.Generated())
        return;
    std::string raw = *c.default_value;
    std::optional<std::string> value; // MySQL value (unquoted)
    bool expression = false;
    if (options.default_style == DefaultStyle::kMariaDb) {
        if (raw == "NULL")
            return;
        if (raw.size() >= 2 && raw.front() == '\'' && raw.back() == '\'') {
            value = UnescapeMysqlString(raw.substr(1, raw.size() - 2));
        } else if (IsNumericLiteral(raw)) {
            value = raw;
        } else if (!BitLiteralBits(raw).empty()) {
            value = raw;
        } else {
            expression = true;
        }
    } else {
        expression = c.extra.find("default_generated") != std::string::npos;
        if (!expression)
            value = raw;
    }

    const std::string &t = c.data_type;
    if (expression) {
        int precision = CurrentTimestampPrecision(raw);
        if (precision >= 0 && (t == "datetime" || t == "timestamp") &&
            IsPgTemporal(NormalizeType(m.pg_type))) {
            std::string p = precision > 0 ? "(" + std::to_string(precision) + ")" : "";
            m.default_expression =
                IsPgTimestampTz(NormalizeType(m.pg_type)) ? "CURRENT_TIMESTAMP" + p : "LOCALTIMESTAMP" + p;
            return;
        }
        const std::string e = NormalizeType(raw);
        if ((e == "curdate()" || e == "current_date" || e == "current_date()") && t == "date") {
            m.default_expression = "CURRENT_DATE";
            return;
        }
        m.notes.push_back("default " + raw + " of column " + QuoteIdent(c.name) + " not translated");
        return;
    }

    std::string text = *value;
    if (t == "bit") {
        std::string bits = BitLiteralBits(text);
        if (bits.empty()) {
            // A plain number as BIT default (MySQL 8 shows b'...' too, but be lenient).
            if (!IsNumericLiteral(text)) {
                m.notes.push_back("default " + raw + " of column " + QuoteIdent(c.name) + " not translated");
                return;
            }
            uint64_t n = std::stoull(text);
            bits.clear();
            while (n > 0) {
                bits.insert(bits.begin(), static_cast<char>('0' + (n & 1)));
                n >>= 1;
            }
        }
        if (m.kind == CopyKind::kBitInteger) {
            uint64_t n = 0;
            for (char b : bits)
                n = (n << 1) | static_cast<uint64_t>(b - '0');
            m.default_value = std::to_string(n);
        } else {
            if (bits.size() < static_cast<size_t>(m.bit_width))
                bits.insert(0, static_cast<size_t>(m.bit_width) - bits.size(), '0');
            m.default_value = bits;
        }
        return;
    }
    if (m.kind == CopyKind::kGeometryWkb || m.kind == CopyKind::kGeometryEwkb) {
        m.notes.push_back("default of geometry column " + QuoteIdent(c.name) + " not translated");
        return;
    }
    if (m.pg_type == "jsonb" && !IsJsonText(text)) {
        // MariaDB takes any text as the DEFAULT of a JSON column (its CHECK fails on insert only).
        m.notes.push_back("default " + raw + " of column " + QuoteIdent(c.name) +
                          " is not JSON: not translated");
        return;
    }
    if (IsBinaryType(t) && t == "binary" && c.char_max_length.has_value() &&
        text.size() < static_cast<size_t>(*c.char_max_length)) {
        text.append(static_cast<size_t>(*c.char_max_length) - text.size(), '\0'); // BINARY(n) pads with 0x00
    }
    std::string out;
    ConvertStatus status = AppendPgValue(out, ValueSpec::Of(m), text.data(), text.size(), false);
    if (status == ConvertStatus::kNull)
        return;
    if (status != ConvertStatus::kOk && status != ConvertStatus::kStripped) {
        m.notes.push_back("default " + raw + " of column " + QuoteIdent(c.name) + " not translated");
        return;
    }
    m.default_value = out;
}

void FinishColumn(const MysqlColumn &c, const TypeMapOptions &options, MappedColumn &m) {
    m.not_null = !c.nullable;
    if (m.kind == CopyKind::kDate || m.kind == CopyKind::kDateTime || m.kind == CopyKind::kTimestampUtc) {
        // Zero dates never fail a row: NULL, or -infinity where NULL is not allowed or asked for.
        if (m.not_null || options.zero_dates_infinity)
            m.zero_date_value = "-infinity";
    }
    m.strip_nul = options.strip_nul_bytes;
    if (c.AutoIncrement()) {
        const std::string t = NormalizeType(m.pg_type);
        if (IsOneOf(t, {"smallint", "integer", "bigint", "int2", "int4", "int8", "int"}))
            m.identity = true;
        else if (IsPgIntegerLike(t))
            m.sequence = true;
    }
    if (c.Generated()) {
        m.notes.push_back("generated column " + QuoteIdent(c.name) + " (" + c.generation_expression +
                          ") is copied as a plain column");
    }
    TranslateDefault(c, options, m);
}

} // namespace

const config::TypeOverride *FindOverride(const std::vector<config::TypeOverride> &overrides,
                                         const MysqlColumn &column, const std::string &schema,
                                         const std::string &table) {
    const std::string full = NormalizeType(column.column_type);
    const std::string bare = NormalizeType(column.data_type);
    const config::TypeOverride *by_data_type = nullptr;
    for (const config::TypeOverride &rule : overrides) {
        if (!TableListed(rule.override_tables, schema, table))
            continue;
        const std::string key = NormalizeType(rule.column_type);
        if (key == full)
            return &rule;
        if (key == bare && by_data_type == nullptr)
            by_data_type = &rule;
    }
    return by_data_type;
}

MappedColumn MapColumn(const MysqlColumn &column, const std::string &schema, const std::string &table,
                       const std::vector<config::TypeOverride> &overrides, const TypeMapOptions &options) {
    MappedColumn m;
    m.name = column.name;
    if (const config::TypeOverride *rule = FindOverride(overrides, column, schema, table)) {
        m.pg_type = rule->override_to;
        m.overridden = true;
        AdaptKindToTarget(column, m.pg_type, m);
    } else {
        DefaultMapping(column, schema, table, options, m);
    }
    FinishColumn(column, options, m);
    return m;
}

MappedColumn MapColumnTo(const MysqlColumn &column, const std::string &pg_type,
                         const TypeMapOptions &options) {
    MappedColumn m;
    m.name = column.name;
    m.pg_type = pg_type;
    AdaptKindToTarget(column, pg_type, m);
    FinishColumn(column, options, m);
    return m;
}

void AppendMysqlEscape(std::string &out, char escaped) {
    switch (escaped) {
        case '0':
            out += '\0';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        case 't':
            out += '\t';
            break;
        case 'b':
            out += '\b';
            break;
        case 'Z':
            out += '\x1a';
            break;
        case '%':
        case '_':
            out += '\\'; // kept: LIKE patterns
            out += escaped;
            break;
        default:
            out += escaped;
            break;
    }
}

std::string UnescapeMysqlString(const std::string &body) {
    std::string out;
    out.reserve(body.size());
    for (size_t i = 0; i < body.size(); ++i) {
        char c = body[i];
        if (c == '\'' && i + 1 < body.size() && body[i + 1] == '\'') {
            out += '\'';
            ++i;
        } else if (c == '\\' && i + 1 < body.size()) {
            AppendMysqlEscape(out, body[++i]);
        } else {
            out += c;
        }
    }
    return out;
}

std::vector<std::string> ParseEnumLabels(const std::string &column_type) {
    std::vector<std::string> labels;
    size_t open = column_type.find('(');
    if (open == std::string::npos)
        return labels;
    size_t i = open + 1;
    while (i < column_type.size()) {
        while (i < column_type.size() && (column_type[i] == ',' || column_type[i] == ' '))
            ++i;
        if (i >= column_type.size() || column_type[i] != '\'')
            break;
        ++i;
        std::string body;
        while (i < column_type.size()) {
            char c = column_type[i];
            if (c == '\\' && i + 1 < column_type.size()) {
                body += c;
                body += column_type[i + 1];
                i += 2;
                continue;
            }
            if (c == '\'') {
                if (i + 1 < column_type.size() && column_type[i + 1] == '\'') {
                    body += "''";
                    i += 2;
                    continue;
                }
                ++i;
                break;
            }
            body += c;
            ++i;
        }
        labels.push_back(UnescapeMysqlString(body));
    }
    return labels;
}

} // namespace chameleon::ddl
