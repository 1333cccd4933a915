"use strict";
// The live board: reads the board from /v1/boards, draws every panel from /v1/boards/{uid}/panels/{id}, and
// redraws them every `refresh` seconds without reloading. One panel failing shows its message and nothing else.
(() => {
  const { draw, el } = window.BoardDraw;
  const root = document.getElementById("board");
  const form = document.getElementById("variables");
  const updated = document.getElementById("updated");
  const refreshMs = Math.max(Number(root.dataset.refresh) || 5, 1) * 1000;
  const query = new URLSearchParams(location.search);
  const state = { kabupaten: (query.get("kabupaten") || "").replaceAll(".", ""), period: query.get("period") || "" };
  const shells = [];
  let board = null;
  let timer = null;
  let generation = 0;

  async function getJSON(url) {
    const answer = await fetch(url, { cache: "no-cache", headers: { Accept: "application/json" } });
    const body = await answer.json().catch(() => null);
    if (!answer.ok) {
      const error = new Error((body && (body.detail || body.title)) || `HTTP ${answer.status}`);
      error.status = answer.status;
      throw error;
    }
    return body;
  }

  function shell(panel) {
    const section = el("section", { class: "panel", id: `panel-${panel.id}` });
    section.dataset.panelId = panel.id;
    section.dataset.kind = panel.kind;
    section.style.setProperty("--w", String(Math.min(Math.max(panel.width, 1), 24)));
    section.style.setProperty("--h", String(Math.max(panel.height, 2)));
    const title = el("h2", {}, `${panel.title_id} `);
    title.append(el("span", { class: "en" }, panel.title_en));
    if (panel.description_id || panel.description_en) {
      title.title = [panel.description_id, panel.description_en].filter(Boolean).join(" / ");
    }
    const body = el("div", { class: "body" });
    const note = el("p", { class: "note" });
    section.append(title, body, note);
    if (panel.visible) {
      section.dataset.state = "loading";
      body.append(el("p", { class: "empty" }, "Memuat… / Loading…"));
    } else {
      section.dataset.state = "locked";
      body.append(el("p", { class: "panel-locked" }, "Perlu akses / Access required"));
    }
    root.append(section);
    return { panel, section, body, note };
  }

  function needs(kind) {
    const prefix = kind === "period" ? "period" : "kabupaten";
    return board.variables.some((v) => v.kind === kind)
      || board.panels.some((p) => p.parameters.some((name) => name.startsWith(prefix)));
  }

  function label(variable, fallbackId, fallbackEn) {
    const box = el("label", {}, `${variable ? variable.label_id : fallbackId} `);
    box.append(el("span", { class: "en" }, variable ? variable.label_en : fallbackEn));
    return box;
  }

  async function variables() {
    if (needs("kabupaten")) {
      const province = await getJSON("/v1/regions/53");
      const list = province.children.filter((r) => r.level === "kabupaten_kota");
      if (!list.some((r) => r.digits === state.kabupaten)) state.kabupaten = list.length ? list[0].digits : "";
      const select = el("select", { name: "kabupaten", id: "var-kabupaten" });
      for (const region of list) select.append(el("option", { value: region.digits }, region.name));
      select.value = state.kabupaten;
      select.addEventListener("change", () => changed("kabupaten", select.value));
      const box = label(board.variables.find((v) => v.kind === "kabupaten"), "Kabupaten/Kota", "Regency/City");
      box.append(select);
      form.append(box);
    }
    if (needs("period")) {
      const input = el("input", { type: "month", name: "period", id: "var-period", value: state.period });
      input.addEventListener("change", () => changed("period", input.value));
      const box = label(board.variables.find((v) => v.kind === "period"), "Bulan (kosong: bulan ini)",
        "Month (empty: this month)");
      box.append(input);
      form.append(box);
    }
    form.addEventListener("submit", (event) => event.preventDefault());
    keepInLinks();
  }

  function keepInLinks() {
    const kept = new URLSearchParams();
    for (const name of ["kabupaten", "period"]) if (state[name]) kept.set(name, state[name]);
    for (const link of document.querySelectorAll("a[data-board-link]")) {
      link.search = `?${new URLSearchParams({ board: link.dataset.boardLink, ...Object.fromEntries(kept) })}`;
    }
    const here = new URLSearchParams({ board: board.uid, ...Object.fromEntries(kept) });
    history.replaceState(null, "", `${location.pathname}?${here}`);
  }

  function changed(name, value) {
    state[name] = value;
    keepInLinks();
    refresh();
  }

  function panelURL(panel) {
    const params = new URLSearchParams();
    if (panel.parameters.includes("kabupaten") && state.kabupaten) params.set("kabupaten", state.kabupaten);
    if (state.period) params.set("period", state.period);
    const path = `/v1/boards/${encodeURIComponent(board.uid)}/panels/${encodeURIComponent(panel.id)}`;
    return params.size ? `${path}?${params}` : path;
  }

  async function load(shell, mine) {
    try {
      const data = await getJSON(panelURL(shell.panel));
      if (mine !== generation) return;
      draw(shell.body, shell.panel, data);
      const hidden = data.suppressed_rows.length;
      shell.note.textContent = hidden
        ? `${hidden} baris disembunyikan: penyebut di bawah ${data.small_cell_threshold} / `
          + `${hidden} rows suppressed: denominator below ${data.small_cell_threshold}`
        : "";
      shell.section.dataset.state = "ok";
    } catch (error) {
      if (mine !== generation) return;
      const text = error.status === 403 ? "Perlu akses / Access required"
        : `Panel ini gagal dimuat / This panel failed to load: ${error.message}`;
      shell.body.replaceChildren(el("p", { class: error.status === 403 ? "panel-locked" : "panel-error" }, text));
      shell.note.textContent = "";
      shell.section.dataset.state = "error";
    }
    shell.section.dataset.loads = String(Number(shell.section.dataset.loads || 0) + 1);
  }

  async function refresh() {
    const mine = ++generation;
    clearTimeout(timer);
    await Promise.allSettled(shells.filter((s) => s.panel.visible).map((s) => load(s, mine)));
    if (mine !== generation) return;
    const now = new Date();
    updated.textContent = now.toLocaleTimeString("id-ID", { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    updated.dateTime = now.toISOString();
    updated.dataset.updated = now.toISOString();
    root.dataset.cycles = String(Number(root.dataset.cycles || 0) + 1);
    timer = setTimeout(refresh, refreshMs);
  }

  async function start() {
    try {
      board = (await getJSON("/v1/boards")).items.find((b) => b.uid === root.dataset.board);
      if (!board) throw new Error(`papan ${root.dataset.board} tidak ada / no such board`);
    } catch (error) {
      root.replaceChildren(el("p", { class: "panel-error" }, `Papan gagal dimuat / The board failed to load: ${error.message}`));
      return;
    }
    for (const panel of board.panels) shells.push(shell(panel));
    try {
      await variables();
    } catch (error) {
      form.append(el("p", { class: "panel-error" }, `Daftar wilayah gagal dimuat / Regions failed to load: ${error.message}`));
    }
    refresh();
  }

  start();
})();
