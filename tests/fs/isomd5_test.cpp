// The isomd5sum implant computed from streams: a patched stream equals the file implanted in
// place, the check passes and fails as it must, and non-ISO input is refused.

#include <filesystem>
#include <vector>

#include <gtest/gtest.h>

#include "discwright/error.h"
#include "discwright/file_system_image.h"
#include "discwright/file_system_image_result.h"
#include "discwright/isomd5.h"
#include "support/expect_error.h"
#include "support/temp_tree.h"

namespace discwright {
namespace {

using test::expect_error;

std::vector<std::byte> all_of(const Stream& s) {
    std::vector<std::byte> out(s.size());
    EXPECT_EQ(s.read_at(0, out), out.size());
    return out;
}

FileSystemImageResult small_image() {
    FileSystemImage image(ImageOptions{}, Clock::fixed(1'700'000'000));
    image.root().add_file("noise.bin", std::make_shared<PseudoRandomStream>(2'500'000, 4));
    return image.create_result_image();
}

TEST(IsoMd5, APatchedStreamEqualsTheFileImplantedInPlace) {
    test::TempDir dir;
    const auto result = small_image();
    const auto path = (dir / "a.iso").string();
    result.write_to_file(path);
    implant_isomd5_file(path);
    const FileStream file(path);
    const auto patched = with_isomd5(result.image_stream());
    EXPECT_EQ(all_of(*patched), all_of(file));
    const auto implant = read_isomd5(file);
    ASSERT_TRUE(implant);
    EXPECT_EQ(implant->md5.size(), 32u);
    EXPECT_EQ(implant->fragment_sums.size(), 60u);
    EXPECT_EQ(check_isomd5(file).status, IsoMd5Status::Passed);
    // A second implant is refused unless forced.
    expect_error(ErrorCode::InvalidParam, [&] { implant_isomd5_file(path); });
    implant_isomd5_file(path, true);
    EXPECT_EQ(check_isomd5(FileStream(path)).status, IsoMd5Status::Passed);
}

TEST(IsoMd5, AChangedByteFailsAndAStreamWithoutImplantSaysSo) {
    const auto result = small_image();
    EXPECT_EQ(check_isomd5(*result.image_stream()).status, IsoMd5Status::NotPresent);
    auto bytes = all_of(*with_isomd5(result.image_stream()));
    bytes[100'000] ^= std::byte{1};
    const MemoryStream changed(bytes);
    const auto check = check_isomd5(changed);
    EXPECT_EQ(check.status, IsoMd5Status::Failed);
    EXPECT_NE(check.stored, check.computed);
    // A longer stream (a disc's readable area) checks the same: the volume size bounds it.
    bytes[100'000] ^= std::byte{1};
    bytes.resize(bytes.size() + 64 * 2048);
    EXPECT_EQ(check_isomd5(MemoryStream(bytes)).status, IsoMd5Status::Passed);
}

TEST(IsoMd5, NotAnIsoImageIsRefused) {
    const ZeroStream zeros(40 * 2048);
    expect_error(ErrorCode::NoValidVolumeDescriptor, [&] { (void)compute_isomd5(zeros); });
}

} // namespace
} // namespace discwright
