// The pickle reader against pickles that CPython wrote (python_pickles.inc) and against
// hostile or malformed ones written here by hand.
#include "io/pickle.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string_view>

#include "test_support.h"

namespace ls::io {
namespace {

#include "python_pickles.inc"

using Kind = Value::Kind;
using test::B;

ValuePtr parse(const std::vector<uint8_t>& bytes, const PersistentLoader& loader = nullptr,
               const PickleLimits& limits = {}) {
    size_t pos = 0;
    ValuePtr v = read_pickle(bytes.data(), bytes.size(), &pos, loader, limits);
    EXPECT_EQ(pos, bytes.size());
    return v;
}

ValuePtr parse(std::string_view bytes) {
    return parse(std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

std::string error_of(const std::vector<uint8_t>& bytes, const PersistentLoader& loader = nullptr,
                     const PickleLimits& limits = {}) {
    try {
        parse(bytes, loader, limits);
    } catch (const FormatError& e) {
        const std::string message = e.what();
        EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
        return message;
    }
    ADD_FAILURE() << "expected a FormatError";
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

std::vector<const PythonPickle*> python_pickles(const std::string& name) {
    std::vector<const PythonPickle*> out;
    for (const auto& p : kPythonPickles)
        if (name == p.name) out.push_back(&p);
    return out;
}

TEST(PickleFromPython, BasicTypesInEveryProtocol) {
    const auto cases = python_pickles("basic");
    ASSERT_EQ(cases.size(), 6u);
    for (const PythonPickle* p : cases) {
        SCOPED_TRACE("protocol " + std::to_string(p->protocol));
        ValuePtr v = parse(p->bytes);
        ASSERT_TRUE(v->is(Kind::Dict));
        EXPECT_EQ(v->dict.size(), 23u);
        EXPECT_EQ(v->get("int")->i, 7);
        EXPECT_EQ(v->get("neg")->i, -300);
        EXPECT_EQ(v->get("i32")->i, 70000);
        EXPECT_EQ(v->get("big")->i, int64_t{1} << 40);
        EXPECT_EQ(v->get("negbig")->i, -(int64_t{1} << 40));
        // Beyond int64: the nearest double.
        ASSERT_TRUE(v->get("huge")->is(Kind::Float));
        EXPECT_EQ(v->get("huge")->f, std::ldexp(1.0, 70));
        EXPECT_EQ(v->get("neghuge")->f, -std::ldexp(1.0, 70));
        EXPECT_EQ(v->get("float")->f, 2.5);
        EXPECT_EQ(v->get("str")->s, "h\u00e9llo \u2603 \\ \n end");
        ASSERT_TRUE(v->get("bytes")->is(Kind::Bytes));
        EXPECT_EQ(v->get("bytes")->s, std::string("\x00\xff"
                                                  "ab",
                                                  4));
        EXPECT_TRUE(v->get("none")->is(Kind::None));
        EXPECT_TRUE(v->get("t")->is(Kind::Bool) && v->get("t")->b);
        EXPECT_TRUE(v->get("f")->is(Kind::Bool) && !v->get("f")->b);
        const ValuePtr list = v->get("list");
        ASSERT_TRUE(list->is(Kind::List));
        ASSERT_EQ(list->items.size(), 2u);
        EXPECT_EQ(list->items[0]->i, 1);
        ASSERT_EQ(list->items[1]->items.size(), 2u);
        EXPECT_EQ(list->items[1]->items[1]->i, 3);
        const ValuePtr tuple = v->get("tuple");
        ASSERT_TRUE(tuple->is(Kind::Tuple));
        EXPECT_EQ(tuple->items[1]->s, "a");
        EXPECT_EQ(v->get("t1")->items.size(), 1u);
        EXPECT_EQ(v->get("t3")->items[2]->i, 3);
        EXPECT_TRUE(v->get("empty")->is(Kind::Tuple) && v->get("empty")->items.empty());
        ASSERT_TRUE(v->get("set")->is(Kind::Set));
        EXPECT_EQ(v->get("set")->items.at(0)->i, 4);
        ASSERT_TRUE(v->get("frozen")->is(Kind::Set));
        EXPECT_EQ(v->get("frozen")->items.at(0)->i, 5);
        ASSERT_TRUE(v->get("ba")->is(Kind::Bytes));
        EXPECT_EQ(v->get("ba")->s, "xy");
        // One object stored twice is one value (the memo).
        EXPECT_EQ(v->get("shared"), v->get("shared2"));
        EXPECT_EQ(v->get("shared")->items.at(0)->i, 9);
    }
}

TEST(PickleFromPython, OrderedDictStateIsIgnored) {
    for (const PythonPickle* p : python_pickles("ordered")) {
        SCOPED_TRACE("protocol " + std::to_string(p->protocol));
        ValuePtr v = parse(p->bytes);
        ASSERT_TRUE(v->is(Kind::Dict));
        ASSERT_EQ(v->dict.size(), 2u);
        EXPECT_EQ(v->dict[0].first->s, "a");
        EXPECT_EQ(v->get("a")->i, 1);
        EXPECT_EQ(v->get("b")->items.at(0)->i, 2);
        EXPECT_EQ(v->get("_metadata"), nullptr);
    }
}

TEST(PickleFromPython, NamespaceAndEasyDictBecomeDicts) {
    for (const std::string name : {"namespace", "easydict"}) {
        for (const PythonPickle* p : python_pickles(name)) {
            SCOPED_TRACE(name + " protocol " + std::to_string(p->protocol));
            ValuePtr v = parse(p->bytes);
            ASSERT_TRUE(v->is(Kind::Dict));
            EXPECT_EQ(v->dict.size(), 2u);
            if (name == "namespace") {
                EXPECT_EQ(v->get("lr")->f, 0.5);
                EXPECT_EQ(v->get("name")->s, "x");
            } else {
                EXPECT_EQ(v->get("a")->i, 1);
                EXPECT_EQ(v->get("b")->s, "z");
            }
        }
    }
}

TEST(PickleFromPython, NumpyScalarsAndArrays) {
    const auto cases = python_pickles("numpy");
    ASSERT_EQ(cases.size(), 2u);
    for (const PythonPickle* p : cases) {
        SCOPED_TRACE("protocol " + std::to_string(p->protocol));
        ValuePtr v = parse(p->bytes);
        EXPECT_EQ(v->get("s8")->f, 1.5);
        EXPECT_EQ(v->get("s4")->f, -2.25);
        EXPECT_EQ(v->get("i8")->i, -7);
        EXPECT_EQ(v->get("be")->f, 3.0);
        EXPECT_TRUE(v->get("b")->is(Kind::Bool) && v->get("b")->b);
        for (const std::string name : {"arr", "farr"}) {
            const ValuePtr a = v->get(name);
            ASSERT_TRUE(a && a->is(Kind::Tensor)) << name;
            EXPECT_EQ(a->tensor->shape, (std::vector<int64_t>{2, 3}));
            EXPECT_EQ(a->tensor->to_float_vector(), (std::vector<float>{0, 1, 2, 3, 4, 5})) << name;
        }
        EXPECT_EQ(v->get("be_arr")->tensor->dtype, DType::Float64);
        EXPECT_EQ(v->get("be_arr")->tensor->to_float_vector(), (std::vector<float>{1, 2, 3}));
        EXPECT_EQ(v->get("i_arr")->tensor->dtype, DType::Int64);
        EXPECT_EQ(v->get("i_arr")->tensor->to_float_vector(), (std::vector<float>{-1, 5}));
        EXPECT_EQ(v->get("h_arr")->tensor->to_float_vector(), (std::vector<float>{1, -2}));
    }
}

TEST(PickleFromPython, SelfReferencingStructuresAreRefused) {
    for (const std::string name : {"self_list", "self_dict"}) {
        for (const PythonPickle* p : python_pickles(name)) {
            SCOPED_TRACE(name + " protocol " + std::to_string(p->protocol));
            const auto bytes = std::vector<uint8_t>(p->bytes.begin(), p->bytes.end());
            EXPECT_TRUE(contains(error_of(bytes), "self-referencing"));
        }
    }
}

TEST(PickleFromPython, EveryTruncationIsAFormatError) {
    for (const auto& p : kPythonPickles) {
        for (size_t cut = 0; cut < p.bytes.size(); ++cut) {
            const auto bytes = std::vector<uint8_t>(p.bytes.begin(), p.bytes.begin() + cut);
            size_t pos = 0;
            EXPECT_THROW(read_pickle(bytes.data(), bytes.size(), &pos), FormatError)
                << p.name << " protocol " << p.protocol << " cut at " << cut;
        }
    }
}

TEST(PickleByHand, Python2Strings) {
    // {'key': 'valA\n', 'k2': '\xe9'} as Python 2 writes it, then a set through __builtin__.
    const std::string p0 = "(dp0\nS'key'\np1\nS'val\\x41\\n'\np2\nsS\"k2\"\nS'\\xe9'\ns.";
    ValuePtr v = parse(p0);
    EXPECT_EQ(v->get("key")->s, "valA\n");
    EXPECT_EQ(v->get("k2")->s, "\u00e9");

    const auto p2 = B().proto(2)
                        .op('}')
                        .raw("U\x03key")
                        .raw(std::string("T\x01\0\0\0\xe9", 6))
                        .op('s')
                        .raw("U\x01s")
                        .global("__builtin__", "set")
                        .op(']')
                        .integer(4)
                        .op('a')
                        .op(0x85)
                        .reduce()
                        .op('s')
                        .stop()
                        .bytes();
    v = parse(p2);
    EXPECT_EQ(v->get("key")->s, "\u00e9");
    ASSERT_TRUE(v->get("s")->is(Kind::Set));
    EXPECT_EQ(v->get("s")->items.at(0)->i, 4);
}

TEST(PickleByHand, StackOperationsAndMemo) {
    // [1, 1, 2] built with DUP, POP, POP_MARK, MEMOIZE and LONG_BINGET.
    const auto bytes = B().proto(4)
                           .op(']')
                           .op(0x94)
                           .mark()
                           .integer(1)
                           .op('2')
                           .integer(7)
                           .op('0')
                           .mark()
                           .integer(99)
                           .op('1')
                           .integer(2)
                           .op('e')
                           .op('j')
                           .le(0, 4)
                           .op('0')
                           .stop()
                           .bytes();
    ValuePtr v = parse(bytes);
    ASSERT_EQ(v->items.size(), 3u);
    EXPECT_EQ(v->items[0]->i, 1);
    EXPECT_EQ(v->items[1]->i, 1);
    EXPECT_EQ(v->items[2]->i, 2);
}

TEST(PickleByHand, WideIntegers) {
    // LONG1 with nine bytes: -1 fits int64, 2**64 does not.
    auto v = parse(B().proto(2).op(0x8a).op(9).raw(std::string(9, '\xff')).stop().bytes());
    EXPECT_TRUE(v->is(Kind::Int));
    EXPECT_EQ(v->i, -1);
    v = parse(B().proto(2).op(0x8a).op(9).raw(std::string("\0\0\0\0\0\0\0\0\1", 9)).stop().bytes());
    EXPECT_TRUE(v->is(Kind::Float));
    EXPECT_EQ(v->f, std::ldexp(1.0, 64));
    v = parse(B().proto(2).op(0x8a).op(8).raw(std::string("\0\0\0\0\0\0\0\x80", 8)).stop().bytes());
    EXPECT_EQ(v->i, INT64_MIN);
    v = parse(std::string_view("L-9223372036854775808L\n."));
    EXPECT_EQ(v->i, INT64_MIN);
}

TEST(PickleByHand, LongBytesAreKeptWhereverTheyAreStored) {
    std::string payload(10000, 'x');
    payload[9999] = 'y';
    const auto bytes = B().proto(4)
                           .op(']')
                           .op('B')
                           .le(payload.size(), 4)
                           .raw(payload)
                           .op(0x94)
                           .op('a')
                           .op('h')
                           .raw(std::string(1, '\0'))
                           .op('a')
                           .stop()
                           .bytes();
    ValuePtr v = parse(bytes);
    ASSERT_EQ(v->items.size(), 2u);
    EXPECT_EQ(v->items[0], v->items[1]);
    EXPECT_EQ(v->items[0]->s, payload);
}

TEST(PickleHostile, GlobalReduceIsRefusedAndNothingRuns) {
    test::ScratchDir dir;
    const std::string marker = dir / "pwned";
    const std::string command = "touch " + marker;
    const std::vector<std::vector<uint8_t>> hostile = {
        // GLOBAL os.system + REDUCE, protocol 0
        test::bytes_of("cos\nsystem\n(S'" + command + "'\ntR."),
        // STACK_GLOBAL builtins.eval, protocol 4
        B().proto(4)
            .op(0x8c)
            .raw("\x08"
                 "builtins")
            .op(0x8c)
            .raw("\x04"
                 "eval")
            .op(0x93)
            .str("__import__('os').system('" + command + "')")
            .op(0x85)
            .reduce()
            .stop()
            .bytes(),
        // INST os.system
        test::bytes_of("(S'" + command + "'\nios\nsystem\n."),
        // OBJ with posix.system
        B().mark().global("posix", "system").str(command).op('o').stop().bytes(),
    };
    const char* names[] = {"os.system", "builtins.eval", "os.system", "posix.system"};
    for (size_t k = 0; k < hostile.size(); ++k) {
        const std::string message = error_of(hostile[k]);
        EXPECT_TRUE(contains(message, std::string("'") + names[k] + "'")) << message;
        EXPECT_TRUE(contains(message, "refusing to load")) << message;
    }
    EXPECT_FALSE(test::exists(marker));
}

TEST(PickleHostile, OtherRefusedGlobals) {
    for (const auto& [module, name] :
         std::vector<std::pair<std::string, std::string>>{{"subprocess", "Popen"},
                                                          {"builtins", "getattr"},
                                                          {"__builtin__", "exec"},
                                                          {"torch", "load"},
                                                          {"numpy", "load"},
                                                          {"collections", "namedtuple"}}) {
        const auto bytes = B().proto(2).global(module, name).op(')').reduce().stop().bytes();
        const std::string shown = (module == "__builtin__" ? "builtins" : module) + "." + name;
        EXPECT_TRUE(contains(error_of(bytes), shown)) << shown;
    }
}

TEST(PickleHostile, AllowListedNamesAreNotConstructors) {
    // torch.FloatStorage may appear inside a persistent id, but is not called.
    auto bytes = B().proto(2).global("torch", "FloatStorage").op(')').reduce().stop().bytes();
    EXPECT_TRUE(contains(error_of(bytes), "torch.FloatStorage"));
    // Calling data that is not a global.
    bytes = B().proto(2).str("os.system").op(')').reduce().stop().bytes();
    EXPECT_TRUE(contains(error_of(bytes), "not a global"));
    // A global name in the module line with a newline trick stays one line in the message.
    bytes =
        B().proto(4).op(0x8c).raw("\x05os\nxx").op(0x8c).raw("\x06system").op(0x93).stop().bytes();
    EXPECT_TRUE(contains(error_of(bytes), "os\\x0axx.system"));
}

TEST(PickleHostile, UnsupportedOpcodes) {
    EXPECT_TRUE(contains(error_of(B().proto(2).op(0x82).op(1).stop().bytes()), "extension"));
    EXPECT_TRUE(contains(error_of(B().proto(5).op(0x97).stop().bytes()), "out-of-band"));
    EXPECT_TRUE(contains(error_of(B().proto(6).op('N').stop().bytes()), "protocol 6"));
    EXPECT_TRUE(contains(error_of(B().proto(2).op(0xff).stop().bytes()), "unknown opcode 0xff"));
    EXPECT_TRUE(contains(error_of(B().proto(2).op('h').op(3).stop().bytes()), "memo entry 3"));
    EXPECT_TRUE(contains(error_of(B().proto(2).op('a').stop().bytes()), "underflow"));
    EXPECT_TRUE(contains(error_of(B().proto(2).op('e').stop().bytes()), "MARK"));
    EXPECT_TRUE(contains(error_of(B().proto(2).op('N').bytes()), "truncated"));
    EXPECT_TRUE(contains(error_of({}), "truncated"));
    // Persistent ids need a loader.
    EXPECT_TRUE(contains(error_of(B().proto(2).op('N').op('Q').stop().bytes()), "persistent"));
}

TEST(PickleHostile, HugeClaimedLengthsAreRefusedBeforeAllocating) {
    for (uint8_t op : {0x8e, 0x8d, 0x96}) {  // BINBYTES8, BINUNICODE8, BYTEARRAY8
        const auto bytes = B().proto(5).op(op).le(uint64_t{1} << 62, 8).raw("abc").stop().bytes();
        const std::string message = error_of(bytes);
        EXPECT_TRUE(contains(message, "claims 4611686018427387904 bytes")) << message;
    }
    EXPECT_TRUE(
        contains(error_of(B().proto(3).op('B').le(0xffffffffu, 4).stop().bytes()), "claims"));
    EXPECT_TRUE(
        contains(error_of(B().proto(2).op(0x8b).le(0x7fffffff, 4).stop().bytes()), "claims"));
    EXPECT_TRUE(
        contains(error_of(B().proto(2).op('T').le(0xffffffffu, 4).stop().bytes()), "negative"));
    EXPECT_TRUE(contains(error_of(B().proto(4).op(0x95).le(1000, 8).stop().bytes()), "truncated"));
}

TEST(PickleHostile, NestingAndSizeLimits) {
    // 20000 nested lists: more than the default depth limit.
    B deep;
    deep.proto(2);
    for (int k = 0; k < 20000; ++k) deep.op(']');
    for (int k = 0; k < 19999; ++k) deep.op('a');
    deep.stop();
    EXPECT_TRUE(contains(error_of(deep.bytes()), "deep"));

    PickleLimits small;
    small.max_depth = 3;
    const auto three = B().proto(2).op(']').op(']').op(']').op('a').op('a').stop().bytes();
    EXPECT_NO_THROW(parse(three, nullptr, small));
    const auto four =
        B().proto(2).op(']').op(']').op(']').op(']').op('a').op('a').op('a').stop().bytes();
    EXPECT_TRUE(contains(error_of(four, nullptr, small), "deep"));
    B marks;
    for (int k = 0; k < 5; ++k) marks.mark();
    EXPECT_TRUE(contains(error_of(marks.op('N').stop().bytes(), nullptr, small), "MARK"));

    // A list copied over and over by builtins.list hits max_items.
    B copies;
    copies.proto(2).op(']').op('q').op(0).mark();
    for (int k = 0; k < 100; ++k) copies.integer(k);
    copies.op('e').op('0').op(']');
    for (int k = 0; k < 200; ++k)
        copies.global("builtins", "list").op('h').op(0).op(0x85).reduce().op('a');
    copies.stop();
    PickleLimits few;
    few.max_items = 5000;
    EXPECT_TRUE(contains(error_of(copies.bytes(), nullptr, few), "limit"));
    EXPECT_NO_THROW(parse(copies.bytes()));

    // 2000 copies of a list of 5000 items: 10 million slots from 30 kB. Refused by the
    // memory budget, long before max_items.
    B bomb;
    bomb.proto(2).op(']').op('q').op(0).mark();
    for (int k = 0; k < 5000; ++k) bomb.op('N');
    bomb.op('e').op('0').op(']');
    for (int k = 0; k < 2000; ++k)
        bomb.global("builtins", "list").op('h').op(0).op(0x85).reduce().op('a');
    EXPECT_TRUE(contains(error_of(bomb.stop().bytes()), "more memory than its size justifies"));
}

// A persistent loader handing out a 1-D float storage of 16 elements [0, 1, ..., 15].
PersistentLoader sixteen_floats() {
    auto storage = std::make_shared<Storage>();
    storage->dtype = DType::Float32;
    storage->bytes.resize(16 * 4);
    for (int k = 0; k < 16; ++k) {
        const float f = static_cast<float>(k);
        std::memcpy(storage->bytes.data() + 4 * k, &f, 4);
    }
    return [storage](const ValuePtr&) {
        auto t = std::make_shared<RawTensor>();
        t->shape = {16};
        t->strides = {1};
        t->storage = storage;
        auto v = std::make_shared<Value>();
        v->kind = Kind::Tensor;
        v->tensor = t;
        return v;
    };
}

// _rebuild_tensor_v2(<persistent storage>, offset, size, stride, False, OrderedDict())
std::vector<uint8_t> rebuild(int64_t offset, std::vector<int64_t> size,
                             std::vector<int64_t> stride) {
    B b;
    b.proto(2).global("torch._utils", "_rebuild_tensor_v2").mark();
    b.mark().str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(16).tuple();
    b.op('Q');
    const auto integer = [&b](int64_t v) {
        b.op(0x8a).op(8).le(static_cast<uint64_t>(v), 8);  // LONG1, 8 bytes
    };
    integer(offset);
    b.mark();
    for (int64_t s : size) integer(s);
    b.tuple().mark();
    for (int64_t s : stride) integer(s);
    b.tuple().op(0x89).global("collections", "OrderedDict").op(')').reduce().tuple().reduce();
    return b.stop().bytes();
}

TEST(PickleTensors, RebuildMakesACheckedView) {
    ValuePtr v = parse(rebuild(1, {3, 2}, {1, 3}), sixteen_floats());
    ASSERT_TRUE(v->is(Kind::Tensor));
    EXPECT_EQ(v->tensor->shape, (std::vector<int64_t>{3, 2}));
    EXPECT_EQ(v->tensor->to_float_vector(), (std::vector<float>{1, 4, 2, 5, 3, 6}));
    EXPECT_EQ(parse(rebuild(15, {}, {}), sixteen_floats())->tensor->to_float_vector(),
              (std::vector<float>{15}));
    EXPECT_EQ(parse(rebuild(16, {0}, {1}), sixteen_floats())->tensor->numel(), 0);
    EXPECT_EQ(parse(rebuild(0, {4, 4}, {4, 1}), sixteen_floats())->tensor->numel(), 16);
}

TEST(PickleTensors, ViewsBeyondTheStorageAreRefused) {
    const auto loader = sixteen_floats();
    EXPECT_TRUE(contains(error_of(rebuild(0, {17}, {1}), loader), "exceeds its storage of 16"));
    EXPECT_TRUE(contains(error_of(rebuild(1, {4, 4}, {4, 1}), loader), "exceeds"));
    EXPECT_TRUE(contains(error_of(rebuild(0, {2, 9}, {8, 1}), loader), "exceeds"));
    EXPECT_TRUE(contains(error_of(rebuild(16, {}, {}), loader), "exceeds"));
    EXPECT_TRUE(contains(error_of(rebuild(0, {4}, {-1}), loader), "negative"));
    EXPECT_TRUE(contains(error_of(rebuild(-1, {4}, {1}), loader), "offset"));
    EXPECT_TRUE(contains(error_of(rebuild(0, {2, 2}, {1}), loader), "different lengths"));
    // Overflow-safe: sizes and strides whose products wrap around int64.
    EXPECT_TRUE(contains(error_of(rebuild(0, {int64_t{1} << 62, 4}, {4, 1}), loader), "exceeds"));
    EXPECT_TRUE(contains(error_of(rebuild(0, {3, 2}, {int64_t{1} << 62, 1}), loader), "exceeds"));
    EXPECT_TRUE(contains(error_of(rebuild(INT64_MAX, {1}, {1}), loader), "exceeds"));
    // Stride 0 may repeat elements, but not without bound.
    EXPECT_TRUE(contains(error_of(rebuild(0, {int64_t{1} << 40}, {0}), loader), "implausibly"));
    EXPECT_EQ(parse(rebuild(0, {100}, {0}), loader)->tensor->numel(), 100);
}

TEST(PickleTensors, ParametersAndTensorSubclasses) {
    auto inner = rebuild(0, {2}, {1});
    inner.pop_back();                               // drop STOP
    inner.erase(inner.begin(), inner.begin() + 2);  // and PROTO
    B b;
    b.proto(2)
        .global("torch._utils", "_rebuild_parameter")
        .raw(std::string(inner.begin(), inner.end()))
        .op(0x88)
        .global("collections", "OrderedDict")
        .op(')')
        .reduce()
        .op(0x87)
        .reduce()
        .stop();
    ValuePtr v = parse(b.bytes(), sixteen_floats());
    EXPECT_EQ(v->tensor->to_float_vector(), (std::vector<float>{0, 1}));

    // _rebuild_from_type_v2(_rebuild_tensor_v2, Parameter, args, state)
    B sub;
    sub.proto(2)
        .global("torch._tensor", "_rebuild_from_type_v2")
        .mark()
        .global("torch._utils", "_rebuild_tensor_v2")
        .global("torch.nn.parameter", "Parameter")
        .mark()
        .mark()
        .str("storage")
        .global("torch", "FloatStorage")
        .str("0")
        .str("cpu")
        .integer(16)
        .tuple()
        .op('Q')
        .integer(2)
        .mark()
        .integer(3)
        .tuple()
        .mark()
        .integer(1)
        .tuple()
        .op(0x89)
        .global("collections", "OrderedDict")
        .op(')')
        .reduce()
        .tuple()
        .op('}')
        .tuple()
        .reduce()
        .stop();
    v = parse(sub.bytes(), sixteen_floats());
    EXPECT_EQ(v->tensor->to_float_vector(), (std::vector<float>{2, 3, 4}));
}

TEST(PickleTensors, TorchDeviceAndSize) {
    const auto bytes = B().proto(2)
                           .mark()
                           .global("torch", "device")
                           .str("cuda")
                           .integer(1)
                           .op(0x86)
                           .reduce()
                           .global("torch", "Size")
                           .mark()
                           .integer(4)
                           .integer(64)
                           .tuple()
                           .op(0x85)
                           .reduce()
                           .global("torch", "float16")
                           .op('l')
                           .stop()
                           .bytes();
    ValuePtr v = parse(bytes);
    ASSERT_EQ(v->items.size(), 3u);
    EXPECT_EQ(v->items[0]->s, "cuda:1");
    ASSERT_TRUE(v->items[1]->is(Kind::Tuple));
    EXPECT_EQ(v->items[1]->items.at(1)->i, 64);
    EXPECT_EQ(v->items[2]->s, "torch.float16");
}

TEST(PickleNumpy, ObjectArraysAndBadDataAreRefused) {
    // _reconstruct(ndarray, (0,), b'b') and a BUILD state (1, (2,), dtype, False, <rawdata>)
    const auto array = [](const std::string& descr) {
        B b;
        b.proto(3)
            .global("numpy.core.multiarray", "_reconstruct")
            .global("numpy", "ndarray")
            .mark()
            .integer(0)
            .tuple()
            .op('C')
            .raw(
                "\x01"
                "b")
            .op(0x87)
            .reduce();
        b.mark()
            .integer(1)
            .mark()
            .integer(2)
            .tuple()
            .global("numpy", "dtype")
            .str(descr)
            .op(0x89)
            .op(0x88)
            .op(0x87)
            .reduce()
            .op(0x89);
        return b;
    };
    // rawdata a list: an object array
    auto bytes = array("O8").op(']').tuple().build().stop().bytes();
    EXPECT_TRUE(contains(error_of(bytes), "object"));
    // two float32 elements need 8 bytes, not 7
    bytes = array("f4")
                .op('C')
                .raw(std::string("\x07"
                                 "1234567",
                                 8))
                .tuple()
                .build()
                .stop()
                .bytes();
    EXPECT_TRUE(contains(error_of(bytes), "7 bytes"));
    bytes = array("f4")
                .op('C')
                .raw(std::string("\x08"
                                 "\0\0\x80?\0\0\0@",
                                 9))
                .tuple()
                .build()
                .stop()
                .bytes();
    EXPECT_EQ(parse(bytes)->tensor->to_float_vector(), (std::vector<float>{1, 2}));
    bytes = array("c16")
                .op('C')
                .raw(std::string("\x08"
                                 "12345678",
                                 9))
                .tuple()
                .build()
                .stop()
                .bytes();
    EXPECT_TRUE(contains(error_of(bytes), "not supported"));
}

}  // namespace
}  // namespace ls::io
