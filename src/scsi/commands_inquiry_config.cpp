// Builders and parsers of the identification and configuration commands: INQUIRY, TEST UNIT
// READY, REQUEST SENSE, GET CONFIGURATION, GET PERFORMANCE, MODE SENSE(10), MODE SELECT(10),
// GET EVENT STATUS NOTIFICATION and MECHANISM STATUS.

#include <cstddef>

#include "scsi/cdb_wire.h"
#include "scsi/commands.h"

namespace discwright::scsi {

using core::Be16;
using core::Be32;
using core::OnDisk;
using wire::bit;
using wire::bit_if;
using wire::bits;
using wire::op;
using wire::place;

namespace {

// SPC-4 6.4.1: INQUIRY CDB
struct InquiryLayout {
    u8 opcode{};              // byte 0: 12h
    u8 flags{};               // byte 1: EVPD (bit 0)
    u8 page_code{};           // byte 2
    Be16 allocation_length{}; // bytes 3-4
    u8 control{};             // byte 5
};
static_assert(OnDisk<InquiryLayout> && sizeof(InquiryLayout) == 6);
static_assert(offsetof(InquiryLayout, allocation_length) == 3);

// MMC-6 6.42: TEST UNIT READY CDB
struct TestUnitReadyLayout {
    u8 opcode{};      // byte 0: 00h
    u8 reserved[4]{}; // bytes 1-4
    u8 control{};     // byte 5
};
static_assert(OnDisk<TestUnitReadyLayout> && sizeof(TestUnitReadyLayout) == 6);

// SPC-4 REQUEST SENSE CDB (MMC-6 6.30)
struct RequestSenseLayout {
    u8 opcode{};            // byte 0: 03h
    u8 flags{};             // byte 1: DESC (bit 0)
    u8 reserved[2]{};       // bytes 2-3
    u8 allocation_length{}; // byte 4
    u8 control{};           // byte 5
};
static_assert(OnDisk<RequestSenseLayout> && sizeof(RequestSenseLayout) == 6);
static_assert(offsetof(RequestSenseLayout, allocation_length) == 4);

// MMC-6 6.6.1: GET CONFIGURATION CDB
struct GetConfigurationLayout {
    u8 opcode{};              // byte 0: 46h
    u8 flags{};               // byte 1: RT (bits 1-0)
    Be16 starting_feature{};  // bytes 2-3
    u8 reserved[3]{};         // bytes 4-6
    Be16 allocation_length{}; // bytes 7-8
    u8 control{};             // byte 9
};
static_assert(OnDisk<GetConfigurationLayout> && sizeof(GetConfigurationLayout) == 10);
static_assert(offsetof(GetConfigurationLayout, allocation_length) == 7);

// MMC-6 6.8.1: GET PERFORMANCE CDB
struct GetPerformanceLayout {
    u8 opcode{};                // byte 0: ACh
    u8 data_type{};             // byte 1: bits 4-0
    Be32 starting_lba{};        // bytes 2-5
    u8 reserved[2]{};           // bytes 6-7
    Be16 maximum_descriptors{}; // bytes 8-9
    u8 type{};                  // byte 10
    u8 control{};               // byte 11
};
static_assert(OnDisk<GetPerformanceLayout> && sizeof(GetPerformanceLayout) == 12);
static_assert(offsetof(GetPerformanceLayout, maximum_descriptors) == 8);
static_assert(offsetof(GetPerformanceLayout, type) == 10);

// MMC-6 6.13.1 / SPC-4: MODE SENSE(10) CDB
struct ModeSense10Layout {
    u8 opcode{};              // byte 0: 5Ah
    u8 flags{};               // byte 1: LLBAA (bit 4), DBD (bit 3)
    u8 page{};                // byte 2: PC (bits 7-6), page code (bits 5-0)
    u8 subpage_code{};        // byte 3
    u8 reserved[3]{};         // bytes 4-6
    Be16 allocation_length{}; // bytes 7-8
    u8 control{};             // byte 9
};
static_assert(OnDisk<ModeSense10Layout> && sizeof(ModeSense10Layout) == 10);
static_assert(offsetof(ModeSense10Layout, allocation_length) == 7);

// MMC-6 6.12.1 / SPC-4: MODE SELECT(10) CDB
struct ModeSelect10Layout {
    u8 opcode{};                  // byte 0: 55h
    u8 flags{};                   // byte 1: PF (bit 4), SP (bit 0)
    u8 reserved[5]{};             // bytes 2-6
    Be16 parameter_list_length{}; // bytes 7-8
    u8 control{};                 // byte 9
};
static_assert(OnDisk<ModeSelect10Layout> && sizeof(ModeSelect10Layout) == 10);
static_assert(offsetof(ModeSelect10Layout, parameter_list_length) == 7);

// MMC-6 6.7.1: GET EVENT STATUS NOTIFICATION CDB
struct GetEventStatusLayout {
    u8 opcode{};                     // byte 0: 4Ah
    u8 flags{};                      // byte 1: Polled (bit 0)
    u8 reserved2[2]{};               // bytes 2-3
    u8 notification_class_request{}; // byte 4
    u8 reserved5[2]{};               // bytes 5-6
    Be16 allocation_length{};        // bytes 7-8
    u8 control{};                    // byte 9
};
static_assert(OnDisk<GetEventStatusLayout> && sizeof(GetEventStatusLayout) == 10);
static_assert(offsetof(GetEventStatusLayout, notification_class_request) == 4);
static_assert(offsetof(GetEventStatusLayout, allocation_length) == 7);

// MMC-6 6.11.1: MECHANISM STATUS CDB
struct MechanismStatusLayout {
    u8 opcode{};              // byte 0: BDh
    u8 reserved1[7]{};        // bytes 1-7
    Be16 allocation_length{}; // bytes 8-9
    u8 reserved10{};          // byte 10
    u8 control{};             // byte 11
};
static_assert(OnDisk<MechanismStatusLayout> && sizeof(MechanismStatusLayout) == 12);
static_assert(offsetof(MechanismStatusLayout, allocation_length) == 8);

constexpr auto in = DataDirection::FromDevice;
constexpr auto out = DataDirection::ToDevice;

} // namespace

Cdb inquiry(const InquiryCdb& c) {
    return wire::make(InquiryLayout{.opcode = op(Opcode::Inquiry),
                                    .flags = bit_if(c.evpd, 0),
                                    .page_code = c.page_code,
                                    .allocation_length = c.allocation_length},
                      in, c.allocation_length);
}

InquiryCdb parse_inquiry(const Cdb& cdb) {
    const auto l = wire::read<InquiryLayout>(cdb, Opcode::Inquiry, "inquiry");
    return {.evpd = bit(l.flags, 0),
            .page_code = l.page_code,
            .allocation_length = l.allocation_length};
}

Cdb test_unit_ready(const TestUnitReadyCdb&) {
    return wire::make(TestUnitReadyLayout{.opcode = op(Opcode::TestUnitReady)}, DataDirection::None,
                      0);
}

TestUnitReadyCdb parse_test_unit_ready(const Cdb& cdb) {
    (void)wire::read<TestUnitReadyLayout>(cdb, Opcode::TestUnitReady, "test unit ready");
    return {};
}

Cdb request_sense(const RequestSenseCdb& c) {
    return wire::make(RequestSenseLayout{.opcode = op(Opcode::RequestSense),
                                         .flags = bit_if(c.desc, 0),
                                         .allocation_length = c.allocation_length},
                      in, c.allocation_length);
}

RequestSenseCdb parse_request_sense(const Cdb& cdb) {
    const auto l = wire::read<RequestSenseLayout>(cdb, Opcode::RequestSense, "request sense");
    return {.desc = bit(l.flags, 0), .allocation_length = l.allocation_length};
}

Cdb get_configuration(const GetConfigurationCdb& c) {
    return wire::make(
        GetConfigurationLayout{.opcode = op(Opcode::GetConfiguration),
                               .flags = place(static_cast<u8>(c.request), 0, 2),
                               .starting_feature = static_cast<u16>(c.starting_feature),
                               .allocation_length = c.allocation_length},
        in, c.allocation_length);
}

GetConfigurationCdb parse_get_configuration(const Cdb& cdb) {
    constexpr std::string_view what = "get configuration";
    const auto l = wire::read<GetConfigurationLayout>(cdb, Opcode::GetConfiguration, what);
    return {.request =
                wire::enum_field<ConfigurationRequest>(bits(l.flags, 0, 2), 2, what, "rt", 1),
            .starting_feature = static_cast<FeatureCode>(u16{l.starting_feature}),
            .allocation_length = l.allocation_length};
}

u32 performance_descriptor_size(PerformanceType type) {
    // MMC-6 6.8.2: nominal performance and write speed descriptors are 16 bytes, the
    // unusable-area and defective-block descriptors 8, a defect status descriptor 2048.
    switch (type) {
    case PerformanceType::Performance:
    case PerformanceType::WriteSpeed:
        return 16;
    case PerformanceType::UnusableArea:
    case PerformanceType::DefectiveBlockInformation:
    case PerformanceType::DefectiveBlockInformationCacheZone:
        return 8;
    case PerformanceType::DefectStatus:
        return 2048;
    }
    return 16;
}

Cdb get_performance(const GetPerformanceCdb& c) {
    if (c.data_type > 0x1F)
        wire::invalid_argument("get performance",
                               fmt::format("data type 0x{:02X} does not fit 5 bits", c.data_type));
    const u32 header = 8; // MMC-6 6.8.2.1: performance header
    return wire::make(GetPerformanceLayout{.opcode = op(Opcode::GetPerformance),
                                           .data_type = c.data_type,
                                           .starting_lba = c.starting_lba,
                                           .maximum_descriptors = c.maximum_descriptors,
                                           .type = static_cast<u8>(c.type)},
                      in,
                      header + u32{c.maximum_descriptors} * performance_descriptor_size(c.type));
}

GetPerformanceCdb parse_get_performance(const Cdb& cdb) {
    constexpr std::string_view what = "get performance";
    const auto l = wire::read<GetPerformanceLayout>(cdb, Opcode::GetPerformance, what);
    return {.data_type = bits(l.data_type, 0, 5),
            .starting_lba = l.starting_lba,
            .maximum_descriptors = l.maximum_descriptors,
            .type = wire::enum_field<PerformanceType>(l.type, 5, what, "type", 10)};
}

Cdb mode_sense10(const ModeSense10Cdb& c) {
    const auto page = static_cast<u8>(c.page_code);
    if (page > 0x3F)
        wire::invalid_argument("mode sense(10)",
                               fmt::format("page code 0x{:02X} does not fit 6 bits", page));
    return wire::make(
        ModeSense10Layout{.opcode = op(Opcode::ModeSense10),
                          .flags = static_cast<u8>(bit_if(c.llbaa, 4) | bit_if(c.dbd, 3)),
                          .page = static_cast<u8>(place(static_cast<u8>(c.page_control), 6, 2) |
                                                  place(page, 0, 6)),
                          .subpage_code = c.subpage_code,
                          .allocation_length = c.allocation_length},
        in, c.allocation_length);
}

ModeSense10Cdb parse_mode_sense10(const Cdb& cdb) {
    const auto l = wire::read<ModeSense10Layout>(cdb, Opcode::ModeSense10, "mode sense(10)");
    return {.llbaa = bit(l.flags, 4),
            .dbd = bit(l.flags, 3),
            .page_control = static_cast<ModePageControl>(bits(l.page, 6, 2)),
            .page_code = static_cast<ModePageCode>(bits(l.page, 0, 6)),
            .subpage_code = l.subpage_code,
            .allocation_length = l.allocation_length};
}

Cdb mode_select10(const ModeSelect10Cdb& c) {
    return wire::make(
        ModeSelect10Layout{.opcode = op(Opcode::ModeSelect10),
                           .flags = static_cast<u8>(bit_if(c.pf, 4) | bit_if(c.sp, 0)),
                           .parameter_list_length = c.parameter_list_length},
        out, c.parameter_list_length);
}

ModeSelect10Cdb parse_mode_select10(const Cdb& cdb) {
    const auto l = wire::read<ModeSelect10Layout>(cdb, Opcode::ModeSelect10, "mode select(10)");
    return {.pf = bit(l.flags, 4),
            .sp = bit(l.flags, 0),
            .parameter_list_length = l.parameter_list_length};
}

Cdb get_event_status_notification(const GetEventStatusNotificationCdb& c) {
    return wire::make(
        GetEventStatusLayout{.opcode = op(Opcode::GetEventStatusNotification),
                             .flags = bit_if(c.polled, 0),
                             .notification_class_request = c.notification_class_request,
                             .allocation_length = c.allocation_length},
        in, c.allocation_length);
}

GetEventStatusNotificationCdb parse_get_event_status_notification(const Cdb& cdb) {
    const auto l = wire::read<GetEventStatusLayout>(cdb, Opcode::GetEventStatusNotification,
                                                    "get event status notification");
    return {.polled = bit(l.flags, 0),
            .notification_class_request = l.notification_class_request,
            .allocation_length = l.allocation_length};
}

Cdb mechanism_status(const MechanismStatusCdb& c) {
    return wire::make(MechanismStatusLayout{.opcode = op(Opcode::MechanismStatus),
                                            .allocation_length = c.allocation_length},
                      in, c.allocation_length);
}

MechanismStatusCdb parse_mechanism_status(const Cdb& cdb) {
    const auto l =
        wire::read<MechanismStatusLayout>(cdb, Opcode::MechanismStatus, "mechanism status");
    return {.allocation_length = l.allocation_length};
}

} // namespace discwright::scsi
