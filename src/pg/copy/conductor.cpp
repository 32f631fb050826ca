// The conductor of a copy run (see copy_conductor.hpp) and the SQL functions init_replica,
// copy_schema, sync_tables and refresh_schema.
//
// Why workers: the calling function cannot commit, and the run needs committed steps (the status
// others see, the loading tables the copiers write into, one transaction per table). The caller's
// transaction only reads; everything that changes state is done by the workers in their own
// transactions, which is also what pg_chameleon's autocommit connection did.
#include "common/error.hpp"
#include "config/config.hpp"
#include "ddl/copy_plan.hpp"
#include "ddl/names.hpp"
#include "ddl/pg_text.hpp"
#include "ddl/registry_codec.hpp"
#include "ddl/table_ddl.hpp"
#include "mysql/connection.hpp"
#include "mysql/preflight.hpp"
#include "mysql/snapshot.hpp"

#include "pg/copy/common.hpp"
#include "pg/copy/conductor.hpp"
#include "pg/copy/dependents.hpp"
#include "pg/copy/shared.hpp"
#include "pg/fmgr_util.hpp"
#include "pg/guard.hpp"
#include "pg/module.hpp"
#include "pg/mysql_wait.hpp"
#include "pg/spi_util.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <signal.h>

extern "C" {
#include "postgres.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "utils/inval.h"
#include "utils/timestamp.h"
}

