// The dashboard at /: asks GET /api/accounts/{id}/dashboard for the chosen account and range and draws it.
// No build step, no CDN: uPlot comes from its webjar. Data reaches the page only through textContent.
"use strict";
(function () {
  const SECRET_KEY = "ksync-admin-secret"; // sessionStorage: typed once per tab, never in a URL
  const $ = (id) => document.getElementById(id);
  // What the page shows, exposed for tests and the curious: the last answer and the uPlot instances.
  const state = { account: null, range: "90", start: null, end: null, yesterday: null, data: null, charts: {} };
  window.ksyncDashboard = state;

  function secret() { return sessionStorage.getItem(SECRET_KEY); }

  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    opts.headers["x-admin-job-secret"] = secret() || "";
    const res = await fetch(path, opts);
    if (res.status === 401) {
      sessionStorage.removeItem(SECRET_KEY);
      askSecret("The admin secret was refused; type it again.");
      throw new Error("unauthorised");
    }
    return res;
  }

  async function json(path, options) {
    const res = await api(path, options);
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body.message || ("HTTP " + res.status));
    return body;
  }

  function say(text, isError) {
    const m = $("message");
    m.textContent = text || "";
    m.className = isError ? "error" : "muted";
  }

  function askSecret(why) {
    $("secret-form").hidden = false;
    $("dashboard").hidden = true;
    say(why || "");
    $("secret").focus();
  }

  // ---- formatting (the account's currency; the reader's locale)
  let money = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD" });
  const count = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
  const percent = new Intl.NumberFormat(undefined, { style: "percent", minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const fmt = {
    money: (v) => v == null ? "–" : money.format(Number(v)),
    count: (v) => v == null ? "–" : count.format(Number(v)),
    rate: (v) => v == null ? "–" : percent.format(Number(v)),
  };

  // ---- accounts and range
  async function loadAccounts() {
    const body = await json("/api/accounts");
    const select = $("account");
    select.replaceChildren();
    for (const a of body.accounts) {
      const o = document.createElement("option");
      o.value = a.id;
      o.textContent = a.name + " (" + a.id + ")";
      select.appendChild(o);
    }
    select.disabled = body.accounts.length === 0;
    if (body.accounts.length === 0) {
      say("No account is registered yet: add one with `ksync accounts add` or POST /api/accounts.");
      return;
    }
    const wanted = new URLSearchParams(location.hash.slice(1)).get("account");
    select.value = body.accounts.some((a) => a.id === wanted) ? wanted : body.accounts[0].id;
    await pickAccount(select.value);
  }

  async function pickAccount(id) {
    state.account = id;
    state.yesterday = null;
    history.replaceState(null, "", "#account=" + encodeURIComponent(id));
    await pickRange(state.range === "custom" ? "90" : state.range);
  }

  function addDays(day, n) {
    const d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  async function pickRange(range) {
    state.range = range;
    for (const b of document.querySelectorAll("[data-range]")) {
      b.setAttribute("aria-pressed", String(b.dataset.range === range));
    }
    $("custom").hidden = range !== "custom";
    if (range === "custom") {
      $("start").value = state.start || "";
      $("end").value = state.end || "";
      return;
    }
    if (!state.yesterday) {
      await load(null, null); // the server's default: 90 days ending yesterday in the account's timezone
      state.yesterday = state.data.end;
      if (range === "90") return;
    }
    await load(addDays(state.yesterday, 1 - Number(range)), state.yesterday);
  }

  async function load(start, end) {
    const q = start ? "?start=" + encodeURIComponent(start) + "&end=" + encodeURIComponent(end) : "";
    say("Loading…");
    try {
      const data = await json("/api/accounts/" + encodeURIComponent(state.account) + "/dashboard" + q);
      state.data = data;
      state.start = data.start;
      state.end = data.end;
      render(data);
      say("");
    } catch (e) {
      if (e.message !== "unauthorised") say(e.message, true);
    }
  }

  // ---- rendering
  function render(d) {
    $("secret-form").hidden = true;
    $("dashboard").hidden = false;
    try {
      money = new Intl.NumberFormat(undefined, { style: "currency", currency: d.currency });
    } catch (e) {
      money = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD" });
    }
    $("range-text").textContent = d.start + " – " + d.end + " (" + d.days + " days)";
    $("zone").textContent = d.timezone + ", " + d.currency + (d.backfill ? ", with backfill" : "");
    const s = d.latestSnapshot;
    $("snapshot-text").textContent = s ? "#" + s.id + " " + s.status + ", " + new Date(s.updatedAt).toLocaleString()
        + (s.error ? " (" + s.error + ")" : "") : "none yet";
    $("next-run").textContent = d.nextRun ? new Date(d.nextRun.at).toLocaleString() + " (" + d.nextRun.schedule
        + ", cron " + d.nextRun.cron + " UTC)" : "not scheduled";
    renderCsvs(d.dataSnapshot);
    renderTotals(d.totals);
    renderTop("top-flows", d.topFlows);
    renderTop("top-campaigns", d.topCampaigns);
    renderCharts(d);
  }

  const TOTAL_ROWS = [
    ["revenue", "Revenue", "money", true], ["orders", "Orders", "count"], ["delivered", "Delivered", "count"],
    ["opens", "Unique opens", "count"], ["clicks", "Unique clicks", "count"], ["openRate", "Open rate", "rate"],
    ["clickRate", "Click rate", "rate"], ["orderRate", "Order rate", "rate"],
    ["revenuePerRecipient", "Revenue per recipient", "money"],
  ];

  function renderTotals(t) {
    const box = $("totals");
    box.replaceChildren();
    for (const [source, title] of [["all", "All email"], ["flows", "Flows"], ["campaigns", "Campaigns (email)"]]) {
      const card = document.createElement("div");
      card.className = "card";
      const h = document.createElement("h2");
      h.textContent = title;
      const dl = document.createElement("dl");
      for (const [key, label, kind, big] of TOTAL_ROWS) {
        const dt = document.createElement("dt");
        dt.textContent = label;
        const dd = document.createElement("dd");
        dd.textContent = fmt[kind](t[source][key]);
        dd.dataset.total = source + "." + key;
        dd.dataset.kind = kind;
        if (big) dd.className = "big";
        dl.append(dt, dd);
      }
      if (source === "all") {
        for (const [key, label] of [["newSubscribers", "New subscribers"], ["subscribersTotal", "Subscribers"]]) {
          const dt = document.createElement("dt");
          dt.textContent = label;
          const dd = document.createElement("dd");
          dd.textContent = fmt.count(t[key]);
          dd.dataset.total = key;
          dd.dataset.kind = "count";
          dl.append(dt, dd);
        }
      }
      card.append(h, dl);
      box.appendChild(card);
    }
  }

  function renderTop(id, top) {
    const body = $(id).querySelector("tbody");
    body.replaceChildren();
    $(id + "-source").textContent = top.source === "none" ? ""
      : "(from the " + (top.source === "both" ? "snapshot and the backfill" : top.source) + ")";
    if (top.items.length === 0) {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      td.colSpan = 4;
      td.className = "muted";
      td.textContent = "Nothing in this range yet (a backfill fills it).";
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    for (const i of top.items) {
      const tr = document.createElement("tr");
      const cells = [[i.name, ""], [fmt.money(i.revenue), "num"], [fmt.count(i.orders), "num"],
        [fmt.count(i.delivered), "num"]];
      for (const [text, cls] of cells) {
        const td = document.createElement("td");
        td.textContent = text;
        if (cls) td.className = cls;
        tr.appendChild(td);
      }
      tr.firstChild.title = i.id;
      body.appendChild(tr);
    }
  }

  function renderCsvs(snapshot) {
    const box = $("csvs");
    box.replaceChildren();
    if (!snapshot) return;
    for (const f of snapshot.files) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = f.name;
      b.title = "Download " + f.name + " of snapshot #" + snapshot.id;
      b.addEventListener("click", () => download(f.url, "snapshot-" + snapshot.id + "-" + f.name));
      box.appendChild(b);
    }
  }

  // Downloads go through fetch so the secret travels as a header; the browser saves the blob.
  async function download(url, name) {
    try {
      const res = await api(url);
      if (!res.ok) throw new Error((await res.json().catch(() => ({}))).message || "HTTP " + res.status);
      const href = URL.createObjectURL(await res.blob());
      const a = document.createElement("a");
      a.href = href;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10000);
    } catch (e) {
      if (e.message !== "unauthorised") say(e.message, true);
    }
  }

  // ---- charts
  const COLORS = { flows: "#2f6fde", campaigns: "#c77c02", opens: "#1f9d55", clicks: "#8e44ad", total: "#2f6fde",
    fresh: "#c77c02" };

  function chartWidth(el) {
    return Math.max(260, el.clientWidth || el.parentElement.clientWidth - 32);
  }

  function draw(name, el, series, values, axes, scales) {
    if (state.charts[name]) state.charts[name].destroy();
    const opts = {
      width: chartWidth(el), height: 220,
      series: [{}].concat(series),
      axes: [{}].concat(axes),
      scales: Object.assign({ x: { time: true } }, scales || {}),
      legend: { live: true },
    };
    state.charts[name] = new uPlot(opts, values, el);
  }

  function line(label, stroke, valueKind, scale) {
    return { label: label, stroke: stroke, width: 2, scale: scale || "y",
      value: (u, v) => v == null ? "–" : fmt[valueKind](v) };
  }

  // Counts tick at whole numbers only (no "1, 1, 2" from rounding 0.5 steps).
  const WHOLE = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

  function axis(kind, scale, side) {
    return { scale: scale || "y", side: side || 3, size: 70, incrs: kind === "money" ? undefined : WHOLE,
      values: (u, vals) => vals.map((v) => kind === "money" ? compactMoney(v) : count.format(v)) };
  }

  function compactMoney(v) {
    try {
      return new Intl.NumberFormat(undefined, { style: "currency", currency: state.data.currency, notation: "compact" })
          .format(v);
    } catch (e) {
      return count.format(v);
    }
  }

  function renderCharts(d) {
    const s = d.series;
    const xs = s.days.map((day) => Date.parse(day + "T00:00:00Z") / 1000);
    const num = (a) => a.map(Number);
    draw("revenue", $("chart-revenue"),
        [line("Flows", COLORS.flows, "money"), line("Campaigns (email)", COLORS.campaigns, "money")],
        [xs, num(s.flows.revenue), num(s.campaigns.revenue)], [axis("money")]);
    draw("orders", $("chart-orders"),
        [line("Flows", COLORS.flows, "count"), line("Campaigns (email)", COLORS.campaigns, "count")],
        [xs, s.flows.orders, s.campaigns.orders], [axis("count")]);
    draw("engagement", $("chart-engagement"),
        [line("Unique opens", COLORS.opens, "count"), line("Unique clicks", COLORS.clicks, "count")],
        [xs, s.all.opens, s.all.clicks], [axis("count")]);
    draw("subscribers", $("chart-subscribers"),
        [line("Subscribers", COLORS.total, "count", "total"), Object.assign(
            line("New per day", COLORS.fresh, "count", "fresh"),
            { paths: uPlot.paths.bars({ size: [0.8, 40] }), fill: COLORS.fresh + "99", width: 1 })],
        [xs, s.subscribersTotal, s.newSubscribers], [axis("count", "total", 3), axis("count", "fresh", 1)],
        { fresh: { range: (u, min, max) => [0, Math.max(1, max) * 1.15] } });
  }

  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      for (const [name, u] of Object.entries(state.charts)) {
        u.setSize({ width: chartWidth($("chart-" + name)), height: 220 });
      }
    }, 150);
  });

  // ---- run update now: the orchestrator's live update for this account
  async function runUpdate() {
    const button = $("run-update");
    button.disabled = true;
    $("update-result").textContent = "Running the update for " + state.account + "…";
    try {
      const res = await api("/api/dashboard/update", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ mode: "live", accountId: state.account }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(body.message || "HTTP " + res.status);
      $("update-result").textContent = "Snapshot #" + body.snapshotId + " ready in "
          + Math.round(body.durationMs / 100) / 10 + " s.";
      await load(state.start, state.end);
    } catch (e) {
      if (e.message !== "unauthorised") $("update-result").textContent = "Update failed: " + e.message;
    } finally {
      button.disabled = false;
    }
  }

  // ---- wiring
  $("secret-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(SECRET_KEY, $("secret").value);
    $("secret").value = "";
    $("secret-form").hidden = true;
    start();
  });
  $("account").addEventListener("change", (ev) => pickAccount(ev.target.value));
  for (const b of document.querySelectorAll("[data-range]")) {
    b.addEventListener("click", () => pickRange(b.dataset.range));
  }
  $("custom").addEventListener("submit", (ev) => {
    ev.preventDefault();
    load($("start").value, $("end").value);
  });
  $("run-update").addEventListener("click", runUpdate);

  function start() {
    loadAccounts().catch((e) => { if (e.message !== "unauthorised") say(e.message, true); });
  }

  if (secret()) start(); else askSecret();
})();
