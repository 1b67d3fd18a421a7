# Makes a vendored crate's Cargo.toml build on its own from the vendored corpus:
# drops its dev-dependency tables (not vendored: the corpus vendors what its root crate
# needs), dependency tables of crates the vendor directory lacks (optional ones such as
# tokio's `backtrace`, behind `tokio_unstable`), and features naming a dropped dependency.
# usage: awk -v vendor=DIR -f standalone-manifest.awk Cargo.toml Cargo.toml > new
# (the manifest twice: the first pass finds what to drop)
function dep_name(header,   m) {
    if (match(header, /dependencies\.("[^"]+"|[A-Za-z0-9_-]+)\]$/)) {
        m = substr(header, RSTART + 13, RLENGTH - 14)
        gsub(/"/, "", m)
        return m
    }
    return ""
}
function vendored(name,   cmd, found) {
    if (name in seen) return seen[name]
    cmd = "ls -d '" vendor "/" name "-'[0-9]* 2>/dev/null | head -1"
    found = ""
    cmd | getline found
    close(cmd)
    seen[name] = (found != "")
    return seen[name]
}
FNR == NR {
    if ($0 ~ /^\[/) {
        name = dep_name($0)
        if (name != "" && $0 !~ /dev-dependencies/ && !vendored(name)) dropped[name] = 1
    }
    next
}
/^\[/ {
    section = $0
    name = dep_name($0)
    skip = ($0 ~ /dev-dependencies/) || (name != "" && (name in dropped))
    entry = ""
    if (!skip) print
    next
}
skip { next }
section == "[features]" && entry == "" && /^[A-Za-z0-9_-]+ *= *\[/ {
    entry = $0 "\n"
    if ($0 ~ /\]/) { flush(); }
    next
}
entry != "" {
    entry = entry $0 "\n"
    if ($0 ~ /\]/) flush()
    next
}
{ print }
function flush(   n, keep) {
    keep = 1
    for (n in dropped)
        if (index(entry, "\"dep:" n "\"") || index(entry, "\"" n "\"") || index(entry, "\"" n "/") || index(entry, "\"" n "?/"))
            keep = 0
    if (keep) printf "%s", entry
    entry = ""
}
