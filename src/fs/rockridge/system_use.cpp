#include "fs/rockridge/system_use.h"

#include <array>

#include "core/byte_io.h"
#include "fs/iso9660/dates.h"

namespace discwright::fs::rockridge {

namespace {

using core::ByteWriter;
using core::LeBe32;

/// SUSP 4.1: every entry starts with a signature, its length and a version.
struct EntryHeader {
    std::array<char, 2> signature;
    u8 length;
    u8 version;
};
static_assert(core::OnDisk<EntryHeader> && sizeof(EntryHeader) == 4);

constexpr std::size_t max_entry = 255;
constexpr std::size_t ce_entry_length = 28; // SUSP 5.1

// RRIP 1.12 section 4.3: the extension reference for this protocol.
constexpr std::string_view er_identifier = "IEEE_P1282";
constexpr std::string_view er_descriptor =
    "THE IEEE P1282 PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS.";
constexpr std::string_view er_source =
    "PLEASE CONTACT THE IEEE STANDARDS DEPARTMENT, PISCATAWAY, NJ, USA FOR THE P1282 "
    "SPECIFICATION.";

/// Builds one entry: the body callback writes after the header; the length is patched in.
template <class Body> std::string entry(const char (&sig)[3], Body&& body) {
    std::array<std::byte, max_entry> buf{};
    ByteWriter w(buf);
    w.put(EntryHeader{{sig[0], sig[1]}, 0, 1});
    body(w);
    std::size_t n = w.bytes_written();
    buf[2] = static_cast<std::byte>(n);
    return std::string(reinterpret_cast<const char*>(buf.data()), n);
}

void add_nm(std::vector<std::string>& out, std::string_view name) {
    // RRIP 4.1.4: NM; a long name continues in further NM entries (flag bit 0).
    constexpr std::size_t chunk = max_entry - 5;
    do {
        auto part = name.substr(0, chunk);
        name.remove_prefix(part.size());
        const u8 flags = name.empty() ? 0 : 1;
        out.push_back(entry("NM", [&](ByteWriter& w) {
            w.u8(flags);
            w.text(part);
        }));
    } while (!name.empty());
}

void add_sl(std::vector<std::string>& out, std::string_view target) {
    // RRIP 4.1.3.1: component records; a component longer than one record continues (bit 0).
    struct Component {
        u8 flags;
        std::string text;
    };
    std::vector<Component> components;
    if (!target.empty() && target.front() == '/') components.push_back({0x08, {}}); // ROOT
    std::size_t i = 0;
    while (i <= target.size()) {
        std::size_t j = target.find('/', i);
        if (j == std::string_view::npos) j = target.size();
        auto part = target.substr(i, j - i);
        i = j + 1;
        if (part.empty()) continue;
        if (part == ".") {
            components.push_back({0x02, {}});
        } else if (part == "..") {
            components.push_back({0x04, {}});
        } else {
            components.push_back({0x00, std::string(part)});
        }
    }
    // Pack component records into SL entries of at most 255 bytes, filling each entry and
    // continuing a name into the next one (component flag bit 0). An entry never ends exactly
    // between two names: libarchive joins the first name of a continuation entry to the last
    // one without a '/', so the last byte of such a name moves to the next entry.
    std::vector<std::vector<Component>> entries(1);
    std::size_t used = 5;
    for (std::size_t k = 0; k < components.size(); ++k) {
        const Component& c = components[k];
        const bool more = k + 1 < components.size();
        if (c.text.empty()) {
            if (used + 2 > max_entry) {
                entries.emplace_back();
                used = 5;
            }
            entries.back().push_back(c);
            used += 2;
            continue;
        }
        std::string_view text = c.text;
        while (!text.empty()) {
            if (used + 3 > max_entry) {
                entries.emplace_back();
                used = 5;
            }
            const std::size_t room = max_entry - used - 2;
            std::size_t take = std::min(text.size(), room);
            const bool fills = take == text.size() && used + 2 + take + 3 > max_entry;
            if (fills && more && take > 1) --take;
            const u8 flags = take < text.size() ? static_cast<u8>(c.flags | 0x01) : c.flags;
            entries.back().push_back({flags, std::string(text.substr(0, take))});
            used += 2 + take;
            text.remove_prefix(take);
        }
    }
    for (std::size_t e = 0; e < entries.size(); ++e) {
        const u8 flags = e + 1 < entries.size() ? 1 : 0;
        out.push_back(entry("SL", [&](ByteWriter& w) {
            w.u8(flags);
            for (const Component& c : entries[e]) {
                w.u8(c.flags);
                w.u8(static_cast<u8>(c.text.size()));
                w.text(c.text);
            }
        }));
    }
}

} // namespace

std::vector<std::string> encode_entries(const RecordFacts& f) {
    std::vector<std::string> out;
    if (f.root_dot) // SUSP 5.3: SP first in the root's "." record; no bytes skipped
        out.push_back(entry("SP", [](ByteWriter& w) {
            w.u8(0xbe);
            w.u8(0xef);
            w.u8(0);
        }));
    if (f.relocated) out.push_back(entry("RE", [](ByteWriter&) {})); // RRIP 4.1.5.3
    // RRIP 4.1.1: PX with the file serial number (1.12).
    out.push_back(entry("PX", [&](ByteWriter& w) {
        w.put(LeBe32(f.mode));
        w.put(LeBe32(f.links));
        w.put(LeBe32(f.uid));
        w.put(LeBe32(f.gid));
        w.put(LeBe32(f.serial));
    }));
    // RRIP 4.1.6: TF, short form: modify, access, attributes.
    out.push_back(entry("TF", [&](ByteWriter& w) {
        w.u8(0x02 | 0x04 | 0x08);
        w.put(iso9660::recording_date(f.modify));
        w.put(iso9660::recording_date(f.access));
        w.put(iso9660::recording_date(f.attributes));
    }));
    if (f.device) // RRIP 4.1.2: PN, high and low halves of the device number
        out.push_back(entry("PN", [&](ByteWriter& w) {
            w.put(LeBe32(static_cast<u32>(*f.device >> 32)));
            w.put(LeBe32(static_cast<u32>(*f.device)));
        }));
    if (f.child_link)
        out.push_back(entry("CL", [&](ByteWriter& w) { w.put(LeBe32(*f.child_link)); }));
    if (f.parent_link)
        out.push_back(entry("PL", [&](ByteWriter& w) { w.put(LeBe32(*f.parent_link)); }));
    if (!f.name.empty()) add_nm(out, f.name);
    if (!f.symlink.empty()) add_sl(out, f.symlink);
    if (f.root_dot) // SUSP 5.5: ER
        out.push_back(entry("ER", [](ByteWriter& w) {
            w.u8(static_cast<u8>(er_identifier.size()));
            w.u8(static_cast<u8>(er_descriptor.size()));
            w.u8(static_cast<u8>(er_source.size()));
            w.u8(1);
            w.text(er_identifier);
            w.text(er_descriptor);
            w.text(er_source);
        }));
    return out;
}

ContinuationSpace::Area ContinuationSpace::allocate(u32 bytes) {
    auto used = static_cast<u32>(m_bytes.size());
    u32 in_block = used % block_size;
    if (in_block != 0 && in_block + bytes > block_size) {
        m_bytes.append(block_size - in_block, '\0');
        used = static_cast<u32>(m_bytes.size());
    }
    m_bytes.append(bytes, '\0');
    return {m_first_lba + used / block_size, used % block_size, used};
}

u32 ContinuationSpace::blocks() const {
    return static_cast<u32>(BlockCount::for_bytes(m_bytes.size()).value);
}

std::string place_entries(const std::vector<std::string>& entries, std::size_t room,
                          ContinuationSpace& space) {
    std::size_t total = 0;
    for (const auto& e : entries)
        total += e.size();
    std::string record;
    if (total <= room) {
        for (const auto& e : entries)
            record += e;
        return record;
    }
    // Split into the record's share and continuation areas, each keeping room for a CE.
    std::size_t i = 0;
    while (i < entries.size() && record.size() + entries[i].size() + ce_entry_length <= room)
        record += entries[i++];
    std::vector<std::string> areas;
    while (i < entries.size()) {
        std::string area;
        while (i < entries.size()) {
            bool last = i + 1 == entries.size();
            std::size_t need = entries[i].size() + (last ? 0 : ce_entry_length);
            if (area.size() + need > block_size) break;
            area += entries[i++];
        }
        areas.push_back(std::move(area));
    }
    // Allocate every area, then link each to the next with a CE (SUSP 5.1).
    auto area_size = [&](std::size_t a) {
        return static_cast<u32>(areas[a].size() + (a + 1 < areas.size() ? ce_entry_length : 0));
    };
    std::vector<ContinuationSpace::Area> where;
    for (std::size_t a = 0; a < areas.size(); ++a)
        where.push_back(space.allocate(area_size(a)));
    auto ce = [&](std::size_t a) {
        return entry("CE", [&](ByteWriter& w) {
            w.put(LeBe32(where[a].block));
            w.put(LeBe32(where[a].offset));
            w.put(LeBe32(area_size(a)));
        });
    };
    record += ce(0);
    for (std::size_t a = 0; a < areas.size(); ++a) {
        std::string bytes = areas[a];
        if (a + 1 < areas.size()) bytes += ce(a + 1);
        space.bytes().replace(where[a].position, bytes.size(), bytes);
    }
    return record;
}

} // namespace discwright::fs::rockridge
