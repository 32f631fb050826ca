// What a schema swap would destroy that chameleon did not make (issue 9, item 1), and carrying it
// over when chameleon.copy_dependents = 'carry'.
//
// "chameleon's objects" of a destination schema are the tables it registered in t_replica_tables
// for the source (sync_tables: the tables it replaces), the enum types their columns use, and what
// PostgreSQL drops with them automatically (indexes, constraints, defaults, owned sequences, row
// and array types). Everything else that the swap would drop is the user's: objects elsewhere that
// depend on chameleon's (views, materialized views, foreign keys, columns typed with its types,
// triggers, policies, rules, ...) and, when the whole schema is replaced, the schema's own objects.
// Only SPI is used: it runs in the conductor (early refusal) and in the leader's swap transaction.
#pragma once

#include "ddl/copy_plan.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace chameleon::pg {

enum class DependentsPolicy : uint32_t {
    kRefuse = 0, // refuse the swap, listing what it would drop
    kCarry = 1,  // carry views, materialized views, foreign keys and the schema's own objects over
};

struct SwapScope {
    std::string operation; // "init_replica", ... (messages)
    std::string source;
    int64_t source_id = 0;
    std::string dest_schema;
    bool whole_schema = true;              // init_replica / refresh_schema / copy_schema
    std::vector<std::string> tables;       // sync_tables: the tables replaced
    std::vector<std::string> new_names;    // relations and types of the new copy in dest_schema
    bool everything_is_chameleons = false; // a replaced schema about to be dropped
};

enum class CarryAs {
    kRecreate,   // view or materialized view: dropped, created again from its definition
    kMove,       // the schema's own object: moved into the new schema
    kForeignKey, // dropped, created again NOT VALID, then validated
    kNone,       // cannot be carried over
};

struct Dependent {
    std::string classid, objid; // the object (pg_depend terms)
    std::string kind;           // "view", "foreign key", "table column", "function", ...
    std::string identity;       // schema-qualified, as pg_identify_object says
    std::string reason;         // "depends on table a.b", "in schema a", ...
    CarryAs carry = CarryAs::kNone;
    int level = 0;        // views: depth above chameleon's tables (recreated in this order)
    bool in_dest = false; // the object lives in the destination schema itself
};

// The swaps of a plan, one per destination schema (none with keep_existing_schema).
std::vector<SwapScope> SwapScopesOf(const ddl::CopyPlan &plan);

// Finds what the swap of `scope` would drop that chameleon did not create (empty when
// scope.dest_schema does not exist).
std::vector<Dependent> FindDependents(const SwapScope &scope);

// "view public.v (depends on table shop.orders)", one per line.
std::string DescribeDependents(const std::vector<Dependent> &found);

// Raises chameleon::Error when `found` holds anything `policy` does not carry over.
void RefuseDependents(const SwapScope &scope, const std::vector<Dependent> &found, DependentsPolicy policy);

// Carrying over inside the swap transaction: Detach before the swap drops the views and foreign keys
// (saving how to create them again), Reattach after it moves the schema's own objects from
// `old_schema` (whole swap) and recreates the rest. `notice` receives one line per object touched.
struct CarryState {
    std::vector<std::pair<std::string, std::string>> moves; // (classid, objid) of the schema's own objects
    std::vector<std::string> move_names;
    std::vector<std::vector<std::string>> views; // per view, in creation order: its statements
    std::vector<std::string> view_names;
    std::vector<std::pair<std::string, std::string>> fkeys; // (ADD ... NOT VALID, VALIDATE)
    std::vector<std::string> fkey_names;
};
CarryState DetachDependents(const SwapScope &scope, const std::vector<Dependent> &found);
void ReattachDependents(const SwapScope &scope, const CarryState &state, const std::string &old_schema,
                        const std::function<void(int elevel, const std::string &)> &notice);

// The ownership mark of chameleon's working schemas (a comment): "chameleon loading schema of source
// "x"" / "chameleon replaced schema of source "x"".
std::string WorkSchemaMark(const char *role, const std::string &source);
// Whether `schema` exists, and whether it carries `mark`.
bool SchemaExists(const std::string &schema);
bool SchemaMarked(const std::string &schema, const std::string &mark);
// Refuses (chameleon::Error) when `schema` exists without `mark`: chameleon never drops it.
void RefuseUnmarked(const std::string &schema, const std::string &mark, const std::string &operation);

// The schema's comment and grants, carried from `from` to `to` (a whole-schema swap).
void CarrySchemaProperties(const std::string &from, const std::string &to,
                           const std::function<void(int elevel, const std::string &)> &notice);

} // namespace chameleon::pg
