package dev.ksync.sandbox.data;

import java.time.Instant;
import java.util.List;

public record Segment(String id, String name, Instant created, Instant updated, boolean active, boolean starred,
                      double memberFraction, List<String> tagIds) {
    public Segment { tagIds = List.copyOf(tagIds); }
}
