package dev.ksync.klaviyo.http;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Query strings and Klaviyo's links. */
public final class Urls {
    private Urls() {}

    /** Encodes one query component; spaces as %20 because some servers read '+' literally. */
    public static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code base + path + ?k=v&…} with every key and value encoded; null values are left out. */
    public static URI build(URI base, String path, Map<String, String> query) {
        StringJoiner q = new StringJoiner("&");
        query.forEach((k, v) -> { if (v != null) q.add(encode(k) + "=" + encode(v)); });
        String b = base.toString();
        if (b.endsWith("/")) b = b.substring(0, b.length() - 1);
        return URI.create(b + path + (q.length() == 0 ? "" : "?" + q));
    }

    /**
     * A link as Klaviyo sends it. Its {@code links.next} holds unescaped {@code [ ]} (and may hold
     * quotes or spaces) that {@link URI#create} refuses, so those are percent-encoded first.
     */
    public static URI parseLink(String link) {
        StringBuilder sb = new StringBuilder(link.length() + 16);
        for (char c : link.toCharArray()) {
            switch (c) {
                case '[' -> sb.append("%5B");
                case ']' -> sb.append("%5D");
                case ' ' -> sb.append("%20");
                case '"' -> sb.append("%22");
                case '|' -> sb.append("%7C");
                case '{' -> sb.append("%7B");
                case '}' -> sb.append("%7D");
                case '<' -> sb.append("%3C");
                case '>' -> sb.append("%3E");
                case '\\' -> sb.append("%5C");
                case '^' -> sb.append("%5E");
                case '`' -> sb.append("%60");
                default -> sb.append(c);
            }
        }
        return URI.create(sb.toString());
    }

    /** The decoded query parameters of {@code uri} (last one wins). */
    public static Map<String, String> queryOf(URI uri) {
        Map<String, String> m = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) return m;
        for (String pair : raw.split("&")) {
            int i = pair.indexOf('=');
            String k = i < 0 ? pair : pair.substring(0, i);
            String v = i < 0 ? "" : pair.substring(i + 1);
            m.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return m;
    }
}
