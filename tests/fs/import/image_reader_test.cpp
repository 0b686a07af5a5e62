// ImageReader over images made by FileSystemImage: every namespace reads back what was staged.
// (Images of other writers are judged in tests/interop.)

#include <gtest/gtest.h>

#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "discwright/image_reader.h"
#include "support/expect_error.h"

namespace discwright {
namespace {

constexpr UnixTime kNow = 1'700'000'000;

std::string read_all(const Stream& s) {
    std::string out(s.size(), '\0');
    EXPECT_EQ(s.read_at(0, std::as_writable_bytes(std::span(out))), out.size());
    return out;
}

StreamPtr text(std::string_view t) {
    return MemoryStream::from_string(t);
}

StreamPtr sample_image(ImageOptions options = {}) {
    FileSystemImage img(options, Clock::fixed(kNow));
    img.root().add_directory("Docs");
    img.root().add_file("Docs/Read Me.txt", text("hello\n"));
    img.root().add_file("empty", text(""));
    img.root().add_symlink("link", "Docs/Read Me.txt");
    auto f = img.root().add_file("Docs/secret.bin", text(std::string(5000, 'x')));
    f.set_hidden(true);
    f.set_mode(0600);
    f.set_owner(1000, 100);
    f.set_last_modified_time(1'600'000'000);
    std::string deep;
    for (int i = 0; i < 10; ++i) {
        deep += "/d" + std::to_string(i);
        img.root().add_directory(deep);
    }
    img.root().add_file(deep + "/bottom.txt", text("deep\n"));
    return img.create_result_image().image_stream();
}

TEST(ImageReader, FindsTheNamespacesOfOurImage) {
    ImageReader reader(sample_image());
    EXPECT_EQ(reader.file_systems(), FsType::Iso9660 | FsType::Joliet | FsType::RockRidge);
    ASSERT_EQ(reader.sessions().size(), 1u);
    EXPECT_EQ(reader.session().start_block, 0u);
    EXPECT_EQ(ImageReader::default_file_system(reader.file_systems()), FsType::RockRidge);
    EXPECT_EQ(reader.volume(FsType::Joliet).joliet_level, 3);
}

TEST(ImageReader, RockRidgeTreeKeepsNamesAttributesAndRelocatedFolders) {
    ImageReader reader(sample_image());
    const ImageTree tree = reader.read_tree(FsType::RockRidge);
    auto readme = tree.find("/Docs/Read Me.txt");
    ASSERT_TRUE(readme);
    EXPECT_EQ(read_all(*reader.open(tree.at(*readme))), "hello\n");
    auto secret = tree.find("Docs/secret.bin");
    ASSERT_TRUE(secret);
    const ImageEntry& s = tree.at(*secret);
    EXPECT_EQ(s.size, 5000u);
    EXPECT_TRUE(s.hidden);
    EXPECT_EQ(s.mode & 07777, 0600u);
    EXPECT_EQ(s.uid, 1000u);
    EXPECT_EQ(s.gid, 100u);
    EXPECT_EQ(s.modify_time, 1'600'000'000);
    auto link = tree.find("link");
    ASSERT_TRUE(link);
    EXPECT_EQ(tree.at(*link).type, FsiItemType::Symlink);
    EXPECT_EQ(tree.at(*link).symlink_target, "Docs/Read Me.txt");
    auto bottom = tree.find("/d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/bottom.txt");
    ASSERT_TRUE(bottom) << "relocated folders are read through their CL links";
    EXPECT_EQ(read_all(*reader.open(tree.at(*bottom))), "deep\n");
    EXPECT_FALSE(tree.find(".rr_moved")) << "the relocation folder is hidden (RE)";
    EXPECT_EQ(tree.file_count(), 5u);
    EXPECT_EQ(tree.directory_count(), 11u);
}

TEST(ImageReader, JolietAndPlainTrees) {
    ImageReader reader(sample_image());
    const ImageTree joliet = reader.read_tree(FsType::Joliet);
    EXPECT_TRUE(joliet.find("/Docs/Read Me.txt"));
    const ImageTree plain = reader.read_tree(FsType::Iso9660);
    EXPECT_TRUE(plain.find("/DOCS/READ_ME.TXT"));
}

TEST(ImageReader, NotAnImageIsNoValidVolumeDescriptor) {
    auto junk = std::make_shared<MemoryStream>(std::vector<std::byte>(40 * 2048));
    auto e = test::expect_error(ErrorCode::NoValidVolumeDescriptor, [&] { ImageReader r(junk); });
    EXPECT_EQ(e.context().lba, 16u);
}

TEST(ImageReader, AMissingNamespaceIsFileSystemNotFound) {
    ImageOptions o;
    o.file_systems = FsType::Iso9660;
    ImageReader reader(sample_image(o));
    test::expect_error(ErrorCode::FileSystemNotFound,
                       [&] { (void)reader.read_tree(FsType::Joliet); });
}

} // namespace
} // namespace discwright
