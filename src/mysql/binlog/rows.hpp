// Rows events (WRITE/UPDATE/DELETE v1 and v2, MariaDB compressed, MySQL PARTIAL_UPDATE) and the
// typed row decoder (the fast path: no text formatting, values refer to the event buffer).
#pragma once

#include "common/cpp_only.hpp"

#include "mysql/binlog/events.hpp"
#include "mysql/binlog/table_map.hpp"
#include "mysql/binlog/value.hpp"

#include <cstdint>
#include <memory>
#include <vector>

namespace chameleon::mysql::binlog {

namespace rows_flag {
inline constexpr uint16_t kStmtEnd = 0x0001;
inline constexpr uint16_t kNoForeignKeyChecks = 0x0002;
inline constexpr uint16_t kRelaxedUniqueChecks = 0x0004;
inline constexpr uint16_t kCompleteRows = 0x0008;
} // namespace rows_flag

struct RowsEvent {
    uint8_t type = 0;
    RowsKind kind = RowsKind::kNone;
    bool compressed = false;
    uint64_t table_id = 0;
    uint16_t flags = 0;
    const uint8_t *extra = nullptr; // v2 extra data (TLVs), without its length word
    size_t extra_len = 0;
    uint32_t ncols = 0;
    const uint8_t *present = nullptr;       // columns in the (before) image, ncols bits LSB first
    const uint8_t *present_after = nullptr; // UPDATE: columns in the after image
    const uint8_t *rows = nullptr;          // row images (decompressed for compressed events)
    size_t rows_len = 0;

    bool StmtEnd() const { return (flags & rows_flag::kStmtEnd) != 0; }
};

// Parses the header and bitmaps of a rows event; decompresses MariaDB compressed rows into *scratch.
void ParseRowsEvent(const Event &ev, const FormatDescription &fde, RowsEvent *out,
                    std::vector<uint8_t> *scratch);

struct DecodeOptions {
    bool convert_to_utf8 = true; // text of other charsets converted to UTF-8; UTF-8 text validated
    bool pad_binary = true;      // BINARY(n): restore the trailing 0x00 bytes the binlog strips
    bool pad_char = false;       // CHAR(n): restore trailing spaces up to n characters
    // Text in a charset we cannot convert (or unknown): false = error, true = deliver as kBytes.
    bool unconvertible_as_bytes = false;
};

// One row image: a value per table column (kAbsent for columns not in the image).
// Only the image(s) that Next() filled for the current event are meaningful (WRITE: after,
// DELETE: before, UPDATE: both); values refer to the event buffer and the decoder's scratch space.
struct RowImage {
    std::vector<Value> values;
    uint64_t layout = 0; // which event/bitmap last shaped this image (absent columns already set)
    size_t Size() const { return values.size(); }
    const Value &operator[](size_t i) const { return values[i]; }
};

class RowDecoder {
public:
    explicit RowDecoder(const DecodeOptions &options = {});
    ~RowDecoder();
    RowDecoder(const RowDecoder &) = delete;
    RowDecoder &operator=(const RowDecoder &) = delete;

    // Starts on the rows of `ev` for `map` (the TABLE_MAP with the same table id). Both, and the
    // event buffer, must stay alive while rows are decoded; values stay valid until the next Begin().
    // Throws if the event does not fit the map, or a column the event carries cannot be decoded.
    void Begin(const RowsEvent &ev, const TableMap &map);
    // Decodes the next row: WRITE fills *after, DELETE fills *before, UPDATE both. Returns false
    // after the last row. Throws BinlogError(kCorruptEvent) on malformed data.
    bool Next(RowImage *before, RowImage *after);
    // Decodes all remaining rows without keeping them (validation, benchmarks). Returns the count.
    size_t SkipAll();

    const TableMap *Map() const { return map_; }
    const RowsEvent *Rows() const { return ev_; }

private:
    void DecodeImage(const std::vector<uint32_t> &present, uint64_t layout, RowImage *img,
                     bool partial_after);
    void DecodeValue(const ColumnInfo &c, Value *v);
    void Text(const ColumnInfo &c, const uint8_t *p, size_t n, bool fixed, Value *v);
    uint8_t *Alloc(size_t n);
    [[noreturn]] void Fail(const ColumnInfo &c, size_t index, const char *what);

    DecodeOptions opt_;
    const RowsEvent *ev_ = nullptr;
    const TableMap *map_ = nullptr;
    const uint8_t *pos_ = nullptr;
    const uint8_t *end_ = nullptr;
    std::vector<uint32_t> present_, present_after_;
    std::vector<uint32_t> json_columns_; // for PARTIAL_UPDATE_ROWS
    size_t current_col_ = 0;
    uint64_t layout_ = 0; // unique per Begin(): images reshaped once per event, not per row
    // Scratch space for converted / padded values: a list of blocks, reset by Begin().
    std::vector<std::unique_ptr<uint8_t[]>> blocks_;
    std::vector<size_t> block_sizes_;
    size_t block_index_ = 0, block_used_ = 0;
    std::string conv_;
};

} // namespace chameleon::mysql::binlog
