// A list of directions for QML: the candidates a discovery found (with their preview strips)
// or the model's direction library (the manifest's read-only ones first).
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>
#include <QImage>

#include <vector>

namespace ls::ui {

struct DirectionItem {
    QString name;        // the library's name, or the candidate's "SeFa 3"
    QString detail;      // "eigenvalue 12.3", "σ 0.84", "layers 4-7, ±3"
    QString rangeLabel;  // "middle" or "layers 4-7"
    QString description;
    QString low_end, high_end;     // what the slider's ends do, where the manifest says
    std::vector<float> direction;  // [w_dim] or [num_ws * w_dim]
    int first_layer = 0, last_layer = 0;
    double scale = 10.0;  // the slider's range when added to the edit list
    double value = 0.0;   // eigenvalue or standard deviation
    bool read_only = false;
    QImage strip;
    bool strip_stale = false;  // shown until its new one comes
};

class DirectionListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by EditorController")
    Q_PROPERTY(int count READ rowCount NOTIFY countChanged)
  public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        DetailRole,
        RangeLabelRole,
        DescriptionRole,
        FirstLayerRole,
        LastLayerRole,
        ScaleRole,
        ValueRole,
        ReadOnlyRole,
        StripRole,
        HasStripRole,
        StripStaleRole,
        StripRequestRole,
        NumberRole
    };

    using QAbstractListModel::QAbstractListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    const std::vector<DirectionItem>& items() const { return items_; }
    void set_items(std::vector<DirectionItem> items);
    void set_strip(int row, const QImage& strip);
    // Marks every strip stale and changes every row's strip request number: the rows in view
    // ask for a new strip (again, even when the last one they asked for has not come yet) and
    // keep showing the old one until it comes.
    void mark_strips_stale();

  Q_SIGNALS:
    void countChanged();

  private:
    std::vector<DirectionItem> items_;
    int strip_request_ = 0;
};

}  // namespace ls::ui
