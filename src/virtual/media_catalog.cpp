#include "virtual/media_catalog.h"

#include <array>
#include <cmath>

#include <fmt/format.h>

#include "discwright/error.h"

namespace discwright::virtual_recorder {

namespace {

constexpr double cd_1x = 176.4;   // 75 frames of 2352 bytes a second
constexpr double dvd_1x = 1385.0; // ECMA-267 channel rate of user data
constexpr double bd_1x = 4495.5;

constexpr std::array<double, 5> cd_r_speeds{48, 40, 32, 24, 16};
constexpr std::array<double, 4> cd_rw_speeds{24, 16, 10, 4};
constexpr std::array<double, 4> dvd_r_speeds{16, 12, 8, 4};
constexpr std::array<double, 3> dvd_rw_speeds{6, 4, 2};
constexpr std::array<double, 3> dvd_r_dl_speeds{8, 4, 2.4};
constexpr std::array<double, 3> dvd_plus_rw_speeds{8, 4, 2.4};
constexpr std::array<double, 3> dvd_ram_speeds{5, 3, 2};
constexpr std::array<double, 5> bd_r_speeds{12, 8, 6, 4, 2};
constexpr std::array<double, 3> bd_r_dl_speeds{8, 6, 4};
constexpr std::array<double, 1> bd_re_speeds{2};

// Capacities are the ones drives report for the common blank media: an 80-minute CD
// (last possible lead-out start 79:59:74 = LBA 359,849), 4.7 GB DVD-R/RW (2,298,496),
// DVD+R/RW (2,295,104), DVD+R DL (4,173,824), DVD-RAM 4.7 GB formatted (2,236,704), BD-R 25 GB
// (12,219,392), BD-RE 25 GB in its default format with spare areas (11,826,176), and twice
// that for dual-layer BD. Session gaps: CD lead-out 6,750 blocks (first) or 2,250 (later) plus
// the next lead-in 4,500 and pre-gap 150; DVD-R border zones of about 32 MiB (first) and 6 MiB;
// DVD+R closure and next intro of about 4 MiB; BD-R SRM sessions lie inside the data zone and
// only round up to the next cluster. MMC leaves these to the medium's book, so they are
// modelled on what drives report, not quoted from a standard.
constexpr std::array<MediaSpec, 12> all_specs{{
    {MediaType::CdR, MediumFamily::Cd, Profile::CdR, Profile::CdR, RecordingKind::Sequential,
     RecordingKind::Sequential, false, false, true, 1, 359'849, 359'849, 1, 150, 2, 11'400, 6'900,
     cd_1x, cd_r_speeds},
    {MediaType::CdRw, MediumFamily::Cd, Profile::CdRw, Profile::CdRw, RecordingKind::Sequential,
     RecordingKind::Sequential, true, false, true, 1, 359'849, 359'849, 1, 150, 2, 11'400, 6'900,
     cd_1x, cd_rw_speeds},
    {MediaType::DvdRam, MediumFamily::Dvd, Profile::DvdRam, Profile::DvdRam, RecordingKind::Random,
     RecordingKind::Random, true, false, false, 1, 2'236'704, 2'236'704, 16, 0, 0, 0, 0, dvd_1x,
     dvd_ram_speeds},
    {MediaType::DvdPlusR, MediumFamily::Dvd, Profile::DvdPlusR, Profile::DvdPlusR,
     RecordingKind::Sequential, RecordingKind::Sequential, false, false, true, 1, 2'295'104,
     2'295'104, 16, 0, 0, 2'048, 2'048, dvd_1x, dvd_r_speeds},
    {MediaType::DvdPlusRw, MediumFamily::Dvd, Profile::DvdPlusRw, Profile::DvdPlusRw,
     RecordingKind::Random, RecordingKind::Random, true, true, false, 1, 2'295'104, 2'295'104, 16,
     0, 0, 0, 0, dvd_1x, dvd_plus_rw_speeds},
    {MediaType::DvdPlusRDualLayer, MediumFamily::Dvd, Profile::DvdPlusRDualLayer,
     Profile::DvdPlusRDualLayer, RecordingKind::Sequential, RecordingKind::Sequential, false, false,
     true, 2, 4'173'824, 4'173'824, 16, 0, 0, 2'048, 2'048, dvd_1x, dvd_r_dl_speeds},
    {MediaType::DvdDashR, MediumFamily::Dvd, Profile::DvdDashR, Profile::DvdDashR,
     RecordingKind::Sequential, RecordingKind::Sequential, false, false, true, 1, 2'298'496,
     2'298'496, 16, 0, 0, 16'384, 3'072, dvd_1x, dvd_r_speeds},
    {MediaType::DvdDashRw, MediumFamily::Dvd, Profile::DvdDashRwSequential,
     Profile::DvdDashRwRestrictedOverwrite, RecordingKind::Sequential,
     RecordingKind::RestrictedOverwrite, true, false, true, 1, 2'298'496, 2'298'496, 16, 0, 0,
     16'384, 3'072, dvd_1x, dvd_rw_speeds},
    {MediaType::BdR, MediumFamily::Bd, Profile::BdRSequential, Profile::BdRSequential,
     RecordingKind::Sequential, RecordingKind::Sequential, false, false, true, 1, 12'219'392,
     12'219'392, 32, 0, 0, 0, 0, bd_1x, bd_r_speeds},
    {MediaType::BdRe, MediumFamily::Bd, Profile::BdRe, Profile::BdRe, RecordingKind::Random,
     RecordingKind::Random, true, true, false, 1, 11'826'176, 12'219'392, 32, 0, 0, 0, 0, bd_1x,
     bd_re_speeds},
    {MediaType::BdRDualLayer, MediumFamily::Bd, Profile::BdRSequential, Profile::BdRSequential,
     RecordingKind::Sequential, RecordingKind::Sequential, false, false, true, 2, 24'438'784,
     24'438'784, 32, 0, 0, 0, 0, bd_1x, bd_r_dl_speeds},
    {MediaType::BdReDualLayer, MediumFamily::Bd, Profile::BdRe, Profile::BdRe,
     RecordingKind::Random, RecordingKind::Random, true, true, false, 2, 23'652'352, 24'438'784, 32,
     0, 0, 0, 0, bd_1x, bd_re_speeds},
}};

} // namespace

std::optional<MediaSpec> media_spec(MediaType type) {
    for (const auto& s : all_specs)
        if (s.type == type) return s;
    return std::nullopt;
}

const MediaSpec& require_media_spec(MediaType type) {
    for (const auto& s : all_specs)
        if (s.type == type) return s;
    throw Error(ErrorCode::InvalidParam,
                fmt::format("virtual recorder: media type '{}' is not recordable (choose one of "
                            "cd-r, cd-rw, dvd-r, dvd-rw, dvd+r, dvd+r-dl, dvd+rw, dvd-ram, bd-r, "
                            "bd-r-dl, bd-re, bd-re-dl)",
                            to_string(type)))
        .with_option("media");
}

std::span<const MediaSpec> all_media_specs() {
    return all_specs;
}

u32 kbytes_per_second(const MediaSpec& spec, double x) {
    return static_cast<u32>(std::lround(spec.one_x_kbytes_per_second * x));
}

double blocks_per_second_1x(const MediaSpec& spec) {
    // CD 1x moves 75 sectors a second whatever their size; DVD and BD count user bytes.
    if (spec.family == MediumFamily::Cd) return 75.0;
    return spec.one_x_kbytes_per_second * 1000.0 / block_size;
}

} // namespace discwright::virtual_recorder
