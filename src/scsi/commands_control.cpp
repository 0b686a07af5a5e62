// Builders and parsers of the commands that control the drive and its tray: PREVENT ALLOW
// MEDIUM REMOVAL, START STOP UNIT and SET CD SPEED.

#include <cstddef>

#include "scsi/cdb_wire.h"
#include "scsi/commands.h"

namespace discwright::scsi {

using core::Be16;
using core::OnDisk;
using wire::bit;
using wire::bit_if;
using wire::bits;
using wire::op;
using wire::place;

namespace {

// MMC-6 6.14.1: PREVENT ALLOW MEDIUM REMOVAL CDB
struct PreventAllowLayout {
    u8 opcode{};      // byte 0: 1Eh
    u8 reserved[3]{}; // bytes 1-3
    u8 flags{};       // byte 4: Persistent (bit 1), Prevent (bit 0)
    u8 control{};     // byte 5
};
static_assert(OnDisk<PreventAllowLayout> && sizeof(PreventAllowLayout) == 6);
static_assert(offsetof(PreventAllowLayout, flags) == 4);

// MMC-6 6.40.1: START STOP UNIT CDB
struct StartStopUnitLayout {
    u8 opcode{};       // byte 0: 1Bh
    u8 immed{};        // byte 1: Immed (bit 0)
    u8 reserved{};     // byte 2
    u8 format_layer{}; // byte 3: Format-Layer Number (bits 1-0), used with FL only
    u8 flags{};        // byte 4: Power Conditions (bits 7-4), FL (bit 2), LoEj (bit 1), Start (0)
    u8 control{};      // byte 5
};
static_assert(OnDisk<StartStopUnitLayout> && sizeof(StartStopUnitLayout) == 6);
static_assert(offsetof(StartStopUnitLayout, flags) == 4);

// MMC-6 6.37.1: SET CD SPEED CDB
struct SetCdSpeedLayout {
    u8 opcode{};           // byte 0: BBh
    u8 rotation_control{}; // byte 1: bits 1-0
    Be16 read_speed{};     // bytes 2-3, kB/s
    Be16 write_speed{};    // bytes 4-5, kB/s
    u8 reserved[5]{};      // bytes 6-10
    u8 control{};          // byte 11
};
static_assert(OnDisk<SetCdSpeedLayout> && sizeof(SetCdSpeedLayout) == 12);
static_assert(offsetof(SetCdSpeedLayout, write_speed) == 4);

constexpr bool loej(StartStopAction a) {
    return a == StartStopAction::Eject || a == StartStopAction::Load;
}
constexpr bool start(StartStopAction a) {
    return a == StartStopAction::Start || a == StartStopAction::Load;
}

} // namespace

Cdb prevent_allow_medium_removal(const PreventAllowMediumRemovalCdb& c) {
    return wire::make(PreventAllowLayout{.opcode = op(Opcode::PreventAllowMediumRemoval),
                                         .flags = static_cast<u8>(bit_if(c.persistent, 1) |
                                                                  bit_if(c.prevent, 0))},
                      DataDirection::None, 0);
}

PreventAllowMediumRemovalCdb parse_prevent_allow_medium_removal(const Cdb& cdb) {
    const auto l = wire::read<PreventAllowLayout>(cdb, Opcode::PreventAllowMediumRemoval,
                                                  "prevent allow medium removal");
    return {.persistent = bit(l.flags, 1), .prevent = bit(l.flags, 0)};
}

Cdb start_stop_unit(const StartStopUnitCdb& c) {
    if (c.power_conditions > 0xF)
        wire::invalid_argument(
            "start stop unit",
            fmt::format("power conditions 0x{:X} do not fit 4 bits", c.power_conditions));
    return wire::make(StartStopUnitLayout{.opcode = op(Opcode::StartStopUnit),
                                          .immed = bit_if(c.immed, 0),
                                          .flags = static_cast<u8>(place(c.power_conditions, 4, 4) |
                                                                   bit_if(loej(c.action), 1) |
                                                                   bit_if(start(c.action), 0))},
                      DataDirection::None, 0);
}

StartStopUnitCdb parse_start_stop_unit(const Cdb& cdb) {
    const auto l = wire::read<StartStopUnitLayout>(cdb, Opcode::StartStopUnit, "start stop unit");
    const bool load_eject = bit(l.flags, 1);
    const bool start_bit = bit(l.flags, 0);
    const auto action = load_eject ? (start_bit ? StartStopAction::Load : StartStopAction::Eject)
                                   : (start_bit ? StartStopAction::Start : StartStopAction::Stop);
    return {.immed = bit(l.immed, 0), .power_conditions = bits(l.flags, 4, 4), .action = action};
}

Cdb set_cd_speed(const SetCdSpeedCdb& c) {
    return wire::make(
        SetCdSpeedLayout{.opcode = op(Opcode::SetCdSpeed),
                         .rotation_control = place(static_cast<u8>(c.rotation_control), 0, 2),
                         .read_speed = c.read_speed,
                         .write_speed = c.write_speed},
        DataDirection::None, 0);
}

SetCdSpeedCdb parse_set_cd_speed(const Cdb& cdb) {
    constexpr std::string_view what = "set cd speed";
    const auto l = wire::read<SetCdSpeedLayout>(cdb, Opcode::SetCdSpeed, what);
    return {.rotation_control = wire::enum_field<RotationControl>(bits(l.rotation_control, 0, 2), 1,
                                                                  what, "rotational control", 1),
            .read_speed = l.read_speed,
            .write_speed = l.write_speed};
}

} // namespace discwright::scsi
