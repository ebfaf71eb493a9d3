// narrator console: small progressive enhancements. Every page works without it; with it, progress is live.
"use strict";

(() => {
  const csrf = () => document.body.dataset.csrf;

  // Live status: each element with data-live="<narration id>" follows the narration's events (SSE)
  // and reloads the page once it is done or failed, so the row shows the final duration and links.
  function follow(el) {
    const id = el.dataset.live;
    const source = new EventSource(`/console/narrations/${encodeURIComponent(id)}/events`);
    const label = el.querySelector(".label");
    const bar = el.querySelector("progress");
    source.addEventListener("progress", (e) => {
      const data = JSON.parse(e.data);
      el.className = `status status-${data.status}`;
      if (label) label.textContent = data.status;
      if (bar) { bar.value = data.progress; bar.textContent = `${Math.round(data.progress * 100)} %`; }
    });
    for (const end of ["done", "failed"]) {
      source.addEventListener(end, () => {
        source.close();
        el.className = `status status-${end}`;
        if (label) label.textContent = end;
        if (bar) bar.remove();
        el.removeAttribute("data-live");
        document.dispatchEvent(new CustomEvent("narrator:finished", { detail: { id, status: end } }));
      });
    }
    source.onerror = () => { if (source.readyState === EventSource.CLOSED) el.dataset.liveError = "closed"; };
  }

  window.narratorConsole = { csrf, follow };
  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-live]").forEach(follow);
  });
})();
