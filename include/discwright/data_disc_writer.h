#pragma once
// DataDiscWriter (IMAPI's MsftDiscFormat2Data with IBurnVerification): puts a data image on
// the medium of a recorder. Everything that can be checked is checked before the first WRITE
// (medium present, supported, writable, the image fits, exclusive access); then the medium is
// formatted if it needs it, the drive is set up, the image is written by a WriteEngine, the
// drive's cache is flushed, the track/session is closed as the closing rules say, and the
// result is verified at the chosen level. docs/burning.md has the per-medium sequences and what
// a cancelled or failed burn leaves on the disc.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "discwright/cancellation.h"
#include "discwright/disc_recorder.h"
#include "discwright/events.h"
#include "discwright/media_state.h"
#include "discwright/media_type.h"
#include "discwright/multisession.h"
#include "discwright/stream.h"
#include "discwright/verification.h"
#include "discwright/write_engine.h"

namespace discwright {

class FileSystemImageResult;

/// IMAPI_FORMAT2_DATA_WRITE_ACTION (the numbering is IMAPI's).
enum class DataWriteAction : u8 {
    ValidatingMedia = 0,
    FormattingMedia = 1,
    InitializingHardware = 2,
    CalibratingPower = 3,
    WritingData = 4,
    Finalization = 5,
    Completed = 6,
    Verifying = 7,
};
[[nodiscard]] const char* to_string(DataWriteAction a);

/// IDiscFormat2DataEventArgs.
struct DataWriterProgress {
    DataWriteAction action = DataWriteAction::ValidatingMedia;
    double elapsed_seconds = 0;
    double remaining_seconds = -1; // -1: not known yet
    double total_seconds = -1;
    /// The write engine's view while writing (and the sectors checked while verifying: then
    /// last_written_lba is the last sector verified).
    WriteEngineProgress engine;
};

/// What a burn tells its caller.
using BurnEvent = std::variant<DataWriterProgress, WarningEvent>;
using BurnEventHandler = std::function<void(const BurnEvent&)>;

/// What write() would do with a stream, decided by the same checks it runs first.
struct BurnPlan {
    MediaType media = MediaType::Unknown;
    u64 start_lba = 0;         // where the stream's first sector goes
    u64 sectors = 0;           // sectors of the stream
    u64 extra_sectors = 0;     // sectors the writer adds (a CD's 150-sector post-gap)
    bool format_first = false; // a blank DVD+RW or BD-RE is formatted before writing
    bool append = false;       // a new session after existing ones (or an overwritable append)
    bool closes_disc = false;  // no session can follow (closing rules)
    u64 free_sectors_after = 0;
};

/// SetWriteSpeed's success codes S_IMAPI_SPEEDADJUSTED / _ROTATIONADJUSTED / _BOTHADJUSTED.
enum class SpeedAdjustment : u8 { None, Speed, Rotation, Both };

class DataDiscWriter {
public:
    /// The recorder must outlive the writer.
    explicit DataDiscWriter(DiscRecorder& recorder);
    ~DataDiscWriter();
    DataDiscWriter(const DataDiscWriter&) = delete;
    DataDiscWriter& operator=(const DataDiscWriter&) = delete;

    [[nodiscard]] DiscRecorder& recorder() { return m_recorder; }

    // ---- IDiscFormat2 ------------------------------------------------------------------
    /// IsRecorderSupported: the drive writes at least one medium this writer handles.
    [[nodiscard]] static bool is_recorder_supported(DiscRecorder& recorder);
    /// IsCurrentMediaSupported.
    [[nodiscard]] bool is_current_media_supported();
    /// MediaPhysicallyBlank: the drive says the disc is blank.
    [[nodiscard]] bool media_physically_blank();
    /// MediaHeuristicallyBlank: blank, or a random-writable disc whose first and last 2 MiB
    /// of user data are zero (DVD+RW, DVD-RAM and BD-RE never look blank again after a format).
    [[nodiscard]] bool media_heuristically_blank();
    /// SupportedMediaTypes.
    [[nodiscard]] static std::vector<MediaType> supported_media_types();

