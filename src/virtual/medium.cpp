#include "virtual/medium.h"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

namespace discwright::virtual_recorder {

namespace {

[[noreturn]] void bad_record(const std::string& why) {
    throw Error(ErrorCode::InvalidParam, fmt::format("virtual medium metadata: {}", why));
}

// A request must not wrap around u64 when the drive adds a transfer length to an LBA.
bool range_exceeds(u64 lba, u64 count, u64 limit) {
    return lba > limit || count > limit - lba;
}

} // namespace

Medium::Medium(MediumRecord record)
    : m_record(std::move(record)), m_spec(&require_media_spec(m_record.type)) {}

Medium Medium::blank(MediaType type) {
    const auto& spec = require_media_spec(type);
    MediumRecord r;
    r.type = type;
    // DVD-RAM leaves the factory formatted; DVD+RW and BD-RE await a FORMAT UNIT (MMC-6 4.5.3,
    // 4.6.4) and DVD-RW starts in sequential recording.
    r.formatted = spec.blank_kind == RecordingKind::Random && !spec.needs_format;
    r.capacity = spec.capacity_blocks;
    return Medium(std::move(r));
}

Medium Medium::from_record(MediumRecord record) {
    const auto spec = media_spec(record.type);
    if (!spec) bad_record(fmt::format("media type '{}' is not recordable", to_string(record.type)));
    if (record.capacity == 0 || record.capacity > spec->max_format_blocks)
        bad_record(fmt::format("capacity {} outside 1..{} blocks", record.capacity,
                               spec->max_format_blocks));
    if (record.next_start > record.capacity || record.recorded_end > record.capacity)
        bad_record(fmt::format("next start {} or recorded end {} past the capacity {}",
                               record.next_start, record.recorded_end, record.capacity));
    const auto kind = record.formatted ? spec->formatted_kind : spec->blank_kind;
    if (kind != RecordingKind::Sequential && !record.sessions.empty())
        bad_record("a random-writable medium has no sessions");
    u64 previous_end = 0;
    for (std::size_t s = 0; s < record.sessions.size(); ++s) {
        const auto& session = record.sessions[s];
        if (!session.closed && (s + 1 != record.sessions.size() || record.finalized))
            bad_record(
                fmt::format("session {} is open but not the last of an appendable disc", s + 1));
        if (session.tracks.empty()) bad_record(fmt::format("session {} has no tracks", s + 1));
        for (std::size_t t = 0; t < session.tracks.size(); ++t) {
            const auto& track = session.tracks[t];
            if (track.start < previous_end ||
                range_exceeds(track.start, track.size, record.capacity))
                bad_record(fmt::format("track at {} ({} blocks) overlaps another or passes the "
                                       "capacity {}",
                                       track.start, track.size, record.capacity));
            if (track.written > track.size)
                bad_record(fmt::format("track at {} has {} blocks written of {}", track.start,
                                       track.written, track.size));
            const bool last = s + 1 == record.sessions.size() && t + 1 == session.tracks.size();
            if (track.state == TrackState::Incomplete && (!last || session.closed))
                bad_record(fmt::format("track at {} is incomplete but not the last open one",
                                       track.start));
            if (track.state != TrackState::Complete && session.closed)
                bad_record(fmt::format("track at {} is open in a closed session", track.start));
            previous_end = track.start + track.size;
        }
    }
    const bool writing = !record.sessions.empty() && !record.sessions.back().closed &&
                         record.sessions.back().tracks.back().state == TrackState::Incomplete;
    if (kind == RecordingKind::Sequential && !writing && record.next_start < previous_end)
        bad_record(fmt::format("next start {} lies inside a track ending at {}", record.next_start,
                               previous_end));
    return Medium(std::move(record));
}

Profile Medium::profile() const {
    return m_record.formatted ? m_spec->formatted_profile : m_spec->blank_profile;
}

RecordingKind Medium::kind() const {
    return m_record.formatted ? m_spec->formatted_kind : m_spec->blank_kind;
}

u64 Medium::align_up(u64 blocks) const {
    const u64 unit = m_spec->write_unit;
    return (blocks + unit - 1) / unit * unit;
}

SessionRecord* Medium::open_session() {
    if (m_record.sessions.empty() || m_record.sessions.back().closed) return nullptr;
    return &m_record.sessions.back();
}

const SessionRecord* Medium::open_session() const {
    if (m_record.sessions.empty() || m_record.sessions.back().closed) return nullptr;
    return &m_record.sessions.back();
}

DiscStatus Medium::disc_status() const {
    if (!sequential()) return m_record.formatted ? DiscStatus::Other : DiscStatus::Empty;
    if (m_record.finalized) return DiscStatus::Complete;
    return m_record.sessions.empty() ? DiscStatus::Empty : DiscStatus::Incomplete;
}

SessionState Medium::last_session_state() const {
    if (!sequential()) return m_record.formatted ? SessionState::Complete : SessionState::Empty;
    if (m_record.finalized) return SessionState::Complete;
    return open_session() ? SessionState::Incomplete : SessionState::Empty;
}

std::vector<TrackView> Medium::tracks() const {
    std::vector<TrackView> out;
    const u64 cap = m_record.capacity;
    if (!sequential()) {
        // MMC-6 4.5.3 / 4.6.4: a random-writable or restricted-overwrite medium is one
        // session with one track spanning the formatted area.
        TrackView t;
        t.number = 1;
        t.session = 1;
        t.size = cap;
        t.written = m_record.recorded_end;
        t.status = m_record.formatted ? TrackStatus::Complete : TrackStatus::Invisible;
        t.readable = m_record.formatted ? cap : 0;
        t.free_blocks = cap - m_record.recorded_end;
        if (align_up(m_record.recorded_end) < cap)
            t.next_writable = align_up(m_record.recorded_end);
        out.push_back(t);
        return out;
    }
    u32 number = 0;
    bool writing_invisible = false;
    for (std::size_t s = 0; s < m_record.sessions.size(); ++s) {
        for (const auto& r : m_record.sessions[s].tracks) {
            TrackView t;
            t.number = ++number;
            t.session = static_cast<u32>(s + 1);
            t.start = r.start;
            t.written = r.written;
            t.readable = r.written;
            switch (r.state) {
            case TrackState::Complete:
                t.size = r.size;
                t.status = TrackStatus::Complete;
                break;
            case TrackState::Reserved:
                t.size = r.size;
                t.status = TrackStatus::Reserved;
                if (r.written < r.size) t.next_writable = r.start + r.written;
                t.free_blocks = r.size - r.written;
                break;
            case TrackState::Incomplete:
                t.size = cap - r.start;
                t.status = TrackStatus::Invisible;
                if (r.start + r.written < cap) t.next_writable = r.start + r.written;
                t.free_blocks = cap - r.start - r.written;
                writing_invisible = true;
                break;
            }
            out.push_back(t);
        }
    }
    if (!m_record.finalized && !writing_invisible && m_record.next_start < cap) {
        const u32 session = static_cast<u32>(m_record.sessions.size()) + (open_session() ? 0 : 1);
        TrackView t;
        t.number = ++number;
        t.session = session;
        t.start = m_record.next_start;
        t.size = cap - m_record.next_start;
        t.status = TrackStatus::Invisible;
        t.next_writable = m_record.next_start;
        t.free_blocks = t.size;
        out.push_back(t);
    }
    return out;
}

std::vector<SessionView> Medium::sessions() const {
    std::vector<SessionView> out;
    for (const auto& t : tracks()) {
        if (out.empty() || out.back().number != t.session) {
            const bool closed = !sequential() ? m_record.formatted
                                : t.session <= m_record.sessions.size()
                                    ? m_record.sessions[t.session - 1].closed
                                    : false;
            out.push_back(
                {.number = t.session, .closed = closed, .first_track = t.number, .start = t.start});
        }
        out.back().last_track = t.number;
        out.back().end =
            t.status == TrackStatus::Invisible ? t.start + t.written : t.start + t.size;
    }
    return out;
}

std::optional<TrackView> Medium::track(u32 number) const {
    for (const auto& t : tracks())
        if (t.number == number) return t;
    return std::nullopt;
}

std::optional<TrackView> Medium::track_containing(u64 lba) const {
    for (const auto& t : tracks())
        if (lba >= t.start && lba - t.start < t.size) return t;
    return std::nullopt;
}

std::optional<u64> Medium::next_writable() const {
    const auto all = tracks();
    if (all.empty()) return std::nullopt;
    if (!sequential()) return m_record.formatted ? all.front().next_writable : std::nullopt;
    if (all.back().status == TrackStatus::Invisible) return all.back().next_writable;
    return std::nullopt;
}

u64 Medium::free_blocks() const {
    const auto all = tracks();
    if (all.empty()) return 0;
    if (!sequential() || all.back().status == TrackStatus::Invisible) return all.back().free_blocks;
    return 0;
}

std::optional<u64> Medium::last_recorded() const {
    const u64 end = readable_end();
    if (end == 0) return std::nullopt;
    return end - 1;
}

u64 Medium::readable_end() const {
    if (!sequential()) return m_record.formatted ? m_record.capacity : 0;
    u64 end = 0;
    for (const auto& t : tracks()) {
        // READ CAPACITY of a TAO CD counts the run-out blocks of the last track (which is why
        // readers meet unreadable blocks at the end of such a disc); DVD padding is readable.
        const u64 track_end =
            t.status == TrackStatus::Complete ? t.start + t.size : t.start + t.written;
        end = std::max(end, track_end);
    }
    return end;
}

Outcome Medium::check_write(u64 lba, u64 count) const {
    if (m_record.write_protected) return sense::write_protected;
    const u64 cap = m_record.capacity;
    if (!sequential()) {
        if (!m_record.formatted) return sense::medium_not_formatted;
        if (range_exceeds(lba, count, cap)) return sense::lba_out_of_range;
        // MMC-6 4.4.5: restricted overwrite writes whole ECC blocks only.
        if (kind() == RecordingKind::RestrictedOverwrite &&
            (lba % m_spec->write_unit != 0 || count % m_spec->write_unit != 0))
            return sense::invalid_address_for_write;
        return std::nullopt;
    }
    if (m_record.finalized) return sense::invalid_address_for_write;
    if (count == 0) return std::nullopt;
    std::optional<u64> limit;
    bool writing_invisible = false;
    if (const auto* session = open_session()) {
        for (const auto& t : session->tracks) {
            if (t.state == TrackState::Reserved && t.written < t.size && lba == t.start + t.written)
                limit = t.start + t.size;
            if (t.state == TrackState::Incomplete) {
                writing_invisible = true;
                if (lba == t.start + t.written) limit = cap;
            }
        }
    }
    if (!limit && !writing_invisible && lba == m_record.next_start && lba < cap) limit = cap;
    if (!limit) return lba >= cap ? sense::lba_out_of_range : sense::invalid_address_for_write;
    if (range_exceeds(lba, count, *limit))
        return *limit == cap ? sense::lba_out_of_range : sense::invalid_address_for_write;
    return std::nullopt;
}

void Medium::commit_write(u64 lba, u64 count) {
    if (count == 0) return;
    if (!sequential()) {
        m_record.recorded_end = std::max(m_record.recorded_end, lba + count);
        return;
    }
    if (auto* session = open_session()) {
        for (auto& t : session->tracks) {
            if (t.state == TrackState::Reserved && lba == t.start + t.written) {
                t.written += count;
                return;
            }
            if (t.state == TrackState::Incomplete && lba == t.start + t.written) {
                t.written += count;
                t.size = t.written;
                return;
            }
        }
    } else {
        m_record.sessions.emplace_back();
    }
    // The first write at the NWA of the invisible track starts it (MMC-6 4.3.4.2).
    m_record.sessions.back().tracks.push_back(
        {.start = lba, .size = count, .written = count, .state = TrackState::Incomplete});
}

Outcome Medium::check_read(u64 lba, u64 count) const {
    if (range_exceeds(lba, count, m_record.capacity)) return sense::lba_out_of_range;
    if (!sequential()) return m_record.formatted ? Outcome{} : sense::medium_not_formatted;
    const auto all = tracks();
    u64 pos = lba;
    const u64 end = lba + count;
    while (pos < end) {
        const auto t = std::find_if(all.begin(), all.end(), [&](const TrackView& v) {
            return pos >= v.start && pos - v.start < v.size;
        });
        if (t == all.end()) return sense::lba_out_of_range;
        const u64 readable_end = t->start + t->readable;
        if (pos >= readable_end) {
            // The run-out blocks closing a TAO CD track (MMC-6 4.2.3.7) are not data.
            const bool run_out = t->status == TrackStatus::Complete && pos < t->start + t->size;
            return run_out ? sense::illegal_mode_for_track : sense::lba_out_of_range;
        }
        pos = std::min(end, readable_end);
    }
    return std::nullopt;
}

Outcome Medium::reserve_track(u64 blocks) {
    if (!sequential() || m_record.finalized) return sense::sequence_error;
    if (m_record.write_protected) return sense::write_protected;
    if (blocks == 0) return sense::invalid_field_in_cdb;
    if (const auto* session = open_session())
        for (const auto& t : session->tracks)
            if (t.state == TrackState::Incomplete) return sense::sequence_error;
    const u64 size = align_up(blocks);
    if (range_exceeds(m_record.next_start, size, m_record.capacity)) return sense::lba_out_of_range;
    if (!open_session()) m_record.sessions.emplace_back();
    m_record.sessions.back().tracks.push_back(
        {.start = m_record.next_start, .size = size, .written = 0, .state = TrackState::Reserved});
    const u64 after = m_record.next_start + size + m_spec->track_gap;
    m_record.next_start = std::min(m_record.capacity, align_up(after));
    return std::nullopt;
}

void Medium::complete_track(TrackRecord& t) {
    if (t.state == TrackState::Complete) return;
    if (t.state == TrackState::Reserved) {
        // The drive pads an unfinished reservation (MMC-6 6.3.3.2.2).
        t.written = t.size;
    } else {
        const u64 data_end = t.start + t.written;
        t.written = align_up(t.written);
        t.size = t.written + m_spec->run_out;
        const u64 after = std::max(data_end + m_spec->track_gap, t.start + t.size);
        m_record.next_start = std::min(m_record.capacity, align_up(after));
    }
    t.state = TrackState::Complete;
}

Outcome Medium::close_track(u32 number) {
    if (!sequential()) return std::nullopt; // DVD+RW / BD-RE: stops a background format
    auto* session = open_session();
    if (!session) return std::nullopt;
    const u32 first_number = static_cast<u32>([&] {
        std::size_t n = 1;
        for (std::size_t s = 0; s + 1 < m_record.sessions.size(); ++s)
            n += m_record.sessions[s].tracks.size();
        return n;
    }());
    TrackRecord* target = nullptr;
    if (number == 0xFF || (number == 0 && m_spec->family == MediumFamily::Cd)) {
        for (auto& t : session->tracks)
            if (t.state != TrackState::Complete) target = &t;
    } else {
        if (number < first_number) return std::nullopt; // an earlier session's track is closed
        const u64 index = number - first_number;
        if (index < session->tracks.size())
            target = &session->tracks[index];
        else if (index > session->tracks.size())
            return sense::invalid_field_in_cdb;
    }
    if (target) complete_track(*target);
    return std::nullopt;
}

void Medium::close_open_session(SessionClosing how) {
    auto& session = m_record.sessions.back();
    for (auto& t : session.tracks)
        complete_track(t);
    session.closed = true;
    const u64 end = session.tracks.back().start + session.tracks.back().size;
    const u64 gap =
        m_record.sessions.size() == 1 ? m_spec->first_session_gap : m_spec->later_session_gap;
    m_record.next_start = std::min(m_record.capacity, align_up(end + gap));
    // A disc without room for another session is complete whatever was asked.
    if (how == SessionClosing::Finalize || !m_spec->multisession ||
        m_record.next_start >= m_record.capacity)
        m_record.finalized = true;
}

Outcome Medium::close_session(SessionClosing how) {
    if (!sequential()) return std::nullopt;
    if (m_record.write_protected) return sense::write_protected;
    if (m_record.finalized) return sense::sequence_error;
    if (open_session()) {
        close_open_session(how);
        return std::nullopt;
    }
    if (how == SessionClosing::Finalize && !m_record.sessions.empty()) {
        m_record.finalized = true;
        return std::nullopt;
    }
    return sense::sequence_error;
}

Outcome Medium::blank_medium(BlankType) {
    if (!m_spec->rewritable || m_spec->blank_kind != RecordingKind::Sequential)
        return sense::incompatible_format;
    if (m_record.write_protected) return sense::write_protected;
    // Full and minimal blanking leave the same state to a host: an empty sequential disc
    // (MMC-6 6.2.3); only the time they take differs.
    const bool protect = m_record.write_protected;
    *this = blank(m_record.type);
    m_record.write_protected = protect;
    return std::nullopt;
}

std::vector<FormatRequest> Medium::formattable() const {
    switch (m_record.type) {
    case MediaType::DvdPlusRw:
        return {{0x26, m_spec->capacity_blocks}};
    case MediaType::DvdRam:
        return {{0x00, m_spec->max_format_blocks}};
    case MediaType::BdRe:
    case MediaType::BdReDualLayer:
        return {{0x00, m_spec->capacity_blocks},
                {0x30, m_spec->capacity_blocks},
                {0x31, m_spec->max_format_blocks}};
    case MediaType::DvdDashRw:
        if (m_record.formatted)
            return {{0x10, m_spec->capacity_blocks}, {0x13, m_spec->capacity_blocks}};
        return {{0x10, m_spec->capacity_blocks}, {0x15, m_spec->capacity_blocks}};
    default:
        return {};
    }
}

Outcome Medium::format(const FormatRequest& request) {
    const auto offered = formattable();
    if (offered.empty()) return sense::incompatible_format;
    if (m_record.write_protected) return sense::write_protected;
    const auto it = std::find_if(offered.begin(), offered.end(), [&](const FormatRequest& f) {
        return f.format_type == request.format_type;
    });
    if (it == offered.end()) return sense::invalid_field_in_parameters;
    u64 blocks = it->blocks;
    // MMC-6 6.5.4.2.1: format 00h (and 30h) may choose a size up to the maximum; 0 and
    // FFFFFFFFh ask for the default. Other types fix the size themselves.
    const bool sizeable = request.format_type == 0x00 || request.format_type == 0x30;
    if (sizeable && request.blocks != 0 && request.blocks != 0xFFFF'FFFF) {
        if (request.blocks > m_spec->max_format_blocks) return sense::parameter_value_invalid;
        blocks = align_up(request.blocks);
        if (blocks > m_spec->max_format_blocks) blocks = m_spec->max_format_blocks;
    }
    if (request.format_type == 0x13) return std::nullopt; // DVD-RW quick grow: already full size
    const bool protect = m_record.write_protected;
    m_record = MediumRecord{};
    m_record.type = m_spec->type;
    m_record.formatted = true;
    m_record.capacity = blocks;
    m_record.write_protected = protect;
    return std::nullopt;
}

} // namespace discwright::virtual_recorder
