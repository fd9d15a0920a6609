#!/usr/bin/env python3
"""sim_scalesim_cycles.py NIBBLE WORKDIR README

Re-measures every row of the SCALE-Sim table in sim/README.md with
`nibble sim` (the stepped C model), with and without --no-overlap, and checks
each figure against the table, against nibble's closed forms and SCALE-Sim
v2's weight-stationary formula, all written here from the README's text."""
import os, re, shutil, subprocess, sys

nibble, work, readme = sys.argv[1:4]
text = open(readme).read()
m = re.search(r"<!-- scalesim-table -->\n(.*?)<!-- /scalesim-table -->", text, re.S)
if not m:
    print("FAIL: no scalesim-table in", readme); sys.exit(1)
rows = []
for line in m.group(1).splitlines():
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 7 or not cells[1].isdigit():
        continue
    R, C = (int(x) for x in cells[0].split("x"))
    M, K, N = (int(x) for x in cells[2].split("x"))
    rows.append((R, C, int(cells[1]), M, K, N, *(int(c) for c in cells[3:])))
if len(rows) < 4:
    print("FAIL: the table has", len(rows), "rows"); sys.exit(1)

def ceil(a, b): return -(-a // b)

def nibble_cycles(R, C, P, M, K, N, overlap, q=0):
    """sim/README.md, 'Cycle count of a tiled GEMM', one segment of K."""
    w, L = int(P >= 2), R + C + P + 1
    u = max(1, C - 1 + w + q) if overlap else L + 1
    H = M + u - w
    r = ceil(K, R)
    cycles = M + L + 1 - w                      # the first fold
    for block in range(ceil(N, C)):
        if block:                               # a fold that starts a column block
            cycles += max(R - (r - 1) * (C + P + 2), H)
        cycles += (r - 1) * max(L + 1, H)       # folds that continue the segment
    return cycles

def measure(design, shape, extra):
    out = subprocess.run([nibble, "sim", "--config", design, "--gemm", shape, "--group", "0"] + extra,
                         capture_output=True, text=True)
    if out.returncode != 0:
        print("FAIL: nibble sim", shape, extra, out.stderr); sys.exit(1)
    return int(re.search(r"(\d+) cycles", out.stdout).group(1))

shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
bad = 0
for R, C, P, M, K, N, folds, scalesim, no_overlap, overlapped in rows:
    design = os.path.join(work, f"d{R}x{C}p{P}")
    if not os.path.isdir(design):
        subprocess.run([nibble, "gen", "--weights", "int4", "--acts", "int4", "--rows", str(R),
                        "--cols", str(C), "--pipeline", str(P), "-o", design],
                       check=True, stdout=subprocess.DEVNULL)
    shape = f"{M}x{K}x{N}"
    got_no, got_ov = measure(design, shape, ["--no-overlap"]), measure(design, shape, [])
    F = ceil(K, R) * ceil(N, C)
    w = int(P >= 2)
    checks = [
        ("folds", folds, F),
        ("SCALE-Sim v2 folds x (2R + C + M - 2) - 1", scalesim, F * (2 * R + C + M - 2) - 1),
        ("--no-overlap measured vs table", no_overlap, got_no),
        ("--no-overlap closed form F (M + R + C + P + 2 - w)", got_no, F * (M + R + C + P + 2 - w)),
        ("--no-overlap general form", got_no, nibble_cycles(R, C, P, M, K, N, False)),
        ("overlapped measured vs table", overlapped, got_ov),
        ("overlapped general form", got_ov, nibble_cycles(R, C, P, M, K, N, True)),
    ]
    if M >= R + P + 3:
        checks.append(("overlapped simple form", got_ov,
                       M + R + C + P + 2 - w + (F - 1) * (M + C - 1)))
    # per fold, --no-overlap and SCALE-Sim differ by P + 4 - w - R (plus the final -1)
    checks.append(("difference per fold", got_no - (scalesim + 1), F * (P + 4 - w - R)))
    for name, want, got in checks:
        if want != got:
            print(f"FAIL: {R}x{C} P{P} {shape}: {name}: {want} != {got}")
            bad += 1
    print(f"{R}x{C} P{P} {shape}: folds {F}, SCALE-Sim {scalesim}, nibble --no-overlap {got_no}, "
          f"overlapped {got_ov}")
sys.exit(1 if bad else 0)
