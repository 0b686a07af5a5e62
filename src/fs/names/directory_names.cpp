#include "fs/names/directory_names.h"

#include <algorithm>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

#include "discwright/error.h"

namespace discwright::fs {

std::vector<NamedEntry> name_directory(const NameRules& rules,
                                       std::span<const NameRequest> requests,
                                       std::span<const std::string> taken, bool utf16_order) {
    std::vector<NamedEntry> out;
    out.reserve(requests.size());
    for (const auto& r : requests) {
        MappedName m = rules.map(r.source, r.kind, r.max_units, 0);
        out.push_back({r.id, r.kind, std::move(m.identifier), m.reason});
    }

    // Most folders have no collision: find out cheaply before resolving anything. The keys
    // live in one buffer, so a folder costs a few allocations, not one per name.
    std::string key_bytes;
    std::vector<std::size_t> key_ends;
    key_ends.reserve(out.size());
    for (const auto& e : out) {
        rules.append_collision_key(e.identifier, key_bytes);
        key_ends.push_back(key_bytes.size());
    }
    auto key = [&](std::size_t i) {
        const std::size_t begin = i ? key_ends[i - 1] : 0;
        return std::string_view(key_bytes).substr(begin, key_ends[i] - begin);
    };
    std::vector<std::string_view> sorted_keys;
    sorted_keys.reserve(out.size() + taken.size());
    for (std::size_t i = 0; i < out.size(); ++i)
        sorted_keys.push_back(key(i));
    sorted_keys.insert(sorted_keys.end(), taken.begin(), taken.end());
    std::sort(sorted_keys.begin(), sorted_keys.end());
    const bool collisions =
        std::adjacent_find(sorted_keys.begin(), sorted_keys.end()) != sorted_keys.end();

    if (collisions) {
        // Names that need no change claim theirs first, then mapped names claim theirs, each
        // group in source-byte order; whatever is left takes the first free variant. So a
        // variant never takes a name another item has on its own ("a_1.txt" keeps A_1.TXT).
        std::vector<std::size_t> order(out.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            bool ma = out[a].reason != nullptr, mb = out[b].reason != nullptr;
            if (ma != mb) return !ma;
            return requests[a].source < requests[b].source;
        });
        std::unordered_set<std::string> used(taken.begin(), taken.end());
        std::vector<std::size_t> pending;
        for (std::size_t i : order)
            if (!used.emplace(key(i)).second) pending.push_back(i);
        // Where the search for a free variant of a name resumes: without it, n names that
        // truncate to the same one would cost n^2 / 2 mappings.
        std::unordered_map<std::string, unsigned> next_variant;
        for (std::size_t i : pending) {
            auto& e = out[i];
            unsigned& resume = next_variant[std::string(key(i))];
            for (unsigned variant = resume + 1;; ++variant) {
                if (variant > 999'999)
                    throw Error(ErrorCode::NoUniqueName,
                                fmt::format("no unique name for '{}': a million names collide",
                                            requests[i].source));
                MappedName m =
                    rules.map(requests[i].source, requests[i].kind, requests[i].max_units, variant);
                if (used.insert(rules.collision_key(m.identifier)).second) {
                    resume = variant;
                    e.identifier = std::move(m.identifier);
                    e.reason = m.reason;
                    break;
                }
            }
        }
    }

    std::vector<std::pair<SortParts, std::size_t>> parts;
    parts.reserve(out.size());
    for (std::size_t i = 0; i < out.size(); ++i)
        parts.emplace_back(ecma119_parts(out[i].identifier, utf16_order), i);
    std::sort(parts.begin(), parts.end(), [&](const auto& a, const auto& b) {
        return ecma119_less(a.first, b.first, utf16_order);
    });
    std::vector<NamedEntry> sorted;
    sorted.reserve(out.size());
    for (const auto& p : parts)
        sorted.push_back(std::move(out[p.second]));
    return sorted;
}

} // namespace discwright::fs
