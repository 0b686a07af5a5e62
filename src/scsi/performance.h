#pragma once
// MMC-6 6.8 GET PERFORMANCE replies (type 00h nominal performance or exceptions, type 03h write
// speeds) and the type 00h performance descriptor that SET STREAMING (B6h) sends to a drive.

#include <cstddef>
#include <span>
#include <vector>

#include "discwright/mmc.h"
#include "scsi/reply_bytes.h"

namespace discwright::scsi {

/// MMC-6 6.8.2: the 8-byte header of every GET PERFORMANCE reply.
struct PerformanceHeader {
    Be32 performance_data_length; // bytes 0-3: the bytes that follow byte 3
    u8 flags;                     // byte 4: Write bit 1, Except bit 0 (type 00h only)
    std::array<u8, 3> reserved;   // bytes 5-7
};
static_assert(OnDisk<PerformanceHeader> && sizeof(PerformanceHeader) == 8);

/// MMC-6 6.8.2: type 00h nominal performance descriptor; speeds in kB/s.
struct NominalPerformanceData {
    Be32 start_lba;         // bytes 0-3
    Be32 start_performance; // bytes 4-7
    Be32 end_lba;           // bytes 8-11
    Be32 end_performance;   // bytes 12-15
};
static_assert(OnDisk<NominalPerformanceData> && sizeof(NominalPerformanceData) == 16);

/// MMC-6 6.8.2: type 00h exception descriptor.
struct PerformanceExceptionData {
    Be32 lba;  // bytes 0-3
    Be16 time; // bytes 4-5, 0.1 ms
};
static_assert(OnDisk<PerformanceExceptionData> && sizeof(PerformanceExceptionData) == 6);

/// MMC-6 6.8.2: type 03h write speed descriptor.
struct WriteSpeedData {
    u8 flags;                   // byte 0: WRC bits 4-3, RDD bit 2, Exact bit 1, MRW bit 0
    std::array<u8, 3> reserved; // bytes 1-3
    Be32 end_lba;               // bytes 4-7
    Be32 read_speed;            // bytes 8-11, kB/s
    Be32 write_speed;           // bytes 12-15, kB/s
};
static_assert(OnDisk<WriteSpeedData> && sizeof(WriteSpeedData) == 16);
static_assert(offsetof(WriteSpeedData, write_speed) == 12);

/// MMC-6 SET STREAMING (B6h): the type 00h performance descriptor, 28 bytes.
struct StreamingPerformanceData {
    u8 flags;                   // byte 0: WRC bits 4-3, RDD bit 2, Exact bit 1, RA bit 0
    std::array<u8, 3> reserved; // bytes 1-3
    Be32 start_lba;             // bytes 4-7
    Be32 end_lba;               // bytes 8-11
    Be32 read_size;             // bytes 12-15, kB
    Be32 read_time;             // bytes 16-19, ms
    Be32 write_size;            // bytes 20-23, kB
    Be32 write_time;            // bytes 24-27, ms
};
static_assert(OnDisk<StreamingPerformanceData> && sizeof(StreamingPerformanceData) == 28);
static_assert(offsetof(StreamingPerformanceData, write_time) == 24);

/// The length a GET PERFORMANCE reply claims: performance data length + 4 (saturated at
/// 2^32 - 1). Needs 4 bytes.
[[nodiscard]] u32 reported_performance_length(std::span<const std::byte> reply);

/// Type 00h. Throws InvalidResponseFromDevice for fewer than 8 bytes; a partial trailing
/// descriptor is dropped.
[[nodiscard]] Performance decode_performance(std::span<const std::byte> reply);
/// Writes nominal descriptors when `except` is false, exception descriptors otherwise.
[[nodiscard]] std::vector<std::byte> encode_performance(const Performance& performance);

/// Type 03h. Throws InvalidResponseFromDevice for fewer than 8 bytes.
[[nodiscard]] std::vector<WriteSpeedPerformance>
decode_write_speed_performance(std::span<const std::byte> reply);
[[nodiscard]] std::vector<std::byte>
encode_write_speed_performance(std::span<const WriteSpeedPerformance> speeds);

/// SET STREAMING parameter data (host to drive): fewer than 28 bytes is InvalidParam, which a
/// drive answers with PARAMETER LIST LENGTH ERROR.
[[nodiscard]] StreamingPerformance
decode_streaming_performance(std::span<const std::byte> parameters);
[[nodiscard]] std::vector<std::byte> encode_streaming_performance(const StreamingPerformance& p);

} // namespace discwright::scsi
