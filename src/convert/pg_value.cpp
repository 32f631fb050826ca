#include "convert/pg_value.hpp"

#include "ddl/pg_text.hpp"

#include <cstdint>
#include <cstring>

namespace chameleon::convert {

using namespace ddl; // the type map's vocabulary and the PostgreSQL text helpers

namespace {

bool AllZeroDigits(const char *p, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        if (p[i] != '0')
            return false;
    }
    return true;
}

ConvertStatus AppendZeroDate(std::string &out, const ValueSpec &spec, bool copy_escape) {
    if (!spec.zero_date_value.has_value())
        return ConvertStatus::kNull;
    if (copy_escape) {
        if (!AppendCopyText(out, spec.zero_date_value->data(), spec.zero_date_value->size()))
            return ConvertStatus::kNulByte;
    } else {
        out += *spec.zero_date_value;
    }
    return ConvertStatus::kOk;
}

// Appends raw bytes as text, escaped for COPY or checked for NUL. A NUL byte refuses the value
// (kNulByte), or under `strip_nul` is left out (kStripped). The common case scans the bytes once.
ConvertStatus AppendText(std::string &out, const char *data, size_t size, bool copy_escape, bool strip_nul) {
    const size_t start = out.size();
    if (copy_escape ? AppendCopyText(out, data, size) : memchr(data, '\0', size) == nullptr) {
        if (!copy_escape)
            out.append(data, size);
        return ConvertStatus::kOk;
    }
    if (!strip_nul)
        return ConvertStatus::kNulByte;
    out.resize(start);
    const std::string kept = StripNulBytes(data, size);
    if (copy_escape)
        AppendCopyText(out, kept.data(), kept.size());
    else
        out += kept;
    return ConvertStatus::kStripped;
}

ConvertStatus AppendBitString(std::string &out, const unsigned char *p, size_t size, int width) {
    size_t total = size * 8;
    size_t n = static_cast<size_t>(width);
    if (total > n) {
        // The leading bits beyond the width must be zero.
        for (size_t bit = 0; bit < total - n; ++bit) {
            if (p[bit / 8] & (0x80 >> (bit % 8)))
                return ConvertStatus::kBadValue;
        }
    }
    for (size_t i = total; i < n; ++i)
        out += '0';
    for (size_t bit = (total > n ? total - n : 0); bit < total; ++bit)
        out += (p[bit / 8] & (0x80 >> (bit % 8))) ? '1' : '0';
    return ConvertStatus::kOk;
}

ConvertStatus AppendBitInteger(std::string &out, const unsigned char *p, size_t size) {
    uint64_t value = 0;
    for (size_t i = 0; i < size; ++i) {
        if (i + 8 < size && p[i] != 0)
            return ConvertStatus::kBadValue; // more than 64 significant bits
        value = (value << 8) | p[i];
    }
    out += std::to_string(value);
    return ConvertStatus::kOk;
}

ConvertStatus AppendSetArray(std::string &out, const char *data, size_t size, bool copy_escape,
                             bool strip_nul) {
    std::string literal = "{";
    size_t start = 0;
    bool first = true;
    while (size > 0 && start <= size) {
        size_t end = start;
        while (end < size && data[end] != ',')
            ++end;
        if (!first)
            literal += ',';
        first = false;
        literal += '"';
        for (size_t i = start; i < end; ++i) {
            if (data[i] == '"' || data[i] == '\\')
                literal += '\\';
            literal += data[i];
        }
        literal += '"';
        start = end + 1;
    }
    literal += '}';
    return AppendText(out, literal.data(), literal.size(), copy_escape, strip_nul);
}

uint32_t ReadU32(const unsigned char *p, bool little_endian) {
    if (little_endian)
        return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    return uint32_t(p[3]) | uint32_t(p[2]) << 8 | uint32_t(p[1]) << 16 | uint32_t(p[0]) << 24;
}

void WriteU32(unsigned char *p, uint32_t v, bool little_endian) {
    for (int i = 0; i < 4; ++i) {
        int shift = little_endian ? 8 * i : 8 * (3 - i);
        p[i] = static_cast<unsigned char>(v >> shift);
    }
}

ConvertStatus AppendGeometry(std::string &out, const unsigned char *p, size_t size, bool ewkb,
                             bool copy_escape) {
    // MySQL's internal form: 4-byte little-endian SRID, then WKB (byte order, uint32 type, ...).
    if (size < 9)
        return ConvertStatus::kBadValue;
    const unsigned char *wkb = p + 4;
    size_t wkb_size = size - 4;
    if (!ewkb) {
        out += copy_escape ? "\\\\x" : "\\x";
        AppendHex(out, wkb, wkb_size);
        return ConvertStatus::kOk;
    }
    bool little = wkb[0] == 1;
    if (wkb[0] > 1)
        return ConvertStatus::kBadValue;
    uint32_t srid = ReadU32(p, true);
    uint32_t type = ReadU32(wkb + 1, little);
    unsigned char head[9];
    head[0] = wkb[0];
    WriteU32(head + 1, type | 0x20000000u, little); // EWKB: SRID present
    WriteU32(head + 5, srid, little);
    AppendHex(out, head, sizeof head);
    AppendHex(out, wkb + 5, wkb_size - 5);
    return ConvertStatus::kOk;
}

} // namespace

