#!/usr/bin/env bash
# Benchmarks discwright against xorriso, genisoimage, tar, dd and cp; writes bench/RESULTS.md.
# See bench/README.md. Everything is configurable through environment variables:
#
#   BENCH_WORK=/tmp/discwright-bench   trees, images and raw data (needs ~15 GiB free)
#   DISCWRIGHT=<repo>/build-bench/bin/discwright   binary to test (built if missing)
#   REPS=3                  timed repetitions per tool (median reported)
#   TREES="small large mixed many"   which parts to run
#   SMALL_FILES=100000 SMALL_DIRS=2000   the small-file tree
#   LARGE_COUNT=3 LARGE_MIB=1536         the large-file tree
#   MIXED_FILES=4000                     the mixed tree
#   MANY_FILES=1000000 MANY_DIRS=10000   the peak-RSS tree
#   TIMEOUT=1200 MANY_GENISO_TIMEOUT=600 seconds per run
#   RESULTS=<repo>/bench/RESULTS.md
#   NICE=-10                nice level of the timed commands (default -10 as root, else 0)
#   REPORT_ONLY=1           only rewrite RESULTS.md from $BENCH_WORK/data
#
# Trees are built once: a marker file <tree>.done next to each tree skips rebuilding.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
WORK=${BENCH_WORK:-/tmp/discwright-bench}
DISCWRIGHT=${DISCWRIGHT:-$REPO/build-bench/bin/discwright}
REPS=${REPS:-3}
TREES=${TREES:-"small large mixed many"}
SMALL_FILES=${SMALL_FILES:-100000}
SMALL_DIRS=${SMALL_DIRS:-2000}
LARGE_COUNT=${LARGE_COUNT:-3}
LARGE_MIB=${LARGE_MIB:-1536}
MIXED_FILES=${MIXED_FILES:-4000}
MANY_FILES=${MANY_FILES:-1000000}
MANY_DIRS=${MANY_DIRS:-10000}
TIMEOUT=${TIMEOUT:-1200}
MANY_GENISO_TIMEOUT=${MANY_GENISO_TIMEOUT:-600}
RESULTS=${RESULTS:-$HERE/RESULTS.md}
# The machine may be shared (other builds): a higher priority keeps them from stealing CPU
# from the timed runs. Only root may raise it.
if [[ $EUID == 0 ]]; then NICE=${NICE:--10}; else NICE=${NICE:-0}; fi
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
export LC_ALL=C.UTF-8

TREEDIR=$WORK/trees
OUT=$WORK/out
DATA=$WORK/data
mkdir -p "$TREEDIR" "$OUT" "$DATA"
RAW=$DATA/raw.tsv          # tree mode tool rep wall user sys rss_kib rc out_bytes other_cpu_s load1
VALID=$DATA/validation.tsv # tree tool want_files got_files want_links got_links content
META=$DATA/meta.tsv        # key value
REPORT_ONLY=${REPORT_ONLY:-0} # 1: only rewrite RESULTS.md from the data of the last run
log() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

if [[ $REPORT_ONLY != 1 ]]; then
: >"$RAW"
: >"$VALID"
: >"$META"

meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }

# ---------------------------------------------------------------- prerequisites
if [[ ! -x /usr/bin/time ]]; then
    log "installing GNU time"
    apt-get install -y time >/dev/null
fi
for t in xorriso genisoimage tar dd cp python3 openssl fincore; do
    command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
if [[ ! -x $DISCWRIGHT ]]; then
    log "building discwright in $REPO/build-bench"
    [[ -d $REPO/build-bench ]] || cmake -S "$REPO" -B "$REPO/build-bench" -G Ninja \
        -DCMAKE_BUILD_TYPE=Release -DDISCWRIGHT_TESTS=OFF
    ninja -C "$REPO/build-bench" discwright_cli
fi
# Benchmark a private copy so a rebuild during the run cannot change the binary under test.
mkdir -p "$WORK/bin"
cp "$DISCWRIGHT" "$WORK/bin/discwright"
DW=$WORK/bin/discwright

