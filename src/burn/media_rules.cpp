#include "burn/media_rules.h"

namespace discwright::burn {

std::optional<MediaRules> media_rules(Profile p) {
    switch (p) {
    case Profile::CdR:
    case Profile::CdRw:
        // IMAPI writes CD-RW like CD-R (sessions), never in packets.
        return MediaRules{.recording = Recording::Sequential,
                          .write_unit = 1,
                          .write_parameters = true,
                          .write_type = WriteType::TrackAtOnce,
                          .post_gap = true,
                          .underrun_protection_optional = true};
    case Profile::DvdDashR:
    case Profile::DvdDashRwSequential:
    case Profile::DvdDashRDualLayerSequential:
        return MediaRules{.recording = Recording::Sequential,
                          .write_unit = 16,
                          .write_parameters = true,
                          .write_type = WriteType::PacketIncremental};
    case Profile::DvdPlusR:
    case Profile::DvdPlusRDualLayer:
        return MediaRules{.recording = Recording::Sequential, .write_unit = 16};
    case Profile::BdRSequential:
        return MediaRules{.recording = Recording::Sequential, .write_unit = 32};
    case Profile::DvdRam:
    case Profile::DvdDashRwRestrictedOverwrite:
    case Profile::DvdPlusRw:
    case Profile::DvdPlusRwDualLayer:
        return MediaRules{.recording = Recording::Overwrite, .write_unit = 16};
    case Profile::BdRe:
    case Profile::BdRRandom:
        return MediaRules{.recording = Recording::Overwrite, .write_unit = 32};
    case Profile::RemovableDisk:
    case Profile::NonRemovableDisk:
        return MediaRules{.recording = Recording::Overwrite, .write_unit = 1};
    default:
        return std::nullopt;
    }
}

SessionClose session_close(Profile p, const ClosingRequest& r) {
    const bool plus_r = p == Profile::DvdPlusR || p == Profile::DvdPlusRDualLayer;
    bool finalize = r.force_media_to_be_closed || r.nearly_full;
    bool compatible = false;
    if (plus_r && !r.disable_consumer_dvd_compatibility_mode) {
        // IMAPI closes a DVD+R in compatible mode by default, whatever ForceMediaToBeClosed says.
        finalize = true;
        compatible = true;
    }
    if (p == Profile::DvdPlusRDualLayer) finalize = true;

    SessionClose close;
    close.finalize = finalize;
    close.multi_session =
        finalize ? MultiSession::NextSessionNotAllowed : MultiSession::NextSessionAllowed;
    if (!finalize) {
        close.function = scsi::CloseFunction::CloseSession;
    } else if (plus_r) {
        // MMC-6 6.3.3.4: 110b finalizes with the full lead-out players expect; 101b with the
        // shorter minimal-radius one.
        close.function =
            compatible ? scsi::CloseFunction::Finalize : scsi::CloseFunction::FinalizeMinimalRadius;
    } else if (p == Profile::BdRSequential) {
        close.function = scsi::CloseFunction::Finalize;
    } else {
        // CD and DVD-R/RW: CLOSE SESSION finalizes when the Multi-session field says so.
        close.function = scsi::CloseFunction::CloseSession;
    }
    return close;
}

std::optional<u8> format_type_before_writing(Profile p) {
    switch (p) {
    case Profile::DvdPlusRw:
    case Profile::DvdPlusRwDualLayer:
        return 0x26;
    case Profile::BdRe:
        return 0x30;
    default:
        return std::nullopt;
    }
}

} // namespace discwright::burn
