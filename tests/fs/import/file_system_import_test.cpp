// FileSystemImage import: an earlier session merged into a new one that refers to its data.

#include <gtest/gtest.h>

#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "discwright/image_reader.h"
#include "support/expect_error.h"

namespace discwright {
namespace {

constexpr UnixTime kNow = 1'700'000'000;

std::vector<std::byte> bytes_of(const Stream& s) {
    std::vector<std::byte> out(s.size());
    EXPECT_EQ(s.read_at(0, out), out.size());
    return out;
}

std::string text_of(const Stream& s) {
    auto b = bytes_of(s);
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

StreamPtr text(std::string_view t) {
    return MemoryStream::from_string(t);
}

/// The first session: a 1 MiB file, a folder, a symlink and a hidden, owned file.
StreamPtr first_session() {
    FileSystemImage img({}, Clock::fixed(kNow));
    img.root().add_file("big.bin", text(std::string(1 << 20, 'b')));
    img.root().add_directory("dir");
    img.root().add_file("dir/old.txt", text("old\n"));
    img.root().add_symlink("dir/link", "old.txt");
    auto f = img.root().add_file("secret", text("s\n"));
    f.set_hidden(true);
    f.set_mode(0600);
    f.set_owner(42, 43);
    f.set_last_modified_time(1'500'000'000);
    return std::make_shared<MemoryStream>(bytes_of(*img.create_result_image().image_stream()));
}

StreamPtr concatenated(const Stream& a, const Stream& b) {
    auto bytes = bytes_of(a);
    auto more = bytes_of(b);
    bytes.insert(bytes.end(), more.begin(), more.end());
    return std::make_shared<MemoryStream>(std::move(bytes));
}

TEST(FileSystemImport, ASecondSessionRefersToTheFirstSessionsData) {
    const StreamPtr first = first_session();
    ImageReader old(first);
    FileSystemImage img({}, Clock::fixed(kNow));
    EXPECT_EQ(img.import_file_system(old), FsType::RockRidge);
    EXPECT_EQ(img.options().session_start_block, first->size() / 2048);
    EXPECT_EQ(img.options().file_systems, FsType::Iso9660 | FsType::Joliet | FsType::RockRidge);
    EXPECT_FALSE(img.imported_volume_name().empty());
    EXPECT_EQ(img.file_count(), 4u);

    img.root().add_file("dir/new.txt", text("new\n"));
    img.root().remove("dir/old.txt");
    const StreamPtr second = img.create_result_image().image_stream();
    EXPECT_LT(second->size(), 100u * 2048) << "the 1 MiB file is referred to, not copied";

    const StreamPtr disc = concatenated(*first, *second);
    ImageReader now(disc);
    ASSERT_EQ(now.sessions().size(), 2u);
    EXPECT_EQ(now.session().start_block, first->size() / 2048);
    const ImageTree tree = now.read_tree(FsType::RockRidge);
    EXPECT_FALSE(tree.find("dir/old.txt"));
    auto added = tree.find("dir/new.txt");
    ASSERT_TRUE(added);
    EXPECT_EQ(text_of(*now.open(tree.at(*added))), "new\n");
    auto big = tree.find("big.bin");
    ASSERT_TRUE(big);
    EXPECT_LT(tree.at(*big).extents.at(0).lba, now.session().start_block);
    EXPECT_EQ(text_of(*now.open(tree.at(*big))), std::string(1 << 20, 'b'));
    auto link = tree.find("dir/link");
    ASSERT_TRUE(link);
    EXPECT_EQ(tree.at(*link).symlink_target, "old.txt");
    auto secret = tree.find("secret");
    ASSERT_TRUE(secret);
    const ImageEntry& s = tree.at(*secret);
    EXPECT_TRUE(s.hidden);
    EXPECT_EQ(s.mode & 07777, 0600u);
    EXPECT_EQ(s.uid, 42u);
    EXPECT_EQ(s.gid, 43u);
    EXPECT_EQ(s.modify_time, 1'500'000'000);
    for (FsType ns : {FsType::Joliet, FsType::Iso9660}) {
        const ImageTree t = now.read_tree(ns);
        EXPECT_EQ(t.file_count(), 4u) << to_string(ns);
    }

    // The first session is still whole on its own.
    ReaderOptions at_start;
    at_start.session_start = 0;
    ImageReader then(disc, at_start);
    const ImageTree before = then.read_tree(FsType::RockRidge);
    auto old_file = before.find("dir/old.txt");
    ASSERT_TRUE(old_file);
    EXPECT_EQ(text_of(*then.open(before.at(*old_file))), "old\n");
    EXPECT_FALSE(before.find("dir/new.txt"));
}

TEST(FileSystemImport, AStandaloneImageCopiesTheImportedData) {
    const StreamPtr first = first_session();
    FileSystemImage img({}, Clock::fixed(kNow));
    img.import_file_system(ImageReader(first));
    ImageOptions o = img.options();
    o.session_start_block = 0;
    img.set_options(o);
    const StreamPtr copy =
        std::make_shared<MemoryStream>(bytes_of(*img.create_result_image().image_stream()));
    ImageReader reader(copy);
    ASSERT_EQ(reader.sessions().size(), 1u);
    const ImageTree tree = reader.read_tree(FsType::RockRidge);
    auto big = tree.find("big.bin");
    ASSERT_TRUE(big);
    EXPECT_EQ(text_of(*reader.open(tree.at(*big))), std::string(1 << 20, 'b'));
}

TEST(FileSystemImport, ItemsInMemoryWinAndFoldersMerge) {
    const StreamPtr first = first_session();
    FileSystemImage img({}, Clock::fixed(kNow));
    img.root().add_file("big.bin", text("mine"));
    img.root().add_directory("dir");
    img.root().add_file("dir/mine.txt", text("m"));
    img.import_file_system(ImageReader(first));
    EXPECT_EQ(img.root().item("big.bin").as_file().data_size(), 4u);
    EXPECT_EQ(img.exists("/dir/mine.txt"), FsiItemType::File);
    EXPECT_EQ(img.exists("/dir/old.txt"), FsiItemType::File);
}

TEST(FileSystemImport, TypeCollisionsAreRefusedAndNothingIsImported) {
    const StreamPtr first = first_session();
    {
        FileSystemImage img({}, Clock::fixed(kNow));
        img.root().add_file("dir", text("a file"));
        auto e = test::expect_error(ErrorCode::ImportDirectoryExistsAsFile,
                                    [&] { img.import_file_system(ImageReader(first)); });
        EXPECT_EQ(e.context().path, "/dir");
        EXPECT_EQ(img.file_count(), 1u);
        EXPECT_EQ(img.options().session_start_block, 0u);
    }
    {
        FileSystemImage img({}, Clock::fixed(kNow));
        img.root().add_directory("big.bin");
        test::expect_error(ErrorCode::ImportFileExistsAsDirectory,
                           [&] { img.import_file_system(ImageReader(first)); });
        EXPECT_EQ(img.file_count(), 0u);
        EXPECT_EQ(img.directory_count(), 1u);
    }
}

TEST(FileSystemImport, ASpecificMissingNamespaceIsFileSystemNotFound) {
    ImageOptions o;
    o.file_systems = FsType::Iso9660;
    FileSystemImage plain(o, Clock::fixed(kNow));
    plain.root().add_file("A.TXT", text("a"));
    const StreamPtr image =
        std::make_shared<MemoryStream>(bytes_of(*plain.create_result_image().image_stream()));
    FileSystemImage img({}, Clock::fixed(kNow));
    test::expect_error(ErrorCode::FileSystemNotFound, [&] {
        img.import_specific_file_system(ImageReader(image), FsType::Joliet);
    });
    EXPECT_EQ(img.import_file_system(ImageReader(image)), FsType::Iso9660);
    EXPECT_EQ(img.exists("/A.TXT"), FsiItemType::File);
}

} // namespace
} // namespace discwright
