package dev.ksync.sandbox.data;

/**
 * The events of one account-timezone day in compact primitive arrays, sorted by time: about 30 bytes
 * an event instead of a few hundred for objects.
 */
public final class DayEvents {
    public final int day;
    public final int size;
    final long[] ts;
    final int[] profile;
    final byte[] metric;
    final int[] message;
    final long[] aux;

    DayEvents(int day, int size, long[] ts, int[] profile, byte[] metric, int[] message, long[] aux) {
        this.day = day;
        this.size = size;
        this.ts = ts;
        this.profile = profile;
        this.metric = metric;
        this.message = message;
        this.aux = aux;
    }

    public long epochSecond(int pos) { return ts[pos]; }

    public int profileIndex(int pos) { return profile[pos]; }

    public int metricIndex(int pos) { return metric[pos]; }

    /** Account-wide message index (flow messages first, then campaign messages), or -1. */
    public int messageIndex(int pos) { return message[pos]; }
}