# ---------------------------------------------------------------- machine and versions
meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') ($(nproc) CPUs online)"
meta nproc "$(nproc)"
meta ram "$(free -g | awk '/^Mem:/{print $2" GiB total, "$7" GiB available at start"}')"
meta kernel "$(uname -srm)"
meta disk "$(df -hT "$WORK" | awk 'NR==2{print $1" ("$2"), "$3" size, "$5" free at start"}'); rotational=$(cat /sys/block/"$(basename "$(df "$WORK" | awk 'NR==2{print $1}')")"/queue/rotational 2>/dev/null || echo '?')"
meta dirty "vm.dirty_ratio=$(cat /proc/sys/vm/dirty_ratio) vm.dirty_background_ratio=$(cat /proc/sys/vm/dirty_background_ratio)"
meta v_discwright "$("$DW" --version 2>&1 | head -1)"
meta v_source "binary $DISCWRIGHT built $(date -u -r "$DISCWRIGHT" '+%Y-%m-%d %H:%M UTC'); repository HEAD at benchmark time $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo ' with uncommitted changes in the work tree')"
meta v_build "$(grep -E '^CMAKE_BUILD_TYPE:' "$(dirname "$(dirname "$DISCWRIGHT")")/CMakeCache.txt" 2>/dev/null | cut -d= -f2-) $(grep -E '^CMAKE_CXX_FLAGS:' "$(dirname "$(dirname "$DISCWRIGHT")")/CMakeCache.txt" 2>/dev/null | cut -d= -f2-)"
meta v_compiler "$(c++ --version | head -1)"
meta v_xorriso "$(xorriso -version 2>/dev/null | head -1)"
meta v_genisoimage "$(genisoimage --version 2>&1 | head -1)"
meta v_tar "$(tar --version | head -1)"
meta v_dd "$(dd --version | head -1)"
meta v_time "$(/usr/bin/time --version 2>&1 | head -1)"
meta source_date_epoch "$SOURCE_DATE_EPOCH"
meta reps "$REPS"
meta nice "$NICE"

# ---------------------------------------------------------------- trees
build_tree() { # name command...
    local name=$1; shift
    if [[ -e $TREEDIR/$name.done ]]; then
        log "tree $name exists (marker $TREEDIR/$name.done)"
        return
    fi
    log "building tree $name"
    rm -rf "${TREEDIR:?}/$name"
    local t0=$SECONDS
    "$@"
    touch "$TREEDIR/$name.done"
    log "tree $name built in $((SECONDS - t0)) s"
}

make_large() {
    mkdir -p "$TREEDIR/large"
    local i
    for ((i = 1; i <= LARGE_COUNT; i++)); do
        # AES-CTR keystream: fast, deterministic, incompressible, and really written (not sparse).
        # (openssl dies of SIGPIPE when head has enough, hence no pipefail here; the size is checked)
        (set +o pipefail; openssl enc -aes-128-ctr -pass "pass:discwright-bench-$i" -nosalt -pbkdf2 \
            </dev/zero 2>/dev/null | head -c $((LARGE_MIB << 20)) >"$TREEDIR/large/big$i.bin")
        [[ $(stat -c %s "$TREEDIR/large/big$i.bin") == $((LARGE_MIB << 20)) ]]
    done
}

tree_stats() { # name -> meta: files, links, dirs, bytes
    local name=$1 dir=$TREEDIR/$1
    meta "${name}_files" "$(find "$dir" -type f | wc -l)"
    meta "${name}_links" "$(find "$dir" -type l | wc -l)"
    meta "${name}_dirs" "$(find "$dir" -mindepth 1 -type d | wc -l)"
    meta "${name}_bytes" "$(du -sb --apparent-size "$dir" | cut -f1)"
    meta "${name}_disk" "$(du -sh "$dir" | cut -f1)"
    meta "${name}_maxdepth" "$(find "$dir" -type d -printf '%d\n' | sort -n | tail -1)"
}
get_meta() { awk -F'\t' -v k="$1" '$1==k{v=$2} END{print v}' "$META"; }

# Reads the whole tree through the page cache (untimed). GNU tar does not read file
# contents when the archive is /dev/null, so the archive goes through a pipe instead.
warm() {
    tar -C "$TREEDIR" -cf - "$1" | cat >/dev/null
}
# Share of the tree's pages resident in the page cache (a sample of up to 3000 files).
cache_residency() {
    find "$TREEDIR/$1" -type f -size +0 | head -3000 | xargs -r -d '\n' fincore -b -n -o RES,SIZE 2>/dev/null |
        awk '{res += $1; size += int(($2 + 4095) / 4096) * 4096} END{if (size) printf "%.1f%%", 100 * res / size; else print "n/a"}'
}

