#include "fs/import/validation_names.h"

#include <algorithm>

#include <fmt/format.h>

#include "fs/names/name_rules.h"

namespace discwright::fs::import {

namespace {

// ECMA-119 7.5.1 and 7.6.3 for levels 2 and 3: file name and extension together at most 30
// characters, a directory identifier at most 31. Level 1 (8.3, 8) is a subset, so the level a
// tree was made for is not recorded and need not be guessed.
constexpr std::size_t max_file_chars = 30;
constexpr std::size_t max_directory_chars = 31;
constexpr std::size_t max_version = 32767;     // ECMA-119 7.5.2
constexpr std::size_t joliet_max_units = 64;   // Joliet specification
constexpr std::size_t iso1999_max_bytes = 207; // ISO 9660:1999 7.5

bool all_d_characters(std::string_view s) {
    return std::all_of(s.begin(), s.end(), is_d_character);
}

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f)
            out += fmt::format("\\x{:02x}", u);
        else
            out += c;
    }
    return out;
}

void check_iso(std::string_view id, bool directory, const std::string& path, u64 lba,
               ProblemLog& log) {
    if (directory) {
        if (!all_d_characters(id))
            log.add(Check::IsoNameChars, lba, path,
                    fmt::format("'{}': folder identifier '{}' has characters outside A-Z 0-9 _ "
                                "(ECMA-119 7.6.1)",
                                path, printable(id)));
        if (id.size() > max_directory_chars)
            log.add(Check::IsoNameLength, lba, path,
                    fmt::format("'{}': folder identifier of {} characters, more than the {} "
                                "ECMA-119 7.6.3 allows",
                                path, id.size(), max_directory_chars));
        return;
    }
    // ECMA-119 7.5.1: NAME SEPARATOR1 EXTENSION SEPARATOR2 VERSION.
    const auto semi = id.find(';');
    const std::string_view stem = id.substr(0, semi);
    if (semi == std::string_view::npos) {
        log.add(Check::IsoNameVersion, lba, path,
                fmt::format("'{}': file identifier '{}' has no ';' and version number "
                            "(ECMA-119 7.5.1)",
                            path, printable(id)));
    } else {
        const std::string_view version = id.substr(semi + 1);
        std::size_t value = 0;
        const bool digits = !version.empty() && version.size() <= 5 &&
                            std::all_of(version.begin(), version.end(),
                                        [](char c) { return c >= '0' && c <= '9'; });
        if (digits)
            for (char c : version)
                value = value * 10 + static_cast<std::size_t>(c - '0');
        if (!digits || value < 1 || value > max_version)
            log.add(Check::IsoNameVersion, lba, path,
                    fmt::format("'{}': file identifier '{}' has version '{}', not a number from "
                                "1 to {} (ECMA-119 7.5.2)",
                                path, printable(id), printable(version), max_version));
    }
    const auto dots = std::count(stem.begin(), stem.end(), '.');
    const auto dot = stem.find('.');
    const std::string_view name = stem.substr(0, dot);
    const std::string_view ext = dot == std::string_view::npos ? "" : stem.substr(dot + 1);
    if (dots != 1 || (name.empty() && ext.empty()))
        log.add(Check::IsoNameForm, lba, path,
                fmt::format("'{}': file identifier '{}' {} (ECMA-119 7.5.1 asks for "
                            "NAME.EXTENSION;VERSION)",
                            path, printable(id),
                            dots == 0  ? "has no '.' separator"
                            : dots > 1 ? "has more than one '.'"
                                       : "has neither name nor extension"));
    const bool legal = dots == 1 ? all_d_characters(name) && all_d_characters(ext)
                                 : std::all_of(stem.begin(), stem.end(), [](char c) {
                                       return is_d_character(c) || c == '.';
                                   });
    if (!legal)
        log.add(Check::IsoNameChars, lba, path,
                fmt::format("'{}': file identifier '{}' has characters outside A-Z 0-9 _ "
                            "(ECMA-119 7.5.1)",
                            path, printable(id)));
    const std::size_t chars = dots == 1 ? name.size() + ext.size() : stem.size();
    if (chars > max_file_chars)
        log.add(Check::IsoNameLength, lba, path,
                fmt::format("'{}': file name and extension of {} characters, more than the {} "
                            "ECMA-119 7.5.1 allows",
                            path, chars, max_file_chars));
}

