// ImageReader over hostile images made by hand: folder chains at and past the depth and path
// limits, overlapping folders, and the inputs the fuzzer found (fuzz/image_reader_fuzz.cpp).
// Each must end in a clear Error naming the LBA and path, never a crash, a hang or an
// allocation the image does not justify.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/byte_io.h"
#include "discwright/image_reader.h"
#include "fs/import/tree_reader.h"
#include "fs/iso9660/on_disk.h"
#include "support/expect_error.h"

namespace discwright {
namespace {

using fs::iso9660::DirectoryRecordHeader;
using fs::iso9660::VolumeDescriptor;

constexpr std::size_t kBlock = 2048;
constexpr u32 kBlockBytes = 2048;

std::string read_all(const Stream& s) {
    std::string out(s.size(), '\0');
    EXPECT_EQ(s.read_at(0, std::as_writable_bytes(std::span(out))), out.size());
    return out;
}

// --- Hand-made images --------------------------------------------------------------

/// A minimal ISO 9660 image: primary descriptor at 16, terminator at 17, folders written by
/// hand from block 18 on.
class CraftedImage {
public:
    explicit CraftedImage(u64 blocks) : m_bytes(blocks * kBlock) {}

    /// ECMA-119 8.4: the primary volume descriptor and the set terminator.
    void descriptors(u32 root_lba, u32 root_bytes) {
        VolumeDescriptor vd{};
        vd.type = 1;
        std::memcpy(vd.standard_identifier.data(), "CD001", 5);
        vd.version = 1;
        vd.volume_space_size = core::LeBe32(static_cast<u32>(m_bytes.size() / kBlock));
        vd.logical_block_size = core::LeBe16(2048);
        vd.file_structure_version = 1;
        core::ByteWriter root{std::as_writable_bytes(std::span(vd.root_directory_record))};
        encode(root, std::string_view("\0", 1), root_lba, root_bytes, fs::iso9660::flag_directory);
        core::ByteWriter(std::span(m_bytes).subspan(16 * kBlock, kBlock)).put(vd);
        fs::iso9660::VolumeDescriptorSetTerminator end{};
        end.type = 255;
        std::memcpy(end.standard_identifier.data(), "CD001", 5);
        end.version = 1;
        core::ByteWriter(std::span(m_bytes).subspan(17 * kBlock, kBlock)).put(end);
    }

    /// A folder at `lba`: ".", "..", then `entries`, one block.
    struct Entry {
        std::string id;
        u32 lba, bytes;
        u8 flags;
    };
    void directory(u32 lba, u32 parent, const std::vector<Entry>& entries) {
        core::ByteWriter out{std::span(m_bytes).subspan(u64{lba} * kBlock, kBlock)};
        encode(out, std::string_view("\0", 1), lba, kBlockBytes, fs::iso9660::flag_directory);
        encode(out, std::string_view("\1", 1), parent, kBlockBytes, fs::iso9660::flag_directory);
        for (const auto& e : entries)
            encode(out, e.id, e.lba, e.bytes, e.flags);
    }

