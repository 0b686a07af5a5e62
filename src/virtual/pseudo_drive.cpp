#include "virtual/pseudo_drive.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <fmt/format.h>

#include "discwright/error.h"
#include "scsi/capacity.h"
#include "scsi/commands.h"
#include "scsi/configuration.h"
#include "scsi/disc_information.h"
#include "scsi/feature_descriptors.h"
#include "scsi/inquiry.h"
#include "scsi/mode_pages.h"
#include "scsi/performance.h"
#include "scsi/sense.h"
#include "scsi/toc.h"
#include "scsi/track_information.h"
#include "virtual/drive_sense.h"

namespace discwright::virtual_recorder {
namespace {

/// The largest block count a 32-bit LBA field can address.
constexpr u64 max_blocks = u64{1} << 32;
/// 16x DVD (1x = 1385 kB/s): see the header.
constexpr u32 nominal_speed = 16 * 1385;

/// MMC-6 6.26: the control nibble of a data track recorded uninterrupted.
constexpr u8 data_track_control = 4;
constexpr u8 lead_out_track = 0xAA;

const InquiryData identity{
    .peripheral_qualifier = 0,
    .peripheral_device_type = 5, // SPC-4: CD/DVD device, so hosts speak MMC to it
    .removable = true,
    .version = 6, // SPC-4
    .response_data_format = 2,
    .additional_length = 31,
    .vendor = "DISCWRIT",
    .product = "File PseudoDrive", // the field holds 16 characters
    .revision = "1.0",
};

enum class Access { ReadWrite, ReadOnly };

/// Copies as much of `reply` as the allocation length and the buffer allow (SPC-4 4.2.5.6:
/// a reply longer than the allocation length is cut, not an error).
u32 send(const scsi::Cdb& cdb, std::span<std::byte> data, std::span<const std::byte> reply) {
    const std::size_t n = std::min({reply.size(), std::size_t{cdb.transfer_length}, data.size()});
    std::copy_n(reply.begin(), n, data.begin());
    return static_cast<u32>(n);
}

DriveSense at_lba(DriveSense s, u64 lba) {
    s.information = static_cast<u32>(std::min<u64>(lba, 0xFFFFFFFFu));
    return s;
}

/// READ TOC with MSF = 1 gives addresses as 00h M S F; LBAs past 255 minutes saturate.
u32 toc_address(u64 lba, TocAddressing addressing) {
    if (addressing == TocAddressing::Lba) return static_cast<u32>(lba);
    constexpr u64 last_msf_lba = 255 * 60 * 75 + 59 * 75 + 74 - 150;
    return address_field_from_msf(Msf::from_lba(static_cast<i64>(std::min(lba, last_msf_lba))));
}

/// A CDB the scsi/ parsers refused: malformed fields, reserved values, a wrong length.
struct InvalidCdb {};

/// Runs a parser; its InvalidParam becomes InvalidCdb, so that an encoder's InvalidParam (a bug
/// here) is not mistaken for the host's fault.
template <class Parser> auto parse(Parser parser, const scsi::Cdb& cdb) {
    try {
        return parser(cdb);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::InvalidParam) throw InvalidCdb{};
        throw;
    }
}

class PseudoDrive final : public MmcTarget {
public:
    PseudoDrive(std::filesystem::path path, int fd, Access access, u64 recorded, u64 capacity)
        : m_path(std::move(path)), m_fd(fd), m_access(access), m_recorded(recorded),
          m_capacity(capacity) {}
    ~PseudoDrive() override {
        if (m_fd >= 0) close(m_fd);
    }
    PseudoDrive(const PseudoDrive&) = delete;
    PseudoDrive& operator=(const PseudoDrive&) = delete;

