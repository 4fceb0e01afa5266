package dev.ksync.klaviyo.paging;

import dev.ksync.klaviyo.error.CallInterrupted;
import dev.ksync.klaviyo.http.Urls;
import dev.ksync.klaviyo.wire.Page;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.time.Instant;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Pages several time slices at once, each with its own cursor. Ordered, the slices are merged in
 * slice order (so a sort on the slicing field stays globally sorted) and a slice can only run
 * {@code bufferPages} pages ahead of the consumer; unordered, pages are handed on in the order they
 * arrive, so every running slice keeps fetching while the consumer works — the mode to use when
 * the caller asked for no order. At most {@code concurrency} slices run; buffering is bounded by
 * {@code concurrency × bufferPages} pages either way. The rate budget shared by the slices paces
 * the calls, so parallelism only fills the budget's idle time. Close the stream to stop early
 * (try-with-resources).
 *
 * <p>Unordered, with slices that page in ascending order of their field, a slot that no waiting slice fills takes
 * half of the running slice with the most pages left: that slice ends at the midpoint and a new slice pages the rest.
 * Without it the last slices run alone and the load's end pages at a fraction of the budget.
 */
public final class PartitionedPager {
    private PartitionedPager() {}

    /**
     * @param decode a page's records
     * @param key    a record's value of the slicing field: each slice keeps the records it owns and an open-ended
     *               slice stops at the first past its end; null keeps every record
     */
    public static <T> Stream<T> stream(String operationId, List<Slice> slices, PageSource source,
                                       Function<Page, List<T>> decode, Function<T, Instant> key, PageListener listener,
                                       int concurrency, int bufferPages, boolean ordered) {
        return stream(operationId, slices, source, decode, key, listener, concurrency, bufferPages, ordered, null);
    }

