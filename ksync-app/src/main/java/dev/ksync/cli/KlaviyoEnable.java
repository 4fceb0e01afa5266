package dev.ksync.cli;

import dev.ksync.config.AppConfig;
import dev.ksync.error.KsyncException;

/**
 * PRODUCT.md §1's gate on the command line, as the API's {@code AdminGate} is over HTTP: work that reaches Klaviyo or
 * writes storage needs {@code KLAVIYO_ENABLE=true}. A command that does such work asks here before it starts ksync,
 * so a refusal comes before any call or write ({@code klaviyo_disabled}, exit {@value CliErrors#DISABLED}).
 */
final class KlaviyoEnable {
    private KlaviyoEnable() {}

    /**
     * Returns {@code config} when Klaviyo is enabled, else refuses.
     *
     * @param work what the command was about to do, as the user asked for it ({@code ksync update})
     */
    static AppConfig require(AppConfig config, String work) {
        if (!config.klaviyo().enabled()) {
            throw KsyncException.klaviyoDisabled("Klaviyo calls and storage writes are disabled, and " + work
                    + " needs them: set KLAVIYO_ENABLE=true and run it again");
        }
        return config;
    }
}
