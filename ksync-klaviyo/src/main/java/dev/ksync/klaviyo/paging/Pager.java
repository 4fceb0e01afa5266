package dev.ksync.klaviyo.paging;

import dev.ksync.klaviyo.error.KlaviyoException;
import dev.ksync.klaviyo.http.Urls;
import dev.ksync.klaviyo.wire.Page;
import java.net.URI;
import java.time.DateTimeException;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Cursor paging as a lazy stream: the next page is fetched only when the consumer reaches it. */
public final class Pager {
    private Pager() {}

    /**
     * @param maxPages stop after this many pages (0 = no limit)
     */
    public static <T> Stream<T> stream(String operationId, String partition, URI first, PageSource source,
                                       Function<Page, List<T>> decode, PageListener listener, int maxPages) {
        Iterator<T> it = new Iterator<>() {
            URI nextUri = first;
            Iterator<T> current = Collections.emptyIterator();
            int pages;
            int pageRecords;
            String pageNext;
            boolean pending; // a page is being consumed and its listener call is owed

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (pending) {
                        pending = false;
                        boolean last = nextUri == null;
                        listener.onPage(new PageEvent(operationId, partition, pages, pageRecords, pageNext, last));
                    }
                    if (nextUri == null) return false;
                    Page page = source.fetch(nextUri);
                    pages++;
                    pageNext = page.next();
                    nextUri = page.next() == null || (maxPages > 0 && pages >= maxPages) ? null : Urls.parseLink(page.next());
                    List<T> records = decoded(operationId, () -> decode.apply(page));
                    pageRecords = records.size();
                    current = records.iterator();
                    pending = true;
                }
                return true;
            }

            @Override
            public T next() {
                if (!hasNext()) throw new NoSuchElementException();
                return current.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /** Decodes a page; a value Klaviyo sent that cannot be read is Klaviyo's protocol error (502), not ours. */
    static <R> R decoded(String operationId, Supplier<R> decode) {
        try {
            return decode.get();
        } catch (DateTimeException e) {
            throw new KlaviyoException.Protocol(operationId,
                    "a datetime in the answer could not be read (" + e.getMessage() + ")", e);
        }
    }
}
