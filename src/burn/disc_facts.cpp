#include "burn/disc_facts.h"

#include <algorithm>
#include <cstring>

#include "core/endian.h"
#include "device/command_runner.h"
#include "device/media_facts.h"
#include "discwright/error.h"
#include "scsi/commands.h"

namespace discwright::burn {

namespace {

bool is_pvd(std::span<const std::byte> b) {
    return b.size() >= 2048 && b[0] == std::byte{1} && std::memcmp(b.data() + 1, "CD001", 5) == 0;
}

u32 le32_at(std::span<const std::byte> b, std::size_t at) {
    return static_cast<u32>(b[at]) | static_cast<u32>(b[at + 1]) << 8 |
           static_cast<u32>(b[at + 2]) << 16 | static_cast<u32>(b[at + 3]) << 24;
}

void read_sequential(DiscRecorder& recorder, DiscFacts& f) {
    const DiscInformation& d = *f.disc;
    const bool appendable =
        d.disc_status == DiscStatus::Empty || d.disc_status == DiscStatus::Incomplete;
    f.sessions = d.number_of_sessions;
    if (d.last_session_state != SessionState::Complete && f.sessions > 0) --f.sessions;
    if (appendable) {
        const auto t =
            recorder.track_information(d.last_track_in_last_session, TrackAddressType::Track);
        f.next_writable_address = t.next_writable_address.value_or(t.track_start_address);
        f.free_sectors = t.free_blocks;
        f.total_sectors = static_cast<u64>(f.next_writable_address) + t.free_blocks;
        // CD: the writer adds a post-gap and the drive two run-out blocks after a TAO track.
        if (f.rules && f.rules->post_gap) f.free_sectors -= std::min<u64>(f.free_sectors, 150 + 2);
    } else {
        const auto cap = recorder.capacity();
        f.total_sectors = static_cast<u64>(cap.last_lba) + 1;
        f.free_sectors = 0;
        f.next_writable_address = 0;
    }
    if (f.sessions > 0) {
        const auto first = recorder.track_information(f.sessions, TrackAddressType::Session);
        f.previous_session_start = first.track_start_address;
        // The last track of that session: the one before the first track of the next session.
        const u16 last_track = appendable ? static_cast<u16>(d.first_track_in_last_session - 1)
                                          : d.last_track_in_last_session;
        const auto last = recorder.track_information(last_track, TrackAddressType::Track);
        f.previous_session_last =
            last.last_recorded_address
                ? static_cast<i64>(*last.last_recorded_address)
                : static_cast<i64>(last.track_start_address) + last.track_size - 1;
    }
}

void read_overwritable(DiscRecorder& recorder, DiscFacts& f) {
    f.format_type = format_type_before_writing(f.profile);
    const bool needs_format = f.format_type && f.disc && f.disc->disc_status == DiscStatus::Empty;
    if (needs_format) {
        for (const auto& d : recorder.format_capacities().formattable)
            if (d.format_type == *f.format_type) {
                f.total_sectors = d.number_of_blocks;
                break;
            }
    } else {
        f.format_type.reset();
        const auto t = recorder.track_information(1, TrackAddressType::Track);
        f.total_sectors = t.track_size;
        std::vector<std::byte> block(2048);
        try {
            read_sectors(recorder, 16, block);
            f.volume_end = iso_volume_end(block).value_or(0);
        } catch (const Error&) {
            // Nothing readable at 16 (an empty pseudo-drive file): no volume.
        }
    }
    f.free_sectors = f.total_sectors;
}

} // namespace

std::optional<u64> iso_volume_end(std::span<const std::byte> b) {
    if (!is_pvd(b)) return std::nullopt;
    return le32_at(b, 80);
}

std::optional<u64> iso_root_lba(std::span<const std::byte> b) {
    if (!is_pvd(b)) return std::nullopt;
    // The root directory record starts at byte 156; its extent location at record byte 2.
    return le32_at(b, 156 + 2);
}

void read_sectors(DiscRecorder& recorder, u64 lba, std::span<std::byte> out) {
    auto& runner = recorder.runner();
    const u64 per = std::max<u64>(1, recorder.maximum_page_aligned_transfer_size() / 2048);
    const u64 count = out.size() / 2048;
    for (u64 done = 0; done < count;) {
        const u64 n = std::min<u64>({per, count - done, 0xFFFF});
        const auto cdb =
            scsi::read10({.lba = static_cast<u32>(lba + done), .blocks = static_cast<u16>(n)});
        const auto got = runner.read_into(cdb, out.subspan(done * 2048, n * 2048));
        if (got != n * 2048)
            throw Error(ErrorCode::MediaReadError,
                        fmt::format("READ(10) at LBA {} returned {} of {} bytes ({})", lba + done,
                                    got, n * 2048, recorder.address()))
                .with_drive(recorder.address())
                .with_lba(lba + done);
        done += n;
    }
}

DiscFacts read_disc_facts(DiscRecorder& recorder) {
    DiscFacts f;
    if (!recorder.media_present()) return f;
    f.profile = recorder.current_profile();
    f.type = recorder.current_media_type();
    f.rules = media_rules(f.profile);
    f.state = recorder.media_state();
    f.protection = recorder.write_protect_state();
    try {
        f.disc = recorder.disc_information();
    } catch (const Error& e) {
        if (e.category() != ErrorCategory::Device) throw;
    }
    if (!f.rules || !f.disc) return f;
    if (f.sequential())
        read_sequential(recorder, f);
    else
        read_overwritable(recorder, f);
    return f;
}

} // namespace discwright::burn
