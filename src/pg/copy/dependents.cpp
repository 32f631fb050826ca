// What a schema swap would destroy that chameleon did not make (see dependents.hpp).
#include "pg/copy/dependents.hpp"
#include "pg/copy/common.hpp"

#include "common/error.hpp"
#include "ddl/pg_text.hpp"

#include "pg/spi_util.hpp"

#include <algorithm>
#include <map>
#include <set>

extern "C" {
#include "postgres.h"
}

namespace chameleon::pg {

namespace {

std::string OidArray(const std::vector<std::string> &values) {
    std::string out = "{";
    for (size_t i = 0; i < values.size(); ++i)
        out += (i > 0 ? "," : "") + values[i];
    return out + "}";
}

// chameleon's objects of the scope: (classid, objid) pairs.
void OwnedObjects(const SwapScope &scope, std::vector<std::string> &classids,
                  std::vector<std::string> &objids) {
    const SpiValue tables = scope.whole_schema ? SpiValue() : SpiValue(TextArrayLiteral(scope.tables));
    for (const SpiRow &r :
         SpiQuery("WITH RECURSIVE ns AS (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1), "
                  "tabs AS (SELECT c.oid FROM pg_catalog.pg_class c JOIN ns ON c.relnamespace = ns.oid "
                  "  WHERE c.relkind IN ('r', 'p') AND ($4::boolean OR CASE WHEN $3::text[] IS NULL THEN "
                  "  EXISTS (SELECT 1 FROM sch_chameleon.t_replica_tables r WHERE r.i_id_source = $2::bigint "
                  "    AND r.v_schema_name = $1 AND r.v_table_name = c.relname) "
                  "  ELSE c.relname = ANY ($3::text[]) END)), "
                  "owned(classid, objid) AS ("
                  "  SELECT 'pg_catalog.pg_class'::pg_catalog.regclass::oid, oid FROM tabs "
                  "  UNION SELECT 'pg_catalog.pg_type'::pg_catalog.regclass::oid, t.oid FROM "
                  "pg_catalog.pg_attribute a "
                  "    JOIN tabs ON a.attrelid = tabs.oid JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                  "    JOIN ns ON t.typnamespace = ns.oid WHERE t.typtype = 'e' AND a.attnum > 0 AND NOT "
                  "a.attisdropped "
                  "  UNION SELECT d.classid, d.objid FROM pg_catalog.pg_depend d "
                  "    JOIN owned o ON d.refclassid = o.classid AND d.refobjid = o.objid "
                  "    WHERE d.deptype IN ('a', 'i') AND d.classid IN "
                  "('pg_catalog.pg_class'::pg_catalog.regclass, "
                  "      'pg_catalog.pg_type'::pg_catalog.regclass, "
                  "'pg_catalog.pg_constraint'::pg_catalog.regclass, "
                  "      'pg_catalog.pg_attrdef'::pg_catalog.regclass)) "
                  "SELECT classid, objid FROM owned",
                  {scope.dest_schema, std::to_string(scope.source_id), tables,
                   scope.everything_is_chameleons ? "true" : "false"})) {
        classids.push_back(r[0].value_or("0"));
        objids.push_back(r[1].value_or("0"));
    }
}

// Objects depending on the frontier (views stand for their _RETURN rule; internal triggers left out).
std::vector<SpiRow> DependentsOf(const std::vector<std::string> &fc, const std::vector<std::string> &fo,
                                 const std::vector<std::string> &oc, const std::vector<std::string> &oo,
                                 const std::string &dest) {
    return SpiQuery(
        "WITH f AS (SELECT * FROM ROWS FROM (pg_catalog.unnest($1::oid[]), pg_catalog.unnest($2::oid[])) AS "
        "f(classid, objid)), "
        "o AS (SELECT * FROM ROWS FROM (pg_catalog.unnest($3::oid[]), pg_catalog.unnest($4::oid[])) AS "
        "o(classid, objid)), "
        "dep AS (SELECT CASE WHEN r.rulename = '_RETURN' THEN "
        "'pg_catalog.pg_class'::pg_catalog.regclass::oid "
        "    ELSE d.classid END AS classid, "
        "  CASE WHEN r.rulename = '_RETURN' THEN r.ev_class ELSE d.objid END AS objid, "
        "  CASE WHEN r.rulename = '_RETURN' THEN 0 ELSE d.objsubid END AS objsubid, d.refclassid, d.refobjid "
        "  FROM pg_catalog.pg_depend d JOIN f ON d.refclassid = f.classid AND d.refobjid = f.objid "
        "  LEFT JOIN pg_catalog.pg_rewrite r ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass "
        "    AND r.oid = d.objid "
        "  WHERE d.deptype IN ('n', 'a') AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger t "
        "    WHERE d.classid = 'pg_catalog.pg_trigger'::pg_catalog.regclass AND t.oid = d.objid AND "
        "t.tgisinternal)) "
        "SELECT DISTINCT ON (dep.classid, dep.objid, dep.objsubid) dep.classid, dep.objid, i.type, "
        "i.identity, "
        "  (SELECT r.type || ' ' || r.identity FROM pg_catalog.pg_identify_object(dep.refclassid, "
        "dep.refobjid, 0) r), "
        "  c.relkind, con.contype, "
        "  coalesce(c.relnamespace, con.connamespace) = (SELECT oid FROM pg_catalog.pg_namespace "
        "    WHERE nspname = $5), dep.objsubid "
        "FROM dep CROSS JOIN LATERAL pg_catalog.pg_identify_object(dep.classid, dep.objid, dep.objsubid) i "
        "LEFT JOIN pg_catalog.pg_class c ON dep.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
        "  AND c.oid = dep.objid "
        "LEFT JOIN pg_catalog.pg_constraint con ON dep.classid = "
        "'pg_catalog.pg_constraint'::pg_catalog.regclass "
        "  AND con.oid = dep.objid "
        "WHERE NOT EXISTS (SELECT 1 FROM o WHERE o.classid = dep.classid AND o.objid = dep.objid) "
        "ORDER BY dep.classid, dep.objid, dep.objsubid, "
        "  dep.refclassid <> 'pg_catalog.pg_class'::pg_catalog.regclass, dep.refobjid",
        {OidArray(fc), OidArray(fo), OidArray(oc), OidArray(oo), dest});
}

std::string Key(const std::string &classid, const std::string &objid) {
    return classid + "/" + objid;
}

} // namespace

std::vector<SwapScope> SwapScopesOf(const ddl::CopyPlan &plan) {
    std::vector<SwapScope> scopes;
    if (plan.keep_existing_schema)
        return scopes;
    for (const ddl::LoadSchema &s : plan.schemas) {
        SwapScope scope;
        scope.operation = ddl::CopyOperationName(plan.operation);
        scope.source = plan.source;
        scope.source_id = plan.source_id;
        scope.dest_schema = s.dest_schema;
        scope.whole_schema = plan.operation != ddl::CopyOperation::kSyncTables;
        for (const ddl::CopyTable &t : plan.tables) {
            if (t.dest_schema != s.dest_schema)
                continue;
            if (scope.whole_schema) {
                scope.new_names.push_back(t.table);
                for (const std::string &e : t.enum_types)
                    scope.new_names.push_back(e);
            } else {
                scope.tables.push_back(t.table);
            }
        }
        scopes.push_back(std::move(scope));
    }
    return scopes;
}

std::vector<Dependent> FindDependents(const SwapScope &scope) {
    std::vector<Dependent> found;
    if (!SchemaExists(scope.dest_schema))
        return found;
    std::vector<std::string> oc, oo;
    OwnedObjects(scope, oc, oo);
    std::map<std::string, size_t> index; // Key → found[]

    // Dependents of chameleon's objects, then of the views among them, level by level.
    std::vector<std::string> fc = oc, fo = oo;
    for (int level = 1; !fc.empty() && level <= 100; ++level) {
        std::vector<std::string> nc, no;
        for (const SpiRow &r : DependentsOf(fc, fo, oc, oo, scope.dest_schema)) {
            const std::string classid = r[0].value_or("0"), objid = r[1].value_or("0");
            const bool whole_relation = r[8].value_or("0") == "0";
            const std::string relkind = r[5].value_or("");
            const bool view = whole_relation && (relkind == "v" || relkind == "m");
            auto it = index.find(Key(classid, objid));
            if (it != index.end()) {
                if (view && found[it->second].level < level) {
                    found[it->second].level = level;
                    nc.push_back(classid);
                    no.push_back(objid);
                }
                continue;
            }
            Dependent d;
            d.classid = classid;
            d.objid = objid;
            d.kind = r[2].value_or("object");
            d.identity = r[3].value_or("?");
            d.reason = "depends on " + r[4].value_or("?");
            d.in_dest = r[7] == SpiValue("t");
            if (view) {
                d.carry = CarryAs::kRecreate;
                d.level = level;
                nc.push_back(classid);
                no.push_back(objid);
            } else if (r[6] == SpiValue("f")) {
                d.kind = "foreign key";
                d.carry = CarryAs::kForeignKey;
            } else if (d.kind == "table constraint") {
                d.kind = "constraint";
            }
            index[Key(classid, objid)] = found.size();
            found.push_back(d);
        }
        fc = std::move(nc);
        fo = std::move(no);
    }

    // The schema's own objects (whole-schema swap): what lives there that chameleon did not create.
    if (scope.whole_schema) {
        std::set<std::string> new_names(scope.new_names.begin(), scope.new_names.end());
        for (const SpiRow &r : SpiQuery(
                 "WITH o AS (SELECT * FROM ROWS FROM (pg_catalog.unnest($2::oid[]), "
                 "pg_catalog.unnest($3::oid[])) AS o(classid, objid)) "
                 "SELECT d.classid, d.objid, i.type, i.identity, c.relkind, "
                 "  coalesce(c.relname, t.typname, p.proname), p.prokind, t.typtype "
                 "FROM pg_catalog.pg_depend d "
                 "CROSS JOIN LATERAL pg_catalog.pg_identify_object(d.classid, d.objid, 0) i "
                 "LEFT JOIN pg_catalog.pg_class c ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
                 "  AND c.oid = d.objid "
                 "LEFT JOIN pg_catalog.pg_type t ON d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass "
                 "  AND t.oid = d.objid "
                 "LEFT JOIN pg_catalog.pg_proc p ON d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
                 "  AND p.oid = d.objid "
                 "WHERE d.refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.deptype = 'n' "
                 "  AND d.refobjid = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = $1) "
                 "  AND NOT EXISTS (SELECT 1 FROM o WHERE o.classid = d.classid AND o.objid = d.objid) "
                 "  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend x WHERE x.classid = d.classid "
                 "    AND x.objid = d.objid AND x.deptype IN ('a', 'i', 'e')) "
                 "ORDER BY d.classid, d.objid",
                 {scope.dest_schema, OidArray(oc), OidArray(oo)})) {
            const std::string classid = r[0].value_or("0"), objid = r[1].value_or("0");
            if (index.count(Key(classid, objid)) > 0)
                continue;
            Dependent d;
            d.classid = classid;
            d.objid = objid;
            d.kind = r[2].value_or("object");
            d.identity = r[3].value_or("?");
            d.reason = "in schema " + ddl::QuoteIdent(scope.dest_schema);
            d.in_dest = true;
            const std::string relkind = r[4].value_or("");
            const std::string prokind = r[6].value_or("");
            const std::string typtype = r[7].value_or("");
            const bool movable =
                (!relkind.empty() && std::string("rpSvmfc").find(relkind) != std::string::npos) ||
                prokind == "f" || prokind == "p" ||
                (!typtype.empty() && std::string("derc").find(typtype) != std::string::npos);
            if (movable && new_names.count(r[5].value_or("")) > 0) {
                d.reason = "in schema " + ddl::QuoteIdent(scope.dest_schema) +
                           ", named like an object of the new copy";
            } else if (movable) {
                d.carry = CarryAs::kMove;
            }
            index[Key(classid, objid)] = found.size();
            found.push_back(d);
        }
    }
    return found;
}

std::string DescribeDependents(const std::vector<Dependent> &found) {
    std::string out;
    for (const Dependent &d : found)
        out += (out.empty() ? "" : "\n") + d.kind + " " + d.identity + " (" + d.reason + ")";
    return out;
}

void RefuseDependents(const SwapScope &scope, const std::vector<Dependent> &found, DependentsPolicy policy) {
    std::vector<Dependent> refused;
    for (const Dependent &d : found) {
        if (policy == DependentsPolicy::kRefuse || d.carry == CarryAs::kNone)
            refused.push_back(d);
    }
    if (refused.empty())
        return;
    const std::string count = std::to_string(refused.size()) + (refused.size() == 1 ? " object" : " objects");
    const std::string what = scope.whole_schema
                                 ? "schema " + ddl::QuoteIdent(scope.dest_schema)
                                 : "the tables it replaces in schema " + ddl::QuoteIdent(scope.dest_schema);
    if (policy == DependentsPolicy::kRefuse) {
        throw Error(scope.operation + " of source \"" + scope.source + "\" would drop " + count +
                        " that chameleon did not create, with " + what,
                    "2BP01", DescribeDependents(refused),
                    "Drop or move them first, or SET chameleon.copy_dependents = 'carry' to recreate views, "
                    "materialized views and foreign keys on the new tables and keep the schema's own tables, "
                    "sequences, views, functions and types (moved into the new schema).");
    }
    throw Error(scope.operation + " of source \"" + scope.source + "\" cannot carry over " + count +
                    " that would be dropped with " + what,
                "2BP01", DescribeDependents(refused),
                "Drop them first and create them again after the copy.");
}

CarryState DetachDependents(const SwapScope &scope, const std::vector<Dependent> &found) {
    (void)scope;
    CarryState state;
    std::vector<const Dependent *> views;
    for (const Dependent &d : found) {
        if (d.carry == CarryAs::kRecreate)
            views.push_back(&d);
    }
    std::stable_sort(views.begin(), views.end(),
                     [](const Dependent *a, const Dependent *b) { return a->level < b->level; });
    std::vector<std::string> drops;
    for (const Dependent *v : views) {
        std::vector<SpiRow> rows =
            SpiQuery("SELECT c.relkind, pg_catalog.quote_ident(n.nspname) || '.' || "
                     "pg_catalog.quote_ident(c.relname), "
                     "pg_catalog.pg_get_viewdef(c.oid), pg_catalog.array_to_string(c.reloptions, ', '), "
                     "pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(c.relowner)), "
                     "pg_catalog.obj_description(c.oid, 'pg_class'), c.relispopulated "
                     "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE c.oid = $1::oid",
                     {v->objid});
        if (rows.empty())
            continue;
        const SpiRow &r = rows[0];
        const bool matview = r[0] == SpiValue("m");
        const std::string what = matview ? "MATERIALIZED VIEW " : "VIEW ";
        const std::string name = r[1].value_or("");
        std::string def = r[2].value_or("");
        while (!def.empty() && (def.back() == ';' || def.back() == ' ' || def.back() == '\n'))
            def.pop_back();
        std::vector<std::string> sql;
        sql.push_back("CREATE " + what + name + (r[3].value_or("").empty() ? "" : " WITH (" + *r[3] + ")") +
                      " AS " + def +
                      (matview ? (r[6] == SpiValue("t") ? " WITH DATA" : " WITH NO DATA") : ""));
        sql.push_back("ALTER " + what + name + " OWNER TO " + r[4].value_or("CURRENT_USER"));
        for (const SpiRow &g :
             SpiQuery("SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "
                      "pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END, a.is_grantable "
                      "FROM pg_catalog.pg_class c, pg_catalog.aclexplode(c.relacl) a "
                      "WHERE c.oid = $1::oid AND a.grantee <> c.relowner",
                      {v->objid}))
            sql.push_back("GRANT " + g[0].value_or("SELECT") + " ON " + name + " TO " +
                          g[1].value_or("PUBLIC") + (g[2] == SpiValue("t") ? " WITH GRANT OPTION" : ""));
        if (r[5])
            sql.push_back("COMMENT ON " + what + name + " IS " + ddl::QuoteLiteral(*r[5]));
        for (const SpiRow &c :
             SpiQuery("SELECT pg_catalog.quote_ident(a.attname), "
                      "pg_catalog.col_description(a.attrelid, a.attnum) "
                      "FROM pg_catalog.pg_attribute a WHERE a.attrelid = $1::oid "
                      "AND a.attnum > 0 AND pg_catalog.col_description(a.attrelid, a.attnum) "
                      "IS NOT NULL ORDER BY a.attnum",
                      {v->objid}))
            sql.push_back("COMMENT ON COLUMN " + name + "." + c[0].value_or("") + " IS " +
                          ddl::QuoteLiteral(c[1].value_or("")));
        if (matview) {
            for (const SpiRow &i :
                 SpiQuery("SELECT pg_catalog.pg_get_indexdef(indexrelid) FROM pg_catalog.pg_index "
                          "WHERE indrelid = $1::oid ORDER BY indexrelid",
                          {v->objid}))
                sql.push_back(i[0].value_or(""));
        }
        state.views.push_back(sql);
        state.view_names.push_back((matview ? "materialized view " : "view ") + v->identity);
        drops.push_back("DROP " + what + name);
    }
    for (const Dependent &d : found) {
        if (d.carry != CarryAs::kForeignKey)
            continue;
        std::vector<SpiRow> rows = SpiQuery(
            "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "
            "pg_catalog.quote_ident(con.conname), pg_catalog.pg_get_constraintdef(con.oid), con.convalidated "
            "FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid = con.conrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE con.oid = $1::oid",
            {d.objid});
        if (rows.empty())
            continue;
        const std::string table = rows[0][0].value_or(""), name = rows[0][1].value_or("");
        std::string def = rows[0][2].value_or("");
        const std::string not_valid = " NOT VALID";
        if (def.size() > not_valid.size() &&
            def.compare(def.size() - not_valid.size(), not_valid.size(), not_valid) == 0)
            def.resize(def.size() - not_valid.size());
        state.fkeys.emplace_back(
            "ALTER TABLE " + table + " ADD CONSTRAINT " + name + " " + def + " NOT VALID",
            rows[0][3] == SpiValue("t") ? "ALTER TABLE " + table + " VALIDATE CONSTRAINT " + name : "");
        state.fkey_names.push_back("foreign key " + d.identity);
        SpiExecute("ALTER TABLE " + table + " DROP CONSTRAINT " + name);
    }
    // Views last-built first.
    for (auto it = drops.rbegin(); it != drops.rend(); ++it)
        SpiExecute(*it);
    for (const Dependent &d : found) {
        if (d.carry == CarryAs::kMove) {
            state.moves.emplace_back(d.classid, d.objid);
            state.move_names.push_back(d.kind + " " + d.identity);
        }
    }
    return state;
}

void ReattachDependents(const SwapScope &scope, const CarryState &state, const std::string &old_schema,
                        const std::function<void(int elevel, const std::string &)> &notice) {
    for (size_t i = 0; i < state.moves.size(); ++i) {
        SpiValue what = SpiQueryValue(
            "SELECT CASE WHEN $1::oid = 'pg_catalog.pg_class'::pg_catalog.regclass THEN "
            "  (SELECT CASE relkind WHEN 'S' THEN 'SEQUENCE ' WHEN 'v' THEN 'VIEW ' "
            "    WHEN 'm' THEN 'MATERIALIZED VIEW ' WHEN 'f' THEN 'FOREIGN TABLE ' WHEN 'c' THEN 'TYPE ' "
            "    ELSE 'TABLE ' END || oid::pg_catalog.regclass::text FROM pg_catalog.pg_class WHERE oid = "
            "$2::oid) "
            "WHEN $1::oid = 'pg_catalog.pg_proc'::pg_catalog.regclass THEN "
            "  'ROUTINE ' || $2::oid::pg_catalog.regprocedure::text "
            "ELSE 'TYPE ' || $2::oid::pg_catalog.regtype::text END",
            {state.moves[i].first, state.moves[i].second});
        if (!what)
            continue;
        SpiExecute("ALTER " + *what + " SET SCHEMA " + ddl::QuoteIdent(scope.dest_schema));
        notice(NOTICE, "kept " + state.move_names[i] + ": moved from " + ddl::QuoteIdent(old_schema) +
                           " into the new schema");
    }
    for (size_t i = 0; i < state.views.size(); ++i) {
        for (const std::string &sql : state.views[i])
            SpiExecute(sql);
        notice(NOTICE, "carried over " + state.view_names[i] + ": created again on the new tables");
    }
    for (size_t i = 0; i < state.fkeys.size(); ++i) {
        SpiExecute(state.fkeys[i].first);
        if (state.fkeys[i].second.empty()) {
            notice(NOTICE, "carried over " + state.fkey_names[i] + ": created again NOT VALID, as it was");
        } else if (auto failure = SpiTryExecute(state.fkeys[i].second)) {
            notice(WARNING, "carried over " + state.fkey_names[i] +
                                ": created again NOT VALID, its validation failed: " + *failure);
        } else {
            notice(NOTICE, "carried over " + state.fkey_names[i] + ": created again and validated");
        }
    }
}

std::string WorkSchemaMark(const char *role, const std::string &source) {
    return std::string("chameleon ") + role + " schema of source \"" + source + "\"";
}

bool SchemaExists(const std::string &schema) {
    return SpiQueryValue("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", {schema}).has_value();
}

bool SchemaMarked(const std::string &schema, const std::string &mark) {
    return SpiQueryValue("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1 "
                         "AND pg_catalog.obj_description(oid, 'pg_namespace') = $2",
                         {schema, mark})
        .has_value();
}

void RefuseUnmarked(const std::string &schema, const std::string &mark, const std::string &operation) {
    if (!SchemaExists(schema) || SchemaMarked(schema, mark))
        return;
    throw Error(operation + " needs schema " + ddl::QuoteIdent(schema) +
                    ", which exists and was not created by chameleon for this source",
                sqlstate::kObjectInUse,
                "chameleon loads into _<destination>_tmp and moves the previous destination to "
                "_<destination>_old; it drops only the schemas it marked (COMMENT '" +
                    mark + "').",
                "Rename or drop schema " + ddl::QuoteIdent(schema) + " if it is yours to drop.");
}

void CarrySchemaProperties(const std::string &from, const std::string &to,
                           const std::function<void(int elevel, const std::string &)> &notice) {
    std::vector<SpiRow> rows = SpiQuery("SELECT pg_catalog.obj_description(oid, 'pg_namespace') FROM "
                                        "pg_catalog.pg_namespace WHERE nspname = $1",
                                        {from});
    if (rows.empty())
        return;
    SpiExecute("COMMENT ON SCHEMA " + ddl::QuoteIdent(to) + " IS " +
               (rows[0][0] ? ddl::QuoteLiteral(*rows[0][0]) : std::string("NULL")));
    int grants = 0;
    for (const SpiRow &g :
         SpiQuery("SELECT a.privilege_type, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE "
                  "pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END, a.is_grantable "
                  "FROM pg_catalog.pg_namespace n, pg_catalog.aclexplode(n.nspacl) a "
                  "WHERE n.nspname = $1 AND a.grantee <> n.nspowner",
                  {from})) {
        SpiExecute("GRANT " + g[0].value_or("USAGE") + " ON SCHEMA " + ddl::QuoteIdent(to) + " TO " +
                   g[1].value_or("PUBLIC") + (g[2] == SpiValue("t") ? " WITH GRANT OPTION" : ""));
        ++grants;
    }
    if (rows[0][0] || grants > 0)
        notice(NOTICE, "kept the comment and the " + std::to_string(grants) + " grants of schema " +
                           ddl::QuoteIdent(to));
}

} // namespace chameleon::pg
