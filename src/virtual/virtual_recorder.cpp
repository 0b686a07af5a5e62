#include "discwright/virtual_recorder.h"

#include <fmt/format.h>

#include "virtual/medium_store.h"

namespace discwright {

using virtual_recorder::DriveRecord;
using virtual_recorder::Medium;
using virtual_recorder::MediumStore;
using virtual_recorder::TrackStatus;

namespace {

void check_throttle(std::optional<double> speed_x) {
    if (speed_x && !(*speed_x > 0 && *speed_x <= 1000))
        throw Error(
            ErrorCode::InvalidParam,
            fmt::format("virtual recorder throttle: {}x is not a speed (0 < x <= 1000)", *speed_x))
            .with_option("throttle");
}

// A change from outside takes the medium lock between two commands of any open drive and
// saves a new PATH.json, which those drives reload at their next command.
template <class Change> void modify(const std::filesystem::path& path, Change&& change) {
    auto store = MediumStore::open(path);
    store.lock_for_change();
    if (store.changed_on_disk()) store.reload();
    auto record = store.loaded();
    change(record, store);
    store.save(record);
}

VirtualTrackState track_state(TrackStatus s) {
    switch (s) {
    case TrackStatus::Invisible:
        return VirtualTrackState::Invisible;
    case TrackStatus::Reserved:
        return VirtualTrackState::Reserved;
    case TrackStatus::Complete:
        return VirtualTrackState::Complete;
    }
    return VirtualTrackState::Complete;
}

} // namespace

std::filesystem::path VirtualRecorder::metadata_path(const std::filesystem::path& path) {
    auto meta = path;
    meta += ".json";
    return meta;
}

void VirtualRecorder::create(const std::filesystem::path& path,
                             const VirtualRecorderOptions& options) {
    check_throttle(options.throttle_speed_x);
    auto medium = Medium::blank(options.media);
    medium.set_write_protected(options.write_protected);
    DriveRecord record;
    record.medium = medium.record();
    record.faults = options.faults;
    record.throttle_speed_x = options.throttle_speed_x;
    MediumStore::create(path, record, options.existing);
}

VirtualMediumState VirtualRecorder::inspect(const std::filesystem::path& path) {
    const auto record = MediumStore::read_state(path);
    VirtualMediumState state;
    state.tray_open = record.tray_open;
    state.medium_present = record.medium.has_value() && !record.tray_open;
    state.faults = record.faults;
    state.throttle_speed_x = record.throttle_speed_x;
    if (!record.medium) return state;
    const auto medium = Medium::from_record(*record.medium);
    state.media = medium.type();
    state.profile = medium.profile();
    state.disc_status = medium.disc_status();
    state.last_session_state = medium.last_session_state();
    state.formatted = medium.formatted();
    state.write_protected = medium.write_protected();
    state.capacity = BlockCount{medium.capacity()};
    state.free = BlockCount{medium.free_blocks()};
    if (const auto nwa = medium.next_writable()) state.next_writable = Lba{*nwa};
    for (const auto& s : medium.sessions())
        state.sessions.push_back({.number = s.number, .closed = s.closed, .tracks = {}});
    for (const auto& t : medium.tracks()) {
        for (auto& s : state.sessions)
            if (s.number == t.session)
                s.tracks.push_back({.number = t.number,
                                    .session = t.session,
                                    .start = Lba{t.start},
                                    .size = BlockCount{t.size},
                                    .written = BlockCount{t.written},
                                    .state = track_state(t.status)});
    }
    return state;
}

void VirtualRecorder::eject(const std::filesystem::path& path) {
    modify(path, [](DriveRecord& r, MediumStore&) { r.tray_open = true; });
}

void VirtualRecorder::load(const std::filesystem::path& path) {
    modify(path, [](DriveRecord& r, MediumStore&) { r.tray_open = false; });
}

void VirtualRecorder::insert_blank(const std::filesystem::path& path, MediaType media) {
    auto medium = Medium::blank(media);
    modify(path, [&](DriveRecord& r, MediumStore& store) {
        store.erase_data();
        r.medium = medium.record();
        r.tray_open = false;
    });
}

void VirtualRecorder::set_fault_plan(const std::filesystem::path& path, const FaultPlan& plan) {
    modify(path, [&](DriveRecord& r, MediumStore&) { r.faults = plan; });
}

void VirtualRecorder::set_throttle(const std::filesystem::path& path,
                                   std::optional<double> speed_x) {
    check_throttle(speed_x);
    modify(path, [&](DriveRecord& r, MediumStore&) { r.throttle_speed_x = speed_x; });
}

} // namespace discwright
