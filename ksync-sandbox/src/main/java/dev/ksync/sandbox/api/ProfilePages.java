package dev.ksync.sandbox.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.sandbox.data.Profile;
import dev.ksync.sandbox.data.Profiles;
import dev.ksync.sandbox.data.SandboxData;
import dev.ksync.sandbox.query.ApiException;
import dev.ksync.sandbox.query.Condition;
import dev.ksync.sandbox.query.Cursors;
import dev.ksync.sandbox.query.Endpoint;
import dev.ksync.sandbox.query.QueryParams;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntPredicate;
import java.util.function.IntToLongFunction;

/**
 * GET /api/profiles and list/segment members over the lazily derived profiles: index order is id
 * and created order; other sorts use a permutation built once; cursors are "p:<position>".
 */
final class ProfilePages {
    private static final String CURSOR = "page[cursor]";
    private final SandboxData data;
    private final Resources resources;
    private final Links links;
    /** Lazily built profile orders for sorts other than id/created (index order). */
    private final Map<String, int[]> profileOrders = new ConcurrentHashMap<>();
    private final Map<String, Integer> memberCounts = new ConcurrentHashMap<>();

    ProfilePages(SandboxData data, Resources resources, Links links) {
        this.data = data;
        this.resources = resources;
        this.links = links;
    }

    private String self(ApiRequest r) { return Documents.self(links, r); }

    private static ApiException notFound(String type, String id) {
        return ApiException.notFound("A " + type + " with id " + id + " does not exist.");
    }


    /** additional-fields[list|segment]=profile_count: the member count, counted once and cached. */
    ObjectNode withCount(ObjectNode node, String audienceId, ApiRequest r, String type) {
        List<String> extra = r.query().getOrDefault("additional-fields[" + type + "]", List.of());
        if (extra.stream().anyMatch(v -> v.contains("profile_count"))) {
            int count = memberCounts.computeIfAbsent(audienceId, id -> {
                int n = 0;
                for (int i = 0; i < data.profileCount(); i++) if (data.profiles().inAudience(i, id)) n++;
                return n;
            });
            ((ObjectNode) node.get("attributes")).put("profile_count", count);
        }
        return node;
    }

    ObjectNode one(Endpoint e, ApiRequest r) {
        Profile p = data.profileById(r.pathParam("id")).orElseThrow(() -> notFound("profile", r.pathParam("id")));
        QueryParams q = QueryParams.parse(e, "profile", r.query());
        ObjectNode node = resources.profile(p, q.wants("profile", "subscriptions"), q.wants("profile", "predictive_analytics"), Set.copyOf(q.include()));
        List<ObjectNode> included = Documents.included(List.of(node), q.include(), resources, q);
        return Documents.single(Documents.sparse(node, q), included, !q.include().isEmpty(), self(r));
    }