    [[nodiscard]] StreamPtr stream() const {
        return std::make_shared<MemoryStream>(m_bytes, "crafted image");
    }

private:
    // ECMA-119 9.1: header, identifier, a pad byte after an even-length identifier.
    static void encode(core::ByteWriter& out, std::string_view id, u32 lba, u32 bytes, u8 flags) {
        DirectoryRecordHeader h{};
        const std::size_t pad = id.size() % 2 == 0 ? 1 : 0;
        h.length = static_cast<u8>(sizeof h + id.size() + pad);
        h.extent_location = core::LeBe32(lba);
        h.data_length = core::LeBe32(bytes);
        h.flags = flags;
        h.volume_sequence_number = core::LeBe16(1);
        h.file_identifier_length = static_cast<u8>(id.size());
        out.put(h);
        out.text(id);
        out.zeros(pad);
    }
    std::vector<std::byte> m_bytes;
};

/// A chain of `levels` folders below the root, each a block: /D/D/D/...
StreamPtr folder_chain(u32 levels) {
    constexpr u32 first = 18;
    CraftedImage image(first + levels + 1);
    image.descriptors(first, kBlockBytes);
    for (u32 i = 0; i <= levels; ++i) {
        const u32 lba = first + i;
        std::vector<CraftedImage::Entry> entries;
        if (i < levels) entries.push_back({"D", lba + 1, kBlockBytes, fs::iso9660::flag_directory});
        image.directory(lba, i == 0 ? lba : lba - 1, entries);
    }
    return image.stream();
}

TEST(HostileImage, FolderChainAtTheDepthLimitReads) {
    ImageReader reader(folder_chain(fs::import::max_tree_depth));
    const ImageTree tree = reader.read_tree(FsType::Iso9660);
    EXPECT_EQ(tree.directory_count(), fs::import::max_tree_depth);
}

TEST(HostileImage, FolderChainTwoThousandDeepIsAnError) {
    ImageReader reader(folder_chain(2000));
    auto e = test::expect_error(ErrorCode::FileSystemReadConsistency,
                                [&] { (void)reader.read_tree(FsType::Iso9660); });
    std::string path;
    for (u32 i = 0; i <= fs::import::max_tree_depth; ++i)
        path += "/D";
    EXPECT_EQ(e.context().path, path);
    EXPECT_EQ(e.context().lba, 18u + fs::import::max_tree_depth + 1);
    EXPECT_NE(e.message().find("more than 1024 levels deep"), std::string::npos);
}

TEST(HostileImage, FolderPathLongerThanTheLimit) {
    // A chain of folders with 220-byte identifiers: deep enough, well under the depth limit,
    // for a path past max_path_bytes.
    constexpr u32 first = 18, levels = 160;
    const std::string name(220, 'N');
    CraftedImage image(first + levels + 1);
    image.descriptors(first, kBlockBytes);
    for (u32 i = 0; i <= levels; ++i) {
        const u32 lba = first + i;
        std::vector<CraftedImage::Entry> entries;
        if (i < levels)
            entries.push_back({name, lba + 1, kBlockBytes, fs::iso9660::flag_directory});
        image.directory(lba, i == 0 ? lba : lba - 1, entries);
    }
    ImageReader reader(image.stream());
    auto e = test::expect_error(ErrorCode::FileSystemReadConsistency,
                                [&] { (void)reader.read_tree(FsType::Iso9660); });
    const u32 depth = fs::import::max_path_bytes / (name.size() + 1) + 1; // the first too long
    EXPECT_EQ(e.context().lba, first + depth);
    EXPECT_EQ(e.context().path.size(), depth * (name.size() + 1));
    EXPECT_NE(e.message().find("path longer than 32768 bytes"), std::string::npos);
}

TEST(HostileImage, OverlappingFoldersCannotMultiplyTheImage) {
    // The root lists 40 folders; folder k starts at block 18 + k and claims every block to the
    // end. Each is read once, but together they claim 14 times the image: the reader stops when
    // the folders it read add up to more than the image, instead of listing the same records
    // over and over (quadratic in the image's size).
    constexpr u32 first = 18, count = 40;
    CraftedImage image(first + count + 1);
    image.descriptors(first, kBlockBytes);
    std::vector<CraftedImage::Entry> entries;
    for (u32 k = 1; k <= count; ++k)
        entries.push_back({fmt::format("F{:02}", k), first + k, (count + 1 - k) * kBlockBytes,
                           fs::iso9660::flag_directory});
    image.directory(first, first, entries);
    for (u32 k = 1; k <= count; ++k)
        image.directory(first + k, first, {});
    ImageReader reader(image.stream());
    auto e = test::expect_error(ErrorCode::FileSystemReadConsistency,
                                [&] { (void)reader.read_tree(FsType::Iso9660); });
    EXPECT_NE(e.message().find("directory extents overlap"), std::string::npos) << e.what();
    EXPECT_TRUE(e.context().lba);
    EXPECT_TRUE(e.context().path.starts_with("/F")) << e.context().path;
}

// --- Inputs the fuzzer found (fuzz/image_reader_fuzz.cpp), minimised ----------------------

/// A fuzz input, stored sparse: its size and its non-zero bytes.
struct FuzzInput {
    std::size_t size;
    std::vector<std::pair<std::size_t, u8>> bytes;
};

/// The image the fuzz target makes of an input: one that starts with a volume descriptor is
/// placed at LBA 16 of a zeroed image of at least 40 blocks.
StreamPtr shaped(const FuzzInput& input) {
    std::vector<std::byte> in(input.size);
    for (const auto& [at, value] : input.bytes)
        in.at(at) = std::byte{value};
    const bool descriptor_first = input.size < 17 * kBlock ||
                                  (input.size >= 6 && std::memcmp(in.data() + 1, "CD001", 5) == 0);
    if (!descriptor_first) return std::make_shared<MemoryStream>(std::move(in), "fuzz input");
    std::vector<std::byte> image(std::max(40 * kBlock, 16 * kBlock + input.size));
    std::copy(in.begin(), in.end(), image.begin() + 16 * kBlock);
    return std::make_shared<MemoryStream>(std::move(image), "fuzz input");
}

/// What the fuzz target does: every tree and every file, where only Error may be thrown.
void read_everything(const StreamPtr& image) {
    std::optional<ImageReader> reader;
    try {
        reader.emplace(image);
    } catch (const Error&) {
        return;
    }
    for (FsType ns : {FsType::RockRidge, FsType::Joliet, FsType::Iso9660_1999, FsType::Iso9660}) {
        if (!has(reader->file_systems(), ns)) continue;
        try {
            const ImageTree tree = reader->read_tree(ns);
            for (u32 i = 0; i < tree.size(); ++i) {
                if (tree.at(i).type != FsiItemType::File) continue;
                try {
                    (void)read_all(*reader->open(tree, i));
                } catch (const Error&) {
                }
            }
        } catch (const Error&) {
        }
    }
}

// A file record ('A', no directory bit) whose PX mode is 040400 made an entry typed folder
// with no extent: std::out_of_range from the tree reader.
const FuzzInput file_with_folder_mode{
    10749,
    {{0, 0x01},     {1, 'C'},      {2, 'D'},      {3, '0'},      {4, '0'},      {5, '1'},
     {158, 0x15},   {167, 0x08},   {10240, 0x8c}, {10272, 0x01}, {10274, 'S'},  {10275, 'P'},
     {10276, 0x07}, {10278, 0xbe}, {10279, 0xef}, {10380, 0x68}, {10412, 0x01}, {10484, 0x6e},
     {10516, 0x01}, {10517, 'A'},  {10518, 'P'},  {10519, 'X'},  {10520, 0x2c}, {10523, 0x41}}};

TEST(FuzzRegression, FileRecordWithFolderMode) {
    const StreamPtr image = shaped(file_with_folder_mode);
    EXPECT_NO_THROW(read_everything(image));
    ImageReader reader(image);
    auto e = test::expect_error(ErrorCode::FileSystemReadConsistency,
                                [&] { (void)reader.read_tree(FsType::RockRidge); });
    EXPECT_EQ(e.context().lba, 21u);
    EXPECT_EQ(e.context().path, "/A");
}

} // namespace
} // namespace discwright
