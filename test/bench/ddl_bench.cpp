// DDL parser benchmark (not a test): statements per second of the parser over the unit corpus
// (test/unit/data/ddl), next to the tokenizer alone and a plain byte scan of the same text (the
// limit: what touching every byte once costs), and the translator over the same statements.
//
//   ddl_bench [CORPUS_DIR] [--seconds S]
#include "../unit/ddl_corpus.hpp"

#include "ddl/parser/lexer.hpp"
#include "ddl/parser/parser.hpp"
#include "ddl/translate/translate.hpp"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace chameleon::ddl;

namespace {

template <typename F>
double Rate(const std::vector<std::string> &statements, double seconds, F &&work) {
    using Clock = std::chrono::steady_clock;
    size_t done = 0;
    const auto start = Clock::now();
    double elapsed = 0;
    while (elapsed < seconds) {
        for (const std::string &s : statements)
            work(s);
        done += statements.size();
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    return static_cast<double>(done) / elapsed;
}

volatile size_t sink;

} // namespace

int main(int argc, char **argv) {
    std::string dir = ddl_corpus::CorpusDir();
    double seconds = 2.0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
            seconds = std::atof(argv[++i]);
        else
            dir = argv[i];
    }
    std::vector<std::string> statements;
    std::vector<std::string> setup;
    size_t bytes = 0;
    for (const std::string &path : ddl_corpus::CorpusFiles(dir)) {
        ddl_corpus::File f = ddl_corpus::ReadFile(path);
        for (const ddl_corpus::Case &c : f.cases) {
            statements.push_back(c.sql);
            bytes += c.sql.size();
        }
    }
    if (statements.empty()) {
        std::fprintf(stderr, "no corpus in %s\n", dir.c_str());
        return 1;
    }
    std::printf("corpus: %zu statements, %zu bytes (%s)\n", statements.size(), bytes, dir.c_str());
    const double avg = static_cast<double>(bytes) / static_cast<double>(statements.size());

    const double scan = Rate(statements, seconds, [](const std::string &s) {
        size_t n = 0;
        for (char c : s)
            n += c == ';';
        sink = n;
    });
    const double lex =
        Rate(statements, seconds, [](const std::string &s) { sink = parser::Tokenize(s).tokens.size(); });
    const double parse =
        Rate(statements, seconds, [](const std::string &s) { sink = parser::Parse(s).size(); });

    translate::Registry registry;
    translate::Context ctx;
    ctx.current_schema = "shop";
    ctx.schema_mappings["shop"] = "pg_shop";
    ctx.registry = &registry;
    for (const translate::Translation &t : translate::TranslateText(
             "CREATE TABLE t (id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY, name varchar(20) NOT NULL "
             "DEFAULT 'x', status enum('new','paid') NOT NULL DEFAULT 'new', amount decimal(10,2), created "
             "datetime DEFAULT CURRENT_TIMESTAMP, note text, KEY by_name (name))",
             ctx))
        registry.Apply(t);
    const double translate = Rate(
        statements, seconds, [&](const std::string &s) { sink = translate::TranslateText(s, ctx).size(); });

    auto line = [&](const char *what, double rate) {
        std::printf("%-34s %12.0f statements/s  %8.1f MB/s\n", what, rate, rate * avg / 1e6);
    };
    line("byte scan of the same text (limit)", scan);
    line("tokenizer alone", lex);
    line("parser (tokenizer included)", parse);
    line("parse + translate", translate);
    return 0;
}
