#include "scsi/feature_descriptors.h"

#include <limits>
#include <string>

namespace discwright::scsi {

namespace {

/// The feature versions make_feature writes: those of MMC-6 for the fields it encodes.
namespace version {
constexpr u8 profile_list = 0, core = 2, morphing = 1, removable_medium = 2;
constexpr u8 random_readable = 0, random_writable = 1, incremental_streaming = 1;
constexpr u8 formattable = 2, write_once = 0, cd_track_at_once = 2, cd_mastering = 1;
constexpr u8 dvd_dash_r_rw_write = 2, dvd_plus_rw = 1, dvd_plus_r = 0, dvd_plus_r_dl = 1;
constexpr u8 bd_write = 2, real_time_streaming = 5, drive_serial_number = 0, timeout = 1;
constexpr u8 layer_jump_recording = 0;
} // namespace version

void expect_code(const FeatureDescriptor& f, FeatureCode expected) {
    if (f.code != expected)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("decoding feature {}: the descriptor is feature {}",
                                to_string(expected), to_string(f.code)));
}

template <OnDisk T> T data_of(const FeatureDescriptor& f, FeatureCode expected) {
    expect_code(f, expected);
    return read_padded<T>(f.data);
}

FeatureDescriptor descriptor(FeatureCode code, u8 version, FeatureStatus status,
                             std::vector<std::byte> data) {
    return {
        .code = code,
        .version = version,
        .persistent = status == FeatureStatus::Persistent,
        .current = status != FeatureStatus::NotCurrent,
        .data = std::move(data),
    };
}

template <OnDisk T> std::vector<std::byte> bytes_of(const T& value) {
    return encode_to_vector([&](auto& out) { out.put(value); });
}

FlagsFeatureData flags_data(u8 flags) {
    return {.flags = flags, .reserved = {}};
}

/// MMC-6 5.3.11 / 5.3.31: a link size list after a 4-byte part whose last byte counts it;
/// sizes beyond the received data are dropped.
std::vector<u8> decode_link_sizes(std::span<const std::byte> data, u8 count) {
    std::vector<u8> sizes;
    for (std::size_t i = 0; i < count && received(data, 4 + i, 1); ++i)
        sizes.push_back(read_padded<u8>(data, 4 + i));
    return sizes;
}

template <OnDisk Head>
std::vector<std::byte> encode_with_link_sizes(const Head& head, const std::vector<u8>& sizes) {
    return encode_to_vector([&](auto& out) {
        out.put(head);
        for (u8 size : sizes)
            out.u8(size);
        out.zeros((4 - sizes.size() % 4) % 4); // descriptors are multiples of 4 bytes
    });
}

u8 link_size_count(const std::vector<u8>& sizes, FeatureCode code) {
    if (sizes.size() > std::numeric_limits<u8>::max())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding feature {}: {} link sizes do not fit in 255",
                                to_string(code), sizes.size()));
    return static_cast<u8>(sizes.size());
}

} // namespace

std::vector<ProfileDescriptor> decode_profile_list(const FeatureDescriptor& f) {
    expect_code(f, FeatureCode::ProfileList);
    struct Entry {
        Be16 profile; // bytes 0-1
        u8 current;   // byte 2: CurrentP bit 0
        u8 reserved;  // byte 3
    };
    static_assert(OnDisk<Entry> && sizeof(Entry) == 4);
    std::vector<ProfileDescriptor> out;
    for (std::size_t pos = 0; received(f.data, pos, sizeof(Entry)); pos += sizeof(Entry)) {
        const auto e = read_padded<Entry>(f.data, pos);
        out.push_back({static_cast<Profile>(e.profile.value()), bit(e.current, 0)});
    }
    return out;
}

FeatureDescriptor make_profile_list(std::span<const ProfileDescriptor> profiles) {
    auto data = encode_to_vector([&](auto& out) {
        for (const auto& p : profiles) {
            out.put(Be16(static_cast<u16>(p.profile)));
            out.u8(bit_if(p.current, 0));
            out.u8(0);
        }
    });
    return descriptor(FeatureCode::ProfileList, version::profile_list, FeatureStatus::Persistent,
                      std::move(data));
}

