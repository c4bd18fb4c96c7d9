#!/usr/bin/env bash
# The GPU columns of the benchmarks: benchmarks/scenes.py and benchmarks/multiscale.py on a
# machine with an NVIDIA GPU and no network (the project's device machine: python3.12 with
# numpy, imageio and pillow, nothing else of ours), as the "A real GPU" section of the
# project's HEADLESS notes describes.
#
# Needs, carried next to the working tree, a folder (default wheels/, ignored by git via
# .git/info/exclude) holding:
#   *.whl     cp312 manylinux x86_64 wheels: PyOpenGL glfw freetype-py tornado vispy pygfx
#             wgpu rendercanvas pylinalg uharfbuzz hsluv cffi pycparser
#   debs/     Debian debs: libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 libvulkan1
#             (unpacked into /), and libfontconfig1 fontconfig-config libexpat1 libfreetype6
#             libpng16-16 libbrotli1 (unpacked into /tmp/fc: vispy's text needs fontconfig)
#   fonts/    a .ttf (DejaVuSans.ttf): the machine has no fonts
#
# Run from the repository root:  bash benchmarks/gpu.sh [WHEELS_DIR]
# At most about 9 minutes (each step has a time limit); give the device call 590 s.
# Writes $OUT/gpu.txt (the eight scenes, the multiscale paths without napari, then --scale
# for glframe) and $OUT/scenes_png.png (every scene's pictures, the libraries side by side).
set -u
WHEELS=${1:-wheels}
export OUT=${OUT:-/tmp/out}
mkdir -p "$OUT"
LOG="$OUT/gpu.txt"

# GL and Vulkan loaders (glvnd): into /, as the device notes say; the NVIDIA driver is there.
for f in "$WHEELS"/debs/libegl1_*.deb "$WHEELS"/debs/libglvnd0_*.deb \
    "$WHEELS"/debs/libopengl0_*.deb "$WHEELS"/debs/libgl1_*.deb "$WHEELS"/debs/libglx0_*.deb \
    "$WHEELS"/debs/libgles2_*.deb "$WHEELS"/debs/libvulkan1_*.deb; do
    dpkg -x "$f" /
done
# fontconfig and what it links to: elsewhere (they could shadow the machine's own in /)
mkdir -p /tmp/fc
for f in "$WHEELS"/debs/libfontconfig1_*.deb "$WHEELS"/debs/fontconfig-config_*.deb \
    "$WHEELS"/debs/libexpat1_*.deb "$WHEELS"/debs/libfreetype6_*.deb \
    "$WHEELS"/debs/libpng16-16_*.deb "$WHEELS"/debs/libbrotli1_*.deb; do
    dpkg -x "$f" /tmp/fc
done
echo /tmp/fc/usr/lib/x86_64-linux-gnu >/etc/ld.so.conf.d/zz-scenes-fc.conf
ldconfig

FONTS=$(cd "$WHEELS/fonts" && pwd)
cat >/tmp/fc/scenes-fonts.conf <<EOF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/tmp/fc/etc/fonts/fonts.conf</include>
  <dir>$FONTS</dir>
  <cachedir>/tmp/fc/cache</cachedir>
</fontconfig>
EOF
export FONTCONFIG_FILE=/tmp/fc/scenes-fonts.conf
export GLFRAME_FONT_PATH="$FONTS"

python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site "$WHEELS"/*.whl || exit 1
export PYTHONPATH="$PWD:/tmp/site"
export PYTHONUNBUFFERED=1
export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
export PYGFX_WGPU_ADAPTER_NAME="via Vulkan"

{
    echo "loadavg before: $(cat /proc/loadavg)"
    nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>&1
    # A GPU frame is milliseconds: more repeats for a stable median. vispy's 1000 separate
    # texts take over a minute to their first frame even here, hence the per-process limit.
    timeout 250 python3 benchmarks/scenes.py --repeat 20 --timeout 100 --png /tmp/scenes_png
    echo "scenes: exit $?"
    # the multiscale paths (napari is the 2D peer on llvmpipe only: not carried here)
    timeout 150 python3 benchmarks/multiscale.py --no-napari
    echo "multiscale: exit $?"
    # glframe alone: its 10,000-visual first frames are CPU work (70 s together on llvmpipe),
    # and the tables print at the end; pygfx's per-visual cost is CPU work too, measured on
    # llvmpipe (benchmarks/README.md)
    timeout 150 python3 benchmarks/scenes.py --scale --libs glframe --repeat 10 --timeout 50
    echo "scale glframe: exit $?"
    echo "loadavg after: $(cat /proc/loadavg)"
} 2>&1 | tee "$LOG"

# one picture for all scenes: the device hands back at most 8 files
python3 - <<'EOF'
import glob, os
from PIL import Image
files = sorted(glob.glob("/tmp/scenes_png/*.png"))
if files:
    ims = [Image.open(f) for f in files]
    sheet = Image.new("RGB", (max(i.width for i in ims), sum(i.height for i in ims)))
    y = 0
    for im in ims:
        sheet.paste(im, (0, y))
        y += im.height
    sheet.save(os.path.join(os.environ.get("OUT", "/tmp/out"), "scenes_png.png"))
EOF
