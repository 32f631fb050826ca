// The registry codec (src/ddl/registry_codec.hpp): MysqlTable as JSON text and back. Round trips
// of every field, input as PostgreSQL's jsonb prints it, and the exact refusal of malformed input.
#include "common/error.hpp"
#include "ddl/registry_codec.hpp"
#include "mysql_table_equal.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace chameleon::ddl {
namespace {

using testing::SameTable;

// Every field set, none at its default; strings with quotes, backslashes, control characters,
// NUL, UTF-8 and a byte that is not UTF-8.
MysqlTable RichTable() {
    MysqlTable t;
    t.schema = "sh\"op";
    t.name = "caf\xc3\xa9 \xf0\x9f\x98\x80";
    t.engine = "MyISAM";
    t.transactional = false;
    t.estimated_rows = std::numeric_limits<uint64_t>::max(); // 18446744073709551615
    t.avg_row_length = 9223372036854775808ULL;
    t.data_length = 0;
    t.comment = std::string("back\\slash \"q\" \n\r\t\b\f \x01\x1f\x7f nul\0end \xff", 40);

    MysqlColumn id;
    id.name = "id";
    id.ordinal = 1;
    id.data_type = "bigint";
    id.column_type = "bigint(20) unsigned";
    id.nullable = false;
    id.default_value = std::nullopt;
    id.char_max_length = std::nullopt;
    id.numeric_precision = 20;
    id.numeric_scale = 0;
    id.datetime_precision = std::nullopt;
    id.extra = "auto_increment";
    id.charset = "";
    id.comment = "";
    id.generation_expression = "";
    id.json = false;
    t.columns.push_back(id);

    MysqlColumn note;
    note.name = "n\xc3\xb6te";
    note.ordinal = -2147483647 - 1;
    note.data_type = "varchar";
    note.column_type = "varchar(255)";
    note.nullable = true;
    note.default_value = std::string(""); // an empty default, not NULL
    note.char_max_length = std::numeric_limits<int64_t>::min();
    note.numeric_precision = std::numeric_limits<int>::max();
    note.numeric_scale = -1;
    note.datetime_precision = 6;
    note.extra = "virtual generated";
    note.charset = "utf8mb4";
    note.comment = "it's \"quoted\" \\ \x02";
    note.generation_expression = "concat(`a`,'\\n')";
    note.json = true;
    t.columns.push_back(note);

    MysqlColumn d;
    d.name = "";
    d.ordinal = 3;
    d.data_type = "json";
    d.column_type = "longtext";
    d.default_value = "'{\"a\": [1]}'";
    d.char_max_length = std::numeric_limits<int64_t>::max();
    t.columns.push_back(d);

    MysqlIndex primary;
    primary.name = "PRIMARY";
    primary.unique = true;
    primary.index_type = "BTREE";
    primary.parts.push_back({"id", std::nullopt, false, ""});
    t.indexes.push_back(primary);

    MysqlIndex fn;
    fn.name = "by_expr";
    fn.unique = false;
    fn.index_type = "HASH";
    fn.parts.push_back({"n\xc3\xb6te", 10, true, ""});
    fn.parts.push_back({"", std::nullopt, false, "lower(`n\xc3\xb6te`)"});
    fn.parts.push_back({"x", -5, true, "\t"});
    t.indexes.push_back(fn);

    MysqlIndex empty;
    empty.name = "no_parts";
    empty.index_type = "FULLTEXT";
    t.indexes.push_back(empty);

    MysqlForeignKey fk;
    fk.name = "fk_1";
    fk.columns = {"id", "n\xc3\xb6te"};
    fk.referenced_schema = "other";
    fk.referenced_table = "parent";
    fk.referenced_columns = {"pid", ""};
    fk.update_rule = "CASCADE";
    fk.delete_rule = "SET NULL";
    t.foreign_keys.push_back(fk);
    MysqlForeignKey bare; // empty column lists and strings
    t.foreign_keys.push_back(bare);
    return t;
}

// DecodeTableJson(json) must throw; returns "SQLSTATE: message".
std::string Refusal(std::string_view json) {
    try {
        DecodeTableJson(json);
    } catch (const Error &e) {
        return std::string(e.SqlState()) + ": " + e.what();
    }
    return "<decoded>";
}

// A minimal valid table whose one member `key` is replaced by `value` (text spliced in).
std::string TableWith(const std::string &members) {
    return "{\"schema\": \"s\", \"name\": \"t\", \"engine\": \"InnoDB\", \"transactional\": true, "
           "\"estimated_rows\": 0, \"avg_row_length\": 0, \"data_length\": 0, \"comment\": \"\", " +
           members + "}";
}

std::string MinimalMembers() {
    return "\"columns\": [], \"indexes\": [], \"foreign_keys\": []";
}

const char *kColumn =
    "{\"name\": \"c\", \"ordinal\": 1, \"data_type\": \"int\", \"column_type\": \"int(11)\", "
    "\"nullable\": true, \"extra\": \"\", \"charset\": \"\", \"comment\": \"\", "
    "\"generation_expression\": \"\", \"json\": false";

TEST(RegistryCodec, RoundTripsEveryField) {
    const MysqlTable t = RichTable();
    const std::string json = EncodeTableJson(t);
    const MysqlTable back = DecodeTableJson(json);
    EXPECT_TRUE(SameTable(t, back)) << json;
    EXPECT_EQ(EncodeTableJson(back), json);
    EXPECT_EQ(back.estimated_rows, 18446744073709551615ULL);
    EXPECT_EQ(back.columns[1].char_max_length, std::numeric_limits<int64_t>::min());
    EXPECT_EQ(back.columns[1].ordinal, std::numeric_limits<int>::min());
    EXPECT_EQ(back.columns[1].default_value, std::optional<std::string>(""));
    EXPECT_EQ(back.columns[0].default_value, std::nullopt);
    EXPECT_EQ(back.comment.size(), 40u);
    // Nothing changed is also equal; a field changed is not (the comparison sees every field).
    MysqlTable changed = back;
    changed.indexes[1].parts[2].sub_part = std::nullopt;
    EXPECT_FALSE(SameTable(t, changed));
    changed = back;
    changed.columns[1].default_value = std::nullopt;
    EXPECT_FALSE(SameTable(t, changed));
}

TEST(RegistryCodec, RoundTripsDefaultsAndEmptyTable) {
    MysqlTable t;
    EXPECT_TRUE(SameTable(t, DecodeTableJson(EncodeTableJson(t))));
    t.columns.emplace_back();
    t.indexes.emplace_back();
    t.indexes.back().parts.emplace_back();
    t.foreign_keys.emplace_back();
    EXPECT_TRUE(SameTable(t, DecodeTableJson(EncodeTableJson(t))));
}

TEST(RegistryCodec, EncodesTheDocumentedLayout) {
    MysqlTable t;
    t.schema = "s";
    t.name = "t";
    t.engine = "InnoDB";
    MysqlColumn c;
    c.name = "a\nb";
    c.ordinal = 1;
    c.data_type = "int";
    c.column_type = "int(11)";
    c.numeric_precision = 10;
    t.columns.push_back(c);
    t.indexes.push_back({"PRIMARY", true, "BTREE", {{"a\nb", std::nullopt, false, ""}}});
    t.foreign_keys.push_back({"f", {"a\nb"}, "s", "p", {"id"}, "RESTRICT", "NO ACTION"});
    EXPECT_EQ(
        EncodeTableJson(t),
        "{\"schema\": \"s\", \"name\": \"t\", \"engine\": \"InnoDB\", \"transactional\": true, "
        "\"estimated_rows\": 0, \"avg_row_length\": 0, \"data_length\": 0, \"comment\": \"\", "
        "\"columns\": [{\"name\": \"a\\nb\", \"ordinal\": 1, \"data_type\": \"int\", \"column_type\": "
        "\"int(11)\", \"nullable\": true, \"default_value\": null, \"char_max_length\": null, "
        "\"numeric_precision\": 10, \"numeric_scale\": null, \"datetime_precision\": null, \"extra\": \"\", "
        "\"charset\": \"\", \"comment\": \"\", \"generation_expression\": \"\", \"json\": false}], "
        "\"indexes\": [{\"name\": \"PRIMARY\", \"unique\": true, \"index_type\": \"BTREE\", \"parts\": "
        "[{\"column\": \"a\\nb\", \"sub_part\": null, \"descending\": false, \"expression\": \"\"}]}], "
        "\"foreign_keys\": [{\"name\": \"f\", \"columns\": [\"a\\nb\"], \"referenced_schema\": \"s\", "
        "\"referenced_table\": \"p\", \"referenced_columns\": [\"id\"], \"update_rule\": \"RESTRICT\", "
        "\"delete_rule\": \"NO ACTION\"}]}");
    EXPECT_EQ(ColumnsSummaryJson(t), "[{\"name\": \"a\\nb\", \"type\": \"int(11)\"}]");
    EXPECT_EQ(ColumnsSummaryJson(MysqlTable{}), "[]");
    EXPECT_EQ(ColumnsSummaryJson(RichTable()),
              "[{\"name\": \"id\", \"type\": \"bigint(20) unsigned\"}, {\"name\": \"n\xc3\xb6te\", \"type\": "
              "\"varchar(255)\"}, {\"name\": \"\", \"type\": \"longtext\"}]");
}

// The table of EncodesTheDocumentedLayout as PostgreSQL's jsonb prints it back (keys sorted by
// length then bytes, ", " and ": "), then by hand: no whitespace, escapes jsonb would have decoded
// (\u00e9, a surrogate pair, \/), optionals left out, unknown keys.
TEST(RegistryCodec, DecodesJsonbNormalisedText) {
    const std::string jsonb =
        "{\"name\": \"t\", \"engine\": \"InnoDB\", \"schema\": \"s\", \"columns\": [{\"json\": false, "
        "\"name\": "
        "\"a\\nb\", \"extra\": \"\", \"charset\": \"\", \"comment\": \"\", \"ordinal\": 1, \"nullable\": "
        "true, "
        "\"data_type\": \"int\", \"column_type\": \"int(11)\", \"numeric_scale\": null, \"default_value\": "
        "null, "
        "\"char_max_length\": null, \"numeric_precision\": 10, \"datetime_precision\": null, "
        "\"generation_expression\": \"\"}], \"comment\": \"\", \"indexes\": [{\"name\": \"PRIMARY\", "
        "\"parts\": "
        "[{\"column\": \"a\\nb\", \"sub_part\": null, \"descending\": false, \"expression\": \"\"}], "
        "\"unique\": "
        "true, \"index_type\": \"BTREE\"}], \"data_length\": 0, \"foreign_keys\": [{\"name\": \"f\", "
        "\"columns\": [\"a\\nb\"], \"delete_rule\": \"NO ACTION\", \"update_rule\": \"RESTRICT\", "
        "\"referenced_table\": \"p\", \"referenced_schema\": \"s\", \"referenced_columns\": [\"id\"]}], "
        "\"transactional\": true, \"avg_row_length\": 0, \"estimated_rows\": 0}";
    const MysqlTable t = DecodeTableJson(jsonb);
    EXPECT_EQ(EncodeTableJson(t), EncodeTableJson(DecodeTableJson(EncodeTableJson(t))));
    EXPECT_EQ(t.columns.at(0).name, "a\nb");
    EXPECT_EQ(t.columns.at(0).numeric_precision, 10);
    EXPECT_EQ(t.indexes.at(0).parts.at(0).column, "a\nb");
    EXPECT_EQ(t.foreign_keys.at(0).delete_rule, "NO ACTION");

    const std::string compact =
        " \r\n\t{\"foreign_keys\":[],\"indexes\":[],\"future\":{\"x\":[1,2.5e-3,-0,true,null,\"\\u0000\"]},"
        "\"columns\":[{\"json\":true,\"name\":\"caf\\u00e9 "
        "\\ud83d\\ude00\\/\",\"extra\":\"\",\"charset\":\"\","
        "\"comment\":\"\\u00E9\",\"ordinal\":2,\"nullable\":false,\"data_type\":\"json\",\"column_type\":"
        "\"longtext\",\"generation_expression\":\"\",\"default_value\":\"\\\"x\\\"\"}],\"comment\":\"\","
        "\"data_length\":12345678901234567890,\"avg_row_length\":7,\"estimated_rows\":18446744073709551615,"
        "\"transactional\":false,\"engine\":\"Aria\",\"name\":\"t\",\"schema\":\"s\"} \n";
    const MysqlTable c = DecodeTableJson(compact);
    EXPECT_EQ(c.columns.at(0).name, "caf\xc3\xa9 \xf0\x9f\x98\x80/");
    EXPECT_EQ(c.columns.at(0).comment, "\xc3\xa9");
    EXPECT_EQ(c.columns.at(0).default_value, std::optional<std::string>("\"x\""));
    EXPECT_EQ(c.columns.at(0).char_max_length, std::nullopt);
    EXPECT_EQ(c.columns.at(0).numeric_precision, std::nullopt);
    EXPECT_TRUE(c.columns.at(0).json);
    EXPECT_FALSE(c.columns.at(0).nullable);
    EXPECT_EQ(c.estimated_rows, 18446744073709551615ULL);
    EXPECT_EQ(c.data_length, 12345678901234567890ULL);
    EXPECT_FALSE(c.transactional);
    EXPECT_EQ(c.engine, "Aria");

    // Optionals: null and left out decode alike.
    const MysqlTable with_null = DecodeTableJson(TableWith("\"columns\": [" + std::string(kColumn) +
                                                           ", \"default_value\": null, \"sub\": 1}], "
                                                           "\"indexes\": [], \"foreign_keys\": []"));
    const MysqlTable left_out = DecodeTableJson(
        TableWith("\"columns\": [" + std::string(kColumn) + "}], \"indexes\": [], \"foreign_keys\": []"));
    EXPECT_TRUE(SameTable(with_null, left_out));
    EXPECT_EQ(left_out.columns.at(0).default_value, std::nullopt);
}

// The table EncodeTableJson wrote for this, printed back by PostgreSQL 15 as
// jsonb_pretty(text::jsonb): keys reordered, whitespace changed, raw UTF-8. jsonb stores neither
// \u0000 nor invalid UTF-8, so this table has neither. The text holds a raw DEL byte (0x7f) in
// "comment", as jsonb prints it.
MysqlTable JsonbSafeTable() {
    MysqlTable t;
    t.schema = "sh\"op";
    t.name = "caf\xc3\xa9 \xf0\x9f\x98\x80";
    t.engine = "MyISAM";
    t.transactional = false;
    t.estimated_rows = std::numeric_limits<uint64_t>::max();
    t.avg_row_length = 9223372036854775808ULL;
    t.comment = "back\\slash \"q\" \n\r\t\b\f \x01\x1f\x7f end";
    MysqlColumn c;
    c.name = "n\xc3\xb6te";
    c.ordinal = -2147483647 - 1;
    c.data_type = "varchar";
    c.column_type = "varchar(255)";
    c.default_value = std::string("");
    c.char_max_length = std::numeric_limits<int64_t>::min();
    c.numeric_precision = 2147483647;
    c.numeric_scale = -1;
    c.datetime_precision = 6;
    c.extra = "virtual generated";
    c.charset = "utf8mb4";
    c.comment = "it's \\ \x02";
    c.generation_expression = "concat(`a`,'\\n')";
    c.json = true;
    t.columns.push_back(c);
    MysqlColumn d;
    d.name = "id";
    d.ordinal = 1;
    d.nullable = false;
    d.char_max_length = std::numeric_limits<int64_t>::max();
    t.columns.push_back(d);
    t.indexes.push_back(
        {"by", false, "HASH", {{"x", -5, true, "\t"}, {"", std::nullopt, false, "lower(`a`)"}}});
    t.foreign_keys.push_back({"fk", {"a", "b"}, "o", "p", {"c", ""}, "CASCADE", "SET NULL"});
    t.foreign_keys.emplace_back();
    return t;
}

// clang-format off
const char *kJsonbPretty = R"json({
    "name": "café 😀",
    "engine": "MyISAM",
    "schema": "sh\"op",
    "columns": [
        {
            "json": true,
            "name": "nöte",
            "extra": "virtual generated",
            "charset": "utf8mb4",
            "comment": "it's \\ \u0002",
            "ordinal": -2147483648,
            "nullable": true,
            "data_type": "varchar",
            "column_type": "varchar(255)",
            "default_value": "",
            "numeric_scale": -1,
            "char_max_length": -9223372036854775808,
            "numeric_precision": 2147483647,
            "datetime_precision": 6,
            "generation_expression": "concat(`a`,'\\n')"
        },
        {
            "json": false,
            "name": "id",
            "extra": "",
            "charset": "",
            "comment": "",
            "ordinal": 1,
            "nullable": false,
            "data_type": "",
            "column_type": "",
            "default_value": null,
            "numeric_scale": null,
            "char_max_length": 9223372036854775807,
            "numeric_precision": null,
            "datetime_precision": null,
            "generation_expression": ""
        }
    ],
    "comment": "back\\slash \"q\" \n\r\t\b\f \u0001\u001f end",
    "indexes": [
        {
            "name": "by",
            "parts": [
                {
                    "column": "x",
                    "sub_part": -5,
                    "descending": true,
                    "expression": "\t"
                },
                {
                    "column": "",
                    "sub_part": null,
                    "descending": false,
                    "expression": "lower(`a`)"
                }
            ],
            "unique": false,
            "index_type": "HASH"
        }
    ],
    "data_length": 0,
    "foreign_keys": [
        {
            "name": "fk",
            "columns": [
                "a",
                "b"
            ],
            "delete_rule": "SET NULL",
            "update_rule": "CASCADE",
            "referenced_table": "p",
            "referenced_schema": "o",
            "referenced_columns": [
                "c",
                ""
            ]
        },
        {
            "name": "",
            "columns": [
            ],
            "delete_rule": "",
            "update_rule": "",
            "referenced_table": "",
            "referenced_schema": "",
            "referenced_columns": [
            ]
        }
    ],
    "transactional": false,
    "avg_row_length": 9223372036854775808,
    "estimated_rows": 18446744073709551615
})json";
// clang-format on