FeatureDescriptor make_feature(FeatureCode code, FeatureStatus status, u8 version) {
    return descriptor(code, version, status, {});
}

CoreFeature decode_core_feature(const FeatureDescriptor& f) {
    const auto d = data_of<CoreFeatureData>(f, FeatureCode::Core);
    return {d.physical_interface_standard, bit(d.flags, 1), bit(d.flags, 0)};
}

FeatureDescriptor make_feature(const CoreFeature& f, FeatureStatus s) {
    return descriptor(FeatureCode::Core, version::core, s,
                      bytes_of(CoreFeatureData{
                          .physical_interface_standard = f.physical_interface_standard,
                          .flags = static_cast<u8>(bit_if(f.inq2, 1) | bit_if(f.dbe, 0)),
                          .reserved = {},
                      }));
}

MorphingFeature decode_morphing_feature(const FeatureDescriptor& f) {
    const auto d = data_of<FlagsFeatureData>(f, FeatureCode::Morphing);
    return {bit(d.flags, 1), bit(d.flags, 0)};
}

FeatureDescriptor make_feature(const MorphingFeature& f, FeatureStatus s) {
    return descriptor(FeatureCode::Morphing, version::morphing, s,
                      bytes_of(flags_data(bit_if(f.oc_event, 1) | bit_if(f.async, 0))));
}

RemovableMediumFeature decode_removable_medium_feature(const FeatureDescriptor& f) {
    const auto d = data_of<FlagsFeatureData>(f, FeatureCode::RemovableMedium);
    return {
        .loading_mechanism_type = bits(d.flags, 5, 3),
        .load = bit(d.flags, 4),
        .eject = bit(d.flags, 3),
        .prevent_jumper = bit(d.flags, 2),
        .dbml = bit(d.flags, 1),
        .lock = bit(d.flags, 0),
    };
}

FeatureDescriptor make_feature(const RemovableMediumFeature& f, FeatureStatus s) {
    const u8 flags = place(f.loading_mechanism_type, 5, 3) | bit_if(f.load, 4) |
                     bit_if(f.eject, 3) | bit_if(f.prevent_jumper, 2) | bit_if(f.dbml, 1) |
                     bit_if(f.lock, 0);
    return descriptor(FeatureCode::RemovableMedium, version::removable_medium, s,
                      bytes_of(flags_data(flags)));
}

RandomReadableFeature decode_random_readable_feature(const FeatureDescriptor& f) {
    const auto d = data_of<BlockSizeFeatureData>(f, FeatureCode::RandomReadable);
    return {d.logical_block_size, d.blocking, bit(d.flags, 0)};
}

FeatureDescriptor make_feature(const RandomReadableFeature& f, FeatureStatus s) {
    return descriptor(
        FeatureCode::RandomReadable, version::random_readable, s,
        bytes_of(BlockSizeFeatureData{f.logical_block_size, f.blocking, bit_if(f.pp, 0), 0}));
}

RandomWritableFeature decode_random_writable_feature(const FeatureDescriptor& f) {
    const auto d = data_of<RandomWritableFeatureData>(f, FeatureCode::RandomWritable);
    return {d.last_lba, d.logical_block_size, d.blocking, bit(d.flags, 0)};
}

FeatureDescriptor make_feature(const RandomWritableFeature& f, FeatureStatus s) {
    return descriptor(FeatureCode::RandomWritable, version::random_writable, s,
                      bytes_of(RandomWritableFeatureData{f.last_lba, f.logical_block_size,
                                                         f.blocking, bit_if(f.pp, 0), 0}));
}

