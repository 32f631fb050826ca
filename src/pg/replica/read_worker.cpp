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
#include "pg/replica/shared.hpp"
#include "pg/replica/source.hpp"
#include "pg/guard.hpp"
#include "pg/mysql_wait.hpp"
#include "pg/spi_util.hpp"

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
            "SELECT v_schema_name, v_table_name, b_replica_enabled, t_binlog_name, i_binlog_position "
            "FROM sch_chameleon.t_replica_tables WHERE i_id_source = $1::bigint",
            {id});
        CommitWorkerTransaction();

        // MySQL's definition of the mapped tables, mapped exactly as the copy maps them.
        mysql::Connection conn =
            mysql::Connection::Open(ConnectParamsOf(source_.settings), LatchWaiter(nullptr));
        std::vector<std::string> origins;
        for (const auto &m : source_.mappings)
            origins.push_back(m.first);
        std::vector<ddl::MysqlTable> tables = mysql::ReadTables(conn, origins);
        ddl::TypeMapOptions types;
        types.postgis = postgis_;
        types.default_style = mysql::DefaultStyleOf(conn);
        types.zero_dates_infinity = source_.settings.zero_dates == "-infinity";
        types.strip_nul_bytes = source_.settings.nul_bytes == "strip";
        conn.Close();

        std::map<std::pair<std::string, std::string>, const SpiRow *> by_dest;
        for (const SpiRow &r : registered)
            by_dest[{r[0].value_or(""), r[1].value_or("")}] = &r;
        const config::SkipEvents &skip = source_.settings.skip_events;
        BeginWorkerTransaction();
        for (const ddl::MysqlTable &mt : tables) {
            if (!ddl::TableSelected(source_.settings.limit_tables, source_.settings.skip_tables, mt.schema,
                                    mt.name))
                continue;
            const std::string dest = source_.mappings[mt.schema];
            // The copy's names (ddl::PgName): t_replica_tables and the replay know the table by them.
            const std::string pg_table = ddl::PgTableName(mt.schema, mt.name, source_.settings.rename);
            auto reg = by_dest.find({dest, pg_table});
            if (reg == by_dest.end())
                continue; // not copied: not replicated
            const SpiRow &r = *reg->second;
            TableInfo t;
            t.origin_schema = mt.schema;
            t.origin_table = mt.name;
            t.dest_schema = dest;
            t.dest_table = pg_table;
            t.enabled = r[2] == SpiValue("t");
            if (r[3]) {
                t.has_point = true;
                t.point_file = *r[3];
                t.point_pos = std::stoull(r[4].value_or("0"));
            }
            ddl::TableDdlOptions options;
            options.schema = dest;
            options.types = types;
            options.overrides = source_.configuration.type_override;
            options.renames = source_.settings.rename;
            if (source_.settings.keep_existing_schema) {
                for (const SpiRow &a :
                     SpiQuery("SELECT attname, pg_catalog.format_type(atttypid, atttypmod) "
                              "FROM pg_catalog.pg_attribute WHERE attrelid = "
                              "pg_catalog.to_regclass($1) AND attnum > 0 AND NOT attisdropped",
                              {ddl::QualifiedName(dest, pg_table)}))
                    options.existing_types[a[0].value_or("")] = a[1].value_or("");
            }
            ddl::SchemaNames names;
            ddl::TableDdl d = ddl::BuildTableDdl(mt, options, names);
            t.key_columns = d.key_columns;
            std::vector<std::string> column_names;
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
                column_names.push_back(d.columns[i].name); // PostgreSQL names
            }
            t.skip[0] = Listed(skip.insert_targets, mt.schema, mt.name);
            t.skip[1] = Listed(skip.update_targets, mt.schema, mt.name);
            t.skip[2] = Listed(skip.delete_targets, mt.schema, mt.name);
            SpiExecute("UPDATE sch_chameleon.t_replica_tables SET v_columns = $1::text[] "
                       "WHERE i_id_source = $2::bigint AND v_schema_name = $3 AND v_table_name = $4",
                       {TextArrayLiteral(column_names), std::to_string(source_id_), dest, pg_table});
            tables_[{mt.schema, mt.name}] = std::move(t);
            registry_.Put(mt);
        }
        ddl_types_ = types;
        log_seq_ = std::stoul(
            *SpiQueryValue("SELECT pg_catalog.pg_get_serial_sequence('sch_chameleon.t_log_replica', "
                           "'i_id_event')::regclass::oid"));
        for (const char *label : {"insert", "update", "delete"}) {
            action_oid_.push_back(
                std::stoul(*SpiQueryValue("SELECT oid FROM pg_catalog.pg_enum WHERE enumtypid = "
                                          "'sch_chameleon.en_binlog_event'::regtype AND enumlabel = $1",
                                          {label})));
        }
        CommitWorkerTransaction();
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
            if (it != tables_.end() && !(map->has_column_names && map->has_signedness))
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

    // DDL is not replicated yet (issue 11): a statement that changes a replicated table (ALTER,
    // RENAME, DROP, TRUNCATE, ...) makes the target diverge. It is never passed over silently: with
    // on_error_replay: exit the source stops in error; with continue that table is disabled (as a
    // replay error would) and the others go on. Either way t_error_log names the statement, its
    // position and the table; sync_tables copies the table again. New tables are not replicated
    // until then (a WARNING says so).
    void OnDdl(const binlog::BinlogReader &reader) {
        const binlog::QueryEvent &q = reader.Query();
        ddl::translate::Context ctx;
        ctx.registry = &registry_;
        ctx.current_schema = std::string(q.db);
        ctx.schema_mappings = source_.mappings;
        ctx.types = ddl_types_;
        ctx.overrides = source_.configuration.type_override;
        ctx.renames = source_.settings.rename; // the names the copy gave
        const std::vector<std::string> limit = source_.settings.limit_tables,
                                       skip = source_.settings.skip_tables;
        ctx.replicated = [limit, skip](const std::string &schema, const std::string &table) {
            return ddl::TableSelected(limit, skip, schema, table);
        };
        ddl::parser::ParseOptions po;
        if (q.has_sql_mode) {
            po.real_as_float = (q.sql_mode & 0x1) != 0;
            po.ansi_quotes = (q.sql_mode & 0x4) != 0;
            po.no_backslash_escapes = (q.sql_mode & (1ULL << 21)) != 0;
        }
        const std::string sql(q.query);
        for (const ddl::translate::Translation &t : ddl::translate::TranslateText(sql, ctx, po)) {
            if (t.outcome == ddl::translate::Outcome::kIgnored)
                continue;
            if (t.outcome == ddl::translate::Outcome::kRefused) {
                // Unreadable or untranslatable: stop the replicated tables its text names.
                const std::string lower = ddl::AsciiLower(sql);
                bool named = false;
                for (auto &entry : tables_) {
                    TableInfo &table = entry.second;
                    if (!table.enabled ||
                        lower.find(ddl::AsciiLower(table.origin_table)) == std::string::npos)
                        continue;
                    named = true;
                    StopForDdl(reader, &table, sql,
                               "it cannot be translated: " + t.message + " (at offset " +
                                   std::to_string(t.offset) + ")");
                }
                if (!named)
                    ereport(
                        LOG,
                        (errmsg("chameleon: source \"%s\": a DDL statement at %s names no replicated table "
                                "and is passed over: %s",
                                source_.name.c_str(), reader.Where().c_str(), t.message.c_str())));
                continue;
            }
            for (const ddl::translate::TableChange &c : t.changes) {
                auto it = tables_.find({c.schema, c.table});
                if (it == tables_.end()) {
                    if (c.kind == ddl::translate::ChangeKind::kCreate ||
                        c.kind == ddl::translate::ChangeKind::kCreateFromRows ||
                        c.kind == ddl::translate::ChangeKind::kStartReplicating)
                        ereport(WARNING,
                                (errmsg("chameleon: table %s.%s of source \"%s\" is not replicated: DDL "
                                        "replication is not available yet",
                                        c.new_schema.c_str(), c.new_table.c_str(), source_.name.c_str()),
                                 errhint("Copy it with chameleon.sync_tables().")));
                    continue;
                }
                TableInfo &table = it->second;
                if (!table.enabled)
                    continue;
                if (c.kind == ddl::translate::ChangeKind::kAlter && t.statements.empty())
                    continue; // nothing PostgreSQL would do (ENGINE=..., a comment, ...)
                if (table.has_point && binlog::CompareBinlogPositions(reader.File(), reader.Position(),
                                                                      table.point_file, table.point_pos) <= 0)
                    continue; // the copy of this table already has it
                StopForDdl(reader, &table, sql,
                           std::string(ddl::translate::ChangeKindName(c.kind)) + " is not replicated yet");
            }
        }
    }

    void StopForDdl(const binlog::BinlogReader &reader, TableInfo *table, const std::string &sql,
                    const std::string &why) {
        ErrorRecord e;
        e.batch_id = batch_id_;
        e.schema = table != nullptr ? table->dest_schema : "";
        e.table = table != nullptr ? table->dest_table : "";
        e.key = "(DDL)";
        e.binlog_file = reader.File();
        e.binlog_position = reader.Position();
        e.sqlstate = sqlstate::kFeatureNotSupported;
        e.sql = sql.substr(0, 10000);
        const std::string what = table != nullptr
                                     ? "table " + table->origin_schema + "." + table->origin_table
                                     : "a replicated schema";
        e.message = "DDL on " + what + " at " + reader.Where() + ": " + why +
                    "; copy the table again with "
                    "chameleon.sync_tables()";
        if (source_.settings.on_error_replay == "exit" || table == nullptr)
            throw Error(e.message, sqlstate::kFeatureNotSupported, sql.substr(0, 1000),
                        "Copy the tables concerned again (chameleon.sync_tables) or init_replica, then "
                        "chameleon.enable_replica() and start_replica().");
        // continue: that table stops, the others go on (in the transaction of the open batch).
        Flush();
        EnsureTransaction();
        SpiExecute(
            "UPDATE sch_chameleon.t_replica_tables SET b_replica_enabled = false, i_errors = i_errors + 1 "
            "WHERE i_id_source = $1::bigint AND v_schema_name = $2 AND v_table_name = $3",
            {std::to_string(source_id_), table->dest_schema, table->dest_table});
        SpiExecute(
            "INSERT INTO sch_chameleon.t_error_log (i_id_batch, i_id_source, v_table_name, v_schema_name, "
            "t_table_pkey, t_binlog_name, i_binlog_position, ts_error, t_sql, t_error_message, t_sqlstate) "
            "VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6, $7::bigint, pg_catalog.clock_timestamp(), $8, "
            "$9, $10)",
            {std::to_string(batch_id_), std::to_string(source_id_), e.table, e.schema, e.key, e.binlog_file,
             std::to_string(e.binlog_position), e.sql, e.message, e.sqlstate});
        table->enabled = false;
        ereport(WARNING, (errmsg("chameleon: %s; the table is no longer replicated", e.message.c_str())));
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
            reached_.push_back(&t);
        }
        error_schema_ = t.dest_schema;
        error_table_ = t.dest_table;
        error_file_ = reader.File();
        error_pos_ = reader.Position();
        if (map->columns.size() != t.columns.size())
            throw Error(
                "the binlog has " + std::to_string(map->columns.size()) + " columns for " + t.origin_schema +
                    "." + t.origin_table + ", the replica " + std::to_string(t.columns.size()),
                sqlstate::kFeatureNotSupported, "The table was changed by DDL after the replica started.",
                "Copy it again with chameleon.sync_tables() (DDL replication is not available yet).");
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
              "t_row_before", "t_source_tx"}) {
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
        for (const TableInfo *t : reached_) {
            SpiExecute(
                "UPDATE sch_chameleon.t_replica_tables SET t_binlog_name = NULL, i_binlog_position = NULL "
                "WHERE i_id_source = $1::bigint AND v_schema_name = $2 AND v_table_name = $3",
                {id, t->dest_schema, t->dest_table});
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
    ddl::translate::Registry registry_; // MySQL's definitions of the replicated tables (DDL detection)
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
    std::vector<const TableInfo *> reached_;
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
