// DDL translation: the data-driven corpus of test/unit/data/ddl (see ddl_corpus.hpp), and the
// registry API (ApplyAlterTable, Registry::Apply, TranslateText).
//
// CHAMELEON_DDL_BLESS=1 rewrites the expectations of the corpus files with what the translator
// produces (review the diff before committing it).
#include "ddl_corpus.hpp"

#include "common/error.hpp"
#include "ddl/translate/translate.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace chameleon::ddl::translate {
namespace {

using ddl_corpus::Case;
using ddl_corpus::File;
using ddl_corpus::Squeeze;

struct Actual {
    std::vector<std::string> statements;
    std::string refused;
    std::string ignored;
    std::vector<std::string> notes;
    std::vector<std::string> changes;
};

Context ContextOf(const File &f, const Registry *registry) {
    Context ctx;
    ctx.current_schema = f.database;
    for (const auto &m : f.mappings)
        ctx.schema_mappings[m.first] = m.second;
    ctx.types.default_style = f.mysql_style ? DefaultStyle::kMySql : DefaultStyle::kMariaDb;
    for (const auto &o : f.overrides)
        ctx.overrides.push_back(config::TypeOverride{o.first, o.second, {"*"}});
    std::vector<std::string> skip = f.skip;
    ctx.replicated = [skip](const std::string &schema, const std::string &table) {
        return std::find(skip.begin(), skip.end(), schema + "." + table) == skip.end();
    };
    for (const auto &r : f.renames) {
        // SCHEMA.TABLE[.COLUMN]
        const size_t dot = r.first.find('.');
        const size_t dot2 = r.first.find('.', dot + 1);
        config::Rename rename;
        rename.schema = r.first.substr(0, dot);
        rename.table =
            r.first.substr(dot + 1, dot2 == std::string::npos ? std::string::npos : dot2 - dot - 1);
        rename.column = dot2 == std::string::npos ? "" : r.first.substr(dot2 + 1);
        rename.to = r.second;
        ctx.renames.push_back(rename);
    }
    ctx.registry = registry;
    return ctx;
}

std::string ChangeText(const TableChange &c) {
    std::string text = std::string(ChangeKindName(c.kind)) + " " + c.schema + "." + c.table;
    if (c.new_schema != c.schema || c.new_table != c.table)
        text += " -> " + c.new_schema + "." + c.new_table;
    return text;
}

Actual RunCase(const File &f, const Registry &setup, const std::string &sql) {
    Actual a;
    Context ctx = ContextOf(f, &setup);
    bool applied = false;
    for (const Translation &t : TranslateText(sql, ctx)) {
        for (const std::string &s : t.statements)
            a.statements.push_back(Squeeze(s));
        a.notes.insert(a.notes.end(), t.notes.begin(), t.notes.end());
        for (const TableChange &c : t.changes)
            a.changes.push_back(ChangeText(c));
        if (t.outcome == Outcome::kRefused && a.refused.empty())
            a.refused = "@" + std::to_string(t.offset) + " " + t.message;
        if (t.outcome == Outcome::kApplied)
            applied = true;
        if (t.outcome == Outcome::kIgnored && a.ignored.empty())
            a.ignored = t.message;
    }
    if (applied || !a.refused.empty())
        a.ignored.clear();
    else if (a.ignored.empty())
        a.ignored = "(no statement)";
    return a;
}

Registry SetupRegistry(const File &f) {
    Registry registry;
    for (const std::string &sql : f.setup) {
        Context ctx = ContextOf(f, &registry);
        for (const Translation &t : TranslateText(sql, ctx)) {
            EXPECT_EQ(t.outcome, Outcome::kApplied) << f.path << ": setup " << sql << ": " << t.message;
            registry.Apply(t);
        }
    }
    return registry;
}

void AppendExpectations(const Actual &a, std::vector<std::string> &out) {
    for (const std::string &s : a.statements)
        out.push_back("= " + s);
    if (!a.refused.empty())
        out.push_back("! " + a.refused);
    if (!a.ignored.empty())
        out.push_back("~ " + a.ignored);
    for (const std::string &n : a.notes)
        out.push_back("* " + n);
    for (const std::string &c : a.changes)
        out.push_back("% " + c);
}

// Rewrites the expectation lines of `f` with the actual results.
void Bless(const File &f, const std::vector<Actual> &actuals) {
    std::vector<std::string> out;
    size_t case_index = 0;
    bool in_case = false;
    for (const std::string &line : f.lines) {
        const char tag = line.empty() ? ' ' : line[0];
        if (in_case && (tag == '=' || tag == '!' || tag == '~' || tag == '*' || tag == '%'))
            continue; // replaced
        if (in_case && tag == '|') {
            out.push_back(line);
            continue;
        }
        if (in_case) {
            AppendExpectations(actuals[case_index - 1], out);
            in_case = false;
        }
        out.push_back(line);
        if (tag == '>') {
            in_case = true;
            ++case_index;
        }
    }
    if (in_case)
        AppendExpectations(actuals[case_index - 1], out);
    std::ofstream o(f.path);
    for (const std::string &line : out)
        o << line << "\n";
}

TEST(DdlTranslateCorpus, EveryCaseTranslatesAsExpected) {
    const std::string dir = ddl_corpus::CorpusDir();
    const std::vector<std::string> files = ddl_corpus::CorpusFiles(dir);
    ASSERT_FALSE(files.empty()) << "no corpus in " << dir;
    const bool bless = std::getenv("CHAMELEON_DDL_BLESS") != nullptr;
    size_t total = 0, passed = 0;
    for (const std::string &path : files) {
        File f = ddl_corpus::ReadFile(path);
        Registry registry = SetupRegistry(f);
        std::vector<Actual> actuals;
        for (const Case &c : f.cases) {
            ++total;
            Actual a = RunCase(f, registry, c.sql);
            actuals.push_back(a);
            const std::string where = c.file + ":" + std::to_string(c.line) + ": " + c.sql;
            bool ok = true;
            std::vector<std::string> expected;
            for (const std::string &e : c.expected)
                expected.push_back(Squeeze(e));
            const bool has_expectation = !c.expected.empty() || !c.refused.empty() || !c.ignored.empty() ||
                                         !c.notes.empty() || !c.changes.empty();
            if (!bless) {
                EXPECT_TRUE(has_expectation) << where << ": the case has no expectation";
                EXPECT_EQ(a.statements, expected) << where;
                EXPECT_EQ(a.refused, c.refused) << where;
                EXPECT_EQ(a.ignored, c.ignored) << where;
                if (!c.notes.empty()) {
                    EXPECT_EQ(a.notes, c.notes) << where;
                }
                if (!c.changes.empty()) {
                    EXPECT_EQ(a.changes, c.changes) << where;
                }
                ok = has_expectation && a.statements == expected && a.refused == c.refused &&
                     a.ignored == c.ignored && (c.notes.empty() || a.notes == c.notes) &&
                     (c.changes.empty() || a.changes == c.changes);
            }
            passed += ok ? 1 : 0;
        }
        if (bless)
            Bless(f, actuals);
    }
    std::printf("DDL corpus: %zu cases, %zu passed (%zu files)\n", total, passed, files.size());
    EXPECT_GE(total, 400u);
}

// ---- the registry API ----

MysqlTable Orders() {
    Registry registry;
    Context ctx;
    ctx.current_schema = "shop";
    ctx.schema_mappings["shop"] = "pg_shop";
    ctx.registry = &registry;
    for (const Translation &t : TranslateText("CREATE TABLE orders (id int unsigned NOT NULL AUTO_INCREMENT, "
                                              "status enum('new','paid') NOT NULL DEFAULT 'new', "
                                              "note varchar(20), PRIMARY KEY (id), KEY by_status (status))",
                                              ctx))
        registry.Apply(t);
    return *registry.Find("shop", "orders");
}

TEST(DdlTranslateRegistry, CreateTableGivesInformationSchemaColumns) {
    MysqlTable t = Orders();
    ASSERT_EQ(t.columns.size(), 3u);
    EXPECT_EQ(t.columns[0].column_type, "int(10) unsigned");
    EXPECT_EQ(t.columns[0].extra, "auto_increment");
    EXPECT_FALSE(t.columns[0].nullable);
    EXPECT_EQ(t.columns[1].data_type, "enum");
    EXPECT_EQ(t.columns[1].column_type, "enum('new','paid')");
    EXPECT_EQ(t.columns[1].default_value, std::optional<std::string>("'new'"));
    EXPECT_EQ(t.columns[2].char_max_length, std::optional<int64_t>(20));
    EXPECT_EQ(t.columns[2].ordinal, 3);
    ASSERT_EQ(t.indexes.size(), 2u);
    EXPECT_TRUE(t.indexes[0].Primary());
    EXPECT_EQ(t.indexes[1].name, "by_status");
}

TEST(DdlTranslateRegistry, ApplyAlterTableComputesTheNewDefinition) {
    MysqlTable t = Orders();
    std::vector<parser::Statement> st = parser::Parse(
        "ALTER TABLE orders ADD COLUMN total decimal(10,2) NOT NULL DEFAULT 0 AFTER id, DROP COLUMN note, "
        "CHANGE status state enum('new','paid','sent') NOT NULL, RENAME INDEX by_status TO by_state, "
        "RENAME TO orders2");
    ASSERT_EQ(st.size(), 1u);
    MysqlTable after = ApplyAlterTable(t, std::get<parser::AlterTable>(st[0].body), DefaultStyle::kMariaDb);
    EXPECT_EQ(after.name, "orders2");
    ASSERT_EQ(after.columns.size(), 3u);
    EXPECT_EQ(after.columns[1].name, "total");
    EXPECT_EQ(after.columns[1].ordinal, 2);
    EXPECT_EQ(after.columns[1].column_type, "decimal(10,2)");
    EXPECT_EQ(after.columns[2].name, "state");
    EXPECT_EQ(after.columns[2].column_type, "enum('new','paid','sent')");
    ASSERT_EQ(after.indexes.size(), 2u);
    EXPECT_EQ(after.indexes[1].name, "by_state");
    EXPECT_EQ(after.indexes[1].parts[0].column, "state");
    // The input is untouched.
    EXPECT_EQ(t.columns.size(), 3u);
}

TEST(DdlTranslateRegistry, ApplyAlterTableThrowsOnAnUnknownColumn) {
    MysqlTable t = Orders();
    std::vector<parser::Statement> st = parser::Parse("ALTER TABLE orders DROP COLUMN nope");
    try {
        ApplyAlterTable(t, std::get<parser::AlterTable>(st[0].body), DefaultStyle::kMariaDb);
        FAIL() << "no error";
    } catch (const Error &e) {
        EXPECT_STREQ(e.what(), "table `shop`.`orders` has no column \"nope\"");
    }
}

TEST(DdlTranslateRegistry, ARenameChainSeesTheEarlierRenames) {
    // pt-online-schema-change's swap: orders → _orders_old, _orders_new → orders.
    Registry registry;
    Context ctx;
    ctx.current_schema = "shop";
    ctx.schema_mappings["shop"] = "pg_shop";
    ctx.registry = &registry;
    for (const char *sql :
         {"CREATE TABLE orders (id int PRIMARY KEY, a int)", "CREATE TABLE _orders_new LIKE orders",
          "ALTER TABLE _orders_new ADD COLUMN b int"}) {
        for (const Translation &t : TranslateText(sql, ctx)) {
            ASSERT_EQ(t.outcome, Outcome::kApplied) << sql << ": " << t.message;
            registry.Apply(t);
        }
    }
    std::vector<Translation> swap =
        TranslateText("RENAME TABLE orders TO _orders_old, _orders_new TO orders", ctx);
    ASSERT_EQ(swap.size(), 1u);
    ASSERT_EQ(swap[0].outcome, Outcome::kApplied) << swap[0].message;
    EXPECT_EQ(swap[0].statements,
              (std::vector<std::string>{"ALTER TABLE \"pg_shop\".\"orders\" RENAME TO \"_orders_old\"",
                                        "ALTER TABLE \"pg_shop\".\"_orders_new\" RENAME TO \"orders\""}));
    registry.Apply(swap[0]);
    ASSERT_NE(registry.Find("shop", "orders"), nullptr);
    EXPECT_EQ(registry.Find("shop", "orders")->columns.size(), 3u);
    ASSERT_NE(registry.Find("shop", "_orders_old"), nullptr);
    EXPECT_EQ(registry.Find("shop", "_orders_old")->columns.size(), 2u);
    EXPECT_EQ(registry.Find("shop", "_orders_new"), nullptr);
}

TEST(DdlTranslateRegistry, RefusalsCarryTheOffsetAndNeverThrow) {
    Registry registry;
    Context ctx;
    ctx.schema_mappings["shop"] = "pg_shop";
    ctx.registry = &registry;
    std::vector<Translation> t = TranslateText("CREATE TABLE shop.t (a int, b frobnicate)", ctx);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].outcome, Outcome::kRefused);
    EXPECT_EQ(t[0].offset, 30u);
    EXPECT_EQ(t[0].message, "unknown data type 'frobnicate'");
}

