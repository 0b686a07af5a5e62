#pragma once
// The GET CONFIGURATION features a burner or `drive info` reads field by field (MMC-6 5.3),
// decoded from a FeatureDescriptor by scsi::decode_*_feature and built for the virtual
// recorder by scsi::make_feature. Part of discwright/mmc.h, which includes this header.

#include <array>
#include <string>
#include <vector>

#include "discwright/mmc.h"
#include "discwright/types.h"

namespace discwright {

/// MMC-6 5.3, feature 0000h (Profile List): one profile descriptor.
struct ProfileDescriptor {
    Profile profile = Profile::Invalid;
    bool current = false; // CurrentP
    constexpr bool operator==(const ProfileDescriptor&) const = default;
};

/// MMC-6 5.3, feature 0001h: Core.
struct CoreFeature {
    /// Bytes 4-7: 1 SCSI, 2 ATAPI, 3 IEEE 1394-1995, 4 IEEE 1394A, 5 Fibre Channel,
    /// 6 IEEE 1394B, 7 Serial ATAPI, 8 USB, FFFFh vendor unique.
    u32 physical_interface_standard = 0;
    bool inq2 = false; // byte 8 bit 1: INQUIRY reports the version descriptors
    bool dbe = false;  // byte 8 bit 0: device busy events are reported
    bool operator==(const CoreFeature&) const = default;
};

/// MMC-6 5.3, feature 0002h: Morphing.
struct MorphingFeature {
    bool oc_event = false; // byte 4 bit 1: operational change events are reported
    bool async = false;    // byte 4 bit 0: GET EVENT STATUS NOTIFICATION may be polled only
    bool operator==(const MorphingFeature&) const = default;
};

/// MMC-6 5.3, feature 0003h: Removable Medium.
struct RemovableMediumFeature {
    /// Byte 4 bits 7-5: 000b caddy/slot, 001b tray, 010b pop-up, 100b changer (individual
    /// discs), 101b changer (cartridge).
    u8 loading_mechanism_type = 0;
    bool load = false;           // byte 4 bit 4: START STOP UNIT can load the medium
    bool eject = false;          // byte 4 bit 3: START STOP UNIT can eject the medium
    bool prevent_jumper = false; // byte 4 bit 2: Pvnt Jmpr is absent (MMC's inverted sense)
    bool dbml = false;           // byte 4 bit 1: the Lock bit reports the lock state
    bool lock = false;           // byte 4 bit 0: PREVENT ALLOW MEDIUM REMOVAL works
    bool operator==(const RemovableMediumFeature&) const = default;
};

/// MMC-6 5.3, feature 0010h: Random Readable.
struct RandomReadableFeature {
    u32 logical_block_size = 2048; // bytes 4-7
    u16 blocking = 1;              // bytes 8-9: logical blocks per ECC block
    bool pp = false;               // byte 10 bit 0: Blocking is valid
    bool operator==(const RandomReadableFeature&) const = default;
};

/// MMC-6 5.3, feature 0020h: Random Writable.
struct RandomWritableFeature {
    u32 last_lba = 0;              // bytes 4-7: last logical block address of the medium
    u32 logical_block_size = 2048; // bytes 8-11
    u16 blocking = 1;              // bytes 12-13
    bool pp = false;               // byte 14 bit 0
    bool operator==(const RandomWritableFeature&) const = default;
};

/// MMC-6 5.3, feature 0021h: Incremental Streaming Writable.
struct IncrementalStreamingWritableFeature {
    /// Bytes 4-5: bit n set means data block type n of the write parameters page is supported.
    u16 data_block_types_supported = 0;
    bool trio = false;          // byte 6 bit 2: track resources information is reported
    bool arsv = false;          // byte 6 bit 1: address reservation (RESERVE TRACK ARSV) works
    bool buf = false;           // byte 6 bit 0: buffer under-run free recording
    std::vector<u8> link_sizes; // byte 7 counts them; bytes 8 onwards
    bool operator==(const IncrementalStreamingWritableFeature&) const = default;
};

/// MMC-6 5.3, feature 0023h: Formattable.
struct FormattableFeature {
    bool frf = false;    // byte 4 bit 7: full format of a BD-R with a spare area
    bool renosa = false; // byte 4 bit 3: BD-RE format without spare area
    bool expand = false; // byte 4 bit 2: BD-RE spare area can grow
    bool qcert = false;  // byte 4 bit 1: quick certification
    bool cert = false;   // byte 4 bit 0: full certification
    bool rrm = false;    // byte 8 bit 0: BD-R random recording mode formats
    bool operator==(const FormattableFeature&) const = default;
};

/// MMC-6 5.3, feature 0025h: Write Once.
struct WriteOnceFeature {
    u32 logical_block_size = 2048; // bytes 4-7
    u16 blocking = 1;              // bytes 8-9
    bool pp = false;               // byte 10 bit 0
    bool operator==(const WriteOnceFeature&) const = default;
};

/// MMC-6 5.3, feature 002Dh: CD Track at Once.
struct CdTrackAtOnceFeature {
    bool buf = false;        // byte 4 bit 6: buffer under-run free recording
    bool rw_raw = false;     // byte 4 bit 4: raw R-W subcode
    bool rw_pack = false;    // byte 4 bit 3: packed R-W subcode
    bool test_write = false; // byte 4 bit 2
    bool cd_rw = false;      // byte 4 bit 1: CD-RW media can be overwritten
    bool rw_subcode = false; // byte 4 bit 0: R-W subcode can be recorded
    /// Bytes 6-7: bit n set means data block type n can be written in TAO.
    u16 data_type_supported = 0;
    bool operator==(const CdTrackAtOnceFeature&) const = default;
};

/// MMC-6 5.3, feature 002Eh: CD Mastering (session at once and raw).
struct CdMasteringFeature {
    bool buf = false;                 // byte 4 bit 6
    bool sao = false;                 // byte 4 bit 5: session at once
    bool raw_ms = false;              // byte 4 bit 4: raw multisession
    bool raw = false;                 // byte 4 bit 3: raw write type
    bool test_write = false;          // byte 4 bit 2
    bool cd_rw = false;               // byte 4 bit 1
    bool rw = false;                  // byte 4 bit 0: R-W subcode in SAO
    u32 maximum_cue_sheet_length = 0; // bytes 5-7
    bool operator==(const CdMasteringFeature&) const = default;
};

/// MMC-6 5.3, feature 002Fh: DVD-R/-RW Write.
struct DvdDashRRwWriteFeature {
    bool buf = false;        // byte 4 bit 6
    bool rdl = false;        // byte 4 bit 3: DVD-R dual layer
    bool test_write = false; // byte 4 bit 2
    bool dvd_rw_sb = false;  // byte 4 bit 1: DVD-RW SB (rewritable) media
    bool operator==(const DvdDashRRwWriteFeature&) const = default;
};

/// MMC-6 5.3, feature 002Ah: DVD+RW.
struct DvdPlusRwFeature {
    bool write = false;       // byte 4 bit 0
    bool quick_start = false; // byte 5 bit 1: formatting may stop early
    bool close_only = false;  // byte 5 bit 0: only "close" (not "stop") background format
    bool operator==(const DvdPlusRwFeature&) const = default;
};

/// MMC-6 5.3, feature 002Bh: DVD+R.
struct DvdPlusRFeature {
    bool write = false; // byte 4 bit 0: DVD+R media can be written
    bool operator==(const DvdPlusRFeature&) const = default;
};

/// MMC-6 5.3, feature 003Bh: DVD+R Dual Layer.
struct DvdPlusRDualLayerFeature {
    bool write = false; // byte 4 bit 0: DVD+R DL media can be written
    bool operator==(const DvdPlusRDualLayerFeature&) const = default;
};

/// MMC-6 5.3, feature 0041h: BD Write. Bit n of a class bitmap means version n of that
/// class of the BD-RE or BD-R book can be written.
struct BdWriteFeature {
    bool svnr = false;                  // byte 4 bit 0: verify not required
    std::array<u16, 4> bd_re_classes{}; // bytes 8-15, classes 0-3
    std::array<u16, 4> bd_r_classes{};  // bytes 16-23, classes 0-3
    bool operator==(const BdWriteFeature&) const = default;
};

/// MMC-6 5.3, feature 0107h: Real-Time Streaming.
struct RealTimeStreamingFeature {
    bool smp = false;  // byte 4 bit 5: SET STREAMING for every profile
    bool rbcb = false; // byte 4 bit 4: READ BUFFER CAPACITY with Block=1
    bool scs = false;  // byte 4 bit 3: SET CD SPEED
    bool mp2a = false; // byte 4 bit 2: mode page 2Ah holds write speed descriptors
    bool wspd = false; // byte 4 bit 1: GET PERFORMANCE type 03h (write speed)
    bool sw = false;   // byte 4 bit 0: stream writing
    bool operator==(const RealTimeStreamingFeature&) const = default;
};

/// MMC-6 5.3, feature 0108h: Drive Serial Number.
struct DriveSerialNumberFeature {
    std::string serial_number; // bytes 4 onwards, trailing spaces removed
    bool operator==(const DriveSerialNumberFeature&) const = default;
};

/// MMC-6 5.3, feature 0105h: Timeout.
struct TimeoutFeature {
    bool group3 = false; // byte 4 bit 0: Group 3 timeouts apply
    u16 unit_length = 0; // bytes 6-7: blocks per unit of a Group 3 timeout
    bool operator==(const TimeoutFeature&) const = default;
};

/// MMC-6 5.3, feature 0033h: Layer Jump Recording.
struct LayerJumpRecordingFeature {
    std::vector<u8> link_sizes; // byte 7 counts them; bytes 8 onwards
    bool operator==(const LayerJumpRecordingFeature&) const = default;
};

} // namespace discwright
