#pragma once

// A Manifest is the expectation every reader's view is compared with (STYLE.md 9): path ->
// type, size, SHA-256, POSIX mode, owner, mtime, link target, link count. It is built from a
// host folder (the source tree, or a reader's extraction) or from a reader's listing, and two
// manifests are compared on a chosen set of fields with a diff a human can read.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace discwright::test {

enum class EntryType { File, Directory, Symlink, Fifo, CharDevice, BlockDevice, Socket };

std::string_view to_string(EntryType type);

struct ManifestEntry {
    EntryType type = EntryType::File;
    std::uint64_t size = 0; ///< files only; 0 for everything else
    std::string sha256;     ///< lowercase hex, files only
    std::uint32_t mode = 0; ///< permission bits incl. setuid/setgid/sticky (07777)
    std::uint32_t uid = 0;
    std::uint32_t gid = 0;
    std::int64_t mtime = 0;  ///< seconds since 1970 (UTC)
    std::string link_target; ///< symlinks only, verbatim
    std::uint32_t nlink = 1;
    std::uint64_t rdev = 0; ///< devices only
};

/// What a comparison looks at. Nlink is compared for non-folders only (folder link counts are
/// a reader's invention).
enum class Field { Type, Size, Sha256, LinkTarget, Mode, Owner, Mtime, Nlink };
using Fields = std::vector<Field>;

/// Names and data: what every reader must get right.
inline const Fields kContentFields = {Field::Type, Field::Size, Field::Sha256, Field::LinkTarget};
/// Names, data and the POSIX attributes Rock Ridge carries.
inline const Fields kPosixFields = {Field::Type, Field::Size,  Field::Sha256, Field::LinkTarget,
                                    Field::Mode, Field::Owner, Field::Mtime};

/// SHA-256 (lowercase hex) of bytes, and of a file's contents read in chunks.
std::string sha256_hex(std::string_view bytes);
std::string sha256_of_file(const std::filesystem::path& file);

class Manifest {
public:
    Manifest() = default;

    /// Walks `dir` with lstat (symlinks are recorded, not followed). Paths are relative to `dir`,
    /// '/'-separated, without a leading slash; `dir` itself is not an entry.
    static Manifest of_tree(const std::filesystem::path& dir);

    void add(std::string path, ManifestEntry entry);
    const ManifestEntry* find(std::string_view path) const;
    /// The entry at `path`; throws std::out_of_range naming the path when there is none.
    const ManifestEntry& at(std::string_view path) const;
    bool contains(std::string_view path) const { return find(path) != nullptr; }

    std::size_t size() const { return m_entries.size(); }
    bool empty() const { return m_entries.empty(); }
    const std::map<std::string, ManifestEntry, std::less<>>& entries() const { return m_entries; }
    std::vector<std::string> paths() const;
    /// How many entries have this type.
    std::size_t count(EntryType type) const;

    /// A copy without `path` and everything under it (e.g. the root's hidden ".rr_moved").
    Manifest without(std::string_view path) const;
    /// A copy keeping the entries `keep` accepts.
    Manifest
    filtered(const std::function<bool(const std::string&, const ManifestEntry&)>& keep) const;
    /// A copy with every path passed through `rename` (e.g. to drop ISO 9660 ";1" versions).
    Manifest renamed(const std::function<std::string(const std::string&)>& rename) const;

    /// Multi-line listing, for failure messages.
    std::string dump(std::size_t max_lines = 50) const;

private:
    std::map<std::string, ManifestEntry, std::less<>> m_entries;
};

/// "" when `actual` has exactly the paths of `expected` and they agree on `fields`; otherwise a
/// report listing missing paths, extra paths and per-path differences (at most `max_lines` each).
std::string diff(const Manifest& expected, const Manifest& actual, const Fields& fields,
                 std::size_t max_lines = 25);

/// For EXPECT_TRUE / ASSERT_TRUE: succeeds when diff() is empty, else fails with it, headed by
/// `who` (e.g. "xorriso extraction").
testing::AssertionResult manifests_match(std::string_view who, const Manifest& expected,
                                         const Manifest& actual, const Fields& fields);

} // namespace discwright::test
