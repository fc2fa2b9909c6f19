#include "model/rules/join.h"

namespace model {

namespace {

// One awaited answer: reports once, when called, or when the last copy of its callback goes.
struct Part {
    std::weak_ptr<Join> join;
    std::string what;
    bool reported = false;
    std::function<void(bool, const std::string&)> report;

    ~Part()
    {
        if (!reported && report)
            report(false, what);
    }
};

} // namespace

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
    p->what = std::move(what);
    // The part holds the join alive until it reports, so a join whose parts are in flight is not
    // lost when the code that made it returns.
    p->report = [self = shared_from_this()](bool answered, const std::string& w) { self->report(answered, w); };
    return [p] {
        if (p->reported)
            return;
        p->reported = true;
        auto report = std::move(p->report);
        report(true, p->what);
    };
}

void Join::seal()
{
    m_sealed = true;
    finishIfDone();
}

void Join::report(bool answered, const std::string& what)
{
    --m_outstanding;
    if (!answered)
        m_result.missing.push_back(what.empty() ? std::string("an answer") : what);
    finishIfDone();
}

void Join::finishIfDone()
{
    if (m_finished || !m_sealed || m_outstanding > 0)
        return;
    m_finished = true;
    auto done = std::move(m_done);
    done(m_result);
}

} // namespace model
