package dev.ksync.sandbox;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

class SmokeTest {
    @Test
    void prints_some_answers() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-20T12:00:00Z"), ZoneOffset.UTC);
        try (SandboxServer s = SandboxServer.start(SandboxOptions.defaults().withProfiles(500).withHistoryDays(90).withRateLimits(RateLimitMode.OFF), clock)) {
            SandboxClient c = new SandboxClient(s);
            for (String p : new String[]{"/api/accounts", "/api/profiles?page[size]=2&additional-fields[profile]=subscriptions,predictive_analytics",
                    "/api/events?page[size]=2&include=metric,profile", "/api/metrics", "/api/flows?page[size]=2", "/api/campaigns?filter=equals(messages.channel,'email')&page[size]=1",
                    "/api/lists?page[size]=2", "/api/segments?page[size]=1", "/api/templates?page[size]=1", "/api/tags?page[size]=2", "/api/nope"}) {
                var a = c.get(p);
                System.out.println("=== " + p + " -> " + a.status() + " " + a.raw().headers().map());
                String b = a.raw().body();
                System.out.println(b.length() > 3000 ? b.substring(0, 3000) : b);
            }
        }
    }
}
