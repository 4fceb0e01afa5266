package dev.ksync.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ksync.error.ErrorKind;
import dev.ksync.error.KsyncException;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;

/**
 * Reads a request's JSON object body strictly: an unreadable charset is a 415; a body that stalls is a 408; broken
 * HTTP framing, bytes that are not valid in the charset, malformed JSON, a field given twice, a non-object, unknown or
 * mistyped fields and NUL characters are 400s.
 */
final class JsonBodies {
    private final ObjectReader reader;
    private final long maxBytes;
    private final Duration bodyTimeout;
    private final Clock clock;

    JsonBodies(ObjectMapper mapper, long maxBytes, Duration bodyTimeout, Clock clock) {
        // a field given twice ({"mode":"dry-run","mode":"live"}) is refused: which one was meant cannot be known
        this.reader = mapper.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        this.maxBytes = maxBytes;
        this.bodyTimeout = bodyTimeout;
        this.clock = clock;
    }

    /** The body as a JSON object whose field names are all in {@code allowed}; an empty body is {@code {}}. */
    ObjectNode object(Context ctx, Set<String> allowed) {
        Charset charset = charset(ctx);
        String body = decode(bytes(ctx), charset);
        if (body.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode node;
        try {
            node = reader.readTree(body);
        } catch (JsonProcessingException e) {
            if (e instanceof JsonParseException p && p.getProcessor() instanceof JsonParser parser
                    && String.valueOf(p.getOriginalMessage()).startsWith("Duplicate field")) {
                throw duplicate(parser, p);
            }
            ApiError err = ErrorMapper.malformedJson(e);
            throw new KsyncException(ErrorKind.BAD_INPUT, err.error(), err.message(), err.details());
        }
        if (!(node instanceof ObjectNode obj)) {
            throw new KsyncException(ErrorKind.BAD_INPUT, "invalid_body",
                    "The request body must be a JSON object", Map.of("got", node.getNodeType().name().toLowerCase()));
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                unknown.add(KsyncException.quotable(f));
            }
        }
        if (!unknown.isEmpty()) {
            throw new KsyncException(ErrorKind.BAD_INPUT, "unknown_field",
                    "Unknown field(s) " + unknown + "; allowed: " + allowed.stream().sorted().toList(),
                    Map.of("fields", unknown, "allowed", allowed.stream().sorted().toList()));
        }
        rejectNul(obj);
        return obj;
    }

    /** The declared charset (UTF-8 when none), or 415 naming it when Java cannot decode it. */
    private static Charset charset(Context ctx) {
        String type = ctx.header("Content-Type");
        if (type == null) {
            return StandardCharsets.UTF_8;
        }
        // Parsed here rather than by the framework, whose parser fails on a "charset" without "=".
        for (String param : type.split(";")) {
            String[] kv = param.split("=", 2);
            if (kv[0].trim().equalsIgnoreCase("charset")) {
                String name = kv.length < 2 ? "" : kv[1].trim().replaceAll("^\"|\"$", "");
                return supported(name);
            }
        }
        return StandardCharsets.UTF_8;
    }

