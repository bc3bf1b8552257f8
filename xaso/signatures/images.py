"""Demo appearance images drawn with Pillow: a blue handwritten-like signature and a red
round seal, both transparent PNGs (ND 30/2020 Phụ lục I: "hình ảnh chữ ký ... màu xanh,
định dạng PNG nền trong suốt"; "hình ảnh con dấu ... màu đỏ, kích thước bằng kích thước
thực tế, định dạng PNG nền trong suốt").

Real deployments upload the scanned signature and seal of the unit; these images are for
development and tests so no third-party image ships with the project.
"""

import functools
import io
import math
import zlib

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

BLUE = (0, 51, 204, 255)
RED = (220, 20, 30, 255)
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@functools.lru_cache(maxsize=64)
def signature_png(name: str = "", *, width: int = 600, height: int = 240) -> bytes:
    """A flowing blue stroke that differs per name (deterministic), on a transparent ground."""
    seed = zlib.crc32(name.encode())
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = []
    loops = 3 + seed % 3
    for step in range(401):
        t = step / 400
        x = width * (0.06 + 0.88 * t)
        wobble = math.sin(t * math.pi * 2 * loops + (seed % 7)) * height * 0.28
        swing = math.sin(t * math.pi * (1 + seed % 2)) * height * 0.12
        points.append((x, height * 0.55 - wobble * (1 - t * 0.5) - swing))
    draw.line(points, fill=BLUE, width=max(4, height // 40), joint="curve")
    # The final underline flourish.
    draw.line(
        [(width * 0.15, height * 0.82), (width * 0.9, height * 0.74)],
        fill=BLUE,
        width=max(3, height // 60),
    )
    return _png(image)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(FONT_PATH, size)
    except OSError:
        return ImageFont.load_default()


@functools.lru_cache(maxsize=16)
def seal_png(text: str = "", *, size: int = 600) -> bytes:
    """A red round seal: double ring, a star in the middle, the unit's name around it."""
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ring = max(6, size // 45)
    draw.ellipse((ring, ring, size - ring, size - ring), outline=RED, width=ring)
    inner = size * 0.2
    draw.ellipse((inner, inner, size - inner, size - inner), outline=RED, width=ring // 2)
    centre = size / 2
    star_outer, star_inner = size * 0.14, size * 0.055
    star = []
    for index in range(10):
        radius = star_outer if index % 2 == 0 else star_inner
        angle = -math.pi / 2 + index * math.pi / 5
        star.append((centre + radius * math.cos(angle), centre + radius * math.sin(angle)))
    draw.polygon(star, fill=RED)
    label = (text or "XÃSỐ DEMO").upper()
    font = _font(max(12, size // 16))
    radius = size * 0.39
    # Letters placed one by one along the upper arc, upright towards the centre.
    span = min(math.pi * 1.6, len(label) * 0.16)
    for index, letter in enumerate(label):
        angle = -math.pi / 2 - span / 2 + span * (index + 0.5) / len(label)
        x = centre + radius * math.cos(angle)
        y = centre + radius * math.sin(angle)
        glyph = Image.new("RGBA", (size // 8, size // 8), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (size // 16, size // 16), letter, font=font, fill=RED, anchor="mm"
        )
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.Resampling.BICUBIC)
        image.alpha_composite(glyph, (int(x - size // 16), int(y - size // 16)))
    return _png(image)


def is_transparent_png(data: bytes) -> bool:
    """Whether `data` is a PNG with an alpha channel (the legal format of both images)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.format == "PNG" and "A" in image.getbands()
    except (OSError, ValueError):
        return False
