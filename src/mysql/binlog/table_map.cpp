#include "mysql/binlog/table_map.hpp"

#include "mysql/binlog/byte_reader.hpp"
#include "mysql/binlog/column_types.hpp"
#include "mysql/binlog/errors.hpp"

#include <cstring>

namespace chameleon::mysql::binlog {

namespace {

using namespace column_type;

const uint8_t kDigitsToBytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

size_t MetaLength(uint8_t type) {
    switch (type) {
        case kFloat:
        case kDouble:
        case kTinyBlob:
        case kMediumBlob:
        case kLongBlob:
        case kBlob:
        case kGeometry:
        case kJson:
        case kTimestamp2:
        case kDatetime2:
        case kTime2:
        case kVector:
            return 1;
        case kVarchar:
        case kVarString:
        case kBit:
        case kNewDecimal:
        case kString:
        case kEnum:
        case kSet:
            return 2;
        default:
            return 0;
    }
}

void Unsupported(ColumnInfo *c, std::string why) {
    c->op = ColumnOp::kUnsupported;
    c->unsupported_reason = std::move(why);
}

} // namespace

const char *ColumnTypeName(uint8_t type) {
    switch (type) {
        case kDecimal:
            return "DECIMAL";
        case kTiny:
            return "TINY";
        case kShort:
            return "SHORT";
        case kLong:
            return "LONG";
        case kFloat:
            return "FLOAT";
        case kDouble:
            return "DOUBLE";
        case kNull:
            return "NULL";
        case kTimestamp:
            return "TIMESTAMP";
        case kLongLong:
            return "LONGLONG";
        case kInt24:
            return "INT24";
        case kDate:
            return "DATE";
        case kTime:
            return "TIME";
        case kDatetime:
            return "DATETIME";
        case kYear:
            return "YEAR";
        case kNewDate:
            return "NEWDATE";
        case kVarchar:
            return "VARCHAR";
        case kBit:
            return "BIT";
        case kTimestamp2:
            return "TIMESTAMP2";
        case kDatetime2:
            return "DATETIME2";
        case kTime2:
            return "TIME2";
        case kTypedArray:
            return "TYPED_ARRAY";
        case kVector:
            return "VECTOR";
        case kJson:
            return "JSON";
        case kNewDecimal:
            return "NEWDECIMAL";
        case kEnum:
            return "ENUM";
        case kSet:
            return "SET";
        case kTinyBlob:
            return "TINY_BLOB";
        case kMediumBlob:
            return "MEDIUM_BLOB";
        case kLongBlob:
            return "LONG_BLOB";
        case kBlob:
            return "BLOB";
        case kVarString:
            return "VAR_STRING";
        case kString:
            return "STRING";
        case kGeometry:
            return "GEOMETRY";
        default:
            return "UNKNOWN_TYPE";
    }
}

bool ColumnInfo::IsNumeric() const {
    switch (binlog_type) {
        case kTiny:
        case kShort:
        case kInt24:
        case kLong:
        case kLongLong:
        case kFloat:
        case kDouble:
        case kNewDecimal:
            return true;
        default:
            return false;
    }
}

bool ColumnInfo::IsCharacter() const {
    switch (type) {
        case kString:
        case kVarString:
        case kVarchar:
        case kTinyBlob:
        case kMediumBlob:
        case kLongBlob:
        case kBlob:
            return true;
        default:
            return false;
    }
}

int TableMap::FindColumn(std::string_view n) const {
    for (size_t i = 0; i < columns.size(); ++i)
        if (columns[i].name == n)
            return static_cast<int>(i);
    return -1;
}

void DeriveColumn(ColumnInfo *c, bool allow_legacy_temporal) {
    c->unsupported_reason.clear();
    c->charset = c->collation != 0 ? CharsetOfCollation(c->collation) : Charset::kUnknown;
    bool uns = c->signedness == Signedness::kUnsigned;
    uint8_t b0 = static_cast<uint8_t>(c->meta & 0xff), b1 = static_cast<uint8_t>(c->meta >> 8);
    c->type = c->binlog_type;
    switch (c->binlog_type) {
        case kTiny:
            c->op = uns ? ColumnOp::kUInt8 : ColumnOp::kInt8;
            break;
        case kShort:
            c->op = uns ? ColumnOp::kUInt16 : ColumnOp::kInt16;
            break;
        case kInt24:
            c->op = uns ? ColumnOp::kUInt24 : ColumnOp::kInt24;
            break;
        case kLong:
            c->op = uns ? ColumnOp::kUInt32 : ColumnOp::kInt32;
            break;
        case kLongLong:
            c->op = uns ? ColumnOp::kUInt64 : ColumnOp::kInt64;
            break;
        case kFloat:
            c->op = ColumnOp::kFloat;
            if (c->meta != 4)
                Unsupported(c, "FLOAT with pack length " + std::to_string(c->meta));
            break;
        case kDouble:
            c->op = ColumnOp::kDouble;
            if (c->meta != 8)
                Unsupported(c, "DOUBLE with pack length " + std::to_string(c->meta));
            break;
        case kNewDecimal: {
            c->precision = b0;
            c->scale = b1;
            if (c->precision == 0 || c->precision > 65 || c->scale > 30 || c->scale > c->precision) {
                Unsupported(c, "DECIMAL(" + std::to_string(b0) + "," + std::to_string(b1) + ")");
                break;
            }
            int intg = c->precision - c->scale;
            c->length = static_cast<uint32_t>((intg / 9) * 4 + kDigitsToBytes[intg % 9] + (c->scale / 9) * 4 +
                                              kDigitsToBytes[c->scale % 9]);
            c->op = ColumnOp::kDecimal;
            break;
        }
        case kBit:
            c->bits = static_cast<uint16_t>(b1 * 8 + b0);
            c->length = (c->bits + 7u) / 8u;
            if (c->bits == 0 || c->bits > 64 || b0 > 7)
                Unsupported(c, "BIT(" + std::to_string(c->bits) + ")");
            else
                c->op = ColumnOp::kBit;
            break;
        case kYear:
            c->op = ColumnOp::kYear;
            break;
        case kDate:
        case kNewDate:
            c->op = ColumnOp::kDate;
            break;
        case kTime2:
        case kDatetime2:
        case kTimestamp2:
            c->fsp = static_cast<uint8_t>(c->meta);
            if (c->fsp > 6) {
                Unsupported(c, "temporal column with " + std::to_string(c->fsp) + " fractional digits");
                break;
            }
            c->op = c->binlog_type == kTime2       ? ColumnOp::kTime2
                    : c->binlog_type == kDatetime2 ? ColumnOp::kDatetime2
                                                   : ColumnOp::kTimestamp2;
            break;
        case kTime:
        case kDatetime:
        case kTimestamp:
            if (!allow_legacy_temporal) {
                Unsupported(c, std::string("column uses the pre-MySQL-5.6 temporal format (binlog type ") +
                                   ColumnTypeName(c->binlog_type) +
                                   "), whose length depends on fractional digits the binlog does not record");
                break;
            }
            c->op = c->binlog_type == kTime       ? ColumnOp::kLegacyTime
                    : c->binlog_type == kDatetime ? ColumnOp::kLegacyDatetime
                                                  : ColumnOp::kLegacyTimestamp;
            break;
        case kVarchar:
        case kVarString:
            c->length = c->meta;
            c->op = c->length < 256 ? ColumnOp::kVarLen1 : ColumnOp::kVarLen2;
            break;
        case kString:
        case kEnum:
        case kSet: {
            uint8_t real_type;
            uint32_t len;
            if ((b0 & 0x30) != 0x30) {
                len = b1 | ((static_cast<uint32_t>((b0 & 0x30) ^ 0x30)) << 4);
                real_type = static_cast<uint8_t>(b0 | 0x30);
            } else {
                real_type = b0;
                len = b1;
            }
            if (c->binlog_type != kString && real_type != kEnum && real_type != kSet)
                real_type = c->binlog_type;
            c->type = real_type;
            c->length = len;
            if (real_type == kEnum) {
                if (len == 1)
                    c->op = ColumnOp::kEnum1;
                else if (len == 2)
                    c->op = ColumnOp::kEnum2;
                else
                    Unsupported(c, "ENUM with pack length " + std::to_string(len));
            } else if (real_type == kSet) {
                if (len >= 1 && len <= 8)
                    c->op = ColumnOp::kSet;
                else
                    Unsupported(c, "SET with pack length " + std::to_string(len));
            } else if (real_type == kString) {
                c->op = len < 256 ? ColumnOp::kFixedLen1 : ColumnOp::kFixedLen2;
            } else {
                Unsupported(c, "STRING column with real type " + std::to_string(real_type));
            }
            break;
        }
        case kTinyBlob:
        case kMediumBlob:
        case kLongBlob:
        case kBlob:
            c->length = c->meta;
            if (c->length < 1 || c->length > 4)
                Unsupported(c, "BLOB with a " + std::to_string(c->length) + "-byte length");
            else
                c->op = ColumnOp::kBlob;
            break;
        case kJson:
            c->length = c->meta;
            if (c->length < 1 || c->length > 4)
                Unsupported(c, "JSON with a " + std::to_string(c->length) + "-byte length");
            else
                c->op = ColumnOp::kJson;
            break;
        case kGeometry:
            c->length = c->meta;
            if (c->length < 1 || c->length > 4)
                Unsupported(c, "GEOMETRY with a " + std::to_string(c->length) + "-byte length");
            else
                c->op = ColumnOp::kGeometry;
            break;
        case kVector:
            c->length = 4;
            c->op = ColumnOp::kVector;
            break;
        case kNull:
            c->op = ColumnOp::kNullType;
            break;
        case kDecimal:
            Unsupported(c, "pre-MySQL-5.0 DECIMAL");
            break;
        default:
            Unsupported(c, "column type " + std::to_string(c->binlog_type));
            break;
    }
    c->char_length = 0;
    if (c->type == kString && c->charset != Charset::kUnknown)
        c->char_length = c->length / CharsetMaxBytes(c->charset, c->collation);
}

uint64_t PeekTableId(const Event &ev, const FormatDescription &fde) {
    ByteReader r(ev.body, ev.body_size, EventTypeName(ev.Type()));
    uint8_t ph = fde.PostHeaderLen(ev.Type());
    return ph == 6 ? r.U32() : r.U48();
}

namespace {

// Bit k of an MSB-first bitmap.
bool MsbBit(const uint8_t *bits, size_t nbytes, size_t k) {
    size_t byte = k / 8;
    if (byte >= nbytes)
        return false;
    return (bits[byte] & (0x80u >> (k % 8))) != 0;
}

void ApplyCharsets(ByteReader &f, bool default_form, const std::vector<size_t> &targets,
                   std::vector<ColumnInfo> &cols) {
    if (default_form) {
        uint64_t def = f.PackedInt();
        for (size_t idx : targets)
            cols[idx].collation = static_cast<uint32_t>(def);
        while (!f.AtEnd()) {
            uint64_t k = f.PackedInt();
            uint64_t coll = f.PackedInt();
            if (k >= targets.size())
                ThrowCorrupt("TABLE_MAP_EVENT charset metadata names character column " + std::to_string(k) +
                             " of " + std::to_string(targets.size()));
            cols[targets[k]].collation = static_cast<uint32_t>(coll);
        }
    } else {
        for (size_t idx : targets) {
            if (f.AtEnd())
                break;
            cols[idx].collation = static_cast<uint32_t>(f.PackedInt());
        }
    }
}

void ReadStringLists(ByteReader &f, const std::vector<size_t> &targets, std::vector<ColumnInfo> &cols) {
    for (size_t idx : targets) {
        if (f.AtEnd())
            break;
        uint64_t count = f.PackedInt();
        if (count > f.Remaining())
            ThrowCorrupt("TABLE_MAP_EVENT ENUM/SET value count exceeds its data");
        std::vector<std::string> &vals = cols[idx].enum_values;
        vals.clear();
        vals.reserve(static_cast<size_t>(count));
        for (uint64_t k = 0; k < count; ++k) {
            uint64_t len = f.PackedInt();
            if (len > f.Remaining())
                ThrowCorrupt("TABLE_MAP_EVENT ENUM/SET value longer than its data");
            vals.push_back(f.String(static_cast<size_t>(len)));
        }
    }
}

} // namespace

void ParseTableMap(const Event &ev, const FormatDescription &fde, TableMap *out, bool allow_legacy_temporal) {
    ByteReader r(ev.body, ev.body_size, "TABLE_MAP_EVENT");
    uint8_t ph = fde.PostHeaderLen(event_type::kTableMap);
    out->table_id = ph == 6 ? r.U32() : r.U48();
    out->flags = r.U16();
    if (ph > 8)
        r.Skip(ph - 8u);
    uint8_t db_len = r.U8();
    out->schema = r.String(db_len);
    r.Skip(1);
    uint8_t tbl_len = r.U8();
    out->table = r.String(tbl_len);
    r.Skip(1);
    uint64_t ncols = r.PackedInt();
    if (ncols > r.Remaining() || ncols > 4096)
        ThrowCorrupt("TABLE_MAP_EVENT for `" + out->schema + "`.`" + out->table + "` declares " +
                     std::to_string(ncols) + " columns");
    out->columns.assign(static_cast<size_t>(ncols), ColumnInfo());
    const uint8_t *types = r.Bytes(static_cast<size_t>(ncols));
    uint64_t meta_len = r.PackedInt();
    ByteReader m(r.Bytes(static_cast<size_t>(meta_len <= r.Remaining() ? meta_len : r.Remaining() + 1)),
                 static_cast<size_t>(meta_len), "TABLE_MAP_EVENT metadata");
    for (size_t i = 0; i < ncols; ++i) {
        ColumnInfo &c = out->columns[i];
        c.binlog_type = types[i];
        size_t ml = MetaLength(c.binlog_type);
        c.meta = static_cast<uint16_t>(ml == 0 ? 0 : ml == 1 ? m.U8() : m.U16());
    }
    if (!m.AtEnd())
        ThrowCorrupt("TABLE_MAP_EVENT metadata block has " + std::to_string(m.Remaining()) + " unused bytes");
    size_t nb = (static_cast<size_t>(ncols) + 7) / 8;
    const uint8_t *nulls = r.Bytes(nb);
    for (size_t i = 0; i < ncols; ++i)
        out->columns[i].nullable = (nulls[i / 8] >> (i % 8)) & 1;
    out->has_signedness = out->has_charsets = out->has_column_names = out->has_enum_set_values = false;
    out->has_primary_key = out->has_visibility = false;
    out->primary_key.clear();

    // Column groups the optional metadata refers to, by position within the group.
    std::vector<size_t> numeric, character, enum_set, enums, sets, geometry;
    for (size_t i = 0; i < ncols; ++i) {
        ColumnInfo &c = out->columns[i];
        DeriveColumn(&c, false); // resolves the real type of STRING columns
        if (c.IsNumeric())
            numeric.push_back(i);
        if (c.IsCharacter())
            character.push_back(i);
        if (c.IsEnumOrSet())
            enum_set.push_back(i);
        if (c.type == kEnum)
            enums.push_back(i);
        if (c.type == kSet)
            sets.push_back(i);
        if (c.type == kGeometry)
            geometry.push_back(i);
    }

    while (!r.AtEnd()) {
        uint8_t t = r.U8();
        uint64_t len = r.PackedInt();
        if (len > r.Remaining())
            ThrowCorrupt("TABLE_MAP_EVENT optional metadata field " + std::to_string(t) +
                         " is longer than the event");
        const uint8_t *fp = r.Bytes(static_cast<size_t>(len));
        ByteReader f(fp, static_cast<size_t>(len), "TABLE_MAP_EVENT optional metadata");
        switch (t) {
            case 1: // SIGNEDNESS
                out->has_signedness = true;
                for (size_t k = 0; k < numeric.size(); ++k)
                    out->columns[numeric[k]].signedness =
                        MsbBit(fp, static_cast<size_t>(len), k) ? Signedness::kUnsigned : Signedness::kSigned;
                break;
            case 2: // DEFAULT_CHARSET
            case 3: // COLUMN_CHARSET
                out->has_charsets = true;
                ApplyCharsets(f, t == 2, character, out->columns);
                break;
            case 4: // COLUMN_NAME
                out->has_column_names = true;
                for (size_t i = 0; i < ncols && !f.AtEnd(); ++i) {
                    uint64_t n = f.PackedInt();
                    if (n > f.Remaining())
                        ThrowCorrupt("TABLE_MAP_EVENT column name longer than its data");
                    out->columns[i].name = f.String(static_cast<size_t>(n));
                }
                break;
            case 5: // SET_STR_VALUE
                out->has_enum_set_values = true;
                ReadStringLists(f, sets, out->columns);
                break;
            case 6: // ENUM_STR_VALUE
                out->has_enum_set_values = true;
                ReadStringLists(f, enums, out->columns);
                break;
            case 7: // GEOMETRY_TYPE
                for (size_t idx : geometry) {
                    if (f.AtEnd())
                        break;
                    out->columns[idx].geometry_type = static_cast<uint32_t>(f.PackedInt());
                }
                break;
            case 8: // SIMPLE_PRIMARY_KEY
                out->has_primary_key = true;
                while (!f.AtEnd()) {
                    uint64_t idx = f.PackedInt();
                    if (idx >= ncols)
                        ThrowCorrupt("TABLE_MAP_EVENT primary key names column " + std::to_string(idx));
                    out->primary_key.push_back(static_cast<uint32_t>(idx));
                    out->columns[static_cast<size_t>(idx)].in_primary_key = true;
                }
                break;
            case 9: // PRIMARY_KEY_WITH_PREFIX
                out->has_primary_key = true;
                while (!f.AtEnd()) {
                    uint64_t idx = f.PackedInt();
                    uint64_t prefix = f.PackedInt();
                    if (idx >= ncols)
                        ThrowCorrupt("TABLE_MAP_EVENT primary key names column " + std::to_string(idx));
                    out->primary_key.push_back(static_cast<uint32_t>(idx));
                    out->columns[static_cast<size_t>(idx)].in_primary_key = true;
                    out->columns[static_cast<size_t>(idx)].pk_prefix = static_cast<uint32_t>(prefix);
                }
                break;
            case 10: // ENUM_AND_SET_DEFAULT_CHARSET
            case 11: // ENUM_AND_SET_COLUMN_CHARSET
                ApplyCharsets(f, t == 10, enum_set, out->columns);
                break;
            case 12: // COLUMN_VISIBILITY
                out->has_visibility = true;
                for (size_t i = 0; i < ncols; ++i)
                    out->columns[i].visible = MsbBit(fp, static_cast<size_t>(len), i);
                break;
            default:
                break; // unknown field (VECTOR_DIMENSIONALITY, future ones): skipped by length
        }
    }

    for (ColumnInfo &c : out->columns) {
        DeriveColumn(&c, allow_legacy_temporal);
        if (!c.enum_values.empty() && c.charset != Charset::kUnknown && c.charset != Charset::kBinary &&
            !IsUtf8Compatible(c.charset)) {
            for (std::string &v : c.enum_values) {
                std::string u;
                if (AppendUtf8(c.charset, reinterpret_cast<const uint8_t *>(v.data()), v.size(), &u))
                    v.swap(u);
            }
        }
    }
    out->raw.assign(ev.body, ev.body + ev.body_size);
}

void ApplyColumnHints(TableMap *map, const std::vector<ColumnHint> &hints) {
    if (hints.size() > map->columns.size())
        throw BinlogError(BinlogErrc::kInvalidArgument,
                          "schema hint for `" + map->schema + "`.`" + map->table + "` has " +
                              std::to_string(hints.size()) + " columns, the binlog table map " +
                              std::to_string(map->columns.size()));
    for (size_t i = 0; i < hints.size(); ++i) {
        ColumnInfo &c = map->columns[i];
        const ColumnHint &h = hints[i];
        if (h.name)
            c.name = *h.name;
        if (h.is_unsigned && c.IsNumeric())
            c.signedness = *h.is_unsigned ? Signedness::kUnsigned : Signedness::kSigned;
        if (h.collation)
            c.collation = *h.collation;
        if (h.enum_values)
            c.enum_values = *h.enum_values;
        bool legacy_ok = h.fsp && *h.fsp == 0;
        DeriveColumn(&c, legacy_ok);
        if (h.fsp && *h.fsp != 0 &&
            (c.binlog_type == kTime || c.binlog_type == kDatetime || c.binlog_type == kTimestamp))
            Unsupported(&c,
                        std::string("column uses MariaDB's pre-10.1 temporal format with ") +
                            std::to_string(*h.fsp) +
                            " fractional digits, which the binlog cannot describe; rebuild the table with "
                            "mysql56_temporal_format=ON (ALTER TABLE ... FORCE)");
    }
}

} // namespace chameleon::mysql::binlog
