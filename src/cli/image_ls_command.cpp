// `image ls`: walks the tree once, building each path from its parent's as it goes, and writes
// through one large buffer, so a listing of 100,000 items costs little more than reading the
// tree. JSON lines are written here rather than through nlohmann::json for the same reason;
// their keys are in the same (alphabetical) order as every other --json line.

#include "cli/image_ls_command.h"

#include <cstdio>

#include <sys/stat.h>

#include <fmt/compile.h>

#include "cli/image_reading.h"

namespace discwright::cli {

namespace {

struct LsOptions {
    std::string image;
    std::string path = "/";
    ReadOptions read;
    bool long_format = false;
    bool recursive = false;
};

/// Standard output through a large buffer.
class Output {
public:
    ~Output() { flush(); }
    std::string& buffer() { return m_buffer; }
    void maybe_flush() {
        if (m_buffer.size() >= (1u << 20)) flush();
    }
    void flush() {
        if (!m_buffer.empty()) std::fwrite(m_buffer.data(), 1, m_buffer.size(), stdout);
        m_buffer.clear();
    }

private:
    std::string m_buffer;
};

/// Appends `s` as a JSON string: escapes quotes, backslashes and control characters, and
/// replaces bytes that are not UTF-8 with U+FFFD (as the other --json lines do).
void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += static_cast<char>(c);
            } else if (c < 0x20) {
                fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
            } else {
                out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        // RFC 3629: the length from the lead byte; no overlong forms, surrogates or > U+10FFFF.
        const std::size_t len = c >= 0xC2 && c <= 0xDF   ? 2
                                : c >= 0xE0 && c <= 0xEF ? 3
                                : c >= 0xF0 && c <= 0xF4 ? 4
                                                         : 0;
        bool valid = len != 0 && i + len <= s.size();
        for (std::size_t k = 1; valid && k < len; ++k)
            valid = (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80;
        if (valid && len >= 3) {
            const auto c1 = static_cast<unsigned char>(s[i + 1]);
            if (c == 0xE0) valid = c1 >= 0xA0;
            if (c == 0xED) valid = c1 < 0xA0;
            if (c == 0xF0) valid = c1 >= 0x90;
            if (c == 0xF4) valid = c1 < 0x90;
        }
        if (valid) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    out += '"';
}

/// "drwxr-xr-x", as ls -l shows a mode.
std::string mode_text(const ImageEntry& e) {
    std::string m(10, '-');
    switch (e.type) {
    case FsiItemType::Directory:
        m[0] = 'd';
        break;
    case FsiItemType::Symlink:
        m[0] = 'l';
        break;
    case FsiItemType::CharDevice:
        m[0] = 'c';
        break;
    case FsiItemType::BlockDevice:
        m[0] = 'b';
        break;
    case FsiItemType::Fifo:
        m[0] = 'p';
        break;
    case FsiItemType::Socket:
        m[0] = 's';
        break;
    default:
        break;
    }
    const char* rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; ++i)
        if (e.mode & (0400u >> i)) m[static_cast<std::size_t>(i) + 1] = rwx[i];
    const auto special = [&](std::size_t at, u32 bit, char on_x, char on_no_x) {
        if (e.mode & bit) m[at] = m[at] == '-' ? on_no_x : on_x;
    };
    special(3, S_ISUID, 's', 'S');
    special(6, S_ISGID, 's', 'S');
    special(9, S_ISVTX, 't', 'T');
    return m;
}

class Lister {
public:
    Lister(const LsOptions& o, const ImageTree& tree, bool json)
        : m_options(o), m_tree(tree), m_json(json) {}

    u64 list(u32 at) {
        const ImageEntry& start = m_tree.at(at);
        std::string path = at == 0 ? std::string() : m_tree.path(at);
        if (start.type != FsiItemType::Directory) {
            item(start, path, path);
            return m_count;
        }
        if (!m_options.recursive) {
            for (u32 i = 0; i < start.child_count; ++i) {
                const u32 c = start.first_child + i;
                const std::string child = path + '/' + m_tree.at(c).name;
                item(m_tree.at(c), child, m_tree.at(c).name);
            }
            return m_count;
        }
        struct Frame {
            u32 dir, next;
            std::size_t path_length;
        };
        std::vector<Frame> stack{{at, 0, path.size()}};
        std::vector<bool> seen(m_tree.size());
        while (!stack.empty()) {
            Frame& f = stack.back();
            const ImageEntry& dir = m_tree.at(f.dir);
            if (f.next == dir.child_count) {
                stack.pop_back();
                continue;
            }
            const u32 c = dir.first_child + f.next++;
            path.resize(f.path_length);
            path += '/';
            path += m_tree.at(c).name;
            const ImageEntry& e = m_tree.at(c);
            item(e, path, path);
            if (e.type == FsiItemType::Directory && !seen[c]) {
                seen[c] = true;
                stack.push_back({c, 0, path.size()});
            }
        }
        return m_count;
    }

private:
    void item(const ImageEntry& e, const std::string& path, const std::string& shown) {
        ++m_count;
        std::string& out = m_out.buffer();
        if (m_json) {
            json_item(out, e, path.empty() ? "/" : path);
        } else {
            if (m_options.long_format) long_item(out, e);
            out += shown.empty() ? "/" : shown;
            if (m_options.long_format && e.type == FsiItemType::Symlink) {
                out += " -> ";
                out += e.symlink_target;
            }
            out += '\n';
        }
        m_out.maybe_flush();
    }

