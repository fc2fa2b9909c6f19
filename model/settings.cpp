#include "settings.h"

namespace model {

Setting<int> resolvePollInterval(std::optional<int> flag, std::optional<int> file, std::optional<int> saved)
{
    if (saved && (*saved < 0 || *saved > maxPollIntervalSeconds))
        saved.reset();
    return resolveSetting(flag, file, saved, 0);
}

} // namespace model
