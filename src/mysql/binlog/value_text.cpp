#include "mysql/binlog/value_text.hpp"

#include "mysql/binlog/errors.hpp"
#include "mysql/binlog/json_binary.hpp"

#include <charconv>
#include <cstring>

namespace chameleon::mysql::binlog {

namespace {

const uint8_t kDigitsToBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};
const uint32_t kPow10[10] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

void AppendPadded(uint64_t v, int width, std::string *out) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    int len = static_cast<int>(res.ptr - buf);
    for (int i = len; i < width; ++i)
        out->push_back('0');
    out->append(buf, res.ptr);
}

void AppendFraction(uint32_t micro, int fsp, std::string *out) {
    if (fsp <= 0)
        return;
    if (fsp > 6)
        fsp = 6;
    out->push_back('.');
    AppendPadded(micro / kPow10[6 - fsp], fsp, out);
}

template <typename T>
void AppendNumber(T v, std::string *out) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out->append(buf, res.ptr);
}

} // namespace

size_t DecimalBinarySize(int precision, int scale) {
    int intg = precision - scale;
    return static_cast<size_t>((intg / 9) * 4 + kDigitsToBytes[intg % 9] + (scale / 9) * 4 +
                               kDigitsToBytes[scale % 9]);
}

void DecimalToString(const uint8_t *data, size_t size, int precision, int scale, std::string *out) {
    if (precision < 1 || precision > 65 || scale < 0 || scale > 30 || scale > precision)
        ThrowCorrupt("invalid DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")");
    size_t want = DecimalBinarySize(precision, scale);
    if (size != want)
        ThrowCorrupt("DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ") value of " +
                     std::to_string(size) + " bytes, expected " + std::to_string(want));
    uint8_t buf[40];
    std::memcpy(buf, data, size);
    uint8_t mask = (buf[0] & 0x80) ? 0 : 0xff;
    buf[0] ^= 0x80;
    for (size_t i = 0; i < size; ++i)
        buf[i] ^= mask;
    bool negative = mask != 0;

    int intg = precision - scale;
    int intg0 = intg / 9, intg0x = intg % 9, frac0 = scale / 9, frac0x = scale % 9;
    const uint8_t *p = buf;
    auto group = [&](int nbytes, int digits) -> uint32_t {
        uint32_t v = 0;
        for (int k = 0; k < nbytes; ++k)
            v = (v << 8) | *p++;
        if (v >= kPow10[digits])
            ThrowCorrupt("invalid digit group in DECIMAL value");
        return v;
    };
    std::string digits; // integer part, possibly with leading zeros
    char tmp[16];
    if (intg0x > 0) {
        uint32_t v = group(kDigitsToBytes[intg0x], intg0x);
        auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
        digits.append(static_cast<size_t>(intg0x) - static_cast<size_t>(r.ptr - tmp), '0');
        digits.append(tmp, r.ptr);
    }
    for (int g = 0; g < intg0; ++g) {
        uint32_t v = group(4, 9);
        auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
        digits.append(9 - static_cast<size_t>(r.ptr - tmp), '0');
        digits.append(tmp, r.ptr);
    }
    size_t nz = digits.find_first_not_of('0');
    std::string int_part = nz == std::string::npos ? "0" : digits.substr(nz);
    std::string frac_part;
    for (int g = 0; g < frac0; ++g) {
        uint32_t v = group(4, 9);
        auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
        frac_part.append(9 - static_cast<size_t>(r.ptr - tmp), '0');
        frac_part.append(tmp, r.ptr);
    }
    if (frac0x > 0) {
        uint32_t v = group(kDigitsToBytes[frac0x], frac0x);
        auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
        frac_part.append(static_cast<size_t>(frac0x) - static_cast<size_t>(r.ptr - tmp), '0');
        frac_part.append(tmp, r.ptr);
    }
    bool all_zero = int_part == "0" && frac_part.find_first_not_of('0') == std::string::npos;
    if (negative && !all_zero)
        out->push_back('-');
    out->append(int_part);
    if (scale > 0) {
        out->push_back('.');
        out->append(frac_part);
    }
}

void AppendDate(const Date &d, std::string *out) {
    AppendPadded(d.year, 4, out);
    out->push_back('-');
    AppendPadded(d.month, 2, out);
    out->push_back('-');
    AppendPadded(d.day, 2, out);
}

void AppendTime(const Time &t, int fsp, std::string *out) {
    if (t.negative)
        out->push_back('-');
    AppendPadded(t.hour, 2, out);
    out->push_back(':');
    AppendPadded(t.minute, 2, out);
    out->push_back(':');
    AppendPadded(t.second, 2, out);
    AppendFraction(t.microsecond, fsp, out);
}

void AppendDateTime(const DateTime &dt, int fsp, std::string *out) {
    AppendDate(Date{dt.year, dt.month, dt.day}, out);
    out->push_back(' ');
    AppendPadded(dt.hour, 2, out);
    out->push_back(':');
    AppendPadded(dt.minute, 2, out);
    out->push_back(':');
    AppendPadded(dt.second, 2, out);
    AppendFraction(dt.microsecond, fsp, out);
}