    scsi::CommandResult execute(const scsi::Cdb& cdb, std::span<std::byte> data) override {
        u32 transferred = 0;
        Outcome outcome;
        try {
            outcome = dispatch(cdb, data, transferred);
        } catch (const InvalidCdb&) {
            outcome = sense::invalid_field_in_cdb;
            transferred = 0;
        }
        scsi::CommandResult result;
        result.transferred = transferred;
        if (outcome) {
            result.status = scsi::ScsiStatus::CheckCondition;
            result.sense = scsi::encode_fixed_sense(outcome->key, outcome->asc, outcome->ascq,
                                                    outcome->information, outcome->progress);
        }
        return result;
    }

private:
    Outcome dispatch(const scsi::Cdb& cdb, std::span<std::byte> data, u32& transferred) {
        using scsi::Opcode;
        switch (static_cast<Opcode>(cdb.opcode())) {
        case Opcode::TestUnitReady:
            (void)parse(scsi::parse_test_unit_ready, cdb);
            return std::nullopt; // the medium is always there
        case Opcode::RequestSense:
            return request_sense(parse(scsi::parse_request_sense, cdb), cdb, data, transferred);
        case Opcode::Inquiry: {
            if (parse(scsi::parse_inquiry, cdb).evpd) return sense::invalid_field_in_cdb;
            transferred = send(cdb, data, scsi::encode_inquiry(identity));
            return std::nullopt;
        }
        case Opcode::GetConfiguration: {
            const auto p = parse(scsi::parse_get_configuration, cdb);
            transferred =
                send(cdb, data,
                     scsi::encode_configuration(configuration(), p.request, p.starting_feature));
            return std::nullopt;
        }
        case Opcode::ReadCapacity:
            (void)parse(scsi::parse_read_capacity, cdb);
            transferred = send(cdb, data,
                               scsi::encode_capacity(Capacity{
                                   .last_lba = static_cast<u32>(m_recorded ? m_recorded - 1 : 0),
                                   .block_length = block_size}));
            return std::nullopt;
        case Opcode::ReadFormatCapacities: {
            (void)parse(scsi::parse_read_format_capacities, cdb);
            FormatCapacities caps;
            caps.current = CurrentCapacityDescriptor{.number_of_blocks = capacity32(),
                                                     .type = CapacityDescriptorType::Formatted,
                                                     .block_length = block_size};
            transferred = send(cdb, data, scsi::encode_format_capacities(caps));
            return std::nullopt;
        }
        case Opcode::ReadDiscInformation:
            if (parse(scsi::parse_read_disc_information, cdb).type !=
                scsi::DiscInformationType::Standard)
                return sense::invalid_field_in_cdb;
            transferred = send(cdb, data, scsi::encode_disc_information(disc_information()));
            return std::nullopt;
        case Opcode::ReadTrackInformation:
            return read_track_information(parse(scsi::parse_read_track_information, cdb), cdb, data,
                                          transferred);
        case Opcode::ReadTocPmaAtip:
            return read_toc(parse(scsi::parse_read_toc, cdb), cdb, data, transferred);
        case Opcode::ModeSense10:
            return mode_sense(parse(scsi::parse_mode_sense10, cdb), cdb, data, transferred);
        case Opcode::GetPerformance:
            return get_performance(parse(scsi::parse_get_performance, cdb), cdb, data, transferred);
        case Opcode::Read10: {
            const auto p = parse(scsi::parse_read10, cdb);
            return read(p.lba, p.blocks, p.block_size, data, transferred);
        }
        case Opcode::Read12: {
            const auto p = parse(scsi::parse_read12, cdb);
            return read(p.lba, p.blocks, p.block_size, data, transferred);
        }
        case Opcode::Write10: {
            const auto p = parse(scsi::parse_write10, cdb);
            return write(p.lba, p.blocks, p.block_size, data, transferred);
        }
        case Opcode::Write12: {
            const auto p = parse(scsi::parse_write12, cdb);
            return write(p.lba, p.blocks, p.block_size, data, transferred);
        }
        case Opcode::Verify10: {
            const auto p = parse(scsi::parse_verify10, cdb);
            if (u64{p.lba} + p.blocks > m_recorded) return at_lba(sense::lba_out_of_range, p.lba);
            return std::nullopt;
        }
        case Opcode::SynchronizeCache:
            (void)parse(scsi::parse_synchronize_cache, cdb);
            if (m_fd >= 0 && m_access == Access::ReadWrite && fdatasync(m_fd) != 0)
                return sense::write_error;
            return std::nullopt;
        case Opcode::StartStopUnit: {
            const auto p = parse(scsi::parse_start_stop_unit, cdb);
            if (p.power_conditions == 0 && (p.action == scsi::StartStopAction::Eject ||
                                            p.action == scsi::StartStopAction::Load))
                return sense::invalid_field_in_cdb;
            return std::nullopt;
        }
        case Opcode::PreventAllowMediumRemoval:
            (void)parse(scsi::parse_prevent_allow_medium_removal, cdb);
            return std::nullopt;
        case Opcode::SetCdSpeed:
            (void)parse(scsi::parse_set_cd_speed, cdb);
            return std::nullopt;
        case Opcode::SetStreaming:
            (void)parse(scsi::parse_set_streaming, cdb);
            transferred = std::min<u32>(cdb.transfer_length, static_cast<u32>(data.size()));
            return std::nullopt;
        default:
            return sense::invalid_opcode;
        }
    }

