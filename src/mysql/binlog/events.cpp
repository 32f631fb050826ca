#include "mysql/binlog/events.hpp"

#include "mysql/binlog/byte_reader.hpp"
#include "mysql/binlog/crc32.hpp"
#include "mysql/binlog/errors.hpp"
#include "mysql/binlog/inflate.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>

namespace chameleon::mysql::binlog {

namespace {

// v4 post-header lengths of the types we parse, used before/without an FDE entry.
uint8_t DefaultPostHeaderLen(uint8_t type) {
    using namespace event_type;
    switch (type) {
        case kStartV3:
            return 56;
        case kQuery:
        case kMariaQueryCompressed:
            return 13;
        case kRotate:
            return 8;
        case kLoad:
        case kNewLoad:
            return 18;
        case kCreateFile:
        case kAppendBlock:
        case kExecLoad:
        case kDeleteFile:
        case kBeginLoadQuery:
            return 4;
        case kFormatDescription:
            return 84;
        case kExecuteLoadQuery:
            return 26;
        case kTableMap:
            return 8;
        case kPreGaWriteRows:
        case kPreGaUpdateRows:
        case kPreGaDeleteRows:
            return 6;
        case kWriteRowsV1:
        case kUpdateRowsV1:
        case kDeleteRowsV1:
        case kMariaWriteRowsCompressedV1:
        case kMariaUpdateRowsCompressedV1:
        case kMariaDeleteRowsCompressedV1:
            return 8;
        case kIncident:
            return 2;
        case kWriteRowsV2:
        case kUpdateRowsV2:
        case kDeleteRowsV2:
        case kPartialUpdateRows:
        case kMariaWriteRowsCompressed:
        case kMariaUpdateRowsCompressed:
        case kMariaDeleteRowsCompressed:
            return 10;
        case kGtid:
        case kAnonymousGtid:
            return 42;
        case kTransactionContext:
            return 18;
        case kViewChange:
            return 52;
        case kMariaBinlogCheckpoint:
            return 4;
        case kMariaGtid:
            return 19;
        case kMariaGtidList:
            return 4;
        default:
            return 0;
    }
}

void ParseVersion(const std::string &v, int *major, int *minor, int *patch) {
    *major = *minor = *patch = 0;
    int parts[3] = {0, 0, 0};
    size_t i = 0;
    for (int k = 0; k < 3; ++k) {
        int n = 0;
        bool any = false;
        while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i])) && n < 1000) {
            n = n * 10 + (v[i] - '0');
            ++i;
            any = true;
        }
        if (!any)
            break;
        parts[k] = n;
        if (i < v.size() && v[i] == '.')
            ++i;
        else
            break;
    }
    *major = parts[0];
    *minor = parts[1];
    *patch = parts[2];
}

// Starts a reader after the post-header of `ev` (skipping post-header bytes we do not know).
ByteReader BodyReader(const Event &ev, const char *what) {
    return ByteReader(ev.body, ev.body_size, what);
}

std::string HexU32(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08x", v);
    return buf;
}

} // namespace

uint8_t FormatDescription::PostHeaderLen(uint8_t type) const {
    if (type >= 1 && static_cast<size_t>(type) <= post_header_len.size())
        return post_header_len[type - 1];
    return DefaultPostHeaderLen(type);
}

FormatDescription FormatDescription::Default() {
    FormatDescription f;
    f.server_version = "";
    return f;
}

void ParseEventHeader(const uint8_t *p, EventHeader *h) {
    h->timestamp = LoadLe32(p);
    h->type = p[4];
    h->server_id = LoadLe32(p + 5);
    h->event_length = LoadLe32(p + 9);
    h->log_pos = LoadLe32(p + 13);
    h->flags = LoadLe16(p + 17);
}

