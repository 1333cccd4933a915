"use strict";
// Drawing the board's panels: numbers formatted the Indonesian way, charts as plain SVG (no library to fetch).
// Every number drawn carries data-panel, data-row, data-column and data-value (the raw value, "" for null), so a
// test or a scraper reads exactly what the API answered.
window.BoardDraw = (() => {
  const SVG = "http://www.w3.org/2000/svg";
  const PALETTE = ["#0b5d7a", "#d9822b", "#2e7d32", "#8e44ad", "#b3261e", "#00897b", "#5b6b78", "#c0a000"];
  const NUMERIC = new Set(["percent", "count", "number"]);
  const LABEL_KINDS = new Set(["text", "region", "period", "date"]);
  const fmt = {
    percent: new Intl.NumberFormat("id-ID", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }),
    count: new Intl.NumberFormat("id-ID", { maximumFractionDigits: 0 }),
    number: new Intl.NumberFormat("id-ID", { maximumFractionDigits: 2 }),
    gap: new Intl.NumberFormat("id-ID", { maximumFractionDigits: 1 }),
  };
  const HIDDEN = "disembunyikan / suppressed";
  const WITA = new Intl.DateTimeFormat("id-ID", { timeZone: "Asia/Makassar", dateStyle: "medium", timeStyle: "short" });

  function el(tag, attrs = {}, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svg(tag, attrs = {}, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function format(kind, value, names) {
    if (value === null || value === undefined) return "–";
    if (kind in fmt && typeof value === "number") return fmt[kind].format(value);
    if (kind === "period") return String(value).slice(0, 7);
    if (kind === "date" && String(value).includes("T")) return `${WITA.format(new Date(value))} WITA`;
    if (kind === "region" && names && names[value]) return `${names[value]} (${value})`;
    return String(value);
  }

  function mark(node, panel, row, column, value) {
    node.dataset.panel = panel;
    node.dataset.row = String(row);
    node.dataset.column = column;
    node.dataset.value = value === null || value === undefined ? "" : String(value);
    return node;
  }

  // The columns a chart plots: those of the panel's unit (percent, count) when it has any, else every number.
  function valueColumns(data) {
    const numeric = data.columns.map((c, i) => [c, i]).filter(([c]) => NUMERIC.has(c.kind));
    const ofUnit = numeric.filter(([c]) => c.kind === data.unit);
    return ofUnit.length ? ofUnit : numeric;
  }

  function isHidden(data, row, value) {
    return value === null && data.suppressed_rows.includes(row);
  }

  function empty(body) {
    body.replaceChildren(el("p", { class: "empty" }, "Belum ada data / No data yet"));
  }

  function stat(body, panel, data) {
    const columns = valueColumns(data);
    if (!data.rows.length || !columns.length) return empty(body);
    const row = data.rows[0];
    const [column, index] = columns[0];
    const value = row[index];
    const box = el("div", { class: "stat" });
    const shown = mark(el("div", { class: "value" }), panel.id, 0, column.name, value);
    shown.textContent = isHidden(data, 0, value) ? HIDDEN : format(column.kind, value);
    if (isHidden(data, 0, value)) shown.classList.add("suppressed");
    box.append(shown);
    if (data.target !== null) box.append(target(column.kind, value, data.target, panel.higher_is_better));
    const details = el("div", { class: "details" });
    data.columns.forEach((other, i) => {
      if (i === index || !NUMERIC.has(other.kind)) return;
      const item = el("span", {}, `${other.title_id}: `);
      item.append(mark(el("b", {}, format(other.kind, row[i])), panel.id, 0, other.name, row[i]));
      details.append(item);
    });
    box.append(details);
    body.replaceChildren(box);
  }

  function target(kind, value, goal, higherIsBetter) {
    const line = el("div", { class: "target" });
    const shown = el("b", { "data-target": String(goal) }, format(kind, goal));
    line.append("Target ", shown);
    if (typeof value === "number") {
      const gap = kind === "percent" ? Math.abs(value - goal) * 100 : Math.abs(value - goal);
      const unit = kind === "percent" ? " poin" : "";
      const where = value > goal ? ["di atas", "above"] : value < goal ? ["di bawah", "below"] : null;
      const text = where ? ` · ${fmt.gap.format(gap)}${unit} ${where[0]} target / ${where[1]} target`
        : " · tepat target / on target";
      // Good or bad only when the registry says which way is better; otherwise only above or below.
      const good = where === null || typeof higherIsBetter !== "boolean" ? null : (value > goal) === higherIsBetter;
      line.append(el("span", { class: good === null ? "" : good ? "good" : "bad" }, text));
    }
    return line;
  }

  function table(body, panel, data) {
    if (!data.rows.length) return empty(body);
    const grid = el("table");
    const head = el("tr");
    for (const c of data.columns) {
      const th = el("th", {}, c.title_id);
      th.append(el("br"), el("span", { class: "en" }, c.title_en));
      head.append(th);
    }
    grid.appendChild(el("thead")).append(head);
    const rows = grid.appendChild(el("tbody"));
    data.rows.forEach((row, r) => {
      const tr = rows.appendChild(el("tr"));
      data.columns.forEach((c, i) => {
        const td = mark(el("td", { class: NUMERIC.has(c.kind) ? "num" : "" }), panel.id, r, c.name, row[i]);
        td.textContent = isHidden(data, r, row[i]) ? HIDDEN : format(c.kind, row[i], data.region_names);
        if (isHidden(data, r, row[i])) td.classList.add("suppressed");
        tr.append(td);
      });
    });
    body.replaceChildren(grid);
  }

  function size(body) {
    return [Math.max(body.clientWidth, 240), Math.max(body.clientHeight - 24, 120)];
  }

  function scale(values, goal) {
    const top = Math.max(...values.filter((v) => typeof v === "number"), goal ?? 0, 0);
    return top > 0 ? top * 1.1 : 1;
  }

  function legend(items) {
    const box = el("div", { class: "legend" });
    for (const [label, color] of items) {
      const key = el("span", {}, label);
      key.style.setProperty("--swatch", color);
      box.append(key);
    }
    return box;
  }

  function timeseries(body, panel, data) {
    const xi = data.columns.findIndex((c) => c.kind === "period" || c.kind === "date");
    const gi = data.columns.findIndex((c) => c.kind === "text" || c.kind === "region");
    const ys = valueColumns(data);
    if (!data.rows.length || xi < 0 || !ys.length) return empty(body);
    const xs = [...new Set(data.rows.map((row) => row[xi]))].sort();
    const lines = new Map();
    data.rows.forEach((row, r) => {
      for (const [c, i] of ys) {
        const group = gi >= 0 ? format(data.columns[gi].kind, row[gi], data.region_names) : "";
        const key = `${group}|${c.name}`;
        if (!lines.has(key)) {
          const label = [group, ys.length > 1 || !group ? c.title_id : ""].filter(Boolean).join(" · ");
          lines.set(key, { label, color: PALETTE[lines.size % PALETTE.length], points: [] });
        }
        lines.get(key).points.push({ x: xs.indexOf(row[xi]), y: row[i], row: r, column: c.name, kind: c.kind });
      }
    });
    const [width, height] = size(body);
    const pad = { left: 56, right: 12, top: 8, bottom: 22 };
    const top = scale(data.rows.flatMap((row) => ys.map(([, i]) => row[i])), data.target);
    const px = (x) => pad.left + (xs.length > 1 ? (x * (width - pad.left - pad.right)) / (xs.length - 1) : 0);
    const py = (y) => height - pad.bottom - (y / top) * (height - pad.top - pad.bottom);
    const chart = svg("svg", { class: "chart", width, height, role: "img" });
    axes(chart, ys[0][0].kind, top, px, py, width, pad);
    [0, Math.floor((xs.length - 1) / 2), xs.length - 1].forEach((x, n, all) => {
      if (all.indexOf(x) !== n) return;
      const anchor = x === 0 ? "start" : x === xs.length - 1 ? "end" : "middle";
      chart.append(svg("text", { x: px(x), y: height - 6, "text-anchor": anchor }, format(data.columns[xi].kind, xs[x])));
    });
    if (data.target !== null) {
      chart.append(svg("line", { class: "targetline", x1: pad.left, x2: width - pad.right, y1: py(data.target), y2: py(data.target) }));
    }
    for (const line of lines.values()) {
      let path = "";
      let pen = "M";
      for (const p of line.points.sort((a, b) => a.x - b.x)) {
        if (typeof p.y !== "number") { pen = "M"; continue; }
        path += `${pen}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)} `;
        pen = "L";
      }
      chart.append(svg("path", { d: path, fill: "none", stroke: line.color, "stroke-width": 2 }));
      for (const p of line.points) {
        const dot = mark(svg("circle", { r: typeof p.y === "number" ? 3 : 0, fill: line.color }), panel.id, p.row, p.column, p.y);
        dot.setAttribute("cx", px(p.x).toFixed(1));
        dot.setAttribute("cy", (typeof p.y === "number" ? py(p.y) : py(0)).toFixed(1));
        dot.append(svg("title", {}, `${line.label} ${format("period", xs[p.x])}: ${format(p.kind, p.y)}`));
        chart.append(dot);
      }
    }
    body.replaceChildren(chart, legend([...lines.values()].map((l) => [l.label, l.color])));
  }

  function axes(chart, kind, top, px, py, width, pad) {
    for (let n = 0; n <= 4; n += 1) {
      const y = (top * n) / 4;
      chart.append(svg("line", { class: "axis", x1: pad.left, x2: width - pad.right, y1: py(y), y2: py(y) }));
      chart.append(svg("text", { x: pad.left - 6, y: py(y) + 4, "text-anchor": "end" }, format(kind, y)));
    }
  }

  // Bar labels cut to the room they have (about 6.5 px a character at 11 px), the whole name in the tooltip.
  function fit(text, width) {
    const room = Math.floor((width - 10) / 6.5);
    return text.length > room ? `${text.slice(0, Math.max(room - 1, 1))}…` : text;
  }

  function bar(body, panel, data) {
    const ci = data.columns.findIndex((c) => LABEL_KINDS.has(c.kind));
    const ys = valueColumns(data);
    if (!data.rows.length || !ys.length) return empty(body);
    const [column, vi] = ys[0];
    const [width, available] = size(body);
    const step = Math.max(Math.min(26, available / data.rows.length), 18);
    const height = step * data.rows.length + 4;
    const labelWidth = Math.min(width * 0.4, 220);
    const valueWidth = 70;
    const top = scale(data.rows.map((row) => row[vi]), data.target);
    const bx = (v) => labelWidth + (v / top) * (width - labelWidth - valueWidth);
    const chart = svg("svg", { class: "chart", width, height, role: "img" });
    data.rows.forEach((row, r) => {
      const y = r * step + 2;
      const named = ci >= 0 && data.columns[ci].kind === "region" ? data.region_names[row[ci]] : undefined;
      const full = named || (ci >= 0 ? format(data.columns[ci].kind, row[ci], data.region_names) : String(r + 1));
      const label = svg("text", { x: labelWidth - 6, y: y + step / 2 + 4, "text-anchor": "end" }, fit(full, labelWidth));
      label.append(svg("title", {}, full));
      chart.append(label);
      const value = row[vi];
      if (typeof value === "number") {
        chart.append(svg("rect", { class: "bar", x: labelWidth, y: y + 2, height: step - 6, width: Math.max(bx(value) - labelWidth, 1) }));
      }
      const hidden = isHidden(data, r, value);
      const text = mark(svg("text", { class: "barvalue", y: y + step / 2 + 4 }), panel.id, r, column.name, value);
      text.setAttribute("x", (typeof value === "number" ? bx(value) : labelWidth) + 4);
      text.textContent = hidden ? HIDDEN : format(column.kind, value);
      chart.append(text);
    });
    if (data.target !== null) {
      chart.append(svg("line", { class: "targetline", x1: bx(data.target), x2: bx(data.target), y1: 0, y2: height }));
    }
    body.replaceChildren(chart);
  }

  const DRAW = { stat, table, timeseries, bar };

  function draw(body, panel, data) {
    (DRAW[panel.kind] || table)(body, panel, data);
  }

  return { draw, el };
})();
