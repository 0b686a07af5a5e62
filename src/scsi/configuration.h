#pragma once
// MMC-6 6.6 GET CONFIGURATION: the reply header (data length, current profile) and the list of
// feature descriptors, each kept raw (IMAPI's GetFeaturePage hands out header + data). The
// features a burner reads field by field are decoded in scsi/feature_descriptors.h.

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/commands.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// MMC-6 6.6.2: the 8-byte header of a GET CONFIGURATION reply.
struct ConfigurationHeader {
    Be32 data_length;           // bytes 0-3: the bytes that follow byte 3
    std::array<u8, 2> reserved; // bytes 4-5
    Be16 current_profile;       // bytes 6-7
};
static_assert(OnDisk<ConfigurationHeader> && sizeof(ConfigurationHeader) == 8);
static_assert(offsetof(ConfigurationHeader, current_profile) == 6);

/// MMC-6 5.2: the 4-byte header of every feature descriptor.
struct FeatureHeader {
    Be16 feature_code;    // bytes 0-1
    u8 flags;             // byte 2: version bits 5-2, persistent bit 1, current bit 0
    u8 additional_length; // byte 3: the bytes after byte 3
};
static_assert(OnDisk<FeatureHeader> && sizeof(FeatureHeader) == 4);

/// The length the reply claims: data length + 4 (saturated at 2^32 - 1). Needs 4 bytes.
[[nodiscard]] u32 reported_configuration_length(std::span<const std::byte> reply);
/// Throws InvalidResponseFromDevice for fewer than 8 bytes. A descriptor whose additional
/// bytes did not all arrive ends the list.
[[nodiscard]] Configuration decode_configuration(std::span<const std::byte> reply);
/// The reply a drive gives for the RT field `rt` and `starting_feature` of the CDB: the header
/// (data length covering every listed descriptor, current profile) and the selected descriptors in
/// ascending feature code order. Feature data longer than 255 bytes is InvalidParam.
[[nodiscard]] std::vector<std::byte>
encode_configuration(const Configuration& configuration,
                     ConfigurationRequest rt = ConfigurationRequest::All,
                     FeatureCode starting_feature = FeatureCode::ProfileList);

/// One descriptor, header and data, as GET CONFIGURATION lists it.
[[nodiscard]] std::vector<std::byte> encode_feature_descriptor(const FeatureDescriptor& feature);

} // namespace discwright::scsi
