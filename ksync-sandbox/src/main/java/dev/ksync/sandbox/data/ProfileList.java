package dev.ksync.sandbox.data;

import java.time.Instant;
import java.util.List;

/** A list; membership of profile i is a hash draw below {@code memberFraction}. */
public record ProfileList(String id, String name, Instant created, Instant updated, String optInProcess,
                          double memberFraction, List<String> tagIds) {
    public ProfileList { tagIds = List.copyOf(tagIds); }
}
