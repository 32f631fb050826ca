// binlog_dump: prints the events of a binlog file or of a live binlog stream, with decoded rows.
//
//   binlog_dump [options] FILE...                      read binlog files
//   binlog_dump --host H --port P --user U [--password X] --server-id N
//               [--start-file F --start-pos N | --gtid D-S-N,... | --mysql-gtid SET]
//               [--non-block] [--heartbeat SECONDS] [--max-events N]
//   common options: --no-rows (do not decode rows)  --pad-char  --no-verify  --quiet (rows only)
//                   --allow-legacy-temporal  --allow-statements
#include "mysql/binlog/client.hpp"
#include "mysql/binlog/column_types.hpp"
#include "mysql/binlog/reader.hpp"
#include "mysql/binlog/rows.hpp"
#include "mysql/binlog/value_text.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace chameleon::mysql::binlog;

namespace {

struct Args {
    std::vector<std::string> files;
    ClientOptions client;
    bool live = false;
    std::string start_file;
    uint64_t start_pos = 4;
    std::string maria_gtid;
    std::string mysql_gtid;
    bool have_maria_gtid = false, have_mysql_gtid = false;
    bool rows = true;
    bool quiet = false;
    long long max_events = -1;
    DecodeOptions decode;
    ReaderOptions reader;
};

[[noreturn]] void Usage() {
    std::fprintf(stderr,
                 "usage: binlog_dump [--no-rows] [--quiet] [--pad-char] [--no-verify] FILE...\n"
                 "       binlog_dump --host H --port P --user U [--password X] --server-id N\n"
                 "                   [--start-file F --start-pos N | --gtid STATE | --mysql-gtid SET]\n"
                 "                   [--non-block] [--heartbeat S] [--max-events N]\n");
    std::exit(2);
}

std::string Quote(const std::string &s) {
    std::string out;
    for (char c : s) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else
            out.push_back(c);
    }
    return out;
}

void PrintImage(const char *label, const RowImage &img, const TableMap &map) {
    std::string line = "    ";
    line += label;
    line += " (";
    bool first = true;
    for (size_t i = 0; i < img.Size(); ++i) {
        const Value &v = img[i];
        if (v.kind == ValueKind::kAbsent)
            continue;
        if (!first)
            line += ", ";
        first = false;
        const ColumnInfo &c = map.columns[i];
        line += c.name.empty() ? "@" + std::to_string(i + 1) : c.name;
        line += "=";
        if (v.kind == ValueKind::kString) {
            line += "'";
            line += Quote(std::string(v.View()));
            line += "'";
        } else {
            AppendValueText(v, c, &line);
        }
    }
    line += ")";
    std::puts(line.c_str());
}

void Describe(const BinlogReader &r, std::string *out) {
    const Event &ev = r.Current();
    char head[160];
    std::snprintf(head, sizeof head, "%s:%llu %s", r.File().c_str(),
                  static_cast<unsigned long long>(ev.in_payload ? 0 : ev.StartPos()),
                  EventTypeName(ev.header.type));
    *out = head;
    using namespace event_type;
    switch (ev.header.type) {
        case kFormatDescription:
            *out += " server=" + r.Fde().server_version +
                    " checksum=" + (r.Fde().checksum == ChecksumAlg::kCrc32 ? "CRC32" : "NONE");
            break;
        case kRotate:
            *out += " next=" + r.Rotate().next_file + ":" + std::to_string(r.Rotate().position) +
                    (ev.Artificial() ? " (artificial)" : "");
            break;
        case kQuery:
        case kMariaQueryCompressed:
            *out +=
                " db=" + std::string(r.Query().db) + " query=\"" + Quote(std::string(r.Query().query)) + "\"";
            break;
        case kXid:
            *out += " xid=" + std::to_string(r.Xid().xid);
            break;
        case kMariaGtid:
            *out += " gtid=" + r.MariaGtidEv().gtid.ToString() +
                    " flags=" + std::to_string(r.MariaGtidEv().flags);
            break;
        case kMariaGtidList: {
            *out += " [";
            for (size_t i = 0; i < r.GtidList().gtids.size(); ++i)
                *out += (i ? "," : "") + r.GtidList().gtids[i].ToString();
            *out += "]";
            break;
        }
        case kMariaBinlogCheckpoint:
            *out += " file=" + r.Checkpoint().file;
            break;
        case kMariaAnnotateRows:
        case kRowsQuery:
            *out += " \"" + Quote(std::string(r.Annotate())) + "\"";
            break;
        case kGtid:
        case kAnonymousGtid:
            *out += " gtid=" + r.MySqlGtid().sid.ToString() + ":" + std::to_string(r.MySqlGtid().gno);
            break;
        case kPreviousGtids:
            *out += " " + r.PreviousGtids().ToString();
            break;
        case kHeartbeat:
        case kHeartbeatV2:
            *out += " file=" + r.Heartbeat().file + " pos=" + std::to_string(r.Heartbeat().position);
            break;
        case kTableMap: {
            const TableMap *m = r.CurrentTableMap();
            *out += " id=" + std::to_string(m->table_id) + " `" + m->schema + "`.`" + m->table + "` (";
            for (size_t i = 0; i < m->columns.size(); ++i) {
                const ColumnInfo &c = m->columns[i];
                if (i)
                    *out += ", ";
                *out +=
                    (c.name.empty() ? "@" + std::to_string(i + 1) : c.name) + " " + ColumnTypeName(c.type);
                if (c.signedness == Signedness::kUnsigned)
                    *out += " unsigned";
                if (c.collation)
                    *out += " coll=" + std::to_string(c.collation);
            }
            *out += ")";
            break;
        }
        default:
            if (r.IsRows())
                *out += " table_id=" + std::to_string(r.Rows().table_id) + " `" +
                        r.CurrentTableMap()->schema + "`.`" + r.CurrentTableMap()->table +
                        "` flags=" + std::to_string(r.Rows().flags);
            break;
    }
    if (r.IsCommit())
        *out += "  -- commit; restart at " + r.Committed().file + ":" + std::to_string(r.Committed().pos) +
                (r.Committed().maria_gtid.Empty() ? "" : " gtid " + r.Committed().maria_gtid.ToString());
}