    /** GET /api/profiles, or a list's/segment's members when {@code audienceId} is set (joined_group_at = created). */
    ObjectNode page(Endpoint e, ApiRequest r, String audienceId) {
        QueryParams q = QueryParams.parse(e, "profile", r.query());
        Profiles ps = data.profiles();
        int n = ps.count();
        boolean subs = q.wants("profile", "subscriptions"), pred = q.wants("profile", "predictive_analytics");
        Set<String> inc = Set.copyOf(q.include());
        // Candidates: a few indices when id/email are pinned, otherwise every profile in sort order.
        int[] candidates = pinned(q.filters(), ps);
        int[] order = null;
        String sort = q.sortField() == null || q.sortField().equals("joined_group_at") ? "id" : q.sortField();
        if (candidates != null) {
            candidates = sortCandidates(candidates, sort, q.sortDescending());
        } else if (!sort.equals("id") && !sort.equals("created")) {
            order = profileOrders.computeIfAbsent(sort, this::buildOrder);
        }
        int total = candidates != null ? candidates.length : n;
        // Time conditions are checked on the derived millis; only the rest needs a rendered profile.
        List<Condition> timed = new ArrayList<>(), rest = new ArrayList<>();
        for (Condition c : q.filters()) {
            boolean time = c.value() instanceof Instant && (c.field().equals("created") || c.field().equals("updated") || c.field().equals("joined_group_at"));
            (time ? timed : rest).add(c);
        }
        // Only positions [from, to) of the walk can match the time conditions: the page costs O(page), not a scan.
        int from = 0, to = total;
        if (candidates == null && !timed.isEmpty()) {
            int[] range = matchRange(timed, sort, order, n);
            from = q.sortDescending() ? total - range[1] : range[0];
            to = q.sortDescending() ? total - range[0] : range[1];
        }
        int pos = from;
        if (q.cursor() != null) pos = Math.max(from, Documents.offsetCursor(Cursors.decode(q.cursor(), CURSOR), "p:"));
        List<ObjectNode> page = new ArrayList<>();
        int nextPos = -1;
        for (int k = pos; k < to; k++) {
            int at = q.sortDescending() ? total - 1 - k : k;
            int idx = candidates != null ? candidates[at] : order != null ? order[at] : at;
            if (audienceId != null && !ps.inAudience(idx, audienceId)) continue;
            if (!timed.isEmpty() && !timesMatch(ps, idx, timed)) continue;
            if (!rest.isEmpty()) {
                // No profile filter names last_event_date, so the check skips deriving it from the events.
                Profile bare = ps.profile(idx, null);
                ObjectNode full = resources.profile(bare, true, false, Set.of());
                if (audienceId != null) ((ObjectNode) full.get("attributes")).put("joined_group_at", Json.time(bare.created()));
                if (!Matcher.matches(full, rest, Map.of("profile_id", "id"))) continue;
            }
            if (page.size() == q.pageSize()) { nextPos = k; break; }
            Profile p = data.profile(idx);
            ObjectNode node = resources.profile(p, subs, pred, inc);
            if (audienceId != null) {
                ((ObjectNode) node.get("attributes")).put("joined_group_at", Json.time(p.created()));
                ((ObjectNode) node.get("relationships")).remove("conversations");
            }
            page.add(node);
        }
        List<ObjectNode> included = Documents.included(page, q.include(), resources, q);
        page.replaceAll(x -> Documents.sparse(x, q));
        String next = nextPos < 0 ? null : Documents.url(links.base(), r.path(), r.query(), CURSOR, Cursors.encode("p:" + nextPos));
        return Documents.collection(page, included, !q.include().isEmpty(), self(r), next);
    }

    private static boolean timesMatch(Profiles ps, int i, List<Condition> timed) {
        for (Condition c : timed) if (!holds(c, timeKey(ps, i, c.field()))) return false;
        return true;
    }

    /** The profile's created or updated time in whole epoch seconds, as rendered (joined_group_at is created). */
    private static long timeKey(Profiles ps, int i, String field) {
        return field.equals("updated") ? Math.max(ps.createdMillis(i), ps.updatedMillis(i)) / 1000 : ps.createdMillis(i) / 1000;
    }

    private static boolean holds(Condition c, long v) {
        Instant at = (Instant) c.value();
        long t = at.getEpochSecond();
        boolean whole = at.getNano() == 0;
        // Rendered times are whole seconds; compare them as the client sees them.
        return switch (c.operator()) {
            case "greater-than" -> v > t;
            case "greater-or-equal" -> v > t || (v == t && whole);
            case "less-than" -> v < t || (v == t && !whole);
            case "less-or-equal" -> v <= t;
            case "equals" -> v == t && whole;
            default -> true;
        };
    }

    /**
     * The [lo, hi) of ascending sort positions outside which no profile can meet the time conditions,
     * found by binary search wherever a condition's field grows with the sort order: created along
     * index order (ids are ULIDs of creation time), updated along the updated order. A less-than on
     * updated also bounds index order, since a profile is updated no earlier than it is created.
     */
    private int[] matchRange(List<Condition> timed, String sort, int[] order, int n) {
        Profiles ps = data.profiles();
        boolean indexOrder = order == null;
        boolean updatedOrder = sort.equals("updated") && order != null;
        int lo = 0, hi = n;
        for (Condition c : timed) {
            String field = c.field().equals("joined_group_at") ? "created" : c.field();
            boolean monotone = (indexOrder && field.equals("created")) || (updatedOrder && field.equals("updated"));
            boolean lower = c.operator().startsWith("greater") || c.operator().equals("equals");
            boolean upper = c.operator().startsWith("less") || c.operator().equals("equals");
            if (!monotone) {
                // created <= updated: whatever is updated before t was created before t too.
                if (indexOrder && field.equals("updated") && c.operator().startsWith("less")) {
                    hi = Math.min(hi, firstPosition(n, at -> !holds(c, ps.createdMillis(at) / 1000)));
                }
                continue;
            }
            IntToLongFunction key = indexOrder ? at -> timeKey(ps, at, field) : at -> timeKey(ps, order[at], field);
            if (lower) {
                Condition geq = c.operator().equals("equals") ? new Condition("greater-or-equal", c.field(), c.value()) : c;
                lo = Math.max(lo, firstPosition(n, at -> holds(geq, key.applyAsLong(at))));
            }
            if (upper) {
                Condition leq = c.operator().equals("equals") ? new Condition("less-or-equal", c.field(), c.value()) : c;
                hi = Math.min(hi, firstPosition(n, at -> !holds(leq, key.applyAsLong(at))));
            }
        }
        return new int[]{lo, Math.max(lo, hi)};
    }