TEST(RegistryCodec, DecodesPostgresJsonbOutput) {
    const MysqlTable t = JsonbSafeTable();
    EXPECT_TRUE(SameTable(t, DecodeTableJson(EncodeTableJson(t))));
    EXPECT_TRUE(SameTable(t, DecodeTableJson(kJsonbPretty)));
}

TEST(RegistryCodec, RefusesMalformedJson) {
    const std::string p = "22P02: invalid table definition JSON at byte ";
    EXPECT_EQ(Refusal(""), p + "0: expected a JSON value, found end of input");
    EXPECT_EQ(Refusal("   "), p + "3: expected a JSON value, found end of input");
    EXPECT_EQ(Refusal("{"), p + "1: expected a string key, found end of input");
    EXPECT_EQ(Refusal("{\"schema\" \"s\"}"), p + "10: expected ':' after an object key, found '\"'");
    EXPECT_EQ(Refusal("{\"schema\": \"s\" \"name\": \"t\"}"),
              p + "15: expected ',' or '}' after an object member, found '\"'");
    EXPECT_EQ(Refusal("{\"schema\": \"s\",}"), p + "15: expected a string key, found '}'");
    EXPECT_EQ(Refusal("{'schema': 1}"), p + "1: expected a string key, found '''");
    EXPECT_EQ(Refusal("{\"schema\": \"s"), p + "11: unterminated string");
    EXPECT_EQ(Refusal("{\"schema\": \"a\nb\"}"), p + "13: unescaped control character byte 0x0a in a string");
    EXPECT_EQ(Refusal("{\"schema\": \"a\\qb\"}"), p + "13: invalid escape \\q");
    EXPECT_EQ(Refusal("{\"schema\": \"\\u12g4\"}"),
              p + "12: invalid \\u escape (four hex digits must follow \\u)");
    EXPECT_EQ(Refusal("{\"schema\": \"\\ud83d\"}"),
              p + "12: invalid \\u escape (a high surrogate without a low surrogate)");
    EXPECT_EQ(Refusal("{\"schema\": \"\\ud83d\\u0041\"}"),
              p + "12: invalid \\u escape (a high surrogate without a low surrogate)");
    EXPECT_EQ(Refusal("{\"schema\": \"\\ude00\"}"),
              p + "12: invalid \\u escape (a low surrogate without a high surrogate)");
    EXPECT_EQ(Refusal("{\"x\": tru}"), p + "6: invalid literal (expected true)");
    EXPECT_EQ(Refusal("{\"x\": 01}"), p + "6: invalid number (leading zero)");
    EXPECT_EQ(Refusal("{\"x\": -}"), p + "6: invalid number (a digit must follow '-')");
    EXPECT_EQ(Refusal("{\"x\": 1.}"), p + "6: invalid number (a digit must follow '.')");
    EXPECT_EQ(Refusal("{\"x\": 1e+}"), p + "6: invalid number (a digit must follow the exponent)");
    EXPECT_EQ(Refusal("{\"x\": [1,]}"), p + "9: expected a JSON value, found ']'");
    EXPECT_EQ(Refusal("{\"x\": [1 2]}"), p + "9: expected ',' or ']' after an array element, found '2'");
    EXPECT_EQ(Refusal("{\"x\": +1}"), p + "6: expected a JSON value, found '+'");
    const std::string minimal = TableWith(MinimalMembers());
    EXPECT_NO_THROW(DecodeTableJson(minimal));
    EXPECT_EQ(Refusal(minimal + " x"),
              p + std::to_string(minimal.size() + 1) + ": unexpected 'x' after the JSON value");
    EXPECT_EQ(Refusal(minimal + "\x80"),
              p + std::to_string(minimal.size()) + ": unexpected byte 0x80 after the JSON value");
    EXPECT_EQ(Refusal(minimal + "{}"),
              p + std::to_string(minimal.size()) + ": unexpected '{' after the JSON value");
}

