// Row changes applied through PostgreSQL's executor, as its own logical replication apply worker
// does (execReplication.c): no SQL text per row, index maintenance, constraints, row triggers that
// fire under session_replication_role = replica. Rows to change are found through the replica
// identity index (the primary key) or, for tables without one, by their full before-image with a
// sequential scan that stops at the first match, so exactly one row changes even among duplicates.
//
// Every method calls PostgreSQL functions that may raise an error: call them inside PgCall() and
// keep no C++ object with a destructor alive inside that call.
#pragma once

extern "C" {
#include "postgres.h"
#include "executor/executor.h"
#include "fmgr.h"
#include "nodes/execnodes.h"
#include "utils/rel.h"
}

namespace chameleon::pg {

class DmlTarget {
public:
    // Opens `relid` for DML in the current transaction (RowExclusiveLock).
    void Open(Oid relid);
    // Releases what Open() took (the lock stays until the end of the transaction).
    void Close();
    bool IsOpen() const { return rel_ != nullptr; }

    Relation Rel() const { return rel_; }
    TupleDesc Desc() const { return RelationGetDescr(rel_); }
    int NumAttrs() const { return Desc()->natts; }

    // Converts `text` (PostgreSQL input text) for attribute index `att` (0-based).
    Datum Input(int att, char *text);

    // values/nulls have NumAttrs() entries (dropped attributes: null).
    void Insert(Datum *values, bool *nulls);
    // Finds the row by `key` (its identity, or every column without one), replaces the attributes
    // flagged in `set` with new values. False when no row matched.
    bool Update(Datum *key_values, bool *key_nulls, Datum *new_values, bool *new_nulls, const bool *set);
    bool Delete(Datum *key_values, bool *key_nulls);
    bool HasIdentityIndex() const { return OidIsValid(identity_index_); }
    Oid IdentityIndex() const { return identity_index_; }

private:
    void BeginChange();
    void EndChange();
    bool Find(Datum *key_values, bool *key_nulls);

    Relation rel_ = nullptr;
    EState *estate_ = nullptr;
    ResultRelInfo *result_ = nullptr;
    TupleTableSlot *search_slot_ = nullptr;
    TupleTableSlot *local_slot_ = nullptr;
    TupleTableSlot *new_slot_ = nullptr;
    Oid identity_index_ = InvalidOid;
    FmgrInfo *input_ = nullptr;
    Oid *ioparam_ = nullptr;
};

} // namespace chameleon::pg
