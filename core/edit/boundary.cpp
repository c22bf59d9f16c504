#include "edit/boundary.h"

#include <linear.h>

#include <algorithm>
#include <memory>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>

namespace ls::edit {

namespace {

// Indices of the samples that train and validate, for each side of the ranking.
struct Selection {
    std::vector<int64_t> train_pos, train_neg, val_pos, val_neg;
};

int64_t chosen_count(int64_t n, double ratio) {
    if (!(ratio > 0)) throw std::invalid_argument("--ratio must be positive");
    const int64_t chosen = ratio <= 1 ? static_cast<int64_t>(static_cast<double>(n) * ratio)
                                      : static_cast<int64_t>(ratio);
    return std::min(chosen, n / 2);
}

Selection select_samples(const std::vector<double>& scores, const BoundaryOptions& o) {
    const auto n = static_cast<int64_t>(scores.size());
    const int64_t chosen = chosen_count(n, o.ratio);
    const auto train = static_cast<int64_t>(static_cast<double>(chosen) * o.split);
    if (chosen < 2 || train < 1) {
        throw std::invalid_argument("too few codes: " + std::to_string(n) + " codes leave " +
                                    std::to_string(chosen) +
                                    " per side at this ratio; give more codes or a larger --ratio");
    }
    std::vector<int64_t> order(scores.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](int64_t a, int64_t b) { return scores[a] > scores[b]; });
    std::vector<int64_t> pos(order.begin(), order.begin() + chosen);
    std::vector<int64_t> neg(order.end() - chosen, order.end());
    std::mt19937_64 rng(o.seed);
    std::shuffle(pos.begin(), pos.end(), rng);
    std::shuffle(neg.begin(), neg.end(), rng);
    Selection s;
    s.train_pos.assign(pos.begin(), pos.begin() + train);
    s.val_pos.assign(pos.begin() + train, pos.end());
    s.train_neg.assign(neg.begin(), neg.begin() + train);
    s.val_neg.assign(neg.begin() + train, neg.end());
    return s;
}

// liblinear's sparse rows for dense codes, each with the bias feature and the terminator.
struct Problem {
    std::vector<feature_node> nodes;
    std::vector<feature_node*> rows;
    std::vector<double> labels;
    problem prob{};
};

void build_problem(const at::Tensor& codes, const std::vector<int64_t>& pos,
                   const std::vector<int64_t>& neg, Problem* p) {
    const int64_t d = codes.size(1);
    const auto* data = codes.data_ptr<double>();
    const size_t count = pos.size() + neg.size();
    p->nodes.resize(count * static_cast<size_t>(d + 2));
    size_t k = 0;
    auto add = [&](int64_t i, double label) {
        p->rows.push_back(&p->nodes[k]);
        p->labels.push_back(label);
        for (int64_t j = 0; j < d; ++j) p->nodes[k++] = {static_cast<int>(j + 1), data[i * d + j]};
        p->nodes[k++] = {static_cast<int>(d + 1), 1.0};  // the bias feature
        p->nodes[k++] = {-1, 0.0};
    };
    for (int64_t i : pos) add(i, +1);  // first, so that liblinear's label[0] is +1
    for (int64_t i : neg) add(i, -1);
    p->prob.l = static_cast<int>(count);
    p->prob.n = static_cast<int>(d + 1);
    p->prob.y = p->labels.data();
    p->prob.x = p->rows.data();
    p->prob.bias = 1.0;
}

double accuracy(const at::Tensor& codes, const std::vector<int64_t>& pos,
                const std::vector<int64_t>& neg, const at::Tensor& w, double b) {
    if (pos.empty() && neg.empty()) return 0;
    const at::Tensor v = at::matmul(codes, w) + b;
    int64_t right = 0;
    for (int64_t i : pos) right += v[i].item<double>() > 0;
    for (int64_t i : neg) right += v[i].item<double>() <= 0;
    return static_cast<double>(right) / static_cast<double>(pos.size() + neg.size());
}

void quiet(const char*) {}

}  // namespace

BoundaryResult train_boundary(const at::Tensor& codes_in, const std::vector<double>& scores,
                              const BoundaryOptions& o) {
    at::Tensor codes = codes_in.to(at::kCPU, at::kDouble);
    if (codes.dim() == 3 && codes.size(1) == 1) codes = codes.squeeze(1);
    if (codes.dim() != 2) throw std::invalid_argument("codes must be [N, w_dim]");
    codes = codes.contiguous();
    if (static_cast<int64_t>(scores.size()) != codes.size(0)) {
        throw std::invalid_argument(std::to_string(codes.size(0)) + " codes but " +
                                    std::to_string(scores.size()) + " scores");
    }
    if (!(o.split > 0 && o.split <= 1)) throw std::invalid_argument("split must be in (0, 1]");
    const Selection s = select_samples(scores, o);
    Problem p;
    build_problem(codes, s.train_pos, s.train_neg, &p);
    parameter param{};
    param.solver_type = L2R_L2LOSS_SVC_DUAL;
    param.eps = 1e-4;  // scikit-learn's tol; liblinear's own default (0.1) stops early
    param.C = o.c;
    set_print_string_function(&quiet);
    if (const char* err = check_parameter(&p.prob, &param)) {
        throw std::invalid_argument(std::string("liblinear: ") + err);
    }
    std::unique_ptr<model, void (*)(model*)> m(train(&p.prob, &param),
                                               [](model* x) { free_and_destroy_model(&x); });
    const int64_t d = codes.size(1);
    // liblinear's decision value favours label[0]; the positives went in first, but check.
    const double sign = m->label[0] == +1 ? 1.0 : -1.0;
    at::Tensor w = at::empty({d}, at::kDouble);
    for (int64_t j = 0; j < d; ++j) w[j] = sign * m->w[j];
    const double bias = sign * m->w[d];
    const double norm = w.norm().item<double>();
    if (!(norm > 0)) throw std::invalid_argument("the SVM found no boundary (identical codes?)");
    BoundaryResult r;
    r.normal = (w / norm).to(at::kFloat);
    r.bias = bias / norm;
    r.chosen_per_side = static_cast<int64_t>(s.train_pos.size() + s.val_pos.size());
    r.train_count = static_cast<int64_t>(s.train_pos.size() + s.train_neg.size());
    r.validation_count = static_cast<int64_t>(s.val_pos.size() + s.val_neg.size());
    r.train_accuracy = accuracy(codes, s.train_pos, s.train_neg, w, bias);
    r.validation_accuracy = accuracy(codes, s.val_pos, s.val_neg, w, bias);
    return r;
}

}  // namespace ls::edit
