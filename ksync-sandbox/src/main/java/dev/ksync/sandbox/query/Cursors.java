package dev.ksync.sandbox.query;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opaque, URL-safe page cursors (base64url of a small position string). A whole next-URL passed as
 * the cursor is understood too, as Klaviyo's Node SDK sends it that way for http:// links.
 */
public final class Cursors {
    private Cursors() {}

    public static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** The decoded position, or an ApiException naming the parameter. */
    public static String decode(String cursor, String parameter) {
        String c = cursor.trim();
        if (c.startsWith("http://") || c.startsWith("https://")) c = fromUrl(c, parameter);
        try {
            return new String(Base64.getUrlDecoder().decode(c), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParameter(parameter, "Invalid page cursor '" + cursor + "'. Pass the value from links.next unchanged.");
        }
    }

    private static String fromUrl(String url, String parameter) {
        try {
            String q = URI.create(url).getRawQuery();
            if (q != null) {
                for (String part : q.split("&")) {
                    int eq = part.indexOf('=');
                    if (eq < 0) continue;
                    String k = URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8);
                    if (k.equals(parameter)) return URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
                }
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw ApiException.invalidParameter(parameter, "Invalid page cursor: the URL '" + url + "' carries no " + parameter + ".");
    }
}
