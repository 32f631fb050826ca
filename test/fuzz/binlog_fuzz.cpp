// libFuzzer target over the binlog event parser and row decoder.
//
// Input: one mode byte, then the data.
//   mode & 0x80 == 0: a binlog image (with or without the 4-byte magic) read by BinlogReader;
//       every rows event is decoded and every value rendered as text. Bits of the mode byte:
//       0x01 verify checksums (off by default so mutations get past the CRC), 0x02 announce CRC32,
//       0x04 pad CHAR, 0x08 unconvertible text as bytes, 0x10 allow legacy temporal types,
//       0x20 allow statement-based DML.
//   0x80: MySQL binary JSON document.   0x81: zlib stream (2-byte expected length first).
//   0x82: GTID texts (MariaDB position, MySQL set).
// Expected failures are BinlogError; anything else (crash, other exception, ASan report, hang)
// is a bug.
#include "mysql/binlog/byte_reader.hpp"
#include "mysql/binlog/gtid.hpp"
#include "mysql/binlog/inflate.hpp"
#include "mysql/binlog/json_binary.hpp"
#include "mysql/binlog/reader.hpp"
#include "mysql/binlog/rows.hpp"
#include "mysql/binlog/value_text.hpp"

#include <cstdint>
#include <string>
#include <vector>

using namespace chameleon::mysql::binlog;

namespace {

void FuzzStream(uint8_t mode, const uint8_t *data, size_t size) {
    BufferSource src(data, size, size_t{1} << 20);
    ReaderOptions ro;
    ro.verify_checksum = (mode & 0x01) != 0;
    ro.announced_checksum = (mode & 0x02) ? ChecksumAlg::kCrc32 : ChecksumAlg::kOff;
    ro.allow_legacy_temporal = (mode & 0x10) != 0;
    ro.reject_statement_dml = (mode & 0x20) == 0;
    ro.max_event_size = size_t{1} << 20;
    DecodeOptions dopt;
    dopt.pad_char = (mode & 0x04) != 0;
    dopt.unconvertible_as_bytes = (mode & 0x08) != 0;
    BinlogReader r(&src, ro);
    Coordinates start;
    start.file = "fuzz.000001";
    r.SetStart(start);
    RowDecoder dec(dopt);
    RowImage before, after;
    std::string text;
    while (r.Next()) {
        (void)r.Where();
        if (!r.IsRows())
            continue;
        try {
            r.BeginRows(&dec);
            const TableMap &m = *r.CurrentTableMap();
            RowsKind kind = r.Rows().kind;
            while (dec.Next(&before, &after)) {
                for (const RowImage *img : {&before, &after}) {
                    // Only the images Next() filled for this kind of event are meaningful.
                    if ((img == &before && kind == RowsKind::kWrite) ||
                        (img == &after && kind == RowsKind::kDelete))
                        continue;
                    for (size_t i = 0; i < img->Size() && i < m.columns.size(); ++i) {
                        text.clear();
                        try {
                            AppendValueText((*img)[i], m.columns[i], &text);
                        } catch (const BinlogError &) {
                        }
                    }
                }
            }
        } catch (const BinlogError &) {
            // a bad rows event: go on with the next event, as a tool would
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    ++data;
    --size;
    try {
        if ((mode & 0x80) == 0) {
            FuzzStream(mode, data, size);
        } else if (mode == 0x80) {
            std::string out;
            JsonBinaryToText(data, size, &out);
        } else if (mode == 0x81) {
            if (size < 2)
                return 0;
            size_t expected = static_cast<size_t>(data[0]) | (static_cast<size_t>(data[1]) << 8);
            std::vector<uint8_t> out;
            ZlibDecompress(data + 2, size - 2, expected, &out);
        } else if (mode == 0x82) {
            std::string text(reinterpret_cast<const char *>(data), size);
            try {
                MariaGtidPosition p = MariaGtidPosition::Parse(text);
                (void)p.ToString();
            } catch (const BinlogError &) {
            }
            GtidSet s = GtidSet::Parse(text);
            std::vector<uint8_t> enc = s.Encode();
            ByteReader br(enc.data(), enc.size());
            if (!(GtidSet::Decode(br) == s))
                __builtin_trap(); // encoding must round-trip
        }
    } catch (const BinlogError &) {
    }
    return 0;
}
