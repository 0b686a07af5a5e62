// ImageReader over damaged images: each test breaks one field of a sound image made by
// FileSystemImage and expects a clear Error naming the LBA and, when there is one, the image
// path. Image bytes are untrusted input. (Hand-made images: hostile_image_test.cpp.)

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/byte_io.h"
#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "discwright/image_reader.h"
#include "fs/import/directory_records.h"
#include "fs/iso9660/on_disk.h"
#include "support/expect_error.h"

namespace discwright {
namespace {

using fs::iso9660::DirectoryRecordHeader;
using fs::iso9660::VolumeDescriptor;

constexpr UnixTime kNow = 1'700'000'000;
constexpr std::size_t kBlock = 2048;
constexpr u32 kBlockBytes = 2048;

// ECMA-119 9.1 byte offsets of the fields broken below.
constexpr std::size_t kRecordLength = offsetof(DirectoryRecordHeader, length);             // BP 1
constexpr std::size_t kExtentLocation = offsetof(DirectoryRecordHeader, extent_location);  // BP 3
constexpr std::size_t kDataLength = offsetof(DirectoryRecordHeader, data_length);          // BP 11
constexpr std::size_t kIdLength = offsetof(DirectoryRecordHeader, file_identifier_length); // BP 33
constexpr std::size_t kVolumeSpaceSize = offsetof(VolumeDescriptor, volume_space_size);    // BP 81

StreamPtr text(std::string_view t) {
    return MemoryStream::from_string(t);
}

std::string read_all(const Stream& s) {
    std::string out(s.size(), '\0');
    EXPECT_EQ(s.read_at(0, std::as_writable_bytes(std::span(out))), out.size());
    return out;
}

/// Image bytes to break, and where things are in them.
class Patchable {
public:
    explicit Patchable(const Stream& image) : m_bytes(image.size()) {
        EXPECT_EQ(image.read_at(0, m_bytes), m_bytes.size());
    }

    [[nodiscard]] StreamPtr stream() const {
        return std::make_shared<MemoryStream>(m_bytes, "patched image");
    }
    [[nodiscard]] std::vector<std::byte>& bytes() { return m_bytes; }

    template <core::OnDisk T> void put(std::size_t at, const T& value) {
        core::ByteWriter(std::span(m_bytes).subspan(at, sizeof(T))).put(value);
    }
    void put_u8(std::size_t at, u8 value) { put(at, value); }
    void put_lebe32(std::size_t at, u32 value) { put(at, core::LeBe32(value)); }
    void put_le32(std::size_t at, u32 value) { put(at, core::Le32(value)); }

    /// A record of a folder extent, found by its raw identifier (ISO "README.TXT;1", or the
    /// UTF-16BE bytes of a Joliet name).
    struct Record {
        std::size_t at = 0; ///< absolute byte offset of the record
        u64 lba = 0;        ///< block holding it
        std::size_t length = 0;
        std::size_t system_use = 0; ///< absolute offset of its system use area
        std::size_t system_use_length = 0;
    };
    Record record(const ImageExtent& folder, std::string_view identifier) const {
        return record_where(folder, [&](std::string_view id) { return id == identifier; });
    }
    template <class Match> Record record_where(const ImageExtent& folder, Match match) const {
        const auto extent = std::span(m_bytes).subspan(folder.lba * kBlock, folder.bytes);
        fs::import::DirectoryExtent records(extent, folder.lba, "test");
        while (auto r = records.next()) {
            if (!match(r->identifier)) continue;
            Record out;
            out.at = folder.lba * kBlock + r->offset;
            out.lba = r->lba;
            out.length = r->header.length;
            out.system_use = r->system_use.empty()
                                 ? 0
                                 : static_cast<std::size_t>(r->system_use.data() - m_bytes.data());
            out.system_use_length = r->system_use.size();
            return out;
        }
        ADD_FAILURE() << "no such record at LBA " << folder.lba;
        return {};
    }

