#include "webhook.h"

#include <QUrl>
#include <nlohmann/json.hpp>

namespace net {

ChatWebhook::ChatWebhook(Transport* transport, std::string url, QObject* parent)
    : QObject(parent), m_transport(transport), m_url(std::move(url))
{
}

nlohmann::json ChatWebhook::payload(const std::string& text)
{
    return {{"username", "Signalbox"}, {"content", text}, {"text", text}};
}

void ChatWebhook::send(const std::string& text, std::function<void(Result<HttpResponse>)> done)
{
    const QUrl url(QString::fromStdString(m_url));
    if (m_url.empty() || !url.isValid() ||
        (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))) {
        if (done)
            done(Error::config("The notification webhook \"" + url.toDisplayString(QUrl::RemoveUserInfo).toStdString() +
                               "\" is not an http(s) URL; fix it in the configuration or --notify."));
        return;
    }
    Endpoint endpoint;
    endpoint.server =
        url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment).toString().toStdString();
    HttpRequest request;
    request.method = "POST";
    request.path = url.path(QUrl::FullyEncoded).toStdString();
    if (url.hasQuery())
        request.path += "?" + url.query(QUrl::FullyEncoded).toStdString();
    if (request.path.empty())
        request.path = "/";
    request.contentType = "application/json";
    request.body = payload(text).dump();
    request.timeout = std::chrono::milliseconds(10000);
    m_transport->start(endpoint, request, [done, url](Result<HttpResponse> r) {
        if (!done)
            return;
        if (r && (r->status < 200 || r->status >= 300)) {
            // The webhook URL holds its secret in the path: name only the host.
            done(Error{Error::Kind::Api,
                       static_cast<int>(r->status),
                       {},
                       "The notification webhook at " + url.host().toStdString() + " answered HTTP " +
                           std::to_string(r->status) + "; check its URL.",
                       {}});
            return;
        }
        done(std::move(r));
    });
}

} // namespace net
