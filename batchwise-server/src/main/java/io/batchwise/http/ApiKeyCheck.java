package io.batchwise.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Guards endpoints that change the server (the model repository extension) with an API key
 * sent as {@code Authorization: Bearer KEY}; anything else gets 401. With no key configured every
 * request passes, which suits the default loopback-only binding.
 */
public final class ApiKeyCheck implements Handler<RoutingContext> {
    private final byte[] expected;

    /** @param apiKey the key, or null (or blank) for no check */
    public ApiKeyCheck(String apiKey) {
        this.expected = apiKey == null || apiKey.isBlank() ? null
                : ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
    }

    /** True when a key is configured. */
    public boolean enabled() {
        return expected != null;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (expected == null) {
            ctx.next();
            return;
        }
        String given = ctx.request().getHeader("Authorization");
        // Constant-time comparison: the time taken must not reveal how much of the key matched.
        if (given != null && MessageDigest.isEqual(expected, given.trim().getBytes(StandardCharsets.UTF_8))) {
            ctx.next();
            return;
        }
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"batchwise\"");
        ErrorMapper.send(ctx.response(), 401, given == null
                ? "this endpoint needs the server's API key: send 'Authorization: Bearer KEY'"
                : "wrong API key", null);
    }
}
