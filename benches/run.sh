#!/usr/bin/env bash
# Benchmarks confdiff side by side with the floor of the machine and with the
# Python script a user might write instead, and writes BENCHMARKS.md.
#
#   benches/run.sh            full run (release build; 10-20 minutes on 2 cores)
#   benches/run.sh --quick    every step on tiny sizes, a couple of runs each;
#                             checks that every step runs and the table is
#                             made, asserts no timings (CI runs this)
#   benches/run.sh --out FILE write the report there (default: BENCHMARKS.md
#                             at the top of the checkout; in quick mode a
#                             temporary file that is printed)
#
# Environment: CONFDIFF_BIN (a binary to measure instead of building one),
# BENCH_DIR (where the full run builds its repositories; default
# target/bench). Needs git, python3 and cargo; installs PyYAML from PyPI when
# it is missing. Steps the binary cannot do yet (saving to SQLite, remote
# repositories) are reported as skipped, on stderr and in BENCHMARKS.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
HARNESS=(python3 "$HERE/harness.py")
MODE=full
OUT=
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) MODE=quick ;;
        --out) OUT=${2:?--out needs a file}; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [ "$MODE" = quick ]; then
    SIZES=(20 40 60 80); PYTHON_SIZES=(20 60)
    SEED_SIZE=20; SCALE_SIZE=60; RSS_SIZE=80
    RUNS=2; WARMUP=1; ROUNDS=2
    HIST_SERVICES=30; HIST_COMMITS=20; TAG_EVERY=5; FETCH_TAGS=50
    BLAME_SERVICES=20; BLAME_COMMITS=30
    SERVE_CACHED=(20 40); SERVE_COLD=(10 32)
    WALK_SERVICES=20; WALK_COMMITS=15
    PROFILE=dev; CARGO_PROFILE=()
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/confdiff-bench.XXXXXX")
else
    SIZES=(150 1000 10000 20000); PYTHON_SIZES=(150 1000 10000)
    SEED_SIZE=150; SCALE_SIZE=10000; RSS_SIZE=20000
    RUNS=5; WARMUP=1; ROUNDS=11
    HIST_SERVICES=2000; HIST_COMMITS=300; TAG_EVERY=25; FETCH_TAGS=3000
    BLAME_SERVICES=200; BLAME_COMMITS=1000
    SERVE_CACHED=(2000 8000); SERVE_COLD=(100 400)
    WALK_SERVICES=300; WALK_COMMITS=999
    PROFILE=release; CARGO_PROFILE=(--release)
    WORK=${BENCH_DIR:-$ROOT/target/bench}
    rm -rf "$WORK"
    mkdir -p "$WORK"
fi
OUT=${OUT:-$([ "$MODE" = quick ] && echo "$WORK/BENCHMARKS.md" || echo "$ROOT/BENCHMARKS.md")}
RESULTS=$WORK/results.jsonl
NOTES=$WORK/notes.txt
: > "$RESULTS"
: > "$NOTES"