DateTime TimestampToUtc(const Timestamp &ts) {
    DateTime dt{};
    int64_t secs = ts.seconds;
    int64_t days = secs / 86400;
    int64_t rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        --days;
    }
    dt.hour = static_cast<uint8_t>(rem / 3600);
    dt.minute = static_cast<uint8_t>((rem / 60) % 60);
    dt.second = static_cast<uint8_t>(rem % 60);
    dt.microsecond = ts.microsecond;
    // Days since 1970-01-01 to a proleptic Gregorian date (era-based computation).
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2)
        ++y;
    dt.year = static_cast<uint16_t>(y);
    dt.month = static_cast<uint8_t>(m);
    dt.day = static_cast<uint8_t>(d);
    return dt;
}

void AppendTimestampUtc(const Timestamp &ts, int fsp, std::string *out) {
    if (ts.seconds == 0 && ts.microsecond == 0) {
        AppendDateTime(DateTime{0, 0, 0, 0, 0, 0, 0}, fsp, out);
        return;
    }
    AppendDateTime(TimestampToUtc(ts), fsp, out);
}

void AppendHex(const uint8_t *p, size_t n, std::string *out) {
    static const char hex[] = "0123456789abcdef";
    out->reserve(out->size() + 2 * n);
    for (size_t i = 0; i < n; ++i) {
        out->push_back(hex[p[i] >> 4]);
        out->push_back(hex[p[i] & 15]);
    }
}

void AppendValueText(const Value &v, const ColumnInfo &col, std::string *out) {
    switch (v.kind) {
        case ValueKind::kAbsent:
            out->append("<absent>");
            return;
        case ValueKind::kNull:
            out->append("NULL");
            return;
        case ValueKind::kInt:
            AppendNumber(v.i, out);
            return;
        case ValueKind::kUInt:
            AppendNumber(v.u, out);
            return;
        case ValueKind::kFloat:
            AppendNumber(v.f, out);
            return;
        case ValueKind::kDouble:
            AppendNumber(v.d, out);
            return;
        case ValueKind::kDecimal:
            DecimalToString(v.data, v.size, col.precision, col.scale, out);
            return;
        case ValueKind::kBit:
            out->append("b'");
            for (int b = col.bits - 1; b >= 0; --b)
                out->push_back(((v.u >> b) & 1) ? '1' : '0');
            out->push_back('\'');
            return;
        case ValueKind::kYear:
            AppendPadded(static_cast<uint64_t>(v.i), 4, out);
            return;
        case ValueKind::kDate:
            AppendDate(v.date, out);
            return;
        case ValueKind::kTime:
            AppendTime(v.time, v.fsp, out);
            return;
        case ValueKind::kDateTime:
            AppendDateTime(v.datetime, v.fsp, out);
            return;
        case ValueKind::kTimestamp:
            AppendTimestampUtc(v.timestamp, v.fsp, out);
            return;
        case ValueKind::kString:
            out->append(reinterpret_cast<const char *>(v.data), v.size);
            return;
        case ValueKind::kBytes:
            out->append("0x");
            AppendHex(v.data, v.size, out);
            return;
        case ValueKind::kEnum:
            if (v.u == 0)
                return; // the '' error value
            if (v.u <= col.enum_values.size())
                out->append(col.enum_values[v.u - 1]);
            else {
                out->push_back('#');
                AppendNumber(v.u, out);
            }
            return;
        case ValueKind::kSet: {
            if (col.enum_values.empty()) {
                out->append("bits:");
                AppendNumber(v.u, out);
                return;
            }
            bool first = true;
            for (size_t b = 0; b < 64; ++b) {
                if (!((v.u >> b) & 1))
                    continue;
                if (!first)
                    out->push_back(',');
                first = false;
                if (b < col.enum_values.size())
                    out->append(col.enum_values[b]);
                else {
                    out->push_back('#');
                    AppendNumber(b, out);
                }
            }
            return;
        }
        case ValueKind::kJson:
            JsonBinaryToText(v.data, v.size, out);
            return;
        case ValueKind::kGeometry: {
            if (v.size < 4) {
                out->append("0x");
                AppendHex(v.data, v.size, out);
                return;
            }
            uint32_t srid =
                v.data[0] | (v.data[1] << 8) | (v.data[2] << 16) | (static_cast<uint32_t>(v.data[3]) << 24);
            out->append("SRID=");
            AppendNumber(srid, out);
            out->append(";0x");
            AppendHex(v.data + 4, v.size - 4, out);
            return;
        }
    }
}

std::string ValueText(const Value &v, const ColumnInfo &col) {
    std::string s;
    AppendValueText(v, col, &s);
    return s;
}

} // namespace chameleon::mysql::binlog
