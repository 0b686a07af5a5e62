// INQUIRY and GET CONFIGURATION replies: round trips, byte positions (SPC-4 6.4.2, MMC-6 6.6
// and 5.3), RT filtering, truncation and clamping, and every feature decoder.

#include <gtest/gtest.h>

#include "scsi/configuration.h"
#include "scsi/feature_descriptors.h"
#include "scsi/inquiry.h"
#include "scsi/reply_test_support.h"

namespace discwright::scsi {
namespace {

using test::byte_at;
using test::expect_error;

InquiryData sample_inquiry() {
    return {.peripheral_qualifier = 0,
            .peripheral_device_type = 5,
            .removable = true,
            .version = 6,
            .response_data_format = 2,
            .additional_length = 31,
            .vendor = "DWRIGHT",
            .product = "Virtual BD-RE",
            .revision = "1.0"};
}

TEST(InquiryReply, RoundTrips) {
    const auto data = sample_inquiry();
    EXPECT_EQ(decode_inquiry(encode_inquiry(data)), data);
}

TEST(InquiryReply, BytePositionsFollowSpc4) {
    const auto bytes = encode_inquiry(sample_inquiry());
    ASSERT_EQ(bytes.size(), 36u);
    EXPECT_EQ(byte_at(bytes, 0), 0x05); // qualifier 000b, device type 05h
    EXPECT_EQ(byte_at(bytes, 1), 0x80); // RMB
    EXPECT_EQ(byte_at(bytes, 2), 6);    // SPC-4
    EXPECT_EQ(byte_at(bytes, 3), 2);
    EXPECT_EQ(byte_at(bytes, 4), 31);  // additional length: bytes 5-35
    EXPECT_EQ(byte_at(bytes, 8), 'D'); // vendor at bytes 8-15, space padded
    EXPECT_EQ(byte_at(bytes, 15), ' ');
    EXPECT_EQ(byte_at(bytes, 16), 'V'); // product at bytes 16-31
    EXPECT_EQ(byte_at(bytes, 32), '1'); // revision at bytes 32-35
    EXPECT_EQ(reported_inquiry_length(bytes), 36u);
}

TEST(InquiryReply, TruncatedReplyKeepsWhatArrived) {
    const auto bytes = encode_inquiry(sample_inquiry());
    test::expect_every_truncation_decodes(bytes, inquiry_header_size,
                                          [](auto b) { return decode_inquiry(b); });
    const auto cut = decode_inquiry(std::span(bytes).first(20));
    EXPECT_EQ(cut.vendor, "DWRIGHT");
    EXPECT_EQ(cut.product, "Virt");
    EXPECT_EQ(cut.revision, "");
    EXPECT_EQ(cut.peripheral_device_type, 5);
}

TEST(InquiryReply, AdditionalLengthBoundsTheIdentifiers) {
    auto bytes = encode_inquiry(sample_inquiry());
    test::set_byte(bytes, 4, 7); // claims bytes 5-11 only
    const auto d = decode_inquiry(bytes);
    EXPECT_EQ(d.vendor, "DWRI");
    EXPECT_EQ(d.product, "");
}

TEST(InquiryReply, OverlongIdentifierIsRejected) {
    auto data = sample_inquiry();
    data.vendor = "NINECHARS";
    expect_error(ErrorCode::InvalidParam, [&] { (void)encode_inquiry(data); });
}

Configuration sample_configuration() {
    const ProfileDescriptor profiles[] = {{Profile::BdRe, true}, {Profile::DvdPlusRw, false}};
    Configuration c;
    c.current_profile = Profile::BdRe;
    c.features = {
        make_profile_list(profiles),
        make_feature(CoreFeature{.physical_interface_standard = 7, .inq2 = true, .dbe = true}),
        make_feature(RandomReadableFeature{2048, 32, true}, FeatureStatus::Current),
        make_feature(RandomWritableFeature{12'219'391, 2048, 32, true}, FeatureStatus::Current),
        make_feature(FeatureCode::RestrictedOverwrite, FeatureStatus::NotCurrent),
        make_feature(CdMasteringFeature{.buf = true,
                                        .sao = true,
                                        .raw_ms = false,
                                        .raw = true,
                                        .test_write = true,
                                        .cd_rw = true,
                                        .rw = false,
                                        .maximum_cue_sheet_length = 0x012345},
                     FeatureStatus::NotCurrent),
    };
    return c;
}

TEST(ConfigurationReply, RoundTrips) {
    const auto c = sample_configuration();
    EXPECT_EQ(decode_configuration(encode_configuration(c)), c);
}

TEST(ConfigurationReply, BytePositionsFollowMmc6) {
    const auto bytes = encode_configuration(sample_configuration());
    EXPECT_EQ(reported_configuration_length(bytes), bytes.size()); // bytes 0-3 + 4
    EXPECT_EQ(byte_at(bytes, 6), 0x00);                            // current profile 0043h
    EXPECT_EQ(byte_at(bytes, 7), 0x43);
    // Profile List at byte 8: code 0000h, version 0, persistent and current, 2 descriptors.
    EXPECT_EQ(byte_at(bytes, 8), 0x00);
    EXPECT_EQ(byte_at(bytes, 9), 0x00);
    EXPECT_EQ(byte_at(bytes, 10), 0x03);
    EXPECT_EQ(byte_at(bytes, 11), 8);
    EXPECT_EQ(byte_at(bytes, 13), 0x43); // BD-RE
    EXPECT_EQ(byte_at(bytes, 14), 0x01); // CurrentP
    EXPECT_EQ(byte_at(bytes, 17), 0x1A); // DVD+RW
    EXPECT_EQ(byte_at(bytes, 18), 0x00);
    // Core at byte 20: version 2, persistent, current; physical interface 7 at bytes 4-7.
    EXPECT_EQ(byte_at(bytes, 21), 0x01);
    EXPECT_EQ(byte_at(bytes, 22), (2 << 2) | 0x03);
    EXPECT_EQ(byte_at(bytes, 23), 8);
    EXPECT_EQ(byte_at(bytes, 27), 7);
    EXPECT_EQ(byte_at(bytes, 28), 0x03); // INQ2, DBE
}

TEST(ConfigurationReply, RequestTypeSelectsFeatures) {
    const auto c = sample_configuration();
    const auto current = decode_configuration(
        encode_configuration(c, ConfigurationRequest::Current, FeatureCode::ProfileList));
    ASSERT_EQ(current.features.size(), 4u);
    for (const auto& f : current.features)
        EXPECT_TRUE(f.current) << to_string(f.code);

    const auto one = decode_configuration(
        encode_configuration(c, ConfigurationRequest::One, FeatureCode::RandomWritable));
    ASSERT_EQ(one.features.size(), 1u);
    EXPECT_EQ(one.features[0].code, FeatureCode::RandomWritable);
    EXPECT_EQ(one.current_profile, Profile::BdRe);

    const auto none = encode_configuration(c, ConfigurationRequest::One, FeatureCode::BdWrite);
    EXPECT_EQ(none.size(), 8u); // header only
    EXPECT_EQ(reported_configuration_length(none), 8u);

    const auto from = decode_configuration(
        encode_configuration(c, ConfigurationRequest::All, FeatureCode::RandomWritable));
    ASSERT_EQ(from.features.size(), 3u);
    EXPECT_EQ(from.features[0].code, FeatureCode::RandomWritable);
}

TEST(ConfigurationReply, DescriptorsAreSortedByCode) {
    Configuration c;
    c.features = {make_feature(TimeoutFeature{true, 512}), make_feature(CoreFeature{})};
    const auto d = decode_configuration(encode_configuration(c));
    ASSERT_EQ(d.features.size(), 2u);
    EXPECT_EQ(d.features[0].code, FeatureCode::Core);
    EXPECT_EQ(d.features[1].code, FeatureCode::Timeout);
}

TEST(ConfigurationReply, TruncationDropsOnlyThePartialDescriptor) {
    const auto c = sample_configuration();
    const auto bytes = encode_configuration(c);
    test::expect_every_truncation_decodes(bytes, 8, [](auto b) { return decode_configuration(b); });
    // Profile List is bytes 8-19, Core 20-31: 31 bytes hold one complete descriptor.
    const auto cut = decode_configuration(std::span(bytes).first(31));
    ASSERT_EQ(cut.features.size(), 1u);
    EXPECT_EQ(cut.features[0], c.features[0]);
    EXPECT_EQ(decode_configuration(std::span(bytes).first(32)).features.size(), 2u);
}

TEST(ConfigurationReply, ReportedLengthIsClampedToWhatArrived) {
    auto bytes = encode_configuration(sample_configuration());
    const auto expected = decode_configuration(bytes);
    test::set_byte(bytes, 0, 0x7F); // data length far beyond the bytes received
    EXPECT_EQ(decode_configuration(bytes), expected);
    // A shorter data length hides the descriptors past it.
    test::set_byte(bytes, 0, 0);
    test::set_byte(bytes, 1, 0);
    test::set_byte(bytes, 2, 0);
    test::set_byte(bytes, 3, 4 + 12);
    EXPECT_EQ(decode_configuration(bytes).features.size(), 1u);
}

TEST(ConfigurationReply, OversizedFeatureDataIsRejected) {
    Configuration c;
    c.features.push_back({FeatureCode::Core, 0, false, true, std::vector<std::byte>(256)});
    expect_error(ErrorCode::InvalidParam, [&] { (void)encode_configuration(c); });
}

TEST(FeatureDescriptors, ProfileListRoundTrips) {
    const std::vector<ProfileDescriptor> profiles = {
        {Profile::BdRe, false}, {Profile::DvdPlusR, true}, {Profile::CdRw, false}};
    const auto f = make_profile_list(profiles);
    EXPECT_TRUE(f.persistent);
    EXPECT_TRUE(f.current);
    EXPECT_EQ(f.data.size(), 12u);
    EXPECT_EQ(decode_profile_list(f), profiles);
}

template <class T, class Decode>
void expect_feature_round_trip(const T& value, FeatureStatus status, Decode decode) {
    const auto f = make_feature(value, status);
    EXPECT_EQ(f.data.size() % 4, 0u) << to_string(f.code); // MMC-6 5.2.4
    EXPECT_EQ(decode(f), value) << to_string(f.code);
    // Through the whole reply too.
    Configuration c;
    c.features = {f};
    const auto back = decode_configuration(encode_configuration(c));
    ASSERT_EQ(back.features.size(), 1u);
    EXPECT_EQ(decode(back.features[0]), value);
    EXPECT_EQ(back.features[0].current, status != FeatureStatus::NotCurrent);
    EXPECT_EQ(back.features[0].persistent, status == FeatureStatus::Persistent);
}

TEST(FeatureDescriptors, EveryFeatureRoundTrips) {
    const auto cur = FeatureStatus::Current;
    expect_feature_round_trip(CoreFeature{8, true, false}, FeatureStatus::Persistent,
                              decode_core_feature);
    expect_feature_round_trip(MorphingFeature{true, true}, FeatureStatus::Persistent,
                              decode_morphing_feature);
    expect_feature_round_trip(RemovableMediumFeature{.loading_mechanism_type = 1,
                                                     .load = true,
                                                     .eject = true,
                                                     .prevent_jumper = false,
                                                     .dbml = true,
                                                     .lock = true},
                              FeatureStatus::Persistent, decode_removable_medium_feature);
    expect_feature_round_trip(RandomReadableFeature{2048, 16, true}, cur,
                              decode_random_readable_feature);
    expect_feature_round_trip(RandomWritableFeature{2'295'103, 2048, 16, true}, cur,
                              decode_random_writable_feature);
    expect_feature_round_trip(
        IncrementalStreamingWritableFeature{0x4F03, true, true, true, {1, 7, 16}}, cur,
        decode_incremental_streaming_writable_feature);
    expect_feature_round_trip(FormattableFeature{true, true, false, true, true, true},
                              FeatureStatus::NotCurrent, decode_formattable_feature);
    expect_feature_round_trip(WriteOnceFeature{2048, 32, true}, cur, decode_write_once_feature);
    expect_feature_round_trip(CdTrackAtOnceFeature{true, true, false, true, true, true, 0x1FF3},
                              cur, decode_cd_track_at_once_feature);
    expect_feature_round_trip(
        CdMasteringFeature{true, true, true, true, false, true, true, 0xABCDEF}, cur,
        decode_cd_mastering_feature);
    expect_feature_round_trip(DvdDashRRwWriteFeature{true, true, true, false}, cur,
                              decode_dvd_dash_r_rw_write_feature);
    expect_feature_round_trip(DvdPlusRwFeature{true, true, false}, cur, decode_dvd_plus_rw_feature);
    expect_feature_round_trip(DvdPlusRFeature{true}, cur, decode_dvd_plus_r_feature);
    expect_feature_round_trip(DvdPlusRDualLayerFeature{true}, cur,
                              decode_dvd_plus_r_dual_layer_feature);
    expect_feature_round_trip(BdWriteFeature{true, {0x0006, 0, 0, 1}, {0x0002, 0, 0x8000, 0}}, cur,
                              decode_bd_write_feature);
    expect_feature_round_trip(RealTimeStreamingFeature{true, true, false, true, true, true}, cur,
                              decode_real_time_streaming_feature);
    expect_feature_round_trip(DriveSerialNumberFeature{"DW0000042"}, FeatureStatus::Persistent,
                              decode_drive_serial_number_feature);
    expect_feature_round_trip(TimeoutFeature{true, 512}, FeatureStatus::Persistent,
                              decode_timeout_feature);
    expect_feature_round_trip(LayerJumpRecordingFeature{{16, 32, 64, 128, 1}}, cur,
                              decode_layer_jump_recording_feature);
}

TEST(FeatureDescriptors, BytePositionsFollowMmc6) {
    // Random Writable: last LBA at descriptor bytes 4-7, block size 8-11, blocking 12-13.
    const auto rw = encode_feature_descriptor(
        make_feature(RandomWritableFeature{0x01020304, 2048, 16, true}, FeatureStatus::Current));
    ASSERT_EQ(rw.size(), 16u);
    EXPECT_EQ(byte_at(rw, 1), 0x20);
    EXPECT_EQ(byte_at(rw, 3), 12);
    EXPECT_EQ(byte_at(rw, 4), 0x01);
    EXPECT_EQ(byte_at(rw, 7), 0x04);
    EXPECT_EQ(byte_at(rw, 10), 0x08); // 2048
    EXPECT_EQ(byte_at(rw, 13), 16);
    EXPECT_EQ(byte_at(rw, 14), 0x01); // PP
    // CD Mastering: SAO byte 4 bit 5, maximum cue sheet length bytes 5-7.
    const auto cm = encode_feature_descriptor(
        make_feature(CdMasteringFeature{false, true, false, false, false, false, false, 0x0A0B0C},
                     FeatureStatus::Current));
    EXPECT_EQ(byte_at(cm, 4), 0x20);
    EXPECT_EQ(byte_at(cm, 5), 0x0A);
    EXPECT_EQ(byte_at(cm, 7), 0x0C);
    // BD Write: class 0 BD-RE bitmap at bytes 8-9, class 0 BD-R at 16-17.
    const auto bd = encode_feature_descriptor(make_feature(
        BdWriteFeature{false, {0x0102, 0, 0, 0}, {0x0304, 0, 0, 0}}, FeatureStatus::Current));
    ASSERT_EQ(bd.size(), 24u);
    EXPECT_EQ(byte_at(bd, 8), 0x01);
    EXPECT_EQ(byte_at(bd, 9), 0x02);
    EXPECT_EQ(byte_at(bd, 16), 0x03);
    EXPECT_EQ(byte_at(bd, 17), 0x04);
    // Incremental Streaming: one link size pads the descriptor to 12 bytes (8 of data).
    const auto inc = encode_feature_descriptor(
        make_feature(IncrementalStreamingWritableFeature{0x0001, false, false, true, {7}},
                     FeatureStatus::Current));
    ASSERT_EQ(inc.size(), 12u);
    EXPECT_EQ(byte_at(inc, 6), 0x01); // BUF
    EXPECT_EQ(byte_at(inc, 7), 1);    // number of link sizes
    EXPECT_EQ(byte_at(inc, 8), 7);
}

TEST(FeatureDescriptors, ShortDataReadsAsZeroAndLinkSizesAreBounded) {
    FeatureDescriptor f{FeatureCode::IncrementalStreamingWritable, 0, false, true, {}};
    f.data = {std::byte{0x00}, std::byte{0x01}, std::byte{0x01}, std::byte{200}, std::byte{7}};
    const auto d = decode_incremental_streaming_writable_feature(f);
    EXPECT_EQ(d.data_block_types_supported, 1);
    EXPECT_TRUE(d.buf);
    EXPECT_EQ(d.link_sizes, std::vector<u8>{7}); // 200 claimed, one present
    FeatureDescriptor core{FeatureCode::Core, 0, true, true, {std::byte{0}, std::byte{0}}};
    EXPECT_EQ(decode_core_feature(core), CoreFeature{});
}

TEST(FeatureDescriptors, DecodingAnotherFeatureIsRejected) {
    const auto f = make_feature(CoreFeature{});
    expect_error(ErrorCode::InvalidParam, [&] { (void)decode_timeout_feature(f); });
}

TEST(MmcNames, NamedAndUnnamedCodes) {
    EXPECT_EQ(to_string(Profile::BdRSequential), "BD-R SRM");
    EXPECT_EQ(to_string(static_cast<Profile>(0x1234)), "profile 0x1234");
    EXPECT_EQ(to_string(FeatureCode::RandomWritable), "Random Writable");
    EXPECT_EQ(to_string(static_cast<FeatureCode>(0x0777)), "feature 0x0777");
    EXPECT_EQ(to_string(ModePageCode::WriteParameters), "Write Parameters");
    EXPECT_EQ(to_string(static_cast<ModePageCode>(0x22)), "mode page 0x22");
}

} // namespace
} // namespace discwright::scsi
