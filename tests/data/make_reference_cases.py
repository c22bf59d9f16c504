#!/usr/bin/python3
"""Makes the reference cases in tests/data/stylegan2/ with the ORIGINAL StyleGAN2 codes.

Not run by the tests or CI: the data it wrote is committed, and this script documents how.

Each case is a small network with randomised parameters (every weight, bias, noise strength,
ToRGB bias, constant input and noise buffer, so that every path is exercised), saved the way
the original code saves one, plus what the original code computes from it on the CPU in
float32: images from z (with the stored noise), truncated, from a given W+, mixed or without
noise, and the discriminator's logits. All arrays are float32 .npy written by numpy.save.
Each case's meta.json says what its configuration is and what each file holds.

Needs Debian 12's python3-torch (PyTorch 1.13, CPU) and python3-numpy, run with
/usr/bin/python3, and the original sources (not part of this repository):

  --ros-src DIR  rosinality/stylegan2-pytorch: model.py verbatim, as stored at commit
                 7e46e4754bf4e787053ee833d611ebfea5db1ddf (the shared fixtures name bef283a;
                 identity with that commit not verified), and an op/ package standing in for
                 the CUDA extension: FusedLeakyReLU / fused_leaky_relu verbatim from the CPU
                 branch of upstream op/fused_act.py (blob at 0ce34eb), upfirdn2d = upstream
                 UpFirDn2d's reshapes around upfirdn2d_native copied verbatim from
                 op/upfirdn2d.py (blob at f67fe5b), conv2d_gradfix calling F.conv2d /
                 F.conv_transpose2d, which is what the upstream one does off CUDA.
  --ada-src DIR  NVlabs/stylegan2-ada-pytorch, as stored at commit
                 375a436003d13acc8a3d287340fdc7877e252e93 (the shared fixtures name d72cc7d):
                 training/networks.py verbatim; torch_utils/persistence.py,
                 torch_utils/ops/{bias_act,upfirdn2d,conv2d_gradfix}.py with their code
                 verbatim (CUDA-only classes and long docstrings left out); torch_utils/misc.py
                 (blob at c5380b1, the helpers the networks use); torch_utils/ops/
                 conv2d_resample.py, not stored for NVlabs, rebuilt from three forks
                 (denix56, zhuolugmail, yohan-pg) that agree once their debug edits are
                 removed; torch_utils/ops/fma.py from NVlabs/stylegan3 (same file; only used
                 when fused_modconv=False, never here); dnnlib with EasyDict only;
                 torch_utils/custom_ops.py stubbed (its plugin loader is only called for CUDA
                 tensors: on the CPU every op takes its 'ref' path). No math was changed.

rosinality's Generator and Discriminator hard-code their channel table (512 up to 32 px,
then 256/128/... times channel_multiplier). To keep the cases small this script loads
model.py with that one literal replaced by a call that returns the case's table (two
replacements, checked); nothing else in the file is touched. NVIDIA's networks take
channel_base / channel_max and need no change.

Usage: /usr/bin/python3 tests/data/make_reference_cases.py \
           --ros-src /tmp/refcode/ros --ada-src /tmp/refcode/ada --out tests/data/stylegan2
"""

import argparse
import copy
import json
import os
import pickle
import re
import sys
import types

import numpy as np
import torch

# ---------------------------------------------------------------------------- configurations

