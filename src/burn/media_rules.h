#pragma once
// How the data writer treats each kind of medium: where a session goes, the write unit, the
// write parameters page, formatting, and how a session is closed. Pure functions of the current
// profile and the writer's closing properties, so every rule is tested without a drive.
// docs/burning.md has the same table in words.

#include <optional>

#include "discwright/mmc.h"
#include "scsi/commands.h"

namespace discwright::burn {

enum class Recording : u8 {
    Sequential, // a new session at the next writable address
    Overwrite,  // written in place from LBA 0 (one physical session)
};

struct MediaRules {
    Recording recording = Recording::Sequential;
    /// Sectors each write covers (ECC block or cluster): 1 CD and disks, 16 DVD, 32 BD.
    u32 write_unit = 1;
    /// The write parameters page (05h) must be set: CD (track at once) and sequential DVD-R/RW
    /// (incremental). DVD+R, BD and overwritable media ignore it.
    bool write_parameters = false;
    WriteType write_type = WriteType::TrackAtOnce;
    /// CD: a data track is followed by a 150-sector post-gap (ECMA-130 / Orange Book).
    bool post_gap = false;
    /// Underrun protection can be turned off (CD only, as IMAPI's BufferUnderrunFreeDisabled).
    bool underrun_protection_optional = false;
};

/// The rules for a writable profile; nullopt for media the data writer cannot write.
[[nodiscard]] std::optional<MediaRules> media_rules(Profile current);

/// What the writer's closing properties ask for (IMAPI 5.1).
struct ClosingRequest {
    bool force_media_to_be_closed = false;
    bool disable_consumer_dvd_compatibility_mode = false;
    /// Free space after this session would be at most 2 % of the disc.
    bool nearly_full = false;
};

/// How the session is closed on sequential media.
struct SessionClose {
    /// The disc takes no further session afterwards.
    bool finalize = false;
    /// The CLOSE TRACK/SESSION function that closes the session (after CLOSE TRACK).
    scsi::CloseFunction function = scsi::CloseFunction::CloseSession;
    /// The write parameters page's Multi-session field (CD and DVD-R/RW decide by it).
    MultiSession multi_session = MultiSession::NextSessionAllowed;
};

/// The closing matrix: DVD+R (and DVD+R DL) close in "compatible" mode unless consumer DVD
/// compatibility is disabled; a DVD+R DL is closed whenever compatibility is disabled too
/// (IMAPI's table); every disc is closed when asked or nearly full.
[[nodiscard]] SessionClose session_close(Profile current, const ClosingRequest& request);

/// The format type a blank random-writable medium needs before its first write (DVD+RW 26h,
/// BD-RE 30h); nullopt when none.
[[nodiscard]] std::optional<u8> format_type_before_writing(Profile current);

} // namespace discwright::burn
