package dev.ksync.sandbox;

import java.util.Arrays;
import java.util.Locale;

/** Ways a stressed Klaviyo fails. */
public enum FaultKind {
    THROTTLE_429("429"), ERROR_500("500"), BAD_GATEWAY_502("502"), UNAVAILABLE_503("503"),
    /** answers normally but only after several seconds */
    SLOW("slow"),
    /** sends headers and half the body, then closes the connection */
    CUT("cut");

    private final String wire;

    FaultKind(String wire) { this.wire = wire; }

    public String wire() { return wire; }

    public static FaultKind parse(String s) {
        String t = s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
        for (FaultKind k : values()) if (k.wire.equals(t)) return k;
        throw new IllegalArgumentException("invalid fault kind '" + s + "'; allowed values: "
                + String.join(", ", Arrays.stream(values()).map(FaultKind::wire).toList()));
    }
}
