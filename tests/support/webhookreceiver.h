#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>

namespace testsupport {

// A chat webhook on 127.0.0.1 for tests: keeps every request it is sent and answers 204.
class WebhookReceiver : public QTcpServer {
public:
    WebhookReceiver()
    {
        listen(QHostAddress::LocalHost);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                auto* buffer = new QByteArray;
                connect(s, &QObject::destroyed, s, [buffer] { delete buffer; });
                connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
                    *buffer += s->readAll();
                    const qsizetype end = buffer->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    const qsizetype at = buffer->toLower().indexOf("content-length:");
                    const int length = at < 0 ? 0 : buffer->mid(at + 15, 12).split('\r').first().trimmed().toInt();
                    if (buffer->size() < end + 4 + length)
                        return;
                    m_requests << *buffer;
                    buffer->clear();
                    s->write("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
                });
            }
        });
    }

    QString url(const QString& path = QStringLiteral("/api/webhooks/123/secret-part")) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(serverPort()).arg(path);
    }
    const QList<QByteArray>& requests() const { return m_requests; }
    // The `content` of each message received, oldest first.
    QStringList contents() const
    {
        QStringList out;
        for (const QByteArray& r : m_requests)
            out << QJsonDocument::fromJson(r.mid(r.indexOf("\r\n\r\n") + 4))
                       .object()
                       .value(QStringLiteral("content"))
                       .toString();
        return out;
    }

private:
    QList<QByteArray> m_requests;
};

} // namespace testsupport
