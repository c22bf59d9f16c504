#include "model_list_model.h"

#include <algorithm>

namespace ls::ui {

int ModelListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

QVariant ModelListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const ModelRow& r = rows_[static_cast<size_t>(index.row())];
    switch (role) {
        case NameRole:
            return r.name;
        case TitleRole:
            return r.title;
        case DescriptionRole:
            return r.description;
        case ResolutionRole:
            return r.resolution;
        case LicenceRole:
            return r.licence;
        case LicenceUrlRole:
            return r.licenceUrl;
        case SizeTextRole:
            return r.sizeText;
        case SectionRole:
            return r.section;
        case StateRole:
            return r.state;
        case ProgressRole:
            return r.progress;
        case BytesTextRole:
            return r.bytesText;
        case PathRole:
            return r.path;
        case FileUrlRole:
            return r.path.isEmpty() ? QUrl() : QUrl::fromLocalFile(r.path);
        case UrlRole:
            return r.url;
        case ShippedRole:
            return r.shipped;
        case LinkRole:
            return r.link;
        default:
            return {};
    }
}

QHash<int, QByteArray> ModelListModel::roleNames() const {
    return {{NameRole, "name"},
            {TitleRole, "title"},
            {DescriptionRole, "description"},
            {ResolutionRole, "resolution"},
            {LicenceRole, "licence"},
            {LicenceUrlRole, "licenceUrl"},
            {SizeTextRole, "sizeText"},
            {SectionRole, "section"},
            {StateRole, "state"},
            {ProgressRole, "progress"},
            {BytesTextRole, "bytesText"},
            {PathRole, "path"},
            {FileUrlRole, "fileUrl"},
            {UrlRole, "url"},
            {ShippedRole, "shipped"},
            {LinkRole, "link"}};
}

const ModelRow* ModelListModel::find(const QString& name, const QString& section) const {
    for (const ModelRow& r : rows_) {
        if (r.name == name && (section.isEmpty() || r.section == section)) return &r;
    }
    return nullptr;
}

void ModelListModel::set_rows(std::vector<ModelRow> rows) {
    const bool same_keys = std::equal(rows.begin(), rows.end(), rows_.begin(), rows_.end(),
                                      [](const ModelRow& a, const ModelRow& b) {
                                          return a.name == b.name && a.section == b.section;
                                      });
    if (same_keys) {
        rows_ = std::move(rows);
        if (!rows_.empty()) Q_EMIT dataChanged(index(0), index(rowCount() - 1));
        return;
    }
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
    Q_EMIT countChanged();
}

void ModelListModel::update(const QString& name, const std::function<void(ModelRow&)>& change) {
    for (size_t i = 0; i < rows_.size(); ++i) {
        if (rows_[i].name != name || rows_[i].section != QLatin1String("catalogue")) continue;
        change(rows_[i]);
        const QModelIndex at = index(static_cast<int>(i));
        Q_EMIT dataChanged(at, at);
    }
}

}  // namespace ls::ui
