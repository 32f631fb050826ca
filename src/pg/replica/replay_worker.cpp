// The replay worker of a source: applies the batches the read worker closed, oldest first, each in
// one PostgreSQL transaction that also marks it replayed, deletes its log rows and adds to the
// per-table counters: exactly once across any crash, in source commit order, a source transaction
// never split (a batch only ever ends at a source transaction boundary).
//
// Rows are applied through the executor (dml.hpp) under session_replication_role = replica. Row
// images are chameleon's (text[] of PostgreSQL input texts, converted by the copy's converters) or
// pg_chameleon's (jsonb, for batches pg_chameleon stored and never replayed; its DDL rows run as
// they are).
//
// DDL: chameleon's DDL rows hold the MySQL statement; it is translated here, against the schema
// registry's versions older than the batch (and the statements of the batch before it), and applied
// between the rows before and after it, with the catalogue changes it makes (new tables, dropped
// ones, renames, the image columns), in the batch's transaction.
//
// A row PostgreSQL refuses: with on_error_replay = exit the source goes to `error` with a
// t_error_log row naming the table, the key, the row, the SQLSTATE, the binlog coordinates and the
// source transaction, and the batch stays; with continue the table is disabled (as pg_chameleon
// does), its rows of the batch removed, and the batch applied again without it.
#include "common/error.hpp"
#include "ddl/names.hpp"
#include "ddl/registry_codec.hpp"
#include "ddl/pg_text.hpp"
#include "ddl/table_ddl.hpp"
#include "ddl/translate/translate.hpp"
#include "mysql/binlog/position.hpp"

#include "pg/guard.hpp"
#include "pg/copy/common.hpp"
#include "pg/replica/dml.hpp"
#include "pg/replica/schema_registry.hpp"
#include "pg/replica/shared.hpp"
#include "pg/replica/source.hpp"
#include "pg/spi_util.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "tcop/tcopprot.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

PGDLLEXPORT void chameleon_replay_worker_main(Datum main_arg);
}

namespace chameleon::pg {

namespace {

constexpr long kIdleWaitMs = 1000;
constexpr long kCaughtUpIntervalMs = 500;
constexpr long kRetentionIntervalMs = 60000;

// A log row as the cursor gives it; pointers into the fetched tuple (or palloc'd copies).
struct LogRow {
    int64 event_id = 0;
    const char *schema = nullptr;
    const char *table = nullptr;
    const char *action = nullptr; // insert / update / delete / ddl
    ArrayType *after = nullptr;
    ArrayType *before = nullptr;
    Jsonb *jafter = nullptr;
    Jsonb *jbefore = nullptr;
    const char *query = nullptr;
    int64 event_time = 0;
    const char *binlog_file = nullptr;
    int64 binlog_position = 0;
};

// A target table in the current transaction.
struct Target {
    std::string schema, table;
    bool enabled = false;
    std::vector<std::string> columns;  // MySQL column names of the images (v_columns)
    std::vector<std::string> identity; // v_table_pkey
    DmlTarget dml;
    std::vector<int> att_of_col; // image column -> attribute index (-1: no such attribute)
    Datum *values = nullptr, *key_values = nullptr;
    bool *nulls = nullptr, *key_nulls = nullptr, *set = nullptr;
    int64 inserts = 0, updates = 0, deletes = 0;
};

struct Failure {
    std::string message, sqlstate, detail;
};

class ReplayWorker {
public:
    explicit ReplayWorker(int64 source_id) : source_id_(source_id) {}

    void Run() {
        BeginWorkerTransaction();
        source_ = LoadReplicaSource(source_id_);
        CommitWorkerTransaction();
        if (source_.status != "running" || StopRequested(source_id_))
            return;
        exit_on_error_ = source_.settings.on_error_replay == "exit";
        retention_s_ = IntervalSeconds(source_.settings.batch_retention, 86400);
        fetch_rows_ = source_.settings.replay_max_rows > 0 ? source_.settings.replay_max_rows : 10000;
        if (source_.settings.auto_maintenance != "disabled")
            maintenance_s_ = IntervalSeconds(source_.settings.auto_maintenance, 0);
        last_maintenance_ = GetCurrentTimestamp();
        SetWorkerState(source_id_, ReplicaRole::kReplay, ReplicaWorkerState::kWaiting);
        TimestampTz last_caught_up = 0, last_retention = GetCurrentTimestamp();
        for (;;) {
            CHECK_FOR_INTERRUPTS();
            const int outcome = Step();
            if (outcome < 0)
                return; // stopped on an error, or the source no longer runs
            const TimestampTz now = GetCurrentTimestamp();
            if (TimestampDifferenceExceeds(last_retention, now, kRetentionIntervalMs)) {
                CleanupReplayed();
                last_retention = now;
            }
            if (maintenance_s_ > 0 &&
                TimestampDifferenceExceeds(last_maintenance_, now, static_cast<int>(maintenance_s_ * 1000))) {
                AutoMaintenance();
                last_maintenance_ = now;
            }
            if (outcome > 0)
                continue; // there may be more
            if (TimestampDifferenceExceeds(last_caught_up, now, kCaughtUpIntervalMs)) {
                CaughtUp();
                last_caught_up = now;
            }
            SetWorkerState(source_id_, ReplicaRole::kReplay, ReplicaWorkerState::kWaiting);
            (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, kIdleWaitMs / 4,
                            PG_WAIT_EXTENSION);
            ResetLatch(MyLatch);
        }
    }

private:
    // Applies the oldest pending batch. 1: applied one; 0: nothing to do; -1: exit.
    int Step() {
        BeginWorkerTransaction();
        bool paused = false;
        const std::string status = SourceStatus(source_id_, &paused);
        if (status != "running") {
            CommitWorkerTransaction();
            return -1;
        }
        if (paused) {
            CommitWorkerTransaction();
            Pause();
            return 0;
        }
        std::vector<SpiRow> batch =
            SpiQuery("SELECT i_id_batch, v_log_table FROM sch_chameleon.t_replica_batch WHERE i_id_source = "
                     "$1::bigint "
                     "AND b_started AND b_processed AND NOT b_replayed ORDER BY i_id_batch LIMIT 1",
                     {std::to_string(source_id_)});
        if (batch.empty()) {
            CommitWorkerTransaction();
            return 0;
        }
        SetWorkerState(source_id_, ReplicaRole::kReplay, ReplicaWorkerState::kApplying);
        registry_loaded_ = false; // read for the batch's first DDL statement
        ddl_failure_sql_.clear();
        batch_id_ = std::stoll(*batch[0][0]);
        log_table_ = batch[0][1].value_or("t_log_replica");
        LoadTargets();
        try {
            ApplyBatch();
            FinishBatch();
            CloseTargets();
            CommitWorkerTransaction();
            ClearFailuresOnce();
        } catch (const PgError &e) {
            ErrorData *d = e.Data();
            Failure f{d->message != nullptr ? d->message : "error", unpack_sql_state(d->sqlerrcode),
                      d->detail != nullptr ? d->detail : ""};
            AbortWorkerTransaction();
            const int outcome = OnApplyError(f);
            last_target_ = nullptr;
            targets_.clear();
            return outcome;
        }
        last_target_ = nullptr;
        targets_.clear();
        return 1;
    }

