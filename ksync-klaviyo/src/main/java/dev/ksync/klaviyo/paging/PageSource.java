package dev.ksync.klaviyo.paging;

import dev.ksync.klaviyo.wire.Page;
import java.net.URI;

/** Fetches one page document (through budgets and retries). */
@FunctionalInterface
public interface PageSource {
    Page fetch(URI uri);
}
