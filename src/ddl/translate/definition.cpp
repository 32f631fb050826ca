// MySQL definitions (information_schema's view of a table) from parsed CREATE TABLE statements.
#include "ddl/translate/definition.hpp"

#include "common/error.hpp"
#include "ddl/pg_text.hpp"

#include <algorithm>

namespace chameleon::ddl::translate {

using parser::ColumnDef;
using parser::DataType;
using parser::DefaultValue;
using parser::KeyDef;
using parser::KeyKind;

namespace {

bool IsIntegerName(const std::string &t) {
    return t == "tinyint" || t == "smallint" || t == "mediumint" || t == "int" || t == "bigint";
}

bool IsNumericName(const std::string &t) {
    return IsIntegerName(t) || t == "decimal" || t == "float" || t == "double" || t == "year";
}

bool IsCharName(const std::string &t) {
    return t == "char" || t == "varchar" || t == "tinytext" || t == "text" || t == "mediumtext" ||
           t == "longtext" || t == "enum" || t == "set";
}

bool IsTemporalName(const std::string &t) {
    return t == "date" || t == "datetime" || t == "timestamp" || t == "time";
}

int DefaultWidth(const std::string &t, bool is_unsigned) {
    if (t == "tinyint")
        return is_unsigned ? 3 : 4;
    if (t == "smallint")
        return is_unsigned ? 5 : 6;
    if (t == "mediumint")
        return is_unsigned ? 8 : 9;
    if (t == "int")
        return is_unsigned ? 10 : 11;
    return 20;
}

int IntegerPrecision(const std::string &t, bool is_unsigned) {
    if (t == "tinyint")
        return 3;
    if (t == "smallint")
        return 5;
    if (t == "mediumint")
        return 7;
    if (t == "int")
        return 10;
    return is_unsigned ? 20 : 19;
}

// A label or string as MySQL writes it inside COLUMN_TYPE or COLUMN_DEFAULT: 'it''s'.
std::string MysqlQuote(const std::string &text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "''";
        else if (c == '\\')
            out += "\\\\";
        else
            out += c;
    }
    return out + "'";
}

std::string ColumnTypeText(const DataType &type, DefaultStyle style) {
    const std::string &t = type.name;
    std::string out = t;
    if (IsIntegerName(t)) {
        if (style == DefaultStyle::kMariaDb)
            out += "(" + std::to_string(type.length.value_or(DefaultWidth(t, type.is_unsigned))) + ")";
        else if (type.zerofill || (t == "tinyint" && type.length == 1))
            out += "(" + std::to_string(type.length.value_or(DefaultWidth(t, type.is_unsigned))) + ")";
    } else if (t == "decimal") {
        out += "(" + std::to_string(type.length.value_or(10)) + "," + std::to_string(type.scale.value_or(0)) +
               ")";
    } else if (t == "float" || t == "double") {
        if (type.length.has_value())
            out += "(" + std::to_string(*type.length) + "," + std::to_string(type.scale.value_or(0)) + ")";
    } else if (t == "bit" || t == "char" || t == "binary") {
        out += "(" + std::to_string(type.length.value_or(1)) + ")";
    } else if (t == "varchar" || t == "varbinary" || t == "vector") {
        out += "(" + std::to_string(type.length.value_or(0)) + ")";
    } else if (t == "year") {
        if (style == DefaultStyle::kMariaDb)
            out += "(4)";
    } else if (t == "time" || t == "datetime" || t == "timestamp") {
        if (type.length.value_or(0) > 0)
            out += "(" + std::to_string(*type.length) + ")";
    } else if (t == "enum" || t == "set") {
        out += "(";
        for (size_t i = 0; i < type.labels.size(); ++i)
            out += (i > 0 ? "," : "") + MysqlQuote(type.labels[i]);
        out += ")";
    } else if (t == "json" && style == DefaultStyle::kMariaDb) {
        out = "longtext";
    }
    if (type.is_unsigned && IsNumericName(t) && t != "year")
        out += " unsigned";
    if (type.zerofill && IsNumericName(t))
        out += " zerofill";
    return out;
}

std::optional<int64_t> CharMaxLength(const DataType &type) {
    const std::string &t = type.name;
    if (t == "char" || t == "binary")
        return type.length.value_or(1);
    if (t == "varchar" || t == "varbinary")
        return type.length.value_or(0);
    if (t == "tinytext" || t == "tinyblob")
        return 255;
    if (t == "text" || t == "blob")
        return 65535;
    if (t == "mediumtext" || t == "mediumblob")
        return 16777215;
    if (t == "longtext" || t == "longblob" || t == "json")
        return 4294967295LL;
    if (t == "enum" || t == "set") {
        int64_t n = 0;
        for (const std::string &l : type.labels)
            n = t == "set" ? n + static_cast<int64_t>(l.size()) + 1 : std::max<int64_t>(n, l.size());
        return n;
    }
    return std::nullopt;
}

// Bytes as an unsigned integer (hex or bit literals used as numbers).
std::string BytesAsInteger(const std::string &bytes) {
    unsigned long long n = 0;
    for (unsigned char c : bytes)
        n = (n << 8) | c;
    return std::to_string(n);
}

std::string BitsAsInteger(const std::string &bits) {
    unsigned long long n = 0;
    for (char c : bits)
        n = (n << 1) | static_cast<unsigned long long>(c == '1');
    return std::to_string(n);
}

std::string BytesAsBits(const std::string &bytes) {
    std::string bits;
    for (unsigned char c : bytes) {
        for (int b = 7; b >= 0; --b)
            bits += ((c >> b) & 1) ? '1' : '0';
    }
    size_t first = bits.find('1');
    return first == std::string::npos ? "0" : bits.substr(first);
}

// The type MySQL gives a column declared `type`: BIT(0) is bit(1), DECIMAL(0[,0]) decimal(10,0).
DataType EffectiveType(DataType type) {
    if (type.name == "bit" && type.length == 0)
        type.length = 1;
    if (type.name == "decimal" && type.length == 0)
        type.length = 10;
    return type;
}

// A number written as the DEFAULT of a date or time column, as MySQL reads it: [YY]YYMMDD for a
// date, [YY]YYMMDD[hhmmss] for a datetime or timestamp, [[hh]mm]ss for a time (fractions kept);
// "" when it is not of that form (the caller keeps the text).
std::string TemporalFromNumber(const std::string &type, const std::string &number) {
    const size_t dot = number.find('.');
    const std::string digits = number.substr(0, dot);
    const std::string fraction = dot == std::string::npos ? "" : number.substr(dot);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos ||
        (fraction.size() > 1 && fraction.find_first_not_of("0123456789", 1) != std::string::npos))
        return "";
    if (type == "time") {
        if (digits.size() > 7)
            return "";
        const std::string d = std::string(6 - std::min<size_t>(digits.size(), 6), '0') + digits;
        return d.substr(0, d.size() - 4) + ":" + d.substr(d.size() - 4, 2) + ":" + d.substr(d.size() - 2) +
               fraction;
    }
    auto year = [](const std::string &yy) { return (std::stoi(yy) < 70 ? "20" : "19") + yy; };
    std::string date, time;
    if (digits.size() == 8 || digits.size() == 14) {
        date = digits.substr(0, 4) + "-" + digits.substr(4, 2) + "-" + digits.substr(6, 2);
        time = digits.substr(8);
    } else if (digits.size() == 6 || digits.size() == 12) {
        date = year(digits.substr(0, 2)) + "-" + digits.substr(2, 2) + "-" + digits.substr(4, 2);
        time = digits.substr(6);
    } else {
        return "";
    }
    if (type == "date")
        return time.empty() ? date : "";
    if (time.empty())
        return date + " 00:00:00";
    return date + " " + time.substr(0, 2) + ":" + time.substr(2, 2) + ":" + time.substr(4, 2) + fraction;
}

