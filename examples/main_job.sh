#!/usr/bin/env bash
# The main job on a fresh machine: build discwright, master an image of examples/sample,
# validate its structure, and read it back twice — with an independent reader (xorriso) and
# with discwright's own safe extractor; both results must equal the source. Burning the image
# onto the virtual recorder joins this job when the recorder lands.
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
echo "main job: examples/sample mastered into sample.iso, validated, and read back identically by xorriso and by discwright"