TEST(DdlTranslateRegistry, AnIndexRebuiltWithoutADroppedColumnKeepsItsPostgresName) {
    // Index names are per schema in PostgreSQL: u's name_status was created as u_name_status
    // (t's has the MySQL name), as the catalogue says through Context::index_name.
    Registry registry;
    Context ctx;
    ctx.current_schema = "shop";
    ctx.schema_mappings["shop"] = "pg_shop";
    ctx.registry = &registry;
    for (const char *sql : {"CREATE TABLE t (a int, b int, KEY name_status (a, b))",
                            "CREATE TABLE u (name int, status int, KEY name_status (name, status))"}) {
        for (const Translation &t : TranslateText(sql, ctx))
            registry.Apply(t);
    }
    ctx.index_name = [](const std::string &, const std::string &pg_table, const std::string &index) {
        return pg_table == "u" ? "u_" + index : index;
    };
    std::vector<Translation> t = TranslateText("ALTER TABLE u DROP COLUMN status", ctx);
    ASSERT_EQ(t.size(), 1u);
    ASSERT_EQ(t[0].outcome, Outcome::kApplied) << t[0].message;
    EXPECT_EQ(t[0].statements,
              (std::vector<std::string>{"ALTER TABLE \"pg_shop\".\"u\" DROP COLUMN \"status\"",
                                        "CREATE INDEX \"u_name_status\" ON \"pg_shop\".\"u\" (\"name\")"}));
}

TEST(DdlTranslateRegistry, TextThatIsNotUtf8IsRefused) {
    // A latin1 client's enum label (0xe9: é) would reach PostgreSQL as invalid UTF-8.
    Registry registry;
    Context ctx;
    ctx.schema_mappings["shop"] = "pg_shop";
    ctx.registry = &registry;
    std::vector<Translation> t = TranslateText("CREATE TABLE shop.t (a enum('caf\xe9'))", ctx);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].outcome, Outcome::kRefused);
    EXPECT_EQ(t[0].message,
              "the statement's text is not valid UTF-8 (byte 0xe9): a client character set other "
              "than utf8 is not translated");
    // Only what reaches PostgreSQL counts: a comment in latin1 does not.
    t = TranslateText("CREATE TABLE shop.t (a int) /* caf\xe9 */", ctx);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].outcome, Outcome::kApplied) << t[0].message;
    t = TranslateText("CREATE TABLE shop.u (a enum('caf\xc3\xa9', '\xf0\x9f\x98\x80'))", ctx);
    ASSERT_EQ(t.size(), 1u);
    EXPECT_EQ(t[0].outcome, Outcome::kApplied) << t[0].message;
}

} // namespace
} // namespace chameleon::ddl::translate
