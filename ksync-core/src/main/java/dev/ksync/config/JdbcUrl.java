package dev.ksync.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A PostgreSQL JDBC URL with its credentials apart; {@link #parse} accepts {@code postgres://user:pass@host:port/db}
 * too. Its failures never repeat the URL, which may hold a password.
 */
public record JdbcUrl(String jdbc, Optional<String> user, Optional<String> password) {

    /** Parses DATABASE_URL's forms; the exception's message says what is wrong without quoting the URL. */
    public static JdbcUrl parse(String url) {
        if (url.startsWith("jdbc:postgresql://")) {
            return new JdbcUrl(url, Optional.empty(), Optional.empty());
        }
        if (!(url.startsWith("postgres://") || url.startsWith("postgresql://"))) {
            throw new IllegalArgumentException("not a PostgreSQL URL");
        }
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            // e.getMessage() quotes the whole input; the position alone is enough to find the character.
            throw new IllegalArgumentException("illegal character at position " + e.getIndex()
                    + " (percent-encode it, e.g. a space as %20)");
        }
        if (u.getHost() == null) {
            throw new IllegalArgumentException("no valid host name");
        }
        String userInfo = u.getRawUserInfo();
        Optional<String> user = Optional.empty();
        Optional<String> pass = Optional.empty();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            pass = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
        }
        String port = u.getPort() < 0 ? "" : ":" + u.getPort();
        String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
        return new JdbcUrl("jdbc:postgresql://" + u.getHost() + port + u.getRawPath() + query, user, pass);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed percent-encoding in the user or password");
        }
    }

    /** The URL without user, password or query (where passwords may also sit). */
    public String redacted() {
        String s = jdbc.replaceFirst("//[^@/]*@", "//");
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    @Override
    public String toString() {
        return "JdbcUrl[" + redacted() + "]";
    }
}
