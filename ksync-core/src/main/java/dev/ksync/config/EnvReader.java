package dev.ksync.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads typed values from an environment map, collecting every problem instead of stopping at the first. A problem
 * names the variable and what it allows, never the value.
 */
final class EnvReader {
    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    EnvReader(Map<String, String> env) {
        this.env = env;
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    Optional<String> optional(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    Optional<Secret> secret(String name) {
        return optional(name).map(Secret::new);
    }

    boolean bool(String name, boolean fallback) {
        Optional<String> v = optional(name);
        if (v.isEmpty()) {
            return fallback;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on" -> true;
            case "false", "0", "no", "off" -> false;
            default -> {
                problems.add(name + " is invalid; allowed: true or false");
                yield fallback;
            }
        };
    }

    /** One of an enum's constants, by its name in any case ({@code json} for {@code JSON}). */
    <E extends Enum<E>> E oneOf(String name, Class<E> type, E fallback) {
        Optional<String> v = optional(name);
        if (v.isEmpty()) {
            return fallback;
        }
        E[] constants = type.getEnumConstants();
        for (E c : constants) {
            if (c.name().equalsIgnoreCase(v.get())) {
                return c;
            }
        }
        List<String> names = Arrays.stream(constants).map(Enum::name).toList();
        problems.add(name + " is invalid; allowed: " + String.join(", ", names.subList(0, names.size() - 1)) + " or "
                + names.getLast() + " (any case)");
        return fallback;
    }

    long longIn(String name, long fallback, long min, long max) {
        Optional<String> v = optional(name);
        if (v.isEmpty()) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.get());
            if (n < min || n > max) {
                problems.add(name + " is out of range; allowed: a whole number from " + min + " to " + max);
                return fallback;
            }
            return n;
        } catch (NumberFormatException e) {
            problems.add(name + " is not a whole number; allowed: a whole number from " + min + " to " + max);
            return fallback;
        }
    }

    int intIn(String name, int fallback, int min, int max) {
        return (int) longIn(name, fallback, min, max);
    }

    Optional<Integer> optionalIntIn(String name, int min, int max) {
        return optional(name).isEmpty() ? Optional.empty() : Optional.of(intIn(name, min, min, max));
    }

    Optional<URI> httpUrl(String name) {
        Optional<String> v = optional(name);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(v.get());
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return Optional.of(uri);
        } catch (IllegalArgumentException e) {
            problems.add(name + " is invalid; allowed: an http:// or https:// URL");
            return Optional.empty();
        }
    }

    /** An http(s) URL that may carry a token: checked like {@link #httpUrl}, kept as a Secret. */
    Optional<Secret> secretHttpUrl(String name) {
        return httpUrl(name).map(u -> new Secret(u.toString()));
    }

    void problem(String text) {
        problems.add(text);
    }
}
