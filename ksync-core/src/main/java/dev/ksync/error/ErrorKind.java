package dev.ksync.error;

/** Who is to blame for a failure, and so how a door (HTTP status, CLI exit code) reports it. */
public enum ErrorKind {
    BAD_INPUT(400),
    UNAUTHORIZED(401),
    NOT_FOUND(404),
    /** The request (its body) did not arrive in time. */
    REQUEST_TIMEOUT(408),
    CONFLICT(409),
    TOO_LARGE(413),
    /** The request's content type or charset is one ksync cannot read. */
    UNSUPPORTED_MEDIA_TYPE(415),
    UNPROCESSABLE(422),
    /** A quota (e.g. Klaviyo's daily report calls) is spent; {@code details} say when it resets. */
    RATE_LIMITED(429),
    DISABLED(501),
    UPSTREAM(502),
    /** A service ksync needs (its database) does not answer right now; retrying later may work. */
    UNAVAILABLE(503),
    DEADLINE(504),
    INTERNAL(500);

    private final int httpStatus;

    ErrorKind(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Exit code for the CLI: 2 for the user's input, 3 for upstream/external trouble, 1 for the rest. */
    public int exitCode() {
        return switch (this) {
            case REQUEST_TIMEOUT, UNSUPPORTED_MEDIA_TYPE -> 2;
            case BAD_INPUT, NOT_FOUND, CONFLICT, TOO_LARGE, UNPROCESSABLE, UNAUTHORIZED, DISABLED -> 2;
            case UPSTREAM, UNAVAILABLE, DEADLINE, RATE_LIMITED -> 3;
            case INTERNAL -> 1;
        };
    }
}
