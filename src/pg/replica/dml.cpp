#include "pg/replica/dml.hpp"

extern "C" {
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "nodes/makefuncs.h"
#include "parser/parsetree.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/relcache.h"
}

namespace chameleon::pg {

void DmlTarget::Open(Oid relid) {
    rel_ = table_open(relid, RowExclusiveLock);
    estate_ = CreateExecutorState();
    RangeTblEntry *rte = makeNode(RangeTblEntry);
    rte->rtekind = RTE_RELATION;
    rte->relid = relid;
    rte->relkind = rel_->rd_rel->relkind;
    rte->rellockmode = RowExclusiveLock;
    ExecInitRangeTable(estate_, list_make1(rte));
    result_ = makeNode(ResultRelInfo);
    InitResultRelInfo(result_, rel_, 1, nullptr, 0);
    estate_->es_output_cid = GetCurrentCommandId(true);
    ExecOpenIndices(result_, false);
    AfterTriggerBeginQuery();

    TupleDesc desc = RelationGetDescr(rel_);
    search_slot_ = table_slot_create(rel_, &estate_->es_tupleTable);
    local_slot_ = table_slot_create(rel_, &estate_->es_tupleTable);
    new_slot_ = table_slot_create(rel_, &estate_->es_tupleTable);
    identity_index_ = RelationGetReplicaIndex(rel_);
    input_ = static_cast<FmgrInfo *>(palloc0(sizeof(FmgrInfo) * desc->natts));
    ioparam_ = static_cast<Oid *>(palloc0(sizeof(Oid) * desc->natts));
    for (int i = 0; i < desc->natts; ++i) {
        Form_pg_attribute att = TupleDescAttr(desc, i);
        if (att->attisdropped)
            continue;
        Oid func = InvalidOid;
        getTypeInputInfo(att->atttypid, &func, &ioparam_[i]);
        fmgr_info(func, &input_[i]);
    }
}

void DmlTarget::Close() {
    if (rel_ == nullptr)
        return;
    ExecCloseIndices(result_);
    AfterTriggerEndQuery(estate_);
    ExecResetTupleTable(estate_->es_tupleTable, false);
    FreeExecutorState(estate_);
    table_close(rel_, NoLock);
    rel_ = nullptr;
    estate_ = nullptr;
    result_ = nullptr;
}

Datum DmlTarget::Input(int att, char *text) {
    return InputFunctionCall(&input_[att], text, ioparam_[att], TupleDescAttr(Desc(), att)->atttypmod);
}

void DmlTarget::BeginChange() {
    // Each change is its own command: a later change of the same transaction sees it (a row
    // inserted then updated in one source transaction).
    estate_->es_output_cid = GetCurrentCommandId(true);
}

void DmlTarget::EndChange() {
    CommandCounterIncrement();
}

void DmlTarget::Insert(Datum *values, bool *nulls) {
    BeginChange();
    TupleDesc desc = Desc();
    ExecClearTuple(new_slot_);
    memcpy(new_slot_->tts_values, values, sizeof(Datum) * desc->natts);
    memcpy(new_slot_->tts_isnull, nulls, sizeof(bool) * desc->natts);
    ExecStoreVirtualTuple(new_slot_);
    ExecSimpleRelationInsert(result_, estate_, new_slot_);
    EndChange();
}

bool DmlTarget::Find(Datum *key_values, bool *key_nulls) {
    TupleDesc desc = Desc();
    ExecClearTuple(search_slot_);
    memcpy(search_slot_->tts_values, key_values, sizeof(Datum) * desc->natts);
    memcpy(search_slot_->tts_isnull, key_nulls, sizeof(bool) * desc->natts);
    ExecStoreVirtualTuple(search_slot_);
    if (OidIsValid(identity_index_))
        return RelationFindReplTupleByIndex(rel_, identity_index_, LockTupleExclusive, search_slot_,
                                            local_slot_);
    return RelationFindReplTupleSeq(rel_, LockTupleExclusive, search_slot_, local_slot_);
}

bool DmlTarget::Update(Datum *key_values, bool *key_nulls, Datum *new_values, bool *new_nulls,
                       const bool *set) {
    if (!Find(key_values, key_nulls))
        return false;
    TupleDesc desc = Desc();
    slot_getallattrs(local_slot_);
    ExecClearTuple(new_slot_);
    for (int i = 0; i < desc->natts; ++i) {
        if (set[i]) {
            new_slot_->tts_values[i] = new_values[i];
            new_slot_->tts_isnull[i] = new_nulls[i];
        } else {
            new_slot_->tts_values[i] = local_slot_->tts_values[i];
            new_slot_->tts_isnull[i] = local_slot_->tts_isnull[i];
        }
    }
    ExecStoreVirtualTuple(new_slot_);
    EPQState epq;
    EvalPlanQualInit(&epq, estate_, nullptr, NIL, -1);
    ExecSimpleRelationUpdate(result_, estate_, &epq, local_slot_, new_slot_);
    EvalPlanQualEnd(&epq);
    EndChange();
    return true;
}

bool DmlTarget::Delete(Datum *key_values, bool *key_nulls) {
    BeginChange();
    if (!Find(key_values, key_nulls))
        return false;
    EPQState epq;
    EvalPlanQualInit(&epq, estate_, nullptr, NIL, -1);
    ExecSimpleRelationDelete(result_, estate_, &epq, local_slot_);
    EvalPlanQualEnd(&epq);
    EndChange();
    return true;
}

} // namespace chameleon::pg
