#include "common/error.hpp"

#include "pg/module.hpp"
#include "pg/replica/source.hpp"
#include "pg/spi_util.hpp"

#include <cctype>

extern "C" {
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "utils/guc.h"
#include "utils/memutils.h"
}

namespace chameleon::pg {

namespace {
ReplicaRole worker_role = ReplicaRole::kRead;

void ClearOwnPid(int, Datum arg) {
    ClearWorkerPid(DatumGetInt64(arg), worker_role, MyProcPid);
}
} // namespace

void InitReplicaWorker(int64 source_id, ReplicaRole role) {
    worker_role = role;
    const bool read = role == ReplicaRole::kRead;
    BackgroundWorkerUnblockSignals();
    BackgroundWorkerInitializeConnection(ReplicaDatabase(), nullptr, 0);
    pgstat_report_appname(MyBgworkerEntry->bgw_name);
    SetConfigOption("application_name", MyBgworkerEntry->bgw_name, PGC_USERSET, PGC_S_SESSION);
    SetConfigOption("session_replication_role", "replica", PGC_SUSET, PGC_S_OVERRIDE);
    SetConfigOption("search_path", "pg_catalog", PGC_USERSET, PGC_S_SESSION);
    SetConfigOption("synchronous_commit", "off", PGC_USERSET, PGC_S_SESSION);
    before_shmem_exit(ClearOwnPid, Int64GetDatum(source_id));
    SetWorkerState(source_id, role, read ? ReplicaWorkerState::kStreaming : ReplicaWorkerState::kWaiting);
    MemoryContext context =
        read ? AllocSetContextCreate(TopMemoryContext, "chameleon read worker", ALLOCSET_DEFAULT_SIZES)
             : AllocSetContextCreate(TopMemoryContext, "chameleon replay worker", ALLOCSET_DEFAULT_SIZES);
    MemoryContextSwitchTo(context);
}

ReplicaSource LoadReplicaSource(int64 source_id) {
    ReplicaSource s;
    std::vector<SpiRow> rows = SpiQuery("SELECT t_source, t_config_name, enm_status::text, b_paused "
                                        "FROM sch_chameleon.t_sources WHERE i_id_source = $1::bigint",
                                        {std::to_string(source_id)});
    if (rows.empty())
        throw Error("source " + std::to_string(source_id) + " no longer exists", sqlstate::kUndefinedObject);
    s.id = source_id;
    s.name = rows[0][0].value_or("");
    s.config_name = rows[0][1].value_or("default");
    s.status = rows[0][2].value_or("");
    s.paused = rows[0][3] == SpiValue("t");
    for (const SpiRow &m : SpiQuery("SELECT map.key, map.value FROM sch_chameleon.t_sources src, "
                                    "pg_catalog.jsonb_each_text(src.jsb_schema_mappings) map "
                                    "WHERE src.i_id_source = $1::bigint",
                                    {std::to_string(source_id)}))
        s.mappings[m[0].value_or("")] = m[1].value_or("");
    s.configuration = config::LoadConfiguration(ConfigDirectory(), s.config_name);
    s.settings = s.configuration.Source(s.name);
    return s;
}

std::string SourceStatus(int64 source_id, bool *paused) {
    std::vector<SpiRow> rows = SpiQuery("SELECT enm_status::text, b_paused FROM sch_chameleon.t_sources "
                                        "WHERE i_id_source = $1::bigint",
                                        {std::to_string(source_id)});
    if (rows.empty())
        return "";
    if (paused != nullptr)
        *paused = rows[0][1] == SpiValue("t");
    return rows[0][0].value_or("");
}

void RecordSourceError(int64 source_id, const ErrorRecord &e, bool set_error_status) {
    BeginWorkerTransaction();
    const std::string id = std::to_string(source_id);
    if (set_error_status)
        SpiExecute("UPDATE sch_chameleon.t_sources SET enm_status = 'error' WHERE i_id_source = $1::bigint",
                   {id});
    auto opt = [](const std::string &v) { return v.empty() ? SpiValue() : SpiValue(v); };
    SpiExecute(
        "INSERT INTO sch_chameleon.t_error_log (i_id_batch, i_id_source, v_table_name, v_schema_name, "
        "t_table_pkey, t_binlog_name, i_binlog_position, ts_error, t_sql, t_error_message, t_sqlstate, "
        "t_source_tx, t_gtid, t_row) VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6, $7::bigint, "
        "pg_catalog.clock_timestamp(), $8, $9, $10, $11, $12, $13)",
        {std::to_string(e.batch_id), id, e.table.substr(0, 100), e.schema.substr(0, 100), e.key,
         e.binlog_file, std::to_string(e.binlog_position), opt(e.sql), e.message, opt(e.sqlstate),
         opt(e.source_tx), opt(e.gtid), opt(e.row)});
    CommitWorkerTransaction();
}

double IntervalSeconds(const std::string &interval, double fallback) {
    // "<number> <unit>" with pg_chameleon's units (batch_retention: '1 day', auto_maintenance: '10 minutes').
    size_t pos = 0;
    double value = 0;
    try {
        value = std::stod(interval, &pos);
    } catch (const std::exception &) {
        return fallback;
    }
    std::string unit;
    for (size_t i = pos; i < interval.size(); ++i) {
        if (interval[i] != ' ')
            unit += static_cast<char>(std::tolower(static_cast<unsigned char>(interval[i])));
    }
    if (!unit.empty() && unit.back() == 's' && unit.size() > 1)
        unit.pop_back();
    if (unit.empty() || unit == "second" || unit == "sec")
        return value;
    if (unit == "minute" || unit == "min")
        return value * 60;
    if (unit == "hour" || unit == "h")
        return value * 3600;
    if (unit == "day" || unit == "d")
        return value * 86400;
    if (unit == "week")
        return value * 7 * 86400;
    return fallback;
}

} // namespace chameleon::pg