FormatDescription ParseFormatDescription(const uint8_t *body, size_t size) {
    ByteReader r(body, size, "FORMAT_DESCRIPTION_EVENT");
    FormatDescription f;
    f.binlog_version = r.U16();
    if (f.binlog_version != 4)
        throw BinlogError(BinlogErrc::kUnsupported, "binlog format version " +
                                                        std::to_string(f.binlog_version) +
                                                        " is not supported (need 4)");
    std::string_view ver = r.View(50);
    size_t nul = ver.find('\0');
    f.server_version = std::string(ver.substr(0, nul));
    f.create_timestamp = r.U32();
    f.common_header_len = r.U8();
    if (f.common_header_len < kEventHeaderSize)
        ThrowCorrupt("FORMAT_DESCRIPTION_EVENT declares a common header of " +
                     std::to_string(f.common_header_len) + " bytes");
    f.mariadb = f.server_version.find("MariaDB") != std::string::npos;
    ParseVersion(f.server_version, &f.version_major, &f.version_minor, &f.version_patch);
    long v = f.version_major * 10000L + f.version_minor * 100L + f.version_patch;
    bool checksum_aware = f.mariadb ? v >= 50300 : v >= 50601;
    size_t n = r.Remaining();
    if (checksum_aware) {
        if (n < 5)
            ThrowCorrupt("FORMAT_DESCRIPTION_EVENT is too short for its checksum algorithm");
        n -= 5;
    }
    const uint8_t *ph = r.Bytes(n);
    f.post_header_len.assign(ph, ph + n);
    if (checksum_aware) {
        uint8_t alg = r.U8();
        if (alg == 0)
            f.checksum = ChecksumAlg::kOff;
        else if (alg == 1)
            f.checksum = ChecksumAlg::kCrc32;
        else
            throw BinlogError(BinlogErrc::kUnsupported, "unknown binlog checksum algorithm " +
                                                            std::to_string(alg) +
                                                            " in FORMAT_DESCRIPTION_EVENT");
    }
    return f;
}

EventFramer::EventFramer() : fde_(FormatDescription::Default()) {}

void EventFramer::Frame(const uint8_t *data, size_t size, Event *out) {
    if (size < kEventHeaderSize)
        ThrowCorrupt("binlog event of " + std::to_string(size) + " bytes is shorter than its 19-byte header");
    ParseEventHeader(data, &out->header);
    const EventHeader &h = out->header;
    if (h.event_length != size)
        ThrowCorrupt(std::string(EventTypeName(h.type)) + " at log_pos " + std::to_string(h.log_pos) +
                     " declares " + std::to_string(h.event_length) + " bytes but " + std::to_string(size) +
                     " were received");
    out->data = data;
    out->size = size;
    out->in_payload = false;
    bool has_crc;
    if (h.type == event_type::kFormatDescription) {
        FormatDescription f = ParseFormatDescription(data + kEventHeaderSize, size - kEventHeaderSize);
        has_crc = f.checksum == ChecksumAlg::kCrc32;
        if (has_crc && verify_) {
            // The FDE's CRC is computed without LOG_EVENT_BINLOG_IN_USE_F, which the server sets in
            // the file while it is open and clears when it closes it.
            uint32_t want = LoadLe32(data + size - 4);
            uint8_t flags[2] = {static_cast<uint8_t>(data[17] & ~event_flag::kBinlogInUse), data[18]};
            uint32_t got = Crc32(0, data, 17);
            got = Crc32(got, flags, 2);
            got = Crc32(got, data + 19, size - 4 - 19);
            if (want != got)
                throw BinlogError(BinlogErrc::kChecksumMismatch,
                                  "FORMAT_DESCRIPTION_EVENT fails its CRC32 check (stored " + HexU32(want) +
                                      ", computed " + HexU32(got) + ")");
        }
        fde_ = std::move(f);
        have_fde_ = true;
        out->has_checksum = has_crc;
        out->body = data + kEventHeaderSize;
        out->body_size = size - kEventHeaderSize - (has_crc ? kChecksumSize : 0);
        return;
    }
    if (h.type == event_type::kRotate && (h.flags & event_flag::kArtificial) != 0) {
        // The artificial ROTATE precedes the FDE; whether it carries a CRC depends on what the
        // server thinks we announced. Decide by the CRC itself.
        has_crc = size >= kEventHeaderSize + 8 + kChecksumSize &&
                  LoadLe32(data + size - 4) == Crc32(0, data, size - 4);
    } else {
        has_crc = CurrentChecksum() == ChecksumAlg::kCrc32;
        if (has_crc) {
            if (size < kEventHeaderSize + kChecksumSize)
                ThrowCorrupt(std::string(EventTypeName(h.type)) + " at log_pos " + std::to_string(h.log_pos) +
                             " is too short to carry its CRC32");
            if (verify_) {
                uint32_t want = LoadLe32(data + size - 4);
                uint32_t got = Crc32(0, data, size - 4);
                if (want != got)
                    throw BinlogError(BinlogErrc::kChecksumMismatch,
                                      std::string(EventTypeName(h.type)) + " ending at log_pos " +
                                          std::to_string(h.log_pos) + " fails its CRC32 check (stored " +
                                          HexU32(want) + ", computed " + HexU32(got) + ")");
            }
        }
    }
    out->has_checksum = has_crc;
    out->body = data + kEventHeaderSize;
    out->body_size = size - kEventHeaderSize - (has_crc ? kChecksumSize : 0);
}

