#include "common/error.hpp"

#include "pg/fmgr_util.hpp"
#include "pg/guard.hpp"

#include <memory>

extern "C" {
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"
}

namespace chameleon::pg {

namespace {
[[noreturn]] void NullArgument(const char *what) {
    throw Error(std::string(what) + " must not be NULL", "22004");
}
} // namespace

std::string TextArg(FunctionCallInfo fcinfo, int n, const char *what) {
    if (PG_ARGISNULL(n))
        NullArgument(what);
    char *value = PgCall([&] { return text_to_cstring(PG_GETARG_TEXT_PP(n)); });
    std::string result(value);
    pfree(value);
    return result;
}

std::vector<std::string> TextArrayArg(FunctionCallInfo fcinfo, int n, const char *what) {
    if (PG_ARGISNULL(n))
        NullArgument(what);
    Datum *elements = nullptr;
    bool *nulls = nullptr;
    int count = 0;
    PgCall([&] {
        ArrayType *array = PG_GETARG_ARRAYTYPE_P(n);
        deconstruct_array(array, TEXTOID, -1, false, TYPALIGN_INT, &elements, &nulls, &count);
    });
    std::vector<std::string> result;
    result.reserve(count);
    for (int i = 0; i < count; i++) {
        if (nulls[i])
            throw Error(std::string(what) + " must not contain NULL elements", "22004");
        char *value = PgCall([&] { return text_to_cstring(DatumGetTextPP(elements[i])); });
        result.emplace_back(value);
        pfree(value);
    }
    return result;
}

Datum ReturnTextRows(FunctionCallInfo fcinfo, const std::vector<Row> &rows) {
    PgCall([&] { InitMaterializedSRF(fcinfo, 0); });
    auto *rsinfo = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    const int natts = rsinfo->setDesc->natts;
    // Each value goes through the input function of its declared column type (text, or e.g. the
    // bigint and integer columns of chameleon._replica_workers()).
    AttInMetadata *in = PgCall([&] { return TupleDescGetAttInMetadata(rsinfo->setDesc); });
    std::vector<char *> values(natts);
    for (const Row &row : rows) {
        if (static_cast<int>(row.size()) != natts)
            throw Error("internal error: row has " + std::to_string(row.size()) + " columns, expected " +
                        std::to_string(natts));
        for (int i = 0; i < natts; i++)
            values[i] = row[i].has_value() ? const_cast<char *>(row[i]->c_str()) : nullptr;
        PgCall([&] { tuplestore_puttuple(rsinfo->setResult, BuildTupleFromCStrings(in, values.data())); });
    }
    return (Datum)0;
}

Datum ReturnText(const std::string &value) {
    return PgCall([&] { return PointerGetDatum(cstring_to_text_with_len(value.data(), value.size())); });
}

Datum ReturnJsonb(const std::string &json) {
    return PgCall([&] { return DirectFunctionCall1(jsonb_in, CStringGetDatum(json.c_str())); });
}

} // namespace chameleon::pg
