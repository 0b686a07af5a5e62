// Judged by the isomd5sum tools: our implant is what implantisomd5 writes, byte for byte, and
// checkisomd5 accepts it; theirs passes our check; a flipped byte fails both; a disc burned
// with --implant-md5 checks on its data file and through the drive.

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "discwright/isomd5.h"
#include "support/manifest.h"
#include "support/run.h"
#include "support/temp_tree.h"

namespace discwright {
namespace {

using test::run;
using test::run_discwright;

void flip_byte(const std::filesystem::path& p, std::streamoff at) {
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(at);
    char c = 0;
    f.read(&c, 1);
    f.seekp(at);
    c = static_cast<char>(c ^ 1);
    f.write(&c, 1);
}

class IsoMd5Judged : public ::testing::Test {
protected:
    std::filesystem::path make_image(const std::string& name, bool implant) {
        const auto out = m_dir / name;
        std::vector<std::string> args = {"image", "create", "-q", "-o", out.string()};
        if (implant) args.push_back("--implant-md5");
        args.push_back(m_tree.path().string());
        const auto r = run_discwright(args);
        EXPECT_EQ(r.exit_status, 0) << r.describe();
        return out;
    }

    test::TempDir m_dir;
    test::TempTree m_tree{{"a.bin", test::PseudoRandom{3 * test::kMiB + 7, 31}},
                          {"docs/b.txt", "implanted\n"}};
};

TEST_F(IsoMd5Judged, OurImplantIsImplantisomd5sAndCheckisomd5AcceptsIt) {
    const auto ours = make_image("ours.iso", true);
    const auto r = run({"checkisomd5", "--verbose", ours.string()});
    EXPECT_EQ(r.exit_status, 0) << r.describe();
    EXPECT_NE(r.err.find("the result is: PASS"), std::string::npos) << r.describe();
    // implantisomd5 --force recomputes over the same bytes: nothing may change.
    const auto theirs = m_dir / "theirs.iso";
    std::filesystem::copy_file(ours, theirs);
    ASSERT_EQ(run({"implantisomd5", "--force", theirs.string()}).exit_status, 0);
    EXPECT_EQ(test::sha256_of_file(ours), test::sha256_of_file(theirs));
}

TEST_F(IsoMd5Judged, TheirImplantPassesOurCheckAndACorruptByteFailsBoth) {
    const auto image = make_image("plain.iso", false);
    // Our images leave the application use area blank, so implantisomd5 needs no --force.
    ASSERT_EQ(run({"implantisomd5", image.string()}).exit_status, 0);
    auto ours = run_discwright({"image", "checkmd5", image.string(), "--json"});
    EXPECT_EQ(ours.exit_status, 0) << ours.describe();
    flip_byte(image, 1'000'000);
    ours = run_discwright({"image", "checkmd5", image.string()});
    EXPECT_EQ(ours.exit_status, 2) << ours.describe();
    const auto theirs = run({"checkisomd5", "--verbose", image.string()});
    EXPECT_NE(theirs.exit_status, 0) << theirs.describe();
    EXPECT_NE(theirs.err.find("the result is: FAIL"), std::string::npos) << theirs.describe();
    // No implant at all: exit 1, saying so.
    const auto none = run_discwright({"image", "checkmd5", make_image("none.iso", false).string()});
    EXPECT_EQ(none.exit_status, 1) << none.describe();
    EXPECT_NE(none.err.find("no implanted MD5"), std::string::npos) << none.describe();
}

TEST_F(IsoMd5Judged, ABurnWithAnImplantChecksOnTheDiscAndThroughTheDrive) {
    const auto drive = m_dir / "dvd";
    test::RunOptions env;
    env.extra_env = {"DISCWRIGHT_LOCK_DIR=" + (m_dir / "locks").string(), "DISCWRIGHT_DRIVES="};
    ASSERT_EQ(
        run_discwright({"virtual", "create", drive.string(), "--media", "dvd+r"}, env).exit_status,
        0);
    const auto burned = run_discwright(
        {"burn", "virtual:" + drive.string(), m_tree.path().string(), "--implant-md5"}, env);
    ASSERT_EQ(burned.exit_status, 0) << burned.describe();
    EXPECT_EQ(run({"checkisomd5", drive.string()}).exit_status, 0);
    const auto through = run_discwright({"image", "checkmd5", "virtual:" + drive.string()}, env);
    EXPECT_EQ(through.exit_status, 0) << through.describe();
    const auto verify = run_discwright({"verify", "virtual:" + drive.string(), "--json"}, env);
    EXPECT_EQ(verify.exit_status, 0) << verify.describe();
    EXPECT_NE(verify.out.find("\"isomd5\""), std::string::npos) << verify.describe();
}

} // namespace
} // namespace discwright
