package dev.ksync.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error page for failures that never reach Javalin (a bad request line, headers too large, a URI too long,
 * an unsupported HTTP version, an idle timeout while the headers arrive...): the same {@link ApiError} JSON as every
 * other answer, for every method, with a fixed text per status rather than Jetty's message about the request.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final ObjectMapper mapper;

    JsonErrorHandler(ObjectMapper mapper) {
        this.mapper = mapper;
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) throws JsonProcessingException {
        if (HttpStatus.hasNoBody(code)) {
            callback.succeeded();
            return;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (HttpMethod.HEAD.is(request.getMethod())) {
            // Jetty does not drop the body of an answer to a request it could not parse: HEAD gets none from us.
            response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            return;
        }
        if ("BAD".equals(request.getMethod())) {
            // Jetty's marker for a request it could not parse, whose real method (HEAD, say) is unknown: the body
            // goes out and the connection closes, so no client mistakes it for the start of another answer.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        byte[] body = mapper.writeValueAsBytes(ErrorMapper.forStatus(code));
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
