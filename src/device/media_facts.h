#pragma once
// What IMAPI reports about a medium, derived from what MMC reports: the physical media type from
// the current profile, the data writer's media state from disc information, and write speeds in
// IMAPI's sectors per second from GET PERFORMANCE's kilobytes per second. Pure functions, so the
// rules are tested without a drive and every transport gets the same answers.

#include <optional>
#include <vector>

#include "discwright/disc_recorder.h"
#include "discwright/media_state.h"
#include "discwright/media_type.h"
#include "discwright/mmc.h"

namespace discwright::device {

/// IMAPI CurrentPhysicalMediaType for a current profile. `dual_layer` tells BD-R/RE DL apart
/// (their profile is the single-layer one; the layer count comes from the disc structure).
[[nodiscard]] MediaType media_type_for(Profile current, bool dual_layer = false);

/// True for profiles the data writer can write (everything recordable or rewritable).
[[nodiscard]] bool is_writable_profile(Profile p);
/// True for profiles written in place (no sessions): DVD+RW, DVD-RAM, BD-RE, restricted
/// overwrite DVD-RW, BD-R in random recording mode, and disks.
[[nodiscard]] bool is_overwrite_profile(Profile p);

/// IMAPI_FORMAT2_DATA_MEDIA_STATE from the current profile, disc information (absent when the
/// drive could not give it) and write protection.
[[nodiscard]] MediaState media_state_for(Profile current,
                                         const std::optional<DiscInformation>& disc,
                                         WriteProtectState protection);

/// Bytes per "sector" in IMAPI's speed unit for a medium: 2352 for CD (1x = 75 sectors/s =
/// 176.4 kB/s), 2048 for the rest (1x DVD 1385 kB/s = 676 sectors/s; 1x BD 4495.5 kB/s).
[[nodiscard]] u32 speed_sector_bytes(MediaType m);

/// IWriteSpeedDescriptor list from GET PERFORMANCE type 03h descriptors, fastest first,
/// duplicates removed.
[[nodiscard]] std::vector<WriteSpeedDescriptor>
write_speed_descriptors_for(MediaType m, const std::vector<WriteSpeedPerformance>& reported);

} // namespace discwright::device
