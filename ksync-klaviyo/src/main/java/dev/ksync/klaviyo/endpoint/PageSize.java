package dev.ksync.klaviyo.endpoint;

/** {@code page[size]} bounds of a cursor-paged endpoint, from the spec. */
public record PageSize(int min, int defaultSize, int max) {
    public PageSize {
        if (min < 1 || defaultSize < min || max < defaultSize) {
            throw new IllegalArgumentException("invalid page size bounds " + min + "/" + defaultSize + "/" + max);
        }
    }

    /** Throws when {@code size} is outside the bounds, naming them. */
    public int check(int size) {
        if (size < min || size > max) {
            throw new IllegalArgumentException("page size " + size + " outside " + min + ".." + max);
        }
        return size;
    }
}
