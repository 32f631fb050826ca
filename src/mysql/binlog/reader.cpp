#include "mysql/binlog/reader.hpp"

#include "mysql/binlog/byte_reader.hpp"
#include "mysql/binlog/errors.hpp"

#include <cctype>
#include <cstring>

namespace chameleon::mysql::binlog {

namespace {

constexpr size_t kMaxCachedTables = 512;

bool EndsWithStartTransaction(std::string_view q) {
    while (!q.empty() && (std::isspace(static_cast<unsigned char>(q.back())) || q.back() == ';'))
        q.remove_suffix(1);
    const char kTail[] = "START TRANSACTION";
    size_t n = sizeof(kTail) - 1;
    if (q.size() < n)
        return false;
    for (size_t i = 0; i < n; ++i)
        if (std::toupper(static_cast<unsigned char>(q[q.size() - n + i])) != kTail[i])
            return false;
    return true;
}

std::string Shorten(std::string_view s, size_t max) {
    if (s.size() <= max)
        return std::string(s);
    return std::string(s.substr(0, max)) + "...";
}

} // namespace

BinlogReader::BinlogReader(EventSource *source, ReaderOptions options)
    : source_(source), opt_(std::move(options)) {
    framer_.SetAnnouncedChecksum(opt_.announced_checksum);
    framer_.SetVerifyChecksum(opt_.verify_checksum);
}

void BinlogReader::SetStart(const Coordinates &start) {
    committed_ = start;
    file_ = start.file;
    pos_ = start.pos;
    explicit_mysql_start_ = !start.mysql_gtids.Empty();
}

std::string BinlogReader::Where() const {
    std::string w = file_.empty() ? std::string("<binlog>") : file_;
    uint64_t start = event_.in_payload ? 0 : event_.StartPos();
    if (start != 0)
        w += ":" + std::to_string(start);
    else if (!event_.in_payload && event_.header.log_pos != 0)
        w += ":" + std::to_string(event_.header.log_pos) + " (end)";
    if (event_.in_payload)
        w += " (inside the TRANSACTION_PAYLOAD_EVENT ending at " + std::to_string(payload_end_pos_) + ")";
    return w;
}

void BinlogReader::Rethrow(const BinlogError &e) {
    std::string type = event_.data ? EventTypeName(event_.header.type) : "event";
    throw BinlogError(e.Code(), std::string(e.what()) + " [" + type + " at " + Where() + "]", e.Detail(),
                      e.Hint(), e.ServerErrno());
}

bool BinlogReader::NextRawEvent(const uint8_t **data, size_t *size, bool *inner) {
    if (payload_.Active()) {
        if (payload_.Next(data, size)) {
            *inner = true;
            return true;
        }
    }
    *inner = false;
    return source_->NextRaw(data, size);
}

const TableMap *BinlogReader::FindTable(uint64_t table_id) const {
    auto it = tables_.find(table_id);
    return it == tables_.end() ? nullptr : it->second.get();
}

void BinlogReader::BeginRows(RowDecoder *decoder) const {
    if (!IsRows() || !current_map_)
        throw BinlogError(BinlogErrc::kInvalidArgument, "BeginRows() called on a non-rows event");
    decoder->Begin(rows_, *current_map_);
}

void BinlogReader::Commit() {
    is_commit_ = true;
    in_tx_ = false;
    saw_begin_ = false;
    committed_.file = file_;
    committed_.pos = pos_;
    if (have_pending_maria_)
        committed_.maria_gtid.Update(pending_maria_);
    if (have_pending_mysql_)
        committed_.mysql_gtids.Add(pending_sid_, pending_gno_);
    have_pending_maria_ = have_pending_mysql_ = false;
    maria_group_ = false;
    maria_standalone_ = false;
    if (tables_.size() > kMaxCachedTables)
        tables_.clear();
}

bool BinlogReader::Next() {
    for (;;) {
        const uint8_t *data = nullptr;
        size_t size = 0;
        bool inner = false;
        is_commit_ = false;
        current_map_ = nullptr;
        bool from_payload = payload_.Active();
        try {
            if (!NextRawEvent(&data, &size, &inner))
                return false;
        } catch (const BinlogError &e) {
            if (from_payload)
                Rethrow(e); // the source reports its own errors with their context
            throw;
        }
        try {
            if (inner)
                framer_.FrameInner(data, size, &event_);
            else
                framer_.Frame(data, size, &event_);
            ++events_;
            if (Handle())
                return true;
        } catch (const BinlogError &e) {
            Rethrow(e);
        }
    }
}

bool BinlogReader::Handle() {
    using namespace event_type;
    const EventHeader &h = event_.header;
    const FormatDescription &fde = framer_.Fde();
    if (!event_.in_payload && h.log_pos != 0 && h.type != kRotate)
        pos_ = h.log_pos;
    // Events between transactions that carry a real position are safe restart points too (after a
    // GTID start, the artificial GTID_LIST_EVENT tells where the first wanted transaction begins).
    auto idle_point = [&]() {
        if (!in_tx_ && !event_.in_payload && h.log_pos != 0) {
            committed_.file = file_;
            committed_.pos = pos_;
        }
    };
    switch (h.type) {
        case kFormatDescription:
            idle_point();
            return true;
        case kRotate:
            ParseRotate(event_, fde, &rotate_);
            file_ = rotate_.next_file;
            pos_ = rotate_.position;
            if (!in_tx_) {
                committed_.file = file_;
                committed_.pos = pos_;
            }
            return true;
        case kQuery:
        case kMariaQueryCompressed: {
            ParseQuery(event_, fde, &query_, &scratch_query_);
            query_kind_ = ClassifyQuery(query_.query);
            switch (query_kind_) {
                case QueryKind::kDml:
                    if (opt_.reject_statement_dml)
                        throw BinlogError(
                            BinlogErrc::kStatementDml,
                            "statement-based DML in the binlog: \"" + Shorten(query_.query, 200) + "\"",
                            "row changes logged as SQL statements cannot be replicated row by row",
                            "set binlog_format=ROW on the source (globally, and for every session that "
                            "writes) and resynchronise the affected tables");
                    break;
                case QueryKind::kBegin:
                    in_tx_ = true;
                    saw_begin_ = true;
                    break;
                case QueryKind::kCommit:
                case QueryKind::kRollback:
                    Commit();
                    break;
                case QueryKind::kDdl:
                    if (maria_group_) {
                        if (maria_standalone_)
                            Commit();
                    } else if (EndsWithStartTransaction(query_.query)) {
                        in_tx_ = true;
                        saw_begin_ = true;
                    } else if (!saw_begin_) {
                        Commit();
                    }
                    break;
                case QueryKind::kSavepoint:
                case QueryKind::kDummy:
                    break;
            }
            return true;
        }
        case kXid:
            ParseXid(event_, fde, &xid_);
            Commit();
            return true;
        case kMariaGtid:
            ParseMariaGtid(event_, fde, &maria_gtid_);
            in_tx_ = true;
            saw_begin_ = false;
            maria_group_ = true;
            maria_standalone_ = maria_gtid_.Standalone();
            have_pending_maria_ = true;
            have_pending_mysql_ = false;
            pending_maria_ = maria_gtid_.gtid;
            return true;
        case kMariaGtidList:
            ParseGtidList(event_, fde, &gtid_list_);
            idle_point();
            return true;
        case kMariaBinlogCheckpoint:
            ParseBinlogCheckpoint(event_, fde, &checkpoint_);
            idle_point();
            return true;
        case kMariaAnnotateRows:
            text_ = ParseAnnotateRows(event_, fde);
            return true;
        case kRowsQuery:
            text_ = ParseRowsQuery(event_, fde);
            return true;
        case kTableMap: {
            uint64_t id = PeekTableId(event_, fde);
            std::unique_ptr<TableMap> &slot = tables_[id];
            if (slot && slot->raw.size() == event_.body_size &&
                std::memcmp(slot->raw.data(), event_.body, event_.body_size) == 0) {
                current_map_ = slot.get();
                return true;
            }
            if (!slot)
                slot = std::make_unique<TableMap>();
            try {
                ParseTableMap(event_, fde, slot.get(), opt_.allow_legacy_temporal);
                if (opt_.on_table_map)
                    opt_.on_table_map(slot.get());
            } catch (...) {
                tables_.erase(id);
                throw;
            }
            current_map_ = slot.get();
            return true;
        }
        case kGtid:
        case kAnonymousGtid:
            ParseMySqlGtid(event_, fde, &mysql_gtid_);
            in_tx_ = true;
            saw_begin_ = false;
            maria_group_ = false;
            have_pending_maria_ = false;
            have_pending_mysql_ = !mysql_gtid_.anonymous;
            pending_sid_ = mysql_gtid_.sid;
            pending_gno_ = mysql_gtid_.gno;
            return true;
        case kPreviousGtids:
            ParsePreviousGtids(event_, fde, &previous_gtids_);
            if (!explicit_mysql_start_ && committed_.mysql_gtids.Empty())
                committed_.mysql_gtids = previous_gtids_;
            idle_point();
            return true;
        case kHeartbeat:
        case kHeartbeatV2:
            ParseHeartbeat(event_, fde, &heartbeat_);
            return true;
        case kTransactionPayload:
            if (event_.in_payload)
                ThrowCorrupt("TRANSACTION_PAYLOAD_EVENT nested inside another");
            ParseTransactionPayload(event_, fde, &payload_ev_);
            payload_.Start(payload_ev_, opt_.max_event_size);
            payload_end_pos_ = h.log_pos;
            return true;
        case kXaPrepare:
            ParseXaPrepare(event_, fde, &xa_prepare_);
            Commit();
            return true;
        case kIncident: {
            IncidentEvent inc;
            ParseIncident(event_, fde, &inc);
            throw BinlogError(BinlogErrc::kCorruptEvent,
                              "the source logged an INCIDENT_EVENT (" + std::to_string(inc.incident) +
                                  (inc.message.empty() ? "" : ": " + inc.message) +
                                  "): changes may be missing",
                              "", "resynchronise the replicated tables (init_replica / sync_tables)");
        }
        case kIntvar:
        case kRand:
        case kUserVar:
        case kStop:
        case kIgnorable:
        case kTransactionContext:
        case kViewChange:
            return true;
        case kLoad:
        case kCreateFile:
        case kAppendBlock:
        case kExecLoad:
        case kDeleteFile:
        case kNewLoad:
        case kBeginLoadQuery:
        case kExecuteLoadQuery:
            if (opt_.reject_statement_dml)
                throw BinlogError(BinlogErrc::kStatementDml,
                                  std::string("statement-based LOAD DATA in the binlog (") +
                                      EventTypeName(h.type) + ")",
                                  "", "set binlog_format=ROW on the source");
            return true;
        default:
            break;
    }
    if (RowsKindOf(h.type) != RowsKind::kNone) {
        ParseRowsEvent(event_, fde, &rows_, &scratch_rows_);
        auto it = tables_.find(rows_.table_id);
        if (it == tables_.end())
            ThrowCorrupt(std::string(EventTypeName(h.type)) + " refers to table id " +
                         std::to_string(rows_.table_id) +
                         " with no TABLE_MAP_EVENT before it (did the stream start inside a transaction?)");
        current_map_ = it->second.get();
        return true;
    }
    if (h.flags & event_flag::kIgnorable) {
        ++ignored_;
        return false;
    }
    if (IsKnownEventType(h.type))
        throw BinlogError(BinlogErrc::kUnsupported, std::string(EventTypeName(h.type)) + " (type " +
                                                        std::to_string(h.type) +
                                                        ") is not supported and not flagged ignorable");
    throw BinlogError(BinlogErrc::kUnknownEvent,
                      "unknown binlog event type " + std::to_string(h.type) +
                          " that is not flagged ignorable; cannot continue safely");
}

} // namespace chameleon::mysql::binlog
