#pragma once
// MMC-6 5.3: the feature descriptors of GET CONFIGURATION that a burner or `drive info` reads
// field by field. Each has a wire struct for the bytes after the 4-byte feature header, a
// decoder from a FeatureDescriptor and a make_feature() that builds one, so the virtual
// recorder never packs feature bytes by hand. Decoders read data that stops early (an older
// feature version) as zero; they reject a descriptor of another feature with InvalidParam.

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// How make_feature marks a descriptor (MMC-6 5.2.2, 5.2.3): a persistent feature is always
/// current.
enum class FeatureStatus : u8 { NotCurrent, Current, Persistent };

// Wire layouts; offsets in the comments count from the start of the descriptor, so byte 4 is
// the first byte after the feature header.

struct CoreFeatureData {              // 0001h
    Be32 physical_interface_standard; // bytes 4-7
    u8 flags;                         // byte 8: INQ2 bit 1, DBE bit 0
    std::array<u8, 3> reserved;       // bytes 9-11
};
static_assert(OnDisk<CoreFeatureData> && sizeof(CoreFeatureData) == 8);

struct FlagsFeatureData {       // 0002h, 0003h, 002Bh, 002Fh, 003Bh, 0107h: flags in byte 4
    u8 flags;                   // byte 4
    std::array<u8, 3> reserved; // bytes 5-7
};
static_assert(OnDisk<FlagsFeatureData> && sizeof(FlagsFeatureData) == 4);

struct BlockSizeFeatureData { // 0010h Random Readable, 0025h Write Once
    Be32 logical_block_size;  // bytes 4-7
    Be16 blocking;            // bytes 8-9
    u8 flags;                 // byte 10: PP bit 0
    u8 reserved;              // byte 11
};
static_assert(OnDisk<BlockSizeFeatureData> && sizeof(BlockSizeFeatureData) == 8);

struct RandomWritableFeatureData { // 0020h
    Be32 last_lba;                 // bytes 4-7
    Be32 logical_block_size;       // bytes 8-11
    Be16 blocking;                 // bytes 12-13
    u8 flags;                      // byte 14: PP bit 0
    u8 reserved;                   // byte 15
};
static_assert(OnDisk<RandomWritableFeatureData> && sizeof(RandomWritableFeatureData) == 12);

struct IncrementalStreamingFeatureData { // 0021h; link sizes follow, padded to 4 bytes
    Be16 data_block_types_supported;     // bytes 4-5
    u8 flags;                            // byte 6: TRIO bit 2, ARSV bit 1, BUF bit 0
    u8 number_of_link_sizes;             // byte 7
};
static_assert(OnDisk<IncrementalStreamingFeatureData> &&
              sizeof(IncrementalStreamingFeatureData) == 4);

struct FormattableFeatureData {  // 0023h
    u8 flags;                    // byte 4: FRF bit 7, RENoSA bit 3, Expand 2, QCert 1, Cert 0
    std::array<u8, 3> reserved;  // bytes 5-7
    u8 rrm;                      // byte 8: RRM bit 0
    std::array<u8, 3> reserved2; // bytes 9-11
};
static_assert(OnDisk<FormattableFeatureData> && sizeof(FormattableFeatureData) == 8);

struct CdTrackAtOnceFeatureData { // 002Dh
    u8 flags;                 // byte 4: BUF 6, R-W Raw 4, R-W Pack 3, Test Write 2, CD-RW 1, R-W 0
    u8 reserved;              // byte 5
    Be16 data_type_supported; // bytes 6-7
};
static_assert(OnDisk<CdTrackAtOnceFeatureData> && sizeof(CdTrackAtOnceFeatureData) == 4);

struct CdMasteringFeatureData { // 002Eh
    u8 flags; // byte 4: BUF 6, SAO 5, raw MS 4, raw 3, Test Write 2, CD-RW 1, R-W 0
    Be24 maximum_cue_sheet_length; // bytes 5-7
};
static_assert(OnDisk<CdMasteringFeatureData> && sizeof(CdMasteringFeatureData) == 4);

struct DvdPlusRwFeatureData {   // 002Ah
    u8 write;                   // byte 4: Write bit 0
    u8 flags;                   // byte 5: Quick Start bit 1, Close Only bit 0
    std::array<u8, 2> reserved; // bytes 6-7
};
static_assert(OnDisk<DvdPlusRwFeatureData> && sizeof(DvdPlusRwFeatureData) == 4);

struct BdWriteFeatureData {     // 0041h
    u8 flags;                   // byte 4: SVNR bit 0
    std::array<u8, 3> reserved; // bytes 5-7
    std::array<Be16, 4> bd_re;  // bytes 8-15: class 0-3 version bitmaps
    std::array<Be16, 4> bd_r;   // bytes 16-23
};
static_assert(OnDisk<BdWriteFeatureData> && sizeof(BdWriteFeatureData) == 20);
static_assert(offsetof(BdWriteFeatureData, bd_r) == 12); // descriptor byte 16

