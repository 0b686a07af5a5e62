// Images made through the C++ API (what the CLI cannot ask for: hidden items, caller streams,
// per-item times, modes and owners, SessionStartBlock), judged by independent readers.

#include <sstream>

#include <gtest/gtest.h>

#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright::test {
namespace {

constexpr UnixTime pinned = 1'600'000'000;

/// isoinfo -l lists "[ extent flags]" after each name; flags are ECMA-119 9.1.6 in hex.
std::string isoinfo_flags_of(const std::string& listing, const std::string& name) {
    std::istringstream lines(listing);
    for (std::string line; std::getline(lines, line);) {
        auto at = line.rfind("]  " + name);
        if (at == std::string::npos || line.size() < at + 3 + name.size()) continue;
        if (line.compare(at + 3, std::string::npos, name + " ") != 0 &&
            line.compare(at + 3, std::string::npos, name) != 0)
            continue;
        return line.substr(at - 2, 2);
    }
    return {};
}

TEST(LibraryApiImage, HiddenStreamsTimesModesAndOwnersReachTheReaders) {
    TempDir dir;
    ImageOptions options;
    options.max_media_blocks = 0;
    FileSystemImage image(options, Clock::fixed(pinned));
    auto root = image.root();
    auto visible = root.add_file("visible.txt", MemoryStream::from_string("seen by all\n"));
    auto secret = root.add_file("secret.txt", MemoryStream::from_string("hidden\n"));
    secret.set_hidden(true); // ECMA-119 9.1.6 bit 0, the "existence" flag
    auto docs = root.add_directory("docs");
    docs.add_file("big.bin", std::make_shared<PseudoRandomStream>(3 * 2048 + 5, 42));
    docs.add_symlink("link", "../visible.txt");
    visible.set_mode(0640);
    visible.set_owner(1234, 4321);
    visible.set_last_modified_time(1'500'000'000);
    const std::string out = (dir / "api.iso").string();
    image.create_result_image().write_to_file(out);

    // isoinfo: the hidden file keeps its data and carries the existence flag; others do not.
    RunResult listing = run({"isoinfo", "-l", "-i", out});
    ASSERT_TRUE(listing.ok()) << listing.describe();
    EXPECT_EQ(isoinfo_flags_of(listing.out, "SECRET.TXT;1"), "01") << listing.out;
    EXPECT_EQ(isoinfo_flags_of(listing.out, "VISIBLE.TXT;1"), "00") << listing.out;

    // xorriso: contents, the symlink, and the Rock Ridge mode of visible.txt.
    TempDir extracted;
    RunResult x = extract_with(Reader::Xorriso, out, extracted.path());
    ASSERT_TRUE(x.ok()) << x.describe();
    Manifest got = Manifest::of_tree(extracted.path());
    ASSERT_TRUE(got.contains("secret.txt")) << got.dump();
    EXPECT_EQ(got.at("secret.txt").sha256, sha256_hex("hidden\n"));
    EXPECT_EQ(got.at("visible.txt").sha256, sha256_hex("seen by all\n"));
    EXPECT_EQ(got.at("docs/big.bin").size, 3u * 2048 + 5);
    EXPECT_EQ(got.at("docs/link").link_target, "../visible.txt");
    EXPECT_EQ(got.at("visible.txt").mode, 0640u);

    // pycdlib: owner and modification time as set through the API (RRIP PX and TF).
    PycdlibView rr = pycdlib_view(out, Namespace::RockRidge);
    ASSERT_TRUE(rr.ok()) << rr.run.describe() << rr.error;
    const auto& v = rr.manifest.at("visible.txt");
    EXPECT_EQ(v.uid, 1234u);
    EXPECT_EQ(v.gid, 4321u);
    EXPECT_EQ(v.mtime, 1'500'000'000);
    EXPECT_EQ(rr.manifest.at("docs/big.bin").sha256,
              got.at("docs/big.bin").sha256); // two readers agree on the stream's bytes
}

TEST(LibraryApiImage, UdfRecordsHiddenItemsModesOwnersAndTimes) {
    TempDir dir;
    ImageOptions options;
    options.max_media_blocks = 0;
    options.file_systems = FsType::Iso9660 | FsType::Joliet | FsType::Udf;
    options.udf_revision = UdfRevision::V1_50;
    FileSystemImage image(options, Clock::fixed(pinned));
    auto root = image.root();
    auto visible = root.add_file("visible.txt", MemoryStream::from_string("seen by all\n"));
    auto secret = root.add_file("secret.txt", MemoryStream::from_string("hidden\n"));
    secret.set_hidden(true); // ECMA-167 4/14.4.3: the FID's existence bit
    visible.set_mode(0640);
    visible.set_owner(1234, 4321);
    visible.set_last_modified_time(1'500'000'000);
    EXPECT_EQ(visible.file_system_name(FsType::Udf), "visible.txt");
    const std::string out = (dir / "udf.iso").string();
    image.create_result_image().write_to_file(out);

    PycdlibView udf = pycdlib_view(out, Namespace::Udf);
    ASSERT_TRUE(udf.ok()) << udf.run.describe() << udf.error;
    EXPECT_EQ(udf.hidden, std::set<std::string>{"secret.txt"});
    EXPECT_EQ(udf.manifest.at("secret.txt").sha256, sha256_hex("hidden\n"));
    const auto& v = udf.manifest.at("visible.txt");
    EXPECT_EQ(v.uid, 1234u);
    EXPECT_EQ(v.gid, 4321u);
    EXPECT_EQ(v.mtime, 1'500'000'000);
    // 0640: owner read+write (bits 12, 11), group read (bit 7).
    EXPECT_EQ(udf.udf_permissions.at("visible.txt"), 0x1880u);
}

TEST(LibraryApiImage, SessionStartBlockImageReadsAtItsOffset) {
    // An image laid out for LBA 1000 holds absolute addresses: placed after 1000 blocks of
    // anything, it is a whole readable volume for xorriso.
    TempDir dir;
    ImageOptions options;
    options.max_media_blocks = 0;
    options.session_start_block = 1000;
    FileSystemImage image(options, Clock::fixed(pinned));
    image.root().add_file("late.txt", MemoryStream::from_string("written at 1000\n"));
    auto result = image.create_result_image();
    EXPECT_EQ(result.start_block().value, 1000u);
    const std::string session = (dir / "session.bin").string();
    result.write_to_file(session);

    // isoinfo -N reads a session file as if it sat at that sector of a disc; -T reads the
    // session starting at a sector of a whole disc image.
    RunResult listing = run({"isoinfo", "-i", session, "-N", "1000", "-R", "-l"});
    ASSERT_TRUE(listing.ok()) << listing.describe();
    EXPECT_NE(listing.out.find("late.txt"), std::string::npos) << listing.out;
    RunResult content = run({"isoinfo", "-i", session, "-N", "1000", "-R", "-x", "/late.txt"});
    ASSERT_TRUE(content.ok()) << content.describe();
    EXPECT_EQ(content.out, "written at 1000\n");

    const std::string whole = (dir / "whole.iso").string();
    RunResult pad = run({"dd", "if=/dev/zero", "of=" + whole, "bs=2048", "count=1000"});
    ASSERT_TRUE(pad.ok()) << pad.describe();
    RunResult cat = run({"sh", "-c", "cat \"$0\" >> \"$1\"", session, whole});
    ASSERT_TRUE(cat.ok()) << cat.describe();
    RunResult on_disc = run({"isoinfo", "-i", whole, "-T", "1000", "-R", "-x", "/late.txt"});
    ASSERT_TRUE(on_disc.ok()) << on_disc.describe();
    EXPECT_EQ(on_disc.out, "written at 1000\n");
}

} // namespace
} // namespace discwright::test
