// The DDL corpus of test/unit/data/ddl/*.ddl: MySQL statements with their expected PostgreSQL
// translation, refusal or reason for being ignored. Read by the translate test, the parser test,
// the fuzz seed generator and the parser benchmark.
//
// File format, line by line:
//   # text                 a comment
//   @database NAME          the current database of the statements (default: none)
//   @mapping MYSQL PG       a schema mapping (several allowed)
//   @style mysql|mariadb    how COLUMN_DEFAULT is written (default mariadb)
//   @override TYPE PGTYPE   a type_override rule for every table
//   @skip SCHEMA.TABLE      a table left out by skip_tables
//   @rename SCHEMA.TABLE[.COLUMN] NAME   a rename rule of the source (the PostgreSQL name)
//   @setup SQL              a statement applied before every case of the file (the registry)
//   > SQL                   a case; following lines starting with "|" continue the SQL (newline kept)
//   = SQL                   an expected PostgreSQL statement, in order (whitespace runs compare as one space)
//   ! @OFFSET MESSAGE       the expected refusal
//   ~ MESSAGE               the expected reason for being ignored
//   * NOTE                  an expected note (when a case has any, its notes are compared exactly)
//   % KIND SCHEMA.TABLE     an expected table change (when a case has any, compared exactly)
// Each case starts from the registry the @setup statements leave; the statements of one case
// (several, separated by ';') apply in order.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace ddl_corpus {

struct Case {
    std::string file;
    int line = 0;
    std::string sql;
    std::vector<std::string> expected; // "= ..." lines (text after "= ")
    std::string refused;               // "! ..." text after "! " ("" when none)
    std::string ignored;               // "~ ..." text after "~ "
    std::vector<std::string> notes;
    std::vector<std::string> changes;
};

struct File {
    std::string path;
    std::string database;
    std::vector<std::pair<std::string, std::string>> mappings;
    bool mysql_style = false;
    std::vector<std::pair<std::string, std::string>> overrides;
    std::vector<std::string> skip;
    std::vector<std::pair<std::string, std::string>> renames; // SCHEMA.TABLE[.COLUMN] → name
    std::vector<std::string> setup;
    std::vector<Case> cases;
    std::vector<std::string> lines; // the file as read (for blessing)
};

inline bool IsDir(const std::string &p) {
    struct stat st;
    return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// test/unit/data/ddl: $CHAMELEON_TEST_DATA/ddl, else found from this file's path.
inline std::string CorpusDir() {
    if (const char *data = std::getenv("CHAMELEON_TEST_DATA"))
        if (IsDir(std::string(data) + "/ddl"))
            return std::string(data) + "/ddl";
    std::string here = __FILE__;
    std::string dir = here.substr(0, here.rfind('/')) + "/data/ddl";
    if (IsDir(dir))
        return dir;
    for (std::string up = "."; up.size() < 40; up += "/..") {
        if (IsDir(up + "/test/unit/data/ddl"))
            return up + "/test/unit/data/ddl";
    }
    return "test/unit/data/ddl";
}

inline std::vector<std::string> CorpusFiles(const std::string &dir) {
    std::vector<std::string> files;
    if (DIR *d = ::opendir(dir.c_str())) {
        while (dirent *e = ::readdir(d)) {
            std::string name = e->d_name;
            if (name.size() > 4 && name.compare(name.size() - 4, 4, ".ddl") == 0)
                files.push_back(dir + "/" + name);
        }
        ::closedir(d);
    }
    std::sort(files.begin(), files.end());
    return files;
}

inline std::string After(const std::string &line, size_t n) {
    return line.size() > n ? line.substr(n) : "";
}

inline File ReadFile(const std::string &path) {
    File f;
    f.path = path;
    std::ifstream in(path);
    std::string line;
    int number = 0;
    Case *current = nullptr;
    while (std::getline(in, line)) {
        ++number;
        f.lines.push_back(line);
        if (line.empty() || line[0] == '#')
            continue;
        const char tag = line[0];
        std::string rest = After(line, 2);
        if (tag == '@') {
            std::istringstream words(line.substr(1));
            std::string key;
            words >> key;
            std::string a, b;
            if (key == "database") {
                words >> f.database;
            } else if (key == "mapping") {
                words >> a >> b;
                f.mappings.emplace_back(a, b);
            } else if (key == "style") {
                words >> a;
                f.mysql_style = a == "mysql";
            } else if (key == "override") {
                std::string spec = line.substr(line.find("override") + 9);
                size_t arrow = spec.find(" -> ");
                f.overrides.emplace_back(spec.substr(0, arrow), spec.substr(arrow + 4));
            } else if (key == "skip") {
                words >> a;
                f.skip.push_back(a);
            } else if (key == "rename") {
                words >> a >> b;
                f.renames.emplace_back(a, b);
            } else if (key == "setup") {
                f.setup.push_back(line.substr(line.find("setup") + 6));
            }
            current = nullptr;
        } else if (tag == '>') {
            f.cases.emplace_back();
            current = &f.cases.back();
            current->file = path;
            current->line = number;
            current->sql = rest;
        } else if (current != nullptr) {
            if (tag == '|')
                current->sql += "\n" + rest;
            else if (tag == '=')
                current->expected.push_back(rest);
            else if (tag == '!')
                current->refused = rest;
            else if (tag == '~')
                current->ignored = rest;
            else if (tag == '*')
                current->notes.push_back(rest);
            else if (tag == '%')
                current->changes.push_back(rest);
        }
    }
    return f;
}

// Whitespace runs as one space, trimmed.
inline std::string Squeeze(const std::string &text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += c;
    }
    return out;
}

} // namespace ddl_corpus