DAEMON_PID=
SERVE_PID=
cleanup() {
    if [ -n "$SERVE_PID" ]; then
        kill "$SERVE_PID" 2>/dev/null || true
        wait "$SERVE_PID" 2>/dev/null || true
    fi
    if [ -n "$DAEMON_PID" ]; then
        kill "$DAEMON_PID" 2>/dev/null || true
        wait "$DAEMON_PID" 2>/dev/null || true
    fi
    if [ "$MODE" = quick ]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

say() { printf '\n== %s\n' "$*" >&2; }
note() { printf '%s\n' "$*" >> "$NOTES"; }
die() { echo "run.sh: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }

# Nothing the benchmark runs may touch the user's own database or cache.
export XDG_DATA_HOME=$WORK/xdg-data XDG_CACHE_HOME=$WORK/xdg-cache
export CONFDIFF_DB=$WORK/default.db CONFDIFF_CACHE=$WORK/default-cache
export NO_COLOR=1 GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
mkdir -p "$XDG_DATA_HOME" "$XDG_CACHE_HOME"

# --------------------------------------------------------------------------
say "building ($PROFILE profile)"
artifacts() {
    # Prints "name path" for each executable cargo built.
    python3 -c '
import json, sys
for line in sys.stdin:
    msg = json.loads(line)
    if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
        print(msg["target"]["name"], msg["executable"])'
}
TARGETS=(--example parse_floor --example load)
if [ -z "${CONFDIFF_BIN:-}" ]; then TARGETS+=(--bin confdiff); fi
BUILT=$(cd "$ROOT" && cargo build "${CARGO_PROFILE[@]}" "${TARGETS[@]}" \
    --message-format=json-render-diagnostics | artifacts)
PARSE_FLOOR=$(awk '$1 == "parse_floor" { print $2 }' <<<"$BUILT")
BIN=${CONFDIFF_BIN:-$(awk '$1 == "confdiff" { print $2 }' <<<"$BUILT")}
[ -x "$BIN" ] || die "no confdiff binary at '$BIN'"
[ -x "$PARSE_FLOOR" ] || die "the parse_floor example was not built"
LOAD=$(awk '$1 == "load" { print $2 }' <<<"$BUILT")
[ -x "$LOAD" ] || die "the load example was not built"
# Private copies: a build in a shared target folder cannot swap them mid-run.
mkdir -p "$WORK/bin"
cp "$BIN" "$WORK/bin/confdiff"
cp "$PARSE_FLOOR" "$WORK/bin/parse_floor"
cp "$LOAD" "$WORK/bin/load"
LOAD=$WORK/bin/load
BIN=$WORK/bin/confdiff
PARSE_FLOOR=$WORK/bin/parse_floor
echo "confdiff: $BIN" >&2
echo "parse floor: $PARSE_FLOOR" >&2

say "PyYAML"
if ! python3 -c 'import yaml' 2>/dev/null; then
    echo "PyYAML is missing: installing it from PyPI" >&2
    python3 -m pip install --quiet pyyaml \
        || python3 -m pip install --quiet --break-system-packages pyyaml \
        || python3 -m pip install --quiet --user pyyaml \
        || true
fi
python3 -c 'import yaml' 2>/dev/null \
    || die "PyYAML is not installed and could not be installed (python3 -m pip install pyyaml)"
HAS_LIBYAML=$(python3 -c 'import yaml; print(int(yaml.__with_libyaml__))')

# --------------------------------------------------------------------------
say "what this confdiff can do"
COMPARE_HELP=$("$BIN" compare --help)
TOP_HELP=$("$BIN" --help)
has_option() { grep -qE -- "(^|[[:space:],])$1([[:space:]=,]|\$)" <<<"$COMPARE_HELP"; }
HAS_SAVE=0; has_option --no-save && has_option --db && HAS_SAVE=1
HAS_REMOTE=0; grep -qE '^[[:space:]]+fetch([[:space:]]|$)' <<<"$TOP_HELP" && HAS_REMOTE=1
HAS_OFFLINE=0; has_option --offline && HAS_OFFLINE=1
HAS_CACHE_DIR=0; has_option --cache-dir && HAS_CACHE_DIR=1
echo "saving to SQLite (--no-save, --db): $([ $HAS_SAVE = 1 ] && echo yes || echo no)" >&2
echo "remote repositories (fetch command): $([ $HAS_REMOTE = 1 ] && echo yes || echo no)" >&2
NO_SAVE=()
if [ $HAS_SAVE = 1 ]; then NO_SAVE=(--no-save); fi
NO_SAVE_REASON="this confdiff has no --db/--no-save: it cannot save runs to SQLite"

LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)

# --------------------------------------------------------------------------
REPOS=$WORK/repos
mkdir -p "$REPOS"

# generate NAME SERVICES [gen.py options...]: a repository with a work tree.
generate() {
    local name=$1 services=$2
    shift 2
    local repo=$REPOS/$name start gen_ms repack_ms
    git init -q --initial-branch=main "$repo"
    start=$(now_ms)
    python3 "$HERE/gen.py" --services "$services" --manifest "$repo.manifest.json" "$@" \
        | git -C "$repo" fast-import --quiet
    gen_ms=$(( $(now_ms) - start ))
    start=$(now_ms)
    # fast-import deltifies each blob against the one before it, in chains
    # up to 50 deep; -f recomputes the deltas as `git gc` would.
    git -C "$repo" repack -a -d -f -q
    repack_ms=$(( $(now_ms) - start ))
    echo "  $name: $services services, generated in $gen_ms ms, repacked in $repack_ms ms" >&2
    note "Repository $name ($services services${*:+, gen.py $*}): gen.py piped into git fast-import took $gen_ms ms; \`git repack -a -d -f\` then took $repack_ms ms, so confdiff reads a pack like the ones \`git gc\` and clones make (fast-import's own pack has delta chains up to 50 deep, which makes every blob read twice as slow)."
}

checkout() { git -C "$REPOS/$1" reset -q --hard; }

measure() { "${HARNESS[@]}" measure --results "$RESULTS" --runs "$RUNS" "$@"; }
skip() { "${HARNESS[@]}" skip --results "$RESULTS" "$@"; }

# compare_cmd REPO ARGS...: the confdiff command line measured.
compare_cmd() { local repo=$1; shift; echo "$BIN" compare --repo "$repo" "$@"; }

EXPECTED_STEPS=()
for n in "${SIZES[@]}"; do
    EXPECTED_STEPS+=("compare-self-$n" "compare-$n" "compare-save-$n" "compare-cached-$n" "catfile-$n" "parse-$n")
done
for n in "${PYTHON_SIZES[@]}"; do EXPECTED_STEPS+=("python-libyaml-$n" "python-$n"); done
EXPECTED_STEPS+=("compare-json-$SCALE_SIZE" "jobs1-$SCALE_SIZE" "jobs2-$SCALE_SIZE")
EXPECTED_STEPS+=("compare-rules-$SCALE_SIZE")
EXPECTED_STEPS+=(history-span history-full remote-clone remote-fetch remote-offline)
EXPECTED_STEPS+=(remote-tags-fetch remote-tags-git)
EXPECTED_STEPS+=(walk-compares walk-history walk-history-again)

# --------------------------------------------------------------------------
for n in "${SIZES[@]}"; do
    say "$n services"
    generate "s$n" "$n"
    repo=$REPOS/s$n
    sides=(implementation_1 implementation_2)

    "$BIN" compare --repo "$repo" --format json "${NO_SAVE[@]}" "${sides[@]}" > "$WORK/check.json"
    "${HARNESS[@]}" check --what "confdiff on $n services" --expected "$repo.manifest.json" \
        --key expected_head --actual "$WORK/check.json"

    measure --id "compare-self-$n" --label "confdiff compare, a side against itself" \
        --services "$n" --warmup "$WARMUP" --note "no blob to read: start-up and tree walk" \
        -- $(compare_cmd "$repo" "${NO_SAVE[@]}" implementation_1 implementation_1)
    measure --id "compare-$n" --label "confdiff compare" --services "$n" --warmup "$WARMUP" \
        -- $(compare_cmd "$repo" "${NO_SAVE[@]}" "${sides[@]}")
    if [ $HAS_SAVE = 1 ]; then
        # A new database each time: nothing in the result cache, so this
        # is the whole first comparison and its save.
        measure --id "compare-save-$n" --label "confdiff compare, saving to SQLite (new database)" \
            --services "$n" --warmup "$WARMUP" \
            --note "a new database each run: nothing cached" \
            --prepare "rm -f '$WORK/runs-$n.db' '$WORK/runs-$n.db-wal' '$WORK/runs-$n.db-shm'" \
            -- $(compare_cmd "$repo" --db "$WORK/runs-$n.db" "${sides[@]}")
        # The same comparison again in one database: every pair comes from
        # the result cache, a run is added each time.
        "$BIN" compare --repo "$repo" --db "$WORK/cached-$n.db" "${sides[@]}" > /dev/null
        measure --id "compare-cached-$n" --label "confdiff compare again, same database (results from the cache)" \
            --services "$n" --warmup "$WARMUP" \
            --note "one database, a run added each time" \
            -- $(compare_cmd "$repo" --db "$WORK/cached-$n.db" "${sides[@]}")
    else
        skip --id "compare-save-$n" --label "confdiff compare, saving to SQLite" \
            --services "$n" --reason "$NO_SAVE_REASON"
        skip --id "compare-cached-$n" --label "confdiff compare again, same database" \
            --services "$n" --reason "$NO_SAVE_REASON"
    fi

    "${HARNESS[@]}" blobs --repo "$repo" --out "$WORK/ids-$n.txt" "${sides[@]}"
    blob_count=$(wc -l < "$WORK/ids-$n.txt")
    measure --id "catfile-$n" --label "floor: git cat-file --batch of the blobs to read" \
        --services "$n" --warmup "$WARMUP" --note "$blob_count blobs" \
        --stdin "$WORK/ids-$n.txt" -- git -C "$repo" cat-file --batch
    git -C "$repo" cat-file --batch < "$WORK/ids-$n.txt" > "$WORK/blobs-$n.batch"
    "${HARNESS[@]}" selftimed --results "$RESULTS" --id "parse-$n" \
        --label "floor: confdiff's YAML loader alone, 1 thread" --services "$n" \
        --note "$blob_count blobs" -- "$PARSE_FLOOR" --runs "$RUNS" "$WORK/blobs-$n.batch"
    if [ "$n" = "$SCALE_SIZE" ]; then
        # The goals that are ratios, measured again in rounds (each command
        # once a round, in turn), so each ratio is taken within a round.
        python3 - "$WORK/rounds-$n.json" "$repo" "$WORK/ids-$n.txt" "$PARSE_FLOOR" \
            "$WORK/blobs-$n.batch" "$BIN" "${NO_SAVE[@]}" -- "${sides[@]}" <<'PY'
import json, sys
out, repo, ids, floor, batch, binary, *rest = sys.argv[1:]
cut = rest.index("--")
no_save, sides = rest[:cut], rest[cut + 1:]
compare = [binary, "compare", "--repo", repo, *no_save]
spec = [
    {"id": "round-catfile", "label": "floor: git cat-file --batch of the blobs to read",
     "command": ["git", "-C", repo, "cat-file", "--batch"], "stdin": ids},
    {"id": "round-parse", "label": "floor: confdiff's YAML loader alone, 1 thread",
     "command": [floor, "--runs", "1", batch], "selftimed": True,
     "note": "its own time for one load of every blob, after one warm-up load"},
    {"id": "round-compare", "label": "confdiff compare", "command": [*compare, *sides]},
    {"id": "round-jobs1", "label": "confdiff compare --jobs 1",
     "command": [*compare, "--jobs", "1", *sides]},
    {"id": "round-jobs2", "label": "confdiff compare --jobs 2",
     "command": [*compare, "--jobs", "2", *sides]},
]
n = out.rsplit("-", 1)[1].split(".")[0]
for entry in spec:
    entry["id"] += f"-{n}"
    entry["label"] += ", in rounds"
json.dump(spec, open(out, "w"))
PY
        "${HARNESS[@]}" rounds --results "$RESULTS" --services "$n" --spec "$WORK/rounds-$n.json" \
            --runs "$ROUNDS" --warmup "$WARMUP"
    fi
    rm -f "$WORK/blobs-$n.batch"

    if [ "$n" = "$SCALE_SIZE" ]; then
        measure --id "compare-json-$n" --label "confdiff compare --format json" --services "$n" \
            --warmup "$WARMUP" -- $(compare_cmd "$repo" --format json "${NO_SAVE[@]}" "${sides[@]}")
        # Five comparison rules, next to the rule-free compare-$n row.
        rules=(--no-config --ignore '**.annotations' --ignore 'metadata.labels.**'
               --list-key '**.containers=name' --ignore-order '**.args' --list-keys auto)
        measure --id "compare-rules-$n" --label "confdiff compare with five rules" --services "$n" \
            --warmup "$WARMUP" -- $(compare_cmd "$repo" "${rules[@]}" "${NO_SAVE[@]}" "${sides[@]}")
        for jobs in 1 2; do
            measure --id "jobs$jobs-$n" --label "confdiff compare --jobs $jobs" --services "$n" \
                --warmup "$WARMUP" -- $(compare_cmd "$repo" --jobs "$jobs" "${NO_SAVE[@]}" "${sides[@]}")
        done
    fi

    if [[ " ${PYTHON_SIZES[*]} " == *" $n "* ]]; then
        checkout "s$n"
        py=(python3 "$HERE/pyyaml_compare.py" "$repo/implementation_1" "$repo/implementation_2")
        if [ "$HAS_LIBYAML" = 1 ]; then
            "${py[@]}" --libyaml > "$WORK/check.txt"
            "${HARNESS[@]}" check --what "Python (libyaml) on $n services" --last-line \
                --expected "$repo.manifest.json" --key expected_head --actual "$WORK/check.txt"
            measure --id "python-libyaml-$n" --label "Python script, PyYAML CSafeLoader (libyaml)" \
                --services "$n" --warmup "$WARMUP" -- "${py[@]}" --libyaml
        else
            skip --id "python-libyaml-$n" --label "Python script, PyYAML CSafeLoader (libyaml)" \
                --services "$n" --reason "this PyYAML was built without libyaml"
        fi
        if [ "$MODE" = full ] && [ "$n" -ge 10000 ]; then
            # Pure-Python PyYAML needs minutes per run at this size: five runs
            # and a check run would take half an hour. One timed run, no
            # check (the same script's counts were checked at the smaller
            # sizes and, with libyaml, at this one).
            measure --id "python-$n" --label "Python script, PyYAML safe_load" --services "$n" \
                --runs 1 --warmup 0 --note "one run: minutes each" -- "${py[@]}"
            note "PyYAML safe_load on $n services was timed once, not five times: each run takes minutes. The libyaml row at this size has five runs and is the stricter baseline for the 20× target."
        else
            "${py[@]}" > "$WORK/check.txt"
            "${HARNESS[@]}" check --what "Python on $n services" --last-line \
                --expected "$repo.manifest.json" --key expected_head --actual "$WORK/check.txt"
            measure --id "python-$n" --label "Python script, PyYAML safe_load" --services "$n" \
                --warmup "$WARMUP" -- "${py[@]}"
        fi
    fi
    # The large work trees and repositories are no longer needed.
    if [ "$n" -ge 10000 ]; then rm -rf "$repo"; fi
done
note "The blobs to read are both files of every service whose two blob ids differ: confdiff reads those and no others (equal ids are identical without reading). The cat-file floor prints exactly those (ids listed by \`git ls-tree\`, not timed) to /dev/null."
note "The parse floor is \`examples/parse_floor.rs\`: it reads the same blobs from \`git cat-file --batch\` output into memory, then times \`confdiff::document::load\` on each of them in one thread (median of $RUNS runs after a warm-up, timed inside the process)."
note "The Python script is \`benches/pyyaml_compare.py\`: it walks the checked-out work tree (checkout not timed), loads both files of every service with PyYAML, compares them with a recursive dict walk and prints each difference. It and confdiff must find the counts the generator made before anything is timed."
note "confdiff runs print the human report to /dev/null with the default --jobs (all cores) unless the row says otherwise$([ $HAS_SAVE = 1 ] && echo '; rows without SQLite pass --no-save')."

# --------------------------------------------------------------------------
say "history: one implementation across commits far apart"
generate history "$HIST_SERVICES" --history "$HIST_COMMITS" --tag-every "$TAG_EVERY"
repo=$REPOS/history
manifest=$repo.manifest.json
first_tag=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tags"][0]["name"])' "$manifest")
last_tag=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tags"][-1]["name"])' "$manifest")
python3 - "$manifest" > "$WORK/history-expected.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
changed = m["tags"][-1]["changed_since_first_tag"]["implementation_1"]
print(json.dumps({"services": m["services"], "identical": m["services"] - changed,
                  "different": changed, "errors": 0}))
EOF
"$BIN" compare --repo "$repo" --format json "${NO_SAVE[@]}" \
    "$first_tag:implementation_1" "$last_tag:implementation_1" > "$WORK/check.json"
"${HARNESS[@]}" check --what "history $first_tag..$last_tag" --expected "$WORK/history-expected.json" \
    --actual "$WORK/check.json"
"${HARNESS[@]}" blobs --repo "$repo" --out "$WORK/ids-history.txt" \
    "$first_tag:implementation_1" "$last_tag:implementation_1"
span_blobs=$(wc -l < "$WORK/ids-history.txt")
"${HARNESS[@]}" blobs --repo "$repo" --out "$WORK/ids-history-full.txt" implementation_1 implementation_2
full_blobs=$(wc -l < "$WORK/ids-history-full.txt")
measure --id history-span --label "confdiff, implementation_1 at $first_tag vs $last_tag" \
    --services "$HIST_SERVICES" --warmup "$WARMUP" \
    --note "$HIST_COMMITS commits apart, $span_blobs blobs to read" \
    -- $(compare_cmd "$repo" "${NO_SAVE[@]}" "$first_tag:implementation_1" "$last_tag:implementation_1")
measure --id history-full --label "confdiff, implementation_1 vs implementation_2 at HEAD, same repository" \
    --services "$HIST_SERVICES" --warmup "$WARMUP" --note "$full_blobs blobs to read" \
    -- $(compare_cmd "$repo" "${NO_SAVE[@]}" implementation_1 implementation_2)
note "History: $HIST_SERVICES services, $((HIST_COMMITS + 1)) commits, each later commit editing 2 % of the config files (95 % of the edits in a hot 5 % of them), an annotated tag every $TAG_EVERY commits."

# --------------------------------------------------------------------------
say "history walk: every commit of a range, against a compare per commit"
generate walk "$WALK_SERVICES" --history "$WALK_COMMITS" --tag-every 100
walk=$REPOS/walk
git -C "$walk" rev-list --topo-order --reverse HEAD > "$WORK/walk-commits.txt"
walk_commits=$(wc -l < "$WORK/walk-commits.txt")
# What a user without `history` runs: one compare per commit of the range.
cat > "$WORK/compare-each.sh" <<EOF
#!/usr/bin/env bash
set -e
while read -r commit; do
    "$BIN" compare --repo "$walk" ${NO_SAVE[*]} "\$commit:implementation_1" "\$commit:implementation_2" > /dev/null
done < "$WORK/walk-commits.txt"
EOF
# The history must have a row per commit, the last one what compare says.
"$BIN" history --repo "$walk" --no-save --format json implementation_1 implementation_2 > "$WORK/walk.json"
"$BIN" compare --repo "$walk" --no-save --format json implementation_1 implementation_2 > "$WORK/walk-head.json"
python3 - "$WORK/walk.json" "$WORK/walk-head.json" "$walk_commits" <<'EOF'
import json, sys
history, head, commits = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), int(sys.argv[3])
assert len(history["rows"]) == commits, (len(history["rows"]), commits)
assert history["rows"][-1]["summary"] == head["summary"], (history["rows"][-1]["summary"], head["summary"])
EOF
"${HARNESS[@]}" measure --results "$RESULTS" --runs $(( RUNS < 3 ? RUNS : 3 )) --id walk-compares \
    --label "a compare per commit, $walk_commits processes" --services "$WALK_SERVICES" --warmup 0 \
    --note "$walk_commits commits" -- bash "$WORK/compare-each.sh"
