// What both replication workers know of their source: its catalogue row and its configuration.
#pragma once

#include "config/config.hpp"

#include "pg/replica/shared.hpp"

#include <cstdint>
#include <map>
#include <string>

extern "C" {
#include "postgres.h"
}

namespace chameleon::pg {

struct ReplicaSource {
    int64 id = 0;
    std::string name;
    std::string config_name;
    std::string status;
    bool paused = false;
    std::map<std::string, std::string> mappings; // origin MySQL schema -> destination schema
    config::Configuration configuration;
    config::SourceConfig settings;
};

// The start of a read or replay worker's main, after its SIGTERM handler is set: signals
// unblocked, connected to chameleon.database, named in pg_stat_activity, the session settings of
// replication (session_replication_role = replica, a fixed search_path, asynchronous commit: a
// lost commit is read or replayed again), its pid cleared from its slot at exit, its memory context.
void InitReplicaWorker(int64 source_id, ReplicaRole role);

// Reads the source's catalogue row and its configuration file (inside a transaction with SPI).
ReplicaSource LoadReplicaSource(int64 source_id);

// The current status of the source (inside a transaction with SPI); "" when it is gone.
std::string SourceStatus(int64 source_id, bool *paused);

// Puts the source in error and records `message` in t_error_log (its own transaction). The
// worker then exits: nothing restarts a source in error until enable_replica.
struct ErrorRecord {
    int64 batch_id = 0;
    std::string schema, table, key;
    std::string binlog_file;
    uint64_t binlog_position = 0;
    std::string gtid, source_tx, sqlstate, message, row, sql;
};
void RecordSourceError(int64 source_id, const ErrorRecord &error, bool set_error_status);

// Interval in PostgreSQL's syntax ("1 day", "10 minutes") to seconds; `fallback` when unreadable.
double IntervalSeconds(const std::string &interval, double fallback);

} // namespace chameleon::pg
