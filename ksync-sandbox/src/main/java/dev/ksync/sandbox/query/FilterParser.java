package dev.ksync.sandbox.query;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Klaviyo's filter grammar: {@code op(field,value)} terms joined by commas or {@code and(...)};
 * strings in single or double quotes, lists in brackets, datetimes, numbers, booleans and null bare.
 */
public final class FilterParser {
    static final Set<String> OPERATORS = Set.of("equals", "any", "has", "contains", "contains-any", "contains-all",
            "starts-with", "ends-with", "greater-than", "greater-or-equal", "less-than", "less-or-equal");

    private final String text;
    private final String parameter;
    private int pos;

    private FilterParser(String text, String parameter) {
        this.text = text;
        this.parameter = parameter;
    }

    public static List<Condition> parse(String text) {
        return parse(text, "filter");
    }

    public static List<Condition> parse(String text, String parameter) {
        if (text == null || text.isBlank()) return List.of();
        FilterParser p = new FilterParser(text.trim(), parameter);
        List<Condition> out = new ArrayList<>();
        p.terms(out);
        p.skipSpace();
        if (p.pos != p.text.length()) throw p.error("unexpected '" + p.text.charAt(p.pos) + "' at position " + p.pos);
        return List.copyOf(out);
    }

    private void terms(List<Condition> out) {
        term(out);
        skipSpace();
        while (pos < text.length() && text.charAt(pos) == ',') {
            pos++;
            term(out);
            skipSpace();
        }
    }

    private void term(List<Condition> out) {
        skipSpace();
        int start = pos;
        while (pos < text.length() && (Character.isLetter(text.charAt(pos)) || text.charAt(pos) == '-')) pos++;
        String op = text.substring(start, pos);
        skipSpace();
        if (op.isEmpty() || pos >= text.length() || text.charAt(pos) != '(') {
            throw error("expected an operator such as equals(field,value) at position " + start);
        }
        pos++;
        if (op.equals("and")) {
            terms(out);
            expect(')');
            return;
        }
        if (op.equals("or") || op.equals("not")) throw error("the '" + op + "' operator is not supported here; combine conditions with and(...) or commas");
        if (!OPERATORS.contains(op)) throw error("'" + op + "' is not a valid operator");
        skipSpace();
        String field = field();
        skipSpace();
        Object value = null;
        if (op.equals("has")) {
            expect(')');
            out.add(new Condition(op, field, null));
            return;
        }
        expect(',');
        value = value();
        skipSpace();
        expect(')');
        out.add(new Condition(op, field, value));
    }

    private String field() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$' || c == '-') pos++;
            else break;
        }
        if (start == pos) throw error("expected a field name at position " + start);
        return text.substring(start, pos);
    }

    private Object value() {
        skipSpace();
        if (pos >= text.length()) throw error("expected a value at the end of the filter");
        char c = text.charAt(pos);
        if (c == '"' || c == '\'') return quoted(c);
        if (c == '[') {
            pos++;
            List<Object> items = new ArrayList<>();
            skipSpace();
            if (pos < text.length() && text.charAt(pos) == ']') { pos++; return items; }
            while (true) {
                items.add(value());
                skipSpace();
                if (pos < text.length() && text.charAt(pos) == ',') { pos++; continue; }
                expect(']');
                return items;
            }
        }
        int start = pos;
        while (pos < text.length() && text.charAt(pos) != ',' && text.charAt(pos) != ')' && text.charAt(pos) != ']') pos++;
        String bare = text.substring(start, pos).trim();
        if (bare.isEmpty()) throw error("expected a value at position " + start);
        return bare(bare);
    }

    /**
     * A time with more than 6 fractional digits. Klaviyo's datetimes go to microseconds and the spec documents none
     * finer; refusing them shows a client that sends its clock's nanoseconds.
     */
    private static final Pattern PAST_MICROS = Pattern.compile("\\d:\\d{2}\\.\\d{7,}");

    private Object bare(String s) {
        if (s.equals("true")) return Boolean.TRUE;
        if (s.equals("false")) return Boolean.FALSE;
        if (s.equals("null")) return null;
        if (s.matches("-?\\d+(\\.\\d+)?")) return new BigDecimal(s);
        if (PAST_MICROS.matcher(s).find()) {
            throw error("'" + s + "' has more than 6 fractional-second digits; datetimes go to microseconds at most");
        }
        Instant t = parseDatetime(s);
        if (t != null) return t;
        throw error("'" + s + "' is not a valid value; quote strings (\"text\"), write datetimes as ISO-8601 (2024-01-01T00:00:00Z)");
    }

    /** ISO-8601 with or without offset/fraction (no offset means UTC), or a bare date; null if not a datetime. */
    public static Instant parseDatetime(String s) {
        String t = s.trim();
        // An unencoded '+' in a query string arrives as a space: "…T00:00:00 00:00".
        t = t.replaceFirst("(\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?) (\\d{2}:?\\d{2})$", "$1+$4");
        t = t.replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) ", "$1T");
        try { return OffsetDateTime.parse(t).toInstant(); } catch (DateTimeParseException ignored) { }
        try { return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC); } catch (DateTimeParseException ignored) { }
        try { return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant(); } catch (DateTimeParseException ignored) { }
        try { return Instant.parse(t); } catch (DateTimeParseException ignored) { }
        return null;
    }

    private String quoted(char q) {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '\\' && pos < text.length()) { sb.append(text.charAt(pos++)); continue; }
            if (c == q) return sb.toString();
            sb.append(c);
        }
        throw error("unterminated string starting with " + q);
    }

    private void expect(char c) {
        skipSpace();
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw error("expected '" + c + "' at position " + pos);
        }
        pos++;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
    }

    private ApiException error(String what) {
        return ApiException.invalidParameter(parameter, "Invalid filter provided: " + what + " in '" + text + "'.");
    }
}
