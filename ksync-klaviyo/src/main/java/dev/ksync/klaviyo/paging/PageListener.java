package dev.ksync.klaviyo.paging;

/**
 * Called after the consumer has taken every record of a page (so {@link PageEvent#nextLink()} is a
 * checkpoint that loses nothing), on the consumer's thread.
 */
@FunctionalInterface
public interface PageListener {
    void onPage(PageEvent event);

    PageListener NONE = e -> {};
}
