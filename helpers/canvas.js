// The browser side of helpers.canvas.DigitCanvas (an anywidget module).
// It draws strokes locally (no round trip per mouse move), and after each stroke, debounced, sends the
// drawing to Python as PNG bytes in the synced trait "image". Python answers through "preview",
// "probabilities" and "text", which this module shows.

const DEBOUNCE_MS = 250; // wait this long after a stroke: several quick strokes make one prediction

function render({ model, el }) {
  const width = model.get("width");
  const height = model.get("height");
  const ink = model.get("ink") === "black" ? "#000" : "#fff";
  const paper = model.get("ink") === "black" ? "#fff" : "#000";

  el.innerHTML = `
    <div class="digit-canvas" style="display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap;font:14px sans-serif">
      <div>
        <canvas style="border:1px solid #888;cursor:crosshair;touch-action:none"></canvas>
        <div><button class="clear">Clear</button></div>
      </div>
      <div>
        <div class="text" style="font-size:20px;font-weight:bold;margin-bottom:8px"></div>
        <img class="preview" alt="what the model sees (28×28)" style="image-rendering:pixelated;display:none">
        <div class="bars"></div>
      </div>
    </div>`;
  const canvas = el.querySelector("canvas");
  const context = canvas.getContext("2d");

  // Device pixel ratio: on a high-DPI screen (2 on most laptops' Retina displays) one CSS pixel is
  // several device pixels. The canvas's own pixel grid is made that much larger, and drawn in CSS
  // pixels through a scale, so that strokes stay sharp; the PNG sent to Python is then larger too,
  // which to_mnist does not mind (it scales every digit to 20 px).
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  context.scale(ratio, ratio);

  function clear() {
    context.fillStyle = paper; // an opaque background, so the PNG has no transparency
    context.fillRect(0, 0, width, height);
  }
  clear();

  // Pointer events cover the mouse, a pen and touch with one set of handlers. "touch-action: none"
  // (in the style above) stops a finger on the canvas from scrolling the notebook instead of drawing.
  let drawing = false;
  let timer = null;
  function position(event) {
    // offsetX/Y are in CSS pixels relative to the canvas, which is what the scaled context expects.
    return [event.offsetX, event.offsetY];
  }
  canvas.addEventListener("pointerdown", (event) => {
    drawing = true;
    clearTimeout(timer); // a new stroke started: the pending prediction waits for it
    // Pointer capture: the canvas keeps receiving this pointer's moves and its "pointerup" even
    // when the pen leaves the canvas, so a stroke that ends outside is still finished properly.
    canvas.setPointerCapture(event.pointerId);
    const [x, y] = position(event);
    context.strokeStyle = ink;
    context.lineWidth = model.get("pen_width");
    context.lineCap = "round";
    context.lineJoin = "round";
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x, y); // a click alone makes a dot
    context.stroke();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    const [x, y] = position(event);
    context.lineTo(x, y);
    context.stroke();
  });
  function endStroke() {
    if (!drawing) return;
    drawing = false;
    // Debounce: send only when no new stroke starts within DEBOUNCE_MS, so that drawing a 4 or a 7
    // (two strokes) asks Python once, and drawing stays fluid while the model runs.
    clearTimeout(timer);
    timer = setTimeout(send, DEBOUNCE_MS);
  }
  canvas.addEventListener("pointerup", endStroke);
  canvas.addEventListener("pointercancel", endStroke); // e.g. the browser took over a touch

  function send() {
    canvas.toBlob(async (blob) => {
      // A DataView travels as binary (no base64) and arrives in Python as bytes.
      model.set("image", new DataView(await blob.arrayBuffer()));
      model.save_changes();
    }, "image/png");
  }

  el.querySelector(".clear").addEventListener("click", () => {
    clearTimeout(timer);
    clear();
    model.set("image", new DataView(new ArrayBuffer(0)));
    model.save_changes();
  });

  // What Python sends back.
  const preview = el.querySelector(".preview");
  function showPreview() {
    const png = model.get("preview");
    if (preview.src) URL.revokeObjectURL(preview.src);
    if (!png || png.byteLength === 0) {
      preview.style.display = "none";
      preview.removeAttribute("src");
      return;
    }
    preview.src = URL.createObjectURL(new Blob([png], { type: "image/png" }));
    preview.style.display = "block";
  }
  function showBars() {
    const probabilities = model.get("probabilities");
    const best = probabilities.indexOf(Math.max(...probabilities));
    el.querySelector(".bars").innerHTML = probabilities
      .map(
        (p, digit) => `
        <div style="display:flex;align-items:center;gap:6px;height:18px">
          <span style="width:1em">${digit}</span>
          <span style="display:inline-block;height:12px;width:${Math.round(p * 160)}px;
                background:${digit === best ? "#1f77b4" : "#aaa"}"></span>
          <span style="font-size:12px">${Math.round(p * 100)}%</span>
        </div>`,
      )
      .join("");
  }
  function showText() {
    el.querySelector(".text").textContent = model.get("text");
  }
  showPreview();
  showBars();
  showText();
  model.on("change:preview", showPreview);
  model.on("change:probabilities", showBars);
  model.on("change:text", showText);
  return () => clearTimeout(timer); // cleanup when the view is removed
}

export default { render };
