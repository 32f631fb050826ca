// The read worker of a source: streams the MySQL binlog from the start of the source's open batch,
// converts the row images of replicated tables with the initial copy's converters, and writes them
// into the batch's log table. A batch closes only at a source transaction boundary, once it holds
// replica_batch_size rows or has been open for chameleon.batch_latency: the next batch row (with
// the end coordinates) is inserted and the batch marked processed in the same transaction as its
// last rows. A source transaction larger than that streams into the log in chunks committed as
// it goes, still inside one batch; a restart deletes the rows of the open batch and reads it again
// from its start. Nothing read twice, nothing skipped.
//
// While the source is idle, heartbeats move the open (empty) batch's start to the server's position
// and t_last_received to now, so lag is real lag and wait_for_source() sees the source caught up.
#include "common/error.hpp"
#include "convert/binlog_value.hpp"
#include "ddl/copy_plan.hpp"
#include "ddl/names.hpp"
#include "ddl/pg_text.hpp"
#include "ddl/registry_codec.hpp"
#include "ddl/table_ddl.hpp"
#include "ddl/translate/translate.hpp"
#include "mysql/binlog/client.hpp"
#include "mysql/binlog/event_types.hpp"
#include "mysql/binlog/position.hpp"
#include "mysql/binlog/reader.hpp"
#include "mysql/connection.hpp"
#include "mysql/snapshot.hpp"

#include "pg/copy/common.hpp"
#include "pg/replica/dml.hpp"
#include "pg/replica/schema_registry.hpp"
#include "pg/replica/shared.hpp"
#include "pg/replica/source.hpp"
#include "pg/guard.hpp"
#include "pg/mysql_wait.hpp"
#include "pg/spi_util.hpp"

#include <algorithm>
#include <csignal>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

extern "C" {
#include "access/table.h"
#include "catalog/pg_type.h"
#include "commands/sequence.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "tcop/tcopprot.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PGDLLEXPORT void chameleon_read_worker_main(Datum main_arg);
}

namespace chameleon::pg {

namespace binlog = mysql::binlog;

namespace {

// The binlog connection, reachable from the SIGTERM handler so that a stop interrupts a blocked read.
binlog::BinlogClient *volatile active_client = nullptr;

void ReadWorkerSigterm(SIGNAL_ARGS) {
    int save_errno = errno;
    if (active_client != nullptr)
        active_client->Cancel();
    die(postgres_signal_arg);
    errno = save_errno;
}

constexpr size_t kFlushRows = 1000;          // rows buffered before they are written to the log
constexpr size_t kFlushBytes = 8 << 20;      // or this many bytes of images
constexpr uint64_t kChunkRows = 50000;       // rows per transaction inside one large source transaction
constexpr long kAdvanceIntervalMs = 100;     // an empty batch's start moves at most this often
constexpr long kPauseCheckIntervalMs = 1000; // how often the pause flag is read
constexpr size_t kMaxDdlExtra = 4;           // PendingRow::extra of a DDL row

enum class Action : uint8_t { kInsert, kUpdate, kDelete };

// A replicated MySQL table.
struct TableInfo {
    std::string origin_schema, origin_table, dest_schema, dest_table;
    std::vector<convert::ReplicatedColumn> columns; // MySQL ordinal order
    std::vector<binlog::ColumnHint> hints;
    std::vector<int> key_columns; // for messages
    bool enabled = true;
    bool has_point = false; // not consistent yet: rows up to this point are in the copy
    std::string point_file;
    uint64_t point_pos = 0;
    bool skip[3] = {false, false, false};
};

// A row image as PostgreSQL input texts: column i is data[offset[i] .. offset[i+1]) or NULL.
struct Image {
    std::string data;
    std::vector<int32_t> start; // -1: NULL
    std::vector<uint32_t> length;
};

struct PendingRow {
    const TableInfo *table;
    Action action;
    uint64_t position;
    uint32_t event_time;
    Image after, before;
    int source_tx; // index into tx_names_
    // A DDL statement (table nullptr): its text, the query's current database and sql_mode.
    bool ddl = false;
    std::string query, db;
    uint64_t sql_mode = 0;
    std::vector<std::string> extra; // {"definition", schema, table, JSON}: a definition taken from MySQL
};

// A DDL statement refused with on_error_ddl: source: the source stops in error with this record.
struct DdlStop {
    ErrorRecord record;
};

bool Listed(const std::vector<std::string> &targets, const std::string &schema, const std::string &table) {
    for (const std::string &t : targets) {
        if (t == schema || t == schema + "." + table)
            return true;
    }
    return false;
}

class ReadWorker {
public:
    explicit ReadWorker(int64 source_id) : source_id_(source_id) {}

    void Run() {
        ErrorRecord failure;
        bool terminal = false;
        try {
            Load();
            Stream();
            return; // cancelled: the process exits through die()
        } catch (const DdlStop &stop) {
            terminal = true;
            failure = stop.record;
        } catch (const binlog::BinlogError &e) {
            terminal = IsTerminal(e.Code());
            failure = Describe(e.what(), e.SqlState());
            if (e.Code() == binlog::BinlogErrc::kBinlogNotFound ||
                e.Code() == binlog::BinlogErrc::kGtidNotFound)
                failure.message +=
                    " — the binlog the replica needs is gone (purged?): run chameleon.init_replica() "
                    "again, or chameleon.sync_tables() for the tables concerned";
        } catch (const mysql::MysqlError &e) {
            failure = Describe(e.what(), e.SqlState());
        } catch (const PgError &e) {
            AbortWorkerTransaction();
            failure = Describe(e.what(), unpack_sql_state(e.Data()->sqlerrcode));
        } catch (const Error &e) {
            terminal = true;
            failure = Describe(e.what(), e.SqlState());
        } catch (const std::exception &e) {
            terminal = true;
            failure = Describe(e.what(), "XX000");
        }
        AbortWorkerTransaction();
        active_client = nullptr;
        if (terminal) {
            SetWorkerError(source_id_, ReplicaRole::kRead, ReplicaWorkerState::kError, failure.message);
            RecordSourceError(source_id_, failure, true);
            ereport(LOG, (errmsg("chameleon read worker of source %lld stopped on an error: %s",
                                 static_cast<long long>(source_id_), failure.message.c_str())));
        } else {
            SetWorkerError(source_id_, ReplicaRole::kRead, ReplicaWorkerState::kBackoff, failure.message);
            ereport(LOG, (errmsg("chameleon read worker of source %lld: %s (retrying)",
                                 static_cast<long long>(source_id_), failure.message.c_str())));
        }
    }

private:
    static bool IsTerminal(binlog::BinlogErrc code) {
        switch (code) {
            case binlog::BinlogErrc::kBinlogNotFound:
            case binlog::BinlogErrc::kGtidNotFound:
            case binlog::BinlogErrc::kChecksumMismatch:
            case binlog::BinlogErrc::kCorruptEvent:
            case binlog::BinlogErrc::kUnknownEvent:
            case binlog::BinlogErrc::kUnsupported:
            case binlog::BinlogErrc::kStatementDml:
            case binlog::BinlogErrc::kInvalidArgument:
                return true;
            default:
                return false;
        }
    }

