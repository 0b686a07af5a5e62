#pragma once
// The virtual recorder's drive: an MmcTarget that answers MMC commands over a file-backed
// medium (DESIGN.md section 5). CDBs are read with the scsi/ parsers and replies written with
// the scsi/ encoders, so the host's decoders and the drive's encoders are the same code.
//
// The work is split by command family: virtual_drive.cpp (dispatch, readiness, sense, long
// operations), virtual_drive_info.cpp (identity, configuration, speeds, mode pages, events),
// virtual_drive_media.cpp (disc, track, TOC, capacities, structures) and
// virtual_drive_write.cpp (reading, writing, closing, blanking, formatting, the tray).
//
// Commands run one at a time (a mutex), as on a real drive's single command queue. Long
// operations started with IMMED (BLANK, FORMAT UNIT) change the medium at once but report
// progress: every TEST UNIT READY or REQUEST SENSE advances it by 10%, so hosts that poll see
// 0%..90% and then GOOD, without the test depending on time.
//
// Several drives (processes, or objects in one process) may have the same medium open, as
// initiators share a drive. Each command but INQUIRY takes the medium lock (MediumStore) and,
// when another holder saved since, reloads the state first; it releases the lock afterwards
// unless it left unsaved state (WRITEs not yet followed by SYNCHRONIZE CACHE or CLOSE), so a
// burn holds the medium from its first WRITE to its save and no one sees a torn state. A
// command that finds the lock held answers NOT READY, LONG WRITE IN PROGRESS (02/04/08).
// A change made by another process to the tray or the medium reaches the host as one UNIT
// ATTENTION, as a medium change in the drive does.

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "discwright/mmc.h"
#include "scsi/commands.h"
#include "virtual/fault_plan.h"
#include "virtual/medium.h"
#include "virtual/medium_store.h"
#include "virtual/mmc_target.h"
#include "virtual/throttle.h"

namespace discwright::virtual_recorder {

/// INQUIRY identity of the virtual recorder.
inline constexpr std::string_view drive_vendor = "DISCWRIT";
inline constexpr std::string_view drive_product = "Virtual Recorder";
inline constexpr std::string_view drive_revision = "1.0";
/// Bytes of the simulated drive buffer (READ BUFFER CAPACITY, mode page 2Ah).
inline constexpr u32 drive_buffer_bytes = 2 * 1024 * 1024;

class VirtualDrive final : public MmcTarget {
public:
    explicit VirtualDrive(MediumStore store);
    /// Saves unsaved writes (unless the drive lost power) and releases the medium's lock.
    ~VirtualDrive() override;
    VirtualDrive(const VirtualDrive&) = delete;
    VirtualDrive& operator=(const VirtualDrive&) = delete;

    scsi::CommandResult execute(const scsi::Cdb& cdb, std::span<std::byte> data) override;

    /// The medium in the drive as of this drive's last command, for tests and the CLI;
    /// nullopt with the tray open or empty.
    [[nodiscard]] std::optional<Medium> medium() const;

private:
    /// What a handler did: sense (nullopt for GOOD) and the bytes its data phase moved.
    struct Answer {
        Outcome sense;
        u32 transferred = 0;
    };
    struct LongOperation {
        DriveSense not_ready; // 02/04/04 format or 02/04/07 operation in progress
        u32 polls = 0;
    };

    Answer dispatch(const scsi::Cdb& cdb, std::span<std::byte> data);
    [[nodiscard]] static bool needs_medium(scsi::Opcode op);
    [[nodiscard]] Outcome readiness() const;
    [[nodiscard]] std::optional<DriveSense> long_operation_sense() const;
    /// One TEST UNIT READY / REQUEST SENSE poll of a running long operation.
    void advance_long_operation();
    static Answer reply(const scsi::Cdb& cdb, std::span<std::byte> data,
                        std::span<const std::byte> bytes);
    static scsi::CommandResult result_of(const Answer& answer);
    void save();
    [[noreturn]] void lose_power();
    /// Whether this drive's state differs from what the store last saved or loaded.
    [[nodiscard]] bool unsaved() const;
    /// Takes the state another process saved, with a unit attention when the medium changed.
    void reload();
    void release_unless_unsaved();
    void medium_changed(MediaEventCode event);
    [[nodiscard]] Medium& medium_ref() { return *m_medium; }
    [[nodiscard]] const MediaSpec* spec() const;
    [[nodiscard]] std::optional<double> pacing_rate() const;

    // virtual_drive.cpp
    Answer test_unit_ready();
    Answer request_sense(const scsi::Cdb& cdb, std::span<std::byte> data);
    // virtual_drive_info.cpp
    Answer inquiry(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer get_configuration(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer get_performance(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer mode_sense(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer mode_select(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer event_status(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer buffer_capacity(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer set_cd_speed(const scsi::Cdb& cdb);
    Answer set_streaming(const scsi::Cdb& cdb, std::span<std::byte> data);
    [[nodiscard]] Configuration configuration() const;
    [[nodiscard]] std::vector<ModePage> mode_pages(ModePageControl control) const;
    // virtual_drive_media.cpp
    Answer disc_information(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer track_information(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer read_toc(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer read_capacity(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer format_capacities(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer disc_structure(const scsi::Cdb& cdb, std::span<std::byte> data);
    // virtual_drive_write.cpp
    Answer write(u64 lba, u64 blocks, u32 block_bytes, std::span<std::byte> data);
    Answer read(u64 lba, u64 blocks, u32 block_bytes, std::span<std::byte> data);
    Answer read_cd(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer verify(const scsi::Cdb& cdb);
    Answer synchronize_cache(const scsi::Cdb& cdb);
    Answer close_track_session(const scsi::Cdb& cdb);
    Answer reserve_track(const scsi::Cdb& cdb);
    Answer send_cue_sheet(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer blank(const scsi::Cdb& cdb);
    Answer format_unit(const scsi::Cdb& cdb, std::span<std::byte> data);
    Answer start_stop(const scsi::Cdb& cdb);
    Answer prevent_allow(const scsi::Cdb& cdb);

    mutable std::mutex m_mutex;
    MediumStore m_store;
    bool m_tray_open = false;
    std::optional<Medium> m_medium;
    FaultInjector m_faults;
    std::optional<double> m_throttle_x;
    Throttle m_throttle;
    bool m_prevent_removal = false;
    bool m_power_lost = false;
    bool m_unit_attention = false;
    std::optional<MediaEventCode> m_media_event;
    std::optional<LongOperation> m_long_operation;
    WriteParametersPage m_write_parameters;
    ErrorRecoveryPage m_error_recovery;
    /// The write speed chosen by SET CD SPEED / SET STREAMING, kB/s; nullopt: the fastest.
    std::optional<u32> m_write_speed_kbytes;
    /// SEND CUE SHEET was accepted: writes into the pre-gap (LBA -150..-1) are taken and
    /// dropped, as a drive records them in the lead-in area no LBA reaches.
    bool m_cue_sheet = false;
};

/// Opens the virtual recorder whose medium is at `path` (see discwright/virtual_recorder.h for
/// the files and locking): RecorderNotFound or InvalidParam as MediumStore::open. Opening takes
/// no lock, so it succeeds while another process burns on the medium.
[[nodiscard]] std::unique_ptr<MmcTarget> open_virtual_drive(const std::filesystem::path& path);

} // namespace discwright::virtual_recorder
