#pragma once
// Where the editor keeps the unsaved work of each running window, and how a new window finds
// the work of one that did not end cleanly.
//
// Every running editor autosaves into a folder of its own under the recovery root, holding a
// lock file there for as long as it runs. A folder whose lock nobody holds (its process is
// gone) is work left by a crash: the next editor claims it (takes its lock, so that no third
// editor offers it too) and offers to restore it. A second editor started while the first
// runs therefore neither offers nor deletes the first one's live autosave.

#include <QString>

#include <memory>

class QLockFile;

namespace ls::ui {

class RecoveryStore {
  public:
    // `root` is created when missing. Recovery files of earlier versions (recovery.json right
    // in the root, or a "recovery-previous" folder beside it) become claimable folders.
    explicit RecoveryStore(const QString& root);
    // A clean exit: this editor's own folder goes; a claimed folder nobody restored or
    // discarded is released, to be offered again next time.
    ~RecoveryStore();
    RecoveryStore(const RecoveryStore&) = delete;
    RecoveryStore& operator=(const RecoveryStore&) = delete;

    // This editor's autosave file (its folder exists).
    QString autosave_path() const;
    // The crashed session's file this editor claimed, or empty.
    QString orphan_path() const;
    // Deletes the claimed folder (restored or declined).
    void discard_orphan();

  private:
    void migrate_earlier_versions();
    void claim_newest_orphan();

    QString root_;
    QString own_dir_;
    std::unique_ptr<QLockFile> own_lock_;
    QString orphan_dir_;
    std::unique_ptr<QLockFile> orphan_lock_;
};

}  // namespace ls::ui
