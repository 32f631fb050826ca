// The binary COPY encoders: the bytes PostgreSQL's *_recv functions read, for every type of the
// map, and the values they refuse with PostgreSQL's own messages.
#include "convert/pg_binary.hpp"
#include "ddl/type_map.hpp"

#include <gtest/gtest.h>

#include <string>

namespace chameleon::ddl {

using namespace convert;
namespace {

std::string Hex(const std::string &bytes) {
    static const char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += kDigits[c >> 4];
        out += kDigits[c & 15];
    }
    return out;
}

// The field (length + bytes) as hex, or "ERR <sqlstate> <message>".
std::string Field(BinaryKind kind, const std::string &value, ValueSpec spec = {}) {
    std::string out;
    BinaryProblem problem;
    if (!AppendBinaryField(out, kind, spec, value.data(), value.size(), problem))
        return std::string("ERR ") + problem.sqlstate + " " + problem.message;
    return (problem.nul_stripped ? "STRIPPED " : "") + Hex(out);
}

TEST(DdlCopyBinary, Integers) {
    EXPECT_EQ(Field(BinaryKind::kInt2, "-32768"), "000000028000");
    EXPECT_EQ(Field(BinaryKind::kInt2, "32768"),
              "ERR 22003 value \"32768\" is out of range for type smallint");
    EXPECT_EQ(Field(BinaryKind::kInt4, "123"), "000000040000007b");
    EXPECT_EQ(Field(BinaryKind::kInt4, "-1"), "00000004ffffffff");
    EXPECT_EQ(Field(BinaryKind::kInt4, "4294967295"),
              "ERR 22003 value \"4294967295\" is out of range for type integer");
    EXPECT_EQ(Field(BinaryKind::kInt8, "-9223372036854775808"), "000000088000000000000000");
    EXPECT_EQ(Field(BinaryKind::kInt8, "9223372036854775808"),
              "ERR 22003 value \"9223372036854775808\" is out of range for type bigint");
    EXPECT_EQ(Field(BinaryKind::kInt8, "12a"), "ERR 22P02 invalid input syntax for type bigint: \"12a\"");
    EXPECT_EQ(Field(BinaryKind::kBool, "1"), "0000000101");
    EXPECT_EQ(Field(BinaryKind::kBool, "2"), "ERR 22P02 invalid input syntax for type boolean: \"2\"");
}

TEST(DdlCopyBinary, Numeric) {
    // ndigits, weight, sign, dscale, then base-10000 digits.
    EXPECT_EQ(Field(BinaryKind::kNumeric, "0"), "00000008"
                                                "0000"
                                                "0000"
                                                "0000"
                                                "0000");
    EXPECT_EQ(Field(BinaryKind::kNumeric, "0.00"), "00000008"
                                                   "0000"
                                                   "0000"
                                                   "0000"
                                                   "0002");
    EXPECT_EQ(Field(BinaryKind::kNumeric, "12345.67"), "0000000e"
                                                       "0003"
                                                       "0001"
                                                       "0000"
                                                       "0002"
                                                       "0001"
                                                       "0929"
                                                       "1a2c");
    EXPECT_EQ(Field(BinaryKind::kNumeric, "-0.000007"), "0000000a"
                                                        "0001"
                                                        "fffe"
                                                        "4000"
                                                        "0006"
                                                        "02bc");
    // 1844 6744 0737 0955 1615 (expected bytes taken from PostgreSQL's numeric_send)
    EXPECT_EQ(Field(BinaryKind::kNumeric, "18446744073709551615"), "00000012"
                                                                   "0005"
                                                                   "0004"
                                                                   "0000"
                                                                   "0000"
                                                                   "0734"
                                                                   "1a58"
                                                                   "02e1"
                                                                   "03bb"
                                                                   "064f");
    EXPECT_EQ(Field(BinaryKind::kNumeric, "1e3"), "0000000a"
                                                  "0001"
                                                  "0000"
                                                  "0000"
                                                  "0000"
                                                  "03e8");
    EXPECT_EQ(Field(BinaryKind::kNumeric, "1.5e-2"), "0000000a"
                                                     "0001"
                                                     "ffff"
                                                     "0000"
                                                     "0003"
                                                     "0096");
    EXPECT_EQ(Field(BinaryKind::kNumeric, "1.2.3"),
              "ERR 22P02 invalid input syntax for type numeric: \"1.2.3\"");
    // DECIMAL(65,30) at its maximum: 35 + 30 digits.
    std::string max = std::string(35, '9') + "." + std::string(30, '9');
    std::string field = Field(BinaryKind::kNumeric, max);
    EXPECT_EQ(field.substr(0, 24), "0000002a"
                                   "0011"
                                   "0008"
                                   "0000"
                                   "001e");     // 17 digits, weight 8, dscale 30
    EXPECT_EQ(field.substr(24, 8), "03e7270f"); // 999, 9999, ...
}

TEST(DdlCopyBinary, Floats) {
    EXPECT_EQ(Field(BinaryKind::kFloat8, "0.1"), "000000083fb999999999999a");
    EXPECT_EQ(Field(BinaryKind::kFloat8, "-0"), "000000088000000000000000");
    EXPECT_EQ(Field(BinaryKind::kFloat8, "5e-324"), "000000080000000000000001");
    EXPECT_EQ(Field(BinaryKind::kFloat8, "1e400"),
              "ERR 22003 value \"1e400\" is out of range for type double precision");
    EXPECT_EQ(Field(BinaryKind::kFloat4, "3.4028234663852886e38"), "000000047f7fffff");
    EXPECT_EQ(Field(BinaryKind::kFloat4, "3.1415927410125732"), "0000000440490fdb");
}

TEST(DdlCopyBinary, DatesAndTimes) {
    EXPECT_EQ(Field(BinaryKind::kDate, "2000-01-01"), "0000000400000000");
    EXPECT_EQ(Field(BinaryKind::kDate, "1999-12-31"), "00000004ffffffff");
    // Expected bytes below are PostgreSQL's own date_send, timestamp_send, interval_send, time_send.
    EXPECT_EQ(Field(BinaryKind::kDate, "9999-12-31"), "00000004002c95d3");
    EXPECT_EQ(Field(BinaryKind::kDate, "2021-02-30"),
              "ERR 22008 date/time field value out of range: \"2021-02-30\"");
    EXPECT_EQ(Field(BinaryKind::kDate, "2024-02-29"), "0000000400002279");
    EXPECT_EQ(Field(BinaryKind::kDate, "0000-00-00"), "ffffffff"); // NULL
    ValueSpec minus_infinity{CopyKind::kDate, 0, std::string("-infinity")};
    EXPECT_EQ(Field(BinaryKind::kDate, "0000-00-00", minus_infinity), "0000000480000000");
    EXPECT_EQ(Field(BinaryKind::kTimestamp, "2000-01-01 00:00:01.5"), "00000008000000000016e360");
    EXPECT_EQ(Field(BinaryKind::kTimestampTz, "1970-01-01 00:00:00"), "00000008fffca2fec4c82000");
    EXPECT_EQ(Field(BinaryKind::kTimestamp, "2000-01-01 24:00:00"),
              "ERR 22008 date/time field value out of range: \"2000-01-01 24:00:00\"");
    ValueSpec ts_minus{CopyKind::kTimestampUtc, 0, std::string("-infinity")};
    EXPECT_EQ(Field(BinaryKind::kTimestampTz, "0000-00-00 00:00:00", ts_minus), "000000088000000000000000");
    // interval: microseconds, days, months.
    EXPECT_EQ(Field(BinaryKind::kInterval, "-838:59:59.000000"), "00000010fffffd40c230c6400000000000000000");
    EXPECT_EQ(Field(BinaryKind::kInterval, "00:00:00.000001"), "00000010000000000000000100000000"
                                                               "00000000");
    EXPECT_EQ(Field(BinaryKind::kTime, "23:59:59.999999"), "00000008000000141dd75fff");
    EXPECT_EQ(Field(BinaryKind::kTime, "25:00:00"),
              "ERR 22008 date/time field value out of range: \"25:00:00\"");
}

TEST(DdlCopyBinary, TextBytesBitsArraysUuids) {
    EXPECT_EQ(Field(BinaryKind::kText, "é"), "00000002c3a9");
    EXPECT_EQ(Field(BinaryKind::kText, std::string("a\0b", 3)),
              "ERR 22021 the value contains a NUL byte, which PostgreSQL text cannot store");
    ValueSpec strip;
    strip.strip_nul = true; // nul_bytes: strip
    EXPECT_EQ(Field(BinaryKind::kText, std::string("a\0b", 3), strip), "STRIPPED 000000026162");
    EXPECT_EQ(Field(BinaryKind::kText, "ab", strip), "000000026162");
    EXPECT_EQ(Field(BinaryKind::kTextArray, std::string("a\0", 2), strip),
              "STRIPPED 0000001900000001000000000000001900000001000000010000000161");
    EXPECT_EQ(Field(BinaryKind::kTextArray, std::string("a\0", 2)),
              "ERR 22021 the value contains a NUL byte, which PostgreSQL text cannot store");
    EXPECT_EQ(Field(BinaryKind::kBytea, std::string("\0", 1), strip), "0000000100");
    EXPECT_EQ(Field(BinaryKind::kJsonb, "{}"), "00000003017b7d");
    EXPECT_EQ(Field(BinaryKind::kBytea, std::string("\x00\xff", 2)), "0000000200ff");
    EXPECT_EQ(Field(BinaryKind::kGeometryWkb, std::string("\xe6\x10\x00\x00\x01\x01\x00\x00\x00", 9)),
              "000000050101000000");
    ValueSpec bit10{CopyKind::kBitString, 10, std::nullopt};
    EXPECT_EQ(Field(BinaryKind::kVarbit, std::string("\x02\xaa", 2), bit10), "000000060000000aaa80");
    EXPECT_EQ(Field(BinaryKind::kVarbit, std::string("\x04\x00", 2), bit10).substr(0, 10), "ERR 22026 ");
    ValueSpec bit1{CopyKind::kBitString, 1, std::nullopt};
    EXPECT_EQ(Field(BinaryKind::kVarbit, std::string("\x01", 1), bit1), "000000050000000180");
    EXPECT_EQ(Field(BinaryKind::kTextArray, "x,z"), "0000001e"
                                                    "00000001"
                                                    "00000000"
                                                    "00000019"
                                                    "00000002"
                                                    "00000001"
                                                    "0000000178"
                                                    "000000017a");
    EXPECT_EQ(Field(BinaryKind::kTextArray, ""), "0000000c"
                                                 "00000000"
                                                 "00000000"
                                                 "00000019");
    EXPECT_EQ(Field(BinaryKind::kUuidText, "ffffffff-ffff-ffff-ffff-fffffffffffe"),
              "00000010fffffffffffffffffffffffffffffffe");
    EXPECT_EQ(Field(BinaryKind::kUuidText, "nope"), "ERR 22P02 invalid input syntax for type uuid: \"nope\"");
    EXPECT_EQ(Field(BinaryKind::kUuidBytes, std::string(16, '\x01')),
              "0000001001010101010101010101010101010101");
}

TEST(DdlCopyBinary, KindForEveryMappedType) {
    auto kind = [](const std::string &data_type, const std::string &column_type,
                   const char *override_to = nullptr) {
        MysqlColumn c;
        c.name = "c";
        c.data_type = data_type;
        c.column_type = column_type;
        c.numeric_precision = 10;
        std::vector<config::TypeOverride> overrides;
        if (override_to != nullptr)
            overrides.push_back(config::TypeOverride{column_type, override_to, {"*"}});
        return BinaryKindName(BinaryKindFor(MapColumn(c, "db", "t", overrides, TypeMapOptions{})));
    };
    EXPECT_STREQ(kind("tinyint", "tinyint(4)"), "int2");
    EXPECT_STREQ(kind("int", "int(10) unsigned"), "int8");
    EXPECT_STREQ(kind("bigint", "bigint(20) unsigned"), "numeric");
    EXPECT_STREQ(kind("decimal", "decimal(10,2)"), "numeric");
    EXPECT_STREQ(kind("float", "float"), "float4");
    EXPECT_STREQ(kind("double", "double"), "float8");
    EXPECT_STREQ(kind("bit", "bit(10)"), "varbit");
    EXPECT_STREQ(kind("year", "year(4)"), "int2");
    EXPECT_STREQ(kind("date", "date"), "date");
    EXPECT_STREQ(kind("datetime", "datetime(6)"), "timestamp");
    EXPECT_STREQ(kind("timestamp", "timestamp(3)"), "timestamptz");
    EXPECT_STREQ(kind("time", "time"), "interval");
    EXPECT_STREQ(kind("varchar", "varchar(10)"), "text");
    EXPECT_STREQ(kind("char", "char(10)"), "text");
    EXPECT_STREQ(kind("longtext", "longtext"), "text");
    EXPECT_STREQ(kind("blob", "blob"), "bytea");
    EXPECT_STREQ(kind("enum", "enum('a')"), "text");
    EXPECT_STREQ(kind("set", "set('a')"), "text[]");
    EXPECT_STREQ(kind("json", "json"), "jsonb");
    EXPECT_STREQ(kind("point", "point"), "wkb");
    EXPECT_STREQ(kind("uuid", "uuid"), "uuid");
    EXPECT_STREQ(kind("inet6", "inet6"), "none"); // loaded in text
    EXPECT_STREQ(kind("tinyint", "tinyint(1)", "boolean"), "bool");
    EXPECT_STREQ(kind("binary", "binary(16)", "uuid"), "uuid-bytes");
    EXPECT_STREQ(kind("time", "time", "time"), "time");
    EXPECT_STREQ(kind("datetime", "datetime", "timestamp with time zone"),
                 "none"); // local time: text semantics
    EXPECT_STREQ(kind("bit", "bit(8)", "integer"), "none");
}

TEST(DdlCopyBinary, HeaderAndTrailer) {
    EXPECT_EQ(Hex(BinaryCopyHeader()), "5047434f50590aff0d0a00"
                                       "00000000"
                                       "00000000");
    EXPECT_EQ(Hex(BinaryCopyTrailer()), "ffff");
}

} // namespace
} // namespace chameleon::ddl
