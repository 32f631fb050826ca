#include "mysql/binlog/json_binary.hpp"

#include "mysql/binlog/byte_reader.hpp"
#include "mysql/binlog/column_types.hpp"
#include "mysql/binlog/errors.hpp"
#include "mysql/binlog/value_text.hpp"

#include <charconv>
#include <cstring>

namespace chameleon::mysql::binlog {

namespace {

constexpr int kMaxDepth = 150;

enum : uint8_t {
    kSmallObject = 0x00,
    kLargeObject = 0x01,
    kSmallArray = 0x02,
    kLargeArray = 0x03,
    kLiteral = 0x04,
    kInt16 = 0x05,
    kUInt16 = 0x06,
    kInt32 = 0x07,
    kUInt32 = 0x08,
    kInt64 = 0x09,
    kUInt64 = 0x0a,
    kDouble = 0x0b,
    kString = 0x0c,
    kOpaque = 0x0f,
};

[[noreturn]] void Bad(const char *what) {
    ThrowCorrupt(std::string("binary JSON: ") + what);
}

// Variable-length length: 7 bits per byte, low bits first, high bit = more (at most 5 bytes).
uint32_t ReadVarLen(const uint8_t *p, size_t n, size_t *used) {
    uint64_t v = 0;
    for (size_t i = 0; i < 5; ++i) {
        if (i >= n)
            Bad("truncated length");
        v |= static_cast<uint64_t>(p[i] & 0x7f) << (7 * i);
        if ((p[i] & 0x80) == 0) {
            if (v > UINT32_MAX)
                Bad("length too large");
            *used = i + 1;
            return static_cast<uint32_t>(v);
        }
    }
    Bad("length too long");
}

template <typename T>
void Num(T v, std::string *out) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    out->append(buf, r.ptr);
}

void AppendDouble(double d, std::string *out) {
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
    out->append(s);
    if (s.find_first_of(".eE") == std::string_view::npos && s != "inf" && s != "-inf" && s != "nan")
        out->append(".0");
}

void AppendBase64(const uint8_t *p, size_t n, std::string *out) {
    static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
        out->push_back(tbl[v >> 18]);
        out->push_back(tbl[(v >> 12) & 63]);
        out->push_back(tbl[(v >> 6) & 63]);
        out->push_back(tbl[v & 63]);
    }
    if (n - i == 1) {
        uint32_t v = p[i] << 16;
        out->push_back(tbl[v >> 18]);
        out->push_back(tbl[(v >> 12) & 63]);
        out->append("==");
    } else if (n - i == 2) {
        uint32_t v = (p[i] << 16) | (p[i + 1] << 8);
        out->push_back(tbl[v >> 18]);
        out->push_back(tbl[(v >> 12) & 63]);
        out->push_back(tbl[(v >> 6) & 63]);
        out->push_back('=');
    }
}

// Packed temporal values (my_datetime_packed / my_time_packed): int64 LE.
void AppendPackedDatetime(int64_t packed, bool date_only, std::string *out) {
    if (packed < 0)
        Bad("negative DATETIME");
    uint64_t x = static_cast<uint64_t>(packed);
    uint64_t ymdhms = x >> 24;
    uint32_t frac = static_cast<uint32_t>(x & 0xffffff);
    uint64_t ymd = ymdhms >> 17, ym = ymd >> 5, hms = ymdhms & 0x1ffff;
    DateTime dt{static_cast<uint16_t>(ym / 13),        static_cast<uint8_t>(ym % 13),
                static_cast<uint8_t>(ymd & 31),        static_cast<uint8_t>(hms >> 12),
                static_cast<uint8_t>((hms >> 6) & 63), static_cast<uint8_t>(hms & 63),
                frac > 999999 ? 999999u : frac};
    out->push_back('"');
    if (date_only)
        AppendDate(Date{dt.year, dt.month, dt.day}, out);
    else
        AppendDateTime(dt, 6, out);
    out->push_back('"');
}

