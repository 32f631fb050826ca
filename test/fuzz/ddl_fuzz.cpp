// libFuzzer target over the DDL tokenizer, parser and translator.
//
// Input: one mode byte, then statement text. Mode bits: 0x01 ANSI_QUOTES, 0x02
// NO_BACKSLASH_ESCAPES, 0x04 MySQL-style defaults. The text is parsed, and every statement is
// translated against a small registry (a table `t` of every common type in schema shop, mapped).
// Refusals are expected; anything else (crash, exception escaping, ASan/UBSan report, hang) is a bug.
#include "ddl/parser/parser.hpp"
#include "ddl/translate/translate.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace chameleon::ddl;

namespace {

const translate::Registry &SampleRegistry(bool mysql_style) {
    static translate::Registry registries[2];
    static bool ready[2] = {false, false};
    translate::Registry &r = registries[mysql_style ? 1 : 0];
    if (!ready[mysql_style ? 1 : 0]) {
        translate::Context ctx;
        ctx.current_schema = "shop";
        ctx.schema_mappings["shop"] = "pg_shop";
        ctx.types.default_style = mysql_style ? DefaultStyle::kMySql : DefaultStyle::kMariaDb;
        ctx.registry = &r;
        const char *setup =
            "CREATE TABLE t (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(20) NOT NULL "
            "DEFAULT 'x', status enum('new','paid') NOT NULL DEFAULT 'new', amount decimal(10,2), created "
            "datetime DEFAULT CURRENT_TIMESTAMP, flags set('a','b'), data blob, note text, b bit(3), "
            "KEY by_name (name(5)), UNIQUE KEY u (status, name), FULLTEXT KEY ft (note));"
            "CREATE TABLE u (k bigint unsigned NOT NULL AUTO_INCREMENT, v int, PRIMARY KEY (k))";
        for (const translate::Translation &t : translate::TranslateText(setup, ctx))
            r.Apply(t);
        ready[mysql_style ? 1 : 0] = true;
    }
    return r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 65536)
        return 0;
    const uint8_t mode = data[0];
    std::string_view text(reinterpret_cast<const char *>(data + 1), size - 1);
    parser::ParseOptions options;
    options.ansi_quotes = (mode & 0x01) != 0;
    options.no_backslash_escapes = (mode & 0x02) != 0;
    const bool mysql_style = (mode & 0x04) != 0;
    translate::Context ctx;
    ctx.current_schema = "shop";
    ctx.schema_mappings["shop"] = "pg_shop";
    ctx.schema_mappings["other"] = "pg_other";
    ctx.types.default_style = mysql_style ? DefaultStyle::kMySql : DefaultStyle::kMariaDb;
    ctx.registry = &SampleRegistry(mysql_style);
    std::vector<translate::Translation> out = translate::TranslateText(text, ctx, options);
    for (const translate::Translation &t : out) {
        if (t.outcome == translate::Outcome::kRefused && t.offset > text.size())
            __builtin_trap(); // a refusal points into the text
    }
    return 0;
}