# Busy CPU time of the whole machine in clock ticks (user nice system irq softirq steal), to
# tell how much CPU other processes took while a tool ran.
cpu_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
HZ=$(getconf CLK_TCK)

# ---------------------------------------------------------------- one timed run
# run TREE MODE TOOL REP OUTFILE TIMEOUT command...
# MODE "cached": the command alone. MODE "sync": the command followed by sync, inside the timing.
run() {
    local tree=$1 mode=$2 tool=$3 rep=$4 outf=$5 tmo=$6; shift 6
    local tf=$DATA/time.$$ lf=$DATA/log-$tree-$mode-$tool-$rep.txt rc=0
    rm -f "$outf"
    sync # untimed: earlier writeback must not leak into this run
    local load b0 b1
    load=$(cut -d' ' -f1 /proc/loadavg)
    b0=$(cpu_busy)
    if [[ $mode == sync ]]; then
        nice -n "$NICE" /usr/bin/time -f '%e %U %S %M' -o "$tf" timeout -k 10 "$tmo" sh -c '"$@" && sync' sh "$@" >"$lf" 2>&1 || rc=$?
    else
        nice -n "$NICE" /usr/bin/time -f '%e %U %S %M' -o "$tf" timeout -k 10 "$tmo" "$@" >"$lf" 2>&1 || rc=$?
    fi
    b1=$(cpu_busy)
    local size=0
    [[ -e $outf ]] && size=$(stat -c %s "$outf")
    read -r wall user sys rss < <(tail -1 "$tf")
    local other
    other=$(awk -v d=$((b1 - b0)) -v hz="$HZ" -v u="$user" -v s="$sys" 'BEGIN{o = d / hz - u - s; if (o < 0) o = 0; printf "%.2f", o}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tree" "$mode" "$tool" "$rep" "$wall" "$user" "$sys" "$rss" "$rc" "$size" "$other" "$load" >>"$RAW"
    log "  $tree/$mode/$tool #$rep: wall ${wall}s user ${user}s sys ${sys}s rss ${rss}KiB rc $rc size $size other-cpu ${other}s load $load"
    if ((rc != 0)); then
        log "  (failed; log tail follows)"
        tail -5 "$lf" >&2 || true
    fi
    return 0
}
last_rc() { tail -1 "$RAW" | cut -f9; }

# Checks an image once: file and symlink counts as xorriso reads them (Rock Ridge view), and
# for discwright the content too (extract and compare) when CONTENT=1.
validate() { # tree tool image content(0/1)
    local tree=$1 tool=$2 img=$3 content=$4
    local wf wl gf gl c="-"
    wf=$(get_meta "${tree}_files")
    wl=$(get_meta "${tree}_links")
    gf=$(xorriso -indev "$img" -find / -type f 2>/dev/null | wc -l || true)
    gl=$(xorriso -indev "$img" -find / -type l 2>/dev/null | wc -l || true)
    if [[ $content == 1 ]]; then
        local x=$WORK/extract
        rm -rf "$x"
        if [[ $tree == large ]]; then
            mkdir -p "$x"
            xorriso -osirrox on -indev "$img" -extract /big1.bin "$x/big1.bin" >/dev/null 2>&1 || true
            if cmp -s "$x/big1.bin" "$TREEDIR/large/big1.bin"; then c="big1.bin identical"; else c="big1.bin DIFFERS"; fi
        else
            xorriso -osirrox on -indev "$img" -extract / "$x" >/dev/null 2>&1 || true
            local nd
            nd=$(diff -r --no-dereference "$TREEDIR/$tree" "$x" 2>&1 | wc -l || true)
            if ((nd == 0)); then c="extracted tree identical"; else c="extracted tree differs ($nd diff lines)"; fi
        fi
        chmod -R u+w "$x" 2>/dev/null || true
        rm -rf "$x"
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tree" "$tool" "$wf" "$gf" "$wl" "$gl" "$c" >>"$VALID"
    log "  validate $tree/$tool: files $gf/$wf links $gl/$wl $c"
}

# bench TREE MODE TOOL OUTFILE VALIDATE(none|count|content) TIMEOUT REPS command...
bench() {
    local tree=$1 mode=$2 tool=$3 outf=$4 val=$5 tmo=$6 reps=$7; shift 7
    warm "$tree"
    meta "cache_${tree}_${mode}_${tool}" "$(cache_residency "$tree")"
    local r
    for ((r = 1; r <= reps; r++)); do
        run "$tree" "$mode" "$tool" "$r" "$outf" "$tmo" "$@"
        if ((r == 1)) && [[ $val != none ]]; then
            if [[ $(last_rc) == 0 ]]; then
                validate "$tree" "$tool" "$outf" "$([[ $val == content ]] && echo 1 || echo 0)"
            else
                printf '%s\t%s\t-\t-\t-\t-\tno image (run failed)\n' "$tree" "$tool" >>"$VALID"
            fi
        fi
        rm -f "$outf"
        [[ $(last_rc) == 0 ]] || break # a failed tool is not repeated
    done
}

iso_tools() { # tree mode validate-discwright reps [timeout for genisoimage]
    local tree=$1 mode=$2 dwval=$3 reps=$4 gtmo=${5:-$TIMEOUT}
    local src=$TREEDIR/$tree peerval=count
    [[ $dwval == none ]] && peerval=none
    bench "$tree" "$mode" discwright "$OUT/$tree-dw.iso" "$dwval" "$TIMEOUT" "$reps" \
        "$DW" image create --quiet --fs iso9660,joliet,rockridge --joliet-long -o "$OUT/$tree-dw.iso" "$src"
    bench "$tree" "$mode" xorriso "$OUT/$tree-xorriso.iso" "$peerval" "$TIMEOUT" "$reps" \
        xorriso -as mkisofs -R -J -joliet-long -iso-level 3 -quiet -o "$OUT/$tree-xorriso.iso" "$src"
    bench "$tree" "$mode" genisoimage "$OUT/$tree-geniso.iso" "$peerval" "$gtmo" "$reps" \
        genisoimage -R -J -joliet-long -iso-level 3 -quiet -o "$OUT/$tree-geniso.iso" "$src"
}

for part in $TREES; do
    case $part in
    small)
        build_tree small python3 "$HERE/make_tree.py" small "$TREEDIR/small" --files "$SMALL_FILES" --dirs "$SMALL_DIRS"
        tree_stats small
        log "== small-file tree"
        iso_tools small cached content "$REPS"
        bench small cached tar "$OUT/small.tar" none "$TIMEOUT" "$REPS" tar -C "$TREEDIR" -cf "$OUT/small.tar" small
        ;;
    large)
        build_tree large make_large
        tree_stats large
        log "== large-file tree"
        iso_tools large cached content "$REPS"
        bench large cached tar "$OUT/large.tar" none "$TIMEOUT" "$REPS" tar -C "$TREEDIR" -cf "$OUT/large.tar" large
        # dd writes as many bytes as discwright's image of this tree.
        img_bytes=$(awk -F'\t' '$1=="large" && $3=="discwright" && $9==0 {print $10; exit}' "$RAW")
        [[ -n $img_bytes ]] || img_bytes=$(du -sb --apparent-size "$TREEDIR/large" | cut -f1)
        meta dd_bytes "$img_bytes"
        bench large cached dd "$OUT/large-dd.img" none "$TIMEOUT" "$REPS" \
            dd if=/dev/zero of="$OUT/large-dd.img" bs=8M count="$img_bytes" iflag=count_bytes status=none
        bench large cached cp "$OUT/large-cp.bin" none "$TIMEOUT" "$REPS" \
            cp --reflink=never "$TREEDIR/large/big1.bin" "$OUT/large-cp.bin"
        log "== large-file tree, durable (sync inside the timing)"
        iso_tools large sync none "$REPS"
        bench large sync dd "$OUT/large-dd.img" none "$TIMEOUT" "$REPS" \
            dd if=/dev/zero of="$OUT/large-dd.img" bs=8M count="$img_bytes" iflag=count_bytes conv=fsync status=none
        bench large sync cp "$OUT/large-cp.bin" none "$TIMEOUT" "$REPS" \
            cp --reflink=never "$TREEDIR/large/big1.bin" "$OUT/large-cp.bin"
        ;;
    mixed)
        build_tree mixed python3 "$HERE/make_tree.py" mixed "$TREEDIR/mixed" --files "$MIXED_FILES"
        tree_stats mixed
        log "== mixed tree"
        iso_tools mixed cached content "$REPS"
        bench mixed cached tar "$OUT/mixed.tar" none "$TIMEOUT" "$REPS" tar -C "$TREEDIR" -cf "$OUT/mixed.tar" mixed
        ;;
    many)
        build_tree many python3 "$HERE/make_tree.py" many "$TREEDIR/many" --files "$MANY_FILES" --dirs "$MANY_DIRS"
        tree_stats many
        mkdir -p "$TREEDIR/empty"
        meta empty_files 0
        meta empty_links 0
        log "== baseline RSS on an empty folder"
        iso_tools empty cached none 1
        log "== peak RSS at $MANY_FILES files (one run per tool)"
        iso_tools many cached count 1 "$MANY_GENISO_TIMEOUT"
        ;;
    *) echo "unknown part: $part" >&2; exit 1 ;;
    esac
