"""Qt viewer: an image and its histogram, two linked canvases in a Qt main window.

A slider sets the upper colormap limit of the image; the histogram shows both
limits as vertical lines and the counts between them brighter. A button saves
a screenshot of the image canvas. Needs ``pip install 'glframe[qt]'``.

In the gallery (``GLFRAME_BACKEND=offscreen``) no Qt window is made: the same
two canvases are built offscreen and the gallery renders the image canvas.
"""

import os

import numpy as np

import glframe
from glframe import scene

QT = os.environ.get("GLFRAME_BACKEND") != "offscreen"
BACKEND = "qt" if QT else "offscreen"

# ---- data: a field with a broad and a narrow component ------------------------------------
y, x = np.mgrid[0:300, 0:400] / 50.0
field = np.sin(x * 1.3) * np.cos(y * 1.7) + 0.6 * np.exp(-((x - 5) ** 2 + (y - 3) ** 2) * 2)
counts, edges = np.histogram(field, bins=64)
CLIM = [-0.8, 1.2]

# ---- the image canvas ------------------------------------------------------------------
canvas = scene.SceneCanvas(size=(480, 360), backend=BACKEND, title="Qt viewer", bgcolor="#202428")
view = canvas.add_view()
view.camera = scene.PanZoomCamera(aspect=1, flip=(False, True))
image = scene.visuals.Image(field, cmap="viridis", clim=tuple(CLIM), parent=view.scene)
view.camera.set_range(margin=0.02)

# ---- the histogram canvas: step line of counts, limits as two vertical lines -------------
hist_canvas = scene.SceneCanvas(size=(480, 160), backend=BACKEND, bgcolor="#14161c")
hist_view = hist_canvas.add_view()
hist_view.camera = scene.PanZoomCamera()
heights = counts / counts.max()
steps = np.column_stack([np.repeat(edges, 2)[1:-1], np.repeat(heights, 2)])
scene.visuals.Line(steps, color="#8fa3bf", width=1.5, parent=hist_view.scene)
limits = scene.visuals.Line(color="#f0c040", width=2.0, connect="segments", parent=hist_view.scene)
hist_view.camera.set_range(x=(edges[0], edges[-1]), y=(0, 1.05), margin=0.02)


def set_clim(low: float, high: float) -> None:
    """Change the image's colormap limits and show them on the histogram."""
    CLIM[:] = [low, high]
    image.clim = (low, high)
    limits.set_data(np.array([[low, 0], [low, 1.05], [high, 0], [high, 1.05]], np.float32))
    canvas.update()
    hist_canvas.update()


set_clim(*CLIM)


def main() -> None:
    """The Qt main window: both canvases, a slider and a screenshot button."""
    try:  # glframe's canvases take PyQt6 first, else PySide6 (the same names)
        from PyQt6 import QtCore, QtWidgets
    except ImportError:
        from PySide6 import QtCore, QtWidgets

    window = QtWidgets.QMainWindow()
    window.setWindowTitle("glframe Qt viewer")
    central = QtWidgets.QWidget()
    layout = QtWidgets.QVBoxLayout(central)
    layout.addWidget(canvas.native, stretch=3)
    layout.addWidget(hist_canvas.native, stretch=1)
    row = QtWidgets.QHBoxLayout()
    slider = QtWidgets.QSlider(QtCore.Qt.Orientation.Horizontal)
    slider.setRange(0, 100)
    slider.setValue(round((CLIM[1] - edges[0]) / (edges[-1] - edges[0]) * 100))
    label = QtWidgets.QLabel()
    button = QtWidgets.QPushButton("Save screenshot")
    row.addWidget(QtWidgets.QLabel("upper limit"))
    row.addWidget(slider, stretch=1)
    row.addWidget(label)
    row.addWidget(button)
    layout.addLayout(row)
    window.setCentralWidget(central)

    def on_slider(value: int) -> None:
        high = edges[0] + (edges[-1] - edges[0]) * value / 100
        set_clim(CLIM[0], max(high, CLIM[0] + 1e-3))
        label.setText(f"{CLIM[1]:.2f}")

    def on_save() -> None:
        import imageio.v3 as iio

        iio.imwrite("qt_viewer.png", canvas.render())
        window.statusBar().showMessage("wrote qt_viewer.png", 3000)

    slider.valueChanged.connect(on_slider)
    button.clicked.connect(on_save)
    on_slider(slider.value())
    window.show()
    glframe.run()  # Qt's event loop, until the window closes


if __name__ == "__main__":
    if QT:
        main()
    else:
        glframe.app.show(canvas, __file__)
