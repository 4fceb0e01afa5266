// The backfill manager: every account's backfill with a live progress bar and its actions, and a viewer of what a
// backfill stored. Plain JavaScript. Data only ever reaches the page as text (textContent, attributes), never as
// HTML. The admin secret is the dashboard's (ksync.js: one sessionStorage key, typed once per tab), sent as the
// x-admin-job-secret header, never in a URL.
(function () {
  "use strict";

  const HEADER = window.ksync.HEADER;
  const POLL_RUNNING_MS = 1000;
  const POLL_IDLE_MS = 10000;
  const MAX_EXPORT_DAYS = 400;

  const $ = (id) => document.getElementById(id);
  let statuses = [];
  let pollTimer = null;
  let chart = null;
  let chartDays = [];
  let viewerSummaryFor = null;
  let viewerStamp = null;
  let cards = new Map();

  // ---- DOM helpers: text only ----

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "disabled") node.disabled = true;
      else node.setAttribute(k, String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /**
   * Gives a select these [value, text] options, keeping its choice. Left alone when they are the ones it has: the
   * polls call this every second, and rebuilding would close the list under a user who has it open.
   */
  function setOptions(sel, options) {
    const same = sel.options.length === options.length
      && options.every(([value, text], i) => sel.options[i].value === value && sel.options[i].textContent === text);
    if (same) return;
    const chosen = sel.value;
    clear(sel);
    options.forEach(([value, text]) => sel.append(el("option", { value }, text)));
    if (options.some(([value]) => value === chosen)) sel.value = chosen;
  }

  function notice(text, bad) {
    const n = $("notice");
    n.textContent = text || "";
    n.hidden = !text;
    n.classList.toggle("bad", !!bad);
  }

  /** An amount with its currency; with no currency known (nothing stored yet) a zero is a dash, not "0.00". */
  function money(v, currency) {
    if (v === null || v === undefined) return "–";
    const n = Number(v);
    if (!currency && n === 0) return "–";
    const s = n.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return currency ? s + " " + currency : s;
  }

  function count(v) {
    return v === null || v === undefined ? "–" : Number(v).toLocaleString();
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "";
    const s = Math.max(0, Math.round(seconds));
    if (s < 90) return s + " s";
    if (s < 5400) return Math.round(s / 60) + " min";
    return (s / 3600).toFixed(1) + " h";
  }

  /** A server instant ("…T06:51:42.182544642Z") to the second, labelled UTC. */
  function utcSecond(t) {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(String(t || ""));
    return m ? m[1] + " " + m[2] + " UTC" : String(t || "");
  }

  const WAIT_REASONS = { klaviyo_unavailable: "Klaviyo unavailable", report_quota: "Klaviyo's report quota is spent" };

  /** A wait in words: "Klaviyo unavailable — retrying in about 10 min (07:01 UTC)". */
  function waitingText(w, now) {
    const why = WAIT_REASONS[w.reason] || String(w.reason).replace(/_/g, " ");
    if (!w.until) return why + " — waiting";
    const left = (Date.parse(w.until) - now) / 1000;
    const at = utcSecond(w.until).slice(11, 16) + " UTC";
    return why + " — " + (left > 0 ? "retrying in about " + duration(left) : "retrying now") + " (" + at + ")";
  }

  // ---- the API ----

  function secret() {
    return window.ksync.secret();
  }

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || "HTTP " + status);
      this.status = status;
      this.code = body && body.error;
    }
  }

  async function api(method, path, body) {
    const headers = { [HEADER]: secret() };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store" });
    const text = await r.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
    if (!r.ok) throw new ApiError(r.status, data);
    return data;
  }

  function failed(e) {
    if (e instanceof ApiError && e.status === 401) {
      notice("The admin secret is missing or wrong: type it above. (" + e.message + ")", true);
      $("secret-state").textContent = "not accepted";
    } else {
      notice(e.message || String(e), true);
    }
  }

  // ---- accounts ----

  /** Which actions a status allows. */
  function allowed(s) {
    const st = s.status;
    const running = st === "in_progress";
    return {
      start: !running,
      test: !running,
      retry: st === "failed" || st === "cancelled",
      cancel: running,
      clear: !running && st !== "not_started",
    };
  }

  function startPath(id, years, includeOrders, testMode) {
    const q = new URLSearchParams({ years: String(years), include_orders: String(includeOrders),
      test_mode: String(testMode) });
    return "/api/backfill/start/" + encodeURIComponent(id) + "?" + q.toString();
  }

  async function act(label, call) {
    notice("");
    try {
      await call();
    } catch (e) {
      failed(e);
    }
    await refresh();
  }

  function actions(s) {
    const can = allowed(s);
    const id = s.client_id;
    const years = Number($("years").value);
    const orders = $("include-orders").checked;
    return el("div", { class: "actions" },
      el("button", { type: "button", class: "primary", "data-action": "start", disabled: !can.start,
        onclick: () => act("start", () => api("POST", startPath(id, years, orders, false))) }, "Start"),
      el("button", { type: "button", "data-action": "start-test", disabled: !can.test,
        onclick: () => act("test", () => api("POST", startPath(id, 1, orders, true))) }, "Start Test"),
      el("button", { type: "button", "data-action": "retry", disabled: !can.retry,
        title: "Resume at the next unfinished day with the same parameters",
        onclick: () => act("retry", () => api("POST", startPath(id, s.years, s.include_orders, s.test_mode))) },
        "Retry"),
      el("button", { type: "button", "data-action": "cancel", disabled: !can.cancel,
        onclick: () => act("cancel", () => api("POST", "/api/backfill/cancel/" + encodeURIComponent(id))) },
        "Cancel"),
      el("button", { type: "button", "data-action": "clear", disabled: !can.clear,
        onclick: () => {
          if (!window.confirm("Clear the backfill of " + id + "? Its status and every stored row are deleted.")) return;
          act("clear", () => api("POST", "/api/backfill/clear/" + encodeURIComponent(id)));
        } }, "Clear"),
      el("button", { type: "button", "data-action": "view", disabled: s.status === "not_started",
        onclick: () => { $("viewer-account").value = id; loadViewer(true); $("viewer").scrollIntoView(); } },
        "View data"));
  }

  function card(s) {
    const progress = s.status === "not_started" ? 0 : Number(s.progress || 0);
    const bar = el("div", { class: "progress " + (s.waiting ? "waiting" : s.status), role: "progressbar", "aria-valuemin": 0,
      "aria-valuemax": 100, "aria-valuenow": progress },
      el("div", { class: "track" },
        el("div", { class: "fill", style: "width:" + Math.min(100, Math.max(0, progress)) + "%" })),
      el("span", { class: "label" }, progress.toFixed(1) + " %"));
    const node = el("article", { class: "account", "data-client-id": s.client_id, "data-status": s.status },
      el("div", { class: "title" },
        el("span", { class: "name" }, s.name ? s.name + " (" + s.client_id + ")" : s.client_id),
        el("span", { class: "badge " + (s.waiting ? "waiting" : s.status), "data-role": "status" },
          s.waiting ? "waiting" : s.status.replace("_", " "))),
      bar);
    if (s.status !== "not_started") {
      node.append(
        el("p", { class: "facts" },
          el("b", {}, count(s.days_completed) + " / " + count(s.days_total)), " days",
          s.start_date ? " · " + s.start_date + " → " + s.end_date : "",
          s.current_date ? " · working on " + s.current_date : "",
          s.refresh_from ? " · refreshing statistics from " + s.refresh_from : "",
          s.eta_seconds !== null && s.eta_seconds !== undefined ? " · ~" + duration(s.eta_seconds) + " left" : ""),
        // the run's own figures: the data viewer's summary counts every stored day, earlier runs' included
        el("p", { class: "facts", "data-role": "run-counts" }, "this run: ",
          el("b", {}, count(s.counts && s.counts.orders)), " orders · ",
          el("b", {}, money(s.revenue, s.currency)), " · ",
          count(s.counts && s.counts.campaigns), " campaigns · ", count(s.counts && s.counts.flows), " flows",
          s.test_mode ? " · test" : " · " + s.years + " y", s.include_orders ? "" : " · no orders",
          s.attempts ? " · attempts " + s.attempts : ""));
      if (s.waiting) {
        node.append(el("p", { class: "facts", "data-role": "waiting" }, el("b", {}, waitingText(s.waiting, Date.now()))));
      }
      if (s.validation) {
        const m = s.validation.mismatches || [];
        const list = el("ul", { class: "validation" });
        m.slice(0, 5).forEach((x) => list.append(el("li", {}, x.date + ": " + count(x.orders) + " orders vs Klaviyo "
          + count(x.klaviyo_orders) + ", revenue " + money(x.revenue, s.currency) + " vs "
          + money(x.klaviyo_revenue, s.currency))));
        node.append(el("p", { class: "facts", "data-role": "validation" }, "Validation: ",
          el("b", {}, m.length === 0 ? "all " + count(s.validation.days_checked) + " days match Klaviyo"
            : m.length + " mismatching day(s)"), s.validation.checked_at ? " · " + utcSecond(s.validation.checked_at) : ""));
        if (m.length) node.append(list);
      }
      const errors = s.errors || [];
      if (errors.length) {
        const list = el("ul", { class: "errors error", "data-role": "errors" });
        errors.slice(-3).forEach((e) => list.append(el("li", {}, (e.date ? e.date + ": " : "") + e.message
          + (e.at ? " (" + utcSecond(e.at) + ")" : ""))));
        node.append(list);
      }
    }
    node.append(actions(s));
    return node;
  }

  /** Redraws only the cards whose status changed, so a button is not replaced under the pointer every poll. */
  function renderAccounts() {
    const box = $("accounts");
    const options = $("years").value + "/" + $("include-orders").checked;
    const next = new Map();
    const nodes = statuses.map((s) => {
      const key = JSON.stringify(s) + options + (s.waiting ? waitingText(s.waiting, Date.now()) : "");
      const old = cards.get(s.client_id);
      const node = old && old.key === key ? old.node : card(s);
      next.set(s.client_id, { key, node });
      return node;
    });
    cards = next;
    if (nodes.length === 0) nodes.push(el("p", { class: "muted" }, secret() ? "No accounts are registered."
      : "Type the admin secret to see the accounts."));
    box.replaceChildren(...nodes);
    setOptions($("viewer-account"), statuses.map((s) => [s.client_id,
      s.name ? s.name + " (" + s.client_id + ")" : s.client_id]));
  }

  async function refresh() {
    if (!secret()) return;
    clearTimeout(pollTimer);
    try {
      const answer = await api("GET", "/api/backfill/status");
      statuses = (answer.clients || []).map((s) => (s.status ? s : Object.assign({}, s, { status: "not_started" })));
      $("secret-state").textContent = "accepted";
      renderAccounts();
      $("refreshed").textContent = "Updated " + new Date().toLocaleTimeString();
      if (viewerSummaryFor === null && statuses.length) loadViewer(false);
      else refreshViewerIfRunning();
    } catch (e) {
      failed(e);
    }
    const running = statuses.some((s) => s.status === "in_progress");
    clearTimeout(pollTimer); // a refresh after a click may overlap the polling one: keep a single chain
    pollTimer = setTimeout(refresh, running ? POLL_RUNNING_MS : POLL_IDLE_MS);
  }

  async function startAll(testMode) {
    await act("start-all", async () => {
      const r = await api("POST", "/api/backfill/start-all", { years: Number($("years").value),
        include_orders: $("include-orders").checked, test_mode: testMode });
      const skipped = (r.skipped || []).map((x) => x.client_id + " (" + x.reason + ")");
      notice("Started " + (r.started || []).length + " backfill(s)"
        + (skipped.length ? "; skipped " + skipped.join(", ") : ""));
    });
  }

  // ---- data viewer ----

  function viewerAccount() {
    return $("viewer-account").value;
  }

  async function loadViewer(force) {
    const id = viewerAccount();
    if (!id) return;
    const s = statuses.find((x) => x.client_id === id);
    viewerStamp = s ? s.client_id + " " + s.status + " " + s.updated_at : null;
    if (!s || s.status === "not_started") {
      clear($("summary"));
      viewerSummaryFor = id;
      $("summary").append(el("p", { class: "muted" }, "No backfill of " + id + " yet."));
      drawChart([]);
      fillDays([]);
      return;
    }
    try {
      const sum = await api("GET", "/api/backfill/data/" + encodeURIComponent(id) + "/summary");
      viewerSummaryFor = id;
      clear($("summary"));
      renderSummary(sum, s);
      drawChart(sum.days || []);
      fillDays(sum.days || []);
      if (force || !$("export-end").value) {
        $("export-end").value = sum.last_date || "";
        $("export-start").value = clampStart(sum.first_date, sum.last_date);
      }
    } catch (e) {
      failed(e);
    }
  }

  /** Reloads the summary when the viewed backfill moved on (a day committed, a status change). */
  function refreshViewerIfRunning() {
    const s = statuses.find((x) => x.client_id === viewerAccount());
    if (!s) return;
    const stamp = s.client_id + " " + s.status + " " + s.updated_at;
    if (stamp !== viewerStamp || viewerSummaryFor !== s.client_id) loadViewer(false);
  }

  function clampStart(first, last) {
    if (!first || !last) return first || "";
    const min = new Date(Date.parse(last + "T00:00:00Z") - (MAX_EXPORT_DAYS - 1) * 86400000).toISOString().slice(0, 10);
    return first < min ? min : first;
  }

  function renderSummary(sum, s) {
    const box = $("summary");
    // before the first day commits, first/last are the planned range: say nothing is stored rather than show it
    const none = s && !s.days_completed && !(sum.days || []).length && !Number(sum.orders);
    const item = (k, v, role) => el("div", { "data-role": role }, el("span", { class: "k" }, k), el("span", { class: "v" }, v));
    box.append(
      item("Orders", count(sum.orders), "orders"),
      item("Revenue", money(sum.revenue, sum.currency), "revenue"),
      item("Average order", money(sum.average_order_value, sum.currency), "aov"),
      item("Campaigns", count(sum.campaigns), "campaigns"),
      item("Flows", count(sum.flows), "flows"),
      item("Days", none ? "none stored yet" : (sum.first_date || "–") + " → " + (sum.last_date || "–"), "range"));
  }

  function drawChart(days) {
    const box = $("chart");
    if (chart) { chart.destroy(); chart = null; }
    clear(box);
    chartDays = days.map((d) => d.date);
    if (days.length === 0) {
      box.append(el("p", { class: "muted small", "data-role": "no-orders" }, "No orders stored yet."));
      return;
    }
    const xs = days.map((d) => Date.parse(d.date + "T00:00:00Z") / 1000);
    const ys = days.map((d) => Number(d.revenue));
    const width = Math.max(280, box.clientWidth || 600);
    const bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.8, 40] }) : undefined;
    const DAY = 86400;
    chart = new uPlot({
      width, height: 220,
      padding: [12, 40, 0, 0], // room for half the last day's label (a phone clipped "2026-12-0")
      // days are the account's dates placed at UTC midnight: ticks fall on them in any browser timezone
      tzDate: (t) => uPlot.tzDate(new Date(t * 1000), "Etc/UTC"),
      // half a day of room either side so the first and last bars show whole; revenue from 0
      scales: { x: { time: true, range: (u, min, max) => [min - DAY / 2, max + DAY / 2] },
        y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { space: 70, incrs: [1, 2, 7, 14, 30, 91, 182, 365].map((n) => n * DAY),
          values: (u, splits) => splits.map((v) => new Date(v * 1000).toISOString().slice(0, 10)) },
        { values: (u, vals) => vals.map((v) => v.toLocaleString()) }],
      series: [
        { label: "Day", value: (u, v) => (v === null ? "–" : new Date(v * 1000).toISOString().slice(0, 10)) },
        { label: "Revenue", stroke: "#2f6fde", fill: "rgba(47,111,222,.35)", paths: bars, points: { show: false },
          value: (u, v) => (v === null ? "–" : money(v)) },
      ],
      cursor: { drag: { x: false, y: false } },
    }, [xs, ys], box);
    // a click on the plot opens the orders of the day under the cursor
    chart.over.addEventListener("click", () => {
      const i = chart.cursor.idx;
      if (i !== null && i !== undefined && chartDays[i]) showDay(chartDays[i]);
    });
  }

  function fillDays(days) {
    setOptions($("day-select"), [["", "— days with orders —"]]
      .concat(days.map((d) => [d.date, d.date + " · " + count(d.orders) + " orders"])));
  }

  function showDay(date) {
    $("day-input").value = date;
    if ([...$("day-select").options].some((o) => o.value === date)) $("day-select").value = date;
    loadOrders(date);
  }

  async function loadOrders(date) {
    const id = viewerAccount();
    const body = $("orders").tBodies[0];
    if (!id || !date) return;
    $("orders-title").textContent = "Orders of " + date;
    $("orders-time").textContent = "Time (" + viewerZone() + ")";
    try {
      const r = await api("GET", "/api/backfill/data/" + encodeURIComponent(id) + "/orders?"
        + new URLSearchParams({ date, limit: "1000" }).toString());
      clear(body);
      const orders = r.orders || [];
      $("orders-note").textContent = r.count > orders.length
        ? "Showing the first " + orders.length + " of " + r.count + " orders." : count(r.count) + " order(s).";
      if (orders.length === 0) {
        body.append(el("tr", { class: "empty" }, el("td", { colspan: 8 }, "No orders on " + date + ".")));
      }
      orders.forEach((o) => body.append(orderRow(o)));
      $("orders").setAttribute("data-date", date);
      $("orders").setAttribute("data-count", String(orders.length));
    } catch (e) {
      failed(e);
    }
  }

  /** The viewed account's timezone (its days are that zone's days), UTC until its backfill learnt it. */
  function viewerZone() {
    const s = statuses.find((x) => x.client_id === viewerAccount());
    return window.ksync.zoneName(s && s.timezone);
  }

  /** An order's instant as the account's wall clock, "2025-12-02 01:25:24". */
  function localTime(t) {
    if (!t) return "";
    try {
      return new Intl.DateTimeFormat("sv-SE", { timeZone: viewerZone(), year: "numeric", month: "2-digit",
        day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }).format(new Date(t));
    } catch (e) {
      return utcSecond(t);
    }
  }

  function orderRow(o) {
    const c = o.customer || {};
    const u = o.utm || {};
    const a = o.attribution || {};
    const utm = [u.source, u.medium, u.campaign].filter(Boolean).join(" / ");
    const codes = (o.discount_codes || []).join(", ");
    return el("tr", { "data-event-id": o.event_id },
      el("td", {}, localTime(o.time)),
      el("td", {}, o.order_id || o.event_id),
      el("td", { class: "num" }, money(o.value, o.currency)),
      el("td", { class: "num" }, count(o.item_count)),
      el("td", {}, c.email || c.profile_id || ""),
      el("td", {}, utm),
      el("td", {}, codes + (o.total_discounts ? " (" + money(o.total_discounts) + ")" : "")),
      attributionCell(a));
  }

  /**
   * An order's attribution: the flow's or campaign's name as the backfill stored it, its kind ("archived" when it
   * is), channel and id on a smaller line (and the ids in the tooltip); an id the backfill stored no flow or
   * campaign for reads "unknown flow 01J…". A message without a flow is a campaign's, one whose campaign is not
   * stored.
   */
  function attributionCell(a) {
    const kind = a.type || (a.message ? "campaign" : null);
    if (!kind) return el("td", {}, a.channel || "");
    const id = a.type ? a[a.type] : null;
    const ids = [id ? kind + " " + id : null, a.message ? "message " + a.message : null].filter(Boolean).join(" · ");
    const main = a.name
      ? el("span", { class: "attr-name" }, a.name)
      : el("span", { class: "attr-unknown" }, "unknown " + kind + " " + (id || "(message " + a.message + ")"));
    const details = [a.name ? kind : null, a.archived ? "archived" : null, a.channel, a.name ? id : null]
      .filter(Boolean).join(" · ");
    return el("td", { class: "attribution", "data-type": kind, title: ids }, main,
      el("div", { class: "muted small" }, details));
  }

  // ---- exports: fetched with the header, saved from a blob ----

  async function exportOrders(format) {
    const id = viewerAccount();
    const start = $("export-start").value;
    const end = $("export-end").value;
    const state = $("export-state");
    if (!id) return;
    state.textContent = "Preparing " + format.toUpperCase() + "…";
    try {
      const r = await fetch("/api/backfill/data/" + encodeURIComponent(id) + "/orders." + format + "?"
        + new URLSearchParams({ start, end }).toString(), { headers: { [HEADER]: secret() }, cache: "no-store" });
      if (!r.ok) {
        let body = null;
        try { body = await r.json(); } catch (e) { body = null; }
        throw new ApiError(r.status, body);
      }
      const blob = await r.blob();
      const disposition = r.headers.get("Content-Disposition") || "";
      const m = /filename="([^"]+)"/.exec(disposition);
      const url = URL.createObjectURL(blob);
      const a = el("a", { href: url, download: m ? m[1] : "orders." + format });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      state.textContent = "Saved " + (m ? m[1] : "orders." + format) + " (" + count(blob.size) + " bytes)";
    } catch (e) {
      state.textContent = "";
      failed(e);
    }
  }

  // ---- wiring ----

  function useSecret(value) {
    window.ksync.keepSecret(value);
    $("secret").value = "";
    $("secret").placeholder = value ? "•••••• (kept for this tab)" : "ADMIN_JOB_SECRET";
    $("secret-state").textContent = value ? "checking…" : "";
    notice("");
    viewerSummaryFor = null;
    if (value) refresh();
    else { clearTimeout(pollTimer); statuses = []; cards = new Map(); renderAccounts(); }
  }

  function init() {
    $("secret-form").addEventListener("submit", (ev) => { ev.preventDefault(); useSecret($("secret").value.trim()); });
    $("secret-forget").addEventListener("click", () => useSecret(""));
    $("start-all").addEventListener("click", () => startAll(false));
    $("start-all-test").addEventListener("click", () => startAll(true));
    $("years").addEventListener("change", () => {
      const y = Number($("years").value);
      document.querySelectorAll(".years-text").forEach((n) => { n.textContent = y + (y === 1 ? " year" : " years"); });
      renderAccounts();
    });
    $("include-orders").addEventListener("change", renderAccounts);
    $("viewer-account").addEventListener("change", () => {
      clear($("orders").tBodies[0]);
      $("orders-note").textContent = "";
      loadViewer(true);
    });
    $("day-select").addEventListener("change", () => { if ($("day-select").value) showDay($("day-select").value); });
    $("day-input").addEventListener("change", () => { if ($("day-input").value) loadOrders($("day-input").value); });
    $("export-csv").addEventListener("click", () => exportOrders("csv"));
    $("export-xlsx").addEventListener("click", () => exportOrders("xlsx"));
    window.addEventListener("resize", () => { if (chart) chart.setSize({ width: Math.max(280, $("chart").clientWidth), height: 220 }); });
    if (secret()) useSecret(secret());
    else $("secret").focus();
  }

  document.addEventListener("DOMContentLoaded", init);
})();
