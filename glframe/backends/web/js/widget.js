// glframe's canvas widget: glir.js, figure.js and remote.js, each loaded from
// a blob URL (a module made from a string cannot import its siblings).
const SOURCES = __SOURCES__;
const load = (text) => import(URL.createObjectURL(new Blob([text], { type: "text/javascript" })));
let modules = null;
const LOOPBACK = ["localhost", "127.0.0.1", "[::1]", "::1"];

// Where the kernel's websocket (glframe/backends/notebook/_stream.py) may be reached from this page,
// best first: {via, url} for "direct" (its loopback port, from a page on the same machine)
// and "relay" (through the notebook server's glframe_jupyter extension).
function streamRoutes(offer, viewId, wanted) {
  const token = encodeURIComponent(offer.token);
  const query = `?stream_token=${token}&view=${encodeURIComponent(viewId)}`;
  const secure = location.protocol === "https:";
  const routes = [];
  const pageLocal = LOOPBACK.includes(location.hostname)
    || !location.protocol.startsWith("http");  // VS Code's webviews
  let host = offer.host;
  if (LOOPBACK.includes(host)) host = pageLocal ? "127.0.0.1" : null;
  else if (["0.0.0.0", "::", ""].includes(host)) host = location.hostname;
  if (host && wanted !== "relay") {
    if (host.includes(":") && !host.startsWith("[")) host = `[${host}]`;
    const scheme = secure && !LOOPBACK.includes(host) ? "wss" : "ws";
    const url = `${scheme}://${host}:${offer.port}/glframe/${offer.key}`;
    routes.push({ via: "direct", url: url + query });
  }
  const config = document.getElementById("jupyter-config-data");  // JupyterLab, Notebook 7
  if (config && location.protocol.startsWith("http") && wanted !== "direct") {
    let base = "/";
    try { base = JSON.parse(config.textContent).baseUrl || "/"; } catch (error) { /* default */ }
    if (!base.endsWith("/")) base += "/";
    const path = `${base}glframe/stream/${offer.port}/${offer.key}`;
    const url = `${secure ? "wss" : "ws"}://${location.host}${path}`;
    routes.push({ via: "relay", url: url + query });
  }
  return routes;
}

// An open websocket transport at `url`, or null (refused, closed, or not open in `timeout` ms).
async function openSocket(remote, url, timeout) {
  let socket;
  try { socket = remote.websocketTransport(url); } catch (error) { return null; }
  const opened = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeout);
    const done = (ok) => () => { clearTimeout(timer); resolve(ok); };
    socket.socket.addEventListener("open", done(true));
    socket.socket.addEventListener("close", done(false));
  });
  if (!opened) { socket.socket.close(); return null; }
  return socket;
}

// The view's messages: over the kernel's websocket when the page reaches it, else,
// or once that socket closes, over the comm.
function widgetTransport(model, viewId, remote) {
  const listeners = [];
  let stream = null;  // remote.websocketTransport while the stream is open
  let answer = null;  // resolves the kernel's answer to "stream"
  const deliver = (header, buffers) => { for (const cb of listeners) cb(header, buffers || []); };
  const onComm = (content, buffers) => {
    if (content.type === "stream") {
      if (content.view_id === viewId && answer) answer(content);
    } else if (!stream) deliver(content, buffers);  // a streaming view ignores the comm's copies
  };
  model.on("msg:custom", onComm);
  const transport = {
    via: "comm",
    deliver,
    send(header, buffers) {
      const message = { ...header, view_id: viewId };
      if (stream) stream.send(message, buffers); else model.send(message, undefined, buffers);
    },
    onMessage(callback) { listeners.push(callback); },
    // Ask the kernel where its websocket is and try each route; false: the comm it is.
    // A refused route fails at once; the timeout is for a kernel busy with a cell (it
    // answers when the cell ends) or a route that drops packets.
    async connectStream(wanted, timeout = 10000) {
      const offer = await new Promise((resolve) => {
        answer = resolve;
        model.send({ type: "stream", view_id: viewId });
      });
      answer = null;
      if (!offer.port) return false;
      for (const route of streamRoutes(offer, viewId, wanted)) {
        const socket = await openSocket(remote, route.url, timeout);
        if (!socket) continue;
        stream = socket;
        transport.via = route.via;
        socket.onMessage(deliver);
        socket.socket.addEventListener("close", () => {
          if (stream !== socket) return;
          stream = null;  // the kernel is told again on the comm, and sends the whole state there
          transport.via = "comm";
          transport.send({ type: "ready" }, []);
        });
        return true;
      }
      return false;
    },
    close() {
      model.off("msg:custom", onComm);
      const socket = stream;
      stream = null;
      if (socket) socket.socket.close();
    },
  };
  return transport;
}

async function render({ model, el }) {
  modules = modules || Promise.all([SOURCES.glir, SOURCES.figure, SOURCES.remote].map(load));
  const [glir, figure, remote] = await modules;
  const viewId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const transport = widgetTransport(model, viewId, remote);
  const size = model.get("_size");
  el.classList.add("glframe-widget");
  el.style.maxWidth = `${size[0]}px`;  // the canvas's own width, narrower if the cell is
  el.style.position = "relative";
  // The snapshot taken when the widget was displayed, until the kernel's first picture
  // (and for good where no kernel answers: a page exported with the widget state).
  const snapshot = model.get("_snapshot");
  let still = null;
  if (snapshot && snapshot.byteLength) {
    still = document.createElement("img");
    still.className = "glframe-snapshot";
    still.src = URL.createObjectURL(new Blob([snapshot], { type: "image/png" }));
    still.style.cssText = "position: absolute; left: 0; top: 0; width: 100%; pointer-events: none;";
    el.appendChild(still);
    transport.onMessage((header) => {
      if (still.parentNode && (header.type === "frame" || header.type === "glir")) {
        setTimeout(() => { still.remove(); URL.revokeObjectURL(still.src); }, 50);
      }
    });
  }
  const wanted = model.get("_stream");
  if (wanted !== "comm") await transport.connectStream(wanted);
  el.dataset.transport = transport.via;
  const view = remote.connect(el, transport, glir, figure);
  if (still) el.appendChild(still);  // above the view's canvas
  // Mode and aspect now, before the first resize report (the kernel's answer comes later).
  transport.deliver({ type: "mode", mode: model.get("mode"), size }, []);
  transport.onMessage(() => { el.dataset.transport = transport.via; });
  const blank = el.querySelector(".glframe-remote canvas");
  [blank.width, blank.height] = size;
  return () => {
    transport.send({ type: "visible", visible: false, closed: true }, []);
    transport.close();
    view.close();
  };
}

export default { render };
