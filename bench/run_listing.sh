#!/usr/bin/env bash
# Times listing a 100,000-file image: `discwright image ls` against isoinfo, xorriso, 7z and
# bsdtar; writes a section of bench/RESULTS.md. See bench/README.md. Environment variables:
#
#   BENCH_WORK=/tmp/discwright-bench   trees (shared with run_benchmarks.sh), image, raw data
#   DISCWRIGHT=<repo>/build-bench/bin/discwright   binary to test (built if missing or if it has
#                           no `image ls`; only at the default path)
#   REPS=5                  timed repetitions per command (median reported)
#   SMALL_FILES=100000 SMALL_DIRS=2000   the small-file tree (same as run_benchmarks.sh)
#   TIMEOUT=300             seconds per run
#   RESULTS=<repo>/bench/RESULTS.md
#   NICE=-10                nice level of the timed commands (default -10 as root, else 0)
#   REPORT_ONLY=1           only rewrite the listing section of RESULTS.md from the last run's data
#
# The tree is built once (marker <tree>.done, as run_benchmarks.sh does). The image is made
# again only when the binary under test or the tree changed (a stamp file next to it).
# Only the text between <!-- listing:begin --> and <!-- listing:end --> in RESULTS.md changes.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
WORK=${BENCH_WORK:-/tmp/discwright-bench}
DEFAULT_DW=$REPO/build-bench/bin/discwright
DISCWRIGHT=${DISCWRIGHT:-$DEFAULT_DW}
REPS=${REPS:-5}
SMALL_FILES=${SMALL_FILES:-100000}
SMALL_DIRS=${SMALL_DIRS:-2000}
TIMEOUT=${TIMEOUT:-300}
RESULTS=${RESULTS:-$HERE/RESULTS.md}
if [[ $EUID == 0 ]]; then NICE=${NICE:--10}; else NICE=${NICE:-0}; fi
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
export LC_ALL=C.UTF-8

TREEDIR=$WORK/trees
TREE=$TREEDIR/small
IMGDIR=$WORK/listing
IMG=$IMGDIR/small.iso
DATA=$WORK/data/listing
mkdir -p "$TREEDIR" "$IMGDIR" "$DATA"
RAW=$DATA/raw.tsv   # tool rep wall user sys rss_kib rc other_cpu_s load1
COUNT=$DATA/counts.tsv # tool rc entries_listed output_lines
META=$DATA/meta.tsv # key value
REPORT_ONLY=${REPORT_ONLY:-0}
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# The commands, in the order of the table: name, then the command with IMG for the image.
# (A name is also a file name part: no spaces in the first field.)
TOOLS=(
    "dw-ls-l|discwright image ls -R -l IMG"
    "dw-json|discwright --json image ls -R IMG"
    "dw-ls|discwright image ls -R IMG"
    "isoinfo|isoinfo -R -l -i IMG"
    "xorriso|xorriso -indev IMG -find / -exec lsdl"
    "7z|7z l IMG"
    "bsdtar-t|bsdtar -tf IMG"
    "bsdtar-tv|bsdtar -tvf IMG"
)

if [[ $REPORT_ONLY != 1 ]]; then
: >"$RAW"
: >"$COUNT"
: >"$META"
meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }

# ---------------------------------------------------------------- prerequisites
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time"
    apt-get install -y time >/dev/null
fi
for t in isoinfo xorriso 7z bsdtar python3 cmake ninja; do
    command -v "$t" >/dev/null || { echo "missing tool: $t (apt-get install genisoimage xorriso p7zip-full libarchive-tools)" >&2; exit 1; }
done
# An older build may predate `image ls`: rebuild it then (the default binary only).
# (`image ls --help` would not tell: an unknown subcommand shows `image --help`.)
has_ls() { "$DISCWRIGHT" image --help 2>/dev/null | grep -qE '^ +ls +'; }
if [[ ! -x $DISCWRIGHT ]] || ! has_ls; then
    if [[ $DISCWRIGHT != "$DEFAULT_DW" ]]; then
        echo "$DISCWRIGHT is missing or has no 'image ls'" >&2
        exit 1
    fi
    log "building discwright in $REPO/build-bench"
    cmake -S "$REPO" -B "$REPO/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDISCWRIGHT_TESTS=OFF >/dev/null
    cmake --build "$REPO/build-bench" --target discwright_cli