    ErrorRecord Describe(const std::string &message, const std::string &sqlstate) const {
        ErrorRecord r;
        r.batch_id = batch_id_;
        r.schema = error_schema_;
        r.table = error_table_;
        r.binlog_file = error_file_.empty() ? start_file_ : error_file_;
        r.binlog_position = error_file_.empty() ? start_pos_ : error_pos_;
        r.message = message;
        r.sqlstate = sqlstate;
        return r;
    }

    // ---- start ------------------------------------------------------------------------------

    void Load() {
        BeginWorkerTransaction();
        source_ = LoadReplicaSource(source_id_);
        if (source_.status != "running" || StopRequested(source_id_)) {
            CommitWorkerTransaction();
            proc_exit(0);
        }
        const std::string id = std::to_string(source_id_);
        // The open batch: the newest one not processed. Rows a crashed run left in it are read again.
        std::vector<SpiRow> batch = SpiQuery(
            "SELECT i_id_batch, t_binlog_name, i_binlog_position, coalesce(t_gtid_set, ''), v_log_table "
            "FROM sch_chameleon.t_replica_batch WHERE i_id_source = $1::bigint AND NOT b_processed "
            "AND NOT b_replayed ORDER BY i_id_batch DESC LIMIT 1",
            {id});
        if (batch.empty() || !batch[0][1])
            throw Error("source \"" + source_.name + "\" has no starting point",
                        sqlstate::kObjectNotInPrerequisiteState, "", "Run chameleon.init_replica() first.");
        batch_id_ = std::stoll(*batch[0][0]);
        start_file_ = *batch[0][1];
        start_pos_ = std::stoull(batch[0][2].value_or("4"));
        start_gtid_ = batch[0][3].value_or("");
        log_table_ = batch[0][4].value_or("");
        SpiExecute("DELETE FROM sch_chameleon." + ddl::QuoteIdent(log_table_) +
                       " WHERE i_id_batch = $1::bigint",
                   {std::to_string(batch_id_)});
        SpiExecute("UPDATE sch_chameleon.t_replica_batch SET b_started = true WHERE i_id_batch = $1::bigint",
                   {std::to_string(batch_id_)});
        std::vector<SpiRow> watermark =
            SpiQuery("SELECT b_consistent, t_binlog_name, i_binlog_position FROM sch_chameleon.t_sources "
                     "WHERE i_id_source = $1::bigint",
                     {id});
        consistent_ = watermark[0][0] == SpiValue("t") || !watermark[0][1];
        if (!consistent_) {
            watermark_file_ = *watermark[0][1];
            watermark_pos_ = std::stoull(watermark[0][2].value_or("0"));
        }
        postgis_ =
            SpiQueryValue("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'postgis'").has_value();
        std::vector<SpiRow> registered = SpiQuery(
            "SELECT v_schema_name, v_table_name, b_replica_enabled, t_binlog_name, i_binlog_position, "
            "v_columns IS NULL FROM sch_chameleon.t_replica_tables WHERE i_id_source = $1::bigint",
            {id});
        // The schema registry as of the open batch's start: the versions the open batch made are
        // made again as it is read again.
        SpiExecute("DELETE FROM sch_chameleon.t_schema_registry WHERE i_id_source = $1::bigint "
                   "AND i_id_batch >= $2::bigint",
                   {id, std::to_string(batch_id_)});
        RegistryState state = LoadRegistry(source_id_, 0);
        // Statements skip_transaction passed over (a DDL statement chameleon refused), in batches
        // still there: the stream never goes back before the open batch.
        for (const SpiRow &r :
             SpiQuery("SELECT t_binlog_name, i_binlog_position FROM "
                      "sch_chameleon.t_skipped_transactions skip WHERE i_id_source = $1::bigint "
                      "AND t_source_tx LIKE 'ddl %' AND t_binlog_name IS NOT NULL AND EXISTS ("
                      "SELECT 1 FROM sch_chameleon.t_replica_batch bat WHERE bat.i_id_batch = "
                      "skip.i_id_batch AND bat.i_id_source = $1::bigint)",
                      {id}))
            skipped_ddl_.insert({r[0].value_or(""), std::stoull(r[1].value_or("0"))});
        CommitWorkerTransaction();

        // The default style of MySQL's information_schema, and (for tables the registry does not know
        // yet: a catalogue from before the registry) MySQL's definitions as they are now.
        mysql::Connection conn =
            mysql::Connection::Open(ConnectParamsOf(source_.settings), LatchWaiter(nullptr));
        const ddl::DefaultStyle style = mysql::DefaultStyleOf(conn);
        ddl_types_ = SourceTypeOptions(source_, style, postgis_);
        std::map<std::pair<std::string, std::string>, const SpiRow *> by_dest;
        bool unknown = false;
        for (const SpiRow &r : registered)
            by_dest[{r[0].value_or(""), r[1].value_or("")}] = &r;
        std::vector<std::string> origins;
        for (const auto &m : source_.mappings)
            origins.push_back(m.first);
        std::vector<ddl::MysqlTable> snapshot;
        for (const SpiRow &r : registered)
            unknown = unknown || r[5] == SpiValue("t");
        if (unknown || state.known.empty())
            snapshot = mysql::ReadTables(conn, origins);
        conn.Close();

        BeginWorkerTransaction();
        for (ddl::MysqlTable &mt : snapshot) {
            const auto key = std::make_pair(mt.schema, mt.name);
            if (state.known.count(key) != 0 || source_.mappings.count(mt.schema) == 0)
                continue;
            auto reg = by_dest.find(
                {source_.mappings[mt.schema], ddl::PgTableName(mt.schema, mt.name, source_.settings.rename)});
            if (reg == by_dest.end())
                continue; // not copied: not replicated
            RecordVersion(source_id_, 0, mt.schema, mt.name, start_file_, start_pos_, &mt,
                          "taken from MySQL when replication started");
            state.registry.Put(std::move(mt));
        }
        registry_ = std::move(state.registry);
        for (const ddl::MysqlTable *mt : registry_.All()) {
            auto mapping = source_.mappings.find(mt->schema);
            if (mapping == source_.mappings.end() ||
                !ddl::TableSelected(source_.settings.limit_tables, source_.settings.skip_tables, mt->schema,
                                    mt->name))
                continue;
            TableInfo t = MakeTableInfo(*mt);
            auto reg = by_dest.find({t.dest_schema, t.dest_table});
            if (reg != by_dest.end()) {
                const SpiRow &r = *reg->second;
                t.enabled = r[2] == SpiValue("t");
                if (r[3]) {
                    t.has_point = true;
                    t.point_file = *r[3];
                    t.point_pos = std::stoull(r[4].value_or("0"));
                }
                if (r[5] == SpiValue("t")) // the image columns of a catalogue from before the registry
                    SpiExecute("UPDATE sch_chameleon.t_replica_tables SET v_columns = $1::text[] "
                               "WHERE i_id_source = $2::bigint AND v_schema_name = $3 AND v_table_name = $4",
                               {TextArrayLiteral(PgColumnNames(t)), id, t.dest_schema, t.dest_table});
            }
            tables_[{mt->schema, mt->name}] = std::move(t);
        }
        log_seq_ = std::stoul(
            *SpiQueryValue("SELECT pg_catalog.pg_get_serial_sequence('sch_chameleon.t_log_replica', "
                           "'i_id_event')::regclass::oid"));
        for (const char *label : {"insert", "update", "delete", "ddl"}) {
            action_oid_.push_back(
                std::stoul(*SpiQueryValue("SELECT oid FROM pg_catalog.pg_enum WHERE enumtypid = "
                                          "'sch_chameleon.en_binlog_event'::regtype AND enumlabel = $1",
                                          {label})));
        }
        CommitWorkerTransaction();
    }

