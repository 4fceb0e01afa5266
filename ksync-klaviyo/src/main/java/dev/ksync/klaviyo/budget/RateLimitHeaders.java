package dev.ksync.klaviyo.budget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Klaviyo's {@code ratelimit-*} headers (IETF draft form): {@code ratelimit-limit: 75, 75;w=1, 750;w=60}
 * lists the windows; {@code ratelimit-remaining} and {@code ratelimit-reset} (seconds) refer to the
 * first, closest one — the recordings show remaining 349 under limit "350, 350;w=1, 3500;w=60".
 */
public record RateLimitHeaders(List<Window> windows, Optional<Window> remainingWindow, OptionalInt remaining,
        Optional<Duration> reset) {
    public RateLimitHeaders {
        windows = List.copyOf(windows);
    }

    /** Parses what is there; absent or malformed headers give empty parts, never an exception. */
    public static RateLimitHeaders parse(String limit, String remaining, String reset) {
        List<Window> windows = new ArrayList<>();
        if (limit != null) {
            for (String part : limit.split(",")) {
                String[] bits = part.trim().split(";");
                if (bits.length < 2) continue;
                try {
                    int n = Integer.parseInt(bits[0].trim());
                    for (int i = 1; i < bits.length; i++) {
                        String b = bits[i].trim();
                        if (b.startsWith("w=")) windows.add(new Window(n, Duration.ofSeconds(Long.parseLong(b.substring(2).trim()))));
                    }
                } catch (RuntimeException ignored) {
                    // a malformed item is skipped: the catalog's tier still applies
                }
            }
        }
        OptionalInt first = limit == null ? OptionalInt.empty() : parseInt(limit.split(",")[0].split(";")[0]);
        Optional<Window> remainingWindow = first.isEmpty() ? Optional.empty()
                : windows.stream().filter(w -> w.limit() == first.getAsInt()).min(Comparator.comparing(Window::length));
        return new RateLimitHeaders(windows, remainingWindow, parseInt(remaining),
                parseInt(reset).stream().boxed().map(Duration::ofSeconds).findFirst());
    }

    public static RateLimitHeaders none() {
        return new RateLimitHeaders(List.of(), Optional.empty(), OptionalInt.empty(), Optional.empty());
    }

    static OptionalInt parseInt(String s) {
        if (s == null) return OptionalInt.empty();
        try {
            return OptionalInt.of(Integer.parseInt(s.trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
