package io.batchwise.http;

import io.batchwise.metrics.MetricsSource;
import io.vertx.ext.web.Router;
import java.util.List;

/** {@code GET /metrics}: Prometheus text exposition of every metrics source. */
public final class MetricsRoutes implements Routes {
    private final List<MetricsSource> sources;

    public MetricsRoutes(List<MetricsSource> sources) {
        this.sources = List.copyOf(sources);
    }

    @Override
    public void mount(Router router) {
        router.get("/metrics").handler(ctx -> {
            StringBuilder out = new StringBuilder();
            sources.forEach(s -> s.writeTo(out));
            ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(out.toString());
        });
    }
}
