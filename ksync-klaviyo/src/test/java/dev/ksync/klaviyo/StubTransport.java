package dev.ksync.klaviyo;

import dev.ksync.klaviyo.http.HttpAnswer;
import dev.ksync.klaviyo.http.HttpCall;
import dev.ksync.klaviyo.http.HttpTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** A transport that answers from a script (one step per call) and keeps every call. */
public final class StubTransport implements HttpTransport {
    @FunctionalInterface
    public interface Step {
        HttpAnswer answer(HttpCall call) throws IOException;
    }

    private final Deque<Step> script = new ArrayDeque<>();
    private Step fallback;
    public final List<HttpCall> calls = Collections.synchronizedList(new ArrayList<>());

    public StubTransport then(Step s) {
        script.addLast(s);
        return this;
    }

    public StubTransport thenAlways(Step s) {
        fallback = s;
        return this;
    }

    @Override
    public HttpAnswer send(HttpCall call) throws IOException {
        Step s;
        synchronized (this) {
            calls.add(call);
            s = script.isEmpty() ? fallback : script.removeFirst();
        }
        if (s == null) throw new AssertionError("unexpected call " + call);
        return s.answer(call);
    }

    public static HttpAnswer json(int status, String body, Map<String, List<String>> headers) {
        return new HttpAnswer(status, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    public static HttpAnswer json(int status, String body) {
        return json(status, body, Map.of());
    }

    public static String error(int status, String code, String detail) {
        return "{\"errors\":[{\"id\":\"x\",\"status\":" + status + ",\"code\":\"" + code + "\",\"title\":\"t\",\"detail\":\"" + detail + "\"}]}";
    }
}
