#!/bin/sh
# report_tensors.sh NIBBLE WORKDIR
# A report on real tensors: a .safetensors file (F16 and BF16 tensors) and a
# .npy file written here byte by byte; each selected tensor gets a Student-t
# fit near the nu it was drawn from and SF4 at its fitted nu.
set -u
nibble=$1
work=$2
rm -rf "$work"
mkdir -p "$work"
python3 - "$work" <<'PY' || exit 1
import json, math, random, struct, sys
work = sys.argv[1]
rng = random.Random(7)
def t(nu):  # Student t from a normal over sqrt(chi2/nu)
    z = rng.gauss(0, 1)
    c = sum(rng.gauss(0, 1) ** 2 for _ in range(nu))
    return z / math.sqrt(c / nu)
def f16(x):
    return struct.pack("<e", x)
def bf16(x):
    return struct.pack("<f", x)[2:]
rows, cols = 64, 512
w_a = [0.02 * t(4) for _ in range(rows * cols)]
w_b = [0.05 * t(8) for _ in range(rows * cols)]
data_a = b"".join(f16(v) for v in w_a)
data_b = b"".join(bf16(v) for v in w_b)
header = {"__metadata__": {"format": "pt"},
          "layers.0.weight": {"dtype": "F16", "shape": [rows, cols], "data_offsets": [0, len(data_a)]},
          "layers.1.weight": {"dtype": "BF16", "shape": [rows, cols], "data_offsets": [len(data_a), len(data_a) + len(data_b)]},
          "bias": {"dtype": "F16", "shape": [4], "data_offsets": [len(data_a) + len(data_b), len(data_a) + len(data_b) + 8]}}
h = json.dumps(header).encode()
with open(work + "/model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(h)) + h + data_a + data_b + b"".join(f16(0.5) for _ in range(4)))
w_c = [0.1 * t(6) for _ in range(rows * cols)]
hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
hdr += " " * (63 - (10 + len(hdr)) % 64) + "\n"
with open(work + "/proj.npy", "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode())
    f.write(b"".join(struct.pack("<f", v) for v in w_c))
PY
out="$work/report"
"$nibble" report -o "$out" --formats int4,nf4,sf4 --overq "" --blocks "" --rows 2 --cols 2 --no-power -q \
    --tensors "$work/model.safetensors" --tensors "$work/proj.npy" --select "layers.*,proj" ||
    { echo "FAIL: report on tensors"; exit 1; }
python3 - "$out" <<'PY' || exit 1
import json, sys
rep = json.load(open(sys.argv[1] + "/report.json"))
fits = {t["name"]: t["student_t_fit"]["nu"] for t in rep["tensors"] if "student_t_fit" in t}
print("fitted nu:", fits)
want = {"layers.0.weight": 4, "layers.1.weight": 8, "proj": 6}
for name, nu in want.items():
    assert name in fits, "no fit for " + name
    assert abs(fits[name] - nu) / nu < 0.35, (name, fits[name], nu)
assert "bias" not in fits, "the selection should leave out bias"
rows = [a for a in rep["accuracy"] if a["tensor"] == "proj"]
assert any(a["format"].startswith("sf4:") for a in rows), "no SF4 at the fitted nu"
assert {a["format"] for a in rows} >= {"int4", "nf4", "sf4"}
print("ok: real tensors read, fitted and measured")
PY
