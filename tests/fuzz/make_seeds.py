#!/usr/bin/env python3
"""Writes the small seed inputs in seeds/<target>/: a few hundred bytes each, one per path
through the readers (the 4 MB fixtures are seeds too, but libFuzzer only keeps their first
-max_len bytes, which cuts a zip archive's directory off).

The torch files are laid out as torch.save and NVIDIA's training loop write them, from stubs
named like the real modules (torch._utils._rebuild_tensor_v2, ...); only the standard library
is needed. Run from this folder:  python3 make_seeds.py
"""
import collections
import io
import os
import pickle
import struct
import sys
import types
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "io"))
import make_python_pickles as python_cases  # noqa: E402  (also stubs numpy and dnnlib)


def stub(module_name, name, value):
    module = sys.modules.get(module_name) or types.ModuleType(module_name)
    sys.modules[module_name] = module
    value.__module__, value.__qualname__, value.__name__ = module_name, name, name
    setattr(module, name, value)
    return value


class FloatStorage:
    pass


class HalfStorage:
    pass


def _rebuild_tensor_v2(*args):
    raise NotImplementedError


def _load_from_bytes(*args):
    raise NotImplementedError


def _reconstruct_persistent_obj(*args):
    raise NotImplementedError


stub("torch", "FloatStorage", FloatStorage)
stub("torch", "HalfStorage", HalfStorage)
stub("torch._utils", "_rebuild_tensor_v2", _rebuild_tensor_v2)
stub("torch.storage", "_load_from_bytes", _load_from_bytes)
sys.modules["torch_utils"] = types.ModuleType("torch_utils")
stub("torch_utils.persistence", "_reconstruct_persistent_obj", _reconstruct_persistent_obj)


class Storage:
    def __init__(self, key, kind, data):
        self.key, self.kind, self.data = key, kind, data
        self.numel = len(data) // (2 if kind is HalfStorage else 4)


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, size, stride, False, collections.OrderedDict())

    def __reduce__(self):
        return (_rebuild_tensor_v2, self.args)


class Pickler(pickle.Pickler):
    def __init__(self, file, legacy):
        super().__init__(file, protocol=2)
        self.legacy, self.seen = legacy, {}

    def persistent_id(self, obj):
        if not isinstance(obj, Storage):
            return None
        self.seen[obj.key] = obj
        pid = ("storage", obj.kind, obj.key, "cpu", obj.numel)
        return pid + (None,) if self.legacy else pid


def dumps(obj, legacy):
    buf = io.BytesIO()
    pickler = Pickler(buf, legacy)
    pickler.dump(obj)
    return buf.getvalue(), pickler.seen


def floats(*values):
    return struct.pack("<%df" % len(values), *values)


def state_dict():
    a = Storage("0", FloatStorage, floats(1, 2, 3, 4, 5, 6))
    h = Storage("1", HalfStorage, struct.pack("<3e", 0.5, -1, 2))
    return collections.OrderedDict(
        [
            ("w", Tensor(a, 0, (2, 3), (3, 1))),
            ("wt", Tensor(a, 0, (3, 2), (1, 3))),
            ("tail", Tensor(a, 4, (2,), (1,))),
            ("scalar", Tensor(a, 5, (), ())),
            ("half", Tensor(h, 0, (3,), (1,))),
        ]
    )


def torch_zip(byteorder="little"):
    data, storages = dumps({"state": state_dict(), "step": 7}, legacy=False)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("seed/data.pkl", data)
        archive.writestr("seed/byteorder", byteorder)
        for key, storage in sorted(storages.items()):
            raw = storage.data
            if byteorder == "big":
                size = 2 if storage.kind is HalfStorage else 4
                raw = b"".join(raw[k : k + size][::-1] for k in range(0, len(raw), size))
            archive.writestr("seed/data/" + key, raw)
        archive.writestr("seed/version", "3\n")
    return buf.getvalue()


MAGIC = 0x1950A86A20F9469CFC6C