int Run(const Args &a, EventSource *src, const Coordinates &start, ReaderOptions ropt) {
    BinlogReader r(src, ropt);
    r.SetStart(start);
    RowDecoder dec(a.decode);
    RowImage before, after;
    std::string line;
    long long n = 0;
    while (r.Next()) {
        if (!a.quiet) {
            Describe(r, &line);
            std::puts(line.c_str());
        }
        if (r.IsRows() && a.rows) {
            r.BeginRows(&dec);
            const TableMap &m = *r.CurrentTableMap();
            RowsKind k = r.Rows().kind;
            while (dec.Next(&before, &after)) {
                if (k == RowsKind::kWrite)
                    PrintImage("INSERT", after, m);
                else if (k == RowsKind::kDelete)
                    PrintImage("DELETE", before, m);
                else {
                    PrintImage("UPDATE before", before, m);
                    PrintImage("       after ", after, m);
                }
            }
        }
        if (a.max_events >= 0 && ++n >= a.max_events)
            break;
    }
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    Args a;
    for (int i = 1; i < argc; ++i) {
        std::string s = argv[i];
        auto val = [&]() -> std::string {
            if (i + 1 >= argc)
                Usage();
            return argv[++i];
        };
        if (s == "--host") {
            a.client.host = val();
            a.live = true;
        } else if (s == "--port")
            a.client.port = static_cast<unsigned>(std::atoi(val().c_str()));
        else if (s == "--user")
            a.client.user = val();
        else if (s == "--password")
            a.client.password = val();
        else if (s == "--socket") {
            a.client.unix_socket = val();
            a.live = true;
        } else if (s == "--server-id")
            a.client.server_id = static_cast<uint32_t>(std::strtoul(val().c_str(), nullptr, 10));
        else if (s == "--start-file")
            a.start_file = val();
        else if (s == "--start-pos")
            a.start_pos = std::strtoull(val().c_str(), nullptr, 10);
        else if (s == "--gtid") {
            a.maria_gtid = val();
            a.have_maria_gtid = true;
        } else if (s == "--mysql-gtid") {
            a.mysql_gtid = val();
            a.have_mysql_gtid = true;
        } else if (s == "--non-block")
            a.client.non_blocking = true;
        else if (s == "--heartbeat")
            a.client.heartbeat_period_s = std::atof(val().c_str());
        else if (s == "--max-events")
            a.max_events = std::atoll(val().c_str());
        else if (s == "--no-rows")
            a.rows = false;
        else if (s == "--quiet")
            a.quiet = true;
        else if (s == "--pad-char")
            a.decode.pad_char = true;
        else if (s == "--no-verify")
            a.reader.verify_checksum = false;
        else if (s == "--allow-legacy-temporal")
            a.reader.allow_legacy_temporal = true;
        else if (s == "--allow-statements")
            a.reader.reject_statement_dml = false;
        else if (!s.empty() && s[0] == '-')
            Usage();
        else
            a.files.push_back(s);
    }
    try {
        if (a.live) {
            if (a.client.server_id == 0)
                a.client.server_id = 4000000000u + static_cast<uint32_t>(std::rand() % 1000000);
            BinlogClient client;
            client.Connect(a.client);
            Coordinates start;
            start.file = a.start_file;
            start.pos = a.start_pos;
            if (a.have_maria_gtid) {
                start.maria_gtid = MariaGtidPosition::Parse(a.maria_gtid);
                client.StartFromMariaGtid(start.maria_gtid);
            } else if (a.have_mysql_gtid) {
                start.mysql_gtids = GtidSet::Parse(a.mysql_gtid);
                client.StartFromMySqlGtid(start.mysql_gtids);
            } else {
                client.StartFromPosition(a.start_file, a.start_pos);
            }
            ReaderOptions ro = a.reader;
            ro.announced_checksum = client.AnnouncedChecksum();
            return Run(a, &client, start, ro);
        }
        if (a.files.empty())
            Usage();
        for (const std::string &f : a.files) {
            FileSource src(f);
            Coordinates start;
            size_t slash = f.rfind('/');
            start.file = slash == std::string::npos ? f : f.substr(slash + 1);
            Run(a, &src, start, a.reader);
        }
    } catch (const BinlogError &e) {
        std::fprintf(stderr, "binlog_dump: %s (%s)\n", e.what(), BinlogErrcName(e.Code()));
        if (!e.Hint().empty())
            std::fprintf(stderr, "hint: %s\n", e.Hint().c_str());
        return 1;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "binlog_dump: %s\n", e.what());
        return 1;
    }
    return 0;
}
