#pragma once
// DiscEraser (IMAPI's MsftDiscFormat2Erase): makes a rewritable disc blank again. CD-RW and
// sequential DVD-RW are blanked (BLANK: minimal by default, the whole disc with full_erase);
// DVD+RW, DVD-RAM, BD-RE and restricted-overwrite DVD-RW are formatted (FORMAT UNIT), which on
// those media is what "erase" means. The drive works in the background (IMMED) and the eraser
// reports the drive's progress indicator every half second until it is ready again.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "discwright/cancellation.h"
#include "discwright/media_type.h"
#include "discwright/types.h"

namespace discwright {

class DiscRecorder;

/// DDiscFormat2EraseEvents::Update, plus the drive's own fraction done.
struct EraseProgress {
    double elapsed_seconds = 0;
    double estimated_total_seconds = -1; // -1: not known yet
    double fraction_done = 0;            // 0..1, from the drive's progress indicator
};
using EraseHandler = std::function<void(const EraseProgress&)>;

class DiscEraser {
public:
    /// The recorder must outlive the eraser.
    explicit DiscEraser(DiscRecorder& recorder);

    /// IsRecorderSupported: the drive can blank or format a rewritable medium.
    [[nodiscard]] static bool is_recorder_supported(DiscRecorder& recorder);
    /// IsCurrentMediaSupported: a rewritable disc this eraser handles is in the drive.
    [[nodiscard]] bool is_current_media_supported();
    /// SupportedMediaTypes.
    [[nodiscard]] static std::vector<MediaType> supported_media_types();
    [[nodiscard]] bool media_physically_blank();
    [[nodiscard]] MediaType current_physical_media_type();

    /// FullErase: overwrite the whole disc (slow) instead of only what makes it look blank.
    bool full_erase = false;
    /// How often the drive is asked for its progress (and the handler called).
    std::chrono::milliseconds poll_interval{500};
    /// ClientName for the exclusive lock held while erasing; [A-Za-z0-9_.-]{1,64}.
    void set_client_name(std::string_view name);
    [[nodiscard]] const std::string& client_name() const { return m_client_name; }

    /// EraseMedia: synchronous. MediaNotErasable for write-once or pressed discs,
    /// MediaNoMedia, RecorderLocked, EraseFailed with the drive's sense. Cancelling stops
    /// waiting, not the drive: the disc must then be erased again (the error says so).
    void erase_media(const EraseHandler& progress = {}, CancellationToken cancel = {});

private:
    DiscRecorder& m_recorder;
    std::string m_client_name;
};

} // namespace discwright
