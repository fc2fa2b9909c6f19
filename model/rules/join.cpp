#include "model/rules/join.h"

#include <algorithm>

namespace model {

namespace {

// One awaited answer: reports once, when called, or when the last copy of its callback goes.
struct Part {
    std::size_t index = 0; // in the order handed out
    std::string what;
    bool reported = false;
    std::function<void(bool, std::size_t, const std::string&)> report;

    ~Part()
    {
        if (!reported && report)
            report(false, index, what);
    }
};

} // namespace

bool Join::Result::lacks(const std::string& what) const
{
    return std::find(missing.begin(), missing.end(), what) != missing.end();
}

std::string Join::Result::list() const
{
    std::string out;
    for (std::size_t i = 0; i < missing.size(); ++i)
        out += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
    return out;
}

net::Error Join::Result::error() const
{
    net::Error e;
    e.kind = net::Error::Kind::Transport;
    e.cause = net::Error::Cause::Cancelled;
    e.message = "No answer came for " + list() + " (the request was dropped before it was answered). Try again.";
    return e;
}

std::shared_ptr<Join> Join::make(std::function<void(const Result&)> done)
{
    return std::shared_ptr<Join>(new Join(std::move(done)));
}

std::shared_ptr<Join> Join::make(std::function<void()> done)
{
    return make([done = std::move(done)](const Result&) { done(); });
}

std::function<void()> Join::part(std::string what)
{
    ++m_outstanding;
    auto p = std::make_shared<Part>();
    p->index = m_handedOut++;
    p->what = std::move(what);
    // The part holds the join alive until it reports, so a join whose parts are in flight is not
    // lost when the code that made it returns.
    p->report = [self = shared_from_this()](bool answered, std::size_t index, const std::string& w) {
        self->report(answered, index, w);
    };
    return [p] {
        if (p->reported)
            return;
        p->reported = true;
        auto report = std::move(p->report);
        report(true, p->index, p->what);
    };
}

void Join::seal()
{
    m_sealed = true;
    finishIfDone();
}

void Join::report(bool answered, std::size_t index, const std::string& what)
{
    --m_outstanding;
    if (!answered)
        m_dropped.emplace_back(index, what.empty() ? std::string("an answer") : what);
    finishIfDone();
}

void Join::finishIfDone()
{
    if (m_finished || !m_sealed || m_outstanding > 0)
        return;
    m_finished = true;
    // Said in the order handed out, whatever order the parts were dropped in.
    std::sort(m_dropped.begin(), m_dropped.end());
    for (auto& [index, what] : m_dropped)
        m_result.missing.push_back(std::move(what));
    auto done = std::move(m_done);
    done(m_result);
}

} // namespace model
