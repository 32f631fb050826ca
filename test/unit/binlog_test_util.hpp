// Helpers shared by the binlog unit tests (fixture loading, rendering values the way the capture
// script's SELECTs print them, hand-built events).
#pragma once

#include "mysql/binlog/byte_reader.hpp"
#include "mysql/binlog/crc32.hpp"
#include "mysql/binlog/reader.hpp"
#include "mysql/binlog/rows.hpp"
#include "mysql/binlog/value_text.hpp"

#include <zstd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace binlog_test {

using namespace chameleon::mysql::binlog;

inline bool IsDir(const std::string &p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// The fixture directory test/unit/data/binlog: $CHAMELEON_BINLOG_FIXTURES, else
// $CHAMELEON_TEST_DATA/binlog, else found from this source file's path or by walking up from the
// current directory.
inline std::string FixtureDir() {
    if (const char *env = std::getenv("CHAMELEON_BINLOG_FIXTURES"))
        return env;
    if (const char *data = std::getenv("CHAMELEON_TEST_DATA")) // set by test/lib/run-tests.sh
        if (IsDir(std::string(data) + "/binlog"))
            return std::string(data) + "/binlog";
    std::string here = __FILE__;
    size_t slash = here.rfind('/');
    std::string cand =
        (slash == std::string::npos ? std::string(".") : here.substr(0, slash)) + "/data/binlog";
    if (IsDir(cand))
        return cand;
    char cwd[4096];
    if (::getcwd(cwd, sizeof cwd)) {
        std::string dir = cwd;
        for (int i = 0; i < 8 && !dir.empty(); ++i) {
            if (IsDir(dir + "/test/unit/data/binlog"))
                return dir + "/test/unit/data/binlog";
            size_t s = dir.rfind('/');
            if (s == std::string::npos || s == 0)
                break;
            dir = dir.substr(0, s);
        }
    }
    return "test/unit/data/binlog";
}

struct Tsv {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

inline std::vector<std::string> SplitTabs(const std::string &line) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
        size_t p = line.find('\t', start);
        if (p == std::string::npos) {
            out.push_back(line.substr(start));
            return out;
        }
        out.push_back(line.substr(start, p - start));
        start = p + 1;
    }
}

inline Tsv ReadTsv(const std::string &path) {
    std::ifstream in(path);
    Tsv t;
    std::string line;
    bool first = true;
    while (std::getline(in, line)) {
        if (first) {
            t.header = SplitTabs(line);
            first = false;
        } else {
            t.rows.push_back(SplitTabs(line));
        }
    }
    return t;
}

inline std::string HexUpper(const uint8_t *p, size_t n) {
    static const char hex[] = "0123456789ABCDEF";
    std::string s;
    for (size_t i = 0; i < n; ++i) {
        s.push_back(hex[p[i] >> 4]);
        s.push_back(hex[p[i] & 15]);
    }
    return s;
}

// A value as the capture script's SELECT prints it (see capture.sh).
inline std::string RenderLikeSelect(const Value &v, const ColumnInfo &c) {
    std::string s;
    switch (v.kind) {
        case ValueKind::kAbsent:
            return "<absent>";
        case ValueKind::kNull:
            return "NULL";
        case ValueKind::kString:
        case ValueKind::kBytes:
        case ValueKind::kGeometry:
            return HexUpper(v.data, v.size);
        case ValueKind::kBit:
            return std::to_string(v.u);
        case ValueKind::kFloat: {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(v.f));
            return buf;
        }
        case ValueKind::kDouble: {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.17g", v.d);
            return buf;
        }
        default:
            AppendValueText(v, c, &s);
            return s;
    }
}

// Compares a rendered value with the SELECT's text (FLOAT/DOUBLE numerically, bit for bit).
inline bool SameAsSelect(const std::string &rendered, const std::string &expected, const ColumnInfo &c) {
    if ((c.type == 4 || c.type == 5) && rendered != "NULL" && expected != "NULL" && rendered != "<absent>") {
        double a = std::strtod(rendered.c_str(), nullptr), b = std::strtod(expected.c_str(), nullptr);
        return std::memcmp(&a, &b, sizeof a) == 0;
    }
    return rendered == expected;
}

