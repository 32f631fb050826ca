#include "ddl/copy_plan.hpp"

#include "common/error.hpp"
#include "ddl/pg_text.hpp"

#include <algorithm>
#include <cstring>

namespace {
// `name` as a MySQL identifier (the same rule as mysql::QuoteIdentifier, without the dependency).
std::string QuoteMysqlName(const std::string &name) {
    std::string out = "`";
    for (char c : name) {
        if (c == '`')
            out += '`';
        out += c;
    }
    return out + "`";
}
} // namespace

namespace chameleon::ddl {

const char *CopyOperationName(CopyOperation operation) {
    switch (operation) {
        case CopyOperation::kInitReplica:
            return "init_replica";
        case CopyOperation::kSyncTables:
            return "sync_tables";
        case CopyOperation::kRefreshSchema:
            return "refresh_schema";
        case CopyOperation::kCopySchema:
            return "copy_schema";
    }
    return "copy";
}

namespace {

constexpr uint32_t kPlanMagic = 0x43504C31; // "CPL1"

class Writer {
public:
    void U8(uint8_t v) { out_ += static_cast<char>(v); }
    void U64(uint64_t v) {
        for (int i = 0; i < 8; ++i)
            out_ += static_cast<char>((v >> (8 * i)) & 0xFF);
    }
    void Bool(bool v) { U8(v ? 1 : 0); }
    void Str(const std::string &s) {
        U64(s.size());
        out_ += s;
    }
    void Strs(const std::vector<std::string> &v) {
        U64(v.size());
        for (const std::string &s : v)
            Str(s);
    }
    std::string Take() { return std::move(out_); }

private:
    std::string out_;
};

class Reader {
public:
    Reader(const char *data, size_t size) : p_(data), end_(data + size) {}
    uint8_t U8() {
        Need(1);
        return static_cast<uint8_t>(*p_++);
    }
    uint64_t U64() {
        Need(8);
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i)
            v |= static_cast<uint64_t>(static_cast<unsigned char>(p_[i])) << (8 * i);
        p_ += 8;
        return v;
    }
    bool Bool() { return U8() != 0; }
    std::string Str() {
        uint64_t n = U64();
        Need(n);
        std::string s(p_, n);
        p_ += n;
        return s;
    }
    std::vector<std::string> Strs() {
        uint64_t n = U64();
        std::vector<std::string> v;
        for (uint64_t i = 0; i < n; ++i)
            v.push_back(Str());
        return v;
    }
    bool AtEnd() const { return p_ == end_; }

private:
    void Need(uint64_t n) {
        if (static_cast<uint64_t>(end_ - p_) < n)
            throw Error("malformed copy plan in shared memory", sqlstate::kInternalError);
    }
    const char *p_;
    const char *end_;
};

void WriteSpec(Writer &w, const ValueSpec &spec) {
    w.U8(static_cast<uint8_t>(spec.kind));
    w.U64(static_cast<uint64_t>(spec.bit_width));
    w.Bool(spec.zero_date_value.has_value());
    w.Str(spec.zero_date_value.value_or(""));
    w.Bool(spec.strip_nul);
}

ValueSpec ReadSpec(Reader &r) {
    ValueSpec spec;
    spec.kind = static_cast<CopyKind>(r.U8());
    spec.bit_width = static_cast<int>(r.U64());
    bool has_zero = r.Bool();
    std::string zero = r.Str();
    if (has_zero)
        spec.zero_date_value = zero;
    spec.strip_nul = r.Bool();
    return spec;
}

} // namespace

std::string SerializePlan(const CopyPlan &plan) {
    Writer w;
    w.U64(kPlanMagic);
    w.U8(static_cast<uint8_t>(plan.operation));
    w.U64(static_cast<uint64_t>(plan.source_id));
    w.Str(plan.source);
    w.Str(plan.config);
    w.Bool(plan.copy_data);
    w.Bool(plan.keep_existing_schema);
    w.Bool(plan.skip_bad_rows);
    w.Str(plan.lock_timeout);
    w.Strs(plan.grant_select_to);
    w.U64(plan.schemas.size());
    for (const LoadSchema &s : plan.schemas) {
        w.Str(s.origin_schema);
        w.Str(s.dest_schema);
        w.Str(s.load_schema);
        w.Str(s.old_schema);
    }
    w.Strs(plan.prepare_statements);
    w.U64(plan.tables.size());
    for (const CopyTable &t : plan.tables) {
        w.Str(t.origin_schema);
        w.Str(t.origin_table);
        w.Str(t.dest_schema);
        w.Str(t.load_schema);
        w.Str(t.table);
        w.Strs(t.create_statements);
        w.Strs(t.index_statements);
        w.Strs(t.enum_types);
        w.Strs(t.identity_columns);
        w.U64(t.columns.size());
        for (const CopyColumn &c : t.columns) {
            w.Str(c.name);
            WriteSpec(w, c.spec);
            w.U8(static_cast<uint8_t>(c.binary));
        }
        w.U64(t.key_columns.size());
        for (int k : t.key_columns)
            w.U64(static_cast<uint64_t>(k));
        w.Str(t.select_sql);
        w.Bool(t.transactional);
        w.Bool(t.binary_copy);
        w.U64(t.estimated_rows);
        w.U64(t.estimated_bytes);
        w.U64(t.estimated_cost);
        w.Str(t.split_column);
        w.Bool(t.split_unsigned);
        w.Str(t.definition_json);
    }
    w.Strs(plan.foreign_key_statements);
    return w.Take();
}