measure --id walk-history --label "confdiff history, first run (new database)" \
    --services "$WALK_SERVICES" --warmup "$WARMUP" --note "$walk_commits commits" \
    --prepare "rm -f '$WORK/walk-cold.db' '$WORK/walk-cold.db-wal' '$WORK/walk-cold.db-shm'" \
    -- "$BIN" history --repo "$walk" --db "$WORK/walk-cold.db" implementation_1 implementation_2
"$BIN" history --repo "$walk" --db "$WORK/walk-warm.db" implementation_1 implementation_2 > /dev/null
measure --id walk-history-again --label "confdiff history, the same history again (same database)" \
    --services "$WALK_SERVICES" --warmup "$WARMUP" --note "$walk_commits commits" \
    -- "$BIN" history --repo "$walk" --db "$WORK/walk-warm.db" implementation_1 implementation_2
note "History walk: $WALK_SERVICES services per implementation, $walk_commits commits, each editing about 2 % of the config files; \`confdiff history implementation_1 implementation_2\` over all of them, against a shell loop running \`confdiff compare C:implementation_1 C:implementation_2\` for each commit C (the loop is timed over at most 3 runs, without a warm-up: it takes long)."

# --------------------------------------------------------------------------
say "remote: git:// from a local git daemon"
REMOTE_LABEL="the history repository over git:// from git daemon on 127.0.0.1"
if [ $HAS_REMOTE = 1 ]; then
    served=$WORK/served
    mkdir -p "$served"
    git clone -q --bare "$repo" "$served/platform.git"
    port=$("${HARNESS[@]}" freeport)
    git daemon --reuseaddr --listen=127.0.0.1 --port="$port" --base-path="$served" \
        --export-all "$served" 2>"$WORK/daemon.log" &
    DAEMON_PID=$!
    "${HARNESS[@]}" waitport "$port"
    url=git://127.0.0.1:$port/platform.git
    cache=$WORK/mirrors
    cache_args=(); cache_env=(--env "CONFDIFF_CACHE=$cache")
    if [ $HAS_CACHE_DIR = 1 ]; then cache_args=(--cache-dir "$cache"); fi
    remote=("$BIN" compare --repo "$url" "${cache_args[@]}" "${NO_SAVE[@]}" implementation_1 implementation_2)
    CONFDIFF_CACHE=$cache "${remote[@]}" --format json > "$WORK/check.json"
    "${HARNESS[@]}" check --what "remote compare" --expected "$manifest" --key expected_head \
        --actual "$WORK/check.json"
    measure --id remote-clone --label "confdiff, remote, first run: clone + compare" \
        --services "$HIST_SERVICES" --warmup "$WARMUP" --note "$HIST_COMMITS commits" \
        --prepare "rm -rf '$cache'" "${cache_env[@]}" -- "${remote[@]}"
    measure --id remote-fetch --label "confdiff, remote, later run: fetch (nothing new) + compare" \
        --services "$HIST_SERVICES" --warmup "$WARMUP" "${cache_env[@]}" -- "${remote[@]}"
    if [ $HAS_OFFLINE = 1 ]; then
        measure --id remote-offline --label "confdiff, remote, --offline: the mirror as it is" \
            --services "$HIST_SERVICES" --warmup "$WARMUP" "${cache_env[@]}" -- "${remote[@]}" --offline
    else
        skip --id remote-offline --label "confdiff, remote, --offline" --services "$HIST_SERVICES" \
            --reason "this confdiff has no --offline, so the fetch's own cost cannot be isolated"
    fi

    say "remote: a fetch with nothing new, $FETCH_TAGS annotated tags"
    # The history repository with FETCH_TAGS more annotated tags, spread
    # over its commits, served by the same daemon. What a fetch with
    # nothing new costs grows with the number of references, and real
    # repositories have thousands of tags.
    tagged=$served/tagged.git
    git clone -q --bare "$repo" "$tagged"
    git -C "$tagged" rev-list --all \
        | "${HARNESS[@]}" tags --count "$FETCH_TAGS" \
        | git -C "$tagged" fast-import --quiet
    git -C "$tagged" pack-refs --all
    tagged_url=git://127.0.0.1:$port/tagged.git
    tag_cache=$WORK/mirrors-tagged
    git_mirror=$WORK/git-mirror.git
    CONFDIFF_CACHE=$tag_cache "$BIN" fetch "$tagged_url" > /dev/null
    git clone -q --mirror "$tagged_url" "$git_mirror"
    served_refs=$(git -C "$tagged" show-ref | wc -l)
    for mirror in "$tag_cache/repos/127.0.0.1_$port/tagged.git" "$git_mirror"; do
        [ "$(git -C "$mirror" show-ref --heads --tags | wc -l)" = "$served_refs" ] \
            || die "the mirror $mirror does not hold the $served_refs references served"
    done
    echo "  both mirrors hold the $served_refs references served" >&2
    measure --id remote-tags-fetch \
        --label "confdiff fetch, nothing new, $FETCH_TAGS annotated tags" \
        --services "$HIST_SERVICES" --warmup "$WARMUP" --note "$served_refs references" \
        --env "CONFDIFF_CACHE=$tag_cache" -- "$BIN" fetch "$tagged_url"
    measure --id remote-tags-git \
        --label "git fetch --prune --prune-tags in a bare mirror, nothing new, $FETCH_TAGS annotated tags" \
        --services "$HIST_SERVICES" --warmup "$WARMUP" --note "$served_refs references" \
        -- git -C "$git_mirror" fetch --quiet --prune --prune-tags
    note "Fetch with $FETCH_TAGS tags: the history repository with $FETCH_TAGS more annotated tags spread over its commits (\`git pack-refs --all\` after), served by the same git daemon; confdiff's mirror and git's (\`git clone --mirror\`) were made before the rows, and both must hold every served reference. Each run finds nothing new."

    kill "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
    DAEMON_PID=
    note "Remote: $REMOTE_LABEL. The clone row empties the mirror cache before each run; the fetch row reuses the mirror, so each run fetches and finds nothing new; the offline row reads the same mirror without the network. The fetch's cost is the fetch row minus the offline row. The daemon's upload-pack runs outside the measured process, so the clone row's other load is mostly the server's own work."
