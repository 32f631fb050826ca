#include "convert/binlog_value.hpp"

#include "common/error.hpp"

#include "mysql/binlog/json_binary.hpp"
#include "mysql/binlog/value_text.hpp"

#include <charconv>
#include <cstring>

namespace chameleon::convert {

using mysql::binlog::ColumnInfo;
using mysql::binlog::Value;
using mysql::binlog::ValueKind;

namespace {

template <typename T>
void AppendNumber(T v, std::string &out) {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr);
}

// ENUM/SET members: the table map's when it carries them, else information_schema's.
const std::vector<std::string> &LabelsOf(const ColumnInfo &info, const ReplicatedColumn &column) {
    return info.enum_values.empty() ? column.labels : info.enum_values;
}

} // namespace

std::string MariaDbUuidText(const uint8_t *u) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out.push_back('-');
        out.push_back(hex[u[i] >> 4]);
        out.push_back(hex[u[i] & 0xF]);
    }
    return out;
}

bool MysqlTextOf(const Value &v, const ColumnInfo &info, const ReplicatedColumn &column, std::string &out) {
    if (column.mariadb_uuid && (v.kind == ValueKind::kString || v.kind == ValueKind::kBytes)) {
        if (v.size != 16)
            throw Error("UUID value of column " + column.mapped.name + " has " + std::to_string(v.size) +
                            " bytes in the binlog, expected 16",
                        sqlstate::kDataException);
        out += MariaDbUuidText(v.data);
        return true;
    }
    switch (v.kind) {
        case ValueKind::kAbsent:
        case ValueKind::kNull:
            return false;
        case ValueKind::kInt:
            AppendNumber(v.i, out);
            return true;
        case ValueKind::kUInt:
            AppendNumber(v.u, out);
            return true;
        case ValueKind::kFloat:
            // The copy reads FLOAT as DOUBLE (exact); the shortest text that reads back as the same
            // float gives PostgreSQL's real the same value.
            AppendNumber(v.f, out);
            return true;
        case ValueKind::kDouble:
            AppendNumber(v.d, out);
            return true;
        case ValueKind::kDecimal:
            mysql::binlog::DecimalToString(v.data, v.size, info.precision, info.scale, &out);
            return true;
        case ValueKind::kBit: {
            // The text protocol gives BIT(n) as ceil(n/8) big-endian bytes.
            const int bytes = (info.bits + 7) / 8;
            for (int b = bytes - 1; b >= 0; --b)
                out.push_back(static_cast<char>((v.u >> (8 * b)) & 0xff));
            return true;
        }
        case ValueKind::kYear: {
            std::string digits = std::to_string(v.i);
            out.append(4 - std::min<size_t>(4, digits.size()), '0');
            out += digits;
            return true;
        }
        case ValueKind::kDate:
            mysql::binlog::AppendDate(v.date, &out);
            return true;
        case ValueKind::kTime:
            mysql::binlog::AppendTime(v.time, v.fsp, &out);
            return true;
        case ValueKind::kDateTime:
            mysql::binlog::AppendDateTime(v.datetime, v.fsp, &out);
            return true;
        case ValueKind::kTimestamp:
            if ((v.flags & mysql::binlog::value_flag::kZeroDate) != 0) {
                out += "0000-00-00 00:00:00";
                return true;
            }
            mysql::binlog::AppendTimestampUtc(v.timestamp, v.fsp, &out);
            return true;
        case ValueKind::kString:
        case ValueKind::kBytes:
        case ValueKind::kGeometry:
            out.append(reinterpret_cast<const char *>(v.data), v.size);
            return true;
        case ValueKind::kJson:
            if (v.size == 0)
                out += "null";
            else
                mysql::binlog::JsonBinaryToText(v.data, v.size, &out);
            return true;
        case ValueKind::kEnum: {
            const std::vector<std::string> &labels = LabelsOf(info, column);
            if (v.u == 0)
                return true; // MySQL's '' error value
            if (v.u > labels.size())
                throw Error("ENUM value #" + std::to_string(v.u) + " of column " + column.mapped.name +
                                " has no label (the table has " + std::to_string(labels.size()) + ")",
                            sqlstate::kDataException);
            out += labels[v.u - 1];
            return true;
        }
        case ValueKind::kSet: {
            const std::vector<std::string> &labels = LabelsOf(info, column);
            bool first = true;
            for (size_t b = 0; b < 64; ++b) {
                if (((v.u >> b) & 1) == 0)
                    continue;
                if (b >= labels.size())
                    throw Error("SET member #" + std::to_string(b + 1) + " of column " + column.mapped.name +
                                    " has no label (the table has " + std::to_string(labels.size()) + ")",
                                sqlstate::kDataException);
                if (!first)
                    out.push_back(',');
                first = false;
                out += labels[b];
            }
            return true;
        }
    }
    return false;
}

BinlogValueStatus AppendReplicatedValue(std::string &out, std::string &scratch, const Value &value,
                                        const ColumnInfo &info, const ReplicatedColumn &column,
                                        std::string *problem) {
    if (value.kind == ValueKind::kAbsent)
        return BinlogValueStatus::kAbsent;
    scratch.clear();
    if (!MysqlTextOf(value, info, column, scratch))
        return BinlogValueStatus::kNull;
    const size_t start = out.size();
    switch (AppendPgValue(out, column.spec, scratch.data(), scratch.size(), false)) {
        case ConvertStatus::kOk:
            return BinlogValueStatus::kOk;
        case ConvertStatus::kStripped:
            return BinlogValueStatus::kStripped;
        case ConvertStatus::kNull:
            out.resize(start);
            return BinlogValueStatus::kNull;
        case ConvertStatus::kNulByte:
            out.resize(start);
            if (problem != nullptr)
                *problem = "a NUL byte in character data (PostgreSQL text cannot store it): " +
                           DescribeValue(scratch.data(), scratch.size(), column.spec.kind);
            return BinlogValueStatus::kNulByte;
        case ConvertStatus::kBadValue:
            break;
    }
    out.resize(start);
    if (problem != nullptr)
        *problem = "value does not fit the column: " +
                   DescribeValue(scratch.data(), scratch.size(), column.spec.kind);
    return BinlogValueStatus::kBadValue;
}

} // namespace chameleon::convert
