// tradegame's classroom page: asks the local JSON API and draws what it answers.
// No game theory here: equilibria, best responses, thresholds and regimes all come from
// the server, which uses the same library as the command line.
"use strict";

const $ = (id) => document.getElementById(id);
const CONTROL = ["scenario", "form", "levels", "full", "x", "y", "hide"];
const page = {
  scenario: null, form: "simultaneous", levels: 5, full: false, hide: false,
  values: {},          // changed parameters: name -> number
  model: null,         // /api/model answer: the scenario's own values and ranges
  x: null, y: null,    // regime map axes
  regimes: null,       // last /api/regimes answer
  seq: 0,              // newest solve request; older answers are dropped
};

function fmt(v) {
  if (typeof v !== "number") return String(v);
  const r = Math.round(v * 100) / 100;
  return (Object.is(r, -0) ? 0 : r).toString();
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
}

// ------------------------------------------------------------------ state <-> URL
function readUrl() {
  const q = new URLSearchParams(location.search);
  page.scenario = q.get("scenario");
  page.form = q.get("form") || "simultaneous";
  page.levels = parseInt(q.get("levels") || "5", 10) || 5;
  page.full = q.get("full") === "1";
  page.hide = q.get("hide") === "1";
  page.x = q.get("x");
  page.y = q.get("y");
  page.values = {};
  page.raw = [];   // parameters exactly as the URL gave them (checked by the server)
  for (const [k, v] of q.entries()) {
    if (!CONTROL.includes(k)) page.raw.push([k, v]);
  }
}

