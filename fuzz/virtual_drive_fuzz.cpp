// Feeds random command sequences to a virtual drive over a fresh temporary medium. The drive
// must never crash: anything a drive answers with sense comes back as sense, and only
// discwright::Error (a lost power fault, a host file failure) may be thrown.
//
// Input: byte 0 picks the media type, byte 1 a fault plan; then records of
// [CDB length 6..16][CDB bytes][direction][transfer length, 2 bytes][data-out bytes].

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "discwright/virtual_recorder.h"
#include "virtual/media_catalog.h"
#include "virtual/virtual_drive.h"

using namespace discwright;

namespace {

std::filesystem::path medium_path() {
    static const auto path = std::filesystem::temp_directory_path() /
                             ("discwright-fuzz-" + std::to_string(::getpid()) + ".img");
    return path;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    if (size < 2) return 0;
    std::span<const std::uint8_t> in(bytes, size);
    const auto specs = virtual_recorder::all_media_specs();
    VirtualRecorderOptions options;
    options.media = specs[in[0] % specs.size()].type;
    options.existing = ExistingMedium::Replace;
    const u8 f = in[1];
    if (f & 1) options.faults.write_error_at_lba = 16;
    if (f & 2) options.faults.corrupt_read_at_lba = 1;
    if (f & 4) options.faults.power_loss_after_sectors = 40;
    if (f & 8) options.faults.remove_after_sectors = 24;
    if (f & 16) options.faults.underrun_after_sectors = 8;
    if (f & 32) options.faults.long_write_in_progress_polls = 2;
    if (f & 64) options.write_protected = true;
    in = in.subspan(2);
    try {
        VirtualRecorder::create(medium_path(), options);
        auto drive = virtual_recorder::open_virtual_drive(medium_path());
        std::vector<std::byte> data;
        while (in.size() >= 1) {
            const std::size_t length = in[0];
            if (length < 6 || length > 16 || in.size() < 1 + length + 3) break;
            std::vector<std::byte> cdb_bytes(length);
            for (std::size_t i = 0; i < length; ++i)
                cdb_bytes[i] = static_cast<std::byte>(in[1 + i]);
            const auto direction = static_cast<DataDirection>(in[1 + length] % 3);
            const u32 transfer = (u32{in[2 + length]} << 8 | in[3 + length]) * 4;
            in = in.subspan(4 + length);
            scsi::Cdb cdb;
            try {
                cdb = scsi::Cdb::from_bytes(cdb_bytes, direction, transfer);
            } catch (const Error&) {
                continue;
            }
            data.assign(transfer, std::byte{0});
            if (direction == DataDirection::ToDevice) {
                const std::size_t n = std::min<std::size_t>(transfer, in.size());
                for (std::size_t i = 0; i < n; ++i)
                    data[i] = static_cast<std::byte>(in[i]);
                in = in.subspan(n);
            }
            (void)drive->execute(cdb, data);
        }
    } catch (const Error&) {
        // Power loss and host file failures end the sequence as they end a real session.
    }
    return 0;
}
