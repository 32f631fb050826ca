#include "convert/pg_binary.hpp"

#include "ddl/pg_text.hpp"

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace chameleon::convert {

using namespace ddl; // the type map's vocabulary and the PostgreSQL text helpers

namespace {

void PutU8(std::string &out, uint8_t v) {
    out += static_cast<char>(v);
}
void PutU16(std::string &out, uint16_t v) {
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v & 0xFF);
}
void PutU32(std::string &out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out += static_cast<char>((v >> shift) & 0xFF);
}
void PutU64(std::string &out, uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8)
        out += static_cast<char>((v >> shift) & 0xFF);
}
void PutI32(std::string &out, int32_t v) {
    PutU32(out, static_cast<uint32_t>(v));
}
void PutI64(std::string &out, int64_t v) {
    PutU64(out, static_cast<uint64_t>(v));
}

constexpr int32_t kDateNoBegin = INT32_MIN;
constexpr int32_t kDateNoEnd = INT32_MAX;
constexpr int64_t kTimestampNoBegin = INT64_MIN;
constexpr int64_t kTimestampNoEnd = INT64_MAX;
constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400LL * kMicrosPerSecond;

std::string Quoted(const char *data, size_t size) {
    return "\"" + DescribeValue(data, size, CopyKind::kText, 100) + "\"";
}

bool Fail(BinaryProblem &problem, const char *sqlstate, std::string message) {
    problem.sqlstate = sqlstate;
    problem.message = std::move(message);
    return false;
}

// Character data holding a NUL byte: refused, or under spec.strip_nul replaced by `kept` (data and
// size then point at it) and the field marked stripped.
bool StripNul(const ValueSpec &spec, const char *&data, size_t &size, std::string &kept,
              BinaryProblem &problem) {
    if (!spec.strip_nul)
        return Fail(problem, "22021", "the value contains a NUL byte, which PostgreSQL text cannot store");
    kept = StripNulBytes(data, size);
    data = kept.data();
    size = kept.size();
    problem.nul_stripped = true;
    return true;
}

bool InvalidSyntax(BinaryProblem &problem, const char *type, const char *data, size_t size) {
    return Fail(problem, "22P02",
                std::string("invalid input syntax for type ") + type + ": " + Quoted(data, size));
}

bool OutOfRange(BinaryProblem &problem, const char *type, const char *data, size_t size) {
    return Fail(problem, "22003", "value " + Quoted(data, size) + " is out of range for type " + type);
}

bool DateOutOfRange(BinaryProblem &problem, const char *data, size_t size) {
    return Fail(problem, "22008", "date/time field value out of range: " + Quoted(data, size));
}

// [-+]digits → int64, false on syntax error; *overflow set when it does not fit.
bool ParseInt(const char *p, size_t n, int64_t &value, bool &overflow) {
    overflow = false;
    size_t i = 0;
    bool negative = false;
    if (i < n && (p[i] == '-' || p[i] == '+')) {
        negative = p[i] == '-';
        ++i;
    }
    if (i == n)
        return false;
    uint64_t acc = 0;
    const uint64_t limit = negative ? static_cast<uint64_t>(INT64_MAX) + 1 : static_cast<uint64_t>(INT64_MAX);
    for (; i < n; ++i) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        unsigned d = static_cast<unsigned>(p[i] - '0');
        if (acc > (limit - d) / 10) {
            overflow = true;
            // keep validating the syntax
            for (++i; i < n; ++i) {
                if (p[i] < '0' || p[i] > '9')
                    return false;
            }
            return true;
        }
        acc = acc * 10 + d;
    }
    value = negative ? static_cast<int64_t>(0 - acc) : static_cast<int64_t>(acc);
    return true;
}

bool Digits(const char *p, size_t n, int &value) {
    value = 0;
    for (size_t i = 0; i < n; ++i) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        value = value * 10 + (p[i] - '0');
    }
    return n > 0;
}

// Days from 1970-01-01 to the civil date (proleptic Gregorian), Howard Hinnant's algorithm.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

constexpr int64_t kPgEpochDays = 10957; // 2000-01-01 - 1970-01-01

