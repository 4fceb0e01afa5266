package dev.ksync.snapshot;

import dev.ksync.accounts.AccountId;
import dev.ksync.store.UploadId;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/** An upload: the folder {@code <id>/} in {@code bucket} holding one account's three CSVs, dated in {@code zone}. */
public record Upload(UploadId id, AccountId accountId, String bucket, ZoneId zone, Instant createdAt) {
    public static final String FLOWS = "flows.csv";
    public static final String CAMPAIGNS = "campaigns.csv";
    public static final String SUBSCRIBERS = "subscribers.csv";
    /** The files every upload has, in the order answers list them. */
    public static final List<String> FILES = List.of(FLOWS, CAMPAIGNS, SUBSCRIBERS);

    /** The object key of one of its files. */
    public String key(String file) {
        return id + "/" + file;
    }
}