function apiQuery(extra) {
  const q = new URLSearchParams();
  q.set("scenario", page.scenario);
  q.set("form", page.form);
  if (page.form === "graded") q.set("levels", String(page.levels));
  if (page.full) q.set("full", "1");
  if (page.raw) for (const [k, v] of page.raw) q.append(k, v);
  else for (const k of Object.keys(page.values).sort()) q.set(k, String(page.values[k]));
  if (extra) for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

function pageUrl() {
  const q = apiQuery();
  if (page.hide) q.set("hide", "1");
  if (page.x) q.set("x", page.x);
  if (page.y) q.set("y", page.y);
  return location.pathname + "?" + q.toString();
}

function syncUrl() {
  const url = pageUrl();
  history.replaceState(null, "", url);
  $("share").href = url;
}

// ------------------------------------------------------------------ fetching
async function getJson(path) {
  const resp = await fetch(path);
  let body;
  try { body = await resp.json(); } catch (e) { body = {error: `the server answered ${resp.status}`}; }
  if (!resp.ok) throw new Error(body.error || `the server answered ${resp.status}`);
  return body;
}

function showError(message) {
  const box = $("error");
  box.textContent = message ? "Cannot show this: " + message : "";
  box.hidden = !message;
}

// ------------------------------------------------------------------ parameters
function buildSliders() {
  const box = $("parameters");
  box.innerHTML = "";
  let side = null;
  for (const p of page.model.parameters) {
    if (p.side !== side) {
      side = p.side;
      const h = document.createElement("div");
      h.className = "side";
      h.textContent = {US: "United States", CN: "China", both: "Both sides", ally: "The ally"}[side] || side;
      box.appendChild(h);
    }
    const div = document.createElement("div");
    div.className = "param";
    div.id = "param-" + p.name;
    const tip = `${p.meaning}\n\nUnit: ${p.unit}; range ${fmt(p.low)}–${fmt(p.high)}; ` +
      `this scenario: ${fmt(p.value)}; model default: ${fmt(p.model_default)}.\n\nWhere it comes from: ${p.provenance}`;
    div.innerHTML = `<label class="name" title="${escapeHtml(tip)}" for="slider-${p.name}">` +
      `<code>${escapeHtml(p.name)}</code><span class="value" id="value-${p.name}"></span></label>` +
      `<input type="range" id="slider-${p.name}" name="${escapeHtml(p.name)}" min="${p.low}" max="${p.high}" step="${p.step}">`;
    box.appendChild(div);
    const slider = div.querySelector("input");
    slider.value = String(current(p.name));
    slider.addEventListener("input", () => { setValue(p.name, parseFloat(slider.value)); scheduleSolve(40); });
    slider.addEventListener("change", () => { setValue(p.name, parseFloat(slider.value)); afterMove(p.name); });
  }
  refreshSliders();
}

function param(name) { return page.model.parameters.find((p) => p.name === name); }

function current(name) {
  if (name in page.values) return page.values[name];
  return param(name).value;
}

function setValue(name, v) {
  const p = param(name);
  if (Math.abs(v - p.value) < 1e-12) delete page.values[name];
  else page.values[name] = v;
  page.raw = null;
  refreshSliders();
}

function refreshSliders() {
  for (const p of page.model.parameters) {
    const v = current(p.name);
    $("value-" + p.name).textContent = fmt(v) + (p.unit.startsWith("index") ? "" : "");
    $("param-" + p.name).classList.toggle("changed", p.name in page.values);
    const s = $("slider-" + p.name);
    if (document.activeElement !== s) s.value = String(v);
  }
}

// ------------------------------------------------------------------ the game
let solveTimer = null;
function scheduleSolve(ms) {
  clearTimeout(solveTimer);
  solveTimer = setTimeout(solve, ms);
}

async function solve() {
  const seq = ++page.seq;
  document.body.classList.add("busy");
  syncUrl();
  try {
    const answer = await getJson("/api/solve?" + apiQuery().toString());
    if (seq !== page.seq) return;
    if (page.raw) {   // the server accepted the URL's parameters: adopt them as numbers
      for (const [k, v] of page.raw) page.values[k] = parseFloat(v);
      page.raw = null;
      refreshSliders();
      syncUrl();
    }
    showError("");
    drawAnswer(answer);
  } catch (err) {
    if (seq !== page.seq) return;
    showError(err.message);
  } finally {
    if (seq === page.seq) document.body.classList.remove("busy");
  }
}

function drawAnswer(a) {
  $("game-title").textContent = a.title;
  drawMatrices(a.matrices || []);
  const list = $("equilibria");
  list.innerHTML = "";
  for (const e of a.equilibria) {
    const li = document.createElement("li");
    li.innerHTML = `<strong>${escapeHtml(e.outcome || e.profile)}</strong>` +
      (e.outcome && !e.outcome.includes(":") ? ` <span class="muted">${escapeHtml(e.profile)}</span>` : "") +
      `<br>payoffs: ${escapeHtml(e.payoffs)}` +
      (e.reason ? `<div class="reason">${escapeHtml(e.reason)}</div>` : "");
    list.appendChild(li);
  }
  $("method").textContent = `(${a.equilibria.length} found` + (a.method ? `; method ${a.method})` : ")");
  $("explanation").innerHTML = page.full ? a.full_html : a.brief_html;
  page.pictures = a.pictures;
  page.regimeForm = a.regime_form;
}

function drawMatrices(list) {
  $("matrix").innerHTML = list.map((item, k) =>
    (item.caption ? `<p class="matrix-caption">${escapeHtml(item.caption)}</p>` : "") +
    matrixHtml(item.matrix, k === 0 ? "payoff-matrix" : `payoff-matrix-${k + 1}`)).join("");
}

function matrixHtml(m, id) {
  const eq = new Set(m.equilibrium_cells.map((c) => c[0] + "," + c[1]));
  let h = `<table class="matrix" id="${id}"><thead><tr><th></th>` +
    `<th class="col" colspan="${m.columns.length}">${escapeHtml(m.players[1])}</th></tr><tr><th class="row">${escapeHtml(m.players[0])}</th>`;
  for (const c of m.columns) h += `<th class="col">${escapeHtml(c)}</th>`;
  h += "</tr></thead><tbody>";
  m.rows.forEach((r, i) => {
    h += `<tr><th class="row">${escapeHtml(r)}</th>`;
    m.columns.forEach((c, j) => {
      const cls = "cell" + (eq.has(i + "," + j) ? " equilibrium" : "");
      const ub = m.row_best[i][j] ? " best" : "", vb = m.column_best[i][j] ? " best" : "";
      h += `<td class="${cls}" data-row="${i}" data-col="${j}"><span class="u${ub}">${fmt(m.row_payoffs[i][j])}</span>, ` +
        `<span class="v${vb}">${fmt(m.column_payoffs[i][j])}</span></td>`;
    });
    h += "</tr>";
  });
  h += "</tbody></table>";
  h += `<p class="matrix-note">Payoffs (${escapeHtml(m.players[0])}, ${escapeHtml(m.players[1])}). ` +
    "Bold with * = best response to the other's move; green cell = pure Nash equilibrium.</p>";
  return h;
}

let thresholdSeq = 0;
async function loadThresholds() {
  const seq = ++thresholdSeq;
  const normal = page.form === "simultaneous" || page.form === "graded";
  if (!normal) { $("thresholds").innerHTML = ""; $("thresholds-box").hidden = true; return; }
  $("thresholds-box").classList.add("stale");
  try {
    const t = await getJson("/api/thresholds?" + apiQuery().toString());
    if (seq !== thresholdSeq) return;
    $("thresholds").innerHTML = t.html;
    $("thresholds-box").hidden = !t.html;
    $("thresholds-box").classList.remove("stale");
  } catch (err) {
    if (seq === thresholdSeq) showError(err.message);
  }
}

// ------------------------------------------------------------------ pictures
function drawPictures() {
  const q = apiQuery().toString();
  for (const kind of ["dynamics", "best-response"]) {
    const show = (page.pictures || []).includes(kind);
    $(kind + "-box").hidden = !show;
    if (show) $(kind).src = `/api/picture/${kind}.svg?${q}`;
  }
  const tree = (page.pictures || []).includes("tree");
  $("tree-box").hidden = !tree;
  if (tree) {
    $("tree").src = `/api/picture/tree.svg?${q}`;
    $("tree-plain").src = `/api/picture/tree-plain.svg?${q}`;
  }
}

// ------------------------------------------------------------------ regime map
function fillAxes() {
  const names = page.model.parameters.map((p) => p.name);
  if (!names.includes(page.x)) page.x = names.includes("hawk_cost") ? "hawk_cost" : names[0];
  if (!names.includes(page.y) || page.y === page.x) page.y = names.includes("re_dependence") && page.x !== "re_dependence" ? "re_dependence" : names.find((n) => n !== page.x);
  for (const [id, val] of [["regime-x", page.x], ["regime-y", page.y]]) {
    const sel = $(id);
    sel.innerHTML = names.map((n) => `<option>${escapeHtml(n)}</option>`).join("");
    sel.value = val;
  }
}

let regimeKey = null;
async function loadRegimes(force) {
  // the map depends on every parameter except its two axes
  const q = apiQuery({x: page.x, y: page.y});
  q.delete(page.x); q.delete(page.y);
  const key = q.toString();
  if (!force && key === regimeKey && page.regimes) { drawRegimes(); return; }
  regimeKey = key;
  try {
    const r = await getJson("/api/regimes?" + key);
    if (key !== regimeKey) return;
    page.regimes = r;
    drawRegimes();
  } catch (err) {
    showError(err.message);
  }
}

const PAD = {left: 46, right: 10, top: 10, bottom: 38};
function drawRegimes() {
  const r = page.regimes, c = $("regime"), g = c.getContext("2d");
  const W = c.width - PAD.left - PAD.right, H = c.height - PAD.top - PAD.bottom, n = r.points;
  g.clearRect(0, 0, c.width, c.height);
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      g.fillStyle = r.colours[r.grid[row][col]];
      const x0 = PAD.left + (col - 0.5) / (n - 1) * W, y0 = PAD.top + H - (row + 0.5) / (n - 1) * H;
      g.fillRect(Math.max(PAD.left, x0), Math.max(PAD.top, y0 - H / (n - 1)),
                 W / (n - 1) + 1, H / (n - 1) + 1);
    }
  }
  g.clearRect(0, 0, PAD.left, c.height);
  g.clearRect(0, PAD.top + H, c.width, PAD.bottom);
  g.clearRect(0, 0, c.width, PAD.top);
  g.clearRect(PAD.left + W, 0, PAD.right, c.height);
  g.strokeStyle = "#444"; g.strokeRect(PAD.left, PAD.top, W, H);
  g.fillStyle = "#222"; g.font = "12px system-ui, sans-serif";
  g.textAlign = "left"; g.fillText(fmt(r.x.low), PAD.left, PAD.top + H + 14);
  g.textAlign = "right"; g.fillText(fmt(r.x.high), PAD.left + W, PAD.top + H + 14);
  g.textAlign = "center"; g.fillText(r.x.name, PAD.left + W / 2, PAD.top + H + 30);
  g.textAlign = "right"; g.fillText(fmt(r.y.high), PAD.left - 4, PAD.top + 10);
  g.fillText(fmt(r.y.low), PAD.left - 4, PAD.top + H);
  g.save(); g.translate(14, PAD.top + H / 2); g.rotate(-Math.PI / 2); g.textAlign = "center";
  g.fillText(r.y.name, 0, 0); g.restore();
  // the current point
  const [px, py] = regimeXY(current(r.x.name), current(r.y.name));
  g.lineWidth = 3; g.strokeStyle = "#000"; g.beginPath(); g.arc(px, py, 7, 0, 2 * Math.PI); g.stroke();
  g.lineWidth = 1.5; g.strokeStyle = "#fff"; g.beginPath(); g.arc(px, py, 4, 0, 2 * Math.PI); g.stroke();
  c.dataset.markerX = px.toFixed(1); c.dataset.markerY = py.toFixed(1);
  $("regime-legend").innerHTML = r.labels.map((lab, i) =>
    `<span style="--swatch:${r.colours[i]}">${escapeHtml(lab === "both" ? "deal and conflict" : lab)}</span>`).join("") +
    "";
  $("regime-caption").textContent = `Pure equilibria of the ${r.form} game at each point, ` +
    "every other parameter at its current value. The black ring is the current point; click anywhere to move there.";
}

