#include "settings.h"

namespace model {

Setting<int> resolvePollInterval(std::optional<int> flag, std::optional<int> file, std::optional<int> saved)
{
    if (saved && (*saved < 0 || *saved > maxPollIntervalSeconds))
        saved.reset();
    return resolveSetting(flag, file, saved, 0);
}

Setting<int> resolveWatchAfterSwap(std::optional<int> flag, std::optional<int> file, std::optional<int> saved)
{
    if (saved && (*saved < 0 || *saved > maxWatchSeconds))
        saved.reset();
    return resolveSetting(flag, file, saved, 300);
}

} // namespace model
