// Voices, feeds, webhooks and sources pages: small enhancements. Every page works without them.
"use strict";

(() => {
  const say = (el, text) => { if (el) el.textContent = text; };

  // A voice's sample is made by a worker on first request (202 + Retry-After until then):
  // when the <audio> cannot play it yet, wait for it, then play. The redirect is not followed here
  // (with S3 storage it leads to the bucket, which the page may not fetch): the <audio> follows it.
  async function awaitSample(audio) {
    const status = document.getElementById(audio.dataset.status);
    say(status, "Preparing the sample…");
    for (let i = 0; i < 40; i++) {
      const response = await fetch(audio.dataset.sample + "?wait=5", { redirect: "manual" });
      if (response.type === "opaqueredirect" || response.status === 200) {
        audio.src = audio.dataset.sample;
        say(status, "");
        audio.play().catch(() => {});
        return;
      }
      if (response.status !== 202) { say(status, "The sample could not be made."); return; }
      await new Promise((r) => setTimeout(r, 1000 * Number(response.headers.get("Retry-After") || 2)));
    }
    say(status, "The sample is still being made; try again later.");
  }

  // Compare: play the compared voices one after the other.
  function playInTurn(button) {
    const players = [...document.querySelectorAll(button.dataset.playInTurn)];
    players.forEach((a, i) => {
      a.onended = () => { const next = players[i + 1]; if (next) next.play().catch(() => {}); };
    });
    if (players[0]) { players[0].currentTime = 0; players[0].play().catch(() => {}); }
  }

  // Copy a URL from its read-only field.
  async function copy(button) {
    const field = document.getElementById(button.dataset.copy);
    const status = document.getElementById(button.dataset.status);
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      field.select();
      document.execCommand("copy");
    }
    say(status, "Copied.");
  }

  // Preview a chosen cover, intro or outro before it is uploaded.
  function preview(input) {
    const target = document.getElementById(input.dataset.preview);
    const file = input.files && input.files[0];
    target.replaceChildren();
    if (!file) return;
    const url = URL.createObjectURL(file);
    const el = document.createElement(file.type.startsWith("image/") ? "img" : "audio");
    el.src = url;
    if (el.tagName === "IMG") el.alt = `Preview of ${file.name}`;
    else { el.controls = true; el.setAttribute("aria-label", `Preview of ${file.name}`); }
    const caption = document.createElement("p");
    caption.className = "note";
    caption.textContent = `Preview of ${file.name} (not uploaded yet)`;
    target.append(caption, el);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("audio[data-sample]").forEach((audio) => {
      audio.addEventListener("error", () => awaitSample(audio), { once: true });
    });
    document.querySelectorAll("[data-play-in-turn]").forEach((b) => b.addEventListener("click", () => playInTurn(b)));
    document.querySelectorAll("[data-copy]").forEach((b) => b.addEventListener("click", () => copy(b)));
    document.querySelectorAll("input[type=file][data-preview]").forEach((i) => i.addEventListener("change", () => preview(i)));
    // What cannot be undone asks first (without scripts the form posts at once).
    document.querySelectorAll("form[data-confirm]").forEach((f) => f.addEventListener("submit", (event) => {
      if (!window.confirm(f.dataset.confirm)) event.preventDefault();
    }));
  });
})();