IncrementalStreamingWritableFeature
decode_incremental_streaming_writable_feature(const FeatureDescriptor& f) {
    const auto d =
        data_of<IncrementalStreamingFeatureData>(f, FeatureCode::IncrementalStreamingWritable);
    return {
        .data_block_types_supported = d.data_block_types_supported,
        .trio = bit(d.flags, 2),
        .arsv = bit(d.flags, 1),
        .buf = bit(d.flags, 0),
        .link_sizes = decode_link_sizes(f.data, d.number_of_link_sizes),
    };
}

FeatureDescriptor make_feature(const IncrementalStreamingWritableFeature& f, FeatureStatus s) {
    const IncrementalStreamingFeatureData head{
        .data_block_types_supported = f.data_block_types_supported,
        .flags = static_cast<u8>(bit_if(f.trio, 2) | bit_if(f.arsv, 1) | bit_if(f.buf, 0)),
        .number_of_link_sizes =
            link_size_count(f.link_sizes, FeatureCode::IncrementalStreamingWritable),
    };
    return descriptor(FeatureCode::IncrementalStreamingWritable, version::incremental_streaming, s,
                      encode_with_link_sizes(head, f.link_sizes));
}

FormattableFeature decode_formattable_feature(const FeatureDescriptor& f) {
    const auto d = data_of<FormattableFeatureData>(f, FeatureCode::Formattable);
    return {
        .frf = bit(d.flags, 7),
        .renosa = bit(d.flags, 3),
        .expand = bit(d.flags, 2),
        .qcert = bit(d.flags, 1),
        .cert = bit(d.flags, 0),
        .rrm = bit(d.rrm, 0),
    };
}

FeatureDescriptor make_feature(const FormattableFeature& f, FeatureStatus s) {
    const FormattableFeatureData d{
        .flags = static_cast<u8>(bit_if(f.frf, 7) | bit_if(f.renosa, 3) | bit_if(f.expand, 2) |
                                 bit_if(f.qcert, 1) | bit_if(f.cert, 0)),
        .reserved = {},
        .rrm = bit_if(f.rrm, 0),
        .reserved2 = {},
    };
    return descriptor(FeatureCode::Formattable, version::formattable, s, bytes_of(d));
}

WriteOnceFeature decode_write_once_feature(const FeatureDescriptor& f) {
    const auto d = data_of<BlockSizeFeatureData>(f, FeatureCode::WriteOnce);
    return {d.logical_block_size, d.blocking, bit(d.flags, 0)};
}

FeatureDescriptor make_feature(const WriteOnceFeature& f, FeatureStatus s) {
    return descriptor(
        FeatureCode::WriteOnce, version::write_once, s,
        bytes_of(BlockSizeFeatureData{f.logical_block_size, f.blocking, bit_if(f.pp, 0), 0}));
}

CdTrackAtOnceFeature decode_cd_track_at_once_feature(const FeatureDescriptor& f) {
    const auto d = data_of<CdTrackAtOnceFeatureData>(f, FeatureCode::CdTrackAtOnce);
    return {
        .buf = bit(d.flags, 6),
        .rw_raw = bit(d.flags, 4),
        .rw_pack = bit(d.flags, 3),
        .test_write = bit(d.flags, 2),
        .cd_rw = bit(d.flags, 1),
        .rw_subcode = bit(d.flags, 0),
        .data_type_supported = d.data_type_supported,
    };
}

FeatureDescriptor make_feature(const CdTrackAtOnceFeature& f, FeatureStatus s) {
    const CdTrackAtOnceFeatureData d{
        .flags =
            static_cast<u8>(bit_if(f.buf, 6) | bit_if(f.rw_raw, 4) | bit_if(f.rw_pack, 3) |
                            bit_if(f.test_write, 2) | bit_if(f.cd_rw, 1) | bit_if(f.rw_subcode, 0)),
        .reserved = 0,
        .data_type_supported = f.data_type_supported,
    };
    return descriptor(FeatureCode::CdTrackAtOnce, version::cd_track_at_once, s, bytes_of(d));
}

