#!/usr/bin/env bash
# The main job on a fresh machine: build discwright, master an image of examples/sample,
# validate its structure, read it back with an independent reader (xorriso) and with
# discwright's own safe extractor, then burn it onto a virtual DVD+R recorder with full
# verification and read the disc back with xorriso; every result must equal the source.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${SKIP_DEPS:-0}" = 1 ] || .ci/install-deps
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDISCWRIGHT_TESTS=OFF >/dev/null
cmake --build build --target discwright_cli
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
build/bin/discwright image create -o "$out/sample.iso" --volume-name SAMPLE examples/sample
xorriso -osirrox on -indev "$out/sample.iso" -extract / "$out/extracted" 2>/dev/null
diff -r --no-dereference examples/sample "$out/extracted"
build/bin/discwright image verify "$out/sample.iso"
build/bin/discwright image extract "$out/sample.iso" "$out/ours"
diff -r --no-dereference examples/sample "$out/ours"
export DISCWRIGHT_LOCK_DIR="$out/locks"
build/bin/discwright virtual create "$out/drive" --media dvd+r
build/bin/discwright burn "virtual:$out/drive" --image "$out/sample.iso" --verify full
xorriso -osirrox on -indev "$out/drive" -extract / "$out/from-disc" 2>/dev/null
diff -r --no-dereference examples/sample "$out/from-disc"
echo "main job: examples/sample mastered into sample.iso, validated, read back identically by xorriso and by discwright, burned to a virtual DVD+R, verified, and read back from the disc by xorriso"
