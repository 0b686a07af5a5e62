#include "fs/import/validation_susp.h"

#include <algorithm>
#include <array>
#include <bit>
#include <string_view>

#include <sys/stat.h>

#include "core/byte_io.h"
#include "fs/import/validation_dates.h"

namespace discwright::fs::import {

namespace {

/// SUSP 4.1: signature, length, version.
struct EntryHeader {
    std::array<char, 2> signature;
    u8 length;
    u8 version;
};
static_assert(core::OnDisk<EntryHeader> && sizeof(EntryHeader) == 4);

constexpr int max_continuations = 64;             // CE hops per record, as the reader allows
constexpr u64 max_continuation_bytes = 64 * 1024; // one area
constexpr std::size_t ce_length = 28;             // SUSP 5.1
constexpr std::size_t sp_length = 7;              // SUSP 5.3
constexpr std::array<std::string_view, 3> rrip_extensions = {"RRIP_1991A", "IEEE_P1282",
                                                             "IEEE_1282"}; // RRIP 4.3

// Component flags of SL (RRIP 4.1.3.1) and name flags of NM (RRIP 4.1.4).
constexpr u8 flag_continue = 0x01, flag_current = 0x02, flag_parent = 0x04, flag_root = 0x08;

bool is_rrip(std::string_view sig) {
    constexpr std::array<std::string_view, 10> rrip = {"PX", "PN", "SL", "NM", "CL",
                                                       "PL", "RE", "TF", "SF", "RR"};
    return std::find(rrip.begin(), rrip.end(), sig) != rrip.end();
}

bool is_susp(std::string_view sig) {
    constexpr std::array<std::string_view, 6> susp = {"SP", "CE", "ER", "ES", "PD", "ST"};
    return std::find(susp.begin(), susp.end(), sig) != susp.end();
}

std::string printable(std::string_view sig) {
    std::string out;
    for (char c : sig)
        out += (c >= 0x20 && c < 0x7f) ? std::string(1, c)
                                       : fmt::format("\\x{:02x}", static_cast<u8>(c));
    return out;
}

} // namespace

struct SystemUseChecker::RecordState {
    RecordState(const SystemUseSite& s, const std::string& p) : site(s), path(p) {}
    const SystemUseSite& site;
    const std::string& path;
    std::optional<std::array<u32, 3>> next_ce; // location, offset, length
    bool nm_open = false, nm_seen = false, nm_special = false;
    std::size_t nm_bytes = 0;
    std::string nm_name; // kept short: only to spot "." and ".."
    bool sl_seen = false, sl_open = false, sl_component_open = false;
};

void SystemUseChecker::start(std::span<const std::byte> su, const SystemUseSite& site) {
    m_started = true;
    if (su.size() < 4 || static_cast<char>(su[0]) != 'S' || static_cast<char>(su[1]) != 'P') return;
    const u8 length = static_cast<u8>(su[2]);
    const bool ok = length == sp_length && su.size() >= sp_length && static_cast<u8>(su[3]) == 1 &&
                    static_cast<u8>(su[4]) == 0xBE && static_cast<u8>(su[5]) == 0xEF;
    if (!ok) {
        const auto at = [&](std::size_t i) { return i < su.size() ? static_cast<u8>(su[i]) : 0; };
        m_reported_missing_sp = true;
        m_ctx.log.add(Check::SuspSp, site.lba, "/",
                      fmt::format("the root's '.' record opens with a malformed SP entry "
                                  "(length {}, version {}, check bytes {:02x} {:02x}; SUSP 5.3 "
                                  "asks for 7, 1, BE EF): readers ignore its System Use entries",
                                  length, at(3), at(4), at(5)));
        return;
    }
    m_active = true;
    m_skip = static_cast<u8>(su[6]);
}

RecordSystemUse SystemUseChecker::check(std::span<const std::byte> area, const SystemUseSite& site,
                                        const std::string& path) {
    RecordSystemUse out;
    if (!m_active) {
        sniff(area, site, path);
        return out;
    }
    const std::size_t skip = site.root ? 0 : m_skip;
    if (area.size() <= skip) return out;
    RecordState st(site, path);
    parse(area.subspan(skip), site.lba, st, out);

    // Continuation areas, each visited once (SUSP 5.1).
    std::vector<u64> visited{site.lba * block_size + site.offset + skip};
    int hops = 0;
    while (st.next_ce) {
        const auto [location, offset, length] = *st.next_ce;
        st.next_ce.reset();
        const u64 start = u64{location} * block_size + offset;
        if (std::find(visited.begin(), visited.end(), start) != visited.end() ||
            ++hops > max_continuations) {
            m_ctx.log.add(Check::SuspCeLoop, location, path,
                          fmt::format("'{}': continuation area at LBA {} offset {} was already "
                                      "read for this record (a CE loop)",
                                      path, location, offset));
            break;
        }
        visited.push_back(start);
        if (length == 0 || length > max_continuation_bytes) {
            m_ctx.log.add(Check::SuspCe, site.lba, path,
                          fmt::format("'{}': continuation area at LBA {} has a length of {} "
                                      "bytes",
                                      path, location, length));
            break;
        }
        const u64 first = location + offset / block_size;
        const u64 in_block = offset % block_size;
        const u64 blocks = (in_block + length + block_size - 1) / block_size;
        if (!m_ctx.inside(first, blocks)) {
            m_ctx.log.add(Check::SuspCe, site.lba, path,
                          fmt::format("'{}': continuation area at LBA {} offset {} ({} bytes) "
                                      "ends past {}",
                                      path, location, offset, length,
                                      m_ctx.end_named(first + blocks)));
            break;
        }
        if (m_continuations_seen.insert(first * 64 + blocks).second)
            m_extents.add({first, blocks, 0, ExtentUse::Kind::Continuation,
                           fmt::format("system use of '{}'", path)});
        const auto bytes = continuation(first, blocks).subspan(in_block, length);
        const std::vector<std::byte> copy(bytes.begin(), bytes.end()); // parse may refill
        parse(copy, first, st, out);
    }

    // What the record's entries say together.
    if (st.nm_open)
        m_ctx.log.add(Check::RripNm, site.lba, path,
                      fmt::format("'{}': the last NM entry says the name continues", path));
    if (st.nm_seen && !st.nm_special && site.role == SystemUseSite::Role::Other) {
        if (st.nm_bytes == 0)
            m_ctx.log.add(Check::RripNm, site.lba, path,
                          fmt::format("'{}': NM entries give an empty name", path));
        else if (st.nm_name == "." || st.nm_name == "..")
            m_ctx.log.add(Check::RripNm, site.lba, path,
                          fmt::format("'{}': NM names the entry '{}'", path, st.nm_name));
    }
    if (st.sl_open || st.sl_component_open)
        m_ctx.log.add(Check::RripSl, site.lba, path,
                      fmt::format("'{}': the last SL entry says the link continues", path));
    // Readers take a folder's attributes from its "." record, never from a "..", whose PX
    // genisoimage fills with zeros in the relocation folder.
    if (out.mode && site.role != SystemUseSite::Role::DotDot) {
        const u32 type = *out.mode & S_IFMT;
        if (site.directory && type != S_IFDIR)
            m_ctx.log.add(Check::RripPx, site.lba, path,
                          fmt::format("'{}': PX gives file type {:o} to a record with the "
                                      "directory flag",
                                      path, type));
        else if (!site.directory && type == S_IFDIR && !out.child_link)
            m_ctx.log.add(Check::RripPx, site.lba, path,
                          fmt::format("'{}': PX says folder, but the record has no directory "
                                      "flag and no CL entry",
                                      path));
        if (st.sl_seen && type != S_IFLNK)
            m_ctx.log.add(Check::RripSl, site.lba, path,
                          fmt::format("'{}': SL entry on a record whose PX file type is {:o}, "
                                      "not a symlink",
                                      path, type));
        if (type == S_IFLNK && !st.sl_seen)
            m_ctx.log.add(Check::RripSl, site.lba, path,
                          fmt::format("'{}': PX says symlink, but there is no SL entry", path));
    }
    if (out.child_link && site.directory)
        m_ctx.log.add(Check::RripCl, site.lba, path,
                      fmt::format("'{}': CL entry on a record with the directory flag (RRIP "
                                  "4.1.5.1 puts it on a file record)",
                                  path));
    if (out.parent_link && site.role != SystemUseSite::Role::DotDot)
        m_ctx.log.add(Check::RripPl, site.lba, path,
                      fmt::format("'{}': PL entry outside a '..' record", path));
    return out;
}

void SystemUseChecker::parse(std::span<const std::byte> area, u64 lba, RecordState& st,
                             RecordSystemUse& out) {
    const std::string& path = st.path;
    bool ce_in_area = false;
    std::size_t pos = 0;
    while (pos + sizeof(EntryHeader) <= area.size()) {
        core::ByteReader in(area.subspan(pos), {lba, "system use entry"});
        const auto h = in.read<EntryHeader>();
        if (h.length == 0 && h.signature[0] == 0) break; // padding to the end
        const std::string_view sig(h.signature.data(), 2);
        if (h.length < sizeof(EntryHeader) || h.length > area.size() - pos) {
            m_ctx.log.add(Check::SuspEntry, lba, path,
                          fmt::format("'{}': system use entry '{}' has length {} with {} bytes "
                                      "left in its area",
                                      path, printable(sig), h.length, area.size() - pos));
            return;
        }
        const auto body = area.subspan(pos + sizeof(EntryHeader), h.length - sizeof(EntryHeader));
        pos += h.length;
        const bool rrip = is_rrip(sig);
        if ((rrip || is_susp(sig)) && h.version != 1)
            m_ctx.log.add(
                Check::SuspEntry, lba, path,
                fmt::format("'{}': {} entry has version {}, not 1", path, sig, h.version));
        if (rrip && !m_rock_ridge_used) {
            m_rock_ridge_used = true;
            m_first_rr_path = path;
        }
        core::ByteReader b(body, {lba, fmt::format("{} entry", sig)});
        const auto length_problem = [&](Check check, std::string_view expected) {
            m_ctx.log.add(check, lba, path,
                          fmt::format("'{}': {} entry of {} bytes, {} expected", path, sig,
                                      h.length, expected));
        };
        const auto both = [&](const core::LeBe32& v, std::string_view field) {
            if (!v.consistent())
                m_ctx.log.add(Check::RecordBothByteOrder, lba, path,
                              fmt::format("'{}': {} of the {} entry reads {} little-endian but "
                                          "{} big-endian",
                                          path, field, sig, u32(v.le), u32(v.be)));
            return v.value();
        };
        if (sig == "ST") {
            return; // SUSP 5.4: the rest of the area is not System Use entries
        } else if (sig == "CE") {
            if (h.length != ce_length) {
                length_problem(Check::SuspEntry, "28");
                continue;
            }
            if (ce_in_area) {
                m_ctx.log.add(Check::SuspEntry, lba, path,
                              fmt::format("'{}': a second CE entry in one system use area", path));
                continue;
            }
            ce_in_area = true;
            const u32 location = both(b.read<core::LeBe32>(), "the location");
            const u32 offset = both(b.read<core::LeBe32>(), "the offset");
            const u32 length = both(b.read<core::LeBe32>(), "the length");
            st.next_ce = std::array<u32, 3>{location, offset, length};
        } else if (sig == "ER") {
            if (body.size() < 4) {
                length_problem(Check::SuspEntry, "at least 8");
                continue;
            }
            const u8 id = b.read<u8>(), des = b.read<u8>(), src = b.read<u8>();
            b.skip(1); // extension version
            if (std::size_t{id} + des + src > b.remaining()) {
                length_problem(Check::SuspEntry,
                               fmt::format("{}", 8 + std::size_t{id} + des + src));
                continue;
            }
            const std::string ext = b.read_text(id);
            if (std::find(rrip_extensions.begin(), rrip_extensions.end(), ext) !=
                rrip_extensions.end())
                m_er_rrip = true;
        } else if (sig == "PX") {
            if (h.length != 36 && h.length != 44) {
                length_problem(Check::RripPx, "36 or 44");
                continue;
            }
            out.mode = both(b.read<core::LeBe32>(), "the file mode");
            for (std::string_view field : {"the link count", "the user ID", "the group ID"})
                both(b.read<core::LeBe32>(), field);
            if (h.length == 44) both(b.read<core::LeBe32>(), "the serial number");
        } else if (sig == "PN") {
            if (h.length != 20) {
                length_problem(Check::RripPn, "20");
                continue;
            }
            both(b.read<core::LeBe32>(), "the device number's high half");
            both(b.read<core::LeBe32>(), "the device number's low half");
        } else if (sig == "CL" || sig == "PL") {
            const bool cl = sig == "CL";
            if (h.length != 12) {
                length_problem(cl ? Check::RripCl : Check::RripPl, "12");
                continue;
            }
            const u32 where = both(b.read<core::LeBe32>(), "the location");
            (cl ? out.child_link : out.parent_link) = where;
        } else if (sig == "RE") {
            if (h.length != 4) length_problem(Check::SuspEntry, "4");
            out.relocated = true;
        } else if (sig == "TF") {
            if (body.empty()) {
                length_problem(Check::RripTf, "at least 5");
                continue;
            }
            const u8 flags = b.read<u8>();
            const bool long_form = flags & 0x80;
            const auto stamps = static_cast<std::size_t>(std::popcount(u8(flags & 0x7f)));
            const std::size_t expected = 5 + stamps * (long_form ? 17 : 7);
            if (h.length != expected) {
                length_problem(Check::RripTf, fmt::format("{} for flags {:02x}", expected, flags));
                continue;
            }
            for (std::size_t k = 0; k < stamps; ++k) {
                const auto why = long_form ? date_problem(b.read<iso9660::VolumeDateTime>())
                                           : date_problem(b.read<iso9660::RecordingDateTime>());
                if (why)
                    m_ctx.log.add(Check::RecordDate, lba, path,
                                  fmt::format("'{}': a TF time stamp has {}", path, *why));
            }
        } else if (sig == "NM") {
            if (body.empty()) {
                length_problem(Check::RripNm, "at least 5");
                continue;
            }
            const u8 flags = b.read<u8>();
            const std::string part = b.read_text(b.remaining());
            st.nm_seen = true;
            st.nm_open = flags & flag_continue;
            if (flags & (flag_current | flag_parent | 0x20)) {
                st.nm_special = true;
            } else {
                st.nm_bytes += part.size();
                if (st.nm_name.size() < 3) st.nm_name += part.substr(0, 3);
                if (part.find_first_of(std::string_view("/\0", 2)) != std::string::npos)
                    m_ctx.log.add(
                        Check::RripNm, lba, path,
                        fmt::format("'{}': NM name '{}' holds '/' or NUL", path, printable(part)));
            }
        } else if (sig == "SL") {
            if (body.empty()) {
                length_problem(Check::RripSl, "at least 5");
                continue;
            }
            st.sl_seen = true;
            st.sl_open = b.read<u8>() & flag_continue;
            while (b.remaining() > 0) {
                if (b.remaining() < 2) {
                    m_ctx.log.add(
                        Check::RripSl, lba, path,
                        fmt::format("'{}': SL entry ends inside a component header", path));
                    break;
                }
                const u8 cflags = b.read<u8>(), clen = b.read<u8>();
                if (clen > b.remaining()) {
                    m_ctx.log.add(Check::RripSl, lba, path,
                                  fmt::format("'{}': SL component of {} bytes overruns its "
                                              "entry ({} bytes left)",
                                              path, clen, b.remaining()));
                    break;
                }
                const std::string name = b.read_text(clen);
                const u8 kinds = cflags & (flag_current | flag_parent | flag_root);
                if (std::popcount(kinds) > 1 || (kinds && clen != 0))
                    m_ctx.log.add(Check::RripSl, lba, path,
                                  fmt::format("'{}': SL component with flags {:02x} and {} "
                                              "bytes of content",
                                              path, cflags, clen));
                if (name.find('/') != std::string::npos)
                    m_ctx.log.add(
                        Check::RripSl, lba, path,
                        fmt::format("'{}': SL component '{}' holds '/'", path, printable(name)));
                st.sl_component_open = cflags & flag_continue;
            }
            if (st.sl_open) st.sl_component_open = false; // it may go on in the next entry
        }
    }
}

std::span<const std::byte> SystemUseChecker::continuation(u64 first, u64 blocks) {
    if (m_cached_first != first || m_cached.size() < blocks * block_size) {
        m_cached = m_ctx.image.read(first, blocks * block_size, "continuation area");
        m_cached_first = first;
    }
    return m_cached;
}

void SystemUseChecker::sniff(std::span<const std::byte> area, const SystemUseSite& site,
                             const std::string& path) {
    if (m_reported_missing_sp || area.size() < sizeof(EntryHeader)) return;
    const std::string sig{static_cast<char>(area[0]), static_cast<char>(area[1])};
    const u8 length = static_cast<u8>(area[2]), version = static_cast<u8>(area[3]);
    if (!is_rrip(sig) || length < sizeof(EntryHeader) || length > area.size() || version != 1)
        return;
    m_reported_missing_sp = true;
    m_ctx.log.add(Check::SuspSp, site.lba, path,
                  fmt::format("'{}' has a Rock Ridge {} entry, but the root's '.' record does "
                              "not open with an SP entry (SUSP 5.3): readers ignore Rock Ridge",
                              path, sig));
}

void SystemUseChecker::finish(const std::string& volume) {
    if (m_active && m_rock_ridge_used && !m_er_rrip)
        m_ctx.log.add(Check::RripEr, std::nullopt, m_first_rr_path,
                      fmt::format("{}: Rock Ridge entries (first at '{}') but no ER entry naming "
                                  "RRIP_1991A, IEEE_P1282 or IEEE_1282 (RRIP 4.3)",
                                  volume, m_first_rr_path));
}

} // namespace discwright::fs::import
