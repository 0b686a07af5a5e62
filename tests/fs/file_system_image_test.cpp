// FileSystemImage through its public API: the behaviours of IMAPI2FS's MsftFileSystemImage
// (imapi2fs.h; error codes from imapi2fserror.h) that discwright keeps.

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "support/expect_error.h"
#include "support/temp_tree.h"

using discwright::test::expect_error;

namespace discwright {
namespace {

using test::kGiB;
using test::TempTree;

constexpr UnixTime kNow = 1'700'000'000; // 2023-11-14 22:13:20 UTC

Clock fixed_clock() {
    return Clock::fixed(kNow);
}

StreamPtr text(std::string_view s) {
    return MemoryStream::from_string(s);
}

std::vector<std::string> child_names(FsiDirectoryItem dir) {
    std::vector<std::string> out;
    for (const auto& c : dir.children())
        out.push_back(c.name());
    std::sort(out.begin(), out.end());
    return out;
}

// ---- items ----------------------------------------------------------------------------------

TEST(FileSystemImage, AddDirectoryNeedsItsParent) {
    // IMAPI AddDirectory: IMAPI_E_DIR_NOT_FOUND when the parent does not exist.
    FileSystemImage img({}, fixed_clock());
    const u64 point = img.change_point();
    auto e = expect_error(ErrorCode::DirNotFound, [&] { img.root().add_directory("a/b/c"); });
    EXPECT_EQ(e.context().path, "a/b/c");
    EXPECT_EQ(img.directory_count(), 0u);
    EXPECT_EQ(img.change_point(), point);
}

TEST(FileSystemImage, DuplicateNamesAreRefused) {
    // IMAPI: IMAPI_E_DUP_NAME when the directory already holds the name.
    FileSystemImage img({}, fixed_clock());
    img.root().add_directory("a");
    expect_error(ErrorCode::DupName, [&] { img.root().add_directory("a"); });
    expect_error(ErrorCode::DupName, [&] { img.root().add_file("a", text("x")); });
    img.root().add_file("a/f.txt", text("x"));
    auto e = expect_error(ErrorCode::DupName, [&] { img.root().add_directory("/a/f.txt"); });
    EXPECT_EQ(e.context().path, "/a/f.txt");
    // A file is not a folder to add into.
    expect_error(ErrorCode::NotDir, [&] { img.root().add_file("a/f.txt/g", text("x")); });
    EXPECT_EQ(img.file_count(), 1u);
    EXPECT_EQ(img.directory_count(), 1u);
}

TEST(FileSystemImage, NewItemsGetTheClocksTime) {
    // IMAPI: items the caller creates get the current time; discwright's clock is fixed here.
    FileSystemImage img({}, fixed_clock());
    auto d = img.root().add_directory("d");
    auto f = img.root().add_file("d/f", text("abc"));
    EXPECT_EQ(d.creation_time(), kNow);
    EXPECT_EQ(f.last_modified_time(), kNow);
    EXPECT_EQ(f.data_size(), 3u);
    EXPECT_EQ(f.full_path(), "/d/f");
    EXPECT_EQ(d.type(), FsiItemType::Directory);
    EXPECT_EQ(f.type(), FsiItemType::File);
}

TEST(FileSystemImage, RemoveNeedsAnEmptyDirectoryRemoveTreeDoesNot) {
    FileSystemImage img({}, fixed_clock());
    img.root().add_directory("a");
    img.root().add_directory("a/b");
    img.root().add_file("a/b/f.txt", text("x"));
    img.root().add_file("top.txt", text("y"));
    // IMAPI Remove: IMAPI_E_DIR_NOT_EMPTY for a folder with children.
    auto e = expect_error(ErrorCode::DirNotEmpty, [&] { img.root().remove("a"); });
    EXPECT_EQ(e.context().path, "a");
    EXPECT_EQ(img.exists("/a/b/f.txt"), FsiItemType::File);
    expect_error(ErrorCode::ItemNotFound, [&] { img.root().remove("nope"); });

    img.root().remove("top.txt");
    EXPECT_EQ(img.exists("/top.txt"), FsiItemType::NotFound);
    img.root().remove_tree("a");
    EXPECT_EQ(img.exists("/a"), FsiItemType::NotFound);
    EXPECT_EQ(img.exists("/a/b/f.txt"), FsiItemType::NotFound);
    EXPECT_EQ(img.file_count(), 0u);
    EXPECT_EQ(img.directory_count(), 0u);
    EXPECT_EQ(img.root().count(), 0u);
}

TEST(FileSystemImage, RemoveTreeOfTheRootClearsTheImage) {
    FileSystemImage img({}, fixed_clock());
    img.root().add_directory("a");
    img.root().add_file("a/x", text("x"));
    img.root().add_file("y", text("y"));
    img.root().remove_tree("/");
    EXPECT_EQ(img.file_count(), 0u);
    EXPECT_EQ(img.directory_count(), 0u);
    EXPECT_EQ(img.exists("/"), FsiItemType::Directory);
    img.root().add_directory("a"); // the names are free again
    EXPECT_EQ(img.exists("/a"), FsiItemType::Directory);
}

TEST(FileSystemImage, ExistsAndCounts) {
    // IMAPI Exists / FileCount / DirectoryCount (the root is not counted).
    FileSystemImage img({}, fixed_clock());
    EXPECT_EQ(img.file_count(), 0u);
    EXPECT_EQ(img.directory_count(), 0u);
    img.root().add_directory("a");
    img.root().add_directory("a/b");
    img.root().add_file("a/b/c.txt", text("c"));
    img.root().add_file("d.txt", text("d"));
    img.root().add_symlink("a/link", "b/c.txt");
    EXPECT_EQ(img.exists("/"), FsiItemType::Directory);
    EXPECT_EQ(img.exists("/a/b"), FsiItemType::Directory);
    EXPECT_EQ(img.exists("a/b/c.txt"), FsiItemType::File);
    EXPECT_EQ(img.exists("/a/link"), FsiItemType::Symlink);
    EXPECT_EQ(img.exists("/a/B"), FsiItemType::NotFound); // names are case-sensitive
    EXPECT_EQ(img.exists("/d.txt/x"), FsiItemType::NotFound);
    EXPECT_EQ(img.file_count(), 3u); // files and symlinks
    EXPECT_EQ(img.directory_count(), 2u);
    EXPECT_EQ(child_names(img.root()), (std::vector<std::string>{"a", "d.txt"}));
}

// ---- change points --------------------------------------------------------------------------

TEST(FileSystemImage, RollbackToChangePointRestoresTheTree) {
    FileSystemImage img({}, fixed_clock());
    const u64 empty = img.change_point();
    img.root().add_directory("a");
    img.root().add_file("a/one.txt", text("1"));
    const u64 p1 = img.change_point();
    EXPECT_GT(p1, empty);
    auto two = img.root().add_file("a/two.txt", text("22"));
    two.set_hidden(true);
    img.root().remove("a/one.txt");
    img.root().add_directory("b");
    EXPECT_GT(img.change_point(), p1);

    img.rollback_to_change_point(p1);
    EXPECT_EQ(img.change_point(), p1);
    EXPECT_EQ(img.exists("/a/one.txt"), FsiItemType::File);
    EXPECT_EQ(img.exists("/a/two.txt"), FsiItemType::NotFound);
    EXPECT_EQ(img.exists("/b"), FsiItemType::NotFound);
    EXPECT_EQ(img.file_count(), 1u);
    EXPECT_EQ(img.directory_count(), 1u);

    img.rollback_to_change_point(empty);
    EXPECT_EQ(img.file_count(), 0u);
    EXPECT_EQ(img.directory_count(), 0u);
    EXPECT_EQ(img.root().count(), 0u);
}

TEST(FileSystemImage, RollbackBehindTheLockedPointIsRefused) {
    FileSystemImage img({}, fixed_clock());
    img.root().add_directory("a");
    const u64 p1 = img.change_point();
    img.root().add_directory("b");
    img.lock_in_change_point();
    const u64 locked = img.change_point();
    img.root().add_directory("c");
    // IMAPI LockInChangePoint: no rollback to an earlier point.
    expect_error(ErrorCode::ChangePointLocked, [&] { img.rollback_to_change_point(p1); });
    EXPECT_EQ(img.exists("/c"), FsiItemType::Directory);
    expect_error(ErrorCode::InvalidParam,
                 [&] { img.rollback_to_change_point(img.change_point() + 1); });
    img.rollback_to_change_point(locked);
    EXPECT_EQ(img.exists("/b"), FsiItemType::Directory);
    EXPECT_EQ(img.exists("/c"), FsiItemType::NotFound);
}

TEST(FileSystemImage, AResultKeepsItsTreeWhenTheImageChanges) {
    FileSystemImage img({}, fixed_clock());
    img.root().add_file("a.txt", text("hello"));
    auto result = img.create_result_image();
    const u64 blocks = result.total_blocks().value;
    img.root().remove("a.txt");
    img.root().add_file("b.bin", std::make_shared<ZeroStream>(100'000));
    EXPECT_EQ(result.total_blocks().value, blocks);
    ASSERT_EQ(result.progress_items().count(), 1u);
    EXPECT_EQ(result.progress_items().item(0).description, "/a.txt");
}

// ---- add_tree -------------------------------------------------------------------------------

TEST(FileSystemImage, AddTreeIsAtomicOnARestrictedNameViolation) {
    // UseRestrictedCharacterSet: a name outside printable ASCII is
    // IMAPI_E_RESTRICTED_NAME_VIOLATION, and AddTree leaves the image as it was.
    TempTree src{{"ok.txt", std::string("fine")},
                 {"sub/also-ok.txt", std::string("fine")},
                 {"sub/na\xc3\xafve.txt", std::string("not ASCII")},
                 {"zzz/late.txt", std::string("never reached")}};
    ImageOptions o;
    o.character_set = CharacterSet::Restricted;
    FileSystemImage img(o, fixed_clock());
    img.root().add_directory("keep");
    img.root().add_file("keep/k.txt", text("k"));
    const u64 point = img.change_point();
    const auto files = img.file_count();
    const auto dirs = img.directory_count();
    const UnixTime root_mtime = img.root().last_modified_time();
    const u32 root_mode = img.root().mode();

    auto e = expect_error(ErrorCode::RestrictedNameViolation,
                          [&] { img.root().add_tree(src.path().string()); });
    EXPECT_EQ(e.context().path, "/sub/na\xc3\xafve.txt");
    EXPECT_EQ(img.change_point(), point);
    EXPECT_EQ(img.file_count(), files);
    EXPECT_EQ(img.directory_count(), dirs);
    EXPECT_EQ(img.root().last_modified_time(), root_mtime);
    EXPECT_EQ(img.root().mode(), root_mode);
    EXPECT_EQ(img.exists("/ok.txt"), FsiItemType::NotFound);
    EXPECT_EQ(img.exists("/sub"), FsiItemType::NotFound);
    EXPECT_EQ(child_names(img.root()), (std::vector<std::string>{"keep"}));
    EXPECT_EQ(img.exists("/keep/k.txt"), FsiItemType::File);

    // The same with the folder itself included.
    expect_error(ErrorCode::RestrictedNameViolation,
                 [&] { img.root().add_tree(src.path().string(), BaseDirectory::Include); });
    EXPECT_EQ(img.change_point(), point);
    EXPECT_EQ(child_names(img.root()), (std::vector<std::string>{"keep"}));
    // And the image is still usable.
    img.root().add_file("after.txt", text("a"));
    EXPECT_EQ(img.file_count(), files + 1);
}

TEST(FileSystemImage, AddTreeSourceWinsOnCollision) {
    // IMAPI AddTree: an item of the source replaces an image item of the same name; folders
    // merge.
    TempTree src{{"a.txt", std::string("newer!")},
                 {"conf", std::string("now a file")},
                 {"d/new.txt", std::string("n")}};
    FileSystemImage img({}, fixed_clock());
    img.root().add_file("a.txt", text("old"));
    img.root().add_directory("conf");
    img.root().add_file("conf/x", text("x"));
    img.root().add_directory("d");
    img.root().add_file("d/keep.txt", text("k"));

    img.root().add_tree(src.path().string());
    FsiFileItem a(img, img.root().item("a.txt").id());
    EXPECT_EQ(a.data_size(), 6u);
    std::string bytes(6, '\0');
    ASSERT_EQ(a.data()->read_at(0, std::as_writable_bytes(std::span(bytes))), 6u);
    EXPECT_EQ(bytes, "newer!");
    EXPECT_EQ(img.exists("/conf"), FsiItemType::File);
    EXPECT_EQ(img.exists("/conf/x"), FsiItemType::NotFound);
    EXPECT_EQ(img.exists("/d/keep.txt"), FsiItemType::File);
    EXPECT_EQ(img.exists("/d/new.txt"), FsiItemType::File);
    EXPECT_EQ(img.file_count(), 4u);
    EXPECT_EQ(img.directory_count(), 1u);
    // Times come from the host entries (TempTree pins mtimes).
    EXPECT_EQ(img.root().item("d/new.txt").last_modified_time(), test::kDefaultMtime);
}

TEST(FileSystemImage, AFixedClockRecordsHostTimesAsTheModificationTime) {
    // The attribute-change time of a fresh file is "now", never the pinned modification time,
    // and nobody can set it back: under a fixed clock it must not reach the image.
    TempTree src{{"f.txt", std::string("f"), {.mtime = 1'000'000'000, .atime = 1'100'000'000}}};
    struct stat st {};
    ASSERT_EQ(::stat((src.path() / "f.txt").c_str(), &st), 0);
    ASSERT_NE(st.st_ctime, 1'000'000'000);

    FileSystemImage fixed({}, fixed_clock());
    fixed.root().add_tree(src.path().string());
    fixed.root().add_file_from("copy.txt", (src.path() / "f.txt").string());
    for (const char* path : {"f.txt", "copy.txt"}) {
        FsiItem f = fixed.root().item(path);
        EXPECT_EQ(f.last_modified_time(), 1'000'000'000) << path;
        EXPECT_EQ(f.last_accessed_time(), 1'000'000'000) << path;
        EXPECT_EQ(f.creation_time(), 1'000'000'000) << path;
    }

    // The system clock keeps the host's own times.
    ::unsetenv("SOURCE_DATE_EPOCH");
    FileSystemImage live({}, Clock::from_environment());
    live.root().add_tree(src.path().string());
    FsiItem f = live.root().item("f.txt");
    EXPECT_EQ(f.last_modified_time(), 1'000'000'000);
    EXPECT_EQ(f.last_accessed_time(), 1'100'000'000);
    EXPECT_EQ(f.creation_time(), st.st_ctime);
}

// ---- options --------------------------------------------------------------------------------

TEST(FileSystemImage, StrictComplianceOnlyWhileEmpty) {
    // IMAPI_E_FILE_SYSTEM_NOT_EMPTY: a stricter rule cannot apply to items already added.
    FileSystemImage img({}, fixed_clock());
    ImageOptions strict = img.options();
    strict.compliance = Compliance::Strict;
    img.root().add_file("f", text("f"));
    auto e = expect_error(ErrorCode::FileSystemNotEmpty, [&] { img.set_options(strict); });
    EXPECT_EQ(e.context().option, "compliance");
    EXPECT_EQ(img.options().compliance, Compliance::Relaxed);

    FileSystemImage empty({}, fixed_clock());
    empty.set_options(strict);
    EXPECT_EQ(empty.options().compliance, Compliance::Strict);
}

TEST(FileSystemImage, InvalidInterchangeLevelNamesTheOption) {
    // ISO9660InterchangeLevel put: IMAPI_E_INVALID_PARAM outside the supported levels.
    ImageOptions bad;
    bad.iso_level = 7;
    auto e =
        expect_error(ErrorCode::InvalidParam, [&] { FileSystemImage img(bad, fixed_clock()); });
    EXPECT_EQ(e.context().option, "iso_level");
    EXPECT_NE(e.message().find('7'), std::string::npos) << e.message();

    FileSystemImage img({}, fixed_clock());
    auto e2 = expect_error(ErrorCode::InvalidParam, [&] { img.set_options(bad); });
    EXPECT_EQ(e2.context().option, "iso_level");
    EXPECT_EQ(img.options().iso_level, 3);
    EXPECT_EQ(FileSystemImage::iso9660_interchange_levels_supported(),
              (std::vector<int>{1, 2, 3, 4}));
}

TEST(FileSystemImage, VolumeNameOver32BytesIsInvalid) {
    // IMAPI VolumeName put: IMAPI_E_INVALID_VOLUME_NAME; the PVD holds 32 bytes (ECMA-119 8.4.6).
    ImageOptions o;
    o.volume_name = std::string(33, 'V');
    auto e =
        expect_error(ErrorCode::InvalidVolumeName, [&] { FileSystemImage img(o, fixed_clock()); });
    EXPECT_EQ(e.context().option, "volume_name");

    o.volume_name = std::string(32, 'v');
    FileSystemImage img(o, fixed_clock());
    EXPECT_EQ(img.volume_name_iso9660(), std::string(32, 'V'));

    ImageOptions named;
    named.volume_name = "My Disc-2023";
    img.set_options(named);
    EXPECT_EQ(img.volume_name_iso9660(), "MY_DISC_2023"); // d-characters (ECMA-119 7.4.1)
    EXPECT_EQ(img.volume_name_joliet(), "My Disc-2023");
    named.volume_name = "A very long Joliet volume";
    img.set_options(named);
    EXPECT_EQ(img.volume_name_joliet(), "A very long Joli"); // 16 UCS-2 characters
}

TEST(FileSystemImage, DefaultVolumeNameComesFromTheClock) {
    // IMAPI: an empty VolumeName becomes the creation date.
    FileSystemImage img({}, fixed_clock());
    EXPECT_EQ(img.volume_name_iso9660(), "20231114_2213");
    EXPECT_EQ(img.create_result_image().disc_id(), "20231114_2213");
}

TEST(FileSystemImage, DefaultMediaLimitIsA74MinuteCd) {
    // IMAPI: FreeMediaBlocks defaults to 332,800 blocks; an add past it is
    // IMAPI_E_IMAGE_SIZE_LIMIT and leaves the image as it was.
    FileSystemImage img({}, fixed_clock());
    EXPECT_EQ(img.options().max_media_blocks, 332'800u);
    img.root().add_file("small.txt", text("s"));
    const u64 point = img.change_point();
    auto e = expect_error(ErrorCode::ImageSizeLimit, [&] {
        img.root().add_file("big.bin", std::make_shared<ZeroStream>(2'000'000'000));
    });
    EXPECT_NE(e.context().path.find("big.bin"), std::string::npos) << e.context().path;
    EXPECT_EQ(img.change_point(), point);
    EXPECT_EQ(img.exists("/big.bin"), FsiItemType::NotFound);
    EXPECT_EQ(img.file_count(), 1u);
    // Without a limit the same file is accepted.
    img.set_max_media_blocks(0);
    img.root().add_file("big.bin", std::make_shared<ZeroStream>(2'000'000'000));
    EXPECT_EQ(img.exists("/big.bin"), FsiItemType::File);
    EXPECT_EQ(img.free_media_blocks(), 0u); // 0: no limit
    EXPECT_EQ(img.remaining_media_blocks(), 0u);
}

TEST(FileSystemImage, ChooseImageDefaultsForCdR) {
    // ChooseImageDefaultsForMediaType: an 80-minute CD-R holds 359,847 blocks.
    FileSystemImage img({}, fixed_clock());
    img.choose_image_defaults_for_media_type(MediaType::CdR);
    EXPECT_EQ(img.options().max_media_blocks, 359'847u);
    EXPECT_EQ(img.options().file_systems, FsType::Iso9660 | FsType::Joliet | FsType::RockRidge);
    EXPECT_EQ(img.options().iso_level, 3);
}

TEST(FileSystemImage, ChooseImageDefaultsAddUdfForDvdAndBluRay) {
    FileSystemImage img({}, fixed_clock());
    const FsType ecma119 = FsType::Iso9660 | FsType::Joliet | FsType::RockRidge;
    img.choose_image_defaults_for_media_type(MediaType::DvdPlusR);
    EXPECT_EQ(img.options().file_systems, ecma119 | FsType::Udf);
    EXPECT_EQ(img.options().udf_revision, UdfRevision::V1_02);
    img.choose_image_defaults_for_media_type(MediaType::BdRe);
    EXPECT_EQ(img.options().file_systems, ecma119 | FsType::Udf);
    EXPECT_EQ(img.options().udf_revision, UdfRevision::V2_50);
    img.choose_image_defaults_for_media_type(MediaType::CdRw);
    EXPECT_EQ(img.options().file_systems, ecma119);
}

TEST(FileSystemImage, UdfOptionsAreChecked) {
    ImageOptions o;
    o.udf_revision = static_cast<UdfRevision>(0x300);
    auto e = expect_error(ErrorCode::InvalidParam, [&] { FileSystemImage img(o, fixed_clock()); });
    EXPECT_EQ(e.context().option, "udf_revision");
    o.udf_revision = UdfRevision::V2_01;
    o.file_systems = FsType::Udf;
    o.session_start_block = 1000;
    e = expect_error(ErrorCode::FileSystemFeatureNotSupported,
                     [&] { FileSystemImage img(o, fixed_clock()); });
    EXPECT_EQ(e.context().option, "file_systems");
    EXPECT_EQ(parse_udf_revision("2.5"), UdfRevision::V2_50);
    EXPECT_EQ(parse_udf_revision("0x201"), UdfRevision::V2_01);
    EXPECT_EQ(parse_udf_revision("1.02"), UdfRevision::V1_02);
    EXPECT_EQ(parse_udf_revision("2.70"), std::nullopt);
    EXPECT_EQ(to_string(UdfRevision::V2_60), "2.60");
}

TEST(FileSystemImage, UdfNamesAndVolumeName) {
    ImageOptions o;
    o.file_systems = FsType::Iso9660 | FsType::Udf;
    o.volume_name = "A volume name of thirty-two byte"; // UDF's PVD keeps 30 of them
    FileSystemImage img(o, fixed_clock());
    img.root().add_directory("docs");
    img.root().add_file("docs/read me.txt", MemoryStream::from_string("hello"));
    EXPECT_EQ(img.volume_name_udf(), "A volume name of thirty-two by");
    const FsiItem item = img.root().item("/docs/read me.txt");
    EXPECT_EQ(item.file_system_name(FsType::Udf), "read me.txt");
    EXPECT_EQ(item.file_system_path(FsType::Udf), "/docs/read me.txt");
    EXPECT_EQ(item.file_system_name(FsType::Iso9660), "READ_ME.TXT;1");
}

TEST(FileSystemImage, ChooseImageDefaultsRejectsHdDvd) {
    FileSystemImage img({}, fixed_clock());
    auto e = expect_error(ErrorCode::InvalidParam,
                          [&] { img.choose_image_defaults_for_media_type(MediaType::HdDvdR); });
    EXPECT_EQ(e.context().option, "media");
    EXPECT_EQ(img.options().max_media_blocks, 332'800u);
    expect_error(ErrorCode::InvalidParam,
                 [&] { img.choose_image_defaults_for_media_type(MediaType::Unknown); });
}

TEST(FileSystemImage, CreateResultImageRefusesAnImageOverTheLimit) {
    // CreateResultImage: IMAPI_E_IMAGE_TOO_BIG before anything is written. Folders are not
    // checked when added, so the exact layout is the only judge.
    ImageOptions o;
    o.max_media_blocks = 0;
    FileSystemImage img(o, fixed_clock());
    const u64 empty_blocks = img.used_blocks();
    img.set_max_media_blocks(empty_blocks + 4);
    for (int i = 0; i < 10; ++i)
        img.root().add_directory("dir" + std::to_string(i));
    EXPECT_GT(img.used_blocks(), empty_blocks + 4);
    EXPECT_EQ(img.remaining_media_blocks(), 0u);
    EXPECT_EQ(img.free_media_blocks(), empty_blocks + 4);
    expect_error(ErrorCode::ImageTooBig, [&] { (void)img.create_result_image(); });
    // set_options refuses a limit below the current size.
    expect_error(ErrorCode::ImageTooBig, [&] { img.set_max_media_blocks(empty_blocks); });
    EXPECT_EQ(img.options().max_media_blocks, empty_blocks + 4);
}

TEST(FileSystemImage, UsedAndFreeMediaBlocks) {
    ImageOptions o;
    o.max_media_blocks = 100'000;
    FileSystemImage img(o, fixed_clock());
    const u64 before = img.used_blocks();
    // IMAPI FreeMediaBlocks get: the blocks the image may take; what is left is separate.
    EXPECT_EQ(img.free_media_blocks(), 100'000u);
    EXPECT_EQ(img.remaining_media_blocks(), 100'000 - before);
    img.root().add_file("ten.bin", std::make_shared<ZeroStream>(10 * 2048));
    const u64 after = img.used_blocks();
    EXPECT_GE(after, before + 10);
    EXPECT_LE(after, before + 12); // ten data blocks, and records that fit existing extents
    EXPECT_EQ(img.remaining_media_blocks(), 100'000 - after);
    auto result = img.create_result_image();
    EXPECT_EQ(result.total_blocks().value, after);
    EXPECT_EQ(result.image_stream()->size(), after * 2048);
}

// ---- names ----------------------------------------------------------------------------------

TEST(FileSystemImage, FileSystemNamesPerNamespace) {
    // IFsiItem::FileSystemName: the name each namespace records.
    FileSystemImage img({}, fixed_clock());
    auto readme = img.root().add_file("readme.txt", text("r"));
    auto docs = img.root().add_directory("My Docs");
    auto long_file = img.root().add_file("My Docs/Long File Name With Spaces.markdown", text("l"));
    EXPECT_EQ(readme.file_system_name(FsType::Iso9660), "README.TXT;1");
    EXPECT_EQ(readme.file_system_name(FsType::Joliet), "readme.txt");
    EXPECT_EQ(readme.file_system_name(FsType::RockRidge), "readme.txt");
    EXPECT_EQ(docs.file_system_name(FsType::Iso9660), "MY_DOCS");
    EXPECT_EQ(docs.file_system_name(FsType::Joliet), "My Docs");
    // ECMA-119 7.5.1 (levels 2, 3): name + extension <= 30 d-characters.
    EXPECT_EQ(long_file.file_system_path(FsType::Iso9660),
              "/MY_DOCS/LONG_FILE_NAME_WITH_SP.MARKDOWN;1");
    EXPECT_EQ(long_file.file_system_path(FsType::Joliet),
              "/My Docs/Long File Name With Spaces.markdown");
    EXPECT_EQ(img.root().file_system_name(FsType::Iso9660), "/");
    expect_error(ErrorCode::InvalidParam,
                 [&] { (void)readme.file_system_name(FsType::Iso9660 | FsType::Joliet); });
}

TEST(FileSystemImage, Level1NamesAre8Dot3) {
    ImageOptions o;
    o.iso_level = 1;
    FileSystemImage img(o, fixed_clock());
    auto f = img.root().add_file("longfilename.text", text("x"));
    auto g = img.root().add_file("longfilename.texture", text("y"));
    EXPECT_EQ(f.file_system_name(FsType::Iso9660), "LONGFILE.TEX;1");
    EXPECT_EQ(g.file_system_name(FsType::Iso9660), "LONGFI_1.TEX;1");
    EXPECT_EQ(f.file_system_name(FsType::Joliet), "longfilename.text");
}

// ---- strict mode ----------------------------------------------------------------------------

TEST(FileSystemImage, StrictModeRefusesAnIso9660Collision) {
    // Strict: a name that must change (here: a collision variant) is
    // IMAPI_E_RESTRICTED_NAME_VIOLATION naming the item.
    ImageOptions o;
    o.iso_level = 1;
    o.compliance = Compliance::Strict;
    FileSystemImage img(o, fixed_clock());
    img.root().add_file("DATA.TXT", text("upper"));
    img.root().add_file("data.txt", text("lower")); // also "DATA.TXT;1" in ISO 9660
    auto e =
        expect_error(ErrorCode::RestrictedNameViolation, [&] { (void)img.create_result_image(); });
    EXPECT_EQ(e.context().path, "/data.txt");
    EXPECT_NE(e.message().find("/data.txt"), std::string::npos) << e.message();
}

TEST(FileSystemImage, StrictModeAcceptsCanonicalNames) {
    ImageOptions o;
    o.iso_level = 1;
    o.compliance = Compliance::Strict;
    o.file_systems = FsType::Iso9660 | FsType::RockRidge;
    FileSystemImage img(o, fixed_clock());
    img.root().add_file("readme.txt", text("r")); // folding case is not a mapping
    img.root().add_directory("docs");
    img.root().add_file("docs/a_b.c", text("c"));
    auto result = img.create_result_image();
    EXPECT_GT(result.total_blocks().value, 16u);
}

TEST(FileSystemImage, Level2RefusesAFileOf4GiBOrMore) {
    // ECMA-119 10.2: below level 3 a file is one extent, whose Data Length (9.1.4) has 32 bits:
    // IMAPI_E_DATA_TOO_BIG naming the file.
    for (Compliance c : {Compliance::Strict, Compliance::Relaxed}) {
        ImageOptions o;
        o.iso_level = 2;
        o.compliance = c;
        o.max_media_blocks = 0;
        FileSystemImage img(o, fixed_clock());
        img.root().add_directory("v");
        img.root().add_file("v/huge.bin", std::make_shared<ZeroStream>(5 * kGiB));
        auto e = expect_error(ErrorCode::DataTooBig, [&] { (void)img.create_result_image(); });
        EXPECT_EQ(e.context().path, "/v/huge.bin");
        EXPECT_NE(e.message().find("/v/huge.bin"), std::string::npos) << e.message();
    }
}

TEST(FileSystemImage, Level3RecordsAFileOf5GiB) {
    ImageOptions o;
    o.iso_level = 3;
    o.compliance = Compliance::Strict;
    o.max_media_blocks = 0;
    FileSystemImage img(o, fixed_clock());
    img.root().add_file("huge.bin", std::make_shared<ZeroStream>(5 * kGiB));
    auto result = img.create_result_image();
    const u64 data_blocks = 5 * kGiB / 2048; // 2,621,440
    EXPECT_GE(result.total_blocks().value, data_blocks + 16 + 3);
    EXPECT_LE(result.total_blocks().value, data_blocks + 64);
    EXPECT_EQ(img.used_blocks(), result.total_blocks().value);
    auto p = result.progress_items().from_description("/huge.bin");
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->block_count().value, data_blocks);
    EXPECT_EQ(p->last_block.value + 1, result.total_blocks().value); // file data comes last
}

// ---- attributes -----------------------------------------------------------------------------

TEST(FileSystemImage, HiddenFlagAndTimes) {
    FileSystemImage img({}, fixed_clock());
    auto f = img.root().add_file("f.txt", text("f"));
    EXPECT_FALSE(f.is_hidden());
    f.set_hidden(true);
    EXPECT_TRUE(f.is_hidden());
    f.set_last_modified_time(946'684'800);   // 2000-01-01
    f.set_creation_time(-2'208'988'800);     // 1900-01-01, the first ISO 9660 year
    f.set_last_accessed_time(5'869'583'999); // 2155-12-31 23:59:59, the last
    EXPECT_EQ(f.last_modified_time(), 946'684'800);
    EXPECT_EQ(f.creation_time(), -2'208'988'800);
    EXPECT_EQ(f.last_accessed_time(), 5'869'583'999);
    f.set_hidden(false);
    EXPECT_FALSE(f.is_hidden());
    f.set_mode(0600);
    EXPECT_EQ(f.mode(), 0100600u); // the type bits are kept
    f.set_owner(1000, 100);
    EXPECT_EQ(f.uid(), 1000u);
    EXPECT_EQ(f.gid(), 100u);
}

TEST(FileSystemImage, TimesOutsideIso9660AreInvalidDates) {
    // ECMA-119 9.1.5: years since 1900 in one byte: 1900-2155. IMAPI_E_INVALID_DATE.
    FileSystemImage img({}, fixed_clock());
    auto f = img.root().add_file("f.txt", text("f"));
    const u64 point = img.change_point();
    const UnixTime year_1800 = -5'364'662'400; // 1800-01-01T00:00:00Z
    auto e = expect_error(ErrorCode::InvalidDate, [&] { f.set_creation_time(year_1800); });
    EXPECT_EQ(e.context().path, "/f.txt");
    expect_error(ErrorCode::InvalidDate, [&] { f.set_last_modified_time(year_1800); });
    expect_error(ErrorCode::InvalidDate, [&] { f.set_last_accessed_time(5'869'584'000); });
    EXPECT_EQ(f.creation_time(), kNow);
    EXPECT_EQ(img.change_point(), point);
}

} // namespace
} // namespace discwright
