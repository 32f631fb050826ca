// chameleon.detach_replica(source): the migration cut-over. In the caller's transaction (all or
// nothing): every sequence of the destination schemas is moved past the largest value of its
// column, the MySQL foreign keys are created NOT VALID and then validated (a failure is a
// warning, as in pg_chameleon), and the source leaves the catalogue; its schemas stay as ordinary
// schemas.
#include "common/error.hpp"
#include "config/config.hpp"
#include "ddl/names.hpp"
#include "ddl/pg_text.hpp"
#include "ddl/table_ddl.hpp"
#include "mysql/connection.hpp"
#include "mysql/snapshot.hpp"

#include "pg/copy/common.hpp"
#include "pg/copy/shared.hpp"
#include "pg/fmgr_util.hpp"
#include "pg/guard.hpp"
#include "pg/module.hpp"
#include "pg/mysql_wait.hpp"
#include "pg/spi_util.hpp"

#include <map>
#include <string>
#include <vector>

extern "C" {
#include "postgres.h"
}

using namespace chameleon;

namespace {

void Notice(const std::string &text) {
    pg::PgCall([&] { ereport(NOTICE, (errmsg_internal("%s", text.c_str()))); });
}

void Warning(const std::string &text) {
    pg::PgCall([&] { ereport(WARNING, (errmsg_internal("%s", text.c_str()))); });
}

} // namespace

