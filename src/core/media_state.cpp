#include "discwright/media_state.h"

#include <string_view>
#include <utility>

namespace discwright {

namespace {

template <class Flags, std::size_t N>
std::vector<std::string> names_of(Flags state, const std::pair<Flags, std::string_view> (&table)[N],
                                  std::string_view none) {
    std::vector<std::string> out;
    for (const auto& [bit, name] : table)
        if (has(state, bit)) out.emplace_back(name);
    if (out.empty()) out.emplace_back(none);
    return out;
}

} // namespace

std::vector<std::string> to_strings(MediaState state) {
    static constexpr std::pair<MediaState, std::string_view> table[] = {
        {MediaState::OverwriteOnly, "overwrite-only"},
        {MediaState::Blank, "blank"},
        {MediaState::Appendable, "appendable"},
        {MediaState::FinalSession, "final-session"},
        {MediaState::Damaged, "damaged"},
        {MediaState::EraseRequired, "erase-required"},
        {MediaState::NonEmptySession, "non-empty-session"},
        {MediaState::WriteProtected, "write-protected"},
        {MediaState::Finalized, "finalized"},
        {MediaState::UnsupportedMedia, "unsupported-media"},
    };
    return names_of(state, table, "unknown");
}

std::vector<std::string> to_strings(WriteProtectState state) {
    static constexpr std::pair<WriteProtectState, std::string_view> table[] = {
        {WriteProtectState::UntilPowerdown, "until-powerdown"},
        {WriteProtectState::ByCartridge, "by-cartridge"},
        {WriteProtectState::ByMediaSpecificReason, "by-media-specific-reason"},
        {WriteProtectState::BySoftwareWriteProtect, "by-software-write-protect"},
        {WriteProtectState::ByDiscControlBlock, "by-disc-control-block"},
        {WriteProtectState::ReadOnlyMedia, "read-only-media"},
    };
    return names_of(state, table, "none");
}

} // namespace discwright
