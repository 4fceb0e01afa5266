package dev.ksync.klaviyo.error;

/**
 * The thread making a Klaviyo call was interrupted (the process is stopping its work): no failure of Klaviyo's nor of
 * the network, so not a {@link KlaviyoException}, and the same call may be made again. The thread's interrupt flag is
 * set again when this is thrown.
 */
public final class CallInterrupted extends RuntimeException {
    public CallInterrupted(String operation, Throwable cause) {
        super("Interrupted during " + operation + " (the work was stopped, e.g. by a shutdown)", cause);
    }
}