    [[nodiscard]] u32 capacity32() const {
        return static_cast<u32>(std::min<u64>(m_capacity, max_blocks - 1));
    }
    [[nodiscard]] bool writable() const { return m_access == Access::ReadWrite; }

    Outcome request_sense(const scsi::RequestSenseCdb& p, const scsi::Cdb& cdb,
                          std::span<std::byte> data, u32& transferred) {
        // SPC-4 4.5.2: descriptor format is optional; a device without it refuses DESC = 1.
        if (p.desc) return sense::invalid_field_in_cdb;
        // Sense goes back with each CHECK CONDITION (autosense), so nothing is pending here.
        transferred =
            send(cdb, data, scsi::encode_fixed_sense(scsi::SenseKey::NoSense, 0, 0, {}, {}));
        return std::nullopt;
    }

    [[nodiscard]] Configuration configuration() const {
        const ProfileDescriptor profile{Profile::RemovableDisk, true};
        Configuration c;
        c.current_profile = Profile::RemovableDisk;
        c.features.push_back(scsi::make_profile_list(std::span(&profile, 1)));
        // Physical interface FFFFh, vendor unique: no bus lies between host and file.
        c.features.push_back(
            scsi::make_feature(CoreFeature{.physical_interface_standard = 0xFFFF}));
        c.features.push_back(scsi::make_feature(RemovableMediumFeature{}));
        c.features.push_back(scsi::make_feature(
            RandomReadableFeature{.logical_block_size = block_size, .blocking = 1, .pp = true},
            scsi::FeatureStatus::Current));
        c.features.push_back(scsi::make_feature(
            RandomWritableFeature{.last_lba = capacity32() ? capacity32() - 1 : 0,
                                  .logical_block_size = block_size,
                                  .blocking = 1,
                                  .pp = true},
            writable() ? scsi::FeatureStatus::Current : scsi::FeatureStatus::NotCurrent));
        return c;
    }

    [[nodiscard]] DiscInformation disc_information() const {
        DiscInformation d;
        d.erasable = writable();
        d.last_session_state = SessionState::Complete;
        d.disc_status = DiscStatus::Complete;
        d.first_track_on_disc = 1;
        d.number_of_sessions = 1;
        d.first_track_in_last_session = 1;
        d.last_track_in_last_session = 1;
        return d;
    }

    Outcome read_track_information(const scsi::ReadTrackInformationCdb& p, const scsi::Cdb& cdb,
                                   std::span<std::byte> data, u32& transferred) {
        switch (p.type) {
        case TrackAddressType::Lba:
            if (p.address >= m_capacity) return at_lba(sense::lba_out_of_range, p.address);
            break;
        case TrackAddressType::Track:
        case TrackAddressType::Session:
            // Track or session 1 is all there is; with Open = 1 there is no open track.
            if (p.address != 1 || p.open) return sense::invalid_field_in_cdb;
            break;
        }
        TrackInformation t;
        t.track_number = 1;
        t.session_number = 1;
        t.track_mode = data_track_control;
        t.data_mode = 1;
        t.track_start_address = 0;
        t.free_blocks = capacity32() - static_cast<u32>(std::min(m_recorded, m_capacity));
        t.track_size = capacity32();
        if (m_recorded > 0) t.last_recorded_address = static_cast<u32>(m_recorded - 1);
        transferred = send(cdb, data, scsi::encode_track_information(t));
        return std::nullopt;
    }

    Outcome read_toc(const scsi::ReadTocCdb& p, const scsi::Cdb& cdb, std::span<std::byte> data,
                     u32& transferred) {
        const auto addressing = p.msf ? TocAddressing::Msf : TocAddressing::Lba;
        const TocEntry track{.adr = 1,
                             .control = data_track_control,
                             .track_number = 1,
                             .address = toc_address(0, addressing)};
        switch (p.format) {
        case scsi::TocFormat::Toc: {
            // MMC-6 6.26.2.5: the TOC starts at the given track; AAh asks for the lead-out.
            if (p.track_session_number > 1 && p.track_session_number != lead_out_track)
                return sense::invalid_field_in_cdb;
            Toc toc;
            if (p.track_session_number <= 1) toc.entries.push_back(track);
            toc.entries.push_back(TocEntry{.adr = 1,
                                           .control = data_track_control,
                                           .track_number = lead_out_track,
                                           .address = toc_address(m_capacity, addressing)});
            transferred = send(cdb, data, scsi::encode_toc(toc));
            return std::nullopt;
        }
        case scsi::TocFormat::SessionInfo: {
            const SessionInfo info{.first_complete_session = 1,
                                   .last_complete_session = 1,
                                   .first_track_in_last_session = track};
            transferred = send(cdb, data, scsi::encode_session_info(info));
            return std::nullopt;
        }
        default:
            // Raw TOC, PMA, ATIP and CD-TEXT exist on CDs only.
            return sense::invalid_field_in_cdb;
        }
    }

