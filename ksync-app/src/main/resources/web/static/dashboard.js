// The dashboard at /: asks GET /api/accounts/{id}/dashboard for the chosen account and range and draws it.
// No build step, no CDN: uPlot comes from its webjar. Data reaches the page only through textContent.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const RANGES = ["30", "90", "365"];
  // What the page shows, exposed for tests and the curious: the last answer (null when the chosen account and range
  // failed to load: then no figures are shown) and the uPlot instances.
  const state = { account: null, range: "90", start: null, end: null, yesterday: null, data: null, charts: {},
    loads: 0, note: "" };
  window.ksyncDashboard = state;

  const secret = () => window.ksync.secret(); // shared with the backfill manager: typed once per tab

  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    opts.headers[window.ksync.HEADER] = secret();
    const res = await fetch(path, opts);
    if (res.status === 401) {
      window.ksync.keepSecret("");
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
    enableRanges(false);
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

  // ---- accounts and range (kept in the URL: #account=acme&days=30, or &start=…&end=… for a custom range)
  function enableRanges(on) {
    for (const b of document.querySelectorAll("[data-range]")) b.disabled = !on;
  }

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
    enableRanges(body.accounts.length > 0);
    if (body.accounts.length === 0) {
      state.account = null;
      say("No account is registered yet: add one with `ksync accounts add` or POST /api/accounts.");
      return;
    }
    const hash = new URLSearchParams(location.hash.slice(1));
    const wanted = hash.get("account");
    const known = body.accounts.some((a) => a.id === wanted);
    select.value = known ? wanted : body.accounts[0].id;
    state.note = wanted && !known ? "There is no account '" + wanted + "'; showing " + select.value + " instead." : "";
    const days = hash.get("days");
    if (known && hash.get("start") && hash.get("end")) {
      state.account = select.value;
      state.yesterday = null;
      state.range = "custom";
      pressRange("custom");
      await load(hash.get("start"), hash.get("end"));
      return;
    }
    await pickAccount(select.value, RANGES.includes(days) ? days : null);
  }

  async function pickAccount(id, range) {
    state.account = id;
    state.yesterday = null;
    $("update-result").textContent = ""; // the last update's result belongs to the account it ran for
    await pickRange(range || (state.range === "custom" ? "90" : state.range));
  }

  function addDays(day, n) {
    const d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function pressRange(range) {
    for (const b of document.querySelectorAll("[data-range]")) {
      b.setAttribute("aria-pressed", String(b.dataset.range === range));
    }
    $("custom").hidden = range !== "custom";
  }

  async function pickRange(range) {
    if (!state.account) { // no account registered, or the secret not typed yet: nothing to load
      say(secret() ? "No account to show: register one first." : "Type the admin secret first.", true);
      return;
    }
    state.range = range;
    pressRange(range);
    if (range === "custom") {
      $("start").value = state.start || "";
      $("end").value = state.end || "";
      return;
    }
    if (!state.yesterday) {
      // the server's default: 90 days ending yesterday in the account's timezone
      if (!await load(null, null) || range === "90") return;
    }
    await load(addDays(state.yesterday, 1 - Number(range)), state.yesterday);
  }

  /**
   * Loads and draws the chosen account's range; answers whether it did. A failed load hides the figures (they would
   * belong to another account or range than the controls say) and says why; an older load that answers after a newer
   * one was asked for is dropped.
   */
  async function load(start, end) {
    const ticket = ++state.loads;
    const account = state.account;
    const hash = new URLSearchParams({ account });
    if (state.range === "custom" && start) { hash.set("start", start); hash.set("end", end); }
    else hash.set("days", state.range);
    history.replaceState(null, "", "#" + hash.toString());
    const q = start ? "?start=" + encodeURIComponent(start) + "&end=" + encodeURIComponent(end) : "";
    say("Loading…");
    try {
      const data = await json("/api/accounts/" + encodeURIComponent(account) + "/dashboard" + q);
      if (ticket !== state.loads) return false;
      state.data = data;
      state.start = data.start;
      state.end = data.end;
      if (!start) state.yesterday = data.end;
      render(data);
      say(state.note, !!state.note); // the URL's unknown account, until the reader picks something
      return true;
    } catch (e) {
      if (ticket !== state.loads) return false;
      state.data = null;
      $("dashboard").hidden = true;
      if (e.message !== "unauthorised") {
        say("Could not load " + account + (start ? " for " + start + " – " + end : "") + ": " + e.message, true);
      }
      return false;
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
    $("zone").textContent = window.ksync.zoneName(d.timezone) + ", " + d.currency + (d.backfill ? ", with backfill" : "");
    $("no-data").hidden = !!(d.dataSnapshot || d.backfill);
    $("snapshot-text").textContent = lastUpdate(d.latestSnapshot, d.timezone);
    $("next-run").textContent = d.enabled === false ? "disabled: no nightly run"
      : d.nextRun ? window.ksync.timeIn(d.nextRun.at, d.timezone) + " · " + d.nextRun.schedule + " (cron "
        + d.nextRun.cron + " UTC)" : "not scheduled";
    renderCsvs(d.dataSnapshot);
    renderTotals(d.totals);
    renderTop("top-flows", d.topFlows);
    renderTop("top-campaigns", d.topCampaigns);
    renderCharts(d);
  }

  /** The newest update's outcome; a failed one made no snapshot, so it is not named as one. */
  function lastUpdate(s, zone) {
    if (!s) return "none yet";
    const at = window.ksync.timeIn(s.updatedAt, zone);
    if (s.status === "ready") return "snapshot #" + s.id + " ready, " + at;
    if (s.status === "failed") return "failed " + at + (s.error ? ": " + s.error : "");
    return s.status + " since " + window.ksync.timeIn(s.createdAt, zone) + " (#" + s.id + ")";
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
    for (const [source, title] of [["all", "All (flows + email campaigns)"], ["flows", "Flows (email + SMS)"],
      ["campaigns", "Campaigns (email)"]]) {
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

  // Days are the account's calendar days, not instants: each is placed at its UTC midnight and uPlot reads the
  // time scale in UTC, so no browser timezone moves a point to the day before, and labels carry no time of day.
  const DAY = 86400;
  const dayOf = (t) => new Date(t * 1000).toISOString().slice(0, 10);
  const shortDay = new Intl.DateTimeFormat(undefined, { month: "numeric", day: "numeric", timeZone: "UTC" });
  const X_AXIS = { space: 60, incrs: [1, 2, 3, 7, 14, 28, 56, 91, 182, 365].map((n) => n * DAY),
    values: (u, splits) => splits.map((t) => shortDay.format(new Date(t * 1000))) };

  function draw(name, el, series, values, axes, scales) {
    if (state.charts[name]) state.charts[name].destroy();
    const opts = {
      width: chartWidth(el), height: 220,
      tzDate: (t) => uPlot.tzDate(new Date(t * 1000), "Etc/UTC"),
      series: [{ label: "Day", value: (u, t) => t == null ? "–" : dayOf(t) }].concat(series),
      axes: [X_AXIS].concat(axes),
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
    const xs = s.days.map((day) => Date.parse(day + "T00:00:00Z") / 1000); // see DAY
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
    const account = state.account;
    const result = (text) => { if (state.account === account) $("update-result").textContent = text; };
    button.disabled = true;
    result("Running the update for " + account + "…");
    try {
      const res = await api("/api/dashboard/update", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ mode: "live", accountId: account }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new Error(body.message || "HTTP " + res.status);
      result("Snapshot #" + body.snapshotId + " ready in " + Math.round(body.durationMs / 100) / 10 + " s.");
    } catch (e) {
      if (e.message === "unauthorised") return;
      result("Update failed: " + e.message);
    } finally {
      button.disabled = false;
    }
    // success or not, the last update's status changed: show it (and any new figures) at once
    if (state.account === account && state.data) await load(state.start, state.end);
  }

  // ---- wiring
  $("secret-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    window.ksync.keepSecret($("secret").value);
    $("secret").value = "";
    $("secret-form").hidden = true;
    start();
  });
  $("account").addEventListener("change", (ev) => { state.note = ""; pickAccount(ev.target.value); });
  for (const b of document.querySelectorAll("[data-range]")) {
    b.addEventListener("click", () => { state.note = ""; pickRange(b.dataset.range); });
  }
  $("custom").addEventListener("submit", (ev) => {
    ev.preventDefault();
    state.note = "";
    load($("start").value, $("end").value);
  });
  $("run-update").addEventListener("click", runUpdate);

  function start() {
    loadAccounts().catch((e) => { if (e.message !== "unauthorised") say(e.message, true); });
  }

  if (secret()) start(); else askSecret();
})();
