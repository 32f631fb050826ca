#include "mysql/binlog/charset.hpp"

#include <algorithm>
#include <cstring>

namespace chameleon::mysql::binlog {

namespace {

struct CollationRange {
    uint32_t first, last;
    const char *charset;
};

// Collation id ranges -> charset name. Taken from MariaDB 10.11's
// information_schema.COLLATION_CHARACTER_SET_APPLICABILITY, plus MySQL 8's own ids
// (76 utf8mb3_tolower_ci, 248-250 gb18030, 255-323 utf8mb4 *_0900_* collations).
const CollationRange kRanges[] = {
    {1, 1, "big5"},           {2, 2, "latin2"},         {3, 3, "dec8"},
    {4, 4, "cp850"},          {5, 5, "latin1"},         {6, 6, "hp8"},
    {7, 7, "koi8r"},          {8, 8, "latin1"},         {9, 9, "latin2"},
    {10, 10, "swe7"},         {11, 11, "ascii"},        {12, 12, "ujis"},
    {13, 13, "sjis"},         {14, 14, "cp1251"},       {15, 15, "latin1"},
    {16, 16, "hebrew"},       {18, 18, "tis620"},       {19, 19, "euckr"},
    {20, 20, "latin7"},       {21, 21, "latin2"},       {22, 22, "koi8u"},
    {23, 23, "cp1251"},       {24, 24, "gb2312"},       {25, 25, "greek"},
    {26, 26, "cp1250"},       {27, 27, "latin2"},       {28, 28, "gbk"},
    {29, 29, "cp1257"},       {30, 30, "latin5"},       {31, 31, "latin1"},
    {32, 32, "armscii8"},     {33, 33, "utf8mb3"},      {34, 34, "cp1250"},
    {35, 35, "ucs2"},         {36, 36, "cp866"},        {37, 37, "keybcs2"},
    {38, 38, "macce"},        {39, 39, "macroman"},     {40, 40, "cp852"},
    {41, 42, "latin7"},       {43, 43, "macce"},        {44, 44, "cp1250"},
    {45, 46, "utf8mb4"},      {47, 49, "latin1"},       {50, 52, "cp1251"},
    {53, 53, "macroman"},     {54, 55, "utf16"},        {56, 56, "utf16le"},
    {57, 57, "cp1256"},       {58, 59, "cp1257"},       {60, 61, "utf32"},
    {62, 62, "utf16le"},      {63, 63, "binary"},       {64, 64, "armscii8"},
    {65, 65, "ascii"},        {66, 66, "cp1250"},       {67, 67, "cp1256"},
    {68, 68, "cp866"},        {69, 69, "dec8"},         {70, 70, "greek"},
    {71, 71, "hebrew"},       {72, 72, "hp8"},          {73, 73, "keybcs2"},
    {74, 74, "koi8r"},        {75, 75, "koi8u"},        {76, 76, "utf8mb3"},
    {77, 77, "latin2"},       {78, 78, "latin5"},       {79, 79, "latin7"},
    {80, 80, "cp850"},        {81, 81, "cp852"},        {82, 82, "swe7"},
    {83, 83, "utf8mb3"},      {84, 84, "big5"},         {85, 85, "euckr"},
    {86, 86, "gb2312"},       {87, 87, "gbk"},          {88, 88, "sjis"},
    {89, 89, "tis620"},       {90, 90, "ucs2"},         {91, 91, "ujis"},
    {92, 93, "geostd8"},      {94, 94, "latin1"},       {95, 96, "cp932"},
    {97, 98, "eucjpms"},      {99, 99, "cp1250"},       {101, 124, "utf16"},
    {128, 151, "ucs2"},       {159, 159, "ucs2"},       {160, 183, "utf32"},
    {192, 215, "utf8mb3"},    {223, 223, "utf8mb3"},    {224, 247, "utf8mb4"},
    {248, 250, "gb18030"},    {255, 323, "utf8mb4"},    {576, 578, "utf8mb3"},
    {608, 610, "utf8mb4"},    {640, 642, "ucs2"},       {672, 674, "utf16"},
    {736, 738, "utf32"},      {1025, 1025, "big5"},     {1027, 1027, "dec8"},
    {1028, 1028, "cp850"},    {1030, 1030, "hp8"},      {1031, 1031, "koi8r"},
    {1032, 1032, "latin1"},   {1033, 1033, "latin2"},   {1034, 1034, "swe7"},
    {1035, 1035, "ascii"},    {1036, 1036, "ujis"},     {1037, 1037, "sjis"},
    {1040, 1040, "hebrew"},   {1042, 1042, "tis620"},   {1043, 1043, "euckr"},
    {1046, 1046, "koi8u"},    {1048, 1048, "gb2312"},   {1049, 1049, "greek"},
    {1050, 1050, "cp1250"},   {1052, 1052, "gbk"},      {1054, 1054, "latin5"},
    {1056, 1056, "armscii8"}, {1057, 1057, "utf8mb3"},  {1059, 1059, "ucs2"},
    {1060, 1060, "cp866"},    {1061, 1061, "keybcs2"},  {1062, 1062, "macce"},
    {1063, 1063, "macroman"}, {1064, 1064, "cp852"},    {1065, 1065, "latin7"},
    {1067, 1067, "macce"},    {1069, 1070, "utf8mb4"},  {1071, 1071, "latin1"},
    {1074, 1075, "cp1251"},   {1077, 1077, "macroman"}, {1078, 1079, "utf16"},
    {1080, 1080, "utf16le"},  {1081, 1081, "cp1256"},   {1082, 1083, "cp1257"},
    {1084, 1085, "utf32"},    {1086, 1086, "utf16le"},  {1088, 1088, "armscii8"},
    {1089, 1089, "ascii"},    {1090, 1090, "cp1250"},   {1091, 1091, "cp1256"},
    {1092, 1092, "cp866"},    {1093, 1093, "dec8"},     {1094, 1094, "greek"},
    {1095, 1095, "hebrew"},   {1096, 1096, "hp8"},      {1097, 1097, "keybcs2"},
    {1098, 1098, "koi8r"},    {1099, 1099, "koi8u"},    {1101, 1101, "latin2"},
    {1102, 1102, "latin5"},   {1103, 1103, "latin7"},   {1104, 1104, "cp850"},
    {1105, 1105, "cp852"},    {1106, 1106, "swe7"},     {1107, 1107, "utf8mb3"},
    {1108, 1108, "big5"},     {1109, 1109, "euckr"},    {1110, 1110, "gb2312"},
    {1111, 1111, "gbk"},      {1112, 1112, "sjis"},     {1113, 1113, "tis620"},
    {1114, 1114, "ucs2"},     {1115, 1115, "ujis"},     {1116, 1117, "geostd8"},
    {1119, 1120, "cp932"},    {1121, 1122, "eucjpms"},  {1125, 1125, "utf16"},
    {1147, 1147, "utf16"},    {1152, 1152, "ucs2"},     {1174, 1174, "ucs2"},
    {1184, 1184, "utf32"},    {1206, 1206, "utf32"},    {1216, 1216, "utf8mb3"},
    {1238, 1238, "utf8mb3"},  {1248, 1248, "utf8mb4"},  {1270, 1270, "utf8mb4"},
    {2048, 2215, "utf8mb3"},  {2232, 2247, "utf8mb3"},  {2304, 2471, "utf8mb4"},
    {2488, 2503, "utf8mb4"},  {2560, 2727, "ucs2"},     {2744, 2759, "ucs2"},
    {2816, 2983, "utf16"},    {3000, 3015, "utf16"},    {3072, 3239, "utf32"},
    {3256, 3271, "utf32"},
};

Charset FromName(const char *name) {
    if (std::strcmp(name, "binary") == 0)
        return Charset::kBinary;
    if (std::strcmp(name, "utf8mb4") == 0)
        return Charset::kUtf8mb4;
    if (std::strcmp(name, "utf8mb3") == 0)
        return Charset::kUtf8mb3;
    if (std::strcmp(name, "ascii") == 0)
        return Charset::kAscii;
    if (std::strcmp(name, "latin1") == 0)
        return Charset::kLatin1;
    if (std::strcmp(name, "ucs2") == 0)
        return Charset::kUcs2;
    if (std::strcmp(name, "utf16") == 0)
        return Charset::kUtf16;
    if (std::strcmp(name, "utf16le") == 0)
        return Charset::kUtf16le;
    if (std::strcmp(name, "utf32") == 0)
        return Charset::kUtf32;
    return Charset::kOther;
}

const CollationRange *Find(uint32_t id) {
    const CollationRange *end = kRanges + sizeof(kRanges) / sizeof(kRanges[0]);
    const CollationRange *it =
        std::upper_bound(kRanges, end, id, [](uint32_t v, const CollationRange &r) { return v < r.first; });
    if (it == kRanges)
        return nullptr;
    --it;
    return id <= it->last ? it : nullptr;
}

// Windows-1252 code points of bytes 0x80..0x9F as MySQL's latin1 maps them.
const uint16_t kLatin1High[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                  0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

} // namespace

const char *CollationCharsetName(uint32_t id) {
    const CollationRange *r = Find(id);
    return r ? r->charset : "";
}

Charset CharsetOfCollation(uint32_t id) {
    const CollationRange *r = Find(id);
    return r ? FromName(r->charset) : Charset::kUnknown;
}

const char *CharsetName(Charset cs) {
    switch (cs) {
        case Charset::kUnknown:
            return "unknown";
        case Charset::kBinary:
            return "binary";
        case Charset::kUtf8mb4:
            return "utf8mb4";
        case Charset::kUtf8mb3:
            return "utf8mb3";
        case Charset::kAscii:
            return "ascii";
        case Charset::kLatin1:
            return "latin1";
        case Charset::kUcs2:
            return "ucs2";
        case Charset::kUtf16:
            return "utf16";
        case Charset::kUtf16le:
            return "utf16le";
        case Charset::kUtf32:
            return "utf32";
        case Charset::kOther:
            return "other";
    }
    return "unknown";
}

unsigned CharsetMaxBytes(Charset cs, uint32_t collation_id) {
    switch (cs) {
        case Charset::kUtf8mb4:
        case Charset::kUtf16:
        case Charset::kUtf16le:
        case Charset::kUtf32:
            return 4;
        case Charset::kUtf8mb3:
            return 3;
        case Charset::kUcs2:
            return 2;
        case Charset::kOther: {
            const char *n = CollationCharsetName(collation_id);
            static const char *const kMulti[] = {"big5", "cp932", "eucjpms", "euckr",  "gb2312",
                                                 "gbk",  "sjis",  "ujis",    "gb18030"};
            for (const char *m : kMulti)
                if (std::strcmp(n, m) == 0)
                    return (std::strcmp(n, "ujis") == 0 || std::strcmp(n, "eucjpms") == 0) ? 3
                           : std::strcmp(n, "gb18030") == 0                                ? 4
                                                                                           : 2;
            return 1;
        }
        default:
            return 1;
    }
}

bool IsValidUtf8(const uint8_t *p, size_t n) {
    size_t i = 0;
    while (i < n) {
        // ASCII fast path, 8 bytes at a time.
        while (i + 8 <= n) {
            uint64_t w;
            std::memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        uint8_t c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c < 0xC2)
            return false;
        if (c < 0xE0) {
            if (i + 1 >= n || (p[i + 1] & 0xC0) != 0x80)
                return false;
            i += 2;
        } else if (c < 0xF0) {
            if (i + 2 >= n || (p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80)
                return false;
            if (c == 0xE0 && p[i + 1] < 0xA0)
                return false; // overlong
            if (c == 0xED && p[i + 1] >= 0xA0)
                return false; // surrogate
            i += 3;
        } else if (c < 0xF5) {
            if (i + 3 >= n || (p[i + 1] & 0xC0) != 0x80 || (p[i + 2] & 0xC0) != 0x80 ||
                (p[i + 3] & 0xC0) != 0x80)
                return false;
            if (c == 0xF0 && p[i + 1] < 0x90)
                return false; // overlong
            if (c == 0xF4 && p[i + 1] >= 0x90)
                return false; // > U+10FFFF
            i += 4;
        } else {
            return false;
        }
    }
    return true;
}

void AppendCodePoint(uint32_t cp, std::string *out) {
    if (cp < 0x80) {
        out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

bool AppendUtf8(Charset cs, const uint8_t *p, size_t n, std::string *out) {
    switch (cs) {
        case Charset::kUtf8mb4:
            if (!IsValidUtf8(p, n))
                return false;
            out->append(reinterpret_cast<const char *>(p), n);
            return true;
        case Charset::kUtf8mb3:
            if (!IsValidUtf8(p, n))
                return false;
            for (size_t i = 0; i < n; ++i)
                if (p[i] >= 0xF0)
                    return false; // 4-byte sequences cannot be utf8mb3
            out->append(reinterpret_cast<const char *>(p), n);
            return true;
        case Charset::kAscii:
            for (size_t i = 0; i < n; ++i)
                if (p[i] >= 0x80)
                    return false;
            out->append(reinterpret_cast<const char *>(p), n);
            return true;
        case Charset::kLatin1:
            out->reserve(out->size() + n * 2);
            for (size_t i = 0; i < n; ++i) {
                uint8_t c = p[i];
                if (c < 0x80)
                    out->push_back(static_cast<char>(c));
                else if (c < 0xA0)
                    AppendCodePoint(kLatin1High[c - 0x80], out);
                else
                    AppendCodePoint(c, out);
            }
            return true;
        case Charset::kUcs2:
            if (n % 2 != 0)
                return false;
            for (size_t i = 0; i < n; i += 2) {
                uint32_t cp = (static_cast<uint32_t>(p[i]) << 8) | p[i + 1];
                if (cp >= 0xD800 && cp <= 0xDFFF)
                    return false;
                AppendCodePoint(cp, out);
            }
            return true;
        case Charset::kUtf16:
        case Charset::kUtf16le: {
            if (n % 2 != 0)
                return false;
            bool le = cs == Charset::kUtf16le;
            auto unit = [&](size_t i) -> uint32_t {
                return le ? (p[i] | (static_cast<uint32_t>(p[i + 1]) << 8))
                          : ((static_cast<uint32_t>(p[i]) << 8) | p[i + 1]);
            };
            for (size_t i = 0; i < n; i += 2) {
                uint32_t u = unit(i);
                if (u >= 0xD800 && u <= 0xDBFF) {
                    if (i + 3 >= n)
                        return false;
                    uint32_t lo = unit(i + 2);
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return false;
                    AppendCodePoint(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00), out);
                    i += 2;
                } else if (u >= 0xDC00 && u <= 0xDFFF) {
                    return false;
                } else {
                    AppendCodePoint(u, out);
                }
            }
            return true;
        }
        case Charset::kUtf32:
            if (n % 4 != 0)
                return false;
            for (size_t i = 0; i < n; i += 4) {
                uint32_t cp = (static_cast<uint32_t>(p[i]) << 24) | (static_cast<uint32_t>(p[i + 1]) << 16) |
                              (static_cast<uint32_t>(p[i + 2]) << 8) | p[i + 3];
                if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                    return false;
                AppendCodePoint(cp, out);
            }
            return true;
        default:
            return false;
    }
}

} // namespace chameleon::mysql::binlog