done

fi # REPORT_ONLY

# ---------------------------------------------------------------- report
log "writing $RESULTS"
python3 - "$RAW" "$VALID" "$META" "$RESULTS" "$WORK/bin/discwright" "$WORK" <<'PY'
import statistics, sys, collections
raw_p, valid_p, meta_p, out_p, dw, work = sys.argv[1:]
meta = {}
for line in open(meta_p, encoding="utf-8"):
    k, _, v = line.rstrip("\n").partition("\t")
    meta[k] = v
runs = collections.defaultdict(list)
for line in open(raw_p):
    tree, mode, tool, rep, wall, user, sys_, rss, rc, size, other, load = line.rstrip("\n").split("\t")
    runs[(tree, mode, tool)].append(dict(wall=float(wall), cpu=float(user) + float(sys_), user=float(user),
                                         sys=float(sys_), rss=int(rss), rc=int(rc), size=int(size),
                                         other=float(other), load=float(load)))
valid = {}
for line in open(valid_p, encoding="utf-8"):
    tree, tool, wf, gf, wl, gl, c = line.rstrip("\n").split("\t")
    valid[(tree, tool)] = (wf, gf, wl, gl, c)

def med(tree, mode, tool):
    rs = [r for r in runs.get((tree, mode, tool), []) if r["rc"] == 0]
    if not rs:
        return None
    return dict(wall=statistics.median(r["wall"] for r in rs), cpu=statistics.median(r["cpu"] for r in rs),
                rss=statistics.median(r["rss"] for r in rs), size=max(r["size"] for r in rs), n=len(rs),
                other=statistics.median(r["other"] for r in rs), load=statistics.median(r["load"] for r in rs),
                walls=[r["wall"] for r in rs], best=min(r["wall"] for r in rs))

