#include "fs/names/name_rules.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace discwright::fs {

namespace {

constexpr const char* reason_illegal = "characters the namespace does not allow";
constexpr const char* reason_truncated = "truncated to the namespace's length limit";
constexpr const char* reason_collision = "renamed: another name in the folder maps to the same";
constexpr const char* reason_invalid_utf8 = "the name is not valid UTF-8";

/// The first reason wins; later ones are usually its consequence.
void note(const char*& reason, const char* why) {
    if (!reason) reason = why;
}

bool is_d_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// ECMA-119 7.4.1 d-characters: A-Z 0-9 _. Lower case folds (canonical); everything else,
/// one code point at a time, becomes '_'.
std::string to_d_chars(std::string_view s, const char*& reason) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c >= 'a' && c <= 'z') {
            out += static_cast<char>(c - 'a' + 'A');
        } else if (is_d_char(c)) {
            out += c;
        } else {
            note(reason, reason_illegal);
            out += '_';
            auto u = static_cast<unsigned char>(c);
            if (u >= 0xc0) // skip the continuation bytes of one UTF-8 sequence
                while (i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xc0) == 0x80)
                    ++i;
        }
    }
    return out;
}

/// Splits a file name at its last dot into name and extension (no dot: all name).
std::pair<std::string_view, std::string_view> split_extension(std::string_view s) {
    auto dot = s.rfind('.');
    if (dot == std::string_view::npos) return {s, {}};
    return {s.substr(0, dot), s.substr(dot + 1)};
}

} // namespace

unsigned NameRules::natural_units(std::string_view source) const {
    return std::min(static_cast<unsigned>(utf8_to_utf16(source).size()),
                    units(map(source, EntryKind::Directory, 0, 0).identifier));
}

MappedName Iso9660NameRules::map(std::string_view source, EntryKind kind, unsigned max_units,
                                 unsigned variant) const {
    MappedName m;
    std::string suffix = variant ? fmt::format("_{}", variant) : "";
    if (variant) note(m.reason, reason_collision);
    if (kind == EntryKind::Directory) {
        std::string name = to_d_chars(source, m.reason);
        std::size_t limit = m_level == 1 ? 8 : 31;
        if (max_units) limit = std::min<std::size_t>(limit, max_units);
        if (name.size() + suffix.size() > limit) {
            note(m.reason, reason_truncated);
            name.resize(limit > suffix.size() ? limit - suffix.size() : 0);
        }
        name += suffix;
        m.identifier = std::move(name);
        return m;
    }
    auto [raw_name, raw_ext] = split_extension(source);
    // Dots before the last one are not allowed in a file name (ECMA-119 7.5.1).
    std::string name = to_d_chars(raw_name, m.reason);
    std::string ext = to_d_chars(raw_ext, m.reason);
    std::size_t name_limit, ext_limit;
    if (m_level == 1) {
        name_limit = 8;
        ext_limit = 3;
    } else {
        // ECMA-119 7.5.1: name + extension at most 30. Keep up to 8 of the extension when the
        // name also needs room: extensions carry the file's type.
        const std::size_t budget = max_units ? std::min<std::size_t>(30, max_units) : 30;
        ext_limit =
            std::min(ext.size(), name.empty() ? budget : std::max<std::size_t>(8, budget / 2));
        ext_limit = std::min(ext_limit, budget);
        name_limit = budget - std::min(ext.size(), ext_limit);
    }
    if (ext.size() > ext_limit) {
        note(m.reason, reason_truncated);
        ext.resize(ext_limit);
    }
    if (name.size() + suffix.size() > name_limit) {
        note(m.reason, reason_truncated);
        name.resize(name_limit > suffix.size() ? name_limit - suffix.size() : 0);
    }
    name += suffix;
    if (name.empty() && ext.empty()) name.push_back('_');
    m.identifier = std::move(name);
    m.identifier.append(".").append(ext).append(";1");
    return m;
}

void Iso9660NameRules::append_collision_key(std::string_view id, std::string& out) const {
    // Readers show "NAME.;1" as "NAME": strip the version and a trailing separator.
    auto semi = id.rfind(';');
    if (semi != std::string_view::npos) id = id.substr(0, semi);
    if (!id.empty() && id.back() == '.') id.remove_suffix(1);
    out.append(id);
}

