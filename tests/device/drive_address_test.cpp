#include "device/drive_address.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "support/expect_error.h"

namespace discwright::device {
namespace {

using test::expect_error;

TEST(DriveAddress, DeviceNodeIsSgIo) {
    auto a = parse_drive_address("/dev/sr0");
    EXPECT_EQ(a.kind, TransportKind::SgIo);
    EXPECT_EQ(a.normalised, "/dev/sr0");
    EXPECT_EQ(a.path, std::filesystem::path("/dev/sr0"));
    EXPECT_FALSE(a.iscsi.has_value());
}

TEST(DriveAddress, DeviceNodeIsNormalisedLexically) {
    EXPECT_EQ(parse_drive_address("/dev//sg1").normalised, "/dev/sg1");
    EXPECT_EQ(parse_drive_address("/dev/./sr1").normalised, "/dev/sr1");
}

TEST(DriveAddress, DeviceNodeMustStayUnderDev) {
    auto e = expect_error(ErrorCode::InvalidParam,
                          [] { (void)parse_drive_address("/dev/../etc/passwd"); });
    EXPECT_NE(e.message().find("'/dev/../etc/passwd'"), std::string::npos) << e.message();
    expect_error(ErrorCode::InvalidParam, [] { (void)parse_drive_address("/dev/"); });
}

TEST(DriveAddress, IscsiDefaultsToPort3260) {
    auto a = parse_drive_address("iscsi://127.0.0.1/iqn.2026-11.org.example:cd/1");
    EXPECT_EQ(a.kind, TransportKind::Iscsi);
    ASSERT_TRUE(a.iscsi.has_value());
    EXPECT_EQ(a.iscsi->host, "127.0.0.1");
    EXPECT_EQ(a.iscsi->port, 3260);
    EXPECT_EQ(a.iscsi->target, "iqn.2026-11.org.example:cd");
    EXPECT_EQ(a.iscsi->lun, 1);
    EXPECT_EQ(a.normalised, "iscsi://127.0.0.1:3260/iqn.2026-11.org.example:cd/1");
    EXPECT_TRUE(a.path.empty());
}

TEST(DriveAddress, IscsiExplicitPortAndEscapedTarget) {
    auto a = parse_drive_address("iscsi://storage.example:13260/iqn.2026-11.x%3Acd/0");
    ASSERT_TRUE(a.iscsi.has_value());
    EXPECT_EQ(a.iscsi->host, "storage.example");
    EXPECT_EQ(a.iscsi->port, 13260);
    EXPECT_EQ(a.iscsi->target, "iqn.2026-11.x:cd"); // libiscsi decodes %3A the same way
    EXPECT_EQ(a.iscsi->lun, 0);
    EXPECT_EQ(a.normalised, "iscsi://storage.example:13260/iqn.2026-11.x:cd/0");
}

TEST(DriveAddress, IscsiCredentialsStayOutOfTheNormalisedAddress) {
    auto a = parse_drive_address("iscsi://alice%s3cret@host/iqn.t/2");
    ASSERT_TRUE(a.iscsi.has_value());
    EXPECT_EQ(a.iscsi->user, "alice");
    EXPECT_EQ(a.iscsi->password, "s3cret");
    EXPECT_EQ(a.normalised, "iscsi://host:3260/iqn.t/2");
    EXPECT_EQ(a.normalised.find("s3cret"), std::string::npos);
}

TEST(DriveAddress, IscsiIpv6HostKeepsItsBrackets) {
    auto a = parse_drive_address("iscsi://[::1]:3261/iqn.t/3");
    ASSERT_TRUE(a.iscsi.has_value());
    EXPECT_EQ(a.iscsi->host, "::1");
    EXPECT_EQ(a.iscsi->port, 3261);
    EXPECT_EQ(a.normalised, "iscsi://[::1]:3261/iqn.t/3");
}

TEST(DriveAddress, NormalisedIscsiAddressParsesToItself) {
    for (const char* text :
         {"iscsi://h/iqn.t/1", "iscsi://[fe80::2]/iqn.t%25x/7", "iscsi://u%p@h:1/iqn.t/65535"}) {
        auto once = parse_drive_address(text);
        auto twice = parse_drive_address(once.normalised);
        EXPECT_EQ(twice.normalised, once.normalised) << text;
        EXPECT_EQ(twice.iscsi->target, once.iscsi->target) << text;
    }
}

TEST(DriveAddress, IscsiWithoutLunIsInvalid) {
    auto e = expect_error(ErrorCode::InvalidParam,
                          [] { (void)parse_drive_address("iscsi://host/iqn.t"); });
    EXPECT_NE(e.message().find("iscsi address lacks a LUN"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("'iscsi://host/iqn.t'"), std::string::npos) << e.message();
    EXPECT_EQ(e.context().drive, "iscsi://host/iqn.t");
    expect_error(ErrorCode::InvalidParam, [] { (void)parse_drive_address("iscsi://host/iqn.t/"); });
}

TEST(DriveAddress, MalformedIscsiAddressesNameTheFault) {
    struct Case {
        const char* address;
        const char* why;
    };
    for (const Case& c : {
             Case{"iscsi://host", "lacks a target name"},
             Case{"iscsi:///iqn.t/1", "lacks a host"},
             Case{"iscsi://host:0/iqn.t/1", "port '0'"},
             Case{"iscsi://host:99999/iqn.t/1", "port '99999'"},
             Case{"iscsi://host:x/iqn.t/1", "port 'x'"},
             Case{"iscsi://host:/iqn.t/1", "empty port"},
             Case{"iscsi://host/iqn.t/lun", "LUN 'lun'"},
             Case{"iscsi://host/iqn.t/70000", "LUN '70000'"},
             Case{"iscsi://host/a/b/1", "more than a target name and a LUN"},
             Case{"iscsi://host/iqn%zz/1", "invalid %-escape"},
             Case{"iscsi://host/iqn%4/1", "invalid %-escape"},
             Case{"iscsi://[::1/iqn.t/1", "lacks its ']'"},
             Case{"iscsi://@host/iqn.t/1", "empty user name"},
         }) {
        auto e =
            expect_error(ErrorCode::InvalidParam, [&] { (void)parse_drive_address(c.address); });
        EXPECT_NE(e.message().find(c.why), std::string::npos) << c.address << " -> " << e.message();
    }
}

TEST(DriveAddress, VirtualAndFilePathsBecomeAbsolute) {
    const auto cwd = std::filesystem::current_path();
    auto v = parse_drive_address("virtual:discs/../disc.img");
    EXPECT_EQ(v.kind, TransportKind::Virtual);
    EXPECT_EQ(v.path, (cwd / "disc.img").lexically_normal());
    EXPECT_EQ(v.normalised, "virtual:" + (cwd / "disc.img").lexically_normal().string());

    auto f = parse_drive_address("file:/tmp//stick.img");
    EXPECT_EQ(f.kind, TransportKind::File);
    EXPECT_EQ(f.path, std::filesystem::path("/tmp/stick.img"));
    EXPECT_EQ(f.normalised, "file:/tmp/stick.img");
}

TEST(DriveAddress, EmptyOrUnknownAddressesAreInvalid) {
    expect_error(ErrorCode::InvalidParam, [] { (void)parse_drive_address(""); });
    expect_error(ErrorCode::InvalidParam, [] { (void)parse_drive_address("virtual:"); });
    expect_error(ErrorCode::InvalidParam, [] { (void)parse_drive_address("file:"); });
    auto e = expect_error(ErrorCode::InvalidParam, [] { (void)parse_drive_address("sr0"); });
    EXPECT_NE(e.message().find("expected /dev/"), std::string::npos) << e.message();
}

TEST(DriveAddress, KindNames) {
    EXPECT_EQ(to_string(TransportKind::SgIo), "sg_io");
    EXPECT_EQ(to_string(TransportKind::Iscsi), "iscsi");
    EXPECT_EQ(to_string(TransportKind::Virtual), "virtual");
    EXPECT_EQ(to_string(TransportKind::File), "file");
}

} // namespace
} // namespace discwright::device
