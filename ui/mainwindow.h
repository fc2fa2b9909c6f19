#pragma once

#include "model/connectioninfo.h"

#include <QMainWindow>

class QLabel;

namespace ui {

class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);

    void setConnection(const model::ConnectionInfo& info);

private:
    QLabel* m_connection = nullptr;
    QLabel* m_problem = nullptr;
};

} // namespace ui