def legacy(obj):
    out = pickle.dumps(MAGIC, protocol=2) + pickle.dumps(1001, protocol=2)
    out += pickle.dumps({"protocol_version": 1001, "little_endian": True,
                         "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    data, storages = dumps(obj, legacy=True)
    keys = sorted(storages)
    out += data + pickle.dumps(keys, protocol=2)
    for key in keys:
        out += struct.pack("<q", storages[key].numel) + storages[key].data
    return out


class EmbeddedStorage:
    """A storage as stylegan2-ada-pytorch pickles it: _load_from_bytes(legacy bytes)."""

    def __init__(self, storage):
        self.storage = storage

    def __reduce__(self):
        return (_load_from_bytes, (legacy(self.storage),))


class PersistentObject:
    def __init__(self, class_name, state):
        self.meta = {"type": "class", "version": 6, "module_src": "# omitted",
                     "class_name": class_name, "state": state}

    def __reduce__(self):
        return (_reconstruct_persistent_obj, (self.meta,))


def network_pickle():
    w = EmbeddedStorage(Storage("9", FloatStorage, floats(0.5, -0.5, 1.5, 2.5)))
    state = {"_parameters": collections.OrderedDict([("weight", Tensor(w, 0, (2, 2), (2, 1)))]),
             "_init_kwargs": python_cases.EasyDict(z_dim=2),
             "weight_gain": python_cases.FakeScalar("<f8", struct.pack("<d", 0.25))}
    return pickle.dumps({"G_ema": PersistentObject("Generator", state)}, protocol=3)


def npy(header, data, major=1):
    prefix = 8 + (2 if major == 1 else 4)
    header += " " * ((-(prefix + len(header) + 1)) % 64) + "\n"
    size = struct.pack("<H" if major == 1 else "<I", len(header))
    return b"\x93NUMPY" + bytes([major, 0]) + size + header.encode() + data


def hostile_pickles():
    """Inputs at the readers' limits: nesting just under the default depth (destroying it must
    not overflow the stack, even under AddressSanitizer), one list shared 2**60 times over
    (walking it as a tree would never end), and a copy bomb."""
    deep = b"\x80\x02" + b"]" * 9999 + b"a" * 9998 + b"."
    laughs = b"\x80\x02K\x01" + b"2\x86" * 60 + b"."  # x = (x, x), 60 times
    bomb = b"\x80\x02]q\x00(" + b"N" * 5000 + b"e0]" + b"cbuiltins\nlist\nh\x00\x85Ra" * 2000 + b"."
    return {"deep_9999.pkl": deep, "laughs.pkl": laughs, "copy_bomb.pkl": bomb}


def write(target, name, data):
    folder = os.path.join(HERE, "seeds", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def main():
    write("torch_file", "zip.pt", torch_zip())
    write("torch_file", "zip_big_endian.pt", torch_zip("big"))
    write("torch_file", "legacy.pt", legacy({"state": state_dict()}))
    write("torch_file", "network.pkl", network_pickle())
    write("pickle", "network.pkl", network_pickle())
    write("pickle", "state_dict.pkl", dumps(state_dict(), legacy=False)[0])
    for name, make, protocols in python_cases.CASES:
        for protocol in protocols:
            write("pickle", "%s_p%d.pkl" % (name, protocol), pickle.dumps(make(), protocol=protocol))
    hostile = hostile_pickles()
    write("torch_file", "deep_9999.pkl", hostile["deep_9999.pkl"])  # under the default limits
    write("torch_file", "laughs.pkl", hostile["laughs.pkl"])
    write("pickle", "laughs.pkl", hostile["laughs.pkl"])
    write("pickle", "copy_bomb.pkl", hostile["copy_bomb.pkl"])
    d = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }"
    write("npy", "f4.npy", npy(d % ("<f4", "False", "(2, 3)"), floats(0, 1, 2, 3, 4, 5)))
    write("npy", "f8_fortran_v2.npy", npy(d % ("<f8", "True", "(2, 2)"), struct.pack("<4d", 1, 3, 2, 4), 2))
    write("npy", "i2_big_endian_v3.npy", npy(d % (">i2", "False", "(3,)"), struct.pack(">3h", -1, 2, 300), 3))
    write("npy", "f2_scalar.npy", npy(d % ("<f2", "False", "()"), struct.pack("<e", 1.5)))
    write("npy", "u1.npy", npy(d % ("|u1", "False", "(4,)"), bytes([0, 1, 2, 255])))
    write("npy", "b1_empty.npy", npy(d % ("|b1", "False", "(0, 2)"), b""))


if __name__ == "__main__":
    main()