// chameleon.detach_replica(source text) RETURNS text
CHAMELEON_FUNCTION(chameleon_detach_replica) {
    const std::string source = pg::TextArg(fcinfo, 0, "source");
    pg::SpiConnect();
    std::vector<pg::SpiRow> src = pg::SpiQuery("SELECT i_id_source, enm_status::text, t_config_name "
                                               "FROM sch_chameleon.t_sources WHERE t_source = $1 FOR UPDATE",
                                               {source});
    if (src.empty()) {
        throw Error("source \"" + source + "\" does not exist", sqlstate::kUndefinedObject, "",
                    "sch_chameleon.v_sources lists the sources.");
    }
    const std::string id = src[0][0].value_or("0");
    const std::string status = src[0][1].value_or("");
    if (status == "running" || status == "syncing" || status == "initialising") {
        throw Error("source \"" + source + "\" is " + status, "55006", "",
                    "Stop it first with chameleon.stop_replica(), and let a copy in progress finish.");
    }
    std::map<std::string, std::string> mappings; // origin → destination
    std::vector<std::string> destinations;
    for (const pg::SpiRow &m : pg::SpiQuery("SELECT map.key, map.value FROM sch_chameleon.t_sources src, "
                                            "pg_catalog.jsonb_each_text(src.jsb_schema_mappings) map "
                                            "WHERE src.i_id_source = $1::bigint ORDER BY map.key",
                                            {id})) {
        mappings[m[0].value_or("")] = m[1].value_or("");
        destinations.push_back(m[1].value_or(""));
    }
    const config::Configuration configuration =
        config::LoadConfiguration(pg::ConfigDirectory(), src[0][2].value_or("default"));
    const config::SourceConfig &settings = configuration.Source(source);

    // Foreign keys from MySQL are read first: if MySQL cannot be reached, nothing changes.
    std::vector<ddl::ForeignKeyDdl> foreign_keys;
    if (!settings.keep_existing_schema) {
        std::vector<std::string> origins;
        for (const auto &m : mappings)
            origins.push_back(m.first);
        // Waits on the latch: a cancel is seen while MySQL is slow to answer.
        mysql::Connection conn =
            mysql::Connection::Open(pg::ConnectParamsOf(settings), pg::LatchWaiter(nullptr));
        for (const ddl::MysqlTable &mysql_table : mysql::ReadTables(conn, origins)) {
            const ddl::MysqlTable t = ddl::WithPgNames(mysql_table, settings.rename); // PostgreSQL names
            for (const ddl::MysqlForeignKey &fk : t.foreign_keys) {
                auto ref = mappings.find(fk.referenced_schema);
                const std::string dest = mappings[t.schema];
                if (ref == mappings.end()) {
                    Notice("foreign key " + ddl::QuoteIdent(fk.name) + " of " + t.Display() +
                           " not created: it references a schema that is not replicated");
                    continue;
                }
                bool both = pg::SpiQueryValue("SELECT 1 WHERE pg_catalog.to_regclass($1) IS NOT NULL "
                                              "AND pg_catalog.to_regclass($2) IS NOT NULL",
                                              {ddl::QualifiedName(dest, t.name),
                                               ddl::QualifiedName(ref->second, fk.referenced_table)})
                                .has_value();
                if (!both) {
                    Notice("foreign key " + ddl::QuoteIdent(fk.name) + " of " + t.Display() +
                           " not created: a table it joins is not in PostgreSQL");
                    continue;
                }
                foreign_keys.push_back(ddl::BuildForeignKeyDdl(dest, t.name, fk, ref->second));
            }
        }
    }

    // Sequences (serial, identity, owned) past the largest value of their column.
    int sequences = 0;
    for (const pg::SpiRow &r : pg::SpiQuery(
             "SELECT n.nspname, c.relname, a.attname, "
             "pg_catalog.pg_get_serial_sequence(pg_catalog.format('%I.%I', n.nspname, c.relname), a.attname) "
             "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
             "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
             "WHERE n.nspname = ANY ($1::text[]) AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT "
             "a.attisdropped "
             "AND pg_catalog.pg_get_serial_sequence(pg_catalog.format('%I.%I', n.nspname, c.relname), "
             "a.attname) "
             "IS NOT NULL ORDER BY 1, 2, 3",
             {pg::TextArrayLiteral(destinations)})) {
        const std::string table = ddl::QualifiedName(r[0].value_or(""), r[1].value_or(""));
        const std::string column = ddl::QuoteIdent(r[2].value_or(""));
        pg::SpiExecute("SELECT pg_catalog.setval($1::pg_catalog.regclass, coalesce(max(" + column +
                           ")::bigint + 1, 1), false) FROM " + table,
                       {r[3].value_or("")});
        ++sequences;
    }

    int created = 0;
    int failed = 0;
    for (const ddl::ForeignKeyDdl &fk : foreign_keys) {
        if (auto failure = pg::SpiTryExecute(fk.create_sql)) {
            Warning("foreign key not created: " + *failure);
            ++failed;
            continue;
        }
        if (auto failure = pg::SpiTryExecute(fk.validate_sql)) {
            Warning("foreign key created NOT VALID, its validation failed: " + *failure);
            ++failed;
            continue;
        }
        ++created;
    }

    // keep_existing_schema: the user's foreign keys that the copy dropped (saved in t_fkeys) come
    // back, NOT VALID and then validated; a row stays in t_fkeys only when its key could not be
    // restored.
    if (settings.keep_existing_schema) {
        for (const pg::SpiRow &r : pg::SpiQuery(
                 "SELECT i_id_fkey, v_schema_name, v_table_name, v_constraint_name, t_fkey_create, "
                 "t_fkey_validate, EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conname = "
                 "f.v_constraint_name AND con.conrelid = pg_catalog.to_regclass(pg_catalog.format('%I.%I', "
                 "f.v_schema_name, f.v_table_name))) FROM sch_chameleon.t_fkeys f "
                 "WHERE v_schema_name = ANY ($1::text[]) ORDER BY v_schema_name, v_table_name, "
                 "v_constraint_name",
                 {pg::TextArrayLiteral(destinations)})) {
            const std::string fkey_id = r[0].value_or("0");
            const std::string what = "foreign key " + ddl::QuoteIdent(r[3].value_or("")) + " of " +
                                     ddl::QualifiedName(r[1].value_or(""), r[2].value_or(""));
            if (r[6].value_or("f") == "t") {
                Notice(what + " already exists: not restored");
            } else {
                if (auto failure = pg::SpiTryExecute(r[4].value_or(""))) {
                    Warning(what + " not restored (kept in sch_chameleon.t_fkeys): " + *failure);
                    ++failed;
                    continue;
                }
                if (auto failure = pg::SpiTryExecute(r[5].value_or(""))) {
                    Warning(what + " restored NOT VALID, its validation failed: " + *failure);
                    ++failed;
                } else {
                    Notice(what + " restored and validated");
                    ++created;
                }
            }
            pg::SpiExecute("DELETE FROM sch_chameleon.t_fkeys WHERE i_id_fkey = $1::bigint", {fkey_id});
        }
    }

    // The source leaves the catalogue (batches, log tables, tables); the schemas stay.
    pg::SpiExecute("SELECT chameleon.drop_source($1)", {source});
    pg::SpiFinish();
    return pg::ReturnText("detach_replica of source \"" + source + "\": " + std::to_string(sequences) +
                          " sequences reset, " + std::to_string(created) + " foreign keys created" +
                          (failed > 0 ? ", " + std::to_string(failed) + " failed" : ""));
}
