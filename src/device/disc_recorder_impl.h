#pragma once
// DiscRecorder's state, shared by the files that implement it (disc_recorder.cpp: opening,
// identity, actions, pass-through; disc_recorder_media.cpp: capabilities and the medium).

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "device/command_runner.h"
#include "device/drive_address.h"
#include "device/exclusive_access.h"
#include "discwright/disc_recorder.h"

namespace discwright {

namespace device {

/// Reads a reply whose full length is known only from its header: asks for `first` bytes,
/// then again for the length the header reports (at most 65535 bytes).
template <class Build, class Reported>
std::vector<std::byte> read_all(CommandRunner& runner, Build build, u32 first, Reported reported) {
    std::vector<std::byte> reply = runner.read(build(static_cast<u16>(first)));
    const u64 want = std::min<u64>(reported(reply), 0xFFFF);
    if (want > reply.size() && want > first) reply = runner.read(build(static_cast<u16>(want)));
    return reply;
}

} // namespace device

struct DiscRecorder::Impl {
    device::DriveAddress address;
    std::string unique_id;
    std::unique_ptr<device::CommandRunner> runner;
    InquiryData inquiry;
    std::unique_ptr<device::ExclusiveAccess> exclusive;
    u32 mcn_disable_count = 0;
    /// Set when the drive answered GET CONFIGURATION with "not supported" once: a pre-MMC-2
    /// drive; capabilities then come from mode page 2Ah.
    bool no_get_configuration = false;

    template <class Build, class Reported>
    std::vector<std::byte> read_all(Build build, u32 first, Reported reported) {
        return device::read_all(*runner, build, first, reported);
    }
};

} // namespace discwright
