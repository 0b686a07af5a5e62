// The virtual drive's identity and abilities: INQUIRY, GET CONFIGURATION, GET PERFORMANCE,
// MODE SENSE/SELECT(10), GET EVENT STATUS NOTIFICATION, READ BUFFER CAPACITY, SET CD SPEED
// and SET STREAMING. The drive is a "universal" BD/DVD/CD recorder: it lists every profile it
// can write and marks features current per medium as MMC-6 5.4 requires for each profile.

#include <algorithm>

#include "core/byte_io.h"
#include "scsi/buffer_capacity.h"
#include "scsi/configuration.h"
#include "scsi/event_status.h"
#include "scsi/feature_descriptors.h"
#include "scsi/inquiry.h"
#include "scsi/mode_pages.h"
#include "scsi/performance.h"
#include "virtual/virtual_drive.h"

namespace discwright::virtual_recorder {

namespace {

using scsi::FeatureStatus;

// MMC-6 5.3.1: profiles in descending order of preference.
constexpr Profile drive_profiles[] = {
    Profile::BdRe,
    Profile::BdRSequential,
    Profile::BdRom,
    Profile::DvdPlusRDualLayer,
    Profile::DvdPlusR,
    Profile::DvdPlusRw,
    Profile::DvdDashRwSequential,
    Profile::DvdDashRwRestrictedOverwrite,
    Profile::DvdRam,
    Profile::DvdDashR,
    Profile::DvdRom,
    Profile::CdRw,
    Profile::CdR,
    Profile::CdRom,
};

FeatureStatus when(bool current) {
    return current ? FeatureStatus::Current : FeatureStatus::NotCurrent;
}

// Read speeds the drive offers per family, as multiples of 1x.
double read_speed_x(MediumFamily family) {
    switch (family) {
    case MediumFamily::Cd:
        return 48;
    case MediumFamily::Dvd:
        return 16;
    case MediumFamily::Bd:
        return 12;
    }
    return 1;
}

// A serial number that stays the same for the same medium path (Drive Serial Number feature).
std::string serial_for(const std::filesystem::path& path) {
    u32 h = 2166136261u; // FNV-1a
    for (const unsigned char c : path.string())
        h = (h ^ c) * 16777619u;
    return fmt::format("VR{:08X}", h);
}

} // namespace

VirtualDrive::Answer VirtualDrive::inquiry(const scsi::Cdb& cdb, std::span<std::byte> data) {
    const auto request = scsi::parse_inquiry(cdb);
    if (request.evpd || request.page_code != 0) return {sense::invalid_field_in_cdb};
    InquiryData id;
    id.peripheral_device_type = 5; // SPC-4 6.4.2: CD/DVD device (MMC)
    id.removable = true;
    id.version = 6; // SPC-4
    id.vendor = std::string(drive_vendor);
    id.product = std::string(drive_product);
    id.revision = std::string(drive_revision);
    return reply(cdb, data, scsi::encode_inquiry(id));
}

Configuration VirtualDrive::configuration() const {
    const bool present = m_medium && !m_tray_open;
    const auto type = present ? m_medium->type() : MediaType::Unknown;
    const auto family = present ? std::optional(m_medium->spec().family) : std::nullopt;
    // A value plus `present`, not std::optional: GCC 12 misreports the optional as uninitialized.
    const RecordingKind kind = present ? m_medium->kind() : RecordingKind::Sequential;
    const bool cd = family == MediumFamily::Cd;
    const bool dvd = family == MediumFamily::Dvd;
    const bool bd = family == MediumFamily::Bd;
    const bool dvd_dash = type == MediaType::DvdDashR || type == MediaType::DvdDashRw;
    const bool random_writable = present && kind == RecordingKind::Random &&
                                 m_medium->formatted() && type != MediaType::DvdPlusRw;
    const bool incremental = present && kind == RecordingKind::Sequential && (cd || dvd_dash);

    Configuration c;
    c.current_profile = present ? m_medium->profile() : Profile::Invalid;
    std::vector<ProfileDescriptor> profiles;
    for (const auto p : drive_profiles)
        profiles.push_back({p, p == c.current_profile});
    auto& f = c.features;
    f.push_back(scsi::make_profile_list(profiles));
    f.push_back(scsi::make_feature(
        CoreFeature{.physical_interface_standard = 1, .inq2 = false, .dbe = true}));
    f.push_back(scsi::make_feature(MorphingFeature{.oc_event = false, .async = false}));
    f.push_back(scsi::make_feature(RemovableMediumFeature{.loading_mechanism_type = 1,
                                                          .load = true,
                                                          .eject = true,
                                                          .prevent_jumper = true,
                                                          .dbml = false,
                                                          .lock = true}));
    const u16 blocking = present ? static_cast<u16>(m_medium->spec().write_unit) : 1;
    f.push_back(scsi::make_feature(
        RandomReadableFeature{.logical_block_size = block_size, .blocking = blocking, .pp = true},
        when(present)));
    f.push_back(scsi::make_feature(FeatureCode::MultiRead, when(cd)));
    f.push_back(scsi::make_feature(FeatureCode::CdRead, when(cd)));
    f.push_back(scsi::make_feature(FeatureCode::DvdRead, when(dvd)));
    const u32 last_lba =
        present && m_medium->capacity() ? static_cast<u32>(m_medium->capacity() - 1) : 0;
    f.push_back(scsi::make_feature(RandomWritableFeature{.last_lba = last_lba,
                                                         .logical_block_size = block_size,
                                                         .blocking = blocking,
                                                         .pp = true},
                                   when(random_writable)));
    IncrementalStreamingWritableFeature isw;
    isw.data_block_types_supported = 1u << 8; // data block type 8: Mode 1
    isw.buf = true;
    isw.link_sizes = {cd ? u8{7} : u8{16}};
    f.push_back(scsi::make_feature(isw, when(incremental)));
    const bool formattable = present && !m_medium->formattable().empty();
    f.push_back(scsi::make_feature(FormattableFeature{.frf = false,
                                                      .renosa = true,
                                                      .expand = false,
                                                      .qcert = true,
                                                      .cert = true,
                                                      .rrm = false},
                                   when(formattable)));
    f.push_back(scsi::make_feature(FeatureCode::HardwareDefectManagement,
                                   when(type == MediaType::DvdRam || (random_writable && bd))));
    f.push_back(scsi::make_feature(
        WriteOnceFeature{.logical_block_size = block_size, .blocking = blocking, .pp = true},
        FeatureStatus::NotCurrent));
    f.push_back(scsi::make_feature(FeatureCode::RestrictedOverwrite,
                                   when(present && kind == RecordingKind::RestrictedOverwrite)));
    f.push_back(scsi::make_feature(
        DvdPlusRwFeature{.write = true, .quick_start = true, .close_only = false},
        when(type == MediaType::DvdPlusRw)));
    f.push_back(scsi::make_feature(
        DvdPlusRFeature{.write = true},
        when(type == MediaType::DvdPlusR || type == MediaType::DvdPlusRDualLayer)));
    f.push_back(scsi::make_feature(CdTrackAtOnceFeature{.buf = true,
                                                        .rw_raw = false,
                                                        .rw_pack = false,
                                                        .test_write = false,
                                                        .cd_rw = true,
                                                        .rw_subcode = false,
                                                        .data_type_supported = 1u << 8},
                                   when(cd)));
    f.push_back(scsi::make_feature(CdMasteringFeature{.buf = true,
                                                      .sao = true,
                                                      .raw_ms = false,
                                                      .raw = false,
                                                      .test_write = false,
                                                      .cd_rw = true,
                                                      .rw = false,
                                                      .maximum_cue_sheet_length = 0xFFFF},
                                   when(cd)));
    f.push_back(scsi::make_feature(
        DvdDashRRwWriteFeature{.buf = true, .rdl = false, .test_write = false, .dvd_rw_sb = true},
        when(dvd_dash)));
    f.push_back(scsi::make_feature(LayerJumpRecordingFeature{.link_sizes = {16}},
                                   FeatureStatus::NotCurrent));
    f.push_back(scsi::make_feature(DvdPlusRDualLayerFeature{.write = true},
                                   when(type == MediaType::DvdPlusRDualLayer)));
    f.push_back(scsi::make_feature(FeatureCode::BdRead, when(bd)));
    BdWriteFeature bdw;
    bdw.bd_re_classes[0] = 0x0004; // BD-RE class 0 version 2
    bdw.bd_r_classes[0] = 0x0002;  // BD-R class 0 version 1
    f.push_back(scsi::make_feature(bdw, when(bd)));
    f.push_back(scsi::make_feature(FeatureCode::PowerManagement, FeatureStatus::Persistent));
    f.push_back(scsi::make_feature(TimeoutFeature{.group3 = false, .unit_length = 0}));
    f.push_back(scsi::make_feature(
        RealTimeStreamingFeature{
            .smp = false, .rbcb = true, .scs = true, .mp2a = true, .wspd = true, .sw = true},
        when(present)));
    f.push_back(scsi::make_feature(DriveSerialNumberFeature{serial_for(m_store.path())}));
    return c;
}

VirtualDrive::Answer VirtualDrive::get_configuration(const scsi::Cdb& cdb,
                                                     std::span<std::byte> data) {
    const auto request = scsi::parse_get_configuration(cdb);
    return reply(
        cdb, data,
        scsi::encode_configuration(configuration(), request.request, request.starting_feature));
}

VirtualDrive::Answer VirtualDrive::get_performance(const scsi::Cdb& cdb,
                                                   std::span<std::byte> data) {
    const auto request = scsi::parse_get_performance(cdb);
    const auto& s = m_medium->spec();
    const u32 end_lba = static_cast<u32>(m_medium->capacity() - 1);
    const u32 read_kbytes = kbytes_per_second(s, read_speed_x(s.family));
    switch (request.type) {
    case scsi::PerformanceType::WriteSpeed: {
        // MMC-6 6.8.2.6: one descriptor per speed the medium can be written at, fastest first.
        std::vector<WriteSpeedPerformance> speeds;
        for (const double x : s.write_speeds_x) {
            if (speeds.size() >= request.maximum_descriptors) break;
            speeds.push_back({.wrc = RotationControl::Clv,
                              .rdd = false,
                              .exact = true,
                              .mrw = false,
                              .end_lba = end_lba,
                              .read_speed = read_kbytes,
                              .write_speed = kbytes_per_second(s, x)});
        }
        return reply(cdb, data, scsi::encode_write_speed_performance(speeds));
    }
    case scsi::PerformanceType::Performance: {
        // MMC-6 6.8.2.2: Write is bit 2 of the data type, Except bits 1-0.
        Performance p;
        p.write = (request.data_type & 0x04) != 0;
        p.except = (request.data_type & 0x03) != 0;
        if (!p.except && request.maximum_descriptors > 0) {
            const u32 speed =
                p.write
                    ? m_write_speed_kbytes.value_or(kbytes_per_second(s, s.write_speeds_x.front()))
                    : read_kbytes;
            p.nominal.push_back({.start_lba = 0,
                                 .start_performance = speed,
                                 .end_lba = end_lba,
                                 .end_performance = speed});
        }
        return reply(cdb, data, scsi::encode_performance(p));
    }
    default:
        return {sense::invalid_field_in_cdb};
    }
}

std::vector<ModePage> VirtualDrive::mode_pages(ModePageControl control) const {
    std::vector<ModePage> pages;
    if (control == ModePageControl::Changeable) {
        // SPC-4 6.11: a one in every bit the host may change.
        ErrorRecoveryPage er{.awre = false,
                             .arre = false,
                             .tb = true,
                             .rc = true,
                             .per = true,
                             .dte = true,
                             .dcr = true,
                             .read_retry_count = 0xFF,
                             .write_retry_count = 0xFF,
                             .recovery_time_limit = 0xFFFF};
        WriteParametersPage wp;
        wp.bufe = true;
        wp.ls_v = true;
        wp.write_type = static_cast<WriteType>(0x0F);
        wp.multi_session = MultiSession::NextSessionAllowed;
        wp.fp = true;
        wp.track_mode = 0x0F;
        wp.data_block_type = 0x0F;
        wp.link_size = 0xFF;
        wp.packet_size = 0xFFFF'FFFF;
        wp.audio_pause_length = 0xFFFF;
        pages.push_back(scsi::encode_mode_page(er));
        pages.push_back(scsi::encode_mode_page(wp));
        pages.push_back(scsi::encode_mode_page(CapabilitiesPage{}));
        return pages;
    }
    const bool defaults = control == ModePageControl::Default;
    pages.push_back(scsi::encode_mode_page(defaults ? ErrorRecoveryPage{} : m_error_recovery));
    pages.push_back(scsi::encode_mode_page(defaults ? WriteParametersPage{} : m_write_parameters));
    CapabilitiesPage cap;
    cap.dvd_ram_read = cap.dvd_r_read = cap.dvd_rom_read = true;
    cap.cd_rw_read = cap.cd_r_read = true;
    cap.dvd_ram_write = cap.dvd_r_write = true;
    cap.cd_rw_write = cap.cd_r_write = true;
    cap.buf = true;
    cap.multi_session = true;
    cap.mode2_form1 = cap.mode2_form2 = true;
    cap.loading_mechanism_type = 1; // tray
    cap.eject = true;
    cap.prevent_jumper = true;
    cap.lock = true;
    cap.lock_state = m_prevent_removal;
    cap.buffer_size = static_cast<u16>(drive_buffer_bytes / 1024);
    if (m_medium && !m_tray_open) {
        const auto& s = m_medium->spec();
        for (const double x : s.write_speeds_x)
            cap.write_speeds.push_back(
                {.rotation_control = RotationControl::Clv,
                 .write_speed = static_cast<u16>(std::min<u32>(kbytes_per_second(s, x), 0xFFFF))});
        cap.current_write_speed_selected = static_cast<u16>(std::min<u32>(
            m_write_speed_kbytes.value_or(kbytes_per_second(s, s.write_speeds_x.front())), 0xFFFF));
        cap.max_read_speed =
            static_cast<u16>(std::min<u32>(kbytes_per_second(s, read_speed_x(s.family)), 0xFFFF));
        cap.current_read_speed = cap.max_read_speed;
        cap.max_write_speed = cap.write_speeds.front().write_speed;
        cap.current_write_speed = cap.current_write_speed_selected;
    }
    pages.push_back(scsi::encode_mode_page(cap));
    return pages;
}

VirtualDrive::Answer VirtualDrive::mode_sense(const scsi::Cdb& cdb, std::span<std::byte> data) {
    const auto request = scsi::parse_mode_sense10(cdb);
    if (request.page_control == ModePageControl::Saved) return {sense::saving_not_supported};
    if (request.subpage_code != 0 && request.subpage_code != 0xFF)
        return {sense::invalid_field_in_cdb};
    ModeParameters parameters;
    parameters.write_protected = m_medium && m_medium->write_protected();
    for (auto& page : mode_pages(request.page_control))
        if (request.page_code == ModePageCode::AllPages || page.code == request.page_code)
            parameters.pages.push_back(std::move(page));
    if (parameters.pages.empty()) return {sense::invalid_field_in_cdb};
    return reply(cdb, data, scsi::encode_mode_parameters(parameters));
}

VirtualDrive::Answer VirtualDrive::mode_select(const scsi::Cdb& cdb, std::span<std::byte> data) {
    const auto request = scsi::parse_mode_select10(cdb);
    if (request.sp) return {sense::saving_not_supported};
    const auto n = std::min<std::size_t>(data.size(), request.parameter_list_length);
    ModeParameters parameters;
    try {
        // SPC-4 7.5.5: in MODE SELECT the mode data length is reserved (zero); the parameter
        // list length of the CDB bounds the list, so the decoder is given that length.
        std::vector<std::byte> list(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
        if (n >= 2) core::ByteWriter(list).put(core::Be16(static_cast<u16>(n - 2)));
        parameters = scsi::decode_mode_parameters(list);
    } catch (const Error&) {
        return {sense::invalid_field_in_parameters, static_cast<u32>(n)};
    }
    auto write_parameters = m_write_parameters;
    auto error_recovery = m_error_recovery;
    for (const auto& page : parameters.pages) {
        switch (page.code) {
        case ModePageCode::WriteParameters: {
            const auto wp = scsi::decode_write_parameters_page(page);
            // MMC-6 7.5.4: the write types of the media modelled; data block type 8 (2048-byte
            // Mode 1) only; no test writes (the Test Write feature bits say so).
            const bool known_type = wp.write_type == WriteType::PacketIncremental ||
                                    wp.write_type == WriteType::TrackAtOnce ||
                                    wp.write_type == WriteType::SessionAtOnce;
            if (!known_type || wp.test_write || wp.data_block_type != 8)
                return {sense::invalid_field_in_parameters, static_cast<u32>(n)};
            write_parameters = wp;
            break;
        }
        case ModePageCode::ReadWriteErrorRecovery:
            error_recovery = scsi::decode_error_recovery_page(page);
            break;
        default:
            return {sense::invalid_field_in_parameters, static_cast<u32>(n)};
        }
    }
    m_write_parameters = write_parameters;
    m_error_recovery = error_recovery;
    return {std::nullopt, static_cast<u32>(n)};
}

VirtualDrive::Answer VirtualDrive::event_status(const scsi::Cdb& cdb, std::span<std::byte> data) {
    const auto request = scsi::parse_get_event_status_notification(cdb);
    // MMC-6 6.7.1: asynchronous notification is not offered.
    if (!request.polled) return {sense::invalid_field_in_cdb};
    constexpr u8 media_class_bit = 1u << static_cast<u8>(NotificationClass::Media);
    EventStatus status;
    status.supported_event_classes = media_class_bit;
    if ((request.notification_class_request & media_class_bit) == 0) {
        status.nea = true;
    } else {
        status.notification_class = NotificationClass::Media;
        MediaEvent event;
        event.event_code = m_media_event.value_or(MediaEventCode::NoChange);
        event.media_present = m_medium.has_value() && !m_tray_open;
        event.door_or_tray_open = m_tray_open;
        status.media = event;
        m_media_event.reset();
    }
    return reply(cdb, data, scsi::encode_event_status(status));
}

VirtualDrive::Answer VirtualDrive::buffer_capacity(const scsi::Cdb& cdb,
                                                   std::span<std::byte> data) {
    const auto request = scsi::parse_read_buffer_capacity(cdb);
    // The virtual drive writes through to its file: the buffer is always empty.
    if (request.block)
        return reply(cdb, data,
                     scsi::encode_buffer_capacity_blocks(BufferCapacityBlocks{
                         .available_length_of_buffer = drive_buffer_bytes / block_size}));
    return reply(
        cdb, data,
        scsi::encode_buffer_capacity(BufferCapacity{.length_of_buffer = drive_buffer_bytes,
                                                    .blank_length_of_buffer = drive_buffer_bytes}));
}

namespace {

// The fastest offered speed not above `kbytes` (the slowest when all are above), as drives
// round a requested speed down (MMC-6 6.37.2).
std::optional<u32> choose_speed(const MediaSpec* spec, u32 kbytes) {
    if (!spec) return kbytes;
    std::optional<u32> chosen;
    for (const double x : spec->write_speeds_x) {
        const u32 k = kbytes_per_second(*spec, x);
        if (k <= kbytes && (!chosen || k > *chosen)) chosen = k;
    }
    if (!chosen) chosen = kbytes_per_second(*spec, spec->write_speeds_x.back());
    return chosen;
}

} // namespace

VirtualDrive::Answer VirtualDrive::set_cd_speed(const scsi::Cdb& cdb) {
    const auto request = scsi::parse_set_cd_speed(cdb);
    m_write_speed_kbytes = request.write_speed == scsi::max_speed
                               ? std::nullopt
                               : choose_speed(spec(), request.write_speed);
    m_throttle = Throttle(pacing_rate());
    return {};
}

VirtualDrive::Answer VirtualDrive::set_streaming(const scsi::Cdb& cdb, std::span<std::byte> data) {
    const auto request = scsi::parse_set_streaming(cdb);
    const auto n = std::min<std::size_t>(data.size(), request.parameter_list_length);
    if (request.type != scsi::StreamingType::Performance)
        return {std::nullopt, static_cast<u32>(n)};
    StreamingPerformance p;
    try {
        p = scsi::decode_streaming_performance(data.first(n));
    } catch (const Error&) {
        return {sense::invalid_field_in_parameters, static_cast<u32>(n)};
    }
    if (p.rdd || p.write_time == 0) {
        m_write_speed_kbytes.reset();
    } else {
        // MMC-6 6.39.3.2: Write Size kB in Write Time ms.
        const u64 kbytes = u64{p.write_size} * 1000 / p.write_time;
        m_write_speed_kbytes =
            choose_speed(spec(), static_cast<u32>(std::min<u64>(kbytes, 0xFFFF'FFFF)));
    }
    m_throttle = Throttle(pacing_rate());
    return {std::nullopt, static_cast<u32>(n)};
}

} // namespace discwright::virtual_recorder