std::u16string utf8_to_utf16(std::string_view s, bool* had_invalid) {
    std::u16string out;
    std::size_t i = 0;
    auto bad = [&] {
        if (had_invalid) *had_invalid = true;
        out += u'\xFFFD';
        ++i;
    };
    while (i < s.size()) {
        auto b0 = static_cast<unsigned char>(s[i]);
        if (b0 < 0x80) {
            out += static_cast<char16_t>(b0);
            ++i;
            continue;
        }
        // Lead bytes: C2-DF two bytes, E0-EF three, F0-F4 four; others are invalid.
        const int n = b0 >= 0xc2 && b0 <= 0xdf   ? 1
                      : b0 >= 0xe0 && b0 <= 0xef ? 2
                      : b0 >= 0xf0 && b0 <= 0xf4 ? 3
                                                 : -1;
        if (n < 0 || i + n >= s.size()) {
            bad();
            continue;
        }
        char32_t cp = b0 & (0x3f >> n);
        bool ok = true;
        for (int k = 1; k <= n; ++k) {
            auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xc0) != 0x80) {
                ok = false;
                break;
            }
            cp = (cp << 6) | (b & 0x3f);
        }
        if (!ok || (n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff)) {
            bad();
            continue;
        }
        i += n + 1;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out += static_cast<char16_t>(0xd800 + (cp >> 10));
            out += static_cast<char16_t>(0xdc00 + (cp & 0x3ff));
        } else {
            out += static_cast<char16_t>(cp);
        }
    }
    return out;
}

std::string utf16_to_utf8(std::u16string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char32_t cp = s[i];
        if (cp >= 0xd800 && cp < 0xdc00 && i + 1 < s.size() && s[i + 1] >= 0xdc00 &&
            s[i + 1] < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (s[i + 1] - 0xdc00);
            ++i;
        } else if (cp >= 0xd800 && cp < 0xe000) {
            cp = 0xfffd;
        }
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }
    return out;
}

std::string utf16be_bytes(std::u16string_view s) {
    std::string out;
    out.reserve(s.size() * 2);
    for (char16_t c : s) {
        out += static_cast<char>(c >> 8);
        out += static_cast<char>(c & 0xff);
    }
    return out;
}

std::u16string from_utf16be_bytes(std::string_view b) {
    std::u16string out;
    for (std::size_t i = 0; i + 1 < b.size(); i += 2)
        out += static_cast<char16_t>((static_cast<unsigned char>(b[i]) << 8) |
                                     static_cast<unsigned char>(b[i + 1]));
    return out;
}

namespace {

bool is_joliet_illegal(char16_t c) {
    // Joliet specification: no code points below 0x20 and none of * / : ; ? backslash.
    return c < 0x20 || c == u'*' || c == u'/' || c == u':' || c == u';' || c == u'?' || c == u'\\';
}

/// Cuts `s` to at most `n` units without splitting a surrogate pair.
void cut_utf16(std::u16string& s, std::size_t n) {
    if (s.size() <= n) return;
    if (n > 0 && s[n - 1] >= 0xd800 && s[n - 1] < 0xdc00) --n;
    s.resize(n);
}

} // namespace

MappedName JolietNameRules::map(std::string_view source, EntryKind kind, unsigned max_units,
                                unsigned variant) const {
    MappedName m;
    std::size_t limit = max_units ? std::min<std::size_t>(m_max, max_units) : m_max;
    if (!variant && source.size() <= limit && std::all_of(source.begin(), source.end(), [](char c) {
            return c >= 0x20 && c <= 0x7e && !is_joliet_illegal(static_cast<char16_t>(c));
        })) {
        // Most names: printable ASCII that fits, one UCS-2 unit per byte, nothing to map.
        m.identifier.resize(2 * source.size() + (kind == EntryKind::File ? 4 : 0));
        char* out = m.identifier.data();
        for (char c : source) {
            *out++ = 0;
            *out++ = c;
        }
        if (kind == EntryKind::File) {
            const char version[4] = {0, ';', 0, '1'};
            std::memcpy(out, version, sizeof version);
        }
        return m;
    }
    bool invalid = false;
    std::u16string name = utf8_to_utf16(source, &invalid);
    if (invalid) note(m.reason, reason_invalid_utf8);
    for (auto& c : name)
        if (is_joliet_illegal(c)) {
            note(m.reason, reason_illegal);
            c = u'_';
        }
    std::u16string suffix;
    if (variant) {
        note(m.reason, reason_collision);
        for (char c : fmt::format(" ({})", variant))
            suffix += static_cast<char16_t>(c);
    }
    std::u16string ext;
    if (kind == EntryKind::File) {
        auto dot = name.rfind(u'.');
        if (dot != std::u16string::npos && dot > 0 && name.size() - dot <= 16) {
            ext = name.substr(dot);
            name.resize(dot);
        }
    }
    if (name.size() + ext.size() + suffix.size() > limit) {
        note(m.reason, reason_truncated);
        if (ext.size() + suffix.size() + 1 > limit) ext.clear();
        cut_utf16(name, limit - ext.size() - suffix.size());
    }
    std::u16string full = name + suffix + ext;
    if (kind == EntryKind::File) full += u";1";
    m.identifier = utf16be_bytes(full);
    return m;
}