else
    reason="this confdiff has no fetch command: it cannot read remote repositories yet"
    skip --id remote-clone --label "confdiff, remote, first run: clone + compare" \
        --services "$HIST_SERVICES" --reason "$reason"
    skip --id remote-fetch --label "confdiff, remote, later run: fetch (nothing new) + compare" \
        --services "$HIST_SERVICES" --reason "$reason"
    skip --id remote-offline --label "confdiff, remote, --offline" --services "$HIST_SERVICES" \
        --reason "$reason"
    skip --id remote-tags-fetch --label "confdiff fetch, nothing new, $FETCH_TAGS annotated tags" \
        --services "$HIST_SERVICES" --reason "$reason"
    skip --id remote-tags-git \
        --label "git fetch --prune --prune-tags in a bare mirror, nothing new, $FETCH_TAGS annotated tags" \
        --services "$HIST_SERVICES" --reason "$reason"
fi

# --------------------------------------------------------------------------
say "blame: one value across a long first-parent history"
EXPECTED_STEPS+=(blame-all blame-oldest)
blame_label_all="confdiff blame --all: every change of one value of the most edited file"
blame_label_oldest="confdiff blame: a value unchanged since the first commit, in the most edited file"
if grep -qE '^[[:space:]]+blame([[:space:]]|$)' <<<"$TOP_HELP"; then
    generate blame "$BLAME_SERVICES" --history "$BLAME_COMMITS"
    blame_repo=$REPOS/blame
    # gen.py sends most edits to a hot 5 % of the files; blame the file
    # edited most. Every edit sets metadata.revision to the commit's
    # number, so each commit that touches the file changes that value.
    blame_file=$(git -C "$blame_repo" log --format= --name-only | grep . | sort | uniq -c \
        | sort -k1,1nr -k2 | awk 'NR == 1 { print $2 }')
    blame_edits=$(git -C "$blame_repo" rev-list --count HEAD -- "$blame_file")
    blame=("$BIN" blame --repo "$blame_repo")
    "${blame[@]}" --all --format json "$blame_file" metadata.revision > "$WORK/check.json"
    python3 - "$WORK/check.json" "$blame_edits" <<'CHECK'