def failed(tree, mode, tool):
    rs = runs.get((tree, mode, tool), [])
    return [r for r in rs if r["rc"] != 0]

def fmt_s(x): return f"{x:.2f}"
def mib(kib): return f"{kib / 1024:.1f}"
def ratio(a, b): return f"{a / b:.2f}×" if a and b else "n/a"

L = []
w = L.append
w("# discwright benchmark results\n")
w(f"Generated by `bench/run_benchmarks.sh` on {meta.get('date')}. Raw data: `{work}/data/`.\n")
w("## Machine\n")
w(f"- CPU: {meta.get('cpu')}")
w(f"- RAM: {meta.get('ram')}")
w(f"- Disk: {meta.get('disk')}; trees and outputs on the same file system")
w(f"- Kernel: {meta.get('kernel')}; {meta.get('dirty')}")
w("")
w("## Tool versions\n")
w(f"- discwright: {meta.get('v_discwright')}; {meta.get('v_source')}; build `{meta.get('v_build').strip()}`, {meta.get('v_compiler')}")
for k in ("xorriso", "genisoimage", "tar", "dd", "time"):
    w(f"- {k}: {meta.get('v_' + k)}")
w("")
w("## Method\n")
w(f"- `SOURCE_DATE_EPOCH={meta.get('source_date_epoch')}` for every run. Outputs go to `{work}/out`, on the same file system as the trees; each output is deleted after its run.")
w(f"- Each tool runs {meta.get('reps')} times in a row; the tables show the **median** wall time, median user+sys CPU time and median peak RSS (`/usr/bin/time -f '%e %U %S %M'`). A tool that fails is not repeated.")
w("- Before each tool's runs the tree is read once, untimed, with `tar -cf - TREE | cat >/dev/null` (through a pipe: GNU tar skips reading file data when the archive is `/dev/null` itself). Nothing is dropped from the page cache, so **every timed run reads its input from a warm cache**; the *cache* column gives the share of a sample of up to 3,000 files' pages resident just before the runs (`fincore`). The machine's RAM is much larger than any tree.")
w("- `sync` runs (untimed) before each run so earlier writeback does not leak into it. None of the image tools calls fsync: in the *cached* mode a run ends when the data is in the page cache (the kernel may throttle a writer once dirty pages pass vm.dirty_ratio). In the *durable* mode (large-file tree only) the timing covers `COMMAND && sync`, compared with `dd conv=fsync`.")
w("- Every image is checked once (after the first run): files and symlinks as xorriso lists them through Rock Ridge (`xorriso -indev IMG -find / -type f | wc -l`, `-type l`), against `find TREE -type f` / `-type l`. discwright's images are also extracted with `xorriso -osirrox on -extract` and compared with `diff -r --no-dereference` (large-file tree: one 1.5 GiB file extracted and compared with `cmp`).")
w(f"- The machine was shared: other engineers' builds ran at the same time. The timed commands ran at nice {meta.get('nice')} to keep that from stealing their CPU. *other CPU s* is the median CPU time the rest of the machine used during a run (busy ticks from `/proc/stat` minus the tool's own user+sys); with {meta.get('nproc')} CPUs, a value near the wall time means about one CPU was taken away. Wall times are noisier than CPU times for that reason; CPU times and RSS are the steadier comparison.")
w("- discwright gets `--joliet-long` so its Joliet names follow the same 103-character rule as the peers' `-joliet-long`.")
w("")
w("Commands (`TREE` is the tree's folder, `OUT` the output file):\n")
w("```sh")
w("discwright image create --quiet --fs iso9660,joliet,rockridge --joliet-long -o OUT TREE")
w("xorriso -as mkisofs -R -J -joliet-long -iso-level 3 -quiet -o OUT TREE")
w("genisoimage -R -J -joliet-long -iso-level 3 -quiet -o OUT TREE")
w("tar -C $(dirname TREE) -cf OUT.tar $(basename TREE)")
w("dd if=/dev/zero of=OUT bs=8M count=<discwright image bytes> iflag=count_bytes [conv=fsync]   # large-file tree")
w("cp --reflink=never TREE/big1.bin OUT                                                        # large-file tree")
w("# durable mode: sh -c 'COMMAND && sync'")
w("```\n")