CdMasteringFeature decode_cd_mastering_feature(const FeatureDescriptor& f) {
    const auto d = data_of<CdMasteringFeatureData>(f, FeatureCode::CdMastering);
    return {
        .buf = bit(d.flags, 6),
        .sao = bit(d.flags, 5),
        .raw_ms = bit(d.flags, 4),
        .raw = bit(d.flags, 3),
        .test_write = bit(d.flags, 2),
        .cd_rw = bit(d.flags, 1),
        .rw = bit(d.flags, 0),
        .maximum_cue_sheet_length = d.maximum_cue_sheet_length,
    };
}

FeatureDescriptor make_feature(const CdMasteringFeature& f, FeatureStatus s) {
    const CdMasteringFeatureData d{
        .flags = static_cast<u8>(bit_if(f.buf, 6) | bit_if(f.sao, 5) | bit_if(f.raw_ms, 4) |
                                 bit_if(f.raw, 3) | bit_if(f.test_write, 2) | bit_if(f.cd_rw, 1) |
                                 bit_if(f.rw, 0)),
        .maximum_cue_sheet_length = f.maximum_cue_sheet_length,
    };
    return descriptor(FeatureCode::CdMastering, version::cd_mastering, s, bytes_of(d));
}

DvdDashRRwWriteFeature decode_dvd_dash_r_rw_write_feature(const FeatureDescriptor& f) {
    const auto d = data_of<FlagsFeatureData>(f, FeatureCode::DvdDashRRwWrite);
    return {bit(d.flags, 6), bit(d.flags, 3), bit(d.flags, 2), bit(d.flags, 1)};
}

FeatureDescriptor make_feature(const DvdDashRRwWriteFeature& f, FeatureStatus s) {
    const u8 flags =
        bit_if(f.buf, 6) | bit_if(f.rdl, 3) | bit_if(f.test_write, 2) | bit_if(f.dvd_rw_sb, 1);
    return descriptor(FeatureCode::DvdDashRRwWrite, version::dvd_dash_r_rw_write, s,
                      bytes_of(flags_data(flags)));
}

DvdPlusRwFeature decode_dvd_plus_rw_feature(const FeatureDescriptor& f) {
    const auto d = data_of<DvdPlusRwFeatureData>(f, FeatureCode::DvdPlusRw);
    return {bit(d.write, 0), bit(d.flags, 1), bit(d.flags, 0)};
}

FeatureDescriptor make_feature(const DvdPlusRwFeature& f, FeatureStatus s) {
    const DvdPlusRwFeatureData d{
        .write = bit_if(f.write, 0),
        .flags = static_cast<u8>(bit_if(f.quick_start, 1) | bit_if(f.close_only, 0)),
        .reserved = {},
    };
    return descriptor(FeatureCode::DvdPlusRw, version::dvd_plus_rw, s, bytes_of(d));
}

DvdPlusRFeature decode_dvd_plus_r_feature(const FeatureDescriptor& f) {
    return {bit(data_of<FlagsFeatureData>(f, FeatureCode::DvdPlusR).flags, 0)};
}

FeatureDescriptor make_feature(const DvdPlusRFeature& f, FeatureStatus s) {
    return descriptor(FeatureCode::DvdPlusR, version::dvd_plus_r, s,
                      bytes_of(flags_data(bit_if(f.write, 0))));
}

DvdPlusRDualLayerFeature decode_dvd_plus_r_dual_layer_feature(const FeatureDescriptor& f) {
    return {bit(data_of<FlagsFeatureData>(f, FeatureCode::DvdPlusRDualLayer).flags, 0)};
}

FeatureDescriptor make_feature(const DvdPlusRDualLayerFeature& f, FeatureStatus s) {
    return descriptor(FeatureCode::DvdPlusRDualLayer, version::dvd_plus_r_dl, s,
                      bytes_of(flags_data(bit_if(f.write, 0))));
}

