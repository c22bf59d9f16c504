#include "session_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <cmath>
#include <stdexcept>

#include "engine/image_convert.h"
#include "imaging/photo.h"
#include "imaging/photo_crop.h"
#include "io/npy.h"

namespace ls::ui {

namespace {

std::string utf8(const QString& s) {
    return s.toStdString();
}

QString stem_of(const QString& path) {
    return QFileInfo(path).completeBaseName();
}

void check_size(const std::vector<float>& v, int expected, const QString& what) {
    if (static_cast<int>(v.size()) != expected) {
        throw std::runtime_error(utf8(what) + " has " + std::to_string(v.size()) +
                                 " values; the loaded model needs " + std::to_string(expected));
    }
}

QJsonObject photo_json(const SessionPhoto& p, const EditorState& state, const QString& stem) {
    QJsonObject o{{"path", p.path}, {"sha256", p.sha256}};
    if (p.alignment) {
        o["alignment"] =
            QJsonDocument::fromJson(QByteArray::fromStdString(alignment_to_json(*p.alignment)))
                .object();
    }
    o["inversion"] = QJsonObject{{"preset", p.preset},
                                 {"space", p.wplus ? "wplus" : "w"},
                                 {"seed", static_cast<qint64>(p.seed)},
                                 {"steps", p.steps}};
    o["mask"] = state.mask.isNull() ? QJsonValue() : QJsonValue(stem + ".mask.png");
    o["fill_mask"] = state.fill_mask.isNull() ? QJsonValue() : QJsonValue(stem + ".fill.png");
    o["has_code"] = state.frame.has_value();
    return o;
}

SessionPhoto photo_from_json(const QJsonObject& o) {
    SessionPhoto p;
    p.path = o["path"].toString();
    p.sha256 = o["sha256"].toString();
    if (o["alignment"].isObject()) {
        const QByteArray text = QJsonDocument(o["alignment"].toObject()).toJson();
        try {
            p.alignment = alignment_from_json(text.toStdString());
        } catch (const io::FormatError& e) {
            throw std::runtime_error(std::string("the session's crop box: ") + e.what());
        }
    }
    const QJsonObject inv = o["inversion"].toObject();
    p.preset = inv["preset"].toString(QStringLiteral("balanced"));
    p.wplus = inv["space"].toString() != QLatin1String("w");
    p.seed = static_cast<quint64>(inv["seed"].toDouble());
    p.steps = inv["steps"].toInt();
    return p;
}

QImage read_mask_file(const QDir& dir, const QJsonValue& name) {
    if (!name.isString()) return {};
    try {
        return to_qimage(read_mask(utf8(dir.filePath(name.toString()))));
    } catch (const io::FormatError& e) {
        throw std::runtime_error(e.what());
    }
}

// Version 1 kept a single vector added from a file at the file's length; the editor now reads
// it at unit length, as the command line does. The picture stays: the length moves into the
// strength (and the slider's range), direction x strength unchanged.
void to_unit_direction(EditRow* row, int w_dim) {
    if (row->spec.direction.size() != size_t(w_dim)) return;  // per layer: kept as stored
    double norm = 0;
    for (float v : row->spec.direction) norm += double(v) * double(v);
    norm = std::sqrt(norm);
    if (norm == 0 || std::abs(norm - 1) < 1e-6) return;
    for (float& v : row->spec.direction) v = static_cast<float>(double(v) / norm);
    row->spec.strength *= norm;
    row->range *= norm;
}

}  // namespace

QJsonObject session_json(const EditorState& state, const ModelInfo& model, const QString& stem,
                         const std::optional<SessionPhoto>& photo) {
    QJsonObject root;
    root["format"] = "latent-studio-session";
    // Version 2: a single-vector direction added from a file is stored as the command line
    // reads it (unit length); version 1 stored it as the file had it.
    root["version"] = 2;
    root["model"] = QJsonObject{{"name", model.name},
                                {"path", model.path},
                                {"format", model.format},
                                {"resolution", model.resolution},
                                {"sha256", model.sha256}};
    root["source_photo"] = photo ? QJsonValue(photo_json(*photo, state, stem)) : QJsonValue();
    QJsonObject code{{"file", stem + ".code.npy"}};
    code["seed"] = state.seed ? QJsonValue(static_cast<qint64>(*state.seed)) : QJsonValue();
    code["opened_from"] = state.code_source;
    root["code"] = code;
    root["truncation"] = state.truncation;
    QJsonArray edits;
    for (size_t i = 0; i < state.edits.size(); ++i) {
        const EditRow& r = state.edits[i];
        edits.append(QJsonObject{{"name", r.name},
                                 {"direction_file", stem + ".dir" + QString::number(i) + ".npy"},
                                 {"strength", r.spec.strength},
                                 {"layers", QJsonArray{r.spec.first_layer, r.spec.last_layer}},
                                 {"enabled", r.spec.enabled},
                                 {"range", r.range}});
    }
    root["edits"] = edits;
    return root;
}

void save_session(const QString& path, const EditorState& state, const ModelInfo& model,
                  const std::optional<SessionPhoto>& photo) {
    const QString dir = QFileInfo(path).absolutePath();
    const QString stem = stem_of(path);
    try {
        io::NpyArray code;
        code.shape = {1, model.num_ws, model.w_dim};
        code.data = state.base;
        io::write_npy(utf8(QDir(dir).filePath(stem + ".code.npy")), code);
        for (size_t i = 0; i < state.edits.size(); ++i) {
            io::NpyArray d;
            d.data = state.edits[i].spec.direction;
            d.shape = {static_cast<int64_t>(d.data.size())};
            io::write_npy(utf8(QDir(dir).filePath(stem + ".dir" + QString::number(i) + ".npy")), d);
        }
        if (!state.mask.isNull())
            write_mask(utf8(QDir(dir).filePath(stem + ".mask.png")), to_grey(state.mask));
        if (!state.fill_mask.isNull())
            write_mask(utf8(QDir(dir).filePath(stem + ".fill.png")), to_grey(state.fill_mask));
    } catch (const io::FormatError& e) {
        throw std::runtime_error(e.what());
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        throw std::runtime_error("cannot write '" + utf8(path) + "': " + utf8(file.errorString()));
    }
    file.write(QJsonDocument(session_json(state, model, stem, photo)).toJson());
    if (!file.commit()) {
        throw std::runtime_error("cannot write '" + utf8(path) + "': " + utf8(file.errorString()));
    }
}

EditorState load_session(const QString& path, const ModelInfo& model,
                         std::optional<SessionPhoto>* photo, QString* model_sha256) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        throw std::runtime_error("cannot open '" + utf8(path) + "': " + utf8(file.errorString()));
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(file.read(16 << 20), &error);
    const QJsonObject root = doc.object();
    if (error.error != QJsonParseError::NoError || root["format"] != "latent-studio-session") {
        throw std::runtime_error("'" + utf8(path) + "' is not a Latent Studio session");
    }
    if (model_sha256) *model_sha256 = root["model"].toObject()["sha256"].toString();
    const QDir dir = QFileInfo(path).absoluteDir();
    auto read = [&](const QString& name) {
        try {
            return io::read_npy(utf8(dir.filePath(name))).data;
        } catch (const io::FormatError& e) {
            throw std::runtime_error(e.what());
        }
    };
    EditorState s;
    const int version = root["version"].toInt(1);
    const QJsonObject code = root["code"].toObject();
    s.base = read(code["file"].toString());
    check_size(s.base, model.num_ws * model.w_dim, "the session's code");
    if (code["seed"].isDouble()) s.seed = static_cast<quint64>(code["seed"].toDouble());
    s.code_source = code["opened_from"].toString();
    s.truncation = root["truncation"].toDouble(1.0);
    for (const QJsonValue& v : root["edits"].toArray()) {
        const QJsonObject e = v.toObject();
        EditRow row;
        row.name = e["name"].toString();
        row.spec.direction = read(e["direction_file"].toString());
        if (static_cast<int>(row.spec.direction.size()) != model.w_dim) {
            check_size(row.spec.direction, model.num_ws * model.w_dim,
                       "direction '" + row.name + "'");
        }
        row.spec.strength = e["strength"].toDouble();
        const QJsonArray layers = e["layers"].toArray();
        row.spec.first_layer = layers.at(0).toInt(0);
        row.spec.last_layer = layers.at(1).toInt(-1);
        row.spec.enabled = e["enabled"].toBool(true);
        row.range = e["range"].toDouble(10.0);
        if (version < 2) to_unit_direction(&row, model.w_dim);
        s.edits.push_back(std::move(row));
    }
    if (root["source_photo"].isObject()) {
        const QJsonObject o = root["source_photo"].toObject();
        const SessionPhoto p = photo_from_json(o);
        if (o["has_code"].toBool() && p.alignment)
            s.frame = EditorState::PhotoFrame{*p.alignment, {}, {}};
        s.mask = read_mask_file(dir, o["mask"]);
        s.fill_mask = read_mask_file(dir, o["fill_mask"]);
        if (photo) *photo = p;
    }
    return s;
}

}  // namespace ls::ui
