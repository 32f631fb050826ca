// Unit tests of config::PlanTakeover: which 1.x sources the 1.7 -> 2.0 migration takes over, leaves
// behind on purpose, or refuses to lose, with the exact messages.
#include "config/upgrade_takeover.hpp"

#include "common/error.hpp"
#include "config/config.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

namespace cfg = chameleon::config;

const std::vector<cfg::OldSource> kOld = {
    {"shop", "shop", "shop_pg"},
    {"hr", "hr", "hr_pg"},
    {"legacy", "crm", "crm_pg"},
};

cfg::Configuration Config(const std::string &source_keys) {
    return cfg::ParseConfiguration("sources:\n"
                                   "  mysql:\n"
                                   "    type: mysql\n"
                                   "    db_conn: {user: repl}\n" +
                                       source_keys,
                                   "upgrade", "/x/upgrade.yml");
}

chameleon::Error ErrorOf(const cfg::Configuration &configuration) {
    try {
        cfg::PlanTakeover(configuration, kOld);
    } catch (const chameleon::Error &e) {
        return e;
    }
    ADD_FAILURE() << "no chameleon::Error was thrown";
    return chameleon::Error("(no error)");
}

TEST(UpgradeTakeover, EverySourceMappedLeavesNone) {
    cfg::Configuration c = Config("    schema_mappings: {shop: shop_pg, hr: hr_pg, crm: crm_pg}\n");
    EXPECT_TRUE(cfg::PlanTakeover(c, kOld).empty());
}

TEST(UpgradeTakeover, ListedSourcesAreLeftBehind) {
    cfg::Configuration c = Config("    schema_mappings: {hr: hr_pg, shop: shop_pg}\n"
                                  "    upgrade_leave_sources: [legacy]\n");
    std::vector<cfg::LeftSource> left = cfg::PlanTakeover(c, kOld);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].source.name, "legacy");
    EXPECT_EQ(left[0].source.schema, "crm");
    EXPECT_EQ(left[0].listed_by, "mysql");
}

TEST(UpgradeTakeover, MissingAndDifferentSourcesAreAllNamed) {
    chameleon::Error e = ErrorOf(Config("    schema_mappings: {shop: shop_pg, hr: hr_new, other: crm_pg}\n"));
    EXPECT_STREQ(e.SqlState(), "22023");
    EXPECT_EQ(
        std::string(e.what()),
        "1.7 sources missing from the schema_mappings of configuration \"upgrade\": \"hr\" (hr -> hr_pg, "
        "configured as hr -> hr_new), \"legacy\" (crm -> crm_pg, configured as other -> crm_pg)");
    EXPECT_EQ(e.Detail(),
              "Every 1.7 source is either migrated or listed in upgrade_leave_sources. Configured "
              "mappings: shop -> shop_pg, hr -> hr_new, other -> crm_pg.");
    EXPECT_EQ(e.Hint(),
              "Add the my_database: destination schema pair of each to schema_mappings, as in its 1.x "
              "configuration file. To leave a 1.x source behind on purpose (it replicated another MySQL "
              "server), list it in upgrade_leave_sources of the 2.x source: it stays in "
              "_sch_chameleon_version1.");
    e = ErrorOf(Config("    schema_mappings: {shop: shop_pg}\n"));
    EXPECT_EQ(
        std::string(e.what()),
        "1.7 sources missing from the schema_mappings of configuration \"upgrade\": \"hr\" (hr -> hr_pg, not "
        "configured), \"legacy\" (crm -> crm_pg, not configured)");
}

TEST(UpgradeTakeover, UnknownNamesInTheLeaveListAreRefused) {
    chameleon::Error e = ErrorOf(Config("    schema_mappings: {shop: shop_pg, hr: hr_pg}\n"
                                        "    upgrade_leave_sources: [legacy, lgacy]\n"));
    EXPECT_STREQ(e.SqlState(), "22023");
    EXPECT_EQ(std::string(e.what()),
              "upgrade_leave_sources of source \"mysql\" lists \"lgacy\", which is not a 1.7 source");
    EXPECT_EQ(e.Hint(), "List names of sch_chameleon.t_sources.t_source (1.7 sources: shop, hr, legacy).");
    e = ErrorOf(Config("    schema_mappings: {shop: shop_pg, hr: hr_pg}\n"
                       "    upgrade_leave_sources: [a, b]\n"));
    EXPECT_EQ(std::string(e.what()),
              "upgrade_leave_sources of source \"mysql\" lists \"a\", \"b\", which are not 1.7 sources");
}

TEST(UpgradeTakeover, MappedAndListedIsAContradiction) {
    chameleon::Error e = ErrorOf(Config("    schema_mappings: {shop: shop_pg, hr: hr_pg, crm: crm_pg}\n"
                                        "    upgrade_leave_sources: [hr]\n"));
    EXPECT_EQ(std::string(e.what()),
              "1.7 source \"hr\" (hr -> hr_pg) is both in the schema_mappings of source "
              "\"mysql\" and in upgrade_leave_sources of source \"mysql\"");
    EXPECT_EQ(e.Hint(), "A 1.x source is either migrated or left behind: remove it from one of the two.");
}

TEST(UpgradeTakeover, SeveralSourcesShareTheWork) {
    cfg::Configuration c = cfg::ParseConfiguration("sources:\n"
                                                   "  a:\n"
                                                   "    type: mysql\n"
                                                   "    db_conn: {user: repl}\n"
                                                   "    schema_mappings: {shop: shop_pg, hr: hr_pg}\n"
                                                   "  b:\n"
                                                   "    type: mysql\n"
                                                   "    db_conn: {user: repl, host: other}\n"
                                                   "    schema_mappings: {sales: sales_pg}\n"
                                                   "    upgrade_leave_sources: [legacy]\n",
                                                   "upgrade", "/x/upgrade.yml");
    std::vector<cfg::LeftSource> left = cfg::PlanTakeover(c, kOld);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].listed_by, "b");
}

} // namespace
