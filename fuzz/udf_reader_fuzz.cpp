// Fuzz target: UDF volumes are untrusted bytes. ImageReader must open any UDF volume, read its
// tree and every file in it, and fail only with discwright::Error: never a crash, a hang, an
// absurd allocation or another exception.
//
// A UDF volume is sparse (descriptors at 16, 32 and 256, the partition after), so the input is
// compact: its 2048-byte blocks go, in order, to the recognition sequence (16-18), the main
// volume descriptor sequence (32-37), the anchor (256) and the partition (257 on). The corpus
// holds images made by discwright in that form (fuzz/corpus/udf_reader/README).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "discwright/error.h"
#include "discwright/image_reader.h"
#include "discwright/stream.h"

using namespace discwright;

namespace {

constexpr std::size_t block = 2048;
constexpr u64 max_file_bytes = 256 * 1024;
constexpr u64 max_total_bytes = 4 * 1024 * 1024;

StreamPtr udf_image_of(const std::uint8_t* data, std::size_t size) {
    const std::size_t blocks = (size + block - 1) / block;
    std::vector<u64> where;
    for (u64 b = 16; b <= 18; ++b)
        where.push_back(b);
    for (u64 b = 32; b <= 37; ++b)
        where.push_back(b);
    where.push_back(256);
    for (u64 b = 257; where.size() < blocks; ++b)
        where.push_back(b);
    const u64 image_blocks = std::max<u64>(260, (blocks ? where[blocks - 1] : 0) + 2);
    std::vector<std::byte> image(image_blocks * block);
    for (std::size_t i = 0; i < blocks; ++i) {
        const std::size_t n = std::min(block, size - i * block);
        std::memcpy(image.data() + where[i] * block, data + i * block, n);
    }
    return std::make_shared<MemoryStream>(std::move(image), "fuzz input");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 512 * block) return 0;
    const StreamPtr image = udf_image_of(data, size);
    try {
        ImageReader reader(image);
        if (!has(reader.file_systems(), FsType::Udf)) return 0;
        (void)reader.volume(FsType::Udf);
        const ImageTree tree = reader.read_tree(FsType::Udf);
        const auto& entries = tree.entries();
        if (entries.empty() || entries[0].type != FsiItemType::Directory) __builtin_trap();
        u64 budget = max_total_bytes;
        std::vector<std::byte> buffer(64 * 1024);
        for (u32 i = 0; i < entries.size(); ++i) {
            const ImageEntry& e = entries[i];
            if (i != 0 && e.parent >= i) __builtin_trap();
            if (e.type == FsiItemType::Directory) {
                if (u64{e.first_child} + e.child_count > entries.size()) __builtin_trap();
                for (u32 c = e.first_child; c < e.first_child + e.child_count; ++c)
                    if (entries[c].parent != i) __builtin_trap();
                continue;
            }
            if (e.type != FsiItemType::File || budget == 0) continue;
            try {
                const StreamPtr s = reader.open(tree, i);
                if (s->size() != e.size) __builtin_trap();
                u64 offset = 0;
                const u64 limit = std::min({e.size, max_file_bytes, budget});
                while (offset < limit) {
                    const std::size_t want =
                        static_cast<std::size_t>(std::min<u64>(buffer.size(), e.size - offset));
                    if (s->read_at(offset, buffer) != want) __builtin_trap();
                    offset += want;
                }
                budget -= std::min(budget, offset);
            } catch (const Error&) {
            }
        }
    } catch (const Error&) {
    }
    return 0;
}
