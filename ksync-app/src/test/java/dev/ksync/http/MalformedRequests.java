package dev.ksync.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * A seeded generator of hostile HTTP/1.1 requests for one route: wrong methods, odd paths and query strings, odd and
 * oversized headers, bad charsets, broken framing (short, long, chunked garbage) and bodies that are malformed JSON,
 * mistyped, huge, deeply nested or carry NULs, with or without the admin secret. Same seed, same requests.
 */
final class MalformedRequests {
    /** What the generator sent, for the checks and for a readable failure. */
    record Sent(String method, String target, String secret, byte[] bytes) {
        String summary() {
            String text = new String(bytes, 0, Math.min(bytes.length, 300), StandardCharsets.ISO_8859_1);
            return text.replaceAll("[\\x00-\\x08\\x0b-\\x1f\\x7f]", "?");
        }
    }

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS",
            "TRACE", "BREW", "get", "QUERY");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
            "application/json; charset=bogus", "application/json; charset=\"@@\"", "application/json; charset",
            "application/json; charset=UTF-16", "application/json; charset=ISO-8859-1", "text/plain",
            "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "application/json;;;charset==",
            "*/*", "application/json; charset=utf-8; charset=bogus");

    private final Random rnd;
    private final String method;
    private final String path;
    private final String secret;
    private final String klaviyoKey;

    MalformedRequests(long seed, String method, String path, String secret, String klaviyoKey) {
        this.rnd = new Random(seed);
        this.method = method;
        this.path = path;
        this.secret = secret;
        this.klaviyoKey = klaviyoKey;
    }

    Sent next() {
        String m = chance(0.8) ? method : pick(METHODS);
        String sentSecret = secretToSend();
        String target = target();
        StringBuilder head = new StringBuilder(m + " " + target + " HTTP/1.1\r\n");
        if (chance(0.97)) {
            head.append("Host: localhost\r\n");
        }
        head.append("Connection: close\r\n");
        if (sentSecret != null) {
            head.append("x-admin-job-secret: ").append(sentSecret).append("\r\n");
        }
        if (chance(0.85)) {
            head.append("Content-Type: ").append(chance(0.6) ? "application/json" : pick(CONTENT_TYPES)).append("\r\n");
        }
        if (chance(0.25)) {
            head.append(oddHeader());
        }
        byte[] body = chance(0.9) || m.equals("POST") ? body() : new byte[0];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        double framing = rnd.nextDouble();
        if (framing < 0.78) {
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            out.writeBytes(ascii(head));
            out.writeBytes(body);
        } else if (framing < 0.86) {
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            out.writeBytes(ascii(head));
            out.writeBytes(chunked(body));
        } else if (framing < 0.93) {
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            out.writeBytes(ascii(head));
            out.writeBytes(brokenChunks(body));
        } else if (framing < 0.975) {
            head.append("Content-Length: ").append(body.length / 2).append("\r\n\r\n"); // the rest looks pipelined
            out.writeBytes(ascii(head));
            out.writeBytes(body);
        } else if (framing < 0.98) {
            // announces more than it sends: the server waits out its idle timeout, then answers 408
            head.append("Content-Length: ").append(body.length + 1 + rnd.nextInt(5000)).append("\r\n\r\n");
            out.writeBytes(ascii(head));
            out.writeBytes(body);
        } else {
            head.append("Content-Length: ").append(body.length).append("\r\nTransfer-Encoding: chunked\r\n\r\n");
            out.writeBytes(ascii(head));
            out.writeBytes(chunked(body));
        }
        return new Sent(m, target, sentSecret, out.toByteArray());
    }

    private String secretToSend() {
        double r = rnd.nextDouble();
        if (r < 0.5) {
            return secret;
        }
        if (r < 0.7) {
            return null;
        }
        return pick(List.of("", "wrong", secret + "x", secret.substring(1), " " + secret + " ", secret.toUpperCase(),
                "null", "Bearer " + secret));
    }

    private String target() {
        String base = java.util.Arrays.stream(path.split("/", -1))
                .map(segment -> segment.startsWith("{") ? pathParam() : segment)
                .collect(java.util.stream.Collectors.joining("/"));
        if (chance(0.05)) {
            base += pick(List.of("/", "//", "/x", "%2F", ";jsessionid=1", "/..", "/%2e%2e/x"));
        }
        if (chance(0.4)) {
            base += "?" + query();
        }
        return base;
    }

    private String pathParam() {
        return pick(List.<Supplier<String>>of(
                () -> "fuzz-" + rnd.nextInt(50),
                () -> "acme",
                () -> "%00",
                () -> "a%00b",
                () -> "x".repeat(1 + rnd.nextInt(400)),
                () -> "%ff%fe",
                () -> "..%2f..%2fetc",
                () -> "%C3%A9t%C3%A9",
                () -> "UPPER",
                () -> "-leading",
                () -> "%20",
                () -> "a.b",
                () -> Integer.toString(rnd.nextInt()))).get();
    }

    private String query() {
        StringBuilder q = new StringBuilder();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                q.append('&');
            }
            q.append(pick(List.<Supplier<String>>of(
                    () -> "token=" + secret,
                    () -> "token=wrong",
                    () -> "mode=live",
                    () -> "a=%zz",
                    () -> "=&&=",
                    () -> "pageSize=1e999",
                    () -> "start=2025-13-45&end=yesterday",
                    () -> "x=" + "y".repeat(rnd.nextInt(3000)),
                    () -> "nul=%00",
                    () -> "%00=%00",
                    () -> "u=%C3%28"
            )).get());
        }
        return q.toString();
    }

    private String oddHeader() {
        return pick(List.of(
                "Expect: 100-continue\r\n",
                "Expect: something-else\r\n",
                "Accept: text/html\r\n",
                "Accept: application/xml;q=0.9, */*;q=0.1\r\n",
                "Accept-Charset: bogus\r\n",
                "Content-Encoding: gzip\r\n",
                "Range: bytes=0-1\r\n",
                "If-None-Match: *\r\n",
                "Origin: http://evil.example\r\n",
                "Cookie: " + "c=1; ".repeat(50) + "\r\n",
                "X-Long: " + "z".repeat(9000) + "\r\n",
                "X-Empty:\r\n",
                "X-Folded: a\r\n  b\r\n",
                "x-admin-job-secret: wrong\r\n",
                "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n",
                "Upgrade: websocket\r\n",
                "X-HTTP-Method-Override: GET\r\n",
                "Authorization: Bearer " + secret + "\r\n",
                "X-Forwarded-For: 1.2.3.4, <script>\r\n",
                "X-Utf8: \u00e9t\u00e9\r\n"));
    }

    private byte[] body() {
        double r = rnd.nextDouble();
        String template = template();
        if (r < 0.08) {
            return utf8(template);
        }
        if (r < 0.9) {
            return utf8(mutate(template));
        }
        return rawBytes(template);
    }

    /** A request the route might accept, as the starting point of mutations. */
    private String template() {
        return pick(List.<Supplier<String>>of(
                () -> "{\"id\":\"fuzz-" + rnd.nextInt(50) + "\",\"name\":\"" + word() + "\",\"klaviyoApiKey\":\""
                        + klaviyoKey + "\"}",
                () -> "{\"source\":\"profiles\",\"profiles\":[{\"id\":\"P" + rnd.nextInt(9) + "\",\"email\":\""
                        + word() + "@example.com\"}]}",
                () -> "{\"source\":\"klaviyo\",\"maxPages\":1,\"pageSize\":" + rnd.nextInt(200) + "}",
                () -> "{\"mode\":\"live\",\"accountId\":\"fuzz-1\",\"uploadId\":\"u1\",\"source\":\"profiles\","
                        + "\"profiles\":[]}",
                () -> "{\"source\":\"klaviyo\",\"klaviyoApiKey\":\"" + klaviyoKey + "\",\"format\":\"csv\"}",
                () -> "{}")).get();
    }

    private String mutate(String json) {
        return pick(List.<Supplier<String>>of(
                () -> json.replaceFirst(":\"[^\"]*\"", ":" + wrongValue()),
                () -> json.replaceFirst(":(\\d+)", ":" + hugeNumber()),
                () -> "{\"pageSize\":" + hugeNumber() + ",\"source\":\"klaviyo\"}",
                () -> "{\"source\":\"klaviyo\",\"maxPages\":" + pick(List.of("1e999", "-0", "1.5", "NaN", "Infinity",
                        "0x10", "01", "1e-999", "9223372036854775808", "-2147483649")) + "}",
                () -> "{\"a\":" + "[".repeat(depth()) + "]".repeat(rnd.nextInt(3) == 0 ? 0 : depth()) + "}",
                () -> "{\"profiles\":" + "{\"a\":".repeat(depth() / 2) + "1" + "}".repeat(depth() / 2) + "}",
                () -> json.replaceFirst("\"([^\"]*)\"", "\"$1\\\\u0000\""),
                () -> json.replaceFirst("\"([^\"]*)\"", "\"$1\u0000x\""),
                () -> json.replaceFirst(":\"[^\"]*\"", ":\"" + "L".repeat(1000 + rnd.nextInt(200_000)) + "\""),
                () -> json.replaceFirst(":\"[^\"]*\"", ":\"\\\\ud800\""),
                () -> "{\"klaviyoApiKey\":" + klaviyoKey + "}",
                () -> "{\"klaviyoApiKey\":\"" + klaviyoKey + "\" \"x\"}",
                () -> "{\"name\":'" + klaviyoKey + "'}",
                () -> json.substring(0, rnd.nextInt(Math.max(1, json.length()))),
                () -> json + pick(List.of("}", "garbage", " " + klaviyoKey, ",", "\u0000", "{}")),
                () -> "[" + json + "]",
                () -> pick(List.of("1", "\"x\"", "null", "true", "[]", "", "   ", "\n", "{", "}", "{\"a\"}", "{,}")),
                () -> json.replace("{", "{\"" + word() + "\":1,"),
                () -> json.replace("{", "{\"id\":1,\"id\":\"dup\","),
                () -> "\ufeff" + json,
                () -> json.replace("\"", "'"),
                () -> "/* c */" + json,
                () -> manyKeys(),
                () -> json.replaceFirst(":", ":" + "\\t\\r"),
                () -> "{\"profiles\":[" + "{\"id\":\"P\",\"email\":\"a@b.c\"},".repeat(rnd.nextInt(2000)) + "1]}",
                () -> "{\"" + "k".repeat(1 + rnd.nextInt(60_000)) + "\":1}")).get();
    }

    private String wrongValue() {
        return pick(List.of("1", "-1", "1.0e308", "true", "null", "[]", "{}", "[\"a\"]", "{\"a\":1}", "\"\"",
                "\"   \"", "\"\\u0000\"", "\"../../etc\"", "\"" + "n".repeat(5000) + "\""));
    }

    private String hugeNumber() {
        return (rnd.nextBoolean() ? "-" : "") + "9".repeat(10 + rnd.nextInt(rnd.nextBoolean() ? 30 : 2500));
    }

    private int depth() {
        return pick(List.of(2, 50, 999, 1001, 2000, 5000, 20_000));
    }

    private String manyKeys() {
        StringBuilder b = new StringBuilder("{");
        int n = 100 + rnd.nextInt(5000);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        return b.append('}').toString();
    }

    /** Bytes that are not valid UTF-8, or control bytes, around a JSON-looking text. */
    private byte[] rawBytes(String json) {
        byte[] base = utf8(json);
        byte[] junk = pick(List.of(new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[] {(byte) 0xc0, (byte) 0xaf},
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {0, 0, 0}, new byte[] {(byte) 0x80},
                new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}));
        int at = rnd.nextInt(base.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(base, 0, at);
        out.writeBytes(junk);
        out.write(base, at, base.length - at);
        return out.toByteArray();
    }

    private byte[] chunked(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int n = Math.min(body.length - at, 1 + rnd.nextInt(4096));
            out.writeBytes(ascii(Integer.toHexString(n) + "\r\n"));
            out.write(body, at, n);
            out.writeBytes(ascii("\r\n"));
            at += n;
        }
        out.writeBytes(ascii("0\r\n\r\n"));
        return out.toByteArray();
    }

    private byte[] brokenChunks(byte[] body) {
        String b = new String(body, StandardCharsets.ISO_8859_1);
        String broken = pick(List.<Supplier<String>>of(
                () -> "ZZ\r\n" + b + "\r\n0\r\n\r\n",
                () -> Integer.toHexString(b.length() + 7) + "\r\n" + b + "\r\n0\r\n\r\n",
                () -> Integer.toHexString(b.length()) + "\r\n" + b + "XX0\r\n\r\n",
                () -> "-1\r\n" + b + "\r\n",
                () -> "fffffffffffffffff\r\n" + b,
                () -> Integer.toHexString(b.length()) + ";ext=\"unterminated\r\n" + b + "\r\n0\r\n\r\n",
                () -> Integer.toHexString(b.length()) + "\n" + b + "\n0\n\n",
                () -> "0\r\nTrailer-Without-End: x\r\n",
                () -> b)).get();
        return broken.getBytes(StandardCharsets.ISO_8859_1);
    }

    private String word() {
        String alphabet = "abcdefghijklmnopqrstuvwxyzéü漢😀 '\\\"<>&%+";
        StringBuilder w = new StringBuilder();
        int n = 1 + rnd.nextInt(12);
        for (int i = 0; i < n; i++) {
            int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0, rnd.nextInt(alphabet.codePointCount(0,
                    alphabet.length()))));
            if (cp == '"' || cp == '\\') {
                w.append('\\');
            }
            w.appendCodePoint(cp);
        }
        return w.toString();
    }

    private boolean chance(double p) {
        return rnd.nextDouble() < p;
    }

    private <T> T pick(List<T> options) {
        return options.get(rnd.nextInt(options.size()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
