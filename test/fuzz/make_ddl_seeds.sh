#!/usr/bin/env bash
# Writes the DDL fuzz seed corpus (test/fuzz/corpus_ddl) from the unit corpus test/unit/data/ddl:
# one seed per case (mode byte 0, then the SQL), plus a few with the other mode bits.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/test/fuzz/corpus_ddl"
rm -rf "$out"
mkdir -p "$out"
n=0
for f in "$root"/test/unit/data/ddl/*.ddl; do
    # A case is a "> " line and its "| " continuation lines.
    awk -v dir="$out" -v base="$(basename "$f" .ddl)" '
        function flush() { if (sql != "") { n++; file = sprintf("%s/%s_%03d", dir, base, n);
                           printf "%c%s", (n % 8 == 0 ? 1 : (n % 8 == 4 ? 6 : 0)) + 0, sql > file; close(file) } sql = "" }
        /^> / { flush(); sql = substr($0, 3); next }
        /^\| / { sql = sql "\n" substr($0, 3); next }
        /^@setup / { n++; file = sprintf("%s/%s_setup_%03d", dir, base, n); printf "%c%s", 0, substr($0, 8) > file; close(file); next }
        { flush() }
        END { flush() }' "$f"
done
ls "$out" | wc -l
