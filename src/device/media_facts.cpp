#include "device/media_facts.h"

#include <algorithm>

namespace discwright::device {

MediaType media_type_for(Profile current, bool dual_layer) {
    switch (current) {
    case Profile::CdRom:
        return MediaType::CdRom;
    case Profile::CdR:
        return MediaType::CdR;
    case Profile::CdRw:
        return MediaType::CdRw;
    case Profile::DvdRom:
        return MediaType::DvdRom;
    case Profile::DvdDashR:
        return MediaType::DvdDashR;
    case Profile::DvdRam:
        return MediaType::DvdRam;
    case Profile::DvdDashRwRestrictedOverwrite:
    case Profile::DvdDashRwSequential:
        return MediaType::DvdDashRw;
    case Profile::DvdDashRDualLayerSequential:
    case Profile::DvdDashRDualLayerJump:
        return MediaType::DvdDashRDualLayer;
    case Profile::DvdPlusRw:
        return MediaType::DvdPlusRw;
    case Profile::DvdPlusR:
        return MediaType::DvdPlusR;
    case Profile::DvdPlusRwDualLayer:
        return MediaType::DvdPlusRwDualLayer;
    case Profile::DvdPlusRDualLayer:
        return MediaType::DvdPlusRDualLayer;
    case Profile::BdRom:
        return MediaType::BdRom;
    case Profile::BdRSequential:
    case Profile::BdRRandom:
        return dual_layer ? MediaType::BdRDualLayer : MediaType::BdR;
    case Profile::BdRe:
        return dual_layer ? MediaType::BdReDualLayer : MediaType::BdRe;
    case Profile::HdDvdRom:
        return MediaType::HdDvdRom;
    case Profile::HdDvdR:
        return MediaType::HdDvdR;
    case Profile::HdDvdRam:
        return MediaType::HdDvdRam;
    // IMAPI_MEDIA_TYPE_DISK: random-writable, defect-managed media reporting a disk profile.
    case Profile::NonRemovableDisk:
    case Profile::RemovableDisk:
    case Profile::MoErasable:
    case Profile::AsMo:
        return MediaType::Disk;
    default:
        return MediaType::Unknown;
    }
}

bool is_writable_profile(Profile p) {
    switch (p) {
    case Profile::CdR:
    case Profile::CdRw:
    case Profile::DvdDashR:
    case Profile::DvdRam:
    case Profile::DvdDashRwRestrictedOverwrite:
    case Profile::DvdDashRwSequential:
    case Profile::DvdDashRDualLayerSequential:
    case Profile::DvdDashRDualLayerJump:
    case Profile::DvdPlusRw:
    case Profile::DvdPlusR:
    case Profile::DvdPlusRwDualLayer:
    case Profile::DvdPlusRDualLayer:
    case Profile::BdRSequential:
    case Profile::BdRRandom:
    case Profile::BdRe:
    case Profile::NonRemovableDisk:
    case Profile::RemovableDisk:
    case Profile::MoErasable:
    case Profile::AsMo:
        return true;
    default:
        return false;
    }
}

bool is_overwrite_profile(Profile p) {
    switch (p) {
    case Profile::DvdRam:
    case Profile::DvdDashRwRestrictedOverwrite:
    case Profile::DvdPlusRw:
    case Profile::DvdPlusRwDualLayer:
    case Profile::BdRRandom:
    case Profile::BdRe:
    case Profile::NonRemovableDisk:
    case Profile::RemovableDisk:
    case Profile::MoErasable:
    case Profile::AsMo:
        return true;
    default:
        return false;
    }
}

MediaState media_state_for(Profile current, const std::optional<DiscInformation>& disc,
                           WriteProtectState protection) {
    MediaState s = MediaState::Unknown;
    if (current == Profile::Invalid) return s; // no medium
    if (!is_writable_profile(current)) {
        // Pressed media, or a drive that cannot write what it holds (IMAPI: unsupported).
        s |= MediaState::UnsupportedMedia;
        if (disc && disc->disc_status == DiscStatus::Complete) s |= MediaState::Finalized;
        return s;
    }
    if (protection != WriteProtectState::None) s |= MediaState::WriteProtected;
    if (is_overwrite_profile(current)) {
        // Written in place from sector 0: IMAPI reports OVERWRITE_ONLY, plus BLANK when the
        // drive calls the disc empty (an unformatted DVD+RW, a fresh BD-RE).
        s |= MediaState::OverwriteOnly;
        if (disc && disc->disc_status == DiscStatus::Empty) s |= MediaState::Blank;
        return s;
    }
    if (!disc) return s | MediaState::Damaged; // a sequential medium must answer
    switch (disc->disc_status) {
    case DiscStatus::Empty:
        s |= MediaState::Blank | MediaState::Appendable;
        break;
    case DiscStatus::Incomplete:
        // MMC-6 6.22.3.1: an incomplete disc whose last session is incomplete has an open
        // session (the data writer cannot continue it); a damaged session needs repair.
        if (disc->last_session_state == SessionState::Incomplete)
            s |= MediaState::NonEmptySession;
        else if (disc->last_session_state == SessionState::Damaged)
            s |= MediaState::Damaged;
        else
            s |= MediaState::Appendable;
        break;
    case DiscStatus::Complete:
        s |= MediaState::Finalized;
        // A closed rewritable disc can be blanked and used again.
        if (disc->erasable) s |= MediaState::EraseRequired;
        break;
    case DiscStatus::Other:
        s |= MediaState::Damaged;
        break;
    }
    return s;
}

u32 speed_sector_bytes(MediaType m) {
    switch (m) {
    case MediaType::CdRom:
    case MediaType::CdR:
    case MediaType::CdRw:
        return 2352;
    default:
        return 2048;
    }
}

std::vector<WriteSpeedDescriptor>
write_speed_descriptors_for(MediaType m, const std::vector<WriteSpeedPerformance>& reported) {
    std::vector<WriteSpeedDescriptor> out;
    const u32 sector = speed_sector_bytes(m);
    for (const auto& r : reported) {
        if (r.write_speed == 0) continue; // a read-only entry
        WriteSpeedDescriptor d;
        d.media_type = m;
        d.rotation_pure_cav = r.wrc == RotationControl::Cav;
        d.kilobytes_per_second = r.write_speed;
        d.write_speed = static_cast<u32>((u64{r.write_speed} * 1000 + sector / 2) / sector);
        d.end_lba = r.end_lba;
        out.push_back(d);
    }
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return a.kilobytes_per_second > b.kilobytes_per_second;
    });
    out.erase(std::unique(out.begin(), out.end(),
                          [](const auto& a, const auto& b) {
                              return a.kilobytes_per_second == b.kilobytes_per_second &&
                                     a.rotation_pure_cav == b.rotation_pure_cav;
                          }),
              out.end());
    return out;
}

} // namespace discwright::device