// COLUMN_DEFAULT (and EXTRA's default_generated) for a DEFAULT of a column of type `type`.
void SetDefault(const DataType &type, const std::optional<DefaultValue> &value, DefaultStyle style,
                MysqlColumn &c) {
    c.default_value.reset();
    if (!value.has_value() || value->kind == DefaultValue::Kind::kNull)
        return;
    const std::string &t = type.name;
    const bool maria = style == DefaultStyle::kMariaDb;
    auto literal = [&](const std::string &text) { c.default_value = maria ? MysqlQuote(text) : text; };
    switch (value->kind) {
        case DefaultValue::Kind::kNull:
            return;
        case DefaultValue::Kind::kString:
            if (IsNumericName(t) && !value->text.empty() &&
                value->text.find_first_not_of("0123456789.-+eE") == std::string::npos)
                c.default_value = value->text;
            else if (t == "bit")
                c.default_value = "b'" + BytesAsBits(value->text) + "'";
            else
                literal(value->text);
            return;
        case DefaultValue::Kind::kNumber:
            if (IsNumericName(t) || t == "bit") {
                c.default_value = value->text;
            } else if (t == "enum" && value->text.find_first_not_of("0123456789") == std::string::npos &&
                       value->text.size() < 6) {
                size_t index = static_cast<size_t>(std::stoi(value->text));
                literal(index >= 1 && index <= type.labels.size() ? type.labels[index - 1] : "");
            } else if (IsTemporalName(t) && value->text == "0") {
                literal(t == "date" ? "0000-00-00" : t == "time" ? "00:00:00" : "0000-00-00 00:00:00");
            } else if (IsTemporalName(t) && !TemporalFromNumber(t, value->text).empty()) {
                literal(TemporalFromNumber(t, value->text));
            } else {
                literal(value->text);
            }
            return;
        case DefaultValue::Kind::kHex:
            if (IsNumericName(t))
                c.default_value = BytesAsInteger(value->text);
            else if (t == "bit")
                c.default_value = "b'" + BytesAsBits(value->text) + "'";
            else
                literal(value->text);
            return;
        case DefaultValue::Kind::kBits:
            if (t == "bit")
                c.default_value = "b'" + value->text + "'";
            else if (IsNumericName(t))
                c.default_value = BitsAsInteger(value->text);
            else
                literal(value->text);
            return;
        case DefaultValue::Kind::kExpression:
            c.default_value = value->text;
            if (!maria)
                c.extra = c.extra.empty() ? "default_generated" : "default_generated " + c.extra;
            return;
    }
}

