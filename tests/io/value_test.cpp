// RawTensor conversion and Value accessors, against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "io/value.h"

namespace ls::io {
namespace {

template <typename T>
std::shared_ptr<Storage> storage_of(DType dtype, const std::vector<T>& values) {
    auto s = std::make_shared<Storage>();
    s->dtype = dtype;
    s->bytes.resize(values.size() * sizeof(T));
    if (!values.empty()) std::memcpy(s->bytes.data(), values.data(), s->bytes.size());
    return s;
}

RawTensor contiguous(std::shared_ptr<Storage> storage, std::vector<int64_t> shape) {
    RawTensor t;
    t.dtype = storage->dtype;
    t.shape = shape;
    t.strides.resize(shape.size());
    int64_t stride = 1;
    for (size_t d = shape.size(); d-- > 0;) {
        t.strides[d] = stride;
        stride *= shape[d];
    }
    t.storage = std::move(storage);
    return t;
}

TEST(DType, SizesAndNames) {
    EXPECT_EQ(element_size(DType::Float32), 4);
    EXPECT_EQ(element_size(DType::Float64), 8);
    EXPECT_EQ(element_size(DType::Float16), 2);
    EXPECT_EQ(element_size(DType::BFloat16), 2);
    EXPECT_EQ(element_size(DType::Int64), 8);
    EXPECT_EQ(element_size(DType::Int32), 4);
    EXPECT_EQ(element_size(DType::Int16), 2);
    EXPECT_EQ(element_size(DType::Int8), 1);
    EXPECT_EQ(element_size(DType::UInt8), 1);
    EXPECT_EQ(element_size(DType::Bool), 1);
    EXPECT_STREQ(dtype_name(DType::Float32), "float32");
    EXPECT_STREQ(dtype_name(DType::BFloat16), "bfloat16");
    EXPECT_STREQ(dtype_name(DType::Bool), "bool");
}

TEST(RawTensor, Float16IncludingSubnormalsAndSpecials) {
    const std::vector<uint16_t> bits = {0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400,
                                        0x7c00, 0xfc00, 0x8000, 0x3555, 0x7e00};
    const auto t = contiguous(storage_of(DType::Float16, bits), {10});
    const auto v = t.to_float_vector();
    ASSERT_EQ(v.size(), 10u);
    EXPECT_EQ(v[0], 1.0f);
    EXPECT_EQ(v[1], -2.0f);
    EXPECT_EQ(v[2], 65504.0f);
    EXPECT_EQ(v[3], std::ldexp(1.0f, -24));  // smallest subnormal
    EXPECT_EQ(v[4], std::ldexp(1.0f, -14));  // smallest normal
    EXPECT_EQ(v[5], std::numeric_limits<float>::infinity());
    EXPECT_EQ(v[6], -std::numeric_limits<float>::infinity());
    EXPECT_EQ(v[7], 0.0f);
    EXPECT_TRUE(std::signbit(v[7]));
    EXPECT_EQ(v[8], 0.333251953125f);
    EXPECT_TRUE(std::isnan(v[9]));
}

TEST(RawTensor, BFloat16) {
    const auto t =
        contiguous(storage_of<uint16_t>(DType::BFloat16, {0x3f80, 0xc040, 0x7f80, 0x3e20}), {4});
    EXPECT_EQ(t.to_float_vector(), (std::vector<float>{1.0f, -3.0f, INFINITY, 0.15625f}));
}

TEST(RawTensor, IntegerAndBoolTypes) {
    EXPECT_EQ(contiguous(storage_of<int64_t>(DType::Int64, {-5, 1LL << 40}), {2}).to_float_vector(),
              (std::vector<float>{-5.0f, 1099511627776.0f}));
    EXPECT_EQ(contiguous(storage_of<int32_t>(DType::Int32, {-7, 9}), {2}).to_float_vector(),
              (std::vector<float>{-7.0f, 9.0f}));
    EXPECT_EQ(contiguous(storage_of<int16_t>(DType::Int16, {-300, 2}), {2}).to_float_vector(),
              (std::vector<float>{-300.0f, 2.0f}));
    EXPECT_EQ(contiguous(storage_of<int8_t>(DType::Int8, {-128, 127}), {2}).to_float_vector(),
              (std::vector<float>{-128.0f, 127.0f}));
    EXPECT_EQ(contiguous(storage_of<uint8_t>(DType::UInt8, {255, 0}), {2}).to_float_vector(),
              (std::vector<float>{255.0f, 0.0f}));
    EXPECT_EQ(contiguous(storage_of<uint8_t>(DType::Bool, {1, 0, 2}), {3}).to_float_vector(),
              (std::vector<float>{1.0f, 0.0f, 1.0f}));
    EXPECT_EQ(contiguous(storage_of<double>(DType::Float64, {0.5, -1e300}), {2}).to_float_vector(),
              (std::vector<float>{0.5f, -INFINITY}));
}

TEST(RawTensor, StridedViewWithOffsetIsReadInCOrder) {
    std::vector<float> base(12);
    for (int k = 0; k < 12; ++k) base[k] = static_cast<float>(k);
    RawTensor t;
    t.storage = storage_of(DType::Float32, base);
    t.shape = {3, 2};
    t.strides = {1, 3};  // a transposed view
    t.offset = 1;
    EXPECT_EQ(t.numel(), 6);
    EXPECT_EQ(t.to_float_vector(), (std::vector<float>{1, 4, 2, 5, 3, 6}));

    t.dtype = DType::Float32;
    t.shape = {2, 2, 2};
    t.strides = {6, 1, 3};
    t.offset = 0;
    EXPECT_EQ(t.to_float_vector(), (std::vector<float>{0, 3, 1, 4, 6, 9, 7, 10}));

    t.shape = {4};
    t.strides = {0};  // an expanded scalar
    t.offset = 11;
    EXPECT_EQ(t.to_float_vector(), (std::vector<float>{11, 11, 11, 11}));
}

TEST(RawTensor, StridedHalfView) {
    RawTensor t;
    t.dtype = DType::Float16;
    t.storage = storage_of<uint16_t>(DType::Float16, {0x3c00, 0x4000, 0x4200, 0x4400});
    t.shape = {2};
    t.strides = {2};
    t.offset = 1;
    EXPECT_EQ(t.to_float_vector(), (std::vector<float>{2.0f, 4.0f}));
}

TEST(RawTensor, ZeroDimensionalAndEmpty) {
    RawTensor scalar;
    scalar.storage = storage_of<float>(DType::Float32, {1, 2, 3});
    scalar.offset = 2;
    EXPECT_EQ(scalar.numel(), 1);
    EXPECT_EQ(scalar.to_float_vector(), (std::vector<float>{3}));

    RawTensor empty = contiguous(storage_of<float>(DType::Float32, {}), {0, 3});
    EXPECT_EQ(empty.numel(), 0);
    EXPECT_TRUE(empty.to_float_vector().empty());
}

TEST(RawTensor, ViewsOutsideTheStorageAreRefused) {
    RawTensor t = contiguous(storage_of<float>(DType::Float32, {1, 2, 3, 4}), {2, 2});
    t.offset = 1;
    EXPECT_THROW(t.to_float_vector(), FormatError);
    t.offset = 0;
    t.strides = {3, 1};
    EXPECT_THROW(t.to_float_vector(), FormatError);
    t.strides = {-1, 1};
    EXPECT_THROW(t.to_float_vector(), FormatError);
    t.strides = {2, 1};
    t.storage = nullptr;
    EXPECT_THROW(t.to_float_vector(), FormatError);
    t.shape = {1LL << 62, 1LL << 62};
    EXPECT_THROW(t.numel(), FormatError);
}

ValuePtr str(const std::string& s) {
    auto v = std::make_shared<Value>();
    v->kind = Value::Kind::String;
    v->s = s;
    return v;
}

ValuePtr integer(int64_t i) {
    auto v = std::make_shared<Value>();
    v->kind = Value::Kind::Int;
    v->i = i;
    return v;
}

TEST(Value, GetLooksIntoDictsAndObjectStates) {
    auto dict = std::make_shared<Value>();
    dict->kind = Value::Kind::Dict;
    dict->dict = {{str("a"), integer(1)}, {str("b"), integer(2)}, {str("a"), integer(3)}};
    ASSERT_TRUE(dict->get("a"));
    EXPECT_EQ(dict->get("a")->i, 3);  // the last value set wins, as in Python
    EXPECT_EQ(dict->get("b")->i, 2);
    EXPECT_EQ(dict->get("c"), nullptr);

    Value object;
    object.kind = Value::Kind::Object;
    object.class_name = "Generator";
    object.state = dict;
    EXPECT_EQ(object.get("b")->i, 2);
    EXPECT_EQ(str("x")->get("a"), nullptr);
}

TEST(Value, CheckedAccessorsNameWhatTheyRead) {
    EXPECT_EQ(integer(5)->as_int("z_dim"), 5);
    EXPECT_EQ(integer(5)->as_number("z_dim"), 5.0);
    EXPECT_EQ(str("cpu")->as_string("device"), "cpu");
    try {
        str("512")->as_int("z_dim");
        FAIL() << "expected a FormatError";
    } catch (const FormatError& e) {
        EXPECT_NE(std::string(e.what()).find("z_dim"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("string"), std::string::npos) << e.what();
    }
    EXPECT_THROW(integer(1)->as_string("name"), FormatError);
    EXPECT_THROW(str("1.5")->as_number("lr"), FormatError);
}

}  // namespace
}  // namespace ls::io
