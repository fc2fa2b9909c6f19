// signalbox diff SERVICE [--from live|staging|sandbox|a|b] [--to staging|sandbox|live|a|b] [-o json]:
// what differs between the Deployments two slots run (model::diffSlots), differences first. Reads the
// live and staging Services, slots A and B (and the sandbox when named), then the ConfigMaps both sides
// name at the same place; a ConfigMap that may not be read is said, not an error. Exit 0 whether or not
// the slots differ.
#include "app/exitcodes.h"
#include "commands.h"
#include "model/observe/slotdiffread.h"
#include "session.h"

#include <QCoreApplication>

namespace cli {

void diff(Session& s)
{
    const model::ServiceSpec* named = s.requireService();
    if (!named)
        return;
    const model::ServiceSpec spec = *named;
    const std::string from = s.options().from.isEmpty() ? "live" : s.options().from.toStdString();
    const std::string to = s.options().to.isEmpty() ? "staging" : s.options().to.toStdString();
    if (!model::knownDiffSide(from) || !model::knownDiffSide(to)) {
        complain("--from and --to take live, staging, sandbox, a or b: signalbox diff " + spec.name +
                 " --from live --to staging.");
        QCoreApplication::exit(app::Usage);
        return;
    }
    model::readSlotDiff(s.client(), spec, from, to, QCoreApplication::instance(), [&s](model::SlotDiffAnswer a) {
        if (a.error) {
            s.fail(*a.error);
        } else if (!a.diff) {
            complain(a.problem);
            QCoreApplication::exit(app::Failed);
        } else {
            if (s.options().json)
                sayJson(a.diff->toJson());
            else
                write(stdout, a.diff->describe());
            QCoreApplication::exit(app::Done);
        }
    });
}

} // namespace cli