struct DecodedRow {
    std::string table;
    RowsKind kind = RowsKind::kNone;
    uint8_t event_type = 0;
    std::vector<std::string> before, after; // rendered with RenderLikeSelect
    std::vector<ValueKind> before_kinds, after_kinds;
    std::vector<uint8_t> before_flags, after_flags;
};

inline void Render(const RowImage &img, const TableMap &m, std::vector<std::string> *out,
                   std::vector<ValueKind> *kinds, std::vector<uint8_t> *flags) {
    out->clear();
    kinds->clear();
    flags->clear();
    for (size_t i = 0; i < img.Size(); ++i) {
        out->push_back(RenderLikeSelect(img[i], m.columns[i]));
        kinds->push_back(img[i].kind);
        flags->push_back(img[i].flags);
    }
}

// Reads a whole binlog image and renders every row of every rows event.
inline std::vector<DecodedRow> DecodeAllRows(BinlogReader &r, const DecodeOptions &opt = {},
                                             std::vector<TableMap> *maps = nullptr) {
    std::vector<DecodedRow> rows;
    RowDecoder dec(opt);
    RowImage before, after;
    while (r.Next()) {
        if (maps && r.Type() == event_type::kTableMap)
            maps->push_back(*r.CurrentTableMap());
        if (!r.IsRows())
            continue;
        r.BeginRows(&dec);
        const TableMap &m = *r.CurrentTableMap();
        while (dec.Next(&before, &after)) {
            DecodedRow d;
            d.table = m.table;
            d.kind = r.Rows().kind;
            d.event_type = r.Type();
            if (d.kind != RowsKind::kWrite)
                Render(before, m, &d.before, &d.before_kinds, &d.before_flags);
            if (d.kind != RowsKind::kDelete)
                Render(after, m, &d.after, &d.after_kinds, &d.after_flags);
            rows.push_back(std::move(d));
        }
    }
    return rows;
}

// ---- hand-built events ----

