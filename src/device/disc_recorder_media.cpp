// DiscRecorder: capabilities (profiles, features, mode pages, speeds) and the medium (type,
// state, disc and track information, TOC, capacities). Every answer comes from the drive when
// asked, because it changes with the medium; a drive that lacks a command degrades to what it
// does answer (DESIGN.md section 5: tgt's emulation and old drives are quirky real drives).

#include <algorithm>

#include "device/disc_recorder_impl.h"
#include "device/media_facts.h"
#include "scsi/buffer_capacity.h"
#include "scsi/capacity.h"
#include "scsi/commands.h"
#include "scsi/configuration.h"
#include "scsi/disc_information.h"
#include "scsi/disc_structure.h"
#include "scsi/feature_descriptors.h"
#include "scsi/mode_pages.h"
#include "scsi/performance.h"
#include "scsi/toc.h"
#include "scsi/track_information.h"

namespace discwright {

namespace {

bool not_supported(const Error& e) {
    return e.code() == ErrorCode::CommandNotSupported ||
           (e.context().sense && e.context().sense->key == 0x05 &&
            (e.context().sense->asc == 0x20 || e.context().sense->asc == 0x24));
}

bool no_medium(const Error& e) {
    return e.code() == ErrorCode::MediaNoMedia;
}

} // namespace

Configuration DiscRecorder::configuration(FeatureScope scope) {
    if (m_impl->no_get_configuration)
        throw Error(ErrorCode::GetConfigurationNotSupported,
                    fmt::format("the drive at {} does not support GET CONFIGURATION (a pre-MMC-2 "
                                "drive): profiles and features are unknown",
                                address()))
            .with_drive(address());
    try {
        const auto request = scope == FeatureScope::CurrentOnly
                                 ? scsi::ConfigurationRequest::Current
                                 : scsi::ConfigurationRequest::All;
        const auto reply = m_impl->read_all(
            [&](u16 n) {
                return scsi::get_configuration({.request = request, .allocation_length = n});
            },
            8, [](std::span<const std::byte> r) { return scsi::reported_configuration_length(r); });
        return scsi::decode_configuration(reply);
    } catch (const Error& e) {
        if (!not_supported(e)) throw;
        m_impl->no_get_configuration = true;
        throw Error(ErrorCode::GetConfigurationNotSupported,
                    fmt::format("the drive at {} does not support GET CONFIGURATION: {}", address(),
                                e.message()))
            .with_drive(address());
    }
}

std::vector<Profile> DiscRecorder::supported_profiles() {
    std::vector<Profile> out;
    const Configuration c = configuration(FeatureScope::All);
    if (const FeatureDescriptor* list = c.find(FeatureCode::ProfileList))
        for (const ProfileDescriptor& p : scsi::decode_profile_list(*list))
            out.push_back(p.profile);
    return out;
}

std::vector<Profile> DiscRecorder::current_profiles() {
    std::vector<Profile> out;
    const Configuration c = configuration(FeatureScope::All);
    if (const FeatureDescriptor* list = c.find(FeatureCode::ProfileList))
        for (const ProfileDescriptor& p : scsi::decode_profile_list(*list))
            if (p.current) out.push_back(p.profile);
    // Some drives flag no profile as current but name it in the header (MMC-6 6.6.2.1).
    if (out.empty() && c.current_profile != Profile::Invalid) out.push_back(c.current_profile);
    return out;
}

Profile DiscRecorder::current_profile() {
    return configuration(FeatureScope::CurrentOnly).current_profile;
}

std::vector<FeatureCode> DiscRecorder::supported_feature_pages(FeatureScope scope) {
    std::vector<FeatureCode> out;
    for (const FeatureDescriptor& f : configuration(scope).features)
        if (scope == FeatureScope::All || f.current) out.push_back(f.code);
    return out;
}

std::vector<std::byte> DiscRecorder::feature_page(FeatureCode code, FeatureScope scope) {
    const auto reply =
        m_impl->runner->read(scsi::get_configuration({.request = scsi::ConfigurationRequest::One,
                                                      .starting_feature = code,
                                                      .allocation_length = 0xFFFF}));
    const Configuration c = scsi::decode_configuration(reply);
    const FeatureDescriptor* f = c.find(code);
    if (!f)
        throw Error(ErrorCode::NoSuchFeature,
                    fmt::format("the drive at {} does not report feature {} ({:#06x})", address(),
                                to_string(code), static_cast<u16>(code)))
            .with_drive(address());
    if (scope == FeatureScope::CurrentOnly && !f->current)
        throw Error(ErrorCode::FeatureIsNotCurrent,
                    fmt::format("feature {} of the drive at {} is not current for this medium",
                                to_string(code), address()))
            .with_drive(address());
    return scsi::encode_feature_descriptor(*f);
}

namespace {

ModeParameters read_mode_page(device::CommandRunner& runner, ModePageCode code,
                              ModePageControl control) {
    const auto reply = device::read_all(
        runner,
        [&](u16 n) {
            return scsi::mode_sense10(
                {.page_control = control, .page_code = code, .allocation_length = n});
        },
        8, [](std::span<const std::byte> r) { return scsi::reported_mode_parameters_length(r); });
    return scsi::decode_mode_parameters(reply);
}

} // namespace

std::vector<std::byte> DiscRecorder::mode_page(ModePageCode code, ModePageControl control) {
    ModeParameters params;
    try {
        params = read_mode_page(*m_impl->runner, code, control);
    } catch (const Error& e) {
        if (!not_supported(e)) throw;
        throw Error(ErrorCode::NoSuchModePage,
                    fmt::format("the drive at {} has no mode page {} ({:#04x}): {}", address(),
                                to_string(code), static_cast<u8>(code), e.message()))
            .with_drive(address());
    }
    const ModePage* page = params.find(code);
    if (!page)
        throw Error(ErrorCode::NoSuchModePage,
                    fmt::format("the drive at {} did not return mode page {} ({:#04x})", address(),
                                to_string(code), static_cast<u8>(code)))
            .with_drive(address());
    return scsi::encode_mode_page(*page);
}

void DiscRecorder::set_mode_page(std::span<const std::byte> page_bytes) {
    ModeParameters params;
    params.pages.push_back(scsi::decode_mode_page(page_bytes));
    const std::vector<std::byte> list = scsi::encode_mode_parameters(params);
    try {
        m_impl->runner->write(
            scsi::mode_select10({.parameter_list_length = static_cast<u16>(list.size())}), list);
    } catch (const Error& e) {
        if (e.code() != ErrorCode::InvalidModeParameters && !not_supported(e)) throw;
        throw Error(ErrorCode::InvalidModeParameters,
                    fmt::format("the drive at {} refused mode page {}: {}", address(),
                                to_string(params.pages.front().code), e.message()))
            .with_drive(address());
    }
}

std::vector<ModePageCode> DiscRecorder::supported_mode_pages(ModePageControl control) {
    std::vector<ModePageCode> out;
    try {
        for (const ModePage& p :
             read_mode_page(*m_impl->runner, ModePageCode::AllPages, control).pages)
            out.push_back(p.code);
        return out;
    } catch (const Error& e) {
        if (!not_supported(e)) throw;
    }
    // Drives that refuse "all pages" are asked page by page for the pages IMAPI names.
    for (ModePageCode code :
         {ModePageCode::ReadWriteErrorRecovery, ModePageCode::Mrw, ModePageCode::WriteParameters,
          ModePageCode::Caching, ModePageCode::PowerCondition,
          ModePageCode::InformationalExceptions, ModePageCode::TimeoutAndProtect,
          ModePageCode::CapabilitiesAndMechanicalStatus}) {
        try {
            if (read_mode_page(*m_impl->runner, code, control).find(code)) out.push_back(code);
        } catch (const Error& e) {
            if (!not_supported(e)) throw;
        }
    }
    return out;
}

CapabilitiesPage DiscRecorder::capabilities() {
    const ModeParameters params = read_mode_page(
        *m_impl->runner, ModePageCode::CapabilitiesAndMechanicalStatus, ModePageControl::Current);
    const ModePage* page = params.find(ModePageCode::CapabilitiesAndMechanicalStatus);
    if (!page)
        throw Error(ErrorCode::NoSuchModePage,
                    fmt::format("the drive at {} did not return mode page 2Ah", address()))
            .with_drive(address());
    return scsi::decode_capabilities_page(*page);
}

bool DiscRecorder::device_can_load_media() {
    // MMC-6 5.3.4: loading mechanism 000b caddy/slot cannot close by command; 001b tray can.
    try {
        const Configuration c = configuration(FeatureScope::All);
        if (const FeatureDescriptor* f = c.find(FeatureCode::RemovableMedium)) {
            const RemovableMediumFeature r = scsi::decode_removable_medium_feature(*f);
            return r.eject && r.loading_mechanism_type == 1;
        }
    } catch (const Error& e) {
        if (e.code() != ErrorCode::GetConfigurationNotSupported) throw;
    }
    const CapabilitiesPage caps = capabilities();
    return caps.eject && caps.loading_mechanism_type == 1;
}

bool DiscRecorder::media_present() {
    const scsi::CommandResult r = m_impl->runner->execute_raw(scsi::test_unit_ready(), {});
    if (r.good()) return true;
    try {
        m_impl->runner->write(scsi::test_unit_ready());
        return true;
    } catch (const Error& e) {
        if (no_medium(e)) return false;
        throw;
    }
}

MediaType DiscRecorder::current_media_type() {
    Profile p = Profile::Invalid;
    try {
        p = current_profile();
    } catch (const Error& e) {
        if (e.code() != ErrorCode::GetConfigurationNotSupported) throw;
        return MediaType::Unknown;
    }
    bool dual_layer = false;
    if (p == Profile::BdRSequential || p == Profile::BdRRandom || p == Profile::BdRe) {
        try {
            const auto body = read_dvd_structure(0, 0, 0, 0);
            const BdDiscInformation di = scsi::decode_bd_disc_information(body);
            dual_layer = di.number_of_layers > 1;
        } catch (const Error&) {
            // Without the disc structure the layer count is unknown; single layer is the
            // common case and only the nominal capacity depends on it.
        }
    }
    return device::media_type_for(p, dual_layer);
}

WriteProtectState DiscRecorder::write_protect_state() {
    WriteProtectState s = WriteProtectState::None;
    const Profile p = current_profile();
    if (p == Profile::Invalid) return s;
    if (!device::is_writable_profile(p)) s |= WriteProtectState::ReadOnlyMedia;
    try {
        const ModeParameters params =
            read_mode_page(*m_impl->runner, ModePageCode::CapabilitiesAndMechanicalStatus,
                           ModePageControl::Current);
        if (params.write_protected) s |= WriteProtectState::ByMediaSpecificReason;
    } catch (const Error& e) {
        if (!not_supported(e)) throw;
    }
    // MMC-6 5.3.5: the Write Protect feature's SWPP bit is the software write protect until
    // power down.
    const Configuration c = configuration(FeatureScope::All);
    if (const FeatureDescriptor* f = c.find(FeatureCode::WriteProtect); f && !f->data.empty())
        if ((std::to_integer<u8>(f->data[0]) & 0x01) != 0) s |= WriteProtectState::UntilPowerdown;
    return s;
}

MediaState DiscRecorder::media_state() {
    const Profile p = current_profile();
    if (p == Profile::Invalid) return MediaState::Unknown;
    std::optional<DiscInformation> disc;
    try {
        disc = disc_information();
    } catch (const Error& e) {
        if (!not_supported(e)) throw;
    }
    return device::media_state_for(p, disc, write_protect_state());
}

DiscInformation DiscRecorder::disc_information() {
    return scsi::decode_disc_information(disc_information_bytes());
}

std::vector<std::byte> DiscRecorder::disc_information_bytes() {
    return m_impl->read_all(
        [](u16 n) { return scsi::read_disc_information({.allocation_length = n}); }, 34,
        [](std::span<const std::byte> r) { return scsi::reported_disc_information_length(r); });
}

TrackInformation DiscRecorder::track_information(u32 address, TrackAddressType type) {
    return scsi::decode_track_information(track_information_bytes(address, type));
}

std::vector<std::byte> DiscRecorder::track_information_bytes(u32 address, TrackAddressType type) {
    return m_impl->read_all(
        [&](u16 n) {
            return scsi::read_track_information(
                {.type = type, .address = address, .allocation_length = n});
        },
        48,
        [](std::span<const std::byte> r) { return scsi::reported_track_information_length(r); });
}

Toc DiscRecorder::toc() {
    const auto reply = m_impl->read_all(
        [](u16 n) {
            return scsi::read_toc({.format = scsi::TocFormat::Toc, .allocation_length = n});
        },
        12, [](std::span<const std::byte> r) { return scsi::reported_toc_length(r); });
    return scsi::decode_toc(reply, TocAddressing::Lba);
}

std::optional<Atip> DiscRecorder::atip() {
    const Profile p = current_profile();
    if (p != Profile::CdR && p != Profile::CdRw) return std::nullopt;
    try {
        const auto reply = m_impl->read_all(
            [](u16 n) {
                return scsi::read_toc({.format = scsi::TocFormat::Atip, .allocation_length = n});
            },
            28, [](std::span<const std::byte> r) { return scsi::reported_toc_length(r); });
        return scsi::decode_atip(reply);
    } catch (const Error& e) {
        if (!not_supported(e)) throw;
        return std::nullopt;
    }
}

Capacity DiscRecorder::capacity() {
    return scsi::decode_capacity(m_impl->runner->read(scsi::read_capacity()));
}

FormatCapacities DiscRecorder::format_capacities() {
    return scsi::decode_format_capacities(
        m_impl->runner->read(scsi::read_format_capacities({.allocation_length = 0xFFFC})));
}

BufferCapacity DiscRecorder::buffer_capacity() {
    return scsi::decode_buffer_capacity(
        m_impl->runner->read(scsi::read_buffer_capacity({.allocation_length = 12})));
}

std::vector<WriteSpeedDescriptor> DiscRecorder::write_speed_descriptors() {
    const MediaType media = current_media_type();
    try {
        // Drives return at most the descriptors asked for, and some set the data length to
        // what they return rather than to what they have, so ask for plenty at once.
        constexpr u16 descriptors = 64;
        const auto reply = m_impl->runner->read(
            scsi::get_performance({.data_type = 0,
                                   .maximum_descriptors = descriptors,
                                   .type = scsi::PerformanceType::WriteSpeed}));
        return device::write_speed_descriptors_for(media,
                                                   scsi::decode_write_speed_performance(reply));
    } catch (const Error& e) {
        if (!not_supported(e)) throw;
    }
    // Older drives list their write speeds in mode page 2Ah instead (MMC-3 6.3.11).
    std::vector<WriteSpeedPerformance> speeds;
    for (const LogicalUnitWriteSpeed& s : capabilities().write_speeds)
        speeds.push_back({.wrc = s.rotation_control, .write_speed = s.write_speed});
    return device::write_speed_descriptors_for(media, speeds);
}

std::vector<std::byte> DiscRecorder::read_dvd_structure(u32 format, u32 address, u32 layer,
                                                        u32 agid) {
    const Profile p = current_profile();
    const bool bd = p == Profile::BdRom || p == Profile::BdRSequential || p == Profile::BdRRandom ||
                    p == Profile::BdRe;
    try {
        const auto reply = m_impl->read_all(
            [&](u16 n) {
                return scsi::read_disc_structure({.media_type = bd ? scsi::DiscStructureMedia::Bd
                                                                   : scsi::DiscStructureMedia::Dvd,
                                                  .address = address,
                                                  .layer_number = static_cast<u8>(layer),
                                                  .format_code = static_cast<u8>(format),
                                                  .allocation_length = n,
                                                  .agid = static_cast<u8>(agid & 3)});
            },
            4,
            [](std::span<const std::byte> r) { return scsi::reported_disc_structure_length(r); });
        return scsi::decode_disc_structure(reply).data;
    } catch (const Error& e) {
        if (!not_supported(e)) throw;
        throw Error(ErrorCode::DvdStructureNotPresent,
                    fmt::format("the drive at {} has no disc structure {:#04x} for this medium: {}",
                                this->address(), format, e.message()))
            .with_drive(this->address());
    }
}

void DiscRecorder::send_dvd_structure(u32 format, std::span<const std::byte> body) {
    const std::vector<std::byte> data = scsi::encode_disc_structure({{body.begin(), body.end()}});
    m_impl->runner->write(
        scsi::send_disc_structure({.format_code = static_cast<u8>(format),
                                   .parameter_list_length = static_cast<u16>(data.size())}),
        data);
}

} // namespace discwright