TREE_DESC = {
    "small": "100k small files",
    "large": "large files",
    "mixed": "mixed tree",
}
verdicts = []

def tree_header(tree, title, desc):
    w(f"## {title}\n")
    w(desc + "\n")
    w(f"Tree: {int(meta.get(tree + '_files', 0)):,} files, {int(meta.get(tree + '_dirs', 0)):,} folders, "
      f"{int(meta.get(tree + '_links', 0)):,} symlinks, {int(meta.get(tree + '_bytes', 0)):,} bytes of data "
      f"({meta.get(tree + '_disk')} on disk), deepest folder {meta.get(tree + '_maxdepth')} levels.\n")

def table(tree, mode, tools):
    w("| tool | wall s (median) | wall s (all runs) | CPU s (user+sys) | peak RSS MiB | output MiB | cache | other CPU s | image check |")
    w("|---|---:|---|---:|---:|---:|---:|---:|---|")
    for t in tools:
        m = med(tree, mode, t)
        cache = meta.get(f"cache_{tree}_{mode}_{t}", "")
        v = valid.get((tree, t))
        if v and mode == "cached":
            wf, gf, wl, gl, c = v
            ok = (gf == wf and gl == wl)
            check = f"{'OK' if ok else '**MISMATCH**'}: {gf}/{wf} files, {gl}/{wl} symlinks" + (f"; {c}" if c != "-" else "")
        else:
            check = ""
        if m is None:
            f = failed(tree, mode, t)
            if f:
                rc = f[0]["rc"]
                why = "timed out" if rc in (124, 137) else f"exit status {rc}"
                w(f"| {t} | **failed** ({why}, after {f[0]['wall']:.0f} s) | | | {mib(f[0]['rss'])} | | {cache} | | {check} |")
            continue
        w(f"| {t} | {fmt_s(m['wall'])} | {', '.join(fmt_s(x) for x in m['walls'])} | {fmt_s(m['cpu'])} | {mib(m['rss'])} | "
          f"{m['size'] / 1048576:.1f} | {cache} | {m['other']:.2f} | {check} |")
    w("")

