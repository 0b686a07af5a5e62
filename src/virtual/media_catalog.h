#pragma once
// What each kind of recordable medium is like, as one table per MediaType: the profiles a drive
// reports for it, its capacity, how it is recorded, the gaps a drive leaves between tracks and
// sessions, its 1x speed and the write speeds a drive offers for it. The medium model and the
// drive's answers read these facts; nothing else in virtual/ knows a medium by name.

#include <optional>
#include <span>

#include "discwright/media_type.h"
#include "discwright/mmc.h"
#include "discwright/types.h"

namespace discwright::virtual_recorder {

/// How a medium takes writes (MMC-6 4.3-4.5).
enum class RecordingKind : u8 {
    Sequential,          // CD-R/RW (TAO), DVD-R, DVD-RW sequential, DVD+R, BD-R SRM: at the NWA
    RestrictedOverwrite, // DVD-RW after FORMAT UNIT: anywhere, in whole 16-block ECC blocks
    Random,              // DVD+RW, DVD-RAM, BD-RE once formatted: any block
};

enum class MediumFamily : u8 { Cd, Dvd, Bd };

struct MediaSpec {
    MediaType type;
    MediumFamily family;
    /// The profile of a fresh medium and the one after a FORMAT UNIT (they differ for DVD-RW:
    /// MMC-6 Table 89, 0014h sequential, 0013h restricted overwrite after a quick format).
    Profile blank_profile;
    Profile formatted_profile;
    RecordingKind blank_kind;
    RecordingKind formatted_kind;
    bool rewritable;
    /// Random-writable media that must be formatted before the first WRITE (DVD+RW, BD-RE).
    bool needs_format;
    bool multisession;
    u32 layers;
    /// User data capacity of a blank medium in 2048-byte blocks (for media that are formatted:
    /// the default format's capacity), and the largest a format can give.
    u64 capacity_blocks;
    u64 max_format_blocks;
    /// Blocks a write is aligned to: the ECC block (DVD 16) or cluster (BD 32); 1 on CD.
    u32 write_unit;
    /// Blocks between the end of a closed track and the next track's start (CD TAO: run-out 2,
    /// link 1, run-in 4 and the rest of the 150-block pre-gap of the next track).
    u32 track_gap;
    /// Of which run-out blocks counted into the closed track and unreadable (MMC-6 4.2.3.7).
    u32 run_out;
    /// Blocks from the end of a session to the next session's start: lead-out (or border-out /
    /// closure) plus the next lead-in; the first closed session costs more on CD and DVD-R.
    u32 first_session_gap;
    u32 later_session_gap;
    /// 1x in kB/s (1000 bytes): CD 176.4, DVD 1385, BD 4495.5 (MMC-6 Annex A).
    double one_x_kbytes_per_second;
    /// Write speeds offered, fastest first, as multiples of 1x.
    std::span<const double> write_speeds_x;
};

/// The spec of a recordable media type, or nullopt for types the virtual recorder does not
/// model (ROM media, HD DVD, Disk, Unknown).
[[nodiscard]] std::optional<MediaSpec> media_spec(MediaType type);
/// The same, throwing InvalidParam naming the type when it is not modelled.
[[nodiscard]] const MediaSpec& require_media_spec(MediaType type);
/// Every modelled type, in MediaType order.
[[nodiscard]] std::span<const MediaSpec> all_media_specs();

/// A write speed in kB/s for `x` times the medium's 1x, as GET PERFORMANCE reports it.
[[nodiscard]] u32 kbytes_per_second(const MediaSpec& spec, double x);
/// 2048-byte blocks per second at 1x.
[[nodiscard]] double blocks_per_second_1x(const MediaSpec& spec);

} // namespace discwright::virtual_recorder