void EventFramer::FrameInner(const uint8_t *data, size_t size, Event *out) const {
    if (size < kEventHeaderSize)
        ThrowCorrupt("event inside TRANSACTION_PAYLOAD_EVENT is shorter than its header");
    ParseEventHeader(data, &out->header);
    if (out->header.event_length != size)
        ThrowCorrupt("event inside TRANSACTION_PAYLOAD_EVENT has a bad length");
    out->data = data;
    out->size = size;
    out->has_checksum = false;
    out->in_payload = true;
    out->body = data + kEventHeaderSize;
    out->body_size = size - kEventHeaderSize;
}

// ---------------- parsers ----------------

void ParseRotate(const Event &ev, const FormatDescription &fde, RotateEvent *out) {
    ByteReader r = BodyReader(ev, "ROTATE_EVENT");
    uint8_t ph = fde.PostHeaderLen(event_type::kRotate);
    if (ph >= 8) {
        out->position = r.U64();
        r.Skip(ph - 8);
    } else {
        r.Skip(ph);
        out->position = 4;
    }
    out->next_file = std::string(r.Rest());
    size_t nul = out->next_file.find('\0');
    if (nul != std::string::npos)
        out->next_file.resize(nul);
}

void MariaUncompress(const uint8_t *data, size_t size, size_t max_size, std::vector<uint8_t> *out) {
    ByteReader r(data, size, "compressed event data");
    uint8_t hdr = r.U8();
    if ((hdr & 0x80) == 0)
        ThrowCorrupt("compressed event data without its 0x80 header bit");
    unsigned alg = (hdr >> 4) & 0x07;
    unsigned nbytes = hdr & 0x07;
    if (alg != 0)
        throw BinlogError(BinlogErrc::kUnsupported, "compressed binlog event uses algorithm " +
                                                        std::to_string(alg) + " (only zlib, 0, is known)");
    if (nbytes < 1 || nbytes > 4)
        ThrowCorrupt("compressed event data with a " + std::to_string(nbytes) + "-byte length");
    uint64_t len = r.UintBeN(nbytes);
    if (len > max_size)
        ThrowCorrupt("compressed event announces " + std::to_string(len) + " bytes, more than the limit of " +
                     std::to_string(max_size));
    ZlibDecompress(r.Pos(), r.Remaining(), static_cast<size_t>(len), out);
}

