// BinlogReader: the event layer on top of an EventSource. Frames and verifies events, expands
// MySQL transaction payloads, parses every event it knows, keeps the table maps, tracks the
// current position and the last committed transaction's end (the only safe restart point), and
// rejects what it must not silently pass over (statement-based DML, unknown non-ignorable events,
// incidents).
#pragma once

#include "common/cpp_only.hpp"

#include "mysql/binlog/errors.hpp"
#include "mysql/binlog/events.hpp"
#include "mysql/binlog/gtid.hpp"
#include "mysql/binlog/payload.hpp"
#include "mysql/binlog/rows.hpp"
#include "mysql/binlog/source.hpp"
#include "mysql/binlog/table_map.hpp"

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace chameleon::mysql::binlog {

// A restart point: the binlog coordinates after a committed transaction, and the GTID state.
struct Coordinates {
    std::string file;
    uint64_t pos = 4;
    MariaGtidPosition maria_gtid; // MariaDB: last GTID per domain
    GtidSet mysql_gtids;          // MySQL: executed GTID set
};

struct ReaderOptions {
    bool verify_checksum = true;
    // What was announced to the server with @master_binlog_checksum (network sources). For files,
    // leave kUndefined: the FDE decides.
    ChecksumAlg announced_checksum = ChecksumAlg::kUndefined;
    bool reject_statement_dml = true;
    bool allow_legacy_temporal = false; // see ParseTableMap
    size_t max_event_size = kDefaultMaxEventSize;
    // Called after a TABLE_MAP has been parsed (not for repeats of an identical map): the place to
    // apply schema hints (ApplyColumnHints).
    std::function<void(TableMap *)> on_table_map;
};

class BinlogReader {
public:
    BinlogReader(EventSource *source, ReaderOptions options = {});

    // Where the stream starts (file name for position tracking, and the GTID state).
    void SetStart(const Coordinates &start);

    // Reads the next event. False at the end of the source. Throws BinlogError; the message names
    // the event type and its position.
    bool Next();

    const Event &Current() const { return event_; }
    uint8_t Type() const { return event_.header.type; }

    // Parsed payload of the current event; only the one matching Type() is meaningful.
    const FormatDescription &Fde() const { return framer_.Fde(); }
    const RotateEvent &Rotate() const { return rotate_; }
    const QueryEvent &Query() const { return query_; }
    QueryKind QueryKindOf() const { return query_kind_; }
    const XidEvent &Xid() const { return xid_; }
    const MariaGtidEvent &MariaGtidEv() const { return maria_gtid_; }
    const GtidListEvent &GtidList() const { return gtid_list_; }
    const BinlogCheckpointEvent &Checkpoint() const { return checkpoint_; }
    std::string_view Annotate() const { return text_; } // ANNOTATE_ROWS / ROWS_QUERY text
    const MySqlGtidEvent &MySqlGtid() const { return mysql_gtid_; }
    const GtidSet &PreviousGtids() const { return previous_gtids_; }
    const HeartbeatEvent &Heartbeat() const { return heartbeat_; }
    const XaPrepareEvent &XaPrepare() const { return xa_prepare_; }
    const TableMap *CurrentTableMap() const { return current_map_; } // TABLE_MAP and rows events
    const RowsEvent &Rows() const { return rows_; }
    bool IsRows() const { return RowsKindOf(event_.header.type) != RowsKind::kNone; }

    // Starts decoding the current rows event with `decoder`.
    void BeginRows(RowDecoder *decoder) const;

    const TableMap *FindTable(uint64_t table_id) const;

    // Position of the current event: file, start offset (0 if unknown) and end offset.
    const std::string &File() const { return file_; }
    uint64_t Position() const { return pos_; } // end of the current event = where the next starts
    // Restart point after the last committed transaction (or rotate outside a transaction).
    const Coordinates &Committed() const { return committed_; }
    bool InTransaction() const { return in_tx_; }
    // True when the current event ended a transaction (XID, COMMIT, standalone DDL, XA PREPARE).
    bool IsCommit() const { return is_commit_; }
    // A short description "mariadb-bin.000001:1234" of the current event's position, for messages.
    std::string Where() const;

    uint64_t EventsRead() const { return events_; }
    uint64_t IgnoredEvents() const { return ignored_; }

private:
    bool NextRawEvent(const uint8_t **data, size_t *size, bool *inner);
    bool Handle(); // false: skip the event (ignorable unknown)
    void Commit();
    [[noreturn]] void Rethrow(const BinlogError &e);

    EventSource *source_;
    ReaderOptions opt_;
    EventFramer framer_;
    PayloadExpander payload_;
    uint32_t payload_end_pos_ = 0;
    Event event_;

    RotateEvent rotate_;
    QueryEvent query_;
    QueryKind query_kind_ = QueryKind::kDdl;
    XidEvent xid_;
    MariaGtidEvent maria_gtid_;
    GtidListEvent gtid_list_;
    BinlogCheckpointEvent checkpoint_;
    std::string_view text_;
    MySqlGtidEvent mysql_gtid_;
    GtidSet previous_gtids_;
    HeartbeatEvent heartbeat_;
    XaPrepareEvent xa_prepare_;
    TransactionPayloadEvent payload_ev_;
    RowsEvent rows_;
    const TableMap *current_map_ = nullptr;
    std::vector<uint8_t> scratch_query_, scratch_rows_;

    std::unordered_map<uint64_t, std::unique_ptr<TableMap>> tables_;

    std::string file_;
    uint64_t pos_ = 4;
    Coordinates committed_;
    bool in_tx_ = false;
    bool saw_begin_ = false;
    bool maria_group_ = false;      // the open transaction started with a MariaDB GTID_EVENT
    bool maria_standalone_ = false; // ... flagged standalone (a single DDL/statement)
    bool is_commit_ = false;
    bool have_pending_maria_ = false, have_pending_mysql_ = false;
    MariaGtid pending_maria_;
    Uuid pending_sid_;
    uint64_t pending_gno_ = 0;
    bool explicit_mysql_start_ = false;
    uint64_t events_ = 0, ignored_ = 0;
};

} // namespace chameleon::mysql::binlog