CopyPlan DeserializePlan(const char *data, size_t size) {
    Reader r(data, size);
    if (r.U64() != kPlanMagic)
        throw Error("malformed copy plan in shared memory (bad magic)", sqlstate::kInternalError);
    CopyPlan plan;
    plan.operation = static_cast<CopyOperation>(r.U8());
    plan.source_id = static_cast<int64_t>(r.U64());
    plan.source = r.Str();
    plan.config = r.Str();
    plan.copy_data = r.Bool();
    plan.keep_existing_schema = r.Bool();
    plan.skip_bad_rows = r.Bool();
    plan.lock_timeout = r.Str();
    plan.grant_select_to = r.Strs();
    uint64_t nschemas = r.U64();
    for (uint64_t i = 0; i < nschemas; ++i) {
        LoadSchema s;
        s.origin_schema = r.Str();
        s.dest_schema = r.Str();
        s.load_schema = r.Str();
        s.old_schema = r.Str();
        plan.schemas.push_back(std::move(s));
    }
    plan.prepare_statements = r.Strs();
    uint64_t ntables = r.U64();
    for (uint64_t i = 0; i < ntables; ++i) {
        CopyTable t;
        t.origin_schema = r.Str();
        t.origin_table = r.Str();
        t.dest_schema = r.Str();
        t.load_schema = r.Str();
        t.table = r.Str();
        t.create_statements = r.Strs();
        t.index_statements = r.Strs();
        t.enum_types = r.Strs();
        t.identity_columns = r.Strs();
        uint64_t ncols = r.U64();
        for (uint64_t c = 0; c < ncols; ++c) {
            CopyColumn col;
            col.name = r.Str();
            col.spec = ReadSpec(r);
            col.binary = static_cast<BinaryKind>(r.U8());
            t.columns.push_back(std::move(col));
        }
        uint64_t nkeys = r.U64();
        for (uint64_t k = 0; k < nkeys; ++k)
            t.key_columns.push_back(static_cast<int>(r.U64()));
        t.select_sql = r.Str();
        t.transactional = r.Bool();
        t.binary_copy = r.Bool();
        t.estimated_rows = r.U64();
        t.estimated_bytes = r.U64();
        t.estimated_cost = r.U64();
        t.split_column = r.Str();
        t.split_unsigned = r.Bool();
        t.definition_json = r.Str();
        plan.tables.push_back(std::move(t));
    }
    plan.foreign_key_statements = r.Strs();
    if (!r.AtEnd())
        throw Error("malformed copy plan in shared memory (trailing bytes)", sqlstate::kInternalError);
    return plan;
}

std::pair<std::string, std::string> SplitTableName(const std::string &name, const std::string &what) {
    size_t dot = name.find('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == name.size()) {
        throw Error(what + " \"" + name + "\" is not of the form schema.table",
                    sqlstate::kInvalidParameterValue);
    }
    return {name.substr(0, dot), name.substr(dot + 1)};
}

bool TableSelected(const std::vector<std::string> &limit_tables, const std::vector<std::string> &skip_tables,
                   const std::string &schema, const std::string &table) {
    const std::string full = schema + "." + table;
    bool schema_limited = false;
    bool listed = false;
    for (const std::string &entry : limit_tables) {
        size_t dot = entry.find('.');
        if (dot == std::string::npos)
            continue;
        if (entry.compare(0, dot, schema) == 0 && dot == schema.size()) {
            schema_limited = true;
            if (entry == full)
                listed = true;
        }
    }
    if (schema_limited && !listed)
        return false;
    return std::find(skip_tables.begin(), skip_tables.end(), full) == skip_tables.end();
}

std::vector<std::string> SplitRanges(const std::string &column, const std::string &lo, const std::string &hi,
                                     int parts, bool is_unsigned) {
    auto parse = [](const std::string &text) {
        __int128 v = 0;
        bool negative = !text.empty() && text[0] == '-';
        for (size_t i = negative ? 1 : 0; i < text.size(); ++i) {
            if (text[i] < '0' || text[i] > '9')
                throw Error("bad key bound \"" + text + "\" for a range split", sqlstate::kInternalError);
            v = v * 10 + (text[i] - '0');
        }
        return negative ? -v : v;
    };
    auto print = [](__int128 v) {
        if (v == 0)
            return std::string("0");
        bool negative = v < 0;
        std::string digits;
        while (v != 0) {
            int d = static_cast<int>(v % 10);
            digits.insert(digits.begin(), static_cast<char>('0' + (d < 0 ? -d : d)));
            v /= 10;
        }
        return negative ? "-" + digits : digits;
    };
    (void)is_unsigned; // the bounds are decimal text: __int128 holds every BIGINT [UNSIGNED]
    std::vector<std::string> predicates;
    const __int128 low = parse(lo);
    const __int128 high = parse(hi);
    if (parts < 1 || high < low) {
        predicates.push_back("");
        return predicates;
    }
    const __int128 span = high - low + 1;
    const __int128 n = span < parts ? span : parts;
    const std::string col = QuoteMysqlName(column);
    for (__int128 i = 0; i < n; ++i) {
        std::string where;
        if (i > 0)
            where = col + " >= " + print(low + span * i / n);
        if (i + 1 < n)
            where += (where.empty() ? "" : " AND ") + col + " < " + print(low + span * (i + 1) / n);
        predicates.push_back(where);
    }
    return predicates;
}

std::string LoadSchemaName(const std::string &dest) {
    return "_" + TruncateUtf8(dest, kMaxIdentifierBytes - 5) + "_tmp";
}

std::string OldSchemaName(const std::string &dest) {
    return "_" + TruncateUtf8(dest, kMaxIdentifierBytes - 5) + "_old";
}

} // namespace chameleon::ddl