void ParseQuery(const Event &ev, const FormatDescription &fde, QueryEvent *out,
                std::vector<uint8_t> *scratch) {
    *out = QueryEvent();
    ByteReader r = BodyReader(ev, "QUERY_EVENT");
    uint8_t ph = fde.PostHeaderLen(ev.Type());
    if (ph < 11)
        ThrowCorrupt("QUERY_EVENT post-header of " + std::to_string(ph) + " bytes is too short");
    out->thread_id = r.U32();
    out->exec_time = r.U32();
    uint8_t db_len = r.U8();
    out->error_code = r.U16();
    uint16_t status_len = 0;
    if (ph >= 13)
        status_len = r.U16();
    if (ph > 13)
        r.Skip(ph - 13u);
    ByteReader s(r.Bytes(status_len), status_len, "QUERY_EVENT status variables");
    while (!s.AtEnd()) {
        uint8_t code = s.U8();
        switch (code) {
            case 0:
                out->has_flags2 = true;
                out->flags2 = s.U32();
                break;
            case 1:
                out->has_sql_mode = true;
                out->sql_mode = s.U64();
                break;
            case 2: { // old catalog: len, text, NUL
                uint8_t n = s.U8();
                out->catalog = s.View(n);
                s.Skip(1);
                break;
            }
            case 3:
                s.Skip(4);
                break; // auto_increment increment + offset
            case 4:
                out->has_charset = true;
                out->charset_client = s.U16();
                out->collation_connection = s.U16();
                out->collation_server = s.U16();
                break;
            case 5: {
                uint8_t n = s.U8();
                out->time_zone = s.View(n);
                break;
            }
            case 6: {
                uint8_t n = s.U8();
                out->catalog = s.View(n);
                break;
            }
            case 7:
                out->has_lc_time_names = true;
                out->lc_time_names = s.U16();
                break;
            case 8:
                out->has_charset_database = true;
                out->charset_database = s.U16();
                break;
            case 9:
                s.Skip(8);
                break; // table_map_for_update
            case 10:
                s.Skip(4);
                break; // master_data_written
            case 11: { // invoker: user, host
                uint8_t n = s.U8();
                s.Skip(n);
                n = s.U8();
                s.Skip(n);
                break;
            }
            case 12: { // updated db names
                uint8_t count = s.U8();
                if (count == 254)
                    break; // OVER_MAX_DBS_IN_EVENT_MTS: no names follow
                for (uint8_t i = 0; i < count; ++i) {
                    const uint8_t *start = s.Pos();
                    size_t k = 0;
                    while (k < s.Remaining() && start[k] != 0)
                        ++k;
                    out->updated_db_names.push_back(s.View(k));
                    s.Skip(1); // NUL
                }
                break;
            }
            case 13:
                s.Skip(3);
                break; // microseconds
            case 14:
                s.Skip(1);
                break; // commit_ts (unused by servers)
            case 15:
                s.Skip(1);
                break; // commit_ts2
            case 16:
                s.Skip(1);
                break; // explicit_defaults_for_timestamp
            case 17:
                out->has_ddl_xid = true;
                out->ddl_xid = s.U64();
                break;
            case 18:
                out->has_default_collation_utf8mb4 = true;
                out->default_collation_utf8mb4 = s.U16();
                break;
            case 19:
                s.Skip(1);
                break; // sql_require_primary_key
            case 20:
                s.Skip(1);
                break; // default_table_encryption
            case 128:
                s.Skip(3);
                break; // MariaDB hrnow
            case 129:  // MariaDB xid
                out->has_mariadb_xid = true;
                out->mariadb_xid = s.U64();
                break;
            default:
                // Values have implicit lengths: an unknown code ends the parse of this block.
                out->status_vars_incomplete = true;
                s.Skip(s.Remaining());
                break;
        }
    }
    out->db = r.View(db_len);
    r.Skip(1); // NUL after the database name
    if (ev.Type() == event_type::kMariaQueryCompressed) {
        std::string_view rest = r.Rest();
        MariaUncompress(reinterpret_cast<const uint8_t *>(rest.data()), rest.size(), 1u << 30, scratch);
        out->query = std::string_view(reinterpret_cast<const char *>(scratch->data()), scratch->size());
    } else {
        out->query = r.Rest();
    }
}

void ParseXid(const Event &ev, const FormatDescription &fde, XidEvent *out) {
    ByteReader r = BodyReader(ev, "XID_EVENT");
    r.Skip(fde.PostHeaderLen(event_type::kXid));
    out->xid = r.U64();
}

void ParseMariaGtid(const Event &ev, const FormatDescription &, MariaGtidEvent *out) {
    *out = MariaGtidEvent();
    ByteReader r = BodyReader(ev, "GTID_EVENT");
    out->gtid.seq_no = r.U64();
    out->gtid.domain_id = r.U32();
    out->gtid.server_id = ev.header.server_id;
    out->flags = r.U8();
    if (out->flags & maria_gtid_flag::kGroupCommitId) {
        out->has_commit_id = true;
        out->commit_id = r.U64();
    } else {
        r.Skip(6);
    }
    if (out->flags & (maria_gtid_flag::kPreparedXa | maria_gtid_flag::kCompletedXa)) {
        out->xa_format_id = r.U32();
        uint8_t gl = r.U8(), bl = r.U8();
        if (gl > 64 || bl > 64)
            ThrowCorrupt("GTID_EVENT with an XA id longer than 64 bytes");
        out->xa_gtrid = r.String(gl);
        out->xa_bqual = r.String(bl);
    }
    if (!r.AtEnd())
        out->flags_extra = r.U8(); // newer servers: flags_extra and the fields it implies (ignored)
}

