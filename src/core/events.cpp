// Names of event enums, as the CLI prints them.

#include "discwright/events.h"

namespace discwright {

const char* to_string(ProgressAction a) {
    switch (a) {
    case ProgressAction::AddingTree:
        return "adding tree";
    case ProgressAction::LayingOut:
        return "laying out";
    case ProgressAction::WritingImage:
        return "writing image";
    case ProgressAction::Completed:
        return "completed";
    }
    return "unknown action";
}

const char* to_string(Namespace ns) {
    switch (ns) {
    case Namespace::Iso9660:
        return "iso9660";
    case Namespace::Joliet:
        return "joliet";
    case Namespace::Iso9660_1999:
        return "iso9660:1999";
    case Namespace::RockRidge:
        return "rockridge";
    case Namespace::Udf:
        return "udf";
    }
    return "unknown namespace";
}

} // namespace discwright