    // A replicated table from its MySQL definition, named and converted exactly as the copy does.
    // With keep_existing_schema the existing PostgreSQL column types decide the conversions (inside a
    // transaction).
    TableInfo MakeTableInfo(const ddl::MysqlTable &mt, bool existing_types = true) {
        TableInfo t;
        t.origin_schema = mt.schema;
        t.origin_table = mt.name;
        t.dest_schema = source_.mappings[mt.schema];
        t.dest_table = ddl::PgTableName(mt.schema, mt.name, source_.settings.rename);
        ddl::TableDdlOptions options;
        options.schema = t.dest_schema;
        options.types = ddl_types_;
        options.overrides = source_.configuration.type_override;
        options.renames = source_.settings.rename;
        if (source_.settings.keep_existing_schema && existing_types) {
            for (const SpiRow &a : SpiQuery("SELECT attname, pg_catalog.format_type(atttypid, atttypmod) "
                                            "FROM pg_catalog.pg_attribute WHERE attrelid = "
                                            "pg_catalog.to_regclass($1) AND attnum > 0 AND NOT attisdropped",
                                            {ddl::QualifiedName(t.dest_schema, t.dest_table)}))
                options.existing_types[a[0].value_or("")] = a[1].value_or("");
        }
        ddl::SchemaNames names;
        ddl::TableDdl d = ddl::BuildTableDdl(mt, options, names);
        t.key_columns = d.key_columns;
        for (size_t i = 0; i < d.columns.size(); ++i) {
            const ddl::MysqlColumn &mc = mt.columns[i];
            convert::ReplicatedColumn rc;
            rc.mapped = d.columns[i];
            rc.spec = convert::ValueSpec::Of(d.columns[i]);
            if (mc.data_type == "enum" || mc.data_type == "set")
                rc.labels = ddl::ParseEnumLabels(mc.column_type);
            rc.mariadb_uuid = mc.data_type == "uuid";
            binlog::ColumnHint h;
            h.name = mc.name;
            h.is_unsigned = mc.Unsigned();
            if (!rc.labels.empty())
                h.enum_values = rc.labels;
            t.columns.push_back(std::move(rc));
            t.hints.push_back(std::move(h));
        }
        const config::SkipEvents &skip = source_.settings.skip_events;
        t.skip[0] = Listed(skip.insert_targets, mt.schema, mt.name);
        t.skip[1] = Listed(skip.update_targets, mt.schema, mt.name);
        t.skip[2] = Listed(skip.delete_targets, mt.schema, mt.name);
        return t;
    }

    static std::vector<std::string> PgColumnNames(const TableInfo &t) {
        std::vector<std::string> names;
        for (const convert::ReplicatedColumn &c : t.columns)
            names.push_back(c.mapped.name);
        return names;
    }

    // ---- the stream -------------------------------------------------------------------------

    void Stream() {
        binlog::ClientOptions opts;
        const config::SourceConfig &s = source_.settings;
        opts.host = s.db_conn.host;
        opts.port = static_cast<unsigned>(s.db_conn.port);
        opts.user = s.db_conn.user;
        opts.password = s.db_conn.password;
        opts.connect_timeout_s =
            static_cast<unsigned>(s.db_conn.connect_timeout > 0 ? s.db_conn.connect_timeout : 10);
        opts.server_id = static_cast<uint32_t>(s.my_server_id);
        opts.heartbeat_period_s = 0.1;
        opts.read_timeout_s = static_cast<unsigned>(s.db_conn.read_timeout > 0 ? s.db_conn.read_timeout : 60);
        opts.send_annotate_rows = false;
        client_ = std::make_unique<binlog::BinlogClient>();
        active_client = client_.get();
        client_->Connect(opts);
        client_->StartFromPosition(start_file_, start_pos_);

        binlog::ReaderOptions ro;
        ro.announced_checksum = client_->AnnouncedChecksum();
        ro.on_table_map = [this](binlog::TableMap *map) {
            auto it = tables_.find({map->schema, map->table});
            // The registry's names, signedness and labels (MINIMAL metadata carries none); a layout
            // that does not match is refused when the rows come (OnRows).
            if (it != tables_.end() && !(map->has_column_names && map->has_signedness) &&
                map->columns.size() == it->second.hints.size())
                binlog::ApplyColumnHints(map, it->second.hints);
        };
        binlog::BinlogReader reader(client_.get(), ro);
        binlog::Coordinates start;
        start.file = start_file_;
        start.pos = start_pos_;
        // The stream starts from file and position; the GTID state only names what follows. A GTID
        // text from another flavor (or pg_chameleon's) that does not parse leaves it empty.
        try {
            if (client_->Flavor() == binlog::ServerFlavor::kMariaDb)
                start.maria_gtid = binlog::MariaGtidPosition::Parse(start_gtid_);
            else
                start.mysql_gtids = binlog::GtidSet::Parse(start_gtid_);
        } catch (const binlog::BinlogError &) {
            start.maria_gtid = binlog::MariaGtidPosition();
            start.mysql_gtids = binlog::GtidSet();
        }
        reader.SetStart(start);
        mariadb_ = client_->Flavor() == binlog::ServerFlavor::kMariaDb;
        SetWorkerState(source_id_, ReplicaRole::kRead, ReplicaWorkerState::kStreaming);
        last_pause_check_ = last_advance_ = GetCurrentTimestamp();

        while (reader.Next()) {
            CHECK_FOR_INTERRUPTS();
            const uint8_t type = reader.Type();
            if (type == binlog::event_type::kMariaGtid)
                tx_name_ = "gtid " + reader.MariaGtidEv().gtid.ToString();
            else if (type == binlog::event_type::kGtid)
                tx_name_.clear(); // MySQL: named at its first row (file:position)
            if (reader.IsRows())
                OnRows(reader);
            else if ((type == binlog::event_type::kQuery ||
                      type == binlog::event_type::kMariaQueryCompressed) &&
                     reader.QueryKindOf() == binlog::QueryKind::kDdl)
                OnDdl(reader);
            if (reader.IsCommit()) {
                OnBoundary(reader, reader.Current().header.timestamp, false);
                tx_name_.clear();
            } else if (type == binlog::event_type::kHeartbeat || type == binlog::event_type::kHeartbeatV2) {
                if (!reader.InTransaction())
                    OnBoundary(reader, 0, true);
            }
        }
    }