    // ---- properties --------------------------------------------------------------------
    /// ClientName for the exclusive lock held during write(); [A-Za-z0-9_.-]{1,64}.
    void set_client_name(std::string_view name);
    [[nodiscard]] const std::string& client_name() const { return m_client_name; }
    /// BufferUnderrunFreeDisabled (CD only; default false = protection on).
    bool buffer_underrun_free_disabled = false;
    /// PostgapAlreadyInImage: on CD the writer otherwise appends the 150-sector post-gap.
    bool postgap_already_in_image = false;
    /// ForceMediaToBeClosed: no further session after this one.
    bool force_media_to_be_closed = false;
    /// DisableConsumerDvdCompatibilityMode: lets a DVD+R stay appendable (see closing rules).
    bool disable_consumer_dvd_compatibility_mode = false;
    /// ForceOverwrite: write over what a random-writable disc holds.
    bool force_overwrite = false;
    /// DVD-R and sequential DVD-RW only: write disc-at-once (the session's size reserved first,
    /// write type SAO; the disc is closed) instead of incrementally. Needs a blank disc
    /// (InvalidMediaState otherwise); other media ignore it.
    bool disc_at_once = false;
    /// IBurnVerification::BurnVerificationLevel.
    VerificationLevel verification_level = VerificationLevel::Quick;
    /// Tunables of the engine (buffer size, WRITE(12) streaming ...). The writer sets the
    /// write unit and sector size itself.
    WriteEngineOptions engine_options;

    [[nodiscard]] MediaState current_media_status();
    [[nodiscard]] WriteProtectState write_protect_status();
    [[nodiscard]] MediaType current_physical_media_type();
    /// TotalSectorsOnMedia.
    [[nodiscard]] u32 total_sectors_on_media();
    /// FreeSectorsOnMedia: for an incremental write, overhead already taken off; on
    /// random-writable media the whole capacity.
    [[nodiscard]] u32 free_sectors_on_media();
    [[nodiscard]] i64 next_writable_address();
    [[nodiscard]] i64 start_address_of_previous_session();
    [[nodiscard]] i64 last_written_address_of_previous_session();
    /// MultisessionInterfaces: always at least one entry.
    [[nodiscard]] std::vector<MultisessionInfo> multisession_interfaces();

    // ---- speed ---------------------------------------------------------------------------
    /// SetWriteSpeed: sectors per second (-1: fastest) and rotation. Sent to the drive now
    /// (SET STREAMING, or SET CD SPEED on CD); reports whether the drive chose otherwise.
    SpeedAdjustment set_write_speed(i32 sectors_per_second, bool rotation_pure_cav = false);
    [[nodiscard]] i32 requested_write_speed() const { return m_requested_speed; }
    [[nodiscard]] bool requested_rotation_type_is_pure_cav() const { return m_requested_cav; }
    [[nodiscard]] i32 current_write_speed();
    [[nodiscard]] bool current_rotation_type_is_pure_cav();
    [[nodiscard]] std::vector<u32> supported_write_speeds();
    [[nodiscard]] std::vector<WriteSpeedDescriptor> supported_write_speed_descriptors();

    // ---- writing -------------------------------------------------------------------------
    /// Write(stream) as IMAPI does it: on sequential media the stream becomes a new session at
    /// the next writable address; on random-writable media it is written from sector 0
    /// (MediaNotBlank unless the disc looks blank or force_overwrite). The stream must be whole
    /// 2048-byte sectors (StreamNotSupported) and fit (StreamTooLarge). An ISO 9660 stream laid
    /// out for another LBA than where it would land is SessionStartMismatch before anything is
    /// written. Synchronous; events go to the handler on this thread.
    void write(const Stream& data, const BurnEventHandler& events = {},
               CancellationToken cancel = {});
    /// Writes an image made by FileSystemImage: at its SessionStartBlock, which must be the next
    /// writable address on sequential media. On random-writable media a session that starts
    /// after 0 (prepared by prepare_next_session) is an append: written after the old one,
    /// then its volume descriptors are copied to LBA 16 last.
    void write(const FileSystemImageResult& image, const BurnEventHandler& events = {},
               CancellationToken cancel = {});
    /// The checks write() runs before writing, without writing: the same errors, or the plan.
    [[nodiscard]] BurnPlan plan(const Stream& data);
    [[nodiscard]] BurnPlan plan(const FileSystemImageResult& image);
    /// CancelWrite: asks a running write() to stop at its next safe point (any thread).
    /// WriteNotInProgress when nothing is being written.
    void cancel_write();
    [[nodiscard]] bool write_in_progress() const;
    /// The verification of the last write(), when one ran.
    [[nodiscard]] const std::optional<VerificationReport>& last_verification() const {
        return m_last_verification;
    }

private:
    struct Run;
    /// `image_start`: the LBA an image made by FileSystemImage was laid out for.
    void write_image(const Stream& data, std::optional<u64> image_start,
                     const BurnEventHandler& events, CancellationToken cancel);

    DiscRecorder& m_recorder;
    std::optional<VerificationReport> m_last_verification;
    std::string m_client_name;
    i32 m_requested_speed = -1;
    bool m_requested_cav = false;
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace discwright