fi
# Benchmark a private copy so a rebuild during the run cannot change the binary under test.
mkdir -p "$WORK/bin"
cp "$DISCWRIGHT" "$WORK/bin/discwright-listing"
DW=$WORK/bin/discwright-listing

meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) CPUs online)"
meta nproc "$(nproc)"
meta ram "$(free -g | awk '/^Mem:/{print $2" GiB total, "$7" GiB available at start"}')"
meta kernel "$(uname -srm)"
meta v_discwright "$("$DW" --version 2>&1 | head -1); binary $DISCWRIGHT built $(date -u -r "$DISCWRIGHT" '+%Y-%m-%d %H:%M UTC'); repository HEAD $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ' with uncommitted changes')"
meta v_build "$(grep -E '^CMAKE_BUILD_TYPE:' "$(dirname "$(dirname "$DISCWRIGHT")")/CMakeCache.txt" 2>/dev/null | cut -d= -f2-)"
meta v_isoinfo "$(isoinfo -version 2>&1 | head -1)"
meta v_xorriso "$(xorriso -version 2>/dev/null | head -1 | sed 's/ :.*//')"
meta v_7z "$(7z 2>/dev/null | grep -m1 -E '^p7zip|^7-Zip' | sed 's/ *(.*//; s/ *:.*//')"
meta v_bsdtar "$(bsdtar --version | head -1 | awk '{print $1" "$2" ("$4" "$5")"}')"
meta reps "$REPS"
meta nice "$NICE"

# ---------------------------------------------------------------- tree and image
if [[ -e $TREEDIR/small.done ]]; then
    log "tree small exists (marker $TREEDIR/small.done)"
else
    log "building tree small"
    rm -rf "$TREE"
    python3 "$HERE/make_tree.py" small "$TREE" --files "$SMALL_FILES" --dirs "$SMALL_DIRS"
    touch "$TREEDIR/small.done"
fi
want=$(find "$TREE" -mindepth 1 | wc -l)
meta tree_files "$(find "$TREE" -type f | wc -l)"
meta tree_dirs "$(find "$TREE" -mindepth 1 -type d | wc -l)"
meta want "$want"

stamp="$(sha256sum "$DW" | cut -c1-16) $(stat -c %Y "$TREEDIR/small.done")"
if [[ -e $IMG && -e $IMG.stamp && $(cat "$IMG.stamp") == "$stamp" ]]; then
    log "image $IMG is up to date"
else
    log "mastering $IMG"
    rm -f "$IMG" "$IMG.stamp"
    "$DW" image create --quiet -o "$IMG" "$TREE"
    echo "$stamp" >"$IMG.stamp"
fi
meta image_bytes "$(stat -c %s "$IMG")"
cat "$IMG" >/dev/null # into the page cache

# ---------------------------------------------------------------- counting entries
# Items below the image's root in a tool's output (the root's own line and isoinfo's "." and
# ".." lines are not counted), so a tool that stopped early shows up.
# A mode column as ls -l prints it ("drwxr-xr-x "); spelt out because mawk has no {9}.
MODE_RE='^[-dlcbps]'$(printf '[-rwxsStT]%.0s' {1..9})' '
count_entries() { # name file
    local f=$2
    case $1 in
    dw-ls-l | dw-ls) wc -l <"$f" ;;
    dw-json) grep -c '"event":"entry"' "$f" || true ;;
    isoinfo) awk -v re="$MODE_RE" '$0 ~ re && !/\]  \.\.? ?$/ {n++} END{print n + 0}' "$f" ;;
    xorriso) awk -v re="$MODE_RE" '$0 ~ re && !/ '"'"'\/'"'"'$/ {n++} END{print n + 0}' "$f" ;;
    7z) awk '/^-------------------/ {s = !s; next} s {n++} END{print n + 0}' "$f" ;;
    bsdtar-t) grep -cvx '\.' "$f" || true ;;
    bsdtar-tv) awk '$NF != "." {n++} END{print n + 0}' "$f" ;;
    esac
}

cpu_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
HZ=$(getconf CLK_TCK)