void ParseGtidList(const Event &ev, const FormatDescription &, GtidListEvent *out) {
    ByteReader r = BodyReader(ev, "GTID_LIST_EVENT");
    uint32_t word = r.U32();
    uint32_t count = word & 0x0fffffff;
    out->flags = word >> 28;
    if (count > r.Remaining() / 16)
        ThrowCorrupt("GTID_LIST_EVENT count " + std::to_string(count) + " exceeds its data");
    out->gtids.clear();
    out->gtids.reserve(count);
    for (uint32_t i = 0; i < count; ++i) {
        MariaGtid g;
        g.domain_id = r.U32();
        g.server_id = r.U32();
        g.seq_no = r.U64();
        out->gtids.push_back(g);
    }
}

void ParseBinlogCheckpoint(const Event &ev, const FormatDescription &, BinlogCheckpointEvent *out) {
    ByteReader r = BodyReader(ev, "BINLOG_CHECKPOINT_EVENT");
    uint32_t len = r.U32();
    out->file = r.String(len);
}

std::string_view ParseAnnotateRows(const Event &ev, const FormatDescription &fde) {
    ByteReader r = BodyReader(ev, "ANNOTATE_ROWS_EVENT");
    r.Skip(fde.PostHeaderLen(event_type::kMariaAnnotateRows));
    return r.Rest();
}

std::string_view ParseRowsQuery(const Event &ev, const FormatDescription &fde) {
    ByteReader r = BodyReader(ev, "ROWS_QUERY_LOG_EVENT");
    r.Skip(fde.PostHeaderLen(event_type::kRowsQuery));
    r.Skip(1); // truncated length byte, not meaningful
    return r.Rest();
}

void ParseMySqlGtid(const Event &ev, const FormatDescription &fde, MySqlGtidEvent *out) {
    *out = MySqlGtidEvent();
    out->anonymous = ev.Type() == event_type::kAnonymousGtid;
    ByteReader r = BodyReader(ev, "GTID_LOG_EVENT");
    uint8_t ph = fde.PostHeaderLen(ev.Type());
    if (ph < 25)
        ph = 25;
    ByteReader p(r.Bytes(ph < r.Remaining() ? ph : r.Remaining()), ph < r.Remaining() ? ph : r.Remaining(),
                 "GTID_LOG_EVENT post-header");
    out->flags = p.U8();
    const uint8_t *sid = p.Bytes(16);
    std::memcpy(out->sid.bytes.data(), sid, 16);
    out->gno = p.U64();
    if (p.Remaining() >= 17) {
        uint8_t lt_type = p.U8();
        if (lt_type == 2) {
            out->has_logical_clock = true;
            out->last_committed = p.U64();
            out->sequence_number = p.U64();
        }
    }
    // Body: optional fields, each present only if the server wrote it.
    if (r.Remaining() >= 7) {
        out->has_commit_ts = true;
        uint64_t ts = r.UintN(7);
        const uint64_t kHigh = 1ull << 55;
        if (ts & kHigh) {
            out->immediate_commit_ts = ts & ~kHigh;
            out->original_commit_ts = r.UintN(7);
        } else {
            out->immediate_commit_ts = out->original_commit_ts = ts;
        }
    }
    if (!r.AtEnd()) {
        out->has_transaction_length = true;
        out->transaction_length = r.PackedInt();
    }
    if (r.Remaining() >= 4) {
        out->has_server_version = true;
        uint32_t v = r.U32();
        if (v & 0x80000000u) {
            out->immediate_server_version = v & 0x7fffffffu;
            out->original_server_version = r.U32();
        } else {
            out->immediate_server_version = out->original_server_version = v;
        }
    }
    // MySQL 8.0.33+ may append commit_group_ticket; ignored.
}

void ParsePreviousGtids(const Event &ev, const FormatDescription &fde, GtidSet *out) {
    ByteReader r = BodyReader(ev, "PREVIOUS_GTIDS_LOG_EVENT");
    r.Skip(fde.PostHeaderLen(event_type::kPreviousGtids));
    *out = GtidSet::Decode(r);
}

