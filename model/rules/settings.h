#pragma once

#include <optional>

namespace model {

// Where the value of one of the console's settings came from.
enum class SettingSource { Flag, File, Saved, Default };

template <typename T> struct Setting {
    T value;
    SettingSource source;
};

// One precedence for every setting of the console: a command-line flag beats the configuration
// file (services.yaml), which beats the choice last saved from the window (QSettings), which beats
// the default. A flag is for this start only and is never saved. A choice made in the window
// applies at once, whatever set the value at the start, and is saved; it is what a later start
// uses when neither a flag nor the file names a value.
template <typename T>
Setting<T> resolveSetting(const std::optional<T>& flag, const std::optional<T>& file, const std::optional<T>& saved,
                          T fallback)
{
    if (flag)
        return {*flag, SettingSource::Flag};
    if (file)
        return {*file, SettingSource::File};
    if (saved)
        return {*saved, SettingSource::Saved};
    return {fallback, SettingSource::Default};
}

constexpr int maxPollIntervalSeconds = 3600;

// The refresh mode (0: watch; otherwise poll every N seconds). A saved value outside 0..3600
// (an edited settings file) is ignored; flag and file values are checked where they are read.
Setting<int> resolvePollInterval(std::optional<int> flag, std::optional<int> file, std::optional<int> saved);

constexpr int maxWatchSeconds = 86400;

// How long the new live slot is watched after a swap (0: not at all; default 300 s). A saved value
// outside 0..86400 is ignored; flag and file values are checked where they are read.
Setting<int> resolveWatchAfterSwap(std::optional<int> flag, std::optional<int> file, std::optional<int> saved);

// Which kinds of desktop notification are on (model/notifyrules.h decides when each is sent).
enum class NoticeKind { LiveUnhealthy, ChangedByOthers, LongAction };

struct NotificationChoices {
    bool liveUnhealthy = true;
    bool changedByOthers = true;
    bool longActions = true;

    bool on(NoticeKind kind) const;
    void set(NoticeKind kind, bool on);
    bool operator==(const NotificationChoices&) const = default;
};

// Each kind as a file or the saved choices name it; unset: not named there.
struct NotificationSettings {
    std::optional<bool> liveUnhealthy, changedByOthers, longActions;
};

// Each kind by itself: the configuration file, then the choice saved from the window, then on.
// There is no flag.
NotificationChoices resolveNotificationChoices(const NotificationSettings& file, const NotificationSettings& saved);

} // namespace model
