// Unit tests of the binlog layer on hand-built inputs written from the format documentation:
// checksums, zlib, GTIDs, DECIMAL, temporal text, MySQL binary JSON, MySQL-only events
// (TRANSACTION_PAYLOAD, GTID, rows v2, PARTIAL_UPDATE_ROWS, HEARTBEAT_V2), error paths.
#include "binlog_test_util.hpp"

#include "mysql/binlog/charset.hpp"
#include "mysql/binlog/client.hpp"
#include "mysql/binlog/inflate.hpp"
#include "mysql/binlog/json_binary.hpp"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

using namespace binlog_test;

namespace {

std::vector<uint8_t> Bytes(const char *s, size_t n) {
    return std::vector<uint8_t>(s, s + n);
}
#define BYTES(lit) Bytes(lit, sizeof(lit) - 1)

std::string Json(const std::vector<uint8_t> &b) {
    std::string s;
    JsonBinaryToText(b.data(), b.size(), &s);
    return s;
}

std::string Dec(const std::vector<uint8_t> &b, int p, int s) {
    std::string out;
    DecimalToString(b.data(), b.size(), p, s, &out);
    return out;
}

#define EXPECT_PREFIX(value, prefix)                                                                         \
    do {                                                                                                     \
        std::string v_ = (value);                                                                            \
        EXPECT_TRUE(StartsWith(v_, prefix)) << v_;                                                           \
    } while (0)

bool StartsWith(const std::string &s, const std::string &prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

template <typename F>
std::string ErrorOf(F f) {
    try {
        f();
    } catch (const BinlogError &e) {
        return std::string(BinlogErrcName(e.Code())) + ": " + e.what();
    }
    return "no error";
}

// ---------------------------------------------------------------- checksums, zlib

TEST(BinlogUnit, Crc32KnownVectors) {
    const char *s = "123456789";
    EXPECT_EQ(Crc32(0, reinterpret_cast<const uint8_t *>(s), 9), 0xCBF43926u);
    EXPECT_EQ(Crc32(0, nullptr, 0), 0u);
    // Incremental == one shot, across the 8-byte fast path and unaligned starts.
    std::vector<uint8_t> data(1000);
    for (size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<uint8_t>(i * 31 + 7);
    uint32_t whole = Crc32(0, data.data(), data.size());
    for (size_t cut : {1u, 3u, 8u, 13u, 500u, 999u}) {
        EXPECT_EQ(Crc32(Crc32(0, data.data(), cut), data.data() + cut, data.size() - cut), whole);
    }
}

// zlib's own compress2(), for streams larger than the hand-built ones.
std::vector<uint8_t> Deflate(const std::vector<uint8_t> &in, int level = 6) {
    uLongf n = compressBound(in.size());
    std::vector<uint8_t> z(n);
    EXPECT_EQ(compress2(z.data(), &n, in.data(), in.size(), level), Z_OK);
    z.resize(n);
    return z;
}

std::vector<uint8_t> Pattern(size_t n) {
    std::vector<uint8_t> v(n);
    uint32_t x = 12345;
    for (size_t i = 0; i < n; ++i) {
        x = x * 1103515245u + 12345u;
        v[i] = static_cast<uint8_t>("abcdefgh \n"[(x >> 16) % 10]);
    }
    return v;
}

TEST(BinlogUnit, ZlibFixedStoredAndDynamicBlocks) {
    std::vector<uint8_t> out;
    auto fixed = BYTES("\x78\xda\xcb\x48\xcd\xc9\xc9\x57\xc8\xc0\x47\x02\x00\xeb\x55\x0d\x19");
    ZlibDecompress(fixed.data(), fixed.size(), 35, &out);
    EXPECT_EQ(std::string(out.begin(), out.end()), "hello hello hello hello hello hello");
    auto stored =
        BYTES("\x78\x01\x01\x11\x00\xee\xff\x73\x74\x6f\x72\x65\x64\x20\x62\x6c\x6f\x63\x6b\x20\x64\x61\x74"
              "\x61\x3b\xcd\x06\x77");
    ZlibDecompress(stored.data(), stored.size(), 17, &out);
    EXPECT_EQ(std::string(out.begin(), out.end()), "stored block data");
    auto dynamic =
        BYTES("\x78\xda\xed\xce\x31\x01\xc0\x40\x08\x03\x40\x2b\x58\x0b\x10\x12\xff\x0a\x7e\x28\x06\xba\xb3"
              "\xdd\x78\x48\xc3\x09\x12\x1f\x66\xb2\x22\xa3\x72\xd1\x25\x55\xa3\xb0\xe8\x64\xdb\xcd\x5c\x4c"
              "\xb1\x86\x11\x5c\x60\xd4\xd3\x1a\x2c\x94\x29\x53\xf4\x62\xc2\x55\x8e\xf1\x42\x21\x44\x77\x60"
              "\x81\xfb\xdc\xe7\x3e\xf7\xb9\xcf\x7d\xee\xf3\xfb\xf3\x00\x51\x25\xd7\x04");
    ZlibDecompress(dynamic.data(), dynamic.size(), 2000, &out);
    ASSERT_EQ(out.size(), 2000u);
    for (size_t i = 0; i < 2000; ++i) {
        ASSERT_EQ(out[i], static_cast<uint8_t>("abcdefgh "[(i * i * 7 + i * 3 + (i >> 4)) % 9])) << i;
    }
    // The empty stream; *out is replaced, not appended to.
    std::vector<uint8_t> empty_z = Deflate({});
    ZlibDecompress(empty_z.data(), empty_z.size(), 0, &out);
    EXPECT_TRUE(out.empty());
    // Bytes after the Adler-32 trailer are ignored, as MariaDB's uncompress() ignores them.
    auto trailing = fixed;
    trailing.insert(trailing.end(), {0xde, 0xad});
    ZlibDecompress(trailing.data(), trailing.size(), 35, &out);
    EXPECT_EQ(out.size(), 35u);
}

TEST(BinlogUnit, ZlibLargeStreamsGrowTheBuffer) {
    // Past the first 64 KiB and 16 MiB buffer steps, at several levels including stored blocks.
    struct Case {
        size_t n;
        int level;
    };
    for (Case c : {Case{65535, 0}, Case{65536, 1}, Case{65537, 9}, Case{size_t{3} << 20, 0},
                   Case{size_t{3} << 20, 6}, Case{(size_t{17} << 20) + 3, 1}}) {
        std::vector<uint8_t> plain = Pattern(c.n);
        std::vector<uint8_t> z = Deflate(plain, c.level);
        std::vector<uint8_t> out = {1, 2, 3};
        ZlibDecompress(z.data(), z.size(), c.n, &out);
        ASSERT_EQ(out.size(), c.n) << c.n << " " << c.level;
        ASSERT_TRUE(out == plain) << c.n << " " << c.level;
    }
}

TEST(BinlogUnit, ZlibErrors) {
    std::vector<uint8_t> out;
    auto fixed = BYTES("\x78\xda\xcb\x48\xcd\xc9\xc9\x57\xc8\xc0\x47\x02\x00\xeb\x55\x0d\x19");
    // Wrong announced length: the size limit holds (the output never passes the announcement).
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(fixed.data(), fixed.size(), 34, &out); }),
              "corrupt_event: compressed event data: decompressed data longer than announced");
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(fixed.data(), fixed.size(), 36, &out); }),
              "corrupt_event: compressed event data: decompressed length differs from the announced length");
    std::vector<uint8_t> big = Pattern(size_t{3} << 20);
    std::vector<uint8_t> big_z = Deflate(big);
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(big_z.data(), big_z.size(), size_t{1} << 20, &out); }),
              "corrupt_event: compressed event data: decompressed data longer than announced");
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(big_z.data(), big_z.size(), (size_t{3} << 20) - 1, &out); }),
              "corrupt_event: compressed event data: decompressed data longer than announced");
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(fixed.data(), fixed.size(), size_t{1} << 30, &out); }),
              "corrupt_event: compressed event data: announced length is impossible for the compressed size");
    // Checksum.
    auto bad = fixed;
    bad.back() ^= 1;
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(bad.data(), bad.size(), 35, &out); }),
              "corrupt_event: compressed event data: Adler-32 mismatch");
    // Truncation: inside the deflate data, inside and before the trailer.
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(big_z.data(), big_z.size() / 2, big.size(), &out); }),
              "corrupt_event: compressed event data: truncated zlib stream");
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(fixed.data(), fixed.size() - 2, 35, &out); }),
              "corrupt_event: compressed event data: truncated zlib stream");
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(fixed.data(), fixed.size() - 4, 35, &out); }),
              "corrupt_event: compressed event data: truncated zlib stream");
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(fixed.data(), 5, 35, &out); }),
              "corrupt_event: compressed event data: zlib stream too short");
    // Corrupt deflate data: block type 3 does not exist; a distance before the start of the output.
    auto type3 = BYTES("\x78\x01\x07\x00\x00\x00\x00\x00");
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(type3.data(), type3.size(), 10, &out); }),
              "corrupt_event: compressed event data: invalid deflate data (zlib: invalid block type)");
    // Fixed block: length code 257 (7 bits 0000001), distance code 0, before any literal.
    auto far = BYTES("\x78\x01\x03\x02\x00\x00\x00\x00\x00\x00");
    EXPECT_EQ(
        ErrorOf([&] { ZlibDecompress(far.data(), far.size(), 10, &out); }),
        "corrupt_event: compressed event data: invalid deflate data (zlib: invalid distance too far back)");
    // Header checks (RFC 1950 2.2): method, window size, FCHECK, preset dictionary; gzip is refused.
    auto gzip = BYTES("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03");
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(gzip.data(), gzip.size(), 10, &out); }),
              "corrupt_event: compressed event data: not a zlib stream");
    for (auto [cmf, flg] : {std::pair<uint8_t, uint8_t>{0x79, 0xda}, {0x88, 0x98}, {0x78, 0xdb}}) {
        auto h = fixed;
        h[0] = cmf;
        h[1] = flg;
        EXPECT_EQ(ErrorOf([&] { ZlibDecompress(h.data(), h.size(), 35, &out); }),
                  "corrupt_event: compressed event data: not a zlib stream")
            << int(cmf) << " " << int(flg);
    }
    auto dict = fixed;
    dict[1] = 0x20; // FDICT, FCHECK valid for CMF 0x78
    EXPECT_EQ(ErrorOf([&] { ZlibDecompress(dict.data(), dict.size(), 35, &out); }),
              "corrupt_event: compressed event data: zlib preset dictionary not supported");
}