    /**
     * The body as text, refusing bytes the charset cannot decode (400 {@code invalid_encoding} with their byte offset):
     * decoding them leniently would store U+FFFD in their place, which is not what the caller sent.
     */
    private static String decode(byte[] bytes, Charset charset) {
        CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate((int) Math.ceil(bytes.length * (double) decoder.maxCharsPerByte()) + 16);
        CoderResult result = decoder.decode(in, out, true);
        while (result.isOverflow()) { // not with maxCharsPerByte's room, but a cut text must never pass as the body
            out = CharBuffer.allocate(out.capacity() * 2).put(out.flip());
            result = decoder.decode(in, out, true);
        }
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            String name = charset.name();
            long offset = in.position();
            throw new KsyncException(ErrorKind.BAD_INPUT, "invalid_encoding", "The request body is not valid " + name
                    + " at byte " + offset + " (counting from 0); send the body as valid " + name + " (UTF-8 unless"
                    + " Content-Type names a charset)", Map.of("charset", name, "offset", offset,
                    "allowed", "a body that is valid " + name));
        }
        return out.flip().toString();
    }

    private static Charset supported(String name) {
        try {
            if (!name.isEmpty() && Charset.isSupported(name)) {
                return Charset.forName(name);
            }
        } catch (IllegalCharsetNameException e) {
            // an illegal name is as unsupported as an unknown one
        }
        String shown = printable(name, 40);
        throw new KsyncException(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "unsupported_charset",
                "The charset '" + shown + "' in Content-Type is not supported; send the body in UTF-8",
                Map.of("charset", shown, "allowed", "UTF-8 (or another charset Java knows, such as UTF-16)"));
    }

    /**
     * The body's bytes, at most {@code maxBytes} of them within {@code bodyTimeout} of the first read. A client that
     * stalls meets Jetty's idle timeout; one that drips bytes meets the deadline; broken framing (a malformed chunk)
     * fails the read: each becomes our error, never the server's 500. The deadline starts when we read, not when the
     * request arrived, so a busy server never fails a small body that came in one go.
     */
    private byte[] bytes(Context ctx) {
        Instant deadline = clock.instant().plus(bodyTimeout);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = ctx.req().getInputStream()) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                body.write(buffer, 0, n);
                if (body.size() > maxBytes) {
                    throw new KsyncException(ErrorKind.TOO_LARGE, "body_too_large", "The request body is larger than"
                            + " the server accepts (" + maxBytes + " bytes, KSYNC_MAX_BODY_BYTES)",
                            Map.of("limit", maxBytes));
                }
                if (clock.instant().isAfter(deadline)) {
                    throw new KsyncException(ErrorKind.REQUEST_TIMEOUT, "request_timeout", "The request body took"
                            + " longer than " + bodyTimeout.toSeconds() + " s to arrive; send it again in one go",
                            Map.of("limitSeconds", bodyTimeout.toSeconds()));
                }
            }
            return body.toByteArray();
        } catch (KsyncException e) {
            throw e;
        } catch (Exception e) {
            throw unreadable(e);
        }
    }

    private static KsyncException unreadable(Exception e) {
        int depth = 0;
        for (Throwable t = e; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof TimeoutException) {
                return new KsyncException(ErrorKind.REQUEST_TIMEOUT, "request_timeout",
                        "The request body stopped arriving before it was complete; send it again in one go",
                        Map.of(), e);
            }
            if (t instanceof HttpException h && h.getCode() == 413) {
                return new KsyncException(ErrorKind.TOO_LARGE, "body_too_large",
                        "The request body is larger than the server accepts (KSYNC_MAX_BODY_BYTES)", Map.of(), e);
            }
            if (t instanceof HttpException) {
                return new KsyncException(ErrorKind.BAD_INPUT, "malformed_body",
                        "The request body's HTTP framing is broken (e.g. a malformed chunk in a chunked body)",
                        Map.of(), e);
            }
        }
        return new KsyncException(ErrorKind.BAD_INPUT, "incomplete_body",
                "The request body ended before it was complete (connection closed or framing broken)", Map.of(), e);
    }

    /**
     * PostgreSQL text cannot hold NUL, and a raw NUL must not reach a log line: any string (or field name) carrying
     * one is refused, naming where it is.
     */
    private static void rejectNul(ObjectNode body) {
        Deque<Map.Entry<String, JsonNode>> todo = new ArrayDeque<>();
        todo.push(Map.entry("", body));
        while (!todo.isEmpty()) {
            Map.Entry<String, JsonNode> next = todo.pop();
            String path = next.getKey();
            JsonNode node = next.getValue();
            if (node.isTextual() && node.textValue().indexOf('\0') >= 0) {
                throw nul(path);
            }
            if (node.isObject()) {
                for (var it = node.fields(); it.hasNext(); ) {
                    var field = it.next();
                    String childPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                    if (field.getKey().indexOf('\0') >= 0) {
                        throw nul(childPath);
                    }
                    todo.push(Map.entry(childPath, field.getValue()));
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    todo.push(Map.entry(path + "[" + i + "]", node.get(i)));
                }
            }
        }
    }

    /** Names the field given twice by its path ({@code profiles[1].email}) and where its second mention is. */
    private static KsyncException duplicate(JsonParser parser, JsonParseException e) {
        String name;
        try {
            name = parser.currentName();
        } catch (IOException unreadable) {
            name = null;
        }
        Deque<String> parts = new ArrayDeque<>();
        parts.push(String.valueOf(name));
        for (JsonStreamContext c = parser.getParsingContext().getParent(); c != null && !c.inRoot(); c = c.getParent()) {
            parts.push(c.inArray() ? "[" + c.getCurrentIndex() + "]" : String.valueOf(c.getCurrentName()));
        }
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            path.append(path.isEmpty() || part.startsWith("[") ? "" : ".").append(part);
        }
        String field = printable(KsyncException.quotable(path.toString()), 200);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("field", field);
        String where = ErrorMapper.location(e, details);
        details.put("allowed", "each field once");
        return new KsyncException(ErrorKind.BAD_INPUT, "duplicate_field", field + " is given twice in the request body"
                + where + "; give each field once", details);
    }

    private static KsyncException nul(String path) {
        String field = printable(path, 200);
        return new KsyncException(ErrorKind.BAD_INPUT, "invalid_character",
                field + " contains a NUL character (\\u0000), which ksync cannot store; remove it",
                Map.of("field", field, "allowed", "text without NUL characters"));
    }

    /** Shows control characters as \\uXXXX and cuts long values, so an echoed name is safe in answers and logs. */
    static String printable(String s, int max) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        for (; i < s.length() && out.length() < max; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return i < s.length() ? out + "…" : out.toString();
    }
}
