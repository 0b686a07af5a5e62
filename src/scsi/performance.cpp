#include "scsi/performance.h"

#include <limits>

namespace discwright::scsi {

namespace {

constexpr std::string_view what = "get performance";

/// The WRC, RDD and Exact bits, shared by write speed and streaming descriptors.
u8 rotation_flags(discwright::RotationControl wrc, bool rdd, bool exact) {
    return static_cast<u8>(place(static_cast<u8>(wrc), 3, 2) | bit_if(rdd, 2) | bit_if(exact, 1));
}

discwright::RotationControl wrc_of(u8 flags) {
    return static_cast<discwright::RotationControl>(bits(flags, 3, 2));
}

template <OnDisk T> std::vector<T> descriptors(std::span<const std::byte> bytes) {
    std::vector<T> out;
    for (std::size_t pos = sizeof(PerformanceHeader); received(bytes, pos, sizeof(T));
         pos += sizeof(T))
        out.push_back(read_padded<T>(bytes, pos));
    return out;
}

template <class Out> void put_header(Out& out, std::size_t body_bytes, u8 flags) {
    out.put(PerformanceHeader{
        .performance_data_length = static_cast<u32>(body_bytes + sizeof(PerformanceHeader) - 4),
        .flags = flags,
        .reserved = {},
    });
}

} // namespace

u32 reported_performance_length(std::span<const std::byte> reply) {
    require_reply_header(what, reply, 4);
    const u64 total = u64{read_padded<Be32>(reply).value()} + 4;
    return static_cast<u32>(std::min<u64>(total, std::numeric_limits<u32>::max()));
}

Performance decode_performance(std::span<const std::byte> reply) {
    require_reply_header(what, reply, sizeof(PerformanceHeader));
    const auto bytes = clamp_reply(reply, reported_performance_length(reply));
    const auto header = read_padded<PerformanceHeader>(reply);
    Performance out;
    out.write = bit(header.flags, 1);
    out.except = bit(header.flags, 0);
    if (out.except) {
        for (const auto& d : descriptors<PerformanceExceptionData>(bytes))
            out.exceptions.push_back({d.lba, d.time});
    } else {
        for (const auto& d : descriptors<NominalPerformanceData>(bytes))
            out.nominal.push_back({d.start_lba, d.start_performance, d.end_lba, d.end_performance});
    }
    return out;
}

std::vector<std::byte> encode_performance(const Performance& p) {
    const std::size_t body = p.except ? p.exceptions.size() * sizeof(PerformanceExceptionData)
                                      : p.nominal.size() * sizeof(NominalPerformanceData);
    return encode_to_vector([&](auto& out) {
        put_header(out, body, static_cast<u8>(bit_if(p.write, 1) | bit_if(p.except, 0)));
        if (p.except) {
            for (const auto& e : p.exceptions)
                out.put(PerformanceExceptionData{e.lba, e.time});
        } else {
            for (const auto& n : p.nominal)
                out.put(NominalPerformanceData{n.start_lba, n.start_performance, n.end_lba,
                                               n.end_performance});
        }
    });
}

std::vector<WriteSpeedPerformance>
decode_write_speed_performance(std::span<const std::byte> reply) {
    require_reply_header(what, reply, sizeof(PerformanceHeader));
    const auto bytes = clamp_reply(reply, reported_performance_length(reply));
    std::vector<WriteSpeedPerformance> out;
    for (const auto& d : descriptors<WriteSpeedData>(bytes))
        out.push_back({
            .wrc = wrc_of(d.flags),
            .rdd = bit(d.flags, 2),
            .exact = bit(d.flags, 1),
            .mrw = bit(d.flags, 0),
            .end_lba = d.end_lba,
            .read_speed = d.read_speed,
            .write_speed = d.write_speed,
        });
    return out;
}

std::vector<std::byte>
encode_write_speed_performance(std::span<const WriteSpeedPerformance> speeds) {
    return encode_to_vector([&](auto& out) {
        put_header(out, speeds.size() * sizeof(WriteSpeedData), 0);
        for (const auto& s : speeds)
            out.put(WriteSpeedData{
                .flags = static_cast<u8>(rotation_flags(s.wrc, s.rdd, s.exact) | bit_if(s.mrw, 0)),
                .reserved = {},
                .end_lba = s.end_lba,
                .read_speed = s.read_speed,
                .write_speed = s.write_speed,
            });
    });
}

StreamingPerformance decode_streaming_performance(std::span<const std::byte> parameters) {
    if (parameters.size() < sizeof(StreamingPerformanceData))
        throw Error(ErrorCode::InvalidParam,
                    fmt::format("set streaming: performance descriptor needs {} bytes ({} bytes)",
                                sizeof(StreamingPerformanceData), parameters.size()));
    const auto d = read_padded<StreamingPerformanceData>(parameters);
    return {
        .wrc = wrc_of(d.flags),
        .rdd = bit(d.flags, 2),
        .exact = bit(d.flags, 1),
        .ra = bit(d.flags, 0),
        .start_lba = d.start_lba,
        .end_lba = d.end_lba,
        .read_size = d.read_size,
        .read_time = d.read_time,
        .write_size = d.write_size,
        .write_time = d.write_time,
    };
}

std::vector<std::byte> encode_streaming_performance(const StreamingPerformance& p) {
    return encode_to_vector([&](auto& out) {
        out.put(StreamingPerformanceData{
            .flags = static_cast<u8>(rotation_flags(p.wrc, p.rdd, p.exact) | bit_if(p.ra, 0)),
            .reserved = {},
            .start_lba = p.start_lba,
            .end_lba = p.end_lba,
            .read_size = p.read_size,
            .read_time = p.read_time,
            .write_size = p.write_size,
            .write_time = p.write_time,
        });
    });
}

} // namespace discwright::scsi
