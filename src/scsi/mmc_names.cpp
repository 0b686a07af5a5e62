// Names of the MMC codes in include/discwright/mmc.h, as MMC-6 spells them (its profile table for
// profiles, clause 5.3 for features, clause 7 and SPC-4 7.5 for mode pages). `drive info` and
// error messages print them; codes without a name print as hex so nothing is hidden.

#include <string_view>

#include <fmt/format.h>

#include "discwright/mmc.h"

namespace discwright {

namespace {

template <class Code> struct Name {
    Code code;
    std::string_view name;
};

template <class Code, std::size_t N>
std::string_view find_name(const Name<Code> (&table)[N], Code code) {
    for (const auto& entry : table)
        if (entry.code == code) return entry.name;
    return {};
}

constexpr Name<Profile> profile_names[] = {
    {Profile::Invalid, "no current profile"},
    {Profile::NonRemovableDisk, "non-removable disk"},
    {Profile::RemovableDisk, "removable disk"},
    {Profile::MoErasable, "MO erasable"},
    {Profile::MoWriteOnce, "MO write once"},
    {Profile::AsMo, "AS-MO"},
    {Profile::CdRom, "CD-ROM"},
    {Profile::CdR, "CD-R"},
    {Profile::CdRw, "CD-RW"},
    {Profile::DvdRom, "DVD-ROM"},
    {Profile::DvdDashR, "DVD-R sequential"},
    {Profile::DvdRam, "DVD-RAM"},
    {Profile::DvdDashRwRestrictedOverwrite, "DVD-RW restricted overwrite"},
    {Profile::DvdDashRwSequential, "DVD-RW sequential"},
    {Profile::DvdDashRDualLayerSequential, "DVD-R DL sequential"},
    {Profile::DvdDashRDualLayerJump, "DVD-R DL layer jump"},
    {Profile::DvdPlusRw, "DVD+RW"},
    {Profile::DvdPlusR, "DVD+R"},
    {Profile::DdCdRom, "DDCD-ROM"},
    {Profile::DdCdR, "DDCD-R"},
    {Profile::DdCdRw, "DDCD-RW"},
    {Profile::DvdPlusRwDualLayer, "DVD+RW DL"},
    {Profile::DvdPlusRDualLayer, "DVD+R DL"},
    {Profile::BdRom, "BD-ROM"},
    {Profile::BdRSequential, "BD-R SRM"},
    {Profile::BdRRandom, "BD-R RRM"},
    {Profile::BdRe, "BD-RE"},
    {Profile::HdDvdRom, "HD DVD-ROM"},
    {Profile::HdDvdR, "HD DVD-R"},
    {Profile::HdDvdRam, "HD DVD-RAM"},
    {Profile::NonStandard, "non-standard"},
};

constexpr Name<FeatureCode> feature_names[] = {
    {FeatureCode::ProfileList, "Profile List"},
    {FeatureCode::Core, "Core"},
    {FeatureCode::Morphing, "Morphing"},
    {FeatureCode::RemovableMedium, "Removable Medium"},
    {FeatureCode::WriteProtect, "Write Protect"},
    {FeatureCode::RandomReadable, "Random Readable"},
    {FeatureCode::MultiRead, "Multi-Read"},
    {FeatureCode::CdRead, "CD Read"},
    {FeatureCode::DvdRead, "DVD Read"},
    {FeatureCode::RandomWritable, "Random Writable"},
    {FeatureCode::IncrementalStreamingWritable, "Incremental Streaming Writable"},
    {FeatureCode::SectorErasable, "Sector Erasable"},
    {FeatureCode::Formattable, "Formattable"},
    {FeatureCode::HardwareDefectManagement, "Hardware Defect Management"},
    {FeatureCode::WriteOnce, "Write Once"},
    {FeatureCode::RestrictedOverwrite, "Restricted Overwrite"},
    {FeatureCode::CdRwCavWrite, "CD-RW CAV Write"},
    {FeatureCode::Mrw, "MRW"},
    {FeatureCode::EnhancedDefectReporting, "Enhanced Defect Reporting"},
    {FeatureCode::DvdPlusRw, "DVD+RW"},
    {FeatureCode::DvdPlusR, "DVD+R"},
    {FeatureCode::RigidRestrictedOverwrite, "Rigid Restricted Overwrite"},
    {FeatureCode::CdTrackAtOnce, "CD Track at Once"},
    {FeatureCode::CdMastering, "CD Mastering"},
    {FeatureCode::DvdDashRRwWrite, "DVD-R/-RW Write"},
    {FeatureCode::DoubleDensityCdRead, "DDCD Read"},
    {FeatureCode::DoubleDensityCdRWrite, "DDCD-R Write"},
    {FeatureCode::DoubleDensityCdRwWrite, "DDCD-RW Write"},
    {FeatureCode::LayerJumpRecording, "Layer Jump Recording"},
    {FeatureCode::CdRwMediaWriteSupport, "CD-RW Media Write Support"},
    {FeatureCode::BdRPseudoOverwrite, "BD-R Pseudo-Overwrite"},
    {FeatureCode::DvdPlusRwDualLayer, "DVD+RW Dual Layer"},
    {FeatureCode::DvdPlusRDualLayer, "DVD+R Dual Layer"},
    {FeatureCode::BdRead, "BD Read"},
    {FeatureCode::BdWrite, "BD Write"},
    {FeatureCode::Tsr, "TSR"},
    {FeatureCode::HdDvdRead, "HD DVD Read"},
    {FeatureCode::HdDvdWrite, "HD DVD Write"},
    {FeatureCode::HybridDisc, "Hybrid Disc"},
    {FeatureCode::PowerManagement, "Power Management"},
    {FeatureCode::Smart, "SMART"},
    {FeatureCode::EmbeddedChanger, "Embedded Changer"},
    {FeatureCode::CdAudioExternalPlay, "CD Audio External Play"},
    {FeatureCode::MicrocodeUpgrade, "Microcode Upgrade"},
    {FeatureCode::Timeout, "Timeout"},
    {FeatureCode::DvdCss, "DVD CSS"},
    {FeatureCode::RealTimeStreaming, "Real Time Streaming"},
    {FeatureCode::DriveSerialNumber, "Drive Serial Number"},
    {FeatureCode::MediaSerialNumber, "Media Serial Number"},
    {FeatureCode::DiscControlBlocks, "Disc Control Blocks"},
    {FeatureCode::DvdCprm, "DVD CPRM"},
    {FeatureCode::FirmwareInformation, "Firmware Information"},
    {FeatureCode::Aacs, "AACS"},
    {FeatureCode::Vcps, "VCPS"},
};

constexpr Name<ModePageCode> mode_page_names[] = {
    {ModePageCode::ReadWriteErrorRecovery, "Read/Write Error Recovery"},
    {ModePageCode::Mrw, "MRW"},
    {ModePageCode::WriteParameters, "Write Parameters"},
    {ModePageCode::Caching, "Caching"},
    {ModePageCode::PowerCondition, "Power Condition"},
    {ModePageCode::InformationalExceptions, "Informational Exceptions"},
    {ModePageCode::TimeoutAndProtect, "Time-out and Protect"},
    {ModePageCode::CapabilitiesAndMechanicalStatus, "CD/DVD Capabilities and Mechanical Status"},
    {ModePageCode::AllPages, "all pages"},
};

} // namespace

std::string to_string(Profile p) {
    if (auto name = find_name(profile_names, p); !name.empty()) return std::string(name);
    return fmt::format("profile 0x{:04x}", static_cast<u16>(p));
}

std::string to_string(FeatureCode f) {
    if (auto name = find_name(feature_names, f); !name.empty()) return std::string(name);
    return fmt::format("feature 0x{:04x}", static_cast<u16>(f));
}

std::string to_string(ModePageCode p) {
    if (auto name = find_name(mode_page_names, p); !name.empty()) return std::string(name);
    return fmt::format("mode page 0x{:02x}", static_cast<u8>(p));
}

} // namespace discwright