    static void long_item(std::string& out, const ImageEntry& e) {
        const bool device = e.type == FsiItemType::CharDevice || e.type == FsiItemType::BlockDevice;
        // Format strings are compiled: a listing formats one line per file.
        const std::string size = device
                                     ? fmt::format("{}, {}", e.device >> 32, e.device & 0xffffffffu)
                                     : std::to_string(e.size);
        fmt::format_to(std::back_inserter(out), FMT_COMPILE("{} {:>3} {:>5} {:>5} {:>12} {} "),
                       mode_text(e), e.links, e.uid, e.gid, size, iso_time(e.modify_time));
    }

    static void json_item(std::string& out, const ImageEntry& e, const std::string& path) {
        auto o = std::back_inserter(out);
        fmt::format_to(o,
                       FMT_COMPILE("{{\"atime\":{},\"ctime\":{},\"event\":\"entry\",\"extents\":["),
                       e.access_time, e.attribute_time);
        for (std::size_t i = 0; i < e.extents.size(); ++i)
            fmt::format_to(o, FMT_COMPILE("{}{{\"bytes\":{},\"lba\":{}}}"), i ? "," : "",
                           e.extents[i].bytes, e.extents[i].lba);
        fmt::format_to(o,
                       FMT_COMPILE("],\"gid\":{},\"hidden\":{},\"links\":{},\"mode\":{},"
                                   "\"mtime\":{},\"path\":"),
                       e.gid, e.hidden, e.links, e.mode & 07777, e.modify_time);
        append_json_string(out, path);
        fmt::format_to(o, FMT_COMPILE(",\"size\":{},\"target\":"), e.size);
        if (e.type == FsiItemType::Symlink)
            append_json_string(out, e.symlink_target);
        else
            out += "null";
        fmt::format_to(o, FMT_COMPILE(",\"type\":\"{}\",\"uid\":{}}}\n"), type_name(e.type), e.uid);
    }

    const LsOptions& m_options;
    const ImageTree& m_tree;
    bool m_json;
    Output m_out;
    u64 m_count = 0;
};

int run(const LsOptions& o, const GlobalOptions& g) {
    Reporter reporter(g.mode(), g.verbose);
    try {
        SignalCancellation cancel;
        const ImageReader reader = open_image(o.image, o.read);
        const FsType ns = chosen_namespace(reader, o.read);
        const ImageTree tree = reader.read_tree(ns, {}, cancel.token());
        const auto at = tree.find(o.path);
        if (!at)
            throw Error(ErrorCode::ItemNotFound,
                        fmt::format("'{}' is not in the {} tree of {} (session at LBA {})", o.path,
                                    to_string(ns), o.image, reader.session().start_block))
                .with_path(o.path);
        u64 count = 0;
        {
            Lister lister(o, tree, g.json);
            count = lister.list(*at);
        }
        std::fflush(stdout);
        if (g.json)
            reporter.result({{"image", o.image},
                             {"namespace", to_string(ns)},
                             {"path", o.path},
                             {"entries", count}},
                            {});
        return 0;
    } catch (const Error& e) {
        return reporter.error(e);
    }
}

} // namespace

void add_image_ls_command(CLI::App& image, const GlobalOptions& global, int& status) {
    auto o = std::make_shared<LsOptions>();
    CLI::App* cmd = image.add_subcommand("ls", "List the files and folders of an image");
    cmd->add_option("image", o->image, "Image file to read")->required();
    cmd->add_option("path", o->path, "Folder or file inside the image (default: /)");
    add_read_options(*cmd, o->read, true);
    cmd->add_flag("-l,--long", o->long_format,
                  "Mode, links, owner, size and modification time (UTC) of each item");
    cmd->add_flag("-R,--recursive", o->recursive,
                  "Everything under PATH, one full image path per line");
    cmd->callback([o, &global, &status] { status = run(*o, global); });
}

} // namespace discwright::cli
