#include <array>
#include <cstddef>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scsi/commands.h"
#include "support/expect_error.h"

namespace discwright::scsi {
namespace {

using test::expect_error;

std::vector<u8> bytes_of(const Cdb& cdb) {
    std::vector<u8> v;
    for (auto b : cdb.view())
        v.push_back(static_cast<u8>(b));
    return v;
}

Cdb raw(std::initializer_list<u8> bytes, DataDirection dir = DataDirection::None, u32 len = 0) {
    std::vector<std::byte> b;
    for (auto x : bytes)
        b.push_back(static_cast<std::byte>(x));
    return Cdb::from_bytes(b, dir, len);
}

template <class Fields, class Build, class Parse>
void expect_round_trip(const Fields& f, Build build, Parse parse) {
    const Cdb cdb = build(f);
    EXPECT_EQ(parse(cdb), f) << "opcode 0x" << std::hex << int{cdb.opcode()};
}

// ---- round trips -------------------------------------------------------------------------

TEST(Commands, IdentificationCommandsRoundTrip) {
    expect_round_trip(InquiryCdb{.evpd = true, .page_code = 0x80, .allocation_length = 0x1234},
                      inquiry, parse_inquiry);
    expect_round_trip(TestUnitReadyCdb{}, test_unit_ready, parse_test_unit_ready);
    expect_round_trip(RequestSenseCdb{.desc = true, .allocation_length = 252}, request_sense,
                      parse_request_sense);
    expect_round_trip(GetConfigurationCdb{.request = ConfigurationRequest::One,
                                          .starting_feature = FeatureCode::BdWrite,
                                          .allocation_length = 65530},
                      get_configuration, parse_get_configuration);
    expect_round_trip(GetPerformanceCdb{.data_type = 0x04,
                                        .starting_lba = 0x01020304,
                                        .maximum_descriptors = 7,
                                        .type = PerformanceType::WriteSpeed},
                      get_performance, parse_get_performance);
    expect_round_trip(ModeSense10Cdb{.llbaa = true,
                                     .dbd = false,
                                     .page_control = ModePageControl::Saved,
                                     .page_code = ModePageCode::CapabilitiesAndMechanicalStatus,
                                     .subpage_code = 0xFF,
                                     .allocation_length = 300},
                      mode_sense10, parse_mode_sense10);
    expect_round_trip(ModeSelect10Cdb{.pf = true, .sp = true, .parameter_list_length = 60},
                      mode_select10, parse_mode_select10);
    expect_round_trip(GetEventStatusNotificationCdb{.polled = true,
                                                    .notification_class_request = 0x12,
                                                    .allocation_length = 16},
                      get_event_status_notification, parse_get_event_status_notification);
    expect_round_trip(MechanismStatusCdb{.allocation_length = 264}, mechanism_status,
                      parse_mechanism_status);
}

TEST(Commands, MediaInformationCommandsRoundTrip) {
    expect_round_trip(
        ReadDiscInformationCdb{.type = DiscInformationType::PowResources, .allocation_length = 40},
        read_disc_information, parse_read_disc_information);
    expect_round_trip(ReadTrackInformationCdb{.type = TrackAddressType::Track,
                                              .open = true,
                                              .address = 0xFF,
                                              .allocation_length = 52},
                      read_track_information, parse_read_track_information);
    expect_round_trip(ReadTocCdb{.msf = true,
                                 .format = TocFormat::Atip,
                                 .track_session_number = 3,
                                 .allocation_length = 28},
                      read_toc, parse_read_toc);
    expect_round_trip(ReadCapacityCdb{}, read_capacity, parse_read_capacity);
    expect_round_trip(ReadFormatCapacitiesCdb{.allocation_length = 0xFFFC}, read_format_capacities,
                      parse_read_format_capacities);
    expect_round_trip(ReadBufferCapacityCdb{.block = true, .allocation_length = 12},
                      read_buffer_capacity, parse_read_buffer_capacity);
    expect_round_trip(ReadDiscStructureCdb{.media_type = DiscStructureMedia::Bd,
                                           .address = 0x00ABCDEF,
                                           .layer_number = 1,
                                           .format_code = 0x0A,
                                           .allocation_length = 2052,
                                           .agid = 3},
                      read_disc_structure, parse_read_disc_structure);
    expect_round_trip(SendDiscStructureCdb{.media_type = DiscStructureMedia::Dvd,
                                           .format_code = 0x05,
                                           .parameter_list_length = 8,
                                           .agid = 2},
                      send_disc_structure, parse_send_disc_structure);
}

TEST(Commands, ControlCommandsRoundTrip) {
    for (bool persistent : {false, true})
        for (bool prevent : {false, true})
            expect_round_trip(
                PreventAllowMediumRemovalCdb{.persistent = persistent, .prevent = prevent},
                prevent_allow_medium_removal, parse_prevent_allow_medium_removal);
    for (auto action : {StartStopAction::Stop, StartStopAction::Start, StartStopAction::Eject,
                        StartStopAction::Load})
        expect_round_trip(StartStopUnitCdb{.immed = true, .power_conditions = 0, .action = action},
                          start_stop_unit, parse_start_stop_unit);
    expect_round_trip(
        StartStopUnitCdb{.immed = false, .power_conditions = 0x3, .action = StartStopAction::Stop},
        start_stop_unit, parse_start_stop_unit);
    expect_round_trip(SetCdSpeedCdb{.rotation_control = RotationControl::Cav,
                                    .read_speed = 7056,
                                    .write_speed = 1764},
                      set_cd_speed, parse_set_cd_speed);
}

TEST(Commands, WriteCommandsRoundTrip) {
    expect_round_trip(SetStreamingCdb{.type = StreamingType::DefectiveBlockInformationCacheZone,
                                      .parameter_list_length = 512},
                      set_streaming, parse_set_streaming);
    expect_round_trip(ReserveTrackCdb{.rmz = false, .arsv = false, .reservation_size = 0x123456},
                      reserve_track, parse_reserve_track);
    expect_round_trip(ReserveTrackCdb{.rmz = true, .arsv = true, .lba = 0x89ABCDEF}, reserve_track,
                      parse_reserve_track);
    expect_round_trip(SendCueSheetCdb{.cue_sheet_size = 0xABCDEF}, send_cue_sheet,
                      parse_send_cue_sheet);
    expect_round_trip(Write10Cdb{.fua = true, .lba = 0xFFFFFFFF, .blocks = 16, .block_size = 2048},
                      write10, parse_write10);
    expect_round_trip(Write10Cdb{.fua = false, .lba = 150, .blocks = 27, .block_size = 2352},
                      write10, parse_write10);
    expect_round_trip(Write10Cdb{.lba = 9, .blocks = 0}, write10, parse_write10);
    expect_round_trip(
        Write12Cdb{.fua = true, .lba = 1, .blocks = 0x10000, .streaming = true, .block_size = 2048},
        write12, parse_write12);
    for (u8 f = 0; f <= 6; ++f)
        expect_round_trip(CloseTrackSessionCdb{.immed = f % 2 == 0,
                                               .function = static_cast<CloseFunction>(f),
                                               .track_session_number = 0x1234},
                          close_track_session, parse_close_track_session);
    expect_round_trip(SynchronizeCacheCdb{.immed = true, .lba = 77, .blocks = 3}, synchronize_cache,
                      parse_synchronize_cache);
    for (u8 t = 0; t <= 6; ++t)
        expect_round_trip(BlankCdb{.immed = t % 2 == 1,
                                   .type = static_cast<BlankingType>(t),
                                   .start_address = 1000u + t},
                          blank, parse_blank);
    expect_round_trip(FormatUnitCdb{.fmt_data = true, .cmplst = true, .format_code = 1},
                      format_unit, parse_format_unit);
    expect_round_trip(FormatUnitCdb{.fmt_data = false, .cmplst = false, .format_code = 1},
                      format_unit, parse_format_unit);
}

TEST(Commands, ReadCommandsRoundTrip) {
    expect_round_trip(Read10Cdb{.fua = true, .lba = 0x00112233, .blocks = 32, .block_size = 2048},
                      read10, parse_read10);
    expect_round_trip(
        Read12Cdb{.fua = false, .lba = 5, .blocks = 100000, .streaming = true, .block_size = 2048},
        read12, parse_read12);
    expect_round_trip(Verify10Cdb{.lba = 0xDEADBEEF, .blocks = 0xFFFF}, verify10, parse_verify10);
    expect_round_trip(ReadCdCdb{.sector_type = ReadCdSectorType::Mode2Form2,
                                .dap = true,
                                .lba = 4500,
                                .blocks = 0x1000,
                                .sync = true,
                                .headers = ReadCdHeaders::All,
                                .user_data = true,
                                .edc_ecc = true,
                                .c2 = ReadCdC2::ErrorBitsAndBlockErrorByte,
                                .sub_channel = ReadCdSubChannel::Rw},
                      read_cd, parse_read_cd);
}

TEST(Commands, FormatParametersRoundTrip) {
    const FormatParameters p{.fov = true,
                             .dcrt = true,
                             .immed = true,
                             .descriptor = {.number_of_blocks = 12219392,
                                            .format_type = 0x31,
                                            .format_subtype = 0x3,
                                            .type_dependent_parameter = 0x000800}};
    const auto bytes = encode_format_parameters(p);
    ASSERT_EQ(bytes.size(), format_parameters_size);
    EXPECT_EQ(decode_format_parameters(bytes), p);
}

// ---- byte positions ----------------------------------------------------------------------

TEST(Commands, ReadTrackInformationBytes) {
    // MMC-6 6.27.1: byte 1 Open (bit 2) and Address/Number Type (bits 1-0), bytes 2-5 the
    // address, bytes 7-8 the allocation length.
    const auto cdb = read_track_information({.type = TrackAddressType::Track,
                                             .open = true,
                                             .address = 0x01020304,
                                             .allocation_length = 48});
    EXPECT_EQ(bytes_of(cdb),
              (std::vector<u8>{0x52, 0x05, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x30, 0x00}));
    EXPECT_EQ(cdb.direction, DataDirection::FromDevice);
    EXPECT_EQ(cdb.transfer_length, 48u);
}

TEST(Commands, Write10BytesAndTransferLength) {
    // MMC-6 6.44.1: FUA is byte 1 bit 3, LBA bytes 2-5, transfer length (blocks) bytes 7-8.
    const auto cdb =
        write10({.fua = true, .lba = 0x00A0B0C0, .blocks = 0x0102, .block_size = 2048});
    EXPECT_EQ(bytes_of(cdb),
              (std::vector<u8>{0x2A, 0x08, 0x00, 0xA0, 0xB0, 0xC0, 0x00, 0x01, 0x02, 0x00}));
    EXPECT_EQ(cdb.direction, DataDirection::ToDevice);
    EXPECT_EQ(cdb.transfer_length, 0x0102u * 2048);
}

TEST(Commands, Write12StreamingBit) {
    // MMC-6 6.45.1: transfer length in bytes 6-9, Streaming is byte 10 bit 7.
    const auto cdb = write12({.lba = 1, .blocks = 0x01000000, .streaming = true, .block_size = 16});
    EXPECT_EQ(bytes_of(cdb), (std::vector<u8>{0xAA, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00,
                                              0x00, 0x80, 0x00}));
    EXPECT_EQ(cdb.transfer_length, 0x10000000u);
}

TEST(Commands, GetConfigurationAndModeSenseBytes) {
    // MMC-6 6.6.1: RT in byte 1 bits 1-0, starting feature bytes 2-3, allocation bytes 7-8.
    EXPECT_EQ(bytes_of(get_configuration({.request = ConfigurationRequest::Current,
                                          .starting_feature = FeatureCode::RandomWritable,
                                          .allocation_length = 0x0208})),
              (std::vector<u8>{0x46, 0x01, 0x00, 0x20, 0, 0, 0, 0x02, 0x08, 0}));
    // MMC-6 6.13.1: DBD byte 1 bit 3; PC byte 2 bits 7-6 with the page code in bits 5-0.
    EXPECT_EQ(bytes_of(mode_sense10({.dbd = true,
                                     .page_control = ModePageControl::Changeable,
                                     .page_code = ModePageCode::WriteParameters,
                                     .allocation_length = 60})),
              (std::vector<u8>{0x5A, 0x08, 0x45, 0x00, 0, 0, 0, 0x00, 0x3C, 0}));
}

TEST(Commands, ReadCdBytes) {
    // MMC-6 6.20.1: Expected Sector Type byte 1 bits 4-2, transfer length bytes 6-8, byte 9
    // F8h selects sync, all headers, user data and EDC/ECC, byte 10 the sub-channel.
    const auto cdb = read_cd({.sector_type = ReadCdSectorType::Mode1,
                              .lba = 0x10,
                              .blocks = 0x020304,
                              .sync = true,
                              .headers = ReadCdHeaders::All,
                              .user_data = true,
                              .edc_ecc = true,
                              .sub_channel = ReadCdSubChannel::Raw});
    EXPECT_EQ(bytes_of(cdb), (std::vector<u8>{0xBE, 0x08, 0x00, 0x00, 0x00, 0x10, 0x02, 0x03, 0x04,
                                              0xF8, 0x01, 0x00}));
    EXPECT_EQ(cdb.transfer_length, 0x020304u * (2352 + 96));
}

TEST(Commands, ControlBytes) {
    // MMC-6 6.40.1: byte 4 LoEj (bit 1) and Start (bit 0); eject is LoEj 1 Start 0.
    EXPECT_EQ(bytes_of(start_stop_unit({.immed = true, .action = StartStopAction::Eject})),
              (std::vector<u8>{0x1B, 0x01, 0x00, 0x00, 0x02, 0x00}));
    EXPECT_EQ(bytes_of(start_stop_unit({.action = StartStopAction::Load})),
              (std::vector<u8>{0x1B, 0x00, 0x00, 0x00, 0x03, 0x00}));
    // MMC-6 6.14.1: byte 4 Persistent (bit 1), Prevent (bit 0).
    EXPECT_EQ(bytes_of(prevent_allow_medium_removal({.persistent = true, .prevent = true})),
              (std::vector<u8>{0x1E, 0, 0, 0, 0x03, 0}));
    // MMC-6 6.37.1: read speed bytes 2-3, write speed bytes 4-5, FFFFh = maximum.
    EXPECT_EQ(bytes_of(set_cd_speed({.read_speed = max_speed, .write_speed = 0x0B06})),
              (std::vector<u8>{0xBB, 0, 0xFF, 0xFF, 0x0B, 0x06, 0, 0, 0, 0, 0, 0}));
}

TEST(Commands, RecordingControlBytes) {
    // MMC-6 6.3.1: Immed byte 1 bit 0, Close Function byte 2, number bytes 4-5.
    EXPECT_EQ(
        bytes_of(close_track_session(
            {.immed = true, .function = CloseFunction::CloseSession, .track_session_number = 0})),
        (std::vector<u8>{0x5B, 0x01, 0x02, 0, 0, 0, 0, 0, 0, 0}));
    // MMC-6 6.2.1: Immed byte 1 bit 4 above the Blanking Type.
    EXPECT_EQ(bytes_of(blank({.immed = true, .type = BlankingType::Track, .start_address = 2})),
              (std::vector<u8>{0xA1, 0x12, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0}));
    // MMC-6 6.31.1: ARSV 0 puts the reservation size in bytes 5-8, ARSV 1 the LBA in 2-5.
    EXPECT_EQ(bytes_of(reserve_track({.reservation_size = 0x01020304})),
              (std::vector<u8>{0x53, 0x00, 0, 0, 0, 0x01, 0x02, 0x03, 0x04, 0}));
    EXPECT_EQ(bytes_of(reserve_track({.arsv = true, .lba = 0x01020304})),
              (std::vector<u8>{0x53, 0x01, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0}));
    // MMC-6 6.33.1: the cue sheet size is 24 bits in bytes 6-8.
    const auto cue = send_cue_sheet({.cue_sheet_size = 0x000108});
    EXPECT_EQ(bytes_of(cue), (std::vector<u8>{0x5D, 0, 0, 0, 0, 0, 0x00, 0x01, 0x08, 0}));
    EXPECT_EQ(cue.direction, DataDirection::ToDevice);
    EXPECT_EQ(cue.transfer_length, 0x108u);
    // MMC-6 6.39.1: Type byte 8, parameter list length bytes 9-10.
    EXPECT_EQ(bytes_of(set_streaming({.parameter_list_length = 28})),
              (std::vector<u8>{0xB6, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x1C, 0}));
}

TEST(Commands, FormatUnitBytes) {
    // MMC-6 6.5.1: FmtData byte 1 bit 4, Format Code 001b.
    const auto cdb = format_unit();
    EXPECT_EQ(bytes_of(cdb), (std::vector<u8>{0x04, 0x11, 0, 0, 0, 0}));
    EXPECT_EQ(cdb.direction, DataDirection::ToDevice);
    EXPECT_EQ(cdb.transfer_length, 12u);
    // MMC-6 6.5.3.2: header byte 1 FOV (bit 7) and Immed (bit 1), descriptor length 8;
    // 6.5.3.3: number of blocks, format type in bits 7-2 of byte 4, 24-bit parameter.
    const auto p = encode_format_parameters({.fov = true,
                                             .immed = true,
                                             .descriptor = {.number_of_blocks = 0x00231260,
                                                            .format_type = 0x26,
                                                            .type_dependent_parameter = 0}});
    std::vector<u8> got;
    for (auto b : p)
        got.push_back(static_cast<u8>(b));
    EXPECT_EQ(got, (std::vector<u8>{0x00, 0x82, 0x00, 0x08, 0x00, 0x23, 0x12, 0x60, 0x98, 0x00,
                                    0x00, 0x00}));
}

TEST(Commands, GetPerformanceTransferLength) {
    // MMC-6 6.8.2: an 8-byte header, then 16-byte write speed descriptors.
    const auto cdb = get_performance(
        {.data_type = 0, .maximum_descriptors = 10, .type = PerformanceType::WriteSpeed});
    EXPECT_EQ(cdb.transfer_length, 8u + 10 * 16);
    EXPECT_EQ(cdb.byte(10), 0x03);
    EXPECT_EQ(cdb.byte(9), 10);
}

TEST(Commands, AllocationLengthIsTheTransferLength) {
    const auto cdb = read_disc_information();
    EXPECT_EQ(cdb.length, 10);
    EXPECT_EQ(cdb.direction, DataDirection::FromDevice);
    EXPECT_EQ(cdb.transfer_length, 34u);
    EXPECT_EQ(inquiry().length, 6);
    EXPECT_EQ(test_unit_ready().direction, DataDirection::None);
    EXPECT_EQ(test_unit_ready().transfer_length, 0u);
    EXPECT_EQ(read_capacity().transfer_length, 8u);
}

// ---- READ CD sector sizes ----------------------------------------------------------------

TEST(ReadCd, SectorSizesFollowTheSelection) {
    const ReadCdCdb user{.user_data = true};
    EXPECT_EQ(read_cd_sector_size(user, ReadCdSectorType::Mode1), 2048u);
    EXPECT_EQ(read_cd_sector_size(user, ReadCdSectorType::Mode2Formless), 2336u);
    EXPECT_EQ(read_cd_sector_size(user, ReadCdSectorType::Mode2Form1), 2048u);
    EXPECT_EQ(read_cd_sector_size(user, ReadCdSectorType::Mode2Form2), 2324u);
    EXPECT_EQ(read_cd_sector_size(user, ReadCdSectorType::CdDa), 2352u);
    EXPECT_EQ(read_cd_sector_size(user, ReadCdSectorType::Any), 2352u);

    const ReadCdCdb raw_sector{
        .sync = true, .headers = ReadCdHeaders::All, .user_data = true, .edc_ecc = true};
    for (auto t :
         {ReadCdSectorType::Mode1, ReadCdSectorType::Mode2Formless, ReadCdSectorType::Mode2Form1,
          ReadCdSectorType::Mode2Form2, ReadCdSectorType::CdDa})
        EXPECT_EQ(read_cd_sector_size(raw_sector, t), 2352u);

    const ReadCdCdb form1_with_headers{.headers = ReadCdHeaders::All, .user_data = true};
    EXPECT_EQ(read_cd_sector_size(form1_with_headers, ReadCdSectorType::Mode2Form1), 2060u);
    EXPECT_EQ(read_cd_sector_size(form1_with_headers, ReadCdSectorType::Mode1), 2052u);
    const ReadCdCdb user_edc{.user_data = true, .edc_ecc = true};
    EXPECT_EQ(read_cd_sector_size(user_edc, ReadCdSectorType::Mode1), 2336u);

    ReadCdCdb extras = raw_sector;
    extras.c2 = ReadCdC2::ErrorBits;
    extras.sub_channel = ReadCdSubChannel::Q;
    EXPECT_EQ(read_cd_sector_size(extras, ReadCdSectorType::CdDa), 2352u + 294 + 16);
    extras.c2 = ReadCdC2::ErrorBitsAndBlockErrorByte;
    extras.sub_channel = ReadCdSubChannel::Rw;
    EXPECT_EQ(read_cd_sector_size(extras, ReadCdSectorType::Mode1), 2352u + 296 + 96);
    const ReadCdCdb sub_only{.user_data = false, .sub_channel = ReadCdSubChannel::Raw};
    EXPECT_EQ(read_cd_sector_size(sub_only, ReadCdSectorType::Any), 96u);
}

TEST(ReadCd, IllegalSelectionsAreRefused) {
    const ReadCdCdb sync_without_header{.sync = true, .user_data = true};
    EXPECT_FALSE(read_cd_sector_size(sync_without_header, ReadCdSectorType::Mode1));
    expect_error(ErrorCode::InvalidParam, [&] { (void)read_cd(sync_without_header); });
    const ReadCdCdb edc_without_data{.user_data = false, .edc_ecc = true};
    EXPECT_FALSE(read_cd_sector_size(edc_without_data, ReadCdSectorType::Any));
    // the parser refuses the same byte 9 (sync, no headers, user data: 90h)
    expect_error(ErrorCode::InvalidParam, [] {
        (void)parse_read_cd(raw({0xBE, 0, 0, 0, 0, 0, 0, 0, 1, 0x90, 0, 0}));
    });
}

TEST(ReadCd, TransferLengthIsBlocksTimesSectorSize) {
    const auto cdb = read_cd({.sector_type = ReadCdSectorType::CdDa,
                              .lba = 0,
                              .blocks = 27,
                              .user_data = true,
                              .sub_channel = ReadCdSubChannel::Raw});
    EXPECT_EQ(cdb.transfer_length, 27u * 2448);
}

// ---- parsers refuse what a drive refuses -------------------------------------------------

TEST(CommandParsers, RefuseAnotherOpcodeOrLength) {
    const auto e = expect_error(ErrorCode::InvalidParam,
                                [] { (void)parse_read_track_information(read10({})); });
    EXPECT_NE(std::string(e.what()).find("opcode 0x28 is not 0x52"), std::string::npos) << e.what();
    Cdb short_cdb = read_track_information();
    short_cdb.length = 6;
    expect_error(ErrorCode::InvalidParam, [&] { (void)parse_read_track_information(short_cdb); });
    Cdb overlong = inquiry();
    overlong.length = 200; // a hand-made Cdb: the parser still must not read past 16 bytes
    expect_error(ErrorCode::InvalidParam, [&] { (void)parse_inquiry(overlong); });
}

TEST(CommandParsers, RefuseReservedFieldValues) {
    // READ TRACK INFORMATION address type 11b is reserved (MMC-6 6.27.1)
    expect_error(ErrorCode::InvalidParam, [] {
        (void)parse_read_track_information(raw({0x52, 0x03, 0, 0, 0, 0, 0, 0, 48, 0}));
    });
    // BLANK blanking type 111b
    expect_error(ErrorCode::InvalidParam, [] {
        (void)parse_blank(raw({0xA1, 0x07, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    });
    // CLOSE TRACK/SESSION close function 111b
    expect_error(ErrorCode::InvalidParam, [] {
        (void)parse_close_track_session(raw({0x5B, 0, 0x07, 0, 0, 1, 0, 0, 0, 0}));
    });
    // READ TOC format 6
    const auto e = expect_error(ErrorCode::InvalidParam, [] {
        (void)parse_read_toc(raw({0x43, 0, 0x06, 0, 0, 0, 0, 0, 4, 0}));
    });
    EXPECT_NE(std::string(e.what()).find("(byte 2)"), std::string::npos) << e.what();
    // VERIFY with BYTCHK
    expect_error(ErrorCode::InvalidParam, [] {
        (void)parse_verify10(raw({0x2F, 0x02, 0, 0, 0, 0, 0, 0, 1, 0}));
    });
}

TEST(CommandParsers, BlockSizeComesFromTheDataPhase) {
    const auto w =
        parse_write10(raw({0x2A, 0, 0, 0, 0, 5, 0, 0, 4, 0}, DataDirection::ToDevice, 4 * 2352));
    EXPECT_EQ(w.lba, 5u);
    EXPECT_EQ(w.blocks, 4);
    EXPECT_EQ(w.block_size, 2352u);
    expect_error(ErrorCode::InvalidParam, [] {
        (void)parse_write10(raw({0x2A, 0, 0, 0, 0, 5, 0, 0, 3, 0}, DataDirection::ToDevice, 1000));
    });
}

TEST(CommandBuilders, RefuseValuesTheirFieldsCannotHold) {
    expect_error(ErrorCode::InvalidParam,
                 [] { (void)send_cue_sheet({.cue_sheet_size = 1u << 24}); });
    expect_error(ErrorCode::InvalidParam, [] { (void)reserve_track({.arsv = false, .lba = 5}); });
    expect_error(ErrorCode::InvalidParam,
                 [] { (void)write12({.blocks = 0x10000, .block_size = 0x10000}); });
    expect_error(ErrorCode::InvalidParam, [] { (void)read10({.blocks = 1, .block_size = 0}); });
    expect_error(ErrorCode::InvalidParam, [] { (void)read_cd({.blocks = 1u << 24}); });
    expect_error(ErrorCode::InvalidParam,
                 [] { (void)encode_format_parameters({.descriptor = {.format_type = 0x40}}); });
}

TEST(FormatParameters, DecoderRefusesShortListsAndOtherDescriptorLengths) {
    auto bytes = encode_format_parameters({});
    expect_error(ErrorCode::InvalidParam,
                 [&] { (void)decode_format_parameters(std::span(bytes).first(11)); });
    bytes[3] = std::byte{16};
    expect_error(ErrorCode::InvalidParam, [&] { (void)decode_format_parameters(bytes); });
}

// Every parser on every length of pseudo-random bytes: a value or InvalidParam, nothing else.
TEST(CommandParsers, AreTotal) {
    const std::vector<std::function<void(const Cdb&)>> parsers = {
        [](const Cdb& c) { (void)parse_inquiry(c); },
        [](const Cdb& c) { (void)parse_test_unit_ready(c); },
        [](const Cdb& c) { (void)parse_request_sense(c); },
        [](const Cdb& c) { (void)parse_get_configuration(c); },
        [](const Cdb& c) { (void)parse_get_performance(c); },
        [](const Cdb& c) { (void)parse_mode_sense10(c); },
        [](const Cdb& c) { (void)parse_mode_select10(c); },
        [](const Cdb& c) { (void)parse_get_event_status_notification(c); },
        [](const Cdb& c) { (void)parse_mechanism_status(c); },
        [](const Cdb& c) { (void)parse_read_disc_information(c); },
        [](const Cdb& c) { (void)parse_read_track_information(c); },
        [](const Cdb& c) { (void)parse_read_toc(c); },
        [](const Cdb& c) { (void)parse_read_capacity(c); },
        [](const Cdb& c) { (void)parse_read_format_capacities(c); },
        [](const Cdb& c) { (void)parse_read_buffer_capacity(c); },
        [](const Cdb& c) { (void)parse_read_disc_structure(c); },
        [](const Cdb& c) { (void)parse_send_disc_structure(c); },
        [](const Cdb& c) { (void)parse_prevent_allow_medium_removal(c); },
        [](const Cdb& c) { (void)parse_start_stop_unit(c); },
        [](const Cdb& c) { (void)parse_set_cd_speed(c); },
        [](const Cdb& c) { (void)parse_set_streaming(c); },
        [](const Cdb& c) { (void)parse_reserve_track(c); },
        [](const Cdb& c) { (void)parse_send_cue_sheet(c); },
        [](const Cdb& c) { (void)parse_write10(c); },
        [](const Cdb& c) { (void)parse_write12(c); },
        [](const Cdb& c) { (void)parse_close_track_session(c); },
        [](const Cdb& c) { (void)parse_synchronize_cache(c); },
        [](const Cdb& c) { (void)parse_blank(c); },
        [](const Cdb& c) { (void)parse_format_unit(c); },
        [](const Cdb& c) { (void)parse_read10(c); },
        [](const Cdb& c) { (void)parse_read12(c); },
        [](const Cdb& c) { (void)parse_verify10(c); },
        [](const Cdb& c) { (void)parse_read_cd(c); },
        [](const Cdb& c) { (void)block_extent(c); },
    };
    std::mt19937 rng(5);
    const std::array<u8, 10> opcodes{0x12, 0x2A, 0x43, 0x51, 0x52, 0x53, 0xA1, 0xAA, 0xBE, 0x5B};
    for (int round = 0; round < 2000; ++round) {
        Cdb cdb;
        for (auto& b : cdb.bytes)
            b = static_cast<std::byte>(rng());
        cdb.bytes[0] = static_cast<std::byte>(opcodes[round % opcodes.size()]);
        cdb.length = static_cast<u8>(rng() % 18);
        cdb.transfer_length = rng() % 3 == 0 ? 0 : static_cast<u32>(rng());
        for (const auto& parse : parsers) {
            try {
                parse(cdb);
            } catch (const Error& e) {
                EXPECT_EQ(e.code(), ErrorCode::InvalidParam) << e.what();
            }
        }
    }
}

// ---- Cdb::from_bytes ---------------------------------------------------------------------

TEST(CdbFromBytes, AcceptsTheLengthOfEachGroup) {
    EXPECT_EQ(raw({0x00, 0, 0, 0, 0, 0}).length, 6);                                // group 0
    EXPECT_EQ(raw({0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0}).length, 10);                   // group 1
    EXPECT_EQ(raw({0x5A, 0, 0x2A, 0, 0, 0, 0, 0, 8, 0}).length, 10);                // group 2
    EXPECT_EQ(raw({0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).length, 16); // group 4
    EXPECT_EQ(raw({0xBE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).length, 12);             // group 5
    EXPECT_EQ(raw({0xC0, 0, 0, 0, 0, 0, 0, 0}).length, 8);                       // vendor group 6
    EXPECT_EQ(raw({0xE0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}).length, 15); // vendor 7
    const auto c = raw({0x43, 0, 0, 0, 0, 0, 0, 0, 12, 0}, DataDirection::FromDevice, 12);
    EXPECT_EQ(c.direction, DataDirection::FromDevice);
    EXPECT_EQ(c.transfer_length, 12u);
    EXPECT_EQ(parse_read_toc(c).allocation_length, 12);
}

TEST(CdbFromBytes, RejectsLengthsOutsideTheGroup) {
    expect_error(ErrorCode::InvalidParam, [] { (void)raw({0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0}); });
    expect_error(ErrorCode::InvalidParam, [] { (void)raw({0x28, 0, 0, 0, 0, 0}); });
    expect_error(ErrorCode::InvalidParam, [] {
        (void)raw({0xA8, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    }); // group 5 wants 12
    expect_error(ErrorCode::InvalidParam, [] {
        (void)raw({0x7F, 0, 0, 0, 0, 0, 0, 0, 0, 0});
    }); // group 3 reserved
    expect_error(ErrorCode::InvalidParam, [] { (void)raw({0xC0, 0, 0}); });
    expect_error(ErrorCode::InvalidParam, [] { (void)raw({}); });
    std::vector<std::byte> seventeen(17);
    seventeen[0] = std::byte{0xC0};
    expect_error(ErrorCode::InvalidParam,
                 [&] { (void)Cdb::from_bytes(seventeen, DataDirection::None, 0); });
    const auto e = expect_error(ErrorCode::InvalidParam, [] {
        (void)raw({0x00, 0, 0, 0, 0, 0}, DataDirection::None, 4);
    });
    EXPECT_NE(std::string(e.what()).find("TEST UNIT READY"), std::string::npos) << e.what();
}

// ---- names and extents -------------------------------------------------------------------

TEST(CommandName, NamesKnownCodesAndNumbersOthers) {
    EXPECT_EQ(command_name(0x52), "READ TRACK INFORMATION");
    EXPECT_EQ(command_name(Opcode::ReadTocPmaAtip), "READ TOC/PMA/ATIP");
    EXPECT_EQ(command_name(0x00), "TEST UNIT READY");
    EXPECT_EQ(command_name(0xFF), "opcode 0xFF");
    EXPECT_EQ(command_name(0x0A), "opcode 0x0A");
}

TEST(BlockExtent, CoversTheBlockCommands) {
    EXPECT_EQ(block_extent(write10({.lba = 7, .blocks = 16})), (BlockExtent{7, 16}));
    EXPECT_EQ(block_extent(read12({.lba = 9, .blocks = 70000})), (BlockExtent{9, 70000}));
    EXPECT_EQ(block_extent(read_cd({.lba = 3, .blocks = 2})), (BlockExtent{3, 2}));
    EXPECT_EQ(block_extent(synchronize_cache({.lba = 1, .blocks = 2})), (BlockExtent{1, 2}));
    EXPECT_EQ(block_extent(verify10({.lba = 4, .blocks = 5})), (BlockExtent{4, 5}));
    EXPECT_FALSE(block_extent(inquiry()));
}

} // namespace
} // namespace discwright::scsi