    Outcome mode_sense(const scsi::ModeSense10Cdb& p, const scsi::Cdb& cdb,
                       std::span<std::byte> data, u32& transferred) {
        if (p.page_control == ModePageControl::Saved) return sense::saving_not_supported;
        if (p.subpage_code != 0 && p.subpage_code != 0xFF) return sense::invalid_field_in_cdb;
        if (p.page_code != ModePageCode::CapabilitiesAndMechanicalStatus &&
            p.page_code != ModePageCode::AllPages)
            return sense::invalid_field_in_cdb;
        CapabilitiesPage caps;
        if (p.page_control != ModePageControl::Changeable) {
            // Nothing in the page can be changed: its changeable mask stays all zero.
            caps.dvd_ram_read = true;
            caps.dvd_ram_write = writable();
            caps.multi_session = false;
            caps.loading_mechanism_type = 0; // caddy/slot: nothing to load or eject
            caps.max_write_speed = static_cast<u16>(std::min<u32>(nominal_speed, 0xFFFF));
            caps.current_write_speed = caps.max_write_speed;
            caps.current_write_speed_selected = caps.max_write_speed;
            caps.write_speeds.push_back(LogicalUnitWriteSpeed{
                .rotation_control = RotationControl::Clv, .write_speed = caps.max_write_speed});
        }
        ModeParameters params;
        params.write_protected = !writable();
        params.pages.push_back(scsi::encode_mode_page(caps));
        transferred = send(cdb, data, scsi::encode_mode_parameters(params));
        return std::nullopt;
    }

    Outcome get_performance(const scsi::GetPerformanceCdb& p, const scsi::Cdb& cdb,
                            std::span<std::byte> data, u32& transferred) {
        const u32 end_lba = capacity32() ? capacity32() - 1 : 0;
        switch (p.type) {
        case scsi::PerformanceType::Performance: {
            Performance perf;
            perf.write = (p.data_type & 0x04) != 0; // MMC-6 6.8.2.1: the Write bit
            // Except = 00b asks for nominal performance; other values for exceptions,
            // and a file has none.
            perf.except = (p.data_type & 0x03) != 0;
            if (!perf.except && p.maximum_descriptors > 0)
                perf.nominal.push_back(PerformanceDescriptor{.start_lba = 0,
                                                             .start_performance = nominal_speed,
                                                             .end_lba = end_lba,
                                                             .end_performance = nominal_speed});
            transferred = send(cdb, data, scsi::encode_performance(perf));
            return std::nullopt;
        }
        case scsi::PerformanceType::WriteSpeed: {
            std::vector<WriteSpeedPerformance> speeds;
            if (p.maximum_descriptors > 0)
                speeds.push_back(WriteSpeedPerformance{.wrc = RotationControl::Clv,
                                                       .exact = true,
                                                       .end_lba = end_lba,
                                                       .read_speed = nominal_speed,
                                                       .write_speed = nominal_speed});
            transferred = send(cdb, data, scsi::encode_write_speed_performance(speeds));
            return std::nullopt;
        }
        default:
            return sense::invalid_field_in_cdb;
        }
    }

    /// READ(10)/(12): only recorded blocks are readable.
    Outcome read(u32 lba, u32 blocks, u32 size, std::span<std::byte> data, u32& transferred) {
        if (size != block_size) return sense::invalid_field_in_cdb;
        if (u64{lba} + blocks > m_recorded) return at_lba(sense::lba_out_of_range, lba);
        const u64 bytes = u64{blocks} * block_size;
        if (bytes > data.size()) return sense::invalid_field_in_cdb;
        u64 done = 0;
        while (done < bytes) {
            const ssize_t n = pread(m_fd, data.data() + done, bytes - done,
                                    static_cast<off_t>(u64{lba} * block_size + done));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return at_lba(unrecovered_read_error, lba + done / block_size);
            if (n == 0) {
                // The file shrank under us: report the block that is gone.
                return at_lba(unrecovered_read_error, lba + done / block_size);
            }
            done += static_cast<u64>(n);
        }
        transferred = static_cast<u32>(bytes);
        return std::nullopt;
    }

