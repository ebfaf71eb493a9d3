// narrator console: small enhancements over server-rendered pages. Every form works without it;
// with it, progress is live, paragraphs play on their own, the text follows the audio, versions
// switch A/B, and edits and pronunciations can be previewed before they are saved.
"use strict";

(() => {
  const csrf = () => document.body.dataset.csrf;
  const MAX_LIVE = 3;

  // POST a form's fields with the session's CSRF token (as a header: the form's own field is there too).
  const post = (url, form) =>
    fetch(url, { method: "POST", body: new FormData(form), headers: { "X-CSRF-Token": csrf() }, credentials: "same-origin" });

  // Start playback; a pause that interrupts the start is not an error (the browser rejects the promise then).
  const play = (audio) => audio.play().catch((error) => { if (error.name !== "AbortError") throw error; });

  // Live status: an element with data-live="<narration id>" follows the narration's events (SSE).
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
        el.dataset.finished = end;
        if (document.body.hasAttribute("data-reload-on-finish")) window.location.reload();
      });
    }
  }

  // The article's player: each paragraph's button plays that paragraph (from its mark to the next one),
  // and the word being heard is highlighted in the text (read-along, from the word marks).
  async function player(audio) {
    const blocks = [...document.querySelectorAll("#blocks > li")];
    let marks = [];
    if (audio.dataset.marks) {
      const response = await fetch(audio.dataset.marks);
      if (response.ok) marks = await response.json();
    }
    const paragraphs = marks.filter((m) => m.type === "paragraph").sort((a, b) => a.time_ms - b.time_ms);
    const words = marks.filter((m) => m.type === "word").sort((a, b) => a.time_ms - b.time_ms);
    const startOf = (li) => paragraphs.find((p) => p.start === Number(li.dataset.start));
    let stopAt = null;

    for (const button of document.querySelectorAll("button.play[data-block]")) {
      const li = button.closest("li");
      const mark = startOf(li);
      if (!mark) { button.disabled = true; continue; }
      button.addEventListener("click", () => {
        const next = paragraphs.find((p) => p.time_ms > mark.time_ms);
        stopAt = next ? next.time_ms / 1000 : null;
        audio.currentTime = mark.time_ms / 1000;
        audio.dataset.playingBlock = button.dataset.block;
        play(audio);
      });
    }

    const highlights = window.CSS && CSS.highlights ? CSS.highlights : null;
    audio.addEventListener("timeupdate", () => {
      const t = audio.currentTime;
      if (stopAt !== null && t >= stopAt) { audio.pause(); stopAt = null; }
      const ms = t * 1000;
      let word = null;
      for (const w of words) { if (w.time_ms <= ms) word = w; else break; }
      for (const li of blocks) {
        const inside = word && word.start >= Number(li.dataset.start) && word.end <= Number(li.dataset.end);
        li.classList.toggle("current", Boolean(inside));
        if (inside && highlights) {
          const node = li.querySelector(".block-text").firstChild;
          const offset = Number(li.dataset.start);
          if (node && word.end - offset <= node.length) {
            const range = new Range();
            range.setStart(node, word.start - offset);
            range.setEnd(node, word.end - offset);
            highlights.set("console-word", new Highlight(range));
          }
        }
      }
    });
    audio.addEventListener("pause", () => { delete audio.dataset.playingBlock; });
  }

  // A/B: two versions, one play position; the button switches which one is heard.
  function ab(root) {
    const audio = { a: root.querySelector('[data-ab-audio="a"]'), b: root.querySelector('[data-ab-audio="b"]') };
    const toggle = root.querySelector("[data-ab-toggle]");
    const now = root.querySelector("[data-ab-now]");
    let side = null;
    for (const select of root.querySelectorAll("[data-ab-select]")) {
      select.addEventListener("change", () => { audio[select.dataset.abSelect].src = select.value; });
    }
    toggle.addEventListener("click", () => {
      const next = side === "a" ? "b" : "a";
      const from = side ? audio[side] : null;
      const at = from ? from.currentTime : 0;
      if (from) from.pause();
      audio[next].currentTime = at;
      play(audio[next]);
      side = next;
      toggle.textContent = next === "a" ? "Switch to B" : "Switch to A";
      toggle.setAttribute("aria-pressed", "true");
      now.textContent = `Playing ${next.toUpperCase()} from ${at.toFixed(1)} s.`;
    });
  }

  // Edit preview: how many paragraphs saving would re-read, computed by the server as the save would.
  function editPreview(form) {
    const out = form.querySelector("[data-preview-out]");
    form.querySelector("[data-preview-button]").addEventListener("click", async () => {
      out.textContent = "Checking…";
      const response = await post(form.dataset.preview, form);
      const body = await response.json();
      out.textContent = response.ok ? body.message : `Not possible: ${body.detail || body.title}`;
    });
  }

  // Pronunciation preview: the sentence in the article's voice with the entry applied, before saving.
  function lexiconPreview(form) {
    const out = form.querySelector("[data-preview-out]");
    const audio = form.querySelector("[data-preview-audio]");
    form.querySelector("[data-preview-button]").addEventListener("click", async () => {
      if (!form.reportValidity()) return;
      out.textContent = "Synthesizing the preview…";
      const response = await post(form.dataset.preview, form);
      if (!response.ok) {
        const body = await response.json();
        out.textContent = `No preview: ${body.detail || body.title}`;
        return;
      }
      const blob = await response.blob();
      if (audio.src) URL.revokeObjectURL(audio.src);
      audio.src = URL.createObjectURL(blob);
      audio.hidden = false;
      out.textContent = "Preview ready.";
      audio.dataset.ready = "true";
      play(audio);
    });
  }

  window.narratorConsole = { csrf, follow };
  document.addEventListener("DOMContentLoaded", () => {
    // A browser keeps six connections to a server over HTTP/1.1: follow a few narrations live and leave
    // room for the page's own requests (when one finishes, the page reloads and follows the next ones).
    [...document.querySelectorAll("[data-live]")].slice(0, MAX_LIVE).forEach(follow);
    const audio = document.getElementById("player");
    if (audio) player(audio);
    document.querySelectorAll("[data-ab]").forEach(ab);
    document.querySelectorAll("form[data-preview]:not([data-lexicon])").forEach(editPreview);
    document.querySelectorAll("form[data-lexicon]").forEach(lexiconPreview);
  });
})();
