// DDL tokenizer and parser: tokens, the AST of each statement form, refusals with their offsets,
// and robustness (every prefix of every corpus statement, deep nesting, long inputs).
#include "ddl_corpus.hpp"

#include "ddl/parser/lexer.hpp"
#include "ddl/parser/parser.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace chameleon::ddl::parser {
namespace {

template <typename T>
T Only(const std::vector<Statement> &statements) {
    EXPECT_EQ(statements.size(), 1u);
    EXPECT_FALSE(statements[0].refusal.has_value()) << statements[0].refusal->message;
    return std::get<T>(statements[0].body);
}

TEST(DdlParserLexer, CommentsAndVersionedComments) {
    LexResult r = Tokenize("a /* x */ b -- y\n c # z\n /*!50100 d */ /*M!100100 e*/ f--g");
    ASSERT_TRUE(r.ok);
    std::vector<std::string> words;
    for (const Token &t : r.tokens) {
        if (t.kind != TokenKind::kEnd)
            words.emplace_back(t.text);
    }
    // "--g" is not a comment (no blank after the dashes).
    EXPECT_EQ(words, (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "-", "-", "g"}));
}

TEST(DdlParserLexer, StringsIdentifiersAndLiterals) {
    LexResult r =
        Tokenize("'it''s\\n' \"dq\" `b``q` _utf8mb4'x' N'n' X'4142' 0x43 b'101' 0b11 1.5e3 .5 1abc");
    ASSERT_TRUE(r.ok);
    ASSERT_EQ(r.tokens.size(), 13u);
    EXPECT_EQ(r.tokens[0].kind, TokenKind::kString);
    EXPECT_EQ(r.tokens[0].value, "it's\n");
    EXPECT_EQ(r.tokens[1].kind, TokenKind::kDoubleQuoted);
    EXPECT_EQ(r.tokens[1].value, "dq");
    EXPECT_EQ(r.tokens[2].kind, TokenKind::kQuotedIdent);
    EXPECT_EQ(r.tokens[2].value, "b`q");
    EXPECT_EQ(r.tokens[3].charset, "utf8mb4");
    EXPECT_EQ(r.tokens[3].value, "x");
    EXPECT_EQ(r.tokens[4].charset, "utf8mb3");
    EXPECT_EQ(r.tokens[5].kind, TokenKind::kHex);
    EXPECT_EQ(r.tokens[5].value, "AB");
    EXPECT_EQ(r.tokens[6].value, "C");
    EXPECT_EQ(r.tokens[7].kind, TokenKind::kBits);
    EXPECT_EQ(r.tokens[7].value, "101");
    EXPECT_EQ(r.tokens[8].value, "11");
    EXPECT_EQ(r.tokens[9].kind, TokenKind::kNumber);
    EXPECT_EQ(r.tokens[10].kind, TokenKind::kNumber);
    EXPECT_EQ(r.tokens[11].kind, TokenKind::kWord);
    EXPECT_EQ(r.tokens[11].text, "1abc");
}

TEST(DdlParserLexer, SqlModes) {
    LexOptions ansi;
    ansi.ansi_quotes = true;
    LexResult r = Tokenize("\"a\"\"b\"", ansi);
    EXPECT_EQ(r.tokens[0].kind, TokenKind::kDoubleQuoted);
    EXPECT_EQ(r.tokens[0].value, "a\"b");
    LexOptions raw;
    raw.no_backslash_escapes = true;
    r = Tokenize("'a\\'", raw);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.tokens[0].value, "a\\");
}

TEST(DdlParserLexer, UnterminatedConstructsAreErrorsWithTheirOffset) {
    for (const auto &c :
         std::vector<std::pair<std::string, std::string>>{{"x 'abc", "unterminated string"},
                                                          {"x `abc", "unterminated quoted identifier"},
                                                          {"x /* abc", "unterminated comment"}}) {
        LexResult r = Tokenize(c.first);
        EXPECT_FALSE(r.ok) << c.first;
        EXPECT_EQ(r.error_offset, 2u) << c.first;
        EXPECT_EQ(r.error, c.second);
    }
}

