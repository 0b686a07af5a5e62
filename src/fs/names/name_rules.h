#pragma once
// Per-namespace name rules (STYLE.md section 4): each namespace makes a name legal, truncates
// it, and gives a deterministic variant for collisions. The shared pipeline that applies them
// to one directory is in directory_names.h.

#include <string>
#include <string_view>

#include "discwright/types.h"

namespace discwright::fs {

enum class EntryKind : u8 { File, Directory };

/// One rendition of a name in a namespace.
struct MappedName {
    std::string identifier;       // the bytes recorded on disc, e.g. "README.TXT;1" or UCS-2 BE
    const char* reason = nullptr; // why it differs beyond the namespace's canonical form, or null
};

class NameRules {
public:
    virtual ~NameRules() = default;
    /// The name for `source`, within `max_units` of the namespace's unit (0: the namespace's
    /// own limit), with collision variant `variant` (0: none).
    [[nodiscard]] virtual MappedName map(std::string_view source, EntryKind kind,
                                         unsigned max_units, unsigned variant) const = 0;
    /// Two identifiers that readers would show as one name have the same key.
    [[nodiscard]] std::string collision_key(std::string_view identifier) const {
        std::string key;
        append_collision_key(identifier, key);
        return key;
    }
    /// Appends the collision key of `identifier` to `out` (no allocation per name).
    virtual void append_collision_key(std::string_view identifier, std::string& out) const = 0;
    /// Length of an identifier in the namespace's path-length unit (bytes, or UTF-16 units).
    [[nodiscard]] virtual unsigned units(std::string_view identifier) const = 0;
    /// What `source` costs in a path, in the namespace's units, before any shortening for
    /// the path's sake: its length as a folder name (at most its UTF-16 length).
    [[nodiscard]] virtual unsigned natural_units(std::string_view source) const;
    /// The identifier in UTF-8, for messages and FileSystemName.
    [[nodiscard]] virtual std::string display(std::string_view identifier) const {
        return std::string(identifier);
    }
};

/// ECMA-119 7.5/7.6 with the interchange level's limits (level 1: 8.3; 2 and 3: 30 characters
/// for files, 31 for directories), d-characters only. Lower case is folded to upper case and
/// the ".;1" of a file is added: that is the canonical form, not a mapping.
class Iso9660NameRules final : public NameRules {
public:
    explicit Iso9660NameRules(int level) : m_level(level) {}
    MappedName map(std::string_view source, EntryKind kind, unsigned max_units,
                   unsigned variant) const override;
    void append_collision_key(std::string_view identifier, std::string& out) const override;
    unsigned units(std::string_view identifier) const override {
        return static_cast<unsigned>(identifier.size());
    }

private:
    int m_level;
};

/// Joliet: UCS-2/UTF-16 big-endian, at most 64 units (103 with long names) plus ";1" for
/// files; no control characters and none of * / : ; ? \. Collisions are found without regard
/// to case, as Windows, Joliet's reader, looks names up.
class JolietNameRules final : public NameRules {
public:
    explicit JolietNameRules(unsigned max_units) : m_max(max_units) {}
    MappedName map(std::string_view source, EntryKind kind, unsigned max_units,
                   unsigned variant) const override;
    void append_collision_key(std::string_view identifier, std::string& out) const override;
    unsigned units(std::string_view identifier) const override {
        return static_cast<unsigned>(identifier.size() / 2);
    }

    unsigned natural_units(std::string_view source) const override;
    std::string display(std::string_view identifier) const override;

private:
    unsigned m_max;
};

/// ISO 9660:1999 (ISO/IEC 9660:1999 7.5): names as given, at most 207 bytes, no version.
class Iso9660v2NameRules final : public NameRules {
public:
    MappedName map(std::string_view source, EntryKind kind, unsigned max_units,
                   unsigned variant) const override;
    void append_collision_key(std::string_view identifier, std::string& out) const override {
        out.append(identifier);
    }
    unsigned units(std::string_view identifier) const override {
        return static_cast<unsigned>(identifier.size());
    }
};

/// UDF (UDF 2.1.1, 2.3.4.5): any Unicode but NUL and '/', recorded in OSTA CS0 (one byte per
/// character when every one is below U+0100, else UTF-16), at most 255 bytes with the
/// compression ID. Names are case-sensitive, as ECMA-167 4/8.6 compares them byte by byte.
class UdfNameRules final : public NameRules {
public:
    MappedName map(std::string_view source, EntryKind kind, unsigned max_units,
                   unsigned variant) const override;
    void append_collision_key(std::string_view identifier, std::string& out) const override {
        out.append(identifier); // one text has one CS0 encoding
    }
    unsigned units(std::string_view identifier) const override {
        return static_cast<unsigned>(identifier.size());
    }
    std::string display(std::string_view identifier) const override;
};

/// UTF-8 <-> UTF-16 helpers. Invalid UTF-8 bytes decode to U+FFFD.
std::u16string utf8_to_utf16(std::string_view s, bool* had_invalid = nullptr);
std::string utf16_to_utf8(std::u16string_view s);
std::string utf16be_bytes(std::u16string_view s);
std::u16string from_utf16be_bytes(std::string_view b);

/// An identifier split for ECMA-119 9.3 ordering.
struct SortParts {
    std::string_view name, ext, version;
};
SortParts ecma119_parts(std::string_view identifier, bool utf16);
/// ECMA-119 9.3: the order of directory records: by name, then extension, each padded with
/// (20), then by version, descending. Joliet and 9660:1999 use the same rule on their bytes.
bool ecma119_less(const SortParts& a, const SortParts& b, bool utf16);
inline bool ecma119_less(std::string_view a, std::string_view b, bool utf16) {
    return ecma119_less(ecma119_parts(a, utf16), ecma119_parts(b, utf16), utf16);
}

} // namespace discwright::fs
