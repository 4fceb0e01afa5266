package dev.ksync.klaviyo.paging;

/**
 * One page handed over completely to the consumer.
 *
 * @param partition  the slice label of a partitioned stream, or null
 * @param pageNumber 1-based within the partition (or stream)
 * @param nextLink   Klaviyo's {@code links.next} after this page — a safe point to resume from — or null
 * @param last       true when the partition (or stream) has no more pages
 */
public record PageEvent(String operationId, String partition, int pageNumber, int records, String nextLink,
                        boolean last) {}
