// Opens a keyscout HTML report in headless Chromium (playwright-core, driving the system's
// chromium) and reports what it saw as JSON on stdout; the Rust test asserts on it.
//
// usage: node html.cjs PLAYWRIGHT_CORE_DIR CHROMIUM REPORT.html SCREENSHOT.png PLAN_JSON
// PLAN: {"rule": id to filter on, "repo": repository to filter on, "search": text, "path": text,
// "verify": a verification status to filter on, "perf": true to time only}
"use strict";
const [pwDir, chromiumPath, report, screenshot, planText] = process.argv.slice(2);
const { chromium } = require(pwDir);
const { pathToFileURL } = require("url");
const plan = JSON.parse(planText || "{}");

(async () => {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const out = { errors: [], requests: [] };
  try {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const url = pathToFileURL(report).href;
    page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") out.errors.push(m.type() + ": " + m.text()); });
    page.on("pageerror", (e) => out.errors.push("pageerror: " + e.message));
    page.on("request", (r) => { if (r.url() !== url) out.requests.push(r.url()); });
    const started = Date.now();
    await page.goto(url, { waitUntil: "load", timeout: 60000 });
    await page.waitForSelector("html[data-ready]", { timeout: 60000 });
    out.loadMs = Date.now() - started;
    out.readyMs = Number(await page.getAttribute("html", "data-ready"));
    await page.waitForSelector(".row", { timeout: 10000 }).catch(() => {});
    const rows = () => page.$$eval(".row", (els) => els.map((e) => ({
      rule: e.querySelector(".c-rule").textContent,
      path: e.querySelector(".c-path").textContent,
      conf: e.querySelector(".c-conf").textContent,
      ctx: e.querySelector(".c-ctx").textContent,
    })));
    const count = () => page.textContent("#count");
    out.count = await count();
    out.rowsDrawn = (await page.$$(".row")).length;
    out.title = await page.title();
    if (plan.perf) {
      let t = Date.now();
      await page.selectOption("#f-rule", { label: plan.rule });
      out.filterMs = Date.now() - t;
      out.filtered = await count();
      t = Date.now();
      await page.click("button[data-sort=rule]");
      out.sortMs = Date.now() - t;
      t = Date.now();
      await page.fill("#q", plan.search);
      await page.waitForFunction((before) => document.getElementById("count").textContent !== before, out.filtered, { timeout: 30000 });
      out.searchMs = Date.now() - t;
      out.searched = await count();
      await page.evaluate(() => { document.getElementById("viewport").scrollTop = 1e9; });
      await page.waitForTimeout(200);
      out.lastRows = await rows();
      await page.screenshot({ path: screenshot, fullPage: false });
      console.log(JSON.stringify(out));
      return;
    }
    out.initial = await rows();
    out.summary = await page.textContent("#summary");
    out.ruleOptions = await page.$$eval("#f-rule option", (o) => o.map((x) => x.textContent));
    out.repoHidden = await page.$eval("#f-repo", (e) => e.hidden);
    out.verifyHidden = await page.$eval("#f-verify", (e) => e.hidden);
    // Filter by verification status, when the plan names one.
    if (plan.verify) {
      await page.selectOption("#f-verify", plan.verify);
      out.byVerify = { count: await count(), rows: await rows() };
      await page.selectOption("#f-verify", "");
    }
    // Filter by repository, when the plan names one.
    if (plan.repo) {
      await page.selectOption("#f-repo", { label: plan.repo });
      out.byRepo = { count: await count(), rows: await rows(), repos: await page.$$eval(".row .c-repo", (e) => e.map((x) => x.textContent)) };
      await page.selectOption("#f-repo", { label: "All repositories" });
    }
    // Filter by rule.
    await page.selectOption("#f-rule", { label: plan.rule });
    out.byRule = { count: await count(), rows: await rows() };
    await page.selectOption("#f-rule", { label: "All rules" });
    // Sort: the path column is sorted ascending first; one click makes it descending.
    await page.click("button[data-sort=path]");
    out.pathDesc = (await rows()).map((r) => r.path);
    await page.click("button[data-sort=rule]");
    out.ruleAsc = (await rows()).map((r) => r.rule);
    await page.click("button[data-sort=conf]");
    out.confSort = (await rows()).map((r) => r.conf);
    // Path filter, then search.
    await page.fill("#f-path", plan.path);
    await page.waitForTimeout(400);
    out.byPath = { count: await count(), rows: await rows() };
    await page.fill("#f-path", "");
    await page.fill("#q", plan.search);
    await page.waitForTimeout(400);
    out.bySearch = { count: await count(), rows: await rows() };
    await page.fill("#q", "no-such-thing-anywhere");
    await page.waitForTimeout(400);
    out.none = { count: await count(), empty: await page.textContent("#viewport") };
    await page.click("#reset");
    // Secrets: masked, shown on a click.
    const button = await page.$(".row [data-show]");
    out.masked = button ? await button.textContent() : null;
    if (button) {
      await button.click();
      out.revealed = await page.textContent(".row [data-hide]");
    }
    await page.click(".row .c-rule");
    out.detail = await page.textContent("#detail");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(JSON.stringify(out));
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
