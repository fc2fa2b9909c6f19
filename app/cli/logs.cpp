#include "app/exitcodes.h"
#include "commands.h"
#include "model/observe/logstream.h"
#include "session.h"

#include <QCoreApplication>

namespace cli {

namespace {

// Every line as "POD | text", raw as kubectl logs writes it; notes of the stream's own (a pod went
// away) go to stderr.
void printLines(const std::vector<model::LogLine>& batch)
{
    std::string out;
    for (const auto& line : batch) {
        if (line.note) {
            std::fflush(stdout);
            complain(line.text);
            continue;
        }
        out += line.pod + " | " + line.text + "\n";
        if (out.size() > 65536) {
            std::fputs(out.c_str(), stdout);
            out.clear();
        }
    }
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
}

void stream(Session& s, model::LogSource source)
{
    source.pod = s.options().pod;
    auto* logs = new model::LogStream(s.client(), source, s.options().logs, s.work());
    QObject::connect(logs, &model::LogStream::linesAdded, logs, printLines);
    QObject::connect(logs, &model::LogStream::finished, logs, [] { QCoreApplication::exit(app::Done); });
    QObject::connect(logs, &model::LogStream::failed, logs, [&s](const kube::Error& e) { s.fail(e); });
    logs->start();
}

} // namespace

void logs(Session& s)
{
    const model::ServiceSpec* spec = s.requireService();
    if (!spec)
        return;
    model::findSlotPods(s.client(), *spec, s.options().slot, [&s](kube::Result<model::LogSource> source) {
        if (!source) {
            s.fail(source.error());
            return;
        }
        stream(s, source.value());
    });
}

} // namespace cli
