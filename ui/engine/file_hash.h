// Checksums of the files a session depends on (its photo, its model's generator).
#pragma once

#include <QString>

namespace ls::ui {

// The SHA-256 of a file as hex; empty when it cannot be read.
QString file_sha256(const QString& path);

}  // namespace ls::ui