TEST(RegistryCodec, RefusesWrongData) {
    const std::string p = "22000: invalid table definition JSON at byte ";
    EXPECT_EQ(Refusal("[]"), p + "0: the table definition must be a JSON object, found an array");
    EXPECT_EQ(Refusal("null"), p + "0: the table definition must be a JSON object, found null");
    EXPECT_EQ(Refusal("{}"), p + "0: missing key \"schema\"");
    EXPECT_EQ(Refusal(TableWith("\"columns\": [], \"indexes\": []")), p + "0: missing key \"foreign_keys\"");
    EXPECT_EQ(Refusal("{\"schema\": 1}"), p + "11: key \"schema\" must be a string, found a number");
    EXPECT_EQ(Refusal("{\"schema\": null}"), p + "11: key \"schema\" must be a string, found null");
    EXPECT_EQ(Refusal("{\"transactional\": \"yes\"}"),
              p + "18: key \"transactional\" must be a boolean, found a string");
    EXPECT_EQ(Refusal("{\"estimated_rows\": 1.5}"),
              p + "19: key \"estimated_rows\" must be an integer, found 1.5");
    EXPECT_EQ(Refusal("{\"estimated_rows\": 1e3}"),
              p + "19: key \"estimated_rows\" must be an integer, found 1e3");
    EXPECT_EQ(Refusal("{\"estimated_rows\": -1}"),
              p + "19: key \"estimated_rows\": -1 is out of range (0 to 18446744073709551615)");
    EXPECT_EQ(
        Refusal("{\"estimated_rows\": 18446744073709551616}"),
        p + "19: key \"estimated_rows\": 18446744073709551616 is out of range (0 to 18446744073709551615)");
    EXPECT_EQ(Refusal("{\"schema\": \"a\", \"schema\": \"b\"}"), p + "16: duplicate key \"schema\"");
    EXPECT_EQ(Refusal("{\"columns\": {}}"), p + "12: key \"columns\" must be an array, found an object");
    // Offsets point at the value (or the object) in question.
    auto refused_at = [&](const std::string &json, const std::string &at, const std::string &message) {
        EXPECT_NE(json.find(at), std::string::npos) << at;
        EXPECT_EQ(Refusal(json), p + std::to_string(json.find(at)) + ": " + message) << json;
    };
    refused_at(TableWith("\"columns\": [1]"), "1]", "key \"columns[0]\" must be an object, found a number");
    refused_at(TableWith("\"columns\": [{}]"), "{}", "missing key \"columns[0].name\"");
    const std::string c = kColumn;
    std::string big_ordinal = c;
    big_ordinal.replace(big_ordinal.find("\"ordinal\": 1"), 12, "\"ordinal\": 2147483648");
    refused_at(TableWith("\"columns\": [" + c + "}, " + big_ordinal + "}]"), "2147483648",
               "key \"columns[1].ordinal\": 2147483648 is out of range (-2147483648 to 2147483647)");
    refused_at(TableWith("\"columns\": [" + c + ", \"ordinal\": 2}]"), "\"ordinal\": 2}",
               "duplicate key \"columns[0].ordinal\"");
    refused_at(TableWith("\"columns\": [" + c + ", \"default_value\": 5}]"), "5}",
               "key \"columns[0].default_value\" must be a string or null, found a number");
    refused_at(TableWith("\"columns\": [" + c + ", \"char_max_length\": \"5\"}]"), "\"5\"",
               "key \"columns[0].char_max_length\" must be an integer or null, found a string");
    refused_at(TableWith("\"columns\": [" + c + ", \"char_max_length\": 9223372036854775808}]"),
               "9223372036854775808",
               "key \"columns[0].char_max_length\": 9223372036854775808 is out of range "
               "(-9223372036854775808 to 9223372036854775807)");
    refused_at(TableWith("\"indexes\": [{\"name\": \"i\", \"unique\": true, \"index_type\": \"BTREE\", "
                         "\"parts\": [{\"column\": \"a\", \"descending\": 0}]}]"),
               "0}", "key \"indexes[0].parts[0].descending\" must be a boolean, found a number");
    refused_at(TableWith("\"foreign_keys\": [{\"columns\": [\"a\", null]}]"), "null",
               "key \"foreign_keys[0].columns[1]\" must be a string, found null");
    refused_at(
        TableWith("\"columns\": [], \"indexes\": [{\"name\": \"i\", \"unique\": true, \"parts\": []}], "
                  "\"foreign_keys\": []"),
        "{\"name\": \"i\"", "missing key \"indexes[0].index_type\"");
    // A long number is shortened in the message.
    EXPECT_EQ(Refusal("{\"data_length\": 1" + std::string(60, '0') + "}"),
              p + "16: key \"data_length\": 1" + std::string(39, '0') +
                  "... is out of range (0 to 18446744073709551615)");
}

