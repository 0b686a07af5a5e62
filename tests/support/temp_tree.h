#pragma once

// Test fixtures built at test time from a spec (STYLE.md 9): a fresh temporary folder, and a
// tree of files, folders, links and special files inside one.
//
//     TempTree tree{{"a/b.txt", "hi"},
//                   {"big", Sparse{5 * kGiB}},
//                   {"noise.bin", PseudoRandom{4097, 7}},
//                   {"bin/sh", Symlink{"../a/b.txt"}, {.mode = 0755}},
//                   {"a/c.txt", HardLink{"a/b.txt"}},
//                   {"private", Folder{}, {.mode = 0700, .uid = 1000, .gid = 100}}};
//
// Parent folders are created as needed. Every entry's mtime is pinned (kDefaultMtime unless the
// entry says otherwise), so a manifest of the tree does not depend on when the test ran.

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <sys/types.h>

namespace discwright::test {

inline constexpr std::uint64_t kKiB = 1024;
inline constexpr std::uint64_t kMiB = 1024 * kKiB;
inline constexpr std::uint64_t kGiB = 1024 * kMiB;

/// The mtime (and atime) every TempTree entry gets unless its Attrs say otherwise:
/// 2023-11-14 22:13:20 UTC.
inline constexpr std::int64_t kDefaultMtime = 1'700'000'000;

/// A fresh, empty folder under $TMPDIR (or /tmp), removed with its contents by the destructor.
class TempDir {
public:
    explicit TempDir(std::string_view prefix = "discwright-test");
    ~TempDir();
    TempDir(TempDir&& other) noexcept;
    TempDir& operator=(TempDir&& other) noexcept;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(std::string_view relative) const { return m_path / relative; }

private:
    std::filesystem::path m_path;
};

/// A file of `size` bytes that is one hole: reads as zeros, takes no disk space.
struct Sparse {
    std::uint64_t size = 0;
};
/// A file of `size` bytes of deterministic pseudo-random data (same seed, same bytes).
struct PseudoRandom {
    std::uint64_t size = 0;
    std::uint64_t seed = 0;
};
struct Folder {};
/// A symbolic link whose target is stored verbatim.
struct Symlink {
    std::string target;
};
/// A hard link to an earlier entry of the same tree (a path relative to the tree root).
struct HardLink {
    std::string existing;
};
struct Fifo {};

/// Literal file content, a generated file, or something that is not a regular file.
using Content = std::variant<std::string, Sparse, PseudoRandom, Folder, Symlink, HardLink, Fifo>;

/// Attributes applied after the whole tree exists (so adding children does not move a folder's
/// mtime). Unset fields keep what creation gave, except mtime, which defaults to kDefaultMtime.
struct Attrs {
    std::optional<mode_t> mode = {};
    std::optional<uid_t> uid = {};
    std::optional<gid_t> gid = {};
    std::optional<std::int64_t> mtime = {};
    std::optional<std::int64_t> atime = {};
};

struct TreeEntry {
    std::string path; ///< relative to the tree root, '/'-separated
    Content content;
    Attrs attrs = {};
};

/// The bytes PseudoRandom{size, seed} writes; also usable to build expectations.
std::string pseudo_random_bytes(std::uint64_t size, std::uint64_t seed);

/// A TempDir filled from a spec. Entries may also be added later with add() and finish().
class TempTree {
public:
    TempTree() = default;
    TempTree(std::initializer_list<TreeEntry> entries);
    explicit TempTree(const std::vector<TreeEntry>& entries);

    /// Creates one entry now (attributes wait for finish()).
    void add(const TreeEntry& entry);
    /// Applies every pending entry's attributes, deepest paths first. Constructors call it.
    void finish();

    const std::filesystem::path& path() const { return m_dir.path(); }
    std::filesystem::path operator/(std::string_view relative) const { return m_dir / relative; }

private:
    TempDir m_dir{"discwright-tree"};
    std::vector<std::pair<std::string, Attrs>> m_pending;
};

} // namespace discwright::test