TEST(DdlParserAst, CreateTableColumnsKeysAndOptions) {
    const CreateTable ct = Only<CreateTable>(
        Parse("CREATE TABLE IF NOT EXISTS `s`.`t` (id SERIAL, n national varchar(10) NOT NULL DEFAULT 'x' "
              "COMMENT 'c', d double precision, ts timestamp(3) DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE "
              "now(3), g int AS (id + 1) STORED INVISIBLE, e enum('a','b''c'), PRIMARY KEY (id), "
              "UNIQUE KEY u (n(4) DESC), CONSTRAINT f FOREIGN KEY (g) REFERENCES p (id) ON DELETE CASCADE, "
              "CHECK (id > 0)) ENGINE=InnoDB COMMENT='tc' PARTITION BY HASH (id)"));
    EXPECT_TRUE(ct.if_not_exists);
    EXPECT_EQ(ct.table.schema, "s");
    EXPECT_EQ(ct.table.name, "t");
    ASSERT_EQ(ct.columns.size(), 6u);
    EXPECT_EQ(ct.columns[0].type.name, "bigint");
    EXPECT_TRUE(ct.columns[0].type.is_unsigned);
    EXPECT_TRUE(ct.columns[0].auto_increment);
    EXPECT_TRUE(ct.columns[0].unique_key);
    EXPECT_EQ(ct.columns[1].type.name, "varchar");
    EXPECT_EQ(ct.columns[1].type.charset, "utf8mb3");
    EXPECT_EQ(ct.columns[1].nullable, std::optional<bool>(false));
    EXPECT_EQ(ct.columns[1].default_value->kind, DefaultValue::Kind::kString);
    EXPECT_EQ(ct.columns[1].comment, "c");
    EXPECT_EQ(ct.columns[2].type.name, "double");
    EXPECT_EQ(ct.columns[3].default_value->text, "current_timestamp(3)");
    EXPECT_EQ(ct.columns[3].on_update->text, "current_timestamp(3)");
    EXPECT_EQ(ct.columns[4].generated, "id + 1");
    EXPECT_TRUE(ct.columns[4].stored);
    EXPECT_TRUE(ct.columns[4].invisible);
    EXPECT_EQ(ct.columns[5].type.labels, (std::vector<std::string>{"a", "b'c"}));
    ASSERT_EQ(ct.keys.size(), 2u);
    EXPECT_EQ(ct.keys[0].kind, KeyKind::kPrimary);
    EXPECT_EQ(ct.keys[1].parts[0].length, std::optional<int64_t>(4));
    EXPECT_TRUE(ct.keys[1].parts[0].descending);
    ASSERT_EQ(ct.foreign_keys.size(), 1u);
    EXPECT_EQ(ct.foreign_keys[0].constraint, "f");
    EXPECT_EQ(ct.foreign_keys[0].on_delete, "CASCADE");
    ASSERT_EQ(ct.checks.size(), 1u);
    EXPECT_EQ(ct.checks[0].expression, "id > 0");
    EXPECT_EQ(ct.options.engine, std::optional<std::string>("InnoDB"));
    EXPECT_EQ(ct.options.comment, std::optional<std::string>("tc"));
    EXPECT_TRUE(ct.partitioned);
}

TEST(DdlParserAst, CreateTableLikeAndSelect) {
    EXPECT_EQ(Only<CreateTable>(Parse("CREATE TABLE a LIKE b.c")).like->schema, "b");
    EXPECT_TRUE(Only<CreateTable>(Parse("CREATE TABLE a AS SELECT 1")).as_select);
    EXPECT_TRUE(Only<CreateTable>(Parse("CREATE TABLE a (x int) SELECT 1")).as_select);
}

TEST(DdlParserAst, AlterTableClauses) {
    const AlterTable at = Only<AlterTable>(Parse(
        "ALTER TABLE t ADD COLUMN IF NOT EXISTS c int FIRST, DROP COLUMN d, CHANGE e f text AFTER c, "
        "MODIFY g int, RENAME COLUMN h TO i, ALTER j SET DEFAULT 1, ALTER k DROP DEFAULT, ADD INDEX (c), "
        "DROP INDEX x, DROP PRIMARY KEY, RENAME INDEX y TO z, ADD CONSTRAINT fk FOREIGN KEY (c) "
        "REFERENCES p (id), DROP FOREIGN KEY fk, ADD CHECK (c > 0), DROP CONSTRAINT q, "
        "CONVERT TO CHARACTER SET utf8, ENGINE=InnoDB, ALGORITHM=INPLACE, LOCK=NONE, RENAME TO u"));
    std::vector<AlterKind> kinds;
    for (const AlterSpec &s : at.specs)
        kinds.push_back(s.kind);
    EXPECT_EQ(kinds, (std::vector<AlterKind>{
                         AlterKind::kAddColumn,      AlterKind::kDropColumn,   AlterKind::kChangeColumn,
                         AlterKind::kModifyColumn,   AlterKind::kRenameColumn, AlterKind::kSetDefault,
                         AlterKind::kDropDefault,    AlterKind::kAddKey,       AlterKind::kDropKey,
                         AlterKind::kDropKey,        AlterKind::kRenameKey,    AlterKind::kAddForeignKey,
                         AlterKind::kDropForeignKey, AlterKind::kAddCheck,     AlterKind::kDropConstraint,
                         AlterKind::kConvertCharset, AlterKind::kTableOptions, AlterKind::kIgnored,
                         AlterKind::kIgnored,        AlterKind::kRenameTable}));
    EXPECT_TRUE(at.specs[0].first);
    EXPECT_TRUE(at.specs[0].if_exists);
    EXPECT_EQ(at.specs[2].name, "e");
    EXPECT_EQ(at.specs[2].column->name, "f");
    EXPECT_EQ(at.specs[2].after, "c");
    EXPECT_EQ(at.specs[9].name, "PRIMARY");
    EXPECT_EQ(at.specs[15].charset, "utf8mb3");
    EXPECT_EQ(at.specs[19].new_table->name, "u");
}

