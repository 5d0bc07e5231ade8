"""Convert the embedded model's verified GGUF into the safetensors folder vLLM loads (its GGUF loader is gone).

Runs in the vLLM environment (torch, transformers, gguf, accelerate), not the project's: `serve.sh` calls it.
The weights come only from the installed chunk packages (already assembled and sha256-verified by
`tools.llm.weights`); nothing is downloaded (HF_HUB_OFFLINE=1). The Q4_K_M weights are dequantized to
bfloat16, so vLLM serves the same model the embedded llama.cpp server does, up to rounding.

Usage: ``python convert_weights.py MODEL.gguf OUT_DIR``; OUT_DIR is written atomically (a temporary folder
renamed at the end), so an interrupted conversion leaves nothing half-written behind.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer


def convert(gguf: Path, out: Path) -> None:
    """Write model.safetensors, config and tokenizer for `gguf` into `out`."""
    if not gguf.is_file():
        raise SystemExit(f"no GGUF at {gguf}: run `make demo` or `promo shop demo` once to assemble the weights")
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.bfloat16)
    # The tensors are dequantized on load; dropping the GGUF quantizer lets them be saved as plain bf16.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(tmp, safe_serialization=True)
    tokenizer.save_pretrained(tmp)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    print(f"converted {gguf.name} -> {out} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: convert_weights.py MODEL.gguf OUT_DIR")
    convert(Path(sys.argv[1]), Path(sys.argv[2]))