std::string LowerAscii(const std::string &s) {
    return AsciiLower(s);
}

} // namespace

bool SameName(const std::string &a, const std::string &b) {
    return a.size() == b.size() && LowerAscii(a) == LowerAscii(b);
}

MysqlColumn *FindColumnCi(MysqlTable &table, const std::string &name) {
    for (MysqlColumn &c : table.columns) {
        if (SameName(c.name, name))
            return &c;
    }
    return nullptr;
}

MysqlIndex *FindIndexCi(MysqlTable &table, const std::string &name) {
    for (MysqlIndex &i : table.indexes) {
        if (SameName(i.name, name))
            return &i;
    }
    return nullptr;
}

MysqlColumn ColumnFromDefinition(const ColumnDef &def, const std::string &table_charset, DefaultStyle style) {
    const DataType type = EffectiveType(def.type);
    MysqlColumn c;
    c.name = def.name;
    c.data_type = type.name;
    if (type.name == "json" && style == DefaultStyle::kMariaDb)
        c.data_type = "longtext";
    c.json = type.name == "json";
    c.column_type = ColumnTypeText(type, style);
    c.nullable = !(def.nullable.has_value() && !*def.nullable) && !def.primary_key;
    c.char_max_length = CharMaxLength(type);
    if (IsIntegerName(type.name)) {
        c.numeric_precision = IntegerPrecision(type.name, type.is_unsigned);
        c.numeric_scale = 0;
    } else if (type.name == "decimal") {
        c.numeric_precision = static_cast<int>(type.length.value_or(10));
        c.numeric_scale = type.scale.value_or(0);
    } else if (type.name == "float" || type.name == "double") {
        c.numeric_precision = static_cast<int>(type.length.value_or(type.name == "float" ? 12 : 22));
        if (type.scale.has_value())
            c.numeric_scale = type.scale;
    } else if (type.name == "bit") {
        c.numeric_precision = static_cast<int>(type.length.value_or(1));
    } else if (type.name == "time" || type.name == "datetime" || type.name == "timestamp" ||
               type.name == "date") {
        c.datetime_precision = static_cast<int>(type.length.value_or(0));
    }
    if (IsCharName(type.name) || (type.name == "json" && style == DefaultStyle::kMariaDb))
        c.charset = !type.charset.empty() ? type.charset : table_charset;
    if (def.auto_increment)
        c.extra = "auto_increment";
    if (def.on_update.has_value()) {
        std::string on_update = "on update " + def.on_update->text;
        c.extra = c.extra.empty() ? on_update : c.extra + " " + on_update;
    }
    if (!def.generated.empty()) {
        c.generation_expression = def.generated;
        c.extra = def.stored ? "stored generated" : "virtual generated";
    }
    if (def.invisible)
        c.extra = c.extra.empty() ? "invisible" : c.extra + " invisible";
    c.comment = def.comment;
    SetDefault(type, def.default_value, style, c);
    return c;
}

void SetColumnDefault(MysqlColumn &column, const DataType &type, const std::optional<DefaultValue> &value,
                      DefaultStyle style) {
    // EXTRA keeps what is not about the default.
    std::string extra = column.extra;
    const std::string generated = "default_generated";
    if (extra.rfind(generated, 0) == 0)
        extra = extra.size() > generated.size() ? extra.substr(generated.size() + 1) : "";
    column.extra = extra;
    SetDefault(type, value, style, column);
}

