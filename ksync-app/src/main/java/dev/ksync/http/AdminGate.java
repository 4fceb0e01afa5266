package dev.ksync.http;

import dev.ksync.config.AppConfig;
import dev.ksync.config.Secret;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.Optional;

/**
 * The two gates every admin call passes: the admin secret (header {@code x-admin-job-secret}; {@code ?token=} on cron GET
 * routes) compared in constant time, an unset secret refusing everything; and {@code KLAVIYO_ENABLE} for every call
 * that reaches Klaviyo or writes storage.
 */
final class AdminGate {
    static final String HEADER = "x-admin-job-secret";
    /** The query parameter that carries the secret on {@link Access#ADMIN_OR_TOKEN} routes. */
    static final String TOKEN = "token";

    private final Optional<Secret> secret;
    private final boolean klaviyoEnabled;

    AdminGate(AppConfig config) {
        this.secret = config.http().adminJobSecret();
        this.klaviyoEnabled = config.klaviyo().enabled();
    }

    /**
     * Lets a request in or throws 401, from its headers (and query) alone: runs before any handler, so a caller
     * without the secret never makes the server read a body. Endpoints without a role are static files: open.
     */
    void admit(Context ctx) {
        Access access = ctx.routeRoles().stream().filter(Access.class::isInstance).map(Access.class::cast)
                .findFirst().orElse(Access.OPEN);
        switch (access) {
            case OPEN -> { }
            case ADMIN -> requireSecret(ctx);
            case ADMIN_OR_TOKEN -> requireSecretOrToken(ctx);
            case ADMIN_FOR_GATED_WORK -> {
                if (ctx.header(HEADER) != null) {
                    requireSecret(ctx);
                }
            }
        }
    }

    /** Requires the secret in the header. */
    void requireSecret(Context ctx) {
        check(ctx.header(HEADER), HEADER + " header");
    }

    /** For cron-style GET routes: the header, or {@code ?token=} (given twice, a 400 before either is tried). */
    void requireSecretOrToken(Context ctx) {
        String given = ctx.header(HEADER);
        if (given != null) {
            check(given, HEADER + " header");
        } else {
            check(QueryParams.of(ctx).get(TOKEN).orElse(null), HEADER + " header (or ?" + TOKEN + "=)");
        }
    }

    void requireKlaviyoEnabled() {
        if (!klaviyoEnabled) {
            throw KsyncException.klaviyoDisabled(
                    "Klaviyo calls and storage writes are disabled: set KLAVIYO_ENABLE=true");
        }
    }

    /** @param where where the secret was looked for, as the answer names it */
    private void check(String given, String where) {
        if (secret.isEmpty()) {
            throw new KsyncException(ErrorKind.UNAUTHORIZED, "unauthorized",
                    "ADMIN_JOB_SECRET is not set on the server, so admin calls are refused", Map.of());
        }
        if (given == null || !constantTimeEquals(given, secret.get().value())) {
            throw new KsyncException(ErrorKind.UNAUTHORIZED, "unauthorized",
                    (given == null ? "Missing " : "Wrong ") + where, Map.of());
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        // MessageDigest.isEqual is constant-time in the content for equal lengths; hashing first hides the length.
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] ha = sha.digest(a.getBytes(StandardCharsets.UTF_8));
            byte[] hb = sha.digest(b.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(ha, hb);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
