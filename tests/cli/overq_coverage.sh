#!/bin/sh
# overq_coverage.sh NIBBLE
# The coverage table against an independent expectation. Slots next to an
# outlier are independent draws, zero with probability z (zeros after 4-bit
# rounding), so an outlier finds a zero within c slots with probability
# 1 - (1 - z)^c. Measured coverage must follow that within a few points,
# grow with depth, and OverQ must never lose SQNR against plain 4-bit.
set -u
nibble=$1
for dist in t:5 normal; do
    "$nibble" overq --dist "$dist" --zeros 0.3,0.5,0.7 --cascade 0..4 --n 400000 --json \
        > overq_$$.json || { echo "FAIL: nibble overq --dist $dist"; exit 1; }
    python3 - overq_$$.json "$dist" <<'PY' || { rm -f overq_$$.json; exit 1; }
import json, sys
doc = json.load(open(sys.argv[1]))
dist = sys.argv[2]
by_zero = {}
for p in doc["points"]:
    by_zero.setdefault(p["relu_zero_fraction"], []).append(p)
assert len(by_zero) == 3, by_zero.keys()
for zf, pts in sorted(by_zero.items()):
    pts.sort(key=lambda p: p["cascade"])
    assert [p["cascade"] for p in pts] == [0, 1, 2, 3, 4]
    z = pts[0]["zero_fraction"]
    prev = -1.0
    for p in pts:
        c, got = p["cascade"], p["handled_pct"]
        want = 100.0 * (1.0 - (1.0 - z) ** c)
        assert abs(got - want) < 4.0, (dist, zf, c, got, want)
        assert got >= prev, (dist, zf, c, got, prev)
        assert p["sqnr_db"] >= p["plain_sqnr_db"] - 1e-9, (dist, zf, c)
        prev = got
    print("%s, %.0f%% zeros: handled %s (expected %s)" % (dist, 100 * zf,
          " ".join("%.1f" % p["handled_pct"] for p in pts),
          " ".join("%.1f" % (100 * (1 - (1 - z) ** p["cascade"])) for p in pts)))
# the paper's claim: with half the activations zero, modest cascading
# handles over 90% of outliers
half = sorted(by_zero[0.5], key=lambda p: p["cascade"])
assert half[3]["handled_pct"] > 90 or half[4]["handled_pct"] > 90, half
PY
done
rm -f overq_$$.json
echo "ok: OverQ coverage follows 1 - (1 - z)^c"