TEST(RegistryCodec, RefusesDeepNesting) {
    // Within the limit, unknown keys may nest (they are skipped); one level more is refused.
    std::string ok =
        TableWith(MinimalMembers() + ", \"future\": " + std::string(kRegistryJsonMaxDepth - 1, '[') +
                  std::string(kRegistryJsonMaxDepth - 1, ']'));
    EXPECT_NO_THROW(DecodeTableJson(ok));
    std::string deep = "{\"future\": " + std::string(kRegistryJsonMaxDepth, '[');
    EXPECT_EQ(Refusal(deep), "22P02: invalid table definition JSON at byte " +
                                 std::to_string(11 + kRegistryJsonMaxDepth - 1) +
                                 ": nesting deeper than 64 levels");
    // A million brackets: refused at the limit, no stack overflow.
    EXPECT_EQ(Refusal("{\"x\": " + std::string(1000000, '[')),
              "22P02: invalid table definition JSON at byte 69: nesting deeper than 64 levels");
    EXPECT_EQ(Refusal(std::string(1000000, '{')),
              "22P02: invalid table definition JSON at byte 1: expected a "
              "string key, found '{'");
}

TEST(RegistryCodec, LinearOnLargeInput) {
    // 50000 columns and a 4 MB unknown value: decoded in one pass (the test would time out if not).
    MysqlTable t;
    t.columns.resize(50000);
    for (size_t i = 0; i < t.columns.size(); i++)
        t.columns[i].ordinal = static_cast<int>(i + 1);
    std::string json = EncodeTableJson(t);
    json.insert(1, "\"big\": \"" + std::string(4 << 20, 'x') + "\", ");
    const MysqlTable back = DecodeTableJson(json);
    EXPECT_EQ(back.columns.size(), 50000u);
    EXPECT_EQ(back.columns.back().ordinal, 50000);
}

} // namespace
} // namespace chameleon::ddl
