// The bytes of a result image, read through image_stream()->read_at and decoded by an
// independent reader (iso_reader.h): ECMA-119 volume descriptors, directories and path
// tables, Joliet, Rock Ridge (SUSP 1.12 / RRIP 1.12), multi-extent files, session offsets,
// determinism, and IMAPI's ProgressItems.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "fs/iso9660/on_disk.h"
#include "fs/iso_reader.h"
#include "fs/names/name_rules.h"
#include "support/temp_tree.h"

namespace discwright::fs::test {
namespace {

using discwright::test::HardLink;
using discwright::test::kGiB;
using discwright::test::TempTree;

constexpr UnixTime kNow = 1'700'000'000; // 2023-11-14 22:13:20 UTC

std::string ucs2(std::u16string_view s) {
    return utf16be_bytes(s);
}

std::vector<std::byte> pattern(std::size_t n, unsigned salt) {
    std::vector<std::byte> v(n);
    for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::byte>((i * 31 + salt) % 251);
    return v;
}

StreamPtr memory(std::vector<std::byte> b) {
    return std::make_shared<MemoryStream>(std::move(b));
}

ImageOptions options(std::string volume = "TESTVOL") {
    ImageOptions o;
    o.volume_name = std::move(volume);
    o.max_media_blocks = 0;
    return o;
}

std::string text_of(std::span<const char> field) {
    return std::string(field.begin(), field.end());
}

/// The one record named `id` in a directory.
Record find_one(const std::vector<Record>& dir, std::string_view id) {
    auto found = find_records(dir, id);
    EXPECT_EQ(found.size(), 1u) << "records named '" << id << "'";
    return found.empty() ? Record{} : found.front();
}

u32 px_field(const SuspEntry& px, int index) { // RRIP 4.1.1: mode, links, uid, gid, serial
    return le32_at(px.data, static_cast<std::size_t>(index) * 8);
}

// ---- volume descriptors ---------------------------------------------------------------------

TEST(ImageLayout, PrimaryVolumeDescriptorAtBlock16) {
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file("readme.txt", MemoryStream::from_string("hello"));
    auto result = img.create_result_image();
    IsoView v(*result.image_stream());
    const u64 total = result.total_blocks().value;
    ASSERT_EQ(result.image_stream()->size(), total * 2048);

    // ECMA-119 6.2.1: the system area, blocks 0-15, is zero here.
    auto system_area = read_range(v.stream(), 0, 16 * 2048);
    EXPECT_TRUE(std::all_of(system_area.begin(), system_area.end(),
                            [](std::byte b) { return b == std::byte{0}; }));

    // ECMA-119 8.4: primary volume descriptor.
    auto pvd = v.descriptor_at_stream_block(16);
    EXPECT_EQ(pvd.type, 1);                                                      // BP 1
    EXPECT_EQ(text_of(pvd.standard_identifier), "CD001");                        // BP 2-6
    EXPECT_EQ(pvd.version, 1);                                                   // BP 7
    EXPECT_EQ(text_of(pvd.volume_identifier), "TESTVOL" + std::string(25, ' ')); // BP 41-72
    EXPECT_EQ(pvd.volume_space_size.le.value(), total);                          // BP 81-88
    EXPECT_TRUE(pvd.volume_space_size.consistent());
    EXPECT_EQ(pvd.volume_set_size.value(), 1);          // BP 121-124
    EXPECT_EQ(pvd.volume_sequence_number.value(), 1);   // BP 125-128
    EXPECT_EQ(pvd.logical_block_size.le.value(), 2048); // BP 129-132
    EXPECT_TRUE(pvd.logical_block_size.consistent());
    EXPECT_TRUE(pvd.path_table_size.consistent());
    EXPECT_EQ(pvd.optional_type_l_path_table.value(), 0u);
    EXPECT_EQ(pvd.file_structure_version, 1); // BP 882
    // ECMA-119 8.4.26.1: creation time from the image's clock, "YYYYMMDDHHMMSScc".
    EXPECT_EQ(text_of(pvd.creation.digits), "2023111422132000");
    EXPECT_EQ(text_of(pvd.expiration.digits), std::string(16, '0')); // not specified
    auto escapes = pvd.escape_sequences;
    EXPECT_TRUE(std::all_of(escapes.begin(), escapes.end(), [](u8 b) { return b == 0; }));

    // Joliet: a supplementary volume descriptor whose escape sequence %/E (UCS-2 level 3)
    // is at BP 89-91 (ECMA-119 8.5.6).
    auto svd = v.descriptor_at_stream_block(17);
    EXPECT_EQ(svd.type, 2);
    EXPECT_EQ(text_of(svd.standard_identifier), "CD001");
    EXPECT_EQ(svd.version, 1);
    EXPECT_EQ(svd.escape_sequences[0], '%');
    EXPECT_EQ(svd.escape_sequences[1], '/');
    EXPECT_EQ(svd.escape_sequences[2], 'E');
    EXPECT_TRUE(std::all_of(svd.escape_sequences.begin() + 3, svd.escape_sequences.end(),
                            [](u8 b) { return b == 0; }));
    EXPECT_EQ(svd.volume_space_size.le.value(), total);
    EXPECT_EQ(text_of(svd.volume_identifier).substr(0, 16), ucs2(u"TESTVOL\u0020"));
    EXPECT_EQ(text_of(svd.volume_identifier).substr(16, 2), std::string("\0 ", 2)); // 00 20 pad

    // ECMA-119 8.3: the set terminator.
    auto term = v.descriptor_at_stream_block(18);
    EXPECT_EQ(term.type, 255);
    EXPECT_EQ(text_of(term.standard_identifier), "CD001");
    EXPECT_EQ(term.version, 1);
}

TEST(ImageLayout, WithoutJolietTheTerminatorFollowsThePvd) {
    ImageOptions o = options();
    o.file_systems = FsType::Iso9660;
    FileSystemImage img(o, Clock::fixed(kNow));
    auto result = img.create_result_image();
    IsoView v(*result.image_stream());
    EXPECT_EQ(v.descriptor_at_stream_block(16).type, 1);
    EXPECT_EQ(v.descriptor_at_stream_block(17).type, 255);
}

TEST(ImageLayout, RootDirectoryRecord) {
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file("a.txt", MemoryStream::from_string("a"));
    auto result = img.create_result_image();
    IsoView v(*result.image_stream());
    for (u64 block : {16u, 17u}) {
        auto vd = v.descriptor_at_stream_block(block);
        // ECMA-119 8.4.18 / 9.1: the root record is 34 bytes with identifier 00.
        EXPECT_EQ(static_cast<u8>(vd.root_directory_record[0]), 34);
        Record root = root_record(vd);
        EXPECT_EQ(root.identifier, std::string(1, '\0'));
        EXPECT_TRUE(root.is_dir());
        EXPECT_EQ(root.extent, root.extent_be);
        EXPECT_EQ(root.data_length, root.data_length_be);
        EXPECT_EQ(root.data_length % 2048, 0u);
        EXPECT_GT(root.extent, 18u);
        EXPECT_LT(root.extent, result.total_blocks().value);
        // ECMA-119 6.8.2.2: "." and ".." come first; the root is its own parent.
        auto dir = read_directory(v, root.extent, root.data_length);
        ASSERT_GE(dir.size(), 3u);
        EXPECT_EQ(dir[0].identifier, std::string(1, '\0'));
        EXPECT_EQ(dir[0].extent, root.extent);
        EXPECT_EQ(dir[0].data_length, root.data_length);
        EXPECT_EQ(dir[1].identifier, std::string(1, '\1'));
        EXPECT_EQ(dir[1].extent, root.extent);
        EXPECT_TRUE(dir[0].is_dir() && dir[1].is_dir());
        // ECMA-119 9.1.5: recording time 2023-11-14 22:13:20.
        EXPECT_EQ(dir[2].recorded.years_since_1900, 123);
        EXPECT_EQ(dir[2].recorded.month, 11);
        EXPECT_EQ(dir[2].recorded.day, 14);
        EXPECT_EQ(dir[2].recorded.hour, 22);
        EXPECT_EQ(dir[2].recorded.minute, 13);
        EXPECT_EQ(dir[2].recorded.second, 20);
    }
}

// ---- path tables ----------------------------------------------------------------------------

TEST(ImageLayout, PathTablesAgreeAndFollowEcma119Order) {
    // ECMA-119 6.9.1: by level, then parent number, then identifier. Adding folders in another
    // order must not change it.
    FileSystemImage img(options(), Clock::fixed(kNow));
    for (auto p : {"b", "b/x", "a", "a/z", "a/c", "a/c/deep"})
        img.root().add_directory(p);
    auto result = img.create_result_image();
    IsoView v(*result.image_stream());

    struct Expect {
        std::string id;
        u16 parent;
    };
    const std::vector<Expect> iso_expected{
        {std::string(1, '\0'), 1}, {"A", 1}, {"B", 1}, {"C", 2}, {"Z", 2}, {"X", 3}, {"DEEP", 4}};
    const std::vector<Expect> joliet_expected{
        {std::string(1, '\0'), 1}, {ucs2(u"a"), 1}, {ucs2(u"b"), 1},   {ucs2(u"c"), 2},
        {ucs2(u"z"), 2},           {ucs2(u"x"), 3}, {ucs2(u"deep"), 4}};
    for (u64 block : {16u, 17u}) {
        SCOPED_TRACE(block == 16 ? "ISO 9660" : "Joliet");
        const auto& expected = block == 16 ? iso_expected : joliet_expected;
        auto vd = v.descriptor_at_stream_block(block);
        const u32 size = vd.path_table_size.le.value();
        ASSERT_GT(size, 0u);
        auto l_bytes = v.bytes_at(vd.type_l_path_table.value(), 0, size);
        auto m_bytes = v.bytes_at(vd.type_m_path_table.value(), 0, size);
        auto l = read_path_table(l_bytes, false);
        auto m = read_path_table(m_bytes, true);
        ASSERT_EQ(l.size(), expected.size());
        ASSERT_EQ(m.size(), expected.size());
        for (std::size_t i = 0; i < l.size(); ++i) {
            EXPECT_EQ(l[i].identifier, expected[i].id) << i;
            EXPECT_EQ(l[i].parent, expected[i].parent) << i;
            EXPECT_EQ(m[i].identifier, l[i].identifier) << i; // ECMA-119 9.4: same records,
            EXPECT_EQ(m[i].extent, l[i].extent) << i;         // BE in the M table
            EXPECT_EQ(m[i].parent, l[i].parent) << i;
            // Each entry points at its directory, whose "." says the same.
            auto dot = read_directory(v, l[i].extent, 2048);
            ASSERT_FALSE(dot.empty());
            EXPECT_EQ(dot[0].extent, l[i].extent) << i;
        }
        EXPECT_EQ(l[0].extent, root_record(vd).extent);
        // The M table really is big-endian: the first extent's bytes are reversed.
        EXPECT_EQ(le32_at(l_bytes, 2), be32_at(m_bytes, 2));
        EXPECT_NE(l_bytes, m_bytes);
    }
}

// ---- directories ----------------------------------------------------------------------------

TEST(ImageLayout, DirectoryRecordsNeverCrossASector) {
    // ECMA-119 6.8.1.1: a record does not cross a logical sector boundary; the rest of the
    // sector is zero. 80 Rock Ridge records of ~170 bytes fill several sectors.
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_directory("many");
    for (int i = 0; i < 80; ++i)
        img.root().add_file(fmt::format("many/file_with_a_rather_long_name_{:03}.txt", i),
                            MemoryStream::from_string("x"));
    auto result = img.create_result_image();
    IsoView v(*result.image_stream());
    for (u64 block : {16u, 17u}) {
        SCOPED_TRACE(block == 16 ? "ISO 9660" : "Joliet");
        const bool joliet = block == 17;
        auto vd = v.descriptor_at_stream_block(block);
        Record root = root_record(vd);
        auto top = read_directory(v, root.extent, root.data_length);
        Record many = find_one(top, joliet ? ucs2(u"many") : "MANY");
        EXPECT_GT(many.data_length, 2048u) << "the test needs a multi-sector directory";
        auto dir = read_directory(v, many.extent, many.data_length);
        ASSERT_EQ(dir.size(), 82u);
        // ECMA-119 9.3: records after "." and ".." are in order.
        for (std::size_t i = 3; i < dir.size(); ++i)
            EXPECT_TRUE(ecma119_less(dir[i - 1].identifier, dir[i].identifier, joliet)) << i;
        EXPECT_GT(dir.back().lba, many.extent);
    }
}

TEST(ImageLayout, FileExtentHoldsTheBytesThenZeros) {
    // ECMA-119 6.4.5: a file's extent starts at a block; the rest of the last block is not
    // part of the file and is written as zeros.
    const auto bytes = pattern(3000, 7);
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file("data.bin", memory(bytes));
    auto result = img.create_result_image();
    IsoView v(*result.image_stream());
    auto vd = v.descriptor_at_stream_block(16);
    auto root = read_directory(v, root_record(vd).extent, root_record(vd).data_length);
    Record rec = find_one(root, "DATA.BIN;1");
    EXPECT_EQ(rec.data_length, 3000u);
    EXPECT_EQ(rec.data_length_be, 3000u);
    EXPECT_FALSE(rec.is_dir());
    auto block = v.block_bytes(rec.extent, 2);
    EXPECT_TRUE(std::equal(bytes.begin(), bytes.end(), block.begin()));
    EXPECT_TRUE(std::all_of(block.begin() + 3000, block.end(),
                            [](std::byte b) { return b == std::byte{0}; }));
    // Joliet points at the same extent: data is placed once for every namespace.
    auto jvd = v.descriptor_at_stream_block(17);
    auto jroot = read_directory(v, root_record(jvd).extent, root_record(jvd).data_length);
    Record jrec = find_one(jroot, ucs2(u"data.bin;1"));
    EXPECT_EQ(jrec.extent, rec.extent);
    EXPECT_EQ(jrec.data_length, 3000u);
}

TEST(ImageLayout, HiddenItemsHaveTheExistenceBit) {
    // ECMA-119 9.1.6 bit 0 (Existence): IMAPI's IsHidden.
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file("seen.txt", MemoryStream::from_string("s"));
    auto hidden = img.root().add_file("hidden.txt", MemoryStream::from_string("h"));
    hidden.set_hidden(true);
    auto result = img.create_result_image();
    IsoView v(*result.image_stream());
    auto vd = v.descriptor_at_stream_block(16);
    auto root = read_directory(v, root_record(vd).extent, root_record(vd).data_length);
    EXPECT_EQ(find_one(root, "HIDDEN.TXT;1").flags & iso9660::flag_existence, 1);
    EXPECT_EQ(find_one(root, "SEEN.TXT;1").flags & iso9660::flag_existence, 0);
}

// ---- Rock Ridge -----------------------------------------------------------------------------

TEST(ImageLayout, RockRidgeEntries) {
    FileSystemImage img(options(), Clock::fixed(kNow));
    auto f = img.root().add_file("readme.txt", MemoryStream::from_string("r"));
    f.set_owner(1000, 100);
    f.set_mode(0640);
    const std::string long_name = std::string(176, 'x') + ".txt";
    img.root().add_file(long_name, MemoryStream::from_string("l"));
    img.root().add_symlink("link", "../a/b");
    auto result = img.create_result_image();
    IsoView v(*result.image_stream());
    auto vd = v.descriptor_at_stream_block(16);
    Record root = root_record(vd);
    auto dir = read_directory(v, root.extent, root.data_length);
    ASSERT_GE(dir.size(), 5u);

    // SUSP 5.3: SP is the first entry of the root's "." record: "SP", 7, 1, BE EF, skip 0.
    const auto& su = dir[0].system_use;
    ASSERT_GE(su.size(), 7u);
    EXPECT_EQ(as_string(std::span(su).first(7)), std::string("SP\x07\x01\xbe\xef\x00", 7));
    // SUSP 5.5 / RRIP 1.12 4.3: ER with identifier IEEE_P1282, possibly in a continuation area.
    auto root_entries = susp_entries(v, su);
    const SuspEntry* er = find_entry(root_entries, "ER");
    ASSERT_NE(er, nullptr);
    ASSERT_GE(er->data.size(), 4u + 10);
    const auto len_id = static_cast<u8>(er->data[0]);
    EXPECT_EQ(len_id, 10);
    EXPECT_EQ(static_cast<u8>(er->data[3]), 1); // extension version
    EXPECT_EQ(as_string(std::span(er->data).subspan(4, len_id)), "IEEE_P1282");
    const SuspEntry* root_px = find_entry(root_entries, "PX");
    ASSERT_NE(root_px, nullptr);
    EXPECT_EQ(px_field(*root_px, 0) & 0170000, 0040000u); // S_IFDIR

    // RRIP 4.1.1 PX, 4.1.6 TF, 4.1.4 NM for a file.
    auto entries = susp_entries(v, find_one(dir, "README.TXT;1").system_use);
    const SuspEntry* px = find_entry(entries, "PX");
    ASSERT_NE(px, nullptr);
    EXPECT_EQ(px->data.size(), 40u); // RRIP 1.12: five both-endian fields
    EXPECT_EQ(px_field(*px, 0), 0100640u);
    EXPECT_EQ(px_field(*px, 1), 1u);
    EXPECT_EQ(px_field(*px, 2), 1000u);
    EXPECT_EQ(px_field(*px, 3), 100u);
    EXPECT_EQ(be32_at(px->data, 4), 0100640u);
    const SuspEntry* tf = find_entry(entries, "TF");
    ASSERT_NE(tf, nullptr);
    EXPECT_EQ(static_cast<u8>(tf->data[0]) & 0x02, 0x02); // modify time recorded
    const SuspEntry* nm = find_entry(entries, "NM");
    ASSERT_NE(nm, nullptr);
    EXPECT_EQ(static_cast<u8>(nm->data[0]), 0);
    EXPECT_EQ(as_string(std::span(nm->data).subspan(1)), "readme.txt");

    // A 180-byte name does not fit the record: NM continues through CE, and the pieces join.
    Record long_rec;
    for (const auto& r : dir)
        if (r.identifier.size() > 2 && r.identifier.front() == 'X') long_rec = r;
    ASSERT_FALSE(long_rec.identifier.empty());
    std::string joined;
    for (const auto& e : susp_entries(v, long_rec.system_use))
        if (e.signature == "NM") joined += as_string(std::span(e.data).subspan(1));
    EXPECT_EQ(joined, long_name);

    // RRIP 4.1.3: SL with component records PARENT, "a", "b".
    Record link;
    for (const auto& r : dir)
        if (r.identifier.rfind("LINK", 0) == 0) link = r;
    auto link_entries = susp_entries(v, link.system_use);
    const SuspEntry* sl = find_entry(link_entries, "SL");
    ASSERT_NE(sl, nullptr);
    EXPECT_EQ(as_string(sl->data), std::string("\x00\x04\x00\x00\x01"
                                               "a\x00\x01"
                                               "b",
                                               9));
    const SuspEntry* link_px = find_entry(link_entries, "PX");
    ASSERT_NE(link_px, nullptr);
    EXPECT_EQ(px_field(*link_px, 0) & 0170000, 0120000u); // S_IFLNK
}

TEST(ImageLayout, HardLinksShareAnExtentAndCountTheirNames) {
    // RRIP 4.1.1: PX links counts the names of the data; both records point at one extent.
    TempTree src{{"a.txt", std::string("hello")}, {"b.txt", HardLink{"a.txt"}}};
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_tree(src.path().string());
    auto result = img.create_result_image();
    IsoView v(*result.image_stream());
    auto vd = v.descriptor_at_stream_block(16);
    auto dir = read_directory(v, root_record(vd).extent, root_record(vd).data_length);
    Record a = find_one(dir, "A.TXT;1");
    Record b = find_one(dir, "B.TXT;1");
    EXPECT_EQ(a.extent, b.extent);
    EXPECT_EQ(a.data_length, 5u);
    auto pa = susp_entries(v, a.system_use);
    auto pb = susp_entries(v, b.system_use);
    ASSERT_NE(find_entry(pa, "PX"), nullptr);
    ASSERT_NE(find_entry(pb, "PX"), nullptr);
    EXPECT_EQ(px_field(*find_entry(pa, "PX"), 1), 2u);
    EXPECT_EQ(px_field(*find_entry(pb, "PX"), 1), 2u);
    EXPECT_EQ(px_field(*find_entry(pa, "PX"), 4), px_field(*find_entry(pb, "PX"), 4)); // serial
    EXPECT_EQ(result.progress_items().count(), 1u);
    EXPECT_EQ(as_string(v.bytes_at(a.extent, 0, 5)), "hello");
}

// ---- multi-extent ---------------------------------------------------------------------------

TEST(ImageLayout, A5GiBFileIsTwoExtentsAtLevel3) {
    // ECMA-119 6.5.1 and 9.1.6 bit 7 (Multi-Extent): every record of the file but the last
    // has the bit; the extents follow each other.
    ImageOptions o = options();
    o.iso_level = 3;
    FileSystemImage img(o, Clock::fixed(kNow));
    img.root().add_file("a.txt", MemoryStream::from_string("a"));
    img.root().add_file("big.bin", std::make_shared<ZeroStream>(5 * kGiB));
    auto result = img.create_result_image();
    IsoView v(*result.image_stream());
    for (u64 block : {16u, 17u}) {
        SCOPED_TRACE(block == 16 ? "ISO 9660" : "Joliet");
        auto vd = v.descriptor_at_stream_block(block);
        auto dir = read_directory(v, root_record(vd).extent, root_record(vd).data_length);
        const std::string id = block == 16 ? std::string("BIG.BIN;1") : ucs2(u"big.bin;1");
        auto parts = find_records(dir, id);
        ASSERT_EQ(parts.size(), 2u);
        EXPECT_EQ(parts[0].flags & iso9660::flag_multi_extent, 0x80);
        EXPECT_EQ(parts[1].flags & iso9660::flag_multi_extent, 0);
        EXPECT_EQ(parts[0].data_length % 2048, 0u); // all but the last: whole blocks
        EXPECT_EQ(u64{parts[0].data_length} + parts[1].data_length, 5 * kGiB);
        EXPECT_EQ(parts[1].extent, parts[0].extent + parts[0].data_length / 2048);
        // The records are neighbours in the directory.
        auto at = std::find_if(dir.begin(), dir.end(),
                               [&](const Record& r) { return r.identifier == id; });
        ASSERT_NE(at + 1, dir.end());
        EXPECT_EQ((at + 1)->identifier, id);
        EXPECT_LE(u64{parts[1].extent} + (parts[1].data_length + 2047) / 2048,
                  result.total_blocks().value);
    }
}

// ---- sessions -------------------------------------------------------------------------------

TEST(ImageLayout, SessionStartBlockShiftsEveryAddress) {
    // SessionStartBlock: the image will sit at LBA 1000, so every recorded address is absolute;
    // the stream still starts with the session's system area.
    ImageOptions o = options();
    o.session_start_block = 1000;
    FileSystemImage img(o, Clock::fixed(kNow));
    const auto bytes = pattern(5000, 3);
    img.root().add_directory("d");
    img.root().add_file("d/data.bin", memory(bytes));
    auto result = img.create_result_image();
    EXPECT_EQ(result.start_block().value, 1000u);
    const u64 total = result.total_blocks().value;
    EXPECT_EQ(result.image_stream()->size(), total * 2048);
    IsoView v(*result.image_stream(), 1000);
    auto system_area = read_range(v.stream(), 0, 16 * 2048);
    EXPECT_TRUE(std::all_of(system_area.begin(), system_area.end(),
                            [](std::byte b) { return b == std::byte{0}; }));
    for (u64 block : {16u, 17u}) {
        auto vd = v.descriptor_at_stream_block(block);
        EXPECT_EQ(text_of(vd.standard_identifier), "CD001");
        // mkisofs -C / xorriso: the volume space covers the earlier sessions too.
        EXPECT_EQ(vd.volume_space_size.le.value(), 1000 + total);
        EXPECT_GE(vd.type_l_path_table.value(), 1016u);
        EXPECT_GE(vd.type_m_path_table.value(), 1016u);
        Record root = root_record(vd);
        EXPECT_GE(root.extent, 1016u);
        EXPECT_LT(root.extent, 1000 + total);
        auto dir = read_directory(v, root.extent, root.data_length);
        Record d = find_one(dir, block == 16 ? "D" : ucs2(u"d"));
        EXPECT_GE(d.extent, 1016u);
        auto sub = read_directory(v, d.extent, d.data_length);
        EXPECT_EQ(sub[0].extent, d.extent);
        EXPECT_EQ(sub[1].extent, root.extent);
        Record f = find_one(sub, block == 16 ? "DATA.BIN;1" : ucs2(u"data.bin;1"));
        EXPECT_GE(f.extent, 1016u);
        auto data = v.bytes_at(f.extent, 0, bytes.size());
        EXPECT_EQ(data, bytes);
        auto table = read_path_table(
            v.bytes_at(vd.type_l_path_table.value(), 0, vd.path_table_size.le.value()), false);
        for (const auto& p : table)
            EXPECT_GE(p.extent, 1016u);
    }
    auto item = result.progress_items().from_description("/d/data.bin");
    ASSERT_TRUE(item.has_value());
    EXPECT_GE(item->first_block.value, 1016u);
    EXPECT_EQ(v.bytes_at(item->first_block.value, 0, 16),
              std::vector<std::byte>(bytes.begin(), bytes.begin() + 16));
}

// ---- determinism ----------------------------------------------------------------------------

std::vector<std::byte> image_of(const std::string& tree, UnixTime now) {
    FileSystemImage img(options(""), Clock::fixed(now));
    img.root().add_tree(tree);
    img.root().add_file("extra.bin", memory(pattern(10'000, 9)));
    return read_all(*img.create_result_image().image_stream());
}

TEST(ImageLayout, SameTreeAndClockGiveTheSameBytes) {
    // Reproducible builds: nothing in the image depends on when or in which process it is made.
    TempTree src{{"b/one.txt", std::string("1")},
                 {"a/two.txt", std::string(5000, 't')},
                 {"a/deeper/three.txt", std::string("3")},
                 {"c.txt", std::string("c")}};
    const auto first = image_of(src.path().string(), kNow);
    const auto second = image_of(src.path().string(), kNow);
    ASSERT_GT(first.size(), 20u * 2048);
    const auto diff = std::mismatch(first.begin(), first.end(), second.begin(), second.end());
    EXPECT_TRUE(first == second) << "two images of the same tree differ, first at byte "
                                 << (diff.first - first.begin()) << " (block "
                                 << (diff.first - first.begin()) / 2048 << ", offset "
                                 << (diff.first - first.begin()) % 2048 << ")";
    // The comparison can fail: another clock changes the volume dates.
    const auto later = image_of(src.path().string(), kNow + 60);
    EXPECT_FALSE(first == later);
}

TEST(ImageLayout, SameItemsAndClockGiveTheSameBytes) {
    // Without host metadata in play: items made by the caller, times from the clock.
    auto build = [](UnixTime now) {
        FileSystemImage img(options(""), Clock::fixed(now));
        img.root().add_directory("docs");
        img.root().add_file("docs/a.txt", memory(pattern(5000, 1)));
        img.root().add_file("docs/A.TXT", memory(pattern(10, 2)));
        img.root().add_file("b.bin", memory(pattern(70'000, 3)));
        img.root().add_symlink("docs/link", "a.txt");
        return read_all(*img.create_result_image().image_stream());
    };
    const auto first = build(kNow);
    EXPECT_TRUE(first == build(kNow));
    EXPECT_FALSE(first == build(kNow + 1));
}

// ---- ProgressItems --------------------------------------------------------------------------

TEST(ImageLayout, ProgressItemsByBlockAndByDescription) {
    // IMAPI IProgressItems: one item per file with data, in block order.
    FileSystemImage img(options(), Clock::fixed(kNow));
    img.root().add_file("b.bin", memory(pattern(10'000, 2)));
    img.root().add_file("a.bin", memory(pattern(3000, 1)));
    img.root().add_file("empty", memory({}));
    img.root().add_directory("d");
    img.root().add_file("d/c.bin", memory(pattern(5000, 3)));
    auto result = img.create_result_image();
    auto items = result.progress_items();
    ASSERT_EQ(items.count(), 3u);
    const ProgressItem a = items.item(0), b = items.item(1), c = items.item(2);
    EXPECT_EQ(a.description, "/a.bin");
    EXPECT_EQ(b.description, "/b.bin");
    EXPECT_EQ(c.description, "/d/c.bin");
    EXPECT_EQ(a.block_count().value, 2u);
    EXPECT_EQ(b.block_count().value, 5u);
    EXPECT_EQ(c.block_count().value, 3u);
    EXPECT_EQ(b.first_block.value, a.last_block.value + 1);
    EXPECT_EQ(c.first_block.value, b.last_block.value + 1);
    EXPECT_EQ(c.last_block.value + 1, result.total_blocks().value);
    EXPECT_THROW((void)items.item(3), Error);

    // ProgressItemFromBlock.
    auto hit = items.from_block(Lba{b.first_block.value + 3});
    ASSERT_TRUE(hit.has_value());
    EXPECT_EQ(hit->description, "/b.bin");
    EXPECT_EQ(hit->first_block, b.first_block);
    EXPECT_EQ(items.from_block(a.first_block).value().description, "/a.bin");
    EXPECT_EQ(items.from_block(c.last_block).value().description, "/d/c.bin");
    EXPECT_FALSE(items.from_block(Lba{16}).has_value()); // the PVD is no file
    EXPECT_FALSE(items.from_block(Lba{c.last_block.value + 1}).has_value());

    // ProgressItemFromDescription: exact image paths of files with data.
    auto by_name = items.from_description("/d/c.bin");
    ASSERT_TRUE(by_name.has_value());
    EXPECT_EQ(by_name->first_block, c.first_block);
    EXPECT_EQ(by_name->last_block, c.last_block);
    EXPECT_FALSE(items.from_description("/empty").has_value());
    EXPECT_FALSE(items.from_description("/d").has_value());
    EXPECT_FALSE(items.from_description("/nope").has_value());

    // The blocks hold the file.
    IsoView v(*result.image_stream());
    EXPECT_EQ(v.bytes_at(b.first_block.value, 0, 10'000), pattern(10'000, 2));
}

} // namespace
} // namespace discwright::fs::test
