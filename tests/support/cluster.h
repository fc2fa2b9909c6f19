#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>
#include <memory>
#include <vector>

// The example (deploy/examples/uro) on the local control plane, as the cluster and GUI tests read
// and arrange it: every helper works in namespace uro as admin, through kubectl. Those that change
// something return whether it worked and say why not (qWarning) when it did not.
namespace testsupport {

// The annotation the rig's pod app answers by: ok (or none), fail, slow, reset.
inline const QString podHealthKey = QStringLiteral("test.signalbox.v-sekai.org/health");

// `jsonpath` of an object in namespace uro (or `ns`), trimmed; empty when there is no such object.
QString field(const QString& kind, const QString& name, const QString& jsonpath,
              const QString& ns = QStringLiteral("uro"));
// The slot the Service selects now ("a", "b").
QString selectorOf(const QString& service);
// The history annotation of an object, as written.
QString historyOf(const QString& kind, const QString& name);
// How many entries the history annotation of Service `service` in uro holds.
int historyLength(const QString& service);

// Points `service` at `live` and `service`-staging at `staging`.
bool setSlots(const QString& service, const QString& live, const QString& staging);
// Both example services (uro and uro-frontend) live on A and staging on B.
bool setExampleSlots();
// Removes the history annotation of an object and its author lines.
bool clearHistory(const QString& kind, const QString& name, const QString& ns = QStringLiteral("uro"));
// Installs (or removes) deploy/policy/history-authors.yaml as the admin and waits until the API
// server enforces it (or no longer does): a server-side dry run of a history the admin does not
// sign, on Deployment uro-a of namespace uro, is refused (or admitted). False when it does not
// come to that within 30 s; `why` then says what happened.
bool setHistoryAuthorsPolicy(bool on, QString* why = nullptr);
// Moves uro-frontend's Services into `group` (as a colleague with kubectl would).
bool setFrontendGroup(const QString& group);

// The pods of slot `slot` of `app`, by name, sorted; runningPods() only those in phase Running.
QStringList podsOf(const QString& slot, const QString& app = QStringLiteral("uro"));
QStringList runningPods(const QString& slot, const QString& app = QStringLiteral("uro"));
// Sets `keyValue` ("key=value", or "key-" to remove it) on every pod of the slot.
bool annotatePods(const QString& slot, const QString& keyValue, const QString& app = QStringLiteral("uro"));
// Tells the rig's pod app how `pod` (or every pod of the slot) answers (podHealthKey); an empty
// `how` removes the annotation.
bool setPodHealth(const QString& pod, const QString& how);
bool setSlotHealth(const QString& slot, const QString& how, const QString& app = QStringLiteral("uro"));
// Removes the annotations that shape the rig app's answers (how, the failing message, the pod it
// claims to be) from every pod of slots A and B of `apps`.
bool clearPodHealth(const QStringList& apps = {QStringLiteral("uro")});
// Appends a line to a pod's log as its container would (scripts/cluster logs-append).
bool appendLog(const QString& pod, const QString& line);

bool rolledOut(const QString& deployment, const QString& ns = QStringLiteral("uro"));
// The four slot Deployments of the example are rolled out.
bool exampleRolledOut();
bool applyExample();
// The example as the tests expect it: applied afresh, no history recorded, live on slot a and
// staging on slot b for both services, every slot rolled out. Fails the current test otherwise.
void resetExample();

// Changes between uro's slots that a diff shows (signalbox diff, Compare slots, the confirm dialogs): live
// (slot a) on ConfigMap uro-config and database db-v1, staging (slot b) on uro-config-v2, whose content
// differs, and db-v2; both read DATABASE_PASSWORD from Secret uro-db, whose value is `secret`.
bool arrangeSlotChanges(const QByteArray& secret);
bool setUroSecret(const QByteArray& value);
// Takes the changes out (env, envFrom, the ConfigMaps and the Secret) and puts the example back.
bool undoSlotChanges();

// Users of uro's live and staging Services (`scripts/cluster traffic`, RATE requests a second each, to
// PATH) in the background for at most `seconds`; stopped when this goes, or by stop().
class Traffic {
public:
    Traffic() = default;
    Traffic(const Traffic&) = delete;
    Traffic& operator=(const Traffic&) = delete;
    ~Traffic() { stop(); }
    // False when a source did not start.
    bool start(int seconds, const QString& path = QStringLiteral("/api/v1/shards"), int rate = 20);
    void stop();

private:
    std::vector<std::unique_ptr<QProcess>> m_sources;
};

} // namespace testsupport
