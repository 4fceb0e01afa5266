// What ksync's pages (the dashboard, the backfill manager) share: the admin secret, typed once per tab, kept in the
// tab's sessionStorage under one key and sent as the x-admin-job-secret header, never in a URL.
"use strict";
window.ksync = (function () {
  const SECRET_KEY = "ksync-admin-secret";
  return {
    HEADER: "x-admin-job-secret",
    secret: () => sessionStorage.getItem(SECRET_KEY) || "",
    keepSecret: (value) => {
      if (value) sessionStorage.setItem(SECRET_KEY, value);
      else sessionStorage.removeItem(SECRET_KEY);
    },
    /** An instant as the account's wall-clock time, to the minute and labelled with its zone ("UTC" for "Z"). */
    timeIn: (instant, zone) => {
      const tz = !zone || zone === "Z" ? "UTC" : zone;
      const at = new Date(instant);
      let text;
      try {
        text = at.toLocaleString(undefined, { timeZone: tz, dateStyle: "medium", timeStyle: "short" });
      } catch (e) {
        return at.toISOString().slice(0, 16).replace("T", " ") + " UTC";
      }
      return text + " (" + tz + ")";
    },
    zoneName: (zone) => (!zone || zone === "Z" ? "UTC" : zone),
  };
})();
