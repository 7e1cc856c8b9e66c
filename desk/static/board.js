// The wall board: asks /board/live.json every few seconds and rewrites the figures in place;
// when the server does not answer, the figures are marked stale (the time shown stays the last
// good one).
(function () {
  "use strict";
  const board = document.getElementById("board");
  if (!board) return;
  const url = board.dataset.liveUrl;
  const every = Number(board.dataset.pollMs) || 5000;
  const updated = document.getElementById("board-updated");
  const stale = document.getElementById("board-stale");
  let lastGood = Date.now();

  function setStale(isStale) {
    board.classList.toggle("stale", isStale);
    stale.hidden = !isStale;
  }

  function paint(tile, data) {
    tile.querySelectorAll("[data-figure]").forEach(function (figure) {
      const text = data.figures[figure.dataset.figure];
      if (text !== undefined) figure.querySelector(".value").textContent = text;
      const alertWhen = figure.dataset.alertWhen;
      if (alertWhen) figure.classList.toggle("alert", Boolean(data.alerts[alertWhen]));
    });
  }

  function show(body) {
    const byKey = new Map(body.tiles.map(function (t) { return [t.id, t]; }));
    const shown = board.querySelectorAll("[data-tile]");
    for (const tile of shown) {
      const data = byKey.get(tile.dataset.tile);
      if (!data) { window.location.reload(); return; }  // the published queues changed
      paint(tile, data);
    }
    updated.textContent = body.updated;
  }

  async function poll() {
    const controller = new AbortController();
    const timer = setTimeout(function () { controller.abort(); }, every - 500);
    try {
      const response = await fetch(url, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        redirect: "error",
        signal: controller.signal,
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      show(await response.json());
      lastGood = Date.now();
      setStale(false);
    } catch (error) {
      setStale(true);
    } finally {
      clearTimeout(timer);
    }
    if (Date.now() - lastGood > 2 * every) setStale(true);
  }

  setInterval(poll, every);
})();
