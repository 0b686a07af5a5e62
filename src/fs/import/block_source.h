#pragma once
// Whole blocks of an image, read from its Stream with every address checked against the
// stream's end. The one place the reader touches image bytes.

#include <span>
#include <string>
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
    /// FileSystemReadConsistency naming `what` and the LBA; a failed read: ImportReadFailure.
    std::vector<std::byte> read(u64 lba, u64 bytes, std::string_view what) const;
    /// Like read(), into `out`.
    void read_into(u64 lba, std::span<std::byte> out, std::string_view what) const;

    [[nodiscard]] const Stream& stream() const { return *m_image; }

private:
    const Stream* m_image;
};

/// FileSystemReadConsistency naming what is wrong where.
[[noreturn]] void damaged(std::string message, std::optional<u64> lba = std::nullopt,
                          std::string path = {});

} // namespace discwright::fs::import