    /// WRITE(10)/(12): anywhere below the capacity; a regular file grows.
    Outcome write(u32 lba, u32 blocks, u32 size, std::span<std::byte> data, u32& transferred) {
        if (size != block_size) return sense::invalid_field_in_cdb;
        if (!writable()) return sense::write_protected;
        if (u64{lba} + blocks > m_capacity) return at_lba(sense::lba_out_of_range, lba);
        const u64 bytes = u64{blocks} * block_size;
        if (bytes > data.size()) return sense::invalid_field_in_cdb;
        if (bytes == 0) return std::nullopt;
        if (m_fd < 0) {
            m_fd = open(m_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
            if (m_fd < 0) return at_lba(sense::write_error, lba);
        }
        u64 done = 0;
        while (done < bytes) {
            const ssize_t n = pwrite(m_fd, data.data() + done, bytes - done,
                                     static_cast<off_t>(u64{lba} * block_size + done));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                m_recorded = std::max(m_recorded, lba + done / block_size);
                return at_lba(sense::write_error, lba + done / block_size);
            }
            done += static_cast<u64>(n);
        }
        m_recorded = std::max(m_recorded, u64{lba} + blocks);
        transferred = static_cast<u32>(bytes);
        return std::nullopt;
    }

    /// SPC-4 Annex D: 11h/00h UNRECOVERED READ ERROR.
    static constexpr DriveSense unrecovered_read_error =
        sense::make(scsi::SenseKey::MediumError, 0x11, 0x00);

    std::filesystem::path m_path;
    int m_fd = -1;
    Access m_access;
    u64 m_recorded = 0; // blocks the file holds
    u64 m_capacity = 0; // blocks the medium may hold
};

[[noreturn]] void fail(ErrorCode code, const std::filesystem::path& path, std::string_view why) {
    throw Error(code, fmt::format("pseudo-drive cannot be opened: {} ({})", why, path.string()))
        .with_path(path.string())
        .with_drive("file:" + path.string());
}

} // namespace

std::unique_ptr<MmcTarget> open_pseudo_drive(const std::filesystem::path& path,
                                             const PseudoDriveOptions& options) {
    Access access = Access::ReadWrite;
    int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0 && (errno == EACCES || errno == EROFS)) {
        fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
        access = Access::ReadOnly;
    }
    if (fd < 0 && errno == EISDIR)
        fail(ErrorCode::RecorderNotFound, path, "neither a regular file nor a block device");
    if (fd < 0 && errno != ENOENT) fail(ErrorCode::TransportFailure, path, std::strerror(errno));

    struct stat st {};
    if (fd >= 0 && fstat(fd, &st) != 0) {
        const int err = errno;
        close(fd);
        fail(ErrorCode::TransportFailure, path, std::strerror(err));
    }
    if (fd >= 0 && S_ISBLK(st.st_mode)) {
        u64 bytes = 0;
        if (ioctl(fd, BLKGETSIZE64, &bytes) != 0) {
            const int err = errno;
            close(fd);
            fail(ErrorCode::TransportFailure, path,
                 fmt::format("BLKGETSIZE64: {}", std::strerror(err)));
        }
        const u64 blocks = std::min(bytes / block_size, max_blocks - 1);
        return std::make_unique<PseudoDrive>(path, fd, access, blocks, blocks);
    }
    if (fd >= 0 && !S_ISREG(st.st_mode)) {
        close(fd);
        fail(ErrorCode::RecorderNotFound, path, "neither a regular file nor a block device");
    }

    // A regular file, or none yet: the first WRITE creates it.
    const u64 size = fd >= 0 ? static_cast<u64>(st.st_size) : 0;
    const std::filesystem::path folder =
        fd >= 0 ? path.parent_path() : std::filesystem::absolute(path).parent_path();
    u64 maximum = 0;
    if (options.maximum_bytes) {
        maximum = *options.maximum_bytes;
    } else {
        struct statvfs fs {};
        const std::string where = folder.empty() ? std::string(".") : folder.string();
        if (statvfs(where.c_str(), &fs) != 0) {
            const int err = errno;
            if (fd >= 0) close(fd);
            fail(err == ENOENT ? ErrorCode::RecorderNotFound : ErrorCode::TransportFailure, path,
                 fmt::format("its folder: {}", std::strerror(err)));
        }
        maximum = size + u64{fs.f_bavail} * fs.f_frsize;
    }
    if (fd < 0) {
        std::error_code ec;
        if (!std::filesystem::is_directory(folder, ec))
            fail(ErrorCode::RecorderNotFound, path, "its folder does not exist");
    }
    const u64 recorded = std::min(size / block_size, max_blocks - 1);
    const u64 capacity = std::clamp(maximum / block_size, recorded, max_blocks - 1);
    return std::make_unique<PseudoDrive>(path, fd, access, recorded, capacity);
}

} // namespace discwright::virtual_recorder
