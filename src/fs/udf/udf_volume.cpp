#include "fs/udf/udf_volume.h"

#include <cstring>

#include "core/byte_io.h"

namespace discwright::fs::udf {

namespace {

constexpr u64 main_sequence_block = 32;
constexpr u64 reserve_sequence_block = 48;
constexpr u64 sequence_blocks = 16; // ECMA-167 3/8.4.2: at least 16 sectors each
constexpr u64 integrity_block = 64;

/// FNV-1a, for the part of the volume set identifier that comes from the volume's name.
u32 fnv1a(std::string_view s) {
    u32 h = 2166136261u;
    for (char c : s)
        h = (h ^ static_cast<u8>(c)) * 16777619u;
    return h;
}

template <class T>
void put_sealed(std::span<std::byte> block, T value, TagId id, u16 version, u32 location,
                std::size_t length = sizeof(T)) {
    core::ByteWriter(block.first(sizeof(T))).put(value);
    seal_tag(block.first(length), id, version, location);
}

} // namespace

UdfVolume::UdfVolume(VolumeConfig config)
    : m_config(std::move(config)),
      m_tree(TreeConfig{m_config.revision, m_config.embed_file_data, m_config.revision >= 0x0250,
                        m_config.requested}) {}

std::u16string UdfVolume::volume_identifier(std::string_view name) {
    // The PVD's dstring of 32 bytes holds 30 characters below U+0100, else 15.
    std::u16string s = utf8_to_utf16(name);
    const bool narrow = std::all_of(s.begin(), s.end(), [](char16_t c) { return c < 256; });
    const std::size_t fits = narrow ? 30 : 15;
    if (s.size() > fits) s.resize(s[fits - 1] >= 0xd800 && s[fits - 1] < 0xdc00 ? fits - 1 : fits);
    return s;
}

void UdfVolume::reserve_head(LayoutBuilder& layout) {
    m_recognition_start = layout.next_block();
    if (m_recognition_start + 3 > main_sequence_block)
        throw Error(ErrorCode::Internal, "UDF recognition sequence does not fit before block 32");
    layout.reserve_metadata(*this, recognition, 3);
    layout.reserve_zero(main_sequence_block - layout.next_block());
    layout.reserve_metadata(*this, main_sequence, sequence_blocks);
    layout.reserve_metadata(*this, reserve_sequence, sequence_blocks);
    layout.reserve_metadata(*this, integrity, 2);
    layout.reserve_zero(anchor_sector - layout.next_block());
    layout.reserve_metadata(*this, first_anchor, 1);
    m_partition_start = layout.next_block();
}

void UdfVolume::reserve_partition_start(LayoutBuilder& layout) {
    if (!metadata_partition()) {
        m_metadata_start = m_tree.reserve_file_set(layout);
        return;
    }
    m_mirror_fe = layout.next_block();
    layout.reserve_metadata(*this, metadata_mirror, 1);
    if (m_config.redundant_metadata) m_mirror_start = reserve_metadata_extent(layout);
}

u64 UdfVolume::reserve_metadata_extent(LayoutBuilder& layout) {
    const u64 aligned = (layout.next_block() + metadata_allocation_unit - 1) /
                        metadata_allocation_unit * metadata_allocation_unit;
    layout.reserve_zero(aligned - layout.next_block());
    // A copy holds the same bytes: addresses inside are relative to the metadata partition.
    const u64 start = m_tree.reserve_file_set(layout);
    m_tree.reserve_icbs(layout);
    m_metadata_blocks = (2 + m_tree.blocks() + metadata_allocation_unit - 1) /
                        metadata_allocation_unit * metadata_allocation_unit;
    layout.reserve_zero(m_metadata_blocks - 2 - m_tree.blocks());
    return start;
}

void UdfVolume::reserve_file_set(LayoutBuilder& layout) {
    if (!metadata_partition()) {
        m_icb_start = m_tree.reserve_icbs(layout);
        return;
    }
    m_metadata_fe = layout.next_block();
    layout.reserve_metadata(*this, metadata_file, 1);
    m_metadata_start = reserve_metadata_extent(layout);
    if (!m_config.redundant_metadata) m_mirror_start = m_metadata_start;
}

void UdfVolume::reserve_tail(LayoutBuilder& layout, const FilePlacement* placement) {
    Addresses a;
    a.icb_partition = 0;
    a.file_set = static_cast<u32>(m_metadata_start - m_partition_start);
    a.icb_base = static_cast<u32>(m_icb_start - m_partition_start);
    a.physical_start = m_partition_start;
    a.recorded = m_config.recorded;
    a.volume_name = volume_identifier(m_config.volume_name);
    if (metadata_partition()) {
        a.icb_partition = 1; // the metadata partition's map
        a.file_set = 0;
        a.icb_base = 2;
    }
    m_tree.set_addresses(std::move(a), placement);
    m_last_anchor = layout.next_block();
    layout.reserve_metadata(*this, last_anchor, 1);
}

void UdfVolume::render(u32 extent, std::span<std::byte> out) const {
    std::memset(out.data(), 0, out.size());
    switch (extent) {
    case recognition: { // ECMA-167 2/9.1, 3/9.1
        const char* ids[] = {"BEA01", m_config.revision >= 0x0200 ? "NSR03" : "NSR02", "TEA01"};
        for (int i = 0; i < 3; ++i) {
            VolumeStructureDescriptor d{};
            std::memcpy(d.standard_identifier.data(), ids[i], 5);
            d.structure_version = 1;
            core::ByteWriter(out.subspan(i * block_size, block_size)).put(d);
        }
        return;
    }
    case main_sequence:
        render_sequence(main_sequence_block, out);
        return;
    case reserve_sequence:
        render_sequence(reserve_sequence_block, out);
        return;
    case integrity: { // ECMA-167 3/10.10, UDF 2.2.6
        const u32 partitions = metadata_partition() ? 2 : 1;
        LogicalVolumeIntegrityDescriptor d{};
        d.recording_date_and_time = timestamp(m_config.recorded);
        d.integrity_type = 1; // closed
        d.next_unique_id = m_tree.next_unique_id();
        d.number_of_partitions = partitions;
        d.length_of_implementation_use = sizeof(IntegrityImplementationUse);
        core::ByteWriter w(out.first(block_size));
        w.put(d);
        for (u32 i = 0; i < partitions; ++i)
            w.put(Le32(0)); // free space: none on a read-only volume
        w.put(Le32(static_cast<u32>(m_last_anchor - m_partition_start)));
        if (metadata_partition()) w.put(Le32(m_metadata_blocks));
        IntegrityImplementationUse iu{};
        iu.implementation_id = implementation_identifier();
        iu.number_of_files = m_tree.file_count();
        iu.number_of_directories = m_tree.directory_count();
        iu.minimum_udf_read_revision = m_config.revision;
        iu.minimum_udf_write_revision = m_config.revision;
        iu.maximum_udf_write_revision = m_config.revision;
        w.put(iu);
        seal_tag(out.first(w.bytes_written()), TagId::LogicalVolumeIntegrity, tag_version(),
                 integrity_block);
        put_sealed(out.subspan(block_size), TerminatingDescriptor{}, TagId::Terminating,
                   tag_version(), integrity_block + 1);
        return;
    }
    case first_anchor:
    case last_anchor: { // ECMA-167 3/10.2
        AnchorVolumeDescriptorPointer a{};
        a.main_volume_descriptor_sequence = {sequence_blocks * block_size, main_sequence_block};
        a.reserve_volume_descriptor_sequence = {sequence_blocks * block_size,
                                                reserve_sequence_block};
        put_sealed(out, a, TagId::AnchorVolumePointer, tag_version(),
                   static_cast<u32>(extent == first_anchor ? anchor_sector : m_last_anchor));
        return;
    }
    case metadata_file:
        render_metadata_file(false, out);
        return;
    case metadata_mirror:
        render_metadata_file(true, out);
        return;
    default:
        throw Error(ErrorCode::Internal,
                    fmt::format("UDF volume extent {} does not exist", extent));
    }
}

void UdfVolume::render_sequence(u32 first, std::span<std::byte> out) const {
    const u16 v = tag_version();
    const std::u16string volume = volume_identifier(m_config.volume_name);
    const std::u16string logical = utf8_to_utf16(m_config.volume_name);
    auto block = [&](u32 i) { return out.subspan(u64{i} * block_size, block_size); };

    { // ECMA-167 3/10.1, UDF 2.2.2
        PrimaryVolumeDescriptor d{};
        d.volume_descriptor_sequence_number = 0;
        fill_dstring(d.volume_identifier, volume);
        d.volume_sequence_number = 1;
        d.maximum_volume_sequence_number = 1;
        d.interchange_level = 2;
        d.maximum_interchange_level = 3;
        d.character_set_list = 1;
        d.maximum_character_set_list = 1;
        // UDF 2.2.2.5: 16 hex digits first, unique: the recording time and the volume's name.
        const std::string set = fmt::format("{:08X}{:08X}", static_cast<u32>(m_config.recorded),
                                            fnv1a(m_config.volume_name));
        fill_dstring(d.volume_set_identifier, utf8_to_utf16(set));
        d.descriptor_character_set = cs0_charspec();
        d.explanatory_character_set = cs0_charspec();
        d.application_identifier = implementation_identifier();
        d.recording_date_and_time = timestamp(m_config.recorded);
        d.implementation_identifier = implementation_identifier();
        put_sealed(block(0), d, TagId::PrimaryVolume, v, first);
    }
    { // ECMA-167 3/10.4, UDF 2.2.7
        ImplementationUseVolumeDescriptor d{};
        d.volume_descriptor_sequence_number = 1;
        d.implementation_identifier = udf_identifier("*UDF LV Info", m_config.revision);
        d.implementation_use.lvi_charset = cs0_charspec();
        fill_dstring(d.implementation_use.logical_volume_identifier, logical);
        d.implementation_use.implementation_id = implementation_identifier();
        put_sealed(block(1), d, TagId::ImplementationUseVolume, v, first + 1);
    }
    { // ECMA-167 3/10.5, UDF 2.2.14
        PartitionDescriptor d{};
        d.volume_descriptor_sequence_number = 2;
        d.partition_flags = 1; // allocated
        d.partition_number = 0;
        d.partition_contents = nsr_identifier(m_config.revision);
        d.access_type = static_cast<u32>(AccessType::ReadOnly);
        d.partition_starting_location = static_cast<u32>(m_partition_start);
        d.partition_length = static_cast<u32>(m_last_anchor - m_partition_start);
        d.implementation_identifier = implementation_identifier();
        put_sealed(block(2), d, TagId::Partition, v, first + 2);
    }
    { // ECMA-167 3/10.6, UDF 2.2.4; partition maps 3/10.7 and UDF 2.2.10
        LogicalVolumeDescriptor d{};
        d.volume_descriptor_sequence_number = 3;
        d.descriptor_character_set = cs0_charspec();
        fill_dstring(d.logical_volume_identifier, logical);
        d.logical_block_size = block_size;
        d.domain_identifier = domain_identifier(m_config.revision);
        d.file_set_descriptor_location = m_tree.file_set_location();
        d.map_table_length = static_cast<u32>(
            sizeof(Type1PartitionMap) + (metadata_partition() ? sizeof(MetadataPartitionMap) : 0));
        d.number_of_partition_maps = metadata_partition() ? 2 : 1;
        d.implementation_identifier = implementation_identifier();
        d.integrity_sequence_extent = {2 * block_size, integrity_block};
        core::ByteWriter w(block(3));
        w.put(d);
        Type1PartitionMap map{};
        map.partition_map_type = 1;
        map.partition_map_length = sizeof map;
        map.volume_sequence_number = 1;
        map.partition_number = 0;
        w.put(map);
        if (metadata_partition()) {
            MetadataPartitionMap m{};
            m.partition_map_type = 2;
            m.partition_map_length = sizeof m;
            m.partition_type_identifier =
                udf_identifier("*UDF Metadata Partition", m_config.revision);
            m.volume_sequence_number = 1;
            m.partition_number = 0;
            m.metadata_file_location = static_cast<u32>(m_metadata_fe - m_partition_start);
            m.metadata_mirror_file_location = static_cast<u32>(m_mirror_fe - m_partition_start);
            m.metadata_bitmap_file_location = 0xffff'ffff; // none: read-only (UDF 2.2.10)
            m.allocation_unit_size = metadata_allocation_unit;
            m.alignment_unit_size = metadata_allocation_unit;
            m.flags = m_config.redundant_metadata ? 1 : 0;
            w.put(m);
        }
        seal_tag(block(3).first(w.bytes_written()), TagId::LogicalVolume, v, first + 3);
    }
    { // ECMA-167 3/10.8: no unallocated space on a read-only volume
        UnallocatedSpaceDescriptor d{};
        d.volume_descriptor_sequence_number = 4;
        put_sealed(block(4), d, TagId::UnallocatedSpace, v, first + 4);
    }
    put_sealed(block(5), TerminatingDescriptor{}, TagId::Terminating, v, first + 5);
}

void UdfVolume::render_metadata_file(bool mirror, std::span<std::byte> out) const {
    // UDF 2.2.13.1: an (Extended) File Entry of type 250/251 whose short_ads, in the physical
    // partition, give the metadata partition's blocks in order.
    const u64 start = mirror ? m_mirror_start : m_metadata_start;
    const u64 fe = mirror ? m_mirror_fe : m_metadata_fe;
    std::string ads;
    u64 bytes = u64{m_metadata_blocks} * block_size;
    u64 at = start - m_partition_start;
    while (bytes > 0) {
        const u64 n =
            std::min<u64>(bytes, max_extent_bytes / (metadata_allocation_unit * block_size) *
                                     (metadata_allocation_unit * block_size));
        ShortAd ad{};
        ad.extent_length = static_cast<u32>(n);
        ad.extent_position = static_cast<u32>(at);
        std::string one(sizeof ad, '\0');
        core::ByteWriter(std::as_writable_bytes(std::span(one.data(), one.size()))).put(ad);
        ads += one;
        bytes -= n;
        at += n / block_size;
    }
    ExtendedFileEntry e{};
    e.icb_tag.strategy_type = 4;
    e.icb_tag.maximum_number_of_entries = 1;
    e.icb_tag.file_type =
        static_cast<u8>(mirror ? FileType::MetadataMirrorFile : FileType::MetadataFile);
    e.icb_tag.flags = icb_short_ad;
    e.uid = 0xffff'ffff; // UDF 3.3.3.1: no owner
    e.gid = 0xffff'ffff;
    e.file_link_count = 1;
    e.information_length = u64{m_metadata_blocks} * block_size;
    e.object_size = e.information_length;
    e.logical_blocks_recorded = m_metadata_blocks;
    e.access_date_and_time = e.modification_date_and_time = e.creation_date_and_time =
        e.attribute_date_and_time = timestamp(m_config.recorded);
    e.checkpoint = 1;
    e.implementation_identifier = implementation_identifier();
    e.unique_id = 0;
    e.length_of_allocation_descriptors = static_cast<u32>(ads.size());
    core::ByteWriter w(out);
    w.put(e);
    w.text(ads);
    seal_tag(out.first(w.bytes_written()), TagId::ExtendedFileEntry, tag_version(),
             static_cast<u32>(fe - m_partition_start));
}

} // namespace discwright::fs::udf