import json, sys
report, edits = json.load(open(sys.argv[1])), int(sys.argv[2])
found = len(report["changes"])
if found != edits or report["changes"][-1]["before"]["state"] != "absent":
    sys.exit(f"blame --all found {found} changes of metadata.revision; "
             f"git log finds {edits} commits that edit the file")
print(f"  blame --all: {found} changes, one per commit that edits the file", file=sys.stderr)
CHECK
    "${blame[@]}" --format json "$blame_file" kind > "$WORK/check.json"
    python3 - "$WORK/check.json" <<'CHECK'
import json, sys
report = json.load(open(sys.argv[1]))
if [c["before"]["state"] for c in report["changes"]] != ["absent"]:
    sys.exit(f"blame of kind should find the first commit only: {report['changes']}")
CHECK
    commits=$((BLAME_COMMITS + 1))
    measure --id blame-all --label "$blame_label_all" --services "$BLAME_SERVICES" \
        --commits "$commits" --warmup "$WARMUP" \
        --note "$commits commits, $blame_edits of them edit the file: $blame_edits changes" \
        -- "${blame[@]}" --all "$blame_file" metadata.revision
    measure --id blame-oldest --label "$blame_label_oldest" --services "$BLAME_SERVICES" \
        --commits "$commits" --warmup "$WARMUP" \
        --note "the walk reaches the first of $commits commits and loads $blame_edits versions" \
        -- "${blame[@]}" "$blame_file" kind
    note "Blame: a repository of its own, $BLAME_SERVICES services and $commits commits (gen.py --history $BLAME_COMMITS), blamed at its most edited file ($blame_file, edited by $blame_edits commits). Both rows must find what git log finds before they are timed: the --all row one change per commit that edits the file, the other row the first commit only."
    rm -rf "$blame_repo"