DataType TypeOfColumn(const MysqlColumn &column) {
    DataType type;
    type.name = column.json ? "json" : column.data_type;
    if (column.data_type == "enum" || column.data_type == "set")
        type.labels = ParseEnumLabels(column.column_type);
    type.is_unsigned = column.Unsigned();
    return type;
}

void Renumber(MysqlTable &table) {
    for (size_t i = 0; i < table.columns.size(); ++i)
        table.columns[i].ordinal = static_cast<int>(i + 1);
}

std::string UniqueIndexName(const MysqlTable &table, const std::string &wanted) {
    auto taken = [&](const std::string &name) {
        for (const MysqlIndex &i : table.indexes) {
            if (SameName(i.name, name))
                return true;
        }
        return SameName(name, "PRIMARY");
    };
    if (!taken(wanted))
        return wanted;
    for (int n = 2;; ++n) {
        std::string candidate = wanted + "_" + std::to_string(n);
        if (!taken(candidate))
            return candidate;
    }
}

MysqlIndex IndexFromKey(const KeyDef &key, const MysqlTable &table) {
    MysqlIndex index;
    index.unique = key.kind == KeyKind::kPrimary || key.kind == KeyKind::kUnique;
    if (key.kind == KeyKind::kPrimary) {
        index.name = "PRIMARY";
    } else {
        std::string wanted = !key.name.empty() ? key.name : key.constraint;
        if (wanted.empty())
            wanted =
                !key.parts.empty() && !key.parts[0].column.empty() ? key.parts[0].column : "functional_index";
        index.name = key.name.empty() && key.constraint.empty() ? UniqueIndexName(table, wanted) : wanted;
    }
    if (key.kind == KeyKind::kFulltext)
        index.index_type = "FULLTEXT";
    else if (key.kind == KeyKind::kSpatial)
        index.index_type = "SPATIAL";
    else
        index.index_type = key.using_type.empty() ? "BTREE" : key.using_type;
    for (const parser::KeyPart &p : key.parts) {
        MysqlIndexPart part;
        part.column = p.column;
        // The column's own spelling, as information_schema reports it.
        for (const MysqlColumn &c : table.columns) {
            if (!p.column.empty() && SameName(c.name, p.column))
                part.column = c.name;
        }
        if (p.length.has_value())
            part.sub_part = static_cast<int>(std::min<int64_t>(*p.length, 1 << 30));
        part.descending = p.descending;
        part.expression = p.expression;
        index.parts.push_back(std::move(part));
    }
    return index;
}

void AddIndex(MysqlTable &table, MysqlIndex index) {
    for (const MysqlIndexPart &part : index.parts) {
        if (part.expression.empty() && FindColumnCi(table, part.column) == nullptr)
            throw Error("key column " + QuoteIdent(part.column) + " does not exist in table " +
                        table.Display());
    }
    if (index.Primary()) {
        if (table.PrimaryKey() != nullptr)
            throw Error("table " + table.Display() + " has a primary key already");
        for (const MysqlIndexPart &part : index.parts) {
            if (MysqlColumn *c = FindColumnCi(table, part.column))
                c->nullable = false;
        }
        table.indexes.insert(table.indexes.begin(), std::move(index));
        return;
    }
    if (FindIndexCi(table, index.name) != nullptr)
        throw Error("index " + QuoteIdent(index.name) + " of table " + table.Display() + " exists already");
    table.indexes.push_back(std::move(index));
}

