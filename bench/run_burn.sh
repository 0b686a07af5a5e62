#!/usr/bin/env bash
# Times burning: `discwright burn` of a 2 GiB image to an unthrottled virtual BD-RE whose medium
# lives in the page cache (/dev/shm), with and without full verification; to a file: pseudo-drive
# beside `xorriso -as cdrecord dev=stdio:` (xorriso's own "burn to a file") and dd; and the CPU a
# burn uses when the virtual drive is throttled to 16x BD. Writes a section of bench/RESULTS.md.
#
#   BENCH_SHM=/dev/shm/discwright-burn-bench   work folder (must be tmpfs for page-cache numbers)
#   DISCWRIGHT=<repo>/build-bench/bin/discwright   binary to test (built when missing)
#   IMAGE_MIB=2048 THROTTLED_MIB=512 REPS=3
#   RESULTS=<repo>/bench/RESULTS.md
#
# Only the text between <!-- burn:begin --> and <!-- burn:end --> in RESULTS.md changes.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
WORK=${BENCH_SHM:-/dev/shm/discwright-burn-bench}
DEFAULT_DW=$REPO/build-bench/bin/discwright
DISCWRIGHT=${DISCWRIGHT:-$DEFAULT_DW}
IMAGE_MIB=${IMAGE_MIB:-2048}
THROTTLED_MIB=${THROTTLED_MIB:-512}
REPS=${REPS:-3}
RESULTS=${RESULTS:-$HERE/RESULTS.md}

if [[ $DISCWRIGHT == "$DEFAULT_DW" && ! -x $DISCWRIGHT ]]; then
    cmake -S "$REPO" -B "$REPO/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DDISCWRIGHT_TESTS=OFF >/dev/null
    cmake --build "$REPO/build-bench" --target discwright_cli >/dev/null
