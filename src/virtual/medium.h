#pragma once
// The state of a virtual medium and what may be done to it: sessions and tracks, the next
// writable address, formatting, blanking, closing. Pure: no files, no clock, no threads. Each
// operation answers as a drive would (a DriveSense) instead of throwing, and changes nothing
// when it refuses. MMC-6 4.3 (CD), 4.4-4.5 (DVD), 4.6 (BD) describe the state machine: a
// sequential medium goes blank -> appendable (an open or closed session and an invisible track
// at the NWA) -> complete (finalized); random-writable media have one track once formatted.

#include <optional>
#include <vector>

#include "discwright/media_type.h"
#include "virtual/drive_sense.h"
#include "virtual/media_catalog.h"

namespace discwright::virtual_recorder {

enum class TrackState : u8 {
    Reserved,   // RESERVE TRACK gave it a size; may be partly written
    Incomplete, // written from its start, no reservation, not closed: the invisible track
    Complete,   // closed
};

/// A track as recorded in the metadata.
struct TrackRecord {
    u64 start = 0;
    /// Reserved size, or once complete the final size (CD: including the run-out blocks).
    u64 size = 0;
    /// Blocks written from `start`; the track's NWA is start + written.
    u64 written = 0;
    TrackState state = TrackState::Incomplete;
    bool operator==(const TrackRecord&) const = default;
};

struct SessionRecord {
    std::vector<TrackRecord> tracks = {};
    bool closed = false;
    bool operator==(const SessionRecord&) const = default;
};

/// Everything persisted about a medium; Medium checks it before using it.
struct MediumRecord {
    MediaType type = MediaType::CdR;
    bool formatted = false;
    /// User capacity in blocks: blank capacity, or the formatted size.
    u64 capacity = 0;
    bool finalized = false;
    bool write_protected = false;
    /// Sequential media: where the next (invisible) track starts.
    u64 next_start = 0;
    /// Random and restricted-overwrite media: one past the highest block written.
    u64 recorded_end = 0;
    std::vector<SessionRecord> sessions = {};
    bool operator==(const MediumRecord&) const = default;
};

/// How a track looks to READ TRACK INFORMATION (MMC-6 6.27.3).
enum class TrackStatus : u8 {
    Invisible, // the track at the NWA of an appendable disc, possibly being written
    Reserved,  // reserved, possibly partly written
    Complete,  // closed (or the one track of a formatted random-writable medium)
};

struct TrackView {
    u32 number = 0;
    u32 session = 0;
    u64 start = 0;
    /// Blocks the track spans (the invisible track: up to the end of the medium).
    u64 size = 0;
    u64 written = 0;
    TrackStatus status = TrackStatus::Complete;
    std::optional<u64> next_writable = std::nullopt;
    u64 free_blocks = 0;
    /// Blocks from `start` that READ may return (CD: not the run-out).
    u64 readable = 0;
    [[nodiscard]] bool blank() const { return written == 0; }
};

struct SessionView {
    u32 number = 0;
    bool closed = false;
    u32 first_track = 0;
    u32 last_track = 0;
    u64 start = 0;
    /// One past the last block of its last track (where a CD's lead-out begins).
    u64 end = 0;
};

enum class SessionClosing : u8 { KeepAppendable, Finalize };
enum class BlankType : u8 { Full, Minimal };

struct FormatRequest {
    u8 format_type = 0; // MMC-6 6.5.4.2 format type (6 bits)
    u64 blocks = 0;     // number of blocks from the format descriptor
};

class Medium {
public:
    /// A fresh medium of a recordable type (throws InvalidParam for others); DVD-RAM comes
    /// formatted from the factory, DVD+RW and BD-RE need a FORMAT UNIT first.
    [[nodiscard]] static Medium blank(MediaType type);
    /// A medium from its persisted record; InvalidParam naming the problem when the record is
    /// inconsistent (overlapping tracks, sizes past the capacity, an unknown type ...).
    [[nodiscard]] static Medium from_record(MediumRecord record);

    [[nodiscard]] const MediumRecord& record() const { return m_record; }
    [[nodiscard]] const MediaSpec& spec() const { return *m_spec; }
    [[nodiscard]] MediaType type() const { return m_record.type; }
    [[nodiscard]] Profile profile() const;
    [[nodiscard]] RecordingKind kind() const;
    [[nodiscard]] bool formatted() const { return m_record.formatted; }
    [[nodiscard]] u64 capacity() const { return m_record.capacity; }
    [[nodiscard]] bool write_protected() const { return m_record.write_protected; }
    void set_write_protected(bool on) { m_record.write_protected = on; }

    /// MMC-6 6.22.3.1: Disc Status (Other for formatted random-writable and restricted
    /// overwrite media) and State of Last Session.
    [[nodiscard]] DiscStatus disc_status() const;
    [[nodiscard]] SessionState last_session_state() const;
    /// Every track, numbered from 1, including the invisible track of an appendable disc.
    [[nodiscard]] std::vector<TrackView> tracks() const;
    /// Recorded sessions plus, on an appendable disc, the empty or open last one.
    [[nodiscard]] std::vector<SessionView> sessions() const;
    [[nodiscard]] std::optional<TrackView> track(u32 number) const;
    [[nodiscard]] std::optional<TrackView> track_containing(u64 lba) const;
    /// The NWA of the invisible track (sequential) or of the one track (others).
    [[nodiscard]] std::optional<u64> next_writable() const;
    [[nodiscard]] u64 free_blocks() const;
    /// The last block holding data, if any (READ CAPACITY on sequential media).
    [[nodiscard]] std::optional<u64> last_recorded() const;
    /// Blocks a host may read: sequential: up to the end of the last written track data.
    [[nodiscard]] u64 readable_end() const;

    /// May `count` blocks be written at `lba`? Changes nothing.
    [[nodiscard]] Outcome check_write(u64 lba, u64 count) const;
    /// Records `count` blocks written at `lba` (after check_write accepted at least those).
    void commit_write(u64 lba, u64 count);
    [[nodiscard]] Outcome check_read(u64 lba, u64 count) const;

    [[nodiscard]] Outcome reserve_track(u64 blocks);
    /// Closes track `number`; 0xFF (and on CD 0) names the open track.
    [[nodiscard]] Outcome close_track(u32 number);
    [[nodiscard]] Outcome close_session(SessionClosing how);
    [[nodiscard]] Outcome blank_medium(BlankType type);
    [[nodiscard]] Outcome format(const FormatRequest& request);
    /// The format types this medium accepts now, with their block counts (READ FORMAT
    /// CAPACITIES' formattable descriptors).
    [[nodiscard]] std::vector<FormatRequest> formattable() const;

private:
    explicit Medium(MediumRecord record);
    [[nodiscard]] bool sequential() const { return kind() == RecordingKind::Sequential; }
    [[nodiscard]] SessionRecord* open_session();
    [[nodiscard]] const SessionRecord* open_session() const;
    [[nodiscard]] u64 align_up(u64 blocks) const;
    void complete_track(TrackRecord& track);
    void close_open_session(SessionClosing how);
    MediumRecord m_record;
    const MediaSpec* m_spec;
};

} // namespace discwright::virtual_recorder