std::string StripNulBytes(const char *data, size_t size) {
    std::string kept;
    kept.reserve(size);
    for (size_t i = 0; i < size; ++i) {
        if (data[i] != '\0')
            kept += data[i];
    }
    return kept;
}

bool IsZeroDate(const char *data, size_t size) {
    // YYYY-MM-DD[ ...]: year 0000, month 00 or day 00.
    if (size < 10 || data[4] != '-' || data[7] != '-')
        return false;
    return AllZeroDigits(data, 4) || AllZeroDigits(data + 5, 2) || AllZeroDigits(data + 8, 2);
}

ConvertStatus AppendPgValue(std::string &out, const ValueSpec &spec, const char *data, size_t size,
                            bool copy_escape) {
    const auto *bytes = reinterpret_cast<const unsigned char *>(data);
    switch (spec.kind) {
        case CopyKind::kNumber:
        case CopyKind::kTime:
            // Digits, signs, points, colons and exponents only: nothing to escape.
            out.append(data, size);
            return ConvertStatus::kOk;
        case CopyKind::kText:
            return AppendText(out, data, size, copy_escape, spec.strip_nul);
        case CopyKind::kDate:
        case CopyKind::kDateTime:
            if (IsZeroDate(data, size))
                return AppendZeroDate(out, spec, copy_escape);
            out.append(data, size);
            return ConvertStatus::kOk;
        case CopyKind::kTimestampUtc:
            if (IsZeroDate(data, size))
                return AppendZeroDate(out, spec, copy_escape);
            out.append(data, size);
            out += "+00";
            return ConvertStatus::kOk;
        case CopyKind::kBytea:
            out += copy_escape ? "\\\\x" : "\\x";
            AppendHex(out, bytes, size);
            return ConvertStatus::kOk;
        case CopyKind::kHex:
            AppendHex(out, bytes, size);
            return ConvertStatus::kOk;
        case CopyKind::kBitString:
            return AppendBitString(out, bytes, size, spec.bit_width);
        case CopyKind::kBitInteger:
            return AppendBitInteger(out, bytes, size);
        case CopyKind::kSetArray:
            return AppendSetArray(out, data, size, copy_escape, spec.strip_nul);
        case CopyKind::kGeometryWkb:
            return AppendGeometry(out, bytes, size, false, copy_escape);
        case CopyKind::kGeometryEwkb:
            return AppendGeometry(out, bytes, size, true, copy_escape);
    }
    return ConvertStatus::kBadValue;
}

namespace {
// Length of the valid UTF-8 sequence at p (1..4), or 0 when invalid.
size_t Utf8SequenceLength(const unsigned char *p, size_t left) {
    unsigned char c = p[0];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || n > left)
        return 0;
    for (size_t i = 1; i < n; ++i) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    }
    return n;
}
} // namespace

std::string DescribeValue(const char *data, size_t size, CopyKind kind, size_t max_chars) {
    const auto *p = reinterpret_cast<const unsigned char *>(data);
    std::string out;
    bool binary = kind == CopyKind::kBytea || kind == CopyKind::kHex || kind == CopyKind::kBitString ||
                  kind == CopyKind::kBitInteger || kind == CopyKind::kGeometryWkb ||
                  kind == CopyKind::kGeometryEwkb;
    if (binary) {
        size_t shown = size < max_chars / 2 ? size : max_chars / 2;
        out = "0x";
        AppendHex(out, p, shown);
        if (shown < size)
            out += "... (" + std::to_string(size) + " bytes)";
        return out;
    }
    size_t chars = 0;
    size_t i = 0;
    while (i < size && chars < max_chars) {
        size_t n = Utf8SequenceLength(p + i, size - i);
        if (n == 0 || (n == 1 && (p[i] < 0x20 || p[i] == 0x7F))) {
            static const char kDigits[] = "0123456789abcdef";
            out += "\\x";
            out += kDigits[p[i] >> 4];
            out += kDigits[p[i] & 0xF];
            ++i;
        } else {
            out.append(data + i, n);
            i += n;
        }
        ++chars;
    }
    if (i < size)
        out += "... (" + std::to_string(size) + " bytes)";
    return out;
}

} // namespace chameleon::convert
