package dev.ksync.app;

import ch.qos.logback.core.PropertyDefinerBase;
import dev.ksync.config.LogSettings;

/**
 * Gives logback.xml the log format or level ({@code <setting>format</setting>} or {@code level}) as
 * {@link LogSettings#orDefaults} reads them from the environment: the reading AppConfig checks, so logback never
 * parses them itself and a bad value logs as the defaults say (TEXT, INFO) until the start reports it.
 */
public final class LogSettingDefiner extends PropertyDefinerBase {
    private String setting = "";

    public void setSetting(String setting) {
        this.setting = setting;
    }

    @Override
    public String getPropertyValue() {
        LogSettings settings = LogSettings.orDefaults(System.getenv());
        return switch (setting) {
            case "format" -> settings.format().name();
            case "level" -> settings.level().name();
            default -> throw new IllegalStateException("setting must be format or level, not '" + setting + "'");
        };
    }
}