    /** First position in [0, n) where a predicate that turns true once and stays true holds (n if none). */
    private static int firstPosition(int n, IntPredicate p) {
        int lo = 0, hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (p.test(mid)) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    /** Indices named by equals/any on id or email, or null when the filter pins none. */
    private static int[] pinned(List<Condition> filters, Profiles ps) {
        for (Condition c : filters) {
            if (!(c.operator().equals("equals") || c.operator().equals("any"))) continue;
            if (!c.field().equals("id") && !c.field().equals("email") && !c.field().equals("profile_id")) continue;
            List<Integer> out = new ArrayList<>();
            for (Object v : c.values()) {
                if (!(v instanceof String s)) continue;
                int i = c.field().equals("email") ? indexFromEmail(s, ps) : ps.indexOf(s);
                if (i >= 0 && !out.contains(i)) out.add(i);
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }
        return null;
    }

    /** Generated emails end in ".<index>@domain"; the address must match exactly. */
    private static int indexFromEmail(String email, Profiles ps) {
        int at = email.indexOf('@'), dot = email.lastIndexOf('.', at);
        if (at < 0 || dot < 0) return -1;
        try {
            int i = Integer.parseInt(email.substring(dot + 1, at));
            return i >= 0 && i < ps.count() && email.equals(ps.emailAddress(i)) ? i : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private int[] sortCandidates(int[] c, String sort, boolean desc) {
        Integer[] boxed = Arrays.stream(c).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, Comparator.comparing((Integer i) -> profileSortKey(i, sort), Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(i -> i));
        return Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
    }

    private String profileSortKey(int i, String sort) {
        Profiles ps = data.profiles();
        return switch (sort) {
            case "updated" -> String.format("%015d", timeKey(ps, i, "updated"));
            case "email" -> ps.emailAddress(i);
            case "subscriptions.email.marketing.suppression.timestamp" -> {
                Profile p = ps.profile(i, null); // only the suppression timestamps matter here
                yield p.emailMarketing().suppression().isEmpty() ? null : Json.time(p.emailMarketing().suppression().get(0).timestamp());
            }
            case "subscriptions.email.marketing.list_suppressions.timestamp" -> {
                Profile p = ps.profile(i, null); // only the suppression timestamps matter here
                yield p.emailMarketing().listSuppressions().isEmpty() ? null : Json.time(p.emailMarketing().listSuppressions().get(0).timestamp());
            }
            default -> String.format("%010d", i);
        };
    }

    private int[] buildOrder(String sort) {
        Profiles ps = data.profiles();
        int n = ps.count();
        if (sort.equals("updated")) {
            long[] keys = new long[n];
            // the rendered updated (whole seconds) in the high bits, index in the low 26 bits; sorting on
            // exactly what filters compare keeps the order's binary searches valid
            for (int i = 0; i < n; i++) keys[i] = timeKey(ps, i, "updated") << 26 | i;
            Arrays.sort(keys);
            int[] out = new int[n];
            for (int k = 0; k < n; k++) out[k] = (int) (keys[k] & ((1 << 26) - 1));
            return out;
        }
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) keys[i] = profileSortKey(i, sort);
        Arrays.sort(idx, Comparator.comparing((Integer i) -> keys[i], Comparator.nullsFirst(Comparator.naturalOrder())).thenComparing(i -> i));
        int[] out = new int[n];
        for (int k = 0; k < n; k++) out[k] = idx[k];
        return out;
    }
}