void AppendPackedTime(int64_t packed, std::string *out) {
    Time t{};
    t.negative = packed < 0;
    uint64_t a = packed < 0 ? 0 - static_cast<uint64_t>(packed) : static_cast<uint64_t>(packed);
    uint64_t hms = a >> 24;
    t.microsecond = static_cast<uint32_t>(a & 0xffffff);
    if (t.microsecond > 999999)
        t.microsecond = 999999;
    t.hour = static_cast<uint32_t>((hms >> 12) & 0x3ff);
    t.minute = static_cast<uint8_t>((hms >> 6) & 63);
    t.second = static_cast<uint8_t>(hms & 63);
    out->push_back('"');
    AppendTime(t, 6, out);
    out->push_back('"');
}

void JsonValue(uint8_t type, const uint8_t *p, size_t n, std::string *out, int depth);

void Container(const uint8_t *p, size_t n, bool large, bool object, std::string *out, int depth) {
    size_t w = large ? 4 : 2;
    if (n < 2 * w)
        Bad("truncated container header");
    uint32_t count = static_cast<uint32_t>(LoadLeN(p, w));
    uint32_t size = static_cast<uint32_t>(LoadLeN(p + w, w));
    if (size > n)
        Bad("container larger than its data");
    size_t key_entry = w + 2;
    size_t value_entry = 1 + w;
    size_t header = 2 * w + (object ? static_cast<size_t>(count) * key_entry : 0) +
                    static_cast<size_t>(count) * value_entry;
    if (header > size)
        Bad("container entries exceed its size");
    out->push_back(object ? '{' : '[');
    for (uint32_t i = 0; i < count; ++i) {
        if (i > 0)
            out->append(", ");
        if (object) {
            const uint8_t *ke = p + 2 * w + static_cast<size_t>(i) * key_entry;
            uint32_t koff = static_cast<uint32_t>(LoadLeN(ke, w));
            uint16_t klen = LoadLe16(ke + w);
            if (koff > size || klen > size - koff)
                Bad("object key outside the container");
            AppendJsonString(reinterpret_cast<const char *>(p + koff), klen, out);
            out->append(": ");
        }
        const uint8_t *ve = p + 2 * w + (object ? static_cast<size_t>(count) * key_entry : 0) +
                            static_cast<size_t>(i) * value_entry;
        uint8_t t = ve[0];
        const uint8_t *inl = ve + 1;
        bool inlined =
            t == kLiteral || t == kInt16 || t == kUInt16 || (large && (t == kInt32 || t == kUInt32));
        if (inlined) {
            switch (t) {
                case kLiteral:
                    if (inl[0] == 0)
                        out->append("null");
                    else if (inl[0] == 1)
                        out->append("true");
                    else if (inl[0] == 2)
                        out->append("false");
                    else
                        Bad("invalid literal");
                    break;
                case kInt16:
                    Num(static_cast<int16_t>(LoadLe16(inl)), out);
                    break;
                case kUInt16:
                    Num(LoadLe16(inl), out);
                    break;
                case kInt32:
                    Num(static_cast<int32_t>(LoadLe32(inl)), out);
                    break;
                case kUInt32:
                    Num(LoadLe32(inl), out);
                    break;
            }
        } else {
            uint32_t off = static_cast<uint32_t>(LoadLeN(inl, w));
            if (off >= size)
                Bad("value offset outside the container");
            JsonValue(t, p + off, size - off, out, depth + 1);
        }
    }
    out->push_back(object ? '}' : ']');
}

