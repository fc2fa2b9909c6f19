#include "model/rules/connectioninfo.h"

namespace model {

namespace {

QString q(const std::string& s)
{
    return QString::fromStdString(s);
}

QString authMethod(const kube::AuthInfo& user)
{
    if (user.exec)
        return QStringLiteral("exec plugin (%1)").arg(q(user.exec->command));
    if (!user.clientCertificateFile.empty() || !user.clientCertificateData.empty())
        return QStringLiteral("client certificate");
    if (!user.token.empty())
        return QStringLiteral("bearer token");
    if (!user.tokenFile.empty())
        return QStringLiteral("token file");
    if (!user.username.empty())
        return QStringLiteral("basic auth");
    if (!user.authProvider.empty())
        return QStringLiteral("auth-provider %1 (unsupported)").arg(q(user.authProvider));
    return QStringLiteral("anonymous");
}

} // namespace

ConnectionInfo describeConnection(const kube::Result<kube::RestConfig>& config)
{
    ConnectionInfo info;
    if (!config) {
        info.problem = q(config.error().message);
        return info;
    }
    const kube::RestConfig& c = config.value();
    info.usable = true;
    for (const auto& f : c.files)
        info.files << q(f);
    info.context = q(c.contextName);
    info.server = q(c.cluster.server);
    info.user = c.user.name.empty() ? QStringLiteral("(service account)") : q(c.user.name);
    info.namespaceName = q(c.namespaceName);
    info.authMethod = c.inCluster ? QStringLiteral("service account token") : authMethod(c.user);
    if (c.cluster.insecureSkipTlsVerify)
        info.warning = QStringLiteral("TLS verification is off for this cluster (insecure-skip-tls-verify): "
                                      "anyone between you and the server can read and change the traffic.");
    return info;
}

} // namespace model
