package dev.ksync.error;

import dev.ksync.klaviyo.error.Blame;

/**
 * What went wrong, in the words a door needs: the HTTP status is chosen from it in {@code http.ErrorMapper}, the CLI
 * exit code from its {@link Blame} in {@code cli.CliErrors}, and nowhere else.
 */
public enum ErrorKind {
    BAD_INPUT(Blame.USER),
    UNAUTHORIZED(Blame.USER),
    NOT_FOUND(Blame.USER),
    /** The request (its body) did not arrive in time. */
    REQUEST_TIMEOUT(Blame.USER),
    CONFLICT(Blame.USER),
    TOO_LARGE(Blame.USER),
    /** The request's content type or charset is one ksync cannot read. */
    UNSUPPORTED_MEDIA_TYPE(Blame.USER),
    UNPROCESSABLE(Blame.USER),
    /** A quota (e.g. Klaviyo's daily report calls) is spent; the exception's retryAt says when it resets. */
    RATE_LIMITED(Blame.EXTERNAL),
    DISABLED(Blame.USER),
    /** Klaviyo or the object store failed; the exception's blame says whether the user can fix it (a bad key). */
    UPSTREAM(Blame.EXTERNAL),
    /** A service ksync needs (its database) does not answer right now; retrying later may work. */
    UNAVAILABLE(Blame.EXTERNAL),
    DEADLINE(Blame.EXTERNAL),
    INTERNAL(Blame.INTERNAL);

    private final Blame blame;

    ErrorKind(Blame blame) {
        this.blame = blame;
    }

    /** Whose move it usually is; an exception may say otherwise (Klaviyo's 401 is an upstream failure the user fixes). */
    public Blame defaultBlame() {
        return blame;
    }
}