void JsonValue(uint8_t type, const uint8_t *p, size_t n, std::string *out, int depth) {
    if (depth > kMaxDepth)
        Bad("nesting too deep");
    auto need = [&](size_t k) {
        if (n < k)
            Bad("truncated value");
    };
    switch (type) {
        case kSmallObject:
            Container(p, n, false, true, out, depth);
            return;
        case kLargeObject:
            Container(p, n, true, true, out, depth);
            return;
        case kSmallArray:
            Container(p, n, false, false, out, depth);
            return;
        case kLargeArray:
            Container(p, n, true, false, out, depth);
            return;
        case kLiteral:
            need(1);
            if (p[0] == 0)
                out->append("null");
            else if (p[0] == 1)
                out->append("true");
            else if (p[0] == 2)
                out->append("false");
            else
                Bad("invalid literal");
            return;
        case kInt16:
            need(2);
            Num(static_cast<int16_t>(LoadLe16(p)), out);
            return;
        case kUInt16:
            need(2);
            Num(LoadLe16(p), out);
            return;
        case kInt32:
            need(4);
            Num(static_cast<int32_t>(LoadLe32(p)), out);
            return;
        case kUInt32:
            need(4);
            Num(LoadLe32(p), out);
            return;
        case kInt64:
            need(8);
            Num(static_cast<int64_t>(LoadLe64(p)), out);
            return;
        case kUInt64:
            need(8);
            Num(LoadLe64(p), out);
            return;
        case kDouble: {
            need(8);
            double d;
            std::memcpy(&d, p, 8);
            AppendDouble(d, out);
            return;
        }
        case kString: {
            size_t used;
            uint32_t len = ReadVarLen(p, n, &used);
            if (len > n - used)
                Bad("string longer than its data");
            AppendJsonString(reinterpret_cast<const char *>(p + used), len, out);
            return;
        }
        case kOpaque: {
            need(1);
            uint8_t mtype = p[0];
            size_t used;
            uint32_t len = ReadVarLen(p + 1, n - 1, &used);
            if (len > n - 1 - used)
                Bad("opaque value longer than its data");
            const uint8_t *d = p + 1 + used;
            switch (mtype) {
                case column_type::kNewDecimal: {
                    if (len < 2)
                        Bad("truncated opaque DECIMAL");
                    DecimalToString(d + 2, len - 2, d[0], d[1], out);
                    return;
                }
                case column_type::kDate:
                    if (len < 8)
                        Bad("truncated opaque DATE");
                    AppendPackedDatetime(static_cast<int64_t>(LoadLe64(d)), true, out);
                    return;
                case column_type::kDatetime:
                case column_type::kTimestamp:
                case column_type::kDatetime2:
                case column_type::kTimestamp2:
                    if (len < 8)
                        Bad("truncated opaque DATETIME");
                    AppendPackedDatetime(static_cast<int64_t>(LoadLe64(d)), false, out);
                    return;
                case column_type::kTime:
                case column_type::kTime2:
                    if (len < 8)
                        Bad("truncated opaque TIME");
                    AppendPackedTime(static_cast<int64_t>(LoadLe64(d)), out);
                    return;
                default:
                    out->append("\"base64:type");
                    Num(static_cast<unsigned>(mtype), out);
                    out->push_back(':');
                    AppendBase64(d, len, out);
                    out->push_back('"');
                    return;
            }
        }
        default:
            Bad("unknown value type");
    }
}

} // namespace

void AppendJsonString(const char *s, size_t n, std::string *out) {
    static const char hex[] = "0123456789abcdef";
    out->push_back('"');
    for (size_t i = 0; i < n; ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        switch (c) {
            case '"':
                out->append("\\\"");
                break;
            case '\\':
                out->append("\\\\");
                break;
            case '\n':
                out->append("\\n");
                break;
            case '\r':
                out->append("\\r");
                break;
            case '\t':
                out->append("\\t");
                break;
            case '\b':
                out->append("\\b");
                break;
            case '\f':
                out->append("\\f");
                break;
            default:
                if (c < 0x20) {
                    out->append("\\u00");
                    out->push_back(hex[c >> 4]);
                    out->push_back(hex[c & 15]);
                } else {
                    out->push_back(static_cast<char>(c));
                }
        }
    }
    out->push_back('"');
}

void JsonBinaryToText(const uint8_t *data, size_t size, std::string *out) {
    if (size == 0) {
        out->append("null");
        return;
    }
    JsonValue(data[0], data + 1, size - 1, out, 0);
}

} // namespace chameleon::mysql::binlog