    // A transaction boundary (commit) or an idle heartbeat.
    void OnBoundary(const binlog::BinlogReader &reader, uint32_t event_time, bool heartbeat) {
        const TimestampTz now = GetCurrentTimestamp();
        binlog::Coordinates at = reader.Committed();
        if (heartbeat) {
            // Idle, outside a transaction: everything up to the server's position has been read,
            // including events after the last commit (a new binlog file's header events).
            const binlog::HeartbeatEvent &hb = reader.Heartbeat();
            if (!hb.file.empty() && hb.file == reader.File() &&
                binlog::CompareBinlogPositions(hb.file, hb.position, at.file, at.pos) > 0) {
                at.file = hb.file;
                at.pos = hb.position;
            }
        }
        if (rows_in_batch_ > 0) {
            if (rows_in_batch_ >= static_cast<uint64_t>(source_.settings.replica_batch_size) || heartbeat ||
                TimestampDifferenceExceeds(batch_opened_, now, ReplicaBatchLatencyMs())) {
                CloseBatch(at, event_time);
            }
        } else if (heartbeat || TimestampDifferenceExceeds(last_advance_, now, kAdvanceIntervalMs)) {
            Advance(at, event_time);
        }
        if (TimestampDifferenceExceeds(last_pause_check_, now, kPauseCheckIntervalMs) && rows_in_batch_ == 0)
            CheckPause();
    }

    // Where a statement is, as the log and the registry record it (file:end position).
    static std::string At(const binlog::BinlogReader &reader) {
        return reader.File() + ":" + std::to_string(reader.Position());
    }

    // A DDL statement (a query event), translated against the registry as the stream has left it.
    // The tables it changes get their new definition (a version recorded in the open batch's
    // transaction) and the rows after it decode with that; the statement goes into the log, where the
    // replay worker translates it again against the same versions and applies it between the rows
    // before and after it. A statement that cannot be read or translated stops the replicated tables
    // it names (on_error_ddl: table) or the source (on_error_ddl: source); skip_transaction passes
    // over it.
    void OnDdl(const binlog::BinlogReader &reader) {
        const binlog::QueryEvent &q = reader.Query();
        const std::string sql(q.query);
        const std::string db(q.db);
        const uint64_t sql_mode = q.has_sql_mode ? q.sql_mode : 0;
        Flush(); // pending rows point into tables_, which this may change
        if (skipped_ddl_.count({reader.File(), reader.Position()}) != 0) {
            PassOver(reader, sql);
            return;
        }
        // A statement the copy of a table it names already holds (before the table's copy point) is
        // passed: the registry has the table as copied, after it.
        for (const auto &named : NamedTables(sql, db, registry_, source_)) {
            auto it = tables_.find(named);
            if (it != tables_.end() && it->second.has_point &&
                binlog::CompareBinlogPositions(reader.File(), reader.Position(), it->second.point_file,
                                               it->second.point_pos) <= 0)
                return;
        }
        const ddl::translate::Context ctx = DdlContext(source_, &registry_, ddl_types_, db);
        const std::vector<ddl::translate::Translation> translations =
            ddl::translate::TranslateText(sql, ctx, ParseOptionsOf(sql_mode));
        bool log = false;
        for (const ddl::translate::Translation &t : translations) {
            if (t.outcome == ddl::translate::Outcome::kIgnored)
                continue;
            if (t.outcome == ddl::translate::Outcome::kRefused) {
                log = Refuse(reader, sql, t) || log;
                continue;
            }
            for (const ddl::translate::TableChange &c : t.changes)
                log = ApplyChange(reader, c) || log;
            registry_.Apply(t);
        }
        if (log)
            LogDdl(reader, sql, db, sql_mode, {});
    }

    // A DDL row in the log, between the rows before and after it: the statement, the query's
    // database, {sql_mode, information_schema style, extra...} in t_row_after.
    void LogDdl(const binlog::BinlogReader &reader, const std::string &sql, const std::string &db,
                uint64_t sql_mode, std::vector<std::string> extra) {
        PendingRow row;
        row.ddl = true;
        row.table = nullptr;
        row.action = Action::kInsert;
        row.position = reader.Position();
        row.event_time = reader.Current().header.timestamp;
        row.query = sql;
        row.db = db;
        row.sql_mode = sql_mode;
        row.extra = std::move(extra);
        buffer_file_ = reader.File();
        if (tx_name_.empty())
            tx_name_ = reader.File() + ":" + std::to_string(reader.Position());
        if (tx_names_.empty() || tx_names_.back() != tx_name_)
            tx_names_.push_back(tx_name_);
        row.source_tx = static_cast<int>(tx_names_.size()) - 1;
        pending_bytes_ += sql.size() + 64;
        pending_.push_back(std::move(row));
        if (rows_in_batch_++ == 0)
            batch_opened_ = GetCurrentTimestamp();
        Flush();
    }

    // The registry's version of a table, in the open batch's transaction.
    void Record(const binlog::BinlogReader &reader, const std::string &schema, const std::string &table,
                const ddl::MysqlTable *definition, const std::string &reason) {
        EnsureTransaction();
        RecordVersion(source_id_, batch_id_, schema, table, reader.File(), reader.Position(), definition,
                      reason);
    }

    // One table change of a translated statement: the read side of it. True when the statement
    // must reach the replay worker.
    bool ApplyChange(const binlog::BinlogReader &reader, const ddl::translate::TableChange &c) {
        using ddl::translate::ChangeKind;
        auto it = tables_.find({c.schema, c.table});
        const bool known = it != tables_.end();
        switch (c.kind) {
            case ChangeKind::kCreate:
            case ChangeKind::kCreateFromRows: {
                if (!c.definition.has_value() || c.pg_schema.empty())
                    return false;
                TableInfo t = MakeTableInfo(*c.definition, false);
                Record(reader, c.new_schema, c.new_table, &*c.definition, "created");
                tables_[{c.new_schema, c.new_table}] = std::move(t);
                return true;
            }
            case ChangeKind::kAlter:
            case ChangeKind::kRename: {
                if (!known || !c.definition.has_value())
                    return false;
                TableInfo t = MakeTableInfo(*c.definition, false);
                t.enabled = it->second.enabled;
                t.has_point = it->second.has_point;
                t.point_file = it->second.point_file;
                t.point_pos = it->second.point_pos;
                if (c.kind == ChangeKind::kRename) {
                    Record(reader, c.schema, c.table, nullptr,
                           "renamed to " + c.new_schema + "." + c.new_table);
                    tables_.erase(it);
                }
                Record(reader, c.new_schema, c.new_table, &*c.definition,
                       c.kind == ChangeKind::kRename ? "renamed from " + c.schema + "." + c.table
                                                     : "altered");
                tables_[{c.new_schema, c.new_table}] = std::move(t);
                return true;
            }
            case ChangeKind::kDrop:
            case ChangeKind::kStopReplicating:
                if (!known)
                    return false;
                Record(reader, c.schema, c.table, nullptr,
                       c.kind == ChangeKind::kDrop
                           ? "dropped"
                           : "no longer replicated (renamed to " + c.new_schema + "." + c.new_table + ")");
                tables_.erase(it);
                return true;
            case ChangeKind::kTruncate:
                return known;
            case ChangeKind::kStartReplicating:
                NotReplicated(reader, c.new_schema, c.new_table,
                              "it was renamed into the replicated schemas from " + c.schema + "." + c.table +
                                  ", whose rows chameleon does not have");
                return false;
        }
        return false;
    }