bool joliet_forbidden(char16_t c) {
    return c < 0x20 || c == u'*' || c == u'/' || c == u':' || c == u';' || c == u'?' || c == u'\\';
}

void check_joliet(std::string_view id, bool directory, const std::string& path, u64 lba,
                  ProblemLog& log) {
    if (id.size() % 2) {
        log.add(Check::JolietNameUtf16, lba, path,
                fmt::format("'{}': Joliet identifier of {} bytes, an odd number for UCS-2", path,
                            id.size()));
        return;
    }
    std::u16string units = from_utf16be_bytes(id);
    for (std::size_t i = 0; i < units.size(); ++i) {
        const char16_t c = units[i];
        const bool high = c >= 0xd800 && c < 0xdc00, low = c >= 0xdc00 && c < 0xe000;
        if (high && i + 1 < units.size() && units[i + 1] >= 0xdc00 && units[i + 1] < 0xe000) {
            ++i;
            continue;
        }
        if (high || low) {
            log.add(Check::JolietNameUtf16, lba, path,
                    fmt::format("'{}': Joliet identifier has an unpaired surrogate U+{:04X} at "
                                "unit {}",
                                path, static_cast<unsigned>(c), i));
            return;
        }
    }
    // A file's ";1" is its version, not part of the name.
    if (!directory) {
        if (auto semi = units.rfind(u';'); semi != std::u16string::npos) {
            const bool digits =
                semi + 1 < units.size() &&
                std::all_of(units.begin() + static_cast<long>(semi) + 1, units.end(),
                            [](char16_t c) { return c >= u'0' && c <= u'9'; });
            if (digits) units.resize(semi);
        }
    }
    if (std::any_of(units.begin(), units.end(), joliet_forbidden))
        log.add(Check::JolietNameChars, lba, path,
                fmt::format("'{}': Joliet identifier has a control character or one of * / : ; "
                            "? \\",
                            path));
    if (units.size() > joliet_max_units)
        log.add(Check::JolietNameLength, lba, path,
                fmt::format("'{}': Joliet name of {} units, more than the specification's {} "
                            "(readers that accept -joliet-long names read it)",
                            path, units.size(), joliet_max_units));
}

} // namespace

bool is_d_character(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

bool is_a_character(char c) {
    if (is_d_character(c)) return true;
    switch (c) {
    case ' ':
    case '!':
    case '"':
    case '%':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case '-':
    case '.':
    case '/':
    case ':':
    case ';':
    case '<':
    case '=':
    case '>':
    case '?':
        return true;
    default:
        return false;
    }
}

std::string display_identifier(FsType ns, std::string_view id) {
    if (ns == FsType::Joliet) return utf16_to_utf8(from_utf16be_bytes(id));
    return printable(id);
}

std::string_view shown_identifier(FsType ns, std::string_view id, bool directory) {
    if (directory) return id;
    const std::size_t unit = ns == FsType::Joliet ? 2 : 1;
    const auto is = [&](std::size_t i, char c) {
        return unit == 2 ? id[i] == 0 && id[i + 1] == c : id[i] == c;
    };
    const std::size_t end = id.size() - id.size() % unit;
    for (std::size_t i = 0; i + unit <= end; i += unit)
        if (is(i, ';')) {
            id = id.substr(0, i);
            break;
        }
    if (ns != FsType::Joliet && id.size() > 1 && id.back() == '.') id.remove_suffix(1);
    return id;
}

void check_identifier(FsType ns, std::string_view id, bool directory, const std::string& path,
                      u64 lba, ProblemLog& log) {
    switch (ns) {
    case FsType::Joliet:
        check_joliet(id, directory, path, lba, log);
        break;
    case FsType::Iso9660_1999:
        if (id.size() > iso1999_max_bytes)
            log.add(Check::Iso1999NameLength, lba, path,
                    fmt::format("'{}': identifier of {} bytes, more than the {} ISO 9660:1999 "
                                "7.5 allows",
                                path, id.size(), iso1999_max_bytes));
        break;
    default:
        check_iso(id, directory, path, lba, log);
        break;
    }
}

} // namespace discwright::fs::import
