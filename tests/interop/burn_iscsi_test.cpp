// Judged: a burn over iSCSI to tgt's emulated DVD drive (an independent MMC implementation,
// tgtd on 127.0.0.1 started and stopped by this test). The backing file tgt writes must hold
// the image byte for byte, and full verification reads it back through tgt.

#include <filesystem>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "discwright/data_disc_writer.h"
#include "discwright/disc_recorder.h"
#include "discwright/error.h"
#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "support/run.h"
#include "support/scoped_env.h"
#include "support/temp_tree.h"
#include "support/tgt_server.h"

namespace discwright {
namespace {

std::vector<std::byte> head_of(const std::filesystem::path& p, std::size_t n) {
    std::vector<std::byte> out(n);
    std::ifstream in(p, std::ios::binary);
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(n));
    out.resize(static_cast<std::size_t>(in.gcount()));
    return out;
}

TEST(BurnIscsi, BurnsTgtsBlankDvdPlusRAndVerifiesIt) {
    if (!test::TgtServer::installed()) GTEST_SKIP() << "tgtd is not installed";
    if (::geteuid() != 0) GTEST_SKIP() << "tgtd needs root for its management socket";
    test::TempDir dir;
    test::ScopedEnv locks{"DISCWRIGHT_LOCK_DIR", (dir / "locks").string()};
    test::TgtServer tgt;

    test::TempTree source{{"docs/readme.txt", "burned over iSCSI\n"},
                          {"noise.bin", test::PseudoRandom{3 * test::kMiB + 11, 5}}};
    FileSystemImage image;
    ImageOptions o = image.options();
    o.max_media_blocks = 0;
    image.set_options(o);
    image.root().add_tree(source.path().string());
    const FileSystemImageResult result = image.create_result_image();

    DiscRecorder recorder(tgt.address());
    DataDiscWriter writer(recorder);
    ASSERT_EQ(writer.current_physical_media_type(), MediaType::DvdPlusR);
    writer.verification_level = VerificationLevel::Full;
    std::vector<std::string> warnings;
    writer.write(result, [&](const BurnEvent& e) {
        if (const auto* w = std::get_if<WarningEvent>(&e)) warnings.push_back(w->message);
    });
    ASSERT_TRUE(writer.last_verification());
    EXPECT_TRUE(writer.last_verification()->passed());

    const auto stream = result.image_stream();
    std::vector<std::byte> want(stream->size());
    ASSERT_EQ(stream->read_at(0, want), want.size());
    EXPECT_EQ(head_of(tgt.backing_file(), want.size()), want) << tgt.log();
    const auto listing =
        test::run({"xorriso", "-indev", tgt.backing_file().string(), "-find", "/", "-type", "f"});
    EXPECT_EQ(listing.exit_status, 0) << listing.describe();
    EXPECT_NE(listing.out.find("noise.bin"), std::string::npos) << listing.describe();
    for (const auto& w : warnings)
        std::cerr << "warning: " << w << "\n";
}

} // namespace
} // namespace discwright