TEST(DdlParserAst, OtherStatements) {
    const DropTable dt = Only<DropTable>(Parse("DROP TABLE IF EXISTS a, b.c"));
    EXPECT_TRUE(dt.if_exists);
    ASSERT_EQ(dt.tables.size(), 2u);
    EXPECT_EQ(dt.tables[1].schema, "b");
    EXPECT_EQ(Only<TruncateTable>(Parse("TRUNCATE t")).table.name, "t");
    const RenameTable rt = Only<RenameTable>(Parse("RENAME TABLE a TO b, c.d TO e.f"));
    ASSERT_EQ(rt.renames.size(), 2u);
    EXPECT_EQ(rt.renames[1].second.schema, "e");
    const CreateIndex ci = Only<CreateIndex>(Parse("CREATE UNIQUE INDEX i ON t (a, b(3))"));
    EXPECT_EQ(ci.key.kind, KeyKind::kUnique);
    EXPECT_EQ(ci.key.parts.size(), 2u);
    EXPECT_EQ(Only<DropIndex>(Parse("DROP INDEX i ON s.t")).table.schema, "s");
    EXPECT_EQ(Only<Ignored>(Parse("GRANT ALL ON *.* TO x")).what, "GRANT");
    EXPECT_EQ(Only<Ignored>(Parse("CREATE DEFINER=`a`@`b` TRIGGER x BEFORE INSERT ON t FOR EACH ROW BEGIN "
                                  "SET @a = 1; SET @b = 2; END"))
                  .what,
              "CREATE TRIGGER");
}

TEST(DdlParserAst, SeveralStatementsKeepTheirRanges) {
    std::vector<Statement> st = Parse("DROP TABLE a; ;  TRUNCATE b ;GRANT x");
    ASSERT_EQ(st.size(), 3u);
    EXPECT_EQ(st[0].begin, 0u);
    EXPECT_EQ(st[0].end, 12u);
    EXPECT_EQ(st[1].begin, 17u);
    EXPECT_EQ(st[2].begin, 29u);
}

TEST(DdlParserRefusal, NamesTheConstructAndItsOffset) {
    std::vector<Statement> st = Parse("CREATE TABLE t (a int, b int FROB)");
    ASSERT_EQ(st.size(), 1u);
    ASSERT_TRUE(st[0].refusal.has_value());
    EXPECT_EQ(st[0].refusal->offset, 29u);
    EXPECT_EQ(st[0].refusal->message, "unknown column attribute 'FROB' of column b");
}

TEST(DdlParserRobustness, DeepNestingNeitherRecursesNorFails) {
    std::string sql = "CREATE TABLE t (a int DEFAULT ";
    sql += std::string(200000, '(') + "1" + std::string(200000, ')') + ")";
    const CreateTable ct = Only<CreateTable>(Parse(sql));
    EXPECT_EQ(ct.columns[0].default_value->kind, DefaultValue::Kind::kExpression);
    std::string open = "ALTER TABLE t ADD CHECK " + std::string(100000, '(');
    std::vector<Statement> st = Parse(open);
    ASSERT_EQ(st.size(), 1u);
    EXPECT_TRUE(st[0].refusal.has_value());
}

TEST(DdlParserRobustness, LongInputsParseInLinearTime) {
    std::string sql = "CREATE TABLE t (";
    for (int i = 0; i < 20000; ++i)
        sql += (i ? ", c" : "c") + std::to_string(i) + " varchar(10) NOT NULL DEFAULT 'x' COMMENT 'y'";
    sql += ")";
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(Only<CreateTable>(Parse(sql)).columns.size(), 20000u);
    std::string many;
    for (int i = 0; i < 20000; ++i)
        many += "DROP TABLE t" + std::to_string(i) + ";";
    EXPECT_EQ(Parse(many).size(), 20000u);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 5.0);
}

// Every prefix of every corpus statement (and each with a byte flipped) parses without a crash,
// and a refusal always points into the text.
TEST(DdlParserRobustness, EveryPrefixOfTheCorpus) {
    size_t statements = 0;
    for (const std::string &path : ddl_corpus::CorpusFiles(ddl_corpus::CorpusDir())) {
        for (const ddl_corpus::Case &c : ddl_corpus::ReadFile(path).cases) {
            ++statements;
            for (size_t n = 0; n <= c.sql.size(); ++n) {
                std::string text = c.sql.substr(0, n);
                for (int variant = 0; variant < 2; ++variant) {
                    if (variant == 1 && n > 0)
                        text[n - 1] = static_cast<char>(text[n - 1] ^ 0x25);
                    for (const Statement &st : Parse(text)) {
                        if (st.refusal.has_value()) {
                            ASSERT_LE(st.refusal->offset, text.size()) << text;
                        }
                        ASSERT_LE(st.begin, st.end) << text;
                        ASSERT_LE(st.end, text.size()) << text;
                    }
                }
            }
        }
    }
    EXPECT_GE(statements, 400u);
}

} // namespace
} // namespace chameleon::ddl::parser