    // A table that is not replicated although it matches the mappings: a WARNING and an error row.
    void NotReplicated(const binlog::BinlogReader &reader, const std::string &schema,
                       const std::string &table, const std::string &why) {
        const std::string message = "table " + schema + "." + table + " of source \"" + source_.name +
                                    "\" is not replicated: " + why + " (at " + At(reader) +
                                    "); copy it with chameleon.sync_tables()";
        EnsureTransaction();
        SpiExecute(
            "INSERT INTO sch_chameleon.t_error_log (i_id_batch, i_id_source, v_table_name, v_schema_name, "
            "t_table_pkey, t_binlog_name, i_binlog_position, ts_error, t_error_message, t_sqlstate) "
            "VALUES ($1::bigint, $2::bigint, $3, $4, '(DDL)', $5, $6::bigint, pg_catalog.clock_timestamp(), "
            "$7, "
            "$8)",
            {std::to_string(batch_id_), std::to_string(source_id_), table, schema, reader.File(),
             std::to_string(reader.Position()), message, sqlstate::kFeatureNotSupported});
        ereport(WARNING, (errmsg("chameleon: %s", message.c_str())));
    }

    // A statement chameleon cannot read or translate. on_error_ddl: source stops the source here;
    // table stops each replicated table the statement names, from here on (the replay worker
    // disables it when it reaches the statement, after the rows before it). True when the statement
    // goes to the log.
    bool Refuse(const binlog::BinlogReader &reader, const std::string &sql,
                const ddl::translate::Translation &t) {
        std::vector<std::pair<std::string, std::string>> named;
        for (const auto &table : NamedTables(sql, std::string(reader.Query().db), registry_, source_)) {
            auto it = tables_.find(table);
            if (it != tables_.end() && it->second.enabled)
                named.push_back(table);
        }
        const std::string why =
            "cannot be replicated: " + t.message + " (at offset " + std::to_string(t.offset) + ")";
        if (named.empty()) {
            ereport(LOG, (errmsg("chameleon: source \"%s\": a DDL statement at %s names no replicated table "
                                 "and is passed over: %s",
                                 source_.name.c_str(), At(reader).c_str(), t.message.c_str())));
            return false;
        }
        if (source_.settings.on_error_ddl == "source") {
            DdlStop stop;
            ErrorRecord &e = stop.record;
            e.batch_id = batch_id_;
            e.schema = tables_[named.front()].dest_schema;
            e.table = tables_[named.front()].dest_table;
            e.key = "(DDL)";
            e.binlog_file = reader.File();
            e.binlog_position = reader.Position();
            e.source_tx = "ddl " + At(reader);
            e.sqlstate = sqlstate::kFeatureNotSupported;
            e.sql = sql.substr(0, 10000);
            e.message =
                "DDL on table " + named.front().first + "." + named.front().second + " at " + At(reader) +
                " " + why +
                "; skip it with chameleon.skip_transaction() (after applying it by hand to the target "
                "if it matters), or copy the table again with chameleon.sync_tables()";
            throw stop;
        }
        for (const auto &table : named) {
            Record(reader, table.first, table.second, nullptr,
                   "stopped: the DDL statement at " + At(reader) + " " + why);
            registry_.Erase(table.first, table.second);
            tables_.erase(table);
        }
        return true;
    }

    // A statement skip_transaction passed over: the tables it names take MySQL's definition as it is
    // now (the target was fixed by hand, or the statement changed nothing chameleon replicates).
    void PassOver(const binlog::BinlogReader &reader, const std::string &sql) {
        std::vector<std::pair<std::string, std::string>> named =
            NamedTables(sql, std::string(reader.Query().db), registry_, source_);
        ereport(LOG, (errmsg("chameleon: source \"%s\": the DDL statement at %s was skipped by "
                             "chameleon.skip_transaction(); %zu table(s) take MySQL's current definition",
                             source_.name.c_str(), At(reader).c_str(), named.size())));
        if (named.empty())
            return;
        std::vector<std::string> schemas;
        for (const auto &n : named)
            schemas.push_back(n.first);
        mysql::Connection conn =
            mysql::Connection::Open(ConnectParamsOf(source_.settings), LatchWaiter(nullptr));
        std::vector<ddl::MysqlTable> now = mysql::ReadTables(conn, schemas);
        conn.Close();
        for (ddl::MysqlTable &mt : now) {
            const auto key = std::make_pair(mt.schema, mt.name);
            if (std::find(named.begin(), named.end(), key) == named.end())
                continue;
            EnsureTransaction();
            TableInfo t = MakeTableInfo(mt, false);
            auto old = tables_.find(key);
            if (old != tables_.end())
                t.enabled = old->second.enabled;
            Record(reader, mt.schema, mt.name, &mt,
                   "taken from MySQL: the statement at " + At(reader) + " was skipped");
            tables_[key] = std::move(t);
            // The replay worker takes the definition at this point of the stream too (image columns).
            LogDdl(reader, sql, std::string(reader.Query().db), 0,
                   {"definition", mt.schema, mt.name, ddl::EncodeTableJson(mt)});
            registry_.Put(std::move(mt));
        }
    }