function regimeXY(xv, yv) {
  const r = page.regimes, c = $("regime");
  const W = c.width - PAD.left - PAD.right, H = c.height - PAD.top - PAD.bottom;
  return [PAD.left + (xv - r.x.low) / (r.x.high - r.x.low) * W, PAD.top + H - (yv - r.y.low) / (r.y.high - r.y.low) * H];
}

function regimeClick(ev) {
  const r = page.regimes, c = $("regime");
  if (!r) return;
  const box = c.getBoundingClientRect();
  const sx = (ev.clientX - box.left) * c.width / box.width, sy = (ev.clientY - box.top) * c.height / box.height;
  const W = c.width - PAD.left - PAD.right, H = c.height - PAD.top - PAD.bottom;
  const fx = Math.min(1, Math.max(0, (sx - PAD.left) / W)), fy = Math.min(1, Math.max(0, (PAD.top + H - sy) / H));
  for (const [axis, f] of [[r.x, fx], [r.y, fy]]) {
    const p = param(axis.name);
    const v = Math.round((axis.low + f * (axis.high - axis.low)) / p.step) * p.step;
    setValue(axis.name, Math.min(p.high, Math.max(p.low, parseFloat(v.toFixed(6)))));
  }
  afterMove(r.x.name);
}

// ------------------------------------------------------------------ events
async function afterMove(name) {
  clearTimeout(solveTimer);
  await solve();
  drawPictures();
  loadThresholds();
  if (page.regimes && (name === page.x || name === page.y)) drawRegimes();
  else loadRegimes(false);
}

