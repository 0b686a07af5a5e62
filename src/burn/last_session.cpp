// read_last_session: where the newest session of a disc starts comes from the drive (disc and
// track information), not from scanning, because sessions on CD are ~11,400 blocks apart.

#include <fmt/format.h>

#include "burn/disc_facts.h"
#include "discwright/disc_recorder.h"
#include "discwright/disc_stream.h"
#include "discwright/error.h"
#include "discwright/multisession.h"

namespace discwright {

std::optional<u64> last_session_start(DiscRecorder& recorder) {
    const auto facts = burn::read_disc_facts(recorder);
    if (!facts.present())
        throw Error(ErrorCode::MediaNoMedia, fmt::format("no disc in {}", recorder.address()))
            .with_drive(recorder.address());
    if (facts.sequential())
        return facts.sessions ? std::optional<u64>(facts.previous_session_start) : std::nullopt;
    if (facts.disc && facts.disc->disc_status == DiscStatus::Empty) return std::nullopt;
    return 0;
}

ImageReader read_last_session(DiscRecorder& recorder) {
    const auto facts = burn::read_disc_facts(recorder);
    if (!facts.present())
        throw Error(ErrorCode::MediaNoMedia, fmt::format("no disc in {}", recorder.address()))
            .with_drive(recorder.address());
    ReaderOptions options;
    u64 sectors = 0;
    if (facts.sequential()) {
        if (facts.sessions == 0)
            throw Error(ErrorCode::NoValidVolumeDescriptor,
                        fmt::format("the disc in {} holds no session", recorder.address()))
                .with_drive(recorder.address());
        options.session_start = static_cast<u64>(facts.previous_session_start);
        sectors = static_cast<u64>(facts.previous_session_last) + 1;
    } else {
        sectors = facts.volume_end ? facts.volume_end : facts.total_sectors;
    }
    return ImageReader(std::make_shared<DiscStream>(recorder, sectors), options);
}

} // namespace discwright