# One untimed run per command into a file, to count what it lists (and warm it up).
declare -A CMD
for t in "${TOOLS[@]}"; do
    name=${t%%|*}
    read -r -a argv <<<"${t#*|}"
    for i in "${!argv[@]}"; do
        [[ ${argv[i]} == IMG ]] && argv[i]=$IMG
        [[ ${argv[i]} == discwright ]] && argv[i]=$DW
    done
    CMD[$name]=$(printf '%q ' "${argv[@]}")
    rc=0
    timeout -k 10 "$TIMEOUT" "${argv[@]}" >"$DATA/out-$name.txt" 2>"$DATA/err-$name.txt" || rc=$?
    got=$(count_entries "$name" "$DATA/out-$name.txt")
    lines=$(wc -l <"$DATA/out-$name.txt")
    printf '%s\t%s\t%s\t%s\n' "$name" "$rc" "$got" "$lines" >>"$COUNT"
    log "  $name: exit $rc, $got of $want entries listed ($lines lines)"
done

# ---------------------------------------------------------------- timed runs
# Round robin (every command once, REPS times) so that load from other processes on a shared
# machine spreads over all the commands instead of hitting one of them.
run() { # name rep
    local name=$1 rep=$2 tf=$DATA/time.$$ rc=0 b0 b1 load
    eval "local -a argv=(${CMD[$name]})"
    load=$(cut -d' ' -f1 /proc/loadavg)
    b0=$(cpu_busy)
    nice -n "$NICE" /usr/bin/time -f '%e %U %S %M' -o "$tf" timeout -k 10 "$TIMEOUT" "${argv[@]}" \
        >/dev/null 2>"$DATA/log-$name-$rep.txt" || rc=$?
    b1=$(cpu_busy)
    read -r wall user sys rss < <(tail -1 "$tf")
    local other
    other=$(awk -v d=$((b1 - b0)) -v hz="$HZ" -v u="$user" -v s="$sys" 'BEGIN{o = d / hz - u - s; if (o < 0) o = 0; printf "%.2f", o}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$rep" "$wall" "$user" "$sys" "$rss" "$rc" "$other" "$load" >>"$RAW"
    log "  $name #$rep: wall ${wall}s user ${user}s sys ${sys}s rss ${rss}KiB rc $rc other-cpu ${other}s load $load"
}
for ((r = 1; r <= REPS; r++)); do
    for t in "${TOOLS[@]}"; do
        name=${t%%|*}
        [[ $(awk -F'\t' -v n="$name" '$1==n{print $2}' "$COUNT") == 0 ]] || continue # failed untimed
        run "$name" "$r"
    done
done
rm -f "$DATA/time.$$"

fi # REPORT_ONLY

# ---------------------------------------------------------------- report
log "updating the listing section of $RESULTS"
printf '%s\n' "${TOOLS[@]}" >"$DATA/tools.txt"
python3 - "$RAW" "$COUNT" "$META" "$DATA/tools.txt" "$RESULTS" "$DATA" <<'PY'
import os, re, statistics, sys, collections
raw_p, count_p, meta_p, tools_p, out_p, data = sys.argv[1:]
meta = {}
for line in open(meta_p, encoding="utf-8"):
    k, _, v = line.rstrip("\n").partition("\t")
    meta[k] = v
tools = [l.rstrip("\n").split("|", 1) for l in open(tools_p, encoding="utf-8") if l.strip()]
runs = collections.defaultdict(list)
for line in open(raw_p):
    name, rep, wall, user, sys_, rss, rc, other, load = line.rstrip("\n").split("\t")
    runs[name].append(dict(wall=float(wall), user=float(user), sys=float(sys_), rss=int(rss), rc=int(rc),
                           other=float(other)))
counts = {}
for line in open(count_p):
    name, rc, got, lines = line.rstrip("\n").split("\t")
    counts[name] = (int(rc), int(got), int(lines))
want = int(meta.get("want", 0))

def med(name):
    rs = [r for r in runs.get(name, []) if r["rc"] == 0]
    if not rs:
        return None
    m = {k: statistics.median(r[k] for r in rs) for k in ("wall", "user", "sys", "rss", "other")}
    m["cpu"] = statistics.median(r["user"] + r["sys"] for r in rs)
    m["walls"] = [r["wall"] for r in rs]
    m["best"] = min(m["walls"])
    m["n"] = len(rs)
    return m

base = med("isoinfo")
L = []
w = L.append
w("<!-- listing:begin -->")
w("## Listing a 100,000-file image\n")
w(f"Generated by `bench/run_listing.sh` on {meta.get('date')}. Raw data: `{data}/`.\n")
w(f"- Machine: {meta.get('cpu')}, {meta.get('ram')}, {meta.get('kernel')}.")
w(f"- Versions: {meta.get('v_discwright')} ({meta.get('v_build')} build); {meta.get('v_isoinfo')}; "
  f"{meta.get('v_xorriso')}; 7z: {meta.get('v_7z')}; {meta.get('v_bsdtar')}.")
w(f"- Image: the small-file tree of Tree 1 ({int(meta.get('tree_files', 0)):,} files, "
  f"{int(meta.get('tree_dirs', 0)):,} folders: {want:,} entries below the root) mastered by "
  f"`discwright image create --quiet -o IMG TREE` (ISO 9660 + Joliet + Rock Ridge, the default), "
  f"{int(meta.get('image_bytes', 0)) / 1048576:.1f} MiB, in the page cache for every run.")
w(f"- Each command ran {meta.get('reps')} times, round robin (all commands once, then again), at nice "
  f"{meta.get('nice')}, stdout to `/dev/null`, under `/usr/bin/time -f '%e %U %S %M'` (10 ms resolution). "
  "The table gives medians. *Entries listed* comes from one more, untimed run into a file: the items below "
  "the root in the output (the root's own line and isoinfo's `.`/`..` lines not counted). "
  "*other CPU s*: CPU time the rest of the machine used during a run (it is shared; wall times are noisier "
  "than user+sys).\n")
w("| tool | wall s (median) | wall s (all runs) | user s | sys s | peak RSS MiB | entries listed | other CPU s | wall / isoinfo -R -l | CPU / isoinfo -R -l |")
w("|---|---:|---|---:|---:|---:|---|---:|---:|---:|")
for name, cmd in tools:
    shown = cmd.replace("IMG", "IMAGE")
    m = med(name)
    rc, got, lines = counts.get(name, (None, 0, 0))
    if rc is None:
        entries = "not run"
    else:
        ok = "OK" if got == want else ("≈" if want and abs(got - want) <= 0.01 * want else "**MISMATCH**")
        entries = f"{got:,} ({ok})" + (f", exit status {rc}" if rc else "")
    if m is None:
        f = [r for r in runs.get(name, []) if r["rc"] != 0]
        why = f"exit status {f[0]['rc']}" if f else (f"exit status {rc} untimed" if rc else "no data")
        w(f"| `{shown}` | **failed** ({why}) | | | | | {entries} | | | |")
        continue
    rw = f"{m['wall'] / base['wall']:.2f}×" if base and base["wall"] else "n/a"
    rc_ = f"{m['cpu'] / base['cpu']:.2f}×" if base and base["cpu"] else "n/a"
    w(f"| `{shown}` | {m['wall']:.2f} | {', '.join(f'{x:.2f}' for x in m['walls'])} | {m['user']:.2f} | "
      f"{m['sys']:.2f} | {m['rss'] / 1024:.1f} | {entries} | {m['other']:.2f} | {rw} | {rc_} |")
w("")
d = med("dw-ls-l")
if d and base:
    ratio = lambda a, b: f"{a / b:.2f}×" if b else "n/a"
    verdict = "**met**" if d["wall"] <= 1.5 * base["wall"] else "**not met**"
    w(f"Target, `discwright image ls -R -l` within 1.5× of `isoinfo -R -l` (median wall): {verdict}: "
      f"{d['wall']:.2f} s vs {base['wall']:.2f} s, {ratio(d['wall'], base['wall'])} (best runs {d['best']:.2f} s vs "
      f"{base['best']:.2f} s, {ratio(d['best'], base['best'])}; user+sys {d['cpu']:.2f} s vs {base['cpu']:.2f} s, "
      f"{ratio(d['cpu'], base['cpu'])}).")
else:
    w("Target, `discwright image ls -R -l` within 1.5× of `isoinfo -R -l`: not measured (a run failed).")
if int(meta.get("tree_files", 0)) != 100_000:
    w(f"\n**Note:** measured at {int(meta.get('tree_files', 0)):,} files, not 100,000.")
w("<!-- listing:end -->")
section = "\n".join(L) + "\n"

old = open(out_p, encoding="utf-8").read() if os.path.exists(out_p) else ""
pat = re.compile(r"<!-- listing:begin -->.*?<!-- listing:end -->\n?", re.S)
if pat.search(old):
    new = pat.sub(lambda _: section, old, count=1)
elif "\n## Observations" in old:  # first time: before the hand-written part
    i = old.index("\n## Observations") + 1
    new = old[:i] + section + "\n" + old[i:]
else:
    new = old + ("\n" if old and not old.endswith("\n\n") else "") + section
open(out_p, "w", encoding="utf-8").write(new)
PY
log "done: $RESULTS"
