#include "mysql/snapshot.hpp"

#include "common/error.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace chameleon::mysql {

namespace {

std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string ValueOr(const TextValue &v, const std::string &fallback = "") {
    return v.has_value() ? *v : fallback;
}

std::optional<int64_t> Int(const TextValue &v) {
    if (!v.has_value() || v->empty())
        return std::nullopt;
    try {
        return std::stoll(*v);
    } catch (...) {
        return std::nullopt;
    }
}

uint64_t UInt(const TextValue &v) {
    if (!v.has_value() || v->empty())
        return 0;
    try {
        return std::stoull(*v);
    } catch (...) {
        return 0;
    }
}

int ColumnIndex(const ResultSet &rs, const std::string &name) {
    for (size_t i = 0; i < rs.columns.size(); ++i) {
        if (Lower(rs.columns[i]) == Lower(name))
            return static_cast<int>(i);
    }
    return -1;
}

std::string InList(Connection &conn, const std::vector<std::string> &values) {
    std::string out;
    for (const std::string &v : values) {
        if (!out.empty())
            out += ", ";
        out += conn.Quote(v);
    }
    return out;
}

bool UsesBinaryLogStatus(const ServerInfo &server) {
    return !server.mariadb && server.version >= 80200;
}

// The column named by a MariaDB JSON check "json_valid(`col`)", or "".
std::string JsonCheckColumn(const std::string &clause) {
    const std::string prefix = "json_valid(`";
    if (clause.rfind(prefix, 0) != 0 || clause.size() < prefix.size() + 2 ||
        clause.substr(clause.size() - 2) != "`)")
        return "";
    std::string body = clause.substr(prefix.size(), clause.size() - prefix.size() - 2);
    std::string name;
    for (size_t i = 0; i < body.size(); ++i) {
        if (body[i] == '`') {
            if (i + 1 < body.size() && body[i + 1] == '`') {
                name += '`';
                ++i;
                continue;
            }
            return ""; // not a single identifier
        }
        name += body[i];
    }
    return name;
}

} // namespace

ddl::DefaultStyle DefaultStyleOf(const Connection &conn) {
    const ServerInfo &s = conn.Server();
    // MariaDB writes COLUMN_DEFAULT as an SQL expression since 10.2.7.
    return s.mariadb && s.version >= 100207 ? ddl::DefaultStyle::kMariaDb : ddl::DefaultStyle::kMySql;
}