CASES = [
    dict(
        name="rosinality_32_zip",
        kind="rosinality",
        size=32,
        style_dim=32,
        n_mlp=2,
        channel_multiplier=2,
        # Width that changes at every resolution (the original table is 512 up to 32 px).
        channels={4: 16, 8: 16, 16: 12, 32: 8},
        serialization="zip",
        pickle_protocol=4,
        n=4,
        seed=1,
    ),
    dict(
        name="rosinality_128_legacy",
        kind="rosinality",
        size=128,
        style_dim=16,
        n_mlp=8,
        channel_multiplier=1,
        # rosinality's own table for channel_multiplier=1, divided by 32.
        channels="table/32",
        serialization="legacy",
        pickle_protocol=2,
        n=2,  # 128 px images are large: two per file (the minibatch-stddev group is then 2)
        wplus_n=1,  # and one W+
        skip=["image_truncated_0.7"],  # truncation is checked by the other cases
        seed=2,
    ),
    dict(
        name="ada_32_clamp0.5_fp16res2",
        kind="ada",
        resolution=32,
        z_dim=24,
        w_dim=16,
        mapping_layers=2,
        channel_base=128,
        channel_max=16,
        conv_clamp=0.5,  # small enough to clamp many activations (see meta.json)
        num_fp16_res=2,
        mbstd_group_size=4,
        mbstd_num_channels=1,
        pickle_protocol=5,
        n=4,
        seed=3,
    ),
    dict(
        name="ada_16_noclamp_map8",
        kind="ada",
        resolution=16,
        z_dim=16,
        w_dim=16,
        mapping_layers=8,
        channel_base=128,
        channel_max=16,
        conv_clamp=None,
        num_fp16_res=0,
        mbstd_group_size=4,
        mbstd_num_channels=2,
        pickle_protocol=2,
        n=4,
        seed=4,
    ),
    dict(
        name="ada_8_clamp256_fp16res4",
        kind="ada",
        resolution=8,
        z_dim=16,
        w_dim=24,
        mapping_layers=4,
        channel_base=64,
        channel_max=16,
        conv_clamp=256,
        num_fp16_res=4,
        mbstd_group_size=4,
        mbstd_num_channels=1,
        pickle_protocol=4,
        n=4,
        seed=5,
    ),
]

MIX_INDEX = 2
PSI = 0.7
MODULE_SRC_PLACEHOLDER = ("# placeholder: the source of stylegan2-ada-pytorch's training/networks.py "
                          "is left out of this test file\n")

# ---------------------------------------------------------------------------- helpers


def save(out_dir, name, array, files, what):
    a = np.ascontiguousarray(np.asarray(array.detach().cpu() if torch.is_tensor(array) else array,
                                        dtype=np.float32))
    np.save(os.path.join(out_dir, name + ".npy"), a)
    files[name + ".npy"] = dict(shape=list(a.shape), what=what)


def randomise(named_tensors, rng, scale_of):
    """Replaces every tensor with normal values of the scale scale_of(name) picks."""
    with torch.no_grad():
        for name, t in named_tensors:
            mean, std = scale_of(name)
            t.copy_(torch.randn(t.shape, generator=rng) * std + mean)


def load_rosinality(src, channels):
    """rosinality's model.py with the channel table literal replaced by the case's table."""
    sys.path.insert(0, src)  # for its 'op' package
    text = open(os.path.join(src, "model.py")).read()
    table = re.compile(r"\{\s*4: 512,\s*8: 512,\s*16: 512,\s*32: 512,\s*64: 256 \* channel_multiplier,"
                       r"\s*128: 128 \* channel_multiplier,\s*256: 64 \* channel_multiplier,"
                       r"\s*512: 32 \* channel_multiplier,\s*1024: 16 \* channel_multiplier,\s*\}")
    text, count = table.subn("_case_channel_table(channel_multiplier)", text)
    assert count == 2, "expected the channel table in Generator and Discriminator"
    module = types.ModuleType("rosinality_model")
    module.__file__ = os.path.join(src, "model.py")
    module._case_channel_table = channels
    exec(compile(text, module.__file__, "exec"), module.__dict__)
    return module


def rosinality_table(channel_multiplier):
    return {4: 512, 8: 512, 16: 512, 32: 512, 64: 256 * channel_multiplier,
            128: 128 * channel_multiplier, 256: 64 * channel_multiplier,
            512: 32 * channel_multiplier, 1024: 16 * channel_multiplier}


# ---------------------------------------------------------------------------- rosinality


