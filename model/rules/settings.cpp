#include "model/rules/settings.h"

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

bool NotificationChoices::on(NoticeKind kind) const
{
    switch (kind) {
    case NoticeKind::LiveUnhealthy:
        return liveUnhealthy;
    case NoticeKind::ChangedByOthers:
        return changedByOthers;
    case NoticeKind::LongAction:
        return longActions;
    }
    return false;
}

void NotificationChoices::set(NoticeKind kind, bool value)
{
    switch (kind) {
    case NoticeKind::LiveUnhealthy:
        liveUnhealthy = value;
        break;
    case NoticeKind::ChangedByOthers:
        changedByOthers = value;
        break;
    case NoticeKind::LongAction:
        longActions = value;
        break;
    }
}

NotificationChoices resolveNotificationChoices(const NotificationSettings& file, const NotificationSettings& saved)
{
    NotificationChoices c;
    c.liveUnhealthy = resolveSetting<bool>(std::nullopt, file.liveUnhealthy, saved.liveUnhealthy, true).value;
    c.changedByOthers = resolveSetting<bool>(std::nullopt, file.changedByOthers, saved.changedByOthers, true).value;
    c.longActions = resolveSetting<bool>(std::nullopt, file.longActions, saved.longActions, true).value;
    return c;
}

} // namespace model