    void OnRows(const binlog::BinlogReader &reader) {
        const binlog::TableMap *map = reader.CurrentTableMap();
        if (map == nullptr)
            return;
        auto it = tables_.find({map->schema, map->table});
        if (it == tables_.end())
            return;
        TableInfo &t = it->second;
        if (!t.enabled)
            return;
        Action action;
        switch (binlog::RowsKindOf(reader.Type())) {
            case binlog::RowsKind::kWrite:
                action = Action::kInsert;
                break;
            case binlog::RowsKind::kUpdate:
                action = Action::kUpdate;
                break;
            case binlog::RowsKind::kDelete:
                action = Action::kDelete;
                break;
            default:
                throw Error("partial JSON updates of " + t.origin_schema + "." + t.origin_table +
                                " cannot be replicated",
                            sqlstate::kFeatureNotSupported, "",
                            "Set binlog_row_value_options='' on the server.");
        }
        if (t.skip[static_cast<int>(action)])
            return;
        if (t.has_point) {
            if (binlog::CompareBinlogPositions(reader.File(), reader.Position(), t.point_file, t.point_pos) <=
                0)
                return; // the copy of this table already holds it
            t.has_point = false;
            reached_.emplace_back(t.dest_schema, t.dest_table);
        }
        error_schema_ = t.dest_schema;
        error_table_ = t.dest_table;
        error_file_ = reader.File();
        error_pos_ = reader.Position();
        if (map->columns.size() != t.columns.size())
            throw Error(
                "the binlog has " + std::to_string(map->columns.size()) + " columns for " + t.origin_schema +
                    "." + t.origin_table + " at " + reader.Where() + ", chameleon's schema registry " +
                    std::to_string(t.columns.size()),
                sqlstate::kFeatureNotSupported,
                "The table was changed by something chameleon did not see in the binlog (DDL run with "
                "sql_log_bin = 0, or before the position replication started from).",
                "Copy it again with chameleon.sync_tables().");
        if (buffer_file_ != reader.File()) {
            Flush();
            buffer_file_ = reader.File();
        }
        if (tx_name_.empty())
            tx_name_ = reader.File() + ":" + std::to_string(reader.Position());
        if (tx_names_.empty() || tx_names_.back() != tx_name_)
            tx_names_.push_back(tx_name_);
        reader.BeginRows(&decoder_);
        while (decoder_.Next(&before_, &after_)) {
            PendingRow row;
            row.table = &t;
            row.action = action;
            row.position = reader.Position();
            row.event_time = reader.Current().header.timestamp;
            row.source_tx = static_cast<int>(tx_names_.size()) - 1;
            if (action != Action::kDelete)
                Encode(t, *map, after_, row.after, true);
            if (action != Action::kInsert)
                Encode(t, *map, before_, row.before);
            pending_bytes_ += row.after.data.size() + row.before.data.size() + 64;
            pending_.push_back(std::move(row));
            if (rows_in_batch_++ == 0)
                batch_opened_ = GetCurrentTimestamp();
            if (pending_.size() >= kFlushRows || pending_bytes_ >= kFlushBytes)
                Flush();
        }
        if (rows_in_txn_ >= kChunkRows && reader.InTransaction()) {
            // A large source transaction: commit what the log holds so far, the batch stays open.
            Flush();
            FinishTransaction();
        }
    }

    // `stored`: the image's values are stored (the after image), so NUL bytes stripped from them count.
    void Encode(const TableInfo &t, const binlog::TableMap &map, const binlog::RowImage &image, Image &out,
                bool stored = false) {
        const size_t n = t.columns.size();
        out.start.resize(n);
        out.length.resize(n);
        for (size_t i = 0; i < n; ++i) {
            const size_t before = out.data.size();
            std::string problem;
            switch (convert::AppendReplicatedValue(out.data, scratch_, image[i], map.columns[i], t.columns[i],
                                                   &problem)) {
                case convert::BinlogValueStatus::kStripped: // nul_bytes: strip
                    if (stored)
                        ++nul_stripped_[{t.dest_schema, t.dest_table}];
                    [[fallthrough]];
                case convert::BinlogValueStatus::kOk:
                    out.start[i] = static_cast<int32_t>(before);
                    out.length[i] = static_cast<uint32_t>(out.data.size() - before);
                    break;
                case convert::BinlogValueStatus::kNull:
                    out.start[i] = -1;
                    out.length[i] = 0;
                    break;
                case convert::BinlogValueStatus::kAbsent:
                    throw Error("column \"" + t.columns[i].mapped.name + "\" of " + t.origin_schema + "." +
                                    t.origin_table + " is missing from the binlog row image",
                                sqlstate::kFeatureNotSupported, "",
                                "Set binlog_row_image=FULL on the MySQL server (chameleon.check_source() "
                                "checks it).");
                case convert::BinlogValueStatus::kNulByte:
                case convert::BinlogValueStatus::kBadValue:
                    throw Error("column \"" + t.columns[i].mapped.name + "\" of " + t.origin_schema + "." +
                                    t.origin_table + ": " + problem,
                                sqlstate::kDataException);
            }
        }
    }

    // ---- writing the log --------------------------------------------------------------------

    void EnsureTransaction() {
        if (in_txn_)
            return;
        BeginWorkerTransaction();
        in_txn_ = true;
        PgCall([&] {
            Oid relid = DatumGetObjectId(DirectFunctionCall1(
                to_regclass, CStringGetTextDatum(("sch_chameleon." + ddl::QuoteIdent(log_table_)).c_str())));
            if (!OidIsValid(relid))
                elog(ERROR, "log table sch_chameleon.%s does not exist", log_table_.c_str());
            log_.Open(relid);
        });
        TupleDesc desc = log_.Desc();
        att_.clear();
        for (const char *name :
             {"i_id_event", "i_id_batch", "v_table_name", "v_schema_name", "enm_binlog_event",
              "t_binlog_name", "i_binlog_position", "ts_event_datetime", "i_my_event_time", "t_row_after",
              "t_row_before", "t_source_tx", "t_query"}) {
            int found = -1;
            for (int i = 0; i < desc->natts; ++i) {
                if (!TupleDescAttr(desc, i)->attisdropped &&
                    strcmp(NameStr(TupleDescAttr(desc, i)->attname), name) == 0)
                    found = i;
            }
            if (found < 0)
                throw Error(std::string("log table sch_chameleon.") + log_table_ + " has no column " + name,
                            sqlstate::kObjectNotInPrerequisiteState, "",
                            "Update the extension: ALTER EXTENSION chameleon UPDATE.");
            att_.push_back(found);
        }
    }