def ratios(tree, mode, others):
    d = med(tree, mode, "discwright")
    rows = []
    peers = [p for p in ("xorriso", "genisoimage") if med(tree, mode, p)]
    if d and peers:
        fastest = min(peers, key=lambda p: med(tree, mode, p)["wall"])
        f = med(tree, mode, fastest)
        rows.append(f"- discwright / fastest peer ({fastest}): wall {ratio(d['wall'], f['wall'])} (best runs: {ratio(d['best'], f['best'])}), CPU {ratio(d['cpu'], f['cpu'])}, peak RSS {ratio(d['rss'], f['rss'])}")
    for o in others:
        m = med(tree, mode, o)
        if d and m:
            rows.append(f"- discwright / {o}: wall {ratio(d['wall'], m['wall'])} (best runs: {ratio(d['best'], m['best'])}), CPU {ratio(d['cpu'], m['cpu'])}")
    for r in rows:
        w(r)
    w("")

def verdict(name, target, measured, met):
    verdicts.append((name, target, measured, "**met**" if met else "**not met**" if met is not None else "not measured"))

if ("small", "cached", "discwright") in runs:
    tree_header("small", "Tree 1: 100,000 small files",
                "0–3 KiB files (uniform random sizes, pseudo-random content from a fixed seed), names of 20–55 characters, in ~2,000 folders.")
    table("small", "cached", ["discwright", "xorriso", "genisoimage", "tar"])
    ratios("small", "cached", ["tar"])
    d = med("small", "cached", "discwright")
    peers = [med("small", "cached", p) for p in ("xorriso", "genisoimage")]
    peers = [p for p in peers if p]
    t = med("small", "cached", "tar")
    if d and peers:
        f = min(p["wall"] for p in peers)
        fb = min(p["best"] for p in peers)
        verdict("100k files: wall ≤ ½ fastest peer", "median ratio ≤ 0.50", f"{d['wall'] / f:.2f} ({d['wall']:.2f} s vs {f:.2f} s; best runs {d['best'] / fb:.2f})", d["wall"] <= 0.5 * f)
    if d and t:
        verdict("100k files: wall ≤ 1.3× tar", "median ratio ≤ 1.30", f"{d['wall'] / t['wall']:.2f} ({d['wall']:.2f} s vs {t['wall']:.2f} s; best runs {d['best'] / t['best']:.2f})", d["wall"] <= 1.3 * t["wall"])

if ("large", "cached", "discwright") in runs:
    n = meta.get("large_files")
    tree_header("large", f"Tree 2: {n} large files",
                "Files of 1.5 GiB each, AES-CTR keystream from `openssl enc` (incompressible, fully written, not sparse). "
                f"dd writes {int(meta.get('dd_bytes', 0)):,} bytes, the size of discwright's image; cp copies one 1.5 GiB file.")
    w("### Cached mode (a run ends when the data is in the page cache)\n")
    table("large", "cached", ["discwright", "xorriso", "genisoimage", "tar", "dd", "cp"])
    ratios("large", "cached", ["tar", "dd"])
    w("### Durable mode (`COMMAND && sync` timed; dd with `conv=fsync`)\n")
    table("large", "sync", ["discwright", "xorriso", "genisoimage", "dd", "cp"])
    ratios("large", "sync", ["dd"])
    for mode, label in (("sync", "durable: discwright+sync vs dd conv=fsync"), ("cached", "cached: discwright vs dd without fsync")):
        d, dd = med("large", mode, "discwright"), med("large", mode, "dd")
        if d and dd:
            verdict(f"large files: within 10% of dd ({label})", "median ratio ≤ 1.10", f"{d['wall'] / dd['wall']:.2f} ({d['wall']:.2f} s vs {dd['wall']:.2f} s; best runs {d['best'] / dd['best']:.2f})", d["wall"] <= 1.1 * dd["wall"])

