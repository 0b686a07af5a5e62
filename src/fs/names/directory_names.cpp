#include "fs/names/directory_names.h"

#include <algorithm>
#include <numeric>
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
        out.push_back({r.id, r.kind, std::move(m.identifier), std::move(m.display), m.reason});
    }
    // Canonical names first, then mapped ones; each group by source bytes.
    std::vector<std::size_t> order(out.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        bool ma = out[a].reason != nullptr, mb = out[b].reason != nullptr;
        if (ma != mb) return !ma;
        return requests[a].source < requests[b].source;
    });
    std::unordered_set<std::string> keys(taken.begin(), taken.end());
    for (std::size_t i : order) {
        auto& e = out[i];
        if (keys.insert(rules.collision_key(e.identifier)).second) continue;
        for (unsigned variant = 1;; ++variant) {
            if (variant > 999'999)
                throw Error(ErrorCode::NoUniqueName,
                            fmt::format("no unique name for '{}': a million names collide",
                                        requests[i].source));
            MappedName m =
                rules.map(requests[i].source, requests[i].kind, requests[i].max_units, variant);
            if (keys.insert(rules.collision_key(m.identifier)).second) {
                e.identifier = std::move(m.identifier);
                e.display = std::move(m.display);
                e.reason = m.reason;
                break;
            }
        }
    }
    std::sort(out.begin(), out.end(), [&](const NamedEntry& a, const NamedEntry& b) {
        return ecma119_less(a.identifier, b.identifier, utf16_order);
    });
    return out;
}

} // namespace discwright::fs