def make_rosinality(case, src, out_root):
    out_dir = os.path.join(out_root, case["name"])
    os.makedirs(out_dir, exist_ok=True)
    cm = case["channel_multiplier"]
    if case["channels"] == "table/32":
        channels = {r: c // 32 for r, c in rosinality_table(cm).items()}
    else:
        channels = {**rosinality_table(cm), **case["channels"]}
    model = load_rosinality(src, lambda channel_multiplier: dict(channels))

    torch.manual_seed(case["seed"])
    g = model.Generator(case["size"], case["style_dim"], case["n_mlp"], channel_multiplier=cm).eval()
    d = model.Discriminator(case["size"], channel_multiplier=cm).eval()
    rng = torch.Generator().manual_seed(case["seed"] * 1000 + 7)
    lr_mlp = 0.01

    def g_scale(name):
        if name.startswith("style."):  # EqualLinear(lr_mul=0.01): weight / lr_mul at init
            return (0.0, 1.0 / lr_mlp) if name.endswith("weight") else (0.0, 0.5 / lr_mlp)
        if name.endswith("modulation.bias"):
            return (1.0, 0.3)  # bias_init=1
        if name.endswith("noise.weight"):
            return (0.0, 0.5)
        if name.endswith("activate.bias") or name.endswith(".bias"):
            return (0.0, 0.3)  # StyledConv and ToRGB biases
        return (0.0, 1.0)  # conv and modulation weights, the constant input, noise buffers

    def d_scale(name):
        return (0.0, 0.3) if name.endswith("bias") else (0.0, 1.0)

    # Every parameter and the noise buffers; the blur kernels are fixed filters, not weights.
    randomise(list(g.named_parameters()) + list(g.noises.named_buffers(prefix="noises")), rng,
              g_scale)
    randomise(list(d.named_parameters()), rng, d_scale)

    with torch.no_grad():
        torch.manual_seed(case["seed"] + 100)
        latent_avg = g.mean_latent(4096)[0]  # [style_dim], as convert_weight.py stores it

        # The file, as convert_weight.py / train.py lay it out.
        ckpt = {"g_ema": g.state_dict(), "d": d.state_dict(), "latent_avg": latent_avg}
        path = os.path.join(out_dir, "model.pt")
        torch.save(ckpt, path, pickle_protocol=case["pickle_protocol"],
                   _use_new_zipfile_serialization=(case["serialization"] == "zip"))

        n = case["n"]
        zrng = torch.Generator().manual_seed(case["seed"] + 200)
        z = torch.randn(n, case["style_dim"], generator=zrng)
        z2 = torch.randn(n, case["style_dim"], generator=zrng)
        wplus = torch.randn(case.get("wplus_n", n), g.n_latent, case["style_dim"],
                            generator=zrng) * 0.5 + latent_avg

        files = {}
        save(out_dir, "z", z, files, "input z")
        save(out_dir, "z2", z2, files, "second z for style mixing")
        save(out_dir, "w", g.get_latent(z), files, "mapping network output g.style(z)")
        save(out_dir, "latent_avg", latent_avg, files,
             "the checkpoint's latent_avg: g.mean_latent(4096)[0]")
        img = g([z], randomize_noise=False)[0]
        save(out_dir, "image_from_z", img, files,
             "g([z], randomize_noise=False): the stored noise buffers, no truncation")
        if "image_truncated_0.7" not in case.get("skip", []):
            save(out_dir, "image_truncated_0.7",
                 g([z], truncation=PSI, truncation_latent=latent_avg, randomize_noise=False)[0],
                 files, "g([z], truncation=0.7, truncation_latent=latent_avg, "
                        "randomize_noise=False)")
        save(out_dir, "wplus", wplus, files, "a W+ [N, n_latent, style_dim] (latent_avg + noise)")
        save(out_dir, "image_from_wplus", g([wplus], input_is_latent=True, randomize_noise=False)[0],
             files, "g([wplus], input_is_latent=True, randomize_noise=False)")
        save(out_dir, "image_mixed_inject2", g([z, z2], inject_index=MIX_INDEX,
                                               randomize_noise=False)[0], files,
             "g([z, z2], inject_index=2, randomize_noise=False): W+ layers 0-1 from z, the rest "
             "from z2")
        logits = d(img)
        save(out_dir, "discriminator_logits_of_image_from_z", logits, files,
             "d(image_from_z), the whole batch as one minibatch-stddev group of min(4, N)")

    meta = dict(
        description="rosinality/stylegan2-pytorch checkpoint with randomised parameters and "
                    "what its code computes from it (CPU, float32)",
        format="rosinality-pt",
        checkpoint="model.pt",
        serialization=case["serialization"],
        pickle_protocol=case["pickle_protocol"],
        checkpoint_keys=["g_ema", "d", "latent_avg"],
        generator_args=dict(size=case["size"], style_dim=case["style_dim"], n_mlp=case["n_mlp"],
                            channel_multiplier=cm, blur_kernel=[1, 3, 3, 1], lr_mlp=lr_mlp),
        channel_table_note="model.py's channel table literal replaced by 'channels' below",
        resolution=case["size"],
        z_dim=case["style_dim"],
        w_dim=case["style_dim"],
        mapping_layers=case["n_mlp"],
        num_ws=g.n_latent,
        channels={str(r): c for r, c in sorted(channels.items()) if r <= case["size"]},
        d_channels={str(r): c for r, c in sorted(channels.items()) if r <= case["size"]},
        conv_clamp=None,
        mbstd_group_size=4,
        mbstd_num_channels=1,
        n=case["n"],
        truncation_psi=PSI,
        mix_index=MIX_INDEX,
        files=files,
        tolerance=dict(max_abs=2e-3, mean_abs=1e-4),
    )
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    return meta


# ---------------------------------------------------------------------------- stylegan2-ada


def make_ada(case, src, out_root):
    sys.path.insert(0, src)
    import dnnlib  # noqa: E402  (from the original sources)
    from training import networks  # noqa: E402
    from torch_utils.ops import bias_act  # noqa: E402

    out_dir = os.path.join(out_root, case["name"])
    os.makedirs(out_dir, exist_ok=True)
    torch.manual_seed(case["seed"])

    # As train.py builds them: EasyDict kwargs, then construct_class_by_name(**kwargs).
    common = dict(c_dim=0, img_resolution=case["resolution"], img_channels=3)
    g_kwargs = dnnlib.EasyDict(z_dim=case["z_dim"], w_dim=case["w_dim"],
                               mapping_kwargs=dnnlib.EasyDict(num_layers=case["mapping_layers"]),
                               synthesis_kwargs=dnnlib.EasyDict(
                                   channel_base=case["channel_base"],
                                   channel_max=case["channel_max"],
                                   num_fp16_res=case["num_fp16_res"],
                                   conv_clamp=case["conv_clamp"]))
    d_kwargs = dnnlib.EasyDict(block_kwargs=dnnlib.EasyDict(), mapping_kwargs=dnnlib.EasyDict(),
                               epilogue_kwargs=dnnlib.EasyDict(
                                   mbstd_group_size=case["mbstd_group_size"],
                                   mbstd_num_channels=case["mbstd_num_channels"]),
                               channel_base=case["channel_base"], channel_max=case["channel_max"],
                               num_fp16_res=case["num_fp16_res"], conv_clamp=case["conv_clamp"])
    G = networks.Generator(**g_kwargs, **common).eval().requires_grad_(False)
    D = networks.Discriminator(**d_kwargs, **common).eval().requires_grad_(False)
    G_ema = copy.deepcopy(G)
    rng = torch.Generator().manual_seed(case["seed"] * 1000 + 7)
    lr_mul = 0.01

    def g_scale(name):
        if name.startswith("mapping.fc"):  # lr_multiplier 0.01: weight / lr_mul at init
            return (0.0, 1.0 / lr_mul) if name.endswith("weight") else (0.0, 0.5 / lr_mul)
        if name.endswith("affine.bias"):
            return (1.0, 0.3)  # bias_init=1
        if name.endswith("noise_strength"):
            return (0.0, 0.5)
        if name.endswith("bias"):
            return (0.0, 0.3)  # SynthesisLayer and ToRGB biases
        return (0.0, 1.0)  # weights, affine weights, const, noise_const

    def d_scale(name):
        return (0.0, 0.3) if name.endswith("bias") else (0.0, 1.0)

    def tensors(module):
        return [(n, t) for n, t in list(module.named_parameters()) + list(module.named_buffers())
                if not n.endswith("resample_filter") and not n.endswith("w_avg")]

    randomise(tensors(G_ema), rng, g_scale)
    randomise(tensors(G), rng, g_scale)  # the training G differs from G_ema: loaders use G_ema
    randomise(tensors(D), rng, d_scale)

    with torch.no_grad():
        zrng = torch.Generator().manual_seed(case["seed"] + 200)
        zs = torch.randn(4096, case["z_dim"], generator=zrng)
        G_ema.mapping.w_avg.copy_(G_ema.mapping(zs, None)[:, 0].mean(0))  # what training tracks
        G.mapping.w_avg.copy_(G.mapping(zs, None)[:, 0].mean(0))

        # A snapshot as training/training_loop.py writes one.
        snapshot = dict(training_set_kwargs=dict(class_name="training.dataset.ImageFolderDataset",
                                                 path="none.zip", use_labels=False, max_size=None,
                                                 xflip=False, resolution=case["resolution"]))
        for name, module in [("G", G), ("D", D), ("G_ema", G_ema), ("augment_pipe", None)]:
            if module is not None:
                module = copy.deepcopy(module).eval().requires_grad_(False)
            snapshot[name] = module
        # Real pickles embed training/networks.py's source in every object (module_src); this
        # test data carries a placeholder instead of NVIDIA's code, as the shared fixture does.
        # (Only while pickling: copy.deepcopy goes through the same __reduce__.)
        from torch_utils import persistence  # noqa: E402
        sources = {cls: cls._orig_module_src for cls in persistence._decorators}
        for cls in sources:
            cls._orig_module_src = MODULE_SRC_PLACEHOLDER
        with open(os.path.join(out_dir, "network.pkl"), "wb") as f:
            pickle.dump(snapshot, f, protocol=case["pickle_protocol"])
        for cls, src_text in sources.items():
            cls._orig_module_src = src_text

        n = case["n"]
        z = torch.randn(n, case["z_dim"], generator=zrng)
        z2 = torch.randn(n, case["z_dim"], generator=zrng)
        ws = G_ema.mapping(z, None)
        wplus = torch.randn(n, G_ema.num_ws, case["w_dim"], generator=zrng) * 0.5 + \
            G_ema.mapping.w_avg

        # How much the clamp bites: the share of clamped values over every clamped layer.
        clamp_stats = [0, 0]
        if case["conv_clamp"] is not None:
            orig = bias_act._bias_act_ref

            def counting(x, b=None, dim=1, act="linear", alpha=None, gain=None, clamp=None):
                if clamp is not None:
                    y = orig(x, b, dim, act, alpha, gain, None)
                    clamp_stats[0] += int((y.abs() > clamp).sum())
                    clamp_stats[1] += y.numel()
                return orig(x, b, dim, act, alpha, gain, clamp)

            bias_act._bias_act_ref = counting

        files = {}
        save(out_dir, "z", z, files, "input z")
        save(out_dir, "z2", z2, files, "second z for style mixing")
        save(out_dir, "ws", ws, files, "G_ema.mapping(z, None): [N, num_ws, w_dim]")
        save(out_dir, "w_avg", G_ema.mapping.w_avg, files,
             "G_ema.mapping.w_avg (mean of w over 4096 z)")
        img = G_ema(z, None, truncation_psi=1, noise_mode="const", force_fp32=True)
        save(out_dir, "image_from_z", img, files,
             "G_ema(z, None, truncation_psi=1, noise_mode='const', force_fp32=True)")
        save(out_dir, "image_truncated_0.7",
             G_ema(z, None, truncation_psi=PSI, noise_mode="const", force_fp32=True), files,
             "G_ema(z, None, truncation_psi=0.7, noise_mode='const', force_fp32=True)")
        save(out_dir, "image_noise_none",
             G_ema(z, None, noise_mode="none", force_fp32=True), files,
             "G_ema(z, None, noise_mode='none', force_fp32=True)")
        save(out_dir, "wplus", wplus, files, "a W+ [N, num_ws, w_dim] (w_avg + noise)")
        save(out_dir, "image_from_wplus",
             G_ema.synthesis(wplus, noise_mode="const", force_fp32=True), files,
             "G_ema.synthesis(wplus, noise_mode='const', force_fp32=True)")
        ws2 = G_ema.mapping(z2, None)
        mixed = torch.cat([ws[:, :MIX_INDEX], ws2[:, MIX_INDEX:]], 1)
        save(out_dir, "image_mixed_inject2",
             G_ema.synthesis(mixed, noise_mode="const", force_fp32=True), files,
             "G_ema.synthesis(ws(z)[:, :2] ++ ws(z2)[:, 2:], noise_mode='const', force_fp32=True)")
        logits = D(img, None, force_fp32=True)
        save(out_dir, "discriminator_logits_of_image_from_z", logits, files,
             "D(image_from_z, None, force_fp32=True)")
        if case["conv_clamp"] is not None:
            bias_act._bias_act_ref = orig

    channels = {str(r): min(case["channel_base"] // r, case["channel_max"])
                for r in [2 ** i for i in range(2, int(np.log2(case["resolution"])) + 1)]}
    meta = dict(
        description="NVIDIA stylegan2-ada-pytorch network pickle with randomised parameters and "
                    "what its code computes from it (CPU, float32: force_fp32=True)",
        format="stylegan2-ada-pkl",
        checkpoint="network.pkl",
        serialization="pickle",
        pickle_protocol=case["pickle_protocol"],
        snapshot_keys=list(snapshot.keys()),
        module_src="placeholder (real pickles embed training/networks.py here)",
        generator_kwargs=json.loads(json.dumps(dict(g_kwargs, **common))),
        discriminator_kwargs=json.loads(json.dumps(dict(d_kwargs, **common))),
        resolution=case["resolution"],
        z_dim=case["z_dim"],
        w_dim=case["w_dim"],
        mapping_layers=case["mapping_layers"],
        num_ws=G_ema.num_ws,
        channels=channels,
        d_channels=channels,
        conv_clamp=case["conv_clamp"],
        clamped_share=(clamp_stats[0] / clamp_stats[1]) if clamp_stats[1] else 0.0,
        num_fp16_res=case["num_fp16_res"],
        mbstd_group_size=case["mbstd_group_size"],
        mbstd_num_channels=case["mbstd_num_channels"],
        n=case["n"],
        truncation_psi=PSI,
        mix_index=MIX_INDEX,
        files=files,
        tolerance=dict(max_abs=2e-3, mean_abs=1e-4),
    )
    with open(os.path.join(out_dir, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
    return meta


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--ros-src", required=True)
    p.add_argument("--ada-src", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--only", default=None, help="regex of case names")
    args = p.parse_args()
    torch.set_num_threads(1)  # reproducible sums
    for case in CASES:
        if args.only and not re.search(args.only, case["name"]):
            continue
        meta = (make_rosinality(case, os.path.abspath(args.ros_src), args.out)
                if case["kind"] == "rosinality"
                else make_ada(case, os.path.abspath(args.ada_src), args.out))
        print(case["name"], "done", "clamped share %.3f" % meta.get("clamped_share", 0.0))


if __name__ == "__main__":
    main()