    /**
     * @param slicer a slice [from, to) paged in ascending order like the others, or null: slices are not split
     *               (they may page in any order, or the merge is ordered)
     */
    public static <T> Stream<T> stream(String operationId, List<Slice> slices, PageSource source,
                                       Function<Page, List<T>> decode, Function<T, Instant> key, PageListener listener,
                                       int concurrency, int bufferPages, boolean ordered, Slicer slicer) {
        if (slicer != null && (ordered || key == null)) {
            throw new IllegalArgumentException("only an unordered merge with a slice key halves slices");
        }
        Merge<T> merge = new Merge<>(operationId, slices, source, decode, key, listener, Math.max(1, concurrency),
                Math.max(1, bufferPages), ordered, slicer);
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(merge, Spliterator.ORDERED | Spliterator.NONNULL), false)
                .onClose(merge::close);
    }

    private sealed interface Item<T> {}
    private record Chunk<T>(Run<T> run, List<T> records, int page, String next, boolean last) implements Item<T> {}
    private record Failed<T>(RuntimeException error) implements Item<T> {}

    /** Makes the slice [from, to) of the same listing. */
    @FunctionalInterface
    public interface Slicer {
        Slice slice(Instant from, Instant to);
    }

    /**
     * A slice's pages left before it is worth halving: each half ends on a partly filled page, so a half of 8 or more
     * costs at most an eighth more calls than it saves from the load's tail.
     */
    private static final int SPLIT_PAGES = 16;

    private static final class Run<T> {
        final Slice slice;
        final BlockingQueue<Item<T>> queue;
        Future<?> task;
        // guarded by this: where the slice ends now (a split moves it), how far it has paged, whether it has ended
        private Instant end;
        private Instant position;
        private int pages;
        private boolean done;

        /** {@code queue} is the slice's own (ordered) or the one all slices share (unordered). */
        Run(Slice slice, BlockingQueue<Item<T>> queue) {
            this.slice = slice;
            this.queue = queue;
            this.end = slice.to();
        }

        /**
         * A fetched page's records that this slice owns, noting how far it has paged and whether this was its last
         * page (no next link, or a record at or past its end). Decided under the same lock as {@link #split}, so no
         * record is both kept here and left to the other half.
         */
        synchronized List<T> take(List<T> all, Function<T, Instant> key, boolean hasNext) {
            pages++;
            if (key == null) {
                done = !hasNext;
                return all;
            }
            List<T> owned = new ArrayList<>(all.size());
            boolean pastEnd = false;
            for (T r : all) {
                Instant t = key.apply(r);
                if (t != null && !t.isBefore(end)) pastEnd = true;
                else if (t != null && !t.isBefore(slice.from())) owned.add(r);
                if (t != null && (position == null || t.isAfter(position))) position = t;
            }
            // a URL that ends at the slice's end ends its pages itself: a record Klaviyo dates past it (a profile
            // updated while the load runs) is not kept, and the slice's pages go on
            boolean stopsItself = !slice.openEnded() && !end.isBefore(slice.to());
            done = pastEnd && !stopsItself || !hasNext;
            return owned;
        }

        synchronized boolean done() {
            return done;
        }

        /** The pages this slice has left, guessed from those it took so far (two or more) for the time they covered. */
        synchronized double pagesLeft() {
            if (done || pages < 2 || position == null || !position.isAfter(slice.from()) || !end.isAfter(position)) return 0;
            return pages * (double) Duration.between(position, end).toMillis()
                    / Duration.between(slice.from(), position).toMillis();
        }

        /** Ends this slice at the whole second halfway to its end; the range it gave up, or null if none. */
        synchronized Instant[] split() {
            if (done || position == null) return null;
            long from = position.getEpochSecond() + 1; // past every record it may still be paging
            long to = end.getEpochSecond();
            if (to - from < 2) return null;
            Instant mid = Instant.ofEpochSecond(from + (to - from) / 2);
            Instant[] given = {mid, end};
            end = mid;
            return given;
        }
    }

    private static final class Merge<T> implements Iterator<T>, AutoCloseable {
        private final String op;
        private final Deque<Slice> waiting;
        private final Deque<Run<T>> running = new ArrayDeque<>();
        private final PageSource source;
        private final Function<Page, List<T>> decode;
        private final Function<T, Instant> key;
        private final PageListener listener;
        private final int concurrency;
        private final int buffer;
        private final boolean ordered;
        private final BlockingQueue<Item<T>> shared;
        private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        private final Slicer slicer;
        private Iterator<T> current = Collections.emptyIterator();
        private Chunk<T> owed; // the chunk being consumed; its listener call comes once it is empty

        Merge(String op, List<Slice> slices, PageSource source, Function<Page, List<T>> decode, Function<T, Instant> key,
              PageListener listener, int concurrency, int buffer, boolean ordered, Slicer slicer) {
            this.slicer = slicer;
            this.key = key;
            this.op = op;
            this.ordered = ordered;
            this.shared = ordered ? null : new ArrayBlockingQueue<>(concurrency * (buffer + 1));
            this.waiting = new ArrayDeque<>(slices);
            this.source = source;
            this.decode = decode;
            this.listener = listener;
            this.concurrency = concurrency;
            this.buffer = buffer;
            fill();
        }

        private void fill() {
            while (running.size() < concurrency && !waiting.isEmpty()) start(waiting.removeFirst());
            while (slicer != null && running.size() < concurrency) {
                Run<T> widest = running.stream().max(Comparator.comparingDouble(Run::pagesLeft)).orElse(null);
                Instant[] half = widest == null || widest.pagesLeft() < SPLIT_PAGES ? null : widest.split();
                if (half == null) return;
                start(slicer.slice(half[0], half[1]));
            }
        }

        private void start(Slice slice) {
            Run<T> run = new Run<>(slice, ordered ? new ArrayBlockingQueue<>(buffer + 1) : shared);
            run.task = executor.submit(() -> page(run));
            running.addLast(run);
        }

        private void page(Run<T> run) {
            try {
                URI next = run.slice.first();
                int n = 0;
                while (next != null) {
                    Page p = source.fetch(next);
                    n++;
                    List<T> all = Pager.decoded(op, () -> decode.apply(p));
                    List<T> owned = run.take(all, key, p.next() != null);
                    String link = run.done() ? null : p.next();
                    next = link == null ? null : Urls.parseLink(link);
                    run.queue.put(new Chunk<>(run, owned, n, link, next == null));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                // put, not offer: the queue may be full, and a dropped failure would leave the consumer waiting
                // forever for this slice's last page
                RuntimeException failure = e instanceof RuntimeException r ? r
                        : new IllegalStateException("paging " + op + " failed", e);
                try {
                    run.queue.put(new Failed<>(failure));
                } catch (InterruptedException closed) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public boolean hasNext() {
            while (!current.hasNext()) {
                if (owed != null) {
                    Chunk<T> c = owed;
                    owed = null;
                    listener.onPage(new PageEvent(op, c.run().slice.label(), c.page(), c.records().size(),
                            c.next(), c.last()));
                    if (c.last()) {
                        running.remove(c.run());
                        fill();
                    }
                }
                if (running.isEmpty()) {
                    executor.close();
                    return false;
                }
                Item<T> item;
                try {
                    item = ordered ? running.getFirst().queue.take() : shared.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    close();
                    throw new CallInterrupted(op, e);
                }
                if (item instanceof Failed<T> f) {
                    close();
                    throw f.error();
                }
                Chunk<T> c = (Chunk<T>) item;
                owed = c;
                current = c.records().iterator();
                // a free worker halves a slice once that slice has paged far enough to tell how much it has left
                if (slicer != null && running.size() < concurrency) fill();
            }
            return true;
        }

        @Override
        public T next() {
            if (!hasNext()) throw new NoSuchElementException();
            return current.next();
        }

        @Override
        public void close() {
            running.forEach(r -> r.task.cancel(true));
            waiting.clear();
            executor.shutdownNow();
        }
    }
}
