#pragma once

#include <functional>
#include <string>

namespace model {

// The points where a test may hold an action between two of its steps, to see or change the
// cluster there (KeePassXC's MessageBox::setNextAnswer, for actions). app::Console takes the seams
// to use and its action runner hands them to each executor it makes; a test gives its own through
// the same path. These hold nothing: each goes on at once.
class ActionSeams {
public:
    virtual ~ActionSeams() = default;

    // A swap's plan has read `service`'s staging Service and not yet its live one.
    virtual void betweenSwapReads(const std::string& service, std::function<void()> resume)
    {
        (void)service;
        resume();
    }
    // A swap has switched the live Services and not yet staging.
    virtual void betweenSwapPatches(std::function<void()> resume) { resume(); }
    // A deploy has patched its Deployment and not yet read the live Service for its guard.
    virtual void afterDeployPatch(std::function<void()> resume) { resume(); }

    // Seams that hold nothing, for executors given none.
    static ActionSeams& none()
    {
        static ActionSeams seams;
        return seams;
    }
};

} // namespace model