else
    reason="this confdiff has no blame command"
    skip --id blame-all --label "$blame_label_all" --services "$BLAME_SERVICES" --reason "$reason"
    skip --id blame-oldest --label "$blame_label_oldest" --services "$BLAME_SERVICES" \
        --reason "$reason"
fi

# --------------------------------------------------------------------------
say "confdiff serve: comparisons over HTTP"
EXPECTED_STEPS+=(serve-cached-1 serve-cached-16 serve-cold-1 serve-cold-16)
if grep -qE '^[[:space:]]+serve([[:space:]]|$)' <<<"$TOP_HELP"; then
    generate serve "$SEED_SIZE"
    serve_repo=$REPOS/serve
    serve_port=$("${HARNESS[@]}" freeport)
    "$BIN" serve --listen "127.0.0.1:$serve_port" --db "$WORK/serve.db" \
        --allow-repo "$serve_repo" 2> "$WORK/serve.log" &
    SERVE_PID=$!
    "${HARNESS[@]}" waitport "$serve_port" --timeout 30
    body='{"left": "implementation_1", "right": "implementation_2"}'
    # The cold body asks for a file size limit no request used before: the
    # result cache is keyed on the options, so nothing is answered from it.
    cold_body='{"left": "implementation_1", "right": "implementation_2", "max_file_size": {n}}'
    load=("$LOAD" --addr "127.0.0.1:$serve_port" --path /api/comparisons --status 201)
    "${load[@]}" --requests 1 --body "$body" > /dev/null  # fills the cache
    for clients in 1 16; do
        "${HARNESS[@]}" load --results "$RESULTS" --id "serve-cached-$clients" \
            --label "confdiff serve: POST /api/comparisons, answered from the cache, $clients concurrent clients" \
            --services "$SEED_SIZE" \
            -- "${load[@]}" --clients "$clients" --requests "${SERVE_CACHED[$(( clients > 1 ))]}" --body "$body"
        "${HARNESS[@]}" load --results "$RESULTS" --id "serve-cold-$clients" \
            --label "confdiff serve: POST /api/comparisons, cold (nothing cached), $clients concurrent clients" \
            --services "$SEED_SIZE" \
            -- "${load[@]}" --clients "$clients" --requests "${SERVE_COLD[$(( clients > 1 ))]}" --cold --body "$cold_body"
    done
    kill "$SERVE_PID"
    wait "$SERVE_PID" || die "confdiff serve did not exit 0 on SIGTERM: $(tail -5 "$WORK/serve.log")"
    SERVE_PID=
    note "Serve: \`confdiff serve\` on the $SEED_SIZE-service repository (default --max-concurrent: the cores), driven by examples/load.rs (one keep-alive connection per client, each answer read whole). Each request compares and saves a run; the cached rows are answered from the result cache, the cold rows ask for a new max_file_size each time, so every pair is diffed again. Median is p50 of all requests; p99 and requests/s are in the label."
    rm -rf "$serve_repo"
