#pragma once
// A file of an image as a Stream: its extents, in order, read from the image's stream.

#include <vector>

#include "discwright/image_reader.h"

namespace discwright::fs::import {

class ExtentStream final : public Stream {
public:
    /// `size` bytes taken from `extents` in order. Extents outside `image`, or fewer bytes than
    /// `size`: FileSystemReadConsistency naming `path`.
    ExtentStream(StreamPtr image, std::vector<ImageExtent> extents, u64 size, std::string path);

    u64 size() const override { return m_size; }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override;
    std::string description() const override;

private:
    StreamPtr m_image;
    std::vector<ImageExtent> m_extents;
    std::vector<u64> m_starts; // file offset of each extent
    u64 m_size;
    std::string m_path;
};

} // namespace discwright::fs::import
