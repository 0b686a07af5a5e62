#pragma once
// ECMA-167 3rd edition and OSTA UDF 2.60 on-disk records, each declared once with its byte
// positions (RBP, relative to the record's start). Every multi-byte field is little-endian
// (ECMA-167 1/7.1.3 and 1/7.1.5).

#include <array>
#include <cstddef>

#include "core/endian.h"

namespace discwright::fs::udf {

using core::Le16;
using core::Le32;
using core::Le64;
using core::OnDisk;

/// ECMA-167 3/7.2: descriptor tag, at the start of every descriptor.
struct DescriptorTag {
    Le16 tag_identifier;        // RBP 0
    Le16 descriptor_version;    // RBP 2: 2 (NSR02, UDF 1.02/1.50) or 3 (NSR03, UDF 2.00+)
    u8 tag_checksum;            // RBP 4: sum of bytes 0-3 and 5-15, modulo 256
    u8 reserved;                // RBP 5
    Le16 tag_serial_number;     // RBP 6
    Le16 descriptor_crc;        // RBP 8: CRC-ITU-T over the bytes after the tag
    Le16 descriptor_crc_length; // RBP 10
    Le32 tag_location;          // RBP 12: the descriptor's own block (partition-relative in part 4)
};
static_assert(OnDisk<DescriptorTag> && sizeof(DescriptorTag) == 16);

/// ECMA-167 3/7.2.1 and 4/7.2.1: tag identifiers.
enum class TagId : u16 {
    PrimaryVolume = 1,
    AnchorVolumePointer = 2,
    ImplementationUseVolume = 4,
    Partition = 5,
    LogicalVolume = 6,
    UnallocatedSpace = 7,
    Terminating = 8,
    LogicalVolumeIntegrity = 9,
    FileSet = 256,
    FileIdentifier = 257,
    FileEntry = 261,
    ExtendedAttributeHeader = 262,
    ExtendedFileEntry = 266,
};

/// ECMA-167 1/7.2.1: character set specification; UDF 2.1.2: always CS0, "OSTA Compressed
/// Unicode".
struct CharSpec {
    u8 character_set_type;                   // RBP 0
    std::array<char, 63> character_set_info; // RBP 1
};
static_assert(OnDisk<CharSpec> && sizeof(CharSpec) == 64);

/// ECMA-167 1/7.3: timestamp. UDF 2.1.4: type 1 (local time) with the offset from UTC.
struct Timestamp {
    Le16 type_and_timezone;      // RBP 0: type in bits 12-15, signed 12-bit minutes east of UTC
    Le16 year;                   // RBP 2 (a signed 16-bit number)
    u8 month;                    // RBP 4
    u8 day;                      // RBP 5
    u8 hour;                     // RBP 6
    u8 minute;                   // RBP 7
    u8 second;                   // RBP 8
    u8 centiseconds;             // RBP 9
    u8 hundreds_of_microseconds; // RBP 10
    u8 microseconds;             // RBP 11
};
static_assert(OnDisk<Timestamp> && sizeof(Timestamp) == 12);

/// ECMA-167 1/7.4: entity identifier (UDF 2.1.5: "regid").
struct EntityId {
    u8 flags;                            // RBP 0
    std::array<char, 23> identifier;     // RBP 1
    std::array<u8, 8> identifier_suffix; // RBP 24
};
static_assert(OnDisk<EntityId> && sizeof(EntityId) == 32);

/// ECMA-167 3/7.1: extent descriptor (volume space).
struct ExtentAd {
    Le32 length;   // RBP 0, bytes
    Le32 location; // RBP 4, sector
};
static_assert(OnDisk<ExtentAd> && sizeof(ExtentAd) == 8);

/// ECMA-167 4/7.1: recorded address.
struct LbAddr {
    Le32 logical_block_number;       // RBP 0
    Le16 partition_reference_number; // RBP 4
};
static_assert(OnDisk<LbAddr> && sizeof(LbAddr) == 6);

/// ECMA-167 4/14.14.1: short allocation descriptor (in the partition of its ICB).
struct ShortAd {
    Le32 extent_length;   // RBP 0: type in bits 30-31, bytes in bits 0-29
    Le32 extent_position; // RBP 4
};
static_assert(OnDisk<ShortAd> && sizeof(ShortAd) == 8);

/// ECMA-167 4/14.14.2: long allocation descriptor. UDF 2.3.10.1: the implementation use holds
/// flags (2 bytes) and, in a FID's ICB, the low 32 bits of the file's Unique ID.
struct LongAd {
    Le32 extent_length;            // RBP 0
    LbAddr extent_location;        // RBP 4
    Le16 implementation_flags;     // RBP 10
    Le32 implementation_unique_id; // RBP 12
};
static_assert(OnDisk<LongAd> && sizeof(LongAd) == 16);

/// ECMA-167 2/9.1: volume structure descriptor (BEA01, NSR02/NSR03, TEA01), one sector.
struct VolumeStructureDescriptor {
    u8 structure_type;                       // BP 1: 0
    std::array<char, 5> standard_identifier; // BP 2-6
    u8 structure_version;                    // BP 7: 1
    std::array<u8, 2041> structure_data;     // BP 8-2048
};
static_assert(OnDisk<VolumeStructureDescriptor> && sizeof(VolumeStructureDescriptor) == 2048);

/// ECMA-167 3/10.2: anchor volume descriptor pointer.
struct AnchorVolumeDescriptorPointer {
    DescriptorTag tag;                           // RBP 0
    ExtentAd main_volume_descriptor_sequence;    // RBP 16
    ExtentAd reserve_volume_descriptor_sequence; // RBP 24
    std::array<u8, 480> reserved;                // RBP 32
};
static_assert(OnDisk<AnchorVolumeDescriptorPointer> &&
              sizeof(AnchorVolumeDescriptorPointer) == 512);

/// ECMA-167 3/10.1: primary volume descriptor (UDF 2.2.2).
struct PrimaryVolumeDescriptor {
    DescriptorTag tag;                                    // RBP 0
    Le32 volume_descriptor_sequence_number;               // RBP 16
    Le32 primary_volume_descriptor_number;                // RBP 20
    std::array<u8, 32> volume_identifier;                 // RBP 24, dstring
    Le16 volume_sequence_number;                          // RBP 56
    Le16 maximum_volume_sequence_number;                  // RBP 58
    Le16 interchange_level;                               // RBP 60
    Le16 maximum_interchange_level;                       // RBP 62
    Le32 character_set_list;                              // RBP 64
    Le32 maximum_character_set_list;                      // RBP 68
    std::array<u8, 128> volume_set_identifier;            // RBP 72, dstring
    CharSpec descriptor_character_set;                    // RBP 200
    CharSpec explanatory_character_set;                   // RBP 264
    ExtentAd volume_abstract;                             // RBP 328
    ExtentAd volume_copyright_notice;                     // RBP 336
    EntityId application_identifier;                      // RBP 344
    Timestamp recording_date_and_time;                    // RBP 376
    EntityId implementation_identifier;                   // RBP 388
    std::array<u8, 64> implementation_use;                // RBP 420
    Le32 predecessor_volume_descriptor_sequence_location; // RBP 484
    Le16 flags;                                           // RBP 488
    std::array<u8, 22> reserved;                          // RBP 490
};
static_assert(OnDisk<PrimaryVolumeDescriptor> && sizeof(PrimaryVolumeDescriptor) == 512);
static_assert(offsetof(PrimaryVolumeDescriptor, recording_date_and_time) == 376);

/// UDF 2.2.7.2: the implementation use area of the implementation use volume descriptor.
struct LvInformation {
    CharSpec lvi_charset;                          // RBP 52 of the IUVD
    std::array<u8, 128> logical_volume_identifier; // dstring
    std::array<u8, 36> lv_info1;                   // dstring
    std::array<u8, 36> lv_info2;                   // dstring
    std::array<u8, 36> lv_info3;                   // dstring
    EntityId implementation_id;
    std::array<u8, 128> implementation_use;
};
static_assert(OnDisk<LvInformation> && sizeof(LvInformation) == 460);

/// ECMA-167 3/10.4: implementation use volume descriptor (UDF 2.2.7: "*UDF LV Info").
struct ImplementationUseVolumeDescriptor {
    DescriptorTag tag;                      // RBP 0
    Le32 volume_descriptor_sequence_number; // RBP 16
    EntityId implementation_identifier;     // RBP 20
    LvInformation implementation_use;       // RBP 52
};
static_assert(OnDisk<ImplementationUseVolumeDescriptor> &&
              sizeof(ImplementationUseVolumeDescriptor) == 512);

/// ECMA-167 3/10.5: partition descriptor (UDF 2.2.14).
struct PartitionDescriptor {
    DescriptorTag tag;                          // RBP 0
    Le32 volume_descriptor_sequence_number;     // RBP 16
    Le16 partition_flags;                       // RBP 20: bit 0 allocated
    Le16 partition_number;                      // RBP 22
    EntityId partition_contents;                // RBP 24: "+NSR02" / "+NSR03"
    std::array<u8, 128> partition_contents_use; // RBP 56: partition header descriptor
    Le32 access_type;                           // RBP 184
    Le32 partition_starting_location;           // RBP 188
    Le32 partition_length;                      // RBP 192
    EntityId implementation_identifier;         // RBP 196
    std::array<u8, 128> implementation_use;     // RBP 228
    std::array<u8, 156> reserved;               // RBP 356
};
static_assert(OnDisk<PartitionDescriptor> && sizeof(PartitionDescriptor) == 512);
static_assert(offsetof(PartitionDescriptor, access_type) == 184);

/// ECMA-167 3/10.5.7: access types.
enum class AccessType : u32 { ReadOnly = 1, WriteOnce = 2, Rewritable = 3, Overwritable = 4 };

/// ECMA-167 3/10.6: logical volume descriptor, fixed part; the partition maps follow.
struct LogicalVolumeDescriptor {
    DescriptorTag tag;                             // RBP 0
    Le32 volume_descriptor_sequence_number;        // RBP 16
    CharSpec descriptor_character_set;             // RBP 20
    std::array<u8, 128> logical_volume_identifier; // RBP 84, dstring
    Le32 logical_block_size;                       // RBP 212
    EntityId domain_identifier;                    // RBP 216
    LongAd file_set_descriptor_location;           // RBP 248: logical volume contents use
    Le32 map_table_length;                         // RBP 264
    Le32 number_of_partition_maps;                 // RBP 268
    EntityId implementation_identifier;            // RBP 272
    std::array<u8, 128> implementation_use;        // RBP 304
    ExtentAd integrity_sequence_extent;            // RBP 432
};
static_assert(OnDisk<LogicalVolumeDescriptor> && sizeof(LogicalVolumeDescriptor) == 440);

/// ECMA-167 3/10.7.2: type 1 partition map.
struct Type1PartitionMap {
    u8 partition_map_type;       // RBP 0: 1
    u8 partition_map_length;     // RBP 1: 6
    Le16 volume_sequence_number; // RBP 2
    Le16 partition_number;       // RBP 4
};
static_assert(OnDisk<Type1PartitionMap> && sizeof(Type1PartitionMap) == 6);

/// UDF 2.2.10: metadata partition map (a type 2 map), UDF 2.50 and later.
struct MetadataPartitionMap {
    u8 partition_map_type;              // RBP 0: 2
    u8 partition_map_length;            // RBP 1: 64
    std::array<u8, 2> reserved1;        // RBP 2
    EntityId partition_type_identifier; // RBP 4: "*UDF Metadata Partition"
    Le16 volume_sequence_number;        // RBP 36
    Le16 partition_number;              // RBP 38
    Le32 metadata_file_location;        // RBP 40
    Le32 metadata_mirror_file_location; // RBP 44
    Le32 metadata_bitmap_file_location; // RBP 48
    Le32 allocation_unit_size;          // RBP 52, blocks
    Le16 alignment_unit_size;           // RBP 56, blocks
    u8 flags;                           // RBP 58: bit 0 duplicate metadata
    std::array<u8, 5> reserved2;        // RBP 59
};
static_assert(OnDisk<MetadataPartitionMap> && sizeof(MetadataPartitionMap) == 64);

/// ECMA-167 3/10.8: unallocated space descriptor with no extents.
struct UnallocatedSpaceDescriptor {
    DescriptorTag tag;                      // RBP 0
    Le32 volume_descriptor_sequence_number; // RBP 16
    Le32 number_of_allocation_descriptors;  // RBP 20
};
static_assert(OnDisk<UnallocatedSpaceDescriptor> && sizeof(UnallocatedSpaceDescriptor) == 24);

/// ECMA-167 3/10.9 and 4/14.2: terminating descriptor.
struct TerminatingDescriptor {
    DescriptorTag tag;            // RBP 0
    std::array<u8, 496> reserved; // RBP 16
};
static_assert(OnDisk<TerminatingDescriptor> && sizeof(TerminatingDescriptor) == 512);

/// ECMA-167 3/10.10: logical volume integrity descriptor, fixed part; the free space table,
/// size table and implementation use follow.
struct LogicalVolumeIntegrityDescriptor {
    DescriptorTag tag;                 // RBP 0
    Timestamp recording_date_and_time; // RBP 16
    Le32 integrity_type;               // RBP 28: 1 close
    ExtentAd next_integrity_extent;    // RBP 32
    Le64 next_unique_id;               // RBP 40: UDF 3.2.1 logical volume header descriptor
    std::array<u8, 24> reserved;       // RBP 48
    Le32 number_of_partitions;         // RBP 72
    Le32 length_of_implementation_use; // RBP 76
};
static_assert(OnDisk<LogicalVolumeIntegrityDescriptor> &&
              sizeof(LogicalVolumeIntegrityDescriptor) == 80);

/// UDF 2.2.6.4: implementation use of the integrity descriptor.
struct IntegrityImplementationUse {
    EntityId implementation_id;
    Le32 number_of_files;
    Le32 number_of_directories;
    Le16 minimum_udf_read_revision;
    Le16 minimum_udf_write_revision;
    Le16 maximum_udf_write_revision;
};
static_assert(OnDisk<IntegrityImplementationUse> && sizeof(IntegrityImplementationUse) == 46);

/// ECMA-167 4/14.1: file set descriptor (UDF 2.3.2).
struct FileSetDescriptor {
    DescriptorTag tag;                                // RBP 0
    Timestamp recording_date_and_time;                // RBP 16
    Le16 interchange_level;                           // RBP 28
    Le16 maximum_interchange_level;                   // RBP 30
    Le32 character_set_list;                          // RBP 32
    Le32 maximum_character_set_list;                  // RBP 36
    Le32 file_set_number;                             // RBP 40
    Le32 file_set_descriptor_number;                  // RBP 44
    CharSpec logical_volume_identifier_character_set; // RBP 48
    std::array<u8, 128> logical_volume_identifier;    // RBP 112, dstring
    CharSpec file_set_character_set;                  // RBP 240
    std::array<u8, 32> file_set_identifier;           // RBP 304, dstring
    std::array<u8, 32> copyright_file_identifier;     // RBP 336, dstring
    std::array<u8, 32> abstract_file_identifier;      // RBP 368, dstring
    LongAd root_directory_icb;                        // RBP 400
    EntityId domain_identifier;                       // RBP 416
    LongAd next_extent;                               // RBP 448
    LongAd system_stream_directory_icb;               // RBP 464
    std::array<u8, 32> reserved;                      // RBP 480
};
static_assert(OnDisk<FileSetDescriptor> && sizeof(FileSetDescriptor) == 512);

/// ECMA-167 4/14.6: ICB tag.
struct IcbTag {
    Le32 prior_recorded_number_of_direct_entries; // RBP 0
    Le16 strategy_type;                           // RBP 4: 4
    std::array<u8, 2> strategy_parameter;         // RBP 6
    Le16 maximum_number_of_entries;               // RBP 8: 1
    u8 reserved;                                  // RBP 10
    u8 file_type;                                 // RBP 11
    LbAddr parent_icb_location;                   // RBP 12
    Le16 flags;                                   // RBP 18
};
static_assert(OnDisk<IcbTag> && sizeof(IcbTag) == 20);

/// ECMA-167 4/14.6.6 and UDF 2.60 2.2.13.1: file types.
enum class FileType : u8 {
    Directory = 4,
    Regular = 5,
    BlockDevice = 6,
    CharacterDevice = 7,
    Fifo = 9,
    Socket = 10,
    Symlink = 12,
    MetadataFile = 250,
    MetadataMirrorFile = 251,
};

/// ECMA-167 4/14.6.8: ICB flags.
enum IcbFlags : u16 {
    icb_short_ad = 0,
    icb_long_ad = 1,
    icb_embedded = 3,
    icb_setuid = 1u << 6,
    icb_setgid = 1u << 7,
    icb_sticky = 1u << 8,
    icb_contiguous = 1u << 9,
};

/// ECMA-167 4/14.9: file entry, fixed part; extended attributes and allocation descriptors
/// follow.
struct FileEntry {
    DescriptorTag tag;                     // RBP 0
    IcbTag icb_tag;                        // RBP 16
    Le32 uid;                              // RBP 36
    Le32 gid;                              // RBP 40
    Le32 permissions;                      // RBP 44
    Le16 file_link_count;                  // RBP 48
    u8 record_format;                      // RBP 50
    u8 record_display_attributes;          // RBP 51
    Le32 record_length;                    // RBP 52
    Le64 information_length;               // RBP 56
    Le64 logical_blocks_recorded;          // RBP 64
    Timestamp access_date_and_time;        // RBP 72
    Timestamp modification_date_and_time;  // RBP 84
    Timestamp attribute_date_and_time;     // RBP 96
    Le32 checkpoint;                       // RBP 108
    LongAd extended_attribute_icb;         // RBP 112
    EntityId implementation_identifier;    // RBP 128
    Le64 unique_id;                        // RBP 160
    Le32 length_of_extended_attributes;    // RBP 168
    Le32 length_of_allocation_descriptors; // RBP 172
};
static_assert(OnDisk<FileEntry> && sizeof(FileEntry) == 176);

/// ECMA-167 4/14.17: extended file entry (UDF 2.00 and later), fixed part.
struct ExtendedFileEntry {
    DescriptorTag tag;                     // RBP 0
    IcbTag icb_tag;                        // RBP 16
    Le32 uid;                              // RBP 36
    Le32 gid;                              // RBP 40
    Le32 permissions;                      // RBP 44
    Le16 file_link_count;                  // RBP 48
    u8 record_format;                      // RBP 50
    u8 record_display_attributes;          // RBP 51
    Le32 record_length;                    // RBP 52
    Le64 information_length;               // RBP 56
    Le64 object_size;                      // RBP 64
    Le64 logical_blocks_recorded;          // RBP 72
    Timestamp access_date_and_time;        // RBP 80
    Timestamp modification_date_and_time;  // RBP 92
    Timestamp creation_date_and_time;      // RBP 104
    Timestamp attribute_date_and_time;     // RBP 116
    Le32 checkpoint;                       // RBP 128
    Le32 reserved;                         // RBP 132
    LongAd extended_attribute_icb;         // RBP 136
    LongAd stream_directory_icb;           // RBP 152
    EntityId implementation_identifier;    // RBP 168
    Le64 unique_id;                        // RBP 200
    Le32 length_of_extended_attributes;    // RBP 208
    Le32 length_of_allocation_descriptors; // RBP 212
};
static_assert(OnDisk<ExtendedFileEntry> && sizeof(ExtendedFileEntry) == 216);

/// ECMA-167 4/14.4: file identifier descriptor, fixed part; the implementation use, the file
/// identifier and padding to a multiple of 4 bytes follow.
struct FileIdentifierDescriptor {
    DescriptorTag tag;                 // RBP 0
    Le16 file_version_number;          // RBP 16: 1
    u8 file_characteristics;           // RBP 18
    u8 length_of_file_identifier;      // RBP 19
    LongAd icb;                        // RBP 20
    Le16 length_of_implementation_use; // RBP 36
};
static_assert(OnDisk<FileIdentifierDescriptor> && sizeof(FileIdentifierDescriptor) == 38);

/// ECMA-167 4/14.4.3: file characteristics.
enum FileCharacteristics : u8 {
    fid_hidden = 0x01, // "existence": the file need not be made known to the user
    fid_directory = 0x02,
    fid_deleted = 0x04,
    fid_parent = 0x08,
};

/// ECMA-167 4/14.10.1: extended attribute header descriptor.
struct ExtendedAttributeHeaderDescriptor {
    DescriptorTag tag;                       // RBP 0
    Le32 implementation_attributes_location; // RBP 16
    Le32 application_attributes_location;    // RBP 20
};
static_assert(OnDisk<ExtendedAttributeHeaderDescriptor> &&
              sizeof(ExtendedAttributeHeaderDescriptor) == 24);

/// ECMA-167 4/14.10.7: device specification extended attribute (no implementation use).
struct DeviceSpecificationAttribute {
    Le32 attribute_type;              // RBP 0: 12
    u8 attribute_subtype;             // RBP 4: 1
    std::array<u8, 3> reserved;       // RBP 5
    Le32 attribute_length;            // RBP 8: 24
    Le32 implementation_use_length;   // RBP 12: 0
    Le32 major_device_identification; // RBP 16
    Le32 minor_device_identification; // RBP 20
};
static_assert(OnDisk<DeviceSpecificationAttribute> && sizeof(DeviceSpecificationAttribute) == 24);

/// ECMA-167 4/14.16.1: path component of a symbolic link's data.
struct PathComponentHeader {
    u8 component_type;                  // RBP 0: 2 root, 3 parent, 4 current, 5 named
    u8 length_of_component_identifier;  // RBP 1
    Le16 component_file_version_number; // RBP 2: 0
};
static_assert(OnDisk<PathComponentHeader> && sizeof(PathComponentHeader) == 4);

/// ECMA-167 3/8.4.2 and 2/8.4: the anchor at sector 256, and at the last sector.
inline constexpr u32 anchor_sector = 256;
/// UDF 2.3.10: an extent records less than 2^30 bytes; whole blocks but for the last.
inline constexpr u64 max_extent_bytes = (u64{1} << 30) - 2048;

} // namespace discwright::fs::udf
