// The editor's file dialogs: Qt Widgets' QFileDialog behind a small QML type.
//
// Why not QtQuick.Dialogs' FileDialog: Qt 6.4's (Debian 12's) non-native implementation
// needs Qt.labs.folderlistmodel (the editor crashed on every dialog without it), labels its
// Save button "Open", ignores a typed name unless Enter is pressed first, glues an absolute
// path onto the current folder and never asks before overwriting. QFileDialog does all of
// that as desktop save dialogs do, and uses the desktop's own dialog where the platform
// theme offers one.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QUrl>

class QFileDialog;

namespace ls::ui {

class FileChooser : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString title MEMBER title_ NOTIFY settingsChanged)
    // "Photos (*.jpg *.png)" and so on; the first is selected when the dialog opens.
    Q_PROPERTY(QStringList nameFilters MEMBER name_filters_ NOTIFY settingsChanged)
    Q_PROPERTY(FileMode fileMode MEMBER file_mode_ NOTIFY settingsChanged)
    // The name proposed in a save dialog ("untitled.png"); its base name is selected.
    Q_PROPERTY(QString suggestedName MEMBER suggested_name_ NOTIFY settingsChanged)
    // Dialogs with the same key share the folder they were last accepted in (remembered
    // across runs); empty: the dialog's own objectName.
    Q_PROPERTY(QString folderKey MEMBER folder_key_ NOTIFY settingsChanged)
    // The folder the dialog opens in; set when a file is chosen. Empty: the remembered one.
    Q_PROPERTY(QUrl currentFolder MEMBER current_folder_ NOTIFY settingsChanged)
    Q_PROPERTY(QUrl selectedFile READ selected_file NOTIFY selectedFileChanged)
    Q_PROPERTY(bool visible READ visible NOTIFY visibleChanged)

  public:
    enum FileMode { OpenFile, SaveFile };
    Q_ENUM(FileMode)

    explicit FileChooser(QObject* parent = nullptr);
    ~FileChooser() override;

    QUrl selected_file() const { return selected_file_; }
    bool visible() const { return !dialog_.isNull(); }

    // Shows the dialog (not blocking); accepted() or rejected() follows.
    Q_INVOKABLE void open();
    Q_INVOKABLE void close();

    // The suffix the first pattern of `filter` gives ("PNG (*.png)" -> "png"); empty for "*".
    static QString suffix_of_filter(const QString& filter);

  Q_SIGNALS:
    void accepted();
    void rejected();
    void settingsChanged();
    void selectedFileChanged();
    void visibleChanged();

  private:
    QString settings_key() const;
    QString start_folder() const;
    void on_accepted(const QString& path);

    QString title_;
    QStringList name_filters_;
    FileMode file_mode_ = OpenFile;
    QString suggested_name_;
    QString folder_key_;
    QUrl current_folder_;
    QUrl selected_file_;
    QPointer<QFileDialog> dialog_;
};

}  // namespace ls::ui
