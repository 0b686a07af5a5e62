#include "discwright/media_type.h"

namespace discwright {

namespace {

struct MediaInfo {
    MediaType type;
    std::string_view name;
    u64 blocks; // 0: not written by discwright
};

// Blank-media data capacities in 2048-byte blocks, as drives report them: an 80-minute CD-R
// (lead-out at 79:59:74, less the 150-sector post-gap of a data track); single-layer DVD±R/RW
// 4.7 GB; DVD-RAM 4.7 GB formatted; DVD+R DL and DVD-R DL 8.5 GB; BD-R 25/50 GB without spare
// areas; BD-RE 25/50 GB with the default spare areas of a format.
constexpr MediaInfo media_table[] = {
    {MediaType::Unknown, "unknown", 0},
    {MediaType::CdRom, "cd-rom", 359'847},
    {MediaType::CdR, "cd-r", 359'847},
    {MediaType::CdRw, "cd-rw", 359'847},
    {MediaType::DvdRom, "dvd-rom", 2'298'496},
    {MediaType::DvdRam, "dvd-ram", 2'236'704},
    {MediaType::DvdPlusR, "dvd+r", 2'295'104},
    {MediaType::DvdPlusRw, "dvd+rw", 2'295'104},
    {MediaType::DvdPlusRDualLayer, "dvd+r-dl", 4'173'824},
    {MediaType::DvdDashR, "dvd-r", 2'298'496},
    {MediaType::DvdDashRw, "dvd-rw", 2'298'496},
    {MediaType::DvdDashRDualLayer, "dvd-r-dl", 4'171'712},
    {MediaType::Disk, "disk", 0},
    {MediaType::DvdPlusRwDualLayer, "dvd+rw-dl", 4'173'824},
    {MediaType::HdDvdRom, "hddvd-rom", 0},
    {MediaType::HdDvdR, "hddvd-r", 0},
    {MediaType::HdDvdRam, "hddvd-ram", 0},
    {MediaType::BdRom, "bd-rom", 12'219'392},
    {MediaType::BdR, "bd-r", 12'219'392},
    {MediaType::BdRe, "bd-re", 11'826'176},
    {MediaType::BdRDualLayer, "bd-r-dl", 24'438'784},
    {MediaType::BdReDualLayer, "bd-re-dl", 23'652'352},
};

} // namespace

std::string_view to_string(MediaType m) {
    for (const auto& i : media_table)
        if (i.type == m) return i.name;
    return "unknown";
}

std::optional<MediaType> parse_media_type(std::string_view name) {
    for (const auto& i : media_table)
        if (i.name == name && i.type != MediaType::Unknown) return i.type;
    return std::nullopt;
}

std::optional<BlockCount> nominal_capacity(MediaType m) {
    for (const auto& i : media_table)
        if (i.type == m && i.blocks) return BlockCount{i.blocks};
    return std::nullopt;
}

double one_x_kilobytes_per_second(MediaType m) {
    switch (m) {
    case MediaType::CdRom:
    case MediaType::CdR:
    case MediaType::CdRw:
        return 176.4;
    case MediaType::DvdRom:
    case MediaType::DvdRam:
    case MediaType::DvdPlusR:
    case MediaType::DvdPlusRw:
    case MediaType::DvdPlusRDualLayer:
    case MediaType::DvdDashR:
    case MediaType::DvdDashRw:
    case MediaType::DvdDashRDualLayer:
    case MediaType::DvdPlusRwDualLayer:
        return 1385.0;
    case MediaType::BdRom:
    case MediaType::BdR:
    case MediaType::BdRe:
    case MediaType::BdRDualLayer:
    case MediaType::BdReDualLayer:
        return 4495.5;
    case MediaType::HdDvdRom:
    case MediaType::HdDvdR:
    case MediaType::HdDvdRam:
        return 9350.0; // 36.55 Mbit/s user data
    default:
        return 0;
    }
}

} // namespace discwright
