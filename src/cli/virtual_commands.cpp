#include "cli/virtual_commands.h"

#include "discwright/virtual_recorder.h"

namespace discwright::cli {

namespace {

using nlohmann::json;

MediaType media_option(const std::string& name) {
    const auto m = parse_media_type(name);
    if (!m)
        throw Error(
            ErrorCode::InvalidParam,
            fmt::format("--media '{}' is not a media type: use cd-r, cd-rw, dvd-r, dvd-rw, "
                        "dvd+r, dvd+r-dl, dvd+rw, dvd-ram, bd-r, bd-re, bd-r-dl or bd-re-dl",
                        name))
            .with_option("--media");
    return *m;
}

std::optional<double> speed_option(const std::string& text) {
    if (text.empty() || text == "max") return std::nullopt;
    std::string t = text;
    if (!t.empty() && (t.back() == 'x' || t.back() == 'X')) t.pop_back();
    try {
        std::size_t used = 0;
        const double v = std::stod(t, &used);
        if (used == t.size() && v > 0 && v <= 1000) return v;
    } catch (const std::exception&) {
    }
    throw Error(
        ErrorCode::InvalidParam,
        fmt::format("--speed '{}' is not a speed: give a multiple of 1x such as 16x, or max", text))
        .with_option("--speed");
}

std::string track_state(VirtualTrackState s) {
    switch (s) {
    case VirtualTrackState::Invisible:
        return "invisible";
    case VirtualTrackState::Reserved:
        return "reserved";
    case VirtualTrackState::Complete:
        return "complete";
    }
    return "?";
}

json faults_json(const FaultPlan& f) {
    const auto opt = [](const std::optional<u64>& v) { return v ? json(*v) : json(nullptr); };
    return {{"write_error_at_lba", opt(f.write_error_at_lba)},
            {"corrupt_read_at_lba", opt(f.corrupt_read_at_lba)},
            {"power_loss_after_sectors", opt(f.power_loss_after_sectors)},
            {"remove_after_sectors", opt(f.remove_after_sectors)},
            {"underrun_after_sectors", opt(f.underrun_after_sectors)},
            {"long_write_in_progress_polls", f.long_write_in_progress_polls}};
}

std::pair<json, std::string> state_report(const std::filesystem::path& path,
                                          const VirtualMediumState& s) {
    const char* status = s.disc_status == DiscStatus::Empty        ? "empty"
                         : s.disc_status == DiscStatus::Incomplete ? "appendable"
                         : s.disc_status == DiscStatus::Complete   ? "complete"
                                                                   : "other";
    json sessions = json::array();
    std::string text = fmt::format("{}: virtual recorder, tray {}\n", path.string(),
                                   s.tray_open ? "open" : "closed");
    if (!s.medium_present) {
        text += "medium: none";
    } else {
        text += fmt::format("medium: {} (profile {}), {}{}{}\n", to_string(s.media),
                            to_string(s.profile), status, s.formatted ? ", formatted" : "",
                            s.write_protected ? ", write protected" : "");
        text += fmt::format("capacity: {} blocks, {} free{}\n", s.capacity.value, s.free.value,
                            s.next_writable
                                ? fmt::format(", next writable address {}", s.next_writable->value)
                                : "");
        for (const VirtualSession& ses : s.sessions) {
            json tracks = json::array();
            text += fmt::format("session {} ({})\n", ses.number, ses.closed ? "closed" : "open");
            for (const VirtualTrack& t : ses.tracks) {
                tracks.push_back({{"number", t.number},
                                  {"start", t.start.value},
                                  {"size", t.size.value},
                                  {"written", t.written.value},
                                  {"state", track_state(t.state)}});
                text +=
                    fmt::format("  track {:>2}: start {}, size {}, written {}, {}\n", t.number,
                                t.start.value, t.size.value, t.written.value, track_state(t.state));
            }
            sessions.push_back(
                {{"number", ses.number}, {"closed", ses.closed}, {"tracks", tracks}});
        }
        if (s.faults != FaultPlan{}) text += "faults: " + faults_json(s.faults).dump() + "\n";
        if (s.throttle_speed_x) text += fmt::format("throttle: {}x\n", *s.throttle_speed_x);
        if (!text.empty()) text.pop_back();
    }
    json j{
        {"path", path.string()},
        {"drive", "virtual:" + std::filesystem::absolute(path).string()},
        {"medium_present", s.medium_present},
        {"tray_open", s.tray_open},
        {"media", to_string(s.media)},
        {"profile", to_string(s.profile)},
        {"disc_status", status},
        {"formatted", s.formatted},
        {"write_protected", s.write_protected},
        {"capacity", s.capacity.value},
        {"free", s.free.value},
        {"next_writable_address", s.next_writable ? json(s.next_writable->value) : json(nullptr)},
        {"sessions", sessions},
        {"faults", faults_json(s.faults)},
        {"throttle_speed_x", s.throttle_speed_x ? json(*s.throttle_speed_x) : json(nullptr)}};
    return {j, text};
}

struct FaultOptions {
    std::optional<u64> write_error_at, corrupt_read_at, power_loss_after, remove_after,
        underrun_after;
    u32 long_write_polls = 0;

