#include "ddl/parser/parser.hpp"

#include <initializer_list>

namespace chameleon::ddl::parser {

namespace {

// Thrown inside the parser only; Parse turns it into a Refusal.
struct ParseFailure {
    size_t offset;
    std::string message;
};

std::string Lower(std::string_view text) {
    std::string out(text);
    for (char &c : out) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

std::string Upper(std::string_view text) {
    std::string out(text);
    for (char &c : out) {
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
    }
    return out;
}

// Words after which a CREATE or ALTER names the kind of object it makes.
bool IsObjectWord(std::string_view w) {
    for (const char *k : {"TABLE", "INDEX", "VIEW", "DATABASE", "SCHEMA", "USER", "ROLE", "SEQUENCE",
                          "SERVER", "TABLESPACE", "LOGFILE", "PROCEDURE", "FUNCTION", "TRIGGER", "EVENT",
                          "PACKAGE", "INSTANCE", "RESOURCE", "SYNONYM"}) {
        if (KeywordEquals(w, k))
            return true;
    }
    return false;
}

// Objects whose definition may hold semicolons: the statement runs to the end of the text.
bool IsCompoundObject(std::string_view w) {
    for (const char *k : {"PROCEDURE", "FUNCTION", "TRIGGER", "EVENT", "PACKAGE"}) {
        if (KeywordEquals(w, k))
            return true;
    }
    return false;
}

class Parser {
public:
    Parser(std::string_view text, const std::vector<Token> &tokens, size_t begin, size_t limit,
           const ParseOptions &options)
        : text_(text), tokens_(tokens), pos_(begin), limit_(limit), options_(options) {
        end_token_.kind = TokenKind::kEnd;
        end_token_.offset = limit < tokens.size() ? tokens[limit].offset : static_cast<uint32_t>(text.size());
    }

    StatementBody ParseStatement() {
        // MariaDB's SET STATEMENT var = value [, ...] FOR <statement>: the statement is what runs.
        while (Word("SET") && IsWord(Peek(1), "STATEMENT")) {
            int depth = 0;
            bool found = false;
            for (Advance(), Advance(); !AtEnd() && !found; Advance()) {
                const Token &t = Cur();
                if (t.kind == TokenKind::kSymbol && t.text == "(")
                    ++depth;
                else if (t.kind == TokenKind::kSymbol && t.text == ")")
                    --depth;
                else if (depth == 0 && IsWord(t, "FOR"))
                    found = true;
            }
            if (!found)
                Fail(Cur().offset, "SET STATEMENT without FOR");
        }
        if (AcceptWord("CREATE"))
            return Create();
        if (AcceptWord("ALTER"))
            return Alter();
        if (AcceptWord("DROP"))
            return Drop();
        if (AcceptWord("RENAME")) {
            if (AcceptWord("TABLE") || AcceptWord("TABLES"))
                return RenameTables();
            return IgnoreRest("RENAME " + Upper(Cur().text));
        }
        if (AcceptWord("TRUNCATE")) {
            AcceptWord("TABLE");
            TruncateTable t;
            t.table = QualifiedTable();
            WaitOption();
            ExpectEnd();
            return t;
        }
        const Token &first = Cur();
        if (first.kind == TokenKind::kWord) {
            static const char *const kIgnored[] = {
                "GRANT",    "REVOKE",  "SET",     "SAVEPOINT", "RELEASE",    "ROLLBACK", "COMMIT",   "BEGIN",
                "START",    "XA",      "ANALYZE", "OPTIMIZE",  "REPAIR",     "CHECK",    "CHECKSUM", "FLUSH",
                "RESET",    "PURGE",   "INSTALL", "UNINSTALL", "LOCK",       "UNLOCK",   "USE",      "KILL",
                "SHUTDOWN", "HANDLER", "PREPARE", "EXECUTE",   "DEALLOCATE", "SHOW",     "DESCRIBE", "DESC",
                "EXPLAIN",  "HELP",    "DO",      "CALL",      "BINLOG",     "SIGNAL",   "RESIGNAL", "GET",
                "CACHE",    "BACKUP",  "CHANGE",  "STOP",      "CLONE",      "IMPORT",   "SELECT",   "WITH",
                "VALUES",   "TABLE",   "RESTART", "DECLARE",   "IF",         "CASE",     "LOOP",     "REPEAT",
                "WHILE",    "LEAVE",   "ITERATE", "RETURN",    "CLOSE",      "OPEN",     "FETCH"};
            for (const char *k : kIgnored) {
                if (KeywordEquals(first.text, k))
                    return IgnoreRest(Upper(first.text));
            }
            for (const char *k : {"INSERT", "UPDATE", "DELETE", "REPLACE", "LOAD"}) {
                if (KeywordEquals(first.text, k)) {
                    Fail(first.offset, Upper(first.text) +
                                           " written as a statement (binlog_format is not ROW) cannot be "
                                           "replicated");
                }
            }
        }
        Fail(first.offset, "unknown statement " + Describe(first));
    }

private:
    // ---- tokens ----

    const Token &Cur() const { return pos_ < limit_ ? tokens_[pos_] : end_token_; }
    const Token &Peek(size_t ahead) const {
        return pos_ + ahead < limit_ ? tokens_[pos_ + ahead] : end_token_;
    }
    bool AtEnd() const { return pos_ >= limit_; }
    void Advance() {
        if (pos_ < limit_)
            ++pos_;
    }

    static bool IsWord(const Token &t, const char *keyword) {
        return t.kind == TokenKind::kWord && KeywordEquals(t.text, keyword);
    }
    bool Word(const char *keyword) const { return IsWord(Cur(), keyword); }
    bool AcceptWord(const char *keyword) {
        if (!Word(keyword))
            return false;
        Advance();
        return true;
    }
    bool AcceptWords(const char *a, const char *b) {
        if (IsWord(Cur(), a) && IsWord(Peek(1), b)) {
            pos_ += 2;
            return true;
        }
        return false;
    }
    void ExpectWord(const char *keyword) {
        if (!AcceptWord(keyword))
            Unexpected(keyword);
    }
    static bool IsSymbol(const Token &t, std::string_view symbol) {
        return t.kind == TokenKind::kSymbol && t.text == symbol;
    }
    bool Symbol(std::string_view symbol) const { return IsSymbol(Cur(), symbol); }
    bool AcceptSymbol(std::string_view symbol) {
        if (!Symbol(symbol))
            return false;
        Advance();
        return true;
    }
    void ExpectSymbol(std::string_view symbol) {
        if (!AcceptSymbol(symbol))
            Unexpected("'" + std::string(symbol) + "'");
    }
    void ExpectEnd() {
        if (!AtEnd())
            Unexpected("end of statement");
    }

    std::string Describe(const Token &t) const {
        if (t.kind == TokenKind::kEnd)
            return "end of statement";
        std::string_view shown = t.text.substr(0, 40);
        return "'" + std::string(shown) + (t.text.size() > 40 ? "...'" : "'");
    }

    [[noreturn]] void Fail(size_t offset, std::string message) const {
        throw ParseFailure{offset, std::move(message)};
    }
    [[noreturn]] void Unexpected(const std::string &expected) const {
        Fail(Cur().offset, "expected " + expected + ", found " + Describe(Cur()));
    }

    bool IsIdentifier(const Token &t) const {
        return t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdent ||
               (t.kind == TokenKind::kDoubleQuoted && options_.ansi_quotes);
    }

    std::string Identifier(const char *what) {
        const Token &t = Cur();
        if (!IsIdentifier(t))
            Unexpected(what);
        std::string name = t.kind == TokenKind::kWord ? std::string(t.text) : t.value;
        Advance();
        return name;
    }

    bool IsStringToken(const Token &t) const {
        return t.kind == TokenKind::kString || (t.kind == TokenKind::kDoubleQuoted && !options_.ansi_quotes);
    }

    // A string literal; adjacent literals concatenate ('a' 'b' is 'ab').
    std::string StringLiteral(const char *what) {
        if (!IsStringToken(Cur()))
            Unexpected(what);
        std::string value;
        while (IsStringToken(Cur())) {
            value += Cur().value;
            Advance();
        }
        return value;
    }

    // An identifier or a string (character set names, engine names, COMMENT-like option values).
    std::string NameOrString(const char *what) {
        if (IsStringToken(Cur()))
            return StringLiteral(what);
        return Identifier(what);
    }

    TableName QualifiedTable() {
        TableName t;
        t.name = Identifier("a table name");
        if (AcceptSymbol(".")) {
            t.schema = std::move(t.name);
            t.name = Identifier("a table name");
        }
        return t;
    }

    std::vector<std::string> IdentifierList(const char *what) {
        std::vector<std::string> names;
        ExpectSymbol("(");
        do {
            names.push_back(Identifier(what));
        } while (AcceptSymbol(","));
        ExpectSymbol(")");
        return names;
    }

    // After '(' was seen at the current token: skips to the matching ')' and returns the text
    // between the parentheses. Iterative, so nesting depth costs no stack.
    std::string ParenthesizedText() {
        const Token &open = Cur();
        ExpectSymbol("(");
        size_t depth = 1;
        const size_t inner_begin = open.offset + open.length;
        while (!AtEnd()) {
            const Token &t = Cur();
            if (IsSymbol(t, "("))
                ++depth;
            else if (IsSymbol(t, ")") && --depth == 0) {
                std::string inner(text_.substr(inner_begin, t.offset - inner_begin));
                Advance();
                return Trim(inner);
            }
            Advance();
        }
        Fail(open.offset, "unbalanced parenthesis");
    }

    static std::string Trim(const std::string &s) {
        size_t b = s.find_first_not_of(" \t\r\n");
        if (b == std::string::npos)
            return "";
        size_t e = s.find_last_not_of(" \t\r\n");
        return s.substr(b, e - b + 1);
    }

    // Skips tokens to the end of the statement.
    void SkipRest() { pos_ = limit_; }

    Ignored IgnoreRest(std::string what) {
        SkipRest();
        return Ignored{std::move(what)};
    }

    int64_t Integer(const char *what) {
        const Token &t = Cur();
        if (t.kind != TokenKind::kNumber ||
            t.text.find_first_not_of("0123456789") != std::string_view::npos || t.text.size() > 18)
            Unexpected(what);
        int64_t n = 0;
        for (char c : t.text)
            n = n * 10 + (c - '0');
        Advance();
        return n;
    }

    void WaitOption() {
        if (AcceptWord("WAIT"))
            Integer("a number of seconds");
        else
            AcceptWord("NOWAIT");
    }

    // ---- CREATE ----

    // DEFINER = user, SQL SECURITY x, ALGORITHM = x: the prefixes of views and routines.
    void SkipDefinerPrefixes() {
        for (int guard = 0; guard < 8; ++guard) {
            if (AcceptWord("DEFINER")) {
                ExpectSymbol("=");
                if (AcceptWord("CURRENT_USER")) {
                    if (AcceptSymbol("("))
                        ExpectSymbol(")");
                } else {
                    NameOrString("a user name");
                    if (AcceptSymbol("@"))
                        NameOrString("a host name");
                    else if (Cur().kind == TokenKind::kSymbol && !Cur().text.empty() && Cur().text[0] == '@')
                        Advance();
                }
            } else if (AcceptWord("SQL")) {
                ExpectWord("SECURITY");
                Identifier("DEFINER or INVOKER");
            } else if (AcceptWord("ALGORITHM")) {
                ExpectSymbol("=");
                Identifier("a view algorithm");
            } else if (!AcceptWord("AGGREGATE") && !AcceptWord("NONEDITIONABLE") &&
                       !AcceptWord("EDITIONABLE")) {
                return;
            }
        }
    }

    StatementBody Create() {
        bool or_replace = AcceptWords("OR", "REPLACE");
        SkipDefinerPrefixes();
        if (AcceptWord("TEMPORARY")) {
            if (Word("TABLE"))
                return IgnoreRest("CREATE TEMPORARY TABLE");
            return IgnoreRest("CREATE TEMPORARY " + Upper(Cur().text));
        }
        if (AcceptWord("TABLE"))
            return CreateTableBody(or_replace);
        bool online = AcceptWord("ONLINE") || AcceptWord("OFFLINE");
        KeyKind kind = KeyKind::kIndex;
        bool key_word = false;
        if (AcceptWord("UNIQUE"))
            kind = KeyKind::kUnique, key_word = true;
        else if (AcceptWord("FULLTEXT"))
            kind = KeyKind::kFulltext, key_word = true;
        else if (AcceptWord("SPATIAL"))
            kind = KeyKind::kSpatial, key_word = true;
        if (key_word || online || Word("INDEX")) {
            ExpectWord("INDEX");
            return CreateIndexBody(kind, or_replace);
        }
        if (AcceptWord("DATABASE") || AcceptWord("SCHEMA"))
            return IgnoreRest("CREATE DATABASE");
        const Token &what = Cur();
        if (what.kind == TokenKind::kWord && IsObjectWord(what.text))
            return IgnoreRest("CREATE " + Upper(what.text));
        Unexpected("TABLE, INDEX or another object kind after CREATE");
    }

    void IfNotExists(bool &flag) {
        if (Word("IF") && IsWord(Peek(1), "NOT") && IsWord(Peek(2), "EXISTS")) {
            pos_ += 3;
            flag = true;
        }
    }

    void IfExists(bool &flag) {
        if (Word("IF") && IsWord(Peek(1), "EXISTS")) {
            pos_ += 2;
            flag = true;
        }
    }

    StatementBody CreateTableBody(bool or_replace) {
        const size_t ct_offset = Cur().offset;
        CreateTable ct;
        ct.or_replace = or_replace;
        IfNotExists(ct.if_not_exists);
        ct.table = QualifiedTable();
        if (AcceptWord("LIKE")) {
            ct.like = QualifiedTable();
            ExpectEnd();
            return ct;
        }
        if (Symbol("(") && IsWord(Peek(1), "LIKE")) {
            pos_ += 2;
            ct.like = QualifiedTable();
            ExpectSymbol(")");
            ExpectEnd();
            return ct;
        }
        if (Symbol("(") && !IsSelectStart(Peek(1))) {
            Advance();
            do {
                TableElement(ct);
            } while (AcceptSymbol(","));
            ExpectSymbol(")");
        }
        TableOptionList(ct.options, false);
        if (AcceptWord("PARTITION")) {
            ct.partitioned = true;
            SkipPartitioning();
        }
        AcceptWord("IGNORE") || AcceptWord("REPLACE");
        AcceptWord("AS");
        size_t k = 0;
        while (IsSymbol(Peek(k), "("))
            ++k;
        if (IsSelectStart(Peek(k)) && !IsSymbol(Peek(k), "(")) {
            ct.as_select = true;
            SkipRest();
        }
        ExpectEnd();
        if (ct.columns.empty() && !ct.as_select)
            Fail(ct_offset, "CREATE TABLE needs at least one column");
        return ct;
    }

    static bool IsSelectStart(const Token &t) {
        return IsWord(t, "SELECT") || IsWord(t, "WITH") || IsWord(t, "VALUES") || IsWord(t, "TABLE") ||
               IsSymbol(t, "(");
    }

    // PARTITION BY ... up to the end, or to a CREATE ... SELECT.
    void SkipPartitioning() {
        size_t depth = 0;
        while (!AtEnd()) {
            const Token &t = Cur();
            if (IsSymbol(t, "("))
                ++depth;
            else if (IsSymbol(t, ")") && depth > 0)
                --depth;
            else if (depth == 0 &&
                     (IsWord(t, "SELECT") || IsWord(t, "AS") || IsWord(t, "IGNORE") || IsWord(t, "REPLACE")))
                return;
            Advance();
        }
    }

    void TableElement(CreateTable &ct) {
        const size_t offset = Cur().offset;
        std::string constraint;
        bool has_constraint = false;
        if (AcceptWord("CONSTRAINT")) {
            has_constraint = true;
            if (!Word("PRIMARY") && !Word("UNIQUE") && !Word("FOREIGN") && !Word("CHECK"))
                constraint = Identifier("a constraint name");
        }
        if (Word("PRIMARY") || Word("UNIQUE") || Word("INDEX") || Word("KEY") || Word("FULLTEXT") ||
            Word("SPATIAL")) {
            if (has_constraint && (Word("INDEX") || Word("KEY") || Word("FULLTEXT") || Word("SPATIAL")))
                Unexpected("PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK after CONSTRAINT");
            KeyDef key = KeyDefinition();
            key.constraint = constraint;
            key.offset = offset;
            ct.keys.push_back(std::move(key));
            return;
        }
        if (AcceptWord("FOREIGN")) {
            ForeignKeyDef fk = ForeignKeyDefinition();
            fk.constraint = constraint;
            fk.offset = offset;
            ct.foreign_keys.push_back(std::move(fk));
            return;
        }
        if (Word("CHECK")) {
            CheckDef check = CheckDefinition();
            check.name = constraint;
            ct.checks.push_back(std::move(check));
            return;
        }
        if (has_constraint)
            Unexpected("PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK after CONSTRAINT");
        if (Word("PERIOD") && IsWord(Peek(1), "FOR")) {
            pos_ += 2;
            std::string name = Identifier("a period name");
            ParenthesizedText();
            ct.periods.push_back(std::move(name));
            return;
        }
        ct.columns.push_back(ColumnDefinition());
    }

    // CHECK (expr) [[NOT] ENFORCED]
    CheckDef CheckDefinition() {
        ExpectWord("CHECK");
        CheckDef check;
        check.expression = ParenthesizedText();
        AcceptWord("NOT");
        AcceptWord("ENFORCED");
        return check;
    }

    // {PRIMARY KEY | UNIQUE [INDEX|KEY] | INDEX | KEY | FULLTEXT [INDEX|KEY] | SPATIAL [INDEX|KEY]}
    // [IF NOT EXISTS] [name] [USING type] (parts) [options]
    KeyDef KeyDefinition() {
        KeyDef key;
        if (AcceptWord("PRIMARY")) {
            ExpectWord("KEY");
            key.kind = KeyKind::kPrimary;
        } else if (AcceptWord("UNIQUE")) {
            key.kind = KeyKind::kUnique;
            AcceptWord("INDEX") || AcceptWord("KEY");
        } else if (AcceptWord("FULLTEXT")) {
            key.kind = KeyKind::kFulltext;
            AcceptWord("INDEX") || AcceptWord("KEY");
        } else if (AcceptWord("SPATIAL")) {
            key.kind = KeyKind::kSpatial;
            AcceptWord("INDEX") || AcceptWord("KEY");
        } else {
            if (!AcceptWord("INDEX"))
                ExpectWord("KEY");
        }
        IfNotExists(key.if_not_exists);
        if (!Symbol("(") && !Word("USING"))
            key.name = Identifier("an index name");
        KeyTail(key);
        return key;
    }

    // [USING type] (parts) [options]
    void KeyTail(KeyDef &key) {
        if (AcceptWord("USING"))
            key.using_type = Upper(Identifier("BTREE, HASH or RTREE"));
        ExpectSymbol("(");
        do {
            key.parts.push_back(KeyPartDefinition());
        } while (AcceptSymbol(","));
        ExpectSymbol(")");
        IndexOptions(key);
    }

    KeyPart KeyPartDefinition() {
        KeyPart part;
        if (Symbol("(")) {
            part.expression = ParenthesizedText();
        } else {
            part.column = Identifier("a column name");
            if (AcceptSymbol("(")) {
                part.length = Integer("a prefix length");
                ExpectSymbol(")");
            }
        }
        if (AcceptWord("DESC"))
            part.descending = true;
        else
            AcceptWord("ASC");
        return part;
    }

    void IndexOptions(KeyDef &key) {
        while (true) {
            if (AcceptWord("USING")) {
                key.using_type = Upper(Identifier("BTREE, HASH or RTREE"));
            } else if (AcceptWord("KEY_BLOCK_SIZE")) {
                AcceptSymbol("=");
                Integer("a block size");
            } else if (AcceptWord("COMMENT")) {
                key.comment = StringLiteral("a comment");
            } else if (AcceptWord("WITH")) {
                ExpectWord("PARSER");
                Identifier("a parser name");
            } else if (AcceptWord("VISIBLE") || AcceptWord("INVISIBLE") || AcceptWord("IGNORED") ||
                       AcceptWords("NOT", "IGNORED")) {
            } else if (AcceptWord("ENGINE_ATTRIBUTE") || AcceptWord("SECONDARY_ENGINE_ATTRIBUTE")) {
                AcceptSymbol("=");
                StringLiteral("an attribute string");
            } else if (AcceptWord("CLUSTERING")) {
                AcceptSymbol("=");
                Identifier("YES or NO");
            } else {
                return;
            }
        }
    }

    // FOREIGN KEY [IF NOT EXISTS] [name] (cols) REFERENCES t [(cols)] [MATCH x] [ON DELETE a] [ON UPDATE a]
    ForeignKeyDef ForeignKeyDefinition() {
        ForeignKeyDef fk;
        ExpectWord("KEY");
        IfNotExists(fk.if_not_exists);
        if (!Symbol("("))
            fk.index_name = Identifier("a foreign key name");
        fk.columns = IdentifierList("a column name");
        References(fk);
        return fk;
    }

    void References(ForeignKeyDef &fk) {
        ExpectWord("REFERENCES");
        fk.referenced = QualifiedTable();
        if (Symbol("("))
            fk.referenced_columns = IdentifierList("a column name");
        while (true) {
            if (AcceptWord("MATCH")) {
                if (!AcceptWord("FULL") && !AcceptWord("PARTIAL"))
                    ExpectWord("SIMPLE");
            } else if (AcceptWord("ON")) {
                bool on_delete = AcceptWord("DELETE");
                if (!on_delete)
                    ExpectWord("UPDATE");
                std::string action;
                if (AcceptWord("RESTRICT"))
                    action = "RESTRICT";
                else if (AcceptWord("CASCADE"))
                    action = "CASCADE";
                else if (AcceptWords("SET", "NULL"))
                    action = "SET NULL";
                else if (AcceptWords("SET", "DEFAULT"))
                    action = "SET DEFAULT";
                else if (AcceptWords("NO", "ACTION"))
                    action = "NO ACTION";
                else
                    Unexpected("a referential action");
                (on_delete ? fk.on_delete : fk.on_update) = action;
            } else {
                return;
            }
        }
    }

    // ---- column definitions ----

    ColumnDef ColumnDefinition() {
        ColumnDef col;
        col.offset = Cur().offset;
        col.name = Identifier("a column name");
        col.type = DataTypeDefinition();
        ColumnAttributes(col);
        if (col.type.serial) {
            col.nullable = false;
            col.auto_increment = true;
            col.unique_key = true;
        }
        ApplyBinaryCharset(col.type);
        return col;
    }

    // CHAR ... CHARACTER SET binary is BINARY, VARCHAR VARBINARY, TEXT BLOB.
    static void ApplyBinaryCharset(DataType &type) {
        if (type.charset != "binary")
            return;
        const std::string &n = type.name;
        if (n == "char")
            type.name = "binary";
        else if (n == "varchar")
            type.name = "varbinary";
        else if (n == "tinytext" || n == "text" || n == "mediumtext" || n == "longtext")
            type.name = n.substr(0, n.size() - 4) + "blob";
        else
            return;
        type.charset.clear();
    }

    void Length(DataType &type, bool allow_scale) {
        if (!AcceptSymbol("("))
            return;
        type.length = Integer("a length");
        if (allow_scale && AcceptSymbol(","))
            type.scale = static_cast<int>(Integer("a scale"));
        ExpectSymbol(")");
    }

    void NumericModifiers(DataType &type) {
        while (true) {
            if (AcceptWord("UNSIGNED"))
                type.is_unsigned = true;
            else if (AcceptWord("SIGNED"))
                type.is_unsigned = false;
            else if (AcceptWord("ZEROFILL"))
                type.zerofill = type.is_unsigned = true;
            else
                return;
        }
    }

    // BINARY, ASCII, UNICODE, BYTE, CHARACTER SET x, CHARSET x, COLLATE x after a character type.
    void CharacterModifiers(DataType &type) {
        while (true) {
            if (AcceptWord("BINARY")) {
                type.binary = true;
            } else if (AcceptWord("ASCII")) {
                type.charset = "latin1";
            } else if (AcceptWord("UNICODE")) {
                type.charset = "ucs2";
            } else if (AcceptWord("BYTE")) {
                type.charset = "binary";
            } else if (CharsetClause(type.charset)) {
            } else if (AcceptWord("COLLATE")) {
                type.collation = Lower(NameOrString("a collation name"));
            } else {
                return;
            }
        }
    }

    // CHARACTER SET x / CHARSET x / CHAR SET x
    bool CharsetClause(std::string &charset) {
        if (AcceptWords("CHARACTER", "SET") || AcceptWords("CHAR", "SET") || AcceptWord("CHARSET")) {
            AcceptSymbol("=");
            charset = Lower(NameOrString("a character set name"));
            if (charset == "utf8")
                charset = "utf8mb3";
            return true;
        }
        return false;
    }

    DataType DataTypeDefinition() {
        DataType type;
        const Token &t = Cur();
        if (t.kind != TokenKind::kWord)
            Unexpected("a data type");
        const std::string w = Lower(t.text);
        Advance();
        auto character = [&](const char *name, const char *charset) {
            type.name = name;
            type.charset = charset;
            Length(type, false);
            CharacterModifiers(type);
        };
        if (w == "bit") {
            type.name = "bit";
            Length(type, false);
        } else if (w == "tinyint" || w == "int1" || w == "smallint" || w == "int2" || w == "mediumint" ||
                   w == "int3" || w == "middleint" || w == "int" || w == "integer" || w == "int4" ||
                   w == "bigint" || w == "int8") {
            if (w == "int1")
                type.name = "tinyint";
            else if (w == "int2")
                type.name = "smallint";
            else if (w == "int3" || w == "middleint")
                type.name = "mediumint";
            else if (w == "integer" || w == "int4")
                type.name = "int";
            else if (w == "int8")
                type.name = "bigint";
            else
                type.name = w;
            Length(type, false);
            NumericModifiers(type);
        } else if (w == "bool" || w == "boolean") {
            type.name = "tinyint";
            type.length = 1;
        } else if (w == "serial") {
            type.name = "bigint";
            type.is_unsigned = true;
            type.serial = true;
        } else if (w == "decimal" || w == "dec" || w == "numeric" || w == "fixed") {
            type.name = "decimal";
            Length(type, true);
            NumericModifiers(type);
        } else if (w == "float" || w == "float4") {
            type.name = "float";
            Length(type, true);
            if (type.length.has_value() && !type.scale.has_value()) {
                if (*type.length > 24)
                    type.name = "double";
                type.length.reset();
            }
            NumericModifiers(type);
        } else if (w == "double" || w == "float8" || w == "real") {
            if (w == "double")
                AcceptWord("PRECISION");
            type.name = (w == "real" && options_.real_as_float) ? "float" : "double";
            Length(type, true);
            NumericModifiers(type);
        } else if (w == "date" || w == "year") {
            type.name = w;
            Length(type, false);
            if (w == "date")
                type.length.reset();
        } else if (w == "time" || w == "datetime" || w == "timestamp") {
            type.name = w;
            Length(type, false);
        } else if (w == "char" || w == "character") {
            if (AcceptWord("VARYING")) {
                character("varchar", "");
            } else if (AcceptWord("BYTE")) {
                type.name = "binary";
                Length(type, false);
            } else {
                character("char", "");
            }
        } else if (w == "nchar") {
            if (AcceptWord("VARCHAR") || AcceptWord("VARYING"))
                character("varchar", "utf8mb3");
            else
                character("char", "utf8mb3");
        } else if (w == "national") {
            if (AcceptWord("VARCHAR")) {
                character("varchar", "utf8mb3");
            } else {
                if (!AcceptWord("CHAR"))
                    ExpectWord("CHARACTER");
                if (AcceptWord("VARYING"))
                    character("varchar", "utf8mb3");
                else
                    character("char", "utf8mb3");
            }
        } else if (w == "varchar" || w == "varcharacter") {
            character("varchar", "");
        } else if (w == "nvarchar") {
            character("varchar", "utf8mb3");
        } else if (w == "binary" || w == "varbinary") {
            type.name = w;
            Length(type, false);
        } else if (w == "tinyblob" || w == "mediumblob" || w == "longblob") {
            type.name = w;
        } else if (w == "blob") {
            type.name = "blob";
            Length(type, false);
            if (type.length.has_value())
                type.name = SizedLob(*type.length, "blob");
            type.length.reset();
        } else if (w == "tinytext" || w == "mediumtext" || w == "longtext") {
            character(w.c_str(), "");
        } else if (w == "text") {
            character("text", "");
            if (type.length.has_value())
                type.name = SizedLob(*type.length, "text");
            type.length.reset();
        } else if (w == "long") {
            if (AcceptWord("VARBINARY")) {
                type.name = "mediumblob";
            } else {
                AcceptWord("VARCHAR");
                character("mediumtext", "");
            }
        } else if (w == "enum" || w == "set") {
            type.name = w;
            ExpectSymbol("(");
            do {
                if (Cur().kind == TokenKind::kHex) {
                    // ENUM(0x61, X'62'): the label is the bytes.
                    type.labels.push_back(Cur().value);
                    Advance();
                } else {
                    type.labels.push_back(StringLiteral("a quoted label"));
                }
            } while (AcceptSymbol(","));
            ExpectSymbol(")");
            CharacterModifiers(type);
        } else if (w == "json") {
            type.name = "json";
            CharacterModifiers(type);
        } else if (w == "geometry" || w == "point" || w == "linestring" || w == "polygon" ||
                   w == "multipoint" || w == "multilinestring" || w == "multipolygon" ||
                   w == "geometrycollection" || w == "geomcollection") {
            type.name = w == "geomcollection" ? "geometrycollection" : w;
        } else if (w == "uuid" || w == "inet4" || w == "inet6") {
            type.name = w;
        } else if (w == "vector") {
            type.name = w;
            Length(type, false);
        } else {
            Fail(t.offset, "unknown data type " + Describe(t));
        }
        return type;
    }

    // TEXT(n) / BLOB(n): the smallest type that holds n bytes.
    static std::string SizedLob(int64_t n, const std::string &base) {
        if (n < 256)
            return "tiny" + base;
        if (n < 65536)
            return base;
        if (n < 16777216)
            return "medium" + base;
        return "long" + base;
    }

    static bool IsTimestampFunction(std::string_view w) {
        for (const char *k : {"CURRENT_TIMESTAMP", "NOW", "LOCALTIMESTAMP", "LOCALTIME"}) {
            if (KeywordEquals(w, k))
                return true;
        }
        return false;
    }

    // A literal or expression after DEFAULT or ON UPDATE.
    DefaultValue DefaultDefinition() {
        DefaultValue v;
        const Token &t = Cur();
        if (AcceptWord("NULL")) {
            v.kind = DefaultValue::Kind::kNull;
            return v;
        }
        if (IsStringToken(t)) {
            v.kind = DefaultValue::Kind::kString;
            v.text = StringLiteral("a string");
            return v;
        }
        if (t.kind == TokenKind::kNumber) {
            v.kind = DefaultValue::Kind::kNumber;
            v.text = std::string(t.text);
            Advance();
            return v;
        }
        if ((IsSymbol(t, "-") || IsSymbol(t, "+")) && Peek(1).kind == TokenKind::kNumber) {
            v.kind = DefaultValue::Kind::kNumber;
            v.text = (IsSymbol(t, "-") ? "-" : "") + std::string(Peek(1).text);
            pos_ += 2;
            return v;
        }
        if (t.kind == TokenKind::kHex || t.kind == TokenKind::kBits) {
            v.kind = t.kind == TokenKind::kHex ? DefaultValue::Kind::kHex : DefaultValue::Kind::kBits;
            v.text = t.value;
            Advance();
            return v;
        }
        if (IsWord(t, "TRUE") || IsWord(t, "FALSE")) {
            v.kind = DefaultValue::Kind::kNumber;
            v.text = IsWord(t, "TRUE") ? "1" : "0";
            Advance();
            return v;
        }
        if ((IsWord(t, "DATE") || IsWord(t, "TIME") || IsWord(t, "TIMESTAMP")) && IsStringToken(Peek(1))) {
            Advance();
            v.kind = DefaultValue::Kind::kString;
            v.text = StringLiteral("a string");
            return v;
        }
        if (IsSymbol(t, "(")) {
            // A parenthesized literal is the literal ((1), ('a'), (-1)); anything else stays an
            // expression. No recursion: nesting depth costs no stack.
            const Token &a = Peek(1);
            const bool literal = a.kind == TokenKind::kNumber || a.kind == TokenKind::kString ||
                                 a.kind == TokenKind::kHex || a.kind == TokenKind::kBits ||
                                 IsWord(a, "NULL") || IsWord(a, "TRUE") || IsWord(a, "FALSE");
            const bool signed_number =
                (IsSymbol(a, "-") || IsSymbol(a, "+")) && Peek(2).kind == TokenKind::kNumber;
            if ((literal && IsSymbol(Peek(2), ")")) || (signed_number && IsSymbol(Peek(3), ")"))) {
                Advance();
                DefaultValue inner = DefaultDefinition();
                ExpectSymbol(")");
                return inner;
            }
            v.kind = DefaultValue::Kind::kExpression;
            v.text = ParenthesizedText();
            NormalizeTimestampExpression(v);
            return v;
        }
        if (IsWord(t, "NEXT") && IsWord(Peek(1), "VALUE") && IsWord(Peek(2), "FOR")) {
            pos_ += 3;
            v.kind = DefaultValue::Kind::kExpression;
            TableName seq = QualifiedTable();
            v.text = "nextval(" + (seq.schema.empty() ? "" : seq.schema + ".") + seq.name + ")";
            return v;
        }
        if (IsWord(t, "CASE")) {
            // CASE ... END (nested CASEs counted): an expression.
            const size_t begin = t.offset;
            size_t depth = 0;
            while (!AtEnd()) {
                if (IsWord(Cur(), "CASE"))
                    ++depth;
                else if (IsWord(Cur(), "END") && --depth == 0)
                    break;
                Advance();
            }
            if (AtEnd())
                Unexpected("END of CASE");
            const size_t end = Cur().offset + Cur().length;
            Advance();
            v.kind = DefaultValue::Kind::kExpression;
            v.text = std::string(text_.substr(begin, end - begin));
            return v;
        }
        if (t.kind == TokenKind::kWord) {
            v.kind = DefaultValue::Kind::kExpression;
            const size_t begin = t.offset;
            size_t end = t.offset + t.length;
            Advance();
            if (Symbol("(")) {
                const size_t close_pos = FindClosing();
                end = tokens_[close_pos].offset + 1;
                pos_ = close_pos + 1;
            }
            v.text = std::string(text_.substr(begin, end - begin));
            NormalizeTimestampExpression(v);
            return v;
        }
        if (IsSymbol(t, "@")) {
            // A variable (DEFAULT @@version, @@session.sql_mode): an expression.
            const size_t begin = t.offset;
            size_t end = begin;
            while (!AtEnd() && Cur().offset == end &&
                   (IsSymbol(Cur(), "@") || IsSymbol(Cur(), ".") || Cur().kind == TokenKind::kWord)) {
                end = Cur().offset + Cur().length;
                Advance();
            }
            v.kind = DefaultValue::Kind::kExpression;
            v.text = std::string(text_.substr(begin, end - begin));
            return v;
        }
        Unexpected("a default value");
    }

    // The index of the ')' matching the '(' at the current position (which is not consumed).
    size_t FindClosing() {
        size_t depth = 0;
        for (size_t k = pos_; k < limit_; ++k) {
            if (IsSymbol(tokens_[k], "("))
                ++depth;
            else if (IsSymbol(tokens_[k], ")") && --depth == 0)
                return k;
        }
        Fail(Cur().offset, "unbalanced parenthesis");
    }

    // CURRENT_TIMESTAMP, NOW(), LOCALTIME(3)... → current_timestamp() / current_timestamp(3).
    static void NormalizeTimestampExpression(DefaultValue &v) {
        std::string e;
        for (char c : v.text) {
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                e += c;
        }
        size_t paren = e.find('(');
        std::string name = e.substr(0, paren);
        if (!IsTimestampFunction(name))
            return;
        std::string args = paren == std::string::npos ? "()" : e.substr(paren);
        if (args.size() < 2 || args.back() != ')')
            return;
        std::string digits = args.substr(1, args.size() - 2);
        if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 2)
            return;
        v.text = "current_timestamp(" + (digits == "0" ? std::string() : digits) + ")";
    }

    // Column attributes up to ',' / ')' / FIRST / AFTER / end.
    void ColumnAttributes(ColumnDef &col) {
        while (true) {
            const Token &t = Cur();
            if (AcceptWords("NOT", "NULL")) {
                col.nullable = false;
            } else if (AcceptWord("NULL")) {
                col.nullable = true;
            } else if (AcceptWord("DEFAULT")) {
                col.default_value = DefaultDefinition();
            } else if (AcceptWord("AUTO_INCREMENT")) {
                col.auto_increment = true;
            } else if (AcceptWord("SERIAL")) {
                ExpectWord("DEFAULT");
                ExpectWord("VALUE");
                col.nullable = false;
                col.auto_increment = true;
                col.unique_key = true;
            } else if (AcceptWord("UNIQUE")) {
                AcceptWord("KEY");
                col.unique_key = true;
            } else if (AcceptWord("PRIMARY")) {
                ExpectWord("KEY");
                col.primary_key = true;
            } else if (AcceptWord("KEY")) {
                col.primary_key = true;
            } else if (AcceptWord("COMMENT")) {
                col.comment = StringLiteral("a comment");
            } else if (CharsetClause(col.type.charset)) {
            } else if (AcceptWord("COLLATE")) {
                col.type.collation = Lower(NameOrString("a collation name"));
            } else if (AcceptWord("BINARY")) {
                col.type.binary = true;
            } else if (AcceptWord("ON")) {
                ExpectWord("UPDATE");
                col.on_update = DefaultDefinition();
            } else if (AcceptWord("GENERATED")) {
                ExpectWord("ALWAYS");
                Generated(col);
            } else if (Word("AS") && (IsSymbol(Peek(1), "(") || IsWord(Peek(1), "ROW"))) {
                Generated(col);
            } else if (AcceptWord("INVISIBLE")) {
                col.invisible = true;
            } else if (AcceptWord("VISIBLE")) {
                col.invisible = false;
            } else if (AcceptWord("COLUMN_FORMAT")) {
                Identifier("FIXED, DYNAMIC or DEFAULT");
            } else if (AcceptWord("STORAGE")) {
                Identifier("DISK or MEMORY");
            } else if (AcceptWord("ENGINE_ATTRIBUTE") || AcceptWord("SECONDARY_ENGINE_ATTRIBUTE")) {
                AcceptSymbol("=");
                StringLiteral("an attribute string");
            } else if (AcceptWord("SRID") || AcceptWord("REF_SYSTEM_ID")) {
                AcceptSymbol("=");
                Integer("a spatial reference id");
            } else if (AcceptWord("COMPRESSED")) {
                if (AcceptSymbol("="))
                    Identifier("a compression method");
            } else if (AcceptWord("CONSTRAINT")) {
                if (!Word("CHECK") && !Word("REFERENCES"))
                    Identifier("a constraint name");
                if (Word("REFERENCES")) {
                    ForeignKeyDef ignored; // as the inline REFERENCES below
                    References(ignored);
                } else {
                    col.checks.push_back(CheckDefinition().expression);
                }
            } else if (Word("CHECK")) {
                col.checks.push_back(CheckDefinition().expression);
            } else if (Word("REFERENCES")) {
                ForeignKeyDef ignored; // inline REFERENCES: MySQL and MariaDB < 10.5 ignore it
                References(ignored);
            } else if (AcceptWords("WITH", "SYSTEM") || AcceptWords("WITHOUT", "SYSTEM")) {
                ExpectWord("VERSIONING");
            } else if (AcceptWords("NOT", "SECONDARY")) {
            } else if (t.kind == TokenKind::kWord && !Word("FIRST") && !Word("AFTER")) {
                Fail(t.offset, "unknown column attribute " + Describe(t) + " of column " + col.name);
            } else {
                return;
            }
        }
    }

    void Generated(ColumnDef &col) {
        ExpectWord("AS");
        if (Word("ROW"))
            Fail(Cur().offset, "AS ROW START / ROW END: system-versioned tables are not replicated");
        col.generated = ParenthesizedText();
        if (AcceptWord("STORED") || AcceptWord("PERSISTENT"))
            col.stored = true;
        else
            AcceptWord("VIRTUAL");
    }

    // ---- table options ----

    static bool IsTableOption(const Token &t) {
        static const char *const kOptions[] = {"ENGINE",
                                               "TYPE",
                                               "AUTO_INCREMENT",
                                               "AVG_ROW_LENGTH",
                                               "CHECKSUM",
                                               "TABLE_CHECKSUM",
                                               "COMPRESSION",
                                               "CONNECTION",
                                               "DATA",
                                               "INDEX",
                                               "DELAY_KEY_WRITE",
                                               "ENCRYPTION",
                                               "ENCRYPTED",
                                               "ENCRYPTION_KEY_ID",
                                               "IETF_QUOTES",
                                               "INSERT_METHOD",
                                               "KEY_BLOCK_SIZE",
                                               "MAX_ROWS",
                                               "MIN_ROWS",
                                               "PACK_KEYS",
                                               "PAGE_CHECKSUM",
                                               "PAGE_COMPRESSED",
                                               "PAGE_COMPRESSION_LEVEL",
                                               "PASSWORD",
                                               "ROW_FORMAT",
                                               "SEQUENCE",
                                               "STATS_AUTO_RECALC",
                                               "STATS_PERSISTENT",
                                               "STATS_SAMPLE_PAGES",
                                               "TABLESPACE",
                                               "TRANSACTIONAL",
                                               "UNION",
                                               "AUTOEXTEND_SIZE",
                                               "ENGINE_ATTRIBUTE",
                                               "SECONDARY_ENGINE",
                                               "SECONDARY_ENGINE_ATTRIBUTE",
                                               "STORAGE",
                                               "WITH_SYSTEM_VERSIONING"};
        if (t.kind != TokenKind::kWord)
            return false;
        for (const char *k : kOptions) {
            if (KeywordEquals(t.text, k))
                return true;
        }
        return false;
    }

    // Reads table options (separated by blanks or commas). In ALTER TABLE (`in_alter`) a comma ends
    // the list when the next clause is not an option.
    void TableOptionList(TableOptions &options, bool in_alter) {
        while (true) {
            const size_t save = pos_;
            if (!TableOption(options)) {
                pos_ = save;
                return;
            }
            if (Symbol(",")) {
                const size_t comma = pos_;
                Advance();
                if (!StartsTableOption()) {
                    pos_ = in_alter ? comma : pos_;
                    if (in_alter)
                        return;
                }
            }
        }
    }

    bool StartsTableOption() const {
        const Token &t = Cur();
        if (IsTableOption(t) && !(IsWord(t, "INDEX") && !IsWord(Peek(1), "DIRECTORY")) &&
            !(IsWord(t, "DATA") && !IsWord(Peek(1), "DIRECTORY")))
            return true;
        if (IsWord(t, "DEFAULT"))
            return IsWord(Peek(1), "CHARSET") || IsWord(Peek(1), "CHARACTER") || IsWord(Peek(1), "COLLATE") ||
                   IsWord(Peek(1), "CHAR");
        return IsWord(t, "CHARSET") || (IsWord(t, "CHARACTER") && IsWord(Peek(1), "SET")) ||
               (IsWord(t, "CHAR") && IsWord(Peek(1), "SET")) || IsWord(t, "COLLATE") ||
               IsWord(t, "COMMENT") || (IsWord(t, "WITH") && IsWord(Peek(1), "SYSTEM")) ||
               (IsWord(t, "START") && IsWord(Peek(1), "TRANSACTION"));
    }

    // One table option; false (position unspecified) when the current clause is not one.
    bool TableOption(TableOptions &options) {
        if (!StartsTableOption())
            return false;
        AcceptWord("DEFAULT");
        std::string charset;
        if (CharsetClause(charset)) {
            options.charset = charset;
            return true;
        }
        if (AcceptWord("COLLATE")) {
            AcceptSymbol("=");
            options.collation = Lower(NameOrString("a collation name"));
            return true;
        }
        if (AcceptWord("COMMENT")) {
            AcceptSymbol("=");
            options.comment = StringLiteral("a comment");
            return true;
        }
        if (AcceptWords("WITH", "SYSTEM")) {
            ExpectWord("VERSIONING");
            options.system_versioning = true;
            return true;
        }
        if (AcceptWords("START", "TRANSACTION"))
            return true; // MySQL 8 atomic CREATE ... SELECT
        const std::string name = Upper(Cur().text);
        Advance();
        if (name == "DATA" || name == "INDEX")
            ExpectWord("DIRECTORY");
        if (name == "STORAGE") {
            Identifier("DISK or MEMORY");
            return true;
        }
        AcceptSymbol("=");
        std::string value;
        const Token &v = Cur();
        if (name == "UNION" && Symbol("(")) {
            value = ParenthesizedText();
        } else if (IsStringToken(v)) {
            value = StringLiteral("a value");
        } else if (v.kind == TokenKind::kNumber || v.kind == TokenKind::kWord ||
                   v.kind == TokenKind::kQuotedIdent) {
            value = v.kind == TokenKind::kQuotedIdent ? v.value : std::string(v.text);
            Advance();
        } else {
            Unexpected("a value for table option " + name);
        }
        if (name == "TABLESPACE" && AcceptWord("STORAGE"))
            Identifier("DISK or MEMORY");
        if (name == "ENGINE" || name == "TYPE")
            options.engine = value;
        else
            options.others.emplace_back(name, value);
        return true;
    }

    // ---- CREATE INDEX / DROP INDEX ----

    StatementBody CreateIndexBody(KeyKind kind, bool or_replace) {
        CreateIndex ci;
        ci.or_replace = or_replace;
        ci.key.kind = kind;
        ci.key.offset = Cur().offset;
        IfNotExists(ci.key.if_not_exists);
        ci.key.name = Identifier("an index name");
        if (AcceptWord("USING"))
            ci.key.using_type = Upper(Identifier("BTREE, HASH or RTREE"));
        ExpectWord("ON");
        ci.table = QualifiedTable();
        KeyTail(ci.key);
        AlgorithmAndLock();
        ExpectEnd();
        return ci;
    }

    void AlgorithmAndLock() {
        while (AcceptWord("ALGORITHM") || AcceptWord("LOCK")) {
            AcceptSymbol("=");
            Identifier("an algorithm or lock type");
        }
        WaitOption();
    }

    // ---- DROP ----

    StatementBody Drop() {
        if (AcceptWord("TEMPORARY")) {
            if (Word("TABLE") || Word("TABLES"))
                return IgnoreRest("DROP TEMPORARY TABLE");
            return IgnoreRest("DROP TEMPORARY " + Upper(Cur().text));
        }
        if (AcceptWord("TABLE") || AcceptWord("TABLES")) {
            DropTable dt;
            IfExists(dt.if_exists);
            do {
                dt.tables.push_back(QualifiedTable());
            } while (AcceptSymbol(","));
            WaitOption();
            AcceptWord("RESTRICT") || AcceptWord("CASCADE");
            ExpectEnd();
            return dt;
        }
        if (AcceptWord("INDEX")) {
            DropIndex di;
            AcceptWord("ONLINE") || AcceptWord("OFFLINE");
            IfExists(di.if_exists);
            di.name = Identifier("an index name");
            ExpectWord("ON");
            di.table = QualifiedTable();
            AlgorithmAndLock();
            ExpectEnd();
            return di;
        }
        if (AcceptWord("DATABASE") || AcceptWord("SCHEMA")) {
            DropDatabase dd;
            IfExists(dd.if_exists);
            dd.name = Identifier("a database name");
            ExpectEnd();
            return dd;
        }
        const Token &what = Cur();
        if (what.kind == TokenKind::kWord &&
            (IsObjectWord(what.text) || KeywordEquals(what.text, "SPATIAL") ||
             KeywordEquals(what.text, "PREPARE")))
            return IgnoreRest("DROP " + Upper(what.text));
        Unexpected("TABLE, INDEX or another object kind after DROP");
    }

    // ---- RENAME TABLE ----

    StatementBody RenameTables() {
        RenameTable rt;
        bool if_exists = false;
        IfExists(if_exists);
        do {
            TableName from = QualifiedTable();
            WaitOption();
            ExpectWord("TO");
            TableName to = QualifiedTable();
            rt.renames.emplace_back(std::move(from), std::move(to));
        } while (AcceptSymbol(","));
        ExpectEnd();
        return rt;
    }

    // ---- ALTER ----

    StatementBody Alter() {
        const size_t save = pos_;
        AcceptWord("ONLINE") || AcceptWord("OFFLINE");
        AcceptWord("IGNORE");
        if (AcceptWord("TABLE"))
            return AlterTableBody();
        pos_ = save;
        SkipDefinerPrefixes();
        const Token &what = Cur();
        if (AcceptWord("DATABASE") || AcceptWord("SCHEMA"))
            return IgnoreRest("ALTER DATABASE");
        if (what.kind == TokenKind::kWord && IsObjectWord(what.text))
            return IgnoreRest("ALTER " + Upper(what.text));
        Unexpected("TABLE or another object kind after ALTER");
    }

    StatementBody AlterTableBody() {
        AlterTable at;
        IfExists(at.if_exists);
        at.table = QualifiedTable();
        WaitOption();
        if (AtEnd())
            return at;
        do {
            AlterSpecification(at);
        } while (AcceptSymbol(","));
        if (AcceptWord("PARTITION")) {
            AlterSpec s;
            s.kind = AlterKind::kIgnored;
            s.what = "PARTITION BY";
            SkipRest();
            at.specs.push_back(std::move(s));
        }
        ExpectEnd();
        return at;
    }

    void ColumnPosition(AlterSpec &s) {
        if (AcceptWord("FIRST"))
            s.first = true;
        else if (AcceptWord("AFTER"))
            s.after = Identifier("a column name");
    }

    AlterSpec Ignore(const std::string &what, size_t offset) {
        AlterSpec s;
        s.kind = AlterKind::kIgnored;
        s.what = what;
        s.offset = offset;
        return s;
    }

    // A partition maintenance clause (ADD/DROP/... PARTITION names or definitions) takes no other
    // clause beside it: it runs to the end of the statement (its name lists hold commas).
    void SkipPartitionClause() { SkipRest(); }

    // Skips a clause (ORDER BY list): up to a top-level ',' or the end.
    void SkipClause() {
        size_t depth = 0;
        while (!AtEnd()) {
            if (Symbol("("))
                ++depth;
            else if (Symbol(")") && depth > 0)
                --depth;
            else if (Symbol(",") && depth == 0)
                return;
            Advance();
        }
    }

    void AlterSpecification(AlterTable &at) {
        const size_t offset = Cur().offset;
        auto push = [&](AlterSpec s) {
            s.offset = offset;
            at.specs.push_back(std::move(s));
        };
        // Partition maintenance.
        for (const char *p : {"ANALYZE", "CHECK", "OPTIMIZE", "REBUILD", "REPAIR", "COALESCE", "REORGANIZE",
                              "DISCARD", "IMPORT"}) {
            if (Word(p) && (IsWord(Peek(1), "PARTITION") || (IsWord(Peek(1), "TABLESPACE")))) {
                AlterSpec s = Ignore(Upper(Cur().text) + " " + Upper(Peek(1).text), offset);
                if (KeywordEquals(Cur().text, "IMPORT"))
                    s.kind = AlterKind::kPartitionData; // the rows come from a file, not from events
                SkipPartitionClause();
                push(std::move(s));
                return;
            }
        }
        if (Word("CHECK") && !IsWord(Peek(1), "PARTITION")) {
            Fail(offset, "ALTER TABLE ... CHECK without ADD is not a clause");
        }
        if (AcceptWords("REMOVE", "PARTITIONING")) {
            push(Ignore("REMOVE PARTITIONING", offset));
            return;
        }
        if (AcceptWords("CONVERT", "TABLE") || AcceptWords("CONVERT", "PARTITION")) {
            // MariaDB 10.7+: CONVERT TABLE t TO PARTITION p ... / CONVERT PARTITION p TO TABLE t:
            // rows move between tables without row events.
            const std::string what = "CONVERT " + Upper(tokens_[pos_ - 1].text);
            SkipPartitionClause();
            AlterSpec s;
            s.kind = AlterKind::kPartitionData;
            s.what = what;
            push(std::move(s));
            return;
        }
        if (AcceptWords("TRUNCATE", "PARTITION") || AcceptWords("EXCHANGE", "PARTITION")) {
            const std::string what = Upper(tokens_[pos_ - 2].text) + " PARTITION";
            SkipPartitionClause();
            AlterSpec s;
            s.kind = AlterKind::kPartitionData;
            s.what = what;
            push(std::move(s));
            return;
        }
        if (Word("PARTITION") && IsWord(Peek(1), "BY")) {
            AlterSpec s = Ignore("PARTITION BY", offset);
            SkipRest();
            push(std::move(s));
            return;
        }
        if (AcceptWord("ADD")) {
            AlterAdd(at, offset);
            return;
        }
        if (AcceptWord("DROP")) {
            push(AlterDrop());
            return;
        }
        if (AcceptWord("CHANGE")) {
            AlterSpec s;
            s.kind = AlterKind::kChangeColumn;
            AcceptWord("COLUMN");
            IfExists(s.if_exists);
            s.name = Identifier("a column name");
            s.column = ColumnDefinition();
            ColumnPosition(s);
            push(std::move(s));
            return;
        }
        if (AcceptWord("MODIFY")) {
            AlterSpec s;
            s.kind = AlterKind::kModifyColumn;
            AcceptWord("COLUMN");
            IfExists(s.if_exists);
            s.column = ColumnDefinition();
            s.name = s.column->name;
            ColumnPosition(s);
            push(std::move(s));
            return;
        }
        if (AcceptWord("RENAME")) {
            push(AlterRename());
            return;
        }
        if (AcceptWord("ALTER")) {
            push(AlterAlter());
            return;
        }
        if (AcceptWord("CONVERT")) {
            ExpectWord("TO");
            AlterSpec s;
            s.kind = AlterKind::kConvertCharset;
            if (!CharsetClause(s.charset))
                Unexpected("CHARACTER SET");
            if (AcceptWord("COLLATE")) {
                AcceptSymbol("=");
                s.collation = Lower(NameOrString("a collation name"));
            }
            push(std::move(s));
            return;
        }
        if (AcceptWord("ALGORITHM") || AcceptWord("LOCK")) {
            const std::string what = Upper(tokens_[pos_ - 1].text);
            AcceptSymbol("=");
            Identifier("an algorithm or lock type");
            push(Ignore(what, offset));
            return;
        }
        if (AcceptWord("FORCE")) {
            push(Ignore("FORCE", offset));
            return;
        }
        if (AcceptWord("ENABLE") || AcceptWord("DISABLE")) {
            const std::string what = Upper(tokens_[pos_ - 1].text);
            ExpectWord("KEYS");
            push(Ignore(what + " KEYS", offset));
            return;
        }
        if (AcceptWords("ORDER", "BY")) {
            // ORDER BY col [ASC|DESC] [, col ...]: the last clause, its commas are its own.
            while (!AtEnd())
                Advance();
            push(Ignore("ORDER BY", offset));
            return;
        }
        if (AcceptWord("WITH") || AcceptWord("WITHOUT")) {
            const std::string what = Upper(tokens_[pos_ - 1].text);
            if (AcceptWord("VALIDATION")) {
                push(Ignore(what + " VALIDATION", offset));
                return;
            }
            if (AcceptWord("SYSTEM")) {
                ExpectWord("VERSIONING");
                AlterSpec s;
                s.kind = AlterKind::kTableOptions;
                s.what = what + " SYSTEM VERSIONING";
                s.options.system_versioning = what == "WITH";
                push(std::move(s));
                return;
            }
            Unexpected("VALIDATION or SYSTEM VERSIONING");
        }
        if (AcceptWord("UPGRADE")) {
            ExpectWord("PARTITIONING");
            push(Ignore("UPGRADE PARTITIONING", offset));
            return;
        }
        if (StartsTableOption()) {
            AlterSpec s;
            s.kind = AlterKind::kTableOptions;
            TableOptionList(s.options, true);
            push(std::move(s));
            return;
        }
        Unexpected("an ALTER TABLE clause");
    }

    void AlterAdd(AlterTable &at, size_t offset) {
        AlterSpec s;
        s.offset = offset;
        if (AcceptWord("PARTITION")) {
            SkipPartitionClause();
            at.specs.push_back(Ignore("ADD PARTITION", offset));
            return;
        }
        if (AcceptWords("SYSTEM", "VERSIONING")) {
            s.kind = AlterKind::kTableOptions;
            s.what = "ADD SYSTEM VERSIONING";
            s.options.system_versioning = true;
            at.specs.push_back(std::move(s));
            return;
        }
        if (Word("PERIOD") && IsWord(Peek(1), "FOR")) {
            pos_ += 2;
            IfNotExists(s.if_exists);
            Identifier("a period name");
            ParenthesizedText();
            at.specs.push_back(Ignore("ADD PERIOD", offset));
            return;
        }
        std::string constraint;
        bool has_constraint = false;
        if (AcceptWord("CONSTRAINT")) {
            has_constraint = true;
            IfNotExists(s.if_exists);
            if (!Word("PRIMARY") && !Word("UNIQUE") && !Word("FOREIGN") && !Word("CHECK"))
                constraint = Identifier("a constraint name");
        }
        if (Word("PRIMARY") || Word("UNIQUE") || Word("INDEX") || Word("KEY") || Word("FULLTEXT") ||
            Word("SPATIAL")) {
            s.kind = AlterKind::kAddKey;
            s.key = KeyDefinition();
            s.key->constraint = constraint;
            s.key->offset = offset;
            s.if_exists = s.if_exists || s.key->if_not_exists;
            at.specs.push_back(std::move(s));
            return;
        }
        if (AcceptWord("FOREIGN")) {
            s.kind = AlterKind::kAddForeignKey;
            s.foreign_key = ForeignKeyDefinition();
            s.foreign_key->constraint = constraint;
            s.foreign_key->offset = offset;
            at.specs.push_back(std::move(s));
            return;
        }
        if (Word("CHECK")) {
            s.kind = AlterKind::kAddCheck;
            s.check = CheckDefinition();
            s.check->name = constraint;
            at.specs.push_back(std::move(s));
            return;
        }
        if (has_constraint)
            Unexpected("PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK after CONSTRAINT");
        AcceptWord("COLUMN");
        bool if_not_exists = false;
        IfNotExists(if_not_exists);
        if (AcceptSymbol("(")) {
            // ADD (c1 def, c2 def, INDEX ...)
            do {
                AlterSpec c;
                c.offset = Cur().offset;
                if (Word("PRIMARY") || Word("UNIQUE") || Word("INDEX") || Word("KEY") || Word("FULLTEXT") ||
                    Word("SPATIAL")) {
                    c.kind = AlterKind::kAddKey;
                    c.key = KeyDefinition();
                } else {
                    c.kind = AlterKind::kAddColumn;
                    c.column = ColumnDefinition();
                    c.name = c.column->name;
                    c.if_exists = if_not_exists;
                }
                at.specs.push_back(std::move(c));
            } while (AcceptSymbol(","));
            ExpectSymbol(")");
            return;
        }
        s.kind = AlterKind::kAddColumn;
        s.if_exists = if_not_exists;
        s.column = ColumnDefinition();
        s.name = s.column->name;
        ColumnPosition(s);
        at.specs.push_back(std::move(s));
    }

    AlterSpec AlterDrop() {
        AlterSpec s;
        if (AcceptWord("PARTITION")) {
            s.kind = AlterKind::kPartitionData;
            s.what = "DROP PARTITION";
            SkipPartitionClause();
            return s;
        }
        if (AcceptWords("SYSTEM", "VERSIONING")) {
            s.kind = AlterKind::kTableOptions;
            s.what = "DROP SYSTEM VERSIONING";
            return s;
        }
        if (AcceptWord("PERIOD")) {
            ExpectWord("FOR");
            IfExists(s.if_exists);
            Identifier("a period name");
            s.kind = AlterKind::kIgnored;
            s.what = "DROP PERIOD";
            return s;
        }
        if (AcceptWords("PRIMARY", "KEY")) {
            s.kind = AlterKind::kDropKey;
            s.name = "PRIMARY";
            return s;
        }
        if (AcceptWord("INDEX") || AcceptWord("KEY")) {
            s.kind = AlterKind::kDropKey;
            IfExists(s.if_exists);
            s.name = Identifier("an index name");
            return s;
        }
        if (AcceptWords("FOREIGN", "KEY")) {
            s.kind = AlterKind::kDropForeignKey;
            IfExists(s.if_exists);
            s.name = Identifier("a foreign key name");
            return s;
        }
        if (AcceptWord("CONSTRAINT") || AcceptWord("CHECK")) {
            s.kind = AlterKind::kDropConstraint;
            IfExists(s.if_exists);
            s.name = Identifier("a constraint name");
            return s;
        }
        AcceptWord("COLUMN");
        s.kind = AlterKind::kDropColumn;
        IfExists(s.if_exists);
        s.name = Identifier("a column name");
        AcceptWord("RESTRICT") || AcceptWord("CASCADE");
        return s;
    }

    AlterSpec AlterRename() {
        AlterSpec s;
        if (AcceptWord("COLUMN")) {
            s.kind = AlterKind::kRenameColumn;
            IfExists(s.if_exists);
            s.name = Identifier("a column name");
            ExpectWord("TO");
            s.new_name = Identifier("a column name");
            return s;
        }
        if (AcceptWord("INDEX") || AcceptWord("KEY")) {
            s.kind = AlterKind::kRenameKey;
            IfExists(s.if_exists);
            s.name = Identifier("an index name");
            ExpectWord("TO");
            s.new_name = Identifier("an index name");
            return s;
        }
        if (!AcceptWord("TO"))
            AcceptWord("AS");
        s.kind = AlterKind::kRenameTable;
        s.new_table = QualifiedTable();
        return s;
    }

    AlterSpec AlterAlter() {
        AlterSpec s;
        if (AcceptWord("INDEX") || AcceptWord("KEY")) {
            AcceptWords("IF", "EXISTS");
            Identifier("an index name");
            if (!AcceptWord("VISIBLE") && !AcceptWord("INVISIBLE") && !AcceptWord("IGNORED") &&
                !AcceptWords("NOT", "IGNORED"))
                Unexpected("VISIBLE, INVISIBLE or IGNORED");
            s.kind = AlterKind::kIgnored;
            s.what = "ALTER INDEX";
            return s;
        }
        if (AcceptWord("CHECK") ||
            (Word("CONSTRAINT") && !IsWord(Peek(1), "SET") && !IsWord(Peek(1), "DROP"))) {
            AcceptWord("CONSTRAINT");
            Identifier("a constraint name");
            AcceptWord("NOT");
            ExpectWord("ENFORCED");
            s.kind = AlterKind::kIgnored;
            s.what = "ALTER CHECK";
            return s;
        }
        AcceptWord("COLUMN");
        IfExists(s.if_exists);
        s.name = Identifier("a column name");
        if (AcceptWords("SET", "DEFAULT")) {
            s.kind = AlterKind::kSetDefault;
            s.default_value = DefaultDefinition();
        } else if (AcceptWords("DROP", "DEFAULT")) {
            s.kind = AlterKind::kDropDefault;
        } else if (AcceptWords("SET", "VISIBLE") || AcceptWords("SET", "INVISIBLE")) {
            s.kind = AlterKind::kIgnored;
            s.what = "ALTER COLUMN SET VISIBLE";
        } else {
            Unexpected("SET DEFAULT or DROP DEFAULT");
        }
        return s;
    }

    std::string_view text_;
    const std::vector<Token> &tokens_;
    size_t pos_;
    size_t limit_;
    ParseOptions options_;
    Token end_token_;
};

// Where the statement starting at token `begin` ends (index of its ';' or of the end token).
size_t StatementLimit(const std::vector<Token> &tokens, size_t begin) {
    const size_t last = tokens.size() - 1; // the kEnd token
    // Routines, triggers and events hold semicolons: they run to the end of the text.
    auto word = [&](size_t k, const char *kw) {
        return k < last && tokens[k].kind == TokenKind::kWord && KeywordEquals(tokens[k].text, kw);
    };
    if (word(begin, "CREATE") || word(begin, "ALTER")) {
        for (size_t k = begin + 1; k < last && k < begin + 24; ++k) {
            if (tokens[k].kind == TokenKind::kWord && IsObjectWord(tokens[k].text)) {
                if (IsCompoundObject(tokens[k].text))
                    return last;
                break;
            }
        }
    }
    if (word(begin, "BEGIN") && word(begin + 1, "NOT"))
        return last;
    for (size_t k = begin; k < last; ++k) {
        if (tokens[k].kind == TokenKind::kSymbol && tokens[k].text == ";")
            return k;
    }
    return last;
}

} // namespace

std::vector<Statement> Parse(std::string_view text, const ParseOptions &options) {
    std::vector<Statement> out;
    LexOptions lex_options;
    lex_options.ansi_quotes = options.ansi_quotes;
    lex_options.no_backslash_escapes = options.no_backslash_escapes;
    LexResult lexed = Tokenize(text, lex_options);
    const std::vector<Token> &tokens = lexed.tokens;
    const size_t last = tokens.size() - 1;
    size_t k = 0;
    while (k < last) {
        if (tokens[k].kind == TokenKind::kSymbol && tokens[k].text == ";") {
            ++k;
            continue;
        }
        const size_t limit = StatementLimit(tokens, k);
        Statement st;
        st.begin = tokens[k].offset;
        st.end = limit < last ? tokens[limit].offset : text.size();
        if (!lexed.ok && limit == last) {
            // The statement runs into the unterminated string or comment.
            st.refusal = Refusal{lexed.error_offset, lexed.error};
            st.body = Ignored{};
            out.push_back(std::move(st));
            break;
        }
        try {
            Parser parser(text, tokens, k, limit, options);
            st.body = parser.ParseStatement();
        } catch (const ParseFailure &f) {
            st.refusal = Refusal{f.offset, f.message};
            st.body = Ignored{};
        }
        out.push_back(std::move(st));
        k = limit + 1;
    }
    if (!lexed.ok && (out.empty() || !out.back().refusal.has_value() ||
                      out.back().refusal->offset != lexed.error_offset)) {
        Statement st;
        st.begin = lexed.error_offset;
        st.end = text.size();
        st.refusal = Refusal{lexed.error_offset, lexed.error};
        st.body = Ignored{};
        out.push_back(std::move(st));
    }
    return out;
}

std::string StatementKindName(const StatementBody &body) {
    struct Visitor {
        std::string operator()(const Ignored &i) const { return i.what; }
        std::string operator()(const CreateTable &) const { return "CREATE TABLE"; }
        std::string operator()(const DropTable &) const { return "DROP TABLE"; }
        std::string operator()(const TruncateTable &) const { return "TRUNCATE TABLE"; }
        std::string operator()(const RenameTable &) const { return "RENAME TABLE"; }
        std::string operator()(const AlterTable &) const { return "ALTER TABLE"; }
        std::string operator()(const CreateIndex &) const { return "CREATE INDEX"; }
        std::string operator()(const DropIndex &) const { return "DROP INDEX"; }
        std::string operator()(const DropDatabase &) const { return "DROP DATABASE"; }
    };
    return std::visit(Visitor{}, body);
}

} // namespace chameleon::ddl::parser
