// MODE SENSE/SELECT(10) parameter lists with pages 01h, 05h and 2Ah, and the GET PERFORMANCE /
// SET STREAMING data: round trips, byte positions (SPC-4 7.5, MMC-6 7.3, 7.5, MMC-3 6.3.11,
// MMC-6 6.8), truncation and clamping.

#include <gtest/gtest.h>

#include "scsi/mode_pages.h"
#include "scsi/performance.h"
#include "scsi/reply_test_support.h"

namespace discwright::scsi {
namespace {

using test::byte_at;
using test::expect_error;

WriteParametersPage sample_write_parameters() {
    WriteParametersPage p;
    p.bufe = true;
    p.test_write = true;
    p.write_type = WriteType::SessionAtOnce;
    p.multi_session = MultiSession::NextSessionAllowed;
    p.fp = false;
    p.copy = true;
    p.track_mode = 5;
    p.data_block_type = 10;
    p.link_size = 7;
    p.ls_v = true;
    p.host_application_code = 0x2A;
    p.session_format = 0x20;
    p.packet_size = 0x01020304;
    p.audio_pause_length = 150;
    p.media_catalog_number[0] = 0x80;
    p.isrc[15] = 0x42;
    p.subheader = {1, 2, 3, 4};
    return p;
}

CapabilitiesPage sample_capabilities() {
    CapabilitiesPage c;
    c.dvd_r_read = c.dvd_rom_read = c.cd_rw_read = c.cd_r_read = true;
    c.dvd_r_write = c.test_write = c.cd_r_write = true;
    c.buf = c.multi_session = c.mode2_form1 = true;
    c.isrc = c.cdda_commands = true;
    c.loading_mechanism_type = 1;
    c.eject = c.lock = true;
    c.separate_volume_levels = true;
    c.max_read_speed = 8467;
    c.number_of_volume_levels = 256;
    c.buffer_size = 2048;
    c.current_read_speed = 7056;
    c.max_write_speed = 7056;
    c.current_write_speed = 5645;
    c.copy_management_revision = 1;
    c.rotation_control_selected = RotationControl::Cav;
    c.current_write_speed_selected = 5645;
    c.write_speeds = {{RotationControl::Cav, 7056}, {RotationControl::Clv, 5645}};
    return c;
}

ErrorRecoveryPage sample_error_recovery() {
    return {.awre = true,
            .arre = false,
            .tb = true,
            .rc = false,
            .per = true,
            .dte = false,
            .dcr = true,
            .read_retry_count = 3,
            .write_retry_count = 5,
            .recovery_time_limit = 0x1234};
}

ModeParameters sample_parameters() {
    ModeParameters p;
    p.write_protected = true;
    p.pages = {encode_mode_page(sample_error_recovery()),
               encode_mode_page(sample_write_parameters()),
               encode_mode_page(sample_capabilities())};
    p.pages[1].ps = true;
    p.pages.push_back(
        {static_cast<ModePageCode>(0x1A), false, u8{0x01}, {std::byte{9}, std::byte{8}}});
    return p;
}

TEST(ModeParameters, RoundTrip) {
    const auto p = sample_parameters();
    EXPECT_EQ(decode_mode_parameters(encode_mode_parameters(p)), p);
}

TEST(ModeParameters, PagesRoundTrip) {
    EXPECT_EQ(decode_error_recovery_page(encode_mode_page(sample_error_recovery())),
              sample_error_recovery());
    EXPECT_EQ(decode_write_parameters_page(encode_mode_page(sample_write_parameters())),
              sample_write_parameters());
    EXPECT_EQ(decode_capabilities_page(encode_mode_page(sample_capabilities())),
              sample_capabilities());
}

TEST(ModeParameters, HeaderBytePositionsFollowSpc4) {
    const auto bytes = encode_mode_parameters(sample_parameters());
    EXPECT_EQ(reported_mode_parameters_length(bytes), bytes.size()); // bytes 0-1 + 2
    EXPECT_EQ(byte_at(bytes, 3), 0x80);                              // WP
    EXPECT_EQ(byte_at(bytes, 7), 0);                                 // no block descriptors
    EXPECT_EQ(byte_at(bytes, 8), 0x01);                              // page 01h, PS 0
    EXPECT_EQ(byte_at(bytes, 9), 0x0A);                              // MMC-6 7.3 length
    EXPECT_EQ(byte_at(bytes, 20), 0x85);                             // PS + page 05h
    EXPECT_EQ(byte_at(bytes, 21), 0x32);                             // MMC-6 7.5 length
}

TEST(ModeParameters, ModeSelectZeroesReservedFields) {
    const auto bytes = encode_mode_parameters(sample_parameters(), ModeParameterUse::ModeSelect);
    EXPECT_EQ(byte_at(bytes, 0), 0); // mode data length is reserved in MODE SELECT
    EXPECT_EQ(byte_at(bytes, 1), 0);
    EXPECT_EQ(byte_at(bytes, 20), 0x05); // PS is reserved
    // The page list is unchanged otherwise; a subpage keeps SPF.
    const auto sub = std::span(bytes).last(6);
    EXPECT_EQ(static_cast<u8>(sub[0]), 0x40 | 0x1A);
    EXPECT_EQ(static_cast<u8>(sub[1]), 0x01);
    EXPECT_EQ(static_cast<u8>(sub[3]), 2);
}

TEST(ModeParameters, WriteParametersBytePositionsFollowMmc6) {
    const auto bytes = encode_mode_page(encode_mode_page(sample_write_parameters()));
    ASSERT_EQ(bytes.size(), 52u);
    EXPECT_EQ(byte_at(bytes, 2), 0x40 | 0x20 | 0x10 | 0x02); // BUFE, LS_V, test write, SAO
    EXPECT_EQ(byte_at(bytes, 3), 0xC0 | 0x10 | 0x05);        // multi-session 11b, copy, mode 5
    EXPECT_EQ(byte_at(bytes, 4), 10);                        // data block type
    EXPECT_EQ(byte_at(bytes, 5), 7);                         // link size
    EXPECT_EQ(byte_at(bytes, 7), 0x2A);                      // host application code
    EXPECT_EQ(byte_at(bytes, 8), 0x20);                      // session format CD-ROM XA
    EXPECT_EQ(byte_at(bytes, 10), 0x01);                     // packet size bytes 10-13
    EXPECT_EQ(byte_at(bytes, 13), 0x04);
    EXPECT_EQ(byte_at(bytes, 15), 150);  // audio pause length
    EXPECT_EQ(byte_at(bytes, 16), 0x80); // MCVAL
    EXPECT_EQ(byte_at(bytes, 47), 0x42); // ISRC ends at byte 47
    EXPECT_EQ(byte_at(bytes, 48), 1);    // subheader bytes 48-51
}

TEST(ModeParameters, CapabilitiesBytePositionsFollowMmc3) {
    const auto bytes = encode_mode_page(encode_mode_page(sample_capabilities()));
    ASSERT_EQ(bytes.size(), 32u + 2 * 4);
    EXPECT_EQ(byte_at(bytes, 0), 0x2A);
    EXPECT_EQ(byte_at(bytes, 1), 30 + 8);
    EXPECT_EQ(byte_at(bytes, 2), 0x1B);  // DVD-R, DVD-ROM, CD-RW, CD-R read
    EXPECT_EQ(byte_at(bytes, 3), 0x15);  // DVD-R write, test write, CD-R write
    EXPECT_EQ(byte_at(bytes, 6), 0x29);  // tray (001b), eject, lock
    EXPECT_EQ(byte_at(bytes, 12), 0x08); // buffer size 2048 KiB at bytes 12-13
    EXPECT_EQ(byte_at(bytes, 27), 1);    // rotation control selected: CAV
    EXPECT_EQ(byte_at(bytes, 31), 2);    // two descriptors
    EXPECT_EQ(byte_at(bytes, 33), 1);    // first: CAV
    EXPECT_EQ(byte_at(bytes, 34), 0x1B); // 7056 = 1B90h
    EXPECT_EQ(byte_at(bytes, 35), 0x90);
}

TEST(ModeParameters, ShortOldPageReadsMissingFieldsAsZero) {
    // An MMC-2 drive's page 2Ah is 0x18 bytes long and has no write speed descriptors.
    auto page = encode_mode_page(sample_capabilities());
    page.data.resize(0x18);
    const auto c = decode_capabilities_page(page);
    EXPECT_TRUE(c.cd_r_write);
    EXPECT_EQ(c.buffer_size, 2048);
    EXPECT_EQ(c.current_write_speed_selected, 0);
    EXPECT_TRUE(c.write_speeds.empty());
}

TEST(ModeParameters, DescriptorCountBeyondThePageIsBounded) {
    auto page = encode_mode_page(sample_capabilities());
    page.data[29] = std::byte{0xFF}; // count 255, two present
    EXPECT_EQ(decode_capabilities_page(page).write_speeds.size(), 2u);
}

TEST(ModeParameters, TruncationAndClamp) {
    auto bytes = encode_mode_parameters(sample_parameters());
    test::expect_every_truncation_decodes(bytes, 8,
                                          [](auto b) { return decode_mode_parameters(b); });
    // The first page is bytes 8-19: 19 bytes hold no complete page, 20 hold one.
    EXPECT_TRUE(decode_mode_parameters(std::span(bytes).first(19)).pages.empty());
    EXPECT_EQ(decode_mode_parameters(std::span(bytes).first(20)).pages.size(), 1u);
    const auto expected = decode_mode_parameters(bytes);
    test::set_byte(bytes, 0, 0xFF);
    EXPECT_EQ(decode_mode_parameters(bytes), expected);
}

TEST(ModeParameters, BlockDescriptorsAreSkippedByTheirLength) {
    ModeParameters p;
    p.block_descriptors = std::vector<std::byte>(8, std::byte{0xEE});
    p.pages = {encode_mode_page(sample_error_recovery())};
    const auto bytes = encode_mode_parameters(p);
    EXPECT_EQ(byte_at(bytes, 7), 8);
    EXPECT_EQ(decode_mode_parameters(bytes), p);
}

TEST(ModeParameters, SinglePageBytes) {
    const auto page = encode_mode_page(sample_write_parameters());
    const auto bytes = encode_mode_page(page);
    EXPECT_EQ(decode_mode_page(bytes), page);
    const auto cut = decode_mode_page(std::span(bytes).first(10));
    EXPECT_EQ(cut.data.size(), 8u);
    expect_error(ErrorCode::InvalidParam,
                 [&] { (void)decode_mode_page(std::span(bytes).first(1)); });
}

TEST(ModeParameters, DecodingAnotherPageIsRejected) {
    const auto page = encode_mode_page(sample_error_recovery());
    expect_error(ErrorCode::InvalidParam, [&] { (void)decode_write_parameters_page(page); });
}

TEST(PerformanceReply, NominalAndExceptionsRoundTrip) {
    Performance nominal;
    nominal.write = true;
    nominal.nominal = {{0, 5540, 2295103, 11080}, {2295104, 11080, 4173823, 16620}};
    EXPECT_EQ(decode_performance(encode_performance(nominal)), nominal);
    Performance except;
    except.except = true;
    except.exceptions = {{1000, 25}, {200000, 4}};
    const auto bytes = encode_performance(except);
    EXPECT_EQ(bytes.size(), 8u + 12);
    EXPECT_EQ(byte_at(bytes, 4), 0x01); // Except
    EXPECT_EQ(decode_performance(bytes), except);
}

TEST(PerformanceReply, NominalBytePositionsFollowMmc6) {
    Performance p;
    p.write = true;
    p.nominal = {{0x01020304, 0x0A0B0C0D, 0x11121314, 0x1A1B1C1D}};
    const auto bytes = encode_performance(p);
    ASSERT_EQ(bytes.size(), 24u);
    EXPECT_EQ(byte_at(bytes, 3), 20); // performance data length: bytes 4-23
    EXPECT_EQ(byte_at(bytes, 4), 0x02);
    EXPECT_EQ(byte_at(bytes, 8), 0x01);  // start LBA
    EXPECT_EQ(byte_at(bytes, 12), 0x0A); // start performance
    EXPECT_EQ(byte_at(bytes, 16), 0x11); // end LBA
    EXPECT_EQ(byte_at(bytes, 23), 0x1D); // end performance
}

TEST(PerformanceReply, WriteSpeedsRoundTripWithBytePositions) {
    const std::vector<WriteSpeedPerformance> speeds = {
        {RotationControl::Cav, false, true, false, 2295103, 22160, 22160},
        {RotationControl::Clv, true, false, true, 2295103, 11080, 5540}};
    const auto bytes = encode_write_speed_performance(speeds);
    ASSERT_EQ(bytes.size(), 8u + 32);
    EXPECT_EQ(reported_performance_length(bytes), 40u);
    EXPECT_EQ(byte_at(bytes, 8), 0x08 | 0x02);  // WRC 01b at bits 4-3, Exact
    EXPECT_EQ(byte_at(bytes, 24), 0x04 | 0x01); // RDD, MRW
    EXPECT_EQ(byte_at(bytes, 8 + 14), 0x56);    // write speed 22160 = 5690h at bytes 12-15
    EXPECT_EQ(byte_at(bytes, 8 + 15), 0x90);
    EXPECT_EQ(decode_write_speed_performance(bytes), speeds);
}

TEST(PerformanceReply, TruncationAndClamp) {
    const std::vector<WriteSpeedPerformance> speeds(
        3, {RotationControl::Clv, false, false, false, 1, 2, 3});
    auto bytes = encode_write_speed_performance(speeds);
    test::expect_every_truncation_decodes(bytes, 8,
                                          [](auto b) { return decode_write_speed_performance(b); });
    EXPECT_EQ(decode_write_speed_performance(std::span(bytes).first(8 + 31)).size(), 1u);
    test::set_byte(bytes, 0, 0x10); // claims 256 MiB
    EXPECT_EQ(decode_write_speed_performance(bytes), speeds);
    test::set_byte(bytes, 0, 0);
    test::set_byte(bytes, 3, 4 + 16); // claims one descriptor
    EXPECT_EQ(decode_write_speed_performance(bytes).size(), 1u);
    Performance p;
    p.nominal = {{1, 2, 3, 4}};
    test::expect_every_truncation_decodes(encode_performance(p), 8,
                                          [](auto b) { return decode_performance(b); });
}

TEST(StreamingPerformance, RoundTripAndBytePositions) {
    const StreamingPerformance s{.wrc = RotationControl::Cav,
                                 .rdd = false,
                                 .exact = true,
                                 .ra = true,
                                 .start_lba = 0,
                                 .end_lba = 0x00230000,
                                 .read_size = 11080,
                                 .read_time = 1000,
                                 .write_size = 0x0A0B0C0D,
                                 .write_time = 1000};
    const auto bytes = encode_streaming_performance(s);
    ASSERT_EQ(bytes.size(), 28u);
    EXPECT_EQ(byte_at(bytes, 0), 0x08 | 0x02 | 0x01);
    EXPECT_EQ(byte_at(bytes, 9), 0x23);  // end LBA bytes 8-11
    EXPECT_EQ(byte_at(bytes, 20), 0x0A); // write size bytes 20-23
    EXPECT_EQ(byte_at(bytes, 27), 0xE8); // write time 1000 = 3E8h
    EXPECT_EQ(decode_streaming_performance(bytes), s);
    expect_error(ErrorCode::InvalidParam,
                 [&] { (void)decode_streaming_performance(std::span(bytes).first(27)); });
}

} // namespace
} // namespace discwright::scsi
