#pragma once
// The naming pipeline for one directory of one namespace: map every child's name with the
// namespace's rules, then resolve collisions deterministically. Names that needed no mapping
// keep their name; the others take numeric variants in the order of their source bytes, so the
// same folder always gets the same names, whatever order the items were added in.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fs/names/name_rules.h"

namespace discwright::fs {

struct NameRequest {
    u32 id;
    std::string_view source;
    EntryKind kind;
    unsigned max_units = 0; // 0: the namespace's own limit
};

struct NamedEntry {
    u32 id;
    EntryKind kind;
    std::string identifier;
    const char* reason; // null when the name is canonical
};

/// Names `requests` (one directory's children). `taken` are collision keys already in use
/// (e.g. a relocation folder). Throws NoUniqueName when a name has no free variant. The result
/// is sorted in ECMA-119 9.3 order.
std::vector<NamedEntry> name_directory(const NameRules& rules,
                                       std::span<const NameRequest> requests,
                                       std::span<const std::string> taken, bool utf16_order);

} // namespace discwright::fs