    void add(CLI::App& cmd) {
        cmd.add_option("--write-error-at", write_error_at,
                       "Fail a WRITE at this LBA with a medium error (03/0C/00)");
        cmd.add_option("--corrupt-read-at", corrupt_read_at,
                       "Flip bytes of this LBA on READ, silently");
        cmd.add_option("--power-loss-after", power_loss_after,
                       "Lose power after this many more written sectors");
        cmd.add_option("--remove-after", remove_after,
                       "Pull the medium out after this many more written sectors");
        cmd.add_option("--underrun-after", underrun_after,
                       "Buffer underrun (03/0C/09) after this many more written sectors");
        cmd.add_option("--long-write-polls", long_write_polls,
                       "SYNCHRONIZE CACHE answers 'long write in progress' this many times");
    }
    [[nodiscard]] FaultPlan plan() const {
        return {write_error_at, corrupt_read_at, power_loss_after,
                remove_after,   underrun_after,  long_write_polls};
    }
};

template <class F> void guarded(const GlobalOptions& g, int& status, F&& f) {
    Reporter reporter(g.mode(), g.verbose);
    try {
        f(reporter);
        status = 0;
    } catch (const Error& e) {
        status = reporter.error(e);
    }
}

} // namespace

void add_virtual_commands(CLI::App& app, const GlobalOptions& global, int& status) {
    CLI::App* virt = app.add_subcommand(
        "virtual", "The virtual recorder: a simulated MMC drive whose medium is a file");
    virt->require_subcommand(1);

    struct CreateOptions {
        std::string path, media, speed;
        bool force = false, write_protected = false;
        FaultOptions faults;
    };
    auto c = std::make_shared<CreateOptions>();
    CLI::App* create = virt->add_subcommand(
        "create", "Make a virtual recorder at PATH holding a blank medium; use it as virtual:PATH");
    create->add_option("path", c->path, "Data file of the medium (PATH.json holds its state)")
        ->required();
    create->add_option("--media", c->media, "Media type (cd-r, dvd+r, bd-re ...)")->required();
    create->add_option("--speed", c->speed,
                       "Pace reads and writes to this speed, e.g. 16x (default: unthrottled)");
    create->add_flag("--force", c->force, "Replace an existing medium at PATH");
    create->add_flag("--write-protected", c->write_protected, "A write-protected medium");
    c->faults.add(*create);
    create->callback([c, &global, &status] {
        guarded(global, status, [&](Reporter& r) {
            VirtualRecorderOptions o;
            o.media = media_option(c->media);
            o.throttle_speed_x = speed_option(c->speed);
            o.write_protected = c->write_protected;
            o.existing = c->force ? ExistingMedium::Replace : ExistingMedium::Refuse;
            o.faults = c->faults.plan();
            VirtualRecorder::create(c->path, o);
            auto [j, text] = state_report(c->path, VirtualRecorder::inspect(c->path));
            r.result(j, text);
        });
    });

    auto inspect_path = std::make_shared<std::string>();
    CLI::App* inspect = virt->add_subcommand("inspect", "The medium's sessions, tracks and state");
    inspect->add_option("path", *inspect_path, "The virtual recorder's data file")->required();
    inspect->callback([inspect_path, &global, &status] {
        guarded(global, status, [&](Reporter& r) {
            auto [j, text] = state_report(*inspect_path, VirtualRecorder::inspect(*inspect_path));
            r.result(j, text);
        });
    });

    struct InsertOptions {
        std::string path, media;
    };
    auto in = std::make_shared<InsertOptions>();
    CLI::App* insert = virt->add_subcommand(
        "insert", "Close the tray: with --media, on a new blank medium; else on the one ejected");
    insert->add_option("path", in->path, "The virtual recorder's data file")->required();
    insert->add_option("--media", in->media, "Insert a new blank medium of this type");
    insert->callback([in, &global, &status] {
        guarded(global, status, [&](Reporter& r) {
            if (in->media.empty())
                VirtualRecorder::load(in->path);
            else
                VirtualRecorder::insert_blank(in->path, media_option(in->media));
            auto [j, text] = state_report(in->path, VirtualRecorder::inspect(in->path));
            r.result(j, text);
        });
    });

    auto eject_path = std::make_shared<std::string>();
    CLI::App* eject = virt->add_subcommand("eject", "Open the tray; the medium stays in PATH");
    eject->add_option("path", *eject_path, "The virtual recorder's data file")->required();
    eject->callback([eject_path, &global, &status] {
        guarded(global, status, [&](Reporter& r) {
            VirtualRecorder::eject(*eject_path);
            auto [j, text] = state_report(*eject_path, VirtualRecorder::inspect(*eject_path));
            r.result(j, text);
        });
    });

    struct FaultsCommand {
        std::string path;
        FaultOptions faults;
    };
    auto f = std::make_shared<FaultsCommand>();
    CLI::App* faults = virt->add_subcommand(
        "faults", "Replace the medium's fault plan (no fault options: clear it)");
    faults->add_option("path", f->path, "The virtual recorder's data file")->required();
    f->faults.add(*faults);
    faults->callback([f, &global, &status] {
        guarded(global, status, [&](Reporter& r) {
            VirtualRecorder::set_fault_plan(f->path, f->faults.plan());
            auto [j, text] = state_report(f->path, VirtualRecorder::inspect(f->path));
            r.result(j, text);
        });
    });
}

} // namespace discwright::cli
