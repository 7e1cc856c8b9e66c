// Keyboard shortcuts for the review loop: Space plays/pauses the recording, Ctrl+Enter
// confirms, Alt+D discards, J/K move through the inbox rows (Enter opens one).
(function () {
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT");
  }
  document.addEventListener("keydown", function (event) {
    var audio = document.getElementById("recording");
    if (event.ctrlKey && event.key === "Enter") {
      var confirm = document.getElementById("confirm");
      if (confirm) { event.preventDefault(); confirm.click(); }
      return;
    }
    if (event.altKey && (event.key === "d" || event.key === "D")) {
      var discard = document.getElementById("discard");
      if (discard) { event.preventDefault(); discard.click(); }
      return;
    }
    if (typing(document.activeElement)) { return; }
    if (event.key === " " && audio) {
      event.preventDefault();
      if (audio.paused) { audio.play(); } else { audio.pause(); }
      return;
    }
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
    if (!rows.length) { return; }
    var current = rows.findIndex(function (row) { return row.classList.contains("selected"); });
    if (event.key === "j" || event.key === "k") {
      var next = event.key === "j" ? Math.min(current + 1, rows.length - 1) : Math.max(current - 1, 0);
      rows.forEach(function (row) { row.classList.remove("selected"); });
      rows[next].classList.add("selected");
      rows[next].scrollIntoView({ block: "nearest" });
    } else if (event.key === "Enter" && current >= 0) {
      window.location = rows[current].dataset.href;
    }
  });
})();
