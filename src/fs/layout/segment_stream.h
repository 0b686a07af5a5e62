#pragma once
// The result image as a Stream: finds the segment of each read and renders metadata, reads
// file data or gives zeros for just that part. No producer thread and no ring buffer.

#include <memory>
#include <mutex>
#include <vector>

#include "discwright/stream.h"
#include "fs/layout/image_plan.h"

namespace discwright::fs {

class SegmentStream final : public Stream {
public:
    explicit SegmentStream(std::shared_ptr<const ImagePlan> plan) : m_plan(std::move(plan)) {}
    u64 size() const override { return m_plan->total_blocks() * block_size; }
    std::size_t read_at(u64 offset, std::span<std::byte> buffer) const override;
    std::string description() const override { return "image " + m_plan->volume_id(); }

private:
    void read_segment(const Segment& s, u64 offset_in_segment, std::span<std::byte> out) const;
    std::shared_ptr<const ImagePlan> m_plan;
    mutable std::mutex m_mutex; // guards the caches below
    mutable const Segment* m_rendered_segment = nullptr;
    mutable std::vector<std::byte> m_rendered;
    mutable ItemId m_open_item = no_item;
    mutable StreamPtr m_open_data;
};

/// Index of the segment holding absolute block `block` (segments are sorted and contiguous).
std::size_t find_segment(const std::vector<Segment>& segments, u64 block);

} // namespace discwright::fs
