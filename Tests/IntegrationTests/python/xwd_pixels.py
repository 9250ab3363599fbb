"""Counts pixels in an X window dump (xwd, 24/32-bit TrueColor, as Xvfb writes it): how many are exactly VGA
text-mode grey (0xa8 in each channel: the 6-bit DAC value 42), the colour of the BIOS text on a
guest's screen, and how many are not black.
usage: xwd_pixels.py FILE.xwd [OUT.png]   (OUT.png: the same picture as a PNG, for a human to look at)"""
import struct
import sys
import zlib

data = open(sys.argv[1], "rb").read()
fields = struct.unpack(">25I", data[:100])
header_size, width, height = fields[0], fields[4], fields[5]
msb_first, bits_per_pixel, bytes_per_line, colormap_entries = fields[7], fields[11], fields[12], fields[19]
# Depth 24 is stored in 32-bit units: the line length tells the stride.
if bytes_per_line < width * 4 or bits_per_pixel not in (24, 32):
    sys.exit(f"unsupported xwd: {bits_per_pixel} bits per pixel, {bytes_per_line} bytes per line of {width}")
start = header_size + colormap_entries * 12
grey = lit = 0
rows = []
for y in range(height):
    line = data[start + y * bytes_per_line : start + y * bytes_per_line + width * 4]
    rgb = bytearray()
    for x in range(0, width * 4, 4):
        if msb_first:
            r, g, b = line[x + 1], line[x + 2], line[x + 3]
        else:
            b, g, r = line[x], line[x + 1], line[x + 2]
        grey += r == g == b == 0xA8
        lit += (r, g, b) != (0, 0, 0)
        rgb += bytes((r, g, b))
    rows.append(b"\0" + bytes(rgb))
print(f"grey={grey} lit={lit}")
if len(sys.argv) > 2:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b"")
    open(sys.argv[2], "wb").write(png)