    void LoadTargets() {
        last_target_ = nullptr;
        targets_.clear();
        for (const SpiRow &r : SpiQuery("SELECT v_schema_name, v_table_name, b_replica_enabled, "
                                        "coalesce(v_columns, '{}')::text[], v_table_pkey::text[] "
                                        "FROM sch_chameleon.t_replica_tables WHERE i_id_source = $1::bigint",
                                        {std::to_string(source_id_)})) {
            auto t = std::make_unique<Target>();
            t->schema = r[0].value_or("");
            t->table = r[1].value_or("");
            t->enabled = r[2] == SpiValue("t");
            t->columns = ParseTextArray(r[3].value_or("{}"));
            t->identity = ParseTextArray(r[4].value_or("{}"));
            targets_[{t->schema, t->table}] = std::move(t);
        }
    }

    // A text[] literal as SPI gives it back ({a,"b c"}).
    static std::vector<std::string> ParseTextArray(const std::string &literal) {
        std::vector<std::string> out;
        size_t i = 1;
        while (i + 1 < literal.size()) {
            std::string item;
            if (literal[i] == '"') {
                ++i;
                while (i < literal.size() && literal[i] != '"') {
                    if (literal[i] == '\\' && i + 1 < literal.size())
                        ++i;
                    item += literal[i++];
                }
                ++i;
            } else {
                while (i < literal.size() && literal[i] != ',' && literal[i] != '}')
                    item += literal[i++];
            }
            out.push_back(item);
            if (i < literal.size() && literal[i] == ',')
                ++i;
            else
                break;
        }
        return out;
    }

    Target *TargetFor(const char *schema, const char *table) {
        // Consecutive rows are mostly of one table: no lookup (nor string copies) for them.
        if (last_target_ != nullptr && last_target_->dml.IsOpen() && last_target_->schema == schema &&
            last_target_->table == table)
            return last_target_;
        auto it = targets_.find({schema, table});
        if (it == targets_.end() || !it->second->enabled)
            return nullptr;
        Target *t = it->second.get();
        if (!t->dml.IsOpen())
            OpenTarget(*t);
        last_target_ = t;
        return t;
    }

