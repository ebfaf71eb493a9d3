/*
 * narrator player: a dependency-free web component for "Listen to this article".
 *
 *   <script src="https://narrator.example/player.js" defer></script>
 *   <narrator-player article="ARTICLE_ID" text-selector="#story"></narrator-player>
 *
 * Attributes: article (required), src-base (the service's base URL; default:
 * where this script was loaded from), text-selector (optional: the element
 * holding the article text, for read-along highlighting and click-to-seek),
 * source (optional: the article's player.json URL; a private article's is
 * signed, `player_json_url` in the article's API answer).
 *
 * No cookies: requests omit credentials and nothing is stored but the
 * listening position (and preferred speed) in localStorage. Stats are anonymous
 * beacons: a play, and 25/50/75/100 % reached.
 */
(() => {
  "use strict";

  const TAG = "narrator-player";
  if (customElements.get(TAG)) return; // the script may be included twice on one page

  const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];
  const SKIP_S = 15;
  const QUARTILES = [25, 50, 75];
  const SAVE_EVERY_S = 5;
  const STORAGE_PREFIX = "narrator-player:";
  const HIGHLIGHT = "narrator-sentence";
  const SCRIPT_BASE = (() => {
    const script = document.currentScript;
    return script && script.src ? new URL(".", script.src).href.replace(/\/+$/, "") : "";
  })();

  // ---------- small helpers ----------

  /** m:ss or h:mm:ss */
  function clock(seconds) {
    const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const ss = String(s % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
  }

  /** "1 minute 5 seconds": what a screen reader says for a position. */
  function spoken(seconds) {
    const s = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
    const parts = [];
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = s % 60;
    if (h) parts.push(`${h} hour${h === 1 ? "" : "s"}`);
    if (m) parts.push(`${m} minute${m === 1 ? "" : "s"}`);
    if (sec || !parts.length) parts.push(`${sec} second${sec === 1 ? "" : "s"}`);
    return parts.join(" ");
  }

  /** A random id for one listen (the service tells a listen's events apart by it; it names no one).
   *  getRandomValues, unlike randomUUID, also works on pages served over plain http. */
  function listenId() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  /** localStorage that never throws (it does in sandboxed iframes and with storage blocked). */
  const store = {
    get(key) {
      try { return window.localStorage.getItem(STORAGE_PREFIX + key); } catch { return null; }
    },
    set(key, value) {
      try { window.localStorage.setItem(STORAGE_PREFIX + key, String(value)); } catch { /* storage unavailable */ }
    },
    remove(key) {
      try { window.localStorage.removeItem(STORAGE_PREFIX + key); } catch { /* storage unavailable */ }
    },
  };

  const ICONS = {
    play: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M8 5v14l11-7z"/></svg>',
    pause: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M6 5h4v14H6zm8 0h4v14h-4z"/></svg>',
    back: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 5V1L7 6l5 5V7a6 6 0 1 1-6 6H4a8 8 0 1 0 8-8z"/></svg>',
    forward: '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 5V1l5 5-5 5V7a6 6 0 1 0 6 6h2a8 8 0 1 1-8-8z"/></svg>',
  };

  const STYLE = `
    :host { display: block; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif;
      --narrator-accent: #1d4ed8; --narrator-bg: #f4f5f7; --narrator-fg: #111827; color: var(--narrator-fg); }
    :host([hidden]) { display: none; }
    .bar { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; padding: 8px 10px;
      background: var(--narrator-bg); border-radius: 10px; }
    button, select { font: inherit; color: inherit; }
    button { display: inline-flex; align-items: center; justify-content: center; min-width: 40px; min-height: 40px;
      border: 0; border-radius: 50%; background: transparent; cursor: pointer; padding: 0; position: relative; }
    button:hover { background: rgba(0,0,0,.07); }
    button.play { background: var(--narrator-accent); color: #fff; }
    button svg { width: 24px; height: 24px; fill: currentColor; }
    button .n { position: absolute; font-size: 8px; font-weight: 700; top: 15px; }
    button:disabled, input:disabled, select:disabled { opacity: .45; cursor: default; }
    :focus-visible { outline: 3px solid var(--narrator-accent); outline-offset: 2px; }
    .time { font-variant-numeric: tabular-nums; white-space: nowrap; min-width: 6.5em; text-align: center; }
    input[type=range] { flex: 1 1 120px; min-width: 100px; accent-color: var(--narrator-accent); height: 24px; }
    select { border: 1px solid rgba(0,0,0,.25); border-radius: 6px; background: #fff; padding: 4px 2px; }
    .status { flex-basis: 100%; font-size: 12px; }
    .status:empty { display: none; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    @media (prefers-color-scheme: dark) {
      :host { --narrator-bg: #1f2937; --narrator-fg: #f3f4f6; --narrator-accent: #60a5fa; }
      button.play { color: #111827; } select { background: #111827; border-color: rgba(255,255,255,.3); }
      button:hover { background: rgba(255,255,255,.1); }
    }
  `;

  // Styles for the highlight live in the publisher's document (the text is there, not in our shadow root).
  const PAGE_STYLE = `
    ::highlight(${HIGHLIGHT}) { background-color: #fde68a; color: #111827; }
    mark.${HIGHLIGHT} { background: transparent; color: inherit; }
    mark.${HIGHLIGHT}.narrator-current { background-color: #fde68a; color: #111827; }
  `;

  function ensurePageStyle() {
    if (document.getElementById("narrator-player-style")) return;
    const style = document.createElement("style");
    style.id = "narrator-player-style";
    style.textContent = PAGE_STYLE;
    document.head.appendChild(style);
  }

  // ---------- read-along: article-text offsets -> DOM ranges ----------

  const WORD_CHAR = /[\p{L}\p{N}]/u;

  /**
   * Fold one character to what both sides are compared on: letters and digits only,
   * without accents, lower case. Whitespace, punctuation and quote styles drop out,
   * so the page may differ from the article text in all of those.
   */
  function fold(ch) {
    let out = "";
    for (const c of ch.normalize("NFKD")) if (WORD_CHAR.test(c)) out += c.toLowerCase();
    return out;
  }

  /** The folded text of a string, and for each folded UTF-16 unit the code-point index it came from. */
  function foldString(codePoints) {
    let text = "";
    const from = [];
    codePoints.forEach((ch, i) => {
      const f = fold(ch);
      text += f;
      for (let k = 0; k < f.length; k++) from.push(i);
    });
    return { text, from };
  }

  const SKIP_SELECTOR = "script, style, noscript, template, narrator-player, [hidden], [aria-hidden=true], [data-narrator-skip]";

  /** The folded text of the container's DOM, and for each folded unit the text node and its offsets there. */
  function foldDom(container) {
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        const parent = node.parentElement;
        return parent && parent.closest(SKIP_SELECTOR) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    });
    let text = "";
    const at = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const data = node.data;
      for (let i = 0; i < data.length;) {
        const ch = String.fromCodePoint(data.codePointAt(i));
        const f = fold(ch);
        text += f;
        for (let k = 0; k < f.length; k++) at.push({ node, start: i, end: i + ch.length });
        i += ch.length;
      }
    }
    return { text, at };
  }

  const PUNCTUATION = /[^\s\p{L}\p{N}]/u;

  /** Move a boundary over adjacent punctuation (an opening quote before, a full stop after): folding dropped it. */
  function widen(data, offset, step) {
    let at = offset;
    while (step < 0 ? at > 0 && PUNCTUATION.test(data[at - 1]) : at < data.length && PUNCTUATION.test(data[at])) at += step;
    return at;
  }

  const ANCHOR = 24; // folded characters matched at each end when a sentence does not match whole

  /**
   * Find `needle` in `hay` at or after `from`: whole, or else by its first and last
   * ANCHOR characters (the page may add a footnote mark or drop a word inside a sentence).
   * Returns [start, end) in `hay`, or null.
   */
  function locate(hay, needle, from) {
    const whole = hay.indexOf(needle, from);
    if (whole >= 0) return [whole, whole + needle.length];
    if (needle.length <= ANCHOR * 2) return null;
    const head = hay.indexOf(needle.slice(0, ANCHOR), from);
    if (head < 0) return null;
    const tail = needle.slice(-ANCHOR);
    const tailAt = hay.indexOf(tail, head + ANCHOR);
    if (tailAt < 0 || tailAt + ANCHOR - head > needle.length * 1.5 + 40) return null;
    return [head, tailAt + ANCHOR];
  }

  /** Sentence marks (or paragraphs, or words if that is all there is), in time order. */
  function timedSpans(marks) {
    for (const type of ["sentence", "paragraph", "word"]) {
      const spans = marks.filter((m) => m && m.type === type && Number.isFinite(m.time_ms));
      if (spans.length) return spans.sort((a, b) => a.time_ms - b.time_ms);
    }
    return [];
  }

  class ReadAlong {
    /**
     * container: the element with the article text; text: the article text the marks' offsets
     * point into (code points, as the service counts them); marks: the word-marks JSON.
     */
    constructor(container, text, marks, onSeek) {
      this.container = container;
      this.onSeek = onSeek;
      this.spans = timedSpans(marks);
      this.current = -1;
      this.userScrolledAt = 0;
      this.useHighlights = typeof Highlight === "function" && !!(window.CSS && CSS.highlights);
      this.ranges = this.mapRanges(Array.from(text));
      this.marks = this.useHighlights ? null : this.wrap();
      ensurePageStyle();
      this.onClick = this.onClick.bind(this);
      this.onUserScroll = () => { this.userScrolledAt = Date.now(); };
      container.addEventListener("click", this.onClick);
      for (const type of ["wheel", "touchmove"]) window.addEventListener(type, this.onUserScroll, { passive: true });
    }

    /** How many spans were found on the page. */
    get matched() { return this.ranges.filter(Boolean).length; }

    mapRanges(codePoints) {
      const dom = foldDom(this.container);
      const order = this.spans.map((_, i) => i).sort((a, b) => this.spans[a].start - this.spans[b].start);
      const ranges = new Array(this.spans.length).fill(null);
      let cursor = 0;
      for (const i of order) {
        const span = this.spans[i];
        const needle = foldString(codePoints.slice(span.start, span.end)).text;
        if (!needle) continue;
        // In reading order, so a sentence that repeats earlier text matches its own place.
        const found = locate(dom.text, needle, cursor);
        if (!found) continue; // e.g. the title, when the page shows it outside the container
        const first = dom.at[found[0]];
        const last = dom.at[found[1] - 1];
        const range = document.createRange();
        range.setStart(first.node, widen(first.node.data, first.start, -1));
        range.setEnd(last.node, widen(last.node.data, last.end, 1));
        ranges[i] = range;
        cursor = found[1];
      }
      return ranges;
    }

    /** Without the Highlight API: wrap each span's text in <mark> elements (once, up front). */
    wrap() {
      const marks = new Array(this.ranges.length).fill(null);
      // Last span first: splitting a text node keeps its head in place, so earlier ranges stay valid.
      const order = this.ranges.map((r, i) => i).filter((i) => this.ranges[i])
        .sort((a, b) => this.ranges[b].compareBoundaryPoints(Range.START_TO_START, this.ranges[a]));
      for (const i of order) marks[i] = this.wrapRange(this.ranges[i], i);
      return marks;
    }

    wrapRange(range, index) {
      // Snapshot the boundaries: the range is live, and the splits below move them.
      const { startContainer, startOffset, endContainer, endOffset, commonAncestorContainer: common } = range;
      const nodes = [];
      const walker = document.createTreeWalker(common.nodeType === Node.TEXT_NODE ? common.parentNode : common, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (range.intersectsNode(node)) nodes.push(node);
      }
      const made = [];
      for (const node of nodes) {
        const start = node === startContainer ? startOffset : 0;
        const end = node === endContainer ? endOffset : node.data.length;
        if (end <= start || !node.data.slice(start, end).trim()) continue;
        if (end < node.data.length) node.splitText(end);
        const piece = start > 0 ? node.splitText(start) : node;
        const mark = document.createElement("mark");
        mark.className = HIGHLIGHT;
        mark.dataset.narratorSpan = String(index);
        piece.parentNode.insertBefore(mark, piece);
        mark.appendChild(piece);
        made.push(mark);
      }
      return made;
    }

    /** Highlight the span heard at `seconds` and keep it in view. */
    update(seconds) {
      const index = this.indexAt(seconds * 1000);
      if (index === this.current) return;
      this.show(index);
    }

    indexAt(ms) {
      let lo = 0;
      let hi = this.spans.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (this.spans[mid].time_ms <= ms) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
      }
      return found;
    }

    show(index) {
      const previous = this.current;
      this.current = index;
      const range = index >= 0 ? this.ranges[index] : null;
      if (this.useHighlights) {
        if (range) CSS.highlights.set(HIGHLIGHT, new Highlight(range));
        else CSS.highlights.delete(HIGHLIGHT);
        if (range) this.scrollTo(range);
        return;
      }
      for (const m of (previous >= 0 && this.marks[previous]) || []) m.classList.remove("narrator-current");
      const marks = (index >= 0 && this.marks[index]) || [];
      for (const m of marks) m.classList.add("narrator-current");
      if (marks.length) this.scrollTo(marks[0]);
    }

    /** Bring a range or element into view if it is not (window scrolling, the usual article page). */
    scrollTo(target) {
      // Leave the page alone while the reader scrolls it themselves.
      if (Date.now() - this.userScrolledAt < 4000) return;
      const rect = target.getBoundingClientRect();
      const view = window.innerHeight || document.documentElement.clientHeight;
      if (rect.top >= 0 && rect.bottom <= view) return;
      const smooth = !window.matchMedia || !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      window.scrollBy({ top: rect.top - view / 3, behavior: smooth ? "smooth" : "auto" });
    }

    /** Clicking a sentence seeks there (but never hijacks links, controls or a text selection). */
    onClick(event) {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      if (event.target.closest && event.target.closest("a, button, input, select, textarea, label, summary, [contenteditable]")) return;
      const selection = window.getSelection && window.getSelection();
      if (selection && !selection.isCollapsed) return;
      const index = this.spanAtPoint(event);
      if (index >= 0) this.onSeek(this.spans[index].time_ms / 1000);
    }

    spanAtPoint(event) {
      if (!this.useHighlights) {
        const mark = event.target.closest && event.target.closest(`mark.${HIGHLIGHT}`);
        return mark ? Number(mark.dataset.narratorSpan) : -1;
      }
      let node = null;
      let offset = 0;
      if (document.caretPositionFromPoint) {
        const pos = document.caretPositionFromPoint(event.clientX, event.clientY);
        if (pos) { node = pos.offsetNode; offset = pos.offset; }
      } else if (document.caretRangeFromPoint) {
        const r = document.caretRangeFromPoint(event.clientX, event.clientY);
        if (r) { node = r.startContainer; offset = r.startOffset; }
      }
      if (!node) return -1;
      return this.ranges.findIndex((r) => r && r.isPointInRange(node, offset));
    }

    destroy() {
      this.container.removeEventListener("click", this.onClick);
      for (const type of ["wheel", "touchmove"]) window.removeEventListener(type, this.onUserScroll);
      if (this.useHighlights) CSS.highlights.delete(HIGHLIGHT);
      for (const list of this.marks || []) {
        for (const m of list || []) m.replaceWith(...m.childNodes);
      }
      this.container.normalize();
    }
  }

  // ---------- the element ----------

  class NarratorPlayer extends HTMLElement {
    static get observedAttributes() { return ["article", "src-base", "text-selector", "source"]; }

    constructor() {
      super();
      this.attachShadow({ mode: "open" });
      this.shadowRoot.innerHTML = `<style>${STYLE}</style>
        <div class="bar" role="group" aria-label="Listen to this article">
          <button class="play" type="button" aria-label="Play" disabled>${ICONS.play}</button>
          <button class="back" type="button" aria-label="Back ${SKIP_S} seconds" disabled>${ICONS.back}<span class="n" aria-hidden="true">${SKIP_S}</span></button>
          <button class="forward" type="button" aria-label="Forward ${SKIP_S} seconds" disabled>${ICONS.forward}<span class="n" aria-hidden="true">${SKIP_S}</span></button>
          <span class="time" aria-hidden="true"><span class="position">0:00</span> / <span class="duration">0:00</span></span>
          <input class="seek" type="range" min="0" max="0" step="1" value="0" aria-label="Seek" aria-valuetext="0 seconds" disabled>
          <label><span class="visually-hidden">Playback speed</span>
            <select class="speed" aria-label="Playback speed" disabled>
              ${SPEEDS.map((s) => `<option value="${s}"${s === 1 ? " selected" : ""}>${s}×</option>`).join("")}
            </select></label>
          <div class="status" role="status" aria-live="polite"></div>
          <audio preload="metadata"></audio>
        </div>`;
      const $ = (sel) => this.shadowRoot.querySelector(sel);
      this.ui = {
        play: $(".play"), back: $(".back"), forward: $(".forward"), seek: $(".seek"), speed: $(".speed"),
        position: $(".position"), duration: $(".duration"), status: $(".status"), audio: $("audio"),
      };
      this.readAlong = null;
      this.generation = 0;
      this.sent = new Set();
      this.loadQueued = false;
      this.bindControls();
    }

    connectedCallback() { this.queueLoad(); }

    disconnectedCallback() {
      this.savePosition();
      this.reset();
    }

    attributeChangedCallback(_name, oldValue, newValue) {
      if (this.isConnected && oldValue !== newValue) this.queueLoad();
    }

    /** One load for a burst of attribute changes (an upgrade reports every attribute, then connects). */
    queueLoad() {
      if (this.loadQueued) return;
      this.loadQueued = true;
      queueMicrotask(() => { this.loadQueued = false; if (this.isConnected) this.load(); });
    }

    get base() {
      return (this.getAttribute("src-base") || SCRIPT_BASE || window.location.origin).replace(/\/+$/, "");
    }

    get articleId() { return this.getAttribute("article") || ""; }

    url(path) { return new URL(path, this.base + "/").href; }

    bindControls() {
      const { play, back, forward, seek, speed, audio } = this.ui;
      play.addEventListener("click", () => this.toggle());
      back.addEventListener("click", () => this.seekTo(audio.currentTime - SKIP_S));
      forward.addEventListener("click", () => this.seekTo(audio.currentTime + SKIP_S));
      seek.addEventListener("input", () => { this.seekTo(Number(seek.value)); });
      speed.addEventListener("change", () => {
        audio.playbackRate = Number(speed.value);
        store.set("rate", speed.value);
      });
      this.shadowRoot.addEventListener("keydown", (event) => this.onKey(event));
      audio.addEventListener("loadedmetadata", () => this.onMetadata());
      audio.addEventListener("durationchange", () => this.renderTime());
      audio.addEventListener("timeupdate", () => this.onTime());
      audio.addEventListener("play", () => this.onPlay());
      audio.addEventListener("pause", () => { this.renderPlaying(); this.savePosition(); });
      audio.addEventListener("ended", () => this.onEnded());
      audio.addEventListener("error", () => this.say("The audio could not be loaded."));
      window.addEventListener("pagehide", () => this.savePosition());
    }

    /** Fetch the article, point the audio at it, and set up read-along if the page carries the text. */
    async load() {
      const generation = ++this.generation; // a newer load (attribute change) wins over a slower older one
      this.reset();
      const id = this.articleId;
      if (!id) { this.say("No article given."); return; }
      let article;
      try {
        const source = this.getAttribute("source") || `/v1/articles/${encodeURIComponent(id)}/player.json`;
        const response = await fetch(this.url(source), {
          credentials: "omit", headers: { Accept: "application/json" },
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        article = await response.json();
      } catch (error) {
        if (generation === this.generation) this.say("This article could not be loaded.");
        return;
      }
      if (generation !== this.generation) return;
      if (!article.current_narration) { this.say("Audio for this article is not ready yet."); return; }
      this.article = article;
      this.sent = new Set();
      const rate = Number(store.get("rate"));
      if (SPEEDS.includes(rate)) this.ui.speed.value = String(rate);
      // The first format this browser plays (Opus, AAC when the article has them), as <source> elements would pick.
      const playable = (article.sources || []).find((s) => s.type && this.ui.audio.canPlayType(s.type));
      const audio = playable ? playable.url : article.audio_url;
      this.ui.audio.src = this.url(audio || `/v1/articles/${encodeURIComponent(id)}/audio.mp3`);
      this.ui.audio.playbackRate = Number(this.ui.speed.value);
      for (const control of [this.ui.play, this.ui.back, this.ui.forward, this.ui.seek, this.ui.speed]) control.disabled = false;
      this.say("");
      this.setUpReadAlong(article, generation);
    }

    async setUpReadAlong(article, generation) {
      const selector = this.getAttribute("text-selector");
      if (!selector || !article.marks_url) return;
      const container = document.querySelector(selector);
      if (!container) return;
      try {
        const response = await fetch(this.url(article.marks_url), { credentials: "omit" });
        if (!response.ok) return;
        const marks = await response.json();
        if (generation !== this.generation || !Array.isArray(marks)) return;
        this.readAlong = new ReadAlong(container, article.text || "", marks, (s) => { this.seekTo(s); this.ui.audio.play().catch(() => {}); });
        this.readAlong.update(this.ui.audio.currentTime);
        this.dataset.readAlong = String(this.readAlong.matched); // how many sentences were found on the page
      } catch { /* read-along is an extra: the player works without it */ }
    }

    reset() {
      if (this.readAlong) { this.readAlong.destroy(); this.readAlong = null; }
      delete this.dataset.readAlong;
    }

    // --- playback ---

    toggle() {
      const { audio } = this.ui;
      if (audio.paused) audio.play().catch(() => this.say("Press play again to start the audio."));
      else audio.pause();
    }

    seekTo(seconds) {
      const { audio } = this.ui;
      const end = Number.isFinite(audio.duration) ? audio.duration : Infinity;
      audio.currentTime = Math.min(Math.max(0, seconds), end);
      this.onTime();
    }

    onKey(event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.composedPath()[0];
      if (target && target.tagName === "SELECT") return;
      const actions = { k: () => this.toggle(), j: () => this.seekTo(this.ui.audio.currentTime - SKIP_S), l: () => this.seekTo(this.ui.audio.currentTime + SKIP_S) };
      const action = actions[event.key];
      if (action && !this.ui.play.disabled) { event.preventDefault(); action(); }
    }

    onMetadata() {
      const { audio } = this.ui;
      const saved = Number(store.get(`position:${this.articleId}`));
      // Resume where this article was left, unless that was the very end.
      if (saved > 0 && Number.isFinite(audio.duration) && saved < audio.duration - 5) audio.currentTime = saved;
      this.renderTime();
    }

    onPlay() {
      this.renderPlaying();
      if (!this.sent.has("play")) {
        this.sent.add("play");
        this.listen = listenId(); // a new listen: its progress is reported under this id
        this.beacon({ event: "play" });
      }
    }

    onTime() {
      const { audio } = this.ui;
      this.renderTime();
      if (this.readAlong) this.readAlong.update(audio.currentTime);
      const duration = audio.duration;
      if (!audio.paused && Number.isFinite(duration) && duration > 0) {
        const percent = (audio.currentTime / duration) * 100;
        for (const q of QUARTILES) {
          if (percent >= q && !this.sent.has(q)) { this.sent.add(q); this.beacon({ event: "progress", percent: q }); }
        }
      }
      if (Math.abs(audio.currentTime - (this.savedAt || 0)) >= SAVE_EVERY_S) this.savePosition();
    }

    onEnded() {
      if (!this.sent.has(100)) this.beacon({ event: "progress", percent: 100 });
      this.sent = new Set(); // playing again counts as a new listen
      store.remove(`position:${this.articleId}`);
      this.savedAt = 0;
      this.renderPlaying();
    }

    savePosition() {
      const { audio } = this.ui;
      if (!this.articleId || !this.article || audio.ended) return;
      this.savedAt = audio.currentTime;
      if (audio.currentTime > 0) store.set(`position:${this.articleId}`, audio.currentTime.toFixed(1));
    }

    /** Anonymous stats: a text/plain POST (no preflight, no cookies), kept alive past the page's unload.
     *
     * One at a time, in order: the service refuses a listen's progress that arrives before its play
     * (service/listeners/plausibility.py), and two beacons sent in the same moment (a play that starts
     * past 25 %) may arrive the other way round. */
    beacon(body) {
      const url = this.url(`/v1/articles/${encodeURIComponent(this.articleId)}/events`);
      const data = JSON.stringify({ ...body, listen: this.listen });
      const send = () =>
        fetch(url, { method: "POST", body: data, keepalive: true, credentials: "omit", mode: "no-cors" }).catch(() => {});
      this.sending = (this.sending || Promise.resolve()).then(send);
    }

    // --- rendering ---

    renderPlaying() {
      const playing = !this.ui.audio.paused;
      this.ui.play.innerHTML = playing ? ICONS.pause : ICONS.play;
      this.ui.play.setAttribute("aria-label", playing ? "Pause" : "Play");
    }

    renderTime() {
      const { audio, seek, position, duration } = this.ui;
      const total = Number.isFinite(audio.duration) ? audio.duration : 0;
      seek.max = String(Math.ceil(total));
      seek.value = String(Math.floor(audio.currentTime));
      seek.setAttribute("aria-valuetext", `${spoken(audio.currentTime)} of ${spoken(total)}`);
      position.textContent = clock(audio.currentTime);
      duration.textContent = clock(total);
    }

    say(message) { this.ui.status.textContent = message; }
  }

  customElements.define(TAG, NarratorPlayer);
})();
