"""PyTorch reference timings for `npm run bench -- --reference` (GPU machines; see bench/README.md).

transformers GlmImageForConditionalGeneration + diffusers 0.39 GlmImageTransformer2DModel /
AutoencoderKL / GlmImagePipeline, built from the config.json files of the same checkpoint folder the
TypeScript suites used (the tiny fixture, or .cache/bench-models/<config>) with random weights,
timed on the same work as our suites:

  ar        prefill of --ar-prompt tokens and single-token decode steps with a KV cache
            (language model + lm_head on the last position, 3-D positions all equal, as ours)
  dit       one step = conditional (16 glyph tokens) + unconditional (1 token, prior dropped) pass
            at 512x512 and 1024x1024
  vae       decode of [1, 16, s/8, s/8] latents at 512x512 and 1024x1024 (fp32, like ours)
  pipeline  GlmImagePipeline text-to-image at --pipeline-size, --steps steps, guidance 1.5,
            with the time in the AR, glyph, DiT and VAE phases

Prints logs on stderr and ONE JSON line on stdout:
  {"source": "...", "figures": [{"suite", "name", "unit", "value", "samples", "note"?}]}
Figure names and units equal those of bench/suites/*.ts so the Node side can merge them.
Not runnable without PyTorch + a GPU; it has not been run on the CPU machine the suites were written on.
"""
import argparse, json, os, statistics, sys, time


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--config", default="tiny")
    ap.add_argument("--suites", default="ar,dit,vae,pipeline")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--ar-prompt", type=int, default=256)
    ap.add_argument("--ar-decode", type=int, default=32)
    ap.add_argument("--pipeline-size", type=int, default=1024)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--dtype", default="bfloat16", help="weights of the AR, glyph encoder and DiT (the VAE stays fp32)")
    a = ap.parse_args()

    import torch
    import transformers, diffusers
    dev = "cuda" if torch.cuda.is_available() else "cpu"
    dtype = getattr(torch, a.dtype)
    torch.manual_seed(0)
    ck = a.checkpoint
    suites = [s for s in a.suites.split(",") if s]
    figures = []

    def sync():
        if dev == "cuda":
            torch.cuda.synchronize()

    def timed(fn, repeats, warmup=1):
        for _ in range(warmup):
            fn()
        sync()
        out = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            sync()
            out.append(time.perf_counter() - t0)
        return out

    def add(suite, name, unit, samples, note=None):
        f = {"suite": suite, "name": name, "unit": unit, "value": statistics.median(samples), "samples": samples}
        if note:
            f["note"] = note
        figures.append(f)
        log(f"  {suite:9s} {name:45s} {f['value']:.5g} {unit}")

    def build(cls_or_fn, *args, dt=None, **kw):
        # random weights, materialised straight on the device in the run dtype
        prev = torch.get_default_dtype()
        torch.set_default_dtype(dt or dtype)
        try:
            with torch.device(dev):
                m = cls_or_fn(*args, **kw)
        finally:
            torch.set_default_dtype(prev)
        return m.eval().requires_grad_(False)

    def free(*ms):
        for m in ms:
            del m
        if dev == "cuda":
            torch.cuda.empty_cache()

    from transformers import GlmImageConfig, GlmImageForConditionalGeneration, T5Config, T5EncoderModel
    from diffusers import AutoencoderKL, GlmImageTransformer2DModel

    ar_cfg = lambda: GlmImageConfig.from_pretrained(os.path.join(ck, "vision_language_encoder"))
    dit_cfg = lambda: GlmImageTransformer2DModel.load_config(os.path.join(ck, "transformer"))
    vae_cfg = lambda: AutoencoderKL.load_config(os.path.join(ck, "vae"))

    with torch.inference_mode():
        if "ar" in suites:
            from transformers import DynamicCache
            ar = build(GlmImageForConditionalGeneration, ar_cfg())
            lm, head = ar.model.language_model, ar.lm_head
            P, D = a.ar_prompt, a.ar_decode
            ids = (16512 + torch.arange(P, device=dev) % 1000).view(1, P)

            def pos(start, n):
                return torch.arange(start, start + n, device=dev).view(1, 1, n).expand(3, 1, n)

            def prefill():
                cache = DynamicCache(config=ar.config.text_config)
                h = lm(input_ids=ids, position_ids=pos(0, P), past_key_values=cache, use_cache=True).last_hidden_state
                head(h[:, -1:])
                return cache

            samples = timed(prefill, min(a.repeats, 3))
            add("ar", f"prefill {P} tokens", "tokens/s", [P / s for s in samples])
            cache = prefill()
            sync()
            dec = []
            for k in range(D):
                t0 = time.perf_counter()
                h = lm(input_ids=torch.tensor([[k % 128]], device=dev), position_ids=pos(P + k, 1), past_key_values=cache, use_cache=True).last_hidden_state
                head(h[:, -1:])
                sync()
                dec.append(time.perf_counter() - t0)
            add("ar", "decode", "tokens/s", [1 / s for s in dec[2:]])
            free(ar, lm, head, cache)

        if "dit" in suites:
            dit = build(GlmImageTransformer2DModel.from_config, dit_cfg())
            c = dit.config
            for size in (512, 1024):
                h = size // 8
                n = (h // c.patch_size) ** 2
                lat = torch.randn(1, c.in_channels, h, h, device=dev, dtype=dtype)
                prior = torch.randint(0, c.prior_vq_quantizer_codebook_size, (1, n), device=dev)
                common = dict(hidden_states=lat, prior_token_id=prior, timestep=torch.tensor([999.0], device=dev),
                              target_size=torch.tensor([[size, size]], device=dev, dtype=dtype),
                              crop_coords=torch.zeros(1, 2, device=dev, dtype=dtype), return_dict=False)
                glyph_c = torch.randn(1, 16, c.text_embed_dim, device=dev, dtype=dtype)
                glyph_u = torch.randn(1, 1, c.text_embed_dim, device=dev, dtype=dtype)
                keep = torch.zeros(1, n, dtype=torch.bool, device=dev)
                drop = torch.ones(1, n, dtype=torch.bool, device=dev)

                def step():
                    dit(encoder_hidden_states=glyph_c, prior_token_drop=keep, **common)
                    dit(encoder_hidden_states=glyph_u, prior_token_drop=drop, **common)

                add("dit", f"step (cond + uncond) {size}x{size}", "s", timed(step, a.repeats), note=f"PyTorch eager {a.dtype}")
            free(dit)

        if "vae" in suites:
            vae = build(AutoencoderKL.from_config, vae_cfg(), dt=torch.float32)
            for size in (512, 1024):
                z = torch.randn(1, vae.config.latent_channels, size // 8, size // 8, device=dev)
                add("vae", f"decode {size}x{size}", "s", timed(lambda: vae.decode(z, return_dict=False), a.repeats), note="PyTorch eager fp32")
            free(vae)

        if "pipeline" in suites:
            from transformers import ByT5Tokenizer, GlmImageProcessor
            from diffusers import FlowMatchEulerDiscreteScheduler, GlmImagePipeline
            ar = build(GlmImageForConditionalGeneration, ar_cfg())
            t5 = build(T5EncoderModel, T5Config.from_pretrained(os.path.join(ck, "text_encoder")))
            dit = build(GlmImageTransformer2DModel.from_config, dit_cfg())
            vae = build(AutoencoderKL.from_config, vae_cfg(), dt=torch.float32)
            pipe = GlmImagePipeline(
                tokenizer=ByT5Tokenizer.from_pretrained(os.path.join(ck, "tokenizer")),
                processor=GlmImageProcessor.from_pretrained(os.path.join(ck, "processor")),
                text_encoder=t5, vision_language_encoder=ar, vae=vae, transformer=dit,
                scheduler=FlowMatchEulerDiscreteScheduler.from_pretrained(os.path.join(ck, "scheduler")))
            phase = {}
            marks = {}

            def wrap(obj, attr, key):
                orig = getattr(obj, attr)

                def w(*args, **kw):
                    sync()
                    t0 = time.perf_counter()
                    out = orig(*args, **kw)
                    sync()
                    dt = time.perf_counter() - t0
                    phase[key] = phase.get(key, 0.0) + dt
                    marks.setdefault(key + ".first", t0)
                    marks[key + ".last"] = t0 + dt
                    if key == "ar":
                        seq = out.sequences if hasattr(out, "sequences") else out
                        marks["ar.tokens"] = int(seq.shape[-1])
                    return out

                setattr(obj, attr, w)

            wrap(ar, "generate", "ar")
            wrap(t5, "forward", "glyph")
            wrap(dit, "forward", "dit")
            wrap(vae, "decode", "vae")
            size = a.pipeline_size
            prompt = 'A poster of a red fox in a neon city at night, the title "GLIMMER" in large letters'
            runs = []

            def one(seed):
                phase.clear(); marks.clear()
                t0 = time.perf_counter()
                pipe(prompt=prompt, height=size, width=size, num_inference_steps=a.steps, guidance_scale=1.5,
                     generator=torch.Generator(dev).manual_seed(seed), output_type="np")
                sync()
                wall = time.perf_counter() - t0
                # the DiT phase as our engine counts it: first DiT call to the end of the last one (scheduler steps included)
                ditspan = marks.get("dit.last", 0) - marks.get("dit.first", 0)
                return dict(wall=wall, ar=phase.get("ar", 0), glyph=phase.get("glyph", 0), dit=ditspan, vae=phase.get("vae", 0), tokens=marks.get("ar.tokens"))

            one(0)  # warm-up
            for i in range(max(1, min(a.repeats, 3))):
                runs.append(one(1 + i))
            note = f"GlmImagePipeline, {a.dtype} (VAE fp32), AR sequence lengths {[r['tokens'] for r in runs]}"
            add("pipeline", f"image {size}x{size}, {a.steps} steps, CFG 1.5", "s", [r["wall"] for r in runs], note=note)
            for p in ("ar", "glyph", "dit", "vae"):
                add("pipeline", f"phase {p}", "s", [r[p] for r in runs])
            free(pipe, ar, t5, dit, vae)

    gpu = torch.cuda.get_device_name(0) if dev == "cuda" else "cpu"
    source = f"PyTorch {torch.__version__} eager on {gpu}: transformers {transformers.__version__}, diffusers {diffusers.__version__}, {a.dtype}, random weights ({a.config})"
    print(json.dumps({"source": source, "figures": figures}))


if __name__ == "__main__":
    main()
