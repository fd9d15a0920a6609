#!/usr/bin/env python3
"""export_scalesim.py NIBBLE WORKDIR

nibble export --scalesim: the configuration is read the way SCALE-Sim v2's
scale_config.read_conf_file reads it (configparser, the same sections and
keys, the same int() conversions), the GEMM topology the way its
topologies.load_arrays_gemm does; the values must be the design's. Bad input
(two designs, a directory as the file, --topology without --gemm, the
design's own manifest) is refused with exit status 2 and writes nothing."""
import configparser, os, shutil, subprocess, sys

nibble, work = sys.argv[1:3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
design = os.path.join(work, "d")
subprocess.run([nibble, "gen", "--weights", "int4,e2m1", "--acts", "int4", "--rows", "4", "--cols", "8",
                "-o", design], check=True, stdout=subprocess.DEVNULL)
cfg, topo = os.path.join(work, "nibble.cfg"), os.path.join(work, "gemm.csv")

def run(*args):
    return subprocess.run([nibble, "export"] + list(args), capture_output=True, text=True)

bad = []
def check(name, ok):
    if not ok:
        bad.append(name)

r = run("--config", design, "--scalesim", cfg, "--gemm", "16x24x40", "--topology", topo)
check("export ok", r.returncode == 0)
print(r.stdout, r.stderr)

# SCALE-Sim v2 scale_config.read_conf_file
config = configparser.ConfigParser()
check("cfg parsed", config.read(cfg) == [cfg])
run_name = config.get("general", "run_name")
bw_mode = config.get("run_presets", "InterfaceBandwidth")
sec = "architecture_presets"
rows, cols = int(config.get(sec, "ArrayHeight")), int(config.get(sec, "ArrayWidth"))
sizes = [int(config.get(sec, k)) for k in ("ifmapsramszkB", "filtersramszkB", "ofmapsramszkB")]
offsets = [int(config.get(sec, k)) for k in ("IfmapOffset", "FilterOffset", "OfmapOffset")]
df = config.get(sec, "Dataflow")
bandwidth = [int(x) for x in config.get(sec, "Bandwidth").split(",")]
check("run_name", run_name == "nibble_int4_e2m1_x_int4_4x8")
check("bandwidth mode", bw_mode in ("CALC", "USER"))
check("array height = rows", rows == 4)
check("array width = cols", cols == 8)
check("SRAM sizes", sizes == [256, 256, 128])
check("offsets", offsets == [0, 10000000, 20000000])
check("dataflow ws", df == "ws")
check("bandwidth", bandwidth == [10])

# SCALE-Sim v2 topologies.load_arrays_gemm
lines = [l.strip() for l in open(topo)]
layers = []
for row in lines[1:]:
    if row:
        elems = row.split(",")[:-1]
        layers.append((elems[0].strip(), int(elems[1]), int(elems[2]), int(elems[3])))
check("topology: one GEMM layer M=16 N=40 K=24", layers == [("nibble_gemm", 16, 40, 24)])

# options: --run-name and --sram
r = run("--config", design, "--scalesim", cfg, "--run-name", "mine", "--sram", "64,32,16")
config = configparser.ConfigParser()
config.read(cfg)
check("--run-name", r.returncode == 0 and config.get("general", "run_name") == "mine")
check("--sram", [config.getint(sec, k) for k in ("IfmapSramSzkB", "FilterSramSzkB", "OfmapSramSzkB")] == [64, 32, 16])

# bad input: exit 2, a message, nothing written
before = open(cfg).read()
for args, msg in [
    (["--config", design, "--config", design, "--scalesim", cfg], "give exactly one --config"),
    (["--config", design, "--scalesim", work], "directory"),
    (["--config", design, "--scalesim", cfg, "--topology", topo], "--topology and --gemm go together"),
    (["--config", design, "--scalesim", os.path.join(design, "manifest.json")], "manifest.json"),
    (["--config", os.path.join(work, "nonexistent"), "--scalesim", os.path.join(work, "x.cfg")], "nonexistent"),
    (["--config", design, "--scalesim", cfg, "--sram", "1,2"], "three positive sizes"),
]:
    r = run(*args)
    ok = r.returncode == 2 and msg in r.stderr and "error" in r.stderr
    check(f"bad input {args[-1]}: exit 2 with '{msg}' (got {r.returncode}: {r.stderr.strip()})", ok)
check("nothing written on bad input", open(cfg).read() == before and not os.path.exists(os.path.join(work, "x.cfg")))

if bad:
    print("FAIL:", "; ".join(bad)); sys.exit(1)
print("ok: SCALE-Sim configuration and topology read back as SCALE-Sim v2 reads them")
