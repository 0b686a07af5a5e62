#pragma once
// Physical media types (IMAPI_MEDIA_PHYSICAL_TYPE), their names on the command line, and the
// capacity an image for them may take.

#include <optional>
#include <string_view>

#include "discwright/types.h"

namespace discwright {

/// Values 0-19 are IMAPI's; dual-layer Blu-ray, which IMAPI folds into BdR/BdRe, uses the
/// third-party range IMAPI reserves (0x10000 and up).
enum class MediaType : u32 {
    Unknown = 0,
    CdRom = 1,
    CdR = 2,
    CdRw = 3,
    DvdRom = 4,
    DvdRam = 5,
    DvdPlusR = 6,
    DvdPlusRw = 7,
    DvdPlusRDualLayer = 8,
    DvdDashR = 9,
    DvdDashRw = 10,
    DvdDashRDualLayer = 11,
    Disk = 12,
    DvdPlusRwDualLayer = 13,
    HdDvdRom = 14,
    HdDvdR = 15,
    HdDvdRam = 16,
    BdRom = 17,
    BdR = 18,
    BdRe = 19,
    BdRDualLayer = 0x10000,
    BdReDualLayer = 0x10001,
};

/// "cd-r", "dvd+r-dl", "bd-re" ... as on the command line (DESIGN.md section 10).
[[nodiscard]] std::string_view to_string(MediaType m);
/// Parses a command-line media name; nullopt when unknown.
[[nodiscard]] std::optional<MediaType> parse_media_type(std::string_view name);
/// Data blocks (2048 bytes) a blank medium of this type holds for one data session, or nullopt
/// for media without image defaults (HD DVD, Disk, Unknown). Read-only types (cd-rom, dvd-rom,
/// bd-rom) answer with the capacity of their recordable kin, for images meant to be pressed.
/// Figures are the usual blank-media capacities drives report: 80-minute CD-R, 4.7 GB DVD, 25 GB BD
/// (BD-RE after default format).
[[nodiscard]] std::optional<BlockCount> nominal_capacity(MediaType m);
/// Kilobytes per second (1000-byte units, as MMC reports speeds) of "1x" for a medium: 176.4
/// for CD, 1385 for DVD, 4495.5 for BD, 9350 for HD DVD; 0 for Unknown and Disk.
[[nodiscard]] double one_x_kilobytes_per_second(MediaType m);

} // namespace discwright
