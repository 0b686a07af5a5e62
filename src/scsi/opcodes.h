#pragma once
// Operation codes of the commands an optical drive speaks (T10 SPC-4 and MMC-6), and their
// names for messages and logs. The builders in scsi/commands.h set them; the virtual recorder
// dispatches on them.

#include <string_view>

#include "discwright/types.h"

namespace discwright::scsi {

/// SPC-4 / MMC-6 operation codes. The group (bits 7-5) fixes the CDB length (SPC-4 4.2.5.1).
enum class Opcode : u8 {
    TestUnitReady = 0x00,              // SPC-4, MMC-6 6.42
    RequestSense = 0x03,               // SPC-4, MMC-6 6.30
    FormatUnit = 0x04,                 // MMC-6 6.5
    Inquiry = 0x12,                    // SPC-4 6.4, MMC-6 6.9
    ModeSelect6 = 0x15,                // SPC-4
    ModeSense6 = 0x1A,                 // SPC-4
    StartStopUnit = 0x1B,              // MMC-6 6.40
    PreventAllowMediumRemoval = 0x1E,  // MMC-6 6.14
    ReadFormatCapacities = 0x23,       // MMC-6 6.24
    ReadCapacity = 0x25,               // MMC-6 6.19
    Read10 = 0x28,                     // MMC-6 6.15
    Write10 = 0x2A,                    // MMC-6 6.44
    Seek10 = 0x2B,                     // MMC-6 6.32
    WriteAndVerify10 = 0x2E,           // MMC-6 6.46
    Verify10 = 0x2F,                   // MMC-6 6.43
    SynchronizeCache = 0x35,           // MMC-6 6.41
    WriteBuffer = 0x3B,                // SPC-4
    ReadBuffer = 0x3C,                 // SPC-4, MMC-6 6.17
    ReadSubChannel = 0x42,             // MMC (legacy audio and CD commands)
    ReadTocPmaAtip = 0x43,             // MMC-6 6.26
    PlayAudio10 = 0x45,                // MMC (legacy audio and CD commands)
    GetConfiguration = 0x46,           // MMC-6 6.6
    PlayAudioMsf = 0x47,               // MMC (legacy audio and CD commands)
    GetEventStatusNotification = 0x4A, // MMC-6 6.7
    PauseResume = 0x4B,                // MMC (legacy audio and CD commands)
    LogSelect = 0x4C,                  // SPC-4
    LogSense = 0x4D,                   // SPC-4
    ReadDiscInformation = 0x51,        // MMC-6 6.22
    ReadTrackInformation = 0x52,       // MMC-6 6.27
    ReserveTrack = 0x53,               // MMC-6 6.31
    SendOpcInformation = 0x54,         // MMC-6 6.36
    ModeSelect10 = 0x55,               // MMC-6 6.12
    Reserve10 = 0x56,                  // SPC-4
    Release10 = 0x57,                  // SPC-4
    RepairTrack = 0x58,                // MMC-6 6.28
    ModeSense10 = 0x5A,                // MMC-6 6.13
    CloseTrackSession = 0x5B,          // MMC-6 6.3
    ReadBufferCapacity = 0x5C,         // MMC-6 6.18
    SendCueSheet = 0x5D,               // MMC-6 6.33
    PersistentReserveIn = 0x5E,        // SPC-4
    PersistentReserveOut = 0x5F,       // SPC-4
    ReportLuns = 0xA0,                 // SPC-4
    Blank = 0xA1,                      // MMC-6 6.2
    SecurityProtocolIn = 0xA2,         // SPC-4
    SendKey = 0xA3,                    // MMC-6 6.35
    ReportKey = 0xA4,                  // MMC-6 6.29
    PlayAudio12 = 0xA5,                // MMC (legacy audio and CD commands)
    LoadUnloadMedium = 0xA6,           // MMC-6 6.10
    SetReadAhead = 0xA7,               // MMC-6 6.38
    Read12 = 0xA8,                     // MMC-6 6.16
    Write12 = 0xAA,                    // MMC-6 6.45
    ReadMediaSerialNumber = 0xAB,      // SPC-4
    GetPerformance = 0xAC,             // MMC-6 6.8
    ReadDiscStructure = 0xAD,          // MMC-6 6.23
    SecurityProtocolOut = 0xB5,        // SPC-4
    SetStreaming = 0xB6,               // MMC-6 6.39
    ReadCdMsf = 0xB9,                  // MMC-6 6.21
    Scan = 0xBA,                       // MMC (legacy audio and CD commands)
    SetCdSpeed = 0xBB,                 // MMC-6 6.37
    MechanismStatus = 0xBD,            // MMC-6 6.11
    ReadCd = 0xBE,                     // MMC-6 6.20
    SendDiscStructure = 0xBF,          // MMC-6 6.34
};

/// "READ TRACK INFORMATION"; "opcode 0xNN" for a code without a name here.
[[nodiscard]] std::string_view command_name(u8 opcode);
[[nodiscard]] inline std::string_view command_name(Opcode opcode) {
    return command_name(static_cast<u8>(opcode));
}

} // namespace discwright::scsi
