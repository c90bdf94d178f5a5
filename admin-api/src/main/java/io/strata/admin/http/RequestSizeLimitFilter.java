package io.strata.admin.http;

import io.strata.admin.config.HttpApiProperties;
import io.strata.admin.error.ErrorBody;
import io.strata.admin.error.RestException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Bounds every request body at {@code strata.http.max-request-size}: a declared length above it is refused at
 * once (413), and a chunked body is counted as it is read and fails with 413 when it passes the limit, so no
 * body is ever buffered beyond it. The streaming produce endpoint ({@code POST .../topics/{t}/records}) takes a
 * stream of any length and bounds each record instead.
 */
@Component
public class RequestSizeLimitFilter extends OncePerRequestFilter {
    private static final Pattern STREAMING_PRODUCE = Pattern.compile("^/v3/clusters/[^/]+/topics/[^/]+/records$");

    private final long limit;

    public RequestSizeLimitFilter(HttpApiProperties properties) {
        this.limit = properties.maxRequestSize().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if ("POST".equals(request.getMethod()) && STREAMING_PRODUCE.matcher(request.getRequestURI()).matches()) {
            chain.doFilter(request, response);
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
            response.setContentType("application/json");
            ErrorBody body = tooLarge().body();
            response.getOutputStream().write(("{\"error_code\":" + body.errorCode() + ",\"message\":\""
                    + body.message() + "\"}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(declared >= 0 ? request : new Bounded(request, limit), response);
    }

    private RestException tooLarge() {
        return new RestException(HttpStatus.CONTENT_TOO_LARGE, 413,
                "Request body is larger than the limit of " + limit + " bytes (strata.http.max-request-size)");
    }

    /** A body of unknown length, failing with 413 once more than the limit has been read. */
    private final class Bounded extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream stream;

        Bounded(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), max);
            }
            return stream;
        }
    }

    private final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private final long max;
        private long read;

        Counting(ServletInputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > max) {
                throw tooLarge();
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
