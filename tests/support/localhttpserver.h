#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>
#include <functional>

namespace testsupport {

// An HTTP/1.1 server on 127.0.0.1 for tests, on the test's own event loop: it keeps the head of
// every request and answers each with what `answer` makes of it (the whole response, status line
// and headers included). The connection is closed after each answer.
class LocalHttpServer : public QTcpServer {
public:
    using Answer = std::function<QByteArray(const QByteArray& requestHead)>;

    explicit LocalHttpServer(Answer answer) : m_answer(std::move(answer))
    {
        listen(QHostAddress::LocalHost);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = nextPendingConnection()) {
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    QByteArray& head = m_partial[s];
                    head += s->readAll();
                    if (!head.contains("\r\n\r\n"))
                        return;
                    m_requests << head;
                    s->write(m_answer(head));
                    m_partial.remove(s);
                    s->disconnectFromHost();
                });
            }
        });
    }

    // "127.0.0.1:PORT"
    QString address() const { return QStringLiteral("127.0.0.1:%1").arg(serverPort()); }
    const QList<QByteArray>& requests() const { return m_requests; }

    // A whole response with a body of `contentType`.
    static QByteArray response(int status, const QByteArray& reason, const QByteArray& contentType,
                               const QByteArray& body)
    {
        return "HTTP/1.1 " + QByteArray::number(status) + " " + reason + "\r\nContent-Type: " + contentType +
               "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    }

private:
    Answer m_answer;
    QList<QByteArray> m_requests;
    QHash<QTcpSocket*, QByteArray> m_partial;
};

} // namespace testsupport
