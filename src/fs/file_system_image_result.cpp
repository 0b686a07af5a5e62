#include "discwright/file_system_image_result.h"

#include <algorithm>

#include "fs/layout/image_plan.h"
#include "fs/layout/segment_stream.h"

namespace discwright {

namespace {

ProgressItem progress_item(const fs::ImagePlan& plan, fs::ItemId id) {
    const auto& r = plan.tree().at(id);
    const u32 first = plan.placement().lba(id);
    const u64 blocks = BlockCount::for_bytes(r.size).value;
    return {plan.tree().path(id), Lba{first}, Lba{first + blocks - 1}};
}

} // namespace

std::size_t ProgressItems::count() const {
    return m_plan->placement().order().size();
}

ProgressItem ProgressItems::item(std::size_t index) const {
    const auto& order = m_plan->placement().order();
    if (index >= order.size())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("progress item {} does not exist ({} items)", index, order.size()));
    return progress_item(*m_plan, order[index]);
}

std::optional<ProgressItem> ProgressItems::from_block(Lba block) const {
    const auto& order = m_plan->placement().order();
    const auto& placement = m_plan->placement();
    auto it = std::upper_bound(order.begin(), order.end(), block.value,
                               [&](u64 b, fs::ItemId id) { return b < placement.lba(id); });
    if (it == order.begin()) return std::nullopt;
    ProgressItem p = progress_item(*m_plan, *(it - 1));
    if (block > p.last_block) return std::nullopt;
    return p;
}

std::optional<ProgressItem> ProgressItems::from_description(std::string_view path) const {
    const auto& tree = m_plan->tree();
    fs::ItemId id = tree.resolve(fs::root_item, path);
    if (id == fs::no_item || tree.at(id).kind != fs::ItemKind::File || tree.at(id).size == 0)
        return std::nullopt;
    // A hard link's data is placed under its first name; report that item.
    ProgressItem p = progress_item(*m_plan, id);
    p.description = std::string(path);
    return p;
}

FileSystemImageResult::FileSystemImageResult(std::shared_ptr<const fs::ImagePlan> plan)
    : m_plan(std::move(plan)), m_stream(std::make_shared<fs::SegmentStream>(m_plan)) {}

BlockCount FileSystemImageResult::total_blocks() const {
    return {m_plan->total_blocks()};
}
std::string FileSystemImageResult::disc_id() const {
    return m_plan->volume_id();
}
Lba FileSystemImageResult::start_block() const {
    return {m_plan->start_block()};
}

} // namespace discwright
