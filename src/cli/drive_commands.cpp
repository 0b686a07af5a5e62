#include "cli/drive_commands.h"

#include <functional>

#include "discwright/disc_master.h"
#include "discwright/disc_recorder.h"

namespace discwright::cli {

namespace {

using nlohmann::json;

json strings(const std::vector<std::string>& v) {
    return json(v);
}

std::string hex(u32 v, int width) {
    return fmt::format("{:#0{}x}", v, width + 2);
}

/// Runs one part of the report; a drive that cannot answer it (a missing command, no medium)
/// leaves the reason instead of failing the whole report.
struct Sections {
    json unavailable = json::object();
    std::string text_unavailable;
    template <class F> bool run(const std::string& name, F&& f) {
        try {
            f();
            return true;
        } catch (const Error& e) {
            if (e.category() != ErrorCategory::Device && e.category() != ErrorCategory::Media)
                throw;
            unavailable[name] = e.message();
            text_unavailable += fmt::format("  {}: {}\n", name, e.message());
            return false;
        }
    }
};

json disc_json(const DiscInformation& d) {
    return {{"disc_status", static_cast<int>(d.disc_status)},
            {"disc_status_name", d.disc_status == DiscStatus::Empty        ? "empty"
                                 : d.disc_status == DiscStatus::Incomplete ? "incomplete"
                                 : d.disc_status == DiscStatus::Complete   ? "complete"
                                                                           : "other"},
            {"last_session_state", d.last_session_state == SessionState::Empty        ? "empty"
                                   : d.last_session_state == SessionState::Incomplete ? "incomplete"
                                   : d.last_session_state == SessionState::Damaged    ? "damaged"
                                                                                      : "complete"},
            {"erasable", d.erasable},
            {"sessions", d.number_of_sessions},
            {"first_track", d.first_track_on_disc},
            {"first_track_in_last_session", d.first_track_in_last_session},
            {"last_track_in_last_session", d.last_track_in_last_session},
            {"background_format_status", static_cast<int>(d.bg_format_status)}};
}

json track_json(const TrackInformation& t) {
    json j{
        {"track", t.track_number}, {"session", t.session_number},  {"start", t.track_start_address},
        {"size", t.track_size},    {"free_blocks", t.free_blocks}, {"blank", t.blank},
        {"reserved", t.rt},        {"packet", t.packet_inc},       {"fixed_packet", t.fp},
        {"damage", t.damage},      {"track_mode", t.track_mode},   {"data_mode", t.data_mode}};
    j["next_writable_address"] =
        t.next_writable_address ? json(*t.next_writable_address) : json(nullptr);
    j["last_recorded_address"] =
        t.last_recorded_address ? json(*t.last_recorded_address) : json(nullptr);
    return j;
}

struct InfoOptions {
    std::string drive;
};

int run_info(const InfoOptions& o, const GlobalOptions& g) {
    Reporter reporter(g.mode(), g.verbose);
    try {
        DiscRecorder rec(o.drive);
        Sections s;
        json j{{"address", rec.address()},
               {"unique_id", rec.unique_id()},
               {"vendor", rec.vendor_id()},
               {"product", rec.product_id()},
               {"revision", rec.product_revision()},
               {"volume_paths", strings(rec.volume_path_names())},
               {"byte_alignment_mask", rec.byte_alignment_mask()},
               {"max_transfer_bytes", rec.maximum_non_page_aligned_transfer_size()}};
        std::string text = fmt::format("{} {} {}  ({})\n", rec.vendor_id(), rec.product_id(),
                                       rec.product_revision(), rec.address());
        text += fmt::format("unique id: {}\n", rec.unique_id());
        const auto owner = rec.exclusive_access_owner();
        j["exclusive_access_owner"] = owner ? json(*owner) : json(nullptr);
        if (owner) text += fmt::format("exclusive access: held by '{}'\n", *owner);

        s.run("can_load_media", [&] { j["can_load_media"] = rec.device_can_load_media(); });
        s.run("profiles", [&] {
            const Configuration c = rec.configuration(FeatureScope::All);
            json profiles = json::array();
            std::string line;
            for (Profile p : rec.supported_profiles()) {
                const bool current = p == c.current_profile;
                profiles.push_back({{"profile", to_string(p)},
                                    {"code", static_cast<u16>(p)},
                                    {"current", current}});
                line += fmt::format("{}{}{}", line.empty() ? "" : ", ", to_string(p),
                                    current ? " (current)" : "");
            }
            j["profiles"] = profiles;
            text += fmt::format("profiles: {}\n", line.empty() ? "none reported" : line);
            json features = json::array();
            std::string fline;
            for (const FeatureDescriptor& f : c.features) {
                features.push_back({{"feature", to_string(f.code)},
                                    {"code", static_cast<u16>(f.code)},
                                    {"version", f.version},
                                    {"current", f.current},
                                    {"persistent", f.persistent},
                                    {"bytes", f.data.size() + 4}});
                fline += fmt::format("\n  {} {}{}", hex(static_cast<u16>(f.code), 4),
                                     to_string(f.code), f.current ? " (current)" : "");
            }
            j["features"] = features;
            text += fmt::format("features:{}\n", fline);
        });
        s.run("mode_pages", [&] {
            json pages = json::array();
            std::string line;
            for (ModePageCode p : rec.supported_mode_pages()) {
                pages.push_back({{"page", to_string(p)}, {"code", static_cast<u8>(p)}});
                line += fmt::format("{}{} {}", line.empty() ? "" : ", ", hex(static_cast<u8>(p), 2),
                                    to_string(p));
            }
            j["mode_pages"] = pages;
            text += fmt::format("mode pages: {}\n", line);
        });

        json media{{"present", false}};
        bool present = false;
        s.run("media", [&] {
            present = rec.media_present();
            media["present"] = present;
        });
        if (present) {
            s.run("media_type", [&] {
                const MediaType m = rec.current_media_type();
                const Profile p = rec.current_profile();
                media["type"] = to_string(m);
                media["profile"] = to_string(p);
                text += fmt::format("medium: {} (profile {})\n", to_string(m), to_string(p));
            });
            s.run("media_state", [&] {
                const MediaState st = rec.media_state();
                const WriteProtectState wp = rec.write_protect_state();
                media["state"] = strings(to_strings(st));
                media["write_protect"] = strings(to_strings(wp));
                text +=
                    fmt::format("state: {}; write protection: {}\n",
                                fmt::join(to_strings(st), ", "), fmt::join(to_strings(wp), ", "));
            });
            s.run("disc_information", [&] {
                const DiscInformation d = rec.disc_information();
                media["disc"] = disc_json(d);
                text += fmt::format("disc: {} sessions, tracks {}-{}, {}\n", d.number_of_sessions,
                                    d.first_track_on_disc, d.last_track_in_last_session,
                                    media["disc"]["disc_status_name"].get<std::string>());
                json tracks = json::array();
                for (u32 t = d.first_track_on_disc; t <= d.last_track_in_last_session; ++t) {
                    const TrackInformation ti = rec.track_information(t, TrackAddressType::Track);
                    tracks.push_back(track_json(ti));
                    text += fmt::format("  track {:>2} (session {}): start {}, size {}, {}{}\n",
                                        ti.track_number, ti.session_number, ti.track_start_address,
                                        ti.track_size, ti.blank ? "blank" : "recorded",
                                        ti.next_writable_address
                                            ? fmt::format(", next writable {}, {} free",
                                                          *ti.next_writable_address, ti.free_blocks)
                                            : "");
                }
                media["tracks"] = tracks;
            });
            s.run("capacity", [&] {
                const Capacity c = rec.capacity();
                media["capacity"] = {{"last_lba", c.last_lba}, {"block_length", c.block_length}};
                text += fmt::format("read capacity: last LBA {}, {} bytes per block\n", c.last_lba,
                                    c.block_length);
            });
            s.run("format_capacities", [&] {
                const FormatCapacities f = rec.format_capacities();
                json list = json::array();
                for (const auto& d : f.formattable)
                    list.push_back({{"blocks", d.number_of_blocks},
                                    {"format_type", d.format_type},
                                    {"parameter", d.type_dependent_parameter}});
                json fc{{"formattable", list}};
                if (f.current)
                    fc["current"] = {
                        {"blocks", f.current->number_of_blocks},
                        {"type", f.current->type == CapacityDescriptorType::Formatted ? "formatted"
                                 : f.current->type == CapacityDescriptorType::Unformatted
                                     ? "unformatted"
                                     : "no-media"}};
                media["format_capacities"] = fc;
            });
            s.run("atip", [&] {
                if (const auto a = rec.atip()) {
                    media["atip"] = {
                        {"cd_rw", a->cd_rw},
                        {"lead_in_start", a->start_time_of_lead_in.to_lba()},
                        {"last_lead_out_start", a->last_possible_start_time_of_lead_out.to_lba()}};
                    text += fmt::format("ATIP: lead-in starts at LBA {}, lead-out at LBA {} at "
                                        "the latest\n",
                                        a->start_time_of_lead_in.to_lba(),
                                        a->last_possible_start_time_of_lead_out.to_lba());
                }
            });
            s.run("write_speeds", [&] {
                json speeds = json::array();
                std::string line;
                for (const WriteSpeedDescriptor& w : rec.write_speed_descriptors()) {
                    const double x = one_x_kilobytes_per_second(w.media_type);
                    const double times = x > 0 ? w.kilobytes_per_second / x : 0;
                    speeds.push_back({{"sectors_per_second", w.write_speed},
                                      {"kilobytes_per_second", w.kilobytes_per_second},
                                      {"x", times},
                                      {"pure_cav", w.rotation_pure_cav}});
                    line += fmt::format("{}{:.1f}x ({} kB/s)", line.empty() ? "" : ", ", times,
                                        w.kilobytes_per_second);
                }
                media["write_speeds"] = speeds;
                text += fmt::format("write speeds: {}\n", line.empty() ? "none reported" : line);
            });
        } else {
            text += "medium: none\n";
        }
        j["media"] = media;
        s.run("buffer", [&] {
            const BufferCapacity b = rec.buffer_capacity();
            j["buffer"] = {{"bytes", b.length_of_buffer}, {"free", b.blank_length_of_buffer}};
            text += fmt::format("buffer: {} KiB\n", b.length_of_buffer / 1024);
        });
        j["unavailable"] = s.unavailable;
        if (!s.text_unavailable.empty())
            text += "not reported by this drive:\n" + s.text_unavailable;
        if (!text.empty() && text.back() == '\n') text.pop_back();
        reporter.result(j, text);
        return 0;
    } catch (const Error& e) {
        return reporter.error(e);
    }
}

int run_drives(bool probe, const GlobalOptions& g) {
    Reporter reporter(g.mode(), g.verbose);
    try {
        DiscMaster master;
        json list = json::array();
        std::string text;
        for (std::size_t i = 0; i < master.size(); ++i) {
            const RecorderInfo& r = master[i];
            json j{{"index", i},           {"unique_id", r.unique_id},
                   {"address", r.address}, {"kind", to_string(r.kind)},
                   {"vendor", r.vendor},   {"product", r.product}};
            std::string what = fmt::format("{} {}", r.vendor, r.product);
            if (probe) {
                try {
                    DiscRecorder rec(r.address);
                    j["vendor"] = rec.vendor_id();
                    j["product"] = rec.product_id();
                    j["revision"] = rec.product_revision();
                    what = fmt::format("{} {} {}", rec.vendor_id(), rec.product_id(),
                                       rec.product_revision());
                    const bool present = rec.media_present();
                    j["media"] =
                        present ? json(to_string(rec.current_media_type())) : json(nullptr);
                    what += present ? fmt::format(", {}", to_string(rec.current_media_type()))
                                    : ", no medium";
                } catch (const Error& e) {
                    j["error"] = e.message();
                    what += fmt::format(" (unavailable: {})", e.message());
                }
            }
            list.push_back(j);
            text += fmt::format("{:>2}  {:<40} {}\n", i, r.address, what);
        }
        if (text.empty())
            text = "no drives found (register virtual, file and iSCSI drives in DISCWRIGHT_DRIVES "
                   "or ~/.config/discwright/drives)\n";
        text.pop_back();
        reporter.result({{"drives", list}}, text);
        return 0;
    } catch (const Error& e) {
        return reporter.error(e);
    }
}

} // namespace

void add_drives_command(CLI::App& app, const GlobalOptions& global, int& status) {
    auto no_probe = std::make_shared<bool>(false);
    CLI::App* cmd = app.add_subcommand("drives", "List the recorders: real, iSCSI, virtual, file");
    cmd->add_flag("--no-probe", *no_probe,
                  "Do not open the drives (no INQUIRY, no medium check); list what udev and the "
                  "registry say");
    cmd->callback([no_probe, &global, &status] { status = run_drives(!*no_probe, global); });
}

void add_drive_command(CLI::App& app, const GlobalOptions& global, int& status) {
    CLI::App* drive = app.add_subcommand("drive", "Ask a recorder about itself and its medium");
    drive->require_subcommand(1);
    auto o = std::make_shared<InfoOptions>();
    CLI::App* info = drive->add_subcommand(
        "info", "Identity, profiles, features, mode pages, medium, tracks and write speeds");
    info->add_option("drive", o->drive, "Drive address or index (see `discwright drives`)")
        ->required();
    info->callback([o, &global, &status] { status = run_info(*o, global); });
}

void add_eject_load_commands(CLI::App& app, const GlobalOptions& global, int& status) {
    for (const bool eject : {true, false}) {
        auto drive = std::make_shared<std::string>();
        CLI::App* cmd = app.add_subcommand(eject ? "eject" : "load",
                                           eject ? "Open the tray (eject the medium)"
                                                 : "Close the tray (load the medium)");
        cmd->add_option("drive", *drive, "Drive address or index")->required();
        cmd->callback([drive, eject, &global, &status] {
            Reporter reporter(global.mode(), global.verbose);
            try {
                DiscRecorder rec(*drive);
                if (eject)
                    rec.eject_media();
                else
                    rec.close_tray();
                reporter.result(
                    {{"drive", rec.address()}, {"action", eject ? "eject" : "load"}},
                    fmt::format("{}: {}", rec.address(), eject ? "tray opened" : "tray closed"));
                status = 0;
            } catch (const Error& e) {
                status = reporter.error(e);
            }
        });
    }
}

} // namespace discwright::cli
