// Decodes binlog files captured from MariaDB 10.11 (test/unit/data/binlog/capture.sh) and compares
// every decoded value with what the server returned for the same row by a SELECT.
#include "binlog_test_util.hpp"

#include "mysql/binlog/column_types.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

using namespace binlog_test;

namespace {

std::string Fixture(const std::string &name) {
    return FixtureDir() + "/" + name;
}

struct Decoded {
    std::vector<DecodedRow> rows;
    std::vector<TableMap> maps;
    Coordinates committed;
};

Decoded DecodeFile(const std::string &name, const DecodeOptions &opt = {}, ReaderOptions ro = {}) {
    FileSource src(Fixture(name));
    BinlogReader r(&src, ro);
    Coordinates start;
    start.file = name;
    r.SetStart(start);
    Decoded d;
    d.rows = DecodeAllRows(r, opt, &d.maps);
    d.committed = r.Committed();
    return d;
}

const TableMap *MapOf(const Decoded &d, const std::string &table) {
    for (const TableMap &m : d.maps)
        if (m.table == table)
            return &m;
    return nullptr;
}

// Index of the expected rows by their first column (the id).
std::map<std::string, std::vector<std::string>> ById(const Tsv &t) {
    std::map<std::string, std::vector<std::string>> m;
    for (const auto &row : t.rows)
        m[row[0]] = row;
    return m;
}

void ExpectImageEquals(const std::vector<std::string> &got, const std::vector<std::string> &want,
                       const TableMap &map, const std::string &what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_TRUE(SameAsSelect(got[i], want[i], map.columns[i]))
            << what << " column " << map.columns[i].name << ": decoded \"" << got[i] << "\", server \""
            << want[i] << "\"";
    }
}

// Every WRITE row equals the "ins" snapshot, every UPDATE before/after equals "ins"/"upd", every
// DELETE equals "upd" (rows matched by id); counts checked.
void CheckTableAgainstSnapshots(const Decoded &d, const std::string &scenario, const std::string &table) {
    SCOPED_TRACE(scenario + "." + table);
    Tsv ins = ReadTsv(Fixture(scenario + "." + table + ".ins.tsv"));
    Tsv upd = ReadTsv(Fixture(scenario + "." + table + ".upd.tsv"));
    ASSERT_FALSE(ins.rows.empty());
    const TableMap *map = MapOf(d, table);
    ASSERT_NE(map, nullptr);
    // Column names from the optional metadata are the server's.
    ASSERT_EQ(map->columns.size(), ins.header.size());
    for (size_t i = 0; i < ins.header.size(); ++i) {
        EXPECT_EQ(map->columns[i].name, ins.header[i]);
    }
    auto ins_by_id = ById(ins), upd_by_id = ById(upd);
    size_t writes = 0, updates = 0, deletes = 0;
    for (const DecodedRow &r : d.rows) {
        if (r.table != table)
            continue;
        if (r.kind == RowsKind::kWrite) {
            ++writes;
            ASSERT_TRUE(ins_by_id.count(r.after[0])) << "unexpected inserted id " << r.after[0];
            ExpectImageEquals(r.after, ins_by_id[r.after[0]], *map, "INSERT id " + r.after[0]);
        } else if (r.kind == RowsKind::kUpdate) {
            ++updates;
            ASSERT_TRUE(ins_by_id.count(r.before[0]));
            ASSERT_TRUE(upd_by_id.count(r.after[0]));
            ExpectImageEquals(r.before, ins_by_id[r.before[0]], *map, "UPDATE before id " + r.before[0]);
            ExpectImageEquals(r.after, upd_by_id[r.after[0]], *map, "UPDATE after id " + r.after[0]);
        } else if (r.kind == RowsKind::kDelete) {
            ++deletes;
            ASSERT_TRUE(upd_by_id.count(r.before[0]));
            ExpectImageEquals(r.before, upd_by_id[r.before[0]], *map, "DELETE id " + r.before[0]);
        }
    }
    EXPECT_EQ(writes, ins.rows.size());
    EXPECT_EQ(deletes, upd.rows.size());
    // The rotation changes every row whose values differ from its successor's; each was logged.
    size_t changed = 0;
    for (const auto &[id, row] : upd_by_id)
        if (ins_by_id[id] != row)
            ++changed;
    EXPECT_EQ(updates, changed);
    EXPECT_GT(updates, 0u);
}

