// Fuzz target: MMC replies are untrusted bytes from a drive. Every reply decoder of scsi/, and
// every feature and mode page decoder, runs on each input and may only throw discwright::Error.
// Where an encoder exists, decoding what it encodes from a decoded reply must give the same
// struct back: a decoder that kept a value its encoder cannot express would break the virtual
// recorder's answers.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "discwright/error.h"
#include "scsi/buffer_capacity.h"
#include "scsi/capacity.h"
#include "scsi/configuration.h"
#include "scsi/disc_information.h"
#include "scsi/disc_structure.h"
#include "scsi/event_status.h"
#include "scsi/feature_descriptors.h"
#include "scsi/inquiry.h"
#include "scsi/mode_pages.h"
#include "scsi/performance.h"
#include "scsi/toc.h"
#include "scsi/track_information.h"

using namespace discwright;
using namespace discwright::scsi;

namespace {

template <class F> void guarded(F&& f) {
    try {
        f();
    } catch (const Error&) {
        // A short or malformed reply is a legitimate answer.
    }
}

/// decode(encode(decode(bytes))) == decode(bytes), when the first decode succeeds.
template <class Decode, class Encode>
void round_trip(std::span<const std::byte> bytes, Decode decode, Encode encode) {
    guarded([&] {
        const auto first = decode(bytes);
        const auto again = decode(encode(first));
        if (!(again == first)) __builtin_trap();
    });
}

void run_feature_decoders(const FeatureDescriptor& f) {
    guarded([&] { (void)decode_profile_list(f); });
    guarded([&] { (void)decode_core_feature(f); });
    guarded([&] { (void)decode_morphing_feature(f); });
    guarded([&] { (void)decode_removable_medium_feature(f); });
    guarded([&] { (void)decode_random_readable_feature(f); });
    guarded([&] { (void)decode_random_writable_feature(f); });
    guarded([&] { (void)decode_incremental_streaming_writable_feature(f); });
    guarded([&] { (void)decode_formattable_feature(f); });
    guarded([&] { (void)decode_write_once_feature(f); });
    guarded([&] { (void)decode_cd_track_at_once_feature(f); });
    guarded([&] { (void)decode_cd_mastering_feature(f); });
    guarded([&] { (void)decode_dvd_dash_r_rw_write_feature(f); });
    guarded([&] { (void)decode_dvd_plus_rw_feature(f); });
    guarded([&] { (void)decode_dvd_plus_r_feature(f); });
    guarded([&] { (void)decode_dvd_plus_r_dual_layer_feature(f); });
    guarded([&] { (void)decode_bd_write_feature(f); });
    guarded([&] { (void)decode_real_time_streaming_feature(f); });
    guarded([&] { (void)decode_drive_serial_number_feature(f); });
    guarded([&] { (void)decode_timeout_feature(f); });
    guarded([&] { (void)decode_layer_jump_recording_feature(f); });
}

void run_page_decoders(const ModePage& page) {
    guarded([&] { (void)decode_error_recovery_page(page); });
    guarded([&] { (void)decode_write_parameters_page(page); });
    guarded([&] { (void)decode_capabilities_page(page); });
    guarded([&] { (void)decode_mode_page(encode_mode_page(page)); });
}

constexpr FeatureCode decoded_features[] = {
    FeatureCode::ProfileList,
    FeatureCode::Core,
    FeatureCode::Morphing,
    FeatureCode::RemovableMedium,
    FeatureCode::RandomReadable,
    FeatureCode::RandomWritable,
    FeatureCode::IncrementalStreamingWritable,
    FeatureCode::Formattable,
    FeatureCode::WriteOnce,
    FeatureCode::CdTrackAtOnce,
    FeatureCode::CdMastering,
    FeatureCode::DvdDashRRwWrite,
    FeatureCode::DvdPlusRw,
    FeatureCode::DvdPlusR,
    FeatureCode::DvdPlusRDualLayer,
    FeatureCode::BdWrite,
    FeatureCode::RealTimeStreaming,
    FeatureCode::DriveSerialNumber,
    FeatureCode::Timeout,
    FeatureCode::LayerJumpRecording,
};

constexpr ModePageCode decoded_pages[] = {ModePageCode::ReadWriteErrorRecovery,
                                          ModePageCode::WriteParameters,
                                          ModePageCode::CapabilitiesAndMechanicalStatus};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);

    guarded([&] { (void)reported_inquiry_length(bytes); });
    guarded([&] { (void)decode_inquiry(bytes); });

    guarded([&] { (void)reported_configuration_length(bytes); });
    guarded([&] {
        const auto c = decode_configuration(bytes);
        for (const auto& f : c.features)
            run_feature_decoders(f);
        (void)encode_configuration(c, ConfigurationRequest::Current, FeatureCode::Core);
    });
    // The input as the data of every decoded feature, so each sub-decoder sees any bytes.
    const std::vector<std::byte> raw(bytes.begin(),
                                     bytes.begin() + std::min<std::size_t>(255, size));
    for (FeatureCode code : decoded_features)
        run_feature_decoders({code, 0, false, true, raw});

    guarded([&] { (void)reported_mode_parameters_length(bytes); });
    guarded([&] {
        const auto p = decode_mode_parameters(bytes);
        for (const auto& page : p.pages)
            run_page_decoders(page);
    });
    round_trip(bytes, decode_mode_parameters,
               [](const ModeParameters& p) { return encode_mode_parameters(p); });
    guarded([&] { run_page_decoders(decode_mode_page(bytes)); });
    for (ModePageCode code : decoded_pages)
        run_page_decoders({code, false, std::nullopt, raw});

    guarded([&] { (void)reported_performance_length(bytes); });
    round_trip(bytes, decode_performance, encode_performance);
    round_trip(bytes, decode_write_speed_performance,
               [](const std::vector<WriteSpeedPerformance>& s) {
                   return encode_write_speed_performance(s);
               });
    round_trip(bytes, decode_streaming_performance, encode_streaming_performance);

    guarded([&] { (void)reported_disc_information_length(bytes); });
    round_trip(bytes, decode_disc_information, encode_disc_information);
    guarded([&] { (void)reported_track_information_length(bytes); });
    round_trip(bytes, decode_track_information, encode_track_information);

    guarded([&] { (void)reported_toc_length(bytes); });
    round_trip(
        bytes, [](auto b) { return decode_toc(b, TocAddressing::Msf); }, encode_toc);
    round_trip(
        bytes, [](auto b) { return decode_session_info(b); }, encode_session_info);
    round_trip(bytes, decode_full_toc, encode_full_toc);
    round_trip(bytes, decode_atip, encode_atip);
    guarded([&] {
        for (const auto& e : decode_toc(bytes, TocAddressing::Msf).entries)
            (void)e.lba(TocAddressing::Msf);
    });

    round_trip(bytes, decode_capacity, encode_capacity);
    guarded([&] { (void)reported_format_capacities_length(bytes); });
    round_trip(bytes, decode_format_capacities, encode_format_capacities);
    round_trip(bytes, decode_buffer_capacity, encode_buffer_capacity);
    round_trip(bytes, decode_buffer_capacity_blocks, encode_buffer_capacity_blocks);

    guarded([&] { (void)reported_event_status_length(bytes); });
    round_trip(bytes, decode_event_status, encode_event_status);

    guarded([&] { (void)reported_disc_structure_length(bytes); });
    round_trip(bytes, decode_disc_structure, encode_disc_structure);
    guarded([&] {
        const auto s = decode_disc_structure(bytes);
        const auto dvd = decode_dvd_physical_format(s.data);
        if (!(decode_dvd_physical_format(encode_dvd_physical_format(dvd).data) == dvd))
            __builtin_trap();
        const auto bd = decode_bd_disc_information(s.data);
        if (!(decode_bd_disc_information(encode_bd_disc_information(bd).data) == bd))
            __builtin_trap();
    });
    guarded([&] { (void)decode_dvd_physical_format(bytes); });
    guarded([&] { (void)decode_bd_disc_information(bytes); });
    return 0;
}
