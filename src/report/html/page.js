"use strict";
// keyscout's HTML report: reads the JSON in #data, draws the summary, and keeps a table of
// the findings that draws only the rows in view (a report may hold 100,000 of them).
(function () {
  const D = JSON.parse(document.getElementById("data").textContent);
  const R = D.rows;
  // Beside each row: --verify's status ("" when not verified), its detail, triage notes
  // (none at all when no row has any).
  const NO_CHECK = ["", "", []];
  const C = D.checks.length ? D.checks : R.map(() => NO_CHECK);
  const VERIFY_NAMES = ["live", "invalid", "unknown", "error"];
  // Row fields, as keyscout writes them.
  const RULE = 0, PATH = 1, LINE = 2, COL = 3, CONF = 4, REPO = 5, COMMIT = 6, DATE = 7,
    AUTHOR = 8, MESSAGE = 9, BEFORE = 10, SECRET = 11, AFTER = 12, FP = 13, DECODED = 14, TAGS = 15;
  const CONF_NAMES = ["low", "medium", "high"];
  const ROW_HEIGHT = 34, OVERSCAN = 12;
  const $ = (id) => document.getElementById(id);
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => "&#" + c.charCodeAt(0) + ";");
  const num = (n) => n.toLocaleString("en-US");
  // One repository (or none) says nothing: no column, filter or card for it.
  const hasRepo = D.repos.length > 1;
  const hasDate = R.some((r) => r[DATE] !== "");
  const hasVerify = C.some((c) => c[0] !== "");
  const revealed = new Set();

  // ---- header and summary ----
  $("title").textContent = D.title;
  $("subtitle").textContent = num(R.length) + " finding(s) in " + num(D.files) + " file(s) or blob(s), " +
    (D.bytes / 1e6).toFixed(1) + " MB scanned" +
    (D.suppressed ? ", " + num(D.suppressed) + " suppressed" : "") +
    (D.errors ? ", " + num(D.errors) + " error(s)" : "") +
    (D.redacted ? " · secrets redacted" : "") + " · keyscout " + D.version;

  function counts(field, size) {
    const c = new Array(size).fill(0);
    for (let i = 0; i < R.length; i++) { const v = R[i][field]; if (v >= 0) c[v]++; }
    return c;
  }
  // A card of horizontal bars; `names` are HTML, `titles` plain text for the tooltips.
  function bars(title, names, values, onPick, limit, titles) {
    const order = values.map((v, i) => i).filter((i) => values[i] > 0).sort((a, b) => values[b] - values[a]);
    const max = Math.max(1, ...values);
    let html = "<h2>" + esc(title) + "</h2><ul class=\"bars\">";
    for (const i of order.slice(0, limit)) {
      html += "<li data-pick=\"" + i + "\" title=\"" + esc(titles ? titles[i] : "") + "\"><span class=\"name\">" + names[i] +
        "</span><span class=\"bar\" style=\"width:" + (100 * values[i] / max).toFixed(1) + "%\"></span><span class=\"n\">" +
        num(values[i]) + "</span></li>";
    }
    if (order.length > limit) html += "<li class=\"more\">and " + (order.length - limit) + " more</li>";
    const card = document.createElement("div");
    card.className = "card";
    card.innerHTML = html + "</ul>";
    card.addEventListener("click", (e) => {
      const li = e.target.closest("li[data-pick]");
      if (li) onPick(li.dataset.pick);
    });
    return card;
  }
  const summary = $("summary");
  const total = document.createElement("div");
  total.className = "card";
  const byConf = counts(CONF, 3);
  total.innerHTML = "<h2>Findings</h2><div class=\"total\">" + num(R.length) + " <small>in " +
    num(new Set(R.map((r) => r[REPO] * D.paths.length + r[PATH])).size) + " path(s)</small></div><p>" +
    [2, 1, 0].map((c) => "<span class=\"badge b" + c + "\">" + CONF_NAMES[c] + " " + num(byConf[c]) + "</span>").join(" ") + "</p>";
  summary.appendChild(total);
  const ruleNames = D.rules.map((r) => esc(r[0]));
  summary.appendChild(bars("By rule", ruleNames, counts(RULE, D.rules.length), (i) => pick("f-rule", i), 8,
    D.rules.map((r) => r[0] + ": " + r[1])));
  summary.appendChild(bars("By confidence", [2, 1, 0].map((c) => "<span class=\"badge b" + c + "\">" + CONF_NAMES[c] + "</span>"),
    [byConf[2], byConf[1], byConf[0]], (i) => pick("f-conf", String(2 - i)), 3));
  if (hasVerify) {
    const byVerify = VERIFY_NAMES.map((n) => C.filter((c) => c[0] === n).length);
    summary.appendChild(bars("By verification", VERIFY_NAMES.map((n) => "<span class=\"badge v-" + n + "\">" + n + "</span>"),
      byVerify, (i) => pick("f-verify", VERIFY_NAMES[i]), 4));
  }
  if (hasRepo) summary.appendChild(bars("By repository", D.repos.map(esc), counts(REPO, D.repos.length), (i) => pick("f-repo", i), 8, D.repos));
  if (hasDate) summary.appendChild(timeline());

  // When the leaks were introduced: one bar a month (a day when they span under 2 months).
  function timeline() {
    const dates = R.map((r) => r[DATE]).filter((d) => d).sort();
    const byMonth = dates[0].slice(0, 7) !== dates[dates.length - 1].slice(0, 7) &&
      monthIndex(dates[dates.length - 1]) - monthIndex(dates[0]) >= 2;
    const keys = [], n = new Map();
    if (byMonth) {
      for (let m = monthIndex(dates[0]); m <= monthIndex(dates[dates.length - 1]); m++) {
        keys.push(String(Math.floor(m / 12)).padStart(4, "0") + "-" + String(m % 12 + 1).padStart(2, "0"));
      }
    } else {
      for (let t = Date.parse(dates[0].slice(0, 10)); t <= Date.parse(dates[dates.length - 1].slice(0, 10)); t += 864e5) {
        keys.push(new Date(t).toISOString().slice(0, 10));
      }
    }
    const len = byMonth ? 7 : 10;
    for (const d of dates) n.set(d.slice(0, len), (n.get(d.slice(0, len)) || 0) + 1);
    const W = 1000, H = 140, pad = 22, bw = W / keys.length, max = Math.max(...n.values());
    let svg = "<svg viewBox=\"0 0 " + W + " " + H + "\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"Findings by date introduced\">";
    keys.forEach((k, i) => {
      const v = n.get(k) || 0;
      if (!v) return;
      const h = Math.max(2, (H - pad - 6) * v / max);
      const w = Math.max(1, Math.min(bw * 0.8, 40));
      svg += "<rect x=\"" + (i * bw + (bw - w) / 2).toFixed(1) + "\" y=\"" + (H - pad - h).toFixed(1) + "\" width=\"" +
        w.toFixed(1) + "\" height=\"" + h.toFixed(1) + "\"><title>" + k + ": " + v + "</title></rect>";
    });
    svg += "<text x=\"0\" y=\"" + (H - 6) + "\">" + keys[0] + "</text><text x=\"" + W + "\" y=\"" + (H - 6) +
      "\" text-anchor=\"end\">" + keys[keys.length - 1] + "</text></svg>";
    const card = document.createElement("div");
    card.className = "card wide chart";
    card.innerHTML = "<h2>When the leaks were introduced (" + (byMonth ? "by month" : "by day") + ")</h2>" + svg;
    return card;
  }
  function monthIndex(d) { return Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1; }

  // ---- filters ----
  const fRule = $("f-rule"), fConf = $("f-conf"), fRepo = $("f-repo"), fPath = $("f-path"), q = $("q");
  const fVerify = $("f-verify");
  if (!hasVerify) fVerify.hidden = true;
  const ruleOrder = D.rules.map((r, i) => i).sort((a, b) => (D.rules[a][0] < D.rules[b][0] ? -1 : 1));
  fRule.insertAdjacentHTML("beforeend", ruleOrder.map((i) => "<option value=\"" + i + "\">" + esc(D.rules[i][0]) + "</option>").join(""));
  if (hasRepo) fRepo.insertAdjacentHTML("beforeend", D.repos.map((r, i) => "<option value=\"" + i + "\">" + esc(r) + "</option>").join(""));
  else fRepo.hidden = true;
  const grid = document.querySelector(".grid");
  if (!hasRepo) grid.classList.add("norepo");
  if (!hasDate) grid.classList.add("nodate");
  if (hasVerify) grid.classList.add("verified");

  const lowerPaths = D.paths.map((p) => p.toLowerCase());
  let haystacks = null;
  // The text a search looks in (not the secret itself, which stays masked).
  function haystack(i) {
    const r = R[i];
    return (D.rules[r[RULE]][0] + "\n" + D.paths[r[PATH]] + ":" + r[LINE] + "\n" + r[BEFORE] + "\n" + r[AFTER] + "\n" +
      r[COMMIT] + "\n" + r[AUTHOR] + "\n" + r[MESSAGE] + "\n" + r[FP] + "\n" + r[TAGS] + "\n" +
      (r[REPO] >= 0 ? D.repos[r[REPO]] : "")).toLowerCase();
  }
  let view = [];
  let sortKey = "path", sortDir = 1;
  function applyFilters() {
    const rule = fRule.value === "" ? -1 : Number(fRule.value);
    const conf = fConf.value === "" ? -1 : Number(fConf.value);
    const repo = fRepo.value === "" ? -1 : Number(fRepo.value);
    const path = fPath.value.trim().toLowerCase();
    const verify = fVerify.value;
    const words = q.value.trim().toLowerCase().split(/\s+/).filter((w) => w);
    if (words.length && !haystacks) { haystacks = new Array(R.length); for (let i = 0; i < R.length; i++) haystacks[i] = haystack(i); }
    const out = [];
    for (let i = 0; i < R.length; i++) {
      const r = R[i];
      if (rule >= 0 && r[RULE] !== rule) continue;
      if (conf >= 0 && r[CONF] !== conf) continue;
      if (repo >= 0 && r[REPO] !== repo) continue;
      if (path && !lowerPaths[r[PATH]].includes(path)) continue;
      if (verify && C[i][0] !== verify) continue;
      if (words.length && !words.every((w) => haystacks[i].includes(w))) continue;
      out.push(i);
    }
    view = out;
    sortView();
  }
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const keys = {
    conf: (a, b) => cmp(R[b][CONF], R[a][CONF]),
    rule: (a, b) => cmp(D.rules[R[a][RULE]][0], D.rules[R[b][RULE]][0]),
    path: (a, b) => cmp(D.paths[R[a][PATH]], D.paths[R[b][PATH]]) || R[a][LINE] - R[b][LINE] || R[a][COL] - R[b][COL],
    repo: (a, b) => cmp(R[a][REPO] >= 0 ? D.repos[R[a][REPO]] : "", R[b][REPO] >= 0 ? D.repos[R[b][REPO]] : ""),
    date: (a, b) => cmp(R[a][DATE], R[b][DATE]),
  };
  function sortView() {
    const key = keys[sortKey];
    // keyscout writes the rows sorted by path and position, and filtering keeps their order.
    if (sortKey !== "path" || sortDir !== 1) view.sort((a, b) => sortDir * (key(a, b) || keys.path(a, b)));
    document.querySelectorAll(".head button").forEach((b) => {
      if (b.dataset.sort === sortKey) b.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      else b.removeAttribute("aria-sort");
    });
    $("count").textContent = num(view.length) + " of " + num(R.length) + " findings";
    $("spacer").style.height = view.length * ROW_HEIGHT + "px";
    // As tall as its rows, up to most of the window.
    viewport.style.height = Math.min(Math.max(320, window.innerHeight * 0.7), Math.max(4, view.length + 1) * ROW_HEIGHT) + "px";
    viewport.scrollTop = 0;
    draw(true);
  }
  function pick(id, value) { $(id).value = value; applyFilters(); $("findings").scrollIntoView({ behavior: "smooth" }); }
  let timer = 0;
  const later = () => { clearTimeout(timer); timer = setTimeout(applyFilters, 120); };
  q.addEventListener("input", later);
  fPath.addEventListener("input", later);
  [fRule, fConf, fRepo, fVerify].forEach((s) => s.addEventListener("change", applyFilters));
  $("reset").addEventListener("click", () => { q.value = fPath.value = fRule.value = fConf.value = fRepo.value = fVerify.value = ""; applyFilters(); });
  document.querySelector(".head").addEventListener("click", (e) => {
    const b = e.target.closest("button[data-sort]");
    if (!b) return;
    sortDir = b.dataset.sort === sortKey ? -sortDir : 1;
    sortKey = b.dataset.sort;
    sortView();
  });

  // ---- the rows in view ----
  const viewport = $("viewport");
  let drawn = "";
  let selected = -1;
  function secretHtml(i) {
    const s = R[i][SECRET];
    if (D.redacted) return "<span class=\"secret\">" + esc(s) + "</span>";
    if (revealed.has(i)) return "<button type=\"button\" class=\"secret\" data-hide=\"" + i + "\" title=\"Hide\">" + esc(s) + "</button>";
    return "<button type=\"button\" class=\"secret\" data-show=\"" + i + "\" title=\"Show the secret\">" +
      "\u2022".repeat(Math.min(12, Math.max(6, s.length))) + "</button>";
  }
  function verifyBadge(i) {
    const v = C[i][0];
    return v ? "<span class=\"badge v-" + esc(v) + "\" title=\"" + esc(C[i][1]) + "\">" + esc(v) + "</span>" : "";
  }
  function draw(force) {
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(view.length, Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const at = first + ":" + last;
    if (!force && at === drawn) return;
    drawn = at;
    let html = "";
    for (let k = first; k < last; k++) {
      const i = view[k], r = R[i];
      const rule = D.rules[r[RULE]][0], path = D.paths[r[PATH]];
      html += "<div class=\"row" + (i === selected ? " sel" : "") + "\" role=\"row\" data-i=\"" + i + "\" style=\"top:" + k * ROW_HEIGHT + "px\">" +
        "<span class=\"c-conf\"><span class=\"badge b" + r[CONF] + "\">" + CONF_NAMES[r[CONF]] + "</span>" + verifyBadge(i) + "</span>" +
        "<span class=\"c-rule\" title=\"" + esc(rule) + "\">" + esc(rule) + "</span>" +
        "<span class=\"c-path\" title=\"" + esc(path) + ":" + r[LINE] + "\">" + esc(path) + ":" + r[LINE] + "</span>" +
        "<span class=\"c-repo\">" + (r[REPO] >= 0 ? esc(D.repos[r[REPO]]) : "") + "</span>" +
        "<span class=\"c-date\">" + esc(r[DATE].slice(0, 10)) + "</span>" +
        "<span class=\"c-ctx\">" + esc(r[BEFORE]) + secretHtml(i) + esc(r[AFTER]) + "</span></div>";
    }
    if (!view.length) html = "<div class=\"empty\">No finding matches these filters.</div>";
    const spacer = $("spacer");
    viewport.innerHTML = "";
    viewport.appendChild(spacer);
    viewport.insertAdjacentHTML("beforeend", html);
  }
  let frame = 0;
  viewport.addEventListener("scroll", () => { if (!frame) frame = requestAnimationFrame(() => { frame = 0; draw(false); }); });
  window.addEventListener("resize", () => draw(true));
  viewport.addEventListener("click", (e) => {
    const show = e.target.closest("[data-show]"), hide = e.target.closest("[data-hide]");
    if (show) { revealed.add(Number(show.dataset.show)); draw(true); if (selected >= 0) detail(selected); return; }
    if (hide) { revealed.delete(Number(hide.dataset.hide)); draw(true); if (selected >= 0) detail(selected); return; }
    const row = e.target.closest(".row");
    if (row) { selected = Number(row.dataset.i); draw(true); detail(selected); }
  });

  // ---- one finding in full ----
  function detail(i) {
    const r = R[i], el = $("detail");
    const rows = [
      ["Rule", esc(D.rules[r[RULE]][0]) + " <span class=\"badge b" + r[CONF] + "\">" + CONF_NAMES[r[CONF]] + "</span>"],
      ["Description", esc(D.rules[r[RULE]][1])],
      ["Location", esc(D.paths[r[PATH]]) + ":" + r[LINE] + ":" + r[COL]],
      ["Line", "<pre>" + esc(r[BEFORE]) + secretHtml(i) + esc(r[AFTER]) + "</pre>"],
    ];
    if (hasRepo && r[REPO] >= 0) rows.push(["Repository", esc(D.repos[r[REPO]])]);
    if (r[COMMIT]) rows.push(["Commit", esc(r[COMMIT]) + " · " + esc(r[AUTHOR]) + " · " + esc(r[DATE])], ["Message", esc(r[MESSAGE])]);
    if (r[DECODED]) rows.push(["Decoded from", esc(r[DECODED])]);
    if (r[TAGS]) rows.push(["Tags", esc(r[TAGS])]);
    if (C[i][0]) rows.push(["Verification", verifyBadge(i) + " " + esc(C[i][1])]);
    for (const note of C[i][2]) rows.push(["Note", esc(note)]);
    if (D.rules[r[RULE]][2]) rows.push(["Remediation", esc(D.rules[r[RULE]][2])]);
    rows.push(["Fingerprint", "<code>" + esc(r[FP]) + "</code>"]);
    el.innerHTML = "<dl>" + rows.map((x) => "<dt>" + x[0] + "</dt><dd>" + x[1] + "</dd>").join("") + "</dl>";
    el.hidden = false;
  }
  $("detail").addEventListener("click", (e) => {
    const show = e.target.closest("[data-show]"), hide = e.target.closest("[data-hide]");
    if (show) revealed.add(Number(show.dataset.show));
    else if (hide) revealed.delete(Number(hide.dataset.hide));
    else return;
    draw(true);
    detail(selected);
  });

  applyFilters();
  document.documentElement.dataset.ready = String(Math.round(performance.now()));
})();
