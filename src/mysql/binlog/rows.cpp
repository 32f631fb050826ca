#include "mysql/binlog/rows.hpp"

#include "mysql/binlog/byte_reader.hpp"
#include "mysql/binlog/column_types.hpp"
#include "mysql/binlog/errors.hpp"

#include <atomic>
#include <cstring>

namespace chameleon::mysql::binlog {

namespace {
std::atomic<uint64_t> g_layout_counter{0};
}

const char *ValueKindName(ValueKind kind) {
    switch (kind) {
        case ValueKind::kAbsent:
            return "absent";
        case ValueKind::kNull:
            return "null";
        case ValueKind::kInt:
            return "int";
        case ValueKind::kUInt:
            return "uint";
        case ValueKind::kFloat:
            return "float";
        case ValueKind::kDouble:
            return "double";
        case ValueKind::kDecimal:
            return "decimal";
        case ValueKind::kBit:
            return "bit";
        case ValueKind::kYear:
            return "year";
        case ValueKind::kDate:
            return "date";
        case ValueKind::kTime:
            return "time";
        case ValueKind::kDateTime:
            return "datetime";
        case ValueKind::kTimestamp:
            return "timestamp";
        case ValueKind::kString:
            return "string";
        case ValueKind::kBytes:
            return "bytes";
        case ValueKind::kEnum:
            return "enum";
        case ValueKind::kSet:
            return "set";
        case ValueKind::kJson:
            return "json";
        case ValueKind::kGeometry:
            return "geometry";
    }
    return "?";
}

void ParseRowsEvent(const Event &ev, const FormatDescription &fde, RowsEvent *out,
                    std::vector<uint8_t> *scratch) {
    using namespace event_type;
    const char *name = EventTypeName(ev.Type());
    ByteReader r(ev.body, ev.body_size, name);
    *out = RowsEvent();
    out->type = ev.Type();
    out->kind = RowsKindOf(ev.Type());
    if (out->kind == RowsKind::kNone)
        ThrowCorrupt(std::string(name) + " is not a rows event");
    out->compressed = ev.Type() >= kMariaWriteRowsCompressedV1 && ev.Type() <= kMariaDeleteRowsCompressed;
    bool v2 = (ev.Type() >= kWriteRowsV2 && ev.Type() <= kDeleteRowsV2) || ev.Type() == kPartialUpdateRows ||
              (ev.Type() >= kMariaWriteRowsCompressed && ev.Type() <= kMariaDeleteRowsCompressed);
    uint8_t ph = fde.PostHeaderLen(ev.Type());
    out->table_id = ph == 6 ? r.U32() : r.U48();
    out->flags = r.U16();
    size_t used = ph == 6 ? 6 : 8;
    if (v2 && ph >= 10) {
        uint16_t extra_len = r.U16();
        used += 2;
        if (ph > used)
            r.Skip(ph - used);
        if (extra_len < 2)
            ThrowCorrupt(std::string(name) + " extra data length " + std::to_string(extra_len) +
                         " is below 2");
        out->extra_len = extra_len - 2u;
        out->extra = r.Bytes(out->extra_len);
    } else if (ph > used) {
        r.Skip(ph - used);
    }
    uint64_t ncols = r.PackedInt();
    if (ncols > 4096)
        ThrowCorrupt(std::string(name) + " declares " + std::to_string(ncols) + " columns");
    out->ncols = static_cast<uint32_t>(ncols);
    size_t nb = (out->ncols + 7u) / 8u;
    out->present = r.Bytes(nb);
    if (out->kind == RowsKind::kUpdate || out->kind == RowsKind::kPartialUpdate)
        out->present_after = r.Bytes(nb);
    if (out->compressed) {
        MariaUncompress(r.Pos(), r.Remaining(), 1u << 30, scratch);
        out->rows = scratch->data();
        out->rows_len = scratch->size();
    } else {
        out->rows = r.Pos();
        out->rows_len = r.Remaining();
    }
}

// ---------------- RowDecoder ----------------

RowDecoder::RowDecoder(const DecodeOptions &options) : opt_(options) {}
RowDecoder::~RowDecoder() = default;

uint8_t *RowDecoder::Alloc(size_t n) {
    for (;;) {
        if (block_index_ < blocks_.size()) {
            size_t cap = block_sizes_[block_index_];
            if (cap - block_used_ >= n) {
                uint8_t *p = blocks_[block_index_].get() + block_used_;
                block_used_ += n;
                return p;
            }
            ++block_index_;
            block_used_ = 0;
            continue;
        }
        size_t size = n > 65536 ? n : 65536;
        blocks_.emplace_back(new uint8_t[size]);
        block_sizes_.push_back(size);
        block_index_ = blocks_.size() - 1;
        block_used_ = 0;
    }
}

void RowDecoder::Fail(const ColumnInfo &c, size_t index, const char *what) {
    std::string col = c.name.empty() ? "#" + std::to_string(index + 1) : "`" + c.name + "`";
    std::string table = map_ ? "`" + map_->schema + "`.`" + map_->table + "`" : "?";
    ThrowCorrupt(std::string(EventTypeName(ev_ ? ev_->type : 0)) + " for " + table + ": column " + col +
                 " (" + ColumnTypeName(c.type) + "): " + what);
}

void RowDecoder::Begin(const RowsEvent &ev, const TableMap &map) {
    ev_ = &ev;
    map_ = &map;
    pos_ = ev.rows;
    end_ = ev.rows + ev.rows_len;
    block_index_ = 0;
    block_used_ = 0;
    if (ev.table_id != map.table_id)
        ThrowCorrupt(std::string(EventTypeName(ev.type)) + " for table id " + std::to_string(ev.table_id) +
                     " decoded with the map of table id " + std::to_string(map.table_id));
    if (ev.ncols > map.columns.size())
        ThrowCorrupt(std::string(EventTypeName(ev.type)) + " has " + std::to_string(ev.ncols) +
                     " columns, the map of `" + map.schema + "`.`" + map.table + "` " +
                     std::to_string(map.columns.size()));
    auto collect = [&](const uint8_t *bits, std::vector<uint32_t> *out) {
        out->clear();
        if (!bits)
            return;
        for (uint32_t i = 0; i < ev.ncols; ++i)
            if (bits[i / 8] & (1u << (i % 8))) {
                const ColumnInfo &c = map.columns[i];
                if (c.op == ColumnOp::kUnsupported)
                    throw BinlogError(
                        BinlogErrc::kUnsupported,
                        "cannot decode column " +
                            (c.name.empty() ? "#" + std::to_string(i + 1) : "`" + c.name + "`") + " of `" +
                            map.schema + "`.`" + map.table + "`: " + c.unsupported_reason);
                out->push_back(i);
            }
    };
    collect(ev.present, &present_);
    collect(ev.present_after, &present_after_);
    if (present_.empty() || (ev.present_after && present_after_.empty()))
        ThrowCorrupt(std::string(EventTypeName(ev.type)) + " for `" + map.schema + "`.`" + map.table +
                     "` has no column in its row image");
    layout_ = (g_layout_counter.fetch_add(1) + 1) << 1;
    json_columns_.clear();
    if (ev.kind == RowsKind::kPartialUpdate)
        for (uint32_t i = 0; i < map.columns.size(); ++i)
            if (map.columns[i].type == column_type::kJson)
                json_columns_.push_back(i);
}

void RowDecoder::Text(const ColumnInfo &c, const uint8_t *p, size_t n, bool fixed, Value *v) {
    Charset cs = c.charset;
    if (cs == Charset::kBinary) {
        v->kind = ValueKind::kBytes;
        if (fixed && opt_.pad_binary && n < c.length) {
            uint8_t *q = Alloc(c.length);
            std::memcpy(q, p, n);
            std::memset(q + n, 0, c.length - n);
            p = q;
            n = c.length;
        }
        v->data = p;
        v->size = static_cast<uint32_t>(n);
        return;
    }
    if (!opt_.convert_to_utf8) {
        v->kind = ValueKind::kString;
        v->data = p;
        v->size = static_cast<uint32_t>(n);
        return;
    }
    if (IsUtf8Compatible(cs)) {
        if (!IsValidUtf8(p, n) || (cs == Charset::kAscii && [&] {
                for (size_t k = 0; k < n; ++k)
                    if (p[k] >= 0x80)
                        return true;
                return false;
            }()))
            Fail(c, current_col_, (std::string("invalid ") + CharsetName(cs) + " text").c_str());
    } else if (cs == Charset::kUnknown || cs == Charset::kOther) {
        if (!opt_.unconvertible_as_bytes) {
            std::string why =
                cs == Charset::kUnknown
                    ? "the charset of this text column is unknown (no binlog_row_metadata and no schema hint)"
                    : std::string("charset ") + CollationCharsetName(c.collation) +
                          " cannot be converted to UTF-8";
            throw BinlogError(
                BinlogErrc::kUnsupported,
                "cannot decode column " +
                    (c.name.empty() ? "#" + std::to_string(current_col_ + 1) : "`" + c.name + "`") + " of `" +
                    map_->schema + "`.`" + map_->table + "`: " + why);
        }
        v->kind = ValueKind::kBytes;
        v->data = p;
        v->size = static_cast<uint32_t>(n);
        return;
    } else {
        conv_.clear();
        if (!AppendUtf8(cs, p, n, &conv_))
            Fail(c, current_col_, (std::string("invalid ") + CharsetName(cs) + " text").c_str());
        uint8_t *q = Alloc(conv_.size());
        std::memcpy(q, conv_.data(), conv_.size());
        p = q;
        n = conv_.size();
    }
    if (fixed && opt_.pad_char && c.char_length > 0) {
        size_t chars = 0;
        for (size_t k = 0; k < n; ++k)
            chars += (p[k] & 0xC0) != 0x80;
        if (chars < c.char_length) {
            size_t pad = c.char_length - chars;
            uint8_t *q = Alloc(n + pad);
            std::memcpy(q, p, n);
            std::memset(q + n, ' ', pad);
            p = q;
            n += pad;
        }
    }
    v->kind = ValueKind::kString;
    v->data = p;
    v->size = static_cast<uint32_t>(n);
}

namespace {
inline uint32_t Be16(const uint8_t *p) {
    return (static_cast<uint32_t>(p[0]) << 8) | p[1];
}
inline uint32_t Be24(const uint8_t *p) {
    return (static_cast<uint32_t>(p[0]) << 16) | (static_cast<uint32_t>(p[1]) << 8) | p[2];
}
inline uint32_t Be32(const uint8_t *p) {
    return (static_cast<uint32_t>(p[0]) << 24) | (static_cast<uint32_t>(p[1]) << 16) |
           (static_cast<uint32_t>(p[2]) << 8) | p[3];
}
// Fraction bytes of TIME2/DATETIME2/TIMESTAMP2 for a given fsp.
inline size_t FracBytes(uint8_t fsp) {
    return (fsp + 1u) / 2u;
}
// Unsigned fraction in microseconds (DATETIME2 / TIMESTAMP2).
inline uint32_t FracMicros(const uint8_t *p, uint8_t fsp) {
    switch (FracBytes(fsp)) {
        case 1:
            return p[0] * 10000u;
        case 2:
            return Be16(p) * 100u;
        case 3:
            return Be24(p);
        default:
            return 0;
    }
}
} // namespace

void RowDecoder::DecodeValue(const ColumnInfo &c, Value *v) {
    const uint8_t *p = pos_;
    size_t avail = static_cast<size_t>(end_ - p);
    auto need = [&](size_t n) {
        if (n > avail)
            Fail(c, current_col_, "row data is truncated");
    };
    size_t n = 0;
    switch (c.op) {
        case ColumnOp::kInt8:
            need(1);
            v->kind = ValueKind::kInt;
            v->i = static_cast<int8_t>(p[0]);
            n = 1;
            break;
        case ColumnOp::kUInt8:
            need(1);
            v->kind = ValueKind::kUInt;
            v->u = p[0];
            n = 1;
            break;
        case ColumnOp::kInt16:
            need(2);
            v->kind = ValueKind::kInt;
            v->i = static_cast<int16_t>(LoadLe16(p));
            n = 2;
            break;
        case ColumnOp::kUInt16:
            need(2);
            v->kind = ValueKind::kUInt;
            v->u = LoadLe16(p);
            n = 2;
            break;
        case ColumnOp::kInt24: {
            need(3);
            uint32_t x = LoadLe24(p);
            v->kind = ValueKind::kInt;
            v->i = (x & 0x800000u) ? static_cast<int64_t>(x) - 0x1000000 : static_cast<int64_t>(x);
            n = 3;
            break;
        }
        case ColumnOp::kUInt24:
            need(3);
            v->kind = ValueKind::kUInt;
            v->u = LoadLe24(p);
            n = 3;
            break;
        case ColumnOp::kInt32:
            need(4);
            v->kind = ValueKind::kInt;
            v->i = static_cast<int32_t>(LoadLe32(p));
            n = 4;
            break;
        case ColumnOp::kUInt32:
            need(4);
            v->kind = ValueKind::kUInt;
            v->u = LoadLe32(p);
            n = 4;
            break;
        case ColumnOp::kInt64:
            need(8);
            v->kind = ValueKind::kInt;
            v->i = static_cast<int64_t>(LoadLe64(p));
            n = 8;
            break;
        case ColumnOp::kUInt64:
            need(8);
            v->kind = ValueKind::kUInt;
            v->u = LoadLe64(p);
            n = 8;
            break;
        case ColumnOp::kFloat:
            need(4);
            v->kind = ValueKind::kFloat;
            std::memcpy(&v->f, p, 4);
            n = 4;
            break;
        case ColumnOp::kDouble:
            need(8);
            v->kind = ValueKind::kDouble;
            std::memcpy(&v->d, p, 8);
            n = 8;
            break;
        case ColumnOp::kDecimal:
            n = c.length;
            need(n);
            v->kind = ValueKind::kDecimal;
            v->data = p;
            v->size = static_cast<uint32_t>(n);
            break;
        case ColumnOp::kBit:
            n = c.length;
            need(n);
            v->kind = ValueKind::kBit;
            v->u = LoadBeN(p, n);
            if (c.bits < 64)
                v->u &= (1ull << c.bits) - 1;
            break;
        case ColumnOp::kYear:
            need(1);
            v->kind = ValueKind::kYear;
            v->i = p[0] == 0 ? 0 : 1900 + p[0];
            n = 1;
            break;
        case ColumnOp::kDate: {
            need(3);
            uint32_t x = LoadLe24(p);
            v->kind = ValueKind::kDate;
            v->date.day = static_cast<uint8_t>(x & 31);
            v->date.month = static_cast<uint8_t>((x >> 5) & 15);
            v->date.year = static_cast<uint16_t>(x >> 9);
            v->flags = (x == 0)                                   ? value_flag::kZeroDate
                       : (v->date.month == 0 || v->date.day == 0) ? value_flag::kPartialDate
                                                                  : 0;
            n = 3;
            break;
        }
        case ColumnOp::kTime2: {
            n = 3 + FracBytes(c.fsp);
            need(n);
            int64_t packed;
            switch (c.fsp) {
                case 1:
                case 2: {
                    int64_t ip = static_cast<int64_t>(Be24(p)) - 0x800000;
                    int64_t frac = p[3];
                    if (ip < 0 && frac != 0) {
                        ip++;
                        frac -= 0x100;
                    }
                    packed = ip * (1ll << 24) + frac * 10000;
                    break;
                }
                case 3:
                case 4: {
                    int64_t ip = static_cast<int64_t>(Be24(p)) - 0x800000;
                    int64_t frac = Be16(p + 3);
                    if (ip < 0 && frac != 0) {
                        ip++;
                        frac -= 0x10000;
                    }
                    packed = ip * (1ll << 24) + frac * 100;
                    break;
                }
                case 5:
                case 6:
                    packed = static_cast<int64_t>(LoadBeN(p, 6)) - 0x800000000000ll;
                    break;
                default:
                    packed = (static_cast<int64_t>(Be24(p)) - 0x800000) * (1ll << 24);
                    break;
            }
            v->kind = ValueKind::kTime;
            v->fsp = c.fsp;
            v->time.negative = packed < 0;
            uint64_t a = packed < 0 ? static_cast<uint64_t>(-packed) : static_cast<uint64_t>(packed);
            uint64_t hms = a >> 24;
            v->time.microsecond = static_cast<uint32_t>(a & 0xffffff);
            v->time.hour = static_cast<uint32_t>((hms >> 12) & 0x3ff);
            v->time.minute = static_cast<uint8_t>((hms >> 6) & 63);
            v->time.second = static_cast<uint8_t>(hms & 63);
            if (v->time.microsecond > 999999 || v->time.minute > 59 || v->time.second > 59)
                Fail(c, current_col_, "invalid TIME value");
            break;
        }
        case ColumnOp::kDatetime2: {
            n = 5 + FracBytes(c.fsp);
            need(n);
            int64_t ip = static_cast<int64_t>(LoadBeN(p, 5)) - 0x8000000000ll;
            if (ip < 0)
                Fail(c, current_col_, "negative DATETIME value");
            uint64_t x = static_cast<uint64_t>(ip);
            uint64_t ymd = x >> 17, hms = x & 0x1ffff, ym = ymd >> 5;
            v->kind = ValueKind::kDateTime;
            v->fsp = c.fsp;
            v->datetime.day = static_cast<uint8_t>(ymd & 31);
            v->datetime.month = static_cast<uint8_t>(ym % 13);
            v->datetime.year = static_cast<uint16_t>(ym / 13);
            v->datetime.hour = static_cast<uint8_t>(hms >> 12);
            v->datetime.minute = static_cast<uint8_t>((hms >> 6) & 63);
            v->datetime.second = static_cast<uint8_t>(hms & 63);
            v->datetime.microsecond = FracMicros(p + 5, c.fsp);
            if (v->datetime.year > 9999 || v->datetime.hour > 23 || v->datetime.minute > 59 ||
                v->datetime.second > 59 || v->datetime.microsecond > 999999)
                Fail(c, current_col_, "invalid DATETIME value");
            bool zero_date = ymd == 0;
            v->flags = zero_date                                          ? value_flag::kZeroDate
                       : (v->datetime.month == 0 || v->datetime.day == 0) ? value_flag::kPartialDate
                                                                          : 0;
            break;
        }
        case ColumnOp::kTimestamp2:
            n = 4 + FracBytes(c.fsp);
            need(n);
            v->kind = ValueKind::kTimestamp;
            v->fsp = c.fsp;
            v->timestamp.seconds = Be32(p);
            v->timestamp.microsecond = FracMicros(p + 4, c.fsp);
            if (v->timestamp.microsecond > 999999)
                Fail(c, current_col_, "invalid TIMESTAMP fraction");
            v->flags =
                (v->timestamp.seconds == 0 && v->timestamp.microsecond == 0) ? value_flag::kZeroDate : 0;
            break;
        case ColumnOp::kLegacyTime: {
            need(3);
            uint32_t x = LoadLe24(p);
            int32_t s = (x & 0x800000u) ? static_cast<int32_t>(x) - 0x1000000 : static_cast<int32_t>(x);
            uint32_t a = s < 0 ? static_cast<uint32_t>(-s) : static_cast<uint32_t>(s);
            v->kind = ValueKind::kTime;
            v->fsp = 0;
            v->time.negative = s < 0;
            v->time.hour = a / 10000;
            v->time.minute = static_cast<uint8_t>((a / 100) % 100);
            v->time.second = static_cast<uint8_t>(a % 100);
            v->time.microsecond = 0;
            n = 3;
            break;
        }
        case ColumnOp::kLegacyDatetime: {
            need(8);
            uint64_t x = LoadLe64(p);
            uint64_t d = x / 1000000, t = x % 1000000;
            v->kind = ValueKind::kDateTime;
            v->fsp = 0;
            v->datetime.year = static_cast<uint16_t>((d / 10000) % 10000);
            v->datetime.month = static_cast<uint8_t>((d / 100) % 100);
            v->datetime.day = static_cast<uint8_t>(d % 100);
            v->datetime.hour = static_cast<uint8_t>(t / 10000);
            v->datetime.minute = static_cast<uint8_t>((t / 100) % 100);
            v->datetime.second = static_cast<uint8_t>(t % 100);
            v->datetime.microsecond = 0;
            v->flags = d == 0                                             ? value_flag::kZeroDate
                       : (v->datetime.month == 0 || v->datetime.day == 0) ? value_flag::kPartialDate
                                                                          : 0;
            n = 8;
            break;
        }
        case ColumnOp::kLegacyTimestamp:
            need(4);
            v->kind = ValueKind::kTimestamp;
            v->fsp = 0;
            v->timestamp.seconds = LoadLe32(p);
            v->timestamp.microsecond = 0;
            v->flags = v->timestamp.seconds == 0 ? value_flag::kZeroDate : 0;
            n = 4;
            break;
        case ColumnOp::kVarLen1:
        case ColumnOp::kFixedLen1: {
            need(1);
            size_t len = p[0];
            need(1 + len);
            Text(c, p + 1, len, c.op == ColumnOp::kFixedLen1, v);
            n = 1 + len;
            break;
        }
        case ColumnOp::kVarLen2:
        case ColumnOp::kFixedLen2: {
            need(2);
            size_t len = LoadLe16(p);
            need(2 + len);
            Text(c, p + 2, len, c.op == ColumnOp::kFixedLen2, v);
            n = 2 + len;
            break;
        }
        case ColumnOp::kEnum1:
            need(1);
            v->kind = ValueKind::kEnum;
            v->u = p[0];
            n = 1;
            break;
        case ColumnOp::kEnum2:
            need(2);
            v->kind = ValueKind::kEnum;
            v->u = LoadLe16(p);
            n = 2;
            break;
        case ColumnOp::kSet:
            n = c.length;
            need(n);
            v->kind = ValueKind::kSet;
            v->u = LoadLeN(p, n);
            break;
        case ColumnOp::kBlob:
        case ColumnOp::kJson:
        case ColumnOp::kGeometry:
        case ColumnOp::kVector: {
            size_t pl = c.length;
            need(pl);
            uint64_t len = LoadLeN(p, pl);
            if (len > avail - pl)
                Fail(c, current_col_, "row data is truncated");
            const uint8_t *d = p + pl;
            if (c.op == ColumnOp::kBlob) {
                Text(c, d, static_cast<size_t>(len), false, v);
            } else {
                v->kind = c.op == ColumnOp::kJson       ? ValueKind::kJson
                          : c.op == ColumnOp::kGeometry ? ValueKind::kGeometry
                                                        : ValueKind::kBytes;
                v->data = d;
                v->size = static_cast<uint32_t>(len);
            }
            n = pl + static_cast<size_t>(len);
            break;
        }
        case ColumnOp::kNullType:
            v->kind = ValueKind::kNull;
            n = 0;
            break;
        case ColumnOp::kUnsupported:
            Fail(c, current_col_, "column cannot be decoded");
    }
    pos_ = p + n;
}

void RowDecoder::DecodeImage(const std::vector<uint32_t> &present, uint64_t layout, RowImage *img,
                             bool partial_after) {
    const std::vector<ColumnInfo> &cols = map_->columns;
    if (img->layout != layout) {
        // First row of this event in this image: size it and mark every column absent; later rows
        // overwrite exactly the present columns, so the absent ones stay absent.
        img->values.assign(cols.size(), Value());
        img->layout = layout;
    }
    Value *vals = img->values.data();
    if (partial_after) {
        ByteReader r(pos_, static_cast<size_t>(end_ - pos_), "PARTIAL_UPDATE_ROWS_EVENT");
        uint64_t value_options = r.PackedInt();
        if (value_options & 1) {
            size_t nb = (json_columns_.size() + 7) / 8;
            const uint8_t *bits = r.Bytes(nb);
            for (size_t k = 0; k < json_columns_.size(); ++k)
                if (bits[k / 8] & (1u << (k % 8)))
                    throw BinlogError(
                        BinlogErrc::kUnsupported,
                        "PARTIAL_UPDATE_ROWS_EVENT for `" + map_->schema + "`.`" + map_->table +
                            "` carries a partial JSON update (binlog_row_value_options=PARTIAL_JSON); "
                            "it is not supported",
                        "", "set binlog_row_value_options='' on the source");
        }
        pos_ = r.Pos();
    }
    size_t nbytes = (present.size() + 7) / 8;
    if (static_cast<size_t>(end_ - pos_) < nbytes)
        ThrowCorrupt(std::string(EventTypeName(ev_->type)) + " for `" + map_->schema + "`.`" + map_->table +
                     "`: row image null bitmap is truncated");
    const uint8_t *nulls = pos_;
    pos_ += nbytes;
    for (size_t k = 0; k < present.size(); ++k) {
        uint32_t i = present[k];
        Value &v = vals[i];
        v.flags = 0;
        if (nulls[k >> 3] & (1u << (k & 7))) {
            v.kind = ValueKind::kNull;
            continue;
        }
        current_col_ = i;
        DecodeValue(cols[i], &v);
    }
}

bool RowDecoder::Next(RowImage *before, RowImage *after) {
    if (pos_ >= end_)
        return false;
    switch (ev_->kind) {
        case RowsKind::kWrite:
            DecodeImage(present_, layout_, after, false);
            break;
        case RowsKind::kDelete:
            DecodeImage(present_, layout_, before, false);
            break;
        case RowsKind::kUpdate:
            DecodeImage(present_, layout_, before, false);
            DecodeImage(present_after_, layout_ | 1, after, false);
            break;
        case RowsKind::kPartialUpdate:
            DecodeImage(present_, layout_, before, false);
            DecodeImage(present_after_, layout_ | 1, after, true);
            break;
        case RowsKind::kNone:
            return false;
    }
    return true;
}

size_t RowDecoder::SkipAll() {
    RowImage a, b;
    size_t n = 0;
    while (Next(&a, &b))
        ++n;
    return n;
}

} // namespace chameleon::mysql::binlog