fi
command -v xorriso >/dev/null || { echo "xorriso is needed" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK/src" "$WORK/small"
trap 'rm -rf "$WORK"' EXIT
export DISCWRIGHT_LOCK_DIR=$WORK/locks
head -c $((IMAGE_MIB << 20)) /dev/urandom >"$WORK/src/data.bin"
head -c $((THROTTLED_MIB << 20)) /dev/urandom >"$WORK/small/data.bin"
"$DISCWRIGHT" image create -q -o "$WORK/img.iso" "$WORK/src"
"$DISCWRIGHT" image create -q -o "$WORK/small.iso" "$WORK/small"
rm -f "$WORK/small/data.bin"
bytes=$(stat -c %s "$WORK/img.iso")

# Median wall seconds of REPS runs of "$@" (each preceded by the setup command in $SETUP).
median() {
    local times=()
    for _ in $(seq "$REPS"); do
        [[ -n ${SETUP:-} ]] && eval "$SETUP"
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1
        t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | sort -g | sed -n "$(((REPS + 1) / 2))p"
}
rate() { echo "scale=2; $bytes / $1 / 1000000000" | bc -l; }

fresh_bdre="rm -f $WORK/bd $WORK/bd.json; $DISCWRIGHT virtual create -q $WORK/bd --media bd-re"
t_cold_full=$(SETUP=$fresh_bdre median "$DISCWRIGHT" burn "virtual:$WORK/bd" \
    --image "$WORK/img.iso" --verify full -q)
t_cold_none=$(SETUP=$fresh_bdre median "$DISCWRIGHT" burn "virtual:$WORK/bd" \
    --image "$WORK/img.iso" --verify none -q)
# Warm: the medium's pages exist already (a rewritable disc burned again).
eval "$fresh_bdre"
"$DISCWRIGHT" burn "virtual:$WORK/bd" --image "$WORK/img.iso" --verify none -q
t_warm_full=$(median "$DISCWRIGHT" burn "virtual:$WORK/bd" --image "$WORK/img.iso" \
    --verify full --force-overwrite -q)
t_warm_none=$(median "$DISCWRIGHT" burn "virtual:$WORK/bd" --image "$WORK/img.iso" \
    --verify none --force-overwrite -q)
fresh_bdr="rm -f $WORK/bdr $WORK/bdr.json; $DISCWRIGHT virtual create -q $WORK/bdr --media bd-r"
t_bdr_full=$(SETUP=$fresh_bdr median "$DISCWRIGHT" burn "virtual:$WORK/bdr" \
    --image "$WORK/img.iso" --verify full -q)

# To a file: discwright's pseudo-drive, xorriso's stdio: drive, and dd.
fresh_out="rm -f $WORK/out.iso"
t_file=$(SETUP=$fresh_out median "$DISCWRIGHT" burn "file:$WORK/out.iso" --image "$WORK/img.iso" \
    --verify none -q)
t_xorriso=$(SETUP=$fresh_out median xorriso -as cdrecord -v "dev=stdio:$WORK/out.iso" \
    "$WORK/img.iso")
# xorriso's cdrecord emulation keeps a 4 MiB fifo by default and then mostly waits on it
# (about 60x DVD here, under 2 s of CPU in 28 s); fs=64m shows what it does with a bigger one.
t_xorriso_fs=$(SETUP=$fresh_out median xorriso -as cdrecord -v "dev=stdio:$WORK/out.iso" fs=64m \
    "$WORK/img.iso")
t_dd=$(SETUP=$fresh_out median dd if="$WORK/img.iso" of="$WORK/out.iso" bs=1M)
# From the tree: staging and writing in one go, discwright's pseudo-drive beside xorriso
# mastering straight onto a stdio: drive.
t_tree=$(SETUP=$fresh_out median "$DISCWRIGHT" burn "file:$WORK/out.iso" "$WORK/src" \
    --verify none -q)
t_xorriso_tree=$(SETUP=$fresh_out median xorriso -outdev "stdio:$WORK/out.iso" \
    -map "$WORK/src" / -commit)
rm -f "$WORK/src/data.bin"

# CPU at a throttled 16x BD: a fresh medium (the first touch of its pages is counted), then
# the same disc burned again (what the burn itself costs).
rm -f "$WORK/slow" "$WORK/slow.json" "$WORK/bd" "$WORK/bdr" "$WORK/out.iso"
"$DISCWRIGHT" virtual create -q "$WORK/slow" --media bd-re --speed 16
throttled() {
    /usr/bin/time -f "%e %U %S" "$DISCWRIGHT" burn "virtual:$WORK/slow" --image "$WORK/small.iso" \
        --verify none --force-overwrite -q 2>&1 >/dev/null | tail -1
}
read -r cold_wall cold_user cold_sys <<<"$(throttled)"
cold_pct=$(echo "scale=2; 100 * ($cold_user + $cold_sys) / $cold_wall" | bc -l)
read -r cpu_wall cpu_user cpu_sys <<<"$(throttled)"
cpu_pct=$(echo "scale=2; 100 * ($cpu_user + $cpu_sys) / $cpu_wall" | bc -l)
small_bytes=$(stat -c %s "$WORK/small.iso")
throttled_rate=$(echo "scale=1; $small_bytes / $cpu_wall / 1000000" | bc -l)

section=$(
    cat <<EOF
<!-- burn:begin -->
## Burning (bench/run_burn.sh)

Run $(date -u '+%Y-%m-%d %H:%M UTC') at $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo "?"), $(nproc) CPUs
($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r); $("$DISCWRIGHT" --version | head -1),
$(xorriso -version 2>/dev/null | head -1).
Image: ${IMAGE_MIB} MiB of random data, one file ($(printf "%'d" "$bytes") bytes). Every medium
file on tmpfs (/dev/shm). Median of $REPS runs, wall time of the whole command (opening the
drive, validation, formatting, writing, closing, verification). GB/s = image bytes / wall / 1e9.

| run | seconds | GB/s |
|---|---|---|
| virtual BD-RE, fresh medium (format + first touch of every page), verify full | $t_cold_full | $(rate "$t_cold_full") |
| virtual BD-RE, fresh medium, verify none | $t_cold_none | $(rate "$t_cold_none") |
| virtual BD-RE, burned again (--force-overwrite), **verify full** | $t_warm_full | **$(rate "$t_warm_full")** |
| virtual BD-RE, burned again, verify none | $t_warm_none | $(rate "$t_warm_none") |
| virtual BD-R, fresh medium, verify full | $t_bdr_full | $(rate "$t_bdr_full") |
| \`discwright burn file:OUT --image\` (pseudo-drive), verify none | $t_file | $(rate "$t_file") |
| \`xorriso -as cdrecord dev=stdio:OUT\` | $t_xorriso | $(rate "$t_xorriso") |
| \`xorriso -as cdrecord dev=stdio:OUT fs=64m\` | $t_xorriso_fs | $(rate "$t_xorriso_fs") |
| \`dd bs=1M\` to a new file (copy ceiling) | $t_dd | $(rate "$t_dd") |
| \`discwright burn file:OUT TREE\` (stage + write), verify none | $t_tree | $(rate "$t_tree") |
| \`xorriso -outdev stdio:OUT -map TREE / -commit\` | $t_xorriso_tree | $(rate "$t_xorriso_tree") |

Throttled to 16x BD (the virtual drive paces WRITEs to 16 × 4.5 MB/s), ${THROTTLED_MIB} MiB:
burned again onto the same disc, ${cpu_wall} s (${throttled_rate} MB/s), user ${cpu_user} s +
system ${cpu_sys} s of CPU = **${cpu_pct} % of one core** (target < 5 %); onto a fresh medium,
${cold_wall} s, user ${cold_user} s + system ${cold_sys} s = ${cold_pct} %. The CPU counted is the
whole process: discwright reading the image and sending WRITEs, and the in-process virtual
drive copying every sector into its medium file (a real drive takes the data by DMA).
<!-- burn:end -->
EOF
)
if grep -q '<!-- burn:begin -->' "$RESULTS"; then
    python3 - "$RESULTS" "$section" <<'PY'
import sys, re
path, section = sys.argv[1], sys.argv[2]
text = open(path).read()
text = re.sub(r"<!-- burn:begin -->.*?<!-- burn:end -->", lambda m: section, text, flags=re.S)
open(path, "w").write(text)
PY
else
    printf '\n%s\n' "$section" >>"$RESULTS"
fi
echo "$section"