    void OpenTarget(Target &t) {
        const std::string qualified = ddl::QualifiedName(t.schema, t.table);
        std::vector<int> &att_of_col = t.att_of_col;
        const std::vector<std::string> &columns = t.columns;
        PgCall([&] {
            Oid relid =
                DatumGetObjectId(DirectFunctionCall1(to_regclass, CStringGetTextDatum(qualified.c_str())));
            if (!OidIsValid(relid))
                ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE),
                                errmsg("replicated table %s does not exist", qualified.c_str())));
            t.dml.Open(relid);
            const int natts = t.dml.NumAttrs();
            MemoryContext old = MemoryContextSwitchTo(CurTransactionContext);
            t.values = static_cast<Datum *>(palloc0(sizeof(Datum) * natts));
            t.key_values = static_cast<Datum *>(palloc0(sizeof(Datum) * natts));
            t.nulls = static_cast<bool *>(palloc0(sizeof(bool) * natts));
            t.key_nulls = static_cast<bool *>(palloc0(sizeof(bool) * natts));
            t.set = static_cast<bool *>(palloc0(sizeof(bool) * natts));
            MemoryContextSwitchTo(old);
        });
        TupleDesc desc = t.dml.Desc();
        att_of_col.assign(columns.size(), -1);
        for (size_t c = 0; c < columns.size(); ++c) {
            for (int a = 0; a < desc->natts; ++a) {
                Form_pg_attribute att = TupleDescAttr(desc, a);
                if (!att->attisdropped && columns[c] == NameStr(att->attname))
                    att_of_col[c] = a;
            }
            // Never drop a replicated value silently: the column must be there.
            if (att_of_col[c] < 0) {
                const std::string column = columns[c];
                PgCall([&] {
                    ereport(ERROR,
                            (errcode(ERRCODE_UNDEFINED_COLUMN),
                             errmsg("replicated table %s has no column %s", qualified.c_str(),
                                    quote_identifier(column.c_str())),
                             errdetail("The source's rows have it: it was dropped or renamed in PostgreSQL, "
                                       "or a DDL statement was skipped without applying it by hand.")));
                });
            }
        }
    }

    void CloseTargets() {
        for (auto &entry : targets_) {
            Target &t = *entry.second;
            if (t.dml.IsOpen())
                PgCall([&] { t.dml.Close(); });
        }
    }

    // ---- the batch --------------------------------------------------------------------------

    void ApplyBatch() {
        replayed_ = skipped_ = ddl_ = 0;
        max_event_time_ = 0;
        const std::string sql =
            "SELECT i_id_event, v_schema_name::text, v_table_name::text, enm_binlog_event::text, "
            "t_row_after, "
            "t_row_before, jsb_event_after, jsb_event_before, t_query, i_my_event_time, t_binlog_name, "
            "i_binlog_position FROM sch_chameleon." +
            ddl::QuoteIdent(log_table_) + " WHERE i_id_batch = $1 ORDER BY i_id_event";
        const int64 batch = batch_id_;
        const int fetch = fetch_rows_;
        Portal portal = nullptr;
        MemoryContext row_context = nullptr;
        PgCall([&] {
            Oid types[1] = {INT8OID};
            SPIPlanPtr plan = SPI_prepare(sql.c_str(), 1, types);
            if (plan == nullptr)
                elog(ERROR, "SPI_prepare failed for the log query: %s", SPI_result_code_string(SPI_result));
            Datum args[1] = {Int64GetDatum(batch)};
            portal = SPI_cursor_open(nullptr, plan, args, nullptr, true);
            row_context =
                AllocSetContextCreate(CurTransactionContext, "chameleon replay row", ALLOCSET_DEFAULT_SIZES);
        });
        for (;;) {
            uint64 count = 0;
            // Kept: a DDL statement's SPI calls replace SPI_tuptable.
            SPITupleTable *fetched = nullptr;
            PgCall([&] {
                SPI_cursor_fetch(portal, true, fetch);
                count = SPI_processed;
                fetched = SPI_tuptable;
            });
            if (count == 0) {
                PgCall([&] { SPI_freetuptable(fetched); });
                break;
            }
            for (uint64 i = 0; i < count; ++i) {
                LogRow row;
                PgCall([&] {
                    MemoryContextReset(row_context);
                    ReadRow(fetched->vals[i], fetched->tupdesc, row);
                });
                current_event_ = row.event_id;
                ApplyRow(row, row_context);
                if (row.event_time > max_event_time_)
                    max_event_time_ = row.event_time;
            }
            PgCall([&] { SPI_freetuptable(fetched); });
            CHECK_FOR_INTERRUPTS();
        }
        PgCall([&] {
            SPI_cursor_close(portal);
            MemoryContextDelete(row_context);
        });
    }

    // One log row, unpacked once (the columns of kLogQuery, in order).
    static void ReadRow(HeapTuple tuple, TupleDesc desc, LogRow &row) {
        Datum v[12];
        bool n[12];
        heap_deform_tuple(tuple, desc, v, n);
        auto str = [&](int i) -> const char * { return n[i] ? nullptr : TextDatumGetCString(v[i]); };
        row.event_id = n[0] ? 0 : DatumGetInt64(v[0]);
        row.schema = str(1);
        row.table = str(2);
        row.action = str(3);
        row.after = n[4] ? nullptr : DatumGetArrayTypeP(v[4]);
        row.before = n[5] ? nullptr : DatumGetArrayTypeP(v[5]);
        row.jafter = n[6] ? nullptr : DatumGetJsonbP(v[6]);
        row.jbefore = n[7] ? nullptr : DatumGetJsonbP(v[7]);
        row.query = str(8);
        row.event_time = n[9] ? 0 : DatumGetInt64(v[9]);
        row.binlog_file = str(10);
        row.binlog_position = n[11] ? 0 : DatumGetInt64(v[11]);
    }

    void ApplyRow(const LogRow &row, MemoryContext row_context) {
        if (row.action != nullptr && strcmp(row.action, "ddl") == 0 && row.after != nullptr) {
            ApplyDdl(row);
            return;
        }
        if (row.action != nullptr && strcmp(row.action, "ddl") == 0) {
            // pg_chameleon's DDL rows hold PostgreSQL statements translated when they were read.
            if (row.query == nullptr || TargetFor(row.schema, row.table) == nullptr) {
                ++skipped_;
                return;
            }
            CloseTargets();
            const char *query = row.query;
            PgCall([&] {
                if (SPI_execute(query, false, 0) < 0)
                    elog(ERROR, "the DDL statement of a pg_chameleon batch failed: %s", query);
            });
            for (auto &entry : targets_)
                entry.second->att_of_col.clear();
            ++ddl_;
            return;
        }
        Target *t =
            (row.schema != nullptr && row.table != nullptr) ? TargetFor(row.schema, row.table) : nullptr;
        if (t == nullptr) {
            ++skipped_;
            return;
        }
        const char action = row.action != nullptr ? row.action[0] : '?';
        if (row.after == nullptr && row.before == nullptr && row.jafter == nullptr &&
            row.jbefore == nullptr) {
            // Never apply a change without its values (an image lost by hand or by a tool).
            PgCall([&] {
                ereport(ERROR, (errcode(ERRCODE_DATA_CORRUPTED),
                                errmsg("log row %lld of %s.%s has no row image",
                                       static_cast<long long>(row.event_id), row.schema, row.table)));
            });
        }
        Target &target = *t;
        const std::vector<int> &att_of_col = t->att_of_col;
        bool found = true;
        PgCall([&] {
            MemoryContext old = MemoryContextSwitchTo(row_context);
            const int natts = target.dml.NumAttrs();
            for (int a = 0; a < natts; ++a) {
                target.nulls[a] = true;
                target.key_nulls[a] = true;
                target.set[a] = false;
            }
            if (action == 'i') {
                FillImage(target, att_of_col, row.after, row.jafter, target.values, target.nulls, target.set);
                target.dml.Insert(target.values, target.nulls);
            } else if (action == 'u') {
                FillImage(target, att_of_col, row.before, row.jbefore, target.key_values, target.key_nulls,
                          nullptr);
                FillImage(target, att_of_col, row.after, row.jafter, target.values, target.nulls, target.set);
                found = target.dml.Update(target.key_values, target.key_nulls, target.values, target.nulls,
                                          target.set);
            } else if (action == 'd') {
                // chameleon keeps a delete's row in the before image; pg_chameleon in jsb_event_after.
                if (row.before != nullptr)
                    FillImage(target, att_of_col, row.before, nullptr, target.key_values, target.key_nulls,
                              nullptr);
                else
                    FillImage(target, att_of_col, nullptr, row.jafter, target.key_values, target.key_nulls,
                              nullptr);
                found = target.dml.Delete(target.key_values, target.key_nulls);
            } else {
                elog(ERROR, "unknown action \"%s\" in the log",
                     row.action != nullptr ? row.action : "(null)");
            }
            MemoryContextSwitchTo(old);
            if (!found)
                ereport(
                    ERROR,
                    (errcode(ERRCODE_NO_DATA_FOUND),
                     errmsg("the row to %s was not found in %s.%s", action == 'u' ? "update" : "delete",
                            quote_identifier(row.schema), quote_identifier(row.table)),
                     errdetail(
                         "The target no longer matches the source: it was changed outside replication.")));
        });
        if (action == 'i')
            t->inserts++;
        else if (action == 'u')
            t->updates++;
        else
            t->deletes++;
        ++replayed_;
    }

    // ---- DDL --------------------------------------------------------------------------------

    // A chameleon DDL row: t_query the MySQL statement, v_schema_name the query's database,
    // t_row_after {sql_mode, information_schema style}.
    void ApplyDdl(const LogRow &row) {
        // The elements as C strings first (PostgreSQL calls only), then as C++ strings.
        char **texts = nullptr;
        int ntexts = 0;
        PgCall([&] {
            Datum *elems = nullptr;
            bool *nulls = nullptr;
            deconstruct_array(row.after, TEXTOID, -1, false, TYPALIGN_INT, &elems, &nulls, &ntexts);
            texts = static_cast<char **>(palloc(sizeof(char *) * (ntexts > 0 ? ntexts : 1)));
            for (int i = 0; i < ntexts; ++i)
                texts[i] = nulls[i] ? nullptr : TextDatumGetCString(elems[i]);
        });
        std::vector<std::string> info;
        for (int i = 0; i < ntexts; ++i)
            info.emplace_back(texts[i] != nullptr ? texts[i] : "");
        const std::string sql = row.query != nullptr ? row.query : "";
        const std::string db = row.schema != nullptr ? row.schema : "";
        const std::string where = std::string(row.binlog_file != nullptr ? row.binlog_file : "?") + ":" +
                                  std::to_string(row.binlog_position);
        const uint64_t sql_mode = info.empty() ? 0 : std::stoull(info[0].empty() ? "0" : info[0]);
        const ddl::DefaultStyle style =
            info.size() > 1 && info[1] == "mysql" ? ddl::DefaultStyle::kMySql : ddl::DefaultStyle::kMariaDb;
        if (!registry_loaded_) {
            // The versions older than this batch: the registry as the stream stood at its start.
            RegistryState state = LoadRegistry(source_id_, batch_id_);
            registry_ = std::move(state.registry);
            registry_loaded_ = true;
            postgis_ =
                SpiQueryValue("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'postgis'").has_value();
        }
        if (info.size() >= 6 && info[2] == "definition") {
            // A statement skip_transaction passed over: the table's definition as MySQL had it then.
            TakeDefinition(info[3], info[4], info[5]);
            return;
        }
        // A statement the copy of a table it names already holds (sync_tables after it was read):
        // passed, as the read worker passes the statements before a table's copy point.
        for (const auto &named : NamedTables(sql, db, registry_, source_)) {
            const auto pg = PgNameOf(named.first, named.second);
            std::vector<SpiRow> point = SpiQuery(
                "SELECT t_binlog_name, i_binlog_position FROM sch_chameleon.t_replica_tables WHERE "
                "i_id_source = "
                "$1::bigint AND v_schema_name = $2 AND v_table_name = $3 AND t_binlog_name IS NOT NULL",
                {std::to_string(source_id_), pg.first, pg.second});
            if (!point.empty() && row.binlog_file != nullptr &&
                mysql::binlog::CompareBinlogPositions(
                    row.binlog_file, static_cast<uint64_t>(row.binlog_position), *point[0][0],
                    std::stoull(point[0][1].value_or("0"))) <= 0) {
                ++skipped_;
                return;
            }
        }
        CloseTargets();
        last_target_ = nullptr;
        ddl::translate::Context ctx =
            DdlContext(source_, &registry_, SourceTypeOptions(source_, style, postgis_), db);
        ctx.reserve_names = [](const std::string &pg_schema, ddl::SchemaNames &names) {
            for (const SpiRow &r :
                 SpiQuery("SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                          "ON n.oid = c.relnamespace WHERE n.nspname = $1",
                          {pg_schema}))
                names.TryRelation(r[0].value_or(""));
            for (const SpiRow &r :
                 SpiQuery("SELECT t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n "
                          "ON n.oid = t.typnamespace WHERE n.nspname = $1",
                          {pg_schema}))
                names.Type(r[0].value_or(""));
        };
        ctx.index_name = [this](const std::string &pg_schema, const std::string &pg_table,
                                const std::string &index) {
            return ExistingIndexName(pg_schema, pg_table, index);
        };
        // The enum type a column has now (the copy may have named it enum_t_c_2 in a crowded schema).
        ctx.enum_type_name = [](const std::string &pg_schema, const std::string &pg_table,
                                const std::string &column) {
            SpiValue type = SpiQueryValue(
                "SELECT t.typname FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = "
                "a.atttypid "
                "WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attname = $2 AND NOT a.attisdropped AND "
                "t.typtype = 'e'",
                {ddl::QualifiedName(pg_schema, pg_table), column});
            return type ? *type : ddl::EnumTypeName(pg_table, column);
        };
        const std::vector<ddl::translate::Translation> translations =
            ddl::translate::TranslateText(sql, ctx, ParseOptionsOf(sql_mode));
        for (const ddl::translate::Translation &t : translations) {
            if (t.outcome == ddl::translate::Outcome::kIgnored)
                continue;
            if (t.outcome == ddl::translate::Outcome::kRefused) {
                StopTables(sql, db, where, t);
                continue;
            }
            bool disabled = false;
            for (const ddl::translate::TableChange &c : t.changes) {
                if (c.kind == ddl::translate::ChangeKind::kCreate ||
                    c.kind == ddl::translate::ChangeKind::kCreateFromRows ||
                    c.kind == ddl::translate::ChangeKind::kDrop ||
                    c.kind == ddl::translate::ChangeKind::kStopReplicating)
                    continue; // a new table whatever was there; a table MySQL no longer has
                const Target *target = ExistingTarget(c.schema, c.table);
                if (target != nullptr && !target->enabled)
                    disabled = true; // stale until sync_tables copies it again
            }
            if (!disabled) {
                ddl_failure_table_ = t.changes.empty()
                                         ? std::make_pair(std::string(), std::string())
                                         : PgNameOf(t.changes.front().schema, t.changes.front().table);
                ddl_failure_sql_ = sql;
                for (const std::string &statement : t.statements) {
                    PgCall([&] {
                        if (SPI_execute(statement.c_str(), false, 0) < 0)
                            elog(ERROR, "SPI_execute failed for a replicated DDL statement: %s",
                                 statement.c_str());
                    });
                }
                ddl_failure_sql_.clear();
                for (const ddl::translate::TableChange &c : t.changes)
                    RecordChange(c);
            }
            registry_.Apply(t);
            if (!disabled) {
                // Index names as init_replica gives them, where renames and drops leave them free:
                // the whole schema after tables come, go or move, the table alone after an ALTER.
                std::set<std::string> schemas;
                std::set<std::pair<std::string, std::string>> altered;
                for (const ddl::translate::TableChange &c : t.changes) {
                    using ddl::translate::ChangeKind;
                    if (c.kind == ChangeKind::kAlter)
                        altered.insert({c.new_schema, c.new_table});
                    else if (c.kind != ChangeKind::kTruncate && c.kind != ChangeKind::kStartReplicating) {
                        schemas.insert(PgNameOf(c.schema, c.table).first);
                        if (!c.pg_schema.empty())
                            schemas.insert(c.pg_schema);
                    }
                }
                for (const std::string &schema : schemas)
                    NormalizeIndexNames(schema, nullptr);
                for (const auto &table : altered) {
                    if (schemas.count(PgNameOf(table.first, table.second).first) == 0)
                        NormalizeIndexNames(PgNameOf(table.first, table.second).first, &table);
                }
            }
        }
        RefreshTargets();
        ++ddl_;
    }

    void TakeDefinition(const std::string &schema, const std::string &table, const std::string &json) {
        ddl::MysqlTable definition = ddl::DecodeTableJson(json);
        definition.schema = schema;
        definition.name = table;
        CloseTargets();
        last_target_ = nullptr;
        ddl::translate::TableChange c;
        c.kind = ddl::translate::ChangeKind::kAlter;
        c.schema = c.new_schema = schema;
        c.table = c.new_table = table;
        if (const ddl::MysqlIndex *identity = ddl::ReplicaIdentityIndex(definition)) {
            for (const ddl::MysqlIndexPart &part : identity->parts)
                c.identity_columns.push_back(part.column);
        }
        c.definition = definition;
        RecordChange(c);
        registry_.Put(std::move(definition));
        RefreshTargets();
        ++ddl_;
    }

    // The indexes of a PostgreSQL table: (name, "t" for the primary key).
    static std::vector<SpiRow> IndexesOf(const std::string &pg_schema, const std::string &pg_table) {
        return SpiQuery(
            "SELECT c.relname, i.indisprimary FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c "
            "ON c.oid = i.indexrelid WHERE i.indrelid = pg_catalog.to_regclass($1) ORDER BY c.relname",
            {ddl::QualifiedName(pg_schema, pg_table)});
    }

    // The name init_replica gives to MySQL index `index` (not PRIMARY) of table pg_table when it is free.
    static std::string DefaultIndexName(const std::string &pg_table, const std::string &index) {
        return index.size() <= 63 ? index
                                  : ddl::TruncateUtf8(pg_table, 30) + "_" + ddl::TruncateUtf8(index, 30);
    }

    // The MySQL index (not PRIMARY) of `table` that PostgreSQL index `pg_index` holds, by its name: the
    // index's own name, or <some table>_<index> when that was taken, a _N suffix aside; the longest
    // such MySQL name wins (by_k over k). nullptr: none.
    static const ddl::MysqlIndex *IndexHeldBy(const std::string &pg_index, const ddl::MysqlTable &table) {
        size_t end = pg_index.size();
        while (end > 0 && pg_index[end - 1] >= '0' && pg_index[end - 1] <= '9')
            --end;
        const std::string stem = end < pg_index.size() && end > 0 && pg_index[end - 1] == '_'
                                     ? pg_index.substr(0, end - 1)
                                     : pg_index;
        const ddl::MysqlIndex *match = nullptr;
        for (const ddl::MysqlIndex &index : table.indexes) {
            if (index.Primary())
                continue;
            if (index.name == pg_index)
                return &index;
            const std::string cut = ddl::TruncateUtf8(index.name, 30);
            const bool ends = stem.size() > cut.size() &&
                              stem.compare(stem.size() - cut.size(), cut.size(), cut) == 0 &&
                              stem[stem.size() - cut.size() - 1] == '_';
            if ((stem == index.name || ends) && (match == nullptr || index.name.size() > match->name.size()))
                match = &index;
        }
        return match;
    }

    // The MySQL definition of PostgreSQL table pg_schema.pg_table in the registry (nullptr: none).
    const ddl::MysqlTable *RegistryTableOf(const std::string &pg_schema, const std::string &pg_table) const {
        for (const ddl::MysqlTable *t : registry_.All()) {
            if (PgNameOf(t->schema, t->name) == std::make_pair(pg_schema, pg_table))
                return t;
        }
        return nullptr;
    }

    // The PostgreSQL index that holds MySQL index `index` of table pg_schema.pg_table. Index names
    // are unique per PostgreSQL schema, so the copy and earlier DDL may have named it otherwise
    // than MySQL (table_index, a _2 suffix): the primary key is the table's primary key, another index
    // the one of that table that holds it (IndexHeldBy). Translation asks before the statement
    // runs, so the table has its name before the statement.
    std::string ExistingIndexName(const std::string &pg_schema, const std::string &pg_table,
                                  const std::string &index) const {
        const std::vector<SpiRow> rows = IndexesOf(pg_schema, pg_table);
        if (index == "PRIMARY") {
            for (const SpiRow &r : rows) {
                if (r[1] == SpiValue("t"))
                    return r[0].value_or("");
            }
            return ddl::PrimaryKeyName(pg_table);
        }
        const ddl::MysqlTable *table = RegistryTableOf(pg_schema, pg_table);
        for (const SpiRow &r : rows) {
            const std::string name = r[0].value_or("");
            if (name == index)
                return index;
            const ddl::MysqlIndex *held = table != nullptr ? IndexHeldBy(name, *table) : nullptr;
            if (held != nullptr && held->name == index)
                return name;
        }
        return DefaultIndexName(pg_table, index);
    }

    // PostgreSQL names indexes per schema and keeps them when a table is renamed, so a table renamed
    // (gh-ost and pt-osc swap tables so) or created while a name was taken has other index names than
    // init_replica would give. Each index of the replicated tables of pg_schema whose name init_replica
    // would give otherwise gets that name, when it is free. One query per table: run after DDL only.
    // `only`: that MySQL table alone (nullptr: every table of the schema).
    void NormalizeIndexNames(const std::string &pg_schema, const std::pair<std::string, std::string> *only) {
        for (const ddl::MysqlTable *t : registry_.All()) {
            const auto pg = PgNameOf(t->schema, t->name);
            if (pg.first != pg_schema ||
                (only != nullptr && (t->schema != only->first || t->name != only->second)))
                continue;
            for (const SpiRow &r : IndexesOf(pg.first, pg.second)) {
                const std::string name = r[0].value_or("");
                std::string desired;
                if (r[1] == SpiValue("t")) {
                    desired = ddl::PrimaryKeyName(pg.second);
                } else if (const ddl::MysqlIndex *held = IndexHeldBy(name, *t)) {
                    desired = DefaultIndexName(pg.second, held->name);
                }
                if (desired.empty() || desired == name ||
                    SpiQueryValue("SELECT 1 FROM pg_catalog.pg_class WHERE relnamespace = "
                                  "pg_catalog.to_regnamespace($1) AND relname = $2",
                                  {pg_schema, desired}))
                    continue;
                SpiExecute("ALTER INDEX " + ddl::QualifiedName(pg.first, name) + " RENAME TO " +
                           ddl::QuoteIdent(desired));
            }
        }
    }

    // The PostgreSQL (schema, table) of MySQL table schema.table under the source's mappings.
    std::pair<std::string, std::string> PgNameOf(const std::string &schema, const std::string &table) const {
        auto m = source_.mappings.find(schema);
        return {m != source_.mappings.end() ? m->second : schema,
                ddl::PgTableName(schema, table, source_.settings.rename)};
    }

    Target *ExistingTarget(const std::string &schema, const std::string &table) {
        auto it = targets_.find(PgNameOf(schema, table));
        return it != targets_.end() ? it->second.get() : nullptr;
    }

    // t_renamed (v_renamed) for MySQL table schema.table: the names PostgreSQL takes otherwise, as the
    // copy records them; nullptr: the table is no longer replicated.
    void RecordRenamed(const std::string &schema, const std::string &table,
                       const ddl::MysqlTable *definition) {
        const std::string id = std::to_string(source_id_);
        SpiExecute(
            "DELETE FROM sch_chameleon.t_renamed WHERE i_id_source = $1::bigint AND v_schema_mysql = $2 AND "
            "v_table_mysql = $3",
            {id, schema, table});
        if (definition == nullptr)
            return;
        const auto insert = [&](const char *kind, const std::string &column, const ddl::PgNameResult &r) {
            if (r.reason == ddl::RenameReason::kNone)
                return;
            SpiExecute(
                "INSERT INTO sch_chameleon.t_renamed (i_id_source, v_kind, v_schema_mysql, v_table_mysql, "
                "v_column_mysql, v_name_pg, v_why) VALUES ($1::bigint, $2, $3, $4, $5, $6, $7) "
                "ON CONFLICT DO NOTHING",
                {id, kind, schema, table, column, r.name, ddl::RenameReasonText(r.reason)});
        };
        const std::vector<config::Rename> &renames = source_.settings.rename;
        insert("table", "", ddl::PgName(ddl::NameKind::kTable, schema, table, "", renames));
        for (const ddl::MysqlColumn &col : definition->columns)
            insert("column", col.name, ddl::PgName(ddl::NameKind::kColumn, schema, table, col.name, renames));
    }

    // The catalogue side of one table change, in the batch's transaction.
    void RecordChange(const ddl::translate::TableChange &c) {
        using ddl::translate::ChangeKind;
        const std::string id = std::to_string(source_id_);
        if (c.kind != ChangeKind::kTruncate && c.kind != ChangeKind::kStartReplicating) {
            if (c.schema != c.new_schema || c.table != c.new_table)
                RecordRenamed(c.schema, c.table, nullptr);
            const bool gone = c.kind == ChangeKind::kDrop || c.kind == ChangeKind::kStopReplicating;
            RecordRenamed(c.new_schema, c.new_table,
                          gone || !c.definition.has_value() ? nullptr : &*c.definition);
        }
        const auto before = PgNameOf(c.schema, c.table);
        const auto after = PgNameOf(c.new_schema, c.new_table);
        std::vector<std::string> columns, key;
        if (c.definition.has_value()) {
            for (const ddl::MysqlColumn &col : c.definition->columns)
                columns.push_back(
                    ddl::PgColumnName(c.new_schema, c.new_table, col.name, source_.settings.rename));
            for (const std::string &k : c.identity_columns)
                key.push_back(ddl::PgColumnName(c.new_schema, c.new_table, k, source_.settings.rename));
        }
        switch (c.kind) {
            case ChangeKind::kCreate:
            case ChangeKind::kCreateFromRows:
                if (c.pg_schema.empty())
                    return;
                SpiExecute(
                    "INSERT INTO sch_chameleon.t_replica_tables (i_id_source, v_table_name, v_schema_name, "
                    "v_table_pkey, b_replica_enabled, v_columns) VALUES ($1::bigint, $2, $3, "
                    "$4::character varying[], true, $5::text[]) ON CONFLICT (i_id_source, v_table_name, "
                    "v_schema_name) DO UPDATE SET v_table_pkey = EXCLUDED.v_table_pkey, "
                    "b_replica_enabled = true, v_columns = EXCLUDED.v_columns, t_binlog_name = NULL, "
                    "i_binlog_position = NULL, t_gtid_set = NULL",
                    {id, after.second, after.first, TextArrayLiteral(key), TextArrayLiteral(columns)});
                return;
            case ChangeKind::kAlter:
            case ChangeKind::kRename:
                if (c.kind == ChangeKind::kRename && before != after)
                    SpiExecute(
                        "DELETE FROM sch_chameleon.t_replica_tables WHERE i_id_source = $1::bigint AND "
                        "v_schema_name = $2 AND v_table_name = $3",
                        {id, after.first, after.second});
                SpiExecute(
                    "UPDATE sch_chameleon.t_replica_tables SET v_schema_name = $4, v_table_name = $5, "
                    "v_table_pkey = $6::character varying[], v_columns = $7::text[] WHERE i_id_source = "
                    "$1::bigint AND v_schema_name = $2 AND v_table_name = $3",
                    {id, before.first, before.second, after.first, after.second, TextArrayLiteral(key),
                     TextArrayLiteral(columns)});
                return;
            case ChangeKind::kDrop:
            case ChangeKind::kStopReplicating:
                SpiExecute("DELETE FROM sch_chameleon.t_replica_tables WHERE i_id_source = $1::bigint AND "
                           "v_schema_name = $2 AND v_table_name = $3",
                           {id, before.first, before.second});
                return;
            case ChangeKind::kTruncate:
                SpiExecute(
                    "UPDATE sch_chameleon.t_replica_tables SET i_truncates = i_truncates + 1, "
                    "ts_last_applied = pg_catalog.clock_timestamp() WHERE i_id_source = $1::bigint AND "
                    "v_schema_name = $2 AND v_table_name = $3",
                    {id, before.first, before.second});
                return;
            case ChangeKind::kStartReplicating:
                return; // the read worker reported it: there are no rows to replicate it with
        }
    }

    // A statement that cannot be read or translated (on_error_ddl: table): the replicated tables it
    // names stop here, after the rows before it; the read worker logged none of theirs after it.
    void StopTables(const std::string &sql, const std::string &db, const std::string &where,
                    const ddl::translate::Translation &t) {
        const std::string id = std::to_string(source_id_);
        for (const auto &named : NamedTables(sql, db, registry_, source_)) {
            Target *target = ExistingTarget(named.first, named.second);
            if (target == nullptr || !target->enabled)
                continue;
            const std::string message = "DDL on table " + named.first + "." + named.second + " at " + where +
                                        " cannot be replicated: " + t.message + " (at offset " +
                                        std::to_string(t.offset) +
                                        "); copy the table again with chameleon.sync_tables()";
            SpiExecute("UPDATE sch_chameleon.t_replica_tables SET b_replica_enabled = false, i_errors = "
                       "i_errors + 1 "
                       "WHERE i_id_source = $1::bigint AND v_schema_name = $2 AND v_table_name = $3",
                       {id, target->schema, target->table});
            const size_t colon = where.rfind(':');
            SpiExecute("INSERT INTO sch_chameleon.t_error_log (i_id_batch, i_id_source, v_table_name, "
                       "v_schema_name, "
                       "t_table_pkey, t_binlog_name, i_binlog_position, ts_error, t_sql, t_error_message, "
                       "t_sqlstate) "
                       "VALUES ($1::bigint, $2::bigint, $3, $4, '(DDL)', $5, $6::bigint, "
                       "pg_catalog.clock_timestamp(), "
                       "$7, $8, $9)",
                       {std::to_string(batch_id_), id, target->table, target->schema, where.substr(0, colon),
                        where.substr(colon + 1), sql.substr(0, 10000), message,
                        sqlstate::kFeatureNotSupported});
            target->enabled = false;
            ereport(WARNING, (errmsg("chameleon: %s; the table is no longer replicated", message.c_str())));
        }
    }

    // After DDL: the targets as the catalogue now has them (columns, key, new and renamed tables);
    // the counters of this batch stay with their targets.
    void RefreshTargets() {
        for (auto &entry : targets_)
            entry.second->att_of_col.clear();
        std::set<std::pair<std::string, std::string>> present;
        for (const SpiRow &r : SpiQuery("SELECT v_schema_name, v_table_name, b_replica_enabled, "
                                        "coalesce(v_columns, '{}')::text[], v_table_pkey::text[] "
                                        "FROM sch_chameleon.t_replica_tables WHERE i_id_source = $1::bigint",
                                        {std::to_string(source_id_)})) {
            const std::pair<std::string, std::string> key{r[0].value_or(""), r[1].value_or("")};
            present.insert(key);
            std::unique_ptr<Target> &t = targets_[key];
            if (!t) {
                t = std::make_unique<Target>();
                t->schema = key.first;
                t->table = key.second;
            }
            t->enabled = r[2] == SpiValue("t");
            t->columns = ParseTextArray(r[3].value_or("{}"));
            t->identity = ParseTextArray(r[4].value_or("{}"));
        }
        // Dropped or no longer replicated: gone (a table created again under the name is new).
        for (auto it = targets_.begin(); it != targets_.end();) {
            if (present.count(it->first) == 0)
                it = targets_.erase(it);
            else
                ++it;
        }
    }

    // Fills values/nulls of `t`'s attributes from a text[] image (or a pg_chameleon jsonb image).
    static void FillImage(Target &t, const std::vector<int> &att_of_col, ArrayType *image, Jsonb *jimage,
                          Datum *values, bool *nulls, bool *set) {
        if (image != nullptr) {
            Datum *elems = nullptr;
            bool *elem_nulls = nullptr;
            int n = 0;
            deconstruct_array(image, TEXTOID, -1, false, TYPALIGN_INT, &elems, &elem_nulls, &n);
            if (n != static_cast<int>(att_of_col.size()))
                ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                                errmsg("a row image of %s.%s has %d columns, the replicated table %d",
                                       quote_identifier(t.schema.c_str()), quote_identifier(t.table.c_str()),
                                       n, static_cast<int>(att_of_col.size()))));
            for (int c = 0; c < n; ++c) {
                const int a = att_of_col[c];
                if (a < 0)
                    continue;
                if (set != nullptr)
                    set[a] = true;
                if (elem_nulls[c]) {
                    nulls[a] = true;
                    continue;
                }
                values[a] = t.dml.Input(a, TextDatumGetCString(elems[c]));
                nulls[a] = false;
            }
            return;
        }
        if (jimage == nullptr)
            return;
        TupleDesc desc = t.dml.Desc();
        Datum json = JsonbPGetDatum(jimage);
        for (int a = 0; a < desc->natts; ++a) {
            Form_pg_attribute att = TupleDescAttr(desc, a);
            if (att->attisdropped)
                continue;
            Datum key = CStringGetTextDatum(NameStr(att->attname));
            if (!DatumGetBool(DirectFunctionCall2(jsonb_exists, json, key)))
                continue;
            if (set != nullptr)
                set[a] = true;
            LOCAL_FCINFO(fcinfo, 2);
            InitFunctionCallInfoData(*fcinfo, nullptr, 2, InvalidOid, nullptr, nullptr);
            fcinfo->args[0].value = json;
            fcinfo->args[0].isnull = false;
            fcinfo->args[1].value = key;
            fcinfo->args[1].isnull = false;
            Datum field = jsonb_object_field_text(fcinfo);
            if (fcinfo->isnull) {
                nulls[a] = true;
                continue;
            }
            values[a] = t.dml.Input(a, TextDatumGetCString(field));
            nulls[a] = false;
        }
    }

    void FinishBatch() {
        const std::string b = std::to_string(batch_id_);
        const std::string id = std::to_string(source_id_);
        SpiExecute("UPDATE sch_chameleon.t_replica_batch SET b_replayed = true, ts_replayed = "
                   "pg_catalog.clock_timestamp(), "
                   "i_replayed = $2::bigint, i_skipped = $3::bigint, i_ddl = $4::bigint WHERE i_id_batch = "
                   "$1::bigint",
                   {b, std::to_string(replayed_), std::to_string(skipped_), std::to_string(ddl_)});
        SpiExecute("DELETE FROM sch_chameleon." + ddl::QuoteIdent(log_table_) +
                       " WHERE i_id_batch = $1::bigint",
                   {b});
        SpiExecute("DELETE FROM sch_chameleon.t_batch_events WHERE i_id_batch = $1::bigint", {b});
        if (max_event_time_ > 0)
            SpiExecute(
                "UPDATE sch_chameleon.t_last_replayed SET ts_last_replayed = "
                "pg_catalog.to_timestamp($2::bigint) AT TIME ZONE 'UTC' WHERE i_id_source = $1::bigint",
                {id, std::to_string(max_event_time_)});
        for (auto &entry : targets_) {
            const Target &t = *entry.second;
            if (t.inserts + t.updates + t.deletes == 0)
                continue;
            SpiExecute("UPDATE sch_chameleon.t_replica_tables SET i_inserts = i_inserts + $4::bigint, "
                       "i_updates = i_updates + $5::bigint, i_deletes = i_deletes + $6::bigint, "
                       "ts_last_applied = pg_catalog.clock_timestamp() "
                       "WHERE i_id_source = $1::bigint AND v_schema_name = $2 AND v_table_name = $3",
                       {id, t.schema, t.table, std::to_string(t.inserts), std::to_string(t.updates),
                        std::to_string(t.deletes)});
        }
    }

    // ---- errors -----------------------------------------------------------------------------

    int OnApplyError(const Failure &f) {
        ErrorRecord e;
        e.batch_id = batch_id_;
        e.sqlstate = f.sqlstate;
        e.message = f.sqlstate + " - " + f.message + (f.detail.empty() ? "" : " (" + f.detail + ")");
        DescribeRow(e);
        const bool ddl = !ddl_failure_sql_.empty();
        if (ddl) {
            // A translated DDL statement PostgreSQL refused: the table it changes.
            e.schema = ddl_failure_table_.first;
            e.table = ddl_failure_table_.second;
            e.key = "(DDL)";
            e.sql = ddl_failure_sql_.substr(0, 10000);
            e.message = "DDL at " + e.binlog_file + ":" + std::to_string(e.binlog_position) +
                        " failed in PostgreSQL: " + e.message;
            ddl_failure_sql_.clear();
        }
        if (exit_on_error_) {
            const std::string what = "replay of " + e.schema + "." + e.table + " failed: " + e.message;
            SetWorkerError(source_id_, ReplicaRole::kReplay, ReplicaWorkerState::kError, what);
            RecordSourceError(source_id_, e, true);
            ereport(LOG, (errmsg("chameleon replay worker of source \"%s\" stopped: %s", source_.name.c_str(),
                                 what.c_str())));
            return -1;
        }
        // continue: the table is no longer replicated (sync_tables brings it back); the batch goes on.
        BeginWorkerTransaction();
        const std::string id = std::to_string(source_id_);
        SpiExecute(
            "UPDATE sch_chameleon.t_replica_tables SET b_replica_enabled = false, i_errors = i_errors + 1 "
            "WHERE i_id_source = $1::bigint AND v_schema_name = $2 AND v_table_name = $3",
            {id, e.schema, e.table});
        SpiExecute("DELETE FROM sch_chameleon." + ddl::QuoteIdent(log_table_) +
                       " WHERE i_id_batch = $1::bigint AND v_schema_name = $2 AND v_table_name = $3",
                   {std::to_string(batch_id_), e.schema, e.table});
        if (ddl)
            SpiExecute("DELETE FROM sch_chameleon." + ddl::QuoteIdent(log_table_) +
                           " WHERE i_id_event = $1::bigint",
                       {std::to_string(current_event_)});
        CommitWorkerTransaction();
        RecordSourceError(source_id_, e, false);
        ereport(WARNING, (errmsg("chameleon: replay of %s.%s failed, the table is no longer replicated: %s",
                                 e.schema.c_str(), e.table.c_str(), e.message.c_str()),
                          errhint("Copy it again with chameleon.sync_tables('%s', ARRAY['disabled']).",
                                  source_.name.c_str())));
        return 1;
    }

    // The failing change, read again from the log (the failed transaction's memory is gone): its
    // table, coordinates, source transaction, key and row, for t_error_log.
    void DescribeRow(ErrorRecord &e) {
        SpiRow r;
        try {
            BeginWorkerTransaction();
            std::vector<SpiRow> rows = SpiQuery(
                "SELECT v_schema_name, v_table_name, enm_binlog_event::text, coalesce(t_binlog_name, ''), "
                "coalesce(i_binlog_position, 0), coalesce(t_source_tx, ''), "
                "coalesce(t_row_after, t_row_before)::text, coalesce(t_row_before, t_row_after)::text, "
                "coalesce(jsb_event_after, jsb_event_before)::text FROM sch_chameleon." +
                    ddl::QuoteIdent(log_table_) + " WHERE i_id_event = $1::bigint",
                {std::to_string(current_event_)});
            CommitWorkerTransaction();
            if (!rows.empty())
                r = rows[0];
        } catch (const PgError &) {
            AbortWorkerTransaction();
        }
        if (r.empty()) {
            e.key = "(unknown)";
            return;
        }
        e.schema = r[0].value_or("");
        e.table = r[1].value_or("");
        e.sql = r[2].value_or("?") + " event " + std::to_string(current_event_);
        e.binlog_file = r[3].value_or("");
        e.binlog_position = std::stoull(r[4].value_or("0"));
        e.source_tx = r[5].value_or("");
        e.gtid = e.source_tx.rfind("gtid ", 0) == 0 ? e.source_tx.substr(5) : "";
        std::vector<std::string> columns, identity;
        auto it = targets_.find({e.schema, e.table});
        if (it != targets_.end()) {
            columns = it->second->columns;
            identity = it->second->identity;
        }
        if (r[6]) {
            std::vector<std::string> values = ParseTextArray(*r[6]);
            std::vector<std::string> key_values = ParseTextArray(r[7].value_or("{}"));
            e.row = "{";
            for (size_t i = 0; i < values.size() && i < columns.size(); ++i)
                e.row += (i > 0 ? ", " : "") + columns[i] + ": " + values[i];
            e.row += "}";
            for (const std::string &k : identity) {
                for (size_t i = 0; i < columns.size() && i < key_values.size(); ++i) {
                    if (columns[i] == k)
                        e.key += (e.key.empty() ? "" : " AND ") + ddl::QuoteIdent(k) + " = " +
                                 ddl::QuoteLiteral(key_values[i]);
                }
            }
        } else if (r[8]) {
            e.row = *r[8];
        }
        if (e.key.empty())
            e.key = identity.empty() ? "(no primary key: the whole row)" : "(see the row)";
    }

    // ---- housekeeping -----------------------------------------------------------------------

    // Nothing pending: replay is as far as the reader.
    void CaughtUp() {
        BeginWorkerTransaction();
        SpiExecute(
            "UPDATE sch_chameleon.t_last_replayed rep SET ts_last_replayed = rec.ts_last_received "
            "FROM sch_chameleon.t_last_received rec WHERE rec.i_id_source = rep.i_id_source "
            "AND rep.i_id_source = $1::bigint AND NOT EXISTS (SELECT 1 FROM sch_chameleon.t_replica_batch b "
            "WHERE b.i_id_source = $1::bigint AND b.b_processed AND NOT b.b_replayed)",
            {std::to_string(source_id_)});
        CommitWorkerTransaction();
        ClearFailuresOnce(); // working again: an error of an earlier run is no longer current
    }

    // pg_chameleon's batch_retention: replayed batches are kept that long, then deleted.
    void CleanupReplayed() {
        BeginWorkerTransaction();
        SpiExecute(
            "DELETE FROM sch_chameleon.t_replica_batch WHERE i_id_source = $1::bigint AND b_replayed "
            "AND ts_replayed < pg_catalog.clock_timestamp() - pg_catalog.make_interval(secs => $2::float8)",
            {std::to_string(source_id_), std::to_string(retention_s_)});
        CommitWorkerTransaction();
    }

    // pg_chameleon's auto_maintenance, without stopping the reader: the log table the open batch
    // does not use is emptied when none of its rows waits for replay (locked first, then counted,
    // so nothing arrives in between; a reader that needs it waits at most lock_timeout).
    void AutoMaintenance() {
        try {
            BeginWorkerTransaction();
            SpiExecute("SET LOCAL lock_timeout = '1s'");
            SpiValue other = SpiQueryValue(
                "SELECT v_log_table[2] FROM sch_chameleon.t_sources WHERE i_id_source = $1::bigint",
                {std::to_string(source_id_)});
            if (other) {
                const std::string table = "sch_chameleon." + ddl::QuoteIdent(*other);
                SpiExecute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
                SpiValue pending =
                    SpiQueryValue("SELECT count(*) FROM " + table +
                                  " log JOIN sch_chameleon.t_replica_batch bat ON bat.i_id_batch = "
                                  "log.i_id_batch WHERE NOT bat.b_replayed");
                if (pending == SpiValue("0")) {
                    SpiExecute("TRUNCATE " + table);
                    SpiExecute("UPDATE sch_chameleon.t_sources SET ts_last_maintenance = "
                               "pg_catalog.clock_timestamp() "
                               "WHERE i_id_source = $1::bigint",
                               {std::to_string(source_id_)});
                }
            }
            CommitWorkerTransaction();
        } catch (const PgError &e) {
            AbortWorkerTransaction(); // the table is busy: next time
            ereport(LOG, (errmsg("chameleon: auto_maintenance of source \"%s\" postponed: %s",
                                 source_.name.c_str(), e.what())));
        }
    }

    void Pause() {
        SetWorkerState(source_id_, ReplicaRole::kReplay, ReplicaWorkerState::kWaiting);
        SetAck(true);
        bool paused = true;
        while (paused) {
            (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 500, PG_WAIT_EXTENSION);
            ResetLatch(MyLatch);
            CHECK_FOR_INTERRUPTS();
            BeginWorkerTransaction();
            const std::string status = SourceStatus(source_id_, &paused);
            CommitWorkerTransaction();
            if (status != "running")
                proc_exit(0);
        }
        SetAck(false);
    }

    void SetAck(bool paused) {
        BeginWorkerTransaction();
        SpiExecute(
            "UPDATE sch_chameleon.t_last_replayed SET b_paused = $2::boolean WHERE i_id_source = $1::bigint",
            {std::to_string(source_id_), paused ? "true" : "false"});
        CommitWorkerTransaction();
    }

    void ClearFailuresOnce() {
        if (!cleared_) {
            ClearWorkerFailures(source_id_, ReplicaRole::kReplay);
            cleared_ = true;
        }
    }

    int64 source_id_;
    ReplicaSource source_;
    bool exit_on_error_ = false;
    double retention_s_ = 86400;
    int fetch_rows_ = 10000;
    double maintenance_s_ = 0; // auto_maintenance interval, 0: disabled
    TimestampTz last_maintenance_ = 0;
    bool cleared_ = false;

    int64 batch_id_ = 0;
    std::string log_table_;
    std::map<std::pair<std::string, std::string>, std::unique_ptr<Target>> targets_;
    Target *last_target_ = nullptr; // the target of the previous row (cache of TargetFor)
    int64 current_event_ = 0;       // the log row being applied (read again from the log after an error)
    int64 replayed_ = 0, skipped_ = 0, ddl_ = 0, max_event_time_ = 0;
    // DDL: the registry as of the statement being applied (read per batch), and what a failing
    // statement was (for its error row).
    ddl::translate::Registry registry_;
    bool registry_loaded_ = false;
    bool postgis_ = false;
    std::pair<std::string, std::string> ddl_failure_table_;
    std::string ddl_failure_sql_;
};

void ReplayWorkerBody(void *arg) {
    const int64 source_id = *static_cast<int64 *>(arg);
    std::string failure;
    try {
        ReplayWorker worker(source_id);
        worker.Run();
        return;
    } catch (const PgError &e) {
        failure = e.what();
    } catch (const std::exception &e) {
        failure = e.what();
    }
    // Something outside the replay of a row (the catalogue, the configuration file): the launcher
    // starts the worker again after a delay; v_status shows why meanwhile.
    AbortWorkerTransaction();
    SetWorkerError(source_id, ReplicaRole::kReplay, ReplicaWorkerState::kBackoff, failure);
    ereport(LOG, (errmsg("chameleon replay worker of source %lld: %s (retrying)",
                         static_cast<long long>(source_id), failure.c_str())));
}

} // namespace

} // namespace chameleon::pg

void chameleon_replay_worker_main(Datum main_arg) {
    int64 source_id = DatumGetInt64(main_arg);
    pqsignal(SIGTERM, die);
    chameleon::pg::InitReplicaWorker(source_id, chameleon::pg::ReplicaRole::kReplay);
    chameleon::pg::RunGuardedVoid("chameleon replay worker", chameleon::pg::ReplayWorkerBody, &source_id);
}
