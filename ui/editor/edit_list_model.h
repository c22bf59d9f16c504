// The edit list of the right panel: one row per direction, with its strength, on/off state
// and layer range (a QAbstractListModel with role names for QML, as KDE's Koko does).
#pragma once

#include <QtQml/qqmlregistration.h>
#include <QAbstractListModel>

#include <vector>

#include "engine/render_types.h"

namespace ls::ui {

struct EditRow {
    QString name;
    EditSpec spec;
    double range = 10.0;  // the slider goes from -range to +range
    // From the manifest or the library, where they say: a tooltip, and the slider's ends.
    QString description, low_end, high_end;
};

// The name as a person reads it: a manifest's identifier "hair_colour" becomes "Hair colour";
// names a user typed ("SeFa 3 (middle)") stay as they are.
QString readable_name(const QString& name);

class EditListModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("owned by EditorController")
  public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        StrengthRole,
        EnabledRole,
        FirstLayerRole,
        LastLayerRole,
        RangeRole,
        LabelRole,
        DescriptionRole,
        LowEndRole,
        HighEndRole
    };

    using QAbstractListModel::QAbstractListModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    const std::vector<EditRow>& rows() const { return rows_; }
    void set_rows(std::vector<EditRow> rows);
    void append(EditRow row);
    void remove(int row);
    void set_strength(int row, double value);
    void set_enabled(int row, bool enabled);
    void set_layers(int row, int first, int last);
    std::vector<EditSpec> specs() const;

  private:
    void changed(int row, int role);
    std::vector<EditRow> rows_;
};

}  // namespace ls::ui
