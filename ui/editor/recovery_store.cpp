#include "recovery_store.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QUuid>

namespace ls::ui {

namespace {

const QString kFile = QStringLiteral("recovery.json");
const QString kLock = QStringLiteral("lock");

// A lock is held only while its process runs (Qt checks the PID); never stale by age, since an
// editor may run for days.
std::unique_ptr<QLockFile> try_lock(const QString& dir) {
    auto lock = std::make_unique<QLockFile>(QDir(dir).filePath(kLock));
    lock->setStaleLockTime(0);
    if (!lock->tryLock(0)) return nullptr;
    return lock;
}

// Moves every plain file of `from` into `to` (the side files of a session: its code, its
// directions, its masks).
void move_files(const QString& from, const QString& to) {
    QDir().mkpath(to);
    for (const QFileInfo& f : QDir(from).entryInfoList(QDir::Files | QDir::Hidden))
        QFile::rename(f.absoluteFilePath(), QDir(to).filePath(f.fileName()));
}

}  // namespace

RecoveryStore::RecoveryStore(const QString& root) : root_(root) {
    QDir().mkpath(root_);
    migrate_earlier_versions();
    claim_newest_orphan();
    own_dir_ = QDir(root_).filePath(QUuid::createUuid().toString(QUuid::WithoutBraces));
    QDir().mkpath(own_dir_);
    own_lock_ = try_lock(own_dir_);
}

RecoveryStore::~RecoveryStore() {
    own_lock_.reset();
    QDir(own_dir_).removeRecursively();
}

QString RecoveryStore::autosave_path() const {
    return QDir(own_dir_).filePath(kFile);
}

QString RecoveryStore::orphan_path() const {
    return orphan_dir_.isEmpty() ? QString() : QDir(orphan_dir_).filePath(kFile);
}

void RecoveryStore::discard_orphan() {
    if (orphan_dir_.isEmpty()) return;
    orphan_lock_.reset();
    QDir(orphan_dir_).removeRecursively();
    orphan_dir_.clear();
}

void RecoveryStore::migrate_earlier_versions() {
    const QString stamp = QString::number(QDateTime::currentMSecsSinceEpoch());
    if (QFileInfo::exists(QDir(root_).filePath(kFile)))
        move_files(root_, QDir(root_).filePath(QStringLiteral("earlier-") + stamp));
    const QString previous = QFileInfo(root_).dir().filePath(QStringLiteral("recovery-previous"));
    if (QFileInfo::exists(QDir(previous).filePath(kFile))) {
        move_files(previous, QDir(root_).filePath(QStringLiteral("earlier-previous-") + stamp));
        QDir(previous).removeRecursively();
    }
}

void RecoveryStore::claim_newest_orphan() {
    QDateTime newest;
    for (const QFileInfo& dir : QDir(root_).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QFileInfo file(QDir(dir.absoluteFilePath()).filePath(kFile));
        if (!file.exists()) {
            // A crash before the first autosave leaves an empty folder: tidied when unowned
            // and old (a young one may be an editor starting beside this one, not locked yet).
            const bool old = dir.lastModified().secsTo(QDateTime::currentDateTime()) > 60;
            if (auto lock = old ? try_lock(dir.absoluteFilePath()) : nullptr)
                QDir(dir.absoluteFilePath()).removeRecursively();
            continue;
        }
        if (newest.isValid() && file.lastModified() <= newest) continue;
        std::unique_ptr<QLockFile> lock = try_lock(dir.absoluteFilePath());
        if (!lock) continue;             // a running editor's
        orphan_lock_ = std::move(lock);  // releases the older one claimed before, if any
        orphan_dir_ = dir.absoluteFilePath();
        newest = file.lastModified();
    }
}

}  // namespace ls::ui