namespace chameleon::pg {

namespace {

const char *InternState(const std::string &state) {
    static std::mutex mutex;
    static auto *states = new std::set<std::string>();
    std::lock_guard<std::mutex> lock(mutex);
    return states->insert(state.size() == 5 ? state : "XX000").first->c_str();
}

std::string FunctionName(ddl::CopyOperation op) {
    return std::string("chameleon.") + ddl::CopyOperationName(op) + "()";
}

// ---------------------------------------------------------------------------------------------
// Planning

struct SourceRow {
    int64_t id = 0;
    std::string name;
    std::string status;
    std::string type;
    std::string config;
    std::vector<std::pair<std::string, std::string>> mappings; // origin → destination
};

SourceRow ReadSource(const std::string &source) {
    std::vector<SpiRow> rows =
        SpiQuery("SELECT i_id_source, enm_status::text, enm_source_type::text, t_config_name "
                 "FROM sch_chameleon.t_sources WHERE t_source = $1",
                 {source});
    if (rows.empty()) {
        throw Error("source \"" + source + "\" does not exist", sqlstate::kUndefinedObject, "",
                    "Add it with chameleon.add_source(); sch_chameleon.v_sources lists the sources.");
    }
    SourceRow s;
    s.id = std::stoll(rows[0][0].value_or("0"));
    s.name = source;
    s.status = rows[0][1].value_or("");
    s.type = rows[0][2].value_or("");
    s.config = rows[0][3].value_or("default");
    for (const SpiRow &m : SpiQuery("SELECT map.key, map.value FROM sch_chameleon.t_sources src, "
                                    "pg_catalog.jsonb_each_text(src.jsb_schema_mappings) map "
                                    "WHERE src.i_id_source = $1::bigint ORDER BY map.key",
                                    {std::to_string(s.id)}))
        s.mappings.emplace_back(m[0].value_or(""), m[1].value_or(""));
    return s;
}

std::string DestinationOf(const SourceRow &source, const std::string &origin) {
    for (const auto &[o, d] : source.mappings) {
        if (o == origin)
            return d;
    }
    return "";
}

std::string MappedList(const SourceRow &source) {
    std::string out;
    for (const auto &m : source.mappings)
        out += (out.empty() ? "" : ", ") + m.first;
    return out;
}

void RunPreflightOrRefuse(const SourceRow &source, const config::SourceConfig &settings,
                          const std::vector<std::string> &schemas) {
    std::vector<mysql::CheckResult> checks =
        mysql::RunPreflight(ConnectParamsOf(settings), schemas, settings.my_server_id, LatchWaiter(nullptr));
    std::string failed;
    std::string detail;
    for (const mysql::CheckResult &c : checks) {
        if (c.status != "failed")
            continue;
        failed += (failed.empty() ? "" : ", ") + c.check;
        detail +=
            (detail.empty() ? "" : "\n") + c.check + ": " + c.value + (c.hint.empty() ? "" : " — " + c.hint);
    }
    if (!failed.empty()) {
        throw Error("pre-flight check of source \"" + source.name + "\" failed: " + failed,
                    sqlstate::kObjectNotInPrerequisiteState, detail,
                    "SELECT * FROM chameleon.check_source('" + source.name + "') shows every check.");
    }
}

// Names taken in `schema` by objects that stay (sync_tables moves tables into a living schema).
void ReserveExistingNames(const std::string &schema, const std::vector<std::string> &replaced,
                          ddl::SchemaNames &names) {
    const std::string list = TextArrayLiteral(replaced);
    for (const SpiRow &r : SpiQuery(
             "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
             "c.relnamespace "
             "WHERE n.nspname = $1 AND NOT (c.relname = ANY ($2::text[])) "
             "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class t ON t.oid = "
             "i.indrelid "
             "  WHERE i.indexrelid = c.oid AND t.relname = ANY ($2::text[])) "
             "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class t ON t.oid = "
             "d.refobjid "
             "  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid "
             "  AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i') "
             "  AND t.relnamespace = n.oid AND t.relname = ANY ($2::text[]))",
             {schema, list})) {
        names.TryRelation(r[0].value_or(""));
        names.Type(r[0].value_or(""));
    }
    for (const SpiRow &r :
         SpiQuery("SELECT t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = "
                  "t.typnamespace "
                  "WHERE n.nspname = $1 AND t.typtype = 'e' AND NOT EXISTS (SELECT 1 FROM "
                  "pg_catalog.pg_attribute a "
                  "  JOIN pg_catalog.pg_class c ON c.oid = a.attrelid WHERE a.atttypid = t.oid "
                  "  AND c.relnamespace = n.oid AND c.relname = ANY ($2::text[]))",
                  {schema, list}))
        names.Type(r[0].value_or(""));
}

std::map<std::string, std::string> ExistingColumnTypes(const std::string &schema, const std::string &table) {
    std::map<std::string, std::string> types;
    for (const SpiRow &r : SpiQuery("SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) "
                                    "FROM pg_catalog.pg_attribute a "
                                    "WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attnum > 0 "
                                    "AND NOT a.attisdropped",
                                    {ddl::QualifiedName(schema, table)}))
        types[r[0].value_or("")] = r[1].value_or("text");
    return types;
}

// A MySQL name PostgreSQL takes under another name (ddl::PgName), for t_renamed and a NOTICE.
struct PlannedRename {
    std::string schema, table; // MySQL
    ddl::RenamedName renamed;
};

struct Planned {
    ddl::CopyPlan plan;
    std::vector<std::string> notes;
    std::vector<PlannedRename> renamed;
    std::string previous_status;
    int copy_jobs = 2;
    size_t gtid_bytes = 0; // length of MySQL's GTID set when planned (sizes the string area)
    // The live-operation registry's slot, claimed before planning (see RunCopyOperation).
    int slot = -1;
    uint64 run_id = 0;
};

// t_renamed holds, for the tables of this run, the names PostgreSQL takes under another name:
// the rows of those tables are replaced (a table no longer renamed loses its rows).
void RecordRenames(int64_t source_id, const ddl::CopyPlan &plan, const std::vector<PlannedRename> &renamed) {
    const std::string id = std::to_string(source_id);
    for (const ddl::CopyTable &t : plan.tables) {
        SpiExecute(
            "DELETE FROM sch_chameleon.t_renamed WHERE i_id_source = $1::bigint AND v_schema_mysql = $2 "
            "AND v_table_mysql = $3",
            {id, t.origin_schema, t.origin_table});
    }
    for (const PlannedRename &r : renamed) {
        SpiExecute("INSERT INTO sch_chameleon.t_renamed (i_id_source, v_kind, v_schema_mysql, v_table_mysql, "
                   "v_column_mysql, v_name_pg, v_why) VALUES ($1::bigint, $2, $3, $4, $5, $6, $7)",
                   {id, r.renamed.column ? "column" : "table", r.schema, r.table, r.renamed.mysql_column,
                    r.renamed.pg_name, r.renamed.reason});
    }
}

Planned BuildPlan(const CopyRequest &request, const SourceRow &source,
                  const config::Configuration &configuration, const config::SourceConfig &settings) {
    Planned out;
    ddl::CopyPlan &plan = out.plan;
    plan.operation = request.operation;
    plan.source_id = source.id;
    plan.source = source.name;
    plan.config = source.config;
    plan.copy_data = request.operation != ddl::CopyOperation::kCopySchema;
    plan.keep_existing_schema = settings.keep_existing_schema;
    plan.skip_bad_rows = CopySkipBadRows(settings.on_error_copy);
    plan.lock_timeout = settings.lock_timeout;
    plan.grant_select_to = settings.grant_select_to;

    // Which origin schemas, and for sync_tables which tables.
    std::vector<std::string> schemas;
    std::set<std::pair<std::string, std::string>> wanted; // sync_tables
    switch (request.operation) {
        case ddl::CopyOperation::kInitReplica:
        case ddl::CopyOperation::kCopySchema:
            for (const auto &m : source.mappings)
                schemas.push_back(m.first);
            break;
        case ddl::CopyOperation::kRefreshSchema:
            if (DestinationOf(source, request.schema).empty()) {
                throw Error("schema \"" + request.schema + "\" is not mapped by source \"" + source.name +
                                "\"",
                            sqlstate::kInvalidParameterValue,
                            "The mapped MySQL schemas are: " + MappedList(source) + ".",
                            "refresh_schema takes a MySQL (origin) schema of schema_mappings.");
            }
            schemas.push_back(request.schema);
            break;
        case ddl::CopyOperation::kSyncTables: {
            std::vector<std::string> names = request.tables;
            if (names.size() == 1 && names[0] == "disabled") {
                names.clear();
                // t_replica_tables knows tables by their PostgreSQL names: back to MySQL's.
                std::map<std::pair<std::string, std::string>, std::string> mysql_name;
                for (const SpiRow &r : SpiQuery("SELECT v_schema_mysql, v_name_pg, v_table_mysql "
                                                "FROM sch_chameleon.t_renamed "
                                                "WHERE i_id_source = $1::bigint AND v_kind = 'table'",
                                                {std::to_string(source.id)}))
                    mysql_name[{r[0].value_or(""), r[1].value_or("")}] = r[2].value_or("");
                for (const SpiRow &r :
                     SpiQuery("SELECT v_schema_name, v_table_name FROM sch_chameleon.t_replica_tables "
                              "WHERE i_id_source = $1::bigint AND NOT b_replica_enabled "
                              "ORDER BY 1, 2",
                              {std::to_string(source.id)})) {
                    for (const auto &[o, d] : source.mappings) {
                        if (d != r[0].value_or(""))
                            continue;
                        auto renamed = mysql_name.find({o, r[1].value_or("")});
                        names.push_back(o + "." +
                                        (renamed != mysql_name.end() ? renamed->second : r[1].value_or("")));
                    }
                }
                if (names.empty())
                    throw Error("source \"" + source.name + "\" has no disabled tables to sync",
                                sqlstate::kObjectNotInPrerequisiteState);
            }
            if (names.empty())
                throw Error("sync_tables needs at least one table", sqlstate::kInvalidParameterValue);
            for (const std::string &n : names) {
                auto [schema, table] = ddl::SplitTableName(n, "table");
                if (DestinationOf(source, schema).empty()) {
                    throw Error("table \"" + n + "\" is not in a schema mapped by source \"" + source.name +
                                    "\"",
                                sqlstate::kInvalidParameterValue,
                                "The mapped MySQL schemas are: " + MappedList(source) + ".",
                                "Name tables as origin_schema.table.");
                }
                if (!ddl::TableSelected(settings.limit_tables, settings.skip_tables, schema, table)) {
                    throw Error("table \"" + n +
                                    "\" is excluded by limit_tables or skip_tables of source \"" +
                                    source.name + "\"",
                                sqlstate::kInvalidParameterValue);
                }
                wanted.insert({schema, table});
                if (std::find(schemas.begin(), schemas.end(), schema) == schemas.end())
                    schemas.push_back(schema);
            }
            break;
        }
    }

    RunPreflightOrRefuse(source, settings, schemas);

    // Waits on the latch: a cancel is seen while MySQL is slow to answer (not after read_timeout).
    mysql::Connection conn = mysql::Connection::Open(ConnectParamsOf(settings), LatchWaiter(nullptr));
    std::vector<ddl::MysqlTable> tables = mysql::ReadTables(conn, schemas);
    out.gtid_bytes = mysql::ReadBinlogCoordinates(conn).gtid_set.size();

    // Tables in scope.
    std::vector<const ddl::MysqlTable *> chosen;
    for (const ddl::MysqlTable &t : tables) {
        if (!ddl::TableSelected(settings.limit_tables, settings.skip_tables, t.schema, t.name))
            continue;
        if (request.operation == ddl::CopyOperation::kSyncTables && wanted.count({t.schema, t.name}) == 0)
            continue;
        chosen.push_back(&t);
    }
    for (const auto &w : wanted) {
        bool found = std::any_of(chosen.begin(), chosen.end(), [&](const ddl::MysqlTable *t) {
            return t->schema == w.first && t->name == w.second;
        });
        if (!found)
            throw Error("table \"" + w.first + "." + w.second + "\" does not exist in MySQL",
                        sqlstate::kUndefinedObject);
    }

    const bool postgis =
        SpiQueryValue("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'postgis'").has_value();
    ddl::TypeMapOptions types;
    types.postgis = postgis;
    types.default_style = mysql::DefaultStyleOf(conn);
    types.zero_dates_infinity = settings.zero_dates == "-infinity";
    types.strip_nul_bytes = settings.nul_bytes == "strip";

    // Loading schemas and name registries.
    std::map<std::string, ddl::SchemaNames> names; // by the schema the DDL is written for
    for (const std::string &origin : schemas) {
        ddl::LoadSchema ls;
        ls.origin_schema = origin;
        ls.dest_schema = DestinationOf(source, origin);
        ls.load_schema = plan.keep_existing_schema ? ls.dest_schema : ddl::LoadSchemaName(ls.dest_schema);
        ls.old_schema = ddl::OldSchemaName(ls.dest_schema);
        ddl::CheckIdentifierLength(ls.dest_schema, "destination schema");
        plan.schemas.push_back(ls);
        ddl::SchemaNames &n = names[ls.load_schema];
        if (request.operation == ddl::CopyOperation::kSyncTables && !plan.keep_existing_schema) {
            std::vector<std::string> replaced;
            for (const ddl::MysqlTable *t : chosen) {
                if (t->schema == origin)
                    replaced.push_back(ddl::PgTableName(t->schema, t->name, settings.rename));
            }
            ReserveExistingNames(ls.dest_schema, replaced, n);
        }
        for (const ddl::MysqlTable *t : chosen) {
            if (t->schema == origin) {
                const std::string pg = ddl::PgTableName(t->schema, t->name, settings.rename);
                if (!n.TryRelation(pg)) {
                    throw Error("two MySQL tables of schema \"" + origin + "\" would both be named " +
                                    ddl::QuoteIdent(pg) + " in PostgreSQL",
                                "42P07", "One of them is " + t->Display() + ".",
                                "Give one of them another name with the source's rename map (\"" + t->schema +
                                    "." + t->name + "\": name).");
                }
                n.Type(pg); // a table's row type
            }
        }
    }

    std::vector<std::string> keep_tables_sql; // "(schema, table)" tuples for keep_existing_schema
    for (const ddl::MysqlTable *mt : chosen) {
        const std::string dest = DestinationOf(source, mt->schema);
        const std::string load = plan.keep_existing_schema ? dest : ddl::LoadSchemaName(dest);
        ddl::TableDdlOptions options;
        options.schema = load;
        options.fillfactor = ddl::FillFactorFor(configuration.fillfactor, mt->schema, mt->name);
        options.types = types;
        options.overrides = configuration.type_override;
        options.renames = settings.rename;
        const std::string pg_table = ddl::PgTableName(mt->schema, mt->name, settings.rename);
        if (plan.keep_existing_schema) {
            options.existing_types = ExistingColumnTypes(dest, pg_table);
            if (options.existing_types.empty()) {
                throw Error("table " + ddl::QualifiedName(dest, pg_table) + " does not exist",
                            sqlstate::kUndefinedObject,
                            "keep_existing_schema loads the rows into existing tables.",
                            "Create the table, or turn keep_existing_schema off.");
            }
            for (const ddl::MysqlColumn &c : mt->columns) {
                if (options.existing_types.count(
                        ddl::PgColumnName(mt->schema, mt->name, c.name, settings.rename)) == 0)
                    throw Error("column " + ddl::QuoteIdent(c.name) + " of MySQL table " + mt->Display() +
                                    " is missing from " + ddl::QualifiedName(dest, pg_table),
                                sqlstate::kUndefinedObject, "",
                                "keep_existing_schema needs every MySQL column.");
            }
        }
        ddl::TableDdl d = ddl::BuildTableDdl(*mt, options, names[load]);
        for (const std::string &note : d.notes)
            out.notes.push_back(note);
        for (const ddl::RenamedName &r : d.renamed)
            out.renamed.push_back({mt->schema, mt->name, r});

        ddl::CopyTable ct;
        ct.origin_schema = mt->schema;
        ct.origin_table = mt->name;
        ct.dest_schema = dest;
        ct.load_schema = load;
        ct.table = d.table;
        ct.enum_types = d.enum_types;
        ct.identity_columns = d.identity_columns;
        ct.binary_copy = CopyBinary() && !plan.skip_bad_rows;
        for (const ddl::MappedColumn &m : d.columns) {
            const convert::BinaryKind binary = convert::BinaryKindFor(m);
            if (binary == convert::BinaryKind::kNone)
                ct.binary_copy = false;
            ct.columns.push_back(ddl::CopyColumn{m.name, convert::ValueSpec::Of(m), binary});
        }
        ct.key_columns = d.key_columns;
        ct.select_sql = d.select_sql;
        ct.transactional = mt->transactional;
        ct.definition_json = ddl::EncodeTableJson(*mt);
        ct.estimated_rows = mt->estimated_rows;
        ct.estimated_bytes = mt->data_length;
        ct.estimated_cost = ddl::EstimateCopyCost(d, mt->estimated_rows, mt->data_length);
        // A large table with an integer primary key may be split by key ranges.
        const int split_rows = CopySplitRows();
        const ddl::MysqlIndex *pk = mt->PrimaryKey();
        if (split_rows > 0 && mt->estimated_rows >= static_cast<uint64_t>(split_rows) && pk != nullptr &&
            pk->parts.size() == 1 && !pk->parts[0].sub_part.has_value() && mt->transactional &&
            !plan.keep_existing_schema) {
            const ddl::MysqlColumn *key = mt->FindColumn(pk->parts[0].column);
            static const std::set<std::string> integers{"tinyint", "smallint", "mediumint",
                                                        "int",     "integer",  "bigint"};
            if (key != nullptr && integers.count(key->data_type) > 0) {
                ct.split_column = key->name;
                ct.split_unsigned = key->Unsigned();
            }
        }
        if (plan.keep_existing_schema && !plan.copy_data) {
            // copy_schema on existing tables: nothing to create, nothing to reload.
        } else if (plan.keep_existing_schema) {
            // Indexes and primary key dropped before the reload and created again after it, as
            // saved in t_indexes / t_pkeys (unique constraints stay).
            std::vector<SpiRow> idx = SpiQuery("SELECT v_constraint_type, t_sql_drop, t_sql_create "
                                               "FROM sch_chameleon.v_idx_cons "
                                               "WHERE v_schema_name = $1 AND v_table_name = $2 "
                                               "ORDER BY v_constraint_type = 'p', v_index_name",
                                               {dest, pg_table});
            for (const SpiRow &r : idx) {
                if (r[0] == std::optional<std::string>("i") || r[0] == std::optional<std::string>("p"))
                    ct.create_statements.push_back(r[1].value_or(""));
            }
            ct.create_statements.push_back("TRUNCATE TABLE " + ddl::QualifiedName(dest, pg_table));
            for (auto it = idx.rbegin(); it != idx.rend(); ++it) {
                if ((*it)[0] == std::optional<std::string>("p"))
                    ct.index_statements.push_back((*it)[2].value_or(""));
            }
            for (const SpiRow &r : idx) {
                if (r[0] == std::optional<std::string>("i"))
                    ct.index_statements.push_back(r[2].value_or(""));
            }
            keep_tables_sql.push_back("(" + ddl::QuoteLiteral(dest) + ", " + ddl::QuoteLiteral(pg_table) +
                                      ")");
        } else {
            ct.create_statements = d.create_statements;
            for (const ddl::IndexDdl &i : d.indexes)
                ct.index_statements.push_back(i.sql);
        }
        plan.tables.push_back(std::move(ct));
    }

    if (plan.keep_existing_schema && plan.copy_data && !keep_tables_sql.empty()) {
        std::string in;
        for (const std::string &t : keep_tables_sql)
            in += (in.empty() ? "" : ", ") + t;
        plan.prepare_statements.push_back(
            "INSERT INTO sch_chameleon.t_indexes (v_schema_name, v_table_name, v_index_name, t_index_drop, "
            "t_index_create) SELECT v_schema_name, v_table_name, v_index_name, t_sql_drop, t_sql_create "
            "FROM sch_chameleon.v_idx_cons WHERE v_constraint_type = 'i' AND (v_schema_name, v_table_name) "
            "IN (" +
            in +
            ") ON CONFLICT (v_schema_name, v_table_name, v_index_name) DO UPDATE SET "
            "t_index_drop = EXCLUDED.t_index_drop, t_index_create = EXCLUDED.t_index_create");
        plan.prepare_statements.push_back(
            "INSERT INTO sch_chameleon.t_pkeys (v_schema_name, v_table_name, v_index_name, t_pkey_drop, "
            "t_pkey_create) SELECT v_schema_name, v_table_name, v_index_name, t_sql_drop, t_sql_create "
            "FROM sch_chameleon.v_idx_cons WHERE v_constraint_type = 'p' AND (v_schema_name, v_table_name) "
            "IN (" +
            in +
            ") ON CONFLICT (v_schema_name, v_table_name) DO UPDATE SET v_index_name = EXCLUDED.v_index_name, "
            "t_pkey_drop = EXCLUDED.t_pkey_drop, t_pkey_create = EXCLUDED.t_pkey_create");
        plan.prepare_statements.push_back(
            "INSERT INTO sch_chameleon.t_ukeys (v_schema_name, v_table_name, v_index_name, t_ukey_drop, "
            "t_ukey_create) SELECT v_schema_name, v_table_name, v_index_name, t_sql_drop, t_sql_create "
            "FROM sch_chameleon.v_idx_cons WHERE v_constraint_type = 'u' AND (v_schema_name, v_table_name) "
            "IN (" +
            in +
            ") ON CONFLICT (v_schema_name, v_table_name, v_index_name) DO UPDATE SET "
            "t_ukey_drop = EXCLUDED.t_ukey_drop, t_ukey_create = EXCLUDED.t_ukey_create");
        const std::string fk_where = "(v_schema_referencing, v_table_referencing) IN (" + in +
                                     ") OR (v_schema_referenced, v_table_referenced) IN (" + in + ")";
        plan.prepare_statements.push_back(
            "INSERT INTO sch_chameleon.t_fkeys (v_schema_name, v_table_name, v_constraint_name, t_fkey_drop, "
            "t_fkey_create, t_fkey_validate) SELECT v_schema_referencing, v_table_referencing, v_fk_name, "
            "t_con_drop, t_con_create, t_con_validate FROM sch_chameleon.v_fkeys WHERE " +
            fk_where +
            " ON CONFLICT (v_schema_name, v_table_name, v_constraint_name) DO UPDATE SET "
            "t_fkey_drop = EXCLUDED.t_fkey_drop, t_fkey_create = EXCLUDED.t_fkey_create, "
            "t_fkey_validate = EXCLUDED.t_fkey_validate");
        std::set<std::string> drops;
        for (const SpiRow &r : SpiQuery("SELECT t_con_drop FROM sch_chameleon.v_fkeys WHERE " + fk_where))
            drops.insert(r[0].value_or(""));
        for (const std::string &d : drops)
            plan.prepare_statements.push_back(d);
    }

    // copy_schema: the MySQL foreign keys, between tables of the run.
    if (request.operation == ddl::CopyOperation::kCopySchema && !plan.keep_existing_schema) {
        for (const ddl::MysqlTable *mysql_table : chosen) {
            const ddl::MysqlTable pg_named = ddl::WithPgNames(*mysql_table, settings.rename);
            const ddl::MysqlTable *mt = &pg_named;
            for (size_t k = 0; k < mt->foreign_keys.size(); ++k) {
                const ddl::MysqlForeignKey &fk = mt->foreign_keys[k];
                const ddl::MysqlForeignKey &mysql_fk = mysql_table->foreign_keys[k];
                const std::string ref_dest = DestinationOf(source, fk.referenced_schema);
                bool referenced_copied =
                    std::any_of(chosen.begin(), chosen.end(), [&](const ddl::MysqlTable *t) {
                        return t->schema == mysql_fk.referenced_schema &&
                               t->name == mysql_fk.referenced_table;
                    });
                if (ref_dest.empty() || !referenced_copied) {
                    out.notes.push_back(mysql_table->Display() + ": foreign key " + ddl::QuoteIdent(fk.name) +
                                        " not created (it references a table that is not copied)");
                    continue;
                }
                ddl::ForeignKeyDdl f =
                    ddl::BuildForeignKeyDdl(DestinationOf(source, mt->schema), mt->name, fk, ref_dest);
                plan.foreign_key_statements.push_back(f.create_sql);
                plan.foreign_key_statements.push_back(f.validate_sql);
            }
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Running

// What the exit callback needs if this backend dies (FATAL) in the middle of a run. The callback is
// registered once per backend (before_shmem_exit has 20 slots a process, and a slot can only be
// given back while it is the latest one) and does nothing while no run is under way.
struct ConductorGlobals {
    CopyRunShared *run = nullptr;
    bool exit_callback = false;
};
ConductorGlobals conductor;

void SignalWorkers(CopyRunShared *run, int signal) {
    for (int i = 0; i < kMaxCopyWorkers; ++i) {
        CopyWorkerSlot &slot = run->workers[i];
        if (static_cast<WorkerState>(pg_atomic_read_u32(&slot.state)) == WorkerState::kRunning &&
            slot.pid > 0)
            kill(slot.pid, signal);
    }
}

// before_shmem_exit: the conductor is going away (pg_terminate_backend, lost client): the workers
// clean up as for a cancellation.
extern "C" void ConductorExitCallback(int code, Datum arg) {
    (void)code;
    (void)arg;
    if (conductor.run != nullptr) {
        RequestRunAbort(conductor.run, AbortReason::kCancel);
        SignalWorkers(conductor.run, SIGINT);
    }
}

bool StartWorker(int index, WorkerRole role, dsm_handle handle, uint64 run_id, const std::string &source,
                 BackgroundWorkerHandle **out) {
    return PgCall([&] {
        BackgroundWorker w;
        memset(&w, 0, sizeof w);
        w.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
        w.bgw_start_time = BgWorkerStart_RecoveryFinished;
        w.bgw_restart_time = BGW_NEVER_RESTART;
        strlcpy(w.bgw_library_name, "chameleon", BGW_MAXLEN);
        strlcpy(w.bgw_function_name, "chameleon_copy_worker_main", BGW_MAXLEN);
        snprintf(w.bgw_name, BGW_MAXLEN, "chameleon copy %d of source %s", index, source.c_str());
        strlcpy(w.bgw_type, "chameleon copy", BGW_MAXLEN);
        w.bgw_main_arg = UInt32GetDatum(handle);
        int32 extra[2] = {index, static_cast<int32>(role)};
        memcpy(w.bgw_extra, extra, sizeof extra);
        memcpy(w.bgw_extra + sizeof extra, &run_id, sizeof run_id);
        w.bgw_notify_pid = MyProcPid;
        return RegisterDynamicBackgroundWorker(&w, out);
    });
}

bool Stopped(BackgroundWorkerHandle *handle) {
    if (handle == nullptr)
        return true;
    pid_t pid = 0;
    BgwHandleStatus status = PgCall([&] { return GetBackgroundWorkerPid(handle, &pid); });
    return status == BGWH_STOPPED || status == BGWH_POSTMASTER_DIED;
}

bool IsFinal(RunPhase p) {
    return p == RunPhase::kDone || p == RunPhase::kFailed || p == RunPhase::kCancelled;
}

std::string Percent(uint64 done, uint64 total) {
    if (total == 0)
        return "-";
    char buf[16];
    double p = 100.0 * static_cast<double>(done) / static_cast<double>(total);
    snprintf(buf, sizeof buf, "%.0f%%", p > 100.0 ? 100.0 : p);
    return buf;
}

std::string Eta(double remaining_rows, double rate) {
    if (rate <= 0.0 || remaining_rows <= 0.0)
        return "-";
    return FormatDuration(remaining_rows / rate);
}

class Conductor {
public:
    // Takes over the registry slot the planning claimed (Run releases it, whatever happens).
    Conductor(const CopyRequest &request, Planned planned)
        : request_(request), planned_(std::move(planned)), run_id_(planned_.run_id),
          registry_slot_(planned_.slot) {}
    std::string Run();

private:
    void Launch();
    void Wait();
    void DrainMessages();
    void ReportProgress();
    void CheckWorkers();
    std::string Summary();

    const CopyRequest &request_;
    Planned planned_;
    dsm_segment *seg_ = nullptr;
    CopyRunShared *run_ = nullptr;
    uint64 run_id_ = 0;
    int registry_slot_ = -1;
    int nworkers_ = 0;
    std::vector<BackgroundWorkerHandle *> handles_;
    bool Committed() const { return pg_atomic_read_u32(&run_->committed) != 0; }
    void WarnReplacedSchemas();
    bool cleanup_started_ = false;
    bool signalled_ = false;
    std::vector<bool> death_reported_;
};

void Conductor::Launch() {
    const ddl::CopyPlan &plan = planned_.plan;
    const std::string blob = ddl::SerializePlan(plan);
    const int ntables = static_cast<int>(plan.tables.size());
    // Every table keeps the GTID set read with its snapshot (identical sets are stored once): room
    // for each table's set at twice its planned length, so that a set growing during the copy fits.
    const Size strings = static_cast<Size>(ntables) * (512 + 2 * planned_.gtid_bytes) + 65536;
    const int jobs = planned_.copy_jobs;
    // More workers than tables only help when a table can be split by key ranges.
    const bool splittable = std::any_of(plan.tables.begin(), plan.tables.end(),
                                        [](const ddl::CopyTable &t) { return !t.split_column.empty(); });
    nworkers_ = std::max(1, std::min({jobs, splittable ? jobs : ntables, kMaxCopyWorkers - 1}));

    run_id_ = planned_.run_id;
    PgCall([&] {
        Size size = CopyRunSize(ntables, strings, blob.size());
        seg_ = dsm_create(size, 0);
        dsm_pin_mapping(seg_);
        run_ = static_cast<CopyRunShared *>(dsm_segment_address(seg_));
        memset(run_, 0, size);
    });
    InitCopyRun(run_, ntables, strings, blob.size());
    run_->run_id = run_id_;
    run_->database = MyDatabaseId;
    run_->user = GetUserId();
    run_->conductor_pid = MyProcPid;
    run_->conductor_procno = MyProc->pgprocno;
    run_->nworkers = nworkers_;
    run_->source_id = plan.source_id;
    run_->started_at = GetCurrentTimestamp();
    strlcpy(run_->previous_status, planned_.previous_status.c_str(), sizeof run_->previous_status);
    run_->dependents_policy = CopyDependentsPolicy();
    memcpy(const_cast<char *>(RunPlan(run_)), blob.data(), blob.size());
    // Claim order: most expensive first, so the long tables start early and the short ones fill
    // the gaps at the end.
    std::vector<int32> order(ntables);
    for (int i = 0; i < ntables; ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](int32 a, int32 b) {
        return plan.tables[a].estimated_cost > plan.tables[b].estimated_cost;
    });
    std::copy(order.begin(), order.end(), RunOrder(run_));

    // The slot claimed before planning now points at the run's segment (v_progress, liveness).
    PgCall([&] { SetRegistrySlotHandle(registry_slot_, run_id_, dsm_segment_handle(seg_)); });

    if (!conductor.exit_callback) {
        PgCall([] { before_shmem_exit(ConductorExitCallback, (Datum)0); });
        conductor.exit_callback = true;
    }
    conductor.run = run_;

    handles_.assign(kMaxCopyWorkers, nullptr);
    death_reported_.assign(kMaxCopyWorkers, false);
    if (!StartWorker(0, WorkerRole::kLeader, dsm_segment_handle(seg_), run_id_, plan.source, &handles_[0])) {
        throw Error("could not start a copy worker", "53400", "",
                    "Raise max_worker_processes (each copy uses copy_jobs background workers).");
    }
    for (int i = 1; i < nworkers_; ++i) {
        if (!StartWorker(i, WorkerRole::kCopier, dsm_segment_handle(seg_), run_id_, plan.source,
                         &handles_[i])) {
            PgCall([&] {
                ereport(NOTICE, (errmsg("only %d of %d copy workers could be started", i, nworkers_),
                                 errhint("Raise max_worker_processes.")));
            });
            handles_[i] = nullptr;
            break;
        }
    }
}

void Conductor::DrainMessages() {
    for (;;) {
        CopyMessage message;
        bool have = false;
        SpinLockAcquire(&run_->mutex);
        if (run_->message_tail != run_->message_head) {
            message = run_->messages[run_->message_tail % kCopyMessageSlots];
            run_->message_tail++;
            have = true;
        }
        SpinLockRelease(&run_->mutex);
        if (!have)
            return;
        PgCall([&] { ereport(message.elevel, (errmsg_internal("%s", message.text))); });
    }
}

void Conductor::ReportProgress() {
    const ddl::CopyPlan &plan = planned_.plan;
    CopyTableShared *tables = RunTables(run_);
    const TimestampTz now = GetCurrentTimestamp();
    const double elapsed = static_cast<double>(now - run_->started_at) / 1e6;
    uint64 rows = 0;
    uint64 estimate = 0;
    uint32 done = 0;
    std::string detail;
    for (int i = 0; i < run_->ntables; ++i) {
        const CopyTableShared &t = tables[i];
        const uint64 r = pg_atomic_read_u64(const_cast<pg_atomic_uint64 *>(&t.rows));
        const TableState state =
            static_cast<TableState>(pg_atomic_read_u32(const_cast<pg_atomic_uint32 *>(&t.state)));
        rows += r;
        if (state == TableState::kDone) {
            ++done;
            estimate += r;
            continue;
        }
        estimate += std::max<uint64>(r, plan.tables[i].estimated_rows);
        if (state == TableState::kSnapshot || state == TableState::kCopying ||
            state == TableState::kIndexing) {
            const double s = t.copy_started > 0 ? static_cast<double>(now - t.copy_started) / 1e6 : 0.0;
            const double rate = s > 0 ? r / s : 0.0;
            const uint64 est = std::max<uint64>(r, plan.tables[i].estimated_rows);
            detail += (detail.empty() ? "" : "\n") + mysql::QuoteIdentifier(plan.tables[i].origin_schema) +
                      "." + mysql::QuoteIdentifier(plan.tables[i].origin_table) + ": ";
            if (state == TableState::kSnapshot)
                detail += "taking a snapshot";
            else if (state == TableState::kIndexing)
                detail += std::to_string(r) + " rows, building indexes";
            else
                detail += std::to_string(r) + " of ~" + std::to_string(est) + " rows (" + Percent(r, est) +
                          "), " + FormatRate(r, s) + " rows/s, ETA " +
                          Eta(static_cast<double>(est - r), rate);
        }
    }
    const double rate = elapsed > 0 ? rows / elapsed : 0.0;
    std::string text = std::string(ddl::CopyOperationName(plan.operation)) + " of source \"" + plan.source +
                       "\": " + std::to_string(done) + " of " + std::to_string(run_->ntables) + " tables, " +
                       std::to_string(rows) + " of ~" + std::to_string(estimate) + " rows (" +
                       Percent(rows, estimate) + "), " + FormatRate(rows, elapsed) + " rows/s, ETA " +
                       Eta(static_cast<double>(estimate - rows), rate);
    PgCall([&] {
        ereport(NOTICE, (errmsg_internal("%s", text.c_str()),
                         detail.empty() ? 0 : errdetail_internal("%s", detail.c_str())));
    });
}

void Conductor::CheckWorkers() {
    const RunPhase phase = static_cast<RunPhase>(pg_atomic_read_u32(&run_->phase));
    for (int i = 0; i < kMaxCopyWorkers; ++i) {
        if (handles_[i] == nullptr || death_reported_[i] || !Stopped(handles_[i]))
            continue;
        const WorkerState state = static_cast<WorkerState>(pg_atomic_read_u32(&run_->workers[i].state));
        if (state == WorkerState::kExited)
            continue;
        death_reported_[i] = true;
        // Died without saying so (terminated, crashed), or never started.
        std::string what = state == WorkerState::kNotStarted ? "could not start" : "exited unexpectedly";
        int table = run_->workers[i].table;
        std::string during = table >= 0
                                 ? " while copying " +
                                       mysql::QuoteIdentifier(planned_.plan.tables[table].origin_schema) +
                                       "." + mysql::QuoteIdentifier(planned_.plan.tables[table].origin_table)
                                 : "";
        if (Committed()) {
            // After the final commit: the copy happened, only the replaced schema may remain.
            std::string message = "copy worker " + std::to_string(i) + " " + what + " after " +
                                  ddl::CopyOperationName(planned_.plan.operation) + " of source \"" +
                                  planned_.plan.source + "\" had committed: the copy is complete";
            PgCall([&] { ereport(WARNING, (errmsg_internal("%s", message.c_str()))); });
        } else if (i == 0 || table >= 0 || state == WorkerState::kRunning) {
            std::string message = "copy worker " + std::to_string(i) + " " + what + during;
            RecordRunError(run_, "XX000", message.c_str(), "", "The server log may say why.", "");
        }
        bool leader = i == 0 || (i == nworkers_ && cleanup_started_);
        if (leader && !IsFinal(phase) && !cleanup_started_ && !Committed()) {
            // Nobody is left to clean up: start a worker that only does that.
            cleanup_started_ = true;
            if (!StartWorker(nworkers_, WorkerRole::kCleanup, dsm_segment_handle(seg_), run_id_,
                             planned_.plan.source, &handles_[nworkers_])) {
                handles_[nworkers_] = nullptr;
            }
        }
    }
}

void Conductor::Wait() {
    const int interval = CopyProgressInterval();
    TimestampTz last_report = GetCurrentTimestamp();
    std::unique_ptr<PgError> cancel; // the caller's cancellation, re-raised once the workers are gone
    TimestampTz cancel_time = 0;
    for (;;) {
        DrainMessages();
        CheckWorkers();
        const RunPhase phase = static_cast<RunPhase>(pg_atomic_read_u32(&run_->phase));
        bool all_stopped = true;
        for (BackgroundWorkerHandle *h : handles_) {
            if (h != nullptr && !Stopped(h))
                all_stopped = false;
        }
        if (all_stopped) {
            DrainMessages();
            if (!IsFinal(phase) && !Committed()) {
                RecordRunError(run_, "XX000",
                               "the copy workers exited before the run finished; a loading schema may remain",
                               "", "", "");
            }
            break;
        }
        if (static_cast<AbortReason>(pg_atomic_read_u32(&run_->abort)) != AbortReason::kNone && !signalled_) {
            signalled_ = true;
            SignalWorkers(run_, SIGINT);
        }
        if (cancel != nullptr && GetCurrentTimestamp() - cancel_time > 60 * USECS_PER_SEC) {
            // The workers did not stop within a minute: stop them the hard way.
            for (BackgroundWorkerHandle *h : handles_) {
                if (h != nullptr)
                    PgCall([&] { TerminateBackgroundWorker(h); });
            }
        }
        if (cancel == nullptr && interval > 0 &&
            GetCurrentTimestamp() - last_report >= static_cast<TimestampTz>(interval) * USECS_PER_SEC &&
            phase == RunPhase::kCopying) {
            ReportProgress();
            last_report = GetCurrentTimestamp();
        }
        PgCall([&] {
            int rc =
                WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 200, PG_WAIT_EXTENSION);
            if (rc & WL_LATCH_SET)
                ResetLatch(MyLatch);
        });
        if (cancel == nullptr) {
            // Interrupts are taken in a subtransaction: a cancel (or a statement timeout) is an error
            // this loop carries on after, waiting for the workers to clean up, then re-raises.
            std::optional<PgError> interrupted = RunInSubtransaction([] {
                PgCall([] { CHECK_FOR_INTERRUPTS(); });
                return SubtransactionEnd::kRelease;
            });
            if (interrupted) {
                cancel = std::make_unique<PgError>(*interrupted);
                cancel_time = GetCurrentTimestamp();
                RequestRunAbort(run_, AbortReason::kCancel);
                SignalWorkers(run_, SIGINT);
                signalled_ = true;
            }
        }
    }
    if (cancel != nullptr && Committed()) {
        // Too late to cancel: the copy committed before the workers saw it. Report the copy (and
        // what its leader could not finish) rather than an error for something that happened.
        const std::string text = std::string(ddl::CopyOperationName(planned_.plan.operation)) +
                                 " of source \"" + planned_.plan.source +
                                 "\" had committed when the cancel arrived: the copy is complete";
        PgCall([&] { ereport(WARNING, (errmsg_internal("%s", text.c_str()))); });
        return;
    }
    if (cancel != nullptr)
        throw PgError(*cancel);
}

// The leader died after the final commit: the schemas it had still to drop are named, with the
// statement that drops them.
void Conductor::WarnReplacedSchemas() {
    const ddl::CopyPlan &plan = planned_.plan;
    if (plan.keep_existing_schema)
        return;
    PgCall([] { AcceptInvalidationMessages(); });
    for (const ddl::LoadSchema &s : plan.schemas) {
        const std::string target =
            plan.operation == ddl::CopyOperation::kSyncTables ? s.load_schema : s.old_schema;
        if (!PgCall([&] { return OidIsValid(get_namespace_oid(target.c_str(), true)); }))
            continue;
        const std::string text = "schema " + ddl::QuoteIdent(target) +
                                 " was not dropped; drop it with: DROP SCHEMA " + ddl::QuoteIdent(target) +
                                 " CASCADE";
        PgCall([&] { ereport(WARNING, (errmsg_internal("%s", text.c_str()))); });
    }
}

std::string Conductor::Summary() {
    const ddl::CopyPlan &plan = planned_.plan;
    const double elapsed = static_cast<double>(GetCurrentTimestamp() - run_->started_at) / 1e6;
    const uint64 rows = pg_atomic_read_u64(&run_->total_rows);
    uint64 discarded = 0;
    for (int i = 0; i < run_->ntables; ++i)
        discarded += pg_atomic_read_u64(&RunTables(run_)[i].rows_discarded);
    std::string text = std::string(ddl::CopyOperationName(plan.operation)) + " of source \"" + plan.source +
                       "\": " + std::to_string(run_->ntables) + (run_->ntables == 1 ? " table" : " tables");
    if (plan.copy_data)
        text += ", " + std::to_string(rows) + " rows in " + FormatDuration(elapsed) + " (" +
                FormatRate(rows, elapsed) + " rows/s)";
    else
        text += " created in " + FormatDuration(elapsed);
    if (discarded > 0)
        text += ", " + std::to_string(discarded) + " rows discarded";
    return text;
}

std::string Conductor::Run() {
    std::string result;
    try {
        Launch();
        Wait();
        const RunPhase phase = static_cast<RunPhase>(pg_atomic_read_u32(&run_->phase));
        bool has_error = false;
        std::string sqlstate, message, detail, hint, context;
        SpinLockAcquire(&run_->mutex);
        if (run_->has_error) {
            has_error = true;
            sqlstate = run_->sqlstate;
            message = run_->message;
            detail = run_->detail;
            hint = run_->hint;
            context = run_->context;
        }
        SpinLockRelease(&run_->mutex);
        if (Committed()) {
            if (phase != RunPhase::kDone)
                WarnReplacedSchemas();
        } else if (phase != RunPhase::kDone || has_error) {
            if (!context.empty())
                detail += (detail.empty() ? "" : "\n") + std::string("Context: ") + context;
            throw Error(message.empty()
                            ? std::string(ddl::CopyOperationName(planned_.plan.operation)) + " failed"
                            : message,
                        InternState(sqlstate), detail, hint);
        }
        result = Summary();
    } catch (...) {
        conductor.run = nullptr;
        if (registry_slot_ >= 0)
            ReleaseRegistrySlot(registry_slot_, run_id_);
        if (seg_ != nullptr)
            PgCall([&] { dsm_detach(seg_); });
        throw;
    }
    conductor.run = nullptr;
    ReleaseRegistrySlot(registry_slot_, run_id_);
    PgCall([&] { dsm_detach(seg_); });
    return result;
}

} // namespace

std::string RunCopyOperation(const CopyRequest &request) {
    const std::string function = FunctionName(request.operation);
    if (PgCall([] { return TransactionIdIsValid(GetTopTransactionIdIfAny()); })) {
        throw Error(function + " cannot run in a transaction that has already modified data", "25001",
                    "The copy workers run their own transactions; they could wait forever for this one.",
                    "Run it in its own transaction.");
    }
    if (!RegistryAvailable()) {
        throw Error("chameleon is not in shared_preload_libraries", sqlstate::kObjectNotInPrerequisiteState,
                    "", "Add chameleon to shared_preload_libraries and restart the server.");
    }
    Planned planned;
    // The run is in the live-operation registry from before its planning on: every function that
    // changes a source refuses while it is there (chameleon._copy_in_progress), and a second copy of
    // the source is refused at once.
    const uint64 run_id = (static_cast<uint64>(MyProcPid) << 40) ^ static_cast<uint64>(GetCurrentTimestamp());
    int slot = -1;
    try {
        SpiConnect();
        SourceRow source = ReadSource(request.source);
        if (source.type != "mysql") {
            throw Error(function + " supports MySQL sources only; source \"" + source.name +
                            "\" is of type " + source.type,
                        sqlstate::kFeatureNotSupported);
        }
        if (source.status == "running") {
            throw Error("source \"" + source.name + "\" is running", "55006", "",
                        "Stop it first with chameleon.stop_replica().");
        }
        slot = PgCall([&] {
            return ClaimRegistrySlot(source.id, run_id, DSM_HANDLE_INVALID, source.name.c_str(),
                                     ddl::CopyOperationName(request.operation));
        });
        if (slot == -1) {
            throw Error("another copy of source \"" + source.name + "\" is running", "55006", "",
                        "sch_chameleon.v_progress shows it.");
        }
        if (slot < 0) {
            throw Error("too many copies are running (at most " + std::to_string(kMaxCopyRuns) + ")",
                        sqlstate::kObjectNotInPrerequisiteState);
        }
        const config::Configuration configuration =
            config::LoadConfiguration(ConfigDirectory(), source.config);
        const config::SourceConfig &settings = configuration.Source(source.name);
        planned = BuildPlan(request, source, configuration, settings);
        RecordRenames(source.id, planned.plan, planned.renamed);
        // Refused before any copying: a working schema chameleon did not make, and (by default) a
        // swap that would drop objects chameleon did not create. The leader checks again at the swap.
        const auto policy = static_cast<DependentsPolicy>(CopyDependentsPolicy());
        for (const SwapScope &scope : SwapScopesOf(planned.plan)) {
            RefuseUnmarked(ddl::LoadSchemaName(scope.dest_schema), WorkSchemaMark("loading", source.name),
                           function);
            if (scope.whole_schema)
                RefuseUnmarked(ddl::OldSchemaName(scope.dest_schema), WorkSchemaMark("replaced", source.name),
                               function);
            RefuseDependents(scope, FindDependents(scope), policy);
        }
        planned.copy_jobs = settings.copy_jobs;
        planned.previous_status =
            (source.status == "initialising" || source.status == "syncing") ? "error" : source.status;
        planned.slot = slot;
        planned.run_id = run_id;
        SpiFinish();
    } catch (...) {
        if (slot >= 0)
            ReleaseRegistrySlot(slot, run_id);
        throw;
    }
    try {
        for (const std::string &note : planned.notes)
            PgCall([&] { ereport(NOTICE, (errmsg_internal("%s", note.c_str()))); });
        for (const PlannedRename &r : planned.renamed) {
            const std::string what =
                r.renamed.column ? "column " + mysql::QuoteIdentifier(r.renamed.mysql_column) + " of " : "";
            const std::string text = "MySQL " + what + "table " + mysql::QuoteIdentifier(r.schema) + "." +
                                     mysql::QuoteIdentifier(r.table) + " is named " +
                                     ddl::QuoteIdent(r.renamed.pg_name) + " in PostgreSQL (" +
                                     r.renamed.reason + ")";
            PgCall([&] { ereport(NOTICE, (errmsg_internal("%s", text.c_str()))); });
        }
    } catch (...) {
        ReleaseRegistrySlot(slot, run_id);
        throw;
    }
    Conductor conductor(request, std::move(planned));
    return conductor.Run();
}

} // namespace chameleon::pg

using namespace chameleon;

// chameleon.init_replica(source text) RETURNS text
CHAMELEON_FUNCTION(chameleon_init_replica) {
    pg::CopyRequest request;
    request.operation = ddl::CopyOperation::kInitReplica;
    request.source = pg::TextArg(fcinfo, 0, "source");
    return pg::ReturnText(pg::RunCopyOperation(request));
}

// chameleon.copy_schema(source text) RETURNS text
CHAMELEON_FUNCTION(chameleon_copy_schema) {
    pg::CopyRequest request;
    request.operation = ddl::CopyOperation::kCopySchema;
    request.source = pg::TextArg(fcinfo, 0, "source");
    return pg::ReturnText(pg::RunCopyOperation(request));
}

// chameleon.sync_tables(source text, tables text[]) RETURNS text
CHAMELEON_FUNCTION(chameleon_sync_tables) {
    pg::CopyRequest request;
    request.operation = ddl::CopyOperation::kSyncTables;
    request.source = pg::TextArg(fcinfo, 0, "source");
    request.tables = pg::TextArrayArg(fcinfo, 1, "tables");
    return pg::ReturnText(pg::RunCopyOperation(request));
}

// chameleon.refresh_schema(source text, schema text) RETURNS text
CHAMELEON_FUNCTION(chameleon_refresh_schema) {
    pg::CopyRequest request;
    request.operation = ddl::CopyOperation::kRefreshSchema;
    request.source = pg::TextArg(fcinfo, 0, "source");
    request.schema = pg::TextArg(fcinfo, 1, "schema");
    return pg::ReturnText(pg::RunCopyOperation(request));
}
