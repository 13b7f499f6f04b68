package io.batchwise.http;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Collects a request body as raw bytes whatever its content type (KServe clients often send
 * JSON as form-encoded, as {@code curl -d} does), rejecting bodies over the limit with 413.
 * The bytes are available from {@link #of(RoutingContext)}.
 */
public final class RawBody implements Handler<RoutingContext> {
    private static final String KEY = "batchwise.body";
    private final long limit;

    private RawBody(long limit) {
        this.limit = limit;
    }

    /** A handler that reads at most {@code limit} bytes. */
    public static RawBody limitedTo(long limit) {
        return new RawBody(limit);
    }

    /** The body bytes read by this handler. */
    public static byte[] of(RoutingContext ctx) {
        Buffer b = ctx.get(KEY);
        return b == null ? new byte[0] : b.getBytes();
    }

    @Override
    public void handle(RoutingContext ctx) {
        String declared = ctx.request().getHeader("Content-Length");
        long length = 0;
        if (declared != null) {
            try {
                length = Long.parseLong(declared.trim());
                if (length > limit) {
                    tooLarge(ctx);
                    return;
                }
            } catch (NumberFormatException e) {
                ErrorMapper.send(ctx.response(), 400, "Content-Length is not a number", null);
                return;
            }
        }
        // Sized up front when the length is declared, so a large body is not regrown chunk by chunk.
        Buffer body = Buffer.buffer((int) Math.max(0, Math.min(length, 64L << 20)));
        boolean[] failed = {false};
        ctx.request().handler(chunk -> {
            if (failed[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                failed[0] = true;
                tooLarge(ctx);
                return;
            }
            body.appendBuffer(chunk);
        });
        ctx.request().endHandler(v -> {
            if (!failed[0]) {
                ctx.put(KEY, body);
                ctx.next();
            }
        });
        ctx.request().resume();
    }

    private void tooLarge(RoutingContext ctx) {
        ctx.response().putHeader("Connection", "close");
        ErrorMapper.send(ctx.response(), 413, "request body larger than the limit of " + limit + " bytes", null);
    }
}