void ParseHeartbeat(const Event &ev, const FormatDescription &, HeartbeatEvent *out) {
    ByteReader r = BodyReader(ev, "HEARTBEAT_LOG_EVENT");
    if (ev.Type() == event_type::kHeartbeat) {
        out->file = std::string(r.Rest());
        out->position = ev.header.log_pos;
        return;
    }
    out->file.clear();
    out->position = ev.header.log_pos;
    while (!r.AtEnd()) {
        uint64_t type = r.PackedInt();
        if (type == 0)
            break;
        uint64_t len = r.PackedInt();
        if (len > r.Remaining())
            ThrowCorrupt("HEARTBEAT_LOG_EVENT_V2 field longer than the event");
        ByteReader f(r.Bytes(static_cast<size_t>(len)), static_cast<size_t>(len),
                     "HEARTBEAT_LOG_EVENT_V2 field");
        if (type == 1)
            out->file = std::string(f.Rest());
        else if (type == 2)
            out->position = f.PackedInt();
    }
}

namespace {
// A TLV value of the payload header: a length-encoded integer of exactly `len` bytes (MySQL), or a
// little-endian integer of `len` bytes.
uint64_t PayloadFieldValue(ByteReader &f, size_t len) {
    if (len == 0)
        return 0;
    uint8_t b = f.Pos()[0];
    size_t enc = b < 0xfb ? 1 : b == 0xfc ? 3 : b == 0xfd ? 4 : b == 0xfe ? 9 : 0;
    if (enc == len)
        return f.PackedInt();
    if (len > 8)
        ThrowCorrupt("TRANSACTION_PAYLOAD_EVENT header field of " + std::to_string(len) + " bytes");
    return f.UintN(len);
}
} // namespace

void ParseTransactionPayload(const Event &ev, const FormatDescription &fde, TransactionPayloadEvent *out) {
    *out = TransactionPayloadEvent();
    ByteReader r = BodyReader(ev, "TRANSACTION_PAYLOAD_EVENT");
    r.Skip(fde.PostHeaderLen(event_type::kTransactionPayload));
    bool have_size = false;
    while (!r.AtEnd()) {
        uint64_t type = r.PackedInt();
        if (type == 0)
            break;
        uint64_t len = r.PackedInt();
        if (len > r.Remaining())
            ThrowCorrupt("TRANSACTION_PAYLOAD_EVENT header field longer than the event");
        ByteReader f(r.Bytes(static_cast<size_t>(len)), static_cast<size_t>(len),
                     "TRANSACTION_PAYLOAD_EVENT field");
        switch (type) {
            case 1:
                out->payload_size = PayloadFieldValue(f, static_cast<size_t>(len));
                have_size = true;
                break;
            case 2:
                out->compression = PayloadFieldValue(f, static_cast<size_t>(len));
                break;
            case 3:
                out->uncompressed_size = PayloadFieldValue(f, static_cast<size_t>(len));
                break;
            default:
                break; // unknown field: skipped by length
        }
    }
    out->payload = r.Pos();
    out->payload_len = r.Remaining();
    if (have_size && out->payload_size != out->payload_len)
        ThrowCorrupt("TRANSACTION_PAYLOAD_EVENT payload is " + std::to_string(out->payload_len) +
                     " bytes, its header says " + std::to_string(out->payload_size));
}

void ParseXaPrepare(const Event &ev, const FormatDescription &fde, XaPrepareEvent *out) {
    ByteReader r = BodyReader(ev, "XA_PREPARE_LOG_EVENT");
    r.Skip(fde.PostHeaderLen(event_type::kXaPrepare));
    out->one_phase = r.U8() != 0;
    out->format_id = r.U32();
    uint32_t gl = r.U32(), bl = r.U32();
    if (gl > 64 || bl > 64)
        ThrowCorrupt("XA_PREPARE_LOG_EVENT with an XA id longer than 64 bytes");
    out->gtrid = r.String(gl);
    out->bqual = r.String(bl);
}

void ParseIncident(const Event &ev, const FormatDescription &fde, IncidentEvent *out) {
    ByteReader r = BodyReader(ev, "INCIDENT_EVENT");
    uint8_t ph = fde.PostHeaderLen(event_type::kIncident);
    out->incident = r.U16();
    if (ph > 2)
        r.Skip(ph - 2u);
    out->message.clear();
    if (!r.AtEnd()) {
        uint8_t n = r.U8();
        out->message = r.String(n <= r.Remaining() ? n : r.Remaining());
    }
}

