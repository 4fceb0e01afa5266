package dev.ksync.klaviyo.http;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** One HTTP answer; header names are case-insensitive. */
public record HttpAnswer(int status, Map<String, List<String>> headers, byte[] body) {
    public HttpAnswer {
        Map<String, List<String>> m = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        headers = m;
        body = body == null ? new byte[0] : body;
    }

    public String header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }
}
