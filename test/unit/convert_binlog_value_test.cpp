// Binlog values → the PostgreSQL input text replication stores: the same text the initial copy
// produces from MySQL's text protocol for the same value (convert/binlog_value.hpp), and the
// ordering of binlog coordinates (mysql/binlog/position.hpp).
#include "common/error.hpp"
#include "convert/binlog_value.hpp"
#include "ddl/type_map.hpp"
#include "mysql/binlog/position.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

namespace chameleon::convert {

namespace {

using mysql::binlog::ColumnInfo;
using mysql::binlog::Value;
using mysql::binlog::ValueKind;

ReplicatedColumn Column(const std::string &data_type, const std::string &column_type, bool not_null = false,
                        ddl::TypeMapOptions options = {}) {
    ddl::MysqlColumn c;
    c.name = "c";
    c.data_type = data_type;
    c.column_type = column_type;
    c.nullable = !not_null;
    if (data_type == "bit")
        c.numeric_precision = std::stoi(column_type.substr(4));
    ReplicatedColumn r;
    r.mapped = ddl::MapColumn(c, "db", "t", {}, options);
    r.spec = ValueSpec::Of(r.mapped);
    if (data_type == "enum" || data_type == "set")
        r.labels = ddl::ParseEnumLabels(column_type);
    return r;
}

// The stored text of a value, "<NULL>" for SQL NULL, "<ABSENT>" when not in the image.
std::string Stored(const Value &v, const ReplicatedColumn &column, ColumnInfo info = {}) {
    std::string out, scratch, problem;
    switch (AppendReplicatedValue(out, scratch, v, info, column, &problem)) {
        case BinlogValueStatus::kOk:
            return out;
        case BinlogValueStatus::kStripped:
            return "<STRIPPED>" + out;
        case BinlogValueStatus::kNull:
            return "<NULL>";
        case BinlogValueStatus::kAbsent:
            return "<ABSENT>";
        default:
            return "ERR " + problem;
    }
}

Value Int(int64_t i) {
    Value v;
    v.kind = ValueKind::kInt;
    v.i = i;
    return v;
}

Value UInt(uint64_t u, ValueKind kind = ValueKind::kUInt) {
    Value v;
    v.kind = kind;
    v.u = u;
    return v;
}

Value Bytes(const std::string &s, ValueKind kind) {
    static std::vector<std::string> keep;
    keep.push_back(s);
    Value v;
    v.kind = kind;
    v.data = reinterpret_cast<const uint8_t *>(keep.back().data());
    v.size = static_cast<uint32_t>(keep.back().size());
    return v;
}

TEST(ConvertBinlogValue, NumbersAsTheCopyReadsThem) {
    EXPECT_EQ(Stored(Int(-128), Column("tinyint", "tinyint(4)")), "-128");
    EXPECT_EQ(Stored(UInt(18446744073709551615ULL), Column("bigint", "bigint(20) unsigned")),
              "18446744073709551615");
    Value f;
    f.kind = ValueKind::kFloat;
    f.f = 3.1415927f;
    // The shortest text that reads back as the same float (real keeps every bit).
    EXPECT_EQ(Stored(f, Column("float", "float")), "3.1415927");
    Value d;
    d.kind = ValueKind::kDouble;
    d.d = -2.5e-3;
    EXPECT_EQ(Stored(d, Column("double", "double")), "-0.0025");
    Value y;
    y.kind = ValueKind::kYear;
    y.i = 0;
    EXPECT_EQ(Stored(y, Column("year", "year(4)")), "0000");
}

TEST(ConvertBinlogValue, TemporalValuesAndZeroDates) {
    Value date;
    date.kind = ValueKind::kDate;
    date.date = {2024, 2, 29};
    EXPECT_EQ(Stored(date, Column("date", "date")), "2024-02-29");
    Value zero;
    zero.kind = ValueKind::kDate;
    zero.date = {0, 0, 0};
    zero.flags = mysql::binlog::value_flag::kZeroDate;
    EXPECT_EQ(Stored(zero, Column("date", "date")), "<NULL>");
    EXPECT_EQ(Stored(zero, Column("date", "date", true)), "-infinity");
    Value ts;
    ts.kind = ValueKind::kTimestamp;
    ts.timestamp = {2147483647, 999999};
    ts.fsp = 6;
    EXPECT_EQ(Stored(ts, Column("timestamp", "timestamp(6)")), "2038-01-19 03:14:07.999999+00");
    Value zts;
    zts.kind = ValueKind::kTimestamp;
    zts.flags = mysql::binlog::value_flag::kZeroDate;
    EXPECT_EQ(Stored(zts, Column("timestamp", "timestamp")), "<NULL>");
    Value t;
    t.kind = ValueKind::kTime;
    t.time = {true, 59, 59, 838, 0};
    EXPECT_EQ(Stored(t, Column("time", "time")), "-838:59:59");
}

TEST(ConvertBinlogValue, StringsBytesBitsEnumsAndSets) {
    EXPECT_EQ(Stored(Bytes("h\xc3\xa9llo", ValueKind::kString), Column("varchar", "varchar(10)")),
              "h\xc3\xa9llo");
    EXPECT_EQ(Stored(Bytes(std::string("\x00\xff", 2), ValueKind::kBytes), Column("blob", "blob")),
              "\\x00ff");
    EXPECT_EQ(Stored(Bytes(std::string("a\0b", 3), ValueKind::kString), Column("text", "text")).substr(0, 9),
              "ERR a NUL");
    ddl::TypeMapOptions strip;
    strip.strip_nul_bytes = true; // nul_bytes: strip, as the copy
    EXPECT_EQ(
        Stored(Bytes(std::string("a\0b\0", 4), ValueKind::kString), Column("text", "text", false, strip)),
        "<STRIPPED>ab");
    EXPECT_EQ(Stored(Bytes("ab", ValueKind::kString), Column("text", "text", false, strip)), "ab");
    EXPECT_EQ(Stored(Bytes(std::string("\0", 1), ValueKind::kBytes), Column("blob", "blob", false, strip)),
              "\\x00");
    ColumnInfo bit;
    bit.bits = 5;
    EXPECT_EQ(Stored(UInt(0x15, ValueKind::kBit), Column("bit", "bit(5)"), bit), "10101");
    EXPECT_EQ(Stored(UInt(2, ValueKind::kEnum), Column("enum", "enum('a','b','c')")), "b");
    EXPECT_EQ(Stored(UInt(0, ValueKind::kEnum), Column("enum", "enum('a','b')")), "");
    EXPECT_EQ(Stored(UInt(5, ValueKind::kSet), Column("set", "set('x','y','z')")), "{\"x\",\"z\"}");
    EXPECT_EQ(Stored(UInt(0, ValueKind::kSet), Column("set", "set('x','y','z')")), "{}");
    // Labels from the table map win over information_schema's (binlog_row_metadata=FULL).
    ColumnInfo labelled;
    labelled.enum_values = {"p", "q"};
    EXPECT_EQ(Stored(UInt(2, ValueKind::kEnum), Column("enum", "enum('a','b')"), labelled), "q");
    EXPECT_THROW(Stored(UInt(7, ValueKind::kEnum), Column("enum", "enum('a','b')")), Error);
    Value absent;
    EXPECT_EQ(Stored(absent, Column("int", "int(11)")), "<ABSENT>");
    Value null;
    null.kind = ValueKind::kNull;
    EXPECT_EQ(Stored(null, Column("int", "int(11)")), "<NULL>");
}

TEST(ConvertBinlogValue, MariaDbUuid) {
    // Row images carry the bytes in text order (checked against MariaDB 10.11 by 041_replica_types).
    const uint8_t v1[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                            0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    EXPECT_EQ(MariaDbUuidText(v1), "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
    ReplicatedColumn c = Column("uuid", "uuid");
    c.mariadb_uuid = true;
    EXPECT_EQ(Stored(Bytes(std::string(reinterpret_cast<const char *>(v1), 16), ValueKind::kString), c),
              "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
}

TEST(BinlogPosition, FilesOrderedBySequenceThenPosition) {
    using mysql::binlog::CompareBinlogPositions;
    EXPECT_LT(CompareBinlogPositions("mariadb-bin.000009", 900, "mariadb-bin.000010", 4), 0);
    EXPECT_GT(CompareBinlogPositions("mariadb-bin.000010", 4, "mariadb-bin.000009", 900), 0);
    EXPECT_EQ(CompareBinlogPositions("mariadb-bin.000010", 4, "mariadb-bin.000010", 4), 0);
    EXPECT_LT(CompareBinlogPositions("mariadb-bin.000010", 4, "mariadb-bin.000010", 5), 0);
    EXPECT_EQ(mysql::binlog::BinlogFileSequence("mysql-bin.1000000"), 1000000u);
    EXPECT_EQ(mysql::binlog::BinlogFileSequence("nodot"), 0u);
}

} // namespace

} // namespace chameleon::convert
