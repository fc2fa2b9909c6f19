#pragma once

// Facts for the rule tables, taken from the recorded objects of tests/data/model/ (the example
// services as the local control plane listed them: live on slot A, staging on slot B, both slots
// rolled out) and changed per case.
#include "model/rules/rules.h"
#include "model/state/servicestate.h"
#include "support/testsupport.h"

#include <QFile>

namespace rulefacts {

inline nlohmann::json loadList(const QString& name)
{
    QFile f(testsupport::testDataDir() + QStringLiteral("/model/") + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing test data %s", qPrintable(name));
    return nlohmann::json::parse(f.readAll().toStdString());
}

template <typename T, typename Parse> T recorded(const QString& file, const std::string& name, Parse parse)
{
    const nlohmann::json list = loadList(file);
    for (const auto& item : list["items"])
        if (item["metadata"]["name"] == name) {
            auto r = parse(item);
            if (!r)
                qFatal("recorded object does not parse: %s", r.error().message.c_str());
            return std::move(r).value();
        }
    qFatal("no recorded object %s", name.c_str());
}

inline kube::Deployment deployment(const std::string& name)
{
    return recorded<kube::Deployment>(QStringLiteral("uro-deployments.json"), name, kube::parseDeployment);
}

inline kube::Deployment sandboxDeployment()
{
    return recorded<kube::Deployment>(QStringLiteral("uro-sandbox-deployments.json"), "uro", kube::parseDeployment);
}

inline kube::Service service(const std::string& name)
{
    return recorded<kube::Service>(QStringLiteral("uro-services.json"), name, kube::parseService);
}

inline model::ServiceSpec spec(const std::string& name)
{
    model::ServiceSpec s;
    s.name = name;
    s.ns = "uro";
    s.group = "uro";
    s.applyDefaults();
    return s;
}

// Everything read and every permission granted.
inline model::SwapFacts swapFacts(const std::string& name)
{
    model::SwapFacts f;
    f.live = service(name);
    f.staging = service(name + "-staging");
    f.a = deployment(name + "-a");
    f.b = deployment(name + "-b");
    f.mayPatchLive = f.mayPatchStaging = f.mayRecord = true;
    f.liveHasAnnotations = true;
    return f;
}

inline model::DeployFacts deployFacts(const std::string& name)
{
    model::DeployFacts f;
    f.live = service(name);
    f.staging = service(name + "-staging");
    f.a = deployment(name + "-a");
    f.b = deployment(name + "-b");
    f.sandbox = sandboxDeployment();
    f.mayPatch = true;
    f.user = "operator";
    oci::ManifestInfo m;
    m.digest = "sha256:" + std::string(64, 'c');
    m.created = "2026-11-01T10:00:00Z";
    m.revision = "8d3c2f41aa";
    f.manifest = m;
    return f;
}

inline kube::Error apiError(int status, const std::string& reason, const std::string& message)
{
    kube::Error e;
    e.kind = kube::Error::Kind::Api;
    e.httpStatus = status;
    e.setReasonText(reason);
    e.message = message;
    return e;
}

inline kube::Error transportError(const std::string& message)
{
    kube::Error e;
    e.kind = kube::Error::Kind::Transport;
    e.message = message;
    return e;
}

inline void selectSlot(kube::Service& s, const std::string& slot)
{
    s.selector["signalbox.v-sekai.org/slot"] = slot;
}

} // namespace rulefacts
