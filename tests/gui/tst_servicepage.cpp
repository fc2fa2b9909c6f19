// The service page's history table on typed entries: an entry nobody can read is a row that
// says why, between the readable ones, newest first.
#include "kube/history.h"
#include "ui/servicepage.h"

#include <QTableWidget>
#include <QTest>

class TestServicePage : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void unreadableEntriesAreRowsThatSayWhy()
    {
        model::ServiceState st;
        st.spec.name = "uro";
        st.history = kube::decodeHistory(
            "[{\"at\":\"2026-01-01T00:00:00Z\",\"user\":\"operator\",\"action\":\"swap\","
            "\"from\":{\"slot\":\"a\",\"tag\":\"1111\"},\"to\":{\"slot\":\"b\",\"tag\":\"2222\",\"image\":\"r:2222\"}},"
            "{\"at\":\"2026-01-02T00:00:00Z\",\"user\":5},\"note\"]");
        ui::ServicePage page;
        page.setService(st);
        QTableWidget* table = page.history();
        QCOMPARE(table->rowCount(), 3);
        QCOMPARE(table->item(0, 2)->text(), QStringLiteral("unreadable entry: a string, not an object: \"note\""));
        QCOMPARE(table->item(1, 0)->text(), QStringLiteral("2026-01-02T00:00:00Z"));
        QCOMPARE(table->item(1, 2)->text(), QStringLiteral("unreadable entry: \"user\" is a number, not a string"));
        QCOMPARE(table->item(1, 1)->text(), QString());
        QCOMPARE(table->item(2, 1)->text(), QStringLiteral("operator"));
        QCOMPARE(table->item(2, 2)->text(), QStringLiteral("swap"));
        QCOMPARE(table->item(2, 3)->text(), QStringLiteral("slot a · 1111"));
        QCOMPARE(table->item(2, 4)->toolTip(), QStringLiteral("r:2222"));
    }
};

QTEST_MAIN(TestServicePage)
#include "tst_servicepage.moc"