TEST(BinlogUnit, MariaCompressedHeader) {
    // hdr 0x81 = compressed, zlib, 1-byte length; then the length (35) and the zlib stream.
    std::vector<uint8_t> in = {0x81, 35};
    auto z = BYTES("\x78\xda\xcb\x48\xcd\xc9\xc9\x57\xc8\xc0\x47\x02\x00\xeb\x55\x0d\x19");
    in.insert(in.end(), z.begin(), z.end());
    std::vector<uint8_t> out;
    MariaUncompress(in.data(), in.size(), 1000, &out);
    EXPECT_EQ(out.size(), 35u);
    in[0] = 0x91; // algorithm 1
    EXPECT_EQ(ErrorOf([&] { MariaUncompress(in.data(), in.size(), 1000, &out); }),
              "unsupported: compressed binlog event uses algorithm 1 (only zlib, 0, is known)");
    in[0] = 0x81;
    EXPECT_EQ(ErrorOf([&] { MariaUncompress(in.data(), in.size(), 10, &out); }),
              "corrupt_event: compressed event announces 35 bytes, more than the limit of 10");
}

// ---------------------------------------------------------------- byte reader, GTIDs

TEST(BinlogUnit, ByteReaderPackedIntsAndBounds) {
    auto b = BYTES("\xfa\xfc\x01\x02\xfd\x01\x02\x03\xfe\x01\x02\x03\x04\x05\x06\x07\x08\xfb");
    ByteReader r(b.data(), b.size(), "test data");
    EXPECT_EQ(r.PackedInt(), 250u);
    EXPECT_EQ(r.PackedInt(), 0x0201u);
    EXPECT_EQ(r.PackedInt(), 0x030201u);
    EXPECT_EQ(r.PackedInt(), 0x0807060504030201ull);
    EXPECT_EQ(ErrorOf([&] { r.PackedInt(); }), "corrupt_event: invalid length-encoded integer in test data");
    ByteReader r2(b.data(), 3, "test data");
    EXPECT_EQ(ErrorOf([&] { r2.U32(); }),
              "corrupt_event: test data is truncated: needs 4 more bytes, 3 left");
}

TEST(BinlogUnit, MariaGtidPosition) {
    MariaGtidPosition p = MariaGtidPosition::Parse(" 1-2-5, 0-1-100 ");
    EXPECT_EQ(p.ToString(), "0-1-100,1-2-5");
    p.Update(MariaGtid{1, 3, 6});
    p.Update(MariaGtid{7, 1, 1});
    EXPECT_EQ(p.ToString(), "0-1-100,1-3-6,7-1-1");
    EXPECT_TRUE(MariaGtidPosition::Parse("").Empty());
    EXPECT_EQ(ErrorOf([] { MariaGtidPosition::Parse("0-1"); }),
              "invalid_argument: invalid MariaDB GTID position: \"0-1\"");
    EXPECT_EQ(ErrorOf([] { MariaGtidPosition::Parse("0-1-2,0-3-4"); }),
              "invalid_argument: MariaDB GTID position names domain 0 twice: \"0-1-2,0-3-4\"");
    EXPECT_EQ(ErrorOf([] { MariaGtidPosition::Parse("0-1-x"); }),
              "invalid_argument: invalid MariaDB GTID position: \"0-1-x\"");
}

