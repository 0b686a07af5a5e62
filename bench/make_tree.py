#!/usr/bin/env python3
"""Deterministic test trees for bench/run_benchmarks.sh.

    make_tree.py small  DIR [--files 100000] [--dirs 2000]   0-3 KiB files, names of 20-55 chars
    make_tree.py many   DIR [--files 1000000] [--dirs 10000] empty files (peak-RSS test)
    make_tree.py mixed  DIR [--files 4000]                   0 B..50 MiB, deep folders, long names, symlinks

Every tree comes from a fixed seed: the same command makes the same names and bytes.
File content is pseudo-random (incompressible, not sparse). The large-file tree is made
by the shell script with openssl (much faster than Python for 1.5 GiB files).
"""
import argparse
import os
import random
import sys

ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
NAME_CHARS = ALNUM + "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-."
# Characters outside ISO 9660 d-characters and outside Latin-1, so the name mappers work.
UNICODE_BITS = ["é", "ü", "ñ", "ø", "ß", "Ω", "жур", "名前", "データ", "😀", " ", "'", "+", "(1)"]


def make_name(rng, lo, hi, i):
    """A file name of lo..hi characters, unique within its folder thanks to the index."""
    n = rng.randint(lo, hi)
    tag = f"_{i:06d}"
    body = "".join(rng.choice(NAME_CHARS) for _ in range(max(1, n - len(tag) - 4)))
    if body[0] == ".":
        body = "f" + body[1:]
    ext = rng.choice([".txt", ".dat", ".bin", ".cfg", ".log", ".jpg", ".c__"])
    return body + tag + ext


def folder_paths(root, count, fanout):
    """count folder paths, two levels deep (fanout top folders, the rest spread under them)."""
    paths = []
    tops = [os.path.join(root, f"dir_{t:04d}") for t in range(fanout)]
    per_top = max(1, (count - fanout) // fanout)
    for t, top in enumerate(tops):
        paths.append(top)
        for s in range(per_top):
            if len(paths) >= count:
                break
            paths.append(os.path.join(top, f"sub_{t:04d}_{s:04d}_folder"))
    while len(paths) < count:  # leftovers
        paths.append(os.path.join(tops[0], f"extra_{len(paths):06d}"))
    return paths


def write_file(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        if data:
            os.write(fd, data)
    finally:
        os.close(fd)


def small(root, files, dirs, seed=100):
    rng = random.Random(seed)
    data_rng = random.Random(seed + 1)
    fanout = max(1, int(round(dirs ** 0.5)))
    paths = folder_paths(root, dirs, fanout)
    for p in paths:
        os.makedirs(p, exist_ok=True)
    total = 0
    for i in range(files):
        d = paths[i % len(paths)]
        size = rng.randint(0, 3072)
        write_file(os.path.join(d, make_name(rng, 20, 55, i)), data_rng.randbytes(size))
        total += size
    print(f"small: {files} files, {len(paths)} folders, {total} bytes", file=sys.stderr)


def many(root, files, dirs, seed=200):
    rng = random.Random(seed)
    fanout = max(1, int(round(dirs ** 0.5)))
    paths = folder_paths(root, dirs, fanout)
    for p in paths:
        os.makedirs(p, exist_ok=True)
    for i in range(files):
        d = paths[i % len(paths)]
        write_file(os.path.join(d, make_name(rng, 20, 40, i)), b"")
    print(f"many: {files} empty files, {len(paths)} folders", file=sys.stderr)


def mixed(root, files, seed=300):
    rng = random.Random(seed)
    data_rng = random.Random(seed + 1)
    os.makedirs(root, exist_ok=True)
    # Folders: a few broad ones, some chains 10-20 levels deep, some with very long names.
    folders = [root]
    for i in range(60):
        parent = rng.choice(folders)
        folders.append(os.path.join(parent, f"folder {i:03d} {rng.choice(UNICODE_BITS)}"))
    for c in range(8):  # deep chains (ISO 9660 allows 8 levels; RR keeps the rest)
        p = rng.choice(folders[:10])
        for lvl in range(rng.randint(10, 20)):
            p = os.path.join(p, f"deep{c}_{lvl:02d}")
            folders.append(p)
    for i in range(12):  # long folder names (up to 200 bytes)
        parent = rng.choice(folders[:40])
        n = rng.randint(100, 200)
        folders.append(os.path.join(parent, f"long{i:02d}_" + "".join(rng.choice(ALNUM) for _ in range(n - 7))))
    for p in folders:
        os.makedirs(p, exist_ok=True)

    total = 0
    made = []
    for i in range(files):
        d = rng.choice(folders)
        r = rng.random()
        if r < 0.03:
            size = 0
        elif r < 0.905:
            size = int(2 ** rng.uniform(0, 16))  # 1 B..64 KiB
        elif r < 0.995:
            size = int(2 ** rng.uniform(16, 22))  # 64 KiB..4 MiB
        else:
            size = rng.randint(4 << 20, 50 << 20)  # 4..50 MiB
        kind = rng.random()
        if kind < 0.08:
            name = f"L{i:05d}_" + "".join(rng.choice(NAME_CHARS) for _ in range(rng.randint(100, 230)))
        elif kind < 0.16:
            name = f"u{i:05d} {rng.choice(UNICODE_BITS)}{rng.choice(UNICODE_BITS)}.txt"
        elif kind < 0.20:
            name = f"{i:05d}.multi.dot.name.tar.gz"
        else:
            name = make_name(rng, 5, 40, i)
        path = os.path.join(d, name)
        write_file(path, data_rng.randbytes(size))
        made.append(path)
        total += size
    # Symlinks: to files and folders (relative), absolute ones, and a few dangling ones.
    links = 0
    for i in range(150):
        d = rng.choice(folders)
        target = rng.choice(made) if i % 3 else rng.choice(folders)
        kind = i % 10
        if kind == 0:
            tgt = "/nonexistent/target/" + str(i)
        elif kind == 1:
            tgt = target
        else:
            tgt = os.path.relpath(target, d)
        os.symlink(tgt, os.path.join(d, f"link_{i:03d}"))
        links += 1
    print(f"mixed: {files} files, {len(folders)} folders, {links} symlinks, {total} bytes", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["small", "many", "mixed"])
    ap.add_argument("dir")
    ap.add_argument("--files", type=int)
    ap.add_argument("--dirs", type=int)
    a = ap.parse_args()
    if a.kind == "small":
        small(a.dir, a.files or 100_000, a.dirs or 2_000)
    elif a.kind == "many":
        many(a.dir, a.files or 1_000_000, a.dirs or 10_000)
    else:
        mixed(a.dir, a.files or 4_000)


if __name__ == "__main__":
    main()
