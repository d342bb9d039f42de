// partnerops workbench: a small script, no framework, no network beyond
// this server.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { name: "", files: [], checkTimer: 0, checkSeq: 0 };

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  const data = await r.json().catch(() => ({ error: r.statusText }));
  if (!r.ok) throw new Error(data.error || r.statusText);
  return data;
}

function setStatus(text, cls) {
  const s = $("status");
  s.textContent = text;
  s.className = "status " + (cls || "");
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function buffer() {
  return { name: state.name, source: $("source").value };
}

// The gutter shows line numbers; lines with an error are marked.
function renderGutter(bad) {
  const n = $("source").value.split("\n").length;
  const g = $("gutter");
  g.textContent = "";
  for (let i = 1; i <= n; i++) {
    const span = el("span", bad && bad.has(i) ? "bad" : "", String(i));
    g.appendChild(span);
    g.appendChild(document.createTextNode("\n"));
  }
  g.scrollTop = $("source").scrollTop;
}

function fillSelect(sel, names, value) {
  sel.textContent = "";
  for (const n of names) {
    const o = el("option", "", n);
    o.value = n;
    sel.appendChild(o);
  }
  if (value && names.includes(value)) sel.value = value;
}

async function loadFiles() {
  state.files = await api("GET", "/api/files");
  const programs = state.files.filter((f) => f.kind === "program").map((f) => f.name);
  const deals = state.files.filter((f) => f.kind === "deals").map((f) => f.name);
  for (const [ul, names] of [[$("programs"), programs], [$("dealsfiles"), deals]]) {
    ul.textContent = "";
    for (const n of names) {
      const li = el("li", n === state.name ? "open" : "", n);
      li.dataset.name = n;
      li.addEventListener("click", () => openFile(n));
      ul.appendChild(li);
    }
  }
  fillSelect($("explain-deals"), [""].concat(deals), $("explain-deals").value);
  fillSelect($("diff-old"), programs, $("diff-old").value || state.name);
  fillSelect($("diff-new"), programs, $("diff-new").value || state.name);
  fillSelect($("diff-deals"), deals, $("diff-deals").value);
  if (!$("explain-deals").value && deals.length) $("explain-deals").value = deals[0];
  return programs;
}

async function openFile(name) {
  const f = await api("GET", "/api/file?name=" + encodeURIComponent(name));
  state.name = name;
  $("filename").textContent = name;
  $("source").value = f.source;
  for (const li of document.querySelectorAll("nav li")) li.classList.toggle("open", li.dataset.name === name);
  renderGutter();
  await check();
}

function renderErrors(list) {
  const ul = $("errors");
  ul.textContent = "";
  const bad = new Set();
  for (const d of list) {
    const li = el("li", d.severity, d.text);
    li.dataset.line = d.line;
    li.dataset.col = d.col;
    li.addEventListener("click", () => goTo(d.line, d.col));
    ul.appendChild(li);
    if (d.severity === "error" && d.line > 0) bad.add(d.line);
  }
  renderGutter(bad);
}

// goTo puts the cursor at a line and column (1-based, in characters).
function goTo(line, col) {
  const ta = $("source");
  const lines = ta.value.split("\n");
  let off = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) off += lines[i].length + 1;
  off += Math.max(0, (col || 1) - 1);
  ta.focus();
  ta.setSelectionRange(off, off + 1);
  ta.scrollTop = Math.max(0, (line - 5) * 18);
}

async function check() {
  const seq = ++state.checkSeq;
  try {
    const r = await api("POST", "/api/check", buffer());
    if (seq !== state.checkSeq) return; // a newer check is on its way
    const all = r.errors.concat(r.warnings);
    renderErrors(all);
    if (r.kind === "deals") setStatus("deals file", "");
    else if (r.errors.length) setStatus(r.errors.length + (r.errors.length === 1 ? " error" : " errors"), "bad");
    else setStatus("no errors" + (r.warnings.length ? ", " + r.warnings.length + " warnings" : ""), "good");
  } catch (e) {
    setStatus(e.message, "bad");
  }
}

function scheduleCheck() {
  renderGutter();
  clearTimeout(state.checkTimer);
  state.checkTimer = setTimeout(check, 300);
}