inline void PutLe(std::vector<uint8_t> &b, uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
        b.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
inline void PutPacked(std::vector<uint8_t> &b, uint64_t v) {
    if (v < 251) {
        b.push_back(static_cast<uint8_t>(v));
    } else if (v < 65536) {
        b.push_back(0xfc);
        PutLe(b, v, 2);
    } else if (v < (1u << 24)) {
        b.push_back(0xfd);
        PutLe(b, v, 3);
    } else {
        b.push_back(0xfe);
        PutLe(b, v, 8);
    }
}
inline void PutBytes(std::vector<uint8_t> &b, const std::string &s) {
    b.insert(b.end(), s.begin(), s.end());
}

// A complete event: 19-byte header + body (+ CRC32 when crc). log_pos = end offset given.
inline std::vector<uint8_t> MakeEvent(uint8_t type, const std::vector<uint8_t> &body, bool crc,
                                      uint32_t log_pos = 0, uint16_t flags = 0, uint32_t server_id = 1) {
    std::vector<uint8_t> e;
    uint32_t len = static_cast<uint32_t>(19 + body.size() + (crc ? 4 : 0));
    PutLe(e, 1700000000, 4);
    e.push_back(type);
    PutLe(e, server_id, 4);
    PutLe(e, len, 4);
    PutLe(e, log_pos, 4);
    PutLe(e, flags, 2);
    e.insert(e.end(), body.begin(), body.end());
    if (crc)
        PutLe(e, Crc32(0, e.data(), e.size()), 4);
    return e;
}

// A MySQL 8 FORMAT_DESCRIPTION_EVENT with the given checksum algorithm.
inline std::vector<uint8_t> MakeMySqlFde(bool crc, const std::string &version = "8.0.36") {
    std::vector<uint8_t> b;
    PutLe(b, 4, 2);
    std::string v = version;
    v.resize(50, '\0');
    PutBytes(b, v);
    PutLe(b, 0, 4);
    b.push_back(19);
    // post-header lengths of types 1..41 as MySQL 8.0 writes them
    const uint8_t ph[41] = {0, 13, 0, 8, 0, 0, 0, 0, 0,  0,  0,  0,  0,  0, 98, 0,  0, 0,  8, 0, 0,
                            0, 0,  0, 0, 2, 0, 0, 0, 10, 10, 10, 42, 42, 0, 18, 52, 0, 10, 0, 0};
    b.insert(b.end(), ph, ph + 41);
    b.push_back(crc ? 1 : 0);
    if (!crc)
        PutLe(b, 0, 4); // checksum-aware servers keep the 4 CRC bytes even with the algorithm off
    return MakeEvent(event_type::kFormatDescription, b, crc, 0);
}

inline std::vector<uint8_t> Concat(const std::vector<std::vector<uint8_t>> &parts, bool magic = true) {
    std::vector<uint8_t> out;
    if (magic)
        out.insert(out.end(), kBinlogMagic, kBinlogMagic + 4);
    for (const auto &p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}

// ---- MySQL 8 streams built from the format documentation (no MySQL server here) ----

inline const char *kSid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";

inline std::vector<uint8_t> MySqlGtidBody(uint64_t gno, bool with_tail) {
    std::vector<uint8_t> b;
    b.push_back(0x00);
    Uuid u = Uuid::Parse(kSid);
    b.insert(b.end(), u.bytes.begin(), u.bytes.end());
    PutLe(b, gno, 8);
    b.push_back(2);
    PutLe(b, 10, 8); // last_committed
    PutLe(b, 11, 8); // sequence_number
    if (with_tail) {
        PutLe(b, (1ull << 55) | 1700000000000001ull, 7); // immediate commit ts, original follows
        PutLe(b, 1600000000000002ull, 7);
        PutPacked(b, 1234); // transaction length
        PutLe(b, 80036, 4); // immediate server version (no original)
    }
    return b;
}

inline std::vector<uint8_t> QueryBody(const std::string &db, const std::string &q) {
    std::vector<uint8_t> b;
    PutLe(b, 5, 4);
    PutLe(b, 0, 4);
    b.push_back(static_cast<uint8_t>(db.size()));
    PutLe(b, 0, 2);
    // status vars: Q_FLAGS2, Q_SQL_MODE, Q_CATALOG_NZ "std", Q_CHARSET (45,45,255)
    std::vector<uint8_t> sv = {0x00, 0, 0, 0, 0, 0x01};
    PutLe(sv, 0x40000000, 8);
    sv.insert(sv.end(), {0x06, 0x03, 's', 't', 'd', 0x04});
    PutLe(sv, 45, 2);
    PutLe(sv, 45, 2);
    PutLe(sv, 255, 2);
    PutLe(b, sv.size(), 2);
    b.insert(b.end(), sv.begin(), sv.end());
    PutBytes(b, db);
    b.push_back(0);
    PutBytes(b, q);
    return b;
}

// TABLE_MAP db.t (id INT UNSIGNED, name VARCHAR(20) utf8mb4, doc JSON, amount DECIMAL(10,2)) as MySQL 8
// writes it.
inline std::vector<uint8_t> TableMapBody(uint64_t table_id) {
    std::vector<uint8_t> b;
    PutLe(b, table_id, 6);
    PutLe(b, 1, 2);
    b.push_back(2);
    PutBytes(b, "db");
    b.push_back(0);
    b.push_back(1);
    PutBytes(b, "t");
    b.push_back(0);
    PutPacked(b, 4);
    b.insert(b.end(), {0x03, 0x0F, 0xF5, 0xF6});
    PutPacked(b, 5);
    b.insert(b.end(), {0x50, 0x00, 0x04, 0x0A, 0x02});
    b.push_back(0x0E);                                 // nullable: name, doc, amount
    b.insert(b.end(), {0x01, 0x01, 0x80});             // SIGNEDNESS: id unsigned, amount signed
    b.insert(b.end(), {0x02, 0x03, 0xFC, 0xFF, 0x00}); // DEFAULT_CHARSET 255
    b.insert(b.end(), {0x04, 0x13, 0x02, 'i',  'd', 0x04, 'n', 'a', 'm', 'e', 0x03,
                       'd',  'o',  'c',  0x06, 'a', 'm',  'o', 'u', 'n', 't'}); // COLUMN_NAME
    b.insert(b.end(), {0x08, 0x01, 0x00});                                      // SIMPLE_PRIMARY_KEY (0)
    b.insert(b.end(), {0x0C, 0x01, 0xF0});       // COLUMN_VISIBILITY: all visible
    b.insert(b.end(), {0x63, 0x02, 0xAB, 0xCD}); // unknown TLV 99: skipped by length
    return b;
}

inline std::vector<uint8_t> RowsV2Header(uint64_t table_id, bool update, std::vector<uint8_t> extra = {}) {
    std::vector<uint8_t> b;
    PutLe(b, table_id, 6);
    PutLe(b, 1, 2); // STMT_END_F
    PutLe(b, extra.size() + 2, 2);
    b.insert(b.end(), extra.begin(), extra.end());
    PutPacked(b, 4);
    b.push_back(0x0F);
    if (update)
        b.push_back(0x0F);
    return b;
}

inline void AppendRow1(std::vector<uint8_t> &b) {
    b.push_back(0x00);
    b.insert(b.end(), {0xFF, 0xFF, 0xFF, 0xFF});
    b.insert(b.end(), {0x06, 'h', 0xC3, 0xA9, 'l', 'l', 'o'});
    std::vector<uint8_t> doc = {0x00, 0x01, 0x00, 0x0C, 0x00, 0x0B, 0x00, 0x01, 0x00, 0x05, 0x01, 0x00, 'a'};
    PutLe(b, doc.size(), 4);
    b.insert(b.end(), doc.begin(), doc.end());
    b.insert(b.end(), {0x7F, 0x43, 0x9E, 0xB1, 0xA5}); // -12345678.90
}

inline void AppendRow2(std::vector<uint8_t> &b) {
    b.push_back(0x06); // name and doc NULL
    b.insert(b.end(), {0x01, 0x00, 0x00, 0x00});
    b.insert(b.end(), {0x80, 0x00, 0x00, 0x00, 0x05}); // 0.05
}

struct Stream {
    std::vector<uint8_t> image;
    uint32_t pos = 4;
    void Add(uint8_t type, const std::vector<uint8_t> &body, bool crc = true, uint16_t flags = 0) {
        uint32_t len = static_cast<uint32_t>(19 + body.size() + (crc ? 4 : 0));
        pos += len;
        auto e = MakeEvent(type, body, crc, pos, flags);
        image.insert(image.end(), e.begin(), e.end());
    }
    void AddRaw(const std::vector<uint8_t> &e) {
        pos += static_cast<uint32_t>(e.size());
        image.insert(image.end(), e.begin(), e.end());
    }
};

inline Stream MySqlStart(bool crc = true) {
    Stream s;
    s.image.assign(kBinlogMagic, kBinlogMagic + 4);
    s.AddRaw(MakeMySqlFde(crc));
    // The FDE's log_pos is irrelevant for the tests; PREVIOUS_GTIDS with an empty set.
    s.Add(event_type::kPreviousGtids, std::vector<uint8_t>(8, 0), crc);
    return s;
}

inline std::vector<uint8_t> InnerTransaction(uint64_t table_id) {
    std::vector<uint8_t> inner;
    auto add = [&](uint8_t type, const std::vector<uint8_t> &body) {
        auto e = MakeEvent(type, body, false, 0);
        inner.insert(inner.end(), e.begin(), e.end());
    };
    add(event_type::kQuery, QueryBody("db", "BEGIN"));
    add(event_type::kTableMap, TableMapBody(table_id));
    std::vector<uint8_t> rows = RowsV2Header(table_id, false);
    AppendRow1(rows);
    AppendRow2(rows);
    add(event_type::kWriteRowsV2, rows);
    std::vector<uint8_t> xid;
    PutLe(xid, 77, 8);
    add(event_type::kXid, xid);
    return inner;
}

inline std::vector<uint8_t> PayloadBody(const std::vector<uint8_t> &inner, bool zstd) {
    std::vector<uint8_t> payload;
    if (zstd) {
        payload.resize(ZSTD_compressBound(inner.size()));
        size_t n = ZSTD_compress(payload.data(), payload.size(), inner.data(), inner.size(), 3);
        if (ZSTD_isError(n))
            n = 0;
        payload.resize(n);
    } else {
        payload = inner;
    }
    std::vector<uint8_t> b;
    auto field = [&](uint64_t type, uint64_t value) {
        std::vector<uint8_t> v;
        PutPacked(v, value);
        PutPacked(b, type);
        PutPacked(b, v.size());
        b.insert(b.end(), v.begin(), v.end());
    };
    field(1, payload.size());
    field(2, zstd ? 0 : 255);
    field(3, inner.size());
    b.push_back(0); // end mark
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

} // namespace binlog_test