    void Flush() {
        if (pending_.empty())
            return;
        EnsureTransaction();
        const int natts = log_.NumAttrs();
        const std::vector<PendingRow> &rows = pending_;
        const std::vector<int> &att = att_;
        const std::vector<std::string> &txs = tx_names_;
        const std::string &file = buffer_file_;
        const int64 batch = batch_id_;
        const Oid seq = log_seq_;
        const std::vector<Oid> &actions = action_oid_;
        const char *style = ddl_types_.default_style == ddl::DefaultStyle::kMySql ? "mysql" : "mariadb";
        DmlTarget &log = log_;
        PgCall([&] {
            MemoryContext rows_context =
                AllocSetContextCreate(CurrentMemoryContext, "chameleon log rows", ALLOCSET_DEFAULT_SIZES);
            MemoryContext old = MemoryContextSwitchTo(rows_context);
            Datum *values = static_cast<Datum *>(palloc0(sizeof(Datum) * natts));
            bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * natts));
            const Datum file_datum = CStringGetTextDatum(file.c_str());
            const Datum batch_datum = Int64GetDatum(batch);
            for (const PendingRow &r : rows) {
                for (int i = 0; i < natts; ++i)
                    nulls[i] = true;
                auto set = [&](int k, Datum d) {
                    values[att[k]] = d;
                    nulls[att[k]] = false;
                };
                set(0, Int64GetDatum(nextval_internal(seq, false)));
                set(1, batch_datum);
                if (r.ddl) {
                    // A DDL statement: the MySQL text, the query's database, its sql_mode and the
                    // server's information_schema style, translated by the replay worker.
                    set(2, CStringGetTextDatum(""));
                    set(3, PointerGetDatum(
                               cstring_to_text_with_len(r.db.data(), static_cast<int>(r.db.size()))));
                    set(4, ObjectIdGetDatum(actions[3]));
                    // No C++ object with a destructor here: an error longjmps out of this frame.
                    Datum info[2 + kMaxDdlExtra];
                    int ninfo = 0;
                    char mode[32];
                    snprintf(mode, sizeof mode, "%llu", static_cast<unsigned long long>(r.sql_mode));
                    info[ninfo++] = CStringGetTextDatum(mode);
                    info[ninfo++] = CStringGetTextDatum(style);
                    for (size_t e = 0; e < r.extra.size() && e < kMaxDdlExtra; ++e)
                        info[ninfo++] = PointerGetDatum(
                            cstring_to_text_with_len(r.extra[e].data(), static_cast<int>(r.extra[e].size())));
                    set(9, PointerGetDatum(construct_array(info, ninfo, TEXTOID, -1, false, TYPALIGN_INT)));
                    set(12, PointerGetDatum(
                                cstring_to_text_with_len(r.query.data(), static_cast<int>(r.query.size()))));
                    set(5, file_datum);
                    set(6, Int64GetDatum(static_cast<int64>(r.position)));
                    set(7, TimestampGetDatum(GetCurrentTimestamp()));
                    set(8, Int64GetDatum(r.event_time));
                    set(11, CStringGetTextDatum(txs[r.source_tx].c_str()));
                    log.Insert(values, nulls);
                    continue;
                }
                set(2, PointerGetDatum(cstring_to_text_with_len(
                           r.table->dest_table.data(), static_cast<int>(r.table->dest_table.size()))));
                set(3, PointerGetDatum(cstring_to_text_with_len(
                           r.table->dest_schema.data(), static_cast<int>(r.table->dest_schema.size()))));
                set(4, ObjectIdGetDatum(actions[static_cast<int>(r.action)]));
                set(5, file_datum);
                set(6, Int64GetDatum(static_cast<int64>(r.position)));
                set(7, TimestampGetDatum(GetCurrentTimestamp()));
                set(8, Int64GetDatum(r.event_time));
                if (!r.after.start.empty())
                    set(9, PointerGetDatum(ImageArray(r.after)));
                if (!r.before.start.empty())
                    set(10, PointerGetDatum(ImageArray(r.before)));
                set(11, CStringGetTextDatum(txs[r.source_tx].c_str()));
                log.Insert(values, nulls);
            }
            MemoryContextSwitchTo(old);
            MemoryContextDelete(rows_context);
        });
        rows_in_txn_ += pending_.size();
        pending_.clear();
        pending_bytes_ = 0;
    }

    static ArrayType *ImageArray(const Image &image) {
        const int n = static_cast<int>(image.start.size());
        Datum *elems = static_cast<Datum *>(palloc(sizeof(Datum) * (n > 0 ? n : 1)));
        bool *nulls = static_cast<bool *>(palloc(sizeof(bool) * (n > 0 ? n : 1)));
        for (int i = 0; i < n; ++i) {
            nulls[i] = image.start[i] < 0;
            elems[i] = nulls[i] ? 0
                                : PointerGetDatum(cstring_to_text_with_len(
                                      image.data.data() + image.start[i], static_cast<int>(image.length[i])));
        }
        int dims[1] = {n};
        int lbs[1] = {1};
        return construct_md_array(elems, nulls, 1, dims, lbs, TEXTOID, -1, false, TYPALIGN_INT);
    }

    void FinishTransaction() {
        if (!in_txn_)
            return;
        PgCall([&] { log_.Close(); });
        CommitWorkerTransaction();
        in_txn_ = false;
        rows_in_txn_ = 0;
        ClearFailuresOnce();
    }

    void ClearFailuresOnce() {
        if (!cleared_) {
            ClearWorkerFailures(source_id_, ReplicaRole::kRead);
            cleared_ = true;
        }
    }

    std::string GtidText(const binlog::Coordinates &c) const {
        return mariadb_ ? c.maria_gtid.ToString() : c.mysql_gtids.ToString();
    }

    // Closes the open batch at `end` (a transaction boundary): the next batch starts there.
    void CloseBatch(const binlog::Coordinates &end, uint32_t event_time) {
        Flush();
        EnsureTransaction();
        const std::string id = std::to_string(source_id_);
        SpiValue next_log = SpiQueryValue(
            "UPDATE sch_chameleon.t_sources SET v_log_table = ARRAY[v_log_table[2], v_log_table[1]] "
            "WHERE i_id_source = $1::bigint RETURNING v_log_table[1]",
            {id});
        const std::string gtid = GtidText(end);
        SpiValue next_batch = SpiQueryValue(
            "INSERT INTO sch_chameleon.t_replica_batch (i_id_source, t_binlog_name, i_binlog_position, "
            "t_gtid_set, "
            "v_log_table, b_started) VALUES ($1::bigint, $2, $3::bigint, $4, $5, true) RETURNING i_id_batch",
            {id, end.file, std::to_string(end.pos), gtid.empty() ? SpiValue() : SpiValue(gtid),
             next_log.value_or(log_table_)});
        SpiExecute(
            "UPDATE sch_chameleon.t_replica_batch SET b_processed = true, ts_processed = pg_catalog.now(), "
            "i_rows = $2::bigint WHERE i_id_batch = $1::bigint",
            {std::to_string(batch_id_), std::to_string(rows_in_batch_)});
        for (const auto &[table, count] : nul_stripped_) {
            SpiExecute(
                "UPDATE sch_chameleon.t_replica_tables SET i_nul_stripped = i_nul_stripped + $4::bigint "
                "WHERE i_id_source = $1::bigint AND v_schema_name = $2 AND v_table_name = $3",
                {id, table.first, table.second, std::to_string(count)});
            ereport(LOG,
                    (errmsg("chameleon read worker of source %lld: stripped NUL bytes from %llu values of "
                            "%s.%s in batch %lld (nul_bytes: strip)",
                            static_cast<long long>(source_id_), static_cast<unsigned long long>(count),
                            table.first.c_str(), table.second.c_str(), static_cast<long long>(batch_id_))));
        }
        nul_stripped_.clear();
        MarkReceived(event_time);
        RecordConsistency(end);
        FinishTransaction();
        batch_id_ = std::stoll(next_batch.value_or("0"));
        log_table_ = next_log.value_or(log_table_);
        start_file_ = end.file;
        start_pos_ = end.pos;
        rows_in_batch_ = 0;
        tx_names_.clear();
        last_advance_ = GetCurrentTimestamp();
        WakeWorker(source_id_, ReplicaRole::kReplay);
    }