const Decoded &Types() {
    static const Decoded d = DecodeFile("types.binlog");
    return d;
}

TEST(BinlogFixture, TypesEveryValueMatchesTheServer) {
    const Decoded &d = Types();
    for (const char *t :
         {"t_int", "t_decimal", "t_float", "t_bit", "t_date", "t_time", "t_datetime", "t_timestamp", "t_char",
          "t_charset", "t_blob", "t_enum", "t_json", "t_geo", "t_misc"})
        CheckTableAgainstSnapshots(d, "types", t);
}

TEST(BinlogFixture, TableWithoutPrimaryKeyMatchesAsMultiset) {
    const Decoded &d = Types();
    Tsv ins = ReadTsv(Fixture("types.t_nopk.ins.tsv"));
    Tsv upd = ReadTsv(Fixture("types.t_nopk.upd.tsv"));
    std::vector<std::vector<std::string>> writes, deletes, befores, afters;
    for (const DecodedRow &r : d.rows) {
        if (r.table != "t_nopk")
            continue;
        if (r.kind == RowsKind::kWrite)
            writes.push_back(r.after);
        if (r.kind == RowsKind::kDelete)
            deletes.push_back(r.before);
        if (r.kind == RowsKind::kUpdate) {
            befores.push_back(r.before);
            afters.push_back(r.after);
        }
    }
    auto sorted = [](std::vector<std::vector<std::string>> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    EXPECT_EQ(sorted(writes), sorted(ins.rows));
    EXPECT_EQ(sorted(deletes), sorted(upd.rows));
    std::vector<std::vector<std::string>> two_x = {{"1", "78"}, {"1", "78"}},
                                          two_y = {{"1", "79"}, {"1", "79"}};
    EXPECT_EQ(befores, two_x);
    EXPECT_EQ(afters, two_y);
}

TEST(BinlogFixture, TypedValuesOfTheFastPath) {
    FileSource src(Fixture("types.binlog"));
    BinlogReader r(&src);
    RowDecoder dec;
    RowImage before, after;
    bool seen_int = false, seen_enum = false, seen_date = false, seen_char = false, seen_ts = false;
    while (r.Next()) {
        if (!r.IsRows() || r.Rows().kind != RowsKind::kWrite)
            continue;
        r.BeginRows(&dec);
        const TableMap &m = *r.CurrentTableMap();
        while (dec.Next(&before, &after)) {
            const Value &id = after[0];
            if (m.table == "t_int" && id.i == 2) {
                seen_int = true;
                EXPECT_EQ(after[1].kind, ValueKind::kInt);
                EXPECT_EQ(after[1].i, 127);
                EXPECT_EQ(after[2].kind, ValueKind::kUInt);
                EXPECT_EQ(after[2].u, 255u);
                EXPECT_EQ(after[9].kind, ValueKind::kInt);
                EXPECT_EQ(after[9].i, INT64_MAX);
                EXPECT_EQ(after[10].kind, ValueKind::kUInt);
                EXPECT_EQ(after[10].u, UINT64_MAX);
            }
            if (m.table == "t_int" && id.i == 1) {
                EXPECT_EQ(after[5].i, -8388608); // MEDIUMINT sign extension
                EXPECT_EQ(after[9].i, INT64_MIN);
            }
            if (m.table == "t_enum" && id.i == 3) {
                seen_enum = true;
                EXPECT_EQ(after[1].kind, ValueKind::kEnum);
                EXPECT_EQ(after[1].u, 0u);   // the '' error value
                EXPECT_EQ(after[2].u, 256u); // two-byte ENUM
                EXPECT_EQ(after[3].kind, ValueKind::kSet);
                EXPECT_EQ(after[3].u, 7u);
            }
            if (m.table == "t_date" && id.i == 1) {
                seen_date = true;
                EXPECT_EQ(after[1].kind, ValueKind::kYear);
                EXPECT_EQ(after[1].i, 0);
                EXPECT_EQ(after[2].kind, ValueKind::kDate);
                EXPECT_EQ(after[2].flags, value_flag::kZeroDate);
            }
            if (m.table == "t_date" && id.i == 4) {
                EXPECT_EQ(after[2].flags, value_flag::kPartialDate);
            }
            if (m.table == "t_date" && id.i == 7) {
                EXPECT_EQ(after[2].flags, 0);
            }
            if (m.table == "t_timestamp" && id.i == 3) {
                seen_ts = true;
                for (int c = 1; c <= 7; ++c) {
                    EXPECT_EQ(after[c].flags, value_flag::kZeroDate);
                }
            }
            if (m.table == "t_timestamp" && id.i == 1) {
                EXPECT_EQ(after[7].timestamp.seconds, 1);
                EXPECT_EQ(after[7].timestamp.microsecond, 1u);
            }
            if (m.table == "t_datetime" && id.i == 3) {
                EXPECT_EQ(after[7].flags, value_flag::kZeroDate);
            }
            if (m.table == "t_char" && id.i == 1) {
                seen_char = true;
                EXPECT_EQ(after[1].kind, ValueKind::kString);
                EXPECT_EQ(after[1].View(), "abc"); // CHAR trailing spaces are not kept by MySQL
                EXPECT_EQ(after[10].kind, ValueKind::kBytes);
                EXPECT_EQ(after[10].View(), std::string("\x01\x02\x03\0\0\0\0\0", 8)); // BINARY(8) re-padded
                // The emoji arrives as the same 4 UTF-8 bytes.
                EXPECT_EQ(after[4].View(), "\xF0\x9F\x98\x80");
            }
        }
    }
    EXPECT_TRUE(seen_int && seen_enum && seen_date && seen_char && seen_ts);
}

TEST(BinlogFixture, TableMapMetadata) {
    const Decoded &d = Types();
    const TableMap *ints = MapOf(d, "t_int");
    ASSERT_NE(ints, nullptr);
    EXPECT_EQ(ints->schema, "ty");
    EXPECT_TRUE(ints->has_signedness);
    EXPECT_EQ(ints->columns[1].signedness, Signedness::kSigned);
    EXPECT_EQ(ints->columns[2].signedness, Signedness::kUnsigned);
    EXPECT_EQ(ints->primary_key, std::vector<uint32_t>{0});
    EXPECT_TRUE(ints->columns[0].in_primary_key);
    EXPECT_FALSE(ints->columns[0].nullable);
    EXPECT_TRUE(ints->columns[1].nullable);

    const TableMap *en = MapOf(d, "t_enum");
    ASSERT_NE(en, nullptr);
    EXPECT_EQ(en->columns[1].enum_values, (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(en->columns[2].enum_values.size(), 300u);
    EXPECT_EQ(en->columns[2].op, ColumnOp::kEnum2);
    EXPECT_EQ(en->columns[5].enum_values.size(), 64u);
    EXPECT_EQ(en->columns[5].length, 8u);
    // latin1 ENUM strings converted to UTF-8.
    EXPECT_EQ(en->columns[6].enum_values, (std::vector<std::string>{"\xC3\xA9", "\xC3\xBC"}));

    const TableMap *ch = MapOf(d, "t_char");
    ASSERT_NE(ch, nullptr);
    EXPECT_EQ(ch->columns[1].charset, Charset::kUtf8mb4);
    EXPECT_EQ(ch->columns[1].char_length, 10u);
    EXPECT_EQ(ch->columns[2].length, 1020u); // CHAR(255) utf8mb4: length folded into the type byte
    EXPECT_EQ(ch->columns[2].op, ColumnOp::kFixedLen2);
    EXPECT_EQ(ch->columns[3].op, ColumnOp::kVarLen2);
    EXPECT_EQ(ch->columns[4].op, ColumnOp::kVarLen1);
    EXPECT_EQ(ch->columns[5].charset, Charset::kLatin1);
    EXPECT_EQ(ch->columns[7].charset, Charset::kUtf8mb3);
    EXPECT_EQ(ch->columns[8].charset, Charset::kAscii);
    EXPECT_EQ(ch->columns[10].charset, Charset::kBinary);

    const TableMap *geo = MapOf(d, "t_geo");
    ASSERT_NE(geo, nullptr);
    EXPECT_EQ(geo->columns[1].type, column_type::kGeometry);
    EXPECT_EQ(geo->columns[2].geometry_type, 1u); // POINT
    EXPECT_EQ(geo->columns[3].geometry_type, 2u); // LINESTRING

    const TableMap *dec = MapOf(d, "t_decimal");
    ASSERT_NE(dec, nullptr);
    EXPECT_EQ(dec->columns[1].precision, 65);
    EXPECT_EQ(dec->columns[1].scale, 30);
    EXPECT_EQ(dec->columns[8].signedness, Signedness::kUnsigned);

    const TableMap *tm = MapOf(d, "t_time");
    ASSERT_NE(tm, nullptr);
    for (int i = 1; i <= 7; ++i) {
        EXPECT_EQ(tm->columns[i].fsp, i - 1);
    }
}

TEST(BinlogFixture, PadCharOption) {
    DecodeOptions opt;
    opt.pad_char = true;
    FileSource src(Fixture("types.binlog"));
    BinlogReader r(&src);
    RowDecoder dec(opt);
    RowImage before, after;
    int checked = 0;
    while (r.Next()) {
        if (!r.IsRows() || r.Rows().kind != RowsKind::kWrite || r.CurrentTableMap()->table != "t_char")
            continue;
        r.BeginRows(&dec);
        while (dec.Next(&before, &after)) {
            if (after[0].i == 1) {
                EXPECT_EQ(after[1].View(), "abc       ");
                EXPECT_EQ(after[6].View(),
                          "caf\xC3\xA9      "); // latin1 CHAR(10): 10 characters after conversion
                ++checked;
            }
            if (after[0].i == 5) {
                // CHAR(10) utf8mb4 '中文字符': 4 characters + 6 spaces.
                EXPECT_EQ(after[1].View(), "\xE4\xB8\xAD\xE6\x96\x87\xE5\xAD\x97\xE7\xAC\xA6      ");
                ++checked;
            }
        }
    }
    EXPECT_EQ(checked, 2);
}

// MINIMAL: the before image has only the key, the after image only the changed columns.
TEST(BinlogFixture, MinimalRowImage) {
    Decoded d = DecodeFile("image_minimal.binlog");
    std::vector<const DecodedRow *> pk;
    for (const DecodedRow &r : d.rows)
        if (r.table == "pk")
            pk.push_back(&r);
    ASSERT_EQ(pk.size(), 3u + 3u + 3u);
    const std::string A = "<absent>";
    // INSERT INTO pk (id, c): only the given columns are logged.
    EXPECT_EQ(pk[2]->after, (std::vector<std::string>{"3", A, A, "6F6E6C792063"}));
    // UPDATE pk SET c = 'c1x' WHERE id = 1
    EXPECT_EQ(pk[3]->before, (std::vector<std::string>{"1", A, A, A}));
    EXPECT_EQ(pk[3]->after, (std::vector<std::string>{A, A, A, "633178"}));
    // UPDATE pk SET b = ... WHERE id = 2
    EXPECT_EQ(pk[4]->before, (std::vector<std::string>{"2", A, A, A}));
    EXPECT_EQ(pk[4]->after, (std::vector<std::string>{A, A, "626C6F622074776F206368616E676564", A}));
    // UPDATE pk SET a = NULL WHERE id = 1: NULL is present, not absent.
    EXPECT_EQ(pk[5]->before, (std::vector<std::string>{"1", A, A, A}));
    EXPECT_EQ(pk[5]->after, (std::vector<std::string>{A, "NULL", A, A}));
    EXPECT_EQ(pk[5]->after_kinds[1], ValueKind::kNull);
    EXPECT_EQ(pk[5]->after_kinds[0], ValueKind::kAbsent);
    for (int i = 6; i < 9; ++i) {
        EXPECT_EQ(pk[i]->before, (std::vector<std::string>{std::to_string(i - 5), A, A, A}));
        EXPECT_EQ(pk[i]->kind, RowsKind::kDelete);
    }
    // Present values equal the server's.
    Tsv upd = ReadTsv(Fixture("image_minimal.pk.upd.tsv"));
    EXPECT_EQ(upd.rows[0], (std::vector<std::string>{"1", "NULL", "626C6F62206F6E65", "633178"}));
    EXPECT_EQ(upd.rows[1][2], "626C6F622074776F206368616E676564");
    // A table without a primary key logs the full before image even with MINIMAL.
    int nopk_updates = 0;
    for (const DecodedRow &r : d.rows) {
        if (r.table == "nopk" && r.kind == RowsKind::kUpdate) {
            ++nopk_updates;
            EXPECT_EQ(r.before, (std::vector<std::string>{"1", "78", "79"}));
            EXPECT_EQ(r.after, (std::vector<std::string>{"1", "78", "7A"}));
        }
    }
    EXPECT_EQ(nopk_updates, 1);
}

// NOBLOB: unchanged BLOB/TEXT columns are absent; everything else present.
TEST(BinlogFixture, NoblobRowImage) {
    Decoded d = DecodeFile("image_noblob.binlog");
    std::vector<const DecodedRow *> pk;
    for (const DecodedRow &r : d.rows)
        if (r.table == "pk")
            pk.push_back(&r);
    ASSERT_EQ(pk.size(), 9u);
    const std::string A = "<absent>";
    EXPECT_EQ(pk[2]->after, (std::vector<std::string>{"3", "NULL", A, "6F6E6C792063"}));
    EXPECT_EQ(pk[3]->before, (std::vector<std::string>{"1", "10", A, "6331"}));
    EXPECT_EQ(pk[3]->after, (std::vector<std::string>{"1", "10", A, "633178"}));
    EXPECT_EQ(pk[4]->before, (std::vector<std::string>{"2", "20", A, "6332"}));
    EXPECT_EQ(pk[4]->after,
              (std::vector<std::string>{"2", "20", "626C6F622074776F206368616E676564", "6332"}));
    EXPECT_EQ(pk[5]->before, (std::vector<std::string>{"1", "10", A, "633178"}));
    EXPECT_EQ(pk[5]->after, (std::vector<std::string>{"1", "NULL", A, "633178"}));
    Tsv upd = ReadTsv(Fixture("image_noblob.pk.upd.tsv"));
    // Every present value of the deletes equals the server's row.
    for (int i = 6; i < 9; ++i) {
        ASSERT_EQ(pk[i]->kind, RowsKind::kDelete);
        EXPECT_EQ(pk[i]->before[2], A);
        for (size_t c = 0; c < 4; ++c) {
            if (pk[i]->before[c] != A) {
                EXPECT_EQ(pk[i]->before[c], upd.rows[i - 6][c]);
            }
        }
    }
}

TEST(BinlogFixture, CompressedEvents) {
    Decoded d = DecodeFile("compressed.binlog");
    std::map<uint8_t, int> types;
    for (const DecodedRow &r : d.rows)
        types[r.event_type]++;
    EXPECT_EQ(types[event_type::kMariaWriteRowsCompressedV1], 3);
    EXPECT_EQ(types[event_type::kMariaUpdateRowsCompressedV1], 2);
    EXPECT_EQ(types[event_type::kMariaDeleteRowsCompressedV1], 3);
    CheckTableAgainstSnapshots(d, "compressed", "t");
    // The DDL arrived as QUERY_COMPRESSED_EVENT and was decompressed.
    FileSource src(Fixture("compressed.binlog"));
    BinlogReader r(&src);
    bool saw = false;
    while (r.Next())
        if (r.Type() == event_type::kMariaQueryCompressed) {
            saw = true;
            EXPECT_EQ(r.Query().query,
                      "CREATE TABLE t (id INT PRIMARY KEY, txt TEXT, v VARCHAR(100), n BIGINT)");
            EXPECT_EQ(r.Query().db, "cz");
        }
    EXPECT_TRUE(saw);
}

// A damaged zlib stream inside a MariaDB compressed event is a corrupt_event error that names the
// event and its position; with checksums verified the CRC32 catches it first.
TEST(BinlogFixture, CompressedEventDamageNamesTheEvent) {
    std::vector<uint8_t> image = ReadWholeFile(Fixture("compressed.binlog"));
    for (uint8_t type : {event_type::kMariaQueryCompressed, event_type::kMariaWriteRowsCompressedV1}) {
        uint64_t start = 0;
        size_t size = 0;
        bool has_checksum = false;
        {
            BufferSource src(image.data(), image.size());
            BinlogReader r(&src);
            while (r.Next())
                if (r.Type() == type) {
                    start = r.Current().StartPos();
                    size = r.Current().size;
                    has_checksum = r.Current().has_checksum;
                    break;
                }
        }
        ASSERT_GT(start, 0u) << int(type);
        std::vector<uint8_t> damaged = image;
        // The last byte of the Adler-32 trailer, which ends the event body.
        damaged[start + size - (has_checksum ? 4 : 0) - 1] ^= 0x01;
        BufferSource src(damaged.data(), damaged.size());
        ReaderOptions ro;
        ro.verify_checksum = false;
        BinlogReader r(&src, ro);
        Coordinates at;
        at.file = "compressed.binlog";
        r.SetStart(at);
        try {
            while (r.Next()) {
            }
            FAIL() << "damage not detected in event type " << int(type);
        } catch (const BinlogError &e) {
            EXPECT_EQ(e.Code(), BinlogErrc::kCorruptEvent);
            EXPECT_EQ(std::string(e.what()), std::string("compressed event data: Adler-32 mismatch [") +
                                                 EventTypeName(type) +
                                                 " at compressed.binlog:" + std::to_string(start) + "]");
        }
    }
}

TEST(BinlogFixture, ChecksumOff) {
    Decoded d = DecodeFile("nochecksum.binlog");
    CheckTableAgainstSnapshots(d, "nochecksum", "t");
    FileSource src(Fixture("nochecksum.binlog"));
    BinlogReader r(&src);
    ASSERT_TRUE(r.Next());
    EXPECT_EQ(r.Type(), event_type::kFormatDescription);
    EXPECT_EQ(r.Fde().checksum, ChecksumAlg::kOff);
    EXPECT_TRUE(r.Fde().mariadb);
    ASSERT_TRUE(r.Next());
    EXPECT_FALSE(r.Current().has_checksum);
}

TEST(BinlogFixture, ChecksumOnEveryEvent) {
    FileSource src(Fixture("types.binlog"));
    BinlogReader r(&src);
    int n = 0;
    while (r.Next()) {
        EXPECT_TRUE(r.Current().has_checksum) << EventTypeName(r.Type());
        ++n;
    }
    EXPECT_GT(n, 200);
}

TEST(BinlogFixture, CorruptedByteIsCaughtByTheChecksum) {
    std::vector<uint8_t> image = ReadWholeFile(Fixture("types.binlog"));
    // Flip one byte inside the first WRITE_ROWS event's row data.
    BufferSource scan(image.data(), image.size());
    const uint8_t *p;
    size_t n;
    size_t offset = 4;
    while (scan.NextRaw(&p, &n)) {
        if (p[4] == event_type::kWriteRowsV1)
            break;
        offset += n;
    }
    image[offset + n - 8] ^= 0x01;
    BufferSource src(image.data(), image.size());
    BinlogReader r(&src);
    try {
        while (r.Next()) {
        }
        FAIL() << "corruption not detected";
    } catch (const BinlogError &e) {
        EXPECT_EQ(e.Code(), BinlogErrc::kChecksumMismatch);
        EXPECT_STREQ(e.SqlState(), "XX001");
        EXPECT_NE(std::string(e.what()).find("WRITE_ROWS_EVENT_V1 ending at log_pos " +
                                             std::to_string(offset + n) + " fails its CRC32 check"),
                  std::string::npos)
            << e.what();
    }
    // Without verification the reader goes on (the damaged value is inside a row).
    BufferSource src2(image.data(), image.size());
    ReaderOptions ro;
    ro.verify_checksum = false;
    BinlogReader r2(&src2, ro);
    int events = 0;
    while (r2.Next())
        ++events;
    EXPECT_GT(events, 200);
}

TEST(BinlogFixture, TruncatedFileIsAnError) {
    std::vector<uint8_t> image = ReadWholeFile(Fixture("nochecksum.binlog"));
    image.resize(image.size() - 10);
    BufferSource src(image.data(), image.size());
    BinlogReader r(&src);
    try {
        while (r.Next()) {
        }
        FAIL() << "truncation not detected";
    } catch (const BinlogError &e) {
        EXPECT_EQ(e.Code(), BinlogErrc::kCorruptEvent);
        EXPECT_NE(std::string(e.what()).find("is truncated"), std::string::npos) << e.what();
    }
}

TEST(BinlogFixture, StatementBasedDmlIsRejected) {
    FileSource src(Fixture("statement.binlog"));
    BinlogReader r(&src);
    Coordinates start;
    start.file = "statement.binlog";
    r.SetStart(start);
    try {
        while (r.Next()) {
        }
        FAIL() << "statement DML not rejected";
    } catch (const BinlogError &e) {
        EXPECT_EQ(e.Code(), BinlogErrc::kStatementDml);
        EXPECT_EQ(std::string(e.what()), "statement-based DML in the binlog: \"INSERT INTO t VALUES (1)\" "
                                         "[QUERY_EVENT at statement.binlog:797]");
        EXPECT_EQ(e.Hint(),
                  "set binlog_format=ROW on the source (globally, and for every session that writes) and "
                  "resynchronise the affected tables");
    }
    // Allowed explicitly, the statement is delivered as a query.
    FileSource src2(Fixture("statement.binlog"));
    ReaderOptions ro;
    ro.reject_statement_dml = false;
    BinlogReader r2(&src2, ro);
    std::string last_query;
    while (r2.Next())
        if (r2.Type() == event_type::kQuery)
            last_query = std::string(r2.Query().query);
    EXPECT_EQ(last_query, "INSERT INTO t VALUES (1)");
}

TEST(BinlogFixture, LegacyTemporalFormat) {
    // Default: a clear error naming the column.
    try {
        DecodeFile("legacy.binlog");
        FAIL() << "legacy temporal column decoded";
    } catch (const BinlogError &e) {
        EXPECT_EQ(e.Code(), BinlogErrc::kUnsupported);
        EXPECT_EQ(
            std::string(e.what()),
            "cannot decode column `dt` of `lg`.`leg0`: column uses the pre-MySQL-5.6 temporal format (binlog "
            "type DATETIME), whose length depends on fractional digits the binlog does not record");
    }
    // A schema hint saying the columns have no fractions lets leg0 decode; leg3 (DATETIME(3)) stays an error.
    ReaderOptions ro;
    ro.on_table_map = [](TableMap *m) {
        std::vector<ColumnHint> hints(m->columns.size());
        for (size_t i = 1; i < m->columns.size(); ++i)
            hints[i].fsp = static_cast<uint8_t>(m->table == "leg3" ? 3 : 0);
        ApplyColumnHints(m, hints);
    };
    FileSource src(Fixture("legacy.binlog"));
    BinlogReader r(&src, ro);
    RowDecoder dec;
    RowImage before, after;
    Tsv ins = ReadTsv(Fixture("legacy.leg0.ins.tsv"));
    size_t matched = 0;
    try {
        while (r.Next()) {
            if (!r.IsRows())
                continue;
            r.BeginRows(&dec);
            const TableMap &m = *r.CurrentTableMap();
            while (dec.Next(&before, &after)) {
                ASSERT_EQ(m.table, "leg0");
                auto row = ins.rows[matched++];
                for (size_t c = 0; c < row.size(); ++c) {
                    EXPECT_EQ(RenderLikeSelect(after[c], m.columns[c]), row[c]);
                }
            }
        }
        FAIL() << "leg3 decoded";
    } catch (const BinlogError &e) {
        EXPECT_EQ(e.Code(), BinlogErrc::kUnsupported);
        EXPECT_EQ(
            std::string(e.what()),
            "cannot decode column `dt` of `lg`.`leg3`: column uses MariaDB's pre-10.1 temporal format with 3 "
            "fractional digits, which the binlog cannot describe; rebuild the table with "
            "mysql56_temporal_format=ON (ALTER TABLE ... FORCE)");
    }
    EXPECT_EQ(matched, 2u);
}

TEST(BinlogFixture, MetadataMinimalHasNoNamesButSignednessAndCharsets) {
    Decoded d = DecodeFile("metadata_minimal.binlog");
    const TableMap *m = MapOf(d, "t");
    ASSERT_NE(m, nullptr);
    EXPECT_FALSE(m->has_column_names);
    EXPECT_TRUE(m->has_signedness);
    EXPECT_EQ(m->columns[0].signedness, Signedness::kUnsigned);
    EXPECT_EQ(m->columns[1].charset, Charset::kLatin1);
    Tsv ins = ReadTsv(Fixture("metadata_minimal.t.ins.tsv"));
    ASSERT_EQ(d.rows.size(), 2u);
    // The ENUM has no names in MINIMAL metadata: index only (checked against the server's text).
    EXPECT_EQ(d.rows[0].after, (std::vector<std::string>{"4294967295", "C3A9", "#2", "-2"}));
    EXPECT_EQ(ins.rows[1], (std::vector<std::string>{"4294967295", "C3A9", "y", "-2"}));
}

TEST(BinlogFixture, MetadataNoLogNeedsSchemaHints) {
    // Without any metadata the text column cannot be decoded...
    try {
        DecodeFile("metadata_no_log.binlog");
        FAIL();
    } catch (const BinlogError &e) {
        EXPECT_EQ(std::string(e.what()),
                  "cannot decode column #2 of `md_no_log`.`t`: the charset of this text column "
                  "is unknown (no binlog_row_metadata and no schema hint)");
    }
    // ... and integers would be read as signed. With hints from information_schema it decodes exactly.
    ReaderOptions ro;
    ro.on_table_map = [](TableMap *m) {
        std::vector<ColumnHint> h(4);
        h[0].name = "id";
        h[0].is_unsigned = true;
        h[1].name = "l";
        h[1].collation = 8; // latin1_swedish_ci
        h[2].name = "e";
        h[2].enum_values = std::vector<std::string>{"x", "y"};
        h[3].name = "s";
        h[3].is_unsigned = false;
        ApplyColumnHints(m, h);
    };
    Decoded d = DecodeFile("metadata_no_log.binlog", {}, ro);
    Tsv ins = ReadTsv(Fixture("metadata_no_log.t.ins.tsv"));
    ASSERT_EQ(d.rows.size(), 2u);
    EXPECT_EQ(d.rows[0].after, ins.rows[1]);
    EXPECT_EQ(d.rows[1].after, ins.rows[0]);
}

TEST(BinlogFixture, PositionsAndGtidsAfterCommits) {
    // The restart point is the end of the last committed transaction with its GTID.
    std::vector<uint8_t> image = ReadWholeFile(Fixture("types.binlog"));
    FileSource src(Fixture("types.binlog"));
    BinlogReader r(&src);
    Coordinates start;
    start.file = "types.binlog";
    r.SetStart(start);
    uint64_t last_xid_end = 0;
    size_t rotate_size = 0;
    std::string last_gtid;
    while (r.Next()) {
        if (r.Type() == event_type::kRotate) {
            rotate_size = r.Current().size;
            // The file ends with a ROTATE after the last commit: the restart point moves to the next file.
            EXPECT_EQ(r.Committed().file, r.Rotate().next_file);
            EXPECT_EQ(r.Committed().pos, 4u);
        }
        if (r.Type() == event_type::kMariaGtid)
            last_gtid = r.MariaGtidEv().gtid.ToString();
        if (r.IsCommit()) {
            EXPECT_FALSE(r.InTransaction());
            EXPECT_EQ(r.Committed().pos, r.Current().header.log_pos);
            EXPECT_EQ(r.Committed().maria_gtid.ToString(), last_gtid);
            last_xid_end = r.Current().header.log_pos;
        }
        if (r.IsRows()) {
            EXPECT_TRUE(r.InTransaction());
        }
    }
    EXPECT_EQ(last_xid_end + rotate_size, image.size());
}

} // namespace
