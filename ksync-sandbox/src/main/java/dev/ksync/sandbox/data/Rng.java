package dev.ksync.sandbox.data;

/**
 * Stateless, seedable hashing: every generated value is a pure function of (seed, coordinates), so
 * any profile or event can be re-derived on demand instead of being stored.
 */
public final class Rng {
    private Rng() {}

    /** SplitMix64 finaliser: a good 64-bit mix. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public static long hash(long seed, long a) {
        return mix(seed * 0x9E3779B97F4A7C15L + mix(a + 0x632BE59BD9B4E019L));
    }

    public static long hash(long seed, long a, long b) {
        return hash(hash(seed, a), b);
    }

    public static long hash(long seed, long a, long b, long c) {
        return hash(hash(hash(seed, a), b), c);
    }

    /** Uniform double in [0,1). */
    public static double unit(long h) {
        return (h >>> 11) * 0x1.0p-53;
    }

    /** Uniform int in [0,n). */
    public static int below(long h, int n) {
        return (int) Math.floorMod(h, (long) n);
    }

    public static <T> T pick(long h, T[] items) {
        return items[below(h, items.length)];
    }

    /** A small deterministic generator for places that need a sequence of draws. */
    public static final class Stream {
        private long state;

        public Stream(long seed) { this.state = mix(seed); }

        public long next() { state += 0x9E3779B97F4A7C15L; return mix(state); }

        public double unit() { return Rng.unit(next()); }

        public int below(int n) { return Rng.below(next(), n); }

        public boolean chance(double p) { return unit() < p; }

        public <T> T pick(T[] items) { return items[below(items.length)]; }
    }
}