bool LeapYear(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int DaysInMonth(int y, int m) {
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && LeapYear(y) ? 29 : kDays[m - 1];
}

// 'YYYY-MM-DD' at p → days since 2000-01-01.
bool ParseDate(const char *p, size_t n, int64_t &days) {
    int y, m, d;
    if (n < 10 || p[4] != '-' || p[7] != '-' || !Digits(p, 4, y) || !Digits(p + 5, 2, m) ||
        !Digits(p + 8, 2, d))
        return false;
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m))
        return false;
    days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) - kPgEpochDays;
    return true;
}

// '.ffffff' (1 to 6 digits) → microseconds.
bool ParseFraction(const char *p, size_t n, int64_t &micros) {
    micros = 0;
    if (n == 0)
        return true;
    if (p[0] != '.' || n > 7)
        return false;
    int digits = 0;
    for (size_t i = 1; i < n; ++i) {
        if (p[i] < '0' || p[i] > '9')
            return false;
        micros = micros * 10 + (p[i] - '0');
        ++digits;
    }
    for (; digits < 6; ++digits)
        micros *= 10;
    return true;
}

// 'YYYY-MM-DD hh:mm:ss[.f]' → microseconds since 2000-01-01 00:00:00.
bool ParseTimestamp(const char *p, size_t n, int64_t &micros) {
    int64_t days;
    int h, mi, s;
    int64_t frac;
    if (n < 19 || p[10] != ' ' || p[13] != ':' || p[16] != ':' || !ParseDate(p, 10, days) ||
        !Digits(p + 11, 2, h) || !Digits(p + 14, 2, mi) || !Digits(p + 17, 2, s) ||
        !ParseFraction(p + 19, n - 19, frac))
        return false;
    if (h > 23 || mi > 59 || s > 59)
        return false;
    micros = ((days * 24 + h) * 60 + mi) * 60 * kMicrosPerSecond + s * kMicrosPerSecond + frac;
    return true;
}

// MySQL TIME '[-]H+:MM:SS[.f]' → signed microseconds.
bool ParseTime(const char *p, size_t n, int64_t &micros) {
    size_t i = 0;
    bool negative = false;
    if (i < n && p[i] == '-') {
        negative = true;
        ++i;
    }
    size_t colon = i;
    while (colon < n && p[colon] != ':')
        ++colon;
    int h, mi, s;
    int64_t frac;
    if (colon == i || colon + 6 > n || p[colon + 3] != ':' || colon - i > 7 || !Digits(p + i, colon - i, h) ||
        !Digits(p + colon + 1, 2, mi) || !Digits(p + colon + 4, 2, s) ||
        !ParseFraction(p + colon + 6, n - colon - 6, frac))
        return false;
    if (mi > 59 || s > 59)
        return false;
    micros = ((static_cast<int64_t>(h) * 60 + mi) * 60 + s) * kMicrosPerSecond + frac;
    if (negative)
        micros = -micros;
    return true;
}

// Zero dates under the column's policy: a NULL field or ±infinity. Returns true when handled.
bool ZeroDate(std::string &out, const ValueSpec &spec, bool timestamp) {
    if (!spec.zero_date_value.has_value()) {
        AppendBinaryNull(out);
        return true;
    }
    const bool minus = *spec.zero_date_value == "-infinity";
    if (timestamp) {
        PutI32(out, 8);
        PutI64(out, minus ? kTimestampNoBegin : kTimestampNoEnd);
    } else {
        PutI32(out, 4);
        PutI32(out, minus ? kDateNoBegin : kDateNoEnd);
    }
    return true;
}