    /// The absolute offset of SUSP entry `sig` in a record's system use area (SUSP 4.1),
    /// `skip` bytes in.
    std::size_t susp_entry(const Record& r, std::string_view sig, std::size_t skip = 0) const {
        std::size_t pos = r.system_use + skip;
        const std::size_t end = r.system_use + r.system_use_length;
        while (pos + 4 <= end) {
            const auto len = static_cast<u8>(m_bytes[pos + 2]);
            if (static_cast<char>(m_bytes[pos]) == sig[0] &&
                static_cast<char>(m_bytes[pos + 1]) == sig[1])
                return pos;
            if (len < 4) break;
            pos += len;
        }
        ADD_FAILURE() << "no " << sig << " entry in the record at " << r.at;
        return 0;
    }

private:
    std::vector<std::byte> m_bytes;
};

/// A sound image: Rock Ridge, Joliet, a relocated deep folder, a symlink, a long name that
/// needs a continuation area, and a Joliet folder of two blocks.
Patchable sample() {
    FileSystemImage img({}, Clock::fixed(kNow));
    img.root().add_directory("Docs");
    img.root().add_file("Docs/Read Me.txt", text("hello\n"));
    img.root().add_file("Docs/secret.bin", text(std::string(5000, 'x')));
    img.root().add_symlink("link", "Docs/Read Me.txt");
    img.root().add_file("Docs/" + std::string(200, 'n'), text("long\n"));
    std::string deep;
    for (int i = 0; i < 10; ++i) {
        deep += "/d" + std::to_string(i);
        img.root().add_directory(deep);
    }
    img.root().add_file(deep + "/bottom.txt", text("deep\n"));
    img.root().add_directory("many");
    for (int i = 0; i < 60; ++i)
        img.root().add_file(fmt::format("many/file-{:02}.txt", i), text("m"));
    return Patchable(*img.create_result_image().image_stream());
}

/// The extent of the folder at `path` of namespace `ns`, read from the sound image.
ImageExtent folder(const Patchable& image, FsType ns, std::string_view path) {
    ImageReader reader(image.stream());
    const ImageTree tree = reader.read_tree(ns);
    const auto at = tree.find(path);
    EXPECT_TRUE(at) << path;
    return at ? tree.at(*at).extents.at(0) : ImageExtent{};
}

std::string utf16be(std::string_view ascii) {
    std::string out;
    for (char c : ascii) {
        out += '\0';
        out += c;
    }
    return out;
}

/// Expects read_tree(ns) to fail with FileSystemReadConsistency naming `lba` and `path`.
Error expect_damaged(const Patchable& image, FsType ns, u64 lba, const std::string& path) {
    ImageReader reader(image.stream());
    auto e = test::expect_error(ErrorCode::FileSystemReadConsistency,
                                [&] { (void)reader.read_tree(ns); });
    EXPECT_EQ(e.context().lba, lba) << e.what();
    EXPECT_EQ(e.context().path, path) << e.what();
    EXPECT_NE(e.message().find(fmt::format("LBA {}", lba)), std::string::npos) << e.what();
    if (!path.empty()) {
        EXPECT_NE(e.message().find(path), std::string::npos) << e.what();
    }
    return e;
}

// --- The sound image reads, so every failure below comes from its one broken field. ---------

TEST(CorruptImage, TheSampleIsSound) {
    Patchable image = sample();
    ImageReader reader(image.stream());
    for (FsType ns : {FsType::RockRidge, FsType::Joliet, FsType::Iso9660}) {
        const ImageTree tree = reader.read_tree(ns);
        for (u32 i = 0; i < tree.size(); ++i)
            if (tree.at(i).type == FsiItemType::File) (void)read_all(*reader.open(tree, i));
    }
    const ImageTree rr = reader.read_tree(FsType::RockRidge);
    EXPECT_TRUE(rr.find("/d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/bottom.txt"));
    EXPECT_TRUE(rr.find("/Docs/" + std::string(200, 'n')));
}

// --- Extents and lengths -------------------------------------------------------------------

TEST(CorruptImage, TruncatedImageNamesTheMissingFolder) {
    Patchable image = sample();
    const ImageExtent many = folder(image, FsType::Joliet, "/many");
    ASSERT_EQ(many.bytes, 2 * kBlock) << "the Joliet folder /many takes two blocks";
    // Cut the image in the middle of the folder's second block.
    image.bytes().resize((many.lba + 1) * kBlock + 100);
    auto e = expect_damaged(image, FsType::Joliet, many.lba, "/many");
    EXPECT_NE(e.message().find("past the end of the image"), std::string::npos) << e.what();
}

TEST(CorruptImage, DirectoryLengthPastTheEndFailsBeforeReading) {
    Patchable image = sample();
    const ImageExtent docs = folder(image, FsType::Iso9660, "/DOCS");
    const auto r = image.record(folder(image, FsType::Iso9660, "/"), "DOCS");
    // 256 MiB of records (the per-folder limit) in a 100 MiB image: past its end. The reader
    // says so before it allocates (run with ASAN_OPTIONS=max_allocation_size_mb=64 to see).
    image.put_lebe32(r.at + kDataLength, 256u << 20);
    auto big = std::make_shared<ConcatStream>(
        std::vector<StreamPtr>{image.stream(), std::make_shared<ZeroStream>(u64{100} << 20)});
    ImageReader reader(big);
    auto e = test::expect_error(ErrorCode::FileSystemReadConsistency,
                                [&] { (void)reader.read_tree(FsType::Iso9660); });
    EXPECT_EQ(e.context().lba, docs.lba);
    EXPECT_EQ(e.context().path, "/DOCS");
    EXPECT_NE(e.message().find("268435456 bytes) lies past the end of the image"),
              std::string::npos)
        << e.what();
}

TEST(CorruptImage, DirectoryLengthOverTheLimitInALargeImage) {
    // A 300 MB image (zeros after the sample) that could hold 256 MiB of records: the folder
    // limit applies before anything is read or allocated.
    Patchable image = sample();
    const ImageExtent docs = folder(image, FsType::Iso9660, "/DOCS");
    const auto r = image.record(folder(image, FsType::Iso9660, "/"), "DOCS");
    image.put_lebe32(r.at + kDataLength, 0xFFFF'F800);
    auto big = std::make_shared<ConcatStream>(
        std::vector<StreamPtr>{image.stream(), std::make_shared<ZeroStream>(u64{300} << 20)});
    ImageReader reader(big);
    auto e = test::expect_error(ErrorCode::FileSystemReadConsistency,
                                [&] { (void)reader.read_tree(FsType::Iso9660); });
    EXPECT_EQ(e.context().lba, docs.lba);
    EXPECT_EQ(e.context().path, "/DOCS");
    EXPECT_NE(e.message().find("claims 4294965248 bytes"), std::string::npos) << e.what();
}

TEST(CorruptImage, FileDataPastTheEndFailsWhenOpened) {
    Patchable image = sample();
    const auto r = image.record(folder(image, FsType::Iso9660, "/DOCS"), "READ_ME.TXT;1");
    image.put_lebe32(r.at + kExtentLocation, 0x00FF'FFFF);
    ImageReader reader(image.stream());
    const ImageTree tree = reader.read_tree(FsType::RockRidge); // the tree itself is fine
    const auto at = tree.find("/Docs/Read Me.txt");
    ASSERT_TRUE(at);
    auto e = test::expect_error(ErrorCode::FileSystemReadConsistency,
                                [&] { (void)reader.open(tree, *at); });
    EXPECT_EQ(e.context().lba, 0x00FF'FFFFu);
    EXPECT_EQ(e.context().path, "/Docs/Read Me.txt");
    EXPECT_NE(e.message().find("LBA 16777215"), std::string::npos) << e.what();
    auto by_entry = test::expect_error(ErrorCode::FileSystemReadConsistency,
                                       [&] { (void)reader.open(tree.at(*at)); });
    EXPECT_EQ(by_entry.context().path, "Read Me.txt");
}

// --- Loops ---------------------------------------------------------------------------------

TEST(CorruptImage, FolderPointingAtItsParentIsALoop) {
    Patchable image = sample();
    const ImageExtent d0 = folder(image, FsType::Iso9660, "/D0");
    const auto r = image.record(d0, "D1");
    image.put_lebe32(r.at + kExtentLocation, static_cast<u32>(d0.lba));
    auto e = expect_damaged(image, FsType::Iso9660, d0.lba, "/D0/D1");
    EXPECT_NE(e.message().find("loop"), std::string::npos) << e.what();
}

TEST(CorruptImage, FolderPointingAtTheRootIsALoop) {
    Patchable image = sample();
    const ImageExtent root = folder(image, FsType::Joliet, "/");
    const auto r = image.record(folder(image, FsType::Joliet, "/d0"), utf16be("d1"));
    image.put_lebe32(r.at + kExtentLocation, static_cast<u32>(root.lba));
    expect_damaged(image, FsType::Joliet, root.lba, "/d0/d1");
}

// --- Directory records (ECMA-119 9.1) ------------------------------------------------------

TEST(CorruptImage, RecordShorterThanItsHeader) {
    Patchable image = sample();
    const ImageExtent docs = folder(image, FsType::Iso9660, "/DOCS");
    const auto r = image.record(docs, "READ_ME.TXT;1");
    image.put_u8(r.at + kRecordLength, 20);
    auto e = expect_damaged(image, FsType::Iso9660, r.lba, "/DOCS");
    EXPECT_NE(e.message().find("is 20 bytes"), std::string::npos) << e.what();
}

TEST(CorruptImage, RecordCrossingItsBlock) {
    Patchable image = sample();
    const ImageExtent many = folder(image, FsType::Joliet, "/many");
    // The last record of the first block: make it reach 2 bytes into the second.
    fs::import::DirectoryExtent records(std::span(image.bytes()).subspan(many.lba * kBlock, kBlock),
                                        many.lba, "/many");
    std::size_t last = 0;
    while (auto r = records.next())
        last = r->offset;
    ASSERT_GT(kBlock - last, 34u);
    ASSERT_LE(kBlock - last + 2, 255u);
    image.put_u8(many.lba * kBlock + last + kRecordLength, static_cast<u8>(kBlock - last + 2));
    auto e = expect_damaged(image, FsType::Joliet, many.lba, "/many");
    EXPECT_NE(e.message().find("crosses the end of its block"), std::string::npos) << e.what();
}

TEST(CorruptImage, IdentifierLongerThanItsRecord) {
    Patchable image = sample();
    const auto r = image.record(folder(image, FsType::Iso9660, "/DOCS"), "SECRET.BIN;1");
    image.put_u8(r.at + kIdLength, 250);
    auto e = expect_damaged(image, FsType::Iso9660, r.lba, "/DOCS");
    EXPECT_NE(e.message().find("250-byte identifier"), std::string::npos) << e.what();
}

// --- System use entries (SUSP 1.12, RRIP 1.12) ---------------------------------------------

struct SuspCase {
    const char* name;
    u8 length; // the broken entry's length byte (SUSP 4.1.2, BP 3)
    const char* expect;
};

class BrokenSuspLength : public testing::TestWithParam<SuspCase> {};

TEST_P(BrokenSuspLength, NamesTheRecord) {
    Patchable image = sample();
    const auto r = image.record(folder(image, FsType::Iso9660, "/DOCS"), "SECRET.BIN;1");
    image.put_u8(image.susp_entry(r, "PX") + 2, GetParam().length);
    auto e = expect_damaged(image, FsType::RockRidge, r.lba, "/Docs/SECRET.BIN");
    EXPECT_NE(e.message().find(GetParam().expect), std::string::npos) << e.what();
}

INSTANTIATE_TEST_SUITE_P(CorruptImage, BrokenSuspLength,
                         testing::Values(SuspCase{"Zero", 0, "has length 0"},
                                         SuspCase{"BelowHeader", 3, "has length 3"},
                                         SuspCase{"ShortForPx", 8, "PX entry at LBA"},
                                         SuspCase{"Overrunning", 255, "has length 255"}),
                         [](const auto& info) { return std::string(info.param.name); });

/// The long-named file's record and its CE entry (its NM does not fit the record).
struct LongName {
    Patchable::Record record;
    std::size_t ce = 0;
    std::string iso_path;
};
LongName long_name(const Patchable& image) {
    ImageReader reader(image.stream());
    const ImageTree plain = reader.read_tree(FsType::Iso9660);
    const auto docs = plain.find("/DOCS");
    std::string name;
    for (u32 i = 0; i < plain.at(*docs).child_count; ++i) {
        const auto& e = plain.at(plain.at(*docs).first_child + i);
        if (e.name.starts_with("NNN")) name = e.name;
    }
    EXPECT_FALSE(name.empty());
    LongName out;
    out.record = image.record_where(plain.at(*docs).extents.at(0),
                                    [](std::string_view id) { return id.starts_with("NNN"); });
    out.ce = image.susp_entry(out.record, "CE");
    out.iso_path = "/Docs/" + name;
    return out;
}

TEST(CorruptImage, ContinuationPastTheEnd) {
    Patchable image = sample();
    const LongName n = long_name(image);
    image.put_lebe32(n.ce + 4, 0x00FF'FFFF); // SUSP 5.1: BP 5-12, block location
    expect_damaged(image, FsType::RockRidge, 0x00FF'FFFF, n.iso_path);
}

TEST(CorruptImage, ContinuationPointingAtItselfTerminates) {
    Patchable image = sample();
    const LongName n = long_name(image);
    // The CE names the 28 bytes of itself: the area holds one entry, a CE to the same area.
    image.put_lebe32(n.ce + 4, static_cast<u32>(n.ce / kBlock));
    image.put_lebe32(n.ce + 12, static_cast<u32>(n.ce % kBlock));
    image.put_lebe32(n.ce + 20, 28);
    auto e = expect_damaged(image, FsType::RockRidge, n.ce / kBlock, n.iso_path);
    EXPECT_NE(e.message().find("continuation areas"), std::string::npos) << e.what();
}

TEST(CorruptImage, LongContinuationLoopIsBoundedByBytes) {
    Patchable image = sample();
    const LongName n = long_name(image);
    // Block 1 (system area, zeros) gets a CE naming 2000 bytes of block 1 itself: the hop
    // count would allow 64 rounds, the byte bound stops the 33rd.
    const std::size_t ce = 1 * kBlock;
    image.put_u8(ce, 'C');
    image.put_u8(ce + 1, 'E');
    image.put_u8(ce + 2, 28);
    image.put_u8(ce + 3, 1);
    image.put_lebe32(ce + 4, 1);
    image.put_lebe32(ce + 12, 0);
    image.put_lebe32(ce + 20, 2000);
    image.put_lebe32(n.ce + 4, 1);
    image.put_lebe32(n.ce + 12, 0);
    image.put_lebe32(n.ce + 20, 2000);
    auto e = expect_damaged(image, FsType::RockRidge, 1, n.iso_path);
    EXPECT_NE(e.message().find("add up to 66000 bytes"), std::string::npos) << e.what();
}

TEST(CorruptImage, SharedContinuationAreasAreBoundedByTheImage) {
    // Every file of /many names the same 60 KiB continuation area: each one is legal, but
    // together they ask for more than the image holds. (Without the bound, reading costs
    // records x area bytes, whatever the image's size.)
    Patchable image = sample();
    const ImageExtent many = folder(image, FsType::Iso9660, "/MANY");
    fs::import::DirectoryExtent records(
        std::span(image.bytes()).subspan(many.lba * kBlock, many.bytes), many.lba, "/MANY");
    std::vector<Patchable::Record> files;
    while (auto r = records.next())
        if (!r->is_dot() && !r->is_dotdot()) files.push_back(image.record(many, r->identifier));
    ASSERT_EQ(files.size(), 60u);
    // Replace each record's PX entry (RRIP 4.1.1: 36 or 44 bytes) with a CE (28 bytes) naming
    // the 32 KiB system area, which is zeros (padding, SUSP 5.1), and pad the rest.
    const u32 area = 16 * kBlockBytes;
    ASSERT_GT(u64{area} * files.size(), 2 * image.bytes().size()) << "the reader's budget";
    for (const auto& f : files) {
        const std::size_t px = image.susp_entry(f, "PX");
        const u8 len = static_cast<u8>(image.bytes()[px + 2]);
        ASSERT_GE(len, 36u);
        image.put_u8(px, 'C');
        image.put_u8(px + 1, 'E');
        image.put_u8(px + 2, 28);
        image.put_u8(px + 3, 1);
        image.put_lebe32(px + 4, 0);
        image.put_lebe32(px + 12, 0);
        image.put_lebe32(px + 20, area);
        for (std::size_t k = 28; k < len; ++k)
            image.put_u8(px + k, 0);
    }
    ImageReader reader(image.stream());
    auto e = test::expect_error(ErrorCode::FileSystemReadConsistency,
                                [&] { (void)reader.read_tree(FsType::RockRidge); });
    EXPECT_NE(e.message().find("more than the image holds"), std::string::npos) << e.what();
    EXPECT_TRUE(e.context().lba);
    EXPECT_TRUE(e.context().path.starts_with("/many/")) << e.context().path;
}

TEST(CorruptImage, ContinuationChainsPayForTheBlocksTheyRead) {
    // Each file of /many follows a chain of 14 continuation areas of 28 bytes, each in its own
    // block of the system area: few bytes, but a block read per hop.
    Patchable image = sample();
    for (u32 lba = 1; lba < 15; ++lba) { // SUSP 5.1: block `lba` continues in block lba + 1
        const std::size_t ce = lba * kBlock;
        image.put_u8(ce, 'C');
        image.put_u8(ce + 1, 'E');
        image.put_u8(ce + 2, 28);
        image.put_u8(ce + 3, 1);
        image.put_lebe32(ce + 4, lba + 1);
        image.put_lebe32(ce + 12, 0);
        image.put_lebe32(ce + 20, 28);
    }
    const ImageExtent many = folder(image, FsType::Iso9660, "/MANY");
    fs::import::DirectoryExtent records(
        std::span(image.bytes()).subspan(many.lba * kBlock, many.bytes), many.lba, "/MANY");
    std::vector<Patchable::Record> files;
    while (auto r = records.next())
        if (!r->is_dot() && !r->is_dotdot()) files.push_back(image.record(many, r->identifier));
    ASSERT_GT(files.size() * 14 * kBlock, 2 * image.bytes().size()) << "the reader's budget";
    for (const auto& f : files) {
        const std::size_t px = image.susp_entry(f, "PX");
        const u8 len = static_cast<u8>(image.bytes()[px + 2]);
        image.put_u8(px, 'C');
        image.put_u8(px + 1, 'E');
        image.put_u8(px + 2, 28);
        image.put_u8(px + 3, 1);
        image.put_lebe32(px + 4, 1);
        image.put_lebe32(px + 12, 0);
        image.put_lebe32(px + 20, 28);
        for (std::size_t k = 28; k < len; ++k)
            image.put_u8(px + k, 0);
    }
    ImageReader reader(image.stream());
    auto e = test::expect_error(ErrorCode::FileSystemReadConsistency,
                                [&] { (void)reader.read_tree(FsType::RockRidge); });
    EXPECT_NE(e.message().find("more than the image holds"), std::string::npos) << e.what();
    EXPECT_TRUE(e.context().path.starts_with("/many/")) << e.context().path;
}

TEST(CorruptImage, ChildLinkToANonDirectoryBlock) {
    Patchable image = sample();
    const ImageExtent d6 = folder(image, FsType::Iso9660, "/D0/D1/D2/D3/D4/D5/D6");
    const auto r = image.record(d6, "D7");
    const std::size_t cl = image.susp_entry(r, "CL");
    image.put_lebe32(cl + 4, 0); // RRIP 4.1.5.1: BP 5-12; block 0 is zeros, not a folder
    auto e = expect_damaged(image, FsType::RockRidge, 0, "/d0/d1/d2/d3/d4/d5/d6/d7");
    EXPECT_NE(e.message().find("CL target"), std::string::npos) << e.what();
}

TEST(CorruptImage, ChildLinkToFileData) {
    Patchable image = sample();
    ImageReader reader(image.stream());
    const ImageTree tree = reader.read_tree(FsType::RockRidge);
    const u64 data = tree.at(*tree.find("/Docs/secret.bin")).extents.at(0).lba; // 'x' bytes
    const auto r = image.record(folder(image, FsType::Iso9660, "/D0/D1/D2/D3/D4/D5/D6"), "D7");
    image.put_lebe32(image.susp_entry(r, "CL") + 4, static_cast<u32>(data));
    expect_damaged(image, FsType::RockRidge, data, "/d0/d1/d2/d3/d4/d5/d6/d7");
}

TEST(CorruptImage, ChildLinkToTheRootIsALoop) {
    Patchable image = sample();
    const ImageExtent root = folder(image, FsType::Iso9660, "/");
    const auto r = image.record(folder(image, FsType::Iso9660, "/D0/D1/D2/D3/D4/D5/D6"), "D7");
    image.put_lebe32(image.susp_entry(r, "CL") + 4, static_cast<u32>(root.lba));
    auto e = expect_damaged(image, FsType::RockRidge, root.lba, "/d0/d1/d2/d3/d4/d5/d6/d7");
    EXPECT_NE(e.message().find("loop"), std::string::npos) << e.what();
}

TEST(CorruptImage, SymlinkComponentOverrunningItsEntry) {
    Patchable image = sample();
    const auto r = image.record(folder(image, FsType::Iso9660, "/"), "LINK.;1");
    const std::size_t sl = image.susp_entry(r, "SL");
    image.put_u8(sl + 6, 200); // RRIP 4.1.3.1: first component's length, BP 7 of SL
    auto e = expect_damaged(image, FsType::RockRidge, r.lba, "/LINK");
    EXPECT_NE(e.message().find("SL component of 200 bytes"), std::string::npos) << e.what();
}

TEST(CorruptImage, NameOverrunningItsEntry) {
    Patchable image = sample();
    const auto r = image.record(folder(image, FsType::Iso9660, "/DOCS"), "READ_ME.TXT;1");
    const std::size_t nm = image.susp_entry(r, "NM");
    const std::size_t left = r.system_use + r.system_use_length - nm;
    image.put_u8(nm + 2, static_cast<u8>(left + 1));
    auto e = expect_damaged(image, FsType::RockRidge, r.lba, "/Docs/READ_ME.TXT");
    EXPECT_NE(e.message().find(fmt::format("has length {} with {} bytes left", left + 1, left)),
              std::string::npos)
        << e.what();
}

TEST(CorruptImage, FileWhoseModeSaysFolder) {
    Patchable image = sample();
    const auto r = image.record(folder(image, FsType::Iso9660, "/DOCS"), "READ_ME.TXT;1");
    image.put_le32(image.susp_entry(r, "PX") + 4, 040755); // RRIP 4.1.1: BP 5-12, file mode
    auto e = expect_damaged(image, FsType::RockRidge, r.lba, "/Docs/Read Me.txt");
    EXPECT_NE(e.message().find("says it is a folder"), std::string::npos) << e.what();
    ImageReader reader(image.stream());
    EXPECT_TRUE(reader.read_tree(FsType::Iso9660).find("/DOCS/READ_ME.TXT"));
}

TEST(CorruptImage, FolderWhoseModeSaysFile) {
    Patchable image = sample();
    const auto r = image.record(folder(image, FsType::Iso9660, "/"), "DOCS");
    image.put_le32(image.susp_entry(r, "PX") + 4, 0100644);
    auto e = expect_damaged(image, FsType::RockRidge, r.lba, "/Docs");
    EXPECT_NE(e.message().find("says it is not a folder"), std::string::npos) << e.what();
}

// --- Volume descriptors (ECMA-119 8) -------------------------------------------------------

TEST(CorruptImage, VolumeSpaceSizeLyingIsNotTrusted) {
    // The reader works from the stream; a wrong volume space size (BP 81) neither hides the
    // tree nor invents sessions. (The validator reports it.)
    for (u32 lie : {0u, 1u, 17u, 0xFFFF'FFFFu}) {
        Patchable image = sample();
        image.put_lebe32(16 * kBlock + kVolumeSpaceSize, lie);
        ImageReader reader(image.stream());
        EXPECT_EQ(reader.sessions().size(), 1u) << lie;
        EXPECT_EQ(reader.session().end_block, lie);
        const ImageTree tree = reader.read_tree(FsType::RockRidge);
        const auto readme = tree.find("/Docs/Read Me.txt");
        ASSERT_TRUE(readme) << lie;
        EXPECT_EQ(read_all(*reader.open(tree, *readme)), "hello\n");
    }
}

TEST(CorruptImage, MissingTerminatorStillFindsTheVolumes) {
    Patchable image = sample();
    // Descriptors: primary at 16, then supplementary, then the terminator; erase the terminator
    // (ECMA-119 8.3), and the following blocks are not descriptors.
    u64 terminator = 0;
    for (u64 lba = 16; lba < 32; ++lba)
        if (static_cast<u8>(image.bytes()[lba * kBlock]) == 255) terminator = lba;
    ASSERT_NE(terminator, 0u);
    std::fill_n(image.bytes().begin() + static_cast<long>(terminator * kBlock), kBlock,
                std::byte{0});
    ImageReader reader(image.stream());
    EXPECT_EQ(reader.file_systems(), FsType::Iso9660 | FsType::Joliet | FsType::RockRidge);
    EXPECT_TRUE(reader.read_tree(FsType::Joliet).find("/Docs/Read Me.txt"));
}

TEST(CorruptImage, NoPrimaryDescriptorIsNoValidVolumeDescriptor) {
    Patchable image = sample();
    image.put_u8(16 * kBlock, 2); // BP 1: the primary becomes a supplementary descriptor
    auto e = test::expect_error(ErrorCode::NoValidVolumeDescriptor,
                                [&] { ImageReader reader(image.stream()); });
    EXPECT_EQ(e.context().lba, 16u);
}

} // namespace
} // namespace discwright