unsigned JolietNameRules::natural_units(std::string_view source) const {
    // ASCII: one unit per byte, cut at the limit (illegal characters are replaced one for one).
    if (std::all_of(source.begin(), source.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
        return static_cast<unsigned>(std::min<std::size_t>(source.size(), m_max));
    return NameRules::natural_units(source);
}

std::string JolietNameRules::display(std::string_view id) const {
    std::u16string s = from_utf16be_bytes(id);
    if (s.size() >= 2 && s[s.size() - 2] == u';') s.resize(s.size() - 2);
    return utf16_to_utf8(s);
}

void JolietNameRules::append_collision_key(std::string_view id, std::string& out) const {
    // On the UCS-2 bytes directly: drop the ";1" version, fold ASCII letters to upper case.
    id = id.substr(0, id.size() - id.size() % 2);
    if (id.size() >= 4 && id[id.size() - 4] == 0 && id[id.size() - 3] == ';') id.remove_suffix(4);
    const std::size_t start = out.size();
    out.append(id);
    for (std::size_t i = start; i + 1 < out.size(); i += 2)
        if (out[i] == 0 && out[i + 1] >= 'a' && out[i + 1] <= 'z')
            out[i + 1] = static_cast<char>(out[i + 1] - 'a' + 'A');
}

MappedName Iso9660v2NameRules::map(std::string_view source, EntryKind kind, unsigned max_units,
                                   unsigned variant) const {
    MappedName m;
    std::string name(source);
    std::string suffix = variant ? fmt::format("_{}", variant) : "";
    if (variant) note(m.reason, reason_collision);
    std::size_t limit = max_units ? std::min<std::size_t>(207, max_units) : 207;
    std::string ext;
    if (kind == EntryKind::File) {
        auto dot = name.rfind('.');
        if (dot != std::string::npos && dot > 0 && name.size() - dot <= 16) {
            ext = name.substr(dot);
            name.resize(dot);
        }
    }
    if (name.size() + ext.size() + suffix.size() > limit) {
        note(m.reason, reason_truncated);
        std::size_t n = limit - ext.size() - suffix.size();
        while (n > 0 && (static_cast<unsigned char>(name[n]) & 0xc0) == 0x80)
            --n; // do not split a UTF-8 sequence
        name.resize(n);
    }
    name.append(suffix).append(ext);
    m.identifier = std::move(name);
    return m;
}

MappedName UdfNameRules::map(std::string_view source, EntryKind kind, unsigned max_units,
                             unsigned variant) const {
    constexpr std::size_t max_bytes = 255; // UDF 2.3.4.5: L_FI is one byte
    MappedName m;
    const std::size_t limit = max_units ? std::min<std::size_t>(max_bytes, max_units) : max_bytes;
    if (!variant && source.size() < limit && std::all_of(source.begin(), source.end(), [](char c) {
            return c != 0 && c != '/' && static_cast<unsigned char>(c) < 0x80;
        })) {
        m.identifier.reserve(source.size() + 1);
        m.identifier += '\x08';
        m.identifier.append(source);
        return m;
    }
    bool invalid = false;
    std::u16string name = utf8_to_utf16(source, &invalid);
    if (invalid) note(m.reason, reason_invalid_utf8);
    for (auto& c : name)
        if (c == 0 || c == u'/') {
            note(m.reason, reason_illegal);
            c = u'_';
        }
    std::u16string suffix;
    if (variant) {
        note(m.reason, reason_collision);
        for (char c : fmt::format(" ({})", variant))
            suffix += static_cast<char16_t>(c);
    }
    std::u16string ext;
    if (kind == EntryKind::File) {
        auto dot = name.rfind(u'.');
        if (dot != std::u16string::npos && dot > 0 && name.size() - dot <= 16) {
            ext = name.substr(dot);
            name.resize(dot);
        }
    }
    auto bytes = [](std::u16string_view a, std::u16string_view b, std::u16string_view c) {
        const bool narrow = std::all_of(a.begin(), a.end(), [](char16_t u) { return u < 256; }) &&
                            std::all_of(b.begin(), b.end(), [](char16_t u) { return u < 256; }) &&
                            std::all_of(c.begin(), c.end(), [](char16_t u) { return u < 256; });
        return 1 + (a.size() + b.size() + c.size()) * (narrow ? 1 : 2);
    };
    if (bytes(name, suffix, ext) > limit) {
        note(m.reason, reason_truncated);
        if (bytes({}, suffix, ext) + 2 > limit) ext.clear();
        while (!name.empty() && bytes(name, suffix, ext) > limit)
            cut_utf16(name, name.size() - 1);
    }
    const std::u16string full = name + suffix + ext;
    // CS0 itself: compression ID 8 when every unit is below 256, else 16 (big-endian units).
    const bool narrow = std::all_of(full.begin(), full.end(), [](char16_t u) { return u < 256; });
    m.identifier += static_cast<char>(narrow ? 8 : 16);
    for (char16_t c : full) {
        if (!narrow) m.identifier += static_cast<char>(c >> 8);
        m.identifier += static_cast<char>(c & 0xff);
    }
    return m;
}

std::string UdfNameRules::display(std::string_view id) const {
    if (id.empty()) return {};
    std::u16string s;
    if (id[0] == 16) {
        s = from_utf16be_bytes(id.substr(1));
    } else {
        for (char c : id.substr(1))
            s += static_cast<char16_t>(static_cast<unsigned char>(c));
    }
    return utf16_to_utf8(s);
}

SortParts ecma119_parts(std::string_view s, bool utf16) {
    const std::size_t unit = utf16 ? 2 : 1;
    auto is = [&](std::size_t i, char c) {
        return utf16 ? (s[i] == 0 && s[i + 1] == c) : s[i] == c;
    };
    SortParts p;
    const std::size_t end = s.size() - s.size() % unit;
    std::size_t semi = end;
    for (std::size_t i = 0; i + unit <= end; i += unit)
        if (is(i, ';')) {
            semi = i;
            break;
        }
    if (semi != end) p.version = s.substr(semi + unit);
    std::size_t dot = semi;
    for (std::size_t i = semi; i >= unit;) {
        i -= unit;
        if (is(i, '.')) {
            dot = i;
            break;
        }
    }
    if (dot != semi) {
        p.name = s.substr(0, dot);
        p.ext = s.substr(dot + unit, semi - dot - unit);
    } else {
        p.name = s.substr(0, semi);
    }
    return p;
}

namespace {

/// Compares two fields as if the shorter were filled with (20) (UCS-2: 00 20).
int compare_padded(std::string_view x, std::string_view y, bool utf16) {
    const std::size_t common = std::min(x.size(), y.size());
    if (common)
        if (int c = std::memcmp(x.data(), y.data(), common)) return c < 0 ? -1 : 1;
    if (x.size() == y.size()) return 0;
    const bool x_longer = x.size() > y.size();
    std::string_view rest = x_longer ? x.substr(common) : y.substr(common);
    for (std::size_t i = 0; i < rest.size(); ++i) {
        const auto pad = static_cast<unsigned char>(utf16 && (common + i) % 2 == 0 ? 0x00 : 0x20);
        const auto c = static_cast<unsigned char>(rest[i]);
        if (c != pad) return (c > pad) == x_longer ? 1 : -1;
    }
    return 0;
}

} // namespace

bool ecma119_less(const SortParts& a, const SortParts& b, bool utf16) {
    if (int c = compare_padded(a.name, b.name, utf16)) return c < 0;
    if (int c = compare_padded(a.ext, b.ext, utf16)) return c < 0;
    // Versions descend by value (ECMA-119 9.3 d): ";10" comes before ";9".
    auto value = [&](std::string_view v) {
        u64 n = 0;
        for (std::size_t i = utf16 ? 1 : 0; i < v.size(); i += utf16 ? 2 : 1)
            if (v[i] >= '0' && v[i] <= '9') n = n * 10 + static_cast<u64>(v[i] - '0');
        return n;
    };
    if (a.version != b.version) {
        const u64 va = value(a.version), vb = value(b.version);
        if (va != vb) return va > vb;
        if (int c = compare_padded(a.version, b.version, utf16)) return c > 0;
    }
    return false;
}

} // namespace discwright::fs
