#include "scsi/configuration.h"

#include <algorithm>
#include <limits>

namespace discwright::scsi {

namespace {

constexpr std::string_view what = "get configuration";

template <class Out> void encode_descriptor(Out& out, const FeatureDescriptor& f) {
    if (f.data.size() > std::numeric_limits<u8>::max())
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("encoding feature {}: {} bytes of data do not fit in 255",
                                to_string(f.code), f.data.size()));
    out.put(FeatureHeader{
        .feature_code = static_cast<u16>(f.code),
        .flags = static_cast<u8>(place(f.version, 2, 4) | bit_if(f.persistent, 1) |
                                 bit_if(f.current, 0)),
        .additional_length = static_cast<u8>(f.data.size()),
    });
    out.bytes(f.data);
}

bool selected(const FeatureDescriptor& f, ConfigurationRequest rt, FeatureCode start) {
    switch (rt) {
    case ConfigurationRequest::All:
        return f.code >= start;
    case ConfigurationRequest::Current:
        return f.code >= start && f.current;
    case ConfigurationRequest::One:
        return f.code == start;
    }
    return false;
}

} // namespace

u32 reported_configuration_length(std::span<const std::byte> reply) {
    require_reply_header(what, reply, 4);
    const u64 total = u64{read_padded<Be32>(reply).value()} + 4;
    return static_cast<u32>(std::min<u64>(total, std::numeric_limits<u32>::max()));
}

Configuration decode_configuration(std::span<const std::byte> reply) {
    require_reply_header(what, reply, sizeof(ConfigurationHeader));
    const auto bytes = clamp_reply(reply, reported_configuration_length(reply));
    Configuration out;
    // A drive whose data length is below 4 still sent its profile; clamping must not lose it.
    out.current_profile =
        static_cast<Profile>(read_padded<ConfigurationHeader>(reply).current_profile.value());
    std::size_t pos = sizeof(ConfigurationHeader);
    while (received(bytes, pos, sizeof(FeatureHeader))) {
        const auto h = read_padded<FeatureHeader>(bytes, pos);
        pos += sizeof(FeatureHeader);
        if (!received(bytes, pos, h.additional_length)) break;
        out.features.push_back({
            .code = static_cast<FeatureCode>(h.feature_code.value()),
            .version = bits(h.flags, 2, 4),
            .persistent = bit(h.flags, 1),
            .current = bit(h.flags, 0),
            .data = copy_received(bytes, pos, h.additional_length),
        });
        pos += h.additional_length;
    }
    return out;
}

std::vector<std::byte> encode_configuration(const Configuration& configuration,
                                            ConfigurationRequest rt, FeatureCode starting_feature) {
    std::vector<const FeatureDescriptor*> listed;
    for (const auto& f : configuration.features)
        if (selected(f, rt, starting_feature)) listed.push_back(&f);
    // MMC-6 6.6.2.2: descriptors are returned in increasing feature number order.
    std::stable_sort(listed.begin(), listed.end(),
                     [](const auto* a, const auto* b) { return a->code < b->code; });
    return encode_to_vector([&](auto& out) {
        core::SizeCounter body;
        for (const auto* f : listed)
            encode_descriptor(body, *f);
        out.put(ConfigurationHeader{
            .data_length = static_cast<u32>(body.bytes() + sizeof(ConfigurationHeader) - 4),
            .reserved = {},
            .current_profile = static_cast<u16>(configuration.current_profile),
        });
        for (const auto* f : listed)
            encode_descriptor(out, *f);
    });
}

std::vector<std::byte> encode_feature_descriptor(const FeatureDescriptor& feature) {
    return encode_to_vector([&](auto& out) { encode_descriptor(out, feature); });
}

} // namespace discwright::scsi