if ("mixed", "cached", "discwright") in runs:
    tree_header("mixed", "Tree 3: mixed tree",
                "Files of 0 B to 50 MiB (mostly small, a few large), folders up to 20 levels deep, names up to 230 bytes "
                "with spaces, quotes and non-Latin characters, relative, absolute and dangling symlinks.")
    table("mixed", "cached", ["discwright", "xorriso", "genisoimage", "tar"])
    ratios("mixed", "cached", ["tar"])

if ("many", "cached", "discwright") in runs:
    n = int(meta.get("many_files", 0))
    w(f"## Peak RSS at {n:,} files\n")
    w(f"{n:,} empty files with names of 20–40 characters in {int(meta.get('many_dirs', 0)):,} folders; one run per tool. "
      "*Baseline* is the peak RSS of the same command on an empty folder; *marginal* is (peak − baseline) / files.\n")
    w("| tool | wall s | CPU s | peak RSS MiB | bytes per file (peak / files) | marginal bytes per file | baseline RSS MiB | image check |")
    w("|---|---:|---:|---:|---:|---:|---:|---|")
    for t in ("discwright", "xorriso", "genisoimage"):
        m = med("many", "cached", t)
        b = med("empty", "cached", t)
        v = valid.get(("many", t))
        check = ""
        if v:
            wf, gf, wl, gl, c = v
            check = f"{'OK' if gf == wf else '**MISMATCH**'}: {gf}/{wf} files"
        if not m:
            f = failed("many", "cached", t)
            if f:
                rc = f[0]["rc"]
                why = "timed out" if rc in (124, 137) else f"exit status {rc}"
                w(f"| {t} | **failed** ({why}, after {f[0]['wall']:.0f} s) | | {mib(f[0]['rss'])} (at the end) | | | | |")
            continue
        bpf = m["rss"] * 1024 / n
        marg = (m["rss"] - b["rss"]) * 1024 / n if b else float("nan")
        w(f"| {t} | {fmt_s(m['wall'])} | {fmt_s(m['cpu'])} | {mib(m['rss'])} | {bpf:.0f} | {marg:.0f} | {mib(b['rss']) if b else 'n/a'} | {check} |")
        if t == "discwright":
            verdict(f"≤ 200 bytes of peak RSS per file at {n:,} files", "≤ 200 B/file",
                    f"{bpf:.0f} B/file ({mib(m['rss'])} MiB peak; marginal {marg:.0f} B/file)", bpf <= 200)
    w("")
    if n != 1_000_000:
        w(f"**Note:** measured at {n:,} files, not 1,000,000.\n")

w("## Targets\n")
w("| target | criterion | measured | verdict |")
w("|---|---|---|---|")
for name, target, measured, v in verdicts:
    w(f"| {name} | {target} | {measured} | {v} |")
w("")
bad = [(k, v) for k, v in valid.items() if v[0] != "-" and (v[0] != v[1] or v[2] != v[3] or "differ" in v[4].lower())]
w("## Image checks\n")
if bad:
    w("These images did **not** read back as their source tree:\n")
    for (tree, tool), (wf, gf, wl, gl, c) in sorted(bad):
        w(f"- {tree} / {tool}: {gf} of {wf} files, {gl} of {wl} symlinks" + (f"; {c}" if c != "-" else ""))
else:
    w("Every image read back with the right numbers of files and symlinks.")
w("")
# Keep the sections other scripts maintain (bench/run_listing.sh, run_burn.sh, the UDF rows of
# run_udf.sh) between their markers, and the notes written by hand, across a re-run.
import os, re
previous = open(out_p, encoding="utf-8").read() if os.path.exists(out_p) else ""
for marker in ("listing", "notes", "burn", "udf"):
    kept = re.search(rf"<!-- {marker}:begin -->.*?<!-- {marker}:end -->", previous, re.S)
    if kept:
        w(kept.group(0))
        w("")
open(out_p, "w", encoding="utf-8").write("\n".join(L) + "\n")
PY
log "done: $RESULTS"
