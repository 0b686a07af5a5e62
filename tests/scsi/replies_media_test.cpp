// Replies about the medium: disc and track information (MMC-6 6.22, 6.27), READ TOC/PMA/ATIP
// (6.26), READ CAPACITY and READ FORMAT CAPACITIES (6.19, 6.24), READ BUFFER CAPACITY (6.18),
// GET EVENT STATUS NOTIFICATION (6.7) and READ DISC STRUCTURE (6.23).

#include <gtest/gtest.h>

#include "scsi/buffer_capacity.h"
#include "scsi/capacity.h"
#include "scsi/disc_information.h"
#include "scsi/disc_structure.h"
#include "scsi/event_status.h"
#include "scsi/reply_test_support.h"
#include "scsi/toc.h"
#include "scsi/track_information.h"

namespace discwright::scsi {
namespace {

using test::byte_at;
using test::expect_error;
using test::set_byte;

DiscInformation sample_disc_information() {
    DiscInformation d;
    d.erasable = true;
    d.last_session_state = SessionState::Incomplete;
    d.disc_status = DiscStatus::Incomplete;
    d.first_track_on_disc = 1;
    d.number_of_sessions = 0x0102;
    d.first_track_in_last_session = 0x0203;
    d.last_track_in_last_session = 0x0304;
    d.uru = true;
    d.bg_format_status = BackgroundFormatStatus::InProgress;
    d.disc_type = DiscType::CdRomXa;
    d.disc_identification = 0xDEADBEEF;
    d.last_session_lead_in_start_address = address_field_from_msf({97, 26, 66});
    d.last_possible_lead_out_start_address = address_field_from_msf({79, 59, 74});
    d.disc_bar_code = std::array<u8, 8>{1, 2, 3, 4, 5, 6, 7, 8};
    d.disc_application_code = 0x55;
    d.opc_table = {{0x1B90, {1, 2, 3, 4, 5, 6}}};
    return d;
}

TEST(DiscInformationReply, RoundTrips) {
    const auto d = sample_disc_information();
    EXPECT_EQ(decode_disc_information(encode_disc_information(d)), d);
    const DiscInformation blank;
    EXPECT_EQ(decode_disc_information(encode_disc_information(blank)), blank);
}

TEST(DiscInformationReply, BytePositionsFollowMmc6) {
    const auto bytes = encode_disc_information(sample_disc_information());
    ASSERT_EQ(bytes.size(), 34u + 8);
    EXPECT_EQ(reported_disc_information_length(bytes), 42u);
    EXPECT_EQ(byte_at(bytes, 1), 40);                 // disc information length
    EXPECT_EQ(byte_at(bytes, 2), 0x10 | 0x04 | 0x01); // erasable, incomplete session/disc
    EXPECT_EQ(byte_at(bytes, 4), 0x02);               // sessions LSB
    EXPECT_EQ(byte_at(bytes, 9), 0x01);               // sessions MSB
    EXPECT_EQ(byte_at(bytes, 6), 0x04);               // last track LSB
    EXPECT_EQ(byte_at(bytes, 11), 0x03);              // last track MSB
    EXPECT_EQ(byte_at(bytes, 7), 0x80 | 0x40 | 0x20 | 0x10 | 0x02); // DID_V DBC_V URU DAC_V BG
    EXPECT_EQ(byte_at(bytes, 8), 0x20);                             // CD-ROM XA
    EXPECT_EQ(byte_at(bytes, 12), 0xDE);                            // disc identification
    EXPECT_EQ(byte_at(bytes, 17), 97);                              // lead-in start as 00h M S F
    EXPECT_EQ(byte_at(bytes, 23), 74);                              // lead-out start frame
    EXPECT_EQ(byte_at(bytes, 24), 1);                               // bar code bytes 24-31
    EXPECT_EQ(byte_at(bytes, 32), 0x55);                            // application code
    EXPECT_EQ(byte_at(bytes, 33), 1);                               // OPC tables
    EXPECT_EQ(byte_at(bytes, 34), 0x1B);
}

TEST(DiscInformationReply, MsfHelpers) {
    const auto d = sample_disc_information();
    EXPECT_EQ(d.last_possible_lead_out_start_msf(), (Msf{79, 59, 74}));
    EXPECT_EQ(d.last_possible_lead_out_start_msf().to_lba(), 359'849);
    EXPECT_EQ(d.last_session_lead_in_start_msf(), (Msf{97, 26, 66}));
}

TEST(DiscInformationReply, TruncationDropsFieldsThatDidNotArrive) {
    const auto bytes = encode_disc_information(sample_disc_information());
    test::expect_every_truncation_decodes(bytes, 2,
                                          [](auto b) { return decode_disc_information(b); });
    const auto cut = decode_disc_information(std::span(bytes).first(14));
    EXPECT_EQ(cut.disc_status, DiscStatus::Incomplete);
    EXPECT_EQ(cut.number_of_sessions, 0x0102);
    EXPECT_FALSE(cut.disc_identification); // DID_V set, bytes 12-15 not all there
    EXPECT_FALSE(cut.disc_bar_code);
    EXPECT_TRUE(decode_disc_information(std::span(bytes).first(16)).disc_identification);
    EXPECT_TRUE(decode_disc_information(std::span(bytes).first(34)).opc_table.empty());
}

TEST(DiscInformationReply, ReportedLengthIsClamped) {
    auto bytes = encode_disc_information(sample_disc_information());
    const auto expected = decode_disc_information(bytes);
    set_byte(bytes, 0, 0xFF);
    EXPECT_EQ(decode_disc_information(bytes), expected);
    set_byte(bytes, 0, 0);
    set_byte(bytes, 1, 32); // 34 bytes: the OPC table is past the claimed length
    EXPECT_TRUE(decode_disc_information(bytes).opc_table.empty());
}

TEST(DiscInformationReply, OtherDataTypeIsRejected) {
    auto bytes = encode_disc_information(sample_disc_information());
    set_byte(bytes, 2, 0x20); // data type 001b: track resources
    expect_error(ErrorCode::InvalidResponseFromDevice,
                 [&] { (void)decode_disc_information(bytes); });
}

TrackInformation sample_track() {
    TrackInformation t;
    t.track_number = 0x0105;
    t.session_number = 0x0203;
    t.ljrs = 2;
    t.damage = false;
    t.copy = true;
    t.track_mode = 7;
    t.rt = false;
    t.blank = true;
    t.packet_inc = true;
    t.fp = true;
    t.data_mode = 1;
    t.track_start_address = 0x00001000;
    t.next_writable_address = 0x00001010;
    t.free_blocks = 2'000'000;
    t.fixed_packet_size = 16;
    t.track_size = 2'295'104;
    t.last_recorded_address = 0x0000100F;
    t.read_compatibility_lba = 0x00002000;
    t.next_layer_jump_address = 5;
    t.last_layer_jump_address = 6;
    return t;
}

TEST(TrackInformationReply, RoundTrips) {
    const auto t = sample_track();
    EXPECT_EQ(decode_track_information(encode_track_information(t)), t);
    TrackInformation no_nwa = t;
    no_nwa.next_writable_address.reset();
    no_nwa.last_recorded_address.reset();
    EXPECT_EQ(decode_track_information(encode_track_information(no_nwa)), no_nwa);
}

TEST(TrackInformationReply, BytePositionsFollowMmc6) {
    const auto bytes = encode_track_information(sample_track());
    ASSERT_EQ(bytes.size(), 48u);
    EXPECT_EQ(byte_at(bytes, 1), 46);
    EXPECT_EQ(byte_at(bytes, 2), 0x05);               // track number LSB
    EXPECT_EQ(byte_at(bytes, 32), 0x01);              // track number MSB
    EXPECT_EQ(byte_at(bytes, 3), 0x03);               // session LSB
    EXPECT_EQ(byte_at(bytes, 33), 0x02);              // session MSB
    EXPECT_EQ(byte_at(bytes, 5), 0x80 | 0x10 | 0x07); // LJRS 10b, copy, track mode 7
    EXPECT_EQ(byte_at(bytes, 6), 0x40 | 0x20 | 0x10 | 0x01);
    EXPECT_EQ(byte_at(bytes, 7), 0x03);  // LRA_V, NWA_V
    EXPECT_EQ(byte_at(bytes, 10), 0x10); // track start 1000h at bytes 8-11
    EXPECT_EQ(byte_at(bytes, 15), 0x10); // NWA 1010h at bytes 12-15
    EXPECT_EQ(byte_at(bytes, 23), 16);   // fixed packet size
    EXPECT_EQ(byte_at(bytes, 31), 0x0F); // LRA at bytes 28-31
    EXPECT_EQ(byte_at(bytes, 38), 0x20); // read compatibility LBA at bytes 36-39
}

TEST(TrackInformationReply, OldShortBlockLosesOnlyLaterFields) {
    auto bytes = encode_track_information(sample_track());
    test::expect_every_truncation_decodes(bytes, 2,
                                          [](auto b) { return decode_track_information(b); });
    // A 28-byte block (data length 26) as MMC-1 drives send it.
    set_byte(bytes, 1, 26);
    const auto t = decode_track_information(bytes);
    EXPECT_EQ(t.next_writable_address, 0x1010u);
    EXPECT_EQ(t.track_size, 2'295'104u);
    EXPECT_FALSE(t.last_recorded_address); // LRA_V set, bytes 28-31 not sent
    EXPECT_EQ(t.track_number, 0x05);       // no MSB byte
    EXPECT_EQ(t.read_compatibility_lba, 0u);
    set_byte(bytes, 1, 0xFF); // longer than received: clamped
    EXPECT_EQ(decode_track_information(bytes), sample_track());
}

TEST(TocReply, FormattedTocRoundTripsInBothAddressings) {
    Toc lba{.addressing = TocAddressing::Lba, .first_track = 1, .last_track = 2, .entries = {}};
    lba.entries = {{1, 4, 1, toc_address_field(0, TocAddressing::Lba)},
                   {1, 4, 2, toc_address_field(12345, TocAddressing::Lba)},
                   {1, 4, 0xAA, toc_address_field(20000, TocAddressing::Lba)}};
    EXPECT_EQ(decode_toc(encode_toc(lba), TocAddressing::Lba), lba);
    Toc msf = lba;
    msf.addressing = TocAddressing::Msf;
    for (auto& e : msf.entries)
        e.address = toc_address_field(e.lba(TocAddressing::Lba), TocAddressing::Msf);
    const auto back = decode_toc(encode_toc(msf), TocAddressing::Msf);
    EXPECT_EQ(back, msf);
    EXPECT_EQ(back.entries[1].lba(back.addressing), 12345);
    EXPECT_EQ(back.entries[0].address, 0x00000200u); // 00:02:00
}

TEST(TocReply, FormattedTocBytePositions) {
    Toc t{.addressing = TocAddressing::Lba, .first_track = 1, .last_track = 1, .entries = {}};
    t.entries = {{1, 4, 1, 0}, {1, 6, 0xAA, toc_address_field(-150, TocAddressing::Lba)}};
    const auto bytes = encode_toc(t);
    ASSERT_EQ(bytes.size(), 4u + 16);
    EXPECT_EQ(byte_at(bytes, 1), 18);   // TOC data length
    EXPECT_EQ(byte_at(bytes, 2), 1);    // first track
    EXPECT_EQ(byte_at(bytes, 5), 0x14); // ADR 1, CONTROL 4
    EXPECT_EQ(byte_at(bytes, 6), 1);
    EXPECT_EQ(byte_at(bytes, 13), 0x16);
    EXPECT_EQ(byte_at(bytes, 14), 0xAA);
    EXPECT_EQ(byte_at(bytes, 16), 0xFF); // -150 in two's complement at bytes 4-7
    EXPECT_EQ(byte_at(bytes, 19), 0x6A);
    EXPECT_EQ(decode_toc(bytes).entries[1].lba(TocAddressing::Lba), -150);
}

TEST(TocReply, SessionInfoAndFullTocRoundTrip) {
    const SessionInfo s{TocAddressing::Lba, 1, 2, {1, 4, 3, 30000}};
    const auto sbytes = encode_session_info(s);
    EXPECT_EQ(sbytes.size(), 12u);
    EXPECT_EQ(byte_at(sbytes, 3), 2);
    EXPECT_EQ(decode_session_info(sbytes), s);

    FullToc f{.first_complete_session = 1, .last_complete_session = 1, .entries = {}};
    f.entries = {{1, 1, 4, 0, 0xA0, 0, 0, 0, 0, 1, 0x20, 0},
                 {1, 5, 4, 0, 0xB0, 0x21, 0x12, 0x40, 3, 0x4F, 0x3B, 0x4A}};
    const auto fbytes = encode_full_toc(f);
    ASSERT_EQ(fbytes.size(), 4u + 22);
    EXPECT_EQ(byte_at(fbytes, 1), 24);
    EXPECT_EQ(byte_at(fbytes, 4 + 11 + 1), 0x54);  // ADR 5, CONTROL 4
    EXPECT_EQ(byte_at(fbytes, 4 + 11 + 3), 0xB0);  // POINT
    EXPECT_EQ(byte_at(fbytes, 4 + 11 + 7), 3);     // ZERO byte carries the B0 count
    EXPECT_EQ(byte_at(fbytes, 4 + 11 + 10), 0x4A); // PFRAME
    EXPECT_EQ(decode_full_toc(fbytes), f);
}

TEST(TocReply, AtipRoundTripsWithBytePositions) {
    const Atip a{.indicative_target_writing_power = 5,
                 .ddcd = false,
                 .reference_speed = 2,
                 .uru = true,
                 .cd_rw = true,
                 .disc_sub_type = 2,
                 .a1_valid = true,
                 .a2_valid = false,
                 .a3_valid = true,
                 .start_time_of_lead_in = {97, 26, 66},
                 .last_possible_start_time_of_lead_out = {79, 59, 74},
                 .a1_values = {1, 2, 3},
                 .a2_values = {},
                 .a3_values = {7, 8, 9}};
    const auto bytes = encode_atip(a);
    ASSERT_EQ(bytes.size(), 28u);
    EXPECT_EQ(byte_at(bytes, 1), 26);
    EXPECT_EQ(byte_at(bytes, 4), 0x52);                             // ITWP 5, reference speed 2
    EXPECT_EQ(byte_at(bytes, 5), 0x40);                             // URU
    EXPECT_EQ(byte_at(bytes, 6), 0x80 | 0x40 | 0x10 | 0x04 | 0x01); // 1, CD-RW, sub-type 2, A1 A3
    EXPECT_EQ(byte_at(bytes, 8), 97);
    EXPECT_EQ(byte_at(bytes, 14), 74);
    EXPECT_EQ(byte_at(bytes, 24), 7);
    EXPECT_EQ(decode_atip(bytes), a);
}

TEST(TocReply, TruncationAndClamp) {
    Toc t{.addressing = TocAddressing::Lba, .first_track = 1, .last_track = 3, .entries = {}};
    t.entries = {{1, 4, 1, 0}, {1, 4, 2, 100}, {1, 4, 3, 200}};
    auto bytes = encode_toc(t);
    auto decode = [](auto b) { return decode_toc(b); };
    test::expect_every_truncation_decodes(bytes, 4, decode);
    EXPECT_EQ(decode_toc(std::span(bytes).first(4 + 15)).entries.size(), 1u);
    set_byte(bytes, 0, 0x40);
    EXPECT_EQ(decode_toc(bytes), t);
    test::expect_every_truncation_decodes(encode_atip({}), 4,
                                          [](auto b) { return decode_atip(b); });
    test::expect_every_truncation_decodes(encode_session_info({}), 4,
                                          [](auto b) { return decode_session_info(b); });
    test::expect_every_truncation_decodes(encode_full_toc({1, 1, {{}, {}}}), 4,
                                          [](auto b) { return decode_full_toc(b); });
}

TEST(CapacityReply, ReadCapacity) {
    const Capacity c{2'295'103, 2048};
    const auto bytes = encode_capacity(c);
    ASSERT_EQ(bytes.size(), 8u);
    EXPECT_EQ(byte_at(bytes, 1), 0x23); // 2'295'103 = 0023 053Fh
    EXPECT_EQ(byte_at(bytes, 3), 0x3F);
    EXPECT_EQ(byte_at(bytes, 6), 0x08);
    EXPECT_EQ(decode_capacity(bytes), c);
    test::expect_every_truncation_decodes(bytes, 8, [](auto b) { return decode_capacity(b); });
}

TEST(CapacityReply, FormatCapacities) {
    FormatCapacities f;
    f.current = CurrentCapacityDescriptor{12'219'392, CapacityDescriptorType::Formatted, 2048};
    f.formattable = {{11'826'176, 0x30, 0x3000}, {12'219'392, 0x31, 0}};
    const auto bytes = encode_format_capacities(f);
    ASSERT_EQ(bytes.size(), 4u + 24);
    EXPECT_EQ(reported_format_capacities_length(bytes), 28u);
    EXPECT_EQ(byte_at(bytes, 3), 24);         // capacity list length
    EXPECT_EQ(byte_at(bytes, 8), 0x02);       // formatted media
    EXPECT_EQ(byte_at(bytes, 10), 0x08);      // block length 2048 at bytes 9-11 (5-7)
    EXPECT_EQ(byte_at(bytes, 16), 0x30 << 2); // format type 30h at bits 7-2
    EXPECT_EQ(byte_at(bytes, 18), 0x30);      // type dependent parameter 3000h
    EXPECT_EQ(decode_format_capacities(bytes), f);
    auto clamped = bytes;
    set_byte(clamped, 3, 0xF8);
    EXPECT_EQ(decode_format_capacities(clamped), f);
    test::expect_every_truncation_decodes(bytes, 4,
                                          [](auto b) { return decode_format_capacities(b); });
    EXPECT_FALSE(decode_format_capacities(std::span(bytes).first(11)).current);
    EXPECT_EQ(decode_format_capacities(std::span(bytes).first(27)).formattable.size(), 1u);
}

TEST(BufferCapacityReply, BytesAndBlocks) {
    const BufferCapacity b{0x00188000, 0x00100000};
    const auto bytes = encode_buffer_capacity(b);
    ASSERT_EQ(bytes.size(), 12u);
    EXPECT_EQ(byte_at(bytes, 1), 10);
    EXPECT_EQ(byte_at(bytes, 5), 0x18); // length of buffer at bytes 4-7
    EXPECT_EQ(byte_at(bytes, 9), 0x10); // blank length at bytes 8-11
    EXPECT_EQ(decode_buffer_capacity(bytes), b);
    const BufferCapacityBlocks k{0x1234};
    const auto kbytes = encode_buffer_capacity_blocks(k);
    EXPECT_EQ(byte_at(kbytes, 3), 0x01); // Block bit
    EXPECT_EQ(byte_at(kbytes, 10), 0x12);
    EXPECT_EQ(decode_buffer_capacity_blocks(kbytes), k);
    test::expect_every_truncation_decodes(bytes, 2,
                                          [](auto r) { return decode_buffer_capacity(r); });
    EXPECT_EQ(decode_buffer_capacity(std::span(bytes).first(8)).length_of_buffer, 0x00188000u);
    EXPECT_EQ(decode_buffer_capacity(std::span(bytes).first(8)).blank_length_of_buffer, 0u);
}

TEST(EventStatusReply, MediaEvent) {
    EventStatus s;
    s.notification_class = NotificationClass::Media;
    s.supported_event_classes = 0x12; // operational change and media
    s.media = MediaEvent{MediaEventCode::NewMedia, true, false, 0, 0};
    const auto bytes = encode_event_status(s);
    ASSERT_EQ(bytes.size(), 8u);
    EXPECT_EQ(byte_at(bytes, 1), 6);    // event data length
    EXPECT_EQ(byte_at(bytes, 2), 0x04); // class 4
    EXPECT_EQ(byte_at(bytes, 3), 0x12);
    EXPECT_EQ(byte_at(bytes, 4), 0x02); // NewMedia
    EXPECT_EQ(byte_at(bytes, 5), 0x02); // media present
    EXPECT_EQ(decode_event_status(bytes), s);
    test::expect_every_truncation_decodes(bytes, 4, [](auto b) { return decode_event_status(b); });
    EXPECT_FALSE(decode_event_status(std::span(bytes).first(7)).media);
}

TEST(EventStatusReply, OperationalChangeNeaAndOtherClasses) {
    EventStatus op;
    op.notification_class = NotificationClass::OperationalChange;
    op.operational_change = OperationalChangeEvent{2, true, 1, 0x0002};
    const auto bytes = encode_event_status(op);
    EXPECT_EQ(byte_at(bytes, 5), 0x81);
    EXPECT_EQ(byte_at(bytes, 7), 0x02);
    EXPECT_EQ(decode_event_status(bytes), op);

    EventStatus nea;
    nea.nea = true;
    nea.notification_class = NotificationClass::Media;
    const auto nbytes = encode_event_status(nea);
    ASSERT_EQ(nbytes.size(), 4u);
    EXPECT_EQ(byte_at(nbytes, 1), 2);
    EXPECT_EQ(byte_at(nbytes, 2), 0x84);
    EXPECT_EQ(decode_event_status(nbytes), nea);

    EventStatus busy;
    busy.notification_class = NotificationClass::DeviceBusy;
    busy.other_event = {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
    EXPECT_EQ(decode_event_status(encode_event_status(busy)), busy);
}

TEST(DiscStructureReply, DvdPhysicalFormat) {
    const DvdPhysicalFormat f{.book_type = 0xA,
                              .part_version = 1,
                              .disc_size = 0,
                              .maximum_rate = 0xF,
                              .number_of_layers = 2,
                              .opposite_track_path = true,
                              .layer_type = 2,
                              .linear_density = 0,
                              .track_density = 0,
                              .starting_physical_sector = 0x030000,
                              .end_physical_sector = 0xFC9F7F,
                              .end_sector_in_layer0 = 0x1B44DF,
                              .bca = true};
    const auto structure = encode_dvd_physical_format(f);
    EXPECT_EQ(structure.data.size(), 2048u);
    const auto bytes = encode_disc_structure(structure);
    ASSERT_EQ(bytes.size(), 2052u);
    EXPECT_EQ(reported_disc_structure_length(bytes), 2052u);
    EXPECT_EQ(byte_at(bytes, 0), 0x08); // 0802h
    EXPECT_EQ(byte_at(bytes, 1), 0x02);
    EXPECT_EQ(byte_at(bytes, 4), 0xA1); // DVD+R, version 1
    EXPECT_EQ(byte_at(bytes, 5), 0x0F);
    EXPECT_EQ(byte_at(bytes, 6), 0x20 | 0x10 | 0x02); // two layers, OTP, recordable
    EXPECT_EQ(byte_at(bytes, 8), 0x00);               // byte 4 of the structure is zero
    EXPECT_EQ(byte_at(bytes, 9), 0x03);               // starting sector 030000h
    EXPECT_EQ(byte_at(bytes, 20), 0x80);              // BCA
    const auto back = decode_disc_structure(bytes);
    EXPECT_EQ(back, structure);
    EXPECT_EQ(decode_dvd_physical_format(back.data), f);
    test::expect_every_truncation_decodes(std::vector(bytes.begin(), bytes.begin() + 40), 4,
                                          [](auto b) { return decode_disc_structure(b); });
    // A cut reply keeps what arrived; the rest of the format reads as zero.
    const auto cut = decode_disc_structure(std::span(bytes).first(12));
    EXPECT_EQ(cut.data.size(), 8u);
    EXPECT_EQ(decode_dvd_physical_format(cut.data).end_physical_sector, 0u);
    EXPECT_EQ(decode_dvd_physical_format(cut.data).starting_physical_sector, 0x030000u);
}

TEST(DiscStructureReply, BdDiscInformation) {
    const BdDiscInformation di{.di_format = 1,
                               .units_per_block = 1,
                               .layer = 0,
                               .sequence_number = 0,
                               .bytes_in_use = 0x64,
                               .disc_type_identifier = "BDW",
                               .disc_size = 0,
                               .disc_class = 0,
                               .disc_version = 2,
                               .number_of_layers = 2,
                               .channel_bit_length = 1};
    const auto structure = encode_bd_disc_information(di);
    ASSERT_EQ(structure.data.size(), bd_disc_information_unit_size);
    EXPECT_EQ(static_cast<u8>(structure.data[0]), 'D');
    EXPECT_EQ(static_cast<u8>(structure.data[8]), 'B');
    EXPECT_EQ(static_cast<u8>(structure.data[11]), 0x02);
    EXPECT_EQ(static_cast<u8>(structure.data[12]), 0x20);
    EXPECT_EQ(decode_bd_disc_information(structure.data), di);
    expect_error(ErrorCode::InvalidResponseFromDevice,
                 [] { (void)decode_bd_disc_information(std::vector<std::byte>(4)); });
}

} // namespace
} // namespace discwright::scsi
