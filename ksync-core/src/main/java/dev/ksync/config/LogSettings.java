package dev.ksync.config;

import java.util.Map;

/**
 * How ksync logs: {@code KSYNC_LOG_FORMAT} and {@code KSYNC_LOG_LEVEL}, in any case ({@code json}, {@code debug}).
 * {@link AppConfig#load} reports a bad value with the other problems; logging reads the same variables the same way
 * with {@link #orDefaults} when it starts, before any configuration is checked, so a bad value never turns logging
 * off: it logs as the defaults say until the start reports it.
 */
public record LogSettings(Format format, Level level) {
    public enum Format { TEXT, JSON }

    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

    public static final LogSettings DEFAULTS = new LogSettings(Format.TEXT, Level.INFO);

    /** The settings in {@code env}, a missing or bad value replaced by its default (AppConfig reports the bad). */
    public static LogSettings orDefaults(Map<String, String> env) {
        return read(new EnvReader(env));
    }

    static LogSettings read(EnvReader r) {
        return new LogSettings(r.oneOf("KSYNC_LOG_FORMAT", Format.class, DEFAULTS.format()),
                r.oneOf("KSYNC_LOG_LEVEL", Level.class, DEFAULTS.level()));
    }
}
