#pragma once

#include "net/error.h"

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace model {

// "When all of these have answered": hands out one callback per answer awaited and runs `done`
// once every one of them has been called, or dropped without being called (an answer that can no
// longer come: its request was cancelled, its owner went away). Nothing is counted by hand, so a
// miscount cannot hang a plan, and `done` learns which answers never came, by name, to say so.
//
//     auto join = Join::make([](const Join::Result& r) { ... r.missing ... });
//     client->get(..., [part = join->part("the live Service")](auto r) { ...; part(); });
//     join->seal(); // no more parts: `done` may run once the last one reports
//
// Single-threaded, like the event loop it serves; `done` runs once, from the last report or from
// seal() when nothing is outstanding.
class Join : public std::enable_shared_from_this<Join> {
public:
    struct Result {
        std::vector<std::string> missing; // the parts dropped without answering, in the order handed out
        bool complete() const { return missing.empty(); }
        // Whether the part handed out as `what` is among the missing.
        bool lacks(const std::string& what) const;
        // The missing parts as one list: "the live Service uro, the Deployment uro-a and the Deployment uro-b".
        std::string list() const;
        // The missing parts as an error to report where a read's error goes: "No answer came for
        // <list> (...). Try again."
        net::Error error() const;
    };

    static std::shared_ptr<Join> make(std::function<void(const Result&)> done);
    // A simpler `done` for joins whose parts always answer.
    static std::shared_ptr<Join> make(std::function<void()> done);

    // One more answer awaited: call the returned function once when it comes. Copies share it.
    std::function<void()> part(std::string what = {});
    // No more parts will be handed out.
    void seal();

    int outstanding() const { return m_outstanding; }

private:
    explicit Join(std::function<void(const Result&)> done) : m_done(std::move(done)) {}
    void report(bool answered, std::size_t index, const std::string& what);
    void finishIfDone();

    std::function<void(const Result&)> m_done;
    Result m_result;
    std::vector<std::pair<std::size_t, std::string>> m_dropped; // by the index handed out
    std::size_t m_handedOut = 0;
    int m_outstanding = 0;
    bool m_sealed = false;
    bool m_finished = false;
};

} // namespace model