async function runTests() {
  const out = $("tests");
  out.textContent = "running…";
  try {
    const r = await api("POST", "/api/test", buffer());
    out.textContent = "";
    if (r.errors.length) {
      renderErrors(r.errors);
      out.appendChild(el("div", "summary fail", "FAIL: the files do not compile; no tests were run"));
      return;
    }
    for (const t of r.tests) {
      out.appendChild(el("div", "test " + (t.passed ? "pass" : "fail"), t.program + "/" + t.name));
      if (t.error) out.appendChild(el("div", "diffline", "error: " + t.error));
      for (const d of t.diffs) out.appendChild(el("div", "diffline", d));
    }
    out.appendChild(el("div", "", "coverage " + r.coverage + "%"));
    for (const g of r.gaps || []) out.appendChild(el("div", "hint", "not exercised: " + g));
    const n = r.tests.length;
    out.appendChild(r.ok
      ? el("div", "summary pass", "ok: " + n + (n === 1 ? " test" : " tests") + " passed")
      : el("div", "summary fail", "FAIL: " + r.failed + " of " + n + " tests failed"));
  } catch (e) {
    out.textContent = "";
    out.appendChild(el("div", "summary fail", e.message));
  }
}

async function explain() {
  const out = $("explain-out");
  out.textContent = "…";
  const req = Object.assign(buffer(), {});
  if ($("deal").value.trim()) {
    req.deal = $("deal").value;
  } else {
    req.dealsFile = $("explain-deals").value;
    req.dealId = $("explain-id").value.trim();
  }
  try {
    const r = await api("POST", "/api/explain", req);
    out.className = "";
    out.textContent = r.text;
  } catch (e) {
    out.className = "error-text";
    out.textContent = e.message;
  }
}

// fillDeals offers the deals of the chosen deals file in the picker.
async function fillDeals() {
  const list = $("deal-ids");
  list.textContent = "";
  const file = $("explain-deals").value;
  if (!file || !state.name) return;
  try {
    const deals = await api("POST", "/api/deals", Object.assign(buffer(), { dealsFile: file }));
    for (const d of deals) {
      const o = el("option", "", d.partner + ", " + d.amount);
      o.value = d.id;
      list.appendChild(o);
    }
  } catch (e) {
    // The program may not compile yet; the picker stays empty.
  }
}

async function curve() {
  const box = $("curve");
  box.textContent = "drawing…";
  try {
    const r = await api("POST", "/api/curve", buffer());
    box.innerHTML = r.svg; // SVG written by the server from the program
  } catch (e) {
    box.textContent = "";
    box.appendChild(el("p", "error-text", e.message));
  }
}

async function diff() {
  const out = $("diff-out");
  out.textContent = "…";
  $("diff-svg").textContent = "";
  try {
    const r = await api("POST", "/api/diff", Object.assign(buffer(), {
      old: $("diff-old").value, new: $("diff-new").value, deals: $("diff-deals").value,
    }));
    out.className = "";
    out.textContent = r.text;
    $("diff-svg").innerHTML = r.svg;
  } catch (e) {
    out.className = "error-text";
    out.textContent = e.message;
  }
}

async function save() {
  try {
    await api("PUT", "/api/file", buffer());
    setStatus("saved " + state.name, "good");
    await loadFiles();
  } catch (e) {
    setStatus(e.message, "bad");
  }
}

async function init() {
  $("source").addEventListener("input", scheduleCheck);
  $("source").addEventListener("scroll", () => { $("gutter").scrollTop = $("source").scrollTop; });
  $("run-tests").addEventListener("click", runTests);
  $("draw-curve").addEventListener("click", curve);
  $("explain").addEventListener("click", explain);
  $("diff").addEventListener("click", diff);
  $("save").addEventListener("click", save);
  $("explain-deals").addEventListener("change", fillDeals);
  $("explain-id").addEventListener("focus", fillDeals);
  try {
    const programs = await loadFiles();
    if (programs.length) await openFile(programs[0]);
    else setStatus("no program files in this folder", "bad");
  } catch (e) {
    setStatus(e.message, "bad");
  }
}

init();