BinlogCoordinates ReadBinlogCoordinates(Connection &conn) {
    const ServerInfo &server = conn.Server();
    ResultSet rs = conn.Query(UsesBinaryLogStatus(server) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS");
    if (rs.rows.empty()) {
        throw Error("the binary log of MySQL server " + conn.Endpoint() + " is disabled",
                    sqlstate::kObjectNotInPrerequisiteState, "",
                    "Enable it (log_bin) and restart the server; chameleon.check_source() lists what else is "
                    "needed.");
    }
    BinlogCoordinates c;
    int file = ColumnIndex(rs, "File");
    int position = ColumnIndex(rs, "Position");
    int gtid = ColumnIndex(rs, "Executed_Gtid_Set");
    if (file < 0 || position < 0)
        throw Error("unexpected result of SHOW MASTER STATUS on " + conn.Endpoint(),
                    sqlstate::kInternalError);
    c.file = ValueOr(rs.rows[0][file]);
    c.position = UInt(rs.rows[0][position]);
    if (server.mariadb) {
        c.gtid_set = ValueOr(conn.QueryValue("SELECT @@GLOBAL.gtid_binlog_pos"));
    } else if (gtid >= 0) {
        c.gtid_set = ValueOr(rs.rows[0][gtid]);
        c.gtid_set.erase(std::remove(c.gtid_set.begin(), c.gtid_set.end(), '\n'), c.gtid_set.end());
    }
    return c;
}

std::vector<ddl::MysqlTable> ReadTables(Connection &conn, const std::vector<std::string> &schemas) {
    std::vector<ddl::MysqlTable> tables;
    if (schemas.empty())
        return tables;
    conn.Execute("SET SESSION time_zone = '+00:00'");
    const std::string in = InList(conn, schemas);
    const ServerInfo &server = conn.Server();

    using Key = std::pair<std::string, std::string>;
    std::map<Key, size_t> index_of;
    ResultSet rs = conn.Query(
        "SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.ENGINE, e.TRANSACTIONS, t.TABLE_ROWS, t.AVG_ROW_LENGTH, "
        "t.DATA_LENGTH, t.TABLE_COMMENT "
        "FROM information_schema.TABLES t LEFT JOIN information_schema.ENGINES e ON e.ENGINE = t.ENGINE "
        "WHERE t.TABLE_TYPE = 'BASE TABLE' AND t.TABLE_SCHEMA IN (" +
        in + ") ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME");
    for (const TextRow &row : rs.rows) {
        ddl::MysqlTable t;
        t.schema = ValueOr(row[0]);
        t.name = ValueOr(row[1]);
        t.engine = ValueOr(row[2]);
        // Engines missing from ENGINES (or NULL): assume transactional only for InnoDB-likes.
        std::string transactions = Lower(ValueOr(row[3], ""));
        t.transactional = transactions.empty() ? Lower(t.engine) == "innodb" : transactions == "yes";
        t.estimated_rows = UInt(row[4]);
        t.avg_row_length = UInt(row[5]);
        t.data_length = UInt(row[6]);
        t.comment = ValueOr(row[7]);
        index_of[{t.schema, t.name}] = tables.size();
        tables.push_back(std::move(t));
    }
    if (tables.empty())
        return tables;

    rs = conn.Query(
        "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, LOWER(DATA_TYPE), COLUMN_TYPE, "
        "IS_NULLABLE, COLUMN_DEFAULT, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, "
        "DATETIME_PRECISION, LOWER(EXTRA), CHARACTER_SET_NAME, COLUMN_COMMENT, GENERATION_EXPRESSION "
        "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (" +
        in + ") ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION");
    for (const TextRow &row : rs.rows) {
        auto it = index_of.find({ValueOr(row[0]), ValueOr(row[1])});
        if (it == index_of.end())
            continue; // a view
        ddl::MysqlColumn c;
        c.name = ValueOr(row[2]);
        c.ordinal = static_cast<int>(Int(row[3]).value_or(0));
        c.data_type = ValueOr(row[4]);
        c.column_type = ValueOr(row[5]);
        c.nullable = ValueOr(row[6]) == "YES";
        c.default_value = row[7];
        c.char_max_length = Int(row[8]);
        if (auto p = Int(row[9]))
            c.numeric_precision = static_cast<int>(*p);
        if (auto s = Int(row[10]))
            c.numeric_scale = static_cast<int>(*s);
        if (auto d = Int(row[11]))
            c.datetime_precision = static_cast<int>(*d);
        c.extra = ValueOr(row[12]);
        c.charset = ValueOr(row[13]);
        c.comment = ValueOr(row[14]);
        c.generation_expression = ValueOr(row[15]);
        c.json = c.data_type == "json";
        tables[it->second].columns.push_back(std::move(c));
    }

    if (server.mariadb && server.version >= 100200) {
        // MariaDB's JSON is LONGTEXT with a CHECK (json_valid(`col`)) named after the column.
        rs = conn.Query(
            "SELECT CONSTRAINT_SCHEMA, TABLE_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
            "WHERE CONSTRAINT_SCHEMA IN (" +
            in + ")");
        for (const TextRow &row : rs.rows) {
            auto it = index_of.find({ValueOr(row[0]), ValueOr(row[1])});
            std::string column = JsonCheckColumn(ValueOr(row[2]));
            if (it == index_of.end() || column.empty())
                continue;
            for (ddl::MysqlColumn &c : tables[it->second].columns) {
                if (c.name == column && (c.data_type == "longtext" || c.data_type == "text" ||
                                         c.data_type == "mediumtext" || c.data_type == "varchar"))
                    c.json = true;
            }
        }
    }

    const bool has_expression = !server.mariadb && server.version >= 80013;
    rs = conn.Query(
        std::string("SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, "
                    "COLLATION, INDEX_TYPE, ") +
        (has_expression ? "EXPRESSION" : "NULL") +
        " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (" + in +
        ") ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME <> 'PRIMARY', INDEX_NAME, SEQ_IN_INDEX");
    for (const TextRow &row : rs.rows) {
        auto it = index_of.find({ValueOr(row[0]), ValueOr(row[1])});
        if (it == index_of.end())
            continue;
        ddl::MysqlTable &t = tables[it->second];
        const std::string name = ValueOr(row[2]);
        if (t.indexes.empty() || t.indexes.back().name != name) {
            ddl::MysqlIndex index;
            index.name = name;
            index.unique = ValueOr(row[3]) == "0";
            std::string type = ValueOr(row[7]);
            std::transform(type.begin(), type.end(), type.begin(),
                           [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
            index.index_type = type;
            t.indexes.push_back(std::move(index));
        }
        ddl::MysqlIndexPart part;
        part.column = ValueOr(row[4]);
        if (auto sub = Int(row[5]))
            part.sub_part = static_cast<int>(*sub);
        part.descending = ValueOr(row[6]) == "D";
        part.expression = ValueOr(row[8]);
        t.indexes.back().parts.push_back(std::move(part));
    }

    rs = conn.Query(
        "SELECT k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, "
        "k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, "
        "r.UPDATE_RULE, r.DELETE_RULE "
        "FROM information_schema.KEY_COLUMN_USAGE k "
        "JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA "
        "AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND r.TABLE_NAME = k.TABLE_NAME "
        "WHERE k.TABLE_SCHEMA IN (" +
        in +
        ") AND k.REFERENCED_TABLE_NAME IS NOT NULL "
        "ORDER BY k.TABLE_SCHEMA, k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION");
    for (const TextRow &row : rs.rows) {
        auto it = index_of.find({ValueOr(row[0]), ValueOr(row[1])});
        if (it == index_of.end())
            continue;
        ddl::MysqlTable &t = tables[it->second];
        const std::string name = ValueOr(row[2]);
        if (t.foreign_keys.empty() || t.foreign_keys.back().name != name) {
            ddl::MysqlForeignKey fk;
            fk.name = name;
            fk.referenced_schema = ValueOr(row[4]);
            fk.referenced_table = ValueOr(row[5]);
            fk.update_rule = ValueOr(row[7]);
            fk.delete_rule = ValueOr(row[8]);
            t.foreign_keys.push_back(std::move(fk));
        }
        t.foreign_keys.back().columns.push_back(ValueOr(row[3]));
        t.foreign_keys.back().referenced_columns.push_back(ValueOr(row[6]));
    }
    return tables;
}

void PrepareReaderSession(Connection &reader, int net_timeout) {
    const std::string t = std::to_string(net_timeout > 0 ? net_timeout : 600);
    reader.Execute("SET SESSION time_zone = '+00:00', SESSION net_read_timeout = " + t +
                   ", SESSION net_write_timeout = " + t);
    reader.Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    KeepSessionAlive(reader);
}

void KeepSessionAlive(Connection &conn) {
    conn.Execute("SET SESSION wait_timeout = " + std::to_string(kCopySessionIdleSeconds));
}

BinlogCoordinates SnapshotTable(Connection &control, Connection &reader, const std::string &schema,
                                const std::string &table, bool keep_lock, int lock_wait_timeout) {
    control.Execute("SET SESSION lock_wait_timeout = " +
                    std::to_string(lock_wait_timeout > 0 ? lock_wait_timeout : 1));
    control.Execute("FLUSH TABLES " + QuoteIdentifier(schema) + "." + QuoteIdentifier(table) +
                    " WITH READ LOCK");
    BinlogCoordinates coordinates;
    try {
        coordinates = ReadBinlogCoordinates(control);
        reader.Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
    } catch (...) {
        if (control.IsOpen()) {
            try {
                control.Execute("UNLOCK TABLES");
            } catch (...) {
            }
        }
        throw;
    }
    if (!keep_lock)
        control.Execute("UNLOCK TABLES");
    return coordinates;
}

void ReleaseTableLock(Connection &control) {
    control.Execute("UNLOCK TABLES");
}

} // namespace chameleon::mysql
