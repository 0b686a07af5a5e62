#include "cli/image_info_command.h"

#include "cli/image_reading.h"

namespace discwright::cli {

namespace {

struct InfoOptions {
    std::string image;
    ReadOptions read;
};

nlohmann::json optional_time(const std::optional<UnixTime>& t) {
    return t ? nlohmann::json(*t) : nlohmann::json(nullptr);
}

std::string time_text(const std::optional<UnixTime>& t) {
    return t ? iso_time(*t) : "-";
}

nlohmann::json session_json(const ImageSession& s) {
    return {{"start_block", s.start_block},
            {"end_block", s.end_block},
            {"file_systems", to_string(s.file_systems)},
            {"volume_id", s.volume_id},
            {"boot_catalog_lba",
             s.boot_catalog_lba ? nlohmann::json(*s.boot_catalog_lba) : nlohmann::json(nullptr)}};
}

nlohmann::json volume_json(const VolumeInfo& v) {
    nlohmann::json j{{"type", to_string(v.type)},
                     {"volume_id", v.volume_id},
                     {"system_id", v.system_id},
                     {"volume_set_id", v.volume_set_id},
                     {"publisher_id", v.publisher_id},
                     {"data_preparer_id", v.data_preparer_id},
                     {"application_id", v.application_id},
                     {"volume_space_blocks", v.volume_space_blocks},
                     {"root_lba", v.root_lba},
                     {"root_bytes", v.root_bytes},
                     {"path_table_bytes", v.path_table_bytes},
                     {"creation_time", optional_time(v.creation_time)},
                     {"modification_time", optional_time(v.modification_time)},
                     {"expiration_time", optional_time(v.expiration_time)},
                     {"effective_time", optional_time(v.effective_time)}};
    if (v.type == FsType::Joliet) j["joliet_level"] = v.joliet_level;
    return j;
}

std::string volume_text(const VolumeInfo& v) {
    std::string t = fmt::format("{} volume", to_string(v.type));
    if (v.type == FsType::Joliet) t += fmt::format(" (level {})", v.joliet_level);
    t += ":\n";
    const auto line = [&](std::string_view label, const std::string& value) {
        t += fmt::format("  {:<17} {}\n", label, value);
    };
    line("volume id:", v.volume_id);
    line("system id:", v.system_id);
    line("volume set id:", v.volume_set_id);
    line("publisher id:", v.publisher_id);
    line("data preparer id:", v.data_preparer_id);
    line("application id:", v.application_id);
    line("created:", time_text(v.creation_time));
    line("modified:", time_text(v.modification_time));
    line("expires:", time_text(v.expiration_time));
    line("effective:", time_text(v.effective_time));
    line("volume size:", fmt::format("{} blocks", v.volume_space_blocks));
    line("root folder:", fmt::format("LBA {}, {} bytes", v.root_lba, v.root_bytes));
    return t;
}

int run(const InfoOptions& o, const GlobalOptions& g) {
    Reporter reporter(g.mode(), g.verbose);
    try {
        const ImageReader reader = open_image(o.image, o.read);
        const ImageSession& chosen = reader.session();
        const u64 bytes = reader.stream().size();

        nlohmann::json sessions = nlohmann::json::array();
        std::string text =
            fmt::format("{}: {} blocks ({} bytes)\n", o.image, bytes / block_size, bytes);
        text += fmt::format("sessions: {}\n", reader.sessions().size());
        for (std::size_t i = 0; i < reader.sessions().size(); ++i) {
            const ImageSession& s = reader.sessions()[i];
            sessions.push_back(session_json(s));
            text += fmt::format("  {:>2}. blocks {}-{}  {}  '{}'{}\n", i + 1, s.start_block,
                                s.end_block ? s.end_block - 1 : 0, to_string(s.file_systems),
                                s.volume_id, s.start_block == chosen.start_block ? "  (read)" : "");
        }
        const FsType fs = reader.file_systems();
        text += fmt::format("session read: blocks {}-{}\n", chosen.start_block,
                            chosen.end_block ? chosen.end_block - 1 : 0);
        text += fmt::format("file systems: {} (ls and extract read {})\n", to_string(fs),
                            to_string(ImageReader::default_file_system(fs)));
        text +=
            fmt::format("boot catalog: {}\n", chosen.boot_catalog_lba
                                                  ? fmt::format("LBA {}", *chosen.boot_catalog_lba)
                                                  : std::string("none"));
        nlohmann::json volumes = nlohmann::json::array();
        for (FsType ns : {FsType::Iso9660, FsType::Joliet, FsType::Iso9660_1999}) {
            if (!has(fs, ns)) continue;
            const VolumeInfo& v = reader.volume(ns);
            volumes.push_back(volume_json(v));
            text += volume_text(v);
        }
        if (!text.empty() && text.back() == '\n') text.pop_back();
        reporter.result(
            {{"image", o.image},
             {"bytes", bytes},
             {"blocks", bytes / block_size},
             {"sessions", sessions},
             {"session", session_json(chosen)},
             {"file_systems", to_string(fs)},
             {"default_file_system", to_string(ImageReader::default_file_system(fs))},
             {"boot_catalog_lba", chosen.boot_catalog_lba ? nlohmann::json(*chosen.boot_catalog_lba)
                                                          : nlohmann::json(nullptr)},
             {"volumes", volumes}},
            text);
        return 0;
    } catch (const Error& e) {
        return reporter.error(e);
    }
}

} // namespace

void add_image_info_command(CLI::App& image, const GlobalOptions& global, int& status) {
    auto o = std::make_shared<InfoOptions>();
    CLI::App* cmd = image.add_subcommand(
        "info", "Sessions, file systems and volume identifiers and dates of an image");
    cmd->add_option("image", o->image, "Image file to read")->required();
    add_read_options(*cmd, o->read, false);
    cmd->callback([o, &global, &status] { status = run(*o, global); });
}

} // namespace discwright::cli