// Decimal text ([-+]digits[.digits][e[-+]digits]) → numeric_recv's format.
bool AppendNumeric(std::string &out, const char *p, size_t n) {
    size_t i = 0;
    bool negative = false;
    if (i < n && (p[i] == '-' || p[i] == '+')) {
        negative = p[i] == '-';
        ++i;
    }
    std::string digits;
    digits.reserve(n);
    long point = -1; // digits before the decimal point
    for (; i < n && p[i] != 'e' && p[i] != 'E'; ++i) {
        if (p[i] == '.') {
            if (point >= 0)
                return false;
            point = static_cast<long>(digits.size());
        } else if (p[i] >= '0' && p[i] <= '9') {
            digits += p[i];
        } else {
            return false;
        }
    }
    if (digits.empty())
        return false;
    if (point < 0)
        point = static_cast<long>(digits.size());
    long scale = static_cast<long>(digits.size()) - point;
    if (i < n) { // exponent
        int64_t e;
        bool overflow;
        if (!ParseInt(p + i + 1, n - i - 1, e, overflow) || overflow || e > 1000 || e < -1000)
            return false;
        point += static_cast<long>(e);
        scale -= static_cast<long>(e);
    }
    const int dscale = static_cast<int>(scale < 0 ? 0 : scale);
    // Align the digits on groups of four around the decimal point: pad on the left so that the
    // point falls on a group boundary, on the right to whole groups.
    const long pad_left = (4 - ((point % 4) + 4) % 4) % 4;
    std::string s(static_cast<size_t>(pad_left), '0');
    s += digits;
    while (s.size() % 4 != 0)
        s += '0';
    const long aligned_point = point + pad_left; // a multiple of 4, possibly <= 0 or beyond the digits
    int weight = static_cast<int>(aligned_point / 4) - 1;
    size_t first = 0;
    size_t last = s.size() / 4; // exclusive, in groups
    auto group = [&](size_t g) {
        return static_cast<uint16_t>((s[4 * g] - '0') * 1000 + (s[4 * g + 1] - '0') * 100 +
                                     (s[4 * g + 2] - '0') * 10 + (s[4 * g + 3] - '0'));
    };
    while (first < last && group(first) == 0) {
        ++first;
        --weight;
    }
    while (last > first && group(last - 1) == 0)
        --last;
    const size_t ndigits = last - first;
    PutI32(out, static_cast<int32_t>(8 + 2 * ndigits));
    PutU16(out, static_cast<uint16_t>(ndigits));
    PutU16(out, static_cast<uint16_t>(ndigits == 0 ? 0 : weight));
    PutU16(out, static_cast<uint16_t>(negative && ndigits > 0 ? 0x4000 : 0x0000));
    PutU16(out, static_cast<uint16_t>(dscale));
    for (size_t g = first; g < last; ++g)
        PutU16(out, group(g));
    return true;
}

bool AppendFloat(std::string &out, bool single, const char *p, size_t n, BinaryProblem &problem) {
    char buf[80];
    if (n == 0 || n >= sizeof buf)
        return InvalidSyntax(problem, single ? "real" : "double precision", p, n);
    memcpy(buf, p, n);
    buf[n] = '\0';
    char *end = nullptr;
    errno = 0;
    if (single) {
        float v = std::strtof(buf, &end);
        if (end != buf + n)
            return InvalidSyntax(problem, "real", p, n);
        if (errno == ERANGE && (v == 0.0f || std::isinf(v)))
            return OutOfRange(problem, "real", p, n);
        uint32_t bits;
        memcpy(&bits, &v, sizeof bits);
        PutI32(out, 4);
        PutU32(out, bits);
    } else {
        double v = std::strtod(buf, &end);
        if (end != buf + n)
            return InvalidSyntax(problem, "double precision", p, n);
        if (errno == ERANGE && (v == 0.0 || std::isinf(v)))
            return OutOfRange(problem, "double precision", p, n);
        uint64_t bits;
        memcpy(&bits, &v, sizeof bits);
        PutI32(out, 8);
        PutU64(out, bits);
    }
    return true;
}

bool AppendVarbit(std::string &out, const unsigned char *p, size_t size, int width, BinaryProblem &problem,
                  const char *data) {
    const size_t total = size * 8;
    const size_t n = static_cast<size_t>(width);
    if (total > n) {
        for (size_t bit = 0; bit < total - n; ++bit) {
            if (p[bit / 8] & (0x80 >> (bit % 8)))
                return Fail(problem, "22026",
                            "bit string of MySQL value " + DescribeValue(data, size, CopyKind::kBytea) +
                                " is longer than " + std::to_string(width) + " bits");
        }
    }
    const size_t bytes = (n + 7) / 8;
    PutI32(out, static_cast<int32_t>(4 + bytes));
    PutI32(out, static_cast<int32_t>(n));
    const size_t base = out.size();
    out.append(bytes, '\0');
    // Bit k of the result (0 = most significant of the first byte) is bit (total - n + k) of the
    // value, counted the same way; value bits before the value's own start are zero.
    for (size_t k = 0; k < n; ++k) {
        long src = static_cast<long>(total) - static_cast<long>(n) + static_cast<long>(k);
        if (src < 0)
            continue;
        if (p[src / 8] & (0x80 >> (src % 8)))
            out[base + k / 8] =
                static_cast<char>(static_cast<unsigned char>(out[base + k / 8]) | (0x80 >> (k % 8)));
    }
    return true;
}

int HexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool StartsWith(const std::string &text, const char *prefix) {
    return text.rfind(prefix, 0) == 0;
}

} // namespace

const char *BinaryKindName(BinaryKind kind) {
    switch (kind) {
        case BinaryKind::kNone:
            return "none";
        case BinaryKind::kInt2:
            return "int2";
        case BinaryKind::kInt4:
            return "int4";
        case BinaryKind::kInt8:
            return "int8";
        case BinaryKind::kNumeric:
            return "numeric";
        case BinaryKind::kFloat4:
            return "float4";
        case BinaryKind::kFloat8:
            return "float8";
        case BinaryKind::kBool:
            return "bool";
        case BinaryKind::kText:
            return "text";
        case BinaryKind::kJsonb:
            return "jsonb";
        case BinaryKind::kBytea:
            return "bytea";
        case BinaryKind::kGeometryWkb:
            return "wkb";
        case BinaryKind::kDate:
            return "date";
        case BinaryKind::kTimestamp:
            return "timestamp";
        case BinaryKind::kTimestampTz:
            return "timestamptz";
        case BinaryKind::kInterval:
            return "interval";
        case BinaryKind::kTime:
            return "time";
        case BinaryKind::kVarbit:
            return "varbit";
        case BinaryKind::kTextArray:
            return "text[]";
        case BinaryKind::kUuidText:
            return "uuid";
        case BinaryKind::kUuidBytes:
            return "uuid-bytes";
    }
    return "?";
}

BinaryKind BinaryKindFor(const MappedColumn &c) {
    const std::string t = AsciiLower(c.pg_type);
    if (c.zero_date_value.has_value() && *c.zero_date_value != "-infinity" &&
        *c.zero_date_value != "infinity")
        return BinaryKind::kNone;
    switch (c.kind) {
        case CopyKind::kNumber:
            if (t == "smallint" || t == "int2")
                return BinaryKind::kInt2;
            if (t == "integer" || t == "int" || t == "int4")
                return BinaryKind::kInt4;
            if (t == "bigint" || t == "int8")
                return BinaryKind::kInt8;
            if (StartsWith(t, "numeric") || StartsWith(t, "decimal"))
                return BinaryKind::kNumeric;
            if (t == "real" || t == "float4")
                return BinaryKind::kFloat4;
            if (t == "double precision" || t == "float8")
                return BinaryKind::kFloat8;
            if (t == "boolean" || t == "bool")
                return BinaryKind::kBool;
            return BinaryKind::kNone;
        case CopyKind::kText:
            if (c.enum_type || t == "text" || t == "json" || StartsWith(t, "character varying") ||
                StartsWith(t, "varchar") || StartsWith(t, "character(") || t == "character" ||
                StartsWith(t, "char(") || StartsWith(t, "bpchar"))
                return BinaryKind::kText;
            if (t == "jsonb")
                return BinaryKind::kJsonb;
            if (t == "uuid")
                return BinaryKind::kUuidText;
            return BinaryKind::kNone;
        case CopyKind::kDate:
            return t == "date" ? BinaryKind::kDate : BinaryKind::kNone;
        case CopyKind::kDateTime:
            return StartsWith(t, "timestamp") && t.find("with time zone") == std::string::npos &&
                           t != "timestamptz"
                       ? BinaryKind::kTimestamp
                       : BinaryKind::kNone;
        case CopyKind::kTimestampUtc:
            return t == "timestamptz" ||
                           (StartsWith(t, "timestamp") && t.find("with time zone") != std::string::npos &&
                            t.find("without") == std::string::npos)
                       ? BinaryKind::kTimestampTz
                       : BinaryKind::kNone;
        case CopyKind::kTime:
            if (StartsWith(t, "interval"))
                return BinaryKind::kInterval;
            if (t == "time" || StartsWith(t, "time(") || t == "time without time zone" ||
                (StartsWith(t, "time(") && t.find("without") != std::string::npos))
                return BinaryKind::kTime;
            return BinaryKind::kNone;
        case CopyKind::kBytea:
            return t == "bytea" ? BinaryKind::kBytea : BinaryKind::kNone;
        case CopyKind::kHex:
            return t == "uuid" ? BinaryKind::kUuidBytes : BinaryKind::kNone;
        case CopyKind::kBitString:
            return StartsWith(t, "bit varying") || StartsWith(t, "varbit") || StartsWith(t, "bit(") ||
                           t == "bit"
                       ? BinaryKind::kVarbit
                       : BinaryKind::kNone;
        case CopyKind::kSetArray:
            return t == "text[]" ? BinaryKind::kTextArray : BinaryKind::kNone;
        case CopyKind::kGeometryWkb:
            return t == "bytea" ? BinaryKind::kGeometryWkb : BinaryKind::kNone;
        case CopyKind::kBitInteger:
        case CopyKind::kGeometryEwkb:
            return BinaryKind::kNone;
    }
    return BinaryKind::kNone;
}