TEST(BinlogUnit, MySqlGtidSetTextAndEncoding) {
    GtidSet s = GtidSet::Parse(
        "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5:7:6, 00000000-0000-0000-0000-000000000001:3");
    EXPECT_EQ(s.ToString(),
              "00000000-0000-0000-0000-000000000001:3,3e11fa47-71ca-11e1-9e33-c80aa9429562:1-7");
    Uuid u = Uuid::Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562");
    EXPECT_TRUE(s.Contains(u, 7));
    EXPECT_FALSE(s.Contains(u, 8));
    s.Add(u, 9);
    s.Add(u, 8);
    EXPECT_EQ(s.ToString(),
              "00000000-0000-0000-0000-000000000001:3,3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9");
    s.AddInterval(u, 20, 31);
    EXPECT_EQ(s.ToString(),
              "00000000-0000-0000-0000-000000000001:3,3e11fa47-71ca-11e1-9e33-c80aa9429562:1-9:20-30");
    // COM_BINLOG_DUMP_GTID encoding: n_sids, then per SID uuid, n_intervals, [start, end).
    GtidSet one = GtidSet::Parse("00000000-0000-0000-0000-000000000001:3-4");
    std::vector<uint8_t> enc = one.Encode();
    std::vector<uint8_t> want = {1, 0, 0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 15; ++i)
        want.push_back(0);
    want.push_back(1);
    PutLe(want, 1, 8);
    PutLe(want, 3, 8);
    PutLe(want, 5, 8);
    EXPECT_EQ(enc, want);
    ByteReader r(enc.data(), enc.size());
    EXPECT_EQ(GtidSet::Decode(r), one);
    EXPECT_TRUE(GtidSet::Parse("").Encode() == std::vector<uint8_t>(8, 0));
    EXPECT_EQ(ErrorOf([] { GtidSet::Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:tag:1-5"); }),
              "unsupported: tagged MySQL GTIDs are not supported: "
              "\"3e11fa47-71ca-11e1-9e33-c80aa9429562:tag:1-5\"");
    EXPECT_EQ(ErrorOf([] { GtidSet::Parse("3e11fa47:1"); }), "invalid_argument: invalid UUID: \"3e11fa47\"");
    EXPECT_EQ(ErrorOf([] { GtidSet::Parse("3e11fa47-71ca-11e1-9e33-c80aa9429562:5-3"); }),
              "invalid_argument: invalid MySQL GTID interval: \"3e11fa47-71ca-11e1-9e33-c80aa9429562:5-3\"");
}

// ---------------------------------------------------------------- values

TEST(BinlogUnit, DecimalFromTheDocumentation) {
    // MySQL manual: 1234567890.1234 as DECIMAL(14,4) is 81 0D FB 38 D2 04 D2.
    EXPECT_EQ(Dec({0x81, 0x0D, 0xFB, 0x38, 0xD2, 0x04, 0xD2}, 14, 4), "1234567890.1234");
    // Negative: every byte inverted.
    EXPECT_EQ(Dec({0x7E, 0xF2, 0x04, 0xC7, 0x2D, 0xFB, 0x2D}, 14, 4), "-1234567890.1234");
    EXPECT_EQ(Dec({0x80, 0x00, 0x00, 0x00, 0x00}, 10, 2), "0.00");
    EXPECT_EQ(Dec({0x80, 0x00}, 4, 0), "0");
    EXPECT_EQ(Dec({0x7F, 0xFF, 0xFF, 0xFF, 0xFA}, 10, 2), "-0.05");
    EXPECT_EQ(Dec({0x80, 0xBC, 0x61, 0x4E, 0x5A}, 10, 2), "12345678.90");
    EXPECT_EQ(Dec({0x81}, 1, 0), "1");
    EXPECT_EQ(ErrorOf([] {
                  Dec({0x80, 0x00}, 10, 2);
              }),
              "corrupt_event: DECIMAL(10,2) value of 2 bytes, expected 5");
    EXPECT_EQ(ErrorOf([] {
                  Dec({0xFF, 0xFF, 0xFF, 0xFF, 0x00}, 10, 2);
              }),
              "corrupt_event: invalid digit group in DECIMAL value");
    EXPECT_EQ(DecimalBinarySize(65, 30), 30u);
}

TEST(BinlogUnit, TemporalText) {
    std::string s;
    AppendTime(Time{true, 59, 58, 838, 999000}, 3, &s);
    EXPECT_EQ(s, "-838:59:58.999");
    s.clear();
    AppendDateTime(DateTime{2024, 1, 2, 3, 4, 5, 123456}, 6, &s);
    EXPECT_EQ(s, "2024-01-02 03:04:05.123456");
    s.clear();
    AppendTimestampUtc(Timestamp{2147483647, 999999}, 6, &s);
    EXPECT_EQ(s, "2038-01-19 03:14:07.999999");
    s.clear();
    AppendTimestampUtc(Timestamp{1, 0}, 0, &s);
    EXPECT_EQ(s, "1970-01-01 00:00:01");
    s.clear();
    AppendTimestampUtc(Timestamp{951782400, 0}, 0, &s); // leap day 2000
    EXPECT_EQ(s, "2000-02-29 00:00:00");
    s.clear();
    AppendTimestampUtc(Timestamp{0, 0}, 2, &s);
    EXPECT_EQ(s, "0000-00-00 00:00:00.00");
}

TEST(BinlogUnit, CharsetsToUtf8) {
    EXPECT_EQ(CharsetOfCollation(45), Charset::kUtf8mb4);
    EXPECT_EQ(CharsetOfCollation(255), Charset::kUtf8mb4);  // MySQL 8 utf8mb4_0900_ai_ci
    EXPECT_EQ(CharsetOfCollation(2304), Charset::kUtf8mb4); // MariaDB uca1400
    EXPECT_EQ(CharsetOfCollation(33), Charset::kUtf8mb3);
    EXPECT_EQ(CharsetOfCollation(8), Charset::kLatin1);
    EXPECT_EQ(CharsetOfCollation(63), Charset::kBinary);
    EXPECT_EQ(CharsetOfCollation(26), Charset::kOther);
    EXPECT_STREQ(CollationCharsetName(26), "cp1250");
    EXPECT_EQ(CharsetOfCollation(100000), Charset::kUnknown);
    std::string out;
    const uint8_t latin1[] = {'a', 0x80, 0x81, 0xE9, 0xFF};
    ASSERT_TRUE(AppendUtf8(Charset::kLatin1, latin1, sizeof latin1, &out));
    EXPECT_EQ(out, "a\xE2\x82\xAC\xC2\x81\xC3\xA9\xC3\xBF");
    out.clear();
    const uint8_t utf16[] = {0xD8, 0x3D, 0xDE, 0x00, 0x00, 0x41};
    ASSERT_TRUE(AppendUtf8(Charset::kUtf16, utf16, sizeof utf16, &out));
    EXPECT_EQ(out, "\xF0\x9F\x98\x80"
                   "A");
    out.clear();
    const uint8_t utf32[] = {0x00, 0x01, 0xF6, 0x00};
    ASSERT_TRUE(AppendUtf8(Charset::kUtf32, utf32, sizeof utf32, &out));
    EXPECT_EQ(out, "\xF0\x9F\x98\x80");
    const uint8_t lone_surrogate[] = {0xDC, 0x00};
    EXPECT_FALSE(AppendUtf8(Charset::kUtf16, lone_surrogate, 2, &out));
    const uint8_t overlong[] = {0xC0, 0xAF};
    EXPECT_FALSE(IsValidUtf8(overlong, 2));
    const uint8_t surrogate[] = {0xED, 0xA0, 0x80};
    EXPECT_FALSE(IsValidUtf8(surrogate, 3));
    const uint8_t emoji[] = {0xF0, 0x9F, 0x98, 0x80};
    EXPECT_TRUE(IsValidUtf8(emoji, 4));
    EXPECT_FALSE(AppendUtf8(Charset::kUtf8mb3, emoji, 4, &out));
    EXPECT_FALSE(AppendUtf8(Charset::kOther, emoji, 4, &out));
}

// ---------------------------------------------------------------- MySQL binary JSON

TEST(BinlogUnit, JsonBinaryScalars) {
    EXPECT_EQ(Json({}), "null");
    EXPECT_EQ(Json({0x04, 0x00}), "null");
    EXPECT_EQ(Json({0x04, 0x01}), "true");
    EXPECT_EQ(Json({0x04, 0x02}), "false");
    EXPECT_EQ(Json({0x05, 0xFF, 0xFF}), "-1");
    EXPECT_EQ(Json({0x06, 0xFF, 0xFF}), "65535");
    EXPECT_EQ(Json({0x07, 0x00, 0x00, 0x00, 0x80}), "-2147483648");
    EXPECT_EQ(Json({0x08, 0xFF, 0xFF, 0xFF, 0xFF}), "4294967295");
    EXPECT_EQ(Json({0x09, 0, 0, 0, 0, 0, 0, 0, 0x80}), "-9223372036854775808");
    EXPECT_EQ(Json({0x0a, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}), "18446744073709551615");
    EXPECT_EQ(Json({0x0b, 0, 0, 0, 0, 0, 0, 0x0C, 0x40}), "3.5");
    EXPECT_EQ(Json({0x0b, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F}), "1.0");
    EXPECT_EQ(Json({0x0c, 0x03, 'a', '"', '\n'}), "\"a\\\"\\n\"");
    // Opaque DECIMAL(14,4) (the documentation's 1234567890.1234).
    EXPECT_EQ(Json({0x0f, 0xf6, 0x09, 0x0e, 0x04, 0x81, 0x0d, 0xfb, 0x38, 0xd2, 0x04, 0xd2}),
              "1234567890.1234");
    // Opaque DATETIME and TIME: packed int64 (ymd << 17 | hms) << 24 | microseconds.
    uint64_t ymd = ((2015ull * 13 + 1) << 5) | 15;
    uint64_t hms = (23u << 12) | (24u << 6) | 25u;
    std::vector<uint8_t> dt = {0x0f, 0x0c, 0x08};
    PutLe(dt, (((ymd << 17) | hms) << 24) | 123456, 8);
    EXPECT_EQ(Json(dt), "\"2015-01-15 23:24:25.123456\"");
    std::vector<uint8_t> date = {0x0f, 0x0a, 0x08};
    PutLe(date, (ymd << 17) << 24, 8);
    EXPECT_EQ(Json(date), "\"2015-01-15\"");
    std::vector<uint8_t> tm = {0x0f, 0x0b, 0x08};
    int64_t packed = static_cast<int64_t>((((1ull << 12) | (2ull << 6) | 3ull) << 24) | 500000);
    PutLe(tm, static_cast<uint64_t>(-packed), 8);
    EXPECT_EQ(Json(tm), "\"-01:02:03.500000\"");
    // Other opaque types: base64 with the type, as MySQL prints them.
    EXPECT_EQ(Json({0x0f, 0xfc, 0x03, 'a', 'b', 'c'}), "\"base64:type252:YWJj\"");
}

TEST(BinlogUnit, JsonBinaryContainers) {
    // {"a": 1}: small object, count 1, size 12, key entry (11, 1), value entry (int16, inline 1), key "a".
    std::vector<uint8_t> obj = {0x00, 0x01, 0x00, 0x0C, 0x00, 0x0B, 0x00, 0x01, 0x00, 0x05, 0x01, 0x00, 'a'};
    EXPECT_EQ(Json(obj), "{\"a\": 1}");
    // [true, "x", 3.5]: small array, count 3, size 23.
    std::vector<uint8_t> arr = {0x02, 0x03, 0x00, 0x17, 0x00, 0x04, 0x01, 0x00, 0x0C, 0x0D, 0x00, 0x0B,
                                0x0F, 0x00, 0x01, 'x',  0,    0,    0,    0,    0,    0,    0x0C, 0x40};
    EXPECT_EQ(Json(arr), "[true, \"x\", 3.5]");
    // {"k": 100000}: large object, int32 inlined in the value entry.
    std::vector<uint8_t> large = {0x01, 0x01, 0,    0,    0,    0x14, 0,    0,    0,    0x13, 0,
                                  0,    0,    0x01, 0x00, 0x07, 0xA0, 0x86, 0x01, 0x00, 'k'};
    EXPECT_EQ(Json(large), "{\"k\": 100000}");
    // {"o": {"a": 1}, "e": []}: nested containers at offsets.
    //   header 4 + key entries 2x4 + value entries 2x3 = 18; keys "o" at 18, "e" at 19;
    //   nested object (12 bytes) at 20, empty array (4 bytes) at 32; size 36.
    std::vector<uint8_t> nested = {0x00, 0x02, 0x00, 0x24, 0x00, 0x12, 0x00, 0x01, 0x00, 0x13, 0x00,
                                   0x01, 0x00, 0x00, 0x14, 0x00, 0x02, 0x20, 0x00, 'o',  'e'};
    std::vector<uint8_t> inner = {0x01, 0x00, 0x0C, 0x00, 0x0B, 0x00, 0x01, 0x00, 0x05, 0x01, 0x00, 'a'};
    nested.insert(nested.end(), inner.begin(), inner.end());
    nested.insert(nested.end(), {0x00, 0x00, 0x04, 0x00});
    EXPECT_EQ(Json(nested), "{\"o\": {\"a\": 1}, \"e\": []}");
    // Malformed: offsets outside the container, truncation, unknown types.
    std::vector<uint8_t> bad = obj;
    bad[5] = 0x30; // key offset 48
    EXPECT_EQ(ErrorOf([&] { Json(bad); }), "corrupt_event: binary JSON: object key outside the container");
    EXPECT_EQ(ErrorOf([&] {
                  Json({0x02, 0x03, 0x00});
              }),
              "corrupt_event: binary JSON: truncated container header");
    EXPECT_EQ(ErrorOf([&] { Json({0x0d, 0x00}); }), "corrupt_event: binary JSON: unknown value type");
    EXPECT_EQ(ErrorOf([&] {
                  Json({0x0c, 0x05, 'a'});
              }),
              "corrupt_event: binary JSON: string longer than its data");
    // Deep nesting is bounded: 300 nested one-element arrays.
    const int levels = 300;
    std::vector<uint8_t> deep = {0x02};
    for (int k = 0; k < levels; ++k) {
        uint16_t avail = static_cast<uint16_t>(7 * (levels - k) + 4);
        deep.insert(deep.end(), {0x01, 0x00, static_cast<uint8_t>(avail), static_cast<uint8_t>(avail >> 8),
                                 0x02, 0x07, 0x00});
    }
    deep.insert(deep.end(), {0x00, 0x00, 0x04, 0x00});
    EXPECT_EQ(ErrorOf([&] { Json(deep); }), "corrupt_event: binary JSON: nesting too deep");
    deep.resize(1 + 7 * 10);
    deep.insert(deep.end(), {0x00, 0x00, 0x04, 0x00});
    // 10 levels decode (sizes are now larger than the data: rejected, not read past the end).
    EXPECT_EQ(ErrorOf([&] { Json(deep); }), "corrupt_event: binary JSON: container larger than its data");
}

// ---------------------------------------------------------------- MySQL 8 streams

void ExpectDecodedTransaction(BinlogReader &r, uint32_t payload_end) {
    std::vector<uint8_t> seen;
    RowDecoder dec;
    RowImage before, after;
    int rows = 0;
    while (r.Next()) {
        seen.push_back(r.Type());
        if (r.Type() == event_type::kGtid) {
            EXPECT_EQ(r.MySqlGtid().gno, 5u);
            EXPECT_EQ(r.MySqlGtid().sid.ToString(), kSid);
            EXPECT_EQ(r.MySqlGtid().last_committed, 10u);
            EXPECT_EQ(r.MySqlGtid().sequence_number, 11u);
            EXPECT_EQ(r.MySqlGtid().immediate_commit_ts, 1700000000000001ull);
            EXPECT_EQ(r.MySqlGtid().original_commit_ts, 1600000000000002ull);
            EXPECT_EQ(r.MySqlGtid().transaction_length, 1234u);
            EXPECT_EQ(r.MySqlGtid().immediate_server_version, 80036u);
        }
        if (r.Type() == event_type::kQuery) {
            EXPECT_TRUE(r.Current().in_payload);
            EXPECT_EQ(r.Query().query, "BEGIN");
            EXPECT_EQ(r.Query().catalog, "std");
            EXPECT_EQ(r.Query().collation_server, 255);
            EXPECT_EQ(r.Query().sql_mode, 0x40000000u);
        }
        if (r.Type() == event_type::kTableMap) {
            const TableMap &m = *r.CurrentTableMap();
            EXPECT_EQ(m.FindColumn("amount"), 3);
            EXPECT_EQ(m.columns[0].signedness, Signedness::kUnsigned);
            EXPECT_EQ(m.columns[3].signedness, Signedness::kSigned);
            EXPECT_EQ(m.columns[1].collation, 255u);
            EXPECT_EQ(m.columns[1].charset, Charset::kUtf8mb4);
            EXPECT_EQ(m.primary_key, std::vector<uint32_t>{0});
            EXPECT_TRUE(m.has_visibility);
        }
        if (r.IsRows()) {
            r.BeginRows(&dec);
            const TableMap &m = *r.CurrentTableMap();
            ASSERT_TRUE(dec.Next(&before, &after));
            EXPECT_EQ(after[0].kind, ValueKind::kUInt);
            EXPECT_EQ(after[0].u, 4294967295u);
            EXPECT_EQ(after[1].View(), "h\xC3\xA9llo");
            EXPECT_EQ(ValueText(after[2], m.columns[2]), "{\"a\": 1}");
            EXPECT_EQ(ValueText(after[3], m.columns[3]), "-12345678.90");
            ASSERT_TRUE(dec.Next(&before, &after));
            EXPECT_EQ(after[0].u, 1u);
            EXPECT_EQ(after[1].kind, ValueKind::kNull);
            EXPECT_EQ(after[2].kind, ValueKind::kNull);
            EXPECT_EQ(ValueText(after[3], m.columns[3]), "0.05");
            EXPECT_FALSE(dec.Next(&before, &after));
            rows += 2;
        }
        if (r.Type() == event_type::kXid) {
            EXPECT_TRUE(r.IsCommit());
            EXPECT_EQ(r.Committed().pos, payload_end);
            EXPECT_EQ(r.Committed().mysql_gtids.ToString(), std::string(kSid) + ":5");
        }
    }
    EXPECT_EQ(rows, 2);
    std::vector<uint8_t> want = {event_type::kFormatDescription,
                                 event_type::kPreviousGtids,
                                 event_type::kGtid,
                                 event_type::kTransactionPayload,
                                 event_type::kQuery,
                                 event_type::kTableMap,
                                 event_type::kWriteRowsV2,
                                 event_type::kXid};
    EXPECT_EQ(seen, want);
}

TEST(BinlogUnit, MySqlTransactionPayloadZstd) {
    Stream s = MySqlStart();
    s.Add(event_type::kGtid, MySqlGtidBody(5, true));
    s.Add(event_type::kTransactionPayload, PayloadBody(InnerTransaction(7), true));
    BufferSource src(s.image.data(), s.image.size());
    BinlogReader r(&src);
    Coordinates start;
    start.file = "binlog.000001";
    r.SetStart(start);
    ExpectDecodedTransaction(r, s.pos);
}

TEST(BinlogUnit, MySqlTransactionPayloadUncompressedAndNoChecksum) {
    Stream s = MySqlStart(false);
    s.Add(event_type::kGtid, MySqlGtidBody(5, true), false);
    s.Add(event_type::kTransactionPayload, PayloadBody(InnerTransaction(7), false), false);
    BufferSource src(s.image.data(), s.image.size());
    BinlogReader r(&src);
    ExpectDecodedTransaction(r, s.pos);
}

TEST(BinlogUnit, MySqlTransactionPayloadCorrupt) {
    Stream s = MySqlStart();
    s.Add(event_type::kGtid, MySqlGtidBody(5, false));
    std::vector<uint8_t> body = PayloadBody(InnerTransaction(7), true);
    body.resize(body.size() - 5); // cut the zstd frame (the payload size field now disagrees)
    s.Add(event_type::kTransactionPayload, body);
    BufferSource src(s.image.data(), s.image.size());
    BinlogReader r(&src);
    std::string err = ErrorOf([&] {
        while (r.Next()) {
        }
    });
    EXPECT_NE(err.find("corrupt_event: TRANSACTION_PAYLOAD_EVENT payload is"), std::string::npos) << err;
    // Unknown compression type.
    Stream s2 = MySqlStart();
    std::vector<uint8_t> b2 = {0x02, 0x01, 0x07, 0x00};
    s2.Add(event_type::kTransactionPayload, b2);
    BufferSource src2(s2.image.data(), s2.image.size());
    BinlogReader r2(&src2);
    err = ErrorOf([&] {
        while (r2.Next()) {
        }
    });
    EXPECT_PREFIX(err,
                  "unsupported: TRANSACTION_PAYLOAD_EVENT uses compression type 7 (only ZSTD, 0, and NONE, ");
}

TEST(BinlogUnit, MySqlRowsV2UpdateWithExtraDataAndDdl) {
    Stream s = MySqlStart();
    s.Add(event_type::kGtid, MySqlGtidBody(1, false));
    s.Add(event_type::kQuery, QueryBody("db", "CREATE TABLE t (id INT UNSIGNED PRIMARY KEY)"));
    s.Add(event_type::kGtid, MySqlGtidBody(2, false));
    s.Add(event_type::kQuery, QueryBody("db", "BEGIN"));
    s.Add(event_type::kTableMap, TableMapBody(9));
    // Extra data: partition info TLV (type 1, partition id 3, source partition 4).
    std::vector<uint8_t> rows = RowsV2Header(9, true, {0x01, 0x03, 0x00, 0x04, 0x00});
    AppendRow2(rows);
    AppendRow1(rows);
    s.Add(event_type::kUpdateRowsV2, rows);
    s.Add(event_type::kQuery, QueryBody("db", "COMMIT"));
    BufferSource src(s.image.data(), s.image.size());
    BinlogReader r(&src);
    RowDecoder dec;
    RowImage before, after;
    int commits = 0;
    while (r.Next()) {
        if (r.IsCommit())
            ++commits;
        if (r.Type() == event_type::kQuery && r.Query().query.substr(0, 6) == "CREATE") {
            EXPECT_TRUE(r.IsCommit()); // DDL without BEGIN ends its transaction
            EXPECT_EQ(r.Query().db, "db");
            EXPECT_EQ(r.QueryKindOf(), QueryKind::kDdl);
        }
        if (r.IsRows()) {
            EXPECT_EQ(r.Rows().extra_len, 5u);
            r.BeginRows(&dec);
            ASSERT_TRUE(dec.Next(&before, &after));
            EXPECT_EQ(before[0].u, 1u);
            EXPECT_EQ(before[1].kind, ValueKind::kNull);
            EXPECT_EQ(after[0].u, 4294967295u);
            EXPECT_EQ(ValueText(after[3], r.CurrentTableMap()->columns[3]), "-12345678.90");
            EXPECT_FALSE(dec.Next(&before, &after));
        }
    }
    EXPECT_EQ(commits, 2);
    EXPECT_EQ(r.Committed().mysql_gtids.ToString(), std::string(kSid) + ":1-2");
    EXPECT_EQ(r.Committed().pos, s.pos);
}

TEST(BinlogUnit, PartialJsonUpdateIsRejected) {
    for (bool partial : {false, true}) {
        Stream s = MySqlStart();
        s.Add(event_type::kTableMap, TableMapBody(9));
        std::vector<uint8_t> rows = RowsV2Header(9, true);
        AppendRow1(rows);
        rows.push_back(0x01);                  // value_options: PARTIAL_JSON
        rows.push_back(partial ? 0x01 : 0x00); // partial bit of the one JSON column
        AppendRow1(rows);
        s.Add(event_type::kPartialUpdateRows, rows);
        BufferSource src(s.image.data(), s.image.size());
        BinlogReader r(&src);
        RowDecoder dec;
        RowImage before, after;
        std::string err = ErrorOf([&] {
            while (r.Next()) {
                if (!r.IsRows())
                    continue;
                r.BeginRows(&dec);
                while (dec.Next(&before, &after)) {
                }
            }
        });
        if (partial) {
            EXPECT_EQ(err,
                      "unsupported: PARTIAL_UPDATE_ROWS_EVENT for `db`.`t` carries a partial JSON update "
                      "(binlog_row_value_options=PARTIAL_JSON); it is not supported");
        } else {
            EXPECT_EQ(err, "no error");
        }
    }
}

TEST(BinlogUnit, HeartbeatV2AndV1) {
    Stream s = MySqlStart();
    std::vector<uint8_t> hb = {0x01, 0x0D};
    PutBytes(hb, "binlog.000042");
    std::vector<uint8_t> pos;
    PutPacked(pos, 5000000000ull);
    hb.push_back(0x02);
    hb.push_back(static_cast<uint8_t>(pos.size()));
    hb.insert(hb.end(), pos.begin(), pos.end());
    hb.push_back(0x00);
    s.Add(event_type::kHeartbeatV2, hb, true, event_flag::kArtificial);
    std::vector<uint8_t> hb1;
    PutBytes(hb1, "binlog.000043");
    s.Add(event_type::kHeartbeat, hb1, true, event_flag::kArtificial);
    BufferSource src(s.image.data(), s.image.size());
    BinlogReader r(&src);
    int n = 0;
    while (r.Next()) {
        if (r.Type() == event_type::kHeartbeatV2) {
            EXPECT_EQ(r.Heartbeat().file, "binlog.000042");
            EXPECT_EQ(r.Heartbeat().position, 5000000000ull);
            ++n;
        }
        if (r.Type() == event_type::kHeartbeat) {
            EXPECT_EQ(r.Heartbeat().file, "binlog.000043");
            EXPECT_EQ(r.Heartbeat().position, s.pos);
            ++n;
        }
    }
    EXPECT_EQ(n, 2);
}

TEST(BinlogUnit, UnknownEvents) {
    Stream s = MySqlStart();
    s.Add(99, {1, 2, 3}, true, event_flag::kIgnorable);
    s.Add(event_type::kRowsQuery, {0x05, 'h', 'e', 'l', 'l', 'o'}, true, event_flag::kIgnorable);
    uint32_t before_unknown = s.pos;
    s.Add(99, {1, 2, 3});
    BufferSource src(s.image.data(), s.image.size());
    BinlogReader r(&src);
    Coordinates start;
    start.file = "binlog.000001";
    r.SetStart(start);
    std::vector<uint8_t> seen;
    std::string err = ErrorOf([&] {
        while (r.Next()) {
            seen.push_back(r.Type());
            if (r.Type() == event_type::kRowsQuery) {
                EXPECT_EQ(r.Annotate(), "hello");
            }
        }
    });
    EXPECT_EQ(
        err,
        "unknown_event: unknown binlog event type 99 that is not flagged ignorable; cannot continue safely "
        "[UNKNOWN_EVENT_99 at binlog.000001:" +
            std::to_string(before_unknown) + "]");
    EXPECT_EQ(seen, (std::vector<uint8_t>{event_type::kFormatDescription, event_type::kPreviousGtids,
                                          event_type::kRowsQuery}));
    EXPECT_EQ(r.IgnoredEvents(), 1u);
}

TEST(BinlogUnit, IncidentAndUnknownTableAndBadColumnCount) {
    {
        Stream s = MySqlStart();
        std::vector<uint8_t> b = {0x01, 0x00, 0x0B};
        PutBytes(b, "LOST_EVENTS");
        s.Add(event_type::kIncident, b);
        BufferSource src(s.image.data(), s.image.size());
        BinlogReader r(&src);
        std::string err = ErrorOf([&] {
            while (r.Next()) {
            }
        });
        EXPECT_PREFIX(err, "corrupt_event: the source logged an INCIDENT_EVENT (1: LOST_EVENTS): changes may "
                           "be missing");
    }
    {
        Stream s = MySqlStart();
        std::vector<uint8_t> rows = RowsV2Header(12, false);
        AppendRow2(rows);
        s.Add(event_type::kWriteRowsV2, rows);
        BufferSource src(s.image.data(), s.image.size());
        BinlogReader r(&src);
        std::string err = ErrorOf([&] {
            while (r.Next()) {
            }
        });
        EXPECT_PREFIX(err, "corrupt_event: WRITE_ROWS_EVENT refers to table id 12 with no TABLE_MAP_EVENT "
                           "before it (did the stream start inside a transaction?) [WRITE_R");
    }
    {
        Stream s = MySqlStart();
        s.Add(event_type::kTableMap, TableMapBody(9));
        std::vector<uint8_t> rows;
        PutLe(rows, 9, 6);
        PutLe(rows, 1, 2);
        PutLe(rows, 2, 2);
        PutPacked(rows, 5); // one column more than the map
        rows.push_back(0x1F);
        rows.push_back(0x00);
        s.Add(event_type::kWriteRowsV2, rows);
        BufferSource src(s.image.data(), s.image.size());
        BinlogReader r(&src);
        RowDecoder dec;
        std::string err = ErrorOf([&] {
            while (r.Next())
                if (r.IsRows())
                    r.BeginRows(&dec);
        });
        EXPECT_EQ(err, "corrupt_event: WRITE_ROWS_EVENT has 5 columns, the map of `db`.`t` 4");
    }
    {
        // A row whose data ends inside a value.
        Stream s = MySqlStart();
        s.Add(event_type::kTableMap, TableMapBody(9));
        std::vector<uint8_t> rows = RowsV2Header(9, false);
        AppendRow1(rows);
        rows.resize(rows.size() - 2);
        s.Add(event_type::kWriteRowsV2, rows);
        BufferSource src(s.image.data(), s.image.size());
        BinlogReader r(&src);
        RowDecoder dec;
        RowImage a, b;
        std::string err = ErrorOf([&] {
            while (r.Next())
                if (r.IsRows()) {
                    r.BeginRows(&dec);
                    while (dec.Next(&a, &b)) {
                    }
                }
        });
        EXPECT_EQ(err,
                  "corrupt_event: WRITE_ROWS_EVENT for `db`.`t`: column `amount` (NEWDECIMAL): row data is "
                  "truncated");
    }
}

TEST(BinlogUnit, FormatDescriptionChecksFlags) {
    // A MySQL FDE with BINLOG_IN_USE set after its CRC was computed still verifies.
    std::vector<uint8_t> fde = MakeMySqlFde(true);
    fde[17] |= event_flag::kBinlogInUse;
    EventFramer f;
    Event ev;
    f.Frame(fde.data(), fde.size(), &ev);
    EXPECT_EQ(f.Fde().checksum, ChecksumAlg::kCrc32);
    EXPECT_FALSE(f.Fde().mariadb);
    EXPECT_EQ(f.Fde().version_major, 8);
    EXPECT_EQ(f.Fde().PostHeaderLen(event_type::kGtid), 42);
    fde[30] ^= 1; // damage the server version
    EXPECT_PREFIX(ErrorOf([&] { f.Frame(fde.data(), fde.size(), &ev); }),
                  "checksum_mismatch: FORMAT_DESCRIPTION_EVENT fails its CRC32 check (stored 0x");
    std::vector<uint8_t> short_ev(10, 0);
    EXPECT_EQ(ErrorOf([&] { f.Frame(short_ev.data(), short_ev.size(), &ev); }),
              "corrupt_event: binlog event of 10 bytes is shorter than its 19-byte header");
}

TEST(BinlogUnit, ArtificialRotateWithOrWithoutCrc) {
    for (bool crc : {false, true}) {
        std::vector<uint8_t> body;
        PutLe(body, 4, 8);
        PutBytes(body, "mariadb-bin.000007");
        std::vector<uint8_t> ev = MakeEvent(event_type::kRotate, body, crc, 0, event_flag::kArtificial);
        // The announced checksum does not matter: the reader recognises the CRC.
        for (ChecksumAlg announced : {ChecksumAlg::kOff, ChecksumAlg::kCrc32}) {
            BufferSource src(ev.data(), ev.size());
            ReaderOptions ro;
            ro.announced_checksum = announced;
            BinlogReader r(&src, ro);
            ASSERT_TRUE(r.Next());
            EXPECT_EQ(r.Rotate().next_file, "mariadb-bin.000007");
            EXPECT_EQ(r.Rotate().position, 4u);
            EXPECT_EQ(r.File(), "mariadb-bin.000007");
            EXPECT_EQ(r.Committed().file, "mariadb-bin.000007");
        }
    }
}

TEST(BinlogUnit, QueryClassification) {
    EXPECT_EQ(ClassifyQuery("BEGIN"), QueryKind::kBegin);
    EXPECT_EQ(ClassifyQuery("  /* c */ begin"), QueryKind::kBegin);
    EXPECT_EQ(ClassifyQuery("START TRANSACTION"), QueryKind::kBegin);
    EXPECT_EQ(ClassifyQuery("XA START 'x'"), QueryKind::kBegin);
    EXPECT_EQ(ClassifyQuery("COMMIT"), QueryKind::kCommit);
    EXPECT_EQ(ClassifyQuery("XA COMMIT 'x'"), QueryKind::kCommit);
    EXPECT_EQ(ClassifyQuery("ROLLBACK"), QueryKind::kRollback);
    EXPECT_EQ(ClassifyQuery("ROLLBACK TO SAVEPOINT s"), QueryKind::kSavepoint);
    EXPECT_EQ(ClassifyQuery("ROLLBACK WORK TO s"), QueryKind::kSavepoint);
    EXPECT_EQ(ClassifyQuery("SAVEPOINT `s`"), QueryKind::kSavepoint);
    EXPECT_EQ(ClassifyQuery("insert into t values (1)"), QueryKind::kDml);
    EXPECT_EQ(ClassifyQuery("/*!40000 REPLACE */ INTO t VALUES (1)"), QueryKind::kDml);
    EXPECT_EQ(ClassifyQuery("-- x\nUPDATE t SET a = 1"), QueryKind::kDml);
    EXPECT_EQ(ClassifyQuery("# x\nDELETE FROM t"), QueryKind::kDml);
    EXPECT_EQ(ClassifyQuery("LOAD DATA INFILE 'x' INTO TABLE t"), QueryKind::kDml);
    EXPECT_EQ(ClassifyQuery("CREATE TABLE t (a INT)"), QueryKind::kDdl);
    EXPECT_EQ(ClassifyQuery("ALTER TABLE insert_log ADD b INT"), QueryKind::kDdl);
    EXPECT_EQ(ClassifyQuery("TRUNCATE TABLE t"), QueryKind::kDdl);
    EXPECT_EQ(ClassifyQuery("# Dummy event replacing event type 160"), QueryKind::kDummy);
    EXPECT_EQ(ClassifyQuery(""), QueryKind::kDummy);
}

TEST(BinlogUnit, ServerErrorClassification) {
    EXPECT_EQ(ClassifyMysqlError(1236, "Could not find first log file name in binary log index file", false),
              BinlogErrc::kBinlogNotFound);
    EXPECT_EQ(
        ClassifyMysqlError(1236,
                           "Error: connecting slave requested to start from GTID 0-1-99, which is not in the "
                           "master's binlog",
                           false),
        BinlogErrc::kGtidNotFound);
    EXPECT_EQ(ClassifyMysqlError(
                  1236, "Cannot replicate because the source purged required binary logs. ... GTIDs", false),
              BinlogErrc::kBinlogNotFound);
    EXPECT_EQ(
        ClassifyMysqlError(1236,
                           "A slave with the same server_uuid/server_id as this slave has connected to the "
                           "master",
                           false),
        BinlogErrc::kDuplicateServerId);
    EXPECT_EQ(ClassifyMysqlError(
                  4052, "A slave with the same server_uuid/server_id as this slave has connected", false),
              BinlogErrc::kDuplicateServerId);
    EXPECT_EQ(
        ClassifyMysqlError(
            1227, "Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s)", false),
        BinlogErrc::kAccessDenied);
    EXPECT_EQ(ClassifyMysqlError(1045, "Access denied for user", true), BinlogErrc::kAccessDenied);
    EXPECT_EQ(ClassifyMysqlError(2013, "Lost connection", false), BinlogErrc::kConnectionLost);
    EXPECT_EQ(ClassifyMysqlError(2003, "Can't connect", true), BinlogErrc::kConnect);
    EXPECT_STREQ(BinlogErrcSqlState(BinlogErrc::kDuplicateServerId), "42710");
    EXPECT_STREQ(BinlogErrcSqlState(BinlogErrc::kAccessDenied), "42501");
}

TEST(BinlogUnit, ColumnHintsCompleteAMapWithoutMetadata) {
    // TABLE_MAP without optional metadata: (TINY, VARCHAR(10) latin1, STRING/ENUM).
    std::vector<uint8_t> b;
    PutLe(b, 3, 6);
    PutLe(b, 1, 2);
    b.push_back(1);
    PutBytes(b, "d");
    b.push_back(0);
    b.push_back(1);
    PutBytes(b, "t");
    b.push_back(0);
    PutPacked(b, 3);
    b.insert(b.end(), {0x01, 0x0F, 0xFE});
    PutPacked(b, 4);
    b.insert(b.end(), {0x0A, 0x00, 0xF7, 0x01});
    b.push_back(0x06);
    Stream s = MySqlStart();
    s.Add(event_type::kTableMap, b);
    std::vector<uint8_t> rows;
    PutLe(rows, 3, 6);
    PutLe(rows, 1, 2);
    PutLe(rows, 2, 2);
    PutPacked(rows, 3);
    rows.push_back(0x07);
    rows.insert(rows.end(), {0x00, 0xFF, 0x02, 'a', 0xE9, 0x02});
    s.Add(event_type::kWriteRowsV2, rows);
    for (bool hints : {false, true}) {
        BufferSource src(s.image.data(), s.image.size());
        ReaderOptions ro;
        if (hints)
            ro.on_table_map = [](TableMap *m) {
                std::vector<ColumnHint> h(3);
                h[0].is_unsigned = true;
                h[1].collation = 8;
                h[2].enum_values = std::vector<std::string>{"x", "y"};
                ApplyColumnHints(m, h);
            };
        BinlogReader r(&src, ro);
        DecodeOptions dopt;
        dopt.unconvertible_as_bytes = true;
        RowDecoder dec(dopt);
        RowImage x, y;
        while (r.Next()) {
            if (!r.IsRows())
                continue;
            const TableMap &m = *r.CurrentTableMap();
            r.BeginRows(&dec);
            ASSERT_TRUE(dec.Next(&x, &y));
            if (hints) {
                EXPECT_EQ(ValueText(y[0], m.columns[0]), "255");
                EXPECT_EQ(ValueText(y[1], m.columns[1]), "a\xC3\xA9");
                EXPECT_EQ(ValueText(y[2], m.columns[2]), "y");
            } else {
                EXPECT_EQ(ValueText(y[0], m.columns[0]), "-1"); // signedness unknown: read as signed
                EXPECT_EQ(y[1].kind, ValueKind::kBytes);        // charset unknown: raw bytes on request
                EXPECT_EQ(ValueText(y[2], m.columns[2]), "#2");
            }
        }
    }
}

} // namespace