    void MarkReceived(uint32_t event_time) {
        // Caught up (a heartbeat, or an event of the last second): the source is read up to now.
        if (event_time == 0)
            SpiExecute("UPDATE sch_chameleon.t_last_received SET ts_last_received = "
                       "pg_catalog.clock_timestamp() AT TIME ZONE 'UTC' WHERE i_id_source = $1::bigint",
                       {std::to_string(source_id_)});
        else
            SpiExecute(
                "UPDATE sch_chameleon.t_last_received SET ts_last_received = "
                "pg_catalog.to_timestamp($2::bigint) AT TIME ZONE 'UTC' WHERE i_id_source = $1::bigint",
                {std::to_string(source_id_), std::to_string(event_time)});
    }

    // Moves the start of the open, empty batch to `pos` (nothing to read again before it).
    void Advance(const binlog::Coordinates &pos, uint32_t event_time) {
        last_advance_ = GetCurrentTimestamp();
        EnsureTransaction();
        if (pos.file != start_file_ || pos.pos != start_pos_) {
            const std::string gtid = GtidText(pos);
            SpiExecute("UPDATE sch_chameleon.t_replica_batch SET t_binlog_name = $2, i_binlog_position = "
                       "$3::bigint, "
                       "t_gtid_set = $4 WHERE i_id_batch = $1::bigint",
                       {std::to_string(batch_id_), pos.file, std::to_string(pos.pos),
                        gtid.empty() ? SpiValue() : SpiValue(gtid)});
            start_file_ = pos.file;
            start_pos_ = pos.pos;
        }
        MarkReceived(event_time);
        RecordConsistency(pos);
        FinishTransaction();
    }

    // In the open transaction: the tables whose rows reached past their own copy point, and the
    // source once it is past its high watermark, become consistent (their copy points are cleared).
    void RecordConsistency(const binlog::Coordinates &pos) {
        const std::string id = std::to_string(source_id_);
        for (const auto &t : reached_) {
            SpiExecute(
                "UPDATE sch_chameleon.t_replica_tables SET t_binlog_name = NULL, i_binlog_position = NULL "
                "WHERE i_id_source = $1::bigint AND v_schema_name = $2 AND v_table_name = $3",
                {id, t.first, t.second});
        }
        reached_.clear();
        if (!consistent_ &&
            binlog::CompareBinlogPositions(pos.file, pos.pos, watermark_file_, watermark_pos_) >= 0) {
            SpiExecute("UPDATE sch_chameleon.t_sources SET b_consistent = true, t_binlog_name = NULL, "
                       "i_binlog_position = NULL WHERE i_id_source = $1::bigint",
                       {id});
            SpiExecute(
                "UPDATE sch_chameleon.t_replica_tables SET t_binlog_name = NULL, i_binlog_position = NULL "
                "WHERE i_id_source = $1::bigint",
                {id});
            consistent_ = true;
        }
    }

    // pg_chameleon's pause protocol: when t_sources.b_paused is set, acknowledge it in
    // t_last_received.b_paused and read nothing until it is cleared.
    void CheckPause() {
        last_pause_check_ = GetCurrentTimestamp();
        EnsureTransaction();
        bool paused = false;
        std::string status = SourceStatus(source_id_, &paused);
        FinishTransaction();
        if (status != "running")
            proc_exit(0);
        if (!paused)
            return;
        SetAck(true);
        SetWorkerState(source_id_, ReplicaRole::kRead, ReplicaWorkerState::kWaiting);
        while (paused) {
            (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 500, PG_WAIT_EXTENSION);
            ResetLatch(MyLatch);
            CHECK_FOR_INTERRUPTS();
            EnsureTransaction();
            status = SourceStatus(source_id_, &paused);
            FinishTransaction();
            if (status != "running")
                proc_exit(0);
        }
        SetAck(false);
        SetWorkerState(source_id_, ReplicaRole::kRead, ReplicaWorkerState::kStreaming);
    }

    void SetAck(bool paused) {
        EnsureTransaction();
        SpiExecute(
            "UPDATE sch_chameleon.t_last_received SET b_paused = $2::boolean WHERE i_id_source = $1::bigint",
            {std::to_string(source_id_), paused ? "true" : "false"});
        FinishTransaction();
    }

    int64 source_id_;
    ReplicaSource source_;
    std::map<std::pair<std::string, std::string>, TableInfo> tables_;
    ddl::translate::Registry registry_; // MySQL's definitions of the replicated tables, as read so far
    std::set<std::pair<std::string, uint64_t>> skipped_ddl_; // statements skip_transaction passed over
    ddl::TypeMapOptions ddl_types_;
    std::unique_ptr<binlog::BinlogClient> client_;
    binlog::RowDecoder decoder_;
    binlog::RowImage before_, after_;
    std::string scratch_;
    // Values of the open batch stored without their NUL bytes, by destination (schema, table):
    // added to t_replica_tables.i_nul_stripped when the batch closes.
    std::map<std::pair<std::string, std::string>, uint64_t> nul_stripped_;
    bool mariadb_ = true;
    bool postgis_ = false;

    int64 batch_id_ = 0;
    std::string start_file_;
    uint64_t start_pos_ = 4;
    std::string start_gtid_;
    std::string log_table_;
    bool consistent_ = true;
    std::string watermark_file_;
    uint64_t watermark_pos_ = 0;

    std::vector<PendingRow> pending_;
    size_t pending_bytes_ = 0;
    std::string buffer_file_;
    std::vector<std::string> tx_names_;
    std::string tx_name_;
    std::vector<std::pair<std::string, std::string>> reached_; // PostgreSQL (schema, table)
    uint64_t rows_in_batch_ = 0;
    uint64_t rows_in_txn_ = 0;
    TimestampTz batch_opened_ = 0;
    TimestampTz last_advance_ = 0;
    TimestampTz last_pause_check_ = 0;
    bool in_txn_ = false;
    bool cleared_ = false;
    DmlTarget log_;
    std::vector<int> att_;
    Oid log_seq_ = InvalidOid;
    std::vector<Oid> action_oid_;

    std::string error_schema_, error_table_, error_file_;
    uint64_t error_pos_ = 0;
};

void ReadWorkerBody(void *arg) {
    ReadWorker worker(*static_cast<int64 *>(arg));
    worker.Run();
}

} // namespace

} // namespace chameleon::pg

void chameleon_read_worker_main(Datum main_arg) {
    int64 source_id = DatumGetInt64(main_arg);
    pqsignal(SIGTERM, chameleon::pg::ReadWorkerSigterm);
    chameleon::pg::InitReplicaWorker(source_id, chameleon::pg::ReplicaRole::kRead);
    chameleon::pg::RunGuardedVoid("chameleon read worker", chameleon::pg::ReadWorkerBody, &source_id);
}