// ---------------- query classification ----------------

namespace {

// Skips whitespace and SQL comments (-- , #, /* */ but not the executable /*! */ and /*M! */).
size_t SkipSpaceAndComments(std::string_view q, size_t i, bool *only_comments_seen) {
    for (;;) {
        while (i < q.size() && std::isspace(static_cast<unsigned char>(q[i])))
            ++i;
        if (i >= q.size())
            return i;
        if (q[i] == '#' || (q[i] == '-' && i + 2 < q.size() && q[i + 1] == '-' &&
                            std::isspace(static_cast<unsigned char>(q[i + 2])))) {
            *only_comments_seen = true;
            while (i < q.size() && q[i] != '\n')
                ++i;
            continue;
        }
        if (q[i] == '/' && i + 1 < q.size() && q[i + 1] == '*') {
            bool executable = i + 2 < q.size() && (q[i + 2] == '!' || q[i + 2] == 'M');
            if (executable) {
                // Executable comment: skip the marker and version digits, continue inside.
                i += 3;
                if (i < q.size() && q[i - 1] == 'M' && q[i] == '!')
                    ++i;
                while (i < q.size() && std::isdigit(static_cast<unsigned char>(q[i])))
                    ++i;
                continue;
            }
            *only_comments_seen = true;
            size_t end = q.find("*/", i + 2);
            i = end == std::string_view::npos ? q.size() : end + 2;
            continue;
        }
        return i;
    }
}

std::string_view Word(std::string_view q, size_t *i) {
    size_t start = *i;
    while (*i < q.size() && (std::isalnum(static_cast<unsigned char>(q[*i])) || q[*i] == '_'))
        ++*i;
    return q.substr(start, *i - start);
}

bool IEquals(std::string_view a, const char *b) {
    size_t n = std::strlen(b);
    if (a.size() != n)
        return false;
    for (size_t k = 0; k < n; ++k)
        if (std::toupper(static_cast<unsigned char>(a[k])) != b[k])
            return false;
    return true;
}

} // namespace

QueryKind ClassifyQuery(std::string_view q) {
    bool comments = false;
    size_t i = SkipSpaceAndComments(q, 0, &comments);
    if (i >= q.size())
        return QueryKind::kDummy;
    std::string_view w = Word(q, &i);
    if (IEquals(w, "BEGIN"))
        return QueryKind::kBegin;
    if (IEquals(w, "COMMIT"))
        return QueryKind::kCommit;
    if (IEquals(w, "START")) {
        i = SkipSpaceAndComments(q, i, &comments);
        std::string_view w2 = Word(q, &i);
        return IEquals(w2, "TRANSACTION") ? QueryKind::kBegin : QueryKind::kDdl;
    }
    if (IEquals(w, "ROLLBACK")) {
        i = SkipSpaceAndComments(q, i, &comments);
        std::string_view w2 = Word(q, &i);
        if (IEquals(w2, "WORK")) {
            i = SkipSpaceAndComments(q, i, &comments);
            w2 = Word(q, &i);
        }
        return IEquals(w2, "TO") ? QueryKind::kSavepoint : QueryKind::kRollback;
    }
    if (IEquals(w, "SAVEPOINT") || IEquals(w, "RELEASE"))
        return QueryKind::kSavepoint;
    if (IEquals(w, "XA")) {
        i = SkipSpaceAndComments(q, i, &comments);
        std::string_view w2 = Word(q, &i);
        if (IEquals(w2, "START") || IEquals(w2, "BEGIN"))
            return QueryKind::kBegin;
        if (IEquals(w2, "ROLLBACK"))
            return QueryKind::kRollback;
        return QueryKind::kCommit; // XA END / PREPARE / COMMIT
    }
    static const char *const kDml[] = {"INSERT", "UPDATE", "DELETE", "REPLACE", "LOAD",
                                       "CALL",   "DO",     "SELECT", "WITH",    "VALUES"};
    for (const char *d : kDml)
        if (IEquals(w, d))
            return QueryKind::kDml;
    if (w.empty())
        return QueryKind::kDdl;
    return QueryKind::kDdl;
}

} // namespace chameleon::mysql::binlog
