#include "scsi/opcodes.h"

#include <array>

namespace discwright::scsi {

namespace {

struct NamedOpcode {
    Opcode opcode;
    std::string_view name;
};

// The command names as SPC-4 and MMC-6 spell them.
constexpr NamedOpcode names[] = {
    {Opcode::TestUnitReady, "TEST UNIT READY"},
    {Opcode::RequestSense, "REQUEST SENSE"},
    {Opcode::FormatUnit, "FORMAT UNIT"},
    {Opcode::Inquiry, "INQUIRY"},
    {Opcode::ModeSelect6, "MODE SELECT(6)"},
    {Opcode::ModeSense6, "MODE SENSE(6)"},
    {Opcode::StartStopUnit, "START STOP UNIT"},
    {Opcode::PreventAllowMediumRemoval, "PREVENT ALLOW MEDIUM REMOVAL"},
    {Opcode::ReadFormatCapacities, "READ FORMAT CAPACITIES"},
    {Opcode::ReadCapacity, "READ CAPACITY"},
    {Opcode::Read10, "READ(10)"},
    {Opcode::Write10, "WRITE(10)"},
    {Opcode::Seek10, "SEEK(10)"},
    {Opcode::WriteAndVerify10, "WRITE AND VERIFY(10)"},
    {Opcode::Verify10, "VERIFY(10)"},
    {Opcode::SynchronizeCache, "SYNCHRONIZE CACHE"},
    {Opcode::WriteBuffer, "WRITE BUFFER"},
    {Opcode::ReadBuffer, "READ BUFFER"},
    {Opcode::ReadSubChannel, "READ SUB-CHANNEL"},
    {Opcode::ReadTocPmaAtip, "READ TOC/PMA/ATIP"},
    {Opcode::PlayAudio10, "PLAY AUDIO(10)"},
    {Opcode::GetConfiguration, "GET CONFIGURATION"},
    {Opcode::PlayAudioMsf, "PLAY AUDIO MSF"},
    {Opcode::GetEventStatusNotification, "GET EVENT STATUS NOTIFICATION"},
    {Opcode::PauseResume, "PAUSE/RESUME"},
    {Opcode::LogSelect, "LOG SELECT"},
    {Opcode::LogSense, "LOG SENSE"},
    {Opcode::ReadDiscInformation, "READ DISC INFORMATION"},
    {Opcode::ReadTrackInformation, "READ TRACK INFORMATION"},
    {Opcode::ReserveTrack, "RESERVE TRACK"},
    {Opcode::SendOpcInformation, "SEND OPC INFORMATION"},
    {Opcode::ModeSelect10, "MODE SELECT(10)"},
    {Opcode::Reserve10, "RESERVE(10)"},
    {Opcode::Release10, "RELEASE(10)"},
    {Opcode::RepairTrack, "REPAIR TRACK"},
    {Opcode::ModeSense10, "MODE SENSE(10)"},
    {Opcode::CloseTrackSession, "CLOSE TRACK/SESSION"},
    {Opcode::ReadBufferCapacity, "READ BUFFER CAPACITY"},
    {Opcode::SendCueSheet, "SEND CUE SHEET"},
    {Opcode::PersistentReserveIn, "PERSISTENT RESERVE IN"},
    {Opcode::PersistentReserveOut, "PERSISTENT RESERVE OUT"},
    {Opcode::ReportLuns, "REPORT LUNS"},
    {Opcode::Blank, "BLANK"},
    {Opcode::SecurityProtocolIn, "SECURITY PROTOCOL IN"},
    {Opcode::SendKey, "SEND KEY"},
    {Opcode::ReportKey, "REPORT KEY"},
    {Opcode::PlayAudio12, "PLAY AUDIO(12)"},
    {Opcode::LoadUnloadMedium, "LOAD/UNLOAD MEDIUM"},
    {Opcode::SetReadAhead, "SET READ AHEAD"},
    {Opcode::Read12, "READ(12)"},
    {Opcode::Write12, "WRITE(12)"},
    {Opcode::ReadMediaSerialNumber, "READ MEDIA SERIAL NUMBER"},
    {Opcode::GetPerformance, "GET PERFORMANCE"},
    {Opcode::ReadDiscStructure, "READ DISC STRUCTURE"},
    {Opcode::SecurityProtocolOut, "SECURITY PROTOCOL OUT"},
    {Opcode::SetStreaming, "SET STREAMING"},
    {Opcode::ReadCdMsf, "READ CD MSF"},
    {Opcode::Scan, "SCAN"},
    {Opcode::SetCdSpeed, "SET CD SPEED"},
    {Opcode::MechanismStatus, "MECHANISM STATUS"},
    {Opcode::ReadCd, "READ CD"},
    {Opcode::SendDiscStructure, "SEND DISC STRUCTURE"},
};

// "opcode 0xNN" for every byte, built at compile time so that command_name can hand out a
// string_view for codes without a name too.
constexpr std::size_t unnamed_length = 11;
constexpr auto unnamed_names = [] {
    std::array<std::array<char, unnamed_length>, 256> table{};
    constexpr char hex[] = "0123456789ABCDEF";
    constexpr std::string_view prefix = "opcode 0x";
    for (std::size_t code = 0; code < table.size(); ++code) {
        for (std::size_t i = 0; i < prefix.size(); ++i)
            table[code][i] = prefix[i];
        table[code][9] = hex[code / 16];
        table[code][10] = hex[code % 16];
    }
    return table;
}();

} // namespace

std::string_view command_name(u8 opcode) {
    for (const auto& n : names)
        if (static_cast<u8>(n.opcode) == opcode) return n.name;
    return {unnamed_names[opcode].data(), unnamed_length};
}

} // namespace discwright::scsi
