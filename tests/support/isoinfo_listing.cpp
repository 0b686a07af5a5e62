#include "support/isoinfo_listing.h"

#include <algorithm>
#include <sstream>

namespace discwright::test {

std::vector<IsoinfoLine> parse_isoinfo_lines(const std::string& out) {
    std::vector<IsoinfoLine> lines;
    std::string folder;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        static const std::string header = "Directory listing of /";
        if (line.rfind(header, 0) == 0) {
            folder = line.substr(header.size());
            continue;
        }
        const auto open = line.find('[');
        const auto close = line.find(']', open);
        if (line.size() < 10 || open == std::string::npos || close == std::string::npos) continue;
        std::string name = line.substr(close + 1);
        name.erase(0, std::min(name.size(), std::size_t{2}));
        while (!name.empty() && name.back() == ' ')
            name.pop_back();
        if (name == "." || name == ".." || name.empty()) continue;
        std::istringstream fields(line.substr(0, open));
        std::string links, uid, gid, size;
        IsoinfoLine item;
        fields >> item.perms >> links >> uid >> gid >> size;
        item.folder = folder;
        item.name = std::move(name);
        item.size = std::stoull(size);
        item.lba = std::stoull(line.substr(open + 1, close - open - 1));
        lines.push_back(std::move(item));
    }
    return lines;
}

} // namespace discwright::test