else
    reason="this confdiff has no serve command"
    for id in serve-cached-1 serve-cached-16 serve-cold-1 serve-cold-16; do
        skip --id "$id" --label "confdiff serve" --services "$SEED_SIZE" --reason "$reason"
    done
fi

# --------------------------------------------------------------------------
say "report"
note "Load average (1, 5, 15 min) when the run started: $LOAD_AT_START; when it ended: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown). The machine was not otherwise idle if these are far above 0."
"${HARNESS[@]}" context --mode "$MODE" --binary "$BIN" --source "$ROOT" --profile "$PROFILE" \
    --steps "${EXPECTED_STEPS[*]}" --notes "$NOTES" --out "$WORK/context.json" \
    --seed-size "$SEED_SIZE" --scale-size "$SCALE_SIZE" --rss-size "$RSS_SIZE"
"${HARNESS[@]}" report --results "$RESULTS" --context "$WORK/context.json" \
    --analysis "$HERE/analysis.md" --out "$OUT"

if [ "$MODE" = quick ]; then
    grep -q '^| Measurement |' "$OUT" || die "the report has no table"
    rows=$(grep -c '^| ' "$OUT")
    [ "$rows" -ge $(( ${#EXPECTED_STEPS[@]} + 2 )) ] || die "the report has only $rows table lines"
    echo "quick benchmark: all ${#EXPECTED_STEPS[@]} steps ran or were reported skipped; table written" >&2
fi
