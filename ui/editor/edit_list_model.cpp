#include "edit_list_model.h"

#include <QRegularExpression>

namespace ls::ui {

QString readable_name(const QString& name) {
    static const QRegularExpression identifier(QStringLiteral("^[a-z][a-z0-9_]*$"));
    if (!identifier.match(name).hasMatch()) return name;
    QString out = name;
    out.replace(QLatin1Char('_'), QLatin1Char(' '));
    out[0] = out[0].toUpper();
    return out;
}

int EditListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant EditListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const EditRow& r = rows_[static_cast<size_t>(index.row())];
    switch (role) {
        case NameRole:
            return r.name;
        case StrengthRole:
            return r.spec.strength;
        case EnabledRole:
            return r.spec.enabled;
        case FirstLayerRole:
            return r.spec.first_layer;
        case LastLayerRole:
            return r.spec.last_layer;
        case RangeRole:
            return r.range;
        case LabelRole:
            return readable_name(r.name);
        case DescriptionRole:
            return r.description;
        case LowEndRole:
            return r.low_end;
        case HighEndRole:
            return r.high_end;
        default:
            return {};
    }
}

QHash<int, QByteArray> EditListModel::roleNames() const {
    return {{NameRole, "name"},           {StrengthRole, "strength"},
            {EnabledRole, "editEnabled"}, {FirstLayerRole, "firstLayer"},
            {LastLayerRole, "lastLayer"}, {RangeRole, "range"},
            {LabelRole, "label"},         {DescriptionRole, "description"},
            {LowEndRole, "lowEnd"},       {HighEndRole, "highEnd"}};
}

void EditListModel::set_rows(std::vector<EditRow> rows) {
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

void EditListModel::append(EditRow row) {
    const int at = rowCount();
    beginInsertRows({}, at, at);
    rows_.push_back(std::move(row));
    endInsertRows();
}

void EditListModel::remove(int row) {
    if (row < 0 || row >= rowCount()) return;
    beginRemoveRows({}, row, row);
    rows_.erase(rows_.begin() + row);
    endRemoveRows();
}

void EditListModel::changed(int row, int role) {
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {role});
}

void EditListModel::set_strength(int row, double value) {
    if (row < 0 || row >= rowCount()) return;
    rows_[static_cast<size_t>(row)].spec.strength = value;
    changed(row, StrengthRole);
}

void EditListModel::set_enabled(int row, bool enabled) {
    if (row < 0 || row >= rowCount()) return;
    rows_[static_cast<size_t>(row)].spec.enabled = enabled;
    changed(row, EnabledRole);
}

void EditListModel::set_layers(int row, int first, int last) {
    if (row < 0 || row >= rowCount()) return;
    auto& spec = rows_[static_cast<size_t>(row)].spec;
    spec.first_layer = first;
    spec.last_layer = last;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {FirstLayerRole, LastLayerRole});
}

std::vector<EditSpec> EditListModel::specs() const {
    std::vector<EditSpec> out;
    for (const auto& r : rows_) out.push_back(r.spec);
    return out;
}

}  // namespace ls::ui
