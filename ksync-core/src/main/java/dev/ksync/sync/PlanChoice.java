package dev.ksync.sync;

import java.util.Objects;

/** A choice a job made between ways of doing its work, and why. */
public record PlanChoice(String decision, String chosen, String reason) {
    public PlanChoice {
        Objects.requireNonNull(decision, "decision is null");
        Objects.requireNonNull(chosen, "chosen is null");
        Objects.requireNonNull(reason, "reason is null");
    }
}