async function loadScenario() {
  page.model = await getJson("/api/model?scenario=" + encodeURIComponent(page.scenario));
  $("story").textContent = page.model.summary || "";
  $("story").title = page.model.story || "";
  buildSliders();
  fillAxes();
}

async function refreshAll() {
  await solve();
  drawPictures();
  loadThresholds();
  await loadRegimes(true);
}

const EXERCISES = {
  simultaneous: "Find every Nash equilibrium of this game: for each cell, ask whether either player would gain by switching alone; then look for a mixed equilibrium.",
  graded: "Find the pure Nash equilibria: mark each player's best response to every move of the other; an equilibrium is a cell where both are marked.",
  tree: "Solve the tree by backward induction: start at the last movers, pick each one's best move, and work back to the first move. Which threats or promises are credible?",
  other: "Work out the equilibria of this form before looking: who would deviate, and when?",
};

function exerciseText() {
  if (page.form in EXERCISES) return EXERCISES[page.form];
  return ["us-first", "china-first", "snapback"].includes(page.form) ? EXERCISES.tree : EXERCISES.other;
}

function applyToggles() {
  $("exercise-text").textContent = exerciseText();
  document.body.classList.toggle("hide-answers", page.hide);
  $("hide").checked = page.hide;
  $("full").checked = page.full;
  $("levels-box").hidden = page.form !== "graded";
  $("levels").value = String(page.levels);
}

async function init() {
  readUrl();
  let cat;
  try {
    cat = await getJson("/api/catalogue");
  } catch (err) { showError(err.message); return; }
  $("levels").max = String(cat.max_levels);
  $("scenario").innerHTML = cat.scenarios.map((s) =>
    `<option value="${escapeHtml(s.name)}">${escapeHtml(s.name)} — ${escapeHtml(s.title)}</option>`).join("");
  $("form").innerHTML = cat.forms.map((f) =>
    `<option value="${escapeHtml(f.name)}" title="${escapeHtml(f.description)}">${escapeHtml(f.name)}</option>`).join("");
  if (!page.scenario) page.scenario = cat.default;
  $("scenario").value = page.scenario;
  $("form").value = page.form;
  applyToggles();
  try {
    await loadScenario();
  } catch (err) { showError(err.message); return; }
  await refreshAll();

  $("scenario").addEventListener("change", async () => {
    page.scenario = $("scenario").value; page.values = {}; page.raw = null;
    try { await loadScenario(); } catch (err) { showError(err.message); return; }
    refreshAll();
  });
  $("form").addEventListener("change", () => { page.form = $("form").value; applyToggles(); refreshAll(); });
  $("levels").addEventListener("change", () => {
    page.levels = parseInt($("levels").value, 10) || 5; refreshAll();
  });
  $("hide").addEventListener("change", () => { page.hide = $("hide").checked; applyToggles(); syncUrl(); });
  $("full").addEventListener("change", () => { page.full = $("full").checked; solve(); });
  $("reset").addEventListener("click", () => { page.values = {}; page.raw = null; refreshSliders(); refreshAll(); });
  $("regime-x").addEventListener("change", () => { page.x = $("regime-x").value; syncUrl(); loadRegimes(true); });
  $("regime-y").addEventListener("change", () => { page.y = $("regime-y").value; syncUrl(); loadRegimes(true); });
  $("regime").addEventListener("click", regimeClick);
}

init();
