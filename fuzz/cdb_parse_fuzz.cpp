// Fuzz target: the virtual recorder parses CDBs it receives, so every parser must be total on
// any bytes: a value or discwright::Error, never a crash. What a parser accepts must survive
// a trip through its builder: parse(build(parse(x))) == parse(x).
//
// Input: byte 0 picks the data direction, bytes 1-4 the transfer length (big-endian), the
// rest is the CDB. It goes through Cdb::from_bytes and, bypassing its checks, straight into a
// Cdb of up to 16 bytes, so that parsers also see lengths from_bytes would refuse.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/byte_io.h"
#include "scsi/commands.h"

using namespace discwright;
using namespace discwright::scsi;

namespace {

template <class Parse, class Build> void check(const Cdb& cdb, Parse parse, Build build) {
    try {
        const auto fields = parse(cdb);
        const Cdb rebuilt = build(fields);
        if (parse(rebuilt) != fields) __builtin_trap();
        if (rebuilt.opcode() != cdb.opcode() || rebuilt.length != cdb.length) __builtin_trap();
    } catch (const Error&) {
        // InvalidParam for a wrong opcode, length, reserved field or unbuildable value
    }
}

void check_all(const Cdb& c) {
    check(c, parse_inquiry, [](const auto& f) { return inquiry(f); });
    check(c, parse_test_unit_ready, [](const auto& f) { return test_unit_ready(f); });
    check(c, parse_request_sense, [](const auto& f) { return request_sense(f); });
    check(c, parse_get_configuration, [](const auto& f) { return get_configuration(f); });
    check(c, parse_get_performance, [](const auto& f) { return get_performance(f); });
    check(c, parse_mode_sense10, [](const auto& f) { return mode_sense10(f); });
    check(c, parse_mode_select10, [](const auto& f) { return mode_select10(f); });
    check(c, parse_get_event_status_notification,
          [](const auto& f) { return get_event_status_notification(f); });
    check(c, parse_mechanism_status, [](const auto& f) { return mechanism_status(f); });
    check(c, parse_read_disc_information, [](const auto& f) { return read_disc_information(f); });
    check(c, parse_read_track_information, [](const auto& f) { return read_track_information(f); });
    check(c, parse_read_toc, [](const auto& f) { return read_toc(f); });
    check(c, parse_read_capacity, [](const auto& f) { return read_capacity(f); });
    check(c, parse_read_format_capacities, [](const auto& f) { return read_format_capacities(f); });
    check(c, parse_read_buffer_capacity, [](const auto& f) { return read_buffer_capacity(f); });
    check(c, parse_read_disc_structure, [](const auto& f) { return read_disc_structure(f); });
    check(c, parse_send_disc_structure, [](const auto& f) { return send_disc_structure(f); });
    check(c, parse_prevent_allow_medium_removal,
          [](const auto& f) { return prevent_allow_medium_removal(f); });
    check(c, parse_start_stop_unit, [](const auto& f) { return start_stop_unit(f); });
    check(c, parse_set_cd_speed, [](const auto& f) { return set_cd_speed(f); });
    check(c, parse_set_streaming, [](const auto& f) { return set_streaming(f); });
    check(c, parse_reserve_track, [](const auto& f) { return reserve_track(f); });
    check(c, parse_send_cue_sheet, [](const auto& f) { return send_cue_sheet(f); });
    check(c, parse_write10, [](const auto& f) { return write10(f); });
    check(c, parse_write12, [](const auto& f) { return write12(f); });
    check(c, parse_close_track_session, [](const auto& f) { return close_track_session(f); });
    check(c, parse_synchronize_cache, [](const auto& f) { return synchronize_cache(f); });
    check(c, parse_blank, [](const auto& f) { return blank(f); });
    check(c, parse_format_unit, [](const auto& f) { return format_unit(f); });
    check(c, parse_read10, [](const auto& f) { return read10(f); });
    check(c, parse_read12, [](const auto& f) { return read12(f); });
    check(c, parse_verify10, [](const auto& f) { return verify10(f); });
    check(c, parse_read_cd, [](const auto& f) { return read_cd(f); });
    if (const auto extent = block_extent(c); extent && c.length > 16) __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = std::as_bytes(std::span(data, size));
    if (input.size() < 5) return 0;
    core::ByteReader in{input};
    const auto direction = static_cast<DataDirection>(in.read<std::uint8_t>() % 3);
    const u32 transfer_length = in.read<core::Be32>();
    const auto cdb_bytes = input.subspan(in.position());

    try {
        check_all(Cdb::from_bytes(cdb_bytes, direction, transfer_length));
    } catch (const Error&) {
        // from_bytes refused the length or the direction
    }

    Cdb direct;
    core::ByteWriter out{direct.bytes};
    out.bytes(cdb_bytes.first(std::min(cdb_bytes.size(), direct.bytes.size())));
    direct.length = static_cast<u8>(cdb_bytes.size() > 255 ? 255 : cdb_bytes.size());
    direct.direction = direction;
    direct.transfer_length = transfer_length;
    check_all(direct);

    try { // the FORMAT UNIT parameter list is data the target decodes too
        const auto params = decode_format_parameters(cdb_bytes);
        if (decode_format_parameters(encode_format_parameters(params)) != params) __builtin_trap();
    } catch (const Error&) {
    }
    return 0;
}