std::optional<MysqlIndex> AddForeignKey(MysqlTable &table, const parser::ForeignKeyDef &def,
                                        const std::string &default_schema) {
    MysqlForeignKey fk;
    fk.name = def.constraint;
    if (fk.name.empty()) {
        int n = 0;
        const std::string prefix = table.name + "_ibfk_";
        for (const MysqlForeignKey &other : table.foreign_keys) {
            if (other.name.rfind(prefix, 0) == 0) {
                std::string digits = other.name.substr(prefix.size());
                if (!digits.empty() && digits.size() < 9 &&
                    digits.find_first_not_of("0123456789") == std::string::npos)
                    n = std::max(n, std::stoi(digits));
            }
        }
        fk.name = prefix + std::to_string(n + 1);
    }
    for (const std::string &column : def.columns) {
        const MysqlColumn *c = FindColumnCi(table, column);
        if (c == nullptr)
            throw Error("foreign key column " + QuoteIdent(column) + " does not exist in table " +
                        table.Display());
        fk.columns.push_back(c->name);
    }
    fk.referenced_schema = def.referenced.schema.empty() ? default_schema : def.referenced.schema;
    fk.referenced_table = def.referenced.name;
    fk.referenced_columns = def.referenced_columns;
    fk.update_rule = def.on_update.empty() ? "RESTRICT" : def.on_update;
    fk.delete_rule = def.on_delete.empty() ? "RESTRICT" : def.on_delete;
    table.foreign_keys.push_back(fk);
    // InnoDB indexes the referencing columns unless an index starts with them.
    for (const MysqlIndex &index : table.indexes) {
        if (index.parts.size() < fk.columns.size())
            continue;
        bool covers = true;
        for (size_t i = 0; i < fk.columns.size() && covers; ++i)
            covers = SameName(index.parts[i].column, fk.columns[i]) && !index.parts[i].sub_part.has_value();
        if (covers)
            return std::nullopt;
    }
    MysqlIndex index;
    std::string wanted = !def.index_name.empty() ? def.index_name : def.constraint;
    if (wanted.empty())
        wanted = fk.columns.empty() ? fk.name : fk.columns[0];
    index.name = UniqueIndexName(table, wanted);
    index.index_type = "BTREE";
    for (const std::string &column : fk.columns) {
        MysqlIndexPart part;
        part.column = column;
        if (const MysqlColumn *c = FindColumnCi(table, column))
            part.column = c->name;
        index.parts.push_back(part);
    }
    table.indexes.push_back(index);
    return index;
}

bool IsTransactionalEngine(const std::string &engine) {
    const std::string e = AsciiLower(engine);
    return !(e == "myisam" || e == "memory" || e == "heap" || e == "archive" || e == "csv" || e == "aria" ||
             e == "mrg_myisam" || e == "merge" || e == "blackhole" || e == "federated" || e == "connect");
}

MysqlTable TableFromCreate(const parser::CreateTable &create, const std::string &schema, DefaultStyle style,
                           const MysqlTable *like_source) {
    MysqlTable table;
    if (create.like.has_value()) {
        if (like_source == nullptr)
            throw Error("the definition of the table of LIKE is unknown");
        table = *like_source;
        table.foreign_keys.clear(); // LIKE does not copy foreign keys
    }
    table.schema = schema;
    table.name = create.table.name;
    if (create.like.has_value())
        return table;
    table.engine = create.options.engine.value_or("InnoDB");
    table.transactional = IsTransactionalEngine(table.engine);
    table.comment = create.options.comment.value_or("");
    const std::string charset = create.options.charset.value_or("");
    for (const ColumnDef &def : create.columns) {
        if (FindColumnCi(table, def.name) != nullptr)
            throw Error("column " + QuoteIdent(def.name) + " is defined twice");
        table.columns.push_back(ColumnFromDefinition(def, charset, style));
    }
    Renumber(table);
    // CREATE TABLE ... SELECT: a key may name a column of the SELECT, which the table map of the
    // rows brings (the key is kept as declared).
    auto add_index = [&](MysqlIndex index) {
        bool from_select = false;
        for (const MysqlIndexPart &part : index.parts)
            from_select = from_select || (create.as_select && part.expression.empty() &&
                                          FindColumnCi(table, part.column) == nullptr);
        if (!from_select)
            AddIndex(table, std::move(index));
        else if (index.Primary())
            table.indexes.insert(table.indexes.begin(), std::move(index));
        else
            table.indexes.push_back(std::move(index));
    };
    // Inline keys first (in column order), as MySQL builds them.
    for (const ColumnDef &def : create.columns) {
        if (def.primary_key) {
            KeyDef key;
            key.kind = KeyKind::kPrimary;
            key.parts.push_back(parser::KeyPart{def.name, std::nullopt, false, ""});
            AddIndex(table, IndexFromKey(key, table));
        }
    }
    for (const KeyDef &key : create.keys)
        add_index(IndexFromKey(key, table));
    for (const ColumnDef &def : create.columns) {
        if (def.unique_key) {
            KeyDef key;
            key.kind = KeyKind::kUnique;
            key.parts.push_back(parser::KeyPart{def.name, std::nullopt, false, ""});
            AddIndex(table, IndexFromKey(key, table));
        }
    }
    for (const parser::ForeignKeyDef &fk : create.foreign_keys)
        AddForeignKey(table, fk, schema);
    return table;
}

} // namespace chameleon::ddl::translate
