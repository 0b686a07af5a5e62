#pragma once
// Whole blocks of an image, read from its Stream with every address checked against the
// stream's end. The one place the reader touches image bytes.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "discwright/error.h"
#include "discwright/stream.h"

namespace discwright::fs::import {

class BlockSource {
public:
    explicit BlockSource(const Stream& image) : m_image(&image) {}

    [[nodiscard]] u64 blocks() const { return m_image->size() / block_size; }
    [[nodiscard]] bool contains(u64 lba, u64 bytes) const;

    /// `bytes` bytes from the start of block `lba`. Outside the image:
    /// FileSystemReadConsistency naming `what`, the LBA and `path` (the image path concerned,
    /// when there is one), before anything is allocated; a failed read: ImportReadFailure.
    std::vector<std::byte> read(u64 lba, u64 bytes, std::string_view what,
                                const std::string& path = {}) const;
    /// Like read(), into `out`.
    void read_into(u64 lba, std::span<std::byte> out, std::string_view what,
                   const std::string& path = {}) const;

    [[nodiscard]] const Stream& stream() const { return *m_image; }

private:
    const Stream* m_image;
};

/// An image path for messages: a folder's path and a name in it, joined only when an error
/// names it. Records are many and deep paths long; joining for every record would cost their
/// product.
struct RecordPath {
    std::string_view folder; ///< "/" for the root
    std::string_view name;   ///< empty: the folder itself
    [[nodiscard]] std::string str() const {
        if (name.empty()) return std::string(folder);
        return (folder == "/" ? std::string() : std::string(folder)) + "/" + std::string(name);
    }
};

/// FileSystemReadConsistency naming what is wrong where.
[[noreturn]] void damaged(std::string message, std::optional<u64> lba = std::nullopt,
                          std::string path = {});

} // namespace discwright::fs::import

template <>
struct fmt::formatter<discwright::fs::import::RecordPath> : fmt::formatter<std::string_view> {
    auto format(const discwright::fs::import::RecordPath& p, fmt::format_context& ctx) const {
        return fmt::formatter<std::string_view>::format(p.str(), ctx);
    }
};