struct TimeoutFeatureData { // 0105h
    u8 flags;               // byte 4: Group3 bit 0
    u8 reserved;            // byte 5
    Be16 unit_length;       // bytes 6-7
};
static_assert(OnDisk<TimeoutFeatureData> && sizeof(TimeoutFeatureData) == 4);

struct LayerJumpFeatureData {   // 0033h; link sizes follow, padded to 4 bytes
    std::array<u8, 3> reserved; // bytes 4-6
    u8 number_of_link_sizes;    // byte 7
};
static_assert(OnDisk<LayerJumpFeatureData> && sizeof(LayerJumpFeatureData) == 4);

/// Profile List (0000h): the profiles the drive supports, 4 bytes each.
[[nodiscard]] std::vector<ProfileDescriptor> decode_profile_list(const FeatureDescriptor& f);
[[nodiscard]] CoreFeature decode_core_feature(const FeatureDescriptor& f);
[[nodiscard]] MorphingFeature decode_morphing_feature(const FeatureDescriptor& f);
[[nodiscard]] RemovableMediumFeature decode_removable_medium_feature(const FeatureDescriptor& f);
[[nodiscard]] RandomReadableFeature decode_random_readable_feature(const FeatureDescriptor& f);
[[nodiscard]] RandomWritableFeature decode_random_writable_feature(const FeatureDescriptor& f);
[[nodiscard]] IncrementalStreamingWritableFeature
decode_incremental_streaming_writable_feature(const FeatureDescriptor& f);
[[nodiscard]] FormattableFeature decode_formattable_feature(const FeatureDescriptor& f);
[[nodiscard]] WriteOnceFeature decode_write_once_feature(const FeatureDescriptor& f);
[[nodiscard]] CdTrackAtOnceFeature decode_cd_track_at_once_feature(const FeatureDescriptor& f);
[[nodiscard]] CdMasteringFeature decode_cd_mastering_feature(const FeatureDescriptor& f);
[[nodiscard]] DvdDashRRwWriteFeature decode_dvd_dash_r_rw_write_feature(const FeatureDescriptor& f);
[[nodiscard]] DvdPlusRwFeature decode_dvd_plus_rw_feature(const FeatureDescriptor& f);
[[nodiscard]] DvdPlusRFeature decode_dvd_plus_r_feature(const FeatureDescriptor& f);
[[nodiscard]] DvdPlusRDualLayerFeature
decode_dvd_plus_r_dual_layer_feature(const FeatureDescriptor& f);
[[nodiscard]] BdWriteFeature decode_bd_write_feature(const FeatureDescriptor& f);
[[nodiscard]] RealTimeStreamingFeature
decode_real_time_streaming_feature(const FeatureDescriptor& f);
[[nodiscard]] DriveSerialNumberFeature
decode_drive_serial_number_feature(const FeatureDescriptor& f);
[[nodiscard]] TimeoutFeature decode_timeout_feature(const FeatureDescriptor& f);
[[nodiscard]] LayerJumpRecordingFeature
decode_layer_jump_recording_feature(const FeatureDescriptor& f);

/// Profile List (0000h), persistent: the drive's profiles in the order given (MMC-6 asks for
/// descending preference, e.g. BD-RE before DVD+RW before CD-RW).
[[nodiscard]] FeatureDescriptor make_profile_list(std::span<const ProfileDescriptor> profiles);
/// A descriptor with only a header: Restricted Overwrite (0026h), Power Management (0100h),
/// CD Read (001Eh) without flags and other features whose data MMC-6 leaves empty.
[[nodiscard]] FeatureDescriptor make_feature(FeatureCode code, FeatureStatus status,
                                             u8 version = 0);
// Each descriptor gets the feature's MMC-6 version and its data in the wire layout above.
[[nodiscard]] FeatureDescriptor make_feature(const CoreFeature& f,
                                             FeatureStatus s = FeatureStatus::Persistent);
[[nodiscard]] FeatureDescriptor make_feature(const MorphingFeature& f,
                                             FeatureStatus s = FeatureStatus::Persistent);
[[nodiscard]] FeatureDescriptor make_feature(const RemovableMediumFeature& f,
                                             FeatureStatus s = FeatureStatus::Persistent);
[[nodiscard]] FeatureDescriptor make_feature(const RandomReadableFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const RandomWritableFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const IncrementalStreamingWritableFeature& f,
                                             FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const FormattableFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const WriteOnceFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const CdTrackAtOnceFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const CdMasteringFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const DvdDashRRwWriteFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const DvdPlusRwFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const DvdPlusRFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const DvdPlusRDualLayerFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const BdWriteFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const RealTimeStreamingFeature& f, FeatureStatus s);
[[nodiscard]] FeatureDescriptor make_feature(const DriveSerialNumberFeature& f,
                                             FeatureStatus s = FeatureStatus::Persistent);
[[nodiscard]] FeatureDescriptor make_feature(const TimeoutFeature& f,
                                             FeatureStatus s = FeatureStatus::Persistent);
[[nodiscard]] FeatureDescriptor make_feature(const LayerJumpRecordingFeature& f, FeatureStatus s);

} // namespace discwright::scsi
