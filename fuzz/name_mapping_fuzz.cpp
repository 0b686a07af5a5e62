// Fuzz target: host file names are untrusted bytes. Every namespace's naming pipeline must
// accept any bytes, never crash, and keep its promises: identifiers within the namespace's
// limits, legal characters only, and no two names of one folder that readers would confuse.

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "discwright/error.h"
#include "fs/names/directory_names.h"
#include "fs/names/name_rules.h"

using namespace discwright;
using namespace discwright::fs;

namespace {

void check(const NameRules& rules, const std::vector<std::string>& names, bool utf16,
           std::size_t max_bytes) {
    std::vector<NameRequest> requests;
    for (std::size_t i = 0; i < names.size(); ++i)
        requests.push_back(
            {static_cast<u32>(i), names[i], i % 3 == 0 ? EntryKind::Directory : EntryKind::File});
    std::vector<NamedEntry> named;
    try {
        named = name_directory(rules, requests, {}, utf16);
    } catch (const Error&) {
        return; // NoUniqueName is a legitimate answer
    }
    if (named.size() != names.size()) __builtin_trap();
    std::set<std::string> keys;
    for (std::size_t i = 0; i < named.size(); ++i) {
        const auto& e = named[i];
        if (e.identifier.empty() || e.identifier.size() > max_bytes) __builtin_trap();
        if (!keys.insert(rules.collision_key(e.identifier)).second) __builtin_trap();
        if (i > 0 && ecma119_less(e.identifier, named[i - 1].identifier, utf16)) __builtin_trap();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::string> names;
    std::string current;
    for (std::size_t i = 0; i < size; ++i) {
        char c = static_cast<char>(data[i]);
        if (c == '/') {
            if (!current.empty() && current != "." && current != "..") names.push_back(current);
            current.clear();
        } else if (c != '\0') {
            current += c;
        }
    }
    if (!current.empty() && current != "." && current != "..") names.push_back(current);
    std::set<std::string> unique(names.begin(), names.end()); // a folder holds each name once
    names.assign(unique.begin(), unique.end());
    if (names.size() > 200) names.resize(200);

    for (int level = 1; level <= 3; ++level)
        check(Iso9660NameRules(level), names, false, 37);
    check(JolietNameRules(64), names, true, 2 * (64 + 2));
    check(JolietNameRules(103), names, true, 2 * (103 + 2));
    check(Iso9660v2NameRules(), names, false, 207);

    for (const auto& n : names) { // a valid UTF-8 name survives the UTF-16 round trip
        bool invalid = false;
        auto u16 = utf8_to_utf16(n, &invalid);
        if (!invalid && utf16_to_utf8(u16) != n) __builtin_trap();
    }
    return 0;
}