const std::string &BinaryCopyHeader() {
    static const std::string header("PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0", 19);
    return header;
}

const std::string &BinaryCopyTrailer() {
    static const std::string trailer("\377\377", 2);
    return trailer;
}

void AppendBinaryNull(std::string &out) {
    PutI32(out, -1);
}

void AppendBinaryRowStart(std::string &out, int fields) {
    PutU16(out, static_cast<uint16_t>(fields));
}

bool AppendBinaryField(std::string &out, BinaryKind kind, const ValueSpec &spec, const char *data,
                       size_t size, BinaryProblem &problem) {
    const auto *bytes = reinterpret_cast<const unsigned char *>(data);
    switch (kind) {
        case BinaryKind::kInt2:
        case BinaryKind::kInt4:
        case BinaryKind::kInt8: {
            int64_t v = 0;
            bool overflow = false;
            const char *type = kind == BinaryKind::kInt2   ? "smallint"
                               : kind == BinaryKind::kInt4 ? "integer"
                                                           : "bigint";
            if (!ParseInt(data, size, v, overflow))
                return InvalidSyntax(problem, type, data, size);
            if (overflow || (kind == BinaryKind::kInt2 && (v < INT16_MIN || v > INT16_MAX)) ||
                (kind == BinaryKind::kInt4 && (v < INT32_MIN || v > INT32_MAX)))
                return OutOfRange(problem, type, data, size);
            if (kind == BinaryKind::kInt2) {
                PutI32(out, 2);
                PutU16(out, static_cast<uint16_t>(static_cast<int16_t>(v)));
            } else if (kind == BinaryKind::kInt4) {
                PutI32(out, 4);
                PutI32(out, static_cast<int32_t>(v));
            } else {
                PutI32(out, 8);
                PutI64(out, v);
            }
            return true;
        }
        case BinaryKind::kNumeric:
            if (!AppendNumeric(out, data, size))
                return InvalidSyntax(problem, "numeric", data, size);
            return true;
        case BinaryKind::kFloat4:
            return AppendFloat(out, true, data, size, problem);
        case BinaryKind::kFloat8:
            return AppendFloat(out, false, data, size, problem);
        case BinaryKind::kBool:
            if (size == 1 && (data[0] == '0' || data[0] == '1')) {
                PutI32(out, 1);
                PutU8(out, data[0] == '1' ? 1 : 0);
                return true;
            }
            return InvalidSyntax(problem, "boolean", data, size);
        case BinaryKind::kText:
        case BinaryKind::kJsonb: {
            std::string kept;
            if (memchr(data, '\0', size) != nullptr && !StripNul(spec, data, size, kept, problem))
                return false;
            if (kind == BinaryKind::kJsonb) {
                PutI32(out, static_cast<int32_t>(size + 1));
                PutU8(out, 1); // jsonb version
            } else {
                PutI32(out, static_cast<int32_t>(size));
            }
            out.append(data, size);
            return true;
        }
        case BinaryKind::kBytea:
            PutI32(out, static_cast<int32_t>(size));
            out.append(data, size);
            return true;
        case BinaryKind::kGeometryWkb:
            if (size < 9)
                return Fail(problem, "22P03",
                            "malformed MySQL geometry value " + DescribeValue(data, size, CopyKind::kBytea));
            PutI32(out, static_cast<int32_t>(size - 4));
            out.append(data + 4, size - 4);
            return true;
        case BinaryKind::kDate: {
            if (IsZeroDate(data, size))
                return ZeroDate(out, spec, false);
            int64_t days;
            if (!ParseDate(data, size, days) || size != 10)
                return DateOutOfRange(problem, data, size);
            PutI32(out, 4);
            PutI32(out, static_cast<int32_t>(days));
            return true;
        }
        case BinaryKind::kTimestamp:
        case BinaryKind::kTimestampTz: {
            if (IsZeroDate(data, size))
                return ZeroDate(out, spec, true);
            int64_t micros;
            if (!ParseTimestamp(data, size, micros))
                return DateOutOfRange(problem, data, size);
            PutI32(out, 8);
            PutI64(out, micros);
            return true;
        }
        case BinaryKind::kInterval: {
            int64_t micros;
            if (!ParseTime(data, size, micros))
                return Fail(problem, "22007",
                            "invalid input syntax for type interval: " + Quoted(data, size));
            PutI32(out, 16);
            PutI64(out, micros);
            PutI32(out, 0); // days
            PutI32(out, 0); // months
            return true;
        }
        case BinaryKind::kTime: {
            int64_t micros;
            if (!ParseTime(data, size, micros))
                return Fail(problem, "22007", "invalid input syntax for type time: " + Quoted(data, size));
            if (micros < 0 || micros > kMicrosPerDay)
                return DateOutOfRange(problem, data, size);
            PutI32(out, 8);
            PutI64(out, micros);
            return true;
        }
        case BinaryKind::kVarbit:
            return AppendVarbit(out, bytes, size, spec.bit_width, problem, data);
        case BinaryKind::kTextArray: {
            std::string kept;
            if (memchr(data, '\0', size) != nullptr && !StripNul(spec, data, size, kept, problem))
                return false;
            const size_t start = out.size();
            PutI32(out, 0); // length, set below
            int elements = size == 0 ? 0 : 1;
            for (size_t i = 0; i < size; ++i)
                elements += data[i] == ',';
            PutI32(out, elements == 0 ? 0 : 1); // ndim
            PutI32(out, 0);                     // no NULLs
            PutU32(out, 25);                    // text
            if (elements > 0) {
                PutI32(out, elements);
                PutI32(out, 1); // lower bound
                size_t from = 0;
                for (size_t i = 0; i <= size; ++i) {
                    if (i == size || data[i] == ',') {
                        PutI32(out, static_cast<int32_t>(i - from));
                        out.append(data + from, i - from);
                        from = i + 1;
                    }
                }
            }
            const uint32_t length = static_cast<uint32_t>(out.size() - start - 4);
            for (int k = 0; k < 4; ++k)
                out[start + k] = static_cast<char>((length >> (24 - 8 * k)) & 0xFF);
            return true;
        }
        case BinaryKind::kUuidText: {
            unsigned char uuid[16];
            int nibbles = 0;
            for (size_t i = 0; i < size; ++i) {
                if (data[i] == '-' && (nibbles == 8 || nibbles == 12 || nibbles == 16 || nibbles == 20))
                    continue;
                int v = HexValue(data[i]);
                if (v < 0 || nibbles >= 32)
                    return InvalidSyntax(problem, "uuid", data, size);
                if (nibbles % 2 == 0)
                    uuid[nibbles / 2] = static_cast<unsigned char>(v << 4);
                else
                    uuid[nibbles / 2] = static_cast<unsigned char>(uuid[nibbles / 2] | v);
                ++nibbles;
            }
            if (nibbles != 32)
                return InvalidSyntax(problem, "uuid", data, size);
            PutI32(out, 16);
            out.append(reinterpret_cast<const char *>(uuid), 16);
            return true;
        }
        case BinaryKind::kUuidBytes:
            if (size != 16)
                return Fail(problem, "22P02",
                            "invalid input syntax for type uuid: " +
                                DescribeValue(data, size, CopyKind::kBytea));
            PutI32(out, 16);
            out.append(data, 16);
            return true;
        case BinaryKind::kNone:
            break;
    }
    return Fail(problem, "XX000", "no binary encoder");
}

} // namespace chameleon::convert