BdWriteFeature decode_bd_write_feature(const FeatureDescriptor& f) {
    const auto d = data_of<BdWriteFeatureData>(f, FeatureCode::BdWrite);
    BdWriteFeature out{.svnr = bit(d.flags, 0), .bd_re_classes = {}, .bd_r_classes = {}};
    for (std::size_t i = 0; i < 4; ++i) {
        out.bd_re_classes[i] = d.bd_re[i];
        out.bd_r_classes[i] = d.bd_r[i];
    }
    return out;
}

FeatureDescriptor make_feature(const BdWriteFeature& f, FeatureStatus s) {
    BdWriteFeatureData d{.flags = bit_if(f.svnr, 0), .reserved = {}, .bd_re = {}, .bd_r = {}};
    for (std::size_t i = 0; i < 4; ++i) {
        d.bd_re[i] = f.bd_re_classes[i];
        d.bd_r[i] = f.bd_r_classes[i];
    }
    return descriptor(FeatureCode::BdWrite, version::bd_write, s, bytes_of(d));
}

RealTimeStreamingFeature decode_real_time_streaming_feature(const FeatureDescriptor& f) {
    const auto d = data_of<FlagsFeatureData>(f, FeatureCode::RealTimeStreaming);
    return {bit(d.flags, 5), bit(d.flags, 4), bit(d.flags, 3),
            bit(d.flags, 2), bit(d.flags, 1), bit(d.flags, 0)};
}

FeatureDescriptor make_feature(const RealTimeStreamingFeature& f, FeatureStatus s) {
    const u8 flags = bit_if(f.smp, 5) | bit_if(f.rbcb, 4) | bit_if(f.scs, 3) | bit_if(f.mp2a, 2) |
                     bit_if(f.wspd, 1) | bit_if(f.sw, 0);
    return descriptor(FeatureCode::RealTimeStreaming, version::real_time_streaming, s,
                      bytes_of(flags_data(flags)));
}

DriveSerialNumberFeature decode_drive_serial_number_feature(const FeatureDescriptor& f) {
    expect_code(f, FeatureCode::DriveSerialNumber);
    std::string text;
    for (std::byte b : f.data)
        text.push_back(static_cast<char>(b));
    return {trim_identifier(std::move(text))};
}

FeatureDescriptor make_feature(const DriveSerialNumberFeature& f, FeatureStatus s) {
    if (f.serial_number.size() > 252)
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding feature Drive Serial Number: {} characters do not fit "
                                "in 252",
                                f.serial_number.size()));
    // MMC-6 5.3: the serial number is padded with spaces to a multiple of 4 bytes.
    auto data = encode_to_vector([&](auto& out) {
        out.text(f.serial_number);
        out.fill((4 - f.serial_number.size() % 4) % 4, ' ');
    });
    return descriptor(FeatureCode::DriveSerialNumber, version::drive_serial_number, s,
                      std::move(data));
}

TimeoutFeature decode_timeout_feature(const FeatureDescriptor& f) {
    const auto d = data_of<TimeoutFeatureData>(f, FeatureCode::Timeout);
    return {bit(d.flags, 0), d.unit_length};
}

FeatureDescriptor make_feature(const TimeoutFeature& f, FeatureStatus s) {
    return descriptor(FeatureCode::Timeout, version::timeout, s,
                      bytes_of(TimeoutFeatureData{bit_if(f.group3, 0), 0, f.unit_length}));
}

LayerJumpRecordingFeature decode_layer_jump_recording_feature(const FeatureDescriptor& f) {
    const auto d = data_of<LayerJumpFeatureData>(f, FeatureCode::LayerJumpRecording);
    return {decode_link_sizes(f.data, d.number_of_link_sizes)};
}

FeatureDescriptor make_feature(const LayerJumpRecordingFeature& f, FeatureStatus s) {
    const LayerJumpFeatureData head{
        .reserved = {},
        .number_of_link_sizes = link_size_count(f.link_sizes, FeatureCode::LayerJumpRecording),
    };
    return descriptor(FeatureCode::LayerJumpRecording, version::layer_jump_recording, s,
                      encode_with_link_sizes(head, f.link_sizes));
}

} // namespace discwright::scsi
