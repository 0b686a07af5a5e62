#pragma once
// ECMA-119 (ISO 9660) on-disk records, each declared once with its BP numbers. Joliet and
// ISO 9660:1999 use the same records (a supplementary / enhanced volume descriptor).

#include <array>
#include <cstddef>

#include "core/endian.h"

namespace discwright::fs::iso9660 {

using core::Be16;
using core::Be32;
using core::Le16;
using core::Le32;
using core::LeBe16;
using core::LeBe32;
using core::OnDisk;

/// ECMA-119 9.1.5: recording date and time, 7 bytes.
struct RecordingDateTime {
    u8 years_since_1900; // BP 1
    u8 month;            // BP 2
    u8 day;              // BP 3
    u8 hour;             // BP 4
    u8 minute;           // BP 5
    u8 second;           // BP 6
    u8 gmt_offset;       // BP 7, 15-minute intervals, signed
};
static_assert(OnDisk<RecordingDateTime> && sizeof(RecordingDateTime) == 7);

/// ECMA-119 8.4.26.1: volume descriptor date and time, 17 bytes ("YYYYMMDDHHMMSScc" + offset).
struct VolumeDateTime {
    std::array<char, 16> digits;
    u8 gmt_offset;
};
static_assert(OnDisk<VolumeDateTime> && sizeof(VolumeDateTime) == 17);

/// ECMA-119 9.1.6: file flags.
enum FileFlags : u8 {
    flag_existence = 0x01, // "hidden"
    flag_directory = 0x02,
    flag_associated = 0x04,
    flag_record = 0x08,
    flag_protection = 0x10,
    flag_multi_extent = 0x80,
};

/// ECMA-119 9.1: directory record, fixed part; the identifier, a pad byte when its length is
/// even, and the system use area follow.
struct DirectoryRecordHeader {
    u8 length;                     // BP 1
    u8 extended_attribute_length;  // BP 2
    LeBe32 extent_location;        // BP 3-10
    LeBe32 data_length;            // BP 11-18
    RecordingDateTime recorded;    // BP 19-25
    u8 flags;                      // BP 26
    u8 file_unit_size;             // BP 27
    u8 interleave_gap_size;        // BP 28
    LeBe16 volume_sequence_number; // BP 29-32
    u8 file_identifier_length;     // BP 33
};
static_assert(OnDisk<DirectoryRecordHeader> && sizeof(DirectoryRecordHeader) == 33);
static_assert(offsetof(DirectoryRecordHeader, data_length) == 10);
static_assert(offsetof(DirectoryRecordHeader, flags) == 25);

/// ECMA-119 9.4: path table record, fixed part; the identifier and a pad byte follow. The
/// extent location and parent number are little-endian in the L table, big-endian in the M one.
template <class U32, class U16> struct PathTableRecordHeader {
    u8 directory_identifier_length; // BP 1
    u8 extended_attribute_length;   // BP 2
    U32 extent_location;            // BP 3-6
    U16 parent_directory_number;    // BP 7-8
};
using LPathTableRecordHeader = PathTableRecordHeader<Le32, Le16>;
using MPathTableRecordHeader = PathTableRecordHeader<Be32, Be16>;
static_assert(OnDisk<LPathTableRecordHeader> && sizeof(LPathTableRecordHeader) == 8);
static_assert(OnDisk<MPathTableRecordHeader> && sizeof(MPathTableRecordHeader) == 8);

/// ECMA-119 8.4 (primary) and 8.5 (supplementary / enhanced) volume descriptor: 2048 bytes.
struct VolumeDescriptor {
    u8 type;                                            // BP 1: 1 primary, 2 supplementary/enhanced
    std::array<char, 5> standard_identifier;            // BP 2-6: "CD001"
    u8 version;                                         // BP 7: 1; 2 for ISO 9660:1999 enhanced
    u8 volume_flags;                                    // BP 8
    std::array<char, 32> system_identifier;             // BP 9-40
    std::array<char, 32> volume_identifier;             // BP 41-72
    std::array<u8, 8> unused1;                          // BP 73-80
    LeBe32 volume_space_size;                           // BP 81-88
    std::array<u8, 32> escape_sequences;                // BP 89-120 (supplementary only)
    LeBe16 volume_set_size;                             // BP 121-124
    LeBe16 volume_sequence_number;                      // BP 125-128
    LeBe16 logical_block_size;                          // BP 129-132
    LeBe32 path_table_size;                             // BP 133-140
    Le32 type_l_path_table;                             // BP 141-144
    Le32 optional_type_l_path_table;                    // BP 145-148
    Be32 type_m_path_table;                             // BP 149-152
    Be32 optional_type_m_path_table;                    // BP 153-156
    std::array<u8, 34> root_directory_record;           // BP 157-190
    std::array<char, 128> volume_set_identifier;        // BP 191-318
    std::array<char, 128> publisher_identifier;         // BP 319-446
    std::array<char, 128> data_preparer_identifier;     // BP 447-574
    std::array<char, 128> application_identifier;       // BP 575-702
    std::array<char, 37> copyright_file_identifier;     // BP 703-739
    std::array<char, 37> abstract_file_identifier;      // BP 740-776
    std::array<char, 37> bibliographic_file_identifier; // BP 777-813
    VolumeDateTime creation;                            // BP 814-830
    VolumeDateTime modification;                        // BP 831-847
    VolumeDateTime expiration;                          // BP 848-864
    VolumeDateTime effective;                           // BP 865-881
    u8 file_structure_version;                          // BP 882
    u8 reserved1;                                       // BP 883
    std::array<u8, 512> application_use;                // BP 884-1395
    std::array<u8, 653> reserved2;                      // BP 1396-2048
};
static_assert(OnDisk<VolumeDescriptor> && sizeof(VolumeDescriptor) == 2048);
static_assert(offsetof(VolumeDescriptor, volume_space_size) == 80);       // BP 81
static_assert(offsetof(VolumeDescriptor, root_directory_record) == 156);  // BP 157
static_assert(offsetof(VolumeDescriptor, creation) == 813);               // BP 814
static_assert(offsetof(VolumeDescriptor, file_structure_version) == 881); // BP 882

/// ECMA-119 8.3: volume descriptor set terminator.
struct VolumeDescriptorSetTerminator {
    u8 type; // 255
    std::array<char, 5> standard_identifier;
    u8 version;
    std::array<u8, 2041> reserved;
};
static_assert(OnDisk<VolumeDescriptorSetTerminator> &&
              sizeof(VolumeDescriptorSetTerminator) == 2048);

/// ECMA-119 6.8.1.1 and 9.1: a record never exceeds 255 bytes.
inline constexpr std::size_t max_record_length = 255;
/// The largest extent of a multi-extent file: 4 GiB minus one block, so every extent but the
/// last is a whole number of blocks (ECMA-119 6.5.1 with 9.1.6 bit 7).
inline constexpr u64 max_extent_bytes = 0xFFFF'F800;

} // namespace discwright::fs::iso9660
