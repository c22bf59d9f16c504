#include "file_chooser.h"

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLineEdit>
#include <QQuickItem>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>
#include <QWindow>

namespace ls::ui {

namespace {

// The window the dialog belongs to: the first QWindow or item's window up the QML tree.
QWindow* owner_window(const QObject* object) {
    for (const QObject* o = object; o; o = o->parent()) {
        if (auto* item = qobject_cast<const QQuickItem*>(o)) return item->window();
        if (auto* window = qobject_cast<const QWindow*>(o)) return const_cast<QWindow*>(window);
    }
    return nullptr;
}

}  // namespace

FileChooser::FileChooser(QObject* parent) : QObject(parent) {}

FileChooser::~FileChooser() {
    if (dialog_) dialog_->deleteLater();
}

QString FileChooser::suffix_of_filter(const QString& filter) {
    static const QRegularExpression pattern(QStringLiteral("\\*\\.([A-Za-z0-9]+)"));
    const QRegularExpressionMatch m = pattern.match(filter);
    return m.hasMatch() ? m.captured(1) : QString();
}

QString FileChooser::settings_key() const {
    const QString key = folder_key_.isEmpty() ? objectName() : folder_key_;
    return QStringLiteral("dialogs/%1/folder").arg(key.isEmpty() ? QStringLiteral("default") : key);
}

QString FileChooser::start_folder() const {
    if (current_folder_.isLocalFile() && QFileInfo(current_folder_.toLocalFile()).isDir())
        return current_folder_.toLocalFile();
    const QString saved = QSettings().value(settings_key()).toString();
    if (!saved.isEmpty() && QFileInfo(saved).isDir()) return saved;
    const QString pictures = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (!pictures.isEmpty() && QFileInfo(pictures).isDir()) return pictures;
    return QDir::homePath();
}

void FileChooser::open() {
    if (dialog_) {
        dialog_->raise();
        dialog_->activateWindow();
        return;
    }
    // QFileDialog is a widget: it needs a QApplication (the editor and its tests have one; a
    // QML unit test with only a QGuiApplication gets a warning instead of a crash).
    if (!qobject_cast<QApplication*>(QCoreApplication::instance())) {
        qWarning("FileChooser: no QApplication, the file dialog cannot open");
        Q_EMIT rejected();
        return;
    }
    auto* dialog = new QFileDialog(nullptr, title_, start_folder());
    dialog->setObjectName(QStringLiteral("fileChooserDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::ApplicationModal);
    const bool save = file_mode_ == SaveFile;
    dialog->setAcceptMode(save ? QFileDialog::AcceptSave : QFileDialog::AcceptOpen);
    dialog->setFileMode(save ? QFileDialog::AnyFile : QFileDialog::ExistingFile);
    if (!name_filters_.isEmpty()) dialog->setNameFilters(name_filters_);
    if (save) {
        // A name typed without an extension gets the selected filter's.
        dialog->setDefaultSuffix(suffix_of_filter(name_filters_.value(0)));
        connect(dialog, &QFileDialog::filterSelected, dialog, [dialog](const QString& filter) {
            dialog->setDefaultSuffix(suffix_of_filter(filter));
        });
        if (!suggested_name_.isEmpty()) dialog->selectFile(suggested_name_);
    }
    connect(dialog, &QFileDialog::fileSelected, this, &FileChooser::on_accepted);
    connect(dialog, &QDialog::rejected, this, &FileChooser::rejected);
    connect(dialog, &QObject::destroyed, this, &FileChooser::visibleChanged);
    dialog_ = dialog;

    dialog->winId();  // creates the native window, so that it can be placed over its owner
    QPointer<QWindow> owner = owner_window(this);
    if (owner && dialog->windowHandle()) dialog->windowHandle()->setTransientParent(owner);
    // The editor's window has the keyboard again once the dialog is gone (its shortcuts work
    // only in the active window; not every window manager gives it back).
    connect(dialog, &QDialog::finished, this, [owner] {
        if (owner) owner->requestActivate();
    });
    dialog->open();
    // As desktop save dialogs do: the name field has the keyboard, its base name selected.
    if (auto* name = dialog->findChild<QLineEdit*>(QStringLiteral("fileNameEdit"))) {
        name->setFocus(Qt::OtherFocusReason);
        if (save) name->setSelection(0, QFileInfo(name->text()).completeBaseName().size());
    }
    Q_EMIT visibleChanged();
}

void FileChooser::close() {
    if (dialog_) dialog_->reject();
}

void FileChooser::on_accepted(const QString& path) {
    if (path.isEmpty()) return;
    current_folder_ = QUrl::fromLocalFile(QFileInfo(path).absolutePath());
    QSettings().setValue(settings_key(), current_folder_.toLocalFile());
    selected_file_ = QUrl::fromLocalFile(path);
    Q_EMIT selectedFileChanged();
    Q_EMIT accepted();
}

}  // namespace ls::ui
