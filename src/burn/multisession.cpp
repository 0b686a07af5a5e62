// IMAPI's multisession descriptions, and preparing an image to be the disc's next session.

#include "discwright/multisession.h"

#include <fmt/format.h>

#include "burn/disc_facts.h"
#include "discwright/disc_recorder.h"
#include "discwright/error.h"
#include "discwright/file_system_image.h"

namespace discwright {

u64 MultisessionInfo::new_session_start() const {
    if (const auto* s = std::get_if<MultisessionSequential>(&kind))
        return static_cast<u64>(s->next_writable_address);
    const auto& r = std::get<MultisessionRandomWrite>(kind);
    if (r.last_written_address < 0) return 0;
    const u64 unit = std::max<u32>(r.write_unit_size, 1);
    return (static_cast<u64>(r.last_written_address) + 1 + unit - 1) / unit * unit;
}

namespace burn {

MultisessionInfo multisession_info(const DiscFacts& f) {
    MultisessionInfo info;
    const u32 unit = f.rules ? f.rules->write_unit : 1;
    const bool writable = f.present() && f.rules && !unusable(f.state);
    if (f.sequential()) {
        MultisessionSequential s;
        s.is_first_data_session = f.sessions == 0;
        s.start_address_of_previous_session = f.previous_session_start;
        s.last_written_address_of_previous_session = f.previous_session_last;
        s.next_writable_address = f.next_writable_address;
        s.free_sectors_on_media = static_cast<u32>(std::min<u64>(f.free_sectors, 0xFFFFFFFFu));
        s.write_unit_size = unit;
        info.kind = s;
        info.supported_on_current_media_state = writable && has(f.state, MediaState::Appendable);
    } else {
        MultisessionRandomWrite r;
        r.write_unit_size = unit;
        r.last_written_address = f.volume_end ? static_cast<i64>(f.volume_end) - 1 : -1;
        r.total_sectors_on_media = static_cast<u32>(std::min<u64>(f.total_sectors, 0xFFFFFFFFu));
        info.kind = r;
        info.supported_on_current_media_state = writable && f.volume_end < f.total_sectors;
    }
    return info;
}

} // namespace burn

MultisessionInfo prepare_next_session(FileSystemImage& image, DiscRecorder& recorder,
                                      const ImportProgressHandler& progress,
                                      CancellationToken cancel) {
    const auto facts = burn::read_disc_facts(recorder);
    if (!facts.present())
        throw Error(ErrorCode::MediaNoMedia,
                    fmt::format("no disc in {}: insert one", recorder.address()))
            .with_drive(recorder.address());
    if (!facts.rules)
        throw Error(ErrorCode::MediaNotSupported,
                    fmt::format("the {} in {} cannot take a data session", to_string(facts.type),
                                recorder.address()))
            .with_drive(recorder.address());
    const MultisessionInfo info = burn::multisession_info(facts);
    if (!info.supported_on_current_media_state)
        throw Error(
            ErrorCode::InvalidMediaState,
            fmt::format("the {} in {} cannot take another session (it is {})",
                        to_string(facts.type), recorder.address(),
                        has(facts.state, MediaState::Finalized) ? "closed" : "full or damaged"))
            .with_drive(recorder.address());
    const bool has_session = facts.sequential() ? facts.sessions > 0 : facts.volume_end > 0;
    const u64 start = info.new_session_start();
    if (has_session) {
        const ImageReader reader = read_last_session(recorder);
        image.import_file_system(reader, progress, cancel);
    }
    ImageOptions o = image.options();
    o.session_start_block = static_cast<u32>(start);
    o.max_media_blocks = facts.sequential() ? facts.free_sectors : facts.total_sectors - start;
    image.set_options(std::move(o));
    return info;
}

} // namespace discwright
