// The MySQL → PostgreSQL type map (DESIGN §6), type_override rules, defaults, identity, and the
// conversion of values into COPY text.
#include "common/error.hpp"
#include "convert/pg_value.hpp"
#include "ddl/pg_text.hpp"
#include "ddl/type_map.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace chameleon::ddl {

using namespace convert;
namespace {

MysqlColumn Col(const std::string &name, const std::string &data_type, const std::string &column_type) {
    MysqlColumn c;
    c.name = name;
    c.data_type = data_type;
    c.column_type = column_type;
    return c;
}

MappedColumn Map(const MysqlColumn &c, const std::vector<config::TypeOverride> &overrides = {},
                 TypeMapOptions options = {}) {
    return MapColumn(c, "db", "t", overrides, options);
}

std::string TypeOf(const std::string &data_type, const std::string &column_type) {
    return Map(Col("c", data_type, column_type)).pg_type;
}

std::string Convert(const MappedColumn &m, const std::string &value, bool copy = true) {
    std::string out;
    ConvertStatus st = AppendPgValue(out, ValueSpec::Of(m), value.data(), value.size(), copy);
    if (st == ConvertStatus::kNull)
        return "<NULL>";
    if (st == ConvertStatus::kNulByte)
        return "<NUL>";
    if (st == ConvertStatus::kStripped)
        return "<STRIPPED>" + out;
    if (st == ConvertStatus::kBadValue)
        return "<BAD>";
    return out;
}

// ---- the default map, type by type ----

TEST(DdlTypeMap, Integers) {
    EXPECT_EQ(TypeOf("tinyint", "tinyint(4)"), "smallint");
    EXPECT_EQ(TypeOf("tinyint", "tinyint(3) unsigned"), "integer");
    EXPECT_EQ(TypeOf("smallint", "smallint(6)"), "smallint");
    EXPECT_EQ(TypeOf("smallint", "smallint(5) unsigned"), "integer");
    EXPECT_EQ(TypeOf("mediumint", "mediumint(9)"), "integer");
    EXPECT_EQ(TypeOf("mediumint", "mediumint(8) unsigned"), "bigint");
    EXPECT_EQ(TypeOf("int", "int(11)"), "integer");
    EXPECT_EQ(TypeOf("int", "int(10) unsigned"), "bigint");
    EXPECT_EQ(TypeOf("int", "int unsigned"), "bigint"); // MySQL 8 drops display widths
    EXPECT_EQ(TypeOf("bigint", "bigint(20)"), "bigint");
    EXPECT_EQ(TypeOf("bigint", "bigint(20) unsigned"), "numeric(20,0)");
    EXPECT_EQ(TypeOf("bigint", "bigint(20) UNSIGNED ZEROFILL"), "numeric(20,0)");
    MappedColumn m = Map(Col("c", "bigint", "bigint(20) unsigned"));
    EXPECT_EQ(m.kind, CopyKind::kNumber);
    EXPECT_EQ(m.select_expr, "`c`");
    EXPECT_EQ(Convert(m, "18446744073709551615"), "18446744073709551615");
}

TEST(DdlTypeMap, DecimalsAndFloats) {
    MysqlColumn d = Col("c", "decimal", "decimal(65,30)");
    d.numeric_precision = 65;
    d.numeric_scale = 30;
    MappedColumn m = Map(d);
    EXPECT_EQ(m.pg_type, "numeric(65,30)");
    EXPECT_EQ(Convert(m, "-99999999999999999999999999999999999.999999999999999999999999999999"),
              "-99999999999999999999999999999999999.999999999999999999999999999999");
    MappedColumn f = Map(Col("f", "float", "float"));
    EXPECT_EQ(f.pg_type, "real");
    EXPECT_EQ(f.select_expr, "CAST(`f` AS DOUBLE)"); // FLOAT's text form has 6 digits only
    EXPECT_EQ(TypeOf("double", "double"), "double precision");
    EXPECT_EQ(TypeOf("double", "double(10,2)"), "double precision");
}

TEST(DdlTypeMap, BitAndYear) {
    MysqlColumn b = Col("b", "bit", "bit(10)");
    b.numeric_precision = 10;
    MappedColumn m = Map(b);
    EXPECT_EQ(m.pg_type, "bit varying(10)");
    EXPECT_EQ(m.kind, CopyKind::kBitString);
    EXPECT_EQ(Convert(m, std::string("\x02\xAA", 2)), "1010101010");
    EXPECT_EQ(Convert(m, std::string("\x00\x05", 2)), "0000000101");
    EXPECT_EQ(Convert(m, std::string("\x04\x00", 2)), "<BAD>"); // bit 11 set in a BIT(10)
    MysqlColumn b64 = Col("b", "bit", "bit(64)");
    b64.numeric_precision = 64;
    EXPECT_EQ(Convert(Map(b64), std::string(8, '\xFF')), std::string(64, '1'));
    MysqlColumn b1 = Col("b", "bit", "bit(1)");
    b1.numeric_precision = 1;
    EXPECT_EQ(Convert(Map(b1), std::string("\x01", 1)), "1");
    EXPECT_EQ(TypeOf("year", "year(4)"), "smallint");
    EXPECT_EQ(Convert(Map(Col("y", "year", "year(4)")), "0000"), "0000");
}

TEST(DdlTypeMap, Temporal) {
    MysqlColumn dt = Col("c", "datetime", "datetime(6)");
    dt.datetime_precision = 6;
    EXPECT_EQ(Map(dt).pg_type, "timestamp(6) without time zone");
    MysqlColumn dt0 = Col("c", "datetime", "datetime");
    dt0.datetime_precision = 0;
    EXPECT_EQ(Map(dt0).pg_type, "timestamp(0) without time zone");
    MysqlColumn ts = Col("c", "timestamp", "timestamp(3)");
    ts.datetime_precision = 3;
    MappedColumn t = Map(ts);
    EXPECT_EQ(t.pg_type, "timestamp(3) with time zone");
    EXPECT_EQ(t.kind, CopyKind::kTimestampUtc);
    EXPECT_EQ(Convert(t, "2038-01-19 03:14:07.999"), "2038-01-19 03:14:07.999+00");
    EXPECT_EQ(TypeOf("date", "date"), "date");
    MappedColumn time = Map(Col("c", "time", "time(6)"));
    EXPECT_EQ(time.pg_type, "interval");
    EXPECT_EQ(Convert(time, "-838:59:59.000000"), "-838:59:59.000000");
}

TEST(DdlTypeMap, ZeroDatesNullOrMinusInfinity) {
    MysqlColumn nullable = Col("c", "datetime", "datetime");
    MappedColumn m = Map(nullable);
    EXPECT_FALSE(m.zero_date_value.has_value());
    EXPECT_EQ(Convert(m, "0000-00-00 00:00:00"), "<NULL>");
    EXPECT_EQ(Convert(m, "2024-00-10 00:00:00"), "<NULL>");
    EXPECT_EQ(Convert(m, "0000-01-01 00:00:00"), "<NULL>"); // no year 0 in PostgreSQL
    EXPECT_EQ(Convert(m, "2024-02-29 23:59:59"), "2024-02-29 23:59:59");
    MysqlColumn not_null = Col("c", "date", "date");
    not_null.nullable = false;
    MappedColumn n = Map(not_null);
    EXPECT_TRUE(n.not_null);
    EXPECT_EQ(Convert(n, "0000-00-00"), "-infinity");
    MysqlColumn ts = Col("c", "timestamp", "timestamp");
    EXPECT_EQ(Convert(Map(ts), "0000-00-00 00:00:00"), "<NULL>");
}

TEST(DdlTypeMap, ZeroDatesMinusInfinityEverywhereWhenAsked) {
    TypeMapOptions options;
    options.zero_dates_infinity = true; // zero_dates: -infinity
    for (const auto &[data_type, zero] :
         std::vector<std::pair<std::string, std::string>>{{"date", "0000-00-00"},
                                                          {"datetime", "0000-00-00 00:00:00"},
                                                          {"timestamp", "0000-00-00 00:00:00"}}) {
        MappedColumn m = Map(Col("c", data_type, data_type), {}, options);
        EXPECT_EQ(m.zero_date_value, std::optional<std::string>("-infinity")) << data_type;
        EXPECT_EQ(Convert(m, zero), "-infinity") << data_type;
    }
    // Real dates are untouched, and other types have no zero-date policy.
    MappedColumn d = Map(Col("c", "datetime", "datetime"), {}, options);
    EXPECT_EQ(Convert(d, "2024-02-29 23:59:59"), "2024-02-29 23:59:59");
    EXPECT_FALSE(Map(Col("c", "varchar", "varchar(10)"), {}, options).zero_date_value.has_value());
}

TEST(DdlTypeMap, CharacterTypes) {
    MysqlColumn c = Col("c", "char", "char(10)");
    c.char_max_length = 10;
    EXPECT_EQ(Map(c).pg_type, "character(10)");
    MysqlColumn v = Col("c", "varchar", "varchar(255)");
    v.char_max_length = 255;
    EXPECT_EQ(Map(v).pg_type, "character varying(255)");
    for (const char *t : {"tinytext", "text", "mediumtext", "longtext"})
        EXPECT_EQ(TypeOf(t, t), "text") << t;
    MappedColumn m = Map(v);
    EXPECT_EQ(Convert(m, "a\tb\nc\\d\re"), "a\\tb\\nc\\\\d\\re");
    EXPECT_EQ(Convert(m, std::string("a\0b", 3)), "<NUL>");
    EXPECT_EQ(Convert(m, "\xF0\x9F\x98\x80 emoji"), "\xF0\x9F\x98\x80 emoji"); // utf8mb4 intact
    MysqlColumn z = Col("c", "char", "char(0)");
    z.char_max_length = 0;
    EXPECT_EQ(Map(z).pg_type, "text");
}

TEST(DdlTypeMap, NulBytesStrippedUnderThePolicy) {
    // nul_bytes: error (the default) refuses character data holding a NUL byte; strip leaves the
    // NUL bytes out and says so (kStripped), for the text, the COPY-escaped text and SET literals.
    TypeMapOptions options;
    options.strip_nul_bytes = true;
    MysqlColumn v = Col("c", "varchar", "varchar(20)");
    v.char_max_length = 20;
    EXPECT_FALSE(Map(v).strip_nul);
    MappedColumn m = Map(v, {}, options);
    EXPECT_TRUE(m.strip_nul);
    EXPECT_TRUE(ValueSpec::Of(m).strip_nul);
    EXPECT_EQ(Convert(m, std::string("a\0b\0", 4)), "<STRIPPED>ab");
    EXPECT_EQ(Convert(m, std::string("\0\t\0x", 4)), "<STRIPPED>\\tx");
    EXPECT_EQ(Convert(m, std::string("\0\t\0x", 4), false), "<STRIPPED>\tx");
    EXPECT_EQ(Convert(m, std::string("\0", 1)), "<STRIPPED>");
    EXPECT_EQ(Convert(m, "a\tb"), "a\\tb"); // no NUL: kOk
    EXPECT_EQ(Convert(Map(v), std::string("a\0b", 3), false), "<NUL>");
    MappedColumn set = Map(Col("c", "set", "set('a','b')"), {}, options);
    EXPECT_EQ(Convert(set, std::string("a\0,b", 4)), "<STRIPPED>{\"a\",\"b\"}");
    // Bytes keep their NUL bytes whatever the policy.
    EXPECT_EQ(Convert(Map(Col("c", "blob", "blob"), {}, options), std::string("\0", 1)), "\\\\x00");
    EXPECT_EQ(StripNulBytes("\0a\0\0b\0", 6), "ab");
}

TEST(DdlTypeMap, BinaryTypesAreRealBytes) {
    for (const char *t : {"binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"})
        EXPECT_EQ(TypeOf(t, t), "bytea") << t;
    MappedColumn m = Map(Col("b", "varbinary", "varbinary(8)"));
    EXPECT_EQ(Convert(m, std::string("\x00\x01\xFF\x00", 4)), "\\\\x0001ff00");
    EXPECT_EQ(Convert(m, std::string("\x00\x01\xFF\x00", 4), false), "\\x0001ff00");
    EXPECT_EQ(Convert(m, ""), "\\\\x");
}

TEST(DdlTypeMap, EnumSetJson) {
    MappedColumn e = Map(Col("e", "enum", "enum('a','b''c','x,y','back\\\\slash','é')"));
    EXPECT_TRUE(e.enum_type);
    EXPECT_EQ(e.enum_labels, (std::vector<std::string>{"", "a", "b'c", "x,y", "back\\slash", "é"}));
    EXPECT_EQ(Convert(e, "back\\slash"), "back\\\\slash");
    MappedColumn already = Map(Col("e", "enum", "enum('','z')"));
    EXPECT_EQ(already.enum_labels, (std::vector<std::string>{"", "z"}));
    MappedColumn long_labels = Map(Col("e", "enum", "enum('" + std::string(64, 'x') + "')"));
    EXPECT_FALSE(long_labels.enum_type);
    EXPECT_EQ(long_labels.pg_type, "text");
    EXPECT_EQ(long_labels.notes.size(), 1u);
    // ENUM(0x6100, 0x62): information_schema shows the NUL byte inside the quotes.
    MappedColumn nul_label = Map(Col("e", "enum", std::string("enum('a\0','b')", 14)));
    EXPECT_FALSE(nul_label.enum_type);
    EXPECT_EQ(nul_label.pg_type, "text");
    ASSERT_EQ(nul_label.notes.size(), 1u);
    EXPECT_EQ(nul_label.notes[0], "column \"e\" is an ENUM with a label holding a NUL byte: stored as text");

    MappedColumn s = Map(Col("s", "set", "set('x','y','z')"));
    EXPECT_EQ(s.pg_type, "text[]");
    EXPECT_EQ(Convert(s, "x,z"), "{\"x\",\"z\"}");
    EXPECT_EQ(Convert(s, ""), "{}");
    EXPECT_EQ(Convert(s, "a\"b,c\\d"), "{\"a\\\\\"b\",\"c\\\\\\\\d\"}");
    EXPECT_EQ(Convert(s, "a\"b,c\\d", false), "{\"a\\\"b\",\"c\\\\d\"}");

    EXPECT_EQ(TypeOf("json", "json"), "jsonb");
    MysqlColumn maria_json = Col("j", "longtext", "longtext");
    maria_json.json = true;
    EXPECT_EQ(Map(maria_json).pg_type, "jsonb");
}

TEST(DdlTypeMap, GeometryAndMariaDbTypes) {
    MappedColumn g = Map(Col("g", "point", "point"));
    EXPECT_EQ(g.pg_type, "bytea");
    EXPECT_EQ(g.kind, CopyKind::kGeometryWkb);
    // SRID 4326 (LE) + WKB point (1.0, 2.0), little endian.
    std::string internal("\xE6\x10\x00\x00\x01\x01\x00\x00\x00"
                         "\x00\x00\x00\x00\x00\x00\xF0\x3F"
                         "\x00\x00\x00\x00\x00\x00\x00\x40",
                         25);
    EXPECT_EQ(Convert(g, internal, false), "\\x0101000000000000000000f03f0000000000000040");
    TypeMapOptions postgis;
    postgis.postgis = true;
    MappedColumn pg = Map(Col("g", "geometry", "geometry"), {}, postgis);
    EXPECT_EQ(pg.pg_type, "geometry");
    EXPECT_EQ(Convert(pg, internal, false), "0101000020e6100000000000000000f03f0000000000000040");
    EXPECT_EQ(Convert(g, "abc"), "<BAD>");
    EXPECT_EQ(TypeOf("inet6", "inet6"), "inet");
    EXPECT_EQ(TypeOf("uuid", "uuid"), "uuid");
}

TEST(DdlTypeMap, UnknownTypeNeedsAnOverride) {
    try {
        Map(Col("v", "vector", "vector(3)"));
        FAIL() << "expected an error";
    } catch (const Error &e) {
        EXPECT_STREQ(e.what(),
                     "MySQL type vector(3) of column \"v\" of table `db`.`t` has no PostgreSQL mapping");
        EXPECT_STREQ(e.SqlState(), "0A000");
        EXPECT_EQ(e.Hint(), "Add a type_override rule for \"vector(3)\" to the configuration.");
    }
    config::TypeOverride rule{"vector(3)", "text", {"*"}};
    EXPECT_EQ(Map(Col("v", "vector", "vector(3)"), {rule}).pg_type, "text");
}

// ---- type_override ----

TEST(DdlTypeMap, OverrideExactColumnTypeAndTables) {
    config::TypeOverride to_bool{"tinyint(1)", "boolean", {"*"}};
    MappedColumn m = Map(Col("flag", "tinyint", "tinyint(1)"), {to_bool});
    EXPECT_EQ(m.pg_type, "boolean");
    EXPECT_TRUE(m.overridden);
    EXPECT_EQ(Convert(m, "1"), "1");
    EXPECT_EQ(Map(Col("n", "tinyint", "tinyint(4)"), {to_bool}).pg_type, "smallint");
    EXPECT_EQ(Map(Col("flag", "tinyint", "TINYINT( 1 )"), {to_bool}).pg_type, "boolean");

    config::TypeOverride only_other{"tinyint(1)", "boolean", {"db.other"}};
    EXPECT_EQ(Map(Col("flag", "tinyint", "tinyint(1)"), {only_other}).pg_type, "smallint");
    config::TypeOverride only_t{"tinyint(1)", "boolean", {"db.other", "db.t"}};
    EXPECT_EQ(Map(Col("flag", "tinyint", "tinyint(1)"), {only_t}).pg_type, "boolean");
}

TEST(DdlTypeMap, OverrideByDataTypeFixesEnumRules) {
    // pg_chameleon issue #132: "enum" never matched because the key is the full COLUMN_TYPE.
    config::TypeOverride enum_text{"enum", "text", {"*"}};
    MappedColumn m = Map(Col("e", "enum", "enum('a','b')"), {enum_text});
    EXPECT_EQ(m.pg_type, "text");
    EXPECT_FALSE(m.enum_type);
    // An exact COLUMN_TYPE rule wins over a DATA_TYPE rule whatever their order.
    config::TypeOverride exact{"enum('a','b')", "character varying(1)", {"*"}};
    EXPECT_EQ(Map(Col("e", "enum", "enum('a','b')"), {enum_text, exact}).pg_type, "character varying(1)");
}

TEST(DdlTypeMap, OverrideAdaptsTheConversion) {
    config::TypeOverride uuid{"binary(16)", "uuid", {"*"}};
    MappedColumn u = Map(Col("id", "binary", "binary(16)"), {uuid});
    EXPECT_EQ(u.kind, CopyKind::kHex);
    EXPECT_EQ(Convert(u, std::string("\x12\x34\x56\x78\x9a\xbc\xde\xf0\x12\x34\x56\x78\x9a\xbc\xde\xf0", 16)),
              "123456789abcdef0123456789abcdef0");
    config::TypeOverride set_text{"set", "text", {"*"}};
    MappedColumn s = Map(Col("s", "set", "set('a','b')"), {set_text});
    EXPECT_EQ(Convert(s, "a,b"), "a,b");
    MysqlColumn bit = Col("b", "bit", "bit(8)");
    bit.numeric_precision = 8;
    config::TypeOverride bit_int{"bit(8)", "integer", {"*"}};
    EXPECT_EQ(Convert(Map(bit, {bit_int}), std::string("\xFF", 1)), "255");
    config::TypeOverride dt_text{"datetime", "text", {"*"}};
    MappedColumn dt = Map(Col("d", "datetime", "datetime"), {dt_text});
    EXPECT_EQ(Convert(dt, "0000-00-00 00:00:00"), "0000-00-00 00:00:00"); // text keeps zero dates
    config::TypeOverride ts_plain{"timestamp", "timestamp without time zone", {"*"}};
    EXPECT_EQ(Convert(Map(Col("t", "timestamp", "timestamp"), {ts_plain}), "2020-01-01 00:00:00"),
              "2020-01-01 00:00:00");
    config::TypeOverride time_time{"time", "time", {"*"}};
    EXPECT_EQ(Map(Col("t", "time", "time"), {time_time}).pg_type, "time");
    config::TypeOverride float_num{"float", "numeric", {"*"}};
    EXPECT_EQ(Map(Col("f", "float", "float"), {float_num}).select_expr, "CAST(`f` AS DOUBLE)");
}

// ---- defaults, NOT NULL, identity ----

TEST(DdlTypeMap, DefaultsMariaDbStyle) {
    MysqlColumn v = Col("v", "varchar", "varchar(10)");
    v.char_max_length = 10;
    v.default_value = "'it''s'";
    EXPECT_EQ(Map(v).default_value.value_or("<none>"), "it's");
    v.default_value = "'NULL'";
    EXPECT_EQ(Map(v).default_value.value_or("<none>"), "NULL");
    v.default_value = "NULL";
    EXPECT_FALSE(Map(v).default_value.has_value());
    MysqlColumn n = Col("n", "decimal", "decimal(10,2)");
    n.default_value = "1.50";
    EXPECT_EQ(Map(n).default_value.value_or("<none>"), "1.50");
    MysqlColumn dt = Col("dt", "datetime", "datetime(6)");
    dt.datetime_precision = 6;
    dt.default_value = "current_timestamp(6)";
    MappedColumn m = Map(dt);
    EXPECT_FALSE(m.default_value.has_value());
    EXPECT_EQ(m.default_expression, "LOCALTIMESTAMP(6)");
    MysqlColumn ts = Col("ts", "timestamp", "timestamp");
    ts.default_value = "current_timestamp()";
    EXPECT_EQ(Map(ts).default_expression, "CURRENT_TIMESTAMP");
    ts.default_value = "'0000-00-00 00:00:00'";
    EXPECT_FALSE(Map(ts).default_value.has_value()); // zero date → NULL: no default
    ts.nullable = false;
    EXPECT_EQ(Map(ts).default_value.value_or("<none>"), "-infinity");
    ts.default_value = "'2000-01-01 00:00:00'";
    EXPECT_EQ(Map(ts).default_value.value_or("<none>"), "2000-01-01 00:00:00+00");
    MysqlColumn b = Col("b", "bit", "bit(4)");
    b.numeric_precision = 4;
    b.default_value = "b'101'";
    EXPECT_EQ(Map(b).default_value.value_or("<none>"), "0101");
    MysqlColumn bin = Col("bn", "binary", "binary(4)");
    bin.char_max_length = 4;
    bin.default_value = "'ab\\0\\0'";
    EXPECT_EQ(Map(bin).default_value.value_or("<none>"), "\\x61620000");
    MysqlColumn s = Col("s", "set", "set('a','b')");
    s.default_value = "'a,b'";
    EXPECT_EQ(Map(s).default_value.value_or("<none>"), "{\"a\",\"b\"}");
    MysqlColumn e = Col("e", "int", "int(11)");
    e.default_value = "(1 + 2)";
    MappedColumn expr = Map(e);
    EXPECT_FALSE(expr.default_value.has_value());
    EXPECT_EQ(expr.notes, (std::vector<std::string>{"default (1 + 2) of column \"e\" not translated"}));
}

TEST(DdlTypeMap, DefaultsMySqlStyle) {
    TypeMapOptions mysql;
    mysql.default_style = DefaultStyle::kMySql;
    MysqlColumn v = Col("v", "varchar", "varchar(10)");
    v.default_value = "it's";
    EXPECT_EQ(Map(v, {}, mysql).default_value.value_or("<none>"), "it's");
    MysqlColumn ts = Col("ts", "timestamp", "timestamp");
    ts.default_value = "CURRENT_TIMESTAMP";
    ts.extra = "default_generated on update current_timestamp";
    EXPECT_EQ(Map(ts, {}, mysql).default_expression, "CURRENT_TIMESTAMP");
}

TEST(DdlTypeMap, IdentityAndGenerated) {
    MysqlColumn id = Col("id", "int", "int(11)");
    id.nullable = false;
    id.extra = "auto_increment";
    MappedColumn m = Map(id);
    EXPECT_TRUE(m.identity);
    EXPECT_FALSE(m.sequence);
    MysqlColumn big = Col("id", "bigint", "bigint(20) unsigned");
    big.nullable = false;
    big.extra = "auto_increment";
    MappedColumn b = Map(big);
    EXPECT_FALSE(b.identity);
    EXPECT_TRUE(b.sequence);
    MysqlColumn gen = Col("g", "int", "int(11)");
    gen.extra = "virtual generated";
    gen.generation_expression = "`id` * 2";
    EXPECT_EQ(Map(gen).notes,
              (std::vector<std::string>{"generated column \"g\" (`id` * 2) is copied as a plain column"}));
}

TEST(DdlTypeMap, ParseEnumLabelsAndUnescape) {
    EXPECT_EQ(ParseEnumLabels("enum('a')"), (std::vector<std::string>{"a"}));
    EXPECT_EQ(ParseEnumLabels("set('a b','c''d','e\\\\f','g\\nh')"),
              (std::vector<std::string>{"a b", "c'd", "e\\f", "g\nh"}));
    EXPECT_EQ(ParseEnumLabels("enum('',')')"), (std::vector<std::string>{"", ")"}));
    EXPECT_EQ(UnescapeMysqlString("a\\0b"), std::string("a\0b", 3));
}

TEST(DdlTypeMap, DescribeValue) {
    EXPECT_EQ(DescribeValue("abc", 3, CopyKind::kText), "abc");
    EXPECT_EQ(DescribeValue("a\0b", 3, CopyKind::kText), "a\\x00b");
    EXPECT_EQ(DescribeValue("\x01\xff", 2, CopyKind::kBytea), "0x01ff");
    EXPECT_EQ(DescribeValue("abcdef", 6, CopyKind::kText, 3), "abc... (6 bytes)");
}

TEST(DdlPgText, Quoting) {
    EXPECT_EQ(QuoteIdent("x\"; DROP TABLE t; --"), "\"x\"\"; DROP TABLE t; --\"");
    EXPECT_EQ(QuoteIdent("Mixed Case"), "\"Mixed Case\"");
    EXPECT_EQ(QualifiedName("s", "t"), "\"s\".\"t\"");
    EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
    EXPECT_EQ(QuoteLiteral("a\\b'"), "E'a\\\\b'''");
    EXPECT_EQ(TruncateUtf8("ab\xC3\xA9", 3), "ab");
    EXPECT_EQ(TruncateUtf8("ab\xC3\xA9", 4), "ab\xC3\xA9");
}

} // namespace
} // namespace chameleon::ddl
