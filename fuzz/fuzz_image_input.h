#pragma once
// How the image fuzz targets turn fuzzer bytes into an image. An input that starts with a
// volume descriptor ("?CD001") or is shorter than 17 blocks goes at LBA 16 of a zeroed image
// of at least 40 blocks, so the fuzzer mutates descriptors and directories instead of the
// 32 KiB system area; anything else is the whole image.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "discwright/stream.h"

namespace discwright::fuzz {

inline StreamPtr image_of(const std::uint8_t* data, std::size_t size) {
    constexpr std::size_t block = 2048;
    constexpr std::size_t system_area = 16 * block;
    constexpr std::size_t padded_image = 40 * block;
    std::vector<std::byte> bytes;
    const bool descriptor_first =
        size < system_area + block || (size >= 6 && std::memcmp(data + 1, "CD001", 5) == 0);
    if (descriptor_first) {
        bytes.resize(std::max(padded_image, system_area + size));
        if (size) std::memcpy(bytes.data() + system_area, data, size);
    } else {
        bytes.resize(size);
        std::memcpy(bytes.data(), data, size);
    }
    return std::make_shared<MemoryStream>(std::move(bytes), "fuzz input");
}

} // namespace discwright::fuzz
