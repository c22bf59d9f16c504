// The rows of the model manager: the installed models (the shipped one first) and the
// catalogue's models that are not installed, with the state of their downloads.
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QUrl>

#include <functional>
#include <vector>

namespace ls::ui {

struct ModelRow {
    QString name;  // the folder's or the catalogue's name
    QString title, description, licence, licenceUrl, url;
    int resolution = 0;  // 0: not known
    QString sizeText;    // "363.0 MB" or "size unknown"
    QString section;     // "installed" or "catalogue"
    // installed, available, partial, queued, downloading, verifying, unsupported
    QString state;
    double progress = -1;  // 0..1 while downloading, -1 when the total is unknown
    QString bytesText;     // "12.3 MB of 363.0 MB", "12.3 MB downloaded so far"
    QString path;          // an installed model's manifest.json (for EditorController)
    bool shipped = false;  // comes with Latent Studio (read-only)
    bool link = false;     // the model file is a link to the user's own file
};

class ModelListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by ModelStore")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        TitleRole,
        DescriptionRole,
        ResolutionRole,
        LicenceRole,
        LicenceUrlRole,
        SizeTextRole,
        SectionRole,
        StateRole,
        ProgressRole,
        BytesTextRole,
        PathRole,
        FileUrlRole,  // QUrl of path, for EditorController.loadModel
        UrlRole,
        ShippedRole,
        LinkRole
    };

    using QAbstractListModel::QAbstractListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    const std::vector<ModelRow>& rows() const { return rows_; }
    // The row called `name` in `section` ("" for any), or nullptr.
    const ModelRow* find(const QString& name, const QString& section = {}) const;
    // Replaces the rows: in place (dataChanged) when the names and sections are the same, so
    // that a view keeps its scroll position, else with a reset.
    void set_rows(std::vector<ModelRow> rows);
    // Changes the catalogue row `name` in place (progress of a download).
    void update(const QString& name, const std::function<void(ModelRow&)>& change);

  Q_SIGNALS:
    void countChanged();

  private:
    std::vector<ModelRow> rows_;
};

}  // namespace ls::ui
