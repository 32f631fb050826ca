// ddl::PgName: the PostgreSQL name of every MySQL table and column.
#include "ddl/names.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace chameleon::ddl {
namespace {

const std::vector<config::Rename> kNone;

TEST(PgName, OrdinaryNamesAreKept) {
    EXPECT_EQ(PgColumnName("s", "t", "id", kNone), "id");
    EXPECT_EQ(PgColumnName("s", "t", "XMIN", kNone), "XMIN"); // quoted: not the system column
    EXPECT_EQ(PgColumnName("s", "t", "xmin2", kNone), "xmin2");
    EXPECT_EQ(PgTableName("s", "xmin", kNone), "xmin"); // a table may be called xmin
    EXPECT_EQ(PgTableName("s", std::string(63, 'a'), kNone), std::string(63, 'a'));
    PgNameResult r = PgName(NameKind::kColumn, "s", "t", "id", kNone);
    EXPECT_EQ(r.reason, RenameReason::kNone);
    EXPECT_STREQ(RenameReasonText(r.reason), "");
}

TEST(PgName, SystemColumnsTakeAnUnderscore) {
    for (const char *name : {"ctid", "xmin", "xmax", "cmin", "cmax", "tableoid"}) {
        PgNameResult r = PgName(NameKind::kColumn, "s", "t", name, kNone);
        EXPECT_EQ(r.name, std::string(name) + "_");
        EXPECT_EQ(r.reason, RenameReason::kSystemColumn);
        EXPECT_STREQ(RenameReasonText(r.reason), "system column");
    }
}

TEST(PgName, LongNamesAreCutWithAHash) {
    const std::string a64 = std::string(63, 'a') + "b";
    const std::string a64c = std::string(63, 'a') + "c";
    PgNameResult r = PgName(NameKind::kColumn, "s", "t", a64, kNone);
    EXPECT_EQ(r.reason, RenameReason::kTooLong);
    EXPECT_STREQ(RenameReasonText(r.reason), "too long");
    EXPECT_EQ(r.name.size(), 63u);
    EXPECT_EQ(r.name.substr(0, 54), std::string(54, 'a'));
    EXPECT_EQ(r.name[54], '_');
    // Deterministic, and distinct for names sharing their first 63 bytes.
    EXPECT_EQ(PgColumnName("s", "t", a64, kNone), r.name);
    EXPECT_NE(PgColumnName("s", "t", a64c, kNone), r.name);
    EXPECT_EQ(PgTableName("s", a64, kNone), r.name);
    // The hash is FNV-1a of the whole name: fixed across builds.
    EXPECT_EQ(PgTableName("s", std::string(64, 'x'), kNone), std::string(54, 'x') + "_d19b1ac5");
}

TEST(PgName, LongNamesAreCutOnACharacterBoundary) {
    std::string name;
    for (int i = 0; i < 30; ++i)
        name += "\xc3\xa9"; // é: 60 bytes
    name += "zzzz";         // 64 bytes
    std::string pg = PgColumnName("s", "t", name, kNone);
    EXPECT_LE(pg.size(), 63u);
    EXPECT_EQ(pg.substr(0, 54), name.substr(0, 54)); // 27 whole characters
    EXPECT_EQ(pg.size(), 63u);
    std::string odd = "x" + name; // 65 bytes: the cut falls inside an é
    std::string pg_odd = PgColumnName("s", "t", odd, kNone);
    EXPECT_EQ(pg_odd.size(), 62u);
    EXPECT_EQ(pg_odd.substr(0, 53), odd.substr(0, 53));
}

TEST(PgName, TheConfiguredNameWins) {
    std::vector<config::Rename> renames = {
        {"s", "t", "", "t_pg"},
        {"s", "t", "xmin", "xmin_mysql"},
        {"s", "t", "plain", "other"},
    };
    PgNameResult r = PgName(NameKind::kTable, "s", "t", "", renames);
    EXPECT_EQ(r.name, "t_pg");
    EXPECT_EQ(r.reason, RenameReason::kConfigured);
    EXPECT_STREQ(RenameReasonText(r.reason), "configured");
    EXPECT_EQ(PgColumnName("s", "t", "xmin", renames), "xmin_mysql");
    EXPECT_EQ(PgColumnName("s", "t", "plain", renames), "other");
    // Rules match exact MySQL names of the same schema and table only.
    EXPECT_EQ(PgColumnName("s", "u", "xmin", renames), "xmin_");
    EXPECT_EQ(PgColumnName("s2", "t", "plain", renames), "plain");
    EXPECT_EQ(PgTableName("s", "T", renames), "T");
    // A column rule does not rename the table, nor a table rule a column.
    EXPECT_EQ(PgColumnName("s", "t", "t", renames), "t");
}

TEST(PgName, SystemColumnNames) {
    EXPECT_TRUE(IsSystemColumnName("tableoid"));
    EXPECT_FALSE(IsSystemColumnName("oid")); // not a system column since PostgreSQL 12
    EXPECT_FALSE(IsSystemColumnName("Xmin"));
}

} // namespace
} // namespace chameleon::ddl
