#include "direction_list_model.h"

namespace ls::ui {

int DirectionListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(items_.size());
}

QVariant DirectionListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const DirectionItem& d = items_[static_cast<size_t>(index.row())];
    switch (role) {
        case NameRole:
            return d.name;
        case DetailRole:
            return d.detail;
        case RangeLabelRole:
            return d.rangeLabel;
        case DescriptionRole:
            return d.description;
        case FirstLayerRole:
            return d.first_layer;
        case LastLayerRole:
            return d.last_layer;
        case ScaleRole:
            return d.scale;
        case ValueRole:
            return d.value;
        case ReadOnlyRole:
            return d.read_only;
        case StripRole:
            return d.strip;
        case HasStripRole:
            return !d.strip.isNull();
        case StripStaleRole:
            return d.strip_stale;
        case StripRequestRole:
            return strip_request_;
        case NumberRole:
            return index.row() + 1;
        default:
            return {};
    }
}

QHash<int, QByteArray> DirectionListModel::roleNames() const {
    return {{NameRole, "name"},
            {DetailRole, "detail"},
            {RangeLabelRole, "rangeLabel"},
            {DescriptionRole, "description"},
            {FirstLayerRole, "firstLayer"},
            {LastLayerRole, "lastLayer"},
            {ScaleRole, "scale"},
            {ValueRole, "value"},
            {ReadOnlyRole, "readOnly"},
            {StripRole, "strip"},
            {HasStripRole, "hasStrip"},
            {StripStaleRole, "stripStale"},
            {StripRequestRole, "stripRequest"},
            {NumberRole, "number"}};
}

void DirectionListModel::set_items(std::vector<DirectionItem> items) {
    beginResetModel();
    items_ = std::move(items);
    endResetModel();
    Q_EMIT countChanged();
}

void DirectionListModel::set_strip(int row, const QImage& strip) {
    if (row < 0 || row >= rowCount()) return;
    items_[static_cast<size_t>(row)].strip = strip;
    items_[static_cast<size_t>(row)].strip_stale = false;
    const QModelIndex i = index(row);
    Q_EMIT dataChanged(i, i, {StripRole, HasStripRole, StripStaleRole});
}

void DirectionListModel::mark_strips_stale() {
    for (auto& d : items_) d.strip_stale = true;
    ++strip_request_;
    if (!items_.empty()) {
        Q_EMIT dataChanged(index(0), index(rowCount() - 1), {StripStaleRole, StripRequestRole});
    }
}

}  // namespace ls::ui
