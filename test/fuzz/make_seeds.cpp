// Writes the hand-built seeds of test/fuzz/corpus (MySQL 8 streams, JSON documents, zlib data).
// Built and run by test/fuzz/run.sh --seeds; the binlog fixtures are added by run.sh itself.
#include "../unit/binlog_test_util.hpp"

#include <cstdio>

using namespace binlog_test;

static void Write(const std::string &dir, const std::string &name, uint8_t mode,
                  const std::vector<uint8_t> &data) {
    std::string path = dir + "/" + name;
    FILE *f = std::fopen(path.c_str(), "wb");
    if (!f) {
        std::perror(path.c_str());
        std::exit(1);
    }
    std::fputc(mode, f);
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
}

// Splits a MariaDB binlog fixture into seeds of at most ~12 KB: its FORMAT_DESCRIPTION_EVENT followed
// by whole transactions (GTID_EVENT .. commit).
static void SplitFixture(const std::string &dir, const std::string &fixture, const std::string &prefix) {
    std::vector<uint8_t> image = ReadWholeFile(fixture);
    BufferSource src(image.data(), image.size());
    const uint8_t *p;
    size_t n;
    std::vector<uint8_t> fde, chunk, tx;
    int index = 0;
    auto flush = [&]() {
        if (chunk.empty())
            return;
        std::vector<uint8_t> out(kBinlogMagic, kBinlogMagic + 4);
        out.insert(out.end(), fde.begin(), fde.end());
        out.insert(out.end(), chunk.begin(), chunk.end());
        Write(dir, prefix + std::to_string(index++), 0x00, out);
        chunk.clear();
    };
    while (src.NextRaw(&p, &n)) {
        uint8_t type = p[4];
        if (type == event_type::kFormatDescription) {
            fde.assign(p, p + n);
            continue;
        }
        if (type == event_type::kMariaGtid && !tx.empty()) {
            if (chunk.size() + tx.size() > 12000)
                flush();
            chunk.insert(chunk.end(), tx.begin(), tx.end());
            tx.clear();
        }
        tx.insert(tx.end(), p, p + n);
    }
    chunk.insert(chunk.end(), tx.begin(), tx.end());
    flush();
}

int main(int argc, char **argv) {
    std::string dir = argc > 1 ? argv[1] : "test/fuzz/corpus";
    if (argc > 2)
        SplitFixture(dir, std::string(argv[2]) + "/types.binlog", "mariadb_types_");
    for (bool zstd : {true, false}) {
        Stream s = MySqlStart(zstd);
        s.Add(event_type::kGtid, MySqlGtidBody(5, true), zstd);
        s.Add(event_type::kTransactionPayload, PayloadBody(InnerTransaction(7), zstd), zstd);
        Write(dir, zstd ? "mysql_payload_zstd" : "mysql_payload_none", zstd ? 0x02 : 0x00, s.image);
    }
    Stream s = MySqlStart(false);
    s.Add(event_type::kGtid, MySqlGtidBody(1, false), false);
    s.Add(event_type::kQuery, QueryBody("db", "BEGIN"), false);
    s.Add(event_type::kTableMap, TableMapBody(9), false);
    std::vector<uint8_t> rows = RowsV2Header(9, true, {0x01, 0x03, 0x00, 0x04, 0x00});
    AppendRow2(rows);
    AppendRow1(rows);
    s.Add(event_type::kUpdateRowsV2, rows, false);
    std::vector<uint8_t> prows = RowsV2Header(9, true);
    AppendRow1(prows);
    prows.push_back(0x01);
    prows.push_back(0x00);
    AppendRow1(prows);
    s.Add(event_type::kPartialUpdateRows, prows, false);
    s.Add(event_type::kQuery, QueryBody("db", "COMMIT"), false);
    Write(dir, "mysql_rows_v2", 0x00, s.image);
    Write(dir, "json_object", 0x80,
          {0x00, 0x01, 0x00, 0x0C, 0x00, 0x0B, 0x00, 0x01, 0x00, 0x05, 0x01, 0x00, 'a'});
    Write(dir, "json_array", 0x80, {0x02, 0x03, 0x00, 0x17, 0x00, 0x04, 0x01, 0x00, 0x0C, 0x0D, 0x00, 0x0B,
                                    0x0F, 0x00, 0x01, 'x',  0,    0,    0,    0,    0,    0,    0x0C, 0x40});
    Write(dir, "json_decimal", 0x80,
          {0x0f, 0xf6, 0x09, 0x0e, 0x04, 0x81, 0x0d, 0xfb, 0x38, 0xd2, 0x04, 0xd2});
    Write(dir, "zlib_fixed", 0x81,
          {35, 0, 0x78, 0xda, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x57, 0xc8, 0xc0, 0x47, 0x02, 0x00, 0xeb, 0x55,
           0x0d, 0x19});
    std::string g = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7,0-1-100";
    Write(dir, "gtid_text", 0x82, std::vector<uint8_t>(g.begin(), g.end()));
    return 0;
}
