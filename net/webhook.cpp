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
            // Its path may hold the secret: name the host at most.
            done(Error::config("The notification webhook is not an http(s) URL" +
                               (url.host().isEmpty() ? std::string() : " (host " + url.host().toStdString() + ")") +
                               "; fix it in the configuration or --notify."));
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
    request.body = payload(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    request.timeout = std::chrono::milliseconds(10000);
    request.bodyLimit = maxAnswerBytes;
    const std::string host = url.host().toStdString();
    const auto timeout = request.timeout;
    m_transport->start(endpoint, request, [done, host, timeout](Result<HttpResponse> r) {
        if (!done)
            return;
        if (!r) {
            done(transportError(r.error(), host, timeout));
            return;
        }
        if (r->status < 200 || r->status >= 300) {
            // The webhook URL holds its secret in the path: name only the host.
            Error e;
            e.kind = Error::Kind::Api;
            e.httpStatus = static_cast<int>(r->status);
            e.message = "The notification webhook at " + host + " answered HTTP " + std::to_string(r->status) +
                        "; check its URL.";
            done(e);
            return;
        }
        done(std::move(r));
    });
}

Error ChatWebhook::transportError(Error e, const std::string& host, std::chrono::milliseconds timeout)
{
    // The detail may quote the URL; only the host and the cause leave here.
    e.detail = e.detail.substr(0, e.detail.find(':'));
    const std::string webhook = "The notification webhook at " + host;
    using Cause = Error::Cause;
    switch (e.cause) {
    case Cause::Dns:
        e.message = webhook + " cannot be found (its name does not resolve). Check the webhook URL, and your "
                              "network or DNS.";
        break;
    case Cause::Connect:
        e.message = webhook + " cannot be reached: nothing answers there. Check the webhook URL and your network; "
                              "the chat service may be down.";
        break;
    case Cause::Timeout:
        e.message = webhook + " did not answer within " + std::to_string(timeout.count() / 1000) +
                    " s. The chat service or the network is slow; the notification was not sent.";
        break;
    case Cause::Tls:
    case Cause::TlsFiles:
        e.message = webhook + " has a certificate that is not trusted here. Check the webhook URL; do not send "
                              "notifications over an unchecked connection.";
        break;
    case Cause::TooLarge:
        e.message = webhook + " answered with more than " + sizeText(e.limit) +
                    ", more than a chat service's answer should be, so Signalbox stopped reading it; the "
                    "notification may not have arrived. Check the webhook URL.";
        break;
    case Cause::ProxyDns:
    case Cause::ProxyConnect:
    case Cause::ProxyRefused:
        e.message = "The proxy on the way to the notification webhook at " + host +
                    " failed. Check the https_proxy and no_proxy variables.";
        break;
    default:
        e.message = webhook + " could not be reached (" + e.detail + "). The notification was not sent.";
        break;
    }
    return e;
}

} // namespace net
