package dev.ksync.sandbox.query;

/**
 * A Klaviyo-shaped error answer: becomes {@code {"errors":[{id,status,code,title,detail,source}]}}.
 * {@code parameter} or {@code pointer} fills {@code source}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final String title;
    private final String parameter;
    private final String pointer;

    public ApiException(int status, String code, String title, String detail, String parameter, String pointer) {
        super(detail);
        this.status = status;
        this.code = code;
        this.title = title;
        this.parameter = parameter;
        this.pointer = pointer;
    }

    public static ApiException invalidParameter(String parameter, String detail) {
        return new ApiException(400, "invalid", "Invalid input.", detail, parameter, null);
    }

    public static ApiException invalidBody(String pointer, String detail) {
        return new ApiException(400, "invalid", "Invalid input.", detail, null, pointer);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "not_found", "Not found.", detail, null, null);
    }

    public int status() { return status; }
    public String code() { return code; }
    public String title() { return title; }
    public String detail() { return getMessage(); }
    public String parameter() { return parameter; }
    public String pointer() { return pointer; }
}
