#!/usr/bin/env bash
# Draws the example's state diagram (`desugar --graph svg`) and opens it in headless Chromium:
# the screenshot must not be blank and the rendered page must show every state's label.
# Needs Debian's chromium (`apt-get install -y chromium`); writes target/graph/.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/graph
mkdir -p "$out"
cargo build -q -p desugar-cli
target/debug/desugar --graph svg examples/fetch_data.rs > "$out/states.svg"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$(mktemp -d)")
url="file://$PWD/$out/states.svg"
chromium "${flags[@]}" --window-size=1300,700 --screenshot="$out/states.png" "$url" 2>/dev/null
chromium "${flags[@]}" --dump-dom "$url" 2>/dev/null > "$out/states.dom"
python3 - "$out/states.png" "$out/states.dom" <<'EOF'
import struct, sys, zlib

png, dom = sys.argv[1], open(sys.argv[2]).read()
data = open(png, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width, height, kind = 8, b"", 0, 0, 0
while pos < len(data):
    length, tag = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if tag == b"IHDR":
        width, height, depth, kind = struct.unpack(">IIBB", body[:10])
        assert depth == 8, f"bit depth {depth}"
    elif tag == b"IDAT":
        idat += body
    pos += 12 + length
channels = {2: 3, 6: 4}[kind]
raw = zlib.decompress(idat)
stride = width * channels
rows, prev = [], bytearray(stride)
for y in range(height):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - channels] if i >= channels else 0
        b, c = prev[i], prev[i - channels] if i >= channels else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(line)
    prev = line
dark = sum(1 for row in rows for x in range(0, stride, channels) if sum(row[x:x + 3]) < 384)
print(f"screenshot {width}x{height}: {dark} dark pixels")
assert dark > 2000, "the screenshot is blank"
labels = ["Start", "Get", "Text", "FetchData", "AfterFor", "Done", "line 13: client.get(url).await?"]
missing = [l for l in labels if f">{l}<" not in dom]
assert not missing, f"labels missing from the rendered page: {missing}"
print(f"all {len(labels)} labels rendered")
EOF
