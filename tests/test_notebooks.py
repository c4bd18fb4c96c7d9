"""The example notebooks run, the widget carries a PNG snapshot, and glframe needs no anywidget.

Every notebook in examples/notebooks/ is executed by nbclient in a real
``python3`` kernel (this virtualenv's, with glframe installed), so that they
cannot rot; a cell that raises fails the test. The committed notebooks must
be exactly what tools/make_notebooks.py writes (and so carry no outputs).
Executed and saved without widget state, nbconvert shows each widget's PNG.
"""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from jupyter_helpers import require_modules

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "examples" / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    names = {p.name for p in NOTEBOOKS}
    assert {"scatter.ipynb", "animation.ipynb"} <= names


def test_committed_notebooks_are_generated_and_have_no_outputs():
    require_modules("nbformat")
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_notebooks
    finally:
        sys.path.remove(str(ROOT / "tools"))
    for name, text in make_notebooks.texts().items():
        path = ROOT / "examples" / "notebooks" / name
        assert path.read_text(encoding="utf-8") == text, (
            f"{path} differs from what tools/make_notebooks.py writes: run it"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, make_canvas, tmp_path):
    make_canvas((1, 1))  # GL here (or skip / fail under CI): the kernel renders too
    require_modules("nbclient", "nbformat", "nbconvert", "ipykernel", "anywidget")
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # the kernel's working directory
    )
    client.execute()  # raises CellExecutionError, quoting the cell, on the first error
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    widgets = [
        o
        for c in nb.cells
        for o in c.get("outputs", [])
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widgets, "the notebook shows no widget"
    assert all("image/png" in o["data"] for o in widgets), "a widget output lacks its snapshot"
    # Saved without the widget state (JupyterLab's default), nbconvert shows the snapshot.
    from nbconvert import HTMLExporter

    nb.metadata.pop("widgets", None)
    body, _ = HTMLExporter().from_notebook_node(nb)
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', body)) >= len(widgets)


def test_widget_mimebundle_has_a_png_snapshot(make_canvas):
    make_canvas((1, 1))
    require_modules("anywidget")
    from PIL import Image

    from glframe import scene

    canvas = scene.SceneCanvas(size=(64, 48), bgcolor="black")
    view = canvas.add_view(camera=scene.PanZoomCamera(rect=(0, 0, 10, 10)))
    scene.visuals.Markers(
        [[5.0, 5.0]], size=10, symbol="square", face_color="red", edge_width=0, parent=view.scene
    )
    try:
        widget = canvas.widget(mode="client")
        assert canvas.widget() is widget and widget.mode == "client"  # one widget per canvas
        data, _ = widget._repr_mimebundle_()
        assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == widget.model_id
        png = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
        assert (np.asarray(png) == canvas.render()).all()  # exact
        assert "<CanvasWidget 64x48 client>" in data["text/plain"]
        canvas.widget(mode="server")
        assert widget.mode == "server" and widget.session.mode == "server"
        widget.close()
        assert canvas.widget() is not widget  # a closed widget is replaced
    finally:
        canvas.close()


def test_widget_handshake_and_views(make_canvas):
    """Nothing is sent before a view is ready; then the mode, size and a frame."""
    make_canvas((1, 1))
    require_modules("anywidget")
    from glframe import scene

    canvas = scene.SceneCanvas(size=(64, 48))
    canvas.add_view(camera=scene.PanZoomCamera())
    sent = []
    try:
        widget = canvas.widget()
        widget.send = lambda content, buffers=None: sent.append((content, buffers))
        canvas.update()
        assert sent == []  # no view yet: nothing rendered, nothing lost
        widget._on_message(widget, {"type": "ready", "view_id": "a"}, [])
        assert [c["type"] for c, _ in sent] == ["mode", "frame"]
        assert sent[0][0]["size"] == [64, 48]
        widget._on_message(widget, {"type": "ack", "id": sent[1][0]["id"], "view_id": "a"}, [])
        widget._on_message(widget, {"type": "ready", "view_id": "b"}, [])  # a second view
        widget._on_message(widget, {"type": "visible", "visible": False, "view_id": "a"}, [])
        assert widget.session.visible  # b is still visible
        widget._on_message(widget, {"type": "visible", "closed": True, "view_id": "b"}, [])
        assert not widget.session.visible
        sent.clear()
        canvas.update()
        assert sent == []  # no visible view: nothing drawn
        widget._on_message(widget, "garbage", [])
        assert sent[-1][0]["type"] == "warning"  # answered, never raised
        stats = widget.stats()
        assert stats["frames_sent"] == 2 and stats["frames_shown"] == 1 and stats["views"] == 1
    finally:
        canvas.close()


def test_canvas_repr_outside_a_kernel_renders_nothing(make_canvas):
    canvas = make_canvas((8, 8))
    assert canvas._repr_mimebundle_() == {"text/plain": repr(canvas)}


def test_glframe_imports_without_anywidget():
    code = (
        "import sys; sys.modules['anywidget'] = None; sys.modules['ipywidgets'] = None\n"
        "import glframe, glframe.app, glframe.scene\n"
        "from glframe.app import _notebook\n"
        "try:\n"
        "    _notebook._widget_class()\n"
        "except ImportError as exc:\n"
        "    assert 'glframe[notebook]' in str(exc), exc\n"
        "else:\n"
        "    raise AssertionError('no ImportError')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_messages_from_another_thread_are_handled_on_the_widgets_loop(make_canvas):
    """ipykernel may call comm handlers on a subshell's thread; GL must stay on the loop's."""
    make_canvas((1, 1))
    require_modules("anywidget")
    import asyncio
    import threading

    from glframe import scene

    canvas = scene.SceneCanvas(size=(32, 24))
    canvas.add_view(camera=scene.PanZoomCamera())
    threads = []

    async def main():
        widget = canvas.widget()
        widget.send = lambda content, buffers=None: threads.append(threading.get_ident())
        other = threading.Thread(
            target=widget._on_message, args=(widget, {"type": "ready", "view_id": "v"}, [])
        )
        other.start()
        other.join()
        assert threads == []  # not handled on the calling thread
        await asyncio.sleep(0.05)

    try:
        asyncio.run(main())
    finally:
        canvas.close()
    assert threads and set(threads) == {threading.get_ident()}
