package dev.ksync.klaviyo.endpoint;

/** How an endpoint pages. */
public enum CursorStyle {
    /** Single document, no paging. */
    NONE,
    /** {@code page[cursor]}: follow the absolute {@code links.next} URL until it is null. */
    LINKS_NEXT,
    /** Reporting API: {@code page_cursor} query parameter taken from {@code links.next}. */
    REPORT_PAGE_CURSOR,
    /** Metric aggregates: {@code data.attributes.page_cursor} in the POST body. */
    BODY_PAGE_CURSOR
}
